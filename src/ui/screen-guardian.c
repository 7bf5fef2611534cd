/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One guardian's request (guardian.h), opened from the approval queue
 * where it shows once it is past its due date: what kind, when and how
 * it came in, when it is due and by how much it is late, the change or
 * destruction request that carries it out (Enter opens that one), what
 * the guardian asked and what they were told.  Reading it is logged by
 * the store (guardian.request.view), since the summary is the guardian's
 * own words.  It follows the branch: when another terminal changes it
 * (closes it, links or decides its request) it is read again and says so.
 *
 * Closing it takes the response given to the guardian, typed, then asks
 * first; the store checks request.manage and refuses while a linked
 * request is pending, and its refusal shows in the status line, as in
 * the request screen, and in full on the screen, since the store's
 * reasons are longer than the status line.  The same store call as
 * `xueji request close`, so it is logged the same way.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/guardian.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

#define DAY		(24 * 60 * 60)
#define RESPONSE_MAX	500	/* characters typed in the one-line field */

struct gview {
	int64_t			 id;
	struct guardian_request	*g;
	char			*response;	/* typed, for the close */
	char			*refusal;	/* why the store said no */
	struct opened_for	 back;
	int64_t			 stamp;		/* store_guardian_stamp() */
};

static const enum action guardian_actions[] = {
	ACT_GUARDIAN_CLOSE, ACT_OPEN, ACT_BACK, ACT_HELP, ACT_LOCK,
	ACT_REDRAW, ACT_NONE
};

struct code_label {
	const char	*code, *label;
};

/* How a closed request ended. */
static const struct code_label outcomes[] = {
	{ "answered", N_("answered") },
	{ "approved", N_("closed: its request was approved") },
	{ "rejected", N_("closed: its request was rejected") },
	{ "destroyed", N_("closed: the record was destroyed") },
};

/* The label of code in t; the code itself when unknown. */
static const char *
label_of(const char *code, const struct code_label *t, size_t n)
{
	size_t	i;

	for (i = 0; code != NULL && i < n; i++) {
		if (strcmp(code, t[i].code) == 0)
			return _(t[i].label);
	}
	return code != NULL ? code : "";
}

static const char *
state_label(const struct guardian_request *g)
{
	if (g->open)
		return _("open");
	return label_of(g->outcome, outcomes, nitems(outcomes));
}

