/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The small definitions below every layer that were once written several
 * times (issue 21): which characters are controls, how a value is
 * printed on one line of the command line's output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "lib/testlib.h"

/* Every code point the forms refused before, and the new invisibles. */
static void
test_is_control(void **state)
{
	static const uint32_t	 ctl[] = { 0, 1, '\t', '\n', '\r', 0x1b,
	    0x1f, 0x7f, 0x80, 0x85, 0x9f, 0x061c, 0x180e, 0x200b, 0x200e,
	    0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
	    0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff };
	static const uint32_t	 text[] = { ' ', '!', '~', 'a', 0xa0, 0xa9,
	    0x0301, 0x200c, 0x200d, 0x2027, 0x2030, 0x2065, 0x206a, 0x3000,
	    0x674e, 0xfefe, 0xff00, 0xfffd, 0x20000, 0x1f600 };
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(ctl); i++) {
		if (!utf8_is_control(ctl[i]))
			fail_msg("U+%04X should be a control", ctl[i]);
	}
	for (i = 0; i < nitems(text); i++) {
		if (utf8_is_control(text[i]))
			fail_msg("U+%04X should be text", text[i]);
	}
}

/* What utf8_put_text writes for s, in a string the caller frees. */
static char *
put(const char *s)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	assert_non_null(f = open_memstream(&buf, &len));
	utf8_put_text(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
expect_put(const char *s, const char *want)
{
	char	*got = put(s);

	assert_string_equal(got, want);
	free(got);
}

static void
test_put_text(void **state)
{
	(void)state;
	expect_put(NULL, "");
	expect_put("", "");
	expect_put("张三 Zhang", "张三 Zhang");
	expect_put("第一行\n第二行", "第一行\\n第二行");
	expect_put("a\tb\r\n", "a\\tb\\r\\n");
	expect_put("C:\\dir", "C:\\\\dir");
	expect_put("\x1b[2J", "\\u001B[2J");
	expect_put("x\x7f", "x\\u007F");
	expect_put("\xc2\x85", "\\u0085");
	expect_put("abc\xe2\x80\xaexyz", "abc\\u202Exyz");	/* U+202E */
	expect_put("a\xe2\x80\x8b" "b", "a\\u200Bb");	/* U+200B */
	expect_put("\xef\xbb\xbf" "x", "\\uFEFFx");		/* BOM */
	expect_put("a\xe2\x80\x8d" "b", "a\xe2\x80\x8d" "b");	/* ZWJ */
	/* Bytes that are not UTF-8. */
	expect_put("\xff" "a\xe6\xac", "\\xFFa\\xE6\\xAC");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_control),
		cmocka_unit_test(test_put_text),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
