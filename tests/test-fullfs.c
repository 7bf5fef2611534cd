/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A full disk (issue 8): with RLIMIT_FSIZE small (SIGXFSZ ignored, so a
 * write fails with EFBIG) and, where this may mount one, on a 2 MiB
 * tmpfs (ENOSPC), enrol until a write fails.  The failure is XJ_EIO with
 * a sentence saying nothing was changed (exit 74 from the command line),
 * and the database is intact afterwards: integrity ok, the chain
 * verifies, every acknowledged student is there, nothing half-written.
 */
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/report.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/worker.h"

static off_t
file_size(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/*
 * Enrol as reception1 in a child until a call fails; with limit > 0
 * under RLIMIT_FSIZE of that many bytes past the biggest file.  Reports
 * "S number" per acknowledged student and "F rc cause" for the failure.
 */
static void __attribute__((noreturn))
enrol_until_full(const struct tl_branch *b, off_t limit, int fd)
{
	struct session	*s;
	struct rlimit	 rl;
	char		*cause = NULL, *number, *db, *wal, name[64], phone[16];
	off_t		 big;
	unsigned long	 i;
	int		 rc;

	alarm(120);
	if ((s = tw_login(b->config, "reception1", &cause)) == NULL) {
		tw_say(fd, "F %d login: %s\n", -1, cause);
		_exit(2);
	}
	if (limit > 0) {
		db = xj_path_join(b->data, STORE_DB_NAME);
		xasprintf(&wal, "%s-wal", db);
		big = file_size(db) > file_size(wal) ? file_size(db) :
		    file_size(wal);
		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = (rlim_t)(big + limit);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(3);
	}
	for (i = 0; i < 100000; i++) {
		tw_name(name, sizeof name, "Full", i);
		tw_phone(phone, sizeof phone, 7000000UL + i);
		{
			const struct field_input v[] = {
				{ "name", name },
				{ "birth_month", "2014-11" },
				{ "guardian_name", "Guardian Full" },
				{ "guardian_phone", phone },
			};
			struct enrolment en = { v, 4, "in-person", 0 };
			char	*dup = NULL;

			rc = store_student_add(s->st, &en, &number, &dup,
			    &cause);
			free(dup);
		}
		if (rc != XJ_OK) {
			tw_say(fd, "F %d %s\n", rc, cause);
			break;
		}
		tw_say(fd, "S %s\n", number);
		free(number);
	}
	session_free(s);
	_exit(0);
}

/* Check the branch after the failure, without any limit. */
static void
check_intact(const struct tl_branch *b, char *report, long *acked)
{
	struct session	*s;
	char		*line, *save = NULL, num[64], *v;
	int		 rc;
	long		 lost = 0;

	s = tl_login(b, "supervisor1");
	*acked = 0;
	for (line = strtok_r(report, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "S %63s", num) != 1)
			continue;
		(*acked)++;
		xasprintf(&v, "SELECT count(*) FROM student WHERE number = "
		    "'%s'", num);
		line = tl_query(s, v);
		free(v);
		if (strcmp(line, "1") != 0) {
			print_error("lost %s\n", num);
			lost++;
		}
		free(line);
	}
	assert_int_equal(lost, 0);
	assert_true(*acked > 0);
	/* Nothing half-written: every student has all four values. */
	v = tl_query(s, "SELECT count(*) FROM student s WHERE (SELECT "
	    "count(*) FROM field f WHERE f.student = s.id) <> 4 OR NOT EXISTS "
	    "(SELECT 1 FROM field_history h WHERE h.student = s.id)");
	assert_string_equal(v, "0");
	free(v);
	/* And the branch works again once there is room. */
	v = tl_enrol(s, "Room Again", "2013-01", "Guardian Room",
	    "13700000001", &rc);
	assert_int_equal(rc, XJ_OK);
	free(v);
	session_free(s);
	tl_check_db(b);
}

static void
run_until_full(const struct tl_branch *b, off_t limit, const char *want,
    long *acked)
{
	char	*report = NULL, *f;
	size_t	 len = 0;
	pid_t	 pid;
	int	 p[2], status, rc;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		enrol_until_full(b, limit, p[1]);
	}
	close(p[1]);
	tw_slurp(p[0], &report, &len);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the enrolling child ended with status %#x: %s",
		    status, report);
	f = strstr(report, "F ");
	if (f == NULL)
		fail_msg("no write failed: %s", report);
	rc = atoi(f + 2);
	printf("failure: %.*s", (int)(strcspn(f, "\n") + 1), f);
	assert_int_equal(rc, XJ_EIO);
	/* A sentence for a person, saying what happened. */
	assert_non_null(strstr(f, want));
	assert_non_null(strstr(f, "nothing was changed"));
	check_intact(b, report, acked);
	free(report);
}

static void
test_rlimit_store(void **state)
{
	struct tl_branch *b = tl_branch_new();
	long		 acked;

	(void)state;
	run_until_full(b, 256 * 1024, "input/output error", &acked);
	printf("RLIMIT_FSIZE: %ld students acknowledged before the write "
	    "failed, none lost\n", acked);
	tw_figures("fullfs-rlimit", 1, acked, 0, 0, 0, 0);
	tl_branch_free(b);
}

