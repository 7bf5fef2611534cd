/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * mlock(2) and munlock(2) for the whole process, with locks that stack
 * and that the kernel hears about rarely.
 *
 * SQLCipher's memory security (src/store/memory.c) locks every block
 * SQLite allocates and unlocks it when it is freed, and libsodium locks
 * the guarded pages of every key and passphrase.  The kernel's locks
 * belong to pages and do not stack: the munlock of a freed block
 * unlocks its whole page, and with it the live blocks beside it.  And
 * two system calls per allocation are what made memory security
 * unaffordable (xueji(7), ENGINE): Debian's SQLite has no lookaside, so
 * a keystroke allocates a few hundred times.
 *
 * The functions here come before the C library's for every library the
 * program loads (ELF symbol interposition: the executable's own
 * definitions are found first).  They count the locks on each page and
 * call the kernel only when a page's count leaves zero or comes back to
 * it, so a page stays locked while any block locked on it lives.  A
 * page of the heap left with no lock stays locked a while longer
 * (IDLE_MAX): SQLite reuses the same heap pages all the time, and
 * without that most of its allocations would still reach the kernel
 * twice.  That is sound because the heap never gives pages back
 * (trimming is off, memlock_start), so a page kept locked stays mapped
 * and locked.  Pages outside the heap -- libsodium's, the C library's
 * own mappings for large blocks -- are unlocked the moment their count
 * is zero, as they may be unmapped right after.
 *
 * The kernel locks no more than RLIMIT_MEMLOCK (8 MiB for a user, by
 * default).  When it refuses, idle pages are unlocked to make room and
 * it is asked once more; if it refuses again, the pages are counted but
 * not locked, and no new page is tried until some lock has been given
 * back: an operator at the limit does not pay a failing system call per
 * allocation.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xueji/platform.h"

#define IDLE_MAX	XJ_MEMLOCK_IDLE_MAX

/*
 * A page with locks on it, or kept locked idle.  COUNTED: the kernel
 * refused to lock it.  NEW and LAST: the kernel is about to be asked to
 * lock or unlock it, within one call.
 */
enum page_state { COUNTED, LOCKED, IDLE, NEW, LAST };

struct page_lock {
	uintptr_t	 page;		/* address >> shift; 0: empty slot */
	uint32_t	 count;
	uint32_t	 state;		/* enum page_state */
	uint64_t	 idle;		/* IDLE: when it went idle (idle_next) */
};

/*
 * The pages: an open-addressing table by page number, linear probing,
 * no tombstones (a removal shifts the run after it back).  Page 0 never
 * is one: the first page of the address space is never mapped.  Idle
 * pages in the order they went idle: a ring of IDLE_MAX; an entry whose
 * page has been locked again since is stale and skipped.
 */
static struct {
	pthread_mutex_t		 mutex;
	struct page_lock	*slot;
	size_t			 size;		/* 1 << bits slots, or 0 */
	size_t			 used;
	unsigned		 bits;
	unsigned		 shift;		/* log2 of the page size */
	uintptr_t		 heap;		/* the heap's first page */
	int			 full;		/* the kernel refused: wait */
	uintptr_t		 ring[IDLE_MAX];
	uint64_t		 idle_next;
	unsigned long		 calls;		/* calls that came here */
	unsigned long		 kernel;	/* system calls made */
} locks = { .mutex = PTHREAD_MUTEX_INITIALIZER };

static size_t
page_hash(uintptr_t page)
{
	return (size_t)((page * UINT64_C(0x9e3779b97f4a7c15)) >>
	    (64 - locks.bits));
}

static size_t
page_next(size_t i)
{
	return (i + 1) & (locks.size - 1);
}

/* The entry of page, or NULL. */
static struct page_lock *
page_find(uintptr_t page)
{
	size_t	 i;

	if (locks.size == 0)
		return NULL;
	for (i = page_hash(page); locks.slot[i].page != 0; i = page_next(i)) {
		if (locks.slot[i].page == page)
			return &locks.slot[i];
	}
	return NULL;
}

/* Double the table, or make its first; -1 if calloc fails. */
static int
page_grow(void)
{
	struct page_lock	*old = locks.slot;
	size_t			 i, j, n = locks.size;
	unsigned		 bits = n != 0 ? locks.bits + 1 : 10;

	if ((locks.slot = calloc((size_t)1 << bits, sizeof *locks.slot)) ==
	    NULL) {
		locks.slot = old;
		return -1;
	}
	locks.bits = bits;
	locks.size = (size_t)1 << bits;
	for (i = 0; i < n; i++) {
		if (old[i].page == 0)
			continue;
		for (j = page_hash(old[i].page); locks.slot[j].page != 0;
		    j = page_next(j))
			;
		locks.slot[j] = old[i];
	}
	free(old);
	return 0;
}

