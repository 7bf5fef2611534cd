/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The counter in Chinese, end to end, at 80 columns: the interface the
 * receptionists read.  Every screen a receptionist passes through is in
 * Chinese (menus, status line, role, consent, key bar), and the result
 * list stays aligned when names of two, three and four double-width
 * characters (one outside the BMP) stand in the same column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

static char	language[] = "LANGUAGE=zh_CN";

/* Three result rows, each with its birth month under "出生" and its
 * status under "状态". */
static int
aligned(struct vt *vt, void *arg)
{
	char	*row;
	int	 r, c, birth, status, rows = 0, ok = 1;

	(void)arg;
	if (!vt_find(vt, "出生", &r, &birth) ||
	    !vt_find(vt, "状态", &r, &status))
		return 0;
	for (r = 0; r < 24; r++) {
		row = vt_row(vt, r);
		if (strstr(row, "SH01-") != NULL) {
			rows++;
			c = vt_find_in_row(vt, r, "2017-06");
			ok = ok && c == birth;
			c = vt_find_in_row(vt, r, "在读");
			ok = ok && c == status;
		}
		free(row);
	}
	return ok && rows == 3;
}

static void
test_counter_in_chinese(void **state)
{
	static const struct {
		const char	*name, *guardian, *phone;
	} kids[] = {
		{ "王杰", "王建国", "13911110000" },
		{ "李诗涵", "李红", "13822220000" },
		{ "欧阳𠮷娜", "欧阳明", "13733330000" },
	};
	char			*extra[] = { language, NULL };
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*n[3];
	int			i;

	(void)state;
	e2e_find_catalogue();
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	for (i = 0; i < 3; i++) {
		n[i] = tl_enrol(s, kids[i].name, "2017-06", kids[i].guardian,
		    kids[i].phone, NULL);
		assert_non_null(n[i]);
	}
	session_free(s);

	vt = e2e_start(b, 24, 80, extra);
	e2e_wait_text(vt, "操作员：");
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, "reception1");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "pass-reception1");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "主菜单");
	/* Who, in which role, at which branch: the role in Chinese too. */
	/* Chinese brackets in Chinese text (issue 20). */
	e2e_wait_text(vt, "王丽（reception1） · 前台 · 测试校区");
	e2e_wait_text(vt, "查找学员");
	e2e_wait_gone(vt, "Find");

	/* The three share a phone tail: one search finds all of them. */
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "学号、姓名");
	vt_sendstr(vt, "0000");
	e2e_wait_text(vt, "3 个结果");
	for (i = 0; i < 3; i++)
		e2e_wait_text(vt, kids[i].name);
	/* Every row's birth month and status sit under their headings,
	 * whatever the width of the name before them.  Waited for: the
	 * screen may still be arriving from the last keystroke. */
	if (vt_wait(vt, aligned, NULL, E2E_WAIT) != 0) {
		vt_dump(vt, stderr);
		fail_msg("the result list is not aligned under its headings");
	}
	e2e_wait_text(vt, "Enter 打开");

	/* The record of the four-character name: labels, the consent as
	 * the form words it, the history. */
	vt_key(vt, VT_KEY_UP);
	vt_key(vt, VT_KEY_UP);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "修改历史");
	e2e_wait_text(vt, "监护人同意：当面确认");
	e2e_wait_gone(vt, "in-person");
	e2e_wait_text(vt, "学员姓名");

	/* A bad value in the change form: the message reads as Chinese,
	 * with a full-width colon after the label. */
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "的变更申请");
	for (i = 0; i < 3; i++)
		vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "139");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "家长联系电话：手机号应为11位数字");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "不保存已输入的内容就离开？");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "修改历史");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "3 个结果");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "主菜单");
	e2e_quit_here(vt);
	for (i = 0; i < 3; i++)
		free(n[i]);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_in_chinese),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
