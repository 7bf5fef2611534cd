/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Samples, the rows of the table, and small helpers the measurements
 * share.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "bench/bench.h"
#include "bench/measure.h"
#include "lib/hatch.h"

void
add(struct samples *s, double v)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = v;
	s->total += v;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
quantile(struct samples *s, double q)
{
	size_t	i;

	if (s->n == 0)
		return -1;
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	i = (size_t)(q * (double)(s->n - 1) + 0.5);
	return s->v[i];
}

/* Whether a variant may take another sample. */
int
more(const struct samples *s)
{
	return s->n < MIN_SAMPLES || s->total < BUDGET_US;
}

void
row(const char *op, long n, struct samples *x, struct samples *base)
{
	printf("ROW\t%s\t%ld\t%.4f\t%.4f\t%.4f\tms\n", op, n,
	    quantile(x, 0.5) / 1e3, quantile(x, 0.99) / 1e3,
	    base != NULL ? quantile(base, 0.5) / 1e3 : -1.0);
	fflush(stdout);
	free(x->v);
	memset(x, 0, sizeof *x);
	if (base != NULL) {
		free(base->v);
		memset(base, 0, sizeof *base);
	}
}

/* The connection's durability, for the "without fsync" variants. */
void
set_sync(struct bench *b, int full)
{
	sqlite3_exec(store_db(b->s->st), full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = OFF", NULL, NULL, NULL);
}

sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "xueji-bench: %s: %s\n", sql,
		    sqlite3_errmsg(db));
		exit(1);
	}
	return stmt;
}

void
check(int rc, const char *what, char *cause)
{
	if (rc != XJ_OK) {
		fprintf(stderr, "xueji-bench: %s: %s\n", what,
		    cause != NULL ? cause : "?");
		exit(1);
	}
}

/* The process's peak RSS so far, in KiB (VmHWM). */
long
hwm_kib(void)
{
	return tl_status_kib(getpid(), "VmHWM:");
}

/*
 * What one durable commit costs on this disk right now: a 4 KiB page
 * rewritten in place and fdatasync'd, as a WAL frame is.  Cloud disks
 * change their mind about this during a long run.
 */
void
m_fsync(struct bench *b, long n)
{
	struct samples	 x = { 0 };
	char		*path, page[4096];
	double		 t;
	int		 fd, i;

	path = xj_path_join(b->s->cfg->data_dir, "fsync-probe");
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1) {
		free(path);
		return;
	}
	memset(page, 'x', sizeof page);
	for (i = 0; i < 8; i++)
		if (pwrite(fd, page, sizeof page, (off_t)i * 4096) < 0)
			break;
	fsync(fd);
	for (i = 0; i < 100; i++) {
		t = now_us();
		if (pwrite(fd, page, sizeof page, (off_t)(i % 8) * 4096) < 0)
			break;
		fdatasync(fd);
		add(&x, now_us() - t);
	}
	close(fd);
	unlink(path);
	free(path);
	row("disk: 4 KiB write + fdatasync", n, &x, NULL);
}
