/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Opening the encrypted database, its schema, transactions and the
 * policy gate.  The student operations are in student.c.
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
#include "store-int.h"

/* meta search_terms: the SEARCH_TERMS_VERSION of the branch's terms. */
#define SEARCH_VERSION_TEXT	XJ_STR(SEARCH_TERMS_VERSION)
#define XJ_STR(x)		XJ_STR_(x)
#define XJ_STR_(x)		#x

#define BUSY_RETRIES	3

/*
 * Numbered migrations.  Never edit one that has shipped; add the next.
 * Index i takes user_version from i to i + 1.
 */
static const char migration_1[] =
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE student ("
	"  id             INTEGER PRIMARY KEY,"
	"  number         TEXT NOT NULL UNIQUE,"
	"  status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN"
	"                 ('active', 'completed', 'withdrawn', 'destroyed')),"
	"  enrolled_at    INTEGER NOT NULL,"
	"  enrolled_by    TEXT NOT NULL,"
	"  consent_method TEXT,"
	"  consent_at     INTEGER"
	");"
	"CREATE INDEX student_status ON student(status, number);"
	/* Values by form key, so a branch adds a field without a migration. */
	"CREATE TABLE field ("
	"  student INTEGER NOT NULL REFERENCES student(id),"
	"  key     TEXT NOT NULL,"
	"  value   TEXT NOT NULL,"
	"  PRIMARY KEY (student, key)"
	") WITHOUT ROWID;"
	"CREATE INDEX field_value ON field(key, value);"
	/* Search terms: \"n:<name>\", \"t:<phone tail>\"; prefix-searchable. */
	"CREATE TABLE search ("
	"  term    TEXT NOT NULL,"
	"  student INTEGER NOT NULL REFERENCES student(id),"
	"  PRIMARY KEY (term, student)"
	") WITHOUT ROWID;"
	/* The last sequence number handed out per scope: never reused. */
	"CREATE TABLE number_seq ("
	"  scope INTEGER PRIMARY KEY,"
	"  last  INTEGER NOT NULL"
	");";

/*
 * Requests and field history.  The CHECK on decided_by is the four-eyes
 * rule written into the schema: no code path, and no setting, can let
 * the requester decide.
 */
static const char migration_2[] =
	"CREATE TABLE request ("
	"  id             INTEGER PRIMARY KEY,"
	"  kind           TEXT NOT NULL CHECK (kind IN"
	"                 ('change', 'status', 'destroy')),"
	"  student        INTEGER NOT NULL REFERENCES student(id),"
	"  state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
	"                 ('pending', 'approved', 'rejected', 'withdrawn')),"
	"  reason         TEXT NOT NULL,"
	"  evidence       TEXT NOT NULL DEFAULT '',"
	"  requested_by   TEXT NOT NULL,"
	"  requested_at   INTEGER NOT NULL,"
	"  decided_by     TEXT,"
	"  decided_at     INTEGER,"
	"  note           TEXT,"
	"  confirmed_by   TEXT,"
	"  confirmed_at   INTEGER,"
	"  confirm_method TEXT,"
	"  CHECK (decided_by IS NULL OR decided_by != requested_by)"
	");"
	"CREATE INDEX request_state ON request(state, requested_at);"
	"CREATE INDEX request_student ON request(student, state);"
	"CREATE TABLE request_field ("
	"  request INTEGER NOT NULL REFERENCES request(id),"
	"  key     TEXT NOT NULL,"
	"  old     TEXT NOT NULL,"
	"  new     TEXT NOT NULL,"
	"  PRIMARY KEY (request, key)"
	") WITHOUT ROWID;"
	"CREATE TABLE field_history ("
	"  id      INTEGER PRIMARY KEY,"
	"  student INTEGER NOT NULL REFERENCES student(id),"
	"  key     TEXT NOT NULL,"
	"  value   TEXT NOT NULL,"
	"  at      INTEGER NOT NULL,"
	"  request INTEGER REFERENCES request(id)"
	");"
	"CREATE INDEX field_history_student ON field_history(student, id);"
	"CREATE INDEX search_student ON search(student);"
	"INSERT INTO field_history (student, key, value, at)"
	"  SELECT f.student, f.key, f.value, s.enrolled_at"
	"  FROM field f JOIN student s ON s.id = f.student;";

/*
 * Archive status, reviews, retention and destruction.  A destruction
 * record holds no personal data and is never deleted: it is what is left
 * to show that, when, why and by whom a child's data were destroyed.
 */
static const char migration_3[] =
	"ALTER TABLE student ADD COLUMN status_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE student ADD COLUMN next_review INTEGER NOT NULL DEFAULT 0;"
	"UPDATE student SET status_at = enrolled_at,"
	"  next_review = enrolled_at + 91 * 86400;"
	"CREATE INDEX student_review ON student(next_review)"
	"  WHERE status != 'destroyed';"
	"ALTER TABLE request ADD COLUMN new_status TEXT;"
	"ALTER TABLE request ADD COLUMN reason_code TEXT;"
	"CREATE TABLE status_change ("
	"  id      INTEGER PRIMARY KEY,"
	"  student INTEGER NOT NULL REFERENCES student(id),"
	"  old     TEXT NOT NULL,"
	"  new     TEXT NOT NULL,"
	"  at      INTEGER NOT NULL,"
	"  by      TEXT NOT NULL,"
	"  reason  TEXT NOT NULL,"
	"  request INTEGER REFERENCES request(id)"
	");"
	"CREATE INDEX status_change_student ON status_change(student, id);"
	"CREATE TABLE destruction ("
	"  id             INTEGER PRIMARY KEY,"
	"  number         TEXT NOT NULL UNIQUE,"
	"  reason         TEXT NOT NULL CHECK (reason IN"
	"                 ('guardian-request', 'retention-ended', 'withdrawal')),"
	"  request        INTEGER NOT NULL,"
	"  requested_by   TEXT NOT NULL,"
	"  requested_at   INTEGER NOT NULL,"
	"  approved_by    TEXT NOT NULL,"
	"  approved_at    INTEGER NOT NULL,"
	"  executed_at    INTEGER NOT NULL,"
	"  method         TEXT NOT NULL,"
	"  backup_expires INTEGER NOT NULL,"
	"  CHECK (approved_by != requested_by)"
	");"
	"CREATE TRIGGER destruction_no_update BEFORE UPDATE ON destruction"
	" BEGIN SELECT RAISE(ABORT, 'destruction records are kept as made');"
	" END;"
	"CREATE TRIGGER destruction_no_delete BEFORE DELETE ON destruction"
	" BEGIN SELECT RAISE(ABORT, 'destruction records are kept forever');"
	" END;";

/*
 * Exports with their purpose, kept out of the chained log (which a
 * destruction can never clean); and an index for the log by time, which
 * the auditor's date filters and the access analysis read by (until
 * migration 9).
 */
static const char migration_4[] =
	"CREATE TABLE export_log ("
	"  id       INTEGER PRIMARY KEY,"
	"  at       INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  status   TEXT NOT NULL,"
	"  encoding TEXT NOT NULL,"
	"  rows     INTEGER NOT NULL,"
	"  purpose  TEXT NOT NULL"
	");"
	"CREATE INDEX audit_at ON audit(at, seq);";

/*
 * The register of guardians' requests (guardian.c).  summary and
 * response are personal data, emptied by a destruction; the row stays.
 */
static const char migration_5[] =
	"CREATE TABLE guardian_request ("
	"  id           INTEGER PRIMARY KEY,"
	"  kind         TEXT NOT NULL CHECK (kind IN"
	"               ('access', 'correction', 'deletion', 'complaint')),"
	"  student      INTEGER NOT NULL REFERENCES student(id),"
	"  channel      TEXT NOT NULL CHECK (channel IN"
	"               ('phone', 'in-person', 'message', 'letter', 'email')),"
	"  received_at  INTEGER NOT NULL,"
	"  due_at       INTEGER NOT NULL,"
	"  summary      TEXT NOT NULL,"
	"  state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN"
	"               ('open', 'closed')),"
	"  request      INTEGER REFERENCES request(id),"
	"  outcome      TEXT CHECK (outcome IN"
	"               ('answered', 'approved', 'rejected')),"
	"  response     TEXT NOT NULL DEFAULT '',"
	"  filed_by     TEXT NOT NULL,"
	"  filed_at     INTEGER NOT NULL,"
	"  closed_by    TEXT,"
	"  closed_at    INTEGER,"
	"  responded_by TEXT,"
	"  responded_at INTEGER,"
	"  CHECK ((state = 'open') = (outcome IS NULL))"
	");"
	"CREATE INDEX guardian_request_state ON guardian_request(state, due_at);"
	"CREATE INDEX guardian_request_student ON guardian_request(student);"
	"CREATE INDEX guardian_request_link ON guardian_request(request)"
	"  WHERE request IS NOT NULL;";

/*
 * The duplicate check by index seek (student.c, dup_key): "b:" terms
 * hold the name and birth month, "g:" the name and guardian phone.
 * field_value served that check alone, walking every namesake; it goes,
 * and each enrolment writes four random index pages fewer.
 */
static const char migration_6[] =
	"INSERT OR IGNORE INTO search (term, student)"
	"  SELECT 'b:' || n.value || ' ' || b.value, n.student"
	"  FROM field n JOIN field b ON b.student = n.student"
	"  AND b.key = 'birth_month' WHERE n.key = 'name';"
	"INSERT OR IGNORE INTO search (term, student)"
	"  SELECT 'g:' || n.value || ' ' || p.value, n.student"
	"  FROM field n JOIN field p ON p.student = n.student"
	"  AND p.key = 'guardian_phone' WHERE n.key = 'name';"
	"DROP INDEX field_value;";

/*
 * The log browser's two slow filters (audit.c, audit_each).
 *
 * audit_run: where the log's clock stepped back, so that a date window
 * is a few ranges of seq (see struct run_check in audit.c).  Derived
 * data outside the chain: audit_append keeps it (not a trigger, which
 * would give every insert a statement journal: +30 µs an entry), it is
 * filled here once from the log as it is, and audit_verify checks it.
 *
 * audit_request: the entries naming a request (request=N in the
 * detail), by that number; audit.c's REQUEST_ID is the same expression.
 */
static const char migration_7[] =
	"CREATE TABLE audit_run ("
	"  start    INTEGER PRIMARY KEY,"
	"  first_at INTEGER NOT NULL,"
	"  last_at  INTEGER"
	");"
	AUDIT_RUNS_FILL_SQL
	"CREATE INDEX audit_request ON audit(CAST(substr(detail,"
	"  instr(' ' || detail, ' request=') + 8) AS INTEGER), seq)"
	"  WHERE instr(' ' || detail, ' request=') > 0;";

/*
 * audit_target holds only the entries that name a target.  A search, a
 * page of the log or a login names none, and each of them wrote a page
 * of this index at the end of the '' range: one page in five that such
 * an entry's commit encrypts and writes.  Queries by target say
 * "target != ''" so that SQLite may use the partial index.
 */
static const char migration_8[] =
	"DROP INDEX audit_target;"
	"CREATE INDEX audit_target ON audit(target, seq) WHERE target != '';";

/*
 * audit_at goes: the date filters walk runs of seq (audit_run), and the
 * access analysis, its last reader, now reads its window the same way.
 * Every entry wrote a page of it: one of the five or so pages a search
 * keystroke's or a record's entry writes.
 */
static const char migration_9[] =
	"DROP INDEX audit_at;";

/*
 * A destruction is certified only once nothing remains: erased_at is
 * when the WAL was seen truncated after it (NULL: physical erasure
 * pending, destroy.c).  It is the one column that may change, once;
 * earlier records were certified when they were made.
 */
static const char migration_10[] =
	"ALTER TABLE destruction ADD COLUMN erased_at INTEGER;"
	"DROP TRIGGER destruction_no_update;"
	"UPDATE destruction SET erased_at = executed_at;"
	"CREATE TRIGGER destruction_no_update BEFORE UPDATE OF id, number,"
	"  reason, request, requested_by, requested_at, approved_by,"
	"  approved_at, executed_at, method, backup_expires ON destruction"
	" BEGIN SELECT RAISE(ABORT, 'destruction records are kept as made');"
	" END;"
	"CREATE TRIGGER destruction_erased_once BEFORE UPDATE OF erased_at"
	"  ON destruction WHEN old.erased_at IS NOT NULL"
	" BEGIN SELECT RAISE(ABORT, 'destruction records are kept as made');"
	" END;"
	"CREATE INDEX destruction_pending ON destruction(id)"
	"  WHERE erased_at IS NULL;";

/*
 * Sensitivity belongs to the stored values, not to today's form: a key
 * here stays sensitive whatever a later form says (student.c,
 * store_field_sensitive).  store_bind adds every key the current form
 * marks sensitive, so values held before this migration take the
 * sensitivity of the form they are read with first.
 */
static const char migration_11[] =
	"CREATE TABLE field_sensitivity ("
	"  key   TEXT PRIMARY KEY,"
	"  since INTEGER NOT NULL"
	") WITHOUT ROWID;";

/*
 * The lifecycle (lifecycle.c): a request may be closed by its record's
 * destruction (closed_by names the destruction request), and its
 * requester acknowledges a decision (seen_at) so that "my requests"
 * shows each decision until then.  A guardian's request the destruction
 * ended has the outcome "destroyed".  CHECK constraints cannot be
 * altered: both tables are rebuilt, with foreign keys off (migrate),
 * and every decision already taken counts as seen.
 */
static const char migration_12[] =
	"CREATE TABLE request_new ("
	"  id             INTEGER PRIMARY KEY,"
	"  kind           TEXT NOT NULL CHECK (kind IN"
	"                 ('change', 'status', 'destroy')),"
	"  student        INTEGER NOT NULL REFERENCES student(id),"
	"  state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
	"                 ('pending', 'approved', 'rejected', 'withdrawn',"
	"                  'closed')),"
	"  reason         TEXT NOT NULL,"
	"  evidence       TEXT NOT NULL DEFAULT '',"
	"  requested_by   TEXT NOT NULL,"
	"  requested_at   INTEGER NOT NULL,"
	"  decided_by     TEXT,"
	"  decided_at     INTEGER,"
	"  note           TEXT,"
	"  confirmed_by   TEXT,"
	"  confirmed_at   INTEGER,"
	"  confirm_method TEXT,"
	"  new_status     TEXT,"
	"  reason_code    TEXT,"
	"  closed_by      INTEGER REFERENCES request(id),"
	"  closed_at      INTEGER,"
	"  seen_at        INTEGER,"
	"  CHECK (decided_by IS NULL OR decided_by != requested_by),"
	"  CHECK ((state = 'closed') = (closed_by IS NOT NULL))"
	");"
	"INSERT INTO request_new (id, kind, student, state, reason, evidence,"
	"  requested_by, requested_at, decided_by, decided_at, note,"
	"  confirmed_by, confirmed_at, confirm_method, new_status, reason_code,"
	"  seen_at)"
	"  SELECT id, kind, student, state, reason, evidence, requested_by,"
	"  requested_at, decided_by, decided_at, note, confirmed_by,"
	"  confirmed_at, confirm_method, new_status, reason_code,"
	"  CASE state WHEN 'pending' THEN NULL ELSE coalesce(decided_at,"
	"  requested_at) END FROM request;"
	"DROP TABLE request;"
	"ALTER TABLE request_new RENAME TO request;"
	"CREATE INDEX request_state ON request(state, requested_at);"
	"CREATE INDEX request_student ON request(student, state);"
	"CREATE INDEX request_mine ON request(requested_by, state)"
	"  WHERE seen_at IS NULL;"
	"CREATE TABLE guardian_request_new ("
	"  id           INTEGER PRIMARY KEY,"
	"  kind         TEXT NOT NULL CHECK (kind IN"
	"               ('access', 'correction', 'deletion', 'complaint')),"
	"  student      INTEGER NOT NULL REFERENCES student(id),"
	"  channel      TEXT NOT NULL CHECK (channel IN"
	"               ('phone', 'in-person', 'message', 'letter', 'email')),"
	"  received_at  INTEGER NOT NULL,"
	"  due_at       INTEGER NOT NULL,"
	"  summary      TEXT NOT NULL,"
	"  state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN"
	"               ('open', 'closed')),"
	"  request      INTEGER REFERENCES request(id),"
	"  outcome      TEXT CHECK (outcome IN"
	"               ('answered', 'approved', 'rejected', 'destroyed')),"
	"  response     TEXT NOT NULL DEFAULT '',"
	"  filed_by     TEXT NOT NULL,"
	"  filed_at     INTEGER NOT NULL,"
	"  closed_by    TEXT,"
	"  closed_at    INTEGER,"
	"  responded_by TEXT,"
	"  responded_at INTEGER,"
	"  CHECK ((state = 'open') = (outcome IS NULL))"
	");"
	"INSERT INTO guardian_request_new SELECT id, kind, student, channel,"
	"  received_at, due_at, summary, state, request, outcome, response,"
	"  filed_by, filed_at, closed_by, closed_at, responded_by, responded_at"
	"  FROM guardian_request;"
	"DROP TABLE guardian_request;"
	"ALTER TABLE guardian_request_new RENAME TO guardian_request;"
	"CREATE INDEX guardian_request_state ON guardian_request(state, due_at);"
	"CREATE INDEX guardian_request_student ON guardian_request(student);"
	"CREATE INDEX guardian_request_link ON guardian_request(request)"
	"  WHERE request IS NOT NULL;";

/*
 * Who saw this child: the students each search listed, by number, for
 * the log's student filter (audit.h, AUDIT_SEEN_SQL).  A new database
 * has the table from audit_schema_sql already.
 */
static const char migration_13[] =
	AUDIT_SEEN_SQL
	AUDIT_SEEN_FILL_SQL;

static const char *const migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
	migration_6,
	migration_7,
	migration_8,
	migration_9,
	migration_10,
	migration_11,
	migration_12,
	migration_13,
};
const int store_schema_version = (int)nitems(migrations);

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
		    "or not ours; run xueji verify"), doing);
	default:
		return xj_fail(cause, XJ_EIO, _("%s: database error (%s)"),
		    doing, sqlite3_errmsg(st->db));
	}
}

