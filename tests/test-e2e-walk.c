/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 20: every screen at 80x24, as a receptionist, a supervisor and
 * an auditor would reach it, each with its help, in Chinese and in
 * English: the key bar holds F1 and ^Q and every key it lists (no "…"
 * of its own), the status line is whole and names the operator, and
 * where a screen has a column of values (the record; the queue, the
 * archive, the log, the operators, the backups) they line up.  In
 * Chinese no raw key of a field or an action shows either.  The checks
 * are e2e_zh_screen_fits(), e2e_en_screen_fits() and e2e_column() in
 * tests/lib/e2e.c.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/testlib.h"
#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/destroy.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

static char	language[] = "LANGUAGE=zh_CN";

/*
 * One step of a walk: keys to press (space-separated: F1-F12, ^X,
 * Enter, Esc, Down, or text to type), the text that says the screen
 * came in Chinese and in English, and how: DIALOG over its screen (the
 * screen behind still shows, and help is not asked there), STAYS when
 * the last screen's marker is still on it.  A step with a marker of
 * NULL only presses its keys.  columns, if not NULL, checks that the
 * screen's columns line up.
 */
#define DIALOG	1
#define STAYS	2

struct step {
	const char	*keys;
	const char	*zh, *en;
	int		 how;
	void		(*columns)(struct vt *, int zh);
};

static void
press(struct vt *vt, const char *keys)
{
	char	*copy, *k, *save = NULL;

	if (keys == NULL)
		return;
	copy = xstrdup(keys);
	for (k = strtok_r(copy, " ", &save); k != NULL;
	    k = strtok_r(NULL, " ", &save)) {
		if (k[0] == 'F' && k[1] >= '1' && k[1] <= '9')
			vt_key(vt, (enum vt_key)(VT_KEY_F1 + atoi(k + 1) - 1));
		else if (k[0] == '^' && k[1] != '\0')
			vt_char_mod(vt, tolower((unsigned char)k[1]), VT_MOD_CTRL);
		else if (strcmp(k, "Enter") == 0)
			vt_key(vt, VT_KEY_ENTER);
		else if (strcmp(k, "Esc") == 0)
			vt_key(vt, VT_KEY_ESC);
		else if (strcmp(k, "Down") == 0)
			vt_key(vt, VT_KEY_DOWN);
		else
			vt_sendstr(vt, k);
	}
	free(copy);
}

/* This year as the lists write it ("2026-"): a date's column. */
static const char *
year(void)
{
	static char	buf[16];

	xj_dayfmt(xj_now(), buf, sizeof buf);
	buf[5] = '\0';
	return buf;
}

/* The record's values, each in the values' column. */
static void
record_columns(struct vt *vt, int zh)
{
	static const char *const values[] = {
		"王小明", "2017-06", "王大明", "139",
	};

	(void)zh;
	e2e_aligned(vt, values, nitems(values));
}

/*
 * The queue: the student numbers after kinds of any width, and who
 * asked, by name and id as the status line names them.
 */
static void
queue_columns(struct vt *vt, int zh)
{
	e2e_column(vt, 3, "SH01-");
	e2e_column(vt, 3, zh ? "王丽（reception1）" : "王丽 (reception1)");
}

/* One's own requests: the student numbers after kinds of any width. */
static void
mine_columns(struct vt *vt, int zh)
{
	(void)zh;
	e2e_column(vt, 3, "SH01-");
}

/* The archive: the enrolment date, the status, under their heads. */
static void
archive_columns(struct vt *vt, int zh)
{
	e2e_column(vt, 4, year());
	e2e_column(vt, 4, zh ? "在读" : "active");
}

/* The log: the times after entry numbers of any width. */
static void
log_columns(struct vt *vt, int zh)
{
	(void)zh;
	e2e_column(vt, 3, year());
}

