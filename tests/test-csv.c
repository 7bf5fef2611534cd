/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 7: the CSV reader of the import — RFC 4180 quoting, line breaks
 * in values, CRLF, the byte order mark, GB18030, invalid bytes and the
 * limits, every error with its row and column.  And the field writer
 * of the export: a value that begins like a formula gets an apostrophe,
 * which the import takes off again.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/csv.h"
#include "lib/testlib.h"

/* Parse a NUL-terminated text that must be fine. */
static struct csv *
ok(const char *text, enum csv_encoding enc)
{
	struct csv	*c = NULL;
	char		*cause = NULL;

	if (csv_parse(text, strlen(text), enc, NULL, &c, NULL, &cause) !=
	    XJ_OK)
		fail_msg("csv_parse: %s", cause);
	assert_non_null(c);
	return c;
}

/* Parse len bytes that must fail at row, column. */
static char *
bad(const char *text, size_t len, enum csv_encoding enc,
    const struct csv_limits *lim, size_t row, size_t col)
{
	struct csv		*c = (struct csv *)(uintptr_t)1;
	struct csv_where	 w;
	char			*cause = NULL;

	assert_int_equal(csv_parse(text, len, enc, lim, &c, &w, &cause),
	    XJ_EDATA);
	assert_null(c);
	assert_non_null(cause);
	assert_int_equal(w.row, row);
	assert_int_equal(w.column, col);
	return cause;
}

#define BAD(s, enc, lim, row, col) \
	bad(s, sizeof(s) - 1, enc, lim, row, col)

/* UTF-8 text in GB18030, for the tests (a GBK spreadsheet's bytes). */
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

static void
test_plain(void **state)
{
	struct csv	*c;

	(void)state;
	c = ok("name,phone\r\n张三,13812345678\r\n李四,13912345678", CSV_AUTO);
	assert_int_equal(c->encoding, CSV_UTF8);
	assert_false(c->bom);
	assert_int_equal(c->nrows, 3);
	assert_int_equal(c->rows[0].row, 1);
	assert_int_equal(c->rows[0].nfields, 2);
	assert_string_equal(c->rows[0].fields[1], "phone");
	assert_string_equal(c->rows[1].fields[0], "张三");
	assert_string_equal(c->rows[2].fields[1], "13912345678");
	assert_int_equal(c->rows[2].row, 3);
	csv_free(c);
}

static void
test_quoting(void **state)
{
	struct csv	*c;

	(void)state;
	c = ok("a,b,c\n\"Li, Na\",\"he said \"\"hi\"\"\",\"\"\n"
	    "x,,\n", CSV_UTF8);
	assert_int_equal(c->nrows, 3);
	assert_int_equal(c->rows[1].nfields, 3);
	assert_string_equal(c->rows[1].fields[0], "Li, Na");
	assert_string_equal(c->rows[1].fields[1], "he said \"hi\"");
	assert_string_equal(c->rows[1].fields[2], "");
	/* Empty fields, a trailing comma: still three columns. */
	assert_int_equal(c->rows[2].nfields, 3);
	assert_string_equal(c->rows[2].fields[1], "");
	assert_string_equal(c->rows[2].fields[2], "");
	csv_free(c);
}

static void
test_embedded_newlines(void **state)
{
	struct csv	*c;

	(void)state;
	/* A quoted value over three lines is one row; CRLF inside is LF. */
	c = ok("note,name\r\n\"line one\r\nline two\nthree\",王五\r\n"
	    "x,赵六\r\n", CSV_AUTO);
	assert_int_equal(c->nrows, 3);
	assert_string_equal(c->rows[1].fields[0], "line one\nline two\nthree");
	assert_string_equal(c->rows[1].fields[1], "王五");
	assert_int_equal(c->rows[1].line, 2);
	assert_int_equal(c->rows[2].row, 3);
	assert_int_equal(c->rows[2].line, 5);
	csv_free(c);
}

