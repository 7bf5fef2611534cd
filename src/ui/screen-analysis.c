/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Access analysis (audit.view) of the last 30 days, in words: what kind
 * of unusual access, by whom, from when to when, how many entries.  The
 * thresholds are the configuration's analysis.* keys; the store does the
 * counting and logs that the analysis was run.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/report.h"
#include "xueji/session.h"
#include "ui.h"

#define LIST_TOP	4
#define WINDOW_DAYS	30

struct analysis {
	struct finding	*v;
	size_t		 n, top;
	time_t		 since;
	int		 ok;
};

static const enum action analysis_actions[] = {
	ACT_BACK, ACT_HELP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_UP, ACT_DOWN,
	ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 3;
}

static void *
analysis_open(struct ui *ui, void *arg)
{
	struct analysis	*a = xcalloc(1, sizeof *a);
	char		*cause = NULL;

	(void)arg;
	a->since = xj_now() - (time_t)WINDOW_DAYS * 86400;
	if (store_analysis(ui->s->st, a->since, 0, &a->v, &a->n, &cause) !=
	    XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	} else
		a->ok = 1;
	return a;
}

static void
analysis_close(void *p)
{
	struct analysis	*a = p;

	findings_free(a->v, a->n);
	free(a);
}

static void
stamp(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
}

static void
analysis_draw(struct ui *ui, void *p)
{
	struct analysis		*a = p;
	const struct finding	*f;
	char			*line, from[24], to[24], since[24];
	size_t			 i;
	int			 row;

	ui_title(ui, _("Access analysis · the last 30 days"));
	xj_dayfmt(a->since, since, sizeof since);
	xasprintf(&line, a->n == 1 ? _("%zu finding since %s; thresholds "
	    "from xueji.yaml (analysis.*).") : _("%zu findings since %s; "
	    "thresholds from xueji.yaml (analysis.*)."), a->n, since);
	ui_text(ui, 1, 2, ui->cols - 4, a->ok ? line : "", STYLE_NORMAL);
	free(line);
	ui_text(ui, 3, 2, ui->cols - 4, _("What                       "
	    "Operator     From         To           Entries"), STYLE_DIM);
	if (a->ok && a->n == 0) {
		ui_text(ui, LIST_TOP + 1, 4, ui->cols - 8, _("Nothing unusual "
		    "in these days."), STYLE_NORMAL);
		return;
	}
	for (i = a->top; i < a->n && i < a->top + (size_t)list_rows(ui);
	    i++) {
		f = &a->v[i];
		row = LIST_TOP + (int)(i - a->top);
		stamp(f->from, from, sizeof from);
		stamp(f->to, to, sizeof to);
		ui_text(ui, row, 2, 26, finding_kind_label(f->kind),
		    STYLE_NORMAL);
		ui_text(ui, row, 29, 12, f->operator, STYLE_NORMAL);
		ui_text(ui, row, 42, 12, from, STYLE_NORMAL);
		if (f->kind == FINDING_REVEAL) {
			/* One entry: where "to" would be, what was shown. */
			xasprintf(&line, "%s · %s", f->target, f->field);
			ui_text(ui, row, 55, ui->cols - 55, line,
			    STYLE_NORMAL);
			free(line);
			continue;
		}
		ui_text(ui, row, 55, 12, to, STYLE_NORMAL);
		xasprintf(&line, "%ld", f->count);
		ui_text(ui, row, 68, ui->cols - 68, line, STYLE_NORMAL);
		free(line);
	}
}

static int
analysis_action(struct ui *ui, void *p, enum action act)
{
	struct analysis	*a = p;
	size_t		 page = (size_t)list_rows(ui), last;

	last = a->n > page ? a->n - page : 0;
	switch (act) {
	case ACT_UP:
		if (a->top > 0)
			a->top--;
		return UI_HANDLED;
	case ACT_DOWN:
		if (a->top < last)
			a->top++;
		return UI_HANDLED;
	case ACT_PAGE_UP:
		a->top = a->top > page ? a->top - page : 0;
		return UI_HANDLED;
	case ACT_PAGE_DOWN:
		a->top = a->top + page < last ? a->top + page : last;
		return UI_HANDLED;
	default:
		return 0;
	}
}

const struct screen screen_analysis = {
	.name = "analysis",
	.actions = analysis_actions,
	.open = analysis_open,
	.close = analysis_close,
	.draw = analysis_draw,
	.action = analysis_action,
};
