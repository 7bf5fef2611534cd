/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji student add|show|find|list: the receptionist's actions.
 *
 * Output for scripts: one record per line, tab-separated, the student
 * number first.  Values given as KEY=VALUE arguments and the text
 * searched for are wiped from the process's arguments by main, since
 * other users can see them; --stdin takes the values one per line
 * instead and never shows them at all.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/forms.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "cli.h"

#define FIND_LIMIT_DEFAULT	50

struct add_opts {
	const char	*consent;
	int		 allow_duplicate;
	int		 from_stdin;
};

static int
add_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct add_opts	*o = p;

	(void)c;
	switch (ch) {
	case 'C':
		o->consent = arg;
		return XJ_OK;
	case 'D':
		o->allow_duplicate = 1;
		return XJ_OK;
	case 'S':
		o->from_stdin = 1;
		return XJ_OK;
	}
	return XJ_EUSAGE;
}

static int
student_add(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "consent",		required_argument, NULL, 'C' },
		{ "allow-duplicate",	no_argument,	   NULL, 'D' },
		{ "stdin",		no_argument,	   NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct add_opts		 o = { NULL, 0, 0 };
	struct student_value	*v = NULL;
	struct field_input	*in;
	struct enrolment	 en;
	char			*cause = NULL, *number = NULL, *dup = NULL;
	size_t			 n = 0;
	int			 rc, first, i;

	if (cli_parse(c, argc, argv, NULL, longopts, add_option, &o,
	    &first) != XJ_OK)
		return cli_usage(&cmd_student);
	if ((rc = cli_read_pairs(c, argc, argv, first, o.from_stdin, &v,
	    &n)) != XJ_OK)
		return rc;
	if ((rc = cli_login(c)) != XJ_OK) {
		cli_free_pairs(v, n);
		return rc;
	}
	in = xcalloc(n, sizeof *in);
	for (i = 0; i < (int)n; i++) {
		in[i].key = v[i].key;
		in[i].value = v[i].value;
	}
	en.values = in;
	en.nvalues = n;
	en.consent_method = o.consent;
	en.allow_duplicate = o.allow_duplicate;
	rc = store_student_add(c->s->st, &en, &number, &dup, &cause);
	free(in);
	cli_free_pairs(v, n);
	if (rc == XJ_OK)
		printf("%s\n", number);
	free(number);
	free(dup);
	return cli_error(rc, &cause);
}

/*
 * number, status, then every value the operator may see, in form order,
 * and last "pending" while a request on the record waits (else empty):
 * last, so that the columns before it keep their places.
 */
static int
print_row(const struct student *st, void *arg)
{
	const struct form_spec	*form = arg;
	const char		*v;
	size_t			 i;

	printf("%s\t%s", st->number, status_name(st->status));
	for (i = 0; i < form->nfields; i++) {
		v = student_value(st, form->fields[i].key);
		putchar('\t');
		cli_put_text(v);
	}
	printf("\t%s\n", st->pending > 0 ? "pending" : "");
	return 0;
}

/* One line per value a field has had: when, and by which request. */
static void
print_history(const struct history *h, size_t n)
{
	char	when[32], req[32];
	size_t	i;

	for (i = 0; i < n; i++) {
		xj_isotime(h[i].at, when, sizeof when);
		if (h[i].request != 0)
			snprintf(req, sizeof req, "%" PRId64, h[i].request);
		else
			snprintf(req, sizeof req, "enrolment");
		printf("history\t%s\t", h[i].key);
		cli_put_text(h[i].value);
		printf("\t%s\t%s\t%s\t%s\n", when, req,
		    h[i].requested_by != NULL ? h[i].requested_by : "",
		    h[i].approved_by != NULL ? h[i].approved_by : "");
	}
}

/* The destruction record of a destroyed student, if the role reads it. */
static void
print_destroyed(struct cli *c, const char *number)
{
	struct destruction	*d;
	char			*cause = NULL;

	if (store_destruction_get(c->s->st, 0, number, &d, &cause) != XJ_OK) {
		free(cause);
		return;
	}
	printf("destruction\t%" PRId64 "\n", d->id);
	printf("destroy_reason\t%s\n", d->reason);
	printf("destroy_request\t%" PRId64 "\n", d->request);
	cli_put_time("destroyed_at", d->executed_at);
	printf("destroyed_by\t%s\n", d->approved_by);
	destruction_free(d);
}

