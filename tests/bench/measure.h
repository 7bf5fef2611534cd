/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * measure.h — what the measuring files share (tests/bench/ only).
 */
#ifndef XUEJI_BENCH_MEASURE_H
#define XUEJI_BENCH_MEASURE_H

#define BUDGET_US	8e6	/* at most this long on one variant … */
#define MIN_SAMPLES	5	/* … once it has this many samples */
#define PAGE		50	/* audit browser page */
#define SCREENFUL	20	/* search results on one screen */

/* Timings of one variant of one operation, in microseconds. */
struct samples {
	double	*v;
	size_t	 n;
	double	 total;
};
void	 add(struct samples *, double us);
double	 quantile(struct samples *, double q);
/* Whether a variant may take another sample (time budget). */
int	 more(const struct samples *);
/* Print a row (median, p99, baseline median) and empty both. */
void	 row(const char *op, long n, struct samples *, struct samples *base);

/* The store connection's synchronous: FULL, or OFF. */
/*
 * A pause at the counter (the receptionist reads the screen, talks to a
 * parent; the auditor reads a page): store_idle, as the interface runs
 * it after a quarter of a second without a key.  Timed apart from the
 * operation before it, and printed as a row of its own.
 */
void	 bench_pause(struct bench *);
void	 set_sync(struct bench *, int full);
/* Prepare or exit. */
sqlite3_stmt *prep(sqlite3 *, const char *sql);
/* Exit with cause unless rc is XJ_OK. */
void	 check(int rc, const char *what, char *cause);
/* The peak RSS so far, in KiB. */
long	 hwm_kib(void);
/* A random live student: number, name and guardian phone (64 bytes each). */
int	 target(sqlite3 *raw, uint64_t *rng, long n, char *number,
	     char *name, char *phone);

void	 m_fsync(struct bench *, long n);
void	 m_audit(struct bench *, sqlite3 *raw, long n, uint64_t *rng);
void	 m_verify(struct bench *, sqlite3 *raw, long n);
void	 m_start(struct bench *, long n);
void	 m_session(struct bench *, sqlite3 *raw, long n, uint64_t *rng);
void	 m_redraw(struct bench *, long n, uint64_t *rng);
void	 m_backup(struct bench *, sqlite3 *raw, long n);

#endif
