/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * What may happen in which state: one table, as the roles are one table.
 * A record is active, completed or withdrawn (live), frozen (a
 * destruction request is pending on it) or destroyed; a request is
 * pending, approved, rejected, withdrawn or closed (ended by the
 * record's destruction).  Every action of the store on a record or a
 * request asks store_lifecycle_check() before it changes anything, in
 * the transaction that then makes the change, so a decision taken at
 * another terminal a moment earlier is seen.
 *
 * While a record is frozen only its destruction's own request may be
 * decided (approved, rejected, or withdrawn by whoever filed it).  When
 * the destruction is approved, store_lifecycle_close() closes every
 * other request on the record still waiting for a decision or for the
 * guardian's confirmation, and every open guardian's request about it,
 * each with its own log entry: nothing about a destroyed record is left
 * on anyone's list.  Acknowledging a decided request touches no record,
 * so it is allowed in every record state.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

#define R(s)		(1u << (s))
#define LIVE		(R(RECORD_ACTIVE) | R(RECORD_COMPLETED) | \
			 R(RECORD_WITHDRAWN))
#define ANY_RECORD	(LIVE | R(RECORD_FROZEN) | R(RECORD_DESTROYED))
#define NO_REQUEST	0u	/* the action files one; there is none yet */

static const struct lifecycle_rule {
	const char	*name;		/* as the log and messages name it */
	unsigned	 records;	/* R(enum record_state) allowed */
	unsigned	 requests;	/* R(enum request_state) allowed */
} rules[LC__COUNT] = {
	[LC_CHANGE_FILE] =	{ "change.request", LIVE, NO_REQUEST },
	[LC_STATUS_FILE] =	{ "status.request", LIVE, NO_REQUEST },
	[LC_STATUS_SET] =	{ "status.set", LIVE, NO_REQUEST },
	[LC_REVIEW] =		{ "status.review", LIVE, NO_REQUEST },
	[LC_DESTROY_FILE] =	{ "destroy.request", LIVE, NO_REQUEST },
	[LC_GUARDIAN_FILE] =	{ "guardian.request.add",
				  LIVE | R(RECORD_FROZEN), NO_REQUEST },
	[LC_GUARDIAN_ACCESS] =	{ "guardian.access", LIVE, NO_REQUEST },

	[LC_CHANGE_APPROVE] =	{ "change.approve", LIVE, R(REQ_PENDING) },
	[LC_CHANGE_REJECT] =	{ "change.reject", LIVE, R(REQ_PENDING) },
	[LC_CHANGE_WITHDRAW] =	{ "change.withdraw", LIVE, R(REQ_PENDING) },
	[LC_CHANGE_CONFIRM] =	{ "change.confirm", LIVE, R(REQ_APPROVED) },
	[LC_STATUS_APPROVE] =	{ "status.approve", LIVE, R(REQ_PENDING) },
	[LC_STATUS_REJECT] =	{ "status.reject", LIVE, R(REQ_PENDING) },
	[LC_STATUS_WITHDRAW] =	{ "status.withdraw", LIVE, R(REQ_PENDING) },
	/* A pending destruction is what freezes the record. */
	[LC_DESTROY_APPROVE] =	{ "destroy.approve", R(RECORD_FROZEN),
				  R(REQ_PENDING) },
	[LC_DESTROY_REJECT] =	{ "destroy.reject", R(RECORD_FROZEN),
				  R(REQ_PENDING) },
	[LC_DESTROY_WITHDRAW] =	{ "destroy.withdraw", R(RECORD_FROZEN),
				  R(REQ_PENDING) },

	[LC_ACKNOWLEDGE] =	{ "request.acknowledge", ANY_RECORD,
				  R(REQ_APPROVED) | R(REQ_REJECTED) |
				  R(REQ_CLOSED) },
};

