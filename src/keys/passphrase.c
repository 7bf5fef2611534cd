/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Reading passphrases: from a file descriptor for scripts and tests (as
 * gpg's --passphrase-fd), or from the terminal with echo off.  Every byte
 * of a passphrase goes straight into secure memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/keys.h"

#define PASS_MAX	1024

enum {
	LINE_OK,
	LINE_EOF,	/* end of file before any byte */
	LINE_LONG,
	LINE_ERROR,	/* errno set */
	LINE_SIGNAL,	/* interrupted by a signal we caught */
};

/* The signals that would leave the terminal without echo. */
static const int		tty_signals[] = {
	SIGINT, SIGQUIT, SIGTSTP, SIGHUP, SIGTERM
};
static volatile sig_atomic_t	tty_caught;

static void
tty_catch(int sig)
{
	tty_caught = sig;
}

/*
 * Read one line into buf (room for PASS_MAX + 1) a byte at a time, so
 * nothing after the newline is consumed: the same descriptor may carry
 * the next passphrase.  Drops the newline and one "\r" before it.
 */
static int
read_line(int fd, char *buf, size_t *lenp)
{
	struct pollfd	pfd;
	size_t		len = 0;
	ssize_t		n;
	char		c = 0;
	int		rv = LINE_OK;

	for (;;) {
		/*
		 * A signal caught just before read() would not interrupt
		 * it: wait in short polls and look at the flag between them.
		 */
		if (tty_caught != 0) {
			rv = LINE_SIGNAL;
			break;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, 200)) == -1 && errno != EINTR) {
			rv = LINE_ERROR;
			break;
		}
		if (n <= 0)
			continue;	/* timeout, or EINTR: look again */
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR) {
			if (tty_caught != 0) {
				rv = LINE_SIGNAL;
				break;
			}
			continue;
		}
		if (n == -1) {
			rv = LINE_ERROR;
			break;
		}
		if (n == 0) {
			if (len == 0)
				rv = LINE_EOF;
			break;
		}
		if (c == '\n')
			break;
		if (len == PASS_MAX) {
			rv = LINE_LONG;
			break;
		}
		buf[len++] = c;
	}
	sodium_memzero(&c, sizeof c);
	if (rv != LINE_OK) {
		sodium_memzero(buf, len);
		return rv;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	*lenp = len;
	return LINE_OK;
}

static void
write_str(int fd, const char *s)
{
	size_t	len = strlen(s);
	ssize_t	n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static int
read_fd(int fd, char **out, size_t *lenp, char **cause)
{
	char	*buf;
	size_t	 len = 0;
	int	 rv;

	buf = secure_alloc(PASS_MAX + 1);
	switch (read_line(fd, buf, &len)) {
	case LINE_OK:
		break;
	case LINE_EOF:
		rv = xj_fail(cause, XJ_EDATA, _("no passphrase on file "
		    "descriptor %d"), fd);
		goto fail;
	case LINE_LONG:
		rv = xj_fail(cause, XJ_EDATA, _("the passphrase is longer than "
		    "%d bytes"), PASS_MAX);
		goto fail;
	default:
		rv = xj_fail(cause, XJ_EIO, _("cannot read the passphrase from "
		    "file descriptor %d: %s"), fd, strerror(errno));
		goto fail;
	}
	if (len == 0) {
		rv = xj_fail(cause, XJ_EDATA, _("the passphrase is empty"));
		goto fail;
	}
	*out = buf;
	*lenp = len;
	return XJ_OK;

fail:
	secure_free(buf);
	return rv;
}

/* Prompt on tty and read a line with echo already off. */
static int
read_tty_line(int tty, const char *prompt, char *buf, size_t *lenp,
    char **cause)
{
	int	r;

	write_str(tty, prompt);
	r = read_line(tty, buf, lenp);
	write_str(tty, "\n");
	switch (r) {
	case LINE_OK:
		if (*lenp == 0)
			return xj_fail(cause, XJ_EDATA, _("the passphrase is "
			    "empty"));
		return XJ_OK;
	case LINE_EOF:
		return xj_fail(cause, XJ_EDATA, _("no passphrase entered"));
	case LINE_LONG:
		/* Drop the rest of the line rather than leave it as input. */
		tcflush(tty, TCIFLUSH);
		return xj_fail(cause, XJ_EDATA, _("the passphrase is longer "
		    "than %d bytes"), PASS_MAX);
	case LINE_SIGNAL:
		return xj_fail(cause, XJ_EUSAGE, _("passphrase entry "
		    "interrupted"));
	}
	return xj_fail(cause, XJ_EIO, _("cannot read from the terminal: %s"),
	    strerror(errno));
}

static int
read_tty(const char *prompt, int confirm, char **out, size_t *lenp,
    char **cause)
{
	struct sigaction	 sa, saved[nitems(tty_signals)];
	struct termios		 old, quiet;
	char			*buf = NULL, *again = NULL;
	size_t			 len = 0, len2 = 0, i;
	int			 tty, rv, sig;

	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty == -1 || tcgetattr(tty, &old) == -1) {
		if (tty != -1)
			close(tty);
		return xj_fail(cause, XJ_EUSAGE, _("there is no terminal to "
		    "read the passphrase from; use --passphrase-fd"));
	}

	/*
	 * Catch the signals that would leave echo off, without SA_RESTART
	 * so that read() returns; restore the terminal, then deliver them.
	 */
	tty_caught = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tty_catch;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < nitems(tty_signals); i++)
		sigaction(tty_signals[i], &sa, &saved[i]);

	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	quiet.c_lflag |= ICANON | ISIG;
	quiet.c_iflag |= ICRNL;
	if (tcsetattr(tty, TCSAFLUSH, &quiet) == -1) {
		rv = xj_fail(cause, XJ_EIO, _("cannot turn off echo on the "
		    "terminal: %s"), strerror(errno));
		goto out;
	}

	buf = secure_alloc(PASS_MAX + 1);
	if (prompt == NULL)
		prompt = _("Passphrase: ");
	if ((rv = read_tty_line(tty, prompt, buf, &len, cause)) != XJ_OK)
		goto out;
	if (confirm) {
		again = secure_alloc(PASS_MAX + 1);
		rv = read_tty_line(tty, _("Repeat passphrase: "), again, &len2,
		    cause);
		if (rv != XJ_OK)
			goto out;
		if (len != len2 || sodium_memcmp(buf, again, len) != 0) {
			rv = xj_fail(cause, XJ_EDATA, _("the passphrases do "
			    "not match"));
			goto out;
		}
	}

