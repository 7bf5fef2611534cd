/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Crash consistency (issue 8): worker processes enrol students, file
 * change requests and approve others' requests in a loop, acknowledging
 * each call that returned XJ_OK on a pipe; the driver kill -9s each one
 * at a random moment.  Afterwards every acknowledged operation is in the
 * database, no change is half-applied, PRAGMA integrity_check is ok and
 * the audit chain verifies.  RELIABILITY_KILLS kills (100; 1000 in
 * `make reliability`), RELIABILITY_SEED to repeat a run.
 *
 * What this proves is the process dying at any instruction; power loss
 * (the OS losing its buffers) is the synchronous pragma's job, not
 * tested here.
 *
 * The same for the login that upgrades a branch written by SQLCipher 3
 * in place (issue 18): killed anywhere, it leaves the old file or the
 * new one.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/worker.h"
#include "lib/hatch.h"

/* Who each worker is, in turn: two may approve, two may not. */
static const char *const operators[] = {
	"reception1", "supervisor1", "reception2", "supervisor2",
};

struct acks {
	char	**students;
	size_t	  nstudents;
	int64_t	 *requests;
	char	**request_numbers;
	size_t	  nrequests;
	int64_t	 *approvals;
	size_t	  napprovals;
	long	  errors;
};

struct pending_ids {
	int64_t		 id[4];
	size_t		 n;
	const char	*me;
};

static int
collect_pending(const struct request *r, void *arg)
{
	struct pending_ids	*p = arg;

	/* The queue holds one's own too; the store refuses those. */
	if (p->n < nitems(p->id) && strcmp(r->requested_by, p->me) != 0)
		p->id[p->n++] = r->id;
	return 0;
}

/* Runs until killed; every acknowledgement follows a returned XJ_OK. */
static void __attribute__((noreturn))
worker(const char *config, unsigned long run, int fd)
{
	const char		*me = operators[run % nitems(operators)];
	struct session		*s;
	struct pending_ids	 p;
	char			*cause = NULL, *number, name[64], phone[16];
	unsigned long		 i, base;
	int64_t			 id;
	size_t			 j;
	int			 rc;

	if ((s = tw_login(config, me, &cause)) == NULL) {
		tw_say(fd, "E login %s: %s\n", me, cause);
		_exit(2);
	}
	tw_say(fd, "ready\n");
	for (i = 0;; i++) {
		base = run * 100000 + i;
		tw_name(name, sizeof name, "Kid", base);
		tw_phone(phone, sizeof phone, base);
		number = tl_enrol(s, name, "2016-04", "Guardian Crash", phone,
		    &rc);
		if (number == NULL) {
			tw_say(fd, "E enrol %d\n", rc);
			_exit(3);
		}
		tw_say(fd, "S %s\n", number);

		tw_name(name, sizeof name, "New", base);
		{
			const struct field_input in[] = { { "name", name } };

			rc = store_change_request(s->st, number, in, 1,
			    "crash test", "", &id, &cause);
		}
		if (rc != XJ_OK) {
			tw_say(fd, "E request %d %s\n", rc, cause);
			_exit(4);
		}
		tw_say(fd, "R %lld %s\n", (long long)id, number);
		free(number);

		if (!policy_allows(s->op, PERM_CHANGE_APPROVE))
			continue;
		memset(&p, 0, sizeof p);
		p.me = me;
		if (store_requests(s->st, LIST_PENDING, collect_pending, &p,
		    NULL, &cause) != XJ_OK) {
			tw_say(fd, "E queue %s\n", cause);
			_exit(5);
		}
		for (j = 0; j < p.n; j++) {
			rc = store_request_approve(s->st, p.id[j], &cause);
			if (rc != XJ_OK) {
				tw_say(fd, "E approve %lld %d %s\n",
				    (long long)p.id[j], rc, cause);
				_exit(6);
			}
			tw_say(fd, "A %lld\n", (long long)p.id[j]);
		}
	}
}

