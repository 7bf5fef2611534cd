/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Destruction that leaves nothing behind.  Every table that can hold a
 * person's data is listed here, in one place, so that a table added later
 * without a line here is the bug it looks like.  secure_delete zeroes the
 * freed cells and pages in the database; after the commit the WAL is
 * checkpointed and truncated, so no old page image survives there either.
 * What remains is a tombstone (number and status) and a destruction
 * record naming no one.
 *
 * A reader elsewhere holding an older snapshot keeps the WAL, and the
 * child's old pages in it, alive.  The record is then certified only
 * as far as it is true: its erased_at stays NULL ("physical erasure
 * pending") until a later open or pause finds the WAL truncated.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

#define DESTROY_METHOD	"secure-delete+wal-truncate"
/* What a record shows as its method while the WAL still holds pages. */
#define DESTROY_PENDING	"secure-delete+erasure-pending"
/* How long a destruction waits for readers to let the WAL go. */
#define ERASE_WAIT_MS	10000
/* How often a pause looks for a pending erasure (seconds). */
#define ERASE_POLL	5.0

/* The reasons a destruction may have, and how the certificate words them. */
static const struct {
	const char	*code, *label;
} reasons[] = {
	{ "guardian-request", N_("at the guardian's request") },
	{ "retention-ended", N_("the retention period had ended") },
	{ "withdrawal", N_("the student had withdrawn") },
};

int
destroy_reason_valid(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(reasons); i++) {
		if (strcmp(s, reasons[i].code) == 0)
			return 1;
	}
	return 0;
}

const char *
destroy_reason_label(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < nitems(reasons); i++) {
		if (strcmp(code, reasons[i].code) == 0)
			return _(reasons[i].label);
	}
	return code != NULL ? code : "";
}

char *
destroy_method_text(const struct destruction *d)
{
	const char	*what;
	char		*s, when[32];

	if (d->method != NULL && strcmp(d->method, DESTROY_METHOD) == 0)
		what = _("deleted with SQLite secure_delete; write-ahead log "
		    "checkpointed and truncated");
	else if (d->method != NULL && strcmp(d->method, DESTROY_PENDING) == 0)
		what = _("deleted with SQLite secure_delete; physical erasure "
		    "pending: another session still read an older state, so "
		    "the write-ahead log could not be truncated yet");
	else
		what = d->method != NULL ? d->method : "";
	/* Finished by a later open or pause: say when. */
	if (d->erased_at <= d->executed_at + 60)
		return xstrdup(what);
	xj_timefmt(d->erased_at, when, sizeof when);
	xasprintf(&s, _("%s (the write-ahead log was erased on %s)"), what,
	    when);
	return s;
}

/*
 * Everything that names the student, by the student's row id (?1).  The
 * request rows themselves stay, emptied of free text, because the audit
 * log and the destruction record refer to them by id.
 */
static const char *const erase_sql[] = {
	"DELETE FROM field WHERE student = ?1",
	"DELETE FROM field_history WHERE student = ?1",
	"DELETE FROM search WHERE student = ?1",
	"DELETE FROM request_field WHERE request IN "
	    "(SELECT id FROM request WHERE student = ?1)",
	"UPDATE request SET reason = '', evidence = '', note = NULL "
	    "WHERE student = ?1",
	"UPDATE status_change SET reason = '' WHERE student = ?1",
	"UPDATE guardian_request SET summary = '', response = '' "
	    "WHERE student = ?1",
	"UPDATE student SET consent_method = NULL, consent_at = NULL, "
	    "enrolled_by = '', enrolled_at = 0, status_at = 0, "
	    "next_review = 0, status = 'destroyed' WHERE id = ?1",
};

