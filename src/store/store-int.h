/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * store-int.h — what the store's own files share.  Not for other modules.
 */
#ifndef XUEJI_STORE_INT_H
#define XUEJI_STORE_INT_H

#include <sqlite3.h>

#include "../audit/audit-db.h"
#include "xueji/backup.h"
#include "xueji/archive.h"
#include "xueji/destroy.h"
#include "xueji/report.h"
#include "xueji/request.h"
#include "xueji/search.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "store-db.h"

/* meta search_terms: the SEARCH_TERMS_VERSION of the branch's terms
 * (xueji/search.h). */
#define SEARCH_VERSION_TEXT	XJ_STR(SEARCH_TERMS_VERSION)
#define XJ_STR(x)		XJ_STR_(x)
#define XJ_STR_(x)		#x

#define DAY		(24 * 60 * 60)

#define STORE_KEPT_MAX	32	/* statements kept prepared (store_prepare) */
#define BUSY_TIMEOUT_MS	5000	/* sqlite3_busy_timeout of every handle */

struct store {
	sqlite3			*db;
	char			*path;
	char			*branch;
	const struct config	*cfg;
	const struct form_spec	*form;
	const struct operator	*op;
	const struct policy	*pol;		/* store_note_policy; names
						   operators in refusals */
	int			 in_tx;
	int			 held_fd;	/* a drill copy's folder, held
						   (drill.c); or -1 */
	int			 read_log;	/* this one logs a read only */
	int			 unsynced;	/* reads' entries maybe not on disk */
	time_t			 unsynced_since;	/* the oldest of them */
	int			 wal_pages;	/* in the WAL at our last commit */
	double			 erase_polled;	/* store_destroy_finish's last look */
	char			**sens_keys;	/* field_sensitivity, sorted */
	size_t			 nsens;
	void			(*on_wait)(int,
	    void *);	/* store_on_wait */
	void			*on_wait_arg;
	/* This connection's last student.find entry (student.c). */
	struct {
		const struct operator	*op;
		time_t			 at;
		char			*numbers;	/* ",n1,n2,...," */
	}			 find;
	/* Statements kept prepared, by their SQL's address. */
	struct {
		const char	*sql;
		sqlite3_stmt	*stmt;
	}			 kept[STORE_KEPT_MAX];
	struct audit_stmts	 audit;
};

/* BEGIN IMMEDIATE with the busy timeout and a bounded retry. */
int	 tx_begin(struct store *, char **cause);
/*
 * tx_begin for a transaction that only appends the entry recording a
 * read (a search, a record or its history opened, a page of the log):
 * it commits without waiting for the disk.
 * See tx_begin_read_log in store.c for why that is safe and what it
 * costs.  End it with tx_commit or tx_rollback as any other.
 */
int	 tx_begin_read_log(struct store *, char **cause);
/* COMMIT; on failure rolls back and reports XJ_EIO (XJ_EBUSY when busy). */
int	 tx_commit(struct store *, char **cause);
void	 tx_rollback(struct store *);
/*
 * Make every transaction committed so far durable, reads' entries from
 * any process included (an fsync of the WAL).  For what takes the log
 * out of the database while a read transaction holds its snapshot: a
 * backup must not keep an entry the branch could still lose.
 */
int	 store_sync_log(struct store *, char **cause);
/*
 * ATTACH path AS schema on db, keyed with key in format f as
 * store_key_db keys a handle, each cipher setting read back (the
 * attached file is empty: nothing to open yet).
 */
int	 store_key_attached(sqlite3 *, const char *path, const char *schema,
	     const unsigned char key[DB_KEY_BYTES], enum store_format f,
	    char **cause);
