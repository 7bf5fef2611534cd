/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The requests' lifecycle, for every kind (change, status, destruction):
 * reading one, deciding it (maker and checker), withdrawing it,
 * acknowledging the decision, and the lists.  The operator who files a
 * request can never decide it; the store checks this before anything
 * else and the schema's CHECK constraint holds it as well.  What only a
 * change has (its values, the stale check, applying them) is change.c;
 * a student's history of values is history.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

static const char *const kind_names[] = {
	[REQ_CHANGE] = "change",
	[REQ_STATUS] = "status",
	[REQ_DESTROY] = "destroy",
};
static const char *const kind_labels[] = {
	[REQ_CHANGE] = N_("change"),
	[REQ_STATUS] = N_("status"),
	[REQ_DESTROY] = N_("destruction"),
};
static const char *const state_names[] = {
	[REQ_PENDING] = "pending",
	[REQ_APPROVED] = "approved",
	[REQ_REJECTED] = "rejected",
	[REQ_WITHDRAWN] = "withdrawn",
	[REQ_CLOSED] = "closed",
};
static const char *const state_labels[] = {
	[REQ_PENDING] = N_("pending"),
	[REQ_APPROVED] = N_("approved"),
	[REQ_REJECTED] = N_("rejected"),
	[REQ_WITHDRAWN] = N_("withdrawn"),
	[REQ_CLOSED] = N_("closed by the record's destruction"),
};
const char *
request_kind_name(enum request_kind k)
{
	return kind_names[k];
}

const char *
request_kind_label(enum request_kind k)
{
	return _(kind_labels[k]);
}

const char *
request_state_name(enum request_state s)
{
	return state_names[s];
}

const char *
request_state_label(enum request_state s)
{
	/* A withdrawn request (撤回) is not a withdrawn student (退学). */
	if (s == REQ_WITHDRAWN)
		return C_("request", "withdrawn");
	return _(state_labels[s]);
}

void
request_free(struct request *r)
{
	if (r == NULL)
		return;
	store_changes_free(r->changes, r->nchanges);
	free(r->number);
	xfree_wipe(r->name);
	xfree_wipe(r->reason);
	xfree_wipe(r->evidence);
	free(r->requested_by);
	free(r->decided_by);
	xfree_wipe(r->note);
	free(r->confirmed_by);
	free(r->confirm_method);
	free(r->reason_code);
	free(r);
}

#define REQUEST_COLUMNS "r.id, r.kind, r.state, s.number, r.reason, " \
	"r.evidence, r.requested_by, r.requested_at, r.decided_by, " \
	"r.decided_at, r.note, r.confirmed_by, r.confirmed_at, " \
	"r.confirm_method, r.student, r.new_status, r.reason_code, " \
	"r.closed_by, r.closed_at, r.seen_at, " \
	"CASE WHEN r.kind != 'status' THEN NULL " \
	"WHEN r.state = 'pending' THEN coalesce(r.old_status, s.status) " \
	"ELSE (SELECT c.old FROM status_change c WHERE c.student = r.student " \
	"AND c.request = r.id) END"

static struct request *
request_from_row(sqlite3_stmt *stmt)
{
	struct request	*r = xcalloc(1, sizeof *r);

	r->id = sqlite3_column_int64(stmt, 0);
	r->kind = (enum request_kind)store_name_index(kind_names,
	    nitems(kind_names), (const char *)sqlite3_column_text(stmt, 1));
	r->state = (enum request_state)store_name_index(state_names,
	    nitems(state_names), (const char *)sqlite3_column_text(stmt, 2));
	r->number = dup_or_null(stmt, 3);
	r->reason = dup_or_null(stmt, 4);
	r->evidence = dup_or_null(stmt, 5);
	r->requested_by = dup_or_null(stmt, 6);
	r->requested_at = (time_t)sqlite3_column_int64(stmt, 7);
	r->decided_by = dup_or_null(stmt, 8);
	r->decided_at = (time_t)sqlite3_column_int64(stmt, 9);
	r->note = dup_or_null(stmt, 10);
	r->confirmed_by = dup_or_null(stmt, 11);
	r->confirmed_at = (time_t)sqlite3_column_int64(stmt, 12);
	r->confirm_method = dup_or_null(stmt, 13);
	r->new_status = sqlite3_column_type(stmt, 15) == SQLITE_NULL ? -1 :
	    status_parse((const char *)sqlite3_column_text(stmt, 15));
	r->reason_code = dup_or_null(stmt, 16);
	r->closed_by = sqlite3_column_int64(stmt, 17);
	r->closed_at = (time_t)sqlite3_column_int64(stmt, 18);
	r->seen_at = (time_t)sqlite3_column_int64(stmt, 19);
	r->old_status = sqlite3_column_type(stmt, 20) == SQLITE_NULL ? -1 :
	    status_parse((const char *)sqlite3_column_text(stmt, 20));
	return r;
}

