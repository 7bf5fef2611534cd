/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Backups, restore drills and restore.  A backup is a page-by-page copy
 * (sqlite3_backup) into a new file under the same raw key, inside one
 * read transaction of the live database: in WAL mode that is a
 * snapshot, so the other terminals go on writing meanwhile.
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
#define BACKUP_META	"last_backup"
#define STEP_PAGES	256	/* pages copied between progress calls */

/* The folder of backups: backup_dir, or data_dir/backups. */
static char *
backup_dir(const struct store *st)
{
	char	*dir, *p;

	if (st->cfg != NULL && st->cfg->backup_dir != NULL)
		return xstrdup(st->cfg->backup_dir);
	if (st->cfg != NULL && st->cfg->data_dir != NULL)
		dir = xstrdup(st->cfg->data_dir);
	else
		dir = xj_dirname(st->path);
	p = xj_path_join(dir, "backups");
	free(dir);
	return p;
}

void
sync_dir(const char *path)
{
	char	*dir = xj_dirname(path);
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

void
unlink_db(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char			*p;
	size_t			 i;

	for (i = 0; i < nitems(sfx); i++) {
		xasprintf(&p, "%s%s", path, sfx[i]);
		unlink(p);
		free(p);
	}
}

/* Whether path is directly in the folder of backups (both resolved). */
static int
in_backup_dir(const struct store *st, const char *path)
{
	char	*dir, *mine, *parent, *at = NULL;
	int	 yes;

	dir = backup_dir(st);
	mine = realpath(dir, NULL);
	parent = xj_dirname(path);
	at = realpath(parent, NULL);
	yes = mine != NULL && at != NULL && strcmp(mine, at) == 0;
	free(dir);
	free(mine);
	free(parent);
	free(at);
	return yes;
}

/*
 * Open a backup the operator named, for reading.  In protected mode
 * only the folder of backups is read with the program's group; any
 * other path is opened with the operator's own (xj_user_begin), so that
 * naming the database or the key slots reads nothing they could not.
 */
int
backup_open_file(const struct store *st, const char *path)
{
	int	 fd, saved, ours;

	ours = xj_protected() && in_backup_dir(st, path);
	if (!ours)
		xj_user_begin();
	fd = open(path, O_RDONLY | (ours ? O_NOFOLLOW : 0) | O_CLOEXEC);
	saved = errno;
	if (!ours)
		xj_user_end();
	errno = saved;
	return fd;
}

/*
 * Copy from (a backup, backup_open_file) to a new file to (mode 0660 less
 * the umask: the group's in a shared data directory), synced.  XJ_OK or
 * XJ_EIO.
 */
int
backup_copy_file(const struct store *st, const char *from, const char *to,
    char **cause)
{
	char	 buf[65536];
	ssize_t	 n, w, off;
	int	 in, out, rc = XJ_OK;

	if ((in = backup_open_file(st, from)) == -1)
		return xj_fail(cause, errno == ENOENT ? XJ_ENOINPUT : XJ_EIO,
		    _("cannot read %s: %s"), from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
	if (out == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot create %s: %s"), to,
		    strerror(errno));
		close(in);
		return rc;
	}
	while (rc == XJ_OK && (n = read(in, buf, sizeof buf)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rc = xj_fail(cause, XJ_EIO, _("cannot read %s: %s"),
			    from, strerror(errno));
			break;
		}
		for (off = 0; off < n; off += w) {
			if ((w = write(out, buf + off, (size_t)(n - off))) ==
			    -1) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				rc = xj_fail(cause, XJ_EIO, _("cannot write "
				    "%s: %s"), to, strerror(errno));
				break;
			}
		}
	}
	if (rc == XJ_OK && fsync(out) == -1)
		rc = xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), to,
		    strerror(errno));
	close(in);
	if (close(out) == -1 && rc == XJ_OK)
		rc = xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), to,
		    strerror(errno));
	sodium_memzero(buf, sizeof buf);
	if (rc != XJ_OK)
		unlink(to);
	return rc;
}

/*
 * Rotation: this branch's backups in dir ("<branch>-YYYYMMDD-HHMMSS.xjb"
 * exactly, regular files only) last modified more than keep_days ago.
 * Anything else in the folder is someone else's.  keep is never deleted.
 */
static int
is_our_backup(const char *name, const char *branch)
{
	size_t	n = strlen(branch), i;

	if (strncmp(name, branch, n) != 0 || name[n] != '-')
		return 0;
	name += n + 1;
	for (i = 0; i < 15; i++) {
		if (i == 8) {
			if (name[i] != '-')
				return 0;
		} else if (name[i] < '0' || name[i] > '9')
			return 0;
	}
	return strcmp(name + 15, BACKUP_SUFFIX) == 0;
}

