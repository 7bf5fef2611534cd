/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Enrolment, drawn from the form spec: one line editor per field, with
 * its label, a required marker, its purpose and, once left, its
 * validation message beside it; then how the guardian gave consent.
 * Adding a field to forms/enrollment.yaml adds it here.  The store
 * validates again on save: this screen only says it early.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "ui.h"

#define ROWS_PER_FIELD	2

struct enrol {
	const struct form_spec	 *form;
	struct lineedit		**ed;		/* one per form field */
	char			**msg;		/* validation message or NULL */
	size_t			  n;
	size_t			  focus;	/* n: the consent chooser */
	int			  consent;	/* index into form->consent, -1 */
	size_t			  top;		/* first field drawn */
	char			 *dup;		/* a likely duplicate's number */
};

static const enum action enrol_actions[] = {
	ACT_SAVE, ACT_NEXT, ACT_PREV, ACT_BACK, ACT_HELP, ACT_LOCK,
	ACT_REDRAW, ACT_NONE
};

static void *
enrol_open(struct ui *ui, void *arg)
{
	struct enrol	*e = xcalloc(1, sizeof *e);
	size_t		 i;

	(void)arg;
	e->form = ui->s->form;
	e->n = e->form->nfields;
	e->ed = xcalloc(e->n, sizeof *e->ed);
	e->msg = xcalloc(e->n, sizeof *e->msg);
	for (i = 0; i < e->n; i++)
		e->ed[i] = le_new((size_t)field_max_len(&e->form->fields[i]));
	e->consent = -1;
	return e;
}

static void
enrol_close(void *p)
{
	struct enrol	*e = p;
	size_t		 i;

	for (i = 0; i < e->n; i++) {
		le_free(e->ed[i]);
		free(e->msg[i]);
	}
	free(e->ed);
	free(e->msg);
	free(e->dup);
	free(e);
}

static int
enrol_dirty(void *p)
{
	struct enrol	*e = p;
	size_t		 i;

	for (i = 0; i < e->n; i++) {
		if (le_len(e->ed[i]) > 0)
			return 1;
	}
	return e->consent >= 0;
}

/* Check field i as the store will, keeping the message for display. */
static int
check_field(struct ui *ui, struct enrol *e, size_t i)
{
	struct validate_ctx	 vctx;
	char			*value, *norm = NULL, *cause = NULL;
	int			 rc;

	vctx.now = xj_now();
	vctx.age_min_years = (int)ui->s->cfg->age_min_years;
	vctx.age_max_years = (int)ui->s->cfg->age_max_years;
	value = le_get_utf8(e->ed[i]);
	rc = field_validate(&e->form->fields[i], value,
	    strcmp(e->form->fields[i].key, "birth_month") == 0 ? &vctx : NULL,
	    &norm, &cause);
	xfree_wipe(value);
	xfree_wipe(norm);
	free(e->msg[i]);
	e->msg[i] = rc == XJ_OK ? NULL : cause;
	if (rc == XJ_OK)
		free(cause);
	return rc;
}

/* The rows the fields may use, and so how many fit. */
static size_t
fields_fit(const struct ui *ui)
{
	int	rows = ui->rows - 8;

	return rows > ROWS_PER_FIELD ? (size_t)(rows / ROWS_PER_FIELD) : 1;
}

static void
draw_consent(struct ui *ui, struct enrol *e, int row, int col)
{
	const struct form_spec	*f = e->form;
	char			*item;
	size_t			 i;
	int			 c = col;

	xasprintf(&item, "* %s", _("Guardian's consent"));
	ui_text(ui, row, 2, col - 3, item, STYLE_NORMAL);
	free(item);
	for (i = 0; i < f->nconsent; i++) {
		/* The choice is marked with [x], not by colour alone. */
		xasprintf(&item, "[%s] %s", (int)i == e->consent ? "x" : " ",
		    form_text(&f->consent[i].label));
		c += ui_text(ui, row, c, ui->cols - c, item,
		    e->focus == e->n && (int)i == e->consent ? STYLE_FOCUS :
		    STYLE_NORMAL) + 2;
		free(item);
	}
	ui_text(ui, row + 1, col, ui->cols - col - 2, e->focus == e->n ?
	    _("Left/Right or Space to choose how the guardian agreed") :
	    _("Recorded with the enrolment: how the guardian agreed"),
	    STYLE_DIM);
	if (e->focus == e->n) {
		ui->cursor_row = row;
		ui->cursor_col = col;
	}
}

