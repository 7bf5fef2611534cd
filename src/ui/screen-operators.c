/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Operators (operator.manage): everyone the roles file lists, with their
 * role, whether they have a key slot, when they last logged in and how
 * many failed logins the log holds for them in the last 30 days.  F2
 * gives the operator selected a key slot: they type their passphrase
 * twice at this terminal, and choose their own at their first login.
 * F3 resets a forgotten passphrase.  Adding, resetting or removing
 * another supervisor takes a second supervisor, who types theirs first,
 * so that one person cannot hold two approvers.  F4 removes a slot and F5
 * rotates the database key, re-encrypting it.  All of it goes through
 * the session's operator functions, as xueji operator does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/keys.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "ui.h"

#define LIST_TOP	4
#define FAILED_DAYS	30

struct row {
	const struct operator	*op;
	int			 slot;
	time_t			 last;
	long			 failed;
};

struct operators {
	struct row	*v;
	size_t		 n, sel, top;
	/* Typed in the dialogs, secure memory. */
	char		*agree, *agree_pass, *pass;
	size_t		 agree_len, len;
	int		 kdf;
	char		*target;	/* the id acted on */
};

static const enum action operators_actions[] = {
	ACT_OP_ADD, ACT_OP_RESET, ACT_OP_REMOVE, ACT_ROTATE_KEY, ACT_UP,
	ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_HELP, ACT_LOCK,
	ACT_REDRAW, ACT_NONE
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 3;
}

static void
load(struct ui *ui, struct operators *o)
{
	const struct policy	*pol = ui->s->pol;
	struct row		*r;
	char			*cause = NULL;
	size_t			 i;

	free(o->v);
	o->v = xcalloc(pol->noperators > 0 ? pol->noperators : 1,
	    sizeof *o->v);
	o->n = pol->noperators;
	for (i = 0; i < o->n; i++) {
		r = &o->v[i];
		r->op = &pol->operators[i];
		r->slot = keyring_has(ui->s->keys, r->op->id);
		if (store_operator_activity(ui->s->st, r->op->id, xj_now() -
		    FAILED_DAYS * 24 * 60 * 60, &r->last, &r->failed,
		    &cause) != XJ_OK) {
			ui_message(ui, 1, "%s", cause);
			free(cause);
			cause = NULL;
		}
	}
	if (o->sel >= o->n)
		o->sel = o->n > 0 ? o->n - 1 : 0;
}

static void
wipe_typed(struct operators *o)
{
	secure_free(o->agree);
	secure_free(o->agree_pass);
	secure_free(o->pass);
	o->agree = o->agree_pass = o->pass = NULL;
	o->agree_len = o->len = 0;
}

/*
 * Another terminal logged in, failed to, or changed a slot: the list as
 * it is now (the slots read again from disk), the selection kept.
 */
