/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 17: every action of the store, on a record in every state, with
 * a request in every state, by every role, against a real branch.  The
 * outcomes expected are written out here, apart from the store's table
 * (src/store/lifecycle.c), so that the two must agree.  A refusal must
 * change nothing.  Then what the destruction closes, and what the
 * requester sees of a decision.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/guardian.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "lib/testlib.h"
#include "lib/branch.h"

enum rec { A, C, W, F, D };			/* record states */
enum req { PEND, APPR, REJ, WDR, CLOSED };	/* request states */
enum act {
	FILE_CHANGE, FILE_STATUS, SET_STATUS, REVIEW, FILE_DESTROY,
	GUARDIAN_ADD, ACCESS_FILE, APPROVE, REJECT, WITHDRAW, CONFIRM,
	ACKNOWLEDGE, NACTS
};
static const char *const act_names[] = {
	"file-change", "file-status", "set-status", "review", "file-destroy",
	"guardian-add", "guardian-access", "approve", "reject", "withdraw",
	"confirm", "acknowledge",
};
static const char *const rec_names[] = { "active", "completed",
	"withdrawn", "frozen", "destroyed" };
static const char *const req_names[] = { "pending", "approved",
	"rejected", "withdrawn", "closed" };

/* Every request of a scenario is filed by supervisor2. */
enum who { RECEPTION1, SUPERVISOR1, SUPERVISOR2, AUDITOR1, NWHO };
static const char *const who_ids[] = { "reception1", "supervisor1",
	"supervisor2", "auditor1" };
#define REQUESTER	SUPERVISOR2

struct scenario {
	enum rec		rec;
	enum request_kind	kind;
	enum req		req;
};

struct world {
	struct tl_branch	*b;
	struct session		*s[NWHO];
	int			 serial;
};

/*
 * What each role may do, from config/roles.yaml, as a person reads it:
 * a receptionist files and confirms, a supervisor also decides, sets
 * status and reviews, an auditor does none of it.
 */
static int
role_may(enum who w, enum act a)
{
	switch (a) {
	case FILE_CHANGE: case FILE_STATUS: case FILE_DESTROY:
	case GUARDIAN_ADD: case CONFIRM:
		return w != AUDITOR1;
	case ACCESS_FILE:
		/* student.phone and student.sensitive: full data. */
		return w == SUPERVISOR1 || w == SUPERVISOR2;
	case SET_STATUS: case REVIEW: case APPROVE: case REJECT:
		return w == SUPERVISOR1 || w == SUPERVISOR2;
	case WITHDRAW: case ACKNOWLEDGE:
		return w != AUDITOR1;
	default:
		return 0;
	}
}

/* The expected exit code, written out case by case. */
static int
expect(enum act a, enum who w, const struct scenario *sc)
{
	int	live = sc->rec == A || sc->rec == C || sc->rec == W;

	if (!role_may(w, a))
		return XJ_EPERM;
	switch (a) {
	case FILE_CHANGE: case FILE_STATUS: case SET_STATUS: case REVIEW:
	case FILE_DESTROY: case ACCESS_FILE:
		return live ? XJ_OK : sc->rec == F ? XJ_EDATA : XJ_ENOINPUT;
	case GUARDIAN_ADD:
		/* What a guardian asked is registered even while frozen. */
		return sc->rec == D ? XJ_ENOINPUT : XJ_OK;
	case APPROVE: case REJECT:
		if (sc->req != PEND)
			return XJ_EBUSY;
		/* While frozen only the destruction is decided. */
		if (sc->rec == F && sc->kind != REQ_DESTROY)
			return XJ_EDATA;
		if (w == REQUESTER)
			return XJ_EPERM;
		/*
		 * A status request is filed from active (build); approved
		 * once the record is another status, it is stale.
		 */
		if (a == APPROVE && sc->kind == REQ_STATUS &&
		    (sc->rec == C || sc->rec == W))
			return XJ_EDATA;
		return XJ_OK;
	case WITHDRAW:
		if (w != REQUESTER)
			return XJ_EPERM;
		if (sc->req != PEND)
			return XJ_EBUSY;
		if (sc->rec == F && sc->kind != REQ_DESTROY)
			return XJ_EDATA;
		return XJ_OK;
	case CONFIRM:
		if (sc->kind != REQ_CHANGE || sc->req != APPR)
			return XJ_EDATA;
		return live ? XJ_OK : sc->rec == F ? XJ_EDATA : XJ_ENOINPUT;
	case ACKNOWLEDGE:
		if (w != REQUESTER)
			return XJ_EPERM;
		return sc->req == APPR || sc->req == REJ || sc->req == CLOSED ?
		    XJ_OK : XJ_EBUSY;
	default:
		return -1;
	}
}