static void
test_line_ends(void **state)
{
	struct csv	*c;
	size_t		 i;
	const char	*texts[] = {
		"a,b\r\n1,2\r\n3,4\r\n",
		"a,b\n1,2\n3,4\n",
		"a,b\r1,2\r3,4\r",		/* old spreadsheet programs */
		"a,b\n1,2\r\n3,4",		/* mixed, no final break */
	};

	(void)state;
	for (i = 0; i < nitems(texts); i++) {
		c = ok(texts[i], CSV_AUTO);
		assert_int_equal(c->nrows, 3);
		assert_int_equal(c->rows[2].nfields, 2);
		assert_string_equal(c->rows[2].fields[0], "3");
		assert_string_equal(c->rows[2].fields[1], "4");
		csv_free(c);
	}
	/* A blank line inside is a row of one empty value. */
	c = ok("a,b\n\n1,2\n", CSV_AUTO);
	assert_int_equal(c->nrows, 3);
	assert_int_equal(c->rows[1].nfields, 1);
	assert_string_equal(c->rows[1].fields[0], "");
	assert_int_equal(c->rows[2].row, 3);
	csv_free(c);
}

static void
test_bom(void **state)
{
	struct csv	*c;
	char		*cause;

	(void)state;
	c = ok("\xef\xbb\xbf学员姓名,家长电话\r\n张三,13812345678\r\n",
	    CSV_AUTO);
	assert_true(c->bom);
	assert_int_equal(c->encoding, CSV_UTF8);
	assert_string_equal(c->rows[0].fields[0], "学员姓名");
	csv_free(c);
	/* Chosen as UTF-8, the BOM is dropped all the same. */
	c = ok("\xef\xbb\xbf" "a\n", CSV_UTF8);
	assert_string_equal(c->rows[0].fields[0], "a");
	csv_free(c);
	/* A BOM does not make bad bytes good. */
	cause = BAD("\xef\xbb\xbf" "a,b\nc,d\xff\n", CSV_AUTO, NULL, 2,
	    2);
	assert_non_null(strstr(cause, "UTF-8"));
	free(cause);
	/* A file marked UTF-8 read as GB18030 is refused, not garbled. */
	free(BAD("\xef\xbb\xbf" "a\n", CSV_GB18030, NULL, 1, 1));
	/* Nothing but a BOM is an empty file. */
	c = (struct csv *)(uintptr_t)1;
	cause = NULL;
	assert_int_equal(csv_parse("\xef\xbb\xbf", 3, CSV_AUTO, NULL, &c,
	    NULL, &cause), XJ_EDATA);
	assert_null(c);
	free(cause);
}

static void
test_gb18030(void **state)
{
	/* GBK characters, a quoted comma, CRLF, and one character (𠮷)
	 * only GB18030's four-byte form holds. */
	static const char utf8[] =
	    "学员姓名,出生年月,家长姓名,家长电话\r\n"
	    "\"张三, 小名三三\",2018-03,张大山,13812345678\r\n"
	    "𠮷祥,２０１９年５月,吉父,１３９１２３４５６７８\r\n";
	struct csv	*c, *u;
	char		*gb;
	size_t		 len, i, j;

	(void)state;
	gb = gb18030(utf8, &len);
	assert_false(utf8_valid(gb, len));
	for (i = 0; i < 2; i++) {
		c = NULL;
		assert_int_equal(csv_parse(gb, len, i == 0 ? CSV_AUTO :
		    CSV_GB18030, NULL, &c, NULL, NULL), XJ_OK);
		u = ok(utf8, CSV_UTF8);
		assert_int_equal(c->encoding, CSV_GB18030);
		assert_int_equal(c->nrows, u->nrows);
		for (j = 0; j < 3 * 4; j++)
			assert_string_equal(c->rows[j / 4].fields[j % 4],
			    u->rows[j / 4].fields[j % 4]);
		assert_string_equal(c->rows[2].fields[0], "𠮷祥");
		csv_free(c);
		csv_free(u);
	}
	/* Read as UTF-8 on purpose, the same bytes are an error. */
	free(bad(gb, len, CSV_UTF8, NULL, 1, 1));
	free(gb);
}

