/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Growing the synthetic branch.
 *
 * The bulk of the students go in by a shortcut, or a million would take
 * hours of fsyncs: chunks of GEN_CHUNK students in one transaction each,
 * on the store's own connection, writing the rows store_student_add
 * writes (student, fields, field history, search terms) with the store's
 * own helpers for everything that has meaning — field_validate
 * normalises every value, config_format_number makes the numbers,
 * pinyin_terms and phone_tail make the search terms, audit_hash chains
 * every audit entry.  No duplicate check and no per-student commit.
 * Each student gets about ten audit entries (enrolment, finds, views,
 * history, reviews; a status change for those who left).  The entries'
 * times follow the log, as a real one's do (audit_each's date windows
 * rely on it for speed, not for being right): each growth stage's clock
 * runs from ten years ago to yesterday over the entries it writes, so
 * the log's clock steps back at the start of every stage (after the
 * previous stage and the API's entries at "now"): a few deliberate runs
 * (audit_run) that a date window must cross.  The student rows keep
 * their own dates, spread over the decade by enrolment year.
 *
 * Change history and the approval queue go through the real API
 * (store_change_request, store_request_approve) with the connection's
 * synchronous set to OFF while generating; the measuring process opens
 * the database afresh, with the store's own pragmas.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/pinyin.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "bench/bench.h"
#include "lib/hatch.h"

#define GEN_CHUNK	5000
#define GEN_CHANGED	50	/* one student in 50 has an approved change */

struct gen {
	struct bench	*b;
	sqlite3		*db;
	sqlite3_stmt	*student, *field, *hist, *term, *audit, *status, *chg;
	sqlite3_stmt	*bare;
	int64_t		 seq;
	unsigned char	 prev[AUDIT_HASH_BYTES];
	long		 last[BENCH_YEARS];	/* number_seq per year */
	int		 year0;			/* this year */
	time_t		 now;
	time_t		 clock, step;		/* the log's, this stage */
};

static const char *const receptionists[] = { "reception1", "reception2" };
static const char *const supervisors[] = { "supervisor1", "supervisor2" };

static int
prep(sqlite3 *db, const char *sql, sqlite3_stmt **out, char **cause)
{
	if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, "%s: %s", sql,
		    sqlite3_errmsg(db));
	return XJ_OK;
}

static int
done(sqlite3 *db, sqlite3_stmt *stmt, char **cause)
{
	int	rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return xj_fail(cause, XJ_EIO, "generate: %s",
		    sqlite3_errmsg(db));
	return XJ_OK;
}

/* The next entry's time: the stage's clock, a few seconds on. */
static time_t
tick(struct gen *g, uint64_t *rng)
{
	g->clock += (time_t)(bench_rand(rng) % (uint64_t)(2 * g->step + 1));
	if (g->clock > g->now - 86400)
		g->clock = g->now - 86400;
	return g->clock;
}