static int
exec(struct store *st, const char *sql, const char *doing, char **cause)
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

static int
durable_again(struct store *st)
{
	if (!st->read_log)
		return SQLITE_OK;
	if (sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	st->read_log = 0;
	return SQLITE_OK;
}

static int
begin(struct store *st, char **cause)
{
	int	i, rc = SQLITE_OK;

	for (i = 0; i < BUSY_RETRIES; i++) {
		rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
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
		if (sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL,
		    NULL, NULL) != SQLITE_OK)
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

	rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
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
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(st, _("cannot read the database"), cause);
	st->in_tx = 1;
	return XJ_OK;
}

void
tx_rollback(struct store *st)
{
	if (st->in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
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
store_name_index(const char *const *names, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < n; i++) {
		if (strcmp(names[i], s) == 0)
			return (int)i;
	}
	return -1;
}

/* Finalise every kept statement (closing, or the schema changing). */
static void
kept_free(struct store *st)
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
log_commit(struct store *st, const char *action, const char *target,
    const char *fields, char *detail, char **cause)
{
	int	rc;

	rc = log_entry(st, action, target, fields, detail, cause);
	free(detail);
	if (rc == XJ_OK)
		return tx_commit(st, cause);
	tx_rollback(st);
	return rc;
}

int
store_log(struct store *st, const char *action, const char *target,
    const char *detail, char **cause)
{
	int	rc;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = log_entry(st, action, target, NULL, detail, cause)) != 0) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
}

