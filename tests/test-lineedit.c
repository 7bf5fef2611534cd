/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * test-lineedit.c — the line editor without a terminal: insertion of
 * ASCII, Han, 𠮷 and ·, deletion and word motion by cluster, the length
 * limit, refused and dropped input, the view (never a split wide
 * character, the cursor always shown, minimal scrolling) and wiping.
 */
#include <sys/wait.h>

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "xueji/platform.h"
#include "../src/ui/lineedit.h"
#include "../src/ui/form.h"
#include "lib/testlib.h"

#define S(s)	(s), strlen(s)
#define END	((size_t)-1)

/* A mixed string: ASCII, Han, 𠮷, ·, a combining mark, a space. */
static const char mixed[] =
    "Ab\xe6\xac\xa7\xe9\x98\xb3\xf0\xa0\xae\xb7\xc2\xb7\xe5\xa8\x9c"
    "e\xcc\x81 x\xe6\x9d\x8e";	/* Ab欧阳𠮷·娜é x李 */

static struct lineedit *
make(size_t max, const char *s)
{
	struct lineedit	*le;

	le = le_new(max);
	assert_int_equal(le_set_utf8(le, S(s)), LE_OK);
	return le;
}

static void
check_text(const struct lineedit *le, const char *expect)
{
	char	*s;

	s = le_get_utf8(le);
	assert_string_equal(s, expect);
	xfree_wipe(s);
}

static void
cmd(struct lineedit *le, enum le_cmd c, int expect)
{
	assert_int_equal(le_command(le, c), expect);
}

static void
test_insert_ascii(void **state)
{
	struct lineedit	*le;
	const char	*p;

	(void)state;
	le = le_new(32);
	assert_int_equal(le_len(le), 0);
	assert_false(le_dirty(le));
	check_text(le, "");
	for (p = "Anna Li"; *p != '\0'; p++)
		assert_int_equal(le_insert_wc(le, (wchar_t)*p), LE_OK);
	check_text(le, "Anna Li");
	assert_int_equal(le_len(le), 7);
	assert_int_equal(le_cursor(le), 7);
	assert_true(le_dirty(le));
	le_free(le);
}

static void
test_insert_cjk(void **state)
{
	struct lineedit	*le;
	const wchar_t	*t;

	(void)state;
	le = le_new(32);
	/* An input method commits the whole name at once. */
	assert_int_equal(le_insert_utf8(le, S("欧阳𠮷·娜")), LE_OK);
	check_text(le, "欧阳𠮷·娜");
	assert_int_equal(le_len(le), 5);
	assert_int_equal(le_cursor(le), 5);
	t = le_text(le);
	assert_int_equal(t[2], 0x20bb7);	/* one character, not two */
	assert_int_equal(t[3], 0xb7);
	assert_int_equal(t[5], 0);
	assert_int_equal(le_width_at(le, 0), 2);
	assert_int_equal(le_width_at(le, 2), 2);
	assert_int_equal(le_width_at(le, 3), 1);
	assert_int_equal(le_width_at(le, 5), 0);

	/* And one character at a time, as get_wch hands them over. */
	le_clear(le);
	assert_int_equal(le_insert_wc(le, L'司'), LE_OK);
	assert_int_equal(le_insert_wc(le, L'马'), LE_OK);
	assert_int_equal(le_insert_wc(le, (wchar_t)0x20bb7), LE_OK);
	assert_int_equal(le_insert_wc(le, (wchar_t)0xb7), LE_OK);
	check_text(le, "司马𠮷·");
	le_free(le);
}

static void
test_insert_middle(void **state)
{
	struct lineedit	*le;

	(void)state;
	le = make(32, "欧阳娜娜");
	assert_int_equal(le_cursor(le), 4);
	cmd(le, LE_HOME, LE_OK);
	cmd(le, LE_RIGHT, LE_OK);
	cmd(le, LE_RIGHT, LE_OK);
	assert_int_equal(le_insert_utf8(le, S("·")), LE_OK);
	check_text(le, "欧阳·娜娜");
	assert_int_equal(le_cursor(le), 3);
	assert_int_equal(le_insert_wc(le, (wchar_t)0x20bb7), LE_OK);
	check_text(le, "欧阳·𠮷娜娜");
	assert_int_equal(le_cursor(le), 4);
	cmd(le, LE_HOME, LE_OK);
	assert_int_equal(le_insert_utf8(le, S("Dr ")), LE_OK);
	check_text(le, "Dr 欧阳·𠮷娜娜");
	assert_int_equal(le_cursor(le), 3);
	le_free(le);
}

