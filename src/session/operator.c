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
 * secret that is sealed to the newcomer).  Rotating needs nobody else:
 * the new secret is sealed to every remaining slot's public key, and the
 * database is re-encrypted under it, so a removed operator's old copy of
 * the key opens nothing current.
 *
 * Whoever sets a slot for someone else knows its passphrase until its
 * owner changes it, and the store remembers who did (store_log_slot):
 * one person holding two identities would make four eyes two.  So the
 * owner's first login asks for a passphrase of their own, and adding,
 * resetting or removing a supervisor who manages operators takes a
 * second one's agreement, typed at the same terminal (agreed()).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

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

static int
save_slots(void *arg, char **cause)
{
	struct session	*s = arg;

	return keyring_save(s->keys, s->secret, s->keyslot_path, cause);
}

/*
 * Log action on id, save the slots and tell syslog; with set, the store
 * remembers that this session's operator set id's slot, without,
 * forgets who did.  One transaction holds the entry and the mark, and
 * the slots are saved inside it (store_log_slot).
 */
static int
saved(struct session *s, const char *action, const char *id,
    const char *detail, int set, char **cause)
{
	int	rc;

	if ((rc = store_log_slot(s->st, action, id, detail, set, save_slots,
	    s, cause)) != XJ_OK)
		return rc;
	xj_syslog(LOG_NOTICE, "%s: operator=%s by=%s", action, id, s->op->id);
	return XJ_OK;
}

int
session_operator_coapprover(const struct session *s, const char *id)
{
	const struct operator	*op = policy_operator(s->pol, id);

	return op != NULL && policy_allows(op, PERM_OPERATOR_MANAGE);
}

/* Whether someone other than the actor (and, but for a removal, id)
 * who manages operators holds a slot, and so could agree. */
static int
agreer_exists(const struct session *s, const char *id, enum slot_change c)
{
	const char	**ids;
	size_t		  i, n;

	ids = keyring_ids(s->keys, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(ids[i], s->op->id) != 0 &&
		    (c == SLOT_REMOVE || strcmp(ids[i], id) != 0) &&
		    session_operator_coapprover(s, ids[i]))
			return 1;
	}
	return 0;
}

enum slot_agreement
session_operator_agreement(const struct session *s, const char *id,
    enum slot_change c)
{
	if (!session_operator_coapprover(s, id))
		return AGREE_NONE;
	if (agreer_exists(s, id, c))
		return AGREE_NEEDED;
	/* Nobody to ask: a new branch's first supervisors come alone. */
	return c == SLOT_RESET ? AGREE_NOBODY : AGREE_NONE;
}

/* Whether agree, with agree_pass, may agree to change c of id's slot. */
static int
agreed(struct session *s, const char *id, enum slot_change c,
    const char *agree, const char *agree_pass, size_t agree_len,
    char **cause)
{
	struct branch_secret	*sec = NULL;
	int			 rc;

	if (agree == NULL || *agree == '\0')
		return xj_fail(cause, XJ_EPERM, _("%s manages operators too: "
		    "a second supervisor must agree (--agree ID)"), id);
	if (strcmp(agree, s->op->id) == 0 || (c != SLOT_REMOVE &&
	    strcmp(agree, id) == 0) || !session_operator_coapprover(s, agree))
		return xj_fail(cause, XJ_EPERM, c == SLOT_REMOVE ?
		    _("%s cannot agree: it takes a supervisor other than %s") :
		    _("%s cannot agree: it takes a supervisor other than %s "
		    "and %s"), agree, s->op->id, id);
	rc = keyring_unlock(s->keys, agree, agree_pass, agree_len, &sec, NULL,
	    cause);
	branch_secret_free(sec);
	if (rc == XJ_EPERM || rc == XJ_ENOINPUT) {
		free(*cause);
		*cause = NULL;
		return xj_fail(cause, XJ_EPERM, _("wrong passphrase for %s; "
		    "nothing was changed"), agree);
	}
	return rc;
}

/*
 * Check the agreement change c of id's slot needs, if any; *detail is
 * then the log entry's ("agreed=ID", or "" when none was needed).
 */
