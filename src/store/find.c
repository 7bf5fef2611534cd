/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Finding students as the receptionist types: the search terms of a
 * name, its pinyin, a number or a phone's tail read in bounded ranges so
 * every keystroke costs the same at a million students, and the log's
 * student.find entry naming who was shown, skipped when the previous
 * entry names them all already (find_covered); on a screen it names
 * only the students the screen did not show before (store_shown), so a
 * list paged on or run again because another terminal committed logs
 * only whom it shows new.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/search.h"
#include "store-int.h"

#define FIND_COVER_SECONDS	60	/* how long such an entry covers */
/*
 * Each kind of match reads at most this many index entries per keystroke,
 * so that a broad prefix costs the same at a million students as at a
 * thousand; for a prefix that matches more, the list is a sample, and
 * the next letters narrow it to the exact matches.  A thousand keeps the
 * widest keystroke near 0.3 ms at a million students (2,000 took 1 ms:
 * the ranges are read and sorted by id, page by page), and no list the
 * receptionist reads is that long.  The entries are read from the end,
 * each term's students newest first: for one exact term, as one or two
 * letters are (search.c, the heads), the sample is the newest students
 * and the list exactly what it says, newest first; they are also the
 * students whose rows lie together, a few pages where a sample from the
 * whole branch read one or two for each student listed.
 */
#define FIND_SCAN		"1000"
#define FIND_NEWEST		"ORDER BY term DESC, student DESC LIMIT " \
				FIND_SCAN
/*
 * Numbers are handed out in order, so the newest students whose number
 * starts with the text are the last numbers of its range: the limit,
 * and a few more for those a pending destruction hides, are enough.
 */
#define FIND_NUMBER_SPARE	"50"
/*
 * An entry covers the keystrokes after it (find_covered) only when it
 * names at most this many: a screenful or a few, as a keystroke shows.
 * The command line may list a hundred thousand, each named; checking
 * every later keystroke against all of them would cost more than the
 * entry it saves.
 */
#define FIND_COVER_MAX		200

/*
 * Whether the previous find entry already names every student in v.
 * The log is there to say which children an operator was shown.  A
 * keystroke that narrows a list, or one that shows nothing at all
 * (the first digits of a phone's tail), shows no child the entry before
 * it did not name: a second entry would say nothing new, and it would
 * cost the keystroke a commit.  So such a keystroke is not logged
 * again, for FIND_COVER_SECONDS after that entry, by the same operator
 * on the same connection; any child not named there makes a new entry,
 * as does a longer list than one entry names.
 */
static int
find_covered(const struct store *st, const char *const *v, size_t count)
{
	time_t	now = xj_now();
	char	key[80];
	size_t	i;
	int	len;

	if (st->find.numbers == NULL || st->find.op != st->op ||
	    now < st->find.at ||
	    now - st->find.at >= FIND_COVER_SECONDS)
		return 0;
	for (i = 0; i < count; i++) {
		len = snprintf(key, sizeof key, ",%s,", v[i]);
		if (len < 0 || (size_t)len >= sizeof key ||
		    strstr(st->find.numbers, key) == NULL)
			return 0;
	}
	return 1;
}

/*
 * End the search's transaction with its entry: results students listed,
 * the n numbers named (those shown, or only those newly shown on a
 * screen), every one of them: a tall terminal lists more than a short
 * one, and a child listed but not named would be missing from "who saw
 * this child".
 */
static int
find_log_names(struct store *st, size_t results, const char *const *v,
    size_t n, char **cause)
{
	char	*numbers, *detail, *p;
	size_t	 i, len = 1;
	int	 rc;

	/* Joined in one pass: a command line may list a hundred thousand. */
	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	p = numbers = xmalloc(len);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i > 0 ? "," : "", v[i]);
	*p = '\0';
	xasprintf(&detail, "results=%zu numbers=%s", results, numbers);
	if ((rc = log_commit(st, "student.find", "", "", detail, cause)) ==
	    XJ_OK) {
		free(st->find.numbers);
		st->find.numbers = NULL;
		if (n <= FIND_COVER_MAX)
			xasprintf(&st->find.numbers, ",%s,", numbers);
		st->find.op = st->op;
		st->find.at = xj_now();
	}
	free(numbers);
	return rc;
}

/*
 * Run the search for text in a read-log transaction: the caller ends it
 * (find_log) on success; on failure it is rolled back.
 */
