/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Checked allocation and the fatal path.  Running out of memory is not
 * something a records program can recover from halfway through a
 * transaction, so it ends the program, but only after the hooks have
 * put the terminal back and wiped the keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"

static void	(*atfatal[8])(void);
static size_t	 natfatal;

void
xj_atfatal(void (*fn)(void))
{
	size_t	i;

	for (i = 0; i < natfatal; i++) {
		if (atfatal[i] == fn)
			return;
	}
	/* A hook lost would leave keys in memory or curses on: say so. */
	if (natfatal == nitems(atfatal))
		fatal("too many atfatal hooks");
	atfatal[natfatal++] = fn;
}

static void
run_atfatal(void)
{
	while (natfatal > 0)
		atfatal[--natfatal]();
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	run_atfatal();
	fprintf(stderr, "xueji: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(XJ_ESOFTWARE);
}

void
fatalx_oom(void)
{
	fatal("%s", _("out of memory"));
}

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx_oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatalx_oom();
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx_oom();
	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = realloc(old, n * size)) == NULL)
		fatalx_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatalx_oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatalx_oom();
	return p;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	n;

	if ((n = vasprintf(ret, fmt, ap)) < 0)
		fatalx_oom();
	return n;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

int
xj_fail(char **cause, int code, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		xvasprintf(cause, fmt, ap);
		va_end(ap);
	}
	return code;
}

void
xfree_wipe(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

void *
secure_alloc(size_t size)
{
	void	*p;

	if ((p = sodium_malloc(size)) == NULL)
		fatalx_oom();
	sodium_memzero(p, size);
	return p;
}

void
secure_free(void *p)
{
	/* sodium_free wipes the whole allocation before releasing it. */
	sodium_free(p);
}
