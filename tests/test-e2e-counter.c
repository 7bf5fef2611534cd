/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The counter, end to end: the real binary in a real pseudo-terminal
 * under libvterm, typed at as a receptionist would (a Chinese name
 * arriving whole from an input method), asserted on the screen's cells
 * and cursor, and on the database afterwards.
 */
#include <sys/wait.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

#define WAIT	E2E_WAIT

static char	esc_delay[] = "ESCDELAY=25";
static char	opt_c[] = "-c", lc_all[] = "LC_ALL=C", lang[] = "LANG=C";

struct at_row {
	int		 row;
	const char	*text;
};

static int
text_at_row(struct vt *vt, void *arg)
{
	struct at_row	*a = arg;
	int		 r, c;

	return vt_find(vt, a->text, &r, &c) && r == a->row;
}

/* Wait until text is on a given row: the screen has been laid out anew. */
static void
wait_row(struct vt *vt, int row, const char *text)
{
	struct at_row	a = { row, text };

	if (vt_wait(vt, text_at_row, &a, WAIT) != 0)
		fail_msg("never saw \"%s\" on row %d", text, row);
}

/* Wait until the student numbered n is the selected row. */
static void
wait_selected(struct vt *vt, const char *n)
{
	char	*sel;

	xasprintf(&sel, "> %s", n);
	e2e_wait_text(vt, sel);
	free(sel);
}

/* reception1 at the search screen of b, at 80x24. */
static struct vt *
start_search(const struct tl_branch *b)
{
	struct vt	*vt;

	vt = e2e_start_as(b, 24, 80, "reception1");
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "Find:");
	return vt;
}

