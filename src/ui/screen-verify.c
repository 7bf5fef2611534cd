/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Verification (audit.verify): the database's integrity check and the
 * whole hash chain, with a progress bar, then the result naming the
 * first bad entry; and, on request, that the log extends a signed
 * checkpoint file.  The walk runs inside a key handler, so the progress
 * callback draws and refreshes by itself: the main loop cannot draw
 * until the walk is over.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/keys.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "ui.h"

#define BAR_ROW	4
#define CHECKPOINT_MAX	4096	/* a checkpoint file is a few lines */

enum outcome {
	NOT_RUN,
	INTACT,
	TAMPERED,
	FAILED,		/* could not be read, or not allowed */
};

struct verify {
	enum outcome	 outcome;
	int64_t		 count, bad, total;
	double		 seconds;
	char		*cause;
	/* Against a checkpoint: the file, what came of it. */
	char		*path;
	char		*cp_result;
	int		 cp_ok;
	struct ui	*ui;		/* for the progress callback */
};

static const enum action verify_actions[] = {
	ACT_VERIFY, ACT_CHECKPOINT, ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW,
	ACT_NONE
};

/* "[#######.........]  45%  12288 / 27000 entries" */
static void
draw_bar(struct ui *ui, int64_t done, int64_t total)
{
	char	*what;

	if (total <= 0)
		total = 1;
	if (done > total)
		done = total;
	xasprintf(&what, _("%" PRId64 " / %" PRId64 " entries"), done,
	    total);
	ui_progress(ui, BAR_ROW, done, total, what);
	free(what);
}

static void
progress(int64_t done, void *arg)
{
	struct verify	*v = arg;

	draw_bar(v->ui, done, v->total);
	refresh();
}

static void
run(struct ui *ui, struct verify *v)
{
	double	 t0 = xj_monotonic();
	int	 rc;

	free(v->cause);
	v->cause = NULL;
	v->ui = ui;
	v->total = store_audit_head(ui->s->st);
	erase();
	ui_title(ui, _("Verify the operation log"));
	ui_text(ui, 2, 2, ui->cols - 4, _("Checking the database and every "
	    "entry of the chain…"), STYLE_NORMAL);
	draw_bar(ui, 0, v->total);
	refresh();
	rc = store_verify_progress(ui->s->st, progress, v, &v->count, &v->bad,
	    &v->cause);
	v->seconds = xj_monotonic() - t0;
	v->outcome = rc == XJ_OK ? INTACT : rc == XJ_TAMPERED ? TAMPERED :
	    FAILED;
}

static void *
verify_open(struct ui *ui, void *arg)
{
	struct verify	*v = xcalloc(1, sizeof *v);

	(void)arg;
	run(ui, v);
	return v;
}

static void
verify_close(void *p)
{
	struct verify	*v = p;

	free(v->cause);
	free(v->path);
	free(v->cp_result);
	free(v);
}

static void
verify_draw(struct ui *ui, void *p)
{
	struct verify	*v = p;
	char		*line;
	int		 row = BAR_ROW + 2;

	ui_title(ui, _("Verify the operation log"));
	switch (v->outcome) {
	case INTACT:
		ui_text(ui, 2, 2, ui->cols - 4, _("Done."), STYLE_NORMAL);
		draw_bar(ui, v->count, v->count);
		xasprintf(&line, _("The log is intact: %" PRId64 " entries, "
		    "each one verified (%.1f s)."), v->count, v->seconds);
		ui_text(ui, row, 2, ui->cols - 4, line, STYLE_NORMAL);
		free(line);
		break;
	case TAMPERED:
		ui_text(ui, 2, 2, ui->cols - 4, _("Done."), STYLE_NORMAL);
		if (v->bad > 0)
			xasprintf(&line, _("TAMPERED: the first bad entry is "
			    "%" PRId64 "."), v->bad);
		else
			line = xstrdup(_("TAMPERED: the database fails its "
			    "integrity check."));
		ui_text(ui, row, 2, ui->cols - 4, line, STYLE_ERROR);
		free(line);
		ui_text(ui, row + 1, 2, ui->cols - 4, v->cause != NULL ?
		    v->cause : "", STYLE_NORMAL);
		ui_text(ui, row + 3, 2, ui->cols - 4, _("Keep this copy of the "
		    "database as it is and tell the branch manager."),
		    STYLE_NORMAL);
		break;
	case FAILED:
		ui_text(ui, row, 2, ui->cols - 4, v->cause != NULL ? v->cause :
		    _("The log could not be verified."), STYLE_ERROR);
		break;
	default:
		break;
	}
	if (v->cp_result != NULL) {
		xasprintf(&line, _("Checkpoint %s:"), v->path);
		ui_text(ui, row + 5, 2, ui->cols - 4, line, STYLE_NORMAL);
		free(line);
		ui_text(ui, row + 6, 4, ui->cols - 6, v->cp_result,
		    v->cp_ok ? STYLE_NORMAL : STYLE_ERROR);
	} else
		ui_text(ui, row + 5, 2, ui->cols - 4, _("F3 checks that the "
		    "log extends a signed checkpoint file."), STYLE_DIM);
}

static int
checkpoint_answered(struct ui *ui, void *arg)
{
	struct verify	*v = arg;
	char		*buf = NULL, *cause = NULL;
	size_t		 len = 0;
	int64_t		 seq = 0;
	int		 rc;

	free(v->cp_result);
	v->cp_result = NULL;
	v->cp_ok = 0;
	if (*v->path == '\0')
		return UI_REDRAW;
	rc = xj_read_user_file(v->path, CHECKPOINT_MAX, &buf, &len, &cause);
	if (rc == XJ_OK) {
		rc = store_verify_checkpoint(ui->s->st,
		    ui->s->secret->sign_seed, buf, len, &seq, &cause);
		free(buf);
	}
	if (rc == XJ_OK) {
		v->cp_ok = 1;
		xasprintf(&v->cp_result, _("the log extends the checkpoint of "
		    "entry %" PRId64 "."), seq);
	} else if (rc == XJ_TAMPERED && seq > 0)
		xasprintf(&v->cp_result, _("TAMPERED at or below entry "
		    "%" PRId64 ": %s"), seq, cause != NULL ? cause : "");
	else
		v->cp_result = xstrdup(cause != NULL ? cause :
		    _("the checkpoint could not be checked"));
	free(cause);
	/* The chain from the checkpoint on must hold too. */
	run(ui, v);
	return UI_REDRAW;
}

static int
verify_action(struct ui *ui, void *p, enum action a)
{
	struct verify	*v = p;
	struct input	 in;

	switch (a) {
	case ACT_VERIFY:
		run(ui, v);
		return UI_REDRAW;
	case ACT_CHECKPOINT:
		memset(&in, 0, sizeof in);
		in.question = _("The checkpoint file to check against (a path):");
		in.required = 1;
		in.max = 255;
		in.out = &v->path;
		in.done = checkpoint_answered;
		in.arg = v;
		return ui_push(ui, &screen_input, &in);
	default:
		return 0;
	}
}

const struct screen screen_verify = {
	.name = "verify",
	.actions = verify_actions,
	.open = verify_open,
	.close = verify_close,
	.draw = verify_draw,
	.action = verify_action,
};
