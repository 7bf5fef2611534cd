/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji export [--status S] [--encoding utf8|gb18030] --purpose TEXT
 * FILE.csv: the students as a spreadsheet, for operators with
 * export.run.  The store decides what goes in and logs it; this file
 * makes sure the data land in a new file only its owner can read (never
 * over an existing one) and that a failed export leaves no file behind.
 * The purpose is free text and may name a person: main wipes it from
 * argv, as every argument after the command's name.  "-" writes to standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
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
		o->status = status_parse(arg);
		if (o->status < 0 || o->status == STATUS_DESTROYED)
			return cli_errorf(XJ_EUSAGE, _("unknown status \"%s\" "
			    "(active, completed, withdrawn)"), arg);
		return XJ_OK;
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

/*
 * Create path for the export: new, mode 0600, never over another file
 * nor through a link, the operator's own (xj_create_user_file).
 */
static int
create_new(const char *path, FILE **fp)
{
	int	fd;

	fd = xj_create_user_file(path);
	if (fd == -1 && errno == EEXIST)
		return cli_errorf(XJ_EUNAVAIL, _("%s exists already; an "
		    "export never replaces a file"), path);
	if (fd == -1)
		return cli_errorf(XJ_EIO, _("cannot create %s: %s"), path,
		    strerror(errno));
	if ((*fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(path);
		return cli_errorf(XJ_EIO, _("cannot write %s: %s"), path,
		    strerror(errno));
	}
	return XJ_OK;
}

/* Flush, sync and close f; XJ_EIO when any of them fails. */
static int
finish(FILE *f)
{
	int	rc = XJ_OK;

	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = XJ_EIO;
	if (fclose(f) != 0)
		rc = XJ_EIO;
	return rc;
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
	FILE			*f = NULL;
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
		f = stdout;
	else if ((rc = create_new(path, &f)) != XJ_OK)
		goto out;
	rc = store_export(c->s->st, f, o.status, purpose, o.encoding, &rows,
	    &cause);
	if (!to_stdout) {
		if (finish(f) != XJ_OK && rc == XJ_OK)
			rc = cli_errorf(XJ_EIO, _("cannot write %s: %s"),
			    path, strerror(errno));
		/* Half an export is still personal data: leave none. */
		if (rc != XJ_OK)
			unlink(path);
	}
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
