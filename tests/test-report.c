/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Reports (issue 6): a branch lived through a year and a month with an
 * injected clock (XUEJI_NOW, in UTC; TZ is UTC too), then every number
 * of every report is checked, in the structs and in the CSV lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "xueji/guardian.h"
#include "xueji/report.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

/* The shipped four fields; later a required one is added. */
static const char form_v1[] =
    "form: enrollment\n"
    "title: {zh: 入学登记, en: Enrolment}\n"
    "fields:\n"
    "  - {key: name, type: name, required: true, width: 20,\n"
    "     label: {zh: 姓名, en: Name}, purpose: {zh: 识别, en: Who}}\n"
    "  - {key: birth_month, type: year_month, required: true,\n"
    "     width: 8, label: {zh: 出生年月, en: Born},\n"
    "     purpose: {zh: 分班, en: Class}}\n"
    "  - {key: guardian_name, type: name, required: true, width: 20,\n"
    "     label: {zh: 家长, en: Guardian}, purpose: {zh: 联系, en: C}}\n"
    "  - {key: guardian_phone, type: phone, required: true,\n"
    "     width: 14, label: {zh: 电话, en: Phone},\n"
    "     purpose: {zh: 联系, en: Contact}}\n"
    "%s"
    "consent:\n"
    "  - {value: in-person, label: {zh: 当面, en: In person}}\n";
static const char school_field[] =
    "  - {key: school, type: text, required: true, width: 20,\n"
    "     label: {zh: 学校, en: School}, purpose: {zh: 接送, en: Pickup}}\n";

struct fixture {
	char			*forms;
	struct tl_branch	*b;
};

static void
at(const char *when)
{
	setenv("XUEJI_NOW", when, 1);
}

static void
write_form(const char *dir, const char *extra)
{
	char	*text;

	xasprintf(&text, form_v1, extra);
	free(tl_write(dir, "enrollment.yaml", text, 0644));
	free(text);
}

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);

	setenv("TZ", "UTC0", 1);
	tzset();
	at("2025-01-02T09:00:00");
	f->forms = tl_tmpdir();
	write_form(f->forms, "");
	f->b = tl_branch_forms(f->forms, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	tl_check_db(f->b);
	tl_branch_free(f->b);
	tl_rmtree(f->forms);
	free(f->forms);
	free(f);
	unsetenv("XUEJI_NOW");
	return 0;
}

static time_t
iso(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		fail_msg("bad time %s", s);
	return timegm(&tm);
}

static int64_t
change(struct session *s, const char *number, const char *key,
    const char *value)
{
	const struct field_input in[] = { { key, value } };
	char			*cause = NULL;
	int64_t			 id;

	if (store_change_request(s->st, number, in, 1, "家长来电", "", &id,
	    &cause) != XJ_OK)
		fail_msg("change %s: %s", number, cause);
	return id;
}

/* Fail the test with the message unless rc is XJ_OK. */
static void
ok(int rc, char **cause)
{
	if (rc != XJ_OK)
		fail_msg("%s", *cause != NULL ? *cause : "?");
	free(*cause);
	*cause = NULL;
}

/* The CSV lines of a report, one string, each line ending in "\n". */
static char *
csv(const struct report *r)
{
	char	**lines, *out = xstrdup(""), *t;
	size_t	  n, i;

	lines = report_lines(r, REPORT_CSV, &n);
	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s\n", out, lines[i]);
		free(out);
		out = t;
	}
	report_lines_free(lines, n);
	return out;
}

static struct report *
report(struct session *s, enum report_kind k)
{
	struct report	*r;
	char		*cause = NULL;

	ok(store_report(s->st, k, xj_now(), &r, &cause), &cause);
	assert_int_equal(r->kind, k);
	return r;
}

