/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The progress bar of work that runs inside a key handler (verifying
 * the chain, making a backup): the main loop cannot draw until the work
 * is over, so the caller's callback draws the bar and refreshes.
 */
#include <stdlib.h>

#include "xueji/platform.h"
#include "ui.h"

/* "[#######.........]  45%  12288 / 27000 entries" */
void
ui_progress(struct ui *ui, int row, long long done, long long total,
    const char *what)
{
	char	*line;
	int	 width = ui->cols - 40, filled, i, pct;

	if (width < 10)
		width = 10;
	if (total <= 0)
		total = 1;
	if (done > total)
		done = total;
	if (done < 0)
		done = 0;
	filled = (int)(done * width / total);
	pct = (int)(done * 100 / total);
	ui_fill(ui, row, 0, ui->cols, STYLE_NORMAL);
	ui_text(ui, row, 2, 1, "[", STYLE_NORMAL);
	for (i = 0; i < width; i++)
		ui_text(ui, row, 3 + i, 1, i < filled ? "#" : ".",
		    i < filled ? STYLE_SELECT : STYLE_DIM);
	xasprintf(&line, "] %3d%%  %s", pct, what);
	ui_text(ui, row, 3 + width, ui->cols - 5 - width, line,
	    STYLE_NORMAL);
	free(line);
}
