/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Restore drills: a backup copied into a private folder, opened there
 * as the branch's database is (upgraded first when an older xueji made
 * it), every page, the structure and the chain checked, and its counts
 * set beside the live branch's; the drill is logged and its time kept
 * (meta last_drill) for the reminder.  backup_open_verified, the
 * opening and checking, serves the restore (restore.c) too.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "store-int.h"

#define DRILL_META	"last_drill"

static const char *const drill_names[DRILL__COUNT] = {
	"active", "completed", "withdrawn", "destroyed", "audit", "requests",
	"destructions",
};

const char *
drill_count_name(enum drill_count c)
{
	return drill_names[c];
}

void
drill_report_free(struct drill_report *r)
{
	if (r == NULL)
		return;
	free(r->file);
	free(r->problem);
	r->file = r->problem = NULL;
}

/*
 * Open the database copy at path with key as the live one is opened and
 * check it all: the key and branch, every page's HMAC, integrity, the
 * chain.  A copy written by an older xueji (SQLCipher 3) is upgraded
 * first, in place: path is a copy of ours.  On success *out is the
 * open store.  r, when not NULL, records how far it got.
 */
int
backup_open_verified(const char *branch,
    const unsigned char key[DB_KEY_BYTES], const char *path,
    struct drill_report *r, struct store **out, char **cause)
{
	struct store	*bst = NULL;
	int64_t		 count, bad;
	char		*why = NULL, *why2 = NULL;
	int		 rc, used_next, up;

	*out = NULL;
	rc = store_open(path, key, NULL, branch, &used_next, &bst, &why);
	if (rc == XJ_EDATA) {
		/* A copy: the live branch's log says what became of it. */
		up = store_upgrade(path, key, NULL, branch, NULL, NULL, NULL,
		    &why2);
		if (up == XJ_OK) {
			free(why);
			why = NULL;
			rc = store_open(path, key, NULL, branch, &used_next,
			    &bst, &why);
		} else if (up != XJ_ENOINPUT) {
			free(why);
			why = why2;
			why2 = NULL;
		}
		free(why2);
	}
	if (rc != XJ_OK) {
		if (rc != XJ_ENOINPUT)
			rc = XJ_EDATA;
		xj_fail(cause, rc, _("the backup does not open with this "
		    "branch's key (damaged, not a backup of %s, or made before "
		    "a key rotation): %s"), branch, why != NULL ? why : "");
		free(why);
		return rc;
	}
	if (r != NULL)
		r->opened = 1;
	if ((rc = store_check_integrity(bst->db, cause)) != XJ_OK)
		goto fail;
	if (r != NULL)
		r->integrity_ok = 1;
	if ((rc = audit_verify(bst->db, branch, &count, &bad, NULL, NULL,
	    &why)) != XJ_OK) {
		rc = xj_fail(cause, XJ_TAMPERED, _("the backup's audit log "
		    "does not verify: %s"), why != NULL ? why : "");
		free(why);
		goto fail;
	}
	if (r != NULL)
		r->chain_ok = 1;
	*out = bst;
	return XJ_OK;
fail:
	store_close(bst);
	return rc;
}

void
drill_counts(sqlite3 *db, long long c[DRILL__COUNT])
{
	static const char *const sql[DRILL__COUNT] = {
		"SELECT count(*) FROM student WHERE status = 'active'",
		"SELECT count(*) FROM student WHERE status = 'completed'",
		"SELECT count(*) FROM student WHERE status = 'withdrawn'",
		"SELECT count(*) FROM student WHERE status = 'destroyed'",
		"SELECT count(*) FROM audit",
		"SELECT count(*) FROM request",
		"SELECT count(*) FROM destruction",
	};
	size_t			 i;

	/* One snapshot for all of them. */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < DRILL__COUNT; i++)
		c[i] = query_count(db, sql[i]);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* Whether live holds the backup's newest entry, with the same hash. */