static void
test_delete_wide(void **state)
{
	struct lineedit	*le;

	(void)state;
	le = make(32, "a欧𠮷b");
	cmd(le, LE_LEFT, LE_OK);		/* before b */
	assert_int_equal(le_cursor(le), 3);
	cmd(le, LE_BACKSPACE, LE_OK);		/* 𠮷 goes whole */
	check_text(le, "a欧b");
	assert_int_equal(le_cursor(le), 2);
	cmd(le, LE_LEFT, LE_OK);
	cmd(le, LE_DELETE, LE_OK);		/* 欧 */
	check_text(le, "ab");
	assert_int_equal(le_cursor(le), 1);
	cmd(le, LE_HOME, LE_OK);
	cmd(le, LE_BACKSPACE, LE_NOOP);
	cmd(le, LE_LEFT, LE_NOOP);
	cmd(le, LE_END, LE_OK);
	cmd(le, LE_DELETE, LE_NOOP);
	cmd(le, LE_RIGHT, LE_NOOP);
	cmd(le, LE_END, LE_NOOP);
	cmd(le, LE_BACKSPACE, LE_OK);
	cmd(le, LE_BACKSPACE, LE_OK);
	check_text(le, "");
	cmd(le, LE_BACKSPACE, LE_NOOP);
	le_free(le);
}

static void
test_home_end(void **state)
{
	struct lineedit	*le;

	(void)state;
	le = make(32, "欧阳𠮷·娜");
	assert_int_equal(le_cursor(le), 5);
	cmd(le, LE_HOME, LE_OK);
	assert_int_equal(le_cursor(le), 0);
	cmd(le, LE_HOME, LE_NOOP);
	cmd(le, LE_END, LE_OK);
	assert_int_equal(le_cursor(le), 5);
	assert_int_equal(le_command(le, (enum le_cmd)99), LE_INVALID);
	le_free(le);
}

/* Positions LE_WORD_LEFT visits from the end, and LE_WORD_RIGHT from 0. */
static void
check_words(const char *s, const size_t *left, const size_t *right)
{
	struct lineedit	*le;
	size_t		 i;

	le = make(64, s);
	for (i = 0; left[i] != END; i++) {
		cmd(le, LE_WORD_LEFT, LE_OK);
		assert_int_equal(le_cursor(le), left[i]);
	}
	cmd(le, LE_WORD_LEFT, LE_NOOP);
	for (i = 0; right[i] != END; i++) {
		cmd(le, LE_WORD_RIGHT, LE_OK);
		assert_int_equal(le_cursor(le), right[i]);
	}
	cmd(le, LE_WORD_RIGHT, LE_NOOP);
	assert_int_equal(le_cursor(le), le_len(le));
	le_free(le);
}

static void
test_words(void **state)
{
	static const size_t	 anna_l[] = { 5, 0, END };
	static const size_t	 anna_r[] = { 4, 7, END };
	static const size_t	 oy_l[] = { 3, 0, END }, oy_r[] = { 2, 5, END };
	static const size_t	 pt_l[] = { 9, 6, 1, 0, END };
	static const size_t	 pt_r[] = { 3, 8, 10, 12, END };
	static const size_t	 cafe_l[] = { 0, END }, cafe_r[] = { 5, END };

	(void)state;
	check_words("Anna Li", anna_l, anna_r);
	check_words("欧阳 娜娜", oy_l, oy_r);
	check_words("欧阳·娜娜", oy_l, oy_r);
	/* Leading, doubled and trailing separators; full-width space. */
	check_words(" Li,  Na\u3000x  ", pt_l, pt_r);
	/* A combining mark is part of its letter's word. */
	check_words("cafe\u0301", cafe_l, cafe_r);
}

