/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The login screen: operator id and passphrase.  Nothing of the
 * passphrase is echoed, not even its length.  A failure is logged (by
 * the session) and the screen then refuses input for a delay that
 * doubles with every failure.  An operator whose passphrase someone
 * else set chooses their own first (first_ask), or is logged out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

#define ID_MAX		32
#define PASS_MAX	256

struct login {
	struct lineedit	*id;
	struct lineedit	*pass;
	int		 focus;		/* 0: id, 1: passphrase */
	double		 wait_until;	/* xj_monotonic(); input refused */
};

static const enum action login_actions[] = {
	ACT_LOGIN, ACT_NEXT, ACT_PREV, ACT_QUIT, ACT_HELP, ACT_REDRAW,
	ACT_NONE
};

static void *
login_open(struct ui *ui, void *arg)
{
	struct login	*l = xcalloc(1, sizeof *l);

	(void)arg;
	l->id = le_new(ID_MAX);
	l->pass = le_new_secret(PASS_MAX);
	/* After an idle lock, the same operator: ask only the passphrase. */
	le_set_utf8(l->id, ui->last_id, strlen(ui->last_id));
	if (le_len(l->id) > 0)
		l->focus = 1;
	return l;
}

static void
login_close(void *p)
{
	struct login	*l = p;

	le_free(l->id);
	le_free(l->pass);
	free(l);
}

static void
login_draw(struct ui *ui, void *p)
{
	struct login	*l = p;
	const char	*id_label = _("Operator:"), *pass_label = _("Passphrase:");
	const char	*held;
	int		 top = ui->rows / 2 - 4, lw, col, wait;
	char		*m;

	ui_title(ui, _("xueji — student records"));
	ui_centre(ui, top, ui->s->cfg->branch_name, STYLE_NORMAL);
	lw = utf8_width(id_label);
	if (utf8_width(pass_label) > lw)
		lw = utf8_width(pass_label);
	col = (ui->cols - lw - 2 - 30) / 2;
	ui_text(ui, top + 2, col, lw, id_label, STYLE_NORMAL);
	ui_text(ui, top + 4, col, lw, pass_label, STYLE_NORMAL);
	ui_field(ui, top + 2, col + lw + 2, 30, l->id, l->focus == 0, 0);
	ui_field(ui, top + 4, col + lw + 2, 30, l->pass, l->focus == 1, 1);
	if (ui_work_held(ui, &held)) {
		/* Said before anyone types: whose work waits, and its fate. */
		xasprintf(&m, _("Locked.  %s's screens are kept for them; "
		    "another operator's login closes them."), held);
		ui_wrap(ui, top + 8, 4, ui->cols - 8, 2, m, STYLE_DIM);
		free(m);
	}
	wait = (int)(l->wait_until - xj_monotonic() + 0.999);
	if (wait > 0) {
		xasprintf(&m, _("Wait %d s before trying again."), wait);
		ui_centre(ui, top + 6, m, STYLE_ERROR);
		free(m);
		ui->cursor_row = -1;
	}
}

/* An upgrade in place at the login takes long: said as it goes. */
static void
login_progress(int percent, const char *what, void *arg)
{
	struct ui	*ui = arg;

	ui_message(ui, 0, _("Upgrading this branch's database: %s (%d%%)"),
	    what, percent);
	ui_show_now(ui);
}

/*
 * A first login after someone else set the slot: the passphrase typed
 * at the login (to open the slot again for the change) and the new one.
 * Static, not allocated: an idle lock may hold the dialog that points
 * here until the next login drops it.
 */
static struct {
	char		*old, *pass;	/* secure memory */
	size_t		 oldlen, len;
	int		 kdf;
} first;

static void
first_free(void)
{
	secure_free(first.old);
	secure_free(first.pass);
	memset(&first, 0, sizeof first);
}

static int	first_ask(struct ui *);

/* The new passphrase typed: made theirs, then on to the menu. */
static int
first_done(struct ui *ui, void *arg)
{
	char	*cause = NULL;
	int	 rc;

	(void)arg;
	rc = session_operator_passwd(ui->s, first.old, first.oldlen,
	    first.pass, first.len, (enum kdf_profile)first.kdf, &cause);
	secure_free(first.pass);
	first.pass = NULL;
	if (rc != XJ_OK) {
		/* Too weak, say: asked again, still before anything else. */
		ui_message(ui, 1, "%s", cause);
		free(cause);
		return first_ask(ui);
	}
	first_free();
	ui_message(ui, 0, "%s", _("Your passphrase is your own now."));
	return ui_unlocked(ui);
}

