/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Search: the terms of a record and the ranges a search text reads.
 * One place folds what is typed and what is stored alike, so a name
 * typed without its "·", a phone typed with spaces or in full-width
 * digits, finds what was enrolled.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/forms.h"
#include "xueji/pinyin.h"
#include "xueji/search.h"

/* Characters a name may be written with or without: spaces and the
 * middle dots people type for "·". */
static int
name_gap(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '.' || cp == 0xb7 ||
	    cp == 0x2022 || cp == 0x2027 || cp == 0x2e31 || cp == 0x30fb ||
	    cp == 0xff65;
}

/* Append the UTF-8 of cp to buf at *len (buf has room for it). */
static void
put(char *buf, size_t *len, uint32_t cp)
{
	*len += (size_t)utf8_encode(cp, buf + *len);
}

char *
search_fold(const char *s)
{
	size_t		 len = strlen(s), n = 0, end;
	uint32_t	 cp;
	char		*out;
	int		 k;

	if (!utf8_valid(s, len))
		return NULL;
	/* Folding never lengthens: 3 bytes (U+FF01…) become 1. */
	out = xmalloc(len + 1);
	while (len > 0) {
		if ((k = utf8_decode(s, len, &cp)) <= 0)
			break;
		s += k;
		len -= (size_t)k;
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		else if (cp == 0x3000)
			cp = ' ';
		if (n == 0 && (cp == ' ' || cp == '\t'))
			continue;
		put(out, &n, cp);
	}
	for (end = n; end > 0 && (out[end - 1] == ' ' ||
	    out[end - 1] == '\t'); end--)
		;
	out[end] = '\0';
	return out;
}

/* The name as the n: terms hold it: folded, without gaps, ASCII in
 * lower case.  NULL if name is not valid UTF-8. */
static char *
name_key(const char *name)
{
	char		*f, *out;
	const char	*s;
	size_t		 len, n = 0;
	uint32_t	 cp;
	int		 k;

	if ((f = search_fold(name)) == NULL)
		return NULL;
	len = strlen(f);
	out = xmalloc(len + 1);
	for (s = f; len > 0; s += k, len -= (size_t)k) {
		if ((k = utf8_decode(s, len, &cp)) <= 0)
			break;
		if (name_gap(cp))
			continue;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		put(out, &n, cp);
	}
	out[n] = '\0';
	xfree_wipe(f);
	return out;
}

/* Hand fn the term kind:text, wiped after. */
static int
emit(search_term_fn *fn, void *arg, const char *kind, const char *text,
    size_t len)
{
	char	*t;
	int	 rc;

	xasprintf(&t, "%s:%.*s", kind, (int)len, text);
	rc = fn(t, arg);
	xfree_wipe(t);
	return rc;
}

int
search_name_terms(const char *name, search_term_fn *fn, void *arg)
{
	char	**full = NULL, **ini = NULL, *key;
	size_t	  nfull = 0, nini = 0, i;
	int	  rc = 0;

	if ((key = name_key(name)) == NULL)
		return 0;
	if (*key != '\0')
		rc = emit(fn, arg, "n", key, strlen(key));
	xfree_wipe(key);
	if (rc != 0 || pinyin_terms(name, &full, &nfull, &ini, &nini) != XJ_OK)
		return rc;
	for (i = 0; rc == 0 && i < nfull; i++)
		rc = emit(fn, arg, "p", full[i], strlen(full[i]));
	for (i = 0; rc == 0 && i < nini; i++)
		rc = emit(fn, arg, "i", ini[i], strlen(ini[i]));
	/* The heads a search of one or two letters reads (query_words). */
	for (i = 0; rc == 0 && i < nfull; i++) {
		rc = emit(fn, arg, "h", full[i], 1);
		if (rc == 0 && strlen(full[i]) >= 2)
			rc = emit(fn, arg, "h", full[i], 2);
	}
	for (i = 0; rc == 0 && i < nini; i++) {
		if (strlen(ini[i]) >= 2)
			rc = emit(fn, arg, "h", ini[i], 2);
	}
	pinyin_terms_free(full, nfull);
	pinyin_terms_free(ini, nini);
	return rc;
}

/* The digits of s, at most max - 1 of them, into out. */
static size_t
digits_of(const char *s, char *out, size_t max)
{
	size_t	n = 0;

	for (; *s != '\0' && n < max - 1; s++) {
		if (*s >= '0' && *s <= '9')
			out[n++] = *s;
	}
	out[n] = '\0';
	return n;
}

int
search_phone_terms(const char *phone, search_term_fn *fn, void *arg)
{
	char		 tail[5], digits[32];
	const char	*dash;
	size_t		 n;
	int		 rc = 0;

	phone_tail(phone, tail);
	if (*tail != '\0')
		rc = emit(fn, arg, "t", tail, 4);
	n = digits_of(phone, digits, sizeof digits);
	if (rc == 0 && n > 4)
		rc = emit(fn, arg, "f", digits, n);
	/* A landline, "021-62345678", also as its local number. */
	if (rc == 0 && (dash = strchr(phone, '-')) != NULL &&
	    (n = digits_of(dash + 1, digits, sizeof digits)) > 4)
		rc = emit(fn, arg, "f", digits, n);
	return rc;
}