/* One integer from sql (its first row and column), or -1. */
long long query_count(sqlite3 *, const char *sql);
/* fsync the folder holding path (after a rename into it). */
void	 sync_dir(const char *path);
/* Remove a database file and whatever SQLite may have left beside it. */
void	 unlink_db(const char *path);
/*
 * A restore drill's first half (backup.c): path copied into a private
 * folder and opened there as the branch's database is, a copy made by
 * an older xueji upgraded first, then every page, the structure and
 * the audit chain checked; *out the open copy, which drill_close
 * closes and removes with its folder.  r, when not NULL, records how
 * far it got.
 */
int	 drill_open(const struct store *, const char *path,
	     const unsigned char key[DB_KEY_BYTES], const char *branch,
	     struct drill_report *r, struct store **out, char **cause);
void	 drill_close(struct store *);
/*
 * Open a backup the operator named, for reading (backup.c).  In
 * protected mode only the folder of backups is read with the program's
 * group; any other path is opened with the operator's own
 * (xj_user_begin), so that naming the database or the key slots reads
 * nothing they could not.  A descriptor, or -1 with errno.
 */
int	 backup_open_file(const struct store *, const char *path);
/*
 * Copy from (a backup, backup_open_file) to a new file to (mode 0660
 * less the umask), synced.  XJ_OK, XJ_ENOINPUT or XJ_EIO.
 */
int	 backup_copy_file(const struct store *, const char *from,
	     const char *to, char **cause);
/*
 * Open the database copy at path with key as the live one is opened and
 * check it all: the key and branch, every page's HMAC, integrity, the
 * chain (drill.c).  A copy written by an older xueji is upgraded first,
 * in place: path must be a copy of ours.  On success *out is the open
 * store.  r, when not NULL, records how far it got.
 */
int	 backup_open_verified(const char *branch,
	     const unsigned char key[DB_KEY_BYTES], const char *path,
	     struct drill_report *r, struct store **out, char **cause);
/* The rows a drill counts, in one snapshot of db. */
void	 drill_counts(sqlite3 *, long long c[DRILL__COUNT]);
/* Whether live holds bk's newest log entry with the same hash; *at is
 * that entry's time. */
int	 drill_same_history(sqlite3 *live, sqlite3 *bk, time_t *at);
/* store_log, for an entry that records a read (tx_begin_read_log). */
int	 store_log_read(struct store *, const char *action, const char *target,
	     const char *detail, char **cause);

/*
 * sql prepared once per connection and kept: sql must have static
 * storage (its address is the key).  The statement comes back reset,
 * without bindings; the caller gives it back with store_release before
 * anything else may ask for the same sql — so never for a statement that
 * is still stepping while a callback runs.  NULL on a database error
 * (use db_error).  Kept statements are finalised when the store closes
 * and whenever the schema is migrated.
 */
sqlite3_stmt *store_prepare(struct store *, const char *sql);
/* Reset a kept statement and clear its bindings (which may point at
 * personal data the caller is about to wipe). */
void	 store_release(sqlite3_stmt *);
/* A copy of a text column, or NULL for SQL NULL. */
char	*dup_or_null(sqlite3_stmt *, int col);
/* The index of s among the n names (a kind, a state as stored), or -1
 * if it is not one of them or is NULL. */
int	 store_name_index(const char *const *names, size_t n, const char *s);
/* A read transaction (BEGIN), for one consistent view over several
 * queries; end it with tx_rollback. */
int	 tx_read(struct store *, char **cause);

/*
 * A list was read, n students long (numbers, borrowed, in its order):
 * action and list (its detail but " results=n") name it.  Without shown
 * (the command line prints it whole) it is logged at once, each number
 * noted in audit_seen, an empty list too; its own transaction.  With
 * shown (a screen) nothing is written: shown now names this list, and
 * forgets whom it showed if it named another (store_list_shown logs).
 */
int	 list_seen(struct store *, const char *action, const char *list,
	     const char *const *numbers, size_t n, struct store_shown *shown,
	     char **cause);
/*
 * Which of the n numbers shown has not shown, into fresh (n entries,
 * borrowed from numbers), in their order; all of them when shown is
 * NULL.  Returns how many.  shown_add notes n numbers as shown (copied;
 * NULL shown: nothing).  The one definition of "newly shown", for the
 * lists and the search alike.
 */
