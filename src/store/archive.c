/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The archive: status (active, completed, withdrawn), the quarterly
 * review, and the lists of what is due for review or past retention.
 * The source procedure classifies records by status, reviews them every
 * quarter and keeps them no longer than needed; this file is that.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

int
store_frozen_by(struct store *st, sqlite3_int64 id, int64_t *by,
    char **cause)
{
	static const char	 sql[] = "SELECT id FROM request WHERE "
	    "student = ? AND kind = 'destroy' AND state = 'pending'";
	sqlite3_stmt		*stmt;
	int			 rc;

	*by = 0;
	if ((stmt = store_prepare(st, sql)) == NULL)
		return db_error(st, _("cannot read the record"), cause);
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		*by = sqlite3_column_int64(stmt, 0);
	store_release(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, _("cannot read the record"), cause);
	return XJ_OK;
}

/* Change student id's status, with the reason and who, in the open tx. */
static int
apply_status(struct store *st, sqlite3_int64 id, const char *number,
    int from, int to, const char *reason, const char *by, int64_t request,
    char **cause)
{
	sqlite3_stmt	*stmt;
	char		*detail;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE student SET status = ?, "
	    "status_at = ? WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot change the status"), cause);
	sqlite3_bind_text(stmt, 1, status_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)xj_now());
	sqlite3_bind_int64(stmt, 3, id);
	rc = step_done(st, stmt, _("cannot change the status"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO status_change (student, "
	    "old, new, at, by, reason, request) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot change the status"), cause);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, status_name(from), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, status_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)xj_now());
	sqlite3_bind_text(stmt, 5, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, reason, -1, SQLITE_STATIC);
	if (request > 0)
		sqlite3_bind_int64(stmt, 7, request);
	rc = step_done(st, stmt, _("cannot change the status"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		return rc;
	if (request > 0)
		xasprintf(&detail, "from=%s to=%s request=%" PRId64,
		    status_name(from), status_name(to), request);
	else
		xasprintf(&detail, "from=%s to=%s", status_name(from),
		    status_name(to));
	rc = log_entry(st, request > 0 ? "status.approve" : "status.set",
	    number, "", detail, cause);
	free(detail);
	return rc;
}

/* The checks a status change shares: a live, unfrozen, different one. */
static int
status_target(struct store *st, enum lifecycle_action a, const char *number,
    enum student_status to, const char *reason, sqlite3_int64 *id, int *from,
    char **cause)
{
	int	rc;

	if (to == STATUS_DESTROYED || (int)to < 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("a status is active, "
		    "completed or withdrawn; destruction has its own request"));
	if (reason == NULL || *reason == '\0' || !utf8_valid(reason,
	    strlen(reason)))
		return xj_fail(cause, XJ_EDATA, "%s", _("a change of status "
		    "needs a reason"));
	if ((rc = store_lifecycle_find(st, a, number, id, from, cause)) !=
	    XJ_OK)
		return rc;
	if (*from == (int)to)
		return xj_fail(cause, XJ_EDATA, _("%s is %s already"), number,
		    status_label(to));
	return XJ_OK;
}

int
store_status_set(struct store *st, const char *number,
    enum student_status to, const char *reason, char **cause)
{
	sqlite3_int64	id;
	int		from, rc;

	if ((rc = store_require(st, PERM_STATUS_SET, "status.set", cause)) != 0)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = status_target(st, LC_STATUS_SET, number, to, reason, &id,
	    &from, cause)) != XJ_OK ||
	    (rc = apply_status(st, id, number, from, to, reason,
	    store_who(st), 0, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
}

int
store_status_request(struct store *st, const char *number,
    enum student_status to, const char *reason, int64_t *idp, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 id;
	char		*detail;
	int		 from, rc;

	*idp = 0;
	if ((rc = store_require(st, PERM_STATUS_REQUEST, "status.request",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = status_target(st, LC_STATUS_FILE, number, to, reason, &id,
	    &from, cause)) != XJ_OK)
		goto fail;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO request (kind, student, "
	    "reason, requested_by, requested_at, new_status, old_status) "
	    "VALUES ('status', ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		rc = db_error(st, _("cannot file the request"), cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)xj_now());
	sqlite3_bind_text(stmt, 5, status_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, status_name(from), -1, SQLITE_STATIC);
	rc = step_done(st, stmt, _("cannot file the request"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	*idp = sqlite3_last_insert_rowid(st->db);
	xasprintf(&detail, "request=%" PRId64 " to=%s", *idp,
	    status_name(to));
	if ((rc = log_commit(st, "status.request", number, "", detail,
	    cause)) != XJ_OK)
		goto fail;
	return XJ_OK;
fail:
	tx_rollback(st);
	*idp = 0;
	return rc;
}

int
store_status_stale(struct store *st, sqlite3_int64 id,
    const struct request *r, int *from, char **cause)
{
	if (store_student_id(st, r->number, from) != id ||
	    *from == STATUS_DESTROYED)
		return xj_fail(cause, XJ_ENOINPUT, _("no student %s"),
		    r->number);
	if (r->new_status < 0 || r->new_status == STATUS_DESTROYED)
		return xj_fail(cause, XJ_EDATA, "%s", _("the request names no "
		    "status"));
	/* Filed against another status: whoever approves must see it. */
	if (r->old_status >= 0 && *from != r->old_status)
		return xj_fail(cause, XJ_EDATA, _("request %" PRId64 " is "
		    "stale: %s was %s when it was filed and is %s now; reject "
		    "it and file a new request if the change is still "
		    "wanted"), r->id, r->number, status_label(r->old_status),
		    status_label(*from));
	if (*from == r->new_status)
		return xj_fail(cause, XJ_EDATA, _("request %" PRId64 " is "
		    "stale: %s is %s already"), r->id, r->number,
		    status_label(*from));
	return XJ_OK;
}

int
store_status_apply(struct store *st, sqlite3_int64 id,
    const struct request *r, char **cause)
{
	int	from, rc;

	if ((rc = store_status_stale(st, id, r, &from, cause)) != XJ_OK)
		return rc;
	return apply_status(st, id, r->number, from, r->new_status, r->reason,
	    r->requested_by, r->id, cause);
}

int
store_review(struct store *st, const char *number, time_t *next_out,
    char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 id;
	time_t		 next;
	char		 when[32], *detail;
	int		 status, rc;

	if ((rc = store_require(st, PERM_STATUS_REVIEW, "status.review",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_lifecycle_find(st, LC_REVIEW, number, &id, &status,
	    cause)) != XJ_OK)
		goto fail;
	next = xj_add_months(xj_now(), st->cfg->review_months);
	if (sqlite3_prepare_v2(st->db, "UPDATE student SET next_review = ? "
	    "WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot record the review"), cause);
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)next);
	sqlite3_bind_int64(stmt, 2, id);
	rc = step_done(st, stmt, _("cannot record the review"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		goto fail;
	xj_isotime(next, when, sizeof when);
	xasprintf(&detail, "next=%s", when);
	if ((rc = log_commit(st, "status.review", number, "", detail,
	    cause)) != XJ_OK)
		goto fail;
	if (next_out != NULL)
		*next_out = next;
	return XJ_OK;
fail:
	tx_rollback(st);
	return rc;
}

time_t
store_keep_until(const struct store *st, int status, time_t status_at)
{
	if (status == STATUS_COMPLETED)
		return xj_add_months(status_at,
		    st->cfg->keep_completed_months);
	if (status == STATUS_WITHDRAWN)
		return xj_add_months(status_at,
		    st->cfg->keep_withdrawn_months);
	return 0;
}

int
store_archive(struct store *st, enum archive_list which, int status,
    int year, time_t now, int (*fn)(const struct archive_entry *, void *),
    void *arg, struct store_shown *shown, char **cause)
{
	static const char	 sql[] =
	    "SELECT s.number, s.status, s.enrolled_at, s.status_at, "
	    "s.next_review, EXISTS (SELECT 1 FROM request r WHERE "
	    "r.student = s.id AND r.kind = 'destroy' AND r.state = 'pending') "
	    "FROM student s WHERE s.status != 'destroyed' AND "
	    "(?1 IS NULL OR s.status = ?1) AND "
	    "(?2 != 1 OR s.next_review <= ?3) "
	    "ORDER BY CASE ?2 WHEN 1 THEN s.next_review WHEN 2 THEN "
	    "s.status_at END, s.number";
	static const char	*const lists[] = {
		[ARCHIVE_STATUS] = "status",
		[ARCHIVE_REVIEW_DUE] = "review",
		[ARCHIVE_RETENTION_DUE] = "retention",
	};
	struct archive_entry	 e, *v = NULL;
	const char		**numbers = NULL;
	struct tm		 tm;
	sqlite3_stmt		*stmt;
	enum perm		 need;
	char			*list, yr[24] = "";
	size_t			 n = 0, i;
	int			 rc, stop = 0;

	need = which == ARCHIVE_STATUS ? PERM_STUDENT_SEARCH :
	    PERM_STATUS_REVIEW;
	if ((rc = store_require(st, need, "archive.list", cause)) != XJ_OK)
		return rc;
	if ((unsigned)which >= nitems(lists))
		return xj_fail(cause, XJ_ESOFTWARE, "bad archive list %d",
		    (int)which);
	/*
	 * Read the list whole, log who it shows or name it for the screen
	 * (list_seen), and only then hand it out: a list that was seen is
	 * never missing from the log.  Numbers and dates only: no
	 * personal value is held.
	 */
	if ((rc = tx_read(st, cause)) != XJ_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		tx_rollback(st);
		return db_error(st, _("cannot list the archive"), cause);
	}
	if (which == ARCHIVE_STATUS && status >= 0)
		sqlite3_bind_text(stmt, 1, status_name(status), -1,
		    SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, which == ARCHIVE_REVIEW_DUE ? 1 :
	    which == ARCHIVE_RETENTION_DUE ? 2 : 0);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.status = (enum student_status)status_parse((const char *)
		    sqlite3_column_text(stmt, 1));
		e.enrolled_at = (time_t)sqlite3_column_int64(stmt, 2);
		e.status_at = (time_t)sqlite3_column_int64(stmt, 3);
		e.next_review = (time_t)sqlite3_column_int64(stmt, 4);
		e.frozen = sqlite3_column_int(stmt, 5);
		e.keep_until = store_keep_until(st, e.status, e.status_at);
		if (year > 0) {
			localtime_r(&e.enrolled_at, &tm);
			if (tm.tm_year + 1900 != year)
				continue;
		}
		if (which == ARCHIVE_RETENTION_DUE &&
		    (e.keep_until == 0 || e.keep_until > now))
			continue;
		e.number = xstrdup((const char *)sqlite3_column_text(stmt,
		    0));
		v = xreallocarray(v, n + 1, sizeof *v);
		numbers = xreallocarray(numbers, n + 1, sizeof *numbers);
		numbers[n] = e.number;
		v[n++] = e;
	}
	rc = rc == SQLITE_DONE ? XJ_OK :
	    db_error(st, _("cannot list the archive"), cause);
	sqlite3_finalize(stmt);
	tx_rollback(st);
	if (rc == XJ_OK) {
		if (year > 0)
			snprintf(yr, sizeof yr, " year=%d", year);
		xasprintf(&list, "list=%s%s%s%s", lists[which],
		    which == ARCHIVE_STATUS ? " status=" : "",
		    which != ARCHIVE_STATUS ? "" : status >= 0 ?
		    status_name(status) : "live", yr);
		rc = list_seen(st, "archive.list", list, numbers, n, shown,
		    cause);
		free(list);
	}
	for (i = 0; rc == XJ_OK && !stop && i < n; i++)
		stop = fn(&v[i], arg);
	for (i = 0; i < n; i++)
		free((char *)(uintptr_t)v[i].number);
	free(v);
	free(numbers);
	return rc;
}

int
store_status_counts(struct store *st, long counts[4], char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc, s;

	if ((rc = store_require_any(st, PERM_BIT(PERM_REPORT_VIEW),
	    PERM_STUDENT_SEARCH, "archive.counts", cause)) != XJ_OK)
		return rc;
	memset(counts, 0, 4 * sizeof counts[0]);
	if (sqlite3_prepare_v2(st->db, "SELECT status, count(*) FROM student "
	    "GROUP BY status", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot count the archive"), cause);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		s = status_parse((const char *)sqlite3_column_text(stmt, 0));
		if (s >= 0)
			counts[s] = sqlite3_column_int64(stmt, 1);
	}
	rc = rc == SQLITE_DONE ? XJ_OK :
	    db_error(st, _("cannot count the archive"), cause);
	sqlite3_finalize(stmt);
	return rc;
}
