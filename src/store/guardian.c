/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The register of guardians' requests.  A request is registered with
 * what the guardian asked (the summary), tracked against its due date,
 * and closed with the answer given (the response).  Corrections and
 * deletions are carried out by the change and destruction requests of
 * request.c: once linked, the decision of that request closes the
 * guardian's request in the decision's own transaction
 * (store_guardian_decided).  The two free texts never leave the store
 * but through store_guardian_get and the access file; the audit log
 * holds ids, kinds and outcomes only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/guardian.h"
#include "store-int.h"

#define TEXT_MAX	4000	/* bytes of a summary or a response */

static const char *const kind_names[] = {
	[GUARDIAN_ACCESS] = "access",
	[GUARDIAN_CORRECTION] = "correction",
	[GUARDIAN_DELETION] = "deletion",
	[GUARDIAN_COMPLAINT] = "complaint",
};
static const char *const kind_labels[] = {
	[GUARDIAN_ACCESS] = N_("access"),
	[GUARDIAN_CORRECTION] = N_("correction"),
	[GUARDIAN_DELETION] = N_("deletion"),
	[GUARDIAN_COMPLAINT] = N_("complaint"),
};
static const char *const channels[] = {
	"phone", "in-person", "message", "letter", "email",
};
/* How each came in, as the screens say it. */
static const char *const channel_labels[] = {
	N_("by phone"), N_("in person"), N_("by message"), N_("by letter"),
	N_("by email"),
};

const char *
guardian_kind_name(enum guardian_kind k)
{
	return kind_names[k];
}

const char *
guardian_kind_label(enum guardian_kind k)
{
	return _(kind_labels[k]);
}

int
guardian_kind_parse(const char *s)
{
	return store_name_index(kind_names, nitems(kind_names), s);
}

int
guardian_channel_valid(const char *s)
{
	return store_name_index(channels, nitems(channels), s) >= 0;
}

const char *
guardian_channel_code(size_t i)
{
	return i < nitems(channels) ? channels[i] : NULL;
}

const char *
guardian_channel_label(const char *code)
{
	int	i = code != NULL ? store_name_index(channels, nitems(channels),
		    code) : -1;

	return i >= 0 ? _(channel_labels[i]) : code != NULL ? code : "";
}

void
guardian_request_free(struct guardian_request *g)
{
	if (g == NULL)
		return;
	free(g->number);
	free(g->channel);
	free(g->outcome);
	xfree_wipe(g->summary);
	xfree_wipe(g->response);
	free(g->filed_by);
	free(g->closed_by);
	free(g->responded_by);
	free(g);
}

/* Columns 0-17; lists pass NULL for summary and response. */
#define G_COLUMNS(text) "g.id, g.kind, s.number, g.channel, " \
	"g.received_at, g.due_at, g.state, g.request, g.outcome, " text ", " \
	"g.filed_by, g.filed_at, g.closed_by, g.closed_at, g.responded_by, " \
	"g.responded_at, g.student"
#define G_FROM	" FROM guardian_request g JOIN student s ON s.id = g.student"

static struct guardian_request *
guardian_from_row(sqlite3_stmt *stmt, time_t now)
{
	struct guardian_request	*g = xcalloc(1, sizeof *g);

	g->id = sqlite3_column_int64(stmt, 0);
	g->kind = (enum guardian_kind)guardian_kind_parse((const char *)
	    sqlite3_column_text(stmt, 1));
	g->number = dup_or_null(stmt, 2);
	g->channel = dup_or_null(stmt, 3);
	g->received_at = (time_t)sqlite3_column_int64(stmt, 4);
	g->due_at = (time_t)sqlite3_column_int64(stmt, 5);
	g->open = strcmp((const char *)sqlite3_column_text(stmt, 6),
	    "open") == 0;
	g->overdue = g->open && g->due_at < now;
	g->request = sqlite3_column_int64(stmt, 7);
	g->outcome = dup_or_null(stmt, 8);
	g->summary = dup_or_null(stmt, 9);
	g->response = dup_or_null(stmt, 10);
	g->filed_by = dup_or_null(stmt, 11);
	g->filed_at = (time_t)sqlite3_column_int64(stmt, 12);
	g->closed_by = dup_or_null(stmt, 13);
	g->closed_at = (time_t)sqlite3_column_int64(stmt, 14);
	g->responded_by = dup_or_null(stmt, 15);
	g->responded_at = (time_t)sqlite3_column_int64(stmt, 16);
	return g;
}