/* The entry of page, made with no lock if missing; NULL if no room. */
static struct page_lock *
page_add(uintptr_t page)
{
	struct page_lock	*p;
	size_t			 i;

	if ((p = page_find(page)) != NULL)
		return p;
	if (2 * (locks.used + 1) > locks.size && page_grow() != 0)
		return NULL;
	for (i = page_hash(page); locks.slot[i].page != 0; i = page_next(i))
		;
	locks.used++;
	locks.slot[i] = (struct page_lock){ .page = page, .state = COUNTED };
	return &locks.slot[i];
}

/* Take p out, moving back each entry its removal would cut off. */
static void
page_remove(struct page_lock *p)
{
	size_t	 hole = (size_t)(p - locks.slot), i, home, mask = locks.size - 1;

	for (i = page_next(hole); locks.slot[i].page != 0; i = page_next(i)) {
		home = page_hash(locks.slot[i].page);
		/* Whether home lies cyclically in (hole, i]: then it stays. */
		if (((i - home) & mask) < ((i - hole) & mask))
			continue;
		locks.slot[hole] = locks.slot[i];
		hole = i;
	}
	locks.slot[hole].page = 0;
	locks.used--;
}

/* The kernel's mlock or munlock of n pages from page. */
static int
page_syscall(int lock, uintptr_t page, uintptr_t n)
{
	locks.kernel++;
	return (int)syscall(lock ? SYS_mlock : SYS_munlock,
	    page << locks.shift, n << locks.shift);
}

/* Unlock the oldest idle page, if the ring has one: 1 if it did. */
static int
idle_evict(uint64_t at)
{
	struct page_lock	*p;
	uintptr_t		 page = locks.ring[at % IDLE_MAX];

	if (page == 0 || (p = page_find(page)) == NULL || p->state != IDLE ||
	    p->idle != at)
		return 0;
	if (page_syscall(0, page, 1) == 0)
		locks.full = 0;
	page_remove(p);
	return 1;
}

/* p has no lock left: keep it locked, idle, unlocking the oldest. */
static void
idle_add(struct page_lock *p)
{
	uintptr_t	 page = p->page;
	uint64_t	 at = locks.idle_next++;

	p->state = IDLE;
	p->idle = at;
	if (at >= IDLE_MAX)
		idle_evict(at - IDLE_MAX);	/* may move p */
	locks.ring[at % IDLE_MAX] = page;
}

/* Unlock idle pages, oldest first, until n have gone or none is left. */
static void
idle_drain(uintptr_t n)
{
	uint64_t	 at = locks.idle_next > IDLE_MAX ?
			    locks.idle_next - IDLE_MAX : 0;

	for (; n > 0 && at < locks.idle_next; at++)
		n -= (uintptr_t)idle_evict(at);
}

/* Whether page is the heap's: there it may stay locked, idle. */
static int
page_in_heap(uintptr_t page)
{
	return locks.heap != 0 && page >= locks.heap &&
	    page < (uintptr_t)sbrk(0) >> locks.shift;
}

/*
 * Ask the kernel for every run of pages in [first, last] in state from:
 * lock them (NEW: LOCKED, or COUNTED where the kernel refused twice) or
 * unlock them (LAST: taken out).  0, or -1 with errno from the first
 * refusal.
 */
static int
page_kernel(uintptr_t first, uintptr_t last, enum page_state from)
{
	struct page_lock	*p;
	uintptr_t		 page, run = 0, q;
	int			 rc = 0, err = 0, ok;

	for (page = first; page <= last + 1; page++) {
		p = page <= last ? page_find(page) : NULL;
		if (p != NULL && p->state == (uint32_t)from) {
			if (run == 0)
				run = page;
			continue;
		}
		if (run == 0)
			continue;
		if (from == NEW && locks.full)
			ok = 0;
		else if ((ok = page_syscall(from == NEW, run, page - run) ==
		    0) == 0 && from == NEW) {
			/* The limit: make room from the idle, once. */
			idle_drain(page - run);
			ok = page_syscall(1, run, page - run) == 0;
			locks.full = !ok;
		}
		if (!ok && rc == 0) {
			rc = -1;
			err = locks.full ? ENOMEM : errno;
		}
		if (from == LAST && ok)
			locks.full = 0;
		for (q = run; q < page; q++) {
			p = page_find(q);
			if (from == NEW)
				p->state = ok ? LOCKED : COUNTED;
			else
				page_remove(p);
		}
		run = 0;
	}
	if (rc != 0)
		errno = err;
	return rc;
}