static void
test_reports(void **state)
{
	struct fixture	*f = *state;
	struct session	*r, *r2, *sv, *sv2, *au;
	struct report	*rp;
	const struct field_input h_in[] = {
		{ "name", "郑小八" }, { "birth_month", "2017-03" },
		{ "guardian_name", "郑父" }, { "guardian_phone", "13700000008" },
		{ "school", "徐汇一小" },
	};
	struct enrolment en = { h_in, nitems(h_in), "in-person", 0 };
	char		*A, *B, *C, *D, *E, *F, *G, *H, *dup, *cause = NULL;
	char		*s, **lines;
	size_t		 n;
	int64_t		 id, ig;

	/* 2025-01-02: seven children enrolled, three leave at once. */
	r = tl_login(f->b, "reception1");
	r2 = tl_login(f->b, "reception2");
	sv = tl_login(f->b, "supervisor1");
	sv2 = tl_login(f->b, "supervisor2");
	A = tl_enrol(r, "孙一", "2016-01", "孙父", "13700000001", NULL);
	B = tl_enrol(r, "孙二", "2016-02", "孙母", "13700000002", NULL);
	C = tl_enrol(r, "孙三", "2016-03", "孙姑", "13700000003", NULL);
	D = tl_enrol(r, "孙四", "2016-04", "孙叔", "13700000004", NULL);
	E = tl_enrol(r, "孙五", "2016-05", "孙舅", "13700000005", NULL);
	F = tl_enrol(r, "孙六", "2016-06", "孙婶", "13700000006", NULL);
	G = tl_enrol(r, "孙七", "2016-07", "孙伯", "13700000007", NULL);
	assert_string_equal(A, "SH01-2025-00001");
	assert_string_equal(G, "SH01-2025-00007");
	ok(store_status_set(sv->st, B, STATUS_WITHDRAWN, "搬家", &cause), &cause);
	ok(store_status_set(sv->st, C, STATUS_WITHDRAWN, "转学", &cause), &cause);
	ok(store_status_set(sv->st, D, STATUS_COMPLETED, "结业", &cause), &cause);

	/* 2025-06-01: decided requests are not pending. */
	at("2025-06-01T09:00:00");
	id = change(r, G, "guardian_phone", "13700000077");
	ok(store_request_approve(sv->st, id, &cause), &cause);
	id = change(r, G, "guardian_phone", "13700000078");
	ok(store_request_reject(sv->st, id, "无凭证", &cause), &cause);
	session_free(sv2);
	session_free(sv);
	session_free(r2);
	session_free(r);

	/* 2026-01-20: the form gains a required field; only H has it. */
	at("2026-01-20T09:00:00");
	write_form(f->forms, school_field);
	r = tl_login(f->b, "reception1");
	r2 = tl_login(f->b, "reception2");
	sv = tl_login(f->b, "supervisor1");
	sv2 = tl_login(f->b, "supervisor2");
	ok(store_student_add(r->st, &en, &H, &dup, &cause), &cause);
	assert_string_equal(H, "SH01-2026-00001");

	/* Two destructions: 1 day and 3.5 days from request to execution. */
	at("2026-02-01T09:00:00");
	ok(store_destroy_request(r->st, B, "retention-ended", &id, &cause),
	    &cause);
	ok(store_status_request(r->st, D, STATUS_ACTIVE, "复学", &ig, &cause),
	    &cause);
	at("2026-02-02T09:00:00");
	ok(store_destroy_request(r->st, E, "guardian-request", &ig, &cause),
	    &cause);
	at("2026-02-03T09:00:00");
	ok(store_request_approve(sv2->st, ig, &cause), &cause);
	at("2026-02-04T21:00:00");
	ok(store_request_approve(sv->st, id, &cause), &cause);
	/* C is past retention; a rejected request leaves it due. */
	at("2026-02-05T09:00:00");
	ok(store_destroy_request(r2->st, C, "retention-ended", &id, &cause),
	    &cause);
	ok(store_request_reject(sv2->st, id, "家长要求保留证明", &cause), &cause);
	change(r, G, "guardian_phone", "13700000079");		/* 5 days */
	at("2026-02-08T09:00:00");
	change(r, F, "guardian_phone", "13700000066");		/* 48 h */
	at("2026-02-08T09:00:01");
	change(r, H, "guardian_phone", "13700000088");		/* 47:59:59 */
	at("2026-02-09T21:00:00");
	ok(store_destroy_request(r2->st, F, "guardian-request", &id, &cause),
	    &cause);						/* 12 h */
	at("2026-02-10T03:00:00");
	change(r, A, "guardian_phone", "13700000011");		/* 6 h */
	at("2026-02-10T08:00:00");
	ok(store_review(sv->st, A, NULL, &cause), &cause);
	at("2026-02-10T09:00:00");

	/* Receptionists may not see reports; the refusal is logged. */
	assert_int_equal(store_report(r->st, REPORT_STATUS, xj_now(), &rp,
	    &cause), XJ_EPERM);
	assert_null(rp);
	free(cause);
	cause = NULL;
	s = tl_query(r, "SELECT detail FROM audit WHERE action = "
	    "'access.denied' ORDER BY seq DESC LIMIT 1");
	assert_string_equal(s, "perm=report.view what=report.view");
	free(s);

	/* Status: A F G H active, D completed, C withdrawn, B E gone. */
	au = tl_login(f->b, "auditor1");
	rp = report(au, REPORT_STATUS);
	assert_int_equal(rp->status.count[STATUS_ACTIVE], 4);
	assert_int_equal(rp->status.count[STATUS_COMPLETED], 1);
	assert_int_equal(rp->status.count[STATUS_WITHDRAWN], 1);
	assert_int_equal(rp->status.count[STATUS_DESTROYED], 2);
	assert_int_equal(rp->status.frozen, 1);
	s = csv(rp);
	assert_string_equal(s,
	    "status,active,4\n"
	    "status,completed,1\n"
	    "status,withdrawn,1\n"
	    "status,destroyed,2\n"
	    "status,frozen,1\n");
	free(s);
	lines = report_lines(rp, REPORT_TEXT, &n);
	assert_int_equal(n, 6);
	assert_string_equal(lines[0], "Students by status (2026-02-10 09:00)");
	assert_string_equal(lines[1], "  active                        4");
	assert_string_equal(lines[5], "  frozen (destruction pending)  1");
	report_lines_free(lines, n);
	report_free(rp);

	/* Completeness: six live, only H has the new required field. */
	rp = report(sv, REPORT_COMPLETENESS);
	assert_int_equal(rp->completeness.live, 6);
	assert_int_equal(rp->completeness.complete, 1);
	assert_int_equal(rp->completeness.nfields, 5);
	assert_string_equal(rp->completeness.fields[0].key, "name");
	assert_int_equal(rp->completeness.fields[0].missing, 0);
	assert_int_equal(rp->completeness.fields[3].missing, 0);
	assert_string_equal(rp->completeness.fields[4].key, "school");
	/* People read the form's label, machines the key. */
	assert_string_equal(rp->completeness.fields[4].label, "School");
	assert_int_equal(rp->completeness.fields[4].missing, 5);
	s = csv(rp);
	assert_string_equal(s,
	    "completeness,live,6\n"
	    "completeness,complete,1\n"
	    "completeness,incomplete,5\n"
	    "completeness,complete_percent,16.7\n"
	    "completeness,missing.name,0\n"
	    "completeness,missing.birth_month,0\n"
	    "completeness,missing.guardian_name,0\n"
	    "completeness,missing.guardian_phone,0\n"
	    "completeness,missing.school,5\n");
	free(s);
	report_free(rp);

	/* Pending, by kind and age; 48 h is overdue, 47:59:59 is not. */
	rp = report(au, REPORT_PENDING);
	assert_int_equal(rp->pending.total, 6);
	assert_int_equal(rp->pending.by_age[REQ_CHANGE][AGE_UNDER_1D], 1);
	assert_int_equal(rp->pending.by_age[REQ_CHANGE][AGE_1D_3D], 2);
	assert_int_equal(rp->pending.by_age[REQ_CHANGE][AGE_3D_7D], 1);
	assert_int_equal(rp->pending.by_age[REQ_CHANGE][AGE_7D_PLUS], 0);
	assert_int_equal(rp->pending.overdue[REQ_CHANGE], 2);
	assert_int_equal(rp->pending.by_age[REQ_STATUS][AGE_7D_PLUS], 1);
	assert_int_equal(rp->pending.overdue[REQ_STATUS], 1);
	assert_int_equal(rp->pending.by_age[REQ_DESTROY][AGE_UNDER_1D], 1);
	assert_int_equal(rp->pending.overdue[REQ_DESTROY], 0);
	assert_int_equal(rp->pending.oldest, iso("2026-02-01T09:00:00"));
	s = csv(rp);
	assert_string_equal(s,
	    "pending,total,6\n"
	    "pending,change.under_1d,1\n"
	    "pending,change.1d_3d,2\n"
	    "pending,change.3d_7d,1\n"
	    "pending,change.7d_plus,0\n"
	    "pending,change.overdue,2\n"
	    "pending,status.under_1d,0\n"
	    "pending,status.1d_3d,0\n"
	    "pending,status.3d_7d,0\n"
	    "pending,status.7d_plus,1\n"
	    "pending,status.overdue,1\n"
	    "pending,destroy.under_1d,1\n"
	    "pending,destroy.1d_3d,0\n"
	    "pending,destroy.3d_7d,0\n"
	    "pending,destroy.7d_plus,0\n"
	    "pending,destroy.overdue,0\n"
	    "pending,oldest,2026-02-01T09:00:00Z\n"
	    "pending,guardian.open,0\n"
	    "pending,guardian.overdue,0\n");
	free(s);
	report_free(rp);

	/* Reviews: C D F G overdue since enrolment + 3 months; A was just
	 * reviewed, H enrolled this year. */
	rp = report(au, REPORT_REVIEWS);
	assert_int_equal(rp->reviews.overdue, 4);
	assert_int_equal(rp->reviews.oldest, iso("2025-04-02T09:00:00"));
	s = csv(rp);
	assert_string_equal(s,
	    "reviews,overdue,4\n"
	    "reviews,oldest,2025-04-02T09:00:00Z\n");
	free(s);
	report_free(rp);

	/* Destruction: E took 1 day, B 3.5; C is due and not requested. */
	rp = report(au, REPORT_DESTRUCTION);
	assert_int_equal(rp->destruction.n, 2);
	assert_string_equal(rp->destruction.items[0].number, E);
	assert_string_equal(rp->destruction.items[0].reason,
	    "guardian-request");
	assert_true(rp->destruction.items[0].days == 1.0);
	assert_string_equal(rp->destruction.items[1].number, B);
	assert_int_equal(rp->destruction.items[1].requested_at,
	    iso("2026-02-01T09:00:00"));
	assert_int_equal(rp->destruction.items[1].executed_at,
	    iso("2026-02-04T21:00:00"));
	assert_true(rp->destruction.items[1].days == 3.5);
	assert_true(rp->destruction.median_days == 2.25);
	assert_true(rp->destruction.max_days == 3.5);
	assert_int_equal(rp->destruction.due_unrequested, 1);
	assert_int_equal(rp->destruction.oldest_due,
	    iso("2026-01-02T09:00:00"));
	s = csv(rp);
	assert_string_equal(s,
	    "destruction,executed,2\n"
	    "destruction,median_days,2.25\n"
	    "destruction,max_days,3.50\n"
	    "destruction,due_unrequested,1\n"
	    "destruction,oldest_due,2026-01-02T09:00:00Z\n"
	    "destruction,days.SH01-2025-00005,1.00\n"
	    "destruction,days.SH01-2025-00002,3.50\n");
	free(s);
	report_free(rp);

	/* One report.view entry per report, naming it; nothing personal. */
	s = tl_query(au, "SELECT group_concat(operator || ':' || detail, ' ') "
	    "FROM (SELECT * FROM audit WHERE action = 'report.view' ORDER BY "
	    "seq)");
	assert_string_equal(s, "auditor1:report=status "
	    "supervisor1:report=completeness auditor1:report=pending "
	    "auditor1:report=reviews auditor1:report=destruction");
	free(s);
	assert_int_equal(report_parse("reviews"), REPORT_REVIEWS);
	assert_int_equal(report_parse("nope"), -1);

	session_free(au);
	session_free(sv2);
	session_free(sv);
	session_free(r2);
	session_free(r);
	free(A);
	free(B);
	free(C);
	free(D);
	free(E);
	free(F);
	free(G);
	free(H);
}

