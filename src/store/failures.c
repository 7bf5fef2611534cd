/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Failed logins.  A wrong passphrase cannot open the database, so each
 * attempt is kept in a file beside it, STORE_FAILREC_NAME: one record of
 * FAIL_RECORD bytes per operator id (and one per FAIL_UNKNOWN bucket of
 * unknown ids, so that an unknown id's back-off runs as a known one's
 * would, and the delay tells no one which ids exist), found
 * by id and locked alone (an open file description lock on its bytes),
 * so that guesses at one id wait their turn without delaying the
 * others.  An attempt is charged as a failure before the passphrase is
 * tried and only refunded when it was right: a process killed meanwhile
 * has still spent its turn.  The back-off is the record's next_at, so it
 * survives the process.  Failures move into the chained log at the next
 * successful login; past FAIL_KEEP waiting in a record they are counted,
 * and the count becomes one entry, so none is ever dropped and the file
 * never grows past one record per id.
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
#include "store-int.h"

#define FAIL_RECORD	512
#define FAIL_KEEP	16
#define FAIL_MAGIC	"XJF1"
/*
 * Finding or adding a record takes this byte, far past any record, not
 * the whole file: an attempt waiting out its back-off holds its record,
 * and must not hold up the others' search.
 */
#define FAIL_ALLOC_AT	((off_t)1 << 40)
/*
 * Unknown ids share this many records, by a hash of the id as typed
 * ("?00" … "?63"): never the id itself, which may be a passphrase typed
 * into the wrong field, and never a record per id, which anyone could
 * grow the file with.
 */
#define FAIL_UNKNOWN	64

/* What is kept of a failure: known words only, the file is unchained. */
static const char *const reasons[] = {
	"unfinished", "wrong-passphrase", "unknown-operator", "no-slot",
	"keyslots-altered", "other",
};
#define REASON_UNFINISHED	0
#define REASON_OTHER		(nitems(reasons) - 1)

struct failrec {
	char		 magic[4];
	char		 id[36];		/* NUL-terminated */
	int64_t		 next_at;		/* no try before, time(2) */
	uint32_t	 streak;		/* failures since a success */
	uint32_t	 nkept;
	int64_t		 kept_at[FAIL_KEEP];	/* xj_now() each */
	uint8_t		 kept_reason[FAIL_KEEP];
	uint64_t	 over;			/* past kept, counted */
	int64_t		 over_first, over_last;
	uint64_t	 over_reason[nitems(reasons)];
};

union failslot {
	struct failrec	 r;
	unsigned char	 raw[FAIL_RECORD];
};

struct store_attempt {
	int		 fd;
	off_t		 off;
	union failslot	 s;
	int		 slot;		/* kept_at charged, -1: over */
	long		 max;		/* longest back-off, seconds */
	uint32_t	 streak;	/* as found, for a refund */
	int64_t		 next_at;
};

/* F_OFD_SETLK(W) on len bytes at off; l_type F_WRLCK or F_UNLCK. */
static int
lock_range(int fd, off_t off, off_t len, short type, int wait)
{
	struct flock	fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = off;
	fl.l_len = len;
	while (fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

static int
read_slot(int fd, off_t off, union failslot *s)
{
	ssize_t	n;

	do
		n = pread(fd, s->raw, sizeof s->raw, off);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof s->raw ||
	    memcmp(s->r.magic, FAIL_MAGIC, 4) != 0)
		return -1;
	s->r.id[sizeof s->r.id - 1] = '\0';
	if (s->r.nkept > FAIL_KEEP)
		s->r.nkept = FAIL_KEEP;
	return 0;
}

static int
write_slot(int fd, off_t off, const union failslot *s)
{
	ssize_t	n;

	do
		n = pwrite(fd, s->raw, sizeof s->raw, off);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof s->raw || fdatasync(fd) == -1)
		return -1;
	return 0;
}

/* The offset of id's record, appending one when there is none. */
static off_t
find_slot(int fd, const char *id)
{
	union failslot	 s;
	struct stat	 sb;
	off_t		 off;

	if (lock_range(fd, FAIL_ALLOC_AT, 1, F_WRLCK, 1) == -1 ||
	    fstat(fd, &sb) == -1)
		return -1;
	for (off = 0; off + FAIL_RECORD <= sb.st_size; off += FAIL_RECORD) {
		if (read_slot(fd, off, &s) == 0 && strcmp(s.r.id, id) == 0)
			goto out;
	}
	/* A torn last record (a crash while appending) is written over. */
	off = sb.st_size - sb.st_size % FAIL_RECORD;
	memset(&s, 0, sizeof s);
	memcpy(s.r.magic, FAIL_MAGIC, 4);
	snprintf(s.r.id, sizeof s.r.id, "%s", id);
	if (write_slot(fd, off, &s) == -1)
		off = -1;
out:
	lock_range(fd, FAIL_ALLOC_AT, 1, F_UNLCK, 0);
	return off;
}

unsigned
store_failure_delay(int failures, long max)
{
	unsigned long	d;

	if (failures <= 0)
		return 0;
	d = failures > 12 ? 4096 : 1UL << (failures - 1);
	if (max > 0 && d > (unsigned long)max)
		d = (unsigned long)max;
	return (unsigned)d;
}

