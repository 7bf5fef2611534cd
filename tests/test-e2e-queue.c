/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 4, end to end: a change goes from the counter to the approval
 * queue and back.  Two real terminals on one branch: a receptionist files
 * a change from the record view, and a supervisor's queue, open before
 * and left alone, shows it without a key; the supervisor sees old and
 * new side by side and approves.  The requester can never decide their
 * own request: the store refuses, the status line says so, the log has
 * it.  Waits are for markers on the screen, never fixed sleeps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

/* How soon a filed request must show in a queue nobody touches. */
#define LIVE_MS	3000

/* Wait for a and b on one row, a left of b: old and new side by side. */
static void
side_by_side(struct vt *vt, const char *a, const char *b)
{
	int	ra, ca, rb, cb;

	e2e_wait_text(vt, a);
	e2e_wait_text(vt, b);
	assert_true(vt_find(vt, a, &ra, &ca));
	assert_true(vt_find(vt, b, &rb, &cb));
	assert_int_equal(ra, rb);
	assert_true(ca < cb);
}

/* Test 4.1: filed at the counter, live in the queue, approved. */
static void
test_queue_live_approve(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct student		*st;
	struct history		*h;
	struct vt		*a, *q;
	char			*n, *cause = NULL, *row;
	size_t			 nh, i, found = 0;
	int			 r, c;

	(void)state;
	b = tl_branch_new();
	n = tl_enrol_as(b, "reception1", "王小明", "2017-06", "王大明", "13911112222");

	/* B: the supervisor opens the queue first; it is empty. */
	q = e2e_start_as(b, 24, 80, "supervisor1");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, "Approval queue");
	e2e_wait_text(q, "No request waits for a decision");

	/* A: the receptionist opens the record and files a change. */
	a = e2e_start_as(b, 24, 80, "reception1");
	vt_key(a, VT_KEY_F3);
	e2e_wait_text(a, "Find:");
	vt_sendstr(a, "王小明");
	e2e_wait_text(a, n);
	vt_key(a, VT_KEY_ENTER);
	e2e_wait_text(a, "History, oldest first");
	e2e_wait_text(a, "(at enrolment)");
	vt_key(a, VT_KEY_F6);
	e2e_wait_text(a, "Change request for");
	/* Pre-filled with what the record holds... */
	e2e_wait_text(a, "王大明");
	/* ...but never a masked phone: it starts empty. */
	e2e_wait_text(a, "Now 139****2222: unchanged unless you type");
	assert_true(vt_find(a, "Guardian phone", &r, &c));
	row = vt_row(a, r);
	assert_null(strstr(row, "****"));
	free(row);
	vt_key(a, VT_KEY_TAB);
	vt_key(a, VT_KEY_TAB);
	vt_char_mod(a, 'u', VT_MOD_CTRL);
	vt_sendstr(a, "王建国");
	vt_key(a, VT_KEY_TAB);		/* the phone: left empty */
	vt_key(a, VT_KEY_TAB);
	/* No reason yet: refused beside the field, nothing filed. */
	vt_key(a, VT_KEY_F2);
	e2e_wait_text(a, "Reason is required");
	vt_sendstr(a, "户口本登记有误");
	vt_key(a, VT_KEY_TAB);
	vt_sendstr(a, "户口本");
	vt_key(a, VT_KEY_F2);
	e2e_wait_text(a, "Request 1 filed");
	e2e_wait_text(a, "Pending request");
	e2e_wait_text(a, "王大明");		/* unchanged until approved */

	/* B: it appears without a key. */
	if (vt_wait_text(q, n, LIVE_MS) != 0)
		fail_msg("the queue did not show the request by itself");
	e2e_wait_text(q, "reception1");
	e2e_wait_text(q, "1 request");
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Request 1 · change · pending");
	e2e_wait_text(q, "户口本登记有误");
	e2e_wait_text(q, "王小明");
	side_by_side(q, "王大明", "王建国");
	/* Not the supervisor's own: no Withdraw offered. */
	e2e_wait_gone(q, "Withdraw");
	vt_key(q, VT_KEY_F2);
	e2e_wait_text(q, "Approve request 1 for 王小明");
	vt_sendstr(q, "y");
	e2e_wait_text(q, "Request 1 approved");
	e2e_wait_text(q, "No request waits for a decision");

	/* A: the record, opened again, has the new value and its history. */
	vt_key(a, VT_KEY_ESC);
	e2e_wait_text(a, "Find:");
	vt_key(a, VT_KEY_ENTER);
	e2e_wait_text(a, "王建国");
	e2e_wait_text(a, "request 1, asked by 王丽, approved by 陈静: "
	    "户口本登记有误");
	e2e_wait_gone(a, "Pending request");

	/* A: the guardian confirms by phone; the item leaves the list. */
	vt_key(a, VT_KEY_ESC);
	e2e_wait_text(a, "Find:");
	vt_key(a, VT_KEY_ESC);
	e2e_wait_text(a, "main menu");
	vt_key(a, VT_KEY_F8);
	e2e_wait_text(a, "Guardian confirmations");
	e2e_wait_text(a, n);
	vt_key(a, VT_KEY_ENTER);
	e2e_wait_text(a, "How did the guardian of 王小明");
	side_by_side(a, "王大明", "王建国");
	vt_key(a, VT_KEY_ENTER);		/* by phone, the first */
	e2e_wait_text(a, "confirmation (by phone) is recorded");
	e2e_wait_text(a, "Every applied change has been confirmed");
	e2e_quit(a);
	e2e_quit(q);

	/* The database: the name changed, with its history and log. */
	s = tl_login(b, "supervisor2");
	assert_int_equal(store_student_get(s->st, n, &st, &cause), XJ_OK);
	assert_string_equal(student_value(st, "guardian_name"), "王建国");
	assert_string_equal(student_value(st, "guardian_phone"),
	    "13911112222");
	assert_int_equal(st->pending, 0);
	student_free(st);
	assert_int_equal(store_history(s->st, n, &h, &nh, &cause), XJ_OK);
	for (i = 0; i < nh; i++) {
		if (h[i].request != 1)
			continue;
		found++;
		assert_string_equal(h[i].key, "guardian_name");
		assert_string_equal(h[i].value, "王建国");
		assert_string_equal(h[i].reason, "户口本登记有误");
		assert_string_equal(h[i].requested_by, "reception1");
		assert_string_equal(h[i].approved_by, "supervisor1");
	}
	assert_int_equal(found, 1);
	history_free(h, nh);
	session_free(s);
	assert_int_equal(e2e_audit_count(b, "change.request", "reception1",
	    "request=1"), 1);
	assert_int_equal(e2e_audit_count(b, "change.approve", "supervisor1",
	    "request=1"), 1);
	assert_int_equal(e2e_audit_count(b, "change.confirm", "reception1",
	    "method=phone"), 1);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Test 4.2: four eyes.  supervisor2 files a change through the store and
 * then, in the interface, tries to approve it: the status line carries
 * the store's refusal, the screen stays, nothing changes, and the log
 * has the denial.  The clock is three days on, so the request is
 * overdue, said in words.
 */