static void
test_kill(void **state)
{
	struct lineedit	*le;

	(void)state;
	le = make(32, "Anna Li");
	cmd(le, LE_WORD_LEFT, LE_OK);		/* before L */
	cmd(le, LE_KILL_TO_END, LE_OK);
	check_text(le, "Anna ");
	assert_int_equal(le_cursor(le), 5);
	cmd(le, LE_KILL_TO_END, LE_NOOP);
	cmd(le, LE_KILL_WORD_BACK, LE_OK);
	check_text(le, "");
	cmd(le, LE_KILL_WORD_BACK, LE_NOOP);
	le_free(le);

	le = make(32, "欧阳 娜娜");
	cmd(le, LE_LEFT, LE_OK);
	cmd(le, LE_KILL_TO_START, LE_OK);
	check_text(le, "娜");
	assert_int_equal(le_cursor(le), 0);
	cmd(le, LE_KILL_TO_START, LE_NOOP);
	le_free(le);

	le = make(32, "欧阳·娜娜");
	cmd(le, LE_KILL_WORD_BACK, LE_OK);
	check_text(le, "欧阳·");
	cmd(le, LE_KILL_WORD_BACK, LE_OK);
	check_text(le, "");
	le_free(le);

	/* ^W in the middle keeps what follows the cursor. */
	le = make(32, "Anna Li Na");
	cmd(le, LE_WORD_LEFT, LE_OK);
	cmd(le, LE_KILL_WORD_BACK, LE_OK);
	check_text(le, "Anna Na");
	assert_int_equal(le_cursor(le), 5);
	le_free(le);
}

static void
test_max_len(void **state)
{
	struct lineedit	*le;

	(void)state;
	le = le_new(5);
	assert_int_equal(le_max(le), 5);
	assert_int_equal(le_insert_utf8(le, S("欧阳𠮷·娜娜娜")),
	    LE_TRUNCATED);
	check_text(le, "欧阳𠮷·娜");
	assert_int_equal(le_len(le), 5);
	assert_int_equal(le_cursor(le), 5);
	assert_int_equal(le_insert_wc(le, L'x'), LE_FULL);
	assert_int_equal(le_insert_utf8(le, S("xy")), LE_FULL);
	check_text(le, "欧阳𠮷·娜");

	/* A paste in the middle inserts what fits there. */
	cmd(le, LE_HOME, LE_OK);
	cmd(le, LE_DELETE, LE_OK);
	assert_int_equal(le_insert_utf8(le, S("ab")), LE_TRUNCATED);
	check_text(le, "a阳𠮷·娜");
	assert_int_equal(le_cursor(le), 1);

	/* Pre-filled text is cut the same way. */
	assert_int_equal(le_set_utf8(le, S("1234567")), LE_TRUNCATED);
	check_text(le, "12345");
	assert_false(le_dirty(le));
	le_free(le);

	/* Never half a cluster: the mark would be cut from its letter. */
	le = le_new(2);
	assert_int_equal(le_insert_utf8(le, S("ae\u0301")), LE_TRUNCATED);
	check_text(le, "a");
	assert_int_equal(le_insert_utf8(le, S("e\u0301")), LE_FULL);
	assert_int_equal(le_insert_utf8(le, S("\u0301")), LE_OK);
	check_text(le, "a\u0301");
	le_free(le);
}

static void
test_invalid_utf8(void **state)
{
	static const char	*bad[] = {
		"ab\xff",			/* not UTF-8 at all */
		"\xe6\xac",			/* 欧 cut short */
		"x\xc0\xaf",			/* overlong / */
		"\xed\xa0\x80",			/* a surrogate */
		"\xf4\x90\x80\x80",		/* past U+10FFFF */
		"\xe6\xac\xa7\x80",		/* a stray continuation */
	};
	struct lineedit		*le;
	size_t			 i;

	(void)state;
	le = make(32, "李");
	for (i = 0; i < nitems(bad); i++) {
		assert_int_equal(le_insert_utf8(le, S(bad[i])), LE_INVALID);
		assert_int_equal(le_set_utf8(le, S(bad[i])), LE_INVALID);
		check_text(le, "李");
		assert_int_equal(le_cursor(le), 1);
		assert_false(le_dirty(le));
	}
	assert_int_equal(le_insert_wc(le, (wchar_t)0xd800), LE_INVALID);
	assert_int_equal(le_insert_wc(le, (wchar_t)0x110000), LE_INVALID);
	assert_int_equal(le_insert_wc(le, (wchar_t)-1), LE_INVALID);
	check_text(le, "李");
	assert_false(le_dirty(le));
	le_free(le);
}

