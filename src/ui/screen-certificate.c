/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A destruction certificate: what was destroyed, why, on whose request
 * and approval, when and how, and which backup still holds the data
 * until when.  It is drawn as a plain box of text so that it reads
 * the same on paper (a screenshot or a terminal's print).  It names no
 * child: the destruction record holds the number and nothing personal;
 * the operators it names as the status line does.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "ui.h"

struct certificate {
	struct destruction	*d;
};

static const enum action certificate_actions[] = {
	ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static void *
certificate_open(struct ui *ui, void *arg)
{
	const struct certificate_arg	*ca = arg;
	struct certificate		*c = xcalloc(1, sizeof *c);
	char				*cause = NULL;

	if (store_destruction_get(ui->s->st, ca->id, ca->number, &c->d,
	    &cause) != XJ_OK) {
		ui_message(ui, 1, "%s", cause);
		free(cause);
	}
	return c;
}

static void
certificate_close(void *p)
{
	struct certificate	*c = p;

	destruction_free(c->d);
	free(c);
}

/* A box of height rows from row, between columns left and right. */
static void
frame(struct ui *ui, int row, int height, int left, int right)
{
	int	r, c;

	ui_text(ui, row, left, 1, "┌", STYLE_NORMAL);
	ui_text(ui, row + height - 1, left, 1, "└", STYLE_NORMAL);
	for (c = left + 1; c < right; c++) {
		ui_text(ui, row, c, 1, "─", STYLE_NORMAL);
		ui_text(ui, row + height - 1, c, 1, "─", STYLE_NORMAL);
	}
	ui_text(ui, row, right, 1, "┐", STYLE_NORMAL);
	ui_text(ui, row + height - 1, right, 1, "┘", STYLE_NORMAL);
	for (r = row + 1; r < row + height - 1; r++) {
		ui_text(ui, r, left, 1, "│", STYLE_NORMAL);
		ui_text(ui, r, right, 1, "│", STYLE_NORMAL);
	}
}

static void
certificate_draw(struct ui *ui, void *p)
{
	const struct destruction	*d = ((struct certificate *)p)->d;
	const char			*labels[7];
	char				*s, *who, when[32], date[32];
	char				 made[32];
	int				 left = 2, right = ui->cols - 3;
	int				 col, lw = 0, width, row, top = 2, i;

	erase();
	if (d == NULL) {
		ui_title(ui, _("Destruction certificate"));
		return;
	}
	xasprintf(&s, _("Destruction certificate No. %" PRId64), d->id);
	ui_title(ui, s);
	free(s);

	labels[0] = _("Branch");
	labels[1] = _("Student no.");
	labels[2] = _("Reason");
	labels[3] = _("Requested");
	labels[4] = _("Approved");
	labels[5] = _("Executed");
	labels[6] = _("Method");
	for (i = 0; i < 7; i++) {
		if (utf8_width(labels[i]) > lw)
			lw = utf8_width(labels[i]);
	}
	lw += 2;
	col = left + 2 + lw;
	width = right - 2 - col;

	row = top + 1;
	xasprintf(&s, _("CERTIFICATE OF DESTRUCTION No. %" PRId64), d->id);
	ui_centre(ui, row, s, STYLE_NORMAL);
	free(s);
	row += 2;

	ui_text(ui, row, left + 2, lw, labels[0], STYLE_NORMAL);
	xasprintf(&s, "%s %s", ui->s->cfg->branch_code,
	    ui->s->cfg->branch_name);
	row += ui_wrap(ui, row, col, width, 1, s, STYLE_NORMAL);
	free(s);
	ui_text(ui, row, left + 2, lw, labels[1], STYLE_NORMAL);
	row += ui_wrap(ui, row, col, width, 1, d->number, STYLE_NORMAL);
	ui_text(ui, row, left + 2, lw, labels[2], STYLE_NORMAL);
	row += ui_wrap(ui, row, col, width, 1, destroy_reason_label(d->reason),
	    STYLE_NORMAL);
	xj_timefmt(d->requested_at, when, sizeof when);
	who = policy_who(ui->s->pol, d->requested_by);
	xasprintf(&s, _("%s by %s (request %" PRId64 ")"), when, who,
	    d->request);
	free(who);
	ui_text(ui, row, left + 2, lw, labels[3], STYLE_NORMAL);
	row += ui_wrap(ui, row, col, width, 1, s, STYLE_NORMAL);
	free(s);
	xj_timefmt(d->approved_at, when, sizeof when);
	who = policy_who(ui->s->pol, d->approved_by);
	/* TRANSLATORS: when and by whom a destruction was approved. */
	xasprintf(&s, C_("approval", "%s by %s"), when, who);
	free(who);
	ui_text(ui, row, left + 2, lw, labels[4], STYLE_NORMAL);
	row += ui_wrap(ui, row, col, width, 1, s, STYLE_NORMAL);
	free(s);
	xj_timefmt(d->executed_at, when, sizeof when);
	ui_text(ui, row, left + 2, lw, labels[5], STYLE_NORMAL);
	row += ui_wrap(ui, row, col, width, 1, when, STYLE_NORMAL);
	ui_text(ui, row, left + 2, lw, labels[6], STYLE_NORMAL);
	s = destroy_method_text(d);
	row += ui_wrap(ui, row, col, width, 3, s, STYLE_NORMAL);
	free(s);
	row++;
	if (d->backup_file != NULL) {
		xj_dayfmt(d->backup_made, made, sizeof made);
		xj_dayfmt(d->backup_removed, date, sizeof date);
		xasprintf(&s, _("The newest backup holding these data, %s, "
		    "made on %s, is removed by rotation after %s."),
		    d->backup_file, made, date);
	} else
		s = xstrdup(_("No backup holds these data."));
	row += ui_wrap(ui, row, left + 2, right - left - 3, 2, s, STYLE_NORMAL);
	free(s);
	row++;
	ui_text(ui, row, left + 2, right - left - 3,
	    _("This record holds no personal data."), STYLE_NORMAL);
	frame(ui, top, row - top + 2, left, right);
}

const struct screen screen_certificate = {
	.name = "certificate",
	.actions = certificate_actions,
	.open = certificate_open,
	.close = certificate_close,
	.draw = certificate_draw,
};
