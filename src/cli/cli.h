/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * cli.h — what the subcommands (cmd-*.c, one each) share.
 */
#ifndef XUEJI_CLI_H
#define XUEJI_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <time.h>

#include "xueji/platform.h"

/*
 * The subjects' headers (student.h, request.h, …) are included by the
 * commands that act on those subjects, not here.
 */
struct session;
struct student_value;

/* The common options, given before the subcommand or after it. */
struct cli {
	const char	*config_path;	/* -c */
	const char	*data_dir;	/* -d */
	const char	*operator;	/* -u */
	int		 pass_fd;	/* --passphrase-fd, -1: terminal */
	int		 new_pass_fd;	/* --new-passphrase-fd */
	int		 kdf;		/* --kdf */
	char		*pass;		/* the login passphrase, secure memory */
	size_t		 passlen;
	struct session	*s;
	const struct cmd *cmd;		/* the subcommand running */
	int		 own_passwd;	/* operator passwd of one's own:
					   what a first login may do */
};

struct cmd {
	const char	*name;
	const char	*synopsis;	/* N_(); one line per form */
	const char	*help;		/* N_(); one line */
	int		(*exec)(struct cli *, int argc, char **argv);
};

extern const struct cmd cmd_init;
extern const struct cmd cmd_operator;
extern const struct cmd cmd_student;
extern const struct cmd cmd_import;
extern const struct cmd cmd_change;
extern const struct cmd cmd_status;
extern const struct cmd cmd_destroy;
extern const struct cmd cmd_guardian;
extern const struct cmd cmd_queue;
extern const struct cmd cmd_audit;
extern const struct cmd cmd_verify;
extern const struct cmd cmd_checkpoint;
extern const struct cmd cmd_backup;
extern const struct cmd cmd_restore_drill;
extern const struct cmd cmd_restore;
extern const struct cmd cmd_export;
extern const struct cmd cmd_report;
extern const struct cmd cmd_analysis;

/*
 * Parse a subcommand's options: the command's own (handled by fn, which
 * returns XJ_OK or XJ_EUSAGE) merged with the common ones.  On return
 * *first is the index of the first operand.
 */
int	 cli_parse(struct cli *, int argc, char **argv, const char *shortopts,
	     const struct option *longopts,
	     int (*fn)(struct cli *, int ch, const char *arg, void *),
	     void *arg, int *first);
/*
 * Parse only the common options up to the first operand (a verb such as
 * "add"), so that "xueji student -u ID add ..." works too.
 */
int	 cli_parse_verb(struct cli *, int argc, char **argv, int *first);
/*
 * A subcommand's verbs ("change approve", "status due"): run is called
 * with argv[0] the verb and its own options and operands after it.
 */
struct cli_verb {
	const char	*name;
	int		(*run)(struct cli *, int argc, char **argv);
};
/*
 * Parse the common options before the verb, then run the verb named by
 * the first operand; usage when there is none or it is unknown.
 */
int	 cli_dispatch(struct cli *, const struct cli_verb *, size_t nverbs,
	     int argc, char **argv);
/* Handle one common option; XJ_EUSAGE for a bad value, -1 if not ours. */
int	 cli_common_option(struct cli *, int ch, const char *arg);

/* Load configuration, roles and form (exit codes as session_load). */
int	 cli_load(struct cli *);
/* Load, read the passphrase of -u and log in.  Until an operator whose
 * slot someone else set has chosen their own passphrase, only that
 * (own_passwd) may follow: anything else is refused (XJ_EPERM). */
int	 cli_login(struct cli *);
/*
 * Read a passphrase being set for id: from --new-passphrase-fd when
 * given, else the terminal asking twice.  Checked for strength.
 */
int	 cli_new_passphrase(struct cli *, const char *id, char **pass,
	     size_t *len);

/*
 * Collect KEY=VALUE values: the operands from argv[first] on, then with
 * from_stdin one a line from standard input (empty lines and lines
 * starting with '#' skipped).  On success
 * *vp is an array of *np values the caller frees with cli_free_pairs;
 * on failure nothing is left to free and the error has been printed.
 */
int	 cli_read_pairs(struct cli *, int argc, char **argv, int first,
	     int from_stdin, struct student_value **vp, size_t *np);
/* Wipe and free values from cli_read_pairs. */
void	 cli_free_pairs(struct student_value *, size_t);

/* Parse a request id, a positive decimal number; XJ_EUSAGE if not. */
int	 cli_parse_id(const char *s, int64_t *id);
/*
 * Check that request id is of the kind the command decides: a
 * destruction for "destroy approve|reject" (destroy set), a change or
 * status request for "change approve|reject".  XJ_EUSAGE naming the
 * other command when not; the store's code (66 for no such request)
 * when it cannot be read.  Needs a login.
 */
int	 cli_request_kind(struct cli *, int64_t id, int destroy);
/*
 * Parse a day as xj_parse_day does: local midnight, or with through set
 * the next day's.  XJ_EUSAGE, with the error printed, when s is not a
 * day.  Days are printed with xj_dayfmt, in local time as well.
 */
int	 cli_parse_day(const char *s, int through, time_t *out);

/*
 * Print a value as one column of the output, escaped by utf8_put_text:
 * every value that came from a person goes through here.
 */
void	 cli_put_text(const char *);
/* Print "key", a tab, the value as cli_put_text does, and a newline. */
void	 cli_put_pair(const char *key, const char *value);
/* Print "key", a tab, the time t as xj_isotime writes it, and a newline. */
void	 cli_put_time(const char *key, time_t t);
/*
 * The status named s into *status: XJ_OK, or XJ_EUSAGE with the error
 * printed, listing the statuses taken.  A destroyed status is taken only
 * when destroyed is set (a list; nobody sets it).
 */
int	 cli_parse_status(const char *s, int destroyed, int *status);

/*
 * Print "xueji: *cause" to stderr when there is one, free it, return rc.
 * It takes the cause's address, not its value, so that
 * cli_error(f(.., &cause), &cause) reads the cause f wrote whatever order
 * the compiler evaluates the arguments in.
 */
int	 cli_error(int rc, char **cause);
/* Print "xueji: " and the formatted message to stderr, return rc. */
int	 cli_errorf(int rc, const char *fmt, ...) XJ_PRINTF(2, 3);
/* Print a usage line for cmd to stderr and return XJ_EUSAGE. */
int	 cli_usage(const struct cmd *);

#define CLI_OPT_PASSFD		1000
#define CLI_OPT_NEWPASSFD	1001
#define CLI_OPT_KDF		1002
#define CLI_OPT_HELP		1003

#endif
