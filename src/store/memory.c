/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * SQLite's memory, locked while it is in use and wiped when it is
 * freed: SQLCipher's memory security (PRAGMA cipher_memory_security),
 * switched on for the process before any key is handed to the library,
 * at a price the counter can pay.
 *
 * With it on, SQLCipher's allocator, which wraps whatever allocator is
 * configured when the library starts, calls mlock(2) over each block
 * SQLite allocates and, when the block is freed, wipes it and calls
 * munlock(2) over it.  Those two calls are the process's own
 * (src/platform/memlock.c): locks that stack, and that reach the
 * kernel rarely, without which it cost a search keystroke 2 to 10 times
 * its time (xueji(7), ENGINE).
 *
 * Under SQLCipher's allocator sits ours (mem_methods): malloc(3) with
 * each block's exact size kept before it, so that the range SQLCipher
 * unlocks when a block is freed (its size, as xSize reports it) is the
 * range it locked when the block was made (the size asked for), and
 * the counts balance.  malloc_usable_size would not do: it reports the
 * slack too, which may reach onto a page the lock never counted.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

/*
 * The allocator beneath SQLCipher's: each block's size, as asked for,
 * in a 16-byte header before it (16 keeps malloc's alignment).  It does
 * not wipe: with memory security on, SQLCipher's allocator wipes every
 * block over its xSize before passing it here, and moves a growing
 * block itself, so xRealloc is not called; it is kept correct, wiping
 * what it leaves, for the library's sake.
 */
#define MEM_HEADER	16

static pthread_once_t	 mem_once = PTHREAD_ONCE_INIT;
static int		 mem_config = SQLITE_ERROR;	/* sqlite3_config's */
static volatile int	 mem_started;	/* our xInit ran: we are underneath */

static void *
mem_malloc(int n)
{
	char	*p;

	if ((p = malloc(MEM_HEADER + (size_t)n)) == NULL)
		return NULL;
	*(size_t *)p = (size_t)n;
	return p + MEM_HEADER;
}

static void
mem_free(void *p)
{
	if (p != NULL)
		free((char *)p - MEM_HEADER);
}

static int
mem_size(void *p)
{
	return p != NULL ? (int)*(size_t *)((char *)p - MEM_HEADER) : 0;
}

/* SQLite never passes NULL or 0 here (sqlite3Realloc handles both). */
static void *
mem_realloc(void *p, int n)
{
	void	*q;
	int	 have = mem_size(p);

	if (n <= have)
		return p;
	if ((q = mem_malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, (size_t)have);
	explicit_bzero(p, (size_t)have);
	mem_free(p);
	return q;
}

static int
mem_roundup(int n)
{
	return (n + 7) & ~7;
}

static int
mem_init(void *arg)
{
	(void)arg;
	mem_started = 1;
	return SQLITE_OK;
}

static void
mem_shutdown(void *arg)
{
	(void)arg;
	mem_started = 0;
}

static const sqlite3_mem_methods mem_methods = {
	mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup,
	mem_init, mem_shutdown, NULL
};

/*
 * Our allocator, then the library started (SQLCipher wraps it), then
 * memory security on, through a connection to nothing; store_key_db
 * reads it back on every connection.  The pragma is process-wide and
 * cannot be switched off.  What SQLite allocated before it (the
 * library's start, that connection) was never locked: its munlock when
 * freed finds no count of its own, and is harmless while no key is in
 * memory, which is why this runs first.
 */
static void
mem_install(void)
{
	sqlite3	*db;

	xj_memlock_init();
	if ((mem_config = sqlite3_config(SQLITE_CONFIG_MALLOC,
	    &mem_methods)) != SQLITE_OK || sqlite3_initialize() != SQLITE_OK)
		return;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE,
	    NULL) == SQLITE_OK)
		sqlite3_exec(db, "PRAGMA cipher_memory_security = ON", NULL,
		    NULL, NULL);
	sqlite3_close(db);
}

int
store_memory_init(void)
{
	pthread_once(&mem_once, mem_install);
	return mem_config;
}

int
store_memory_secured(char **cause)
{
	if (mem_config == SQLITE_MISUSE)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("SQLite was started "
		    "before xueji could secure its memory; refusing to run"));
	if (mem_config != SQLITE_OK || !mem_started)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("SQLite's memory is "
		    "not locked and wiped (SQLCipher's memory security); "
		    "refusing to run"));
	return XJ_OK;
}

int
store_db_open(const char *path, sqlite3 **db, int flags)
{
	store_memory_init();
	return sqlite3_open_v2(path, db, flags, NULL);
}
