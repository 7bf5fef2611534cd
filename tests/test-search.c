/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Search as a receptionist types it (issue 20), against a real branch:
 * whole phones in any spacing, landlines with or without their area
 * code, full-width digits and letters, names with or without "·", the
 * number's tail, and surnames by their surname readings only.  One
 * table of inputs, each with the children it must list and those it
 * must not.  Then the rebuild of a branch whose terms are older.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "xueji/platform.h"
#include "xueji/search.h"
#include "xueji/student.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

/* The children, by letter: the table names them so. */
static const struct child {
	const char	*name, *birth, *guardian, *phone;
} children[] = {
	/* A */ { "丁一", "2018-03", "丁大", "139 1234 5678" },
	/* B */ { "曾小凡", "2018-04", "曾大", "13800001111" },
	/* C */ { "单田芳", "2017-05", "单大", "021-62345678" },
	/* D */ { "欧阳𠮷·娜", "2019-01", "欧阳明", "0571-8765432" },
	/* E */ { "郑浩", "2018-06", "郑大", "13700002222" },
	/* F */ { "张三", "2018-07", "张大", "13600004444" },
	/* G */ { "尉迟恭", "2018-08", "尉迟大", "13500005555" },
	/* H */ { "万俟明", "2018-09", "万俟大", "13300006666" },
	/* I */ { "区明", "2018-10", "区大", "13300007777" },
	/* J */ { "盖明", "2018-11", "盖大", "13300008888" },
};

/*
 * Each input: the children it lists (letters) and those it must not.
 * "#4" in an input is the tail of child D's number after its first
 * dash ("2026-00004"), "#s" D's sequence ("00004"), "#b" the branch
 * code and year with the dash ("SH01-2026-").
 */
static const struct row {
	const char	*text, *finds, *never;
} rows[] = {
	/* Whole phones, any spacing, full width, +86. */
	{ "13912345678", "A", "BCDEFGHIJ" },
	{ "139 1234 5678", "A", "BC" },
	{ "139-1234-5678", "A", "BC" },
	{ "+86 139 1234 5678", "A", "BC" },
	{ "１３９１２３４５６７８", "A", "BC" },
	{ "１３９　１２３４　５６７８", "A", "BC" },
	/* The tail: a mobile's and a landline's. */
	{ "5678", "AC", "BDEF" },
	{ "５６７８", "AC", "BDEF" },
	/* Landlines with or without the area code and dash. */
	{ "021-62345678", "C", "A" },
	{ "02162345678", "C", "A" },
	{ "021 6234 5678", "C", "A" },
	{ "(021) 62345678", "C", "A" },
	{ "62345678", "C", "A" },
	{ "0571-8765432", "D", "C" },
	{ "8765432", "D", "C" },
	/* Names with or without the dot and spaces. */
	{ "欧阳𠮷娜", "D", "" },
	{ "欧阳𠮷·娜", "D", "" },
	{ "欧阳 𠮷娜", "D", "" },
	{ "欧阳𠮷・娜", "D", "" },
	{ "单田", "C", "ABDE" },
	/* The number: its sequence, its tail after the branch code, and
	 * the branch code only with its dash. */
	{ "#s", "D", "ABCEFGHIJ" },
	{ "#4", "D", "ABCEFGHIJ" },
	{ "#b", "ABCDEFGHIJ", "" },
	{ "SH01", "", "ABCDEFGHIJ" },
	{ "sh", "C", "ABDEFGHIJ" },
	/* Surnames by their surname readings only. */
	{ "zh", "EF", "A" },
	{ "zheng", "E", "A" },
	{ "ding", "A", "" },
	{ "dy", "A", "" },
	{ "zeng", "B", "" },
	{ "ceng", "", "B" },
	{ "shan", "C", "" },
	{ "stf", "C", "" },
	{ "dan", "", "C" },
	{ "ouyang", "D", "" },
	{ "oyjn", "D", "" },
	{ "yuchi", "G", "" },
	{ "weichi", "", "G" },
	{ "moqi", "H", "" },
	{ "wanqi", "", "H" },
	{ "ou", "DI", "" },
	{ "qu", "", "I" },
	{ "ge", "J", "" },
	{ "gai", "", "J" },
	/* Given names keep every reading: 万俟明 ming, 尉迟恭 gong. */
	{ "moqiming", "H", "" },
	/* Pinyin in any case, full width, with spaces. */
	{ "Zheng", "E", "A" },
	{ "ＺＨＥＮＧ", "E", "A" },
	{ "zhang san", "F", "E" },
	{ "xi'an", "", "ABCDEFGHIJ" },
};

