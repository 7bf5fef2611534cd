/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A student's history: every value each field has held, when, and the
 * request (with its reason, maker and checker) that set it; values the
 * bound operator may not see are left out, and a frozen record has
 * none.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

void
history_free(struct history *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(h[i].key);
		xfree_wipe(h[i].value);
		xfree_wipe(h[i].reason);
		free(h[i].requested_by);
		free(h[i].approved_by);
	}
	free(h);
}

int
store_history(struct store *st, const char *number, struct history **out,
    size_t *n, char **cause)
{
	static const char	 sql[] =
	    "SELECT h.key, h.value, h.at, h.request, r.reason, "
	    "r.requested_by, r.decided_by FROM field_history h "
	    "JOIN student s ON s.id = h.student "
	    "LEFT JOIN request r ON r.id = h.request "
	    /* Frozen: no values, as in store_student_get, old ones neither. */
	    "WHERE s.number = ? AND NOT EXISTS (SELECT 1 FROM request fr "
	    "WHERE fr.student = s.id AND fr.kind = 'destroy' AND "
	    "fr.state = 'pending') ORDER BY h.id";
	struct history		*v = NULL, *h;
	sqlite3_stmt		*stmt = NULL;
	char			*value;
	size_t			 count = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require(st, PERM_STUDENT_VIEW, "student.history",
	    cause)) != XJ_OK)
		return rc;
	/* A read: its entry need not wait for the disk (store.c). */
	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot read the history"), cause);
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		value = store_visible(st, (const char *)
		    sqlite3_column_text(stmt, 0), (const char *)
		    sqlite3_column_text(stmt, 1));
		if (value == NULL)
			continue;
		v = xreallocarray(v, count + 1, sizeof *v);
		h = &v[count++];
		h->key = dup_or_null(stmt, 0);
		h->value = value;
		h->at = (time_t)sqlite3_column_int64(stmt, 2);
		h->request = sqlite3_column_int64(stmt, 3);
		h->reason = dup_or_null(stmt, 4);
		h->requested_by = dup_or_null(stmt, 5);
		h->approved_by = dup_or_null(stmt, 6);
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(st, _("cannot read the history"), cause);
		goto fail;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((rc = log_tail(st, "student.history", number, "", NULL,
	    cause)) != XJ_OK)
		goto fail;
	*out = v;
	*n = count;
	return XJ_OK;
fail:
	sqlite3_finalize(stmt);
	tx_rollback(st);
	history_free(v, count);
	return rc;
}

