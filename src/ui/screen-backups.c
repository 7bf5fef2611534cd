/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Backups (backup.run, restore.run): the backup folder's list, newest
 * first, with when each was made, its size and when rotation removes
 * it; when the last backup and the last successful drill were.  F2
 * backs up to the backup folder and F3 to a folder typed in (a USB
 * stick), with a progress bar; F4 drills the backup selected and F5 one
 * typed in (screen_drill); F6 restores the selected one once the branch
 * code is typed.  In protected mode (xueji(7)) there is no F3: a copy
 * of the database goes only to the backup folder, and the screen says
 * so (store_backup_progress refuses any other folder).  Everything goes
 * through the same store functions as xueji backup, restore-drill and
 * restore, so it is logged the same way.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/backup.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "ui.h"

#define BAR_ROW		4
#define LIST_TOP	6
#define PATH_MAX_TYPED	1024

struct backups {
	struct backup_info	*v;
	size_t			 n, sel, top;
	time_t			 last;		/* the last backup, 0: none */
	time_t			 drill;		/* the last good drill */
	char			*folder;
	char			*typed;		/* a path typed in */
	char			*code;		/* the branch code typed */
	struct ui		*ui;		/* for the progress bar */
};

static const enum action backups_actions[] = {
	ACT_BACKUP_NOW, ACT_BACKUP_TO, ACT_DRILL, ACT_DRILL_FILE, ACT_RESTORE,
	ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_BACK, ACT_HELP,
	ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static int
list_rows(const struct ui *ui)
{
	return ui->rows - LIST_TOP - 3;
}

static void
load(struct ui *ui, struct backups *b)
{
	char	*cause = NULL;

	backup_list_free(b->v, b->n);
	b->v = NULL;
	b->n = 0;
	if (store_backup_list(ui->s->st, &b->v, &b->n, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	if (b->sel >= b->n)
		b->sel = b->n > 0 ? b->n - 1 : 0;
	store_last_backup(ui->s->st, &b->last);
	store_last_drill(ui->s->st, &b->drill);
	free(b->folder);
	b->folder = store_backup_folder(ui->s->st);
}

/*
 * Another terminal backed up, drilled or restored: read the list again,
 * the same backup still selected.
 */
static int
backups_reread(struct ui *ui, void *p, int forced)
{
	struct backups	*b = p;
	char		*sel = NULL;
	size_t		 i;

	(void)forced;
	if (b->sel < b->n)
		sel = xstrdup(b->v[b->sel].path);
	load(ui, b);
	for (i = 0; sel != NULL && i < b->n; i++) {
		if (strcmp(b->v[i].path, sel) == 0)
			b->sel = i;
	}
	free(sel);
	return UI_REDRAW;
}

static void *
backups_open(struct ui *ui, void *arg)
{
	struct backups	*b = xcalloc(1, sizeof *b);

	(void)arg;
	b->ui = ui;
	load(ui, b);
	return b;
}

static void
backups_close(void *p)
{
	struct backups	*b = p;

	backup_list_free(b->v, b->n);
	free(b->folder);
	free(b->typed);
	free(b->code);
	free(b);
}

/* "1.2 MB" */
static void
size_text(long long bytes, char *buf, size_t len)
{
	if (bytes < 1024 * 1024)
		snprintf(buf, len, "%lld KB", (bytes + 1023) / 1024);
	else
		snprintf(buf, len, "%.1f MB", (double)bytes / (1024 * 1024));
}

static void
draw_ages(struct ui *ui, struct backups *b)
{
	time_t	 now = xj_now();
	char	*line, when[32], ago[64];
	int	 due;

	if (ui_allowed(ui, ACT_BACKUP_NOW)) {
		due = store_backup_due(ui->s->st, now);
		if (b->last == 0)
			line = xstrdup(_("No backup yet."));
		else {
			xj_timefmt(b->last, when, sizeof when);
			ui_age(b->last, now, ago, sizeof ago);
			xasprintf(&line, due ? _("Last backup: %s (%s) — "
			    "another one is due") : _("Last backup: %s (%s)"),
			    when, ago);
		}
		ui_text(ui, 2, 2, ui->cols - 4, line, due ? STYLE_ERROR :
		    STYLE_NORMAL);
		free(line);
	}
	if (b->drill == 0)
		line = xstrdup(_("No restore drill yet."));
	else {
		xj_timefmt(b->drill, when, sizeof when);
		ui_age(b->drill, now, ago, sizeof ago);
		xasprintf(&line, _("Last successful restore drill: %s (%s)"),
		    when, ago);
	}
	ui_text(ui, 3, 2, ui->cols - 4, line, ui_allowed(ui, ACT_DRILL) &&
	    store_drill_due(ui->s->st, now) ? STYLE_ERROR : STYLE_NORMAL);
	free(line);
}

static void
backups_draw(struct ui *ui, void *p)
{
	struct backups			*b = p;
	const struct backup_info	*it;
	enum ui_style			 st;
	char				*line, when[32], size[32], gone[32];
	int				 rows = list_rows(ui), row;
	size_t				 i;

	ui_title(ui, _("Backups and restore drills"));
	xasprintf(&line, _("Backup folder: %s"), b->folder);
	ui_text(ui, 1, 2, ui->cols - 4, line, STYLE_DIM);
	free(line);
	draw_ages(ui, b);
	if (xj_protected() && ui_allowed(ui, ACT_BACKUP_NOW))
		ui_text(ui, BAR_ROW, 2, ui->cols - 4, _("On this machine backups "
		    "go to this folder only, never to one typed in."),
		    STYLE_DIM);
	ui_text(ui, LIST_TOP - 1, 2, ui->cols - 4, _("Made              "
	    "Size       Removed on  File"), STYLE_DIM);
	if (b->n == 0) {
		ui_text(ui, LIST_TOP + 1, 4, ui->cols - 8, _("No backup in the "
		    "backup folder."), STYLE_NORMAL);
		return;
	}
	ui_list_scroll(&b->top, b->sel, rows);
	for (i = b->top; i < b->n && i < b->top + (size_t)rows; i++) {
		it = &b->v[i];
		row = LIST_TOP + (int)(i - b->top);
		st = i == b->sel ? STYLE_SELECT : STYLE_NORMAL;
		if (i == b->sel)
			ui_fill(ui, row, 0, ui->cols, STYLE_SELECT);
		ui_text(ui, row, 0, 2, i == b->sel ? ">" : " ", st);
		xj_timefmt(it->made, when, sizeof when);
		size_text(it->size, size, sizeof size);
		xj_dayfmt(it->expires, gone, sizeof gone);
		xasprintf(&line, "%-16s  %9s  %-10s  %s", when, size, gone,
		    it->name);
		ui_text(ui, row, 2, ui->cols - 2, line, st);
		free(line);
	}
}

static void
backup_progress(int done, int total, void *arg)
{
	struct backups	*b = arg;
	char		*what;

	xasprintf(&what, _("%d / %d pages"), done, total);
	ui_progress(b->ui, BAR_ROW, done, total, what);
	free(what);
	refresh();
}

/* Back up to dir (NULL: the backup folder), the bar drawn meanwhile. */
static int
run_backup(struct ui *ui, struct backups *b, const char *dir)
{
	char	*out = NULL, *cause = NULL, *line, size[32];
	size_t	 i;

	erase();
	ui_title(ui, _("Backups and restore drills"));
	xasprintf(&line, _("Backing up to %s…"), dir != NULL ? dir :
	    b->folder);
	ui_text(ui, 2, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	ui_progress(ui, BAR_ROW, 0, 1, "");
	refresh();
	if (store_backup_progress(ui->s->st, ui->s->secret->db_key, dir,
	    backup_progress, b, &out, &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		load(ui, b);
		return UI_REDRAW;
	}
	load(ui, b);
	size[0] = '\0';
	for (i = 0; i < b->n; i++) {
		if (strcmp(b->v[i].path, out) == 0) {
			size_text(b->v[i].size, size, sizeof size);
			b->sel = i;
		}
	}
	/* The folder is on the screen; one typed in is said. */
	if (size[0] != '\0')
		ui_message(ui, 0, _("Backed up: %s (%s)"), dir == NULL ?
		    b->v[b->sel].name : out, size);
	else
		ui_message(ui, 0, _("Backed up: %s"), out);
	free(out);
	return UI_REDRAW;
}

static int
folder_typed(struct ui *ui, void *arg)
{
	struct backups	*b = arg;

	return run_backup(ui, b, b->typed);
}

static int
drill_typed(struct ui *ui, void *arg)
{
	struct backups	*b = arg;

	return ui_push(ui, &screen_drill, b->typed);
}

static int
code_typed(struct ui *ui, void *arg)
{
	struct backups	*b = arg;
	char		*safety = NULL, *cause = NULL, *name;
	int		 rc;

	if (b->sel >= b->n)
		return UI_REDRAW;
	if (strcmp(b->code, ui->s->cfg->branch_code) != 0) {
		ui_message(ui, 1, _("The branch code does not match; nothing "
		    "was restored."));
		return UI_REDRAW;
	}
	name = xstrdup(b->v[b->sel].name);
	erase();
	ui_title(ui, _("Backups and restore drills"));
	ui_text(ui, 2, 2, ui->cols - 4, _("Checking the backup and putting "
	    "it in place…"), STYLE_NORMAL);
	refresh();
	rc = session_restore(ui->s, b->v[b->sel].path, &safety, &cause);
	if (safety != NULL)
		ui_message(ui, rc != XJ_OK, _("Restored from %s; the database "
		    "as it was is kept as %s"), name, safety);
	else
		ui_message(ui, 1, "%s", cause != NULL ? cause :
		    _("nothing was restored"));
	free(safety);
	free(cause);
	free(name);
	load(ui, b);
	return UI_REDRAW;
}

static int
backups_action(struct ui *ui, void *p, enum action a)
{
	struct backups	*b = p;
	struct input	 in;
	char		*q, *d;
	int		 rc;
	size_t		 page = (size_t)(list_rows(ui) > 1 ?
			     list_rows(ui) - 1 : 1);

	if (ui_list_move(&b->sel, b->n, page, a))
		return UI_HANDLED;
	memset(&in, 0, sizeof in);
	in.required = 1;
	in.max = PATH_MAX_TYPED;
	in.arg = b;
	switch (a) {
	case ACT_BACKUP_NOW:
		return run_backup(ui, b, NULL);
	case ACT_BACKUP_TO:
		in.question = _("The folder to back up to (a USB stick's):");
		in.detail = _("The backup is named after the branch and the "
		    "time.");
		in.out = &b->typed;
		in.done = folder_typed;
		return ui_push(ui, &screen_input, &in);
	case ACT_DRILL:
		if (b->sel >= b->n)
			return UI_HANDLED;
		return ui_push(ui, &screen_drill, b->v[b->sel].path);
	case ACT_DRILL_FILE:
		in.question = _("The backup file to drill (a path):");
		in.out = &b->typed;
		in.done = drill_typed;
		return ui_push(ui, &screen_input, &in);
	case ACT_RESTORE:
		if (b->sel >= b->n)
			return UI_HANDLED;
		xasprintf(&q, _("To replace the database with %s, type the "
		    "branch code (%s):"), b->v[b->sel].name,
		    ui->s->cfg->branch_code);
		d = xstrdup(_("What was done since the backup was made is kept "
		    "only in a safety copy beside the database."));
		in.question = q;
		in.detail = d;
		in.max = 64;
		in.out = &b->code;
		in.done = code_typed;
		rc = ui_push(ui, &screen_input, &in);
		free(q);
		free(d);
		return rc;
	default:
		return 0;
	}
}

/* Read again: a drill, a backup or a restore elsewhere shows by itself. */
static int
backups_tick(struct ui *ui, void *p)
{
	load(ui, p);
	return UI_REDRAW;
}

static int
backups_offers(struct ui *ui, void *p, enum action a)
{
	struct backups	*b = p;

	(void)ui;
	if (a == ACT_DRILL || a == ACT_RESTORE)
		return b->n > 0;
	/* Setgid, a copy written with the group's rights: ours only. */
	if (a == ACT_BACKUP_TO)
		return !xj_protected();
	return 1;
}

const struct screen screen_backups = {
	.name = "backups",
	.actions = backups_actions,
	.open = backups_open,
	.close = backups_close,
	.draw = backups_draw,
	.action = backups_action,
	.tick = backups_tick,
	.offers = backups_offers,
	.reread = backups_reread,
};
