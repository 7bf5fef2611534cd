/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The form engine behind enrolment and change requests: one line editor
 * per row, with its label, a required marker, its purpose and, once
 * left, its validation message beside it.  Validation here only says
 * early what the store will say on save.  What a form holds (the typed
 * text, the values it was opened with) lives in guarded memory: the
 * screens keep a half-filled form over an idle lock, and it is wiped
 * when they are closed (another operator's login, quitting).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "form.h"

#define ROWS_PER_FIELD	2

struct uform *
uform_new(const char *title)
{
	struct uform	*f = xcalloc(1, sizeof *f);

	f->title = xstrdup(title);
	f->choice = -1;
	return f;
}

void
uform_free(struct uform *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		le_free(f->rows[i].ed);
		free(f->rows[i].label);
		free(f->rows[i].purpose);
		if (f->rows[i].initial != NULL)
			secure_free(f->rows[i].initial);
		free(f->rows[i].msg);
	}
	free(f->rows);
	free(f->title);
	free(f);
}

size_t
uform_add(struct uform *f, const struct field_spec *spec, const char *label,
    const char *purpose, int required, int width, size_t max,
    const char *initial)
{
	struct uform_row	*r;
	char			*v;
	size_t			 len;

	f->rows = xreallocarray(f->rows, f->n + 1, sizeof *f->rows);
	r = &f->rows[f->n];
	memset(r, 0, sizeof *r);
	r->spec = spec;
	if (spec != NULL) {
		label = form_text(&spec->label);
		if (purpose == NULL)
			purpose = form_text(&spec->purpose);
		required = spec->required;
		width = spec->width;
		max = (size_t)field_max_len(spec);
	}
	r->label = xstrdup(label);
	r->purpose = xstrdup(purpose != NULL ? purpose : "");
	r->required = required;
	r->width = width;
	r->ed = le_new_guarded(max);
	if (initial != NULL) {
		le_set_utf8(r->ed, initial, strlen(initial));
		/* What was cut to fit is a change the operator did not make:
		 * compare against what the field holds. */
		v = le_get_utf8(r->ed);
		len = strlen(v) + 1;
		r->initial = secure_alloc(len);
		memcpy(r->initial, v, len);
		xfree_wipe(v);
	}
	return f->n++;
}

char *
uform_value(const struct uform *f, size_t i)
{
	return le_get_utf8(f->rows[i].ed);
}

struct field_input *
uform_inputs(const struct uform *f, int changed_only, size_t *n)
{
	struct field_input	*in = xcalloc(f->n + 1, sizeof *in);
	size_t			 i;

	*n = 0;
	for (i = 0; i < f->n; i++) {
		if (f->rows[i].spec == NULL ||
		    (changed_only && !uform_changed(f, i)))
			continue;
		in[*n].key = f->rows[i].spec->key;
		in[*n].value = uform_value(f, i);
		(*n)++;
	}
	return in;
}

void
uform_inputs_free(struct field_input *in, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		xfree_wipe((char *)(uintptr_t)in[i].value);
	free(in);
}

int
uform_changed(const struct uform *f, size_t i)
{
	char	*v = uform_value(f, i);
	int	 changed;

	changed = strcmp(v, f->rows[i].initial != NULL ?
	    f->rows[i].initial : "") != 0;
	xfree_wipe(v);
	return changed;
}

int
uform_dirty(const struct uform *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		if (uform_changed(f, i))
			return 1;
	}
	return f->choice >= 0;
}

int
uform_check(struct ui *ui, struct uform *f, size_t i)
{
	struct uform_row	*r = &f->rows[i];
	struct validate_ctx	 vctx;
	char			*value, *norm = NULL, *cause = NULL;
	int			 rc = XJ_OK;

	value = uform_value(f, i);
	if ((r->initial != NULL && !uform_changed(f, i)) ||
	    (r->blank_keeps && *value == '\0'))
		;	/* not sent, so not checked */
	else if (r->spec != NULL) {
		vctx.now = xj_now();
		vctx.age_min_years = (int)ui->s->cfg->age_min_years;
		vctx.age_max_years = (int)ui->s->cfg->age_max_years;
		rc = field_validate(r->spec, value, strcmp(r->spec->key,
		    "birth_month") == 0 ? &vctx : NULL, &norm, &cause);
	} else if (r->required && *value == '\0')
		rc = xj_fail(&cause, XJ_EDATA, _("%s is required"), r->label);
	xfree_wipe(value);
	xfree_wipe(norm);
	free(r->msg);
	r->msg = rc == XJ_OK ? NULL : cause;
	if (rc == XJ_OK)
		free(cause);
	return rc;
}

int
uform_check_all(struct ui *ui, struct uform *f)
{
	size_t	i, bad = f->n;

	for (i = 0; i < f->n; i++) {
		if (uform_check(ui, f, i) != XJ_OK && bad == f->n)
			bad = i;
	}
	if (bad == f->n)
		return 0;
	f->focus = bad;
	ui_message(ui, 1, "%s", f->rows[bad].msg);
	return -1;
}

/* The rows the fields may use, and so how many fit. */
static size_t
fields_fit(const struct ui *ui)
{
	int	rows = ui->rows - 8;

	return rows > ROWS_PER_FIELD ? (size_t)(rows / ROWS_PER_FIELD) : 1;
}