static void
test_counter_day(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	struct session		*s;
	struct student		*st;
	char			*cause = NULL, number[32] = "", *row, *p;
	int			 r, fr, fc, status, i;

	(void)state;
	b = tl_branch_new_with("idle_lock_seconds: 5\n");
	vt = e2e_start(b, 24, 80, NULL);

	/* Enter with no passphrase is no attempt: asked for, no wait. */
	e2e_login(vt, "reception1", "");
	e2e_wait_text(vt, "Type your passphrase.");
	e2e_wait_gone(vt, "wrong passphrase");
	e2e_wait_gone(vt, "before trying again");
	/* A wrong passphrase: refused, logged, and a wait before retrying. */
	e2e_login(vt, NULL, "not-the-passphrase");
	e2e_wait_text(vt, "wrong passphrase");
	e2e_wait_text(vt, "before trying again");
	e2e_wait_gone(vt, "before trying again");
	/* The id stays, the focus is on the passphrase. */
	e2e_login(vt, NULL, "pass-reception1");
	e2e_wait_text(vt, "main menu");
	/* The status line: who, in which role, at which branch. */
	e2e_wait_text(vt, "王丽 (reception1) · receptionist · 测试校区");
	/* A receptionist's menu has no auditor's or supervisor's items. */
	e2e_wait_text(vt, "Enrol a student");
	e2e_wait_gone(vt, "log");

	/* Enrol: the name arrives whole, as an input method commits it. */
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "Student enrolment");
	vt_sendstr(vt, "欧阳𠮷娜");
	/* Edit inside it: back over 娜 and put the dot before it. */
	vt_key(vt, VT_KEY_LEFT);
	vt_sendstr(vt, "·");
	e2e_wait_text(vt, "欧阳𠮷·娜");
	/* The cursor sits at the insertion point, after the dot: the
	 * field starts where the name begins; 欧阳𠮷 are 2 columns each. */
	assert_true(vt_find(vt, "欧阳𠮷·娜", &fr, &fc));
	assert_int_equal(vt_wait_cursor(vt, fr, fc + 7, WAIT), 0);
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "2018年3月");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "欧阳明");
	vt_key(vt, VT_KEY_TAB);
	/* A bad phone first: the message appears beside the field. */
	vt_sendstr(vt, "12345");
	vt_key(vt, VT_KEY_TAB);
	e2e_wait_text(vt, "must have 11 digits");
	vt_key(vt, VT_KEY_BACKTAB);
	vt_char_mod(vt, 'u', VT_MOD_CTRL);
	vt_sendstr(vt, "138 1234 5678");
	vt_key(vt, VT_KEY_TAB);
	e2e_wait_gone(vt, "must have 11 digits");
	/* Saving without consent is refused with a reason. */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "consent");
	vt_key(vt, VT_KEY_RIGHT);
	e2e_wait_text(vt, "[x]");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "The new student number is:");
	e2e_wait_text(vt, "SH01-20");
	for (r = 0; r < 24 && number[0] == '\0'; r++) {
		row = vt_row(vt, r);
		if ((p = strstr(row, "SH01-")) != NULL)
			snprintf(number, sizeof number, "%.15s", p);
		free(row);
	}
	assert_int_equal(strlen(number), 15);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "main menu");

	/* Find by pinyin initials, then by the phone's last four digits. */
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "Find:");
	vt_type(vt, "oyjn");
	e2e_wait_text(vt, number);
	e2e_wait_text(vt, "138****5678");
	vt_char_mod(vt, 'u', VT_MOD_CTRL);
	e2e_wait_gone(vt, number);
	vt_type(vt, "5678");
	e2e_wait_text(vt, number);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Guardian's consent");
	e2e_wait_text(vt, "欧阳𠮷·娜");
	e2e_wait_text(vt, "2018-03");

	/* Resize: larger, then too small, then back. */
	vt_resize(vt, 30, 100);
	wait_row(vt, 29, "^Q Quit");
	e2e_wait_bar(vt, "Esc Back", "^Q Quit");
	e2e_wait_text(vt, "王丽 (reception1)");
	row = e2e_status_line(vt);
	assert_non_null(strstr(row, "王丽 (reception1)"));
	free(row);
	e2e_wait_text(vt, "欧阳𠮷·娜");
	vt_resize(vt, 15, 60);
	e2e_wait_text(vt, "terminal too small");
	vt_resize(vt, 24, 80);
	wait_row(vt, 23, "^Q Quit");
	e2e_wait_bar(vt, "Esc Back", "^Q Quit");
	e2e_wait_text(vt, "欧阳𠮷·娜");

	/* Idle lock after five seconds: nothing personal left on screen. */
	if (vt_wait_text(vt, "Passphrase:", 10000) != 0)
		fail_msg("the terminal never locked");
	for (i = 0; i < 24; i++) {
		row = vt_row(vt, i);
		assert_null(strstr(row, "欧阳"));
		assert_null(strstr(row, number));
		free(row);
	}
	/*
	 * Unlock: the operator id is kept, only the passphrase is asked,
	 * and the record comes back as it was (issue 17).
	 */
	e2e_login(vt, NULL, "pass-reception1");
	e2e_wait_text(vt, "History, oldest first");
	e2e_wait_text(vt, "欧阳𠮷·娜");

	vt_char_mod(vt, 'q', VT_MOD_CTRL);
	assert_int_equal(vt_wait_exit(vt, WAIT, &status), 0);
	if (!WIFEXITED(status))
		fail_msg("xueji died of signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	vt_free(vt);

	/* The database saw it all: the student, whole, and the log. */
	s = tl_login(b, "supervisor1");
	assert_int_equal(store_student_get(s->st, number, &st, &cause), XJ_OK);
	assert_string_equal(student_value(st, "name"), "欧阳𠮷·娜");
	assert_string_equal(student_value(st, "birth_month"), "2018-03");
	assert_string_equal(student_value(st, "guardian_phone"), "13812345678");
	assert_string_equal(st->consent_method, "in-person");
	student_free(st);
	session_free(s);
	assert_int_equal(e2e_audit_count(b, "login.failed", "reception1",
	    NULL), 1);
	assert_true(e2e_audit_count(b, "student.view", "reception1", NULL) >=
	    1);
	/*
	 * Both searches showed the one student; the first keystroke's
	 * entry names her, and no later keystroke showed anyone else.
	 */
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    NULL), 1);
	assert_int_equal(e2e_audit_count(b, "student.enroll", "reception1",
	    NULL), 1);
	tl_check_db(b);
	tl_branch_free(b);
}

/* A mouse click at a cell, as xterm reports it (SGR, 1006 mode). */
static void
click(struct vt *vt, int row, int col)
{
	char	ev[32];

	snprintf(ev, sizeof ev, "\033[<0;%d;%dM", col + 1, row + 1);
	vt_sendstr(vt, ev);
	snprintf(ev, sizeof ev, "\033[<0;%d;%dm", col + 1, row + 1);
	vt_sendstr(vt, ev);
}

/* The mouse is optional but works: a click selects, a double opens. */
static void
test_mouse(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*n1, *n2;
	int			 r, c;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n1 = tl_enrol(s, "张一", "2017-06", "张父", "13911112221", NULL);
	n2 = tl_enrol(s, "张二", "2016-06", "张母", "13911112222", NULL);
	session_free(s);
	vt = start_search(b);
	vt_sendstr(vt, "张");
	e2e_wait_text(vt, n1);
	e2e_wait_text(vt, "> " );
	/* Newest first: n2 selected; click n1's row. */
	assert_true(vt_find(vt, n1, &r, &c));
	click(vt, r, c);
	wait_selected(vt, n1);
	click(vt, r, c + 3);
	click(vt, r, c + 3);
	e2e_wait_text(vt, "Guardian's consent");
	e2e_wait_text(vt, "张一");
	vt_free(vt);
	free(n1);
	free(n2);
	tl_branch_free(b);
}

