/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The request lists, oldest first: the approval queue (change.approve),
 * applied changes the guardian has not confirmed yet (change.confirm),
 * and one's own pending requests.  The list follows the database by
 * itself: the main loop calls its reread when
 * another connection committed, keeping the selection on the same
 * request.  The rows hold no personal value but the student number,
 * and that says who a child is to someone who knows it: reading the
 * list logs nothing, and drawing it logs whom the rows on the terminal
 * show, each student once for the list (store_list_shown).  So the log's
 * student filter finds the page a supervisor saw, not the thousands of
 * requests under it, and polling and redrawing add nothing to the log.
 *
 * The approval queue also lists, first, the guardians' requests that are
 * past their due date, for an operator who holds request.manage (the
 * store lists them only then): the branch owes the guardian an answer
 * within guardian_request_days, so those are the most urgent thing a
 * supervisor can be shown.  Only the overdue ones, as `xueji queue`
 * prints them: the open ones still in time are the counter's work, and
 * would bury the requests that wait for a decision.  Enter opens one
 * (screen_guardian).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/forms.h"
#include "xueji/guardian.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "ui.h"

#define LIST_TOP	4	/* first row of the list */
#define WHO_COLS	20	/* 王丽（reception1）, 陈静（supervisor1） */
#define RELOAD_EVERY	60	/* seconds: a guardian's request falls due */

struct item {
	int64_t			 id;
	int			 guardian;	/* a guardian's request, overdue */
	enum request_kind	 kind;
	char			*number;
	char			*requested_by;
	time_t			 requested_at;
	char			*decided_by;
	time_t			 decided_at;
	enum request_state	 state;
	char			*note;		/* one's own: the decision's */
};

struct queue {
	enum request_list	 which;
	struct item		*v;
	size_t			 n, sel, top;
	time_t			 loaded;	/* xj_now() of the last load */
	size_t			 nguardian;	/* of v, first */
	int64_t			 picked;	/* the request being confirmed */
	int			 method;	/* chosen by screen_choice */
	/* Whom the requests, and the guardians' part, were logged showing. */
	struct store_shown	*shown, *gshown;
};

