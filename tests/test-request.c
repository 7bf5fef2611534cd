/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Change requests in the store, on real SQLCipher files: the four-eyes
 * rule for every role, stale requests, withdrawal, two processes
 * deciding at once, field history, the guardian's confirmation, and an
 * audit log that names no one.
 */
#include <sys/wait.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

struct fixture {
	struct tl_branch	*b;
	char			*number;	/* 王小红, enrolled by reception2 */
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	struct session	*s;

	f->b = tl_branch_new();
	s = tl_login(f->b, "reception2");
	f->number = tl_enrol(s, "王小红", "2016-04", "王建国", "13812340000",
	    NULL);
	assert_non_null(f->number);
	session_free(s);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	tl_check_db(f->b);
	tl_branch_free(f->b);
	free(f->number);
	free(f);
	return 0;
}

static int64_t
file_change(struct session *s, const char *number, const char *key,
    const char *value, int *rcp)
{
	const struct field_input in[] = { { key, value } };
	char	*cause = NULL;
	int64_t	 id = 0;
	int	 rc;

	rc = store_change_request(s->st, number, in, 1, "身份证核对后更正",
	    "户口本", &id, &cause);
	free(cause);
	if (rcp != NULL)
		*rcp = rc;
	return id;
}

static char *
field_of(struct session *s, const char *number, const char *key)
{
	char	*sql, *v;

	xasprintf(&sql, "SELECT f.value FROM field f JOIN student s ON "
	    "s.id = f.student WHERE s.number = '%s' AND f.key = '%s'", number,
	    key);
	v = tl_query(s, sql);
	free(sql);
	return v;
}

static void
test_four_eyes_every_role(void **state)
{
	static const char *const ids[] = {
		"reception1", "reception2", "supervisor1", "supervisor2",
		"auditor1",
	};
	struct fixture	*f = *state;
	struct session	*s, *other;
	char		*cause = NULL, *a, name[32];
	int64_t		 id;
	size_t		 i;
	int		 rc;

	for (i = 0; i < nitems(ids); i++) {
		s = tl_login(f->b, ids[i]);
		snprintf(name, sizeof name, "王小红%s", i % 2 ? "甲" : "乙");
		id = file_change(s, f->number, "name", name, &rc);
		if (!policy_allows(s->op, PERM_CHANGE_REQUEST)) {
			assert_int_equal(rc, XJ_EPERM);
			session_free(s);
			continue;
		}
		assert_int_equal(rc, XJ_OK);
		/* Nobody decides their own, whatever their role. */
		assert_int_equal(store_request_approve(s->st, id, &cause),
		    XJ_EPERM);
		free(cause);
		a = tl_query(s, "SELECT detail FROM audit ORDER BY seq DESC "
		    "LIMIT 1");
		/* Refused as the maker, or before that for lacking the role. */
		assert_non_null(strstr(a, policy_allows(s->op,
		    PERM_CHANGE_APPROVE) ? "rule=four-eyes" :
		    "perm=change.approve"));
		free(a);
		assert_int_equal(store_request_reject(s->st, id, "no", &cause),
		    XJ_EPERM);
		free(cause);
		a = tl_query(s, "SELECT state FROM request ORDER BY id DESC "
		    "LIMIT 1");
		assert_string_equal(a, "pending");
		free(a);
		/* Someone else with change.approve can. */
		other = tl_login(f->b, strcmp(ids[i], "supervisor1") == 0 ?
		    "supervisor2" : "supervisor1");
		assert_int_equal(store_request_reject(other->st, id,
		    "测试", &cause), XJ_OK);
		session_free(other);
		session_free(s);
	}
	/* Receptionists decide nobody's. */
	s = tl_login(f->b, "supervisor1");
	id = file_change(s, f->number, "guardian_name", "王国庆", &rc);
	assert_int_equal(rc, XJ_OK);
	session_free(s);
	s = tl_login(f->b, "reception1");
	assert_int_equal(store_request_approve(s->st, id, &cause), XJ_EPERM);
	free(cause);
	session_free(s);
}