/*
 * More matches than fit: a screenful is fetched (and one to know there
 * are more), further pages as PgDn goes past them, none for PgUp.
 */
static void
test_paging(void **state)
{
	static const char	 family[] = "王李张刘陈杨赵黄";
	static const char	 given[] = "一二三四五";
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*n[40], name[16], phone[16];
	int			 i, status;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	/* Forty children whose guardians' phones all end in 0000. */
	for (i = 0; i < 40; i++) {
		/* Each of these characters is three bytes of UTF-8. */
		snprintf(name, sizeof name, "%.3s%.3s", family + 3 * (i / 5),
		    given + 3 * (i % 5));
		snprintf(phone, sizeof phone, "139%04d0000", i % 10000);
		n[i] = tl_enrol(s, name, "2017-06", "家长", phone, NULL);
		assert_non_null(n[i]);
	}
	session_free(s);

	/* At 80x24 the list has 16 rows: 17 fetched, newest first. */
	vt = start_search(b);
	vt_sendstr(vt, "0000");
	e2e_wait_text(vt, "17+ matches");
	wait_selected(vt, n[39]);
	e2e_wait_text(vt, n[24]);
	e2e_wait_gone(vt, n[23]);
	/* Within what was fetched: the 16th row, nothing asked. */
	vt_key(vt, VT_KEY_PAGEDOWN);
	wait_selected(vt, n[24]);
	e2e_wait_text(vt, "17+ matches");
	/* Past it: the next page. */
	vt_key(vt, VT_KEY_PAGEDOWN);
	e2e_wait_text(vt, "34+ matches");
	wait_selected(vt, n[9]);
	/* And to the end: now the count is whole. */
	vt_key(vt, VT_KEY_PAGEDOWN);
	e2e_wait_text(vt, "40 matches");
	wait_selected(vt, n[0]);
	e2e_wait_gone(vt, "+ matches");
	/* Back up: from what is held, nothing fetched again. */
	for (i = 0; i < 3; i++)
		vt_key(vt, VT_KEY_PAGEUP);
	wait_selected(vt, n[39]);
	e2e_wait_text(vt, "40 matches");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Guardian's consent");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "40 matches");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "main menu");
	vt_char_mod(vt, 'q', VT_MOD_CTRL);
	assert_int_equal(vt_wait_exit(vt, WAIT, &status), 0);
	vt_free(vt);

	/* Three finds that found anything: 17, 34, 40; the field's first
	 * characters, if they came apart, found nothing. */
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    "results=17 "), 1);
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    "results=34 "), 1);
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    "results=40 "), 1);
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    NULL) - e2e_audit_count(b, "student.find", "reception1",
	    "results=0 "), 3);
	for (i = 0; i < 40; i++)
		free(n[i]);
	tl_check_db(b);
	tl_branch_free(b);
}

/* A duplicate asks, and both answers are logged. */
static void
test_duplicate_asks(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n;

	(void)state;
	b = tl_branch_new();
	n = tl_enrol_as(b, "reception2", "王小明", "2017-06", "王大明", "13911112222");

	vt = e2e_start_as(b, 40, 120, "reception1");
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "Student enrolment");
	vt_sendstr(vt, "王小明");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "2017-06");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "王妈妈");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "13700000000");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, " ");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "really a different child");
	e2e_wait_text(vt, n);
	vt_sendstr(vt, "n");
	e2e_wait_text(vt, "Not saved");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "really a different child");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "The new student number is:");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "main menu");
	/* Leaving a half-filled form asks first. */
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "Student enrolment");
	vt_sendstr(vt, "李");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "Leave without saving");
	vt_sendstr(vt, "n");
	e2e_wait_gone(vt, "Leave without saving");
	e2e_wait_text(vt, "Student enrolment");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "Leave without saving");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "main menu");
	vt_char_mod(vt, 'q', VT_MOD_CTRL);
	vt_free(vt);

	assert_int_equal(e2e_audit_count(b, "student.duplicate-declined",
	    "reception1", NULL), 1);
	assert_int_equal(e2e_audit_count(b, "student.duplicate-allowed",
	    "reception1", NULL), 1);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Refusals before curses starts: a non-UTF-8 locale, a tiny terminal. */
