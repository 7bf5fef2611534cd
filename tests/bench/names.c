/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Synthetic children: names drawn from surname and given-name frequency
 * tables (weights roughly those of the 2020 census and of names given to
 * children born 2008-2023), compound and polyphonic surnames included;
 * guardians, phones and birth months to go with them.  Deterministic for
 * a given seed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "bench/bench.h"

struct weighted {
	const char	*s;
	unsigned	 w;		/* per 10,000 */
};

/* Surnames: the common ones, polyphonic ones (单 shan, 仇 qiu, 解 xie,
 * 区 ou, 查 zha, 乐 yue, 曾 zeng, 朴 piao, 盖 ge, 覃 qin), and compound
 * ones (欧阳, 司马, 诸葛, 上官, 东方, 皇甫, 尉迟, 公孙, 令狐, 慕容, 万俟). */
static const struct weighted surnames[] = {
	{ "王", 710 }, { "李", 700 }, { "张", 670 }, { "刘", 540 },
	{ "陈", 450 }, { "杨", 310 }, { "黄", 220 }, { "赵", 210 },
	{ "吴", 200 }, { "周", 190 }, { "徐", 150 }, { "孙", 150 },
	{ "马", 130 }, { "朱", 130 }, { "胡", 120 }, { "郭", 110 },
	{ "何", 110 }, { "林", 100 }, { "罗", 100 }, { "高", 100 },
	{ "郑", 90 }, { "梁", 90 }, { "谢", 80 }, { "宋", 70 },
	{ "唐", 70 }, { "许", 60 }, { "韩", 60 }, { "冯", 60 },
	{ "邓", 60 }, { "曹", 60 }, { "彭", 50 }, { "曾", 50 },
	{ "肖", 50 }, { "田", 50 }, { "董", 50 }, { "袁", 40 },
	{ "潘", 40 }, { "于", 40 }, { "蒋", 40 }, { "蔡", 40 },
	{ "余", 40 }, { "杜", 40 }, { "叶", 40 }, { "程", 40 },
	{ "苏", 40 }, { "魏", 30 }, { "吕", 30 }, { "丁", 30 },
	{ "任", 30 }, { "沈", 30 }, { "姚", 30 }, { "卢", 30 },
	{ "姜", 30 }, { "崔", 30 }, { "钟", 30 }, { "谭", 30 },
	{ "陆", 30 }, { "汪", 30 }, { "范", 30 }, { "金", 30 },
	{ "石", 30 }, { "廖", 30 }, { "贾", 30 }, { "夏", 30 },
	{ "韦", 30 }, { "付", 30 }, { "方", 20 }, { "白", 20 },
	{ "邹", 20 }, { "孟", 20 }, { "熊", 20 }, { "秦", 20 },
	{ "邱", 20 }, { "江", 20 }, { "尹", 20 }, { "薛", 20 },
	{ "闫", 20 }, { "段", 20 }, { "雷", 20 }, { "侯", 20 },
	{ "龙", 20 }, { "史", 20 }, { "陶", 20 }, { "黎", 20 },
	{ "贺", 20 }, { "顾", 20 }, { "毛", 20 }, { "郝", 20 },
	{ "龚", 20 }, { "邵", 20 }, { "万", 20 }, { "钱", 20 },
	{ "单", 8 }, { "仇", 5 }, { "解", 5 }, { "区", 3 }, { "查", 5 },
	{ "乐", 3 }, { "朴", 3 }, { "盖", 3 }, { "覃", 8 },
	{ "欧阳", 6 }, { "司马", 3 }, { "诸葛", 2 }, { "上官", 2 },
	{ "东方", 2 }, { "皇甫", 1 }, { "尉迟", 1 }, { "公孙", 1 },
	{ "令狐", 1 }, { "慕容", 1 }, { "万俟", 1 },
};

/* The first and second characters of given names (乐, 和, 长, 朝 and 行
 * have more than one reading; 𠮷 is outside the BMP). */
