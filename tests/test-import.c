/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 7: the spreadsheet import — GB18030 and UTF-8-with-BOM files with
 * Chinese headers, quoted commas, CRLF and full-width digits; every
 * problem of every row reported and nothing written; duplicates against
 * the records and within the file; a dry run changing nothing; the
 * import.run permission; an export imported elsewhere as it was.
 */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/import.h"
#include "xueji/student.h"
#include "lib/testlib.h"
#include "lib/branch.h"

/* The shipped form's four fields and a free-text note. */
static const char form[] =
    "form: enrollment\n"
    "title: {zh: 学员入学登记, en: Student enrolment}\n"
    "fields:\n"
    "  - {key: name, type: name, required: true, width: 20,\n"
    "     label: {zh: 学员姓名, en: Student name}, purpose: {zh: 识别, en: Who}}\n"
    "  - {key: birth_month, type: year_month, required: true,\n"
    "     width: 8, label: {zh: 出生年月, en: Birth month},\n"
    "     purpose: {zh: 分班, en: Class}}\n"
    "  - {key: guardian_name, type: name, required: true, width: 20,\n"
    "     label: {zh: 家长姓名, en: Guardian name}, purpose: {zh: 联系, en: C}}\n"
    "  - {key: guardian_phone, type: phone, required: true,\n"
    "     width: 14, label: {zh: 家长联系电话, en: Guardian phone},\n"
    "     purpose: {zh: 联系, en: Contact}}\n"
    "  - {key: remarks, type: note, width: 30,\n"
    "     label: {zh: 备注, en: Remarks},\n"
    "     purpose: {zh: 备注, en: Notes}}\n"
    "consent:\n"
    "  - {value: in-person, label: {zh: 当面, en: In person}}\n"
    "  - {value: signed-form, label: {zh: 纸质, en: Signed form}}\n";

struct fixture {
	struct tl_branch	*b;
	char			*forms;
	struct session		*sv;		/* supervisor1: import.run */
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);

	setenv("LANGUAGE", "en", 1);
	f->forms = tl_forms_dir(form);
	f->b = tl_branch_forms(f->forms, NULL);
	f->sv = tl_login(f->b, "supervisor1");
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
	free(f);
	return 0;
}

static long
count(struct session *s, const char *sql)
{
	char	*v = tl_query(s, sql);
	long	 n = v != NULL ? strtol(v, NULL, 10) : -1;

	free(v);
	return n;
}

/* UTF-8 text as GB18030 bytes, as a Chinese spreadsheet program saves. */
static char *
gb18030(const char *utf8, size_t *outlen)
{
	iconv_t	 cd = iconv_open("GB18030", "UTF-8");
	char	*in = (char *)(uintptr_t)utf8, *buf, *out;
	size_t	 left = strlen(utf8), room = 4 * left + 8, size = room;

	assert_true(cd != (iconv_t)-1);
	buf = out = xmalloc(size);
	assert_true(iconv(cd, &in, &left, &out, &room) != (size_t)-1);
	iconv_close(cd);
	*outlen = size - room;
	return buf;
}

/* Parse, map and import; the code of the first step that failed. */
static int
run(struct session *s, const char *text, size_t len,
    const struct import_map *map, size_t nmap, int dry_run,
    struct import_report *r)
{
	struct import_rows	*rows = NULL;
	struct csv		*c = NULL;
	char			*cause = NULL;
	int			 rc;

	memset(r, 0, sizeof *r);
	if ((rc = csv_parse(text, len, CSV_AUTO, NULL, &c, NULL, &cause)) !=
	    XJ_OK)
		fail_msg("csv_parse: %s", cause);
	rc = import_prepare(s->form, c, map, nmap, &rows, r, &cause);
	if (rc == XJ_OK)
		rc = store_import(s->st, rows, "signed-form", dry_run, r,
		    &cause);
	free(cause);
	import_rows_free(rows);
	csv_free(c);
	return rc;
}

/* Whether r holds a problem at row and column. */
static int
has_problem(const struct import_report *r, size_t row, const char *column)
{
	size_t	i;

	for (i = 0; i < r->nproblems; i++) {
		if (r->problems[i].row == row &&
		    strcmp(r->problems[i].column, column) == 0)
			return 1;
	}
	return 0;
}

