/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * SQLCipher 4.6 as the engine (issue 18): every cipher setting read
 * back, no library line on stderr, the page reader finding bytes at the
 * head of a page, and a branch written in SQLCipher 3's format (as
 * xueji 0.1 on 3.4.1 wrote it) upgraded in place by the first login:
 * settings, history, a destruction and an old checkpoint survive it;
 * and SQLite's memory locked while in use and wiped when freed
 * (SQLCipher's memory security, with memory.c's stacking locks).
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <linux/capability.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/backup.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/pages.h"
#include "lib/hatch.h"

#define PAGE	4096

static const unsigned char test_key[DB_KEY_BYTES] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static char *
db_path(const struct tl_branch *b)
{
	return xj_path_join(b->data, STORE_DB_NAME);
}

static void
expect_pragma(struct session *s, const char *sql, const char *want)
{
	char	*v = tl_query(s, sql);

	if (v == NULL || strcmp(v, want) != 0)
		fail_msg("%s: %s, wanted %s", sql, v != NULL ? v : "NULL",
		    want);
	free(v);
}

static void
test_cipher_settings(void **state)
{
	struct tl_branch	*b = tl_branch_new();
	struct session		*s = tl_login(b, "reception1");
	char			*sqlcipher;
	const char		*sqlite;

	(void)state;
	expect_pragma(s, "PRAGMA cipher_page_size", "4096");
	expect_pragma(s, "PRAGMA cipher_hmac_algorithm", "HMAC_SHA256");
	expect_pragma(s, "PRAGMA cipher_kdf_algorithm", "PBKDF2_HMAC_SHA512");
	expect_pragma(s, "PRAGMA cipher_memory_security", "1");
	expect_pragma(s, "PRAGMA cipher_log_level", "NONE");
	expect_pragma(s, "PRAGMA cipher_plaintext_header_size", "0");
	session_free(s);
	/* The engine it runs on, as --version names it. */
	assert_int_equal(store_engine(&sqlcipher, &sqlite), XJ_OK);
	assert_true(strncmp(sqlcipher, "4.", 2) == 0);
	assert_true(atoi(sqlcipher + 2) >= 6);
	assert_string_equal(sqlite, sqlite3_libversion());
	free(sqlcipher);
	tl_branch_free(b);
}

/* Flip one byte in page pgno of path. */
static void
flip(const char *path, unsigned pgno, unsigned at)
{
	unsigned char	c;
	int		fd = open(path, O_RDWR);

	assert_true(fd != -1);
	assert_int_equal(pread(fd, &c, 1, (off_t)(pgno - 1) * PAGE + at), 1);
	c ^= 0x55;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)(pgno - 1) * PAGE + at), 1);
	close(fd);
}

/*
 * A wrong key, a file in another format and a damaged page each make
 * SQLCipher 4.6 write "ERROR CORE ..." lines to stderr by default:
 * with every connection keyed by store_key_db, none appears.
 */
