/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji operator add|passwd|remove|rotate-key|list: key slots.
 *
 * Adding needs a supervisor present (their passphrase opens the branch
 * secret that is sealed to the newcomer).  Removing and rotating need
 * nobody else: the new secret is sealed to every remaining slot's public
 * key, and the database is re-encrypted under it, so a removed
 * operator's old copy of the key opens nothing current.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "cli.h"

static int
need_manage(struct cli *c, const char *what)
{
	char	*cause = NULL;
	int	 rc;

	if ((rc = store_require(c->s->st, PERM_OPERATOR_MANAGE, what,
	    &cause)) != XJ_OK)
		return cli_error(rc, cause);
	return XJ_OK;
}

static int
operator_add(struct cli *c, const char *id)
{
	struct session	*s = c->s;
	char		*cause = NULL, *pass = NULL;
	size_t		 len;
	int		 rc;

	if ((rc = need_manage(c, "operator.add")) != XJ_OK)
		return rc;
	if (policy_operator(s->pol, id) == NULL)
		return cli_errorf(XJ_EDATA, _("%s is not listed in %s; add them "
		    "there first, with a role"), id, s->pol->path);
	if (keyring_has(s->keys, id))
		return cli_errorf(XJ_EDATA, _("%s already has a key slot; use "
		    "xueji operator passwd %s"), id, id);
	if ((rc = cli_new_passphrase(c, id, &pass, &len)) != XJ_OK)
		return rc;
	rc = keyring_add(s->keys, id, pass, len, c->kdf, s->secret, &cause);
	secure_free(pass);
	if (rc == XJ_OK)
		rc = keyring_save(s->keys, s->secret, s->keyslot_path,
		    &cause);
	if (rc == XJ_OK)
		rc = store_log(s->st, "operator.add", id, "", &cause);
	if (rc == XJ_OK)
		xj_syslog(LOG_NOTICE, "operator.add: operator=%s by=%s", id,
		    s->op->id);
	return cli_error(rc, cause);
}

static int
operator_passwd(struct cli *c, const char *id)
{
	struct session	*s = c->s;
	char		*cause = NULL, *pass = NULL;
	const char	*action;
	size_t		 len;
	int		 rc;

	if (!keyring_has(s->keys, id))
		return cli_errorf(XJ_ENOINPUT, _("%s has no key slot"), id);
	if (strcmp(id, s->op->id) != 0) {
		/* Someone else's: a reset by a supervisor, new key pair. */
		if ((rc = need_manage(c, "operator.passwd")) != XJ_OK)
			return rc;
		if ((rc = cli_new_passphrase(c, id, &pass, &len)) != XJ_OK)
			return rc;
		rc = keyring_add(s->keys, id, pass, len, c->kdf, s->secret,
		    &cause);
		action = "operator.reset";
	} else {
		/* Their own: the passphrase they logged in with opens it. */
		if ((rc = cli_new_passphrase(c, id, &pass, &len)) != XJ_OK)
			return rc;
		rc = keyring_passwd(s->keys, id, c->pass, c->passlen, pass, len,
		    c->kdf, &cause);
		action = "operator.passwd";
	}
	secure_free(pass);
	if (rc == XJ_OK)
		rc = keyring_save(s->keys, s->secret, s->keyslot_path,
		    &cause);
	if (rc == XJ_OK)
		rc = store_log(s->st, action, id, "", &cause);
	if (rc == XJ_OK)
		xj_syslog(LOG_NOTICE, "%s: operator=%s by=%s", action, id,
		    s->op->id);
	return cli_error(rc, cause);
}

/* Rotate the keys (session_rotate_key) and tell syslog. */
static int
rotate(struct cli *c, char **cause)
{
	int	rc;

	if ((rc = session_rotate_key(c->s, cause)) == XJ_OK)
		xj_syslog(LOG_NOTICE, "operator.rotate-key: by=%s",
		    c->s->op->id);
	return rc;
}

/* Whether removing id would leave nobody able to manage operators. */
static int
last_manager(const struct session *s, const char *id)
{
	const struct operator	*op;
	const char		**ids;
	size_t			 i, n;

	ids = keyring_ids(s->keys, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(ids[i], id) == 0)
			continue;
		op = policy_operator(s->pol, ids[i]);
		if (op != NULL && policy_allows(op, PERM_OPERATOR_MANAGE))
			return 0;
	}
	return 1;
}

