/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Corrupt or hostile files (issue 8): a flipped byte in page 1 and in
 * later pages, a truncated database, a garbage or truncated key-slot
 * file, a missing WAL and a database from another branch.  Each gives a
 * clear message and a non-zero status from session_login or the store
 * operations after it (and a non-zero exit from `xueji verify`), never a
 * crash or a hang: every probe runs in a child under alarm().
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/student.h"
#include "xueji/report.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/worker.h"

#define PROBE_SECONDS	30

static struct tl_branch	*branch;	/* the one damaged, test by test */
static char		*db, *slots, *pristine_db, *pristine_slots;
static long		 crashes;

static void
copy(const char *from, const char *to)
{
	char	*buf;
	size_t	 len;
	int	 fd;

	assert_int_equal(xj_read_file(from, 64 << 20, &buf, &len, NULL),
	    XJ_OK);
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
}

static off_t
size_of(const char *path)
{
	struct stat	sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

static void
flip(const char *path, off_t at)
{
	unsigned char	c;
	int		fd = open(path, O_RDWR);

	assert_true(fd != -1);
	assert_int_equal(pread(fd, &c, 1, at), 1);
	c ^= 0x5a;
	assert_int_equal(pwrite(fd, &c, 1, at), 1);
	close(fd);
}

static int
group_setup(void **state)
{
	struct session	*s;
	char		 name[64], phone[16], *n;
	int		 i;

	(void)state;
	branch = tl_branch_new();
	s = tl_login(branch, "reception1");
	for (i = 0; i < 40; i++) {
		tw_name(name, sizeof name, "Corrupt", (unsigned long)i);
		tw_phone(phone, sizeof phone, 9000000UL + (unsigned long)i);
		n = tl_enrol(s, name, "2016-08", "Guardian Corrupt", phone,
		    NULL);
		assert_non_null(n);
		free(n);
	}
	session_free(s);	/* the last close checkpoints the WAL */
	db = xj_path_join(branch->data, STORE_DB_NAME);
	slots = xj_path_join(branch->data, STORE_KEYSLOTS_NAME);
	pristine_db = xj_path_join(branch->dir, "pristine.db");
	pristine_slots = xj_path_join(branch->dir, "pristine.keyslots");
	copy(db, pristine_db);
	copy(slots, pristine_slots);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	printf("FIGURES corrupt runs=10 ops=0 lost=0 corrupt=0 crashes=%ld "
	    "leaks=0\n", crashes);
	tl_branch_free(branch);
	free(db);
	free(slots);
	free(pristine_db);
	free(pristine_slots);
	return 0;
}

/* Every test starts from the undamaged branch. */
static int
restore(void **state)
{
	char	*p;

	(void)state;
	copy(pristine_db, db);
	copy(pristine_slots, slots);
	xasprintf(&p, "%s-wal", db);
	unlink(p);
	free(p);
	xasprintf(&p, "%s-shm", db);
	unlink(p);
	free(p);
	return 0;
}

/*
 * Log in as supervisor1 in a child and run a search and a verification:
 * the first status that is not XJ_OK and its message ("" and XJ_OK when
 * everything worked).  A crash or a hang fails the test.
 */
static int
probe(char **cause)
{
	char	*report = NULL, *msg;
	size_t	 len = 0;
	pid_t	 pid;
	int	 p[2], status, rc;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		struct session	 *s;
		struct student	**found = NULL;
		size_t		  n = 0;
		int64_t		  entries, bad;
		char		 *why = NULL;

		close(p[0]);
		alarm(PROBE_SECONDS);
		if ((rc = session_load(branch->config, NULL, &s, &why)) ==
		    XJ_OK && (rc = session_login(s, "supervisor1",
		    "pass-supervisor1", 16, &why)) == XJ_OK &&
		    (rc = store_student_find(s->st, "Corrupt", 100, NULL,
		    &found, &n, &why)) == XJ_OK) {
			students_free(found, n);
			rc = store_verify(s->st, &entries, &bad, &why);
		}
		tw_say(p[1], "%d %s", rc, why != NULL ? why : "");
		_exit(0);
	}
	close(p[1]);
	tw_slurp(p[0], &report, &len);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status)) {
		crashes++;
		fail_msg("the probe %s (status %#x)", WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGALRM ? "hung" : "crashed", status);
	}
	rc = (int)strtol(report, &msg, 10);
	*cause = xstrdup(*msg == ' ' ? msg + 1 : msg);
	free(report);
	return rc;
}

/* The same through the command line: `xueji verify`'s exit status and
 * what it printed. */
