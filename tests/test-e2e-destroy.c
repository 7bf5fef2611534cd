/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 5, end to end: destruction and the archive in the interface.
 * Two real terminals on one branch: a receptionist asks for a record to
 * be destroyed at the guardian's request, and the record is restricted at
 * once; a supervisor's queue, left alone, shows the request, and the
 * supervisor approves it only through a second, deliberate step (typing
 * the number), then sees the certificate, which names no child.  And the
 * archive: counts per status, the review-due list at an injected date,
 * and a review taking a record off it.  Waits are for markers on the
 * screen, never fixed sleeps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"
#include "lib/hatch.h"

/* How soon a filed request must show in a queue nobody touches. */
#define LIVE_MS	3000

/* Whether text is in the list (above the status line and key bar). */
static int
in_list(struct vt *vt, const char *text)
{
	int	row, col;

	return vt_find(vt, text, &row, &col) && row < 21;
}

/* On a shown destruction request of 王小明: F2, yes, the number typed. */
static void
approve_both_steps(struct vt *q, const char *number)
{
	vt_key(q, VT_KEY_F2);
	e2e_wait_text(q, "Destroy every personal value of 王小明 (");
	vt_sendstr(q, "y");
	e2e_wait_text(q, "To destroy, type the student number");
	vt_sendstr(q, number);
	vt_key(q, VT_KEY_ENTER);
}

/* The number of rows sql counts, as a long. */
static long
count(struct session *s, const char *sql)
{
	char	*v = tl_query(s, sql);
	long	 n;

	assert_non_null(v);
	n = strtol(v, NULL, 10);
	free(v);
	return n;
}