/* The reports' stamp now, as the supervisor's terminal reads it. */
static int64_t
stamp_of(struct session *s)
{
	int64_t	 v;
	char	*cause = NULL;

	ok(store_report_stamp(s->st, &v, &cause), &cause);
	return v;
}

/*
 * What an open reports screen asks after every commit elsewhere: every
 * change that a report counts moves the stamp, reads do not.  Two
 * reviews in the same second each move it (the newest review date alone
 * would not), as does a decision on a request filed earlier.
 */
static void
test_stamp(void **state)
{
	struct fixture	*f = *state;
	struct session	*r, *sv;
	struct student	**found;
	struct report	*rp;
	char		*A, *B, *cause = NULL;
	int64_t		 was, id, gid;
	size_t		 n;

	r = tl_login(f->b, "reception1");
	sv = tl_login(f->b, "supervisor1");
	was = stamp_of(sv);
#define MOVED() do {							\
	int64_t now_ = stamp_of(sv);					\
	assert_true(now_ != was);					\
	was = now_;							\
} while (0)
#define STILL() assert_true(stamp_of(sv) == was)

	A = tl_enrol(r, "钱一", "2016-01", "钱父", "13600000001", NULL);
	MOVED();
	B = tl_enrol(r, "钱二", "2016-02", "钱母", "13600000002", NULL);
	MOVED();
	/* Reads: a search, a record, a report. */
	ok(store_student_find(r->st, "钱", 20, NULL, &found, &n, &cause),
	    &cause);
	students_free(found, n);
	rp = report(sv, REPORT_STATUS);
	report_free(rp);
	STILL();
	ok(store_review(sv->st, A, NULL, &cause), &cause);
	MOVED();
	ok(store_review(sv->st, B, NULL, &cause), &cause);
	MOVED();
	id = change(r, A, "guardian_phone", "13600000011");
	MOVED();
	ok(store_request_approve(sv->st, id, &cause), &cause);
	MOVED();
	ok(store_status_set(sv->st, B, STATUS_COMPLETED, "结业", &cause),
	    &cause);
	MOVED();
	ok(store_guardian_add(r->st, GUARDIAN_ACCESS, A, xj_now(), "phone",
	    "查询", &gid, &cause), &cause);
	MOVED();
	ok(store_guardian_close(sv->st, gid, "已答复", &cause), &cause);
	MOVED();
	ok(store_destroy_request(r->st, B, "guardian-request", &id, &cause),
	    &cause);
	MOVED();
	STILL();
