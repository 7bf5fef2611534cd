/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The two bottom lines of every screen: the status line (who is logged
 * in, where, and the last message, wrapped above it when it is long)
 * and the key bar, made from the top screen's own actions and the keys
 * that really reach them, help first and quit last, on a second row
 * when one cannot hold them.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/session.h"
#include "ui.h"

/*
 * Operator, role and branch, always; a message that fits beside them
 * goes there, a longer one is wrapped in full in rows above the status
 * line, over the bottom of the screen, until the next key.
 */
void
ui_draw_status(struct ui *ui)
{
	const struct operator	*op = ui->s->op;
	char			*left, *m = NULL, *who;
	int			 row = ui->rows - 2, used, n, w;
	enum ui_style		 st = ui->message_error ? STYLE_ERROR : STYLE_BAR;

	/* Errors say so in words too: never by colour alone. */
	if (ui->message != NULL)
		xasprintf(&m, "%s%s", ui->message_error ? _("Error: ") : "",
		    ui->message);
	if (op != NULL) {
		/* "王丽（reception1）": Chinese brackets in Chinese. */
		who = policy_who(ui->s->pol, op->id);
		xasprintf(&left, " %s · %s · %s ", who, role_label(op->role),
		    ui->s->cfg->branch_name);
		free(who);
	} else
		xasprintf(&left, " %s · %s ", ui->s->cfg->branch_code,
		    ui->s->cfg->branch_name);
	ui_fill(ui, row, 0, ui->cols, STYLE_BAR);
	used = ui_text(ui, row, 0, ui->cols, left, STYLE_BAR);
	free(left);
	if (m == NULL)
		return;
	if (used + 2 + utf8_width(m) <= ui->cols &&
	    strchr(m, '\n') == NULL) {
		used += ui_text(ui, row, used, ui->cols - used, "│ ",
		    STYLE_BAR);
		ui_text(ui, row, used, ui->cols - used, m, st);
	} else {
		w = ui->cols - 2;
		n = ui_wrap_rows(w, m);
		if (n > ui->rows - 3)
			n = ui->rows - 3;
		for (row = ui->rows - 2 - n; row < ui->rows - 2; row++)
			ui_fill(ui, row, 0, ui->cols, STYLE_BAR);
		ui_wrap(ui, ui->rows - 2 - n, 1, w, n, m, st);
	}
	free(m);
}

/* One entry of the key bar at row, col: its key and its label. */
static int
key_entry(struct ui *ui, int row, int col, const char *key,
    const char *label)
{
	int	c = col;

	c += ui_text(ui, row, c, ui->cols - c, key, STYLE_KEY);
	c += ui_text(ui, row, c, ui->cols - c, " ", STYLE_BAR);
	c += ui_text(ui, row, c, ui->cols - c, label, STYLE_BAR);
	c += ui_text(ui, row, c, ui->cols - c, " ", STYLE_NORMAL);
	return c - col;
}

/* The width key_entry() takes. */
static int
key_width(const char *key, const char *label)
{
	return utf8_width(key) + utf8_width(label) + 2;
}

/* The first key of a that works on sc, in buf; 0 if none does. */
static int
first_key(const struct screen *sc, enum action a, char *buf, size_t len)
{
	if (!ui_action_keys(sc, a, buf, len))
		return 0;
	buf[strcspn(buf, " ")] = '\0';
	return 1;
}

/*
 * The top screen's actions the operator may use, with a key that works
 * there: help, back, the screen's own but those it lists itself, lock;
 * quit apart.
 */
void
ui_keybar_collect(struct ui *ui, const struct screen *sc, void *state,
    struct keybar *kb)
{
	enum action		 list[ACT__COUNT];
	size_t			 i, n = 0;

	memset(kb, 0, sizeof *kb);
	for (i = 0; sc->actions[i] != ACT_NONE && n + 1 < nitems(list); i++)
		list[n++] = sc->actions[i];
	if (!ui_own_action(sc, ACT_LOCK))
		list[n++] = ACT_LOCK;
	if (first_key(sc, ACT_QUIT, kb->quit, sizeof kb->quit))
		kb->width += key_width(kb->quit,
		    _(action_table[ACT_QUIT].label));
	if (first_key(sc, ACT_HELP, kb->help, sizeof kb->help))
		kb->width += key_width(kb->help,
		    _(action_table[ACT_HELP].label));
	/* Back first, where it always is. */
	if (ui_own_action(sc, ACT_BACK) && ui_offered(ui, sc, state, ACT_BACK) &&
	    first_key(sc, ACT_BACK, kb->e[0].key, sizeof kb->e[0].key)) {
		kb->e[kb->n].a = ACT_BACK;
		kb->e[kb->n++].label = _(action_table[ACT_BACK].label);
	}
	for (i = 0; i < n; i++) {
		switch (list[i]) {
		case ACT_HELP: case ACT_QUIT: case ACT_REDRAW: case ACT_UP:
		case ACT_DOWN: case ACT_PREV: case ACT_BACK:
			continue;
		default:
			break;
		}
		if (!ui_offered(ui, sc, state, list[i]) ||
		    (sc->lists != NULL && sc->lists(list[i])) ||
		    !first_key(sc, list[i], kb->e[kb->n].key,
		    sizeof kb->e[kb->n].key))
			continue;
		kb->e[kb->n].a = list[i];
		kb->e[kb->n++].label = _(action_table[list[i]].label);
	}
	/*
	 * Lock works on every screen and help lists it: it is shown where
	 * there is room, but never takes a second line by itself.
	 */
	for (i = 0; i < kb->n; i++) {
		if (kb->e[i].a != ACT_LOCK)
			kb->width += key_width(kb->e[i].key, kb->e[i].label);
	}
}

/*
 * The key bar: help first and quit last, always.  On nrows rows of the
 * bottom (one, or two when one cannot hold every key); what still does
 * not fit before quit is marked "…" and listed by help.
 */
void
ui_draw_keybar(struct ui *ui, const struct keybar *kb, int nrows)
{
	const char	*ql = _(action_table[ACT_QUIT].label);
	int		 last = ui->rows - 1, row = last - nrows + 1, col = 0;
	int		 right, w;
	size_t		 i;

	for (i = 0; i < (size_t)nrows; i++)
		ui_fill(ui, row + (int)i, 0, ui->cols, STYLE_NORMAL);
	if (*kb->help != '\0')
		col += key_entry(ui, row, col, kb->help,
		    _(action_table[ACT_HELP].label));
	for (i = 0; i < kb->n; i++) {
		w = key_width(kb->e[i].key, kb->e[i].label);
		right = row == last && *kb->quit != '\0' ? ui->cols -
		    key_width(kb->quit, ql) - 2 : ui->cols;
		if (col + w > right && row < last) {
			row++;
			col = 0;
			right = *kb->quit != '\0' ? ui->cols -
			    key_width(kb->quit, ql) - 2 : ui->cols;
		}
		if (col + w > right) {
			/* Lock is on every screen: left out, not cut. */
			if (kb->e[i].a == ACT_LOCK)
				continue;
			ui_text(ui, row, col, 2, "…", STYLE_NORMAL);
			break;
		}
		col += key_entry(ui, row, col, kb->e[i].key, kb->e[i].label);
	}
	if (*kb->quit != '\0' && ui->cols - key_width(kb->quit, ql) >= 0)
		key_entry(ui, last, ui->cols - key_width(kb->quit, ql),
		    kb->quit, ql);
}
