/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * SQLite's memory, wiped when it is freed.  The allocator every SQLite
 * allocation in the process goes through: malloc(3) underneath, each
 * block zeroed over its whole usable size before free(3), and a growing
 * realloc moved by hand so that no unwiped copy is left behind; its
 * installation, once per process before the library starts
 * (store_memory_init, through store_db_open); and the check that it is
 * the one in use (store_memory_wiped, read back by store_key_db).  It
 * is SQLCipher's memory security without its mlock(2) and munlock(2),
 * which cost what the counter cannot pay (cipher.c): SQLCipher wraps
 * whatever allocator is configured when the library starts, so with
 * memory security off its wrapper calls straight into this one.  Pages
 * are not locked: what is swapped out is not wiped (xueji(7), ENGINE).
 */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "store-int.h"

static pthread_once_t	 wipe_once = PTHREAD_ONCE_INIT;
static int		 wipe_config = SQLITE_ERROR;	/* sqlite3_config's */
static volatile int	 wipe_started;	/* our xInit ran: we are underneath */

/*
 * explicit_bzero rather than sodium_memzero: the same wipe that the
 * compiler may not drop, without a call through libsodium on each of
 * the hundred frees of a keystroke.
 */
static void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void *
wipe_malloc(int n)
{
	return malloc((size_t)n);
}

/*
 * realloc(3) may move the block and leave the old one unwiped: grow by
 * hand instead.  SQLite never passes NULL or 0 here (sqlite3Realloc
 * handles both).  Failure leaves p as it was, as SQLite expects.
 */
static void *
wipe_realloc(void *p, int n)
{
	size_t	 have = malloc_usable_size(p);
	void	*q;

	if ((size_t)n <= have)
		return p;
	if ((q = malloc((size_t)n)) == NULL)
		return NULL;
	memcpy(q, p, have);
	wipe_free(p);
	return q;
}

static int
wipe_size(void *p)
{
	return p != NULL ? (int)malloc_usable_size(p) : 0;
}

static int
wipe_roundup(int n)
{
	return (n + 7) & ~7;
}

static int
wipe_init(void *arg)
{
	(void)arg;
	wipe_started = 1;
	return SQLITE_OK;
}

static void
wipe_shutdown(void *arg)
{
	(void)arg;
	wipe_started = 0;
}

static const sqlite3_mem_methods wipe_methods = {
	wipe_malloc, wipe_free, wipe_realloc, wipe_size, wipe_roundup,
	wipe_init, wipe_shutdown, NULL
};

static void
wipe_install(void)
{
	wipe_config = sqlite3_config(SQLITE_CONFIG_MALLOC, &wipe_methods);
}

int
store_memory_init(void)
{
	pthread_once(&wipe_once, wipe_install);
	return wipe_config;
}

int
store_memory_wiped(char **cause)
{
	if (wipe_config == SQLITE_MISUSE)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("SQLite was started "
		    "before xueji could make it wipe the memory it frees; "
		    "refusing to run"));
	if (wipe_config != SQLITE_OK || !wipe_started)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("SQLite does not "
		    "wipe the memory it frees; refusing to run"));
	return XJ_OK;
}

int
store_db_open(const char *path, sqlite3 **db, int flags)
{
	store_memory_init();
	return sqlite3_open_v2(path, db, flags, NULL);
}
