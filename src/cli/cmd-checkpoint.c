/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji checkpoint -o FILE|FOLDER | --public-key: a signed statement of
 * the audit chain's head, for keeping off the machine (written by
 * session_checkpoint, as the screen of checkpoints writes it), and the
 * branch's public key, for the auditors who check it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/checkpoint.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "cli.h"

struct checkpoint_opts {
	const char	*out;
	int		 public_key;
};

static int
checkpoint_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct checkpoint_opts	*o = p;

	(void)c;
	switch (ch) {
	case 'o':
		o->out = arg;
		return XJ_OK;
	case 'P':
		o->public_key = 1;
		return XJ_OK;
	}
	return XJ_EUSAGE;
}

static int
checkpoint_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",	required_argument, NULL, 'o' },
		{ "public-key",	no_argument,	   NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	struct checkpoint_opts	 o = { NULL, 0 };
	unsigned char		 pk[CHECKPOINT_PK_BYTES];
	char			 hex[2 * CHECKPOINT_PK_BYTES + 1];
	char			*text = NULL, *cause = NULL, *path;
	int64_t			 seq;
	int			 rc, first;

	if (cli_parse(c, argc, argv, "o:", longopts, checkpoint_option, &o,
	    &first) != XJ_OK || first != argc ||
	    (o.out == NULL) == (o.public_key == 0))
		return cli_usage(&cmd_checkpoint);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	if (o.public_key) {
		checkpoint_public_key(c->s->secret->sign_seed, pk);
		xj_hex(pk, sizeof pk, hex);
		printf("%s\n", hex);
		return XJ_OK;
	}
	if (strcmp(o.out, "-") == 0) {
		if ((rc = store_checkpoint(c->s->st, c->s->secret->sign_seed,
		    &text, &seq, &cause)) != XJ_OK)
			return cli_error(rc, &cause);
		rc = fputs(text, stdout) == EOF ? XJ_EIO : XJ_OK;
		free(text);
		return rc;
	}
	if ((rc = session_checkpoint(c->s, o.out, &path, &seq, &cause)) !=
	    XJ_OK)
		return cli_error(rc, &cause);
	fprintf(stderr, _("xueji: checkpoint of entry %lld written to %s\n"),
	    (long long)seq, path);
	free(path);
	return XJ_OK;
}

const struct cmd cmd_checkpoint = {
	.name = "checkpoint",
	.synopsis = N_("-o FILE\n--public-key"),
	.help = N_("sign the audit log's head for keeping off the machine"),
	.exec = checkpoint_exec,
};
