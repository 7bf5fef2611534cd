/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * What the operator waits for outside the store's queries: the program
 * starting up to its login screen, the search screen drawing a list,
 * and a backup against SQLCipher's own export.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/student.h"
#include "bench/bench.h"
#include "bench/measure.h"
/* The UI's own header: the bench draws the search screen itself. */
#include "../../src/ui/ui.h"
#include "lib/hatch.h"

#define START_RUNS	20
#define START_WAIT_MS	10000
#define REDRAWS		300

/* ---- start to the login screen ------------------------------------------ */

/* build/xueji, beside the directory this program is in. */
static char *
xueji_path(void)
{
	char	 self[4096], *dir, *top, *path;
	ssize_t	 len;

	if ((len = readlink("/proc/self/exe", self, sizeof self - 1)) < 0)
		return NULL;
	self[len] = '\0';
	dir = xj_dirname(self);
	top = xj_dirname(dir);
	path = xj_path_join(top, "xueji");
	free(dir);
	free(top);
	return path;
}

/*
 * Read the terminal until its output holds marker (NULL: until it is
 * closed, or quiet for ms); 0 when marker came, else -1.
 */
static int
wait_for(int fd, const char *marker, int ms)
{
	struct pollfd	 pfd;
	char		 buf[65536];
	size_t		 len = 0;
	ssize_t		 r;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, ms) == 1) {
		if ((r = read(fd, buf + len, sizeof buf - 1 - len)) <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		if (marker != NULL && strstr(buf, marker) != NULL)
			return 0;
		/* Keep the tail: a marker may straddle two reads. */
		if (len > sizeof buf / 2) {
			memmove(buf, buf + len - 256, 256);
			len = 256;
		}
	}
	return -1;
}

/* xueji with args in a rows x cols pseudo-terminal; its pid, or -1. */
static pid_t
spawn(const char *xueji, char *const args[], int rows, int cols, int *fd)
{
	struct winsize	 ws;
	pid_t		 pid;

	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	if ((pid = forkpty(fd, NULL, NULL, &ws)) == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		unsetenv("LANGUAGE");
		execv(xueji, args);
		_exit(127);
	}
	return pid;
}

/*
 * Run xueji with args in a 24x80 pseudo-terminal; microseconds until
 * its output holds marker (NULL: until it exits), or -1.
 */
