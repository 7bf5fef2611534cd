/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The measurements, at one size of the branch.  Every xueji figure is
 * the real API on a store opened as the program opens it (WAL,
 * synchronous FULL, 4096-byte pages); every baseline is bare SQLCipher
 * doing the same work with cached prepared statements and nothing else
 * (no permission check, no audit entry, no commit), interleaved with the
 * API calls so that both see the same machine.  Rows go to stdout as
 * "ROW\top\tN\tmedian\tp99\tbaseline\tunit".
 */
#include <sys/resource.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/archive.h"
#include "xueji/audit.h"
#include "xueji/pinyin.h"
#include "xueji/student.h"
#include "xueji/report.h"
#include "xueji/request.h"
#include "bench/bench.h"
#include "bench/measure.h"
#include "lib/hatch.h"

/* ---- pauses ---------------------------------------------------------- */

static struct samples	pauses;

void
bench_pause(struct bench *b)
{
	double	t;

	t = now_us();
	store_idle(b->s->st);
	add(&pauses, now_us() - t);
}

/* ---- enrolment -------------------------------------------------------- */

/*
 * The same rows an enrolment writes, bare, in one transaction on the
 * store's own connection (a second connection would find its page cache
 * stale after every commit of the first): student, fields, history and
 * search terms copied from the student just enrolled, and one chained
 * audit entry.  What is left over the one-row baseline is the
 * design (those rows); what is left over this one is the API itself.
 * The copies are numbered "Z…" and removed at the end (their entries
 * stay in the chain, as every entry does).
 */
struct bare_rows {
	sqlite3_stmt	*student, *fields, *hist, *terms, *id;
};

static void
bare_rows_prepare(struct bare_rows *q, sqlite3 *raw)
{
	q->id = prep(raw, "SELECT id FROM student WHERE number = ?");
	q->student = prep(raw, "INSERT INTO student (number, enrolled_at, "
	    "enrolled_by, consent_method, consent_at, status_at, next_review) "
	    "SELECT 'Z' || number, enrolled_at, enrolled_by, consent_method, "
	    "consent_at, status_at, next_review FROM student WHERE id = ?");
	q->fields = prep(raw, "INSERT INTO field (student, key, value) "
	    "SELECT ?2, key, value FROM field WHERE student = ?1");
	q->hist = prep(raw, "INSERT INTO field_history (student, key, value, "
	    "at, request) SELECT ?2, key, value, at, request FROM "
	    "field_history WHERE student = ?1");
	q->terms = prep(raw, "INSERT INTO search (term, student) "
	    "SELECT term, ?2 FROM search WHERE student = ?1");
}

static void
bare_rows_finalize(struct bare_rows *q)
{
	sqlite3_finalize(q->id);
	sqlite3_finalize(q->student);
	sqlite3_finalize(q->fields);
	sqlite3_finalize(q->hist);
	sqlite3_finalize(q->terms);
}

static void
step_or_die(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE) {
		fprintf(stderr, "xueji-bench: bare rows: %s\n",
		    sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(s);
}

/* Copy the rows of student number (just enrolled); microseconds. */
static double
bare_rows(struct bare_rows *q, sqlite3 *raw, const char *number)
{
	struct audit_entry	 e;
	sqlite3_int64		 from, to;
	char			*cause = NULL, znum[40];
	double			 t;
	int			 i;

	sqlite3_bind_text(q->id, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_step(q->id) != SQLITE_ROW) {
		fprintf(stderr, "xueji-bench: no student %s\n", number);
		exit(1);
	}
	from = sqlite3_column_int64(q->id, 0);
	sqlite3_reset(q->id);
	snprintf(znum, sizeof znum, "Z%s", number);
	t = now_us();
	sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_bind_int64(q->student, 1, from);
	step_or_die(raw, q->student);
	to = sqlite3_last_insert_rowid(raw);
	for (i = 0; i < 3; i++) {
		sqlite3_stmt *s = i == 0 ? q->fields : i == 1 ? q->hist :
		    q->terms;

		sqlite3_bind_int64(s, 1, from);
		sqlite3_bind_int64(s, 2, to);
		step_or_die(raw, s);
	}
	memset(&e, 0, sizeof e);
	e.operator = "reception1";
	e.action = "student.enroll";
	e.target = znum;
	e.fields = "birth_month,guardian_name,guardian_phone,name";
	e.detail = "consent=in-person";
	check(audit_append(raw, BENCH_BRANCH, &e, &cause), "bare audit",
	    cause);
	sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL);
	return now_us() - t;
}

