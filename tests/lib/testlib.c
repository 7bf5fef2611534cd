/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "lib/testlib.h"

char *
tl_tmpdir(void)
{
	const char	*base = getenv("TMPDIR");
	char		*path;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	xasprintf(&path, "%s/xueji-test.XXXXXX", base);
	if (mkdtemp(path) == NULL)
		fatal("mkdtemp %s failed", path);
	return path;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void
tl_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
tl_write(const char *dir, const char *name, const char *content, mode_t mode)
{
	char	*path = xj_path_join(dir, name);
	FILE	*f;

	unlink(path);
	if ((f = fopen(path, "w")) == NULL)
		fatal("cannot write %s", path);
	fputs(content, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

int
tl_file_contains(const char *path, const void *needle, size_t len)
{
	char	*buf;
	size_t	 n;
	int	 found;

	if (xj_read_file(path, (size_t)1 << 31, &buf, &n, NULL) != XJ_OK)
		return 0;
	found = len <= n && memmem(buf, n, needle, len) != NULL;
	free(buf);
	return found;
}

static const char	*scan_needle;
static char		*scan_where;

static int
scan_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (tl_file_contains(path, scan_needle, strlen(scan_needle))) {
		scan_where = xstrdup(path);
		return 1;
	}
	return 0;
}

int
tl_tree_contains(const char *dir, const char *needle, char **where)
{
	int	found;

	scan_needle = needle;
	scan_where = NULL;
	found = nftw(dir, scan_one, 16, FTW_PHYS) == 1;
	if (where != NULL)
		*where = scan_where;
	else
		free(scan_where);
	return found;
}

time_t
tl_utc(int y, int m, int d, int h)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	return timegm(&tm);
}
