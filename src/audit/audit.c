/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The hash-chained operation log.  See audit.h for the construction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/audit.h"

#define AUDIT_DOMAIN	"xueji-audit-v1"

/*
 * The triggers stop this program (and anyone using the sqlcipher shell
 * without thinking) from rewriting history; someone who drops them on
 * purpose is what verify and signed checkpoints are for.
 */
const char audit_schema_sql[] =
	"CREATE TABLE audit ("
	"  seq      INTEGER PRIMARY KEY,"
	"  at       INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  action   TEXT NOT NULL,"
	"  target   TEXT NOT NULL DEFAULT '',"
	"  fields   TEXT NOT NULL DEFAULT '',"
	"  detail   TEXT NOT NULL DEFAULT '',"
	"  hash     BLOB NOT NULL"
	");"
	"CREATE INDEX audit_target ON audit(target, seq);"
	"CREATE INDEX audit_operator ON audit(operator, seq);"
	"CREATE INDEX audit_action ON audit(action, seq);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

void
audit_genesis(const char *branch, unsigned char out[AUDIT_HASH_BYTES])
{
	crypto_generichash_state	st;

	crypto_generichash_init(&st, NULL, 0, AUDIT_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)AUDIT_DOMAIN,
	    sizeof AUDIT_DOMAIN - 1);
	crypto_generichash_update(&st, (const unsigned char *)branch,
	    strlen(branch));
	crypto_generichash_final(&st, out, AUDIT_HASH_BYTES);
}

/* Append a part as a 4-byte big-endian length and its bytes. */
static unsigned char *
put_part(unsigned char *p, const char *s, size_t n)
{
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	if (n > 0)
		memcpy(p + 4, s, n);
	return p + 4 + n;
}

/*
 * n in decimal into buf (24 bytes), as "%lld" would write it: snprintf
 * was a tenth of verifying a long log.
 */
static const char *
decimal(long long n, char buf[24])
{
	unsigned long long	u = n < 0 ? 0ULL - (unsigned long long)n :
				    (unsigned long long)n;
	char			*p = buf + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (n < 0)
		*--p = '-';
	return p;
}

void
audit_hash(const unsigned char prev[AUDIT_HASH_BYTES],
    const struct audit_entry *e, unsigned char out[AUDIT_HASH_BYTES])
{
	const char	*part[7];
	size_t		 len[7], total = AUDIT_HASH_BYTES, i;
	unsigned char	 stackbuf[1024], *buf, *p;
	char		 seq[24], at[24];

	/*
	 * One buffer and one hash call per entry: verification walks the
	 * whole log, and many small updates cost more than the hashing.
	 * The bytes are those audit.h describes, whatever the buffer.
	 */
	part[0] = decimal((long long)e->seq, seq);
	part[1] = decimal((long long)e->at, at);
	part[2] = e->operator;
	part[3] = e->action;
	part[4] = e->target;
	part[5] = e->fields;
	part[6] = e->detail;
	for (i = 0; i < nitems(part); i++) {
		len[i] = part[i] != NULL ? strlen(part[i]) : 0;
		total += 4 + len[i];
	}
	buf = total <= sizeof stackbuf ? stackbuf : xmalloc(total);
	memcpy(buf, prev, AUDIT_HASH_BYTES);
	p = buf + AUDIT_HASH_BYTES;
	for (i = 0; i < nitems(part); i++)
		p = put_part(p, part[i], len[i]);
	crypto_generichash(out, AUDIT_HASH_BYTES, buf, total, NULL, 0);
	if (buf != stackbuf)
		free(buf);
}

/*
 * Whether the last error on db means a page that cannot be read.
 * SQLCipher 3 reports a page whose MAC does not match as SQLITE_ERROR
 * ("SQL logic error"); our statements are fixed, so once prepared
 * (stepping) that can only be a page that did not decrypt.
 */
static int
damaged(sqlite3 *db, int stepping)
{
	int	code = sqlite3_extended_errcode(db) & 0xff;

	return code == SQLITE_CORRUPT || code == SQLITE_NOTADB ||
	    (stepping && code == SQLITE_ERROR);
}

/*
 * A failure as a message for people: a page of the log that does not
 * decrypt or parse is damage (XJ_EDATA), not an input/output error, and
 * SQLite's own words ("database disk image is malformed") help nobody
 * at the counter.
 */
