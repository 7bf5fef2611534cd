/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Access analysis (issue 6).  The audit entries are made by really doing
 * things at injected times (XUEJI_NOW is UTC; the branch is in China,
 * TZ=CST-8): a supervisor opening 31 records in five minutes, failed
 * logins, a look at a record at 23:30, the uncovering of a sensitive
 * field.  The findings are checked exactly, and a quiet day has none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/report.h"
#include "lib/testlib.h"
#include "lib/branch.h"

struct fixture {
	char			*forms;
	struct tl_branch	*b;
};

static void
at(const char *when)
{
	setenv("XUEJI_NOW", when, 1);
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

static struct fixture *
branch(const char *extra_config)
{
	struct fixture	*f = xcalloc(1, sizeof *f);

	setenv("TZ", "CST-8", 1);
	tzset();
	at("2026-03-02T01:00:00");		/* 09:00 in Shanghai */
	f->forms = tl_forms_dir(tl_form_allergies);
	f->b = tl_branch_forms(f->forms, extra_config);
	return f;
}

static int
setup(void **state)
{
	*state = branch(NULL);
	return 0;
}

static int
setup_tight(void **state)
{
	*state = branch("analysis:\n"
	    "  burst_count: 2\n"
	    "  burst_minutes: 1\n"
	    "  working_hours: \"09:00-17:00\"\n"
	    "  failed_logins: 2\n"
	    "  failed_minutes: 1\n");
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

/* Fail the test with the message unless rc is XJ_OK. */
static void
ok(int rc, char **cause)
{
	if (rc != XJ_OK)
		fail_msg("%s", *cause != NULL ? *cause : "?");
	free(*cause);
	*cause = NULL;
}

static char *
enrol(struct session *s, const char *name, const char *phone,
    const char *allergies)
{
	const struct field_input in[] = {
		{ "name", name }, { "birth_month", "2016-05" },
		{ "guardian_name", "林大山" }, { "guardian_phone", phone },
		{ "allergies", allergies },
	};
	struct enrolment	 en = { in, nitems(in), "in-person", 0 };
	char			*n, *dup, *cause = NULL;

	ok(store_student_add(s->st, &en, &n, &dup, &cause), &cause);
	return n;
}

static void
view(struct session *s, const char *number)
{
	struct student	*st;
	char		*cause = NULL;

	ok(store_student_get(s->st, number, &st, &cause), &cause);
	student_free(st);
}

/* Open numbers[i % n] count times, step seconds apart from start. */
static void
views(struct session *s, char **numbers, size_t n, time_t start, int step,
    int count)
{
	char	when[32];
	int	i;

	for (i = 0; i < count; i++) {
		snprintf(when, sizeof when, "%lld",
		    (long long)(start + (time_t)i * step));
		at(when);
		view(s, numbers[(size_t)i % n]);
	}
}

static void
find(struct session *s, const char *text)
{
	struct student	**v;
	size_t		  n;
	char		 *cause = NULL;

	ok(store_student_find(s->st, text, 10, NULL, &v, &n, &cause), &cause);
	students_free(v, n);
}

/* A wrong passphrase for id, recorded beside the database. */
static void
fail_login(const struct tl_branch *b, const char *id)
{
	struct session	*s;
	char		*cause = NULL;

	ok(session_load(b->config, NULL, &s, &cause), &cause);
	assert_int_equal(session_login(s, id, "wrong", 5, &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	session_free(s);
}

static void
assert_finding(const struct finding *f, enum finding_kind kind,
    const char *op, const char *from, const char *to, long count,
    int64_t first, int64_t last)
{
	assert_int_equal(f->kind, kind);
	assert_string_equal(f->operator, op);
	assert_int_equal(f->from, iso(from));
	assert_int_equal(f->to, iso(to));
	assert_int_equal(f->count, count);
	assert_int_equal(f->first_seq, first);
	assert_int_equal(f->last_seq, last);
}

static int64_t
seq_of(struct session *s, const char *sql)
{
	char	*v = tl_query(s, sql);
	int64_t	 n;

	if (v == NULL)
		fail_msg("no row: %s", sql);
	n = strtoll(v, NULL, 10);
	free(v);
	return n;
}

static void
test_findings(void **state)
{
	struct fixture	*f = *state;
	struct session	*r, *r2, *sv, *au;
	struct finding	*v;
	char		*num[3], *cause = NULL, *s;
	size_t		 n;
	int64_t		 h;

	/* Monday 2 March, 09:00-17:00 local: an ordinary day. */
	r = tl_login(f->b, "reception1");
	sv = tl_login(f->b, "supervisor1");
	num[0] = enrol(r, "林小雨", "13611112221", "花生");
	num[1] = enrol(r, "林小雪", "13611112222", "");
	num[2] = enrol(r, "林小雷", "13611112223", "");
	at("2026-03-02T02:00:00");
	view(sv, num[0]);
	view(sv, num[1]);
	at("2026-03-02T03:00:00");
	find(r, "林");

	/* The auditor finds nothing on that day. */
	at("2026-03-02T09:30:00");			/* 17:30 */
	au = tl_login(f->b, "auditor1");
	ok(store_analysis(au->st, iso("2026-03-01T16:00:00"),
	    iso("2026-03-02T16:00:00"), &v, &n, &cause), &cause);
	assert_int_equal(n, 0);
	findings_free(v, n);
	s = tl_query(au, "SELECT operator || ' ' || detail FROM audit WHERE "
	    "action = 'audit.analysis'");
	assert_string_equal(s, "auditor1 since=2026-03-01T16:00:00Z "
	    "until=2026-03-02T16:00:00Z findings=0");
	free(s);

	/* Only audit.view may: receptionists and supervisors are refused. */
	assert_int_equal(store_analysis(r->st, 0, 0, &v, &n, &cause),
	    XJ_EPERM);
	assert_null(v);
	assert_int_equal(n, 0);
	free(cause);
	cause = NULL;
	assert_int_equal(store_analysis(sv->st, 0, 0, &v, &n, &cause),
	    XJ_EPERM);
	free(cause);
	cause = NULL;
	s = tl_query(au, "SELECT group_concat(operator || ' ' || detail, '; ') "
	    "FROM audit WHERE action = 'access.denied'");
	assert_string_equal(s, "reception1 perm=audit.view "
	    "what=audit.analysis; supervisor1 perm=audit.view "
	    "what=audit.analysis");
	free(s);

	/* Tuesday 10:00: supervisor1 opens 31 records in five minutes. */
	h = store_audit_head(sv->st);
	views(sv, num, 3, iso("2026-03-03T02:00:00"), 10, 31);
	/* 11:00: reception1 opens 31, but never more than 30 in 10 min. */
	views(r, num, 3, iso("2026-03-03T03:00:00"), 20, 31);

	/* 13:00: five wrong passphrases for reception2, four for
	 * supervisor2; the next login moves them into the log. */
	at("2026-03-03T05:00:00");
	fail_login(f->b, "reception2");
	at("2026-03-03T05:01:00");
	fail_login(f->b, "reception2");
	at("2026-03-03T05:02:00");
	fail_login(f->b, "reception2");
	at("2026-03-03T05:03:00");
	fail_login(f->b, "reception2");
	at("2026-03-03T05:04:00");
	fail_login(f->b, "reception2");
	at("2026-03-03T05:05:00");
	fail_login(f->b, "supervisor2");
	at("2026-03-03T05:06:00");
	fail_login(f->b, "supervisor2");
	at("2026-03-03T05:07:00");
	fail_login(f->b, "supervisor2");
	at("2026-03-03T05:08:00");
	fail_login(f->b, "supervisor2");
	at("2026-03-03T05:10:00");
	r2 = tl_login(f->b, "reception2");

	/* 14:00: the allergies uncovered. */
	at("2026-03-03T06:00:00");
	ok(store_student_reveal(sv->st, num[0], "allergies", &cause), &cause);

	/* 23:30 and 00:10: one late evening. */
	at("2026-03-03T15:30:00");
	view(r, num[1]);
	at("2026-03-03T16:10:00");
	find(r, "林");

	/* Wednesday 09:00: the auditor looks at Tuesday and its night. */
	at("2026-03-04T01:00:00");
	ok(store_analysis(au->st, iso("2026-03-02T16:00:00"),
	    iso("2026-03-04T00:00:00"), &v, &n, &cause), &cause);
	assert_int_equal(n, 4);
	assert_finding(&v[0], FINDING_BURST, "supervisor1",
	    "2026-03-03T02:00:00", "2026-03-03T02:05:00", 31, h + 1, h + 31);
	assert_finding(&v[1], FINDING_AFTER_HOURS, "reception1",
	    "2026-03-03T15:30:00", "2026-03-03T16:10:00", 2,
	    seq_of(au, "SELECT seq FROM audit WHERE at = strftime('%s', "
	    "'2026-03-03 15:30:00')"),
	    seq_of(au, "SELECT seq FROM audit WHERE at = strftime('%s', "
	    "'2026-03-03 16:10:00')"));
	assert_finding(&v[2], FINDING_FAILED_LOGINS, "reception2",
	    "2026-03-03T05:00:00", "2026-03-03T05:04:00", 5,
	    seq_of(au, "SELECT min(seq) FROM audit WHERE action = "
	    "'login.failed' AND operator = 'reception2'"),
	    seq_of(au, "SELECT max(seq) FROM audit WHERE action = "
	    "'login.failed' AND operator = 'reception2'"));
	assert_int_equal(v[2].last_seq - v[2].first_seq, 4);
	h = seq_of(au, "SELECT seq FROM audit WHERE action = "
	    "'student.reveal'");
	assert_finding(&v[3], FINDING_REVEAL, "supervisor1",
	    "2026-03-03T06:00:00", "2026-03-03T06:00:00", 1, h, h);
	assert_string_equal(v[3].target, num[0]);
	assert_string_equal(v[3].field, "allergies");
	assert_string_equal(v[0].target, "");
	assert_string_equal(finding_kind_name(v[1].kind), "after-hours");
	findings_free(v, n);

	/* The window is [since, until): without Tuesday night, 3 remain. */
	ok(store_analysis(au->st, iso("2026-03-02T16:00:00"),
	    iso("2026-03-03T15:30:00"), &v, &n, &cause), &cause);
	assert_int_equal(n, 3);
	assert_int_equal(v[1].kind, FINDING_FAILED_LOGINS);
	findings_free(v, n);

	/* The whole log, without an end: Monday adds nothing. */
	ok(store_analysis(au->st, 0, 0, &v, &n, &cause), &cause);
	assert_int_equal(n, 4);
	findings_free(v, n);
	s = tl_query(au, "SELECT count(*) FROM audit WHERE action = "
	    "'audit.analysis'");
	assert_string_equal(s, "4");
	free(s);

	session_free(au);
	session_free(r2);
	session_free(sv);
	session_free(r);
	free(num[0]);
	free(num[1]);
	free(num[2]);
}

/* Thresholds from xueji.yaml: bursts apart are two; a night is one. */
static void
test_thresholds(void **state)
{
	struct fixture	*f = *state;
	struct session	*r, *au;
	struct finding	*v;
	char		*num[1], *cause = NULL;
	size_t		 n;

	r = tl_login(f->b, "reception1");
	assert_int_equal(r->cfg->burst_count, 2);
	assert_int_equal(r->cfg->burst_minutes, 1);
	assert_string_equal(r->cfg->working_hours, "09:00-17:00");
	assert_int_equal(r->cfg->work_from, 9 * 60);
	assert_int_equal(r->cfg->work_until, 17 * 60);
	assert_int_equal(r->cfg->failed_logins, 2);
	assert_int_equal(r->cfg->failed_minutes, 1);
	num[0] = enrol(r, "林小雨", "13611112221", "");
	/* 10:00:00-10:00:40 and 10:05:00-10:05:20: two bursts of three. */
	views(r, num, 1, iso("2026-03-02T02:00:00"), 20, 3);
	views(r, num, 1, iso("2026-03-02T02:05:00"), 10, 3);
	/* Two views 60 s apart are not within one minute. */
	views(r, num, 1, iso("2026-03-02T03:00:00"), 60, 2);
	/* 17:30 and, next morning, 08:30: the same night. */
	views(r, num, 1, iso("2026-03-02T09:30:00"), 1, 1);
	views(r, num, 1, iso("2026-03-03T00:30:00"), 1, 1);
	/* 2 failures in a minute is a run; reception2's second is later. */
	at("2026-03-02T04:00:00");
	fail_login(f->b, "reception1");
	at("2026-03-02T04:00:59");
	fail_login(f->b, "reception1");
	at("2026-03-02T04:00:00");
	fail_login(f->b, "reception2");
	at("2026-03-02T04:01:00");
	fail_login(f->b, "reception2");
	at("2026-03-03T01:00:00");
	au = tl_login(f->b, "auditor1");
	ok(store_analysis(au->st, 0, 0, &v, &n, &cause), &cause);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].kind, FINDING_BURST);
	assert_int_equal(v[0].from, iso("2026-03-02T02:00:00"));
	assert_int_equal(v[0].to, iso("2026-03-02T02:00:40"));
	assert_int_equal(v[0].count, 3);
	assert_int_equal(v[1].kind, FINDING_BURST);
	assert_int_equal(v[1].from, iso("2026-03-02T02:05:00"));
	assert_int_equal(v[1].count, 3);
	assert_int_equal(v[2].kind, FINDING_AFTER_HOURS);
	assert_int_equal(v[2].from, iso("2026-03-02T09:30:00"));
	assert_int_equal(v[2].to, iso("2026-03-03T00:30:00"));
	assert_int_equal(v[2].count, 2);
	assert_int_equal(v[3].kind, FINDING_FAILED_LOGINS);
	assert_string_equal(v[3].operator, "reception1");
	assert_int_equal(v[3].count, 2);
	findings_free(v, n);
	session_free(au);
	session_free(r);
	free(num[0]);
}

/*
 * The log's clock stepping back (NTP, a clock set by hand): three opens
 * logged at 10:00:40, 10:00:20 and 10:00:00, in that order, are still
 * one burst within a minute, and a window that the step cuts finds
 * only the opens inside it.
 */
static void
test_clock_back(void **state)
{
	struct fixture	*f = *state;
	struct session	*r, *au;
	struct finding	*v;
	char		*num[1], *cause = NULL;
	size_t		 n;
	int64_t		 h;

	r = tl_login(f->b, "reception1");
	num[0] = enrol(r, "林小雨", "13611112221", "");
	h = store_audit_head(r->st);
	views(r, num, 1, iso("2026-03-02T02:00:40"), 1, 1);
	views(r, num, 1, iso("2026-03-02T02:00:20"), 1, 1);
	views(r, num, 1, iso("2026-03-02T02:00:00"), 1, 1);
	at("2026-03-02T03:00:00");
	au = tl_login(f->b, "auditor1");
	ok(store_analysis(au->st, iso("2026-03-02T02:00:00"),
	    iso("2026-03-02T02:01:00"), &v, &n, &cause), &cause);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, FINDING_BURST);
	assert_int_equal(v[0].from, iso("2026-03-02T02:00:00"));
	assert_int_equal(v[0].to, iso("2026-03-02T02:00:40"));
	assert_int_equal(v[0].count, 3);
	assert_int_equal(v[0].first_seq, h + 1);
	assert_int_equal(v[0].last_seq, h + 3);
	findings_free(v, n);
	/* From 10:00:10: two opens, no burst (it takes three). */
	ok(store_analysis(au->st, iso("2026-03-02T02:00:10"),
	    iso("2026-03-02T02:01:00"), &v, &n, &cause), &cause);
	assert_int_equal(n, 0);
	findings_free(v, n);
	session_free(au);
	session_free(r);
	free(num[0]);
}

/* working_hours is checked on load, with its place in the file. */
static void
test_working_hours_config(void **state)
{
	static const char *const bad[] = {
		"20:00-08:00", "8-20", "08:00-24:01", "08:60-20:00",
		"08:00 - 20:00",
	};
	struct config	*c;
	char		*dir, *path, *text, *cause = NULL;
	size_t		 i;
	int		 a, b;

	(void)state;
	dir = tl_tmpdir();
	for (i = 0; i < nitems(bad); i++) {
		xasprintf(&text, "branch:\n  code: SH01\n  name: x\n"
		    "roles_file: /nonexistent\nanalysis:\n"
		    "  working_hours: \"%s\"\n", bad[i]);
		path = tl_write(dir, "xueji.yaml", text, 0600);
		assert_int_equal(config_load(path, &c, &cause), XJ_ECONFIG);
		assert_non_null(strstr(cause, "xueji.yaml:6:"));
		assert_non_null(strstr(cause, "working hours"));
		free(cause);
		cause = NULL;
		free(path);
		free(text);
	}
	assert_int_equal(config_parse_hours("00:00-24:00", &a, &b, NULL),
	    XJ_OK);
	assert_int_equal(a, 0);
	assert_int_equal(b, 24 * 60);
	tl_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_findings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_thresholds, setup_tight,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clock_back, setup_tight,
		    teardown),
		cmocka_unit_test(test_working_hours_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