static int
rotate(struct store *st, const char *dir, const char *keep)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*p;
	time_t		 limit;
	int		 n = 0;

	if (st->cfg == NULL || (d = opendir(dir)) == NULL)
		return 0;
	limit = xj_now() - (time_t)st->cfg->backup_keep_days * DAY;
	while ((de = readdir(d)) != NULL) {
		if (!is_our_backup(de->d_name, st->branch) ||
		    strcmp(de->d_name, keep) == 0)
			continue;
		p = xj_path_join(dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_mtime < limit && unlink(p) == 0)
			n++;
		free(p);
	}
	closedir(d);
	return n;
}

/* When number was enrolled, from its student.enroll entry; 0: unknown. */
static time_t
enrolled_at(struct store *st, const char *number)
{
	sqlite3_stmt	*stmt;
	time_t		 at = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT at FROM audit WHERE target = ? "
	    "AND target != '' AND action = 'student.enroll' ORDER BY seq "
	    "LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		at = (time_t)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return at;
}

void
store_backup_holding(struct store *st, struct destruction *d)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*dir;
	char		*path, *p;
	time_t		 from;

	free(d->backup_file);
	d->backup_file = NULL;
	d->backup_made = d->backup_removed = 0;
	from = enrolled_at(st, d->number);
	path = backup_dir(st);
	if ((dir = opendir(path)) == NULL) {
		free(path);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!is_our_backup(de->d_name, st->branch))
			continue;
		p = xj_path_join(path, de->d_name);
		/* Made while the data were there: after enrolment, before. */
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_mtime >= from && sb.st_mtime <= d->executed_at &&
		    sb.st_mtime > d->backup_made) {
			free(d->backup_file);
			d->backup_file = xstrdup(de->d_name);
			d->backup_made = sb.st_mtime;
		}
		free(p);
	}
	closedir(dir);
	free(path);
	/* rotate() removes a backup older than backup_keep_days. */
	if (d->backup_file != NULL)
		d->backup_removed = d->backup_made + (time_t)(st->cfg != NULL ?
		    st->cfg->backup_keep_days : 0) * DAY;
}

/*
 * The default name: <dir>/<branch>-YYYYMMDD-HHMMSS.xjb, local time, in
 * dir, or in the backup folder (created) when dir is NULL.
 */
