/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji verify: the database's integrity check and the whole audit
 * chain.  Exit 0 when intact, 1 naming the first bad entry when not.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "xueji/platform.h"
#include "cli.h"

static int
verify_exec(struct cli *c, int argc, char **argv)
{
	char	*cause = NULL;
	int64_t	 count, bad;
	int	 rc, first;

	if (cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first) != XJ_OK ||
	    first != argc)
		return cli_usage(&cmd_verify);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_verify(c->s->st, &count, &bad, &cause);
	if (rc == XJ_OK) {
		printf(_("ok: database intact, %" PRId64 " audit entries "
		    "verified\n"), count);
		return XJ_OK;
	}
	if (rc == XJ_TAMPERED) {
		printf(_("TAMPERED: %s\n"), cause);
		if (bad > 0)
			printf(_("first bad entry: %" PRId64 "\n"), bad);
		free(cause);
		return XJ_TAMPERED;
	}
	return cli_error(rc, cause);
}

const struct cmd cmd_verify = {
	.name = "verify",
	.synopsis = NULL,
	.help = N_("check the database and the audit chain; exit 1 if "
	    "tampered"),
	.exec = verify_exec,
};
