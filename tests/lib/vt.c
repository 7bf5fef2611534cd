/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * vt.c — the end-to-end tests' terminal: forkpty(3) and libvterm.
 *
 * What the child writes is read from the master side and fed to libvterm;
 * what the terminal says back (keys, answers to cursor position and device
 * attribute queries) arrives through libvterm's output callback, is queued
 * and written to the master.  Keys go through vterm_keyboard_key() so that
 * the emulator, which knows the modes the child set (DECCKM after smkx,
 * bracketed paste), chooses the bytes as xterm would.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <vterm.h>

#include "xueji/platform.h"
#include "lib/vt.h"

/* How long vt_send() waits for a child that does not read its input. */
#define VT_SEND_TIMEOUT		5000
/* How long vt_free() gives the child between SIGTERM and SIGKILL. */
#define VT_TERM_GRACE		1000
/* How long vt_wait_exit() reads after the exit while a grandchild keeps
 * the terminal open. */
#define VT_EXIT_DRAIN		200
/* Poll slice when pidfd_open(2) is missing and exits must be polled. */
#define VT_POLL_SLICE		10

struct vt {
	pid_t		 pid;
	int		 fd;		/* the master side */
	int		 pidfd;		/* -1 without pidfd_open(2) */
	int		 exited;
	int		 status;
	int		 eof;		/* the slave side is closed */

	VTerm		*vterm;
	VTermScreen	*screen;
	VTermState	*state;
	int		 rows;
	int		 cols;
	int		 cursor_visible;
	int		 altscreen;

	char		*out;		/* for the child, not yet written */
	size_t		 outlen;
	size_t		 outsize;

	FILE		*log;
};

static const VTermKey vt_keys[] = {
	[VT_KEY_ENTER] = VTERM_KEY_ENTER,
	[VT_KEY_ESC] = VTERM_KEY_ESCAPE,
	[VT_KEY_TAB] = VTERM_KEY_TAB,
	[VT_KEY_BACKTAB] = VTERM_KEY_TAB,
	[VT_KEY_BACKSPACE] = VTERM_KEY_BACKSPACE,
	[VT_KEY_INSERT] = VTERM_KEY_INS,
	[VT_KEY_DELETE] = VTERM_KEY_DEL,
	[VT_KEY_UP] = VTERM_KEY_UP,
	[VT_KEY_DOWN] = VTERM_KEY_DOWN,
	[VT_KEY_LEFT] = VTERM_KEY_LEFT,
	[VT_KEY_RIGHT] = VTERM_KEY_RIGHT,
	[VT_KEY_HOME] = VTERM_KEY_HOME,
	[VT_KEY_END] = VTERM_KEY_END,
	[VT_KEY_PAGEUP] = VTERM_KEY_PAGEUP,
	[VT_KEY_PAGEDOWN] = VTERM_KEY_PAGEDOWN,
	[VT_KEY_F1] = VTERM_KEY_FUNCTION(1),
	[VT_KEY_F2] = VTERM_KEY_FUNCTION(2),
	[VT_KEY_F3] = VTERM_KEY_FUNCTION(3),
	[VT_KEY_F4] = VTERM_KEY_FUNCTION(4),
	[VT_KEY_F5] = VTERM_KEY_FUNCTION(5),
	[VT_KEY_F6] = VTERM_KEY_FUNCTION(6),
	[VT_KEY_F7] = VTERM_KEY_FUNCTION(7),
	[VT_KEY_F8] = VTERM_KEY_FUNCTION(8),
	[VT_KEY_F9] = VTERM_KEY_FUNCTION(9),
	[VT_KEY_F10] = VTERM_KEY_FUNCTION(10),
	[VT_KEY_F11] = VTERM_KEY_FUNCTION(11),
	[VT_KEY_F12] = VTERM_KEY_FUNCTION(12),
};