/* The last focus stop: the chooser if there is one. */
static size_t
last_stop(const struct uform *f)
{
	return f->choice_label != NULL || f->n == 0 ? f->n : f->n - 1;
}

static void
draw_choice(struct ui *ui, struct uform *f, int row, int col)
{
	char	*item;
	size_t	 i;
	int	 c = col;

	xasprintf(&item, "* %s", f->choice_label);
	ui_text(ui, row, 2, col - 3, item, STYLE_NORMAL);
	free(item);
	for (i = 0; i < f->nchoices; i++) {
		/* The choice is marked with [x], not by colour alone. */
		xasprintf(&item, "[%s] %s", (int)i == f->choice ? "x" : " ",
		    form_text(&f->choices[i].label));
		c += ui_text(ui, row, c, ui->cols - c, item,
		    f->focus == f->n && (int)i == f->choice ? STYLE_FOCUS :
		    STYLE_NORMAL) + 2;
		free(item);
	}
	ui_text(ui, row + 1, col, ui->cols - col - 2, f->focus == f->n ?
	    _("Left/Right or Space to choose how the guardian agreed") :
	    _("Recorded with the enrolment: how the guardian agreed"),
	    STYLE_DIM);
	if (f->focus == f->n) {
		ui->cursor_row = row;
		ui->cursor_col = col;
	}
}

void
uform_draw(struct ui *ui, struct uform *f, const char *footer)
{
	struct uform_row	*r;
	size_t			 i, fit = fields_fit(ui);
	int			 row = 2, lw = 0, col, width, w;
	char			*label;

	ui_title(ui, f->title);
	if (f->choice_label != NULL)
		lw = utf8_width(f->choice_label);
	for (i = 0; i < f->n; i++) {
		w = utf8_width(f->rows[i].label);
		if (w > lw)
			lw = w;
	}
	col = lw + 6;
	if (f->focus < f->top)
		f->top = f->focus;
	if (f->focus >= f->top + fit)
		f->top = f->focus - fit + 1;

	for (i = f->top; i < f->n && i < f->top + fit; i++) {
		r = &f->rows[i];
		xasprintf(&label, "%s %s", r->required && !r->blank_keeps ?
		    "*" : " ", r->label);
		ui_text(ui, row, 2, lw + 3, label, STYLE_NORMAL);
		free(label);
		width = r->width + 1 < ui->cols - col - 2 ? r->width + 1 :
		    ui->cols - col - 2;
		ui_text(ui, row + 1, col, ui->cols - col - 2, r->msg != NULL ?
		    r->msg : r->purpose, r->msg != NULL ? STYLE_ERROR :
		    STYLE_DIM);
		ui_field(ui, row, col, width, r->ed, f->focus == i, 0);
		row += ROWS_PER_FIELD;
	}
	if (f->choice_label != NULL && f->n < f->top + fit)
		draw_choice(ui, f, row, col);
	ui_text(ui, ui->rows - 4, 2, ui->cols - 4, footer, STYLE_DIM);
}

int
uform_next(struct ui *ui, struct uform *f)
{
	if (f->focus >= last_stop(f))
		return 1;
	if (f->focus < f->n)
		uform_check(ui, f, f->focus);
	f->focus++;
	return 0;
}

void
uform_prev(struct ui *ui, struct uform *f)
{
	if (f->focus < f->n)
		uform_check(ui, f, f->focus);
	if (f->focus > 0)
		f->focus--;
}

int
uform_text(struct ui *ui, struct uform *f, const wchar_t *s, size_t n)
{
	if (f->focus == f->n) {
		/* Space chooses the next one. */
		if (n == 1 && s[0] == L' ' && f->nchoices > 0)
			f->choice = (f->choice + 1) % (int)f->nchoices;
		return UI_HANDLED;
	}
	ui_field_insert(ui, f->rows[f->focus].ed, s, n);
	return UI_HANDLED;
}

int
uform_edit(struct uform *f, int key)
{
	int	n = (int)f->nchoices;

	if (f->focus < f->n) {
		if (!ui_field_key(f->rows[f->focus].ed, key))
			beep();
		return UI_HANDLED;
	}
	if (n == 0)
		return UI_HANDLED;
	if (key == KEY_RIGHT)
		f->choice = (f->choice + 1) % n;
	else if (key == KEY_LEFT)
		f->choice = f->choice <= 0 ? n - 1 : f->choice - 1;
	return UI_HANDLED;
}

int
uform_click(struct ui *ui, struct uform *f, int row)
{
	size_t	i;

	if (row < 2)
		return 0;
	i = f->top + (size_t)((row - 2) / ROWS_PER_FIELD);
	if (i > last_stop(f) || i >= f->top + fields_fit(ui))
		return 0;
	if (f->focus < f->n && f->focus != i)
		uform_check(ui, f, f->focus);
	f->focus = i;
	return UI_HANDLED;
}

int
uform_screen_text(struct ui *ui, void *p, const wchar_t *s, size_t n)
{
	return uform_text(ui, *(struct uform **)p, s, n);
}

int
uform_screen_edit(struct ui *ui, void *p, int key)
{
	(void)ui;
	return uform_edit(*(struct uform **)p, key);
}

int
uform_screen_click(struct ui *ui, void *p, int row, int col, int twice)
{
	(void)col;
	(void)twice;
	return uform_click(ui, *(struct uform **)p, row);
}

int
uform_screen_dirty(void *p)
{
	return uform_dirty(*(struct uform **)p);
}
