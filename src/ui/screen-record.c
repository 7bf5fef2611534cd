/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One student's record: every field the role may see, the consent, the
 * status, a pending request in words, and under them each field's
 * history (oldest first, so the newest is last).  Opening it is logged
 * by the store.  A field the form marks sensitive stays covered until
 * the operator reveals it, which is logged too.  From here a change is
 * requested, the status changed (or a change requested), the quarterly
 * review recorded and a destruction requested.  A record awaiting
 * destruction shows no value and says so; a destroyed one (a tombstone)
 * points to its certificate.  It follows the branch by the record's
 * stamp, which is not logged: the logged reads run only when what it
 * shows changed, and an action offered on what was shown is refused if
 * that changed since.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "ui.h"

struct record {
	char		*number;
	struct opened_for back;
	int		 changed;	/* status, review or destruction */
	/* What the status and destruction dialogs fill in. */
	int		 choice;
	enum student_status to[2];	/* the status choices offered */
	char		*reason;
	struct student	*st;
	int		 revealed;	/* the sensitive fields are shown */
	struct history_view hist;	/* the history pane below */
	int64_t		 stamp;		/* store_student_stamp() when read */
	int64_t		 asked;		/* the stamp a question was asked on */
};

/* Most used first: at 80 columns the key bar ends with destruction. */
static const enum action record_actions[] = {
	ACT_BACK, ACT_CHANGE, ACT_STATUS, ACT_REVIEW, ACT_DESTROY,
	ACT_CERTIFICATE, ACT_HELP, ACT_REVEAL, ACT_LOCK, ACT_UP, ACT_DOWN,
	ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_REDRAW, ACT_NONE
};

/* The statuses one can choose, and the reasons for a destruction. */
static const enum student_status choosable[] = {
	STATUS_ACTIVE, STATUS_COMPLETED, STATUS_WITHDRAWN,
};
static const char *const destroy_codes[] = {
	"guardian-request", "retention-ended", "withdrawal",
};

