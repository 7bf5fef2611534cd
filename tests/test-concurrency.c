/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Concurrency (issue 8): four processes at once — two receptionists
 * enrolling, a receptionist filing change requests, a supervisor
 * approving whatever is pending — each for a fixed number of operations
 * (RELIABILITY_OPS, 200; 5000 in `make reliability`).  None is lost, no
 * "database is locked" (XJ_EBUSY) reaches an operator, the counts add up
 * and the chain verifies.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/report.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/worker.h"

enum job_kind { ENROL, REQUEST, APPROVE };

struct job {
	const char	*id;
	enum job_kind	 role;
	pid_t		 pid;
	int		 fd;		/* read end of its report */
	char		*report;
	size_t		 len;
};

struct queue {
	int64_t		 id[16];
	size_t		 n;
};

static int
collect(const struct request *r, void *arg)
{
	struct queue	*q = arg;

	if (q->n < nitems(q->id))
		q->id[q->n++] = r->id;
	return 0;
}

/*
 * One process's share.  Reports "ok N" (operations that returned XJ_OK),
 * "busy WHAT: CAUSE" for every XJ_EBUSY an operator would have seen and
 * "error …" for anything else.
 */
static void __attribute__((noreturn))
work(const char *config, const struct job *j, int nops, char **numbers,
    int fd)
{
	struct session	*s;
	struct queue	 q;
	char		*cause = NULL, *number, name[64], phone[16];
	unsigned long	 base;
	time_t		 deadline = time(NULL) + 120;
	int64_t		 id;
	int		 i, done = 0, rc;
	size_t		 k;

	if ((s = tw_login(config, j->id, &cause)) == NULL) {
		tw_say(fd, "error login %s: %s\n", j->id, cause);
		_exit(2);
	}
	for (i = 0; done < nops && time(NULL) < deadline; i++) {
		switch (j->role) {
		case ENROL:
			base = (j->id[9] == '1' ? 1000000UL : 2000000UL) +
			    (unsigned long)i;
			tw_name(name, sizeof name, "Busy", base);
			tw_phone(phone, sizeof phone, base);
			number = tl_enrol(s, name, "2017-09", "Guardian Busy",
			    phone, &rc);
			free(number);
			break;
		case REQUEST:
			tw_name(name, sizeof name, "Renamed", (unsigned long)i);
			{
				const struct field_input in[] = {
					{ "name", name },
				};

				rc = store_change_request(s->st, numbers[i],
				    in, 1, "concurrency test", "", &id,
				    &cause);
			}
			break;
		case APPROVE:
			memset(&q, 0, sizeof q);
			rc = store_requests(s->st, LIST_PENDING, collect, &q,
			    NULL, &cause);
			if (rc == XJ_OK && q.n == 0) {
				usleep(2000);
				continue;
			}
			for (k = 0; k < q.n && done < nops; k++) {
				rc = store_request_approve(s->st, q.id[k],
				    &cause);
				if (rc != XJ_OK)
					break;
				done++;
			}
			if (rc == XJ_OK)
				continue;
			break;
		}
		if (rc == XJ_OK)
			done++;
		else if (rc == XJ_EBUSY)
			tw_say(fd, "busy %s op %d: %s\n", j->id, i, cause);
		else
			tw_say(fd, "error %s op %d: %d %s\n", j->id, i, rc,
			    cause != NULL ? cause : "");
		free(cause);
		cause = NULL;
	}
	tw_say(fd, "ok %d\n", done);
	session_free(s);
	_exit(0);
}

static void
test_four_at_once(void **state)
{
	struct job	 jobs[] = {
		{ "reception1", ENROL, 0, -1, NULL, 0 },
		{ "reception2", ENROL, 0, -1, NULL, 0 },
		{ "reception1", REQUEST, 0, -1, NULL, 0 },
		{ "supervisor1", APPROVE, 0, -1, NULL, 0 },
	};
	struct tl_branch *b = tl_branch_new();
	struct session	*s;
	char		**numbers, *v, name[64], phone[16], *line, *save;
	long		 busy = 0, errors = 0, crashes = 0, ops = 0, lost = 0;
	long		 done[nitems(jobs)];
	int		 nops, i, p[2], status;
	size_t		 j;

	(void)state;
	nops = (int)tw_env("RELIABILITY_OPS", 200);

	/* The students the requests are about, enrolled beforehand. */
	s = tl_login(b, "supervisor2");
	numbers = xcalloc((size_t)nops, sizeof *numbers);
	for (i = 0; i < nops; i++) {
		tw_name(name, sizeof name, "Before", (unsigned long)i);
		tw_phone(phone, sizeof phone, 5000000UL + (unsigned long)i);
		numbers[i] = tl_enrol(s, name, "2015-02", "Guardian Before",
		    phone, NULL);
		assert_non_null(numbers[i]);
	}
	session_free(s);

	for (j = 0; j < nitems(jobs); j++) {
		assert_int_equal(pipe(p), 0);
		if ((jobs[j].pid = fork()) == 0) {
			close(p[0]);
			alarm(300);	/* a hang fails, never stalls */
			work(b->config, &jobs[j], nops, numbers, p[1]);
		}
		assert_true(jobs[j].pid > 0);
		close(p[1]);
		jobs[j].fd = p[0];
	}
	for (j = 0; j < nitems(jobs); j++) {
		tw_slurp(jobs[j].fd, &jobs[j].report, &jobs[j].len);
		close(jobs[j].fd);
		assert_int_equal(waitpid(jobs[j].pid, &status, 0),
		    jobs[j].pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			print_error("%s (%d) ended with status %#x\n",
			    jobs[j].id, jobs[j].role, status);
			crashes++;
		}
		done[j] = 0;
		save = NULL;
		for (line = strtok_r(jobs[j].report, "\n", &save);
		    line != NULL; line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "ok %ld", &done[j]) == 1)
				continue;
			print_error("%s\n", line);
			if (strncmp(line, "busy", 4) == 0)
				busy++;
			else
				errors++;
		}
		ops += done[j];
		free(jobs[j].report);
	}

	/* Counts add up: the raw rows, as a supervisor sees them. */
	s = tl_login(b, "supervisor1");
	v = tl_query(s, "SELECT count(*) FROM student");
	lost += (long)nops * 3 - atol(v);
	free(v);
	v = tl_query(s, "SELECT count(*) FROM request WHERE state = "
	    "'approved'");
	lost += (long)nops - atol(v);
	free(v);
	v = tl_query(s, "SELECT count(*) FROM request r JOIN request_field "
	    "rf ON rf.request = r.id JOIN field f ON f.student = r.student "
	    "AND f.key = rf.key WHERE f.value = rf.new");
	lost += (long)nops - atol(v);
	free(v);
	session_free(s);

	printf("processes 4, operations %ld (enrol %ld + %ld, request %ld, "
	    "approve %ld), busy reaching an operator %ld, other errors %ld, "
	    "lost %ld\n", ops, done[0], done[1], done[2], done[3], busy,
	    errors, lost);
	tw_figures("concurrency", 4, ops, lost, 0, crashes, 0);

	assert_int_equal(crashes, 0);
	assert_int_equal(busy, 0);
	assert_int_equal(errors, 0);
	for (j = 0; j < nitems(jobs); j++)
		assert_int_equal(done[j], nops);
	assert_int_equal(lost, 0);
	tl_check_db(b);

	for (i = 0; i < nops; i++)
		free(numbers[i]);
	free(numbers);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_four_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
