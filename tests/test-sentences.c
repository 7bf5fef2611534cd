/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Audit entries as the log browser reads them out, in English and in
 * Chinese from the catalogue of this build: codes become words, a
 * refusal names the rule that refused it, an action without a sentence
 * still says who did what.  Every action the code can log, found in the
 * sources, has a sentence and a name, and every refusal's "what" words
 * (issue 20); field keys read as the form's labels.
 */
#include <glob.h>
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/forms.h"
#include "xueji/policy.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "xueji/report.h"
#include "lib/testlib.h"
#include "xueji/sentences.h"

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
static const struct audit_entry acknowledge = {
	.operator = "reception2", .action = "access.denied",
	.target = "SH01-2026-00007", .fields = "",
	.detail = "rule=requester-only what=request.acknowledge request=6",
};
static const struct audit_entry unknown = {
	.operator = "reception1", .action = "something.new",
	.target = "SH01-2026-00001", .fields = "", .detail = "",
};

static void
expect(const struct audit_entry *e, const char *want)
{
	char	*got = audit_sentence(e, NULL, NULL);

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
	    "the permission to open records)");
	expect(&withdraw, "reception2 was refused withdrawing a request for "
	    "SH01-2026-00007 (request 5): only its requester may");
	/* Issue 21: the acknowledgement's refusal is logged too. */
	expect(&acknowledge, "reception2 was refused marking a decision as "
	    "read for SH01-2026-00007 (request 6): only its requester may");
	expect(&unknown, "reception1 something.new SH01-2026-00001");
}

static void
test_chinese(void **state)
{
	(void)state;
	language("zh_CN");
	expect(&four_eyes, "supervisor1 审批 SH01-2026-00250 的第 3 号申请"
	    "被拒绝：该申请是其本人提交的（四眼原则）");
	expect(&no_perm, "auditor1 被拒绝查看学员档案（需要“查看档案”权限）");
	expect(&withdraw, "reception2 被拒绝撤回申请（SH01-2026-00007 的第 5 "
	    "号申请）：只有提交人可以这样做");
	expect(&acknowledge, "reception2 被拒绝标记决定为已阅（SH01-2026-00007 "
	    "的第 6 号申请）：只有提交人可以这样做");
	expect(&unknown, "reception1 something.new SH01-2026-00001");
	language("en");
}

/* The string literals of src/ that name an action or a refusal. */
struct found {
	char	**v;
	size_t	  n;
};

static void
found_add(struct found *f, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		if (strlen(f->v[i]) == len && strncmp(f->v[i], s, len) == 0)
			return;
	}
	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	f->v[f->n++] = xstrndup(s, len);
}

/* Whether s[0..len) looks like an action: "student.view". */
static int
action_shaped(const char *s, size_t len)
{
	size_t	i, dots = 0;

	if (len == 0 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	}
	return dots > 0 && s[len - 1] != '.';
}

/*
 * The literals inside every call of fn in text (to its closing
 * bracket), from the first argument on; or, with only_nth > 0, the
 * literal that is that argument.
 */
static void
scan_calls(const char *text, const char *fn, int only_nth, int shaped,
    struct found *f)
{
	const char	*p = text, *q, *end;
	int		 depth, arg;

	while ((p = strstr(p, fn)) != NULL) {
		if (p > text && (p[-1] == '_' || (p[-1] >= 'a' &&
		    p[-1] <= 'z'))) {
			p += strlen(fn);
			continue;
		}
		p += strlen(fn);
		for (depth = 1, arg = 1, q = p; *q != '\0' && depth > 0; q++) {
			if (*q == '"') {
				for (end = q + 1; *end != '\0' && *end != '"';
				    end++)
					if (*end == '\\' && end[1] != '\0')
						end++;
				if ((only_nth == 0 || arg == only_nth) &&
				    (!shaped || action_shaped(q + 1,
				    (size_t)(end - q - 1))))
					/* "what" stops at its space. */
					found_add(f, q + 1, strcspn(q + 1,
					    " \""));
				/* An unclosed quote ('"' in C) ends the text. */
				if (*(q = end) == '\0')
					break;
			} else if (*q == '(')
				depth++;
			else if (*q == ')')
				depth--;
			else if (*q == ',' && depth == 1)
				arg++;
		}
		p = q;
	}
}

