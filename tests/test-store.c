/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The store on a real SQLCipher file: opening and its settings,
 * enrolment, duplicates, find/show/list, masking, the permission gate
 * for every shipped role, failed logins, key rotation, and a byte scan
 * of the data directory for personal data.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/checkpoint.h"
#include "xueji/request.h"
#include "xueji/student.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

struct fixture {
	struct tl_branch	*b;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);

	f->b = tl_branch_new();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	tl_check_db(f->b);
	tl_branch_free(f->b);
	free(f);
	return 0;
}

static long
query_long(struct session *s, const char *sql)
{
	char	*v = tl_query(s, sql);
	long	 n = v != NULL ? strtol(v, NULL, 10) : -1;

	free(v);
	return n;
}

/* The action of the newest audit entry. */
static char *
last_action(struct session *s)
{
	return tl_query(s, "SELECT action FROM audit ORDER BY seq DESC LIMIT 1");
}

static void
test_settings_read_back(void **state)
{
	struct fixture	*f = *state;
	struct session	*s = tl_login(f->b, "reception1");
	char		*v;

	v = tl_query(s, "PRAGMA journal_mode");
	assert_string_equal(v, "wal");
	free(v);
	assert_int_equal(query_long(s, "PRAGMA synchronous"), 2);
	assert_int_equal(query_long(s, "PRAGMA temp_store"), 2);
	assert_int_equal(query_long(s, "PRAGMA secure_delete"), 1);
	assert_int_equal(query_long(s, "PRAGMA cipher_page_size"), 4096);
	assert_int_equal(query_long(s, "PRAGMA user_version"),
	    store_schema_version);
	session_free(s);
}

static void
test_enrol_and_show(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv;
	struct student	*st;
	char		*n1, *n2, *cause = NULL;

	n1 = tl_enrol(r, "欧阳𠮷·娜", "2018-03", "欧阳明", "13812345678", NULL);
	assert_non_null(n1);
	n2 = tl_enrol(r, "司马光", "2017-11", "司马迁", "021-62345678", NULL);
	assert_non_null(n2);
	/* Sequence from 1, this year, never reused. */
	assert_non_null(strstr(n1, "SH01-"));
	assert_string_equal(n1 + strlen(n1) - 5, "00001");
	assert_string_equal(n2 + strlen(n2) - 5, "00002");

	assert_int_equal(store_student_get(r->st, n1, &st, &cause), XJ_OK);
	assert_string_equal(student_value(st, "name"), "欧阳𠮷·娜");
	assert_string_equal(student_value(st, "birth_month"), "2018-03");
	/* A receptionist sees the phone masked. */
	assert_string_equal(student_value(st, "guardian_phone"), "138****5678");
	assert_string_equal(st->consent_method, "in-person");
	assert_string_equal(st->enrolled_by, "reception1");
	assert_int_equal(st->status, STATUS_ACTIVE);
	/* Form order. */
	assert_string_equal(st->values[0].key, "name");
	assert_string_equal(st->values[3].key, "guardian_phone");
	student_free(st);
	{
		char *a = last_action(r);
		assert_string_equal(a, "student.view");
		free(a);
	}
	/* A supervisor sees it whole. */
	sv = tl_login(f->b, "supervisor1");
	assert_int_equal(store_student_get(sv->st, n2, &st, &cause), XJ_OK);
	assert_string_equal(student_value(st, "guardian_phone"),
	    "021-62345678");
	student_free(st);

	assert_int_equal(store_student_get(r->st, "SH01-2026-99999", &st,
	    &cause), XJ_ENOINPUT);
	free(cause);
	free(n1);
	free(n2);
	session_free(sv);
	session_free(r);
}

static void
test_enrol_refusals_change_nothing(void **state)
{
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	const struct field_input good[] = {
		{ "name", "张三" }, { "birth_month", "2019-05" },
		{ "guardian_name", "张大" }, { "guardian_phone", "13912345678" },
	};
	const struct field_input digits[] = {
		{ "name", "张3" }, { "birth_month", "2019-05" },
		{ "guardian_name", "张大" }, { "guardian_phone", "13912345678" },
	};
	const struct field_input unknown[] = {
		{ "name", "张三" }, { "birth_month", "2019-05" },
		{ "guardian_name", "张大" }, { "guardian_phone", "13912345678" },
		{ "id_card", "310101201905050000" },
	};
	const struct field_input missing[] = {
		{ "name", "张三" }, { "birth_month", "2019-05" },
	};
	struct enrolment	 en;
	char			*number, *dup, *cause = NULL;
	long			 audit0, students0;

	audit0 = query_long(r, "SELECT count(*) FROM audit");
	students0 = query_long(r, "SELECT count(*) FROM student");

	en = (struct enrolment){ good, nitems(good), NULL, 0 };
	assert_int_equal(store_student_add(r->st, &en, &number, &dup, &cause),
	    XJ_EDATA);
	assert_non_null(strstr(cause, "consent"));
	free(cause);
	en = (struct enrolment){ good, nitems(good), "by-pigeon", 0 };
	assert_int_equal(store_student_add(r->st, &en, &number, &dup, &cause),
	    XJ_EDATA);
	free(cause);
	en = (struct enrolment){ digits, nitems(digits), "online", 0 };
	assert_int_equal(store_student_add(r->st, &en, &number, &dup, &cause),
	    XJ_EDATA);
	/* The message names the field, never the value. */
	assert_null(strstr(cause, "张3"));
	free(cause);
	en = (struct enrolment){ unknown, nitems(unknown), "online", 0 };
	assert_int_equal(store_student_add(r->st, &en, &number, &dup, &cause),
	    XJ_EDATA);
	assert_non_null(strstr(cause, "id_card"));
	free(cause);
	en = (struct enrolment){ missing, nitems(missing), "online", 0 };
	assert_int_equal(store_student_add(r->st, &en, &number, &dup, &cause),
	    XJ_EDATA);
	free(cause);
	assert_null(number);

	assert_int_equal(query_long(r, "SELECT count(*) FROM audit"), audit0);
	assert_int_equal(query_long(r, "SELECT count(*) FROM student"),
	    students0);
	assert_int_equal(query_long(r, "SELECT count(*) FROM number_seq"), 0);
	session_free(r);
}

static void
test_duplicates(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	const struct field_input again[] = {
		{ "name", "王小明" }, { "birth_month", "2016-09" },
		{ "guardian_name", "王大明" }, { "guardian_phone", "13700001111" },
	};
	struct enrolment en = { again, nitems(again), "signed-form", 0 };
	char		*first, *n, *dup, *cause = NULL, *a;

	first = tl_enrol(r, "王小明", "2018-02", "王大明", "13700001111", NULL);
	assert_non_null(first);
	/* Same name and phone, different birth month: still a duplicate. */
	assert_int_equal(store_student_add(r->st, &en, &n, &dup, &cause),
	    XJ_EDATA);
	assert_string_equal(dup, first);
	assert_non_null(strstr(cause, first));
	free(dup);
	free(cause);
	/*
	 * The receptionist at the counter may confirm that it really is
	 * another child (a twin), and that answer is logged.
	 */
	en.allow_duplicate = 1;
	assert_int_equal(store_student_add(r->st, &en, &n, &dup, &cause),
	    XJ_OK);
	assert_string_equal(dup, first);
	a = last_action(r);
	assert_string_equal(a, "student.duplicate-allowed");
	free(a);
	free(dup);
	free(n);
	/* Three of them now; a supervisor can too. */
	assert_int_equal(store_student_add(sv->st, &en, &n, &dup, &cause),
	    XJ_OK);
	free(dup);
	free(n);
	free(first);
	session_free(sv);
	session_free(r);
}