/* The operators: key slot and last login after names and roles. */
static void
operators_columns(struct vt *vt, int zh)
{
	e2e_column(vt, 4, zh ? "是" : "yes");
	e2e_column(vt, 4, year());
}

/* The backups: sizes, right-aligned, and the files after them. */
static void
backups_columns(struct vt *vt, int zh)
{
	(void)zh;
	e2e_column(vt, 4, "KB");
	e2e_column(vt, 4, ".xjb");
}

static void
walk(struct vt *vt, const char *op, int zh, const struct step *steps,
    size_t n)
{
	const char	*was = zh ? "主菜单" : "main menu", *marker;
	const char	*help = zh ? "按键" : "Keys";
	size_t		 i;

	for (i = 0; i < n; i++) {
		press(vt, steps[i].keys);
		if ((marker = zh ? steps[i].zh : steps[i].en) == NULL)
			continue;
		if (!(steps[i].how & (DIALOG | STAYS)) &&
		    strcmp(was, marker) != 0)
			e2e_wait_gone(vt, was);
		e2e_wait_text(vt, marker);
		if (zh)
			e2e_zh_screen_fits(vt, op);
		else
			e2e_en_screen_fits(vt, op);
		if (steps[i].columns != NULL)
			steps[i].columns(vt, zh);
		if (!(steps[i].how & DIALOG)) {
			vt_key(vt, VT_KEY_F1);
			e2e_wait_text(vt, help);
			if (zh)
				e2e_zh_screen_fits(vt, op);
			else
				e2e_en_screen_fits(vt, op);
			vt_key(vt, VT_KEY_ESC);
			e2e_wait_gone(vt, help);
			e2e_wait_text(vt, marker);
			was = marker;
		}
	}
}

/* A backup made at t, as if then: the list shows two of different times. */
static void
backup_at(struct session *s, time_t t)
{
	char	when[32], *cause = NULL;

	xj_isotime(t, when, sizeof when);
	when[strlen(when) - 1] = '\0';		/* XUEJI_NOW takes no Z */
	setenv("XUEJI_NOW", when, 1);
	if (store_backup(s->st, s->secret->db_key, NULL, NULL, &cause) !=
	    XJ_OK)
		fail_msg("a backup: %s", cause);
	unsetenv("XUEJI_NOW");
}

/*
 * A branch with a child, a pending change of the guardian's name filed
 * by reception1, and a status changed once with a reason; two other
 * children, active, one with a change pending too; two backups.
 */
static struct tl_branch *
branch(char **number, int64_t *request)
{
	struct tl_branch	*b = tl_branch_new();
	struct session		*s = tl_login(b, "reception1");
	struct field_input	 in = { "guardian_name", "王建国" };
	char			*cause = NULL, *other;
	int64_t			 id;

	*number = tl_enrol(s, "王小明", "2017-06", "王大明", "13911112222",
	    NULL);
	assert_non_null(*number);
	if (store_change_request(s->st, *number, &in, 1, "证件有误", NULL,
	    request, &cause) != XJ_OK)
		fail_msg("filing a change: %s", cause);
	free(tl_enrol(s, "张小华", "2016-09", "张大华", "13933334444", NULL));
	other = tl_enrol(s, "欧阳小红", "2018-02", "欧阳大红", "13922223333",
	    NULL);
	assert_non_null(other);
	in.value = "欧阳建国";
	if (store_change_request(s->st, other, &in, 1, "证件有误", NULL,
	    &id, &cause) != XJ_OK)
		fail_msg("filing a change: %s", cause);
	free(other);
	session_free(s);
	s = tl_login(b, "supervisor1");
	if (store_status_set(s->st, *number, STATUS_COMPLETED, "课程结束",
	    &cause) != XJ_OK)
		fail_msg("setting the status: %s", cause);
	backup_at(s, time(NULL) - 7200);
	backup_at(s, time(NULL) - 3600);
	session_free(s);
	return b;
}

