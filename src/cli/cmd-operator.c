/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji operator add|passwd|remove|rotate-key|list: key slots, through
 * the session's operator functions (src/session/operator.c), which the
 * operators' screen calls too.  This file reads the passphrases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/keys.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "cli.h"

/* The agreeing supervisor's passphrase: the next line of
 * --passphrase-fd, or asked at the terminal. */
static int
agree_passphrase(struct cli *c, const char *agree, char **pass,
    size_t *len)
{
	char	*cause = NULL, *prompt;
	int	 rc;

	xasprintf(&prompt, _("Passphrase of %s, who agrees: "), agree);
	rc = passphrase_read(c->pass_fd, prompt, 0, pass, len, &cause);
	free(prompt);
	return rc == XJ_OK ? XJ_OK : cli_error(rc, &cause);
}

/* Read agree's passphrase when change c of id's slot needs it. */
static int
agreement(struct cli *c, const char *id, enum slot_change change,
    const char *agree, char **pass, size_t *len)
{
	*pass = NULL;
	*len = 0;
	if (agree == NULL ||
	    session_operator_agreement(c->s, id, change) == AGREE_NONE)
		return XJ_OK;
	return agree_passphrase(c, agree, pass, len);
}

static int
operator_add(struct cli *c, const char *id, const char *agree)
{
	struct session	*s = c->s;
	char		*cause = NULL, *pass = NULL, *apass;
	size_t		 len, alen;
	int		 rc;

	/* Who may, and whether id can have one, before asking anything. */
	if ((rc = store_require(s->st, PERM_OPERATOR_MANAGE, "operator.add",
	    &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	if (policy_operator(s->pol, id) == NULL || keyring_has(s->keys, id) ||
	    (agree == NULL && session_operator_agreement(s, id, SLOT_ADD) !=
	    AGREE_NONE))
		return cli_error(session_operator_add(s, id, "", 0, c->kdf,
		    agree, NULL, 0, &cause), &cause);
	if ((rc = agreement(c, id, SLOT_ADD, agree, &apass, &alen)) != XJ_OK)
		return rc;
	if ((rc = cli_new_passphrase(c, id, &pass, &len)) != XJ_OK) {
		secure_free(apass);
		return rc;
	}
	rc = session_operator_add(s, id, pass, len, c->kdf, agree, apass, alen,
	    &cause);
	secure_free(pass);
	secure_free(apass);
	return cli_error(rc, &cause);
}

static int
operator_remove(struct cli *c, const char *id, const char *agree)
{
	char	*cause = NULL, *apass;
	size_t	 alen;
	int	 rc;

	if ((rc = agreement(c, id, SLOT_REMOVE, agree, &apass, &alen)) !=
	    XJ_OK)
		return rc;
	rc = session_operator_remove(c->s, id, agree, apass, alen, &cause);
	secure_free(apass);
	return cli_error(rc, &cause);
}

static int
operator_passwd(struct cli *c, const char *id, const char *agree)
{
	struct session	*s = c->s;
	char		*cause = NULL, *pass = NULL, *apass = NULL;
	size_t		 len, alen = 0;
	int		 rc;

	if (!keyring_has(s->keys, id))
		return cli_errorf(XJ_ENOINPUT, _("%s has no key slot"), id);
	if (strcmp(id, s->op->id) == 0) {
		/* Their own: the passphrase they logged in with opens it. */
		if ((rc = cli_new_passphrase(c, id, &pass, &len)) != XJ_OK)
			return rc;
		rc = session_operator_passwd(s, c->pass, c->passlen, pass, len,
		    c->kdf, &cause);
		secure_free(pass);
		return cli_error(rc, &cause);
	}
	/* Someone else's: a reset by a supervisor, new key pair. */
	if ((rc = store_require(s->st, PERM_OPERATOR_MANAGE,
	    "operator.passwd", &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	if ((rc = agreement(c, id, SLOT_RESET, agree, &apass, &alen)) !=
	    XJ_OK)
		return rc;
	if ((rc = cli_new_passphrase(c, id, &pass, &len)) != XJ_OK) {
		secure_free(apass);
		return rc;
	}
	rc = session_operator_reset(s, id, pass, len, c->kdf, agree, apass,
	    alen, &cause);
	secure_free(pass);
	secure_free(apass);
	return cli_error(rc, &cause);
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
		return cli_error(rc, &cause);
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
operator_option(struct cli *c, int ch, const char *arg, void *p)
{
	(void)c;
	if (ch != 'a')
		return -1;
	if (!policy_valid_id(arg))
		return cli_errorf(XJ_EUSAGE, _("\"%s\" is not a valid operator "
		    "id"), arg);
	*(const char **)p = arg;
	return XJ_OK;
}

static int
operator_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "agree",	required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*verb, *id = NULL, *agree = NULL;
	char		*cause = NULL;
	int		 rc, first;

	if (cli_parse(c, argc, argv, NULL, longopts, operator_option, &agree,
	    &first) != XJ_OK || first >= argc)
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
	/* The one thing a first login may do. */
	c->own_passwd = strcmp(verb, "passwd") == 0 && c->operator != NULL &&
	    strcmp(id, c->operator) == 0;
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	if (strcmp(verb, "add") == 0)
		return operator_add(c, id, agree);
	if (strcmp(verb, "passwd") == 0)
		return operator_passwd(c, id, agree);
	if (strcmp(verb, "remove") == 0)
		return operator_remove(c, id, agree);
	if (strcmp(verb, "rotate-key") == 0)
		return cli_error(session_rotate_key(c->s, &cause), &cause);
	return cli_usage(&cmd_operator);
}

const struct cmd cmd_operator = {
	.name = "operator",
	.synopsis = N_("add [--agree ID] ID\npasswd [--agree ID] ID\n"
	    "remove [--agree ID] ID\n"
	    "rotate-key\nlist"),
	.help = N_("key slots: add, change passphrase, remove, rotate the key"),
	.exec = operator_exec,
};