static void
dump(const struct import_report *r)
{
	size_t	i;

	for (i = 0; i < r->nproblems; i++)
		print_message("  %zu\t%s\t%s\n", r->problems[i].row,
		    r->problems[i].column, r->problems[i].message);
}

/* Synonyms for headers, a quoted comma, CRLF, full-width digits. */
static const char gb_file[] =
    "姓名,生日,监护人,联系电话,备注\r\n"
    "张三,2018-03,张大山,13812345678,\"爱画画, 喜欢蓝色\"\r\n"
    "李四,２０１７年５月,李父,１３９ １２３４ ５６７８,\r\n"
    "𠮷祥,2019/11,吉母,021-62345678,\"第一行\r\n第二行\"\r\n";

static void
test_gb18030_file(void **state)
{
	struct fixture		*f = *state;
	struct import_report	 r;
	struct session		*s;
	struct student		*st;
	char			*gb, *cause = NULL, *v;
	size_t			 len;

	gb = gb18030(gb_file, &len);
	assert_false(utf8_valid(gb, len));
	if (run(f->sv, gb, len, NULL, 0, 0, &r) != XJ_OK) {
		dump(&r);
		fail_msg("the GB18030 file did not import");
	}
	assert_int_equal(r.rows, 3);
	assert_int_equal(r.ndone, 3);
	assert_int_equal(r.done[0].row, 2);
	assert_int_equal(r.done[2].row, 4);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM student"), 3);

	s = tl_login(f->b, "supervisor1");
	assert_int_equal(store_student_get(s->st, r.done[0].number, &st,
	    &cause), XJ_OK);
	assert_string_equal(student_value(st, "name"), "张三");
	assert_string_equal(student_value(st, "remarks"), "爱画画, 喜欢蓝色");
	assert_string_equal(st->consent_method, "signed-form");
	student_free(st);
	assert_int_equal(store_student_get(s->st, r.done[1].number, &st,
	    &cause), XJ_OK);
	assert_string_equal(student_value(st, "birth_month"), "2017-05");
	assert_string_equal(student_value(st, "guardian_phone"),
	    "13912345678");
	student_free(st);
	assert_int_equal(store_student_get(s->st, r.done[2].number, &st,
	    &cause), XJ_OK);
	assert_string_equal(student_value(st, "name"), "𠮷祥");
	assert_string_equal(student_value(st, "remarks"), "第一行\n第二行");
	student_free(st);
	session_free(s);

	/* One enrolment entry each, one import entry with the count. */
	assert_int_equal(count(f->sv, "SELECT count(*) FROM audit WHERE "
	    "action = 'student.enroll'"), 3);
	v = tl_query(f->sv, "SELECT detail FROM audit WHERE action = "
	    "'import.run'");
	assert_non_null(v);
	assert_non_null(strstr(v, "rows=3 "));
	assert_non_null(strstr(v, "file="));
	free(v);
	import_report_free(&r);
	free(gb);
}

static void
test_utf8_bom_file(void **state)
{
	/* The labels as headers, with a required mark and odd spacing. */
	static const char text[] =
	    "\xef\xbb\xbf学员姓名*, 出生年月 ,家长姓名,家长联系电话,备注\r\n"
	    "\"王五\",2016-09,王大,\"138-1234-0001\",\"说：\"\"好\"\"，明天来\"\r\n"
	    "赵六,２０１８－０１,赵大,（０２１）６２３４ ５６７９,\r\n";
	struct fixture		*f = *state;
	struct import_report	 r;
	char			*v;

	if (run(f->sv, text, sizeof text - 1, NULL, 0, 0, &r) != XJ_OK) {
		dump(&r);
		fail_msg("the UTF-8 file did not import");
	}
	assert_int_equal(r.ndone, 2);
	v = tl_query(f->sv, "SELECT value FROM field WHERE key = 'remarks'");
	assert_string_equal(v, "说：\"好\"，明天来");
	free(v);
	v = tl_query(f->sv, "SELECT value FROM field f JOIN student s ON "
	    "s.id = f.student WHERE f.key = 'birth_month' AND s.number = "
	    "(SELECT max(number) FROM student)");
	assert_string_equal(v, "2018-01");
	free(v);
	/* Numbers follow on, one each. */
	assert_string_not_equal(r.done[0].number, r.done[1].number);
	import_report_free(&r);
}

