/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The destruction records, oldest first: which student number, when and
 * why.  They hold no personal data and are kept for good, to show that
 * (and when, why and by whom) a child's data were destroyed.  Enter opens
 * the certificate.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "ui.h"

#define LIST_TOP	4

struct item {
	int64_t		 id;
	char		*number;
	time_t		 executed_at;
	const char	*reason;	/* a static label */
	char		*approved_by;
};

struct destructions {
	struct item	*v;
	size_t		 n, sel, top;
};

static const enum action destructions_actions[] = {
	ACT_OPEN, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK,
	ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 3;
}

static void
clear_items(struct destructions *ds)
{
	size_t	i;

	for (i = 0; i < ds->n; i++) {
		free(ds->v[i].number);
		free(ds->v[i].approved_by);
	}
	free(ds->v);
	ds->v = NULL;
	ds->n = 0;
}

static int
collect(const struct destruction *d, void *arg)
{
	struct destructions	*ds = arg;
	struct item		*it;

	ds->v = xreallocarray(ds->v, ds->n + 1, sizeof *ds->v);
	it = &ds->v[ds->n++];
	it->id = d->id;
	it->number = xstrdup(d->number);
	it->executed_at = d->executed_at;
	it->reason = destroy_reason_label(d->reason);
	it->approved_by = xstrdup(d->approved_by);
	return 0;
}

static void
load(struct ui *ui, struct destructions *ds)
{
	char	*cause = NULL;

	clear_items(ds);
	if (store_destructions(ui->s->st, collect, ds, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	if (ds->sel >= ds->n)
		ds->sel = ds->n > 0 ? ds->n - 1 : 0;
}

static void *
destructions_open(struct ui *ui, void *arg)
{
	struct destructions	*ds = xcalloc(1, sizeof *ds);

	(void)arg;
	load(ui, ds);
	return ds;
}

static void
destructions_close(void *p)
{
	clear_items(p);
	free(p);
}

static void
destructions_draw(struct ui *ui, void *p)
{
	struct destructions	*ds = p;
	const struct item	*it;
	enum ui_style		 st;
	char			*line, *who, id[24], date[32];
	int			 rows = list_rows(ui), row, col;
	size_t			 i;

	ui_title(ui, _("Destruction records"));
	ui_text(ui, 1, 2, ui->cols - 4, _("Kept for good; they hold no "
	    "personal data.  Enter opens the certificate."), STYLE_DIM);
	xasprintf(&line, ds->n == 1 ? _("%zu record") : _("%zu records"),
	    ds->n);
	ui_text(ui, 2, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	ui_text(ui, 3, 2, ui->cols - 4, _("No.    Student          Destroyed   "
	    "Approved by          Why"), STYLE_DIM);
	if (ds->n == 0) {
		ui_text(ui, LIST_TOP + 1, 4, ui->cols - 8, _("No record has "
		    "been destroyed."), STYLE_NORMAL);
		return;
	}
	ui_list_scroll(&ds->top, ds->sel, rows);
	for (i = ds->top; i < ds->n && i < ds->top + (size_t)rows; i++) {
		it = &ds->v[i];
		row = LIST_TOP + (int)(i - ds->top);
		st = i == ds->sel ? STYLE_SELECT : STYLE_NORMAL;
		if (i == ds->sel)
			ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
		ui_text(ui, row, 0, 2, i == ds->sel ? ">" : " ", st);
		col = 2;
		snprintf(id, sizeof id, "%" PRId64, it->id);
		ui_text(ui, row, col, 6, id, st);
		col += 7;
		ui_text(ui, row, col, 16, it->number, st);
		col += 17;
		xj_dayfmt(it->executed_at, date, sizeof date);
		ui_text(ui, row, col, 10, date, st);
		col += 12;
		who = policy_who(ui->s->pol, it->approved_by);
		ui_text(ui, row, col, 20, who, st);
		free(who);
		col += 21;
		ui_text(ui, row, col, ui->cols - col, it->reason, st);
	}
}

static int
destructions_action(struct ui *ui, void *p, enum action a)
{
	struct destructions	*ds = p;
	struct certificate_arg	 ca;
	size_t			 page = (size_t)(list_rows(ui) > 1 ?
				     list_rows(ui) - 1 : 1);

	if (ui_list_move(&ds->sel, ds->n, page, a))
		return UI_HANDLED;
	if (a != ACT_OPEN || ds->n == 0)
		return a == ACT_OPEN ? UI_HANDLED : 0;
	memset(&ca, 0, sizeof ca);
	ca.id = ds->v[ds->sel].id;
	return ui_push(ui, &screen_certificate, &ca);
}

static int
destructions_reread(struct ui *ui, void *p, int forced)
{
	struct destructions	*ds = p;

	(void)forced;
	load(ui, ds);
	return UI_REDRAW;
}

static int
destructions_click(struct ui *ui, void *p, int row, int col, int twice)
{
	struct destructions	*ds = p;
	size_t			 i;

	(void)col;
	if (row < LIST_TOP || row >= LIST_TOP + list_rows(ui))
		return 0;
	i = ds->top + (size_t)(row - LIST_TOP);
	if (i >= ds->n)
		return 0;
	ds->sel = i;
	return twice ? destructions_action(ui, ds, ACT_OPEN) : UI_HANDLED;
}

const struct screen screen_destructions = {
	.name = "destructions",
	.actions = destructions_actions,
	.open = destructions_open,
	.close = destructions_close,
	.draw = destructions_draw,
	.action = destructions_action,
	.reread = destructions_reread,
	.click = destructions_click,
};