static int
operators_reread(struct ui *ui, void *p, int forced)
{
	char	*cause = NULL;

	(void)forced;
	if (session_slots_read(ui->s, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	load(ui, p);
	return UI_REDRAW;
}

static void *
operators_open(struct ui *ui, void *arg)
{
	struct operators	*o = xcalloc(1, sizeof *o);

	(void)arg;
	load(ui, o);
	return o;
}

static void
operators_close(void *p)
{
	struct operators	*o = p;

	wipe_typed(o);
	free(o->target);
	free(o->v);
	free(o);
}

static void
operators_draw(struct ui *ui, void *p)
{
	struct operators	*o = p;
	const struct row	*r;
	enum ui_style		 st;
	char			 when[32], failed[16];
	int			 rows = list_rows(ui), row;
	size_t			 i;

	ui_title(ui, _("Operators"));
	ui_text(ui, 1, 2, ui->cols - 4, _("Everyone roles.yaml lists; failed "
	    "logins of the last 30 days."), STYLE_DIM);
	ui_text(ui, 3, 2, 14, _("Id"), STYLE_DIM);
	ui_text(ui, 3, 17, 10, _("Name"), STYLE_DIM);
	ui_text(ui, 3, 28, 10, _("Role"), STYLE_DIM);
	ui_text(ui, 3, 39, 8, _("Key slot"), STYLE_DIM);
	ui_text(ui, 3, 49, 17, _("Last login"), STYLE_DIM);
	ui_text(ui, 3, 67, ui->cols - 68, _("Failed"), STYLE_DIM);
	ui_list_scroll(&o->top, o->sel, rows);
	for (i = o->top; i < o->n && i < o->top + (size_t)rows; i++) {
		r = &o->v[i];
		row = LIST_TOP + (int)(i - o->top);
		st = i == o->sel ? STYLE_SELECT : r->failed > 0 ?
		    STYLE_ERROR : STYLE_NORMAL;
		if (i == o->sel)
			ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
		ui_text(ui, row, 0, 2, i == o->sel ? ">" : " ", st);
		ui_text(ui, row, 2, 14, r->op->id, st);
		ui_text(ui, row, 17, 10, r->op->name, st);
		ui_text(ui, row, 28, 10, role_label(r->op->role), st);
		ui_text(ui, row, 39, 8, r->slot ? _("yes") : _("none"), st);
		if (r->last != 0)
			xj_timefmt(r->last, when, sizeof when);
		else
			snprintf(when, sizeof when, "-");
		ui_text(ui, row, 49, 17, when, st);
		snprintf(failed, sizeof failed, "%ld", r->failed);
		ui_text(ui, row, 67, ui->cols - 68, failed, st);
	}
}

static const struct row *
selected(const struct operators *o)
{
	return o->sel < o->n ? &o->v[o->sel] : NULL;
}

/*
 * What an operation said in the status line, ok (malloc'd) or the
 * cause; the typed passphrases wiped and the list read again.
 */
static int
said(struct ui *ui, struct operators *o, int rc, char *cause, char *ok)
{
	if (rc == XJ_OK)
		ui_message(ui, 0, "%s", ok);
	else
		ui_message(ui, 1, "%s", cause != NULL ? cause : "?");
	free(ok);
	free(cause);
	wipe_typed(o);
	load(ui, o);
	return UI_REDRAW;
}

/* Said before work that takes seconds (the KDF, a re-encryption). */
static void
working(struct ui *ui, const char *what)
{
	erase();
	ui_title(ui, _("Operators"));
	ui_text(ui, 2, 2, ui->cols - 4, what, STYLE_NORMAL);
	refresh();
}

static int
added(struct ui *ui, void *arg)
{
	struct operators	*o = arg;
	char			*cause = NULL, *ok = NULL;
	int			 rc;

	working(ui, _("Sealing the branch key to the new passphrase…"));
	rc = session_operator_add(ui->s, o->target, o->pass, o->len,
	    (enum kdf_profile)o->kdf, o->agree, o->agree_pass, o->agree_len,
	    &cause);
	if (rc == XJ_OK)
		xasprintf(&ok, _("%s has a key slot now and can log in."),
		    o->target);
	return said(ui, o, rc, cause, ok);
}

static int
reset_done(struct ui *ui, void *arg)
{
	struct operators	*o = arg;
	char			*cause = NULL, *ok = NULL;
	int			 rc;

	working(ui, _("Sealing the branch key to the new passphrase…"));
	rc = session_operator_reset(ui->s, o->target, o->pass, o->len,
	    (enum kdf_profile)o->kdf, o->agree, o->agree_pass, o->agree_len,
	    &cause);
	if (rc == XJ_OK)
		xasprintf(&ok, _("%s's passphrase is reset."), o->target);
	return said(ui, o, rc, cause, ok);
}

/* Ask the new passphrase, for id, then run done. */
static int
ask_new(struct ui *ui, struct operators *o, int (*done)(struct ui *,
    void *))
{
	struct passphrase	 pp;
	char			*title;
	int			 rc;

	memset(&pp, 0, sizeof pp);
	xasprintf(&title, _("%s types their new passphrase, twice:"),
	    o->target);
	pp.title = title;
	pp.pass = &o->pass;
	pp.len = &o->len;
	pp.kdf = &o->kdf;
	pp.done = done;
	pp.arg = o;
	rc = ui_push(ui, &screen_passphrase, &pp);
	free(title);
	return rc;
}

static int
add_new(struct ui *ui, void *arg)
{
	return ask_new(ui, arg, added);
}

static int
reset_new(struct ui *ui, void *arg)
{
	return ask_new(ui, arg, reset_done);
}

static int
removed(struct ui *ui, void *arg)
{
	struct operators	*o = arg;
	char			*cause = NULL, *ok = NULL;
	int			 rc;

	working(ui, _("Removing the key slot and re-encrypting the database "
	    "under a new key…"));
	rc = session_operator_remove(ui->s, o->target, o->agree,
	    o->agree_pass, o->agree_len, &cause);
	if (rc == XJ_OK)
		xasprintf(&ok, _("%s's key slot is removed; the database "
		    "is under a new key."), o->target);
	return said(ui, o, rc, cause, ok);
}

static int
rotated(struct ui *ui, void *arg)
{
	struct operators	*o = arg;
	char			*cause = NULL;
	int			 rc;

	working(ui, _("Re-encrypting the database under a new key…"));
	rc = session_rotate_key(ui->s, &cause);
	return said(ui, o, rc, cause, xstrdup(_("The database is under a "
	    "new key.")));
}

/*
 * Change c of the target's slot, then done: first, when it needs one, a
 * second supervisor's agreement, typed here (session_operator_agreement
 * says whether; the session checks it again).
 */
static int
agree_first(struct ui *ui, struct operators *o, enum slot_change c,
    int (*done)(struct ui *, void *))
{
	struct passphrase	 pp;
	char			*q, *who;
	int			 rc;

	switch (session_operator_agreement(ui->s, o->target, c)) {
	case AGREE_NONE:
		return done(ui, o);
	case AGREE_NOBODY:
		q = policy_who(ui->s->pol, o->target);
		ui_message(ui, 1, _("%s manages operators too, so a second "
		    "supervisor must agree to the reset, and this branch has "
		    "no other supervisor with a key slot."), q);
		free(q);
		return UI_REDRAW;
	case AGREE_NEEDED:
		break;
	}
	memset(&pp, 0, sizeof pp);
	who = policy_who(ui->s->pol, o->target);
	xasprintf(&q, _("%s manages operators too: a second supervisor "
	    "agrees first."), who);
	free(who);
	pp.title = q;
	pp.agree = 1;
	pp.id = &o->agree;
	pp.pass = &o->agree_pass;
	pp.len = &o->agree_len;
	pp.done = done;
	pp.arg = o;
	rc = ui_push(ui, &screen_passphrase, &pp);
	free(q);
	return rc;
}

static int
remove_agreed(struct ui *ui, void *arg)
{
	return agree_first(ui, arg, SLOT_REMOVE, removed);
}

static int
operators_action(struct ui *ui, void *p, enum action a)
{
	struct operators	*o = p;
	const struct row	*r = selected(o);
	char			*q, *who;
	int			 rc;
	size_t			 page = (size_t)(list_rows(ui) > 1 ?
				     list_rows(ui) - 1 : 1);

	if (ui_list_move(&o->sel, o->n, page, a))
		return UI_HANDLED;
	if (r == NULL && a != ACT_ROTATE_KEY)
		return 0;
	wipe_typed(o);
	if (r != NULL) {
		free(o->target);
		o->target = xstrdup(r->op->id);
	}
	switch (a) {
	case ACT_OP_ADD:
		return agree_first(ui, o, SLOT_ADD, add_new);
	case ACT_OP_RESET:
		return agree_first(ui, o, SLOT_RESET, reset_new);
	case ACT_OP_REMOVE:
		who = policy_who(ui->s->pol, o->target);
		xasprintf(&q, _("Remove %s's key slot?"), who);
		free(who);
		rc = ui_ask(ui, q, _("The database is then re-encrypted under "
		    "a new key; no other session may be open."), remove_agreed,
		    o);
		free(q);
		return rc;
	case ACT_ROTATE_KEY:
		return ui_ask(ui, _("Re-encrypt the database under a new key?"),
		    _("Backups made before stay under the old key: keep the "
		    "old key slots file with them."), rotated, o);
	default:
		return 0;
	}
}

static int
operators_offers(struct ui *ui, void *p, enum action a)
{
	struct operators	*o = p;
	const struct row	*r = selected(o);

	switch (a) {
	case ACT_OP_ADD:
		return r != NULL && !r->slot;
	case ACT_OP_RESET:
		return r != NULL && r->slot &&
		    strcmp(r->op->id, ui->s->op->id) != 0;
	case ACT_OP_REMOVE:
		return r != NULL && r->slot;
	default:
		return 1;
	}
}

const struct screen screen_operators = {
	.name = "operators",
	.actions = operators_actions,
	.open = operators_open,
	.close = operators_close,
	.draw = operators_draw,
	.reread = operators_reread,
	.action = operators_action,
	.offers = operators_offers,
};