static void
test_queue_four_eyes(void **state)
{
	const struct field_input in[] = { { "guardian_name", "李四" } };
	struct tl_branch	*b;
	struct session		*s;
	struct student		*st;
	struct vt		*q;
	char			*n, *cause = NULL, later[64];
	char			*env[2] = { later, NULL };
	int64_t			 id;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "supervisor2");
	n = tl_enrol(s, "赵小燕", "2016-09", "赵三", "13911113333", NULL);
	assert_non_null(n);
	assert_int_equal(store_change_request(s->st, n, in, 1, "更正", "户口本",
	    &id, &cause), XJ_OK);
	session_free(s);

	snprintf(later, sizeof later, "XUEJI_NOW=%lld",
	    (long long)time(NULL) + 3 * 24 * 3600 + 600);
	q = e2e_start(b, 24, 80, env);
	e2e_login(q, "supervisor2", "pass-supervisor2");
	e2e_wait_text(q, "main menu");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, n);
	e2e_wait_text(q, "OVERDUE");
	e2e_wait_text(q, "3d 0h");
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Request 1 · change · pending");
	side_by_side(q, "赵三", "李四");
	e2e_wait_text(q, "Withdraw");		/* their own: offered */
	vt_key(q, VT_KEY_F2);			/* refused, nothing asked */
	e2e_wait_text(q, "someone else must decide it");
	assert_false(vt_find(q, "Approve request 1 for", NULL, NULL));
	vt_key(q, VT_KEY_F4);			/* nor a note to type */
	e2e_wait_text(q, "Error:");
	/* The screen stays, the request still pending. */
	e2e_wait_text(q, "Request 1 · change · pending");
	e2e_quit(q);

	s = tl_login(b, "supervisor1");
	assert_int_equal(store_student_get(s->st, n, &st, &cause), XJ_OK);
	assert_string_equal(student_value(st, "guardian_name"), "赵三");
	assert_int_equal(st->pending, 1);
	student_free(st);
	session_free(s);
	/* Both refusals are in the log: F4 asked for no note first. */
	assert_int_equal(e2e_audit_count(b, "access.denied", "supervisor2",
	    "four-eyes"), 2);
	assert_int_equal(e2e_audit_count(b, "change.approve", "supervisor2",
	    NULL), 0);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Issue 17: a change filed before a destruction request waits with its
 * record frozen.  Its screen, open when the destruction is filed at
 * another terminal, says so and offers no decision (F2 asks nothing);
 * once the destruction is rejected elsewhere, the decision is offered
 * again without a key.
 */