static int
cli_verify(char **err)
{
	const char	*xueji = getenv("XUEJI");
	char		*pass, *errpath;
	size_t		 len;
	pid_t		 pid;
	int		 status, fd;

	if (xueji == NULL)
		xueji = "./xueji";
	pass = tl_write(branch->dir, "pass", "pass-supervisor1\n", 0600);
	errpath = xj_path_join(branch->dir, "err");
	if ((pid = fork()) == 0) {
		alarm(PROBE_SECONDS);
		if ((fd = open(pass, O_RDONLY)) == -1 || dup2(fd, 3) != 3)
			_exit(127);
		if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) == -1 || dup2(fd, 2) != 2)
			_exit(127);
		if (dup2(2, 1) != 1)	/* verify reports on stdout */
			_exit(127);
		execl(xueji, xueji, "-c", branch->config, "-u", "supervisor1",
		    "--passphrase-fd", "3", "verify", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status)) {
		crashes++;
		fail_msg("xueji verify %s (status %#x)", WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGALRM ? "hung" : "crashed", status);
	}
	assert_true(WEXITSTATUS(status) != 127);
	if (xj_read_file(errpath, 1 << 16, err, &len, NULL) != XJ_OK)
		*err = xstrdup("");
	free(pass);
	free(errpath);
	return WEXITSTATUS(status);
}

/* Damaged: a non-zero status with a sentence (holding want, when not
 * NULL), from the API and the CLI. */
static void
expect_refused_saying(const char *what, const char *want)
{
	char	*cause, *err;
	int	 rc, exit;

	rc = probe(&cause);
	exit = cli_verify(&err);
	printf("%s: status %d \"%s\"; xueji verify exit %d: %s", what, rc,
	    cause, exit, err);
	assert_int_not_equal(rc, XJ_OK);
	assert_true(strlen(cause) > 10);
	/* A sentence for a person, not SQLite's own words. */
	assert_null(strstr(cause, "SQLITE"));
	assert_null(strstr(cause, "disk image is malformed"));
	assert_int_not_equal(exit, 0);
	assert_true(strlen(err) > 10);
	if (want != NULL)
		assert_non_null(strstr(cause, want));
	free(cause);
	free(err);
}

static void
expect_refused(const char *what)
{
	expect_refused_saying(what, NULL);
}

static void
test_flip_page1(void **state)
{
	(void)state;
	flip(db, 200);
	expect_refused("a flipped byte in page 1");
}

static void
test_flip_salt(void **state)
{
	(void)state;
	flip(db, 3);
	expect_refused("a flipped byte in page 1's salt");
}

static void
test_flip_page2(void **state)
{
	(void)state;
	flip(db, 4096 + 1000);
	/* Damaged, not "another branch" (it said "branch ?" before). */
	expect_refused_saying("a flipped byte in page 2", "damaged");
}

static void
test_flip_last_page(void **state)
{
	(void)state;
	flip(db, size_of(db) - 4096 + 500);
	expect_refused("a flipped byte in the last page");
}

static void
test_truncated_db(void **state)
{
	(void)state;
	assert_int_equal(truncate(db, size_of(db) / 2 + 123), 0);
	expect_refused("a database truncated to half");
}

static void
test_empty_db(void **state)
{
	(void)state;
	assert_int_equal(truncate(db, 0), 0);
	expect_refused_saying("a database truncated to nothing", "damaged");
	/* Refused without building a new, empty schema over what is left. */
	assert_int_equal(size_of(db), 0);
}