/* A descriptor that polls readable when pid exits, or -1 (before Linux
 * 5.3, under valgrind); called through syscall(2) because <sys/pidfd.h>
 * is new in glibc 2.36. */
static int
vt_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	int	fd;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) != -1)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
#else
	(void)pid;
	return -1;
#endif
}

static long
vt_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int
vt_left(long deadline)
{
	long	left = deadline - vt_now();

	return left < 0 ? 0 : (int)left;
}

static void
vt_output(const char *s, size_t len, void *user)
{
	struct vt	*vt = user;

	if (vt->outlen + len > vt->outsize) {
		vt->outsize = (vt->outlen + len) * 2;
		vt->out = xreallocarray(vt->out, 1, vt->outsize);
	}
	memcpy(vt->out + vt->outlen, s, len);
	vt->outlen += len;
}

/* Must return 1, or libvterm's state ignores the change. */
static int
vt_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vt	*vt = user;

	switch (prop) {
	case VTERM_PROP_CURSORVISIBLE:
		vt->cursor_visible = val->boolean;
		break;
	case VTERM_PROP_ALTSCREEN:
		vt->altscreen = val->boolean;
		break;
	default:
		break;
	}
	return 1;
}

static const VTermScreenCallbacks vt_screen_callbacks = {
	.settermprop = vt_settermprop,
};

/* Mark every descriptor above stderr close-on-exec (the exec error pipe
 * already is); close_range(2) needs Linux 5.11, so fall back to a loop. */
static void
closefrom_cloexec(void)
{
	long	fd, max;

	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

static void XJ_NORETURN
vt_child(int errfd, pid_t parent, char *const argv[], char *const extra[])
{
	struct termios	 tio;
	sigset_t	 set;
	char		*name, *eq;
	size_t		 i;
	int		 e;
	static const int sigs[] = {
		SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGWINCH,
		SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM, SIGUSR1, SIGUSR2,
	};

	/* Die with the test, even if it died before this line. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	for (i = 0; i < nitems(sigs); i++)
		signal(sigs[i], SIG_DFL);

	/* Only the terminal for the child: none of the test's files. */
	closefrom_cloexec();

	/* A UTF-8 terminal sets IUTF8, so canonical erase takes a whole
	 * character. */
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag |= IUTF8;
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}

	setenv("TERM", "xterm-256color", 1);
	setenv("LANG", "C.UTF-8", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	unsetenv("COLUMNS");	/* ncurses would prefer them to the ioctl */
	unsetenv("LINES");
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		if ((name = strdup(extra[i])) == NULL)
			_exit(127);
		if ((eq = strchr(name, '=')) == NULL)
			unsetenv(name);
		else {
			*eq = '\0';
			setenv(name, eq + 1, 1);
		}
		free(name);
	}

	execvp(argv[0], argv);
	e = errno;
	if (write(errfd, &e, sizeof e) == -1)
		_exit(127);
	_exit(127);
}

