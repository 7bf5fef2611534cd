/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The import's second step (import.h): every row validated and checked
 * for duplicates exactly as an enrolment is, with enrolment's own code
 * (student.c), then all rows enrolled in one transaction or none.
 *
 * The checks run inside the transaction that would write, so no other
 * terminal can enrol a duplicate between the check and the insert.
 *
 * A value our export wrote with an apostrophe in front, because it began
 * like a formula ("'=…", csv_write_field), is read without it: an export
 * imports as it was.  Nothing else about the text changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/csv.h"
#include "xueji/import.h"
#include "store-int.h"

struct row_ctx {
	struct import_report	*report;
	const struct import_row	*row;
};

/* The header name of the column that held key in row, or "-". */
static const char *
column_of(const struct import_row *row, const char *key)
{
	size_t	i;

	for (i = 0; key != NULL && i < row->nvalues; i++) {
		if (strcmp(row->values[i].key, key) == 0)
			return row->columns[i];
	}
	return "-";
}

static void
row_problem(const char *key, char *msg, void *arg)
{
	struct row_ctx	*x = arg;

	import_report_add(x->report, x->row->row, column_of(x->row, key),
	    msg);
	free(msg);
}

static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && *a != '\0' && strcmp(a, b) == 0;
}

/*
 * Duplicates of row i: an earlier row of the file, or a live student,
 * with the same name and the same birth month or guardian phone (the
 * rule of store_find_duplicate), by the values that validated: a row
 * with a bad phone can still be a duplicate by its birth month.
 * Problems go to r.
 */
static int
check_duplicates(struct store *st, const struct import_rows *rows,
    char ***norm, size_t i, struct import_report *r, char **cause)
{
	const struct form_spec	*form = st->form;
	const struct import_row	*row = &rows->rows[i];
	const char		*name, *birth, *phone;
	char			*dup = NULL, *msg;
	size_t			 j;
	int			 found;

	name = store_norm_of(form, norm[i], "name");
	birth = store_norm_of(form, norm[i], "birth_month");
	phone = store_norm_of(form, norm[i], "guardian_phone");
	if (name == NULL || *name == '\0' ||
	    ((birth == NULL || *birth == '\0') &&
	    (phone == NULL || *phone == '\0')))
		return XJ_OK;
	for (j = 0; j < i; j++) {
		if (!same(name, store_norm_of(form, norm[j], "name")) ||
		    (!same(birth, store_norm_of(form, norm[j],
		    "birth_month")) && !same(phone, store_norm_of(form,
		    norm[j], "guardian_phone"))))
			continue;
		xasprintf(&msg, _("the same child as row %zu (same name and "
		    "birth month or guardian phone)"), rows->rows[j].row);
		import_report_add(r, row->row, column_of(row, "name"), msg);
		free(msg);
		break;
	}
	found = store_find_duplicate(st, name, birth, phone, &dup);
	if (found < 0)
		return db_error(st, _("cannot check for duplicates"), cause);
	if (found) {
		xasprintf(&msg, _("this looks like student %s (same name and "
		    "birth month or guardian phone); if it really is a "
		    "different child, leave the row out and enrol the child "
		    "alone, allowing the duplicate"), dup);
		import_report_add(r, row->row, column_of(row, "name"), msg);
		free(msg);
		free(dup);
	}
	return XJ_OK;
}

/* Validate every row into norm[][], problems into r. */
static int
check_rows(struct store *st, const struct import_rows *rows,
    const char *consent, char ***norm, struct import_report *r,
    char **cause)
{
	const struct import_row	*row;
	struct field_input	*values;
	struct enrolment	 en;
	struct row_ctx		 x;
	char			 num[32];
	size_t			 i, j, before;
	int			 rc = XJ_OK;

	for (i = 0; rc == XJ_OK && i < rows->nrows; i++) {
		row = &rows->rows[i];
		before = r->nproblems;
		/* The values stay the file's: only the pointers move. */
		values = xcalloc(row->nvalues + 1, sizeof *values);
		for (j = 0; j < row->nvalues; j++) {
			values[j].key = row->values[j].key;
			values[j].value = csv_unguard(row->values[j].value);
		}
		norm[i] = xcalloc(st->form->nfields + 1, sizeof **norm);
		if (row->stray != 0) {
			snprintf(num, sizeof num, "#%zu", row->stray);
			import_report_add(r, row->row, num, _("a value in a "
			    "column the header does not name"));
		}
		en.values = values;
		en.nvalues = row->nvalues;
		en.consent_method = consent;
		en.allow_duplicate = 0;
		x.report = r;
		x.row = row;
		(void)store_validate(st, &en, norm[i], row_problem, &x, NULL);
		free(values);
		rc = check_duplicates(st, rows, norm, i, r, cause);
		if (r->nproblems == before)
			r->valid++;
	}
	return rc;
}

/* Enrol every row (inside the transaction); numbers into r->done. */
static int
enrol_rows(struct store *st, const struct import_rows *rows,
    const char *consent, char ***norm, struct import_report *r,
    char **cause)
{
	struct import_done	*d;
	struct tm		 tm;
	time_t			 now;
	char			*number, *detail;
	size_t			 i;
	int			 rc;

	/* The enrolment year as the branch's clock on the wall says it. */
	now = xj_now();
	localtime_r(&now, &tm);
	r->done = xcalloc(rows->nrows + 1, sizeof *r->done);
	for (i = 0; i < rows->nrows; i++) {
		if ((rc = store_next_number(st, tm.tm_year + 1900, &number,
		    cause)) != XJ_OK)
			return rc;
		d = &r->done[r->ndone++];
		d->row = rows->rows[i].row;
		d->number = number;
		if ((rc = store_insert_student(st, number, consent, norm[i],
		    cause)) != XJ_OK)
			return rc;
	}
	xasprintf(&detail, "rows=%zu consent=%s file=%s", rows->nrows, consent,
	    rows->file_id);
	rc = log_entry(st, "import.run", "", NULL, detail, cause);
	free(detail);
	return rc;
}

