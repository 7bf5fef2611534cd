/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The store proper: opening and creating the encrypted database,
 * transactions (and why a read's entry need not wait for the disk), the
 * statements kept prepared, the log's entry at the end of every write
 * and the policy gate (store_require), and when the WAL is copied back.
 * Keying a handle is cipher.c, the schema schema.c, the meta table
 * meta.c, verification verification.c; the student operations are in
 * student.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/checkpoint.h"
#include "xueji/search.h"
#include "xueji/sentences.h"
#include "store-int.h"

#define BUSY_RETRIES	3

const char *
store_who(const struct store *st)
{
	return st->op != NULL ? st->op->id : "-";
}

int
store_may(const struct store *st, enum perm p)
{
	return st->op != NULL && policy_allows(st->op, p);
}

int
store_may_any(const struct store *st, perm_set set)
{
	return st->op != NULL && st->op->role != NULL &&
	    (st->op->role->perms & set) != 0;
}

int
db_error(struct store *st, const char *doing, char **cause)
{
	int	code = sqlite3_extended_errcode(st->db) & 0xff;

	switch (code) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return xj_fail(cause, XJ_EBUSY, _("%s: another terminal is "
		    "busy with the database; try again in a moment"), doing);
	case SQLITE_FULL:
		return xj_fail(cause, XJ_EIO, _("%s: the disk is full; nothing "
		    "was changed"), doing);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return xj_fail(cause, XJ_EIO, _("%s: input/output error; "
		    "nothing was changed"), doing);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return xj_fail(cause, XJ_EDATA, _("%s: the database is damaged "
		    "or not ours; verify the branch"), doing);
	default:
		return xj_fail(cause, XJ_EIO, _("%s: database error (%s)"),
		    doing, sqlite3_errmsg(st->db));
	}
}

int
store_exec(struct store *st, const char *sql, const char *doing,
    char **cause)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(st, doing, cause);
	return XJ_OK;
}

/*
 * Back to synchronous = FULL after a read's entry: every change commits
 * durably, whichever code path it takes.  Outside a transaction this
 * cannot fail but on a closed handle; should it, tx_begin tries again.
 */
/* How many reads' entries, or how old the oldest, before a WAL sync. */
#define READ_SYNC_EVERY		100
#define READ_SYNC_SECONDS	10

/*
 * A transaction's own statements, kept prepared like the rest: a logged
 * read runs four of them, and with SQLCipher's memory security on a
 * prepare costs some forty allocations, each wiped a byte at a time
 * when it is freed.  Kept statements are found by address: one array
 * each.
 */
