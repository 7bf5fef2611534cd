/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * platform.h — the small helpers every layer uses: checked allocation,
 * fatal errors, translated messages, exit codes, UTF-8, time and secure
 * memory.  Nothing here knows about students.
 */
#ifndef XUEJI_PLATFORM_H
#define XUEJI_PLATFORM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>		/* LOG_NOTICE ... for xj_syslog */
#include <time.h>

#include <libintl.h>

#define _(s)		gettext(s)
#define N_(s)		(s)
/* A message with a context, for one English word with two meanings. */
#define C_(ctx, s)	xj_pgettext(ctx "\004" s, s)
#ifdef __GNUC__
/* Its result is a format when msgid is one, as gettext's is. */
const char	*xj_pgettext(const char *ctx_and_msgid, const char *msgid)
		    __attribute__((format_arg(2)));
#else
const char	*xj_pgettext(const char *ctx_and_msgid, const char *msgid);
#endif

#ifndef PACKAGE
#define PACKAGE		"xueji"
#endif
#ifndef VERSION
#define VERSION		"0.1.0"
#endif

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#if defined(__GNUC__)
#define XJ_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define XJ_NORETURN	__attribute__((noreturn))
#else
#define XJ_PRINTF(f, a)
#define XJ_NORETURN
#endif

/*
 * Status codes.  Every recoverable function returns one of these and, on
 * failure, fills a char **cause with a translated, malloc'd sentence the
 * caller frees.  The values are those of <sysexits.h>, so the command line
 * can exit with them unchanged.
 */
enum {
	XJ_OK = 0,
	XJ_TAMPERED = 1,	/* verify found a broken chain */
	XJ_EUSAGE = 64,		/* EX_USAGE */
	XJ_EDATA = 65,		/* EX_DATAERR: bad input from the operator */
	XJ_ENOINPUT = 66,	/* EX_NOINPUT: no such student, file, branch */
	XJ_EUNAVAIL = 69,	/* EX_UNAVAILABLE */
	XJ_ESOFTWARE = 70,	/* EX_SOFTWARE: a bug of ours */
	XJ_EIO = 74,		/* EX_IOERR: disk full, I/O error */
	XJ_EBUSY = 75,		/* EX_TEMPFAIL: database busy */
	XJ_EPERM = 77,		/* EX_NOPERM: not permitted, wrong passphrase */
	XJ_ECONFIG = 78,	/* EX_CONFIG */
};

/* Set a malloc'd, formatted message into *cause (if cause is not NULL) and
 * return code, so that failure paths read "return xj_fail(cause, ...)". */
int	 xj_fail(char **cause, int code, const char *fmt, ...) XJ_PRINTF(3, 4);

/*
 * Register a function that fatal() calls before it prints: the UI ends
 * curses, the key module wipes keys.  Later ones run first.  A function
 * already registered is not registered again, so a caller may register
 * at every login; more than eight is fatal.
 */
void	 xj_atfatal(void (*fn)(void));
/* Run the atfatal hooks, print the message to stderr and exit 70. */
void	 fatal(const char *fmt, ...) XJ_PRINTF(1, 2) XJ_NORETURN;
void	 fatalx_oom(void) XJ_NORETURN;

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) XJ_PRINTF(2, 3);
int	 xvasprintf(char **, const char *, va_list) XJ_PRINTF(2, 0);
/* Free a string that may have held personal data: zero it first. */
void	 xfree_wipe(char *);

/*
 * Secure memory: sodium_malloc'd, locked, guarded.  Used for every key and
 * passphrase.  secure_free wipes before it frees; NULL is fine.
 */
void	*secure_alloc(size_t);
void	 secure_free(void *);

/*
 * mlock(2) and munlock(2) are the process's own (memlock.c): locks that
 * stack, counted per page, the kernel called only when a page's count
 * leaves or returns to zero.  xj_memlock_init sets them up (the first
 * mlock or munlock does too); call it before the heap holds anything to
 * lock.  xj_memlock_stats: how many calls came, and in *pages how many
 * pages are counted or kept locked and in *kernel how many system calls
 * were made (either may be NULL): for the tests and the benchmark.
 */
void		 xj_memlock_init(void);
/* Heap pages kept locked with no lock on them: at most 64 MiB. */
#define XJ_MEMLOCK_IDLE_MAX	16384
unsigned long	 xj_memlock_stats(size_t *pages, unsigned long *kernel);

