/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * vt.h — a terminal emulator for end-to-end tests: run a program in a
 * pseudo-terminal, feed what it writes to libvterm, type into it as a
 * person would and read back the screen's cells and the cursor.
 *
 * Rows and columns count from 0.  Every wait takes a timeout in
 * milliseconds and returns -1 when it runs out (after printing the screen
 * to the log, stderr unless vt_set_log() says otherwise); nothing sleeps a
 * fixed time.  The child runs in its own session with the pseudo-terminal
 * as its controlling terminal and dies with the test process.
 */
#ifndef XUEJI_TESTS_VT_H
#define XUEJI_TESTS_VT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct vt;

/* Named keys; vt_key() sends the bytes xterm would for the terminal's
 * current modes (application cursor keys after smkx, for instance). */
enum vt_key {
	VT_KEY_ENTER,
	VT_KEY_ESC,
	VT_KEY_TAB,
	VT_KEY_BACKTAB,		/* Shift-Tab: ESC [ Z */
	VT_KEY_BACKSPACE,	/* DEL, 0x7f */
	VT_KEY_INSERT,
	VT_KEY_DELETE,
	VT_KEY_UP,
	VT_KEY_DOWN,
	VT_KEY_LEFT,
	VT_KEY_RIGHT,
	VT_KEY_HOME,
	VT_KEY_END,
	VT_KEY_PAGEUP,
	VT_KEY_PAGEDOWN,
	VT_KEY_F1,		/* VT_KEY_F1 + n - 1 is Fn, up to F12 */
	VT_KEY_F2,
	VT_KEY_F3,
	VT_KEY_F4,
	VT_KEY_F5,
	VT_KEY_F6,
	VT_KEY_F7,
	VT_KEY_F8,
	VT_KEY_F9,
	VT_KEY_F10,
	VT_KEY_F11,
	VT_KEY_F12,
};

/* Modifiers for vt_key_mod() and vt_char_mod(); may be or'ed. */
#define VT_MOD_SHIFT	0x1
#define VT_MOD_ALT	0x2
#define VT_MOD_CTRL	0x4

/* The look of one cell, for "state is never shown by colour alone". */
struct vt_attrs {
	int		bold;
	int		underline;	/* 0 none, 1 single, 2 double, 3 curly */
	int		italic;
	int		blink;
	int		reverse;
	int		strike;
	int		fg;		/* palette index 0-255; -1 default; */
	int		bg;		/* -2 direct RGB (see fg_rgb, bg_rgb) */
	uint32_t	fg_rgb;		/* 0xRRGGBB as the terminal would paint */
	uint32_t	bg_rgb;
};

/*
 * Run argv (found on PATH) in a new rows × cols pseudo-terminal.  The child
 * gets TERM=xterm-256color, LANG=LC_ALL=C.UTF-8, no COLUMNS or LINES, and
 * the terminal's termios with IUTF8 set; then each "NAME=value" of
 * envp_extra (NULL-terminated, may be NULL) is set and each bare "NAME" is
 * unset.  Returns NULL, with the reason on stderr, if the program cannot be
 * started (exec failure included).
 */
struct vt	*vt_spawn(int rows, int cols, char *const argv[],
		     char *const envp_extra[]);
/* Kill the child's process group if it still runs (SIGTERM, then SIGKILL
 * after a bounded wait), reap it and free everything. */
void		 vt_free(struct vt *);
/* Close the master side, as a dropped ssh connection or a killed tmux
 * does; the child is left to notice (vt_wait_exit). */
void		 vt_hangup(struct vt *);
/* Where wait timeouts print the screen: stderr by default, NULL for
 * nowhere (for tests that expect a timeout). */
void		 vt_set_log(struct vt *, FILE *);
/* The child's process id (also its process group and session id). */
pid_t		 vt_pid(struct vt *);

/* Send bytes to the child in one write, as an input method commits a
 * whole string; returns 0, or -1 if they could not all be written in 5 s. */
int		 vt_send(struct vt *, const void *, size_t);
/* vt_send() of a NUL-terminated string. */
int		 vt_sendstr(struct vt *, const char *);
/* Type a UTF-8 string one character per write, as a person on a keyboard
 * does (the child may still read several at once). */
int		 vt_type(struct vt *, const char *);
/* Press a named key. */
int		 vt_key(struct vt *, enum vt_key);
/* Press a named key with modifiers (VT_MOD_*). */
int		 vt_key_mod(struct vt *, enum vt_key, int);
/* Press a character key with modifiers: vt_char_mod(vt, 'x', VT_MOD_CTRL)
 * sends ^X. */
int		 vt_char_mod(struct vt *, uint32_t, int);
/* Send text as a bracketed paste if the child enabled that mode, else as
 * plain bytes. */
int		 vt_paste(struct vt *, const char *);

/* Read what the child wrote within timeout_ms (0 to poll) and feed it to the
 * emulator; returns the bytes read, 0 on timeout, -1 once the child closed
 * the terminal. */
int		 vt_pump(struct vt *, int);
/* Pump until pred(vt, arg) is true: 0, or -1 on timeout or when the child
 * closed the terminal first. */
int		 vt_wait(struct vt *, int (*)(struct vt *, void *), void *, int);
/* Wait until the UTF-8 text appears within one row of the screen. */
int		 vt_wait_text(struct vt *, const char *, int);
/* Wait until the UTF-8 text is on no row of the screen. */
int		 vt_wait_gone(struct vt *, const char *, int);
/* Wait until the cursor is at row, col. */
int		 vt_wait_cursor(struct vt *, int, int, int);
/* Wait for the child to exit, reading its last output, and store its wait
 * status (see waitpid(2)) in *status if not NULL; 0, or -1 on timeout. */
int		 vt_wait_exit(struct vt *, int, int *);
/* Whether the child has exited (reaps it if it just did). */
int		 vt_exited(struct vt *, int *);

/* Row row as UTF-8: each character once, however many cells it covers,
 * blank cells as spaces, trailing spaces trimmed.  The caller frees it. */
char		*vt_row(struct vt *, int);
/* Every row as by vt_row(), each followed by "\n".  The caller frees it. */
char		*vt_screen(struct vt *);
/* Whether the UTF-8 text appears within one row; sets *row and *col (the
 * cell where it starts) if not NULL. */
int		 vt_find(struct vt *, const char *, int *, int *);
/* The cell where the UTF-8 text starts within row, or -1. */
int		 vt_find_in_row(struct vt *, int, const char *);
/* The characters of cell row, col as UTF-8 into out (empty for a blank
 * cell and for the right half of a wide character) and its width in *width
 * (1 or 2, 0 for a right half); -1 if the cell is off the screen. */
int		 vt_cell(struct vt *, int, int, char [32], int *);
/* The attributes of cell row, col; -1 if the cell is off the screen. */
int		 vt_cell_attrs(struct vt *, int, int, struct vt_attrs *);
/* Where the cursor is; returns whether it is visible. */
int		 vt_cursor(struct vt *, int *, int *);
/* Whether the child switched to the alternate screen. */
int		 vt_altscreen(struct vt *);
/* The terminal's size. */
void		 vt_size(struct vt *, int *, int *);
/* Print the screen, row numbers and cursor to f. */
void		 vt_dump(struct vt *, FILE *);

/* Resize the terminal as a window manager would: the emulator first, then
 * the kernel, which sends SIGWINCH to the foreground process group. */
int		 vt_resize(struct vt *, int, int);

#endif
