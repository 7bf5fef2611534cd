/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Enrolment: a student's values checked against the form and
 * normalised (store_validate), the duplicate check on name with birth
 * month or guardian phone, the next student number of the year, each
 * field's value and history written with the search terms it is found
 * by, and store_student_add, which does all of it in one transaction
 * with the student.enroll entry.  The import (import.c) shares these
 * steps.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/search.h"
#include "store-int.h"

/* The raw value for key in an enrolment, or NULL. */
static const char *
enrol_value(const struct enrolment *en, const char *key)
{
	size_t	i;

	for (i = 0; i < en->nvalues; i++) {
		if (strcmp(en->values[i].key, key) == 0)
			return en->values[i].value;
	}
	return NULL;
}

/* Whether a student already has this number (tombstones included). */
static int
number_taken(struct store *st, const char *number)
{
	static const char	 sql[] = "SELECT 1 FROM student WHERE number = ?";
	sqlite3_stmt		*stmt;
	int			 taken;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	taken = sqlite3_step(stmt) == SQLITE_ROW;
	store_release(stmt);
	return taken;
}

/*
 * Hand out the next number of scope; never the same twice.  Scope is the
 * year when the pattern has one, else a single counter.  A number that
 * exists already (the pattern was changed) is skipped, not reused.
 */
int
store_next_number(struct store *st, int year, char **number, char **cause)
{
	static const char	 get_sql[] =
	    "SELECT last FROM number_seq WHERE scope = ?";
	static const char	 set_sql[] =
	    "INSERT OR REPLACE INTO number_seq (scope, last) VALUES (?, ?)";
	sqlite3_stmt		*stmt;
	sqlite3_int64		 seq = 0;
	int			 scope, rc, taken;

	*number = NULL;
	scope = strstr(st->cfg->number_pattern, "{year}") != NULL ? year : 0;
	if ((stmt = store_prepare(st, get_sql)) == NULL)
		return db_error(st, _("cannot allocate a student number"), cause);
	sqlite3_bind_int(stmt, 1, scope);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		seq = sqlite3_column_int64(stmt, 0);
	store_release(stmt);

	do {
		free(*number);
		*number = config_format_number(st->cfg->number_pattern,
		    st->cfg->branch_code, year, (long)++seq);
		if (*number == NULL)
			return xj_fail(cause, XJ_ECONFIG, "%s",
			    _("the student-number pattern is invalid"));
		if ((taken = number_taken(st, *number)) < 0)
			return db_error(st, _("cannot allocate a student "
			    "number"), cause);
	} while (taken);

	if ((stmt = store_prepare(st, set_sql)) == NULL)
		return db_error(st, _("cannot allocate a student number"), cause);
	sqlite3_bind_int(stmt, 1, scope);
	sqlite3_bind_int64(stmt, 2, seq);
	rc = step_done(st, stmt, _("cannot allocate a student number"), cause);
	store_release(stmt);
	return rc;
}

/*
 * The keys of the duplicate check, kept with the search terms: "b:" is
 * the name and the birth month, "g:" the name and the guardian's phone.
 * Looking one up is an index seek, where walking every namesake (a
 * common name has hundreds at a million students) grew with the branch.
 * NULL when a value is missing.
 */
static char *
dup_key(const char *kind, const char *name, const char *other)
{
	char	*k;

	if (name == NULL || other == NULL || *name == '\0' || *other == '\0')
		return NULL;
	xasprintf(&k, "%s:%s %s", kind, name, other);
	return k;
}

int
store_find_duplicate(struct store *st, const char *name, const char *birth,
    const char *phone, char **dup)
{
	static const char	 sql[] =
	    "SELECT s.number FROM search t JOIN student s ON s.id = t.student"
	    " WHERE t.term IN (?1, ?2) AND s.status != 'destroyed'"
	    " ORDER BY s.id LIMIT 1";
	sqlite3_stmt		*stmt;
	char			*by_birth, *by_phone;
	int			 rc = 0;

	*dup = NULL;
	if (name == NULL)
		return 0;
	if ((stmt = store_prepare(st, sql)) == NULL)
		return -1;
	by_birth = dup_key("b", name, birth);
	by_phone = dup_key("g", name, phone);
	sqlite3_bind_text(stmt, 1, by_birth, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, by_phone, -1, SQLITE_STATIC);
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		*dup = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		rc = 1;
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = -1;
	}
	store_release(stmt);
	xfree_wipe(by_birth);
	xfree_wipe(by_phone);
	return rc;
}

