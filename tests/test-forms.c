/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * test-forms.c — form specs (the shipped enrolment form and the schema's
 * refusals, with positions) and field validation: names, phones, months,
 * dates, enums, booleans, free text, masking.  Run from the repo root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/forms.h"
#include "lib/testlib.h"

static struct form_spec		*enrol;		/* forms/enrollment.yaml */
static struct form_spec		*types;		/* every other type */
static struct validate_ctx	 ctx;
static char			*tmpdir;

/* A form with one field of each remaining type, for validation tests. */
static const char types_yaml[] =
    "form: types\n"
    "title: {zh: 类型, en: Types}\n"
    "fields:\n"
    "  - key: level\n"
    "    type: enum\n"
    "    label: {zh: 级别, en: Level}\n"
    "    purpose: {zh: 分班, en: Placement}\n"
    "    choices:\n"
    "      - {value: beginner, label: {zh: 初级, en: Beginner}}\n"
    "      - {value: advanced, label: {zh: 高级, en: Advanced}}\n"
    "  - key: photo_ok\n"
    "    type: bool\n"
    "    label: {zh: 同意拍照, en: Photos allowed}\n"
    "    purpose: {zh: 课堂记录, en: Class records}\n"
    "  - key: start\n"
    "    type: date\n"
    "    label: {zh: 开课日期, en: Start date}\n"
    "    purpose: {zh: 排课, en: Scheduling}\n"
    "  - key: school\n"
    "    type: text\n"
    "    label: {zh: 学校, en: School}\n"
    "    purpose: {zh: 接送, en: Pick-up}\n"
    "    max_len: 10\n"
    "  - key: remarks\n"
    "    type: note\n"
    "    label: {zh: 备注, en: Remarks}\n"
    "    purpose: {zh: 其他, en: Other}\n"
    "    sensitivity: sensitive\n"
    "    required: true\n";

static int
setup(void **state)
{
	struct tm	 tm;
	char		*cause = NULL, *path;

	(void)state;
	unsetenv("LANGUAGE");
	if (form_load("forms/enrollment.yaml", &enrol, &cause) != XJ_OK) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	tmpdir = tl_tmpdir();
	path = tl_write(tmpdir, "types.yaml", types_yaml, 0600);
	if (form_load(path, &types, &cause) != XJ_OK) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	free(path);

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 24;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	ctx.now = mktime(&tm);
	ctx.age_min_years = 2;
	ctx.age_max_years = 18;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	form_free(enrol);
	form_free(types);
	tl_rmtree(tmpdir);
	free(tmpdir);
	return 0;
}

static const struct field_spec *
field(const struct form_spec *fs, const char *key)
{
	const struct field_spec	*f = form_field(fs, key);

	assert_non_null(f);
	return f;
}

static void
ok(const struct field_spec *f, const char *in, const char *want)
{
	char	*norm = NULL, *cause = NULL;
	int	 rc;

	rc = field_validate(f, in, &ctx, &norm, &cause);
	if (rc != XJ_OK)
		print_error("refused \"%s\": %s\n", in, cause);
	assert_int_equal(rc, XJ_OK);
	assert_null(cause);
	assert_string_equal(norm, want);
	free(norm);
}

/* Refused with XJ_EDATA; the message names the label, contains part and
 * does not repeat the value. */
static void
bad(const struct field_spec *f, const char *in, const char *part)
{
	char	*norm = NULL, *cause = NULL;
	int	 rc;

	rc = field_validate(f, in, &ctx, &norm, &cause);
	if (rc != XJ_EDATA)
		print_error("accepted \"%s\" as \"%s\"\n", in, norm);
	assert_int_equal(rc, XJ_EDATA);
	assert_null(norm);
	assert_non_null(cause);
	assert_non_null(strstr(cause, form_text(&f->label)));
	if (part != NULL && strstr(cause, part) == NULL)
		fail_msg("\"%s\" not in \"%s\"", part, cause);
	if (strlen(in) >= 3 && strstr(cause, in) != NULL)
		fail_msg("message repeats the value: %s", cause);
	free(cause);
}

