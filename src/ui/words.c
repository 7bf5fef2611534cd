/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Words the screens share: a date as the operator reads it.
 */
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "ui.h"

void
ui_datefmt(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}
