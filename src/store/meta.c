/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The meta table: the branch's own settings (its name, the version of
 * its search terms, when each operator last logged in) and the notes
 * that record, in the chained log, a change of the roles or the forms
 * between two logins (store_note_policy).  store_search_upgrade rebuilds
 * the search terms when this xueji computes them differently.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/checkpoint.h"
#include "xueji/search.h"
#include "store-int.h"

int
store_meta_get(struct store *st, const char *key, char **value)
{
	sqlite3_stmt	*stmt;
	int		 found = 0;

	*value = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?",
	    -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*value = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		found = 1;
	}
	sqlite3_finalize(stmt);
	return found;
}

int
store_meta_set(struct store *st, const char *key, const char *value,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta (key, "
	    "value) VALUES (?, ?)", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot save a setting"), cause);
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, _("cannot save a setting"), cause);
	return XJ_OK;
}

int
store_meta_time(struct store *st, const char *key, time_t *at)
{
	char	*v;
	int	 found;

	*at = 0;
	if ((found = store_meta_get(st, key, &v)) == -1)
		return XJ_EIO;
	if (found == 1)
		*at = (time_t)strtoll(v, NULL, 10);
	free(v);
	return XJ_OK;
}

int
store_overdue(time_t at, time_t now, long days)
{
	return at == 0 || now - at > (time_t)days * DAY;
}

int
store_search_upgrade(struct store *st, char **cause)
{
	static const char	 ids_sql[] =
	    "SELECT id FROM student WHERE status != 'destroyed'";
	sqlite3_stmt		*ids = NULL;
	char			*have = NULL;
	int			 rc, step;

	if (store_meta_get(st, "search_terms", &have) == 1 &&
	    strcmp(have, SEARCH_VERSION_TEXT) == 0) {
		free(have);
		return XJ_OK;
	}
	free(have);
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	/* Another terminal may have done it while this one waited. */
	if (store_meta_get(st, "search_terms", &have) == 1 &&
	    strcmp(have, SEARCH_VERSION_TEXT) == 0) {
		free(have);
		tx_rollback(st);
		return XJ_OK;
	}
	free(have);
	if (sqlite3_prepare_v2(st->db, ids_sql, -1, &ids, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot index the record"), cause);
		goto fail;
	}
	rc = XJ_OK;
	while (rc == XJ_OK && (step = sqlite3_step(ids)) == SQLITE_ROW)
		rc = store_reindex(st, sqlite3_column_int64(ids, 0), cause);
	if (rc == XJ_OK && step != SQLITE_DONE)
		rc = db_error(st, _("cannot index the record"), cause);
	sqlite3_finalize(ids);
	ids = NULL;
	if (rc == XJ_OK)
		rc = store_meta_set(st, "search_terms", SEARCH_VERSION_TEXT, cause);
	if (rc != XJ_OK)
		goto fail;
	return tx_commit(st, cause);
fail:
	sqlite3_finalize(ids);
	tx_rollback(st);
	return rc;
}

/* Log hash under action when it differs from meta key's; XJ_OK if same. */
static int
note_hash(struct store *st, const char *key, const char *action,
    const unsigned char hash[32], char **cause)
{
	char	 hex[2 * 32 + 1], *have = NULL, *detail;
	int	 rc;

	xj_hex(hash, 32, hex);
	if (store_meta_get(st, key, &have) == 1 && strcmp(have, hex) == 0) {
		free(have);
		return XJ_OK;
	}
	free(have);
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_meta_set(st, key, hex, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	xasprintf(&detail, "blake2b=%s", hex);
	return log_commit(st, action, "", "", detail, cause);
}

int
store_note_policy(struct store *st, const struct policy *pol, char **cause)
{
	int	rc;

	st->pol = pol;
	if ((rc = note_hash(st, "roles_hash", "config.roles", pol->hash,
	    cause)) != XJ_OK)
		return rc;
	/* A form decides what each role sees, as the roles do. */
	if (st->form == NULL)
		return XJ_OK;
	return note_hash(st, "forms_hash", "config.forms", st->form->hash,
	    cause);
}

/* Record id's login time (meta login:ID), best effort. */
int
store_note_login(struct store *st, const char *id, char **cause)
{
	char	key[96], now[32];
	int	rc;

	snprintf(key, sizeof key, "login:%s", id);
	snprintf(now, sizeof now, "%lld", (long long)xj_now());
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = store_meta_set(st, key, now, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
}

static int
count_entry(const struct audit_entry *e, void *arg)
{
	(void)e;
	(*(long *)arg)++;
	return 0;
}

int
store_operator_activity(struct store *st, const char *id, time_t since,
    time_t *last_login, long *failed, char **cause)
{
	struct audit_filter	 f;
	char			 key[96];

	*failed = 0;
	snprintf(key, sizeof key, "login:%s", id);
	store_meta_time(st, key, last_login);
	memset(&f, 0, sizeof f);
	f.operator = id;
	f.action = "login.failed";
	f.since = since;
	return audit_each(st->db, &f, count_entry, failed, cause);
}

