/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The audit chain: it verifies when untouched, and an edited, deleted or
 * reordered entry is found and named.  Tampering is done the way an
 * attacker holding the key would: drop the guards, change the rows.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

struct fixture {
	struct tl_branch	*b;
	struct session		*s;
	sqlite3			*db;
};

static int
setup(void **state)
{
	static const char *const names[] = {
		"学生甲", "学生乙", "学生丙", "学生丁", "学生戊",
	};
	struct fixture	*f = xcalloc(1, sizeof *f);
	char		*n;
	size_t		 i;

	f->b = tl_branch_new();
	f->s = tl_login(f->b, "reception1");
	for (i = 0; i < nitems(names); i++) {
		n = tl_enrol(f->s, names[i], "2018-03", "家长", "13800000000",
		    NULL);
		assert_non_null(n);
		free(n);
	}
	f->db = store_db(f->s->st);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	session_free(f->s);
	tl_branch_free(f->b);
	free(f);
	return 0;
}

static int
verify(sqlite3 *db, int64_t *bad, char **cause)
{
	int64_t	count;

	return audit_verify(db, "SH01", &count, bad, NULL, NULL, cause);
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static void
test_intact(void **state)
{
	struct fixture	*f = *state;
	int64_t		 count, bad;
	char		*cause = NULL;

	assert_int_equal(audit_verify(f->db, "SH01", &count, &bad, NULL, NULL,
	    &cause), XJ_OK);
	/* branch.create, config.roles, config.forms, 5 × student.enroll */
	assert_int_equal(count, 8);
	/* Another branch's genesis does not verify this chain. */
	assert_int_equal(audit_verify(f->db, "SH02", &count, &bad, NULL, NULL,
	    &cause), XJ_TAMPERED);
	assert_int_equal(bad, 1);
	free(cause);
}

static void
test_guards(void **state)
{
	struct fixture	*f = *state;

	assert_int_not_equal(sqlite3_exec(f->db, "UPDATE audit SET operator "
	    "= 'x' WHERE seq = 3", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->db, "DELETE FROM audit WHERE "
	    "seq = 3", NULL, NULL, NULL), SQLITE_OK);
}

static void
drop_guards(sqlite3 *db)
{
	exec_ok(db, "DROP TRIGGER audit_no_update");
	exec_ok(db, "DROP TRIGGER audit_no_delete");
}

static void
test_edited(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	drop_guards(f->db);
	exec_ok(f->db, "UPDATE audit SET operator = 'supervisor1' WHERE "
	    "seq = 4");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 4);
	assert_non_null(strstr(cause, "4"));
	free(cause);
}

static void
test_edited_time(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	drop_guards(f->db);
	exec_ok(f->db, "UPDATE audit SET at = at - 86400 WHERE seq = 6");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 6);
	free(cause);
}

static void
test_deleted(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	drop_guards(f->db);
	exec_ok(f->db, "DELETE FROM audit WHERE seq = 5");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 5);
	assert_non_null(strstr(cause, "missing"));
	free(cause);
}

static void
test_deleted_and_renumbered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	/* Hide the gap by shifting every later entry down by one. */
	drop_guards(f->db);
	exec_ok(f->db, "DELETE FROM audit WHERE seq = 5");
	exec_ok(f->db, "UPDATE audit SET seq = seq - 1 WHERE seq > 5");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 5);
	free(cause);
}

static void
test_reordered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad;
	char		*cause = NULL;

	/* Swap two entries, hashes and all. */
	drop_guards(f->db);
	exec_ok(f->db, "UPDATE audit SET seq = -1 WHERE seq = 4;"
	    "UPDATE audit SET seq = 4 WHERE seq = 5;"
	    "UPDATE audit SET seq = 5 WHERE seq = -1");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 4);
	free(cause);
}

static void
test_forged_tail(void **state)
{
	struct fixture		*f = *state;
	struct audit_entry	 e;
	int64_t			 bad;
	char			*cause = NULL;

	/*
	 * Appending through the API keeps the chain; an entry with a made-up
	 * hash does not.  (Rewriting the whole tail with correct hashes is
	 * what signed checkpoints catch, later.)
	 */
	memset(&e, 0, sizeof e);
	e.operator = "x";
	e.action = "test.append";
	assert_int_equal(audit_append(f->db, "SH01", &e, &cause), XJ_OK);
	assert_int_equal(verify(f->db, &bad, &cause), XJ_OK);
	exec_ok(f->db, "INSERT INTO audit (seq, at, operator, action, hash) "
	    "VALUES ((SELECT max(seq) + 1 FROM audit), 0, 'x', 'forged', "
	    "zeroblob(32))");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 10);
	free(cause);
}