static int
find_rows(struct store *st, const char *text, size_t limit,
    struct student ***out, size_t *n, char **cause)
{
	static const char	 sql[] =
	    "SELECT " STUDENT_COLUMNS " FROM student s WHERE s.id IN ("
	    "  SELECT id FROM (SELECT id FROM student WHERE number >= ?1"
	    "    AND number < ?2 ORDER BY number DESC LIMIT ?5 + "
	    FIND_NUMBER_SPARE ")"
	    "  UNION ALL SELECT student FROM (SELECT student FROM search"
	    "    WHERE term >= ?3 AND term < ?4 " FIND_NEWEST ")"
	    "  UNION ALL SELECT student FROM (SELECT student FROM search"
	    "    WHERE term >= ?6 AND term < ?7 " FIND_NEWEST ")"
	    "  UNION ALL SELECT student FROM (SELECT student FROM search"
	    "    WHERE term >= ?8 AND term < ?9 " FIND_NEWEST ")"
	    ") AND s.status != 'destroyed' AND " NOT_FROZEN
	    " ORDER BY s.id DESC LIMIT ?5";
	struct student		**v = NULL;
	sqlite3_stmt		*row = NULL, *vals = NULL;
	struct search_query	 q;
	size_t			 count = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_require(st, PERM_STUDENT_SEARCH, "student.search",
	    cause)) != XJ_OK)
		return rc;
	/* What the text means: a number, a phone, a name, pinyin. */
	if (text[0] == '\0' || search_query_make(text, st->cfg->branch_code,
	    &q) != 0)
		return xj_fail(cause, XJ_EUSAGE, "%s", _("search for a student "
		    "number, a name or the last four digits of a phone"));

	/* A read: its entry need not wait for the disk (store.c). */
	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		goto out;
	if ((row = store_prepare(st, sql)) == NULL ||
	    (vals = store_prepare(st, store_values_sql)) == NULL) {
		rc = db_error(st, _("cannot search"), cause);
		goto fail;
	}
	sqlite3_bind_text(row, 1, q.number.lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 2, q.number.hi, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 3, q.term[0].lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 4, q.term[0].hi, -1, SQLITE_STATIC);
	sqlite3_bind_int64(row, 5, (sqlite3_int64)limit);
	sqlite3_bind_text(row, 6, q.term[1].lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 7, q.term[1].hi, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 8, q.term[2].lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(row, 9, q.term[2].hi, -1, SQLITE_STATIC);
	/* A damaged page ends the search with its error, not a short list. */
	while ((rc = sqlite3_step(row)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof *v);
		if ((v[count] = store_load_student(st, row, vals)) == NULL)
			break;
		count++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(st, _("cannot search"), cause);
		goto fail;
	}
	store_release(row);
	store_release(vals);
	*out = v;
	*n = count;
	rc = XJ_OK;
	goto out;
fail:
	store_release(row);
	store_release(vals);
	tx_rollback(st);
	students_free(v, count);
out:
	search_query_free(&q);
	return rc;
}

/*
 * End the search's transaction: its entry naming the students shown
 * that shown has not shown (all of them without shown), unless there is
 * none or the previous entry already names them all (find_covered).
 */
static int
find_log(struct store *st, struct student **v, size_t count,
    struct store_shown *shown, char **cause)
{
	const char	**numbers, **fresh;
	size_t		  i, nfresh;
	int		  rc = XJ_OK;

	numbers = xreallocarray(NULL, count + 1, sizeof *numbers);
	fresh = xreallocarray(NULL, count + 1, sizeof *fresh);
	for (i = 0; i < count; i++)
		numbers[i] = v[i]->number;
	nfresh = shown_fresh(shown, numbers, count, fresh);
	if ((shown != NULL && nfresh == 0) ||
	    find_covered(st, fresh, nfresh))
		tx_rollback(st);	/* wrote nothing */
	else
		rc = find_log_names(st, count, fresh, nfresh, cause);
	/* Named by this entry or the one before: shown, and logged. */
	if (rc == XJ_OK)
		shown_add(shown, fresh, nfresh);
	free(numbers);
	free(fresh);
	return rc;
}

int
store_student_find(struct store *st, const char *text, size_t limit,
    struct store_shown *shown, struct student ***out, size_t *n,
    char **cause)
{
	int	rc;

	if ((rc = find_rows(st, text, limit, out, n, cause)) != XJ_OK)
		return rc;
	if ((rc = find_log(st, *out, *n, shown, cause)) != XJ_OK) {
		tx_rollback(st);
		students_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
