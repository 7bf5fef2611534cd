/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji verify [--checkpoint FILE]: the database's integrity check and
 * the whole audit chain, and, given a checkpoint kept off the machine,
 * that the log still extends it (not cut short, not an older copy).
 * Exit 0 when intact, 1 naming what is wrong when not.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "cli.h"

#define CHECKPOINT_MAX	4096

static int
verify_option(struct cli *c, int ch, const char *arg, void *p)
{
	(void)c;
	if (ch != 'k')
		return XJ_EUSAGE;
	*(const char **)p = arg;
	return XJ_OK;
}

static int
tampered(char *cause, int64_t bad)
{
	printf(_("TAMPERED: %s\n"), cause);
	if (bad > 0)
		printf(_("first bad entry: %" PRId64 "\n"), bad);
	free(cause);
	return XJ_TAMPERED;
}

static int
verify_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "checkpoint",	required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*file = NULL;
	char		*cause = NULL, *buf = NULL;
	size_t		 len = 0;
	int64_t		 count, bad = 0, seq = 0;
	int		 rc, first;

	if (cli_parse(c, argc, argv, NULL, longopts, verify_option, &file,
	    &first) != XJ_OK || first != argc)
		return cli_usage(&cmd_verify);
	/* Read the checkpoint before anything: a bad path changes nothing. */
	if (file != NULL && (rc = xj_read_user_file(file, CHECKPOINT_MAX, &buf,
	    &len, &cause)) != XJ_OK)
		return cli_error(rc == XJ_EDATA ? XJ_EDATA : rc, &cause);
	if ((rc = cli_login(c)) != XJ_OK) {
		free(buf);
		return rc;
	}
	/* The checkpoint first: verifying the chain adds an entry. */
	if (buf != NULL) {
		rc = store_verify_checkpoint(c->s->st,
		    c->s->secret->sign_seed, buf, len, &seq, &cause);
		free(buf);
		if (rc == XJ_TAMPERED)
			return tampered(cause, seq);
		if (rc != XJ_OK)
			return cli_error(rc, &cause);
	}
	rc = store_verify(c->s->st, &count, &bad, &cause);
	if (rc == XJ_TAMPERED)
		return tampered(cause, bad);
	if (rc != XJ_OK)
		return cli_error(rc, &cause);
	printf(_("ok: database intact, %" PRId64 " audit entries verified\n"),
	    count);
	if (file != NULL)
		printf(_("ok: the log extends the checkpoint of entry %" PRId64
		    "\n"), seq);
	return XJ_OK;
}

const struct cmd cmd_verify = {
	.name = "verify",
	.synopsis = N_("[--checkpoint FILE]"),
	.help = N_("check the database and the audit chain; exit 1 if "
	    "tampered"),
	.exec = verify_exec,
};
