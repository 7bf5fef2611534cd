/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 6, end to end: the auditor's view.  Activity is made through the
 * store (two enrolments, a record opened, a failed login); then an
 * auditor logs in at a real terminal, sees only the auditor's items, reads
 * the log as sentences, filters it by student number, opens an entry in
 * full, verifies the chain and opens the reports and the analysis; then
 * narrows the log to one change request, in English and in Chinese.
 * Waits are for markers on the screen, never fixed sleeps.
 */
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "xueji/report.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

/* The number after "The log is intact: " on the screen, or -1. */
static long
intact_count(struct vt *vt)
{
	char	*row;
	long	 n = -1;
	int	 r, c;

	if (!vt_find(vt, "The log is intact: ", &r, &c))
		return -1;
	row = vt_row(vt, r);
	n = strtol(row + c + strlen("The log is intact: "), NULL, 10);
	free(row);
	return n;
}

/* Test 6.1: the auditor reads, filters, opens, verifies, reports. */
static void
test_auditor_view(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct student		*st = NULL;
	struct vt		*vt;
	char			*n1, *n2, *cause = NULL, *want;
	int			 rc, i;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n1 = tl_enrol(s, "王小明", "2017-06", "王大明", "13911112222", NULL);
	n2 = tl_enrol(s, "李小红", "2018-02", "李大红", "13922223333", NULL);
	assert_non_null(n1);
	assert_non_null(n2);
	assert_int_equal(store_student_get(s->st, n1, &st, &cause), XJ_OK);
	student_free(st);
	session_free(s);
	/* A wrong passphrase: into the log at the next open. */
	assert_int_equal(session_load(b->config, NULL, &s, &cause), XJ_OK);
	rc = session_login(s, "reception2", "not-it", 6, &cause);
	assert_int_not_equal(rc, XJ_OK);
	free(cause);
	cause = NULL;
	session_free(s);

	vt = e2e_start_as(b, 24, 80, "auditor1");
	/* Only the auditor's items, and nothing that writes. */
	e2e_wait_text(vt, "Operation log");
	e2e_wait_text(vt, "Verify the log");
	e2e_wait_text(vt, "Reports");
	e2e_wait_text(vt, "Access analysis");
	e2e_wait_text(vt, "Lock the terminal");
	e2e_wait_text(vt, "Log out and quit");
	e2e_wait_gone(vt, "Enrol");
	e2e_wait_gone(vt, "Find a student");
	e2e_wait_gone(vt, "Archive");
	e2e_wait_gone(vt, "Destruction records");
	e2e_wait_gone(vt, "Approval queue");
	e2e_wait_gone(vt, "Save");
	/* A key of an item not listed does nothing. */
	vt_key(vt, VT_KEY_F4);
	vt_key(vt, VT_KEY_F6);

	/* The log, newest first, as sentences. */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "Operation log · page 1");
	xasprintf(&want, "王丽 (reception1) viewed %s", n1);
	e2e_wait_text(vt, want);
	free(want);
	xasprintf(&want, "王丽 (reception1) enrolled %s", n2);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_text(vt, "李娜 (reception2) failed to log in");
	e2e_wait_text(vt, "刘洋 (auditor1) read the log");
	e2e_wait_text(vt, "No filter");

	/* By student number: only that student's entries. */
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "Only entries about the student number");
	vt_sendstr(vt, n2);
	vt_key(vt, VT_KEY_ENTER);
	xasprintf(&want, "student %s", n2);
	e2e_wait_text(vt, want);		/* the filter line */
	free(want);
	xasprintf(&want, "王丽 (reception1) enrolled %s", n2);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_gone(vt, n1);
	e2e_wait_gone(vt, "failed to log in");
	/* Newest first: the auditor's own reading, then the enrolment. */
	xasprintf(&want, "刘洋 (auditor1) read the log for %s", n2);
	e2e_wait_text(vt, want);
	free(want);

	/* The enrolment in full: every column, the hash in hex. */
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Operation log · entry");
	/* The action by its name, never its key (issue 20). */
	e2e_wait_text(vt, "enrolment");
	e2e_wait_gone(vt, "student.enroll");
	e2e_wait_text(vt, "Chain hash");
	e2e_wait_text(vt, "Operator");
	e2e_wait_text(vt, n2);
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "Operation log · page 1");

	/* Cleared with one key; / finds the failed login. */
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "No filter");

	/* The action from a list of names, never typed as a key. */
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "Only the entries of this action:");
	e2e_wait_text(vt, "(x) Every action");
	vt_key(vt, VT_KEY_DOWN);
	e2e_wait_text(vt, "(x) Students: every action");
	/* Longer than the screen: it scrolls to the last name. */
	vt_key(vt, VT_KEY_UP);
	e2e_wait_text(vt, "(x) Every action");
	vt_key(vt, VT_KEY_UP);
	e2e_wait_text(vt, "(x) guardian request opened");
	e2e_wait_text(vt, "(68/68)");
	vt_key(vt, VT_KEY_UP);
	e2e_wait_text(vt, "(x) guardian request closed");
	e2e_wait_gone(vt, "student.");
	for (i = 0; i < 6; i++)
		vt_key(vt, VT_KEY_PAGEUP);
	e2e_wait_text(vt, "(x) Every action");
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "action Students: every action");
	xasprintf(&want, "王丽 (reception1) enrolled %s", n2);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_gone(vt, "failed to log in");
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "No filter");
	vt_sendstr(vt, "/");
	e2e_wait_text(vt, "Find in the entries");
	vt_sendstr(vt, "wrong passphrase");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_gone(vt, "Find in the entries");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "failed login");
	/* The detail in words, never key=value (issue 20). */
	e2e_wait_text(vt, "Reason: wrong passphrase");
	e2e_wait_gone(vt, "reason=");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "Operation log · page 1");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "main menu");

	/* Verification: intact, with the entry count. */
	vt_key(vt, VT_KEY_F11);
	e2e_wait_text(vt, "Verify the operation log");
	e2e_wait_text(vt, "The log is intact: ");
	e2e_wait_text(vt, "100%");
	e2e_wait_text(vt, "entries, each one verified");
	assert_true(intact_count(vt) > 5);
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "main menu");

	/* The reports: the status report first, 3 for pending requests. */
	vt_char_mod(vt, 'r', VT_MOD_CTRL);
	e2e_wait_text(vt, "Reports · 1/5");
	e2e_wait_text(vt, "frozen (destruction pending)");
	vt_sendstr(vt, "3");
	e2e_wait_text(vt, "Reports · 3/5");
	e2e_wait_text(vt, "oldest filed");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "main menu");

	/* The analysis of the last 30 days. */
	vt_char_mod(vt, 'u', VT_MOD_CTRL);
	e2e_wait_text(vt, "Access analysis · the last 30 days");
	e2e_wait_text(vt, "since");
	e2e_quit(vt);

	/* What the auditor did is in the log too. */
	assert_true(e2e_audit_count(b, "audit.view", "auditor1", NULL) >= 3);
	assert_int_equal(e2e_audit_count(b, "audit.verify", "auditor1",
	    "result=ok"), 1);
	assert_int_equal(e2e_audit_count(b, "report.view", "auditor1",
	    "report=pending"), 1);
	assert_int_equal(e2e_audit_count(b, "audit.analysis", "auditor1",
	    NULL), 1);
	free(n1);
	free(n2);
	tl_check_db(b);
	tl_branch_free(b);
}