int
search_number_terms(const char *number, search_term_fn *fn, void *arg)
{
	const char	*p;
	int		 rc = 0;

	for (p = strchr(number, '-'); rc == 0 && p != NULL;
	    p = strchr(p + 1, '-')) {
		if (p[1] != '\0')
			rc = emit(fn, arg, "q", p + 1, strlen(p + 1));
	}
	return rc;
}

/* Set r to the prefix range of kind:text ("" kind: no prefix). */
static void
range_prefix(struct search_range *r, const char *kind, const char *text)
{
	xasprintf(&r->lo, "%s%s%s", kind, *kind != '\0' ? ":" : "", text);
	/* "\xff" ends every prefix range, being above any byte of UTF-8. */
	xasprintf(&r->hi, "%s\xff", r->lo);
}

/* Set r to the one term kind:text: no term continues with a byte
 * below 0x01. */
static void
range_exact(struct search_range *r, const char *kind, const char *text)
{
	xasprintf(&r->lo, "%s:%s", kind, text);
	xasprintf(&r->hi, "%s\x01", r->lo);
}

/* The next unused term range of q, or NULL. */
static struct search_range *
next_range(struct search_query *q)
{
	size_t	i;

	for (i = 0; i < SEARCH_RANGES; i++) {
		if (q->term[i].lo == NULL)
			return &q->term[i];
	}
	return NULL;
}

/* Whether every byte of s is in set, and s is not empty. */
static int
only(const char *s, const char *set)
{
	return *s != '\0' && strspn(s, set) == strlen(s);
}

/* The ranges of a text of digits and the signs phones are written
 * with. */
static void
query_digits(struct search_query *q, const char *f)
{
	char	 digits[32], *norm = NULL;
	size_t	 n;

	n = digits_of(f, digits, sizeof digits);
	if (n == 4 && only(f, "0123456789"))
		range_prefix(next_range(q), "t", digits);
	if (strlen(f) >= 5 && only(f, "0123456789-") && isdigit(
	    (unsigned char)f[0]))
		range_prefix(next_range(q), "q", f);
	if (n >= 5) {
		/* "+86 139…", "0086…": the stored form's digits. */
		if (phone_normalise(f, &norm, NULL) == XJ_OK)
			n = digits_of(norm, digits, sizeof digits);
		xfree_wipe(norm);
		range_exact(next_range(q), "f", digits);
	}
}

/* The ranges of a text that holds more than digits. */
static void
query_words(struct search_query *q, const char *f, const char *branch_code)
{
	char	*key, *up, *py;
	size_t	 i, n;

	/* A number only with its dash: "sh" is pinyin, not SH01. */
	if (strchr(f, '-') != NULL && isalpha((unsigned char)f[0])) {
		up = xstrdup(f);
		for (i = 0; up[i] != '\0' && i < strlen(branch_code); i++)
			up[i] = (char)toupper((unsigned char)up[i]);
		range_prefix(&q->number, "", up);
		free(up);
	}
	if (strpbrk(f, "0123456789") != NULL)
		return;
	if ((key = name_key(f)) != NULL && *key != '\0')
		range_prefix(next_range(q), "n", key);
	xfree_wipe(key);
	/* Letters, spaces and apostrophes ("xi'an") may be pinyin. */
	py = xstrdup(f);
	for (i = n = 0; py[i] != '\0'; i++) {
		if (py[i] != ' ' && py[i] != '\'')
			py[n++] = py[i];
	}
	py[n] = '\0';
	if (pinyin_is_query(py)) {
		pinyin_fold(py);
		/*
		 * One or two letters begin the spellings or the initials of
		 * a great part of the branch ("s", "sh"): their heads are
		 * terms of their own, one exact term whose students the
		 * index holds in order, so the newest are read first and
		 * are the list, as for any longer text.  A prefix range of
		 * "p:s" read a thousand of the oldest spellings in s-, a
		 * sample of students scattered over the whole branch.
		 */
		if (strlen(py) <= 2)
			range_exact(next_range(q), "h", py);
		else {
			range_prefix(next_range(q), "p", py);
			range_prefix(next_range(q), "i", py);
		}
	}
	xfree_wipe(py);
}

int
search_query_make(const char *text, const char *branch_code,
    struct search_query *q)
{
	char	*f;
	size_t	 i;

	memset(q, 0, sizeof *q);
	if ((f = search_fold(text)) != NULL) {
		if (strpbrk(f, "0123456789") != NULL &&
		    only(f, "0123456789 -()+"))
			query_digits(q, f);
		else
			query_words(q, f, branch_code);
	}
	if (q->number.lo == NULL) {
		q->number.lo = xstrdup("");
		q->number.hi = xstrdup("");
	}
	for (i = 0; i < SEARCH_RANGES; i++) {
		if (q->term[i].lo == NULL) {
			q->term[i].lo = xstrdup("");
			q->term[i].hi = xstrdup("");
		}
	}
	if (f == NULL)
		return -1;
	xfree_wipe(f);
	return 0;
}

void
search_query_free(struct search_query *q)
{
	size_t	i;

	free(q->number.lo);
	free(q->number.hi);
	for (i = 0; i < SEARCH_RANGES; i++) {
		xfree_wipe(q->term[i].lo);
		xfree_wipe(q->term[i].hi);
	}
	memset(q, 0, sizeof *q);
}
