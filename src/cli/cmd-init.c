/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji init -u ID: create the data directory, the database under a
 * fresh random key, and the first operator's key slot.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/keys.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "cli.h"

/* mkdir -p with mode 0700 for what it creates. */
static int
make_dirs(const char *path, char **cause)
{
	char	*p, *s, c;

	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			xj_fail(cause, XJ_EIO, _("cannot create %s: %s"), p,
			    strerror(errno));
			free(p);
			return XJ_EIO;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return XJ_OK;
}

static int
init_exec(struct cli *c, int argc, char **argv)
{
	struct branch_secret	*secret = NULL;
	struct keyring		*kr = NULL;
	const struct operator	*op;
	struct session		*s;
	char			*cause = NULL, *pass = NULL;
	size_t			 len;
	int			 rc, first;

	if ((rc = cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first)) != 0)
		return cli_usage(&cmd_init);
	if (first != argc || c->operator == NULL)
		return cli_usage(&cmd_init);
	if ((rc = cli_load(c)) != XJ_OK)
		return rc;
	s = c->s;

	if ((op = policy_operator(s->pol, c->operator)) == NULL)
		return cli_errorf(XJ_EPERM, _("%s is not an operator in %s"),
		    c->operator, s->pol->path);
	if (!policy_allows(op, PERM_OPERATOR_MANAGE))
		return cli_errorf(XJ_EPERM, _("%s may not create a branch: "
		    "the role %s lacks the permission to %s"), op->id,
		    op->role->name, _(perm_table[PERM_OPERATOR_MANAGE].words));
	if (session_branch_exists(s))
		return cli_errorf(XJ_EUNAVAIL, _("%s already holds a branch; "
		    "refusing to overwrite it"), s->cfg->data_dir);
	if ((rc = make_dirs(s->cfg->data_dir, &cause)) != XJ_OK)
		return cli_error(rc, &cause);

	/* init sets a passphrase: take it from either fd option. */
	if (c->new_pass_fd < 0)
		c->new_pass_fd = c->pass_fd;
	if ((rc = cli_new_passphrase(c, op->id, &pass, &len)) != XJ_OK)
		return rc;

	secret = branch_secret_new();
	kr = keyring_new(s->cfg->branch_code);
	if ((rc = keyring_add(kr, op->id, pass, len, c->kdf, secret,
	    &cause)) != XJ_OK)
		goto out;
	if ((rc = store_create(s->db_path, secret->db_key, s->cfg->branch_code,
	    &cause)) != XJ_OK)
		goto out;
	if ((rc = keyring_save(kr, secret, s->keyslot_path, &cause)) != XJ_OK) {
		unlink(s->db_path);
		goto out;
	}
	/* Log in as a check that it all opens, and record who made it. */
	if ((rc = session_login(s, op->id, pass, len, &cause)) != XJ_OK ||
	    (rc = store_log(s->st, "branch.init", s->cfg->branch_code, "",
	    &cause)) != XJ_OK ||
	    (rc = store_log(s->st, "operator.add", op->id, "", &cause)) != 0)
		goto out;
	fprintf(stderr, _("xueji: branch %s created in %s\n"),
	    s->cfg->branch_code, s->cfg->data_dir);
out:
	secure_free(pass);
	branch_secret_free(secret);
	keyring_free(kr);
	return cli_error(rc, &cause);
}

const struct cmd cmd_init = {
	.name = "init",
	.synopsis = N_("-u ID [--kdf PROFILE] [--passphrase-fd N]"),
	.help = N_("create a branch: database, key, first operator"),
	.exec = init_exec,
};
