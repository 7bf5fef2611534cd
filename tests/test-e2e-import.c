/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 19 in a real terminal, in Chinese at 80x24: what a supervisor
 * did with xueji import, export and checkpoint, done from the menu.
 * Each is logged as the command line's twin logs it.  Waits are for
 * markers on the screen, never fixed sleeps.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static long
count(const struct tl_branch *b, const char *sql)
{
	struct session	*s = tl_login(b, "supervisor1");
	char		*v = tl_query(s, sql);
	long		 n = v != NULL ? atol(v) : -1;

	free(v);
	session_free(s);
	return n;
}

/*
 * Test 19.6: an import from the menu.  A path that does not exist is
 * said plainly, and logged as xueji import logs it.  The file's header
 * names the phone column by its key: the row with a bad phone is listed
 * by its row and the form's label for the field, never the key; F2 is
 * not offered and nothing is enrolled.  The file fixed, F3 checks it
 * again; F2 and a yes enrol both rows, each listed with its number, as
 * one import.run entry with the consent method chosen.
 */
static void
test_import(void **state)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*csv, *missing;

	(void)state;
	b = tl_branch_new();
	csv = xj_path_join(b->dir, "新生.csv");
	missing = xj_path_join(b->dir, "nowhere.csv");
	write_file(csv, "姓名,出生年月,监护人,guardian_phone\n"
	    "张小三,2017-06,张大三,13911112222\n"
	    "李小四,2016-03,李大四,1391111\n");

	vt = e2e_start_zh(b, 24, 80, "supervisor1");
	e2e_wait_text(vt, "导入学员（CSV）");
	vt_sendstr(vt, "i");
	e2e_wait_text(vt, "要导入的 CSV 文件（路径）：");
	vt_sendstr(vt, missing);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "监护人以何种方式同意");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "请检查路径是否正确、文件能否读取");
	e2e_wait_text(vt, "nowhere.csv");
	assert_int_equal(e2e_audit_count(b, "import.dry-run", "supervisor1",
	    "stage=read"), 1);

	/* F4: the file with a bad row. */
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "要导入的 CSV 文件（路径）：");
	vt_sendstr(vt, csv);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "监护人以何种方式同意");
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "共 2 行中有 1 行存在问题，共 1 处");
	e2e_wait_text(vt, "第 3 行  家长联系电话：手机号应为11位数字");
	e2e_wait_text(vt, "监护人同意方式：签署纸质同意书");
	assert_false(e2e_on_screen(vt, "guardian_phone"));
	assert_false(e2e_on_screen(vt, "F2 导入"));
	vt_key(vt, VT_KEY_F2);
	vt_key(vt, VT_KEY_F1);
	e2e_wait_text(vt, "F3");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "第 3 行");
	assert_false(e2e_on_screen(vt, "报名，监护人同意方式"));
	assert_int_equal(e2e_audit_count(b, "import.dry-run", "supervisor1",
	    "valid=1 problems=1"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM student"), 0);

	/* Fixed: checked again, then imported. */
	write_file(csv, "姓名,出生年月,监护人,guardian_phone\n"
	    "张小三,2017-06,张大三,13911112222\n"
	    "李小四,2016-03,李大四,13911113333\n");
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "全部 2 行都可以导入");
	e2e_wait_text(vt, "F2 导入");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "为文件中的 2 名学员报名，监护人同意方式为“签署纸质同意书”");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "已导入 2 名学员，新学号列在下面。");
	e2e_wait_text(vt, "第 2 行  已报名，学号 SH01-");
	e2e_wait_text(vt, "第 3 行  已报名，学号 SH01-");
	assert_int_equal(e2e_audit_count(b, "import.run", "supervisor1",
	    "rows=2 consent=signed-form"), 1);
	assert_int_equal(e2e_audit_count(b, "student.enroll", "supervisor1",
	    NULL), 2);
	assert_int_equal(count(b, "SELECT count(*) FROM student"), 2);
	e2e_quit_zh(vt);

	tl_check_db(b);
	free(missing);
	free(csv);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
