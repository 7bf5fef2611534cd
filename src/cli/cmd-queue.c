/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji queue: every pending request, oldest first, as a supervisor
 * works through them.  One request per line, tab-separated: id, kind,
 * student number, requester, age ("3h", "2d 4h"), and "OVERDUE" once
 * older than queue_overdue_hours (else an empty column).  For exact
 * times, see "xueji change list".  After them, for an operator with
 * request.manage, the guardians' requests past their due day, in the
 * same columns: id, "guardian", student number, who registered it, age
 * since it was received, "OVERDUE" (see "xueji request show ID").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "xueji/guardian.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "cli.h"

struct queue_ctx {
	time_t	now;
	long	overdue_hours;
};

/* "0h" to "23h", then "1d 0h", "2d 4h" ... */
static void
format_age(time_t secs, char *buf, size_t len)
{
	long long	hours = (long long)(secs > 0 ? secs : 0) / 3600;

	if (hours < 24)
		snprintf(buf, len, "%lldh", hours);
	else
		snprintf(buf, len, "%lldd %lldh", hours / 24, hours % 24);
}

static int
print_queued(const struct request *r, void *arg)
{
	const struct queue_ctx	*q = arg;
	char			 age[32];
	time_t			 secs = q->now - r->requested_at;

	format_age(secs, age, sizeof age);
	printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\n", r->id,
	    request_kind_name(r->kind), r->number, r->requested_by, age,
	    secs >= (time_t)q->overdue_hours * 3600 ? "OVERDUE" : "");
	return 0;
}

static int
print_guardian(const struct guardian_request *g, void *arg)
{
	const struct queue_ctx	*q = arg;
	char			 age[32];

	format_age(q->now - g->received_at, age, sizeof age);
	printf("%" PRId64 "\tguardian\t%s\t%s\t%s\tOVERDUE\n", g->id,
	    g->number, g->filed_by, age);
	return 0;
}

static int
queue_exec(struct cli *c, int argc, char **argv)
{
	struct queue_ctx	 q;
	char			*cause = NULL;
	int			 rc, first;

	if (cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first) !=
	    XJ_OK || first != argc)
		return cli_usage(&cmd_queue);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	q.now = xj_now();
	q.overdue_hours = c->s->cfg->queue_overdue_hours;
	rc = store_requests(c->s->st, LIST_PENDING, print_queued, &q, NULL,
	    &cause);
	if (rc == XJ_OK && policy_allows(c->s->op, PERM_REQUEST_MANAGE))
		rc = store_guardian_list(c->s->st, GUARDIAN_OVERDUE, q.now,
		    print_guardian, &q, NULL, &cause);
	return cli_error(rc, &cause);
}

const struct cmd cmd_queue = {
	.name = "queue",
	.synopsis = NULL,
	.help = N_("pending requests, oldest first"),
	.exec = queue_exec,
};