struct vt *
vt_spawn(int rows, int cols, char *const argv[], char *const envp_extra[])
{
	struct winsize	 ws;
	struct vt	*vt;
	pid_t		 pid, parent = getpid();
	ssize_t		 n;
	int		 fd, errpipe[2], e;

	memset(&ws, 0, sizeof ws);
	ws.ws_row = rows;
	ws.ws_col = cols;

	if (pipe2(errpipe, O_CLOEXEC) == -1) {
		fprintf(stderr, "vt_spawn: pipe: %s\n", strerror(errno));
		return NULL;
	}
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid == -1) {
		fprintf(stderr, "vt_spawn: forkpty: %s\n", strerror(errno));
		close(errpipe[0]);
		close(errpipe[1]);
		return NULL;
	}
	if (pid == 0) {
		close(errpipe[0]);
		vt_child(errpipe[1], parent, argv, envp_extra);
	}
	close(errpipe[1]);

	/* The pipe closes on exec; an errno in it means exec failed. */
	do
		n = read(errpipe[0], &e, sizeof e);
	while (n == -1 && errno == EINTR);
	close(errpipe[0]);
	if (n == (ssize_t)sizeof e) {
		fprintf(stderr, "vt_spawn: %s: %s\n", argv[0], strerror(e));
		close(fd);
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		return NULL;
	}

	vt = xcalloc(1, sizeof *vt);
	vt->pid = pid;
	vt->fd = fd;
	vt->log = stderr;
	vt->rows = rows;
	vt->cols = cols;
	vt->cursor_visible = 1;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	vt->pidfd = vt_pidfd_open(pid);

	vt->vterm = vterm_new(rows, cols);
	if (vt->vterm == NULL)
		fatalx_oom();
	vterm_set_utf8(vt->vterm, 1);
	vterm_output_set_callback(vt->vterm, vt_output, vt);
	vt->state = vterm_obtain_state(vt->vterm);
	vt->screen = vterm_obtain_screen(vt->vterm);
	vterm_screen_set_callbacks(vt->screen, &vt_screen_callbacks, vt);
	vterm_screen_enable_altscreen(vt->screen, 1);
	vterm_screen_reset(vt->screen, 1);
	return vt;
}

pid_t
vt_pid(struct vt *vt)
{
	return vt->pid;
}

void
vt_set_log(struct vt *vt, FILE *f)
{
	vt->log = f;
}

static int
vt_reap(struct vt *vt, int flags)
{
	pid_t	r;
	int	status;

	if (vt->exited)
		return 1;
	do
		r = waitpid(vt->pid, &status, flags);
	while (r == -1 && errno == EINTR);
	if (r != vt->pid)
		return 0;
	vt->exited = 1;
	vt->status = status;
	if (vt->pidfd != -1) {
		close(vt->pidfd);
		vt->pidfd = -1;
	}
	return 1;
}

int
vt_exited(struct vt *vt, int *status)
{
	if (!vt_reap(vt, WNOHANG))
		return 0;
	if (status != NULL)
		*status = vt->status;
	return 1;
}

/* Read everything available now into the emulator: bytes read, or -1 when
 * nothing was read because the slave side is closed. */