static void
test_canonical_unambiguous(void **state)
{
	struct audit_entry	a, b;
	unsigned char		prev[AUDIT_HASH_BYTES], ha[32], hb[32];

	(void)state;
	/* Moving a byte between neighbouring fields changes the hash. */
	memset(&a, 0, sizeof a);
	memset(prev, 0, sizeof prev);
	a.seq = 1; a.at = 2; a.operator = "ab"; a.action = "c";
	a.target = ""; a.fields = ""; a.detail = "";
	b = a;
	b.operator = "a"; b.action = "bc";
	audit_hash(prev, &a, ha);
	audit_hash(prev, &b, hb);
	assert_memory_not_equal(ha, hb, sizeof ha);
}

/*
 * Issue 9: a read's entry commits without waiting for the disk, a change
 * waits.  A VFS over the default one counts the syncs of WAL files.
 */
struct count_file {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* the default VFS's, just after */
	int		 wal;
};
static sqlite3_vfs	*real_vfs, count_vfs;
static int		 wal_syncs;
static int		 db_writes;	/* to the database file: checkpoints */

#define REAL(f)		(((struct count_file *)(f))->real)
#define FWD(f, m)	REAL(f)->pMethods->m

static int
c_close(sqlite3_file *f)
{
	return FWD(f, xClose)(REAL(f));
}
static int
c_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return FWD(f, xRead)(REAL(f), buf, n, off);
}
static int
c_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (!((struct count_file *)f)->wal)
		db_writes++;
	return FWD(f, xWrite)(REAL(f), buf, n, off);
}
static int
c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return FWD(f, xTruncate)(REAL(f), size);
}
static int
c_sync(sqlite3_file *f, int flags)
{
	if (((struct count_file *)f)->wal)
		wal_syncs++;
	return FWD(f, xSync)(REAL(f), flags);
}
static int
c_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return FWD(f, xFileSize)(REAL(f), size);
}
static int
c_lock(sqlite3_file *f, int l)
{
	return FWD(f, xLock)(REAL(f), l);
}
static int
c_unlock(sqlite3_file *f, int l)
{
	return FWD(f, xUnlock)(REAL(f), l);
}
static int
c_reserved(sqlite3_file *f, int *out)
{
	return FWD(f, xCheckReservedLock)(REAL(f), out);
}
static int
c_control(sqlite3_file *f, int op, void *arg)
{
	return FWD(f, xFileControl)(REAL(f), op, arg);
}
static int
c_sector(sqlite3_file *f)
{
	return FWD(f, xSectorSize)(REAL(f));
}
static int
c_chars(sqlite3_file *f)
{
	return FWD(f, xDeviceCharacteristics)(REAL(f));
}
static int
c_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **p)
{
	return FWD(f, xShmMap)(REAL(f), pg, size, extend, p);
}
static int
c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return FWD(f, xShmLock)(REAL(f), off, n, flags);
}
static void
c_shm_barrier(sqlite3_file *f)
{
	FWD(f, xShmBarrier)(REAL(f));
}
static int
c_shm_unmap(sqlite3_file *f, int del)
{
	return FWD(f, xShmUnmap)(REAL(f), del);
}
static int
c_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return FWD(f, xFetch)(REAL(f), off, n, p);
}
static int
c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return FWD(f, xUnfetch)(REAL(f), off, p);
}

static const sqlite3_io_methods count_io = {
	3, c_close, c_read, c_write, c_truncate, c_sync, c_size, c_lock,
	c_unlock, c_reserved, c_control, c_sector, c_chars, c_shm_map,
	c_shm_lock, c_shm_barrier, c_shm_unmap, c_fetch, c_unfetch,
};

static int
c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct count_file	*c = (struct count_file *)f;
	int			 rc;

	(void)vfs;
	c->real = (sqlite3_file *)(c + 1);
	c->wal = (flags & SQLITE_OPEN_WAL) != 0;
	rc = real_vfs->xOpen(real_vfs, name, c->real, flags, out);
	c->base.pMethods = c->real->pMethods != NULL ? &count_io : NULL;
	return rc;
}

/* Make the counting VFS the default, for the files opened from now on. */
static void
count_vfs_install(void)
{
	/* sqlite3_vfs_find starts the library: the allocator first. */
	assert_int_equal(store_memory_init(), SQLITE_OK);
	real_vfs = sqlite3_vfs_find(NULL);
	count_vfs = *real_vfs;
	count_vfs.zName = "count-syncs";
	count_vfs.szOsFile = (int)sizeof(struct count_file) +
	    real_vfs->szOsFile;
	count_vfs.xOpen = c_open;
	count_vfs.pNext = NULL;
	assert_int_equal(sqlite3_vfs_register(&count_vfs, 1), SQLITE_OK);
}

