/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * store.h — the encrypted branch database.
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
 * Key a fresh handle as every connection to a branch's files is keyed,
 * the store's, backups', drills' and the benchmark's bare ones alike:
 * the raw key, the library's logging silenced, memory security off
 * (store.c says why) and f's cipher settings, each read back.  XJ_OK
 * when the key opens the file in that format (or the file is empty),
 * XJ_EDATA when it does not, XJ_EUNAVAIL when a setting did not take or
 * the library is older than SQLCipher 4.6.
 */
struct sqlite3;
int	 store_key_db(struct sqlite3 *, const unsigned char key[DB_KEY_BYTES],
	     enum store_format f, char **cause);
/*
 * Every page's HMAC (PRAGMA cipher_integrity_check), pages in use or
 * free: XJ_OK, or XJ_TAMPERED naming the first page that fails.
 */
int	 store_check_pages(struct sqlite3 *, char **cause);
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
 * XJ_ENOINPUT when path is in no older format under either key.
 */
int	 store_upgrade(const char *path, const unsigned char key[DB_KEY_BYTES],
	     const unsigned char *next, const char *branch, const char *who,
	     char **cause);
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

/* Log the roles file's hash if it differs from the last one seen. */
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
 * known 0, one of a few shared records chosen by a hash of it), waiting for any other attempt at it, then out its back-off
 * (store_failure_delay of its failures, at most max seconds),
 * and charges this attempt as a failure before the passphrase is tried.
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

/* One value of a student's record. */
struct student_value {
	char	*key;
	char	*value;		/* masked where the operator may not see it */
};

enum student_status {
	STATUS_ACTIVE,
	STATUS_COMPLETED,
	STATUS_WITHDRAWN,
	STATUS_DESTROYED,
};
const char *status_name(enum student_status);		/* "active" */
const char *status_label(enum student_status);		/* translated */
int	 status_parse(const char *);			/* -1 if none */

struct student {
	char			*number;
	enum student_status	 status;
	int			 pending;	/* pending requests on it */
	int			 frozen;	/* a destruction is pending */
	time_t			 next_review;
	time_t			 enrolled_at;
	char			*enrolled_by;
	char			*consent_method;
	time_t			 consent_at;
	struct student_value	*values;	/* in form order */
	size_t			 nvalues;
};
void	 student_free(struct student *);
/* The value for key, or NULL. */
const char *student_value(const struct student *, const char *key);

/* One value as typed, before validation.  Borrowed pointers. */
struct field_input {
	const char	*key;
	const char	*value;
};

/* What an enrolment brings: raw input, validated by the store. */
struct enrolment {
	const struct field_input *values;	/* key → raw value */
	size_t			 nvalues;
	const char		*consent_method;	/* NULL: refused */
	int			 allow_duplicate;
};

/*
 * Enrol a student (student.enroll).  Validates every value against the
 * form; an unknown key, a missing required field or a bad value is
 * XJ_EDATA with a message naming the field.  A likely duplicate (same
 * name and birth month, or same name and guardian phone) is XJ_EDATA
 * with *dup set to the existing number, unless allow_duplicate (which
 * also needs student.duplicate, and is logged).  On success *number is
 * the new student number (malloc'd).  All or nothing.
 */
int	 store_student_add(struct store *, const struct enrolment *,
	     char **number, char **dup, char **cause);

/*
 * Record that the operator uncovered a sensitive field of a student they
 * have open (student.sensitive): the UI keeps such fields covered until
 * then.
 */
int	 store_student_reveal(struct store *, const char *number,
	     const char *key, char **cause);

/* Open one record (student.view); logged as a read. */
int	 store_student_get(struct store *, const char *number,
	     struct student **out, char **cause);

/*
 * Find students (student.search) by number prefix, name prefix, or the
 * last four digits of the guardian's phone; at most limit results,
 * newest first.  Logged with the numbers found.  *out is an array of
 * *n students the caller frees with students_free.
 */
int	 store_student_find(struct store *, const char *text, size_t limit,
	     struct student ***out, size_t *n, char **cause);
void	 students_free(struct student **, size_t);

/*
 * Call fn for every student with status (or all but destroyed when
 * status < 0), in number order (student.search).  Logged with the count.
 */
