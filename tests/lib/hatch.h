/*
 * Test hatches: what the tests and benchmarks reach below the public
 * headers.  The log and checkpoints on a SQLite handle (audit-db.h),
 * keying and checking a bare handle (store-db.h), and a store's own
 * handle (store_db, defined here in tests/lib, not in the program);
 * and what the kernel says of a process's memory, which memory security
 * is about.  Never included by the program.
 * xueji — GPL-3.0-or-later.
 */
#ifndef XUEJI_TEST_HATCH_H
#define XUEJI_TEST_HATCH_H

#include <sys/types.h>

#include <sqlite3.h>

#include "xueji/store.h"
#include "../../src/audit/audit-db.h"
#include "../../src/store/store-db.h"

/* The raw handle of st, to read or damage what the store wrote. */
sqlite3	*store_db(struct store *st);
/* A line of /proc/PID/status ("VmHWM:", "VmLck:"), in KiB, or -1. */
long	 tl_status_kib(pid_t pid, const char *field);

#endif
