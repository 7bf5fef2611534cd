/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One request: whose record, who asked, when and why, and each field's
 * old and new value side by side.  A supervisor approves or rejects it
 * (a rejection needs a note); the requester may withdraw it.  Every
 * decision asks first, naming the student.  A status request shows the
 * change of status; a destruction request its reason and a warning, and
 * approving it takes a second, deliberate step: typing the student
 * number (or "yes").  The certificate follows.  The rules — four eyes, a
 * stale request, one decided meanwhile — are the store's: its refusal
 * shows in the status line and the screen stays.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xueji/destroy.h"
#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "ui.h"

struct req {
	int64_t			 id;
	struct request		*r;
	char			*note;		/* a rejection's, typed */
	char			*typed;		/* a destruction's second step */
	int			 erase_pending;	/* the store said ERASE_PENDING */
	struct ui		*ui;		/* for erase_wait */
	struct opened_for	 back;
	int64_t			 stamp;		/* store_request_stamp() */
	char			*tie;		/* store_slot_tie's refusal,
						   or NULL */
};

static const enum action request_actions[] = {
	ACT_APPROVE, ACT_REJECT, ACT_WITHDRAW, ACT_BACK, ACT_HELP, ACT_LOCK,
	ACT_REDRAW, ACT_NONE
};

