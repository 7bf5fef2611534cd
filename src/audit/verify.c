/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Verifying the operation log: every entry's hash from the one before,
 * the sequence without a gap, and the table of runs against the times.
 * The caller's thread reads (all SQLite calls stay on it), a second
 * thread hashes.
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
#include "audit-int.h"

void
audit_entry_from_row(sqlite3_stmt *stmt, struct audit_entry *e)
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
		return audit_db_fail(db, 0, 0, cause);
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
		audit_entry_from_row(stmt, &e);
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

		need = AUDIT_HASH_BYTES + audit_canon_parts(&c, &e);
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
		audit_canon_put(&c, b->buf + b->used + AUDIT_HASH_BYTES);
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
	} else if (rc != SQLITE_DONE && audit_damaged(db, 1)) {
		/* Where the walk stopped is where the damage begins. */
		*bad_seq = expect;
		ret = xj_fail(cause, XJ_EDATA, _("the audit log is damaged: "
		    "entry %" PRId64 " and those after it cannot be read "
		    "(restore the last good backup)"), expect);
	} else if (rc != SQLITE_DONE)
		ret = audit_db_fail(db, 0, 1, cause);
	report(progress, arg, &told, expect - 1);
	vpipe_free(p);
	sqlite3_finalize(stmt);
	sqlite3_finalize(runs.stmt);
	if (count != NULL)
		*count = expect - 1;
	return ret;
}

