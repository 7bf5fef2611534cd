/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Students: enrolment, one record, search and listing.  Every function
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

#define FIND_LOG_NUMBERS	20	/* numbers named in one find entry */
#define FIND_COVER_SECONDS	60	/* how long such an entry covers */
/*
 * Each kind of match reads at most this many index entries per keystroke,
 * so "w" or 王 costs the same at a million students as at a thousand;
 * for a prefix that matches more, the list is a sample, and the next
 * letters narrow it to the exact matches.  A thousand keeps the widest
 * keystroke near 0.3 ms at a million students (2,000 took 1 ms: the
 * ranges are read and sorted by id, page by page), and no list the
 * receptionist reads is that long.
 */
#define FIND_SCAN		"1000"
/*
 * Numbers are handed out in order, so the newest students whose number
 * starts with the text are the last numbers of its range: the limit,
 * and a few more for those a pending destruction hides, are enough.
 */
#define FIND_NUMBER_SPARE	"50"

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

int
step_done(struct store *st, sqlite3_stmt *stmt, const char *doing,
    char **cause)
{
	int	rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, doing, cause);
	return XJ_OK;
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
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)store_add_months(xj_now(),
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
	if ((rc = store_require(st, PERM_STUDENT_ENROLL, "student.enroll",
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
		rc = log_entry(st, "student.duplicate-allowed", *number, "",
		    detail, cause);
		free(detail);
		if (rc != XJ_OK)
			goto fail;
	}
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

/*
 * Build a student from a row of (id, number, status, enrolled_at,
 * enrolled_by, consent_method, consent_at) and its values, in form order;
 * values the form no longer names come last, so nothing held is hidden
 * from someone allowed to see it.
 */
static struct student *
load_student(struct store *st, sqlite3_stmt *row, sqlite3_stmt *vals)
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

#define STUDENT_COLUMNS	"s.id, s.number, s.status, s.enrolled_at, " \
	"s.enrolled_by, s.consent_method, s.consent_at, " \
	"(SELECT count(*) FROM request r WHERE r.student = s.id " \
	"AND r.state = 'pending'), " \
	"EXISTS (SELECT 1 FROM request r WHERE r.student = s.id " \
	"AND r.state = 'pending' AND r.kind = 'destroy'), s.next_review"
/* Ordinary search and lists leave out frozen records. */
#define NOT_FROZEN	"NOT EXISTS (SELECT 1 FROM request fr WHERE " \
	"fr.student = s.id AND fr.state = 'pending' AND fr.kind = 'destroy')"

static const char values_sql[] =
    "SELECT key, value FROM field WHERE student = ? ORDER BY key";

static int
prepare_values(struct store *st, sqlite3_stmt **vals, char **cause)
{
	if (sqlite3_prepare_v2(st->db, values_sql, -1, vals, NULL) !=
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
	    (vals = store_prepare(st, values_sql)) == NULL) {
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
	if ((s = load_student(st, row, vals)) == NULL) {
		rc = db_error(st, _("cannot read the record"), cause);
		goto fail;
	}
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
	/* The read is logged in the same transaction it happens in. */
	if ((rc = log_entry(st, "student.view", s->number, fields, "",
	    cause)) != XJ_OK)
		goto fail;
	store_release(row);
	store_release(vals);
	row = vals = NULL;
	if ((rc = tx_commit(st, cause)) != XJ_OK)
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

/*
 * Whether the previous find entry already names every student in v.
 * The log is there to say which children an operator was shown.  A
 * keystroke that narrows a list, or one that shows nothing at all
 * (the first digits of a phone's tail), shows no child the entry before
 * it did not name: a second entry would say nothing new, and it would
 * cost the keystroke a commit.  So such a keystroke is not logged
 * again, for FIND_COVER_SECONDS after that entry, by the same operator
 * on the same connection; any child not named there makes a new entry,
 * as does a longer list than one entry names.
 */
static int
find_covered(const struct store *st, struct student **v, size_t count)
{
	time_t	now = xj_now();
	char	key[80];
	size_t	i;
	int	len;

	if (st->find.numbers == NULL || st->find.op != st->op ||
	    count > FIND_LOG_NUMBERS || now < st->find.at ||
	    now - st->find.at >= FIND_COVER_SECONDS)
		return 0;
	for (i = 0; i < count; i++) {
		len = snprintf(key, sizeof key, ",%s,", v[i]->number);
		if (len < 0 || (size_t)len >= sizeof key ||
		    strstr(st->find.numbers, key) == NULL)
			return 0;
	}
	return 1;
}

/*
 * End the search's transaction: its entry, naming the students shown,
 * unless the previous entry already names them all (find_covered).
 */
static int
find_log(struct store *st, struct student **v, size_t count, char **cause)
{
	char	*numbers, *detail, *t;
	size_t	 i;
	int	 rc;

	if (find_covered(st, v, count)) {
		tx_rollback(st);	/* wrote nothing */
		return XJ_OK;
	}
	numbers = xstrdup("");
	for (i = 0; i < count && i < FIND_LOG_NUMBERS; i++) {
		xasprintf(&t, "%s%s%s", numbers, i > 0 ? "," : "",
		    v[i]->number);
		free(numbers);
		numbers = t;
	}
	xasprintf(&detail, "results=%zu numbers=%s%s", count, numbers,
	    count > FIND_LOG_NUMBERS ? ",…" : "");
	rc = log_entry(st, "student.find", "", "", detail, cause);
	free(detail);
	if (rc == XJ_OK)
		rc = tx_commit(st, cause);
	if (rc == XJ_OK) {
		free(st->find.numbers);
		xasprintf(&st->find.numbers, ",%s,", numbers);
		st->find.op = st->op;
		st->find.at = xj_now();
	}
	free(numbers);
	return rc;
}

int
store_student_find(struct store *st, const char *text, size_t limit,
    struct student ***out, size_t *n, char **cause)
{
	static const char	 sql[] =
	    "SELECT " STUDENT_COLUMNS " FROM student s WHERE s.id IN ("
	    "  SELECT id FROM (SELECT id FROM student WHERE number >= ?1"
	    "    AND number < ?2 ORDER BY number DESC LIMIT ?5 + "
	    FIND_NUMBER_SPARE ")"
	    "  UNION ALL SELECT student FROM (SELECT student FROM search"
	    "    WHERE term >= ?3 AND term < ?4 LIMIT " FIND_SCAN ")"
	    "  UNION ALL SELECT student FROM (SELECT student FROM search"
	    "    WHERE term >= ?6 AND term < ?7 LIMIT " FIND_SCAN ")"
	    "  UNION ALL SELECT student FROM (SELECT student FROM search"
	    "    WHERE term >= ?8 AND term < ?9 LIMIT " FIND_SCAN ")"
	    ") AND s.status != 'destroyed' AND " NOT_FROZEN
	    " ORDER BY s.id DESC LIMIT ?5";
	struct student		**v = NULL;
	sqlite3_stmt		*row = NULL, *vals = NULL;
	struct search_query	 q;
	size_t			 count = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require(st, PERM_STUDENT_SEARCH, "student.search",
	    cause)) != XJ_OK)
		return rc;
	/* What the text means: a number, a phone, a name, pinyin. */
	if (text[0] == '\0' || search_query_make(text, st->cfg->branch_code,
	    &q) != 0)
		return xj_fail(cause, XJ_EUSAGE, "%s", _("search for a student "
		    "number, a name or the last four digits of a phone"));

	/* A read: its entry need not wait for the disk (store.c). */
	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		goto out;
	if ((row = store_prepare(st, sql)) == NULL ||
	    (vals = store_prepare(st, values_sql)) == NULL) {
		rc = db_error(st, _("cannot search"), cause);
		goto fail;
	}
	sqlite3_bind_text(row, 1, q.number.lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 2, q.number.hi, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 3, q.term[0].lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 4, q.term[0].hi, -1, SQLITE_STATIC);
	sqlite3_bind_int64(row, 5, (sqlite3_int64)limit);
	sqlite3_bind_text(row, 6, q.term[1].lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 7, q.term[1].hi, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 8, q.term[2].lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 9, q.term[2].hi, -1, SQLITE_STATIC);
	/* A damaged page ends the search with its error, not a short list. */
	while ((rc = sqlite3_step(row)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof *v);
		if ((v[count] = load_student(st, row, vals)) == NULL)
			break;
		count++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(st, _("cannot search"), cause);
		goto fail;
	}

	store_release(row);
	store_release(vals);
	row = vals = NULL;
	if ((rc = find_log(st, v, count, cause)) != XJ_OK)
		goto fail;
	*out = v;
	*n = count;
	v = NULL;
	goto out;
fail:
	store_release(row);
	store_release(vals);
	tx_rollback(st);
	students_free(v, count);
out:
	search_query_free(&q);
	return rc;
}

int
store_student_each(struct store *st, int status,
    int (*fn)(const struct student *, void *), void *arg, char **cause)
{
	static const char	 count_sql[] =
	    "SELECT count(*) FROM student s"
	    " WHERE ((?1 IS NULL AND s.status != 'destroyed') OR"
	    " s.status = ?1) AND " NOT_FROZEN;
	static const char	 sql[] =
	    "SELECT " STUDENT_COLUMNS " FROM student s"
	    " WHERE ((?1 IS NULL AND s.status != 'destroyed') OR"
	    " s.status = ?1) AND " NOT_FROZEN
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
	rc = store_log(st, "student.list", "", detail, cause);
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
		if ((s = load_student(st, row, vals)) == NULL)
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
	if ((rc = log_entry(st, "student.reveal", number, key, "", cause)) != 0) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
}
