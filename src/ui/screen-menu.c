/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The main menu: only what the operator's role permits is listed.
 *
 * Under the items, what needs doing about the branch as a whole: when
 * the last backup was, with a warning once it is older than
 * backup_warn_days (or there was none); when the last successful
 * restore drill was, with a warning once it is older than
 * restore_drill_warn_days (or there was none) to those who can run one;
 * when the last checkpoint of the log was, with a warning once it is
 * older than checkpoint_warn_days, to those who may write one; and how
 * many guardians' requests are past their due date.  All come
 * from the store without reading personal data, so the menu reads them
 * again whenever another terminal commits (a drill run there) and every
 * minute (a date passes without any commit).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "xueji/backup.h"
#include "xueji/guardian.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "ui.h"

#define RELOAD_EVERY	60	/* seconds */
#define NOTICES		4	/* lines under the items, at most */

struct menu_item {
	enum action	 action;
	const char	*label;		/* N_() */
	/*
	 * Listed only for an operator holding one of these too (0: the
	 * action's permission is enough).  The destruction records are
	 * the reports' for an auditor, not a menu item of their own.
	 */
	perm_set	 also;
};

static const struct menu_item items[] = {
	{ ACT_SEARCH, N_("Find a student"), 0 },
	{ ACT_ENROL, N_("Enrol a student"), 0 },
	{ ACT_QUEUE, N_("Approval queue"), 0 },
	{ ACT_CONFIRMATIONS, N_("Guardian confirmations"), 0 },
	{ ACT_MINE, N_("My pending requests"), 0 },
	{ ACT_ARCHIVE, N_("Archive"), 0 },
	{ ACT_DESTRUCTIONS, N_("Destruction records"),
	    PERM_BIT(PERM_DESTROY_REQUEST) | PERM_BIT(PERM_DESTROY_APPROVE) },
	{ ACT_AUDIT_LOG, N_("Operation log"), 0 },
	{ ACT_VERIFY, N_("Verify the log"), 0 },
	{ ACT_REPORTS, N_("Reports"), 0 },
	{ ACT_ANALYSIS, N_("Access analysis"), 0 },
	{ ACT_GUARDIANS, N_("Guardians' requests register"), 0 },
	{ ACT_IMPORT, N_("Import students (CSV)"), 0 },
	{ ACT_EXPORT, N_("Export students (CSV)"), 0 },
	{ ACT_CHECKPOINTS, N_("Checkpoints of the log"), 0 },
	{ ACT_BACKUPS, N_("Backups and restore drills"), 0 },
	{ ACT_OPERATORS, N_("Operators and keys"), 0 },
	{ ACT_LOCK, N_("Lock the terminal"), 0 },
	{ ACT_QUIT, N_("Log out and quit"), 0 },
};

struct menu {
	int	 sel;
	time_t	 loaded;
	int	 drill;		/* the drill's line is shown */
	time_t	 drill_at;	/* the last successful one, 0: none */
	int	 drill_due;
	int	 backup;	/* the backup's line is shown */
	time_t	 backup_at;	/* the last one, 0: none */
	int	 backup_due;
	int	 checkpoint;	/* the checkpoint's line is shown */
	time_t	 checkpoint_at;	/* the last one, 0: none */
	int	 checkpoint_due;
	long	 overdue;	/* guardians' requests past due; -1: not
				   shown */
};

static const enum action menu_actions[] = {
	ACT_OPEN, ACT_SEARCH, ACT_ENROL, ACT_QUEUE, ACT_CONFIRMATIONS,
	ACT_MINE, ACT_ARCHIVE, ACT_DESTRUCTIONS, ACT_AUDIT_LOG, ACT_VERIFY,
	ACT_REPORTS, ACT_ANALYSIS, ACT_GUARDIANS, ACT_IMPORT, ACT_EXPORT,
	ACT_CHECKPOINTS, ACT_BACKUPS,
	ACT_OPERATORS,
	ACT_UP, ACT_DOWN, ACT_LOCK, ACT_QUIT,
	ACT_HELP, ACT_REDRAW, ACT_NONE
};