static void
run(const char *op, int zh, const struct step *steps, size_t n)
{
	struct tl_branch	*b;
	struct vt		*vt;
	char			*number, pass[64];
	int64_t			 request;

	e2e_find_catalogue();
	b = branch(&number, &request);
	if (zh) {
		vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
		e2e_zh_screen_fits(vt, NULL);		/* the login screen */
		e2e_zh_login(vt, op, tl_pass(op, pass, sizeof pass));
		e2e_wait_text(vt, "主菜单");
		e2e_zh_screen_fits(vt, op);
	} else {
		vt = e2e_start(b, 24, 80, NULL);
		e2e_en_screen_fits(vt, NULL);
		e2e_login(vt, op, tl_pass(op, pass, sizeof pass));
		e2e_wait_text(vt, "main menu");
		e2e_en_screen_fits(vt, op);
	}
	walk(vt, op, zh, steps, n);
	e2e_quit_here(vt);
	free(number);
	tl_check_db(b);
	tl_branch_free(b);
}

/* What reception and the supervisor share: finding, the record and its
 * dialogs, enrolment, the lists of the menu. */
#define COMMON_STEPS							\
	{ "F3", "学号、姓名、拼音", "number, name, pinyin", 0, NULL },	\
	{ "王小明", "1 个结果", "1 match", STAYS, NULL },		\
	{ "Enter", "修改历史", "History, oldest first", 0,		\
	    record_columns },						\
	{ NULL, "原为在读", "Was active until", STAYS, NULL },		\
	/* A name in brackets takes no spaces around it in Chinese. */	\
	{ NULL, "由陈静（supervisor1）更改", "changed by 陈静 (supervisor1)", \
	    STAYS, NULL },						\
	{ NULL, "由王丽（reception1）报名", "by 王丽 (reception1)", STAYS, \
	    NULL },							\
	{ "F6", "的变更申请", "Change request for", 0, NULL },		\
	{ "Esc", "修改历史", "History, oldest first", 0,		\
	    record_columns },						\
	{ "F7", "王小明（SH01-2026-00001）的新状态",			\
	    "New status for 王小明 (SH01-2026-00001)", DIALOG, NULL },	\
	{ "Enter", "原因", "The reason is kept", DIALOG, NULL },	\
	{ "Enter", "此处必须填写", "An answer is required here", DIALOG, \
	    NULL },							\
	{ "Esc", "修改历史", "History, oldest first", 0, NULL },	\
	{ "Esc", "学号、姓名、拼音", "number, name, pinyin", 0, NULL },	\
	{ "Esc", "主菜单", "main menu", 0, NULL },			\
	{ "F4", "学员入学登记", "Student enrolment", 0, NULL },	\
	{ "Esc", "主菜单", "main menu", 0, NULL },			\
	{ "F8", "已生效但监护人尚未确认", "Applied changes the guardian " \
	    "has not", 0, NULL },					\
	{ "Esc", "主菜单", "main menu", 0, NULL },			\
	{ "F5", "全部年份", "All years", 0, archive_columns },		\
	{ "Esc", "主菜单", "main menu", 0, NULL },			\
	{ "F6", "永久保存，不含个人信息", "Kept for good; they hold no " \
	    "personal data", 0, NULL },					\
	{ "Esc", "主菜单", "main menu", 0, NULL },			\
	{ "g", "未关闭的请求", "Open requests", 0, NULL },		\
	{ "Esc", "主菜单", "main menu", 0, NULL }

