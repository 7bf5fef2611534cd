/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The role matrix: every permission of perm_table[] × every operator of
 * the shipped roles.yaml, against the store.  An operation is allowed
 * exactly when roles.yaml grants the permission, and every refusal is in
 * the log.  A permission added without an exercise here fails the suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/backup.h"
#include "xueji/guardian.h"
#include "xueji/import.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/report.h"
#include "xueji/destroy.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

struct ctx {
	struct tl_branch	*b;
	struct session		*s;	/* the operator under test */
	const char		*other;	/* a receptionist who is not them */
	int			 serial;
};

/* A new student enrolled by someone else; its number (malloc'd). */
static char *
fresh_student(struct ctx *c)
{
	struct session	*o = tl_login(c->b, c->other);
	char		 name[32], phone[16], *n;

	snprintf(name, sizeof name, "矩阵%s%s", (const char *[]){ "甲", "乙",
	    "丙", "丁", "戊", "己", "庚", "辛" }[c->serial % 8],
	    (const char *[]){ "一", "二", "三", "四", "五", "六", "七",
	    "八" }[c->serial / 8 % 8]);
	snprintf(phone, sizeof phone, "139%08d", c->serial++);
	n = tl_enrol(o, name, "2016-04", "家长", phone, NULL);
	assert_non_null(n);
	session_free(o);
	return n;
}

/* A pending change request on a fresh student, filed by someone else. */
static int64_t
foreign_change(struct ctx *c, char **number)
{
	struct session		*o = tl_login(c->b, c->other);
	const struct field_input in[] = { { "guardian_name", "另一位家长" } };
	char			*cause = NULL;
	int64_t			 id;

	*number = fresh_student(c);
	assert_int_equal(store_change_request(o->st, *number, in, 1, "更正",
	    NULL, &id, &cause), XJ_OK);
	session_free(o);
	return id;
}

static int
allowed(int rc)
{
	return rc != XJ_EPERM;
}

static int
ex_enrol(struct ctx *c)
{
	const struct field_input in[] = {
		{ "name", "新生" }, { "birth_month", "2016-05" },
		{ "guardian_name", "家长" }, { "guardian_phone", "13700000000" },
	};
	struct enrolment	 en = { in, 4, "online", 0 };
	char			*n = NULL, *dup = NULL, *cause = NULL;
	int			 rc;

	rc = store_student_add(c->s->st, &en, &n, &dup, &cause);
	free(n);
	free(dup);
	free(cause);
	return allowed(rc);
}

