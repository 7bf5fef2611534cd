/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Export (export.run): the students to a spreadsheet file, as xueji
 * export writes one.  Which students, why the data leave the system,
 * the encoding and the file's path are asked in turn; the file is
 * written by store_export_file, the function the command calls (a new
 * file only the operator can read, never over another), so it is logged
 * the same way, and the screen then says where it is, in full.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/backup.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

#define PURPOSE_MAX	500	/* characters, as the store takes */
#define PATH_MAX_TYPED	1024

struct export_screen {
	int	 which;		/* index into whiches[] */
	int	 encoding;	/* index into encodings[] */
	char	*purpose;
	char	*path;		/* typed */
	char	*written;	/* the file's full path, once written */
	char	*error;		/* why not, when it failed */
	size_t	 rows;
};

/* What may be exported: every student but the destroyed, or one status. */
static const char *const whiches[] = {
	N_("Every student (not the destroyed)"),
	N_("Active students"),
	N_("Completed students"),
	N_("Withdrawn students"),
};
static const int which_status[] = {
	-1, STATUS_ACTIVE, STATUS_COMPLETED, STATUS_WITHDRAWN
};

static const char *const encodings[] = {
	N_("UTF-8 (current Excel, WPS, LibreOffice)"),
	N_("GB18030 (older Excel in Chinese)"),
};
static const enum export_encoding encoding_value[] = {
	EXPORT_UTF8_BOM, EXPORT_GB18030
};

static const enum action export_actions[] = {
	ACT_EXPORT_RUN, ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

/* The dialogs' items, translated (screen_choice borrows them). */
static const char	*which_items[nitems(whiches)];
static const char	*encoding_items[nitems(encodings)];

static int
path_typed(struct ui *ui, void *arg)
{
	struct export_screen	*es = arg;
	char			*cause = NULL, full[PATH_MAX];
	int			 rc;

	free(es->written);
	free(es->error);
	es->written = es->error = NULL;
	rc = store_export_file(ui->s->st, es->path,
	    which_status[es->which], es->purpose,
	    encoding_value[es->encoding], &es->rows, &cause);
	if (rc != XJ_OK) {
		es->error = cause;
		ui_message(ui, 1, "%s", _("Nothing was exported."));
		return UI_REDRAW;
	}
	/* Where it is, whatever directory the program runs in. */
	es->written = xstrdup(realpath(es->path, full) != NULL ? full :
	    es->path);
	ui_message(ui, 0, _("Exported %zu students."), es->rows);
	return UI_REDRAW;
}

static int
encoding_chosen(struct ui *ui, void *arg)
{
	struct export_screen	*es = arg;
	struct input		 in;

	memset(&in, 0, sizeof in);
	in.question = _("The new file to write (a path ending in .csv):");
	in.detail = _("A file that exists already is never replaced; only "
	    "you can read the new one.");
	in.required = 1;
	in.max = PATH_MAX_TYPED;
	in.out = &es->path;
	in.done = path_typed;
	in.arg = es;
	return ui_push(ui, &screen_input, &in);
}

static int
purpose_typed(struct ui *ui, void *arg)
{
	struct export_screen	*es = arg;
	struct choice		 c;
	size_t			 i;

	for (i = 0; i < nitems(encodings); i++)
		encoding_items[i] = _(encodings[i]);
	memset(&c, 0, sizeof c);
	c.question = _("The file's encoding:");
	c.items = encoding_items;
	c.n = nitems(encodings);
	c.out = &es->encoding;
	c.done = encoding_chosen;
	c.arg = es;
	return ui_push(ui, &screen_choice, &c);
}

static int
which_chosen(struct ui *ui, void *arg)
{
	struct export_screen	*es = arg;
	struct input		 in;

	memset(&in, 0, sizeof in);
	in.question = _("Why do these records leave the system?");
	in.detail = _("Who gets the file and what for; it is kept with the "
	    "log's entry.");
	in.required = 1;
	in.max = PURPOSE_MAX;
	in.out = &es->purpose;
	in.done = purpose_typed;
	in.arg = es;
	return ui_push(ui, &screen_input, &in);
}

static int
ask_which(struct ui *ui, void *arg)
{
	struct export_screen	*es = arg;
	struct choice		 c;
	size_t			 i;

	for (i = 0; i < nitems(whiches); i++)
		which_items[i] = _(whiches[i]);
	memset(&c, 0, sizeof c);
	c.question = _("Which students to export?");
	c.detail = _("Each with every field you may see.");
	c.items = which_items;
	c.n = nitems(whiches);
	c.out = &es->which;
	c.done = which_chosen;
	c.arg = es;
	return ui_push(ui, &screen_choice, &c);
}

static void *
export_open(struct ui *ui, void *arg)
{
	struct export_screen	*es = xcalloc(1, sizeof *es);

	(void)arg;
	/* The questions start once the screen is on the stack. */
	ui->after = ask_which;
	ui->after_arg = es;
	return es;
}

static void
export_close(void *p)
{
	struct export_screen	*es = p;

	xfree_wipe(es->purpose);
	free(es->path);
	free(es->written);
	free(es->error);
	free(es);
}

static void
export_draw(struct ui *ui, void *p)
{
	struct export_screen	*es = p;
	char			*line;
	int			 row = 2, w = ui->cols - 4;

	ui_title(ui, _("Export students to a spreadsheet (CSV)"));
	row += ui_wrap(ui, row, 2, w, 3, _("The file holds every field you "
	    "may see of the students chosen. It leaves the system: why, and "
	    "how many, are logged."), STYLE_NORMAL) + 1;
	if (es->written != NULL) {
		xasprintf(&line, _("Exported %zu students (%s) to:"), es->rows,
		    _(whiches[es->which]));
		ui_text(ui, row++, 2, w, line, STYLE_NORMAL);
		free(line);
		row += ui_wrap(ui, row, 4, w - 2, 4, es->written,
		    STYLE_SELECT) + 1;
		ui_wrap(ui, row, 2, w, 3, _("Only you can read the file. Keep "
		    "it only as long as its purpose needs, then delete it."),
		    STYLE_DIM);
	} else if (es->error != NULL) {
		ui_text(ui, row++, 2, w, _("Nothing was exported:"),
		    STYLE_ERROR);
		ui_wrap(ui, row, 4, w - 2, 4, es->error, STYLE_ERROR);
	}
}

static int
export_action(struct ui *ui, void *p, enum action a)
{
	if (a == ACT_EXPORT_RUN)
		return ask_which(ui, p);
	return 0;
}

const struct screen screen_export = {
	.name = "export",
	.actions = export_actions,
	.open = export_open,
	.close = export_close,
	.draw = export_draw,
	.action = export_action,
};