static void
test_controls(void **state)
{
	/* Issue 21: what the form refuses the editor refuses too. */
	static const wchar_t	 ctl[] = { 0, 1, '\t', '\n', '\r', 0x1b, 0x7f,
				     0x80, 0x85, 0x9f, 0x200b, 0x2028,
				     0x202e, 0x2066, 0xfeff };
	struct lineedit		*le;
	size_t			 i;

	(void)state;
	le = le_new(32);
	assert_int_equal(le_insert_utf8(le,
	    S("A\tB\nC\x7f\xc2\x85\x1b[2JD\r")), LE_OK);
	check_text(le, "ABC[2JD");
	for (i = 0; i < nitems(ctl); i++)
		assert_int_equal(le_insert_wc(le, ctl[i]), LE_INVALID);
	assert_int_equal(le_insert_utf8(le, S("\t\n")), LE_NOOP);
	assert_int_equal(le_insert_utf8(le, "", 0), LE_NOOP);
	/* An embedded NUL is a control too, not the end of the string. */
	assert_int_equal(le_insert_utf8(le, "E\0F", 3), LE_OK);
	check_text(le, "ABC[2JDEF");
	assert_int_equal(le_set_utf8(le, S("\t李\n")), LE_OK);
	check_text(le, "李");
	/* A pasted U+202E or U+200B is dropped as a tab is. */
	assert_int_equal(le_set_utf8(le,
	    S("a\xe2\x80\xae" "b\xe2\x80\x8b" "c")), LE_OK);
	check_text(le, "abc");
	le_free(le);
}

/* The view's promises, for one cursor position and width. */
static void
check_view(struct lineedit *le, int width, const struct le_view *v)
{
	size_t	i, c = le_cursor(le);
	int	used = 0, col = 0, need;

	assert_true(v->first <= v->last);
	assert_true(v->last <= le_len(le));
	assert_true(v->first <= c && c <= v->last);
	/* The window starts and ends on whole characters. */
	assert_true(v->first == 0 || v->first == le_len(le) ||
	    le_width_at(le, v->first) > 0);
	assert_true(v->last == le_len(le) || le_width_at(le, v->last) > 0);
	for (i = v->first; i < v->last; i++) {
		used += le_width_at(le, i);
		if (i < c)
			col += le_width_at(le, i);
	}
	assert_int_equal(used, v->used);
	assert_true(used <= width);
	assert_int_equal(col, v->cursor_col);
	assert_true(col >= 0 && col <= width - 1);
	/* Nothing left off that would have fitted whole. */
	if (v->last < le_len(le))
		assert_true(used + le_width_at(le, v->last) > width);
	/* The character under the cursor is shown whole when it can be. */
	need = c < le_len(le) ? le_width_at(le, c) : 1;
	if (need <= width)
		assert_true(col + need <= width);
	if (c < le_len(le) && need <= width)
		assert_true(c < v->last);
	assert_int_equal(v->more_left, v->first > 0);
	assert_int_equal(v->more_right, v->last < le_len(le));
}