static void
test_library_is_silent(void **state)
{
	struct tl_branch	*b = tl_branch_new();
	struct session		*s;
	struct store		*st;
	unsigned char		 key[DB_KEY_BYTES], wrong[DB_KEY_BYTES];
	sqlite3			*db;
	struct stat		 sb;
	char			*path, *copy, *err, *cause = NULL;
	int			 saved, fd, used;

	(void)state;
	s = tl_login(b, "reception1");
	free(tl_enrol(s, "静默测试", "2017-01", "家长", "13800000001", NULL));
	session_free(s);
	tl_branch_key(b, key);
	memcpy(wrong, key, sizeof wrong);
	wrong[0] ^= 1;
	path = db_path(b);
	xasprintf(&copy, "%s/damaged.db", b->dir);
	xasprintf(&err, "%s/stderr", b->dir);

	/* A failed assertion below would write into the file: see it. */
	fflush(stderr);
	saved = dup(2);
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved != -1 && fd != -1);
	dup2(fd, 2);
	close(fd);

	/* A wrong key. */
	assert_int_equal(store_open(path, wrong, NULL, "SH01", &used, &st,
	    &cause), XJ_EDATA);
	free(cause);
	cause = NULL;
	/* The right key in another format. */
	assert_int_equal(store_db_open(path, &db, SQLITE_OPEN_READWRITE),
	    SQLITE_OK);
	assert_int_equal(store_key_db(db, key, STORE_FORMAT_3, &cause),
	    XJ_EDATA);
	free(cause);
	cause = NULL;
	sqlite3_close(db);
	/* A damaged page, found by the page check. */
	{
		char	*buf;
		size_t	 n;

		assert_int_equal(xj_read_file(path, 1 << 26, &buf, &n, NULL),
		    XJ_OK);
		assert_int_equal(xj_write_file_atomic(copy, buf, n, 0600,
		    NULL), XJ_OK);
		free(buf);
	}
	assert_int_equal(stat(copy, &sb), 0);
	assert_true(sb.st_size >= 3 * PAGE);
	flip(copy, 3, 100);
	assert_int_equal(store_db_open(copy, &db, SQLITE_OPEN_READWRITE),
	    SQLITE_OK);
	assert_int_equal(store_key_db(db, key, STORE_FORMAT_4, NULL), XJ_OK);
	assert_int_equal(store_check_pages(db, &cause), XJ_TAMPERED);
	assert_non_null(strstr(cause, "3"));
	free(cause);
	cause = NULL;
	/* A walk over every page fails at it; the library says nothing. */
	{
		sqlite3_stmt	*stmt;
		const char	*res;
		int		 rc;

		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA "
		    "integrity_check", -1, &stmt, NULL), SQLITE_OK);
		rc = sqlite3_step(stmt);
		res = (const char *)sqlite3_column_text(stmt, 0);
		assert_true(rc != SQLITE_ROW || res == NULL ||
		    strcmp(res, "ok") != 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(stat(err, &sb), 0);
	if (sb.st_size != 0) {
		char	*text;

		xj_read_file(err, 1 << 20, &text, NULL, NULL);
		fail_msg("the library wrote to stderr: %s", text);
	}
	free(err);
	free(copy);
	free(path);
	tl_branch_free(b);
}

/*
 * A value written over several overflow pages: each of those pages
 * holds the marker from its fifth byte on, within its first 16 bytes,
 * which a reader taking the IV from the wrong place decrypts to noise.
 */