static void
test_read_entries_not_synced(void **state)
{
	struct tl_branch	 *b;
	struct session		 *s;
	struct student		**found, *st;
	struct history		 *h;
	struct audit_filter	  af;
	char			 *n, *m, *v, *cause = NULL;
	size_t			  nfound, nh;
	int			  entries = 0;

	(void)state;
	count_vfs_install();

	b = tl_branch_new();
	s = tl_login(b, "reception1");
	wal_syncs = 0;
	n = tl_enrol(s, "读取甲", "2017-05", "家长", "13800000001", NULL);
	assert_non_null(n);
	/* A change is on disk before it returns. */
	assert_true(wal_syncs > 0);

	wal_syncs = 0;
	assert_int_equal(store_student_find(s->st, "读取", 20, NULL, &found,
	    &nfound, &cause), XJ_OK);
	assert_int_equal(nfound, 1);
	students_free(found, nfound);
	assert_int_equal(store_student_get(s->st, n, &st, &cause), XJ_OK);
	student_free(st);
	assert_int_equal(store_history(s->st, n, &h, &nh, &cause), XJ_OK);
	history_free(h, nh);
	store_bind(s->st, s->cfg, s->form, policy_operator(s->pol,
	    "auditor1"));
	memset(&af, 0, sizeof af);
	af.limit = 3;
	assert_int_equal(store_audit_each(s->st, &af, tl_count_entry,
	    &entries, &cause), XJ_OK);
	assert_int_equal(entries, 3);
	store_bind(s->st, s->cfg, s->form, s->op);
	/* Reads: logged, but nobody waited for the disk. */
	assert_int_equal(wal_syncs, 0);
	v = tl_query(s, "SELECT count(*) FROM audit WHERE action IN "
	    "('student.find', 'student.view', 'student.history', "
	    "'audit.view')");
	assert_string_equal(v, "4");
	free(v);
	assert_int_equal(store_reads_unsynced(s->st), 4);
	/* A session that only reads leaves a bounded tail at risk: the
	 * hundredth read's entry syncs the log. */
	for (entries = 4; entries < 99; entries++) {
		assert_int_equal(store_student_get(s->st, n, &st, &cause),
		    XJ_OK);
		student_free(st);
	}
	assert_int_equal(store_reads_unsynced(s->st), 99);
	assert_int_equal(store_student_get(s->st, n, &st, &cause), XJ_OK);
	student_free(st);
	assert_int_equal(store_reads_unsynced(s->st), 0);
	/* And the next change is durable again, the reads with it. */
	v = tl_query(s, "PRAGMA synchronous");
	assert_string_equal(v, "2");
	free(v);
	m = tl_enrol(s, "读取乙", "2017-06", "家长", "13800000002", NULL);
	assert_non_null(m);
	assert_true(wal_syncs > 0);

	free(n);
	free(m);
	session_free(s);
	tl_check_db(b);
	tl_branch_free(b);
	sqlite3_vfs_unregister(&count_vfs);
}

/*
 * The WAL goes back into the database at a pause, not in somebody's
 * keystroke: reads' commits let it grow past SQLite's 1,000 pages
 * without a checkpoint, store_idle syncs and copies it, and only a
 * session that never pauses gets a checkpoint in a commit, at 8,000.
 */