/* File a change of guardian phone for number as s; the request's id. */
static int64_t
file_change(struct session *s, const char *number, const char *phone)
{
	const struct field_input in[] = { { "guardian_phone", phone } };
	char	*cause = NULL;
	int64_t	 id = 0;

	if (store_change_request(s->st, number, in, 1, "家长更换手机号",
	    "家长来电核实", &id, &cause) != XJ_OK)
		fail_msg("change request: %s", cause != NULL ? cause : "?");
	return id;
}

/*
 * Two requests, each with entries by two operators: r1 for n1, filed by
 * reception1, viewed and approved by supervisor1; r2 for n2, filed by
 * reception1 and viewed by supervisor1.
 */
static void
two_requests(struct tl_branch *b, char **n1, char **n2, int64_t *r1,
    int64_t *r2)
{
	struct session	*s;
	struct request	*r = NULL;
	char		*cause = NULL;

	s = tl_login(b, "reception1");
	*n1 = tl_enrol(s, "王小明", "2017-06", "王大明", "13911112222", NULL);
	*n2 = tl_enrol(s, "李小红", "2018-02", "李大红", "13922223333", NULL);
	assert_non_null(*n1);
	assert_non_null(*n2);
	*r1 = file_change(s, *n1, "13933334444");
	*r2 = file_change(s, *n2, "13955556666");
	assert_true(*r1 > 0 && *r2 > 0 && *r1 != *r2);
	session_free(s);
	s = tl_login(b, "supervisor1");
	assert_int_equal(store_request_get(s->st, *r1, &r, &cause), XJ_OK);
	request_free(r);
	assert_int_equal(store_request_get(s->st, *r2, &r, &cause), XJ_OK);
	request_free(r);
	assert_int_equal(store_request_approve(s->st, *r1, &cause), XJ_OK);
	session_free(s);
}