#undef MOVED
#undef STILL
	free(A);
	free(B);
	session_free(r);
	session_free(sv);
}

/*
 * The records past retention, near its end: 31 January and a month is 3
 * March by the calendar's carry, so the ends are not in the order of
 * status_at, and the report counts most of them by the index and only
 * those near the boundary one by one (report.c, due_unrequested).  Here
 * every record's end is worked out on its own, at several days of the
 * month, in Shanghai time, against what the report says.
 */
static void
test_retention_boundary(void **state)
{
	struct fixture	*f = *state;
	struct tl_branch *b;
	struct session	*r, *sv;
	struct report	*rp;
	static const char *const nows[] = { "2026-03-01T00:00:00",
	    "2026-03-03T15:59:59", "2026-03-03T16:00:00",
	    "2026-03-30T17:00:00", "2026-03-31T23:00:00",
	    "2026-05-01T03:00:00" };
	enum { N = 150 };
	char		*number[N], sql[256], name[32], phone[16];
	char		*cause = NULL;
	time_t		 status_at[N], now, until, oldest;
	struct tm	 tm;
	long		 months, due;
	int64_t		 id;
	int		 i, k, pending[N] = { 0 };

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	/* Thirteen months: a year would keep the day of the month. */
	b = tl_branch_forms(f->forms, "retention:\n  completed_months: 13\n");
	r = tl_login(b, "reception1");
	for (i = 0; i < N; i++) {
		/* Two syllables of ten and fifteen: a hundred fifty names. */
		snprintf(name, sizeof name, "王%.3s%.3s",
		    "一二三四五六七八九十" + 3 * (i % 10),
		    "春夏秋冬东南西北山川河海林木石" + 3 * (i / 10));
		snprintf(phone, sizeof phone, "139%08d", 12340000 + i);
		number[i] = tl_enrol(r, name, "2015-03", "王大明", phone,
		    NULL);
		if (number[i] == NULL)
			fail_msg("enrolling %s", name);
	}
	sv = tl_login(b, "supervisor1");
	months = sv->cfg->keep_completed_months;
	assert_int_equal(months, 13);
	/* Daily from December, across the ends of five months. */
	for (i = 0; i < N; i++) {
		status_at[i] = iso("2024-11-30T16:00:00") + (time_t)i * 86400 +
		    (i % 3) * 3600;
		snprintf(sql, sizeof sql, "UPDATE student SET status = "
		    "'completed', status_at = %lld WHERE number = '%s'",
		    (long long)status_at[i], number[i]);
		assert_int_equal(sqlite3_exec(store_db(sv->st), sql, NULL,
		    NULL, NULL), SQLITE_OK);
	}
	/* Every seventh has a destruction pending: not counted. */
	for (i = 0; i < N; i += 7) {
		ok(store_destroy_request(r->st, number[i], "guardian-request",
		    &id, &cause), &cause);
		pending[i] = 1;
	}
	for (k = 0; k < (int)nitems(nows); k++) {
		at(nows[k]);
		now = xj_now();
		due = 0;
		oldest = 0;
		for (i = 0; i < N; i++) {
			localtime_r(&status_at[i], &tm);
			tm.tm_mon += (int)(months % 12);
			tm.tm_year += (int)(months / 12);
			tm.tm_isdst = -1;
			until = mktime(&tm);
			if (pending[i] || until > now)
				continue;
			due++;
			if (oldest == 0 || until < oldest)
				oldest = until;
		}
		rp = report(sv, REPORT_DESTRUCTION);
		if (rp->destruction.due_unrequested != due ||
		    rp->destruction.oldest_due != oldest)
			fail_msg("at %s: %ld due, oldest %lld; the report says "
			    "%ld, %lld", nows[k], due, (long long)oldest,
			    rp->destruction.due_unrequested,
			    (long long)rp->destruction.oldest_due);
		report_free(rp);
	}
	for (i = 0; i < N; i++)
		free(number[i]);
	session_free(r);
	session_free(sv);
	tl_check_db(b);
	tl_branch_free(b);
	setenv("TZ", "UTC0", 1);
	tzset();
}

