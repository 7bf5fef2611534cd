/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * search.h — what a receptionist types, and the terms a record is found
 * by.  The store keeps the terms ("kind:text", prefix-searchable) and
 * asks this module which ranges of them, and of the student numbers, a
 * search text means.  Pure functions of their input; nothing here keeps
 * or logs a value.
 *
 * The kinds of term:
 *	n:	the name, without spaces and middle dots, ASCII in lower case
 *	p: i:	pinyin, full and initials (pinyin.h)
 *	h:	the first letter of each full spelling, and the first two of
 *		each full spelling and each initials: what a search of one
 *		or two letters reads
 *	t:	the last four digits of a phone
 *	f:	a whole phone's digits; a landline also without its area code
 *	q:	the student number after each of its dashes ("2026-00004",
 *		"00004")
 * (b: and g:, the duplicate check's keys, are the store's.)
 */
#ifndef XUEJI_SEARCH_H
#define XUEJI_SEARCH_H

#include <stddef.h>

/* Bumped whenever the terms a record gets change: the store rebuilds
 * the terms of a branch written with another version (store.h), record
 * by record.  Terms made in SQL from those stored come by a migration
 * instead, in seconds at a million students: h: (schema.c, 18). */
#define SEARCH_TERMS_VERSION	2

/* The most ranges of terms one search text reads. */
#define SEARCH_RANGES		3

/* [lo, hi) in bytes; both "" when unused, which matches nothing. */
struct search_range {
	char	*lo, *hi;
};

struct search_query {
	struct search_range	number;			/* student numbers */
	struct search_range	term[SEARCH_RANGES];	/* terms */
};

/* Called with each term of a value; a non-zero return stops the walk
 * and is returned.  The term is only lent: copy what is kept. */
typedef int search_term_fn(const char *term, void *arg);

/*
 * A copy of s as search compares it: full-width ASCII (Ａ, ５, －) as
 * ASCII, the ideographic space as a space, spaces at either end gone.
 * NULL if s is not valid UTF-8.  The copy is the caller's, to release
 * with xfree_wipe (it may hold a name).
 */
char	*search_fold(const char *s);

/*
 * Hand fn the terms of a name (n:, p:, i:, h:), of a phone in its stored
 * form (t:, f:), or of a student number (q:).  Each returns fn's first
 * non-zero answer, else 0.  A value that makes no terms (not UTF-8, no
 * digits) makes none.
 */
int	 search_name_terms(const char *name, search_term_fn *fn, void *arg);
int	 search_phone_terms(const char *phone, search_term_fn *fn, void *arg);
int	 search_number_terms(const char *number, search_term_fn *fn,
	     void *arg);

/*
 * The ranges a search text means, into *q, for a branch whose numbers
 * start with branch_code:
 *  - letters then a dash ("SH01-", "sh01-2026-000"): a number prefix;
 *    the branch code alone ("SH", "SH01") is no number;
 *  - four digits ("5678"): a phone's tail;
 *  - five or more digits, with spaces, dashes or brackets as phones are
 *    written ("139 1234 5678", "021-6234 5678", "+86 139…"): a whole
 *    phone, or a landline's number without its area code;
 *  - digits and dashes, five or more ("00004", "2026-00004"): the tail
 *    of a number after a dash;
 *  - anything else without digits: a name prefix, "·" and spaces not
 *    counting; and when it is ASCII letters (spaces and "'" aside),
 *    pinyin, full or initials.
 * Full-width characters count as their ASCII selves.  Returns 0, or -1
 * when text is not valid UTF-8 (q is then empty too).  Release q with
 * search_query_free.  Allocation failure is fatal.
 */
int	 search_query_make(const char *text, const char *branch_code,
	     struct search_query *q);
void	 search_query_free(struct search_query *q);

#endif