int
store_request_load(struct store *st, int64_t id, struct request **out,
    sqlite3_int64 *sid, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*out = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT " REQUEST_COLUMNS " FROM "
	    "request r JOIN student s ON s.id = r.student WHERE r.id = ?", -1,
	    &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot read the request"), cause);
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = request_from_row(stmt);
		if (sid != NULL)
			*sid = sqlite3_column_int64(stmt, 14);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return xj_fail(cause, XJ_ENOINPUT, _("no request %" PRId64),
		    id);
	if (rc != SQLITE_ROW)
		return db_error(st, _("cannot read the request"), cause);
	return XJ_OK;
}

int
store_request_get(struct store *st, int64_t id, struct request **out,
    char **cause)
{
	struct request	*r = NULL;
	sqlite3_int64	 sid;
	char		*detail, *keys = NULL;
	size_t		 i;
	int		 rc;

	*out = NULL;
	if ((rc = store_require_any(st, PERM_BIT(PERM_CHANGE_APPROVE) |
	    PERM_BIT(PERM_CHANGE_CONFIRM), PERM_CHANGE_REQUEST, "request.view",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_request_load(st, id, &r, &sid, cause)) != XJ_OK ||
	    (rc = store_change_load(st, r, cause)) != XJ_OK)
		goto fail;
	{
		char *raw = store_field_value(st, sid, "name");

		r->name = store_visible(st, "name", raw);
		xfree_wipe(raw);
	}
	store_change_mask(st, r);
	/*
	 * A frozen record shows nothing, even through an old request;
	 * only whoever decides its destruction sees whose it is.
	 */
	if ((rc = store_frozen_by(st, sid, &r->frozen_by, cause)) != XJ_OK)
		goto fail;
	if (r->frozen_by != 0) {
		store_changes_free(r->changes, r->nchanges);
		r->changes = NULL;
		r->nchanges = 0;
		if (r->kind != REQ_DESTROY ||
		    !store_may(st, PERM_DESTROY_APPROVE)) {
			xfree_wipe(r->name);
			r->name = xstrdup("");
		}
	}
	for (i = 0; i < r->nchanges; i++)
		store_key_append(&keys, r->changes[i].key);
	xasprintf(&detail, "request=%" PRId64, id);
	rc = log_commit(st, "request.view", r->number, keys, detail, cause);
	free(keys);
	if (rc != XJ_OK)
		goto fail;
	*out = r;
	return XJ_OK;
fail:
	tx_rollback(st);
	request_free(r);
	return rc;
}

/*
 * Refuse what on request r by rule ("four-eyes", "slot-setter",
 * "requester-only"):
 * roll the open transaction back, then log the refusal in its own
 * entry, which is not waited for (the refusal stands if it cannot be
 * logged).
 */
static void
refuse_rule(struct store *st, const struct request *r, const char *rule,
    const char *what)
{
	char	*detail;

	tx_rollback(st);
	xasprintf(&detail, "rule=%s what=%s request=%" PRId64, rule, what,
	    r->id);
	store_log(st, "access.denied", r->number, detail, NULL);
	free(detail);
}

/*
 * The tail of a requester's own act on request r: run sql, an UPDATE of
 * the request bound to ?2 that stamps it with the time now (?1), then
 * log action with detail (taken, as log_commit does) and commit.  On
 * failure the transaction is rolled back; doing names the act in the
 * error.
 */
static int
stamp_commit(struct store *st, const struct request *r, const char *sql,
    const char *doing, const char *action, char *detail, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, doing, cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)xj_now());
	sqlite3_bind_int64(stmt, 2, r->id);
	rc = step_done(st, stmt, doing, cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	return log_commit(st, action, r->number, "", detail, cause);
fail:
	free(detail);
	tx_rollback(st);
	return rc;
}