int
store_log_read(struct store *st, const char *action, const char *target,
    const char *detail, char **cause)
{
	int	rc;

	if ((rc = tx_begin_read_log(st, cause)) != XJ_OK)
		return rc;
	if ((rc = log_entry(st, action, target, NULL, detail, cause)) != 0) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
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
	return xj_fail(cause, XJ_EPERM, _("%s may not do this (%s needs the "
	    "permission %s)"), store_who(st), what, perm_name(p));
}

/* Whether PRAGMA name on db reads back as want (case aside). */
static int
pragma_is(sqlite3 *db, const char *name, const char *want)
{
	sqlite3_stmt	*stmt;
	char		*sql;
	int		 ok = 0;

	xasprintf(&sql, "PRAGMA %s", name);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW &&
		    sqlite3_column_text(stmt, 0) != NULL)
			ok = strcasecmp((const char *)
			    sqlite3_column_text(stmt, 0), want) == 0;
		sqlite3_finalize(stmt);
	}
	free(sql);
	return ok;
}

/* Read back one pragma and compare with what was asked for. */
static int
check_pragma(sqlite3 *db, const char *name, const char *want, char **cause)
{
	if (!pragma_is(db, name, want))
		return xj_fail(cause, XJ_EUNAVAIL, _("the database setting %s "
		    "did not take effect (wanted %s); refusing to run"), name,
		    want);
	return XJ_OK;
}