/* Whether the operator holds one of the permissions in set. */
static int
holds_any(const struct ui *ui, perm_set set)
{
	int	p;

	for (p = 0; p < PERM__COUNT && ui->s->op != NULL; p++) {
		if ((set & PERM_BIT(p)) &&
		    policy_allows(ui->s->op, (enum perm)p))
			return 1;
	}
	return 0;
}

static int
item_visible(struct ui *ui, const struct menu_item *it)
{
	return ui_allowed(ui, it->action) &&
	    (it->also == 0 || holds_any(ui, it->also));
}

/* The items this operator may use, in order; returns how many. */
static size_t
visible(struct ui *ui, const struct menu_item **out)
{
	size_t	i, n = 0;

	for (i = 0; i < nitems(items); i++) {
		if (item_visible(ui, &items[i]))
			out[n++] = &items[i];
	}
	return n;
}

/* A menu item's key works, and shows, only when the item is listed. */
static int
menu_offers(struct ui *ui, void *p, enum action a)
{
	size_t	i;

	(void)p;
	for (i = 0; i < nitems(items); i++) {
		if (items[i].action == a)
			return item_visible(ui, &items[i]);
	}
	return 1;
}

/* The items are listed with their keys: the key bar need not repeat
 * them (at 80 columns it could not hold them all). */
static int
menu_lists(enum action a)
{
	size_t	i;

	for (i = 0; i < nitems(items); i++) {
		if (items[i].action == a)
			return 1;
	}
	return 0;
}

/*
 * The drill concerns whoever can run one (restore.run) or makes the
 * backups it checks (backup.run), and the auditor, who reads the
 * branch's metrics (report.view) and is there to notice that drills
 * stopped.  Only those who can run one are warned; the auditor reads
 * the date plainly.  At the counter nobody can do anything about it:
 * the receptionist is not shown it.
 */
static const perm_set drill_perms = PERM_BIT(PERM_RESTORE_RUN) |
    PERM_BIT(PERM_BACKUP_RUN) | PERM_BIT(PERM_REPORT_VIEW);
static const perm_set drill_warned = PERM_BIT(PERM_RESTORE_RUN);

/* Read the notices again. */
static void
load(struct ui *ui, struct menu *m)
{
	time_t	now = xj_now();
	int64_t	seq;

	m->loaded = now;
	m->drill = holds_any(ui, drill_perms) &&
	    store_last_drill(ui->s->st, &m->drill_at) == XJ_OK;
	m->drill_due = m->drill && store_drill_due(ui->s->st, now);
	m->backup = holds_any(ui, PERM_BIT(PERM_BACKUP_RUN)) &&
	    store_last_backup(ui->s->st, &m->backup_at) == XJ_OK;
	m->backup_due = m->backup && store_backup_due(ui->s->st, now);
	m->checkpoint = holds_any(ui, PERM_BIT(PERM_CHECKPOINT_WRITE)) &&
	    store_last_checkpoint(ui->s->st, &seq, &m->checkpoint_at) == XJ_OK;
	m->checkpoint_due = m->checkpoint &&
	    store_checkpoint_due(ui->s->st, now);
	/*
	 * The overdue guardians' requests are listed in the approval queue
	 * for whoever also manages them: point there.  Others who may count
	 * them (report.view) find them in the reports.
	 */
	m->overdue = -1;
	if (ui_allowed(ui, ACT_QUEUE) && holds_any(ui,
	    PERM_BIT(PERM_REQUEST_MANAGE)) &&
	    store_guardian_overdue(ui->s->st, now, &m->overdue) != XJ_OK)
		m->overdue = -1;
}

static void *
menu_open(struct ui *ui, void *arg)
{
	struct menu	*m = xcalloc(1, sizeof *m);

	(void)arg;
	load(ui, m);
	return m;
}

/* About once a second: read again after a commit, or a minute on. */
static int
menu_tick(struct ui *ui, void *p)
{
	struct menu	*m = p;

	if (xj_now() - m->loaded < RELOAD_EVERY)
		return 0;
	load(ui, m);
	return UI_REDRAW;
}

/* A drill or a request at another terminal: the notices follow. */
static int
menu_reread(struct ui *ui, void *p, int forced)
{
	(void)forced;
	load(ui, p);
	return UI_REDRAW;
}

