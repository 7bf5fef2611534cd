/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Archive status, quarterly review, retention and destruction, at given
 * dates (XUEJI_NOW injects the clock).  The destruction test reads every
 * page of the database and its WAL, decrypted with the key, and finds
 * none of the destroyed child's bytes, while another child's are there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/backup.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/archive.h"
#include "xueji/destroy.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/pages.h"
#include "lib/hatch.h"

struct fixture {
	struct tl_branch	*b;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);

	setenv("XUEJI_NOW", "2026-01-10T09:00:00", 1);
	f->b = tl_branch_new();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	tl_check_db(f->b);
	tl_branch_free(f->b);
	free(f);
	unsetenv("XUEJI_NOW");
	return 0;
}

static void
at(const char *when)
{
	setenv("XUEJI_NOW", when, 1);
}

static int
collect(const struct archive_entry *e, void *arg)
{
	char	**list = arg;
	char	 *s;

	xasprintf(&s, "%s%s%s", *list, **list ? " " : "", e->number);
	free(*list);
	*list = s;
	return 0;
}

/* The numbers of a list, space-separated, as a malloc'd string. */
static char *
list(struct session *s, enum archive_list which, int status)
{
	char	*out = xstrdup(""), *cause = NULL;

	if (store_archive(s->st, which, status, 0, xj_now(), collect, &out,
	    NULL, &cause) != XJ_OK)
		fail_msg("archive: %s", cause);
	return out;
}

/*
 * Fail unless no page of the file at path (and its WAL), decrypted with
 * key, holds any of the n strings; then that "保留标记强", the child
 * kept, is there, so that the scan is seen to see.
 */
static void
assert_gone(const char *path, const unsigned char key[32],
    const char *const *gone, size_t n)
{
	size_t	i;
	int	pages, hits;

	for (i = 0; i < n; i++) {
		hits = tl_pages_containing(path, key, gone[i], strlen(gone[i]),
		    &pages);
		if (hits != 0)
			fail_msg("\"%s\" is on %d of %d pages of %s", gone[i],
			    hits, pages, path);
	}
	assert_true(tl_pages_containing(path, key, "保留标记强",
	    strlen("保留标记强"), &pages) > 0);
}