/* The decisions on a request, by the request's kind. */
static const enum lifecycle_action decisions[][3] = {
	[REQ_CHANGE] = { LC_CHANGE_APPROVE, LC_CHANGE_REJECT,
			 LC_CHANGE_WITHDRAW },
	[REQ_STATUS] = { LC_STATUS_APPROVE, LC_STATUS_REJECT,
			 LC_STATUS_WITHDRAW },
	[REQ_DESTROY] = { LC_DESTROY_APPROVE, LC_DESTROY_REJECT,
			  LC_DESTROY_WITHDRAW },
};

enum lifecycle_action
lifecycle_decision(enum request_kind kind, int verb)
{
	return decisions[kind][verb];
}

const char *
lifecycle_action_name(enum lifecycle_action a)
{
	return rules[a].name;
}

int
request_decidable(const struct request *r)
{
	enum record_state	rec;

	rec = r->frozen_by != 0 ? RECORD_FROZEN : RECORD_ACTIVE;
	return lifecycle_allows(lifecycle_decision(r->kind, LC_APPROVE), rec,
	    (int)r->state);
}

int
lifecycle_allows(enum lifecycle_action a, enum record_state rec, int req)
{
	const struct lifecycle_rule	*r = &rules[a];

	if ((r->records & R(rec)) == 0)
		return 0;
	if (r->requests == NO_REQUEST)
		return req < 0;
	return req >= 0 && (r->requests & R(req)) != 0;
}

int
store_record_state(struct store *st, sqlite3_int64 id,
    enum record_state *out, char **cause)
{
	static const char	 sql[] =
	    "SELECT s.status, EXISTS (SELECT 1 FROM request r WHERE "
	    "r.student = s.id AND r.kind = 'destroy' AND r.state = "
	    "'pending') FROM student s WHERE s.id = ?";
	sqlite3_stmt		*stmt;
	int			 rc, status;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return db_error(st, _("cannot read the record"), cause);
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		status = status_parse((const char *)
		    sqlite3_column_text(stmt, 0));
		if (status == STATUS_DESTROYED)
			*out = RECORD_DESTROYED;
		else if (sqlite3_column_int(stmt, 1))
			*out = RECORD_FROZEN;
		else if (status == STATUS_COMPLETED)
			*out = RECORD_COMPLETED;
		else if (status == STATUS_WITHDRAWN)
			*out = RECORD_WITHDRAWN;
		else
			*out = RECORD_ACTIVE;
	}
	store_release(stmt);
	if (rc == SQLITE_DONE)
		*out = RECORD_DESTROYED;	/* no such record: nothing left */
	else if (rc != SQLITE_ROW)
		return db_error(st, _("cannot read the record"), cause);
	return XJ_OK;
}

/* Why a request in its state cannot take action a, for people. */
static int
request_refused(enum lifecycle_action a, const struct request *r,
    char **cause)
{
	char	when[32];

	if (a == LC_CHANGE_CONFIRM)
		return xj_fail(cause, XJ_EDATA, _("request %" PRId64 " is not "
		    "an applied change"), r->id);
	if (a == LC_ACKNOWLEDGE)
		return xj_fail(cause, XJ_EBUSY, _("request %" PRId64 " has no "
		    "decision to acknowledge (%s)"), r->id,
		    request_state_label(r->state));
	if (r->state == REQ_PENDING)
		return xj_fail(cause, XJ_ESOFTWARE, "%s: request %" PRId64
		    " is pending", rules[a].name, r->id);
	xj_timefmt(r->decided_at, when, sizeof when);
	return xj_fail(cause, XJ_EBUSY, _("request %" PRId64 " is no longer "
	    "pending: %s by %s at %s"), r->id, request_state_label(r->state),
	    r->decided_by != NULL ? r->decided_by : r->requested_by, when);
}

int
store_lifecycle_check(struct store *st, enum lifecycle_action a,
    sqlite3_int64 sid, const char *number, const struct request *r,
    char **cause)
{
	enum record_state	rec;
	int			rc;

	if ((rc = store_record_state(st, sid, &rec, cause)) != XJ_OK)
		return rc;
	if (lifecycle_allows(a, rec, r != NULL ? (int)r->state : -1))
		return XJ_OK;
	/* The request's own state first: it says who moved it on. */
	if (r != NULL && (rules[a].requests & R(r->state)) == 0)
		return request_refused(a, r, cause);
	if (rec == RECORD_DESTROYED)
		return xj_fail(cause, XJ_ENOINPUT, _("no student %s"), number);
	if (rec == RECORD_FROZEN)
		return xj_fail(cause, XJ_EDATA, _("%s is frozen: its "
		    "destruction is pending"), number);
	return xj_fail(cause, XJ_ESOFTWARE, "%s refused on a %d record",
	    rules[a].name, (int)rec);
}