static void
bare_rows_remove(sqlite3 *raw)
{
	static const char	 sql[] =
	    "BEGIN IMMEDIATE;"
	    "CREATE TEMP TABLE z AS SELECT id FROM student"
	    "  WHERE number >= 'Z' AND number < 'Z\xff';"
	    "DELETE FROM search WHERE student IN (SELECT id FROM z);"
	    "DELETE FROM field_history WHERE student IN (SELECT id FROM z);"
	    "DELETE FROM field WHERE student IN (SELECT id FROM z);"
	    "DELETE FROM student WHERE id IN (SELECT id FROM z);"
	    "DROP TABLE z;"
	    "COMMIT;";
	char			*err = NULL;

	if (sqlite3_exec(raw, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "xueji-bench: removing the bare rows: %s\n",
		    err);
		exit(1);
	}
}

static void
m_enrol(struct bench *b, long n, uint64_t *rng)
{
	struct samples		 x = { 0 }, off = { 0 }, base = { 0 };
	struct samples		 base_off = { 0 }, rows = { 0 }, x2 = { 0 };
	struct field_input	 in[4];
	struct enrolment	 en;
	struct bare_rows	 q;
	struct person		 p;
	sqlite3_stmt		*ins;
	char			*number, *dup, *cause = NULL, bnum[32];
	double			 t;
	size_t			 j;
	int			 i, pass, rc;

	ins = prep(b->bare, "INSERT INTO student (number, name, birth_month, "
	    "guardian_name, guardian_phone, enrolled_at, enrolled_by, "
	    "consent_method) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	bare_rows_prepare(&q, store_db(b->s->st));
	for (i = 0; i < 600; i++) {
		/* Even: durable (FULL), as the program runs; odd: no fsync. */
		pass = i % 2;
		person_make(&p, rng, 2026);
		in[0] = (struct field_input){ "name", p.name };
		in[1] = (struct field_input){ "birth_month", p.birth };
		in[2] = (struct field_input){ "guardian_name", p.guardian };
		in[3] = (struct field_input){ "guardian_phone", p.phone };
		en = (struct enrolment){ in, 4, p.consent, 0 };
		if (pass == 1)
			set_sync(b, 0);
		t = now_us();
		rc = store_student_add(b->s->st, &en, &number, &dup, &cause);
		t = now_us() - t;
		if (pass == 1)
			set_sync(b, 1);
		if (rc == XJ_EDATA && dup != NULL) {	/* a namesake */
			free(dup);
			free(cause);
			cause = NULL;
			continue;
		}
		check(rc, "enrol", cause);
		add(pass == 0 ? &x : &off, t);
		bench_pause(b);

		/* The same row, bare, with the same durability. */
		if (pass == 1)
			sqlite3_exec(b->bare, "PRAGMA synchronous = OFF", NULL,
			    NULL, NULL);
		snprintf(bnum, sizeof bnum, "B%s", number);
		t = now_us();
		sqlite3_exec(b->bare, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_text(ins, 1, bnum, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, p.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, p.birth, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, p.guardian, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, p.phone, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 6, (sqlite3_int64)xj_now());
		sqlite3_bind_text(ins, 7, "reception1", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 8, p.consent, -1, SQLITE_STATIC);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		sqlite3_exec(b->bare, "COMMIT", NULL, NULL, NULL);
		t = now_us() - t;
		if (pass == 1)
			sqlite3_exec(b->bare, "PRAGMA synchronous = FULL", NULL,
			    NULL, NULL);
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "bare insert: %s\n",
			    sqlite3_errmsg(b->bare));
			exit(1);
		}
		add(pass == 0 ? &base : &base_off, t);
		/* The same rows, bare, durable. */
		if (pass == 0)
			add(&rows, bare_rows(&q, store_db(b->s->st), number));
		free(number);
		free(dup);
	}
	for (j = 0; j < x.n; j++)
		add(&x2, x.v[j]);
	sqlite3_finalize(ins);
	bare_rows_finalize(&q);
	bare_rows_remove(store_db(b->s->st));
	row("enrol one student", n, &x, &base);
	row("  vs the same rows, bare, 1 commit", n, &x2, &rows);
	row("  same w/o fsync: enrol", n, &off, &base_off);
}

