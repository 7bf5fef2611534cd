/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji destroy request|approve|reject|list|show: erasing a student's
 * data for good.  A request freezes the record; another operator, one
 * with destroy.approve, approves it, and the store erases every personal
 * value in the same transaction, keeping a tombstone (number and status)
 * and a destruction record that names no one.  "show" prints that record
 * as a certificate a supervisor can hand over.
 *
 * Output for scripts: the request id alone for "request"; for "list" and
 * "show --tsv" one tab-separated line per record, times in UTC.  Exit
 * codes as for "xueji change", and 64 for a request that is not a
 * destruction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/config.h"
#include "xueji/destroy.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "cli.h"

/* destroy.c's method; described in words on the certificate. */

struct destroy_opts {
	const char	*reason;	/* a reason code: not free text */
	const char	*note;		/* into argv: main wiped it */
	int		 tsv;
};

static int
destroy_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct destroy_opts	*o = p;

	(void)c;
	switch (ch) {
	case 'r':
		if (!destroy_reason_valid(arg))
			return cli_errorf(XJ_EUSAGE, "%s", _("--reason must be "
			    "guardian-request, retention-ended or withdrawal"));
		o->reason = arg;
		return XJ_OK;
	case 'n':
		o->note = arg;
		return XJ_OK;
	case 't':
		o->tsv = 1;
		return XJ_OK;
	}
	return XJ_EUSAGE;
}

/*
 * Parse a verb's options and check that exactly nargs operands are
 * left.
 */
static int
parse_verb(struct cli *c, int argc, char **argv,
    const struct option *longopts, struct destroy_opts *o, int nargs,
    int *first)
{
	int	rc;

	memset(o, 0, sizeof *o);
	rc = cli_parse(c, argc, argv, NULL, longopts, destroy_option, o,
	    first);
	if (rc != XJ_OK || argc - *first != nargs)
		return cli_usage(&cmd_destroy);
	return XJ_OK;
}

static int
destroy_request(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct destroy_opts	 o;
	char			*cause = NULL;
	int64_t			 id;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, longopts, &o, 1, &first)) !=
	    XJ_OK)
		return rc;
	if (o.reason == NULL)
		return cli_errorf(XJ_EUSAGE, "%s", _("say why with --reason "
		    "guardian-request|retention-ended|withdrawal"));
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_destroy_request(c->s->st, argv[first], o.reason, &id,
	    &cause);
	if (rc != XJ_OK)
		return cli_error(rc, &cause);
	printf("%" PRId64 "\n", id);
	fprintf(stderr, _("xueji: %s is frozen until request %" PRId64
	    " is decided\n"), argv[first], id);
	return XJ_OK;
}

/* What the store says of the erasure while another session reads. */
static void
erase_wait(int what, void *arg)
{
	(void)arg;
	if (what == ERASE_WAITING)
		fprintf(stderr, "%s\n", _("xueji: another session is still "
		    "reading an older state of the branch; waiting a few "
		    "seconds for it to let the write-ahead log be erased"));
	else if (what == ERASE_PENDING)
		fprintf(stderr, "%s\n", _("xueji: destroyed, but physical "
		    "erasure is pending: the write-ahead log still holds old "
		    "pages; the next session to start or pause finishes it "
		    "(destroy show says when)"));
}

/* approve and reject: one destruction request id. */
static int
destroy_decide(struct cli *c, int argc, char **argv)
{
	static const struct option none[] = {
		{ NULL, 0, NULL, 0 }
	};
	static const struct option note[] = {
		{ "note",	required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct destroy_opts	 o;
	char			*cause = NULL;
	int64_t			 id;
	int			 reject, rc, first;

	reject = strcmp(argv[0], "reject") == 0;

	if ((rc = parse_verb(c, argc, argv, reject ? note : none, &o, 1,
	    &first)) != XJ_OK || (rc = cli_parse_id(argv[first], &id)) !=
	    XJ_OK)
		goto out;
	if (reject && o.note == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say why it is rejected "
		    "with --note TEXT"));
		goto out;
	}
	if ((rc = cli_login(c)) != XJ_OK ||
	    (rc = cli_request_kind(c, id, 1)) != XJ_OK)
		goto out;
	if (reject)
		rc = store_request_reject(c->s->st, id, o.note, &cause);
	else {
		store_on_wait(c->s->st, erase_wait, NULL);
		rc = store_request_approve(c->s->st, id, &cause);
	}
	rc = cli_error(rc, &cause);
out:
	return rc;
}

/* One destruction record as one tab-separated line. */
static int
print_tsv(const struct destruction *d, void *arg)
{
	char	requested[32], approved[32], executed[32], expires[32];
	char	erased[32] = "-";

	(void)arg;
	xj_isotime(d->requested_at, requested, sizeof requested);
	xj_isotime(d->approved_at, approved, sizeof approved);
	xj_isotime(d->executed_at, executed, sizeof executed);
	xj_isotime(d->backup_expires, expires, sizeof expires);
	if (d->erased_at != 0)
		xj_isotime(d->erased_at, erased, sizeof erased);
	printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
	    d->id, d->number, d->reason, d->requested_by, requested,
	    d->approved_by, approved, executed, d->method, expires, erased);
	return 0;
}

static int
destroy_list(struct cli *c, int argc, char **argv)
{
	struct destroy_opts	 o;
	char			*cause = NULL;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, NULL, &o, 0, &first)) != XJ_OK)
		return rc;
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	rc = store_destructions(c->s->st, print_tsv, NULL, &cause);
	return cli_error(rc, &cause);
}

