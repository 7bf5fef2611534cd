/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Loading what a session needs and logging an operator in.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/session.h"

/* Keys and the open database must not outlive a fatal error. */
static struct session	*live;

static void
session_atfatal(void)
{
	if (live != NULL)
		session_logout(live);
}

int
session_load(const char *config_path, const char *data_dir,
    struct session **out, char **cause)
{
	struct session	*s;
	char		*form_path;
	int		 rc;

	if (config_path == NULL)
		config_path = getenv("XUEJI_CONFIG");
	if (config_path == NULL || *config_path == '\0')
		config_path = SESSION_DEFAULT_CONFIG;
	s = xcalloc(1, sizeof *s);
	s->lock_fd = -1;
	if ((rc = config_load(config_path, &s->cfg, cause)) != XJ_OK)
		goto fail;
	if (data_dir != NULL) {
		free(s->cfg->data_dir);
		s->cfg->data_dir = xstrdup(data_dir);
	}
	if ((rc = policy_load(s->cfg->roles_file, &s->pol, cause)) != XJ_OK)
		goto fail;
	form_path = xj_path_join(s->cfg->forms_dir, SESSION_ENROL_FORM);
	rc = form_load(form_path, &s->form, cause);
	free(form_path);
	if (rc != XJ_OK)
		goto fail;
	s->db_path = xj_path_join(s->cfg->data_dir, STORE_DB_NAME);
	s->keyslot_path = xj_path_join(s->cfg->data_dir, STORE_KEYSLOTS_NAME);
	*out = s;
	return XJ_OK;
fail:
	session_free(s);
	return rc == XJ_ENOINPUT ? XJ_ECONFIG : rc;
}

int
session_branch_exists(const struct session *s)
{
	return access(s->db_path, F_OK) == 0 ||
	    access(s->keyslot_path, F_OK) == 0;
}

/* Refuse a data directory anyone else could write into. */
static int
check_data_dir(const struct session *s, char **cause)
{
	struct stat	sb;

	if (stat(s->cfg->data_dir, &sb) == -1)
		return xj_fail(cause, XJ_ENOINPUT, _("%s: no such directory; "
		    "create the branch with xueji init"), s->cfg->data_dir);
	if (!S_ISDIR(sb.st_mode))
		return xj_fail(cause, XJ_ECONFIG, _("%s is not a directory"),
		    s->cfg->data_dir);
	if (sb.st_mode & S_IWOTH)
		return xj_fail(cause, XJ_ECONFIG, _("%s is writable by anyone; "
		    "run chmod o-w on it"), s->cfg->data_dir);
	return XJ_OK;
}

static int
refuse_login(struct session *s, const char *id, const char *reason, int rc)
{
	s->failures = store_note_auth_failure(s->cfg->data_dir, id, reason);
	return rc;
}

unsigned
session_failure_delay(const struct session *s)
{
	if (s->failures <= 0)
		return 0;
	if (s->failures > 5)
		return SESSION_DELAY_MAX;
	return 1U << (s->failures - 1);
}