/* (Re)read the record and its history; both reads are logged. */
static void
load(struct ui *ui, struct record *r)
{
	struct history	*h = NULL;
	char		*cause = NULL;
	size_t		 nh = 0;

	student_free(r->st);
	r->st = NULL;
	history_view_free(&r->hist);
	if (store_student_stamp(ui->s->st, r->number, &r->stamp, &cause) !=
	    XJ_OK ||
	    store_student_get(ui->s->st, r->number, &r->st, &cause) != XJ_OK ||
	    store_history(ui->s->st, r->number, &h, &nh, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return;
	}
	history_view_set(&r->hist, h, nh);
}

/* Append item to the list *s, in the interface's separator. */
static void
list_add(char **s, const char *item)
{
	char	*t;

	if (*s == NULL) {
		*s = xstrdup(item);
		return;
	}
	xasprintf(&t, "%s%s%s", *s, _(", "), item);
	free(*s);
	*s = t;
}

/*
 * Re-read the record when its stamp moved (or when forced); returns 1
 * if it moved, with what changed under the operator in words in *out
 * (NULL if nothing shown did; the caller frees it).
 */
static int
reread(struct ui *ui, struct record *r, int forced, char **out)
{
	struct student	*old = NULL;
	char		*cause = NULL, *what = NULL, *item;
	const char	*v;
	int64_t		 stamp;
	size_t		 i;

	*out = NULL;
	if (store_student_stamp(ui->s->st, r->number, &stamp, &cause) !=
	    XJ_OK) {
		free(cause);
		return 0;
	}
	if (!forced && stamp == r->stamp)
		return 0;
	old = r->st;
	r->st = NULL;
	load(ui, r);
	r->revealed = 0;	/* a new read shows them covered again */
	if (old == NULL || r->st == NULL) {
		student_free(old);
		return stamp != r->stamp || !forced;
	}
	if (old->status != r->st->status) {
		xasprintf(&item, _("status %s → %s"), status_label(old->status),
		    status_label(r->st->status));
		list_add(&what, item);
		free(item);
	}
	if (old->frozen != r->st->frozen)
		list_add(&what, r->st->frozen ? _("a destruction was requested")
		    : _("the destruction request was decided"));
	else if (old->pending != r->st->pending) {
		xasprintf(&item, _("pending requests %d → %d"), old->pending,
		    r->st->pending);
		list_add(&what, item);
		free(item);
	}
	for (i = 0; i < r->st->nvalues; i++) {
		v = student_value(old, r->st->values[i].key);
		if (v == NULL || strcmp(v, r->st->values[i].value) != 0)
			list_add(&what, ui_field_label(ui, r->st->values[i].key));
	}
	if (old->next_review != r->st->next_review && what == NULL)
		list_add(&what, _("reviewed"));
	student_free(old);
	*out = what;
	return 1;
}

static int
record_refresh(struct ui *ui, void *p, int forced)
{
	char	*what;

	reread(ui, p, forced, &what);
	if (what != NULL) {
		ui_message(ui, 0, _("Changed at another terminal: %s."), what);
		free(what);
	}
	return UI_REDRAW;
}

/*
 * Whether the record changed since it was shown; if so it is shown
 * again and the action refused, before anything is asked.
 */
static int
stale(struct ui *ui, struct record *r)
{
	char	*what;

	if (!reread(ui, r, 0, &what))
		return 0;
	if (what == NULL)
		what = xstrdup(_("its requests"));
	ui_message(ui, 1, _("This record changed at another terminal since "
	    "it was shown (%s); it is shown again as it is now: look at it "
	    "and choose again."), what);
	free(what);
	return 1;
}

/*
 * At "yes": whether the record changed since the question was asked
 * (it may have been shown again under the dialog meanwhile).
 */
static int
stale_answer(struct ui *ui, struct record *r)
{
	if (stale(ui, r))
		return 1;
	if (r->stamp == r->asked)
		return 0;
	ui_message(ui, 1, "%s", _("This record changed at another terminal "
	    "while the question was open; nothing was done: look at it and "
	    "choose again."));
	return 1;
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
	const struct record_arg	*ra = arg;
	struct record		*r = xcalloc(1, sizeof *r);

	r->number = xstrdup(ra->number);
	r->back = ra->back;
	load(ui, r);
	return r;
}

static void
record_close(void *p)
{
	struct record	*r = p;

	student_free(r->st);
	history_view_free(&r->hist);
	free(r->number);
	xfree_wipe(r->reason);
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


/* Status, next review, and what restricts the record, in words. */
static int
draw_status(struct ui *ui, const struct record *r, int row)
{
	const struct student	*st = r->st;
	char			*line, *who, when[32];

	if (st->status == STATUS_DESTROYED) {
		xasprintf(&line, _("Status: %s.  Every personal value of this "
		    "student was erased."), status_label(st->status));
		ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
		free(line);
		if (ui_allowed(ui, ACT_CERTIFICATE))
			xasprintf(&line, _("Its destruction certificate: %s "
			    "opens it."), action_key_label(ACT_CERTIFICATE));
		else
			line = xstrdup(_("It has a destruction certificate, "
			    "which your role may not read."));
		ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
		free(line);
		return row;
	}
	xj_dayfmt(st->next_review, when, sizeof when);
	xasprintf(&line, st->next_review <= xj_now() ?
	    _("Status: %s · review due since %s") :
	    _("Status: %s · next review %s"), status_label(st->status), when);
	ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	if (st->changed_at != 0) {
		/* Why it is what it is (issue 20). */
		xj_dayfmt(st->changed_at, when, sizeof when);
		who = policy_who(ui->s->pol, st->changed_by);
		xasprintf(&line, _("Was %s until %s, changed by %s: %s"),
		    status_label(st->changed_from), when, who,
		    st->changed_reason);
		ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
		free(line);
		free(who);
	}
	if (st->frozen) {
		ui_text(ui, row++, 2, ui->cols - 4, _("Restricted: destruction "
		    "pending.  No value is shown until it is decided."),
		    STYLE_ERROR);
	}
	return row;
}

static void
record_draw(struct ui *ui, void *p)
{
	struct record		*r = p;
	const struct student	*st = r->st;
	char			*line, *who, when[32];
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
		label = ui_field_label(ui, st->values[i].key);
		if (utf8_width(label) + 2 > lw)
			lw = utf8_width(label) + 2;
	}
	for (i = 0; i < st->nvalues && row < ui->rows - 7; i++, row++) {
		ui_text(ui, row, 2, lw, ui_field_label(ui, st->values[i].key),
		    STYLE_DIM);
		ui_text(ui, row, 2 + lw, ui->cols - lw - 4, ui_value_shown(ui,
		    st->values[i].key, st->values[i].value, r->revealed), STYLE_NORMAL);
	}
	if (st->nvalues > 0)
		row++;
	row = draw_status(ui, r, row);
	if (st->status == STATUS_DESTROYED)
		return;
	xj_timefmt(st->consent_at, when, sizeof when);
	xasprintf(&line, _("Guardian's consent: %s, %s"),
	    st->consent_method != NULL ?
	    form_consent_label(ui->s->form, st->consent_method) : _("none"),
	    when);
	ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	xj_timefmt(st->enrolled_at, when, sizeof when);
	who = policy_who(ui->s->pol, st->enrolled_by);
	xasprintf(&line, _("Enrolled %s by %s"), when, who);
	ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	free(who);
	if (st->pending > 0 && !st->frozen) {
		/* In words: a colour alone would not reach everyone. */
		xasprintf(&line, st->pending == 1 ? _("Pending request: %d "
		    "request waits for a decision") : _("Pending requests: %d "
		    "requests wait for a decision"), st->pending);
		ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_ERROR);
		free(line);
	}
	row++;
	history_view_draw(ui, &r->hist, row, lw, r->revealed);
}

