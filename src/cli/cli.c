/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Option parsing and login shared by the subcommands.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/config.h"
#include "xueji/destroy.h"
#include "xueji/keys.h"
#include "xueji/platform.h"
#include "xueji/request.h"
#include "xueji/session.h"
#include "xueji/student.h"
#include "cli.h"

#define STDIN_MAX_LINE		4096

static const struct option common_options[] = {
	{ "help",		no_argument,	   NULL, 'h' },
	{ "config",		required_argument, NULL, 'c' },
	{ "data-dir",		required_argument, NULL, 'd' },
	{ "operator",		required_argument, NULL, 'u' },
	{ "passphrase-fd",	required_argument, NULL, CLI_OPT_PASSFD },
	{ "new-passphrase-fd",	required_argument, NULL, CLI_OPT_NEWPASSFD },
	{ "kdf",		required_argument, NULL, CLI_OPT_KDF },
};
#define COMMON_SHORT	"hc:d:u:"

static int
parse_fd(const char *arg, int *fd)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > INT_MAX) {
		fprintf(stderr, _("xueji: %s is not a file descriptor\n"), arg);
		return XJ_EUSAGE;
	}
	*fd = (int)v;
	return XJ_OK;
}

int
cli_common_option(struct cli *c, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		c->config_path = arg;
		return XJ_OK;
	case 'd':
		c->data_dir = arg;
		return XJ_OK;
	case 'u':
		c->operator = arg;
		return XJ_OK;
	case CLI_OPT_PASSFD:
		return parse_fd(arg, &c->pass_fd);
	case CLI_OPT_NEWPASSFD:
		return parse_fd(arg, &c->new_pass_fd);
	case CLI_OPT_KDF:
		if ((c->kdf = kdf_profile_parse(arg)) < 0) {
			fprintf(stderr, _("xueji: --kdf must be interactive, "
			    "moderate or sensitive\n"));
			return XJ_EUSAGE;
		}
		return XJ_OK;
	}
	return -1;
}

/* Print cmd's usage to f. */
static void
print_usage(FILE *f, const struct cmd *cmd)
{
	const char	*p, *nl;

	if (cmd->synopsis == NULL) {
		fprintf(f, _("usage: xueji [options] %s\n"), cmd->name);
		return;
	}
	fprintf(f, "%s", _("usage:"));
	for (p = _(cmd->synopsis); *p != '\0'; p = nl + (*nl != '\0')) {
		nl = strchrnul(p, '\n');
		fprintf(f, " xueji [options] %s %.*s\n%s", cmd->name,
		    (int)(nl - p), p, nl[0] != '\0' && nl[1] != '\0' ?
		    "      " : "");
	}
}

int
cli_parse(struct cli *c, int argc, char **argv, const char *shortopts,
    const struct option *longopts,
    int (*fn)(struct cli *, int, const char *, void *), void *arg,
    int *first)
{
	struct option	*all;
	char		*shorts;
	size_t		 n = 0, i;
	int		 ch, rc;

	while (longopts != NULL && longopts[n].name != NULL)
		n++;
	all = xcalloc(n + nitems(common_options) + 1, sizeof *all);
	for (i = 0; i < n; i++)
		all[i] = longopts[i];
	for (i = 0; i < nitems(common_options); i++)
		all[n + i] = common_options[i];
	xasprintf(&shorts, ":%s%s", COMMON_SHORT,
	    shortopts != NULL ? shortopts : "");

	rc = XJ_OK;
	optind = 0;	/* glibc: start afresh, argv[0] is the command */
	opterr = 0;
	while (rc == XJ_OK &&
	    (ch = getopt_long(argc, argv, shorts, all, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			if (ch == ':')
				fprintf(stderr, _("xueji: option %s needs a "
				    "value\n"), argv[optind - 1]);
			else
				fprintf(stderr, _("xueji: unknown option %s\n"),
				    argv[optind - 1]);
			rc = XJ_EUSAGE;
		} else if (ch == 'h') {
			print_usage(stdout, c->cmd);
			exit(XJ_OK);
		} else if ((rc = cli_common_option(c, ch, optarg)) == -1)
			rc = fn != NULL ? fn(c, ch, optarg, arg) : XJ_EUSAGE;
	}
	*first = optind;
	free(all);
	free(shorts);
	return rc;
}

int
cli_parse_verb(struct cli *c, int argc, char **argv, int *first)
{
	int	ch, rc = XJ_OK;

	optind = 0;
	opterr = 0;
	while (rc == XJ_OK && (ch = getopt_long(argc, argv, "+:" COMMON_SHORT,
	    common_options, NULL)) != -1) {
		if (ch == 'h') {
			print_usage(stdout, c->cmd);
			exit(XJ_OK);
		}
		if (ch == '?' || ch == ':' ||
		    (rc = cli_common_option(c, ch, optarg)) == -1)
			rc = XJ_EUSAGE;
	}
	*first = optind;
	return rc;
}

int
cli_dispatch(struct cli *c, const struct cli_verb *verbs, size_t nverbs,
    int argc, char **argv)
{
	size_t	i;
	int	v;

	/* Common options may come before the verb; the verb's own after. */
	if (cli_parse_verb(c, argc, argv, &v) != XJ_OK || v >= argc)
		return cli_usage(c->cmd);
	for (i = 0; i < nverbs; i++) {
		if (strcmp(argv[v], verbs[i].name) == 0)
			return verbs[i].run(c, argc - v, argv + v);
	}
	return cli_usage(c->cmd);
}

/* Split "key=value" into a new student_value; -1 if there is no '='. */
static int
parse_pair(const char *arg, struct student_value *v)
{
	const char	*eq = strchr(arg, '=');

	if (eq == NULL || eq == arg)
		return -1;
	v->key = xstrndup(arg, (size_t)(eq - arg));
	v->value = xstrdup(eq + 1);
	return 0;
}

void
cli_free_pairs(struct student_value *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		xfree_wipe(v[i].value);
	}
	free(v);
}