/* ---- search ----------------------------------------------------------- */

enum kind { K_NUMBER, K_NAME, K_PINYIN, K_INITIALS, K_TAIL, K_N };
static const char *const kind_names[K_N] = {
	"search: number prefix", "search: name prefix", "search: pinyin full",
	"search: pinyin initials", "search: phone tail",
};

struct bare_search {
	sqlite3_stmt	*number, *term, *vals;
};

/*
 * The bare query: the one index range the kind needs, newest first.
 * When numbers is not NULL, the numbers found, comma-separated, as a
 * student.find entry names them.
 */
static size_t
bare_find(struct bare_search *q, enum kind k, const char *text,
    char *numbers, size_t len)
{
	sqlite3_stmt	*s;
	char		 lo[128], hi[130], *v[8];
	size_t		 found = 0, nv, i, at = 0;

	if (k == K_NUMBER && strchr(text, '-') == NULL) {
		/* The branch code is a number only with its dash (issue
		 * 20): "S", "SH" are pinyin, "SH01" matches nothing. */
		s = q->term;
		snprintf(lo, sizeof lo, "%s", strspn(text, "ABCDEFGHIJKLMNOPQRS"
		    "TUVWXYZabcdefghijklmnopqrstuvwxyz") == strlen(text) ?
		    "p:" : "");
		for (i = 0; *lo != '\0' && text[i] != '\0'; i++)
			lo[2 + i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ?
			    text[i] + 32 : text[i]);
		if (*lo != '\0')
			lo[2 + i] = '\0';
	} else if (k == K_NUMBER) {
		s = q->number;
		snprintf(lo, sizeof lo, "%s", text);
		for (i = 0; i < 4 && lo[i] != '\0'; i++)
			lo[i] = (char)(lo[i] >= 'a' && lo[i] <= 'z' ?
			    lo[i] - 32 : lo[i]);
	} else {
		s = q->term;
		snprintf(lo, sizeof lo, "%s:%s", k == K_NAME ? "n" :
		    k == K_PINYIN ? "p" : k == K_INITIALS ? "i" :
		    strlen(text) == 4 ? "t" : "n", text);
	}
	/* An empty lo: no range at all, as the store binds it. */
	snprintf(hi, sizeof hi, *lo != '\0' ? "%s\xff" : "%s", lo);
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
	if (numbers != NULL)
		*numbers = '\0';
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (numbers != NULL && at + 32 < len)
			at += (size_t)snprintf(numbers + at, len - at, "%s%s",
			    at > 0 ? "," : "", sqlite3_column_text(s, 1));
		/* Load the values as the store does, so the screen can show
		 * them. */
		sqlite3_bind_int64(q->vals, 1, sqlite3_column_int64(s, 0));
		for (nv = 0; nv < 8 && sqlite3_step(q->vals) == SQLITE_ROW;
		    nv++)
			v[nv] = xstrdup((const char *)
			    sqlite3_column_text(q->vals, 1));
		sqlite3_reset(q->vals);
		for (i = 0; i < nv; i++)
			free(v[i]);
		found++;
	}
	sqlite3_reset(s);
	return found;
}

/*
 * The bare query and the student.find entry a keystroke that shows new
 * children writes, in one durable commit on raw; microseconds.  The
 * entries are real ones, chained, by reception1: they stay in the log.
 */
