/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * destroy.h — destruction: the request, its execution on approval, the
 * physical erasure, and the records that remain.
 */
#ifndef XUEJI_DESTROY_H
#define XUEJI_DESTROY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "xueji/request.h"

/*
 * Destruction.  A request names the student and why: guardian-request,
 * retention-ended (only once retention is over) or withdrawal (only for
 * a withdrawn student).  Approving it (destroy.approve, four-eyes)
 * executes it in one transaction: every personal value of the student —
 * fields, their history, the old and new values of change requests, the
 * free text of every request about them, consent details, status
 * reasons, search terms — is deleted, and the student becomes a
 * tombstone holding only its number and status.  The WAL is then
 * checkpointed and truncated.  A destruction record, without personal
 * data, is kept forever.
 */
int	 store_destroy_request(struct store *, const char *number,
	     const char *reason_code, int64_t *id, char **cause);
int	 destroy_reason_valid(const char *);
/* A destruction's reason code in words; an unknown code as it is. */
const char	*destroy_reason_label(const char *code);

struct destruction {
	int64_t		 id;
	char		*number;
	char		*reason;	/* guardian-request, … */
	int64_t		 request;
	char		*requested_by;
	time_t		 requested_at;
	char		*approved_by;
	time_t		 approved_at;
	time_t		 executed_at;
	char		*method;	/* as done, or DESTROY_PENDING's code */
	time_t		 backup_expires;
	time_t		 erased_at;	/* WAL seen truncated; 0: pending */
	/*
	 * As the backups are now (store_destruction_get only): the newest
	 * backup in backup_dir made between the student's enrolment and
	 * the destruction, which still holds the data, its time, and the
	 * time after which rotation removes it; NULL and 0 when no backup
	 * holds them.
	 */
	char		*backup_file;
	time_t		 backup_made;
	time_t		 backup_removed;
};
void	 destruction_free(struct destruction *);
/*
 * What a destruction's approval tells fn about its physical erasure,
 * when another session's read holds the write-ahead log: ERASE_WAITING
 * before it waits (ten seconds at most), then ERASE_DONE or
 * ERASE_PENDING (the record says so until a later open or pause of any
 * session finishes it).  Never called when the log is free at once.
 */
enum { ERASE_WAITING, ERASE_DONE, ERASE_PENDING };
void	 store_on_wait(struct store *, void (*fn)(int what, void *arg),
	     void *arg);
/* One record by its id, or by student number when id is 0. */
/*
 * How d was carried out, in words (an unknown method code as it is), with
 * the time the write-ahead log was erased when that came later than the
 * destruction itself.  The caller frees it.
 */
char	*destroy_method_text(const struct destruction *d);
int	 store_destruction_get(struct store *, int64_t id, const char *number,
	     struct destruction **out, char **cause);
/* Every destruction record, oldest first (destroy.request, destroy.approve
 * or report.view). */
int	 store_destructions(struct store *,
	     int (*fn)(const struct destruction *, void *), void *arg,
	     char **cause);

#endif
