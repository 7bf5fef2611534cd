/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The hash-chained operation log.  See audit.h for the construction.
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
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

/* The seven parts of an entry's encoding (audit.h), each with its length. */
struct canon {
	const char	*part[7];
	size_t		 len[7];
	char		 seq[24], at[24];
};

/* Fill c from e; the bytes canon_put will write (not counting prev). */
static size_t
canon_parts(struct canon *c, const struct audit_entry *e)
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

static void
canon_put(const struct canon *c, unsigned char *p)
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
	total = AUDIT_HASH_BYTES + canon_parts(&c, e);
	buf = total <= sizeof stackbuf ? stackbuf : xmalloc(total);
	memcpy(buf, prev, AUDIT_HASH_BYTES);
	canon_put(&c, buf + AUDIT_HASH_BYTES);
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
		ret = db_fail(db, 1, 0, cause);
		goto out;
	}
	sqlite3_bind_int64(close_run, 1, prev_at);
	sqlite3_bind_int64(close_run, 2, seq);
	sqlite3_bind_int64(open_run, 1, seq);
	sqlite3_bind_int64(open_run, 2, at);
	if ((seq > 1 && sqlite3_step(close_run) != SQLITE_DONE) ||
	    sqlite3_step(open_run) != SQLITE_DONE)
		ret = db_fail(db, 1, 1, cause);
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
		return db_fail(db, 1, 1, cause);
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
		return db_fail(db, 1, 0, cause);
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
	/* In the caller's transaction: the run commits with the entry. */
	if (rc == XJ_OK && (e->seq == 1 || (int64_t)e->at < prev_at))
		rc = run_start(db, e->seq, (int64_t)e->at, prev_at, cause);
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

/*
 * The log's runs (audit_run, store migration 7): entry seq starts a run
 * when it is the first entry or its time is earlier than the entry
 * before it (the clock stepped back: NTP, a change by hand, failed
 * logins moved into the log at the next login with their own, earlier,
 * time).  Within a run, at never decreases as seq grows, which is what
 * lets audit_each turn a date window into ranges of seq.  audit_append
 * keeps the table in the transaction of the entry that starts a run;
 * first_at is the run's first entry's time, last_at its last's (NULL
 * while the run is the newest).  A real log has a run per clock change
 * and per batch of failed logins moved in (a few a day at most); a log
 * whose clock steps back at every other entry would make each page walk
 * many runs: still exact, slower.
 *
 * The table is derived from the log and outside the chain.  Verification
 * checks it against the entries it walks anyway (run_check), so an edit
 * to it is reported like an edit to the log; and the browser keeps the
 * dates as a filter on every row it shows, so a wrong table could only
 * hide entries from a date window (until verify says so), never show one
 * outside it.
 */
struct run_check {
	sqlite3_stmt	*stmt;		/* NULL: no table (an old copy) */
	int		 have;		/* stmt holds the next run */
	int64_t		 start, first_at, last_at;
	int		 last_null;
	int64_t		 cur_last;	/* the current run's last_at */
	int		 cur_null;
};

static void
run_check_next(struct run_check *rc)
{
	rc->have = sqlite3_step(rc->stmt) == SQLITE_ROW;
	if (!rc->have)
		return;
	rc->start = sqlite3_column_int64(rc->stmt, 0);
	rc->first_at = sqlite3_column_int64(rc->stmt, 1);
	rc->last_null = sqlite3_column_type(rc->stmt, 2) == SQLITE_NULL;
	rc->last_at = sqlite3_column_int64(rc->stmt, 2);
}

/*
 * Whether entry e (whose predecessor, if any, had time prev_at) agrees
 * with the runs: it starts one exactly when its time steps back, with
 * its time, and the run it ends was closed with the time before it.
 * Runs after the last entry are not checked: a truncated log is what
 * checkpoints catch, and those runs cannot hide anything.
 */
static int
run_check_entry(struct run_check *rc, const struct audit_entry *e,
    int64_t prev_at)
{
	int	starts = e->seq == 1 || (int64_t)e->at < prev_at;
	int	listed;

	if (rc->stmt == NULL)
		return 1;
	if (rc->have && rc->start < e->seq)
		return 0;	/* a run where no entry begins one */
	listed = rc->have && rc->start == e->seq;
	if (starts != listed)
		return 0;
	if (!listed)
		return 1;
	if (rc->first_at != (int64_t)e->at)
		return 0;
	if (e->seq > 1 && (rc->cur_null || rc->cur_last != prev_at))
		return 0;
	rc->cur_last = rc->last_at;
	rc->cur_null = rc->last_null;
	run_check_next(rc);
	return 1;
}

