/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The hash-chained operation log: the encoding of an entry, its hash, and
 * appending it.  See audit.h for the construction; verification is in
 * verify.c, reading pages of the log in each.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "audit-int.h"

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
	AUDIT_SEEN_SQL
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

/* Fill c from e; the bytes audit_canon_put will write (not counting prev). */
size_t
audit_canon_parts(struct canon *c, const struct audit_entry *e)
{
	size_t	total = 0, i;

	c->part[0] = decimal((long long)e->seq, c->seq);
	c->part[1] = decimal((long long)e->at, c->at);
	c->part[2] = e->operator;
	c->part[3] = e->action;
	c->part[4] = e->target;
	c->part[5] = e->fields;
	c->part[6] = e->detail;
	for (i = 0; i < nitems(c->part); i++) {
		c->len[i] = c->part[i] != NULL ? strlen(c->part[i]) : 0;
		total += 4 + c->len[i];
	}
	return total;
}

void
audit_canon_put(const struct canon *c, unsigned char *p)
{
	size_t	i;

	for (i = 0; i < nitems(c->part); i++)
		p = put_part(p, c->part[i], c->len[i]);
}

void
audit_hash(const unsigned char prev[AUDIT_HASH_BYTES],
    const struct audit_entry *e, unsigned char out[AUDIT_HASH_BYTES])
{
	struct canon	 c;
	size_t		 total;
	unsigned char	 stackbuf[1024], *buf;

	/*
	 * One buffer and one hash call per entry: verification walks the
	 * whole log, and many small updates cost more than the hashing.
	 * The bytes are those audit.h describes, whatever the buffer.
	 */
	total = AUDIT_HASH_BYTES + audit_canon_parts(&c, e);
	buf = total <= sizeof stackbuf ? stackbuf : xmalloc(total);
	memcpy(buf, prev, AUDIT_HASH_BYTES);
	audit_canon_put(&c, buf + AUDIT_HASH_BYTES);
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
int
audit_damaged(sqlite3 *db, int stepping)
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
int
audit_db_fail(sqlite3 *db, int writing, int stepping, char **cause)
{
	if (audit_damaged(db, stepping))
		return xj_fail(cause, XJ_EDATA, "%s", _("the audit log is "
		    "damaged (part of it cannot be read): verify the branch"));
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

/*
 * Entry seq (time at) starts a run of the log (see struct run_check):
 * close the run before it at prev_at and open one.  Rare (the first
 * entry, a clock stepped back), so the statements are not kept.
 */
static int
run_start(sqlite3 *db, int64_t seq, int64_t at, int64_t prev_at,
    char **cause)
{
	sqlite3_stmt	*close_run = NULL, *open_run = NULL;
	int		 ret = XJ_OK;

	if (sqlite3_prepare_v2(db, "UPDATE audit_run SET last_at = ?1 WHERE "
	    "start = (SELECT max(start) FROM audit_run WHERE start < ?2)", -1,
	    &close_run, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO audit_run (start, "
	    "first_at) VALUES (?1, ?2)", -1, &open_run, NULL) != SQLITE_OK) {
		ret = audit_db_fail(db, 1, 0, cause);
		goto out;
	}
	sqlite3_bind_int64(close_run, 1, prev_at);
	sqlite3_bind_int64(close_run, 2, seq);
	sqlite3_bind_int64(open_run, 1, seq);
	sqlite3_bind_int64(open_run, 2, at);
	if ((seq > 1 && sqlite3_step(close_run) != SQLITE_DONE) ||
	    sqlite3_step(open_run) != SQLITE_DONE)
		ret = audit_db_fail(db, 1, 1, cause);
out:
	sqlite3_finalize(close_run);
	sqlite3_finalize(open_run);
	return ret;
}

int
audit_runs_rebuild(sqlite3 *db, char **cause)
{
	if (sqlite3_exec(db, "DELETE FROM audit_run;" AUDIT_RUNS_FILL_SQL,
	    NULL, NULL, NULL) != SQLITE_OK)
		return audit_db_fail(db, 1, 1, cause);
	return XJ_OK;
}

int
audit_seen_behind(sqlite3 *db, int *behind, char **cause)
{
	static const char	 sql[] =
	    "SELECT EXISTS (SELECT 1 FROM audit WHERE action = 'student.find'"
	    "  AND seq > (SELECT seq FROM audit_seen_upto))";
	sqlite3_stmt		*stmt;
	int			 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return audit_db_fail(db, 0, 0, cause);
	rc = sqlite3_step(stmt);
	*behind = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? XJ_OK : audit_db_fail(db, 0, 1, cause);
}

int
audit_seen_catch_up(sqlite3 *db, char **cause)
{
	static const char	 sql[] =
	    AUDIT_SEEN_FILL(" AND seq > (SELECT seq FROM audit_seen_upto)")
	    "UPDATE audit_seen_upto SET seq = (SELECT max(seq) FROM audit);";

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return audit_db_fail(db, 1, 1, cause);
	return XJ_OK;
}

int
audit_append_kept(sqlite3 *db, const char *branch, struct audit_stmts *c,
    struct audit_entry *e, char **cause)
{
	static const char	 last_sql[] =
	    "SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1";
	static const char	 ins_sql[] =
	    "INSERT INTO audit (seq, at, operator, action, target, fields,"
	    " detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	unsigned char		 prev[AUDIT_HASH_BYTES];
	sqlite3_stmt		*stmt;
	int64_t			 prev_at = 0;
	int			 rc;

	if (prepare_kept(db, last_sql, &c->last) != SQLITE_OK)
		return audit_db_fail(db, 1, 0, cause);
	stmt = c->last;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_bytes(stmt, 1) == AUDIT_HASH_BYTES) {
		e->seq = sqlite3_column_int64(stmt, 0) + 1;
		memcpy(prev, sqlite3_column_blob(stmt, 1), AUDIT_HASH_BYTES);
		prev_at = sqlite3_column_int64(stmt, 2);
	} else if (rc == SQLITE_DONE) {
		e->seq = 1;
		audit_genesis(branch, prev);
	} else {
		sqlite3_reset(stmt);
		return rc == SQLITE_ROW ? xj_fail(cause, XJ_EDATA, "%s",
		    _("the audit log is damaged: verify the branch")) :
		    audit_db_fail(db, 1, 1, cause);
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
		return audit_db_fail(db, 1, 0, cause);
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
		rc = audit_db_fail(db, 1, 1, cause);
	else
		rc = XJ_OK;
	/* The bindings point into e, which is the caller's. */
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	/* In the caller's transaction: the run commits with the entry. */
	if (rc == XJ_OK && (e->seq == 1 || (int64_t)e->at < prev_at))
		rc = run_start(db, e->seq, (int64_t)e->at, prev_at, cause);
	return rc;
}

