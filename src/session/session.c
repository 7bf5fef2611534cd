/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Loading what a session needs and logging an operator in.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/session.h"
#include "session-int.h"

/* Keys and the open database must not outlive a fatal error. */
static struct session	*live;

static void	logout(struct session *, int);
static void	hold(struct session *, const char *);
static void	unhold(struct session *);

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
	s->hold_fd = -1;
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
	/*
	 * Before xueji init creates anything in a directory made for it;
	 * in protected mode only root makes it (xueji(7)).
	 */
	if ((xj_exists(s->cfg->data_dir) || xj_protected()) &&
	    (rc = session_check_data_dir(s->cfg->data_dir, cause)) != XJ_OK)
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
	return xj_exists(s->db_path) ||
	    xj_exists(s->keyslot_path);
}

/* Settle the attempt a as a failure (reason) and say so in syslog. */
static int
refuse_login(struct session *s, struct store_attempt *a, const char *id,
    const char *reason, int rc)
{
	s->failures = store_attempt_end(a, reason);
	xj_syslog(LOG_WARNING, "login failed: operator=%s reason=%s "
	    "failures=%d", id, reason, s->failures);
	return rc;
}

unsigned
session_failure_delay(const struct session *s)
{
	return store_failure_delay(s->failures, s->cfg->login_delay_max);
}

/*
 * Take the shared lock every session holds on the branch (see
 * session_exclusive), waiting while another session holds it alone for
 * a restore or an upgrade, which take seconds: at most LOCK_WAIT_MS, so
 * that a login or an unlock never hangs without a word.  Also what a
 * session that held the branch alone goes back to.
 */
#define LOCK_WAIT_MS	30000

static int
lock_shared(int fd, const char *dir, char **cause)
{
	const struct timespec	 pause = { 0, 100 * 1000 * 1000 };
	int			 waited;

	for (waited = 0; flock(fd, LOCK_SH | LOCK_NB) == -1; waited += 100) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return xj_fail(cause, XJ_EIO, _("cannot lock %s: %s"),
			    dir, strerror(errno));
		if (waited >= LOCK_WAIT_MS)
			return xj_fail(cause, XJ_EBUSY, "%s", _("another "
			    "terminal is restoring or upgrading the branch; "
			    "try again in a minute"));
		nanosleep(&pause, NULL);
	}
	return XJ_OK;
}

/*
 * The branch database was written by an older xueji (SQLCipher 3): the
 * first login that finds it upgrades it in place, alone on the branch
 * (the exclusive lock), then shares the branch again.
 */
static int
upgrade(struct session *s, const char *id, const struct branch_secret *next,
    char **cause)
{
	int	rc;

	if ((rc = session_exclusive(s, cause)) != XJ_OK)
		return rc;
	rc = store_upgrade(s->db_path, s->secret->db_key, next != NULL ?
	    next->db_key : NULL, s->cfg->branch_code, id, s->progress,
	    s->progress_arg, cause);
	session_share(s);
	if (rc == XJ_OK)
		xj_syslog(LOG_NOTICE, "branch upgraded in place: operator=%s",
		    id);
	return rc;
}

