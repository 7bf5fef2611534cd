/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * store.h — the encrypted branch database: opening it, binding the
 * operator, the log and the policy gate, verification and checkpoints.
 * The store's subjects have their own headers: student.h, request.h,
 * archive.h, destroy.h, report.h, guardian.h, backup.h, import.h.
 *
 * The store owns the schema, every transaction and the policy checks: each
 * operation checks the acting operator's permission before it touches
 * anything, and writes its audit entry in the same transaction as its
 * change.  A refusal is itself logged.  No caller can skip either.
 *
 * Values handed out are already filtered for the operator: phone numbers
 * masked without student.phone, sensitive fields left out without
 * student.sensitive.
 */
#ifndef XUEJI_STORE_H
#define XUEJI_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "xueji/config.h"
#include "xueji/forms.h"
#include "xueji/keys.h"
#include "xueji/policy.h"

struct store;

/* File names inside the data directory. */
#define STORE_DB_NAME		"branch.db"
#define STORE_KEYSLOTS_NAME	"keyslots"
/* The text file of older versions, drained; then the records. */
#define STORE_AUTHFAIL_NAME	"auth-failures"
#define STORE_FAILREC_NAME	"login-failures"
/* A restore drill's scratch folder, "drill-XXXXXX", held while it runs
 * (xj_hold); one nobody holds is a killed drill's (xj_sweep). */
#define STORE_DRILL_PREFIX	"drill-"
/*
 * The page cache, in KiB (SQLite's default is 2,000).  8 MiB holds the
 * upper levels of every index of a million students, so a keystroke or
 * an enrolment reads from disk and decrypts only the leaves it needs.
 */
#define STORE_CACHE_KIB		"8192"

/*
 * The cipher settings a branch's file may have been written with.  This
 * version writes STORE_FORMAT_4 only, and upgrades a file in either of
 * the others in place (store_upgrade).
 */
enum store_format {
	STORE_FORMAT_4,		/* SQLCipher 4, HMAC-SHA256 pages */
	STORE_FORMAT_4_SHA512,	/* SQLCipher 4's defaults */
	STORE_FORMAT_3,		/* SQLCipher 3 (3.4.1), 4 KiB pages */
};
/* A word for f, as the upgrade's log entry names it. */
const char *store_format_name(enum store_format f);

/*
 * Whether the file at path is a branch database in an older format
 * (SQLCipher 3, or 4's defaults) that key or next (NULL: none) opens.
 */
int	 store_legacy(const char *path, const unsigned char key[DB_KEY_BYTES],
	     const unsigned char *next);
/*
 * Upgrade the branch database at path, in an older format under key
 * or next (NULL: none), in place to STORE_FORMAT_4: exported on a fresh
 * connection in its old format into path.upgrading, every setting and
 * user_version carried over and read back, the mode and group the data
 * directory gives its files; that file's pages, integrity and audit
 * chain verified and a restore drill of a copy of it passed, and only
 * then renamed over path.  A process killed at any point leaves the old
 * file or the new one at path.  The caller must be alone on the file
 * (the session's exclusive lock, or a private copy).  When who is not
 * NULL the new file's log gains a branch.upgrade entry by who.
 * progress, when not NULL, is told how far it is (0 to 100) and what
 * it does, in words, as it goes: the copy by the size of the new file
 * against the old, then the checks and the drill.
 * XJ_ENOINPUT when path is in no older format under either key.
 */
int	 store_upgrade(const char *path, const unsigned char key[DB_KEY_BYTES],
	     const unsigned char *next, const char *branch, const char *who,
	     void (*progress)(int percent, const char *what, void *),
	     void *arg, char **cause);
/*
 * The SQLCipher (*sqlcipher, malloc'd, "4.6.1 community") and SQLite
 * versions this process runs on.  XJ_EUNAVAIL if the library is not
 * SQLCipher.
 */
int	 store_engine(char **sqlcipher, const char **sqlite);

/* The latest schema version (PRAGMA user_version). */
extern const int store_schema_version;

