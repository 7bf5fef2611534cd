/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji change request|show|approve|reject|withdraw|confirm|acknowledge|
 * list: the command-line mirror of change requests.  Nothing in a record
 * is edited in place; a change is filed, someone else decides it, and
 * the guardian confirms it once applied.  The store enforces all of
 * that; this file only parses, calls and prints.
 *
 * Output for scripts: tab-separated, the request id first in lists; in
 * one's own list (--mine), each decided request adds who decided, when
 * and the note, until "acknowledge" takes it off.  The
 * exit code is the store's: 77 for a refusal (four eyes included), 75
 * when the request was decided meanwhile, 65 for bad data or a stale
 * request, 66 for no such request, 64 for a destruction request (those
 * are decided with "xueji destroy"; status requests are decided here).
 * Free text (reason, evidence, note) and the values are wiped from the
 * process's arguments by main before the command runs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "cli.h"

struct change_opts {
	const char		*reason;	/* into argv: main wiped it */
	const char		*evidence;
	const char		*note;
	const char		*method;
	int			 from_stdin;
	int			 list;		/* enum request_list, or -1 */
};

static int
change_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct change_opts	*o = p;
	int			 list = -1;

	(void)c;
	switch (ch) {
	case 'r':
		o->reason = arg;
		return XJ_OK;
	case 'e':
		o->evidence = arg;
		return XJ_OK;
	case 'n':
		o->note = arg;
		return XJ_OK;
	case 'm':
		if (!confirm_method_valid(arg))
			return cli_errorf(XJ_EUSAGE, "%s", _("--method must be "
			    "phone, in-person or message"));
		o->method = arg;
		return XJ_OK;
	case 'S':
		o->from_stdin = 1;
		return XJ_OK;
	case 'P':
		list = LIST_PENDING;
		break;
	case 'U':
		list = LIST_UNCONFIRMED;
		break;
	case 'M':
		list = LIST_MINE;
		break;
	default:
		return XJ_EUSAGE;
	}
	if (o->list != -1 && o->list != list)
		return cli_errorf(XJ_EUSAGE, "%s", _("give one of --pending, "
		    "--unconfirmed and --mine"));
	o->list = list;
	return XJ_OK;
}

/*
 * Parse a verb's options and check that
 * exactly nargs operands are left (at least nargs when more is set).
 */
static int
parse_verb(struct cli *c, int argc, char **argv,
    const struct option *longopts, struct change_opts *o, int nargs,
    int more, int *first)
{
	int	rc;

	memset(o, 0, sizeof *o);
	o->list = -1;
	rc = cli_parse(c, argc, argv, NULL, longopts, change_option, o,
	    first);
	if (rc != XJ_OK || argc - *first < nargs ||
	    (!more && argc - *first != nargs))
		return cli_usage(&cmd_change);
	return XJ_OK;
}

static int
change_request(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason",	required_argument, NULL, 'r' },
		{ "evidence",	required_argument, NULL, 'e' },
		{ "stdin",	no_argument,	   NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct change_opts	 o;
	struct student_value	*v = NULL;
	struct field_input	*in;
	char			*cause = NULL;
	int64_t			 id = 0;
	size_t			 n = 0, i;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, longopts, &o, 1, 1,
	    &first)) != XJ_OK)
		goto out;
	if (strchr(argv[first], '=') != NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("the student number comes "
		    "first, then the KEY=VALUE changes"));
		goto out;
	}
	if (o.reason == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say why the record changes "
		    "with --reason TEXT"));
		goto out;
	}
	if ((rc = cli_read_pairs(c, argc, argv, first + 1, o.from_stdin, &v,
	    &n)) != XJ_OK)
		goto out;
	if (n == 0) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("give the new values as "
		    "KEY=VALUE, e.g. name=张三"));
		goto out;
	}
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	in = xcalloc(n, sizeof *in);
	for (i = 0; i < n; i++) {
		in[i].key = v[i].key;
		in[i].value = v[i].value;
	}
	rc = store_change_request(c->s->st, argv[first], in, n, o.reason,
	    o.evidence, &id, &cause);
	free(in);
	if (rc == XJ_OK)
		printf("%" PRId64 "\n", id);
	rc = cli_error(rc, &cause);
out:
	cli_free_pairs(v, n);
	return rc;
}

static void
print_request(const struct request *r)
{
	size_t	i;

	printf("id\t%" PRId64 "\n", r->id);
	printf("kind\t%s\n", request_kind_name(r->kind));
	printf("state\t%s\n", request_state_name(r->state));
	printf("student\t%s\n", r->number);
	printf("requested_by\t%s\n", r->requested_by);
	cli_put_time("requested_at", r->requested_at);
	if (r->decided_by != NULL)
		printf("decided_by\t%s\n", r->decided_by);
	if (r->state != REQ_PENDING && r->decided_at != 0)
		cli_put_time("decided_at", r->decided_at);
	if (r->note != NULL)
		cli_put_pair("note", r->note);
	if (r->confirmed_by != NULL) {
		printf("confirmed_by\t%s\n", r->confirmed_by);
		cli_put_time("confirmed_at", r->confirmed_at);
		cli_put_pair("confirm_method", r->confirm_method);
	}
	cli_put_pair("reason", r->reason);
	cli_put_pair("evidence", r->evidence);
	for (i = 0; i < r->nchanges; i++) {
		printf("change\t%s\t", r->changes[i].key);
		cli_put_text(r->changes[i].old);
		putchar('\t');
		cli_put_text(r->changes[i].new);
		putchar('\n');
	}
}