static void
test_view_property(void **state)
{
	struct lineedit	*le;
	struct le_view	 v, prev;
	size_t		 c, i, len, step;
	unsigned	 seed = 12345;
	int		 width, pw;

	(void)state;
	le = make(64, mixed);
	len = le_len(le);
	assert_int_equal(len, 12);
	for (width = 1; width <= 12; width++) {
		/* Every position, left to right and back. */
		for (c = 0; c <= len; c++) {
			le_set_cursor(le, c);
			le_view(le, width, &v);
			check_view(le, width, &v);
		}
		for (c = len + 1; c-- > 0;) {
			le_set_cursor(le, c);
			le_view(le, width, &v);
			check_view(le, width, &v);
		}
		/*
		 * Jumps in a fixed pseudo-random order.  A cursor that stays
		 * inside the window must not scroll it.
		 */
		le_view(le, width, &prev);
		for (step = 0; step < 500; step++) {
			seed = seed * 1103515245 + 12345;
			c = (seed >> 16) % (len + 1);
			le_set_cursor(le, c);
			c = le_cursor(le);
			pw = 0;
			for (i = prev.first; i < c; i++)
				pw += le_width_at(le, i);
			le_view(le, width, &v);
			check_view(le, width, &v);
			if (c >= prev.first && pw + (c < len ?
			    le_width_at(le, c) : 1) <= width)
				assert_int_equal(v.first, prev.first);
			prev = v;
		}
		/* Motions by command, all the way and back. */
		cmd(le, LE_HOME, le_cursor(le) == 0 ? LE_NOOP : LE_OK);
		while (le_command(le, LE_RIGHT) == LE_OK) {
			le_view(le, width, &v);
			check_view(le, width, &v);
		}
		while (le_command(le, LE_LEFT) == LE_OK) {
			le_view(le, width, &v);
			check_view(le, width, &v);
		}
	}
	le_free(le);
}

static void
test_view_scroll(void **state)
{
	struct lineedit	*le;
	struct le_view	 v;

	(void)state;
	/* "a欧阳" in 4 columns from the start: 阳 is not split. */
	le = make(32, "a欧阳");
	cmd(le, LE_HOME, LE_OK);
	le_view(le, 4, &v);
	assert_int_equal(v.first, 0);
	assert_int_equal(v.last, 2);
	assert_int_equal(v.used, 3);
	assert_int_equal(v.cursor_col, 0);
	assert_false(v.more_left);
	assert_true(v.more_right);
	/* At the end: the cursor needs a column after 阳. */
	cmd(le, LE_END, LE_OK);
	le_view(le, 4, &v);
	assert_int_equal(v.first, 2);
	assert_int_equal(v.last, 3);
	assert_int_equal(v.cursor_col, 2);
	assert_true(v.more_left);
	assert_false(v.more_right);
	le_free(le);

	/* A long name: pre-filled, cursor at the end, window at the end. */
	le = make(32, "欧阳𠮷·娜娜ABCDEFG");
	le_view(le, 6, &v);
	assert_int_equal(v.last, le_len(le));
	assert_int_equal(v.first, le_len(le) - 5);
	assert_int_equal(v.cursor_col, 5);
	assert_true(v.more_left);
	/* Moving left inside the window does not scroll. */
	cmd(le, LE_LEFT, LE_OK);
	cmd(le, LE_LEFT, LE_OK);
	le_view(le, 6, &v);
	assert_int_equal(v.first, le_len(le) - 5);
	/* Home scrolls back to the start. */
	cmd(le, LE_HOME, LE_OK);
	le_view(le, 6, &v);
	assert_int_equal(v.first, 0);
	assert_int_equal(v.last, 3);
	assert_int_equal(v.cursor_col, 0);
	assert_false(v.more_left);
	assert_true(v.more_right);
	/* Right, one character at a time: scrolls only when it must. */
	cmd(le, LE_RIGHT, LE_OK);
	cmd(le, LE_RIGHT, LE_OK);
	le_view(le, 6, &v);
	assert_int_equal(v.first, 0);
	assert_int_equal(v.cursor_col, 4);
	cmd(le, LE_RIGHT, LE_OK);		/* past 𠮷: 6 columns in */
	le_view(le, 6, &v);
	assert_int_equal(v.first, 1);
	assert_int_equal(v.cursor_col, 4);
	/* End scrolls right. */
	cmd(le, LE_END, LE_OK);
	le_view(le, 6, &v);
	assert_int_equal(v.last, le_len(le));
	assert_int_equal(v.cursor_col, 5);

	/* After deleting at the end, hidden text comes back into view. */
	cmd(le, LE_BACKSPACE, LE_OK);
	cmd(le, LE_BACKSPACE, LE_OK);
	cmd(le, LE_BACKSPACE, LE_OK);
	le_view(le, 6, &v);		/* 娜ABCD and the cursor: 7 */
	assert_int_equal(v.first, le_len(le) - 4);
	assert_int_equal(v.last, le_len(le));
	assert_int_equal(v.used, 4);
	assert_int_equal(v.cursor_col, 4);
	/* ^U leaves the window on what is left. */
	cmd(le, LE_LEFT, LE_OK);
	cmd(le, LE_KILL_TO_START, LE_OK);
	le_view(le, 6, &v);
	assert_int_equal(v.first, 0);
	assert_int_equal(v.cursor_col, 0);
	check_text(le, "D");

	/* No room at all. */
	le_view(le, 0, &v);
	assert_int_equal(v.first, v.last);
	assert_int_equal(v.used, 0);
	assert_int_equal(v.cursor_col, 0);
	le_free(le);
}