static void
test_queue_frozen(void **state)
{
	const struct field_input in[] = { { "guardian_name", "李四" } };
	struct tl_branch	*b;
	struct session		*s, *r;
	struct vt		*q;
	char			*n, *cause = NULL;
	int64_t			 id, destroy;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "supervisor2");
	n = tl_enrol(s, "钱小红", "2016-09", "钱三", "13911114444", NULL);
	assert_non_null(n);
	assert_int_equal(store_change_request(s->st, n, in, 1, "更正", "户口本",
	    &id, &cause), XJ_OK);

	q = e2e_start_as(b, 24, 80, "supervisor1");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, n);
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Request 1 · change · pending");
	e2e_wait_text(q, "Approve");

	r = tl_login(b, "reception1");
	assert_int_equal(store_destroy_request(r->st, n, "guardian-request",
	    &destroy, &cause), XJ_OK);
	e2e_wait_text(q, "destruction request 2 is pending");
	e2e_wait_text(q, "changed at another terminal");
	e2e_wait_gone(q, "Approve");
	e2e_wait_gone(q, "钱小红");		/* frozen: nothing shown */
	vt_key(q, VT_KEY_F2);
	vt_key(q, VT_KEY_F4);
	e2e_wait_text(q, "Request 1 · change · pending");
	e2e_wait_gone(q, "Approve request 1");
	e2e_wait_gone(q, "Why is it rejected");

	assert_int_equal(store_request_reject(s->st, destroy, "不符", &cause),
	    XJ_OK);
	e2e_wait_text(q, "Approve");
	e2e_wait_gone(q, "is pending");
	e2e_wait_text(q, "钱小红");
	vt_key(q, VT_KEY_F2);
	e2e_wait_text(q, "Approve request 1 for 钱小红");
	vt_sendstr(q, "y");
	e2e_wait_text(q, "Request 1 approved");
	e2e_quit(q);
	session_free(r);
	session_free(s);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Issue 16: supervisor1 reset reception1's passphrase, so until
 * reception1 chooses their own, supervisor1 may not decide reception1's
 * requests.  The request's screen says so in words and offers no
 * decision (F2 and F4 ask nothing, nothing is refused in the log);
 * supervisor2 is offered both as usual.
 */