/* The scenarios a branch can reach, by record state. */
static const struct scenario scenarios[] = {
#define LIVE(r) \
	{ r, REQ_CHANGE, PEND }, { r, REQ_CHANGE, APPR }, \
	{ r, REQ_CHANGE, REJ }, { r, REQ_CHANGE, WDR }, \
	{ r, REQ_STATUS, PEND }, { r, REQ_STATUS, APPR }, \
	{ r, REQ_STATUS, REJ }, { r, REQ_STATUS, WDR }, \
	{ r, REQ_DESTROY, REJ }, { r, REQ_DESTROY, WDR }
	LIVE(A), LIVE(C), LIVE(W),
	/* Filed before the destruction request that froze the record. */
	{ F, REQ_CHANGE, PEND }, { F, REQ_CHANGE, APPR },
	{ F, REQ_CHANGE, REJ }, { F, REQ_CHANGE, WDR },
	{ F, REQ_STATUS, PEND }, { F, REQ_STATUS, APPR },
	{ F, REQ_STATUS, REJ }, { F, REQ_STATUS, WDR },
	{ F, REQ_DESTROY, PEND }, { F, REQ_DESTROY, REJ },
	{ F, REQ_DESTROY, WDR },
	/* Pending and unconfirmed ones are closed by the destruction. */
	{ D, REQ_CHANGE, CLOSED }, { D, REQ_CHANGE, APPR },
	{ D, REQ_CHANGE, REJ }, { D, REQ_CHANGE, WDR },
	{ D, REQ_STATUS, CLOSED }, { D, REQ_STATUS, APPR },
	{ D, REQ_STATUS, REJ }, { D, REQ_STATUS, WDR },
	{ D, REQ_DESTROY, APPR }, { D, REQ_DESTROY, REJ },
	{ D, REQ_DESTROY, WDR },
#undef LIVE
};

static void
ok(int rc, char *cause, const char *what)
{
	if (rc != XJ_OK)
		fail_msg("%s: %d %s", what, rc, cause != NULL ? cause : "");
	free(cause);
}

static const char	 given[] = "明华文杰丽芳强军秀英静磊洋勇艳娟";
#define NGIVEN	((int)(sizeof given - 1) / 3)

static char *
enrol_new(struct world *wd)
{
	char			 name[32], phone[16];
	int			 n = NGIVEN;
	int			 i = wd->serial++;
	char			*number;

	snprintf(name, sizeof name, "王%.3s%.3s%.3s", given + 3 * (i % n),
	    given + 3 * ((i / n) % n), given + 3 * ((i / n / n) % n));
	snprintf(phone, sizeof phone, "139%08d", i);
	number = tl_enrol(wd->s[RECEPTION1], name, "2016-04", "王建国",
	    phone, NULL);
	assert_non_null(number);
	return number;
}

static int64_t
file_kind(struct world *wd, const char *number, enum request_kind k,
    enum student_status to)
{
	struct field_input	 in = { "guardian_name", NULL };
	struct session		*s = wd->s[REQUESTER];
	char			 v[32], *cause = NULL;
	int64_t			 id = 0;

	if (k == REQ_CHANGE) {
		/* A name no record holds: never "nothing to change". */
		snprintf(v, sizeof v, "李%.3s%.3s", given + 3 * (wd->serial %
		    NGIVEN), given + 3 * ((wd->serial / NGIVEN) % NGIVEN));
		wd->serial++;
		in.value = v;
		ok(store_change_request(s->st, number, &in, 1, "更正", "", &id,
		    &cause), cause, "change");
	} else if (k == REQ_STATUS)
		ok(store_status_request(s->st, number, to, "结业", &id,
		    &cause), cause, "status request");
	else
		ok(store_destroy_request(s->st, number, "guardian-request",
		    &id, &cause), cause, "destroy request");
	assert_true(id > 0);
	return id;
}