static void
test_refuses_to_start(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char *const		 latin[] = { lc_all, lang, NULL };
	char			*args[4];
	int			 status;

	(void)state;
	b = tl_branch_new();
	args[0] = e2e_binary();
	args[1] = opt_c;
	args[2] = b->config;
	args[3] = NULL;
	vt = vt_spawn(24, 80, args, latin);
	assert_non_null(vt);
	e2e_wait_text(vt, "not UTF-8");
	assert_int_equal(vt_wait_exit(vt, WAIT, &status), 0);
	assert_int_not_equal(WEXITSTATUS(status), 0);
	vt_free(vt);

	vt = vt_spawn(12, 50, args, e2e_env);
	assert_non_null(vt);
	e2e_wait_text(vt, "needs at");
	assert_int_equal(vt_wait_exit(vt, WAIT, &status), 0);
	assert_int_not_equal(WEXITSTATUS(status), 0);
	vt_free(vt);
	tl_branch_free(b);
}

/*
 * Colour when the terminal has it, monochrome under NO_COLOR, and the
 * help screen generated from the action table.
 */
static void
test_colour_and_help(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	struct vt_attrs		 at;
	char *const		 colour_env[] = { esc_delay, NULL };
	char *const		 argv_[] = { e2e_binary(), opt_c, NULL, NULL };
	char			*args[4];

	(void)state;
	b = tl_branch_new();
	memcpy(args, argv_, sizeof args);
	args[2] = b->config;

	vt = vt_spawn(24, 80, args, colour_env);
	assert_non_null(vt);
	e2e_wait_text(vt, "Passphrase:");
	assert_int_equal(vt_cell_attrs(vt, 0, 1, &at), 0);
	assert_int_not_equal(at.bg, -1);	/* the title bar is coloured */
	vt_key(vt, VT_KEY_F1);
	e2e_wait_text(vt, "Keys");
	/*
	 * Every action of the login screen, with the keys that carry it
	 * out there: Enter logs in, and letters are typed into the field
	 * (issue 20: help listed "?" and "q", which were typed).
	 */
	e2e_wait_text(vt, "Log in");
	e2e_wait_text(vt, "Tab Down ");
	e2e_wait_gone(vt, "Tab Down Enter");
	e2e_wait_text(vt, "^Q  ");
	e2e_wait_gone(vt, "^Q q");
	e2e_wait_gone(vt, "F1 ?");
	/* Editing keys are listed, and ^L is not among them. */
	e2e_wait_text(vt, "Home ^A");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "Passphrase:");
	vt_free(vt);

	vt = e2e_start(b, 24, 80, NULL);		/* NO_COLOR set */
	e2e_wait_text(vt, "Passphrase:");
	assert_int_equal(vt_cell_attrs(vt, 0, 1, &at), 0);
	assert_int_equal(at.bg, -1);
	assert_int_equal(at.fg, -1);
	assert_true(at.reverse);		/* shown by reverse video */
	vt_free(vt);
	tl_branch_free(b);
}

/*
 * The terminal hangs up (an ssh connection dropped, a tmux server
 * killed) while xueji ignores SIGHUP, as it does under su(1) or
 * runuser(1), which take the hangup's signal for themselves (here a
 * shell's trap, which exec keeps): xueji ends by itself within seconds,
 * logged out (its session's holder file gone), where it spun on the
 * dead terminal at full CPU, the key in memory, for good.
 */
static void
test_hangup(void **state)
{
	static char	 sh[] = "/bin/sh", dash_c[] = "-c";
	static char	 script[] = "trap '' HUP; exec \"$0\" \"$@\"";
	struct tl_branch	*b;
	struct vt		*vt;
	glob_t			 g;
	char			*pat, pass[64];
	int			 status;

	(void)state;
	b = tl_branch_new();
	{
		char	*argv[] = { sh, dash_c, script, e2e_binary(), opt_c,
			    b->config, NULL };

		vt = vt_spawn(24, 80, argv, e2e_env);
		assert_non_null(vt);
	}
	e2e_login(vt, "reception1", tl_pass("reception1", pass, sizeof pass));
	e2e_wait_text(vt, "main menu");
	vt_sendstr(vt, "王");		/* a search half typed */
	e2e_wait_text(vt, "王");
	vt_hangup(vt);
	if (vt_wait_exit(vt, 5000, &status) != 0)
		fail_msg("xueji kept running after its terminal hung up");
	if (!WIFEXITED(status))
		fail_msg("xueji died of signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	vt_free(vt);
	xasprintf(&pat, "%s/session.*", b->data);
	assert_int_equal(glob(pat, 0, NULL, &g), GLOB_NOMATCH);
	free(pat);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_day),
		cmocka_unit_test(test_duplicate_asks),
		cmocka_unit_test(test_refuses_to_start),
		cmocka_unit_test(test_colour_and_help),
		cmocka_unit_test(test_hangup),
		cmocka_unit_test(test_mouse),
		cmocka_unit_test(test_paging),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
