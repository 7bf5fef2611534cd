/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Upgrading a branch's file in place from a format an older xueji wrote
 * (SQLCipher 3, or SQLCipher 4's default SHA-512 HMAC) to the one this
 * version writes (store.h, enum store_format).
 *
 * PRAGMA cipher_migrate cannot do it (it knows 3.x's default page size
 * only, and leaves the connection unusable), and sqlite3_backup from a
 * 3.x connection into a 4.x one writes a malformed file.  What works is
 * a fresh connection keyed in the old format and sqlcipher_export into
 * a new file attached in the new one; export drops user_version and
 * application_id and writes no journal mode, so those are carried over
 * by hand and every one read back.  The new file is then checked as a
 * backup is drilled, and only then renamed over the old one: a process
 * killed at any point leaves the old file or the new one in place.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "store-int.h"

/* The formats an older xueji wrote, most likely first. */
static const enum store_format olds[] = {
	STORE_FORMAT_3, STORE_FORMAT_4_SHA512,
};

/*
 * A fresh handle on path keyed in an older format with key or next:
 * XJ_OK with *out, *fmt and *used; XJ_ENOINPUT if none opens it.
 */
static int
open_old(const char *path, const unsigned char *key, const unsigned char *next,
    sqlite3 **out, enum store_format *fmt, const unsigned char **used)
{
	const unsigned char	*keys[2] = { key, next };
	sqlite3			*db;
	size_t			 i, k;
	int			 rc;

	for (i = 0; i < nitems(olds); i++) {
		for (k = 0; k < nitems(keys) && keys[k] != NULL; k++) {
			if (store_db_open(path, &db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_NOMUTEX) != SQLITE_OK) {
				sqlite3_close(db);
				return XJ_ENOINPUT;
			}
			rc = store_key_db(db, keys[k], olds[i], NULL);
			/* An empty file opens in any format: not ours. */
			if (rc == XJ_OK && query_count(db,
			    "PRAGMA user_version") > 0) {
				sqlite3_busy_timeout(db, 5000);
				*out = db;
				*fmt = olds[i];
				*used = keys[k];
				return XJ_OK;
			}
			sqlite3_close(db);
		}
	}
	return XJ_ENOINPUT;
}

int
store_legacy(const char *path, const unsigned char key[DB_KEY_BYTES],
    const unsigned char *next)
{
	const unsigned char	*used;
	enum store_format	 fmt;
	sqlite3			*db;

	if (open_old(path, key, next, &db, &fmt, &used) != XJ_OK)
		return 0;
	sqlite3_close(db);
	return 1;
}

/* One text value of sql on db (malloc'd), or NULL. */
static char *
query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt;
	char		*v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v;
}

/* What the export must carry over, read from one file. */
struct carried {
	long long	 user_version, application_id, auto_vacuum;
	char		*journal_mode, *schema, *branch;
	long long	 counts[DRILL__COUNT];
};

static void
carried_read(sqlite3 *db, struct carried *c)
{
	c->user_version = query_count(db, "PRAGMA user_version");
	c->application_id = query_count(db, "PRAGMA application_id");
	c->auto_vacuum = query_count(db, "PRAGMA auto_vacuum");
	c->journal_mode = query_text(db, "PRAGMA journal_mode");
	c->schema = query_text(db, "SELECT group_concat(x, char(10)) FROM "
	    "(SELECT type || ' ' || name || ' ' || tbl_name || ' ' || "
	    "ifnull(sql, '') AS x FROM sqlite_master ORDER BY type, name)");
	c->branch = query_text(db, "SELECT value FROM meta WHERE key = "
	    "'branch'");
	drill_counts(db, c->counts);
}

static void
carried_free(struct carried *c)
{
	free(c->journal_mode);
	free(c->schema);
	free(c->branch);
}

/* Whether b, read from the new file, holds what a held. */
static int
carried_same(const struct carried *a, const struct carried *b)
{
	return a->user_version == b->user_version &&
	    a->application_id == b->application_id &&
	    a->auto_vacuum == b->auto_vacuum &&
	    a->journal_mode != NULL && b->journal_mode != NULL &&
	    strcmp(a->journal_mode, b->journal_mode) == 0 &&
	    a->schema != NULL && b->schema != NULL &&
	    strcmp(a->schema, b->schema) == 0 &&
	    a->branch != NULL && b->branch != NULL &&
	    strcmp(a->branch, b->branch) == 0 &&
	    memcmp(a->counts, b->counts, sizeof a->counts) == 0;
}

/*
 * Create tmp, empty, with the mode and group the data directory gives
 * its files: 0660 in its group when it is shared, 0600 otherwise.
 */
static int
create_empty(const char *tmp, char **cause)
{
	struct stat	 sb;
	char		*dir = xj_dirname(tmp);
	int		 fd, shared, rc = XJ_OK;

	shared = xj_dir_shared(dir) == 1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		rc = xj_fail(cause, XJ_EIO, _("cannot create %s: %s"), tmp,
		    strerror(errno));
	else if ((shared && (stat(dir, &sb) == -1 ||
	    fchown(fd, (uid_t)-1, sb.st_gid) == -1)) ||
	    fchmod(fd, shared ? 0660 : 0600) == -1)
		rc = xj_fail(cause, XJ_EIO, _("cannot set the mode of %s: %s"),
		    tmp, strerror(errno));
	if (fd != -1)
		close(fd);
	free(dir);
	return rc;
}

