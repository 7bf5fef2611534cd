/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-lineedit.c — the line editor driven by key sequences.  The first
 * byte sets the length limit; each following byte is one step: an
 * editing command, a character typed (from a table of awkward ones:
 * combining marks, ZWJ, 𠮷, the name dot, full-width and ideographic
 * spaces, controls, surrogates), a code point given in full, a UTF-8
 * paste or a pre-fill of raw bytes, a cursor jump, a clear, or a view at
 * some width.  After every step the rules of lineedit.h must hold:
 *
 *	len <= max; the cursor within the text and on a cluster boundary;
 *	the buffer zero past len, no control and no NUL inside it;
 *	a view at every width from 1 to 20 never wider than the field,
 *	with the cursor inside it and the columns adding up;
 *	le_get_utf8 gives valid UTF-8 that le_set_utf8 takes back whole.
 */
#include <wchar.h>

#include "fuzz/fuzz.h"
#include "../src/ui/lineedit.h"

static const wchar_t fuzz_le_chars[] = {
	L'a', L'Z', L'1', L' ', L'.', L'-', L'\'',
	0x00b7,		/* · name dot */
	0x6b27, 0x9633,	/* 欧阳 */
	0x20bb7,	/* 𠮷, outside the BMP */
	0x0301,		/* combining acute */
	0x200d,		/* ZWJ */
	0x3000,		/* ideographic space */
	0xff11,		/* full-width 1 */
	0x1f600,	/* emoji, wide */
	0xfe0f,		/* variation selector */
	0x0e01, 0x0e31,	/* Thai consonant and a mark */
	0xe000,		/* private use: wcwidth -1 under glibc? */
	0x0009, 0x001b, 0x007f, 0x0085, 0x009b,	/* controls */
	0xd800, 0xdfff,	/* surrogates */
	0x110000,	/* past Unicode */
	0x00ad,		/* soft hyphen */
	0x2028,		/* line separator */
};

/* The columns of [a, b) as the view counts them. */
static int
fuzz_le_cols(const struct lineedit *le, size_t a, size_t b)
{
	int	col = 0;

	for (; a < b; a++)
		col += le_width_at(le, a);
	return col;
}

static void
fuzz_le_check_view(struct lineedit *le, int width)
{
	struct le_view	v;
	size_t		c;

	le_view(le, width, &v);
	c = le_cursor(le);
	FUZZ_ASSERT(v.first <= v.last && v.last <= le_len(le));
	if (width < 1) {
		FUZZ_ASSERT(v.used == 0 && v.first == v.last);
		return;
	}
	FUZZ_ASSERT(v.used >= 0 && v.used <= width);
	FUZZ_ASSERT(v.cursor_col >= 0 && v.cursor_col < width);
	FUZZ_ASSERT(v.first <= c && c <= v.last);
	FUZZ_ASSERT(v.used == fuzz_le_cols(le, v.first, v.last));
	FUZZ_ASSERT(v.cursor_col == fuzz_le_cols(le, v.first, c));
	FUZZ_ASSERT(v.more_left == (v.first > 0));
	FUZZ_ASSERT(v.more_right == (v.last < le_len(le)));
	/* Nothing hidden on the right that would still have fitted. */
	if (v.last < le_len(le))
		FUZZ_ASSERT(v.used + le_width_at(le, v.last) > width);
}

