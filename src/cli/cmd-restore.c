/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji restore FILE: replace the database with a backup, only while no
 * other session is open (75 otherwise).  The database as it was is kept
 * beside it as a safety copy, whose path is printed alone on standard
 * output: what was done after the backup was made is only there.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "xueji/session.h"
#include "cli.h"

static int
restore_exec(struct cli *c, int argc, char **argv)
{
	char	*safety = NULL, *cause = NULL;
	int	 rc, first;

	if (cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first) !=
	    XJ_OK || argc - first != 1)
		return cli_usage(&cmd_restore);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = session_restore(c->s, argv[first], &safety, &cause);
	/*
	 * With a safety copy the swap was done, even should rc say that
	 * the log entry after it could not be written.
	 */
	if (safety != NULL) {
		printf("%s\n", safety);
		fprintf(stderr, _("xueji: restored from %s; the database as "
		    "it was is kept as %s\n"), argv[first], safety);
		free(safety);
	}
	return cli_error(rc, &cause);
}

const struct cmd cmd_restore = {
	.name = "restore",
	.synopsis = N_("FILE"),
	.help = N_("replace the database with a backup (no other session "
	    "open)"),
	.exec = restore_exec,
};