static void
test_errors_import_nothing(void **state)
{
	static const char text[] =
	    "Student name,Birth month,Guardian name,Guardian phone\n"
	    "陈一,2017-02,陈父,13811110001\n"			/* row 2: fine */
	    "陈二,2017-13,陈父,1381111\n"			/* 3: two */
	    ",2017-02,陈父,13811110003\n"			/* 4: no name */
	    "\n"						/* 5: blank */
	    "陈五,1990-01,陈父,13811110005\n"			/* 6: too old */
	    "陈六,2016-06,陈父,13811110006,extra\n";		/* 7: stray */
	struct fixture		*f = *state;
	struct import_report	 r;
	long			 seq0, audit0;

	seq0 = count(f->sv, "SELECT count(*) FROM number_seq");
	audit0 = count(f->sv, "SELECT count(*) FROM audit");
	assert_int_equal(run(f->sv, text, sizeof text - 1, NULL, 0, 0, &r),
	    XJ_EDATA);
	dump(&r);
	assert_int_equal(r.rows, 5);
	assert_int_equal(r.valid, 1);
	assert_int_equal(r.ndone, 0);
	assert_true(has_problem(&r, 3, "Birth month"));
	assert_true(has_problem(&r, 3, "Guardian phone"));
	assert_true(has_problem(&r, 4, "Student name"));
	assert_true(has_problem(&r, 6, "Birth month"));
	assert_true(has_problem(&r, 7, "#5"));
	assert_int_equal(r.nproblems, 5);
	/* In row order. */
	assert_int_equal(r.problems[0].row, 3);
	assert_int_equal(r.problems[4].row, 7);
	/* No message repeats a value. */
	for (size_t i = 0; i < r.nproblems; i++) {
		assert_null(strstr(r.problems[i].message, "1381111"));
		assert_null(strstr(r.problems[i].message, "陈"));
	}
	/* Nothing written: no student, no number used, one log line. */
	assert_int_equal(count(f->sv, "SELECT count(*) FROM student"), 0);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM number_seq"),
	    seq0);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM audit"),
	    audit0 + 1);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM audit WHERE "
	    "action = 'import.rejected' AND detail LIKE 'rows=5 valid=1 "
	    "problems=5 %'"), 1);
	import_report_free(&r);
}

static void
test_duplicates(void **state)
{
	static const char text[] =
	    "姓名,出生年月,家长姓名,手机\n"
	    "张三,2018-03,张妈,13900000001\n"	/* 2: the enrolled one */
	    "李四,2017-01,李父,13700001111\n"	/* 3 */
	    "李四,2019-02,李母,137 0000 1111\n"	/* 4: as row 3, by phone */
	    "李四,2017-01,李母,13600000000\n"	/* 5: as row 3, by month */
	    "王五,2017-01,王父,13700001111\n";	/* 6: another name: fine */
	struct fixture		*f = *state;
	struct import_report	 r;
	char			*n;

	n = tl_enrol(f->sv, "张三", "2018-03", "张大山", "13812345678", NULL);
	assert_non_null(n);
	assert_int_equal(run(f->sv, text, sizeof text - 1, NULL, 0, 0, &r),
	    XJ_EDATA);
	dump(&r);
	assert_int_equal(r.nproblems, 3);
	assert_true(has_problem(&r, 2, "姓名"));
	assert_non_null(strstr(r.problems[0].message, n));
	assert_true(has_problem(&r, 4, "姓名"));
	assert_non_null(strstr(r.problems[1].message, "row 3"));
	assert_true(has_problem(&r, 5, "姓名"));
	assert_int_equal(count(f->sv, "SELECT count(*) FROM student"), 1);
	import_report_free(&r);
	free(n);
}

