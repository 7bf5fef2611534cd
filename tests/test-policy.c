/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * roles.yaml: the permission table, loading, every refusal with its
 * position, file modes and owners, the hash, and the shipped roles.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/policy.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/report.h"
#include "lib/testlib.h"

static const char good_yaml[] =
    "# two roles and an empty one\n"
    "roles:\n"
    "  clerk: [student.view, student.search]\n"
    "  boss:\n"
    "    - student.view\n"
    "    - change.approve\n"
    "  nobody: []\n"
    "operators:\n"
    "  - id: a.b-c_1\n"
    "    name: 欧阳·娜娜\n"
    "    role: clerk\n"
    "  - {id: boss1, name: 司马光, role: boss}\n";

/* Write content as roles.yaml with mode in a new directory and load it. */
static int
load_mode(const char *content, mode_t mode, struct policy **out,
    char **cause)
{
	char	*dir, *path;
	int	 rc;

	dir = tl_tmpdir();
	path = tl_write(dir, "roles.yaml", content, mode);
	*out = NULL;
	*cause = NULL;
	rc = policy_load(path, out, cause);
	free(path);
	tl_rmtree(dir);
	free(dir);
	return rc;
}

/* The content must be refused with XJ_ECONFIG, naming where and why. */
static void
refused(const char *content, const char *where, const char *what)
{
	struct policy	*pol;
	char		*cause;

	assert_int_equal(load_mode(content, 0600, &pol, &cause), XJ_ECONFIG);
	assert_null(pol);
	assert_non_null(cause);
	if (strstr(cause, where) == NULL || strstr(cause, what) == NULL)
		fail_msg("expected \"%s\" and \"%s\" in: %s", where, what,
		    cause);
	free(cause);
}

static void
test_perm_table(void **state)
{
	static const char *names[PERM__COUNT] = {
		"student.enroll", "student.view", "student.search",
		"student.phone", "student.sensitive", "student.duplicate",
		"change.request", "change.approve", "change.confirm",
		"status.request", "status.set", "status.review",
		"destroy.request", "destroy.approve", "audit.view",
		"audit.verify", "checkpoint.write", "report.view",
		"backup.run", "restore.run", "import.run", "export.run",
		"request.manage", "operator.manage",
	};
	int	 i;

	(void)state;
	assert_true(PERM__COUNT <= 64);
	for (i = 0; i < PERM__COUNT; i++) {
		assert_int_equal(perm_table[i].perm, i);
		assert_string_equal(perm_table[i].name, names[i]);
		assert_non_null(perm_table[i].help);
		/* Issue 20: a refusal names the permission in words. */
		assert_non_null(perm_table[i].words);
		assert_int_equal(perm_lookup(names[i]), i);
		assert_string_equal(perm_name((enum perm)i), names[i]);
	}
	assert_int_equal(perm_lookup("student"), -1);
	assert_int_equal(perm_lookup("Student.View"), -1);
	assert_int_equal(perm_lookup(""), -1);
	assert_null(perm_name(PERM__COUNT));
	/* Reading is not writing; approving is. */
	assert_false(perm_table[PERM_STUDENT_VIEW].writes);
	assert_false(perm_table[PERM_AUDIT_VIEW].writes);
	assert_true(perm_table[PERM_CHANGE_APPROVE].writes);
	assert_true(perm_table[PERM_STUDENT_ENROL].writes);
}