/* Add one failure for reason to r: kept, or counted past FAIL_KEEP. */
static int
charge(struct failrec *r, size_t reason, int64_t at)
{
	if (r->nkept < FAIL_KEEP) {
		r->kept_at[r->nkept] = at;
		r->kept_reason[r->nkept] = (uint8_t)reason;
		return (int)r->nkept++;
	}
	if (r->over++ == 0)
		r->over_first = at;
	r->over_last = at;
	r->over_reason[reason]++;
	return -1;
}

int
store_attempt_begin(const char *dir, const char *id, int known, long max,
    struct store_attempt **out, char **cause)
{
	struct store_attempt	*a;
	unsigned char		 h[8];
	char			*path, bucket[8];
	time_t			 now;
	int64_t			 wait;

	if (!known) {
		crypto_generichash(h, sizeof h, (const unsigned char *)id,
		    strlen(id), NULL, 0);
		snprintf(bucket, sizeof bucket, "?%02u",
		    (unsigned)(h[0] % FAIL_UNKNOWN));
		sodium_memzero(h, sizeof h);
		id = bucket;
	}
	a = xcalloc(1, sizeof *a);
	a->max = max;
	path = xj_path_join(dir, STORE_FAILREC_NAME);
	a->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0660);
	free(path);
	if (a->fd == -1 || (a->off = find_slot(a->fd, id)) == -1 ||
	    lock_range(a->fd, a->off, FAIL_RECORD, F_WRLCK, 1) == -1 ||
	    read_slot(a->fd, a->off, &a->s) == -1)
		goto fail;
	/*
	 * Our turn: wait out the back-off here, holding the record, so
	 * that parallel guesses queue behind it.  Bounded, should the
	 * clock have been set back.
	 */
	now = time(NULL);
	wait = a->s.r.next_at - (int64_t)now;
	if (wait > max)
		wait = max;
	while (wait > 0)
		wait = (int64_t)sleep((unsigned)wait);
	a->streak = a->s.r.streak;
	a->next_at = a->s.r.next_at;
	a->s.r.streak++;
	a->s.r.next_at = (int64_t)time(NULL) +
	    store_failure_delay((int)a->s.r.streak, a->max);
	a->slot = charge(&a->s.r, REASON_UNFINISHED, (int64_t)xj_now());
	if (write_slot(a->fd, a->off, &a->s) == -1)
		goto fail;
	*out = a;
	return XJ_OK;
fail:
	if (a->fd != -1)
		close(a->fd);
	free(a);
	return xj_fail(cause, XJ_EIO, _("cannot record the login attempt in "
	    "%s: %s"), dir, strerror(errno));
}

int
store_attempt_end(struct store_attempt *a, const char *reason)
{
	struct failrec	*r = &a->s.r;
	size_t		 i, k = REASON_OTHER;
	int		 streak;

	if (reason == NULL || *reason == '\0') {
		/* Right, or never tried: the charge is refunded. */
		if (a->slot >= 0 && r->nkept == (uint32_t)a->slot + 1)
			r->nkept--;
		else if (a->slot < 0 && r->over > 0) {
			r->over--;
			r->over_reason[REASON_UNFINISHED]--;
		}
		r->streak = reason == NULL ? 0 : a->streak;
		r->next_at = reason == NULL ? 0 : a->next_at;
	} else {
		for (i = 0; i < nitems(reasons); i++) {
			if (strcmp(reason, reasons[i]) == 0)
				k = i;
		}
		if (a->slot >= 0)
			r->kept_reason[a->slot] = (uint8_t)k;
		else {
			r->over_reason[REASON_UNFINISHED]--;
			r->over_reason[k]++;
		}
		r->next_at = (int64_t)time(NULL) +
		    store_failure_delay((int)r->streak, a->max);
	}
	streak = (int)r->streak;
	/* Closing drops the lock: the next in the queue goes on. */
	write_slot(a->fd, a->off, &a->s);
	close(a->fd);
	free(a);
	return streak;
}

/* Log what waits in record s: each kept failure, then one for the rest. */
static int
log_slot(struct store *st, const struct failrec *r, char **cause)
{
	struct audit_entry	 e;
	FILE			*f;
	char			*detail, first[32], last[32];
	size_t			 i, len;
	int			 rc = XJ_OK;

	memset(&e, 0, sizeof e);
	e.operator = policy_valid_id(r->id) ? r->id : "?";
	e.action = "login.failed";
	for (i = 0; rc == XJ_OK && i < r->nkept; i++) {
		e.at = (time_t)r->kept_at[i];
		xasprintf(&detail, "reason=%s", reasons[r->kept_reason[i] <
		    nitems(reasons) ? r->kept_reason[i] : REASON_OTHER]);
		e.detail = detail;
		rc = audit_append(st->db, st->branch, &e, cause);
		free(detail);
	}
	if (rc != XJ_OK || r->over == 0)
		return rc;
	xj_isotime((time_t)r->over_first, first, sizeof first);
	xj_isotime((time_t)r->over_last, last, sizeof last);
	if ((f = open_memstream(&detail, &len)) == NULL)
		fatalx_oom();
	fprintf(f, "reason=many count=%llu first=%s last=%s",
	    (unsigned long long)r->over, first, last);
	for (i = 0; i < nitems(reasons); i++) {
		if (r->over_reason[i] != 0)
			fprintf(f, " %s=%llu", reasons[i],
			    (unsigned long long)r->over_reason[i]);
	}
	if (fclose(f) != 0)
		fatalx_oom();
	e.at = (time_t)r->over_last;
	e.detail = detail;
	rc = audit_append(st->db, st->branch, &e, cause);
	free(detail);
	return rc;
}

