/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The line editor's logic: a fixed wchar_t buffer, cluster-aware cursor
 * motion and deletion, and a view that scrolls without ever splitting a
 * wide character.  No curses here (see lineedit.h for the rules).
 *
 * The buffer is allocated once at the field's limit and never moved, so
 * no copy of a name is left behind in freed memory by a realloc.  Every
 * slot past the text is zero at all times: deleting wipes what it
 * removes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "lineedit.h"

_Static_assert(sizeof (wchar_t) >= 4, "wchar_t must hold any code point");

/* Far beyond any form field; keeps (max + 1) * sizeof (wchar_t) sane. */
#define LE_LIMIT	(1024 * 1024)

struct lineedit {
	wchar_t	*buf;		/* max + 1 slots, zero past len */
	size_t	 max;
	size_t	 len;
	size_t	 cursor;	/* always at a cluster boundary */
	size_t	 scroll;	/* first visible character */
	int	 dirty;
	int	 guarded;	/* buf in secure memory */
	int	 secret;	/* and le_get_utf8's strings too */
};

/* Whether c joins the character before it (combining marks, ZWJ). */
static int
is_zerowidth(wchar_t c)
{
	return c != L'\0' && wcwidth(c) == 0;
}

/* Whether a cluster starts at i. */
static int
is_boundary(const struct lineedit *le, size_t i)
{
	return i == 0 || i >= le->len || !is_zerowidth(le->buf[i]);
}

static size_t
next_cluster(const struct lineedit *le, size_t i)
{
	if (i >= le->len)
		return le->len;
	i++;
	while (i < le->len && is_zerowidth(le->buf[i]))
		i++;
	return i;
}

static size_t
prev_cluster(const struct lineedit *le, size_t i)
{
	if (i == 0)
		return 0;
	if (i > le->len)
		i = le->len;
	i--;
	while (i > 0 && is_zerowidth(le->buf[i]))
		i--;
	return i;
}

static size_t
cluster_start(const struct lineedit *le, size_t i)
{
	if (i > le->len)
		i = le->len;
	while (!is_boundary(le, i))
		i--;
	return i;
}

/* Columns of the cluster starting at i (1 at the end, for the cursor). */
static int
cluster_width(const struct lineedit *le, size_t i)
{
	int	w;

	if (i >= le->len)
		return 1;
	w = wcwidth(le->buf[i]);
	if (w < 1)
		return 1;	/* a replacement glyph, or an orphan mark */
	return w;
}

static int
is_word(const struct lineedit *le, size_t i)
{
	return iswalnum((wint_t)le->buf[i]) != 0;
}

/* Remove characters [a, b), zeroing the slots freed at the end. */
static void
remove_range(struct lineedit *le, size_t a, size_t b)
{
	size_t	n = b - a;

	if (a >= b)
		return;
	memmove(le->buf + a, le->buf + b, (le->len - b) * sizeof *le->buf);
	sodium_memzero(le->buf + le->len - n, n * sizeof *le->buf);
	le->len -= n;
	if (le->cursor >= b)
		le->cursor -= n;
	else if (le->cursor > a)
		le->cursor = a;
	if (le->scroll >= b)
		le->scroll -= n;
	else if (le->scroll > a)
		le->scroll = a;
	le->dirty = 1;
}

/* Open a gap of n characters at the cursor (room is checked by callers). */
static wchar_t *
open_gap(struct lineedit *le, size_t n)
{
	size_t	at = le->cursor;

	memmove(le->buf + at + n, le->buf + at,
	    (le->len - at) * sizeof *le->buf);
	le->len += n;
	le->buf[le->len] = L'\0';
	if (le->scroll > at)
		le->scroll += n;
	le->cursor += n;
	/* An orphan mark at the start may now belong to what was inserted. */
	while (!is_boundary(le, le->cursor))
		le->cursor++;
	le->dirty = 1;
	return le->buf + at;
}

/*
 * Check n bytes of UTF-8 and count the characters that would be kept
 * (controls dropped) into *kept, and into *fit how many of them fit in
 * room without cutting a cluster.  -1 when the bytes are malformed.
 */
static int
scan_utf8(const char *s, size_t n, size_t room, size_t *kept, size_t *fit)
{
	uint32_t	c;
	int		l;

	*kept = *fit = 0;
	while (n > 0) {
		if ((l = utf8_decode(s, n, &c)) < 0)
			return -1;
		s += l;
		n -= (size_t)l;
		if (utf8_is_control(c))
			continue;
		if (!is_zerowidth((wchar_t)c) && *kept <= room)
			*fit = *kept;
		(*kept)++;
	}
	if (*kept <= room)
		*fit = *kept;
	return 0;
}

