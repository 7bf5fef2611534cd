/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Access analysis: what in the audit log an auditor should look at.  An
 * operator opening many records in a short time, work outside working
 * hours, runs of failed logins, and every uncovering of a sensitive
 * field.  It reads the log in one pass, operator by operator in time
 * order, and keeps only the current operator's opens and failed logins
 * in memory, so a long log costs time but not memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

static const char *const kind_names[] = {
	[FINDING_BURST] = "burst",
	[FINDING_AFTER_HOURS] = "after-hours",
	[FINDING_FAILED_LOGINS] = "failed-logins",
	[FINDING_REVEAL] = "reveal",
};
static const char *const kind_labels[] = {
	[FINDING_BURST] = N_("many records opened"),
	[FINDING_AFTER_HOURS] = N_("outside working hours"),
	[FINDING_FAILED_LOGINS] = N_("failed logins"),
	[FINDING_REVEAL] = N_("sensitive field uncovered"),
};

const char *
finding_kind_name(enum finding_kind k)
{
	return kind_names[k];
}

const char *
finding_kind_label(enum finding_kind k)
{
	return _(kind_labels[k]);
}

void
findings_free(struct finding *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].operator);
		free(v[i].target);
		free(v[i].field);
	}
	free(v);
}

struct stamp {
	time_t		 at;
	int64_t		 seq;
};

struct stamps {
	struct stamp	*v;
	size_t		 n, size;
};

#define NONE	SIZE_MAX

struct analysis {
	const struct config	*cfg;
	struct finding		*v;
	size_t			 n;

	/* The operator being read, and what is kept of them. */
	char			*op;
	struct stamps		 views, fails;
	size_t			 late;		/* the open after-hours one */
	long			 late_period;	/* its evening, as yyyymmdd */
};

static void
push(struct stamps *s, time_t at, int64_t seq)
{
	if (s->n == s->size) {
		s->size = s->size == 0 ? 64 : 2 * s->size;
		s->v = xreallocarray(s->v, s->size, sizeof *s->v);
	}
	s->v[s->n].at = at;
	s->v[s->n].seq = seq;
	s->n++;
}

/* A new finding of one entry; its index (a->v may move). */
static size_t
add(struct analysis *a, enum finding_kind kind, time_t at, int64_t seq,
    const char *target, const char *field)
{
	struct finding	*f;

	a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
	f = &a->v[a->n];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->operator = xstrdup(a->op);
	f->from = f->to = at;
	f->count = 1;
	f->first_seq = f->last_seq = seq;
	f->target = xstrdup(target);
	f->field = xstrdup(field);
	return a->n++;
}

/* Widen finding i by one more entry. */
static void
extend(struct analysis *a, size_t i, time_t at, int64_t seq)
{
	struct finding	*f = &a->v[i];

	if (at < f->from)
		f->from = at;
	if (at > f->to)
		f->to = at;
	if (seq < f->first_seq)
		f->first_seq = seq;
	if (seq > f->last_seq)
		f->last_seq = seq;
	f->count++;
}

static void
add_run(struct analysis *a, enum finding_kind kind, const struct stamps *s,
    size_t start, size_t end)
{
	size_t	i, k;

	i = add(a, kind, s->v[start].at, s->v[start].seq, "", "");
	for (k = start + 1; k <= end; k++)
		extend(a, i, s->v[k].at, s->v[k].seq);
}

/*
 * The runs of s (one operator's entries, in time order) where need or
 * more entries lie less than window seconds after the first of them:
 * each such window, merged with those it overlaps, is one finding.
 */
static void
dense_runs(struct analysis *a, enum finding_kind kind, const struct stamps *s,
    time_t window, size_t need)
{
	size_t	i, j = 0, start = 0, end = 0;
	int	open = 0;

	for (i = 0; i < s->n; i++) {
		if (j < i)
			j = i;
		while (j + 1 < s->n && s->v[j + 1].at - s->v[i].at < window)
			j++;
		if (j - i + 1 < need)
			continue;
		if (open && i <= end) {
			end = j;
			continue;
		}
		if (open)
			add_run(a, kind, s, start, end);
		start = i;
		end = j;
		open = 1;
	}
	if (open)
		add_run(a, kind, s, start, end);
}

/* Close the operator being read: their bursts and runs of failures. */
static void
flush(struct analysis *a)
{
	if (a->op != NULL) {
		dense_runs(a, FINDING_BURST, &a->views,
		    (time_t)a->cfg->burst_minutes * 60,
		    (size_t)a->cfg->burst_count + 1);
		dense_runs(a, FINDING_FAILED_LOGINS, &a->fails,
		    (time_t)a->cfg->failed_minutes * 60,
		    (size_t)a->cfg->failed_logins);
	}
	free(a->op);
	a->op = NULL;
	a->views.n = a->fails.n = 0;
	a->late = NONE;
}