/*
 * Whether every entry of the list (rows 4 to the status line) names
 * want ("request 1"), apart from the auditor's own readings of the log,
 * which say what they read in their own words.  Fails the test with the
 * screen otherwise.
 */
static void
list_only(struct vt *vt, const char *want)
{
	char	*row;
	int	 rows, cols, r, n = 0;

	vt_size(vt, &rows, &cols);
	for (r = 4; r < rows - 3; r++) {
		row = vt_row(vt, r);
		if (row[0] != '\0' && strstr(row, "read the log") == NULL &&
		    strstr(row, "more ↓") == NULL) {
			if (strstr(row, want) == NULL) {
				vt_dump(vt, stderr);
				fail_msg("row %d does not name %s", r, want);
			}
			n++;
		}
		free(row);
	}
	assert_true(n > 0);
}


/* Test 6.2: the auditor narrows the log to the entries of one request. */
static void
test_request_filter(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n1, *n2, *want;
	int64_t			 r1, r2;

	(void)state;
	b = tl_branch_new();
	two_requests(b, &n1, &n2, &r1, &r2);

	vt = e2e_start_as(b, 24, 80, "auditor1");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "Operation log · page 1");
	e2e_wait_text(vt, "No filter");
	xasprintf(&want, "王丽 (reception1) filed change request %" PRId64 " for",
	    r2);
	e2e_wait_text(vt, want);
	free(want);
	/* The key bar names it at 80 columns, and so does help. */
	e2e_wait_bar(vt, "F8 Request", "Esc Back");
	vt_key(vt, VT_KEY_F1);
	e2e_wait_text(vt, "F8 ^R");
	e2e_wait_text(vt, "Request");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "Operation log · page 1");

	/* Not a number: said so, and the filter stays as it was. */
	vt_key(vt, VT_KEY_F8);
	e2e_wait_text(vt, "Only entries about the request number");
	vt_sendstr(vt, "r1x");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "“r1x” is not a request number");
	e2e_wait_gone(vt, "Only entries about the request number");
	e2e_wait_text(vt, "No filter");

	/* ^R asks too; the request's entries only, by both operators. */
	vt_char_mod(vt, 'r', VT_MOD_CTRL);
	e2e_wait_text(vt, "Only entries about the request number");
	xasprintf(&want, " %" PRId64 " ", r1);	/* blanks mean nothing */
	vt_sendstr(vt, want);
	free(want);
	vt_key(vt, VT_KEY_ENTER);
	xasprintf(&want, "Filters: request %" PRId64, r1);
	e2e_wait_text(vt, want);
	free(want);
	xasprintf(&want, "陈静 (supervisor1) approved change request %" PRId64
	    " for", r1);
	e2e_wait_text(vt, want);
	free(want);
	xasprintf(&want, "陈静 (supervisor1) viewed request %" PRId64 " for", r1);
	e2e_wait_text(vt, want);
	free(want);
	xasprintf(&want, "王丽 (reception1) filed change request %" PRId64 " for",
	    r1);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_gone(vt, n2);
	/* The prompt's last cells may still be arriving: the list is read
	 * once the prompt is gone and the log's own key bar is back. */
	e2e_wait_gone(vt, "Esc: cancel");
	e2e_wait_bar(vt, "F8 Request", "Esc Back");
	e2e_wait_gone(vt, "enrolled");
	xasprintf(&want, "request %" PRId64, r1);
	list_only(vt, want);
	free(want);

	/* Cleared with the others: r2 and the enrolments are back. */
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "No filter");
	xasprintf(&want, "王丽 (reception1) filed change request %" PRId64 " for",
	    r2);
	e2e_wait_text(vt, want);
	free(want);
	xasprintf(&want, "王丽 (reception1) enrolled %s", n1);
	e2e_wait_text(vt, want);
	free(want);
	e2e_quit(vt);
	free(n1);
	free(n2);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Test 6.3: in Chinese the key bar still fits 80 columns with the
 * request filter and help on it (the labels are double width), and a
 * wrong request number is refused in Chinese.
 */
