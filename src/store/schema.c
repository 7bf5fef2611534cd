/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The schema and its migrations.  Each migration is numbered and never
 * edited once shipped; store_migrate takes a branch's database from the
 * user_version it has to store_schema_version in one transaction, so an
 * upgrade either happens whole or not at all.  A new database gets
 * migration 1 and the chained log's tables (audit_schema_sql) before the
 * rest.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/checkpoint.h"
#include "store-int.h"

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

/*
 * A status request keeps the status it changes from as filed, so that
 * approving it after the record's status moved is refused as stale
 * (store_status_apply).  Those pending already take the status they
 * have now: nothing is known of the one they were filed against.
 */
static const char migration_14[] =
	"ALTER TABLE request ADD COLUMN old_status TEXT;"
	"UPDATE request SET old_status = (SELECT status FROM student s"
	"  WHERE s.id = request.student)"
	"  WHERE kind = 'status' AND state = 'pending';";

/*
 * Key slots set by someone other than their owner (operator add, operator
 * reset), until the owner changes the passphrase: the setter knows it.
 * The four-eyes rule counts that hand (store_slot_tie), and the owner's
 * first login asks for a passphrase of their own.
 */
static const char migration_15[] =
	"CREATE TABLE slot_setter ("
	"  operator TEXT PRIMARY KEY,"
	"  set_by   TEXT NOT NULL,"
	"  set_at   INTEGER NOT NULL,"
	"  CHECK (set_by != operator)"
	") WITHOUT ROWID;";

/*
 * A search's students are noted in audit_seen after its entry, not with
 * it (audit-db.h, AUDIT_SEEN_UPTO_SQL): until now every entry was noted.
 */
static const char migration_16[] =
	AUDIT_SEEN_UPTO_SQL;

/*
 * The reports at a million students (report.c, stamp.c).  The stamp
 * asks for the newest decision and confirmation after every commit at
 * another terminal: without the first two, each read the whole request
 * table (13 ms).  The destruction report reads the records past
 * retention oldest first and stops at the first still kept: without
 * student_status_at it read every completed and withdrawn record (6 s).
 */
static const char migration_17[] =
	"CREATE INDEX request_decided ON request(decided_at);"
	"CREATE INDEX request_confirmed ON request(confirmed_at);"
	"CREATE INDEX student_status_at ON student(status, status_at);";

/*
 * The heads a search of one or two letters reads (search.h, h:), made
 * from the spellings and initials every record has: the first letter of
 * each spelling, the first two of each spelling and each initials.
 * What search_name_terms gives a record enrolled from now on.
 */
static const char migration_18[] =
	"INSERT OR IGNORE INTO search (term, student)"
	"  SELECT 'h:' || substr(term, 3, 1), student FROM search"
	"  WHERE term >= 'p:' AND term < 'p;';"
	"INSERT OR IGNORE INTO search (term, student)"
	"  SELECT 'h:' || substr(term, 3, 2), student FROM search"
	"  WHERE term >= 'p:' AND term < 'p;' AND length(term) >= 4;"
	"INSERT OR IGNORE INTO search (term, student)"
	"  SELECT 'h:' || substr(term, 3, 2), student FROM search"
	"  WHERE term >= 'i:' AND term < 'i;' AND length(term) >= 4;";

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
	migration_14,
	migration_15,
	migration_16,
	migration_17,
	migration_18,
};
const int store_schema_version = (int)nitems(migrations);

int
store_user_version(struct store *st, int *v)
{
	long long	n = query_count(st->db, "PRAGMA user_version");

	*v = n > 0 ? (int)n : 0;
	return n < 0 ? -1 : 0;
}

static int	migrate_tx(struct store *, char **);

int
store_migrate(struct store *st, char **cause)
{
	int	rc;

	/*
	 * A statement kept across a change of schema would be re-prepared
	 * by SQLite anyway; drop them so nothing stale is even held.
	 */
	store_kept_free(st);
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
	if (store_user_version(st, &v) != 0) {
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
		if ((rc = store_exec(st, migrations[v], _("cannot upgrade the "
		    "database"), cause)) != XJ_OK)
			goto fail;
		if (v == 0 && (rc = store_exec(st, audit_schema_sql,
		    _("cannot upgrade the database"), cause)) != XJ_OK)
			goto fail;
		xasprintf(&sql, "PRAGMA user_version = %d", v + 1);
		rc = store_exec(st, sql, _("cannot upgrade the database"), cause);
		free(sql);
		if (rc != XJ_OK)
			goto fail;
	}
	return tx_commit(st, cause);
fail:
	tx_rollback(st);
	return rc;
}
