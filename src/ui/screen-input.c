/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A one-line answer drawn over the screen that asks for it: a
 * rejection's note, for instance.  The text goes to the caller only on
 * Enter; Esc drops it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "ui.h"

struct input_state {
	struct input	 in;		/* question and detail copied */
	struct lineedit	*ed;
};

static const enum action input_actions[] = {
	ACT_DONE, ACT_BACK, ACT_HELP, ACT_REDRAW, ACT_NONE
};

static void *
input_open(struct ui *ui, void *arg)
{
	struct input_state	*is = xcalloc(1, sizeof *is);

	(void)ui;
	is->in = *(struct input *)arg;
	is->in.question = xstrdup(is->in.question);
	is->in.detail = is->in.detail != NULL ? xstrdup(is->in.detail) : NULL;
	is->ed = le_new(is->in.max > 0 ? is->in.max : 200);
	return is;
}

static void
input_close(void *p)
{
	struct input_state	*is = p;

	free((void *)(uintptr_t)is->in.question);
	xfree_wipe((char *)(uintptr_t)is->in.detail);
	le_free(is->ed);
	free(is);
}

static void
input_draw(struct ui *ui, void *p)
{
	struct input_state	*is = p;
	int			 w = ui_box_width(ui);
	int			 row = ui_dialog(ui, is->in.question,
				     is->in.detail, 3);

	ui_text(ui, row + 2, UI_BOX_COL, w, is->in.required ?
	    _("Enter: done (required)    Esc: cancel") :
	    _("Enter: done    Esc: cancel"), STYLE_BAR);
	ui_field(ui, row, UI_BOX_COL, w, is->ed, 1, 0);
}

static int
input_action(struct ui *ui, void *p, enum action a)
{
	struct input_state	*is = p;
	char			*text;

	if (a != ACT_DONE)
		return 0;
	text = le_get_utf8(is->ed);
	if (is->in.required && *text == '\0') {
		xfree_wipe(text);
		ui_message(ui, 1, "%s", _("An answer is required here; Esc "
		    "cancels."));
		return UI_HANDLED;
	}
	xfree_wipe(*is->in.out);
	*is->in.out = text;
	ui->after = is->in.done;
	ui->after_arg = is->in.arg;
	return UI_POP;
}

static int
input_text(struct ui *ui, void *p, const wchar_t *s, size_t n)
{
	struct input_state	*is = p;

	ui_field_insert(ui, is->ed, s, n);
	return UI_HANDLED;
}

static int
input_edit(struct ui *ui, void *p, int key)
{
	(void)ui;
	if (!ui_field_key(((struct input_state *)p)->ed, key))
		beep();
	return UI_HANDLED;
}

const struct screen screen_input = {
	.name = "input",
	.actions = input_actions,
	.open = input_open,
	.close = input_close,
	.draw = input_draw,
	.action = input_action,
	.text = input_text,
	.edit = input_edit,
	.overlay = 1,
};
