/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * session.h — one operator's time at a terminal: the configuration,
 * roles and form as loaded, the unlocked branch secret and the open
 * store.  The command line and the TUI both start here, so login works
 * the same way in both.
 */
#ifndef XUEJI_SESSION_H
#define XUEJI_SESSION_H

#include <stddef.h>

#include "xueji/config.h"
#include "xueji/forms.h"
#include "xueji/keys.h"
#include "xueji/policy.h"
#include "xueji/store.h"

#define SESSION_DEFAULT_CONFIG	"/etc/xueji/xueji.yaml"
#define SESSION_ENROL_FORM	"enrollment.yaml"
#define SESSION_LOCK_NAME	"lock"

struct session {
	struct config		*cfg;
	struct policy		*pol;
	struct form_spec	*form;
	char			*db_path;
	char			*keyslot_path;

	/* Set while logged in. */
	const struct operator	*op;
	struct keyring		*keys;
	struct branch_secret	*secret;	/* secure memory */
	struct store		*st;
	int			 lock_fd;	/* shared while logged in */
	int			 failures;	/* of the last id refused */
};

/*
 * Seconds to wait after a failed login before the next try: doubling
 * with every failure of that operator not yet followed by a success,
 * from 1 s to at most login_delay_max_seconds (xueji.yaml).
 */
unsigned session_failure_delay(const struct session *);

/*
 * Load configuration, roles and the enrolment form (no passphrase yet).
 * config_path NULL means $XUEJI_CONFIG or SESSION_DEFAULT_CONFIG;
 * data_dir, when not NULL, overrides the file's data_dir.  Errors are
 * XJ_ECONFIG (or XJ_ENOINPUT) with file:line:column.
 */
int	 session_load(const char *config_path, const char *data_dir,
	     struct session **out, char **cause);

/*
 * Log id in with pass: check that id is an operator in roles.yaml, open
 * their key slot, open the store and bind it to them; then drain failed
 * logins into the log and note a changed roles file.  A wrong passphrase
 * or unknown operator is XJ_EPERM and is recorded as a failed login;
 * nothing else changes.
 */
int	 session_login(struct session *, const char *id, const char *pass,
	     size_t passlen, char **cause);

/*
 * Make sure no other session is open on this branch, and keep it so
 * until logout (key rotation, restore).  XJ_EBUSY when another is open.
 */
int	 session_exclusive(struct session *, char **cause);

/*
 * operator rotate-key: a new database key and a new checkpoint signing
 * key, sealed to every key slot, with the transition from the old
 * signing key logged (store_rekey).  Needs the session alone on the
 * branch (XJ_EBUSY otherwise) and operator.manage.
 */
int	 session_rotate_key(struct session *, char **cause);

/*
 * Restore the database from the backup at path (restore.run, supervisor):
 * refuses with XJ_EBUSY while another session is open on the branch, and
 * keeps this one exclusive until logout.  See store_restore in backup.h
 * for the safety copy (*safety, malloc'd, when not NULL) and the log.
 */
int	 session_restore(struct session *, const char *path, char **safety,
	     char **cause);

/* Close the store and wipe the secret; configuration stays loaded. */
void	 session_logout(struct session *);
void	 session_free(struct session *);

/* Whether the data directory already holds a branch. */
int	 session_branch_exists(const struct session *);

#endif
