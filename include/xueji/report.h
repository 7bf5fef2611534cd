/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * report.h — the reports (numbers, dates and student numbers, no
 * personal data) and the access analysis of the log.
 */
#ifndef XUEJI_REPORT_H
#define XUEJI_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "xueji/store.h"

/*
 * Reports (report.view), each as of time now.  A report holds no
 * personal data: counts, dates, and student numbers at most.  Making one
 * is logged as report.view with the report's name; a report that could
 * not be logged is not handed out.  On success *out is a new report the
 * caller frees with report_free; on failure *out is NULL.
 */
enum report_kind {
	REPORT_STATUS,		/* "status": students by status */
	REPORT_COMPLETENESS,	/* "completeness": required fields filled */
	REPORT_PENDING,		/* "pending": waiting requests by kind, age */
	REPORT_REVIEWS,		/* "reviews": reviews overdue */
	REPORT_DESTRUCTION,	/* "destruction": request to execution */
};
#define REPORT_KINDS	5
const char *report_name(enum report_kind);		/* "status" */
const char *report_label(enum report_kind);		/* translated */
int	 report_parse(const char *);			/* -1 if none */

/* Ages of pending requests: [0, 1), [1, 3), [3, 7), 7 days or more. */
enum report_age {
	AGE_UNDER_1D,
	AGE_1D_3D,
	AGE_3D_7D,
	AGE_7D_PLUS,
};
#define REPORT_AGES	4
#define REPORT_REQUEST_KINDS 3	/* enum request_kind */

struct report_missing {
	char	*key;		/* a required field of the form */
	char	*label;		/* its label in the interface language */
	long	 missing;	/* live records without a value for it */
};

struct report_destroyed {
	char	*number;
	char	*reason;	/* guardian-request, … */
	time_t	 requested_at;
	time_t	 executed_at;
	double	 days;		/* from request to execution */
};

struct report {
	enum report_kind	 kind;
	time_t			 now;
	/* REPORT_STATUS */
	struct {
		long	 count[4];	/* by enum student_status */
		long	 frozen;	/* live, with a destruction pending */
	} status;
	/* REPORT_COMPLETENESS: live means not destroyed. */
	struct {
		long			 live;
		long			 complete;	/* every required field */
		struct report_missing	*fields;	/* in form order */
		size_t			 nfields;
	} completeness;
	/* REPORT_PENDING */
	struct {
		long	 total;
		long	 by_age[REPORT_REQUEST_KINDS][REPORT_AGES];
		long	 overdue[REPORT_REQUEST_KINDS];	/* queue_overdue_hours
							   old or older */
		time_t	 oldest;	/* the oldest's requested_at, or 0 */
		long	 guardian_open;	/* guardians' requests (guardian.h) */
		long	 guardian_overdue; /* open, past their due day */
	} pending;
	/* REPORT_REVIEWS */
	struct {
		long	 overdue;	/* live, next_review <= now */
		time_t	 oldest;	/* the earliest such next_review, or 0 */
	} reviews;
	/* REPORT_DESTRUCTION */
	struct {
		struct report_destroyed	*items;		/* oldest first */
		size_t			 n;
		double			 median_days;	/* 0 without items */
		double			 max_days;
		long			 due_unrequested; /* past retention,
							     no request yet */
		time_t			 oldest_due;	/* its earliest end of
							   retention, or 0 */
	} destruction;
};
int	 store_report(struct store *, enum report_kind, time_t now,
	     struct report **out, char **cause);
void	 report_free(struct report *);

/*
 * A report as lines without their newlines (report-fmt.c, pure C): text
 * for people, labels in the interface language, or CSV rows of report
 * name, metric and value (fixed ASCII metric names, times in UTC ISO
 * 8601, quoted as RFC 4180 asks).  The caller frees the lines with
 * report_lines_free.
 */
enum report_format {
	REPORT_TEXT,
	REPORT_CSV,
};
extern const char report_csv_header[];		/* "report,metric,value" */
char	**report_lines(const struct report *, enum report_format,
	     size_t *n);
void	 report_lines_free(char **, size_t);

/*
 * Access analysis (audit.view) of the audit entries in [since, until)
 * (until 0: no end), with the thresholds of the configuration's
 * analysis.* keys.  Logged as audit.analysis with the window and the
 * number of findings.  On success *out is an array of *n findings the
 * caller frees with findings_free, ordered by kind, then start, then
 * operator; on failure *out is NULL and *n 0.
 */
enum finding_kind {
	FINDING_BURST,		/* more student.view than burst_count within
				   burst_minutes */
	FINDING_AFTER_HOURS,	/* entries outside working_hours: one per
				   operator and evening-to-morning */
	FINDING_FAILED_LOGINS,	/* failed_logins or more login.failed of
				   one id within failed_minutes */
	FINDING_REVEAL,		/* each student.reveal */
};
const char *finding_kind_name(enum finding_kind);	/* "burst" */
const char *finding_kind_label(enum finding_kind);	/* translated */

struct finding {
	enum finding_kind	 kind;
	char			*operator;
	time_t			 from, to;	/* first and last entry */
	long			 count;		/* entries */
	int64_t			 first_seq, last_seq;
	char			*target;	/* reveal: the student, else "" */
	char			*field;		/* reveal: the field, else "" */
};
int	 store_analysis(struct store *, time_t since, time_t until,
	     struct finding **out, size_t *n, char **cause);
void	 findings_free(struct finding *, size_t);

#endif