static void
pages_of_format(enum store_format f, int reserve)
{
	unsigned char	 page1[PAGE], plain[PAGE];
	sqlite3		*db;
	char		*dir, *path, *buf;
	unsigned	 pgno;
	size_t		 n;
	int		 len, heads = 0, pages;

	dir = xstrdup("/tmp/xueji-pages-XXXXXX");
	if (getenv("TMPDIR") != NULL) {
		free(dir);
		xasprintf(&dir, "%s/xueji-pages-XXXXXX", getenv("TMPDIR"));
	}
	assert_non_null(mkdtemp(dir));
	path = xj_path_join(dir, "p.db");
	assert_int_equal(store_db_open(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE), SQLITE_OK);
	assert_int_equal(store_key_db(db, test_key, f, NULL), XJ_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (v TEXT);"
	    "INSERT INTO t VALUES (replace(hex(zeroblob(4000)), '00', "
	    "'XJMK'))", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_int_equal(xj_read_file(path, 1 << 20, &buf, &n, NULL), XJ_OK);
	assert_true(n >= 4 * PAGE);
	memcpy(page1, buf, PAGE);
	free(buf);
	assert_int_equal(tl_pages_reserve(page1, test_key), reserve);
	/* Page 1's body starts with the header's bytes 16 on: 4096. */
	assert_int_equal(tl_page_plain(path, test_key, 1, plain, &len), 0);
	assert_int_equal(len, PAGE - 16 - reserve);
	assert_int_equal(plain[0], 0x10);
	assert_int_equal(plain[1], 0x00);
	for (pgno = 2; pgno <= n / PAGE; pgno++) {
		assert_int_equal(tl_page_plain(path, test_key, pgno, plain,
		    &len), 0);
		assert_int_equal(len, PAGE - reserve);
		if (memmem(plain, 16, "XJMKXJMK", 8) != NULL)
			heads++;
	}
	if (heads < 2)
		fail_msg("the marker heads %d pages of %zu", heads, n / PAGE);
	/* And the counting reader sees the marker on those pages. */
	assert_true(tl_pages_containing(path, test_key, "XJMKXJMKXJMK", 12,
	    &pages) >= heads);
	assert_int_equal(pages, (int)(n / PAGE));
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void
test_pages_whole_body(void **state)
{
	(void)state;
	pages_of_format(STORE_FORMAT_4, 48);
	pages_of_format(STORE_FORMAT_4_SHA512, 80);
	pages_of_format(STORE_FORMAT_3, 48);
}

static char *
last_entry(struct session *s, const char *action)
{
	char	*sql, *v;

	xasprintf(&sql, "SELECT operator || ' ' || detail FROM audit WHERE "
	    "action = '%s' ORDER BY seq DESC LIMIT 1", action);
	v = tl_query(s, sql);
	free(sql);
	return v;
}

/*
 * A branch with operators, history, a destruction and a checkpoint,
 * rewritten as xueji 0.1 wrote it on SQLCipher 3.4.1: the first login
 * upgrades it in place.
 */

/* What an upgrade said of its progress (store_upgrade's progress). */
struct told_steps {
	int	pct[64];
	size_t	n;
	int	copy, check, drill;
};

static void
told(int percent, const char *what, void *arg)
{
	struct told_steps	*t = arg;

	if (t->n < nitems(t->pct))
		t->pct[t->n++] = percent;
	t->copy |= strstr(what, "copying") != NULL;
	t->check |= strstr(what, "checking") != NULL;
	t->drill |= strstr(what, "drill") != NULL;
}

static void
test_upgrade_v3_branch(void **state)
{
	const struct field_input c1[] = { { "guardian_name", "新家长名" } };
	struct tl_branch	*b = tl_branch_new();
	struct session		*r, *sv, *sv2, *a;
	struct student		*st;
	struct stat		 sb;
	unsigned char		 key[DB_KEY_BYTES], page1[PAGE];
	char			*gone, *keep, *cause = NULL, *checkpoint, *path;
	char			*v, *buf, *tmp;
	int64_t			 id, seq, count, bad;
	size_t			 n;
	int			 pages;
	struct told_steps	 steps;

	(void)state;
	memset(&steps, 0, sizeof steps);
	setenv("XUEJI_NOW", "2026-01-10T09:00:00", 1);
	r = tl_login(b, "reception1");
	sv = tl_login(b, "supervisor1");
	sv2 = tl_login(b, "supervisor2");
	gone = tl_enrol(r, "升级销毁娜", "2016-04", "销毁家长", "13912340001",
	    NULL);
	keep = tl_enrol(r, "升级保留强", "2016-05", "保留家长", "13912349999",
	    NULL);
	assert_non_null(gone);
	assert_non_null(keep);
	assert_int_equal(store_change_request(r->st, keep, c1, 1, "更正",
	    NULL, &id, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	assert_int_equal(store_status_set(sv->st, gone, STATUS_WITHDRAWN,
	    "退学", &cause), XJ_OK);
	assert_int_equal(store_destroy_request(r->st, gone, "withdrawal", &id,
	    &cause), XJ_OK);
	setenv("XUEJI_NOW", "2026-01-12T10:00:00", 1);
	assert_int_equal(store_request_approve(sv2->st, id, &cause), XJ_OK);
	assert_int_equal(store_checkpoint(sv->st, sv->secret->sign_seed,
	    &checkpoint, &seq, &cause), XJ_OK);
	session_free(sv2);
	session_free(sv);
	session_free(r);
	unsetenv("XUEJI_NOW");

	tl_branch_key(b, key);	/* a login: before the rewrite */
	tl_branch_to_v3(b);
	path = db_path(b);
	/* The fixture is SQLCipher 3's: 48 reserved bytes, compatibility 3. */
	assert_int_equal(xj_read_file(path, 1 << 26, &buf, &n, NULL), XJ_OK);
	memcpy(page1, buf, PAGE);
	free(buf);
	assert_int_equal(tl_pages_reserve(page1, key), 48);
	assert_true(store_legacy(path, key, NULL));
	{
		sqlite3	*db;

		assert_int_equal(store_db_open(path, &db,
		    SQLITE_OPEN_READWRITE), SQLITE_OK);
		assert_int_equal(store_key_db(db, key, STORE_FORMAT_4, NULL),
		    XJ_EDATA);
		sqlite3_close(db);
	}

	/* The first login upgrades it, saying how far it is as it goes. */
	{
		char	pw[64];

		assert_int_equal(session_load(b->config, NULL, &r, &cause),
		    XJ_OK);
		r->progress = told;
		r->progress_arg = &steps;
		tl_pass("reception1", pw, sizeof pw);
		assert_int_equal(session_login(r, "reception1", pw,
		    strlen(pw), &cause), XJ_OK);
	}
	/* From 0 to 100, never back, through the copy, checks and drill. */
	assert_true(steps.n >= 4);
	assert_int_equal(steps.pct[0], 0);
	assert_int_equal(steps.pct[steps.n - 1], 100);
	for (n = 1; n < steps.n; n++)
		assert_true(steps.pct[n] > steps.pct[n - 1]);
	assert_true(steps.copy && steps.check && steps.drill);
	assert_false(store_legacy(path, key, NULL));
	expect_pragma(r, "PRAGMA cipher_hmac_algorithm", "HMAC_SHA256");
	expect_pragma(r, "PRAGMA journal_mode", "wal");
	v = tl_query(r, "PRAGMA user_version");
	assert_int_equal(atoi(v), store_schema_version);
	free(v);
	v = last_entry(r, "branch.upgrade");
	assert_non_null(v);
	assert_non_null(strstr(v, "reception1 from=sqlcipher3 "
	    "to=sqlcipher4-sha256 sqlcipher=4."));
	free(v);
	/* The file: private directory, private file; nothing left beside. */
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	xasprintf(&tmp, "%s.upgrading", path);
	assert_int_not_equal(access(tmp, F_OK), 0);
	free(tmp);
	session_free(r);

	/* History kept, the destroyed child still destroyed. */
	sv = tl_login(b, "supervisor1");
	assert_int_equal(store_student_get(sv->st, keep, &st, &cause), XJ_OK);
	assert_string_equal(student_value(st, "guardian_name"), "新家长名");
	student_free(st);
	assert_int_equal(store_student_get(sv->st, gone, &st, &cause), XJ_OK);
	assert_int_equal(st->status, STATUS_DESTROYED);
	assert_int_equal(st->nvalues, 0);
	student_free(st);
	v = tl_query(sv, "SELECT count(*) FROM field_history");
	assert_true(atoi(v) >= 5);
	free(v);
	session_free(sv);
	assert_int_equal(tl_pages_containing(path, key, "升级销毁娜",
	    strlen("升级销毁娜"), &pages), 0);
	assert_true(tl_pages_containing(path, key, "升级保留强",
	    strlen("升级保留强"), &pages) > 0);

	/* The old checkpoint verifies against the upgraded chain. */
	a = tl_login(b, "auditor1");
	assert_int_equal(store_verify_checkpoint(a->st, a->secret->sign_seed,
	    checkpoint, strlen(checkpoint), &seq, &cause), XJ_OK);
	assert_int_equal(store_verify(a->st, &count, &bad, &cause), XJ_OK);
	session_free(a);
	tl_check_db(b);

	free(checkpoint);
	free(gone);
	free(keep);
	free(path);
	tl_branch_free(b);
}

/* A 3.x backup passes a drill and is restored, upgraded on the way in. */
static void
test_v3_backup_restores(void **state)
{
	struct tl_branch	*b = tl_branch_new();
	struct drill_report	 dr;
	struct session		*s;
	unsigned char		 key[DB_KEY_BYTES];
	char			*path, *backup, *n1, *n2, *cause = NULL;
	char			*safety = NULL, *v;
	size_t			 len;

	(void)state;
	s = tl_login(b, "reception1");
	n1 = tl_enrol(s, "备份前甲", "2017-02", "家长", "13800000002", NULL);
	session_free(s);
	/* The backup as 3.4.1 wrote it: the branch's file as it was. */
	tl_branch_to_v3(b);
	path = db_path(b);
	xasprintf(&backup, "%s/old.xjb", b->dir);
	{
		char	*buf;

		assert_int_equal(xj_read_file(path, 1 << 26, &buf, &len, NULL),
		    XJ_OK);
		assert_int_equal(xj_write_file_atomic(backup, buf, len, 0600,
		    NULL), XJ_OK);
		free(buf);
	}
	s = tl_login(b, "reception1");	/* upgrades the branch itself */
	n2 = tl_enrol(s, "备份后乙", "2017-03", "家长", "13800000003", NULL);
	session_free(s);
	tl_branch_key(b, key);

	s = tl_login(b, "supervisor1");
	if (store_restore_drill(s->st, key, backup, &dr, &cause) != XJ_OK)
		fail_msg("drill: %s", cause);
	assert_true(dr.opened && dr.integrity_ok && dr.chain_ok);
	assert_true(dr.same_history);
	drill_report_free(&dr);
	/* The backup file itself is left as it was. */
	assert_true(store_legacy(backup, key, NULL));
	if (session_restore(s, backup, &safety, &cause) != XJ_OK)
		fail_msg("restore: %s", cause);
	expect_pragma(s, "PRAGMA cipher_hmac_algorithm", "HMAC_SHA256");
	v = tl_query(s, "SELECT count(*) FROM student");
	assert_string_equal(v, "1");
	free(v);
	free(safety);
	session_free(s);
	assert_false(store_legacy(path, key, NULL));
	tl_check_db(b);
	free(n1);
	free(n2);
	free(backup);
	free(path);
	tl_branch_free(b);
}

/*
 * Issue 18: SQLite's freed memory holds no personal data.  In a child,
 * a marker goes into a branch through the store's own connection and
 * is read back; while the row is live the scan of the process's heap
 * finds it (the control), after store_close it must find it nowhere.
 * Only SQLite's memory sees it: it is bound from a constant, not copied
 * to ours.  Without memory security (SQLCipher's wipe of every block
 * it frees) the decrypted page is still in freed memory after the
 * close, and this fails.
 */
static const char wipe_marker[] = "XJWIPE\xe5\x91\xa8\xe5\xb0\x8f\xe5\xae"
    "\x9d-13912345678-\xe6\x9c\xaa\xe6\x93\xa6\xe9\x99\xa4";

/* Whether valgrind runs us: its heap is its own, not to be read. */
static int
under_valgrind(void)
{
	char	 line[512];
	FILE	*f;
	int	 found = 0;

	if ((f = fopen("/proc/self/maps", "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL)
		found = strstr(line, "vgpreload") != NULL;
	fclose(f);
	return found;
}

/*
 * Whether the marker is anywhere in the heap or in an anonymous
 * writable mapping (SQLite's larger blocks, and thread stacks): a byte
 * loop over the memory itself, so nothing is copied or allocated.
 * -1 when the maps cannot be read.
 */
static int
heap_holds_marker(void)
{
	static struct {
		unsigned long	 lo, hi;
	} r[1024];
	char		 line[512], path[256], perms[8];
	const char	*p;
	size_t		 n = 0, i, len = sizeof wipe_marker - 1;
	FILE		*f;

	if ((f = fopen("/proc/self/maps", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL && n < nitems(r)) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &r[n].lo,
		    &r[n].hi, perms, path) < 3)
			continue;
		if (perms[0] == 'r' && perms[1] == 'w' &&
		    (path[0] == '\0' || strcmp(path, "[heap]") == 0))
			n++;
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		for (p = (const char *)r[i].lo; p + len <= (const char *)r[i].hi;
		    p++) {
			if (*p == wipe_marker[0] && memcmp(p, wipe_marker,
			    len) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * A new branch file name in dir, made and opened with test_key: the
 * store, or NULL having said why on stderr (for a child's use).
 */
static struct store *
scratch_store(const char *dir, const char *name)
{
	struct store	*st = NULL;
	char		*path = xj_path_join(dir, name), *cause = NULL;
	int		 used;

	if (store_create(path, test_key, "SH01", &cause) != XJ_OK ||
	    store_open(path, test_key, NULL, "SH01", &used, &st,
	    &cause) != XJ_OK) {
		fprintf(stderr, "cannot open the branch: %s\n", cause);
		free(cause);
		st = NULL;
	}
	free(path);
	return st;
}

/* The child: 0 when the marker is gone, or what went wrong. */
static int
wipe_child(const char *dir)
{
	struct store	*st;
	sqlite3_stmt	*stmt;
	sqlite3		*db;
	int		 found;

	if ((st = scratch_store(dir, "wipe.db")) == NULL)
		return 2;
	db = store_db(st);
	if (sqlite3_exec(db, "CREATE TABLE wipe_probe (v TEXT)", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO wipe_probe VALUES (?)", -1,
	    &stmt, NULL) != SQLITE_OK)
		return 2;
	sqlite3_bind_text(stmt, 1, wipe_marker, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return 2;
	sqlite3_finalize(stmt);
	if (sqlite3_prepare_v2(db, "SELECT v FROM wipe_probe", -1, &stmt,
	    NULL) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(stmt, 0),
	    wipe_marker) != 0)
		return 2;
	/* The control: live, the scan sees it. */
	if ((found = heap_holds_marker()) != 1) {
		fprintf(stderr, "the scan does not see the live marker\n");
		return 3;
	}
	sqlite3_finalize(stmt);
	store_close(st);
	if (heap_holds_marker()) {
		fprintf(stderr, "the marker is still in freed memory after the "
		    "close\n");
		return 1;
	}
	return 0;
}

static void
test_freed_memory_wiped(void **state)
{
	char	*dir;
	pid_t	 pid;
	int	 status;

	(void)state;
#ifdef __SANITIZE_ADDRESS__
	/* ASan keeps freed blocks poisoned in quarantine: not to be read. */
	printf("under ASan, whose freed memory may not be read: skipped\n");
	skip();
#endif
	if (under_valgrind()) {
		printf("under valgrind, whose heap is its own: skipped\n");
		skip();
	}
	dir = tl_tmpdir();
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(wipe_child(dir));
	assert_true(pid != -1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	tl_rmtree(dir);
	free(dir);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* SQLite's default allocator, as a program that set none would run. */
static void *
plain_malloc(int n)
{
	return malloc((size_t)n);
}

static void
plain_free(void *p)
{
	free(p);
}

static void *
plain_realloc(void *p, int n)
{
	return realloc(p, (size_t)n);
}

static int
plain_size(void *p)
{
	return (int)malloc_usable_size(p);
}

static int
plain_roundup(int n)
{
	return (n + 7) & ~7;
}

static int
plain_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void
plain_shutdown(void *arg)
{
	(void)arg;
}

/*
 * A library whose freed memory is not ours to wipe is refused: in a
 * child, SQLite shut down and restarted on a plain allocator, and
 * store_key_db then refuses the handle (XJ_EUNAVAIL) before the key.
 */
static void
test_unwiped_library_refused(void **state)
{
	static const sqlite3_mem_methods plain = {
		plain_malloc, plain_free, plain_realloc, plain_size,
		plain_roundup, plain_init, plain_shutdown, NULL
	};
	pid_t	 pid;
	int	 status;

	(void)state;
	/* Through the program's path first: it is in place. */
	assert_int_equal(store_memory_init(), SQLITE_OK);
	assert_int_equal(store_memory_secured(NULL), XJ_OK);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		sqlite3		*db;
		char		*cause = NULL;
		int		 rc;

		if (sqlite3_shutdown() != SQLITE_OK ||
		    sqlite3_config(SQLITE_CONFIG_MALLOC, &plain) != SQLITE_OK ||
		    store_db_open(":memory:", &db, SQLITE_OPEN_READWRITE) !=
		    SQLITE_OK)
			_exit(2);
		rc = store_key_db(db, test_key, STORE_FORMAT_4, &cause);
		if (rc != XJ_EUNAVAIL || strstr(cause, "wipe") == NULL)
			_exit(1);
		free(cause);
		sqlite3_close(db);
		_exit(0);
	}
	assert_true(pid != -1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * What /proc/self/smaps says of the mapping that holds addr: whether
 * it is locked ("Locked:" over 0 kB) -- mlock(2) splits a mapping at
 * the edges of what it locks, so that is exactly whether addr's page
 * is -- and in *heap, when not NULL, whether it is the heap brk(2)
 * grows ("[heap]").  -1 when smaps cannot be read.
 */
static int
mapping_of(const void *addr, int *heap)
{
	unsigned long	 lo, hi, a = (unsigned long)addr, kb;
	char		 line[512];
	FILE		*f;
	int		 in = 0, locked = -1;

	if ((f = fopen("/proc/self/smaps", "r")) == NULL)
		return -1;
	while (locked == -1 && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			if ((in = lo <= a && a < hi) && heap != NULL)
				*heap = strstr(line, "[heap]") != NULL;
		} else if (in && sscanf(line, "Locked: %lu kB", &kb) == 1)
			locked = kb > 0;
	}
	fclose(f);
	return locked;
}

/* Whether the page at addr is locked in memory, or -1. */
static int
page_locked(const void *addr)
{
	return mapping_of(addr, NULL);
}

/*
 * Issue 18: locks stack.  The C library's munlock(2) unlocks every page
 * it touches, whatever else is locked on it; SQLCipher's memory
 * security calls it for each freed block, unlocking the live blocks
 * beside it.  memory.c counts the locks on each page: two blocks on one
 * page, the first unlocked, the page stays locked until the second is.
 * With the C library's mlock and munlock this fails at the first
 * munlock.
 */
static void
test_locks_stack(void **state)
{
	unsigned long	 calls = xj_memlock_stats(NULL, NULL);
	char		*p;

	(void)state;
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(page_locked(p), 0);
	/* Two blocks on one page. */
	assert_int_equal(mlock(p + 64, 32), 0);
	assert_int_equal(mlock(p + 512, 32), 0);
	assert_int_equal(page_locked(p), 1);
	assert_int_equal(munlock(p + 64, 32), 0);
	assert_int_equal(page_locked(p), 1);
	assert_int_equal(munlock(p + 512, 32), 0);
	assert_int_equal(page_locked(p), 0);
	/* A block over two pages, and one on the second. */
	assert_int_equal(mlock(p + 2 * PAGE - 16, 32), 0);
	assert_int_equal(mlock(p + 2 * PAGE + 128, 32), 0);
	assert_int_equal(page_locked(p + PAGE), 1);
	assert_int_equal(page_locked(p + 2 * PAGE), 1);
	assert_int_equal(munlock(p + 2 * PAGE - 16, 32), 0);
	assert_int_equal(page_locked(p + PAGE), 0);
	assert_int_equal(page_locked(p + 2 * PAGE), 1);
	assert_int_equal(munlock(p + 2 * PAGE + 128, 32), 0);
	assert_int_equal(page_locked(p + 2 * PAGE), 0);
	/* The whole range at once, then nothing: no length, no lock. */
	assert_int_equal(mlock(p, 3 * PAGE), 0);
	assert_int_equal(page_locked(p + PAGE), 1);
	assert_int_equal(munlock(p, 3 * PAGE), 0);
	assert_int_equal(page_locked(p + PAGE), 0);
	assert_int_equal(mlock(p, 0), 0);
	assert_int_equal(page_locked(p), 0);
	/* Every call above came through the counts. */
	assert_true(xj_memlock_stats(NULL, NULL) >= calls + 10);
	munmap(p, 3 * PAGE);
}

/*
 * Issue 18: what SQLite allocates is locked.  With memory security on,
 * SQLCipher's allocator locks every block SQLite makes, through our
 * mlock: preparing a statement (some forty allocations) calls it many
 * times, and a value read from a branch lies on a locked page.  With it
 * off SQLCipher locks only its own buffers, a prepare calls nothing,
 * and this fails.
 */
static void
test_sqlite_memory_locked(void **state)
{
	struct store		*st;
	sqlite3_stmt		*stmt;
	const unsigned char	*v;
	unsigned long		 calls;
	size_t			 pages;
	char			*dir = tl_tmpdir(), *path;
	int			 used;

	(void)state;
	path = xj_path_join(dir, "locked.db");
	assert_int_equal(store_create(path, test_key, "SH01", NULL), XJ_OK);
	assert_int_equal(store_open(path, test_key, NULL, "SH01", &used, &st,
	    NULL), XJ_OK);
	calls = xj_memlock_stats(NULL, NULL);
	assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT "
	    "group_concat(name) FROM sqlite_master", -1, &stmt, NULL),
	    SQLITE_OK);
	assert_true(xj_memlock_stats(&pages, NULL) >= calls + 10);
	assert_true(pages > 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_non_null(v = sqlite3_column_text(stmt, 0));
	assert_int_equal(page_locked(v), 1);
	sqlite3_finalize(stmt);
	store_close(st);
	free(path);
	tl_rmtree(dir);
	free(dir);
}

/*
 * Issue 18: a heap page left with no lock stays locked, idle, so that
 * SQLite's churn of the same pages does not reach the kernel twice per
 * allocation; but not for ever: once XJ_MEMLOCK_IDLE_MAX other pages
 * have gone idle after it, it is unlocked.  Skipped where malloc's
 * blocks are not in the brk heap (ASan, valgrind).
 */
static void
test_idle_heap_pages(void **state)
{
	enum { BLOCK = 16 * 1024, BLOCKS = XJ_MEMLOCK_IDLE_MAX / 4 + 64 };
	unsigned long	 kernel0, kernel1;
	char		*block, *p, **b;
	size_t		 i;
	int		 heap = 0;

	(void)state;
	/* A page of its own, in a block of three: nothing else lies on it. */
	block = xmalloc(3 * PAGE);
	p = (char *)(((uintptr_t)block + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	if (mapping_of(p, &heap) == -1 || !heap) {
		free(block);
		printf("malloc is not on the brk heap here: skipped\n");
		skip();
	}
	assert_int_equal(mlock(p, 256), 0);
	assert_int_equal(page_locked(p), 1);
	assert_int_equal(munlock(p, 256), 0);
	assert_int_equal(page_locked(p), 1);
	/* Locked again while idle: no mlock (at most an older page's
	 * munlock, leaving the idle ring). */
	xj_memlock_stats(NULL, &kernel0);
	assert_int_equal(mlock(p, 256), 0);
	assert_int_equal(munlock(p, 256), 0);
	xj_memlock_stats(NULL, &kernel1);
	assert_true(kernel1 - kernel0 <= 1);
	assert_int_equal(page_locked(p), 1);
	/* Enough other pages idle after it: it goes. */
	b = xcalloc(BLOCKS, sizeof *b);
	for (i = 0; i < BLOCKS; i++) {
		b[i] = xmalloc(BLOCK);
		assert_int_equal(mlock(b[i], BLOCK), 0);
		assert_int_equal(munlock(b[i], BLOCK), 0);
	}
	assert_int_equal(page_locked(p), 0);
	assert_int_equal(page_locked(b[BLOCKS - 1]), 1);
	for (i = 0; i < BLOCKS; i++)
		free(b[i]);
	free(b);
	free(block);
}

/* The child: 0 when a branch works under a 64 KiB limit, or why not. */
static int
over_limit_child(const char *dir)
{
	struct __user_cap_header_struct	 h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 d[2];
	struct rlimit			 rl = { 64 * 1024, 64 * 1024 };
	struct store			*st;
	int				 i;

	/* Root's CAP_IPC_LOCK would lift the limit: drop it. */
	if (syscall(SYS_capget, &h, d) != 0)
		return 2;
	d[0].effective &= ~(1U << CAP_IPC_LOCK);
	d[0].permitted &= ~(1U << CAP_IPC_LOCK);
	if (syscall(SYS_capset, &h, d) != 0 ||
	    setrlimit(RLIMIT_MEMLOCK, &rl) != 0)
		return 2;
	if ((st = scratch_store(dir, "limit.db")) == NULL)
		return 1;
	if (sqlite3_exec(store_db(st), "CREATE TABLE limit_probe (v TEXT)",
	    NULL, NULL, NULL) != SQLITE_OK)
		return 1;
	for (i = 0; i < 200; i++) {
		if (sqlite3_exec(store_db(st), "INSERT INTO limit_probe "
		    "VALUES (hex(randomblob(2000)))", NULL, NULL, NULL) !=
		    SQLITE_OK)
			return 1;
	}
	if (sqlite3_exec(store_db(st), "SELECT count(*), sum(length(v)) "
	    "FROM limit_probe", NULL, NULL, NULL) != SQLITE_OK)
		return 1;
	if (tl_status_kib(getpid(), "VmLck:") > 64) {
		fprintf(stderr, "%ld KiB locked over a 64 KiB limit\n",
		    tl_status_kib(getpid(), "VmLck:"));
		return 1;
	}
	store_close(st);
	return 0;
}

/*
 * Issue 18: an operator's limit of locked memory (8 MiB by default) is
 * smaller than what SQLite uses at a million students.  Beyond it the
 * kernel refuses to lock; the branch must work on, with nothing on
 * stderr (SQLCipher logs a refused mlock as an error by default), and
 * lock no more than the limit.  In a child without CAP_IPC_LOCK, under
 * a 64 KiB limit, 200 rows of 4 KB go in and out of a branch.
 */
static void
test_over_the_limit(void **state)
{
	struct stat	 sb;
	char		*dir = tl_tmpdir(), *err, said[256] = "";
	pid_t		 pid;
	int		 status, fd;
	FILE		*f;

	(void)state;
	err = xj_path_join(dir, "stderr");
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		if ((fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
			_exit(2);
		dup2(fd, 2);
		status = over_limit_child(dir);
		free(err);
		free(dir);
		_exit(status);
	}
	assert_true(pid != -1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if ((f = fopen(err, "r")) != NULL) {
		if (fgets(said, sizeof said, f) == NULL)
			said[0] = '\0';
		fclose(f);
	}
	if (WEXITSTATUS(status) != 0 || said[0] != '\0')
		fail_msg("exit %d, stderr: %s", WEXITSTATUS(status), said);
	assert_int_equal(stat(err, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	free(err);
	tl_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cipher_settings),
		cmocka_unit_test(test_library_is_silent),
		cmocka_unit_test(test_pages_whole_body),
		cmocka_unit_test(test_upgrade_v3_branch),
		cmocka_unit_test(test_v3_backup_restores),
		cmocka_unit_test(test_freed_memory_wiped),
		cmocka_unit_test(test_unwiped_library_refused),
		cmocka_unit_test(test_locks_stack),
		cmocka_unit_test(test_sqlite_memory_locked),
		cmocka_unit_test(test_idle_heap_pages),
		cmocka_unit_test(test_over_the_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
