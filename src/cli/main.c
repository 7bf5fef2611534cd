/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * main: the common options, then one subcommand from the table.
 */
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <sodium.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "cli.h"
#include "xueji/config.h"
#include "xueji/keys.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "xueji/ui.h"

#ifndef LOCALEDIR
#define LOCALEDIR	"/usr/share/locale"
#endif

static const struct cmd *const commands[] = {
	&cmd_init,
	&cmd_operator,
	&cmd_student,
	&cmd_import,
	&cmd_change,
	&cmd_status,
	&cmd_destroy,
	&cmd_guardian,
	&cmd_queue,
	&cmd_audit,
	&cmd_verify,
	&cmd_checkpoint,
	&cmd_analysis,
	&cmd_report,
	&cmd_backup,
	&cmd_restore_drill,
	&cmd_restore,
	&cmd_export,
};

/*
 * The locale of the environment.  When it is not installed (zh_CN.UTF-8
 * not generated) say so once, in English since no catalogue can be used
 * yet, and go on in C.UTF-8 so that UTF-8 still works.  glibc ignores
 * LANGUAGE only in the locales named "C" and "POSIX", not in C.UTF-8, so
 * the messages can still be Chinese: if LANGUAGE is unset it is taken
 * from the locale asked for.  XUEJI_LOCALEDIR points a program at other
 * catalogues; a program run from the source tree finds its build's
 * (tree_localedir).
 */
/*
 * The catalogues of the build this binary belongs to, when it runs from
 * the source tree: ./xueji beside build/locale, or build/xueji beside
 * build/locale.  A directory counts only if it holds a catalogue of
 * ours, so /usr/bin/locale (a program) or an empty directory never
 * does.  Never in protected (setgid) mode, where only the installed
 * catalogues may be read.  NULL when there is none; the result is the
 * caller's.
 */
static char *
tree_localedir(void)
{
	static const char *const sub[] = { "build/locale", "locale" };
	char	 exe[PATH_MAX], *dir, *cand, *pat;
	glob_t	 g;
	ssize_t	 len;
	size_t	 i;
	int	 found;

	if (getegid() != getgid() || geteuid() != getuid())
		return NULL;
	if ((len = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return NULL;
	exe[len] = '\0';
	dir = xj_dirname(exe);
	for (i = 0; i < nitems(sub); i++) {
		cand = xj_path_join(dir, sub[i]);
		xasprintf(&pat, "%s/*/LC_MESSAGES/%s.mo", cand, PACKAGE);
		found = glob(pat, GLOB_NOSORT, NULL, &g) == 0;
		if (found)
			globfree(&g);
		free(pat);
		if (found) {
			free(dir);
			return cand;
		}
		free(cand);
	}
	free(dir);
	return NULL;
}

static void
setup_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char	*want = NULL, *dir, *lang;
	char		*s, *tree;
	size_t		 i;

	if (setlocale(LC_ALL, "") == NULL) {
		for (i = 0; i < nitems(vars) && want == NULL; i++) {
			if ((want = getenv(vars[i])) != NULL && *want == '\0')
				want = NULL;
		}
		if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
			setlocale(LC_ALL, "C");
			fprintf(stderr, "xueji: the locale %s is not installed, "
			    "nor C.UTF-8; messages are in English (see "
			    "locale -a)\n", want != NULL ? want : "?");
		} else {
			fprintf(stderr, "xueji: the locale %s is not installed; "
			    "using C.UTF-8 (see locale -a)\n",
			    want != NULL ? want : "?");
			lang = getenv("LANGUAGE");
			if ((lang == NULL || *lang == '\0') && want != NULL &&
			    strcmp(want, "C") != 0 && strcmp(want, "POSIX") != 0) {
				s = xstrndup(want, strcspn(want, ".@"));
				setenv("LANGUAGE", s, 1);
				free(s);
			}
		}
	}
	dir = secure_getenv("XUEJI_LOCALEDIR");
	if (dir != NULL && *dir != '\0')
		bindtextdomain(PACKAGE, dir);
	else if ((tree = tree_localedir()) != NULL) {
		bindtextdomain(PACKAGE, tree);
		free(tree);
	} else
		bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
}

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
		fprintf(f, "  %-13s %s\n", commands[i]->name,
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

/*
 * Copy the command and its arguments and wipe everything after the
 * command's name from the process's own: free text, values and a name
 * searched for may name a child, and other users can read a process's
 * arguments (ps, /proc/PID/cmdline).  Doing it here, before any command
 * runs, covers every command and every option at once.  The command
 * gets *args, which getopt may permute; *copies keeps the strings for
 * free_args.
 */
static char **
take_args(int argc, char **argv, char ***copies)
{
	char	**args;
	int	  i;

	args = xcalloc((size_t)argc + 1, sizeof *args);
	*copies = xcalloc((size_t)argc + 1, sizeof **copies);
	for (i = 0; i < argc; i++) {
		args[i] = (*copies)[i] = xstrdup(argv[i]);
		if (i > 0)
			sodium_memzero(argv[i], strlen(argv[i]));
	}
	return args;
}

/* Wipe and free what take_args copied. */
static void
free_args(int argc, char **args, char **copies)
{
	int	i;

	for (i = 0; i < argc; i++)
		xfree_wipe(copies[i]);
	free(copies);
	free(args);
}

/* Ours, and the engine's this process runs on (not built against). */
static int
version(void)
{
	const char	*sqlite;
	char		*sqlcipher;
	int		 rc;

	rc = store_engine(&sqlcipher, &sqlite);
	printf("xueji %s\n", VERSION);
	printf(_("SQLCipher %s, SQLite %s\n"), sqlcipher != NULL ? sqlcipher :
	    _("missing"), sqlite);
	free(sqlcipher);
	return rc;
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
	char		**args, **copies;
	size_t		 i;
	int		 ch, rc;

	platform_init();
	setup_locale();

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
			return version();
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
	args = take_args(argc, argv, &copies);
	rc = commands[i]->exec(&c, argc, args);
	session_free(c.s);
	secure_free(c.pass);
	free_args(argc, args, copies);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s\n", _("xueji: cannot write the output"));
		return XJ_EIO;
	}
	return rc;
}
