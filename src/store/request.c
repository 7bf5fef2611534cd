/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Change requests and their decision: maker and checker.  The operator
 * who files a request can never decide it; the store checks this before
 * anything else and the schema's CHECK constraint holds it as well.
 * Approval re-reads every old value inside the same transaction that
 * writes the new ones, so a record changed since the request was filed
 * is refused as stale rather than silently overwritten.
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
static const char *const confirm_methods[] = {
	"phone", "in-person", "message",
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

int
confirm_method_valid(const char *m)
{
	return store_name_index(confirm_methods, nitems(confirm_methods),
	    m) >= 0;
}

void
request_free(struct request *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nchanges; i++) {
		free(r->changes[i].key);
		xfree_wipe(r->changes[i].old);
		xfree_wipe(r->changes[i].new);
	}
	free(r->changes);
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
	"r.closed_by, r.closed_at, r.seen_at"

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
	return r;
}

/* The stored value of key for student id, "" when there is none. */
static char *
current_value(struct store *st, sqlite3_int64 id, const char *key)
{
	sqlite3_stmt	*stmt;
	char		*v = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM field WHERE "
	    "student = ? AND key = ?", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = dup_or_null(stmt, 0);
		sqlite3_finalize(stmt);
	}
	return v != NULL ? v : xstrdup("");
}

static void
append_key(char **keys, const char *key)
{
	char	*k;

	if (*keys == NULL)
		*keys = xstrdup(key);
	else {
		xasprintf(&k, "%s,%s", *keys, key);
		free(*keys);
		*keys = k;
	}
}

/* Validate each new value; keep (normalised) those that differ. */
static int
collect_changes(struct store *st, sqlite3_int64 id,
    const struct field_input *in, size_t n, struct request_change **out,
    size_t *nout, char **cause)
{
	const struct field_spec	*f;
	struct request_change	*v = NULL;
	struct validate_ctx	 vctx;
	char			*norm, *old;
	size_t			 i, j, count = 0;
	int			 rc = XJ_OK;

	vctx.now = xj_now();
	vctx.age_min_years = (int)st->cfg->age_min_years;
	vctx.age_max_years = (int)st->cfg->age_max_years;
	for (i = 0; i < n && rc == XJ_OK; i++) {
		if ((f = form_field(st->form, in[i].key)) == NULL) {
			rc = xj_fail(cause, XJ_EDATA, _("the form has no field "
			    "\"%s\""), in[i].key);
			break;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(in[j].key, in[i].key) == 0)
				rc = xj_fail(cause, XJ_EDATA, _("field \"%s\" is "
				    "given twice"), in[i].key);
		}
		if (rc != XJ_OK)
			break;
		if ((rc = field_validate(f, in[i].value, strcmp(f->key,
		    "birth_month") == 0 ? &vctx : NULL, &norm, cause)) != 0)
			break;
		old = current_value(st, id, f->key);
		if (strcmp(old, norm) == 0) {
			xfree_wipe(old);
			xfree_wipe(norm);
			continue;
		}
		v = xreallocarray(v, count + 1, sizeof *v);
		v[count].key = xstrdup(f->key);
		v[count].old = old;
		v[count].new = norm;
		count++;
	}
	*out = v;
	*nout = count;
	return rc;
}

static void
changes_free(struct request_change *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		xfree_wipe(v[i].old);
		xfree_wipe(v[i].new);
	}
	free(v);
}

