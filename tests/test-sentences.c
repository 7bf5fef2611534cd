/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Audit entries as the log browser reads them out, in English and in
 * Chinese from the catalogue of this build: codes become words, a
 * refusal names the rule that refused it, an action without a sentence
 * still says who did what.
 */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "lib/testlib.h"
#include "../src/ui/ui.h"

static const struct audit_entry four_eyes = {
	.operator = "supervisor1", .action = "access.denied",
	.target = "SH01-2026-00250", .fields = "",
	.detail = "rule=four-eyes what=request.approve request=3",
};
static const struct audit_entry no_perm = {
	.operator = "auditor1", .action = "access.denied", .target = "",
	.fields = "", .detail = "perm=student.view what=student.view",
};
static const struct audit_entry withdraw = {
	.operator = "reception2", .action = "access.denied",
	.target = "SH01-2026-00007", .fields = "",
	.detail = "rule=requester-only what=request.withdraw request=5",
};
static const struct audit_entry unknown = {
	.operator = "reception1", .action = "something.new",
	.target = "SH01-2026-00001", .fields = "", .detail = "",
};

static void
expect(const struct audit_entry *e, const char *want)
{
	char	*got = audit_sentence(e);

	assert_string_equal(got, want);
	free(got);
}

static void
language(const char *lang)
{
	const char	*dir = getenv("XUEJI_LOCALEDIR");

	setenv("LANGUAGE", lang, 1);
	setlocale(LC_ALL, "C.UTF-8");
	bindtextdomain(PACKAGE, dir != NULL ? dir : "build/locale");
	textdomain(PACKAGE);
}

static void
test_english(void **state)
{
	(void)state;
	language("en");
	expect(&four_eyes, "supervisor1 was refused deciding request 3 for "
	    "SH01-2026-00250: they filed it themselves (four-eyes rule)");
	expect(&no_perm, "auditor1 was refused opening a record (needs "
	    "student.view)");
	expect(&withdraw, "reception2 was refused withdrawing request 5 for "
	    "SH01-2026-00007: only its requester may");
	expect(&unknown, "reception1 something.new SH01-2026-00001");
}

static void
test_chinese(void **state)
{
	(void)state;
	language("zh_CN");
	expect(&four_eyes, "supervisor1 审批 SH01-2026-00250 的第 3 号申请"
	    "被拒绝：该申请是其本人提交的（四眼原则）");
	expect(&no_perm, "auditor1 被拒绝查看学员档案（需要 student.view）");
	expect(&withdraw, "reception2 撤回 SH01-2026-00007 的第 5 号申请"
	    "被拒绝：只有提交人可以撤回");
	expect(&unknown, "reception1 something.new SH01-2026-00001");
	language("en");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_chinese),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