int	 store_student_each(struct store *, int status,
	     int (*fn)(const struct student *, void *), void *arg,
	     char **cause);

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
 * Requests: nothing in a record is edited in place.  A change is filed
 * as a request holding only the fields that change (old and new), a
 * reason and the supporting document seen; someone other than the
 * requester decides it.  That rule is the store's, for every role, and
 * the schema holds it too (a CHECK on the table).  Status and
 * destruction requests share the table and the queue.
 */
enum request_kind {
	REQ_CHANGE,
	REQ_STATUS,
	REQ_DESTROY,
};
enum request_state {
	REQ_PENDING,
	REQ_APPROVED,
	REQ_REJECTED,
	REQ_WITHDRAWN,
	REQ_CLOSED,		/* ended by the record's destruction */
};
const char *request_kind_name(enum request_kind);	/* "change" */
const char *request_kind_label(enum request_kind);	/* translated */
const char *request_state_name(enum request_state);	/* "pending" */
const char *request_state_label(enum request_state);	/* translated */

struct request_change {
	char	*key;
	char	*old;		/* "" for a field that was empty */
	char	*new;		/* "" to empty an optional field */
};

struct request {
	int64_t			 id;
	enum request_kind	 kind;
	enum request_state	 state;
	char			*number;	/* the student */
	char			*name;		/* the student's, for dialogs */
	char			*reason;
	char			*evidence;
	char			*requested_by;
	time_t			 requested_at;
	char			*decided_by;	/* NULL while pending */
	time_t			 decided_at;
	char			*note;		/* a rejection's */
	char			*confirmed_by;	/* the guardian's confirmation */
	time_t			 confirmed_at;
	char			*confirm_method;
	int			 new_status;	/* status requests, else -1 */
	char			*reason_code;	/* destruction requests */
	struct request_change	*changes;	/* masked as the operator sees */
	size_t			 nchanges;
	int64_t			 closed_by;	/* the destruction request that
						   closed it, or 0 */
	time_t			 closed_at;
	time_t			 seen_at;	/* the requester acknowledged
						   the decision; 0: not yet */
};
void	 request_free(struct request *);

/* The ways a guardian can confirm an applied change. */
int	 confirm_method_valid(const char *);	/* phone, in-person, message */

/*
 * File a change request for student number (change.request).  Every new
 * value is validated as at enrolment; only those that differ from the
 * record are kept, and none differing is XJ_EDATA.  reason is required.
 * A destroyed student is XJ_ENOINPUT.  *id is the new request's id.
 */
int	 store_change_request(struct store *, const char *number,
	     const struct field_input *, size_t n, const char *reason,
	     const char *evidence, int64_t *id, char **cause);

/*
 * One request with its old and new values (change.request,
 * change.approve or change.confirm); logged as a read of the student.
 * XJ_ENOINPUT for no such request.
 */
int	 store_request_get(struct store *, int64_t id, struct request **out,
	     char **cause);

/*
 * Decide a pending request (change.approve).  The requester can never
 * decide their own: XJ_EPERM, logged.  A request decided meanwhile is
 * XJ_EBUSY naming who decided it.  Approving a change whose old values
 * no longer match the record is XJ_EDATA (stale) and changes nothing;
 * otherwise the new values, their history and the audit entry commit
 * together.  Rejecting needs a note.
 */
int	 store_request_approve(struct store *, int64_t id, char **cause);
int	 store_request_reject(struct store *, int64_t id, const char *note,
	     char **cause);
/* Withdraw one's own pending request. */
int	 store_request_withdraw(struct store *, int64_t id, char **cause);
/*
 * Whether pending change request id would be refused as stale now: XJ_OK
 * when every old value it holds is still the record's (and for a request
 * that is not a pending change), XJ_EDATA with the message approval
 * would give, naming the first moved field by its form label, when one
 * is not.  A read, not logged (change.approve, destroy.approve or
 * change.request).  For screens: refuse before asking, not after.
 */
int	 store_request_stale(struct store *, int64_t id, char **cause);
/*
 * The requester has read the decision of request id (approved, rejected
 * or closed by the record's destruction): it leaves LIST_MINE.  Only the
 * requester (XJ_EPERM); a pending one is XJ_EBUSY; acknowledging again
 * is XJ_OK and changes nothing.  Logged as request.acknowledge.
 */
