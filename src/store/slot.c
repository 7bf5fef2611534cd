/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Who set a key slot that its owner has not changed since (slot_setter).
 * Whoever typed a passphrase for someone else knows it until its owner
 * chooses their own; meanwhile the two count as one person for the
 * four-eyes rule, here, where every decision asks (begin_decision in
 * request.c), and the owner's first login asks for a new passphrase.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

/* Mark id's slot as set by the bound operator, or (by NULL) unmark it. */
static int
mark(struct store *st, const char *id, const char *by, char **cause)
{
	static const char	 set[] = "INSERT OR REPLACE INTO slot_setter "
	    "(operator, set_by, set_at) VALUES (?1, ?2, ?3)";
	static const char	 clear[] = "DELETE FROM slot_setter WHERE "
	    "operator = ?1";
	sqlite3_stmt		*stmt;
	int			 rc;

	if ((stmt = store_prepare(st, by != NULL ? set : clear)) == NULL)
		return db_error(st, _("cannot record who set the passphrase"),
		    cause);
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	if (by != NULL) {
		sqlite3_bind_text(stmt, 2, by, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64)xj_now());
	}
	rc = step_done(st, stmt, _("cannot record who set the passphrase"),
	    cause);
	store_release(stmt);
	return rc;
}

int
store_log_slot(struct store *st, const char *action, const char *id,
    const char *detail, int set, int (*save)(void *, char **), void *arg,
    char **cause)
{
	int	rc;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	/* One's own slot is nobody else's to know. */
	if (set && strcmp(id, store_who(st)) == 0)
		set = 0;
	/*
	 * The slots are saved last, inside the transaction: a busy or full
	 * database refuses before the slot changes, not after.
	 */
	if ((rc = mark(st, id, set ? store_who(st) : NULL, cause)) != XJ_OK ||
	    (rc = log_entry(st, action, id, NULL, detail, cause)) != XJ_OK ||
	    (rc = save(arg, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
}

int
store_slot_setter(struct store *st, const char *id, char **by, time_t *at,
    char **cause)
{
	static const char	 sql[] = "SELECT set_by, set_at FROM "
	    "slot_setter WHERE operator = ?";
	sqlite3_stmt		*stmt;
	int			 rc;

	*by = NULL;
	*at = 0;
	if ((stmt = store_prepare(st, sql)) == NULL)
		return db_error(st, _("cannot read who set the passphrase"),
		    cause);
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*by = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		*at = (time_t)sqlite3_column_int64(stmt, 1);
	}
	store_release(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, _("cannot read who set the passphrase"),
		    cause);
	return XJ_OK;
}

/* Refuse with: setter set holder's passphrase, so no decision. */
static int
tied(struct store *st, const char *setter, const char *holder, char **cause)
{
	char	*by, *whose;
	int	 rc;

	by = policy_who(st->pol, setter);
	whose = policy_who(st->pol, holder);
	rc = xj_fail(cause, XJ_EPERM, _("%s set the passphrase of %s, so "
	    "neither may decide the other's requests until %s has chosen "
	    "their own; another supervisor must decide it"), by, whose,
	    whose);
	free(whose);
	free(by);
	return rc;
}

int
store_slot_tie(struct store *st, const char *requester, char **cause)
{
	static const char	 sql[] = "SELECT operator, set_by FROM "
	    "slot_setter WHERE (operator = ?1 AND set_by = ?2) OR "
	    "(operator = ?2 AND set_by = ?1)";
	sqlite3_stmt		*stmt;
	char			*holder = NULL, *setter = NULL;
	int			 rc;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return db_error(st, _("cannot read who set the passphrase"),
		    cause);
	sqlite3_bind_text(stmt, 1, requester, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, store_who(st), -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		holder = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		setter = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	store_release(stmt);
	if (rc == SQLITE_ROW)
		rc = tied(st, setter, holder, cause);
	else if (rc == SQLITE_DONE)
		rc = XJ_OK;
	else
		rc = db_error(st, _("cannot read who set the passphrase"),
		    cause);
	free(holder);
	free(setter);
	return rc;
}