size_t	 shown_fresh(const struct store_shown *, const char *const *numbers,
	     size_t n, const char **fresh);
void	 shown_add(struct store_shown *, const char *const *numbers,
	     size_t n);

/*
 * Note the students of the searches logged since the last time in
 * audit_seen (audit_seen_catch_up), in a transaction of its own; none
 * when nothing is behind.  At the pause, and before the log is read by
 * student (shown.c).
 */
int	 seen_catch_up(struct store *, char **cause);

/*
 * An entry's detail in words (details.c), for its sentence's places
 * (sentences.c): the value of key in "k=v k=v", malloc'd, or NULL; and a
 * value as the key's words put it, what is made for it in *own.
 */
char	*audit_detail_value(const char *detail, const char *key,
	     size_t keylen);
const char *audit_value_words(const char *key, const char *v, char **own);

/* Append an entry as the bound operator inside the open transaction. */
int	 log_entry(struct store *, const char *action, const char *target,
	     const char *fields, const char *detail, char **cause);
/*
 * The tail of a write: append the entry as log_entry does, free detail
 * (which it takes, NULL is fine), and commit; on failure the transaction
 * is rolled back.  A caller's own cleanup may call tx_rollback again.
 */
int	 log_commit(struct store *, const char *action, const char *target,
	     const char *fields, char *detail, char **cause);
/* log_commit for a detail the caller keeps (a literal, or NULL). */
int	 log_tail(struct store *, const char *action, const char *target,
	     const char *fields, const char *detail, char **cause);

/* sqlite3_exec of sql on the store's handle; db_error's message, with
 * doing, on failure. */
int	 store_exec(struct store *, const char *sql, const char *doing,
	     char **cause);
/* Finalise every kept statement (closing, or the schema changing). */
void	 store_kept_free(struct store *);
/*
 * The pragmas of the design on the store's handle, each read back
 * (cipher.c); XJ_EUNAVAIL when one does not take.
 */
int	 store_configure(struct store *, char **cause);
/* PRAGMA user_version into *v: 0, or -1 on a database error (schema.c). */
int	 store_user_version(struct store *, int *v);
/*
 * Take the schema from its user_version to store_schema_version in one
 * transaction (schema.c); the kept statements are dropped first.
 */
int	 store_migrate(struct store *, char **cause);
/*
 * The meta table (meta.c).  store_meta_get sets *value (malloc'd, NULL
 * when absent) and returns 1 when key is there, 0 when not, -1 on a
 * database error.  store_meta_set writes key (inside the caller's
 * transaction, if any).
 */
int	 store_meta_get(struct store *, const char *key, char **value);
int	 store_meta_set(struct store *, const char *key, const char *value,
	     char **cause);
/* A time kept under key into *at (0: none); XJ_EIO on a database error. */
int	 store_meta_time(struct store *, const char *key, time_t *at);
/* Whether a task done every days days, last at at (0: never), is due at
 * now. */
int	 store_overdue(time_t at, time_t now, long days);
/*
 * Every page's HMAC (cipher_integrity_check), then PRAGMA
 * integrity_check on db: XJ_OK or XJ_TAMPERED with the reason
 * (verification.c).
 */
int	 store_check_integrity(sqlite3 *, char **cause);

/* A database error as a message for people; XJ_EIO, XJ_EBUSY. */
int	 db_error(struct store *, const char *doing, char **cause);

/* The bound operator's id, or "-". */
const char *store_who(const struct store *);

/* Whether the bound operator holds p (no logging). */
int	 store_may(const struct store *, enum perm p);
/* Whether the bound operator holds any permission in set (no logging). */
int	 store_may_any(const struct store *, perm_set set);
/*
 * XJ_OK if the bound operator holds p or any permission in also (a set
 * of PERM_BIT()s); otherwise store_require(p): the refusal is logged and
 * names p, the permission the action is documented under.  For actions
 * several roles may take, such as reading a request.
 */
