/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * branch.h — a real branch in a temporary directory for the tests: the
 * shipped roles.yaml and enrolment form, a database under a random key,
 * and a key slot for every operator (passphrase "pass-<id>").
 */
#ifndef XUEJI_TEST_BRANCH_H
#define XUEJI_TEST_BRANCH_H

#include "xueji/session.h"

struct tl_branch {
	char	*dir;		/* the temporary directory */
	char	*config;	/* dir/xueji.yaml */
	char	*data;		/* dir/data */
};

/* Create a branch; every operator of config/roles.yaml gets a slot. */
struct tl_branch *tl_branch_new(void);
/* The same, with extra lines for xueji.yaml ("idle_lock_seconds: 5\n"). */
struct tl_branch *tl_branch_new_with(const char *extra_config);
/*
 * An enrolment form of the shipped four fields and a fifth, "allergies",
 * optional and sensitive (shown only with student.sensitive).
 */
extern const char tl_form_allergies[];
/*
 * A new folder holding form (the text of an enrollment.yaml), for
 * tl_branch_forms; the caller removes it with tl_rmtree and frees it.
 */
char	*tl_forms_dir(const char *form);
/* tl_branch_new_with, with forms_dir: forms before the extra lines (may
 * be NULL). */
struct tl_branch *tl_branch_forms(const char *forms, const char *extra_config);
/* Remove it from disk and free it. */
void	 tl_branch_free(struct tl_branch *);
/* roles.yaml of b with one more operator, who has no key slot yet. */
void	 tl_list_operator(const struct tl_branch *, const char *id,
	     const char *name, const char *role);
/* A session logged in as id (fails the test if it cannot). */
struct session *tl_login(const struct tl_branch *, const char *id);
/* The test passphrase of id. */
const char *tl_pass(const char *id, char *buf, size_t len);
/* Enrol a student as whoever s is; returns the new number or NULL, with
 * the status code in *rc when rc is not NULL. */
char	*tl_enrol(struct session *s, const char *name, const char *birth,
	     const char *guardian, const char *phone, int *rc);
/* Log in as id, enrol a student as tl_enrol does, log out: the new
 * number (the test fails if the enrolment does). */
char	*tl_enrol_as(const struct tl_branch *, const char *id,
	     const char *name, const char *birth, const char *guardian,
	     const char *phone);
/* The first column of the first row of sql, malloc'd (NULL: no row). */
char	*tl_query(struct session *, const char *sql);
/* A store_audit_each callback that counts the entries in *(int *)arg. */
struct audit_entry;
int	 tl_count_entry(const struct audit_entry *, void *arg);
/* How many entries of action the log's student filter finds for
 * number, read by au (an auditor) as xueji audit --student reads it. */
int	 tl_student_entries(struct session *au, const char *number,
	     const char *action);
/* The branch's raw database key. */
void	 tl_branch_key(const struct tl_branch *, unsigned char key[DB_KEY_BYTES]);
/*
 * Rewrite the branch's database as xueji 0.1 wrote it on SQLCipher
 * 3.4.1 (compatibility 3, 4 KiB pages, WAL, its user_version).  No
 * session may be open on it.
 */
void	 tl_branch_to_v3(const struct tl_branch *);
/* PRAGMA integrity_check and the audit chain, asserted. */
void	 tl_check_db(const struct tl_branch *);

#endif
