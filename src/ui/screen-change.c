/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A change request for one record, on the enrolment's form engine: each
 * field pre-filled with what the operator sees, then the reason and the
 * supporting document seen.  Only the fields whose text was changed are
 * sent.  A value the operator sees masked (a phone without
 * student.phone) or covered (a sensitive field not revealed) starts
 * empty, never as the mask: empty leaves it unchanged.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "form.h"

struct change {
	struct uform		*f;	/* first: see uform_screen_text */
	char			*number;
	size_t			 reason, evidence;	/* rows */
	struct opened_for	 back;
};

static const enum action change_actions[] = {
	ACT_FILE, ACT_NEXT, ACT_PREV, ACT_BACK, ACT_HELP, ACT_LOCK,
	ACT_REDRAW, ACT_NONE
};

/* Whether the operator sees field f of this record only masked. */
static int
masked(const struct ui *ui, const struct field_spec *f, int revealed)
{
	if (f->sensitivity == SENS_SENSITIVE && !revealed)
		return 1;
	return f->type == FIELD_PHONE &&
	    !policy_allows(ui->s->op, PERM_STUDENT_PHONE);
}

static void *
change_open(struct ui *ui, void *arg)
{
	const struct change_arg	*ca = arg;
	const struct form_spec	*form = ui->s->form;
	const struct field_spec	*f;
	struct change		*c = xcalloc(1, sizeof *c);
	const char		*v;
	char			*title, *purpose;
	size_t			 i, row;

	c->number = xstrdup(ca->st->number);
	c->back = ca->back;
	xasprintf(&title, _("Change request for %s"), c->number);
	c->f = uform_new(title);
	free(title);
	for (i = 0; i < form->nfields; i++) {
		f = &form->fields[i];
		/* A field the role may not see is not the role's to change. */
		if (f->sensitivity == SENS_SENSITIVE &&
		    !policy_allows(ui->s->op, PERM_STUDENT_SENSITIVE))
			continue;
		v = student_value(ca->st, f->key);
		if (masked(ui, f, ca->revealed)) {
			/* Never the mask as a value: it would be sent. */
			if (v != NULL && f->sensitivity != SENS_SENSITIVE)
				xasprintf(&purpose, _("Now %s: unchanged unless "
				    "you type a new one"), v);
			else
				purpose = xstrdup(_("Hidden: unchanged unless "
				    "you type a new value"));
			row = uform_add(c->f, f, NULL, purpose, 0, 0, 0, NULL);
			c->f->rows[row].blank_keeps = 1;
			free(purpose);
		} else
			uform_add(c->f, f, NULL, NULL, 0, 0, 0,
			    v != NULL ? v : "");
	}
	c->reason = uform_add(c->f, NULL, _("Reason"), _("Why it changes, "
	    "e.g. the name was misspelt"), 1, 40, 200, NULL);
	c->evidence = uform_add(c->f, NULL, _("Document seen"), _("Optional: "
	    "the supporting document, e.g. 户口本, birth certificate"), 0, 40,
	    200, NULL);
	return c;
}

static void
change_close(void *p)
{
	struct change	*c = p;

	uform_free(c->f);
	free(c->number);
	free(c);
}

static void
change_draw(struct ui *ui, void *p)
{
	uform_draw(ui, ((struct change *)p)->f, _("* required.  Correct what "
	    "is wrong, give a reason; F2 or ^S files it."));
}

/* File the request: only the changed fields go; a supervisor decides. */
static int
file_request(struct ui *ui, struct change *c)
{
	struct field_input	*in;
	char			*reason, *evidence, *cause = NULL;
	int64_t			 id;
	size_t			 n;
	int			 rc;

	if (uform_check_all(ui, c->f) != 0)
		return UI_HANDLED;
	in = uform_inputs(c->f, 1, &n);
	if (n == 0) {
		uform_inputs_free(in, n);
		c->f->focus = 0;
		ui_message(ui, 1, "%s", _("Nothing is changed yet: type the "
		    "new value of a field first."));
		return UI_HANDLED;
	}
	reason = uform_value(c->f, c->reason);
	evidence = uform_value(c->f, c->evidence);
	rc = store_change_request(ui->s->st, c->number, in, n, reason,
	    evidence, &id, &cause);
	uform_inputs_free(in, n);
	xfree_wipe(reason);
	xfree_wipe(evidence);
	if (rc != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return UI_HANDLED;
	}
	ui_message(ui, 0, _("Request %" PRId64 " filed"), id);
	ui->after = c->back.done;
	ui->after_arg = c->back.arg;
	return UI_POP;
}

static int
change_action(struct ui *ui, void *p, enum action a)
{
	struct change	*c = p;

	switch (a) {
	case ACT_NEXT:
		if (uform_next(ui, c->f))
			return file_request(ui, c);
		return UI_HANDLED;
	case ACT_PREV:
		uform_prev(ui, c->f);
		return UI_HANDLED;
	case ACT_FILE:
		return file_request(ui, c);
	default:
		return 0;
	}
}

const struct screen screen_change = {
	.name = "change",
	.actions = change_actions,
	.open = change_open,
	.close = change_close,
	.draw = change_draw,
	.action = change_action,
	.text = uform_screen_text,
	.edit = uform_screen_edit,
	.dirty = uform_screen_dirty,
	.click = uform_screen_click,
};
