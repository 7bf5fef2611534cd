/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 7 in a real terminal.  The main menu says when the last
 * successful restore drill was, and warns once it is older than
 * restore_drill_warn_days or when there was none, to those who back up,
 * restore or audit, never at the counter; it follows a drill run from
 * elsewhere without a key.  The approval queue lists the guardians'
 * requests that are past their due date, first and standing out; one
 * opens with its kind, dates, channel and linked request, and closes with
 * the response given, through the store that checks and logs it.  The
 * clock is injected with XUEJI_NOW; waits are for markers on the screen,
 * never fixed sleeps.
 */
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/guardian.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

#define DAY		(24 * 60 * 60)
/* How soon a drill run elsewhere must show in a menu nobody touches. */
#define LIVE_MS		3000

/* Whether text, looked for in row only, is drawn bold. */
static int
bold_in_row(struct vt *vt, int row, const char *text)
{
	struct vt_attrs	 a;
	char		 cell[32];
	int		 c, cols, rows, w, i;
	size_t		 len = strlen(text);

	vt_size(vt, &rows, &cols);
	/* ASCII text: one cell a byte. */
	for (c = 0; c + (int)len <= cols; c++) {
		for (i = 0; i < (int)len; i++) {
			if (vt_cell(vt, row, c + i, cell, &w) != 0 ||
			    cell[0] != text[i] || cell[1] != '\0')
				break;
		}
		if (i == (int)len) {
			assert_int_equal(vt_cell_attrs(vt, row, c, &a), 0);
			return a.bold;
		}
	}
	fail_msg("\"%s\" is not on row %d", text, row);
	return 0;
}

/* A terminal at the injected time now ("XUEJI_NOW=..."), logged in. */
static struct vt *
start_at(const struct tl_branch *b, const char *now, const char *id,
    char *const more[])
{
	char		*env[4], pass[64];
	struct vt	*vt;
	int		 i = 0;

	env[i++] = (char *)(uintptr_t)now;
	while (more != NULL && *more != NULL && i < 3)
		env[i++] = *more++;
	env[i] = NULL;
	vt = e2e_start(b, 24, 80, env);
	e2e_login(vt, id, tl_pass(id, pass, sizeof pass));
	return vt;
}

/* Back up and drill as supervisor1, the clock at when (ISO). */
static void
drill_at(const struct tl_branch *b, const char *when, const char *name)
{
	struct drill_report	 r;
	struct session		*s;
	char			*path, *cause = NULL;

	setenv("XUEJI_NOW", when, 1);
	s = tl_login(b, "supervisor1");
	xasprintf(&path, "%s/%s", b->dir, name);
	if (store_backup(s->st, s->secret->db_key, path, NULL, &cause) !=
	    XJ_OK)
		fail_msg("backup: %s", cause);
	memset(&r, 0, sizeof r);
	if (store_restore_drill(s->st, s->secret->db_key, path, &r,
	    &cause) != XJ_OK)
		fail_msg("drill: %s", cause);
	drill_report_free(&r);
	session_free(s);
	free(path);
	unsetenv("XUEJI_NOW");
}

/* The build's catalogues: make test exports them; by hand, beside the
 * binary. */
static char *
localedir_env(void)
{
	const char	*ld = getenv("XUEJI_LOCALEDIR");
	char		*bin, *env;

	if (ld != NULL && *ld != '\0')
		xasprintf(&env, "XUEJI_LOCALEDIR=%s", ld);
	else {
		bin = xstrdup(e2e_binary());
		xasprintf(&env, "XUEJI_LOCALEDIR=%s/locale", dirname(bin));
		free(bin);
	}
	return env;
}

/*
 * Test 7.1: the restore drill in the menu.  None yet: a warning, in
 * words and bold.  A drill run from another process shows by itself as
 * its date.  A month later (restore_drill_warn_days: 30) the warning
 * names the date of the last one.  The auditor, who may not run one,
 * reads the date in Chinese without a warning; the receptionist is never
 * shown it.
 */