/*
 * The evening an entry outside working hours belongs to, as yyyymmdd:
 * its own day after work, the day before when it is before work.  So a
 * night from 22:00 to 01:00 is one finding, not two.  0 within hours.
 */
static long
after_hours(const struct analysis *a, time_t at)
{
	struct tm	tm;
	int		m;

	localtime_r(&at, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	if (m >= a->cfg->work_from && m < a->cfg->work_until)
		return 0;
	if (m < a->cfg->work_from) {
		tm.tm_mday--;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1)
			return 1;
	}
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

static void
entry(struct analysis *a, int64_t seq, time_t at, const char *op,
    const char *action, const char *target, const char *fields)
{
	long	period;

	if (a->op == NULL || strcmp(a->op, op) != 0) {
		flush(a);
		a->op = xstrdup(op);
	}
	if (strcmp(action, "student.view") == 0)
		push(&a->views, at, seq);
	else if (strcmp(action, "login.failed") == 0)
		push(&a->fails, at, seq);
	else if (strcmp(action, "student.reveal") == 0)
		add(a, FINDING_REVEAL, at, seq, target, fields);

	/* Hours across midnight cannot be configured; none: no check. */
	if (a->cfg->work_from >= a->cfg->work_until ||
	    (period = after_hours(a, at)) == 0)
		return;
	if (a->late != NONE && a->late_period == period)
		extend(a, a->late, at, seq);
	else {
		a->late = add(a, FINDING_AFTER_HOURS, at, seq, "", "");
		a->late_period = period;
	}
}

static int
cmp_finding(const void *x, const void *y)
{
	const struct finding	*a = x, *b = y;
	int			 c;

	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if ((c = strcmp(a->operator, b->operator)) != 0)
		return c;
	return (a->first_seq > b->first_seq) - (a->first_seq < b->first_seq);
}

static const char *
text(sqlite3_stmt *stmt, int col)
{
	const unsigned char	*s = sqlite3_column_text(stmt, col);

	return s != NULL ? (const char *)s : "";
}

static int
scan(struct store *st, struct analysis *a, time_t since, time_t until,
    char **cause)
{
	/* The system's own entries ("-") are no one's access. */
	static const char	 sql[] =
	    "SELECT seq, at, operator, action, target, fields FROM audit"
	    " WHERE at >= ?1 AND at < ?2 AND operator != '-'"
	    " ORDER BY operator, at, seq";
	sqlite3_stmt		*stmt;
	int			 rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot read the audit log"), cause);
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)since);
	sqlite3_bind_int64(stmt, 2, until != 0 ? (sqlite3_int64)until :
	    INT64_MAX);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		entry(a, sqlite3_column_int64(stmt, 0),
		    (time_t)sqlite3_column_int64(stmt, 1), text(stmt, 2),
		    text(stmt, 3), text(stmt, 4), text(stmt, 5));
	if (rc != SQLITE_DONE)
		rc = db_error(st, _("cannot read the audit log"), cause);
	else
		rc = XJ_OK;
	sqlite3_finalize(stmt);
	flush(a);
	return rc;
}

int
store_analysis(struct store *st, time_t since, time_t until,
    struct finding **out, size_t *n, char **cause)
{
	struct analysis	 a;
	char		 from[32], to[32], *detail;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require(st, PERM_AUDIT_VIEW, "audit.analysis",
	    cause)) != XJ_OK)
		return rc;
	memset(&a, 0, sizeof a);
	a.cfg = st->cfg;
	a.late = NONE;
	if ((rc = tx_read(st, cause)) != XJ_OK)
		return rc;
	rc = scan(st, &a, since, until, cause);
	tx_rollback(st);
	free(a.views.v);
	free(a.fails.v);
	if (rc != XJ_OK)
		goto fail;
	if (a.n > 1)
		qsort(a.v, a.n, sizeof *a.v, cmp_finding);

	/* Logged before it is handed out; unlogged, it is not shown. */
	xj_isotime(since, from, sizeof from);
	if (until != 0)
		xj_isotime(until, to, sizeof to);
	else
		snprintf(to, sizeof to, "-");
	xasprintf(&detail, "since=%s until=%s findings=%zu", from, to, a.n);
	rc = store_log(st, "audit.analysis", "", detail, cause);
	free(detail);
	if (rc != XJ_OK)
		goto fail;
	*out = a.v;
	*n = a.n;
	return XJ_OK;
fail:
	findings_free(a.v, a.n);
	return rc;
}
