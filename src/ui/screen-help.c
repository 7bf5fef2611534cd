/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The help screen: the actions the screen it was opened from offers now,
 * every key of each, generated from the action table.
 */
#include <stdlib.h>

#include "xueji/platform.h"
#include "ui.h"

static const enum action help_actions[] = {
	ACT_BACK, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_NONE
};

struct help {
	struct help_arg	 of;
	size_t		 top;	/* the first line shown */
};

static void *
help_open(struct ui *ui, void *arg)
{
	struct help	*h = xcalloc(1, sizeof *h);

	(void)ui;
	/* The screen whose keys are shown; its state lives under us. */
	h->of = *(const struct help_arg *)arg;
	return h;
}

static void
help_close(void *p)
{
	free(p);
}

/* Rows the lines may use. */
static int
page(const struct ui *ui)
{
	return ui->rows - 5;
}

/*
 * Every line of the help: each action the screen offers now with the
 * keys that really carry it out there (its own first, then those every
 * screen has), then the editing keys its field leaves to the field.
 * Lines go to row, col when draw is set; returns how many there are.
 */
static size_t
lines(struct ui *ui, const struct help *h, int draw)
{
	const struct screen	*sc = h->of.screen;
	const enum action	*lists[2] = { sc->actions, ui_global_actions };
	const char		*label;
	char			 keys[128];
	size_t			 n = 0, i, j, k;
	int			 row, last = 2 + page(ui);

#define LINE(k_, l_, st_) do {						\
	row = 2 + (int)n - (int)h->top;					\
	if (draw && n >= h->top && row < last) {			\
		ui_text(ui, row, 2, 22, (k_), (st_));			\
		ui_text(ui, row, 26, ui->cols - 28, (l_), STYLE_NORMAL);	\
	}								\
	n++;								\
} while (0)
	for (j = 0; j < 2; j++) {
		for (i = 0; lists[j][i] != ACT_NONE; i++) {
			for (k = 0; j == 1 && sc->actions[k] != ACT_NONE &&
			    sc->actions[k] != lists[j][i]; k++)
				;
			if (j == 1 && sc->actions[k] != ACT_NONE)
				continue;	/* listed with the screen's */
			if (!ui_offered(ui, sc, h->of.state, lists[j][i]) ||
			    !ui_action_keys(sc, lists[j][i], keys, sizeof keys))
				continue;
			LINE(keys, _(action_table[lists[j][i]].label),
			    STYLE_KEY);
		}
	}
	if (sc->text == NULL)
		return n;
	n++;
	LINE("", _("In a field:"), STYLE_NORMAL);
	for (i = 0; ui_field_help(sc, (int)i, &label, keys, sizeof keys) == 0;
	    i++) {
		if (*keys != '\0')
			LINE(keys, label, STYLE_KEY);
	}
#undef LINE
	return n;
}

static void
help_draw(struct ui *ui, void *p)
{
	struct help	*h = p;
	size_t		 n;

	erase();
	ui_title(ui, _("Keys"));
	n = lines(ui, h, 1);
	if (h->top + (size_t)page(ui) < n)
		ui_text(ui, ui->rows - 3, 2, ui->cols - 4, _("PgDn: more"),
		    STYLE_DIM);
}

static int
help_action(struct ui *ui, void *p, enum action a)
{
	struct help	*h = p;
	size_t		 n = lines(ui, h, 0), rows = (size_t)page(ui);
	size_t		 last = n > rows ? n - rows : 0;

	switch (a) {
	case ACT_UP:
	case ACT_PAGE_UP:
		h->top = h->top > (a == ACT_UP ? 1 : rows) ?
		    h->top - (a == ACT_UP ? 1 : rows) : 0;
		return UI_HANDLED;
	case ACT_DOWN:
	case ACT_PAGE_DOWN:
		h->top += a == ACT_DOWN ? 1 : rows;
		if (h->top > last)
			h->top = last;
		return UI_HANDLED;
	default:
		return 0;
	}
}

const struct screen screen_help = {
	.name = "help",
	.actions = help_actions,
	.open = help_open,
	.close = help_close,
	.draw = help_draw,
	.action = help_action,
};
