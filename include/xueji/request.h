/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * request.h — change, status and destruction requests: filing,
 * deciding (four eyes), withdrawing, acknowledging, the guardian's
 * confirmation of a change, and the queues.
 */
#ifndef XUEJI_REQUEST_H
#define XUEJI_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "xueji/student.h"

/*
 * Requests: nothing in a record is edited in place.  A change is filed
 * as a request holding only the fields that change (old and new), a
 * reason and the supporting document seen; someone other than the
 * requester decides it.  That rule is the store's, for every role, and
 * the schema holds it too (a CHECK on the table).  Status and
 * destruction requests share the table and the queue.
 */
enum request_kind {
	REQ_CHANGE,
	REQ_STATUS,
	REQ_DESTROY,
};
enum request_state {
	REQ_PENDING,
	REQ_APPROVED,
	REQ_REJECTED,
	REQ_WITHDRAWN,
	REQ_CLOSED,		/* ended by the record's destruction */
};
const char *request_kind_name(enum request_kind);	/* "change" */
const char *request_kind_label(enum request_kind);	/* translated */
const char *request_state_name(enum request_state);	/* "pending" */
const char *request_state_label(enum request_state);	/* translated */

struct request_change {
	char	*key;
	char	*old;		/* "" for a field that was empty */
	char	*new;		/* "" to empty an optional field */
};

struct request {
	int64_t			 id;
	enum request_kind	 kind;
	enum request_state	 state;
	char			*number;	/* the student */
	char			*name;		/* the student's, for dialogs */
	char			*reason;
	char			*evidence;
	char			*requested_by;
	time_t			 requested_at;
	char			*decided_by;	/* NULL while pending */
	time_t			 decided_at;
	char			*note;		/* a rejection's */
	char			*confirmed_by;	/* the guardian's confirmation */
	time_t			 confirmed_at;
	char			*confirm_method;
	int			 new_status;	/* status requests, else -1 */
	/*
	 * A status request's status before: the record's now while it is
	 * pending, the one it changed from once approved; else -1.
	 */
	int			 old_status;
	char			*reason_code;	/* destruction requests */
	struct request_change	*changes;	/* masked as the operator sees */
	size_t			 nchanges;
	int64_t			 closed_by;	/* the destruction request that
						   closed it, or 0 */
	time_t			 closed_at;
	time_t			 seen_at;	/* the requester acknowledged
						   the decision; 0: not yet */
	int64_t			 frozen_by;	/* store_request_get: the
						   pending destruction that
						   freezes the record, or 0 */
};
void	 request_free(struct request *);
/*
 * Whether request r, as store_request_get read it, may be decided now
 * (approved, rejected or withdrawn), by the store's table of what may
 * happen in which state: not once decided, and not while a destruction
 * other than r freezes its record.  The store asks again when it acts.
 */
int	 request_decidable(const struct request *r);

/* The ways a guardian can confirm an applied change. */
int	 confirm_method_valid(const char *);	/* phone, in-person, message */

/*
 * File a change request for student number (change.request).  Every new
 * value is validated as at enrolment; only those that differ from the
 * record are kept, and none differing is XJ_EDATA.  reason is required.
 * A destroyed student is XJ_ENOINPUT.  *id is the new request's id.
 */
int	 store_change_request(struct store *, const char *number,
	     const struct field_input *, size_t n, const char *reason,
	     const char *evidence, int64_t *id, char **cause);

/*
 * One request with its old and new values (change.request,
 * change.approve or change.confirm); logged as a read of the student.
 * XJ_ENOINPUT for no such request.
 */
int	 store_request_get(struct store *, int64_t id, struct request **out,
	     char **cause);

/*
 * Decide a pending request (change.approve).  The requester can never
 * decide their own: XJ_EPERM, logged.  A request decided meanwhile is
 * XJ_EBUSY naming who decided it.  Approving a change whose old values
 * no longer match the record, or a status request whose record's status
 * is no longer the one it was filed against, is XJ_EDATA (stale) and
 * changes nothing; otherwise the new values, their history and the
 * audit entry commit together.  Rejecting needs a note.
 */
int	 store_request_approve(struct store *, int64_t id, char **cause);
int	 store_request_reject(struct store *, int64_t id, const char *note,
	     char **cause);
/* Withdraw one's own pending request. */
int	 store_request_withdraw(struct store *, int64_t id, char **cause);
/*
 * Whether pending change or status request id would be refused as stale
 * now: XJ_OK when every old value it holds is still the record's, or the
 * status it was filed against still the record's (and for any other
 * request), XJ_EDATA with the message approval would give, naming the
 * first moved field by its form label or both statuses, when not.  A
 * read, not logged (change.approve, destroy.approve or change.request).
 * For screens: refuse before asking, not after.
 */
int	 store_request_stale(struct store *, int64_t id, char **cause);
/*
 * The requester has read the decision of request id (approved, rejected
 * or closed by the record's destruction): it leaves LIST_MINE.  Only the
 * requester (XJ_EPERM); a pending one is XJ_EBUSY; acknowledging again
 * is XJ_OK and changes nothing.  Logged as request.acknowledge.
 */
int	 store_request_acknowledge(struct store *, int64_t id, char **cause);
/*
 * Record how and when the guardian confirmed an applied change
 * (change.confirm); method is phone, in-person or message.
 */
int	 store_change_confirm(struct store *, int64_t id, const char *method,
	     char **cause);

/* Which requests store_requests lists. */
enum request_list {
	LIST_PENDING,		/* the approval queue, oldest first */
	LIST_UNCONFIRMED,	/* applied changes the guardian has not
				   confirmed yet, oldest first */
	LIST_MINE,		/* the operator's own pending ones, and
				   those decided that the operator has
				   not acknowledged (with the note) */
};
/*
 * Call fn for each request of the list (without its changes).  The queue
 * needs change.approve, the unconfirmed list change.confirm, one's own
 * change.request.  No personal values are in these rows but the number
 * and, in one's own list, the note the decider wrote for the requester.
 * As request.list, as store_shown says: without shown logged whole
 * before fn is called; with shown not logged, the screen logs its rows.
 */
int	 store_requests(struct store *, enum request_list,
	     int (*fn)(const struct request *, void *), void *arg,
	     struct store_shown *shown, char **cause);

#endif
