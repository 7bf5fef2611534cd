/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The history pane of a student's record (screen-record.c): every value
 * each field has held, oldest first, a change on two lines (what and
 * when, then its request, who asked, who approved and why), kept at its
 * newest after each read and scrolled by the record screen.  Sensitive
 * values stay covered as the record's own are (ui_value_shown).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

/* A line of the history: entry e, and whether it is its second line. */
struct hline {
	size_t	e;
	int	second;
};

void
history_view_set(struct history_view *hv, struct history *h, size_t nh)
{
	size_t	i;

	history_view_free(hv);
	hv->h = h;
	hv->nh = nh;
	/* A change takes two lines: what and when, then who and why. */
	hv->hlines = xcalloc(2 * nh + 1, sizeof *hv->hlines);
	for (i = 0; i < nh; i++) {
		hv->hlines[hv->nlines++].e = i;
		if (h[i].request != 0) {
			hv->hlines[hv->nlines].e = i;
			hv->hlines[hv->nlines++].second = 1;
		}
	}
	hv->at_end = 1;
}

void
history_view_free(struct history_view *hv)
{
	history_free(hv->h, hv->nh);
	free(hv->hlines);
	hv->h = NULL;
	hv->hlines = NULL;
	hv->nh = hv->nlines = 0;
}

const char *
ui_value_shown(const struct ui *ui, const char *key, const char *value,
    int revealed)
{
	const struct field_spec	*f = form_field(ui->s->form, key);

	if (f != NULL && f->sensitivity == SENS_SENSITIVE && !revealed)
		return _("(hidden: F5 to reveal)");
	return value;
}

/* History line l at row: "when  field  value  (at enrolment)", or for
 * a change a second line "request N, asked by X, approved by Y: why". */
static void
draw_hline(struct ui *ui, const struct history_view *hv, size_t l,
    int row, int lw, int revealed)
{
	const struct history	*h = &hv->h[hv->hlines[l].e];
	char			 when[32], *line;
	int			 col = 2;

	if (hv->hlines[l].second) {
		/* Names only, to leave the line to the reason. */
		xasprintf(&line, _("request %" PRId64 ", asked by %s, approved "
		    "by %s: %s"), h->request, ui_who_name(ui, h->requested_by),
		    ui_who_name(ui, h->approved_by), h->reason != NULL ?
		    h->reason : "");
		ui_text(ui, row, 4, ui->cols - 6, line, STYLE_DIM);
		free(line);
		return;
	}
	xj_timefmt(h->at, when, sizeof when);
	col += ui_text(ui, row, col, 16, when, STYLE_DIM) + 2;
	ui_text(ui, row, col, lw, ui_field_label(ui, h->key), STYLE_DIM);
	col += lw;
	ui_text(ui, row, col, 16, ui_value_shown(ui, h->key, h->value,
	    revealed),
	    STYLE_NORMAL);
	col += 18;
	if (h->request == 0)
		ui_text(ui, row, col, ui->cols - col - 2, _("(at enrolment)"),
		    STYLE_DIM);
}

/* Rows the history may use from row on. */
static int
history_rows(const struct ui *ui, int row)
{
	return ui->rows - 3 - row;
}

void
history_view_draw(struct ui *ui, struct history_view *hv, int row, int lw,
    int revealed)
{
	int	rows, i;
	char	*head;

	if (hv->nlines == 0 || (rows = history_rows(ui, row + 1)) < 1)
		return;
	if (hv->at_end || hv->top + (size_t)rows > hv->nlines)
		hv->top = hv->nlines > (size_t)rows ? hv->nlines - (size_t)rows :
		    0;
	hv->at_end = 0;
	if (hv->nlines > (size_t)rows)
		xasprintf(&head, _("History, oldest first (lines %zu-%zu of "
		    "%zu; PgUp/PgDn scroll)"), hv->top + 1, hv->top +
		    (size_t)rows, hv->nlines);
	else
		xasprintf(&head, "%s", _("History, oldest first"));
	ui_text(ui, row++, 2, ui->cols - 4, head, STYLE_NORMAL);
	free(head);
	for (i = 0; i < rows && hv->top + (size_t)i < hv->nlines; i++)
		draw_hline(ui, hv, hv->top + (size_t)i, row + i, lw,
		    revealed);
}