/* Append one entry to the chain, as audit_append would. */
static int
gen_audit(struct gen *g, time_t at, const char *op, const char *action,
    const char *target, const char *fields, const char *detail, char **cause)
{
	struct audit_entry	e;

	memset(&e, 0, sizeof e);
	e.seq = ++g->seq;
	e.at = at;
	e.operator = op;
	e.action = action;
	e.target = target;
	e.fields = fields;
	e.detail = detail;
	audit_hash(g->prev, &e, e.hash);
	memcpy(g->prev, e.hash, sizeof g->prev);
	sqlite3_bind_int64(g->audit, 1, e.seq);
	sqlite3_bind_int64(g->audit, 2, (sqlite3_int64)at);
	sqlite3_bind_text(g->audit, 3, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->audit, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->audit, 5, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->audit, 6, fields, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->audit, 7, detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(g->audit, 8, e.hash, AUDIT_HASH_BYTES, SQLITE_STATIC);
	return done(g->db, g->audit, cause);
}

static int
gen_term(struct gen *g, const char *kind, const char *t, sqlite3_int64 id,
    char **cause)
{
	char	buf[256];

	snprintf(buf, sizeof buf, "%s:%s", kind, t);
	sqlite3_bind_text(g->term, 1, buf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(g->term, 2, id);
	return done(g->db, g->term, cause);
}

/* The normalised value of key, or NULL when empty or not on the form. */
static const char *
norm_of(const struct form_spec *form, char **norm, const char *key)
{
	size_t	i;

	for (i = 0; i < form->nfields; i++) {
		if (strcmp(form->fields[i].key, key) == 0)
			return norm[i][0] != '\0' ? norm[i] : NULL;
	}
	return NULL;
}

/* The search terms store_reindex makes for these values. */
static int
gen_terms(struct gen *g, const struct form_spec *form, char **norm,
    sqlite3_int64 id, char **cause)
{
	const char	*name, *birth, *phone;
	char		**full, **ini, tail[5], key[192];
	size_t		 nfull, nini, i, j;
	int		 rc = XJ_OK;

	for (i = 0; rc == XJ_OK && i < form->nfields; i++) {
		if (norm[i][0] == '\0')
			continue;
		if (strcmp(form->fields[i].key, "name") == 0) {
			rc = gen_term(g, "n", norm[i], id, cause);
			if (pinyin_terms(norm[i], &full, &nfull, &ini,
			    &nini) != XJ_OK)
				continue;
			for (j = 0; rc == XJ_OK && j < nfull; j++)
				rc = gen_term(g, "p", full[j], id, cause);
			for (j = 0; rc == XJ_OK && j < nini; j++)
				rc = gen_term(g, "i", ini[j], id, cause);
			pinyin_terms_free(full, nfull);
			pinyin_terms_free(ini, nini);
		} else if (form->fields[i].type == FIELD_PHONE) {
			phone_tail(norm[i], tail);
			rc = gen_term(g, "t", tail, id, cause);
		}
	}
	/* The duplicate check's keys: name and birth month, name and
	 * guardian phone. */
	name = norm_of(form, norm, "name");
	birth = norm_of(form, norm, "birth_month");
	phone = norm_of(form, norm, "guardian_phone");
	if (rc == XJ_OK && name != NULL && birth != NULL) {
		snprintf(key, sizeof key, "%s %s", name, birth);
		rc = gen_term(g, "b", key, id, cause);
	}
	if (rc == XJ_OK && name != NULL && phone != NULL) {
		snprintf(key, sizeof key, "%s %s", name, phone);
		rc = gen_term(g, "g", key, id, cause);
	}
	return rc;
}

/* One student, as store_student_add writes it, and its later life. */
static int
gen_student(struct gen *g, uint64_t *rng, char **cause)
{
	const struct form_spec	*form = g->b->s->form;
	struct person		 p;
	struct tm		 tm;
	sqlite3_int64		 id;
	time_t			 at;
	const char		*raw, *by, *status = "active", *why;
	char			*norm[16], *number, keys[256], detail[160];
	int			 y, rc = XJ_OK, k, nextra;
	size_t			 i;

	y = (int)(bench_rand(rng) % BENCH_YEARS);
	person_make(&p, rng, g->year0 - y);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = g->year0 - y - 1900;
	tm.tm_mon = (int)(bench_rand(rng) % 12);
	tm.tm_mday = 1 + (int)(bench_rand(rng) % 28);
	tm.tm_hour = 9 + (int)(bench_rand(rng) % 10);
	at = timegm(&tm);
	if (at > g->now)
		at = g->now - (time_t)(bench_rand(rng) % (86400 * 300));
	number = config_format_number(g->b->s->cfg->number_pattern,
	    BENCH_BRANCH, g->year0 - y, ++g->last[y]);

	keys[0] = '\0';
	for (i = 0; i < form->nfields && i < nitems(norm); i++) {
		raw = strcmp(form->fields[i].key, "name") == 0 ? p.name :
		    strcmp(form->fields[i].key, "birth_month") == 0 ? p.birth :
		    strcmp(form->fields[i].key, "guardian_name") == 0 ?
		    p.guardian : strcmp(form->fields[i].key,
		    "guardian_phone") == 0 ? p.phone : "";
		if (field_validate(&form->fields[i], raw, NULL, &norm[i],
		    cause) != XJ_OK) {
			while (i-- > 0)
				free(norm[i]);
			free(number);
			return XJ_EDATA;
		}
		if (norm[i][0] != '\0')
			snprintf(keys + strlen(keys), sizeof keys -
			    strlen(keys), "%s%s", keys[0] != '\0' ? "," : "",
			    form->fields[i].key);
	}
	by = receptionists[bench_rand(rng) % 2];
	/* Who left: most of those enrolled three or more years ago. */
	k = (int)(bench_rand(rng) % 100);
	if ((y >= 3 && k < 65) || (y >= 1 && k < 10))
		status = "completed";
	else if ((y >= 3 && k < 75) || (y >= 1 && k < 15))
		status = "withdrawn";

	sqlite3_bind_text(g->student, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int64(g->student, 3, (sqlite3_int64)at);
	sqlite3_bind_text(g->student, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->student, 5, p.consent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(g->student, 6, (sqlite3_int64)(at + 86400 * 91));
	if ((rc = done(g->db, g->student, cause)) != XJ_OK)
		goto out;
	id = sqlite3_last_insert_rowid(g->db);
	for (i = 0; rc == XJ_OK && i < form->nfields; i++) {
		if (norm[i][0] == '\0')
			continue;
		sqlite3_bind_int64(g->field, 1, id);
		sqlite3_bind_text(g->field, 2, form->fields[i].key, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(g->field, 3, norm[i], -1, SQLITE_STATIC);
		if ((rc = done(g->db, g->field, cause)) != XJ_OK)
			break;
		sqlite3_bind_int64(g->hist, 1, id);
		sqlite3_bind_text(g->hist, 2, form->fields[i].key, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(g->hist, 3, norm[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(g->hist, 4, (sqlite3_int64)at);
		rc = done(g->db, g->hist, cause);
	}
	if (rc == XJ_OK)
		rc = gen_terms(g, form, norm, id, cause);
	snprintf(detail, sizeof detail, "consent=%s", p.consent);
	if (rc == XJ_OK)
		rc = gen_audit(g, tick(g, rng), by, "student.enroll", number,
		    keys,
		    detail, cause);

	/* Its later life in the log: finds, views, history, reviews. */
	nextra = 7 + (int)(bench_rand(rng) % 5);
	for (k = 0; rc == XJ_OK && k < nextra; k++) {
		at += (time_t)(bench_rand(rng) % (86400 * 20));
		by = bench_rand(rng) % 4 == 0 ?
		    supervisors[bench_rand(rng) % 2] :
		    receptionists[bench_rand(rng) % 2];
		switch (k % 5) {
		case 0:
		case 2:
			snprintf(detail, sizeof detail, "results=%u "
			    "numbers=%s", 1 + (unsigned)(bench_rand(rng) % 20),
			    number);
			rc = gen_audit(g, tick(g, rng), by, "student.find",
			    "", "",
			    detail, cause);
			break;
		case 1:
		case 3:
			rc = gen_audit(g, tick(g, rng), by, "student.view",
			    number, keys, "", cause);
			break;
		default:
			rc = gen_audit(g, tick(g, rng), by, k == 4 ?
			    "student.history" : "status.review", number, "",
			    "", cause);
		}
	}
	/* Now and then an auditor looks at the log. */
	if (rc == XJ_OK && bench_rand(rng) % 500 == 0)
		rc = gen_audit(g, tick(g, rng), "auditor1", "audit.view", "",
		    "", "", cause);
	if (rc == XJ_OK && strcmp(status, "active") != 0) {
		why = strcmp(status, "completed") == 0 ? "课程结业" :
		    "家长申请退学";
		at += 86400 * 30;
		by = supervisors[bench_rand(rng) % 2];
		sqlite3_bind_text(g->status, 1, status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(g->status, 2, (sqlite3_int64)at);
		sqlite3_bind_int64(g->status, 3, id);
		sqlite3_bind_int64(g->chg, 1, id);
		sqlite3_bind_text(g->chg, 2, status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(g->chg, 3, (sqlite3_int64)at);
		sqlite3_bind_text(g->chg, 4, by, -1, SQLITE_STATIC);
		sqlite3_bind_text(g->chg, 5, why, -1, SQLITE_STATIC);
		if ((rc = done(g->db, g->status, cause)) == XJ_OK &&
		    (rc = done(g->db, g->chg, cause)) == XJ_OK) {
			snprintf(detail, sizeof detail, "from=active to=%s",
			    status);
			rc = gen_audit(g, tick(g, rng), by, "status.set",
			    number, "", detail, cause);
		}
	}

	/* The same child in the bare database. */
	if (rc == XJ_OK) {
		sqlite3_bind_text(g->bare, 1, number, -1, SQLITE_STATIC);
		for (i = 0; i < 4 && i < form->nfields; i++)
			sqlite3_bind_text(g->bare, 2 + (int)i, norm[i], -1,
			    SQLITE_STATIC);
		sqlite3_bind_int64(g->bare, 6, (sqlite3_int64)at);
		sqlite3_bind_text(g->bare, 7, by, -1, SQLITE_STATIC);
		sqlite3_bind_text(g->bare, 8, p.consent, -1, SQLITE_STATIC);
		rc = done(g->b->bare, g->bare, cause);
	}
out:
	for (i = 0; i < form->nfields && i < nitems(norm); i++)
		xfree_wipe(norm[i]);
	free(number);
	return rc;
}

static int
exec(sqlite3 *db, const char *sql, char **cause)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, "%s: %s", sql,
		    sqlite3_errmsg(db));
	return XJ_OK;
}

static long
count_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt;
	long		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static int
gen_begin(struct gen *g, char **cause)
{
	sqlite3_stmt	*stmt;
	struct tm	 tm;
	int		 rc, y;

	g->db = store_db(g->b->s->st);
	g->now = xj_now();
	localtime_r(&g->now, &tm);
	g->year0 = tm.tm_year + 1900;
	if ((rc = prep(g->db, "SELECT seq, hash FROM audit ORDER BY seq DESC "
	    "LIMIT 1", &stmt, cause)) != XJ_OK)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		g->seq = sqlite3_column_int64(stmt, 0);
		memcpy(g->prev, sqlite3_column_blob(stmt, 1), AUDIT_HASH_BYTES);
	} else
		audit_genesis(BENCH_BRANCH, g->prev);
	sqlite3_finalize(stmt);
	if ((rc = prep(g->db, "SELECT last FROM number_seq WHERE scope = ?",
	    &stmt, cause)) != XJ_OK)
		return rc;
	for (y = 0; y < BENCH_YEARS; y++) {
		sqlite3_bind_int(stmt, 1, g->year0 - y);
		g->last[y] = sqlite3_step(stmt) == SQLITE_ROW ?
		    (long)sqlite3_column_int64(stmt, 0) : 0;
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	if ((rc = prep(g->db, "INSERT INTO student (number, status, "
	    "enrolled_at, enrolled_by, consent_method, consent_at, status_at, "
	    "next_review) VALUES (?1, 'active', ?3, ?4, ?5, ?3, ?3, ?6)",
	    &g->student, cause)) != XJ_OK ||
	    (rc = prep(g->db, "INSERT INTO field (student, key, value) VALUES "
	    "(?, ?, ?)", &g->field, cause)) != XJ_OK ||
	    (rc = prep(g->db, "INSERT INTO field_history (student, key, value, "
	    "at) VALUES (?, ?, ?, ?)", &g->hist, cause)) != XJ_OK ||
	    (rc = prep(g->db, "INSERT OR IGNORE INTO search (term, student) "
	    "VALUES (?, ?)", &g->term, cause)) != XJ_OK ||
	    (rc = prep(g->db, "INSERT INTO audit (seq, at, operator, action, "
	    "target, fields, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    &g->audit, cause)) != XJ_OK ||
	    (rc = prep(g->db, "UPDATE student SET status = ?1, status_at = ?2 "
	    "WHERE id = ?3", &g->status, cause)) != XJ_OK ||
	    (rc = prep(g->db, "INSERT INTO status_change (student, old, new, "
	    "at, by, reason) VALUES (?1, 'active', ?2, ?3, ?4, ?5)", &g->chg,
	    cause)) != XJ_OK ||
	    (rc = prep(g->b->bare, "INSERT INTO student (number, name, "
	    "birth_month, guardian_name, guardian_phone, enrolled_at, "
	    "enrolled_by, consent_method) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    &g->bare, cause)) != XJ_OK)
		return rc;
	return XJ_OK;
}

static void
gen_end(struct gen *g)
{
	sqlite3_finalize(g->student);
	sqlite3_finalize(g->field);
	sqlite3_finalize(g->hist);
	sqlite3_finalize(g->term);
	sqlite3_finalize(g->audit);
	sqlite3_finalize(g->status);
	sqlite3_finalize(g->chg);
	sqlite3_finalize(g->bare);
}

static int
save_number_seq(struct gen *g, char **cause)
{
	char	*sql;
	int	 y, rc = XJ_OK;

	for (y = 0; rc == XJ_OK && y < BENCH_YEARS; y++) {
		if (g->last[y] == 0)
			continue;
		xasprintf(&sql, "INSERT OR REPLACE INTO number_seq (scope, "
		    "last) VALUES (%d, %ld)", g->year0 - y, g->last[y]);
		rc = exec(g->db, sql, cause);
		free(sql);
	}
	return rc;
}

/* A random live student's number (malloc'd), or NULL. */
static char *
random_number(sqlite3 *db, uint64_t *rng, long max)
{
	sqlite3_stmt	*stmt;
	char		*n = NULL;

	if (sqlite3_prepare_v2(db, "SELECT number FROM student WHERE id >= ? "
	    "AND status != 'destroyed' ORDER BY id LIMIT 1", -1, &stmt,
	    NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(stmt, 1, 1 + (sqlite3_int64)(bench_rand(rng) %
	    (uint64_t)max));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return n;
}

/* File a change of guardian phone through the API; approve it if asked. */
static int
gen_change(struct bench *b, uint64_t *rng, long max, int approve,
    char **cause)
{
	struct person		 p;
	struct field_input	 in[1];
	char			*number;
	int64_t			 id;
	int			 rc;

	if ((number = random_number(store_db(b->s->st), rng, max)) == NULL)
		return XJ_OK;
	person_make(&p, rng, 2020);
	in[0] = (struct field_input){ "guardian_phone", p.phone };
	bench_as(b, b->reception);
	rc = store_change_request(b->s->st, number, in, 1, "家长更换手机号",
	    "家长来电核实", &id, cause);
	free(number);
	if (rc == XJ_EDATA) {		/* the same number by chance */
		free(*cause);
		*cause = NULL;
		return XJ_OK;
	}
	if (rc != XJ_OK || !approve)
		return rc;
	bench_as(b, b->supervisor);
	rc = store_request_approve(b->s->st, id, cause);
	bench_as(b, b->reception);
	return rc;
}

int
gen_grow(struct bench *b, long n, uint64_t *rng, char **cause)
{
	struct gen	 g;
	long		 have, i, k, pending;
	double		 t0 = now_us();
	int		 rc;

	memset(&g, 0, sizeof g);
	g.b = b;
	if ((rc = gen_begin(&g, cause)) != XJ_OK)
		goto out;
	/* Generation only: no fsync, a big cache.  Measuring reopens. */
	if ((rc = exec(g.db, "PRAGMA synchronous = OFF;"
	    "PRAGMA cache_size = -1000000", cause)) != XJ_OK ||
	    (rc = exec(b->bare, "PRAGMA synchronous = OFF;"
	    "PRAGMA cache_size = -200000", cause)) != XJ_OK)
		goto out;
	have = count_of(g.db, "SELECT count(*) FROM student");
	/* This stage's clock: ten years ago to yesterday, ~11 entries each. */
	g.clock = g.now - (time_t)86400 * 3650;
	g.step = n > have ? (time_t)86400 * 3649 / ((n - have) * 11) : 1;
	if (g.step < 1)
		g.step = 1;
	for (i = have; i < n; i += k) {
		if ((rc = exec(g.db, "BEGIN IMMEDIATE", cause)) != XJ_OK ||
		    (rc = exec(b->bare, "BEGIN IMMEDIATE", cause)) != XJ_OK)
			goto out;
		for (k = 0; rc == XJ_OK && k < GEN_CHUNK && i + k < n; k++)
			rc = gen_student(&g, rng, cause);
		if (rc == XJ_OK)
			rc = save_number_seq(&g, cause);
		if (rc != XJ_OK) {
			sqlite3_exec(g.db, "ROLLBACK", NULL, NULL, NULL);
			sqlite3_exec(b->bare, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
		if ((rc = exec(g.db, "COMMIT", cause)) != XJ_OK ||
		    (rc = exec(b->bare, "COMMIT", cause)) != XJ_OK)
			goto out;
		if ((i + k) / 100000 != i / 100000)
			fprintf(stderr, "  %ld students, %" PRId64 " audit "
			    "entries, %.0f s\n", i + k, g.seq,
			    (now_us() - t0) / 1e6);
	}
	/* Raw inserts: the log's runs, as audit_append would keep them. */
	if ((rc = exec(g.db, "BEGIN IMMEDIATE", cause)) != XJ_OK)
		goto out;
	if ((rc = audit_runs_rebuild(g.db, cause)) != XJ_OK) {
		sqlite3_exec(g.db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	if ((rc = exec(g.db, "COMMIT", cause)) != XJ_OK)
		goto out;
	fprintf(stderr, "  %ld runs of the log's clock\n", count_of(g.db,
	    "SELECT count(*) FROM audit_run"));
	gen_end(&g);
	memset(&g, 0, sizeof g);

	/* Change history and the queue, through the API. */
	for (i = have / GEN_CHANGED; rc == XJ_OK && i < n / GEN_CHANGED; i++)
		rc = gen_change(b, rng, n, 1, cause);
	pending = count_of(store_db(b->s->st),
	    "SELECT count(*) FROM request WHERE state = 'pending'");
	for (; rc == XJ_OK && pending < BENCH_PENDING; pending++)
		rc = gen_change(b, rng, n, 0, cause);
	if (rc == XJ_OK)
		rc = exec(store_db(b->s->st), "PRAGMA synchronous = FULL;"
		    "PRAGMA wal_checkpoint(TRUNCATE)", cause);
	if (rc == XJ_OK)
		rc = exec(b->bare, "PRAGMA synchronous = FULL;"
		    "PRAGMA wal_checkpoint(TRUNCATE)", cause);
	fprintf(stderr, "  %ld students, %ld audit entries, %ld pending\n", n,
	    count_of(store_db(b->s->st), "SELECT max(seq) FROM audit"),
	    pending);
out:
	gen_end(&g);
	return rc;
}