static void
parse_acks(struct acks *a, char *buf)
{
	char		*line, *save = NULL, num[64];
	long long	 id;

	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "S %63s", num) == 1) {
			a->students = xreallocarray(a->students,
			    a->nstudents + 1, sizeof *a->students);
			a->students[a->nstudents++] = xstrdup(num);
		} else if (sscanf(line, "R %lld %63s", &id, num) == 2) {
			a->requests = xreallocarray(a->requests,
			    a->nrequests + 1, sizeof *a->requests);
			a->request_numbers = xreallocarray(a->request_numbers,
			    a->nrequests + 1, sizeof *a->request_numbers);
			a->requests[a->nrequests] = id;
			a->request_numbers[a->nrequests++] = xstrdup(num);
		} else if (sscanf(line, "A %lld", &id) == 1) {
			a->approvals = xreallocarray(a->approvals,
			    a->napprovals + 1, sizeof *a->approvals);
			a->approvals[a->napprovals++] = id;
		} else if (line[0] == 'E') {
			print_error("worker: %s\n", line);
			a->errors++;
		}
	}
}

/* Wait (at most 60 s) until the worker has said what (after ready). */
static int
wait_said(int fd, char **buf, size_t *len, const char *what)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 chunk[512];
	ssize_t		 n;

	while (*buf == NULL || strstr(*buf, what) == NULL) {
		if (poll(&pfd, 1, 60000) != 1)
			return -1;
		if ((n = read(fd, chunk, sizeof chunk)) <= 0)
			return -1;
		*buf = xreallocarray(*buf, *len + (size_t)n + 1, 1);
		memcpy(*buf + *len, chunk, (size_t)n);
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
	return 0;
}

