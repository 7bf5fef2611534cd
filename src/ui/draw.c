/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Drawing helpers shared by the screens: text clipped by display width,
 * fields drawn from a line editor, and big characters for a student
 * number read out across the counter.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "ui.h"

int
ui_text(struct ui *ui, int row, int col, int width, const char *s,
    enum ui_style st)
{
	size_t		n = strlen(s);
	uint32_t	cp;
	cchar_t		cc;
	wchar_t		wc[2];
	attr_t		attr = ui_attr(ui, st);
	int		len, w, used = 0;

	if (row < 0 || row >= ui->rows)
		return 0;
	while (n > 0 && used < width && col + used < ui->cols) {
		if ((len = utf8_decode(s, n, &cp)) < 0) {
			len = 1;
			cp = '?';
		}
		if (utf8_is_control(cp))
			cp = ' ';	/* a control never reaches the terminal */
		if ((w = wcwidth((wchar_t)cp)) < 0) {
			cp = 0xfffd;
			w = 1;
		}
		if (used + w > width || col + used + w > ui->cols)
			break;
		wc[0] = (wchar_t)cp;
		wc[1] = L'\0';
		if (w == 0 && used > 0) {
			/* A combining mark rides on the cell before it. */
			s += len;
			n -= (size_t)len;
			continue;
		}
		setcchar(&cc, wc, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
		mvadd_wch(row, col + used, &cc);
		used += w;
		s += len;
		n -= (size_t)len;
	}
	return used;
}

void
ui_fill(struct ui *ui, int row, int col, int width, enum ui_style st)
{
	attr_t	attr = ui_attr(ui, st);
	int	i;

	for (i = 0; i < width && col + i < ui->cols; i++)
		mvaddch(row, col + i, ' ' | attr);
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
ui_box(struct ui *ui, int height)
{
	int	row = (ui->rows - 2 - height) / 2, i;

	if (row < 1)
		row = 1;
	for (i = 0; i < height; i++)
		ui_fill(ui, row + i, UI_BOX_COL - 2, ui->cols - 2 * (UI_BOX_COL - 2),
		    STYLE_BAR);
	return row;
}

int
ui_box_width(const struct ui *ui)
{
	return ui->cols - 2 * UI_BOX_COL;
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

int
ui_field_key(struct lineedit *le, int key)
{
	static const struct {
		int		key;
		enum le_cmd	cmd;
	} map[] = {
		{ KEY_LEFT, LE_LEFT }, { KEY_RIGHT, LE_RIGHT },
		{ KEY_HOME, LE_HOME }, { KEY_END, LE_END },
		{ 'A' & 0x1f, LE_HOME }, { 'E' & 0x1f, LE_END },
		{ 'B' & 0x1f, LE_LEFT }, { KEY_BACKSPACE, LE_BACKSPACE },
		{ 127, LE_BACKSPACE }, { 'H' & 0x1f, LE_BACKSPACE },
		{ KEY_DC, LE_DELETE }, { 'D' & 0x1f, LE_DELETE },
		{ KEY_SLEFT, LE_WORD_LEFT }, { KEY_SRIGHT, LE_WORD_RIGHT },
		{ 'K' & 0x1f, LE_KILL_TO_END }, { 'U' & 0x1f, LE_KILL_TO_START },
		{ 'W' & 0x1f, LE_KILL_WORD_BACK },
	};
	size_t	i;

	for (i = 0; i < nitems(map); i++) {
		if (map[i].key == key) {
			le_command(le, map[i].cmd);
			return 1;
		}
	}
	return 0;
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
