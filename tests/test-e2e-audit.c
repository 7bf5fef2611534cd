/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 6, end to end: the auditor's view.  Activity is made through the
 * store (two enrolments, a record opened, a failed login); then an
 * auditor logs in at a real terminal, sees only the auditor's items, reads
 * the log as sentences, filters it by student number, opens an entry in
 * full, verifies the chain and opens the reports and the analysis.  Waits
 * are for markers on the screen, never fixed sleeps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

/* Back to the menu, then quit. */
static void
quit(struct vt *vt)
{
	int	status, i;

	vt_set_log(vt, NULL);	/* each Esc may leave a screen on top */
	for (i = 0; i < 5 && !e2e_on_screen(vt, "main menu"); i++) {
		vt_key(vt, VT_KEY_ESC);
		vt_wait_text(vt, "main menu", 1000);
	}
	vt_set_log(vt, stderr);
	e2e_wait_text(vt, "main menu");
	vt_char_mod(vt, 'q', VT_MOD_CTRL);
	assert_int_equal(vt_wait_exit(vt, E2E_WAIT, &status), 0);
	vt_free(vt);
}

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
	int			 rc;

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

	vt = e2e_start(b, 24, 80, NULL);
	e2e_login(vt, "auditor1", "pass-auditor1");
	e2e_wait_text(vt, "main menu");
	/* Only the auditor's items, and nothing that writes. */
	e2e_wait_text(vt, "Operation log");
	e2e_wait_text(vt, "Verify the log");
	e2e_wait_text(vt, "Reports");
	e2e_wait_text(vt, "Access analysis");
	e2e_wait_text(vt, "Lock the terminal");
	e2e_wait_text(vt, "Log out and quit");
	assert_false(e2e_on_screen(vt, "Enrol"));
	assert_false(e2e_on_screen(vt, "Find a student"));
	assert_false(e2e_on_screen(vt, "Archive"));
	assert_false(e2e_on_screen(vt, "Destruction records"));
	assert_false(e2e_on_screen(vt, "Approval queue"));
	assert_false(e2e_on_screen(vt, "Save"));
	/* A key of an item not listed does nothing. */
	vt_key(vt, VT_KEY_F4);
	vt_key(vt, VT_KEY_F6);

	/* The log, newest first, as sentences. */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "Operation log · page 1");
	xasprintf(&want, "reception1 viewed %s", n1);
	e2e_wait_text(vt, want);
	free(want);
	xasprintf(&want, "reception1 enrolled %s", n2);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_text(vt, "reception2 failed to log in (wrong passphrase)");
	e2e_wait_text(vt, "auditor1 read the log");
	e2e_wait_text(vt, "No filter");

	/* By student number: only that student's entries. */
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "Only entries about the student number");
	vt_sendstr(vt, n2);
	vt_key(vt, VT_KEY_ENTER);
	xasprintf(&want, "student %s", n2);
	e2e_wait_text(vt, want);		/* the filter line */
	free(want);
	xasprintf(&want, "reception1 enrolled %s", n2);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_gone(vt, n1);
	e2e_wait_gone(vt, "failed to log in");
	/* Newest first: the auditor's own reading, then the enrolment. */
	xasprintf(&want, "auditor1 read the log for %s", n2);
	e2e_wait_text(vt, want);
	free(want);

	/* The enrolment in full: every column, the hash in hex. */
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Operation log · entry");
	e2e_wait_text(vt, "student.enroll");
	e2e_wait_text(vt, "Hash");
	e2e_wait_text(vt, "Operator");
	e2e_wait_text(vt, n2);
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "Operation log · page 1");

	/* Cleared with one key; / finds the failed login. */
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "No filter");
	vt_sendstr(vt, "/");
	e2e_wait_text(vt, "Find in the entries");
	vt_sendstr(vt, "wrong passphrase");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_gone(vt, "Find in the entries");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "login.failed");
	e2e_wait_text(vt, "reason=wrong-passphrase");
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
	quit(vt);

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auditor_view),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