static int
vt_read(struct vt *vt)
{
	char	buf[4096];
	ssize_t	n;
	int	total = 0;

	while (!vt->eof) {
		n = read(vt->fd, buf, sizeof buf);
		if (n > 0) {
			vterm_input_write(vt->vterm, buf, n);
			total += n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		vt->eof = 1;	/* EIO: the last slave descriptor closed */
	}
	if (total == 0 && vt->eof)
		return -1;
	return total;
}

/* Write the queued bytes, reading meanwhile so that a child blocked on
 * its output can get to its input; -1 if the queue had to be dropped. */
static int
vt_flush(struct vt *vt, int timeout_ms)
{
	struct pollfd	pfd;
	size_t		off = 0;
	ssize_t		n;
	long		deadline = vt_now() + timeout_ms;
	int		rc = 0;

	while (off < vt->outlen) {
		n = write(vt->fd, vt->out + off, vt->outlen - off);
		if (n > 0) {
			off += n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN) {
			rc = -1;
			break;
		}
		pfd.fd = vt->fd;
		pfd.events = POLLIN | POLLOUT;
		if (poll(&pfd, 1, vt_left(deadline)) == 0) {
			if (vt->log != NULL)
				fprintf(vt->log, "vt: child did not read its "
				    "input in %d ms\n", timeout_ms);
			rc = -1;
			break;
		}
		if ((pfd.revents & (POLLIN | POLLHUP)) && vt_read(vt) == -1) {
			rc = -1;
			break;
		}
	}
	vt->outlen = 0;
	return rc;
}

int
vt_send(struct vt *vt, const void *bytes, size_t n)
{
	vt_output(bytes, n, vt);
	return vt_flush(vt, VT_SEND_TIMEOUT);
}

int
vt_sendstr(struct vt *vt, const char *s)
{
	return vt_send(vt, s, strlen(s));
}

int
vt_type(struct vt *vt, const char *s)
{
	size_t	len;

	while (*s != '\0') {
		/* Whole UTF-8 sequences; lead bytes tell the length. */
		for (len = 1; (s[len] & 0xc0) == 0x80; len++)
			;
		if (vt_send(vt, s, len) == -1)
			return -1;
		s += len;
		vt_pump(vt, 0);
	}
	return 0;
}

int
vt_key_mod(struct vt *vt, enum vt_key key, int mods)
{
	if ((size_t)key >= nitems(vt_keys))
		return -1;
	if (key == VT_KEY_BACKTAB)
		mods |= VT_MOD_SHIFT;
	vterm_keyboard_key(vt->vterm, vt_keys[key], (VTermModifier)mods);
	return vt_flush(vt, VT_SEND_TIMEOUT);
}

int
vt_key(struct vt *vt, enum vt_key key)
{
	return vt_key_mod(vt, key, 0);
}

int
vt_char_mod(struct vt *vt, uint32_t c, int mods)
{
	vterm_keyboard_unichar(vt->vterm, c, (VTermModifier)mods);
	return vt_flush(vt, VT_SEND_TIMEOUT);
}

int
vt_paste(struct vt *vt, const char *s)
{
	vterm_keyboard_start_paste(vt->vterm);
	vt_output(s, strlen(s), vt);
	vterm_keyboard_end_paste(vt->vterm);
	return vt_flush(vt, VT_SEND_TIMEOUT);
}

int
vt_pump(struct vt *vt, int timeout_ms)
{
	struct pollfd	pfd;
	int		n;

	if (vt->eof)
		return -1;
	pfd.fd = vt->fd;
	pfd.events = POLLIN;
	n = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (n <= 0)
		return 0;
	n = vt_read(vt);
	vt_flush(vt, VT_SEND_TIMEOUT);	/* answers to queries */
	return n;
}

static int
vt_wait_desc(struct vt *vt, int (*pred)(struct vt *, void *), void *arg,
    int timeout_ms, const char *what)
{
	long	deadline = vt_now() + timeout_ms;
	int	left;

	for (;;) {
		if (pred(vt, arg))
			return 0;
		if ((left = vt_left(deadline)) == 0)
			break;
		if (vt_pump(vt, left) == -1) {
			if (pred(vt, arg))
				return 0;
			if (vt->log != NULL)
				fprintf(vt->log, "vt: the child closed the "
				    "terminal while waiting for %s\n", what);
			vt_dump(vt, vt->log);
			return -1;
		}
	}
	if (vt->log != NULL)
		fprintf(vt->log, "vt: timed out after %d ms waiting for %s\n",
		    timeout_ms, what);
	vt_dump(vt, vt->log);
	return -1;
}

int
vt_wait(struct vt *vt, int (*pred)(struct vt *, void *), void *arg,
    int timeout_ms)
{
	return vt_wait_desc(vt, pred, arg, timeout_ms, "a condition");
}

static int
vt_has_text(struct vt *vt, void *arg)
{
	return vt_find(vt, arg, NULL, NULL);
}

static int
vt_lacks_text(struct vt *vt, void *arg)
{
	return !vt_find(vt, arg, NULL, NULL);
}

int
vt_wait_text(struct vt *vt, const char *text, int timeout_ms)
{
	char	*what;
	int	 rc;

	xasprintf(&what, "\"%s\"", text);
	/* The predicate does not change its argument. */
	rc = vt_wait_desc(vt, vt_has_text, (void *)(uintptr_t)text,
	    timeout_ms, what);
	free(what);
	return rc;
}

int
vt_wait_gone(struct vt *vt, const char *text, int timeout_ms)
{
	char	*what;
	int	 rc;

	xasprintf(&what, "\"%s\" to go", text);
	rc = vt_wait_desc(vt, vt_lacks_text, (void *)(uintptr_t)text,
	    timeout_ms, what);
	free(what);
	return rc;
}

static int
vt_cursor_at(struct vt *vt, void *arg)
{
	const int	*want = arg;
	int		 row, col;

	vt_cursor(vt, &row, &col);
	return row == want[0] && col == want[1];
}

int
vt_wait_cursor(struct vt *vt, int row, int col, int timeout_ms)
{
	char	*what;
	int	 want[2] = { row, col }, rc;

	xasprintf(&what, "the cursor at %d,%d", row, col);
	rc = vt_wait_desc(vt, vt_cursor_at, want, timeout_ms, what);
	free(what);
	return rc;
}

int
vt_wait_exit(struct vt *vt, int timeout_ms, int *status)
{
	struct pollfd	pfd[2];
	long		deadline = vt_now() + timeout_ms, drain = 0;
	int		nfd, slice, left;

	for (;;) {
		if (vt_reap(vt, WNOHANG)) {
			if (vt->eof)
				break;
			/* Its last output may still be on the way; a
			 * grandchild may keep the terminal open for good. */
			if (drain == 0)
				drain = vt_now() + VT_EXIT_DRAIN;
			if (vt_now() >= drain)
				break;
		}
		if ((left = vt_left(deadline)) == 0) {
			if (vt->exited)
				break;
			if (vt->log != NULL)
				fprintf(vt->log, "vt: child %ld still running "
				    "after %d ms\n", (long)vt->pid, timeout_ms);
			vt_dump(vt, vt->log);
			return -1;
		}
		nfd = 0;
		slice = left;
		if (!vt->eof) {
			pfd[nfd].fd = vt->fd;
			pfd[nfd++].events = POLLIN;
		}
		if (!vt->exited && vt->pidfd != -1) {
			pfd[nfd].fd = vt->pidfd;
			pfd[nfd++].events = POLLIN;
		} else if (!vt->exited && slice > VT_POLL_SLICE)
			slice = VT_POLL_SLICE;
		if (vt->exited && slice > VT_EXIT_DRAIN)
			slice = VT_EXIT_DRAIN;
		if (nfd == 0) {
			/* No pidfd and the terminal closed: poll the exit. */
			poll(NULL, 0, slice);
			continue;
		}
		if (poll(pfd, nfd, slice) > 0 && !vt->eof &&
		    pfd[0].revents != 0) {
			vt_read(vt);
			vt_flush(vt, VT_SEND_TIMEOUT);
		}
	}
	if (status != NULL)
		*status = vt->status;
	return 0;
}

void
vt_hangup(struct vt *vt)
{
	close(vt->fd);
	vt->fd = -1;
	vt->eof = 1;
}

void
vt_free(struct vt *vt)
{
	struct pollfd	pfd;
	long		deadline;

	if (vt == NULL)
		return;
	if (!vt_reap(vt, WNOHANG)) {
		/* The whole group: sh -c leaves children such as sleep. */
		kill(-vt->pid, SIGTERM);
		deadline = vt_now() + VT_TERM_GRACE;
		while (!vt_reap(vt, WNOHANG) && vt_left(deadline) > 0) {
			vt_read(vt);	/* never let it block on output */
			vt->outlen = 0;
			pfd.fd = vt->pidfd;
			pfd.events = POLLIN;
			if (vt->pidfd != -1)
				poll(&pfd, 1, vt_left(deadline));
			else
				poll(NULL, 0, VT_POLL_SLICE);
		}
		if (!vt->exited) {
			kill(-vt->pid, SIGKILL);
			vt_reap(vt, 0);
		}
	}
	if (vt->pidfd != -1)
		close(vt->pidfd);
	if (vt->fd != -1)
		close(vt->fd);	/* hangs up whatever still holds the slave */
	vterm_free(vt->vterm);
	free(vt->out);
	free(vt);
}

int
vt_resize(struct vt *vt, int rows, int cols)
{
	struct winsize	ws;

	/* The emulator first, so that the child redraws into the new size. */
	vterm_set_size(vt->vterm, rows, cols);
	vt->rows = rows;
	vt->cols = cols;
	memset(&ws, 0, sizeof ws);
	ws.ws_row = rows;
	ws.ws_col = cols;
	if (ioctl(vt->fd, TIOCSWINSZ, &ws) == -1)
		return -1;
	return 0;
}

void
vt_size(struct vt *vt, int *rows, int *cols)
{
	*rows = vt->rows;
	*cols = vt->cols;
}

static size_t
vt_utf8(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = 0xc0 | (c >> 6);
		out[1] = 0x80 | (c & 0x3f);
		return 2;
	}
	if (c < 0x10000) {
		out[0] = 0xe0 | (c >> 12);
		out[1] = 0x80 | ((c >> 6) & 0x3f);
		out[2] = 0x80 | (c & 0x3f);
		return 3;
	}
	if (c < 0x110000) {
		out[0] = 0xf0 | (c >> 18);
		out[1] = 0x80 | ((c >> 12) & 0x3f);
		out[2] = 0x80 | ((c >> 6) & 0x3f);
		out[3] = 0x80 | (c & 0x3f);
		return 4;
	}
	return 0;
}

