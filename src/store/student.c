/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Students read: the status names, one record (store_student_get), the
 * lists by status, revealing a sensitive value, and which values the
 * bound operator may see (store_visible, the sensitivity list).
 * Enrolment is enrol.c, finding as one types find.c.  Every function
 * checks the operator's permission first and logs what was read or
 * written, by student number and field key only.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/search.h"
#include "store-int.h"

static const char *const status_names[] = {
	[STATUS_ACTIVE] = "active",
	[STATUS_COMPLETED] = "completed",
	[STATUS_WITHDRAWN] = "withdrawn",
	[STATUS_DESTROYED] = "destroyed",
};
static const char *const status_labels[] = {
	[STATUS_ACTIVE] = N_("active"),
	[STATUS_COMPLETED] = N_("completed"),
	[STATUS_WITHDRAWN] = N_("withdrawn"),
	[STATUS_DESTROYED] = N_("destroyed"),
};

const char *
status_name(enum student_status s)
{
	return status_names[s];
}

const char *
status_label(enum student_status s)
{
	return _(status_labels[s]);
}

int
status_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(status_names); i++) {
		if (strcmp(s, status_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

sqlite3_int64
store_student_id(struct store *st, const char *number, int *status)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 id = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT id, status FROM student WHERE "
	    "number = ?", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		*status = status_parse((const char *)
		    sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return id;
}

void
student_free(struct student *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nvalues; i++) {
		free(s->values[i].key);
		xfree_wipe(s->values[i].value);
	}
	free(s->values);
	free(s->number);
	free(s->enrolled_by);
	free(s->consent_method);
	free(s->changed_by);
	xfree_wipe(s->changed_reason);
	free(s);
}

void
students_free(struct student **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		student_free(v[i]);
	free(v);
}

const char *
student_value(const struct student *s, const char *key)
{
	size_t	i;

	for (i = 0; i < s->nvalues; i++) {
		if (strcmp(s->values[i].key, key) == 0)
			return s->values[i].value;
	}
	return NULL;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
store_sensitivity_free(struct store *st)
{
	size_t	i;

	for (i = 0; i < st->nsens; i++)
		free(st->sens_keys[i]);
	free(st->sens_keys);
	st->sens_keys = NULL;
	st->nsens = 0;
}

static int
held_sensitive(const struct store *st, const char *key)
{
	return st->nsens > 0 && bsearch(&key, st->sens_keys, st->nsens,
	    sizeof *st->sens_keys, key_cmp) != NULL;
}

void
store_sensitivity_load(struct store *st)
{
	sqlite3_stmt	*stmt;
	const char	*key;
	size_t		 i, had;

	store_sensitivity_free(st);
	if (st->db == NULL || sqlite3_prepare_v2(st->db, "SELECT key FROM "
	    "field_sensitivity ORDER BY key", -1, &stmt, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		st->sens_keys = xreallocarray(st->sens_keys, st->nsens + 1,
		    sizeof *st->sens_keys);
		st->sens_keys[st->nsens++] = xstrdup((const char *)
		    sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	if (st->form == NULL)
		return;
	/* Keys the form marks sensitive and the store does not hold yet. */
	had = st->nsens;
	for (i = 0; i < st->form->nfields; i++) {
		key = st->form->fields[i].key;
		if (st->form->fields[i].sensitivity != SENS_SENSITIVE ||
		    held_sensitive(st, key))
			continue;
		st->sens_keys = xreallocarray(st->sens_keys, st->nsens + 1,
		    sizeof *st->sens_keys);
		st->sens_keys[st->nsens++] = xstrdup(key);
		qsort(st->sens_keys, st->nsens, sizeof *st->sens_keys, key_cmp);
	}
	if (st->nsens == had || st->in_tx || tx_begin(st, NULL) != XJ_OK)
		return;
	if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO "
	    "field_sensitivity (key, since) VALUES (?, ?)", -1, &stmt,
	    NULL) != SQLITE_OK) {
		tx_rollback(st);
		return;
	}
	for (i = 0; i < st->nsens; i++) {
		sqlite3_bind_text(stmt, 1, st->sens_keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)xj_now());
		if (step_done(st, stmt, "", NULL) != XJ_OK)
			break;
	}
	sqlite3_finalize(stmt);
	if (i < st->nsens || tx_commit(st, NULL) != XJ_OK)
		tx_rollback(st);
}

int
store_field_sensitive(const struct store *st, const char *key)
{
	const struct field_spec	*f;

	if (st->form == NULL || key == NULL)
		return 1;
	if ((f = form_field(st->form, key)) == NULL)
		return 1;	/* dropped from the form: not vouched for */
	return f->sensitivity == SENS_SENSITIVE || held_sensitive(st, key);
}

char *
store_visible(struct store *st, const char *key, const char *v)
{
	const struct field_spec	*f = form_field(st->form, key);

	if (store_field_sensitive(st, key) &&
	    !store_may(st, PERM_STUDENT_SENSITIVE))
		return NULL;
	if (f != NULL && f->type == FIELD_PHONE &&
	    !store_may(st, PERM_STUDENT_PHONE))
		return phone_mask(v);
	return xstrdup(v);
}

static void
add_value(struct student *s, const char *key, char *value)
{
	s->values = xreallocarray(s->values, s->nvalues + 1,
	    sizeof *s->values);
	s->values[s->nvalues].key = xstrdup(key);
	s->values[s->nvalues].value = value;
	s->nvalues++;
}

struct student *
store_load_student(struct store *st, sqlite3_stmt *row, sqlite3_stmt *vals)
{
	struct student		*s;
	struct student_value	 t;
	const char		*key;
	char			*v;
	size_t			 i, j, placed = 0;
	int			 rc;

	s = xcalloc(1, sizeof *s);
	s->number = xstrdup((const char *)sqlite3_column_text(row, 1));
	s->status = (enum student_status)status_parse((const char *)
	    sqlite3_column_text(row, 2));
	s->enrolled_at = (time_t)sqlite3_column_int64(row, 3);
	s->enrolled_by = xstrdup((const char *)sqlite3_column_text(row, 4));
	if (sqlite3_column_type(row, 5) != SQLITE_NULL)
		s->consent_method = xstrdup((const char *)
		    sqlite3_column_text(row, 5));
	s->consent_at = (time_t)sqlite3_column_int64(row, 6);
	s->pending = sqlite3_column_int(row, 7);
	s->frozen = sqlite3_column_int(row, 8);
	s->next_review = (time_t)sqlite3_column_int64(row, 9);

	sqlite3_bind_int64(vals, 1, sqlite3_column_int64(row, 0));
	while ((rc = sqlite3_step(vals)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(vals, 0);
		v = store_visible(st, key,
		    (const char *)sqlite3_column_text(vals, 1));
		if (v != NULL)
			add_value(s, key, v);
	}
	/* A record shown with values missing would look like the truth. */
	if (rc != SQLITE_DONE) {
		student_free(s);
		return NULL;	/* the error stays on the handle until reset */
	}
	sqlite3_reset(vals);

	for (i = 0; i < st->form->nfields; i++) {
		for (j = placed; j < s->nvalues; j++) {
			if (strcmp(s->values[j].key,
			    st->form->fields[i].key) != 0)
				continue;
			t = s->values[placed];
			s->values[placed++] = s->values[j];
			s->values[j] = t;
			break;
		}
	}
	return s;
}

/*
 * The last change of status, which the record shows under its status;
 * read in the record's transaction.  If it cannot be read the record
 * shows without it: the change is in the log all the same.
 */
static const char changed_sql[] =
    "SELECT c.old, c.at, c.by, c.reason FROM status_change c "
    "WHERE c.student = ? ORDER BY c.id DESC LIMIT 1";

static void
load_changed(struct store *st, sqlite3_int64 id, struct student *s)
{
	sqlite3_stmt	*stmt;
	int		 from;

	if (sqlite3_prepare_v2(st->db, changed_sql, -1, &stmt, NULL) !=
	    SQLITE_OK)
		return;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW && (from = status_parse(
	    (const char *)sqlite3_column_text(stmt, 0))) >= 0) {
		s->changed_from = (enum student_status)from;
		s->changed_at = (time_t)sqlite3_column_int64(stmt, 1);
		s->changed_by = xstrdup((const char *)
		    sqlite3_column_text(stmt, 2));
		s->changed_reason = xstrdup((const char *)
		    sqlite3_column_text(stmt, 3));
	}
	sqlite3_finalize(stmt);
}

const char store_values_sql[] =
    "SELECT key, value FROM field WHERE student = ? ORDER BY key";

static int
prepare_values(struct store *st, sqlite3_stmt **vals, char **cause)
{
	if (sqlite3_prepare_v2(st->db, store_values_sql, -1, vals, NULL) !=
	    SQLITE_OK)
		return db_error(st, _("cannot read the record"), cause);
	return XJ_OK;
}

int
store_student_get(struct store *st, const char *number, struct student **out,
    char **cause)
{
	static const char	 sql[] =
	    "SELECT " STUDENT_COLUMNS " FROM student s WHERE s.number = ?";
	sqlite3_stmt		*row = NULL, *vals = NULL;
	struct student		*s = NULL;
	char			*fields = NULL, *k;
	size_t			 i;
	int			 rc;

	*out = NULL;
	if ((rc = store_require(st, PERM_STUDENT_VIEW, "student.view",
	    cause)) != XJ_OK)
		return rc;
	/* A read: its entry need not wait for the disk (store.c). */
	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		return rc;
	if ((row = store_prepare(st, sql)) == NULL ||
	    (vals = store_prepare(st, store_values_sql)) == NULL) {
		rc = db_error(st, _("cannot read the record"), cause);
		goto fail;
	}
	sqlite3_bind_text(row, 1, number, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(row)) != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? xj_fail(cause, XJ_ENOINPUT,
		    _("no student %s"), number) : db_error(st,
		    _("cannot read the record"), cause);
		goto fail;
	}
	if ((s = store_load_student(st, row, vals)) == NULL) {
		rc = db_error(st, _("cannot read the record"), cause);
		goto fail;
	}
	if (!s->frozen)
		load_changed(st, sqlite3_column_int64(row, 0), s);
	/* A record awaiting destruction is restricted: no values shown. */
	if (s->frozen) {
		for (i = 0; i < s->nvalues; i++) {
			free(s->values[i].key);
			xfree_wipe(s->values[i].value);
		}
		s->nvalues = 0;
	}
	for (i = 0; i < s->nvalues; i++) {
		if (fields == NULL)
			fields = xstrdup(s->values[i].key);
		else {
			xasprintf(&k, "%s,%s", fields, s->values[i].key);
			free(fields);
			fields = k;
		}
	}
	store_release(row);
	store_release(vals);
	row = vals = NULL;
	/* The read is logged in the same transaction it happens in. */
	if ((rc = log_tail(st, "student.view", s->number, fields, NULL,
	    cause)) != XJ_OK)
		goto fail;
	free(fields);
	*out = s;
	return XJ_OK;
fail:
	free(fields);
	student_free(s);
	store_release(row);
	store_release(vals);
	tx_rollback(st);
	return rc;
}

/* The students student list shows: live ones, or those of status ?1. */
#define LISTED	" WHERE ((?1 IS NULL AND s.status != 'destroyed') OR" \
		" s.status = ?1) AND " NOT_FROZEN

/*
 * Who saw each child listed: the entry just written (the log's head) is
 * noted against every number the list will show, as a search's are
 * (audit_seen), so the log's student filter finds it.  In the entry's
 * transaction.
 */
static int
note_listed(struct store *st, const char *which, char **cause)
{
	static const char	 sql[] =
	    "INSERT OR IGNORE INTO audit_seen (number, seq)"
	    " SELECT s.number, ?2 FROM student s"
	    LISTED;
	sqlite3_stmt		*stmt;
	int			 rc;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return db_error(st, _("cannot list students"), cause);
	sqlite3_bind_text(stmt, 1, which, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, store_audit_head(st));
	rc = step_done(st, stmt, _("cannot list students"), cause);
	store_release(stmt);
	return rc;
}

int
store_student_each(struct store *st, int status,
    int (*fn)(const struct student *, void *), void *arg, char **cause)
{
	static const char	 count_sql[] =
	    "SELECT count(*) FROM student s"
	    LISTED;
	static const char	 sql[] =
	    "SELECT " STUDENT_COLUMNS " FROM student s"
	    LISTED
	    " ORDER BY s.number";
	sqlite3_stmt		*row = NULL, *vals = NULL;
	struct student		*s;
	const char		*which;
	char			*detail;
	sqlite3_int64		 count = 0;
	int			 rc, stop = 0;

	if ((rc = store_require(st, PERM_STUDENT_SEARCH, "student.list",
	    cause)) != XJ_OK)
		return rc;
	which = status >= 0 ? status_name(status) : NULL;

	/*
	 * Log first, with the count, and only then show anything: a list
	 * that was seen is never missing from the log.  Holding the write
	 * lock through a long listing would stall the other terminals.
	 */
	if (sqlite3_prepare_v2(st->db, count_sql, -1, &row, NULL) != SQLITE_OK)
		return db_error(st, _("cannot list students"), cause);
	sqlite3_bind_text(row, 1, which, -1, SQLITE_STATIC);
	if (sqlite3_step(row) == SQLITE_ROW)
		count = sqlite3_column_int64(row, 0);
	sqlite3_finalize(row);
	row = NULL;
	xasprintf(&detail, "status=%s results=%lld", which != NULL ? which :
	    "live", (long long)count);
	rc = tx_begin(st, cause);
	if (rc == XJ_OK && (rc = log_entry(st, "student.list", "", NULL,
	    detail, cause)) == XJ_OK)
		rc = note_listed(st, which, cause);
	if (rc == XJ_OK)
		rc = tx_commit(st, cause);
	else
		tx_rollback(st);
	free(detail);
	if (rc != XJ_OK)
		return rc;

	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(st, _("cannot list students"), cause);
	st->in_tx = 1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &row, NULL) != SQLITE_OK ||
	    prepare_values(st, &vals, cause) != XJ_OK) {
		rc = db_error(st, _("cannot list students"), cause);
		goto out;
	}
	sqlite3_bind_text(row, 1, which, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(row)) == SQLITE_ROW) {
		if ((s = store_load_student(st, row, vals)) == NULL)
			break;
		stop = fn(s, arg);
		student_free(s);
	}
	rc = stop || rc == SQLITE_DONE ? XJ_OK :
	    db_error(st, _("cannot list students"), cause);
out:
	sqlite3_finalize(row);
	sqlite3_finalize(vals);
	tx_rollback(st);
	return rc;
}

int
store_student_reveal(struct store *st, const char *number, const char *key,
    char **cause)
{
	const struct field_spec	*f = form_field(st->form, key);
	int			 rc;

	if ((rc = store_require(st, PERM_STUDENT_SENSITIVE, "student.reveal",
	    cause)) != XJ_OK)
		return rc;
	if (f == NULL || !store_field_sensitive(st, key))
		return xj_fail(cause, XJ_EUSAGE, _("\"%s\" is not a sensitive "
		    "field"), key);
	/*
	 * Durable before the value is shown, unlike the reads of the
	 * record itself (tx_begin_read_log): a sensitive value is revealed
	 * on purpose, one key at a time, and the fsync is not felt.
	 */
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	return log_tail(st, "student.reveal", number, key, NULL, cause);
}