static void
test_dry_run(void **state)
{
	static const char text[] =
	    "学员姓名,出生年月,家长姓名,家长联系电话\r\n"
	    "周一,2017-02,周父,13811110001\r\n"
	    "周二,2017-03,周父,13811110002\r\n";
	struct fixture		*f = *state;
	struct import_report	 r;
	long			 students, audit, seq;

	free(tl_enrol(f->sv, "郑七", "2016-01", "郑父", "13500000000", NULL));
	students = count(f->sv, "SELECT count(*) FROM student");
	audit = count(f->sv, "SELECT count(*) FROM audit");
	seq = count(f->sv, "SELECT coalesce(sum(last), 0) FROM number_seq");

	assert_int_equal(run(f->sv, text, sizeof text - 1, NULL, 0, 1, &r),
	    XJ_OK);
	assert_int_equal(r.rows, 2);
	assert_int_equal(r.valid, 2);
	assert_int_equal(r.ndone, 0);
	assert_int_equal(r.nproblems, 0);
	import_report_free(&r);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM student"),
	    students);
	assert_int_equal(count(f->sv, "SELECT coalesce(sum(last), 0) FROM "
	    "number_seq"), seq);
	/* The one entry added is the dry run's own, with its counts. */
	assert_int_equal(count(f->sv, "SELECT count(*) FROM audit"),
	    audit + 1);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM audit WHERE "
	    "action = 'import.dry-run' AND detail LIKE 'rows=2 valid=2 "
	    "problems=0 file=%'"), 1);

	/* A dry run with problems reports them, and still writes nothing. */
	assert_int_equal(run(f->sv, "姓名,生日,家长,电话\n郑七,2016-01,x,1\n",
	    strlen("姓名,生日,家长,电话\n郑七,2016-01,x,1\n"), NULL, 0, 1,
	    &r), XJ_EDATA);
	assert_true(has_problem(&r, 2, "电话"));
	assert_true(has_problem(&r, 2, "姓名"));	/* a duplicate */
	import_report_free(&r);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM student"),
	    students);
	assert_int_equal(count(f->sv, "SELECT count(*) FROM audit"),
	    audit + 2);
}

static void
test_permission(void **state)
{
	static const char text[] =
	    "姓名,生日,家长,电话\n吴一,2017-02,吴父,13811110001\n";
	struct fixture		*f = *state;
	struct import_report	 r;
	struct session		*s;

	s = tl_login(f->b, "reception1");
	assert_int_equal(run(s, text, sizeof text - 1, NULL, 0, 0, &r),
	    XJ_EPERM);
	import_report_free(&r);
	assert_int_equal(run(s, text, sizeof text - 1, NULL, 0, 1, &r),
	    XJ_EPERM);
	import_report_free(&r);
	assert_int_equal(count(s, "SELECT count(*) FROM student"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action = "
	    "'access.denied' AND detail LIKE '%import%'"), 2);
	session_free(s);
}

static void
test_header(void **state)
{
	static const char text[] =
	    "STUDENT NAME,birth-month,Guardian,phone*,班级,\n"
	    "孙一,2017-02,孙父,13811110001,A班,\n";
	static const char twice[] =
	    "姓名,学员姓名,生日,家长,电话\n孙一,孙一,2017-02,孙父,13811110001\n";
	static const char missing[] = "姓名,生日\n孙一,2017-02\n";
	const struct import_map	 ignore[] = { { "班级", "-" } };
	const struct import_map	 as_remarks[] = { { " 班级 ", "remarks" } };
	const struct import_map	 bad_key[] = { { "班级", "class" } };
	const struct import_map	 bad_col[] = { { "年级", "-" } };
	const struct import_map	 pick[] = { { "学员姓名", "-" } };
	struct fixture		*f = *state;
	struct import_report	 r;
	char			*v;

	/* An unknown column stops the import at the header. */
	assert_int_equal(run(f->sv, text, sizeof text - 1, NULL, 0, 1, &r),
	    XJ_EDATA);
	assert_int_equal(r.nproblems, 1);
	assert_true(has_problem(&r, 1, "班级"));
	import_report_free(&r);
	/* --map settles it: ignored, or taken as a field. */
	assert_int_equal(run(f->sv, text, sizeof text - 1, ignore, 1, 1, &r),
	    XJ_OK);
	import_report_free(&r);
	assert_int_equal(run(f->sv, text, sizeof text - 1, as_remarks, 1, 0,
	    &r), XJ_OK);
	import_report_free(&r);
	v = tl_query(f->sv, "SELECT value FROM field WHERE key = 'remarks'");
	assert_string_equal(v, "A班");
	free(v);
	assert_int_equal(run(f->sv, text, sizeof text - 1, bad_key, 1, 1, &r),
	    XJ_EUSAGE);
	import_report_free(&r);
	assert_int_equal(run(f->sv, text, sizeof text - 1, bad_col, 1, 1, &r),
	    XJ_EUSAGE);
	import_report_free(&r);

	/* Two columns for one field; one ignored, it imports. */
	assert_int_equal(run(f->sv, twice, sizeof twice - 1, NULL, 0, 1, &r),
	    XJ_EDATA);
	assert_true(has_problem(&r, 1, "学员姓名"));
	import_report_free(&r);
	assert_int_equal(run(f->sv, twice, sizeof twice - 1, pick, 1, 1, &r),
	    XJ_EDATA);	/* 孙一 is enrolled now: a duplicate */
	assert_int_equal(r.nproblems, 1);
	assert_true(has_problem(&r, 2, "姓名"));
	import_report_free(&r);

	/* A required field without a column is named. */
	assert_int_equal(run(f->sv, missing, sizeof missing - 1, NULL, 0, 1,
	    &r), XJ_EDATA);
	assert_int_equal(r.nproblems, 2);
	assert_non_null(strstr(r.problems[0].message, "guardian_name"));
	assert_non_null(strstr(r.problems[1].message, "guardian_phone"));
	import_report_free(&r);
}

