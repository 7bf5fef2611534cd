/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * guardian.h — the register of guardians' requests: to see (access),
 * correct (correction) or delete (deletion) a child's data, or to
 * complain (complaint).  Each is registered with when and how it came in
 * and is due guardian_request_days later.  A correction is carried out
 * by a change request, a deletion by a destruction request: linked to
 * one, the guardian's request closes by itself, in the same transaction,
 * when that request is approved or rejected.  The answer given to the
 * guardian (the response) can be recorded then, once.
 *
 * Every function needs request.manage; the access file also needs
 * student.view.  The summary and the response are personal data: they
 * never reach the audit log or a list, and a destruction of the student
 * empties them (the row stays, as a record that the request was dealt
 * with).
 */
#ifndef XUEJI_GUARDIAN_H
#define XUEJI_GUARDIAN_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "xueji/store.h"

enum guardian_kind {
	GUARDIAN_ACCESS,
	GUARDIAN_CORRECTION,
	GUARDIAN_DELETION,
	GUARDIAN_COMPLAINT,
};
const char *guardian_kind_name(enum guardian_kind);	/* "access" */
const char *guardian_kind_label(enum guardian_kind);	/* translated */
int	 guardian_kind_parse(const char *);		/* -1 if none */
/* phone, in-person, message, letter or email. */
int	 guardian_channel_valid(const char *);
/* The i-th channel's name ("phone"), NULL past the last. */
const char *guardian_channel_code(size_t i);
/* A channel as the screens say it ("by phone"); the name itself when
 * unknown. */
const char *guardian_channel_label(const char *);

struct guardian_request {
	int64_t			 id;
	enum guardian_kind	 kind;
	char			*number;	/* the student */
	char			*channel;
	time_t			 received_at;
	time_t			 due_at;
	int			 open;
	int			 overdue;	/* open and past due_at, at the
						   time of the call */
	int64_t			 request;	/* linked request, or 0 */
	char			*outcome;	/* NULL while open; "answered",
						   "approved", "rejected" or
						   "destroyed" */
	char			*summary;	/* NULL in lists */
	char			*response;	/* NULL in lists; "" for none */
	char			*filed_by;
	time_t			 filed_at;
	char			*closed_by;	/* NULL while open */
	time_t			 closed_at;
	char			*responded_by;	/* NULL: no response yet */
	time_t			 responded_at;
};
void	 guardian_request_free(struct guardian_request *);

/*
 * Register a request of kind about student number, received at received
 * (0: now; never in the future) by channel, with a summary of what the
 * guardian asked (required).  Due guardian_request_days after received.
 * A destroyed student is XJ_ENOINPUT.  *id is the new entry's id.
 * Logged as guardian.request.add, without the summary.
 */
int	 store_guardian_add(struct store *, enum guardian_kind,
	     const char *number, time_t received, const char *channel,
	     const char *summary, int64_t *id, char **cause);

/*
 * Link open request id to the pending request that carries it out: a
 * change request for a correction, a destruction request for a
 * deletion, about the same student (XJ_EDATA otherwise).  A new link
 * replaces one to a request that was withdrawn; one to a request still
 * pending is XJ_EBUSY.
 */
int	 store_guardian_link(struct store *, int64_t id, int64_t request,
	     char **cause);

/*
 * Close request id with the response given to the guardian (required).
 * XJ_EBUSY while its linked request is pending (it closes by itself when
 * that is decided) and when a response was recorded already.  On a
 * request closed by its linked request's decision, records the response.
 * For a destroyed student the text is not kept.
 */
int	 store_guardian_close(struct store *, int64_t id, const char *response,
	     char **cause);

/* Which requests store_guardian_list lists. */
enum guardian_list {
	GUARDIAN_OPEN,		/* open, oldest first */
	GUARDIAN_OVERDUE,	/* open and past due at now, oldest first */
	GUARDIAN_ALL,		/* every one, oldest first */
};
/*
 * Call fn for each request of the list as of now, without summary or
 * response, until fn returns non-zero.  As guardian.request.list, as
 * store_shown says: without shown logged whole before fn is called;
 * with shown not logged, the screen logs its rows.
 */
int	 store_guardian_list(struct store *, enum guardian_list, time_t now,
	     int (*fn)(const struct guardian_request *, void *), void *arg,
	     struct store_shown *shown, char **cause);

/*
 * One request with its summary and response; logged as
 * guardian.request.view.  XJ_ENOINPUT for no such request.
 */
int	 store_guardian_get(struct store *, int64_t id,
	     struct guardian_request **out, char **cause);

/*
 * How many open requests are past due at now, for the approval queue
 * and the screens.  Needs request.manage, change.approve or report.view;
 * without, XJ_EPERM and *n 0, not logged (screens poll this).
 */
int	 store_guardian_overdue(struct store *, time_t now, long *n);

/*
 * Write everything held about student number to f, as UTF-8 text a
 * guardian can read: every field unmasked, consent, status and its
 * history, the history of every field with dates and reasons, the
 * requests about the record, and who opened the record when (from the
 * audit log).  Nothing about any other student.  Needs student.view,
 * request.manage, student.phone and student.sensitive, and an open
 * access request for the student (else XJ_EPERM, logged as access.denied);
 * refused (XJ_EDATA) while a destruction is pending, as the record is
 * then restricted.  Logged as guardian.access-file naming the oldest open
 * access request (guardian=ID).  On failure part of the text may have
 * been written: discard it.
 */
int	 store_guardian_access_file(struct store *, const char *number,
	     FILE *f, char **cause);

#endif