static void
test_combining(void **state)
{
	struct lineedit	*le;
	struct le_view	 v;

	(void)state;
	le = make(32, "e\u0301x");
	assert_int_equal(le_len(le), 3);
	assert_int_equal(le_width_at(le, 0), 1);
	assert_int_equal(le_width_at(le, 1), 0);
	cmd(le, LE_HOME, LE_OK);
	cmd(le, LE_RIGHT, LE_OK);
	assert_int_equal(le_cursor(le), 2);	/* not between e and ◌́ */
	cmd(le, LE_LEFT, LE_OK);
	assert_int_equal(le_cursor(le), 0);
	le_set_cursor(le, 1);
	assert_int_equal(le_cursor(le), 0);
	le_set_cursor(le, 99);
	assert_int_equal(le_cursor(le), 3);
	le_view(le, 1, &v);
	assert_int_equal(v.first, 3);
	assert_int_equal(v.cursor_col, 0);
	le_view(le, 2, &v);
	assert_int_equal(v.first, 2);
	cmd(le, LE_LEFT, LE_OK);
	cmd(le, LE_BACKSPACE, LE_OK);		/* e and its mark together */
	check_text(le, "x");
	assert_int_equal(le_cursor(le), 0);
	/* A mark typed after a letter joins it. */
	cmd(le, LE_END, LE_OK);
	assert_int_equal(le_insert_wc(le, (wchar_t)0x301), LE_OK);
	assert_int_equal(le_cursor(le), 2);
	cmd(le, LE_LEFT, LE_OK);
	assert_int_equal(le_cursor(le), 0);
	cmd(le, LE_DELETE, LE_OK);
	check_text(le, "");

	/* A mark with nothing before it stands alone, one column wide. */
	assert_int_equal(le_set_utf8(le, S("\u0301a")), LE_OK);
	assert_int_equal(le_width_at(le, 0), 1);
	cmd(le, LE_LEFT, LE_OK);
	cmd(le, LE_LEFT, LE_OK);
	assert_int_equal(le_cursor(le), 0);
	/* Typing before it gives it a letter to join. */
	assert_int_equal(le_insert_wc(le, L'o'), LE_OK);
	check_text(le, "o\u0301a");
	assert_int_equal(le_cursor(le), 2);
	le_free(le);
}

