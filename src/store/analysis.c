/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Access analysis: what in the audit log an auditor should look at.  An
 * operator opening many records in a short time, work outside working
 * hours, runs of failed logins, and every uncovering of a sensitive
 * field.  It reads the window of the log in one pass, in the log's
 * order, and keeps of each operator only the time of each open, failed
 * login and entry outside working hours (16 bytes each), never the
 * entries themselves.
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

/* What is kept of one operator while the log is read. */
struct actor {
	char		*id;
	struct stamps	 views, fails;
	struct stamps	 late;		/* entries outside working hours */
};

struct analysis {
	const struct config	*cfg;
	struct finding		*v;
	size_t			 n;

	struct actor		*ops;	/* sorted by id */
	size_t			 nops, sizeops;
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

static int
cmp_stamp(const void *x, const void *y)
{
	const struct stamp	*a = x, *b = y;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Time order: the log's order, but for where its clock stepped back. */
static void
sort_stamps(struct stamps *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_stamp);
}

/* The operator called id, added if new: a binary search of a->ops. */
static struct actor *
actor_of(struct analysis *a, const char *id)
{
	size_t	lo = 0, hi = a->nops, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(id, a->ops[mid].id)) == 0)
			return &a->ops[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (a->nops == a->sizeops) {
		a->sizeops = a->sizeops == 0 ? 16 : 2 * a->sizeops;
		a->ops = xreallocarray(a->ops, a->sizeops, sizeof *a->ops);
	}
	memmove(&a->ops[lo + 1], &a->ops[lo], (a->nops - lo) *
	    sizeof *a->ops);
	memset(&a->ops[lo], 0, sizeof a->ops[lo]);
	a->ops[lo].id = xstrdup(id);
	a->nops++;
	return &a->ops[lo];
}

/* A new finding of one entry by op; its index (a->v may move). */
static size_t
add(struct analysis *a, const char *op, enum finding_kind kind, time_t at,
    int64_t seq, const char *target, const char *field)
{
	struct finding	*f;

	a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
	f = &a->v[a->n];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->operator = xstrdup(op);
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
add_run(struct analysis *a, const char *op, enum finding_kind kind,
    const struct stamps *s, size_t start, size_t end)
{
	size_t	i, k;

	i = add(a, op, kind, s->v[start].at, s->v[start].seq, "", "");
	for (k = start + 1; k <= end; k++)
		extend(a, i, s->v[k].at, s->v[k].seq);
}

/*
 * The runs of s (one operator's entries, in time order) where need or
 * more entries lie less than window seconds after the first of them:
 * each such window, merged with those it overlaps, is one finding.
 */
static void
dense_runs(struct analysis *a, const char *op, enum finding_kind kind,
    const struct stamps *s, time_t window, size_t need)
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
			add_run(a, op, kind, s, start, end);
		start = i;
		end = j;
		open = 1;
	}
	if (open)
		add_run(a, op, kind, s, start, end);
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

/* One operator's findings from what was kept of them, then let it go. */
static void
close_actor(struct analysis *a, struct actor *o)
{
	size_t	i, late = NONE;
	long	period, last = 0;

	sort_stamps(&o->views);
	sort_stamps(&o->fails);
	sort_stamps(&o->late);
	dense_runs(a, o->id, FINDING_BURST, &o->views,
	    (time_t)a->cfg->burst_minutes * 60,
	    (size_t)a->cfg->burst_count + 1);
	dense_runs(a, o->id, FINDING_FAILED_LOGINS, &o->fails,
	    (time_t)a->cfg->failed_minutes * 60,
	    (size_t)a->cfg->failed_logins);
	/* One finding an evening. */
	for (i = 0; i < o->late.n; i++) {
		period = after_hours(a, o->late.v[i].at);
		if (late != NONE && period == last)
			extend(a, late, o->late.v[i].at, o->late.v[i].seq);
		else {
			late = add(a, o->id, FINDING_AFTER_HOURS,
			    o->late.v[i].at, o->late.v[i].seq, "", "");
			last = period;
		}
	}
	free(o->views.v);
	free(o->fails.v);
	free(o->late.v);
	free(o->id);
}

/* audit_each's callback: one entry of the window, in any order. */
static int
entry(const struct audit_entry *e, void *arg)
{
	struct analysis	*a = arg;
	struct actor	*o;

	/* The system's own entries ("-") are no one's access. */
	if (strcmp(e->operator, "-") == 0)
		return 0;
	o = actor_of(a, e->operator);
	if (strcmp(e->action, "student.view") == 0)
		push(&o->views, e->at, e->seq);
	else if (strcmp(e->action, "login.failed") == 0)
		push(&o->fails, e->at, e->seq);
	else if (strcmp(e->action, "student.reveal") == 0)
		add(a, o->id, FINDING_REVEAL, e->at, e->seq, e->target,
		    e->fields);

	/* Hours across midnight cannot be configured; none: no check. */
	if (a->cfg->work_from < a->cfg->work_until &&
	    after_hours(a, e->at) != 0)
		push(&o->late, e->at, e->seq);
	return 0;
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

/*
 * Read the window by audit_each, which walks it as the log browser does
 * (the runs of seq its dates cover), so no index by time is needed;
 * each operator's times are sorted once the window is read.
 */
static int
scan(struct store *st, struct analysis *a, time_t since, time_t until,
    char **cause)
{
	struct audit_filter	 f;
	size_t			 i;
	int			 rc;

	memset(&f, 0, sizeof f);
	f.since = since;
	f.until = until;
	rc = audit_each(st->db, &f, entry, a, cause);
	for (i = 0; i < a->nops; i++)
		close_actor(a, &a->ops[i]);
	free(a->ops);
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
	if ((rc = tx_read(st, cause)) != XJ_OK)
		return rc;
	rc = scan(st, &a, since, until, cause);
	tx_rollback(st);
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