/* The export itself, on the old file's connection. */
/* Who is told how far the upgrade is (store_upgrade's progress). */
struct told {
	void		(*fn)(int, const char *, void *);
	void		 *arg;
	const char	 *tmp;		/* the new file, growing */
	long long	  total;	/* the old file's size */
	int		  last;
};

static void
tell(struct told *t, int percent, const char *what)
{
	if (t->fn != NULL && percent != t->last) {
		t->last = percent;
		t->fn(percent, what, t->arg);
	}
}

/* The copy's progress handler: the new file's size against the old's. */
static int
copying(void *arg)
{
	struct told	*t = arg;
	struct stat	 sb;
	long long	 pct;

	if (stat(t->tmp, &sb) == 0 && t->total > 0) {
		pct = (long long)sb.st_size * 80 / t->total;
		tell(t, (int)(pct > 80 ? 80 : pct), _("copying the branch "
		    "into the new format"));
	}
	return 0;
}

static int
export_new(sqlite3 *old, const char *tmp, const unsigned char *key,
    const struct carried *c, struct told *t, char **cause)
{
	char	*sql;
	int	 rc;

	if ((rc = store_key_attached(old, tmp, "upgrade", key, STORE_FORMAT_4,
	    cause)) != XJ_OK)
		return rc;
	/* auto_vacuum is the file's from its first table on. */
	xasprintf(&sql, "PRAGMA upgrade.auto_vacuum = %lld; "
	    "SELECT sqlcipher_export('upgrade'); "
	    "PRAGMA upgrade.user_version = %lld; "
	    "PRAGMA upgrade.application_id = %lld", c->auto_vacuum,
	    c->user_version, c->application_id);
	if (t->fn != NULL)
		sqlite3_progress_handler(old, 20000, copying, t);
	if (sqlite3_exec(old, sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = xj_fail(cause, XJ_EIO, _("cannot write the upgraded "
		    "database: %s"), sqlite3_errmsg(old));
	sqlite3_progress_handler(old, 0, NULL, NULL);
	free(sql);
	sqlite3_exec(old, "DETACH upgrade", NULL, NULL, NULL);
	return rc;
}

/*
 * Check the new file at tmp on a connection keyed as the store keys
 * one: every setting carried over, every page, the structure, the
 * chain; then, when who is not NULL, append the upgrade's entry.
 */
static int
check_new(const char *tmp, const unsigned char *key, const char *branch,
    const struct carried *c, enum store_format from, const char *who,
    char **cause)
{
	struct audit_entry	 e;
	struct carried		 n;
	sqlite3			*db = NULL;
	int64_t			 count, bad;
	char			*sql, *detail = NULL, *engine = NULL;
	const char		*sqlite;
	int			 rc;

	memset(&n, 0, sizeof n);
	if (store_db_open(tmp, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX) != SQLITE_OK) {
		rc = xj_fail(cause, XJ_EIO, _("cannot open %s: %s"), tmp,
		    sqlite3_errmsg(db));
		goto out;
	}
	if ((rc = store_key_db(db, key, STORE_FORMAT_4, cause)) != XJ_OK)
		goto out;
	xasprintf(&sql, "PRAGMA journal_mode = %s", c->journal_mode);
	free(query_text(db, sql));
	free(sql);
	carried_read(db, &n);
	if (!carried_same(c, &n)) {
		rc = xj_fail(cause, XJ_EDATA, "%s", _("the upgraded database "
		    "does not hold what the old one did"));
		goto out;
	}
	if ((rc = store_check_pages(db, cause)) != XJ_OK)
		goto out;
	if (query_count(db, "SELECT 1 WHERE (SELECT integrity_check FROM "
	    "pragma_integrity_check) = 'ok'") != 1) {
		rc = xj_fail(cause, XJ_TAMPERED, "%s", _("the upgraded "
		    "database fails its integrity check"));
		goto out;
	}
	if ((rc = audit_verify(db, branch, &count, &bad, NULL, NULL,
	    cause)) != XJ_OK)
		goto out;
	if (who == NULL)
		goto out;
	store_engine(&engine, &sqlite);
	xasprintf(&detail, "from=%s to=%s sqlcipher=%s",
	    store_format_name(from), store_format_name(STORE_FORMAT_4),
	    engine != NULL ? engine : "?");
	memset(&e, 0, sizeof e);
	e.operator = who;
	e.action = "branch.upgrade";
	e.target = "";
	e.detail = detail;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		rc = xj_fail(cause, XJ_EIO, _("cannot write the upgraded "
		    "database: %s"), sqlite3_errmsg(db));
		goto out;
	}
	if ((rc = audit_append(db, branch, &e, cause)) != XJ_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		if (rc == XJ_OK)
			rc = xj_fail(cause, XJ_EIO, _("cannot write the "
			    "upgraded database: %s"), sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
out:
	free(engine);
	free(detail);
	carried_free(&n);
	/* The last connection: SQLite copies the WAL in and removes it. */
	if (db != NULL && sqlite3_close(db) != SQLITE_OK && rc == XJ_OK)
		rc = xj_fail(cause, XJ_EIO, _("cannot close %s"), tmp);
	return rc;
}

/* A restore drill of the new file against the old connection. */
static int
drill_new(const char *tmp, const unsigned char *key, const char *branch,
    sqlite3 *old, const struct carried *c, int logged, char **cause)
{
	struct store	*bst, here;
	long long	 got[DRILL__COUNT];
	time_t		 at;
	int		 rc, same;

	/* No configuration: the copy's folder is beside the new file. */
	memset(&here, 0, sizeof here);
	here.path = xstrdup(tmp);
	rc = drill_open(&here, tmp, key, branch, NULL, &bst, cause);
	free(here.path);
	if (rc != XJ_OK)
		return rc;
	drill_counts(bst->db, got);
	/* The copy holds the old file's newest entry, and one more. */
	same = drill_same_history(bst->db, old, &at);
	got[DRILL_AUDIT] -= logged;
	drill_close(bst);
	if (!same || memcmp(got, c->counts, sizeof got) != 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("the upgraded database "
		    "failed its restore drill"));
	return XJ_OK;
}

/* Whether path-wal exists and is not empty. */
static int
wal_left(const char *path)
{
	struct stat	 sb;
	char		*wal;
	int		 left;

	xasprintf(&wal, "%s-wal", path);
	left = stat(wal, &sb) == 0 && sb.st_size > 0;
	free(wal);
	return left;
}

int
store_upgrade(const char *path, const unsigned char key[DB_KEY_BYTES],
    const unsigned char *next, const char *branch, const char *who,
    void (*progress)(int, const char *, void *), void *arg, char **cause)
{
	const unsigned char	*used;
	enum store_format	 from;
	struct carried		 c;
	struct told		 t;
	struct stat		 sb;
	sqlite3			*old = NULL;
	char			*tmp, *shm;
	int			 rc, fd;

	memset(&c, 0, sizeof c);
	memset(&t, 0, sizeof t);
	t.fn = progress;
	t.arg = arg;
	t.last = -1;
	t.total = stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
	if (open_old(path, key, next, &old, &from, &used) != XJ_OK)
		return xj_fail(cause, XJ_ENOINPUT, _("%s is in no format "
		    "an older xueji wrote"), path);
	xasprintf(&tmp, "%s.upgrading", path);
	/* What a killed upgrade left; the old file is still the branch. */
	unlink_db(tmp);
	/*
	 * The old WAL copied into the file and emptied: the new file must
	 * not find frames of the old one beside it once renamed there.
	 */
	if (query_count(old, "PRAGMA wal_checkpoint(TRUNCATE)") != 0) {
		rc = xj_fail(cause, XJ_EBUSY, _("%s is busy; the upgrade "
		    "waits for every other terminal to close it"), path);
		goto fail;
	}
	carried_read(old, &c);
	if (c.branch == NULL || strcmp(c.branch, branch) != 0) {
		rc = xj_fail(cause, XJ_EDATA, _("%s belongs to branch %s, not "
		    "%s"), path, c.branch != NULL ? c.branch : "?", branch);
		goto fail;
	}
	t.tmp = tmp;
	tell(&t, 0, _("copying the branch into the new format"));
	if ((rc = create_empty(tmp, cause)) != XJ_OK ||
	    (rc = export_new(old, tmp, used, &c, &t, cause)) != XJ_OK)
		goto fail;
	tell(&t, 80, _("checking every page and the log of the new file"));
	if ((rc = check_new(tmp, used, branch, &c, from, who,
	    cause)) != XJ_OK)
		goto fail;
	tell(&t, 90, _("a restore drill of the new file"));
	if ((rc = drill_new(tmp, used, branch, old, &c, who != NULL,
	    cause)) != XJ_OK)
		goto fail;
	/* The new file whole on disk before it takes the old one's name. */
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), tmp,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		goto fail;
	}
	close(fd);
	if (sqlite3_close(old) != SQLITE_OK) {
		rc = xj_fail(cause, XJ_EIO, _("cannot close %s"), path);
		goto fail;
	}
	old = NULL;
	if (wal_left(path) || wal_left(tmp)) {
		rc = xj_fail(cause, XJ_EBUSY, _("%s is busy; the upgrade "
		    "waits for every other terminal to close it"), path);
		goto fail;
	}
	xasprintf(&shm, "%s-shm", path);
	unlink(shm);
	free(shm);
	/* The old file is erased by the rename; the key is unchanged. */
	if (rename(tmp, path) == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot put the upgraded "
		    "database in place: %s"), strerror(errno));
		goto fail;
	}
	sync_dir(path);
	tell(&t, 100, _("upgraded"));
	carried_free(&c);
	free(tmp);
	return XJ_OK;
fail:
	if (old != NULL)
		sqlite3_close(old);
	unlink_db(tmp);
	carried_free(&c);
	free(tmp);
	return rc;
}