/*
 * Process hardening done first thing in main(): no core dumps, not
 * ptrace-attachable by other users, umask 077, libsodium initialised.
 */
void	 platform_init(void);
/*
 * Protected mode (xueji(7)): installed setgid and run by someone outside
 * that group, so the effective gid is not the real one.  Decided once,
 * at the first call (platform_init makes it).
 */
int	 xj_protected(void);
/*
 * Whether path exists, as the effective ids see it: access(2) asks with
 * the real ones, and a setgid xueji's user cannot see the data directory.
 */
int	 xj_exists(const char *path);
/*
 * Whether path may be trusted in protected mode: it and every directory
 * above it owned by root, and writable by neither group nor others (a
 * root-owned sticky directory such as /tmp excepted), as sshd's
 * StrictModes.  XJ_OK, XJ_ENOINPUT (missing) or XJ_ECONFIG with *cause
 * naming the file and the rule.
 */
int	 xj_check_trusted(const char *path, char **cause);
/*
 * Whether the file at path may decide who gets which role and what they
 * see (xueji.yaml, roles.yaml, a form): XJ_OK, XJ_ENOINPUT when it is
 * missing, or XJ_ECONFIG when it is writable by group or others or owned
 * by someone other than root or the current user; in protected mode,
 * xj_check_trusted.
 */
int	 xj_check_config_file(const char *path, char **cause);
/*
 * Around the opening of a file the operator named (an export, a CSV to
 * import, a backup to restore): the operator's own group while it is
 * opened, so a path of theirs reaches nothing they could not reach.
 * They nest; outside protected mode they do nothing.
 */
void	 xj_user_begin(void);
void	 xj_user_end(void);
/*
 * Create path for the operator: new (O_EXCL), never through a link
 * (O_NOFOLLOW), mode 0600, in their own group (xj_user_begin).  The
 * descriptor, or -1 with errno set.
 */
int	 xj_create_user_file(const char *path);
/*
 * Remove such a file again (a failed write), in the operator's group
 * too: the folders above it are theirs, and may have been swapped for a
 * link to the data directory since it was created.
 */
void	 xj_unlink_user_file(const char *path);
/* xj_read_file of a file the operator named, in their group. */
int	 xj_read_user_file(const char *path, size_t max, char **out,
	     size_t *lenp, char **cause);
/* Write len bytes of data to a new file path so created, synced. */
int	 xj_write_user_file(const char *path, const void *data, size_t len,
	     char **cause);

/*
 * Whether dir is shared with a group: setgid, so that what is created in
 * it belongs to that group, group rwx, nothing for others (chmod 2770).
 * 1 or 0, or -1 when dir is not a directory.
 */
int	 xj_dir_shared(const char *dir);
/*
 * Set the umask for the files xueji creates from now on from the data
 * directory dir: umask 007 when it is shared (xj_dir_shared), so files
 * created with mode 0660 are 0660 in its group, and 077 otherwise, so
 * they are 0600.  Returns 1 (shared), 0 (private), or -1 when dir is not
 * a directory, the umask then unchanged.
 */
int	 platform_data_dir(const char *dir);

/*
 * A file or folder of the data directory that stands for a running
 * process (a session's name, a drill's scratch copy) is held with
 * flock(2) for as long as the process lives; the lock dies with it, so
 * one nobody holds is stale.  xj_hold takes the lock on fd, just
 * created: 0, or -1 when it is locked or was swept away meanwhile (the
 * caller closes it and makes another).  xj_sweep goes through the
 * entries of dir named prefix* (but not self, when not NULL): removes
 * each nobody holds (a folder with the files in it), and passes a
 * descriptor of each held one, read-only, to held (unless NULL).  It
 * returns how many are held, or -1 when dir cannot be read.
 */
int	 xj_hold(int fd);
int	 xj_sweep(const char *dir, const char *prefix, const char *self,
	     void (*held)(int, void *), void *arg);

/*
 * UTF-8.  utf8_decode reads one code point from s (at most n bytes) into
 * *cp and returns its length, or -1 for a malformed, overlong or surrogate
 * sequence.  utf8_valid is true when all n bytes are well-formed UTF-8.
 * utf8_encode writes cp into buf (room for 4) and returns its length.
 */
