/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji audit [filters]: print the operation log, newest first, one
 * entry per line: seq, time (UTC), operator, action, target, fields,
 * detail, tab-separated.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/audit.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "cli.h"

static int
audit_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct audit_filter	*f = p;
	char			*end;
	long			 v;

	(void)c;
	switch (ch) {
	case 'o':
		f->operator = arg;
		return XJ_OK;
	case 'a':
		f->action = arg;
		return XJ_OK;
	case 's':
		f->target = arg;
		return XJ_OK;
	case 'S':
		return cli_parse_day(arg, 0, &f->since);
	case 'U':
		/* Through the whole day: until the next one starts. */
		return cli_parse_day(arg, 1, &f->until);
	case 'r':
		return cli_parse_id(arg, &f->request);
	case 'n':
		v = strtol(arg, &end, 10);
		if (*end != '\0' || v < 1)
			return cli_errorf(XJ_EUSAGE, "%s", _("--limit must be "
			    "a positive number"));
		f->limit = (size_t)v;
		return XJ_OK;
	}
	return XJ_EUSAGE;
}

static int
print_entry(const struct audit_entry *e, void *arg)
{
	char	when[32];

	(void)arg;
	xj_isotime(e->at, when, sizeof when);
	printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\n", e->seq, when,
	    e->operator, e->action, e->target, e->fields, e->detail);
	return 0;
}

static int
audit_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by",		required_argument, NULL, 'o' },
		{ "action",	required_argument, NULL, 'a' },
		{ "student",	required_argument, NULL, 's' },
		{ "target",	required_argument, NULL, 's' },
		{ "since",	required_argument, NULL, 'S' },
		{ "until",	required_argument, NULL, 'U' },
		{ "limit",	required_argument, NULL, 'n' },
		{ "request",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct audit_filter	 f;
	char			*cause = NULL;
	int			 rc, first;

	memset(&f, 0, sizeof f);
	if (cli_parse(c, argc, argv, NULL, longopts, audit_option, &f,
	    &first) != XJ_OK || first != argc)
		return cli_usage(&cmd_audit);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_audit_each(c->s->st, &f, print_entry, NULL, &cause);
	return cli_error(rc, &cause);
}

const struct cmd cmd_audit = {
	.name = "audit",
	.synopsis = N_("[--by ID] [--action A] [--student NUMBER] "
	    "[--request ID] [--since DATE] [--until DATE] [--limit N]"),
	.help = N_("print the operation log, newest first (auditors)"),
	.exec = audit_exec,
};
