/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Pinyin search terms.  A name is cut into units — one per Han character
 * with a reading, one per Latin word — each with its spellings, most
 * customary first.  The terms are the unit spellings joined, taken in
 * order of how far they stray from the most customary (the sum of the
 * ranks of the readings used), so the cap drops the least likely ones.
 * The readings come from the table gen-pinyin.sh builds from Unihan; the
 * surname readings from the one gen-surnames.sh builds from
 * surnames.txt, since Unihan does not say which reading is the
 * surname's.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/pinyin.h"

/*
 * Characters seen in names that Unihan gives no Mandarin reading.  𠮷
 * (U+20BB7, the "吉" of 𠮷野家) has only a spoofing variant there.
 */
static const struct extra {
	uint32_t	 cp;
	const char	*py;
} extras[] = {
	{ 0x20bb7, "ji" },
};

struct unit {
	const char	*full[PINYIN_MAXREADINGS];
	size_t		 nfull;
	const char	*init[PINYIN_MAXREADINGS];
	size_t		 ninit;
	char		 letter[PINYIN_MAXREADINGS][2];
	char		*word;		/* a Latin word, or NULL */
};

struct terms {
	char		**v;
	size_t		  n;
	size_t		  tries;
};

/* How many spellings a name may try before giving up on more distinct
 * ones; only collisions ("xi an" and "xian") make tries exceed terms. */
#define PINYIN_MAXTRIES	(PINYIN_MAXTERMS * 8)

/* Latin letters with diacritics, by code point, folded to ASCII; '*' is
 * not a letter. */
static const char latin1[] =		/* U+00C0 .. U+00FF */
    "AAAAAAACEEEEIIIIDNOOOOO*OUUUUYTs"
    "aaaaaaaceeeeiiiidnooooo*ouuuuyty";
static const char latinA[] =		/* U+0100 .. U+017F */
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkk"
    "LlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyY"
    "ZzZzZzs";
static const char pinyinmarks[] =	/* U+01CD .. U+01DC */
    "AaIiOoUuUuUuUuUu";

static int
reading_cmp(const void *key, const void *elem)
{
	uint32_t	a = *(const uint32_t *)key;
	uint32_t	b = *(const uint32_t *)elem;

	return a < b ? -1 : a > b;
}

int
pinyin_readings(uint32_t cp, const char **out, size_t max)
{
	const uint32_t	*p;
	size_t		 i, k, n = 0;

	p = bsearch(&cp, pinyin_cp, pinyin_ncp, sizeof pinyin_cp[0],
	    reading_cmp);
	if (p != NULL) {
		k = pinyin_set[p - pinyin_cp];
		for (i = pinyin_setoff[k]; i < pinyin_setoff[k + 1]; i++) {
			if (n == max)
				break;
			out[n++] = pinyin_pool + pinyin_syl[pinyin_setsyl[i]];
		}
		return (int)n;
	}
	for (i = 0; i < nitems(extras); i++) {
		if (extras[i].cp == cp && max > 0) {
			out[0] = extras[i].py;
			return 1;
		}
	}
	return 0;
}

size_t
pinyin_count(void)
{
	return pinyin_ncp + nitems(extras);
}

/* The ASCII lowercase letter cp folds to, or 0 if it is not a Latin
 * letter. */
static int
latin_fold(uint32_t cp)
{
	int	c = 0;

	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		c = (int)cp;
	else if (cp >= 0xff21 && cp <= 0xff3a)		/* fullwidth Ａ-Ｚ */
		c = (int)(cp - 0xff21) + 'a';
	else if (cp >= 0xff41 && cp <= 0xff5a)		/* fullwidth ａ-ｚ */
		c = (int)(cp - 0xff41) + 'a';
	else if (cp >= 0xc0 && cp <= 0xff)
		c = latin1[cp - 0xc0];
	else if (cp >= 0x100 && cp <= 0x17f)
		c = latinA[cp - 0x100];
	else if (cp >= 0x1cd && cp <= 0x1dc)
		c = pinyinmarks[cp - 0x1cd];
	if (c == '*')
		return 0;
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	return c;
}

/* Add s to the spellings of u, unless it is there already. */
static void
unit_add(struct unit *u, const char *s)
{
	size_t	i;

	for (i = 0; i < u->nfull; i++) {
		if (strcmp(u->full[i], s) == 0)
			return;
	}
	if (u->nfull == nitems(u->full))
		return;
	u->full[u->nfull++] = s;
}

