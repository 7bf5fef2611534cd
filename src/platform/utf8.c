/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * UTF-8 decoding and display width.  Strict: overlong forms, surrogates
 * and code points past U+10FFFF are malformed, so nothing downstream has
 * to wonder what a byte sequence means.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "xueji/platform.h"

int
utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	uint32_t		 c, min;
	int			 len, i;

	if (n == 0)
		return -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else
		return -1;
	if ((size_t)len > n)
		return -1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return len;
}

int
utf8_valid(const char *s, size_t n)
{
	uint32_t	cp;
	int		len;

	while (n > 0) {
		if ((len = utf8_decode(s, n, &cp)) < 0)
			return 0;
		s += len;
		n -= (size_t)len;
	}
	return 1;
}

int
utf8_encode(uint32_t cp, char *buf)
{
	unsigned char	*b = (unsigned char *)buf;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (unsigned char)(0xf0 | (cp >> 18));
	b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

int
utf8_width(const char *s)
{
	size_t		n = strlen(s);
	uint32_t	cp;
	int		len, w, total = 0;

	while (n > 0) {
		if ((len = utf8_decode(s, n, &cp)) < 0) {
			len = 1;
			w = 1;		/* shown as a replacement glyph */
		} else if ((w = wcwidth((wchar_t)cp)) < 0)
			w = 0;
		total += w;
		s += len;
		n -= (size_t)len;
	}
	return total;
}

int
utf8_is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x061c ||
	    c == 0x180e || c == 0x200b || c == 0x200e || c == 0x200f ||
	    (c >= 0x2028 && c <= 0x202e) || c == 0x2060 ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

void
utf8_put_text(FILE *f, const char *s)
{
	size_t		n = s != NULL ? strlen(s) : 0;
	uint32_t	cp;
	int		len;

	while (n > 0) {
		if ((len = utf8_decode(s, n, &cp)) < 0) {
			fprintf(f, "\\x%02X", (unsigned)(unsigned char)*s);
			len = 1;
		} else if (cp == '\\')
			fputs("\\\\", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\r')
			fputs("\\r", f);
		else if (utf8_is_control(cp))
			fprintf(f, "\\u%04X", (unsigned)cp);
		else
			fwrite(s, 1, (size_t)len, f);
		s += len;
		n -= (size_t)len;
	}
}
