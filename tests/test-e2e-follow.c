/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Screens that act only on what they show (issue 17) and an interface
 * that fits 80x24 in Chinese (issue 20), end to end: keys refused while
 * the terminal is too small, a record and a search list following
 * another terminal's change, a stale change request refused before the
 * question, the idle lock returning the same operator to a half-filled
 * form, and the key bar, help and messages of every screen walked
 * through in zh_CN.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/guardian.h"
#include "xueji/audit.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

static char	language[] = "LANGUAGE=zh_CN";

/* A branch with one child enrolled by reception1; *number is theirs. */
static struct tl_branch *
branch_with_child(const char *extra, char **number)
{
	struct tl_branch	*b;

	b = extra != NULL ? tl_branch_new_with(extra) : tl_branch_new();
	*number = tl_enrol_as(b, "reception1", "王小明", "2017-06", "王大明",
	    "13911112222");
	return b;
}

/* File a change of one field as reception1; returns the request's id. */
static int64_t
file_change(const struct tl_branch *b, const char *number, const char *key,
    const char *value)
{
	struct session		*s = tl_login(b, "reception1");
	struct field_input	 in = { key, value };
	char			*cause = NULL;
	int64_t			 id = 0;

	if (store_change_request(s->st, number, &in, 1, "证件有误", NULL, &id,
	    &cause) != XJ_OK)
		fail_msg("filing a change: %s", cause);
	session_free(s);
	return id;
}

/* The state of request id, as the store has it now. */
static enum request_state
state_of(const struct tl_branch *b, int64_t id)
{
	struct session	*s = tl_login(b, "supervisor2");
	struct request	*r = NULL;
	char		*cause = NULL;
	enum request_state st;

	if (store_request_get(s->st, id, &r, &cause) != XJ_OK)
		fail_msg("reading request %" PRId64 ": %s", id, cause);
	st = r->state;
	request_free(r);
	session_free(s);
	return st;
}

/*
 * The labels of the record and their values each in one column, whatever
 * the width of the label.
 */
static void
record_aligned(struct vt *vt)
{
	static const char *const values[] = {
		"王小明", "2017-06", "王大明", "13911112222",
	};

	e2e_aligned(vt, values, nitems(values));
}

/* What every screen must be at 80x24 in Chinese (lib/e2e.c). */
static void
screen_fits(struct vt *vt)
{
	e2e_zh_screen_fits(vt, NULL);
}

/* Issue 17: while too small, Enter F2 y in the queue approves nothing,
 * and text typed into a hidden form is not taken. */
static void
test_too_small_refuses_keys(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*n, *row, *cause = NULL;
	int64_t			 id;
	int			 r, c, status;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	id = file_change(b, n, "guardian_name", "王建国");
	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_zh_login(vt, "supervisor1", "pass-supervisor1");
	e2e_wait_text(vt, "主菜单");
	vt_key(vt, VT_KEY_F7);
	e2e_wait_text(vt, n);
	vt_resize(vt, 20, 60);
	e2e_wait_text(vt, "终端太小");
	vt_key(vt, VT_KEY_ENTER);
	vt_key(vt, VT_KEY_F2);
	vt_sendstr(vt, "y");
	vt_resize(vt, 24, 80);
	e2e_wait_gone(vt, "终端太小");
	/* Still the queue: nothing was opened, nothing approved. */
	e2e_wait_text(vt, n);
	e2e_wait_gone(vt, "王建国");
	assert_int_equal(state_of(b, id), REQ_PENDING);

	/* Decided at another terminal: the queue says so and drops it. */
	s = tl_login(b, "supervisor2");
	if (store_request_approve(s->st, id, &cause) != XJ_OK)
		fail_msg("approving: %s", cause);
	session_free(s);
	e2e_wait_text(vt, "已在另一终端处理，已移出此列表");
	e2e_wait_gone(vt, n);

	/* Typed text in a form is kept, and nothing typed while small. */
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "主菜单");
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "学员姓名");
	vt_sendstr(vt, "李小红");
	e2e_wait_text(vt, "李小红");
	vt_resize(vt, 20, 60);
	e2e_wait_text(vt, "终端太小");
	vt_sendstr(vt, "abc");
	vt_key(vt, VT_KEY_F2);
	vt_resize(vt, 24, 80);
	e2e_wait_gone(vt, "终端太小");
	e2e_wait_text(vt, "李小红");
	assert_true(vt_find(vt, "李小红", &r, &c));
	row = vt_row(vt, r);
	assert_null(strstr(row, "abc"));
	free(row);
	e2e_wait_gone(vt, "已保存");
	/* ^Q on a form with typed text asks first. */
	vt_char_mod(vt, 'q', VT_MOD_CTRL);
	e2e_wait_text(vt, "不保存已输入的内容就退出？");
	vt_sendstr(vt, "y");
	assert_int_equal(vt_wait_exit(vt, E2E_WAIT, &status), 0);
	vt_free(vt);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Issue 17: a record open at one terminal follows an approval made at
 * another, and says what changed. */