static int
set_key(sqlite3 *db, const unsigned char key[DB_KEY_BYTES])
{
	char	 hex[2 * 32 + 1], *sql;
	int	 rc;

	xj_hex(key, 32, hex);
	xasprintf(&sql, "PRAGMA key = \"x'%s'\"", hex);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(sql, strlen(sql));
	free(sql);
	return rc;
}

/* Whether the key opens the file: the first read decrypts page 1. */
static int
key_works(sqlite3 *db)
{
	return sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL,
	    NULL, NULL) == SQLITE_OK;
}

/*
 * The cipher settings of each format a branch's file may be in.  This
 * version writes STORE_FORMAT_4 only; the others are read to upgrade
 * them (upgrade.c).
 *
 * The page HMAC is SHA-256, not 4.x's default SHA-512: every page read
 * is checked, and at 400,000 rows an index scan took 13 % and PRAGMA
 * cipher_integrity_check 23 % less CPU with it (xueji(7), ENGINE),
 * which is 3.x's speed back; a 256-bit HMAC key and tag are as strong
 * as the AES-256 key they sit beside.  The KDF settings are read back
 * only to show they are the library's: a raw key ("x'...'") is the
 * AES key itself and never goes through the KDF, so neither its
 * algorithm nor its iterations apply (the passphrase's KDF is
 * Argon2id, in the key slots).
 */
