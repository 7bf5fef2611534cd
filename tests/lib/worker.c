/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "lib/worker.h"

void
tw_name(char *buf, size_t len, const char *prefix, unsigned long n)
{
	char	letters[16];
	size_t	i = 0;

	/* Letters only: a digit is not allowed in a name. */
	do {
		letters[i++] = (char)('a' + n % 26);
		n /= 26;
	} while (n > 0 && i < sizeof letters - 1);
	letters[i] = '\0';
	snprintf(buf, len, "%s %c%s", prefix, 'A' + (int)(i % 26), letters);
}

void
tw_phone(char *buf, size_t len, unsigned long n)
{
	snprintf(buf, len, "139%08lu", n % 100000000UL);
}

struct session *
tw_login(const char *config, const char *id, char **cause)
{
	struct session	*s;
	char		 pw[64];

	if (session_load(config, NULL, &s, cause) != XJ_OK)
		return NULL;
	snprintf(pw, sizeof pw, "pass-%s", id);
	if (session_login(s, id, pw, strlen(pw), cause) != XJ_OK) {
		session_free(s);
		return NULL;
	}
	return s;
}

void
tw_say(int fd, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		n = sizeof line - 1;
	while (write(fd, line, (size_t)n) == -1 && errno == EINTR)
		;
}

void
tw_slurp(int fd, char **buf, size_t *len)
{
	char	 chunk[4096];
	ssize_t	 n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*buf = xreallocarray(*buf, *len + (size_t)n + 1, 1);
		memcpy(*buf + *len, chunk, (size_t)n);
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
	if (*buf == NULL) {
		*buf = xstrdup("");
		*len = 0;
	}
}

long
tw_env(const char *name, long def)
{
	const char	*v = getenv(name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end == '\0' && n > 0 ? n : def;
}

void
tw_figures(const char *test, long runs, long ops, long lost, long corrupt,
    long crashes, long leaks)
{
	printf("FIGURES %s runs=%ld ops=%ld lost=%ld corrupt=%ld crashes=%ld "
	    "leaks=%ld\n", test, runs, ops, lost, corrupt, crashes, leaks);
	fflush(stdout);
}