static double
run_until(const char *xueji, char *const args[], const char *marker)
{
	double		 t0, t = -1;
	pid_t		 pid;
	int		 fd, status;

	t0 = now_us();
	if ((pid = spawn(xueji, args, 24, 80, &fd)) == -1)
		return -1;
	if (wait_for(fd, marker, START_WAIT_MS) == 0 && marker != NULL)
		t = now_us() - t0;
	if (marker != NULL)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (marker == NULL && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		t = now_us() - t0;
	close(fd);
	return t;
}

/*
 * From exec to the login screen on the terminal: the configuration,
 * roles and form read, curses started, the screen drawn.  No database is
 * opened before the login, and the passphrase KDF comes after it.  The
 * baseline is the same binary printing its version and exiting: what
 * starting a process costs here at all.
 */
void
m_start(struct bench *b, long n)
{
	struct samples	 x = { 0 }, base = { 0 };
	char		*xueji = xueji_path(), opt_c[] = "-c", opt_v[] = "-V";
	char		*login[] = { xueji, opt_c, b->config, NULL };
	char		*version[] = { xueji, opt_v, NULL };
	double		 t;
	int		 i;

	if (xueji == NULL || access(xueji, X_OK) != 0) {
		fprintf(stderr, "  start: no %s; skipped\n",
		    xueji != NULL ? xueji : "xueji");
		free(xueji);
		return;
	}
	for (i = 0; i < START_RUNS; i++) {
		if ((t = run_until(xueji, login, "Passphrase:")) < 0) {
			fprintf(stderr, "  start: no login screen within "
			    "%d ms\n", START_WAIT_MS);
			break;
		}
		add(&x, t);
		if ((t = run_until(xueji, version, NULL)) >= 0)
			add(&base, t);
	}
	free(xueji);
	row("start to the login screen", n, &x, &base);
}

/* ---- the program's own memory while browsing ---------------------------- */

#define SESSION_STUDENTS	20
#define QUIET_MS		60	/* no output this long: drawn */

/* Send keys to the terminal, then let the screen settle. */
static void
keys(int fd, const char *k)
{
	size_t	len = strlen(k);

	if (write(fd, k, len) != (ssize_t)len)
		return;
	wait_for(fd, NULL, QUIET_MS);
}

/* The counter: 20 random students found by name and opened. */
static void
walk_counter(int fd, sqlite3 *raw, long n, uint64_t *rng)
{
	char	 number[64], name[64], phone[64], ch[8];
	size_t	 i, len;
	int	 k;

	for (k = 0; k < SESSION_STUDENTS; k++) {
		if (!target(raw, rng, n, number, name, phone))
			continue;
		keys(fd, "\033OR");			/* F3 */
		for (i = 0; name[i] != '\0'; i += len) {
			for (len = 1; ((unsigned char)name[i + len] & 0xc0) ==
			    0x80; len++)
				;
			snprintf(ch, sizeof ch, "%.*s", (int)len, name + i);
			keys(fd, ch);
		}
		keys(fd, "\r");
		keys(fd, "\033");
		keys(fd, "\033");
	}
}

/* The auditor: the log, 100 pages back from the newest, and home. */
static void
walk_log(int fd, sqlite3 *raw, long n, uint64_t *rng)
{
	int	k;

	(void)raw;
	(void)n;
	(void)rng;
	keys(fd, "\033OQ");			/* F2 */
	for (k = 0; k < 100; k++)
		keys(fd, "\033[6~");		/* PgDn */
	keys(fd, "\033[H");			/* Home */
	keys(fd, "\033");
}

/*
 * The program itself, not this process with its extra connections:
 * build/xueji in a 50x200 pseudo-terminal logs in as id; its high-water
 * mark is reset after the login (whose KDF alone takes 64 MiB) through
 * /proc/PID/clear_refs; walk types what the operator would.  VmHWM then
 * is the peak of browsing, in KiB; -1 when something did not come.
 */
static long
session_peak(struct bench *b, const char *id, const char *menu,
    void (*walk)(int, sqlite3 *, long, uint64_t *), sqlite3 *raw, long n,
    uint64_t *rng)
{
	char	*xueji = xueji_path(), opt_c[] = "-c";
	char	*args[] = { xueji, opt_c, b->config, NULL };
	char	 path[64], *login;
	FILE	*f;
	pid_t	 pid;
	long	 peak = -1;
	int	 fd, status, len;

	if (xueji == NULL || access(xueji, X_OK) != 0 ||
	    (pid = spawn(xueji, args, 50, 200, &fd)) == -1) {
		fprintf(stderr, "  session: no %s; skipped\n",
		    xueji != NULL ? xueji : "xueji");
		free(xueji);
		return -1;
	}
	len = xasprintf(&login, "%s\tpass-%s\r", id, id);
	if (wait_for(fd, "Passphrase:", START_WAIT_MS) != 0 ||
	    write(fd, login, (size_t)len) != len ||
	    wait_for(fd, menu, START_WAIT_MS) != 0) {
		fprintf(stderr, "  session: no main menu for %s\n", id);
		goto out;
	}
	wait_for(fd, NULL, QUIET_MS);
	fprintf(stderr, "  session: %s peaked at %ld KiB logging in\n", id,
	    tl_status_kib(pid, "VmHWM:"));
	snprintf(path, sizeof path, "/proc/%ld/clear_refs", (long)pid);
	if ((f = fopen(path, "w")) == NULL || fputs("5", f) == EOF ||
	    fclose(f) != 0) {
		fprintf(stderr, "  session: cannot reset the peak\n");
		goto out;
	}
	walk(fd, raw, n, rng);
	peak = tl_status_kib(pid, "VmHWM:");
	/* What memory security keeps out of swap (xueji(7), ENGINE). */
	fprintf(stderr, "  session: %s peaked at %ld KiB browsing, %ld KiB "
	    "locked at the end\n", id, peak, tl_status_kib(pid, "VmLck:"));
out:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(fd);
	free(login);
	free(xueji);
	return peak;
}

/*
 * The peak of the two: a receptionist finding 20 students by name, a
 * keystroke at a time (each a query, a list of up to 200 and a redraw),
 * opening each record with its history; an auditor paging 100 pages
 * back through the log.
 */
void
m_session(struct bench *b, sqlite3 *raw, long n, uint64_t *rng)
{
	long	counter, log, peak;

	counter = session_peak(b, "reception1", "Find a student",
	    walk_counter, raw, n, rng);
	log = session_peak(b, "auditor1", "Operation log", walk_log, raw, n,
	    rng);
	if (counter < 0 || log < 0)
		return;
	peak = counter > log ? counter : log;
	printf("ROW\tpeak RSS while browsing\t%ld\t%.1f\t%.1f\t-1\tMiB\n",
	    n, (double)peak / 1024, (double)peak / 1024);
	fflush(stdout);
}

/* ---- redrawing the list of results -------------------------------------- */

static void
redraw_at(struct bench *b, long n, int rows, int cols, const char *label,
    const wchar_t *text)
{
	struct samples	 x = { 0 };
	struct ui	 ui;
	SCREEN		*scr;
	FILE		*out, *in;
	void		*state;
	char		 num[16];
	double		 t;
	int		 i;

	snprintf(num, sizeof num, "%d", rows);
	setenv("LINES", num, 1);
	snprintf(num, sizeof num, "%d", cols);
	setenv("COLUMNS", num, 1);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (out == NULL || in == NULL ||
	    (scr = newterm("xterm-256color", out, in)) == NULL) {
		fprintf(stderr, "  redraw: no terminal; skipped\n");
		if (out != NULL)
			fclose(out);
		if (in != NULL)
			fclose(in);
		return;
	}
	set_term(scr);
	memset(&ui, 0, sizeof ui);
	ui.s = b->s;
	getmaxyx(stdscr, ui.rows, ui.cols);
	ui.cursor_row = ui.cursor_col = -1;
	state = screen_search.open(&ui, NULL);
	/* The list as the screen asks for it (its own limit). */
	screen_search.text(&ui, state, text, wcslen(text));
	for (i = 0; i < REDRAWS; i++) {
		t = now_us();
		erase();
		screen_search.draw(&ui, state);
		/* Every cell out again, not just what changed. */
		clearok(curscr, TRUE);
		refresh();
		add(&x, now_us() - t);
	}
	screen_search.close(state);
	free(ui.message);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	unsetenv("LINES");
	unsetenv("COLUMNS");
	row(label, n, &x, NULL);
}

/*
 * The search screen drawing a full list of results, into curses on
 * /dev/null: the screen's draw function, curses' refresh and the bytes
 * it writes, for every cell (a full repaint).  The status and key bars
 * (ui.c's own) are not drawn.  Then one keystroke as the operator meets
 * it: the screen's query (its own limit) and the redraw.
 */
void
m_redraw(struct bench *b, long n, uint64_t *rng)
{
	struct samples	 x = { 0 };
	struct ui	 ui;
	SCREEN		*scr;
	FILE		*out, *in;
	void		*state;
	wchar_t		 w[64];
	char		*old, number[64], name[64], phone[64];
	double		 t;
	size_t		 len, i;
	int		 k;

	old = xstrdup(setlocale(LC_CTYPE, NULL));
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "  redraw: no C.UTF-8 locale; skipped\n");
		free(old);
		return;
	}
	redraw_at(b, n, 24, 80, "redraw the results screen (80x24)", L"王");
	redraw_at(b, n, 50, 200, "redraw the results screen (200x50)",
	    L"王");

	/* Keystrokes: each prefix of a name, typed into the screen. */
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	if (out != NULL && in != NULL &&
	    (scr = newterm("xterm-256color", out, in)) != NULL) {
		set_term(scr);
		for (k = 0; k < 40 && more(&x); k++) {
			if (!target(store_db(b->s->st), rng, n, number, name,
			    phone))
				continue;
			if ((len = mbstowcs(w, name, nitems(w) - 1)) ==
			    (size_t)-1)
				continue;
			memset(&ui, 0, sizeof ui);
			ui.s = b->s;
			getmaxyx(stdscr, ui.rows, ui.cols);
			state = screen_search.open(&ui, NULL);
			for (i = 0; i < len; i++) {
				t = now_us();
				screen_search.text(&ui, state, &w[i], 1);
				erase();
				screen_search.draw(&ui, state);
				refresh();
				add(&x, now_us() - t);
			}
			screen_search.close(state);
			free(ui.message);
			bench_pause(b);
		}
		endwin();
		delscreen(scr);
		row("  a name keystroke on the screen", n, &x, NULL);
	}
	if (out != NULL)
		fclose(out);
	if (in != NULL)
		fclose(in);
	unsetenv("LINES");
	unsetenv("COLUMNS");
	setlocale(LC_CTYPE, old);
	free(old);
}