static int
agreement(struct session *s, const char *id, enum slot_change c,
    const char *agree, const char *agree_pass, size_t agree_len,
    char **detail, char **cause)
{
	int	rc;

	*detail = NULL;
	if (session_operator_agreement(s, id, c) == AGREE_NONE) {
		*detail = xstrdup("");
		return XJ_OK;
	}
	if ((rc = agreed(s, id, c, agree, agree_pass, agree_len, cause)) !=
	    XJ_OK)
		return rc;
	xasprintf(detail, "agreed=%s", agree);
	return XJ_OK;
}

int
session_operator_add(struct session *s, const char *id, const char *pass,
    size_t len, enum kdf_profile kdf, const char *agree,
    const char *agree_pass, size_t agree_len, char **cause)
{
	char	*detail;
	int	 rc;

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
	/* A second approver is not one person's to create alone. */
	if ((rc = agreement(s, id, SLOT_ADD, agree, agree_pass, agree_len,
	    &detail, cause)) != XJ_OK)
		return rc;
	if ((rc = passphrase_check_new(pass, len, cause)) == XJ_OK &&
	    (rc = keyring_add(s->keys, id, pass, len, kdf, s->secret,
	    cause)) == XJ_OK)
		rc = saved(s, "operator.add", id, detail, 1, cause);
	free(detail);
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
	if ((rc = agreement(s, id, SLOT_RESET, agree, agree_pass, agree_len,
	    &detail, cause)) != XJ_OK)
		return rc;
	if ((rc = passphrase_check_new(pass, len, cause)) == XJ_OK &&
	    (rc = keyring_add(s->keys, id, pass, len, kdf, s->secret,
	    cause)) == XJ_OK)
		rc = saved(s, "operator.reset", id, detail, 1, cause);
	free(detail);
	return rc;
}

int
session_operator_passwd(struct session *s, const char *old, size_t oldlen,
    const char *pass, size_t len, enum kdf_profile kdf, char **cause)
{
	char	*detail, *who;
	int	 rc;

	if ((rc = logged_in(s, cause)) != XJ_OK)
		return rc;
	/* The one someone else set, they know: not one's own. */
	if (s->set_by != NULL && len == oldlen && sodium_memcmp(pass, old,
	    len) == 0) {
		who = policy_who(s->pol, s->set_by);
		rc = xj_fail(cause, XJ_EDATA, _("that is the passphrase %s "
		    "set; choose another"), who);
		free(who);
		return rc;
	}
	if ((rc = passphrase_check_new(pass, len, cause)) != XJ_OK ||
	    (rc = keyring_passwd(s->keys, s->op->id, old, oldlen, pass, len,
	    kdf, cause)) != XJ_OK)
		return rc;
	/* The change that login asked for says so. */
	if (s->set_by != NULL)
		xasprintf(&detail, "rule=first-login set-by=%s", s->set_by);
	else
		detail = xstrdup("");
	rc = saved(s, "operator.passwd", s->op->id, detail, 0, cause);
	free(detail);
	if (rc == XJ_OK) {
		free(s->set_by);
		s->set_by = NULL;
		s->set_at = 0;
	}
	return rc;
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
	rc = rotate(s, cause);
	/* Other terminals may log in again under the new key. */
	session_share(s);
	return rc;
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
session_operator_remove(struct session *s, const char *id,
    const char *agree, const char *agree_pass, size_t agree_len,
    char **cause)
{
	char	*why = NULL, *detail;
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
	/* Nor is removing one: the other could be the one who objects. */
	if ((rc = agreement(s, id, SLOT_REMOVE, agree, agree_pass, agree_len,
	    &detail, cause)) != XJ_OK)
		return rc;
	if ((rc = session_exclusive(s, cause)) == XJ_OK &&
	    (rc = keyring_remove(s->keys, id, cause)) == XJ_OK)
		rc = saved(s, "operator.remove", id, detail, 0, cause);
	free(detail);
	/* Removing an operator is only real once their key opens nothing. */
	if (rc == XJ_OK && (rc = rotate(s, &why)) != XJ_OK) {
		xj_fail(cause, rc, _("%s's key slot is gone, but changing the "
		    "database key failed (%s); rotate the key again"), id,
		    why != NULL ? why : "?");
		free(why);
	}
	/* Then the branch is everyone's again, whatever happened. */
	session_share(s);
	return rc;
}
