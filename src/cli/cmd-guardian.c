/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji request add|link|close|list|show|access-file: the register of
 * guardians' requests (guardian.h) on the command line.  The command
 * keeps the name it had before this file was named for what it holds,
 * so that scripts go on working; there is no second name (xueji(1)).
 * It is not store/request.c's change, status and destruction requests:
 * those are cmd-change.c, cmd-status.c and cmd-destroy.c.
 *
 * Output for scripts: "add" prints the new id alone; "list" prints one
 * request a line, tab-separated: id, kind, student number, channel,
 * received and due (local days, YYYY-MM-DD), state (open or closed), the
 * outcome ("" while open; answered, approved, rejected, or destroyed when
 * the student's destruction closed it), the linked
 * request id ("" for none), and "OVERDUE" for an open request past its
 * due day or "unanswered" for one closed by its linked request's
 * decision without a response recorded yet ("" otherwise).  Exit codes
 * are the store's: 77 refused, 75 closed already or linked request
 * still pending, 66 no such request or student, 65 bad data.  The
 * summary and the response are wiped from the process's arguments by
 * main before the command runs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/destroy.h"
#include "xueji/guardian.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "cli.h"

struct guardian_opts {
	const char	*summary;	/* into argv: main wiped it */
	const char	*response;
	int		 kind;		/* enum guardian_kind, or -1 */
	const char	*student;
	const char	*channel;
	const char	*received;
	const char	*to;
	const char	*output;
	int		 list;		/* enum guardian_list, or -1 */
};

static int
guardian_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct guardian_opts	*o = p;
	int			 list = -1;

	(void)c;
	switch (ch) {
	case 'k':
		if ((o->kind = guardian_kind_parse(arg)) < 0)
			return cli_errorf(XJ_EUSAGE, "%s", _("--kind must be "
			    "access, correction, deletion or complaint"));
		return XJ_OK;
	case 's':
		o->student = arg;
		return XJ_OK;
	case 'C':
		if (!guardian_channel_valid(arg))
			return cli_errorf(XJ_EUSAGE, "%s", _("--channel must "
			    "be phone, in-person, message, letter or email"));
		o->channel = arg;
		return XJ_OK;
	case 'R':
		o->received = arg;
		return XJ_OK;
	case 'S':
		o->summary = arg;
		return XJ_OK;
	case 'r':
		o->response = arg;
		return XJ_OK;
	case 't':
		o->to = arg;
		return XJ_OK;
	case 'o':
		o->output = arg;
		return XJ_OK;
	case 'O':
		list = GUARDIAN_OPEN;
		break;
	case 'D':
		list = GUARDIAN_OVERDUE;
		break;
	case 'A':
		list = GUARDIAN_ALL;
		break;
	default:
		return XJ_EUSAGE;
	}
	if (o->list != -1 && o->list != list)
		return cli_errorf(XJ_EUSAGE, "%s", _("give one of --open, "
		    "--overdue and --all"));
	o->list = list;
	return XJ_OK;
}

/* Parse a verb's options, expect nargs operands. */
static int
parse_verb(struct cli *c, int argc, char **argv, const char *shortopts,
    const struct option *longopts, struct guardian_opts *o, int nargs,
    int *first)
{
	int	rc;

	memset(o, 0, sizeof *o);
	o->kind = o->list = -1;
	rc = cli_parse(c, argc, argv, shortopts, longopts, guardian_option, o,
	    first);
	if (rc != XJ_OK || argc - *first != nargs)
		return cli_usage(&cmd_guardian);
	return XJ_OK;
}

static int
guardian_add(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kind",	required_argument, NULL, 'k' },
		{ "student",	required_argument, NULL, 's' },
		{ "channel",	required_argument, NULL, 'C' },
		{ "received",	required_argument, NULL, 'R' },
		{ "summary",	required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct guardian_opts	 o;
	char			*cause = NULL;
	time_t			 received = 0;
	int64_t			 id = 0;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, NULL, longopts, &o, 0,
	    &first)) != XJ_OK)
		goto out;
	if (o.kind < 0 || o.student == NULL || o.channel == NULL ||
	    o.summary == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("give --kind, --student, "
		    "--channel and --summary"));
		goto out;
	}
	if (o.received != NULL &&
	    (rc = cli_parse_day(o.received, 0, &received)) != XJ_OK)
		goto out;
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	rc = store_guardian_add(c->s->st, (enum guardian_kind)o.kind,
	    o.student, received, o.channel, o.summary, &id, &cause);
	if (rc == XJ_OK)
		printf("%" PRId64 "\n", id);
	rc = cli_error(rc, &cause);
out:
	return rc;
}

