/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One student's record: every field the role may see, the consent, the
 * status, a pending request in words, and under them each field's
 * history (oldest first, so the newest is last).  Opening it is logged
 * by the store.  A field the form marks sensitive stays covered until
 * the operator reveals it, which is logged too.  From here a change is
 * requested.  It does not poll: every reload is a logged read, and two
 * open records would keep each other's data_version moving.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "ui.h"

/* A line of the history: entry e, and whether it is its second line. */
struct hline {
	size_t	e;
	int	second;
};

struct record {
	char		*number;
	struct student	*st;
	int		 revealed;	/* the sensitive fields are shown */
	struct history	*h;
	size_t		 nh;
	struct hline	*lines;
	size_t		 nlines;
	size_t		 top;		/* first history line drawn */
	int		 at_end;	/* keep the newest in view */
};

static const enum action record_actions[] = {
	ACT_BACK, ACT_CHANGE, ACT_REVEAL, ACT_HELP, ACT_LOCK, ACT_UP,
	ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_REDRAW, ACT_NONE
};

/* (Re)read the record and its history; both reads are logged. */
static void
load(struct ui *ui, struct record *r)
{
	char	*cause = NULL;
	size_t	 i;

	student_free(r->st);
	history_free(r->h, r->nh);
	free(r->lines);
	r->st = NULL;
	r->h = NULL;
	r->lines = NULL;
	r->nh = r->nlines = 0;
	if (store_student_get(ui->s->st, r->number, &r->st, &cause) != XJ_OK ||
	    store_history(ui->s->st, r->number, &r->h, &r->nh, &cause) !=
	    XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return;
	}
	/* A change takes two lines: what and when, then who and why. */
	r->lines = xcalloc(2 * r->nh + 1, sizeof *r->lines);
	for (i = 0; i < r->nh; i++) {
		r->lines[r->nlines++].e = i;
		if (r->h[i].request != 0) {
			r->lines[r->nlines].e = i;
			r->lines[r->nlines++].second = 1;
		}
	}
	r->at_end = 1;
}

static int
reload_after(struct ui *ui, void *arg)
{
	load(ui, arg);
	return UI_REDRAW;
}

static void *
record_open(struct ui *ui, void *arg)
{
	struct record	*r = xcalloc(1, sizeof *r);

	r->number = xstrdup(arg);
	load(ui, r);
	return r;
}

