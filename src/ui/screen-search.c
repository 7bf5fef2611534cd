/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Search as you type: one field finds by student number, name prefix,
 * pinyin (full or initials) or the guardian's phone (search.h says what
 * each text means), and the list refreshes on every keystroke: a screenful, the
 * next one fetched when the operator pages past it.  Enter opens the
 * selected record.  The list follows the branch: when another terminal
 * commits, the same search runs again.  What the text finds is logged
 * as it is fetched, a screenful at a time, each student once while the
 * text stays (store_shown): a page fetched further, a search run again
 * or a redraw names only whom it shows new.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

#define SEARCH_MAX	40

struct search {
	struct lineedit	 *field;
	struct student	**hits;
	size_t		  nhits;
	size_t		  sel;
	size_t		  top;
	int		  more;		/* the store may have more than nhits */
	char		 *last;		/* the text the list is for */
	int		  stale;	/* another terminal committed since */
	struct store_shown *shown;	/* whom the text's list was logged
					   showing */
};

static const enum action search_actions[] = {
	ACT_OPEN, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_ENROL,
	ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

/* Rows the list may use. */
static int
list_rows(const struct ui *ui)
{
	return ui->rows - 8;	/* and the legend under the list */
}

static void
clear_hits(struct search *sr)
{
	students_free(sr->hits, sr->nhits);
	sr->hits = NULL;
	sr->nhits = sr->sel = sr->top = 0;
	sr->more = 0;
}

/*
 * Fetch the first limit results for the text the list is for, keeping
 * the selection on the same student where it still matches.  The store
 * has no offset, so a further page is the first ones again and more;
 * fetching limit finds whether there are more than limit - 1.  Logged
 * only for whom the list did not show (sr->shown).
 */
static void
fetch(struct ui *ui, struct search *sr, size_t limit)
{
	struct student	**v = NULL;
	char		 *cause = NULL, *keep = NULL;
	size_t		  n = 0, i, sel = sr->sel, top = sr->top;
	int		  rc;

	if (sr->nhits > 0)
		keep = xstrdup(sr->hits[sr->sel]->number);
	sr->stale = 0;
	rc = store_student_find(ui->s->st, sr->last, limit, sr->shown, &v,
	    &n, &cause);
	if (rc != XJ_OK && rc != XJ_EUSAGE)
		ui_message(ui, 1, "%s", cause);
	free(cause);
	if (rc == XJ_EPERM) {
		free(keep);
		return;
	}
	/* Gone (withdrawn, frozen): the row that took its place. */
	for (i = 0; keep != NULL && i < n; i++) {
		if (strcmp(v[i]->number, keep) == 0) {
			sel = i;
			break;
		}
	}
	if (keep == NULL || n == 0)
		sel = top = 0;
	else if (sel >= n)
		sel = n - 1;
	free(keep);
	clear_hits(sr);
	sr->hits = v;
	sr->nhits = n;
	sr->sel = sel;
	sr->top = top;
	sr->more = n == limit;
}

/* A screenful of results, and one to know whether there are more. */
static size_t
first_limit(const struct ui *ui)
{
	return (size_t)(list_rows(ui) > 1 ? list_rows(ui) : 1) + 1;
}

/* Run the query for what is in the field, if it changed. */
static void
run_query(struct ui *ui, struct search *sr)
{
	char	*text = le_get_utf8(sr->field);

	if (sr->last != NULL && strcmp(text, sr->last) == 0) {
		xfree_wipe(text);
		return;
	}
	xfree_wipe(sr->last);
	sr->last = text;
	clear_hits(sr);
	/* Another text: its list is logged afresh (find_covered aside). */
	store_shown_clear(sr->shown);
	if (*text == '\0')
		return;
	fetch(ui, sr, first_limit(ui));
}

/*
 * Make sure result i is fetched, if the store has it: further pages
 * only when the operator moves past what the list holds (PgUp never
 * fetches), a screenful at a time.
 */
static void
fetch_upto(struct ui *ui, struct search *sr, size_t i)
{
	size_t	want = sr->nhits, page = first_limit(ui) - 1;

	if (!sr->more || i < sr->nhits)
		return;
	while (want <= i)
		want += page;
	fetch(ui, sr, want + 1);
}

static void *
search_open(struct ui *ui, void *arg)
{
	struct search	*sr = xcalloc(1, sizeof *sr);

	(void)ui;
	(void)arg;
	sr->field = le_new(SEARCH_MAX);
	sr->shown = store_shown_new();
	return sr;
}

static void
search_close(void *p)
{
	struct search	*sr = p;

	clear_hits(sr);
	le_free(sr->field);
	xfree_wipe(sr->last);
	store_shown_free(sr->shown);
	free(sr);
}

/* One result as a row: number, name, birth month, masked phone, status. */
static void
draw_hit(struct ui *ui, int row, const struct student *st, int selected)
{
	enum ui_style	 style = selected ? STYLE_SELECT : STYLE_NORMAL;
	const char	*v;
	int		 col = 2;

	if (selected)
		ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
	ui_text(ui, row, 0, 2, selected ? ">" : " ", style);
	ui_text(ui, row, col, 16, st->number, style);
	col += 17;
	v = student_value(st, "name");
	ui_text(ui, row, col, 16, v != NULL ? v : "", style);
	col += 17;
	v = student_value(st, "birth_month");
	ui_text(ui, row, col, 8, v != NULL ? v : "", style);
	col += 9;
	v = student_value(st, "guardian_phone");
	ui_text(ui, row, col, 14, v != NULL ? v : "", style);
	col += 15;
	col += ui_text(ui, row, col, ui->cols - col, status_label(st->status),
	    style);
	/* Marked in a symbol, explained by the legend: not colour alone. */
	if (st->pending > 0)
		ui_text(ui, row, col, ui->cols - col, " *", style);
}

static void
search_draw(struct ui *ui, void *p)
{
	struct search	*sr = p;
	const char	*label = _("Find:");
	char		*count;
	size_t		 i;
	int		 rows = list_rows(ui), lw = utf8_width(label);

	ui_title(ui, _("Find a student"));
	ui_text(ui, 2, 2, lw, label, STYLE_NORMAL);
	ui_text(ui, 3, 2, ui->cols - 4, _("number, name, pinyin (zhangsan or "
	    "zs) or phone (whole or last four digits)"), STYLE_DIM);
	ui_text(ui, 4, 2, ui->cols - 2, _("Number           Name             "
	    "Born     Phone          Status"), STYLE_DIM);
	ui_list_scroll(&sr->top, sr->sel, rows);
	for (i = sr->top; i < sr->nhits && i < sr->top + (size_t)rows; i++)
		draw_hit(ui, 5 + (int)(i - sr->top), sr->hits[i],
		    i == sr->sel);
	if (sr->nhits > 0)
		ui_text(ui, ui->rows - 3, 2, ui->cols - 4, _("* a change or "
		    "other request waits for a decision"), STYLE_DIM);
	if (sr->last != NULL && *sr->last != '\0') {
		/* Only what is fetched is counted: "17+" when there are
		 * more, fetched as the operator pages down. */
		if (sr->more)
			xasprintf(&count, _("%zu+ matches"), sr->nhits);
		else
			xasprintf(&count, sr->nhits == 1 ? _("%zu match") :
			    _("%zu matches"), sr->nhits);
		ui_text(ui, 2, ui->cols - 14, 14, count, STYLE_DIM);
		free(count);
	}
	/* The field last, so the cursor ends at its insertion point. */
	ui_field(ui, 2, 3 + lw, ui->cols - lw - 20, sr->field, 1, 0);
}

static int
search_text(struct ui *ui, void *p, const wchar_t *s, size_t n)
{
	struct search	*sr = p;

	ui_field_insert(ui, sr->field, s, n);
	run_query(ui, sr);
	return UI_HANDLED;
}

static int
search_edit(struct ui *ui, void *p, int key)
{
	struct search	*sr = p;

	if (ui_field_key(sr->field, key))
		run_query(ui, sr);
	return UI_HANDLED;
}

/*
 * The query run again, as many results as were fetched and the
 * selection kept where it was: logged only for whom it shows new.
 */
static int
rerun(struct ui *ui, struct search *sr)
{
	size_t	limit = first_limit(ui);

	sr->stale = 0;
	if (sr->last == NULL || *sr->last == '\0')
		return UI_REDRAW;
	if (sr->nhits + (sr->more ? 0 : 1) > limit)
		limit = sr->nhits + (sr->more ? 0 : 1);
	fetch(ui, sr, limit);
	return UI_REDRAW;
}

/*
 * ^L runs the query again.  Another terminal's commit does too, once
 * the list is on the terminal (not under a record opened from it):
 * logged only if it now shows someone it did not, so two open lists
 * settle instead of moving each other's data_version for ever.
 */
static int
search_refresh(struct ui *ui, void *p, int forced)
{
	struct search	*sr = p;

	if (forced)
		return rerun(ui, sr);
	sr->stale = 1;
	return ui_shown(ui, sr) ? rerun(ui, sr) : 0;
}

/* Uncovered again (the record closed, the terminal grown): follow. */
static int
search_tick(struct ui *ui, void *p)
{
	struct search	*sr = p;

	return sr->stale && ui_shown(ui, sr) ? rerun(ui, sr) : 0;
}

/* A record changed (frozen, withdrawn): run the query again. */
static int
rerun_after(struct ui *ui, void *arg)
{
	return rerun(ui, arg);
}

static int
search_action(struct ui *ui, void *p, enum action a)
{
	struct search		*sr = p;
	struct record_arg	 ra;
	size_t		 page = (size_t)(list_rows(ui) > 1 ? list_rows(ui) - 1 :
			     1);

	/* Past the end of what is fetched: the next results first. */
	if (a == ACT_DOWN || a == ACT_PAGE_DOWN)
		fetch_upto(ui, sr, sr->sel + (a == ACT_DOWN ? 1 : page));
	if (ui_list_move(&sr->sel, sr->nhits, page, a))
		return UI_HANDLED;
	switch (a) {
	case ACT_OPEN:
		if (sr->nhits == 0)
			return UI_HANDLED;
		memset(&ra, 0, sizeof ra);
		ra.number = sr->hits[sr->sel]->number;
		ra.back.done = rerun_after;
		ra.back.arg = sr;
		return ui_push(ui, &screen_record, &ra);
	case ACT_ENROL:
		return ui_push(ui, &screen_enrol, NULL);
	default:
		return 0;
	}
}

static int
search_click(struct ui *ui, void *p, int row, int col, int twice)
{
	struct search	*sr = p;
	size_t		 i;

	(void)col;
	if (row < 5 || row >= 5 + list_rows(ui))
		return 0;
	i = sr->top + (size_t)(row - 5);
	if (i >= sr->nhits)
		return 0;
	sr->sel = i;
	return twice ? search_action(ui, sr, ACT_OPEN) : UI_HANDLED;
}

const struct screen screen_search = {
	.name = "search",
	.actions = search_actions,
	.open = search_open,
	.close = search_close,
	.draw = search_draw,
	.action = search_action,
	.text = search_text,
	.reread = search_refresh,
	.tick = search_tick,
	.edit = search_edit,
	.click = search_click,
};
