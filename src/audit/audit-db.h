/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * audit-db.h — the log and its checkpoints on a SQLite handle: the
 * schema, appending inside the store's transactions, verifying, reading,
 * signing and checking checkpoints.  For the store (src/store) and the
 * tests only; the interface and the command line go through the store,
 * and the public audit.h and checkpoint.h name no SQLite type.
 */
#ifndef XUEJI_AUDIT_DB_H
#define XUEJI_AUDIT_DB_H

#include <sqlite3.h>

#include "xueji/audit.h"
#include "xueji/checkpoint.h"

/* The SQL that creates the log's table and its guards (migration 1). */
extern const char audit_schema_sql[];

/*
 * Append e to the log: assigns e->seq and e->hash (and e->at when it is
 * 0).  Must be called inside a write transaction, so the entry commits or
 * rolls back with the change it records.  XJ_EDATA when the log's pages
 * cannot be read (damaged), XJ_EIO on another database error.
 */
int	 audit_append(sqlite3 *, const char *branch, struct audit_entry *e,
	     char **cause);

/*
 * The two statements audit_append runs, kept prepared by a caller that
 * appends often (the store keeps one per connection).  Zeroed to start;
 * audit_stmts_free finalises them, and must be called before the
 * connection closes.
 */
struct audit_stmts {
	sqlite3_stmt	*last, *insert;
};
/* audit_append with the statements kept in c (prepared on first use). */
int	 audit_append_kept(sqlite3 *, const char *branch,
	     struct audit_stmts *c, struct audit_entry *e, char **cause);
void	 audit_stmts_free(struct audit_stmts *c);

/*
 * Check the whole chain: contiguous sequence numbers from 1 and every
 * hash.  XJ_OK when intact (*count set to the number of entries);
 * XJ_TAMPERED with *bad_seq set to the first entry that does not verify
 * and *cause saying how; XJ_EDATA with *bad_seq set to the first entry
 * that cannot be read when a page of the log is damaged; XJ_EIO on
 * another database error.
 * progress, when not NULL, is called every few thousand entries, always
 * from the calling thread.  The hashing runs in a second thread for a
 * log longer than a batch (4,096 entries); every SQLite call stays in
 * the calling thread, and the thread has ended when this returns.
 */
int	 audit_verify(sqlite3 *, const char *branch, int64_t *count,
	     int64_t *bad_seq, void (*progress)(int64_t done, void *),
	     void *arg, char **cause);

/*
 * The log's runs (table audit_run, store migration 7): a run starts at
 * the first entry and at every entry whose time is earlier than the one
 * before it; first_at is the time of its first entry, last_at of its
 * last (NULL while it is the newest).  audit_append keeps the table;
 * this SQL fills it from the log (the migration, audit_runs_rebuild).
 */
#define AUDIT_RUNS_FILL_SQL \
	"INSERT INTO audit_run (start, first_at)" \
	"  SELECT b.seq, b.at FROM audit AS b NOT INDEXED" \
	"  LEFT JOIN audit AS a ON a.seq = b.seq - 1" \
	"  WHERE a.seq IS NULL OR b.at < a.at;" \
	"UPDATE audit_run SET last_at = (SELECT at FROM audit WHERE seq =" \
	"  (SELECT min(start) FROM audit_run AS n" \
	"   WHERE n.start > audit_run.start) - 1);"

/*
 * audit_seen (store migration 13): the students an entry showed without
 * naming one as its target, by student number: those a student.find
 * entry lists in its detail (" numbers=A,B,…").  Derived data outside
 * the chain, like audit_run; the fill SQL builds it from the log.
 * audit_each's target filter reads it, so that the entries about a
 * student include every search that listed them.
 */
#define AUDIT_SEEN_SQL \
	"CREATE TABLE IF NOT EXISTS audit_seen (" \
	"  number TEXT NOT NULL," \
	"  seq    INTEGER NOT NULL," \
	"  PRIMARY KEY (number, seq)" \
	") WITHOUT ROWID;"
