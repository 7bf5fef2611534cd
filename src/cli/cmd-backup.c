/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji backup [FILE]: an encrypted copy of the database, under the same
 * key, while other terminals keep working.  Without FILE it goes into
 * the backup folder under a name with the branch and the time, and old
 * backups there are rotated out.  The path written is printed alone on
 * standard output, for scripts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xueji/backup.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "cli.h"

static int
backup_exec(struct cli *c, int argc, char **argv)
{
	char	*out = NULL, *cause = NULL;
	int	 rc, first;

	if (cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first) !=
	    XJ_OK || argc - first > 1)
		return cli_usage(&cmd_backup);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_backup(c->s->st, c->s->secret->db_key,
	    first < argc ? argv[first] : NULL, &out, &cause);
	if (rc != XJ_OK)
		return cli_error(rc, &cause);
	printf("%s\n", out);
	free(out);
	return XJ_OK;
}

const struct cmd cmd_backup = {
	.name = "backup",
	.synopsis = N_("[FILE]"),
	.help = N_("write an encrypted copy of the database"),
	.exec = backup_exec,
};
