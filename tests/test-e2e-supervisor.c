/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 19 in a real terminal, in Chinese at 80x24: the supervisor's
 * job without a shell.  Backups, a drill and a restore from the menu;
 * an operator added who then logs in, and a reset agreed to; a
 * guardian's request registered and closed; and the role matrix of
 * these screens for every operator of the shipped roles.yaml.  Each
 * action is logged as the command line's twin logs it.  Waits are for
 * markers on the screen, never fixed sleeps.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/vt.h"
#include "lib/e2e.h"

static char	language[] = "LANGUAGE=zh_CN";

/* How many of this branch's backups are in dir. */
static int
backups_in(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "SH01-", 5) == 0 &&
		    strstr(de->d_name, BACKUP_SUFFIX) != NULL &&
		    strstr(de->d_name, ".tmp") == NULL)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * Test 19.1: backups and a drill from the menu, in Chinese.  None yet:
 * the menu warns of both, bold, and names its own item, not a command.
 * The screen of backups makes one in the backup folder (its line in the
 * list, the status line naming it) and one in a folder typed in; the
 * menu's backup line then reads plainly.  F4 drills the selected
 * backup: the report passes and names who ran it; the menu's drill
 * warning becomes the date.  Both are logged as xueji backup and
 * restore-drill log them.
 */
static void
test_backup_and_drill(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*usb, *folder;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	free(tl_enrol(s, "王小明", "2017-06", "王大明", "13911112222", NULL));
	session_free(s);
	folder = xj_path_join(b->data, "backups");
	usb = xj_path_join(b->dir, "usb");
	assert_int_equal(mkdir(usb, 0700), 0);

	vt = e2e_start_zh(b, 24, 80, "supervisor1");
	e2e_wait_text(vt, "备份与恢复演练");
	e2e_wait_text(vt, "尚无备份：请见“备份与恢复演练”");
	assert_true(e2e_bold(vt, "尚无备份"));
	e2e_wait_text(vt, "尚无恢复演练：请见“备份与恢复演练”");
	assert_true(e2e_bold(vt, "尚无恢复演练"));
	e2e_wait_gone(vt, "restore-drill");
	e2e_wait_gone(vt, "运行");

	/* The screen, empty; F2 backs up to the folder. */
	vt_sendstr(vt, "b");
	e2e_wait_text(vt, "备份文件夹中没有备份。");
	e2e_wait_text(vt, "F2 立即备份");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "已备份：SH01-");
	e2e_wait_text(vt, ".xjb");
	e2e_wait_gone(vt, "备份文件夹中没有备份。");
	assert_int_equal(backups_in(folder), 1);
	e2e_wait_text(vt, "上次备份：");
	assert_false(e2e_bold(vt, "上次备份："));

	/* F3: to a folder typed in, a USB stick's. */
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "备份到哪个文件夹");
	vt_sendstr(vt, usb);
	vt_key(vt, VT_KEY_ENTER);
	/*
	 * The path typed is on the screen until the dialog goes, and
	 * "已备份：" still from F2: the screen is drawn again only once
	 * the backup is done, so wait for the dialog to go first.
	 */
	e2e_wait_gone(vt, "备份到哪个文件夹");
	e2e_wait_text(vt, "已备份：");
	if (vt_wait_text(vt, usb, E2E_WAIT) != 0)
		fail_msg("the status line does not name the folder typed in");
	assert_int_equal(backups_in(usb), 1);
	assert_int_equal(backups_in(folder), 1);
	assert_int_equal(e2e_audit_count(b, "backup.create", "supervisor1",
	    "size="), 2);

	/* The menu's backup line reads plainly now. */
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "上次备份：");
	assert_false(e2e_bold(vt, "上次备份："));
	e2e_wait_gone(vt, "尚无备份");

	/* F4: the drill of the one selected, and its report. */
	vt_sendstr(vt, "b");
	e2e_wait_text(vt, "F4 演练");
	vt_key(vt, VT_KEY_F4);
	e2e_wait_text(vt, "恢复演练");
	e2e_wait_text(vt, "通过：此备份可以恢复。");
	e2e_wait_text(vt, "用校区密钥打开");
	e2e_wait_text(vt, "操作日志链");
	e2e_wait_text(vt, "在读学员");
	e2e_wait_text(vt, "历史：与当前数据库一致");
	e2e_wait_text(vt, "此备份之后执行的销毁，恢复时将重新执行：0");
	/* The log grew since (the backup's own entry, the menu's): said
	 * as how many, not as a bare "differs". */
	e2e_wait_text(vt, "此后新增 ");
	e2e_wait_gone(vt, "不同");
	e2e_wait_text(vt, "已记入操作日志：陈静（supervisor1）");
	assert_int_equal(e2e_audit_count(b, "backup.drill", "supervisor1",
	    "result=ok"), 1);

	/* Back: the screen and the menu follow. */
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "上次成功的恢复演练：");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "上次恢复演练：");
	assert_false(e2e_bold(vt, "上次恢复演练："));
	e2e_wait_gone(vt, "尚无恢复演练");
	e2e_quit_zh(vt);

	tl_check_db(b);
	free(usb);
	free(folder);
	tl_branch_free(b);
}