/*
 * Move every record's waiting failures into the log.  A record an
 * attempt holds is skipped (F_OFD_SETLK, not W): it is moved next time.
 * The log commits before the records are emptied, so a crash between
 * the two can log a failure twice, never lose one.
 */
static int
drain_records(struct store *st, const char *dir, char **cause)
{
	union failslot	 s;
	struct stat	 sb;
	char		*path;
	off_t		 off, *held = NULL;
	size_t		 n = 0, i;
	int		 fd, rc = XJ_OK, begun = 0;

	path = xj_path_join(dir, STORE_FAILREC_NAME);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return XJ_OK;
	if (fstat(fd, &sb) == -1)
		goto out;
	for (off = 0; rc == XJ_OK && off + FAIL_RECORD <= sb.st_size;
	    off += FAIL_RECORD) {
		if (lock_range(fd, off, FAIL_RECORD, F_WRLCK, 0) == -1)
			continue;
		if (read_slot(fd, off, &s) == -1 ||
		    (s.r.nkept == 0 && s.r.over == 0)) {
			lock_range(fd, off, FAIL_RECORD, F_UNLCK, 0);
			continue;
		}
		if (!begun && (rc = tx_begin(st, cause)) != XJ_OK)
			break;
		begun = 1;
		held = xreallocarray(held, n + 1, sizeof *held);
		held[n++] = off;
		rc = log_slot(st, &s.r, cause);
	}
	if (begun && rc != XJ_OK)
		tx_rollback(st);
	else if (begun)
		rc = tx_commit(st, cause);
	for (i = 0; i < n; i++) {
		if (rc == XJ_OK && read_slot(fd, held[i], &s) == 0) {
			s.r.nkept = 0;
			s.r.over = 0;
			memset(s.r.over_reason, 0, sizeof s.r.over_reason);
			write_slot(fd, held[i], &s);
		}
		lock_range(fd, held[i], FAIL_RECORD, F_UNLCK, 0);
	}
out:
	free(held);
	close(fd);
	return rc;
}

/*
 * The text file of earlier versions, STORE_AUTHFAIL_NAME: a line
 * "time<TAB>id<TAB>reason" per failure.  Read once, logged, removed;
 * nothing writes it any more.
 */
static int
drain_legacy(struct store *st, const char *path, char **cause)
{
	struct audit_entry	 e;
	char			*buf, *line, *next, *id, *reason, *detail;
	size_t			 i;
	int			 rc;

	if (xj_read_file(path, 64 << 20, &buf, NULL, NULL) != XJ_OK)
		return XJ_OK;
	if ((rc = tx_begin(st, cause)) != XJ_OK) {
		free(buf);
		return rc;
	}
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((id = strchr(line, '\t')) == NULL)
			continue;
		*id++ = '\0';
		if ((reason = strchr(id, '\t')) == NULL)
			continue;
		*reason++ = '\0';
		for (i = 1; i < REASON_OTHER; i++) {
			if (strcmp(reason, reasons[i]) == 0)
				break;
		}
		memset(&e, 0, sizeof e);
		e.at = (time_t)strtoll(line, NULL, 10);
		e.operator = policy_valid_id(id) ? id : "?";
		e.action = "login.failed";
		xasprintf(&detail, "reason=%s", reasons[i]);
		e.detail = detail;
		rc = audit_append(st->db, st->branch, &e, cause);
		free(detail);
		if (rc != XJ_OK) {
			tx_rollback(st);
			free(buf);
			return rc;
		}
	}
	free(buf);
	if ((rc = tx_commit(st, cause)) != XJ_OK)
		return rc;
	unlink(path);
	return XJ_OK;
}

int
store_drain_auth_failures(struct store *st, const char *dir, char **cause)
{
	glob_t	 g;
	char	*path, *pattern;
	size_t	 i;
	int	 rc;

	/* An upgraded branch's old file, and any its drains left aside. */
	path = xj_path_join(dir, STORE_AUTHFAIL_NAME);
	rc = drain_legacy(st, path, cause);
	xasprintf(&pattern, "%s.*", path);
	if (rc == XJ_OK && glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
		for (i = 0; rc == XJ_OK && i < g.gl_pathc; i++)
			rc = drain_legacy(st, g.gl_pathv[i], cause);
		globfree(&g);
	}
	free(pattern);
	free(path);
	if (rc != XJ_OK)
		return rc;
	return drain_records(st, dir, cause);
}
