/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The register of guardians' requests (issue 7), on real SQLCipher
 * files at injected dates: due dates and overdue lists, corrections and
 * deletions that close with the change or destruction request carrying
 * them out, a destruction that empties their free text, the access file
 * (this child's data, history and viewers, nobody else's; only for an
 * open access request, by one who may see it all), permissions,
 * and an audit log that never holds what a guardian said.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/guardian.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/report.h"
#include "xueji/destroy.h"
#include "lib/testlib.h"
#include "lib/branch.h"

#define DAY		(24 * 60 * 60)
#define SUMMARY		"家长来电：请更正王小红的姓名"
#define DEL_SUMMARY	"家长来信要求删除王小红的全部资料"
#define RESPONSE	"已电话告知家长姓名已更正"

struct fixture {
	struct tl_branch	*b;
	char			*number;	/* 王小红, by reception2 */
	char			*other;		/* 李小明 */
};

static void
at(const char *when)
{
	setenv("XUEJI_NOW", when, 1);
}

static int
setup_with(void **state, const char *extra)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	struct session	*s;

	at("2026-01-10T09:00:00");
	f->b = tl_branch_new_with(extra);
	s = tl_login(f->b, "reception2");
	f->number = tl_enrol(s, "王小红", "2016-04", "王建国", "13812340000",
	    NULL);
	f->other = tl_enrol(s, "李小明", "2017-06", "李大伟", "13987650000",
	    NULL);
	assert_non_null(f->number);
	assert_non_null(f->other);
	session_free(s);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, NULL);
}

static int
setup_three_days(void **state)
{
	return setup_with(state, "guardian_request_days: 3\n");
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	tl_check_db(f->b);
	tl_branch_free(f->b);
	free(f->number);
	free(f->other);
	free(f);
	unsetenv("XUEJI_NOW");
	return 0;
}

static int64_t
add(struct session *s, enum guardian_kind kind, const char *number,
    time_t received, const char *summary, int want)
{
	char	*cause = NULL;
	int64_t	 id = 0;
	int	 rc;

	rc = store_guardian_add(s->st, kind, number, received, "phone",
	    summary, &id, &cause);
	if (rc != want)
		fail_msg("store_guardian_add: %d, wanted %d: %s", rc, want,
		    cause != NULL ? cause : "");
	free(cause);
	return id;
}

static int
collect(const struct guardian_request *g, void *arg)
{
	char	**list = arg;
	char	 *s;

	/* Lists carry no free text. */
	assert_null(g->summary);
	assert_null(g->response);
	xasprintf(&s, "%s%s%lld", *list, **list ? " " : "",
	    (long long)g->id);
	free(*list);
	*list = s;
	return 0;
}

static char *
list(struct session *s, enum guardian_list which, time_t now)
{
	char	*v = xstrdup(""), *cause = NULL;

	assert_int_equal(store_guardian_list(s->st, which, now, collect, &v,
	    NULL, &cause), XJ_OK);
	return v;
}

/* One column expression of guardian request id. */
static char *
query(struct session *s, const char *expr, long long id)
{
	char	*sql, *v;

	xasprintf(&sql, "SELECT %s FROM guardian_request WHERE id = %lld",
	    expr, id);
	v = tl_query(s, sql);
	free(sql);
	return v;
}

static void
assert_query(struct session *s, const char *expr, long long id,
    const char *want)
{
	char	*v = query(s, expr, id);

	if (want == NULL)
		assert_null(v);
	else {
		assert_non_null(v);
		assert_string_equal(v, want);
	}
	free(v);
}

static int64_t
file_change(struct session *s, const char *number, const char *value)
{
	const struct field_input in[] = { { "name", value } };
	char	*cause = NULL;
	int64_t	 id = 0;

	assert_int_equal(store_change_request(s->st, number, in, 1,
	    "身份证核对后更正", "户口本", &id, &cause), XJ_OK);
	return id;
}