static char *
default_path(struct store *st, const char *in, char **cause)
{
	struct tm	 tm;
	time_t		 now = xj_now();
	char		*dir, *name, *path, stamp[32];
	mode_t		 mode;

	dir = in != NULL ? xstrdup(in) : backup_dir(st);
	/* The group's, like the backups in it, where the parent is shared. */
	path = xj_dirname(dir);
	mode = xj_dir_shared(path) == 1 ? 0770 : 0700;
	free(path);
	if (in == NULL && mkdir(dir, mode) == -1 && errno != EEXIST) {
		xj_fail(cause, XJ_EIO, _("cannot create the backup folder "
		    "%s: %s"), dir, strerror(errno));
		free(dir);
		return NULL;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	xasprintf(&name, "%s-%s%s", st->branch, stamp, BACKUP_SUFFIX);
	path = xj_path_join(dir, name);
	free(name);
	free(dir);
	return path;
}

/*
 * Copy the live database into tmp, page by page (sqlite3_backup): each
 * page is decrypted as it is read and encrypted again, under the same
 * key and page size, as it is written; no row is parsed and no index
 * rebuilt, where sqlcipher_export inserts every row again (about twice
 * the time; tests/bench/RESULTS.md).  Free pages come along, zeroed by
 * secure_delete when they were freed.  One step inside one read
 * transaction of the live database is a snapshot: in WAL mode the other
 * terminals go on writing meanwhile.  tmp needs neither journal nor
 * sync here: the caller syncs it, and a copy that fails is removed.
 */
static int
export_to(struct store *st, const unsigned char key[DB_KEY_BYTES],
    const char *tmp, void (*progress)(int, int, void *), void *arg,
    char **cause)
{
	const char	*doing = _("cannot write the backup");
	sqlite3		*dst = NULL;
	sqlite3_backup	*bk;
	int		 rc;

	if (store_db_open(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX) != SQLITE_OK) {
		rc = xj_fail(cause, XJ_EIO, _("%s: %s"), doing, dst != NULL ?
		    sqlite3_errmsg(dst) : "");
		goto out;
	}
	/* Keyed as the live file is: sqlite3_backup copies pages as they
	 * are, and a page of another format would not open. */
	if ((rc = store_key_db(dst, key, STORE_FORMAT_4, cause)) != XJ_OK)
		goto out;
	if (sqlite3_exec(dst, "PRAGMA journal_mode = OFF; "
	    "PRAGMA synchronous = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		rc = xj_fail(cause, XJ_EIO, _("%s: %s"), doing,
		    sqlite3_errmsg(dst));
		goto out;
	}
	/* A deferred transaction: the snapshot begins at the first read. */
	if ((rc = store_exec(st, "BEGIN", doing, cause)) != XJ_OK)
		goto out;
	st->in_tx = 1;
	/*
	 * Reads' entries commit without an fsync (store.c): once the
	 * snapshot is taken, make all it holds durable, so the copy never
	 * keeps an entry that a power cut could still take from the branch.
	 */
	if (query_count(st->db, "SELECT count(*) FROM meta") < 0) {
		rc = db_error(st, doing, cause);
		goto out;
	}
	if ((rc = store_sync_log(st, cause)) != XJ_OK)
		goto out;
	if ((bk = sqlite3_backup_init(dst, "main", st->db, "main")) == NULL) {
		rc = xj_fail(cause, XJ_EIO, _("%s: %s"), doing,
		    sqlite3_errmsg(dst));
		goto out;
	}
	/* A step at a time, so the screen can show how far it got. */
	do {
		rc = sqlite3_backup_step(bk, progress != NULL ? STEP_PAGES :
		    -1);
		if (progress != NULL && (rc == SQLITE_OK || rc == SQLITE_DONE))
			progress(sqlite3_backup_pagecount(bk) -
			    sqlite3_backup_remaining(bk),
			    sqlite3_backup_pagecount(bk), arg);
	} while (rc == SQLITE_OK);
	if (sqlite3_backup_finish(bk) != SQLITE_OK || rc != SQLITE_DONE) {
		rc = xj_fail(cause, XJ_EIO, _("%s: %s"), doing,
		    sqlite3_errmsg(dst));
		goto out;
	}
	rc = XJ_OK;
out:
	tx_rollback(st);
	if (sqlite3_close(dst) != SQLITE_OK && rc == XJ_OK)
		rc = xj_fail(cause, XJ_EIO, _("%s: %s"), doing,
		    sqlite3_errmsg(dst));
	return rc;
}

int
store_backup(struct store *st, const unsigned char key[DB_KEY_BYTES],
    const char *path, char **out, char **cause)
{
	return store_backup_progress(st, key, path, NULL, NULL, out, cause);
}

/* The log entry of a backup, and when it was made for store_last_backup. */
static int
backup_logged(struct store *st, const char *name, const char *detail,
    char **cause)
{
	char	now[32];
	int	rc;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	snprintf(now, sizeof now, "%lld", (long long)xj_now());
	if ((rc = store_meta_set(st, BACKUP_META, now, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	return log_tail(st, "backup.create", name, NULL, detail, cause);
}

int
store_backup_progress(struct store *st,
    const unsigned char key[DB_KEY_BYTES], const char *path,
    void (*progress)(int, int, void *), void *arg, char **out, char **cause)
{
	struct stat	 sb;
	char		*final = NULL, *tmp = NULL, *detail, *dir;
	mode_t		 mode;
	int		 fd, rc, rotated;

	if (out != NULL)
		*out = NULL;
	if ((rc = store_require(st, PERM_BACKUP_RUN, "backup", cause)) != 0)
		return rc;
	/* A folder (a USB stick's): the default name in it. */
	if (path != NULL && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		final = default_path(st, path, cause);
	else if (path != NULL)
		final = xstrdup(path);
	else if ((final = default_path(st, NULL, cause)) == NULL)
		return XJ_EIO;
	/*
	 * In protected mode SQLite writes the copy, and its journal, with
	 * the program's group: only where the operator cannot plant a link.
	 */
	if (xj_protected() && !in_backup_dir(st, final)) {
		dir = backup_dir(st);
		rc = xj_fail(cause, XJ_EPERM, _("%s: refused: xueji runs "
		    "setgid here, and then writes a copy of the database only "
		    "to the backup folder, %s (backup_dir in xueji.yaml), "
		    "never to one typed in; run xueji backup without FILE"),
		    final, dir);
		free(dir);
		goto fail;
	}
	if (xj_exists(final)) {
		rc = xj_fail(cause, XJ_EUNAVAIL, _("%s already exists; choose "
		    "another name"), final);
		goto fail;
	}
	/*
	 * Created first, so SQLite finds it with our mode: the group's only
	 * in a folder shared as the data directory is, whoever's umask.
	 */
	dir = xj_dirname(final);
	mode = xj_dir_shared(dir) == 1 ? 0660 : 0600;
	free(dir);
	xasprintf(&tmp, "%s.tmp-%ld", final, (long)getpid());
	unlink_db(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot create %s: %s"), tmp,
		    strerror(errno));
		goto fail;
	}
	close(fd);
	if ((rc = export_to(st, key, tmp, progress, arg, cause)) != XJ_OK)
		goto fail_tmp;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1 ||
	    fstat(fd, &sb) == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), tmp,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		goto fail_tmp;
	}
	close(fd);
	/* link(2) never replaces; rename(2) is the fallback (FAT media). */
	if (link(tmp, final) == 0)
		unlink(tmp);
	else if (errno == EEXIST || rename(tmp, final) == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), final,
		    strerror(errno));
		goto fail_tmp;
	}
	sync_dir(final);

	dir = xj_dirname(final);
	rotated = rotate(st, dir, xj_basename(final));
	free(dir);
	xasprintf(&detail, "size=%lld rotated=%d", (long long)sb.st_size,
	    rotated);
	rc = backup_logged(st, xj_basename(final), detail, cause);
	free(detail);
	if (rc != XJ_OK) {
		/* No copy of the children's data without a line in the log. */
		unlink(final);
		goto fail_tmp;
	}
	free(tmp);
	if (out != NULL)
		*out = final;
	else
		free(final);
	return XJ_OK;

fail_tmp:
	unlink_db(tmp);
fail:
	free(tmp);
	free(final);
	return rc;
}

