/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * main: the common options, then one subcommand from the table.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "cli.h"
#include "xueji/ui.h"

#ifndef LOCALEDIR
#define LOCALEDIR	"/usr/share/locale"
#endif

static const struct cmd *const commands[] = {
	&cmd_init,
	&cmd_operator,
	&cmd_student,
	&cmd_change,
	&cmd_status,
	&cmd_destroy,
	&cmd_queue,
	&cmd_audit,
	&cmd_verify,
	&cmd_checkpoint,
};

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "%s", _("usage: xueji [-c CONFIG] [-d DATA_DIR] [-u ID] "
	    "[--passphrase-fd N] COMMAND [ARGS]\n\n"));
	fprintf(f, "%s", _("xueji keeps the student records of one training "
	    "branch: encrypted,\nrole-based, every action in a tamper-evident "
	    "log.\n\ncommands:\n"));
	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name,
		    _(commands[i]->help));
	fprintf(f, "%s", _("\noptions:\n"
	    "  -c, --config FILE          configuration (default "
	    "/etc/xueji/xueji.yaml)\n"
	    "  -d, --data-dir DIR         use DIR instead of data_dir\n"
	    "  -u, --operator ID          who is acting\n"
	    "      --passphrase-fd N      read the passphrase from file "
	    "descriptor N\n"
	    "      --new-passphrase-fd N  read a passphrase being set from N\n"
	    "      --kdf PROFILE          interactive, moderate (default) or "
	    "sensitive\n"
	    "  -h, --help                 show this help\n"
	    "  -V, --version              show the version\n\n"
	    "Run \"xueji COMMAND --help\" for a command's usage; see "
	    "xueji(1).\n"));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help",		no_argument,	   NULL, 'h' },
		{ "version",		no_argument,	   NULL, 'V' },
		{ "config",		required_argument, NULL, 'c' },
		{ "data-dir",		required_argument, NULL, 'd' },
		{ "operator",		required_argument, NULL, 'u' },
		{ "passphrase-fd",	required_argument, NULL, CLI_OPT_PASSFD },
		{ "new-passphrase-fd",	required_argument, NULL,
		    CLI_OPT_NEWPASSFD },
		{ "kdf",		required_argument, NULL, CLI_OPT_KDF },
		{ NULL, 0, NULL, 0 }
	};
	struct cli	 c;
	size_t		 i;
	int		 ch, rc;

	platform_init();
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	memset(&c, 0, sizeof c);
	c.pass_fd = c.new_pass_fd = -1;
	c.kdf = KDF_MODERATE;

	/* "+": stop at the subcommand; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+hVc:d:u:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return XJ_OK;
		case 'V':
			printf("xueji %s\n", VERSION);
			return XJ_OK;
		case '?':
			usage(stderr);
			return XJ_EUSAGE;
		default:
			if ((rc = cli_common_option(&c, ch, optarg)) != XJ_OK)
				return rc == -1 ? XJ_EUSAGE : rc;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return ui_main(c.config_path, c.data_dir);
	for (i = 0; i < nitems(commands); i++) {
		if (strcmp(argv[0], commands[i]->name) == 0)
			break;
	}
	if (i == nitems(commands)) {
		fprintf(stderr, _("xueji: unknown command \"%s\"\n"), argv[0]);
		usage(stderr);
		return XJ_EUSAGE;
	}
	c.cmd = commands[i];
	rc = commands[i]->exec(&c, argc, argv);
	session_free(c.s);
	secure_free(c.pass);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s\n", _("xueji: cannot write the output"));
		return XJ_EIO;
	}
	return rc;
}