/*
 * Test 19.2: a restore from the screen.  The branch code must be typed:
 * a wrong one restores nothing.  While another session is open the
 * store refuses, said in the status line; once it has closed, the
 * backup is put in place and the safety copy named.
 */
static void
test_restore(void **state)
{
	struct tl_branch	*b;
	struct session		*s, *other;
	struct vt		*vt;

	(void)state;
	b = tl_branch_new();
	vt = e2e_start_zh(b, 24, 80, "supervisor1");
	vt_sendstr(vt, "b");
	e2e_wait_text(vt, "备份文件夹中没有备份。");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "已备份：SH01-");

	/* A child enrolled after the backup: the restore takes it away. */
	s = tl_login(b, "reception1");
	free(tl_enrol(s, "李小红", "2018-02", "李大红", "13922223333", NULL));
	session_free(s);

	/* A wrong code. */
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "请输入校区代码（SH01）");
	vt_sendstr(vt, "SH02");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "校区代码不符，未做任何恢复。");

	/* Another session open. */
	other = tl_login(b, "supervisor2");
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "请输入校区代码（SH01）");
	vt_sendstr(vt, "SH01");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "本校区已有另一个 xueji 会话打开");
	e2e_wait_text(vt, "张伟（supervisor2）");
	session_free(other);

	/* Alone: restored. */
	vt_key(vt, VT_KEY_F6);
	e2e_wait_text(vt, "请输入校区代码（SH01）");
	vt_sendstr(vt, "SH01");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "已从 SH01-");
	e2e_wait_text(vt, "原来的数据库保留为");

	/*
	 * The screen stays open, and the branch is everyone's again: a
	 * login at another terminal waited for ever on the lock the
	 * restore had taken alone.
	 */
	s = tl_login(b, "reception1");
	{
		char	*n = tl_query(s, "SELECT count(*) FROM student");

		assert_string_equal(n, "0");
		free(n);
	}
	session_free(s);
	e2e_quit_zh(vt);

	assert_int_equal(e2e_audit_count(b, "backup.restore", "supervisor1",
	    "result=ok"), 1);
	tl_check_db(b);
	tl_branch_free(b);
}

static void	type_twice(struct vt *, const char *);

/* Type a new passphrase twice in the dialog, with the fastest KDF. */
static void
type_new_passphrase(struct vt *vt, const char *pass)
{
	e2e_wait_text(vt, "两次输入新口令");
	type_twice(vt, pass);
}

/* The same in any new passphrase's dialog, its strength watched. */
static void
type_twice(struct vt *vt, const char *pass)
{
	char	first[4];

	memcpy(first, pass, 3);
	first[3] = '\0';
	vt_sendstr(vt, first);
	e2e_wait_text(vt, "强度：太短");
	vt_sendstr(vt, pass + 3);
	e2e_wait_gone(vt, "强度：太短");
	e2e_wait_text(vt, "强度：");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, pass);
	vt_key(vt, VT_KEY_TAB);
	vt_key(vt, VT_KEY_LEFT);
	e2e_wait_text(vt, "< 交互式");
	vt_key(vt, VT_KEY_ENTER);
}

/*
 * Test 19.3: an operator added at the terminal, then logging in.  The
 * list shows everyone roles.yaml lists with their role and whether they
 * have a key slot; the newcomer types their passphrase twice, a
 * mismatch refused; then they log in with it.  A reset of another
 * supervisor's passphrase needs a third supervisor's: a wrong one
 * changes nothing, the right one does, and the log says who agreed.
 */