static const char sql_begin[] = "BEGIN";
static const char sql_begin_write[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";
static const char sql_sync_full[] = "PRAGMA synchronous = FULL";
static const char sql_sync_normal[] = "PRAGMA synchronous = NORMAL";

/* sqlite3_exec of one of those, through its kept statement. */
static int
tx_exec(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return sqlite3_errcode(st->db);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int
durable_again(struct store *st)
{
	if (!st->read_log)
		return SQLITE_OK;
	if (tx_exec(st, sql_sync_full) != SQLITE_OK)
		return SQLITE_ERROR;
	st->read_log = 0;
	return SQLITE_OK;
}

static int
begin(struct store *st, char **cause)
{
	int	i, rc = SQLITE_OK;

	for (i = 0; i < BUSY_RETRIES; i++) {
		rc = tx_exec(st, sql_begin_write);
		if (rc != SQLITE_BUSY)
			break;
	}
	if (rc != SQLITE_OK)
		return db_error(st, _("cannot start a change"), cause);
	st->in_tx = 1;
	return XJ_OK;
}

int
tx_begin(struct store *st, char **cause)
{
	if (durable_again(st) != SQLITE_OK)
		return db_error(st, _("cannot start a change"), cause);
	return begin(st, cause);
}

/*
 * Why a read's entry need not wait for the disk.  Who looked at which
 * child is what the log is for, so every search keystroke, record and
 * history opened and page of the log read appends its entry in a
 * transaction of its own.  Committed with synchronous = FULL, each would
 * wait for an fsync of the WAL: 0.1 ms on a quiet disk, 4 ms and more
 * on a busy one, per keystroke.  With NORMAL the commit writes the WAL
 * frames and returns:
 *
 * - a killed or crashed process loses nothing (the frames are in the
 *   operating system's hands before COMMIT returns);
 * - a power cut or a crash of the system can lose the newest reads'
 *   entries, but only whole transactions at the end of the WAL (replay
 *   stops at the first frame that is not intact): the chain gets
 *   shorter, it never breaks or forks, and no change is lost;
 * - the next change commits with FULL, and its fsync of the WAL makes
 *   every earlier frame durable with it, whoever wrote them; so does a
 *   signed checkpoint (its own entry), a checkpoint of the WAL, a
 *   backup (store_sync_log) and closing the store (logout, idle lock);
 * - the interface syncs them at the first pause in the typing
 *   (store_idle, a quarter of a second without a key), where the fsync
 *   delays nobody;
 * - and so that a session without pauses cannot leave a long tail at
 *   risk, the WAL is synced after READ_SYNC_EVERY reads' entries, or
 *   once the oldest unsynced one is READ_SYNC_SECONDS old: a power cut
 *   loses at most that many, that recent.
 *
 * Changes never take this path: tx_begin restores FULL first.  Nor
 * does revealing a sensitive value (student.c), which is rare and
 * deliberate enough to wait for its fsync.
 */
int
tx_begin_read_log(struct store *st, char **cause)
{
	int	rc;

	/* SQLite takes the setting outside a transaction only. */
	if (!st->read_log) {
		if (tx_exec(st, sql_sync_normal) != SQLITE_OK)
			return db_error(st, _("cannot start a change"), cause);
		st->read_log = 1;
	}
	if ((rc = begin(st, cause)) != XJ_OK)
		durable_again(st);
	return rc;
}

int
tx_commit(struct store *st, char **cause)
{
	time_t	now;
	int	rc;

	rc = tx_exec(st, sql_commit);
	if (rc != SQLITE_OK) {
		rc = db_error(st, _("cannot save the change"), cause);
		tx_rollback(st);
		return rc;
	}
	st->in_tx = 0;
	if (!st->read_log) {
		st->unsynced = 0;	/* FULL: synced with the rest */
		return XJ_OK;
	}
	durable_again(st);
	now = time(NULL);
	if (st->unsynced++ == 0)
		st->unsynced_since = now;
	/* The read is logged; should this sync fail, the next one retries. */
	if (st->unsynced >= READ_SYNC_EVERY ||
	    now - st->unsynced_since >= READ_SYNC_SECONDS)
		store_sync_log(st, NULL);
	return XJ_OK;
}

int
tx_read(struct store *st, char **cause)
{
	if (tx_exec(st, sql_begin) != SQLITE_OK)
		return db_error(st, _("cannot read the database"), cause);
	st->in_tx = 1;
	return XJ_OK;
}

void
tx_rollback(struct store *st)
{
	if (st->in_tx)
		tx_exec(st, sql_rollback);
	st->in_tx = 0;
	durable_again(st);
}

int
store_reads_unsynced(const struct store *st)
{
	return st->unsynced;
}

int
store_sync_log(struct store *st, char **cause)
{
	char	*wal;
	int	 fd, rc = XJ_OK;

	/* fsync is of the file, whichever descriptor asks: ours will do. */
	xasprintf(&wal, "%s-wal", st->path);
	if ((fd = open(wal, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			rc = xj_fail(cause, XJ_EIO, _("cannot read %s: %s"),
			    wal, strerror(errno));
	} else {
		if (fdatasync(fd) == -1)
			rc = xj_fail(cause, XJ_EIO, _("cannot write %s: %s"),
			    wal, strerror(errno));
		close(fd);
	}
	free(wal);
	if (rc == XJ_OK)
		st->unsynced = 0;
	return rc;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	size_t	i;

	for (i = 0; i < nitems(st->kept) && st->kept[i].sql != NULL; i++) {
		if (st->kept[i].sql == sql) {
			sqlite3_reset(st->kept[i].stmt);
			return st->kept[i].stmt;
		}
	}
	/* Full: prepared for this call only would leak; a bug of ours. */
	if (i == nitems(st->kept))
		fatal("store_prepare: more than %d kept statements",
		    STORE_KEPT_MAX);
	if (sqlite3_prepare_v2(st->db, sql, -1, &st->kept[i].stmt, NULL) !=
	    SQLITE_OK)
		return NULL;
	st->kept[i].sql = sql;
	return st->kept[i].stmt;
}

void
store_release(sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

char *
dup_or_null(sqlite3_stmt *stmt, int col)
{
	const unsigned char	*v = sqlite3_column_text(stmt, col);

	return v != NULL ? xstrdup((const char *)v) : NULL;
}

int
step_done(struct store *st, sqlite3_stmt *stmt, const char *doing,
    char **cause)
{
	int	rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, doing, cause);
	return XJ_OK;
}

int
store_name_index(const char *const *names, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < n; i++) {
		if (strcmp(names[i], s) == 0)
			return (int)i;
	}
	return -1;
}

long long
query_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt;
	long long	 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Finalise every kept statement (closing, or the schema changing). */
void
store_kept_free(struct store *st)
{
	size_t	i;

	for (i = 0; i < nitems(st->kept); i++) {
		sqlite3_finalize(st->kept[i].stmt);
		st->kept[i].stmt = NULL;
		st->kept[i].sql = NULL;
	}
	audit_stmts_free(&st->audit);
}

int
log_entry(struct store *st, const char *action, const char *target,
    const char *fields, const char *detail, char **cause)
{
	struct audit_entry	e;

	memset(&e, 0, sizeof e);
	e.operator = store_who(st);
	e.action = action;
	e.target = target;
	e.fields = fields;
	e.detail = detail;
	return audit_append_kept(st->db, st->branch, &st->audit, &e, cause);
}

int
log_tail(struct store *st, const char *action, const char *target,
    const char *fields, const char *detail, char **cause)
{
	int	rc;

	if ((rc = log_entry(st, action, target, fields, detail, cause)) ==
	    XJ_OK)
		return tx_commit(st, cause);
	tx_rollback(st);
	return rc;
}

int
log_commit(struct store *st, const char *action, const char *target,
    const char *fields, char *detail, char **cause)
{
	int	rc;

	rc = log_tail(st, action, target, fields, detail, cause);
	free(detail);
	return rc;
}

int
store_log(struct store *st, const char *action, const char *target,
    const char *detail, char **cause)
{
	int	rc;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	return log_tail(st, action, target, NULL, detail, cause);
}

int
store_log_read(struct store *st, const char *action, const char *target,
    const char *detail, char **cause)
{
	int	rc;

	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		return rc;
	return log_tail(st, action, target, NULL, detail, cause);
}

int
store_require(struct store *st, enum perm p, const char *what, char **cause)
{
	char	*detail;

	if (store_may(st, p))
		return XJ_OK;
	xasprintf(&detail, "perm=%s what=%s", perm_name(p), what);
	/* The refusal stands even if it cannot be logged. */
	store_log(st, "access.denied", "", detail, NULL);
	free(detail);
	/* TRANSLATORS: an operator, what was refused ("opening a
	 * record"), then the permission it needs ("open records"). */
	return xj_fail(cause, XJ_EPERM, _("%s may not do this: %s needs the "
	    "permission to %s"), store_who(st), audit_what_words(what),
	    _(perm_table[p].words));
}

int
store_require_any(struct store *st, perm_set also, enum perm p,
    const char *what, char **cause)
{
	if (store_may_any(st, also))
		return XJ_OK;
	return store_require(st, p, what, cause);
}

/*
 * When to copy the WAL back into the database.  A checkpoint writes and
 * syncs up to a thousand pages (milliseconds); left to SQLite, it runs
 * in whichever commit takes the WAL past 1,000 pages, which puts it on
 * one keystroke, record or enrolment in a few hundred.  So commits only
 * note the WAL's size, and the checkpoint waits for a pause
 * (store_idle: the interface calls it when no key has come for a
 * moment; store_close runs one too).  A commit still checkpoints once
 * the WAL is eight times that size: a batch that never pauses cannot
 * let it grow without end.
 */
#define CHECKPOINT_PAGES	1000	/* at a pause */
#define CHECKPOINT_BUSY_PAGES	8000	/* in a commit, without one */

static void
checkpoint_wal(struct store *st)
{
	int	log = 0, done = 0;

	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &log, &done) == SQLITE_OK && done >= log)
		st->wal_pages = 0;	/* all copied: the WAL starts over */
}

static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store	*st = arg;

	(void)db;
	(void)name;
	st->wal_pages = pages;
	if (pages >= CHECKPOINT_BUSY_PAGES)
		checkpoint_wal(st);
	return SQLITE_OK;
}