static void
test_garbage_slots(void **state)
{
	unsigned char	 junk[700];
	size_t		 i;
	int		 fd;

	(void)state;
	for (i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	fd = open(slots, O_WRONLY | O_TRUNC);
	assert_true(fd != -1);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	expect_refused("a garbage key-slot file");
}

static void
test_truncated_slots(void **state)
{
	(void)state;
	assert_int_equal(truncate(slots, size_of(slots) / 2), 0);
	expect_refused("a truncated key-slot file");
}

static void
test_missing_wal(void **state)
{
	struct session	*s;
	char		*cause, *wal, *n;
	int		 rc;

	(void)state;
	/* After a clean close the WAL holds nothing: gone, all still opens. */
	s = tl_login(branch, "reception1");
	n = tl_enrol(s, "Wal Gone", "2016-08", "Guardian Wal", "13900000077",
	    &rc);
	assert_int_equal(rc, XJ_OK);
	session_free(s);
	xasprintf(&wal, "%s-wal", db);
	unlink(wal);
	xasprintf(&cause, "%s-shm", db);
	unlink(cause);
	free(cause);
	rc = probe(&cause);
	printf("a missing WAL after a clean close: status %d %s\n", rc, cause);
	assert_int_equal(rc, XJ_OK);
	free(cause);
	s = tl_login(branch, "supervisor1");
	xasprintf(&cause, "SELECT count(*) FROM student WHERE number = '%s'",
	    n);
	free(n);
	n = tl_query(s, cause);
	assert_string_equal(n, "1");
	free(n);
	free(cause);
	session_free(s);
	free(wal);
	tl_check_db(branch);
}

/*
 * Issue 9: a damaged page of the operation log.  It used to give
 * SQLite's own words and the status of an input/output error (74); now
 * the search says the log is damaged (XJ_EDATA, 65) and `xueji verify`
 * names the first entry it cannot read and fails as for tampering (1).
 */
static void
test_flip_audit_page(void **state)
{
	struct session	*s;
	char		*root, *cause, *err;
	int		 rc, exit;

	(void)state;
	s = tl_login(branch, "supervisor1");
	root = tl_query(s, "SELECT rootpage FROM sqlite_master WHERE "
	    "name = 'audit'");
	session_free(s);
	assert_non_null(root);
	/* The table's root: 40 enrolments' entries span several pages. */
	flip(db, (off_t)(strtol(root, NULL, 10) - 1) * 4096 + 1000);
	free(root);

	rc = probe(&cause);
	exit = cli_verify(&err);
	printf("a flipped byte in the log's root page: status %d \"%s\"; "
	    "xueji verify exit %d: %s", rc, cause, exit, err);
	assert_int_equal(rc, XJ_EDATA);
	assert_non_null(strstr(cause, "audit log is damaged"));
	assert_null(strstr(cause, "malformed"));
	assert_null(strstr(cause, "not a database"));
	assert_int_equal(exit, XJ_TAMPERED);
	assert_non_null(strstr(err, "TAMPERED: "));
	assert_non_null(strstr(err, "entry 1 "));
	assert_null(strstr(err, "malformed"));
	free(cause);
	free(err);
}

/*
 * A flipped byte in the table of values: searching, opening a record
 * and exporting say that the database is damaged, where they used to
 * show the children with their values missing, as if never given.
 */
static void
test_flip_values_page(void **state)
{
	struct session	 *s;
	struct student	**found = NULL, *one = NULL;
	char		 *root, *number, *cause = NULL;
	size_t		  n = 0, rows = 0;
	FILE		 *out;

	(void)state;
	s = tl_login(branch, "supervisor1");
	root = tl_query(s, "SELECT rootpage FROM sqlite_master WHERE "
	    "name = 'field'");
	number = tl_query(s, "SELECT number FROM student ORDER BY id "
	    "LIMIT 1");
	session_free(s);
	assert_non_null(root);
	assert_non_null(number);
	/* 40 children's values fill more than a page: the root is above
	 * every one of them. */
	flip(db, (off_t)(strtol(root, NULL, 10) - 1) * 4096 + 1000);
	free(root);

	s = tl_login(branch, "supervisor1");
	assert_int_equal(store_student_find(s->st, "Corrupt", 100, NULL, &found,
	    &n, &cause), XJ_EDATA);
	assert_null(found);
	assert_int_equal(n, 0);
	assert_non_null(strstr(cause, "cannot search: the database is "
	    "damaged"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_student_get(s->st, number, &one, &cause),
	    XJ_EDATA);
	assert_null(one);
	assert_non_null(strstr(cause, "cannot read the record: the database "
	    "is damaged"));
	free(cause);
	cause = NULL;
	/* Nothing of the export is written: the rows come first. */
	out = tmpfile();
	assert_non_null(out);
	assert_int_equal(store_export(s->st, out, -1, "audit of a damaged "
	    "branch", EXPORT_UTF8_BOM, &rows, &cause), XJ_EDATA);
	assert_non_null(strstr(cause, "damaged"));
	assert_int_equal(rows, 0);
	assert_int_equal(ftell(out), 0);
	fclose(out);
	free(cause);
	free(number);
	session_free(s);
}

static void
test_other_branch(void **state)
{
	struct tl_branch *other = tl_branch_new();
	char		 *theirs = xj_path_join(other->data, STORE_DB_NAME);

	(void)state;
	copy(theirs, db);
	expect_refused("another branch's database");
	free(theirs);
	tl_branch_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_flip_page1, restore),
		cmocka_unit_test_setup(test_flip_salt, restore),
		cmocka_unit_test_setup(test_flip_page2, restore),
		cmocka_unit_test_setup(test_flip_last_page, restore),
		cmocka_unit_test_setup(test_truncated_db, restore),
		cmocka_unit_test_setup(test_empty_db, restore),
		cmocka_unit_test_setup(test_garbage_slots, restore),
		cmocka_unit_test_setup(test_truncated_slots, restore),
		cmocka_unit_test_setup(test_missing_wal, restore),
		cmocka_unit_test_setup(test_other_branch, restore),
		cmocka_unit_test_setup(test_flip_audit_page, restore),
		cmocka_unit_test_setup(test_flip_values_page, restore),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