static void
test_operators(void **state)
{
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			*cause = NULL, pass[64], agree[64];

	(void)state;
	b = tl_branch_new();
	tl_list_operator(b, "reception3", "赵敏", "receptionist");
	tl_list_operator(b, "supervisor3", "孙丽", "supervisor");

	vt = e2e_start_zh(b, 24, 80, "supervisor1");
	e2e_wait_text(vt, "操作员与密钥");
	vt_sendstr(vt, "o");
	e2e_wait_text(vt, "reception3");
	e2e_wait_text(vt, "赵敏");
	e2e_wait_text(vt, "前台");
	/* Down to reception3, listed last but one. */
	{
		int	r, c, i;

		assert_true(vt_find(vt, "reception3", &r, &c));
		for (i = 4; i < r; i++)
			vt_key(vt, VT_KEY_DOWN);
	}
	e2e_wait_text(vt, "F2 添加");
	vt_key(vt, VT_KEY_F2);
	/* Typed differently the second time: refused. */
	e2e_wait_text(vt, "两次输入新口令");
	vt_sendstr(vt, "zhao-min-2026");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "zhao-min-2025");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "两次输入的口令不同");
	/* Leaving what was typed asks first. */
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "不保存已输入的内容就离开");
	vt_sendstr(vt, "y");
	e2e_wait_gone(vt, "两次输入新口令");
	vt_key(vt, VT_KEY_F2);
	type_new_passphrase(vt, "zhao-min-2026");
	e2e_wait_text(vt, "reception3 现在有密钥槽，可以登录了");
	assert_int_equal(e2e_audit_count(b, "operator.add", "supervisor1",
	    NULL), 1);
	/*
	 * supervisor2 manages operators too, and supervisor3 has no slot
	 * yet: nobody could agree to a reset, said at once, nothing asked.
	 */
	{
		int	r, c, i;

		assert_true(vt_find(vt, "supervisor2", &r, &c));
		for (i = 0; i < 10; i++)	/* to the top */
			vt_key(vt, VT_KEY_UP);
		for (i = 4; i < r; i++)
			vt_key(vt, VT_KEY_DOWN);
	}
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "张伟（supervisor2）也管理操作员");
	e2e_wait_text(vt, "没有其他有密钥槽的主管");
	e2e_wait_gone(vt, "须由另一位主管先同意");
	e2e_quit_zh(vt);

	/* A third supervisor: supervisor2, who holds a slot, agrees. */
	s = tl_login(b, "supervisor1");
	tl_pass("supervisor3", pass, sizeof pass);
	tl_pass("supervisor2", agree, sizeof agree);
	assert_int_equal(session_operator_add(s, "supervisor3", pass,
	    strlen(pass), KDF_INTERACTIVE, "supervisor2", agree,
	    strlen(agree), &cause), XJ_OK);
	session_free(s);

	/*
	 * The newcomer logs in with it, and first chooses their own: the
	 * screen says who set it; Esc logs out, back at the login.
	 */
	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, "reception3");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "zhao-min-2026");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "陈静（supervisor1）于");
	e2e_wait_text(vt, "为您设置了口令");
	e2e_wait_gone(vt, "主菜单");
	vt_key(vt, VT_KEY_ESC);
	e2e_wait_text(vt, "已退出登录");
	/* Back at the login, their id kept: only the passphrase. */
	e2e_wait_text(vt, "口令：");
	e2e_wait_text(vt, "reception3");
	vt_sendstr(vt, "zhao-min-2026");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "为您设置了口令");
	/* The one supervisor1 saw typed is refused, said at once. */
	vt_sendstr(vt, "zhao-min-2026");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "zhao-min-2026");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "这是陈静（supervisor1）设置的口令");
	e2e_wait_text(vt, "为您设置了口令");
	type_twice(vt, "zhao-min-own-2026");
	e2e_wait_text(vt, "口令已改为您自己的口令");
	e2e_wait_text(vt, "赵敏（reception3）");
	e2e_wait_text(vt, "主菜单");
	e2e_quit_zh(vt);
	assert_int_equal(e2e_audit_count(b, "operator.passwd", "reception3",
	    "rule=first-login set-by=supervisor1"), 1);

	/* supervisor2 forgot theirs: supervisor3 must agree. */
	vt = e2e_start_zh(b, 24, 80, "supervisor1");
	vt_sendstr(vt, "o");
	e2e_wait_text(vt, "supervisor2");
	{
		int	r, c, i;

		assert_true(vt_find(vt, "supervisor2", &r, &c));
		for (i = 4; i < r; i++)
			vt_key(vt, VT_KEY_DOWN);
	}
	e2e_wait_text(vt, "F3 重置口令");
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "须由另一位主管先同意");
	vt_sendstr(vt, "supervisor3");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "not-their-passphrase");
	vt_key(vt, VT_KEY_ENTER);
	type_new_passphrase(vt, "zhang-wei-2026");
	e2e_wait_text(vt, "supervisor3 的口令不对");
	vt_key(vt, VT_KEY_F3);
	e2e_wait_text(vt, "须由另一位主管先同意");
	vt_sendstr(vt, "supervisor3");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, pass);
	vt_key(vt, VT_KEY_ENTER);
	type_new_passphrase(vt, "zhang-wei-2026");
	e2e_wait_text(vt, "supervisor2 的口令已重置");
	e2e_quit_zh(vt);
	assert_int_equal(e2e_audit_count(b, "operator.reset", "supervisor1",
	    "agreed=supervisor3"), 1);

	vt = e2e_start(b, 24, 80, (char *[]){ language, NULL });
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, "supervisor2");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, "zhang-wei-2026");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "为您设置了口令");
	type_twice(vt, "zhang-wei-own-2026");
	e2e_wait_text(vt, "主菜单");
	e2e_quit_here(vt);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Test 19.4: a guardian's request registered and closed at the
 * terminal, in Chinese.  Received 19 days ago and due after 15, it is
 * listed as overdue by 4 days; a date in the wrong form is refused.
 * Opened from the register, it closes with the response typed, and
 * leaves the list of open ones.  Logged as xueji request add and close
 * log them.
 */
