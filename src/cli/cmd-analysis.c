/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji analysis [--since DATE] [--until DATE]: unusual access found in
 * the operation log (audit.view), with the thresholds of the
 * configuration's analysis keys.  One finding a line, tab-separated:
 * kind, operator, first and last entry's time (UTC), entries, first and
 * last sequence number, target and field (reveals only).  A separate
 * command, not an audit option: its output has other columns, and it is
 * logged as an analysis, not as browsing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/report.h"
#include "xueji/session.h"
#include "cli.h"

struct analysis_opts {
	time_t	since;
	time_t	until;		/* 0: no end */
};

static int
analysis_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct analysis_opts	*o = p;

	(void)c;
	switch (ch) {
	case 'S':
		return cli_parse_day(arg, 0, &o->since);
	case 'U':
		/* Through the whole day: until the next one starts. */
		return cli_parse_day(arg, 1, &o->until);
	}
	return XJ_EUSAGE;
}

static void
print_finding(const struct finding *f)
{
	char	from[32], to[32];

	xj_isotime(f->from, from, sizeof from);
	xj_isotime(f->to, to, sizeof to);
	printf("%s\t%s\t%s\t%s\t%ld\t%" PRId64 "\t%" PRId64 "\t%s\t%s\n",
	    finding_kind_name(f->kind), f->operator, from, to, f->count,
	    f->first_seq, f->last_seq, f->target != NULL ? f->target : "",
	    f->field != NULL ? f->field : "");
}

static int
analysis_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since",	required_argument, NULL, 'S' },
		{ "until",	required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 }
	};
	struct analysis_opts	 o;
	struct finding		*v = NULL;
	char			*cause = NULL;
	size_t			 n = 0, i;
	int			 rc, first;

	memset(&o, 0, sizeof o);
	if (cli_parse(c, argc, argv, NULL, longopts, analysis_option, &o,
	    &first) != XJ_OK || first != argc)
		return cli_usage(&cmd_analysis);
	if (o.until != 0 && o.until <= o.since)
		return cli_errorf(XJ_EUSAGE, "%s", _("--until must not be "
		    "before --since"));
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	if ((rc = store_analysis(c->s->st, o.since, o.until, &v, &n,
	    &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	for (i = 0; i < n; i++)
		print_finding(&v[i]);
	findings_free(v, n);
	return XJ_OK;
}

const struct cmd cmd_analysis = {
	.name = "analysis",
	.synopsis = N_("[--since DATE] [--until DATE]"),
	.help = N_("report unusual access in the operation log (auditors)"),
	.exec = analysis_exec,
};