/* Every logged action and every refusal's what, from src/. */
static void
scan_sources(struct found *actions, struct found *whats)
{
	glob_t	 g;
	char	*text;
	size_t	 i;

	assert_int_equal(glob("src/*/*.c", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		assert_int_equal(xj_read_file(g.gl_pathv[i], 1 << 22, &text,
		    NULL, NULL), XJ_OK);
		scan_calls(text, "log_entry(", 0, 1, actions);
		scan_calls(text, "store_log(", 0, 1, actions);
		scan_calls(text, "store_log_read(", 0, 1, actions);
		scan_calls(text, "action = ", 0, 1, actions);
		scan_calls(text, "log_commit(", 2, 1, actions);
		scan_calls(text, "note_hash(", 3, 1, actions);
		scan_calls(text, "list_seen(", 2, 1, actions);
		scan_calls(text, "store_require(", 3, 0, whats);
		free(text);
	}
	globfree(&g);
	/* A positive control: the scan finds what it must. */
	assert_true(actions->n >= 40);
	assert_true(whats->n >= 20);
}

/*
 * Issue 20: every action the code logs reads as a sentence and has a
 * name, in both languages; every refusal says in words what was refused.
 */
static void
test_every_action(void **state)
{
	static const char *const langs[] = { "en", "zh_CN" };
	struct found		 actions = { 0 }, whats = { 0 };
	struct audit_entry	 e;
	char			*got, *fallback, *detail;
	size_t			 i, l, k;
	int			 bad = 0, ascii;

	(void)state;
	scan_sources(&actions, &whats);
	for (l = 0; l < nitems(langs); l++) {
		language(langs[l]);
		for (i = 0; i < actions.n; i++) {
			memset(&e, 0, sizeof e);
			e.operator = "op1";
			e.action = actions.v[i];
			e.target = "T1";
			e.fields = "";
			e.detail = "";
			got = audit_sentence(&e, NULL, NULL);
			xasprintf(&fallback, "op1 %s T1",
			    audit_action_words(e.action));
			for (ascii = 1, k = 0; got[k] != '\0'; k++)
				ascii &= (unsigned char)got[k] < 0x80;
			if (strcmp(got, fallback) == 0 ||
			    strstr(got, e.action) != NULL ||
			    strcmp(audit_action_words(e.action),
			    e.action) == 0 ||
			    (strcmp(langs[l], "zh_CN") == 0 && ascii)) {
				print_error("%s: %s: no sentence or name: "
				    "\"%s\"\n", langs[l], e.action, got);
				bad++;
			}
			free(fallback);
			free(got);
		}
		/* English words may be the code ("an import"): Chinese
		 * shows whether there are words. */
		for (i = 0; l > 0 && i < whats.n; i++) {
			memset(&e, 0, sizeof e);
			e.operator = "op1";
			e.action = "access.denied";
			e.target = "";
			e.fields = "";
			xasprintf(&detail, "perm=p.q what=%s", whats.v[i]);
			e.detail = detail;
			got = audit_sentence(&e, NULL, NULL);
			if (strstr(got, whats.v[i]) != NULL) {
				print_error("%s: what=%s has no words: "
				    "\"%s\"\n", langs[l], whats.v[i], got);
				bad++;
			}
			free(got);
			free(detail);
		}
	}
	language("en");
	for (i = 0; i < actions.n; i++)
		free(actions.v[i]);
	for (i = 0; i < whats.n; i++)
		free(whats.v[i]);
	free(actions.v);
	free(whats.v);
	assert_int_equal(bad, 0);
}

/* Field keys read as the form's labels; a report by its name. */
static void
test_words(void **state)
{
	static const struct audit_entry request = {
		.operator = "reception1", .action = "change.request",
		.target = "SH01-2026-00007", .fields = "guardian_name,"
		"guardian_phone", .detail = "request=7",
	};
	static const struct audit_entry report = {
		.operator = "auditor1", .action = "report.view",
		.target = "", .fields = "", .detail = "report=destruction",
	};
	static const struct audit_entry enrol = {
		.operator = "reception1", .action = "student.enroll",
		.target = "SH01-2026-00007", .fields = "name",
		.detail = "consent=in-person",
	};
	struct form_spec	*form;
	char			*cause = NULL, *got;

	(void)state;
	if (form_load("forms/enrollment.yaml", &form, &cause) != XJ_OK)
		fail_msg("%s", cause);
	language("zh_CN");
	got = audit_sentence(&request, form, NULL);
	assert_string_equal(got, "reception1 为 SH01-2026-00007 提交了第 7 "
	    "号变更申请（家长姓名、家长联系电话）");
	free(got);
	got = audit_fields_words("name,nickname", form);
	assert_string_equal(got, "学员姓名、nickname");
	free(got);
	assert_string_equal(audit_action_words("student.view"), "查看档案");
	got = audit_sentence(&report, form, NULL);
	assert_null(strstr(got, "destruction"));
	free(got);
	/* The consent method as the form names it. */
	got = audit_detail_words(&enrol, form);
	assert_string_equal(got, "监护人同意：当面确认");
	free(got);
	language("en");
	got = audit_sentence(&request, form, NULL);
	assert_string_equal(got, "reception1 filed change request 7 for "
	    "SH01-2026-00007 (Guardian name, Guardian phone)");
	free(got);
	form_free(form);
}

/*
 * Issue 20: an entry's detail reads as words: keys as names, codes as
 * their words (the permission, the refusal, a request's or a guardian's
 * request's kind, a method); a key it does not know still shows.
 */
static void
test_detail_words(void **state)
{
	static const struct audit_entry confirm = {
		.operator = "reception1", .action = "change.confirm",
		.target = "SH01-2026-00007", .fields = "",
		.detail = "request=7 method=phone",
	};
	static const struct audit_entry refused = {
		.operator = "reception1", .action = "access.denied",
		.target = "", .fields = "",
		.detail = "perm=student.phone what=guardian.access-file zz=1",
	};
	static const struct audit_entry kinds = {
		.operator = "supervisor1", .action = "guardian.request.add",
		.target = "SH01-2026-00007", .fields = "",
		.detail = "guardian=2 kind=deletion channel=phone",
	};
	static const struct audit_entry reject = {
		.operator = "supervisor1", .action = "request.reject",
		.target = "SH01-2026-00007", .fields = "",
		.detail = "request=3 kind=status",
	};
	char	*got;

	(void)state;
	language("zh_CN");
	got = audit_detail_words(&confirm, NULL);
	assert_string_equal(got, "申请编号：7\n确认方式：电话");
	free(got);
	got = audit_detail_words(&refused, NULL);
	assert_string_equal(got, "所需权限：查看完整电话号码\n"
	    "被拒绝的操作：生成监护人查阅文件\nzz：1");
	free(got);
	got = audit_detail_words(&kinds, NULL);
	assert_null(strstr(got, "deletion"));
	assert_null(strstr(got, "kind"));
	assert_null(strstr(got, "channel"));
	free(got);
	got = audit_detail_words(&reject, NULL);
	assert_null(strstr(got, "status"));
	free(got);
	got = audit_sentence(&refused, NULL, NULL);
	assert_string_equal(got, "reception1 被拒绝生成监护人查阅文件（需要"
	    "“查看完整电话号码”权限）");
	free(got);
	language("en");
	got = audit_detail_words(&confirm, NULL);
	assert_string_equal(got, "Request number: 7\nHow confirmed: by phone");
	free(got);
}

/*
 * Issue 20: no raw value an operator cannot read: a time as the local
 * minute (seconds or ISO 8601 alike), a key or a signature by its
 * first digits, student numbers listed as the language lists them, a
 * checkpoint's entry and a burst of failed logins by their names.
 */
static void
test_detail_values(void **state)
{
	static const struct audit_entry erased = {
		.operator = "-", .action = "destroy.erased",
		.target = "SH01-2026-00007", .fields = "",
		.detail = "destruction=2 executed=1796646960",
	};
	static const struct audit_entry rotate = {
		.operator = "supervisor1", .action = "operator.rotate-key",
		.target = "", .fields = "",
		.detail = "old=b7b4560b57da29919dffb82bf1ea5e43dc20304eabf872c1"
		"2b327e6382f968a2 new=e2983c20a76144d36be7ca3a390a10bfb654ebc2"
		"fa19ae03f5d9c34e7dac7400 upto=310 sig=05eb0e5d680f61b692452f0"
		"3979ede2dd89e04b1554c75f24486cedfc1b88d94c500430017236fc6c28a9"
		"3a14c3845fac11d31227a851f6274dd63e464249d00",
	};
	static const struct audit_entry find = {
		.operator = "reception1", .action = "student.find",
		.target = "", .fields = "",
		.detail = "results=3 numbers=SH01-2026-00298,SH01-2026-00277,…",
	};
	static const struct audit_entry review = {
		.operator = "supervisor1", .action = "status.review",
		.target = "SH01-2026-00007", .fields = "",
		.detail = "next=2027-03-07T12:36:00Z",
	};
	static const struct audit_entry failed = {
		.operator = "reception1", .action = "login.failed",
		.target = "", .fields = "",
		.detail = "reason=many count=40 first=2026-12-07T01:00:00Z "
		"last=2026-12-07T01:30:00Z wrong-passphrase=40",
	};
	static const struct audit_entry checkpoint = {
		.operator = "-", .action = "audit.checkpoint",
		.target = "", .fields = "", .detail = "seq=309 automatic=1",
	};
	char	*got;

	(void)state;
	setenv("TZ", "CST-8", 1);
	tzset();
	language("zh_CN");
	got = audit_detail_words(&erased, NULL);
	assert_string_equal(got, "销毁记录：2\n执行时间：2026-12-07 20:36");
	free(got);
	got = audit_detail_words(&rotate, NULL);
	assert_string_equal(got, "旧公钥：b7b4560b57da2991…\n"
	    "新公钥：e2983c20a76144d3…\n截至条目：310\n"
	    "签名：05eb0e5d680f61b6…");
	free(got);
	got = audit_detail_words(&find, NULL);
	assert_string_equal(got, "结果数：3\n"
	    "学号：SH01-2026-00298、SH01-2026-00277…");
	free(got);
	got = audit_sentence(&review, NULL, NULL);
	assert_string_equal(got, "supervisor1 复核了 SH01-2026-00007；"
	    "下次复核 2027-03-07 20:36");
	free(got);
	got = audit_detail_words(&failed, NULL);
	assert_string_equal(got, "原因：多次尝试失败\n尝试次数：40\n"
	    "首次尝试：2026-12-07 09:00\n末次尝试：2026-12-07 09:30\n"
	    "口令错误：40");
	free(got);
	got = audit_detail_words(&checkpoint, NULL);
	assert_string_equal(got, "截至条目：309\n自动写入：是");
	free(got);
	got = audit_hex_words("0123456789abcdef");
	assert_string_equal(got, "0123456789abcdef");
	free(got);
	language("en");
	got = audit_detail_words(&find, NULL);
	assert_string_equal(got, "Results: 3\n"
	    "Student numbers: SH01-2026-00298, SH01-2026-00277…");
	free(got);
	unsetenv("TZ");
	tzset();
}

/*
 * Log sentences name people as the rest of the interface does: the
 * operator, and an operator an operator.* action was done to, as
 * "王丽（reception1）"; no space is left between a name and Chinese, one
 * is kept beside an id; an id roles.yaml does not list stays an id.
 */
static void
test_names(void **state)
{
	static const char roles[] =
	    "roles:\n"
	    "  receptionist: [student.view]\n"
	    "  supervisor: [operator.manage]\n"
	    "operators:\n"
	    "  - {id: reception1, name: 王丽, role: receptionist}\n"
	    "  - {id: supervisor1, name: 陈静, role: supervisor}\n"
	    "  - {id: auditor1, name: 刘洋, role: receptionist}\n";
	static const struct audit_entry view = {
		.operator = "reception1", .action = "student.view",
		.target = "SH01-2026-00017", .fields = "", .detail = "",
	};
	static const struct audit_entry add = {
		.operator = "supervisor1", .action = "operator.add",
		.target = "auditor1", .fields = "", .detail = "",
	};
	static const struct audit_entry gone = {
		.operator = "reception9", .action = "student.view",
		.target = "SH01-2026-00017", .fields = "", .detail = "",
	};
	/* An operator named in the detail is a person too. */
	static const struct audit_entry first = {
		.operator = "reception1", .action = "operator.passwd",
		.target = "reception1", .fields = "",
		.detail = "rule=first-login set-by=supervisor1",
	};
	struct policy	*pol;
	char		*dir, *path, *cause = NULL, *got;

	(void)state;
	dir = tl_tmpdir();
	path = tl_write(dir, "roles.yaml", roles, 0644);
	if (policy_load(path, &pol, &cause) != XJ_OK)
		fail_msg("%s", cause);
	language("zh_CN");
	got = audit_sentence(&view, NULL, pol);
	assert_string_equal(got, "王丽（reception1）查看了 SH01-2026-00017");
	free(got);
	got = audit_sentence(&add, NULL, pol);
	assert_string_equal(got, "陈静（supervisor1）添加了操作员刘洋"
	    "（auditor1）");
	free(got);
	got = audit_sentence(&gone, NULL, pol);
	assert_string_equal(got, "reception9 查看了 SH01-2026-00017");
	free(got);
	got = audit_sentence(&first, NULL, pol);
	assert_string_equal(got, "王丽（reception1）在陈静（supervisor1）为其"
	    "设置口令后首次登录，改用了自己的口令");
	free(got);
	got = audit_sentence(&unknown, NULL, pol);
	assert_string_equal(got, "王丽（reception1） something.new "
	    "SH01-2026-00001");
	free(got);
	/* What the entry's page names as a person too. */
	assert_true(audit_target_operator(&add));
	assert_false(audit_target_operator(&view));
	language("en");
	got = audit_sentence(&view, NULL, pol);
	assert_string_equal(got, "王丽 (reception1) viewed SH01-2026-00017");
	free(got);
	got = audit_sentence(&add, NULL, pol);
	assert_string_equal(got, "陈静 (supervisor1) added operator 刘洋 "
	    "(auditor1)");
	free(got);
	policy_free(pol);
	free(path);
	tl_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_chinese),
		cmocka_unit_test(test_every_action),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_detail_words),
		cmocka_unit_test(test_detail_values),
		cmocka_unit_test(test_names),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