int
store_change_request(struct store *st, const char *number,
    const struct field_input *in, size_t n, const char *reason,
    const char *evidence, int64_t *idp, char **cause)
{
	struct request_change	*ch = NULL;
	sqlite3_stmt		*stmt = NULL;
	sqlite3_int64		 sid, rid;
	char			*keys = NULL, *detail;
	size_t			 nch = 0, i;
	int			 rc, status = 0;

	*idp = 0;
	if ((rc = store_require(st, PERM_CHANGE_REQUEST, "change.request",
	    cause)) != XJ_OK)
		return rc;
	if (reason == NULL || *reason == '\0' || !utf8_valid(reason,
	    strlen(reason)))
		return xj_fail(cause, XJ_EDATA, "%s", _("a change needs a "
		    "reason"));
	if (evidence != NULL && !utf8_valid(evidence, strlen(evidence)))
		return xj_fail(cause, XJ_EDATA, "%s", _("the supporting "
		    "document reference is not valid text"));
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((sid = store_student_id(st, number, &status)) == 0) {
		rc = xj_fail(cause, XJ_ENOINPUT, _("no student %s"), number);
		goto fail;
	}
	if ((rc = store_lifecycle_check(st, LC_CHANGE_FILE, sid, number, NULL,
	    cause)) != XJ_OK)
		goto fail;
	if ((rc = collect_changes(st, sid, in, n, &ch, &nch, cause)) != 0)
		goto fail;
	if (nch == 0) {
		rc = xj_fail(cause, XJ_EDATA, "%s", _("nothing to change: "
		    "every value is what the record holds"));
		goto fail;
	}
	if (sqlite3_prepare_v2(st->db, "INSERT INTO request (kind, student, "
	    "reason, evidence, requested_by, requested_at) VALUES ('change', "
	    "?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot file the request"), cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, sid);
	sqlite3_bind_text(stmt, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, evidence != NULL ? evidence : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)xj_now());
	rc = step_done(st, stmt, _("cannot file the request"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	rid = sqlite3_last_insert_rowid(st->db);
	if (sqlite3_prepare_v2(st->db, "INSERT INTO request_field (request, "
	    "key, old, new) VALUES (?, ?, ?, ?)", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		rc = db_error(st, _("cannot file the request"), cause);
		goto fail;
	}
	for (i = 0; i < nch && rc == XJ_OK; i++) {
		sqlite3_bind_int64(stmt, 1, rid);
		sqlite3_bind_text(stmt, 2, ch[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, ch[i].old, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, ch[i].new, -1, SQLITE_STATIC);
		rc = step_done(st, stmt, _("cannot file the request"), cause);
		append_key(&keys, ch[i].key);
	}
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	xasprintf(&detail, "request=%lld", (long long)rid);
	if ((rc = log_commit(st, "change.request", number, keys, detail,
	    cause)) != XJ_OK)
		goto fail;
	*idp = rid;
	free(keys);
	changes_free(ch, nch);
	return XJ_OK;
fail:
	tx_rollback(st);
	free(keys);
	changes_free(ch, nch);
	return rc;
}

/* Read request id (and its student row id) inside the transaction. */
static int
load_request(struct store *st, int64_t id, struct request **out,
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

/* Fill r->changes (raw values) from request_field. */
static int
load_changes(struct store *st, struct request *r, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT key, old, new FROM "
	    "request_field WHERE request = ? ORDER BY key", -1, &stmt,
	    NULL) != SQLITE_OK)
		return db_error(st, _("cannot read the request"), cause);
	sqlite3_bind_int64(stmt, 1, r->id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r->changes = xreallocarray(r->changes, r->nchanges + 1,
		    sizeof *r->changes);
		r->changes[r->nchanges].key = dup_or_null(stmt, 0);
		r->changes[r->nchanges].old = dup_or_null(stmt, 1);
		r->changes[r->nchanges].new = dup_or_null(stmt, 2);
		r->nchanges++;
	}
	sqlite3_finalize(stmt);
	/* A change read in part must never be applied in part. */
	if (rc != SQLITE_DONE)
		return db_error(st, _("cannot read the request"), cause);
	return XJ_OK;
}

/* Mask the changes, and leave out hidden ones, for the bound operator. */
static void
mask_changes(struct store *st, struct request *r)
{
	size_t			 i, kept = 0;
	char			*o, *n;

	for (i = 0; i < r->nchanges; i++) {
		o = store_visible(st, r->changes[i].key, r->changes[i].old);
		n = store_visible(st, r->changes[i].key, r->changes[i].new);
		xfree_wipe(r->changes[i].old);
		xfree_wipe(r->changes[i].new);
		if (o == NULL || n == NULL) {
			free(r->changes[i].key);
			xfree_wipe(o);
			xfree_wipe(n);
			continue;
		}
		r->changes[kept].key = r->changes[i].key;
		r->changes[kept].old = o;
		r->changes[kept].new = n;
		kept++;
	}
	r->nchanges = kept;
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
	if (!store_may(st, PERM_CHANGE_APPROVE) &&
	    !store_may(st, PERM_CHANGE_CONFIRM) &&
	    (rc = store_require(st, PERM_CHANGE_REQUEST, "request.view",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_request(st, id, &r, &sid, cause)) != XJ_OK ||
	    (rc = load_changes(st, r, cause)) != XJ_OK)
		goto fail;
	{
		char *raw = current_value(st, sid, "name");

		r->name = store_visible(st, "name", raw);
		xfree_wipe(raw);
	}
	mask_changes(st, r);
	/*
	 * A frozen record shows nothing, even through an old request;
	 * only whoever decides its destruction sees whose it is.
	 */
	if (store_check_not_frozen(st, sid, r->number, NULL) != XJ_OK) {
		for (i = 0; i < r->nchanges; i++) {
			free(r->changes[i].key);
			xfree_wipe(r->changes[i].old);
			xfree_wipe(r->changes[i].new);
		}
		r->nchanges = 0;
		if (r->kind != REQ_DESTROY ||
		    !store_may(st, PERM_DESTROY_APPROVE)) {
			xfree_wipe(r->name);
			r->name = xstrdup("");
		}
	}
	for (i = 0; i < r->nchanges; i++)
		append_key(&keys, r->changes[i].key);
	xasprintf(&detail, "request=%" PRId64, id);
	rc = log_entry(st, "request.view", r->number, keys, detail, cause);
	free(detail);
	free(keys);
	if (rc != XJ_OK || (rc = tx_commit(st, cause)) != XJ_OK)
		goto fail;
	*out = r;
	return XJ_OK;
fail:
	tx_rollback(st);
	request_free(r);
	return rc;
}

/*
 * XJ_EDATA if a value of change r (raw, as loaded) is no longer the one
 * student sid holds, naming the first such field by its label.
 */
static int
check_stale(struct store *st, sqlite3_int64 sid, const struct request *r,
    char **cause)
{
	const struct field_spec	*f;
	char			*cur;
	size_t			 i;
	int			 moved;

	for (i = 0; i < r->nchanges; i++) {
		cur = current_value(st, sid, r->changes[i].key);
		moved = strcmp(cur, r->changes[i].old) != 0;
		xfree_wipe(cur);
		if (!moved)
			continue;
		f = form_field(st->form, r->changes[i].key);
		return xj_fail(cause, XJ_EDATA, _("request %" PRId64 " is stale: "
		    "%s was changed after it was filed; reject it and file the "
		    "change again"), r->id, f != NULL ? form_text(&f->label) :
		    r->changes[i].key);
	}
	return XJ_OK;
}

int
store_request_stale(struct store *st, int64_t id, char **cause)
{
	struct request	*r = NULL;
	sqlite3_int64	 sid;
	int		 rc;

	if (!store_may(st, PERM_CHANGE_APPROVE) &&
	    !store_may(st, PERM_DESTROY_APPROVE) &&
	    (rc = store_require(st, PERM_CHANGE_REQUEST, "request.stale",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_read(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_request(st, id, &r, &sid, cause)) == XJ_OK &&
	    r->kind == REQ_CHANGE && r->state == REQ_PENDING &&
	    (rc = load_changes(st, r, cause)) == XJ_OK)
		rc = check_stale(st, sid, r, cause);
	tx_rollback(st);
	request_free(r);
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
	char		*detail;
	int		 rc;
	enum perm	 need;

	if (!store_may(st, PERM_DESTROY_APPROVE) &&
	    (rc = store_require(st, PERM_CHANGE_APPROVE, what, cause)) != 0)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_request(st, id, r, &student, cause)) != XJ_OK)
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
		tx_rollback(st);
		xasprintf(&detail, "rule=four-eyes what=%s request=%" PRId64,
		    what, id);
		store_log(st, "access.denied", (*r)->number, detail, NULL);
		free(detail);
		request_free(*r);
		*r = NULL;
		return xj_fail(cause, XJ_EPERM, _("you filed request %" PRId64
		    "; someone else must decide it"), id);
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
	size_t		 i;
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
	if ((rc = load_changes(st, r, cause)) != XJ_OK ||
	    (rc = check_stale(st, sid, r, cause)) != XJ_OK)
		goto fail;
	for (i = 0; i < r->nchanges; i++) {
		if ((rc = store_field_write(st, sid, r->changes[i].key,
		    r->changes[i].new, id, cause)) != XJ_OK)
			goto fail;
		append_key(&keys, r->changes[i].key);
	}
	if ((rc = store_reindex(st, sid, cause)) != XJ_OK ||
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
	sqlite3_stmt	*stmt;
	sqlite3_int64	 sid;
	char		*detail;
	int		 rc;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_request(st, id, &r, &sid, cause)) != XJ_OK)
		goto fail;
	if (strcmp(r->requested_by, store_who(st)) != 0) {
		tx_rollback(st);
		xasprintf(&detail, "rule=requester-only what=request.withdraw "
		    "request=%" PRId64, id);
		store_log(st, "access.denied", r->number, detail, NULL);
		free(detail);
		rc = xj_fail(cause, XJ_EPERM, _("only %s, who filed request %"
		    PRId64 ", can withdraw it"), r->requested_by, id);
		request_free(r);
		return rc;
	}
	if ((rc = store_lifecycle_check(st, lifecycle_decision(r->kind,
	    LC_WITHDRAW), sid, r->number, r, cause)) != XJ_OK)
		goto fail;
	/* The requester's own act: nothing to acknowledge later. */
	if (sqlite3_prepare_v2(st->db, "UPDATE request SET state = "
	    "'withdrawn', decided_at = ?1, seen_at = ?1 WHERE id = ?2 AND "
	    "state = 'pending'",
	    -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot withdraw the request"), cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)xj_now());
	sqlite3_bind_int64(stmt, 2, id);
	rc = step_done(st, stmt, _("cannot withdraw the request"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	xasprintf(&detail, "request=%" PRId64 " kind=%s", id,
	    request_kind_name(r->kind));
	if ((rc = log_commit(st, "request.withdraw", r->number, "", detail,
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
store_change_confirm(struct store *st, int64_t id, const char *method,
    char **cause)
{
	struct request	*r = NULL;
	sqlite3_stmt	*stmt;
	sqlite3_int64	 sid;
	char		*detail;
	int		 rc;

	if ((rc = store_require(st, PERM_CHANGE_CONFIRM, "change.confirm",
	    cause)) != XJ_OK)
		return rc;
	if (!confirm_method_valid(method))
		return xj_fail(cause, XJ_EDATA, _("how did the guardian "
		    "confirm? phone, in-person or message"));
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_request(st, id, &r, &sid, cause)) != XJ_OK)
		goto fail;
	if (r->kind != REQ_CHANGE) {
		rc = xj_fail(cause, XJ_EDATA, _("request %" PRId64 " is not an "
		    "applied change"), id);
		goto fail;
	}
	if ((rc = store_lifecycle_check(st, LC_CHANGE_CONFIRM, sid, r->number,
	    r, cause)) != XJ_OK)
		goto fail;
	if (r->confirmed_by != NULL) {
		rc = xj_fail(cause, XJ_EBUSY, _("request %" PRId64 " was "
		    "confirmed already, by %s"), id, r->confirmed_by);
		goto fail;
	}
	if (sqlite3_prepare_v2(st->db, "UPDATE request SET confirmed_by = ?, "
	    "confirmed_at = ?, confirm_method = ? WHERE id = ?", -1, &stmt,
	    NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot record the confirmation"), cause);
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)xj_now());
	sqlite3_bind_text(stmt, 3, method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, id);
	rc = step_done(st, stmt, _("cannot record the confirmation"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	xasprintf(&detail, "request=%" PRId64 " method=%s", id, method);
	if ((rc = log_commit(st, "change.confirm", r->number, "", detail,
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
store_request_acknowledge(struct store *st, int64_t id, char **cause)
{
	struct request	*r = NULL;
	sqlite3_stmt	*stmt;
	sqlite3_int64	 sid;
	char		*detail;
	int		 rc;

	if ((rc = store_require(st, PERM_CHANGE_REQUEST, "request.acknowledge",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = load_request(st, id, &r, &sid, cause)) != XJ_OK)
		goto fail;
	if (strcmp(r->requested_by, store_who(st)) != 0) {
		rc = xj_fail(cause, XJ_EPERM, _("only %s, who filed request %"
		    PRId64 ", can acknowledge its decision"), r->requested_by,
		    id);
		goto fail;
	}
	if ((rc = store_lifecycle_check(st, LC_ACKNOWLEDGE, sid, r->number, r,
	    cause)) != XJ_OK)
		goto fail;
	if (r->seen_at != 0) {
		tx_rollback(st);
		request_free(r);
		return XJ_OK;
	}
	if (sqlite3_prepare_v2(st->db, "UPDATE request SET seen_at = ? WHERE "
	    "id = ?", -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot acknowledge the decision"), cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)xj_now());
	sqlite3_bind_int64(stmt, 2, id);
	rc = step_done(st, stmt, _("cannot acknowledge the decision"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	xasprintf(&detail, "request=%" PRId64 " state=%s", id,
	    request_state_name(r->state));
	rc = log_entry(st, "request.acknowledge", r->number, "", detail,
	    cause);
	free(detail);
	if (rc != XJ_OK || (rc = tx_commit(st, cause)) != XJ_OK)
		goto fail;
	request_free(r);
	return XJ_OK;
fail:
	tx_rollback(st);
	request_free(r);
	return rc;
}

int
store_requests(struct store *st, enum request_list which,
    int (*fn)(const struct request *, void *), void *arg, char **cause)
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
	struct request		*r;
	sqlite3_stmt		*stmt;
	int			 rc, stop = 0;

	if ((rc = store_require(st, need[which], "request.list", cause)) != 0)
		return rc;
	if (sqlite3_prepare_v2(st->db, sql[which], -1, &stmt, NULL) !=
	    SQLITE_OK)
		return db_error(st, _("cannot list requests"), cause);
	if (which == LIST_MINE)
		sqlite3_bind_text(stmt, 1, store_who(st), -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
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
		stop = fn(r, arg);
		request_free(r);
	}
	rc = stop || rc == SQLITE_DONE ? XJ_OK :
	    db_error(st, _("cannot list requests"), cause);
	sqlite3_finalize(stmt);
	return rc;
}

void
history_free(struct history *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(h[i].key);
		xfree_wipe(h[i].value);
		xfree_wipe(h[i].reason);
		free(h[i].requested_by);
		free(h[i].approved_by);
	}
	free(h);
}

int
store_history(struct store *st, const char *number, struct history **out,
    size_t *n, char **cause)
{
	static const char	 sql[] =
	    "SELECT h.key, h.value, h.at, h.request, r.reason, "
	    "r.requested_by, r.decided_by FROM field_history h "
	    "JOIN student s ON s.id = h.student "
	    "LEFT JOIN request r ON r.id = h.request "
	    /* Frozen: no values, as in store_student_get, old ones neither. */
	    "WHERE s.number = ? AND NOT EXISTS (SELECT 1 FROM request fr "
	    "WHERE fr.student = s.id AND fr.kind = 'destroy' AND "
	    "fr.state = 'pending') ORDER BY h.id";
	struct history		*v = NULL, *h;
	sqlite3_stmt		*stmt = NULL;
	char			*value;
	size_t			 count = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require(st, PERM_STUDENT_VIEW, "student.history",
	    cause)) != XJ_OK)
		return rc;
	/* A read: its entry need not wait for the disk (store.c). */
	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot read the history"), cause);
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		value = store_visible(st, (const char *)
		    sqlite3_column_text(stmt, 0), (const char *)
		    sqlite3_column_text(stmt, 1));
		if (value == NULL)
			continue;
		v = xreallocarray(v, count + 1, sizeof *v);
		h = &v[count++];
		h->key = dup_or_null(stmt, 0);
		h->value = value;
		h->at = (time_t)sqlite3_column_int64(stmt, 2);
		h->request = sqlite3_column_int64(stmt, 3);
		h->reason = dup_or_null(stmt, 4);
		h->requested_by = dup_or_null(stmt, 5);
		h->approved_by = dup_or_null(stmt, 6);
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(st, _("cannot read the history"), cause);
		goto fail;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((rc = log_entry(st, "student.history", number, "", "", cause)) !=
	    XJ_OK || (rc = tx_commit(st, cause)) != XJ_OK)
		goto fail;
	*out = v;
	*n = count;
	return XJ_OK;
fail:
	sqlite3_finalize(stmt);
	tx_rollback(st);
	history_free(v, count);
	return rc;
}

int64_t
store_data_version(struct store *st)
{
	sqlite3_stmt	*stmt;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &stmt,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	return v;
}