static const struct {
	const char	*compat, *hmac, *kdf;
} formats[] = {
	[STORE_FORMAT_4] = { "4", "HMAC_SHA256", "PBKDF2_HMAC_SHA512" },
	[STORE_FORMAT_4_SHA512] = { "4", "HMAC_SHA512",
	    "PBKDF2_HMAC_SHA512" },
	/* xueji up to 0.1 on SQLCipher 3.4.1: its defaults, 4 KiB pages. */
	[STORE_FORMAT_3] = { "3", "HMAC_SHA1", "PBKDF2_HMAC_SHA1" },
};

const char *
store_format_name(enum store_format f)
{
	static const char *const names[] = {
		[STORE_FORMAT_4] = "sqlcipher4-sha256",
		[STORE_FORMAT_4_SHA512] = "sqlcipher4-sha512",
		[STORE_FORMAT_3] = "sqlcipher3",
	};

	return names[f];
}

/* Read back f's cipher settings of schema (NULL: main) on db. */
static int
check_cipher(sqlite3 *db, const char *schema, enum store_format f,
    char **cause)
{
	const struct {
		const char	*name, *want;
	} back[] = {
		{ "cipher_page_size", "4096" },
		{ "cipher_hmac_algorithm", formats[f].hmac },
		{ "cipher_kdf_algorithm", formats[f].kdf },
		{ "cipher_use_hmac", "1" },
		{ "cipher_plaintext_header_size", "0" },
	};
	char	*name;
	size_t	 i;
	int	 rc = XJ_OK;

	for (i = 0; rc == XJ_OK && i < nitems(back); i++) {
		xasprintf(&name, "%s%s%s", schema != NULL ? schema : "",
		    schema != NULL ? "." : "", back[i].name);
		rc = check_pragma(db, name, back[i].want, cause);
		free(name);
	}
	return rc;
}

/* SQLCipher 4.6 or later, or refuse to run (once per process). */
static int
engine_ok(sqlite3 *db, char **cause)
{
	static int	 checked;
	sqlite3_stmt	*stmt;
	const char	*v = NULL;
	int		 major = 0, minor = 0, rc = XJ_OK;

	if (checked)
		return XJ_OK;
	if (sqlite3_prepare_v2(db, "PRAGMA cipher_version", -1, &stmt,
	    NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("the SQLite library "
		    "is not SQLCipher; refusing to run"));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = (const char *)sqlite3_column_text(stmt, 0);
	if (v == NULL || sscanf(v, "%d.%d", &major, &minor) != 2 ||
	    major < 4 || (major == 4 && minor < 6))
		rc = xj_fail(cause, XJ_EUNAVAIL, _("SQLCipher %s is older than "
		    "4.6; refusing to run"), v != NULL ? v : "?");
	sqlite3_finalize(stmt);
	checked = rc == XJ_OK;
	return rc;
}

int
store_key_db(sqlite3 *db, const unsigned char key[DB_KEY_BYTES], enum store_format f,
    char **cause)
{
	char	*sql;
	int	 rc;

	/* The key first: it starts the library, which resets its logging. */
	if (set_key(db, key) != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot key the database: %s"),
		    sqlite3_errmsg(db));
	if ((rc = engine_ok(db, cause)) != XJ_OK)
		return rc;
	/*
	 * No library line on stderr, ever: a page that fails its HMAC is
	 * our error to report, not a line painted over the screen.
	 */
	if (sqlite3_exec(db, "PRAGMA cipher_log_level = NONE", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    (rc = check_pragma(db, "cipher_log_level", "NONE", cause)) != 0)
		return rc != XJ_OK ? rc : xj_fail(cause, XJ_EUNAVAIL, "%s",
		    _("cannot silence the SQLCipher library; refusing to "
		    "run"));
	/*
	 * Memory security off, read back: it would wipe and mlock(2) every
	 * allocation SQLite makes, process-wide and for good once on.
	 * Measured here (4.6.1, CPU time): a commit 3.5 times, a prepared
	 * lookup 16 times and the audit-scale test 4 times as costly, with
	 * the test suite past its timeouts.  SQLCipher wipes its own keys
	 * and page buffers either way, core dumps are off and ptrace is
	 * refused (xueji(7), ENGINE).
	 */
	sqlite3_exec(db, "PRAGMA cipher_memory_security = OFF", NULL, NULL,
	    NULL);
	if ((rc = check_pragma(db, "cipher_memory_security", "0", cause)) != 0)
		return rc;
	xasprintf(&sql, "PRAGMA cipher_compatibility = %s; "
	    "PRAGMA cipher_page_size = 4096; "
	    "PRAGMA cipher_hmac_algorithm = %s", formats[f].compat,
	    formats[f].hmac);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return xj_fail(cause, XJ_EUNAVAIL, _("cannot set the cipher: "
		    "%s"), sqlite3_errmsg(db));
	if ((rc = check_cipher(db, NULL, f, cause)) != XJ_OK)
		return rc;
	if (!key_works(db))
		return xj_fail(cause, XJ_EDATA, "%s", _("the key does not open "
		    "this database"));
	return XJ_OK;
}

int
store_key_attached(sqlite3 *db, const char *path, const char *schema,
    const unsigned char key[DB_KEY_BYTES], enum store_format f, char **cause)
{
	sqlite3_stmt	*stmt;
	char		 hex[2 * 32 + 1], *sql;
	int		 rc;

	xj_hex(key, 32, hex);
	xasprintf(&sql, "ATTACH ? AS %s KEY \"x'%s'\"", schema, hex);
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(sql, strlen(sql));
	free(sql);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_finalize(stmt);
	}
	if (rc != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot open %s: %s"), path,
		    sqlite3_errmsg(db));
	/* An attached file starts from the library's defaults: set all. */
	xasprintf(&sql, "PRAGMA %s.cipher_compatibility = %s; "
	    "PRAGMA %s.cipher_page_size = 4096; "
	    "PRAGMA %s.cipher_hmac_algorithm = %s", schema, formats[f].compat,
	    schema, schema, formats[f].hmac);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return xj_fail(cause, XJ_EUNAVAIL, _("cannot set the cipher: "
		    "%s"), sqlite3_errmsg(db));
	return check_cipher(db, schema, f, cause);
}

int
store_engine(char **sqlcipher, const char **sqlite)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	const char	*v;

	*sqlcipher = NULL;
	*sqlite = sqlite3_libversion();
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA cipher_version", -1,
	    &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW &&
		    (v = (const char *)sqlite3_column_text(stmt, 0)) != NULL)
			*sqlcipher = xstrdup(v);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return *sqlcipher != NULL ? XJ_OK : XJ_EUNAVAIL;
}

