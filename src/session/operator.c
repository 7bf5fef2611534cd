/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Operators' key slots: add, reset or change a passphrase, remove, and
 * rotate the database key.  xueji operator and the operators' screen
 * both call these, so a slot changes, and is logged, the same way from
 * either.
 *
 * Adding needs a supervisor present (their session opens the branch
 * secret that is sealed to the newcomer).  Removing and rotating need
 * nobody else: the new secret is sealed to every remaining slot's public
 * key, and the database is re-encrypted under it, so a removed
 * operator's old copy of the key opens nothing current.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/session.h"

/*
 * Logged in, with the slots as they are on disk now.  Another terminal
 * may have added, reset or changed a slot since this session read them
 * at login; a change made to that older copy and saved would undo
 * theirs.  Every change here starts from this.
 */
static int
logged_in(struct session *s, char **cause)
{
	struct keyring	*kr = NULL;
	int		 rc;

	if (s->st == NULL || s->secret == NULL || s->op == NULL)
		return xj_fail(cause, XJ_ESOFTWARE, "%s", _("not logged in"));
	if ((rc = keyring_load(s->keyslot_path, &kr, cause)) != XJ_OK)
		return rc;
	/* Trusted only if someone holding the secret wrote it. */
	if ((rc = keyring_verify(kr, s->secret, cause)) != XJ_OK) {
		keyring_free(kr);
		return rc;
	}
	keyring_free(s->keys);
	s->keys = kr;
	return XJ_OK;
}

int
session_slots_read(struct session *s, char **cause)
{
	return logged_in(s, cause);
}

/* Save the slots, then log action on id and tell syslog. */
static int
saved(struct session *s, const char *action, const char *id,
    const char *detail, char **cause)
{
	int	rc;

	if ((rc = keyring_save(s->keys, s->secret, s->keyslot_path,
	    cause)) != XJ_OK ||
	    (rc = store_log(s->st, action, id, detail, cause)) != XJ_OK)
		return rc;
	xj_syslog(LOG_NOTICE, "%s: operator=%s by=%s", action, id, s->op->id);
	return XJ_OK;
}

int
session_operator_add(struct session *s, const char *id, const char *pass,
    size_t len, enum kdf_profile kdf, char **cause)
{
	int	rc;

	if ((rc = logged_in(s, cause)) != XJ_OK ||
	    (rc = store_require(s->st, PERM_OPERATOR_MANAGE, "operator.add",
	    cause)) != XJ_OK)
		return rc;
	if (policy_operator(s->pol, id) == NULL)
		return xj_fail(cause, XJ_EDATA, _("%s is not listed in %s; add "
		    "them there first, with a role"), id, s->pol->path);
	if (keyring_has(s->keys, id))
		return xj_fail(cause, XJ_EDATA, _("%s already has a key slot"),
		    id);
	if ((rc = passphrase_check_new(pass, len, cause)) != XJ_OK ||
	    (rc = keyring_add(s->keys, id, pass, len, kdf, s->secret,
	    cause)) != XJ_OK)
		return rc;
	return saved(s, "operator.add", id, "", cause);
}

int
session_operator_coapprover(const struct session *s, const char *id)
{
	const struct operator	*op = policy_operator(s->pol, id);

	return op != NULL && policy_allows(op, PERM_OPERATOR_MANAGE);
}

/* Whether agree, with agree_pass, may agree to resetting id's slot. */
static int
agreed(struct session *s, const char *id, const char *agree,
    const char *agree_pass, size_t agree_len, char **cause)
{
	struct branch_secret	*sec = NULL;
	int			 rc;

	if (agree == NULL || *agree == '\0')
		return xj_fail(cause, XJ_EPERM, _("%s manages operators too: "
		    "a second supervisor must agree to the reset"), id);
	if (strcmp(agree, s->op->id) == 0 || strcmp(agree, id) == 0 ||
	    !session_operator_coapprover(s, agree))
		return xj_fail(cause, XJ_EPERM, _("%s cannot agree: it takes "
		    "a supervisor other than %s and %s"), agree, s->op->id, id);
	rc = keyring_unlock(s->keys, agree, agree_pass, agree_len, &sec, NULL,
	    cause);
	branch_secret_free(sec);
	if (rc == XJ_EPERM) {
		free(*cause);
		*cause = NULL;
		return xj_fail(cause, XJ_EPERM, _("wrong passphrase for %s; "
		    "nothing was changed"), agree);
	}
	return rc;
}