static void
test_find(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct student	**v;
	char		*n1, *n2, *n3, *cause = NULL, *detail;
	size_t		 n;

	n1 = tl_enrol(r, "张三", "2018-01", "张父", "13811112222", NULL);
	n2 = tl_enrol(r, "张三丰", "2017-01", "张母", "13933334444", NULL);
	n3 = tl_enrol(r, "李四", "2016-01", "李父", "021-55552222", NULL);

	assert_int_equal(store_student_find(r->st, "张三", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 2);
	/* Newest first. */
	assert_string_equal(v[0]->number, n2);
	assert_string_equal(v[1]->number, n1);
	students_free(v, n);
	detail = tl_query(r, "SELECT detail FROM audit ORDER BY seq DESC LIMIT 1");
	assert_non_null(strstr(detail, n1));
	assert_non_null(strstr(detail, "results=2"));
	/* The search text itself is not logged. */
	assert_null(strstr(detail, "张"));
	free(detail);

	/* Phone tail: mobile and landline alike. */
	assert_int_equal(store_student_find(r->st, "2222", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->number, n3);
	assert_string_equal(v[1]->number, n1);
	students_free(v, n);

	/* Number prefix, any case. */
	assert_int_equal(store_student_find(r->st, "sh01-", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 3);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, n3, 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	students_free(v, n);

	assert_int_equal(store_student_find(r->st, "王", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 0);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "张", 1, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	students_free(v, n);
	free(n1);
	free(n2);
	free(n3);
	session_free(r);
}

/*
 * Issue 17: a search list follows the branch.  Run again after another
 * terminal's commit, it logs nothing when it shows no one new, so two
 * open lists do not move each other's data_version for ever; a new
 * match is logged alone, and found by the log's student filter.  Issue
 * 21: "newly shown" is the screen's store_shown, as for the lists.
 */
static void
test_find_again(void **state)
{
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*other = tl_login(f->b, "reception2");
	struct store_shown	*shown = store_shown_new();
	struct student		**v;
	char			*n1, *n2, *n3, *cause = NULL, *detail, *sql;
	size_t			 n;
	long			 entries;
	int64_t			 version;

	n1 = tl_enrol(r, "张三", "2018-01", "张父", "13811112222", NULL);
	entries = query_long(r, "SELECT count(*) FROM audit");
	assert_int_equal(store_student_find(r->st, "张", 10, shown, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	students_free(v, n);
	assert_int_equal(query_long(r, "SELECT count(*) FROM audit"),
	    entries + 1);
	entries++;
	version = store_data_version(other->st);

	/* Nothing new: nothing written, the other terminal not moved. */
	assert_int_equal(store_student_find(r->st, "张", 10, shown, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->number, n1);
	students_free(v, n);
	assert_int_equal(query_long(r, "SELECT count(*) FROM audit"),
	    entries);
	assert_int_equal(store_data_version(other->st), version);

	/* Another terminal enrols a match (and someone else). */
	n2 = tl_enrol(other, "张小花", "2019-03", "张母", "13922223333",
	    NULL);
	n3 = tl_enrol(other, "李四", "2016-01", "李父", "13933334444", NULL);
	entries = query_long(r, "SELECT count(*) FROM audit");
	assert_int_equal(store_student_find(r->st, "张", 10, shown, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->number, n2);
	students_free(v, n);
	assert_int_equal(query_long(r, "SELECT count(*) FROM audit"),
	    entries + 1);
	detail = tl_query(r, "SELECT action || ' ' || detail FROM audit "
	    "ORDER BY seq DESC LIMIT 1");
	xasprintf(&sql, "student.find results=2 numbers=%s", n2);
	assert_string_equal(detail, sql);
	free(detail);
	free(sql);
	/* Who saw n2: this entry; n1 was named by the first search.
	 * Noted at the pause, off the keystroke. */
	store_idle(r->st);
	xasprintf(&sql, "SELECT count(*) FROM audit_seen WHERE number = '%s'"
	    " AND seq = (SELECT max(seq) FROM audit)", n2);
	assert_int_equal(query_long(r, sql), 1);
	free(sql);
	xasprintf(&sql, "SELECT count(*) FROM audit_seen WHERE number = '%s'",
	    n1);
	assert_int_equal(query_long(r, sql), 1);
	free(sql);

	/* The same list again, and a shorter one: nothing written. */
	entries = query_long(r, "SELECT count(*) FROM audit");
	assert_int_equal(store_student_find(r->st, "张", 10, shown, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 2);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "张小", 10, shown, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->number, n2);
	students_free(v, n);
	assert_int_equal(query_long(r, "SELECT count(*) FROM audit"),
	    entries);

	/* Cleared (another text on the screen): logged again, the entry
	 * before naming n2 alone (find_covered would skip it else). */
	store_shown_clear(shown);
	assert_int_equal(store_student_find(r->st, "张", 10, shown, &v, &n,
	    &cause), XJ_OK);
	students_free(v, n);
	assert_int_equal(query_long(r, "SELECT count(*) FROM audit"),
	    entries + 1);
	store_shown_free(shown);
	free(n1);
	free(n2);
	free(n3);
	session_free(other);
	session_free(r);
}

static int
count_row(const struct student *st, void *arg)
{
	(void)st;
	(*(int *)arg)++;
	return 0;
}

static void
test_list(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	char		*n, *cause = NULL, *detail;
	int		 i, count = 0;

	for (i = 0; i < 12; i++) {
		char name[32];

		snprintf(name, sizeof name, "学员%s", (i % 2) ? "甲" : "乙");
		n = tl_enrol(r, name, i < 6 ? "2018-01" : "2019-02",
		    "家长", i < 6 ? "13800000001" : "13800000002", NULL);
		if (i < 2 || (i >= 6 && i < 8))
			assert_non_null(n);
		free(n);
	}
	assert_int_equal(store_student_each(r->st, -1, count_row, &count,
	    &cause), XJ_OK);
	/* 学员乙/学员甲 × two birth months: four distinct children. */
	assert_int_equal(count, 4);
	detail = tl_query(r, "SELECT detail FROM audit ORDER BY seq DESC LIMIT 1");
	assert_string_equal(detail, "status=live results=4");
	free(detail);
	count = 0;
	assert_int_equal(store_student_each(r->st, STATUS_WITHDRAWN, count_row,
	    &count, &cause), XJ_OK);
	assert_int_equal(count, 0);
	session_free(r);
}

static int
audit_nop(const struct audit_entry *e, void *arg)
{
	(void)e;
	(void)arg;
	return 0;
}

/*
 * Every shipped role against every store operation: allowed exactly when
 * roles.yaml grants the permission, and a refusal is logged.
 */
static void
test_role_matrix(void **state)
{
	struct fixture		*f = *state;
	struct session		*r, *s;
	const struct operator	*op;
	struct audit_filter	 af;
	struct student		*st, **v;
	char			*number, *n, *dup, *cause = NULL, *a;
	const struct field_input in[] = {
		{ "name", "赵六" }, { "birth_month", "2017-07" },
		{ "guardian_name", "赵五" }, { "guardian_phone", "13600001234" },
	};
	struct enrolment	 en = { in, nitems(in), "online", 0 };
	size_t			 i, k, nfound;
	int64_t			 cnt, bad;
	int			 rc, want, dummy = 0;

	r = tl_login(f->b, "reception1");
	number = tl_enrol(r, "钱七", "2016-06", "钱八", "13500001234", NULL);
	assert_non_null(number);
	session_free(r);

	for (i = 0; i < 5; i++) {
		static const char *const ids[] = { "reception1", "reception2",
		    "supervisor1", "supervisor2", "auditor1" };

		s = tl_login(f->b, ids[i]);
		op = s->op;
		for (k = 0; k < 6; k++) {
			enum perm p;

			memset(&af, 0, sizeof af);
			af.limit = 1;
			switch (k) {
			case 0:
				p = PERM_STUDENT_ENROL;
				rc = store_student_add(s->st, &en, &n, &dup,
				    &cause);
				/* The second enrolling role hits the dup. */
				if (rc == XJ_EDATA && dup != NULL)
					rc = XJ_OK;
				free(n);
				free(dup);
				break;
			case 1:
				p = PERM_STUDENT_VIEW;
				rc = store_student_get(s->st, number, &st,
				    &cause);
				student_free(st);
				break;
			case 2:
				p = PERM_STUDENT_SEARCH;
				rc = store_student_find(s->st, "钱", 5, NULL,
				    &v, &nfound, &cause);
				students_free(v, nfound);
				break;
			case 3:
				p = PERM_STUDENT_SEARCH;
				rc = store_student_each(s->st, -1, count_row,
				    &dummy, &cause);
				break;
			case 4:
				p = PERM_AUDIT_VIEW;
				rc = store_audit_each(s->st, &af, audit_nop,
				    NULL, &cause);
				break;
			default:
				p = PERM_AUDIT_VERIFY;
				rc = store_verify(s->st, &cnt, &bad, &cause);
				break;
			}
			want = policy_allows(op, p);
			if (want && rc != XJ_OK)
				fail_msg("%s: %s should be allowed: %s",
				    ids[i], perm_name(p), cause);
			if (!want && rc != XJ_EPERM)
				fail_msg("%s: %s should be refused (rc %d)",
				    ids[i], perm_name(p), rc);
			if (!want) {
				a = last_action(s);
				assert_string_equal(a, "access.denied");
				free(a);
			}
			free(cause);
			cause = NULL;
		}
		session_free(s);
	}
	free(number);
}

static void
test_failed_login(void **state)
{
	struct fixture	*f = *state;
	struct session	*s, *a;
	char		*cause = NULL, *path, *v;
	long		 before;

	a = tl_login(f->b, "auditor1");
	before = query_long(a, "SELECT count(*) FROM audit");
	session_free(a);

	assert_int_equal(session_load(f->b->config, NULL, &s, &cause), XJ_OK);
	assert_int_equal(session_login(s, "reception1", "wrong", 5, &cause),
	    XJ_EPERM);
	free(cause);
	assert_null(s->st);
	assert_null(s->secret);
	assert_int_equal(session_login(s, "nobody", "x", 1, &cause), XJ_EPERM);
	free(cause);
	session_free(s);

	/* Waiting beside the database, under the id alone. */
	path = xj_path_join(f->b->data, STORE_FAILREC_NAME);
	assert_true(tl_file_contains(path, "reception1", 10));
	/* An unknown id is not written as typed: it may be a passphrase. */
	assert_false(tl_file_contains(path, "nobody", 6));
	assert_false(tl_file_contains(path, "wrong", 5));
	free(path);

	/* The text file of earlier versions, and one a drain left aside. */
	path = xj_path_join(f->b->data, STORE_AUTHFAIL_NAME);
	free(tl_write(f->b->data, STORE_AUTHFAIL_NAME,
	    "1700000001\treception2\tno-slot\n", 0600));
	free(tl_write(f->b->data, STORE_AUTHFAIL_NAME ".2147483646",
	    "1700000000\treception2\twrong-passphrase\n", 0600));

	/* The next login moves them all into the chain. */
	a = tl_login(f->b, "auditor1");
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(query_long(a, "SELECT count(*) FROM audit"),
	    before + 4);
	assert_int_equal(query_long(a, "SELECT count(*) FROM audit WHERE "
	    "action = 'login.failed' AND operator = 'reception2' AND "
	    "at = 1700000000"), 1);
	assert_int_equal(query_long(a, "SELECT count(*) FROM audit WHERE "
	    "action = 'login.failed' AND operator = '?' AND "
	    "detail = 'reason=unknown-operator'"), 1);
	assert_false(tl_tree_contains(f->b->data, "wrong-passphrase", NULL));
	v = tl_query(a, "SELECT operator || ' ' || detail FROM audit WHERE "
	    "action = 'login.failed' AND operator = 'reception1'");
	assert_string_equal(v, "reception1 reason=wrong-passphrase");
	free(v);
	session_free(a);
	/* Moved once: the next login logs nothing more. */
	a = tl_login(f->b, "auditor1");
	assert_int_equal(query_long(a, "SELECT count(*) FROM audit WHERE "
	    "action = 'login.failed'"), 4);
	free(path);
	session_free(a);
}

/*
 * Issue 16: the back-off is kept in the record, not in the process: a
 * second attempt at an id waits it out before its passphrase is tried,
 * and a right passphrase ends it.
 */
static void
test_failed_login_backoff(void **state)
{
	struct fixture	*f = *state;
	struct session	*s;
	char		*cause = NULL;
	double		 t0, took;

	assert_int_equal(session_load(f->b->config, NULL, &s, &cause), XJ_OK);
	assert_int_equal(session_login(s, "supervisor2", "wrong", 5, &cause),
	    XJ_EPERM);
	free(cause);
	cause = NULL;
	assert_int_equal(s->failures, 1);
	session_free(s);

	/* Another session, as another process would: it waits 1 s. */
	assert_int_equal(session_load(f->b->config, NULL, &s, &cause), XJ_OK);
	t0 = xj_monotonic();
	assert_int_equal(session_login(s, "supervisor2", "wrong", 5, &cause),
	    XJ_EPERM);
	took = xj_monotonic() - t0;
	free(cause);
	cause = NULL;
	assert_true(took >= 0.9);
	assert_int_equal(s->failures, 2);
	assert_int_equal(session_failure_delay(s), 2);
	session_free(s);

	/* Waits 2 s, then the right passphrase ends the back-off. */
	t0 = xj_monotonic();
	s = tl_login(f->b, "supervisor2");
	assert_true(xj_monotonic() - t0 >= 1.9);
	assert_int_equal(s->failures, 0);
	session_free(s);
	/* The count starts again: the next failure is the first. */
	assert_int_equal(session_load(f->b->config, NULL, &s, &cause), XJ_OK);
	assert_int_equal(session_login(s, "supervisor2", "wrong", 5, &cause),
	    XJ_EPERM);
	free(cause);
	assert_int_equal(s->failures, 1);
	session_free(s);
}

/* A failed login at id: the failures its back-off now counts. */
static int
failed_login(struct tl_branch *b, const char *id)
{
	struct session	*s;
	char		*cause = NULL;
	int		 n;

	assert_int_equal(session_load(b->config, NULL, &s, &cause), XJ_OK);
	assert_int_equal(session_login(s, id, "wrong", 5, &cause), XJ_EPERM);
	free(cause);
	n = s->failures;
	session_free(s);
	return n;
}

/*
 * Issue 17: the back-off tells no one which ids exist.  An unknown id
 * is held to a back-off of its own as a known one is (in one of 64
 * records shared by a hash of the id, never under the id as typed), so
 * another unknown id's failures do not lengthen it, and its own do.
 * (test_failed_login_backoff shows that the count is what is waited.)
 */
static void
test_unknown_id_backoff(void **state)
{
	struct fixture	*f = *state;
	unsigned char	 h1[8], h2[8];
	char		 other[32], *path;
	int		 i;

	/* Two unknown ids whose records differ (by the hash's first byte). */
	crypto_generichash(h1, sizeof h1, (const unsigned char *)"nobody", 6,
	    NULL, 0);
	for (i = 0; ; i++) {
		snprintf(other, sizeof other, "stranger%d", i);
		crypto_generichash(h2, sizeof h2, (const unsigned char *)other,
		    strlen(other), NULL, 0);
		if (h1[0] % 64 != h2[0] % 64)
			break;
	}
	/* The same count, so the same wait, known or not. */
	assert_int_equal(failed_login(f->b, "reception2"), 1);
	assert_int_equal(failed_login(f->b, "nobody"), 1);
	assert_int_equal(failed_login(f->b, "reception2"), 2);
	assert_int_equal(failed_login(f->b, "nobody"), 2);
	/* Another unknown id starts at one, as another known one would. */
	assert_int_equal(failed_login(f->b, other), 1);
	assert_int_equal(failed_login(f->b, "auditor1"), 1);
	path = xj_path_join(f->b->data, STORE_FAILREC_NAME);
	assert_false(tl_file_contains(path, "nobody", 6));
	assert_false(tl_file_contains(path, "stranger", 8));
	free(path);
}

static void
test_roles_hash_logged(void **state)
{
	struct fixture	*f = *state;
	struct session	*s;
	char		*roles, *path, *cause = NULL;
	size_t		 len;

	s = tl_login(f->b, "auditor1");
	assert_int_equal(query_long(s, "SELECT count(*) FROM audit WHERE "
	    "action = 'config.roles'"), 1);
	session_free(s);
	/* Unchanged: nothing new. */
	s = tl_login(f->b, "auditor1");
	assert_int_equal(query_long(s, "SELECT count(*) FROM audit WHERE "
	    "action = 'config.roles'"), 1);
	session_free(s);
	/* Changed by one comment line: logged again. */
	path = xj_path_join(f->b->dir, "roles.yaml");
	assert_int_equal(xj_read_file(path, 1 << 20, &roles, &len, &cause), 0);
	free(roles);
	{
		FILE *fp = fopen(path, "a");
		fputs("# edited\n", fp);
		fclose(fp);
	}
	s = tl_login(f->b, "auditor1");
	assert_int_equal(query_long(s, "SELECT count(*) FROM audit WHERE "
	    "action = 'config.roles'"), 2);
	session_free(s);
	free(path);
}

/*
 * Issue 16: the form decides what each role sees, so it is held as
 * roles.yaml is: its hash logged when it changes, and refused when
 * group or others may write it.
 */
static void
test_forms_hash_logged(void **state)
{
	struct fixture		*f = *state;
	struct tl_branch	*b;
	struct session		*s;
	char			*dir, *extra, *form, *path, *cause = NULL;
	size_t			 len;
	FILE			*fp;

	(void)f;
	dir = tl_tmpdir();
	assert_int_equal(xj_read_file("forms/enrollment.yaml", 1 << 20, &form,
	    &len, &cause), XJ_OK);
	path = tl_write(dir, "enrollment.yaml", form, 0644);
	free(form);
	xasprintf(&extra, "forms_dir: %s\n", dir);
	b = tl_branch_new_with(extra);
	s = tl_login(b, "auditor1");
	assert_int_equal(query_long(s, "SELECT count(*) FROM audit WHERE "
	    "action = 'config.forms' AND detail LIKE 'blake2b=%'"), 1);
	session_free(s);
	s = tl_login(b, "auditor1");
	assert_int_equal(query_long(s, "SELECT count(*) FROM audit WHERE "
	    "action = 'config.forms'"), 1);
	session_free(s);
	/* One comment line more: logged again. */
	fp = fopen(path, "a");
	fputs("# edited\n", fp);
	fclose(fp);
	s = tl_login(b, "auditor1");
	assert_int_equal(query_long(s, "SELECT count(*) FROM audit WHERE "
	    "action = 'config.forms'"), 2);
	session_free(s);
	/* Writable by the group: refused before anything is opened. */
	assert_int_equal(chmod(path, 0664), 0);
	assert_int_equal(session_load(b->config, NULL, &s, &cause),
	    XJ_ECONFIG);
	assert_non_null(strstr(cause, "enrollment.yaml"));
	assert_non_null(strstr(cause, "chmod go-w"));
	free(cause);
	tl_branch_free(b);
	tl_rmtree(dir);
	free(dir);
	free(extra);
	free(path);
}

/*
 * Two terminals change key slots: supervisor2 changes their own
 * passphrase while supervisor1's session, open since before, resets
 * reception1's.  Each change starts from the slots on disk, not from
 * the copy the session read at login, which would undo the other's.
 */
static void
test_slots_two_terminals(void **state)
{
	struct fixture	*f = *state;
	struct session	*a, *b, *c;
	char		 old[64], *cause = NULL;
	int		 rc;

	a = tl_login(f->b, "supervisor1");
	b = tl_login(f->b, "supervisor2");
	tl_pass("supervisor2", old, sizeof old);
	assert_int_equal(session_operator_passwd(b, old, strlen(old),
	    "supervisor2 new one", 19, KDF_INTERACTIVE, &cause), XJ_OK);
	session_free(b);
	assert_int_equal(session_operator_reset(a, "reception1",
	    "reception1 new one", 18, KDF_INTERACTIVE, NULL, NULL, 0, &cause),
	    XJ_OK);
	session_free(a);

	/* Both stand: each logs in with their new passphrase only. */
	assert_int_equal(session_load(f->b->config, NULL, &c, &cause), XJ_OK);
	rc = session_login(c, "supervisor2", "supervisor2 new one", 19,
	    &cause);
	if (rc != XJ_OK)
		fail_msg("supervisor2's new passphrase was undone: %s", cause);
	rc = session_login(c, "reception1", "reception1 new one", 18, &cause);
	if (rc != XJ_OK)
		fail_msg("reception1's reset was undone: %s", cause);
	session_free(c);
}

/* Whether another terminal could hold the branch lock shared now. */
static int
branch_shared(const struct tl_branch *b)
{
	char	*path = xj_path_join(b->data, SESSION_LOCK_NAME);
	int	 fd, ok;

	fd = open(path, O_RDWR | O_CLOEXEC);
	free(path);
	assert_true(fd != -1);
	ok = flock(fd, LOCK_SH | LOCK_NB) == 0;
	close(fd);
	return ok;
}

/*
 * A supervisor who rotates the key or removes an operator at a terminal
 * that stays open gives the branch back: others log in and unlock
 * again.  It stayed exclusive until logout, and every other login
 * waited, then failed ("another terminal is restoring").
 */
static void
test_exclusive_then_shared(void **state)
{
	struct fixture	*f = *state;
	struct session	*a;
	char		*cause = NULL;

	a = tl_login(f->b, "supervisor1");
	assert_true(branch_shared(f->b));
	assert_int_equal(session_rotate_key(a, &cause), XJ_OK);
	assert_true(branch_shared(f->b));
	assert_int_equal(session_operator_remove(a, "reception2", NULL, NULL, 0,
	    &cause), XJ_OK);
	assert_true(branch_shared(f->b));
	/* And by session_share, as the screens do after a restore. */
	assert_int_equal(session_exclusive(a, &cause), XJ_OK);
	assert_false(branch_shared(f->b));
	session_share(a);
	assert_true(branch_shared(f->b));
	session_free(a);
}

/* The test passphrase of id as a session logs in with it. */
static int
unlock_as(struct session *s, const char *id)
{
	char	pw[64], *cause = NULL;
	int	rc;

	tl_pass(id, pw, sizeof pw);
	rc = session_login(s, id, pw, strlen(pw), &cause);
	free(cause);
	return rc;
}

/* Whether the log's newest entry of action has detail. */
static int
logged(struct session *s, const char *action, const char *target,
    const char *detail)
{
	char	*sql;
	long	 n;

	xasprintf(&sql, "SELECT detail = '%s' FROM audit WHERE action = "
	    "'%s' AND target = '%s' ORDER BY seq DESC LIMIT 1", detail,
	    action, target);
	n = query_long(s, sql);
	free(sql);
	return n == 1;
}

/*
 * Test 16.1: who set a slot is remembered.  A reset by supervisor1 marks
 * reception1's slot, with the entry; reception1's login learns who and
 * when; the passphrase supervisor1 set is no new one; the first change
 * of their own clears the mark, logged as the first login's.  Removing
 * a slot clears its mark; nobody's own slot is marked.
 */
static void
test_slot_setter(void **state)
{
	struct fixture	*f = *state;
	struct session	*a, *r;
	char		*cause = NULL, *v;

	a = tl_login(f->b, "supervisor1");
	assert_int_equal(query_long(a, "SELECT count(*) FROM slot_setter"), 0);
	assert_int_equal(session_operator_reset(a, "reception1",
	    "set by supervisor1", 18, KDF_INTERACTIVE, NULL, NULL, 0, &cause),
	    XJ_OK);
	v = tl_query(a, "SELECT set_by FROM slot_setter WHERE operator = "
	    "'reception1'");
	assert_non_null(v);
	assert_string_equal(v, "supervisor1");
	free(v);
	assert_true(logged(a, "operator.reset", "reception1", ""));
	session_free(a);

	assert_int_equal(session_load(f->b->config, NULL, &r, &cause), XJ_OK);
	assert_int_equal(session_login(r, "reception1", "set by supervisor1",
	    18, &cause), XJ_OK);
	assert_non_null(r->set_by);
	assert_string_equal(r->set_by, "supervisor1");
	assert_true(r->set_at > 0 && r->set_at <= xj_now());
	/* Theirs to choose: not the one supervisor1 knows. */
	assert_int_equal(session_operator_passwd(r, "set by supervisor1", 18,
	    "set by supervisor1", 18, KDF_INTERACTIVE, &cause), XJ_EDATA);
	assert_non_null(strstr(cause, "supervisor1"));
	free(cause);
	cause = NULL;
	assert_int_equal(session_operator_passwd(r, "set by supervisor1", 18,
	    "reception1's own", 16, KDF_INTERACTIVE, &cause), XJ_OK);
	assert_null(r->set_by);
	assert_int_equal(query_long(r, "SELECT count(*) FROM slot_setter"), 0);
	assert_true(logged(r, "operator.passwd", "reception1",
	    "rule=first-login set-by=supervisor1"));
	session_free(r);

	/* A later change of their own is no first login's. */
	assert_int_equal(session_load(f->b->config, NULL, &r, &cause), XJ_OK);
	assert_int_equal(session_login(r, "reception1", "reception1's own", 16,
	    &cause), XJ_OK);
	assert_null(r->set_by);
	assert_int_equal(session_operator_passwd(r, "reception1's own", 16,
	    "reception1's own 2", 18, KDF_INTERACTIVE, &cause), XJ_OK);
	assert_true(logged(r, "operator.passwd", "reception1", ""));
	session_free(r);

	/* A slot removed leaves no mark behind. */
	a = tl_login(f->b, "supervisor1");
	assert_int_equal(session_operator_reset(a, "reception2",
	    "set by supervisor1", 18, KDF_INTERACTIVE, NULL, NULL, 0, &cause),
	    XJ_OK);
	assert_int_equal(query_long(a, "SELECT count(*) FROM slot_setter"), 1);
	assert_int_equal(session_operator_remove(a, "reception2", NULL, NULL, 0,
	    &cause), XJ_OK);
	assert_int_equal(query_long(a, "SELECT count(*) FROM slot_setter"), 0);
	session_free(a);
}

/* A slots file that cannot be written. */
static int
save_fails(void *arg, char **cause)
{
	(void)arg;
	return xj_fail(cause, XJ_EIO, "%s", "disk full");
}

/*
 * Test 16.1b: the mark, its entry and the slots file go together: a
 * slots file that cannot be saved leaves neither mark nor entry.
 */
static void
test_slot_setter_atomic(void **state)
{
	struct fixture	*f = *state;
	struct session	*a;
	char		*cause = NULL;
	long		 entries;

	a = tl_login(f->b, "supervisor1");
	entries = query_long(a, "SELECT count(*) FROM audit");
	assert_int_equal(store_log_slot(a->st, "operator.reset", "reception1",
	    "", 1, save_fails, NULL, &cause), XJ_EIO);
	free(cause);
	assert_int_equal(query_long(a, "SELECT count(*) FROM slot_setter"), 0);
	assert_int_equal(query_long(a, "SELECT count(*) FROM audit"), entries);
	session_free(a);
}

/* A change request by s of number's name to name; its id. */
static int64_t
file_change(struct session *s, const char *number, const char *name)
{
	struct field_input	 in = { "name", name };
	char			*cause = NULL;
	int64_t			 id;

	if (store_change_request(s->st, number, &in, 1, "笔误", NULL, &id,
	    &cause) != XJ_OK)
		fail_msg("change request: %s", cause);
	return id;
}

/*
 * Test 16.3: four-eyes counts the hand that set a slot.  supervisor1
 * reset reception1's passphrase: until reception1 chooses their own,
 * supervisor1 may not decide reception1's requests, and a supervisor
 * whose slot supervisor1 reset may not decide supervisor1's, each
 * refusal logged; a third supervisor may.  Once the owner has chosen
 * their own, the rule is the plain one again.
 */
static void
test_slot_tie(void **state)
{
	struct fixture	*f = *state;
	struct session	*a, *r, *c;
	char		*cause = NULL, *n, pw[64];
	int64_t		 id, id2;

	tl_list_operator(f->b, "supervisor3", "孙丽", "supervisor");
	a = tl_login(f->b, "supervisor1");
	n = tl_enrol(a, "周一", "2016-04", "周父", "13700000016", NULL);
	assert_non_null(n);
	assert_int_equal(session_operator_reset(a, "reception1",
	    "set by supervisor1", 18, KDF_INTERACTIVE, NULL, NULL, 0, &cause),
	    XJ_OK);
	/* supervisor3 gets a slot; supervisor2 agrees. */
	tl_pass("supervisor2", pw, sizeof pw);
	assert_int_equal(session_operator_add(a, "supervisor3",
	    "pass-supervisor3", 16, KDF_INTERACTIVE, "supervisor2", pw,
	    strlen(pw), &cause), XJ_OK);
	session_free(a);

	/* The store asks, whichever door the request came by. */
	assert_int_equal(session_load(f->b->config, NULL, &r, &cause), XJ_OK);
	assert_int_equal(session_login(r, "reception1", "set by supervisor1",
	    18, &cause), XJ_OK);
	id = file_change(r, n, "周改名");
	a = tl_login(f->b, "supervisor1");
	assert_int_equal(store_request_approve(a->st, id, &cause), XJ_EPERM);
	assert_non_null(strstr(cause, "陈静 (supervisor1)"));
	assert_non_null(strstr(cause, "王丽 (reception1)"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_request_reject(a->st, id, "不行", &cause),
	    XJ_EPERM);
	free(cause);
	cause = NULL;
	assert_int_equal(query_long(a, "SELECT count(*) FROM audit WHERE "
	    "action = 'access.denied' AND detail LIKE 'rule=slot-setter %'"),
	    2);
	assert_int_equal(query_long(a, "SELECT count(*) FROM request WHERE "
	    "state = 'pending'"), 1);
	/* The other way round: supervisor3's slot is supervisor1's doing. */
	assert_int_equal(store_status_request(a->st, n, STATUS_COMPLETED,
	    "结课", &id2, &cause), XJ_OK);
	c = tl_login(f->b, "supervisor3");
	assert_int_equal(store_request_reject(c->st, id2, "不行", &cause),
	    XJ_EPERM);
	free(cause);
	cause = NULL;
	/* But supervisor3 may decide reception1's, as supervisor2 may. */
	assert_int_equal(store_request_approve(c->st, id, &cause), XJ_OK);
	session_free(c);
	c = tl_login(f->b, "supervisor2");
	assert_int_equal(store_request_reject(c->st, id2, "不行", &cause),
	    XJ_OK);
	session_free(c);

	/* reception1 chooses their own: supervisor1 decides again. */
	assert_int_equal(session_operator_passwd(r, "set by supervisor1", 18,
	    "reception1's own", 16, KDF_INTERACTIVE, &cause), XJ_OK);
	id = file_change(r, n, "周再改");
	assert_int_equal(store_request_reject(a->st, id, "不行", &cause),
	    XJ_OK);
	session_free(a);
	session_free(r);
	free(n);
}

/*
 * Test 16.4: adding or removing a supervisor who manages operators
 * takes a second one, as a reset does.  Adding supervisor3 needs
 * supervisor2 (not supervisor3, nor a wrong passphrase); removing them
 * needs someone but the actor, supervisor3 themselves included; each
 * logged with agreed=.  With nobody else holding a slot, the first
 * supervisors come alone, and a receptionist needs nobody.
 */
static void
test_operator_agreement(void **state)
{
	struct fixture	*f = *state;
	struct session	*a, *c;
	char		*cause = NULL, pw[64], pw3[64];

	tl_list_operator(f->b, "supervisor3", "孙丽", "supervisor");
	tl_pass("supervisor2", pw, sizeof pw);
	tl_pass("supervisor3", pw3, sizeof pw3);
	a = tl_login(f->b, "supervisor1");
	assert_int_equal(session_operator_agreement(a, "supervisor3", SLOT_ADD),
	    AGREE_NEEDED);
	assert_int_equal(session_operator_agreement(a, "reception1",
	    SLOT_REMOVE), AGREE_NONE);
	assert_int_equal(session_operator_add(a, "supervisor3", pw3,
	    strlen(pw3), KDF_INTERACTIVE, NULL, NULL, 0, &cause), XJ_EPERM);
	assert_non_null(strstr(cause, "second supervisor"));
	free(cause);
	cause = NULL;
	assert_int_equal(session_operator_add(a, "supervisor3", pw3,
	    strlen(pw3), KDF_INTERACTIVE, "supervisor3", pw3, strlen(pw3),
	    &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	assert_int_equal(session_operator_add(a, "supervisor3", pw3,
	    strlen(pw3), KDF_INTERACTIVE, "supervisor2", "not theirs", 10,
	    &cause), XJ_EPERM);
	assert_non_null(strstr(cause, "wrong passphrase for supervisor2"));
	free(cause);
	cause = NULL;
	assert_int_equal(query_long(a, "SELECT count(*) FROM audit WHERE "
	    "action = 'operator.add'"), 0);
	assert_int_equal(session_operator_add(a, "supervisor3", pw3,
	    strlen(pw3), KDF_INTERACTIVE, "supervisor2", pw, strlen(pw),
	    &cause), XJ_OK);
	assert_true(logged(a, "operator.add", "supervisor3",
	    "agreed=supervisor2"));

	/* Removing: not alone, not by oneself; the one removed may agree. */
	assert_int_equal(session_operator_remove(a, "supervisor3", NULL, NULL,
	    0, &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	assert_int_equal(session_operator_remove(a, "supervisor3",
	    "supervisor1", "pass-supervisor1", 16, &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	assert_int_equal(session_operator_remove(a, "supervisor3",
	    "supervisor3", pw3, strlen(pw3), &cause), XJ_OK);
	assert_true(logged(a, "operator.remove", "supervisor3",
	    "agreed=supervisor3"));
	assert_int_equal(session_operator_remove(a, "supervisor2",
	    "supervisor2", pw, strlen(pw), &cause), XJ_OK);
	/* A receptionist's removal needs nobody. */
	assert_int_equal(session_operator_remove(a, "reception2", NULL, NULL,
	    0, &cause), XJ_OK);
	assert_true(logged(a, "operator.remove", "reception2", ""));

	/* supervisor1 alone now: the branch's next supervisor comes so. */
	assert_int_equal(session_operator_agreement(a, "supervisor2", SLOT_ADD),
	    AGREE_NONE);
	assert_int_equal(session_operator_add(a, "supervisor2", pw, strlen(pw),
	    KDF_INTERACTIVE, NULL, NULL, 0, &cause), XJ_OK);
	assert_true(logged(a, "operator.add", "supervisor2", ""));
	session_free(a);
	assert_int_equal(session_load(f->b->config, NULL, &c, &cause), XJ_OK);
	assert_int_equal(unlock_as(c, "supervisor2"), XJ_OK);
	assert_string_equal(c->set_by, "supervisor1");
	session_free(c);
}

static void
test_rotation(void **state)
{
	struct fixture		*f = *state;
	struct session		*s, *r;
	struct branch_secret	*next, *old;
	char			*cause = NULL, *n;
	int			 used_next;
	struct store		*st;

	s = tl_login(f->b, "supervisor1");
	n = tl_enrol(s, "周八", "2015-05", "周九", "13300001234", NULL);
	assert_non_null(n);
	old = branch_secret_new();
	memcpy(old, s->secret, sizeof *old);

	/* Step one only: sealed to everyone, database rekeyed, not yet
	 * committed in the slot file, as if the power failed there. */
	next = branch_secret_new();
	assert_int_equal(keyring_rotate_begin(s->keys, next, &cause), XJ_OK);
	assert_int_equal(keyring_save(s->keys, s->secret, s->keyslot_path,
	    &cause), 0);
	assert_int_equal(store_rekey(s->st, next->db_key, s->secret->sign_seed,
	    next->sign_seed, &cause), XJ_OK);
	session_free(s);

	/* Someone else logs in: the rotation is finished for them. */
	r = tl_login(f->b, "reception2");
	assert_int_equal(memcmp(r->secret->db_key, next->db_key, 32), 0);
	/* Its transition was logged by the rotation, not again. */
	assert_int_equal(query_long(r, "SELECT count(*) FROM audit WHERE "
	    "action = 'operator.rotate-key'"), 1);
	session_free(r);
	r = tl_login(f->b, "reception1");
	assert_int_equal(memcmp(r->secret->db_key, next->db_key, 32), 0);
	session_free(r);

	/* The old key opens nothing now. */
	{
		char *db = xj_path_join(f->b->data, STORE_DB_NAME);
		assert_int_equal(store_open(db, old->db_key, NULL, "SH01",
		    &used_next, &st, &cause), XJ_EDATA);
		free(cause);
		assert_int_equal(store_open(db, next->db_key, NULL, "SH02",
		    &used_next, &st, &cause), XJ_EDATA);
		assert_non_null(strstr(cause, "SH01"));
		free(cause);
		free(db);
	}
	branch_secret_free(old);
	branch_secret_free(next);
	free(n);
}

/*
 * Issue 16: a process killed after the database took its new key but
 * before the key transition reached the log.  The next login (anyone's)
 * finishes the rotation and logs the transition then, once, so that a
 * checkpoint signed before still leads to the new key; the full
 * rotation's own entry is not logged twice.
 */
static void
test_rotation_killed_before_log(void **state)
{
	struct fixture		*f = *state;
	struct session		*s, *r;
	struct branch_secret	*next;
	struct checkpoint	 c;
	unsigned char		 pk[CHECKPOINT_PK_BYTES];
	char			*cause = NULL, *text, hex[2 * 32 + 1], sql[256];
	char			*like;
	int64_t			 seq;

	s = tl_login(f->b, "supervisor1");
	free(tl_enrol(s, "周八", "2015-05", "周九", "13300001234", NULL));
	/* A checkpoint under the old signing key. */
	assert_int_equal(checkpoint_make(store_db(s->st), "SH01",
	    s->secret->sign_seed, &text, &seq, &cause), XJ_OK);
	assert_int_equal(checkpoint_parse(text, strlen(text), &c, &cause),
	    XJ_OK);
	free(text);

	/* Sealed to everyone, the database rekeyed; then killed. */
	next = branch_secret_new();
	assert_int_equal(keyring_rotate_begin(s->keys, next, &cause), XJ_OK);
	assert_int_equal(keyring_save(s->keys, s->secret, s->keyslot_path,
	    &cause), 0);
	xj_hex(next->db_key, 32, hex);
	snprintf(sql, sizeof sql, "PRAGMA rekey = \"x'%s'\"", hex);
	assert_int_equal(sqlite3_exec(store_db(s->st), sql, NULL, NULL,
	    NULL), SQLITE_OK);
	session_free(s);

	/* A receptionist's login finishes it, and logs the transition. */
	r = tl_login(f->b, "reception1");
	assert_int_equal(memcmp(r->secret->sign_seed, next->sign_seed, 32),
	    0);
	checkpoint_public_key(next->sign_seed, pk);
	xj_hex(pk, sizeof pk, hex);
	xasprintf(&like, "SELECT count(*) FROM audit WHERE action = "
	    "'operator.rotate-key' AND operator = 'reception1' AND detail "
	    "LIKE '%% new=%s %%'", hex);
	assert_int_equal(query_long(r, like), 1);
	/* The old checkpoint leads to the new key through it. */
	assert_int_equal(checkpoint_follow(store_db(r->st), "SH01", pk, &c,
	    &cause), XJ_OK);
	assert_int_equal(checkpoint_check(store_db(r->st), "SH01", c.pk, &c,
	    &cause), XJ_OK);
	session_free(r);
	/* Once: the next login finds it there. */
	r = tl_login(f->b, "reception2");
	assert_int_equal(query_long(r, "SELECT count(*) FROM audit WHERE "
	    "action = 'operator.rotate-key'"), 1);
	session_free(r);
	free(like);
	branch_secret_free(next);
	tl_check_db(f->b);
}

/*
 * Issue: anyone who could write the key-slot file could add a slot of
 * their own, and the next rotation sealed the new secret to it.  A login
 * now refuses the file, opens no database, writes nothing back, and the
 * refusal reaches the log once the file is restored.
 */
static void
test_keyslots_altered(void **state)
{
	struct fixture		*f = *state;
	struct session		*s;
	struct keyring		*kr;
	struct branch_secret	*theirs;
	char			*cause = NULL, *path, *good, *forged, *now, *v;
	char			 pw[64];
	size_t			 len, flen;
	int			 i;

	path = xj_path_join(f->b->data, STORE_KEYSLOTS_NAME);
	assert_int_equal(xj_read_file(path, 1 << 20, &good, &len, &cause),
	    XJ_OK);

	/* The real slots, one more of their own, sealed with what they have. */
	theirs = branch_secret_new();
	assert_int_equal(keyring_load(path, &kr, &cause), XJ_OK);
	assert_int_equal(keyring_add(kr, "intruder", "their passphrase", 16,
	    KDF_INTERACTIVE, theirs, &cause), XJ_OK);
	assert_int_equal(keyring_save(kr, theirs, path, &cause), XJ_OK);
	keyring_free(kr);
	branch_secret_free(theirs);
	assert_int_equal(xj_read_file(path, 1 << 20, &forged, &flen, &cause),
	    XJ_OK);
	/* Appended: everything up to the old end line is unchanged. */
	assert_memory_equal(forged, good, (size_t)(strstr(good, "\nend ") -
	    good));

	/* Every login fails while the file stays as it is. */
	assert_int_equal(session_load(f->b->config, NULL, &s, &cause), XJ_OK);
	tl_pass("supervisor1", pw, sizeof pw);
	for (i = 0; i < 2; i++) {
		assert_int_equal(session_login(s, "supervisor1", pw,
		    strlen(pw), &cause), XJ_EDATA);
		assert_non_null(strstr(cause, "changed outside xueji"));
		assert_non_null(strstr(cause, path));
		free(cause);
		cause = NULL;
		assert_null(s->st);
		assert_null(s->secret);
		assert_null(s->keys);
	}
	session_free(s);
	assert_int_equal(xj_read_file(path, 1 << 20, &now, NULL, &cause),
	    XJ_OK);
	assert_string_equal(now, forged);
	free(now);

	/* Restored from the copy: logins work, and the log has both. */
	assert_int_equal(xj_write_file_atomic(path, good, len, 0600, &cause),
	    XJ_OK);
	s = tl_login(f->b, "auditor1");
	assert_int_equal(query_long(s, "SELECT count(*) FROM audit WHERE "
	    "action = 'login.failed' AND operator = 'supervisor1' AND "
	    "detail = 'reason=keyslots-altered'"), 2);
	v = tl_query(s, "SELECT count(*) FROM audit WHERE action = 'login.failed' "
	    "AND detail != 'reason=keyslots-altered'");
	assert_string_equal(v, "0");
	free(v);
	session_free(s);
	free(forged);
	free(good);
	free(path);
}

/*
 * Marker names and phones must not appear in any byte of any file in the
 * data directory: database, WAL, shared memory, key slots.
 */
static void
test_no_plaintext_on_disk(void **state)
{
	static const char *const names[] = {
		"欧阳娜娜标记", "司马光标记", "MarkerZhang", "Xuejimarker",
	};
	static const char *const phones[] = {
		"13912345670", "13912345671", "021-87654320", "13912345673",
	};
	struct fixture	*f = *state;
	struct session	*r, *a;
	char		*n, *where;
	size_t		 i;

	r = tl_login(f->b, "reception1");
	for (i = 0; i < nitems(names); i++) {
		n = tl_enrol(r, names[i], "2017-04", "监护人标记", phones[i],
		    NULL);
		assert_non_null(n);
		free(n);
	}
	/* While the session is open too: the WAL holds the newest pages. */
	for (i = 0; i < nitems(names); i++) {
		if (tl_tree_contains(f->b->data, names[i], &where))
			fail_msg("\"%s\" found in %s", names[i], where);
		if (tl_tree_contains(f->b->data, phones[i], &where))
			fail_msg("a phone found in %s", where);
	}
	assert_false(tl_tree_contains(f->b->data, "监护人标记", NULL));
	assert_false(tl_tree_contains(f->b->data, "pass-reception1", NULL));
	session_free(r);
	a = tl_login(f->b, "auditor1");
	session_free(a);
	for (i = 0; i < nitems(names); i++) {
		assert_false(tl_tree_contains(f->b->data, names[i], NULL));
		assert_false(tl_tree_contains(f->b->data, phones[i], NULL));
	}
	/* And the scan can find what is there, so its silence means something. */
	free(tl_write(f->b->dir, "control", "x 欧阳娜娜标记 y", 0600));
	assert_true(tl_tree_contains(f->b->dir, names[0], NULL));
}

/*
 * A branch adds a field by editing its form, with no code or schema
 * change: an optional, sensitive "allergies".  It is stored, shown to
 * roles with student.sensitive only, and uncovering it is logged.
 */
static void
test_added_sensitive_field(void **state)
{
	struct fixture		*f = *state;
	struct tl_branch	*b;
	struct session		*r, *sv;
	struct student		*st;
	const struct field_input in[] = {
		{ "name", "林小雨" }, { "birth_month", "2016-05" },
		{ "guardian_name", "林大山" }, { "guardian_phone", "13611112222" },
		{ "allergies", "花生过敏标记" },
	};
	struct enrolment	 en = { in, nitems(in), "in-person", 0 };
	char			*dir, *n, *dup, *cause = NULL, *a;

	(void)f;
	dir = tl_forms_dir(tl_form_allergies);
	b = tl_branch_forms(dir, NULL);
	r = tl_login(b, "reception1");
	assert_int_equal(store_student_add(r->st, &en, &n, &dup, &cause),
	    XJ_OK);
	/* The receptionist does not get the value at all. */
	assert_int_equal(store_student_get(r->st, n, &st, &cause), XJ_OK);
	assert_null(student_value(st, "allergies"));
	student_free(st);
	assert_int_equal(store_student_reveal(r->st, n, "allergies", &cause),
	    XJ_EPERM);
	free(cause);
	/* A supervisor does; uncovering it is a logged act of its own. */
	sv = tl_login(b, "supervisor1");
	assert_int_equal(store_student_get(sv->st, n, &st, &cause), XJ_OK);
	assert_string_equal(student_value(st, "allergies"), "花生过敏标记");
	assert_string_equal(st->values[4].key, "allergies");
	student_free(st);
	assert_int_equal(store_student_reveal(sv->st, n, "allergies", &cause),
	    XJ_OK);
	a = tl_query(sv, "SELECT action || ' ' || target || ' ' || fields FROM "
	    "audit ORDER BY seq DESC LIMIT 1");
	assert_non_null(strstr(a, "student.reveal"));
	assert_non_null(strstr(a, "allergies"));
	assert_null(strstr(a, "花生"));
	free(a);
	assert_int_equal(store_student_reveal(sv->st, n, "name", &cause),
	    XJ_EUSAGE);
	free(cause);
	/* Encrypted on disk like the rest. */
	assert_false(tl_tree_contains(b->data, "花生过敏标记", NULL));
	session_free(sv);
	session_free(r);

	/*
	 * Issue 16: sensitivity belongs to the stored value.  A form that
	 * lowers it, or drops the field, shows the receptionist nothing
	 * more: not the record, not its history.  A supervisor still sees
	 * it, and may still uncover it on purpose.
	 */
	{
		static const char *const edits[] = {
			"sensitivity: sensitive", "sensitivity: normal",
		};
		char		*lowered, *p;
		struct history	*h;
		size_t		 nh, i;

		lowered = xstrdup(tl_form_allergies);
		p = strstr(lowered, edits[0]);
		memcpy(p, edits[1], strlen(edits[1]));
		memset(p + strlen(edits[1]), ' ', strlen(edits[0]) -
		    strlen(edits[1]));
		free(tl_write(dir, "enrollment.yaml", lowered, 0644));
		r = tl_login(b, "reception1");
		assert_int_equal(store_student_get(r->st, n, &st, &cause),
		    XJ_OK);
		assert_null(student_value(st, "allergies"));
		assert_non_null(student_value(st, "name"));
		student_free(st);
		assert_int_equal(store_history(r->st, n, &h, &nh, &cause),
		    XJ_OK);
		for (i = 0; i < nh; i++)
			assert_null(strstr(h[i].value, "花生"));
		history_free(h, nh);
		session_free(r);
		sv = tl_login(b, "supervisor1");
		assert_int_equal(store_student_get(sv->st, n, &st, &cause),
		    XJ_OK);
		assert_string_equal(student_value(st, "allergies"),
		    "花生过敏标记");
		student_free(st);
		assert_int_equal(store_student_reveal(sv->st, n, "allergies",
		    &cause), XJ_OK);
		session_free(sv);
		/* Dropped from the form altogether: the same. */
		p = strstr(lowered, "  - {key: allergies");
		strcpy(p, "consent:\n"
		    "  - {value: in-person, label: {zh: 当面, en: In person}}\n");
		free(tl_write(dir, "enrollment.yaml", lowered, 0644));
		r = tl_login(b, "reception1");
		assert_int_equal(store_student_get(r->st, n, &st, &cause),
		    XJ_OK);
		assert_null(student_value(st, "allergies"));
		student_free(st);
		session_free(r);
		free(lowered);
	}
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
	tl_rmtree(dir);
	free(dir);
}

static void
test_find_by_pinyin(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct student	**v;
	char		*n1, *n2, *n3, *cause = NULL;
	size_t		 n;

	n1 = tl_enrol(r, "张三", "2018-01", "张父", "13811112222", NULL);
	n2 = tl_enrol(r, "曾小乐", "2017-01", "曾母", "13933334444", NULL);
	n3 = tl_enrol(r, "欧阳𠮷·娜", "2016-01", "欧阳父", "13955556666", NULL);
	assert_int_equal(store_student_find(r->st, "zs", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->number, n1);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "ZhangS", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	students_free(v, n);
	/* 曾 as a surname is zeng; the everyday ceng finds it too. */
	assert_int_equal(store_student_find(r->st, "zengxiaoyue", 10, NULL, &v,
	    &n, &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->number, n2);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "zxl", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "oyjn", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->number, n3);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "ouyang", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "wang", 10, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 0);
	students_free(v, n);
	free(n1);
	free(n2);
	free(n3);
	session_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_settings_read_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_and_show, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_enrol_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_again, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_matrix, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_id_backoff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_login_backoff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_login, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forms_hash_logged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roles_hash_logged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_rotation_killed_before_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_setter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slot_setter_atomic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slot_tie, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_operator_agreement, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slots_two_terminals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exclusive_then_shared,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyslots_altered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_added_sensitive_field,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_by_pinyin, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext_on_disk,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
