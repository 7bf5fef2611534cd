/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * store-db.h — what the store does on a bare SQLite handle: keying it
 * as every connection to a branch's files is keyed, and checking every
 * page.  For the store's own files and for the tests and benchmarks
 * that open a branch's file without a store (tests/lib/hatch.h); the
 * program's other modules never see a SQLite type.
 */
#ifndef XUEJI_STORE_DB_H
#define XUEJI_STORE_DB_H

#include <sqlite3.h>

#include "xueji/store.h"

/*
 * Open a handle as every connection to a branch's files is opened: on
 * a library whose memory is locked and wiped (memory.c).
 * sqlite3_open_v2's result; store_key_db then refuses the handle if
 * that is not in place.  Every open in the program and its tests goes
 * through here.
 */
int	 store_db_open(const char *path, sqlite3 **, int flags);
/*
 * Install our allocator beneath SQLCipher's and switch its memory
 * security on, once per process, before anything starts the library:
 * store_db_open calls it; so must whatever calls another SQLite
 * function first (sqlite3_vfs_find starts the library too).
 * sqlite3_config's result: SQLITE_MISUSE if the library had started
 * already.
 */
int	 store_memory_init(void);
/*
 * XJ_OK when SQLite allocates through our allocator, beneath SQLCipher's
 * (whose memory security store_key_db reads back); XJ_EUNAVAIL, saying
 * why, when it does not.
 */
int	 store_memory_secured(char **cause);
/*
 * Key a fresh handle as every connection to a branch's files is keyed,
 * the store's, backups', drills' and the benchmark's bare ones alike:
 * the raw key, the library's logging silenced, memory security on
 * and f's cipher settings, each read back.  XJ_OK
 * when the key opens the file in that format (or the file is empty),
 * XJ_EDATA when it does not, XJ_EUNAVAIL when a setting did not take,
 * the library is older than SQLCipher 4.6 or its memory is not
 * secured (store_memory_secured).
 */
int	 store_key_db(sqlite3 *, const unsigned char key[DB_KEY_BYTES],
	     enum store_format f, char **cause);
/*
 * Every page's HMAC (PRAGMA cipher_integrity_check), pages in use or
 * free: XJ_OK, or XJ_TAMPERED naming the first page that fails.
 */
int	 store_check_pages(sqlite3 *, char **cause);

#endif