static void
test_guardians(void **state)
{
	static char	 now[] = "XUEJI_NOW=2026-11-20T10:00:00";
	struct tl_branch *b;
	struct vt	*vt;
	char		*n, *extra[] = { language, now, NULL }, pass[64];

	(void)state;
	b = tl_branch_new();
	n = tl_enrol_as(b, "reception1", "王小明", "2017-06", "王大明", "13911112222");

	e2e_find_catalogue();
	vt = e2e_start(b, 24, 80, extra);
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, "supervisor1");
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, tl_pass("supervisor1", pass, sizeof pass));
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "监护人请求登记");
	vt_sendstr(vt, "g");
	e2e_wait_text(vt, "此列表中没有请求。");

	/*
	 * A number nobody has is refused at once and asked again; then a
	 * date in the wrong form: nothing registered.
	 */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "登记监护人请求：哪一类？");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "关于哪位学员");
	vt_sendstr(vt, "SH01-2026-99999");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "没有学员 SH01-2026-99999");
	e2e_wait_text(vt, "关于哪位学员");
	vt_sendstr(vt, n);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "通过什么方式收到");
	snprintf(pass, sizeof pass, "关于王小明（%s）。", n);
	e2e_wait_text(vt, pass);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "收到日期");
	vt_sendstr(vt, "1.11.2026");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "监护人提出了什么要求");
	vt_sendstr(vt, "想看孩子的全部记录");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "不是日期");
	e2e_wait_text(vt, "此列表中没有请求。");

	/* A correction by letter, received on the 1st. */
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "登记监护人请求：哪一类？");
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "关于哪位学员");
	/* The number's tail, as the search takes it: the child named. */
	vt_sendstr(vt, n + strlen(n) - 5);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "通过什么方式收到");
	e2e_wait_text(vt, pass);
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_DOWN);
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "收到日期");
	vt_sendstr(vt, "2026-11-01");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "监护人提出了什么要求");
	vt_sendstr(vt, "电话号码写错了");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "监护人请求 1 已登记。");
	e2e_wait_text(vt, "已逾期 4 天");
	e2e_wait_text(vt, "更正");
	e2e_wait_text(vt, "2026-11-01");
	assert_int_equal(e2e_audit_count(b, "guardian.request.add",
	    "supervisor1", "channel=letter"), 1);

	/* Opened, closed with the response. */
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "电话号码写错了");
	vt_key(vt, VT_KEY_F2);
	e2e_wait_text(vt, "给监护人的答复是什么");
	vt_sendstr(vt, "已按来信更正");
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "已按来信更正");
	vt_sendstr(vt, "y");
	e2e_wait_text(vt, "此列表中没有请求。");
	assert_int_equal(e2e_audit_count(b, "guardian.request.close",
	    "supervisor1", NULL), 1);
	/* Right: overdue ones (none), then all: it is there, closed. */
	vt_key(vt, VT_KEY_RIGHT);
	e2e_wait_text(vt, "已逾期的请求：0");
	vt_key(vt, VT_KEY_RIGHT);
	e2e_wait_text(vt, "全部请求（含已关闭）：1");
	e2e_wait_text(vt, "已关闭");
	e2e_quit_zh(vt);
	free(n);
	tl_check_db(b);
	tl_branch_free(b);
}