static int
db_fail(sqlite3 *db, int writing, int stepping, char **cause)
{
	if (damaged(db, stepping))
		return xj_fail(cause, XJ_EDATA, "%s", _("the audit log is "
		    "damaged (part of it cannot be read): run xueji verify"));
	if (writing)
		return xj_fail(cause, XJ_EIO, _("cannot write the audit log: "
		    "%s"), sqlite3_errmsg(db));
	return xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
	    sqlite3_errmsg(db));
}

/* Prepare sql into *stmt unless it is there already (kept). */
static int
prepare_kept(sqlite3 *db, const char *sql, sqlite3_stmt **stmt)
{
	if (*stmt != NULL)
		return SQLITE_OK;
	return sqlite3_prepare_v2(db, sql, -1, stmt, NULL);
}

void
audit_stmts_free(struct audit_stmts *c)
{
	sqlite3_finalize(c->last);
	sqlite3_finalize(c->insert);
	c->last = c->insert = NULL;
}

int
audit_append(sqlite3 *db, const char *branch, struct audit_entry *e,
    char **cause)
{
	struct audit_stmts	c = { NULL, NULL };
	int			rc;

	rc = audit_append_kept(db, branch, &c, e, cause);
	audit_stmts_free(&c);
	return rc;
}

int
audit_append_kept(sqlite3 *db, const char *branch, struct audit_stmts *c,
    struct audit_entry *e, char **cause)
{
	static const char	 last_sql[] =
	    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	static const char	 ins_sql[] =
	    "INSERT INTO audit (seq, at, operator, action, target, fields,"
	    " detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	unsigned char		 prev[AUDIT_HASH_BYTES];
	sqlite3_stmt		*stmt;
	int			 rc;

	if (prepare_kept(db, last_sql, &c->last) != SQLITE_OK)
		return db_fail(db, 1, 0, cause);
	stmt = c->last;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_bytes(stmt, 1) == AUDIT_HASH_BYTES) {
		e->seq = sqlite3_column_int64(stmt, 0) + 1;
		memcpy(prev, sqlite3_column_blob(stmt, 1), AUDIT_HASH_BYTES);
	} else if (rc == SQLITE_DONE) {
		e->seq = 1;
		audit_genesis(branch, prev);
	} else {
		sqlite3_reset(stmt);
		return rc == SQLITE_ROW ? xj_fail(cause, XJ_EDATA, "%s",
		    _("the audit log is damaged: run xueji verify")) :
		    db_fail(db, 1, 1, cause);
	}
	/* A kept statement left stepping would hold its read open. */
	sqlite3_reset(stmt);

	if (e->at == 0)
		e->at = xj_now();
	if (e->target == NULL)
		e->target = "";
	if (e->fields == NULL)
		e->fields = "";
	if (e->detail == NULL)
		e->detail = "";
	audit_hash(prev, e, e->hash);

	if (prepare_kept(db, ins_sql, &c->insert) != SQLITE_OK)
		return db_fail(db, 1, 0, cause);
	stmt = c->insert;
	sqlite3_bind_int64(stmt, 1, e->seq);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)e->at);
	sqlite3_bind_text(stmt, 3, e->operator, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, e->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, e->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, e->fields, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, e->detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 8, e->hash, AUDIT_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		rc = db_fail(db, 1, 1, cause);
	else
		rc = XJ_OK;
	/* The bindings point into e, which is the caller's. */
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc;
}

static void
entry_from_row(sqlite3_stmt *stmt, struct audit_entry *e)
{
	e->seq = sqlite3_column_int64(stmt, 0);
	e->at = (time_t)sqlite3_column_int64(stmt, 1);
	e->operator = (const char *)sqlite3_column_text(stmt, 2);
	e->action = (const char *)sqlite3_column_text(stmt, 3);
	e->target = (const char *)sqlite3_column_text(stmt, 4);
	e->fields = (const char *)sqlite3_column_text(stmt, 5);
	e->detail = (const char *)sqlite3_column_text(stmt, 6);
	memset(e->hash, 0, sizeof e->hash);
	if (sqlite3_column_bytes(stmt, 7) == AUDIT_HASH_BYTES)
		memcpy(e->hash, sqlite3_column_blob(stmt, 7), AUDIT_HASH_BYTES);
}

