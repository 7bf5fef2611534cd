/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * test-vt.c — the end-to-end terminal (tests/lib/vt.c) proved on programs
 * every Debian system has: sh, printf, stty, head, od.
 */
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "lib/testlib.h"
#include "lib/vt.h"

/* Generous: a loaded CI machine, an ASan build.  Passing tests never wait
 * this long. */
#define T	5000

static long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Run sh -c script in a rows × cols terminal. */
static struct vt *
sh(int rows, int cols, const char *script)
{
	char		 shell[] = "sh", flag[] = "-c";
	char		*copy = xstrdup(script);
	char *const	 argv[] = { shell, flag, copy, NULL };
	struct vt	*vt;

	vt = vt_spawn(rows, cols, argv, NULL);
	free(copy);
	assert_non_null(vt);
	return vt;
}

/*
 * A child that puts the terminal in raw mode, prints setup (escape
 * sequences that change the terminal's modes) and "ready", then shows the
 * next n bytes it reads in hex between brackets: "[ 1b 5b 44]".
 */
static struct vt *
bytes_child(const char *setup, int n)
{
	struct vt	*vt;
	char		*script;

	xasprintf(&script, "stty raw -echo; printf '%sready\\r\\n['; "
	    "head -c %d | od -An -tx1 -v -w256 | tr -d '\\n'; printf ']'",
	    setup, n);
	vt = sh(24, 200, script);
	free(script);
	assert_int_equal(vt_wait_text(vt, "ready", T), 0);
	return vt;
}