#define AUDIT_SEEN_FILL(cond) \
	"WITH RECURSIVE part(seq, rest, number) AS (" \
	"  SELECT seq, substr(detail, instr(detail, ' numbers=') + 9) || ','," \
	"  NULL FROM audit WHERE action = 'student.find'" cond \
	"  AND instr(detail, ' numbers=') > 0" \
	"  UNION ALL SELECT seq, substr(rest, instr(rest, ',') + 1)," \
	"  substr(rest, 1, instr(rest, ',') - 1) FROM part" \
	"  WHERE instr(rest, ',') > 0)" \
	"INSERT OR IGNORE INTO audit_seen (number, seq)" \
	"  SELECT number, seq FROM part WHERE number != ''" \
	"  AND number NOT LIKE '%…%' AND instr(number, ' ') = 0;"
#define AUDIT_SEEN_FILL_SQL	AUDIT_SEEN_FILL("")

/*
 * audit_seen_upto (store migration 16): the newest entry whose students
 * are in audit_seen.  A search's entry is not noted as it is written:
 * the rows for twenty students land on twenty pages of audit_seen, and
 * writing them was half of a logged keystroke's cost (tests/bench,
 * run K).  audit_seen_catch_up notes them at the pause and before the
 * log is read by student, so no reader ever sees the index behind.
 */
#define AUDIT_SEEN_UPTO_SQL \
	"CREATE TABLE audit_seen_upto (seq INTEGER NOT NULL);" \
	"INSERT INTO audit_seen_upto SELECT coalesce(max(seq), 0) FROM audit;"

/*
 * Whether a search entry after audit_seen_upto has its students still to
 * note: *behind set.  A read; XJ_OK, or XJ_EIO (XJ_EDATA if damaged).
 */
int	 audit_seen_behind(sqlite3 *, int *behind, char **cause);
/*
 * Note in audit_seen the students of every search entry after
 * audit_seen_upto, and move it to the newest entry.  In the caller's
 * write transaction.  XJ_OK, or XJ_EIO (XJ_EDATA if damaged).
 */
int	 audit_seen_catch_up(sqlite3 *, char **cause);

/*
 * Rebuild audit_run from the log, for a program that loaded entries
 * without audit_append (a generator of test logs).  Call it inside the
 * loading transaction or after it.  XJ_OK, or XJ_EIO.
 */
int	 audit_runs_rebuild(sqlite3 *, char **cause);

/* Call fn for each matching entry, newest first.  Stops early (and
 * returns fn's value) when fn returns non-zero.  XJ_EDATA when a page of
 * the log is damaged, XJ_EIO on another database error. */
int	 audit_each(sqlite3 *, const struct audit_filter *,
	     int (*fn)(const struct audit_entry *, void *), void *arg,
	     char **cause);

/*
 * Sign the current head of the chain in db.  On success *text is the
 * checkpoint file's contents (malloc'd) and *seq the entry it covers.
 * The seed is used in secure memory and not kept.
 */
int	 checkpoint_make(sqlite3 *, const char *branch,
	     const unsigned char seed[32], char **text, int64_t *seq,
	     char **cause);

/*
 * Whether the chain in db extends checkpoint c, signed by the key pk:
 * the entry c->seq exists and its hash is c->head.  XJ_OK, XJ_EDATA (not
 * this branch's key or branch), or XJ_TAMPERED naming what is wrong (the
 * log ends before the checkpoint; the entry differs).  The chain itself
 * is verified by audit_verify, separately.
 */
int	 checkpoint_check(sqlite3 *, const char *branch,
	     const unsigned char pk[CHECKPOINT_PK_BYTES],
	     const struct checkpoint *c, char **cause);

/*
 * Whether checkpoint c's key leads to pk, the branch's current key,
 * through the signed key transitions in db's log: XJ_OK when c is signed
 * by pk, or by a former key whose transitions all verify and c covers
 * no entry after the first rotation away from it; XJ_TAMPERED when a
 * transition does not verify or a retired key signed a later entry;
 * XJ_EDATA when c's key is not one of the branch's.  Then check c with
 * checkpoint_check against its own key.
 */
int	 checkpoint_follow(sqlite3 *, const char *branch,
	     const unsigned char pk[CHECKPOINT_PK_BYTES],
	     const struct checkpoint *c, char **cause);

#endif