/* Run the command line with RLIMIT_FSIZE at limit bytes; its exit. */
static int
cli(const struct tl_branch *b, rlim_t limit, const char *name,
    const char *phone, const char *out, const char *err)
{
	const char	*xueji = getenv("XUEJI");
	struct rlimit	 rl;
	char		*pass, *conf;
	pid_t		 pid;
	int		 status, fd;

	if (xueji == NULL)
		xueji = "./xueji";
	pass = tl_write(b->dir, "pass", "pass-reception1\n", 0600);
	xasprintf(&conf, "%s", b->config);
	if ((pid = fork()) == 0) {
		alarm(60);
		if ((fd = open(pass, O_RDONLY)) == -1 || dup2(fd, 3) != 3)
			_exit(127);
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1 || dup2(fd, 1) != 1)
			_exit(127);
		if ((fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1 || dup2(fd, 2) != 2)
			_exit(127);
		if (limit != RLIM_INFINITY) {
			/* Inherited through exec: a write past it is EFBIG. */
			signal(SIGXFSZ, SIG_IGN);
			rl.rlim_cur = rl.rlim_max = limit;
			if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
				_exit(127);
		}
		execl(xueji, xueji, "-c", conf, "-u", "reception1",
		    "--passphrase-fd", "3", "student", "add",
		    name, "birth_month=2012-06", "guardian_name=Guardian Cli",
		    phone, "--consent", "in-person", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(pass);
	free(conf);
	if (!WIFEXITED(status))
		fail_msg("xueji ended with status %#x", status);
	return WEXITSTATUS(status);
}

/* Append "S <stdout of the last command>" to the report. */
static void
ack(char **report, size_t *len, const char *out)
{
	char	*text, *line;
	size_t	 tlen;

	assert_int_equal(xj_read_file(out, 4096, &text, &tlen, NULL), XJ_OK);
	xasprintf(&line, "S %s", text);
	*report = xreallocarray(*report, *len + strlen(line) + 1, 1);
	memcpy(*report + *len, line, strlen(line) + 1);
	*len += strlen(line);
	free(line);
	free(text);
}

static void
test_rlimit_cli(void **state)
{
	struct tl_branch *b = tl_branch_new();
	char		*out, *err, *report = NULL, *text, name[80],
			 phone[40];
	size_t		 len = 0, tlen;
	long		 acked;
	int		 i, rc = 0;

	(void)state;
	out = xj_path_join(b->dir, "out");
	err = xj_path_join(b->dir, "err");
	/* Once without a limit: the first login's own writes are done. */
	assert_int_equal(cli(b, RLIM_INFINITY, "name=Cli First",
	    "guardian_phone=13600000000", out, err), 0);
	ack(&report, &len, out);
	for (i = 0; i < 40; i++) {
		tw_name(name, sizeof name, "name=Cli", (unsigned long)i);
		memcpy(phone, "guardian_phone=", 15);
		tw_phone(phone + 15, sizeof phone - 15, 8000000UL +
		    (unsigned long)i);
		/* Room for the shared-memory index and a few WAL frames. */
		rc = cli(b, 48 * 1024, name, phone, out, err);
		if (rc != 0)
			break;
		ack(&report, &len, out);
	}
	assert_int_equal(xj_read_file(err, 4096, &text, &tlen, NULL), XJ_OK);
	printf("xueji exit %d after %d enrolments under the limit: %s", rc, i,
	    text);
	assert_int_equal(rc, 74);
	assert_non_null(strstr(text, "nothing was changed"));
	free(text);
	check_intact(b, report, &acked);
	printf("command line: %ld acknowledged, none lost\n", acked);
	free(report);
	free(out);
	free(err);
	tl_branch_free(b);
}

static void
test_tmpfs(void **state)
{
	struct tl_branch *b;
	char		*dir, *old, *filler;
	long		 acked;
	int		 fd;

	(void)state;
	dir = tl_tmpdir();
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV,
	    "size=2m,mode=0700") != 0) {
		printf("cannot mount a tmpfs (%s): skipped\n",
		    strerror(errno));
		rmdir(dir);
		free(dir);
		skip();
	}
	old = getenv("TMPDIR") != NULL ? xstrdup(getenv("TMPDIR")) : NULL;
	setenv("TMPDIR", dir, 1);
	b = tl_branch_new();
	if (old != NULL)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	/* Space an administrator can free once the disk is full. */
	filler = xj_path_join(dir, "filler");
	fd = open(filler, O_WRONLY | O_CREAT, 0600);
	assert_true(fd != -1);
	assert_int_equal(posix_fallocate(fd, 0, 256 * 1024), 0);
	close(fd);

	{
		char	*report = NULL, *f;
		size_t	 len = 0;
		pid_t	 pid;
		int	 p[2], status;

		assert_int_equal(pipe(p), 0);
		if ((pid = fork()) == 0) {
			close(p[0]);
			enrol_until_full(b, 0, p[1]);
		}
		close(p[1]);
		tw_slurp(p[0], &report, &len);
		close(p[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		f = strstr(report, "F ");
		if (f == NULL)
			fail_msg("the tmpfs never filled: %.200s", report);
		printf("tmpfs full: %.*s", (int)(strcspn(f, "\n") + 1), f);
		assert_int_equal(atoi(f + 2), XJ_EIO);
		assert_non_null(strstr(f, "nothing was changed"));
		unlink(filler);
		check_intact(b, report, &acked);
		printf("tmpfs: %ld students acknowledged before ENOSPC, none "
		    "lost\n", acked);
		tw_figures("fullfs-tmpfs", 1, acked, 0, 0, 0, 0);
		free(report);
	}
	tl_branch_free(b);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	free(filler);
	free(old);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rlimit_store),
		cmocka_unit_test(test_rlimit_cli),
		cmocka_unit_test(test_tmpfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