static void
test_enrolment_form(void **state)
{
	static const char	*keys[] = { "name", "birth_month",
	    "guardian_name", "guardian_phone" };
	static const enum field_type ftypes[] = { FIELD_NAME,
	    FIELD_YEAR_MONTH, FIELD_NAME, FIELD_PHONE };
	static const char	*consent[] = { "in-person", "signed-form",
	    "online" };
	const struct field_spec	*f;
	size_t			 i;

	(void)state;
	assert_string_equal(enrol->name, "enrollment");
	assert_int_equal(enrol->nfields, 4);
	for (i = 0; i < 4; i++) {
		f = &enrol->fields[i];
		assert_string_equal(f->key, keys[i]);
		assert_int_equal(f->type, ftypes[i]);
		assert_true(f->required);
		assert_int_equal(f->sensitivity, SENS_NORMAL);
		assert_true(f->width > 0 && f->width <= 80);
		assert_true(*f->label.zh != '\0' && *f->label.en != '\0');
		assert_true(*f->purpose.zh != '\0' && *f->purpose.en != '\0');
	}
	assert_string_equal(enrol->fields[0].label.zh, "学员姓名");
	assert_string_equal(enrol->fields[3].label.en, "Guardian phone");
	assert_int_equal(enrol->nconsent, 3);
	for (i = 0; i < 3; i++) {
		assert_string_equal(enrol->consent[i].value, consent[i]);
		assert_true(form_consent_valid(enrol, consent[i]));
	}
	assert_string_equal(enrol->consent[0].label.zh, "当面确认");
	assert_false(form_consent_valid(enrol, "email"));
	assert_false(form_consent_valid(enrol, NULL));
	assert_null(form_field(enrol, "allergies"));
	assert_string_equal(field_type_name(FIELD_YEAR_MONTH), "year_month");
	assert_int_equal(field_max_len(field(enrol, "name")), 30);
}

static void
test_form_text(void **state)
{
	const struct text_zh_en	*t = &enrol->fields[0].label;

	(void)state;
	setenv("LANGUAGE", "zh_CN:en", 1);
	assert_string_equal(form_text(t), "学员姓名");
	setenv("LANGUAGE", "en_GB:zh_CN", 1);
	assert_string_equal(form_text(t), "Student name");
	unsetenv("LANGUAGE");
	assert_string_equal(form_text(t), "Student name");
}

/* A spec that must be refused with XJ_ECONFIG at line:column. */
static void
spec_bad(const char *yaml, const char *where, const char *part)
{
	struct form_spec	*fs = NULL;
	char			*path, *cause = NULL;
	int			 rc;

	path = tl_write(tmpdir, "bad.yaml", yaml, 0600);
	rc = form_load(path, &fs, &cause);
	if (rc != XJ_ECONFIG)
		print_error("expected a refusal at %s\n", where);
	assert_int_equal(rc, XJ_ECONFIG);
	assert_null(fs);
	assert_non_null(cause);
	if (strstr(cause, where) == NULL || strstr(cause, path) == NULL)
		fail_msg("\"%s\" not in \"%s\"", where, cause);
	if (part != NULL && strstr(cause, part) == NULL)
		fail_msg("\"%s\" not in \"%s\"", part, cause);
	free(cause);
	free(path);
}

#define HEAD	"form: t\ntitle: {zh: 测, en: T}\nfields:\n"
#define FIELD_A	"  - key: a\n    type: text\n    label: {zh: 甲, en: A}\n" \
		"    purpose: {zh: 用, en: Use}\n"