static void
test_menu_drill(void **state)
{
	static char	 nov[] = "XUEJI_NOW=2026-11-01T12:00:00";
	static char	 dec[] = "XUEJI_NOW=2026-12-01T12:00:00";
	static char	 lang[] = "LANGUAGE=zh_CN";
	struct tl_branch *b;
	struct vt	*vt;
	char		*zh[4];

	(void)state;
	b = tl_branch_new_with("restore_drill_warn_days: 30\n");

	vt = start_at(b, nov, "supervisor1", NULL);
	e2e_wait_text(vt, "main menu");
	e2e_wait_text(vt, "No restore drill yet");
	assert_true(e2e_bold(vt, "No restore drill yet"));

	/* A drill elsewhere; the menu, left alone, follows. */
	drill_at(b, "2026-10-20T12:00:00", "b1.xjb");
	if (vt_wait_text(vt, "Last restore drill: 2026-10-20", LIVE_MS) != 0)
		fail_msg("the menu did not show the drill by itself");
	e2e_wait_gone(vt, "No restore drill yet");
	e2e_wait_gone(vt, "overdue");
	assert_false(e2e_bold(vt, "Last restore drill"));
	e2e_quit(vt);

	/* Six weeks on: overdue, with the date of the last one. */
	vt = start_at(b, dec, "supervisor1", NULL);
	e2e_wait_text(vt, "main menu");
	e2e_wait_text(vt, "Restore drill overdue: last on 2026-10-20, over "
	    "30 days ago");
	assert_true(e2e_bold(vt, "Restore drill overdue"));
	e2e_quit(vt);

	/* The auditor too, in Chinese. */
	zh[0] = lang;
	zh[1] = localedir_env();
	zh[3] = NULL;
	zh[2] = dec;
	vt = e2e_start(b, 24, 80, zh);
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, "auditor1");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "pass-auditor1");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "主菜单");
	/* The date, plainly: the auditor may not run a drill (issue 19). */
	e2e_wait_text(vt, "上次恢复演练：2026-10-20");
	assert_false(e2e_bold(vt, "上次恢复演练"));
	e2e_wait_gone(vt, "逾期");
	e2e_wait_gone(vt, "备份");
	e2e_quit_zh(vt);
	free(zh[1]);

	/* Nothing at the counter. */
	vt = start_at(b, dec, "reception1", NULL);
	e2e_wait_text(vt, "main menu");
	e2e_wait_text(vt, "Find a student");
	e2e_wait_gone(vt, "drill");
	e2e_quit(vt);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Test 7.2: a guardian's correction, received 30 days ago and due after
 * 15, is overdue: the menu says so, and the approval queue lists it
 * first, marked "!" and bold, OVERDUE in words, beside a pending change
 * request.  A request received yesterday is not listed.  Enter shows
 * its kind, received date and channel, due date and lateness, what the
 * guardian asked, and the change request that carries it out; closing
 * it while that is pending is refused by the store, said in the status
 * line.  Approving the change from there closes it by itself; the
 * response is then recorded from the screen, logged as the command
 * line's close is, and the queue no longer lists it.
 */
