/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The guardians' requests register (request.manage): the open requests,
 * or only the overdue ones, or all (Left and Right), oldest first, each
 * with its kind, student, when it came in, when it is due and how many
 * days are left, overdue ones in words and the error style.  F2
 * registers one (kind, student, channel, date received, summary, asked
 * one after another); F3 links the one selected to the change or
 * destruction request that carries it out; Enter opens it
 * (screen_guardian), where it is closed with the response given.  The
 * same store calls as xueji request add, link and close.  Drawing the
 * list logs whom its rows on the terminal show (store_list_shown).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/guardian.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "ui.h"

#define DAY		(24 * 60 * 60)
#define LIST_TOP	4
#define NCHANNELS	5
#define SUMMARY_MAX	500

struct item {
	int64_t			 id;
	enum guardian_kind	 kind;
	char			*number;
	time_t			 received, due;
	int			 open, overdue;
	int64_t			 request;
};

struct guardians {
	struct item	*v;
	size_t		 n, sel, top;
	int		 list;		/* enum guardian_list */
	int64_t		 version;
	struct store_shown *shown;	/* whom the list was logged showing */
	/* What F2 asks, one answer after another. */
	const char	*kinds[4];
	const char	*channels[NCHANNELS];
	int		 kind, channel;
	char		*number, *received, *summary, *link;
};

static const enum action guardians_actions[] = {
	ACT_OPEN, ACT_G_ADD, ACT_G_LINK, ACT_LIST_PREV, ACT_LIST_NEXT, ACT_UP,
	ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_HELP, ACT_LOCK,
	ACT_REDRAW, ACT_NONE
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 3;
}