/*
 * The checks every decision shares, inside the transaction: the request
 * exists and is pending, and whoever decides did not file it.  The
 * four-eyes refusal is logged after the rollback, in its own entry.
 */
static int
begin_decision(struct store *st, int64_t id, const char *what, int verb,
    struct request **r, sqlite3_int64 *sid, char **cause)
{
	sqlite3_int64	 student;
	int		 rc;
	enum perm	 need;

	if ((rc = store_require_any(st, PERM_BIT(PERM_DESTROY_APPROVE),
	    PERM_CHANGE_APPROVE, what, cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_request_load(st, id, r, &student, cause)) != XJ_OK)
		goto fail;
	if (sid != NULL)
		*sid = student;
	/* Destruction is decided by those who may destroy. */
	need = (*r)->kind == REQ_DESTROY ? PERM_DESTROY_APPROVE :
	    PERM_CHANGE_APPROVE;
	if (!store_may(st, need)) {
		tx_rollback(st);
		request_free(*r);
		*r = NULL;
		return store_require(st, need, what, cause);
	}
	if ((rc = store_lifecycle_check(st, lifecycle_decision((*r)->kind,
	    verb), student, (*r)->number, *r, cause)) != XJ_OK)
		goto fail;
	if (strcmp((*r)->requested_by, store_who(st)) == 0) {
		refuse_rule(st, *r, "four-eyes", what);
		request_free(*r);
		*r = NULL;
		return xj_fail(cause, XJ_EPERM, _("you filed request %" PRId64
		    "; someone else must decide it"), id);
	}
	/* Nor one who knows the requester's passphrase, or theirs. */
	if ((rc = store_slot_tie(st, (*r)->requested_by, cause)) != XJ_OK) {
		if (rc == XJ_EPERM)
			refuse_rule(st, *r, "slot-setter", what);
		else
			tx_rollback(st);
		request_free(*r);
		*r = NULL;
		return rc;
	}
	return XJ_OK;
fail:
	tx_rollback(st);
	request_free(*r);
	*r = NULL;
	return rc;
}

static int
set_decided(struct store *st, int64_t id, const char *state,
    const char *note, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE request SET state = ?, "
	    "decided_by = ?, decided_at = ?, note = ? WHERE id = ? AND "
	    "state = 'pending'", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot decide the request"), cause);
	sqlite3_bind_text(stmt, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)xj_now());
	if (note != NULL)
		sqlite3_bind_text(stmt, 4, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, id);
	rc = step_done(st, stmt, _("cannot decide the request"), cause);
	sqlite3_finalize(stmt);
	if (rc == XJ_OK && sqlite3_changes(st->db) != 1)
		rc = xj_fail(cause, XJ_EBUSY, _("request %" PRId64 " was "
		    "decided by someone else meanwhile"), id);
	/* A guardian's request this one carries out is decided with it. */
	if (rc == XJ_OK)
		rc = store_guardian_decided(st, id, state, cause);
	return rc;
}