char *
store_backup_folder(struct store *st)
{
	return backup_dir(st);
}

void
backup_list_free(struct backup_info *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

static int
newest_first(const void *a, const void *b)
{
	const struct backup_info	*x = a, *y = b;

	if (x->made != y->made)
		return x->made < y->made ? 1 : -1;
	return strcmp(y->name, x->name);
}

int
store_backup_list(struct store *st, struct backup_info **out, size_t *n,
    char **cause)
{
	struct backup_info	*v = NULL, *b;
	struct dirent		*de;
	struct stat		 sb;
	DIR			*d;
	char			*dir, *p;
	time_t			 keep;
	size_t			 k = 0;

	*out = NULL;
	*n = 0;
	dir = backup_dir(st);
	if ((d = opendir(dir)) == NULL) {
		/* No backup made yet: no folder, and nothing to list. */
		if (errno == ENOENT) {
			free(dir);
			return XJ_OK;
		}
		xj_fail(cause, XJ_EIO, _("cannot read the backup folder %s: "
		    "%s"), dir, strerror(errno));
		free(dir);
		return XJ_EIO;
	}
	keep = (time_t)(st->cfg != NULL ? st->cfg->backup_keep_days : 30) *
	    DAY;
	while ((de = readdir(d)) != NULL) {
		if (!is_our_backup(de->d_name, st->branch))
			continue;
		p = xj_path_join(dir, de->d_name);
		if (lstat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(p);
			continue;
		}
		v = xreallocarray(v, k + 1, sizeof *v);
		b = &v[k++];
		b->name = xstrdup(de->d_name);
		b->path = p;
		b->made = sb.st_mtime;
		b->size = (long long)sb.st_size;
		b->expires = sb.st_mtime + keep;
	}
	closedir(d);
	free(dir);
	if (k > 1)
		qsort(v, k, sizeof *v, newest_first);
	*out = v;
	*n = k;
	return XJ_OK;
}

int
store_last_backup(struct store *st, time_t *at)
{
	struct backup_info	*v;
	size_t			 n;

	if (store_meta_time(st, BACKUP_META, at) != XJ_OK)
		return XJ_EIO;
	/* Made before the time was kept: the newest in the folder. */
	if (*at == 0 && store_backup_list(st, &v, &n, NULL) == XJ_OK) {
		if (n > 0)
			*at = v[0].made;
		backup_list_free(v, n);
	}
	return XJ_OK;
}

int
store_backup_due(struct store *st, time_t now)
{
	time_t	at;

	return store_last_backup(st, &at) != XJ_OK || store_overdue(at, now,
	    st->cfg != NULL ? st->cfg->backup_warn_days : 7);
}
