/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The operation log, read-only (audit.view): newest first, one screenful
 * per page.  A page is fetched by keyset (entries before a sequence
 * number), so the millionth entry costs what the first does and nothing
 * else is held in memory.  Every fetch is one store_audit_each call and
 * so one audit.view entry: reading the log is itself logged, once a page.
 * It follows the branch: when another terminal writes an entry (its
 * stamp, store_log_stamp, leaves out readings of the log, so two open
 * logs do not fetch for each other) the newest page is fetched again,
 * the selection kept on its entry; an older page holds what it held,
 * since the log only grows, and says that newer entries came.
 *
 * Filters (operator, action or a group of actions, student number,
 * dates, request number) go to the store; / finds text in the entries
 * from the selection on, older ones included, as the sentences read.
 * The action is chosen from a list of names (sentences.c's table, the
 * groups first), never typed as a key.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/audit.h"
#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/sentences.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "ui.h"

#define LIST_TOP	4	/* first row of the list */
#define FIND_SPAN	100000	/* entries one find looks through */
#define DAY		86400

struct row {
	struct audit_entry	 e;	/* strings owned */
	char			*sentence;
};

struct log {
	struct row	*v;
	size_t		 n, sel;
	int		 more;		/* an older page exists */
	int64_t		 before;	/* this page: entries before it */
	int64_t		*back;		/* the newer pages' before */
	size_t		 nback;
	size_t		 page;		/* rows a page holds */
	/* The filters; NULL or 0 when unset. */
	char		*op, *action, *student, *dates;
	const char	*action_words;	/* how the filter line names it */
	time_t		 since, until;
	int64_t		 request;
	char		*find;		/* the last text looked for */
	char		*answer;	/* from screen_input */
	enum action	 asking;	/* which filter the answer is for */
	size_t		 cap;		/* collect: stop after this many */
	int64_t		 found;		/* find: the matching entry */
	const struct form_spec *form;	/* field keys read as its labels */
	const struct policy *pol;	/* operators read as their names */
	const char	**items;	/* the action list: words, then */
	const char	**codes;	/* the action or group each stands for */
	size_t		 nitems;
	int		 chosen;	/* from screen_choice */
	int64_t		 stamp;		/* store_log_stamp() */
};

/* Groups of actions, by the prefix the store filters on. */
static const struct {
	const char	*prefix, *words;
} groups[] = {
	{ "student.", N_("Students: every action") },
	{ "change.", N_("Change requests: every action") },
	{ "request.", N_("Requests: every action") },
	{ "status.", N_("Statuses: every action") },
	{ "destroy.", N_("Destructions: every action") },
	{ "guardian.", N_("Guardians' requests: every action") },
	{ "audit.", N_("The log: every action") },
	{ "operator.", N_("Operators: every action") },
	{ "backup.", N_("Backups: every action") },
	{ "import.", N_("Imports: every action") },
};

/*
 * The key bar shows these in order until one does not fit.  At 80
 * columns English fits the filters, clear, find and back; Chinese help
 * too.  Enter comes after them: the line above the list names it.
 */
static const enum action log_actions[] = {
	ACT_FILTER_OPERATOR, ACT_FILTER_ACTION, ACT_FILTER_STUDENT,
	ACT_FILTER_DATES, ACT_FILTER_REQUEST, ACT_FILTER_CLEAR, ACT_FIND,
	ACT_BACK, ACT_HELP, ACT_OPEN, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_FIRST,
	ACT_UP, ACT_DOWN, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 3;
}

static void
row_free(struct row *r)
{
	free((char *)(uintptr_t)r->e.operator);
	free((char *)(uintptr_t)r->e.action);
	free((char *)(uintptr_t)r->e.target);
	free((char *)(uintptr_t)r->e.fields);
	free((char *)(uintptr_t)r->e.detail);
	free(r->sentence);
}

static void
row_copy(struct row *to, const struct audit_entry *e,
    const struct form_spec *form, const struct policy *pol)
{
	to->e = *e;
	to->e.operator = xstrdup(e->operator != NULL ? e->operator : "");
	to->e.action = xstrdup(e->action != NULL ? e->action : "");
	to->e.target = xstrdup(e->target != NULL ? e->target : "");
	to->e.fields = xstrdup(e->fields != NULL ? e->fields : "");
	to->e.detail = xstrdup(e->detail != NULL ? e->detail : "");
	to->sentence = audit_sentence(&to->e, form, pol);
}

