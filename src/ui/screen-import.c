/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Import (import.run): a CSV file's students enrolled all or none.  The
 * path is typed in and how the guardians consented is chosen; the file
 * is checked at once (a dry run) and every problem listed, one a line,
 * by its row and the field as the form labels it, the selected one in
 * full below the list.  F3 checks the file again once it is fixed; F2
 * imports what was checked, after a yes, and lists each row's new
 * number.  The file is read, parsed and checked by the functions xueji
 * import calls (store_import_load, store_import), so it is logged the
 * same way: import.dry-run, import.rejected, import.run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/forms.h"
#include "xueji/import.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

#define LIST_TOP	6
#define DETAIL_ROWS	3
#define PATH_MAX_TYPED	1024

enum stage {
	STAGE_NONE,		/* no file chosen yet */
	STAGE_FAILED,		/* unreadable, or not CSV */
	STAGE_HEADER,		/* its header has problems */
	STAGE_ROWS,		/* its rows have problems */
	STAGE_READY,		/* every row would import */
	STAGE_DONE,		/* imported */
};

struct line {
	size_t		 row;
	char		*what;		/* the field's label, or "" */
	char		*text;
};

struct import_screen {
	enum stage		 stage;
	char			*path;
	char			*typed;
	char			*error;		/* STAGE_FAILED's cause */
	int			 consent;	/* -1: not chosen */
	const char		**consents;	/* the form's labels */
	struct import_file	*f;
	struct import_report	 r;
	struct line		*v;
	size_t			 n, sel, top;
};

static const enum action import_actions[] = {
	ACT_IMPORT_RUN, ACT_IMPORT_CHECK, ACT_IMPORT_FILE, ACT_UP, ACT_DOWN,
	ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW,
	ACT_NONE
};

static int	ask_path(struct ui *, void *);

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 4 - DETAIL_ROWS;
}

static void
lines_free(struct import_screen *is)
{
	size_t	i;

	for (i = 0; i < is->n; i++) {
		free(is->v[i].what);
		xfree_wipe(is->v[i].text);
	}
	free(is->v);
	is->v = NULL;
	is->n = is->sel = is->top = 0;
}

static void
add_line(struct import_screen *is, size_t row, const char *what,
    const char *text)
{
	struct line	*l;

	is->v = xreallocarray(is->v, is->n + 1, sizeof *is->v);
	l = &is->v[is->n++];
	l->row = row;
	l->what = xstrdup(what);
	l->text = xstrdup(text);
}

/* Forget the file checked (not its path nor the consent). */
static void
reset(struct import_screen *is)
{
	lines_free(is);
	import_report_free(&is->r);
	import_file_free(is->f);
	is->f = NULL;
	free(is->error);
	is->error = NULL;
	is->stage = STAGE_NONE;
}

/*
 * The field a problem is about, as the form labels it: the column's key
 * in its row, since the header may name a field by its key or its
 * label.  A column that maps to no field keeps the header's name; "-"
 * (the row as a whole) is "".
 */
static const char *
field_of(struct ui *ui, const struct import_screen *is, size_t row,
    const char *column)
{
	const struct import_row	*ir;
	size_t			 i, j;

	if (strcmp(column, "-") == 0)
		return "";
	for (i = 0; is->f != NULL && i < is->f->rows->nrows; i++) {
		ir = &is->f->rows->rows[i];
		if (ir->row != row)
			continue;
		for (j = 0; j < ir->nvalues; j++) {
			if (strcmp(ir->columns[j], column) == 0)
				return ui_field_label(ui, ir->values[j].key);
		}
	}
	return column;
}

/* The report's problems as lines; a message that begins with the
 * field's label already (a value's check) is not labelled twice. */
static void
problems_to_lines(struct ui *ui, struct import_screen *is)
{
	const struct import_problem	*p;
	const char			*what;
	char				*quoted = NULL;
	size_t				 i;

	for (i = 0; i < is->r.nproblems; i++) {
		p = &is->r.problems[i];
		what = field_of(ui, is, p->row, p->column);
		if (*what != '\0' &&
		    strncmp(p->message, what, strlen(what)) == 0)
			what = "";
		else if (what == p->column) {
			/* No field: the header's own name for it. */
			xasprintf(&quoted, _("column %s"), p->column);
			what = quoted;
		}
		add_line(is, p->row, what, p->message);
		free(quoted);
		quoted = NULL;
	}
}

/* Read the file and check every row (a dry run); nothing is written
 * but the log's entry. */
