/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * worker.h — what the reliability tests' worker processes share: unique
 * names and phones, logins and acknowledgements that never longjmp into
 * cmocka (a forked child must only ever _exit), and the figures line
 * that `make reliability` collects into its table.
 */
#ifndef XUEJI_TEST_WORKER_H
#define XUEJI_TEST_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "xueji/platform.h"
#include "xueji/session.h"

/* A name no other call returns: "Kid " and n in letters. */
void	 tw_name(char *buf, size_t len, const char *prefix, unsigned long n);
/* A mobile phone number for n. */
void	 tw_phone(char *buf, size_t len, unsigned long n);
/* Log id in on config (passphrase "pass-<id>"); NULL with *cause. */
struct session *tw_login(const char *config, const char *id, char **cause);
/* Write the line fmt … to fd in one write(2) (atomic on a pipe). */
void	 tw_say(int fd, const char *fmt, ...) XJ_PRINTF(2, 3);
/* Read fd until EOF, appending to *buf (*len bytes; NUL-terminated). */
void	 tw_slurp(int fd, char **buf, size_t *len);
/* An environment variable as a positive number, or def. */
long	 tw_env(const char *name, long def);
/*
 * The line `make reliability` collects: "FIGURES <test> runs=… ops=…
 * lost=… corrupt=… crashes=… leaks=…" on stdout.
 */
void	 tw_figures(const char *test, long runs, long ops, long lost,
	     long corrupt, long crashes, long leaks);

#endif
