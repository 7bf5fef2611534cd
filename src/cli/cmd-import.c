/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji import FILE.csv: enrol the students of a spreadsheet, all or none.
 *
 * Standard output is for scripts: on success one "row<TAB>number" line
 * per student enrolled; when anything is wrong one "row<TAB>column<TAB>
 * message" line per problem, and exit 65.  A summary goes to standard
 * error.  Neither ever repeats a value of the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/import.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "cli.h"

struct import_opts {
	const char		*consent;
	int			 dry_run;
	int			 encoding;
	struct import_map	*map;
	size_t			 nmap;
};

static int
import_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct import_opts	*o = p;
	const char		*eq;
	char			*column;

	(void)c;
	switch (ch) {
	case 'C':
		o->consent = arg;
		return XJ_OK;
	case 'n':
		o->dry_run = 1;
		return XJ_OK;
	case 'e':
		if ((o->encoding = csv_encoding_parse(arg)) < 0)
			return cli_errorf(XJ_EUSAGE, "%s", _("--encoding must "
			    "be utf8, gb18030 or auto"));
		return XJ_OK;
	case 'm':
		/* A key never holds "=", a column name might. */
		if ((eq = strrchr(arg, '=')) == NULL || eq == arg ||
		    eq[1] == '\0')
			return cli_errorf(XJ_EUSAGE, "%s", _("--map takes "
			    "COLUMN=KEY, KEY a field of the form or \"-\""));
		column = xstrndup(arg, (size_t)(eq - arg));
		o->map = xreallocarray(o->map, o->nmap + 1, sizeof *o->map);
		o->map[o->nmap].column = column;
		o->map[o->nmap++].key = eq + 1;
		return XJ_OK;
	}
	return XJ_EUSAGE;
}

static void
print_problems(const struct import_report *r)
{
	size_t	i;

	for (i = 0; i < r->nproblems; i++)
		printf("%zu\t%s\t%s\n", r->problems[i].row,
		    r->problems[i].column, r->problems[i].message);
}

/* Read, parse and map the file; problems printed.  XJ_OK with *f. */
static int
load_file(struct cli *c, const char *path, const struct import_opts *o,
    struct import_file **f, struct import_report *r)
{
	struct csv_where	 where;
	char			*cause = NULL;
	int			 rc;

	rc = store_import_load(c->s->st, path, o->encoding, o->map, o->nmap,
	    o->dry_run, f, r, &where, &cause);
	if (rc == XJ_EDATA && where.row > 0)
		printf("%zu\t#%zu\t%s\n", where.row, where.column, cause);
	else if (rc == XJ_EDATA && r->nproblems > 0) {
		print_problems(r);
		fprintf(stderr, _("xueji: %zu problems in the header of %s; "
		    "nothing was imported\n"), r->nproblems, path);
		fprintf(stderr, "%s\n", _("xueji: --map COLUMN=KEY names the "
		    "field of a column, --map COLUMN=- leaves it out"));
		free(cause);
		return rc;
	}
	return cli_error(rc, &cause);
}

static int
import_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "consent",	required_argument, NULL, 'C' },
		{ "dry-run",	no_argument,	   NULL, 'n' },
		{ "encoding",	required_argument, NULL, 'e' },
		{ "map",	required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_opts	 o = { NULL, 0, CSV_AUTO, NULL, 0 };
	struct import_report	 r;
	struct import_file	*f = NULL;
	const char		*path;
	char			*cause = NULL;
	size_t			 i;
	int			 rc, first;

	memset(&r, 0, sizeof r);
	if (cli_parse(c, argc, argv, NULL, longopts, import_option, &o,
	    &first) != XJ_OK || first + 1 != argc) {
		rc = cli_usage(&cmd_import);
		goto out;
	}
	path = argv[first];
	if (o.consent == NULL) {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say how the guardians "
		    "consented to these records: --consent METHOD"));
		goto out;
	}
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	/* Who may not import learns nothing about the file. */
	if ((rc = store_require(c->s->st, PERM_IMPORT_RUN, "import",
	    &cause)) != XJ_OK) {
		rc = cli_error(rc, &cause);
		goto out;
	}
	if ((rc = load_file(c, path, &o, &f, &r)) != XJ_OK)
		goto out;

	rc = store_import(c->s->st, f->rows, o.consent, o.dry_run, &r, &cause);
	if (rc == XJ_EDATA && r.nproblems > 0) {
		print_problems(&r);
		fprintf(stderr, _("xueji: %zu problems in %zu of %zu rows; "
		    "nothing was imported\n"), r.nproblems, r.rows - r.valid,
		    r.rows);
		free(cause);
		goto out;
	}
	if (rc != XJ_OK) {
		rc = cli_error(rc, &cause);
		goto out;
	}
	for (i = 0; i < r.ndone; i++)
		printf("%zu\t%s\n", r.done[i].row, r.done[i].number);
	if (o.dry_run)
		fprintf(stderr, _("xueji: all %zu rows would be imported "
		    "(dry run: nothing was written)\n"), r.rows);
	else
		fprintf(stderr, _("xueji: imported %zu students\n"), r.ndone);
out:
	import_report_free(&r);
	import_file_free(f);
	for (i = 0; i < o.nmap; i++)
		free((char *)(uintptr_t)o.map[i].column);
	free(o.map);
	return rc;
}

const struct cmd cmd_import = {
	.name = "import",
	.synopsis = N_("FILE.csv --consent in-person|signed-form|online "
	    "[--dry-run] [--map COLUMN=KEY]... [--encoding utf8|gb18030|auto]"),
	.help = N_("enrol the students of a spreadsheet (CSV), all or none"),
	.exec = import_exec,
};
