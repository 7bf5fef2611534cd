/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Drawing helpers shared by the screens: the colours and what each
 * style looks like with and without them, the status line's message,
 * text clipped by display width, fields drawn from a line editor, and
 * big characters for a student number read out across the counter.
 * Nothing here knows the screen stack (ui.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "ui.h"

void
ui_colours_setup(struct ui *ui)
{
	const char	*nc = getenv("NO_COLOR");

	ui->colour = has_colors() && (nc == NULL || *nc == '\0');
	if (!ui->colour)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);		/* title, bars */
	init_pair(2, COLOR_BLACK, COLOR_CYAN);		/* key names */
	init_pair(3, COLOR_RED, -1);			/* errors */
	init_pair(4, COLOR_BLACK, COLOR_WHITE);		/* fields */
	init_pair(5, COLOR_BLACK, COLOR_YELLOW);	/* focus */
}

attr_t
ui_attr(const struct ui *ui, enum ui_style st)
{
	/* Monochrome: state shown with reverse, bold and underline. */
	switch (st) {
	case STYLE_TITLE:
		return ui->colour ? COLOR_PAIR(1) | A_BOLD : A_REVERSE | A_BOLD;
	case STYLE_BAR:
		return ui->colour ? COLOR_PAIR(1) : A_REVERSE;
	case STYLE_KEY:
		return ui->colour ? COLOR_PAIR(2) | A_BOLD : A_BOLD;
	case STYLE_FIELD:
		return ui->colour ? COLOR_PAIR(4) : A_UNDERLINE;
	case STYLE_FOCUS:
		return ui->colour ? COLOR_PAIR(5) | A_BOLD :
		    A_UNDERLINE | A_BOLD;
	case STYLE_SELECT:
		return A_REVERSE;
	case STYLE_ERROR:
		return ui->colour ? COLOR_PAIR(3) | A_BOLD : A_BOLD;
	case STYLE_DIM:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

void
ui_message(struct ui *ui, int error, const char *fmt, ...)
{
	va_list	ap;

	free(ui->message);
	ui->message = NULL;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&ui->message, fmt, ap);
	va_end(ap);
	ui->message_error = error;
}

/*
 * The next character of s as drawn: its code point (controls and
 * malformed bytes replaced) and its width; returns the bytes it takes.
 */
static int
next_cell(const char *s, size_t n, uint32_t *cp, int *w)
{
	int	len;

	if ((len = utf8_decode(s, n, cp)) < 0) {
		len = 1;
		*cp = '?';
	}
	if (utf8_is_control(*cp))
		*cp = ' ';	/* a control never reaches the terminal */
	if ((*w = wcwidth((wchar_t)*cp)) < 0) {
		*cp = 0xfffd;
		*w = 1;
	}
	return len;
}

/* Draw s in at most width columns; returns the columns used and sets
 * *cut when some of s did not fit. */
static int
put_text(int row, int col, int width, const char *s,
    attr_t attr, int draw, int *cut)
{
	size_t		n = strlen(s);
	uint32_t	cp;
	cchar_t		cc;
	wchar_t		wc[2];
	int		len, w, used = 0;

	*cut = 0;
	while (n > 0) {
		len = next_cell(s, n, &cp, &w);
		if (used + w > width) {
			*cut = 1;
			break;
		}
		if (w == 0 && used > 0) {
			/* A combining mark rides on the cell before it. */
			s += len;
			n -= (size_t)len;
			continue;
		}
		if (draw) {
			wc[0] = (wchar_t)cp;
			wc[1] = L'\0';
			setcchar(&cc, wc, attr & ~A_COLOR,
			    (short)PAIR_NUMBER(attr), NULL);
			mvadd_wch(row, col + used, &cc);
		}
		used += w;
		s += len;
		n -= (size_t)len;
	}
	return used;
}

int
ui_text(struct ui *ui, int row, int col, int width, const char *s,
    enum ui_style st)
{
	attr_t	attr = ui_attr(ui, st);
	int	cut, used;

	if (row < 0 || row >= ui->rows || col >= ui->cols)
		return 0;
	if (width > ui->cols - col)
		width = ui->cols - col;
	if (width <= 0)
		return 0;
	/* What does not fit ends in "…", never silently. */
	put_text(row, col, width, s, attr, 0, &cut);
	if (!cut)
		return put_text(row, col, width, s, attr, 1, &cut);
	used = put_text(row, col, width - 1, s, attr, 1, &cut);
	used += put_text(row, col + used, 1, "\xe2\x80\xa6", attr, 1,
	    &cut);
	return used;
}

/*
 * Where the line of s that starts at s ends when lines hold width
 * columns: at a line break, at the last space before the edge, or
 * anywhere when there is none (Chinese has no spaces to break at).
 */
static const char *
wrap_line(const char *s, int width)
{
	const char	*p, *brk = NULL;
	uint32_t	 cp;
	int		 w = 0, cw, len;

	for (p = s; *p != '\0' && *p != '\n'; p += len) {
		len = next_cell(p, strlen(p), &cp, &cw);
		if (w + cw > width)
			break;
		if (cp == ' ')
			brk = p;
		w += cw;
	}
	if (*p != '\0' && *p != '\n' && brk != NULL && brk > s)
		p = brk;
	if (p == s && *p != '\0' && *p != '\n')
		p += next_cell(p, strlen(p), &cp, &cw);	/* never stuck */
	return p;
}

/* The start of the line after the one ending at p. */
static const char *
wrap_next(const char *p)
{
	if (*p == '\n')
		return p + 1;
	while (*p == ' ')
		p++;
	return p;
}

int
ui_wrap_rows(int width, const char *s)
{
	int	rows = 0;

	if (width < 2)
		return 0;
	while (*s != '\0') {
		s = wrap_next(wrap_line(s, width));
		rows++;
	}
	return rows;
}

int
ui_wrap(struct ui *ui, int row, int col, int width, int max, const char *s,
    enum ui_style st)
{
	const char	*p;
	char		*line;
	int		 used = 0, w;

	if (width < 2)
		return 0;	/* a wide character would never fit */
	while (*s != '\0' && used < max) {
		p = wrap_line(s, width);
		if (used + 1 == max && *wrap_next(p) != '\0') {
			/* The last row: as much as fits, then "…". */
			p = wrap_line(s, width - 1);
			line = xstrndup(s, (size_t)(p - s));
			w = ui_text(ui, row + used, col, width - 1, line, st);
			ui_text(ui, row + used, col + w, 1, "\xe2\x80\xa6", st);
			xfree_wipe(line);
			return used + 1;
		}
		line = xstrndup(s, (size_t)(p - s));
		ui_text(ui, row + used, col, width, line, st);
		xfree_wipe(line);
		used++;
		s = wrap_next(p);
	}
	return used;
}

/*
 * The column where the character covering (row, col) begins: col, or
 * the column before it when col is the right half of a wide character.
 * Read from the row's start, since a cell alone does not say which half
 * of a character it holds.
 */
static int
char_start(int row, int col)
{
	cchar_t	cc;
	wchar_t	wc[CCHARW_MAX + 1];
	attr_t	a;
	short	pair;
	int	c, w;

	for (c = 0; c < col; c += w) {
		w = 1;
		if (mvin_wch(row, c, &cc) == OK &&
		    getcchar(&cc, wc, &a, &pair, NULL) != ERR &&
		    (w = wcwidth(wc[0])) < 1)
			w = 1;
		if (c + w > col)
			return c;
	}
	return col;
}

void
ui_fill(struct ui *ui, int row, int col, int width, enum ui_style st)
{
	attr_t	attr = ui_attr(ui, st);
	int	i, from, to;

	/*
	 * Blank the whole of a wide character the area cuts at either
	 * edge (a dialog over a screen): half of one left behind is a
	 * cell curses and the terminal disagree about, and the line is
	 * drawn a column off when the dialog goes.
	 */
	if (col + width > ui->cols)
		width = ui->cols - col;
	from = char_start(row, col);
	to = col + width;
	if (to < ui->cols && char_start(row, to) < to)
		to++;
	for (i = from; i < to; i++)
		mvaddch(row, i, ' ' | (i >= col && i < col + width ? attr :
		    ui_attr(ui, STYLE_NORMAL)));
}

int
ui_tab(struct ui *ui, int row, int col, const char *text, int current)
{
	char	*s;
	int	 used;

	xasprintf(&s, current ? "[%s]" : " %s ", text);
	used = ui_text(ui, row, col, ui->cols - col - 1, s, current ?
	    STYLE_SELECT : STYLE_NORMAL);
	free(s);
	return used + 1;
}

void
ui_centre(struct ui *ui, int row, const char *s, enum ui_style st)
{
	int	w = utf8_width(s), col;

	col = w >= ui->cols ? 0 : (ui->cols - w) / 2;
	ui_text(ui, row, col, ui->cols - col, s, st);
}

int
ui_list_move(size_t *sel, size_t n, size_t page, enum action a)
{
	switch (a) {
	case ACT_UP:
		if (*sel > 0)
			(*sel)--;
		return 1;
	case ACT_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return 1;
	case ACT_PAGE_UP:
		*sel = *sel > page ? *sel - page : 0;
		return 1;
	case ACT_PAGE_DOWN:
		if (n > 0)
			*sel = *sel + page < n ? *sel + page : n - 1;
		return 1;
	default:
		return 0;
	}
}

void
ui_list_scroll(size_t *top, size_t sel, int rows)
{
	if (sel < *top)
		*top = sel;
	if (rows > 0 && sel >= *top + (size_t)rows)
		*top = sel - (size_t)rows + 1;
}

int
ui_rows_logged(struct ui *ui, struct store_shown *shown, const void *rows,
    size_t size, size_t offset, size_t first, size_t end)
{
	const char	**numbers;
	char		 *cause = NULL;
	size_t		  i, n = 0;
	int		  rc;

	if (end <= first)
		return 1;
	numbers = xreallocarray(NULL, end - first, sizeof *numbers);
	for (i = first; i < end; i++)
		numbers[n++] = *(char *const *)(const void *)
		    ((const char *)rows + i * size + offset);
	rc = store_list_shown(ui->s->st, shown, numbers, n, &cause);
	free(numbers);
	if (rc != XJ_OK) {
		ui_message(ui, 1, _("The list is not shown: %s"), cause);
		free(cause);
		return 0;
	}
	return 1;
}

int
ui_box(struct ui *ui, int height)
{
	int	row, left = UI_BOX_COL - 2, right = ui->cols - UI_BOX_COL + 1;
	int	i, top, bottom;

	if (height > ui->rows - 3)
		height = ui->rows - 3;
	row = (ui->rows - 2 - height) / 2;
	if (row < 1)
		row = 1;
	/*
	 * A blank margin round a cleared box: nothing of the screen
	 * behind shows through, not half of a wide character either.
	 */
	top = row > 1 ? row - 1 : row;
	bottom = row + height < ui->rows - 2 ? row + height : row + height - 1;
	for (i = top; i <= bottom; i++)
		ui_fill(ui, i, left - 1, right - left + 3, STYLE_NORMAL);
	for (i = 0; i < height; i++)
		ui_fill(ui, row + i, left, right - left + 1, STYLE_BAR);
	attron(ui_attr(ui, STYLE_BAR));
	mvhline_set(row, left + 1, WACS_HLINE, right - left - 1);
	mvhline_set(row + height - 1, left + 1, WACS_HLINE, right - left - 1);
	mvvline_set(row + 1, left, WACS_VLINE, height - 2);
	mvvline_set(row + 1, right, WACS_VLINE, height - 2);
	mvadd_wch(row, left, WACS_ULCORNER);
	mvadd_wch(row, right, WACS_URCORNER);
	mvadd_wch(row + height - 1, left, WACS_LLCORNER);
	mvadd_wch(row + height - 1, right, WACS_LRCORNER);
	attroff(ui_attr(ui, STYLE_BAR));
	return row;
}

int
ui_dialog(struct ui *ui, const char *question, const char *detail,
    int extra)
{
	int	w = ui_box_width(ui), q, d, row, room;

	room = ui->rows - 5 - extra;	/* frame, margin and the bars */
	q = ui_wrap_rows(w, question);
	d = detail != NULL ? ui_wrap_rows(w, detail) : 0;
	if (q > room)
		q = room > 1 ? room : 1;
	if (d > room - q)
		d = room - q > 0 ? room - q : 0;
	row = ui_box(ui, 2 + q + d + extra);
	row += 1;
	row += ui_wrap(ui, row, UI_BOX_COL, w, q, question, STYLE_BAR);
	if (d > 0)
		row += ui_wrap(ui, row, UI_BOX_COL, w, d, detail, STYLE_BAR);
	return row;
}

int
ui_box_width(const struct ui *ui)
{
	return ui->cols - 2 * UI_BOX_COL;
}

const char *
ui_field_label(const struct ui *ui, const char *key)
{
	const struct field_spec	*f = form_field(ui->s->form, key);

	return f != NULL ? form_text(&f->label) : key;
}

void
ui_title(struct ui *ui, const char *title)
{
	ui_fill(ui, 0, 0, ui->cols, STYLE_TITLE);
	ui_text(ui, 0, 1, ui->cols - 1, title, STYLE_TITLE);
}

void
ui_field(struct ui *ui, int row, int col, int width, struct lineedit *le,
    int focus, int hidden)
{
	const wchar_t	*text = le_text(le);
	struct le_view	 v;
	enum ui_style	 st = focus ? STYLE_FOCUS : STYLE_FIELD;
	cchar_t		 cc;
	wchar_t		 wc[2];
	attr_t		 attr = ui_attr(ui, st);
	size_t		 i;
	int		 c = 0, w;

	ui_fill(ui, row, col, width, st);
	if (hidden) {
		/* A passphrase shows nothing, not even its length. */
		if (focus) {
			ui->cursor_row = row;
			ui->cursor_col = col;
		}
		return;
	}
	le_view(le, width, &v);
	for (i = v.first; i < v.last; i++) {
		w = le_width_at(le, i);
		if (w == 0)
			continue;
		wc[0] = text[i];
		wc[1] = L'\0';
		if (wcwidth(text[i]) < 0)
			wc[0] = 0xfffd;
		setcchar(&cc, wc, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
		mvadd_wch(row, col + c, &cc);
		c += w;
	}
	/* Hidden text on either side is marked, not guessed at. */
	if (v.more_left)
		mvaddch(row, col - 1, '<' | ui_attr(ui, STYLE_DIM));
	if (v.more_right)
		mvaddch(row, col + width, '>' | ui_attr(ui, STYLE_DIM));
	if (focus) {
		ui->cursor_row = row;
		ui->cursor_col = col + v.cursor_col;
	}
}

/*
 * The editing keys of a field, named once: ui_field_key() runs them and
 * the help screen lists those its screen does not take for an action.
 */
static const struct {
	int		 key;
	const char	*name;
	enum le_cmd	 cmd;
} field_keys[] = {
	{ KEY_LEFT, "Left", LE_LEFT }, { 'B' & 0x1f, "^B", LE_LEFT },
	{ KEY_RIGHT, "Right", LE_RIGHT },
	{ KEY_HOME, "Home", LE_HOME }, { 'A' & 0x1f, "^A", LE_HOME },
	{ KEY_END, "End", LE_END }, { 'E' & 0x1f, "^E", LE_END },
	{ KEY_BACKSPACE, "Backspace", LE_BACKSPACE },
	{ 127, NULL, LE_BACKSPACE }, { 'H' & 0x1f, "^H", LE_BACKSPACE },
	{ KEY_DC, "Delete", LE_DELETE }, { 'D' & 0x1f, "^D", LE_DELETE },
	{ KEY_SLEFT, "Shift-Left", LE_WORD_LEFT },
	{ KEY_SRIGHT, "Shift-Right", LE_WORD_RIGHT },
	{ 'K' & 0x1f, "^K", LE_KILL_TO_END },
	{ 'U' & 0x1f, "^U", LE_KILL_TO_START },
	{ 'W' & 0x1f, "^W", LE_KILL_WORD_BACK },
};

static const char *const field_cmd_labels[] = {
	[LE_LEFT] = N_("Cursor left"),
	[LE_RIGHT] = N_("Cursor right"),
	[LE_HOME] = N_("Start of the field"),
	[LE_END] = N_("End of the field"),
	[LE_BACKSPACE] = N_("Delete before the cursor"),
	[LE_DELETE] = N_("Delete under the cursor"),
	[LE_WORD_LEFT] = N_("Word left"),
	[LE_WORD_RIGHT] = N_("Word right"),
	[LE_KILL_TO_END] = N_("Delete to the end"),
	[LE_KILL_TO_START] = N_("Delete to the start"),
	[LE_KILL_WORD_BACK] = N_("Delete the word before"),
};

int
ui_field_key(struct lineedit *le, int key)
{
	size_t	i;

	for (i = 0; i < nitems(field_keys); i++) {
		if (field_keys[i].key == key) {
			le_command(le, field_keys[i].cmd);
			return 1;
		}
	}
	return 0;
}

int
ui_field_help(const struct screen *sc, int cmd, const char **label,
    char *keys, size_t len)
{
	size_t	i;
	int	is_key;

	if (cmd < 0 || (size_t)cmd >= nitems(field_cmd_labels))
		return -1;
	*label = _(field_cmd_labels[cmd]);
	*keys = '\0';
	for (i = 0; i < nitems(field_keys); i++) {
		if ((int)field_keys[i].cmd != cmd || field_keys[i].name == NULL)
			continue;
		/* A key the screen binds to an action never edits. */
		is_key = field_keys[i].key > 0xff;
		if (ui_key_action(sc, (wint_t)field_keys[i].key, is_key) !=
		    ACT_NONE)
			continue;
		ui_key_append(keys, len, field_keys[i].name,
		    strlen(field_keys[i].name));
	}
	return 0;
}

int
ui_field_insert(struct ui *ui, struct lineedit *le, const wchar_t *s,
    size_t n)
{
	size_t	i;
	int	r = LE_OK;

	for (i = 0; i < n; i++) {
		r = le_insert_wc(le, s[i]);
		if (r == LE_FULL || r == LE_INVALID)
			break;
	}
	if (r == LE_FULL) {
		beep();
		/* A paste cut short says so: never a silent half. */
		ui_message(ui, 1, _("The field holds at most %zu characters: "
		    "%zu of the %zu typed were not taken"), le_max(le), n - i,
		    n);
	} else if (r == LE_INVALID) {
		beep();
		ui_message(ui, 1, "%s", _("A control character cannot be "
		    "typed into a field; the rest was not taken"));
	}
	return r;
}

/*
 * A 5-row block font for the characters of student numbers.  Each glyph
 * is 4 columns wide, drawn with full blocks; "#" marks a filled cell.
 */
static const struct {
	char		 c;
	const char	*rows[BIGFONT_ROWS];
} bigfont[] = {
	{ '0', { "###", "# #", "# #", "# #", "###" } },
	{ '1', { " # ", "## ", " # ", " # ", "###" } },
	{ '2', { "###", "  #", "###", "#  ", "###" } },
	{ '3', { "###", "  #", "###", "  #", "###" } },
	{ '4', { "# #", "# #", "###", "  #", "  #" } },
	{ '5', { "###", "#  ", "###", "  #", "###" } },
	{ '6', { "###", "#  ", "###", "# #", "###" } },
	{ '7', { "###", "  #", "  #", "  #", "  #" } },
	{ '8', { "###", "# #", "###", "# #", "###" } },
	{ '9', { "###", "# #", "###", "  #", "###" } },
	{ '-', { "   ", "   ", "###", "   ", "   " } },
	{ 'A', { "###", "# #", "###", "# #", "# #" } },
	{ 'B', { "## ", "# #", "## ", "# #", "## " } },
	{ 'C', { "###", "#  ", "#  ", "#  ", "###" } },
	{ 'D', { "## ", "# #", "# #", "# #", "## " } },
	{ 'E', { "###", "#  ", "## ", "#  ", "###" } },
	{ 'F', { "###", "#  ", "## ", "#  ", "#  " } },
	{ 'G', { "###", "#  ", "# #", "# #", "###" } },
	{ 'H', { "# #", "# #", "###", "# #", "# #" } },
	{ 'J', { "  #", "  #", "  #", "# #", "###" } },
	{ 'K', { "# #", "## ", "#  ", "## ", "# #" } },
	{ 'L', { "#  ", "#  ", "#  ", "#  ", "###" } },
	{ 'M', { "# #", "###", "###", "# #", "# #" } },
	{ 'N', { "## ", "# #", "# #", "# #", "# #" } },
	{ 'P', { "###", "# #", "###", "#  ", "#  " } },
	{ 'R', { "## ", "# #", "## ", "# #", "# #" } },
	{ 'S', { "###", "#  ", "###", "  #", "###" } },
	{ 'T', { "###", " # ", " # ", " # ", " # " } },
	{ 'U', { "# #", "# #", "# #", "# #", "###" } },
	{ 'W', { "# #", "# #", "###", "###", "# #" } },
	{ 'X', { "# #", "# #", " # ", "# #", "# #" } },
	{ 'Y', { "# #", "# #", " # ", " # ", " # " } },
	{ 'Z', { "###", "  #", " # ", "#  ", "###" } },
};

static int
glyph(char c)
{
	size_t	i;

	for (i = 0; i < nitems(bigfont); i++) {
		if (bigfont[i].c == c)
			return (int)i;
	}
	return -1;
}

int
bigfont_draw(struct ui *ui, int row, const char *s)
{
	size_t	n = strlen(s), i;
	int	width = (int)n * 4 - 1, col, r, g, x;

	if (width > ui->cols)
		return 0;
	for (i = 0; i < n; i++) {
		if (glyph(s[i]) < 0)
			return 0;
	}
	col = (ui->cols - width) / 2;
	for (i = 0; i < n; i++) {
		g = glyph(s[i]);
		for (r = 0; r < BIGFONT_ROWS; r++) {
			for (x = 0; x < 3; x++) {
				if (bigfont[g].rows[r][x] == '#')
					mvaddch(row + r, col + (int)i * 4 + x,
					    ' ' | A_REVERSE);
			}
		}
	}
	return width;
}