int
session_login(struct session *s, const char *id, const char *pass,
    size_t passlen, char **cause)
{
	struct branch_secret	*next = NULL, *prev = NULL;
	struct store_attempt	*a = NULL;
	const struct operator	*op;
	char			*lock;
	int			 rc, used_next;

	session_logout(s);
	s->failures = 0;
	if ((rc = session_check_data_dir(s->cfg->data_dir, cause)) != XJ_OK)
		return rc;
	op = policy_operator(s->pol, id);
	/*
	 * Before any passphrase is tried: wait for our turn and out the
	 * back-off, and count this attempt (store_attempt_begin).  An id
	 * not in the roles is not written as typed: a passphrase typed
	 * into the id field must not end up in the log.  It goes on to
	 * the key slots like a known one: the answer, and the work, must
	 * not tell who exists.
	 */
	if ((rc = store_attempt_begin(s->cfg->data_dir, id, op != NULL,
	    s->cfg->login_delay_max, &a, cause)) != XJ_OK)
		return rc;
	/* Every session holds the lock shared; see session_exclusive. */
	lock = xj_path_join(s->cfg->data_dir, SESSION_LOCK_NAME);
	s->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0660);
	free(lock);
	if (s->lock_fd == -1) {
		rc = xj_fail(cause, XJ_EIO, _("cannot lock %s: %s"),
		    s->cfg->data_dir, strerror(errno));
		goto fail;
	}
	if ((rc = lock_shared(s->lock_fd, s->cfg->data_dir, cause)) != XJ_OK)
		goto fail;
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
	/*
	 * One answer for an unknown id, an id without a slot and a wrong
	 * passphrase; the file of failures (and then the log) tells them
	 * apart for the auditor.  An unknown id is not written as typed:
	 * a passphrase typed into the id field must not reach the log.
	 */
	if (op == NULL || rc == XJ_ENOINPUT || rc == XJ_EPERM) {
		if (cause != NULL)
			free(*cause);
		xj_fail(cause, XJ_EPERM, "%s", _("unknown operator id or wrong "
		    "passphrase"));
		rc = refuse_login(s, a, op == NULL ? "?" : id, op == NULL ?
		    "unknown-operator" : rc == XJ_ENOINPUT ? "no-slot" :
		    "wrong-passphrase", XJ_EPERM);
		a = NULL;
		goto fail;
	}
	if (rc != XJ_OK)
		goto fail;
	/*
	 * Nothing else in the file is trusted until its MAC says that
	 * someone holding the secret wrote it: a slot added by anyone
	 * else would receive the next secret this session seals.
	 */
	if ((rc = keyring_verify(s->keys, s->secret, cause)) != XJ_OK) {
		rc = refuse_login(s, a, id, "keyslots-altered", rc);
		a = NULL;
		goto fail;
	}
	/* The passphrase was right: the charge is refunded. */
	store_attempt_end(a, NULL);
	a = NULL;
	live = s;
	xj_atfatal(session_atfatal);
	rc = store_open(s->db_path, s->secret->db_key, next != NULL ?
	    next->db_key : NULL, s->cfg->branch_code, &used_next, &s->st,
	    cause);
	if (rc == XJ_EDATA && store_legacy(s->db_path, s->secret->db_key,
	    next != NULL ? next->db_key : NULL)) {
		if (cause != NULL)
			free(*cause);
		if ((rc = upgrade(s, id, next, cause)) == XJ_OK)
			rc = store_open(s->db_path, s->secret->db_key,
			    next != NULL ? next->db_key : NULL,
			    s->cfg->branch_code, &used_next, &s->st, cause);
	}
	if (rc == XJ_OK && used_next) {
		/*
		 * Finish the key change that was interrupted; the old
		 * secret is kept until its signing key has vouched for the
		 * new one in the log (below, once an operator is bound).
		 */
		keyring_rotate_commit(s->keys);
		rc = keyring_save(s->keys, next, s->keyslot_path, cause);
		prev = s->secret;
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
	hold(s, op->id);
	store_bind(s->st, s->cfg, s->form, op);
	if (prev != NULL && (rc = store_key_transition(s->st,
	    prev->sign_seed, s->secret->sign_seed, cause)) != XJ_OK)
		goto fail;
	branch_secret_free(prev);
	prev = NULL;
	if ((rc = store_drain_auth_failures(s->st, s->cfg->data_dir,
	    cause)) != XJ_OK ||
	    (rc = store_note_policy(s->st, s->pol, cause)) != XJ_OK ||
	    (rc = store_search_upgrade(s->st, cause)) != XJ_OK ||
	    (rc = store_slot_setter(s->st, id, &s->set_by, &s->set_at,
	    cause)) != XJ_OK)
		goto fail;
	/* For the operators' screen only: a busy database must not stop
	 * anyone logging in. */
	store_note_login(s->st, id, NULL);
	if (s->set_by != NULL)
		xj_syslog(LOG_NOTICE, "login: operator=%s first-login "
		    "set-by=%s", id, s->set_by);
	else
		xj_syslog(LOG_INFO, "login: operator=%s", id);
	return XJ_OK;
fail:
	/* The passphrase was never tried (no key slots, say). */
	if (a != NULL)
		s->failures = store_attempt_end(a, "");
	branch_secret_free(prev);
	branch_secret_free(next);
	session_logout(s);
	return rc;
}

/*
 * Say who holds this session, for session_exclusive to name: a file of
 * our own in the data directory (its mode from the umask, as every file
 * there), locked while we are logged in (xj_hold), holding the
 * operator's id.  The lock dies with the process, however it ends, so a
 * file nobody holds means nothing (holders); check_data_dir sweeps them
 * away before each login.  Best effort: without it a refusal just
 * cannot say who.
 */
static void
hold(struct session *s, const char *id)
{
	static unsigned	 n;
	char		*path = NULL;
	size_t		 len = strlen(id);
	int		 fd = -1, i;

	for (i = 0; fd == -1 && i < 16; i++) {
		free(path);
		xasprintf(&path, "%s/" SESSION_HOLDER_PREFIX "%ld.%u",
		    s->cfg->data_dir, (long)getpid(), n++);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0666);
		if (fd == -1 && errno != EEXIST)
			break;
		/* Taken by a sweep before we held it: another name. */
		if (fd != -1 && xj_hold(fd) == -1) {
			close(fd);
			fd = -1;
		}
	}
	if (fd == -1) {
		free(path);
		return;
	}
	if (write(fd, id, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		free(path);
		return;
	}
	s->hold_fd = fd;
	s->hold_path = path;
}