/* link, close and show: one id. */
static int
guardian_one(struct cli *c, int argc, char **argv)
{
	static const struct option none[] = {
		{ NULL, 0, NULL, 0 }
	};
	static const struct option link_opts[] = {
		{ "to",		required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct option close_opts[] = {
		{ "response",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const struct option	*longopts = none;
	const char		*verb = argv[0];
	struct guardian_request	*g;
	struct guardian_opts	 o;
	char			*cause = NULL, day[32];
	int64_t			 id = 0, to = 0;
	int			 rc, first;

	if (strcmp(verb, "link") == 0)
		longopts = link_opts;
	else if (strcmp(verb, "close") == 0)
		longopts = close_opts;
	if ((rc = parse_verb(c, argc, argv, NULL, longopts, &o, 1,
	    &first)) != XJ_OK || (rc = cli_parse_id(argv[first], &id)) != 0)
		goto out;
	if (longopts == link_opts && (o.to == NULL ||
	    (rc = cli_parse_id(o.to, &to)) != XJ_OK)) {
		if (o.to == NULL)
			rc = cli_errorf(XJ_EUSAGE, "%s", _("name the change or "
			    "destruction request with --to ID"));
		goto out;
	}
	if (longopts == close_opts && o.response == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say what the guardian was "
		    "told with --response TEXT"));
		goto out;
	}
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	if (longopts == link_opts)
		rc = store_guardian_link(c->s->st, id, to, &cause);
	else if (longopts == close_opts)
		rc = store_guardian_close(c->s->st, id, o.response, &cause);
	else if ((rc = store_guardian_get(c->s->st, id, &g, &cause)) ==
	    XJ_OK) {
		printf("id\t%" PRId64 "\n", g->id);
		printf("kind\t%s\n", guardian_kind_name(g->kind));
		printf("student\t%s\n", g->number);
		printf("channel\t%s\n", g->channel);
		xj_dayfmt(g->received_at, day, sizeof day);
		printf("received\t%s\n", day);
		xj_dayfmt(g->due_at, day, sizeof day);
		printf("due\t%s%s\n", day, g->overdue ? "\tOVERDUE" : "");
		printf("state\t%s\n", g->open ? "open" : "closed");
		if (g->request != 0)
			printf("request\t%" PRId64 "\n", g->request);
		printf("filed_by\t%s\n", g->filed_by);
		cli_put_time("filed_at", g->filed_at);
		if (!g->open) {
			printf("outcome\t%s\n", g->outcome);
			printf("closed_by\t%s\n", g->closed_by);
			cli_put_time("closed_at", g->closed_at);
		}
		if (g->responded_by != NULL) {
			printf("responded_by\t%s\n", g->responded_by);
			cli_put_time("responded_at", g->responded_at);
		}
		printf("summary\t");
		cli_put_text(g->summary);
		printf("\nresponse\t");
		cli_put_text(g->response);
		putchar('\n');
		guardian_request_free(g);
	}
	rc = cli_error(rc, &cause);
out:
	return rc;
}

static int
print_listed(const struct guardian_request *g, void *arg)
{
	char	received[32], due[32];

	(void)arg;
	xj_dayfmt(g->received_at, received, sizeof received);
	xj_dayfmt(g->due_at, due, sizeof due);
	printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t", g->id,
	    guardian_kind_name(g->kind), g->number, g->channel, received, due,
	    g->open ? "open" : "closed", g->outcome != NULL ? g->outcome : "");
	if (g->request != 0)
		printf("%" PRId64, g->request);
	printf("\t%s\n", g->overdue ? "OVERDUE" : !g->open &&
	    g->responded_by == NULL ? "unanswered" : "");
	return 0;
}

static int
guardian_list(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "open",	no_argument, NULL, 'O' },
		{ "overdue",	no_argument, NULL, 'D' },
		{ "all",	no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 }
	};
	struct guardian_opts	 o;
	char			*cause = NULL;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, NULL, longopts, &o, 0,
	    &first)) != XJ_OK)
		goto out;
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	rc = cli_error(store_guardian_list(c->s->st, o.list != -1 ?
	    (enum guardian_list)o.list : GUARDIAN_OPEN, xj_now(),
	    print_listed, NULL, NULL, &cause), &cause);
out:
	return rc;
}

/*
 * Everything held about a student, for the guardian.  Written whole or
 * not at all: the text is made in memory, where the store logs it, and
 * only then written (atomically, mode 0600) or printed for "-o -".
 */
static int
guardian_access_file(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",	required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct guardian_opts	 o;
	FILE			*f;
	char			*cause = NULL, *buf = NULL;
	size_t			 len = 0;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, "o:", longopts, &o, 1,
	    &first)) != XJ_OK)
		goto out;
	if (o.output == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("name the file to write "
		    "with -o FILE (\"-o -\" for standard output)"));
		goto out;
	}
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	if ((f = open_memstream(&buf, &len)) == NULL)
		fatalx_oom();
	rc = store_guardian_access_file(c->s->st, argv[first], f, &cause);
	if (fclose(f) != 0)
		fatalx_oom();
	if (rc == XJ_OK) {
		if (strcmp(o.output, "-") == 0) {
			if (fwrite(buf, 1, len, stdout) != len)
				rc = cli_errorf(XJ_EIO, "%s", _("cannot write "
				    "the output"));
		} else
			rc = xj_write_user_file(o.output, buf, len, &cause);
	}
	xfree_wipe(buf);
	rc = cli_error(rc, &cause);
out:
	return rc;
}

static int
guardian_exec(struct cli *c, int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "add",		guardian_add },
		{ "link",		guardian_one },
		{ "close",		guardian_one },
		{ "show",		guardian_one },
		{ "list",		guardian_list },
		{ "access-file",	guardian_access_file },
	};

	return cli_dispatch(c, verbs, nitems(verbs), argc, argv);
}

const struct cmd cmd_guardian = {
	.name = "request",
	.synopsis = N_("add --kind access|correction|deletion|complaint "
	    "--student NUMBER --channel phone|in-person|message|letter|email "
	    "[--received YYYY-MM-DD] --summary TEXT\n"
	    "link ID --to REQUEST_ID\n"
	    "close ID --response TEXT\n"
	    "list [--open | --overdue | --all]\n"
	    "show ID\n"
	    "access-file NUMBER -o FILE"),
	.help = N_("the register of guardians' requests"),
	.exec = guardian_exec,
};