int
store_import(struct store *st, const struct import_rows *rows,
    const char *consent, int dry_run, struct import_report *r, char **cause)
{
	char	***norm, *detail;
	size_t	  i, j;
	int	  rc;

	if ((rc = store_require(st, PERM_IMPORT_RUN, "import", cause)) != 0)
		return rc;
	if (consent == NULL || *consent == '\0')
		return xj_fail(cause, XJ_EUSAGE, "%s", _("say how the guardians "
		    "consented to the collection of these records "
		    "(--consent)"));
	if (!form_consent_valid(st->form, consent))
		return xj_fail(cause, XJ_EUSAGE, _("unknown consent method "
		    "\"%s\""), consent);
	if (rows->nrows == 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("the file has no rows "
		    "below its header"));
	r->rows = rows->nrows;
	r->valid = 0;

	/* A dry run writes nothing but its log line: a read is enough. */
	if ((rc = dry_run ? tx_read(st, cause) : tx_begin(st, cause)) != 0)
		return rc;
	norm = xcalloc(rows->nrows + 1, sizeof *norm);
	if ((rc = check_rows(st, rows, consent, norm, r, cause)) != XJ_OK) {
		tx_rollback(st);
		goto out;
	}
	if (dry_run || r->nproblems > 0) {
		tx_rollback(st);
		xasprintf(&detail, "rows=%zu valid=%zu problems=%zu file=%s",
		    r->rows, r->valid, r->nproblems, rows->file_id);
		rc = store_log(st, dry_run ? "import.dry-run" :
		    "import.rejected", "", detail, cause);
		free(detail);
		if (rc == XJ_OK && r->nproblems > 0)
			rc = xj_fail(cause, XJ_EDATA, _("%zu problems in the "
			    "file; nothing was imported"), r->nproblems);
		goto out;
	}
	if ((rc = enrol_rows(st, rows, consent, norm, r, cause)) != XJ_OK) {
		tx_rollback(st);
		goto undone;
	}
	if ((rc = tx_commit(st, cause)) != XJ_OK)
		goto undone;
	goto out;
undone:
	for (i = 0; i < r->ndone; i++)
		free(r->done[i].number);
	free(r->done);
	r->done = NULL;
	r->ndone = 0;
out:
	for (i = 0; i < rows->nrows; i++) {
		for (j = 0; norm[i] != NULL && j < st->form->nfields; j++)
			xfree_wipe(norm[i][j]);
		free(norm[i]);
	}
	free(norm);
	return rc;
}

int
store_import_refused(struct store *st, int dry_run, const char *stage,
    size_t problems, const void *buf, size_t len, char **cause)
{
	unsigned char	 digest[32];
	char		 id[17] = "-", *detail;
	int		 rc;

	/* As csv_parse digests the file, so the id is import.run's. */
	if (buf != NULL) {
		crypto_generichash(digest, sizeof digest, buf, len, NULL, 0);
		xj_hex(digest, 8, id);
	}
	xasprintf(&detail, "rows=0 valid=0 problems=%zu stage=%s file=%s",
	    problems, stage, id);
	rc = store_log(st, dry_run ? "import.dry-run" : "import.rejected", "",
	    detail, cause);
	free(detail);
	return rc;
}

void
import_file_free(struct import_file *f)
{
	if (f == NULL)
		return;
	import_rows_free(f->rows);
	csv_free(f->csv);
	if (f->buf != NULL) {
		sodium_memzero(f->buf, f->len);
		free(f->buf);
	}
	free(f);
}

/* Log the refusal at stage; a failure to log becomes the cause. */
static int
load_refused(struct store *st, int dry_run, const char *stage,
    size_t problems, const struct import_file *f, int rc, char **cause)
{
	char	*why = NULL;

	if (store_import_refused(st, dry_run, stage, problems, f->buf,
	    f->buf != NULL ? f->len : 0, &why) != XJ_OK) {
		free(*cause);
		*cause = why;
	}
	return rc;
}

int
store_import_load(struct store *st, const char *path, int encoding,
    const struct import_map *map, size_t nmap, int dry_run,
    struct import_file **out, struct import_report *r,
    struct csv_where *where, char **cause)
{
	struct import_file	*f = xcalloc(1, sizeof *f);
	int			 rc;

	*out = NULL;
	memset(where, 0, sizeof *where);
	if ((rc = xj_read_user_file(path, csv_default_limits.max_bytes,
	    &f->buf, &f->len, cause)) != XJ_OK) {
		f->buf = NULL;
		rc = load_refused(st, dry_run, "read", 1, f, rc, cause);
		goto fail;
	}
	if ((rc = csv_parse(f->buf, f->len, (enum csv_encoding)encoding,
	    NULL, &f->csv, where, cause)) != XJ_OK) {
		rc = load_refused(st, dry_run, "csv", 1, f, rc, cause);
		goto fail;
	}
	if ((rc = import_prepare(st->form, f->csv, map, nmap, &f->rows, r,
	    cause)) != XJ_OK) {
		rc = load_refused(st, dry_run, "header", r->nproblems > 0 ?
		    r->nproblems : 1, f, rc, cause);
		goto fail;
	}
	*out = f;
	return XJ_OK;
fail:
	import_file_free(f);
	return rc;
}