static int
read_stdin_pairs(struct student_value **vp, size_t *np)
{
	char	line[STDIN_MAX_LINE];
	size_t	len;
	int	rc = XJ_OK;

	while (fgets(line, sizeof line, stdin) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(stdin)) {
			rc = cli_errorf(XJ_EUSAGE, "%s", _("a line on standard "
			    "input is too long"));
			break;
		}
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		*vp = xreallocarray(*vp, *np + 1, sizeof **vp);
		if (parse_pair(line, &(*vp)[*np]) != 0) {
			rc = cli_errorf(XJ_EUSAGE, "%s", _("each line on "
			    "standard input must be KEY=VALUE"));
			break;
		}
		(*np)++;
	}
	sodium_memzero(line, sizeof line);
	return rc;
}

int
cli_read_pairs(struct cli *c, int argc, char **argv, int first,
    int from_stdin, struct student_value **vp, size_t *np)
{
	struct student_value	*v = NULL;
	size_t			 n = 0;
	int			 i, rc = XJ_OK;

	for (i = first; i < argc; i++) {
		v = xreallocarray(v, n + 1, sizeof *v);
		if (parse_pair(argv[i], &v[n]) != 0) {
			rc = cli_errorf(XJ_EUSAGE, "%s", _("values are given "
			    "as KEY=VALUE, e.g. name=张三"));
			goto fail;
		}
		n++;
	}
	if (from_stdin && c->pass_fd == 0) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("--stdin reads the values "
		    "from standard input; give the passphrase on another "
		    "descriptor"));
		goto fail;
	}
	if (from_stdin && (rc = read_stdin_pairs(&v, &n)) != XJ_OK)
		goto fail;
	*vp = v;
	*np = n;
	return XJ_OK;
fail:
	cli_free_pairs(v, n);
	return rc;
}

void
cli_put_text(const char *s)
{
	utf8_put_text(stdout, s);
}

void
cli_put_pair(const char *key, const char *value)
{
	printf("%s\t", key);
	utf8_put_text(stdout, value);
	putchar('\n');
}

void
cli_put_time(const char *key, time_t t)
{
	char	when[32];

	xj_isotime(t, when, sizeof when);
	printf("%s\t%s\n", key, when);
}

int
cli_parse_status(const char *s, int destroyed, int *status)
{
	int	v = status_parse(s);

	if (destroyed && v < 0)
		return cli_errorf(XJ_EUSAGE, _("unknown status \"%s\" (active, "
		    "completed, withdrawn, destroyed)"), s);
	if (v < 0 || v == STATUS_DESTROYED)
		return cli_errorf(XJ_EUSAGE, _("unknown status \"%s\" (active, "
		    "completed, withdrawn)"), s);
	*status = v;
	return XJ_OK;
}

int
cli_parse_id(const char *s, int64_t *id)
{
	if (xj_parse_id(s, id) != 0)
		return cli_errorf(XJ_EUSAGE, _("\"%s\" is not a request id"),
		    s);
	return XJ_OK;
}