struct fixture {
	struct tl_branch	*b;
	struct session		*s;
	char			*number[nitems(children)];
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	size_t		 i;

	f->b = tl_branch_new();
	f->s = tl_login(f->b, "reception1");
	for (i = 0; i < nitems(children); i++) {
		f->number[i] = tl_enrol(f->s, children[i].name,
		    children[i].birth, children[i].guardian,
		    children[i].phone, NULL);
		if (f->number[i] == NULL)
			fail_msg("cannot enrol %s", children[i].name);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	session_free(f->s);
	tl_check_db(f->b);
	tl_branch_free(f->b);
	for (i = 0; i < nitems(children); i++)
		free(f->number[i]);
	free(f);
	return 0;
}

/* The text a row means: "#4", "#s" and "#b" from child D's number. */
static char *
row_text(const struct fixture *f, const char *text)
{
	const char	*d = f->number[3], *dash = strchr(d, '-');
	const char	*last = strrchr(d, '-');

	if (strcmp(text, "#4") == 0)
		return xstrdup(dash + 1);
	if (strcmp(text, "#s") == 0)
		return xstrdup(last + 1);
	if (strcmp(text, "#b") == 0)
		return xstrndup(d, (size_t)(last - d + 1));
	return xstrdup(text);
}

/* Which children a search lists, as letters "A".."J". */
static char *
found(struct fixture *f, const char *text)
{
	struct student	**v;
	char		 *cause = NULL, *out;
	size_t		  n, i, j, len = 0;

	if (store_student_find(f->s->st, text, 50, NULL, &v, &n,
	    &cause) != XJ_OK)
		fail_msg("find \"%s\": %s", text, cause);
	out = xcalloc(nitems(children) + 1, 1);
	for (j = 0; j < nitems(children); j++) {
		for (i = 0; i < n; i++) {
			if (strcmp(v[i]->number, f->number[j]) == 0)
				out[len++] = (char)('A' + j);
		}
	}
	students_free(v, n);
	return out;
}

static void
check_row(struct fixture *f, const struct row *r)
{
	char		*text = row_text(f, r->text), *got;
	const char	*c;

	got = found(f, text);
	for (c = r->finds; *c != '\0'; c++) {
		if (strchr(got, *c) == NULL)
			fail_msg("\"%s\" lists %s, not %s (%s)", text, got, c,
			    children[*c - 'A'].name);
	}
	for (c = r->never; *c != '\0'; c++) {
		if (strchr(got, *c) != NULL)
			fail_msg("\"%s\" lists %c (%s), which it must not",
			    text, *c, children[*c - 'A'].name);
	}
	free(got);
	free(text);
}

static void
test_inputs(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < nitems(rows); i++)
		check_row(f, &rows[i]);
}