static void
test_record_follows_approval(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*n, *cause = NULL;
	int64_t			 id;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_zh_login(vt, "reception1", "pass-reception1");
	e2e_wait_text(vt, "主菜单");
	vt_key(vt, VT_KEY_F3);
	vt_sendstr(vt, "王小明");
	e2e_wait_text(vt, n);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "修改历史");
	e2e_wait_text(vt, "王大明");
	screen_fits(vt);

	/* Filed and approved elsewhere: the record shows it by itself. */
	id = file_change(b, n, "guardian_name", "王建国");
	e2e_wait_text(vt, "待审批申请：");
	s = tl_login(b, "supervisor1");
	if (store_request_approve(s->st, id, &cause) != XJ_OK)
		fail_msg("approving: %s", cause);
	session_free(s);
	e2e_wait_text(vt, "王建国");
	e2e_wait_text(vt, "另一终端已修改此档案");
	e2e_wait_text(vt, "家长姓名");
	e2e_wait_gone(vt, "待审批申请：");
	screen_fits(vt);

	/*
	 * A status set elsewhere while this terminal's own question is
	 * open: the record follows under the dialog, and "y" does nothing.
	 */
	vt_key(vt, VT_KEY_F7);
	e2e_wait_text(vt, "的新状态");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "状态为何变更");
	vt_sendstr(vt, "结课");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "y：是");
	s = tl_login(b, "supervisor1");
	if (store_status_set(s->st, n, STATUS_WITHDRAWN, "搬家", &cause) !=
	    XJ_OK)
		fail_msg("setting the status: %s", cause);
	session_free(s);
	e2e_wait_text(vt, "状态 在读 → 退学");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "提问期间此档案已在另一终端被修改");
	e2e_wait_text(vt, "[退学]");
	e2e_wait_gone(vt, "[已结课]");
	/* The record says why it is what it is (issue 20). */
	e2e_wait_text(vt, "原为在读");
	e2e_wait_text(vt, "由陈静（supervisor1）更改，原因：搬家");
	e2e_quit_here(vt);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Issue 17: a guardian's request open at one terminal follows its close
 * at another and says so; it is read again (a logged read) only because
 * it changed, not for every commit of the branch.
 */
