/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The answer to a guardian's access request: everything the branch holds
 * about one child, as text the guardian can read.  Values are written
 * unmasked, sensitive ones included: the guardian is entitled to their
 * own child's data.  So the operator who writes the file must be one who
 * may see all of it on a screen (student.phone and student.sensitive),
 * and only to answer an open access request registered for that child,
 * which the log entry names.  Every query below is by the student's row
 * id or number, so the file can hold nothing about another child.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/guardian.h"
#include "store-int.h"

/* Which audit entries count as someone looking at the record. */
#define VIEW_ACTIONS "'student.view', 'student.history', 'student.reveal', " \
	"'request.view', 'guardian.access-file'"

struct access {
	struct store	*st;
	FILE		*f;
	sqlite3_int64	 sid;
	const char	*number;
	char		*keys;		/* field keys written, for the log */
	long		 nfields, nhistory, nviews;
};

/* What writing the file needs, besides an open access request. */
static const enum perm access_perms[] = {
	PERM_REQUEST_MANAGE,
	PERM_STUDENT_VIEW,
	PERM_STUDENT_PHONE,
	PERM_STUDENT_SENSITIVE,
};

static void
put_time(FILE *f, time_t t)
{
	char	when[32];

	if (t == 0) {
		fputs("-", f);
		return;
	}
	xj_timefmt(t, when, sizeof when);
	fputs(when, f);
}

static void
heading(FILE *f, const char *title)
{
	fprintf(f, "\n== %s ==\n", title);
}

/* A column as text, "" for NULL. */
static const char *
col(sqlite3_stmt *stmt, int i)
{
	const unsigned char	*v = sqlite3_column_text(stmt, i);

	return v != NULL ? (const char *)v : "";
}

static const char *
field_label(const struct store *st, const char *key)
{
	const struct field_spec	*f = form_field(st->form, key);

	return f != NULL ? form_text(&f->label) : key;
}