/*
 * Create a new database at path with key and run every migration.
 * Refuses (XJ_EUNAVAIL) if the file exists.
 */
int	 store_create(const char *path,
	     const unsigned char key[DB_KEY_BYTES], const char *branch,
	     char **cause);

/*
 * Open the database at path with key, or with next when key does not
 * open it (an interrupted key rotation); *used_next tells which.  Sets
 * and reads back every pragma the design requires and refuses to go on
 * (XJ_EUNAVAIL) when one did not take; migrates an older schema.  A
 * wrong key or a file that is not a database is XJ_EDATA.  The branch
 * recorded in the database must equal branch (XJ_EDATA otherwise).
 */
int	 store_open(const char *path, const unsigned char key[DB_KEY_BYTES],
	     const unsigned char *next, const char *branch, int *used_next,
	     struct store **out, char **cause);
void	 store_close(struct store *);
/*
 * How many reads' log entries this connection committed since the
 * write-ahead log was last synced: what a power cut could take now.
 * Bounded (store.c, READ_SYNC_EVERY and READ_SYNC_SECONDS).
 */
int	 store_reads_unsynced(const struct store *);
/*
 * A pause: nobody is waiting for the store.  Syncs the reads' entries
 * not yet on disk, and copies the write-ahead log back into the
 * database once it has grown past a thousand pages, work a commit would
 * otherwise do in the middle of somebody's keystroke.  Cheap when there
 * is nothing to do; call it whenever input has stopped for a moment.
 * Nothing is reported: what fails is retried at the next pause, change
 * or close.
 */
void	 store_idle(struct store *);
/* Pages in the write-ahead log after this connection's last commit. */
int	 store_wal_pages(const struct store *);

/*
 * Who is acting, under which rules.  The store keeps the pointers; they
 * must outlive it.  Every operation below needs this first.
 */
void	 store_bind(struct store *, const struct config *,
	     const struct form_spec *, const struct operator *);

/* Log the roles file's hash if it differs from the last one seen; the
 * store keeps pol (which must outlive it) to name operators in words. */
int	 store_note_policy(struct store *, const struct policy *, char **cause);

/*
 * Rebuild the search terms of every student when the branch's were made
 * by another SEARCH_TERMS_VERSION (search.h): derived data, like a
 * migration's, so there is no log entry.  One transaction; a branch
 * already current costs one read.  Needs store_bind (the form says which
 * fields are phones).  Called at login and after a restore.
 */
int	 store_search_upgrade(struct store *, char **cause);
/* Remember that id logged in now (no log entry: the login is syslog's). */
int	 store_note_login(struct store *, const char *id, char **cause);
/*
 * When id last logged in (0: not since this was kept) and how many
 * failed logins of id the log holds since since.  No permission needed:
 * no personal data.  XJ_EDATA or XJ_EIO when the log cannot be read.
 */
int	 store_operator_activity(struct store *, const char *id, time_t since,
	     time_t *last_login, long *failed, char **cause);
/*
 * Failed logins, kept beside the database (a failed login cannot open
 * it) in STORE_FAILREC_NAME, a record per operator id; see failures.c.
 *
 * store_attempt_begin takes id's record (for an id not in the roles,
 * known 0, one of a few shared records chosen by a hash of it), waiting
 * for any other attempt at it, then out its back-off (store_failure_delay
 * of its failures, at most max seconds), and charges this attempt as a
 * failure before the passphrase is tried.
 * XJ_EIO when the file cannot be written: then no passphrase may be
 * tried.  store_attempt_end settles it (reason NULL: the passphrase was
 * right, the charge is refunded and the back-off ends; "": it was never
 * tried, the charge is refunded and the back-off stays as it was;
 * otherwise one of "wrong-passphrase", "unknown-operator", "no-slot",
 * "keyslots-altered"),
 * frees a and returns the failures of id since its last success.
 */
struct store_attempt;
int	 store_attempt_begin(const char *dir, const char *id, int known,
	     long max, struct store_attempt **a, char **cause);
