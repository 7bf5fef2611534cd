/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * student.h — students: their records, enrolment, finding and reading
 * them, their history of values, their status and review.  Every call
 * checks the bound operator's permission and logs (store.h).
 */
#ifndef XUEJI_STUDENT_H
#define XUEJI_STUDENT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "xueji/store.h"

/* One value of a student's record. */
struct student_value {
	char	*key;
	char	*value;		/* masked where the operator may not see it */
};

enum student_status {
	STATUS_ACTIVE,
	STATUS_COMPLETED,
	STATUS_WITHDRAWN,
	STATUS_DESTROYED,
};
const char *status_name(enum student_status);		/* "active" */
const char *status_label(enum student_status);		/* translated */
int	 status_parse(const char *);			/* -1 if none */

struct student {
	char			*number;
	enum student_status	 status;
	int			 pending;	/* pending requests on it */
	int			 frozen;	/* a destruction is pending */
	time_t			 next_review;
	time_t			 enrolled_at;
	char			*enrolled_by;
	char			*consent_method;
	time_t			 consent_at;
	struct student_value	*values;	/* in form order */
	size_t			 nvalues;
	/*
	 * The last change of status, from store_student_get only and not
	 * while frozen; changed_at 0: none.  The reason is as typed.
	 */
	time_t			 changed_at;
	enum student_status	 changed_from;
	char			*changed_by;
	char			*changed_reason;
};
void	 student_free(struct student *);
/* The value for key, or NULL. */
const char *student_value(const struct student *, const char *key);

/* One value as typed, before validation.  Borrowed pointers. */
struct field_input {
	const char	*key;
	const char	*value;
};

/* What an enrolment brings: raw input, validated by the store. */
struct enrolment {
	const struct field_input *values;	/* key → raw value */
	size_t			 nvalues;
	const char		*consent_method;	/* NULL: refused */
	int			 allow_duplicate;
};

/*
 * Enrol a student (student.enroll).  Validates every value against the
 * form; an unknown key, a missing required field or a bad value is
 * XJ_EDATA with a message naming the field.  A likely duplicate (same
 * name and birth month, or same name and guardian phone) is XJ_EDATA
 * with *dup set to the existing number, unless allow_duplicate (which
 * also needs student.duplicate, and is logged).  On success *number is
 * the new student number (malloc'd).  All or nothing.
 */
int	 store_student_add(struct store *, const struct enrolment *,
	     char **number, char **dup, char **cause);

/*
 * Record that the operator uncovered a sensitive field of a student they
 * have open (student.sensitive): the UI keeps such fields covered until
 * then.
 */
int	 store_student_reveal(struct store *, const char *number,
	     const char *key, char **cause);

/* Open one record (student.view); logged as a read. */
int	 store_student_get(struct store *, const char *number,
	     struct student **out, char **cause);

/*
 * Find students (student.search) by number prefix, name prefix, or the
 * last four digits of the guardian's phone; at most limit results,
 * newest first.  Logged with the numbers found, as student.find, unless
 * the entry before (this connection's, this minute) names them all.
 * With shown (a screen's, store_shown), only those shown has not shown
 * are named, and nothing is written when there are none: the same
 * search run again, paged on or narrowed writes nothing new, so two
 * open lists do not move each other's data_version for ever.  *out is
 * an array of *n students the caller frees with students_free.
 */
int	 store_student_find(struct store *, const char *text, size_t limit,
	     struct store_shown *shown, struct student ***out, size_t *n,
	     char **cause);
void	 students_free(struct student **, size_t);

/*
 * Call fn for every student with status (or all but destroyed when
 * status < 0), in number order (student.search).  Logged with the count.
 */
int	 store_student_each(struct store *, int status,
	     int (*fn)(const struct student *, void *), void *arg,
	     char **cause);


/* One value a field once had. */
struct history {
	char		*key;
	char		*value;		/* masked as the operator sees it */
	time_t		 at;
	int64_t		 request;	/* 0: given at enrolment */
	char		*reason;
	char		*requested_by;
	char		*approved_by;
};
/*
 * The history of every field of a student the operator may see, oldest
 * first (student.view, logged as a read); none while the record is
 * frozen, as store_student_get shows no values then.
 */
int	 store_history(struct store *, const char *number,
	     struct history **out, size_t *n, char **cause);
void	 history_free(struct history *, size_t);


/*
 * Archive status.  An operator with status.set changes it directly; one
 * with status.request files a request for the queue.  Either way the
 * change records who, when and why.  "destroyed" is reached only by a
 * destruction.  A record with a pending destruction request is frozen.
 */
int	 store_status_set(struct store *, const char *number,
	     enum student_status to, const char *reason, char **cause);
int	 store_status_request(struct store *, const char *number,
	     enum student_status to, const char *reason, int64_t *id,
	     char **cause);

/*
 * The quarterly review (status.review): the record's data were checked
 * as still accurate and needed.  Logged; the next review is set
 * review_months ahead, and put in *next unless next is NULL.
 */
int	 store_review(struct store *, const char *number, time_t *next,
	     char **cause);

/*
 * Whether the values of field key are sensitive: the form says so now,
 * or said so once (the store remembers; a form never lowers it), or the
 * form no longer names the key.  Such values reach only roles with
 * student.sensitive.
 */
int	 store_field_sensitive(const struct store *, const char *key);

#endif
