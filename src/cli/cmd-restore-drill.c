/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji restore-drill FILE: prove that a backup would restore, without
 * restoring it.  The store opens a private copy, checks it and compares
 * it with the live database; this file prints what it found, one fact a
 * line, tab-separated:
 *
 *	file	SH01-20261124-101500.xjb
 *	opened	yes
 *	integrity	ok
 *	chain	ok
 *	history	same
 *	backup_at	2026-11-24T02:15:00Z
 *	count	active	12	11	differs
 *	...
 *	reapply	1
 *	suspicious	no
 *	result	passed
 *
 * Exit 0 when the drill passes (a suspicious backup passes too, with a
 * warning), 1 when the backup opens but is damaged, 65 when the key does
 * not open it, 66 when there is no such file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xueji/backup.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "cli.h"

/* A check's outcome: "-" when the drill stopped before it. */
static const char *
outcome(int reached, int ok)
{
	if (!reached)
		return "-";
	return ok ? "ok" : "failed";
}

static void
put_count(long long v)
{
	if (v < 0)
		printf("\t-");
	else
		printf("\t%lld", v);
}

static void
print_report(const struct drill_report *r, int passed)
{
	int	i;

	printf("file\t%s\n", r->file);
	printf("opened\t%s\n", r->opened ? "yes" : "no");
	printf("integrity\t%s\n", outcome(r->opened, r->integrity_ok));
	printf("chain\t%s\n", outcome(r->integrity_ok, r->chain_ok));
	if (passed) {
		printf("history\t%s\n", r->same_history ? "same" :
		    "different");
		cli_put_time("backup_at", r->backup_at);
		for (i = 0; i < DRILL__COUNT; i++) {
			printf("count\t%s", drill_count_name(i));
			put_count(r->live[i]);
			put_count(r->backup[i]);
			printf("\t%s\n", r->differ & (1U << i) ? "differs" :
			    "");
		}
		printf("reapply");
		put_count(r->reapply);
		putchar('\n');
		printf("suspicious\t%s\n", r->suspicious ? "yes" : "no");
	}
	printf("result\t%s\n", passed ? "passed" : "failed");
	/* One line: the reason may quote SQLite. */
	if (r->problem != NULL)
		cli_put_pair("problem", r->problem);
}

static int
drill_exec(struct cli *c, int argc, char **argv)
{
	struct drill_report	 r;
	char			*cause = NULL;
	int			 rc, first;

	if (cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first) !=
	    XJ_OK || argc - first != 1)
		return cli_usage(&cmd_restore_drill);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_restore_drill(c->s->st, c->s->secret->db_key, argv[first],
	    &r, &cause);
	/* Nothing to report when the drill was not allowed to start. */
	if (r.file != NULL)
		print_report(&r, rc == XJ_OK);
	if (rc == XJ_OK && r.suspicious)
		cli_errorf(XJ_OK, _("%s holds more than the live database or "
		    "another history: find out where it came from before "
		    "restoring it"), r.file);
	drill_report_free(&r);
	return cli_error(rc, &cause);
}

const struct cmd cmd_restore_drill = {
	.name = "restore-drill",
	.synopsis = N_("FILE"),
	.help = N_("check that a backup would restore; exit 1 if damaged"),
	.exec = drill_exec,
};