void
store_idle(struct store *st)
{
	if (st == NULL || st->db == NULL || st->in_tx)
		return;
	/* Should either fail, the next pause, change or close retries. */
	if (st->unsynced > 0)
		store_sync_log(st, NULL);
	/* Who the searches showed, noted off the keystroke (shown.c). */
	seen_catch_up(st, NULL);
	if (st->wal_pages >= CHECKPOINT_PAGES)
		checkpoint_wal(st);
	/* A destruction certified as pending: finish it when we can. */
	store_destroy_finish(st, 0, NULL);
}

int
store_wal_pages(const struct store *st)
{
	return st->wal_pages;
}

static int
open_handle(const char *path, int flags, struct store **out, char **cause)
{
	struct store	*st;

	st = xcalloc(1, sizeof *st);
	st->held_fd = -1;
	st->path = xstrdup(path);
	if (store_db_open(path, &st->db, flags | SQLITE_OPEN_NOMUTEX) !=
	    SQLITE_OK) {
		xj_fail(cause, XJ_EIO, _("cannot open %s: %s"), path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : "");
		store_close(st);
		return XJ_EIO;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_wal_hook(st->db, wal_hook, st);
	*out = st;
	return XJ_OK;
}

static int
key_handle(struct store *st, const unsigned char key[DB_KEY_BYTES],
    char **cause)
{
	return store_key_db(st->db, key, STORE_FORMAT_4, cause);
}

int
store_create(const char *path, const unsigned char key[DB_KEY_BYTES],
    const char *branch, char **cause)
{
	struct store	*st;
	struct audit_entry e;
	int		 rc, fd;

	/*
	 * The file is ours to create, not SQLite's: SQLite would make it
	 * 0644 less the umask, leaving a shared directory's group without
	 * write.  0660 less the umask is the group's in a shared directory
	 * (umask 007) and ours alone otherwise (077); the -wal and -shm
	 * files take its mode.  O_EXCL: never over an existing branch, or
	 * through a link planted in its place.
	 */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0660);
	if (fd == -1 && errno == EEXIST)
		return xj_fail(cause, XJ_EUNAVAIL, _("%s already exists; "
		    "refusing to overwrite a branch"), path);
	if (fd == -1)
		return xj_fail(cause, XJ_EIO, _("cannot create %s: %s"), path,
		    strerror(errno));
	close(fd);
	if ((rc = open_handle(path, SQLITE_OPEN_READWRITE, &st,
	    cause)) != XJ_OK) {
		unlink(path);
		return rc;
	}
	st->branch = xstrdup(branch);
	if ((rc = key_handle(st, key, cause)) != XJ_OK)
		goto fail;
	if ((rc = store_configure(st, cause)) != XJ_OK ||
	    (rc = store_migrate(st, cause)) != XJ_OK)
		goto fail;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		goto fail;
	if ((rc = store_meta_set(st, "branch", branch, cause)) != XJ_OK ||
	    (rc = store_meta_set(st, "search_terms", SEARCH_VERSION_TEXT,
	    cause)) != XJ_OK)
		goto fail_tx;
	memset(&e, 0, sizeof e);
	e.operator = "-";
	e.action = "branch.create";
	e.target = branch;
	if ((rc = audit_append(st->db, branch, &e, cause)) != XJ_OK)
		goto fail_tx;
	if ((rc = tx_commit(st, cause)) != XJ_OK)
		goto fail;
	store_close(st);
	return XJ_OK;

fail_tx:
	tx_rollback(st);
fail:
	store_close(st);
	unlink(path);
	return rc;
}