/*
 * Test 19.5: the role matrix of the new screens (backups, operators,
 * the guardians' register, import, export, checkpoints).  For every
 * operator of the shipped roles.yaml, the menu lists each of them
 * exactly when the role grants its permission, its key opens it only
 * then, and no notice on the menu names a command; the checkpoint's
 * notice is for those who may write one.  The drill's warning is for those
 * who may run one: the auditor, who may not, reads the date plainly.
 */
static void
test_menu_matrix(void **state)
{
	static const struct {
		const char	*label, *key, *title;
		perm_set	 any;
		int		 dialog;	/* opens asking: two Escs */
	} items[] = {
		{ "Backups and restore drills", "b", "Backup folder:",
		    PERM_BIT(PERM_BACKUP_RUN) | PERM_BIT(PERM_RESTORE_RUN), 0 },
		{ "Operators and keys", "o", "Everyone roles.yaml lists",
		    PERM_BIT(PERM_OPERATOR_MANAGE), 0 },
		{ "Guardians' requests register", "g", "Left/Right: open",
		    PERM_BIT(PERM_REQUEST_MANAGE), 0 },
		{ "Import students (CSV)", "i", "The CSV file to import",
		    PERM_BIT(PERM_IMPORT_RUN), 1 },
		{ "Export students (CSV)", "e", "Which students to export?",
		    PERM_BIT(PERM_EXPORT_RUN), 1 },
		{ "Checkpoints of the log", "c", "A checkpoint is a small",
		    PERM_BIT(PERM_CHECKPOINT_WRITE), 0 },
	};
	struct tl_branch	*b;
	struct session		*s;
	struct vt		*vt;
	char			 pass[64];
	size_t			 i, j;
	int			may, p, drill;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "supervisor1");
	for (j = 0; j < s->pol->noperators; j++) {
		const struct operator	*op = &s->pol->operators[j];

		vt = e2e_start(b, 24, 80, NULL);
		e2e_login(vt, op->id, tl_pass(op->id, pass, sizeof pass));
		e2e_wait_text(vt, "main menu");
		e2e_wait_text(vt, "Log out and quit");
		for (i = 0; i < nitems(items); i++) {
			may = 0;
			for (p = 0; p < PERM__COUNT; p++)
				may |= (items[i].any & PERM_BIT(p)) &&
				    policy_allows(op, (enum perm)p);
			if (e2e_on_screen(vt, items[i].label) != may)
				fail_msg("%s: \"%s\" %s in the menu", op->id,
				    items[i].label, may ? "missing" : "shown");
			vt_sendstr(vt, items[i].key);
			if (may) {
				e2e_wait_text(vt, items[i].title);
				if (items[i].dialog) {
					vt_key(vt, VT_KEY_ESC);
					e2e_wait_gone(vt, items[i].title);
				}
				vt_key(vt, VT_KEY_ESC);
				e2e_wait_text(vt, "main menu");
				/* The whole menu, before its items are read. */
				e2e_wait_text(vt, "Log out and quit");
			} else {
				/* A key of another's item does nothing. */
				vt_key(vt, VT_KEY_F1);
				e2e_wait_text(vt, "Keys");
				e2e_wait_gone(vt, items[i].title);
				vt_key(vt, VT_KEY_ESC);
				e2e_wait_text(vt, "main menu");
				/* The whole menu, before its items are read. */
				e2e_wait_text(vt, "Log out and quit");
			}
		}
		/* No notice tells anyone to run a command. */
		e2e_wait_gone(vt, "run xueji");
		e2e_wait_gone(vt, "restore-drill");
		drill = policy_allows(op, PERM_RESTORE_RUN);
		if (drill) {
			e2e_wait_text(vt, "No restore drill yet");
			assert_true(e2e_bold(vt, "No restore drill yet"));
		} else if (policy_allows(op, PERM_REPORT_VIEW)) {
			e2e_wait_text(vt, "No restore drill on record");
			assert_false(e2e_bold(vt, "No restore drill on record"));
		} else
			e2e_wait_gone(vt, "drill");
		if (policy_allows(op, PERM_BACKUP_RUN))
			assert_true(e2e_bold(vt, "No backup yet"));
		else
			e2e_wait_gone(vt, "backup");
		if (policy_allows(op, PERM_CHECKPOINT_WRITE))
			assert_true(e2e_bold(vt, "No checkpoint of the log yet"));
		else
			e2e_wait_gone(vt, "checkpoint");
		e2e_quit_here(vt);
	}
	session_free(s);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_and_drill),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_guardians),
		cmocka_unit_test(test_menu_matrix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