/* (Re)read the request and its stamp; the store logs each read. */
static void
load(struct ui *ui, struct gview *v)
{
	char	*cause = NULL;

	guardian_request_free(v->g);
	v->g = NULL;
	store_guardian_stamp(ui->s->st, v->id, &v->stamp, NULL);
	if (store_guardian_get(ui->s->st, v->id, &v->g, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
}

/*
 * Another terminal committed (or ^L): read the request again only when
 * its stamp moved, since each read is logged and two open screens would
 * otherwise wake each other for ever; say what changed.
 */
static int
guardian_reread(struct ui *ui, void *p, int forced)
{
	struct gview	*v = p;
	int64_t		 stamp, was = v->stamp;
	int		 was_open = v->g != NULL && v->g->open;

	if (store_guardian_stamp(ui->s->st, v->id, &stamp, NULL) != XJ_OK ||
	    (!forced && stamp == was))
		return 0;
	load(ui, v);
	if (stamp == was)
		return UI_REDRAW;	/* ^L, and nothing changed */
	free(v->refusal);
	v->refusal = NULL;
	if (v->g != NULL && was_open && !v->g->open)
		ui_message(ui, 1, _("Guardian's request %" PRId64 " was closed "
		    "at another terminal: %s."), v->id, state_label(v->g));
	else
		ui_message(ui, 1, _("Guardian's request %" PRId64 " changed at "
		    "another terminal; it is shown as it is now."), v->id);
	return UI_REDRAW;
}

static void *
guardian_open(struct ui *ui, void *arg)
{
	const struct request_arg	*ra = arg;
	struct gview			*v = xcalloc(1, sizeof *v);

	v->id = ra->id;
	v->back = ra->back;
	load(ui, v);
	return v;
}

static void
guardian_close(void *p)
{
	struct gview	*v = p;

	guardian_request_free(v->g);
	xfree_wipe(v->response);
	free(v->refusal);
	free(v);
}


/* A "label  value" line; returns the next row. */
static int
line(struct ui *ui, int row, int lw, const char *label, const char *value,
    enum ui_style st)
{
	ui_text(ui, row, 2, lw, label, STYLE_DIM);
	ui_text(ui, row, 3 + lw, ui->cols - lw - 5, value, st);
	return row + 1;
}

/* "2026-11-24 · OVERDUE by 3 days" and its style. */
static char *
due_text(const struct guardian_request *g, time_t now, enum ui_style *st)
{
	char	 day[32], *s;
	long	 late;

	xj_dayfmt(g->due_at, day, sizeof day);
	*st = STYLE_NORMAL;
	if (!g->open || now <= g->due_at)
		return xstrdup(day);
	/* Said in words, not by colour alone. */
	*st = STYLE_ERROR;
	late = (long)((now - g->due_at) / DAY);
	if (late == 0)
		xasprintf(&s, _("%s · OVERDUE"), day);
	else if (late == 1)
		xasprintf(&s, _("%s · OVERDUE by 1 day"), day);
	else
		xasprintf(&s, _("%s · OVERDUE by %ld days"), day, late);
	return s;
}

static void
guardian_draw(struct ui *ui, void *p)
{
	struct gview			*v = p;
	const struct guardian_request	*g = v->g;
	enum ui_style			 st;
	char				*title, *s, *op, day[32], when[32];
	int				 row = 2, lw = 16, bottom = ui->rows - 3;

	erase();
	if (g == NULL) {
		ui_title(ui, _("Guardian's request"));
		return;
	}
	xasprintf(&title, _("Guardian's request %" PRId64 " · %s · %s"),
	    g->id, guardian_kind_label(g->kind), state_label(g));
	ui_title(ui, title);
	free(title);
	row = line(ui, row, lw, _("Student"), g->number, STYLE_NORMAL);
	row = line(ui, row, lw, _("Kind"), guardian_kind_label(g->kind),
	    STYLE_NORMAL);
	xj_dayfmt(g->received_at, day, sizeof day);
	xasprintf(&s, "%s · %s", day, guardian_channel_label(g->channel));
	row = line(ui, row, lw, _("Received"), s, STYLE_NORMAL);
	free(s);
	s = due_text(g, xj_now(), &st);
	row = line(ui, row, lw, _("Due"), s, st);
	free(s);
	if (g->kind == GUARDIAN_CORRECTION || g->kind == GUARDIAN_DELETION) {
		if (g->request != 0)
			xasprintf(&s, _("request %" PRId64 " (Enter opens it)"),
			    g->request);
		else
			s = xstrdup(g->kind == GUARDIAN_CORRECTION ?
			    _("no change request linked yet") :
			    _("no destruction request linked yet"));
		row = line(ui, row, lw, _("Carried out by"), s, STYLE_NORMAL);
		free(s);
	}
	op = policy_who(ui->s->pol, g->filed_by);
	xj_timefmt(g->filed_at, when, sizeof when);
	xasprintf(&s, _("%s by %s"), when, op);
	row = line(ui, row, lw, _("Registered"), s, STYLE_NORMAL);
	free(s);
	free(op);
	if (!g->open) {
		op = policy_who(ui->s->pol, g->closed_by);
		xj_timefmt(g->closed_at, when, sizeof when);
		xasprintf(&s, _("%s by %s"), when, op);
		row = line(ui, row, lw, _("Closed"), s, STYLE_NORMAL);
		free(s);
		free(op);
	}

	/* The status line is too short for the store's reasons. */
	if (v->refusal != NULL) {
		row++;
		xasprintf(&s, _("Not closed: %s"), v->refusal);
		row += ui_wrap(ui, row, 2, ui->cols - 4, 3, s, STYLE_ERROR);
		free(s);
	}

	row++;
	ui_text(ui, row++, 2, ui->cols - 4, _("What the guardian asked"),
	    STYLE_DIM);
	row += ui_wrap(ui, row, 4, ui->cols - 6, (bottom - row) / 2,
	    g->summary != NULL ? g->summary : "", STYLE_NORMAL);
	if (row + 1 >= bottom)
		return;
	ui_text(ui, row++, 2, ui->cols - 4, _("Response given"), STYLE_DIM);
	if (g->response == NULL || *g->response == '\0')
		ui_text(ui, row, 4, ui->cols - 6, g->responded_by != NULL ?
		    _("(not kept: the student's data were destroyed)") :
		    _("(none yet)"), STYLE_NORMAL);
	else
		ui_wrap(ui, row, 4, ui->cols - 6, bottom - row, g->response,
		    STYLE_NORMAL);
}

/* The linked request was decided: reload, and so does the list. */
static int
reload_after(struct ui *ui, void *arg)
{
	struct gview	*v = arg;

	load(ui, v);
	free(v->refusal);
	v->refusal = NULL;
	if (v->back.done != NULL)
		return v->back.done(ui, v->back.arg) | UI_REDRAW;
	return UI_REDRAW;
}

/* After a close: back to the list, which reloads. */
static int
closed_yes(struct ui *ui, void *arg)
{
	struct gview	*v = arg;
	char		*cause = NULL;
	int		 rc;

	rc = store_guardian_close(ui->s->st, v->id, v->response, &cause);
	xfree_wipe(v->response);
	v->response = NULL;
	free(v->refusal);
	v->refusal = NULL;
	if (rc != XJ_OK) {
		/* The store said no: say why and stay, as it is now. */
		load(ui, v);
		ui_message(ui, 1, "%s", cause);
		v->refusal = cause;
		return UI_REDRAW;
	}
	ui_message(ui, 0, _("Guardian's request %" PRId64 " closed with the "
	    "response recorded."), v->id);
	ui->after = v->back.done;
	ui->after_arg = v->back.arg;
	return UI_POP;
}

/* The response is typed: ask, showing it. */
static int
close_ask(struct ui *ui, void *arg)
{
	struct gview	*v = arg;
	char		*question, *detail;
	int		 rc;

	xasprintf(&question, _("Close guardian's request %" PRId64 " about %s "
	    "with this response?"), v->id, v->g->number);
	xasprintf(&detail, _("Response: %s"), v->response);
	rc = ui_ask(ui, question, detail, closed_yes, v);
	free(question);
	xfree_wipe(detail);
	return rc;
}

static int
guardian_action(struct ui *ui, void *p, enum action a)
{
	struct gview		*v = p;
	struct request_arg	 ra;
	struct input		 in;

	if (v->g == NULL)
		return 0;
	switch (a) {
	case ACT_GUARDIAN_CLOSE:
		memset(&in, 0, sizeof in);
		in.question = _("What was the guardian told?  It is kept with "
		    "the request.");
		in.required = 1;
		in.max = RESPONSE_MAX;
		in.out = &v->response;
		in.done = close_ask;
		in.arg = v;
		return ui_push(ui, &screen_input, &in);
	case ACT_OPEN:
		memset(&ra, 0, sizeof ra);
		ra.id = v->g->request;
		ra.back.done = reload_after;
		ra.back.arg = v;
		return ui_push(ui, &screen_request, &ra);
	default:
		return 0;
	}
}

static int
guardian_offers(struct ui *ui, void *p, enum action a)
{
	const struct guardian_request	*g = ((struct gview *)p)->g;

	(void)ui;
	switch (a) {
	case ACT_GUARDIAN_CLOSE:
		/*
		 * Open, or closed by its request's decision with no answer
		 * recorded yet.  One linked to a pending request is offered
		 * too: the store says why not.
		 */
		return g != NULL && (g->open || g->responded_by == NULL);
	case ACT_OPEN:
		return g != NULL && g->request != 0;
	default:
		return 1;
	}
}

const struct screen screen_guardian = {
	.name = "guardian-request",
	.actions = guardian_actions,
	.open = guardian_open,
	.close = guardian_close,
	.draw = guardian_draw,
	.action = guardian_action,
	.offers = guardian_offers,
	.reread = guardian_reread,
};