/* The heap's first page: start_brk, field 47 of /proc/self/stat. */
static uintptr_t
heap_start(void)
{
	char		 buf[1024], *p;
	unsigned long	 v = 0;
	size_t		 n;
	FILE		*f;
	int		 field;

	if ((f = fopen("/proc/self/stat", "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Field 2, the command, may hold anything but ends at the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (field = 2; field < 47 && (p = strchr(p + 1, ' ')) != NULL;
	    field++)
		;
	if (p == NULL || sscanf(p, " %lu", &v) != 1)
		return 0;
	return (uintptr_t)v >> locks.shift;
}

/* Memory locks are not inherited by a child: it starts with none. */
static void
memlock_forget(void)
{
	if (locks.slot != NULL)
		memset(locks.slot, 0, locks.size * sizeof *locks.slot);
	locks.used = 0;
	locks.full = 0;
	memset(locks.ring, 0, sizeof locks.ring);
}

static void
memlock_start(void)
{
	long	 size = sysconf(_SC_PAGESIZE);

	while ((1L << locks.shift) < size)
		locks.shift++;
	/* The heap never shrinks, so an idle page stays mapped. */
	if (mallopt(M_TRIM_THRESHOLD, -1) == 1)
		locks.heap = heap_start();
	pthread_atfork(NULL, NULL, memlock_forget);
}

void
xj_memlock_init(void)
{
	static pthread_once_t	 once = PTHREAD_ONCE_INIT;

	pthread_once(&once, memlock_start);
}

/*
 * One more lock on each page of [first, last]; the kernel is asked to
 * lock those that were neither locked nor idle.  Where the table cannot
 * grow, the rest is locked uncounted, as the C library's mlock would.
 */
static int
pages_lock(uintptr_t first, uintptr_t last)
{
	struct page_lock	*p;
	uintptr_t		 page;
	int			 rc;

	for (page = first; page <= last; page++) {
		if ((p = page_add(page)) == NULL)
			break;
		if (p->count++ == 0)
			p->state = p->state == IDLE ? LOCKED : NEW;
	}
	rc = page_kernel(first, page - 1, NEW);
	if (page <= last && page_syscall(1, page, last - page + 1) != 0)
		rc = -1;
	return rc;
}

/*
 * One lock fewer on each page of [first, last].  A page left with none
 * is unlocked, or if it is the heap's, kept locked idle.  A page with
 * no count has no lock of ours to take away.
 */
static int
pages_unlock(uintptr_t first, uintptr_t last)
{
	struct page_lock	*p;
	uintptr_t		 page;

	for (page = first; page <= last; page++) {
		if ((p = page_find(page)) == NULL || p->count == 0 ||
		    --p->count != 0)
			continue;
		if (p->state != LOCKED)
			page_remove(p);
		else if (page_in_heap(page))
			idle_add(p);
		else
			p->state = LAST;
	}
	return page_kernel(first, last, LAST);
}

/* mlock(2) or munlock(2) of [addr, addr + len), stacking. */
static int
memlock(const void *addr, size_t len, int lock)
{
	uintptr_t	 first, last;
	int		 rc;

	xj_memlock_init();
	if (len == 0)
		return 0;
	first = (uintptr_t)addr >> locks.shift;
	last = ((uintptr_t)addr + len - 1) >> locks.shift;
	pthread_mutex_lock(&locks.mutex);
	locks.calls++;
	rc = lock ? pages_lock(first, last) : pages_unlock(first, last);
	pthread_mutex_unlock(&locks.mutex);
	return rc;
}

int
mlock(const void *addr, size_t len)
{
	return memlock(addr, len, 1);
}

int
munlock(const void *addr, size_t len)
{
	return memlock(addr, len, 0);
}

unsigned long
xj_memlock_stats(size_t *pages, unsigned long *kernel)
{
	unsigned long	 calls;

	pthread_mutex_lock(&locks.mutex);
	calls = locks.calls;
	if (pages != NULL)
		*pages = locks.used;
	if (kernel != NULL)
		*kernel = locks.kernel;
	pthread_mutex_unlock(&locks.mutex);
	return calls;
}
