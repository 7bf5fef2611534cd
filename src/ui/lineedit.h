/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * lineedit.h — the one-line text editor behind every text field, kept
 * apart from curses so it can be tested without a terminal.  The UI maps
 * get_wch keys to the commands below and draws the slice le_view
 * computes; this module never draws.
 *
 * Characters.  The buffer holds wchar_t, 32 bits on Linux, so 𠮷
 * (U+20BB7) is one character.  The length limit counts characters
 * (wchar_t), combining marks included.  Controls (C0, DEL, C1) never
 * enter the buffer.
 *
 * Clusters.  A zero-width character (wcwidth 0: combining marks, ZWJ)
 * belongs to the character before it: the cursor never stops between
 * them, and backspace, delete and the word commands move over the whole
 * cluster.  Zero-width characters at the very start have nothing to
 * attach to and form a cluster of their own, one column wide.
 *
 * Columns.  A cluster takes the wcwidth of its first character; a
 * character with wcwidth < 0 takes 1 column (the UI draws a replacement
 * glyph there).
 *
 * Words.  A word is a run of clusters whose first character is
 * alphanumeric (iswalnum; under a UTF-8 locale glibc counts Han, kana
 * and hangul as alphanumeric).  Everything else separates words: spaces,
 * punctuation, the name dot · (U+00B7), the ideographic space.  So
 * "欧阳 娜娜" is two words and "欧阳·娜娜" too; a Han name written
 * without a space is one word.  LE_WORD_LEFT goes to the start of the
 * word before the cursor, LE_WORD_RIGHT to the end of the word after it
 * (as readline's backward-word and forward-word), and LE_KILL_WORD_BACK
 * deletes what LE_WORD_LEFT would move over.
 *
 * Personal data.  Fields hold children's names: text removed from the
 * buffer is zeroed at once, and le_clear and le_free zero the whole
 * buffer.  Nothing here logs.
 */
#ifndef XUEJI_UI_LINEEDIT_H
#define XUEJI_UI_LINEEDIT_H

#include <stddef.h>
#include <wchar.h>

struct lineedit;

/* Editing commands; the UI maps its keys (KEY_LEFT, ^K, …) to these. */
enum le_cmd {
	LE_LEFT,
	LE_RIGHT,
	LE_HOME,
	LE_END,
	LE_BACKSPACE,
	LE_DELETE,
	LE_WORD_LEFT,
	LE_WORD_RIGHT,
	LE_KILL_TO_END,		/* ^K */
	LE_KILL_TO_START,	/* ^U */
	LE_KILL_WORD_BACK,	/* ^W */
};

/* What an edit did.  The UI beeps for LE_FULL, LE_TRUNCATED, LE_INVALID. */
enum le_result {
	LE_OK = 0,		/* done: text inserted or changed, or moved */
	LE_NOOP,		/* nothing to do: at the start or end already */
	LE_FULL,		/* nothing inserted: the field is full */
	LE_TRUNCATED,		/* only the start of the text fitted */
	LE_INVALID,		/* malformed UTF-8 or a control: nothing done */
};

/*
 * The visible part of the text in a field width columns wide.  Draw
 * characters [first, last) from column 0 (le_width_at says how many
 * columns each takes; 0 means a mark on the character before) and leave
 * the hardware cursor at cursor_col, where the input method's candidate
 * window then appears.  Columns past used are blank: a wide character
 * that would not fit whole is left out, never split.  more_left and
 * more_right say text is hidden on that side; no column is reserved for
 * a marker.
 */
struct le_view {
	size_t	first;
	size_t	last;
	int	used;
	int	cursor_col;
	int	more_left;
	int	more_right;
};

/* Make an empty editor holding at most max characters (at least 1). */
struct lineedit	*le_new(size_t max);
/*
 * The same with the buffer in guarded memory from secure_alloc (locked
 * out of swap, between guard pages, wiped when freed): for the text of a
 * form, which the screens keep over an idle lock.  le_get_utf8's strings
 * are ordinary ones, as le_new's.
 */
struct lineedit	*le_new_guarded(size_t max);
/*
 * The same for a passphrase: the buffer, and every string le_get_utf8
 * returns, in guarded memory, as the command line holds its passphrase.
 */
struct lineedit	*le_new_secret(size_t max);
/* Zero the buffer and free the editor; NULL is fine. */
void		 le_free(struct lineedit *);

/*
 * Replace the text with n bytes of UTF-8 (pre-filling a field), cursor at
 * the end, not dirty.  Controls are dropped; text past the limit is cut
 * at a cluster boundary and LE_TRUNCATED returned.  Malformed UTF-8
 * returns LE_INVALID and leaves the editor unchanged.
 */
int		 le_set_utf8(struct lineedit *, const char *s, size_t n);
/*
 * The text as a malloc'd UTF-8 string; free it with xfree_wipe, or with
 * secure_free for an editor made by le_new_secret.
 */
char		*le_get_utf8(const struct lineedit *);
/* Empty the editor, zeroing the whole buffer; dirty if it held text. */
void		 le_clear(struct lineedit *);

/*
 * Insert one character at the cursor (a key from get_wch).  LE_INVALID
 * for a control, a surrogate or a value past U+10FFFF; LE_FULL when the
 * field is full.
 */
int		 le_insert_wc(struct lineedit *, wchar_t);
/*
 * Insert n bytes of UTF-8 at the cursor, whole (an input method's commit
 * or a paste), and leave the cursor after them.  Malformed UTF-8 inserts
 * nothing and returns LE_INVALID.  Controls are dropped silently.  When
 * not everything fits, what fits (up to a cluster boundary) is inserted
 * and LE_TRUNCATED returned, or LE_FULL when nothing fitted.
 */
int		 le_insert_utf8(struct lineedit *, const char *s, size_t n);
/* Carry out an editing command: LE_OK, LE_NOOP, or LE_INVALID (unknown). */
int		 le_command(struct lineedit *, enum le_cmd);

/*
 * Compute the view for a field width columns wide, scrolling only as far
 * as needed to keep the cursor (and the whole character under it) in
 * view; the scroll position persists between calls.  A width below 1
 * gives an empty view.
 */
void		 le_view(struct lineedit *, int width, struct le_view *);

/* The text, NUL-terminated; the pointer stays valid until le_free. */
const wchar_t	*le_text(const struct lineedit *);
/* Columns character i takes in the view: 1 or 2, or 0 for a mark. */
int		 le_width_at(const struct lineedit *, size_t i);
/* Move the cursor to i (clamped, and back to the start of its cluster). */
void		 le_set_cursor(struct lineedit *, size_t i);
/* The number of characters. */
size_t		 le_len(const struct lineedit *);
/* The cursor: the index of the character it sits before (0 … le_len). */
size_t		 le_cursor(const struct lineedit *);
/* The length limit given to le_new. */
size_t		 le_max(const struct lineedit *);
/* Whether the text was edited since le_new or the last le_set_utf8. */
int		 le_dirty(const struct lineedit *);

#endif
