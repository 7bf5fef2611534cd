/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * backup.h — encrypted backups, restore drills, restore, and the CSV
 * export.
 *
 * A backup is a whole copy of the database made with SQLCipher's
 * sqlcipher_export under the same raw key as the live database, so it
 * opens with the same key slots file.  A key rotation (xueji operator
 * rotate-key) re-encrypts the live database only: every backup made
 * before it stays under the old key and needs the key slots file of its
 * time.  Keep that file with the backups.
 */
#ifndef XUEJI_BACKUP_H
#define XUEJI_BACKUP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "xueji/store.h"

/* Backup files are named <branch>-YYYYMMDD-HHMMSS.xjb (local time). */
#define BACKUP_SUFFIX		".xjb"
/* The safety copy a restore leaves beside the database. */
#define BACKUP_SAFETY_PREFIX	STORE_DB_NAME ".before-restore-"

/*
 * Write a consistent encrypted copy of the database (backup.run) to path,
 * or, when path is NULL, to "<backup_dir>/<branch>-YYYYMMDD-HHMMSS.xjb"
 * (backup_dir created 0700 when missing); when path is a folder, under
 * that name in it.  key is the database's raw key
 * (the session's secret->db_key); it is only read.  Other connections
 * keep reading and writing meanwhile: the copy is one read transaction's
 * snapshot.  The file is written under a temporary name, synced and
 * renamed, mode 0600; an existing file is never replaced (XJ_EUNAVAIL).
 * Then this branch's backups in the folder written older than
 * backup_keep_days
 * (by modification time, against xj_now()) are deleted.  Logged as
 * backup.create with the file's name and size.  On success *out, when
 * out is not NULL, is the path written (malloc'd).  On failure no file
 * is left behind.
 */
int	 store_backup(struct store *, const unsigned char key[DB_KEY_BYTES],
	     const char *path, char **out, char **cause);
/*
 * The same, calling progress(pages copied, pages in all, arg) after
 * every few hundred pages copied (the screen of backups draws a bar);
 * progress may be NULL.  It is called inside the copy's read
 * transaction: it must not use the store.
 */
int	 store_backup_progress(struct store *,
	     const unsigned char key[DB_KEY_BYTES], const char *path,
	     void (*progress)(int, int, void *), void *arg, char **out,
	     char **cause);

/* One of this branch's backups in the backup folder. */
struct backup_info {
	char		*name;		/* base name */
	char		*path;
	time_t		 made;		/* its modification time */
	long long	 size;		/* bytes */
	time_t		 expires;	/* when rotation deletes it */
};
/*
 * This branch's backups in the backup folder (rotation's own test of a
 * name), newest first.  No permission needed: names, times and sizes
 * only.  *out (free with backup_list_free) is NULL and *n 0 when the
 * folder does not exist yet; XJ_EIO when it cannot be read.
 */
int	 store_backup_list(struct store *, struct backup_info **out,
	     size_t *n, char **cause);
void	 backup_list_free(struct backup_info *, size_t);
/* The backup folder: backup_dir, or data_dir/backups (malloc'd). */
char	*store_backup_folder(struct store *);
/*
 * When the last backup was made, to any folder (kept in the database
 * with its log entry); for one made before that was kept, the newest in
 * the backup folder; 0: none.  No permission needed.
 */
int	 store_last_backup(struct store *, time_t *at);
/* Whether a backup is due at now: none yet, or the last one older than
 * the configured backup_warn_days. */
int	 store_backup_due(struct store *, time_t now);

/* What a restore drill found.  Counts are -1 where they could not be read. */
enum drill_count {
	DRILL_ACTIVE,		/* students by status */
	DRILL_COMPLETED,
	DRILL_WITHDRAWN,
	DRILL_DESTROYED,
	DRILL_AUDIT,		/* audit log entries */
	DRILL_REQUESTS,		/* change, status and destruction requests */
	DRILL_DESTRUCTIONS,	/* destruction records */
	DRILL__COUNT
};
const char *drill_count_name(enum drill_count);	/* "active", "audit", … */

struct drill_report {
	char		*file;		/* the backup's base name */
	int		 opened;	/* the key opened it, branch matched */
	int		 integrity_ok;	/* PRAGMA integrity_check said ok */
	int		 chain_ok;	/* audit_verify passed */
	/*
	 * Whether the live log holds the backup's newest entry with the same
	 * hash: the backup is an earlier state of this very database.
	 */
	int		 same_history;
	time_t		 backup_at;	/* time of the backup's newest entry */
	long long	 live[DRILL__COUNT];
	long long	 backup[DRILL__COUNT];
	/*
	 * Bit i set when count i differs.  A backup is older, so fewer or
	 * equal is expected (a status count may also be higher, after
	 * status changes); more audit entries, requests, destructions or
	 * students in total than live is suspicious, and so is a history
	 * that is not the live one's: *suspicious is set for those.
	 */
	unsigned	 differ;
	int		 suspicious;
	/*
	 * Destructions the live database records and the backup does not:
	 * a restore would carry each out again (store_restore); -1 if they
	 * could not be counted.
	 */
	long		 reapply;
	char		*problem;	/* why it failed, or NULL */
};
void	 drill_report_free(struct drill_report *);	/* its members */