static void
test_guardian_follows(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*n, *n2, *cause = NULL, *want;
	int64_t			 gid;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	s = tl_login(b, "supervisor2");
	if (store_guardian_add(s->st, GUARDIAN_COMPLAINT, n, xj_now(),
	    "phone", "投诉：上课时间变动未通知。", &gid, &cause) != XJ_OK)
		fail_msg("registering: %s", cause);
	session_free(s);
	vt = e2e_start_zh(b, 24, 80, "supervisor1");
	vt_sendstr(vt, "g");
	e2e_wait_text(vt, "未关闭的请求");
	e2e_wait_text(vt, n);
	vt_key(vt, VT_KEY_ENTER);
	xasprintf(&want, "监护人请求 %" PRId64 " · ", gid);
	e2e_wait_text(vt, want);
	e2e_wait_text(vt, "处理中");
	free(want);

	/* Another child enrolled: nothing of this request changed. */
	n2 = tl_enrol_as(b, "reception2", "李小华", "2016-03", "李大华",
	    "13911116666");
	s = tl_login(b, "supervisor2");
	if (store_guardian_close(s->st, gid, "已电话答复并致歉。", &cause) !=
	    XJ_OK)
		fail_msg("closing: %s", cause);
	session_free(s);
	xasprintf(&want, "监护人请求 %" PRId64 " 已在另一终端关闭：已答复。",
	    gid);
	e2e_wait_text(vt, want);
	free(want);
	e2e_wait_text(vt, "已电话答复并致歉。");
	e2e_wait_gone(vt, "处理中");
	screen_fits(vt);
	/* Read when opened and when closed elsewhere: twice. */
	assert_int_equal(e2e_audit_count(b, "guardian.request.view",
	    "supervisor1", NULL), 2);
	e2e_quit_here(vt);
	free(n2);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Whether the selected row (">") of a list holds the text arg. */
static int
selected_holds(struct vt *vt, void *arg)
{
	char	*row;
	int	 r, yes;

	if (!vt_find(vt, arg, &r, NULL))
		return 0;
	row = vt_row(vt, r);
	yes = row[0] == '>';
	free(row);
	return yes;
}

static void
wait_selected(struct vt *vt, const char *number)
{
	if (vt_wait(vt, selected_holds, (void *)(uintptr_t)number,
	    E2E_WAIT) != 0) {
		vt_dump(vt, stderr);
		fail_msg("%s is not the selected row", number);
	}
}

/*
 * Issue 17: a search list follows another terminal's enrolment, the
 * selection kept on its student, and the new match logged alone; the
 * list under an open record follows once it shows again.
 */
static void
test_search_follows(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n, *n2, *n3, *n4, *detail;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	n2 = tl_enrol_as(b, "reception2", "王丽丽", "2016-02", "王大海",
	    "13911113333");
	vt = e2e_start_zh(b, 24, 80, "reception1");
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "查找");
	vt_sendstr(vt, "王");
	e2e_wait_text(vt, n);
	e2e_wait_text(vt, "2 个结果");
	/* Newest first: n2, then n; the operator moves to n. */
	vt_key(vt, VT_KEY_DOWN);
	wait_selected(vt, n);
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    NULL), 1);

	/* Enrolled at another terminal: on the list without a key. */
	n3 = tl_enrol_as(b, "reception2", "王小红", "2018-04", "王大红",
	    "13911114444");
	e2e_wait_text(vt, n3);
	e2e_wait_text(vt, "3 个结果");
	wait_selected(vt, n);
	screen_fits(vt);
	/* Logged once, naming only the one newly shown. */
	xasprintf(&detail, "results=3 numbers=%s", n3);
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    detail), 1);
	free(detail);
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    NULL), 2);

	/* Under an open record the list waits; back on it, it follows. */
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "修改历史");
	n4 = tl_enrol_as(b, "reception2", "王小兰", "2019-05", "王大兰",
	    "13911115555");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, n4);
	e2e_wait_text(vt, "4 个结果");
	wait_selected(vt, n);
	xasprintf(&detail, "results=4 numbers=%s", n4);
	assert_int_equal(e2e_audit_count(b, "student.find", "reception1",
	    detail), 1);
	free(detail);
	e2e_quit_here(vt);
	free(n4);
	free(n3);
	free(n2);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Whether the row holding arg[0] ends in arg[1] (a report's count). */
static int
row_ends(struct vt *vt, void *arg)
{
	const char *const	*want = arg;
	char			*row;
	size_t			 n, m = strlen(want[1]);
	int			 r, yes;

	if (!vt_find(vt, want[0], &r, NULL))
		return 0;
	row = vt_row(vt, r);
	n = strlen(row);
	yes = n > m && strcmp(row + n - m, want[1]) == 0 &&
	    row[n - m - 1] == ' ';
	free(row);
	return yes;
}

/*
 * Issue 17: the log and the reports follow the branch.  An entry made
 * at another terminal shows on the log's newest page by itself, the
 * selection kept; another reading of the log does not make it fetch
 * (each fetch is logged, and two open logs would fetch for each other);
 * the report shown is made again when what it counts changes.
 */
static void
test_log_and_reports_follow(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct audit_filter	 f;
	struct vt		*vt;
	const char		*want[2];
	char			*n, *n2, *n3, *n4, *cause = NULL, *text;
	int			 seen = 0;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	vt = e2e_start_zh(b, 24, 80, "auditor1");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "操作日志 · 第 1 页");
	xasprintf(&text, "王丽（reception1）登记了 %s", n);
	e2e_wait_text(vt, text);
	free(text);
	/* The selection on the enrolment, the second row. */
	vt_key(vt, VT_KEY_DOWN);
	wait_selected(vt, n);

	n2 = tl_enrol_as(b, "reception2", "李小华", "2016-03", "李大华",
	    "13911116666");
	xasprintf(&text, "李娜（reception2）登记了 %s", n2);
	e2e_wait_text(vt, text);
	free(text);
	wait_selected(vt, n);
	screen_fits(vt);

	/* The log read elsewhere: no fetch here; an enrolment: one. */
	s = tl_login(b, "auditor1");
	memset(&f, 0, sizeof f);
	f.limit = 1;
	if (store_audit_each(s->st, &f, tl_count_entry, &seen, &cause) !=
	    XJ_OK)
		fail_msg("reading the log: %s", cause);
	session_free(s);
	n3 = tl_enrol_as(b, "reception2", "李小明", "2016-04", "李大明",
	    "13911117777");
	e2e_wait_text(vt, n3);
	wait_selected(vt, n);
	assert_int_equal(e2e_audit_count(b, "audit.view", "auditor1", NULL),
	    4);

	/* The reports: the count of active students follows. */
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "主菜单");
	vt_char_mod(vt, 'r', VT_MOD_CTRL);
	e2e_wait_text(vt, "报表 · 1/5");
	want[0] = "在读";
	want[1] = "3";
	if (vt_wait(vt, row_ends, want, E2E_WAIT) != 0)
		fail_msg("the report does not count 3 active students");
	n4 = tl_enrol_as(b, "reception1", "李小红", "2016-05", "李大红",
	    "13911118888");
	e2e_wait_text(vt, "另一终端改动了校区数据");
	want[1] = "4";
	if (vt_wait(vt, row_ends, want, E2E_WAIT) != 0) {
		vt_dump(vt, stderr);
		fail_msg("the report does not count 4 active students");
	}
	screen_fits(vt);
	e2e_quit_here(vt);
	free(n4);
	free(n3);
	free(n2);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Issue 17: a change request whose old value is no longer the record's
 * is refused before "approve?" is asked, naming the field's label. */