int
cli_request_kind(struct cli *c, int64_t id, int destroy)
{
	const struct operator	*op = c->s->op;
	struct request		*r;
	char			*cause = NULL;
	enum request_kind	 kind;
	int			 rc;

	/*
	 * Reading a request needs one of the change permissions.  Without
	 * them the store decides nothing but destructions (everything else
	 * needs change.approve), which is all "destroy" asks for.
	 */
	if (destroy && !policy_allows(op, PERM_CHANGE_APPROVE) &&
	    !policy_allows(op, PERM_CHANGE_CONFIRM) &&
	    !policy_allows(op, PERM_CHANGE_REQUEST))
		return XJ_OK;
	if ((rc = store_request_get(c->s->st, id, &r, &cause)) != XJ_OK)
		return cli_error(rc, &cause);
	kind = r->kind;
	request_free(r);
	if (destroy && kind != REQ_DESTROY)
		return cli_errorf(XJ_EUSAGE, _("request %" PRId64 " is not a "
		    "destruction request; decide it with \"xueji change\""),
		    id);
	if (!destroy && kind == REQ_DESTROY)
		return cli_errorf(XJ_EUSAGE, _("request %" PRId64 " is a "
		    "destruction request; decide it with \"xueji destroy\""),
		    id);
	return XJ_OK;
}

int
cli_parse_day(const char *s, int through, time_t *out)
{
	if (xj_parse_day(s, through, out) != 0)
		return cli_errorf(XJ_EUSAGE, _("\"%s\" is not a date "
		    "(YYYY-MM-DD)"), s);
	return XJ_OK;
}

int
cli_error(int rc, char **cause)
{
	if (*cause != NULL) {
		fprintf(stderr, "xueji: %s\n", *cause);
		free(*cause);
		*cause = NULL;
	}
	return rc;
}

int
cli_errorf(int rc, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "xueji: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

int
cli_usage(const struct cmd *cmd)
{
	print_usage(stderr, cmd);
	return XJ_EUSAGE;
}

int
cli_load(struct cli *c)
{
	char	*cause = NULL;
	int	 rc;

	if (c->s != NULL)
		return XJ_OK;
	if ((rc = session_load(c->config_path, c->data_dir, &c->s, &cause)) != 0)
		return cli_error(rc, &cause);
	return XJ_OK;
}

/* An upgrade in place at the login, on standard error: each step. */
static void
login_progress(int percent, const char *what, void *arg)
{
	(void)arg;
	if (percent == 0 || percent >= 80)
		fprintf(stderr, _("xueji: upgrading the branch's database: %s "
		    "(%d%%)\n"), what, percent);
}

/*
 * Someone else set this operator's passphrase and knows it: nothing but
 * choosing their own until they have.
 */
static int
first_login(struct cli *c)
{
	char	*who, when[32];

	who = policy_who(c->s->pol, c->s->set_by);
	xj_timefmt(c->s->set_at, when, sizeof when);
	fprintf(stderr, _("xueji: %s set your passphrase (%s) and knows it; "
	    "choose your own before anything else:\n  xueji -u %s operator "
	    "passwd %s\n"), who, when, c->operator, c->operator);
	free(who);
	session_logout(c->s);
	return XJ_EPERM;
}

int
cli_login(struct cli *c)
{
	char	*cause = NULL, *pass = NULL, *prompt;
	size_t	 len;
	int	 rc;

	if ((rc = cli_load(c)) != XJ_OK)
		return rc;
	if (c->operator == NULL) {
		fprintf(stderr, "%s\n", _("xueji: say who you are with -u ID"));
		return XJ_EUSAGE;
	}
	xasprintf(&prompt, _("Passphrase for %s: "), c->operator);
	rc = passphrase_read(c->pass_fd, prompt, 0, &pass, &len, &cause);
	free(prompt);
	if (rc != XJ_OK)
		return cli_error(rc, &cause);
	c->s->progress = login_progress;
	rc = session_login(c->s, c->operator, pass, len, &cause);
	if (rc != XJ_OK) {
		secure_free(pass);
		/* Guessing is slow: the delay grows with each failure. */
		sleep(session_failure_delay(c->s));
		return cli_error(rc, &cause);
	}
	/* Kept for operator passwd, which must not ask twice. */
	c->pass = pass;
	c->passlen = len;
	if (c->s->set_by != NULL && !c->own_passwd)
		return first_login(c);
	return XJ_OK;
}

int
cli_new_passphrase(struct cli *c, const char *id, char **pass, size_t *len)
{
	char	*cause = NULL, *prompt;
	int	 rc;

	xasprintf(&prompt, _("New passphrase for %s: "), id);
	rc = passphrase_read(c->new_pass_fd, prompt, c->new_pass_fd < 0, pass,
	    len, &cause);
	free(prompt);
	if (rc != XJ_OK)
		return cli_error(rc, &cause);
	if ((rc = passphrase_check_new(*pass, *len, &cause)) != XJ_OK) {
		secure_free(*pass);
		*pass = NULL;
		return cli_error(rc, &cause);
	}
	return XJ_OK;
}