static void
test_wipe(void **state)
{
	struct lineedit	*le;
	const wchar_t	*buf;
	size_t		 i;

	(void)state;
	le = make(16, "欧阳娜娜 Anna");
	buf = le_text(le);
	/* What a kill removes is zeroed at once. */
	cmd(le, LE_HOME, LE_OK);
	cmd(le, LE_WORD_RIGHT, LE_OK);
	cmd(le, LE_KILL_TO_END, LE_OK);
	assert_ptr_equal(le_text(le), buf);
	for (i = le_len(le); i <= le_max(le); i++)
		assert_int_equal(buf[i], 0);
	cmd(le, LE_KILL_WORD_BACK, LE_OK);
	for (i = 0; i <= le_max(le); i++)
		assert_int_equal(buf[i], 0);

	assert_int_equal(le_set_utf8(le, S("欧阳娜娜 Anna")), LE_OK);
	assert_ptr_equal(le_text(le), buf);
	le_clear(le);
	for (i = 0; i <= le_max(le); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(le_len(le), 0);
	assert_int_equal(le_cursor(le), 0);
	le_free(le);
	le_free(NULL);
}

static void
test_dirty(void **state)
{
	struct lineedit	*le;

	(void)state;
	le = make(16, "Anna");
	assert_false(le_dirty(le));
	cmd(le, LE_HOME, LE_OK);
	cmd(le, LE_WORD_RIGHT, LE_OK);
	cmd(le, LE_DELETE, LE_NOOP);
	assert_false(le_dirty(le));
	assert_int_equal(le_insert_wc(le, L'!'), LE_OK);
	assert_true(le_dirty(le));
	assert_int_equal(le_set_utf8(le, S("Li")), LE_OK);
	assert_false(le_dirty(le));
	assert_int_equal(le_cursor(le), 2);
	le_clear(le);
	assert_true(le_dirty(le));
	assert_int_equal(le_set_utf8(le, "", 0), LE_OK);
	le_clear(le);
	assert_false(le_dirty(le));
	le_free(le);
}

/* Whether writing the byte at p kills a child process (a guard page). */
static int
faults(const void *p)
{
	pid_t	pid;
	int	status;

	fflush(NULL);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		/* Not cmocka's handler: the child must die of it. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		*(volatile char *)(uintptr_t)p = 1;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/*
 * Issue 21: the login screen's passphrase sits in guarded memory, as the
 * command line's does: the buffer and the string le_get_utf8 gives end
 * right at a guard page (secure_alloc places them so), and the string is
 * freed with secure_free.
 */
static void
test_secret(void **state)
{
	struct lineedit	*le;
	const wchar_t	*buf;
	char		*s;

	(void)state;
	le = le_new_secret(8);
	assert_int_equal(le_insert_utf8(le, S("口令 pass")), LE_OK);
	s = le_get_utf8(le);
	assert_string_equal(s, "口令 pass");
	buf = le_text(le);
	assert_true(faults((const char *)buf + (le_max(le) + 1) *
	    sizeof *buf));
	/* le_get_utf8 allocates 4 bytes a character and the NUL. */
	assert_true(faults(s + le_len(le) * 4 + 1));
	assert_false(faults(s));
	secure_free(s);
	le_clear(le);
	assert_int_equal(le_len(le), 0);
	le_free(le);
}

/*
 * Issue 17: the text of a form, kept over an idle lock, sits in guarded
 * memory: a form row's buffer, and the values it was opened with, end
 * right at a guard page; what le_get_utf8 gives is an ordinary string.
 */
static void
test_guarded(void **state)
{
	struct uform	*f;
	struct lineedit	*le;
	const wchar_t	*buf;
	char		*s;

	(void)state;
	le = le_new_guarded(8);
	assert_int_equal(le_insert_utf8(le, S("李小红")), LE_OK);
	buf = le_text(le);
	assert_true(faults((const char *)buf + (le_max(le) + 1) *
	    sizeof *buf));
	assert_false(faults((const char *)buf));
	s = le_get_utf8(le);
	assert_string_equal(s, "李小红");
	xfree_wipe(s);
	le_free(le);

	f = uform_new("t");
	uform_add(f, NULL, "姓名", NULL, 1, 16, 20, "王小明");
	uform_add(f, NULL, "备注", NULL, 0, 16, 20, NULL);
	buf = le_text(f->rows[1].ed);
	assert_true(faults((const char *)buf + (le_max(f->rows[1].ed) + 1) *
	    sizeof *buf));
	assert_true(faults(f->rows[0].initial + strlen("王小明") + 1));
	assert_false(uform_changed(f, 0));
	assert_int_equal(le_insert_utf8(f->rows[0].ed, S("红")), LE_OK);
	assert_true(uform_changed(f, 0));
	uform_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_ascii),
		cmocka_unit_test(test_insert_cjk),
		cmocka_unit_test(test_insert_middle),
		cmocka_unit_test(test_delete_wide),
		cmocka_unit_test(test_home_end),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_max_len),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_view_property),
		cmocka_unit_test(test_view_scroll),
		cmocka_unit_test(test_combining),
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_guarded),
		cmocka_unit_test(test_dirty),
	};

	/* wcwidth and iswalnum need a UTF-8 locale. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "test-lineedit: no C.UTF-8 locale\n");
		return 1;
	}
	platform_init();	/* secure_alloc needs libsodium */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
