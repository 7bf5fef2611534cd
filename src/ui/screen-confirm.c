/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A yes/no question drawn over the screen it is about.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "ui.h"

static const enum action confirm_actions[] = {
	ACT_YES, ACT_NO, ACT_REDRAW, ACT_NONE
};

static void *
confirm_open(struct ui *ui, void *arg)
{
	struct confirm	*c = xmalloc(sizeof *c);

	(void)ui;
	*c = *(struct confirm *)arg;
	c->question = xstrdup(c->question);
	c->detail = c->detail != NULL ? xstrdup(c->detail) : NULL;
	return c;
}

static void
confirm_close(void *p)
{
	struct confirm	*c = p;

	free((void *)(uintptr_t)c->question);
	xfree_wipe((char *)(uintptr_t)c->detail);
	free(c);
}

static void
confirm_draw(struct ui *ui, void *p)
{
	struct confirm	*c = p;
	int		 row = ui_dialog(ui, c->question, c->detail, 2);

	ui_text(ui, row + 1, UI_BOX_COL, ui_box_width(ui), _("y: yes    n: no"),
	    STYLE_BAR);
}

static int
confirm_action(struct ui *ui, void *p, enum action a)
{
	struct confirm	*c = p;

	switch (a) {
	case ACT_YES:
		ui->after = c->yes;
		ui->after_arg = c->arg;
		return UI_POP;
	case ACT_NO:
		ui->after = c->no;
		ui->after_arg = c->arg;
		return UI_POP;
	default:
		return 0;
	}
}

int
ui_ask(struct ui *ui, const char *question, const char *detail,
    int (*yes)(struct ui *, void *), void *arg)
{
	struct confirm	c = {
		.question = question,
		.detail = detail,
		.yes = yes,
		.arg = arg,
	};

	return ui_push(ui, &screen_confirm, &c);
}

const struct screen screen_confirm = {
	.name = "confirm",
	.actions = confirm_actions,
	.open = confirm_open,
	.close = confirm_close,
	.draw = confirm_draw,
	.action = confirm_action,
	.overlay = 1,
};