static const struct step reception_steps[] = {
	COMMON_STEPS,
	{ "F9", "待审批的，以及已有结果", "Pending, and decided but unread",
	    0, mine_columns },
	{ "Enter", "申请 1 · ", "Request 1 · ", 0, NULL },
	{ "Esc", "待审批的，以及已有结果", "Pending, and decided but unread",
	    0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
};

static const struct step supervisor_steps[] = {
	COMMON_STEPS,
	{ "F7", "超过 48 小时即为逾期", "OVERDUE after 48 hours", 0,
	    queue_columns },
	{ "Enter", "申请 1 · ", "Request 1 · ", 0, NULL },
	{ "Esc", "超过 48 小时即为逾期", "OVERDUE after 48 hours", 0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "i", "要导入的 CSV 文件", "The CSV file to import", DIALOG, NULL },
	{ "Esc", "尚未选择文件", "No file chosen", 0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "b", "备份文件夹", "Backup folder", 0, backups_columns },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "o", "roles.yaml 列出的所有人", "Everyone roles.yaml lists", 0,
	    operators_columns },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "F11", "日志完好", "The log is intact", 0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "^R", "报表 · 1/5", "Reports · 1/5", 0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "F9", "待审批的，以及已有结果", "Pending, and decided but unread",
	    0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "e", "导出哪些学员？", "Which students", DIALOG, NULL },
	{ "Esc", "将学员导出为表格（CSV）", "Export students to a spreadsheet",
	    0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "c", "操作日志检查点", "Checkpoints of the operation log", 0,
	    NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
};