static void
test_spec_errors(void **state)
{
	struct form_spec	*fs = NULL;
	char			*cause = NULL;

	(void)state;
	spec_bad("colour: red\n" HEAD FIELD_A, ":1:1:", "colour");
	spec_bad(HEAD FIELD_A "    colour: red\n", ":8:5:", "colour");
	spec_bad(HEAD "  - key: a\n    type: texty\n", ":5:11:", "texty");
	spec_bad(HEAD FIELD_A FIELD_A, ":8:10:", "duplicate");
	spec_bad(HEAD "  - key: a\n    type: enum\n    label: {zh: 甲, en: A}\n"
	    "    purpose: {zh: 用, en: Use}\n", ":4:5:", "choices");
	spec_bad(HEAD FIELD_A "    choices:\n      - {value: x, label: "
	    "{zh: x, en: x}}\n", ":8:5:", "enum");
	spec_bad(HEAD "  - key: a\n    type: text\n    purpose: {zh: 用, "
	    "en: Use}\n", ":4:5:", "label");
	spec_bad(HEAD "  - key: a\n    type: text\n    label:\n      zh: 甲\n",
	    ":7:7:", "en");
	spec_bad(HEAD "  - key: Name\n", ":4:10:", "Name");
	spec_bad(HEAD "  - key: 9lives\n", ":4:10:", NULL);
	spec_bad(HEAD "  - key: a\n    type: text\n    label:\n      zh: 甲\n"
	    "      en: A\n      fr: B\n", ":9:7:", "fr");
	spec_bad(HEAD "  - key: a\n    type: text\n    label: {zh: 甲, en: A}\n",
	    ":4:5:", "purpose");
	spec_bad(HEAD FIELD_A "    width: 81\n", ":8:12:", "width");
	spec_bad(HEAD FIELD_A "    sensitivity: secret\n", ":8:18:", NULL);
	spec_bad(HEAD FIELD_A "consent:\n  - {value: a, label: {zh: 甲, "
	    "en: A}}\n  - {value: a, label: {zh: 乙, en: B}}\n", ":10:13:",
	    "duplicate");
	spec_bad(HEAD FIELD_A "consent:\n  - {value: a, lable: {zh: 甲, "
	    "en: A}}\n", ":9:16:", "lable");
	spec_bad("form: t\ntitle: {zh: 测, en: T}\nfields: []\n", ":3:9:",
	    NULL);

	assert_int_equal(form_load("no/such/form.yaml", &fs, &cause),
	    XJ_ENOINPUT);
	assert_null(fs);
	free(cause);
}

static void
test_names(void **state)
{
	const struct field_spec	*f = field(enrol, "name");
	const struct field_spec	*g = field(enrol, "guardian_name");
	char			 overlong[31 * 3 + 1], *cause = NULL, *norm;
	size_t			 i;

	(void)state;
	ok(f, "欧阳𠮷·娜", "欧阳𠮷·娜");
	ok(f, "司马光", "司马光");
	ok(f, "张三", "张三");
	ok(f, "Anna-Maria O'Neil", "Anna-Maria O'Neil");
	ok(f, "María José", "María José");
	ok(g, "阿卜杜拉·买买提", "阿卜杜拉·买买提");
	ok(g, "阿卜杜拉・买买提", "阿卜杜拉·买买提");	/* U+30FB */
	ok(g, "阿卜杜拉•买买提", "阿卜杜拉·买买提");	/* U+2022 */
	ok(g, "阿卜杜拉‧买买提", "阿卜杜拉·买买提");	/* U+2027 */
	ok(f, " \t张三　", "张三");			/* U+3000 */
	ok(f, "Anna   Maria", "Anna Maria");
	ok(f, "张 三", "张三");
	ok(f, "O’Brien", "O'Brien");
	ok(f, "㐀丽", "㐀丽");				/* Ext A */
	ok(f, "𰀀丽", "𰀀丽");				/* Ext G */
	ok(f, "李豈", "李豈");				/* U+F900 */
	ok(f, "Ｌｉ", "Li");
	for (i = 0; i < 30; i++)
		memcpy(overlong + i * 3, "张", 3);
	overlong[30 * 3] = '\0';
	ok(f, overlong, overlong);

	bad(f, "张3", "digits");
	bad(f, "张３", "digits");
	bad(f, "李@", NULL);
	bad(f, "", "is required");
	bad(f, "　 ", "is required");
	bad(f, "张😀", NULL);
	bad(f, "张\x01三", NULL);
	bad(f, "·张", "middle dot");
	bad(f, "张·", "middle dot");
	bad(f, "张··三", "middle dot");
	bad(f, "-Anna", "hyphens");
	bad(f, "Anna-", "hyphens");
	bad(f, "张-三", "hyphens");
	bad(f, "O''Neil", "hyphens");
	bad(f, "\xe5\xbc", "UTF-8");
	memcpy(overlong + 30 * 3, "张", 4);
	bad(f, overlong, "30");

	/* In a Chinese interface the label is the Chinese one. */
	setenv("LANGUAGE", "zh_CN", 1);
	assert_int_equal(field_validate(f, "张3", &ctx, &norm, &cause),
	    XJ_EDATA);
	assert_non_null(strstr(cause, "学员姓名"));
	assert_null(strstr(cause, "张3"));
	free(cause);
	unsetenv("LANGUAGE");
}