static void
test_status_direct_and_by_request(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	struct session	*sv2 = tl_login(f->b, "supervisor2");
	struct request	*q;
	char		*n, *cause = NULL, *v;
	long		 counts[4];
	int64_t		 id;

	n = tl_enrol(r, "赵小六", "2016-04", "赵大", "13700000001", NULL);
	/* A receptionist cannot set it, but can ask. */
	assert_int_equal(store_status_set(r->st, n, STATUS_WITHDRAWN, "搬家",
	    &cause), XJ_EPERM);
	free(cause);
	assert_int_equal(store_status_request(r->st, n, STATUS_WITHDRAWN,
	    "家长来电退学", &id, &cause), XJ_OK);
	assert_true(id > 0);
	/* Shown with the status it changes from. */
	assert_int_equal(store_request_get(sv->st, id, &q, &cause), XJ_OK);
	assert_int_equal(q->old_status, STATUS_ACTIVE);
	assert_int_equal(q->new_status, STATUS_WITHDRAWN);
	request_free(q);
	/* It waits in the same queue; the requester cannot decide it. */
	assert_int_equal(store_request_approve(r->st, id, &cause), XJ_EPERM);
	free(cause);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	v = tl_query(sv, "SELECT status FROM student");
	assert_string_equal(v, "withdrawn");
	free(v);
	v = tl_query(sv, "SELECT by || ' ' || reason || ' ' || old || '>' || new "
	    "FROM status_change");
	assert_string_equal(v, "reception1 家长来电退学 active>withdrawn");
	free(v);
	/* Decided, still from what it changed: not the record's now. */
	assert_int_equal(store_request_get(sv->st, id, &q, &cause), XJ_OK);
	assert_int_equal(q->old_status, STATUS_ACTIVE);
	request_free(q);
	/* A supervisor sets it directly; same status twice is refused. */
	assert_int_equal(store_status_set(sv2->st, n, STATUS_ACTIVE, "复学",
	    &cause), XJ_OK);
	assert_int_equal(store_status_set(sv2->st, n, STATUS_ACTIVE, "复学",
	    &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_status_set(sv2->st, n, STATUS_DESTROYED, "x",
	    &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_status_set(sv2->st, n, STATUS_COMPLETED, "",
	    &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_status_counts(sv->st, counts, &cause), XJ_OK);
	assert_int_equal(counts[STATUS_ACTIVE], 1);
	v = tl_query(sv, "SELECT count(*) FROM audit WHERE action IN "
	    "('status.set', 'status.approve', 'status.request')");
	assert_string_equal(v, "3");
	free(v);
	free(n);
	session_free(sv2);
	session_free(sv);
	session_free(r);
}

static void
test_review_due(void **state)
{
	struct fixture	*f = *state;
	struct session	*r, *sv;
	char		*n1, *n2, *v, *cause = NULL;

	r = tl_login(f->b, "reception1");
	n1 = tl_enrol(r, "钱一", "2016-04", "钱父", "13700000002", NULL);
	at("2026-02-01T09:00:00");
	n2 = tl_enrol(r, "钱二", "2016-05", "钱母", "13700000003", NULL);
	session_free(r);
	sv = tl_login(f->b, "supervisor1");

	at("2026-03-01T09:00:00");
	v = list(sv, ARCHIVE_REVIEW_DUE, -1);
	assert_string_equal(v, "");
	free(v);
	/* Three months after enrolment: due, oldest first. */
	at("2026-05-15T09:00:00");
	v = list(sv, ARCHIVE_REVIEW_DUE, -1);
	{
		char *want;

		xasprintf(&want, "%s %s", n1, n2);
		assert_string_equal(v, want);
		free(want);
	}
	free(v);
	assert_int_equal(store_review(sv->st, n1, NULL, &cause), XJ_OK);
	v = list(sv, ARCHIVE_REVIEW_DUE, -1);
	assert_string_equal(v, n2);
	free(v);
	v = tl_query(sv, "SELECT detail FROM audit WHERE action = "
	    "'status.review'");
	assert_non_null(strstr(v, "next=2026-08-15"));
	free(v);
	at("2026-08-16T09:00:00");
	v = list(sv, ARCHIVE_REVIEW_DUE, -1);
	assert_non_null(strstr(v, n1));
	free(v);
	/* Receptionists do not review. */
	r = tl_login(f->b, "reception1");
	assert_int_equal(store_review(r->st, n2, NULL, &cause), XJ_EPERM);
	free(cause);
	session_free(r);
	free(n1);
	free(n2);
	session_free(sv);
}

static void
test_retention_due(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	char		*n, *done, *v, *cause = NULL;
	int64_t		 id;

	n = tl_enrol(r, "孙退学", "2016-04", "孙父", "13700000004", NULL);
	done = tl_enrol(r, "孙结课", "2016-05", "孙母", "13700000005", NULL);
	at("2026-01-15T09:00:00");
	assert_int_equal(store_status_set(sv->st, n, STATUS_WITHDRAWN, "退学",
	    &cause), XJ_OK);
	assert_int_equal(store_status_set(sv->st, done, STATUS_COMPLETED,
	    "结课", &cause), XJ_OK);
	/* Withdrawn: kept 12 months; completed: 36. */
	at("2026-12-01T09:00:00");
	v = list(sv, ARCHIVE_RETENTION_DUE, -1);
	assert_string_equal(v, "");
	free(v);
	assert_int_equal(store_destroy_request(r->st, n, "retention-ended",
	    &id, &cause), XJ_EDATA);
	free(cause);
	at("2027-01-16T09:00:00");
	v = list(sv, ARCHIVE_RETENTION_DUE, -1);
	assert_string_equal(v, n);
	free(v);
	at("2029-01-16T09:00:00");
	v = list(sv, ARCHIVE_RETENTION_DUE, -1);
	assert_non_null(strstr(v, done));
	free(v);
	assert_int_equal(store_destroy_request(r->st, n, "retention-ended",
	    &id, &cause), XJ_OK);
	/* Status lists. */
	v = list(sv, ARCHIVE_STATUS, STATUS_COMPLETED);
	assert_string_equal(v, done);
	free(v);
	free(n);
	free(done);
	session_free(sv);
	session_free(r);
}

static void
test_frozen(void **state)
{
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*sv = tl_login(f->b, "supervisor1");
	const struct field_input in[] = { { "name", "周新名" } };
	struct student		**v, *st;
	char			*n, *cause = NULL;
	int64_t			 id, id2;
	size_t			 nv;

	n = tl_enrol(r, "周冻结", "2016-04", "周父", "13700000006", NULL);
	assert_int_equal(store_destroy_request(r->st, n, "withdrawal", &id,
	    &cause), XJ_EDATA);	/* not withdrawn */
	free(cause);
	assert_int_equal(store_destroy_request(r->st, n, "because", &id,
	    &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_destroy_request(r->st, n, "guardian-request",
	    &id, &cause), XJ_OK);
	/* Frozen: no changes, no status, no second request, not found. */
	assert_int_equal(store_change_request(r->st, n, in, 1, "改名", NULL,
	    &id2, &cause), XJ_EDATA);
	assert_non_null(strstr(cause, "frozen"));
	free(cause);
	assert_int_equal(store_status_set(sv->st, n, STATUS_COMPLETED, "结课",
	    &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_destroy_request(r->st, n, "guardian-request",
	    &id2, &cause), XJ_EDATA);
	free(cause);
	assert_int_equal(store_student_find(r->st, "周", 10, NULL, &v, &nv,
	    &cause), XJ_OK);
	assert_int_equal(nv, 0);
	students_free(v, nv);
	/* Opened by number it shows as restricted: no values. */
	assert_int_equal(store_student_get(r->st, n, &st, &cause), XJ_OK);
	assert_true(st->frozen);
	assert_int_equal(st->nvalues, 0);
	student_free(st);
	/* Rejecting the destruction thaws it. */
	assert_int_equal(store_request_reject(sv->st, id, "家长改变主意",
	    &cause), XJ_OK);
	assert_int_equal(store_student_find(r->st, "周", 10, NULL, &v, &nv,
	    &cause), XJ_OK);
	assert_int_equal(nv, 1);
	students_free(v, nv);
	free(n);
	session_free(sv);
	session_free(r);
}

/*
 * The heart of it: enrol marker students, change them a few times,
 * destroy one, and find none of its bytes on any page of the database or
 * the WAL, decrypted with the key; the other child's bytes are there.
 */
static void
test_destruction_leaves_nothing(void **state)
{
	static const char *const gone[] = {
		"销毁标记娜", "销毁标记丽", "13912340001", "13912340002",
		"销毁家长", "证据标记", "理由标记", "驳回标记",
	};
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct session		*sv2 = tl_login(f->b, "supervisor2");
	const struct field_input c1[] = { { "name", "销毁标记丽" } };
	const struct field_input c2[] = { { "guardian_phone", "13912340002" } };
	const struct field_input c3[] = { { "guardian_name", "另一家长" } };
	struct destruction	*d;
	struct student		*st;
	unsigned char		 key[DB_KEY_BYTES];
	char			*n, *keep, *cause = NULL, *v, *db;
	int64_t			 id, cnt, bad;
	size_t			 i;
	int			 pages;

	n = tl_enrol(r, "销毁标记娜", "2016-04", "销毁家长", "13912340001",
	    NULL);
	keep = tl_enrol(r, "保留标记强", "2016-05", "保留家长", "13912349999",
	    NULL);
	assert_int_equal(store_change_request(r->st, n, c1, 1, "理由标记",
	    "证据标记", &id, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	assert_int_equal(store_change_request(r->st, n, c2, 1, "理由标记",
	    "证据标记", &id, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	assert_int_equal(store_change_request(r->st, n, c3, 1, "理由标记",
	    NULL, &id, &cause), XJ_OK);
	assert_int_equal(store_request_reject(sv->st, id, "驳回标记", &cause),
	    XJ_OK);
	assert_int_equal(store_status_set(sv->st, n, STATUS_WITHDRAWN,
	    "理由标记", &cause), XJ_OK);

	assert_int_equal(store_destroy_request(r->st, n, "withdrawal", &id,
	    &cause), XJ_OK);
	/* Four eyes here too; receptionists cannot approve destruction. */
	assert_int_equal(store_request_approve(r->st, id, &cause), XJ_EPERM);
	free(cause);
	at("2026-01-12T10:00:00");
	assert_int_equal(store_request_approve(sv2->st, id, &cause), XJ_OK);

	/* The tombstone: number and status only. */
	assert_int_equal(store_student_get(sv->st, n, &st, &cause), XJ_OK);
	assert_int_equal(st->status, STATUS_DESTROYED);
	assert_int_equal(st->nvalues, 0);
	assert_null(st->consent_method);
	student_free(st);
	/* The certificate. */
	assert_int_equal(store_destruction_get(sv->st, 0, n, &d, &cause),
	    XJ_OK);
	assert_string_equal(d->reason, "withdrawal");
	assert_string_equal(d->requested_by, "reception1");
	assert_string_equal(d->approved_by, "supervisor2");
	assert_string_equal(d->method, "secure-delete+wal-truncate");
	assert_int_equal(d->backup_expires - d->executed_at, 30 * 86400);
	destruction_free(d);
	/* Destruction records cannot be edited or removed. */
	assert_int_not_equal(sqlite3_exec(store_db(sv->st), "DELETE FROM "
	    "destruction", NULL, NULL, NULL), SQLITE_OK);

	/*
	 * Every page, decrypted: nothing of the destroyed child.  Other
	 * terminals stay open, so the WAL is not removed by a last close:
	 * only the destruction's own checkpoint can have emptied it.
	 */
	memcpy(key, sv->secret->db_key, sizeof key);
	session_free(sv2);
	db = xj_path_join(f->b->data, STORE_DB_NAME);
	assert_gone(db, key, gone, nitems(gone));
	/* The scan sees what is there: the other child is intact. */
	assert_true(tl_pages_containing(db, key, "保留标记强",
	    strlen("保留标记强"), &pages) > 0);
	assert_true(pages > 3);
	assert_true(tl_pages_containing(db, key, "13912349999", 11,
	    &pages) > 0);
	free(db);
	session_free(r);

	/*
	 * A backup taken now copies pages, free ones too (zeroed when they
	 * were freed): nothing of the child in it either.
	 */
	db = xj_path_join(f->b->data, "after-destruction.xjb");
	assert_int_equal(store_backup(sv->st, key, db, NULL, &cause), XJ_OK);
	assert_gone(db, key, gone, nitems(gone));
	free(db);

	/* The chain still verifies, and the log never named the child. */
	assert_int_equal(store_verify(sv->st, &cnt, &bad, &cause), XJ_OK);
	v = tl_query(sv, "SELECT group_concat(target || detail || fields, '|') "
	    "FROM audit");
	for (i = 0; i < nitems(gone); i++)
		assert_null(strstr(v, gone[i]));
	free(v);
	/* The number is never reused. */
	r = tl_login(f->b, "reception1");
	{
		char *again = tl_enrol(r, "销毁标记娜", "2016-04", "销毁家长",
		    "13912340001", NULL);

		assert_non_null(again);
		assert_string_not_equal(again, n);
		free(again);
	}
	session_free(r);
	session_free(sv);
	free(n);
	free(keep);
}

static int
listed(const struct destruction *d, void *arg)
{
	char	**list = arg;
	char	 *s;

	xasprintf(&s, "%s %s", *list, d->number);
	free(*list);
	*list = s;
	return 0;
}

/* Issue 16: destroy n as r asks and sv approves. */
static void
destroy(struct session *r, struct session *sv, const char *n)
{
	char	*cause = NULL;
	int64_t	 id;

	assert_int_equal(store_destroy_request(r->st, n, "guardian-request",
	    &id, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
}

/*
 * Issue 16: a restore never brings a destroyed child back.  backup →
 * destroy (four eyes) → the drill says the destructions would be done
 * again →
 * restore of that backup: the child is a tombstone, no byte of it is on
 * any page of the restored database or its WAL, destroy list still
 * lists it.  A child enrolled after the backup and destroyed since
 * comes back as a tombstone, so its number is never handed out again.
 */
static void
test_restore_never_resurrects(void **state)
{
	static const char *const gone[] = {
		"复原标记娜", "复原家长", "13912340071", "复原标记后",
		"13912340072",
	};
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct session		*sv2 = tl_login(f->b, "supervisor2");
	struct drill_report	 dr;
	struct student		*st;
	unsigned char		 key[32];
	char			*n, *late, *keep, *again, *cause = NULL, *v;
	char			*db, *bk, *safety = NULL, *list;
	int			 pages;

	n = tl_enrol(r, "复原标记娜", "2016-04", "复原家长", "13912340071",
	    NULL);
	keep = tl_enrol(r, "保留标记强", "2016-05", "保留家长", "13912349999",
	    NULL);
	memcpy(key, sv->secret->db_key, sizeof key);
	bk = xj_path_join(f->b->dir, "before-destruction.xjb");
	assert_int_equal(store_backup(sv->st, key, bk, NULL, &cause), XJ_OK);
	late = tl_enrol(r, "复原标记后", "2016-06", "复原家长", "13912340072",
	    NULL);
	at("2026-01-12T10:00:00");
	destroy(r, sv2, n);
	destroy(r, sv2, late);

	/* The drill says what a restore would do again. */
	assert_int_equal(store_restore_drill(sv->st, key, bk, &dr, &cause),
	    XJ_OK);
	assert_int_equal(dr.reapply, 2);
	drill_report_free(&dr);

	session_free(r);
	session_free(sv2);
	at("2026-01-13T10:00:00");
	assert_int_equal(session_restore(sv, bk, &safety, &cause), XJ_OK);
	assert_non_null(safety);
	assert_int_equal(store_student_get(sv->st, n, &st, &cause), XJ_OK);
	assert_int_equal(st->status, STATUS_DESTROYED);
	assert_int_equal(st->nvalues, 0);
	student_free(st);
	assert_int_equal(store_student_get(sv->st, late, &st, &cause), XJ_OK);
	assert_int_equal(st->status, STATUS_DESTROYED);
	student_free(st);
	assert_int_equal(store_student_get(sv->st, keep, &st, &cause), XJ_OK);
	assert_int_equal(st->status, STATUS_ACTIVE);
	student_free(st);
	/* destroy list still lists both, as recorded. */
	list = xstrdup("");
	assert_int_equal(store_destructions(sv->st, listed, &list, &cause),
	    XJ_OK);
	assert_non_null(strstr(list, n));
	assert_non_null(strstr(list, late));
	free(list);
	v = tl_query(sv, "SELECT approved_by || ' ' || executed_at FROM "
	    "destruction WHERE number = (SELECT number FROM student WHERE "
	    "status = 'destroyed' ORDER BY id LIMIT 1)");
	assert_non_null(strstr(v, "supervisor2 "));
	free(v);
	/* The log says so, naming no one. */
	v = tl_query(sv, "SELECT count(*) FROM audit WHERE action = "
	    "'destroy.reapply'");
	assert_string_equal(v, "2");
	free(v);
	v = tl_query(sv, "SELECT detail FROM audit WHERE action = "
	    "'backup.restore' ORDER BY seq DESC LIMIT 1");
	assert_non_null(strstr(v, "reapplied=2"));
	free(v);

	/* Every page of the restored database and its WAL, decrypted. */
	db = xj_path_join(f->b->data, STORE_DB_NAME);
	assert_gone(db, key, gone, nitems(gone));
	/* Positive control: the backup itself still holds the child. */
	assert_true(tl_pages_containing(bk, key, "复原标记娜",
	    strlen("复原标记娜"), &pages) > 0);
	free(db);

	/* Neither number is handed out again (the restore holds the
	 * branch alone until its session ends). */
	session_free(sv);
	r = tl_login(f->b, "reception1");
	again = tl_enrol(r, "复原标记新", "2016-04", "复原家长", "13912340073",
	    NULL);
	assert_non_null(again);
	assert_string_not_equal(again, n);
	assert_string_not_equal(again, late);
	free(again);
	session_free(r);
	free(safety);
	free(bk);
	free(n);
	free(late);
	free(keep);
}

/* store_on_wait's calls, as digits ("02": waited, still pending). */
static void
on_wait(int what, void *arg)
{
	char	*seen = arg;

	seen[strlen(seen)] = (char)('0' + what);
}

/*
 * Issue 16: a destruction is certified only when nothing remains.  With
 * another session holding a read snapshot, the WAL cannot be truncated:
 * the approval waits, says so, and the record says physical erasure is
 * pending (not wal-truncate) while the decrypted WAL still holds the
 * child, and a pause cannot finish it either.  Once the reader lets go,
 * the next session to open truncates it and records when, and no page
 * of the database or WAL holds the child any more.
 */
static void
test_destruction_under_snapshot(void **state)
{
	static const char *const gone[] = {
		"快照标记娜", "快照家长", "13912340081",
	};
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct session		*rd = tl_login(f->b, "auditor1");
	struct destruction	*d;
	unsigned char		 key[32];
	char			*n, *keep, *cause = NULL, *v, *db;
	char			 seen[8] = "";
	int64_t			 id;
	int			 pages, hits;

	n = tl_enrol(r, "快照标记娜", "2016-04", "快照家长", "13912340081",
	    NULL);
	keep = tl_enrol(r, "保留标记强", "2016-05", "保留家长", "13912349999",
	    NULL);
	assert_int_equal(store_destroy_request(r->st, n, "guardian-request",
	    &id, &cause), XJ_OK);
	memcpy(key, sv->secret->db_key, sizeof key);
	db = xj_path_join(f->b->data, STORE_DB_NAME);

	/* Another session reads, and keeps its snapshot. */
	assert_int_equal(sqlite3_exec(store_db(rd->st), "BEGIN; SELECT "
	    "count(*) FROM student", NULL, NULL, NULL), SQLITE_OK);
	store_on_wait(sv->st, on_wait, seen);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	/* It waited, said so, and could not finish. */
	assert_string_equal(seen, "02");
	assert_int_equal(store_destruction_get(sv->st, 0, n, &d, &cause),
	    XJ_OK);
	assert_string_equal(d->method, "secure-delete+erasure-pending");
	assert_null(strstr(d->method, "wal-truncate"));
	assert_int_equal(d->erased_at, 0);
	v = destroy_method_text(d);
	assert_non_null(strstr(v, "physical erasure pending"));
	assert_null(strstr(v, "erased on"));
	free(v);
	destruction_free(d);
	/* Rightly so: the WAL still holds the child. */
	hits = tl_pages_containing(db, key, gone[0], strlen(gone[0]), &pages);
	assert_true(hits > 0);
	/* A pause cannot finish it while the reader holds on. */
	at("2026-01-10T09:30:00");
	store_idle(sv->st);
	assert_int_equal(store_destruction_get(sv->st, 0, n, &d, &cause),
	    XJ_OK);
	assert_int_equal(d->erased_at, 0);
	destruction_free(d);

	/*
	 * The reader lets go; the next session to start finishes it and
	 * says when (a pause would too, but looks only every five seconds).
	 */
	assert_int_equal(sqlite3_exec(store_db(rd->st), "COMMIT", NULL, NULL,
	    NULL), SQLITE_OK);
	at("2026-01-10T10:00:00");
	session_free(r);
	r = tl_login(f->b, "reception2");
	assert_int_equal(store_destruction_get(sv->st, 0, n, &d, &cause),
	    XJ_OK);
	assert_string_equal(d->method, "secure-delete+wal-truncate");
	assert_int_equal(d->erased_at, xj_now());
	/* The certificate says when, as it came after the destruction. */
	v = destroy_method_text(d);
	assert_non_null(strstr(v, "checkpointed and truncated"));
	assert_non_null(strstr(v, "(the write-ahead log was erased on "));
	free(v);
	destruction_free(d);
	v = tl_query(sv, "SELECT operator || ' ' || target FROM audit WHERE "
	    "action = 'destroy.erased'");
	assert_non_null(v);
	assert_non_null(strstr(v, n));
	free(v);
	/* Every page, decrypted, while all three sessions stay open. */
	assert_gone(db, key, gone, nitems(gone));
	free(db);
	session_free(rd);
	session_free(r);
	session_free(sv);
	free(n);
	free(keep);
}

/*
 * Issue 17: a status request is approved only against the status it was
 * filed against.  Completed meanwhile, a withdrawal filed against active
 * is refused as stale, before (store_request_stale) and at approval,
 * naming both statuses in words, and changes nothing.
 */
static void
test_status_request_stale(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	struct session	*sv = tl_login(f->b, "supervisor1");
	struct session	*sv2 = tl_login(f->b, "supervisor2");
	struct request	*q;
	char		*n, *cause = NULL, *v, *want;
	int64_t		 id;

	n = tl_enrol(r, "赵小七", "2016-05", "赵大", "13700000002", NULL);
	assert_int_equal(store_status_request(r->st, n, STATUS_WITHDRAWN,
	    "家长来电退学", &id, &cause), XJ_OK);
	assert_int_equal(store_request_stale(sv->st, id, &cause), XJ_OK);
	assert_int_equal(store_status_set(sv2->st, n, STATUS_COMPLETED, "结课",
	    &cause), XJ_OK);
	/* Still shown with the status it was filed against. */
	assert_int_equal(store_request_get(sv->st, id, &q, &cause), XJ_OK);
	assert_int_equal(q->old_status, STATUS_ACTIVE);
	request_free(q);
	xasprintf(&want, "request %lld is stale: %s was active when it was "
	    "filed and is completed now; reject it", (long long)id, n);
	assert_int_equal(store_request_stale(sv->st, id, &cause), XJ_EDATA);
	assert_non_null(strstr(cause, want));
	free(cause);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_EDATA);
	assert_non_null(strstr(cause, want));
	free(cause);
	free(want);
	/* Nothing changed: the status, the request, the log. */
	v = tl_query(sv, "SELECT status FROM student");
	assert_string_equal(v, "completed");
	free(v);
	assert_int_equal(store_request_get(sv->st, id, &q, &cause), XJ_OK);
	assert_int_equal(q->state, REQ_PENDING);
	request_free(q);
	v = tl_query(sv, "SELECT count(*) FROM audit WHERE action = "
	    "'status.approve'");
	assert_string_equal(v, "0");
	free(v);
	/* Back to active: as filed, so it may be approved. */
	assert_int_equal(store_status_set(sv2->st, n, STATUS_ACTIVE, "复学",
	    &cause), XJ_OK);
	assert_int_equal(store_request_stale(sv->st, id, &cause), XJ_OK);
	assert_int_equal(store_request_approve(sv->st, id, &cause), XJ_OK);
	v = tl_query(sv, "SELECT status FROM student");
	assert_string_equal(v, "withdrawn");
	free(v);
	free(n);
	session_free(sv2);
	session_free(sv);
	session_free(r);
}

/* The count sql reads, as a number. */
static long
count_of(struct session *s, const char *sql)
{
	char	*v = tl_query(s, sql);
	long	 n = strtol(v, NULL, 10);

	free(v);
	return n;
}

/*
 * Issues 17 and 21: who saw a child includes the archive's lists, as
 * far as they were on the terminal.  Read for a screen (store_shown) a
 * list writes nothing; the rows drawn are logged (store_list_shown), so
 * the student filter finds the list for a student on the page and not
 * for one never scrolled to; a redraw or a list read again writes
 * nothing unless it shows someone new; the command line logs it whole.
 */
static void
test_list_seen(void **state)
{
	struct fixture		*f = *state;
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*au = tl_login(f->b, "auditor1");
	struct store_shown	*shown = store_shown_new();
	const char		*page[1];
	char			*n1, *n2, *n3, *out = xstrdup(""), *cause = NULL;
	long			 entries;
	int64_t			 version;

	n1 = tl_enrol(r, "张三", "2018-01", "张父", "13811112222", NULL);
	n2 = tl_enrol(r, "李四", "2016-01", "李父", "13933334444", NULL);
	entries = count_of(sv, "SELECT count(*) FROM audit");
	version = store_data_version(r->st);
	assert_int_equal(store_archive(sv->st, ARCHIVE_STATUS, STATUS_ACTIVE,
	    0, xj_now(), collect, &out, shown, &cause), XJ_OK);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM audit"), entries);
	assert_int_equal(store_data_version(r->st), version);

	/* A page of one row: n1 seen, n2 under it never scrolled to. */
	page[0] = n1;
	assert_int_equal(store_list_shown(sv->st, shown, page, 1, &cause),
	    XJ_OK);
	free(out);
	out = tl_query(sv, "SELECT action || ' ' || detail FROM audit ORDER "
	    "BY seq DESC LIMIT 1");
	assert_string_equal(out, "archive.list list=status status=active "
	    "results=2");
	assert_int_equal(tl_student_entries(au, n1, "archive.list"), 1);
	assert_int_equal(tl_student_entries(au, n2, "archive.list"), 0);

	/* Redrawn, read again (enrolled elsewhere) and redrawn: nothing. */
	n3 = tl_enrol(r, "王五", "2016-02", "王父", "13933335555", NULL);
	entries = count_of(sv, "SELECT count(*) FROM audit");
	free(out);
	out = xstrdup("");
	assert_int_equal(store_list_shown(sv->st, shown, page, 1, &cause),
	    XJ_OK);
	assert_int_equal(store_archive(sv->st, ARCHIVE_STATUS, STATUS_ACTIVE,
	    0, xj_now(), collect, &out, shown, &cause), XJ_OK);
	assert_int_equal(store_list_shown(sv->st, shown, page, 1, &cause),
	    XJ_OK);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM audit"), entries);

	/* Another list (completed, empty) shows no one: no entry; back to
	 * the active one, its page is logged afresh. */
	free(out);
	out = xstrdup("");
	assert_int_equal(store_archive(sv->st, ARCHIVE_STATUS,
	    STATUS_COMPLETED, 0, xj_now(), collect, &out, shown, &cause),
	    XJ_OK);
	assert_string_equal(out, "");
	assert_int_equal(store_list_shown(sv->st, shown, NULL, 0, &cause),
	    XJ_OK);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM audit"), entries);
	assert_int_equal(store_archive(sv->st, ARCHIVE_STATUS, STATUS_ACTIVE,
	    0, xj_now(), collect, &out, shown, &cause), XJ_OK);
	assert_int_equal(store_list_shown(sv->st, shown, page, 1, &cause),
	    XJ_OK);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM audit"),
	    entries + 1);
	assert_int_equal(tl_student_entries(au, n1, "archive.list"), 2);

	/* Without a store_shown (the command line), every run is logged,
	 * whole. */
	free(out);
	out = xstrdup("");
	assert_int_equal(store_archive(sv->st, ARCHIVE_STATUS, STATUS_ACTIVE,
	    0, xj_now(), collect, &out, NULL, &cause), XJ_OK);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM audit_seen "
	    "WHERE seq = (SELECT max(seq) FROM audit)"), 3);
	assert_int_equal(tl_student_entries(au, n2, "archive.list"), 1);
	free(out);
	store_shown_free(shown);
	session_free(au);
	session_free(r);
	session_free(sv);
	free(n1);
	free(n2);
	free(n3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_status_direct_and_by_request, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_restore_never_resurrects, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_destruction_under_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_review_due, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retention_due, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_frozen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_seen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status_request_stale,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_destruction_leaves_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