int	 store_request_acknowledge(struct store *, int64_t id, char **cause);
/*
 * Record how and when the guardian confirmed an applied change
 * (change.confirm); method is phone, in-person or message.
 */
int	 store_change_confirm(struct store *, int64_t id, const char *method,
	     char **cause);

/* Which requests store_requests lists. */
enum request_list {
	LIST_PENDING,		/* the approval queue, oldest first */
	LIST_UNCONFIRMED,	/* applied changes the guardian has not
				   confirmed yet, oldest first */
	LIST_MINE,		/* the operator's own pending ones, and
				   those decided that the operator has
				   not acknowledged (with the note) */
};
/*
 * Call fn for each request of the list (without its changes).  The queue
 * needs change.approve, the unconfirmed list change.confirm, one's own
 * change.request.  No personal values are in these rows but the number
 * and, in one's own list, the note the decider wrote for the requester.
 */
int	 store_requests(struct store *, enum request_list,
	     int (*fn)(const struct request *, void *), void *arg,
	     char **cause);

/* One value a field once had. */
struct history {
	char		*key;
	char		*value;		/* masked as the operator sees it */
	time_t		 at;
	int64_t		 request;	/* 0: given at enrolment */
	char		*reason;
	char		*requested_by;
	char		*approved_by;
};
/*
 * The history of every field of a student the operator may see, oldest
 * first (student.view, logged as a read); none while the record is
 * frozen, as store_student_get shows no values then.
 */
int	 store_history(struct store *, const char *number,
	     struct history **out, size_t *n, char **cause);
void	 history_free(struct history *, size_t);

/*
 * A number that changes whenever another connection commits (PRAGMA
 * data_version): cheap enough to poll every second.
 */
int64_t	 store_data_version(struct store *);

/*
 * A number that changes when what is shown of record number (status,
 * review, values, its requests' states) or of request id (its state,
 * its record's status and values) changes; 0 if there is none.  Read
 * without any personal value, so not logged: screens poll it when
 * store_data_version() moves and re-read (logged) only when it changed.
 */
int	 store_student_stamp(struct store *, const char *number,
	     int64_t *stamp, char **cause);
int	 store_request_stamp(struct store *, int64_t id, int64_t *stamp,
	     char **cause);

/*
 * Archive status.  An operator with status.set changes it directly; one
 * with status.request files a request for the queue.  Either way the
 * change records who, when and why.  "destroyed" is reached only by a
 * destruction.  A record with a pending destruction request is frozen.
 */
int	 store_status_set(struct store *, const char *number,
	     enum student_status to, const char *reason, char **cause);
int	 store_status_request(struct store *, const char *number,
	     enum student_status to, const char *reason, int64_t *id,
	     char **cause);

/*
 * The quarterly review (status.review): the record's data were checked
 * as still accurate and needed.  Logged; the next review is set
 * review_months ahead.
 */
int	 store_review(struct store *, const char *number, char **cause);

/* A student as the archive lists show it: no personal values. */
struct archive_entry {
	const char		*number;
	enum student_status	 status;
	time_t			 enrolled_at;
	time_t			 status_at;	/* last change of status */
	time_t			 next_review;
	time_t			 keep_until;	/* retention end, or 0 */
	int			 frozen;	/* destruction pending */
};
enum archive_list {
	ARCHIVE_STATUS,		/* every student of one status, by number */
	ARCHIVE_REVIEW_DUE,	/* next_review <= now, oldest first */
	ARCHIVE_RETENTION_DUE,	/* past retention, oldest first */
};
/*
 * Call fn for each student of the list at time now (status.review for the
 * due lists, student.search for a status list; status is used by
 * ARCHIVE_STATUS only, year filters by enrolment year when > 0).
 */
int	 store_archive(struct store *, enum archive_list, int status, int year,
	     time_t now, int (*fn)(const struct archive_entry *, void *),
	     void *arg, char **cause);
/* How many students have each status (report.view or student.search). */
int	 store_status_counts(struct store *, long counts[4], char **cause);