static void
test_invalid_bytes(void **state)
{
	char	*cause;

	(void)state;
	/* Neither UTF-8 nor GB18030 (0xff is no lead byte of either). */
	cause = BAD("name,phone\n张三,\xff\xff\n", CSV_AUTO, NULL, 2, 2);
	assert_non_null(strstr(cause, "row 2, column 2"));
	free(cause);
	/* A GB18030 lead byte with nothing after it. */
	free(BAD("a,b\nc,d\n\xd5", CSV_GB18030, NULL, 3, 1));
	/* Forced UTF-8: a stray GBK byte in row 3, column 3. */
	free(BAD("a,b,c\nd,e,f\ng,h,\xd5\xc5\n", CSV_UTF8, NULL, 3,
	    3));
	/* Overlong UTF-8 and a surrogate are invalid too. */
	free(BAD("a\n\xc0\xaf\n", CSV_UTF8, NULL, 2, 1));
	free(BAD("a\n\xed\xa0\x80\n", CSV_UTF8, NULL, 2, 1));
	/* A NUL byte, quoted or not. */
	free(BAD("a,b\nc,d\0e\n", CSV_AUTO, NULL, 2, 2));
	free(BAD("a,b\n\"c\0\",d\n", CSV_AUTO, NULL, 2, 1));
}

static void
test_structure_errors(void **state)
{
	char	*cause;

	(void)state;
	/* A quote left open is reported where it opened. */
	cause = BAD("a,b\nc,\"d\ne,f\n", CSV_AUTO, NULL, 2, 2);
	assert_non_null(strstr(cause, "not closed"));
	free(cause);
	/* Text after the closing quote. */
	free(BAD("a,b\n\"c\"x,d\n", CSV_AUTO, NULL, 2, 1));
	/* A quote inside an unquoted value. */
	free(BAD("a,b\nc,d\"e\n", CSV_AUTO, NULL, 2, 2));
	/* Empty file. */
	cause = NULL;
	{
		struct csv	*c = NULL;

		assert_int_equal(csv_parse("", 0, CSV_AUTO, NULL, &c, NULL,
		    &cause), XJ_EDATA);
		assert_null(c);
		free(cause);
	}
}

static void
test_limits(void **state)
{
	struct csv_limits	 lim = csv_default_limits;
	struct csv_where	 w;
	struct csv		*c = NULL;
	char			*cause = NULL;

	(void)state;
	lim.max_bytes = 10;
	assert_int_equal(csv_parse("a,b\n1234,5678\n", 14, CSV_AUTO, &lim, &c,
	    &w, &cause), XJ_EDATA);
	assert_null(c);
	assert_non_null(strstr(cause, "larger than 10 bytes"));
	free(cause);

	lim = csv_default_limits;
	lim.max_rows = 2;
	free(BAD("a\n1\n2\n", CSV_AUTO, &lim, 3, 1));
	c = ok("a\n1\n", CSV_AUTO);	/* two rows are fine */
	csv_free(c);

	lim = csv_default_limits;
	lim.max_fields = 3;
	free(BAD("a,b,c\n1,2,3,4\n", CSV_AUTO, &lim, 2, 4));

	lim = csv_default_limits;
	lim.max_field_bytes = 6;	/* two Chinese characters */
	cause = BAD("a,b\n张三,张三丰\n", CSV_AUTO, &lim, 2, 2);
	assert_non_null(strstr(cause, "longer than 6 bytes"));
	free(cause);
	assert_int_equal(csv_parse("a,b\n张三,x\n", strlen("a,b\n张三,x\n"), CSV_AUTO, &lim, &c,
	    NULL, NULL), XJ_OK);
	csv_free(c);
}

static void
test_messages_hold_no_values(void **state)
{
	char	*cause;

	(void)state;
	cause = BAD("姓名\n\"张三\"丰\n", CSV_AUTO, NULL, 2, 1);
	assert_null(strstr(cause, "张三"));
	assert_null(strstr(cause, "丰"));
	free(cause);
}

