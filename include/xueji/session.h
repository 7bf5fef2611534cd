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
/* In the data directory: "session.PID.N", one a session, naming its
 * operator, locked while it is open (session_exclusive names them). */
#define SESSION_HOLDER_PREFIX	"session."

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
	int			 hold_fd;	/* our SESSION_HOLDER_PREFIX
						   file, locked; or -1 */
	char			*hold_path;
	int			 failures;	/* of the last id refused */
	/* Who set this operator's slot, and when, if not they: their
	 * first task is a passphrase of their own.  NULL otherwise. */
	char			*set_by;
	time_t			 set_at;

	/* Told how far work a login may do takes (an upgrade in place). */
	void			(*progress)(int percent, const char *what,
				    void *);
	void			*progress_arg;
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
 * until session_share or logout (key rotation, restore).  XJ_EBUSY when
 * another is open.
 */
int	 session_exclusive(struct session *, char **cause);
/*
 * The branch is everyone's again after session_exclusive: other
 * terminals may log in and unlock while this session stays open.
 */
void	 session_share(struct session *);

/*
 * operator rotate-key: a new database key and a new checkpoint signing
 * key, sealed to every key slot, with the transition from the old
 * signing key logged (store_rekey).  Needs the session alone on the
 * branch (XJ_EBUSY otherwise) and operator.manage.
 */
int	 session_rotate_key(struct session *, char **cause);

/*
 * Sign the log's head (store_checkpoint: checkpoint.write, logged) and
 * write the checkpoint to a new file, as xueji checkpoint -o and the
 * screen of checkpoints do: path itself, or, when path is a folder, the
 * file named there as the automatic ones are (BRANCH-SEQ.checkpoint).
 * Never over another file nor through a link (XJ_EUNAVAIL when it
 * exists), mode 0644 less the umask (it holds nothing secret), in the
 * operator's group.  *out is the file's path (malloc'd) and *seq the
 * entry covered.
 * One signed but not written is logged so (result=not-written), and
 * the file removed.
 */
int	 session_checkpoint(struct session *, const char *path, char **out,
	     int64_t *seq, char **cause);

/*
 * Restore the database from the backup at path (restore.run, supervisor):
 * refuses with XJ_EBUSY while another session is open on the branch, and
 * keeps this one exclusive until logout.  See store_restore in backup.h
 * for the safety copy (*safety, malloc'd, when not NULL) and the log.
 */
int	 session_restore(struct session *, const char *path, char **safety,
	     char **cause);

/*
 * Operators' key slots (operator.c); each needs operator.manage but
 * session_operator_passwd, logs its action with the operator's id, and
 * tells syslog.  Passphrases are only read; a new one must pass
 * passphrase_check_new.  On failure the slots are unchanged.
 *
 * Whoever sets a slot for someone else (add, reset) is remembered
 * (store_log_slot) until its owner changes the passphrase: session_login
 * fills set_by, and the store counts the two as one for four-eyes.
 *
 * A change to the slot of an operator who manages operators (a
 * co-approver) may need a second such operator's agreement: agree names
 * them and agree_pass must open their slot (XJ_EPERM otherwise; logged
 * as agreed=ID).  What each change needs:
 */
enum slot_change { SLOT_ADD, SLOT_RESET, SLOT_REMOVE };
enum slot_agreement {
	AGREE_NONE,	/* not a co-approver, or nobody to ask yet (add,
			   remove: a new branch's first supervisors) */
	AGREE_NEEDED,	/* someone other than the actor (and, but for a
			   removal, id) manages operators and holds a slot */
	AGREE_NOBODY,	/* needed, and nobody could agree (a reset) */
};
enum slot_agreement session_operator_agreement(const struct session *,
	     const char *id, enum slot_change);
/* Add a slot for id, listed in the roles file without one. */
int	 session_operator_add(struct session *, const char *id,
	     const char *pass, size_t len, enum kdf_profile, const char *agree,
	     const char *agree_pass, size_t agree_len, char **cause);
/* Read the slots again from disk, as every change above does first: a
 * list of operators shows what other terminals changed meanwhile. */
int	 session_slots_read(struct session *, char **cause);
/* Whether id manages operators too (a co-approver). */
int	 session_operator_coapprover(const struct session *, const char *id);
/*
 * Reset another operator's forgotten passphrase: a new key pair under
 * pass (logged as operator.reset).  A co-approver's always needs an
 * agreement (AGREE_NOBODY when none could).
 */
int	 session_operator_reset(struct session *, const char *id,
	     const char *pass, size_t len, enum kdf_profile, const char *agree,
	     const char *agree_pass, size_t agree_len, char **cause);
/* Change one's own passphrase, the current one given; clears set_by
 * (logged with rule=first-login set-by=ID when it was set). */
int	 session_operator_passwd(struct session *, const char *old,
	     size_t oldlen, const char *pass, size_t len, enum kdf_profile,
	     char **cause);
/*
 * Remove id's slot, then rotate the database key so that their old
 * copy of it opens nothing; refused for the last operator who can
 * manage operators, and (XJ_EBUSY) while another session is open.  A
 * co-approver's removal needs an agreement, which id may give.
 */
int	 session_operator_remove(struct session *, const char *id,
	     const char *agree, const char *agree_pass, size_t agree_len,
	     char **cause);

/* Close the store and wipe the secret; configuration stays loaded. */
void	 session_logout(struct session *);
void	 session_free(struct session *);

/* Whether the data directory already holds a branch. */
int	 session_branch_exists(const struct session *);

#endif