/* Decode the first count kept characters of s (already checked) into w. */
static void
decode_utf8(const char *s, size_t n, wchar_t *w, size_t count)
{
	uint32_t	c;
	int		l;

	while (n > 0 && count > 0) {
		l = utf8_decode(s, n, &c);
		s += l;
		n -= (size_t)l;
		if (utf8_is_control(c))
			continue;
		*w++ = (wchar_t)c;
		count--;
	}
}

/* Make an empty editor for at most max characters. */
struct lineedit *
le_new(size_t max)
{
	struct lineedit	*le;

	if (max < 1)
		max = 1;
	if (max > LE_LIMIT)
		fatal("line editor limit too large: %zu", max);
	le = xcalloc(1, sizeof *le);
	le->buf = xcalloc(max + 1, sizeof *le->buf);
	le->max = max;
	return le;
}

struct lineedit *
le_new_guarded(size_t max)
{
	struct lineedit	*le = le_new(max);

	free(le->buf);
	le->buf = secure_alloc((le->max + 1) * sizeof *le->buf);
	le->guarded = 1;
	return le;
}

struct lineedit *
le_new_secret(size_t max)
{
	struct lineedit	*le = le_new_guarded(max);

	le->secret = 1;
	return le;
}

/* Zero the buffer and free the editor. */
void
le_free(struct lineedit *le)
{
	if (le == NULL)
		return;
	sodium_memzero(le->buf, (le->max + 1) * sizeof *le->buf);
	if (le->guarded)
		secure_free(le->buf);
	else
		free(le->buf);
	sodium_memzero(le, sizeof *le);
	free(le);
}

/* Replace the text with checked UTF-8, cursor at the end, not dirty. */
int
le_set_utf8(struct lineedit *le, const char *s, size_t n)
{
	size_t	kept, fit;

	if (scan_utf8(s, n, le->max, &kept, &fit) != 0)
		return LE_INVALID;
	sodium_memzero(le->buf, (le->max + 1) * sizeof *le->buf);
	le->len = le->cursor = le->scroll = 0;
	decode_utf8(s, n, open_gap(le, fit), fit);
	le->cursor = le->len;
	le->dirty = 0;
	return fit < kept ? LE_TRUNCATED : LE_OK;
}

/* Encode the text as a malloc'd UTF-8 string. */
char *
le_get_utf8(const struct lineedit *le)
{
	char	*out, *p;
	size_t	 i;

	/* Every code point in the buffer is valid, at most 4 bytes. */
	if (le->secret)
		out = p = secure_alloc(le->len * 4 + 1);
	else
		out = p = xmalloc(le->len * 4 + 1);
	for (i = 0; i < le->len; i++)
		p += utf8_encode((uint32_t)le->buf[i], p);
	*p = '\0';
	return out;
}

/* Empty the editor and zero its whole buffer. */
void
le_clear(struct lineedit *le)
{
	if (le->len > 0)
		le->dirty = 1;
	sodium_memzero(le->buf, (le->max + 1) * sizeof *le->buf);
	le->len = le->cursor = le->scroll = 0;
}

/* Insert one character at the cursor. */
int
le_insert_wc(struct lineedit *le, wchar_t wc)
{
	uint32_t	c = (uint32_t)wc;

	/* A negative wchar_t (where it is signed) is past U+10FFFF here. */
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
	    utf8_is_control(c))
		return LE_INVALID;
	if (le->len >= le->max)
		return LE_FULL;
	*open_gap(le, 1) = wc;
	return LE_OK;
}

/* Insert UTF-8 text at the cursor, whole or as much as fits. */
int
le_insert_utf8(struct lineedit *le, const char *s, size_t n)
{
	size_t	kept, fit;

	if (scan_utf8(s, n, le->max - le->len, &kept, &fit) != 0)
		return LE_INVALID;
	if (kept == 0)
		return LE_NOOP;
	if (fit == 0)
		return LE_FULL;
	decode_utf8(s, n, open_gap(le, fit), fit);
	return fit < kept ? LE_TRUNCATED : LE_OK;
}

/* Where LE_WORD_LEFT goes from i: back over separators, then a word. */
static size_t
word_left(const struct lineedit *le, size_t i)
{
	size_t	p;

	while (i > 0 && !is_word(le, p = prev_cluster(le, i)))
		i = p;
	while (i > 0 && is_word(le, p = prev_cluster(le, i)))
		i = p;
	return i;
}

