/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Who saw each child a list showed: the archive's lists and the
 * guardians' register name students without naming one as the entry's
 * target, so their entry is noted against every number shown
 * (audit_seen), as a student list's is, and the log's student filter
 * finds it.  A screen reads its list again whenever another terminal
 * commits; logging each of those reads would make two open lists move
 * each other's data_version for ever.  So a screen keeps a store_shown,
 * the numbers its list was logged as showing, and a list read again is
 * logged only for numbers not in it.
 *
 * A search's entry names the students it listed in its detail, and
 * they reach audit_seen later (seen_catch_up), off the keystroke.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

struct store_shown {
	char	**v;		/* sorted */
	size_t	  n;
};

struct store_shown *
store_shown_new(void)
{
	return xcalloc(1, sizeof(struct store_shown));
}

void
store_shown_clear(struct store_shown *sh)
{
	size_t	i;

	if (sh == NULL)
		return;
	for (i = 0; i < sh->n; i++)
		free(sh->v[i]);
	free(sh->v);
	sh->v = NULL;
	sh->n = 0;
}

void
store_shown_free(struct store_shown *sh)
{
	store_shown_clear(sh);
	free(sh);
}

static int
by_number(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
shown_has(const struct store_shown *sh, const char *number)
{
	return sh->n > 0 && bsearch(&number, sh->v, sh->n, sizeof *sh->v,
	    by_number) != NULL;
}

int
list_seen(struct store *st, const char *action, const char *detail,
    const char *const *numbers, size_t n, struct store_shown *sh,
    char **cause)
{
	static const char	 sql[] =
	    "INSERT OR IGNORE INTO audit_seen (number, seq) VALUES (?1, ?2)";
	sqlite3_stmt		*stmt;
	const char		**fresh;
	size_t			  i, nfresh = 0;
	int64_t			  seq;
	int			  rc;

	fresh = xreallocarray(NULL, n + 1, sizeof *fresh);
	for (i = 0; i < n; i++) {
		if (sh == NULL || !shown_has(sh, numbers[i]))
			fresh[nfresh++] = numbers[i];
	}
	/*
	 * On a screen, no one it has not shown: nothing to say (an empty
	 * list shows no one either, and a screen reads it again and again).
	 */
	if (sh != NULL && nfresh == 0) {
		free(fresh);
		return XJ_OK;
	}
	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		goto out;
	if ((rc = log_entry(st, action, "", NULL, detail, cause)) != XJ_OK)
		goto fail;
	seq = store_audit_head(st);
	if ((stmt = store_prepare(st, sql)) == NULL) {
		rc = db_error(st, _("cannot log whom the list showed"),
		    cause);
		goto fail;
	}
	for (i = 0; rc == XJ_OK && i < nfresh; i++) {
		sqlite3_bind_text(stmt, 1, fresh[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, seq);
		rc = step_done(st, stmt, _("cannot log whom the list "
		    "showed"), cause);
	}
	store_release(stmt);
	if (rc != XJ_OK || (rc = tx_commit(st, cause)) != XJ_OK)
		goto fail;
	if (sh != NULL) {
		sh->v = xreallocarray(sh->v, sh->n + nfresh, sizeof *sh->v);
		for (i = 0; i < nfresh; i++)
			sh->v[sh->n++] = xstrdup(fresh[i]);
		qsort(sh->v, sh->n, sizeof *sh->v, by_number);
	}
	goto out;
fail:
	tx_rollback(st);
out:
	free(fresh);
	return rc;
}

int
seen_catch_up(struct store *st, char **cause)
{
	int	behind, rc;

	/* Read first: most pauses have nothing to note, and take no lock. */
	if ((rc = audit_seen_behind(st->db, &behind, cause)) != XJ_OK ||
	    !behind)
		return rc;
	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		return rc;
	if ((rc = audit_seen_catch_up(st->db, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
}