static const struct weighted given1[] = {
	{ "子", 400 }, { "梓", 300 }, { "浩", 250 }, { "宇", 250 },
	{ "欣", 250 }, { "一", 250 }, { "诗", 200 }, { "雨", 200 },
	{ "思", 200 }, { "俊", 150 }, { "佳", 200 }, { "嘉", 150 },
	{ "晨", 120 }, { "可", 120 }, { "雅", 120 }, { "沐", 100 },
	{ "若", 100 }, { "语", 100 }, { "博", 100 }, { "奕", 100 },
	{ "铭", 80 }, { "泽", 80 }, { "明", 80 }, { "天", 80 },
	{ "家", 80 }, { "文", 80 }, { "志", 60 }, { "建", 40 },
	{ "乐", 60 }, { "和", 30 }, { "长", 20 }, { "朝", 20 },
	{ "安", 60 }, { "心", 60 }, { "依", 60 }, { "锦", 50 },
	{ "芷", 40 }, { "皓", 50 }, { "昊", 50 }, { "煜", 40 },
	{ "书", 60 }, { "景", 50 }, { "舒", 40 }, { "婉", 40 },
	{ "𠮷", 1 },
};
static const struct weighted given2[] = {
	{ "涵", 400 }, { "轩", 350 }, { "萱", 250 }, { "怡", 250 },
	{ "然", 200 }, { "琪", 150 }, { "彤", 150 }, { "睿", 150 },
	{ "辰", 150 }, { "熙", 120 }, { "瑶", 120 }, { "妍", 120 },
	{ "阳", 120 }, { "杰", 120 }, { "航", 100 }, { "晗", 100 },
	{ "悦", 100 }, { "桐", 100 }, { "宸", 80 }, { "皓", 80 },
	{ "泽", 100 }, { "铭", 80 }, { "宇", 100 }, { "博", 60 },
	{ "诺", 100 }, { "菲", 60 }, { "琳", 60 }, { "婷", 60 },
	{ "涛", 50 }, { "鑫", 50 }, { "彬", 40 }, { "豪", 50 },
	{ "伟", 40 }, { "静", 40 }, { "敏", 40 }, { "乐", 50 },
	{ "行", 20 }, { "远", 60 }, { "文", 60 }, { "明", 50 },
	{ "墨", 60 }, { "希", 60 }, { "兮", 40 }, { "言", 50 },
};
/* Single-character given names, about one child in seven. */
static const struct weighted single[] = {
	{ "伟", 100 }, { "静", 100 }, { "敏", 80 }, { "磊", 80 },
	{ "洋", 80 }, { "杰", 80 }, { "娜", 60 }, { "涛", 60 },
	{ "琳", 60 }, { "悦", 60 }, { "航", 60 }, { "睿", 60 },
	{ "乐", 40 }, { "朵", 40 }, { "桐", 40 }, { "淼", 20 },
};
static const char *const guardian_given[] = {
	"建国", "志强", "秀英", "丽华", "海燕", "卫东", "晓红", "国庆",
	"红梅", "建华", "玉兰", "伟", "敏", "静", "军", "燕", "磊", "勇",
	"晓明", "海波", "丽娟", "春梅", "文军", "雪梅",
};
static const char *const consents[] = { "in-person", "signed-form",
	"online" };

uint64_t
bench_rand(uint64_t *s)
{
	/* splitmix64: good enough, and the same on every machine. */
	uint64_t	z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *
pick(const struct weighted *t, size_t n, uint64_t *rng)
{
	unsigned	 total = 0, r;
	size_t		 i;

	for (i = 0; i < n; i++)
		total += t[i].w;
	r = (unsigned)(bench_rand(rng) % total);
	for (i = 0; i < n - 1 && r >= t[i].w; i++)
		r -= t[i].w;
	return t[i].s;
}

void
person_make(struct person *p, uint64_t *rng, int year)
{
	const char	*sur;
	int		 age;

	sur = pick(surnames, nitems(surnames), rng);
	if (bench_rand(rng) % 7 == 0)
		snprintf(p->name, sizeof p->name, "%s%s", sur,
		    pick(single, nitems(single), rng));
	else
		snprintf(p->name, sizeof p->name, "%s%s%s", sur,
		    pick(given1, nitems(given1), rng),
		    pick(given2, nitems(given2), rng));
	/* Usually the father's surname, sometimes the mother comes. */
	snprintf(p->guardian, sizeof p->guardian, "%s%s",
	    bench_rand(rng) % 3 != 0 ? sur :
	    pick(surnames, nitems(surnames), rng),
	    guardian_given[bench_rand(rng) % nitems(guardian_given)]);
	age = 3 + (int)(bench_rand(rng) % 13);
	snprintf(p->birth, sizeof p->birth, "%04d-%02d", year - age,
	    1 + (int)(bench_rand(rng) % 12));
	if (bench_rand(rng) % 10 == 0)
		snprintf(p->phone, sizeof p->phone, "021-6%07u",
		    (unsigned)(bench_rand(rng) % 10000000));
	else
		snprintf(p->phone, sizeof p->phone, "1%c%09u",
		    "3456789"[bench_rand(rng) % 7],
		    (unsigned)(bench_rand(rng) % 1000000000));
	p->consent = consents[bench_rand(rng) % nitems(consents)];
}

double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}