/* Print "label:" padded to width columns, then the value. */
static void
put_field(int width, const char *label, const char *value)
{
	int	pad = width - utf8_width(label);

	/* TRANSLATORS: follows a label on the destruction certificate. */
	printf("%s%s%*s %s\n", label, _(":"), pad > 0 ? pad : 0, "", value);
}

/*
 * The certificate: plain text, one labelled line per field, nothing in
 * it that names the child; the reason in words and the operators by
 * name and id, times as the branch's local minute (xj_timefmt), as the
 * screen's certificate reads.  The labels are padded by their width on
 * a terminal, so that translated ones line up as well.
 */
static void
print_certificate(const struct session *s, const struct destruction *d)
{
	const struct config	*cfg = s->cfg;
	const char		*labels[9];
	char			 buf[256], requested[32], approved[32];
	char			 executed[32], made[32], removed[32], *method;
	char			*who;
	int			 width = 0, w;
	size_t			 i;

	labels[0] = _("Branch");
	labels[1] = _("Record");
	labels[2] = _("Student number");
	labels[3] = _("Reason");
	labels[4] = _("Requested by");
	labels[5] = _("Approved by");
	labels[6] = _("Executed at");
	labels[7] = _("Method");
	labels[8] = _("Backups");
	for (i = 0; i < nitems(labels); i++) {
		if ((w = utf8_width(labels[i])) > width)
			width = w;
	}
	xj_timefmt(d->requested_at, requested, sizeof requested);
	xj_timefmt(d->approved_at, approved, sizeof approved);
	xj_timefmt(d->executed_at, executed, sizeof executed);

	printf("%s\n\n", _("Destruction record"));
	snprintf(buf, sizeof buf, "%s %s", cfg->branch_code,
	    cfg->branch_name != NULL ? cfg->branch_name : "");
	put_field(width, labels[0], buf);
	snprintf(buf, sizeof buf, _("%" PRId64 " (request %" PRId64 ")"),
	    d->id, d->request);
	put_field(width, labels[1], buf);
	put_field(width, labels[2], d->number);
	put_field(width, labels[3], destroy_reason_label(d->reason));
	who = policy_who(s->pol, d->requested_by);
	snprintf(buf, sizeof buf, _("%s at %s"), who, requested);
	free(who);
	put_field(width, labels[4], buf);
	who = policy_who(s->pol, d->approved_by);
	snprintf(buf, sizeof buf, _("%s at %s"), who, approved);
	free(who);
	put_field(width, labels[5], buf);
	put_field(width, labels[6], executed);
	method = destroy_method_text(d);
	put_field(width, labels[7], method);
	free(method);
	if (d->backup_file != NULL) {
		xj_dayfmt(d->backup_made, made, sizeof made);
		xj_dayfmt(d->backup_removed, removed, sizeof removed);
		snprintf(buf, sizeof buf, _("the newest backup holding the "
		    "data is %s, made on %s; rotation removes it after %s"),
		    d->backup_file, made, removed);
	} else
		snprintf(buf, sizeof buf, "%s", _("no backup holds the data"));
	put_field(width, labels[8], buf);
	printf("\n%s\n", _("This record holds no personal data.  Every value "
	    "of the student's record,\nits history, the requests about it "
	    "and their free text were erased;\nonly the student number "
	    "remains, to show that, when, why and by whom\nthe data were "
	    "destroyed."));
}

static int
destroy_show(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tsv",	no_argument,	   NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct destroy_opts	 o;
	struct destruction	*d = NULL;
	const char		*arg;
	char			*cause = NULL;
	int64_t			 id = 0;
	int			 rc, first;

	if ((rc = parse_verb(c, argc, argv, longopts, &o, 1, &first)) !=
	    XJ_OK)
		return rc;
	if ((rc = cli_login(c)) != XJ_OK)
		return rc;
	arg = argv[first];
	/*
	 * All digits: a record's id; else a student number.  A number
	 * pattern of digits alone could look like an id, so that is tried
	 * second.
	 */
	if (strspn(arg, "0123456789") == strlen(arg) && arg[0] != '0' &&
	    strlen(arg) < 19)
		id = strtoll(arg, NULL, 10);
	if (id > 0) {
		rc = store_destruction_get(c->s->st, id, NULL, &d, &cause);
		if (rc == XJ_ENOINPUT) {
			free(cause);
			cause = NULL;
		}
	}
	if (d == NULL && (id == 0 || rc == XJ_ENOINPUT))
		rc = store_destruction_get(c->s->st, 0, arg, &d, &cause);
	if (rc != XJ_OK)
		return cli_error(rc, &cause);
	if (o.tsv)
		print_tsv(d, NULL);
	else
		print_certificate(c->s, d);
	destruction_free(d);
	return XJ_OK;
}

static int
destroy_exec(struct cli *c, int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "request",	destroy_request },
		{ "approve",	destroy_decide },
		{ "reject",	destroy_decide },
		{ "list",	destroy_list },
		{ "show",	destroy_show },
	};

	return cli_dispatch(c, verbs, nitems(verbs), argc, argv);
}

const struct cmd cmd_destroy = {
	.name = "destroy",
	.synopsis = N_("request NUMBER --reason "
	    "guardian-request|retention-ended|withdrawal\n"
	    "approve ID\n"
	    "reject ID --note TEXT\n"
	    "list\n"
	    "show ID|NUMBER [--tsv]"),
	.help = N_("erase a student's data for good, with a record of it"),
	.exec = destroy_exec,
};