static void
test_checkpoint_at_pause(void **state)
{
	struct tl_branch	 *b;
	struct session		 *s;
	struct student		 *st;
	static const char	 *pool[20] = { "一", "二", "三", "四", "五",
	    "六", "七", "八", "九", "十", "春", "夏", "秋", "冬", "东", "南",
	    "西", "北", "山", "水" };
	char			 *n, *m, *cause = NULL, name[32], phone[16];
	int			  i, top = 0;

	(void)state;
	count_vfs_install();
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n = tl_enrol(s, "停顿甲", "2017-05", "家长", "13800000001", NULL);
	assert_non_null(n);
	store_idle(s->st);
	db_writes = 0;
	/* Changes past SQLite's 1,000 pages, then reads. */
	for (i = 0; i < 400 && store_wal_pages(s->st) < 1200; i++) {
		snprintf(name, sizeof name, "停%s%s", pool[i % 20],
		    pool[i / 20 % 20]);
		snprintf(phone, sizeof phone, "138%08d", i);
		m = tl_enrol(s, name, "2016-01", "家长", phone, NULL);
		assert_non_null(m);
		free(m);
	}
	assert_true(store_wal_pages(s->st) >= 1200);
	for (i = 0; i < 4000 && store_wal_pages(s->st) < 2000; i++) {
		assert_int_equal(store_student_get(s->st, n, &st, &cause),
		    XJ_OK);
		student_free(st);
	}
	assert_true(store_wal_pages(s->st) >= 2000);
	assert_int_equal(db_writes, 0);		/* no checkpoint in a commit */
	assert_true(store_reads_unsynced(s->st) > 0);

	wal_syncs = 0;
	store_idle(s->st);
	assert_true(db_writes > 0);		/* copied back at the pause */
	assert_true(wal_syncs > 0);
	assert_int_equal(store_wal_pages(s->st), 0);
	assert_int_equal(store_reads_unsynced(s->st), 0);
	db_writes = wal_syncs = 0;
	store_idle(s->st);			/* nothing left to do */
	assert_int_equal(db_writes, 0);
	assert_int_equal(wal_syncs, 0);

	/* Without a pause, a commit checkpoints once the WAL is large. */
	for (i = 0; i < 20000 && db_writes == 0; i++) {
		assert_int_equal(store_student_get(s->st, n, &st, &cause),
		    XJ_OK);
		student_free(st);
		if (db_writes == 0)
			top = store_wal_pages(s->st);
	}
	assert_true(db_writes > 0);
	assert_true(top >= 7900 && top < 8000);
	assert_true(store_wal_pages(s->st) < 100);

	free(n);
	session_free(s);
	tl_check_db(b);
	tl_branch_free(b);
	sqlite3_vfs_unregister(&count_vfs);
}

static int
finds(struct session *s)
{
	char	*v;
	int	 n;

	v = tl_query(s, "SELECT count(*) FROM audit WHERE action = "
	    "'student.find'");
	n = atoi(v);
	free(v);
	return n;
}

