/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Reports for supervisors and auditors: how many students of each
 * status, how complete the records are, what waits in the queue and for
 * how long, which reviews are overdue, and how quickly destruction
 * follows its request.  A report is made of counts and dates, never of
 * what a record says, so it can be printed and passed around.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"


static const char *const report_names[REPORT_KINDS] = {
	[REPORT_STATUS] = "status",
	[REPORT_COMPLETENESS] = "completeness",
	[REPORT_PENDING] = "pending",
	[REPORT_REVIEWS] = "reviews",
	[REPORT_DESTRUCTION] = "destruction",
};
static const char *const report_labels[REPORT_KINDS] = {
	[REPORT_STATUS] = N_("Students by status"),
	[REPORT_COMPLETENESS] = N_("Completeness of records"),
	[REPORT_PENDING] = N_("Pending requests"),
	[REPORT_REVIEWS] = N_("Overdue reviews"),
	[REPORT_DESTRUCTION] = N_("Destruction timeliness"),
};

const char *
report_name(enum report_kind k)
{
	return report_names[k];
}

const char *
report_label(enum report_kind k)
{
	return _(report_labels[k]);
}

int
report_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(report_names); i++) {
		if (strcmp(s, report_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void
report_free(struct report *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->completeness.nfields; i++) {
		free(r->completeness.fields[i].key);
		free(r->completeness.fields[i].label);
	}
	free(r->completeness.fields);
	for (i = 0; i < r->destruction.n; i++) {
		free(r->destruction.items[i].number);
		free(r->destruction.items[i].reason);
	}
	free(r->destruction.items);
	free(r);
}

/* The first row's columns as integers (absent or NULL: 0). */
static int
query_longs(struct store *st, const char *sql, time_t now, long *a, long *b)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_parameter_count(stmt) > 0)
		sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*a = (long)sqlite3_column_int64(stmt, 0);
		if (b != NULL)
			*b = (long)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

#define PENDING_DESTROY "EXISTS (SELECT 1 FROM request r WHERE " \
	"r.student = s.id AND r.kind = 'destroy' AND r.state = 'pending')"

static int
make_status(struct store *st, struct report *r)
{
	sqlite3_stmt	*stmt;
	int		 rc, s;

	if (sqlite3_prepare_v2(st->db, "SELECT status, count(*) FROM student "
	    "GROUP BY status", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		s = status_parse((const char *)sqlite3_column_text(stmt, 0));
		if (s >= 0)
			r->status.count[s] = (long)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return -1;
	return query_longs(st, "SELECT count(*) FROM student s WHERE "
	    "s.status != 'destroyed' AND " PENDING_DESTROY, 0,
	    &r->status.frozen, NULL);
}

/*
 * A value counts as filled when it is stored and not empty; the store
 * removes a field emptied by a change, but an empty row costs nothing to
 * allow for.  A field added to the form as required after students were
 * enrolled is what makes records incomplete.
 */
static int
make_completeness(struct store *st, struct report *r)
{
	const struct field_spec	*f;
	sqlite3_stmt		*stmt;
	char			*sql, *in = NULL, *t;
	size_t			 i, nreq = 0;
	int			 rc = -1;

	if (query_longs(st, "SELECT count(*) FROM student WHERE status != "
	    "'destroyed'", 0, &r->completeness.live, NULL) != 0)
		return -1;
	r->completeness.fields = xreallocarray(NULL, st->form->nfields + 1,
	    sizeof *r->completeness.fields);
	for (i = 0; i < st->form->nfields; i++) {
		f = &st->form->fields[i];
		if (!f->required)
			continue;
		xasprintf(&t, "%s%s?", in != NULL ? in : "", in != NULL ?
		    ", " : "");
		free(in);
		in = t;
		if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM student s "
		    "WHERE s.status != 'destroyed' AND NOT EXISTS (SELECT 1 "
		    "FROM field f WHERE f.student = s.id AND f.key = ? AND "
		    "f.value != '')", -1, &stmt, NULL) != SQLITE_OK)
			goto out;
		sqlite3_bind_text(stmt, 1, f->key, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_ROW) {
			sqlite3_finalize(stmt);
			goto out;
		}
		r->completeness.fields[nreq].key = xstrdup(f->key);
		r->completeness.fields[nreq].label =
		    xstrdup(form_text(&f->label));
		r->completeness.fields[nreq].missing =
		    (long)sqlite3_column_int64(stmt, 0);
		r->completeness.nfields = ++nreq;
		sqlite3_finalize(stmt);
	}
	if (nreq == 0) {
		r->completeness.complete = r->completeness.live;
		rc = 0;
		goto out;
	}
	xasprintf(&sql, "SELECT count(*) FROM student s WHERE s.status != "
	    "'destroyed' AND (SELECT count(DISTINCT f.key) FROM field f WHERE "
	    "f.student = s.id AND f.value != '' AND f.key IN (%s)) = %zu",
	    in, nreq);
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		for (i = 0; i < nreq; i++)
			sqlite3_bind_text(stmt, (int)i + 1,
			    r->completeness.fields[i].key, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			r->completeness.complete =
			    (long)sqlite3_column_int64(stmt, 0);
			rc = 0;
		}
		sqlite3_finalize(stmt);
	}
	free(sql);
out:
	free(in);
	return rc;
}

static enum report_age
age_bucket(time_t age)
{
	if (age < 1 * DAY)
		return AGE_UNDER_1D;
	if (age < 3 * DAY)
		return AGE_1D_3D;
	if (age < 7 * DAY)
		return AGE_3D_7D;
	return AGE_7D_PLUS;
}

