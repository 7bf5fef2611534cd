/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A restore drill (restore.run) of one backup, and its report: whether
 * the key opened it, the integrity check, the chain, whether its history
 * is the live one's, the counts compared with the live database, and
 * how many destructions made since the backup a restore would carry out
 * again.
 * The drill is store_restore_drill, as xueji restore-drill runs it, so
 * it is logged (backup.drill) and remembered the same way; the screen
 * says who ran it and when.  Its arg is the backup's path (copied).
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/backup.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

#define BAR_ROW		4

struct drill {
	struct drill_report	 r;
	int			 rc;
	time_t			 at;
	char			*cause;
};

static const enum action drill_actions[] = {
	ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

/* The labels of the counts, in the order of enum drill_count. */
static const char *const count_labels[DRILL__COUNT] = {
	N_("Active students"), N_("Completed"), N_("Withdrawn"),
	N_("Destroyed"), N_("Log entries"), N_("Requests"),
	N_("Destruction records"),
};

static void *
drill_open(struct ui *ui, void *arg)
{
	struct drill	*d = xcalloc(1, sizeof *d);
	const char	*path = arg;
	char		*line;

	erase();
	ui_title(ui, _("Restore drill"));
	xasprintf(&line, _("Drilling %s: a private copy is opened with the "
	    "branch's key, checked and compared…"), path);
	ui_text(ui, 2, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	ui_progress(ui, BAR_ROW, 0, 1, "");
	refresh();
	d->at = xj_now();
	d->rc = store_restore_drill(ui->s->st, ui->s->secret->db_key, path,
	    &d->r, &d->cause);
	return d;
}

static void
drill_close(void *p)
{
	struct drill	*d = p;

	drill_report_free(&d->r);
	free(d->cause);
	free(d);
}

/* "ok", "FAILED" or "not reached", with its style. */
static void
check_line(struct ui *ui, int row, const char *what, int reached, int ok)
{
	enum ui_style	st = reached && !ok ? STYLE_ERROR : STYLE_NORMAL;

	/* By display width: the labels may be Chinese. */
	ui_text(ui, row, 2, 30, what, st);
	ui_text(ui, row, 34, ui->cols - 36, !reached ? _("not reached") :
	    ok ? _("ok") : _("FAILED"), st);
}

static void
count_text(long long v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", v);
}

static void
drill_draw(struct ui *ui, void *p)
{
	struct drill		*d = p;
	const struct drill_report *r = &d->r;
	char			*line, *who, when[32], a[24], b[24];
	int			 row = 2, i, passed = d->rc == XJ_OK;

	ui_title(ui, _("Restore drill"));
	if (r->file == NULL) {
		ui_text(ui, row, 2, ui->cols - 4, d->cause != NULL ? d->cause :
		    _("The drill could not start."), STYLE_ERROR);
		return;
	}
	xasprintf(&line, _("Backup: %s"), r->file);
	ui_text(ui, row++, 2, ui->cols - 4, line, STYLE_NORMAL);
	free(line);
	check_line(ui, row++, _("Opened with the branch's key"), 1,
	    r->opened);
	check_line(ui, row++, _("Integrity check"), r->opened,
	    r->integrity_ok);
	check_line(ui, row++, _("Operation log chain"), r->integrity_ok,
	    r->chain_ok);
	if (passed) {
		ui_text(ui, row++, 2, ui->cols - 4, r->same_history ?
		    _("History: the live database's own, earlier") :
		    _("History: NOT the live database's"), r->same_history ?
		    STYLE_NORMAL : STYLE_ERROR);
		ui_text(ui, ++row, 2, ui->cols - 4, _("Counts               "
		    "       live      backup"), STYLE_DIM);
		row++;
		for (i = 0; i < DRILL__COUNT; i++) {
			count_text(r->live[i], a, sizeof a);
			count_text(r->backup[i], b, sizeof b);
			/* Pad by display width: the labels may be Chinese. */
			ui_text(ui, row, 4, 24, _(count_labels[i]),
			    STYLE_NORMAL);
			/* An older backup holds fewer: say how many since. */
			if ((r->differ & (1U << i)) == 0)
				xasprintf(&line, "%8s    %8s", a, b);
			else if (r->backup[i] < r->live[i])
				xasprintf(&line, _("%8s    %8s  %lld since"),
				    a, b, r->live[i] - r->backup[i]);
			else
				xasprintf(&line, _("%8s    %8s  %lld more in "
				    "the backup"), a, b, r->backup[i] -
				    r->live[i]);
			ui_text(ui, row++, 28, ui->cols - 30, line,
			    STYLE_NORMAL);
			free(line);
		}
		/* What store_restore would do besides putting it back. */
		count_text(r->reapply, a, sizeof a);
		xasprintf(&line, _("Destructions made since this backup, which "
		    "a restore would carry out again: %s"), a);
		ui_text(ui, row++, 4, ui->cols - 6, line, STYLE_NORMAL);
		free(line);
	}
	row++;
	if (passed && r->suspicious) {
		ui_text(ui, row + 1, 2, ui->cols - 4, _("It holds more than the "
		    "live database, or another history: find out where it came "
		    "from before restoring it."), STYLE_NORMAL);
		line = xstrdup(_("PASSED, but SUSPICIOUS."));
	} else if (passed)
		line = xstrdup(_("PASSED: this backup would restore."));
	else
		xasprintf(&line, _("FAILED: %s"), r->problem != NULL ?
		    r->problem : "?");
	ui_text(ui, row, 2, ui->cols - 4, line, passed && !r->suspicious ?
	    STYLE_NORMAL : STYLE_ERROR);
	row += 3;
	free(line);
	who = policy_who(ui->s->pol, ui->s->op != NULL ? ui->s->op->id : NULL);
	xj_timefmt(d->at, when, sizeof when);
	xasprintf(&line, _("Recorded in the operation log: %s, %s."), who,
	    when);
	ui_text(ui, row, 2, ui->cols - 4, line, STYLE_DIM);
	free(line);
	free(who);
}

static int
drill_action(struct ui *ui, void *p, enum action a)
{
	(void)ui;
	(void)p;
	(void)a;
	return 0;
}

const struct screen screen_drill = {
	.name = "drill",
	.actions = drill_actions,
	.open = drill_open,
	.close = drill_close,
	.draw = drill_draw,
	.action = drill_action,
};