/*
 * Issue 7, formula injection: the export writes "=SUM(…)" as "'=SUM(…)"
 * so that a spreadsheet does not run it.  Imported into another branch,
 * the value is "=SUM(…)" again; an apostrophe of the text's own (one not
 * before = + - @) stays.
 */
static void
test_export_round_trip(void **state)
{
	const struct field_input a[] = {
		{ "name", "周一" }, { "birth_month", "2016-01" },
		{ "guardian_name", "周父" }, { "guardian_phone", "13811112001" },
		{ "remarks", "=SUM(A1:A2)" },
	};
	const struct field_input b[] = {
		{ "name", "周二" }, { "birth_month", "2016-02" },
		{ "guardian_name", "周母" }, { "guardian_phone", "13811112002" },
		{ "remarks", "'引号开头, -2" },
	};
	const struct import_map	 skip[] = {
		{ "Student number", "-" }, { "Status", "-" },
	};
	struct fixture		*f = *state;
	struct enrolment	 en = { a, nitems(a), "in-person", 0 };
	struct import_report	 r;
	struct tl_branch	*other;
	struct session		*s;
	FILE			*fp;
	char			*buf = NULL, *n = NULL, *dup = NULL, *cause = NULL;
	char			*v;
	size_t			 len = 0, rows;

	assert_int_equal(store_student_add(f->sv->st, &en, &n, &dup, &cause),
	    XJ_OK);
	free(n);
	en.values = b;
	en.nvalues = nitems(b);
	assert_int_equal(store_student_add(f->sv->st, &en, &n, &dup, &cause),
	    XJ_OK);
	free(n);
	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(store_export(f->sv->st, fp, -1, "转校", EXPORT_UTF8_BOM,
	    &rows, &cause), XJ_OK);
	fclose(fp);
	assert_int_equal(rows, 2);
	assert_non_null(strstr(buf, ",'=SUM(A1:A2)\r\n"));

	other = tl_branch_forms(f->forms, NULL);
	s = tl_login(other, "supervisor1");
	if (run(s, buf, len, skip, nitems(skip), 0, &r) != XJ_OK) {
		dump(&r);
		fail_msg("the export did not import");
	}
	assert_int_equal(r.ndone, 2);
	import_report_free(&r);
	v = tl_query(s, "SELECT f.value FROM field f JOIN field g ON "
	    "g.student = f.student WHERE f.key = 'remarks' AND g.key = 'name' "
	    "AND g.value = '周一'");
	assert_string_equal(v, "=SUM(A1:A2)");
	free(v);
	v = tl_query(s, "SELECT f.value FROM field f JOIN field g ON "
	    "g.student = f.student WHERE f.key = 'remarks' AND g.key = 'name' "
	    "AND g.value = '周二'");
	assert_string_equal(v, "'引号开头, -2");
	free(v);
	session_free(s);
	tl_check_db(other);
	tl_branch_free(other);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gb18030_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_utf8_bom_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors_import_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permission, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_round_trip, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