int	 utf8_decode(const char *s, size_t n, uint32_t *cp);
int	 utf8_valid(const char *s, size_t n);
int	 utf8_encode(uint32_t cp, char *buf);
/* Columns a string takes on a terminal (wcwidth, 0 for controls). */
int	 utf8_width(const char *s);
/*
 * Whether cp is a control character: one that must not be typed into a
 * field nor reach a terminal.  C0 and C1 controls and DEL; the bidi marks,
 * embeddings, overrides and isolates (U+061C, U+200E/F, U+202A..E,
 * U+2066..9), which reorder what follows on screen; the line and
 * paragraph separators U+2028/9; and the invisible U+180E, U+200B (zero
 * width space), U+2060 (word joiner) and U+FEFF (BOM).  The joiners
 * U+200C/D are not: they shape legitimate text.  The one definition the
 * forms, the line editor and the screen use.
 */
int	 utf8_is_control(uint32_t cp);
/*
 * Write s to f as one tab-separated column: a backslash as "\\", tab,
 * newline and carriage return as "\t", "\n", "\r", every other
 * utf8_is_control character as "\uXXXX" and a byte that is not UTF-8 as
 * "\xHH", so that a value stays on its line and nothing reaches a
 * terminal as a control sequence.  NULL writes nothing.
 */
void	 utf8_put_text(FILE *f, const char *s);

/*
 * Time.  xj_now() is the wall clock in seconds, unless XUEJI_NOW (an
 * ISO date or seconds) is set, which tests use to inject the clock.
 * xj_monotonic() counts suspended time too (CLOCK_BOOTTIME).
 */
time_t	 xj_now(void);
double	 xj_monotonic(void);
/* Format t as "2026-11-24 18:03" (local time) into buf. */
void	 xj_timefmt(time_t t, char *buf, size_t len);
/* Format t as "2026-11-24T18:03:07Z" (UTC). */
void	 xj_isotime(time_t t, char *buf, size_t len);
/* Parse what xj_isotime writes (the Z may be left off) into *out; -1
 * for anything else, *out then unchanged. */
int	 xj_parse_isotime(const char *s, time_t *out);
/* t plus months calendar months (local time), at the same time of day. */
time_t	 xj_add_months(time_t t, long months);
/* Format t as the local day "2026-11-24" into buf; "" for 0. */
void	 xj_dayfmt(time_t t, char *buf, size_t len);
/*
 * Parse a day written YYYY-MM-DD (month and day of one or two digits) as
 * its local midnight, or with through set the next day's, so that
 * [since, until) spans whole days at the branch.  -1 for anything else,
 * a day that does not exist (2026-13-45, 2026-02-30) included; *out is
 * then unchanged.
 */
int	 xj_parse_day(const char *s, int through, time_t *out);
/* Parse an id: a positive decimal number, digits only; -1 if not. */
int	 xj_parse_id(const char *s, int64_t *id);

/* Write len bytes of data in lowercase hex into out (room for 2*len+1). */
void	 xj_hex(const unsigned char *data, size_t len, char *out);
/* Parse exactly 2*len hex digits into out; 0 or -1. */
int	 xj_unhex(const char *hex, unsigned char *out, size_t len);

/*
 * Write a whole file atomically: a temporary file in the same directory
 * with the given mode less the umask (as open(2) would: pass 0660 for a
 * file the data directory's group may share), fsync, rename, fsync of
 * the directory.  On failure the old file is untouched and no temporary
 * file remains.
 */
int	 xj_write_file_atomic(const char *path, const void *data, size_t len,
	     unsigned mode, char **cause);
/* Read a whole file (up to max bytes) into a malloc'd, NUL-terminated
 * buffer.  Returns XJ_OK, XJ_ENOINPUT (missing), XJ_EDATA (too big), XJ_EIO. */
int	 xj_read_file(const char *path, size_t max, char **out, size_t *lenp,
	     char **cause);

/*
 * The system log: xj_syslog(LOG_NOTICE, "login ok: operator=%s", id) sends
 * one line to syslog(3) as "xueji[pid]", facility LOG_AUTHPRIV (opened on
 * first use).  For logins, failed logins, idle locks, key rotations and
 * operator changes; operator ids and action names only, never personal
 * data, and never translated.
 */
void	 xj_syslog(int prio, const char *fmt, ...) XJ_PRINTF(2, 3);
/* Join dir and name ("a/b" + "c" = "a/b/c"); name absolute stays as is. */
char	*xj_path_join(const char *dir, const char *name);
/* The directory part of path, malloc'd ("." when none). */
char	*xj_dirname(const char *path);
/* The last component of path, inside path (path itself when no slash). */
const char *xj_basename(const char *path);

#endif
