/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The archive: how many students have each status, the students of one
 * status, and (status.review) those due for their quarterly review or
 * past their retention period, so due for destruction.  A list may be
 * narrowed to one enrolment year.  Rows hold no personal value but the
 * number; Enter opens the record.  Like the queue, the lists follow the
 * database by themselves.  Reading a list logs nothing: drawing it logs
 * whom the rows on the terminal show, each student once for the list
 * (store_list_shown), so the log's student filter finds the page seen
 * and not the thousands scrolled past unseen.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/archive.h"
#include "xueji/destroy.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "ui.h"

#define LIST_TOP	5	/* first row of the list */

/* The lists, in the order Left and Right go through them. */
enum view {
	VIEW_ACTIVE,
	VIEW_COMPLETED,
	VIEW_WITHDRAWN,
	VIEW_DESTROYED,
	VIEW_REVIEW,
	VIEW_RETENTION,
	VIEW__COUNT
};

static const struct {
	enum action	 action;	/* its key, label and permission */
	const char	*intro, *empty;
} views[VIEW__COUNT] = {
	[VIEW_ACTIVE] = { ACT_LIST_ACTIVE, N_("Active students, by number"),
	    N_("No active student.") },
	[VIEW_COMPLETED] = { ACT_LIST_COMPLETED, N_("Students who completed, "
	    "by number"), N_("No student has completed.") },
	[VIEW_WITHDRAWN] = { ACT_LIST_WITHDRAWN, N_("Students who withdrew, by "
	    "number"), N_("No student has withdrawn.") },
	[VIEW_DESTROYED] = { ACT_LIST_DESTROYED, N_("Destroyed: only "
	    "the number and a certificate remain"),
	    N_("No record has been destroyed.") },
	[VIEW_REVIEW] = { ACT_LIST_REVIEW, N_("Due for the quarterly review, "
	    "longest due first"), N_("No record is due for review.") },
	[VIEW_RETENTION] = { ACT_LIST_RETENTION, N_("Past the retention "
	    "period: due for destruction"),
	    N_("No record is past its retention period.") },
};

struct row {
	char			*number;
	enum student_status	 status;
	time_t			 enrolled_at;
	time_t			 when;		/* the date column's */
	int			 frozen;
	const char		*reason;	/* destroyed: a static label */
};

struct archive {
	enum view	 view;
	int		 year;		/* enrolment year, or 0 for all */
	long		 counts[4];
	struct row	*v;
	size_t		 n, sel, top;
	char		*typed;		/* the year, as typed */
	struct store_shown *shown;	/* whom the list was logged showing */
	int		 stale;		/* another terminal committed since */
};

static const enum action archive_actions[] = {
	ACT_OPEN, ACT_LIST_PREV, ACT_LIST_NEXT, ACT_REVIEW, ACT_YEAR,
	ACT_HELP, ACT_BACK, ACT_LIST_ACTIVE, ACT_LIST_COMPLETED,
	ACT_LIST_WITHDRAWN, ACT_LIST_DESTROYED, ACT_LIST_REVIEW,
	ACT_LIST_RETENTION, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN,
	ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 4;	/* and the legend under the list */
}

static void
clear_rows(struct archive *ar)
{
	size_t	i;

	for (i = 0; i < ar->n; i++)
		free(ar->v[i].number);
	free(ar->v);
	ar->v = NULL;
	ar->n = 0;
}

static struct row *
add_row(struct archive *ar, const char *number)
{
	struct row	*r;

	ar->v = xreallocarray(ar->v, ar->n + 1, sizeof *ar->v);
	r = &ar->v[ar->n++];
	memset(r, 0, sizeof *r);
	r->number = xstrdup(number);
	return r;
}

static int
collect(const struct archive_entry *e, void *arg)
{
	struct archive	*ar = arg;
	struct row	*r = add_row(ar, e->number);

	r->status = e->status;
	r->enrolled_at = e->enrolled_at;
	r->frozen = e->frozen;
	r->when = ar->view == VIEW_RETENTION ? e->keep_until : e->next_review;
	return 0;
}

static int
collect_destroyed(const struct destruction *d, void *arg)
{
	struct archive	*ar = arg;
	struct row	*r = add_row(ar, d->number);

	r->status = STATUS_DESTROYED;
	r->when = d->executed_at;
	r->reason = destroy_reason_label(d->reason);
	return 0;
}