/*
 * Destruction.  A request names the student and why: guardian-request,
 * retention-ended (only once retention is over) or withdrawal (only for
 * a withdrawn student).  Approving it (destroy.approve, four-eyes)
 * executes it in one transaction: every personal value of the student —
 * fields, their history, the old and new values of change requests, the
 * free text of every request about them, consent details, status
 * reasons, search terms — is deleted, and the student becomes a
 * tombstone holding only its number and status.  The WAL is then
 * checkpointed and truncated.  A destruction record, without personal
 * data, is kept forever.
 */
int	 store_destroy_request(struct store *, const char *number,
	     const char *reason_code, int64_t *id, char **cause);
int	 destroy_reason_valid(const char *);
/* A destruction's reason code in words; an unknown code as it is. */
const char	*destroy_reason_label(const char *code);

struct destruction {
	int64_t		 id;
	char		*number;
	char		*reason;	/* guardian-request, … */
	int64_t		 request;
	char		*requested_by;
	time_t		 requested_at;
	char		*approved_by;
	time_t		 approved_at;
	time_t		 executed_at;
	char		*method;	/* as done, or DESTROY_PENDING's code */
	time_t		 backup_expires;
	time_t		 erased_at;	/* WAL seen truncated; 0: pending */
	/*
	 * As the backups are now (store_destruction_get only): the newest
	 * backup in backup_dir made between the student's enrolment and
	 * the destruction, which still holds the data, its time, and the
	 * time after which rotation removes it; NULL and 0 when no backup
	 * holds them.
	 */
	char		*backup_file;
	time_t		 backup_made;
	time_t		 backup_removed;
};
void	 destruction_free(struct destruction *);
/*
 * Whether the values of field key are sensitive: the form says so now,
 * or said so once (the store remembers; a form never lowers it), or the
 * form no longer names the key.  Such values reach only roles with
 * student.sensitive.
 */
int	 store_field_sensitive(const struct store *, const char *key);
/*
 * What a destruction's approval tells fn about its physical erasure,
 * when another session's read holds the write-ahead log: ERASE_WAITING
 * before it waits (ten seconds at most), then ERASE_DONE or
 * ERASE_PENDING (the record says so until a later open or pause of any
 * session finishes it).  Never called when the log is free at once.
 */
enum { ERASE_WAITING, ERASE_DONE, ERASE_PENDING };
void	 store_on_wait(struct store *, void (*fn)(int what, void *arg),
	     void *arg);
/* One record by its id, or by student number when id is 0. */
/*
 * How d was carried out, in words (an unknown method code as it is), with
 * the time the write-ahead log was erased when that came later than the
 * destruction itself.  The caller frees it.
 */
char	*destroy_method_text(const struct destruction *d);
int	 store_destruction_get(struct store *, int64_t id, const char *number,
	     struct destruction **out, char **cause);
/* Every destruction record, oldest first (destroy.request, destroy.approve
 * or report.view). */
int	 store_destructions(struct store *,
	     int (*fn)(const struct destruction *, void *), void *arg,
	     char **cause);

/*
 * Reports (report.view), each as of time now.  A report holds no
 * personal data: counts, dates, and student numbers at most.  Making one
 * is logged as report.view with the report's name; a report that could
 * not be logged is not handed out.  On success *out is a new report the
 * caller frees with report_free; on failure *out is NULL.
 */
enum report_kind {
	REPORT_STATUS,		/* "status": students by status */
	REPORT_COMPLETENESS,	/* "completeness": required fields filled */
	REPORT_PENDING,		/* "pending": waiting requests by kind, age */
	REPORT_REVIEWS,		/* "reviews": reviews overdue */
	REPORT_DESTRUCTION,	/* "destruction": request to execution */
};
#define REPORT_KINDS	5
const char *report_name(enum report_kind);		/* "status" */
const char *report_label(enum report_kind);		/* translated */
int	 report_parse(const char *);			/* -1 if none */

/* Ages of pending requests: [0, 1), [1, 3), [3, 7), 7 days or more. */
enum report_age {
	AGE_UNDER_1D,
	AGE_1D_3D,
	AGE_3D_7D,
	AGE_7D_PLUS,
};
#define REPORT_AGES	4
#define REPORT_REQUEST_KINDS 3	/* enum request_kind */