static void
test_text_and_wide_cells(void **state)
{
	struct vt	*vt;
	char		*row, cell[32];
	int		 status, r, c, width;

	(void)state;
	vt = sh(24, 80, "printf 'ab中文𠮷x'");
	assert_int_equal(vt_wait_exit(vt, T, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	row = vt_row(vt, 0);
	assert_string_equal(row, "ab中文𠮷x");
	free(row);
	row = vt_row(vt, 1);
	assert_string_equal(row, "");
	free(row);

	/* a b 中中 文文 𠮷𠮷 x: the cursor after x, in column 9. */
	vt_cursor(vt, &r, &c);
	assert_int_equal(r, 0);
	assert_int_equal(c, 9);

	assert_int_equal(vt_cell(vt, 0, 2, cell, &width), 0);
	assert_string_equal(cell, "中");
	assert_int_equal(width, 2);
	assert_int_equal(vt_cell(vt, 0, 3, cell, &width), 0);
	assert_string_equal(cell, "");
	assert_int_equal(width, 0);
	assert_int_equal(vt_cell(vt, 0, 6, cell, &width), 0);
	assert_string_equal(cell, "𠮷");
	assert_int_equal(width, 2);
	assert_int_equal(vt_cell(vt, 0, 8, cell, &width), 0);
	assert_string_equal(cell, "x");
	assert_int_equal(width, 1);
	assert_int_equal(vt_cell(vt, 0, 9, cell, &width), 0);
	assert_string_equal(cell, "");
	assert_int_equal(width, 1);
	assert_int_equal(vt_cell(vt, 24, 0, cell, &width), -1);
	assert_int_equal(vt_cell(vt, 0, 80, cell, &width), -1);

	assert_true(vt_find(vt, "𠮷x", &r, &c));
	assert_int_equal(r, 0);
	assert_int_equal(c, 6);
	assert_false(vt_find(vt, "xy", NULL, NULL));
	vt_free(vt);
}

static void
test_cursor_motion(void **state)
{
	struct vt	*vt;
	char		*row, cell[32];
	int		 r, c, width;

	(void)state;
	vt = sh(24, 80, "printf '\\033[5;10HX\\033[?25l'; read x");
	assert_int_equal(vt_wait_text(vt, "X", T), 0);
	assert_int_equal(vt_cell(vt, 4, 9, cell, &width), 0);
	assert_string_equal(cell, "X");
	row = vt_row(vt, 4);
	assert_string_equal(row, "         X");
	free(row);
	assert_int_equal(vt_wait_cursor(vt, 4, 10, T), 0);
	/* ?25l hides the cursor. */
	assert_false(vt_cursor(vt, &r, &c));
	vt_free(vt);
}

static void
test_attributes(void **state)
{
	struct vt	*vt;
	struct vt_attrs	 a;

	(void)state;
	vt = sh(24, 80, "printf '\\033[1;7;31mR\\033[0m \\033[4;38;5;208;44mU"
	    "\\033[0m N \\033[38;2;1;2;3mT\\033[0m'");
	assert_int_equal(vt_wait_exit(vt, T, NULL), 0);
	assert_true(vt_find(vt, "R U N T", NULL, NULL));

	assert_int_equal(vt_cell_attrs(vt, 0, 0, &a), 0);
	assert_true(a.bold && a.reverse);
	assert_false(a.underline || a.italic || a.blink || a.strike);
	assert_int_equal(a.fg, 1);
	assert_int_equal(a.bg, -1);

	assert_int_equal(vt_cell_attrs(vt, 0, 2, &a), 0);
	assert_false(a.bold || a.reverse);
	assert_int_equal(a.underline, 1);
	assert_int_equal(a.fg, 208);
	assert_int_equal(a.bg, 4);

	assert_int_equal(vt_cell_attrs(vt, 0, 4, &a), 0);
	assert_false(a.bold || a.reverse || a.underline);
	assert_int_equal(a.fg, -1);
	assert_int_equal(a.bg, -1);

	assert_int_equal(vt_cell_attrs(vt, 0, 6, &a), 0);
	assert_int_equal(a.fg, -2);
	assert_int_equal(a.fg_rgb, 0x010203);

	assert_int_equal(vt_cell_attrs(vt, 0, 80, &a), -1);
	vt_free(vt);
}

static void
test_altscreen(void **state)
{
	struct vt	*vt;
	int		 status;

	(void)state;
	vt = sh(24, 80, "printf 'main\\033[?1049h\\033[HALT'; read x; "
	    "printf '\\033[?1049l'");
	assert_int_equal(vt_wait_text(vt, "ALT", T), 0);
	assert_true(vt_altscreen(vt));
	assert_false(vt_find(vt, "main", NULL, NULL));
	assert_int_equal(vt_key(vt, VT_KEY_ENTER), 0);
	assert_int_equal(vt_wait_exit(vt, T, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_false(vt_altscreen(vt));
	assert_true(vt_find(vt, "main", NULL, NULL));
	assert_false(vt_find(vt, "ALT", NULL, NULL));
	vt_free(vt);
}

static void
test_resize(void **state)
{
	struct vt	*vt;
	int		 rows, cols;

	(void)state;
	/* The kernel's size, read by the child after a line of input. */
	vt = sh(24, 80, "stty size; read x; stty size");
	assert_int_equal(vt_wait_text(vt, "24 80", T), 0);
	assert_int_equal(vt_resize(vt, 30, 100), 0);
	vt_size(vt, &rows, &cols);
	assert_int_equal(rows, 30);
	assert_int_equal(cols, 100);
	assert_int_equal(vt_sendstr(vt, "\r"), 0);
	assert_int_equal(vt_wait_text(vt, "30 100", T), 0);
	vt_free(vt);

	/* SIGWINCH reaches the foreground process group. */
	vt = sh(24, 80, "trap 'stty size' WINCH; echo ready; "
	    "while :; do sleep 0.02; done");
	assert_int_equal(vt_wait_text(vt, "ready", T), 0);
	assert_int_equal(vt_resize(vt, 10, 40), 0);
	assert_int_equal(vt_wait_text(vt, "10 40", T), 0);
	vt_free(vt);
}

static void
test_input_method_commit(void **state)
{
	struct vt	*vt;

	(void)state;
	/* A whole committed string in one write, through canonical mode. */
	vt = sh(24, 80, "echo ready; read line; printf '<%s>\\n' \"$line\"");
	assert_int_equal(vt_wait_text(vt, "ready", T), 0);
	assert_int_equal(vt_sendstr(vt, "欧阳𠮷·娜\r"), 0);
	assert_int_equal(vt_wait_text(vt, "<欧阳𠮷·娜>", T), 0);
	vt_free(vt);

	/* IUTF8: one Backspace erases a whole four-byte character. */
	vt = sh(24, 80, "echo ready; read line; printf '<%s>\\n' \"$line\"");
	assert_int_equal(vt_wait_text(vt, "ready", T), 0);
	assert_int_equal(vt_sendstr(vt, "欧阳𠮷"), 0);
	assert_int_equal(vt_key(vt, VT_KEY_BACKSPACE), 0);
	assert_int_equal(vt_type(vt, "娜\r"), 0);
	assert_int_equal(vt_wait_text(vt, "<欧阳娜>", T), 0);
	vt_free(vt);

	/* The bytes arrive exactly, both ways of typing. */
	vt = bytes_child("", 14);
	assert_int_equal(vt_sendstr(vt, "欧𠮷"), 0);
	assert_int_equal(vt_type(vt, "·ab"), 0);
	assert_int_equal(vt_sendstr(vt, "zzz"), 0);
	assert_int_equal(vt_wait_text(vt,
	    "[ e6 ac a7 f0 a0 ae b7 c2 b7 61 62 7a 7a 7a]", T), 0);
	vt_free(vt);
}

static void
test_keys(void **state)
{
	struct vt	*vt;
	static const enum vt_key keys[] = {
		VT_KEY_LEFT, VT_KEY_UP, VT_KEY_HOME, VT_KEY_END,
		VT_KEY_DELETE, VT_KEY_PAGEUP, VT_KEY_PAGEDOWN, VT_KEY_F1,
		VT_KEY_F5, VT_KEY_F12, VT_KEY_BACKTAB, VT_KEY_TAB,
		VT_KEY_BACKSPACE, VT_KEY_ENTER, VT_KEY_ESC, VT_KEY_INSERT,
	};
	size_t		 i;

	(void)state;
	/* Normal cursor keys, as before ncurses sends smkx. */
	vt = bytes_child("", 48);
	for (i = 0; i < nitems(keys); i++)
		assert_int_equal(vt_key(vt, keys[i]), 0);
	assert_int_equal(vt_wait_text(vt, "[ 1b 5b 44 1b 5b 41 1b 5b 48 "
	    "1b 5b 46 1b 5b 33 7e 1b 5b 35 7e 1b 5b 36 7e 1b 4f 50 "
	    "1b 5b 31 35 7e 1b 5b 32 34 7e 1b 5b 5a 09 7f 0d 1b "
	    "1b 5b 32 7e]", T), 0);
	vt_free(vt);

	/* After DECCKM (xterm's smkx), the cursor keys of terminfo's kcub1,
	 * kcuu1, khome and kend; then ^X and Alt-x. */
	vt = bytes_child("\\033[?1h\\033=", 15);
	assert_int_equal(vt_key(vt, VT_KEY_LEFT), 0);
	assert_int_equal(vt_key(vt, VT_KEY_UP), 0);
	assert_int_equal(vt_key(vt, VT_KEY_HOME), 0);
	assert_int_equal(vt_key(vt, VT_KEY_END), 0);
	assert_int_equal(vt_char_mod(vt, 'x', VT_MOD_CTRL), 0);
	assert_int_equal(vt_char_mod(vt, 'x', VT_MOD_ALT), 0);
	assert_int_equal(vt_wait_text(vt, "[ 1b 4f 44 1b 4f 41 1b 4f 48 "
	    "1b 4f 46 18 1b 78]", T), 0);
	vt_free(vt);

	/* A bracketed paste once the child asks for it. */
	vt = bytes_child("\\033[?2004h", 16);
	assert_int_equal(vt_paste(vt, "欧a"), 0);
	assert_int_equal(vt_wait_text(vt, "[ 1b 5b 32 30 30 7e e6 ac a7 61 "
	    "1b 5b 32 30 31 7e]", T), 0);
	vt_free(vt);
}

static void
test_query_replies(void **state)
{
	struct vt	*vt;

	(void)state;
	/* Cursor position report (DSR 6) and primary device attributes:
	 * the terminal answers through the child's input. */
	vt = bytes_child("\\033[3;5H\\033[6n\\033[c", 13);
	assert_int_equal(vt_wait_text(vt,
	    "[ 1b 5b 33 3b 35 52 1b 5b 3f 31 3b 32 63]", T), 0);
	vt_free(vt);
}

static void
test_wait_times_out(void **state)
{
	struct vt	*vt;
	long		 t0, dt;

	(void)state;
	vt = sh(24, 80, "echo hello; read x");
	assert_int_equal(vt_wait_text(vt, "hello", T), 0);
	vt_set_log(vt, NULL);

	t0 = now_ms();
	assert_int_equal(vt_wait_text(vt, "never", 300), -1);
	dt = now_ms() - t0;
	assert_true(dt >= 300 && dt < 1500);

	t0 = now_ms();
	assert_int_equal(vt_wait_gone(vt, "hello", 100), -1);
	dt = now_ms() - t0;
	assert_true(dt >= 100 && dt < 1000);
	assert_int_equal(vt_wait_gone(vt, "never", 0), 0);
	assert_int_equal(vt_wait_exit(vt, 100, NULL), -1);
	assert_false(vt_exited(vt, NULL));

	/* Waiting on a child that exits fails at once, not at the timeout. */
	assert_int_equal(vt_sendstr(vt, "\r"), 0);
	t0 = now_ms();
	assert_int_equal(vt_wait_text(vt, "never", T), -1);
	assert_true(now_ms() - t0 < T / 2);
	assert_int_equal(vt_pump(vt, 0), -1);
	vt_free(vt);
}

static void
test_exit_status(void **state)
{
	struct vt	*vt;
	char		 bad[] = "/nonexistent/xueji-vt";
	char *const	 argv[] = { bad, NULL };
	int		 status;

	(void)state;
	vt = sh(24, 80, "echo bye; exit 3");
	assert_int_equal(vt_wait_exit(vt, T, &status), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_true(vt_exited(vt, NULL));
	assert_true(vt_find(vt, "bye", NULL, NULL));
	vt_free(vt);

	vt = sh(24, 80, "kill -9 $$");
	assert_int_equal(vt_wait_exit(vt, T, &status), 0);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	vt_free(vt);

	/* A program that cannot be run is an error, not a blank screen. */
	fprintf(stderr, "(an error about %s is expected)\n", bad);
	assert_null(vt_spawn(24, 80, argv, NULL));
}

/* Whether pid is gone: no such process, or a zombie left to init. */
static int
gone_now(pid_t pid)
{
	char	 path[64], buf[256], *p;
	FILE	*f;
	size_t	 n;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'Z';
}

/* Whether pid is gone within a second: kill(2) returns before the signal
 * is delivered. */
static int
gone(pid_t pid)
{
	long	deadline = now_ms() + 1000;

	while (!gone_now(pid)) {
		if (now_ms() > deadline)
			return 0;
		poll(NULL, 0, 5);
	}
	return 1;
}

static void
test_free_kills(void **state)
{
	struct vt	*vt;
	char		*row;
	pid_t		 pid;
	long		 bg, t0;
	int		 r;

	(void)state;
	/* Deaf to SIGTERM and SIGHUP, with a child of its own. */
	vt = sh(24, 80, "trap '' TERM HUP; sleep 100 & echo \"bg $!\"; "
	    "while :; do sleep 1; done");
	assert_int_equal(vt_wait_text(vt, "bg ", T), 0);
	assert_true(vt_find(vt, "bg ", &r, NULL));
	row = vt_row(vt, r);
	bg = strtol(row + 3, NULL, 10);
	free(row);
	assert_true(bg > 1);
	pid = vt_pid(vt);

	t0 = now_ms();
	vt_free(vt);
	assert_true(now_ms() - t0 < 3000);
	assert_true(gone(pid));
	assert_true(gone((pid_t)bg));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_text_and_wide_cells),
		cmocka_unit_test(test_cursor_motion),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_altscreen),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_input_method_commit),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_query_replies),
		cmocka_unit_test(test_wait_times_out),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_free_kills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