/* Derive the distinct first letters of u's spellings, in order. */
static void
unit_initials(struct unit *u)
{
	size_t	i, j;

	u->ninit = 0;
	for (i = 0; i < u->nfull; i++) {
		for (j = 0; j < u->ninit; j++) {
			if (u->letter[j][0] == u->full[i][0])
				break;
		}
		if (j < u->ninit)
			continue;
		u->letter[j][0] = u->full[i][0];
		u->letter[j][1] = '\0';
		u->init[j] = u->letter[j];
		u->ninit++;
	}
}

/* Make the readings py (NULL-terminated) the only spellings of u. */
static void
unit_surname(struct unit *u, const char *const *py)
{
	size_t	i;

	u->nfull = 0;
	for (i = 0; py[i] != NULL; i++)
		unit_add(u, py[i]);
}

static int
surname_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct pinyin_surname *)elem)->han);
}

const struct pinyin_surname *
pinyin_surname(const char *name)
{
	const struct pinyin_surname	*sn;
	char				 key[9];
	size_t				 len, n, take;
	uint32_t			 cp;
	int				 k, c;

	while (*name == ' ' || *name == '\t')
		name++;
	len = strlen(name);
	/* The first two characters, then the first one: longest first. */
	for (take = 2; take > 0; take--) {
		n = 0;
		for (c = 0; (size_t)c < take; c++) {
			k = utf8_decode(name + n, len - n, &cp);
			if (k <= 0)
				break;
			n += (size_t)k;
		}
		if ((size_t)c < take || n >= sizeof key)
			continue;
		memcpy(key, name, n);
		key[n] = '\0';
		sn = bsearch(key, pinyin_surnames, pinyin_nsurnames,
		    sizeof pinyin_surnames[0], surname_cmp);
		if (sn != NULL)
			return sn;
	}
	return NULL;
}

/*
 * Give the first units of a name starting at s only their surname
 * readings.  The units are the characters that have readings, so the
 * surname's characters (each has one) are the first of them.
 */
static void
apply_surname(struct unit *u, size_t nu, const char *s)
{
	const struct pinyin_surname	*sn;

	if ((sn = pinyin_surname(s)) == NULL)
		return;
	if (nu < 1 || u[0].word != NULL)
		return;
	unit_surname(&u[0], sn->py[0]);
	if (sn->py[1][0] != NULL && nu >= 2 && u[1].word == NULL)
		unit_surname(&u[1], sn->py[1]);
}

/* Append the letter c to the Latin word being read; realloc would leave
 * the old copy unwiped, so grow by hand. */
static void
word_append(char **word, size_t *len, size_t *size, int c)
{
	char	*w;

	if (*len + 2 > *size) {
		w = xmalloc(*size == 0 ? 16 : *size * 2);
		if (*word != NULL) {
			memcpy(w, *word, *len);
			sodium_memzero(*word, *size);
			free(*word);
		}
		*word = w;
		*size = *size == 0 ? 16 : *size * 2;
	}
	(*word)[(*len)++] = (char)c;
	(*word)[*len] = '\0';
}

/* End the Latin word being read, making it a unit if there is room. */
static void
word_end(struct unit *u, size_t *nu, size_t max, char *word, size_t *len)
{
	if (*len == 0)
		return;
	if (*nu < max) {
		memset(&u[*nu], 0, sizeof u[*nu]);
		u[*nu].word = xstrdup(word);
		u[*nu].full[0] = u[*nu].word;
		u[*nu].nfull = 1;
		(*nu)++;
	}
	sodium_memzero(word, *len);
	*len = 0;
}

/* Cut name into at most max units and return how many, or -1 if name is
 * not valid UTF-8. */
static int
split_units(const char *name, struct unit *u, size_t max)
{
	const char	*s = name;
	size_t		 len = strlen(name), nu = 0, wlen = 0, wsize = 0;
	char		*word = NULL;
	uint32_t	 cp;
	int		 n, c;

	if (!utf8_valid(name, len))
		return -1;
	while (len > 0 && nu < max) {
		if ((n = utf8_decode(s, len, &cp)) < 0)
			break;
		s += n;
		len -= (size_t)n;
		if (cp >= 0x300 && cp <= 0x36f)	/* combining marks */
			continue;
		if ((c = latin_fold(cp)) != 0) {
			word_append(&word, &wlen, &wsize, c);
			continue;
		}
		word_end(u, &nu, max, word, &wlen);
		if (nu == max)
			break;
		memset(&u[nu], 0, sizeof u[nu]);
		u[nu].nfull = (size_t)pinyin_readings(cp, u[nu].full,
		    PINYIN_MAXREADINGS - 1);
		if (u[nu].nfull > 0)
			nu++;
	}
	word_end(u, &nu, max, word, &wlen);
	if (word != NULL)
		sodium_memzero(word, wsize);
	free(word);

	apply_surname(u, nu, name);
	for (n = 0; (size_t)n < nu; n++)
		unit_initials(&u[n]);
	return (int)nu;
}

