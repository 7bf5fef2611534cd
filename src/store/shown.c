/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Who saw each child a list showed.  A list names students without
 * naming one as its entry's target, so its entry is noted against every
 * number it showed (audit_seen), and the log's student filter finds it.
 *
 * On the command line the whole list is printed, so it is logged whole
 * when it is read.  On a screen only a page of it is on the terminal:
 * reading it logs nothing, it names the list in the screen's
 * store_shown, and the screen says whom it draws (store_list_shown), the
 * rows really on the terminal.  The store_shown holds the numbers the
 * list was logged as showing, so a redraw, a list read again because
 * another terminal committed (two open lists would otherwise move each
 * other's data_version for ever) and scrolling back write nothing; a
 * row scrolled to writes an entry for whom it shows new.
 *
 * A search names the students it listed in its entry's detail, and
 * they reach audit_seen later (seen_catch_up), off the keystroke; which
 * of them are new to the screen is decided here too (shown_fresh).
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

struct store_shown {
	char	**v;		/* sorted, each once */
	size_t	  n;
	char	 *action;	/* the list's entry, once a list is read */
	char	 *list;		/* its detail but the count */
	size_t	  results;	/* how long the list is */
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
	free(sh->action);
	free(sh->list);
	memset(sh, 0, sizeof *sh);
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

size_t
shown_fresh(const struct store_shown *sh, const char *const *numbers,
    size_t n, const char **fresh)
{
	size_t	i, nfresh = 0;

	for (i = 0; i < n; i++) {
		if (sh == NULL || !shown_has(sh, numbers[i]))
			fresh[nfresh++] = numbers[i];
	}
	return nfresh;
}

void
shown_add(struct store_shown *sh, const char *const *numbers, size_t n)
{
	size_t	i, j;

	if (sh == NULL || n == 0)
		return;
	sh->v = xreallocarray(sh->v, sh->n + n, sizeof *sh->v);
	for (i = 0; i < n; i++)
		sh->v[sh->n++] = xstrdup(numbers[i]);
	qsort(sh->v, sh->n, sizeof *sh->v, by_number);
	/* A student on two rows (two requests) is kept once. */
	for (i = j = 1; i < sh->n; i++) {
		if (strcmp(sh->v[i], sh->v[j - 1]) == 0)
			free(sh->v[i]);
		else
			sh->v[j++] = sh->v[i];
	}
	sh->n = j;
}

/*
 * One entry (action, detail; no target) noting the n numbers in
 * audit_seen, in a transaction of its own.
 */
static int
log_seen(struct store *st, const char *action, const char *detail,
    const char *const *numbers, size_t n, char **cause)
{
	static const char	 sql[] =
	    "INSERT OR IGNORE INTO audit_seen (number, seq) VALUES (?1, ?2)";
	sqlite3_stmt		*stmt;
	int64_t			 seq;
	size_t			 i;
	int			 rc;

	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		return rc;
	if ((rc = log_entry(st, action, "", NULL, detail, cause)) != XJ_OK)
		goto fail;
	seq = store_audit_head(st);
	if ((stmt = store_prepare(st, sql)) == NULL) {
		rc = db_error(st, _("cannot log whom the list showed"),
		    cause);
		goto fail;
	}
	for (i = 0; rc == XJ_OK && i < n; i++) {
		sqlite3_bind_text(stmt, 1, numbers[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, seq);
		rc = step_done(st, stmt, _("cannot log whom the list "
		    "showed"), cause);
	}
	store_release(stmt);
	if (rc == XJ_OK && (rc = tx_commit(st, cause)) == XJ_OK)
		return XJ_OK;
fail:
	tx_rollback(st);
	return rc;
}

int
list_seen(struct store *st, const char *action, const char *list,
    const char *const *numbers, size_t n, struct store_shown *sh,
    char **cause)
{
	char	*detail;
	int	 rc;

	if (sh == NULL) {
		xasprintf(&detail, "%s results=%zu", list, n);
		rc = log_seen(st, action, detail, numbers, n, cause);
		free(detail);
		return rc;
	}
	/* Another list (status, year, view): no one of it shown yet. */
	if (sh->action == NULL || strcmp(sh->action, action) != 0 ||
	    strcmp(sh->list, list) != 0) {
		store_shown_clear(sh);
		sh->action = xstrdup(action);
		sh->list = xstrdup(list);
	}
	sh->results = n;
	return XJ_OK;
}

int
store_list_shown(struct store *st, struct store_shown *sh,
    const char *const *numbers, size_t n, char **cause)
{
	const char	**fresh;
	char		 *detail;
	size_t		  nfresh;
	int		  rc;

	if (sh->action == NULL)
		return xj_fail(cause, XJ_ESOFTWARE, "no list read for "
		    "store_list_shown");
	fresh = xreallocarray(NULL, n + 1, sizeof *fresh);
	/* No one it has not shown (a redraw, the same page): nothing. */
	if ((nfresh = shown_fresh(sh, numbers, n, fresh)) == 0) {
		free(fresh);
		return XJ_OK;
	}
	xasprintf(&detail, "%s results=%zu", sh->list, sh->results);
	if ((rc = log_seen(st, sh->action, detail, fresh, nfresh, cause)) ==
	    XJ_OK)
		shown_add(sh, fresh, nfresh);
	free(detail);
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