static void
record_close(void *p)
{
	struct record	*r = p;

	student_free(r->st);
	history_free(r->h, r->nh);
	free(r->lines);
	free(r->number);
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

static const char *
field_label(const struct ui *ui, const char *key)
{
	const struct field_spec	*f = form_field(ui->s->form, key);

	return f != NULL ? form_text(&f->label) : key;
}

/* A value as this view shows it: sensitive ones covered until revealed. */
static const char *
shown(const struct ui *ui, const struct record *r, const char *key,
    const char *value)
{
	const struct field_spec	*f = form_field(ui->s->form, key);

	if (f != NULL && f->sensitivity == SENS_SENSITIVE && !r->revealed)
		return _("(hidden: F5 to reveal)");
	return value;
}

/* History line l at row: "when  field  value  (at enrolment)", or for
 * a change a second line "request N, asked by X, approved by Y: why". */
static void
draw_hline(struct ui *ui, const struct record *r, size_t l, int row, int lw)
{
	const struct history	*h = &r->h[r->lines[l].e];
	char			 when[32], *line;
	int			 col = 2;

	if (r->lines[l].second) {
		xasprintf(&line, _("request %" PRId64 ", asked by %s, approved "
		    "by %s: %s"), h->request, h->requested_by != NULL ?
		    h->requested_by : "?", h->approved_by != NULL ?
		    h->approved_by : "?", h->reason != NULL ? h->reason : "");
		ui_text(ui, row, 4, ui->cols - 6, line, STYLE_DIM);
		free(line);
		return;
	}
	xj_timefmt(h->at, when, sizeof when);
	col += ui_text(ui, row, col, 16, when, STYLE_DIM) + 2;
	ui_text(ui, row, col, lw, field_label(ui, h->key), STYLE_DIM);
	col += lw;
	ui_text(ui, row, col, 16, shown(ui, r, h->key, h->value),
	    STYLE_NORMAL);
	col += 18;
	if (h->request == 0)
		ui_text(ui, row, col, ui->cols - col - 2, _("(at enrolment)"),
		    STYLE_DIM);
}

/* Rows the history may use from row on. */
static int
history_rows(const struct ui *ui, int row)
{
	return ui->rows - 3 - row;
}

static void
draw_history(struct ui *ui, struct record *r, int row, int lw)
{
	int	rows, i;
	char	*head;

	if (r->nlines == 0 || (rows = history_rows(ui, row + 1)) < 1)
		return;
	if (r->at_end || r->top + (size_t)rows > r->nlines)
		r->top = r->nlines > (size_t)rows ? r->nlines - (size_t)rows :
		    0;
	r->at_end = 0;
	if (r->nlines > (size_t)rows)
		xasprintf(&head, _("History, oldest first (lines %zu-%zu of "
		    "%zu; PgUp/PgDn scroll)"), r->top + 1, r->top +
		    (size_t)rows, r->nlines);
	else
		xasprintf(&head, "%s", _("History, oldest first"));
	ui_text(ui, row++, 2, ui->cols - 4, head, STYLE_NORMAL);
	free(head);
	for (i = 0; i < rows && r->top + (size_t)i < r->nlines; i++)
		draw_hline(ui, r, r->top + (size_t)i, row + i, lw);
}

static void
record_draw(struct ui *ui, void *p)
{
	struct record		*r = p;
	const struct student	*st = r->st;
	char			*line, when[32];
	const char		*label;
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
		label = field_label(ui, st->values[i].key);
		if (utf8_width(label) + 2 > lw)
			lw = utf8_width(label) + 2;
	}
	for (i = 0; i < st->nvalues && row < ui->rows - 6; i++, row++) {
		ui_text(ui, row, 2, lw, field_label(ui, st->values[i].key),
		    STYLE_DIM);
		ui_text(ui, row, 2 + lw, ui->cols - lw - 4, shown(ui, r,
		    st->values[i].key, st->values[i].value), STYLE_NORMAL);
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
	if (st->pending > 0) {
		/* In words: a colour alone would not reach everyone. */
		xasprintf(&line, st->pending == 1 ? _("Pending request: %d "
		    "request waits for a decision") : _("Pending requests: %d "
		    "requests wait for a decision"), st->pending);
		ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_ERROR);
		free(line);
	}
	row++;
	draw_history(ui, r, row, lw);
}

static int
reveal(struct ui *ui, struct record *r)
{
	const struct field_spec *f;
	char		*cause = NULL;
	size_t		 i;

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

static int
record_action(struct ui *ui, void *p, enum action a)
{
	struct record		*r = p;
	struct change_arg	 ca;
	size_t			 page;

	if (r->st == NULL)
		return 0;
	page = (size_t)(ui->rows > 16 ? ui->rows / 3 : 4);
	switch (a) {
	case ACT_REVEAL:
		return reveal(ui, r);
	case ACT_CHANGE:
		memset(&ca, 0, sizeof ca);
		ca.st = r->st;
		ca.revealed = r->revealed;
		ca.back.done = reload_after;
		ca.back.arg = r;
		return ui_push(ui, &screen_change, &ca);
	case ACT_UP:
	case ACT_PAGE_UP:
		page = a == ACT_UP ? 1 : page;
		r->top = r->top > page ? r->top - page : 0;
		return UI_HANDLED;
	case ACT_DOWN:
	case ACT_PAGE_DOWN:
		/* Drawing clamps it to the last page. */
		r->top += a == ACT_DOWN ? 1 : page;
		return UI_HANDLED;
	default:
		return 0;
	}
}

const struct screen screen_record = {
	.name = "record",
	.actions = record_actions,
	.open = record_open,
	.close = record_close,
	.draw = record_draw,
	.action = record_action,
};