int
drill_same_history(sqlite3 *live, sqlite3 *bk, time_t *at)
{
	sqlite3_stmt	*a, *b;
	int		 same = 0;

	if (sqlite3_prepare_v2(bk, "SELECT seq, at, hash FROM audit ORDER BY "
	    "seq DESC LIMIT 1", -1, &b, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(b) == SQLITE_ROW && sqlite3_prepare_v2(live,
	    "SELECT hash FROM audit WHERE seq = ?", -1, &a, NULL) ==
	    SQLITE_OK) {
		*at = (time_t)sqlite3_column_int64(b, 1);
		sqlite3_bind_int64(a, 1, sqlite3_column_int64(b, 0));
		if (sqlite3_step(a) == SQLITE_ROW)
			same = sqlite3_column_bytes(a, 0) ==
			    sqlite3_column_bytes(b, 2) &&
			    sqlite3_column_bytes(a, 0) > 0 &&
			    memcmp(sqlite3_column_blob(a, 0),
			    sqlite3_column_blob(b, 2),
			    (size_t)sqlite3_column_bytes(a, 0)) == 0;
		sqlite3_finalize(a);
	}
	sqlite3_finalize(b);
	return same;
}

static void
compare(struct drill_report *r)
{
	long long	 live = 0, bk = 0;
	int		 i;

	for (i = 0; i < DRILL__COUNT; i++) {
		if (r->live[i] != r->backup[i])
			r->differ |= 1U << i;
		if (i <= DRILL_DESTROYED) {
			live += r->live[i];
			bk += r->backup[i];
		} else if (r->backup[i] > r->live[i])
			r->suspicious = 1;
	}
	if (bk > live || !r->same_history)
		r->suspicious = 1;
}

/*
 * A private folder for the copy, in the data directory (beside the
 * database when there is no configuration, as for an upgrade's drill):
 * never in /tmp, which others share and nothing may wipe, and where an
 * operator could plant a link for SQLite's -wal or -shm to write
 * through.  Mode 0700; 2770 in a directory shared with a group, so that
 * the next process of any operator can remove it should this one be
 * killed (the data directory keeps everyone else out).  Held (xj_hold)
 * while the drill runs, its descriptor in *fdp; folders nobody holds
 * are killed drills' and are swept away first.
 */
static char *
private_dir(const struct store *st, int *fdp, char **cause)
{
	char	*base, *dir = NULL;
	int	 fd = -1, i, shared, err;

	if (st->cfg != NULL && st->cfg->data_dir != NULL)
		base = xstrdup(st->cfg->data_dir);
	else
		base = xj_dirname(st->path);
	xj_sweep(base, STORE_DRILL_PREFIX, NULL, NULL, NULL);
	shared = xj_dir_shared(base) == 1;
	for (i = 0; fd == -1 && i < 16; i++) {
		free(dir);
		xasprintf(&dir, "%s/" STORE_DRILL_PREFIX "XXXXXX", base);
		if (mkdtemp(dir) == NULL ||
		    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1)
			goto fail;
		/* Swept away before we held it: another one. */
		if (xj_hold(fd) == -1) {
			close(fd);
			fd = -1;
			continue;
		}
		if (shared && fchmod(fd, 02770) == -1)
			goto fail;
	}
	if (fd == -1) {
		errno = EAGAIN;
		goto fail;
	}
	free(base);
	*fdp = fd;
	return dir;
fail:
	err = errno;
	xj_fail(cause, XJ_EIO, _("cannot create a private folder in %s: %s"),
	    base, strerror(err));
	if (fd != -1) {
		rmdir(dir);
		close(fd);
	}
	free(dir);
	free(base);
	return NULL;
}

int
drill_open(const struct store *st, const char *path,
    const unsigned char key[DB_KEY_BYTES], const char *branch,
    struct drill_report *r, struct store **out, char **cause)
{
	char	*dir, *copy;
	int	 rc, fd;

	*out = NULL;
	if ((dir = private_dir(st, &fd, cause)) == NULL)
		return XJ_EIO;
	copy = xj_path_join(dir, "drill.db");
	if ((rc = backup_copy_file(st, path, copy, cause)) == XJ_OK)
		rc = backup_open_verified(branch, key, copy, r, out, cause);
	if (rc != XJ_OK) {
		unlink_db(copy);
		rmdir(dir);
		close(fd);
	} else
		(*out)->held_fd = fd;
	free(copy);
	free(dir);
	return rc;
}

void
drill_close(struct store *bst)
{
	char	*path, *dir;
	int	 fd;

	if (bst == NULL)
		return;
	path = xstrdup(bst->path);
	fd = bst->held_fd;
	store_close(bst);
	unlink_db(path);
	dir = xj_dirname(path);
	rmdir(dir);
	/* Released only once it is gone. */
	if (fd != -1)
		close(fd);
	free(dir);
	free(path);
}

int
store_restore_drill(struct store *st, const unsigned char key[DB_KEY_BYTES],
    const char *path, struct drill_report *r, char **cause)
{
	struct store	*bst = NULL;
	char		*detail, *why = NULL, now[32];
	int		 rc, i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < DRILL__COUNT; i++)
		r->live[i] = r->backup[i] = -1;
	r->reapply = -1;
	if ((rc = store_require(st, PERM_RESTORE_RUN, "restore-drill",
	    cause)) != XJ_OK)
		return rc;
	r->file = xstrdup(xj_basename(path));
	if ((rc = drill_open(st, path, key, st->branch, r, &bst,
	    &why)) != XJ_OK)
		goto done;
	drill_counts(bst->db, r->backup);
	drill_counts(st->db, r->live);
	/* What a restore of it would destroy again (store_restore). */
	if (store_destroy_reapply(bst, st, 1, &r->reapply, NULL) != XJ_OK)
		r->reapply = -1;
	r->same_history = drill_same_history(st->db, bst->db, &r->backup_at);
	compare(r);
done:
	drill_close(bst);
	if (rc != XJ_OK)
		r->problem = xstrdup(why != NULL ? why : "?");

	/* The drill is recorded either way; a success is remembered. */
	xasprintf(&detail, "result=%s%s", rc == XJ_OK ? "ok" : "failed",
	    rc == XJ_OK && r->suspicious ? " suspicious=1" : "");
	i = tx_begin(st, NULL);
	if (i == XJ_OK && rc == XJ_OK) {
		snprintf(now, sizeof now, "%lld", (long long)xj_now());
		if ((i = store_meta_set(st, DRILL_META, now, NULL)) != XJ_OK)
			tx_rollback(st);
	}
	if (i == XJ_OK)
		i = log_commit(st, "backup.drill", r->file, NULL, detail,
		    NULL);
	else
		free(detail);

	if (rc != XJ_OK) {
		xj_fail(cause, rc, _("%s failed the restore drill: %s"),
		    r->file, r->problem);
		free(why);
		return rc;
	}
	if (i != XJ_OK)
		return xj_fail(cause, i, _("the drill of %s passed but "
		    "could not be recorded in the log"), r->file);
	return XJ_OK;
}

int
store_last_drill(struct store *st, time_t *at)
{
	return store_meta_time(st, DRILL_META, at);
}

int
store_drill_due(struct store *st, time_t now)
{
	time_t	at;

	return store_last_drill(st, &at) != XJ_OK || store_overdue(at, now,
	    st->cfg != NULL ? st->cfg->restore_drill_warn_days : 90);
}