const char *
store_norm_of(const struct form_spec *form, char **norm, const char *key)
{
	size_t	i;

	for (i = 0; i < form->nfields; i++) {
		if (strcmp(form->fields[i].key, key) == 0)
			return norm[i];
	}
	return NULL;
}

/*
 * One problem found by store_validate: with fn, hand it over and go on
 * (the message is fn's to keep); without, it is the answer.
 */
static int
validate_problem(store_problem_fn *fn, void *arg, const char *key, int rc,
    char *msg, char **cause)
{
	if (fn == NULL) {
		if (cause != NULL)
			*cause = msg;
		else
			free(msg);
		return rc;
	}
	fn(key, msg, arg);
	return XJ_OK;
}

int
store_validate(struct store *st, const struct enrolment *en, char **norm,
    store_problem_fn *fn, void *arg, char **cause)
{
	const struct form_spec	*form = st->form;
	struct validate_ctx	 vctx;
	const char		*raw, *key;
	char			*msg;
	size_t			 i;
	int			 rc, bad = XJ_OK;

	for (i = 0; i < en->nvalues; i++) {
		key = en->values[i].key;
		msg = NULL;
		if (form_field(form, key) == NULL)
			xj_fail(&msg, XJ_EDATA, _("the form has no field "
			    "\"%s\""), key);
		else if (enrol_value(en, key) != en->values[i].value)
			xj_fail(&msg, XJ_EDATA, _("field \"%s\" is given "
			    "twice"), key);
		if (msg == NULL)
			continue;
		bad = XJ_EDATA;
		if ((rc = validate_problem(fn, arg, key, XJ_EDATA, msg,
		    cause)) != XJ_OK)
			return rc;
	}
	vctx.now = xj_now();
	vctx.age_min_years = (int)st->cfg->age_min_years;
	vctx.age_max_years = (int)st->cfg->age_max_years;
	for (i = 0; i < form->nfields; i++) {
		raw = enrol_value(en, form->fields[i].key);
		msg = NULL;
		/* The age range is the birth month's; other months are free. */
		rc = field_validate(&form->fields[i], raw != NULL ? raw : "",
		    strcmp(form->fields[i].key, "birth_month") == 0 ? &vctx :
		    NULL, &norm[i], &msg);
		if (rc == XJ_OK)
			continue;
		bad = rc;
		if ((rc = validate_problem(fn, arg, form->fields[i].key, rc,
		    msg, cause)) != XJ_OK)
			return rc;
	}
	msg = NULL;
	if (en->consent_method == NULL || *en->consent_method == '\0')
		xj_fail(&msg, XJ_EDATA, "%s", _("the guardian's consent must "
		    "be recorded (how it was given) before enrolment"));
	else if (!form_consent_valid(form, en->consent_method))
		xj_fail(&msg, XJ_EDATA, _("unknown consent method \"%s\""),
		    en->consent_method);
	if (msg != NULL) {
		bad = XJ_EDATA;
		if ((rc = validate_problem(fn, arg, NULL, XJ_EDATA, msg,
		    cause)) != XJ_OK)
			return rc;
	}
	return bad;
}

/* What insert_term needs to write one term of student id. */
struct term_ins {
	struct store	*st;
	sqlite3_stmt	*stmt;
	sqlite3_int64	 id;
	char		**cause;
};

/* A search_term_fn: write the term; XJ_OK or the error. */
static int
insert_term(const char *term, void *arg)
{
	struct term_ins	*ti = arg;

	sqlite3_bind_text(ti->stmt, 1, term, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ti->stmt, 2, ti->id);
	return step_done(ti->st, ti->stmt, _("cannot save the student"),
	    ti->cause);
}

int
store_field_write(struct store *st, sqlite3_int64 id, const char *key,
    const char *value, int64_t request, char **cause)
{
	static const char	 del_sql[] =
	    "DELETE FROM field WHERE student = ?1 AND key = ?2";
	static const char	 set_sql[] =
	    "INSERT OR REPLACE INTO field (student, key, value)"
	    " VALUES (?1, ?2, ?3)";
	static const char	 hist_sql[] =
	    "INSERT INTO field_history (student, key, value, at, request)"
	    " VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt		*stmt;
	int			 rc;

	if ((stmt = store_prepare(st, *value == '\0' ? del_sql :
	    set_sql)) == NULL)
		return db_error(st, _("cannot save the record"), cause);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	if (*value != '\0')
		sqlite3_bind_text(stmt, 3, value, -1, SQLITE_STATIC);
	rc = step_done(st, stmt, _("cannot save the record"), cause);
	store_release(stmt);
	if (rc != XJ_OK)
		return rc;

	if ((stmt = store_prepare(st, hist_sql)) == NULL)
		return db_error(st, _("cannot save the record"), cause);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)xj_now());
	if (request > 0)
		sqlite3_bind_int64(stmt, 5, request);
	rc = step_done(st, stmt, _("cannot save the record"), cause);
	store_release(stmt);
	return rc;
}