static void
clear_rows(struct log *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		row_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
fill_filter(const struct log *l, struct audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->operator = l->op;
	f->action = l->action;
	f->target = l->student;
	f->since = l->since;
	f->until = l->until;
	f->request = l->request;
}

static int
collect(const struct audit_entry *e, void *arg)
{
	struct log	*l = arg;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	row_copy(&l->v[l->n++], e, l->form, l->pol);
	return 0;
}

/* Fetch the page of entries before seq before (0: the newest). */
static void
load(struct ui *ui, struct log *l, int64_t before)
{
	struct audit_filter	 f;
	char			*cause = NULL;

	clear_rows(l);
	l->page = (size_t)(list_rows(ui) > 1 ? list_rows(ui) : 1);
	fill_filter(l, &f);
	f.before_seq = before;
	f.limit = l->page + 1;	/* one more says whether there are more */
	if (store_audit_each(ui->s->st, &f, collect, l, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	l->more = l->n > l->page;
	if (l->more) {
		row_free(&l->v[--l->n]);
	}
	/* Pin the newest page to what it showed, for coming back to it. */
	l->before = before == 0 && l->n > 0 ? l->v[0].e.seq + 1 : before;
	if (l->sel >= l->n)
		l->sel = l->n > 0 ? l->n - 1 : 0;
}

static void
newest(struct ui *ui, struct log *l)
{
	free(l->back);
	l->back = NULL;
	l->nback = 0;
	l->sel = 0;
	load(ui, l, 0);
}

static void
older(struct ui *ui, struct log *l)
{
	l->back = xreallocarray(l->back, l->nback + 1, sizeof *l->back);
	l->back[l->nback++] = l->before;
	load(ui, l, l->v[l->n - 1].e.seq);
}

static void
newer(struct ui *ui, struct log *l)
{
	load(ui, l, l->back[--l->nback]);
}

static void *
log_open(struct ui *ui, void *arg)
{
	struct log	*l = xcalloc(1, sizeof *l);

	(void)arg;
	l->form = ui->s->form;
	l->pol = ui->s->pol;
	store_log_stamp(ui->s->st, &l->stamp, NULL);
	newest(ui, l);
	return l;
}

/*
 * Another terminal wrote to the log (or ^L): fetch the page shown again
 * when it can hold something new, keeping the selection on its entry.
 */
static int
log_reread(struct ui *ui, void *p, int forced)
{
	struct log	*l = p;
	int64_t		 stamp, keep;
	size_t		 i;

	if (store_log_stamp(ui->s->st, &stamp, NULL) != XJ_OK ||
	    (!forced && stamp == l->stamp))
		return 0;
	l->stamp = stamp;
	if (l->nback > 0 && !forced) {
		ui_message(ui, 0, "%s", _("Newer entries were written at "
		    "another terminal; Home shows them."));
		return UI_REDRAW;
	}
	keep = l->sel < l->n ? l->v[l->sel].e.seq : 0;
	load(ui, l, l->nback > 0 ? l->before : 0);
	for (i = 0; i < l->n; i++) {
		if (l->v[i].e.seq == keep) {
			l->sel = i;
			break;
		}
	}
	return UI_REDRAW;
}

static void
log_close(void *p)
{
	struct log	*l = p;

	clear_rows(l);
	free(l->back);
	free(l->op);
	free(l->action);
	free(l->student);
	free(l->dates);
	free(l->find);
	xfree_wipe(l->answer);
	free(l->items);
	free(l->codes);
	free(l);
}

/* "Filters: operator reception1 · student SH01-…", or none. */
static char *
filter_line(const struct log *l)
{
	char	*s, *next, request[24];

	if (l->op == NULL && l->action == NULL && l->student == NULL &&
	    l->dates == NULL && l->request == 0)
		return xstrdup(_("No filter: every entry, newest first."));
	s = xstrdup(_("Filters:"));
#define ADD(label, v) do {						\
	if ((v) != NULL) {						\
		xasprintf(&next, "%s %s %s ·", s, (label), (v));	\
		free(s);						\
		s = next;						\
	}								\
} while (0)
	ADD(_("operator"), l->op);
	ADD(_("action"), l->action_words);
	ADD(_("student"), l->student);
	ADD(_("dates"), l->dates);
	snprintf(request, sizeof request, "%" PRId64, l->request);
	ADD(_("request"), l->request != 0 ? request : NULL);
#undef ADD
	s[strlen(s) - strlen(" ·")] = '\0';
	return s;
}

static void
log_draw(struct ui *ui, void *p)
{
	struct log	*l = p;
	char		*line, seq[24], at[32];
	int		 row, i;
	enum ui_style	 st;

	xasprintf(&line, _("Operation log · page %zu"), l->nback + 1);
	ui_title(ui, line);
	free(line);
	line = filter_line(l);
	ui_text(ui, 1, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	ui_text(ui, 2, 2, ui->cols - 4, _("Enter: the entry in full · "
	    "PgDn/PgUp: older/newer · Home: newest"),
	    STYLE_DIM);
	ui_text(ui, 3, 1, ui->cols - 2, _("  Entry  Time              "
	    "What happened"), STYLE_DIM);
	if (l->n == 0) {
		ui_text(ui, LIST_TOP + 1, 4, ui->cols - 8, _("No entry matches "
		    "the filters."), STYLE_NORMAL);
		return;
	}
	for (i = 0; i < (int)l->n && i < list_rows(ui); i++) {
		row = LIST_TOP + i;
		st = (size_t)i == l->sel ? STYLE_SELECT : STYLE_NORMAL;
		if (st == STYLE_SELECT)
			ui_fill(ui, row, 0, ui->cols, st);
		snprintf(seq, sizeof seq, "%7" PRId64, l->v[i].e.seq);
		xj_timefmt(l->v[i].e.at, at, sizeof at);
		ui_text(ui, row, 0, 1, (size_t)i == l->sel ? ">" : " ", st);
		ui_text(ui, row, 1, 7, seq, st);
		ui_text(ui, row, 10, 16, at, st);
		ui_text(ui, row, 28, ui->cols - 28, l->v[i].sentence, st);
	}
	if (l->more)
		ui_text(ui, LIST_TOP + list_rows(ui) - 1 + 1, ui->cols - 12, 12,
		    _("more ↓"), STYLE_DIM);
}

/* Whether hay holds needle, ignoring ASCII case. */
static int
has_text(const char *hay, const char *needle)
{
	size_t	n = strlen(needle), i;

	if (hay == NULL)
		return 0;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++) {
			if (tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

static int
row_matches(const struct row *r, const char *t)
{
	return has_text(r->sentence, t) || has_text(r->e.operator, t) ||
	    has_text(r->e.action, t) || has_text(r->e.target, t) ||
	    has_text(r->e.fields, t) || has_text(r->e.detail, t);
}

static int
find_one(const struct audit_entry *e, void *arg)
{
	struct log	*l = arg;
	struct row	 r;
	int		 hit;

	row_copy(&r, e, l->form, l->pol);
	hit = row_matches(&r, l->find);
	row_free(&r);
	if (hit)
		l->found = e->seq;
	return hit;
}

/* Find l->find after the selection: on this page, then older ones. */
static void
find(struct ui *ui, struct log *l)
{
	struct audit_filter	 f;
	char			*cause = NULL;
	size_t			 i;
	int			 rc;

	for (i = l->sel + 1; i < l->n; i++) {
		if (row_matches(&l->v[i], l->find)) {
			l->sel = i;
			return;
		}
	}
	if (!l->more || l->n == 0) {
		ui_message(ui, 0, _("“%s” is not in the entries after this "
		    "one."), l->find);
		return;
	}
	fill_filter(l, &f);
	f.before_seq = l->v[l->n - 1].e.seq;
	f.limit = FIND_SPAN;
	l->found = 0;
	rc = store_audit_each(ui->s->st, &f, find_one, l, &cause);
	if (l->found == 0 && rc != XJ_OK) {
		ui_message(ui, 1, "%s", cause != NULL ? cause : "?");
		free(cause);
		return;
	}
	free(cause);
	if (l->found == 0) {
		ui_message(ui, 0, _("“%s” is not in the %d entries after this "
		    "one."), l->find, FIND_SPAN);
		return;
	}
	l->back = xreallocarray(l->back, l->nback + 1, sizeof *l->back);
	l->back[l->nback++] = l->before;
	l->sel = 0;
	load(ui, l, l->found + 1);
}

/* "7": the last 7 days; "2026-03-01": since then; two dates: between. */
static int
parse_dates(const char *s, time_t *since, time_t *until)
{
	char	first[16], *end;
	size_t	n;
	long	days;

	*since = *until = 0;
	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	days = strtol(s, &end, 10);
	if (end != s && *end == '\0' && days > 0 && days <= 36500) {
		*since = xj_now() - (time_t)days * DAY;
		return 0;
	}
	if ((n = strcspn(s, " .~")) >= sizeof first)
		return -1;
	memcpy(first, s, n);
	first[n] = '\0';
	if (xj_parse_day(first, 0, since) != 0)
		return -1;
	s += n + strspn(s + n, " .~");
	if (*s == '\0')
		return 0;
	if (xj_parse_day(s, 1, until) != 0 || *until <= *since)
		return -1;
	return 0;
}

/*
 * The window parse_dates made of s, as the filter line says it: "the
 * last 7 days", "since 2026-03-01", "2026-03-01 to 2026-03-31"; NULL
 * for none.
 */
static char *
dates_words(const char *s, time_t since, time_t until)
{
	char	from[32], to[32], *w;
	long	n;

	if (since == 0)
		return NULL;
	while (*s == ' ')
		s++;
	xj_dayfmt(since, from, sizeof from);
	if (until != 0) {
		xj_dayfmt(until - 1, to, sizeof to);
		xasprintf(&w, _("%s to %s"), from, to);
	} else if (strchr(s, '-') == NULL) {
		n = strtol(s, NULL, 10);
		if (n == 1)
			w = xstrdup(_("the last day"));
		else
			xasprintf(&w, _("the last %ld days"), n);
	}
	else
		xasprintf(&w, _("since %s"), from);
	return w;
}

static void
set(char **slot, const char *v)
{
	free(*slot);
	*slot = v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

static int
answered(struct ui *ui, void *arg)
{
	struct log	*l = arg;
	char		*a = l->answer, *e;
	time_t		 since, until;
	int64_t		 request;

	/* Blanks around a pasted id or number mean nothing. */
	while (*a == ' ')
		a++;
	for (e = a + strlen(a); e > a && e[-1] == ' '; e--)
		;
	*e = '\0';
	switch (l->asking) {
	case ACT_FILTER_OPERATOR:
		set(&l->op, a);
		break;
	case ACT_FILTER_STUDENT:
		set(&l->student, a);
		break;
	case ACT_FILTER_DATES:
		if (parse_dates(a, &since, &until) != 0) {
			ui_message(ui, 1, _("“%s” is not a date range: type "
			    "a number of days, a date (2026-03-01) or two "
			    "dates."), a);
			return UI_REDRAW;
		}
		l->since = since;
		l->until = until;
		free(l->dates);
		l->dates = dates_words(a, since, until);
		break;
	case ACT_FILTER_REQUEST:
		/* Digits only, as the queue and the sentences show it. */
		request = 0;
		if (*a != '\0' && xj_parse_id(a, &request) != 0) {
			ui_message(ui, 1, _("“%s” is not a request number: "
			    "type the number alone, such as 12."), a);
			return UI_REDRAW;
		}
		l->request = request;
		break;
	case ACT_FIND:
		if (*a != '\0')
			set(&l->find, a);
		if (l->find != NULL)
			find(ui, l);
		return UI_REDRAW;
	default:
		return UI_REDRAW;
	}
	newest(ui, l);
	return UI_REDRAW;
}

/* The action list's answer: every action, a group or one action. */
static int
action_chosen(struct ui *ui, void *arg)
{
	struct log	*l = arg;
	size_t		 i = (size_t)l->chosen;

	if (i >= l->nitems)
		return UI_REDRAW;
	set(&l->action, l->codes[i]);
	l->action_words = l->codes[i] != NULL ? l->items[i] : NULL;
	newest(ui, l);
	return UI_REDRAW;
}

/* Every action by its name, the groups first, to choose one from. */
static int
choose_action(struct ui *ui, struct log *l)
{
	struct choice	 c;
	const char	*code;
	size_t		 i, n = 0, first = 0;

	free(l->items);
	free(l->codes);
	for (i = 0; audit_action_nth(i) != NULL; i++)
		;
	l->nitems = 1 + nitems(groups) + i;
	l->items = xreallocarray(NULL, l->nitems, sizeof *l->items);
	l->codes = xreallocarray(NULL, l->nitems, sizeof *l->codes);
	l->items[n] = _("Every action");
	l->codes[n++] = NULL;
	for (i = 0; i < nitems(groups); i++) {
		l->items[n] = _(groups[i].words);
		l->codes[n++] = groups[i].prefix;
	}
	for (i = 0; (code = audit_action_nth(i)) != NULL; i++) {
		l->items[n] = audit_action_words(code);
		l->codes[n++] = code;
	}
	for (i = 1; i < n && l->action != NULL; i++) {
		if (strcmp(l->codes[i], l->action) == 0)
			first = i;
	}
	memset(&c, 0, sizeof c);
	c.question = _("Only the entries of this action:");
	c.items = l->items;
	c.n = n;
	c.first = first;
	c.out = &l->chosen;
	c.done = action_chosen;
	c.arg = l;
	return ui_push(ui, &screen_choice, &c);
}

static int
ask(struct ui *ui, struct log *l, enum action a)
{
	struct input	 in;

	memset(&in, 0, sizeof in);
	switch (a) {
	case ACT_FILTER_OPERATOR:
		in.question = _("Only entries of the operator (an id such as "
		    "reception1); empty for all:");
		break;
	case ACT_FILTER_STUDENT:
		in.question = _("Only entries about the student number; empty "
		    "for all:");
		break;
	case ACT_FILTER_DATES:
		in.question = _("Dates: a number of days back, a date "
		    "(2026-03-01), or two dates; empty for all:");
		break;
	case ACT_FILTER_REQUEST:
		in.question = _("Only entries about the request number (12 "
		    "in “request 12”); empty for all:");
		break;
	default:
		in.question = _("Find in the entries from the selection on "
		    "(empty: the last text again):");
		break;
	}
	in.max = 64;
	in.out = &l->answer;
	in.done = answered;
	in.arg = l;
	l->asking = a;
	return ui_push(ui, &screen_input, &in);
}

static int
log_action(struct ui *ui, void *p, enum action a)
{
	struct log	*l = p;

	switch (a) {
	case ACT_DOWN:
		if (l->sel + 1 < l->n)
			l->sel++;
		else if (l->more) {
			older(ui, l);
			l->sel = 0;
		}
		return UI_HANDLED;
	case ACT_UP:
		if (l->sel > 0)
			l->sel--;
		else if (l->nback > 0) {
			newer(ui, l);
			l->sel = l->n > 0 ? l->n - 1 : 0;
		}
		return UI_HANDLED;
	case ACT_PAGE_DOWN:
		if (l->more)
			older(ui, l);
		else if (l->n > 0)
			l->sel = l->n - 1;
		return UI_HANDLED;
	case ACT_PAGE_UP:
		if (l->nback > 0)
			newer(ui, l);
		else
			l->sel = 0;
		return UI_HANDLED;
	case ACT_FIRST:
		newest(ui, l);
		return UI_HANDLED;
	case ACT_FILTER_CLEAR:
		set(&l->op, NULL);
		set(&l->action, NULL);
		l->action_words = NULL;
		set(&l->student, NULL);
		set(&l->dates, NULL);
		l->since = l->until = 0;
		l->request = 0;
		newest(ui, l);
		return UI_HANDLED;
	case ACT_FILTER_ACTION:
		return choose_action(ui, l);
	case ACT_FILTER_OPERATOR:
	case ACT_FILTER_STUDENT:
	case ACT_FILTER_DATES:
	case ACT_FILTER_REQUEST:
	case ACT_FIND:
		return ask(ui, l, a);
	case ACT_OPEN:
		if (l->n == 0)
			return UI_HANDLED;
		return ui_push(ui, &screen_log_entry, &l->v[l->sel].e);
	default:
		return 0;
	}
}

static int
log_click(struct ui *ui, void *p, int row, int col, int twice)
{
	struct log	*l = p;
	size_t		 i;

	(void)col;
	if (row < LIST_TOP || row >= LIST_TOP + list_rows(ui))
		return 0;
	i = (size_t)(row - LIST_TOP);
	if (i >= l->n)
		return 0;
	l->sel = i;
	return twice ? log_action(ui, l, ACT_OPEN) : UI_HANDLED;
}

const struct screen screen_log = {
	.name = "log",
	.actions = log_actions,
	.open = log_open,
	.close = log_close,
	.draw = log_draw,
	.action = log_action,
	.click = log_click,
	.reread = log_reread,
};
