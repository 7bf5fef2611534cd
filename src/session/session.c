/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Loading what a session needs and logging an operator in.
 */
#include <sys/file.h>
#include <glob.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/session.h"

/* Keys and the open database must not outlive a fatal error. */
static struct session	*live;

static void	logout(struct session *, int);
static int	check_data_dir(const char *, char **);

/* On a fatal error only close and wipe: no checkpoint, no more writes. */
static void
session_atfatal(void)
{
	if (live != NULL)
		logout(live, 0);
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
	/* xueji.yaml may choose the language; textdomain drops the cache. */
	if (*s->cfg->language != '\0') {
		setenv("LANGUAGE", s->cfg->language, 1);
		textdomain(PACKAGE);
	}
	if (data_dir != NULL) {
		free(s->cfg->data_dir);
		s->cfg->data_dir = xstrdup(data_dir);
	}
	/* Before xueji init creates anything in a directory made for it. */
	if (access(s->cfg->data_dir, F_OK) == 0 &&
	    (rc = check_data_dir(s->cfg->data_dir, cause)) != XJ_OK)
		goto fail;
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

/*
 * Refuse a data directory that other users may enter, list or write
 * into, and set the umask from it (platform_data_dir): files are 0660
 * in a directory shared with a group (2770), 0600 otherwise.
 */
static int
check_data_dir(const char *dir, char **cause)
{
	struct stat	sb;

	if (stat(dir, &sb) == -1)
		return xj_fail(cause, XJ_ENOINPUT, _("%s: no such directory; "
		    "create the branch with xueji init"), dir);
	if (!S_ISDIR(sb.st_mode))
		return xj_fail(cause, XJ_ECONFIG, _("%s is not a directory"),
		    dir);
	/*
	 * Even read or search for others is refused: a file copied in by
	 * hand with a looser mode would be open to every local account.
	 */
	if (sb.st_mode & S_IRWXO)
		return xj_fail(cause, XJ_ECONFIG, _("%s is open to other users; "
		    "run chmod o-rwx on it"), dir);
	if (platform_data_dir(dir) == -1)
		return xj_fail(cause, XJ_ECONFIG, _("%s is not a directory"),
		    dir);
	return XJ_OK;
}

static int
refuse_login(struct session *s, const char *id, const char *reason, int rc)
{
	s->failures = store_note_auth_failure(s->cfg->data_dir, id, reason);
	xj_syslog(LOG_WARNING, "login failed: operator=%s reason=%s "
	    "failures=%d", id, reason, s->failures);
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
	if ((rc = check_data_dir(s->cfg->data_dir, cause)) != XJ_OK)
		return rc;
	if ((op = policy_operator(s->pol, id)) == NULL) {
		xj_fail(cause, XJ_EPERM, _("%s is not an operator of this "
		    "branch (see %s)"), policy_valid_id(id) ? id : "?",
		    s->pol->path);
		/*
		 * Not logged as typed: a passphrase typed into the id field
		 * must not end up in the log.
		 */
		return refuse_login(s, "?", "unknown-operator", XJ_EPERM);
	}
	/* Every session holds the lock shared; see session_exclusive. */
	lock = xj_path_join(s->cfg->data_dir, SESSION_LOCK_NAME);
	s->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0660);
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
		    "supervisor adds one under Operators"), id);
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
	    (rc = store_note_policy(s->st, s->pol, cause)) != XJ_OK ||
	    (rc = store_search_upgrade(s->st, cause)) != XJ_OK)
		goto fail;
	/* For the operators' screen only: a busy database must not stop
	 * anyone logging in. */
	store_note_login(s->st, id, NULL);
	xj_syslog(LOG_INFO, "login: operator=%s", id);
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
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		/* A failed upgrade may have dropped the shared lock: retake. */
		flock(s->lock_fd, LOCK_SH);
		return xj_fail(cause, XJ_EBUSY, "%s", _("another xueji session "
		    "is open on this branch; close it first"));
	}
	return XJ_OK;
}

int
session_restore(struct session *s, const char *path, char **safety,
    char **cause)
{
	int	rc;

	if (safety != NULL)
		*safety = NULL;
	if (s->st == NULL || s->secret == NULL)
		return xj_fail(cause, XJ_ESOFTWARE, "%s", _("not logged in"));
	/* Who may comes before whether now: a refusal is logged. */
	if ((rc = store_require(s->st, PERM_RESTORE_RUN, "restore",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = session_exclusive(s, cause)) != XJ_OK) {
		/* flock(2) may drop the shared lock on a failed upgrade. */
		flock(s->lock_fd, LOCK_SH);
		return rc;
	}
	return store_restore(&s->st, s->secret->db_key, path, safety, cause);
}

/*
 * The newest checkpoint of this branch in dir: its sequence number and
 * when it was written (0 and 0 when there is none).
 */
static void
newest_checkpoint(const struct session *s, int64_t *seq, time_t *at)
{
	struct stat	 sb;
	glob_t		 g;
	char		*pattern;
	const char	*base;
	long long	 n;
	size_t		 i;

	*seq = 0;
	*at = 0;
	xasprintf(&pattern, "%s/%s-*.checkpoint", s->cfg->checkpoint_dir,
	    s->cfg->branch_code);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			base = strrchr(g.gl_pathv[i], '-');
			if (base != NULL && sscanf(base + 1, "%lld", &n) == 1 &&
			    n > *seq)
				*seq = n;
			if (stat(g.gl_pathv[i], &sb) == 0 && sb.st_mtime > *at)
				*at = sb.st_mtime;
		}
		globfree(&g);
	}
	free(pattern);
}

/*
 * On the way out: a signed checkpoint to the configured folder when an
 * operator who may write them leaves a grown log, and by anyone when the
 * newest one there is more than a day old.  A failure is logged, never
 * fatal: the folder may be a USB stick someone took home.
 */
static void
auto_checkpoint(struct session *s)
{
	char	*text = NULL, *path, *cause = NULL, *detail;
	int64_t	 last, seq;
	time_t	 at;
	int	 grown, stale;

	newest_checkpoint(s, &last, &at);
	grown = store_audit_head(s->st) > last &&
	    policy_allows(s->op, PERM_CHECKPOINT_WRITE);
	stale = at == 0 || xj_now() - at > 24 * 60 * 60;
	if (!grown && !stale)
		return;
	if (store_checkpoint_auto(s->st, s->secret->sign_seed, &text, &seq,
	    &cause) != XJ_OK) {
		free(cause);
		return;
	}
	xasprintf(&path, "%s/%s-%012lld.checkpoint", s->cfg->checkpoint_dir,
	    s->cfg->branch_code, (long long)seq);
	if (xj_write_file_atomic(path, text, strlen(text), 0644,
	    &cause) != XJ_OK) {
		xasprintf(&detail, "seq=%lld result=not-written",
		    (long long)seq);
		store_log(s->st, "audit.checkpoint", "", detail, NULL);
		free(detail);
		free(cause);
	}
	free(path);
	free(text);
}

void
session_logout(struct session *s)
{
	logout(s, 1);
}

static void
logout(struct session *s, int checkpoint)
{
	if (checkpoint && s->st != NULL && s->op != NULL &&
	    s->secret != NULL && s->cfg->checkpoint_dir != NULL)
		auto_checkpoint(s);
	store_close(s->st);
	s->st = NULL;
	branch_secret_free(s->secret);
	s->secret = NULL;
	keyring_free(s->keys);
	s->keys = NULL;
	if (checkpoint && s->op != NULL)
		xj_syslog(LOG_INFO, "logout: operator=%s", s->op->id);
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
