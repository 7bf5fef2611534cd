/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The auditor's side: one page of the audit browser at any depth and
 * filter, and verifying the chain against BLAKE2b over the same bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "bench/bench.h"
#include "bench/measure.h"
#include "lib/hatch.h"

/* ---- the audit browser ------------------------------------------------ */

/* What a page showed: how many entries, and their range of seq. */
struct seen {
	long		 n;
	int64_t		 lo, hi;
};

static int
count_entry(const struct audit_entry *e, void *arg)
{
	struct seen	*p = arg;

	if (p->n == 0 || e->seq < p->lo)
		p->lo = e->seq;
	if (p->n == 0 || e->seq > p->hi)
		p->hi = e->seq;
	p->n++;
	return 0;
}

struct afilter {
	const char	*label;
	const char	*operator, *action;
	int		 target, window;	/* window: 1 30 days, 2 since 7 */
	int		 request;
	const char	*bare;		/* the indexed query for it */
};

static const struct afilter afilters[] = {
	{ "audit page: no filter", NULL, NULL, 0, 0, 0,
	  "SELECT * FROM audit WHERE seq < ?1 ORDER BY seq DESC LIMIT 50" },
	{ "audit page: operator (common)", "reception1", NULL, 0, 0, 0,
	  "SELECT * FROM audit WHERE operator = ?2 AND seq < ?1"
	  " ORDER BY seq DESC LIMIT 50" },
	{ "audit page: operator (rare)", "auditor1", NULL, 0, 0, 0,
	  "SELECT * FROM audit WHERE operator = ?2 AND seq < ?1"
	  " ORDER BY seq DESC LIMIT 50" },
	{ "audit page: action", "\0", "student.enroll", 0, 0, 0,
	  "SELECT * FROM audit WHERE action = ?3 AND seq < ?1"
	  " ORDER BY seq DESC LIMIT 50" },
	{ "audit page: action prefix", "\0", "status.", 0, 0, 0,
	  "SELECT * FROM audit WHERE +action >= ?3 AND +action < ?3 || x'ff'"
	  " AND seq < ?1 ORDER BY seq DESC LIMIT 50" },
	{ "audit page: target (a student)", NULL, NULL, 1, 0, 0,
	  "SELECT * FROM audit WHERE target = ?4 AND target != ''"
	  " AND seq < ?1 ORDER BY seq DESC LIMIT 50" },
	/*
	 * No index by time (store migration 9): the floor is reading the
	 * very rows the page showed, by the range of seq they lie in,
	 * which a bare program could only know by magic.
	 */
	{ "audit page: 30-day window", NULL, NULL, 0, 1, 0,
	  "SELECT * FROM audit WHERE seq BETWEEN ?8 AND ?9 AND at >= ?5"
	  " AND at < ?6 ORDER BY seq DESC LIMIT 50" },
	{ "audit page: last 7 days", NULL, NULL, 0, 2, 0,
	  "SELECT * FROM audit WHERE seq BETWEEN ?8 AND ?9 AND at >= ?5"
	  " ORDER BY seq DESC LIMIT 50" },
	/* The expression of audit.c's REQUEST_ID, as its index has it. */
	{ "audit page: request", NULL, NULL, 0, 0, 1,
	  "SELECT * FROM audit WHERE instr(' ' || detail, ' request=') > 0"
	  " AND CAST(substr(detail, instr(' ' || detail, ' request=') + 8)"
	  " AS INTEGER) = ?7 AND seq < ?1 ORDER BY seq DESC LIMIT 50" },
};

void
m_audit(struct bench *b, sqlite3 *raw, long n, uint64_t *rng)
{
	struct samples		 x = { 0 }, lib = { 0 }, base = { 0 };
	struct audit_filter	 f;
	sqlite3_stmt		*q;
	const struct afilter	*a;
	char			 number[64], name[64], phone[64], op[96];
	char			*cause = NULL;
	int64_t			 head = store_audit_head(b->s->st);
	int64_t			 nreq = 0;
	time_t			 now = xj_now();
	struct seen		 got;
	double			 t;
	size_t			 i;
	int			 rc;

	fprintf(stderr, "  audit log: %" PRId64 " entries\n", head);
	q = prep(raw, "SELECT max(id) FROM request");
	if (sqlite3_step(q) == SQLITE_ROW)
		nreq = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	bench_as(b, b->auditor);
	for (i = 0; i < nitems(afilters); i++) {
		a = &afilters[i];
		q = prep(raw, a->bare);
		while (more(&x) || more(&lib)) {
			memset(&f, 0, sizeof f);
			f.operator = a->operator != NULL &&
			    a->operator[0] != '\0' ? a->operator : NULL;
			f.action = a->action;
			if (a->target && target(raw, rng, n, number, name,
			    phone))
				f.target = number;
			if (a->window == 1) {
				f.since = now - (time_t)(bench_rand(rng) %
				    (86400ULL * 3650));
				f.until = f.since + 86400 * 30;
			} else if (a->window == 2)
				f.since = now - 86400 * 7;
			if (a->request && nreq > 0)
				f.request = 1 + (int64_t)(bench_rand(rng) %
				    (uint64_t)nreq);
			/* Any depth, uniformly: keyset, never OFFSET. */
			f.before_seq = 1 + (int64_t)(bench_rand(rng) %
			    (uint64_t)head);
			f.limit = PAGE;
			memset(&got, 0, sizeof got);
			if (more(&x)) {
				t = now_us();
				rc = store_audit_each(b->s->st, &f,
				    count_entry, &got, &cause);
				add(&x, now_us() - t);
				check(rc, "audit page", cause);
				bench_pause(b);
			}
			if (more(&lib)) {
				memset(&got, 0, sizeof got);
				t = now_us();
				rc = audit_each(store_db(b->s->st), &f,
				    count_entry, &got, &cause);
				add(&lib, now_us() - t);
				check(rc, "audit_each", cause);
			}
			sqlite3_bind_int64(q, 1, f.before_seq);
			if (f.operator != NULL)
				sqlite3_bind_text(q, 2, f.operator, -1,
				    SQLITE_STATIC);
			if (f.action != NULL)
				sqlite3_bind_text(q, 3, f.action, -1,
				    SQLITE_STATIC);
			if (f.target != NULL)
				sqlite3_bind_text(q, 4, f.target, -1,
				    SQLITE_STATIC);
			sqlite3_bind_int64(q, 5, (sqlite3_int64)f.since);
			sqlite3_bind_int64(q, 6, (sqlite3_int64)f.until);
			sqlite3_bind_int64(q, 7, f.request);
			sqlite3_bind_int64(q, 8, got.n > 0 ? got.lo : 1);
			sqlite3_bind_int64(q, 9, got.n > 0 ? got.hi : 0);
			t = now_us();
			while (sqlite3_step(q) == SQLITE_ROW)
				;
			sqlite3_reset(q);
			add(&base, now_us() - t);
			if (x.n >= 40 && lib.n >= 40)
				break;
		}
		sqlite3_finalize(q);
		row(a->label, n, &x, &base);
		snprintf(op, sizeof op, "  audit_each only: %s",
		    a->label + 12);
		row(op, n, &lib, NULL);
	}
	bench_as(b, b->reception);
}