static int
prepare(struct access *a, const char *sql, sqlite3_stmt **stmt, char **cause)
{
	if (sqlite3_prepare_v2(a->st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return db_error(a->st, _("cannot read the record"), cause);
	sqlite3_bind_int64(*stmt, 1, a->sid);
	return XJ_OK;
}

static int
finish(struct access *a, sqlite3_stmt *stmt, int rc, char **cause)
{
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(a->st, _("cannot read the record"), cause);
	return XJ_OK;
}

/* The record itself: status, consent, then the fields in form order. */
static int
write_record(struct access *a, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*key;
	char		*k;
	size_t		 i;
	int		 rc, pass;

	if ((rc = prepare(a, "SELECT status, enrolled_at, status_at, "
	    "next_review, consent_method, consent_at FROM student WHERE id = "
	    "?1", &stmt, cause)) != XJ_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		heading(a->f, _("Status"));
		fprintf(a->f, "%s\t%s\n", _("status"),
		    status_label(status_parse(col(stmt, 0))));
		fprintf(a->f, "%s\t", _("enrolled"));
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 1));
		fprintf(a->f, "\n%s\t", _("status since"));
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 2));
		fprintf(a->f, "\n%s\t", _("next review"));
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 3));
		fputc('\n', a->f);
		heading(a->f, _("Consent"));
		fprintf(a->f, "%s\t", _("given by"));
		utf8_put_text(a->f, sqlite3_column_type(stmt, 4) ==
		    SQLITE_NULL ? _("(none recorded)") : col(stmt, 4));
		fprintf(a->f, "\n%s\t", _("given at"));
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 5));
		fputc('\n', a->f);
		rc = sqlite3_step(stmt);
	}
	if ((rc = finish(a, stmt, rc, cause)) != XJ_OK)
		return rc;

	heading(a->f, _("Data held"));
	if ((rc = prepare(a, "SELECT key, value FROM field WHERE student = ?1 "
	    "ORDER BY key", &stmt, cause)) != XJ_OK)
		return rc;
	/* Form order first, then any key the form no longer names. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < (pass == 0 ? a->st->form->nfields : 1); i++) {
			while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
				key = col(stmt, 0);
				if (pass == 0 ? strcmp(key,
				    a->st->form->fields[i].key) != 0 :
				    form_field(a->st->form, key) != NULL)
					continue;
				fprintf(a->f, "%s (%s)\t", field_label(a->st,
				    key), key);
				utf8_put_text(a->f, col(stmt, 1));
				fputc('\n', a->f);
				a->nfields++;
				if (a->keys == NULL)
					a->keys = xstrdup(key);
				else {
					xasprintf(&k, "%s,%s", a->keys, key);
					free(a->keys);
					a->keys = k;
				}
			}
			if (rc != SQLITE_DONE)
				return finish(a, stmt, rc, cause);
			sqlite3_reset(stmt);
		}
	}
	return finish(a, stmt, SQLITE_DONE, cause);
}

static int
write_history(struct access *a, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	heading(a->f, _("Status history"));
	if ((rc = prepare(a, "SELECT at, old, new, by, reason FROM "
	    "status_change WHERE student = ?1 ORDER BY id", &stmt,
	    cause)) != XJ_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 0));
		fprintf(a->f, "\t%s -> %s\t%s\t",
		    status_label(status_parse(col(stmt, 1))),
		    status_label(status_parse(col(stmt, 2))), col(stmt, 3));
		utf8_put_text(a->f, col(stmt, 4));
		fputc('\n', a->f);
	}
	if ((rc = finish(a, stmt, rc, cause)) != XJ_OK)
		return rc;

	heading(a->f, _("History of the data (when, field, value, why, "
	    "requested by, approved by)"));
	if ((rc = prepare(a, "SELECT h.at, h.key, h.value, h.request, "
	    "r.reason, r.requested_by, r.decided_by FROM field_history h "
	    "LEFT JOIN request r ON r.id = h.request WHERE h.student = ?1 "
	    "ORDER BY h.id", &stmt, cause)) != XJ_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 0));
		fprintf(a->f, "\t%s\t", field_label(a->st, col(stmt, 1)));
		utf8_put_text(a->f, col(stmt, 2));
		fputc('\t', a->f);
		if (sqlite3_column_int64(stmt, 3) == 0)
			fputs(_("given at enrolment"), a->f);
		else
			utf8_put_text(a->f, col(stmt, 4));
		fprintf(a->f, "\t%s\t%s\n", col(stmt, 5), col(stmt, 6));
		a->nhistory++;
	}
	return finish(a, stmt, rc, cause);
}

static int
write_requests(struct access *a, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	heading(a->f, _("Requests about the record (id, kind, state, filed, "
	    "decided, reason)"));
	if ((rc = prepare(a, "SELECT id, kind, state, requested_at, "
	    "decided_at, reason FROM request WHERE student = ?1 ORDER BY id",
	    &stmt, cause)) != XJ_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		fprintf(a->f, "%lld\t%s\t%s\t",
		    (long long)sqlite3_column_int64(stmt, 0), col(stmt, 1),
		    col(stmt, 2));
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 3));
		fputc('\t', a->f);
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 4));
		fputc('\t', a->f);
		utf8_put_text(a->f, col(stmt, 5));
		fputc('\n', a->f);
	}
	if ((rc = finish(a, stmt, rc, cause)) != XJ_OK)
		return rc;

	heading(a->f, _("Guardians' requests (id, kind, received, due, "
	    "state, what was asked, response)"));
	if ((rc = prepare(a, "SELECT id, kind, received_at, due_at, state, "
	    "summary, response FROM guardian_request WHERE student = ?1 "
	    "ORDER BY id", &stmt, cause)) != XJ_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		fprintf(a->f, "%lld\t%s\t",
		    (long long)sqlite3_column_int64(stmt, 0), col(stmt, 1));
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 2));
		fputc('\t', a->f);
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 3));
		fprintf(a->f, "\t%s\t", col(stmt, 4));
		utf8_put_text(a->f, col(stmt, 5));
		fputc('\t', a->f);
		utf8_put_text(a->f, col(stmt, 6));
		fputc('\n', a->f);
	}
	return finish(a, stmt, rc, cause);
}

/* Who opened the record, from the audit log: by target number. */
static int
write_views(struct access *a, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	heading(a->f, _("Who looked at the record (when, operator, what)"));
	if (sqlite3_prepare_v2(a->st->db, "SELECT at, operator, action FROM "
	    "audit WHERE target = ?1 AND target != '' AND action IN ("
	    VIEW_ACTIONS ") ORDER BY seq", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(a->st, _("cannot read the log"), cause);
	sqlite3_bind_text(stmt, 1, a->number, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		put_time(a->f, (time_t)sqlite3_column_int64(stmt, 0));
		fprintf(a->f, "\t%s\t%s\n", col(stmt, 1), col(stmt, 2));
		a->nviews++;
	}
	return finish(a, stmt, rc, cause);
}

/* The oldest open access request registered for student sid, or 0. */
static int
open_access_request(struct store *st, sqlite3_int64 sid, sqlite3_int64 *gid,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*gid = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id FROM guardian_request "
	    "WHERE student = ?1 AND kind = 'access' AND state = 'open' "
	    "ORDER BY id LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot read the guardian's request"),
		    cause);
	sqlite3_bind_int64(stmt, 1, sid);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		*gid = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, _("cannot read the guardian's request"),
		    cause);
	return XJ_OK;
}