static const struct step auditor_steps[] = {
	{ "F2", "操作日志 · 第 1 页", "Operation log · page 1", 0,
	    log_columns },
	{ "Enter", "链哈希", "Chain hash", 0, NULL },
	{ "Esc", "操作日志 · 第 1 页", "Operation log · page 1", 0, NULL },
	{ "F3", "只看这一操作的条目", "Only the entries of this action",
	    DIALOG, NULL },
	{ "Down Enter", "学员：全部操作", "Students: every action", STAYS,
	    NULL },
	{ "F6", "操作日志 · 第 1 页", "Operation log · page 1", 0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "F11", "日志完好", "The log is intact", 0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "^R", "报表 · 1/5", "Reports · 1/5", 0, NULL },
	{ "2", "报表 · 2/5", "Reports · 2/5", 0, NULL },
	{ "3", "报表 · 3/5", "Reports · 3/5", 0, NULL },
	{ "4", "报表 · 4/5", "Reports · 4/5", 0, NULL },
	{ "5", "报表 · 5/5", "Reports · 5/5", 0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "^U", "访问分析 · 最近 30 天", "Access analysis · the last 30 days",
	    0, NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
	{ "c", "操作日志检查点", "Checkpoints of the operation log", 0,
	    NULL },
	{ "Esc", "主菜单", "main menu", 0, NULL },
};

static void
test_reception(void **state)
{
	(void)state;
	run("reception1", 1, reception_steps, nitems(reception_steps));
}

static void
test_reception_en(void **state)
{
	(void)state;
	run("reception1", 0, reception_steps, nitems(reception_steps));
}

static void
test_supervisor(void **state)
{
	(void)state;
	run("supervisor1", 1, supervisor_steps, nitems(supervisor_steps));
}

static void
test_supervisor_en(void **state)
{
	(void)state;
	run("supervisor1", 0, supervisor_steps, nitems(supervisor_steps));
}

static void
test_auditor(void **state)
{
	(void)state;
	run("auditor1", 1, auditor_steps, nitems(auditor_steps));
}

static void
test_auditor_en(void **state)
{
	(void)state;
	run("auditor1", 0, auditor_steps, nitems(auditor_steps));
}

/*
 * Whether row holds a time in seconds since 1970 (ten digits or more)
 * or a key, hash or signature dumped whole (17 hex digits or more); hex
 * cut short with "…" is as it should be.
 */
static int
raw_value(const char *row)
{
	static const char	hex[] = "0123456789abcdefABCDEF";
	size_t			len;

	for (; *row != '\0'; row += len > 0 ? len : 1) {
		if ((len = strspn(row, hex)) == 0 ||
		    strncmp(row + len, "…", strlen("…")) == 0)
			continue;
		if (len >= 17 || (len >= 10 && strspn(row, "0123456789") ==
		    len))
			return 1;
	}
	return 0;
}

/* No raw value on the screen (raw_value). */
static void
no_raw_values(struct vt *vt)
{
	char	*row;
	int	 rows, cols, r;

	vt_size(vt, &rows, &cols);
	for (r = 0; r < rows; r++) {
		row = vt_row(vt, r);
		if (raw_value(row)) {
			vt_dump(vt, stderr);
			fail_msg("a raw value on row %d: %s", r, row);
		}
		free(row);
	}
}

/*
 * Issue 20: every entry of a log opened in full, in Chinese at 80x24,
 * reads in words: an enrolment, a search, a destruction, a key
 * rotation and a checkpoint among them; no raw key, no time in
 * seconds, no hex dumped whole.
 */
static void
test_log_entries(void **state)
{
	static const char *const kinds[] = {
		"报名登记", "查找学员", "销毁档案", "更换校区密钥", "写检查点",
	};
	struct tl_branch	*b;
	struct session		*s;
	struct student		**found;
	struct vt		*vt;
	char			*number, *gone, *cause = NULL, *text, *row;
	char			 pass[64], title[64];
	int64_t			 request, id, seq, top;
	size_t			 n, i;
	int			 r, c, seen = 0;

	(void)state;
	e2e_find_catalogue();
	b = branch(&number, &request);
	s = tl_login(b, "reception1");
	if (store_student_find(s->st, "王", 10, NULL, &found, &n,
	    &cause) != XJ_OK)
		fail_msg("finding: %s", cause);
	students_free(found, n);
	gone = tl_enrol(s, "李小红", "2018-02", "李大红", "13922223333", NULL);
	assert_non_null(gone);
	if (store_destroy_request(s->st, gone, "guardian-request", &id,
	    &cause) != XJ_OK)
		fail_msg("asking for a destruction: %s", cause);
	session_free(s);
	s = tl_login(b, "supervisor1");
	if (store_request_approve(s->st, id, &cause) != XJ_OK ||
	    session_rotate_key(s, &cause) != XJ_OK ||
	    store_checkpoint(s->st, s->secret->sign_seed, &text, &seq,
	    &cause) != XJ_OK)
		fail_msg("destroying, rotating, checkpointing: %s", cause);
	free(text);
	session_free(s);

	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_zh_login(vt, "auditor1", tl_pass("auditor1", pass, sizeof pass));
	e2e_wait_text(vt, "主菜单");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "操作日志 · 第 1 页");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "链哈希");
	assert_true(vt_find(vt, "操作日志 · 第 ", &r, &c));
	row = vt_row(vt, r);
	top = strtoll(strstr(row, "第 ") + strlen("第 "), NULL, 10);
	free(row);
	assert_true(top > 10);
	for (seq = top; seq >= 1; seq--) {
		if (seq < top) {
			vt_key(vt, VT_KEY_DOWN);
			vt_key(vt, VT_KEY_ENTER);
		}
		snprintf(title, sizeof title, "操作日志 · 第 %" PRId64 " 条",
		    seq);
		e2e_wait_text(vt, title);
		e2e_zh_screen_fits(vt, "auditor1");
		no_raw_values(vt);
		for (i = 0; i < nitems(kinds); i++) {
			if (e2e_on_screen(vt, kinds[i]))
				seen |= 1 << i;
		}
		vt_key(vt, VT_KEY_ESC);
		e2e_wait_gone(vt, title);
	}
	for (i = 0; i < nitems(kinds); i++) {
		if (!(seen & (1 << i)))
			fail_msg("no entry was a %s", kinds[i]);
	}
	e2e_quit_here(vt);
	free(number);
	free(gone);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reception),
		cmocka_unit_test(test_reception_en),
		cmocka_unit_test(test_supervisor),
		cmocka_unit_test(test_supervisor_en),
		cmocka_unit_test(test_auditor),
		cmocka_unit_test(test_auditor_en),
		cmocka_unit_test(test_log_entries),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