/* Where LE_WORD_RIGHT goes from i: over separators, then to word's end. */
static size_t
word_right(const struct lineedit *le, size_t i)
{
	while (i < le->len && !is_word(le, i))
		i = next_cluster(le, i);
	while (i < le->len && is_word(le, i))
		i = next_cluster(le, i);
	return i;
}

/* Carry out one editing command. */
int
le_command(struct lineedit *le, enum le_cmd cmd)
{
	size_t	c = le->cursor, len = le->len;

	switch (cmd) {
	case LE_LEFT:
		le->cursor = prev_cluster(le, c);
		break;
	case LE_RIGHT:
		le->cursor = next_cluster(le, c);
		break;
	case LE_HOME:
		le->cursor = 0;
		break;
	case LE_END:
		le->cursor = le->len;
		break;
	case LE_WORD_LEFT:
		le->cursor = word_left(le, c);
		break;
	case LE_WORD_RIGHT:
		le->cursor = word_right(le, c);
		break;
	/* remove_range moves the cursor to the start of what it removed. */
	case LE_BACKSPACE:
		remove_range(le, prev_cluster(le, c), c);
		break;
	case LE_DELETE:
		remove_range(le, c, next_cluster(le, c));
		break;
	case LE_KILL_TO_END:
		remove_range(le, c, le->len);
		break;
	case LE_KILL_TO_START:
		remove_range(le, 0, c);
		break;
	case LE_KILL_WORD_BACK:
		remove_range(le, word_left(le, c), c);
		break;
	default:
		return LE_INVALID;
	}
	if (le->cursor == c && le->len == len)
		return LE_NOOP;
	return LE_OK;
}

/* Scroll as little as keeps the cursor shown and compute the view. */
void
le_view(struct lineedit *le, int width, struct le_view *v)
{
	size_t	s, p, c = le->cursor;
	int	col, need, tail, w;

	memset(v, 0, sizeof *v);
	if (le->scroll > le->len)
		le->scroll = le->len;
	le->scroll = cluster_start(le, le->scroll);
	if (width < 1) {
		v->first = v->last = c;
		v->more_left = c > 0;
		v->more_right = c < le->len;
		return;
	}

	/* Cursor left of the window: it becomes the first column. */
	if (c < le->scroll)
		le->scroll = c;

	/*
	 * Cursor right of the window: drop clusters on the left until the
	 * cursor and the whole cluster under it fit (one column at the end).
	 * A wide cluster in a one-column field cannot fit; the cursor alone
	 * must then do.
	 */
	need = cluster_width(le, c);
	if (need > width)
		need = width;
	col = 0;
	for (p = le->scroll; p < c; p = next_cluster(le, p))
		col += cluster_width(le, p);
	while (col + need > width && le->scroll < c) {
		col -= cluster_width(le, le->scroll);
		le->scroll = next_cluster(le, le->scroll);
	}

	/*
	 * After a deletion the text from the window to the end may leave
	 * columns empty while text is hidden on the left: bring it back, as
	 * far as it fits with the cursor's column at the end.
	 */
	tail = 1;
	for (p = le->scroll; p < le->len; p = next_cluster(le, p))
		tail += cluster_width(le, p);
	while (le->scroll > 0) {
		s = prev_cluster(le, le->scroll);
		w = cluster_width(le, s);
		if (tail + w > width)
			break;
		tail += w;
		col += w;
		le->scroll = s;
	}

	v->first = le->scroll;
	v->cursor_col = col;
	for (p = v->first; p < le->len; p = next_cluster(le, p)) {
		w = cluster_width(le, p);
		if (v->used + w > width)
			break;
		v->used += w;
	}
	v->last = p;
	v->more_left = v->first > 0;
	v->more_right = v->last < le->len;
}

/* Return the text; the buffer never moves. */
const wchar_t *
le_text(const struct lineedit *le)
{
	return le->buf;
}

/* Return the columns character i takes in the view. */
int
le_width_at(const struct lineedit *le, size_t i)
{
	if (i >= le->len || !is_boundary(le, i))
		return 0;
	return cluster_width(le, i);
}

/* Move the cursor to the start of the cluster holding i. */
void
le_set_cursor(struct lineedit *le, size_t i)
{
	le->cursor = cluster_start(le, i);
}

/* Return the number of characters. */
size_t
le_len(const struct lineedit *le)
{
	return le->len;
}

/* Return the cursor position. */
size_t
le_cursor(const struct lineedit *le)
{
	return le->cursor;
}

/* Return the length limit. */
size_t
le_max(const struct lineedit *le)
{
	return le->max;
}

/* Return whether the text was edited since it was set. */
int
le_dirty(const struct lineedit *le)
{
	return le->dirty;
}