/* Join the spellings ranks[] picks and add the result if it is new. */
static void
terms_add(struct terms *t, struct unit *u, size_t nu, int initials,
    const size_t *ranks)
{
	const char	*p;
	char		*s;
	size_t		 i, len = 0, off = 0;

	t->tries++;
	for (i = 0; i < nu; i++) {
		p = initials ? u[i].init[ranks[i]] : u[i].full[ranks[i]];
		len += strlen(p);
	}
	s = xmalloc(len + 1);
	for (i = 0; i < nu; i++) {
		p = initials ? u[i].init[ranks[i]] : u[i].full[ranks[i]];
		memcpy(s + off, p, strlen(p));
		off += strlen(p);
	}
	s[len] = '\0';
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->v[i], s) == 0) {
			xfree_wipe(s);
			return;
		}
	}
	t->v[t->n++] = s;
}

/* Try every choice of spellings whose ranks sum to left, from unit i. */
static void
combine(struct terms *t, struct unit *u, size_t nu, int initials,
    const size_t *rest, size_t *ranks, size_t i, size_t left)
{
	size_t	r, n;

	if (i == nu) {
		terms_add(t, u, nu, initials, ranks);
		return;
	}
	n = initials ? u[i].ninit : u[i].nfull;
	for (r = 0; r < n && r <= left; r++) {
		if (t->n == PINYIN_MAXTERMS || t->tries == PINYIN_MAXTRIES)
			return;
		if (left - r > rest[i + 1])
			continue;
		ranks[i] = r;
		combine(t, u, nu, initials, rest, ranks, i + 1, left - r);
	}
}

/* The terms of the units, most customary first, into *out and *nout. */
static void
terms_make(struct unit *u, size_t nu, int initials, char ***out,
    size_t *nout)
{
	struct terms	 t;
	size_t		 rest[PINYIN_MAXUNITS + 1], ranks[PINYIN_MAXUNITS];
	size_t		 i, n, sum;

	*out = NULL;
	*nout = 0;
	if (nu == 0)
		return;
	/* rest[i]: the largest rank sum units i.. can make. */
	rest[nu] = 0;
	for (i = nu; i > 0; i--) {
		n = initials ? u[i - 1].ninit : u[i - 1].nfull;
		rest[i - 1] = rest[i] + n - 1;
	}
	t.v = xcalloc(PINYIN_MAXTERMS, sizeof *t.v);
	t.n = 0;
	t.tries = 0;
	for (sum = 0; sum <= rest[0]; sum++) {
		if (t.n == PINYIN_MAXTERMS || t.tries == PINYIN_MAXTRIES)
			break;
		combine(&t, u, nu, initials, rest, ranks, 0, sum);
	}
	*out = t.v;
	*nout = t.n;
}

int
pinyin_terms(const char *name_utf8, char ***full, size_t *nfull,
    char ***initials, size_t *ninitials)
{
	struct unit	 u[PINYIN_MAXUNITS];
	int		 nu, i;

	*full = *initials = NULL;
	*nfull = *ninitials = 0;
	if ((nu = split_units(name_utf8, u, nitems(u))) < 0)
		return XJ_EDATA;
	terms_make(u, (size_t)nu, 0, full, nfull);
	terms_make(u, (size_t)nu, 1, initials, ninitials);
	for (i = 0; i < nu; i++)
		xfree_wipe(u[i].word);
	sodium_memzero(u, sizeof u);
	return XJ_OK;
}

void
pinyin_terms_free(char **terms, size_t n)
{
	size_t	i;

	if (terms == NULL)
		return;
	for (i = 0; i < n; i++)
		xfree_wipe(terms[i]);
	free(terms);
}

int
pinyin_is_query(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	}
	return 1;
}

void
pinyin_fold(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
	}
}
