/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Reading the operation log a page at a time (audit_each): keyset by
 * seq, newest first, each filter by its own index.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "audit-int.h"

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
		audit_entry_from_row(q->stmt, &e);
		if (q->left != SIZE_MAX)
			q->left--;
		if ((ret = q->fn(&e, q->arg)) != 0)
			return ret;
	}
	if (rc != SQLITE_DONE)
		return audit_db_fail(q->db, 0, 1, q->cause);
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
		ret = audit_db_fail(q->db, 0, 0, q->cause);
		goto out;
	}
	if ((rc = sqlite3_step(head)) != SQLITE_ROW) {
		ret = audit_db_fail(q->db, 0, 1, q->cause);
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
		ret = audit_db_fail(q->db, 0, 1, q->cause);
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
	if (f->target != NULL && f->target[0] != '\0') {
		/*
		 * The entries naming it, and those that showed it without
		 * (audit_seen): a few hundred seqs at most, from two indexes,
		 * walked by seq.  audit_target holds the entries with a
		 * target only.
		 */
		add_cond(&where, "seq IN (SELECT seq FROM audit WHERE "
		    "target = ?3 AND target != '' UNION ALL SELECT seq FROM "
		    "audit_seen WHERE number = ?3)");
	} else if (f->target != NULL) {
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
		return audit_db_fail(db, 0, 1, cause);
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
		ret = audit_db_fail(db, 0, 0, cause);
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
