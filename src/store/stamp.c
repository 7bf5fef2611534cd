/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Stamps: numbers that change when what a screen shows of a record or a
 * request changes, read without a personal value and so without a log
 * entry.  A screen polls them when store_data_version() moves; polling
 * the logged reads themselves would make two open records at two
 * terminals move each other's data_version for ever.
 */
#include <stdint.h>
#include <string.h>

#include <sqlcipher/sqlite3.h>

#include "xueji/platform.h"
#include "xueji/store.h"
#include "store-int.h"

/* FNV-1a over the first column of every row stmt gives. */
static int
stamp_rows(struct store *st, sqlite3_stmt *stmt, const char *doing,
    int64_t *stamp, char **cause)
{
	const unsigned char	*p;
	uint64_t		 h = 0xcbf29ce484222325ULL;
	int			 rc, n, rows = 0, i;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rows++;
		p = sqlite3_column_text(stmt, 0);
		n = sqlite3_column_bytes(stmt, 0);
		for (i = 0; p != NULL && i < n; i++)
			h = (h ^ p[i]) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
	}
	if (rc != SQLITE_DONE)
		return db_error(st, doing, cause);
	*stamp = rows == 0 ? 0 : (int64_t)(h >> 1);
	return XJ_OK;
}

/* The stamp of sql's rows, ?1 bound to number, or else to id if not 0. */
static int
stamp_query(struct store *st, const char *sql, const char *number,
    int64_t id, const char *doing, int64_t *stamp, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return db_error(st, doing, cause);
	if (number != NULL)
		sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	else if (id != 0)
		sqlite3_bind_int64(stmt, 1, id);
	rc = stamp_rows(st, stmt, doing, stamp, cause);
	store_release(stmt);
	return rc;
}

int
store_student_stamp(struct store *st, const char *number, int64_t *stamp,
    char **cause)
{
	/*
	 * The status and when, the review, the newest value written and
	 * every request's state: what the record screen shows, by number.
	 */
	return stamp_query(st,
	    "SELECT s.status || ' ' || s.status_at || ' ' || s.next_review"
	    "  || ' ' || coalesce((SELECT max(id) FROM field_history"
	    "    WHERE student = s.id), 0)"
	    "  || ' ' || coalesce((SELECT group_concat(id || state ||"
	    "    coalesce(confirmed_at, ''), ',') FROM request"
	    "    WHERE student = s.id), '')"
	    " FROM student s WHERE s.number = ?1", number, 0,
	    "reading a record's stamp", stamp, cause);
}

int
store_request_stamp(struct store *st, int64_t id, int64_t *stamp,
    char **cause)
{
	return stamp_query(st,
	    "SELECT r.state || ' ' || coalesce(r.decided_at, '') || ' ' ||"
	    "  coalesce(r.confirmed_at, '') || ' ' || s.status || ' ' ||"
	    "  coalesce((SELECT max(id) FROM field_history"
	    "    WHERE student = s.id), 0) || ' ' ||"
	    "  coalesce((SELECT max(id) FROM request d WHERE d.student ="
	    "    s.id AND d.kind = 'destroy' AND d.state = 'pending'), 0)"
	    " FROM request r JOIN student s ON s.id = r.student"
	    " WHERE r.id = ?1", NULL, id, "reading a request's stamp", stamp,
	    cause);
}

int
store_guardian_stamp(struct store *st, int64_t id, int64_t *stamp,
    char **cause)
{
	/*
	 * Its state and how it ended, its linked request and that one's
	 * state, the answer's time: what its screen shows that another
	 * terminal can change.
	 */
	return stamp_query(st,
	    "SELECT g.state || ' ' || coalesce(g.outcome, '') || ' ' ||"
	    "  coalesce(g.request, 0) || ' ' || coalesce((SELECT r.state"
	    "    FROM request r WHERE r.id = g.request), '') || ' ' ||"
	    "  coalesce(g.closed_at, 0) || ' ' || coalesce(g.responded_at, 0)"
	    " FROM guardian_request g WHERE g.id = ?1", NULL, id,
	    "reading a guardian request's stamp", stamp, cause);
}

int
store_log_stamp(struct store *st, int64_t *stamp, char **cause)
{
	/*
	 * The newest entry that is not a reading of the log: an open log
	 * logs each page it fetches, so counting those would make two
	 * open logs fetch for each other for ever.  Newest first by the
	 * primary key: it stops at the first such entry.
	 */
	return stamp_query(st, "SELECT seq FROM audit WHERE action != "
	    "'audit.view' ORDER BY seq DESC LIMIT 1", NULL, 0,
	    "reading the log's stamp", stamp, cause);
}

int
store_report_stamp(struct store *st, int64_t *stamp, char **cause)
{
	/*
	 * What the reports count moves one of these: an enrolment (a
	 * student row; none is ever deleted), a status set (its
	 * status_change row), a review (its log entry, found by the
	 * action's index), a value written, a request filed, decided or
	 * confirmed, a guardian's request, a destruction.  Every part is
	 * a maximum an index or the rowid answers, one to a subquery (two
	 * in one select read the table), so the stamp costs the same at a
	 * million students (it is read after every commit at
	 * another terminal while the reports are open).  The log is
	 * otherwise left out, so that making a report (report.view) does
	 * not make another screen's reports be made again.
	 */
	return stamp_query(st,
	    "SELECT (SELECT coalesce(max(id), 0) FROM student) || ' ' ||"
	    " (SELECT coalesce(max(id), 0) FROM status_change) || ' ' ||"
	    " (SELECT coalesce(max(seq), 0) FROM audit"
	    "  WHERE action = 'status.review') || ' ' ||"
	    " (SELECT coalesce(max(id), 0) FROM field_history) || ' ' ||"
	    " (SELECT coalesce(max(id), 0) FROM request) || ' ' ||"
	    " (SELECT coalesce(max(decided_at), 0) FROM request) || ' ' ||"
	    " (SELECT coalesce(max(confirmed_at), 0) FROM request) || ' ' ||"
	    " (SELECT coalesce(max(id), 0) || ' ' ||"
	    "  coalesce(max(closed_at), 0) FROM guardian_request) || ' ' ||"
	    " (SELECT coalesce(max(id), 0) FROM destruction)", NULL, 0,
	    "reading the reports' stamp", stamp, cause);
}