int
audit_verify(sqlite3 *db, const char *branch, int64_t *count,
    int64_t *bad_seq, void (*progress)(int64_t, void *), void *arg,
    char **cause)
{
	static const char	 sql[] =
	    "SELECT seq, at, operator, action, target, fields, detail, hash"
	    " FROM audit ORDER BY seq";
	unsigned char		 prev[AUDIT_HASH_BYTES], h[AUDIT_HASH_BYTES];
	struct audit_entry	 e;
	sqlite3_stmt		*stmt;
	int64_t			 expect = 1;
	int			 rc, ret = XJ_OK;

	*bad_seq = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, 0, 0, cause);
	audit_genesis(branch, prev);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		entry_from_row(stmt, &e);
		if (e.operator == NULL || e.action == NULL ||
		    e.target == NULL || e.fields == NULL || e.detail == NULL ||
		    sqlite3_column_bytes(stmt, 7) != AUDIT_HASH_BYTES) {
			*bad_seq = e.seq;
			ret = xj_fail(cause, XJ_TAMPERED,
			    _("audit entry %" PRId64 " is malformed"), e.seq);
			break;
		}
		if (e.seq != expect) {
			*bad_seq = expect;
			ret = xj_fail(cause, XJ_TAMPERED,
			    _("audit entry %" PRId64 " is missing (next is %"
			    PRId64 ")"), expect, e.seq);
			break;
		}
		audit_hash(prev, &e, h);
		/* Public values: no need for a constant-time compare. */
		if (memcmp(h, e.hash, AUDIT_HASH_BYTES) != 0) {
			*bad_seq = e.seq;
			ret = xj_fail(cause, XJ_TAMPERED,
			    _("audit entry %" PRId64 " does not match the chain"
			    " (edited, reordered or replaced)"), e.seq);
			break;
		}
		memcpy(prev, h, sizeof prev);
		if (progress != NULL && expect % 4096 == 0)
			progress(expect, arg);
		expect++;
	}
	if (ret == XJ_OK && rc != SQLITE_DONE && damaged(db, 1)) {
		/* Where the walk stopped is where the damage begins. */
		*bad_seq = expect;
		ret = xj_fail(cause, XJ_EDATA, _("the audit log is damaged: "
		    "entry %" PRId64 " and those after it cannot be read "
		    "(restore the last good backup)"), expect);
	} else if (ret == XJ_OK && rc != SQLITE_DONE)
		ret = db_fail(db, 0, 1, cause);
	sqlite3_finalize(stmt);
	if (count != NULL)
		*count = expect - 1;
	return ret;
}

/* Append " AND <cond>" to a query being built. */
static void
add_cond(char **sql, const char *cond)
{
	char	*s;

	xasprintf(&s, "%s AND %s", *sql, cond);
	free(*sql);
	*sql = s;
}

#define ACTIONS_MAX	64	/* distinct actions under one prefix */

/*
 * The distinct actions that begin with prefix, hopping along audit_action
 * with one seek each: a handful ("status.set", "status.review").  -1 on
 * a database error; ACTIONS_MAX + 1 when there are more than that.
 */
