/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * What people type that every layer reads the same way: a day, in the
 * branch's local time as the screens and the command line both show it,
 * and a record id.  One definition each, so that the log screen's filter
 * and the command line's --since cannot disagree about 2026-13-45 or
 * about which day 07:00 in Shanghai belongs to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"

/* Read min..max decimal digits at *s into *v; -1 for fewer or more. */
static int
digits(const char **s, int min, int max, int *v)
{
	int	n;

	for (n = *v = 0; **s >= '0' && **s <= '9'; (*s)++) {
		if (++n > max)
			return -1;
		*v = *v * 10 + (**s - '0');
	}
	return n < min ? -1 : 0;
}

int
xj_parse_day(const char *s, int through, time_t *out)
{
	struct tm	tm;
	time_t		t;
	int		y, m, d;

	if (digits(&s, 4, 4, &y) != 0 || *s++ != '-' ||
	    digits(&s, 1, 2, &m) != 0 || *s++ != '-' ||
	    digits(&s, 1, 2, &d) != 0 || *s != '\0')
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	/* mktime carries 2026-13-45 into 2027; a real day comes back. */
	if ((t = mktime(&tm)) == (time_t)-1 || tm.tm_year != y - 1900 ||
	    tm.tm_mon != m - 1 || tm.tm_mday != d)
		return -1;
	if (through) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d + 1;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return -1;
	}
	*out = t;
	return 0;
}

time_t
xj_add_months(time_t t, long months)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	tm.tm_mon += (int)months;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

void
xj_dayfmt(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		buf[0] = '\0';
}

int
xj_parse_id(const char *s, int64_t *id)
{
	char		*end;
	long long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1)
		return -1;
	*id = (int64_t)v;
	return 0;
}
