/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji export [--status S] [--encoding utf8|gb18030] --purpose TEXT
 * FILE.csv: the students as a spreadsheet, for operators with
 * export.run.  The store decides what goes in and logs it, and writes
 * it to a new file only its owner can read, never over an existing one,
 * leaving no file behind when it fails (store_export_file, which the
 * export screen calls too).  The purpose is free text and may name a
 * person: main wipes it from argv, as every argument after the
 * command's name.  "-" writes to standard output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xueji/backup.h"
#include "xueji/platform.h"
#include "xueji/session.h"
#include "cli.h"

struct export_opts {
	int			 status;	/* -1: every one but destroyed */
	enum export_encoding	 encoding;
	const char		*purpose;	/* into argv: main wiped it */
};

static int
export_option(struct cli *c, int ch, const char *arg, void *p)
{
	struct export_opts	*o = p;

	(void)c;
	switch (ch) {
	case 's':
		return cli_parse_status(arg, 0, &o->status);
	case 'e':
		if (strcasecmp(arg, "utf8") == 0 ||
		    strcasecmp(arg, "utf-8") == 0)
			o->encoding = EXPORT_UTF8_BOM;
		else if (strcasecmp(arg, "gb18030") == 0)
			o->encoding = EXPORT_GB18030;
		else
			return cli_errorf(XJ_EUSAGE, "%s", _("--encoding must "
			    "be utf8 or gb18030"));
		return XJ_OK;
	case 'p':
		o->purpose = arg;
		return XJ_OK;
	}
	return XJ_EUSAGE;
}

static int
export_exec(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status",	required_argument, NULL, 's' },
		{ "encoding",	required_argument, NULL, 'e' },
		{ "purpose",	required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct export_opts	 o = { -1, EXPORT_UTF8_BOM, NULL };
	const char		*path;
	const char		*purpose;
	char			*cause = NULL;
	size_t			 rows = 0;
	int			 rc, first, to_stdout;

	rc = cli_parse(c, argc, argv, NULL, longopts, export_option, &o,
	    &first);
	purpose = o.purpose;
	if (rc != XJ_OK || argc - first != 1) {
		rc = cli_usage(&cmd_export);
		goto out;
	}
	if (purpose == NULL || *purpose == '\0') {
		rc = cli_errorf(XJ_EUSAGE, "%s", _("say why the data leave "
		    "the system with --purpose TEXT"));
		goto out;
	}
	path = argv[first];
	to_stdout = strcmp(path, "-") == 0;
	if ((rc = cli_login(c)) != XJ_OK)
		goto out;
	if (to_stdout)
		rc = store_export(c->s->st, stdout, o.status, purpose,
		    o.encoding, &rows, &cause);
	else
		rc = store_export_file(c->s->st, path, o.status, purpose,
		    o.encoding, &rows, &cause);
	if (rc == XJ_OK && !to_stdout)
		fprintf(stderr, _("xueji: %zu students exported to %s\n"),
		    rows, path);
	rc = cli_error(rc, &cause);
out:
	return rc;
}

const struct cmd cmd_export = {
	.name = "export",
	.synopsis = N_("[--status S] [--encoding utf8|gb18030] "
	    "--purpose TEXT FILE.csv"),
	.help = N_("write the students to a spreadsheet (CSV), logged"),
	.exec = export_exec,
};