/* Free text a guardian gave or was given: required, valid, bounded. */
static int
check_text(const char *s, const char *what, char **cause)
{
	if (s == NULL || *s == '\0')
		return xj_fail(cause, XJ_EDATA, _("the %s is required"), what);
	if (strlen(s) > TEXT_MAX || !utf8_valid(s, strlen(s)))
		return xj_fail(cause, XJ_EDATA, _("the %s must be text of at "
		    "most %d bytes"), what, TEXT_MAX);
	return XJ_OK;
}

/* Read guardian request id inside the transaction; *sid its student. */
static int
load_guardian(struct store *st, int64_t id, struct guardian_request **out,
    sqlite3_int64 *sid, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*out = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT " G_COLUMNS("g.summary, "
	    "g.response") G_FROM " WHERE g.id = ?", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return db_error(st, _("cannot read the guardian's request"),
		    cause);
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = guardian_from_row(stmt, xj_now());
		if (sid != NULL)
			*sid = sqlite3_column_int64(stmt, 17);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return xj_fail(cause, XJ_ENOINPUT, _("no guardian's request %"
		    PRId64), id);
	if (rc != SQLITE_ROW)
		return db_error(st, _("cannot read the guardian's request"),
		    cause);
	return XJ_OK;
}

int
store_guardian_add(struct store *st, enum guardian_kind kind,
    const char *number, time_t received, const char *channel,
    const char *summary, int64_t *idp, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 sid;
	time_t		 now = xj_now();
	long		 days = st->cfg->guardian_request_days;
	char		*detail;
	int		 rc, status = 0;

	*idp = 0;
	if ((rc = store_require(st, PERM_REQUEST_MANAGE,
	    "guardian.request.add", cause)) != XJ_OK)
		return rc;
	if ((unsigned)kind >= nitems(kind_names))
		return xj_fail(cause, XJ_EDATA, "%s", _("what does the "
		    "guardian ask? access, correction, deletion or "
		    "complaint"));
	if (!guardian_channel_valid(channel))
		return xj_fail(cause, XJ_EDATA, "%s", _("how did the request "
		    "come in? phone, in-person, message, letter or email"));
	if ((rc = check_text(summary, _("summary of the request"),
	    cause)) != XJ_OK)
		return rc;
	if (received == 0)
		received = now;
	if (received > now)
		return xj_fail(cause, XJ_EDATA, "%s", _("a request cannot be "
		    "received in the future"));
	if (days <= 0)
		days = 15;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_lifecycle_find(st, LC_GUARDIAN_FILE, number, &sid,
	    &status, cause)) != XJ_OK)
		goto fail;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO guardian_request (kind, "
	    "student, channel, received_at, due_at, summary, filed_by, "
	    "filed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		rc = db_error(st, _("cannot register the request"), cause);
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, kind_names[kind], -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, sid);
	sqlite3_bind_text(stmt, 3, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)received);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)(received + days * DAY));
	sqlite3_bind_text(stmt, 6, summary, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 8, (sqlite3_int64)now);
	rc = step_done(st, stmt, _("cannot register the request"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	*idp = sqlite3_last_insert_rowid(st->db);
	xasprintf(&detail, "guardian=%" PRId64 " kind=%s channel=%s", *idp,
	    kind_names[kind], channel);
	if ((rc = log_commit(st, "guardian.request.add", number, "", detail,
	    cause)) != XJ_OK)
		goto fail;
	return XJ_OK;
fail:
	tx_rollback(st);
	*idp = 0;
	return rc;
}

/* The kind, state and student of request id; XJ_ENOINPUT if none. */
static int
request_facts(struct store *st, int64_t id, char **kind, char **state,
    sqlite3_int64 *sid, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*kind = *state = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT kind, state, student FROM "
	    "request WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot read the request"), cause);
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*kind = dup_or_null(stmt, 0);
		*state = dup_or_null(stmt, 1);
		*sid = sqlite3_column_int64(stmt, 2);
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
store_guardian_link(struct store *st, int64_t id, int64_t request,
    char **cause)
{
	struct guardian_request	*g = NULL;
	sqlite3_stmt		*stmt;
	sqlite3_int64		 gsid, rsid;
	const char		*want;
	char			*kind = NULL, *state = NULL, *old = NULL;
	char			*oldkind = NULL, *detail;
	int			 rc;

	if ((rc = store_require(st, PERM_REQUEST_MANAGE,
	    "guardian.request.link", cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_guardian(st, id, &g, &gsid, cause)) != XJ_OK)
		goto fail;
	if (!g->open) {
		rc = xj_fail(cause, XJ_EBUSY, _("guardian's request %" PRId64
		    " is closed"), id);
		goto fail;
	}
	if (g->kind == GUARDIAN_CORRECTION)
		want = "change";
	else if (g->kind == GUARDIAN_DELETION)
		want = "destroy";
	else {
		rc = xj_fail(cause, XJ_EDATA, _("only a correction or a "
		    "deletion is carried out by a request; %" PRId64 " is %s"),
		    id, guardian_kind_label(g->kind));
		goto fail;
	}
	if (g->request != 0) {
		rc = request_facts(st, g->request, &oldkind, &old, &rsid,
		    cause);
		if (rc != XJ_OK)
			goto fail;
		if (strcmp(old, "pending") == 0) {
			rc = xj_fail(cause, XJ_EBUSY, _("guardian's request %"
			    PRId64 " is linked to request %" PRId64 ", still "
			    "pending"), id, g->request);
			goto fail;
		}
	}
	if ((rc = request_facts(st, request, &kind, &state, &rsid,
	    cause)) != XJ_OK)
		goto fail;
	if (strcmp(kind, want) != 0) {
		rc = xj_fail(cause, XJ_EDATA, _("a %s is carried out by a %s "
		    "request, and request %" PRId64 " is not one"),
		    guardian_kind_label(g->kind), strcmp(want, "change") == 0 ?
		    _("change") : _("destruction"), request);
		goto fail;
	}
	if (rsid != gsid) {
		rc = xj_fail(cause, XJ_EDATA, _("request %" PRId64 " is about "
		    "another student than %s"), request, g->number);
		goto fail;
	}
	if (strcmp(state, "pending") != 0) {
		rc = xj_fail(cause, XJ_EDATA, _("request %" PRId64 " is "
		    "decided already; close the guardian's request with the "
		    "response given"), request);
		goto fail;
	}
	if (sqlite3_prepare_v2(st->db, "UPDATE guardian_request SET request "
	    "= ? WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot link the request"), cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, request);
	sqlite3_bind_int64(stmt, 2, id);
	rc = step_done(st, stmt, _("cannot link the request"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	xasprintf(&detail, "guardian=%" PRId64 " kind=%s request=%" PRId64,
	    id, kind_names[g->kind], request);
	if ((rc = log_commit(st, "guardian.request.link", g->number, "", detail,
	    cause)) != XJ_OK)
		goto fail;
	rc = XJ_OK;
	goto out;
fail:
	tx_rollback(st);
out:
	guardian_request_free(g);
	free(kind);
	free(state);
	free(old);
	free(oldkind);
	return rc;
}

int
store_guardian_close(struct store *st, int64_t id, const char *response,
    char **cause)
{
	struct guardian_request	*g = NULL;
	sqlite3_stmt		*stmt;
	sqlite3_int64		 sid, rsid;
	time_t			 now = xj_now();
	char			*kind = NULL, *state = NULL, *detail, when[32];
	const char		*kept;
	int			 rc, status = 0, late;

	if ((rc = store_require(st, PERM_REQUEST_MANAGE,
	    "guardian.request.close", cause)) != XJ_OK)
		return rc;
	if ((rc = check_text(response, _("response given to the guardian"),
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_guardian(st, id, &g, &sid, cause)) != XJ_OK)
		goto fail;
	if (!g->open && g->responded_by != NULL) {
		xj_timefmt(g->responded_at, when, sizeof when);
		rc = xj_fail(cause, XJ_EBUSY, _("guardian's request %" PRId64
		    " is closed, answered by %s at %s"), id, g->responded_by,
		    when);
		goto fail;
	}
	if (g->open && g->request != 0) {
		if ((rc = request_facts(st, g->request, &kind, &state, &rsid,
		    cause)) != XJ_OK)
			goto fail;
		if (strcmp(state, "pending") == 0) {
			rc = xj_fail(cause, XJ_EBUSY, _("request %" PRId64 ", "
			    "which carries out guardian's request %" PRId64
			    ", is pending; this closes by itself when it is "
			    "decided"), g->request, id);
			goto fail;
		}
	}
	/* What a destruction emptied stays empty. */
	store_student_id(st, g->number, &status);
	kept = status == STATUS_DESTROYED ? "" : response;
	late = !g->open;
	if (sqlite3_prepare_v2(st->db, late ?
	    "UPDATE guardian_request SET response = ?1, responded_by = ?2, "
	    "responded_at = ?3 WHERE id = ?4" :
	    "UPDATE guardian_request SET state = 'closed', outcome = "
	    "'answered', response = ?1, responded_by = ?2, responded_at = ?3, "
	    "closed_by = ?2, closed_at = ?3 WHERE id = ?4", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		rc = db_error(st, _("cannot close the request"), cause);
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, kept, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	sqlite3_bind_int64(stmt, 4, id);
	rc = step_done(st, stmt, _("cannot close the request"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	xasprintf(&detail, "guardian=%" PRId64 " kind=%s outcome=%s%s", id,
	    kind_names[g->kind], late ? g->outcome : "answered",
	    late ? " response=added" : "");
	if ((rc = log_commit(st, "guardian.request.close",
	    g->number, "", detail, cause)) != XJ_OK)
		goto fail;
	rc = XJ_OK;
	goto out;
fail:
	tx_rollback(st);
out:
	guardian_request_free(g);
	free(kind);
	free(state);
	return rc;
}

/*
 * Close the open guardians' requests that sel (binding ?1 to by_request
 * or ?2 to number) finds, with outcome, each logged naming request.
 */
static int
close_open(struct store *st, const char *sel, int64_t by_request,
    const char *number, const char *outcome, int64_t request, char **cause)
{
	sqlite3_stmt	*stmt;
	int64_t		*ids = NULL;
	char		**kinds = NULL, **numbers = NULL, *detail;
	size_t		 n = 0, i;
	int		 rc = XJ_OK;

	if (sqlite3_prepare_v2(st->db, sel, -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot close the guardian's request"),
		    cause);
	sqlite3_bind_int64(stmt, 1, by_request);
	if (number != NULL)
		sqlite3_bind_text(stmt, 2, number, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		kinds = xreallocarray(kinds, n + 1, sizeof *kinds);
		numbers = xreallocarray(numbers, n + 1, sizeof *numbers);
		ids[n] = sqlite3_column_int64(stmt, 0);
		kinds[n] = dup_or_null(stmt, 1);
		numbers[n] = dup_or_null(stmt, 2);
		n++;
	}
	/* Some requests closed and others left open: none, then. */
	rc = rc == SQLITE_DONE ? XJ_OK : db_error(st,
	    _("cannot close the guardian's request"), cause);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc == XJ_OK && n > 0 && sqlite3_prepare_v2(st->db,
	    "UPDATE guardian_request SET state = 'closed', outcome = ?, "
	    "closed_by = ?, closed_at = ? WHERE id = ?", -1, &stmt, NULL) !=
	    SQLITE_OK)
		rc = db_error(st, _("cannot close the guardian's request"),
		    cause);
	for (i = 0; i < n && rc == XJ_OK; i++) {
		sqlite3_bind_text(stmt, 1, outcome, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, store_who(st), -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64)xj_now());
		sqlite3_bind_int64(stmt, 4, ids[i]);
		rc = step_done(st, stmt, _("cannot close the guardian's "
		    "request"), cause);
		if (rc != XJ_OK)
			break;
		xasprintf(&detail, "guardian=%" PRId64 " kind=%s outcome=%s "
		    "request=%" PRId64, ids[i], kinds[i], outcome, request);
		rc = log_entry(st, "guardian.request.close", numbers[i], "",
		    detail, cause);
		free(detail);
	}
	sqlite3_finalize(stmt);
	for (i = 0; i < n; i++) {
		free(kinds[i]);
		free(numbers[i]);
	}
	free(ids);
	free(kinds);
	free(numbers);
	return rc;
}

int
store_guardian_decided(struct store *st, int64_t request, const char *state,
    char **cause)
{
	if (strcmp(state, "approved") != 0 && strcmp(state, "rejected") != 0)
		return XJ_OK;
	return close_open(st, "SELECT g.id, g.kind, s.number" G_FROM " WHERE "
	    "g.request = ?1 AND g.state = 'open' ORDER BY g.id", request,
	    NULL, state, request, cause);
}

int
store_guardian_destroyed(struct store *st, const char *number,
    int64_t destroy, char **cause)
{
	return close_open(st, "SELECT g.id, g.kind, s.number" G_FROM " WHERE "
	    "s.number = ?2 AND g.state = 'open' AND ?1 = ?1 ORDER BY g.id",
	    destroy, number, "destroyed", destroy, cause);
}

int
store_guardian_list(struct store *st, enum guardian_list which, time_t now,
    int (*fn)(const struct guardian_request *, void *), void *arg,
    struct store_shown *shown, char **cause)
{
	static const char	*const where[] = {
		[GUARDIAN_OPEN] = " WHERE g.state = 'open'",
		[GUARDIAN_OVERDUE] =
		    " WHERE g.state = 'open' AND g.due_at < ?1",
		[GUARDIAN_ALL] = "",
	};
	static const char	*const lists[] = {
		[GUARDIAN_OPEN] = "list=open",
		[GUARDIAN_OVERDUE] = "list=overdue",
		[GUARDIAN_ALL] = "list=all",
	};
	struct guardian_request	**v = NULL;
	const char		**numbers = NULL;
	sqlite3_stmt		*stmt;
	char			*sql;
	size_t			 n = 0, i;
	int			 rc, stop = 0;

	if ((rc = store_require(st, PERM_REQUEST_MANAGE,
	    "guardian.request.list", cause)) != XJ_OK)
		return rc;
	if ((unsigned)which >= nitems(where))
		return xj_fail(cause, XJ_ESOFTWARE, "bad guardian list %d",
		    (int)which);
	xasprintf(&sql, "SELECT " G_COLUMNS("NULL, NULL") G_FROM "%s ORDER BY "
	    "g.received_at, g.id", where[which]);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return db_error(st, _("cannot list guardians' requests"),
		    cause);
	if (which == GUARDIAN_OVERDUE)
		sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	/* Read whole and logged (list_seen) before fn sees any of it. */
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		numbers = xreallocarray(numbers, n + 1, sizeof *numbers);
		v[n] = guardian_from_row(stmt, now);
		numbers[n] = v[n]->number;
		n++;
	}
	rc = rc == SQLITE_DONE ? XJ_OK :
	    db_error(st, _("cannot list guardians' requests"), cause);
	sqlite3_finalize(stmt);
	if (rc == XJ_OK)
		rc = list_seen(st, "guardian.request.list", lists[which],
		    numbers, n, shown, cause);
	for (i = 0; rc == XJ_OK && !stop && i < n; i++)
		stop = fn(v[i], arg);
	for (i = 0; i < n; i++)
		guardian_request_free(v[i]);
	free(v);
	free(numbers);
	return rc;
}

int
store_guardian_get(struct store *st, int64_t id,
    struct guardian_request **out, char **cause)
{
	struct guardian_request	*g = NULL;
	char			*detail;
	int			 rc;

	*out = NULL;
	if ((rc = store_require(st, PERM_REQUEST_MANAGE,
	    "guardian.request.view", cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_guardian(st, id, &g, NULL, cause)) != XJ_OK)
		goto fail;
	xasprintf(&detail, "guardian=%" PRId64 " kind=%s", id,
	    kind_names[g->kind]);
	if ((rc = log_commit(st, "guardian.request.view", g->number, "", detail,
	    cause)) != XJ_OK)
		goto fail;
	*out = g;
	return XJ_OK;
fail:
	tx_rollback(st);
	guardian_request_free(g);
	return rc;
}

int
store_guardian_overdue(struct store *st, time_t now, long *n)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*n = 0;
	if (!store_may_any(st, PERM_BIT(PERM_REQUEST_MANAGE) |
	    PERM_BIT(PERM_CHANGE_APPROVE) | PERM_BIT(PERM_REPORT_VIEW)))
		return XJ_EPERM;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM guardian_request "
	    "WHERE state = 'open' AND due_at < ?", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return XJ_EIO;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? XJ_OK : XJ_EIO;
}