int
store_destroy_request(struct store *st, const char *number,
    const char *reason_code, int64_t *idp, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 id;
	time_t		 until = 0;
	char		*detail;
	int		 status, rc;

	*idp = 0;
	if ((rc = store_require(st, PERM_DESTROY_REQUEST, "destroy.request",
	    cause)) != XJ_OK)
		return rc;
	if (!destroy_reason_valid(reason_code))
		return xj_fail(cause, XJ_EDATA, "%s", _("why destroy? "
		    "guardian-request, retention-ended or withdrawal"));
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_lifecycle_find(st, LC_DESTROY_FILE, number, &id,
	    &status, cause)) != XJ_OK)
		goto fail;
	if (strcmp(reason_code, "withdrawal") == 0 &&
	    status != STATUS_WITHDRAWN) {
		rc = xj_fail(cause, XJ_EDATA, _("%s has not withdrawn"), number);
		goto fail;
	}
	if (strcmp(reason_code, "retention-ended") == 0) {
		if (sqlite3_prepare_v2(st->db, "SELECT status_at FROM student "
		    "WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK) {
			rc = db_error(st, _("cannot file the request"), cause);
			goto fail;
		}
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			until = xj_add_months((time_t)
			    sqlite3_column_int64(stmt, 0), status ==
			    STATUS_COMPLETED ? st->cfg->keep_completed_months :
			    st->cfg->keep_withdrawn_months);
		sqlite3_finalize(stmt);
		if (status == STATUS_ACTIVE || until > xj_now()) {
			rc = xj_fail(cause, XJ_EDATA, _("%s is not past its "
			    "retention period"), number);
			goto fail;
		}
	}
	if (sqlite3_prepare_v2(st->db, "INSERT INTO request (kind, student, "
	    "reason, requested_by, requested_at, reason_code) VALUES "
	    "('destroy', ?, '', ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot file the request"), cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)xj_now());
	sqlite3_bind_text(stmt, 4, reason_code, -1, SQLITE_STATIC);
	rc = step_done(st, stmt, _("cannot file the request"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	*idp = sqlite3_last_insert_rowid(st->db);
	xasprintf(&detail, "request=%" PRId64 " reason=%s", *idp, reason_code);
	if ((rc = log_commit(st, "destroy.request", number, "", detail,
	    cause)) != XJ_OK)
		goto fail;
	return XJ_OK;
fail:
	tx_rollback(st);
	*idp = 0;
	return rc;
}

/* Run erase_sql over student id: nothing of the child is left. */
static int
erase(struct store *st, sqlite3_int64 id, char **cause)
{
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;

	for (i = 0; i < nitems(erase_sql); i++) {
		if (sqlite3_prepare_v2(st->db, erase_sql[i], -1, &stmt,
		    NULL) != SQLITE_OK)
			return db_error(st, _("cannot destroy the record"),
			    cause);
		sqlite3_bind_int64(stmt, 1, id);
		rc = step_done(st, stmt, _("cannot destroy the record"),
		    cause);
		sqlite3_finalize(stmt);
		if (rc != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

/* Insert d (its id aside) as a destruction record, its physical erasure
 * pending (store_destroy_finish); *rowid its new id. */
static int
record(struct store *st, const struct destruction *d, sqlite3_int64 *rowid,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO destruction (number, "
	    "reason, request, requested_by, requested_at, approved_by, "
	    "approved_at, executed_at, method, backup_expires) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot record the destruction"), cause);
	sqlite3_bind_text(stmt, 1, d->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, d->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, d->request);
	sqlite3_bind_text(stmt, 4, d->requested_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)d->requested_at);
	sqlite3_bind_text(stmt, 6, d->approved_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)d->approved_at);
	sqlite3_bind_int64(stmt, 8, (sqlite3_int64)d->executed_at);
	sqlite3_bind_text(stmt, 9, strcmp(d->method, DESTROY_PENDING) == 0 ?
	    DESTROY_METHOD : d->method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 10, (sqlite3_int64)d->backup_expires);
	rc = step_done(st, stmt, _("cannot record the destruction"), cause);
	sqlite3_finalize(stmt);
	*rowid = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_destroy_execute(struct store *st, sqlite3_int64 id,
    const struct request *r, char **cause)
{
	struct destruction	 d;
	sqlite3_int64		 rowid;
	time_t			 now = xj_now();
	char			*detail;
	int			 rc;

	/* Nothing about the record may stay on anyone's list. */
	if ((rc = store_lifecycle_close(st, r->number, r->id, cause)) !=
	    XJ_OK || (rc = erase(st, id, cause)) != XJ_OK)
		return rc;
	memset(&d, 0, sizeof d);
	d.number = r->number;
	d.reason = r->reason_code;
	d.request = r->id;
	d.requested_by = r->requested_by;
	d.requested_at = r->requested_at;
	d.approved_by = (char *)(uintptr_t)store_who(st);
	d.approved_at = d.executed_at = now;
	d.method = (char *)(uintptr_t)DESTROY_METHOD;
	d.backup_expires = now + st->cfg->backup_keep_days * DAY;
	if ((rc = record(st, &d, &rowid, cause)) != XJ_OK)
		return rc;
	xasprintf(&detail, "request=%" PRId64 " reason=%s destruction=%lld",
	    r->id, r->reason_code, (long long)rowid);
	rc = log_entry(st, "destroy.execute", r->number, "", detail, cause);
	free(detail);
	return rc;
}

void
store_on_wait(struct store *st, void (*fn)(int, void *), void *arg)
{
	st->on_wait = fn;
	st->on_wait_arg = arg;
}

/* Checkpoint and truncate the WAL, waiting up to ms for readers: 1 when
 * it is empty now, 0 when a reader still holds it. */
static int
wal_truncated(struct store *st, int ms)
{
	int	rc;

	sqlite3_busy_timeout(st->db, ms);
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	return rc == SQLITE_OK;
}

/* Log destroy.erased for each pending record (late: it was pending). */
static int
log_erased(struct store *st, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*detail;
	int		 rc = XJ_OK;

	if (sqlite3_prepare_v2(st->db, "SELECT id, number, executed_at FROM "
	    "destruction WHERE erased_at IS NULL ORDER BY id", -1, &stmt,
	    NULL) != SQLITE_OK)
		return db_error(st, _("cannot record the destruction"), cause);
	while (rc == XJ_OK && sqlite3_step(stmt) == SQLITE_ROW) {
		xasprintf(&detail, "destruction=%lld executed=%lld",
		    (long long)sqlite3_column_int64(stmt, 0),
		    (long long)sqlite3_column_int64(stmt, 2));
		rc = log_entry(st, "destroy.erased", (const char *)
		    sqlite3_column_text(stmt, 1), "", detail, cause);
		free(detail);
	}
	sqlite3_finalize(stmt);
	return rc;
}

void
store_destroy_finish(struct store *st, int wait, long *pending)
{
	static const char	 count_sql[] =
	    "SELECT count(*) FROM destruction WHERE erased_at IS NULL";
	sqlite3_stmt		*stmt;
	double			 now = xj_monotonic();
	long			 n = 0;
	int			 clean;

	if (pending != NULL)
		*pending = 0;
	if (st == NULL || st->db == NULL || st->in_tx)
		return;
	if (!wait && st->erase_polled >= 0 &&
	    now - st->erase_polled < ERASE_POLL)
		return;
	if (!wait)
		st->erase_polled = now;
	if ((stmt = store_prepare(st, count_sql)) == NULL)
		return;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	store_release(stmt);
	if (n == 0)
		return;
	/* At once when nobody reads; else, in a destruction, wait. */
	if (!(clean = wal_truncated(st, 0)) && wait) {
		if (st->on_wait != NULL)
			st->on_wait(ERASE_WAITING, st->on_wait_arg);
		clean = wal_truncated(st, ERASE_WAIT_MS);
	}
	if (clean && tx_begin(st, NULL) == XJ_OK) {
		if ((wait || log_erased(st, NULL) == XJ_OK) &&
		    (stmt = store_prepare(st, "UPDATE destruction SET "
		    "erased_at = ? WHERE erased_at IS NULL")) != NULL) {
			sqlite3_bind_int64(stmt, 1, (sqlite3_int64)xj_now());
			if (step_done(st, stmt, "", NULL) == XJ_OK &&
			    tx_commit(st, NULL) == XJ_OK)
				n = 0;
			store_release(stmt);
		}
		if (n != 0)
			tx_rollback(st);
	}
	if (pending != NULL)
		*pending = n;
	if (wait && st->on_wait != NULL)
		st->on_wait(n == 0 ? ERASE_DONE : ERASE_PENDING,
		    st->on_wait_arg);
}

void
destruction_free(struct destruction *d)
{
	if (d == NULL)
		return;
	free(d->number);
	free(d->reason);
	free(d->requested_by);
	free(d->approved_by);
	free(d->method);
	free(d->backup_file);
	free(d);
}

#define DESTRUCTION_COLUMNS "id, number, reason, request, requested_by, " \
	"requested_at, approved_by, approved_at, executed_at, method, " \
	"backup_expires, erased_at"

static struct destruction *
destruction_from_row(sqlite3_stmt *stmt)
{
	struct destruction	*d = xcalloc(1, sizeof *d);

	d->id = sqlite3_column_int64(stmt, 0);
	d->number = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	d->reason = xstrdup((const char *)sqlite3_column_text(stmt, 2));
	d->request = sqlite3_column_int64(stmt, 3);
	d->requested_by = xstrdup((const char *)sqlite3_column_text(stmt, 4));
	d->requested_at = (time_t)sqlite3_column_int64(stmt, 5);
	d->approved_by = xstrdup((const char *)sqlite3_column_text(stmt, 6));
	d->approved_at = (time_t)sqlite3_column_int64(stmt, 7);
	d->executed_at = (time_t)sqlite3_column_int64(stmt, 8);
	d->backup_expires = (time_t)sqlite3_column_int64(stmt, 10);
	d->erased_at = (time_t)sqlite3_column_int64(stmt, 11);
	/* Never claim the WAL truncated while it may hold the pages. */
	d->method = xstrdup(sqlite3_column_type(stmt, 11) == SQLITE_NULL ?
	    DESTROY_PENDING : (const char *)sqlite3_column_text(stmt, 9));
	return d;
}

static int
may_read_destructions(struct store *st, char **cause)
{
	return store_require_any(st, PERM_BIT(PERM_DESTROY_REQUEST) |
	    PERM_BIT(PERM_DESTROY_APPROVE), PERM_REPORT_VIEW, "destroy.show",
	    cause);
}

int
store_destruction_get(struct store *st, int64_t id, const char *number,
    struct destruction **out, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*out = NULL;
	if ((rc = may_read_destructions(st, cause)) != XJ_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, "SELECT " DESTRUCTION_COLUMNS " FROM "
	    "destruction WHERE id = ?1 OR number = ?2", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return db_error(st, _("cannot read the destruction record"),
		    cause);
	sqlite3_bind_int64(stmt, 1, id);
	if (number != NULL)
		sqlite3_bind_text(stmt, 2, number, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = destruction_from_row(stmt);
	sqlite3_finalize(stmt);
	if (*out == NULL)
		return xj_fail(cause, XJ_ENOINPUT, "%s", _("no such "
		    "destruction record"));
	store_backup_holding(st, *out);
	return XJ_OK;
}

int
store_destructions(struct store *st,
    int (*fn)(const struct destruction *, void *), void *arg, char **cause)
{
	struct destruction	*d;
	sqlite3_stmt		*stmt;
	int			 rc, stop = 0;

	if ((rc = may_read_destructions(st, cause)) != XJ_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, "SELECT " DESTRUCTION_COLUMNS " FROM "
	    "destruction ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot list destructions"), cause);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		d = destruction_from_row(stmt);
		stop = fn(d, arg);
		destruction_free(d);
	}
	rc = stop || rc == SQLITE_DONE ? XJ_OK :
	    db_error(st, _("cannot list destructions"), cause);
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Whether st already holds a destruction record for number: 1 yes, 0 no,
 * -1 on a database error.
 */
static int
recorded(struct store *st, const char *number)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM destruction WHERE "
	    "number = ?", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Destroy d->number again in st, which predates d (inside a transaction). */
static int
reapply(struct store *st, const struct destruction *d, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 sid, rowid;
	char		*detail;
	int		 status, rc;

	if ((sid = store_student_id(st, d->number, &status)) != 0)
		rc = erase(st, sid, cause);
	else {
		/* Enrolled after the backup: a tombstone keeps the number
		 * from being handed out again. */
		if (sqlite3_prepare_v2(st->db, "INSERT INTO student (number, "
		    "status, enrolled_at, enrolled_by) VALUES (?, 'destroyed', "
		    "0, '')", -1, &stmt, NULL) != SQLITE_OK)
			return db_error(st, _("cannot destroy the record"),
			    cause);
		sqlite3_bind_text(stmt, 1, d->number, -1, SQLITE_STATIC);
		rc = step_done(st, stmt, _("cannot destroy the record"),
		    cause);
		sqlite3_finalize(stmt);
	}
	if (rc != XJ_OK)
		return rc;
	/* The request it carried out, if the backup has it, is decided. */
	if (sqlite3_prepare_v2(st->db, "UPDATE request SET state = "
	    "'approved', decided_by = ?, decided_at = ? WHERE id = ? AND "
	    "kind = 'destroy' AND state = 'pending'", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return db_error(st, _("cannot destroy the record"), cause);
	sqlite3_bind_text(stmt, 1, d->approved_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)d->approved_at);
	sqlite3_bind_int64(stmt, 3, d->request);
	rc = step_done(st, stmt, _("cannot destroy the record"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK || (rc = record(st, d, &rowid, cause)) != XJ_OK)
		return rc;
	xasprintf(&detail, "request=%" PRId64 " reason=%s destruction=%lld "
	    "executed=%lld", d->request, d->reason, (long long)rowid,
	    (long long)d->executed_at);
	rc = log_entry(st, "destroy.reapply", d->number, "", detail, cause);
	free(detail);
	return rc;
}

int
store_destroy_reapply(struct store *st, struct store *live, int dry_run,
    long *n, char **cause)
{
	struct destruction	*d;
	sqlite3_stmt		*stmt;
	int			 rc = XJ_OK, step = SQLITE_DONE, have;

	*n = 0;
	if (sqlite3_prepare_v2(live->db, "SELECT " DESTRUCTION_COLUMNS " FROM "
	    "destruction ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(live, _("cannot list destructions"), cause);
	while (rc == XJ_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		d = destruction_from_row(stmt);
		if ((have = recorded(st, d->number)) < 0)
			rc = db_error(st, _("cannot list destructions"), cause);
		else if (!have) {
			(*n)++;
			if (!dry_run)
				rc = reapply(st, d, cause);
		}
		destruction_free(d);
	}
	if (rc == XJ_OK && step != SQLITE_DONE)
		rc = db_error(live, _("cannot list destructions"), cause);
	sqlite3_finalize(stmt);
	return rc;
}