static void
fuzz_le_check(struct lineedit *le)
{
	const wchar_t	*t = le_text(le);
	struct lineedit	*copy;
	char		*s;
	size_t		 len = le_len(le), c = le_cursor(le), i;
	int		 w;

	FUZZ_ASSERT(len <= le_max(le));
	FUZZ_ASSERT(c <= len);
	FUZZ_ASSERT(c == len || le_width_at(le, c) > 0);
	for (i = 0; i < len; i++) {
		FUZZ_ASSERT(t[i] != L'\0');
		FUZZ_ASSERT(!((uint32_t)t[i] < 0x20 ||
		    ((uint32_t)t[i] >= 0x7f && (uint32_t)t[i] <= 0x9f)));
		FUZZ_ASSERT((uint32_t)t[i] <= 0x10ffff &&
		    ((uint32_t)t[i] < 0xd800 || (uint32_t)t[i] > 0xdfff));
	}
	for (i = len; i <= le_max(le); i++)
		FUZZ_ASSERT(t[i] == L'\0');

	for (w = 1; w <= 20; w++)
		fuzz_le_check_view(le, w);

	s = le_get_utf8(le);
	FUZZ_ASSERT(utf8_valid(s, strlen(s)));
	copy = le_new(le_max(le));
	FUZZ_ASSERT(le_set_utf8(copy, s, strlen(s)) == LE_OK);
	FUZZ_ASSERT(le_len(copy) == len && le_cursor(copy) == len);
	FUZZ_ASSERT(wmemcmp(le_text(copy), t, len) == 0);
	FUZZ_ASSERT(!le_dirty(copy));
	le_free(copy);
	xfree_wipe(s);
}

int
fuzz_lineedit(const uint8_t *data, size_t size)
{
	struct lineedit	*le;
	struct le_view	 v;
	size_t		 i = 0, n, before;
	uint32_t	 cp;
	int		 rc;
	uint8_t		 op;

	fuzz_setup();
	if (size < 1)
		return 0;
	le = le_new(1 + data[i++] % 48);
	fuzz_le_check(le);
	/* Every step checks everything: bound the steps, not the bytes. */
	if (size > 300)
		size = 300;
	while (i < size) {
		op = data[i++];
		before = le_len(le);
		switch (op % 16) {
		case 0: case 1: case 2: case 3: case 4: case 5:
		case 6: case 7: case 8: case 9: case 10:
			rc = le_command(le, (enum le_cmd)(op % 16));
			FUZZ_ASSERT(rc == LE_OK || rc == LE_NOOP);
			break;
		case 11:		/* a key from the table */
		case 12:
			n = (op % 16 - 11) * 16 + op / 16;
			rc = le_insert_wc(le, fuzz_le_chars[n %
			    nitems(fuzz_le_chars)]);
			if (rc == LE_OK)
				FUZZ_ASSERT(le_len(le) == before + 1);
			else
				FUZZ_ASSERT(le_len(le) == before);
			break;
		case 13:		/* any code point, 3 bytes */
			if (size - i < 3)
				goto out;
			cp = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 |
			    data[i + 2];
			i += 3;
			rc = le_insert_wc(le, (wchar_t)(cp & 0x1fffff));
			FUZZ_ASSERT(rc == LE_OK || rc == LE_FULL ||
			    rc == LE_INVALID);
			break;
		case 14:		/* paste, or pre-fill, of raw bytes */
			n = op / 32;
			n = n * n;	/* 0 … 49 bytes */
			if (n > size - i)
				n = size - i;
			if (op & 16) {
				rc = le_set_utf8(le, (const char *)data + i, n);
				if (rc != LE_INVALID)
					FUZZ_ASSERT(!le_dirty(le));
			} else {
				rc = le_insert_utf8(le, (const char *)data + i,
				    n);
			}
			if (rc == LE_INVALID)
				FUZZ_ASSERT(!utf8_valid((const char *)data + i,
				    n));
			else
				FUZZ_ASSERT(utf8_valid((const char *)data + i,
				    n));
			i += n;
			break;
		case 15:
			switch (op / 16) {
			case 0:
				le_clear(le);
				FUZZ_ASSERT(le_len(le) == 0);
				break;
			case 1:
			case 2:		/* a field wider than ever checked */
				le_view(le, 20 + op, &v);
				break;
			case 3:
				le_view(le, -(int)op, &v);
				break;
			case 4:
				FUZZ_ASSERT(le_command(le,
				    (enum le_cmd)(11 + data[i - 1])) ==
				    LE_INVALID);
				break;
			default:	/* a click: cursor to some column */
				le_set_cursor(le, (size_t)(op / 16) * 3 - 12);
				break;
			}
			break;
		}
		fuzz_le_check(le);
	}
out:
	le_free(le);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lineedit(data, size);
}
#endif