/*
 * Verification is two stages, pipelined: this thread, which owns the
 * connection, steps the rows (decrypting pages), checks what needs no
 * hash (sequence, shape, runs) and lays the canonical bytes out in
 * batches; a second thread hashes them along the chain and compares.
 * Each stage alone is about half the work, and BLAKE2b over a long log
 * was the other core's to do.  The batches go round a ring of
 * VERIFY_BATCHES in order, so the chain is walked in seq order, and the
 * first entry that does not verify is the same as walking it in one
 * thread.  No SQLite call and no progress callback (the TUI draws from
 * it) is ever made from the hashing thread.  A log that fits in one
 * batch is hashed here, without a thread.
 */
#define VERIFY_BATCH	4096	/* entries per batch */
#define VERIFY_BATCHES	4	/* batches in flight */
#define VERIFY_BYTES	(VERIFY_BATCH * 256)	/* a batch's first buffer */
#define VERIFY_PROGRESS	4096	/* entries between progress calls */

struct vslot {
	int64_t		 seq;
	size_t		 off, len;	/* prev ‖ canonical, in buf */
	unsigned char	 hash[AUDIT_HASH_BYTES];	/* as stored */
};

struct vbatch {
	struct vslot	 slot[VERIFY_BATCH];
	size_t		 n;
	unsigned char	*buf;
	size_t		 used, cap;
};

/*
 * Batch i % VERIFY_BATCHES is the reader's to fill while i == produced,
 * and the hasher's from then until consumed passes it.  Under lock:
 * produced, consumed, eof, stop, done and bad.  One condition variable
 * serves both ways: the reader waits only when every batch is full, the
 * hasher only when none is, so they never wait at once.
 */
struct vpipe {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct vbatch	 b[VERIFY_BATCHES];
	uint64_t	 produced, consumed;
	int		 eof;		/* the reader has put its last batch */
	int		 stop;		/* the hasher found a bad entry */
	int64_t		 done;		/* entries whose hash matched */
	int64_t		 bad;		/* the first that did not, or 0 */
	unsigned char	 prev[AUDIT_HASH_BYTES];	/* the hasher's own */
	int		 threaded;
	pthread_t	 thread;
};

/*
 * Hash the batches put so far, in order; with wait, also those still to
 * come, until the reader's last.  Stops at the first entry whose hash
 * does not match, and says so (stop), which frees the reader.
 */
static void
vpipe_hash(struct vpipe *p, int wait)
{
	struct vbatch	*b;
	struct vslot	*s;
	unsigned char	*bytes;
	size_t		 i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (wait && p->consumed == p->produced && !p->eof)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->consumed == p->produced || p->stop) {
			pthread_mutex_unlock(&p->lock);
			return;
		}
		b = &p->b[p->consumed % VERIFY_BATCHES];
		pthread_mutex_unlock(&p->lock);

		for (i = 0; i < b->n; i++) {
			s = &b->slot[i];
			bytes = b->buf + s->off;
			memcpy(bytes, p->prev, AUDIT_HASH_BYTES);
			crypto_generichash(p->prev, AUDIT_HASH_BYTES, bytes,
			    s->len, NULL, 0);
			/* Public values: no need for a constant-time compare. */
			if (memcmp(p->prev, s->hash, AUDIT_HASH_BYTES) != 0)
				break;
		}

		pthread_mutex_lock(&p->lock);
		p->done += (int64_t)i;
		if (i < b->n) {
			p->bad = b->slot[i].seq;
			p->stop = 1;
		} else
			p->consumed++;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
		if (i < b->n)
			return;
	}
}

static void *
vpipe_main(void *arg)
{
	vpipe_hash(arg, 1);
	return NULL;
}

/*
 * The hashing thread, with every signal blocked so that signals stay
 * the caller's (the TUI's SIGWINCH and the like).  When it cannot be
 * started, the batches are hashed here as they are put.
 */