static void
exec(struct fixture *f, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(store_db(f->s->st), sql, NULL, NULL, &err) !=
	    SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

/*
 * A branch whose terms an older xueji made (no q: or f: terms, and the
 * name with its dot) is rebuilt at the next login, once; a branch from
 * before the version was kept (no meta row) too.
 */
static void
test_upgrade(void **state)
{
	struct fixture	*f = *state;
	char		*v, *got, *cause = NULL;
	int		 pass;

	for (pass = 0; pass < 2; pass++) {
		exec(f, "DELETE FROM search WHERE substr(term, 1, 2)"
		    " IN ('q:', 'f:', 'n:')");
		exec(f, pass == 0 ? "UPDATE meta SET value = '1' WHERE key"
		    " = 'search_terms'" : "DELETE FROM meta WHERE key ="
		    " 'search_terms'");
		got = found(f, "02162345678");
		assert_string_equal(got, "");
		free(got);

		session_free(f->s);
		f->s = tl_login(f->b, "reception1");
		v = tl_query(f->s, "SELECT value FROM meta WHERE key ="
		    " 'search_terms'");
		assert_non_null(v);
		assert_int_equal(atoi(v), SEARCH_TERMS_VERSION);
		free(v);
		check_row(f, &rows[9]);		/* 02162345678 */
		check_row(f, &rows[15]);	/* 欧阳𠮷娜 */
		check_row(f, &rows[21]);	/* the number's tail */
	}
	/* Current: nothing to do, and nothing done. */
	exec(f, "DELETE FROM search WHERE substr(term, 1, 2) = 'q:'");
	assert_int_equal(store_search_upgrade(f->s->st, &cause), XJ_OK);
	v = tl_query(f->s, "SELECT count(*) FROM search WHERE"
	    " substr(term, 1, 2) = 'q:'");
	assert_string_equal(v, "0");
	free(v);
	exec(f, "UPDATE meta SET value = '0' WHERE key = 'search_terms'");
	assert_int_equal(store_search_upgrade(f->s->st, &cause), XJ_OK);
	v = tl_query(f->s, "SELECT count(*) FROM search WHERE"
	    " substr(term, 1, 2) = 'q:'");
	assert_int_not_equal(atoi(v), 0);
	free(v);
}

/*
 * One letter or two at a branch where they begin more than the thousand
 * terms a keystroke reads: the list is the newest students they begin,
 * newest first.  Eleven hundred 孙 (sun) enrolled first, then one 索
 * (suo): a range of the oldest spellings in s- would hold only sun and
 * miss the newest.
 */
static void
test_heads_newest(void **state)
{
	static const char	 given[] =
	    "一二三四五六七八九十春夏秋冬东南西北山川河海林木石"
	    "金水火土日月星云风雨雪天地人和平安乐明亮";
	struct tl_branch	*b;
	struct session		*s;
	struct student		**v;
	enum { N = 1100 };
	static const char *const texts[] = { "s", "S", "su", "suo" };
	char			*number[N + 1], name[32], phone[16];
	char			*cause = NULL;
	size_t			 i, k, n, chars = (sizeof given - 1) / 3;

	(void)state;
	b = tl_branch_new();
	s = tl_login(b, "reception1");
	for (i = 0; i <= N; i++) {
		if (i < N)
			snprintf(name, sizeof name, "孙%.3s%.3s",
			    given + 3 * (i % chars), given + 3 * (i / chars));
		else
			snprintf(name, sizeof name, "索明");
		snprintf(phone, sizeof phone, "137%08zu", 30000000 + i);
		number[i] = tl_enrol(s, name, "2016-05", "家长", phone, NULL);
		if (number[i] == NULL)
			fail_msg("cannot enrol %s", name);
	}
	for (k = 0; k < nitems(texts); k++) {
		if (store_student_find(s->st, texts[k], 20, NULL, &v, &n,
		    &cause) != XJ_OK)
			fail_msg("find \"%s\": %s", texts[k], cause);
		if (n == 0 || strcmp(v[0]->number, number[N]) != 0)
			fail_msg("\"%s\" does not list the newest (%s) first",
			    texts[k], number[N]);
		/* "suo" is 索 alone; the others, the newest twenty. */
		assert_int_equal(n, k == 3 ? 1 : 20);
		for (i = 0; i < n; i++)
			assert_string_equal(v[i]->number, number[N - i]);
		students_free(v, n);
	}
	for (i = 0; i <= N; i++)
		free(number[i]);
	session_free(s);
	tl_check_db(b);
	tl_branch_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, setup,
		    teardown),
		cmocka_unit_test(test_heads_newest),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