/* (Re)read the request; the store logs it as a read of the student. */
static void
load(struct ui *ui, struct req *q)
{
	char	*cause = NULL;

	request_free(q->r);
	q->r = NULL;
	free(q->tie);
	q->tie = NULL;
	if (store_request_stamp(ui->s->st, q->id, &q->stamp, &cause) !=
	    XJ_OK ||
	    store_request_get(ui->s->st, q->id, &q->r, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return;
	}
	/* Not offered what the store would refuse: said instead. */
	if (q->r->state == REQ_PENDING && store_slot_tie(ui->s->st,
	    q->r->requested_by, &q->tie) == XJ_OK) {
		free(q->tie);
		q->tie = NULL;
	}
}

static void *
request_open(struct ui *ui, void *arg)
{
	const struct request_arg	*ra = arg;
	struct req			*q = xcalloc(1, sizeof *q);

	q->id = ra->id;
	q->back = ra->back;
	load(ui, q);
	return q;
}

static void
request_close(void *p)
{
	struct req	*q = p;

	request_free(q->r);
	free(q->tie);
	xfree_wipe(q->note);
	xfree_wipe(q->typed);
	free(q);
}


/* A "label  value" line; returns the next row. */
static int
line(struct ui *ui, int row, int lw, const char *label, const char *value)
{
	ui_text(ui, row, 2, lw, label, STYLE_DIM);
	ui_text(ui, row, 3 + lw, ui->cols - lw - 5, value, STYLE_NORMAL);
	return row + 1;
}

/* Old and new side by side, each clipped to its column. */
static void
draw_changes(struct ui *ui, const struct request *r, int row)
{
	const struct field_spec	*f;
	int			 lw = 16, w, c1, c2;
	size_t			 i;

	w = (ui->cols - 2 - lw - 1 - 3 - 2) / 2;
	c1 = 2 + lw + 1;
	c2 = c1 + w + 3;
	ui_text(ui, row, 2, lw, _("Field"), STYLE_DIM);
	ui_text(ui, row, c1, w, _("Old value"), STYLE_DIM);
	ui_text(ui, row, c2, w, _("New value"), STYLE_DIM);
	row++;
	for (i = 0; i < r->nchanges && row < ui->rows - 3; i++, row++) {
		f = form_field(ui->s->form, r->changes[i].key);
		ui_text(ui, row, 2, lw, f != NULL ? form_text(&f->label) :
		    r->changes[i].key, STYLE_NORMAL);
		ui_text(ui, row, c1, w, *r->changes[i].old != '\0' ?
		    r->changes[i].old : _("(empty)"), STYLE_NORMAL);
		ui_text(ui, row, c1 + w + 1, 1, "→", STYLE_NORMAL);
		ui_text(ui, row, c2, w, *r->changes[i].new != '\0' ?
		    r->changes[i].new : _("(empty)"), STYLE_NORMAL);
	}
}

static void
request_draw(struct ui *ui, void *p)
{
	struct req		*q = p;
	const struct request	*r = q->r;
	char			*title, *s, *op, when[32];
	int			 row = 2, lw = 12;

	erase();
	if (r == NULL) {
		ui_title(ui, _("Request"));
		return;
	}
	xasprintf(&title, _("Request %" PRId64 " · %s · %s"), r->id,
	    request_kind_label(r->kind), request_state_label(r->state));
	ui_title(ui, title);
	free(title);
	s = ui_named(r->name, r->number);
	row = line(ui, row, lw, _("Student"), s);
	free(s);
	op = policy_who(ui->s->pol, r->requested_by);
	xj_timefmt(r->requested_at, when, sizeof when);
	/* TRANSLATORS: when and by whom a request was filed. */
	xasprintf(&s, C_("request", "%s by %s"), when, op);
	row = line(ui, row, lw, _("Requested"), s);
	free(s);
	free(op);
	if (r->kind == REQ_DESTROY) {
		row = line(ui, row, lw, _("Why"),
		    destroy_reason_label(r->reason_code));
	} else {
		if (r->kind == REQ_STATUS && r->new_status >= 0) {
			if (r->old_status >= 0)
				xasprintf(&s, "%s → %s", status_label(
				    (enum student_status)r->old_status),
				    status_label((enum student_status)
				    r->new_status));
			else
				xasprintf(&s, "→ %s", status_label(
				    (enum student_status)r->new_status));
			row = line(ui, row, lw, _("Status"), s);
			free(s);
		}
		row = line(ui, row, lw, _("Reason"), r->reason != NULL ?
		    r->reason : "");
		if (r->kind == REQ_CHANGE)
			row = line(ui, row, lw, _("Document"), r->evidence !=
			    NULL && *r->evidence != '\0' ? r->evidence :
			    _("(none given)"));
	}
	if (r->state != REQ_PENDING) {
		op = policy_who(ui->s->pol, r->decided_by != NULL ? r->decided_by :
		    r->requested_by);
		xj_timefmt(r->decided_at, when, sizeof when);
		/* Closed by a destruction: nobody decided it. */
		if (r->state == REQ_CLOSED)
			xasprintf(&s, _("%s, %s"), request_state_label(r->state),
			    when);
		else
			xasprintf(&s, _("%s, %s by %s"),
			    request_state_label(r->state), when, op);
		row = line(ui, row, lw, _("Decided"), s);
		free(s);
		free(op);
		if (r->note != NULL && *r->note != '\0')
			row = line(ui, row, lw, _("Note"), r->note);
	}
	if (r->state == REQ_PENDING && !request_decidable(r)) {
		/* Frozen by another request: say why nothing is offered. */
		xasprintf(&s, _("The record is frozen: destruction request "
		    "%" PRId64 " is pending.  This request can be decided "
		    "once that one is: rejected or withdrawn, it can be "
		    "decided as usual; approved, it is closed."),
		    r->frozen_by);
		row += 1 + ui_wrap(ui, row + 1, 2, ui->cols - 4, 3, s,
		    STYLE_ERROR);
		free(s);
	}
	if (q->tie != NULL)
		row += 1 + ui_wrap(ui, row + 1, 2, ui->cols - 4, 3, q->tie,
		    STYLE_ERROR);
	if (r->nchanges > 0)
		draw_changes(ui, r, row + 1);
	if (r->kind == REQ_DESTROY && r->state == REQ_PENDING) {
		/* Said in words, twice: it cannot be taken back. */
		row++;
		ui_text(ui, row++, 2, ui->cols - 4, _("WARNING: approving "
		    "erases this child's personal data irreversibly."),
		    STYLE_ERROR);
		ui_text(ui, row++, 2, ui->cols - 4, _("Only the number and a "
		    "certificate remain; nothing can be restored."),
		    STYLE_ERROR);
		ui_text(ui, row++, 2, ui->cols - 4, _("Until decided the "
		    "record is restricted: no values, not found."),
		    STYLE_DIM);
	}
}

/*
 * Re-read the request when its stamp moved (or forced); returns 1 if it
 * moved, saying what changed under the operator.
 */
static int
reread(struct ui *ui, struct req *q, int forced)
{
	enum request_state	 was;
	char			*cause = NULL;
	int64_t			 stamp;

	if (store_request_stamp(ui->s->st, q->id, &stamp, &cause) != XJ_OK) {
		free(cause);
		return 0;
	}
	if (!forced && stamp == q->stamp)
		return 0;
	was = q->r != NULL ? q->r->state : REQ_PENDING;
	load(ui, q);
	if (stamp == q->stamp && forced)
		return 0;
	if (q->r != NULL && q->r->state != was)
		ui_message(ui, 1, _("Request %" PRId64 " was decided at another "
		    "terminal: %s."), q->id, request_state_label(q->r->state));
	else
		ui_message(ui, 1, _("The record of request %" PRId64 " changed "
		    "at another terminal; it is shown as it is now."), q->id);
	return 1;
}

static int
request_refresh(struct ui *ui, void *p, int forced)
{
	reread(ui, p, forced);
	return UI_REDRAW;
}

/*
 * Whether request q may not be decided as shown: it, or its record,
 * changed since (shown again, said why), a change's old value is no
 * longer the record's (named by label, both values said), or a status
 * request's record no longer has the status it was filed against.
 * Checked before anything is asked.
 */
static int
stale(struct ui *ui, struct req *q)
{
	struct student	*st = NULL;
	const char	*v;
	char		*cause = NULL, *what = NULL, *item, *t;
	size_t		 i;

	if (reread(ui, q, 0))
		return 1;
	/* A status request filed against another status: the store says. */
	if (q->r != NULL && q->r->kind == REQ_STATUS &&
	    q->r->state == REQ_PENDING) {
		if (store_request_stale(ui->s->st, q->id, &cause) == XJ_OK)
			return 0;
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return 1;
	}
	if (q->r == NULL || q->r->kind != REQ_CHANGE ||
	    q->r->state != REQ_PENDING)
		return 0;
	if (store_student_get(ui->s->st, q->r->number, &st, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return 1;
	}
	for (i = 0; i < q->r->nchanges; i++) {
		v = student_value(st, q->r->changes[i].key);
		if (strcmp(v != NULL ? v : "", q->r->changes[i].old) == 0)
			continue;
		xasprintf(&item, _("%s was %s when requested and is %s now"),
		    ui_field_label(ui, q->r->changes[i].key),
		    *q->r->changes[i].old != '\0' ? q->r->changes[i].old :
		    _("(empty)"), v != NULL && *v != '\0' ? v : _("(empty)"));
		if (what == NULL)
			what = item;
		else {
			xasprintf(&t, "%s%s%s", what, _("; "), item);
			xfree_wipe(what);
			xfree_wipe(item);
			what = t;
		}
	}
	student_free(st);
	if (what == NULL)
		return 0;
	ui_message(ui, 1, _("Request %" PRId64 " no longer matches the record: "
	    "%s.  Reject it and request the change again from the record as "
	    "it is now."), q->id, what);
	xfree_wipe(what);
	return 1;
}

/* After a decision: back to the list, which reloads. */
static int
decided(struct ui *ui, struct req *q)
{
	ui->after = q->back.done;
	ui->after_arg = q->back.arg;
	return UI_POP;
}

/* The store said no: say why and stay, showing the request as it is. */
static int
refused(struct ui *ui, struct req *q, char *cause, int rc)
{
	if (rc == XJ_EBUSY || rc == XJ_EDATA)
		load(ui, q);
	ui_message(ui, 1, "%s", cause);
	free(cause);
	return UI_REDRAW;
}

static int
approve_yes(struct ui *ui, void *arg)
{
	struct req	*q = arg;
	char		*cause = NULL;
	int		 rc;

	if ((rc = store_request_approve(ui->s->st, q->id, &cause)) != XJ_OK)
		return refused(ui, q, cause, rc);
	ui_message(ui, 0, _("Request %" PRId64 " approved"), q->id);
	return decided(ui, q);
}

static int
show_certificate(struct ui *ui, void *arg)
{
	struct certificate_arg	ca;

	memset(&ca, 0, sizeof ca);
	ca.id = (int64_t)(intptr_t)arg;
	return ui_push(ui, &screen_certificate, &ca);
}

/*
 * What the store says while another terminal's read holds the write-ahead
 * log: said at once, since the approval waits seconds before it returns.
 */
static void
erase_wait(int what, void *arg)
{
	struct req	*q = arg;

	if (what == ERASE_WAITING) {
		ui_message(q->ui, 0, "%s", _("Another terminal is still "
		    "reading an older state of the branch; waiting a few "
		    "seconds for it so that the old pages can be erased..."));
		ui_show_now(q->ui);
	} else if (what == ERASE_PENDING)
		q->erase_pending = 1;
}

/* The second step typed: the number (or "yes"), then destroy. */
static int
destroy_typed(struct ui *ui, void *arg)
{
	struct req		*q = arg;
	struct destruction	*d = NULL;
	char			*cause = NULL;
	int			 rc;

	if (strcasecmp(q->typed, q->r->number) != 0 &&
	    strcasecmp(q->typed, "yes") != 0 &&
	    strcmp(q->typed, _("yes")) != 0) {
		ui_message(ui, 1, _("Nothing was destroyed: type the student "
		    "number %s, or yes."), q->r->number);
		return UI_REDRAW;
	}
	q->ui = ui;
	q->erase_pending = 0;
	store_on_wait(ui->s->st, erase_wait, q);
	rc = store_request_approve(ui->s->st, q->id, &cause);
	store_on_wait(ui->s->st, NULL, NULL);
	if (rc != XJ_OK)
		return refused(ui, q, cause, rc);
	if (q->erase_pending)
		ui_message(ui, 0, _("Request %" PRId64 " approved: the data of "
		    "%s are destroyed, but physical erasure is pending: the "
		    "write-ahead log still holds old pages until the other "
		    "terminals pause or close.  The certificate says when it "
		    "is done."), q->id, q->r->number);
	else
		ui_message(ui, 0, _("Request %" PRId64 " approved: the data of "
		    "%s are destroyed."), q->id, q->r->number);
	/* The list below reloads now; the certificate replaces this. */
	if (q->back.done != NULL)
		q->back.done(ui, q->back.arg);
	if (store_destruction_get(ui->s->st, 0, q->r->number, &d,
	    &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return UI_POP;
	}
	ui->after = show_certificate;
	ui->after_arg = (void *)(intptr_t)d->id;
	destruction_free(d);
	return UI_POP;
}

/* Yes to the first question: the deliberate second step. */
static int
destroy_confirm(struct ui *ui, void *arg)
{
	struct req	*q = arg;
	struct input	 in;
	char		*question;
	int		 rc;

	xasprintf(&question, _("To destroy, type the student number %s "
	    "(or yes):"), q->r->number);
	memset(&in, 0, sizeof in);
	in.question = question;
	in.detail = _("This is the last step; it cannot be undone.");
	in.required = 1;
	in.max = 64;
	in.out = &q->typed;
	in.done = destroy_typed;
	in.arg = q;
	rc = ui_push(ui, &screen_input, &in);
	free(question);
	return rc;
}

static int
reject_yes(struct ui *ui, void *arg)
{
	struct req	*q = arg;
	char		*cause = NULL;
	int		 rc;

	if ((rc = store_request_reject(ui->s->st, q->id, q->note, &cause)) !=
	    XJ_OK)
		return refused(ui, q, cause, rc);
	ui_message(ui, 0, _("Request %" PRId64 " rejected"), q->id);
	return decided(ui, q);
}

static int
withdraw_yes(struct ui *ui, void *arg)
{
	struct req	*q = arg;
	char		*cause = NULL;
	int		 rc;

	if ((rc = store_request_withdraw(ui->s->st, q->id, &cause)) != XJ_OK)
		return refused(ui, q, cause, rc);
	ui_message(ui, 0, _("Request %" PRId64 " withdrawn"), q->id);
	return decided(ui, q);
}

/* Ask yes or no about the request (a question naming the student). */
static int
ask(struct ui *ui, struct req *q, char *question, const char *detail,
    int (*yes)(struct ui *, void *))
{
	int	rc;

	rc = ui_ask(ui, question, detail, yes, q);
	free(question);
	return rc;
}

static const char *
name_of(const struct req *q)
{
	return q->r->name != NULL ? q->r->name : "";
}

/* The note is typed: now ask, showing it. */
static int
reject_ask(struct ui *ui, void *arg)
{
	struct req	*q = arg;
	char		*question, *detail;
	int		 rc;

	xasprintf(&question, _("Reject request %" PRId64 " for %s (%s)?"),
	    q->id, name_of(q), q->r->number);
	xasprintf(&detail, _("Note: %s"), q->note);
	rc = ask(ui, q, question, detail, reject_yes);
	xfree_wipe(detail);
	return rc;
}

/* Whether the operator at the screen filed r. */
static int
filed_by_me(struct ui *ui, const struct request *r)
{
	return ui->s->op != NULL && strcmp(r->requested_by,
	    ui->s->op->id) == 0;
}

static int
request_action(struct ui *ui, void *p, enum action a)
{
	struct req	*q = p;
	struct input	 in;
	char		*question;

	if (q->r == NULL)
		return 0;
	if (a == ACT_APPROVE && !filed_by_me(ui, q->r) && stale(ui, q))
		return UI_REDRAW;
	/*
	 * One's own request: nothing to ask or type.  The store refuses a
	 * decision by the requester (four eyes) and logs the refusal, as
	 * for any other try.
	 */
	if (a == ACT_APPROVE && filed_by_me(ui, q->r))
		return approve_yes(ui, q);
	if (a == ACT_REJECT && filed_by_me(ui, q->r))
		return reject_yes(ui, q);
	switch (a) {
	case ACT_APPROVE:
		if (q->r->kind == REQ_DESTROY) {
			xasprintf(&question, _("Destroy every personal value "
			    "of %s (%s)?"), name_of(q), q->r->number);
			return ask(ui, q, question, _("Irreversible: the "
			    "child's data are erased for good."),
			    destroy_confirm);
		}
		if (q->r->kind == REQ_STATUS) {
			xasprintf(&question, _("Approve request %" PRId64
			    " for %s (%s)?"), q->id, name_of(q),
			    q->r->number);
			return ask(ui, q, question, _("The status changes at "
			    "once."), approve_yes);
		}
		xasprintf(&question, _("Approve request %" PRId64 " for %s "
		    "(%s)?"), q->id, name_of(q), q->r->number);
		return ask(ui, q, question, _("The new values replace the old "
		    "ones at once."), approve_yes);
	case ACT_REJECT:
		memset(&in, 0, sizeof in);
		in.question = _("Why is it rejected?  The requester reads "
		    "this note.");
		in.required = 1;
		in.max = 200;
		in.out = &q->note;
		in.done = reject_ask;
		in.arg = q;
		return ui_push(ui, &screen_input, &in);
	case ACT_WITHDRAW:
		xasprintf(&question, _("Withdraw request %" PRId64 " for %s "
		    "(%s)?"), q->id, name_of(q), q->r->number);
		return ask(ui, q, question, NULL, withdraw_yes);
	default:
		return 0;
	}
}

static int
request_offers(struct ui *ui, void *p, enum action a)
{
	const struct request	*r = ((struct req *)p)->r;

	switch (a) {
	case ACT_APPROVE:
	case ACT_REJECT:
		/* The requester sees them too: the store says why not.
		 * One tied to the requester is told so on the screen. */
		return r != NULL && request_decidable(r) &&
		    ((struct req *)p)->tie == NULL;
	case ACT_WITHDRAW:
		return r != NULL && request_decidable(r) &&
		    filed_by_me(ui, r);
	default:
		return 1;
	}
}

const struct screen screen_request = {
	.name = "request",
	.actions = request_actions,
	.open = request_open,
	.close = request_close,
	.draw = request_draw,
	.action = request_action,
	.offers = request_offers,
	.reread = request_refresh,
};
