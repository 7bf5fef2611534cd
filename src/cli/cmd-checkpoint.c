/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji checkpoint -o FILE | --public-key: a signed statement of the
 * audit chain's head, for keeping off the machine, and the branch's
 * public key, for the auditors who check it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/checkpoint.h"
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

/* Write text to path, refusing to overwrite: a checkpoint is evidence. */
static int
write_new(const char *path, const char *text)
{
	size_t	len = strlen(text);
	int	fd;

	if (strcmp(path, "-") == 0)
		return fputs(text, stdout) == EOF ? XJ_EIO : XJ_OK;
	/* The operator's file, in their group (xj_user_begin). */
	xj_user_begin();
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	xj_user_end();
	if (fd == -1)
		return cli_errorf(errno == EEXIST ? XJ_EUNAVAIL : XJ_EIO,
		    _("cannot write %s: %s"), path, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return cli_errorf(XJ_EIO, _("cannot write %s"), path);
	}
	close(fd);
	return XJ_OK;
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
	char			*text = NULL, *cause = NULL;
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
	if ((rc = store_checkpoint(c->s->st, c->s->secret->sign_seed, &text,
	    &seq, &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	rc = write_new(o.out, text);
	free(text);
	if (rc == XJ_OK && strcmp(o.out, "-") != 0)
		fprintf(stderr, _("xueji: checkpoint of entry %lld written to "
		    "%s\n"), (long long)seq, o.out);
	return rc;
}

const struct cmd cmd_checkpoint = {
	.name = "checkpoint",
	.synopsis = N_("-o FILE\n--public-key"),
	.help = N_("sign the audit log's head for keeping off the machine"),
	.exec = checkpoint_exec,
};