static void
find_as(struct session *s, const char *text, size_t want)
{
	struct student	**found;
	size_t		  n;
	char		 *cause = NULL;

	assert_int_equal(store_student_find(s->st, text, 20, NULL, &found, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, want);
	students_free(found, n);
}

/*
 * A keystroke that shows no child the previous find entry did not name
 * (narrowing a list, or finding nothing) adds no entry for a minute;
 * any new child, another operator or a minute later does.
 */
static void
test_find_covered(void **state)
{
	struct tl_branch	 *b;
	struct session		 *s;
	char			 *n[4];
	int			  i;

	(void)state;
	setenv("XUEJI_NOW", "2026-12-05T10:00:00", 1);
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n[0] = tl_enrol(s, "覆盖甲", "2017-05", "家长", "13800001111", NULL);
	n[1] = tl_enrol(s, "覆盖乙", "2017-06", "家长", "13800002222", NULL);
	n[2] = tl_enrol(s, "覆盖丙", "2017-07", "家长", "13800003333", NULL);
	for (i = 0; i < 3; i++)
		assert_non_null(n[i]);

	find_as(s, "覆盖", 3);
	assert_int_equal(finds(s), 1);
	find_as(s, "覆盖甲", 1);		/* narrower: named already */
	find_as(s, "2222", 1);
	find_as(s, "22", 0);			/* nothing shown */
	find_as(s, n[2], 1);
	assert_int_equal(finds(s), 1);

	n[3] = tl_enrol(s, "覆盖丁", "2017-08", "家长", "13800004444", NULL);
	assert_non_null(n[3]);
	find_as(s, "覆盖", 4);			/* a child not named */
	assert_int_equal(finds(s), 2);
	find_as(s, "4444", 1);
	assert_int_equal(finds(s), 2);

	setenv("XUEJI_NOW", "2026-12-05T10:00:59", 1);
	find_as(s, "覆盖乙", 1);
	assert_int_equal(finds(s), 2);
	setenv("XUEJI_NOW", "2026-12-05T10:01:00", 1);
	find_as(s, "覆盖乙", 1);			/* a minute on */
	assert_int_equal(finds(s), 3);

	store_bind(s->st, s->cfg, s->form, policy_operator(s->pol,
	    "supervisor1"));
	find_as(s, "覆盖乙", 1);			/* someone else */
	assert_int_equal(finds(s), 4);

	for (i = 0; i < 4; i++)
		free(n[i]);
	session_free(s);
	tl_check_db(b);
	tl_branch_free(b);
	unsetenv("XUEJI_NOW");
}

static int
seen_rows(struct session *s, const char *number)
{
	char	*sql, *v;
	int	 n;

	xasprintf(&sql, "SELECT count(*) FROM audit_seen WHERE number = '%s'",
	    number);
	v = tl_query(s, sql);
	n = atoi(v);
	free(v);
	free(sql);
	return n;
}

static int
find_entry_seen(const struct audit_entry *e, void *arg)
{
	int	*n = arg;

	if (strcmp(e->action, "student.find") == 0)
		(*n)++;
	return 0;
}

/*
 * A search's students reach audit_seen off the keystroke: its commit
 * writes the entry alone (a page of audit_seen per student named was
 * half its cost), the pause notes them, and a read of the log by
 * student notes them first, so "who saw this child" is never behind.
 */
static void
test_seen_off_keystroke(void **state)
{
	struct tl_branch	 *b;
	struct session		 *s, *a;
	struct audit_filter	  af;
	char			 *n1, *n2, *cause = NULL;
	int			  got = 0;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	a = tl_login(b, "auditor1");
	n1 = tl_enrol(s, "见甲", "2017-05", "家长", "13800005555", NULL);
	n2 = tl_enrol(s, "见乙", "2017-06", "家长", "13800006666", NULL);
	assert_non_null(n1);
	assert_non_null(n2);

	find_as(s, "见甲", 1);
	assert_int_equal(finds(s), 1);
	assert_int_equal(seen_rows(s, n1), 0);	/* not in the keystroke */
	/* Another terminal reads the log by student before any pause. */
	memset(&af, 0, sizeof af);
	af.target = n1;
	af.limit = 50;
	assert_int_equal(store_audit_each(a->st, &af, find_entry_seen, &got,
	    &cause), XJ_OK);
	assert_int_equal(got, 1);
	assert_int_equal(seen_rows(s, n1), 1);

	/* The pause notes the next one; a pause with nothing to note
	 * writes nothing. */
	find_as(s, "见乙", 1);
	assert_int_equal(seen_rows(s, n2), 0);
	store_idle(s->st);
	assert_int_equal(seen_rows(s, n2), 1);
	store_idle(s->st);
	assert_int_equal(seen_rows(s, n2), 1);
	got = 0;
	af.target = n2;
	assert_int_equal(store_audit_each(a->st, &af, find_entry_seen, &got,
	    &cause), XJ_OK);
	assert_int_equal(got, 1);

	free(n1);
	free(n2);
	session_free(a);
	session_free(s);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * A tall terminal lists more than twenty: every child it lists is named
 * by the entry, and the log by student finds the thirtieth as it does
 * the first (the entry once named twenty and ended in "…").
 */
static void
test_find_names_all(void **state)
{
	struct tl_branch	 *b;
	struct session		 *s;
	struct student		**found;
	char			 *n[30], name[32], phone[16], *cause = NULL;
	size_t			  nf, i;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof name, "高%.3s%.3s",
		    "一二三四五六七八九十" + 3 * (i % 10),
		    "春夏秋" + 3 * (i / 10));
		snprintf(phone, sizeof phone, "138%08zu", 20000000 + i);
		n[i] = tl_enrol(s, name, "2017-05", "家长", phone, NULL);
		assert_non_null(n[i]);
	}
	assert_int_equal(store_student_find(s->st, "高", 40, NULL, &found,
	    &nf, &cause), XJ_OK);
	assert_int_equal(nf, 30);
	students_free(found, nf);
	store_idle(s->st);
	for (i = 0; i < 30; i++) {
		if (seen_rows(s, n[i]) != 1)
			fail_msg("%s listed, not in audit_seen", n[i]);
		free(n[i]);
	}
	session_free(s);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Every entry of the log, oldest first, as seq, at and detail. */
struct all {
	int64_t		 seq[256];
	int64_t		 at[256];
	char		 detail[256][64];
	size_t		 n;
};

static int
all_add(const struct audit_entry *e, void *arg)
{
	struct all	*a = arg;

	assert_true(a->n < nitems(a->seq));
	/* audit_each gives them newest first: fill from the top. */
	a->seq[a->n] = e->seq;
	a->at[a->n] = (int64_t)e->at;
	snprintf(a->detail[a->n], sizeof a->detail[a->n], "%s", e->detail);
	a->n++;
	return 0;
}

static void
all_load(sqlite3 *db, struct all *a)
{
	struct audit_filter	f;
	char			*cause = NULL;

	memset(a, 0, sizeof *a);
	memset(&f, 0, sizeof f);
	assert_int_equal(audit_each(db, &f, all_add, a, &cause), XJ_OK);
}

struct got {
	int64_t	seq[256];
	size_t	n;
};

static int
got_add(const struct audit_entry *e, void *arg)
{
	struct got	*g = arg;

	assert_true(g->n < nitems(g->seq));
	g->seq[g->n++] = e->seq;
	return 0;
}

/* Append an entry at time at (and detail), as the API does. */
static void
append_at(sqlite3 *db, time_t at, const char *detail)
{
	struct audit_entry	 e;
	char			*cause = NULL;

	memset(&e, 0, sizeof e);
	e.at = at;
	e.operator = "reception1";
	e.action = "test.clock";
	e.detail = detail;
	if (audit_append(db, "SH01", &e, &cause) != XJ_OK)
		fail_msg("append: %s", cause);
}

/*
 * Page through f (limit per page) and compare with what a walk of the
 * whole log in C finds: the same seqs, newest first, no more, no less.
 */
static void
check_window(sqlite3 *db, const struct all *a, time_t since, time_t until,
    size_t limit)
{
	struct audit_filter	 f;
	struct got		 g;
	int64_t			 want[256], before = 0;
	size_t			 nwant = 0, i, done = 0;
	char			*cause = NULL;

	for (i = 0; i < a->n; i++) {	/* a is newest first */
		if ((since == 0 || a->at[i] >= since) &&
		    (until == 0 || a->at[i] < until))
			want[nwant++] = a->seq[i];
	}
	for (;;) {
		memset(&f, 0, sizeof f);
		f.since = since;
		f.until = until;
		f.before_seq = before;
		f.limit = limit;
		memset(&g, 0, sizeof g);
		assert_int_equal(audit_each(db, &f, got_add, &g, &cause),
		    XJ_OK);
		for (i = 0; i < g.n; i++) {
			if (done + i >= nwant || g.seq[i] != want[done + i])
				fail_msg("window [%lld, %lld) limit %zu: entry "
				    "%zu is %lld, not %lld", (long long)since,
				    (long long)until, limit, done + i,
				    (long long)g.seq[i], done + i < nwant ?
				    (long long)want[done + i] : -1LL);
		}
		done += g.n;
		if (limit == 0 || g.n < limit)
			break;
		before = g.seq[g.n - 1];
	}
	if (done != nwant)
		fail_msg("window [%lld, %lld) limit %zu: %zu entries, not %zu",
		    (long long)since, (long long)until, limit, done, nwant);
}

/*
 * Issue 9: a date window is ranges of seq, found by binary search within
 * each run of the log where the clock did not step back.  The clock steps
 * back here mid-log, a little (a failed login moved in later) and a lot
 * (set back a year, then put right), and every window, paged at every
 * size, still returns exactly the entries whose time is in it.
 */
static void
test_dates_clock_back(void **state)
{
	static const int	 steps[] = {
		/* minutes from t0; a step back starts a run */
		0, 1, 2, 2, 3, 5, 8,
		4,			/* a failed login, moved in late */
		9, 10, 10, 11,
		-525600, -525599,	/* set back a year */
		12, 13,			/* and put right */
		7, 7,			/* back again, into an old window */
		14, 15, 20, 30,
	};
	struct fixture		*f = *state;
	struct all		 a;
	const time_t		 t0 = xj_now() - 86400;
	time_t			 since, until;
	size_t			 i, limit;
	int64_t			 count, bad, runs;
	char			*cause = NULL, *v;

	for (i = 0; i < nitems(steps); i++)
		append_at(f->db, t0 + steps[i] * 60, "");
	/* The fixture's own entries (now) come before: one more step. */
	v = tl_query(f->s, "SELECT count(*) FROM audit_run");
	runs = strtoll(v, NULL, 10);
	free(v);
	/* The fixture's run, then t0, 4, a year back, 7. */
	assert_int_equal(runs, 1 + 4);
	assert_int_equal(audit_verify(f->db, "SH01", &count, &bad, NULL, NULL,
	    &cause), XJ_OK);
	all_load(f->db, &a);

	/* Windows on every minute boundary (and none), pages of 1 to all. */
	for (since = t0 - 525601 * 60; since <= t0 + 31 * 60;
	    since += since < t0 - 60 ? 525600 * 60 / 4 : 60) {
		for (until = since + 60; until <= t0 + 32 * 60;
		    until += until < t0 ? 525600 * 60 / 4 : 60) {
			for (limit = 0; limit <= 4; limit++) {
				check_window(f->db, &a, since, until, limit);
				check_window(f->db, &a, since, 0, limit);
				check_window(f->db, &a, 0, until, limit);
			}
		}
	}
	/* Both ends outside everything; the fixture's entries (now). */
	check_window(f->db, &a, t0 - 2 * 525600 * 60, xj_now() + 3600, 3);
	check_window(f->db, &a, xj_now() - 3600, 0, 2);
	check_window(f->db, &a, xj_now() + 3600, 0, 2);
	tl_check_db(f->b);
}

/* The runs are checked by verify: removing one is found and named. */
static void
test_runs_edited(void **state)
{
	struct fixture	*f = *state;
	const time_t	 t0 = xj_now() - 86400;
	int64_t		 bad, count;
	char		*cause = NULL;

	append_at(f->db, t0, "");		/* entry 9 steps back */
	append_at(f->db, t0 + 60, "");
	assert_int_equal(audit_verify(f->db, "SH01", &count, &bad, NULL, NULL,
	    &cause), XJ_OK);
	exec_ok(f->db, "DELETE FROM audit_run WHERE start = 9");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 9);
	assert_non_null(strstr(cause, "9"));
	free(cause);
	cause = NULL;
	/* Put back, with a wrong time: found as well. */
	exec_ok(f->db, "INSERT INTO audit_run VALUES (9, 0, NULL)");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	assert_int_equal(bad, 9);
	free(cause);
	cause = NULL;
	/* A run where the clock did not step back. */
	exec_ok(f->db, "DELETE FROM audit_run WHERE start = 9;"
	    "INSERT INTO audit_run SELECT 9, at, NULL FROM audit WHERE "
	    "seq = 9;"
	    "INSERT INTO audit_run SELECT 10, at, NULL FROM audit WHERE "
	    "seq = 10");
	assert_int_equal(verify(f->db, &bad, &cause), XJ_TAMPERED);
	free(cause);
}