int
store_guardian_access_file(struct store *st, const char *number, FILE *f,
    char **cause)
{
	struct access	 a;
	sqlite3_int64	 gid;
	char		*detail;
	size_t		 i;
	int		 rc, status = 0;

	memset(&a, 0, sizeof a);
	a.st = st;
	a.f = f;
	a.number = number;
	for (i = 0; i < nitems(access_perms); i++) {
		if ((rc = store_require(st, access_perms[i],
		    "guardian.access-file", cause)) != XJ_OK)
			return rc;
	}
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_lifecycle_find(st, LC_GUARDIAN_ACCESS, number,
	    &a.sid, &status, cause)) != XJ_OK)
		goto fail;
	if ((rc = open_access_request(st, a.sid, &gid, cause)) != XJ_OK)
		goto fail;
	if (gid == 0) {
		tx_rollback(st);
		/* The refusal stands even if it cannot be logged. */
		store_log(st, "access.denied", number,
		    "rule=open-access-request what=guardian.access-file", NULL);
		return xj_fail(cause, XJ_EPERM, _("no open access request for "
		    "%s: register the guardian's request first (request add "
		    "--kind access)"), number);
	}
	fprintf(f, "%s\n", _("Personal data held about a student"));
	fprintf(f, "%s\t%s (%s)\n", _("branch"), st->cfg->branch_name,
	    st->cfg->branch_code);
	fprintf(f, "%s\t%s\n", _("student number"), number);
	fprintf(f, "%s\t", _("written"));
	put_time(f, xj_now());
	fprintf(f, " (%s)\n", store_who(st));
	if ((rc = write_record(&a, cause)) != XJ_OK ||
	    (rc = write_history(&a, cause)) != XJ_OK ||
	    (rc = write_requests(&a, cause)) != XJ_OK ||
	    (rc = write_views(&a, cause)) != XJ_OK)
		goto fail;
	if (fflush(f) != 0 || ferror(f)) {
		rc = xj_fail(cause, XJ_EIO, "%s", _("cannot write the access "
		    "file"));
		goto fail;
	}
	xasprintf(&detail, "guardian=%lld fields=%ld history=%ld views=%ld",
	    (long long)gid, a.nfields, a.nhistory, a.nviews);
	if ((rc = log_commit(st, "guardian.access-file",
	    number, a.keys != NULL ? a.keys : "", detail, cause)) != XJ_OK)
		goto fail;
	free(a.keys);
	return XJ_OK;
fail:
	tx_rollback(st);
	free(a.keys);
	return rc;
}
