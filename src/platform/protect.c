/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Protected mode: xueji installed setgid to group xueji, run by an
 * operator who is not in that group (xueji(7)).  The process then holds
 * what its user does not: the data directory.  Only root and the
 * branch's own files are trusted, as crontab and unix_chkpwd trust them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"

/* Decided once, before xj_user_begin may make the two gids equal. */
static int	protected_mode = -1;

int
xj_protected(void)
{
	if (protected_mode == -1)
		protected_mode = getegid() != getgid();
	return protected_mode;
}

int
xj_exists(const char *path)
{
	return faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
}

/*
 * One component of a trusted path: owned by root, and neither group nor
 * others may write it.  A directory others may write is still trusted
 * when it is root's and sticky (/tmp): nobody else may rename or remove
 * what root put in it.
 */
static int
trusted_one(const char *path, const char *whole, char **cause)
{
	struct stat	sb;

	if (stat(path, &sb) == -1) {
		if (errno == ENOENT)
			return xj_fail(cause, XJ_ENOINPUT,
			    _("%s: no such file"), path);
		return xj_fail(cause, XJ_ECONFIG, "%s: %s", path,
		    strerror(errno));
	}
	if (sb.st_uid != 0)
		return xj_fail(cause, XJ_ECONFIG, _("%s: refused: xueji runs "
		    "setgid and then reads only files owned by root, in "
		    "directories owned by root; %s is owned by uid %ld (see "
		    "xueji(7))"), whole, path, (long)sb.st_uid);
	if ((sb.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    !(S_ISDIR(sb.st_mode) && (sb.st_mode & S_ISVTX)))
		return xj_fail(cause, XJ_ECONFIG, _("%s: refused: xueji runs "
		    "setgid and then reads only files that neither group nor "
		    "others may write, nor the directories above them; %s is "
		    "mode %04o (see xueji(7))"), whole, path,
		    (unsigned)(sb.st_mode & 07777));
	return XJ_OK;
}

int
xj_check_trusted(const char *path, char **cause)
{
	char	*real, *p;
	int	 rc;

	if ((real = realpath(path, NULL)) == NULL) {
		if (errno == ENOENT)
			return xj_fail(cause, XJ_ENOINPUT,
			    _("%s: no such file"), path);
		return xj_fail(cause, XJ_ECONFIG, "%s: %s", path,
		    strerror(errno));
	}
	/* The file itself, then each directory up to "/". */
	rc = trusted_one(real, path, cause);
	while (rc == XJ_OK && (p = strrchr(real, '/')) != NULL) {
		if (p == real) {
			rc = trusted_one("/", path, cause);
			break;
		}
		*p = '\0';
		rc = trusted_one(real, path, cause);
	}
	free(real);
	return rc;
}

/*
 * Check that only root or we can change the file at path, like sshd; in
 * protected mode only root, up to "/" (xj_check_trusted).
 */
int
xj_check_config_file(const char *path, char **cause)
{
	struct stat	st;

	if (xj_protected())
		return xj_check_trusted(path, cause);
	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return xj_fail(cause, XJ_ENOINPUT,
			    _("%s: no such file"), path);
		return xj_fail(cause, XJ_ECONFIG, "%s: %s", path,
		    strerror(errno));
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return xj_fail(cause, XJ_ECONFIG, _("%s: refusing a file that "
		    "decides roles or what they see and is writable by group "
		    "or others; run \"chmod go-w %s\""), path, path);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return xj_fail(cause, XJ_ECONFIG, _("%s: refusing a file that "
		    "decides roles or what they see and is owned by uid %ld, "
		    "neither root nor you; run \"chown root %s\""), path,
		    (long)st.st_uid, path);
	return XJ_OK;
}

/*
 * The effective group while a file the operator named is opened: theirs,
 * so that a path of their choosing reaches only what they could reach
 * themselves, and what is created there is theirs.
 */
static gid_t	saved_egid;
static int	as_user;

void
xj_user_begin(void)
{
	int	saved = errno;

	if (as_user > 0 || !xj_protected()) {
		as_user += as_user > 0;
		return;
	}
	as_user = 1;
	saved_egid = getegid();
	if (setegid(getgid()) == -1)
		fatal("setegid: %s", strerror(errno));
	errno = saved;
}

/* errno is kept, so that it still tells what the open did. */
void
xj_user_end(void)
{
	int	saved = errno;

	if (as_user == 0 || --as_user > 0)
		return;
	if (setegid(saved_egid) == -1)
		fatal("setegid: %s", strerror(errno));
	errno = saved;
}

int
xj_create_user_file(const char *path)
{
	int	fd, saved;

	xj_user_begin();
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	saved = errno;
	/* Whatever the umask: the operator's alone. */
	if (fd != -1 && fchmod(fd, 0600) == -1) {
		saved = errno;
		close(fd);
		unlink(path);
		fd = -1;
	}
	xj_user_end();
	errno = saved;
	return fd;
}

void
xj_unlink_user_file(const char *path)
{
	xj_user_begin();
	unlink(path);
	xj_user_end();
}

int
xj_write_user_file(const char *path, const void *data, size_t len,
    char **cause)
{
	const char	*p = data;
	ssize_t		 n;
	int		 fd, saved;

	if ((fd = xj_create_user_file(path)) == -1)
		return xj_fail(cause, errno == EEXIST ? XJ_EUNAVAIL : XJ_EIO,
		    _("cannot create %s: %s"), path, strerror(errno));
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		len -= (size_t)n;
	}
	saved = len > 0 ? (errno != 0 ? errno : EIO) : 0;
	if (saved == 0 && fsync(fd) == -1)
		saved = errno;
	if (close(fd) == -1 && saved == 0)
		saved = errno;
	if (saved != 0) {
		xj_unlink_user_file(path);
		return xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), path,
		    strerror(saved));
	}
	return XJ_OK;
}

int
xj_read_user_file(const char *path, size_t max, char **out, size_t *lenp,
    char **cause)
{
	int	rc;

	xj_user_begin();
	rc = xj_read_file(path, max, out, lenp, cause);
	xj_user_end();
	return rc;
}