static void
test_add_list_overdue(void **state)
{
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct guardian_request	*g;
	struct session		*au;
	struct report		*rp;
	char			*cause = NULL, *v, *lst;
	int64_t			 a, c, id;
	long			 n;

	/* Received now by default; due 15 days later. */
	a = add(r, GUARDIAN_ACCESS, f->number, 0, "想查看孩子的资料", XJ_OK);
	c = add(r, GUARDIAN_COMPLAINT, f->number, tl_utc(2025, 12, 20, 0),
	    "投诉前台泄露电话", XJ_OK);
	v = query(r, "due_at - received_at", (long long)a);
	assert_int_equal(atol(v), 15 * DAY);
	free(v);
	v = query(r, "received_at", (long long)a);
	assert_int_equal(atol(v), (long)tl_utc(2026, 1, 10, 9));
	free(v);

	/* Oldest first; the complaint was due on 4 January. */
	lst = list(r, GUARDIAN_OPEN, xj_now());
	xasprintf(&v, "%lld %lld", (long long)c, (long long)a);
	assert_string_equal(lst, v);
	free(lst);
	lst = list(r, GUARDIAN_ALL, xj_now());
	assert_string_equal(lst, v);
	free(lst);
	free(v);
	lst = list(r, GUARDIAN_OVERDUE, xj_now());
	xasprintf(&v, "%lld", (long long)c);
	assert_string_equal(lst, v);
	free(lst);
	free(v);
	assert_int_equal(store_guardian_overdue(r->st, xj_now(), &n), XJ_OK);
	assert_int_equal(n, 1);
	/* On the day it falls due it is not overdue yet; after, it is. */
	assert_int_equal(store_guardian_overdue(r->st, tl_utc(2026, 1, 25, 9),
	    &n), XJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_guardian_overdue(r->st, tl_utc(2026, 1, 25, 10),
	    &n), XJ_OK);
	assert_int_equal(n, 2);

	/* The pending report counts them too. */
	au = tl_login(f->b, "auditor1");
	assert_int_equal(store_report(au->st, REPORT_PENDING, xj_now(), &rp,
	    &cause), XJ_OK);
	assert_int_equal(rp->pending.guardian_open, 2);
	assert_int_equal(rp->pending.guardian_overdue, 1);
	report_free(rp);
	session_free(au);

	assert_int_equal(store_guardian_get(r->st, a, &g, &cause), XJ_OK);
	assert_string_equal(g->summary, "想查看孩子的资料");
	assert_string_equal(g->response, "");
	assert_string_equal(g->channel, "phone");
	assert_string_equal(g->number, f->number);
	assert_true(g->open);
	assert_false(g->overdue);
	assert_null(g->outcome);
	assert_string_equal(g->filed_by, "reception1");
	guardian_request_free(g);
	assert_int_equal(store_guardian_get(r->st, 999, &g, &cause),
	    XJ_ENOINPUT);
	free(cause);

	/* Closing takes a response and ends the clock. */
	assert_int_equal(store_guardian_close(r->st, c, "", &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_guardian_close(r->st, c, "已道歉并培训前台",
	    &cause), XJ_OK);
	assert_int_equal(store_guardian_close(r->st, c, "again", &cause),
	    XJ_EBUSY);
	free(cause);
	assert_query(r, "state || ' ' || outcome || ' ' || closed_by",
	    (long long)c, "closed answered reception1");
	assert_int_equal(store_guardian_overdue(r->st, xj_now(), &n), XJ_OK);
	assert_int_equal(n, 0);
	/* Access and complaints are not carried out by a request. */
	assert_int_equal(store_guardian_link(r->st, a, 1, &cause), XJ_EDATA);
	free(cause);

	/* Refusals. */
	assert_int_equal(store_guardian_add(r->st, GUARDIAN_ACCESS, f->number,
	    0, "pigeon", "x", &id, &cause), XJ_EDATA);
	free(cause);
	add(r, GUARDIAN_ACCESS, f->number, 0, "", XJ_EDATA);
	add(r, GUARDIAN_ACCESS, f->number, xj_now() + DAY, "明天", XJ_EDATA);
	add(r, GUARDIAN_ACCESS, "SH01-2026-99999", 0, "无此人", XJ_ENOINPUT);
	session_free(r);
}

static void
test_due_days_configurable(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	char		*v;
	int64_t		 a;
	long		 n;

	a = add(r, GUARDIAN_CORRECTION, f->number, 0, SUMMARY, XJ_OK);
	v = query(r, "due_at - received_at", (long long)a);
	assert_int_equal(atol(v), 3 * DAY);
	free(v);
	at("2026-01-13T10:00:00");
	assert_int_equal(store_guardian_overdue(r->st, xj_now(), &n), XJ_OK);
	assert_int_equal(n, 1);
	session_free(r);
}

static void
test_correction_closes_with_decision(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	char		*cause = NULL;
	int64_t		 g1, g2, g3, ch1, ch2, ch3, ch4, other, st, del;

	g1 = add(r, GUARDIAN_CORRECTION, f->number, 0, SUMMARY, XJ_OK);
	ch1 = file_change(r, f->number, "王晓红");
	other = file_change(r, f->other, "李晓明");
	assert_int_equal(store_status_request(r->st, f->number,
	    STATUS_COMPLETED, "结业", &st, &cause), XJ_OK);

	/* Kind and student must match; the request must exist. */
	assert_int_equal(store_guardian_link(r->st, g1, st, &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_guardian_link(r->st, g1, other, &cause),
	    XJ_EDATA);
	free(cause);
	assert_int_equal(store_guardian_link(r->st, g1, 999, &cause),
	    XJ_ENOINPUT);
	free(cause);
	assert_int_equal(store_guardian_link(r->st, 999, ch1, &cause),
	    XJ_ENOINPUT);
	free(cause);
	assert_int_equal(store_guardian_link(r->st, g1, ch1, &cause), XJ_OK);
	/* One pending link at a time; no closing while it is pending. */
	assert_int_equal(store_guardian_link(r->st, g1, ch1, &cause),
	    XJ_EBUSY);
	free(cause);
	assert_int_equal(store_guardian_close(r->st, g1, RESPONSE, &cause),
	    XJ_EBUSY);
	free(cause);

	/* Approval closes it, in the same transaction, as approved. */
	assert_int_equal(store_request_approve(sv->st, ch1, &cause), XJ_OK);
	assert_query(r, "state || ' ' || outcome || ' ' || closed_by || ' ' "
	    "|| response || '|'",
	    (long long)g1, "closed approved supervisor1 |");
	assert_query(r, "responded_by", (long long)g1, NULL);
	{
		char	*d = tl_query(r, "SELECT detail FROM audit WHERE "
		    "action = 'guardian.request.close' ORDER BY seq DESC "
		    "LIMIT 1");
		char	*want;

		assert_non_null(d);
		xasprintf(&want, "guardian=%lld kind=correction "
		    "outcome=approved request=%lld", (long long)g1,
		    (long long)ch1);
		assert_string_equal(d, want);
		free(want);
		free(d);
	}
	/* The answer given is recorded afterwards, once. */
	assert_int_equal(store_guardian_close(r->st, g1, RESPONSE, &cause),
	    XJ_OK);
	assert_query(r, "outcome || ' ' || responded_by || ' ' || response",
	    (long long)g1,
	    "approved reception1 " RESPONSE);
	assert_int_equal(store_guardian_close(r->st, g1, RESPONSE, &cause),
	    XJ_EBUSY);
	free(cause);
	/* A closed request links to nothing more. */
	ch2 = file_change(r, f->number, "王小红");
	assert_int_equal(store_guardian_link(r->st, g1, ch2, &cause),
	    XJ_EBUSY);
	free(cause);

	/* A rejection closes it as rejected. */
	g2 = add(r, GUARDIAN_CORRECTION, f->number, 0, SUMMARY, XJ_OK);
	assert_int_equal(store_guardian_link(r->st, g2, ch2, &cause), XJ_OK);
	assert_int_equal(store_request_reject(sv->st, ch2, "证件不符",
	    &cause), XJ_OK);
	assert_query(r, "state || ' ' || outcome", (long long)g2,
	    "closed rejected");

	/*
	 * A withdrawal decides nothing: the guardian still waits.  It stays
	 * open, may be linked anew, and is closed by the next decision.
	 */
	g3 = add(r, GUARDIAN_CORRECTION, f->number, 0, SUMMARY, XJ_OK);
	ch3 = file_change(r, f->number, "王小虹");
	assert_int_equal(store_guardian_link(r->st, g3, ch3, &cause), XJ_OK);
	assert_int_equal(store_request_withdraw(r->st, ch3, &cause), XJ_OK);
	assert_query(r, "state", (long long)g3, "open");
	/* Linking to a decided request is refused. */
	assert_int_equal(store_guardian_link(r->st, g3, ch1, &cause),
	    XJ_EDATA);
	free(cause);
	ch4 = file_change(r, f->number, "王小虹");
	assert_int_equal(store_guardian_link(r->st, g3, ch4, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, ch4, &cause), XJ_OK);
	{
		char	*v, *want;

		v = query(r, "state || ' ' || outcome || ' ' || request",
		    (long long)g3);
		xasprintf(&want, "closed approved %lld", (long long)ch4);
		assert_string_equal(v, want);
		free(v);
		free(want);
	}

	/* A deletion is carried out by a destruction, not a change. */
	del = add(r, GUARDIAN_DELETION, f->other, 0, "删除", XJ_OK);
	assert_int_equal(store_guardian_link(r->st, del, other, &cause),
	    XJ_EDATA);
	free(cause);
	session_free(sv);
	session_free(r);
}

static void
test_deletion_wipes_and_closes(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	char		*cause = NULL, *v;
	int64_t		 del, comp, dr, oth;

	del = add(r, GUARDIAN_DELETION, f->number, 0, DEL_SUMMARY, XJ_OK);
	comp = add(r, GUARDIAN_COMPLAINT, f->number, 0, "投诉处理太慢",
	    XJ_OK);
	oth = add(r, GUARDIAN_COMPLAINT, f->other, 0, "李家的投诉", XJ_OK);
	assert_int_equal(store_guardian_close(r->st, comp, "已答复王家",
	    &cause), XJ_OK);
	assert_int_equal(store_destroy_request(r->st, f->number,
	    "guardian-request", &dr, &cause), XJ_OK);
	assert_int_equal(store_guardian_link(r->st, del, dr, &cause), XJ_OK);
	assert_int_equal(store_guardian_close(r->st, del, RESPONSE, &cause),
	    XJ_EBUSY);
	free(cause);
	assert_int_equal(store_request_approve(sv->st, dr, &cause), XJ_OK);

	/* Closed with the destruction; every free text of the child gone. */
	assert_query(r, "state || ' ' || outcome", (long long)del,
	    "closed approved");
	assert_query(r, "summary || '|' || response", (long long)del, "|");
	assert_query(r, "summary || '|' || response", (long long)comp, "|");
	/* The rows stay, as the record that the requests were dealt with. */
	v = tl_query(r, "SELECT count(*) FROM guardian_request");
	assert_string_equal(v, "3");
	free(v);
	/* Another child's request is untouched. */
	assert_query(r, "summary",
	    (long long)oth, "李家的投诉");
	/* The response can still be recorded, but its text is not kept. */
	assert_int_equal(store_guardian_close(r->st, del, RESPONSE, &cause),
	    XJ_OK);
	assert_query(r, "response || '|' || responded_by", (long long)del,
	    "|reception1");
	/* Nothing new for a destroyed child. */
	add(r, GUARDIAN_COMPLAINT, f->number, 0, "再投诉", XJ_ENOINPUT);
	session_free(sv);
	session_free(r);
}

/* The access file as text, or NULL with *rc on failure. */
static char *
access_file(struct session *s, const char *number, int *rc)
{
	FILE	*fp;
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	*rc = store_guardian_access_file(s->st, number, fp, &cause);
	fclose(fp);
	free(cause);
	if (*rc != XJ_OK) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
test_access_file(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor2");
	struct session	*au = tl_login(f->b, "auditor1");
	struct student	*st;
	char		*cause = NULL, *text, *v;
	int64_t		 ch, dr, acc;
	int		 rc;

	acc = add(r, GUARDIAN_ACCESS, f->number, 0, "想查看孩子的资料", XJ_OK);
	add(r, GUARDIAN_COMPLAINT, f->other, 0, "李家的投诉", XJ_OK);
	at("2026-01-11T10:00:00");
	ch = file_change(r, f->number, "王晓红");
	assert_int_equal(store_request_approve(sv->st, ch, &cause), XJ_OK);
	at("2026-01-12T11:00:00");
	assert_int_equal(store_student_get(sv->st, f->number, &st, &cause),
	    XJ_OK);
	student_free(st);
	/* Someone opens the other child too: that must not show. */
	assert_int_equal(store_student_get(r->st, f->other, &st, &cause),
	    XJ_OK);
	student_free(st);

	at("2026-01-13T09:00:00");
	/*
	 * Issue 16: the file holds what masking hides, so a receptionist
	 * (no student.phone, no student.sensitive) may not write it...
	 */
	assert_null(access_file(r, f->number, &rc));
	assert_int_equal(rc, XJ_EPERM);
	/* ...nor may a supervisor for a child without an open access
	 * request (李小明 has only a complaint). */
	assert_null(access_file(sv, f->other, &rc));
	assert_int_equal(rc, XJ_EPERM);
	v = tl_query(r, "SELECT count(*) FROM audit WHERE action = "
	    "'access.denied' AND detail LIKE '%what=guardian.access-file%'");
	assert_string_equal(v, "2");	/* phone, then the request */
	free(v);
	text = access_file(sv, f->number, &rc);
	assert_int_equal(rc, XJ_OK);
	/* The data as held now and as they were, with the why. */
	assert_non_null(strstr(text, f->number));
	assert_non_null(strstr(text, "王晓红"));
	assert_non_null(strstr(text, "王小红"));
	assert_non_null(strstr(text, "王建国"));
	assert_non_null(strstr(text, "身份证核对后更正"));
	assert_non_null(strstr(text, "2016-04"));
	/* Unmasked, as the guardian is entitled to see it. */
	assert_non_null(strstr(text, "13812340000"));
	/* Consent, status, the guardian's own requests. */
	assert_non_null(strstr(text, "in-person"));
	assert_non_null(strstr(text, "想查看孩子的资料"));
	/* Who looked, when. */
	assert_non_null(strstr(text, "supervisor2\tstudent.view"));
	assert_non_null(strstr(text, "2026-01-12"));
	/* Nothing of the other child. */
	assert_null(strstr(text, f->other));
	assert_null(strstr(text, "李小明"));
	assert_null(strstr(text, "李大伟"));
	assert_null(strstr(text, "13987650000"));
	assert_null(strstr(text, "李家的投诉"));
	free(text);
	/* Logged, with the fields, the access request it answers and
	 * without their values. */
	v = tl_query(r, "SELECT operator || ' ' || target || ' ' || fields "
	    "|| ' ' || detail FROM audit WHERE action = "
	    "'guardian.access-file'");
	assert_non_null(v);
	assert_non_null(strstr(v, "supervisor2"));
	assert_non_null(strstr(v, f->number));
	assert_non_null(strstr(v, "name"));
	text = NULL;
	xasprintf(&text, " guardian=%lld ", (long long)acc);
	assert_non_null(strstr(v, text));
	free(text);
	assert_null(strstr(v, "王"));
	free(v);
	/* Once the request is answered and closed, no more files. */
	assert_int_equal(store_guardian_close(r->st, acc, "已寄出", &cause),
	    XJ_OK);
	assert_null(access_file(sv, f->number, &rc));
	assert_int_equal(rc, XJ_EPERM);
	add(r, GUARDIAN_ACCESS, f->number, 0, "再次查阅", XJ_OK);

	/* Permissions: student.view and request.manage. */
	assert_null(access_file(au, f->number, &rc));
	assert_int_equal(rc, XJ_EPERM);
	assert_null(access_file(sv, "SH01-2026-99999", &rc));
	assert_int_equal(rc, XJ_ENOINPUT);
	/* Restricted while its destruction is pending. */
	assert_int_equal(store_destroy_request(r->st, f->number,
	    "guardian-request", &dr, &cause), XJ_OK);
	assert_null(access_file(sv, f->number, &rc));
	assert_int_equal(rc, XJ_EDATA);
	free(cause);
	session_free(au);
	session_free(sv);
	session_free(r);
}

static void
test_permissions(void **state)
{
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*au = tl_login(f->b, "auditor1");
	struct guardian_request	*g;
	char			*cause = NULL, *v;
	int64_t			 id;
	long			 n;

	id = add(r, GUARDIAN_COMPLAINT, f->number, tl_utc(2025, 12, 1, 0),
	    "投诉", XJ_OK);
	add(au, GUARDIAN_COMPLAINT, f->number, 0, "投诉", XJ_EPERM);
	assert_int_equal(store_guardian_link(au->st, id, 1, &cause), XJ_EPERM);
	free(cause);
	assert_int_equal(store_guardian_close(au->st, id, "x", &cause),
	    XJ_EPERM);
	free(cause);
	assert_int_equal(store_guardian_get(au->st, id, &g, &cause), XJ_EPERM);
	free(cause);
	v = xstrdup("");
	assert_int_equal(store_guardian_list(au->st, GUARDIAN_ALL, xj_now(),
	    collect, &v, NULL, &cause), XJ_EPERM);
	free(cause);
	free(v);
	/* Each refusal is logged. */
	v = tl_query(r, "SELECT count(*) FROM audit WHERE action = "
	    "'access.denied' AND operator = 'auditor1' AND detail LIKE "
	    "'perm=request.manage%'");
	assert_string_equal(v, "5");
	free(v);
	/* The overdue count is for reports too: no personal data in it. */
	assert_int_equal(store_guardian_overdue(au->st, xj_now(), &n), XJ_OK);
	assert_int_equal(n, 1);
	session_free(au);
	session_free(r);
}

static void
test_audit_holds_no_free_text(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	struct guardian_request	*g;
	char		*cause = NULL, *v;
	int64_t		 a, c, ch;
	int		 rc;

	a = add(r, GUARDIAN_CORRECTION, f->number, 0, SUMMARY, XJ_OK);
	ch = file_change(r, f->number, "王晓红");
	assert_int_equal(store_guardian_link(r->st, a, ch, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, ch, &cause), XJ_OK);
	assert_int_equal(store_guardian_close(r->st, a, RESPONSE, &cause),
	    XJ_OK);
	c = add(r, GUARDIAN_ACCESS, f->number, 0, "查阅请求的内容", XJ_OK);
	assert_int_equal(store_guardian_get(r->st, c, &g, &cause), XJ_OK);
	guardian_request_free(g);
	free(access_file(sv, f->number, &rc));
	assert_int_equal(rc, XJ_OK);
	assert_int_equal(store_guardian_close(r->st, c, "已寄出查阅文件",
	    &cause), XJ_OK);

	v = tl_query(r, "SELECT count(*) FROM audit WHERE action LIKE "
	    "'guardian.%'");
	assert_int_equal(atoi(v), 8);	/* add 2, link, close 3, view, file */
	free(v);
	v = tl_query(r, "SELECT count(*) FROM audit WHERE "
	    "instr(target || fields || detail, '家长') OR "
	    "instr(target || fields || detail, '告知') OR "
	    "instr(target || fields || detail, '查阅') OR "
	    "instr(target || fields || detail, '寄出')");
	assert_string_equal(v, "0");
	free(v);
	v = tl_query(r, "SELECT group_concat(detail, ';') FROM audit WHERE "
	    "action = 'guardian.request.add'");
	assert_non_null(strstr(v, "kind=correction channel=phone"));
	assert_non_null(strstr(v, "kind=access channel=phone"));
	free(v);
	session_free(sv);
	session_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_list_overdue, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_due_days_configurable,
		    setup_three_days, teardown),
		cmocka_unit_test_setup_teardown(
		    test_correction_closes_with_decision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deletion_wipes_and_closes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_holds_no_free_text,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
