/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One student's record: every field the role may see, the consent, the
 * status and the enrolment.  Opening it is logged by the store.  A field
 * the form marks sensitive stays covered until the operator reveals it,
 * which is logged too.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "ui.h"

struct record {
	struct student	*st;
	int		 revealed;	/* the sensitive fields are shown */
};

static const enum action record_actions[] = {
	ACT_BACK, ACT_REVEAL, ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static void *
record_open(struct ui *ui, void *arg)
{
	struct record	*r = xcalloc(1, sizeof *r);
	char		*cause = NULL;

	if (store_student_get(ui->s->st, arg, &r->st, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	return r;
}

static void
record_close(void *p)
{
	struct record	*r = p;

	student_free(r->st);
	free(r);
}

static int
has_sensitive(const struct ui *ui, const struct student *st)
{
	const struct field_spec	*f;
	size_t			 i;

	for (i = 0; i < st->nvalues; i++) {
		f = form_field(ui->s->form, st->values[i].key);
		if (f != NULL && f->sensitivity == SENS_SENSITIVE)
			return 1;
	}
	return 0;
}

static void
record_draw(struct ui *ui, void *p)
{
	struct record		*r = p;
	const struct student	*st = r->st;
	const struct field_spec	*f;
	char			*line, when[32];
	const char		*label, *value;
	size_t			 i;
	int			 row = 2, lw = 12;

	erase();
	if (st == NULL) {
		ui_title(ui, _("Student record"));
		return;
	}
	xasprintf(&line, _("Student %s"), st->number);
	ui_title(ui, line);
	free(line);
	xasprintf(&line, "[%s]", status_label(st->status));
	ui_text(ui, 0, ui->cols - utf8_width(line) - 1, utf8_width(line),
	    line, STYLE_TITLE);
	free(line);

	for (i = 0; i < st->nvalues; i++) {
		f = form_field(ui->s->form, st->values[i].key);
		if (f != NULL && utf8_width(form_text(&f->label)) + 2 > lw)
			lw = utf8_width(form_text(&f->label)) + 2;
	}
	for (i = 0; i < st->nvalues && row < ui->rows - 6; i++, row++) {
		f = form_field(ui->s->form, st->values[i].key);
		label = f != NULL ? form_text(&f->label) : st->values[i].key;
		value = st->values[i].value;
		if (f != NULL && f->sensitivity == SENS_SENSITIVE &&
		    !r->revealed)
			value = _("(hidden: F5 to reveal)");
		ui_text(ui, row, 2, lw, label, STYLE_DIM);
		ui_text(ui, row, 2 + lw, ui->cols - lw - 4, value,
		    STYLE_NORMAL);
	}
	row++;
	xj_timefmt(st->consent_at, when, sizeof when);
	xasprintf(&line, _("Guardian's consent: %s, %s"),
	    st->consent_method != NULL ? st->consent_method : _("none"),
	    when);
	ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	xj_timefmt(st->enrolled_at, when, sizeof when);
	xasprintf(&line, _("Enrolled %s by %s"), when, st->enrolled_by);
	ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
}

static int
record_action(struct ui *ui, void *p, enum action a)
{
	struct record	*r = p;
	const struct field_spec *f;
	char		*cause = NULL;
	size_t		 i;

	if (a != ACT_REVEAL || r->st == NULL)
		return 0;
	if (!has_sensitive(ui, r->st)) {
		ui_message(ui, 0, "%s", _("This record has no hidden fields."));
		return UI_HANDLED;
	}
	for (i = 0; i < r->st->nvalues; i++) {
		f = form_field(ui->s->form, r->st->values[i].key);
		if (f == NULL || f->sensitivity != SENS_SENSITIVE)
			continue;
		if (store_student_reveal(ui->s->st, r->st->number, f->key,
		    &cause) != XJ_OK) {
			ui_message(ui, 1, "%s", cause);
			free(cause);
			return UI_HANDLED;
		}
	}
	r->revealed = 1;
	return UI_HANDLED;
}

const struct screen screen_record = {
	.name = "record",
	.actions = record_actions,
	.open = record_open,
	.close = record_close,
	.draw = record_draw,
	.action = record_action,
};
