/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One of a few choices drawn over the screen that asks: how a guardian
 * confirmed a change, for instance.  The choice is marked with ">" and
 * "(x)", not by colour alone.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "ui.h"

struct choice_state {
	struct choice	c;		/* question and detail copied */
	size_t		sel;
};

static const enum action choice_actions[] = {
	ACT_DONE, ACT_UP, ACT_DOWN, ACT_BACK, ACT_HELP, ACT_REDRAW, ACT_NONE
};

static void *
choice_open(struct ui *ui, void *arg)
{
	struct choice_state	*cs = xcalloc(1, sizeof *cs);

	(void)ui;
	cs->c = *(struct choice *)arg;
	cs->c.question = xstrdup(cs->c.question);
	cs->c.detail = cs->c.detail != NULL ? xstrdup(cs->c.detail) : NULL;
	return cs;
}

static void
choice_close(void *p)
{
	struct choice_state	*cs = p;

	free((void *)(uintptr_t)cs->c.question);
	xfree_wipe((char *)(uintptr_t)cs->c.detail);
	free(cs);
}

static void
choice_draw(struct ui *ui, void *p)
{
	struct choice_state	*cs = p;
	int			 w = ui_box_width(ui);
	int			 row = ui_dialog(ui, cs->c.question,
				     cs->c.detail, 3 + (int)cs->c.n);
	char			*item;
	size_t			 i;

	for (i = 0; i < cs->c.n; i++) {
		xasprintf(&item, "%s (%s) %s", i == cs->sel ? ">" : " ",
		    i == cs->sel ? "x" : " ", cs->c.items[i]);
		ui_text(ui, row + 1 + (int)i, UI_BOX_COL, w, item,
		    i == cs->sel ? STYLE_SELECT : STYLE_BAR);
		free(item);
	}
	ui_text(ui, row + 2 + (int)cs->c.n, UI_BOX_COL, w,
	    _("Up/Down to choose, Enter: done    Esc: cancel"), STYLE_BAR);
}

static int
choice_action(struct ui *ui, void *p, enum action a)
{
	struct choice_state	*cs = p;

	switch (a) {
	case ACT_UP:
		cs->sel = cs->sel > 0 ? cs->sel - 1 : cs->c.n - 1;
		return UI_HANDLED;
	case ACT_DOWN:
		cs->sel = cs->sel + 1 < cs->c.n ? cs->sel + 1 : 0;
		return UI_HANDLED;
	case ACT_DONE:
		*cs->c.out = (int)cs->sel;
		ui->after = cs->c.done;
		ui->after_arg = cs->c.arg;
		return UI_POP;
	default:
		return 0;
	}
}

const struct screen screen_choice = {
	.name = "choice",
	.actions = choice_actions,
	.open = choice_open,
	.close = choice_close,
	.draw = choice_draw,
	.action = choice_action,
	.overlay = 1,
};