static int
student_show(struct cli *c, int argc, char **argv)
{
	struct student	*st;
	struct history	*h;
	const char	*number;
	char		*cause = NULL;
	size_t		 i, nh;
	int		 rc, first;

	if (cli_parse(c, argc, argv, NULL, NULL, NULL, NULL, &first) != XJ_OK ||
	    first + 1 != argc)
		return cli_usage(&cmd_student);
	number = argv[first];
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	if ((rc = store_student_get(c->s->st, number, &st, &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	if ((rc = store_history(c->s->st, number, &h, &nh, &cause)) != XJ_OK) {
		student_free(st);
		return cli_error(rc, &cause);
	}
	printf("number\t%s\n", st->number);
	printf("status\t%s\n", status_name(st->status));
	if (st->status == STATUS_DESTROYED) {
		/* A tombstone: what it has, and no date it does not have. */
		print_destroyed(c, st->number);
		history_free(h, nh);
		student_free(st);
		return XJ_OK;
	}
	if (st->pending > 0)
		printf("pending\t%d\n", st->pending);
	cli_put_time("enrolled_at", st->enrolled_at);
	printf("enrolled_by\t%s\n", st->enrolled_by);
	printf("consent\t%s\n", st->consent_method != NULL ?
	    st->consent_method : "");
	for (i = 0; i < st->nvalues; i++)
		cli_put_pair(st->values[i].key, st->values[i].value);
	print_history(h, nh);
	history_free(h, nh);
	student_free(st);
	return XJ_OK;
}

static int
find_option(struct cli *c, int ch, const char *arg, void *p)
{
	char	*end;
	long	 v;

	(void)c;
	if (ch != 'n')
		return XJ_EUSAGE;
	v = strtol(arg, &end, 10);
	if (*end != '\0' || v < 1 || v > 100000)
		return cli_errorf(XJ_EUSAGE, "%s", _("--limit must be a number "
		    "from 1 to 100000"));
	*(size_t *)p = (size_t)v;
	return XJ_OK;
}

static int
student_find(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "limit",	required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct student	**v;
	size_t		 limit = FIND_LIMIT_DEFAULT, n, i;
	char		*cause = NULL;
	int		 rc, first;

	if (cli_parse(c, argc, argv, NULL, longopts, find_option, &limit,
	    &first) != XJ_OK || first + 1 != argc)
		return cli_usage(&cmd_student);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_student_find(c->s->st, argv[first], limit, NULL, &v, &n,
	    &cause);
	if (rc != XJ_OK)
		return cli_error(rc, &cause);
	for (i = 0; i < n; i++)
		print_row(v[i], c->s->form);
	students_free(v, n);
	return n > 0 ? XJ_OK : XJ_ENOINPUT;
}

static int
list_option(struct cli *c, int ch, const char *arg, void *p)
{
	(void)c;
	if (ch != 's')
		return XJ_EUSAGE;
	return cli_parse_status(arg, 1, p);
}

static int
student_list(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status",	required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	char	*cause = NULL;
	int	 status = -1, rc, first;

	if (cli_parse(c, argc, argv, NULL, longopts, list_option, &status,
	    &first) != XJ_OK || first != argc)
		return cli_usage(&cmd_student);
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_student_each(c->s->st, status, print_row, c->s->form,
	    &cause);
	return cli_error(rc, &cause);
}

static int
student_exec(struct cli *c, int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "add",	student_add },
		{ "show",	student_show },
		{ "find",	student_find },
		{ "list",	student_list },
	};

	return cli_dispatch(c, verbs, nitems(verbs), argc, argv);
}

const struct cmd cmd_student = {
	.name = "student",
	.synopsis = N_("add KEY=VALUE... --consent in-person|signed-form|online"
	    " [--allow-duplicate] [--stdin]\n"
	    "show NUMBER\n"
	    "find TEXT [--limit N]\n"
	    "list [--status active|completed|withdrawn|destroyed]"),
	.help = N_("enrol, show, find and list students"),
	.exec = student_exec,
};
