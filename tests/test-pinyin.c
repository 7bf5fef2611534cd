/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Pinyin: the generated table (size, order, a few known characters), the
 * terms of names — surnames single and compound, polyphones, ü, Ext B,
 * Latin and mixed names — the cap on combinations, and the query test.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/pinyin.h"
#include "lib/testlib.h"

struct name_terms {
	char	**full;
	size_t	  nfull;
	char	**init;
	size_t	  ninit;
};

static void
terms(const char *name, struct name_terms *t)
{
	assert_int_equal(pinyin_terms(name, &t->full, &t->nfull, &t->init,
	    &t->ninit), XJ_OK);
	assert_true(t->nfull <= PINYIN_MAXTERMS);
	assert_true(t->ninit <= PINYIN_MAXTERMS);
}

static void
terms_free(struct name_terms *t)
{
	pinyin_terms_free(t->full, t->nfull);
	pinyin_terms_free(t->init, t->ninit);
}

static int
has(char **v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

static int
reads(uint32_t cp, const char *py)
{
	const char	*r[PINYIN_MAXREADINGS];
	int		 i, n;

	n = pinyin_readings(cp, r, nitems(r));
	for (i = 0; i < n; i++) {
		if (strcmp(r[i], py) == 0)
			return 1;
	}
	return 0;
}

/* The most customary terms come first, then the alternatives. */
static void
check(const char *name, const char *full0, const char *init0)
{
	struct name_terms	t;

	terms(name, &t);
	assert_true(t.nfull > 0);
	assert_string_equal(t.full[0], full0);
	assert_true(t.ninit > 0);
	assert_string_equal(t.init[0], init0);
	terms_free(&t);
}

static void
test_table(void **state)
{
	const char	*r[PINYIN_MAXREADINGS];
	size_t		 i, extb = 0;

	(void)state;
	assert_true(pinyin_count() >= 20000);
	for (i = 1; i < pinyin_ncp; i++) {
		assert_true(pinyin_cp[i - 1] < pinyin_cp[i]);
		if (pinyin_cp[i] >= 0x20000)
			extb++;
	}
	assert_true(extb > 1000);

	/* 中 zhōng and zhòng are one toneless reading; 国; 行. */
	assert_int_equal(pinyin_readings(0x4e2d, r, nitems(r)), 1);
	assert_string_equal(r[0], "zhong");
	assert_int_equal(pinyin_readings(0x56fd, r, nitems(r)), 1);
	assert_string_equal(r[0], "guo");
	assert_true(pinyin_readings(0x884c, r, nitems(r)) >= 2);
	assert_string_equal(r[0], "xing");
	assert_true(reads(0x884c, "hang"));
	assert_true(reads(0x957f, "zhang") && reads(0x957f, "chang"));
	/* The first and last entries, and Ext B (U+20000 𠀀). */
	assert_true(pinyin_readings(pinyin_cp[0], r, 1) == 1);
	assert_true(pinyin_readings(pinyin_cp[pinyin_ncp - 1], r, 1) == 1);
	assert_int_equal(pinyin_readings(0x20000, r, nitems(r)), 1);
	assert_string_equal(r[0], "he");

	/* Not Han, or no reading. */
	assert_int_equal(pinyin_readings('a', r, nitems(r)), 0);
	assert_int_equal(pinyin_readings(0x3000, r, nitems(r)), 0);
	assert_int_equal(pinyin_readings(0x10ffff, r, nitems(r)), 0);
	assert_int_equal(pinyin_readings(0x4e2d, r, 0), 0);
	assert_int_equal(pinyin_readings(0x884c, r, 1), 1);
}

static void
test_tones_and_v(void **state)
{
	size_t			 i;
	const char		*r[PINYIN_MAXREADINGS];
	int			 n;
	struct name_terms	 t;

	(void)state;
	/* Every syllable is plain lowercase ASCII. */
	for (i = 0; i < pinyin_nsyl; i++)
		assert_int_equal(strspn(pinyin_pool + pinyin_syl[i],
		    "abcdefghijklmnopqrstuvwxyz"),
		    strlen(pinyin_pool + pinyin_syl[i]));

	/* 绿: lǜ is "lv" and "lu"; 女 nǚ "nv" and "nu". */
	n = pinyin_readings(0x7eff, r, nitems(r));
	assert_true(n >= 2);
	assert_string_equal(r[0], "lv");
	assert_string_equal(r[1], "lu");
	assert_true(reads(0x5973, "nv") && reads(0x5973, "nu"));
	/* 略 lüè */
	assert_true(reads(0x7565, "lve") && reads(0x7565, "lue"));

	terms("张绿", &t);
	assert_string_equal(t.full[0], "zhanglv");
	assert_true(has(t.full, t.nfull, "zhanglu"));
	assert_true(has(t.init, t.ninit, "zl"));
	terms_free(&t);
}

static void
test_simple(void **state)
{
	struct name_terms	t;

	(void)state;
	terms("张三", &t);
	assert_string_equal(t.full[0], "zhangsan");
	assert_string_equal(t.init[0], "zs");
	terms_free(&t);

	check("中国", "zhongguo", "zg");
	check(" 张 三 ", "zhangsan", "zs");
}

static void
test_surname(void **state)
{
	static const struct {
		const char	*name, *full, *init, *other;
	} cases[] = {
		{ "曾小明", "zengxiaoming", "zxm", "cengxiaoming" },
		{ "单田芳", "shantianfang", "stf", "dantianfang" },
		{ "覃明", "qinming", "qm", "tanming" },
		{ "仇明", "qiuming", "qm", "chouming" },
		{ "解明", "xieming", "xm", "jieming" },
		{ "区明", "ouming", "om", "quming" },
		{ "查明", "zhaming", "zm", "chaming" },
		{ "乐明", "yueming", "ym", "leming" },
		{ "朴明", "piaoming", "pm", "puming" },
		{ "丁一", "dingyi", "dy", "zhengyi" },
		{ "盖明", "geming", "gm", "gaiming" },
	};
	struct name_terms	t;
	size_t			i;

	(void)state;
	/*
	 * Issue 20: the surname has its surname readings only, so "ceng"
	 * never lists 曾小明 and "zh" never 丁一.
	 */
	for (i = 0; i < nitems(cases); i++) {
		terms(cases[i].name, &t);
		assert_string_equal(t.full[0], cases[i].full);
		assert_string_equal(t.init[0], cases[i].init);
		assert_false(has(t.full, t.nfull, cases[i].other));
		assert_int_equal(t.ninit, 1);
		terms_free(&t);
	}
	/* The given name keeps every reading: 单长 shanzhang, shanchang. */
	terms("单长", &t);
	assert_true(has(t.full, t.nfull, "shanzhang"));
	assert_true(has(t.full, t.nfull, "shanchang"));
	assert_false(has(t.full, t.nfull, "danchang"));
	terms_free(&t);
	/* A first character not in the list keeps every reading (行 xing,
	 * hang). */
	assert_null(pinyin_surname("行明"));
	terms("行明", &t);
	assert_true(has(t.full, t.nfull, "xingming"));
	assert_true(has(t.full, t.nfull, "hangming"));
	terms_free(&t);

	/* Only as a surname: 曾 later in a name is ceng first. */
	terms("王曾", &t);
	assert_string_equal(t.full[0], "wangceng");
	assert_true(has(t.full, t.nfull, "wangzeng"));
	terms_free(&t);
}

/* Every reading surnames.txt gives is one Unihan gives its character:
 * a typo there would hide every child of that surname. */
static void
test_surname_table(void **state)
{
	const struct pinyin_surname	*sn;
	const char			*p;
	uint32_t			 cp;
	size_t				 i, c, r;
	int				 n;

	(void)state;
	assert_true(pinyin_nsurnames >= 100);
	for (i = 0; i < pinyin_nsurnames; i++) {
		sn = &pinyin_surnames[i];
		if (i > 0)
			assert_true(strcmp(pinyin_surnames[i - 1].han,
			    sn->han) < 0);
		assert_ptr_equal(pinyin_surname(sn->han), sn);
		p = sn->han;
		for (c = 0; c < 2 && *p != '\0'; c++) {
			n = utf8_decode(p, strlen(p), &cp);
			assert_true(n > 0);
			p += n;
			assert_non_null(sn->py[c][0]);
			for (r = 0; sn->py[c][r] != NULL; r++) {
				if (!reads(cp, sn->py[c][r]))
					fail_msg("%s: U+%04X does not read %s",
					    sn->han, (unsigned)cp,
					    sn->py[c][r]);
			}
		}
		assert_true(*p == '\0');
		if (c == 1)
			assert_null(sn->py[1][0]);
	}
	/* The longest match, after spaces; never a surname mid-name. */
	assert_string_equal(pinyin_surname("欧阳娜娜")->han, "欧阳");
	assert_string_equal(pinyin_surname(" 欧明")->han, "欧");
	assert_string_equal(pinyin_surname("万俟卨")->han, "万俟");
	assert_string_equal(pinyin_surname("万明")->han, "万");
	assert_null(pinyin_surname("行欧阳"));
	assert_null(pinyin_surname(""));
	assert_null(pinyin_surname("Anna"));
}

static void
test_compound(void **state)
{
	static const struct {
		const char	*name, *full, *init;
	} cases[] = {
		{ "欧阳娜娜", "ouyangnana", "oynn" },
		{ "司马光", "simaguang", "smg" },
		{ "诸葛亮", "zhugeliang", "zgl" },
		{ "上官婉儿", "shangguanwaner", "sgwe" },
		{ "尉迟恭", "yuchigong", "ycg" },
		{ "长孙无忌", "zhangsunwuji", "zswj" },
		{ "万俟卨", "moqixie", "mqx" },
		{ "令狐冲", "linghuchong", "lhc" },
		{ "皇甫嵩", "huangfusong", "hfs" },
		{ "东方朔", "dongfangshuo", "dfs" },
		{ "慕容复", "murongfu", "mrf" },
		{ "公孙胜", "gongsunsheng", "gss" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(cases); i++)
		check(cases[i].name, cases[i].full, cases[i].init);
}

static void
test_polyphone(void **state)
{
	struct name_terms	t;

	(void)state;
	/* 长 in a given name: both readings. */
	terms("李长青", &t);
	assert_true(has(t.full, t.nfull, "lichangqing"));
	assert_true(has(t.full, t.nfull, "lizhangqing"));
	assert_true(has(t.init, t.ninit, "lcq"));
	assert_true(has(t.init, t.ninit, "lzq"));
	terms_free(&t);

	/* 行: xing first, hang too. */
	terms("王行", &t);
	assert_string_equal(t.full[0], "wangxing");
	assert_true(has(t.full, t.nfull, "wanghang"));
	terms_free(&t);
}

static void
test_cap(void **state)
{
	struct name_terms	t;
	char			 name[4 * 200 + 1] = "";
	size_t			 i;

	(void)state;
	/* Eight polyphones: thousands of spellings, capped, distinct. */
	terms("朴行长乐单查解曾", &t);
	assert_int_equal(t.nfull, PINYIN_MAXTERMS);
	assert_string_equal(t.full[0], "piaoxingzhangledanchajieceng");
	for (i = 1; i < t.nfull; i++)
		assert_false(has(t.full, i, t.full[i]));
	for (i = 1; i < t.ninit; i++)
		assert_false(has(t.init, i, t.init[i]));
	terms_free(&t);

	/* A long name: only the first PINYIN_MAXUNITS characters count. */
	for (i = 0; i < 200; i++)
		strcat(name, "行");
	terms(name, &t);
	assert_int_equal(t.nfull, PINYIN_MAXTERMS);
	assert_int_equal(strlen(t.full[0]), 4 * PINYIN_MAXUNITS);
	assert_int_equal(strlen(t.init[0]), PINYIN_MAXUNITS);
	terms_free(&t);
}

static void
test_extb(void **state)
{
	const char		*r[PINYIN_MAXREADINGS];
	struct name_terms	 t;

	(void)state;
	/* 𠮷 has no reading in Unihan; pinyin.c gives it 吉's. */
	assert_int_equal(pinyin_readings(0x20bb7, r, nitems(r)), 1);
	assert_string_equal(r[0], "ji");
	check("𠮷田", "jitian", "jt");
	check("欧阳𠮷·娜", "ouyangjina", "oyjn");

	/* A character with no reading at all is skipped. */
	check("张\xf0\xaa\x9b\x9d三", "zhangsan", "zs");	/* U+2A6DD */
	terms("\xf0\xaa\x9b\x9d", &t);
	assert_int_equal(t.nfull, 0);
	assert_null(t.full);
	assert_int_equal(t.ninit, 0);
	terms_free(&t);
}

static void
test_latin(void **state)
{
	struct name_terms	t;

	(void)state;
	terms("Anna Li", &t);
	assert_int_equal(t.nfull, 1);
	assert_string_equal(t.full[0], "annali");
	assert_int_equal(t.ninit, 1);
	assert_string_equal(t.init[0], "al");
	terms_free(&t);

	check("Jean-Luc O'Neil", "jeanluconeil", "jlon");
	check("Zoë Müller", "zoemuller", "zm");
	check("Ｌｉ Ｍｉｎｇ", "liming", "lm");		/* fullwidth */
	check("Zhāng Sān", "zhangsan", "zs");
	check("Zha\xcc\x84ng", "zhang", "z");		/* a + U+0304 */
	check("李Anna", "lianna", "la");
	check("艾力·买买提", "ailimaimaiti", "almmt");

	terms("·、 123 !", &t);
	assert_int_equal(t.nfull, 0);
	assert_int_equal(t.ninit, 0);
	terms_free(&t);
	terms("", &t);
	assert_int_equal(t.nfull, 0);
	terms_free(&t);
}

static void
test_invalid(void **state)
{
	char	**full = (char **)1, **init = (char **)1;
	size_t	  nfull = 9, ninit = 9;

	(void)state;
	assert_int_equal(pinyin_terms("张\xff", &full, &nfull, &init, &ninit),
	    XJ_EDATA);
	assert_null(full);
	assert_null(init);
	assert_int_equal(nfull, 0);
	assert_int_equal(ninit, 0);
	assert_int_equal(pinyin_terms("\xe5\xbc", &full, &nfull, &init,
	    &ninit), XJ_EDATA);
	pinyin_terms_free(NULL, 0);
}

static void
test_query(void **state)
{
	char	s[] = "ZhangSan";

	(void)state;
	assert_true(pinyin_is_query("zs"));
	assert_true(pinyin_is_query("ZhangSan"));
	assert_false(pinyin_is_query(""));
	assert_false(pinyin_is_query("zhang san"));
	assert_false(pinyin_is_query("1234"));
	assert_false(pinyin_is_query("张"));
	assert_false(pinyin_is_query("zs1"));
	pinyin_fold(s);
	assert_string_equal(s, "zhangsan");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_tones_and_v),
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_surname),
		cmocka_unit_test(test_surname_table),
		cmocka_unit_test(test_compound),
		cmocka_unit_test(test_polyphone),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_extb),
		cmocka_unit_test(test_latin),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