/* ---- backup ------------------------------------------------------------- */

/* SQLCipher's own export of the same database: the baseline. */
static double
bare_export(sqlite3 *raw, const unsigned char key[32], const char *path)
{
	sqlite3_stmt	*stmt;
	char		 spec[2 * 32 + 4];
	double		 t;
	size_t		 i;
	int		 fd, rc;

	memcpy(spec, "x'", 2);
	for (i = 0; i < 32; i++)
		snprintf(spec + 2 + 2 * i, 3, "%02x", key[i]);
	memcpy(spec + 66, "'", 2);
	t = now_us();
	stmt = prep(raw, "ATTACH DATABASE ?1 AS bk KEY ?2");
	sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, spec, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE ||
	    sqlite3_exec(raw, "PRAGMA bk.cipher_page_size = 4096; BEGIN;"
	    "SELECT sqlcipher_export('bk'); COMMIT;", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "xueji-bench: sqlcipher_export: %s\n",
		    sqlite3_errmsg(raw));
		exit(1);
	}
	sqlite3_exec(raw, "DETACH DATABASE bk", NULL, NULL, NULL);
	if ((fd = open(path, O_RDONLY)) != -1) {
		fsync(fd);
		close(fd);
	}
	return now_us() - t;
}

/*
 * store_backup (as supervisor1: backup.run) to a file of its own, then
 * sqlcipher_export of the same database on a raw handle, each removed
 * after.  A few runs only: at a million students each is gigabytes.
 */