/* A cell's characters as UTF-8 into out (at least 6 * 4 + 1 bytes); its
 * width is 0 for the right half of a wide character. */
static int
vt_getcell(struct vt *vt, int row, int col, char *out, int *width)
{
	VTermScreenCell	cell;
	VTermPos	pos;
	size_t		len = 0;
	int		i;

	out[0] = '\0';
	if (row < 0 || row >= vt->rows || col < 0 || col >= vt->cols)
		return -1;
	pos.row = row;
	pos.col = col;
	vterm_screen_get_cell(vt->screen, pos, &cell);
	/* libvterm marks the right half with (uint32_t)-1. */
	if (cell.chars[0] == (uint32_t)-1) {
		*width = 0;
		return 0;
	}
	for (i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0; i++)
		len += vt_utf8(cell.chars[i], out + len);
	out[len] = '\0';
	*width = cell.width < 1 ? 1 : cell.width;
	return 0;
}

int
vt_cell(struct vt *vt, int row, int col, char out[32], int *width)
{
	int	w;

	if (vt_getcell(vt, row, col, out, &w) == -1)
		return -1;
	if (width != NULL)
		*width = w;
	return 0;
}

/* Row row, untrimmed; if cols is not NULL, (*cols)[i] is the column of the
 * character starting at byte i. */