int
session_login(struct session *s, const char *id, const char *pass,
    size_t passlen, char **cause)
{
	struct branch_secret	*next = NULL;
	const struct operator	*op;
	char			*lock;
	int			 rc, used_next;

	session_logout(s);
	s->failures = 0;
	if ((rc = check_data_dir(s, cause)) != XJ_OK)
		return rc;
	if ((op = policy_operator(s->pol, id)) == NULL) {
		xj_fail(cause, XJ_EPERM, _("%s is not an operator of this "
		    "branch (see %s)"), policy_valid_id(id) ? id : "?",
		    s->pol->path);
		return refuse_login(s, id, "unknown-operator", XJ_EPERM);
	}
	/* Every session holds the lock shared; see session_exclusive. */
	lock = xj_path_join(s->cfg->data_dir, SESSION_LOCK_NAME);
	s->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lock);
	if (s->lock_fd == -1 || flock(s->lock_fd, LOCK_SH) == -1)
		return xj_fail(cause, XJ_EIO, _("cannot lock %s: %s"),
		    s->cfg->data_dir, strerror(errno));
	if ((rc = keyring_load(s->keyslot_path, &s->keys, cause)) != XJ_OK)
		goto fail;
	if (strcmp(keyring_branch(s->keys), s->cfg->branch_code) != 0) {
		rc = xj_fail(cause, XJ_EDATA, _("%s belongs to branch %s, not "
		    "%s"), s->keyslot_path, keyring_branch(s->keys),
		    s->cfg->branch_code);
		goto fail;
	}
	rc = keyring_unlock(s->keys, id, pass, passlen, &s->secret, &next,
	    cause);
	if (rc == XJ_ENOINPUT) {
		if (cause != NULL)
			free(*cause);
		xj_fail(cause, XJ_EPERM, _("%s has no key slot yet; a "
		    "supervisor adds one with xueji operator add %s"), id, id);
		refuse_login(s, id, "no-slot", XJ_EPERM);
		rc = XJ_EPERM;
		goto fail;
	}
	if (rc != XJ_OK) {
		if (rc == XJ_EPERM)
			refuse_login(s, id, "wrong-passphrase", rc);
		goto fail;
	}
	/*
	 * Nothing else in the file is trusted until its MAC says that
	 * someone holding the secret wrote it: a slot added by anyone
	 * else would receive the next secret this session seals.
	 */
	if ((rc = keyring_verify(s->keys, s->secret, cause)) != XJ_OK) {
		refuse_login(s, id, "keyslots-altered", rc);
		goto fail;
	}
	live = s;
	xj_atfatal(session_atfatal);
	rc = store_open(s->db_path, s->secret->db_key, next != NULL ?
	    next->db_key : NULL, s->cfg->branch_code, &used_next, &s->st,
	    cause);
	if (rc == XJ_OK && used_next) {
		/* Finish the key change that was interrupted. */
		keyring_rotate_commit(s->keys);
		rc = keyring_save(s->keys, next, s->keyslot_path, cause);
		branch_secret_free(s->secret);
		s->secret = next;
		next = NULL;
	}
	if (rc == XJ_OK && !used_next && next != NULL) {
		/*
		 * The database never moved to the next key: drop it rather
		 * than finish.  The MAC already showed that whoever wrote it
		 * held the secret, but the database is still under the
		 * current key, so dropping it loses nothing.
		 */
		keyring_rotate_abort(s->keys);
		rc = keyring_save(s->keys, s->secret, s->keyslot_path, cause);
	}
	branch_secret_free(next);
	next = NULL;
	if (rc != XJ_OK)
		goto fail;
	s->op = op;
	store_bind(s->st, s->cfg, s->form, op);
	if ((rc = store_drain_auth_failures(s->st, s->cfg->data_dir,
	    cause)) != XJ_OK ||
	    (rc = store_note_policy(s->st, s->pol, cause)) != XJ_OK)
		goto fail;
	return XJ_OK;
fail:
	branch_secret_free(next);
	session_logout(s);
	return rc;
}

int
session_exclusive(struct session *s, char **cause)
{
	if (s->lock_fd == -1)
		return xj_fail(cause, XJ_ESOFTWARE, "%s", _("not logged in"));
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) == -1)
		return xj_fail(cause, XJ_EBUSY, "%s", _("another xueji session "
		    "is open on this branch; close it first"));
	return XJ_OK;
}

void
session_logout(struct session *s)
{
	store_close(s->st);
	s->st = NULL;
	branch_secret_free(s->secret);
	s->secret = NULL;
	keyring_free(s->keys);
	s->keys = NULL;
	s->op = NULL;
	if (s->lock_fd != -1)
		close(s->lock_fd);
	s->lock_fd = -1;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	session_logout(s);
	if (live == s)
		live = NULL;
	config_free(s->cfg);
	policy_free(s->pol);
	form_free(s->form);
	free(s->db_path);
	free(s->keyslot_path);
	free(s);
}