int
store_lifecycle_find(struct store *st, enum lifecycle_action a,
    const char *number, sqlite3_int64 *sid, int *status, char **cause)
{
	int	rc;

	if ((*sid = store_student_id(st, number, status)) == 0)
		return xj_fail(cause, XJ_ENOINPUT, _("no student %s"), number);
	if ((rc = store_lifecycle_check(st, a, *sid, number, NULL, cause)) !=
	    XJ_OK)
		*sid = 0;
	return rc;
}

/* Close the requests waiting on number and log each, inside the tx. */
static int
close_requests(struct store *st, const char *number, int64_t destroy,
    char **cause)
{
	static const char	 sel[] =
	    "SELECT r.id, r.kind, r.state FROM request r JOIN student s ON "
	    "s.id = r.student WHERE s.number = ?1 AND r.id != ?2 AND "
	    "(r.state = 'pending' OR (r.kind = 'change' AND r.state = "
	    "'approved' AND r.confirmed_by IS NULL)) ORDER BY r.id";
	static const char	 upd[] =
	    "UPDATE request SET state = 'closed', closed_by = ?2, "
	    "closed_at = ?3, decided_at = coalesce(decided_at, ?3), "
	    "seen_at = NULL WHERE id = ?1";
	sqlite3_stmt		*stmt;
	int64_t			*ids = NULL;
	char			**kinds = NULL, **was = NULL, *detail;
	size_t			 n = 0, i;
	int			 rc;

	if (sqlite3_prepare_v2(st->db, sel, -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot close the record's requests"),
		    cause);
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, destroy);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		kinds = xreallocarray(kinds, n + 1, sizeof *kinds);
		was = xreallocarray(was, n + 1, sizeof *was);
		ids[n] = sqlite3_column_int64(stmt, 0);
		kinds[n] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
		was[n] = xstrdup(strcmp((const char *)sqlite3_column_text(stmt,
		    2), "pending") == 0 ? "pending" : "unconfirmed");
		n++;
	}
	sqlite3_finalize(stmt);
	rc = rc == SQLITE_DONE ? XJ_OK : db_error(st, _("cannot close the "
	    "record's requests"), cause);
	stmt = NULL;
	if (rc == XJ_OK && n > 0 && sqlite3_prepare_v2(st->db, upd, -1,
	    &stmt, NULL) != SQLITE_OK)
		rc = db_error(st, _("cannot close the record's requests"),
		    cause);
	for (i = 0; i < n && rc == XJ_OK; i++) {
		sqlite3_bind_int64(stmt, 1, ids[i]);
		sqlite3_bind_int64(stmt, 2, destroy);
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64)xj_now());
		if ((rc = step_done(st, stmt, _("cannot close the record's "
		    "requests"), cause)) != XJ_OK)
			break;
		xasprintf(&detail, "request=%" PRId64 " kind=%s was=%s "
		    "reason=destroyed destroy=%" PRId64, ids[i], kinds[i],
		    was[i], destroy);
		rc = log_entry(st, "request.close", number, "", detail, cause);
		free(detail);
	}
	sqlite3_finalize(stmt);
	for (i = 0; i < n; i++) {
		free(kinds[i]);
		free(was[i]);
	}
	free(ids);
	free(kinds);
	free(was);
	return rc;
}

int
store_lifecycle_close(struct store *st, const char *number,
    int64_t destroy, char **cause)
{
	int	rc;

	if ((rc = close_requests(st, number, destroy, cause)) != XJ_OK)
		return rc;
	return store_guardian_destroyed(st, number, destroy, cause);
}