static int
make_pending(struct store *st, struct report *r)
{
	static const char	*const kinds[] = { "change", "status",
	    "destroy" };
	sqlite3_stmt		*stmt;
	const char		*k;
	time_t			 at, age, overdue;
	size_t			 i;
	int			 rc;

	overdue = (time_t)st->cfg->queue_overdue_hours * 3600;
	if (sqlite3_prepare_v2(st->db, "SELECT kind, requested_at FROM "
	    "request WHERE state = 'pending' ORDER BY requested_at", -1, &stmt,
	    NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(stmt, 0);
		at = (time_t)sqlite3_column_int64(stmt, 1);
		for (i = 0; i < nitems(kinds); i++) {
			if (k != NULL && strcmp(k, kinds[i]) == 0)
				break;
		}
		if (i == nitems(kinds))
			continue;
		/* A request filed "later" than now (clock skew) is new. */
		age = at < r->now ? r->now - at : 0;
		r->pending.by_age[i][age_bucket(age)]++;
		/* As the approval queue marks it. */
		if (age >= overdue)
			r->pending.overdue[i]++;
		if (r->pending.total++ == 0)
			r->pending.oldest = at;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return -1;
	/* Guardians' requests wait on the branch, not on a decider. */
	if (sqlite3_prepare_v2(st->db, "SELECT count(*), "
	    "coalesce(sum(due_at < ?), 0) FROM guardian_request WHERE "
	    "state = 'open'", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)r->now);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r->pending.guardian_open = (long)sqlite3_column_int64(stmt, 0);
		r->pending.guardian_overdue = (long)sqlite3_column_int64(stmt,
		    1);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
make_reviews(struct store *st, struct report *r)
{
	long	oldest = 0;

	if (query_longs(st, "SELECT count(*), min(next_review) FROM student "
	    "WHERE status != 'destroyed' AND next_review <= ?1", r->now,
	    &r->reviews.overdue, &oldest) != 0)
		return -1;
	r->reviews.oldest = (time_t)oldest;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
make_destruction(struct store *st, struct report *r)
{
	struct report_destroyed	*d;
	sqlite3_stmt		*stmt;
	double			*days;
	time_t			 until;
	size_t			 i, n;
	int			 rc, s;

	if (sqlite3_prepare_v2(st->db, "SELECT number, reason, requested_at, "
	    "executed_at FROM destruction ORDER BY id", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		n = r->destruction.n;
		r->destruction.items = xreallocarray(r->destruction.items,
		    n + 1, sizeof *r->destruction.items);
		d = &r->destruction.items[n];
		d->number = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		d->reason = xstrdup((const char *)sqlite3_column_text(stmt, 1));
		d->requested_at = (time_t)sqlite3_column_int64(stmt, 2);
		d->executed_at = (time_t)sqlite3_column_int64(stmt, 3);
		d->days = (double)(d->executed_at - d->requested_at) / DAY;
		r->destruction.n = n + 1;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return -1;
	if ((n = r->destruction.n) > 0) {
		days = xreallocarray(NULL, n, sizeof *days);
		for (i = 0; i < n; i++)
			days[i] = r->destruction.items[i].days;
		qsort(days, n, sizeof *days, cmp_double);
		r->destruction.median_days = n % 2 == 1 ? days[n / 2] :
		    (days[n / 2 - 1] + days[n / 2]) / 2;
		r->destruction.max_days = days[n - 1];
		free(days);
	}

	/*
	 * Past retention and no destruction pending: a rejected or
	 * withdrawn request does not stop the clock.  Retention ends in
	 * local calendar months, so it is computed here, not in SQL.
	 */
	if (sqlite3_prepare_v2(st->db, "SELECT s.status, s.status_at FROM "
	    "student s WHERE s.status IN ('completed', 'withdrawn') AND NOT "
	    PENDING_DESTROY, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		s = status_parse((const char *)sqlite3_column_text(stmt, 0));
		until = store_keep_until(st, s,
		    (time_t)sqlite3_column_int64(stmt, 1));
		if (until == 0 || until > r->now)
			continue;
		if (r->destruction.due_unrequested++ == 0 ||
		    until < r->destruction.oldest_due)
			r->destruction.oldest_due = until;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_report(struct store *st, enum report_kind kind, time_t now,
    struct report **out, char **cause)
{
	static int	(*const make[REPORT_KINDS])(struct store *,
			    struct report *) = {
		[REPORT_STATUS] = make_status,
		[REPORT_COMPLETENESS] = make_completeness,
		[REPORT_PENDING] = make_pending,
		[REPORT_REVIEWS] = make_reviews,
		[REPORT_DESTRUCTION] = make_destruction,
	};
	struct report	*r;
	char		*detail;
	int		 rc;

	*out = NULL;
	if ((int)kind < 0 || (int)kind >= REPORT_KINDS)
		return xj_fail(cause, XJ_EUSAGE, "%s", _("no such report"));
	if ((rc = store_require(st, PERM_REPORT_VIEW, "report.view",
	    cause)) != XJ_OK)
		return rc;
	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->now = now;
	/* One consistent view of the database for the whole report. */
	if ((rc = tx_read(st, cause)) != XJ_OK)
		goto fail;
	if (make[kind](st, r) != 0) {
		rc = db_error(st, _("cannot make the report"), cause);
		tx_rollback(st);
		goto fail;
	}
	tx_rollback(st);
	/* Logged before it is handed out; unlogged, it is not shown. */
	xasprintf(&detail, "report=%s", report_names[kind]);
	rc = store_log(st, "report.view", "", detail, cause);
	free(detail);
	if (rc != XJ_OK)
		goto fail;
	*out = r;
	return XJ_OK;
fail:
	report_free(r);
	return rc;
}