static void
vpipe_start(struct vpipe *p)
{
	sigset_t	all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	p->threaded = pthread_create(&p->thread, NULL, vpipe_main, p) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Hand the batch being filled to the hasher. */
static void
vpipe_put(struct vpipe *p)
{
	pthread_mutex_lock(&p->lock);
	p->produced++;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	if (!p->threaded)
		vpipe_hash(p, 0);
}

/*
 * The next batch to fill, once the hasher has freed one, and in *done
 * how many entries have verified; NULL when the hasher has stopped at a
 * bad entry (which comes before anything still to be read).
 */
static struct vbatch *
vpipe_get(struct vpipe *p, int64_t *done)
{
	struct vbatch	*b;

	pthread_mutex_lock(&p->lock);
	while (p->produced - p->consumed == VERIFY_BATCHES && !p->stop)
		pthread_cond_wait(&p->cond, &p->lock);
	b = p->stop ? NULL : &p->b[p->produced % VERIFY_BATCHES];
	*done = p->done;
	pthread_mutex_unlock(&p->lock);
	if (b != NULL)
		b->n = b->used = 0;
	return b;
}

/* Put the reader's last batch and wait for the hasher to finish. */
static void
vpipe_end(struct vpipe *p, struct vbatch *b)
{
	if (b != NULL && b->n > 0)
		vpipe_put(p);
	pthread_mutex_lock(&p->lock);
	p->eof = 1;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	if (p->threaded)
		pthread_join(p->thread, NULL);
}

static struct vpipe *
vpipe_new(const char *branch)
{
	struct vpipe	*p = xcalloc(1, sizeof *p);
	size_t		 i;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (i = 0; i < VERIFY_BATCHES; i++) {
		p->b[i].cap = VERIFY_BYTES;
		p->b[i].buf = xmalloc(p->b[i].cap);
	}
	audit_genesis(branch, p->prev);
	return p;
}

static void
vpipe_free(struct vpipe *p)
{
	size_t	i;

	for (i = 0; i < VERIFY_BATCHES; i++)
		free(p->b[i].buf);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* Call progress for every multiple of VERIFY_PROGRESS up to upto. */
static void
report(void (*progress)(int64_t, void *), void *arg, int64_t *told,
    int64_t upto)
{
	if (progress == NULL)
		return;
	while (*told + VERIFY_PROGRESS <= upto) {
		*told += VERIFY_PROGRESS;
		progress(*told, arg);
	}
}

int
audit_verify(sqlite3 *db, const char *branch, int64_t *count,
    int64_t *bad_seq, void (*progress)(int64_t, void *), void *arg,
    char **cause)
{
	static const char	 sql[] =
	    "SELECT seq, at, operator, action, target, fields, detail, hash"
	    " FROM audit ORDER BY seq";
	enum { W_NONE, W_MALFORMED, W_MISSING, W_RUNS } why = W_NONE;
	struct audit_entry	 e;
	struct run_check	 runs;
	struct canon		 c;
	struct vpipe		*p;
	struct vbatch		*b;
	struct vslot		*s;
	sqlite3_stmt		*stmt;
	int64_t			 expect = 1, prev_at = 0, done, told = 0;
	int64_t			 at_seq = 0;
	size_t			 need;
	int			 rc, ret = XJ_OK, runs_ok;

	*bad_seq = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, 0, 0, cause);
	/* A copy from before migration 7 has no runs to check. */
	memset(&runs, 0, sizeof runs);
	if (sqlite3_prepare_v2(db, "SELECT start, first_at, last_at FROM "
	    "audit_run ORDER BY start", -1, &runs.stmt, NULL) != SQLITE_OK)
		runs.stmt = NULL;
	else
		run_check_next(&runs);
	p = vpipe_new(branch);
	b = vpipe_get(p, &done);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		entry_from_row(stmt, &e);
		if (e.operator == NULL || e.action == NULL ||
		    e.target == NULL || e.fields == NULL || e.detail == NULL ||
		    sqlite3_column_bytes(stmt, 7) != AUDIT_HASH_BYTES) {
			why = W_MALFORMED;
			at_seq = e.seq;
			break;
		}
		if (e.seq != expect) {
			why = W_MISSING;
			at_seq = e.seq;
			break;
		}
		/*
		 * Checked now, reported only if the entry's hash matches
		 * (the hasher's verdict comes first): an edited entry is
		 * named as one.
		 */
		runs_ok = run_check_entry(&runs, &e, prev_at);

		need = AUDIT_HASH_BYTES + canon_parts(&c, &e);
		if (b->n == VERIFY_BATCH ||
		    (b->n > 0 && b->cap - b->used < need)) {
			if (!p->threaded && p->produced == 0)
				vpipe_start(p);
			vpipe_put(p);
			if ((b = vpipe_get(p, &done)) == NULL)
				break;
			report(progress, arg, &told, done);
		}
		if (b->cap - b->used < need) {
			/* An entry larger than a whole batch: rare. */
			b->cap = need;
			free(b->buf);
			b->buf = xmalloc(b->cap);
		}
		s = &b->slot[b->n++];
		s->seq = e.seq;
		s->off = b->used;
		s->len = need;
		memcpy(s->hash, e.hash, AUDIT_HASH_BYTES);
		canon_put(&c, b->buf + b->used + AUDIT_HASH_BYTES);
		b->used += need;

		if (!runs_ok) {
			why = W_RUNS;
			at_seq = e.seq;
			break;
		}
		prev_at = (int64_t)e.at;
		expect++;
	}
	vpipe_end(p, b);

	/* The first failure along the chain, as one thread would find it. */
	if (p->bad != 0) {
		*bad_seq = p->bad;
		expect = p->bad;
		ret = xj_fail(cause, XJ_TAMPERED, _("audit entry %" PRId64
		    " does not match the chain (edited, reordered or "
		    "replaced)"), p->bad);
	} else if (why == W_MALFORMED) {
		*bad_seq = at_seq;
		ret = xj_fail(cause, XJ_TAMPERED,
		    _("audit entry %" PRId64 " is malformed"), at_seq);
	} else if (why == W_MISSING) {
		*bad_seq = expect;
		ret = xj_fail(cause, XJ_TAMPERED,
		    _("audit entry %" PRId64 " is missing (next is %"
		    PRId64 ")"), expect, at_seq);
	} else if (why == W_RUNS) {
		*bad_seq = at_seq;
		ret = xj_fail(cause, XJ_TAMPERED,
		    _("the log's index of times was edited at entry %"
		    PRId64 " (the log itself verifies; searching it "
		    "by date may miss entries)"), at_seq);
	} else if (rc != SQLITE_DONE && damaged(db, 1)) {
		/* Where the walk stopped is where the damage begins. */
		*bad_seq = expect;
		ret = xj_fail(cause, XJ_EDATA, _("the audit log is damaged: "
		    "entry %" PRId64 " and those after it cannot be read "
		    "(restore the last good backup)"), expect);
	} else if (rc != SQLITE_DONE)
		ret = db_fail(db, 0, 1, cause);
	report(progress, arg, &told, expect - 1);
	vpipe_free(p);
	sqlite3_finalize(stmt);
	sqlite3_finalize(runs.stmt);
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

/*
 * The request number N is the word "request=N" of the detail: this is
 * the expression of the partial index audit_request (store migration 7),
 * written here exactly as there, so that SQLite matches the two and
 * seeks.  It reads the digits after the first " request=" (a key of its
 * own: the space rules out "guardian_request=" and the like); the word
 * itself is then checked in full (REQUEST_WORD), so "request=12x" or a
 * second "request=" elsewhere in a detail can never match by the number
 * alone.  Only entries that name a request are in the index.
 */
#define REQUEST_HAS	"instr(' ' || detail, ' request=') > 0"
#define REQUEST_ID	"CAST(substr(detail, instr(' ' || detail, " \
			"' request=') + 8) AS INTEGER)"
#define REQUEST_WORD	"(' ' || detail || ' ') LIKE ?8"

struct each {
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	size_t		 left;		/* of the limit; SIZE_MAX: none */
	int		(*fn)(const struct audit_entry *, void *);
	void		*arg;
	char		**cause;
};

/*
 * Run the page's statement over seq in [lo, hi), newest first, calling
 * fn for each row until the limit.  XJ_OK, fn's non-zero value, or an
 * error.
 */
static int
each_range(struct each *q, int64_t lo, int64_t hi, int windowed)
{
	struct audit_entry	 e;
	int			 rc, ret;

	if (q->left == 0 || lo >= hi)
		return XJ_OK;
	sqlite3_reset(q->stmt);
	sqlite3_bind_int64(q->stmt, 6, hi);
	if (windowed)
		sqlite3_bind_int64(q->stmt, 9, lo);
	sqlite3_bind_int64(q->stmt, 7, q->left == SIZE_MAX ? -1 :
	    (sqlite3_int64)q->left);
	while ((rc = sqlite3_step(q->stmt)) == SQLITE_ROW) {
		entry_from_row(q->stmt, &e);
		if (q->left != SIZE_MAX)
			q->left--;
		if ((ret = q->fn(&e, q->arg)) != 0)
			return ret;
	}
	if (rc != SQLITE_DONE)
		return db_fail(q->db, 0, 1, q->cause);
	return XJ_OK;
}

/* at of entry seq into *at; 0, or -1 when there is no such entry. */
static int
probe_at(sqlite3_stmt *probe, int64_t seq, int64_t *at)
{
	int	found;

	sqlite3_reset(probe);
	sqlite3_bind_int64(probe, 1, seq);
	found = sqlite3_step(probe) == SQLITE_ROW;
	if (found)
		*at = sqlite3_column_int64(probe, 0);
	sqlite3_reset(probe);
	return found ? 0 : -1;
}

/*
 * The first seq in [a, b] whose time is >= t, or b + 1: a binary search
 * by seq, which is right because at never decreases within a run.  -1
 * when an entry in between is missing (a log with a hole: the caller
 * takes the whole run).
 */
static int64_t
first_from(sqlite3_stmt *probe, int64_t a, int64_t b, int64_t t)
{
	int64_t	lo = a, hi = b + 1, mid, at;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (probe_at(probe, mid, &at) != 0)
			return -1;
		if (at >= t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * A date window: each run of the log (audit_run, see struct run_check)
 * whose times meet [since, until), newest first; within a run the
 * window is one range of seq, found by binary search at the run's ends
 * that the window cuts (none for a run wholly inside it), and the page
 * walks each range by seq, stopping at the limit.  A log whose clock
 * never stepped back is one run: two searches of ~log2 N seeks, then a
 * walk as cheap as no filter.  The page's query keeps the dates as a
 * filter, so no row outside the window can show even if the runs were
 * wrong (verify checks them).  Without the table (a raw handle on an
 * older schema) the whole log is walked by seq with the dates as a
 * filter: exact, slow.
 */
static int
each_window(struct each *q, const struct audit_filter *f)
{
	sqlite3_stmt	*runs = NULL, *probe = NULL, *head = NULL;
	int64_t		 since, until, end, start, first_at, last_at, lo, hi;
	int64_t		 top;
	int		 ret = XJ_OK, rc, newest = 1;

	since = f->since != 0 ? (int64_t)f->since : INT64_MIN;
	until = f->until != 0 ? (int64_t)f->until : INT64_MAX;
	if (sqlite3_prepare_v2(q->db, "SELECT start, first_at, last_at FROM "
	    "audit_run WHERE start < ?1 ORDER BY start DESC", -1, &runs,
	    NULL) != SQLITE_OK)
		return each_range(q, 0, f->before_seq != 0 ? f->before_seq :
		    INT64_MAX, 1);
	if (sqlite3_prepare_v2(q->db, "SELECT at FROM audit WHERE seq = ?1",
	    -1, &probe, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, "SELECT max(seq) FROM audit", -1, &head,
	    NULL) != SQLITE_OK) {
		ret = db_fail(q->db, 0, 0, q->cause);
		goto out;
	}
	if ((rc = sqlite3_step(head)) != SQLITE_ROW) {
		ret = db_fail(q->db, 0, 1, q->cause);
		goto out;
	}
	top = sqlite3_column_int64(head, 0);
	end = f->before_seq != 0 && f->before_seq - 1 < top ?
	    f->before_seq - 1 : top;
	sqlite3_bind_int64(runs, 1, end + 1);
	while (end >= 1 && q->left > 0 &&
	    (rc = sqlite3_step(runs)) == SQLITE_ROW) {
		start = sqlite3_column_int64(runs, 0);
		first_at = sqlite3_column_int64(runs, 1);
		/*
		 * The newest run is cut at end: its last time is read, not
		 * taken from the table (open, or past a truncated log).
		 */
		if (newest || sqlite3_column_type(runs, 2) == SQLITE_NULL) {
			if (probe_at(probe, end, &last_at) != 0)
				last_at = INT64_MAX;
		} else
			last_at = sqlite3_column_int64(runs, 2);
		newest = 0;
		if (start > end || start < 1)
			continue;
		if (first_at < until && last_at >= since) {
			lo = first_at >= since ? start :
			    first_from(probe, start, end, since);
			hi = last_at < until ? end :
			    first_from(probe, start, end, until) - 1;
			if (lo < 0 || hi < -1) {
				lo = start;
				hi = end;
			}
			if ((ret = each_range(q, lo, hi + 1, 1)) != XJ_OK)
				goto out;
		}
		end = start - 1;
	}
	if (q->left > 0 && end >= 1 && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = db_fail(q->db, 0, 1, q->cause);
out:
	sqlite3_finalize(runs);
	sqlite3_finalize(probe);
	sqlite3_finalize(head);
	return ret;
}

int
audit_each(sqlite3 *db, const struct audit_filter *f,
    int (*fn)(const struct audit_entry *, void *), void *arg, char **cause)
{
	static const char	 cols[] = "seq, at, operator, action, target, "
	    "fields, detail, hash";
	struct each		 q;
	const char		*plus;
	char			*where, *sql, *arm, *s, *actions[ACTIONS_MAX + 1];
	int			 rc, ret = XJ_OK, nact = 0, i, prefix, windowed;

	/*
	 * Only the filters that are set go into the query, so that SQLite
	 * walks the one index that answers it (audit_operator, audit_target,
	 * audit_action, audit_request, or the table itself for a date
	 * window: see each_window) newest first and stops at the limit,
	 * however long the log: a page costs the same at any depth.
	 */
	windowed = f->since != 0 || f->until != 0;
	/* A request names a handful of entries: its index, whatever else. */
	plus = f->request > 0 ? "+" : "";
	where = xstrdup("seq < ?6");
	if (windowed)
		add_cond(&where, "seq >= ?9");
	if (f->operator != NULL) {
		xasprintf(&s, "%soperator = ?1", plus);
		add_cond(&where, s);
		free(s);
	}
	if (f->target != NULL) {
		xasprintf(&s, "%starget = ?3", plus);
		add_cond(&where, s);
		free(s);
	}
	if (f->request > 0)
		add_cond(&where, REQUEST_HAS " AND " REQUEST_ID " = ?10 AND "
		    REQUEST_WORD);
	/*
	 * The dates are a filter only ("+at": never audit_at, which would
	 * return the window by time and sort it whole for each page); the
	 * range of seq each_window binds does the work.
	 */
	if (f->since != 0)
		add_cond(&where, "+at >= ?4");
	if (f->until != 0)
		add_cond(&where, "+at < ?5");
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
			    "WHERE %saction = ?%d AND %s ORDER BY seq DESC "
			    "LIMIT ?7)", cols, plus, 11 + i, where);
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
		if (prefix) {
			xasprintf(&s, "%saction >= ?2 AND %saction < ?2 || "
			    "'~'", plus, plus);
			add_cond(&where, s);
			free(s);
		} else if (f->action != NULL) {
			xasprintf(&s, "%saction = ?2", plus);
			add_cond(&where, s);
			free(s);
		}
		xasprintf(&sql, "SELECT %s FROM audit WHERE %s ORDER BY seq "
		    "DESC LIMIT ?7", cols, where);
	}
	free(where);
	memset(&q, 0, sizeof q);
	rc = sqlite3_prepare_v2(db, sql, -1, &q.stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		ret = db_fail(db, 0, 0, cause);
		goto out;
	}
	if (f->operator != NULL)
		sqlite3_bind_text(q.stmt, 1, f->operator, -1, SQLITE_STATIC);
	if (f->action != NULL && (!prefix || nact > ACTIONS_MAX))
		sqlite3_bind_text(q.stmt, 2, f->action, -1, SQLITE_STATIC);
	if (f->target != NULL)
		sqlite3_bind_text(q.stmt, 3, f->target, -1, SQLITE_STATIC);
	if (f->since != 0)
		sqlite3_bind_int64(q.stmt, 4, (sqlite3_int64)f->since);
	if (f->until != 0)
		sqlite3_bind_int64(q.stmt, 5, (sqlite3_int64)f->until);
	if (f->request > 0) {
		char	like[40];

		snprintf(like, sizeof like, "%% request=%" PRId64 " %%",
		    f->request);
		sqlite3_bind_text(q.stmt, 8, like, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q.stmt, 10, f->request);
	}
	for (i = 0; prefix && i < nact && nact <= ACTIONS_MAX; i++)
		sqlite3_bind_text(q.stmt, 11 + i, actions[i], -1,
		    SQLITE_STATIC);
	q.db = db;
	q.left = f->limit != 0 ? f->limit : SIZE_MAX;
	q.fn = fn;
	q.arg = arg;
	q.cause = cause;
	if (windowed)
		ret = each_window(&q, f);
	else
		ret = each_range(&q, INT64_MIN, f->before_seq != 0 ?
		    f->before_seq : INT64_MAX, 0);
	sqlite3_finalize(q.stmt);
out:
	for (i = 0; i < nact && i <= ACTIONS_MAX; i++)
		free(actions[i]);
	return ret;
}