static void
test_valid_id(void **state)
{
	static const char *good[] = {
		"a", "0", "reception1", "a.b-c_d", "9lives",
		"abcdefghijklmnopqrstuvwxyz012345",	/* 32 */
	};
	static const char *bad[] = {
		"", "Reception1", "_a", ".a", "-a", "a b", "a/b", "王丽",
		"abcdefghijklmnopqrstuvwxyz0123456",	/* 33 */
		"a\n", "a:b",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(good); i++) {
		if (!policy_valid_id(good[i]))
			fail_msg("\"%s\" refused", good[i]);
	}
	for (i = 0; i < nitems(bad); i++) {
		if (policy_valid_id(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	}
	assert_false(policy_valid_id(NULL));
}

static void
test_good(void **state)
{
	const struct operator	*op;
	struct policy		*pol;
	unsigned char		 want[32];
	char			*cause;

	(void)state;
	assert_int_equal(load_mode(good_yaml, 0600, &pol, &cause), XJ_OK);
	assert_null(cause);
	assert_int_equal(pol->nroles, 3);
	assert_int_equal(pol->noperators, 2);
	assert_string_equal(pol->roles[2].name, "nobody");
	assert_true(pol->roles[2].perms == 0);

	op = policy_operator(pol, "a.b-c_1");
	assert_non_null(op);
	assert_string_equal(op->name, "欧阳·娜娜");
	assert_string_equal(op->role->name, "clerk");
	assert_true(policy_allows(op, PERM_STUDENT_VIEW));
	assert_true(policy_allows(op, PERM_STUDENT_SEARCH));
	assert_false(policy_allows(op, PERM_CHANGE_APPROVE));
	assert_false(policy_allows(op, PERM_STUDENT_ENROL));
	assert_false(policy_allows(op, PERM__COUNT));

	op = policy_operator(pol, "boss1");
	assert_non_null(op);
	assert_string_equal(op->name, "司马光");
	assert_true(policy_allows(op, PERM_CHANGE_APPROVE));
	assert_false(policy_allows(op, PERM_STUDENT_SEARCH));

	assert_null(policy_operator(pol, "boss"));
	assert_null(policy_operator(pol, "BOSS1"));
	assert_false(policy_allows(NULL, PERM_STUDENT_VIEW));

	/* The hash is BLAKE2b-256 of exactly the file's bytes. */
	crypto_generichash(want, sizeof want, (const unsigned char *)good_yaml,
	    strlen(good_yaml), NULL, 0);
	assert_memory_equal(pol->hash, want, sizeof want);
	policy_free(pol);
}

static void
test_hash_changes(void **state)
{
	struct policy	*a, *b;
	char		*cause, *copy, *p;

	(void)state;
	copy = xstrdup(good_yaml);
	/* One byte of a comment: the meaning is the same, the file is not. */
	p = strstr(copy, "two roles");
	p[0] = 'T';
	assert_int_equal(load_mode(good_yaml, 0600, &a, &cause), XJ_OK);
	assert_int_equal(load_mode(copy, 0600, &b, &cause), XJ_OK);
	assert_memory_not_equal(a->hash, b->hash, sizeof a->hash);
	policy_free(b);
	assert_int_equal(load_mode(good_yaml, 0644, &b, &cause), XJ_OK);
	assert_memory_equal(a->hash, b->hash, sizeof a->hash);
	policy_free(b);
	policy_free(a);
	free(copy);
}

static void
test_missing(void **state)
{
	struct policy	*pol = NULL;
	char		*dir, *path, *cause;

	(void)state;
	dir = tl_tmpdir();
	path = xj_path_join(dir, "roles.yaml");
	assert_int_equal(policy_load(path, &pol, &cause), XJ_ENOINPUT);
	assert_null(pol);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
	tl_rmtree(dir);
	free(dir);
}

static void
test_unknown_keys(void **state)
{
	(void)state;
	refused("roles:\n  r: []\noperators: []\nusers: []\n", ":4:1:",
	    "unknown key \"users\"");
	refused("roles:\n  r: []\noperators:\n  - id: a\n    name: A\n"
	    "    role: r\n    phone: 123\n", ":7:5:",
	    "unknown operator key \"phone\"");
	refused("roles:\n  r: [student.view, student.veiw]\noperators: []\n",
	    ":2:21:", "unknown permission \"student.veiw\"");
	refused("roles:\n  r:\n    - audit.view\n    - audit.*\n"
	    "operators: []\n", ":4:7:", "unknown permission \"audit.*\"");
}

static void
test_roles(void **state)
{
	(void)state;
	refused("roles:\n  r: []\n  r: [audit.view]\noperators: []\n",
	    ":3:3:", "duplicate");
	refused("roles:\n  r: []\noperators:\n  - id: a\n    name: A\n"
	    "    role: boss\n", ":6:11:", "no role \"boss\"");
	refused("roles:\n  r: student.view\noperators: []\n", ":2:6:",
	    "list of permissions");
	refused("roles:\n  Boss: []\noperators: []\n", ":2:3:",
	    "bad role name");
	refused("roles: [a, b]\noperators: []\n", ":1:8:", "\"roles\"");
	refused("operators: []\n", ":1:1:", "missing \"roles:\"");
	refused("roles: {}\n", ":1:1:", "missing \"operators:\"");
	refused("", "roles.yaml: ", "mapping");
}

static void
test_operators(void **state)
{
	(void)state;
	refused("roles:\n  r: []\noperators:\n  - {id: a, name: A, role: r}\n"
	    "  - {id: b, name: B, role: r}\n  - {id: a, name: C, role: r}\n",
	    ":6:10:", "operator \"a\" is listed twice");
	refused("roles:\n  r: []\noperators:\n  - {id: Wang, name: A, "
	    "role: r}\n", ":4:10:", "bad operator id \"Wang\"");
	refused("roles:\n  r: []\noperators:\n  - {name: A, role: r}\n",
	    ":4:5:", "operator has no \"id\"");
	refused("roles:\n  r: []\noperators:\n  - id: a\n    role: r\n",
	    ":4:5:", "operator has no \"name\"");
	refused("roles:\n  r: []\noperators:\n  - id: a\n    name: A\n",
	    ":4:5:", "operator has no \"role\"");
	refused("roles:\n  r: []\noperators:\n  - {id: a, name: \"\", "
	    "role: r}\n", ":4:19:", "non-empty");
	refused("roles:\n  r: []\noperators:\n  - {id: a, name: \"A\\e[2J\", "
	    "role: r}\n", ":4:19:", "control characters");
	refused("roles:\n  r: []\noperators:\n  - reception1\n", ":4:5:",
	    "mapping");
	refused("roles:\n  r: []\noperators:\n  id: a\n", ":4:3:",
	    "must be a list");
}

static void
test_modes(void **state)
{
	static const mode_t bad[] = { 0664, 0646, 0620, 0602, 0666 };
	struct policy	*pol;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		assert_int_equal(load_mode(good_yaml, bad[i], &pol, &cause),
		    XJ_ECONFIG);
		assert_null(pol);
		if (strstr(cause, "chmod go-w") == NULL)
			fail_msg("mode %o: %s", (unsigned)bad[i], cause);
		assert_non_null(strstr(cause, "roles.yaml"));
		free(cause);
	}
	assert_int_equal(load_mode(good_yaml, 0644, &pol, &cause), XJ_OK);
	policy_free(pol);
	assert_int_equal(load_mode(good_yaml, 0400, &pol, &cause), XJ_OK);
	policy_free(pol);
}

static void
test_owner(void **state)
{
	struct policy	*pol = NULL;
	char		*dir, *path, *cause;

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: cannot give a file to someone else\n");
		skip();
	}
	dir = tl_tmpdir();
	path = tl_write(dir, "roles.yaml", good_yaml, 0644);
	assert_int_equal(chown(path, 65534, (gid_t)-1), 0);
	assert_int_equal(policy_load(path, &pol, &cause), XJ_ECONFIG);
	assert_null(pol);
	assert_non_null(strstr(cause, "owned by uid 65534"));
	free(cause);
	free(path);
	tl_rmtree(dir);
	free(dir);
}