static void
decide(struct world *wd, int64_t id, enum req to)
{
	char	*cause = NULL;

	if (to == APPR)
		ok(store_request_approve(wd->s[SUPERVISOR1]->st, id, &cause),
		    cause, "approve");
	else if (to == REJ)
		ok(store_request_reject(wd->s[SUPERVISOR1]->st, id, "不符",
		    &cause), cause, "reject");
	else if (to == WDR)
		ok(store_request_withdraw(wd->s[REQUESTER]->st, id, &cause),
		    cause, "withdraw");
}

static void
set_status(struct world *wd, const char *number, enum student_status to)
{
	char	*cause = NULL;
	int	 rc;

	rc = store_status_set(wd->s[SUPERVISOR1]->st, number, to, "整理",
	    &cause);
	/* Already so: nothing to do. */
	if (rc == XJ_EDATA && strstr(cause, number) != NULL) {
		free(cause);
		return;
	}
	ok(rc, cause, "status set");
}

/*
 * Build sc on a new student; *number and the target request's id out.
 * The record's status is set last, so that a status request is filed
 * from active and still differs from the status the record ends in.
 */
static int64_t
build(struct world *wd, const struct scenario *sc, char **number)
{
	static const enum student_status status_of[] = {
		[A] = STATUS_ACTIVE, [C] = STATUS_COMPLETED,
		[W] = STATUS_WITHDRAWN, [F] = STATUS_ACTIVE,
		[D] = STATUS_ACTIVE,
	};
	enum student_status	 to;
	char			*cause = NULL;
	int64_t			 id, destroy = 0;

	*number = enrol_new(wd);
	/* A status request asks for one the record will not have. */
	to = sc->rec == C ? STATUS_WITHDRAWN : STATUS_COMPLETED;
	id = file_kind(wd, *number, sc->kind, to);
	if (sc->req != PEND && sc->req != CLOSED &&
	    !(sc->req == APPR && sc->kind == REQ_DESTROY))
		decide(wd, id, sc->req);
	if (sc->kind == REQ_CHANGE && sc->req == APPR && sc->rec == D)
		/* Confirmed: it is no longer waiting when destroyed. */
		ok(store_change_confirm(wd->s[RECEPTION1]->st, id, "phone",
		    &cause), cause, "confirm");
	set_status(wd, *number, status_of[sc->rec]);
	if (sc->rec == F || sc->rec == D) {
		destroy = sc->kind == REQ_DESTROY && (sc->req == PEND ||
		    sc->req == APPR) ? id : file_kind(wd, *number,
		    REQ_DESTROY, 0);
		if (sc->rec == D)
			decide(wd, destroy, APPR);
	}
	return id;
}

/* What a refusal must leave as it was: the record and its requests. */
static char *
fingerprint(struct world *wd, const char *number)
{
	char	*sql, *v;

	xasprintf(&sql, "SELECT s.status || '|' || (SELECT count(*) FROM "
	    "field f WHERE f.student = s.id) || '|' || coalesce((SELECT "
	    "group_concat(r.id || r.state || coalesce(r.confirmed_by, '') || "
	    "coalesce(r.seen_at, ''), ',') FROM request r WHERE r.student = "
	    "s.id), '') || '|' || s.next_review || '|' || (SELECT count(*) "
	    "FROM guardian_request g WHERE g.student = s.id) FROM student s "
	    "WHERE s.number = '%s'", number);
	v = tl_query(wd->s[AUDITOR1], sql);
	free(sql);
	assert_non_null(v);
	return v;
}

/*
 * The access file answers an open access request: register one first, as
 * supervisor1 (refused on a destroyed record, whose file must then be
 * refused by its own check).
 */
static void
access_request(struct world *wd, const char *number)
{
	char	*cause = NULL;
	int64_t	 gid;

	(void)store_guardian_add(wd->s[SUPERVISOR1]->st, GUARDIAN_ACCESS,
	    number, 0, "phone", "查阅", &gid, &cause);
	free(cause);
}