static void
test_queue_slot_setter(void **state)
{
	const struct field_input in[] = { { "guardian_name", "李四" } };
	struct tl_branch	*b;
	struct session		*s, *r;
	struct vt		*q;
	char			*n, *cause = NULL;
	int64_t			 id;

	(void)state;
	b = tl_branch_new();
	r = tl_login(b, "reception1");
	n = tl_enrol(r, "孙小林", "2016-09", "孙三", "13911115555", NULL);
	assert_non_null(n);
	assert_int_equal(store_change_request(r->st, n, in, 1, "更正", "户口本",
	    &id, &cause), XJ_OK);
	session_free(r);
	s = tl_login(b, "supervisor1");
	assert_int_equal(session_operator_reset(s, "reception1",
	    "set by supervisor1", 18, KDF_INTERACTIVE, NULL, NULL, 0, &cause),
	    XJ_OK);
	session_free(s);

	q = e2e_start_as(b, 24, 80, "supervisor1");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, n);
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Request 1 · change · pending");
	e2e_wait_text(q, "陈静 (supervisor1) set the passphrase of 王丽");
	e2e_wait_text(q, "Help");	/* the key bar is drawn */
	assert_false(vt_find(q, "Approve", NULL, NULL));
	vt_key(q, VT_KEY_F2);
	vt_key(q, VT_KEY_F4);
	e2e_wait_text(q, "Request 1 · change · pending");
	e2e_wait_gone(q, "Approve request 1");
	e2e_wait_gone(q, "Why is it rejected");
	e2e_quit(q);
	assert_int_equal(e2e_audit_count(b, "access.denied", "supervisor1",
	    NULL), 0);

	q = e2e_start_as(b, 24, 80, "supervisor2");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, n);
	vt_key(q, VT_KEY_ENTER);
	e2e_wait_text(q, "Request 1 · change · pending");
	e2e_wait_text(q, "Approve");
	assert_false(vt_find(q, "set the passphrase of", NULL, NULL));
	e2e_quit(q);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Issues 17 and 21: the queue logs whom it puts on the terminal.  Of
 * twenty requests a 24-row terminal shows the first seventeen or so:
 * the log's student filter finds the queue for the first, not for the
 * last until it is paged to.  A request filed elsewhere (a re-read) and
 * ^L (a redraw) write no entry; paging back writes none either.
 */
static void
test_queue_logs_page(void **state)
{
	const struct field_input in[] = { { "guardian_name", "李四" } };
	const struct field_input again[] = { { "guardian_name", "李五" } };
	struct tl_branch	*b;
	struct session		*s, *au;
	struct vt		*q;
	char			*n[20], *cause = NULL, name[32];
	int64_t			 id;
	int			 i;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "supervisor2");
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "页%c", 'A' + i);
		n[i] = tl_enrol(s, name, "2016-09", "钱三", "13911114444",
		    NULL);
		assert_non_null(n[i]);
		assert_int_equal(store_change_request(s->st, n[i], in, 1,
		    "更正", "户口本", &id, &cause), XJ_OK);
	}
	q = e2e_start_as(b, 24, 80, "supervisor1");
	vt_key(q, VT_KEY_F7);
	e2e_wait_text(q, "20 requests");
	e2e_wait_text(q, n[0]);
	assert_false(e2e_on_screen(q, n[19]));
	au = tl_login(b, "auditor1");
	assert_int_equal(tl_student_entries(au, n[0], "request.list"), 1);
	assert_int_equal(tl_student_entries(au, n[19], "request.list"), 0);

	/* Filed elsewhere (the queue reads itself again), ^L: no entry. */
	assert_int_equal(store_change_request(s->st, n[0], again, 1, "更正",
	    "户口本", &id, &cause), XJ_OK);
	e2e_wait_text(q, "21 requests");
	vt_char_mod(q, 'l', VT_MOD_CTRL);
	e2e_wait_text(q, "21 requests");
	assert_int_equal(e2e_audit_count(b, "request.list", "supervisor1",
	    NULL), 1);

	/* Paged to: the last is logged; paged back: nothing more. */
	vt_key(q, VT_KEY_PAGEDOWN);
	vt_key(q, VT_KEY_PAGEDOWN);
	e2e_wait_text(q, n[19]);
	assert_int_equal(tl_student_entries(au, n[19], "request.list"), 1);
	vt_key(q, VT_KEY_PAGEUP);
	vt_key(q, VT_KEY_PAGEUP);
	e2e_wait_text(q, n[0]);
	assert_int_equal(e2e_audit_count(b, "request.list", "supervisor1",
	    NULL), 2);
	e2e_quit(q);
	session_free(au);
	session_free(s);
	for (i = 0; i < 20; i++)
		free(n[i]);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_live_approve),
		cmocka_unit_test(test_queue_four_eyes),
		cmocka_unit_test(test_queue_frozen),
		cmocka_unit_test(test_queue_slot_setter),
		cmocka_unit_test(test_queue_logs_page),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