static void
test_schema_holds_four_eyes(void **state)
{
	struct fixture	*f = *state;
	struct session	*s = tl_login(f->b, "reception1");
	int64_t		 id;
	int		 rc;

	id = file_change(s, f->number, "name", "王晓红", &rc);
	assert_int_equal(rc, XJ_OK);
	/* Even a direct write with the key cannot make the maker the checker. */
	assert_int_not_equal(sqlite3_exec(store_db(s->st), "UPDATE request SET "
	    "state = 'approved', decided_by = requested_by", NULL, NULL, NULL),
	    SQLITE_OK);
	(void)id;
	session_free(s);
}

static void
test_approve_applies_with_history(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	struct student	**v;
	struct history	*h;
	struct request	*rq;
	char		*cause = NULL, *val;
	size_t		 n, i, names = 0;
	int64_t		 id1, id2;
	int		 rc;

	id1 = file_change(r, f->number, "name", "王晓红", &rc);
	assert_int_equal(rc, XJ_OK);
	/* The request holds only what changes, old and new. */
	assert_int_equal(store_request_get(sv->st, id1, &rq, &cause), XJ_OK);
	assert_int_equal(rq->nchanges, 1);
	assert_string_equal(rq->changes[0].key, "name");
	assert_string_equal(rq->changes[0].old, "王小红");
	assert_string_equal(rq->changes[0].new, "王晓红");
	assert_string_equal(rq->name, "王小红");
	assert_string_equal(rq->evidence, "户口本");
	request_free(rq);
	/* Pending shows on the record. */
	assert_int_equal(store_student_find(r->st, "王", 5, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->pending, 1);
	students_free(v, n);

	assert_int_equal(store_request_approve(sv->st, id1, &cause), XJ_OK);
	val = field_of(sv, f->number, "name");
	assert_string_equal(val, "王晓红");
	free(val);
	/* Found by the new name and its pinyin, no longer by the old. */
	assert_int_equal(store_student_find(r->st, "王晓", 5, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->pending, 0);
	students_free(v, n);
	assert_int_equal(store_student_find(r->st, "王小", 5, NULL, &v, &n,
	    &cause), XJ_OK);
	assert_int_equal(n, 0);
	students_free(v, n);

	id2 = file_change(r, f->number, "name", "王筱红", &rc);
	assert_int_equal(store_request_approve(sv->st, id2, &cause), XJ_OK);
	assert_int_equal(store_history(r->st, f->number, &h, &n, &cause),
	    XJ_OK);
	for (i = 0; i < n; i++) {
		if (strcmp(h[i].key, "name") != 0)
			continue;
		switch (names++) {
		case 0:
			assert_string_equal(h[i].value, "王小红");
			assert_int_equal(h[i].request, 0);
			break;
		case 1:
			assert_string_equal(h[i].value, "王晓红");
			assert_int_equal(h[i].request, id1);
			assert_string_equal(h[i].reason, "身份证核对后更正");
			assert_string_equal(h[i].requested_by, "reception1");
			assert_string_equal(h[i].approved_by, "supervisor1");
			break;
		default:
			assert_string_equal(h[i].value, "王筱红");
			assert_int_equal(h[i].request, id2);
		}
	}
	assert_int_equal(names, 3);
	/* The phone's history is masked for a receptionist. */
	for (i = 0; i < n; i++) {
		if (strcmp(h[i].key, "guardian_phone") == 0)
			assert_string_equal(h[i].value, "138****0000");
	}
	history_free(h, n);
	session_free(sv);
	session_free(r);
}

static void
test_stale_changes_nothing(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	char		*cause = NULL, *val, *before, *after;
	int64_t		 first, second;
	int		 rc;

	first = file_change(r, f->number, "guardian_phone", "13900001111", &rc);
	second = file_change(r, f->number, "guardian_phone", "13900002222",
	    &rc);
	assert_int_equal(store_request_approve(sv->st, second, &cause), XJ_OK);
	before = tl_query(sv, "SELECT count(*) || ':' || max(seq) FROM audit");
	assert_int_equal(store_request_approve(sv->st, first, &cause),
	    XJ_EDATA);
	assert_non_null(strstr(cause, "stale"));
	assert_null(strstr(cause, "139"));
	free(cause);
	after = tl_query(sv, "SELECT count(*) || ':' || max(seq) FROM audit");
	assert_string_equal(before, after);
	free(before);
	free(after);
	val = field_of(sv, f->number, "guardian_phone");
	assert_string_equal(val, "13900002222");
	free(val);
	val = tl_query(sv, "SELECT state FROM request WHERE id = (SELECT min(id) "
	    "FROM request)");
	assert_string_equal(val, "pending");
	free(val);
	/* It can still be rejected, with a note. */
	assert_int_equal(store_request_reject(sv->st, first, "", &cause),
	    XJ_EDATA);
	free(cause);
	assert_int_equal(store_request_reject(sv->st, first, "已过时",
	    &cause), XJ_OK);
	session_free(sv);
	session_free(r);
}

/*
 * Issue 21: whoever is not the requester is refused a decision's
 * acknowledgement as they are its withdrawal, and the refusal is logged
 * the same way.  The rule was written twice and only the withdrawal's
 * copy logged its refusals.
 */
static void
test_requester_only_logged(void **state)
{
	static const char *const what[] = {
		"request.acknowledge", "request.withdraw",
	};
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*r2 = tl_login(f->b, "reception2");
	struct session	*sv = tl_login(f->b, "supervisor1");
	char		*cause = NULL, *sql, *a;
	int64_t		 decided, pending;
	size_t		 i;
	int		 rc;

	decided = file_change(r, f->number, "name", "王晓红", &rc);
	assert_int_equal(rc, XJ_OK);
	assert_int_equal(store_request_reject(sv->st, decided, "户口本不清楚",
	    &cause), XJ_OK);
	pending = file_change(r, f->number, "name", "王小虹", &rc);
	assert_int_equal(rc, XJ_OK);
	assert_int_equal(store_request_acknowledge(r2->st, decided, &cause),
	    XJ_EPERM);
	assert_non_null(strstr(cause, "reception1"));
	free(cause);
	assert_int_equal(store_request_withdraw(r2->st, pending, &cause),
	    XJ_EPERM);
	free(cause);
	for (i = 0; i < nitems(what); i++) {
		xasprintf(&sql, "SELECT count(*) FROM audit WHERE action = "
		    "'access.denied' AND operator = 'reception2' AND detail "
		    "= 'rule=requester-only what=%s request=%" PRId64 "'",
		    what[i], i == 0 ? decided : pending);
		a = tl_query(r, sql);
		assert_string_equal(a, "1");
		free(a);
		free(sql);
	}
	/* Refused, nothing moved: the requester still has both. */
	a = tl_query(r, "SELECT count(*) FROM request WHERE seen_at IS NULL");
	assert_string_equal(a, "2");
	free(a);
	session_free(sv);
	session_free(r2);
	session_free(r);
}

static void
test_withdraw_and_refusals(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*r2 = tl_login(f->b, "reception2");
	struct session	*sv = tl_login(f->b, "supervisor1");
	char		*cause = NULL;
	int64_t		 id;
	int		 rc;

	/* Nothing differs, a bad value, an unknown field, no reason. */
	file_change(r, f->number, "name", "王小红", &rc);
	assert_int_equal(rc, XJ_EDATA);
	file_change(r, f->number, "guardian_phone", "12345", &rc);
	assert_int_equal(rc, XJ_EDATA);
	file_change(r, f->number, "id_card", "1", &rc);
	assert_int_equal(rc, XJ_EDATA);
	file_change(r, "SH01-2026-99999", "name", "李四", &rc);
	assert_int_equal(rc, XJ_ENOINPUT);
	{
		const struct field_input in[] = { { "name", "王晓红" } };

		assert_int_equal(store_change_request(r->st, f->number, in, 1,
		    "", NULL, &id, &cause), XJ_EDATA);
		free(cause);
	}
	id = file_change(r, f->number, "name", "王晓红", &rc);
	assert_int_equal(store_request_withdraw(r2->st, id, &cause), XJ_EPERM);
	free(cause);
	assert_int_equal(store_request_withdraw(r->st, id, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_EBUSY);
	assert_non_null(strstr(cause, "withdrawn"));
	free(cause);
	assert_int_equal(store_request_withdraw(r->st, id, &cause), XJ_EBUSY);
	free(cause);
	assert_int_equal(store_request_approve(sv->st, 9999, &cause),
	    XJ_ENOINPUT);
	free(cause);
	session_free(sv);
	session_free(r2);
	session_free(r);
}

static int
count_req(const struct request *rq, void *arg)
{
	(void)rq;
	(*(int *)arg)++;
	return 0;
}

static void
test_confirm_and_lists(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	char		*cause = NULL;
	int64_t		 id, other;
	int		 rc, n;

	id = file_change(r, f->number, "guardian_name", "王国庆", &rc);
	other = file_change(r, f->number, "name", "王晓红", &rc);
	n = 0;
	assert_int_equal(store_requests(sv->st, LIST_PENDING, count_req, &n,
	    NULL, &cause), XJ_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_requests(r->st, LIST_MINE, count_req, &n,
	    NULL, &cause), XJ_OK);
	assert_int_equal(n, 2);
	/* The queue is for those who decide. */
	assert_int_equal(store_requests(r->st, LIST_PENDING, count_req, &n,
	    NULL, &cause), XJ_EPERM);
	free(cause);

	assert_int_equal(store_change_confirm(r->st, id, "phone", &cause),
	    XJ_EDATA);	/* not applied yet */
	free(cause);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	n = 0;
	assert_int_equal(store_requests(r->st, LIST_UNCONFIRMED, count_req, &n,
	    NULL, &cause), XJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_change_confirm(r->st, id, "fax", &cause),
	    XJ_EDATA);
	free(cause);
	assert_int_equal(store_change_confirm(r->st, id, "phone", &cause),
	    XJ_OK);
	assert_int_equal(store_change_confirm(r->st, id, "message", &cause),
	    XJ_EBUSY);
	free(cause);
	n = 0;
	assert_int_equal(store_requests(r->st, LIST_UNCONFIRMED, count_req, &n,
	    NULL, &cause), XJ_OK);
	assert_int_equal(n, 0);
	(void)other;
	session_free(sv);
	session_free(r);
}

/* The numbers of a request list, in its order (up to eight). */
struct listed {
	char	*number[8];
	size_t	 n;
};

static int
list_numbers(const struct request *rq, void *arg)
{
	struct listed	*l = arg;

	assert_true(l->n < nitems(l->number));
	l->number[l->n++] = xstrdup(rq->number);
	return 0;
}

static void
listed_free(struct listed *l)
{
	while (l->n > 0)
		free(l->number[--l->n]);
}

static long
long_of(struct session *s, const char *sql)
{
	char	*v = tl_query(s, sql);
	long	 n = strtol(v, NULL, 10);

	free(v);
	return n;
}

/* Draw rows first and first + 1 of l: how many entries that wrote. */
static long
draw_two(struct session *sv, struct store_shown *shown,
    const struct listed *l, size_t first)
{
	const char	*page[2] = { l->number[first], l->number[first + 1] };
	char		*cause = NULL;
	long		 entries = long_of(sv, "SELECT count(*) FROM audit");

	assert_int_equal(store_list_shown(sv->st, shown, page, 2, &cause),
	    XJ_OK);
	return long_of(sv, "SELECT count(*) FROM audit") - entries;
}

/*
 * Issues 17 and 21: the approval queue logs whom it puts on the
 * terminal.  Reading the list writes nothing; the rows drawn are logged
 * once (store_list_shown), and the log's student filter finds the
 * queue for a student on the page seen, not for one never scrolled to.
 * A redraw, the list read again (another terminal committed) and
 * scrolling back write nothing; the command line logs the whole list.
 */
static void
test_queue_page_seen(void **state)
{
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct session		*au = tl_login(f->b, "auditor1");
	struct store_shown	*shown = store_shown_new();
	struct listed		 l = { { NULL }, 0 };
	char			*n[3], *cause = NULL, *v;
	long			 entries;
	int64_t			 version;
	int			 rc, i;

	n[0] = tl_enrol(r, "甲一", "2017-01", "甲父", "13800001111", NULL);
	n[1] = tl_enrol(r, "乙二", "2017-02", "乙父", "13800002222", NULL);
	n[2] = tl_enrol(r, "丙三", "2017-03", "丙父", "13800003333", NULL);
	for (i = 0; i < 3; i++)
		file_change(r, n[i], "guardian_name", "王国庆", &rc);

	/* Read for a screen: nothing written, nobody woken. */
	entries = long_of(sv, "SELECT count(*) FROM audit");
	version = store_data_version(r->st);
	assert_int_equal(store_requests(sv->st, LIST_PENDING, list_numbers,
	    &l, shown, &cause), XJ_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.number[0], n[0]);
	assert_int_equal(long_of(sv, "SELECT count(*) FROM audit"), entries);
	assert_int_equal(store_data_version(r->st), version);

	/* A page of two drawn: one entry, naming those two. */
	assert_int_equal(draw_two(sv, shown, &l, 0), 1);
	v = tl_query(sv, "SELECT action || ' ' || detail FROM audit ORDER BY "
	    "seq DESC LIMIT 1");
	assert_string_equal(v, "request.list list=pending results=3");
	free(v);
	assert_int_equal(tl_student_entries(au, n[0], "request.list"), 1);
	assert_int_equal(tl_student_entries(au, n[1], "request.list"), 1);
	/* Never scrolled to: */
	assert_int_equal(tl_student_entries(au, n[2], "request.list"), 0);

	/* Redrawn, read again and redrawn: nothing written. */
	version = store_data_version(r->st);
	assert_int_equal(draw_two(sv, shown, &l, 0), 0);
	listed_free(&l);
	assert_int_equal(store_requests(sv->st, LIST_PENDING, list_numbers,
	    &l, shown, &cause), XJ_OK);
	assert_int_equal(draw_two(sv, shown, &l, 0), 0);
	assert_int_equal(store_data_version(r->st), version);

	/* Scrolled down a row: the new one alone; back up: nothing. */
	assert_int_equal(draw_two(sv, shown, &l, 1), 1);
	v = tl_query(sv, "SELECT group_concat(number) FROM audit_seen WHERE "
	    "seq = (SELECT max(seq) FROM audit)");
	assert_string_equal(v, n[2]);
	free(v);
	assert_int_equal(draw_two(sv, shown, &l, 0), 0);
	assert_int_equal(tl_student_entries(au, n[2], "request.list"), 1);

	/* The command line prints the list whole, and logs it whole. */
	listed_free(&l);
	assert_int_equal(store_requests(sv->st, LIST_PENDING, list_numbers,
	    &l, NULL, &cause), XJ_OK);
	assert_int_equal(long_of(sv, "SELECT count(*) FROM audit_seen WHERE "
	    "seq = (SELECT max(seq) FROM audit)"), 3);
	assert_int_equal(tl_student_entries(au, n[2], "request.list"), 2);

	listed_free(&l);
	store_shown_free(shown);
	for (i = 0; i < 3; i++)
		free(n[i]);
	session_free(au);
	session_free(sv);
	session_free(r);
}

/*
 * Two processes decide the same request at the same moment: exactly one
 * wins and the other is told who did.
 */
static void
test_two_deciders(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	const char	*who[2] = { "supervisor1", "supervisor2" };
	int		 go[2], ready[2], rcs[2], status, i, ok = 0, busy = 0;
	char		 c;
	pid_t		 pid[2];
	int64_t		 id;
	char		*val;

	id = file_change(r, f->number, "name", "王晓红", &i);
	session_free(r);
	if (pipe(go) != 0 || pipe(ready) != 0)
		fail_msg("pipe");
	for (i = 0; i < 2; i++) {
		if ((pid[i] = fork()) == 0) {
			struct session	*s = tl_login(f->b, who[i]);
			char		*cause = NULL;
			int		 rc;

			close(go[1]);
			close(ready[0]);
			/* Logged in: say so, then wait for the starting gun. */
			if (write(ready[1], "r", 1) != 1 ||
			    read(go[0], &c, 1) != 0)
				_exit(100);
			rc = store_request_approve(s->st, id, &cause);
			if (rc == XJ_EBUSY && strstr(cause, "approved") == NULL)
				rc = 101;	/* the message must say how */
			_exit(rc);
		}
	}
	close(go[0]);
	close(ready[1]);
	for (i = 0; i < 2; i++)
		assert_int_equal(read(ready[0], &c, 1), 1);
	close(go[1]);		/* both read EOF at once */
	close(ready[0]);
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		rcs[i] = WEXITSTATUS(status);
		ok += rcs[i] == XJ_OK;
		busy += rcs[i] == XJ_EBUSY;
	}
	if (ok != 1 || busy != 1)
		fail_msg("exit codes %d and %d: want one 0 and one 75", rcs[0],
		    rcs[1]);
	r = tl_login(f->b, "auditor1");
	val = tl_query(r, "SELECT count(*) FROM audit WHERE action = "
	    "'change.approve'");
	assert_string_equal(val, "1");
	free(val);
	session_free(r);
}

static void
test_audit_names_no_one(void **state)
{
	static const char *const secrets[] = {
		"王", "红", "1381234", "1390000", "身份证", "户口本", "测试",
	};
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	sqlite3_stmt	*stmt;
	char		*cause = NULL, *row;
	int64_t		 a, b;
	size_t		 i;
	int		 rc;
	struct request	*rq;

	a = file_change(r, f->number, "name", "王晓红", &rc);
	b = file_change(r, f->number, "guardian_phone", "13900001111", &rc);
	assert_int_equal(store_request_get(sv->st, a, &rq, &cause), XJ_OK);
	request_free(rq);
	assert_int_equal(store_request_approve(sv->st, a, &cause), XJ_OK);
	assert_int_equal(store_request_reject(sv->st, b, "测试", &cause),
	    XJ_OK);
	assert_int_equal(store_request_approve(r->st, b, &cause), XJ_EPERM);
	free(cause);
	assert_int_equal(sqlite3_prepare_v2(store_db(sv->st), "SELECT "
	    "operator || ' ' || action || ' ' || target || ' ' || fields || "
	    "' ' || detail FROM audit", -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		row = (char *)(uintptr_t)sqlite3_column_text(stmt, 0);
		for (i = 0; i < nitems(secrets); i++) {
			if (strstr(row, secrets[i]) != NULL)
				fail_msg("audit entry names \"%s\": %s",
				    secrets[i], row);
		}
	}
	sqlite3_finalize(stmt);
	session_free(sv);
	session_free(r);
}

static void
test_data_version_moves(void **state)
{
	struct fixture	*f = *state;
	struct session	*watch = tl_login(f->b, "supervisor1");
	struct session	*r = tl_login(f->b, "reception1");
	int64_t		 v0, v1;
	int		 rc;

	v0 = store_data_version(watch->st);
	assert_int_equal(store_data_version(watch->st), v0);
	file_change(r, f->number, "name", "王晓红", &rc);
	v1 = store_data_version(watch->st);
	assert_true(v1 != v0);
	session_free(r);
	session_free(watch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_four_eyes_every_role,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_holds_four_eyes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_approve_applies_with_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_changes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_requester_only_logged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdraw_and_refusals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_and_lists, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_page_seen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_two_deciders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_names_no_one, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_data_version_moves, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
