/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * pinyin.h — the Mandarin readings of Han characters, and the pinyin
 * search terms of a name: every full spelling ("zhangsan") and every
 * initials string ("zs") a receptionist might type.  Pure functions of
 * their input; nothing here keeps or logs a name.
 */
#ifndef XUEJI_PINYIN_H
#define XUEJI_PINYIN_H

#include <stddef.h>
#include <stdint.h>

/* The most readings one character has (gen-pinyin.sh checks the data). */
#define PINYIN_MAXREADINGS	16
/* The most full spellings, and the most initials strings, of one name. */
#define PINYIN_MAXTERMS		32
/* Characters of a name past this many units are not indexed. */
#define PINYIN_MAXUNITS		32

/*
 * Store in out (room for max) the toneless readings of the character cp,
 * most customary first, and return how many were stored: 0 when cp has
 * none (not Han, or a rare character Unihan gives no Mandarin reading),
 * never more than max.  The strings are static, lowercase ASCII, with "ü"
 * spelled "v" and, after l and n, also "u" ("lv", "lu").
 */
int	 pinyin_readings(uint32_t cp, const char **out, size_t max);

/*
 * Compute the pinyin search terms of name_utf8: in *full (*nfull of
 * them) every distinct full spelling, readings concatenated without
 * separators ("zhangsan"), and in *initials (*ninitials) every distinct
 * string of first letters ("zs").  The surname — the first character,
 * or the first two when they are a compound surname (欧阳 ouyang, 万俟
 * moqi, …) — counts with its surname readings only (曾 zeng, never
 * ceng; 单 shan, never dan), as pinyin_surnames lists them; a first
 * character not listed there, and every other character, with every
 * reading.  Latin letters are folded to lowercase ASCII and kept,
 * one word making one unit ("Anna Li": "annali", "al").  Characters with
 * no reading, digits, spaces and punctuation such as "·" are skipped, as
 * is everything past PINYIN_MAXUNITS units.
 *
 * At most PINYIN_MAXTERMS of each are returned, in a fixed order: the
 * spelling made of each character's most customary reading first, then
 * those that use less customary readings, fewest first.
 *
 * Returns XJ_OK, or XJ_EDATA if name_utf8 is not valid UTF-8; on failure
 * the four outputs are NULL and 0.  A name with nothing to index gives
 * XJ_OK with no terms.  The arrays and strings are the caller's: they
 * hold personal data, so release them with pinyin_terms_free, which
 * wipes them.  Allocation failure is fatal.
 */
int	 pinyin_terms(const char *name_utf8, char ***full, size_t *nfull,
	     char ***initials, size_t *ninitials);
/* Wipe and free n terms from pinyin_terms, and their array; NULL is fine. */
void	 pinyin_terms_free(char **terms, size_t n);

/*
 * Whether a search text s is a pinyin query: one or more ASCII letters
 * and nothing else.  The store then searches the pinyin terms.
 */
int	 pinyin_is_query(const char *s);
/* Lowercase the ASCII letters of s in place, as the terms are. */
void	 pinyin_fold(char *s);

/*
 * A surname and its surname readings, from src/search/surnames.txt
 * (gen-surnames.sh, into build/gen/surname-data.c).  py[c] lists the
 * readings of character c, NULL after the last; py[1][0] is NULL for a
 * one-character surname.  pinyin_surnames (pinyin_nsurnames entries) is
 * sorted by strcmp of han.
 */
struct pinyin_surname {
	const char	*han;
	const char	*py[2][4];
};
extern const struct pinyin_surname	pinyin_surnames[];
extern const size_t			pinyin_nsurnames;

/*
 * The surname name_utf8 starts with (after any spaces): the longest
 * entry of pinyin_surnames that is a whole prefix of it, or NULL.
 */
const struct pinyin_surname *pinyin_surname(const char *name_utf8);

/* The number of characters that have readings (for tests and stats). */
size_t	 pinyin_count(void);

/*
 * The tables, generated at build time into build/gen/pinyin-data.c by
 * src/search/gen-pinyin.sh; for pinyin.c only.  pinyin_cp (pinyin_ncp
 * entries) is sorted; pinyin_set[i] names the reading list of
 * pinyin_cp[i], which is pinyin_setsyl[pinyin_setoff[k] ..
 * pinyin_setoff[k + 1]); a syllable s is the string at pinyin_pool +
 * pinyin_syl[s].
 */
extern const size_t	pinyin_ncp;
extern const size_t	pinyin_nsyl;
extern const size_t	pinyin_nset;
extern const char	pinyin_pool[];
extern const uint16_t	pinyin_syl[];
extern const uint32_t	pinyin_cp[];
extern const uint16_t	pinyin_set[];
extern const uint16_t	pinyin_setoff[];
extern const uint16_t	pinyin_setsyl[];

#endif
