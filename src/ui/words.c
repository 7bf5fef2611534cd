/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The codes the store keeps for destruction (its reason and method), in
 * words for the screens and the certificate.
 */
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "ui.h"

static const struct {
	const char	*code, *label;
} reasons[] = {
	{ "guardian-request", N_("at the guardian's request") },
	{ "retention-ended", N_("retention period ended") },
	{ "withdrawal", N_("the student withdrew") },
}, methods[] = {
	{ "secure-delete+wal-truncate", N_("deleted with secure_delete; "
	    "write-ahead log checkpointed and truncated") },
};

const char *
destroy_reason_label(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < nitems(reasons); i++) {
		if (strcmp(code, reasons[i].code) == 0)
			return _(reasons[i].label);
	}
	return code != NULL ? code : "";
}

const char *
destroy_method_label(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < nitems(methods); i++) {
		if (strcmp(code, methods[i].code) == 0)
			return _(methods[i].label);
	}
	return code != NULL ? code : "";
}

void
ui_datefmt(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}