/*
 * The notices, one a line, into lines[] with their styles; returns how
 * many.  A warning says so in words, never by colour alone, and points
 * to the menu's own item, never to a command.
 */
static int
notices(struct ui *ui, const struct menu *m, char *lines[NOTICES],
    enum ui_style styles[NOTICES])
{
	char	day[32], ago[64];
	long	days = ui->s->cfg->restore_drill_warn_days;
	int	n = 0, warn = holds_any(ui, drill_warned);

	if (m->backup && m->backup_at == 0)
		lines[n] = xstrdup(_("No backup yet: see Backups and restore drills"));
	else if (m->backup) {
		xj_dayfmt(m->backup_at, day, sizeof day);
		ui_age(m->backup_at, xj_now(), ago, sizeof ago);
		xasprintf(&lines[n], m->backup_due ? _("Last backup: %s, %s: "
		    "another one is due") : _("Last backup: %s, %s"), day,
		    ago);
	}
	if (m->backup)
		styles[n++] = m->backup_due ? STYLE_ERROR : STYLE_NORMAL;
	if (m->drill && m->drill_at == 0)
		lines[n] = xstrdup(warn ? _("No restore drill yet: see "
		    "Backups and restore drills") : _("No restore drill on record"));
	else if (m->drill) {
		xj_dayfmt(m->drill_at, day, sizeof day);
		if (m->drill_due && warn)
			xasprintf(&lines[n], days == 1 ? _("Restore drill "
			    "overdue: last on %s, over %ld day ago") :
			    _("Restore drill overdue: last on %s, over %ld days "
			    "ago"), day, days);
		else
			xasprintf(&lines[n], _("Last restore drill: %s"), day);
	}
	if (m->drill)
		styles[n++] = m->drill_due && warn ? STYLE_ERROR :
		    STYLE_NORMAL;
	if (m->checkpoint && m->checkpoint_at == 0)
		lines[n] = xstrdup(_("No checkpoint of the log yet: see "
		    "Checkpoints of the log"));
	else if (m->checkpoint) {
		xj_dayfmt(m->checkpoint_at, day, sizeof day);
		ui_age(m->checkpoint_at, xj_now(), ago, sizeof ago);
		xasprintf(&lines[n], m->checkpoint_due ? _("Last checkpoint of "
		    "the log: %s, %s: another one is due") : _("Last checkpoint "
		    "of the log: %s, %s"), day, ago);
	}
	if (m->checkpoint)
		styles[n++] = m->checkpoint_due ? STYLE_ERROR : STYLE_NORMAL;
	if (m->overdue > 0) {
		xasprintf(&lines[n], m->overdue == 1 ? _("%ld guardian's "
		    "request overdue: see the approval queue") : _("%ld "
		    "guardians' requests overdue: see the approval queue"),
		    m->overdue);
		styles[n++] = STYLE_ERROR;
	}
	return n;
}

static void
menu_close(void *p)
{
	free(p);
}

static void
menu_draw(struct ui *ui, void *p)
{
	struct menu		*m = p;
	const struct menu_item	*v[nitems(items)];
	size_t			 n = visible(ui, v), i;
	char			*line, *notes[NOTICES];
	enum ui_style		 styles[NOTICES];
	int			 top = 3, gap, nn, bottom, j, per, ncol, w, x;

	ui_title(ui, _("xueji — main menu"));
	/* The notices sit above the status line; the items above them. */
	nn = notices(ui, m, notes, styles);
	bottom = ui->rows - 3 - nn;
	/*
	 * A line between items while they fit, else none; a supervisor's
	 * items do not fit one column at 24 rows: two, down then across.
	 */
	gap = top + 2 * (int)n <= bottom ? 2 : 1;
	ncol = top + (int)n - 1 <= bottom ? 1 : 2;
	per = ((int)n + ncol - 1) / ncol;
	x = ncol == 1 ? 4 : 2;
	w = (ui->cols - 2 * x) / ncol;
	for (i = 0; i < n; i++) {
		xasprintf(&line, "%s %-*s %s", (int)i == m->sel ? ">" : " ",
		    ncol == 1 ? 6 : 4, action_key_label(v[i]->action),
		    _(v[i]->label));
		ui_text(ui, top + gap * ((int)i % per), x + w * ((int)i / per),
		    w - 1, line, (int)i == m->sel ? STYLE_SELECT :
		    STYLE_NORMAL);
		free(line);
	}
	for (j = 0; j < nn; j++) {
		ui_text(ui, bottom + 1 + j, 4, ui->cols - 8, notes[j],
		    styles[j]);
		free(notes[j]);
	}
}

