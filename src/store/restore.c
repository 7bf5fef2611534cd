/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Restore: a backup replaces the branch's database.  The backup is
 * copied beside the database and checked there as a drill checks it
 * (backup_open_verified), every destruction the live branch recorded
 * since the backup was made is done again in the copy, and only then is
 * the live file renamed to a safety copy and the checked one put in its
 * place.  Each step that fails leaves the live branch as it was.
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

/* A name for the safety copy that is not taken yet. */
static char *
safety_path(const char *db)
{
	struct tm	 tm;
	time_t		 now = xj_now();
	char		 stamp[32], suffix[64], *p;
	int		 n;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	p = xmalloc(strlen(db) + sizeof suffix);
	/* Two restores within a second: number the second one. */
	for (n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(suffix, sizeof suffix, ".before-restore-%s",
			    stamp);
		else
			snprintf(suffix, sizeof suffix, ".before-restore-%s-%d",
			    stamp, n);
		strcpy(p, db);
		strcat(p, suffix);
		if (!xj_exists(p))
			break;
	}
	return p;
}

/* Rename from to to, with the -wal that may lie beside from. */
static int
rename_db(const char *from, const char *to)
{
	char	*a, *b;

	if (rename(from, to) == -1)
		return -1;
	xasprintf(&a, "%s-wal", from);
	xasprintf(&b, "%s-wal", to);
	rename(a, b);
	free(a);
	free(b);
	xasprintf(&a, "%s-shm", from);
	unlink(a);
	free(a);
	return 0;
}

int
store_restore(struct store **stp, const unsigned char key[DB_KEY_BYTES],
    const char *path, char **safety, char **cause)
{
	struct store		*st = *stp, *bst = NULL, *nst = NULL;
	const struct config	*cfg = st->cfg;
	const struct form_spec	*form = st->form;
	const struct operator	*op = st->op;
	char			*db, *branch, *staging, *save = NULL, *detail;
	char			*why = NULL;
	int			 rc, used_next, fd;
	int64_t			 head;
	long			 reapplied = 0;

	if (safety != NULL)
		*safety = NULL;
	if ((rc = store_require(st, PERM_RESTORE_RUN, "restore", cause)) != 0)
		return rc;
	if ((fd = backup_open_file(st, path)) == -1)
		return xj_fail(cause, XJ_ENOINPUT, _("cannot read %s: %s"),
		    path, strerror(errno));
	close(fd);
	db = xstrdup(st->path);
	branch = xstrdup(st->branch);

	/* Staged beside the database, so the final rename is atomic. */
	xasprintf(&staging, "%s.restoring", db);
	unlink_db(staging);
	if ((rc = backup_copy_file(st, path, staging, cause)) != XJ_OK)
		goto fail;
	if ((rc = backup_open_verified(branch, key, staging, NULL, &bst,
	    &why)) != 0) {
		xj_fail(cause, rc, _("%s cannot be restored: %s"),
		    xj_basename(path), why);
		xasprintf(&detail, "result=failed");
		store_log(st, "backup.restore", xj_basename(path), detail, NULL);
		free(detail);
		free(why);
		goto fail;
	}
	head = store_audit_head(bst);
	/*
	 * Restore never resurrects: every destruction recorded since the
	 * backup was made is carried out again on the copy, with
	 * secure_delete, before it takes the database's place.
	 */
	store_bind(bst, cfg, form, op);
	if ((rc = tx_begin(bst, cause)) != XJ_OK)
		goto fail_staged;
	if ((rc = store_destroy_reapply(bst, st, 0, &reapplied,
	    cause)) != XJ_OK || (rc = tx_commit(bst, cause)) != XJ_OK) {
		tx_rollback(bst);
		goto fail_staged;
	}
	store_destroy_finish(bst, 1, NULL);	/* nobody else reads it */
	store_close(bst);	/* checkpoints: the staged file is whole */
	bst = NULL;

	/* The last line of the old history, kept in the safety copy. */
	save = safety_path(db);
	xasprintf(&detail, "result=replaced safety=%s", xj_basename(save));
	rc = store_log(st, "backup.restore", xj_basename(path), detail, cause);
	free(detail);
	if (rc != XJ_OK)
		goto fail;

	store_close(st);
	*stp = NULL;
	if (rename_db(db, save) == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot keep the database as %s: "
		    "%s; nothing was restored"), save, strerror(errno));
		goto reopen;
	}
	if (rename(staging, db) == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot put the backup in "
		    "place: %s; the database was left as it was"),
		    strerror(errno));
		rename_db(save, db);
		goto reopen;
	}
	sync_dir(db);
	if ((rc = store_open(db, key, NULL, branch, &used_next, &nst,
	    cause)) != XJ_OK) {
		/* Verified a moment ago; should it still fail, undo. */
		rename_db(db, staging);
		rename_db(save, db);
		goto reopen;
	}
	store_bind(nst, cfg, form, op);
	/*
	 * A backup of an older xueji: its search terms are rebuilt now.
	 * Should that fail, the restore still stands; the next login
	 * tries again (session.c).
	 */
	(void)store_search_upgrade(nst, NULL);
	/*
	 * The restored log goes on from the backup's last entry.  What was
	 * logged after the backup was made is in the safety copy only.
	 */
	xasprintf(&detail, "result=ok safety=%s backup_seq=%lld reapplied=%ld",
	    xj_basename(save), (long long)head, reapplied);
	rc = store_log(nst, "backup.restore", xj_basename(path), detail, cause);
	free(detail);
	*stp = nst;
	if (safety != NULL)
		*safety = save;
	else
		free(save);
	free(staging);
	free(db);
	free(branch);
	return rc;

reopen:
	if (store_open(db, key, NULL, branch, &used_next, &nst, NULL) ==
	    XJ_OK) {
		store_bind(nst, cfg, form, op);
		*stp = nst;
	}
	goto fail;
fail_staged:
	store_close(bst);
	store_log(st, "backup.restore", xj_basename(path), "result=failed",
	    NULL);
fail:
	unlink_db(staging);
	free(staging);
	free(save);
	free(db);
	free(branch);
	return rc;
}