static void
clear_items(struct guardians *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		free(g->v[i].number);
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

static int
collect(const struct guardian_request *r, void *arg)
{
	struct guardians	*g = arg;
	struct item		*it;

	g->v = xreallocarray(g->v, g->n + 1, sizeof *g->v);
	it = &g->v[g->n++];
	it->id = r->id;
	it->kind = r->kind;
	it->number = xstrdup(r->number);
	it->received = r->received_at;
	it->due = r->due_at;
	it->open = r->open;
	it->overdue = r->overdue;
	it->request = r->request;
	return 0;
}

static void
load(struct ui *ui, struct guardians *g)
{
	char	*cause = NULL;

	clear_items(g);
	g->version = store_data_version(ui->s->st);
	if (store_guardian_list(ui->s->st, (enum guardian_list)g->list,
	    xj_now(), collect, g, g->shown, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	if (g->sel >= g->n)
		g->sel = g->n > 0 ? g->n - 1 : 0;
}

static void *
guardians_open(struct ui *ui, void *arg)
{
	struct guardians	*g = xcalloc(1, sizeof *g);
	size_t			 i;

	(void)arg;
	g->list = GUARDIAN_OPEN;
	g->shown = store_shown_new();
	for (i = 0; i < nitems(g->kinds); i++)
		g->kinds[i] = guardian_kind_label((enum guardian_kind)i);
	for (i = 0; i < NCHANNELS; i++)
		g->channels[i] = guardian_channel_label(
		    guardian_channel_code(i));
	load(ui, g);
	return g;
}

static void
forget_typed(struct guardians *g)
{
	xfree_wipe(g->number);
	xfree_wipe(g->received);
	xfree_wipe(g->summary);
	free(g->link);
	g->number = g->received = g->summary = g->link = NULL;
}

static void
guardians_close(void *p)
{
	struct guardians	*g = p;

	forget_typed(g);
	clear_items(g);
	store_shown_free(g->shown);
	free(g);
}

static const char *
list_title(int list)
{
	switch (list) {
	case GUARDIAN_OVERDUE:
		return _("Overdue requests");
	case GUARDIAN_ALL:
		return _("All requests, closed ones too");
	default:
		return _("Open requests");
	}
}

/* "12 days left", "due today", "OVERDUE by 3 days", "closed". */
static char *
left_text(const struct item *it, time_t now, enum ui_style *st)
{
	long	days;
	char	*s;

	*st = STYLE_NORMAL;
	if (!it->open)
		return xstrdup(_("closed"));
	days = (long)((it->due - now + DAY - 1) / DAY);
	if (it->overdue) {
		*st = STYLE_ERROR;
		days = (long)((now - it->due) / DAY);
		if (days < 1)
			days = 1;
		xasprintf(&s, days == 1 ? _("OVERDUE by %ld day") :
		    _("OVERDUE by %ld days"), days);
	} else if (days <= 0)
		s = xstrdup(_("due today"));
	else
		xasprintf(&s, days == 1 ? _("%ld day left") :
		    _("%ld days left"), days);
	return s;
}

static void
guardians_draw(struct ui *ui, void *p)
{
	struct guardians	*g = p;
	const struct item	*it;
	enum ui_style		 st, lst;
	char			*line, *left, id[24], day[32];
	time_t			 now = xj_now();
	int			 rows = list_rows(ui), row;
	size_t			 i, end;

	ui_title(ui, _("Guardians' requests"));
	xasprintf(&line, _("%s: %zu   (Left/Right: open, overdue, all)"),
	    list_title(g->list), g->n);
	ui_text(ui, 1, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	ui_text(ui, 3, 2, 5, _("No."), STYLE_DIM);
	ui_text(ui, 3, 8, 8, _("Kind"), STYLE_DIM);
	ui_text(ui, 3, 17, 16, _("Student"), STYLE_DIM);
	ui_text(ui, 3, 34, 10, _("Received"), STYLE_DIM);
	ui_text(ui, 3, 46, 20, _("Due"), STYLE_DIM);
	ui_text(ui, 3, 68, ui->cols - 69, _("Request"), STYLE_DIM);
	if (g->n == 0) {
		ui_text(ui, LIST_TOP + 1, 4, ui->cols - 8, _("No request in "
		    "this list."), STYLE_NORMAL);
		return;
	}
	ui_list_scroll(&g->top, g->sel, rows);
	end = g->top + (size_t)rows < g->n ? g->top + (size_t)rows : g->n;
	if (!ui_rows_logged(ui, g->shown, g->v, sizeof *g->v,
	    offsetof(struct item, number), g->top, end))
		return;
	for (i = g->top; i < end; i++) {
		it = &g->v[i];
		row = LIST_TOP + (int)(i - g->top);
		left = left_text(it, now, &lst);
		st = i == g->sel ? STYLE_SELECT : lst;
		if (i == g->sel)
			ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
		ui_text(ui, row, 0, 2, i == g->sel ? ">" : " ", st);
		snprintf(id, sizeof id, "%" PRId64, it->id);
		ui_text(ui, row, 2, 5, id, st);
		ui_text(ui, row, 8, 8, guardian_kind_label(it->kind), st);
		ui_text(ui, row, 17, 16, it->number, st);
		xj_dayfmt(it->received, day, sizeof day);
		ui_text(ui, row, 34, 10, day, st);
		ui_text(ui, row, 46, 21, left, st);
		free(left);
		if (it->request != 0) {
			snprintf(id, sizeof id, "%" PRId64, it->request);
			ui_text(ui, row, 68, ui->cols - 69, id, st);
		}
	}
}

static int
reload(struct ui *ui, void *arg)
{
	load(ui, arg);
	return UI_REDRAW;
}

/* The last answer: register it. */
static int
summary_typed(struct ui *ui, void *arg)
{
	struct guardians	*g = arg;
	char			*cause = NULL;
	time_t			 received = 0;
	int64_t			 id = 0;
	int			 rc;

	if (g->received != NULL && *g->received != '\0' &&
	    xj_parse_day(g->received, 0, &received) != 0) {
		ui_message(ui, 1, _("\"%s\" is not a date (YYYY-MM-DD)"),
		    g->received);
		forget_typed(g);
		return UI_REDRAW;
	}
	rc = store_guardian_add(ui->s->st, (enum guardian_kind)g->kind,
	    g->number, received, guardian_channel_code((size_t)g->channel),
	    g->summary, &id, &cause);
	if (rc == XJ_OK)
		ui_message(ui, 0, _("Guardian's request %" PRId64 " is "
		    "registered."), id);
	else {
		ui_message(ui, 1, "%s", cause != NULL ? cause : "?");
		free(cause);
	}
	forget_typed(g);
	load(ui, g);
	for (g->sel = 0; rc == XJ_OK && g->sel + 1 < g->n &&
	    g->v[g->sel].id != id; g->sel++)
		;
	return UI_REDRAW;
}

static int
ask_input(struct ui *ui, struct guardians *g, const char *q, const char *d,
    int required, size_t max, char **out, int (*done)(struct ui *, void *))
{
	struct input	in;

	memset(&in, 0, sizeof in);
	in.question = q;
	in.detail = d;
	in.required = required;
	in.max = max;
	in.out = out;
	in.done = done;
	in.arg = g;
	return ui_push(ui, &screen_input, &in);
}

static int
received_typed(struct ui *ui, void *arg)
{
	return ask_input(ui, arg, _("What did the guardian ask? (a short "
	    "summary)"), _("Kept with the request, not in the log."), 1,
	    SUMMARY_MAX, &((struct guardians *)arg)->summary, summary_typed);
}

static int
channel_chosen(struct ui *ui, void *arg)
{
	return ask_input(ui, arg, _("Received on (YYYY-MM-DD):"), _("Empty: "
	    "today."), 0, 10, &((struct guardians *)arg)->received,
	    received_typed);
}

static int	kind_chosen(struct ui *, void *);

/*
 * The student typed, resolved before anything else is asked: the whole
 * number, or as the search takes it (its sequence, its tail after the
 * branch code), when that finds one student only.  The one found is
 * named, so the supervisor sees whom the request is about.  *who is
 * "name（number）" (malloc'd), or NULL with the message said.
 */
static int
resolve_student(struct ui *ui, struct guardians *g, char **who)
{
	struct student	**v = NULL;
	char		 *cause = NULL;
	size_t		  nv = 0, i, exact = 0;
	int		  rc;

	*who = NULL;
	rc = store_student_find(ui->s->st, g->number, 2, NULL, &v, &nv, &cause);
	if (rc == XJ_EPERM) {
		/* Not theirs to search: the store checks the number. */
		free(cause);
		*who = xstrdup(g->number);
		return XJ_OK;
	}
	for (i = 0; rc == XJ_OK && i < nv; i++)
		if (strcmp(v[i]->number, g->number) == 0)
			exact = i + 1;
	if (rc != XJ_OK)
		ui_message(ui, 1, "%s", cause);
	else if (nv == 0)
		ui_message(ui, 1, _("no student %s"), g->number);
	else if (nv > 1 && exact == 0)
		ui_message(ui, 1, _("\"%s\" matches more than one student: "
		    "type the whole number"), g->number);
	else {
		i = exact > 0 ? exact - 1 : 0;
		free(g->number);
		g->number = xstrdup(v[i]->number);
		*who = ui_naming(v[i]);
	}
	free(cause);
	students_free(v, nv);
	return *who != NULL ? XJ_OK : XJ_ENOINPUT;
}

static int
number_typed(struct ui *ui, void *arg)
{
	struct guardians	*g = arg;
	struct choice		 c;
	char			*who, *detail;
	int			 rc;

	if (resolve_student(ui, g, &who) != XJ_OK) {
		/* Asked again at once, the kind kept, the reason shown. */
		xfree_wipe(g->number);
		g->number = NULL;
		return kind_chosen(ui, g);
	}
	xasprintf(&detail, _("About %s."), who);
	free(who);
	memset(&c, 0, sizeof c);
	c.question = _("How did it come in?");
	c.detail = detail;
	c.items = g->channels;
	c.n = NCHANNELS;
	c.out = &g->channel;
	c.done = channel_chosen;
	c.arg = g;
	rc = ui_push(ui, &screen_choice, &c);
	free(detail);
	return rc;
}

static int
kind_chosen(struct ui *ui, void *arg)
{
	return ask_input(ui, arg, _("About which student (number)?"), NULL, 1,
	    64, &((struct guardians *)arg)->number, number_typed);
}

static int
link_typed(struct ui *ui, void *arg)
{
	struct guardians	*g = arg;
	char			*cause = NULL, *end;
	long long		 to;
	int64_t			 id;

	if (g->sel >= g->n)
		return UI_REDRAW;
	id = g->v[g->sel].id;
	to = strtoll(g->link, &end, 10);
	if (end == g->link || *end != '\0' || to <= 0)
		ui_message(ui, 1, _("\"%s\" is not a request number"),
		    g->link);
	else if (store_guardian_link(ui->s->st, id, (int64_t)to, &cause) !=
	    XJ_OK) {
		ui_message(ui, 1, "%s", cause != NULL ? cause : "?");
		free(cause);
	} else
		ui_message(ui, 0, _("Guardian's request %" PRId64 " is carried "
		    "out by request %lld."), id, to);
	forget_typed(g);
	load(ui, g);
	return UI_REDRAW;
}

static int
guardians_action(struct ui *ui, void *p, enum action a)
{
	struct guardians	*g = p;
	struct choice		 c;
	struct request_arg	 ra;
	size_t			 page = (size_t)(list_rows(ui) > 1 ?
				     list_rows(ui) - 1 : 1);

	if (ui_list_move(&g->sel, g->n, page, a))
		return UI_HANDLED;
	switch (a) {
	case ACT_LIST_PREV:
		g->list = (g->list + 2) % 3;
		g->sel = g->top = 0;
		load(ui, g);
		return UI_REDRAW;
	case ACT_LIST_NEXT:
		g->list = (g->list + 1) % 3;
		g->sel = g->top = 0;
		load(ui, g);
		return UI_REDRAW;
	case ACT_OPEN:
		if (g->sel >= g->n)
			return UI_HANDLED;
		memset(&ra, 0, sizeof ra);
		ra.id = g->v[g->sel].id;
		ra.back.done = reload;
		ra.back.arg = g;
		return ui_push(ui, &screen_guardian, &ra);
	case ACT_G_ADD:
		forget_typed(g);
		memset(&c, 0, sizeof c);
		c.question = _("Register a guardian's request: what kind?");
		c.items = g->kinds;
		c.n = nitems(g->kinds);
		c.out = &g->kind;
		c.done = kind_chosen;
		c.arg = g;
		return ui_push(ui, &screen_choice, &c);
	case ACT_G_LINK:
		if (g->sel >= g->n)
			return UI_HANDLED;
		forget_typed(g);
		return ask_input(ui, g, _("Carried out by which change or "
		    "destruction request (its number)?"), NULL, 1, 20, &g->link,
		    link_typed);
	default:
		return 0;
	}
}

static int
guardians_tick(struct ui *ui, void *p)
{
	struct guardians	*g = p;

	/* Not while covered: nobody would see whom it shows. */
	if (store_data_version(ui->s->st) == g->version || !ui_shown(ui, g))
		return 0;
	load(ui, g);
	return UI_REDRAW;
}

static int
guardians_offers(struct ui *ui, void *p, enum action a)
{
	struct guardians	*g = p;

	(void)ui;
	if (a == ACT_G_LINK)
		return g->sel < g->n && g->v[g->sel].open &&
		    (g->v[g->sel].kind == GUARDIAN_CORRECTION ||
		    g->v[g->sel].kind == GUARDIAN_DELETION);
	if (a == ACT_OPEN)
		return g->n > 0;
	return 1;
}

const struct screen screen_guardians = {
	.name = "guardians",
	.actions = guardians_actions,
	.open = guardians_open,
	.close = guardians_close,
	.draw = guardians_draw,
	.action = guardians_action,
	.tick = guardians_tick,
	.offers = guardians_offers,
};