/* The pragmas of the design, each read back. */
static int
configure(struct store *st, char **cause)
{
	static const struct {
		const char	*set, *name, *want;
	} pragmas[] = {
		{ "PRAGMA journal_mode = WAL", "journal_mode", "wal" },
		{ "PRAGMA synchronous = FULL", "synchronous", "2" },
		{ "PRAGMA temp_store = MEMORY", "temp_store", "2" },
		{ "PRAGMA secure_delete = ON", "secure_delete", "1" },
		{ "PRAGMA foreign_keys = ON", "foreign_keys", "1" },
		{ "PRAGMA cache_size = -" STORE_CACHE_KIB, "cache_size",
		  "-" STORE_CACHE_KIB },
	};
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;

	for (i = 0; i < nitems(pragmas); i++) {
		/* journal_mode answers with a row; step it through. */
		if (sqlite3_prepare_v2(st->db, pragmas[i].set, -1, &stmt,
		    NULL) != SQLITE_OK)
			return db_error(st, _("cannot open the database"), cause);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE)
			return db_error(st, _("cannot open the database"), cause);
		if ((rc = check_pragma(st->db, pragmas[i].name,
		    pragmas[i].want, cause)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

static int
user_version(struct store *st, int *v)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	*v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int	migrate_tx(struct store *, char **);

static int
migrate(struct store *st, char **cause)
{
	int	rc;

	/*
	 * A statement kept across a change of schema would be re-prepared
	 * by SQLite anyway; drop them so nothing stale is even held.
	 */
	kept_free(st);
	/*
	 * A table is rebuilt by creating its successor, copying, dropping
	 * it and renaming (migration 10): with foreign keys on, the drop
	 * would count every row that refers to it as a violation.  The
	 * pragma is a no-op inside a transaction, so it goes around it.
	 */
	sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	rc = migrate_tx(st, cause);
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return rc;
}

static int
migrate_tx(struct store *st, char **cause)
{
	char	*sql;
	int	 v, rc;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if (user_version(st, &v) != 0) {
		rc = db_error(st, _("cannot read the schema version"), cause);
		goto fail;
	}
	if (v > store_schema_version) {
		rc = xj_fail(cause, XJ_EUNAVAIL, _("the database was written "
		    "by a newer xueji (schema %d, this one knows %d)"), v,
		    store_schema_version);
		goto fail;
	}
	for (; v < store_schema_version; v++) {
		if ((rc = exec(st, migrations[v], _("cannot upgrade the "
		    "database"), cause)) != XJ_OK)
			goto fail;
		if (v == 0 && (rc = exec(st, audit_schema_sql,
		    _("cannot upgrade the database"), cause)) != XJ_OK)
			goto fail;
		xasprintf(&sql, "PRAGMA user_version = %d", v + 1);
		rc = exec(st, sql, _("cannot upgrade the database"), cause);
		free(sql);
		if (rc != XJ_OK)
			goto fail;
	}
	return tx_commit(st, cause);
fail:
	tx_rollback(st);
	return rc;
}

static int
meta_get(struct store *st, const char *key, char **value)
{
	sqlite3_stmt	*stmt;
	int		 found = 0;

	*value = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?",
	    -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*value = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		found = 1;
	}
	sqlite3_finalize(stmt);
	return found;
}

static int
meta_set(struct store *st, const char *key, const char *value, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta (key, "
	    "value) VALUES (?, ?)", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot save a setting"), cause);
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, _("cannot save a setting"), cause);
	return XJ_OK;
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
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
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
key_handle(struct store *st, const unsigned char key[DB_KEY_BYTES], char **cause)
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
	if ((rc = configure(st, cause)) != XJ_OK ||
	    (rc = migrate(st, cause)) != XJ_OK)
		goto fail;
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		goto fail;
	if ((rc = meta_set(st, "branch", branch, cause)) != XJ_OK ||
	    (rc = meta_set(st, "search_terms", SEARCH_VERSION_TEXT,
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
	if (user_version(st, &version) != 0 || version == 0) {
		rc = xj_fail(cause, XJ_EDATA, _("%s: the database is damaged "
		    "or not ours; run xueji verify"), path);
		goto fail;
	}
	if ((rc = configure(st, cause)) != XJ_OK ||
	    (rc = migrate(st, cause)) != XJ_OK)
		goto fail;
	if (meta_get(st, "branch", &have) != 1 || strcmp(have, branch) != 0) {
		/* No branch at all is an unreadable page, not another branch. */
		if (have == NULL)
			rc = xj_fail(cause, XJ_EDATA, _("%s: the database is "
			    "damaged or not ours; run xueji verify"), path);
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
	kept_free(st);
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

struct sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

int
store_search_upgrade(struct store *st, char **cause)
{
	static const char	 ids_sql[] =
	    "SELECT id FROM student WHERE status != 'destroyed'";
	sqlite3_stmt		*ids = NULL;
	char			*have = NULL;
	int			 rc, step;

	if (meta_get(st, "search_terms", &have) == 1 &&
	    strcmp(have, SEARCH_VERSION_TEXT) == 0) {
		free(have);
		return XJ_OK;
	}
	free(have);
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	/* Another terminal may have done it while this one waited. */
	if (meta_get(st, "search_terms", &have) == 1 &&
	    strcmp(have, SEARCH_VERSION_TEXT) == 0) {
		free(have);
		tx_rollback(st);
		return XJ_OK;
	}
	free(have);
	if (sqlite3_prepare_v2(st->db, ids_sql, -1, &ids, NULL) != SQLITE_OK) {
		rc = db_error(st, _("cannot index the record"), cause);
		goto fail;
	}
	rc = XJ_OK;
	while (rc == XJ_OK && (step = sqlite3_step(ids)) == SQLITE_ROW)
		rc = store_reindex(st, sqlite3_column_int64(ids, 0), cause);
	if (rc == XJ_OK && step != SQLITE_DONE)
		rc = db_error(st, _("cannot index the record"), cause);
	sqlite3_finalize(ids);
	ids = NULL;
	if (rc == XJ_OK)
		rc = meta_set(st, "search_terms", SEARCH_VERSION_TEXT, cause);
	if (rc != XJ_OK)
		goto fail;
	return tx_commit(st, cause);
fail:
	sqlite3_finalize(ids);
	tx_rollback(st);
	return rc;
}

/* Log hash under action when it differs from meta key's; XJ_OK if same. */
static int
note_hash(struct store *st, const char *key, const char *action,
    const unsigned char hash[32], char **cause)
{
	char	 hex[2 * 32 + 1], *have = NULL, *detail;
	int	 rc;

	xj_hex(hash, 32, hex);
	if (meta_get(st, key, &have) == 1 && strcmp(have, hex) == 0) {
		free(have);
		return XJ_OK;
	}
	free(have);
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = meta_set(st, key, hex, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	xasprintf(&detail, "blake2b=%s", hex);
	return log_commit(st, action, "", "", detail, cause);
}

int
store_note_policy(struct store *st, const struct policy *pol, char **cause)
{
	int	rc;

	if ((rc = note_hash(st, "roles_hash", "config.roles", pol->hash,
	    cause)) != XJ_OK)
		return rc;
	/* A form decides what each role sees, as the roles do. */
	if (st->form == NULL)
		return XJ_OK;
	return note_hash(st, "forms_hash", "config.forms", st->form->hash,
	    cause);
}

/* Record id's login time (meta login:ID), best effort. */
int
store_note_login(struct store *st, const char *id, char **cause)
{
	char	key[96], now[32];
	int	rc;

	snprintf(key, sizeof key, "login:%s", id);
	snprintf(now, sizeof now, "%lld", (long long)xj_now());
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	if ((rc = meta_set(st, key, now, cause)) != XJ_OK) {
		tx_rollback(st);
		return rc;
	}
	return tx_commit(st, cause);
}

static int
count_entry(const struct audit_entry *e, void *arg)
{
	(void)e;
	(*(long *)arg)++;
	return 0;
}

int
store_operator_activity(struct store *st, const char *id, time_t since,
    time_t *last_login, long *failed, char **cause)
{
	struct audit_filter	 f;
	char			 key[96], *v = NULL;

	*last_login = 0;
	*failed = 0;
	snprintf(key, sizeof key, "login:%s", id);
	if (meta_get(st, key, &v) == 1)
		*last_login = (time_t)strtoll(v, NULL, 10);
	free(v);
	memset(&f, 0, sizeof f);
	f.operator = id;
	f.action = "login.failed";
	f.since = since;
	return audit_each(st->db, &f, count_entry, failed, cause);
}

int
store_rekey(struct store *st, const unsigned char key[DB_KEY_BYTES],
    const unsigned char old_seed[32], const unsigned char new_seed[32],
    char **cause)
{
	char	hex[2 * 32 + 1], *sql, *detail;
	int	rc;

	if ((rc = store_require(st, PERM_OPERATOR_MANAGE, "operator.rotate-key",
	    cause)) != XJ_OK)
		return rc;
	/* Old pages must not linger in the WAL under the old key. */
	if ((rc = exec(st, "PRAGMA wal_checkpoint(TRUNCATE)",
	    _("cannot change the database key"), cause)) != XJ_OK)
		return rc;
	xj_hex(key, DB_KEY_BYTES, hex);
	xasprintf(&sql, "PRAGMA rekey = \"x'%s'\"", hex);
	rc = exec(st, sql, _("cannot change the database key"), cause);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(sql, strlen(sql));
	free(sql);
	if (rc != XJ_OK)
		return rc;
	if ((rc = exec(st, "PRAGMA wal_checkpoint(TRUNCATE)",
	    _("cannot change the database key"), cause)) != XJ_OK)
		return rc;
	/* The old signing key vouches for the new one, up to this entry. */
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	detail = checkpoint_transition(st->branch, store_audit_head(st),
	    old_seed, new_seed);
	return log_commit(st, "operator.rotate-key", "", "", detail, cause);
}

/*
 * PRAGMA cipher_integrity_check: every page of the file, in use or
 * free, decrypted and its HMAC checked, without parsing a row (about a
 * tenth of integrity_check's time).  It answers a row for each page
 * that fails and none when all pass.
 */
int
store_check_pages(sqlite3 *db, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*res;
	char		*first = NULL;
	long		 bad = 0;
	int		 rc;

	if (sqlite3_prepare_v2(db, "PRAGMA cipher_integrity_check", -1, &stmt,
	    NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_TAMPERED, _("page check failed: %s"),
		    sqlite3_errmsg(db));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(stmt, 0);
		if (bad++ == 0)
			first = xstrdup(res != NULL ? res : "?");
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && bad == 0)
		return xj_fail(cause, XJ_TAMPERED, _("page check failed: %s"),
		    sqlite3_errmsg(db));
	if (bad > 0) {
		rc = xj_fail(cause, XJ_TAMPERED, _("page check failed: %s "
		    "(%ld pages in all)"), first, bad);
		free(first);
		return rc;
	}
	return XJ_OK;
}

int
store_verify(struct store *st, int64_t *count, int64_t *bad_seq,
    char **cause)
{
	return store_verify_progress(st, NULL, NULL, count, bad_seq, cause);
}

int
store_verify_progress(struct store *st, void (*progress)(int64_t, void *),
    void *arg, int64_t *count, int64_t *bad_seq, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*res;
	char		*why = NULL;
	int		 rc, ok = 0;

	*bad_seq = 0;
	*count = 0;
	if ((rc = store_require(st, PERM_AUDIT_VERIFY, "verify", cause)) != 0)
		return rc;
	/* Every page's HMAC first, then SQLite's structure. */
	if (store_check_pages(st->db, cause) != XJ_OK)
		goto checked;
	if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &stmt,
	    NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_TAMPERED, _("integrity check failed: "
		    "%s"), sqlite3_errmsg(st->db));
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(stmt, 0);
		ok = res != NULL && strcmp(res, "ok") == 0;
		if (!ok)
			xj_fail(cause, XJ_TAMPERED, _("integrity check failed: "
			    "%s"), res != NULL ? res : "?");
	} else
		xj_fail(cause, XJ_TAMPERED, _("integrity check failed: %s"),
		    sqlite3_errmsg(st->db));
	sqlite3_finalize(stmt);
checked:
	/*
	 * Damage in the log itself is named by the first entry that cannot
	 * be read: the chain walk finds it.  Damage elsewhere stays the
	 * integrity check's finding.  Either way verification has failed
	 * (XJ_TAMPERED): whether a disk or a person altered the file, the
	 * log no longer proves what was done.
	 */
	if (!ok && audit_verify(st->db, st->branch, count, bad_seq, NULL,
	    NULL, &why) == XJ_EDATA) {
		if (cause != NULL) {
			free(*cause);
			*cause = why;
		} else
			free(why);
		return XJ_TAMPERED;
	}
	free(why);
	*bad_seq = 0;
	*count = 0;
	if (!ok)
		return XJ_TAMPERED;
	if ((rc = audit_verify(st->db, st->branch, count, bad_seq, progress,
	    arg, cause)) != XJ_OK)
		return rc;
	/* Verification is itself an action worth a line. */
	return store_log(st, "audit.verify", "", "result=ok", cause);
}

int
store_audit_each(struct store *st, const struct audit_filter *f,
    int (*fn)(const struct audit_entry *, void *), void *arg, char **cause)
{
	int	rc;

	if ((rc = store_require(st, PERM_AUDIT_VIEW, "audit", cause)) != 0)
		return rc;
	if ((rc = store_log_read(st, "audit.view", f->target != NULL ?
	    f->target : "", "", cause)) != XJ_OK)
		return rc;
	return audit_each(st->db, f, fn, arg, cause);
}

static int
make_checkpoint(struct store *st, const unsigned char seed[32], int automatic,
    char **text, int64_t *seq, char **cause)
{
	char	*detail;
	int	 rc;

	*text = NULL;
	if (!automatic && (rc = store_require(st, PERM_CHECKPOINT_WRITE,
	    "checkpoint", cause)) != XJ_OK)
		return rc;
	if ((rc = checkpoint_make(st->db, st->branch, seed, text, seq,
	    cause)) != XJ_OK)
		return rc;
	xasprintf(&detail, "seq=%lld%s", (long long)*seq, automatic ?
	    " automatic=1" : "");
	rc = store_log(st, "audit.checkpoint", "", detail, cause);
	free(detail);
	if (rc != XJ_OK) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

int
store_checkpoint(struct store *st, const unsigned char seed[32], char **text,
    int64_t *seq, char **cause)
{
	return make_checkpoint(st, seed, 0, text, seq, cause);
}

int
store_checkpoint_auto(struct store *st, const unsigned char seed[32],
    char **text, int64_t *seq, char **cause)
{
	return make_checkpoint(st, seed, 1, text, seq, cause);
}

int64_t
store_audit_head(struct store *st)
{
	sqlite3_stmt	*stmt;
	int64_t		 seq = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT max(seq) FROM audit", -1,
	    &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			seq = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	return seq;
}

int
store_verify_checkpoint(struct store *st, const unsigned char seed[32],
    const char *buf, size_t len, int64_t *seq, char **cause)
{
	struct checkpoint	 c;
	unsigned char		 pk[CHECKPOINT_PK_BYTES];
	char			*detail;
	int			 rc;

	*seq = 0;
	if ((rc = store_require(st, PERM_AUDIT_VERIFY, "verify --checkpoint",
	    cause)) != XJ_OK)
		return rc;
	if ((rc = checkpoint_parse(buf, len, &c, cause)) != XJ_OK)
		return rc;
	*seq = c.seq;
	checkpoint_public_key(seed, pk);
	/* Signed by a former key: the transitions in the log lead here. */
	if ((rc = checkpoint_follow(st->db, st->branch, pk, &c, cause)) ==
	    XJ_OK)
		rc = checkpoint_check(st->db, st->branch, c.pk, &c, cause);
	xasprintf(&detail, "checkpoint=%lld result=%s", (long long)c.seq,
	    rc == XJ_OK ? "ok" : "failed");
	/* A failed check is worth a line in the log it doubts. */
	store_log(st, "audit.verify-checkpoint", "", detail, NULL);
	free(detail);
	return rc;
}
