/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Verifying a branch and its signed checkpoints: every page's HMAC, the
 * structure (integrity_check), the chain of the log, and the checkpoints
 * that vouch for the log's head from outside the database.  The chain's
 * own walk is audit_verify (audit/verify.c); the checkpoints' format and
 * signatures are audit/checkpoint.c.  Here are the wrappers that hold the
 * bound operator to the policy and log what was checked.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/checkpoint.h"
#include "store-int.h"

/*
 * PRAGMA cipher_integrity_check: every page of the file, in use or
 * free, decrypted and its HMAC checked, without parsing a row (about a
 * tenth of integrity_check's time).  It answers a row for each page
 * that fails and none when all pass.
 */
int
store_check_pages(sqlite3 *db, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*res;
	char		*first = NULL;
	long		 bad = 0;
	int		 rc;

	if (sqlite3_prepare_v2(db, "PRAGMA cipher_integrity_check", -1, &stmt,
	    NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_TAMPERED, _("page check failed: %s"),
		    sqlite3_errmsg(db));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(stmt, 0);
		if (bad++ == 0)
			first = xstrdup(res != NULL ? res : "?");
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && bad == 0)
		return xj_fail(cause, XJ_TAMPERED, _("page check failed: %s"),
		    sqlite3_errmsg(db));
	if (bad > 0) {
		rc = xj_fail(cause, XJ_TAMPERED, _("page check failed: %s "
		    "(%ld pages in all)"), first, bad);
		free(first);
		return rc;
	}
	return XJ_OK;
}

int
store_check_integrity(sqlite3 *db, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*res;
	int		 rc;

	if ((rc = store_check_pages(db, cause)) != XJ_OK)
		return rc;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt,
	    NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_TAMPERED, _("integrity check failed: "
		    "%s"), sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(stmt, 0);
		if (res != NULL && strcmp(res, "ok") == 0)
			rc = XJ_OK;
		else
			rc = xj_fail(cause, XJ_TAMPERED, _("integrity check "
			    "failed: %s"), res != NULL ? res : "?");
	} else
		rc = xj_fail(cause, XJ_TAMPERED, _("integrity check failed: "
		    "%s"), sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return rc;
}

int
store_verify(struct store *st, int64_t *count, int64_t *bad_seq,
    char **cause)
{
	return store_verify_progress(st, NULL, NULL, count, bad_seq, cause);
}

int
store_verify_progress(struct store *st, void (*progress)(int64_t, void *),
    void *arg, int64_t *count, int64_t *bad_seq, char **cause)
{
	char		*why = NULL;
	int		 rc, ok;

	*bad_seq = 0;
	*count = 0;
	if ((rc = store_require(st, PERM_AUDIT_VERIFY, "verify", cause)) != 0)
		return rc;
	/* Every page's HMAC first, then SQLite's structure. */
	ok = store_check_integrity(st->db, cause) == XJ_OK;
	/*
	 * Damage in the log itself is named by the first entry that cannot
	 * be read: the chain walk finds it.  Damage elsewhere stays the
	 * integrity check's finding.  Either way verification has failed
	 * (XJ_TAMPERED): whether a disk or a person altered the file, the
	 * log no longer proves what was done.
	 */
	if (!ok && audit_verify(st->db, st->branch, count, bad_seq, NULL,
	    NULL, &why) == XJ_EDATA) {
		if (cause != NULL) {
			free(*cause);
			*cause = why;
		} else
			free(why);
		return XJ_TAMPERED;
	}
	free(why);
	*bad_seq = 0;
	*count = 0;
	if (!ok)
		return XJ_TAMPERED;
	if ((rc = audit_verify(st->db, st->branch, count, bad_seq, progress,
	    arg, cause)) != XJ_OK)
		return rc;
	/* Verification is itself an action worth a line. */
	return store_log(st, "audit.verify", "", "result=ok", cause);
}

int
store_audit_each(struct store *st, const struct audit_filter *f,
    int (*fn)(const struct audit_entry *, void *), void *arg, char **cause)
{
	int	rc;

	if ((rc = store_require(st, PERM_AUDIT_VIEW, "audit", cause)) != 0)
		return rc;
	/* Read by student: every search that listed them first. */
	if (f->target != NULL && f->target[0] != '\0' &&
	    (rc = seen_catch_up(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_log_read(st, "audit.view", f->target != NULL ?
	    f->target : "", "", cause)) != XJ_OK)
		return rc;
	return audit_each(st->db, f, fn, arg, cause);
}

static int
make_checkpoint(struct store *st, const unsigned char seed[32], int automatic,
    char **text, int64_t *seq, char **cause)
{
	char	*detail;
	int	 rc;

	*text = NULL;
	if (!automatic && (rc = store_require(st, PERM_CHECKPOINT_WRITE,
	    "checkpoint", cause)) != XJ_OK)
		return rc;
	if ((rc = checkpoint_make(st->db, st->branch, seed, text, seq,
	    cause)) != XJ_OK)
		return rc;
	xasprintf(&detail, "seq=%lld%s", (long long)*seq, automatic ?
	    " automatic=1" : "");
	rc = store_log(st, "audit.checkpoint", "", detail, cause);
	free(detail);
	if (rc != XJ_OK) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

int
store_checkpoint(struct store *st, const unsigned char seed[32], char **text,
    int64_t *seq, char **cause)
{
	return make_checkpoint(st, seed, 0, text, seq, cause);
}

int
store_checkpoint_auto(struct store *st, const unsigned char seed[32],
    char **text, int64_t *seq, char **cause)
{
	return make_checkpoint(st, seed, 1, text, seq, cause);
}

int64_t
store_audit_head(struct store *st)
{
	long long	seq = query_count(st->db, "SELECT max(seq) FROM audit");

	return seq > 0 ? seq : 0;
}

int
store_verify_checkpoint(struct store *st, const unsigned char seed[32],
    const char *buf, size_t len, int64_t *seq, char **cause)
{
	struct checkpoint	 c;
	unsigned char		 pk[CHECKPOINT_PK_BYTES];
	char			*detail;
	int			 rc;

	*seq = 0;
	if ((rc = store_require(st, PERM_AUDIT_VERIFY, "verify --checkpoint",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = checkpoint_parse(buf, len, &c, cause)) != XJ_OK)
		return rc;
	*seq = c.seq;
	checkpoint_public_key(seed, pk);
	/* Signed by a former key: the transitions in the log lead here. */
	if ((rc = checkpoint_follow(st->db, st->branch, pk, &c, cause)) ==
	    XJ_OK)
		rc = checkpoint_check(st->db, st->branch, c.pk, &c, cause);
	xasprintf(&detail, "checkpoint=%lld result=%s", (long long)c.seq,
	    rc == XJ_OK ? "ok" : "failed");
	/* A failed check is worth a line in the log it doubts. */
	store_log(st, "audit.verify-checkpoint", "", detail, NULL);
	free(detail);
	return rc;
}
