/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Signed checkpoints: with the database key in hand, an attacker edits,
 * deletes, reorders, rewrites and truncates the log, or swaps in an older
 * copy of the whole database; verifying against the latest checkpoint
 * fails every time, naming where.  Forged and altered checkpoints are
 * refused, and automatic checkpoints appear where configured.
 */
#include <sys/stat.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/checkpoint.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

struct fixture {
	struct tl_branch	*b;
	char			*checkpoint;	/* the latest, as text */
	int64_t			 seq;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	struct session	*s;
	char		*n, *cause = NULL, name[32];
	int		 i;

	f->b = tl_branch_new();
	s = tl_login(f->b, "reception1");
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "检查点%s", (const char *[]){
		    "甲", "乙", "丙", "丁" }[i]);
		n = tl_enrol(s, name, "2016-04", "家长", "13800000000", NULL);
		free(n);
	}
	session_free(s);
	s = tl_login(f->b, "supervisor1");
	if (store_checkpoint(s->st, s->secret->sign_seed, &f->checkpoint,
	    &f->seq, &cause) != XJ_OK)
		fail_msg("checkpoint: %s", cause);
	session_free(s);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	tl_branch_free(f->b);
	free(f->checkpoint);
	free(f);
	return 0;
}

/* Chain and checkpoint, as `xueji verify --checkpoint` does them. */
static int
verify_all(const struct tl_branch *b, const char *text, char **cause)
{
	struct session	*s = tl_login(b, "auditor1");
	int64_t		 count, bad, seq;
	int		 rc;

	/* The checkpoint first: verifying the chain adds an entry. */
	rc = store_verify_checkpoint(s->st, s->secret->sign_seed, text,
	    strlen(text), &seq, cause);
	if (rc == XJ_OK)
		rc = store_verify(s->st, &count, &bad, cause);
	session_free(s);
	return rc;
}

/* Run sql on the raw database, guards dropped, as an attacker would. */
static void
tamper(const struct tl_branch *b, const char *sql)
{
	struct session	*s = tl_login(b, "auditor1");
	char		*err = NULL;

	sqlite3_exec(store_db(s->st), "DROP TRIGGER IF EXISTS audit_no_update;"
	    "DROP TRIGGER IF EXISTS audit_no_delete", NULL, NULL, NULL);
	if (sqlite3_exec(store_db(s->st), sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	session_free(s);
}

/* Recompute every hash from entry 1 on: a rewrite the chain cannot see. */
static void
rehash(const struct tl_branch *b)
{
	struct session		*s = tl_login(b, "auditor1");
	sqlite3		*db = store_db(s->st);
	sqlite3_stmt		*sel, *upd;
	struct audit_entry	 e;
	unsigned char		 prev[32];

	audit_genesis("SH01", prev);
	sqlite3_exec(db, "DROP TRIGGER IF EXISTS audit_no_update", NULL, NULL,
	    NULL);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, at, operator, "
	    "action, target, fields, detail FROM audit ORDER BY seq", -1, &sel,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE audit SET hash = ? "
	    "WHERE seq = ?", -1, &upd, NULL), SQLITE_OK);
	while (sqlite3_step(sel) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.seq = sqlite3_column_int64(sel, 0);
		e.at = (time_t)sqlite3_column_int64(sel, 1);
		e.operator = (const char *)sqlite3_column_text(sel, 2);
		e.action = (const char *)sqlite3_column_text(sel, 3);
		e.target = (const char *)sqlite3_column_text(sel, 4);
		e.fields = (const char *)sqlite3_column_text(sel, 5);
		e.detail = (const char *)sqlite3_column_text(sel, 6);
		audit_hash(prev, &e, e.hash);
		memcpy(prev, e.hash, 32);
		sqlite3_bind_blob(upd, 1, e.hash, 32, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 2, e.seq);
		assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
		sqlite3_reset(upd);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	session_free(s);
}

static void
test_intact(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	assert_true(f->seq > 5);
	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_OK);
}

static void
test_edited(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	tamper(f->b, "UPDATE audit SET operator = 'reception2' WHERE seq = 5");
	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_TAMPERED);
	assert_non_null(strstr(cause, "5"));
	free(cause);
}

static void
test_rewritten_whole(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL, *at;

	/* Edit, then recompute every hash: the chain alone is fooled. */
	tamper(f->b, "UPDATE audit SET operator = 'reception2' WHERE seq = 5");
	rehash(f->b);
	{
		struct session *s = tl_login(f->b, "auditor1");
		int64_t count, bad;

		assert_int_equal(store_verify(s->st, &count, &bad, &cause),
		    XJ_OK);
		session_free(s);
	}
	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_TAMPERED);
	xasprintf(&at, "%lld", (long long)f->seq);
	assert_non_null(strstr(cause, at));
	assert_non_null(strstr(cause, "rewritten"));
	free(at);
	free(cause);
}

