/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 17, end to end: the requester reads the decision.  A change the
 * receptionist filed is rejected with a note; "My requests" shows the
 * outcome and the note until she opens it, which is reading it, and the
 * log records that she did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

static void
test_requester_reads_rejection(void **state)
{
	const struct field_input in = { "guardian_name", "王建国" };
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*a;
	char			*n, *cause = NULL;
	int64_t			 id = 0;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n = tl_enrol(s, "王小明", "2017-06", "王大明", "13911112222", NULL);
	assert_non_null(n);
	assert_int_equal(store_change_request(s->st, n, &in, 1, "户口本有误",
	    "户口本", &id, &cause), XJ_OK);
	session_free(s);
	s = tl_login(b, "supervisor1");
	assert_int_equal(store_request_reject(s->st, id, "户口本照片看不清",
	    &cause), XJ_OK);
	session_free(s);

	a = e2e_start_as(b, 24, 80, "reception1");
	vt_key(a, VT_KEY_F9);
	e2e_wait_text(a, "decided but unread");
	e2e_wait_text(a, n);
	e2e_wait_text(a, "rejected");
	/* The note, on the list itself. */
	e2e_wait_text(a, "户口本照片看不清");
	vt_key(a, VT_KEY_ENTER);
	e2e_wait_text(a, "Request 1 · change · rejected");
	e2e_wait_text(a, "户口本照片看不清");
	vt_key(a, VT_KEY_ESC);
	/* Read: it leaves the list. */
	e2e_wait_text(a, "no decision to read");
	/* Waited for: the rest of the list may still be arriving. */
	e2e_wait_gone(a, "户口本照片看不清");
	vt_key(a, VT_KEY_ESC);
	e2e_wait_text(a, "main menu");
	e2e_quit_here(a);

	assert_int_equal(e2e_audit_count(b, "request.acknowledge",
	    "reception1", "request=1"), 1);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requester_reads_rejection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