static void
test_queue_guardian(void **state)
{
	const struct field_input in[] = { { "guardian_name", "周建国" } };
	struct tl_branch	*b;
	struct session		*s;
	struct guardian_request	*g;
	struct vt		*vt;
	char			*n, *n2, *cause = NULL, day[16], due[16];
	char			 want[128];
	time_t			 now = time(NULL), got;
	struct tm		 tm;
	int64_t			 gid, gid2, rid;
	int			 r, c, rc, r2;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	n = tl_enrol(s, "周小红", "2017-04", "周大国", "13911114444", NULL);
	n2 = tl_enrol(s, "吴小明", "2016-02", "吴父", "13911115555", NULL);
	assert_non_null(n);
	assert_non_null(n2);
	got = now - 30 * DAY;
	assert_int_equal(store_guardian_add(s->st, GUARDIAN_CORRECTION, n,
	    got, "phone", "家长来电：家长姓名登记错了，应为周建国。", &gid,
	    &cause), XJ_OK);
	assert_int_equal(store_guardian_add(s->st, GUARDIAN_COMPLAINT, n2,
	    now - DAY, "letter", "投诉：上课时间变动未通知。", &gid2, &cause),
	    XJ_OK);
	assert_int_equal(store_change_request(s->st, n, in, 1, "监护人更正",
	    "户口本", &rid, &cause), XJ_OK);
	assert_int_equal(store_guardian_link(s->st, gid, rid, &cause), XJ_OK);
	session_free(s);
	localtime_r(&got, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	got += 15 * DAY;
	localtime_r(&got, &tm);
	strftime(due, sizeof due, "%Y-%m-%d", &tm);

	vt = e2e_start_as(b, 24, 80, "supervisor1");
	e2e_wait_text(vt, "1 guardian's request overdue: see the approval "
	    "queue");
	vt_key(vt, VT_KEY_F7);
	e2e_wait_text(vt, "Approval queue");
	e2e_wait_text(vt, "1 request · 1 guardian's request past its due "
	    "date, listed first");
	/* First, above the change request; the complaint is in time. */
	e2e_wait_text(vt, "> 1      guardian");
	e2e_wait_text(vt, "  1      change");
	assert_true(vt_find(vt, n, &r, &c));
	assert_true(vt_find(vt, "change", &r2, &c));
	assert_true(r < r2);
	e2e_wait_gone(vt, n2);
	/* Selected, it shows as selected; left, it stands out. */
	vt_key(vt, VT_KEY_DOWN);
	e2e_wait_text(vt, "> 1      change");
	e2e_wait_text(vt, "! 1      guardian");
	assert_true(bold_in_row(vt, r, "guardian"));
	assert_true(bold_in_row(vt, r, "OVERDUE"));
	assert_false(bold_in_row(vt, r2, "change"));
	vt_key(vt, VT_KEY_UP);
	e2e_wait_text(vt, "> 1      guardian");

	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Guardian's request 1 · correction · open");
	snprintf(want, sizeof want, "%s · by phone", day);
	e2e_wait_text(vt, want);
	snprintf(want, sizeof want, "%s · OVERDUE by 15 days", due);
	e2e_wait_text(vt, want);
	assert_true(e2e_bold(vt, "OVERDUE by 15 days"));
	e2e_wait_text(vt, n);
	e2e_wait_text(vt, "家长来电：家长姓名登记错了");
	e2e_wait_text(vt, "request 1 (Enter opens it)");
	e2e_wait_text(vt, "F2 Close request");

	/* Its change request is pending: the store refuses, and says why. */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "What was the guardian told?");
	vt_sendstr(vt, "已告知家长：更正已提交审批。");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Close guardian's request 1 about");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "Error:");
	/* In full on the screen: the status line is too short for it. */
	e2e_wait_text(vt, "this closes by itself when it is decided");
	e2e_wait_text(vt, "Guardian's request 1 · correction · open");

	/* The change request, opened from here and approved. */
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Request 1 · change · pending");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "Approve request 1 for 周小红");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "Request 1 approved");
	e2e_wait_text(vt, "Guardian's request 1 · correction · closed: its "
	    "request was approved");
	e2e_wait_text(vt, "(none yet)");

	/* The answer, recorded afterwards. */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "What was the guardian told?");
	vt_sendstr(vt, "已电话告知家长：姓名已更正。");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "Response: 已电话告知家长：姓名已更正。");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "Guardian's request 1 closed with the response "
	    "recorded.");
	e2e_wait_text(vt, "Approval queue");
	e2e_wait_text(vt, "No request waits for a decision");
	e2e_wait_gone(vt, "guardian");
	e2e_quit(vt);

	s = tl_login(b, "supervisor2");
	rc = store_guardian_get(s->st, gid, &g, &cause);
	assert_int_equal(rc, XJ_OK);
	assert_false(g->open);
	assert_string_equal(g->outcome, "approved");
	assert_string_equal(g->response, "已电话告知家长：姓名已更正。");
	assert_string_equal(g->responded_by, "supervisor1");
	guardian_request_free(g);
	session_free(s);
	assert_int_equal(e2e_audit_count(b, "guardian.request.close",
	    "supervisor1", "guardian=1 kind=correction outcome=approved "
	    "response=added"), 1);
	assert_int_equal(e2e_audit_count(b, "guardian.request.close",
	    "supervisor1", "request=1"), 1);
	assert_true(e2e_audit_count(b, "guardian.request.view", "supervisor1",
	    "guardian=1") >= 1);
	free(n);
	free(n2);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_menu_drill),
		cmocka_unit_test(test_queue_guardian),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