static void
test_phones(void **state)
{
	const struct field_spec	*f = field(enrol, "guardian_phone");

	(void)state;
	ok(f, "13812345678", "13812345678");
	ok(f, "138 1234 5678", "13812345678");
	ok(f, "１３８１２３４５６７８", "13812345678");
	ok(f, "+86 138-1234-5678", "13812345678");
	ok(f, "0086 13812345678", "13812345678");
	ok(f, "8613812345678", "13812345678");
	ok(f, "+８６　１９９１２３４５６７８", "19912345678");
	ok(f, "021-62345678", "021-62345678");
	ok(f, "(021) 6234 5678", "021-62345678");
	ok(f, "010 12345678", "010-12345678");
	ok(f, "0571-87654321", "0571-87654321");
	ok(f, "0913-1234567", "0913-1234567");

	bad(f, "12345678901", "mobile");
	bad(f, "1381234567", "mobile");
	bad(f, "138123456789", "mobile");
	bad(f, "02112345", "area code");
	bad(f, "021-1234567", "area code");
	bad(f, "0571-123456", "area code");
	bad(f, "62345678", "area code");
	bad(f, "+1 212 555 1234", NULL);
	bad(f, "+86 021 62345678", "mobile");
	bad(f, "138-1234-567x", "only digits");
	bad(f, "138+12345678", "only digits");
	bad(f, "", "is required");
}

static void
test_year_month(void **state)
{
	const struct field_spec	*f = field(enrol, "birth_month");
	char			*norm = NULL, *cause = NULL;

	(void)state;
	ok(f, "2018-03", "2018-03");
	ok(f, "2018-3", "2018-03");
	ok(f, "2018/03", "2018-03");
	ok(f, "2018.3", "2018-03");
	ok(f, "2018年3月", "2018-03");
	ok(f, "2018年03月", "2018-03");
	ok(f, "２０１８年３月", "2018-03");
	ok(f, "２０１８－０３", "2018-03");
	ok(f, "2008-11", "2008-11");		/* just 18 */
	ok(f, "2008-01", "2008-01");		/* 18 and 10 months */
	ok(f, "2024-11", "2024-11");		/* just 2 */

	bad(f, "2030-01", "future");
	bad(f, "2026-12", "future");
	bad(f, "1990-01", "at most 18");
	bad(f, "2007-11", "at most 18");
	bad(f, "2026-01", "at least 2");
	bad(f, "2024-12", "at least 2");
	bad(f, "2018-13", "between 1 and 12");
	bad(f, "2018-00", "between 1 and 12");
	bad(f, "18-3", "e.g.");
	bad(f, "2018-03-05", NULL);
	bad(f, "2018-03/", NULL);
	bad(f, "March 2018", NULL);
	bad(f, "", "is required");

	/* No context: the shape is checked, not the age. */
	assert_int_equal(field_validate(f, "1990-01", NULL, &norm, &cause),
	    XJ_OK);
	assert_string_equal(norm, "1990-01");
	free(norm);
}

