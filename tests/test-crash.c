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
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/worker.h"

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
		    &cause) != XJ_OK) {
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

/* Wait (at most 60 s) until the worker has said it is logged in. */
static int
wait_ready(int fd, char **buf, size_t *len)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 chunk[512];
	ssize_t		 n;

	while (*buf == NULL || strstr(*buf, "ready\n") == NULL) {
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
	long			 corrupt, target, ops;
	int64_t			 entries = 0, bad = 0;
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
		if (wait_ready(p[0], &buf, &len) == 0)
			usleep((useconds_t)(rand() % 50001));
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_nine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
