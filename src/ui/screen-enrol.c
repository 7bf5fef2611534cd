/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Enrolment, drawn from the form spec by the form engine (form.c): one
 * row per field, then how the guardian gave consent.
 * Adding a field to forms/enrollment.yaml adds it here.  The store
 * validates again on save: this screen only says it early.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "form.h"

struct enrol {
	struct uform	*f;		/* first: see uform_screen_text */
	char		*dup;		/* a likely duplicate's number */
};

static const enum action enrol_actions[] = {
	ACT_SAVE, ACT_NEXT, ACT_PREV, ACT_BACK, ACT_HELP, ACT_LOCK,
	ACT_REDRAW, ACT_NONE
};

static void *
enrol_open(struct ui *ui, void *arg)
{
	const struct form_spec	*form = ui->s->form;
	struct enrol		*e = xcalloc(1, sizeof *e);
	size_t			 i;

	(void)arg;
	e->f = uform_new(form_text(&form->title));
	for (i = 0; i < form->nfields; i++)
		uform_add(e->f, &form->fields[i], NULL, NULL, 0, 0, 0, NULL);
	e->f->choice_label = _("Guardian's consent");
	e->f->choices = form->consent;
	e->f->nchoices = form->nconsent;
	return e;
}

static void
enrol_close(void *p)
{
	struct enrol	*e = p;

	uform_free(e->f);
	free(e->dup);
	free(e);
}

static void
enrol_draw(struct ui *ui, void *p)
{
	uform_draw(ui, ((struct enrol *)p)->f, _("* required.  F2 or ^S "
	    "saves; Esc leaves."));
}

static const char *
value_or_blank(const struct student *st, const char *key)
{
	const char	*v = student_value(st, key);

	return v != NULL ? v : "";
}

static int saved_after(struct ui *, void *);
static int dup_yes(struct ui *, void *);
static int dup_no(struct ui *, void *);

/* Save through the store; a likely duplicate asks the operator first. */
static int
save(struct ui *ui, struct enrol *e, int allow_duplicate)
{
	struct uform		*f = e->f;
	struct field_input	*in;
	struct enrolment	 en;
	struct student		*old = NULL;
	struct confirm		 c;
	char			*number = NULL, *dup = NULL, *cause = NULL;
	char			*detail;
	size_t			 i, n;
	int			 rc;

	if (uform_check_all(ui, f) != 0)
		return UI_HANDLED;
	if (f->choice < 0) {
		f->focus = f->n;
		ui_message(ui, 1, "%s", _("Record how the guardian gave consent "
		    "before saving."));
		return UI_HANDLED;
	}
	in = uform_inputs(f, 0, &n);
	en.values = in;
	en.nvalues = n;
	en.consent_method = f->choices[f->choice].value;
	en.allow_duplicate = allow_duplicate;
	rc = store_student_add(ui->s->st, &en, &number, &dup, &cause);
	uform_inputs_free(in, n);

	if (rc == XJ_OK) {
		free(dup);
		for (i = 0; i < f->n; i++)
			le_clear(f->rows[i].ed);
		f->choice = -1;
		ui->after = saved_after;
		ui->after_arg = number;
		return UI_POP;
	}
	if (rc == XJ_EDATA && dup != NULL) {
		/* Show who it looks like, then ask; the answer is logged. */
		free(cause);
		cause = NULL;
		free(e->dup);
		e->dup = dup;
		detail = NULL;
		if (store_student_get(ui->s->st, dup, &old, &cause) == XJ_OK) {
			xasprintf(&detail, "%s  %s  %s  %s", old->number,
			    value_or_blank(old, "name"),
			    value_or_blank(old, "birth_month"),
			    value_or_blank(old, "guardian_phone"));
			student_free(old);
		}
		free(cause);
		memset(&c, 0, sizeof c);
		c.question = _("This looks like a student already enrolled. "
		    "Is this really a different child?");
		c.detail = detail;
		c.yes = dup_yes;
		c.no = dup_no;
		c.arg = e;
		rc = ui_push(ui, &screen_confirm, &c);
		xfree_wipe(detail);
		return rc;
	}
	ui_message(ui, 1, "%s", cause);
	free(cause);
	free(dup);
	return UI_HANDLED;
}

static int
saved_after(struct ui *ui, void *arg)
{
	char	*number = arg;

	ui_push(ui, &screen_number, number);
	free(number);
	return UI_REDRAW;
}

static int
dup_yes(struct ui *ui, void *arg)
{
	return save(ui, arg, 1);
}

static int
dup_no(struct ui *ui, void *arg)
{
	struct enrol	*e = arg;
	char		*cause = NULL;

	if (store_log(ui->s->st, "student.duplicate-declined", e->dup, "",
	    &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return UI_HANDLED;
	}
	ui_message(ui, 0, _("Not saved: the student is %s."), e->dup);
	return UI_HANDLED;
}

static int
enrol_action(struct ui *ui, void *p, enum action a)
{
	struct enrol	*e = p;

	switch (a) {
	case ACT_NEXT:
		if (uform_next(ui, e->f))
			return save(ui, e, 0);
		return UI_HANDLED;
	case ACT_PREV:
		uform_prev(ui, e->f);
		return UI_HANDLED;
	case ACT_SAVE:
		return save(ui, e, 0);
	default:
		return 0;
	}
}

const struct screen screen_enrol = {
	.name = "enrol",
	.actions = enrol_actions,
	.open = enrol_open,
	.close = enrol_close,
	.draw = enrol_draw,
	.action = enrol_action,
	.text = uform_screen_text,
	.edit = uform_screen_edit,
	.dirty = uform_screen_dirty,
	.click = uform_screen_click,
};
