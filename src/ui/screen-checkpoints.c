/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Checkpoints of the operation log (checkpoint.write): which entry the
 * last one covered and how old it is, in the error style once older
 * than checkpoint_warn_days; F2 writes one to a folder typed in (a USB
 * stick's) with session_checkpoint, the function xueji checkpoint
 * calls, so it is logged the same way, and says where it went.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "ui.h"

#define PATH_MAX_TYPED	1024

struct checkpoints {
	int64_t	 seq;		/* the last one's entry, 0: none */
	time_t	 at;
	int64_t	 head;		/* the log's newest entry */
	char	*typed;
	char	*written;	/* the file written here, in full */
};

static const enum action checkpoints_actions[] = {
	ACT_CHECKPOINT_WRITE, ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW,
	ACT_NONE
};

static void
load(struct ui *ui, struct checkpoints *c)
{
	if (store_last_checkpoint(ui->s->st, &c->seq, &c->at) != XJ_OK)
		c->seq = c->at = 0;
	c->head = store_audit_head(ui->s->st);
}

static void *
checkpoints_open(struct ui *ui, void *arg)
{
	struct checkpoints	*c = xcalloc(1, sizeof *c);

	(void)arg;
	load(ui, c);
	return c;
}

static void
checkpoints_close(void *p)
{
	struct checkpoints	*c = p;

	free(c->typed);
	free(c->written);
	free(c);
}

static void
checkpoints_draw(struct ui *ui, void *p)
{
	struct checkpoints	*c = p;
	char			*line, when[32], ago[64];
	int			 row = 2, w = ui->cols - 4, due;

	ui_title(ui, _("Checkpoints of the operation log"));
	row += ui_wrap(ui, row, 2, w, 4, _("A checkpoint is a small signed "
	    "file saying which entry the log had reached. Kept away from "
	    "this machine, it shows whether the log was later cut short or "
	    "the database swapped for an older copy."), STYLE_NORMAL) + 1;
	due = store_checkpoint_due(ui->s->st, xj_now());
	if (c->at == 0)
		line = xstrdup(_("No checkpoint yet."));
	else {
		xj_timefmt(c->at, when, sizeof when);
		ui_age(c->at, xj_now(), ago, sizeof ago);
		xasprintf(&line, due ? _("Last checkpoint: entry %lld, %s "
		    "(%s) — another one is due") : _("Last checkpoint: entry "
		    "%lld, %s (%s)"), (long long)c->seq, when, ago);
	}
	ui_text(ui, row++, 2, w, line, due ? STYLE_ERROR : STYLE_NORMAL);
	free(line);
	xasprintf(&line, _("The log's newest entry: %lld"),
	    (long long)c->head);
	ui_text(ui, row++, 2, w, line, STYLE_NORMAL);
	free(line);
	if (ui->s->cfg->checkpoint_dir != NULL) {
		xasprintf(&line, _("Written by themselves to: %s"),
		    ui->s->cfg->checkpoint_dir);
		ui_text(ui, row++, 2, w, line, STYLE_DIM);
		free(line);
	}
	if (c->written != NULL) {
		row++;
		ui_text(ui, row++, 2, w, _("Written here just now:"),
		    STYLE_NORMAL);
		ui_wrap(ui, row, 4, w - 2, 3, c->written, STYLE_SELECT);
	}
}

static int
folder_typed(struct ui *ui, void *arg)
{
	struct checkpoints	*c = arg;
	char			*out = NULL, *cause = NULL, full[PATH_MAX];
	int64_t			 seq;

	if (session_checkpoint(ui->s, c->typed, &out, &seq, &cause) !=
	    XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
		load(ui, c);
		return UI_REDRAW;
	}
	free(c->written);
	c->written = xstrdup(realpath(out, full) != NULL ? full : out);
	ui_message(ui, 0, _("Checkpoint of entry %lld written."),
	    (long long)seq);
	free(out);
	load(ui, c);
	return UI_REDRAW;
}

static int
checkpoints_action(struct ui *ui, void *p, enum action a)
{
	struct input	in;

	if (a != ACT_CHECKPOINT_WRITE)
		return 0;
	memset(&in, 0, sizeof in);
	in.question = _("The folder to write the checkpoint to (a USB "
	    "stick's):");
	in.detail = _("The file is named after the branch and the entry it "
	    "covers.");
	in.required = 1;
	in.max = PATH_MAX_TYPED;
	in.out = &((struct checkpoints *)p)->typed;
	in.done = folder_typed;
	in.arg = p;
	return ui_push(ui, &screen_input, &in);
}

/* One written at another terminal, or by itself: the age follows. */
static int
checkpoints_reread(struct ui *ui, void *p, int forced)
{
	(void)forced;
	load(ui, p);
	return UI_REDRAW;
}

const struct screen screen_checkpoints = {
	.name = "checkpoints",
	.actions = checkpoints_actions,
	.open = checkpoints_open,
	.close = checkpoints_close,
	.draw = checkpoints_draw,
	.action = checkpoints_action,
	.reread = checkpoints_reread,
};