int
session_operator_reset(struct session *s, const char *id, const char *pass,
    size_t len, enum kdf_profile kdf, const char *agree,
    const char *agree_pass, size_t agree_len, char **cause)
{
	char	*detail;
	int	 rc;

	if ((rc = logged_in(s, cause)) != XJ_OK ||
	    (rc = store_require(s->st, PERM_OPERATOR_MANAGE,
	    "operator.passwd", cause)) != XJ_OK)
		return rc;
	if (!keyring_has(s->keys, id))
		return xj_fail(cause, XJ_ENOINPUT, _("%s has no key slot"), id);
	if (strcmp(id, s->op->id) == 0)
		return xj_fail(cause, XJ_EUSAGE, _("one's own passphrase is "
		    "changed with the current one, not reset"));
	/* One person must not take over a co-approver's slot alone. */
	if (session_operator_coapprover(s, id) && (rc = agreed(s, id, agree,
	    agree_pass, agree_len, cause)) != XJ_OK)
		return rc;
	if ((rc = passphrase_check_new(pass, len, cause)) != XJ_OK ||
	    (rc = keyring_add(s->keys, id, pass, len, kdf, s->secret,
	    cause)) != XJ_OK)
		return rc;
	if (session_operator_coapprover(s, id))
		xasprintf(&detail, "agreed=%s", agree);
	else
		detail = xstrdup("");
	rc = saved(s, "operator.reset", id, detail, cause);
	free(detail);
	return rc;
}

int
session_operator_passwd(struct session *s, const char *old, size_t oldlen,
    const char *pass, size_t len, enum kdf_profile kdf, char **cause)
{
	int	rc;

	if ((rc = logged_in(s, cause)) != XJ_OK)
		return rc;
	if ((rc = passphrase_check_new(pass, len, cause)) != XJ_OK ||
	    (rc = keyring_passwd(s->keys, s->op->id, old, oldlen, pass, len,
	    kdf, cause)) != XJ_OK)
		return rc;
	return saved(s, "operator.passwd", s->op->id, "", cause);
}

/*
 * Seal a new database key and a new signing seed to every slot,
 * re-encrypt, then drop the old ones.  The slot file is saved before and
 * after the rekey, so a crash at any point leaves a file that opens the
 * database (see session_login).  The old signing key signs the new one's
 * public half into the log (store_rekey), so checkpoints made before
 * still verify and the old seed signs nothing current.
 */
static int
rotate(struct session *s, char **cause)
{
	struct branch_secret	*next;
	int			 rc;

	/* A session open elsewhere would be left holding a dead key. */
	if ((rc = session_exclusive(s, cause)) != XJ_OK)
		return rc;
	next = branch_secret_new();
	/* Until the commit the slots' current secret is still the old one. */
	if ((rc = keyring_rotate_begin(s->keys, next, cause)) != XJ_OK ||
	    (rc = keyring_save(s->keys, s->secret, s->keyslot_path,
	    cause)) != XJ_OK ||
	    (rc = store_rekey(s->st, next->db_key, s->secret->sign_seed,
	    next->sign_seed, cause)) != XJ_OK)
		goto out;
	keyring_rotate_commit(s->keys);
	if ((rc = keyring_save(s->keys, next, s->keyslot_path, cause)) !=
	    XJ_OK)
		goto out;
	memcpy(s->secret, next, sizeof *next);
	xj_syslog(LOG_NOTICE, "operator.rotate-key: by=%s", s->op->id);
out:
	branch_secret_free(next);
	return rc;
}

int
session_rotate_key(struct session *s, char **cause)
{
	int	rc;

	if ((rc = logged_in(s, cause)) != XJ_OK ||
	    (rc = store_require(s->st, PERM_OPERATOR_MANAGE,
	    "operator.rotate-key", cause)) != XJ_OK)
		return rc;
	return rotate(s, cause);
}

/* Whether removing id would leave nobody able to manage operators. */
static int
last_manager(const struct session *s, const char *id)
{
	const char	**ids;
	size_t		  i, n;

	ids = keyring_ids(s->keys, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(ids[i], id) != 0 &&
		    session_operator_coapprover(s, ids[i]))
			return 0;
	}
	return 1;
}

int
session_operator_remove(struct session *s, const char *id, char **cause)
{
	char	*why = NULL;
	int	 rc;

	if ((rc = logged_in(s, cause)) != XJ_OK ||
	    (rc = store_require(s->st, PERM_OPERATOR_MANAGE,
	    "operator.remove", cause)) != XJ_OK)
		return rc;
	if (!keyring_has(s->keys, id))
		return xj_fail(cause, XJ_ENOINPUT, _("%s has no key slot"), id);
	if (last_manager(s, id))
		return xj_fail(cause, XJ_EDATA, _("%s is the last operator who "
		    "can manage operators; add another first"), id);
	if ((rc = session_exclusive(s, cause)) != XJ_OK)
		return rc;
	if ((rc = keyring_remove(s->keys, id, cause)) != XJ_OK ||
	    (rc = saved(s, "operator.remove", id, "", cause)) != XJ_OK)
		return rc;
	/* Removing an operator is only real once their key opens nothing. */
	if ((rc = rotate(s, &why)) != XJ_OK) {
		xj_fail(cause, rc, _("%s's key slot is gone, but changing the "
		    "database key failed (%s); rotate the key again"), id,
		    why != NULL ? why : "?");
		free(why);
	}
	return rc;
}