int	 store_attempt_end(struct store_attempt *a, const char *reason);
/* The back-off after n failures: 1 s doubling, at most max seconds. */
unsigned store_failure_delay(int n, long max);
/*
 * Move the failed logins waiting in dir into the log: each as a
 * login.failed entry, and past the record's room one entry counting
 * the rest, so that none is dropped.
 */
int	 store_drain_auth_failures(struct store *, const char *dir,
	     char **cause);

/* Append an audit entry for a non-database action (operator.add …) in a
 * transaction of its own. */
int	 store_log(struct store *, const char *action, const char *target,
	     const char *detail, char **cause);

/*
 * Key slots set by someone other than their owner (slot.c): whoever set
 * one knows its passphrase until its owner changes it.
 *
 * store_log_slot logs action on operator id (store_log), and in the same
 * transaction, with set, marks id's slot as set by the bound operator
 * (unless that is id); without, forgets who set it (id changed their
 * own, or the slot is gone).  save(arg, cause) writes the slots file
 * last, before the commit: when it fails, the transaction is rolled
 * back; when anything before it fails, it is not called.  Only a commit
 * failing after it leaves the file changed and the database not.
 */
int	 store_log_slot(struct store *, const char *action, const char *id,
	     const char *detail, int set, int (*save)(void *, char **),
	     void *arg, char **cause);
/* Who set id's slot and when, while id has not changed it since: *by
 * (malloc'd) and *at; *by NULL when id chose their own. */
int	 store_slot_setter(struct store *, const char *id, char **by,
	     time_t *at, char **cause);
/*
 * The four-eyes rule's second half: XJ_EPERM, saying so in words, when
 * the bound operator set requester's slot or requester set theirs, and
 * the passphrase so set is still in use; XJ_OK otherwise.  Every
 * decision on a request asks (store_request_approve, _reject), and so
 * may a screen before it offers one.
 */
int	 store_slot_tie(struct store *, const char *requester, char **cause);

/*
 * Check that the bound operator holds p.  When not, logs an access.denied
 * entry naming what was attempted and returns XJ_EPERM with a message.
 */
int	 store_require(struct store *, enum perm p, const char *what,
	     char **cause);

/*
 * Re-encrypt the whole database under key (operator.manage), and log
 * operator.rotate-key with the key transition from old_seed's signing
 * key to new_seed's (checkpoint_transition).
 */
int	 store_rekey(struct store *, const unsigned char key[DB_KEY_BYTES],
	     const unsigned char old_seed[32],
	     const unsigned char new_seed[32], char **cause);
/*
 * Log the key transition from old_seed's signing key to new_seed's,
 * unless the log has it already: store_rekey's last step, and that of a
 * key change a killed process left half done, which the next login
 * finishes (any operator's: the transition is signed, not permitted).
 */
int	 store_key_transition(struct store *, const unsigned char old_seed[32],
	     const unsigned char new_seed[32], char **cause);


/*
 * Sign the chain's current head (checkpoint.write) with the branch key
 * from seed; *text is the checkpoint file (malloc'd), *seq the entry it
 * covers.  Making it is logged, in the entry after the one it covers.
 */
int	 store_checkpoint(struct store *, const unsigned char seed[32],
	     char **text, int64_t *seq, char **cause);
/* The same without the permission check, for the automatic, daily
 * checkpoint any session writes on its way out; logged as automatic. */
int	 store_checkpoint_auto(struct store *, const unsigned char seed[32],
	     char **text, int64_t *seq, char **cause);
/* The sequence number of the newest audit entry. */
int64_t	 store_audit_head(struct store *);
/*
 * The newest checkpoint the log records (audit.checkpoint, by hand or
 * by itself, one that could not be written out left aside): the entry
 * it covers in *seq and when it was made in *at, both 0 when there is
 * none.  XJ_OK, or XJ_EIO when the log cannot be read.
 */
int	 store_last_checkpoint(struct store *, int64_t *seq, time_t *at);
/* Whether a checkpoint is due at now: none yet, or the last one older
 * than the configured checkpoint_warn_days. */