/* What each shipped role may do, as config/roles.yaml intends. */
static perm_set
shipped_perms(const char *role)
{
	perm_set	reception;

	reception = PERM_BIT(PERM_STUDENT_ENROL) |
	    PERM_BIT(PERM_STUDENT_VIEW) | PERM_BIT(PERM_STUDENT_SEARCH) |
	    PERM_BIT(PERM_CHANGE_REQUEST) | PERM_BIT(PERM_CHANGE_CONFIRM) |
	    PERM_BIT(PERM_STATUS_REQUEST) | PERM_BIT(PERM_DESTROY_REQUEST) |
	    PERM_BIT(PERM_REQUEST_MANAGE) | PERM_BIT(PERM_STUDENT_DUPLICATE);
	if (strcmp(role, "receptionist") == 0)
		return reception;
	if (strcmp(role, "supervisor") == 0) {
		/* Everything but browsing the log, which is the auditors'. */
		return (PERM_BIT(PERM__COUNT) - 1) & ~PERM_BIT(PERM_AUDIT_VIEW);
	}
	if (strcmp(role, "auditor") == 0)
		return PERM_BIT(PERM_AUDIT_VIEW) | PERM_BIT(PERM_AUDIT_VERIFY) |
		    PERM_BIT(PERM_CHECKPOINT_WRITE) | PERM_BIT(PERM_REPORT_VIEW);
	fail_msg("unexpected role %s", role);
	return 0;
}

static void
test_shipped(void **state)
{
	static const struct {
		const char	*id, *name, *role;
	} ops[] = {
		{ "reception1", "王丽", "receptionist" },
		{ "reception2", "李娜", "receptionist" },
		{ "supervisor1", "陈静", "supervisor" },
		{ "supervisor2", "张伟", "supervisor" },
		{ "auditor1", "刘洋", "auditor" },
	};
	const struct operator	*op;
	struct policy		*pol = NULL;
	struct stat		 st;
	char			*cause = NULL, *buf, *dir = NULL, *path;
	size_t			 i, len;
	int			 p;

	(void)state;
	path = xstrdup("config/roles.yaml");
	assert_int_equal(stat(path, &st), 0);
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		/* The refusal itself is tested above; test the content. */
		print_message("config/roles.yaml is writable by group or "
		    "others in this checkout (umask 002?); skipping the load "
		    "of the file itself and loading a 0644 copy\n");
		assert_int_equal(xj_read_file(path, 1 << 20, &buf, &len,
		    NULL), XJ_OK);
		free(path);
		dir = tl_tmpdir();
		path = tl_write(dir, "roles.yaml", buf, 0644);
		free(buf);
	}
	if (policy_load(path, &pol, &cause) != XJ_OK)
		fail_msg("%s", cause);
	assert_int_equal(pol->nroles, 3);
	assert_int_equal(pol->noperators, nitems(ops));
	for (i = 0; i < nitems(ops); i++) {
		op = policy_operator(pol, ops[i].id);
		assert_non_null(op);
		assert_string_equal(op->name, ops[i].name);
		assert_string_equal(op->role->name, ops[i].role);
		for (p = 0; p < PERM__COUNT; p++) {
			if (policy_allows(op, (enum perm)p) ==
			    ((shipped_perms(ops[i].role) & PERM_BIT(p)) != 0))
				continue;
			fail_msg("%s (%s) %s %s", ops[i].id, ops[i].role,
			    policy_allows(op, (enum perm)p) ? "may" :
			    "may not", perm_name((enum perm)p));
		}
	}
	policy_free(pol);
	free(path);
	if (dir != NULL) {
		tl_rmtree(dir);
		free(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perm_table),
		cmocka_unit_test(test_valid_id),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_hash_changes),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
