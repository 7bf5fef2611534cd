/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A new student's number, large enough to read out to the guardian.
 */
#include <stdlib.h>

#include "xueji/platform.h"
#include "xueji/student.h"
#include "ui.h"

static const enum action number_actions[] = {
	ACT_DONE, ACT_BACK, ACT_REDRAW, ACT_NONE
};

static void *
number_open(struct ui *ui, void *arg)
{
	(void)ui;
	return xstrdup(arg);
}

static void
number_close(void *p)
{
	free(p);
}

static void
number_draw(struct ui *ui, void *p)
{
	const char	*number = p;
	int		 row = ui->rows / 2 - 5;

	erase();
	ui_title(ui, _("Enrolled"));
	ui_centre(ui, row, _("The new student number is:"), STYLE_NORMAL);
	if (bigfont_draw(ui, row + 2, number) == 0)
		ui_centre(ui, row + 4, number, STYLE_TITLE);
	/* Plain text too: for a screen reader and for copying. */
	ui_centre(ui, row + 3 + BIGFONT_ROWS, number, STYLE_NORMAL);
}

static int
number_action(struct ui *ui, void *p, enum action a)
{
	(void)ui;
	(void)p;
	return a == ACT_DONE ? UI_POP : 0;
}

const struct screen screen_number = {
	.name = "number",
	.actions = number_actions,
	.open = number_open,
	.close = number_close,
	.draw = number_draw,
	.action = number_action,
};