out:
	tcsetattr(tty, TCSAFLUSH, &old);
	for (i = 0; i < nitems(tty_signals); i++)
		sigaction(tty_signals[i], &saved[i], NULL);
	close(tty);
	secure_free(again);
	if ((sig = tty_caught) != 0) {
		tty_caught = 0;
		if (rv == XJ_OK)
			rv = xj_fail(cause, XJ_EUSAGE, _("passphrase entry "
			    "interrupted"));
		raise(sig);	/* with the caller's disposition back */
	}
	if (rv != XJ_OK) {
		secure_free(buf);
		return rv;
	}
	*out = buf;
	*lenp = len;
	return XJ_OK;
}

int
passphrase_read(int fd, const char *prompt, int confirm, char **out,
    size_t *lenp, char **cause)
{
	size_t	len = 0;
	int	rv;

	*out = NULL;
	if (fd >= 0)
		rv = read_fd(fd, out, &len, cause);
	else
		rv = read_tty(prompt, confirm, out, &len, cause);
	if (lenp != NULL)
		*lenp = len;
	return rv;
}

int
passphrase_check_new(const char *pass, size_t len, char **cause)
{
	uint32_t	cp, first = 0;
	size_t		off = 0, chars = 0;
	int		n, same = 1;

	while (off < len) {
		if ((n = utf8_decode(pass + off, len - off, &cp)) < 0)
			return xj_fail(cause, XJ_EDATA, _("the passphrase is "
			    "not valid UTF-8"));
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return xj_fail(cause, XJ_EDATA, _("the passphrase "
			    "must not contain control characters"));
		if (chars == 0)
			first = cp;
		else if (cp != first)
			same = 0;
		chars++;
		off += (size_t)n;
	}
	if (chars < PASSPHRASE_MIN_CHARS)
		return xj_fail(cause, XJ_EDATA, _("the passphrase must have at "
		    "least %d characters"), PASSPHRASE_MIN_CHARS);
	if (same)
		return xj_fail(cause, XJ_EDATA, _("the passphrase must not be "
		    "one character repeated"));
	return XJ_OK;
}

int
passphrase_strength(const char *pass, size_t len)
{
	uint32_t	cp;
	size_t		off = 0, chars = 0;
	double		pool = 0, guesses = 1;
	int		n, lower = 0, upper = 0, digit = 0, other = 0, wide = 0;

	if (passphrase_check_new(pass, len, NULL) != XJ_OK)
		return PASS_REFUSED;
	while (off < len && (n = utf8_decode(pass + off, len - off,
	    &cp)) > 0) {
		if (cp >= 'a' && cp <= 'z')
			lower = 1;
		else if (cp >= 'A' && cp <= 'Z')
			upper = 1;
		else if (cp >= '0' && cp <= '9')
			digit = 1;
		else if (cp < 0x80)
			other = 1;
		else
			wide = 1;
		chars++;
		off += (size_t)n;
	}
	/* The alphabet a guesser must try for the classes present. */
	pool = 26.0 * lower + 26.0 * upper + 10.0 * digit + 33.0 * other +
	    3000.0 * wide;
	/* pool^chars against 2^45 and 2^70, without libm. */
	while (chars-- > 0 && guesses < 1.2e21)
		guesses *= pool;
	if (guesses < 35184372088832.0)		/* 2^45 */
		return PASS_WEAK;
	return guesses < 1180591620717411303424.0 ? PASS_FAIR : PASS_STRONG;
}
