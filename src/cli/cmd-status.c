/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji status set|review|due|list|counts: the archive.  A student is
 * active, completed or withdrawn; each record is reviewed every
 * review_months, and kept after completion or withdrawal only as long as
 * retention allows.  "destroyed" is reached through "xueji destroy".
 *
 * Output for scripts: tab-separated, the student number first, days as
 * 2026-11-24 (local time).  The lists hold no personal value but the number.
 * status set changes the status when the operator may (status.set) and
 * files a request for the queue otherwise, printing only its id; which
 * of the two happened is said on stderr.  The reason, as every argument,
 * is wiped from the process's arguments by main before the command runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/archive.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "cli.h"

struct status_opts {
	const char	*reason;	/* into argv: main wiped it */
	int		 status;	/* --status, or -1 */
	int		 year;		/* --year, or 0 */
	int		 due;		/* enum archive_list, or -1 */
};

static int
status_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct status_opts	*o = p;
	char			*end;
	long			 v;
	int			 due;

	(void)c;
	switch (ch) {
	case 'r':
		o->reason = arg;
		return XJ_OK;
	case 's':
		return cli_parse_status(arg, 0, &o->status);
	case 'y':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || v < 1900 ||
		    v > 9999)
			return cli_errorf(XJ_EUSAGE, "%s", _("--year must be a "
			    "year such as 2026"));
		o->year = (int)v;
		return XJ_OK;
	case 'R':
		due = ARCHIVE_REVIEW_DUE;
		break;
	case 'T':
		due = ARCHIVE_RETENTION_DUE;
		break;
	default:
		return XJ_EUSAGE;
	}
	if (o->due != -1 && o->due != due)
		return cli_errorf(XJ_EUSAGE, "%s", _("give one of --review and "
		    "--retention"));
	o->due = due;
	return XJ_OK;
}

/*
 * Parse a verb's options and check that exactly nargs operands are
 * left.
 */
static int
parse_verb(struct cli *c, int argc, char **argv,
    const struct option *longopts, struct status_opts *o, int nargs,
    int *first)
{
	int	rc;

	memset(o, 0, sizeof *o);
	o->status = o->due = -1;
	rc = cli_parse(c, argc, argv, NULL, longopts, status_option, o,
	    first);
	if (rc != XJ_OK || argc - *first != nargs)
		return cli_usage(&cmd_status);
	return XJ_OK;
}

static int
status_set(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct status_opts	 o;
	const char		*number;
	char			*cause = NULL;
	int64_t			 id;
	int			 rc, first, to;

	if ((rc = parse_verb(c, argc, argv, longopts, &o, 2, &first)) !=
	    XJ_OK)
		goto out;
	number = argv[first];
	if (status_parse(argv[first + 1]) == STATUS_DESTROYED) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("a record is destroyed "
		    "only through \"xueji destroy request\""));
		goto out;
	}
	if ((rc = cli_parse_status(argv[first + 1], 0, &to)) != XJ_OK)
		goto out;
	if (o.reason == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say why the status changes "
		    "with --reason TEXT"));
		goto out;
	}
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	if (policy_allows(c->s->op, PERM_STATUS_SET)) {
		rc = store_status_set(c->s->st, number, to, o.reason, &cause);
		if (rc == XJ_OK)
			fprintf(stderr, _("xueji: %s is now %s\n"), number,
			    status_label(to));
	} else {
		rc = store_status_request(c->s->st, number, to, o.reason, &id,
		    &cause);
		if (rc == XJ_OK) {
			printf("%" PRId64 "\n", id);
			fprintf(stderr, _("xueji: request %" PRId64 " filed: "
			    "the change to %s waits for approval\n"), id,
			    status_label(to));
		}
	}
	rc = cli_error(rc, &cause);
out:
	return rc;
}

static int
status_review(struct cli *c, int argc, char **argv)
{
	struct status_opts	 o;
	char			*cause = NULL, day[32];
	time_t			 next;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, NULL, &o, 1, &first)) != XJ_OK)
		return rc;
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	if ((rc = store_review(c->s->st, argv[first], &next, &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	xj_dayfmt(next, day, sizeof day);
	printf("%s\n", day);
	return XJ_OK;
}

/* number, status, enrolled, then the list's dates, then "frozen". */
static int
print_due(const struct archive_entry *e, void *arg)
{
	const int	*which = arg;
	char		 enrolled[32], when[32];

	xj_dayfmt(e->enrolled_at, enrolled, sizeof enrolled);
	xj_dayfmt(*which == ARCHIVE_RETENTION_DUE ? e->keep_until :
	    e->next_review, when, sizeof when);
	printf("%s\t%s\t%s\t%s\t%s\n", e->number, status_name(e->status),
	    enrolled, when, e->frozen ? "frozen" : "");
	return 0;
}

static int
print_listed(const struct archive_entry *e, void *arg)
{
	char	enrolled[32], changed[32], next[32];

	(void)arg;
	xj_dayfmt(e->enrolled_at, enrolled, sizeof enrolled);
	xj_dayfmt(e->status_at, changed, sizeof changed);
	xj_dayfmt(e->next_review, next, sizeof next);
	printf("%s\t%s\t%s\t%s\t%s\t%s\n", e->number, status_name(e->status),
	    enrolled, changed, next, e->frozen ? "frozen" : "");
	return 0;
}

static int
status_due(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "review",	no_argument,	   NULL, 'R' },
		{ "retention",	no_argument,	   NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct status_opts	 o;
	char			*cause = NULL;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, longopts, &o, 0, &first)) !=
	    XJ_OK)
		return rc;
	if (o.due == -1)
		o.due = ARCHIVE_REVIEW_DUE;
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_archive(c->s->st, (enum archive_list)o.due, -1, 0,
	    xj_now(), print_due, &o.due, NULL, &cause);
	return cli_error(rc, &cause);
}

static int
status_list(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status",	required_argument, NULL, 's' },
		{ "year",	required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct status_opts	 o;
	char			*cause = NULL;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, longopts, &o, 0, &first)) !=
	    XJ_OK)
		return rc;
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_archive(c->s->st, ARCHIVE_STATUS, o.status, o.year,
	    xj_now(), print_listed, NULL, NULL, &cause);
	return cli_error(rc, &cause);
}

static int
status_counts(struct cli *c, int argc, char **argv)
{
	struct status_opts	 o;
	char			*cause = NULL;
	long			 counts[4];
	int			 rc, first, i;

	if ((rc = parse_verb(c, argc, argv, NULL, &o, 0, &first)) != XJ_OK)
		return rc;
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	if ((rc = store_status_counts(c->s->st, counts, &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	for (i = STATUS_ACTIVE; i <= STATUS_DESTROYED; i++)
		printf("%s\t%ld\n", status_name(i), counts[i]);
	return XJ_OK;
}

static int
status_exec(struct cli *c, int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "set",	status_set },
		{ "review",	status_review },
		{ "due",	status_due },
		{ "list",	status_list },
		{ "counts",	status_counts },
	};

	return cli_dispatch(c, verbs, nitems(verbs), argc, argv);
}

const struct cmd cmd_status = {
	.name = "status",
	.synopsis = N_("set NUMBER active|completed|withdrawn --reason TEXT\n"
	    "review NUMBER\n"
	    "due [--review | --retention]\n"
	    "list [--status active|completed|withdrawn] [--year YYYY]\n"
	    "counts"),
	.help = N_("archive status, quarterly review and retention"),
	.exec = status_exec,
};
