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
	snprintf(seq, sizeof seq, "%" PRId64, e->seq);
	snprintf(at, sizeof at, "%lld", (long long)e->at);
	part[0] = seq;
	part[1] = at;
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

static int
db_fail(sqlite3 *db, char **cause)
{
	return xj_fail(cause, XJ_EIO, _("cannot write the audit log: %s"),
	    sqlite3_errmsg(db));
}

int
audit_append(sqlite3 *db, const char *branch, struct audit_entry *e,
    char **cause)
{
	static const char	 last_sql[] =
	    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	static const char	 ins_sql[] =
	    "INSERT INTO audit (seq, at, operator, action, target, fields,"
	    " detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	unsigned char		 prev[AUDIT_HASH_BYTES];
	sqlite3_stmt		*stmt = NULL;
	int			 rc;

	if (sqlite3_prepare_v2(db, last_sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, cause);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_bytes(stmt, 1) == AUDIT_HASH_BYTES) {
		e->seq = sqlite3_column_int64(stmt, 0) + 1;
		memcpy(prev, sqlite3_column_blob(stmt, 1), AUDIT_HASH_BYTES);
	} else if (rc == SQLITE_DONE) {
		e->seq = 1;
		audit_genesis(branch, prev);
	} else {
		sqlite3_finalize(stmt);
		return rc == SQLITE_ROW ? xj_fail(cause, XJ_EIO, "%s",
		    _("the audit log is damaged: run xueji verify")) :
		    db_fail(db, cause);
	}
	sqlite3_finalize(stmt);

	if (e->at == 0)
		e->at = xj_now();
	if (e->target == NULL)
		e->target = "";
	if (e->fields == NULL)
		e->fields = "";
	if (e->detail == NULL)
		e->detail = "";
	audit_hash(prev, e, e->hash);

	if (sqlite3_prepare_v2(db, ins_sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, cause);
	sqlite3_bind_int64(stmt, 1, e->seq);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)e->at);
	sqlite3_bind_text(stmt, 3, e->operator, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, e->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, e->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, e->fields, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, e->detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 8, e->hash, AUDIT_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_fail(db, cause);
	return XJ_OK;
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
		return xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
		    sqlite3_errmsg(db));
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
		if (sodium_memcmp(h, e.hash, AUDIT_HASH_BYTES) != 0) {
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
	if (ret == XJ_OK && rc != SQLITE_DONE)
		ret = xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
		    sqlite3_errmsg(db));
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

int
audit_each(sqlite3 *db, const struct audit_filter *f,
    int (*fn)(const struct audit_entry *, void *), void *arg, char **cause)
{
	struct audit_entry	 e;
	sqlite3_stmt		*stmt;
	char			*sql;
	int			 rc, ret = XJ_OK;

	/*
	 * Only the filters that are set go into the query, so that SQLite
	 * walks the one index that answers it (audit_operator, audit_target,
	 * audit_action, audit_at) newest first and stops at the limit,
	 * however long the log: a page costs the same at any depth.
	 */
	sql = xstrdup("SELECT seq, at, operator, action, target, fields, "
	    "detail, hash FROM audit WHERE seq < ?6");
	if (f->operator != NULL)
		add_cond(&sql, "operator = ?1");
	/* "student." is a prefix, "student.view" one action: one index. */
	if (f->action != NULL && f->action[0] != '\0' &&
	    f->action[strlen(f->action) - 1] == '.')
		add_cond(&sql, "action >= ?2 AND action < ?2 || '~'");
	else if (f->action != NULL)
		add_cond(&sql, "action = ?2");
	if (f->target != NULL)
		add_cond(&sql, "target = ?3");
	/* Requests are named in the detail only: no index, a filter. */
	if (f->request > 0)
		add_cond(&sql, "(' ' || detail || ' ') LIKE ?8");
	if (f->since != 0)
		add_cond(&sql, "at >= ?4");
	if (f->until != 0)
		add_cond(&sql, "at < ?5");
	{
		char *s;

		xasprintf(&s, "%s ORDER BY seq DESC LIMIT ?7", sql);
		free(sql);
		sql = s;
	}
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
		    sqlite3_errmsg(db));
	if (f->operator != NULL)
		sqlite3_bind_text(stmt, 1, f->operator, -1, SQLITE_STATIC);
	if (f->action != NULL)
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
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		entry_from_row(stmt, &e);
		if ((ret = fn(&e, arg)) != 0)
			break;
	}
	if (ret == XJ_OK && rc != SQLITE_DONE)
		ret = xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
		    sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return ret;
}