/* An empty branch: zeros, no division by zero, "-" for no date. */
static void
test_empty_branch(void **state)
{
	struct fixture	*f = *state;
	struct session	*sv;
	struct report	*rp;
	char		*s, **lines;
	size_t		 n;

	sv = tl_login(f->b, "supervisor1");
	rp = report(sv, REPORT_COMPLETENESS);
	s = csv(rp);
	assert_string_equal(s,
	    "completeness,live,0\n"
	    "completeness,complete,0\n"
	    "completeness,incomplete,0\n"
	    "completeness,complete_percent,100.0\n"
	    "completeness,missing.name,0\n"
	    "completeness,missing.birth_month,0\n"
	    "completeness,missing.guardian_name,0\n"
	    "completeness,missing.guardian_phone,0\n");
	free(s);
	report_free(rp);
	rp = report(sv, REPORT_DESTRUCTION);
	assert_int_equal(rp->destruction.n, 0);
	assert_true(rp->destruction.median_days == 0);
	assert_int_equal(rp->destruction.oldest_due, 0);
	lines = report_lines(rp, REPORT_TEXT, &n);
	assert_int_equal(n, 6);
	assert_non_null(strstr(lines[5], "  -"));
	report_lines_free(lines, n);
	report_free(rp);
	assert_string_equal(report_csv_header, "report,metric,value");
	session_free(sv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_branch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retention_boundary, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stamp, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