static void
enrol_draw(struct ui *ui, void *p)
{
	struct enrol		*e = p;
	const struct field_spec	*f;
	size_t			 i, fit = fields_fit(ui);
	int			 row = 2, lw = 0, col, width, w;
	char			*label;

	ui_title(ui, form_text(&e->form->title));
	lw = utf8_width(_("Guardian's consent"));
	for (i = 0; i < e->n; i++) {
		w = utf8_width(form_text(&e->form->fields[i].label));
		if (w > lw)
			lw = w;
	}
	col = lw + 6;
	if (e->focus < e->top)
		e->top = e->focus;
	if (e->focus < e->n && e->focus >= e->top + fit)
		e->top = e->focus - fit + 1;
	if (e->focus == e->n && e->n >= e->top + fit)
		e->top = e->n - fit + 1;

	for (i = e->top; i < e->n && i < e->top + fit; i++) {
		f = &e->form->fields[i];
		xasprintf(&label, "%s %s", f->required ? "*" : " ",
		    form_text(&f->label));
		ui_text(ui, row, 2, lw + 3, label, STYLE_NORMAL);
		free(label);
		width = f->width + 1 < ui->cols - col - 2 ? f->width + 1 :
		    ui->cols - col - 2;
		if (e->msg[i] != NULL)
			ui_text(ui, row + 1, col, ui->cols - col - 2,
			    e->msg[i], STYLE_ERROR);
		else
			ui_text(ui, row + 1, col, ui->cols - col - 2,
			    form_text(&f->purpose), STYLE_DIM);
		ui_field(ui, row, col, width, e->ed[i], e->focus == i, 0);
		row += ROWS_PER_FIELD;
	}
	if (e->n < e->top + fit)
		draw_consent(ui, e, row, col);
	ui_text(ui, ui->rows - 4, 2, ui->cols - 4, _("* required.  F2 or ^S "
	    "saves; Esc leaves."), STYLE_DIM);
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
	struct field_input	*in;
	struct enrolment	 en;
	struct student		*old = NULL;
	struct confirm		 c;
	char			*number = NULL, *dup = NULL, *cause = NULL;
	char			*detail;
	size_t			 i, bad = e->n + 1;
	int			 rc;

	for (i = 0; i < e->n; i++) {
		if (check_field(ui, e, i) != XJ_OK && bad > e->n)
			bad = i;
	}
	if (bad <= e->n) {
		e->focus = bad;
		ui_message(ui, 1, "%s", e->msg[bad]);
		return UI_HANDLED;
	}
	if (e->consent < 0) {
		e->focus = e->n;
		ui_message(ui, 1, "%s", _("Record how the guardian gave consent "
		    "before saving."));
		return UI_HANDLED;
	}
	in = xcalloc(e->n, sizeof *in);
	for (i = 0; i < e->n; i++) {
		in[i].key = e->form->fields[i].key;
		in[i].value = le_get_utf8(e->ed[i]);
	}
	en.values = in;
	en.nvalues = e->n;
	en.consent_method = e->form->consent[e->consent].value;
	en.allow_duplicate = allow_duplicate;
	rc = store_student_add(ui->s->st, &en, &number, &dup, &cause);
	for (i = 0; i < e->n; i++)
		xfree_wipe((char *)(uintptr_t)in[i].value);
	free(in);

	if (rc == XJ_OK) {
		free(dup);
		for (i = 0; i < e->n; i++)
			le_clear(e->ed[i]);
		e->consent = -1;
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
		if (e->focus < e->n) {
			check_field(ui, e, e->focus);
			e->focus++;
		} else
			return save(ui, e, 0);
		return UI_HANDLED;
	case ACT_PREV:
		if (e->focus < e->n)
			check_field(ui, e, e->focus);
		if (e->focus > 0)
			e->focus--;
		return UI_HANDLED;
	case ACT_SAVE:
		return save(ui, e, 0);
	default:
		return 0;
	}
}

static int
enrol_text(struct ui *ui, void *p, const wchar_t *s, size_t n)
{
	struct enrol	*e = p;
	size_t		 i;
	int		 r;

	(void)ui;
	if (e->focus == e->n) {
		/* Space chooses the next consent method. */
		if (n == 1 && s[0] == L' ' && e->form->nconsent > 0)
			e->consent = (e->consent + 1) %
			    (int)e->form->nconsent;
		return UI_HANDLED;
	}
	for (i = 0; i < n; i++) {
		r = le_insert_wc(e->ed[e->focus], s[i]);
		if (r == LE_FULL || r == LE_INVALID) {
			beep();
			break;
		}
	}
	return UI_HANDLED;
}

static int
enrol_edit(struct ui *ui, void *p, int key)
{
	struct enrol	*e = p;
	int		 n = (int)e->form->nconsent;

	(void)ui;
	if (e->focus < e->n) {
		if (!ui_field_key(e->ed[e->focus], key))
			beep();
		return UI_HANDLED;
	}
	if (n == 0)
		return UI_HANDLED;
	if (key == KEY_RIGHT)
		e->consent = (e->consent + 1) % n;
	else if (key == KEY_LEFT)
		e->consent = e->consent <= 0 ? n - 1 : e->consent - 1;
	return UI_HANDLED;
}

static int
enrol_click(struct ui *ui, void *p, int row, int col, int twice)
{
	struct enrol	*e = p;
	size_t		 i;

	(void)col;
	(void)twice;
	if (row < 2)
		return 0;
	i = e->top + (size_t)((row - 2) / ROWS_PER_FIELD);
	if (i > e->n || i >= e->top + fields_fit(ui))
		return 0;
	if (e->focus < e->n && e->focus != i)
		check_field(ui, e, e->focus);
	e->focus = i;
	return UI_HANDLED;
}

const struct screen screen_enrol = {
	.name = "enrol",
	.actions = enrol_actions,
	.open = enrol_open,
	.close = enrol_close,
	.draw = enrol_draw,
	.action = enrol_action,
	.text = enrol_text,
	.edit = enrol_edit,
	.dirty = enrol_dirty,
	.click = enrol_click,
};