int	 store_require_any(struct store *, perm_set also, enum perm p,
	     const char *what, char **cause);

/*
 * Set (or, for "", remove) one field of student id and add the value to
 * its history, under request (0: enrolment).  Inside a transaction.
 */
int	 store_field_write(struct store *, sqlite3_int64 id, const char *key,
	     const char *value, int64_t request, char **cause);
/* Rebuild the search terms of student id from its fields. */
int	 store_reindex(struct store *, sqlite3_int64 id, char **cause);
/*
 * The value of field key as the bound operator may see it (masked), or
 * NULL if hidden: a key held sensitive (store_field_sensitive) needs
 * student.sensitive, whatever the form says now.
 */
char	*store_visible(struct store *, const char *key, const char *value);
/*
 * Read field_sensitivity into the store, adding every key the bound form
 * marks sensitive (store_bind; a failure to add leaves the form's word
 * to count for this session).  store_sensitivity_free drops the list.
 */
void	 store_sensitivity_load(struct store *);
void	 store_sensitivity_free(struct store *);
/*
 * The pending destruction request that freezes student id into *by, or
 * 0 when there is none.
 */
int	 store_frozen_by(struct store *, sqlite3_int64 id, int64_t *by,
	     char **cause);
/*
 * XJ_OK if status request r may be applied to student id now, its
 * status in *from; XJ_EDATA (stale) if the record's status is no longer
 * the one the request was filed against, or already the one it asks
 * for, naming both statuses in words.
 */
int	 store_status_stale(struct store *, sqlite3_int64 id,
	     const struct request *r, int *from, char **cause);
/* Apply an approved status request (inside the decision's transaction). */
int	 store_status_apply(struct store *, sqlite3_int64 id,
	     const struct request *, char **cause);
/* Execute an approved destruction (inside the transaction). */
int	 store_destroy_execute(struct store *, sqlite3_int64 id,
	     const struct request *, char **cause);
/*
 * Close the open guardians' requests linked to request, just decided as
 * state ("approved" or "rejected"; others leave them open), and log each
 * (inside the decision's transaction).  guardian.c.
 */
int	 store_guardian_decided(struct store *, int64_t request,
	     const char *state, char **cause);
/*
 * Destroy again in st every child that live holds a destruction record
 * for and st does not (st is a backup of live's past, about to replace
 * it): erase the values (or add a tombstone for a number st never had),
 * decide the destroy request if st has it pending, copy the record and
 * log destroy.reapply.  Inside a transaction on st; with dry_run only
 * count.  *n is how many there are (or were, so far, on failure).
 */
int	 store_destroy_reapply(struct store *st, struct store *live,
	     int dry_run, long *n, char **cause);
/*
 * After a destruction commits, no old page may survive in the WAL: try
 * to truncate it and, once it is, record when on every destruction
 * still pending (erased_at).  With wait, wait up to ERASE_WAIT_MS for
 * readers elsewhere (telling the store_on_wait callback); without,
 * try once and at most every few seconds (store_open, store_idle), and
 * log destroy.erased for each one finished late.  *pending, when not
 * NULL, is how many are still pending afterwards.  Errors leave them
 * pending for the next try.
 */
void	 store_destroy_finish(struct store *, int wait, long *pending);
/*
 * Close the open guardians' requests about number with the outcome
 * "destroyed", each logged naming destruction request destroy (inside
 * the destruction's transaction).  guardian.c.
 */
int	 store_guardian_destroyed(struct store *, const char *number,
	     int64_t destroy, char **cause);

/*
 * What may happen in which state (lifecycle.c, where the table is).
 */
