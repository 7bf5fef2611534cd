/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * make-demo CONFIG COUNT: create a demo branch from CONFIG: a key slot
 * for every operator in its roles file (passphrase "demo-<id>", printed),
 * and COUNT synthetic students with realistic Chinese names enrolled by
 * reception1.  Everything goes through the same store API the program
 * uses, so the demo's audit log is a real one.  Deterministic: the same
 * COUNT gives the same students.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/student.h"

/* Common surnames by rough frequency, compound and polyphonic ones too. */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
	"马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
	"唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
	"潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
	"任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
	"欧阳", "司马", "诸葛", "上官", "单", "仇", "解", "区", "查", "乐",
	"朴", "覃",
};
static const char *const given[] = {
	"子涵", "欣怡", "梓涵", "浩然", "宇轩", "雨桐", "一诺", "思远", "佳怡",
	"俊杰", "若汐", "沐阳", "晨曦", "嘉懿", "语桐", "博文", "诗涵", "天佑",
	"明", "伟", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟",
	"涛", "超", "霞", "平", "刚", "桂英", "一鸣", "乐乐", "朵朵", "小雨",
	"子墨", "梓萱", "奕辰", "可馨", "芷若", "皓轩", "𠮷", "娜",
};
static const char *const guardian_given[] = {
	"建国", "志强", "秀英", "丽华", "海燕", "卫东", "晓红", "国庆", "红梅",
	"建华", "玉兰", "伟", "敏", "静", "军", "燕",
};
static const char *const consents[] = { "in-person", "signed-form", "online" };

static unsigned long	rng = 20261124;

static unsigned long
next_rand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return rng >> 33;
}

#define PICK(a)	((a)[next_rand() % nitems(a)])

static int
make_slots(struct session *s, struct branch_secret *secret)
{
	struct keyring	*kr;
	char		*cause = NULL, pw[64];
	size_t		 i;
	int		 rc;

	kr = keyring_new(s->cfg->branch_code);
	printf("%s\n", _("Demo operators (id, role, passphrase):"));
	for (i = 0; i < s->pol->noperators; i++) {
		snprintf(pw, sizeof pw, "demo-%s", s->pol->operators[i].id);
		rc = keyring_add(kr, s->pol->operators[i].id, pw, strlen(pw),
		    KDF_INTERACTIVE, secret, &cause);
		if (rc != XJ_OK)
			goto fail;
		printf("  %-12s %-13s %s\n", s->pol->operators[i].id,
		    s->pol->operators[i].role->name, pw);
	}
	if ((rc = store_create(s->db_path, secret->db_key, s->cfg->branch_code,
	    &cause)) != XJ_OK ||
	    (rc = keyring_save(kr, secret, s->keyslot_path, &cause)) != XJ_OK)
		goto fail;
	keyring_free(kr);
	return XJ_OK;
fail:
	fprintf(stderr, "make-demo: %s\n", cause);
	free(cause);
	keyring_free(kr);
	return rc;
}

static int
enrol_all(struct session *s, long count)
{
	struct field_input	 in[4];
	struct enrolment	 en;
	struct tm		 tm;
	time_t			 now = xj_now();
	char			 name[64], gname[64], birth[16], phone[16];
	char			*number, *dup, *cause = NULL;
	const char		*sur;
	long			 i, made = 0;
	int			 rc, age;

	gmtime_r(&now, &tm);
	for (i = 0; i < count; i++) {
		sur = PICK(surnames);
		snprintf(name, sizeof name, "%s%s", sur, PICK(given));
		snprintf(gname, sizeof gname, "%s%s", sur, PICK(guardian_given));
		age = 3 + (int)(next_rand() % 13);
		snprintf(birth, sizeof birth, "%04d-%02d",
		    tm.tm_year + 1900 - age - 1, 1 + (int)(next_rand() % 12));
		if (next_rand() % 10 == 0)
			snprintf(phone, sizeof phone, "021-6%07lu",
			    next_rand() % 10000000);
		else
			snprintf(phone, sizeof phone, "1%c%09lu",
			    "3589"[next_rand() % 4], next_rand() % 1000000000);
		in[0] = (struct field_input){ "name", name };
		in[1] = (struct field_input){ "birth_month", birth };
		in[2] = (struct field_input){ "guardian_name", gname };
		in[3] = (struct field_input){ "guardian_phone", phone };
		en = (struct enrolment){ in, 4, PICK(consents), 0 };
		rc = store_student_add(s->st, &en, &number, &dup, &cause);
		if (rc == XJ_OK)
			made++;
		else if (dup == NULL) {
			fprintf(stderr, "make-demo: %s\n", cause);
			free(cause);
			return rc;
		}
		free(cause);
		cause = NULL;
		free(number);
		free(dup);
	}
	printf(_("%ld synthetic students enrolled.\n"), made);
	return XJ_OK;
}

int
main(int argc, char **argv)
{
	struct branch_secret	*secret;
	struct session		*s;
	char			*cause = NULL, pw[64];
	long			 count;
	int			 rc;

	if (argc != 3) {
		fprintf(stderr, "usage: make-demo CONFIG COUNT\n");
		return XJ_EUSAGE;
	}
	platform_init();
	setlocale(LC_ALL, "");
	count = strtol(argv[2], NULL, 10);
	if ((rc = session_load(argv[1], NULL, &s, &cause)) != XJ_OK) {
		fprintf(stderr, "make-demo: %s\n", cause);
		return rc;
	}
	if (session_branch_exists(s)) {
		fprintf(stderr, "make-demo: %s already holds a branch\n",
		    s->cfg->data_dir);
		session_free(s);
		return XJ_EUNAVAIL;
	}
	secret = branch_secret_new();
	rc = make_slots(s, secret);
	branch_secret_free(secret);
	if (rc == XJ_OK) {
		snprintf(pw, sizeof pw, "demo-%s", "reception1");
		if ((rc = session_login(s, "reception1", pw, strlen(pw),
		    &cause)) != XJ_OK) {
			fprintf(stderr, "make-demo: %s\n", cause);
			free(cause);
		} else
			rc = enrol_all(s, count);
	}
	session_free(s);
	return rc;
}