/*
 * Issue 9: request=N by the index on that number, exactly the word:
 * not request=N0, not 0N, not another key that ends in "request=".
 */
static void
test_request_exact(void **state)
{
	static const struct {
		const char	*detail;
		int		 match;
	} d[] = {
		{ "request=5", 1 },
		{ "request=50", 0 },
		{ "request=05", 0 },
		{ "request=5x", 0 },
		{ "request=15", 0 },
		{ "what=change request=5", 1 },
		{ "request=5 kind=change", 1 },
		{ "from=a to=b request=5 reason=x", 1 },
		{ "guardian_request=5", 0 },
		{ "xrequest=5", 0 },
		{ "request=6", 0 },
		{ "request= 5", 0 },
		{ "REQUEST=5", 0 },
		{ "", 0 },
	};
	struct fixture		*f = *state;
	struct audit_filter	 af;
	struct got		 g;
	struct all		 a;
	int64_t			 want[nitems(d)];
	size_t			 i, j, nwant = 0;
	char			*cause = NULL;

	for (i = 0; i < nitems(d); i++)
		append_at(f->db, 0, d[i].detail);
	all_load(f->db, &a);
	/* Newest first: walk d backwards to line up with a. */
	for (i = nitems(d); i-- > 0; ) {
		if (d[i].match)
			want[nwant++] = a.seq[nitems(d) - 1 - i];
		assert_string_equal(a.detail[nitems(d) - 1 - i], d[i].detail);
	}
	for (j = 0; j <= 2; j++) {
		memset(&af, 0, sizeof af);
		af.request = 5;
		af.limit = j;		/* 0: all; 1, 2: paged */
		memset(&g, 0, sizeof g);
		for (;;) {
			size_t	before = g.n;

			assert_int_equal(audit_each(f->db, &af, got_add, &g,
			    &cause), XJ_OK);
			if (j == 0 || g.n - before < j)
				break;
			af.before_seq = g.seq[g.n - 1];
		}
		assert_int_equal(g.n, nwant);
		for (i = 0; i < nwant; i++)
			assert_int_equal(g.seq[i], want[i]);
	}
	/* With another filter, and a number no entry names. */
	memset(&af, 0, sizeof af);
	af.request = 5;
	af.operator = "reception1";
	memset(&g, 0, sizeof g);
	assert_int_equal(audit_each(f->db, &af, got_add, &g, &cause), XJ_OK);
	assert_int_equal(g.n, nwant);
	af.request = 7;
	memset(&g, 0, sizeof g);
	assert_int_equal(audit_each(f->db, &af, got_add, &g, &cause), XJ_OK);
	assert_int_equal(g.n, 0);
	tl_check_db(f->b);
}