static int
operator_remove(struct cli *c, const char *id)
{
	struct session	*s = c->s;
	char		*cause = NULL;
	int		 rc;

	if ((rc = need_manage(c, "operator.remove")) != XJ_OK)
		return rc;
	if (!keyring_has(s->keys, id))
		return cli_errorf(XJ_ENOINPUT, _("%s has no key slot"), id);
	if (last_manager(s, id))
		return cli_errorf(XJ_EDATA, _("%s is the last operator who can "
		    "manage operators; add another first"), id);
	if ((rc = session_exclusive(s, &cause)) != XJ_OK)
		return cli_error(rc, cause);
	if ((rc = keyring_remove(s->keys, id, &cause)) != XJ_OK ||
	    (rc = keyring_save(s->keys, s->secret, s->keyslot_path,
	    &cause)) != XJ_OK ||
	    (rc = store_log(s->st, "operator.remove", id, "", &cause)) != 0)
		return cli_error(rc, cause);
	xj_syslog(LOG_NOTICE, "operator.remove: operator=%s by=%s", id,
	    s->op->id);
	/* Removing an operator is only real once their key opens nothing. */
	if ((rc = rotate(c, &cause)) != XJ_OK) {
		cli_errorf(rc, _("%s's key slot is gone, but changing the "
		    "database key failed; run xueji operator rotate-key"), id);
		return cli_error(rc, cause);
	}
	return XJ_OK;
}

static int
operator_list(struct cli *c)
{
	struct session		*s;
	struct keyring		*kr = NULL;
	char			*cause = NULL;
	size_t			 i;
	int			 rc;

	if ((rc = cli_load(c)) != XJ_OK)
		return rc;
	s = c->s;
	rc = keyring_load(s->keyslot_path, &kr, &cause);
	if (rc != XJ_OK && rc != XJ_ENOINPUT)
		return cli_error(rc, cause);
	free(cause);
	for (i = 0; i < s->pol->noperators; i++) {
		printf("%s\t%s\t%s\t%s\n", s->pol->operators[i].id,
		    s->pol->operators[i].role->name,
		    kr != NULL && keyring_has(kr, s->pol->operators[i].id) ?
		    "slot" : "no-slot", s->pol->operators[i].name);
	}
	keyring_free(kr);
	return XJ_OK;
}

static int
operator_exec(struct cli *c, int argc, char **argv)
{
	const char	*verb, *id = NULL;
	char		*cause = NULL;
	int		 rc, first;

	if (cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first) != XJ_OK ||
	    first >= argc)
		return cli_usage(&cmd_operator);
	verb = argv[first];
	if (strcmp(verb, "list") == 0)
		return first + 1 == argc ? operator_list(c) :
		    cli_usage(&cmd_operator);
	if (strcmp(verb, "rotate-key") == 0) {
		if (first + 1 != argc)
			return cli_usage(&cmd_operator);
	} else if (first + 2 != argc)
		return cli_usage(&cmd_operator);
	else
		id = argv[first + 1];

	if (id != NULL && !policy_valid_id(id))
		return cli_errorf(XJ_EUSAGE, _("\"%s\" is not a valid operator "
		    "id"), id);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	if (strcmp(verb, "add") == 0)
		return operator_add(c, id);
	if (strcmp(verb, "passwd") == 0)
		return operator_passwd(c, id);
	if (strcmp(verb, "remove") == 0)
		return operator_remove(c, id);
	if (strcmp(verb, "rotate-key") == 0) {
		if ((rc = need_manage(c, "operator.rotate-key")) != XJ_OK)
			return rc;
		return cli_error(rotate(c, &cause), cause);
	}
	return cli_usage(&cmd_operator);
}

const struct cmd cmd_operator = {
	.name = "operator",
	.synopsis = N_("add ID\npasswd ID\nremove ID\nrotate-key\nlist"),
	.help = N_("key slots: add, change passphrase, remove, rotate the key"),
	.exec = operator_exec,
};