static int
check(struct ui *ui, struct import_screen *is)
{
	struct csv_where	 where;
	const struct form_spec	*form = ui->s->form;
	char			*cause = NULL;
	int			 rc;

	reset(is);
	rc = store_import_load(ui->s->st, is->path, CSV_AUTO, NULL, 0, 1,
	    &is->f, &is->r, &where, &cause);
	if (rc == XJ_EDATA && where.row > 0) {
		/* The cause begins "row R, column C: ". */
		add_line(is, where.row, "", cause);
		is->stage = STAGE_HEADER;
		goto out;
	}
	if (rc == XJ_EDATA && is->r.nproblems > 0) {
		problems_to_lines(ui, is);
		is->stage = STAGE_HEADER;
		goto out;
	}
	if (rc != XJ_OK) {
		is->error = cause;
		cause = NULL;
		is->stage = STAGE_FAILED;
		goto out;
	}
	rc = store_import(ui->s->st, is->f->rows,
	    form->consent[is->consent].value, 1, &is->r, &cause);
	if (rc == XJ_OK)
		is->stage = STAGE_READY;
	else if (rc == XJ_EDATA && is->r.nproblems > 0) {
		problems_to_lines(ui, is);
		is->stage = STAGE_ROWS;
	} else {
		is->error = cause;
		cause = NULL;
		is->stage = STAGE_FAILED;
	}
out:
	free(cause);
	return UI_REDRAW;
}

static int
consent_chosen(struct ui *ui, void *arg)
{
	return check(ui, arg);
}

static int
path_typed(struct ui *ui, void *arg)
{
	struct import_screen	*is = arg;
	struct choice		 c;

	free(is->path);
	is->path = is->typed;
	is->typed = NULL;
	reset(is);
	memset(&c, 0, sizeof c);
	c.question = _("How did the guardians consent to these records?");
	c.detail = _("The same for every student of the file.");
	c.items = is->consents;
	c.n = ui->s->form->nconsent;
	c.out = &is->consent;
	c.done = consent_chosen;
	c.arg = is;
	return ui_push(ui, &screen_choice, &c);
}

static int
ask_path(struct ui *ui, void *arg)
{
	struct input	in;

	memset(&in, 0, sizeof in);
	in.question = _("The CSV file to import (a path):");
	in.detail = _("Its first row names the columns as the enrolment form "
	    "names its fields.");
	in.required = 1;
	in.max = PATH_MAX_TYPED;
	in.out = &((struct import_screen *)arg)->typed;
	in.done = path_typed;
	in.arg = arg;
	return ui_push(ui, &screen_input, &in);
}

static void *
import_open(struct ui *ui, void *arg)
{
	struct import_screen	*is = xcalloc(1, sizeof *is);
	const struct form_spec	*form = ui->s->form;
	size_t			 i;

	(void)arg;
	is->consent = -1;
	is->consents = xcalloc(form->nconsent + 1, sizeof *is->consents);
	for (i = 0; i < form->nconsent; i++)
		is->consents[i] = form_text(&form->consent[i].label);
	/* The path is asked for once the screen is on the stack. */
	ui->after = ask_path;
	ui->after_arg = is;
	return is;
}

static void
import_close(void *p)
{
	struct import_screen	*is = p;

	reset(is);
	free(is->path);
	xfree_wipe(is->typed);
	free(is->consents);
	free(is);
}

/* The line under the title saying where the import stands. */
static void
draw_summary(struct ui *ui, struct import_screen *is)
{
	char		*line = NULL, key[16];
	enum ui_style	 st = STYLE_NORMAL;

	snprintf(key, sizeof key, "%s", action_key_label(ACT_IMPORT_CHECK));
	switch (is->stage) {
	case STAGE_NONE:
		/* Chosen, not yet checked: the consent is being asked. */
		if (is->path != NULL)
			return;
		line = xstrdup(_("No file chosen."));
		break;
	case STAGE_FAILED:
		ui_wrap(ui, 3, 2, ui->cols - 4, 2, is->error, STYLE_ERROR);
		ui_text(ui, 5, 2, ui->cols - 4, _("Check the path and that the "
		    "file can be read, then choose it again."), STYLE_NORMAL);
		return;
	case STAGE_HEADER:
		xasprintf(&line, _("The file's first rows have problems; "
		    "nothing can be imported. Fix them, then check again "
		    "(%s)."), key);
		st = STYLE_ERROR;
		break;
	case STAGE_ROWS:
		xasprintf(&line, _("Problems: %zu, in %zu of %zu rows; nothing "
		    "can be imported. Fix them, then check again (%s)."),
		    is->r.nproblems, is->r.rows - is->r.valid, is->r.rows,
		    key);
		st = STYLE_ERROR;
		break;
	case STAGE_READY:
		xasprintf(&line, _("All %zu rows can be imported, all or "
		    "none (%s)."), is->r.rows,
		    action_key_label(ACT_IMPORT_RUN));
		break;
	case STAGE_DONE:
		xasprintf(&line, _("Imported %zu students; their new numbers "
		    "are below."), is->r.ndone);
		break;
	}
	ui_wrap(ui, 3, 2, ui->cols - 4, 2, line, st);
	free(line);
}