static int
ex_view(struct ctx *c)
{
	struct student	*st = NULL;
	char		*n = fresh_student(c), *cause = NULL;
	int		 rc;

	rc = store_student_get(c->s->st, n, &st, &cause);
	student_free(st);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_search(struct ctx *c)
{
	struct student	**v = NULL;
	size_t		  n = 0;
	char		 *cause = NULL;
	int		  rc;

	rc = store_student_find(c->s->st, "矩阵", 5, NULL, &v, &n, &cause);
	students_free(v, n);
	free(cause);
	return allowed(rc);
}

/* Seeing a phone whole is the permission; masked is its absence. */
static int
ex_phone(struct ctx *c)
{
	struct student	*st = NULL;
	char		*n = fresh_student(c), *cause = NULL;
	int		 whole = 0;

	if (store_student_get(c->s->st, n, &st, &cause) == XJ_OK)
		whole = strchr(student_value(st, "guardian_phone"), '*') ==
		    NULL;
	student_free(st);
	free(cause);
	free(n);
	return whole;
}

static int
ex_sensitive(struct ctx *c)
{
	char	*n = fresh_student(c), *cause = NULL;
	int	 rc;

	/* The shipped form has no sensitive field: past the gate, EUSAGE. */
	rc = store_student_reveal(c->s->st, n, "name", &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_duplicate(struct ctx *c)
{
	const struct field_input in[] = {
		{ "name", "重复" }, { "birth_month", "2016-05" },
		{ "guardian_name", "家长" }, { "guardian_phone", "13600000000" },
	};
	struct enrolment	 en = { in, 4, "online", 1 };
	char			*n = NULL, *dup = NULL, *cause = NULL;
	int			 rc;

	rc = store_student_add(c->s->st, &en, &n, &dup, &cause);
	free(n);
	free(dup);
	free(cause);
	return allowed(rc);
}

static int
ex_change_request(struct ctx *c)
{
	const struct field_input in[] = { { "guardian_name", "新家长" } };
	char	*n = fresh_student(c), *cause = NULL;
	int64_t	 id;
	int	 rc;

	rc = store_change_request(c->s->st, n, in, 1, "更正", NULL, &id,
	    &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_change_approve(struct ctx *c)
{
	char	*n, *cause = NULL;
	int64_t	 id = foreign_change(c, &n);
	int	 rc;

	rc = store_request_approve(c->s->st, id, &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_change_confirm(struct ctx *c)
{
	struct session	*sv;
	char		*n, *cause = NULL;
	int64_t		 id = foreign_change(c, &n);
	int		 rc;

	sv = tl_login(c->b, strcmp(c->s->op->id, "supervisor1") == 0 ?
	    "supervisor2" : "supervisor1");
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	session_free(sv);
	rc = store_change_confirm(c->s->st, id, "phone", &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_status_request(struct ctx *c)
{
	char	*n = fresh_student(c), *cause = NULL;
	int64_t	 id;
	int	 rc;

	rc = store_status_request(c->s->st, n, STATUS_COMPLETED, "结课", &id,
	    &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_status_set(struct ctx *c)
{
	char	*n = fresh_student(c), *cause = NULL;
	int	 rc;

	rc = store_status_set(c->s->st, n, STATUS_COMPLETED, "结课", &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_status_review(struct ctx *c)
{
	char	*n = fresh_student(c), *cause = NULL;
	int	 rc;

	rc = store_review(c->s->st, n, NULL, &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_destroy_request(struct ctx *c)
{
	char	*n = fresh_student(c), *cause = NULL;
	int64_t	 id;
	int	 rc;

	rc = store_destroy_request(c->s->st, n, "guardian-request", &id,
	    &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
ex_destroy_approve(struct ctx *c)
{
	struct session	*o = tl_login(c->b, c->other);
	char		*n = fresh_student(c), *cause = NULL;
	int64_t		 id;
	int		 rc;

	assert_int_equal(store_destroy_request(o->st, n, "guardian-request",
	    &id, &cause), XJ_OK);
	session_free(o);
	rc = store_request_approve(c->s->st, id, &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

static int
nop(const struct audit_entry *e, void *arg)
{
	(void)e;
	(void)arg;
	return 0;
}

static int
ex_audit_view(struct ctx *c)
{
	struct audit_filter	f = { .limit = 1 };
	char			*cause = NULL;
	int			 rc;

	rc = store_audit_each(c->s->st, &f, nop, NULL, &cause);
	free(cause);
	return allowed(rc);
}

static int
ex_audit_verify(struct ctx *c)
{
	char	*cause = NULL;
	int64_t	 n, bad;
	int	 rc;

	rc = store_verify(c->s->st, &n, &bad, &cause);
	free(cause);
	return allowed(rc);
}

static int
ex_checkpoint(struct ctx *c)
{
	char	*text = NULL, *cause = NULL;
	int64_t	 seq;
	int	 rc;

	rc = store_checkpoint(c->s->st, c->s->secret->sign_seed, &text, &seq,
	    &cause);
	free(text);
	free(cause);
	return allowed(rc);
}

static int
ex_operator_manage(struct ctx *c)
{
	char	*cause = NULL;
	int	 rc;

	/* Re-encrypting under the same keys changes nothing else. */
	rc = store_rekey(c->s->st, c->s->secret->db_key,
	    c->s->secret->sign_seed, c->s->secret->sign_seed, &cause);
	free(cause);
	return allowed(rc);
}

static int
ex_report(struct ctx *c)
{
	struct report	*r = NULL;
	char		*cause = NULL;
	int		 rc;

	rc = store_report(c->s->st, REPORT_STATUS, xj_now(), &r, &cause);
	report_free(r);
	free(cause);
	return allowed(rc);
}

static int
ex_backup(struct ctx *c)
{
	char	*path, *out = NULL, *cause = NULL;
	int	 rc;

	xasprintf(&path, "%s/matrix-%d.xjb", c->b->dir, c->serial++);
	rc = store_backup(c->s->st, c->s->secret->db_key, path, &out, &cause);
	free(out);
	free(cause);
	free(path);
	return allowed(rc);
}

static int
ex_restore(struct ctx *c)
{
	char	*safety = NULL, *cause = NULL;
	int	 rc;

	/* Past the gate it fails on the missing file: nothing restored. */
	rc = session_restore(c->s, "/nonexistent/backup.xjb", &safety,
	    &cause);
	free(safety);
	free(cause);
	return allowed(rc);
}

static int
ex_import(struct ctx *c)
{
	struct import_rows	rows;
	struct import_report	rep;
	char			*cause = NULL;
	int			 rc;

	/* No rows: refused past the gate, nothing written. */
	memset(&rows, 0, sizeof rows);
	memset(&rep, 0, sizeof rep);
	rc = store_import(c->s->st, &rows, "online", 1, &rep, &cause);
	import_report_free(&rep);
	free(cause);
	return allowed(rc);
}

static int
ex_export(struct ctx *c)
{
	FILE	*f = tmpfile();
	char	*cause = NULL;
	size_t	 rows;
	int	 rc;

	assert_non_null(f);
	rc = store_export(c->s->st, f, -1, "矩阵测试", EXPORT_UTF8_BOM, &rows,
	    &cause);
	fclose(f);
	free(cause);
	return allowed(rc);
}

static int
ex_request_manage(struct ctx *c)
{
	char	*n = fresh_student(c), *cause = NULL;
	int64_t	 id;
	int	 rc;

	rc = store_guardian_add(c->s->st, GUARDIAN_COMPLAINT, n, xj_now(),
	    "phone", "家长来电", &id, &cause);
	free(cause);
	free(n);
	return allowed(rc);
}

/*
 * One exercise per permission.  NULL marks one whose operations are not
 * built yet, by issue: the test names them, so they are not forgotten.
 */
static int (*const exercise[PERM__COUNT])(struct ctx *) = {
	[PERM_STUDENT_ENROL] = ex_enrol,
	[PERM_STUDENT_VIEW] = ex_view,
	[PERM_STUDENT_SEARCH] = ex_search,
	[PERM_STUDENT_PHONE] = ex_phone,
	[PERM_STUDENT_SENSITIVE] = ex_sensitive,
	[PERM_STUDENT_DUPLICATE] = ex_duplicate,
	[PERM_CHANGE_REQUEST] = ex_change_request,
	[PERM_CHANGE_APPROVE] = ex_change_approve,
	[PERM_CHANGE_CONFIRM] = ex_change_confirm,
	[PERM_STATUS_REQUEST] = ex_status_request,
	[PERM_STATUS_SET] = ex_status_set,
	[PERM_STATUS_REVIEW] = ex_status_review,
	[PERM_DESTROY_REQUEST] = ex_destroy_request,
	[PERM_DESTROY_APPROVE] = ex_destroy_approve,
	[PERM_AUDIT_VIEW] = ex_audit_view,
	[PERM_AUDIT_VERIFY] = ex_audit_verify,
	[PERM_CHECKPOINT_WRITE] = ex_checkpoint,
	[PERM_OPERATOR_MANAGE] = ex_operator_manage,
	[PERM_REPORT_VIEW] = ex_report,
	[PERM_BACKUP_RUN] = ex_backup,
	[PERM_RESTORE_RUN] = ex_restore,
	[PERM_IMPORT_RUN] = ex_import,
	[PERM_EXPORT_RUN] = ex_export,
	[PERM_REQUEST_MANAGE] = ex_request_manage,
};

/* Permissions whose operations are not built yet: none now. */
static const enum perm not_built_yet[] = { PERM__COUNT };

static int
is_not_built(enum perm p)
{
	size_t	i;

	for (i = 0; i < nitems(not_built_yet); i++) {
		if (not_built_yet[i] == p)
			return 1;
	}
	return 0;
}

static void
test_every_permission_has_an_exercise(void **state)
{
	size_t	p;

	(void)state;
	for (p = 0; p < PERM__COUNT; p++) {
		if (exercise[p] == NULL && !is_not_built((enum perm)p))
			fail_msg("permission %s has no exercise in "
			    "tests/test-roles.c", perm_table[p].name);
		if (exercise[p] != NULL && is_not_built((enum perm)p))
			fail_msg("%s is built now: take it off not_built_yet",
			    perm_table[p].name);
	}
}

static void
run_operator(const char *id)
{
	struct ctx	 c;
	char		*before, *after;
	size_t		 p;
	int		 want, got;

	memset(&c, 0, sizeof c);
	c.b = tl_branch_new();
	c.other = strcmp(id, "reception2") == 0 ? "reception1" : "reception2";
	for (p = 0; p < PERM__COUNT; p++) {
		if (exercise[p] == NULL)
			continue;
		c.s = tl_login(c.b, id);
		want = policy_allows(c.s->op, (enum perm)p);
		before = tl_query(c.s, "SELECT count(*) FROM audit WHERE "
		    "action = 'access.denied'");
		got = exercise[p](&c);
		after = tl_query(c.s, "SELECT count(*) FROM audit WHERE "
		    "action = 'access.denied'");
		if (want != got)
			fail_msg("%s: %s is %s by roles.yaml but the store %s "
			    "it", id, perm_table[p].name, want ? "granted" :
			    "withheld", got ? "allowed" : "refused");
		/* Every refusal is logged (seeing a masked phone is none). */
		if (!got && p != PERM_STUDENT_PHONE &&
		    strcmp(before, after) == 0)
			fail_msg("%s: refusal of %s not logged", id,
			    perm_table[p].name);
		free(before);
		free(after);
		session_free(c.s);
	}
	tl_check_db(c.b);
	tl_branch_free(c.b);
}

static void
test_receptionist(void **state)
{
	(void)state;
	run_operator("reception1");
}

static void
test_supervisor(void **state)
{
	(void)state;
	run_operator("supervisor1");
}

/*
 * The auditor can change nothing: roles.yaml grants them no permission
 * that writes, and run_operator has shown the store agrees for each.
 */
static void
test_auditor(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	size_t			 p;

	(void)state;
	run_operator("auditor1");
	b = tl_branch_new();
	s = tl_login(b, "auditor1");
	for (p = 0; p < PERM__COUNT; p++) {
		if (perm_table[p].writes && policy_allows(s->op, (enum perm)p))
			fail_msg("auditors may %s, which writes",
			    perm_table[p].name);
	}
	session_free(s);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_permission_has_an_exercise),
		cmocka_unit_test(test_receptionist),
		cmocka_unit_test(test_supervisor),
		cmocka_unit_test(test_auditor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