static const enum action queue_actions[] = {
	ACT_OPEN, ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK,
	ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

/* How a guardian can confirm, as the store names them and as shown. */
static const char *const methods[] = { "phone", "in-person", "message" };
static const char *const method_labels[] = {
	N_("by phone"), N_("in person"), N_("by message"),
};

/* What each list says about itself, by enum request_list. */
static const struct {
	const char	*title, *intro, *head, *empty;
} lists[] = {
	[LIST_PENDING] = { N_("Approval queue"), NULL,
	    N_("No.    Kind         Student          Requested by         Age"),
	    N_("No request waits for a decision.") },
	[LIST_UNCONFIRMED] = { N_("Guardian confirmations"),
	    N_("Applied changes the guardian has not confirmed yet; Enter "
	    "records how."),
	    N_("No.    Student          Approved by          Applied   "
	    "Requested by"),
	    N_("Every applied change has been confirmed.") },
	[LIST_MINE] = { N_("My pending requests"),
	    N_("Pending, and decided but unread; Enter opens one and marks "
	    "it read."),
	    N_("No.    Kind         Student          State / note"),
	    N_("You have no pending requests and no decision to read.") },
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 3;
}

static void
clear_items(struct queue *q)
{
	size_t	i;

	for (i = 0; i < q->n; i++) {
		free(q->v[i].number);
		free(q->v[i].requested_by);
		free(q->v[i].decided_by);
		xfree_wipe(q->v[i].note);
	}
	free(q->v);
	q->v = NULL;
	q->n = 0;
}

static int
collect(const struct request *r, void *arg)
{
	struct queue	*q = arg;
	struct item	*it;

	q->v = xreallocarray(q->v, q->n + 1, sizeof *q->v);
	it = &q->v[q->n++];
	it->id = r->id;
	it->guardian = 0;
	it->kind = r->kind;
	it->number = xstrdup(r->number);
	it->requested_by = xstrdup(r->requested_by);
	it->requested_at = r->requested_at;
	it->decided_by = r->decided_by != NULL ? xstrdup(r->decided_by) : NULL;
	it->decided_at = r->decided_at;
	it->state = r->state;
	it->note = r->note != NULL ? xstrdup(r->note) : NULL;
	return 0;
}

/* An overdue guardian's request, in the queue's columns. */
static int
collect_guardian(const struct guardian_request *g, void *arg)
{
	struct queue	*q = arg;
	struct item	*it;

	q->v = xreallocarray(q->v, q->n + 1, sizeof *q->v);
	it = &q->v[q->n++];
	memset(it, 0, sizeof *it);
	it->id = g->id;
	it->guardian = 1;
	it->number = xstrdup(g->number);
	it->requested_by = xstrdup(g->filed_by);
	it->requested_at = g->received_at;
	q->nguardian++;
	return 0;
}

/* Whether the approval queue shows the overdue guardians' requests. */
static int
with_guardians(const struct ui *ui, const struct queue *q)
{
	return q->which == LIST_PENDING && ui->s->op != NULL &&
	    policy_allows(ui->s->op, PERM_REQUEST_MANAGE);
}

/* Reload the list, keeping the selection on the same request. */
static void
load(struct ui *ui, struct queue *q)
{
	int64_t	 keep = q->sel < q->n ? q->v[q->sel].id : 0;
	int	 keep_guardian = q->sel < q->n ? q->v[q->sel].guardian : 0;
	char	*cause = NULL;
	size_t	 i;

	clear_items(q);
	q->nguardian = 0;
	q->loaded = xj_now();
	if (with_guardians(ui, q) && store_guardian_list(ui->s->st,
	    GUARDIAN_OVERDUE, q->loaded, collect_guardian, q, q->gshown,
	    &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		cause = NULL;
	}
	if (store_requests(ui->s->st, q->which, collect, q, q->shown,
	    &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	for (i = 0; i < q->n; i++) {
		if (q->v[i].id == keep && q->v[i].guardian == keep_guardian) {
			q->sel = i;
			return;
		}
	}
	/* Gone (decided): stay at the same place in the list. */
	if (q->sel >= q->n)
		q->sel = q->n > 0 ? q->n - 1 : 0;
}

static int
reload_after(struct ui *ui, void *arg)
{
	load(ui, arg);
	return UI_REDRAW;
}

static void *
queue_open(struct ui *ui, void *arg)
{
	struct queue	*q = xcalloc(1, sizeof *q);

	q->which = (enum request_list)(uintptr_t)arg;
	q->shown = store_shown_new();
	q->gshown = store_shown_new();
	load(ui, q);
	return q;
}

static void
queue_close(void *p)
{
	struct queue	*q = p;

	clear_items(q);
	store_shown_free(q->shown);
	store_shown_free(q->gshown);
	free(q);
}

/* "45m", "3h", "2d 4h". */
static void
age(time_t seconds, char *buf, size_t len)
{
	long	m = seconds > 0 ? (long)(seconds / 60) : 0;

	if (m < 60)
		snprintf(buf, len, _("%ldm"), m);
	else if (m < 24 * 60)
		snprintf(buf, len, _("%ldh"), m / 60);
	else
		snprintf(buf, len, _("%ldd %ldh"), m / (24 * 60),
		    m / 60 % 24);
}

/* An operator in their column, named as the status line names them. */
static void
who(struct ui *ui, int row, int col, const char *id, enum ui_style st)
{
	char	*s = policy_who(ui->s->pol, id);

	ui_text(ui, row, col, WHO_COLS, s, st);
	free(s);
}

/*
 * A guardian's request stands out: the whole row in the error style
 * (red, or bold without colour) and OVERDUE in words.  The age counts
 * from when the guardian asked, as the due date does.
 */
static void
draw_guardian(struct ui *ui, const struct item *it, int row, int selected,
    time_t now)
{
	enum ui_style	 st = selected ? STYLE_SELECT : STYLE_ERROR;
	char		 id[24], ago[32];
	int		 col = 2;

	snprintf(id, sizeof id, "%" PRId64, it->id);
	ui_text(ui, row, 0, 2, selected ? ">" : "!", st);
	ui_text(ui, row, col, 6, id, st);
	col += 7;
	ui_text(ui, row, col, 12, _("guardian"), st);
	col += 13;
	ui_text(ui, row, col, 16, it->number, st);
	col += 17;
	who(ui, row, col, it->requested_by, st);
	col += WHO_COLS + 1;
	age(now - it->requested_at, ago, sizeof ago);
	ui_text(ui, row, col, 9, ago, st);
	col += 10;
	ui_text(ui, row, col, ui->cols - col, _("OVERDUE"), st);
}

static void
draw_item(struct ui *ui, const struct queue *q, const struct item *it,
    int row, int selected, time_t now)
{
	enum ui_style	 st = selected ? STYLE_SELECT : STYLE_NORMAL;
	char		 id[24], ago[32];
	int		 col = 2, overdue;

	if (selected)
		ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
	ui_text(ui, row, 0, 2, selected ? ">" : " ", st);
	snprintf(id, sizeof id, "%" PRId64, it->id);
	ui_text(ui, row, col, 6, id, st);
	col += 7;
	if (q->which == LIST_UNCONFIRMED) {
		ui_text(ui, row, col, 16, it->number, st);
		col += 17;
		who(ui, row, col, it->decided_by, st);
		col += WHO_COLS + 1;
		age(now - it->decided_at, ago, sizeof ago);
		ui_text(ui, row, col, 9, ago, st);
		col += 10;
		who(ui, row, col, it->requested_by, st);
		return;
	}
	if (it->guardian) {
		draw_guardian(ui, it, row, selected, now);
		return;
	}
	if (q->which == LIST_MINE) {
		/* The outcome, and the note the decider wrote for you. */
		ui_text(ui, row, col, 12, request_kind_label(it->kind), st);
		col += 13;
		ui_text(ui, row, col, 16, it->number, st);
		col += 17;
		col += ui_text(ui, row, col, ui->cols - col,
		    request_state_label(it->state), it->state == REQ_REJECTED &&
		    !selected ? STYLE_ERROR : st);
		if (it->note != NULL && *it->note != '\0' && col + 3 < ui->cols)
			ui_text(ui, row, col + 2, ui->cols - col - 2, it->note,
			    st);
		return;
	}
	ui_text(ui, row, col, 12, request_kind_label(it->kind), st);
	col += 13;
	ui_text(ui, row, col, 16, it->number, st);
	col += 17;
	who(ui, row, col, it->requested_by, st);
	col += WHO_COLS + 1;
	age(now - it->requested_at, ago, sizeof ago);
	ui_text(ui, row, col, 9, ago, st);
	col += 10;
	overdue = now - it->requested_at >=
	    (time_t)ui->s->cfg->queue_overdue_hours * 3600;
	if (overdue)
		ui_text(ui, row, col, ui->cols - col, _("OVERDUE"),
		    selected ? st : STYLE_ERROR);
}

static void
queue_draw(struct ui *ui, void *p)
{
	struct queue	*q = p;
	const char	*title, *head, *empty;
	char		*line;
	time_t		 now = xj_now();
	int		 rows = list_rows(ui), used;
	size_t		 i, n, end, g;

	title = _(lists[q->which].title);
	head = _(lists[q->which].head);
	empty = _(lists[q->which].empty);
	if (q->which == LIST_PENDING)
		xasprintf(&line, _("Pending requests, oldest first; OVERDUE "
		    "after %ld hours.  Updates by itself."),
		    ui->s->cfg->queue_overdue_hours);
	else
		line = xstrdup(_(lists[q->which].intro));
	ui_title(ui, title);
	ui_text(ui, 1, 2, ui->cols - 4, line, STYLE_DIM);
	free(line);
	n = q->n - q->nguardian;
	xasprintf(&line, n == 1 ? _("%zu request") : _("%zu requests"), n);
	used = ui_text(ui, 2, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	if (q->nguardian > 0) {
		xasprintf(&line, q->nguardian == 1 ? _("%zu guardian's request "
		    "past its due date, listed first") : _("%zu guardians' "
		    "requests past their due date, listed first"),
		    q->nguardian);
		used += ui_text(ui, 2, 2 + used, ui->cols - 4 - used, " · ",
		    STYLE_NORMAL);
		ui_text(ui, 2, 2 + used, ui->cols - 4 - used, line,
		    STYLE_ERROR);
		free(line);
	}
	ui_text(ui, 3, 2, ui->cols - 4, head, STYLE_DIM);
	if (q->n == 0) {
		ui_text(ui, LIST_TOP + 1, 4, ui->cols - 8, empty, STYLE_NORMAL);
		return;
	}
	ui_list_scroll(&q->top, q->sel, rows);
	end = q->top + (size_t)rows < q->n ? q->top + (size_t)rows : q->n;
	/* The guardians' part first, then the requests: each its list. */
	g = q->nguardian < end ? q->nguardian : end;
	if (!ui_rows_logged(ui, q->gshown, q->v, sizeof *q->v,
	    offsetof(struct item, number), q->top, g) ||
	    !ui_rows_logged(ui, q->shown, q->v, sizeof *q->v,
	    offsetof(struct item, number), q->top > g ? q->top : g, end))
		return;
	for (i = q->top; i < end; i++)
		draw_item(ui, q, &q->v[i], LIST_TOP + (int)(i - q->top),
		    i == q->sel, now);
}

static int
confirmed_after(struct ui *ui, void *arg)
{
	struct queue	*q = arg;
	char		*cause = NULL;

	if (store_change_confirm(ui->s->st, q->picked, methods[q->method],
	    &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	} else
		ui_message(ui, 0, _("Request %" PRId64 ": the guardian's "
		    "confirmation (%s) is recorded."), q->picked,
		    _(method_labels[q->method]));
	load(ui, q);
	return UI_REDRAW;
}

/* Ask how the guardian confirmed, showing what changed. */
static int
ask_method(struct ui *ui, struct queue *q)
{
	static const char	*items[nitems(method_labels)];
	const struct field_spec	*f;
	struct request		*r = NULL;
	struct choice		 c;
	char			*question, *detail = NULL, *cause = NULL;
	size_t			 i;
	int			 rc;

	q->picked = q->v[q->sel].id;
	if (store_request_get(ui->s->st, q->picked, &r, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return UI_HANDLED;
	}
	for (i = 0; i < nitems(items); i++)
		items[i] = _(method_labels[i]);
	xasprintf(&question, _("How did the guardian of %s (%s) confirm "
	    "request %" PRId64 "?"), r->name != NULL ? r->name : "",
	    r->number, r->id);
	if (r->nchanges > 0) {
		f = form_field(ui->s->form, r->changes[0].key);
		xasprintf(&detail, r->nchanges > 1 ? _("%s: %s → %s, and more") :
		    _("%s: %s → %s"), f != NULL ? form_text(&f->label) :
		    r->changes[0].key, r->changes[0].old, r->changes[0].new);
	}
	memset(&c, 0, sizeof c);
	c.question = question;
	c.detail = detail;
	c.items = items;
	c.n = nitems(items);
	c.out = &q->method;
	c.done = confirmed_after;
	c.arg = q;
	rc = ui_push(ui, &screen_choice, &c);
	free(question);
	xfree_wipe(detail);
	request_free(r);
	return rc;
}

static void
acknowledge(struct ui *ui, int64_t id)
{
	char	*cause = NULL;

	if (store_request_acknowledge(ui->s->st, id, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
}

static int
queue_action(struct ui *ui, void *p, enum action a)
{
	struct queue		*q = p;
	struct request_arg	 ra;
	size_t			 page = (size_t)(list_rows(ui) > 1 ?
				     list_rows(ui) - 1 : 1);

	if (ui_list_move(&q->sel, q->n, page, a))
		return UI_HANDLED;
	switch (a) {
	case ACT_OPEN:
		if (q->n == 0)
			return UI_HANDLED;
		if (q->which == LIST_UNCONFIRMED)
			return ask_method(ui, q);
		memset(&ra, 0, sizeof ra);
		ra.id = q->v[q->sel].id;
		/* Opening a decision of one's own is reading it. */
		if (q->which == LIST_MINE &&
		    q->v[q->sel].state != REQ_PENDING) {
			acknowledge(ui, ra.id);
			load(ui, q);
			return ui_push(ui, &screen_request, &ra);
		}
		ra.back.done = reload_after;
		ra.back.arg = q;
		return ui_push(ui, q->v[q->sel].guardian ? &screen_guardian :
		    &screen_request, &ra);
	default:
		return 0;
	}
}

/*
 * About once a second: reload when another connection committed, and
 * now and then anyway, as a guardian's request falls due with no commit.
 */
static int
queue_tick(struct ui *ui, void *p)
{
	struct queue	*q = p;

	if (!with_guardians(ui, q) || xj_now() - q->loaded < RELOAD_EVERY)
		return 0;
	load(ui, q);
	return UI_REDRAW;
}

/*
 * Filed or decided at another terminal: the list follows, and says so
 * when the selected request left it under the operator.
 */
static int
queue_reread(struct ui *ui, void *p, int forced)
{
	struct queue	*q = p;
	int64_t		 was = q->sel < q->n && !q->v[q->sel].guardian ?
			     q->v[q->sel].id : 0;
	size_t		 i;

	(void)forced;
	load(ui, q);
	for (i = 0; was != 0 && i < q->n; i++) {
		if (q->v[i].id == was && !q->v[i].guardian)
			was = 0;
	}
	if (was != 0 && ui->message == NULL)
		ui_message(ui, 0, _("Request %" PRId64 " was dealt with at "
		    "another terminal and left this list."), was);
	return UI_REDRAW;
}

static int
queue_click(struct ui *ui, void *p, int row, int col, int twice)
{
	struct queue	*q = p;
	size_t		 i;

	(void)col;
	if (row < LIST_TOP || row >= LIST_TOP + list_rows(ui))
		return 0;
	i = q->top + (size_t)(row - LIST_TOP);
	if (i >= q->n)
		return 0;
	q->sel = i;
	return twice ? queue_action(ui, q, ACT_OPEN) : UI_HANDLED;
}

const struct screen screen_queue = {
	.name = "queue",
	.actions = queue_actions,
	.open = queue_open,
	.close = queue_close,
	.draw = queue_draw,
	.action = queue_action,
	.tick = queue_tick,
	.reread = queue_reread,
	.click = queue_click,
};