static char *
vt_rowtext(struct vt *vt, int row, size_t *lenp, int **colsp)
{
	char	 cell[32], *s;
	size_t	 len = 0, n;
	int	 col, width, *cols = NULL;

	s = xmalloc((size_t)vt->cols * 25 + 1);
	if (colsp != NULL)
		cols = xreallocarray(NULL, (size_t)vt->cols * 25 + 1,
		    sizeof *cols);
	for (col = 0; col < vt->cols; col++) {
		vt_getcell(vt, row, col, cell, &width);
		if (width == 0)
			continue;
		if (cell[0] == '\0') {
			cell[0] = ' ';
			cell[1] = '\0';
		}
		n = strlen(cell);
		memcpy(s + len, cell, n);
		if (cols != NULL) {
			while (n-- > 0)
				cols[len++] = col;
		} else
			len += n;
	}
	s[len] = '\0';
	if (cols != NULL)
		cols[len] = vt->cols;
	*lenp = len;
	if (colsp != NULL)
		*colsp = cols;
	return s;
}

char *
vt_row(struct vt *vt, int row)
{
	char	*s;
	size_t	 len;

	if (row < 0 || row >= vt->rows)
		return xstrdup("");
	s = vt_rowtext(vt, row, &len, NULL);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
	return s;
}