static int
act(struct world *wd, enum act a, enum who w, const char *number,
    int64_t id, const struct scenario *sc)
{
	struct store		*st = wd->s[w]->st;
	struct field_input	 in = { "guardian_name", "钱多多" };
	FILE			*f;
	char			*cause = NULL;
	int64_t			 nid = 0;
	int			 rc = -1;

	switch (a) {
	case FILE_CHANGE:
		rc = store_change_request(st, number, &in, 1, "更正", "", &nid,
		    &cause);
		break;
	case FILE_STATUS:
		rc = store_status_request(st, number, sc->rec == C ?
		    STATUS_ACTIVE : STATUS_COMPLETED, "结业", &nid, &cause);
		break;
	case SET_STATUS:
		rc = store_status_set(st, number, sc->rec == C ?
		    STATUS_ACTIVE : STATUS_COMPLETED, "结业", &cause);
		break;
	case REVIEW:
		rc = store_review(st, number, NULL, &cause);
		break;
	case FILE_DESTROY:
		rc = store_destroy_request(st, number, "guardian-request",
		    &nid, &cause);
		break;
	case GUARDIAN_ADD:
		rc = store_guardian_add(st, GUARDIAN_COMPLAINT, number, 0,
		    "phone", "投诉", &nid, &cause);
		break;
	case ACCESS_FILE:
		assert_non_null(f = fopen("/dev/null", "w"));
		rc = store_guardian_access_file(st, number, f, &cause);
		fclose(f);
		break;
	case APPROVE:
		rc = store_request_approve(st, id, &cause);
		break;
	case REJECT:
		rc = store_request_reject(st, id, "不符", &cause);
		break;
	case WITHDRAW:
		rc = store_request_withdraw(st, id, &cause);
		break;
	case CONFIRM:
		rc = store_change_confirm(st, id, "phone", &cause);
		break;
	case ACKNOWLEDGE:
		rc = store_request_acknowledge(st, id, &cause);
		break;
	default:
		break;
	}
	free(cause);
	return rc;
}

static int
setup(void **state)
{
	struct world	*wd = xcalloc(1, sizeof *wd);
	int		 i;

	wd->b = tl_branch_new();
	for (i = 0; i < NWHO; i++)
		wd->s[i] = tl_login(wd->b, who_ids[i]);
	*state = wd;
	return 0;
}

static int
teardown(void **state)
{
	struct world	*wd = *state;
	int		 i;

	for (i = 0; i < NWHO; i++)
		session_free(wd->s[i]);
	tl_check_db(wd->b);
	tl_branch_free(wd->b);
	free(wd);
	return 0;
}

/* Issue 17: the whole table, every cell tried and compared. */
static void
test_every_state(void **state)
{
	struct world		*wd = *state;
	const struct scenario	*sc;
	char			*number = NULL, *before, *after;
	int64_t			 id = 0;
	size_t			 i, bad = 0, tried = 0;
	int			 a, w, want, got, fresh = 0;

	for (i = 0; i < nitems(scenarios); i++) {
		sc = &scenarios[i];
		for (a = 0; a < NACTS; a++) {
			for (w = 0; w < NWHO; w++) {
				if (!fresh) {
					free(number);
					id = build(wd, sc, &number);
					fresh = 1;
				}
				want = expect((enum act)a, (enum who)w, sc);
				if (a == ACCESS_FILE)
					access_request(wd, number);
				before = fingerprint(wd, number);
				got = act(wd, (enum act)a, (enum who)w, number,
				    id, sc);
				after = fingerprint(wd, number);
				tried++;
				if (got != want) {
					bad++;
					print_message("# %s %s request, "
					    "%s on a %s record by %s: %d, "
					    "expected %d\n", req_names[sc->req],
					    request_kind_name(sc->kind),
					    act_names[a],
					    rec_names[sc->rec], who_ids[w], got,
					    want);
				}
				if (got != XJ_OK && strcmp(before, after) != 0) {
					bad++;
					print_message("# refused %s changed "
					    "%s: %s -> %s\n", act_names[a],
					    number, before, after);
				}
				if (got == XJ_OK)
					fresh = 0;
				free(before);
				free(after);
			}
		}
		fresh = 0;
	}
	free(number);
	print_message("# %zu cells tried, %zu wrong\n", tried, bad);
	assert_int_equal(bad, 0);
}

