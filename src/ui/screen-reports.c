/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The five reports (report.view) as the command line prints them
 * (report_lines, REPORT_TEXT), one at a time: 1-5 or Left and Right
 * switch, the arrows scroll.  A report is made when it is first shown
 * and kept while the screen is open, so switching back and forth logs
 * each report once.  It follows the branch: when what the reports count
 * changes at another terminal (store_report_stamp, which leaves out the
 * log, so two open reports screens do not remake each other's), the
 * report shown is made again, scrolled where it was, and the others
 * when next shown.  From the destruction report, F6 opens the
 * destruction records themselves.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "xueji/report.h"
#include "xueji/session.h"
#include "ui.h"

#define TEXT_TOP	2

struct reports {
	enum report_kind	 kind;
	char			**lines[REPORT_KINDS];
	size_t			 n[REPORT_KINDS];
	int			 made[REPORT_KINDS];
	size_t			 top;
	int64_t			 stamp;		/* store_report_stamp() */
};

static const enum action reports_actions[] = {
	ACT_DESTRUCTIONS, ACT_REPORT_STATUS, ACT_REPORT_COMPLETENESS,
	ACT_REPORT_PENDING, ACT_REPORT_REVIEWS, ACT_REPORT_DESTRUCTION,
	ACT_BACK, ACT_HELP, ACT_LIST_PREV, ACT_LIST_NEXT, ACT_UP, ACT_DOWN,
	ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static int
text_rows(const struct ui *ui)
{
	return ui->rows - TEXT_TOP - 3;
}

/* Make report k unless it is made already (each making is logged). */
static void
make(struct ui *ui, struct reports *r, enum report_kind k)
{
	struct report	*rep = NULL;
	char		*cause = NULL;

	if (r->made[k])
		return;
	if (store_report(ui->s->st, k, xj_now(), &rep, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return;
	}
	r->lines[k] = report_lines(rep, REPORT_TEXT, &r->n[k]);
	r->made[k] = 1;
	report_free(rep);
}

static void
show(struct ui *ui, struct reports *r, enum report_kind k)
{
	r->kind = k;
	r->top = 0;
	make(ui, r, k);
}

/* What the reports count changed elsewhere (or ^L): make them again. */
static int
reports_reread(struct ui *ui, void *p, int forced)
{
	struct reports	*r = p;
	int64_t		 stamp;
	int		 k;

	if (store_report_stamp(ui->s->st, &stamp, NULL) != XJ_OK ||
	    (!forced && stamp == r->stamp))
		return 0;
	r->stamp = stamp;
	for (k = 0; k < REPORT_KINDS; k++) {
		if (r->made[k])
			report_lines_free(r->lines[k], r->n[k]);
		r->made[k] = 0;
		r->n[k] = 0;
	}
	make(ui, r, r->kind);
	if (r->top >= r->n[r->kind])
		r->top = r->n[r->kind] > 0 ? r->n[r->kind] - 1 : 0;
	if (!forced)
		ui_message(ui, 0, "%s", _("The branch changed at another "
		    "terminal; the report is made again as it is now."));
	return UI_REDRAW;
}

static void *
reports_open(struct ui *ui, void *arg)
{
	struct reports	*r = xcalloc(1, sizeof *r);

	(void)arg;
	store_report_stamp(ui->s->st, &r->stamp, NULL);
	show(ui, r, REPORT_STATUS);
	return r;
}

static void
reports_close(void *p)
{
	struct reports	*r = p;
	int		 k;

	for (k = 0; k < REPORT_KINDS; k++) {
		if (r->made[k])
			report_lines_free(r->lines[k], r->n[k]);
	}
	free(r);
}

static void
reports_draw(struct ui *ui, void *p)
{
	struct reports	*r = p;
	char		*title;
	size_t		 i, n = r->n[r->kind];
	int		 rows = text_rows(ui), k, col;
	enum action	 a;

	xasprintf(&title, _("Reports · %d/%d %s"), (int)r->kind + 1,
	    REPORT_KINDS, report_label(r->kind));
	ui_title(ui, title);
	free(title);
	/* The reports by their keys, as the archive shows its lists. */
	for (k = 0, col = 1; k < REPORT_KINDS; k++) {
		a = (enum action)(ACT_REPORT_STATUS + k);
		xasprintf(&title, "%s %s", action_key_label(a),
		    _(action_table[a].label));
		col += ui_tab(ui, 1, col, title, k == (int)r->kind);
		free(title);
	}
	if (!r->made[r->kind])
		return;
	for (i = r->top; i < n && i < r->top + (size_t)rows; i++)
		ui_text(ui, TEXT_TOP + (int)(i - r->top), 2, ui->cols - 4,
		    r->lines[r->kind][i], STYLE_NORMAL);
	if (r->top + (size_t)rows < n)
		ui_text(ui, TEXT_TOP + rows, ui->cols - 12, 12, _("more ↓"),
		    STYLE_DIM);
}

/* The reports' keys are their tabs: the key bar need not repeat them. */
static int
reports_lists(enum action a)
{
	return a >= ACT_REPORT_STATUS && a <= ACT_REPORT_DESTRUCTION;
}

static int
reports_action(struct ui *ui, void *p, enum action a)
{
	struct reports	*r = p;
	size_t		 n = r->n[r->kind], page = (size_t)text_rows(ui), last;

	last = n > page ? n - page : 0;
	switch (a) {
	case ACT_REPORT_STATUS:
	case ACT_REPORT_COMPLETENESS:
	case ACT_REPORT_PENDING:
	case ACT_REPORT_REVIEWS:
	case ACT_REPORT_DESTRUCTION:
		show(ui, r, (enum report_kind)(a - ACT_REPORT_STATUS));
		return UI_HANDLED;
	case ACT_LIST_PREV:
		show(ui, r, (enum report_kind)((r->kind + REPORT_KINDS - 1) %
		    REPORT_KINDS));
		return UI_HANDLED;
	case ACT_LIST_NEXT:
		show(ui, r, (enum report_kind)((r->kind + 1) % REPORT_KINDS));
		return UI_HANDLED;
	case ACT_UP:
		if (r->top > 0)
			r->top--;
		return UI_HANDLED;
	case ACT_DOWN:
		if (r->top < last)
			r->top++;
		return UI_HANDLED;
	case ACT_PAGE_UP:
		r->top = r->top > page ? r->top - page : 0;
		return UI_HANDLED;
	case ACT_PAGE_DOWN:
		r->top = r->top + page < last ? r->top + page : last;
		return UI_HANDLED;
	case ACT_DESTRUCTIONS:
		return ui_push(ui, &screen_destructions, NULL);
	default:
		return 0;
	}
}

/* The destruction records belong with the destruction report. */
static int
reports_offers(struct ui *ui, void *p, enum action a)
{
	(void)ui;
	if (a == ACT_DESTRUCTIONS)
		return ((struct reports *)p)->kind == REPORT_DESTRUCTION;
	return 1;
}

const struct screen screen_reports = {
	.name = "reports",
	.actions = reports_actions,
	.open = reports_open,
	.close = reports_close,
	.draw = reports_draw,
	.action = reports_action,
	.offers = reports_offers,
	.lists = reports_lists,
	.reread = reports_reread,
};