/* Esc: not now, so not at all; logged out, back at the login. */
static int
first_cancel(struct ui *ui, void *arg)
{
	(void)arg;
	first_free();
	session_logout(ui->s);
	ui_message(ui, 1, "%s", _("Logged out: a passphrase someone else set "
	    "opens nothing else until you choose your own."));
	return ui_push(ui, &screen_login, NULL);
}

static int
first_ask(struct ui *ui)
{
	struct passphrase	 pp;
	char			*who, *title, when[32];
	int			 rc;

	who = policy_who(ui->s->pol, ui->s->set_by);
	xj_timefmt(ui->s->set_at, when, sizeof when);
	/* TRANSLATORS: who set it ("陈静（supervisor1）"), then when. */
	xasprintf(&title, _("%s set your passphrase (%s) and knows it.  "
	    "Choose your own before anything else:"), who, when);
	memset(&pp, 0, sizeof pp);
	pp.title = title;
	pp.pass = &first.pass;
	pp.len = &first.len;
	pp.kdf = &first.kdf;
	pp.done = first_done;
	pp.cancel = first_cancel;
	rc = ui_push(ui, &screen_passphrase, &pp);
	free(title);
	free(who);
	return rc;
}

static int
login_try(struct ui *ui, struct login *l)
{
	char	*id, *pass, *cause = NULL;
	size_t	 len;
	int	 rc;

	id = le_get_utf8(l->id);
	pass = le_get_utf8(l->pass);
	len = strlen(pass);
	le_clear(l->pass);
	if (*id == '\0') {
		free(id);
		secure_free(pass);
		l->focus = 0;
		ui_message(ui, 1, "%s", _("Type your operator id."));
		return UI_HANDLED;
	}
	/* Enter on an empty passphrase is no attempt, and costs none. */
	if (len == 0) {
		free(id);
		secure_free(pass);
		l->focus = 1;
		ui_message(ui, 1, "%s", _("Type your passphrase."));
		return UI_HANDLED;
	}
	ui->s->progress = login_progress;
	ui->s->progress_arg = ui;
	rc = session_login(ui->s, id, pass, len, &cause);
	if (rc == XJ_OK && ui->s->set_by != NULL) {
		/* Kept to open the slot again for the change. */
		first_free();
		first.old = pass;
		first.oldlen = len;
		pass = NULL;
	}
	secure_free(pass);
	if (rc != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		free(id);
		l->wait_until = xj_monotonic() + session_failure_delay(ui->s);
		return UI_HANDLED;
	}
	/* Remember who, for the login after an idle lock. */
	snprintf(ui->last_id, sizeof ui->last_id, "%s", id);
	free(id);
	ui_message(ui, 0, NULL);
	return UI_POP;
}

static int
login_after(struct ui *ui, void *arg)
{
	(void)arg;
	if (ui->s->set_by != NULL) {
		/* Nothing kept over a lock comes back before the change,
		 * not even this dialog (it points at first). */
		ui_drop_held(ui);
		return first_ask(ui);
	}
	return ui_unlocked(ui);
}

static int
login_action(struct ui *ui, void *p, enum action a)
{
	struct login	*l = p;
	int		 r;

	if (xj_monotonic() < l->wait_until)
		return UI_HANDLED;
	switch (a) {
	case ACT_NEXT:
	case ACT_LOGIN:
		if (l->focus == 0 && a == ACT_NEXT) {
			l->focus = 1;
			return UI_HANDLED;
		}
		if (l->focus == 0) {
			l->focus = 1;
			return UI_HANDLED;
		}
		r = login_try(ui, l);
		if (r & UI_POP) {
			ui->after = login_after;
			ui->after_arg = NULL;
		}
		return r;
	case ACT_PREV:
		l->focus = 0;
		return UI_HANDLED;
	case ACT_QUIT:
		return UI_QUIT;
	default:
		return 0;
	}
}

static int
login_text(struct ui *ui, void *p, const wchar_t *s, size_t n)
{
	struct login	*l = p;

	if (xj_monotonic() < l->wait_until)
		return UI_HANDLED;	/* typed during the delay: dropped */
	ui_field_insert(ui, l->focus == 0 ? l->id : l->pass, s, n);
	return UI_HANDLED;
}

static int
login_edit(struct ui *ui, void *p, int key)
{
	struct login	*l = p;

	(void)ui;
	if (xj_monotonic() >= l->wait_until)
		ui_field_key(l->focus == 0 ? l->id : l->pass, key);
	return UI_HANDLED;
}

const struct screen screen_login = {
	.name = "login",
	.actions = login_actions,
	.open = login_open,
	.close = login_close,
	.draw = login_draw,
	.action = login_action,
	.text = login_text,
	.edit = login_edit,
};