struct report_missing {
	char	*key;		/* a required field of the form */
	char	*label;		/* its label in the interface language */
	long	 missing;	/* live records without a value for it */
};

struct report_destroyed {
	char	*number;
	char	*reason;	/* guardian-request, … */
	time_t	 requested_at;
	time_t	 executed_at;
	double	 days;		/* from request to execution */
};

struct report {
	enum report_kind	 kind;
	time_t			 now;
	/* REPORT_STATUS */
	struct {
		long	 count[4];	/* by enum student_status */
		long	 frozen;	/* live, with a destruction pending */
	} status;
	/* REPORT_COMPLETENESS: live means not destroyed. */
	struct {
		long			 live;
		long			 complete;	/* every required field */
		struct report_missing	*fields;	/* in form order */
		size_t			 nfields;
	} completeness;
	/* REPORT_PENDING */
	struct {
		long	 total;
		long	 by_age[REPORT_REQUEST_KINDS][REPORT_AGES];
		long	 overdue[REPORT_REQUEST_KINDS];	/* queue_overdue_hours
							   old or older */
		time_t	 oldest;	/* the oldest's requested_at, or 0 */
		long	 guardian_open;	/* guardians' requests (guardian.h) */
		long	 guardian_overdue; /* open, past their due day */
	} pending;
	/* REPORT_REVIEWS */
	struct {
		long	 overdue;	/* live, next_review <= now */
		time_t	 oldest;	/* the earliest such next_review, or 0 */
	} reviews;
	/* REPORT_DESTRUCTION */
	struct {
		struct report_destroyed	*items;		/* oldest first */
		size_t			 n;
		double			 median_days;	/* 0 without items */
		double			 max_days;
		long			 due_unrequested; /* past retention,
							     no request yet */
		time_t			 oldest_due;	/* its earliest end of
							   retention, or 0 */
	} destruction;
};
int	 store_report(struct store *, enum report_kind, time_t now,
	     struct report **out, char **cause);
void	 report_free(struct report *);

/*
 * A report as lines without their newlines (report-fmt.c, pure C): text
 * for people, labels in the interface language, or CSV rows of report
 * name, metric and value (fixed ASCII metric names, times in UTC ISO
 * 8601, quoted as RFC 4180 asks).  The caller frees the lines with
 * report_lines_free.
 */
enum report_format {
	REPORT_TEXT,
	REPORT_CSV,
};
extern const char report_csv_header[];		/* "report,metric,value" */
char	**report_lines(const struct report *, enum report_format,
	     size_t *n);
void	 report_lines_free(char **, size_t);

/*
 * Access analysis (audit.view) of the audit entries in [since, until)
 * (until 0: no end), with the thresholds of the configuration's
 * analysis.* keys.  Logged as audit.analysis with the window and the
 * number of findings.  On success *out is an array of *n findings the
 * caller frees with findings_free, ordered by kind, then start, then
 * operator; on failure *out is NULL and *n 0.
 */
enum finding_kind {
	FINDING_BURST,		/* more student.view than burst_count within
				   burst_minutes */
	FINDING_AFTER_HOURS,	/* entries outside working_hours: one per
				   operator and evening-to-morning */
	FINDING_FAILED_LOGINS,	/* failed_logins or more login.failed of
				   one id within failed_minutes */
	FINDING_REVEAL,		/* each student.reveal */
};
const char *finding_kind_name(enum finding_kind);	/* "burst" */
const char *finding_kind_label(enum finding_kind);	/* translated */

struct finding {
	enum finding_kind	 kind;
	char			*operator;
	time_t			 from, to;	/* first and last entry */
	long			 count;		/* entries */
	int64_t			 first_seq, last_seq;
	char			*target;	/* reveal: the student, else "" */
	char			*field;		/* reveal: the field, else "" */
};
int	 store_analysis(struct store *, time_t since, time_t until,
	     struct finding **out, size_t *n, char **cause);
void	 findings_free(struct finding *, size_t);

/* The raw handle, for tests and benchmarks only. */
struct sqlite3;
struct sqlite3 *store_db(struct store *);

#endif