/* ---- verification ----------------------------------------------------- */

#define RAW_MAX		2000000		/* entries hashed from memory */

static void
put_part(unsigned char **p, const char *s, int len)
{
	(*p)[0] = (unsigned char)(len >> 24);
	(*p)[1] = (unsigned char)(len >> 16);
	(*p)[2] = (unsigned char)(len >> 8);
	(*p)[3] = (unsigned char)len;
	memcpy(*p + 4, s, (size_t)len);
	*p += 4 + len;
}

void
m_verify(struct bench *b, sqlite3 *raw, long n)
{
	sqlite3_stmt	*q;
	unsigned char	*buf, *p, h[32];
	size_t		*off, cap, m = 0, i;
	char		 num[24], *cause = NULL;
	int64_t		 count, bad;
	double		 t, rate, raw_rate, scan_rate, cpu, wall;
	struct rusage	 r0, r1;
	int		 c, rc;

	bench_as(b, b->auditor);
	/* CPU over wall: above 1 when the hashing thread had a core. */
	getrusage(RUSAGE_SELF, &r0);
	t = now_us();
	rc = audit_verify(store_db(b->s->st), BENCH_BRANCH, &count, &bad,
	    NULL, NULL, &cause);
	t = now_us() - t;
	getrusage(RUSAGE_SELF, &r1);
	cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec +
	    r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1e6 +
	    (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec +
	    r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
	check(rc, "verify", cause);
	rate = (double)count / (t / 1e6);
	wall = t;
	bench_as(b, b->reception);

	/* The floor: SQLCipher reading the same rows, nothing else. */
	q = prep(store_db(b->s->st), "SELECT seq, at, operator, action, "
	    "target, fields, detail, hash FROM audit ORDER BY seq");
	t = now_us();
	while (sqlite3_step(q) == SQLITE_ROW)
		for (c = 2; c < 8; c++)
			sqlite3_column_blob(q, c);
	t = now_us() - t;
	sqlite3_finalize(q);
	scan_rate = (double)count / (t / 1e6);

	/* The same bytes, already in memory, through BLAKE2b alone. */
	cap = (size_t)(count < RAW_MAX ? count : RAW_MAX);
	off = xcalloc(cap + 1, sizeof *off);
	buf = malloc(cap * 320);
	if (buf == NULL)
		exit(1);
	q = prep(raw, "SELECT seq, at, operator, action, target, fields, "
	    "detail FROM audit ORDER BY seq");
	p = buf;
	while (m < cap && sqlite3_step(q) == SQLITE_ROW) {
		off[m++] = (size_t)(p - buf);
		p += 32;	/* the previous hash goes here */
		for (c = 0; c < 7; c++) {
			if (c < 2) {
				snprintf(num, sizeof num, "%lld", (long long)
				    sqlite3_column_int64(q, c));
				put_part(&p, num, (int)strlen(num));
			} else
				put_part(&p, (const char *)
				    sqlite3_column_text(q, c),
				    sqlite3_column_bytes(q, c));
		}
	}
	off[m] = (size_t)(p - buf);
	sqlite3_finalize(q);
	memset(h, 0, sizeof h);
	t = now_us();
	for (i = 0; i < m; i++) {
		memcpy(buf + off[i], h, 32);
		crypto_generichash(h, 32, buf + off[i], off[i + 1] - off[i],
		    NULL, 0);
	}
	t = now_us() - t;
	raw_rate = (double)m / (t / 1e6);
	free(buf);
	free(off);
	fprintf(stderr, "  verify: %" PRId64 " entries in %.0f ms, %.0f ms "
	    "CPU; raw BLAKE2b over the first %zu\n", count, wall / 1e3,
	    cpu / 1e3, m);
	printf("ROW\tverify the audit chain\t%ld\t%.3f\t%.3f\t%.3f\t"
	    "Mentries/s\n", n, rate / 1e6, rate / 1e6, raw_rate / 1e6);
	printf("ROW\t  reading the rows alone\t%ld\t%.3f\t%.3f\t-1\t"
	    "Mentries/s\n", n, scan_rate / 1e6, scan_rate / 1e6);
	fflush(stdout);
}