char *
vt_screen(struct vt *vt)
{
	char	*s, *line;
	size_t	 len = 0, n;
	int	 row;

	s = xmalloc((size_t)vt->rows * ((size_t)vt->cols * 25 + 1) + 1);
	for (row = 0; row < vt->rows; row++) {
		line = vt_row(vt, row);
		n = strlen(line);
		memcpy(s + len, line, n);
		len += n;
		s[len++] = '\n';
		free(line);
	}
	s[len] = '\0';
	return s;
}

int
vt_find(struct vt *vt, const char *text, int *rowp, int *colp)
{
	int	row, col;

	for (row = 0; row < vt->rows; row++) {
		if ((col = vt_find_in_row(vt, row, text)) != -1) {
			if (rowp != NULL)
				*rowp = row;
			if (colp != NULL)
				*colp = col;
			return 1;
		}
	}
	return 0;
}

int
vt_find_in_row(struct vt *vt, int row, const char *text)
{
	char	*s, *p;
	size_t	 len;
	int	*cols, col = -1;

	if (row < 0 || row >= vt->rows)
		return -1;
	s = vt_rowtext(vt, row, &len, &cols);
	if ((p = strstr(s, text)) != NULL)
		col = cols[p - s];
	free(cols);
	free(s);
	return col;
}

static void
vt_color(struct vt *vt, const VTermColor *c, int *index, uint32_t *rgb)
{
	VTermColor	copy = *c;

	if (VTERM_COLOR_IS_DEFAULT_FG(c) || VTERM_COLOR_IS_DEFAULT_BG(c))
		*index = -1;
	else if (VTERM_COLOR_IS_INDEXED(c))
		*index = c->indexed.idx;
	else
		*index = -2;
	vterm_screen_convert_color_to_rgb(vt->screen, &copy);
	*rgb = (uint32_t)copy.rgb.red << 16 | (uint32_t)copy.rgb.green << 8 |
	    copy.rgb.blue;
}

int
vt_cell_attrs(struct vt *vt, int row, int col, struct vt_attrs *a)
{
	VTermScreenCell	cell;
	VTermPos	pos;

	memset(a, 0, sizeof *a);
	if (row < 0 || row >= vt->rows || col < 0 || col >= vt->cols)
		return -1;
	pos.row = row;
	pos.col = col;
	vterm_screen_get_cell(vt->screen, pos, &cell);
	a->bold = cell.attrs.bold;
	a->underline = cell.attrs.underline;
	a->italic = cell.attrs.italic;
	a->blink = cell.attrs.blink;
	a->reverse = cell.attrs.reverse;
	a->strike = cell.attrs.strike;
	vt_color(vt, &cell.fg, &a->fg, &a->fg_rgb);
	vt_color(vt, &cell.bg, &a->bg, &a->bg_rgb);
	return 0;
}

int
vt_cursor(struct vt *vt, int *row, int *col)
{
	VTermPos	pos;

	vterm_state_get_cursorpos(vt->state, &pos);
	if (row != NULL)
		*row = pos.row;
	if (col != NULL)
		*col = pos.col;
	return vt->cursor_visible;
}

int
vt_altscreen(struct vt *vt)
{
	return vt->altscreen;
}

void
vt_dump(struct vt *vt, FILE *f)
{
	char	*line;
	int	 row, crow, ccol, visible;

	if (f == NULL)
		return;
	visible = vt_cursor(vt, &crow, &ccol);
	fprintf(f, "--- %dx%d, cursor %d,%d%s%s ---\n", vt->rows, vt->cols,
	    crow, ccol, visible ? "" : " (hidden)",
	    vt->altscreen ? ", alternate screen" : "");
	for (row = 0; row < vt->rows; row++) {
		line = vt_row(vt, row);
		fprintf(f, "%2d|%s\n", row, line);
		free(line);
	}
	fprintf(f, "---\n");
}