static void
test_stale_change_refused(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*n, *cause = NULL, *label = NULL;
	int64_t			 stale, fresh;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	stale = file_change(b, n, "birth_month", "2017-03");
	fresh = file_change(b, n, "birth_month", "2017-05");
	s = tl_login(b, "supervisor2");
	if (store_request_approve(s->st, fresh, &cause) != XJ_OK)
		fail_msg("approving: %s", cause);
	session_free(s);

	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_zh_login(vt, "supervisor1", "pass-supervisor1");
	e2e_wait_text(vt, "主菜单");
	vt_key(vt, VT_KEY_F7);
	e2e_wait_text(vt, n);
	vt_key(vt, VT_KEY_ENTER);
	xasprintf(&label, "申请 %" PRId64, stale);
	e2e_wait_text(vt, label);
	e2e_wait_text(vt, "2017-03");
	vt_key(vt, VT_KEY_F2);
	/* Refused at once, in full, the field by its label. */
	e2e_wait_text(vt, "与档案已不一致");
	e2e_wait_text(vt, "出生年月 申请时为 2017-06，现在是");
	e2e_wait_text(vt, "2017-05。请驳回此申请");
	e2e_wait_gone(vt, "y：是");
	screen_fits(vt);
	assert_int_equal(state_of(b, stale), REQ_PENDING);
	e2e_quit_here(vt);
	free(label);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Issue 17: the idle lock keeps a half-filled form for the operator who
 * typed it; another operator's login closes it. */
static void
test_idle_lock_keeps_form(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child("idle_lock_seconds: 5\n", &n);
	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_zh_login(vt, "reception1", "pass-reception1");
	e2e_wait_text(vt, "主菜单");
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "学员姓名");
	vt_sendstr(vt, "李小红");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "2017-0");
	e2e_wait_text(vt, "2017-0");
	/* Locked by the clock: nothing of the form is left on screen. */
	if (vt_wait_text(vt, "口令：", 5000 + E2E_WAIT) != 0)
		fail_msg("the idle lock did not come");
	e2e_wait_gone(vt, "李小红");
	e2e_wait_text(vt, "reception1");
	vt_sendstr(vt, "pass-reception1");
	vt_key(vt, VT_KEY_ENTER);
	/* The same form, as it was, the cursor where it was. */
	e2e_wait_text(vt, "学员入学登记");
	e2e_wait_text(vt, "李小红");
	e2e_wait_text(vt, "2017-0");
	vt_sendstr(vt, "9");
	e2e_wait_text(vt, "2017-09");
	screen_fits(vt);

	/* Locked again; supervisor1 logs in: the form is gone. */
	vt_key(vt, VT_KEY_F12);
	e2e_wait_text(vt, "口令：");
	vt_key(vt, VT_KEY_BACKTAB);
	vt_char_mod(vt, 'u', VT_MOD_CTRL);
	vt_sendstr(vt, "supervisor1");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "pass-supervisor1");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "主菜单");
	e2e_wait_gone(vt, "李小红");
	vt_key(vt, VT_KEY_ESC);
	e2e_quit_here(vt);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* Open a screen from the menu by key, check it fits, and come back. */
static void
visit(struct vt *vt, enum vt_key key, const char *marker)
{
	vt_key(vt, key);
	e2e_wait_gone(vt, "主菜单");
	e2e_wait_text(vt, marker);
	screen_fits(vt);
	vt_key(vt, VT_KEY_F1);
	e2e_wait_text(vt, "按键");
	screen_fits(vt);
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, marker);
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "主菜单");
}