static int
listed(const struct request *r, void *arg)
{
	const char	*number = arg;

	if (strcmp(r->number, number) == 0)
		fail_msg("%s is still listed (request %lld)", number,
		    (long long)r->id);
	return 0;
}

static int
guardian_listed(const struct guardian_request *g, void *arg)
{
	const char	*number = arg;

	if (strcmp(g->number, number) == 0)
		fail_msg("%s still has open guardian request %lld", number,
		    (long long)g->id);
	return 0;
}

/*
 * Issue 17: approving a destruction closes every request still waiting
 * on the record, each logged with its reason, and the record is on no
 * list any more.
 */
static void
test_destruction_closes(void **state)
{
	struct world	*wd = *state;
	struct session	*s1 = wd->s[SUPERVISOR1];
	char		*number, *cause = NULL, *v, *sql;
	int64_t		 pend, unconf, destroy, g = 0;

	number = enrol_new(wd);
	unconf = file_kind(wd, number, REQ_CHANGE, 0);
	decide(wd, unconf, APPR);
	pend = file_kind(wd, number, REQ_STATUS, STATUS_COMPLETED);
	ok(store_guardian_add(wd->s[RECEPTION1]->st, GUARDIAN_COMPLAINT, number,
	    0, "phone", "要求查阅", &g, &cause), cause, "guardian add");
	destroy = file_kind(wd, number, REQ_DESTROY, 0);
	decide(wd, destroy, APPR);

	xasprintf(&sql, "SELECT group_concat(id || ':' || state || ':' || "
	    "coalesce(closed_by, ''), ',') FROM request WHERE id IN (%lld, "
	    "%lld)", (long long)unconf, (long long)pend);
	v = tl_query(s1, sql);
	free(sql);
	xasprintf(&sql, "%lld:closed:%lld,%lld:closed:%lld", (long long)unconf,
	    (long long)destroy, (long long)pend, (long long)destroy);
	assert_string_equal(v, sql);
	free(v);
	free(sql);
	xasprintf(&sql, "SELECT count(*) FROM audit WHERE action = "
	    "'request.close' AND target = '%s' AND detail LIKE "
	    "'%%reason=destroyed destroy=%lld'", number, (long long)destroy);
	v = tl_query(s1, sql);
	assert_string_equal(v, "2");
	free(v);
	free(sql);
	xasprintf(&sql, "SELECT outcome FROM guardian_request WHERE id = %lld",
	    (long long)g);
	v = tl_query(s1, sql);
	assert_string_equal(v, "destroyed");
	free(v);
	free(sql);

	ok(store_requests(s1->st, LIST_PENDING, listed, number, NULL, &cause),
	    cause, "queue");
	ok(store_requests(s1->st, LIST_UNCONFIRMED, listed, number, NULL,
	    &cause), cause, "unconfirmed");
	ok(store_guardian_list(s1->st, GUARDIAN_OPEN, xj_now(),
	    guardian_listed, number, NULL, &cause), cause, "guardian list");
	free(number);
}

struct mine {
	int64_t	 id;
	int	 seen;
	char	*note;
	int	 state;
};

static int
mine_cb(const struct request *r, void *arg)
{
	struct mine	*m = arg;

	if (r->id == m->id) {
		m->seen = 1;
		m->state = (int)r->state;
		free(m->note);
		m->note = r->note != NULL ? xstrdup(r->note) : NULL;
	}
	return 0;
}

/*
 * Issue 17: the requester sees the decision, with the note, until
 * acknowledging it; nobody else can acknowledge it.
 */
