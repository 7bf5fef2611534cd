/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * What only a change request has: the new values, checked against the
 * form and kept only where they differ from the record (with the old
 * value beside each), the check that none of the old values moved since
 * filing (stale), applying them when approved, and the guardian's
 * confirmation afterwards.  The request's lifecycle, shared by every
 * kind, is request.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

static const char *const confirm_methods[] = {
	"phone", "in-person", "message",
};

int
confirm_method_valid(const char *m)
{
	return store_name_index(confirm_methods, nitems(confirm_methods),
	    m) >= 0;
}

char *
store_field_value(struct store *st, sqlite3_int64 id, const char *key)
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

void
store_key_append(char **keys, const char *key)
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
		old = store_field_value(st, id, f->key);
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

void
store_changes_free(struct request_change *v, size_t n)
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
	if ((rc = store_lifecycle_find(st, LC_CHANGE_FILE, number, &sid,
	    &status, cause)) != XJ_OK)
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
		store_key_append(&keys, ch[i].key);
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
	store_changes_free(ch, nch);
	return XJ_OK;
fail:
	tx_rollback(st);
	free(keys);
	store_changes_free(ch, nch);
	return rc;
}

int
store_change_load(struct store *st, struct request *r, char **cause)
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

void
store_change_mask(struct store *st, struct request *r)
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
		cur = store_field_value(st, sid, r->changes[i].key);
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
	int		 rc, from;

	if ((rc = store_require_any(st, PERM_BIT(PERM_CHANGE_APPROVE) |
	    PERM_BIT(PERM_DESTROY_APPROVE), PERM_CHANGE_REQUEST,
	    "request.stale", cause)) != XJ_OK)
		return rc;
	if ((rc = tx_read(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_request_load(st, id, &r, &sid, cause)) == XJ_OK &&
	    r->state == REQ_PENDING) {
		if (r->kind == REQ_STATUS)
			rc = store_status_stale(st, sid, r, &from, cause);
		else if (r->kind == REQ_CHANGE &&
		    (rc = store_change_load(st, r, cause)) == XJ_OK)
			rc = check_stale(st, sid, r, cause);
	}
	tx_rollback(st);
	request_free(r);
	return rc;
}

int
store_change_apply(struct store *st, sqlite3_int64 sid, struct request *r,
    char **keys, char **cause)
{
	size_t	i;
	int	rc;

	*keys = NULL;
	if ((rc = store_change_load(st, r, cause)) != XJ_OK ||
	    (rc = check_stale(st, sid, r, cause)) != XJ_OK)
		return rc;
	for (i = 0; i < r->nchanges; i++) {
		if ((rc = store_field_write(st, sid, r->changes[i].key,
		    r->changes[i].new, r->id, cause)) != XJ_OK)
			return rc;
		store_key_append(keys, r->changes[i].key);
	}
	return store_reindex(st, sid, cause);
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
	if ((rc = store_request_load(st, id, &r, &sid, cause)) != XJ_OK)
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
