/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The data directory, checked before anything in it is opened: who may
 * enter it, what mode and group its files have, that none is a link.
 * SQLite opens its side files by name and follows links, and in the
 * setgid deployment a planted link would be written through with the
 * group's rights (xueji(7), DEPLOYMENT); the check is what stops it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/session.h"
#include "session-int.h"

/*
 * Whether the entry name of the directory open as dfd (called path) is
 * a file xueji may open: a regular file, not a link, with one name.  In
 * protected mode also of the right group and mode: in a shared
 * directory the directory's group and at most 0660, otherwise ours and
 * at most 0600.  Folders (backups) get the same treatment, their files
 * too.  SQLite opens -wal, -shm and -journal by name, following links:
 * this is what keeps a planted link from being written through.
 */
static int
check_entry(int dfd, const char *path, const char *name,
    const struct stat *dir, int depth, char **cause)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		*sub;
	mode_t		 allowed;
	int		 fd, shared, rc = XJ_OK;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? XJ_OK : xj_fail(cause, XJ_EIO,
		    "%s/%s: %s", path, name, strerror(errno));
	shared = (dir->st_mode & S_ISGID) != 0;
	if (S_ISDIR(sb.st_mode) && depth == 0 && xj_protected()) {
		allowed = shared ? 02770 : 0700;
		if ((sb.st_mode & 07777 & ~allowed) != 0 ||
		    (shared ? sb.st_gid != dir->st_gid :
		    sb.st_uid != geteuid()))
			goto bad;
		if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1 ||
		    (d = fdopendir(fd)) == NULL) {
			if (fd != -1)
				close(fd);
			return xj_fail(cause, XJ_EIO, "%s/%s: %s", path, name,
			    strerror(errno));
		}
		sub = xj_path_join(path, name);
		while (rc == XJ_OK && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				rc = check_entry(dirfd(d), sub, de->d_name,
				    dir, depth + 1, cause);
		}
		free(sub);
		closedir(d);
		return rc;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1)
		goto bad;
	if (!xj_protected())
		return XJ_OK;
	allowed = shared ? 0660 : 0600;
	if ((sb.st_mode & 07777 & ~allowed) != 0 ||
	    (shared ? sb.st_gid != dir->st_gid : sb.st_uid != geteuid()))
		goto bad;
	return XJ_OK;
bad:
	return xj_fail(cause, XJ_ECONFIG, _("%s/%s: refusing to open the "
	    "branch: every file of the data directory must be a regular "
	    "file, not a link, of the directory's group and mode 0660 (0600 "
	    "in a private directory); nothing was touched (see xueji(7))"),
	    path, name);
}

/*
 * The files of the data directory, before anything opens them: in
 * protected mode every entry, otherwise the ones xueji and SQLite open
 * by name.
 */
static int
check_data_files(const char *dir, const struct stat *sb, char **cause)
{
	static const char *const names[] = {
		STORE_DB_NAME, STORE_DB_NAME "-wal", STORE_DB_NAME "-shm",
		STORE_DB_NAME "-journal", STORE_KEYSLOTS_NAME,
		SESSION_LOCK_NAME, STORE_AUTHFAIL_NAME, STORE_FAILREC_NAME,
	};
	struct dirent	*de;
	DIR		*d;
	size_t		 i;
	int		 rc = XJ_OK;

	if ((d = opendir(dir)) == NULL)
		return xj_fail(cause, XJ_EIO, "%s: %s", dir, strerror(errno));
	if (xj_protected()) {
		while (rc == XJ_OK && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				rc = check_entry(dirfd(d), dir, de->d_name, sb,
				    0, cause);
		}
	} else {
		for (i = 0; rc == XJ_OK && i < nitems(names); i++)
			rc = check_entry(dirfd(d), dir, names[i], sb, 0, cause);
	}
	closedir(d);
	return rc;
}

/*
 * Refuse a data directory that other users may enter, list or write
 * into, and set the umask from it (platform_data_dir): files are 0660
 * in a directory shared with a group (2770), 0600 otherwise.  In
 * protected mode it must be root's, in our effective group, 2770, below
 * directories only root may change.  Then, once what killed processes
 * left is swept away, its files (check_data_files).
 */
int
session_check_data_dir(const char *dir, char **cause)
{
	struct stat	 sb;
	char		*parent;
	int		 rc;

	if (stat(dir, &sb) == -1)
		return xj_fail(cause, XJ_ENOINPUT, _("%s: no such directory; "
		    "create the branch with xueji init"), dir);
	if (!S_ISDIR(sb.st_mode))
		return xj_fail(cause, XJ_ECONFIG, _("%s is not a directory"),
		    dir);
	/*
	 * Even read or search for others is refused: a file copied in by
	 * hand with a looser mode would be open to every local account.
	 */
	if (sb.st_mode & S_IRWXO)
		return xj_fail(cause, XJ_ECONFIG, _("%s is open to other users; "
		    "run chmod o-rwx on it"), dir);
	if (xj_protected()) {
		if (sb.st_uid != 0 || sb.st_gid != getegid() ||
		    (sb.st_mode & 07777) != 02770)
			return xj_fail(cause, XJ_ECONFIG, _("%s: refused: "
			    "xueji runs setgid and then needs the data "
			    "directory owned by root, in its group, mode 2770 "
			    "(see xueji(7))"), dir);
		parent = xj_dirname(dir);
		rc = xj_check_trusted(parent, cause);
		free(parent);
		if (rc != XJ_OK)
			return rc == XJ_ENOINPUT ? XJ_ECONFIG : rc;
	}
	if (platform_data_dir(dir) == -1)
		return xj_fail(cause, XJ_ECONFIG, _("%s is not a directory"),
		    dir);
	/*
	 * What killed sessions and restore drills left: nobody holds it,
	 * so it means nothing, and must not stand in anyone's way.
	 */
	xj_sweep(dir, SESSION_HOLDER_PREFIX, NULL, NULL, NULL);
	xj_sweep(dir, STORE_DRILL_PREFIX, NULL, NULL, NULL);
	return check_data_files(dir, &sb, cause);
}
