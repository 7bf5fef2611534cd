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
#include "xueji/checkpoint.h"
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
	/* The file is chosen: the screen no longer says none is. */
	e2e_wait_text(vt, "nowhere.csv");
	e2e_wait_gone(vt, "尚未选择文件");
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
	e2e_wait_gone(vt, "guardian_phone");
	e2e_wait_gone(vt, "F2 导入");
	vt_key(vt, VT_KEY_F2);
	vt_key(vt, VT_KEY_F1);
	e2e_wait_text(vt, "F3");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "第 3 行");
	e2e_wait_gone(vt, "报名，监护人同意方式");
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

/* The file's bytes, malloc'd and NUL-terminated; *mode its mode. */
static char *
slurp(const char *path, mode_t *mode)
{
	struct stat	 sb;
	char		*buf, *cause = NULL;
	size_t		 len;

	assert_int_equal(stat(path, &sb), 0);
	*mode = sb.st_mode & 07777;
	if (xj_read_file(path, 1 << 20, &buf, &len, &cause) != XJ_OK)
		fail_msg("%s", cause);
	buf = xreallocarray(buf, len + 1, 1);
	buf[len] = '\0';
	return buf;
}

/*
 * Test 19.7: an export from the menu.  Which students, the purpose, the
 * encoding and the path are asked; the file is written new, 0600, with
 * the form's labels and the student, and the screen names it in full.
 * The export is logged as xueji export logs it, the purpose kept apart
 * from the chain.  A second export to the same path is refused, the
 * file left as it was.
 */
static void
test_export(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*path, *text, *number;
	mode_t			 mode;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	number = tl_enrol(s, "王小明", "2017-06", "王大明", "13911112222",
	    NULL);
	session_free(s);
	path = xj_path_join(b->dir, "名单.csv");

	vt = e2e_start_zh(b, 24, 80, "supervisor1");
	e2e_wait_text(vt, "导出学员（CSV）");
	vt_sendstr(vt, "e");
	e2e_wait_text(vt, "导出哪些学员？");
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "为什么要把这些档案导出系统？");
	vt_sendstr(vt, "期末家长会");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "文件的编码：");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "要写入的新文件");
	vt_sendstr(vt, path);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "已导出 1 名学员（在读学员），文件位于：");
	e2e_wait_text(vt, "名单.csv");
	e2e_wait_text(vt, b->dir);
	text = slurp(path, &mode);
	assert_int_equal(mode, 0600);
	assert_non_null(strstr(text, "\xef\xbb\xbf"));
	assert_non_null(strstr(text, "姓名"));
	assert_non_null(strstr(text, number));
	assert_non_null(strstr(text, "王小明"));
	assert_int_equal(e2e_audit_count(b, "export.run", "supervisor1",
	    "rows=1"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM export_log WHERE "
	    "purpose = '期末家长会'"), 1);

	/* Again to the same path: refused, the file as it was. */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "导出哪些学员？");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "为什么要把这些档案导出系统？");
	vt_sendstr(vt, "再来一份");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "文件的编码：");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "要写入的新文件");
	vt_sendstr(vt, path);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "未导出任何学员：");
	e2e_wait_text(vt, "已存在；导出从不覆盖已有文件");
	free(text);
	text = slurp(path, &mode);
	assert_non_null(strstr(text, "王小明"));
	assert_int_equal(e2e_audit_count(b, "export.run", "supervisor1",
	    NULL), 1);
	e2e_quit_zh(vt);

	tl_check_db(b);
	free(text);
	free(number);
	free(path);
	tl_branch_free(b);
}

/*
 * Test 19.8: a checkpoint from the menu.  None yet: the menu says so in
 * the error style, naming its own item.  The screen writes one to a
 * folder typed in, named after the branch and the entry, that verifies
 * against the log; the screen then shows its entry, and the menu's line
 * reads plainly.  Logged as xueji checkpoint logs it.
 */
static void
test_checkpoint(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*usb, *path, *text, *cause = NULL, name[64];
	int64_t			 seq;
	mode_t			 mode;

	(void)state;
	b = tl_branch_new();
	usb = xj_path_join(b->dir, "usb");
	assert_int_equal(mkdir(usb, 0700), 0);

	vt = e2e_start_zh(b, 24, 80, "auditor1");
	e2e_wait_text(vt, "尚无日志检查点：请见“日志检查点”");
	assert_true(e2e_bold(vt, "尚无日志检查点"));
	vt_sendstr(vt, "c");
	e2e_wait_text(vt, "尚无检查点。");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "检查点写入哪个文件夹");
	vt_sendstr(vt, usb);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "已写入第");
	e2e_wait_text(vt, "刚才写入：");
	e2e_wait_text(vt, ".checkpoint");
	e2e_wait_text(vt, "上次检查点：第");
	assert_int_equal(e2e_audit_count(b, "audit.checkpoint", "auditor1",
	    "seq="), 1);

	s = tl_login(b, "auditor1");
	text = tl_query(s, "SELECT detail FROM audit WHERE action = "
	    "'audit.checkpoint'");
	assert_non_null(text);
	seq = strtoll(strstr(text, "seq=") + 4, NULL, 10);
	free(text);
	snprintf(name, sizeof name, "SH01-%012lld.checkpoint", (long long)seq);
	path = xj_path_join(usb, name);
	text = slurp(path, &mode);
	assert_int_equal(mode & 0133, 0);	/* 0644 less the umask */
	assert_int_equal(store_verify_checkpoint(s->st, s->secret->sign_seed,
	    text, strlen(text), &seq, &cause), XJ_OK);
	session_free(s);

	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "上次日志检查点：");
	assert_false(e2e_bold(vt, "上次日志检查点："));
	e2e_wait_gone(vt, "尚无日志检查点");
	e2e_quit_zh(vt);

	tl_check_db(b);
	free(text);
	free(path);
	free(usb);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_checkpoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
