/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji report [NAME|all] [--csv]: the reports of report.view, as text
 * for people or as CSV rows of report, metric and value for
 * spreadsheets.  Each report made is logged by the store; one that could
 * not be logged is not printed.
 */
#include <stdio.h>
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/platform.h"
#include "xueji/report.h"
#include "xueji/session.h"
#include "cli.h"

static int
report_option(struct cli *c, int ch, const char *arg, void *p)
{
	(void)c;
	(void)arg;
	if (ch != 'C')
		return XJ_EUSAGE;
	*(enum report_format *)p = REPORT_CSV;
	return XJ_OK;
}

/* Make report kind and print it; a blank line between texts. */
static int
print_report(struct cli *c, enum report_kind kind, enum report_format fmt,
    time_t now, int first)
{
	struct report	 *r;
	char		**lines, *cause = NULL;
	size_t		  n, i;
	int		  rc;

	if ((rc = store_report(c->s->st, kind, now, &r, &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	lines = report_lines(r, fmt, &n);
	if (fmt == REPORT_TEXT && !first)
		putchar('\n');
	for (i = 0; i < n; i++)
		printf("%s\n", lines[i]);
	report_lines_free(lines, n);
	report_free(r);
	return XJ_OK;
}

static int
report_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "csv",	no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	enum report_format	 fmt = REPORT_TEXT;
	time_t			 now;
	int			 rc, first, kind = -1, k;

	if (cli_parse(c, argc, argv, NULL, longopts, report_option, &fmt,
	    &first) != XJ_OK || argc - first > 1)
		return cli_usage(&cmd_report);
	if (first < argc && strcmp(argv[first], "all") != 0 &&
	    (kind = report_parse(argv[first])) < 0) {
		cli_errorf(XJ_EUSAGE, _("unknown report \"%s\""),
		    argv[first]);
		return cli_usage(&cmd_report);
	}
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	now = xj_now();
	if (fmt == REPORT_CSV)
		printf("%s\n", report_csv_header);
	for (k = 0; k < REPORT_KINDS; k++) {
		if (kind >= 0 && k != kind)
			continue;
		if ((rc = print_report(c, (enum report_kind)k, fmt, now,
		    kind >= 0 || k == 0)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

const struct cmd cmd_report = {
	.name = "report",
	.synopsis = N_("[status|completeness|pending|reviews|destruction|all] "
	    "[--csv]"),
	.help = N_("counts, completeness, pending requests, reviews, "
	    "destructions"),
	.exec = report_exec,
};
