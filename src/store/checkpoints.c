/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * When the last checkpoint was: read from the log itself, whose
 * audit.checkpoint entries (made by hand or by themselves) say which
 * entry each covered.  One that could not be written out says so in its
 * detail and does not count.  The index on (action, seq) finds the
 * newest without a scan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlcipher/sqlite3.h>

#include "xueji/platform.h"
#include "xueji/store.h"
#include "store-int.h"

int
store_last_checkpoint(struct store *st, int64_t *seq, time_t *at)
{
	sqlite3_stmt	*stmt;
	const char	*detail, *p;

	*seq = 0;
	*at = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT at, detail FROM audit WHERE "
	    "action = 'audit.checkpoint' AND instr(detail, "
	    "'result=not-written') = 0 ORDER BY seq DESC LIMIT 1", -1, &stmt,
	    NULL) != SQLITE_OK)
		return XJ_EIO;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*at = (time_t)sqlite3_column_int64(stmt, 0);
		detail = (const char *)sqlite3_column_text(stmt, 1);
		if (detail != NULL && (p = strstr(detail, "seq=")) != NULL)
			*seq = strtoll(p + 4, NULL, 10);
	}
	sqlite3_finalize(stmt);
	return XJ_OK;
}

int
store_checkpoint_due(struct store *st, time_t now)
{
	int64_t	seq;
	time_t	at;

	return store_last_checkpoint(st, &seq, &at) != XJ_OK ||
	    store_overdue(at, now, st->cfg != NULL ?
	    st->cfg->checkpoint_warn_days : 7);
}