static void
test_requester_sees_decision(void **state)
{
	struct world	*wd = *state;
	struct mine	 m = { 0, 0, NULL, -1 };
	char		*number, *cause = NULL;

	number = enrol_new(wd);
	m.id = file_kind(wd, number, REQ_CHANGE, 0);
	ok(store_requests(wd->s[REQUESTER]->st, LIST_MINE, mine_cb, &m,
	    NULL, &cause), cause, "mine");
	assert_true(m.seen);
	assert_int_equal(m.state, REQ_PENDING);
	ok(store_request_reject(wd->s[SUPERVISOR1]->st, m.id, "户口本照片不清楚",
	    &cause), cause, "reject");
	m.seen = 0;
	ok(store_requests(wd->s[REQUESTER]->st, LIST_MINE, mine_cb, &m,
	    NULL, &cause), cause, "mine");
	assert_true(m.seen);
	assert_int_equal(m.state, REQ_REJECTED);
	assert_non_null(m.note);
	assert_string_equal(m.note, "户口本照片不清楚");
	/* The decider's queue does not carry the note. */
	assert_int_equal(store_request_acknowledge(wd->s[SUPERVISOR1]->st,
	    m.id, &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	ok(store_request_acknowledge(wd->s[REQUESTER]->st, m.id, &cause),
	    cause, "acknowledge");
	m.seen = 0;
	ok(store_requests(wd->s[REQUESTER]->st, LIST_MINE, mine_cb, &m,
	    NULL, &cause), cause, "mine");
	assert_false(m.seen);
	free(m.note);
	free(number);
}

/*
 * Issue 17: a change whose old value moved is stale before anyone is
 * asked, and the message names the field by its label.
 */
static void
test_stale_names_label(void **state)
{
	struct world		*wd = *state;
	struct field_input	 in = { "birth_month", "2016-05" };
	struct field_input	 in2 = { "birth_month", "2016-06" };
	char			*number, *cause = NULL;
	int64_t			 first = 0, second = 0;

	number = enrol_new(wd);
	ok(store_change_request(wd->s[RECEPTION1]->st, number, &in, 1, "更正",
	    "", &first, &cause), cause, "first");
	ok(store_change_request(wd->s[RECEPTION1]->st, number, &in2, 1,
	    "更正", "", &second, &cause), cause, "second");
	ok(store_request_stale(wd->s[SUPERVISOR1]->st, second, &cause), cause,
	    "fresh");
	decide(wd, first, APPR);
	assert_int_equal(store_request_stale(wd->s[SUPERVISOR1]->st, second,
	    &cause), XJ_EDATA);
	assert_non_null(strstr(cause, "Birth month"));
	assert_null(strstr(cause, "birth_month"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_request_approve(wd->s[SUPERVISOR1]->st, second,
	    &cause), XJ_EDATA);
	assert_null(strstr(cause, "birth_month"));
	free(cause);
	free(number);
}

/*
 * What the request screen offers follows the same table: a request is
 * decidable, as store_request_get reads it for a supervisor who did not
 * file it, exactly when that supervisor may decide it (reject it: a
 * stale status request is still decided, by a rejection, and its
 * approval is refused before anything is asked), and it names the
 * destruction that freezes its record.
 */
static void
test_offered_as_decided(void **state)
{
	struct world		*wd = *state;
	const struct scenario	*sc;
	struct request		*r;
	char			*number, *cause = NULL;
	int64_t			 id;
	size_t			 i;

	for (i = 0; i < nitems(scenarios); i++) {
		sc = &scenarios[i];
		id = build(wd, sc, &number);
		ok(store_request_get(wd->s[SUPERVISOR1]->st, id, &r, &cause),
		    cause, "get");
		if (request_decidable(r) != (expect(REJECT, SUPERVISOR1, sc)
		    == XJ_OK))
			fail_msg("%s %s request on a %s record: decidable %d",
			    req_names[sc->req], request_kind_name(sc->kind),
			    rec_names[sc->rec], request_decidable(r));
		if ((r->frozen_by != 0) != (sc->rec == F))
			fail_msg("%s %s request on a %s record: frozen by %lld",
			    req_names[sc->req], request_kind_name(sc->kind),
			    rec_names[sc->rec], (long long)r->frozen_by);
		if (sc->rec == F && sc->kind == REQ_DESTROY && sc->req == PEND)
			assert_int_equal(r->frozen_by, id);
		request_free(r);
		free(number);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_destruction_closes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_requester_sees_decision,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_names_label,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_offered_as_decided,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