static int
actions_under(sqlite3 *db, const char *prefix, char **out)
{
	sqlite3_stmt	*first, *next, *s;
	char		*hi;
	int		 n = 0, rc;

	if (sqlite3_prepare_v2(db, "SELECT action FROM audit WHERE action >= ?1"
	    " AND action < ?2 ORDER BY action LIMIT 1", -1, &first, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT action FROM audit WHERE action > ?1"
	    " AND action < ?2 ORDER BY action LIMIT 1", -1, &next, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(first);
		return -1;
	}
	xasprintf(&hi, "%s~", prefix);
	sqlite3_bind_text(first, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(first, 2, hi, -1, SQLITE_STATIC);
	sqlite3_bind_text(next, 2, hi, -1, SQLITE_STATIC);
	for (s = first; n <= ACTIONS_MAX; s = next) {
		if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
			if (rc != SQLITE_DONE)
				n = -1;
			break;
		}
		out[n] = xstrdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_reset(next);
		sqlite3_bind_text(next, 1, out[n], -1, SQLITE_STATIC);
		n++;
	}
	sqlite3_finalize(first);
	sqlite3_finalize(next);
	free(hi);
	return n;
}

int
audit_each(sqlite3 *db, const struct audit_filter *f,
    int (*fn)(const struct audit_entry *, void *), void *arg, char **cause)
{
	static const char	 cols[] = "seq, at, operator, action, target, "
	    "fields, detail, hash";
	struct audit_entry	 e;
	sqlite3_stmt		*stmt;
	char			*where, *sql, *arm, *s, *actions[ACTIONS_MAX + 1];
	int			 rc, ret = XJ_OK, nact = 0, i, prefix;

	/*
	 * Only the filters that are set go into the query, so that SQLite
	 * walks the one index that answers it (audit_operator, audit_target,
	 * audit_action, audit_at) newest first and stops at the limit,
	 * however long the log: a page costs the same at any depth.
	 */
	where = xstrdup("seq < ?6");
	if (f->operator != NULL)
		add_cond(&where, "operator = ?1");
	if (f->target != NULL)
		add_cond(&where, "target = ?3");
	/* Requests are named in the detail only: no index, a filter. */
	if (f->request > 0)
		add_cond(&where, "(' ' || detail || ' ') LIKE ?8");
	if (f->since != 0)
		add_cond(&where, "at >= ?4");
	if (f->until != 0)
		add_cond(&where, "at < ?5");
	/*
	 * "student.view" is one action: one range of audit_action.  A
	 * prefix ("status.") as a range of that index would come out by
	 * action, not by seq, and be sorted whole for every page; instead
	 * each action under it is walked by seq and the walks merged, each
	 * stopping at the limit.
	 */
	prefix = f->action != NULL && f->action[0] != '\0' &&
	    f->action[strlen(f->action) - 1] == '.';
	if (prefix && (nact = actions_under(db, f->action, actions)) < 0) {
		free(where);
		return db_fail(db, 0, 1, cause);
	}
	if (prefix && nact == 0) {
		free(where);
		return XJ_OK;
	}
	if (prefix && nact <= ACTIONS_MAX) {
		sql = NULL;
		for (i = 0; i < nact; i++) {
			xasprintf(&arm, "SELECT * FROM (SELECT %s FROM audit "
			    "WHERE action = ?%d AND %s ORDER BY seq DESC "
			    "LIMIT ?7)", cols, 9 + i, where);
			if (sql == NULL)
				sql = arm;
			else {
				xasprintf(&s, "%s UNION ALL %s", sql, arm);
				free(sql);
				free(arm);
				sql = s;
			}
		}
		xasprintf(&s, "%s ORDER BY seq DESC LIMIT ?7", sql);
		free(sql);
		sql = s;
	} else {
		if (prefix)
			add_cond(&where, "action >= ?2 AND action < ?2 || '~'");
		else if (f->action != NULL)
			add_cond(&where, "action = ?2");
		xasprintf(&sql, "SELECT %s FROM audit WHERE %s ORDER BY seq "
		    "DESC LIMIT ?7", cols, where);
	}
	free(where);
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		ret = db_fail(db, 0, 0, cause);
		goto out;
	}
	if (f->operator != NULL)
		sqlite3_bind_text(stmt, 1, f->operator, -1, SQLITE_STATIC);
	if (f->action != NULL && (!prefix || nact > ACTIONS_MAX))
		sqlite3_bind_text(stmt, 2, f->action, -1, SQLITE_STATIC);
	if (f->target != NULL)
		sqlite3_bind_text(stmt, 3, f->target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)f->since);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)f->until);
	sqlite3_bind_int64(stmt, 6, f->before_seq != 0 ? f->before_seq :
	    INT64_MAX);
	sqlite3_bind_int64(stmt, 7, f->limit != 0 ? (sqlite3_int64)f->limit :
	    -1);
	if (f->request > 0) {
		char	like[40];

		snprintf(like, sizeof like, "%% request=%" PRId64 " %%",
		    f->request);
		sqlite3_bind_text(stmt, 8, like, -1, SQLITE_TRANSIENT);
	}
	for (i = 0; prefix && i < nact && nact <= ACTIONS_MAX; i++)
		sqlite3_bind_text(stmt, 9 + i, actions[i], -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		entry_from_row(stmt, &e);
		if ((ret = fn(&e, arg)) != 0)
			break;
	}
	if (ret == XJ_OK && rc != SQLITE_DONE)
		ret = db_fail(db, 0, 1, cause);
	sqlite3_finalize(stmt);
out:
	for (i = 0; i < nact && i <= ACTIONS_MAX; i++)
		free(actions[i]);
	return ret;
}
