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

int
store_student_stamp(struct store *st, const char *number, int64_t *stamp,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	/*
	 * The status and when, the review, the newest value written and
	 * every request's state: what the record screen shows, by number.
	 */
	stmt = store_prepare(st,
	    "SELECT s.status || ' ' || s.status_at || ' ' || s.next_review"
	    "  || ' ' || coalesce((SELECT max(id) FROM field_history"
	    "    WHERE student = s.id), 0)"
	    "  || ' ' || coalesce((SELECT group_concat(id || state ||"
	    "    coalesce(confirmed_at, ''), ',') FROM request"
	    "    WHERE student = s.id), '')"
	    " FROM student s WHERE s.number = ?1");
	if (stmt == NULL)
		return db_error(st, "reading a record's stamp", cause);
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	rc = stamp_rows(st, stmt, "reading a record's stamp", stamp, cause);
	store_release(stmt);
	return rc;
}

int
store_request_stamp(struct store *st, int64_t id, int64_t *stamp,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = store_prepare(st,
	    "SELECT r.state || ' ' || coalesce(r.decided_at, '') || ' ' ||"
	    "  coalesce(r.confirmed_at, '') || ' ' || s.status || ' ' ||"
	    "  coalesce((SELECT max(id) FROM field_history"
	    "    WHERE student = s.id), 0) || ' ' ||"
	    "  coalesce((SELECT max(id) FROM request d WHERE d.student ="
	    "    s.id AND d.kind = 'destroy' AND d.state = 'pending'), 0)"
	    " FROM request r JOIN student s ON s.id = r.student"
	    " WHERE r.id = ?1");
	if (stmt == NULL)
		return db_error(st, "reading a request's stamp", cause);
	sqlite3_bind_int64(stmt, 1, id);
	rc = stamp_rows(st, stmt, "reading a request's stamp", stamp, cause);
	store_release(stmt);
	return rc;
}