static double
bare_find_logged(struct bare_search *q, sqlite3 *raw, enum kind k,
    const char *text)
{
	struct audit_entry	 e;
	char			 numbers[1024], detail[1100], *cause = NULL;
	size_t			 found;
	double			 t;

	t = now_us();
	sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	found = bare_find(q, k, text, numbers, sizeof numbers);
	snprintf(detail, sizeof detail, "results=%zu numbers=%s", found,
	    numbers);
	memset(&e, 0, sizeof e);
	e.operator = "reception1";
	e.action = "student.find";
	e.detail = detail;
	check(audit_append(raw, BENCH_BRANCH, &e, &cause), "bare find entry",
	    cause);
	sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL);
	return now_us() - t;
}

/* Keystrokes: the prefixes of t, whole UTF-8 characters each. */
static size_t
prefixes(const char *t, char out[][64], size_t max)
{
	size_t	n = 0, i, len = strlen(t);

	for (i = 1; i <= len && n < max; i++) {
		if (i < len && ((unsigned char)t[i] & 0xc0) == 0x80)
			continue;
		snprintf(out[n++], 64, "%.*s", (int)i, t);
	}
	return n;
}

/* A random live student: number, name and guardian phone. */
int
target(sqlite3 *raw, uint64_t *rng, long n, char *number, char *name,
    char *phone)
{
	sqlite3_stmt	*s;
	int		 ok = 0;

	s = prep(raw, "SELECT s.number, "
	    "(SELECT value FROM field WHERE student = s.id AND key = 'name'), "
	    "(SELECT value FROM field WHERE student = s.id AND "
	    "key = 'guardian_phone') FROM student s WHERE s.id >= ? AND "
	    "s.status != 'destroyed' ORDER BY s.id LIMIT 1");
	sqlite3_bind_int64(s, 1, 1 + (sqlite3_int64)(bench_rand(rng) %
	    (uint64_t)n));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 1) &&
	    sqlite3_column_text(s, 2)) {
		snprintf(number, 64, "%s", sqlite3_column_text(s, 0));
		snprintf(name, 64, "%s", sqlite3_column_text(s, 1));
		snprintf(phone, 64, "%s", sqlite3_column_text(s, 2));
		ok = 1;
	}
	sqlite3_finalize(s);
	return ok;
}