static void
test_dates(void **state)
{
	const struct field_spec	*f = field(types, "start");

	(void)state;
	ok(f, "2020-02-29", "2020-02-29");
	ok(f, "2000-02-29", "2000-02-29");
	ok(f, "2020/2/3", "2020-02-03");
	ok(f, "2020.12.31", "2020-12-31");
	ok(f, "2020年2月3日", "2020-02-03");
	ok(f, "2020年2月3", "2020-02-03");
	ok(f, "２０２０－０２－０３", "2020-02-03");
	ok(f, "", "");				/* not required */

	bad(f, "2021-02-29", "no such day");
	bad(f, "1900-02-29", "no such day");
	bad(f, "2020-04-31", "no such day");
	bad(f, "2020-13-01", "between 1 and 12");
	bad(f, "2020-02/03", NULL);
	bad(f, "2020-02", NULL);
	bad(f, "1899-12-31", "1900");
}

static void
test_enum_bool(void **state)
{
	const struct field_spec	*e = field(types, "level");
	const struct field_spec	*b = field(types, "photo_ok");
	char			*norm = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(e->nchoices, 2);
	ok(e, "beginner", "beginner");
	ok(e, " 初级 ", "beginner");
	ok(e, "Advanced", "advanced");
	ok(e, "", "");
	bad(e, "expert", "Beginner, Advanced");
	bad(e, "ADVANCED", NULL);

	ok(b, "yes", "yes");
	ok(b, "YES", "yes");
	ok(b, "true", "yes");
	ok(b, "1", "yes");
	ok(b, "是", "yes");
	ok(b, "ｙｅｓ", "yes");
	ok(b, "no", "no");
	ok(b, "False", "no");
	ok(b, "0", "no");
	ok(b, "否", "no");
	bad(b, "maybe", "yes or no");
	bad(b, "2", "yes or no");

	/* A NULL cause is fine. */
	assert_int_equal(field_validate(b, "maybe", &ctx, &norm, NULL),
	    XJ_EDATA);
	assert_null(norm);
	(void)cause;
}

static void
test_text_note(void **state)
{
	const struct field_spec	*t = field(types, "school");
	const struct field_spec	*n = field(types, "remarks");

	(void)state;
	assert_int_equal(n->sensitivity, SENS_SENSITIVE);
	ok(t, "  育才小学 ", "育才小学");
	ok(t, "Ａ班 #2", "Ａ班 #2");		/* free text keeps its width */
	ok(t, "", "");
	ok(t, "0123456789", "0123456789");
	bad(t, "01234567890", "at most 10");
	bad(t, "a\nb", "single line");
	bad(t, "a\x1b[2Jb", "control");
	bad(t, "abc\xe2\x80\xaexyz", "control");	/* U+202E */
	bad(t, "ab\xe2\x80\x8bxyz", "control");	/* U+200B, issue 21 */

	ok(n, "第一行\r\n第二行\n\t缩进", "第一行\n第二行\n\t缩进");
	ok(n, "\n 备注 \n", "备注");
	bad(n, "", "is required");
	bad(n, "bell\x07", "control");
}

static void
test_mask(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "13812345678", "138****5678" },
		{ "021-62345678", "021-****5678" },
		{ "0571-87654321", "0571-****4321" },
		{ "0913-1234567", "0913-***4567" },
		{ "12345", "*2345" },
		{ "123", "123" },
		{ "", "" },
		{ "+4420712345", "*******2345" },
		{ "电话1234", "**1234" },
	};
	char	*m, tail[5];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		m = phone_mask(cases[i].in);
		assert_string_equal(m, cases[i].want);
		free(m);
	}
	m = phone_mask(NULL);
	assert_string_equal(m, "");
	free(m);

	phone_tail("13812345678", tail);
	assert_string_equal(tail, "5678");
	phone_tail("021-62345678", tail);
	assert_string_equal(tail, "5678");
	phone_tail("0913-1234567", tail);
	assert_string_equal(tail, "4567");
	phone_tail("12", tail);
	assert_string_equal(tail, "");
	phone_tail(NULL, tail);
	assert_string_equal(tail, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enrolment_form),
		cmocka_unit_test(test_form_text),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_phones),
		cmocka_unit_test(test_year_month),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_enum_bool),
		cmocka_unit_test(test_text_note),
		cmocka_unit_test(test_mask),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