int	 store_checkpoint_due(struct store *, time_t now);
/*
 * Check that the log extends the checkpoint in buf (audit.verify): its
 * signature, that it is this branch's key, and that entry seq is the
 * one it signed.  XJ_OK, XJ_EDATA (not a valid checkpoint of ours) or
 * XJ_TAMPERED.  The chain itself is store_verify's.
 */
int	 store_verify_checkpoint(struct store *, const unsigned char seed[32],
	     const char *buf, size_t len, int64_t *seq, char **cause);

/* Audit log access for readers (audit.view), logged as audit.view. */
struct audit_filter;
struct audit_entry;
int	 store_audit_each(struct store *, const struct audit_filter *,
	     int (*fn)(const struct audit_entry *, void *), void *arg,
	     char **cause);
/*
 * Integrity check and chain verification (audit.verify).  XJ_OK when
 * intact; XJ_TAMPERED naming the first bad entry or the integrity
 * problem.  *count is the number of entries.
 */
int	 store_verify(struct store *, int64_t *count, int64_t *bad_seq,
	     char **cause);
/*
 * The same, calling progress(entries checked, arg) every few thousand
 * entries while the chain is walked (progress may be NULL).  It runs in
 * the caller's thread: whatever it draws shows while the walk goes on.
 */
int	 store_verify_progress(struct store *,
	     void (*progress)(int64_t done, void *), void *arg,
	     int64_t *count, int64_t *bad_seq, char **cause);

/*
 * What a list on one screen was logged as showing (the approval queue,
 * the archive's lists, the guardians' register, a search).  Handed to a
 * listing function, it makes the read log nothing and name the list;
 * the screen then calls store_list_shown with the rows it puts on the
 * terminal.  NULL there (the command line, which prints it all): the
 * whole list is logged as it is read, even an empty one.  A list of
 * another kind, status, year or view forgets whom the last one showed;
 * clear it to log the same list afresh; free it with the screen.
 */
struct store_shown;
struct store_shown *store_shown_new(void);
void	 store_shown_clear(struct store_shown *);
void	 store_shown_free(struct store_shown *);
/*
 * Log that the list last read with shown puts the n students numbers
 * names (borrowed) on the terminal: one entry of the list's action
 * (archive.list, guardian.request.list, request.list) for those shown
 * has not shown yet, each noted in audit_seen so that the log's student
 * filter finds it, and nothing at all when there are none (a redraw,
 * the same page read again, scrolling back).  Call it before the rows
 * reach the terminal; on failure nothing is noted in shown, and the
 * rows should not be shown.  XJ_ESOFTWARE if no list was read with it.
 */
int	 store_list_shown(struct store *, struct store_shown *shown,
	     const char *const *numbers, size_t n, char **cause);

/*
 * A number that changes whenever another connection commits (PRAGMA
 * data_version): cheap enough to poll every second.
 */
int64_t	 store_data_version(struct store *);

/*
 * A number that changes when what is shown of record number (status,
 * review, values, its requests' states) or of request id (its state,
 * its record's status and values, a destruction freezing it) changes;
 * 0 if there is none.  Read without any personal value, so not logged:
 * screens poll it when store_data_version() moves and re-read (logged)
 * only when it changed.  cause may be NULL: a screen that cannot read a
 * stamp keeps what it shows.
 */
int	 store_student_stamp(struct store *, const char *number,
	     int64_t *stamp, char **cause);
int	 store_request_stamp(struct store *, int64_t id, int64_t *stamp,
	     char **cause);
/* The same for guardian's request id: its state, outcome, linked
 * request (and that one's state) and answer; 0 if there is none. */
int	 store_guardian_stamp(struct store *, int64_t id, int64_t *stamp,
	     char **cause);
/* The same for the operation log (its newest entry that is not a
 * reading of the log itself) and for what the reports count. */
int	 store_log_stamp(struct store *, int64_t *stamp, char **cause);
int	 store_report_stamp(struct store *, int64_t *stamp, char **cause);

#endif
