/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Files and folders of the data directory that stand for a running
 * process (a session's name, a restore drill's scratch copy): each is
 * locked (flock) by its process for as long as it lives, and the lock
 * dies with the process, whatever killed it.  So one that nobody holds
 * was left by a process that is gone: it means nothing and is removed.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"

int
xj_hold(int fd)
{
	struct stat	sb;

	/*
	 * A sweep may have found it in the moment between its creation
	 * and our lock, and removed it: then it is no longer a name of
	 * ours, and the caller makes another.
	 */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 || fstat(fd, &sb) == -1 ||
	    sb.st_nlink == 0)
		return -1;
	return 0;
}

/* Empty the folder open as fd (files only, never through a link). */
static void
empty_folder(int fd)
{
	struct dirent	*de;
	DIR		*d;
	int		 dfd;

	if ((dfd = dup(fd)) == -1)
		return;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

int
xj_sweep(const char *dir, const char *prefix, const char *self,
    void (*held)(int, void *), void *arg)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	size_t		 len = strlen(prefix);
	int		 fd, live = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, len) != 0 ||
		    (self != NULL && strcmp(de->d_name, self) == 0))
			continue;
		/* Never through a link, never blocked by a FIFO. */
		if ((fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC)) == -1)
			continue;
		if (fstat(fd, &sb) == -1 ||
		    (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))) {
			close(fd);
			continue;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			/* Held by us while it goes: nobody takes it now. */
			if (S_ISDIR(sb.st_mode)) {
				empty_folder(fd);
				unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
			} else
				unlinkat(dirfd(d), de->d_name, 0);
		} else if (errno == EWOULDBLOCK) {
			live++;
			if (held != NULL)
				held(fd, arg);
		}
		close(fd);
	}
	closedir(d);
	return live;
}