int
store_request_approve(struct store *st, int64_t id, char **cause)
{
	struct request	*r = NULL;
	sqlite3_int64	 sid;
	char		*keys = NULL, *detail;
	int		 rc;

	if ((rc = begin_decision(st, id, "request.approve", LC_APPROVE, &r,
	    &sid, cause)) != XJ_OK)
		return rc;
	if (r->kind != REQ_CHANGE) {
		/* Status and destruction requests apply themselves. */
		if ((rc = set_decided(st, id, "approved", NULL, cause)) != 0)
			goto fail;
		rc = r->kind == REQ_STATUS ?
		    store_status_apply(st, sid, r, cause) :
		    store_destroy_execute(st, sid, r, cause);
		if (rc != XJ_OK)
			goto fail;
		if ((rc = tx_commit(st, cause)) != XJ_OK)
			goto fail;
		if (r->kind == REQ_DESTROY)
			store_destroy_finish(st, 1, NULL);
		request_free(r);
		return XJ_OK;
	}
	if ((rc = store_change_apply(st, sid, r, &keys, cause)) != XJ_OK ||
	    (rc = set_decided(st, id, "approved", NULL, cause)) != XJ_OK)
		goto fail;
	xasprintf(&detail, "request=%" PRId64, id);
	if ((rc = log_commit(st, "change.approve", r->number, keys, detail,
	    cause)) != XJ_OK)
		goto fail;
	free(keys);
	request_free(r);
	return XJ_OK;
fail:
	tx_rollback(st);
	free(keys);
	request_free(r);
	return rc;
}

int
store_request_reject(struct store *st, int64_t id, const char *note,
    char **cause)
{
	struct request	*r = NULL;
	char		*detail;
	int		 rc;

	if ((rc = begin_decision(st, id, "request.reject", LC_REJECT, &r,
	    NULL, cause)) != XJ_OK)
		return rc;
	if (note == NULL || *note == '\0' || !utf8_valid(note, strlen(note))) {
		rc = xj_fail(cause, XJ_EDATA, "%s", _("a rejection needs a "
		    "note saying why"));
		goto fail;
	}
	if ((rc = set_decided(st, id, "rejected", note, cause)) != XJ_OK)
		goto fail;
	xasprintf(&detail, "request=%" PRId64 " kind=%s", id,
	    request_kind_name(r->kind));
	if ((rc = log_commit(st, "request.reject", r->number, "", detail,
	    cause)) != XJ_OK)
		goto fail;
	request_free(r);
	return XJ_OK;
fail:
	tx_rollback(st);
	request_free(r);
	return rc;
}

int
store_request_withdraw(struct store *st, int64_t id, char **cause)
{
	struct request	*r = NULL;
	sqlite3_int64	 sid;
	char		*detail;
	int		 rc;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_request_load(st, id, &r, &sid, cause)) != XJ_OK)
		goto fail;
	if (strcmp(r->requested_by, store_who(st)) != 0) {
		refuse_rule(st, r, "requester-only", "request.withdraw");
		rc = xj_fail(cause, XJ_EPERM, _("only %s, who filed request %"
		    PRId64 ", can withdraw it"), r->requested_by, id);
		request_free(r);
		return rc;
	}
	if ((rc = store_lifecycle_check(st, lifecycle_decision(r->kind,
	    LC_WITHDRAW), sid, r->number, r, cause)) != XJ_OK)
		goto fail;
	xasprintf(&detail, "request=%" PRId64 " kind=%s", id,
	    request_kind_name(r->kind));
	/* The requester's own act: nothing to acknowledge later. */
	rc = stamp_commit(st, r, "UPDATE request SET state = 'withdrawn', "
	    "decided_at = ?1, seen_at = ?1 WHERE id = ?2 AND state = "
	    "'pending'", _("cannot withdraw the request"), "request.withdraw",
	    detail, cause);
	request_free(r);
	return rc;
fail:
	tx_rollback(st);
	request_free(r);
	return rc;
}