static void
test_request_filter_zh(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n1, *n2, *want, *bin, *dir, *localedir;
	char			*env[3];
	const char		*ld;
	int64_t			 r1, r2;
	int			i;

	(void)state;
	b = tl_branch_new();
	two_requests(b, &n1, &n2, &r1, &r2);
	/* make exports the build's catalogues; by hand, beside the binary. */
	if ((ld = getenv("XUEJI_LOCALEDIR")) != NULL && *ld != '\0')
		localedir = xstrdup(ld);
	else {
		bin = xstrdup(e2e_binary());
		dir = dirname(bin);
		xasprintf(&localedir, "%s/locale", dir);
		free(bin);
	}
	xasprintf(&env[0], "XUEJI_LOCALEDIR=%s", localedir);
	env[1] = xstrdup("LANGUAGE=zh_CN");
	env[2] = NULL;
	free(localedir);

	vt = e2e_start(b, 24, 80, env);
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, "auditor1");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "pass-auditor1");
	vt_key(vt, VT_KEY_ENTER);
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "操作日志 · 第 1 页");
	e2e_wait_bar(vt, "F8 申请", "F1 帮助");

	vt_key(vt, VT_KEY_F8);
	e2e_wait_text(vt, "只看此编号申请的条目");
	vt_sendstr(vt, "十二");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "“十二”不是申请编号");
	e2e_wait_text(vt, "未筛选");

	vt_key(vt, VT_KEY_F8);
	e2e_wait_text(vt, "只看此编号申请的条目");
	xasprintf(&want, "%" PRId64, r2);
	vt_sendstr(vt, want);
	free(want);
	vt_key(vt, VT_KEY_ENTER);
	xasprintf(&want, "筛选： 申请 %" PRId64, r2);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_gone(vt, n1);

	/* Out: Esc to the menu, ^Q. */
	vt_set_log(vt, NULL);
	for (i = 0; i < 5 && !e2e_on_screen(vt, "主菜单"); i++) {
		vt_key(vt, VT_KEY_ESC);
		vt_wait_text(vt, "主菜单", 1000);
	}
	vt_set_log(vt, stderr);
	e2e_wait_text(vt, "主菜单");
	e2e_quit_here(vt);
	free(env[0]);
	free(env[1]);
	free(n1);
	free(n2);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * The help screen lists what the screen below offers, as its key bar
 * does: the auditor holds report.view, which would allow the
 * destruction records, but the menu leaves them to the reports.
 */
static void
test_help_offers(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;

	(void)state;
	b = tl_branch_new();
	vt = e2e_start_as(b, 24, 80, "auditor1");
	vt_key(vt, VT_KEY_F1);
	e2e_wait_text(vt, "Keys");
	/* Every key of each, as only help shows them; Redraw last. */
	e2e_wait_text(vt, "F2 ^B");
	e2e_wait_text(vt, "Access analysis");
	e2e_wait_text(vt, "Redraw");
	e2e_wait_gone(vt, "Destruction records");
	e2e_wait_gone(vt, "Find a student");
	e2e_wait_gone(vt, "Enrol");
	vt_key(vt, VT_KEY_ESC);
	e2e_quit(vt);
	tl_branch_free(b);
}

/*
 * Dates: the filter line says the window in words, a past window shows
 * nothing, a date on its own means since then, and a typo is refused
 * with the filter left as it was.
 */
static void
test_dates_filter(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n;

	(void)state;
	b = tl_branch_new();
	n = tl_enrol_as(b, "reception1", "周小宇", "2016-04", "周大宇", "13944445555");
	vt = e2e_start_as(b, 24, 80, "auditor1");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "Operation log · page 1");

	vt_key(vt, VT_KEY_F5);
	e2e_wait_text(vt, "a date (2026-03-01)");
	vt_sendstr(vt, "7");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Filters: dates the last 7 days");
	e2e_wait_text(vt, n);

	vt_key(vt, VT_KEY_F5);
	e2e_wait_text(vt, "a date (2026-03-01)");
	vt_sendstr(vt, "2020-01-01 2020-01-31");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Filters: dates 2020-01-01 to 2020-01-31");
	e2e_wait_text(vt, "No entry matches the filters.");

	vt_key(vt, VT_KEY_F5);
	e2e_wait_text(vt, "a date (2026-03-01)");
	vt_sendstr(vt, "2020-01-01");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Filters: dates since 2020-01-01");
	e2e_wait_text(vt, n);

	vt_key(vt, VT_KEY_F5);
	e2e_wait_text(vt, "a date (2026-03-01)");
	vt_sendstr(vt, "2020-13-45x");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "is not a date range");
	e2e_wait_text(vt, "Filters: dates since 2020-01-01");

	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "No filter");
	free(n);
	e2e_quit(vt);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auditor_view),
		cmocka_unit_test(test_request_filter),
		cmocka_unit_test(test_request_filter_zh),
		cmocka_unit_test(test_help_offers),
		cmocka_unit_test(test_dates_filter),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