/* Reload the counts and the list, keeping the selection on its row. */
static void
load(struct ui *ui, struct archive *ar)
{
	char	*keep = NULL, *cause = NULL;
	int	 rc;
	size_t	 i;

	if (ar->sel < ar->n)
		keep = xstrdup(ar->v[ar->sel].number);
	clear_rows(ar);
	ar->stale = 0;
	if (store_status_counts(ui->s->st, ar->counts, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		cause = NULL;
	}
	switch (ar->view) {
	case VIEW_DESTROYED:
		/* The certificates hold no enrolment date: no year here. */
		rc = store_destructions(ui->s->st, collect_destroyed, ar,
		    &cause);
		break;
	case VIEW_REVIEW:
		rc = store_archive(ui->s->st, ARCHIVE_REVIEW_DUE, -1, ar->year,
		    xj_now(), collect, ar, ar->shown, &cause);
		break;
	case VIEW_RETENTION:
		rc = store_archive(ui->s->st, ARCHIVE_RETENTION_DUE, -1,
		    ar->year, xj_now(), collect, ar, ar->shown, &cause);
		break;
	default:
		rc = store_archive(ui->s->st, ARCHIVE_STATUS, (int)ar->view,
		    ar->year, xj_now(), collect, ar, ar->shown, &cause);
		break;
	}
	if (rc != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	for (i = 0; keep != NULL && i < ar->n; i++) {
		if (strcmp(ar->v[i].number, keep) == 0) {
			ar->sel = i;
			break;
		}
	}
	free(keep);
	if (ar->sel >= ar->n)
		ar->sel = ar->n > 0 ? ar->n - 1 : 0;
}

static int
reload_after(struct ui *ui, void *arg)
{
	load(ui, arg);
	return UI_REDRAW;
}

static void *
archive_open(struct ui *ui, void *arg)
{
	struct archive	*ar = xcalloc(1, sizeof *ar);

	(void)arg;
	ar->shown = store_shown_new();
	load(ui, ar);
	return ar;
}

static void
archive_close(void *p)
{
	struct archive	*ar = p;

	clear_rows(ar);
	free(ar->typed);
	store_shown_free(ar->shown);
	free(ar);
}

/* "1 Active: 120": a list's key, name and count; the current in [ ]. */
static int
draw_tab(struct ui *ui, const struct archive *ar, enum view v, int row,
    int col)
{
	enum action	 a = views[v].action;
	char		*s;
	int		 used;

	if (v < VIEW_REVIEW)
		/* TRANSLATORS: a list's key, name and count. */
		xasprintf(&s, _("%s %s: %ld"), action_key_label(a),
		    _(action_table[a].label), ar->counts[v]);
	else
		xasprintf(&s, "%s %s", action_key_label(a),
		    _(action_table[a].label));
	used = ui_tab(ui, row, col, s, v == ar->view);
	free(s);
	return used;
}

static void
draw_row(struct ui *ui, const struct archive *ar, const struct row *r,
    int row, int selected)
{
	enum ui_style	 st = selected ? STYLE_SELECT : STYLE_NORMAL;
	char		 date[32];
	int		 col = 2;

	if (selected)
		ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
	ui_text(ui, row, 0, 2, selected ? ">" : " ", st);
	ui_text(ui, row, col, 16, r->number, st);
	col += 17;
	if (ar->view == VIEW_DESTROYED) {
		xj_dayfmt(r->when, date, sizeof date);
		ui_text(ui, row, col, 10, date, st);
		col += 12;
		ui_text(ui, row, col, ui->cols - col, r->reason, st);
		return;
	}
	xj_dayfmt(r->enrolled_at, date, sizeof date);
	ui_text(ui, row, col, 10, date, st);
	col += 12;
	ui_text(ui, row, col, 10, status_label(r->status), st);
	col += 11;
	if (r->when > 0) {
		xj_dayfmt(r->when, date, sizeof date);
		ui_text(ui, row, col, 10, date, st);
	}
	col += 12;
	/* In words, not by colour. */
	if (r->frozen)
		ui_text(ui, row, col, ui->cols - col, _("destruction pending"),
		    selected ? st : STYLE_ERROR);
}

static void
archive_draw(struct ui *ui, void *p)
{
	struct archive	*ar = p;
	char		*line;
	int		 col, rows = list_rows(ui);
	size_t		 i, end;
	enum view	 v;

	ui_title(ui, _("Archive"));
	for (col = 1, v = 0; v < VIEW_REVIEW; v++) {
		if (ui_allowed(ui, views[v].action))
			col += draw_tab(ui, ar, v, 1, col);
	}
	col = 1;
	for (v = VIEW_REVIEW; v < VIEW__COUNT; v++) {
		if (ui_allowed(ui, views[v].action))
			col += draw_tab(ui, ar, v, 2, col);
	}
	if (ar->view != VIEW_DESTROYED) {
		if (ar->year > 0)
			xasprintf(&line, _("Enrolled in %d (%s: change)"),
			    ar->year, action_key_label(ACT_YEAR));
		else
			xasprintf(&line, _("All years (%s: one year)"),
			    action_key_label(ACT_YEAR));
		ui_text(ui, 2, col + 1, ui->cols - col - 2, line, STYLE_DIM);
		free(line);
	}
	if (ar->view == VIEW_DESTROYED)
		xasprintf(&line, ar->n == 1 ? _("%s: %zu record") :
		    _("%s: %zu records"), _(views[ar->view].intro), ar->n);
	else
		xasprintf(&line, ar->n == 1 ? _("%s: %zu student") :
		    _("%s: %zu students"), _(views[ar->view].intro), ar->n);
	ui_text(ui, 3, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	if (ar->view == VIEW_DESTROYED)
		ui_text(ui, 4, 2, ui->cols - 4, _("Number           Destroyed"
		    "   Why"), STYLE_DIM);
	else
		ui_text(ui, 4, 2, ui->cols - 4, ar->view == VIEW_RETENTION ?
		    _("Number           Enrolled    Status     Kept until") :
		    ar->view == VIEW_REVIEW ?
		    _("Number           Enrolled    Status     Review due") :
		    _("Number           Enrolled    Status     Next review"),
		    STYLE_DIM);
	if (ar->n == 0) {
		ui_text(ui, LIST_TOP + 1, 4, ui->cols - 8,
		    _(views[ar->view].empty), STYLE_NORMAL);
		return;
	}
	ui_list_scroll(&ar->top, ar->sel, rows);
	end = ar->top + (size_t)rows < ar->n ? ar->top + (size_t)rows : ar->n;
	/* The destroyed are numbers alone: no one left to have seen. */
	if (ar->view != VIEW_DESTROYED && !ui_rows_logged(ui, ar->shown,
	    ar->v, sizeof *ar->v, offsetof(struct row, number), ar->top, end))
		return;
	for (i = ar->top; i < end; i++)
		draw_row(ui, ar, &ar->v[i], LIST_TOP + (int)(i - ar->top),
		    i == ar->sel);
	ui_text(ui, ui->rows - 3, 2, ui->cols - 4, _("destruction pending: "
	    "the record is restricted until the request is decided"),
	    STYLE_DIM);
}

static int
show(struct ui *ui, struct archive *ar, enum view v)
{
	if (!ui_allowed(ui, views[v].action)) {
		ui_message(ui, 1, _("%s needs a permission your role does not "
		    "have"), _(action_table[views[v].action].label));
		return UI_HANDLED;
	}
	if (v != ar->view) {
		ar->view = v;
		ar->sel = ar->top = 0;
		load(ui, ar);
	}
	return UI_HANDLED;
}

/* The next list this operator may see, step +1 or -1. */
static int
step(struct ui *ui, struct archive *ar, int dir)
{
	int	v = (int)ar->view, i;

	for (i = 0; i < VIEW__COUNT; i++) {
		v = (v + dir + VIEW__COUNT) % VIEW__COUNT;
		if (ui_allowed(ui, views[v].action))
			return show(ui, ar, (enum view)v);
	}
	return UI_HANDLED;
}

static int
year_typed(struct ui *ui, void *arg)
{
	struct archive	*ar = arg;
	char		*end;
	long		 y;

	if (*ar->typed == '\0') {
		ar->year = 0;
	} else {
		y = strtol(ar->typed, &end, 10);
		if (*end != '\0' || y < 1900 || y > 9999) {
			ui_message(ui, 1, _("\"%s\" is not a year; type one "
			    "such as 2026, or nothing for all"), ar->typed);
			return UI_REDRAW;
		}
		ar->year = (int)y;
	}
	ar->sel = ar->top = 0;
	load(ui, ar);
	return UI_REDRAW;
}

static int
ask_year(struct ui *ui, struct archive *ar)
{
	struct input	in;

	memset(&in, 0, sizeof in);
	in.question = _("Show students enrolled in which year?");
	in.detail = _("Four digits, such as 2026; nothing for every year.");
	in.max = 4;
	in.out = &ar->typed;
	in.done = year_typed;
	in.arg = ar;
	return ui_push(ui, &screen_input, &in);
}

static int
review_yes(struct ui *ui, void *arg)
{
	struct archive	*ar = arg;
	char		*cause = NULL;

	if (ar->sel >= ar->n)
		return UI_REDRAW;
	if (store_review(ui->s->st, ar->v[ar->sel].number, NULL, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return UI_REDRAW;
	}
	ui_message(ui, 0, _("%s reviewed."), ar->v[ar->sel].number);
	load(ui, ar);
	return UI_REDRAW;
}

static int
ask_review(struct ui *ui, struct archive *ar)
{
	struct confirm	c;
	char		*question;
	int		 rc;

	xasprintf(&question, _("Mark the record of %s reviewed?"),
	    ar->v[ar->sel].number);
	memset(&c, 0, sizeof c);
	c.question = question;
	c.detail = _("Its data are still accurate and still needed.");
	c.yes = review_yes;
	c.arg = ar;
	rc = ui_push(ui, &screen_confirm, &c);
	free(question);
	return rc;
}

static int
archive_action(struct ui *ui, void *p, enum action a)
{
	struct archive		*ar = p;
	struct record_arg	 ra;
	size_t			 page = (size_t)(list_rows(ui) > 1 ?
				     list_rows(ui) - 1 : 1);
	enum view		 v;

	if (ui_list_move(&ar->sel, ar->n, page, a))
		return UI_HANDLED;
	for (v = 0; v < VIEW__COUNT; v++) {
		if (views[v].action == a)
			return show(ui, ar, v);
	}
	switch (a) {
	case ACT_LIST_PREV:
		return step(ui, ar, -1);
	case ACT_LIST_NEXT:
		return step(ui, ar, 1);
	case ACT_YEAR:
		return ask_year(ui, ar);
	case ACT_REVIEW:
		return ask_review(ui, ar);
	case ACT_OPEN:
		if (ar->n == 0)
			return UI_HANDLED;
		memset(&ra, 0, sizeof ra);
		ra.number = ar->v[ar->sel].number;
		ra.back.done = reload_after;
		ra.back.arg = ar;
		return ui_push(ui, &screen_record, &ra);
	default:
		return 0;
	}
}

static int
archive_offers(struct ui *ui, void *p, enum action a)
{
	const struct archive	*ar = p;

	(void)ui;
	switch (a) {
	case ACT_REVIEW:
		return ar->n > 0 && ar->view != VIEW_DESTROYED &&
		    !ar->v[ar->sel].frozen;
	case ACT_YEAR:
		return ar->view != VIEW_DESTROYED;
	case ACT_OPEN:
		return ar->n > 0;
	default:
		return 1;
	}
}

/* The lists' keys are their tabs, the year's key is in its line: the
 * key bar need not repeat them. */
static int
archive_lists(enum action a)
{
	size_t	v;

	for (v = 0; v < VIEW__COUNT; v++) {
		if (views[v].action == a)
			return 1;
	}
	return a == ACT_YEAR;
}

/*
 * About once a second: reload when another connection committed, once
 * the list is on the terminal (not under a record opened from it: the
 * reading is for the eyes, and drawing logs whom it shows new).
 */
static int
archive_reread(struct ui *ui, void *p, int forced)
{
	struct archive	*ar = p;

	ar->stale = 1;
	if (!forced && !ui_shown(ui, ar))
		return 0;
	load(ui, ar);
	return UI_REDRAW;
}

static int
archive_tick(struct ui *ui, void *p)
{
	return ((struct archive *)p)->stale && ui_shown(ui, p) ?
	    archive_reread(ui, p, 0) : 0;
}

static int
archive_click(struct ui *ui, void *p, int row, int col, int twice)
{
	struct archive	*ar = p;
	size_t		 i;

	(void)col;
	if (row < LIST_TOP || row >= LIST_TOP + list_rows(ui))
		return 0;
	i = ar->top + (size_t)(row - LIST_TOP);
	if (i >= ar->n)
		return 0;
	ar->sel = i;
	return twice ? archive_action(ui, ar, ACT_OPEN) : UI_HANDLED;
}

const struct screen screen_archive = {
	.name = "archive",
	.actions = archive_actions,
	.open = archive_open,
	.close = archive_close,
	.draw = archive_draw,
	.action = archive_action,
	.offers = archive_offers,
	.lists = archive_lists,
	.reread = archive_reread,
	.tick = archive_tick,
	.click = archive_click,
};