/* show, approve, withdraw, reject and confirm: one id, maybe an option. */
static int
change_one(struct cli *c, int argc, char **argv)
{
	static const struct option none[] = {
		{ NULL, 0, NULL, 0 }
	};
	static const struct option reject[] = {
		{ "note",	required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct option confirm[] = {
		{ "method",	required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const struct option	*longopts = none;
	const char		*verb = argv[0];
	struct change_opts	 o;
	struct request		*r;
	char			*cause = NULL;
	int64_t			 id = 0;
	int			 rc, first;

	if (strcmp(verb, "reject") == 0)
		longopts = reject;
	else if (strcmp(verb, "confirm") == 0)
		longopts = confirm;
	if ((rc = parse_verb(c, argc, argv, longopts, &o, 1, 0,
	    &first)) != XJ_OK || (rc = cli_parse_id(argv[first], &id)) != XJ_OK)
		goto out;
	if (longopts == reject && o.note == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say why it is rejected "
		    "with --note TEXT"));
		goto out;
	}
	if (longopts == confirm && o.method == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say how the guardian "
		    "confirmed with --method phone|in-person|message"));
		goto out;
	}
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	if (strcmp(verb, "show") == 0) {
		if ((rc = store_request_get(c->s->st, id, &r, &cause)) ==
		    XJ_OK) {
			print_request(r);
			request_free(r);
		}
	} else if (strcmp(verb, "approve") == 0) {
		/* Destruction has its own command, and its own words. */
		if ((rc = cli_request_kind(c, id, 0)) == XJ_OK)
			rc = store_request_approve(c->s->st, id, &cause);
	} else if (strcmp(verb, "reject") == 0) {
		if ((rc = cli_request_kind(c, id, 0)) == XJ_OK)
			rc = store_request_reject(c->s->st, id, o.note,
			    &cause);
	} else if (strcmp(verb, "withdraw") == 0)
		rc = store_request_withdraw(c->s->st, id, &cause);
	else if (strcmp(verb, "acknowledge") == 0)
		rc = store_request_acknowledge(c->s->st, id, &cause);
	else
		rc = store_change_confirm(c->s->st, id, o.method, &cause);
	rc = cli_error(rc, &cause);
out:
	return rc;
}

struct list_ctx {
	enum request_list	 which;
	time_t			 now;
};

static int
print_listed(const struct request *r, void *arg)
{
	const struct list_ctx	*l = arg;
	char			 when[32];
	time_t			 age;

	age = l->now > r->requested_at ? l->now - r->requested_at : 0;
	xj_isotime(r->requested_at, when, sizeof when);
	printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%lld\t%s", r->id,
	    request_kind_name(r->kind), r->number, r->requested_by, when,
	    (long long)(age / 3600), request_state_name(r->state));
	if (l->which == LIST_UNCONFIRMED || (l->which == LIST_MINE &&
	    r->state != REQ_PENDING)) {
		xj_isotime(r->decided_at, when, sizeof when);
		printf("\t%s\t%s", r->decided_by != NULL ? r->decided_by : "",
		    when);
	}
	if (l->which == LIST_MINE && r->state != REQ_PENDING) {
		putchar('\t');
		cli_put_text(r->note);
	}
	putchar('\n');
	return 0;
}

static int
change_list(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pending",	 no_argument, NULL, 'P' },
		{ "unconfirmed", no_argument, NULL, 'U' },
		{ "mine",	 no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	struct change_opts	 o;
	struct list_ctx		 l;
	char			*cause = NULL;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, longopts, &o, 0, 0,
	    &first)) != XJ_OK)
		goto out;
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	l.which = o.list != -1 ? (enum request_list)o.list : LIST_PENDING;
	l.now = xj_now();
	rc = cli_error(store_requests(c->s->st, l.which, print_listed, &l,
	    NULL, &cause), &cause);
out:
	return rc;
}

static int
change_exec(struct cli *c, int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "request",	change_request },
		{ "show",	change_one },
		{ "approve",	change_one },
		{ "reject",	change_one },
		{ "withdraw",	change_one },
		{ "confirm",	change_one },
		{ "acknowledge", change_one },
		{ "list",	change_list },
	};

	return cli_dispatch(c, verbs, nitems(verbs), argc, argv);
}

const struct cmd cmd_change = {
	.name = "change",
	.synopsis = N_("request NUMBER KEY=VALUE... --reason TEXT "
	    "[--evidence TEXT] [--stdin]\n"
	    "show ID\n"
	    "approve ID\n"
	    "reject ID --note TEXT\n"
	    "withdraw ID\n"
	    "confirm ID --method phone|in-person|message\n"
	    "acknowledge ID\n"
	    "list [--pending | --unconfirmed | --mine]"),
	.help = N_("file, decide and confirm changes to a record"),
	.exec = change_exec,
};
