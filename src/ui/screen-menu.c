/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The main menu: only what the operator's role permits is listed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "ui.h"

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
	{ ACT_LOCK, N_("Lock the terminal"), 0 },
	{ ACT_QUIT, N_("Log out and quit"), 0 },
};

struct menu {
	int	sel;
};

static const enum action menu_actions[] = {
	ACT_OPEN, ACT_SEARCH, ACT_ENROL, ACT_QUEUE, ACT_CONFIRMATIONS,
	ACT_MINE, ACT_ARCHIVE, ACT_DESTRUCTIONS, ACT_AUDIT_LOG, ACT_VERIFY,
	ACT_REPORTS, ACT_ANALYSIS, ACT_UP, ACT_DOWN, ACT_LOCK, ACT_QUIT,
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

static void *
menu_open(struct ui *ui, void *arg)
{
	(void)ui;
	(void)arg;
	return xcalloc(1, sizeof(struct menu));
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
	char			*line;
	int			 top = 3, gap;

	ui_title(ui, _("xueji — main menu"));
	/* A line between items while they fit, else none. */
	gap = top + 2 * (int)n <= ui->rows - 3 ? 2 : 1;
	for (i = 0; i < n; i++) {
		xasprintf(&line, "%s %-6s %s", (int)i == m->sel ? ">" : " ",
		    action_key_label(v[i]->action), _(v[i]->label));
		ui_text(ui, top + gap * (int)i, 4, ui->cols - 8, line,
		    (int)i == m->sel ? STYLE_SELECT : STYLE_NORMAL);
		free(line);
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
	.offers = menu_offers,
};
