/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * bench.h — what the benchmark's files share (tests/bench/ only).
 */
#ifndef XUEJI_BENCH_H
#define XUEJI_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "xueji/session.h"

#define BENCH_BRANCH	"SH01"
#define BENCH_YEARS	11		/* a decade of archive, this year too */
#define BENCH_PENDING	10000		/* the approval queue's length */

/* One synthetic child, raw as a receptionist would type it. */
struct person {
	char		 name[64];
	char		 birth[16];
	char		 guardian[64];
	char		 phone[24];
	const char	*consent;
};

uint64_t bench_rand(uint64_t *);
/* A child enrolled in year, drawn from the frequency tables. */
void	 person_make(struct person *, uint64_t *rng, int year);

/* Microseconds on the monotonic clock. */
double	 now_us(void);

/* The branch under test. */
struct bench {
	char			*dir;		/* bench-data/branch */
	char			*config;
	struct session		*s;
	const struct operator	*reception, *supervisor, *auditor;
	sqlite3			*bare;		/* the baseline database */
};

/* Create the branch (key slots, empty database) and the bare database. */
int	 bench_create(const char *dir, char **cause);
/* Log in as reception1 and open the bare database. */
int	 bench_open(struct bench *, const char *dir, char **cause);
void	 bench_close(struct bench *);
/* Act as op from now on (the store checks that op's permissions). */
void	 bench_as(struct bench *, const struct operator *op);
/* A keyed SQLCipher handle with the store's pragmas (WAL, FULL, 4096). */
int	 bench_raw_open(const char *path, const unsigned char key[32],
	     sqlite3 **out);

/* Grow the branch to n students (see gen.c for what is a shortcut). */
int	 gen_grow(struct bench *, long n, uint64_t *rng, char **cause);

/* Measure everything at the current size; rows go to stdout. */
int	 measure_all(struct bench *, long n, uint64_t *rng);

#endif