/* The student as the record names them (ui_naming). */
static char *
naming(const struct record *r)
{
	return ui_naming(r->st);
}

/* After a change the store made: show it, and tell the list below. */
static int
changed(struct ui *ui, struct record *r)
{
	load(ui, r);
	r->changed = 1;
	return UI_REDRAW;
}

static int
failed(struct ui *ui, char *cause)
{
	ui_message(ui, 1, "%s", cause);
	free(cause);
	return UI_REDRAW;
}

static int
ask(struct ui *ui, struct record *r, char *question, char *detail,
    int (*yes)(struct ui *, void *))
{
	int	rc;

	rc = ui_ask(ui, question, detail, yes, r);
	free(question);
	xfree_wipe(detail);
	return rc;
}

static int
status_yes(struct ui *ui, void *arg)
{
	struct record		*r = arg;
	enum student_status	 to = r->to[r->choice];
	char			*cause = NULL;
	int64_t			 id;

	if (stale_answer(ui, r))
		return UI_REDRAW;
	if (policy_allows(ui->s->op, PERM_STATUS_SET)) {
		if (store_status_set(ui->s->st, r->number, to, r->reason,
		    &cause) != XJ_OK)
			return failed(ui, cause);
		ui_message(ui, 0, _("%s is now %s."), r->number,
		    status_label(to));
	} else {
		if (store_status_request(ui->s->st, r->number, to, r->reason,
		    &id, &cause) != XJ_OK)
			return failed(ui, cause);
		ui_message(ui, 0, _("Request %" PRId64 " filed: %s → %s, for "
		    "a supervisor."), id, r->number, status_label(to));
	}
	return changed(ui, r);
}

/* The reason is typed: ask, naming the student and both statuses. */
static int
status_reason(struct ui *ui, void *arg)
{
	struct record	*r = arg;
	char		*who = naming(r), *question, *detail;

	xasprintf(&question, policy_allows(ui->s->op, PERM_STATUS_SET) ?
	    _("Change %s: %s → %s?") :
	    _("Request a change of %s: %s → %s?"), who,
	    status_label(r->st->status), status_label(r->to[r->choice]));
	xasprintf(&detail, _("Reason: %s"), r->reason);
	free(who);
	return ask(ui, r, question, detail, status_yes);
}

static int
status_chosen(struct ui *ui, void *arg)
{
	struct record	*r = arg;
	struct input	 in;

	memset(&in, 0, sizeof in);
	in.question = _("Why does the status change?  The reason is kept "
	    "with it.");
	in.required = 1;
	in.max = 200;
	in.out = &r->reason;
	in.done = status_reason;
	in.arg = r;
	return ui_push(ui, &screen_input, &in);
}

static int
ask_status(struct ui *ui, struct record *r)
{
	static const char	*items[2];
	struct choice		 c;
	char			*who = naming(r), *question;
	size_t			 i, n = 0;
	int			 rc;

	for (i = 0; i < nitems(choosable) && n < 2; i++) {
		if (choosable[i] == r->st->status)
			continue;
		r->to[n] = choosable[i];
		items[n++] = status_label(choosable[i]);
	}
	xasprintf(&question, _("New status for %s, now %s:"), who,
	    status_label(r->st->status));
	free(who);
	memset(&c, 0, sizeof c);
	c.question = question;
	c.detail = policy_allows(ui->s->op, PERM_STATUS_SET) ? NULL :
	    _("A supervisor decides; nothing changes until then.");
	c.items = items;
	c.n = n;
	c.out = &r->choice;
	c.done = status_chosen;
	c.arg = r;
	rc = ui_push(ui, &screen_choice, &c);
	free(question);
	return rc;
}

static int
review_yes(struct ui *ui, void *arg)
{
	struct record	*r = arg;
	char		*cause = NULL, when[32];

	if (stale_answer(ui, r))
		return UI_REDRAW;
	if (store_review(ui->s->st, r->number, NULL, &cause) != XJ_OK)
		return failed(ui, cause);
	changed(ui, r);
	if (r->st != NULL) {
		xj_dayfmt(r->st->next_review, when, sizeof when);
		ui_message(ui, 0, _("Reviewed.  The next review is due on %s."),
		    when);
	}
	return UI_REDRAW;
}