static void
test_deleted_and_reordered(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	tamper(f->b, "DELETE FROM audit WHERE seq = 4");
	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_TAMPERED);
	assert_non_null(strstr(cause, "4"));
	free(cause);
	tamper(f->b, "UPDATE audit SET seq = 4 WHERE seq = 5;"
	    "UPDATE audit SET seq = 5 WHERE seq = 6");
	rehash(f->b);
	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_TAMPERED);
	free(cause);
}

static void
test_truncated(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL, *sql;

	/* Cut the tail: what is left is a perfectly good chain. */
	xasprintf(&sql, "DELETE FROM audit WHERE seq > %lld",
	    (long long)f->seq - 3);
	tamper(f->b, sql);
	free(sql);
	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_TAMPERED);
	assert_non_null(strstr(cause, "cut short"));
	free(cause);
}

static void
test_older_copy(void **state)
{
	struct fixture	*f = *state;
	struct session	*s;
	char		*db, *old, *buf, *cause = NULL, *text, *n;
	size_t		 len;
	int64_t		 seq;

	/* Keep a copy now, work on, sign a newer checkpoint, swap back. */
	db = xj_path_join(f->b->data, STORE_DB_NAME);
	xasprintf(&old, "%s.old", db);
	assert_int_equal(xj_read_file(db, 1 << 26, &buf, &len, &cause), 0);
	assert_int_equal(xj_write_file_atomic(old, buf, len, 0600, &cause), 0);
	free(buf);
	s = tl_login(f->b, "reception1");
	n = tl_enrol(s, "新来的", "2017-04", "家长", "13800000009", NULL);
	free(n);
	session_free(s);
	s = tl_login(f->b, "supervisor1");
	assert_int_equal(store_checkpoint(s->st, s->secret->sign_seed, &text,
	    &seq, &cause), XJ_OK);
	session_free(s);
	assert_int_equal(rename(old, db), 0);
	assert_int_equal(verify_all(f->b, text, &cause), XJ_TAMPERED);
	if (strstr(cause, "older copy") == NULL)
		fail_msg("%s", cause);	/* cut short, or an older copy */
	free(cause);
	free(text);
	free(old);
	free(db);
}

static void
test_forged_checkpoints(void **state)
{
	struct fixture		*f = *state;
	struct checkpoint	 c;
	char			*text, *cause = NULL, *p;
	unsigned char		 seed[32], pk[32], sk[64];
	size_t			 i;

	/* Any byte changed: refused, never a crash. */
	for (i = 0; i < strlen(f->checkpoint); i++) {
		text = xstrdup(f->checkpoint);
		text[i] = text[i] == '1' ? '2' : '1';
		if (checkpoint_parse(text, strlen(text), &c, &cause) == XJ_OK)
			fail_msg("byte %zu changed and still valid", i);
		free(cause);
		cause = NULL;
		free(text);
	}
	/* Truncated anywhere: refused. */
	for (i = 0; i < strlen(f->checkpoint); i++) {
		assert_int_equal(checkpoint_parse(f->checkpoint, i, &c,
		    &cause), XJ_EDATA);
		free(cause);
		cause = NULL;
	}
	/* Signed correctly, but with another key: not ours. */
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	{
		struct session	*s = tl_login(f->b, "auditor1");
		int64_t		 seq;

		assert_int_equal(checkpoint_make(store_db(s->st), "SH01", seed,
		    &text, &seq, &cause), XJ_OK);
		assert_int_equal(checkpoint_parse(text, strlen(text), &c,
		    &cause), XJ_OK);
		assert_int_equal(store_verify_checkpoint(s->st,
		    s->secret->sign_seed, text, strlen(text), &seq, &cause),
		    XJ_EDATA);
		assert_non_null(strstr(cause, "key"));
		free(cause);
		free(text);
		session_free(s);
	}
	/* The public key in it is the branch's. */
	assert_int_equal(checkpoint_parse(f->checkpoint,
	    strlen(f->checkpoint), &c, &cause), XJ_OK);
	p = strstr(f->checkpoint, "branch SH01\n");
	assert_non_null(p);
}

/* A flipped byte in the database file: reported, never a crash. */
static void
test_flipped_byte(void **state)
{
	struct fixture	*f = *state;
	struct session	*s;
	char		*db, *buf, *cause = NULL;
	size_t		 len;
	int64_t		 count, bad;
	int		 rc;

	db = xj_path_join(f->b->data, STORE_DB_NAME);
	assert_int_equal(xj_read_file(db, 1 << 26, &buf, &len, &cause), 0);
	assert_true(len > 3 * 4096);
	buf[2 * 4096 + 100] ^= 0x01;
	assert_int_equal(xj_write_file_atomic(db, buf, len, 0600, &cause), 0);
	free(buf);
	assert_int_equal(session_load(f->b->config, NULL, &s, &cause), XJ_OK);
	rc = session_login(s, "auditor1", "pass-auditor1", 13, &cause);
	if (rc == XJ_OK) {
		rc = store_verify(s->st, &count, &bad, &cause);
		assert_int_not_equal(rc, XJ_OK);
	}
	assert_non_null(cause);
	free(cause);
	session_free(s);
	free(db);
}