void
m_backup(struct bench *b, sqlite3 *raw, long n)
{
	struct samples	 x = { 0 }, base = { 0 };
	char		*dir, *path, *cause = NULL, name[32];
	double		 t;
	int		 i, runs = n <= 100000 ? 4 : 2;

	dir = xj_path_join(b->dir, "backups");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "xueji-bench: %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	bench_as(b, b->supervisor);
	/*
	 * One export untimed first: whatever ran before (verification
	 * reads the whole log) leaves the first copy slower by a quarter at
	 * a million students, whichever it is.  Then they take turns at
	 * going first.
	 */
	path = xj_path_join(dir, "warm-up.db");
	bare_export(raw, b->s->secret->db_key, path);
	unlink(path);
	free(path);
	for (i = 0; i < 2 * runs; i++) {
		if ((i % 2 == 0) == (i / 2 % 2 == 0)) {
			snprintf(name, sizeof name, "bench-%d.xjb", i);
			path = xj_path_join(dir, name);
			t = now_us();
			check(store_backup(b->s->st, b->s->secret->db_key,
			    path, NULL, &cause), "backup", cause);
			add(&x, now_us() - t);
			fprintf(stderr, "  backup %d: %.0f ms\n", i,
			    x.v[x.n - 1] / 1e3);
		} else {
			snprintf(name, sizeof name, "bare-%d.db", i);
			path = xj_path_join(dir, name);
			add(&base, bare_export(raw, b->s->secret->db_key,
			    path));
			fprintf(stderr, "  sqlcipher_export %d: %.0f ms\n", i,
			    base.v[base.n - 1] / 1e3);
		}
		unlink(path);
		free(path);
	}
	bench_as(b, b->reception);
	rmdir(dir);
	free(dir);
	row("backup", n, &x, &base);
}