/*
 * Issue 9: verification hashes in a second thread, a batch of entries
 * at a time (4,096).  In a log of several batches, the first entry that
 * does not verify is still the one named, wherever it falls (the middle
 * of a batch, its last entry, the next one's first) and whichever stage
 * finds it (the hash, or the reading: a missing entry, the runs); the
 * progress callback is called as before, from the caller's thread.
 */
struct prog {
	pthread_t	 caller;
	int64_t		 last;
	int		 calls, elsewhere;
};

static void
prog_add(int64_t done, void *arg)
{
	struct prog	*g = arg;

	if (!pthread_equal(pthread_self(), g->caller))
		g->elsewhere++;
	if (done != g->last + 4096)
		g->elsewhere++;
	g->last = done;
	g->calls++;
}

static int
verify_long(sqlite3 *db, int64_t *count, int64_t *bad, struct prog *g,
    char **cause)
{
	free(*cause);
	*cause = NULL;
	memset(g, 0, sizeof *g);
	g->caller = pthread_self();
	return audit_verify(db, "SH01", count, bad, prog_add, g, cause);
}

static void
test_long_log(void **state)
{
	struct fixture		*f = *state;
	struct audit_stmts	 kept = { NULL, NULL };
	struct audit_entry	 e;
	struct prog		 g;
	int64_t			 count, bad, total;
	char			*cause = NULL, *runs_msg;
	int			 i;

	exec_ok(f->db, "BEGIN");
	for (i = 0; i < 5 * 4096; i++) {
		memset(&e, 0, sizeof e);
		e.operator = "auditor1";
		e.action = "student.view";
		e.target = i % 2 ? "SH01-2021-00001" : "";
		e.detail = i % 3 ? "page=2" : "";
		assert_int_equal(audit_append_kept(f->db, "SH01", &kept, &e,
		    &cause), XJ_OK);
	}
	audit_stmts_free(&kept);
	exec_ok(f->db, "COMMIT");
	total = 8 + 5 * 4096;

	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause), XJ_OK);
	assert_int_equal(count, total);
	assert_int_equal(g.calls, total / 4096);
	assert_int_equal(g.elsewhere, 0);

	/* A run where the clock did not step back: found by the reader. */
	exec_ok(f->db, "INSERT INTO audit_run SELECT 9500, at, NULL FROM "
	    "audit WHERE seq = 9500");
	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause),
	    XJ_TAMPERED);
	assert_int_equal(bad, 9500);
	assert_int_equal(count, 9499);
	assert_non_null(strstr(cause, "9500"));
	runs_msg = xstrdup(cause);
	assert_int_equal(g.calls, 2);

	/* The same entry edited: named as an edit, not as the runs. */
	drop_guards(f->db);
	exec_ok(f->db, "UPDATE audit SET operator = 'x' WHERE seq = 9500");
	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause),
	    XJ_TAMPERED);
	assert_int_equal(bad, 9500);
	assert_int_equal(count, 9499);
	assert_string_not_equal(cause, runs_msg);
	free(runs_msg);

	/* A hole before it, then edits after it and before it. */
	exec_ok(f->db, "DELETE FROM audit WHERE seq = 9000");
	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause),
	    XJ_TAMPERED);
	assert_int_equal(bad, 9000);
	assert_int_equal(count, 8999);
	exec_ok(f->db, "UPDATE audit SET detail = 'x' WHERE seq = 12000");
	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause),
	    XJ_TAMPERED);
	assert_int_equal(bad, 9000);
	exec_ok(f->db, "UPDATE audit SET detail = 'x' WHERE seq = 5000");
	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause),
	    XJ_TAMPERED);
	assert_int_equal(bad, 5000);
	assert_int_equal(count, 4999);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.elsewhere, 0);

	/* At the boundary: the second batch's first, the first's last. */
	exec_ok(f->db, "UPDATE audit SET at = at + 1 WHERE seq = 4097");
	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause),
	    XJ_TAMPERED);
	assert_int_equal(bad, 4097);
	assert_int_equal(g.calls, 1);
	exec_ok(f->db, "UPDATE audit SET target = 'x' WHERE seq = 4096");
	assert_int_equal(verify_long(f->db, &count, &bad, &g, &cause),
	    XJ_TAMPERED);
	assert_int_equal(bad, 4096);
	assert_int_equal(count, 4095);
	assert_int_equal(g.calls, 0);
	assert_non_null(strstr(cause, "4096"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_and_renumbered,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_tail, setup,
		    teardown),
		cmocka_unit_test(test_canonical_unambiguous),
		cmocka_unit_test(test_read_entries_not_synced),
		cmocka_unit_test(test_checkpoint_at_pause),
		cmocka_unit_test(test_find_covered),
		cmocka_unit_test(test_seen_off_keystroke),
		cmocka_unit_test(test_find_names_all),
		cmocka_unit_test_setup_teardown(test_dates_clock_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_runs_edited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_exact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_log, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