/* Issue 20: every screen at 80x24 in Chinese keeps F1 and ^Q in its key
 * bar and shows no raw key; help lists only keys that work there; a
 * message longer than the status line is shown whole. */
static void
test_walk_zh(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n, *row;
	int			r;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	file_change(b, n, "guardian_name", "王建国");
	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_wait_text(vt, "口令：");
	screen_fits(vt);
	e2e_zh_login(vt, "supervisor1", "pass-supervisor1");
	e2e_wait_text(vt, "主菜单");
	screen_fits(vt);
	/* The operator's name stays in the status line. */
	e2e_wait_text(vt, "（supervisor1）");

	visit(vt, VT_KEY_F7, "审批队列");
	visit(vt, VT_KEY_F8, "监护人确认");
	visit(vt, VT_KEY_F9, "我的");
	visit(vt, VT_KEY_F5, "档案库");
	visit(vt, VT_KEY_F6, "销毁记录");
	visit(vt, VT_KEY_F4, "学员入学登记");

	/* Search: help never offers "?" or End (^E), which enrols here. */
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "查找");
	vt_key(vt, VT_KEY_F1);
	e2e_wait_text(vt, "在输入栏中");
	e2e_wait_gone(vt, "F1 ?");
	e2e_wait_gone(vt, "End ^E");
	e2e_wait_text(vt, "F4 ^E");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_gone(vt, "在输入栏中");
	/* "?" is text there, and help's keys are what works. */
	vt_sendstr(vt, "王小明");
	e2e_wait_text(vt, n);
	screen_fits(vt);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "修改历史");
	e2e_wait_text(vt, "13911112222");	/* a supervisor sees it */
	screen_fits(vt);
	record_aligned(vt);

	/* A status dialog is framed and says everything it asks. */
	vt_key(vt, VT_KEY_F7);
	e2e_wait_text(vt, "的新状态");
	e2e_wait_text(vt, "┌");
	e2e_wait_text(vt, "┘");
	screen_fits(vt);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "原因");
	/* An empty required reason says so. */
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "此处必须填写");
	/* A paste longer than the field says how much was left out. */
	row = xmalloc(300 * 3 + 1);
	row[0] = '\0';
	for (r = 0; r < 210; r++)
		strcat(row, "长");
	vt_paste(vt, row);
	free(row);
	e2e_wait_text(vt, "此栏最多 200 个字");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_gone(vt, "┌");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, n);
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "主菜单");
	e2e_quit_here(vt);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/* The auditor's screens: the key bar and the status line whole.  (The
 * log's sentences are tested in test-sentences.) */
static void
test_walk_auditor_zh(void **state)
{
	static const struct {
		enum vt_key	key;
		int		ctrl;		/* a ^ key instead */
		const char	*marker;
	} screens[] = {
		{ VT_KEY_F2, 0, "操作日志" },
		{ VT_KEY_F11, 0, "校验" },
		{ 0, 'r', "报表" },
		{ 0, 'u', "访问分析" },
	};
	struct tl_branch	*b;
	struct vt		*vt;
	char			*n;
	size_t			 i;

	(void)state;
	e2e_find_catalogue();
	b = branch_with_child(NULL, &n);
	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_zh_login(vt, "auditor1", "pass-auditor1");
	e2e_wait_text(vt, "主菜单");
	screen_fits(vt);
	for (i = 0; i < nitems(screens); i++) {
		if (screens[i].ctrl != 0)
			vt_char_mod(vt, screens[i].ctrl, VT_MOD_CTRL);
		else
			vt_key(vt, screens[i].key);
		e2e_wait_gone(vt, "主菜单");
		e2e_wait_text(vt, screens[i].marker);
		e2e_wait_text(vt, "^Q 退出");	/* verifying draws none */
		screen_fits(vt);
		vt_key(vt, VT_KEY_F1);
		e2e_wait_text(vt, "按键");
		screen_fits(vt);
		vt_key(vt, VT_KEY_ESC);
		e2e_wait_gone(vt, "按键");
		vt_key(vt, VT_KEY_ESC);
		e2e_wait_text(vt, "主菜单");
	}
	e2e_quit_here(vt);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_small_refuses_keys),
		cmocka_unit_test(test_record_follows_approval),
		cmocka_unit_test(test_search_follows),
		cmocka_unit_test(test_guardian_follows),
		cmocka_unit_test(test_log_and_reports_follow),
		cmocka_unit_test(test_stale_change_refused),
		cmocka_unit_test(test_idle_lock_keeps_form),
		cmocka_unit_test(test_walk_zh),
		cmocka_unit_test(test_walk_auditor_zh),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
