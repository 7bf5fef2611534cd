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
#include <stdint.h>
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
	/* From the requests, far fewer than the students. */
	return query_longs(st, "SELECT count(DISTINCT r.student) FROM request "
	    "r JOIN student s ON s.id = r.student WHERE r.kind = 'destroy' "
	    "AND r.state = 'pending' AND s.status != 'destroyed'", 0,
	    &r->status.frozen, NULL);
}

/*
 * A value counts as filled when it is stored and not empty; the store
 * removes a field emptied by a change, but an empty row costs nothing to
 * allow for.  A field added to the form as required after students were
 * enrolled is what makes records incomplete.
 *
 * One pass over the values in their own order, a student's together,
 * counts both what each required field lacks and the students who lack
 * none: asked student by student and field by field, the report read
 * every record once per required field and took 88 s at a million
 * students.  A destroyed student keeps no values (destroy.c), so every
 * value read is a live student's.
 */
#define REQUIRED_MAX	64	/* required fields the report counts */

static int
make_completeness(struct store *st, struct report *r)
{
	const struct field_spec	*f;
	sqlite3_stmt		*stmt;
	const char		*key;
	uint64_t		 have = 0, all;
	long			 filled[REQUIRED_MAX] = { 0 };
	int64_t			 id, student = -1;
	size_t			 i, nreq = 0;
	int			 rc;

	if (query_longs(st, "SELECT count(*) FROM student WHERE status != "
	    "'destroyed'", 0, &r->completeness.live, NULL) != 0)
		return -1;
	r->completeness.fields = xreallocarray(NULL, st->form->nfields + 1,
	    sizeof *r->completeness.fields);
	for (i = 0; i < st->form->nfields && nreq < REQUIRED_MAX; i++) {
		f = &st->form->fields[i];
		if (!f->required)
			continue;
		r->completeness.fields[nreq].key = xstrdup(f->key);
		r->completeness.fields[nreq].label =
		    xstrdup(form_text(&f->label));
		r->completeness.nfields = ++nreq;
	}
	/* No required field: every live record is complete. */
	if (nreq == 0) {
		r->completeness.complete = r->completeness.live;
		return 0;
	}
	all = nreq == 64 ? UINT64_MAX : ((uint64_t)1 << nreq) - 1;
	if (sqlite3_prepare_v2(st->db, "SELECT student, key FROM field "
	    "WHERE value != '' ORDER BY student", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		key = (const char *)sqlite3_column_text(stmt, 1);
		if (id != student) {
			if (have == all && student != -1)
				r->completeness.complete++;
			student = id;
			have = 0;
		}
		for (i = 0; key != NULL && i < nreq; i++) {
			if (strcmp(key, r->completeness.fields[i].key) == 0 &&
			    !(have & (uint64_t)1 << i)) {
				have |= (uint64_t)1 << i;
				filled[i]++;
			}
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return -1;
	if (have == all && student != -1)
		r->completeness.complete++;
	for (i = 0; i < nreq; i++)
		r->completeness.fields[i].missing = r->completeness.live -
		    filled[i];
	return 0;
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

/*
 * xj_add_months carries a day the month lacks into the next (31 January
 * and a month is 3 March), so retention ends later for a later
 * status_at only to within three days (and an hour of daylight saving).
 */
#define CARRY	(3 * DAY + 3600)

/* sql prepared with ?1 a status's name and ?2 a time; NULL on error. */
static sqlite3_stmt *
status_stmt(struct store *st, const char *sql, int status, time_t at)
{
	sqlite3_stmt	*stmt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(stmt, 1, status_name(status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)at);
	return stmt;
}

static void
oldest_due(struct report *r, time_t until)
{
	if (r->destruction.oldest_due == 0 || until < r->destruction.oldest_due)
		r->destruction.oldest_due = until;
}

/*
 * The records of one status past retention with no destruction pending,
 * into the destruction report: a rejected or withdrawn request does not
 * stop the clock.  Retention ends in local calendar months, so the end
 * is computed here, not in SQL; doing so for each record took 1.7 s at
 * a million students (529,183 due).  So the records surely due, up to a
 * day before which every end has passed, are counted by the index
 * (student_status_at); only the first of them, for the oldest end, and
 * the few near the boundary are looked at one by one.
 */
static int
due_unrequested(struct store *st, struct report *r, int status)
{
	sqlite3_stmt	*stmt;
	time_t		 sure, at, until, first = -1;
	long		 months, n = 0, pending = 0;
	int		 rc;

	months = status == STATUS_COMPLETED ?
	    st->cfg->keep_completed_months : st->cfg->keep_withdrawn_months;
	/* Every status_at up to sure ends retention by now. */
	sure = xj_add_months(r->now, -months);
	while (store_keep_until(st, status, sure) + CARRY > r->now)
		sure -= DAY;
	if ((stmt = status_stmt(st, "SELECT (SELECT count(*) FROM student "
	    "WHERE status = ?1 AND status_at <= ?2), (SELECT count(DISTINCT "
	    "r.student) FROM request r JOIN student s ON s.id = r.student "
	    "WHERE r.kind = 'destroy' AND r.state = 'pending' AND s.status = "
	    "?1 AND s.status_at <= ?2)", status, sure)) == NULL)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		n = (long)sqlite3_column_int64(stmt, 0);
		pending = (long)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return -1;
	r->destruction.due_unrequested += n - pending;

	/*
	 * The oldest end among those: the first without a pending
	 * destruction, or one within CARRY after it.
	 */
	if ((stmt = status_stmt(st, "SELECT s.status_at, " PENDING_DESTROY
	    " FROM student s WHERE s.status = ?1 AND s.status_at <= ?2 ORDER "
	    "BY s.status_at", status, sure)) == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		at = (time_t)sqlite3_column_int64(stmt, 0);
		if (first != -1 && at > first + CARRY)
			break;
		if (sqlite3_column_int(stmt, 1))
			continue;
		if (first == -1)
			first = at;
		oldest_due(r, store_keep_until(st, status, at));
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;

	/* Past sure, one by one, until an end CARRY after now. */
	if ((stmt = status_stmt(st, "SELECT s.status_at, " PENDING_DESTROY
	    " FROM student s WHERE s.status = ?1 AND s.status_at > ?2 ORDER "
	    "BY s.status_at", status, sure)) == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		until = store_keep_until(st, status,
		    (time_t)sqlite3_column_int64(stmt, 0));
		if (until - CARRY > r->now)
			break;
		if (sqlite3_column_int(stmt, 1) || until > r->now)
			continue;
		r->destruction.due_unrequested++;
		oldest_due(r, until);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
make_destruction(struct store *st, struct report *r)
{
	static const int	 kept[] = { STATUS_COMPLETED,
	    STATUS_WITHDRAWN };
	struct report_destroyed	*d;
	sqlite3_stmt		*stmt;
	double			*days;
	size_t			 i, n;
	int			 rc;

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

	for (i = 0; i < nitems(kept); i++) {
		if (due_unrequested(st, r, kept[i]) != 0)
			return -1;
	}
	return 0;
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
