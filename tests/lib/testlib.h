/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * testlib.h — what the cmocka tests share: temporary directories, files
 * written with a given mode, byte scans.  cmocka's headers need these
 * includes first, in this order.
 */
#ifndef XUEJI_TESTLIB_H
#define XUEJI_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/types.h>
#include <time.h>
#include <cmocka.h>

/* A new directory under $TMPDIR (or /tmp); the caller frees the path. */
char	*tl_tmpdir(void);
/* Remove a directory tree (like rm -rf). */
void	 tl_rmtree(const char *path);
/* Write content to dir/name with mode; returns the malloc'd path. */
char	*tl_write(const char *dir, const char *name, const char *content,
	     mode_t mode);
/* Whether the file at path contains the bytes needle[0..len). */
int	 tl_file_contains(const char *path, const void *needle, size_t len);
/* Whether any regular file under dir contains the string needle; when it
 * does and where is not NULL, *where is the file's malloc'd path. */
int	 tl_tree_contains(const char *dir, const char *needle, char **where);
/* The time at hour h UTC of day y-m-d. */
time_t	 tl_utc(int y, int m, int d, int h);

#endif