static long
count(sqlite3 *db, const char *sql, const char *text, int64_t id)
{
	sqlite3_stmt	*stmt;
	long		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (text != NULL)
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
	if (id != 0)
		sqlite3_bind_int64(stmt, text != NULL ? 2 : 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Problems of consistency the whole database shows, acknowledged or not. */
static long
half_applied(sqlite3 *db)
{
	static const char *const checks[] = {
		/* An approved change whose new value is not in the record. */
		"SELECT count(*) FROM request r JOIN request_field rf ON "
		"rf.request = r.id LEFT JOIN field f ON f.student = r.student "
		"AND f.key = rf.key WHERE r.state = 'approved' AND "
		"(f.value IS NULL OR f.value <> rf.new)",
		/* … or without its history. */
		"SELECT count(*) FROM request r WHERE r.state = 'approved' AND "
		"NOT EXISTS (SELECT 1 FROM field_history h WHERE "
		"h.request = r.id)",
		/* … or without its decider. */
		"SELECT count(*) FROM request WHERE state = 'approved' AND "
		"(decided_by IS NULL OR decided_at IS NULL)",
		/* A pending change already in the record. */
		"SELECT count(*) FROM request r JOIN request_field rf ON "
		"rf.request = r.id LEFT JOIN field f ON f.student = r.student "
		"AND f.key = rf.key WHERE r.state = 'pending' AND "
		"(f.value IS NULL OR f.value <> rf.old)",
		"SELECT count(*) FROM request r WHERE r.state = 'pending' AND "
		"EXISTS (SELECT 1 FROM field_history h WHERE h.request = r.id)",
		/* A request without its fields. */
		"SELECT count(*) FROM request r WHERE r.kind = 'change' AND "
		"NOT EXISTS (SELECT 1 FROM request_field rf WHERE "
		"rf.request = r.id)",
		/* A student without every value the enrolment gave. */
		"SELECT count(*) FROM student s WHERE (SELECT count(*) FROM "
		"field f WHERE f.student = s.id) <> 4",
		"SELECT count(*) FROM student s WHERE NOT EXISTS (SELECT 1 "
		"FROM search t WHERE t.student = s.id)",
	};
	size_t	i;
	long	n, bad = 0;

	for (i = 0; i < nitems(checks); i++) {
		n = count(db, checks[i], NULL, 0);
		if (n != 0) {
			print_error("half-applied (%ld): %s\n", n, checks[i]);
			bad += n < 0 ? 1 : n;
		}
	}
	return bad;
}

static void
test_kill_nine(void **state)
{
	struct tl_branch	*b = tl_branch_new();
	struct session		*s;
	struct acks		 a;
	sqlite3			*db;
	sqlite3_stmt		*stmt;
	char			*buf, *cause = NULL;
	size_t			 len, i;
	long			 kills = 0, runs = 0, crashes = 0, lost = 0;
	long			 corrupt, target, ops, pace = 0;
	int64_t			 entries = 0, bad = 0;
	double			 t0;
	unsigned		 seed;
	pid_t			 pid;
	int			 p[2], status;

	(void)state;
	memset(&a, 0, sizeof a);
	target = tw_env("RELIABILITY_KILLS", 100);
	seed = (unsigned)tw_env("RELIABILITY_SEED", (long)time(NULL));
	printf("seed %u (RELIABILITY_SEED to repeat), %ld kills\n", seed,
	    target);
	srand(seed);

	while (kills < target) {
		assert_int_equal(pipe(p), 0);
		if ((pid = fork()) == 0) {
			close(p[0]);
			worker(b->config, (unsigned long)runs, p[1]);
		}
		assert_true(pid > 0);
		close(p[1]);
		runs++;
		buf = NULL;
		len = 0;
		if (wait_said(p[0], &buf, &len, "ready\n") != 0)
			;
		else if (runs == 1) {
			/*
			 * The first run sets the pace: how long from its
			 * login to its first request filed (an enrolment and
			 * a request), on this machine under this load (ASan,
			 * a busy CI host).  Kills fall within three times
			 * that, 50 ms at least, so that some land after a
			 * supervisor's approvals.
			 */
			t0 = xj_monotonic();
			if (wait_said(p[0], &buf, &len, "\nR ") == 0)
				pace = (long)((xj_monotonic() - t0) * 3e6);
			if (pace < 50000)
				pace = 50000;
			printf("kills within %.3f s of the login\n",
			    pace / 1e6);
		} else
			usleep((useconds_t)(rand() % (pace + 1)));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			kills++;
		else
			crashes++;
		tw_slurp(p[0], &buf, &len);
		close(p[0]);
		parse_acks(&a, buf);
		free(buf);
		if (crashes > 0)
			break;	/* a worker that fails would fail forever */
	}

	/* Check as a supervisor: the record and the raw rows. */
	s = tl_login(b, "supervisor1");
	db = store_db(s->st);
	for (i = 0; i < a.nstudents; i++)
		if (count(db, "SELECT count(*) FROM student WHERE number = ?",
		    a.students[i], 0) != 1) {
			print_error("lost student %s\n", a.students[i]);
			lost++;
		}
	for (i = 0; i < a.nrequests; i++)
		if (count(db, "SELECT count(*) FROM request r JOIN student s "
		    "ON s.id = r.student WHERE s.number = ? AND r.id = ?",
		    a.request_numbers[i], a.requests[i]) != 1) {
			print_error("lost request %lld\n",
			    (long long)a.requests[i]);
			lost++;
		}
	for (i = 0; i < a.napprovals; i++)
		if (count(db, "SELECT count(*) FROM request WHERE id = ? AND "
		    "state = 'approved'", NULL, a.approvals[i]) != 1) {
			print_error("lost approval of %lld\n",
			    (long long)a.approvals[i]);
			lost++;
		}
	corrupt = half_applied(db);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") != 0) {
		print_error("integrity_check failed\n");
		corrupt++;
	}
	sqlite3_finalize(stmt);
	if (audit_verify(db, "SH01", &entries, &bad, NULL, NULL, &cause) !=
	    XJ_OK) {
		print_error("chain broken at %lld: %s\n", (long long)bad,
		    cause);
		free(cause);
		corrupt++;
	}
	ops = (long)(a.nstudents + a.nrequests + a.napprovals);
	printf("runs %ld, kills %ld, acknowledged %ld (students %zu, "
	    "requests %zu, approvals %zu), lost %ld, corrupt %ld, worker "
	    "errors %ld, audit entries %lld\n", runs, kills, ops, a.nstudents,
	    a.nrequests, a.napprovals, lost, corrupt, crashes + a.errors,
	    (long long)entries);
	tw_figures("crash", runs, ops, lost, corrupt, crashes + a.errors, 0);
	session_free(s);

	assert_int_equal(crashes + a.errors, 0);
	assert_int_equal(lost, 0);
	assert_int_equal(corrupt, 0);
	/* Enough happened for the figures to mean something. */
	assert_true(a.nstudents > 0 && a.napprovals > 0);
	tl_check_db(b);

	for (i = 0; i < a.nstudents; i++)
		free(a.students[i]);
	for (i = 0; i < a.nrequests; i++)
		free(a.request_numbers[i]);
	free(a.students);
	free(a.requests);
	free(a.request_numbers);
	free(a.approvals);
	tl_branch_free(b);
}

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A login in a child, which upgrades a SQLCipher 3 branch; its pid. */
static pid_t
login_child(const char *config)
{
	struct session	*s;
	char		*cause = NULL;
	pid_t		 pid;

	if ((pid = fork()) == 0) {
		s = tw_login(config, "reception1", &cause);
		_exit(s != NULL ? 0 : 1);
	}
	assert_true(pid > 0);
	return pid;
}

/* The first column of sql's first row; -1 on any error. */
static long
value_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt;
	long		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Whether path opens as this version writes it, whole. */
static int
opens_new(const char *path, const unsigned char key[DB_KEY_BYTES])
{
	sqlite3		*db;
	int64_t		 entries, bad;
	char		*cause = NULL;
	int		 ok = 0;

	if (store_db_open(path, &db, SQLITE_OPEN_READWRITE) ==
	    SQLITE_OK && store_key_db(db, key, STORE_FORMAT_4, NULL) == XJ_OK &&
	    value_of(db, "SELECT count(*) FROM meta") > 0 &&
	    store_check_pages(db, NULL) == XJ_OK &&
	    value_of(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
	    "integrity_check = 'ok'") == 1)
		ok = audit_verify(db, "SH01", &entries, &bad, NULL, NULL,
		    &cause) == XJ_OK;
	free(cause);
	sqlite3_close(db);
	return ok;
}

/*
 * Issue 18: the login that upgrades a branch written by SQLCipher 3 is
 * kill -9'd at a random moment, again and again.  After each kill the
 * branch's file is the old one (SQLCipher 3) or the new one (whole:
 * pages, structure, chain), never neither; the login after the last
 * kill finds every student.  UPGRADE_KILLS kills (20).
 */
static void
test_upgrade_kill_nine(void **state)
{
	struct tl_branch	*b = tl_branch_new();
	struct session		*s;
	unsigned char		 key[DB_KEY_BYTES];
	char			*path, *tmp, *numbers[3], name[64], phone[16];
	double			 t0, took, base;
	long			 kills, target, olds = 0, news = 0, neither = 0;
	size_t			 i;
	pid_t			 pid;
	int			 status;
	unsigned		 seed;

	(void)state;
	target = tw_env("UPGRADE_KILLS", 20);
	seed = (unsigned)tw_env("RELIABILITY_SEED", (long)time(NULL));
	srand(seed);
	s = tl_login(b, "reception1");
	for (i = 0; i < nitems(numbers); i++) {
		tw_name(name, sizeof name, "Upgrade ", i);
		tw_phone(phone, sizeof phone, i);
		numbers[i] = tl_enrol(s, name, "2017-06", "Guardian", phone,
		    NULL);
		assert_non_null(numbers[i]);
	}
	session_free(s);
	tl_branch_key(b, key);
	path = xj_path_join(b->data, STORE_DB_NAME);
	xasprintf(&tmp, "%s.upgrading", path);

	/* How long a login that upgrades takes: the window for the kills. */
	tl_branch_to_v3(b);
	t0 = seconds();
	pid = login_child(b->config);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	took = seconds() - t0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(opens_new(path, key));
	/* And one that does not: the kills fall between the two. */
	t0 = seconds();
	pid = login_child(b->config);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	base = (seconds() - t0) * 0.9;
	if (base > took)
		base = took / 2;
	printf("seed %u, a login takes %.3f s, one that upgrades %.3f s; "
	    "%ld kills\n", seed, base / 0.9, took, target);

	for (kills = 0; kills < target; kills++) {
		if (!store_legacy(path, key, NULL))
			tl_branch_to_v3(b);
		assert_true(store_legacy(path, key, NULL));
		pid = login_child(b->config);
		usleep((useconds_t)(base * 1e6) + (useconds_t)(rand() %
		    (int)((took - base) * 1e6 + 1)));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (store_legacy(path, key, NULL))
			olds++;
		else if (opens_new(path, key))
			news++;
		else {
			print_error("after kill %ld: neither the old file nor "
			    "a whole new one\n", kills);
			neither++;
		}
	}
	printf("upgrade kills %ld: old file %ld, new file %ld, neither %ld\n",
	    kills, olds, news, neither);
	tw_figures("upgrade-crash", kills, olds + news, 0, neither, 0, 0);
	assert_int_equal(neither, 0);

	/* The next login finishes the job, and nothing is missing. */
	s = tl_login(b, "supervisor1");
	for (i = 0; i < nitems(numbers); i++) {
		assert_int_equal(count(store_db(s->st), "SELECT count(*) FROM "
		    "student WHERE number = ?", numbers[i], 0), 1);
		free(numbers[i]);
	}
	session_free(s);
	assert_false(store_legacy(path, key, NULL));
	assert_int_not_equal(access(tmp, F_OK), 0);
	tl_check_db(b);
	free(tmp);
	free(path);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_nine),
		cmocka_unit_test(test_upgrade_kill_nine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
