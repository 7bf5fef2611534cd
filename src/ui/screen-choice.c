/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One of a few choices drawn over the screen that asks: how a guardian
 * confirmed a change, for instance.  The choice is marked with ">" and
 * "(x)", not by colour alone.  A list longer than the screen (the
 * log's actions) scrolls: the dialog shows the rows that fit, the
 * selection always among them, and says which rows of how many.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "ui.h"

struct choice_state {
	struct choice	c;		/* question and detail copied */
	size_t		sel;
	size_t		top;		/* the first row shown */
	size_t		shown;		/* rows the last draw had room for */
};

static const enum action choice_actions[] = {
	ACT_DONE, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK,
	ACT_HELP, ACT_REDRAW, ACT_NONE
};

static void *
choice_open(struct ui *ui, void *arg)
{
	struct choice_state	*cs = xcalloc(1, sizeof *cs);

	(void)ui;
	cs->c = *(struct choice *)arg;
	cs->c.question = xstrdup(cs->c.question);
	cs->c.detail = cs->c.detail != NULL ? xstrdup(cs->c.detail) : NULL;
	cs->shown = cs->c.n;
	cs->sel = cs->c.first < cs->c.n ? cs->c.first : 0;
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
	int			 w = ui_box_width(ui), row;
	/* Frame, margins, question, hint and the bars: at least 10. */
	size_t			 room = ui->rows > 11 ? (size_t)ui->rows - 10 :
				     1;
	char			*item, *hint;
	size_t			 i;

	cs->shown = cs->c.n < room ? cs->c.n : room;
	if (cs->sel < cs->top)
		cs->top = cs->sel;
	else if (cs->sel >= cs->top + cs->shown)
		cs->top = cs->sel + 1 - cs->shown;
	row = ui_dialog(ui, cs->c.question, cs->c.detail, 3 + (int)cs->shown);
	for (i = 0; i < cs->shown; i++) {
		xasprintf(&item, "%s (%s) %s", cs->top + i == cs->sel ? ">" :
		    " ", cs->top + i == cs->sel ? "x" : " ",
		    cs->c.items[cs->top + i]);
		ui_text(ui, row + 1 + (int)i, UI_BOX_COL, w, item,
		    cs->top + i == cs->sel ? STYLE_SELECT : STYLE_BAR);
		free(item);
	}
	if (cs->shown < cs->c.n)
		/* TRANSLATORS: the selection's place in a long list. */
		xasprintf(&hint, _("Up/Down/PgUp/PgDn: choose (%zu/%zu)  "
		    "Enter: done  Esc: cancel"), cs->sel + 1, cs->c.n);
	else
		hint = xstrdup(_("Up/Down to choose, Enter: done    Esc: "
		    "cancel"));
	ui_text(ui, row + 2 + (int)cs->shown, UI_BOX_COL, w, hint, STYLE_BAR);
	free(hint);
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
	case ACT_PAGE_UP:
		cs->sel = cs->sel > cs->shown ? cs->sel - cs->shown : 0;
		return UI_HANDLED;
	case ACT_PAGE_DOWN:
		cs->sel = cs->sel + cs->shown < cs->c.n ? cs->sel + cs->shown :
		    cs->c.n - 1;
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