/* Test 5.1: requested at the counter, frozen, approved in two steps. */
static void
test_destroy_request_approve(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*a, *q;
	char			*n, *v, sql[256];

	(void)state;
	b = tl_branch_new();
	n = tl_enrol_as(b, "reception1", "王小明", "2017-06", "王大明", "13911112222");

	/* B: the supervisor's queue is open first, and empty. */
	q = e2e_start_as(b, 24, 80, "supervisor1");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, "Approval queue");
	e2e_wait_text(q, "No request waits for a decision");

	/* A: the receptionist finds the record and asks to destroy it. */
	a = e2e_start_as(b, 24, 80, "reception1");
	vt_key(a, VT_KEY_F3);
	e2e_wait_text(a, "Find:");
	vt_sendstr(a, "王小明");
	e2e_wait_text(a, n);
	e2e_wait_text(a, "1 match");
	vt_key(a, VT_KEY_ENTER);
	e2e_wait_text(a, "Status: active");
	e2e_wait_text(a, "Request destruction");
	vt_key(a, VT_KEY_F9);
	e2e_wait_text(a, "Why destroy the data of 王小明");
	e2e_wait_text(a, "(x) at the guardian's request");
	vt_key(a, VT_KEY_ENTER);
	e2e_wait_text(a, "Request destruction of 王小明 (");
	vt_sendstr(a, "y");
	e2e_wait_text(a, "Request 1 filed");
	e2e_wait_text(a, "Restricted: destruction pending");
	/* Restricted: no value shows, the name included. */
	e2e_wait_gone(a, "王小明");
	e2e_wait_gone(a, "Request destruction");
	/* Back in the search, the record is no longer found. */
	vt_key(a, VT_KEY_ESC);
	e2e_wait_text(a, "0 matches");
	e2e_wait_gone(a, n);

	/* B: the request appears without a key. */
	if (vt_wait_text(q, n, LIVE_MS) != 0)
		fail_msg("the queue did not show the request by itself");
	e2e_wait_text(q, "destruction");
	e2e_wait_text(q, "1 request");
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Request 1 · destruction · pending");
	e2e_wait_text(q, "at the guardian's request");
	e2e_wait_text(q, "irreversibly");
	/* The first step alone, then a wrong second one: nothing happens. */
	vt_key(q, VT_KEY_F2);
	e2e_wait_text(q, "Destroy every personal value of 王小明 (");
	vt_sendstr(q, "y");
	e2e_wait_text(q, "To destroy, type the student number");
	vt_sendstr(q, "ok");
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Nothing was destroyed");
	e2e_wait_text(q, "Request 1 · destruction · pending");
	/* Both steps. */
	approve_both_steps(q, n);
	e2e_wait_text(q, "CERTIFICATE OF DESTRUCTION No. 1");
	e2e_wait_text(q, n);
	e2e_wait_text(q, "at the guardian's request");
	/* Operators by name and id, as the status line names them. */
	e2e_wait_text(q, "by 王丽 (reception1) (request 1)");
	e2e_wait_text(q, "by 陈静 (supervisor1)");
	e2e_wait_text(q, "secure_delete");
	/* Issue 17: no backup was ever taken, and it says so. */
	e2e_wait_text(q, "No backup holds these data.");
	e2e_wait_text(q, "This record holds no personal data.");
	e2e_wait_gone(q, "王小明");
	e2e_wait_gone(q, "王大明");
	/* Back: the queue has reloaded. */
	vt_key(q, VT_KEY_ESC);
	e2e_wait_text(q, "No request waits for a decision");
	e2e_quit(a);
	e2e_quit(q);

	/* The database: a tombstone, no values, a certificate, the log. */
	s = tl_login(b, "supervisor2");
	snprintf(sql, sizeof sql, "SELECT status FROM student WHERE number = "
	    "'%s'", n);
	v = tl_query(s, sql);
	assert_non_null(v);
	assert_string_equal(v, "destroyed");
	free(v);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM field WHERE student = "
	    "(SELECT id FROM student WHERE number = '%s')", n);
	assert_int_equal(count(s, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM field_history WHERE "
	    "student = (SELECT id FROM student WHERE number = '%s')", n);
	assert_int_equal(count(s, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM destruction WHERE "
	    "number = '%s' AND reason = 'guardian-request' AND "
	    "requested_by = 'reception1' AND approved_by = 'supervisor1'", n);
	assert_int_equal(count(s, sql), 1);
	session_free(s);
	assert_int_equal(e2e_audit_count(b, "destroy.request", "reception1",
	    "request=1"), 1);
	assert_int_equal(e2e_audit_count(b, "destroy.execute", "supervisor1",
	    "request=1"), 1);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Issue 16: while another terminal reads an older state, the approval
 * waits for it; the supervisor is told at once why nothing moves, and
 * then that physical erasure is pending, and the certificate says so.
 */
static void
test_destroy_waits_for_reader(void **state)
{
	struct tl_branch	*b;
	struct session		*s, *rd;
	struct vt		*q;
	char			*n, *cause = NULL;
	int64_t			 id;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n = tl_enrol(s, "王小明", "2017-06", "王大明", "13911112222", NULL);
	assert_non_null(n);
	assert_int_equal(store_destroy_request(s->st, n, "guardian-request",
	    &id, &cause), XJ_OK);
	session_free(s);

	/* Another terminal holds a read snapshot throughout. */
	rd = tl_login(b, "auditor1");
	assert_int_equal(sqlite3_exec(store_db(rd->st), "BEGIN; SELECT "
	    "count(*) FROM student", NULL, NULL, NULL), SQLITE_OK);

	q = e2e_start_as(b, 24, 80, "supervisor1");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, n);
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Request 1 · destruction · pending");
	approve_both_steps(q, n);
	/* Said while it waits, not after. */
	e2e_wait_text(q, "Another terminal is still reading");
	/* The store waits ten seconds for the reader before it gives up. */
	if (vt_wait_text(q, "CERTIFICATE OF DESTRUCTION No. 1", 30000) != 0)
		fail_msg("no certificate after the wait");
	e2e_wait_text(q, "are destroyed, but physical");
	e2e_wait_text(q, "could not be truncated yet");
	e2e_wait_gone(q, "checkpointed and truncated");
	assert_int_equal(sqlite3_exec(store_db(rd->st), "COMMIT", NULL, NULL,
	    NULL), SQLITE_OK);
	session_free(rd);
	e2e_quit(q);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Test 5.2: the archive four months after enrolment.  Both students are
 * due for their quarterly review; one is marked reviewed from the list,
 * the other from its record, and each leaves the list.
 */
static void
test_archive_review_due(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*t;
	char			*n1, *n2, later[64];
	char			*env[2] = { later, NULL };

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n1 = tl_enrol(s, "李小红", "2016-03", "李强", "13911114444", NULL);
	n2 = tl_enrol(s, "周小军", "2015-11", "周平", "13911115555", NULL);
	assert_non_null(n1);
	assert_non_null(n2);
	session_free(s);

	snprintf(later, sizeof later, "XUEJI_NOW=%lld",
	    (long long)time(NULL) + 122 * 24 * 3600);
	t = e2e_start(b, 24, 80, env);
	e2e_login(t, "supervisor1", "pass-supervisor1");
	e2e_wait_text(t, "main menu");
	e2e_wait_text(t, "Archive");
	vt_key(t, VT_KEY_F5);
	e2e_wait_text(t, "[1 Active: 2]");
	e2e_wait_text(t, "Completed: 0");
	e2e_wait_text(t, "Active students, by number: 2 students");
	e2e_wait_text(t, n1);
	e2e_wait_text(t, n2);
	/* The review-due list, by its F-key. */
	vt_key(t, VT_KEY_F5);
	e2e_wait_text(t, "[F5 Review due]");
	e2e_wait_text(t, "Due for the quarterly review, longest due first: "
	    "2 students");
	e2e_wait_text(t, n1);
	e2e_wait_text(t, n2);
	/* Reviewed from the list: the first leaves it. */
	vt_key(t, VT_KEY_F8);
	e2e_wait_text(t, "Mark the record of");
	vt_sendstr(t, "y");
	e2e_wait_text(t, "reviewed.");
	e2e_wait_text(t, "longest due first: 1 student");
	/* The first row went; the status line names it. */
	assert_false(in_list(t, n1));
	assert_true(in_list(t, n2));
	/* Reviewed from the record: the list is empty afterwards. */
	vt_key(t, VT_KEY_ENTER);
	e2e_wait_text(t, "review due since");
	vt_key(t, VT_KEY_F8);
	e2e_wait_text(t, "still accurate and still needed");
	vt_sendstr(t, "y");
	e2e_wait_text(t, "The next review is due on");
	e2e_wait_text(t, "Status: active · next review");
	vt_key(t, VT_KEY_ESC);
	e2e_wait_text(t, "No record is due for review.");
	/* The other lists by digit and arrow. */
	vt_sendstr(t, "2");
	e2e_wait_text(t, "[2 Completed: 0]");
	e2e_wait_text(t, "No student has completed.");
	vt_key(t, VT_KEY_LEFT);
	e2e_wait_text(t, "[1 Active: 2]");
	e2e_quit(t);

	assert_int_equal(e2e_audit_count(b, "status.review", "supervisor1",
	    NULL), 2);
	free(n1);
	free(n2);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_request_approve),
		cmocka_unit_test(test_destroy_waits_for_reader),
		cmocka_unit_test(test_archive_review_due),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
