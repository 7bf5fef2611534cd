/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Chinese phone numbers: one stored form per number, so that search by
 * the last four digits and duplicate checks see the same digits however
 * the receptionist typed them, and masks for display.
 *
 * Stored forms: a mobile as its 11 digits ("13812345678"); a landline as
 * area code, hyphen, local number ("021-62345678", "0571-8765432").
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/forms.h"

#define PHONE_MAX_DIGITS	20

static int
is_mobile(const char *p)
{
	return strlen(p) == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9';
}

/* The length of p's area code (3 or 4), or 0 when it has none. */
static size_t
area_code_len(const char *p)
{
	if (p[0] != '0')
		return 0;
	if (p[1] == '1' && p[2] == '0')
		return 3;		/* 010 Beijing */
	if (p[1] == '2')
		return 3;		/* 020 … 029 */
	if (p[1] >= '3' && p[1] <= '9')
		return 4;		/* 0571, 0913, … */
	return 0;
}

/* Bring a phone number into its stored form. */
int
phone_normalise(const char *value, char **norm, char **cause)
{
	char		 d[PHONE_MAX_DIGITS + 1], *p;
	size_t		 nd = 0, alen, len, local;
	uint32_t	 c;
	int		 n, plus = 0, prefixed = 0;

	len = strlen(value);
	while (len > 0) {
		if ((n = utf8_decode(value, len, &c)) < 0)
			goto bad_char;
		value += n;
		len -= (size_t)n;
		if (c >= 0xff01 && c <= 0xff5e)
			c -= 0xfee0;	/* full-width ASCII */
		if (c == ' ' || c == '\t' || c == 0x3000 || c == '-' ||
		    c == '(' || c == ')')
			continue;
		if (c == '+' && nd == 0 && !plus) {
			plus = 1;
			continue;
		}
		if (c < '0' || c > '9')
			goto bad_char;
		if (nd == PHONE_MAX_DIGITS)
			goto bad_number;
		d[nd++] = (char)c;
	}
	d[nd] = '\0';

	p = d;
	if (plus) {
		if (nd < 2 || memcmp(d, "86", 2) != 0)
			goto bad_number;
		p += 2;
		prefixed = 1;
	} else if (nd > 4 && memcmp(d, "0086", 4) == 0) {
		p += 4;
		prefixed = 1;
	} else if (nd == 13 && memcmp(d, "861", 3) == 0) {
		p += 2;
		prefixed = 1;
	}
	if (is_mobile(p)) {
		*norm = xstrdup(p);
		return XJ_OK;
	}
	if (prefixed || p[0] == '1')
		goto bad_mobile;

	if ((alen = area_code_len(p)) == 0)
		goto bad_number;
	local = strlen(p) - alen;
	if (local != 8 && (alen == 3 || local != 7))
		goto bad_number;
	xasprintf(norm, "%.*s-%s", (int)alen, p, p + alen);
	return XJ_OK;

bad_char:
	return xj_fail(cause, XJ_EDATA, "%s", _("a phone number may contain "
	    "only digits, spaces, hyphens, parentheses and a leading +86"));
bad_mobile:
	return xj_fail(cause, XJ_EDATA, "%s", _("a mobile number must have "
	    "11 digits and start with 13 to 19"));
bad_number:
	return xj_fail(cause, XJ_EDATA, "%s", _("the phone number must be an "
	    "11-digit mobile number or a landline number with its area code"));
}

static int
all_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return 1;
}

/* Mask a phone number for display, keeping what identifies no one. */
char *
phone_mask(const char *s)
{
	const char	*dash;
	char		*out;
	size_t		 len, alen, local, i, nstars, cut, kept;
	int		 utf8;

	if (s == NULL)
		return xstrdup("");
	len = strlen(s);

	if (len == 11 && s[0] == '1' && all_digits(s, len)) {
		xasprintf(&out, "%.3s****%s", s, s + 7);
		return out;
	}
	if ((dash = strchr(s, '-')) != NULL) {
		alen = (size_t)(dash - s);
		local = strlen(dash + 1);
		if (s[0] == '0' && (alen == 3 || alen == 4) &&
		    all_digits(s, alen) && (local == 7 || local == 8) &&
		    all_digits(dash + 1, local)) {
			xasprintf(&out, "%.*s%.*s%s", (int)alen + 1, s,
			    (int)local - 4, "****", s + len - 4);
			return out;
		}
	}

	/*
	 * Anything else: every character but the last four becomes '*'.
	 * Characters, not bytes, when the text is valid UTF-8.
	 */
	utf8 = utf8_valid(s, len);
	cut = len;
	for (kept = 0; cut > 0 && kept < 4; kept++) {
		cut--;
		while (utf8 && cut > 0 &&
		    ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	nstars = 0;
	for (i = 0; i < cut; i++) {
		if (!utf8 || ((unsigned char)s[i] & 0xc0) != 0x80)
			nstars++;
	}
	out = xmalloc(nstars + (len - cut) + 1);
	memset(out, '*', nstars);
	memcpy(out + nstars, s + cut, len - cut + 1);
	return out;
}

/* Write the last four digits of a normalised phone into out, or "". */
void
phone_tail(const char *s, char out[5])
{
	size_t	len, got = 0;

	out[0] = '\0';
	if (s == NULL)
		return;
	len = strlen(s);
	out[4] = '\0';
	while (len > 0 && got < 4) {
		len--;
		if (s[len] >= '0' && s[len] <= '9')
			out[3 - got++] = s[len];
		else if (s[len] != '-' && s[len] != ' ')
			break;
	}
	if (got < 4)
		out[0] = '\0';
}
