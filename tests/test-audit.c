/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The audit chain: it verifies when untouched, and an edited, deleted or
 * reordered entry is found and named.  Tampering is done the way an
 * attacker holding the key would: drop the guards, change the rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "lib/testlib.h"
#include "lib/branch.h"

struct fixture {
	struct tl_branch	*b;
	struct session		*s;
	sqlite3			*db;
};

static int
setup(void **state)
{
	static const char *const names[] = {
		"学生甲", "学生乙", "学生丙", "学生丁", "学生戊",
	};
	struct fixture	*f = xcalloc(1, sizeof *f);
	char		*n;
	size_t		 i;

	f->b = tl_branch_new();
	f->s = tl_login(f->b, "reception1");
	for (i = 0; i < nitems(names); i++) {
		n = tl_enrol(f->s, names[i], "2018-03", "家长", "13800000000",
		    NULL);
		assert_non_null(n);
		free(n);
	}
	f->db = store_db(f->s->st);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	session_free(f->s);
	tl_branch_free(f->b);
	free(f);
	return 0;
}

static int
verify(sqlite3 *db, int64_t *bad, char **cause)
{
	int64_t	count;

	return audit_verify(db, "SH01", &count, bad, NULL, NULL, cause);
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static void
test_intact(void **state)
{
	struct fixture	*f = *state;
	int64_t		 count, bad;
	char		*cause = NULL;

	assert_int_equal(audit_verify(f->db, "SH01", &count, &bad, NULL, NULL,
	    &cause), XJ_OK);
	/* branch.create, config.roles, 5 × student.enroll */
	assert_int_equal(count, 7);
	/* Another branch's genesis does not verify this chain. */
	assert_int_equal(audit_verify(f->db, "SH02", &count, &bad, NULL, NULL,
	    &cause), XJ_TAMPERED);
	assert_int_equal(bad, 1);
	free(cause);
}

static void
test_guards(void **state)
{
	struct fixture	*f = *state;

	assert_int_not_equal(sqlite3_exec(f->db, "UPDATE audit SET operator "
	    "= 'x' WHERE seq = 3", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->db, "DELETE FROM audit WHERE "
	    "seq = 3", NULL, NULL, NULL), SQLITE_OK);
}

static void
drop_guards(sqlite3 *db)
{
	exec_ok(db, "DROP TRIGGER audit_no_update");
	exec_ok(db, "DROP TRIGGER audit_no_delete");
}

static void
test_edited(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	drop_guards(f->db);
	exec_ok(f->db, "UPDATE audit SET operator = 'supervisor1' WHERE "
	    "seq = 4");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 4);
	assert_non_null(strstr(cause, "4"));
	free(cause);
}

static void
test_edited_time(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	drop_guards(f->db);
	exec_ok(f->db, "UPDATE audit SET at = at - 86400 WHERE seq = 6");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 6);
	free(cause);
}

static void
test_deleted(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	drop_guards(f->db);
	exec_ok(f->db, "DELETE FROM audit WHERE seq = 5");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 5);
	assert_non_null(strstr(cause, "missing"));
	free(cause);
}

static void
test_deleted_and_renumbered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	/* Hide the gap by shifting every later entry down by one. */
	drop_guards(f->db);
	exec_ok(f->db, "DELETE FROM audit WHERE seq = 5");
	exec_ok(f->db, "UPDATE audit SET seq = seq - 1 WHERE seq > 5");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 5);
	free(cause);
}

static void
test_reordered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	/* Swap two entries, hashes and all. */
	drop_guards(f->db);
	exec_ok(f->db, "UPDATE audit SET seq = -1 WHERE seq = 4;"
	    "UPDATE audit SET seq = 4 WHERE seq = 5;"
	    "UPDATE audit SET seq = 5 WHERE seq = -1");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 4);
	free(cause);
}

static void
test_forged_tail(void **state)
{
	struct fixture		*f = *state;
	struct audit_entry	 e;
	int64_t			 bad;
	char			*cause = NULL;

	/*
	 * Appending through the API keeps the chain; an entry with a made-up
	 * hash does not.  (Rewriting the whole tail with correct hashes is
	 * what signed checkpoints catch, later.)
	 */
	memset(&e, 0, sizeof e);
	e.operator = "x";
	e.action = "test.append";
	assert_int_equal(audit_append(f->db, "SH01", &e, &cause), XJ_OK);
	assert_int_equal(verify(f->db, &bad, &cause), XJ_OK);
	exec_ok(f->db, "INSERT INTO audit (seq, at, operator, action, hash) "
	    "VALUES ((SELECT max(seq) + 1 FROM audit), 0, 'x', 'forged', "
	    "zeroblob(32))");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 9);
	free(cause);
}

static void
test_canonical_unambiguous(void **state)
{
	struct audit_entry	a, b;
	unsigned char		prev[AUDIT_HASH_BYTES], ha[32], hb[32];

	(void)state;
	/* Moving a byte between neighbouring fields changes the hash. */
	memset(&a, 0, sizeof a);
	memset(prev, 0, sizeof prev);
	a.seq = 1; a.at = 2; a.operator = "ab"; a.action = "c";
	a.target = ""; a.fields = ""; a.detail = "";
	b = a;
	b.operator = "a"; b.action = "bc";
	audit_hash(prev, &a, ha);
	audit_hash(prev, &b, hb);
	assert_memory_not_equal(ha, hb, sizeof ha);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_and_renumbered,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_tail, setup,
		    teardown),
		cmocka_unit_test(test_canonical_unambiguous),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