enum record_state {
	RECORD_ACTIVE,
	RECORD_COMPLETED,
	RECORD_WITHDRAWN,
	RECORD_FROZEN,		/* a destruction request is pending */
	RECORD_DESTROYED,
};
enum lifecycle_action {
	LC_CHANGE_FILE,
	LC_STATUS_FILE,
	LC_STATUS_SET,
	LC_REVIEW,
	LC_DESTROY_FILE,
	LC_GUARDIAN_FILE,
	LC_GUARDIAN_ACCESS,
	LC_CHANGE_APPROVE,
	LC_CHANGE_REJECT,
	LC_CHANGE_WITHDRAW,
	LC_CHANGE_CONFIRM,
	LC_STATUS_APPROVE,
	LC_STATUS_REJECT,
	LC_STATUS_WITHDRAW,
	LC_DESTROY_APPROVE,
	LC_DESTROY_REJECT,
	LC_DESTROY_WITHDRAW,
	LC_ACKNOWLEDGE,
	LC__COUNT
};
#define LC_APPROVE	0	/* verbs of lifecycle_decision */
#define LC_REJECT	1
#define LC_WITHDRAW	2
/* The action that verb is on a request of kind. */
enum lifecycle_action lifecycle_decision(enum request_kind, int verb);
const char *lifecycle_action_name(enum lifecycle_action);
/* Whether the table allows a on a record in rec with a request in state
 * req (-1: the action files a request, there is none). */
int	 lifecycle_allows(enum lifecycle_action a, enum record_state rec,
	     int req);
/* The state of student id (a missing one counts as destroyed). */
int	 store_record_state(struct store *, sqlite3_int64 id,
	     enum record_state *, char **cause);
/*
 * XJ_OK if the table allows a on student sid (number, for messages) with
 * request r (NULL when a files one); otherwise the refusal, saying why:
 * XJ_EBUSY for a request decided already, XJ_EDATA for a frozen record
 * or a request that is not an applied change, XJ_ENOINPUT for a
 * destroyed one.  Inside the transaction that acts.
 */
int	 store_lifecycle_check(struct store *, enum lifecycle_action a,
	     sqlite3_int64 sid, const char *number, const struct request *r,
	     char **cause);
/*
 * The student numbered number, for an action a that files a request or
 * acts on the record itself: its id into *sid and its status into
 * *status, if the table allows a on it (store_lifecycle_check with no
 * request).  Otherwise *sid is 0 and the refusal is returned, XJ_ENOINPUT
 * "no student" for a number that names none.  Inside the transaction
 * that acts.
 */
int	 store_lifecycle_find(struct store *, enum lifecycle_action a,
	     const char *number, sqlite3_int64 *sid, int *status,
	     char **cause);
/*
 * The destruction of number (request destroy) was approved: close every
 * other request on it that waits for a decision or for the guardian's
 * confirmation, and every open guardian's request, each logged with the
 * reason (inside the destruction's transaction).
 */
int	 store_lifecycle_close(struct store *, const char *number,
	     int64_t destroy, char **cause);

/*
 * Fill d's backup_file, backup_made and backup_removed from the backups
 * in backup_dir as they are now (backup.c).
 */
void	 store_backup_holding(struct store *, struct destruction *d);
/* After a destruction commits: no old page may survive in the WAL. */
void	 store_wal_truncate(struct store *);
/* The student row id of number (0: none); *status set when found. */
sqlite3_int64 store_student_id(struct store *, const char *number,
	     int *status);
/* When a student of this status since status_at is past retention; 0
 * for a status without one (active, destroyed). */
time_t	 store_keep_until(const struct store *, int status,
	     time_t status_at);
/* step a statement expecting SQLITE_DONE, then reset it. */
int	 step_done(struct store *, sqlite3_stmt *, const char *doing,
	     char **cause);

/*
 * A student's row as store_load_student reads it (s: the student table),
 * and what keeps frozen records out of ordinary search and lists.
 */