/* The duplicate check's keys (dup_key) for these values, if any. */
static int
insert_dup_terms(struct store *st, sqlite3_stmt *term, const char *name,
    const char *birth, const char *phone, sqlite3_int64 id, char **cause)
{
	const char	*other[2] = { birth, phone };
	const char	*kind[2] = { "b", "g" };
	char		*k;
	size_t		 i;
	int		 rc = XJ_OK;

	for (i = 0; rc == XJ_OK && i < nitems(other); i++) {
		if ((k = dup_key(kind[i], name, other[i])) == NULL)
			continue;
		sqlite3_bind_text(term, 1, k, -1, SQLITE_STATIC);
		sqlite3_bind_int64(term, 2, id);
		rc = step_done(st, term, _("cannot index the record"), cause);
		sqlite3_clear_bindings(term);
		xfree_wipe(k);
	}
	return rc;
}

/*
 * The terms a record is found by (search.h): its name, by prefix and
 * pinyin over every reading, so a polyphone never hides a child; its
 * phones, by tail and whole; its number's tails.  And the duplicate
 * check's keys.
 */
int
store_reindex(struct store *st, sqlite3_int64 id, char **cause)
{
	static const char	 del_sql[] = "DELETE FROM search WHERE student = ?";
	static const char	 vals_sql[] =
	    "SELECT key, value FROM field WHERE student = ?";
	static const char	 num_sql[] =
	    "SELECT number FROM student WHERE id = ?";
	static const char	 term_sql[] =
	    "INSERT OR IGNORE INTO search (term, student) VALUES (?, ?)";
	const struct field_spec	*f;
	sqlite3_stmt		*del = NULL, *vals = NULL, *term = NULL;
	sqlite3_stmt		*num = NULL;
	struct term_ins		 ti;
	const char		*key, *value;
	char			*name = NULL, *birth = NULL, *phone = NULL;
	int			 rc = XJ_OK, step = SQLITE_DONE;

	if ((del = store_prepare(st, del_sql)) == NULL ||
	    (vals = store_prepare(st, vals_sql)) == NULL ||
	    (num = store_prepare(st, num_sql)) == NULL ||
	    (term = store_prepare(st, term_sql)) == NULL) {
		rc = db_error(st, _("cannot index the record"), cause);
		goto out;
	}
	ti.st = st;
	ti.stmt = term;
	ti.id = id;
	ti.cause = cause;
	sqlite3_bind_int64(del, 1, id);
	if ((rc = step_done(st, del, _("cannot index the record"), cause)) != 0)
		goto out;
	sqlite3_bind_int64(num, 1, id);
	if ((step = sqlite3_step(num)) == SQLITE_ROW)
		rc = search_number_terms((const char *)sqlite3_column_text(num,
		    0), insert_term, &ti);
	else if (step != SQLITE_DONE)
		rc = db_error(st, _("cannot index the record"), cause);
	sqlite3_bind_int64(vals, 1, id);
	while (rc == XJ_OK && (step = sqlite3_step(vals)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(vals, 0);
		value = (const char *)sqlite3_column_text(vals, 1);
		f = form_field(st->form, key);
		if (strcmp(key, "name") == 0) {
			rc = search_name_terms(value, insert_term, &ti);
			name = xstrdup(value);
		} else if (f != NULL && f->type == FIELD_PHONE)
			rc = search_phone_terms(value, insert_term, &ti);
		if (strcmp(key, "birth_month") == 0)
			birth = xstrdup(value);
		else if (strcmp(key, "guardian_phone") == 0)
			phone = xstrdup(value);
	}
	/* Terms for only some of the values would hide the child. */
	if (rc == XJ_OK && step != SQLITE_DONE)
		rc = db_error(st, _("cannot index the record"), cause);
	if (rc == XJ_OK && name != NULL)
		rc = insert_dup_terms(st, term, name, birth, phone, id, cause);
out:
	store_release(del);
	store_release(vals);
	store_release(num);
	store_release(term);
	xfree_wipe(name);
	xfree_wipe(birth);
	xfree_wipe(phone);
	return rc;
}

int
store_insert_student(struct store *st, const char *number, const char *consent,
    char **norm, char **cause)
{
	static const char	 insert_sql[] =
	    "INSERT INTO student (number, enrolled_at, enrolled_by,"
	    " consent_method, consent_at, status_at, next_review)"
	    " VALUES (?1, ?2, ?3, ?4, ?2, ?2, ?5)";
	const struct form_spec	*form = st->form;
	sqlite3_stmt		*stmt = NULL;
	sqlite3_int64		 id;
	char			*keys = NULL, *k;
	size_t			 i;
	int			 rc;

	if ((stmt = store_prepare(st, insert_sql)) == NULL)
		return db_error(st, _("cannot save the student"), cause);
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)xj_now());
	sqlite3_bind_text(stmt, 3, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, consent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)xj_add_months(xj_now(),
	    st->cfg->review_months));
	rc = step_done(st, stmt, _("cannot save the student"), cause);
	store_release(stmt);
	if (rc != XJ_OK)
		return rc;
	id = sqlite3_last_insert_rowid(st->db);

	for (i = 0; i < form->nfields; i++) {
		if (norm[i][0] == '\0')
			continue;
		if ((rc = store_field_write(st, id, form->fields[i].key,
		    norm[i], 0, cause)) != XJ_OK)
			goto out;
		if (keys == NULL)
			keys = xstrdup(form->fields[i].key);
		else {
			xasprintf(&k, "%s,%s", keys, form->fields[i].key);
			free(keys);
			keys = k;
		}
	}
	if ((rc = store_reindex(st, id, cause)) != XJ_OK)
		goto out;
	xasprintf(&k, "consent=%s", consent);
	rc = log_entry(st, "student.enroll", number, keys, k, cause);
	free(k);