int
store_open(const char *path, const unsigned char key[DB_KEY_BYTES],
    const unsigned char *next, const char *branch, int *used_next,
    struct store **out, char **cause)
{
	struct store	*st;
	char		*have = NULL, *why = NULL;
	int		 rc, version;

	if (!xj_exists(path))
		return xj_fail(cause, XJ_ENOINPUT, _("%s: no branch database "
		    "here; create one with xueji init"), path);
	if ((rc = open_handle(path, SQLITE_OPEN_READWRITE, &st, cause)) != 0)
		return rc;
	*used_next = 0;
	if ((rc = key_handle(st, key, &why)) != XJ_OK) {
		/* A key change may have stopped between its two steps. */
		store_close(st);
		if (rc == XJ_EDATA && next != NULL) {
			if ((rc = open_handle(path, SQLITE_OPEN_READWRITE, &st,
			    cause)) != XJ_OK) {
				free(why);
				return rc;
			}
			free(why);
			why = NULL;
			if ((rc = key_handle(st, next, &why)) != XJ_OK)
				store_close(st);
		}
		if (rc == XJ_EDATA) {
			free(why);
			return xj_fail(cause, XJ_EDATA, _("%s: the key does "
			    "not open this database (damaged, or another "
			    "branch's key slots)"), path);
		}
		if (rc != XJ_OK) {
			if (cause != NULL)
				*cause = why;
			else
				free(why);
			return rc;
		}
		*used_next = 1;
	}
	/*
	 * Only store_create starts from schema 0: here an empty file is a
	 * truncated database, and migrating would build over what is left.
	 */
	if (store_user_version(st, &version) != 0 || version == 0) {
		rc = xj_fail(cause, XJ_EDATA, _("%s: the database is damaged "
		    "or not ours; verify the branch"), path);
		goto fail;
	}
	if ((rc = store_configure(st, cause)) != XJ_OK ||
	    (rc = store_migrate(st, cause)) != XJ_OK)
		goto fail;
	if (store_meta_get(st, "branch", &have) != 1 || strcmp(have, branch) != 0) {
		/* No branch at all is an unreadable page, not another branch. */
		if (have == NULL)
			rc = xj_fail(cause, XJ_EDATA, _("%s: the database is "
			    "damaged or not ours; verify the branch"), path);
		else
			rc = xj_fail(cause, XJ_EDATA, _("%s belongs to branch "
			    "%s, not %s"), path, have, branch);
		goto fail;
	}
	free(have);
	st->branch = xstrdup(branch);
	/* A destruction left pending by a reader elsewhere is finished at
	 * the next open that finds the WAL free. */
	st->erase_polled = -1;
	store_destroy_finish(st, 0, NULL);
	*out = st;
	return XJ_OK;
fail:
	free(have);
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	tx_rollback(st);
	/*
	 * A destruction's checkpoint may have been held back by a reader;
	 * every close tries again, so old pages do not linger in the WAL.
	 */
	store_kept_free(st);
	/*
	 * Logging out (or the idle lock) leaves every read's entry on disk:
	 * the checkpoint below cannot always run while others read.
	 */
	if (st->db != NULL && st->unsynced)
		store_sync_log(st, NULL);
	if (st->db != NULL && st->branch != NULL)
		sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL,
		    NULL, NULL);
	if (st->db != NULL)
		sqlite3_close_v2(st->db);
	free(st->find.numbers);
	store_sensitivity_free(st);
	free(st->path);
	free(st->branch);
	free(st);
}

void
store_bind(struct store *st, const struct config *cfg,
    const struct form_spec *form, const struct operator *op)
{
	st->cfg = cfg;
	st->form = form;
	st->op = op;
	/* What one operator was shown covers nothing for another. */
	free(st->find.numbers);
	memset(&st->find, 0, sizeof st->find);
	store_sensitivity_load(st);
}