#define STUDENT_COLUMNS	"s.id, s.number, s.status, s.enrolled_at, " \
	"s.enrolled_by, s.consent_method, s.consent_at, " \
	"(SELECT count(*) FROM request r WHERE r.student = s.id " \
	"AND r.state = 'pending'), " \
	"EXISTS (SELECT 1 FROM request r WHERE r.student = s.id " \
	"AND r.state = 'pending' AND r.kind = 'destroy'), s.next_review"
#define NOT_FROZEN	"NOT EXISTS (SELECT 1 FROM request fr WHERE " \
	"fr.student = s.id AND fr.state = 'pending' AND fr.kind = 'destroy')"

/* SELECT key, value of a student's fields (bind its id), for
 * store_load_student; kept prepared by its address (student.c). */
extern const char store_values_sql[];
/*
 * Build a student from a row of STUDENT_COLUMNS and its values (vals,
 * store_values_sql), in form order; values the form no longer names
 * come last, so nothing held is hidden from someone allowed to see it.
 * Each value as store_visible shows it.  NULL on a database error (left
 * on the handle until vals is reset).
 */
struct student *store_load_student(struct store *, sqlite3_stmt *row,
	     sqlite3_stmt *vals);

/*
 * Requests (request.c) and what only a change has (change.c).
 *
 * store_request_load reads request id and its student's row id (*sid,
 * when not NULL) inside the caller's transaction; XJ_ENOINPUT when
 * there is none.  store_change_load fills r->changes with the raw
 * values from request_field; store_change_mask masks them for the bound
 * operator and leaves out the hidden ones.  store_changes_free frees n
 * changes, wiping the values.
 */
int	 store_request_load(struct store *, int64_t id, struct request **out,
	     sqlite3_int64 *sid, char **cause);
int	 store_change_load(struct store *, struct request *r, char **cause);
void	 store_change_mask(struct store *, struct request *r);
void	 store_changes_free(struct request_change *, size_t n);
/*
 * Apply approved change r to student sid inside the decision's
 * transaction: refused as stale (XJ_EDATA) when a value moved since
 * filing, else every new value written with its history and the search
 * terms rebuilt.  *keys is the changed keys, comma-separated (malloc'd,
 * also on failure; NULL when none).
 */
int	 store_change_apply(struct store *, sqlite3_int64 sid,
	     struct request *r, char **keys, char **cause);
/* The stored value of key for student id, "" when there is none
 * (malloc'd). */
char	*store_field_value(struct store *, sqlite3_int64 id, const char *key);
/* Append key to the comma-separated list *keys (malloc'd, or NULL). */
void	 store_key_append(char **keys, const char *key);

/*
 * Enrolment's own steps, shared with the import (import.c).
 *
 * store_validate checks every key and value of en against the form and
 * fills norm[] (one per form field, malloc'd; the caller wipes them).
 * Without fn it stops at the first problem, returns its code and sets
 * *cause; with fn it calls fn(key, message, arg) for every problem (key
 * NULL for the consent; fn owns the malloc'd message), goes on, and
 * returns XJ_EDATA when there was any.
 */
typedef void store_problem_fn(const char *key, char *message, void *arg);
int	 store_validate(struct store *, const struct enrolment *, char **norm,
	     store_problem_fn *fn, void *arg, char **cause);
/* The normalised value of key in norm[], or NULL when the form has no
 * such field. */
const char *store_norm_of(const struct form_spec *, char **norm,
	     const char *key);
/*
 * The number of an existing, live student with this name and the same
 * birth month or guardian phone: 1 with *dup set (malloc'd), 0 when none,
 * -1 on a database error.
 */
int	 store_find_duplicate(struct store *, const char *name,
	     const char *birth, const char *phone, char **dup);
/* Hand out the next student number of year (inside a transaction). */
int	 store_next_number(struct store *, int year, char **number,
	     char **cause);
/* Insert a student with its values, search terms and student.enroll
 * entry (inside a transaction). */
int	 store_insert_student(struct store *, const char *number,
	     const char *consent, char **norm, char **cause);

#endif
