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
	ACT_BACK, ACT_QUIT, ACT_REDRAW, ACT_NONE
};

static void *
help_open(struct ui *ui, void *arg)
{
	struct help_arg	*ha = xmalloc(sizeof *ha);

	(void)ui;
	/* The screen whose keys are shown; its state lives under us. */
	*ha = *(const struct help_arg *)arg;
	return ha;
}

static void
help_close(void *p)
{
	free(p);
}

static void
help_draw(struct ui *ui, void *p)
{
	const struct help_arg	*ha = p;
	const struct screen	*sc = ha->screen;
	const struct action_info *ai;
	size_t			 i;
	int			 row = 2;

	erase();
	ui_title(ui, _("Keys"));
	for (i = 0; sc->actions[i] != ACT_NONE && row < ui->rows - 3; i++) {
		ai = &action_table[sc->actions[i]];
		/* What the key bar would offer, keys it leaves out too. */
		if (!ui_offered(ui, sc, ha->state, ai->action))
			continue;
		ui_text(ui, row, 2, 22, ai->keys, STYLE_KEY);
		ui_text(ui, row, 26, ui->cols - 28, _(ai->label),
		    STYLE_NORMAL);
		row++;
	}
	if (sc->text != NULL && row < ui->rows - 4) {
		row++;
		ui_text(ui, row++, 2, ui->cols - 4, _("In a field: Left, "
		    "Right, Home (^A), End (^E), Backspace, Delete (^D), "
		    "^K, ^U, ^W."), STYLE_DIM);
	}
}

static int
help_action(struct ui *ui, void *p, enum action a)
{
	(void)ui;
	(void)p;
	return a == ACT_QUIT ? UI_POP : 0;
}

const struct screen screen_help = {
	.name = "help",
	.actions = help_actions,
	.open = help_open,
	.close = help_close,
	.draw = help_draw,
	.action = help_action,
};