static void
import_draw(struct ui *ui, void *p)
{
	struct import_screen	*is = p;
	const struct line	*l;
	enum ui_style		 st;
	char			*line;
	int			 rows = list_rows(ui), row;
	size_t			 i;

	ui_title(ui, _("Import students from a spreadsheet (CSV)"));
	if (is->path != NULL) {
		xasprintf(&line, _("File: %s"), is->path);
		ui_text(ui, 1, 2, ui->cols - 4, line, STYLE_DIM);
		free(line);
	}
	if (is->consent >= 0) {
		xasprintf(&line, _("Guardians' consent: %s"),
		    is->consents[is->consent]);
		ui_text(ui, 2, 2, ui->cols - 4, line, STYLE_DIM);
		free(line);
	}
	draw_summary(ui, is);
	if (is->n == 0)
		return;
	ui_list_scroll(&is->top, is->sel, rows);
	for (i = is->top; i < is->n && i < is->top + (size_t)rows; i++) {
		l = &is->v[i];
		row = LIST_TOP + (int)(i - is->top);
		st = i == is->sel ? STYLE_SELECT : STYLE_NORMAL;
		if (i == is->sel)
			ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
		ui_text(ui, row, 0, 2, i == is->sel ? ">" : " ", st);
		if (*l->what != '\0')
			xasprintf(&line, _("Row %zu  %s: %s"), l->row, l->what,
			    l->text);
		else
			xasprintf(&line, _("Row %zu  %s"), l->row, l->text);
		ui_text(ui, row, 2, ui->cols - 2, line, st);
		free(line);
	}
	/* The selected line in full: a problem may be long. */
	l = &is->v[is->sel];
	if (*l->what != '\0')
		xasprintf(&line, _("Row %zu  %s: %s"), l->row, l->what,
		    l->text);
	else
		xasprintf(&line, _("Row %zu  %s"), l->row, l->text);
	ui_wrap(ui, ui->rows - 3 - DETAIL_ROWS, 2, ui->cols - 4, DETAIL_ROWS,
	    line, STYLE_DIM);
	free(line);
}

/* After the yes: import what was checked, or list why not. */
static int
run_import(struct ui *ui, void *arg)
{
	struct import_screen	*is = arg;
	const char		*consent;
	char			*cause = NULL, *line;
	size_t			 i;
	int			 rc;

	if (is->stage != STAGE_READY)
		return UI_REDRAW;
	consent = ui->s->form->consent[is->consent].value;
	lines_free(is);
	import_report_free(&is->r);
	rc = store_import(ui->s->st, is->f->rows, consent, 0, &is->r, &cause);
	if (rc == XJ_OK) {
		is->stage = STAGE_DONE;
		for (i = 0; i < is->r.ndone; i++) {
			xasprintf(&line, _("enrolled as %s"),
			    is->r.done[i].number);
			add_line(is, is->r.done[i].row, "", line);
			free(line);
		}
		ui_message(ui, 0, _("Imported %zu students."), is->r.ndone);
	} else if (rc == XJ_EDATA && is->r.nproblems > 0) {
		/* Someone enrolled one of them meanwhile. */
		problems_to_lines(ui, is);
		is->stage = STAGE_ROWS;
		ui_message(ui, 1, "%s", _("Nothing was imported."));
	} else {
		ui_message(ui, 1, "%s", cause);
		is->stage = STAGE_FAILED;
		is->error = cause;
		cause = NULL;
	}
	free(cause);
	return UI_REDRAW;
}

static int
import_action(struct ui *ui, void *p, enum action a)
{
	struct import_screen	*is = p;
	char			*q;
	int			 rc;
	size_t			 page = (size_t)(list_rows(ui) > 1 ?
				     list_rows(ui) - 1 : 1);

	if (ui_list_move(&is->sel, is->n, page, a))
		return UI_HANDLED;
	switch (a) {
	case ACT_IMPORT_RUN:
		xasprintf(&q, _("Enrol the %zu students of the file, their "
		    "guardians' consent given %s?"), is->r.rows,
		    is->consents[is->consent]);
		rc = ui_ask(ui, q, _("All of them or, if anything is wrong, "
		    "none."), run_import, is);
		free(q);
		return rc;
	case ACT_IMPORT_CHECK:
		return check(ui, is);
	case ACT_IMPORT_FILE:
		return ask_path(ui, is);
	default:
		return 0;
	}
}

static int
import_offers(struct ui *ui, void *p, enum action a)
{
	struct import_screen	*is = p;

	(void)ui;
	switch (a) {
	case ACT_IMPORT_RUN:
		return is->stage == STAGE_READY;
	case ACT_IMPORT_CHECK:
		return is->path != NULL && is->consent >= 0 &&
		    is->stage != STAGE_DONE;
	default:
		return 1;
	}
}

const struct screen screen_import = {
	.name = "import",
	.actions = import_actions,
	.open = import_open,
	.close = import_close,
	.draw = import_draw,
	.action = import_action,
	.offers = import_offers,
};