out:
	free(keys);
	return rc;
}

int
store_student_add(struct store *st, const struct enrolment *en,
    char **number, char **dup, char **cause)
{
	const struct form_spec	*form = st->form;
	struct tm		 tm;
	time_t			 now;
	char			**norm, *detail;
	size_t			 i;
	int			 rc, found;

	*number = NULL;
	*dup = NULL;
	if ((rc = store_require(st, PERM_STUDENT_ENROL, "student.enroll",
	    cause)) != XJ_OK)
		return rc;
	if (en->allow_duplicate && (rc = store_require(st,
	    PERM_STUDENT_DUPLICATE, "student.enroll --allow-duplicate",
	    cause)) != XJ_OK)
		return rc;
	norm = xcalloc(form->nfields, sizeof *norm);
	if ((rc = store_validate(st, en, norm, NULL, NULL, cause)) != XJ_OK)
		goto out;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		goto out;

	found = store_find_duplicate(st, store_norm_of(form, norm, "name"),
	    store_norm_of(form, norm, "birth_month"),
	    store_norm_of(form, norm, "guardian_phone"), dup);
	if (found < 0) {
		rc = db_error(st, _("cannot check for duplicates"), cause);
		goto fail;
	}
	if (found && !en->allow_duplicate) {
		rc = xj_fail(cause, XJ_EDATA, _("this looks like student %s "
		    "(same name and birth month or guardian phone); if it "
		    "really is a different child, enrol again allowing the "
		    "duplicate"), *dup);
		goto fail;
	}
	/* The enrolment year as the branch's clock on the wall says it. */
	now = xj_now();
	localtime_r(&now, &tm);
	if ((rc = store_next_number(st, tm.tm_year + 1900, number,
	    cause)) != XJ_OK)
		goto fail;
	if ((rc = store_insert_student(st, *number, en->consent_method, norm,
	    cause)) != XJ_OK)
		goto fail;
	if (found) {
		xasprintf(&detail, "duplicate-of=%s", *dup);
		rc = log_commit(st, "student.duplicate-allowed", *number, "",
		    detail, cause);
	} else
		rc = tx_commit(st, cause);
	if (rc == XJ_OK)
		goto out;
fail:
	tx_rollback(st);
	free(*number);
	*number = NULL;
out:
	for (i = 0; i < form->nfields; i++)
		xfree_wipe(norm[i]);
	free(norm);
	return rc;
}

