/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Process set-up, time, hex and whole-file helpers.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"

/* The umask in force, kept to mask xj_write_file_atomic's fchmod too. */
static mode_t	file_umask = S_IRWXG | S_IRWXO;

void
platform_init(void)
{
	struct rlimit	rl = { 0, 0 };

	/* A core dump would hold keys and children's names in clear. */
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/*
	 * Nobody else may read our memory (the key) through /proc or
	 * ptrace: the kernel's refusal is what protected mode rests on.
	 */
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		fatal("%s", _("cannot make the process non-dumpable "
		    "(prctl PR_SET_DUMPABLE); refusing to run"));
	(void)xj_protected();
	file_umask = S_IRWXG | S_IRWXO;
	umask(file_umask);
	if (sodium_init() < 0)
		fatal("%s", _("cannot initialise libsodium"));
}

int
xj_dir_shared(const char *dir)
{
	struct stat	sb;

	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return -1;
	/*
	 * Without the setgid bit new files would take the creator's own
	 * group, and 0660 would share them with whoever is in it.
	 */
	return (sb.st_mode & S_ISGID) && (sb.st_mode & S_IRWXG) == S_IRWXG &&
	    (sb.st_mode & S_IRWXO) == 0;
}

int
platform_data_dir(const char *dir)
{
	int	shared;

	if ((shared = xj_dir_shared(dir)) == -1)
		return -1;
	file_umask = shared ? S_IRWXO : S_IRWXG | S_IRWXO;
	umask(file_umask);
	return shared;
}

int
xj_parse_isotime(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		return -1;
	if (*end == 'Z')
		end++;
	if (*end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

time_t
xj_now(void)
{
	const char	*s = getenv("XUEJI_NOW");
	struct tm	 tm;
	char		*end;
	long long	 v;
	time_t		 t;

	/* An operator's clock would date the log and the back-off. */
	if (s == NULL || *s == '\0' || xj_protected())
		return time(NULL);
	if (xj_parse_isotime(s, &t) == 0)
		return t;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == '\0')
		return timegm(&tm);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == 0 && *end == '\0')
		return (time_t)v;
	return time(NULL);
}

double
xj_monotonic(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
xj_timefmt(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

void
xj_isotime(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
xj_hex(const unsigned char *data, size_t len, char *out)
{
	sodium_bin2hex(out, 2 * len + 1, data, len);
}

int
xj_unhex(const char *hex, unsigned char *out, size_t len)
{
	size_t	got;

	if (strlen(hex) != 2 * len)
		return -1;
	if (sodium_hex2bin(out, len, hex, 2 * len, NULL, &got, NULL) != 0 ||
	    got != len)
		return -1;
	return 0;
}

char *
xj_path_join(const char *dir, const char *name)
{
	char	*p;
	size_t	 n;

	if (name[0] == '/' || dir == NULL || dir[0] == '\0')
		return xstrdup(name);
	n = strlen(dir);
	if (n > 0 && dir[n - 1] == '/')
		xasprintf(&p, "%s%s", dir, name);
	else
		xasprintf(&p, "%s/%s", dir, name);
	return p;
}

char *
xj_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *
xj_basename(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

int
xj_read_file(const char *path, size_t max, char **out, size_t *lenp,
    char **cause)
{
	struct stat	 st;
	char		*buf;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return xj_fail(cause, XJ_ENOINPUT, _("%s: no such file"),
			    path);
		return xj_fail(cause, XJ_EIO, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return xj_fail(cause, XJ_EIO, _("%s: not a regular file"), path);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return xj_fail(cause, XJ_EDATA, _("%s: file too large"), path);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (off != (size_t)st.st_size) {
		free(buf);
		return xj_fail(cause, XJ_EIO, _("%s: short read"), path);
	}
	buf[off] = '\0';
	*out = buf;
	if (lenp != NULL)
		*lenp = off;
	return XJ_OK;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
xj_write_file_atomic(const char *path, const void *data, size_t len,
    unsigned mode, char **cause)
{
	char	*dir, *tmp;
	int	 fd, dfd, saved;

	dir = xj_dirname(path);
	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
	if (fd == -1)
		goto fail;
	/* Exactly mode less the umask, whatever the umask was at open. */
	if (fchmod(fd, (mode_t)mode & ~file_umask) == -1 ||
	    write_all(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(dir);
	return XJ_OK;

fail:
	saved = errno;
	free(tmp);
	free(dir);
	return xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), path,
	    strerror(saved));
}

const char *
xj_pgettext(const char *ctx_and_msgid, const char *msgid)
{
	const char	*t = gettext(ctx_and_msgid);

	return t == ctx_and_msgid ? msgid : t;
}