static void
test_encoding_names(void **state)
{
	(void)state;
	assert_int_equal(csv_encoding_parse("utf8"), CSV_UTF8);
	assert_int_equal(csv_encoding_parse("UTF-8"), CSV_UTF8);
	assert_int_equal(csv_encoding_parse("gb18030"), CSV_GB18030);
	assert_int_equal(csv_encoding_parse("GBK"), CSV_GB18030);
	assert_int_equal(csv_encoding_parse("auto"), CSV_AUTO);
	assert_int_equal(csv_encoding_parse("latin1"), -1);
	assert_string_equal(csv_encoding_name(CSV_GB18030), "gb18030");
}

static void
test_digest(void **state)
{
	struct csv	*a, *b, *d;

	(void)state;
	a = ok("a\n1\n", CSV_AUTO);
	b = ok("a\n1\n", CSV_AUTO);
	d = ok("a\n2\n", CSV_AUTO);
	assert_memory_equal(a->digest, b->digest, sizeof a->digest);
	assert_memory_not_equal(a->digest, d->digest, sizeof a->digest);
	csv_free(a);
	csv_free(b);
	csv_free(d);
}

/* One field as csv_write_field writes it, malloc'd. */
static char *
written(const char *value)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0;

	assert_non_null(f = open_memstream(&buf, &len));
	csv_write_field(f, value, 1);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/*
 * Issue 7, formula injection: a cell that begins with = + - @, a tab or
 * a CR is written with an apostrophe in front (OWASP), inside the quotes
 * when it needs them; anything else as before.  Read back and unguarded,
 * every value is what was written.
 */
static void
test_formula_guard(void **state)
{
	static const struct {
		const char	*value, *want;
	} cases[] = {
		{ "=1+1", "'=1+1" },
		{ "+8613911112222", "'+8613911112222" },
		{ "-5", "'-5" },
		{ "@SUM(A1:A9)", "'@SUM(A1:A9)" },
		{ "\tx", "'\tx" },
		{ "\r=1", "\"'\r=1\"" },
		{ "=HYPERLINK(\"http://x.example/\",\"点我\")",
		  "\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"点我\"\")\"" },
		{ "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0" },
		{ "a=b", "a=b" },
		{ "2016-05", "2016-05" },
		{ "O'Neil", "O'Neil" },
		{ "'quoted", "'quoted" },
		{ "", "" },
		{ "ok, fine", "\"ok, fine\"" },
	};
	struct csv	*c;
	char		*w, *line = NULL, *p;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		w = written(cases[i].value);
		assert_string_equal(w, cases[i].want);
		/* A header and the one field, read back. */
		xasprintf(&line, "h\r\n%s\r\n", w);
		if (*cases[i].value != '\0') {
			c = ok(line, CSV_UTF8);
			assert_int_equal(c->nrows, 2);
			p = c->rows[1].fields[0];
			/* The reader turns a quoted CR into LF. */
			if (cases[i].value[0] == '\r')
				assert_string_equal(csv_unguard(p), "\n=1");
			else
				assert_string_equal(csv_unguard(p),
				    cases[i].value);
			csv_free(c);
		}
		free(line);
		free(w);
	}
	assert_true(csv_formula_like("=x"));
	assert_false(csv_formula_like(""));
	assert_false(csv_formula_like(" =x"));
	assert_false(csv_formula_like("＝x"));	/* full width: text */
	/* Only the apostrophe the writer adds comes off. */
	assert_string_equal(csv_unguard("'=1"), "=1");
	assert_string_equal(csv_unguard("'abc"), "'abc");
	assert_string_equal(csv_unguard("'"), "'");
	assert_string_equal(csv_unguard("''=1"), "''=1");
	assert_string_equal(csv_unguard("=1"), "=1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_embedded_newlines),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_gb18030),
		cmocka_unit_test(test_invalid_bytes),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_messages_hold_no_values),
		cmocka_unit_test(test_encoding_names),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_formula_guard),
	};

	platform_init();
	setenv("LANGUAGE", "en", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