/*
 * Restore drill (restore.run): copy the backup at path into a private
 * temporary folder (mkdtemp under $TMPDIR, 0700), open the copy with key
 * exactly as the live database is opened (pragmas, migrations, branch
 * check), run PRAGMA integrity_check and the chain verification, and
 * compare counts with the live database.  The copy, with its -wal and
 * -shm, and the folder are removed on every path.  The drill is logged
 * in the live log as backup.drill (result=ok or failed, the file's
 * name), and a successful one is remembered for store_last_drill.
 * Returns XJ_OK when the backup would restore; XJ_EDATA when the key
 * does not open it or it is not a database; XJ_TAMPERED when it opens
 * but is damaged (integrity or chain); XJ_ENOINPUT when there is no such
 * file.  *out is filled in every case but a refused permission (free it
 * with drill_report_free); *cause says what failed.
 */
int	 store_restore_drill(struct store *,
	     const unsigned char key[DB_KEY_BYTES], const char *path,
	     struct drill_report *out, char **cause);

/* When the last successful drill was (0: never).  No permission needed. */
int	 store_last_drill(struct store *, time_t *at);
/* Whether a drill is due at now: none yet, or older than the configured
 * restore_drill_warn_days. */
int	 store_drill_due(struct store *, time_t now);

/*
 * Replace the database with the backup at path (restore.run).  The
 * caller makes sure no other session is open (session_restore does).
 * The backup is first copied beside the database and opened, migrated
 * and verified there (integrity and chain); only then is the live
 * database closed, renamed to "branch.db.before-restore-YYYYMMDD-HHMMSS"
 * (the safety copy: what was done after the backup was made is only in
 * it) and the verified copy renamed into its place.  Before the swap,
 * every destruction the live database records and the backup does not
 * is carried out again on the copy (store_destroy_reapply), so that a
 * restore never brings back a destroyed child; the entry after the swap
 * says how many (reapplied=N).  *stp is then a new
 * store on the restored database, bound as the old one was, whose log
 * continues with a backup.restore entry.  On failure before the swap the
 * live database is untouched and *stp still open; if the restored
 * database cannot be opened the safety copy is put back.  *safety, when
 * not NULL, is the safety copy's path (malloc'd).
 */
int	 store_restore(struct store **stp,
	     const unsigned char key[DB_KEY_BYTES], const char *path,
	     char **safety, char **cause);

/* The encodings of an export. */
enum export_encoding {
	EXPORT_UTF8_BOM,	/* default: Chinese spreadsheet programs need the BOM */
	EXPORT_GB18030,
};

/*
 * Write the students of status (or every one but destroyed when
 * status < 0) to out as CSV (export.run): a header of the form's labels
 * in the interface language (form_text), then one row per student in
 * number order: number, status, then every field the operator may see
 * (phones masked without student.phone, sensitive fields left out without
 * student.sensitive), quoted as RFC 4180 says, CRLF line ends.  Records
 * with a destruction pending are left out.  purpose is required
 * (XJ_EUSAGE when empty): why the data leave the system.  It is free
 * text and may name a person, so it is kept in the table export_log,
 * not in the chained log, whose export.run entry carries the row count,
 * the status filter, the encoding and the export_log id.  The rows are
 * read, and the entry written, in one transaction; the file is written
 * after it commits.  *rows, when not NULL, is the number of students
 * written.  On failure out may hold part of the file: the caller
 * removes it.
 */
int	 store_export(struct store *, FILE *out, int status,
	     const char *purpose, enum export_encoding, size_t *rows,
	     char **cause);
/*
 * store_export to a new file at path, as xueji export and the export
 * screen write one: created for the operator (xj_create_user_file: new,
 * never over another file nor through a link, mode 0600, their own
 * group), then flushed and synced.  XJ_EUNAVAIL when path exists
 * already, XJ_EIO when it cannot be created or written; on any failure
 * the file is removed, since half an export is still personal data.
 */
int	 store_export_file(struct store *, const char *path, int status,
	     const char *purpose, enum export_encoding, size_t *rows,
	     char **cause);

#endif