static int
ask_review(struct ui *ui, struct record *r)
{
	char	*who = naming(r), *question;

	xasprintf(&question, _("Mark the record of %s reviewed?"), who);
	free(who);
	return ask(ui, r, question, xstrdup(_("Its data are still accurate "
	    "and still needed.")), review_yes);
}

static int
destroy_yes(struct ui *ui, void *arg)
{
	struct record	*r = arg;
	char		*cause = NULL;
	int64_t		 id;

	if (stale_answer(ui, r))
		return UI_REDRAW;
	if (store_destroy_request(ui->s->st, r->number,
	    destroy_codes[r->choice], &id, &cause) != XJ_OK)
		return failed(ui, cause);
	ui_message(ui, 0, _("Request %" PRId64 " filed; the record is "
	    "restricted until it is decided."), id);
	return changed(ui, r);
}

static int
destroy_chosen(struct ui *ui, void *arg)
{
	struct record	*r = arg;
	char		*who = naming(r), *question, *detail;

	xasprintf(&question, _("Request destruction of %s?"), who);
	xasprintf(&detail, _("Why: %s.  Restricted until decided."),
	    destroy_reason_label(destroy_codes[r->choice]));
	free(who);
	return ask(ui, r, question, detail, destroy_yes);
}

static int
ask_destroy(struct ui *ui, struct record *r)
{
	static const char	*items[nitems(destroy_codes)];
	struct choice		 c;
	char			*who = naming(r), *question;
	size_t			 i;
	int			 rc;

	for (i = 0; i < nitems(items); i++)
		items[i] = destroy_reason_label(destroy_codes[i]);
	xasprintf(&question, _("Why destroy the data of %s?"), who);
	free(who);
	memset(&c, 0, sizeof c);
	c.question = question;
	c.detail = _("A supervisor must approve; it cannot be undone.");
	c.items = items;
	c.n = nitems(items);
	c.out = &r->choice;
	c.done = destroy_chosen;
	c.arg = r;
	rc = ui_push(ui, &screen_choice, &c);
	free(question);
	return rc;
}

static int
open_certificate(struct ui *ui, struct record *r)
{
	struct certificate_arg	ca;

	memset(&ca, 0, sizeof ca);
	ca.number = r->number;
	return ui_push(ui, &screen_certificate, &ca);
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

	if (a == ACT_BACK) {
		/* Not handled: the main loop pops, then the list reloads. */
		if (r->changed && r->back.done != NULL) {
			ui->after = r->back.done;
			ui->after_arg = r->back.arg;
		}
		return 0;
	}
	if (r->st == NULL)
		return 0;
	page = (size_t)(ui->rows > 16 ? ui->rows / 3 : 4);
	switch (a) {
	case ACT_CHANGE:
	case ACT_STATUS:
	case ACT_REVIEW:
	case ACT_DESTROY:
		if (stale(ui, r))
			return UI_REDRAW;
		r->asked = r->stamp;
		break;
	default:
		break;
	}
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
	case ACT_STATUS:
		return ask_status(ui, r);
	case ACT_REVIEW:
		return ask_review(ui, r);
	case ACT_DESTROY:
		return ask_destroy(ui, r);
	case ACT_CERTIFICATE:
		return open_certificate(ui, r);
	case ACT_UP:
	case ACT_PAGE_UP:
		page = a == ACT_UP ? 1 : page;
		r->hist.top = r->hist.top > page ? r->hist.top - page : 0;
		return UI_HANDLED;
	case ACT_DOWN:
	case ACT_PAGE_DOWN:
		/* Drawing clamps it to the last page. */
		r->hist.top += a == ACT_DOWN ? 1 : page;
		return UI_HANDLED;
	default:
		return 0;
	}
}

static int
record_offers(struct ui *ui, void *p, enum action a)
{
	const struct student	*st = ((struct record *)p)->st;
	int			 live;

	(void)ui;
	if (st == NULL)
		return a != ACT_CHANGE && a != ACT_REVEAL && a != ACT_STATUS &&
		    a != ACT_REVIEW && a != ACT_DESTROY &&
		    a != ACT_CERTIFICATE;
	live = st->status != STATUS_DESTROYED && !st->frozen;
	switch (a) {
	case ACT_CHANGE:
	case ACT_STATUS:
	case ACT_REVIEW:
	case ACT_DESTROY:
		return live;
	case ACT_REVEAL:
		return live;
	case ACT_CERTIFICATE:
		return st->status == STATUS_DESTROYED;
	default:
		return 1;
	}
}

const struct screen screen_record = {
	.name = "record",
	.actions = record_actions,
	.open = record_open,
	.close = record_close,
	.draw = record_draw,
	.action = record_action,
	.offers = record_offers,
	.reread = record_refresh,
};