static int
count_files(const char *dir)
{
	glob_t	 g;
	char	*pattern;
	int	 n = 0;

	xasprintf(&pattern, "%s/SH01-*.checkpoint", dir);
	if (glob(pattern, 0, NULL, &g) == 0) {
		n = (int)g.gl_pathc;
		globfree(&g);
	}
	free(pattern);
	return n;
}

static void
test_automatic(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	char			*dir, *extra, *n, *path, *buf, *cause = NULL;
	glob_t			 g;

	(void)state;
	dir = tl_tmpdir();
	xasprintf(&extra, "checkpoint_dir: %s\n", dir);
	b = tl_branch_new_with(extra);
	/* None yet: the first session out writes one, whoever it is. */
	s = tl_login(b, "reception1");
	n = tl_enrol(s, "自动甲", "2016-04", "家长", "13800000001", NULL);
	free(n);
	session_free(s);
	assert_int_equal(count_files(dir), 1);
	/* Not a day old, and a receptionist: no more. */
	s = tl_login(b, "reception1");
	n = tl_enrol(s, "自动乙", "2016-04", "家长", "13800000002", NULL);
	free(n);
	session_free(s);
	assert_int_equal(count_files(dir), 1);
	/* A supervisor leaving a grown log: another. */
	s = tl_login(b, "supervisor1");
	session_free(s);
	assert_int_equal(count_files(dir), 2);
	/* And the newest one verifies against the log. */
	xasprintf(&path, "%s/SH01-*.checkpoint", dir);
	assert_int_equal(glob(path, 0, NULL, &g), 0);
	assert_int_equal(xj_read_file(g.gl_pathv[g.gl_pathc - 1], 4096, &buf,
	    NULL, &cause), XJ_OK);
	globfree(&g);
	assert_int_equal(verify_all(b, buf, &cause), XJ_OK);
	free(buf);
	free(path);
	tl_branch_free(b);
	tl_rmtree(dir);
	free(dir);
	free(extra);
}

/*
 * Issue 16: operator rotate-key draws a new signing key.  The old key
 * signs the new one into the log, so a checkpoint made before still
 * verifies; a checkpoint the old seed signs after the rotation (what a
 * removed operator who kept it could make) does not verify as current.
 */
static void
test_key_rotation(void **state)
{
	struct fixture		*f = *state;
	struct session		*s = tl_login(f->b, "supervisor1");
	struct checkpoint	 before, after;
	unsigned char		 old[32], other[32];
	char			*cause = NULL, *text, *forged, *stranger;
	int64_t			 seq;

	memcpy(old, s->secret->sign_seed, sizeof old);
	assert_int_equal(session_rotate_key(s, &cause), XJ_OK);
	assert_memory_not_equal(old, s->secret->sign_seed, sizeof old);
	assert_int_equal(store_checkpoint(s->st, s->secret->sign_seed, &text,
	    &seq, &cause), XJ_OK);
	assert_int_equal(checkpoint_parse(f->checkpoint,
	    strlen(f->checkpoint), &before, &cause), XJ_OK);
	assert_int_equal(checkpoint_parse(text, strlen(text), &after,
	    &cause), XJ_OK);
	assert_memory_not_equal(before.pk, after.pk, sizeof before.pk);
	/* The old seed, kept by someone removed, signs the current head. */
	assert_int_equal(checkpoint_make(store_db(s->st), "SH01", old,
	    &forged, &seq, &cause), XJ_OK);
	/* And a seed that was never the branch's. */
	randombytes_buf(other, sizeof other);
	assert_int_equal(checkpoint_make(store_db(s->st), "SH01", other,
	    &stranger, &seq, &cause), XJ_OK);
	session_free(s);

	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_OK);
	assert_int_equal(verify_all(f->b, text, &cause), XJ_OK);
	assert_int_equal(verify_all(f->b, forged, &cause), XJ_TAMPERED);
	assert_non_null(strstr(cause, "retired"));
	free(cause);
	cause = NULL;
	assert_int_equal(verify_all(f->b, stranger, &cause), XJ_EDATA);
	free(cause);
	/* A second rotation: the first checkpoint still leads here. */
	s = tl_login(f->b, "supervisor1");
	assert_int_equal(session_rotate_key(s, &cause), XJ_OK);
	session_free(s);
	assert_int_equal(verify_all(f->b, f->checkpoint, &cause), XJ_OK);
	assert_int_equal(verify_all(f->b, text, &cause), XJ_OK);
	free(text);
	free(forged);
	free(stranger);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_rotation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewritten_whole, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deleted_and_reordered,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_older_copy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forged_checkpoints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte, setup,
		    teardown),
		cmocka_unit_test(test_automatic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