static void
unhold(struct session *s)
{
	if (s->hold_fd == -1)
		return;
	unlink(s->hold_path);
	close(s->hold_fd);
	s->hold_fd = -1;
	free(s->hold_path);
	s->hold_path = NULL;
}

struct holders {
	const struct policy	*pol;
	char			*list;
};

/* One live session's file, open as fd: its operator added to the list. */
static void
add_holder(int fd, void *arg)
{
	struct holders	*h = arg;
	char		*who, *tmp, id[65];
	ssize_t			 n;

	n = read(fd, id, sizeof id - 1);
	id[n > 0 ? n : 0] = '\0';
	/* Only an operator of the roles file is named. */
	if (policy_operator(h->pol, id) == NULL)
		return;
	who = policy_who(h->pol, id);
	if (h->list == NULL)
		h->list = who;
	else if (strstr(h->list, who) == NULL) {
		/* TRANSLATORS: between the names of a list. */
		xasprintf(&tmp, "%s%s%s", h->list, _(", "), who);
		free(h->list);
		free(who);
		h->list = tmp;
	} else
		free(who);
}

/*
 * Who holds the other sessions open, as "王丽 (reception1), …"
 * (malloc'd), or NULL when none says.  Only a file whose lock is held
 * counts: one left by a session that was killed is removed, never
 * named.
 */
static char *
holders(const struct session *s)
{
	struct holders	h = { s->pol, NULL };

	xj_sweep(s->cfg->data_dir, SESSION_HOLDER_PREFIX, s->hold_path !=
	    NULL ? xj_basename(s->hold_path) : NULL, add_holder, &h);
	return h.list;
}

void
session_share(struct session *s)
{
	/* flock converts the lock in place: nobody slips in between. */
	if (s->lock_fd != -1)
		(void)lock_shared(s->lock_fd, s->cfg->data_dir, NULL);
}

int
session_exclusive(struct session *s, char **cause)
{
	char	*who;
	int	 rc;

	if (s->lock_fd == -1)
		return xj_fail(cause, XJ_ESOFTWARE, "%s", _("not logged in"));
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		/* A failed upgrade may have dropped the shared lock: retake. */
		(void)lock_shared(s->lock_fd, s->cfg->data_dir, NULL);
		if ((who = holders(s)) == NULL)
			return xj_fail(cause, XJ_EBUSY, "%s", _("another xueji "
			    "session is open on this branch; close it first"));
		rc = xj_fail(cause, XJ_EBUSY, _("another xueji session is "
		    "open on this branch, by %s; it must be closed first"),
		    who);
		free(who);
		return rc;
	}
	/* Alone: what killed sessions left goes too, unnamed. */
	free(holders(s));
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
	if ((rc = session_exclusive(s, cause)) != XJ_OK)
		return rc;
	rc = store_restore(&s->st, s->secret->db_key, path, safety, cause);
	session_share(s);
	return rc;
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

/* The name of checkpoint seq in folder dir, as the automatic ones are
 * named. */
static char *
checkpoint_name(const struct session *s, const char *dir, int64_t seq)
{
	char	*path;

	xasprintf(&path, "%s/%s-%012lld.checkpoint", dir, s->cfg->branch_code,
	    (long long)seq);
	return path;
}

/* Write text to a new path, never over another: a checkpoint is
 * evidence. */
static int
write_new(const char *path, const char *text, char **cause)
{
	size_t	len = strlen(text);
	int	fd, err;

	/* The operator's file, in their group. */
	xj_user_begin();
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	xj_user_end();
	if (fd == -1)
		return xj_fail(cause, errno == EEXIST ? XJ_EUNAVAIL : XJ_EIO,
		    _("cannot write %s: %s"), path, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		err = errno;
		close(fd);
		xj_unlink_user_file(path);
		return xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), path,
		    strerror(err));
	}
	close(fd);
	return XJ_OK;
}

int
session_checkpoint(struct session *s, const char *path, char **out,
    int64_t *seq, char **cause)
{
	struct stat	 sb;
	char		*text = NULL, *detail;
	int		 rc, dir;

	*out = NULL;
	xj_user_begin();
	dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
	xj_user_end();
	if ((rc = store_checkpoint(s->st, s->secret->sign_seed, &text, seq,
	    cause)) != XJ_OK)
		return rc;
	*out = dir ? checkpoint_name(s, path, *seq) : xstrdup(path);
	if ((rc = write_new(*out, text, cause)) != XJ_OK) {
		xasprintf(&detail, "seq=%lld result=not-written",
		    (long long)*seq);
		store_log(s->st, "audit.checkpoint", "", detail, NULL);
		free(detail);
		free(*out);
		*out = NULL;
	}
	free(text);
	return rc;
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
	path = checkpoint_name(s, s->cfg->checkpoint_dir, seq);
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
	free(s->set_by);
	s->set_by = NULL;
	s->set_at = 0;
	unhold(s);
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