int
store_request_acknowledge(struct store *st, int64_t id, char **cause)
{
	struct request	*r = NULL;
	sqlite3_int64	 sid;
	char		*detail;
	int		 rc;

	if ((rc = store_require(st, PERM_CHANGE_REQUEST, "request.acknowledge",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_request_load(st, id, &r, &sid, cause)) != XJ_OK)
		goto fail;
	if (strcmp(r->requested_by, store_who(st)) != 0) {
		refuse_rule(st, r, "requester-only", "request.acknowledge");
		rc = xj_fail(cause, XJ_EPERM, _("only %s, who filed request %"
		    PRId64 ", can acknowledge its decision"), r->requested_by,
		    id);
		request_free(r);
		return rc;
	}
	if ((rc = store_lifecycle_check(st, LC_ACKNOWLEDGE, sid, r->number, r,
	    cause)) != XJ_OK)
		goto fail;
	if (r->seen_at != 0) {
		tx_rollback(st);
		request_free(r);
		return XJ_OK;
	}
	xasprintf(&detail, "request=%" PRId64 " state=%s", id,
	    request_state_name(r->state));
	rc = stamp_commit(st, r, "UPDATE request SET seen_at = ?1 WHERE id = "
	    "?2", _("cannot acknowledge the decision"), "request.acknowledge",
	    detail, cause);
	request_free(r);
	return rc;
fail:
	tx_rollback(st);
	request_free(r);
	return rc;
}

int
store_requests(struct store *st, enum request_list which,
    int (*fn)(const struct request *, void *), void *arg,
    struct store_shown *shown, char **cause)
{
	static const char	*const sql[] = {
		[LIST_PENDING] = "SELECT " REQUEST_COLUMNS " FROM request r "
		    "JOIN student s ON s.id = r.student WHERE r.state = "
		    "'pending' ORDER BY r.requested_at, r.id",
		[LIST_UNCONFIRMED] = "SELECT " REQUEST_COLUMNS " FROM request "
		    "r JOIN student s ON s.id = r.student WHERE r.kind = "
		    "'change' AND r.state = 'approved' AND r.confirmed_by IS "
		    "NULL ORDER BY r.decided_at, r.id",
		/* Pending, and decided but not acknowledged yet. */
		[LIST_MINE] = "SELECT " REQUEST_COLUMNS " FROM request r "
		    "JOIN student s ON s.id = r.student WHERE "
		    "r.requested_by = ?1 AND r.seen_at IS NULL ORDER BY "
		    "r.requested_at, r.id",
	};
	static const enum perm	 need[] = {
		[LIST_PENDING] = PERM_CHANGE_APPROVE,
		[LIST_UNCONFIRMED] = PERM_CHANGE_CONFIRM,
		[LIST_MINE] = PERM_CHANGE_REQUEST,
	};
	static const char	*const lists[] = {
		[LIST_PENDING] = "list=pending",
		[LIST_UNCONFIRMED] = "list=unconfirmed",
		[LIST_MINE] = "list=mine",
	};
	struct request		**v = NULL, *r;
	const char		**numbers = NULL;
	sqlite3_stmt		*stmt;
	size_t			  n = 0, i;
	int			  rc, stop = 0;

	if ((rc = store_require(st, need[which], "request.list", cause)) != 0)
		return rc;
	if (sqlite3_prepare_v2(st->db, sql[which], -1, &stmt, NULL) !=
	    SQLITE_OK)
		return db_error(st, _("cannot list requests"), cause);
	if (which == LIST_MINE)
		sqlite3_bind_text(stmt, 1, store_who(st), -1, SQLITE_STATIC);
	/* Read whole and logged (list_seen) before fn sees any of it. */
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r = request_from_row(stmt);
		/* Free text stays out of lists: they name no one. */
		xfree_wipe(r->reason);
		xfree_wipe(r->evidence);
		r->reason = r->evidence = NULL;
		/* But the decision's note is written for the requester. */
		if (which != LIST_MINE) {
			xfree_wipe(r->note);
			r->note = NULL;
		}
		v = xreallocarray(v, n + 1, sizeof *v);
		numbers = xreallocarray(numbers, n + 1, sizeof *numbers);
		v[n] = r;
		numbers[n++] = r->number;
	}
	rc = rc == SQLITE_DONE ? XJ_OK :
	    db_error(st, _("cannot list requests"), cause);
	sqlite3_finalize(stmt);
	if (rc == XJ_OK)
		rc = list_seen(st, "request.list", lists[which], numbers, n,
		    shown, cause);
	for (i = 0; rc == XJ_OK && !stop && i < n; i++)
		stop = fn(v[i], arg);
	for (i = 0; i < n; i++)
		request_free(v[i]);
	free(v);
	free(numbers);
	return rc;
}

int64_t
store_data_version(struct store *st)
{
	return query_count(st->db, "PRAGMA data_version");
}