static int
open_item(struct ui *ui, enum action a)
{
	switch (a) {
	case ACT_SEARCH:
		return ui_push(ui, &screen_search, NULL);
	case ACT_ENROL:
		return ui_push(ui, &screen_enrol, NULL);
	case ACT_QUEUE:
		return ui_push(ui, &screen_queue, (void *)(uintptr_t)LIST_PENDING);
	case ACT_CONFIRMATIONS:
		return ui_push(ui, &screen_queue,
		    (void *)(uintptr_t)LIST_UNCONFIRMED);
	case ACT_ARCHIVE:
		return ui_push(ui, &screen_archive, NULL);
	case ACT_DESTRUCTIONS:
		return ui_push(ui, &screen_destructions, NULL);
	case ACT_AUDIT_LOG:
		return ui_push(ui, &screen_log, NULL);
	case ACT_VERIFY:
		return ui_push(ui, &screen_verify, NULL);
	case ACT_REPORTS:
		return ui_push(ui, &screen_reports, NULL);
	case ACT_ANALYSIS:
		return ui_push(ui, &screen_analysis, NULL);
	case ACT_BACKUPS:
		return ui_push(ui, &screen_backups, NULL);
	case ACT_OPERATORS:
		return ui_push(ui, &screen_operators, NULL);
	case ACT_GUARDIANS:
		return ui_push(ui, &screen_guardians, NULL);
	case ACT_IMPORT:
		return ui_push(ui, &screen_import, NULL);
	case ACT_EXPORT:
		return ui_push(ui, &screen_export, NULL);
	case ACT_CHECKPOINTS:
		return ui_push(ui, &screen_checkpoints, NULL);
	default:
		return ui_push(ui, &screen_queue, (void *)(uintptr_t)LIST_MINE);
	}
}

static int
menu_action(struct ui *ui, void *p, enum action a)
{
	struct menu		*m = p;
	const struct menu_item	*v[nitems(items)];
	int			 n = (int)visible(ui, v);

	switch (a) {
	case ACT_UP:
		m->sel = m->sel > 0 ? m->sel - 1 : n - 1;
		return UI_HANDLED;
	case ACT_DOWN:
		m->sel = m->sel + 1 < n ? m->sel + 1 : 0;
		return UI_HANDLED;
	case ACT_OPEN:
		if (n == 0)
			return UI_HANDLED;
		a = v[m->sel]->action;
		if (a == ACT_LOCK)
			return UI_LOCK;
		if (a == ACT_QUIT)
			return UI_QUIT;
		/* FALLTHROUGH */
	case ACT_SEARCH:
	case ACT_ENROL:
	case ACT_QUEUE:
	case ACT_CONFIRMATIONS:
	case ACT_MINE:
	case ACT_ARCHIVE:
	case ACT_DESTRUCTIONS:
	case ACT_AUDIT_LOG:
	case ACT_VERIFY:
	case ACT_REPORTS:
	case ACT_ANALYSIS:
	case ACT_BACKUPS:
	case ACT_OPERATORS:
	case ACT_GUARDIANS:
	case ACT_IMPORT:
	case ACT_EXPORT:
	case ACT_CHECKPOINTS:
		return open_item(ui, a);
	case ACT_QUIT:
		return UI_QUIT;
	default:
		return 0;
	}
}

const struct screen screen_menu = {
	.name = "menu",
	.actions = menu_actions,
	.open = menu_open,
	.close = menu_close,
	.draw = menu_draw,
	.action = menu_action,
	.tick = menu_tick,
	.reread = menu_reread,
	.offers = menu_offers,
	.lists = menu_lists,
};
