/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * archive.h — the archive's lists: students by status and year,
 * without personal values, with when each is due for destruction, and
 * the counts by status.
 */
#ifndef XUEJI_ARCHIVE_H
#define XUEJI_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "xueji/student.h"

/* A student as the archive lists show it: no personal values. */
struct archive_entry {
	const char		*number;
	enum student_status	 status;
	time_t			 enrolled_at;
	time_t			 status_at;	/* last change of status */
	time_t			 next_review;
	time_t			 keep_until;	/* retention end, or 0 */
	int			 frozen;	/* destruction pending */
};
enum archive_list {
	ARCHIVE_STATUS,		/* every student of one status, by number */
	ARCHIVE_REVIEW_DUE,	/* next_review <= now, oldest first */
	ARCHIVE_RETENTION_DUE,	/* past retention, oldest first */
};
/*
 * Call fn for each student of the list at time now (status.review for the
 * due lists, student.search for a status list; status is used by
 * ARCHIVE_STATUS only, year filters by enrolment year when > 0).  As
 * archive.list, as store_shown says: without shown logged whole before
 * fn is called; with shown not logged, the screen logs its rows.
 */
int	 store_archive(struct store *, enum archive_list, int status, int year,
	     time_t now, int (*fn)(const struct archive_entry *, void *),
	     void *arg, struct store_shown *shown, char **cause);
/* How many students have each status (report.view or student.search). */
int	 store_status_counts(struct store *, long counts[4], char **cause);

#endif