/* This thread's CPU time, in microseconds. */
static double
cpu_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * With BENCH_KEYSTROKES set, one line per search keystroke on standard
 * error: kind, length typed, wall and CPU time (µs), whether it wrote
 * an entry, how many students it listed, the pages in the WAL before
 * and after it (0 before: its commit starts the WAL over, after a
 * pause's checkpoint), and the text.  Wall less CPU is what the keystroke
 * waited for (the disk, or the host's other processes); the pages are
 * what its entry cost to write.
 */
static void
keystroke_line(int kind, size_t len, double wall, double cpu, int logged,
    size_t nv, int wal_before, int wal_after, const char *text)
{
	static int	on = -1;

	if (on == -1)
		on = getenv("BENCH_KEYSTROKES") != NULL;
	if (on)
		fprintf(stderr, "KEY\t%d\t%zu\t%.1f\t%.1f\t%d\t%zu\t%d\t%d\t"
		    "%s\n", kind, len, wall, cpu, logged, nv, wal_before,
		    wal_after, text);
}

static void
m_search(struct bench *b, sqlite3 *raw, long n, uint64_t *rng)
{
	struct samples		 x[K_N] = { 0 }, base[K_N] = { 0 };
	struct samples		 xlog[K_N] = { 0 }, base2[K_N] = { 0 };
	struct samples		 logged = { 0 };
	struct bare_search	 q;
	struct student		**v;
	char			 keys[40][64], number[64], name[64], phone[64];
	char			 text[64], **full, **ini, *cause = NULL;
	size_t			 nkeys, nfull, nini, i, nv, len;
	double			 t, cpu;
	int			 k, rc, round, worst_len = 0, unsynced, wal;
	double			 worst = 0;
	size_t			 keystrokes = 0;

	/* Numbers are handed out in order: the last of the range. */
	q.number = prep(raw, "SELECT id, number FROM student WHERE number >= ?1"
	    " AND number < ?2 AND status != 'destroyed' ORDER BY number DESC"
	    " LIMIT 20");
	q.term = prep(raw, "SELECT id, number FROM student WHERE id IN"
	    " (SELECT student FROM search WHERE term >= ?1 AND term < ?2)"
	    " AND status != 'destroyed' ORDER BY id DESC LIMIT 20");
	q.vals = prep(raw, "SELECT key, value FROM field WHERE student = ? "
	    "ORDER BY key");
	for (round = 0; round < 20; round++) {
		if (!target(raw, rng, n, number, name, phone))
			continue;
		for (k = 0; k < K_N; k++) {
			if (!more(&x[k]))
				continue;
			switch (k) {
			case K_NUMBER:
				nkeys = prefixes(number, keys, 40);
				break;
			case K_NAME:
				nkeys = prefixes(name, keys, 40);
				break;
			case K_PINYIN:
			case K_INITIALS:
				if (pinyin_terms(name, &full, &nfull, &ini,
				    &nini) != XJ_OK || nfull == 0) {
					nkeys = 0;
					break;
				}
				nkeys = prefixes(k == K_PINYIN ? full[0] :
				    ini[0], keys, 40);
				pinyin_terms_free(full, nfull);
				pinyin_terms_free(ini, nini);
				break;
			default:
				len = strlen(phone);
				nkeys = prefixes(phone + len - 4, keys, 40);
				break;
			}
			for (i = 0; i < nkeys; i++) {
				snprintf(text, sizeof text, "%s", keys[i]);
				unsynced = store_reads_unsynced(b->s->st);
				wal = store_wal_pages(b->s->st);
				cpu = cpu_us();
				t = now_us();
				rc = store_student_find(b->s->st, text,
				    SCREENFUL, NULL, &v, &nv, &cause);
				t = now_us() - t;
				cpu = cpu_us() - cpu;
				check(rc, "find", cause);
				keystroke_line(k, i + 1, t, cpu,
				    store_reads_unsynced(b->s->st) != unsynced, nv,
				    wal, store_wal_pages(b->s->st), text);
				students_free(v, nv);
				add(&x[k], t);
				/* Committed an entry: the count moved. */
				keystrokes++;
				if (store_reads_unsynced(b->s->st) != unsynced)
					add(&logged, t);
				if (t > worst) {
					worst = t;
					worst_len = (int)i + 1;
				}
				t = now_us();
				bare_find(&q, (enum kind)k, text, NULL, 0);
				add(&base[k], now_us() - t);
				/*
				 * The performance issue's second baseline for
				 * a keystroke that logs: the bare query and
				 * the equivalent student.find row, one commit.
				 */
				if ((k == K_NUMBER || k == K_TAIL) &&
				    store_reads_unsynced(b->s->st) !=
				    unsynced) {
					add(&xlog[k], x[k].v[x[k].n - 1]);
					add(&base2[k], bare_find_logged(&q,
					    raw, (enum kind)k, text));
				}
			}
			bench_pause(b);
		}
	}
	for (k = 0; k < K_N; k++) {
		row(kind_names[k], n, &x[k], &base[k]);
		if (k == K_NUMBER || k == K_TAIL)
			row(k == K_NUMBER ? "  number keystrokes that logged, "
			    "vs bare + log row" : "  tail keystrokes that "
			    "logged, vs bare + log row", n, &xlog[k],
			    &base2[k]);
	}
	fprintf(stderr, "  %zu of %zu keystrokes wrote a student.find entry\n",
	    logged.n, keystrokes);
	row("  search keystrokes that wrote an entry", n, &logged, NULL);
	fprintf(stderr, "  slowest keystroke at %ld: %.1f ms (keystroke %d)\n",
	    n, worst / 1e3, worst_len);
	sqlite3_finalize(q.number);
	sqlite3_finalize(q.term);
	sqlite3_finalize(q.vals);
}

/* ---- a record with its history ---------------------------------------- */

static void
m_record(struct bench *b, sqlite3 *raw, long n, uint64_t *rng)
{
	struct samples	 x = { 0 }, base = { 0 };
	struct student	*s;
	struct history	*h;
	sqlite3_stmt	*qs, *qv, *qh;
	char		 number[64], name[64], phone[64], *cause = NULL;
	size_t		 nh;
	double		 t;
	int		 i, rc;

	qs = prep(raw, "SELECT s.id, s.number, s.status, s.enrolled_at, "
	    "s.enrolled_by, s.consent_method, s.consent_at, s.next_review "
	    "FROM student s WHERE s.number = ?");
	qv = prep(raw, "SELECT key, value FROM field WHERE student = ? "
	    "ORDER BY key");
	qh = prep(raw, "SELECT h.key, h.value, h.at, h.request, r.reason, "
	    "r.requested_by, r.decided_by FROM field_history h LEFT JOIN "
	    "request r ON r.id = h.request WHERE h.student = ? ORDER BY h.id");
	for (i = 0; i < 200; i++) {
		if (!target(raw, rng, n, number, name, phone))
			continue;
		t = now_us();
		rc = store_student_get(b->s->st, number, &s, &cause);
		check(rc, "open", cause);
		rc = store_history(b->s->st, number, &h, &nh, &cause);
		check(rc, "history", cause);
		t = now_us() - t;
		student_free(s);
		history_free(h, nh);
		add(&x, t);
		bench_pause(b);
		t = now_us();
		sqlite3_bind_text(qs, 1, number, -1, SQLITE_STATIC);
		if (sqlite3_step(qs) == SQLITE_ROW) {
			sqlite3_bind_int64(qv, 1, sqlite3_column_int64(qs, 0));
			sqlite3_bind_int64(qh, 1, sqlite3_column_int64(qs, 0));
			while (sqlite3_step(qv) == SQLITE_ROW)
				free(xstrdup((const char *)
				    sqlite3_column_text(qv, 1)));
			while (sqlite3_step(qh) == SQLITE_ROW)
				free(xstrdup((const char *)
				    sqlite3_column_text(qh, 1)));
			sqlite3_reset(qv);
			sqlite3_reset(qh);
		}
		sqlite3_reset(qs);
		add(&base, now_us() - t);
	}
	row("open a record with its history", n, &x, &base);
	sqlite3_finalize(qs);
	sqlite3_finalize(qv);
	sqlite3_finalize(qh);
}

/* ---- the approval queue and the archive's lists ---------------------- */

/*
 * What a list screen logs when it is drawn at 80x24: its first page,
 * PAGE_ROWS rows (the queue shows 17, the archive 15), through the
 * screen's store_shown (store_list_shown).  The rest of the list is
 * counted, not kept.
 */
#define PAGE_ROWS	17

struct page {
	const char	*number[PAGE_ROWS];
	char		*copy[PAGE_ROWS];
	long		 n;
};

static void
page_add(struct page *p, const char *number)
{
	if (p->n < PAGE_ROWS) {
		p->copy[p->n] = xstrdup(number);
		p->number[p->n] = p->copy[p->n];
	}
	p->n++;
}

static void
page_free(struct page *p)
{
	long	i;

	for (i = 0; i < p->n && i < PAGE_ROWS; i++)
		free(p->copy[i]);
	p->n = 0;
}

static int
page_request(const struct request *r, void *arg)
{
	page_add(arg, r->number);
	return 0;
}

static int
page_archived(const struct archive_entry *e, void *arg)
{
	page_add(arg, e->number);
	return 0;
}

/* Read the queue for a screen into p. */
static int
read_queue(struct bench *b, struct store_shown *shown, struct page *p,
    char **cause)
{
	return store_requests(b->s->st, LIST_PENDING, page_request, p, shown,
	    cause);
}

/* Read the archive's list of active students for a screen into p. */
static int
read_archive(struct bench *b, struct store_shown *shown, struct page *p,
    char **cause)
{
	return store_archive(b->s->st, ARCHIVE_STATUS, STATUS_ACTIVE, 0,
	    xj_now(), page_archived, p, shown, cause);
}

/*
 * A list screen opened afresh rounds times: a new store_shown, the list
 * read (rd) and its first page logged, as drawing it logs it; against
 * the same rows read bare (sql, the number in column col).
 */
static void
m_list(struct bench *b, sqlite3 *raw, long n, const char *what, int rounds,
    int (*rd)(struct bench *, struct store_shown *, struct page *,
    char **), const char *sql, int col)
{
	struct samples		 x = { 0 }, base = { 0 };
	struct store_shown	*shown;
	struct page		 p = { { NULL }, { NULL }, 0 };
	sqlite3_stmt		*q = prep(raw, sql);
	char			*cause = NULL;
	long			 got = 0, c;
	double			 t;
	int			 i;

	for (i = 0; i < rounds; i++) {
		shown = store_shown_new();
		t = now_us();
		check(rd(b, shown, &p, &cause), what, cause);
		check(store_list_shown(b->s->st, shown, p.number,
		    (size_t)(p.n < PAGE_ROWS ? p.n : PAGE_ROWS), &cause),
		    what, cause);
		add(&x, now_us() - t);
		got = p.n;
		page_free(&p);
		store_shown_free(shown);
		t = now_us();
		for (c = 0; sqlite3_step(q) == SQLITE_ROW; c++)
			free(xstrdup((const char *)sqlite3_column_text(q,
			    col)));
		sqlite3_reset(q);
		add(&base, now_us() - t);
	}
	fprintf(stderr, "  %s: %ld rows\n", what, got);
	row(what, n, &x, &base);
	sqlite3_finalize(q);
}

static void
m_queue(struct bench *b, sqlite3 *raw, long n)
{
	bench_as(b, b->supervisor);
	/* request.c's LIST_PENDING query, column for column. */
	m_list(b, raw, n, "load the approval queue", 30, read_queue,
	    "SELECT r.id, r.kind, r.state, s.number, r.reason, "
	    "r.evidence, r.requested_by, r.requested_at, r.decided_by, "
	    "r.decided_at, r.note, r.confirmed_by, r.confirmed_at, "
	    "r.confirm_method, r.student, r.new_status, r.reason_code "
	    "FROM request r JOIN student s ON s.id = r.student WHERE "
	    "r.state = 'pending' ORDER BY r.requested_at, r.id", 3);
	bench_as(b, b->reception);
}

/* The archive's longest list: ten rounds, each read whole. */
static void
m_archive(struct bench *b, sqlite3 *raw, long n)
{
	/* archive.c's status list, column for column. */
	m_list(b, raw, n, "open the archive's list of active students", 10,
	    read_archive, "SELECT s.number, s.status, s.enrolled_at, "
	    "s.status_at, s.next_review, EXISTS (SELECT 1 FROM request r "
	    "WHERE r.student = s.id AND r.kind = 'destroy' AND r.state = "
	    "'pending') FROM student s WHERE s.status = 'active' "
	    "ORDER BY s.number", 0);
}

/* ---- the reports screen ------------------------------------------------ */

/*
 * What an open reports screen costs when another terminal commits: the
 * stamp it reads to decide (store_report_stamp), after a commit on the
 * raw connection so its page cache is cold as it would be, and each
 * report made again when the stamp moved.
 */
static void
m_reports(struct bench *b, sqlite3 *raw, long n)
{
	struct samples	 stamp = { 0 }, made[REPORT_KINDS] = { { 0 } };
	struct report	*rep;
	char		*cause = NULL, name[64];
	int64_t		 v;
	double		 t;
	int		 i, k, rc;

	if (sqlite3_exec(raw, "CREATE TABLE IF NOT EXISTS bench_poke (x)",
	    NULL, NULL, NULL) != SQLITE_OK)
		check(XJ_EIO, "poke", NULL);
	bench_as(b, b->supervisor);
	for (i = 0; i < 30; i++) {
		if (sqlite3_exec(raw, "INSERT INTO bench_poke VALUES (1)",
		    NULL, NULL, NULL) != SQLITE_OK)
			check(XJ_EIO, "poke", NULL);
		t = now_us();
		rc = store_report_stamp(b->s->st, &v, &cause);
		add(&stamp, now_us() - t);
		check(rc, "report stamp", cause);
		if (i >= 5)
			continue;
		for (k = 0; k < REPORT_KINDS; k++) {
			t = now_us();
			rc = store_report(b->s->st, (enum report_kind)k,
			    xj_now(), &rep, &cause);
			add(&made[k], now_us() - t);
			check(rc, "report", cause);
			report_free(rep);
		}
	}
	bench_as(b, b->reception);
	row("reports: the stamp after a commit elsewhere", n, &stamp, NULL);
	for (k = 0; k < REPORT_KINDS; k++) {
		snprintf(name, sizeof name, "  make the %s report",
		    report_name((enum report_kind)k));
		row(name, n, &made[k], NULL);
	}
}

/*
 * Whether to measure what (all, unless BENCH_ONLY lists some, as in
 * BENCH_ONLY=backup,start: for rerunning a few over a branch kept).
 */
static int
want(const char *what)
{
	const char	*only = getenv("BENCH_ONLY"), *p;
	size_t		 len = strlen(what);

	if (only == NULL || *only == '\0')
		return 1;
	for (p = only; (p = strstr(p, what)) != NULL; p += len) {
		if ((p == only || p[-1] == ',') &&
		    (p[len] == '\0' || p[len] == ','))
			return 1;
	}
	return 0;
}

int
measure_all(struct bench *b, long n, uint64_t *rng)
{
	static const struct {
		const char	*name;
		int		 browsing;	/* counts for the peak RSS */
	} steps[] = {
		{ "enrol", 1 }, { "search", 1 }, { "records", 1 },
		{ "queue", 1 }, { "archive", 1 }, { "reports", 1 },
		{ "audit", 1 }, { "redraw", 1 },
		{ "session", 0 }, { "verify", 0 }, { "start", 0 },
		{ "backup", 0 },
	};
	struct rusage	 ru;
	sqlite3		*raw;
	FILE		*f;
	char		*path;
	size_t		 i, pages;
	unsigned long	 locks, kernel;
	int		 all = 1;

	path = xj_path_join(b->s->cfg->data_dir, STORE_DB_NAME);
	if (bench_raw_open(path, b->s->secret->db_key, &raw) != 0) {
		fprintf(stderr, "xueji-bench: %s: %s\n", path,
		    sqlite3_errmsg(raw));
		return 1;
	}
	free(path);
	/* The login's KDF (64 MiB) is not browsing: start the peak here. */
	if ((f = fopen("/proc/self/clear_refs", "w")) != NULL) {
		fputs("5", f);
		fclose(f);
	}
	for (i = 0; i < nitems(steps); i++) {
		if (!want(steps[i].name)) {
			all = 0;
			continue;
		}
		/* Everything before is browsing; verification reads it all. */
		if (all && i > 0 && steps[i - 1].browsing &&
		    !steps[i].browsing) {
			getrusage(RUSAGE_SELF, &ru);
			printf("ROW\t  RSS of the bench, 3 connections\t%ld\t"
			    "%.1f\t%.1f\t-1\tMiB\n", n,
			    (double)ru.ru_maxrss / 1024,
			    (double)ru.ru_maxrss / 1024);
			fflush(stdout);
		}
		fprintf(stderr, "  measuring at %ld: %s\n", n, steps[i].name);
		switch (i) {
		case 0:
			m_fsync(b, n);
			m_enrol(b, n, rng);
			break;
		case 1:
			m_search(b, raw, n, rng);
			break;
		case 2:
			m_record(b, raw, n, rng);
			break;
		case 3:
			m_queue(b, raw, n);
			break;
		case 4:
			m_archive(b, raw, n);
			break;
		case 5:
			m_reports(b, raw, n);
			break;
		case 6:
			m_audit(b, raw, n, rng);
			break;
		case 7:
			m_redraw(b, n, rng);
			break;
		case 8:
			m_session(b, raw, n, rng);
			break;
		case 9:
			m_verify(b, raw, n);
			break;
		case 10:
			m_start(b, n);
			break;
		default:
			m_backup(b, raw, n);
			break;
		}
		locks = xj_memlock_stats(&pages, &kernel);
		fprintf(stderr, "  peak RSS so far %.1f MiB; mlock and munlock: "
		    "%lu calls so far, %lu to the kernel, %zu pages held\n",
		    hwm_kib() / 1024.0, locks, kernel, pages);
	}
	if (pauses.n > 0)
		row("a pause: reads synced, WAL checkpointed", n, &pauses,
		    NULL);
	sqlite3_close(raw);
	return 0;
}
