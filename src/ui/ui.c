/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The main loop: curses set-up, the screen stack, keys to actions, the
 * status line and key bar, resizing, and the idle lock.
 */
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <term.h>
#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/session.h"
#include "xueji/store.h"
#include "ui.h"

#define STACK_MAX	16
#define TICK_MS		250	/* get_wch timeout: idle lock and polling */
#define INPUT_MAX	256	/* characters taken in one burst */

struct frame {
	const struct screen	*screen;
	void			*state;
};

static struct frame	stack[STACK_MAX];
static int		depth;
static int		curses_up;
/*
 * The screens of the operator who locked, kept while the terminal is
 * locked: the same operator unlocking gets them back as they were, form
 * text included; anyone else logging in closes them first (each close
 * wipes what it held), as quitting does.
 */
static struct frame	held[STACK_MAX];
static int		nheld;
static char		held_id[64];

/* fatal() must leave the terminal usable and the screen empty. */
static void
ui_atfatal(void)
{
	if (curses_up) {
		erase();
		refresh();
		endwin();
		curses_up = 0;
	}
}

int
ui_push(struct ui *ui, const struct screen *sc, void *arg)
{
	void	*state;

	if (depth == STACK_MAX)
		fatal("%s", "screen stack overflow");
	state = sc->open != NULL ? sc->open(ui, arg) : NULL;
	stack[depth].screen = sc;
	stack[depth].state = state;
	depth++;
	return UI_REDRAW;
}

static void
pop(void)
{
	depth--;
	if (stack[depth].screen->close != NULL)
		stack[depth].screen->close(stack[depth].state);
	stack[depth].state = NULL;
}

int
ui_allowed(const struct ui *ui, enum action a)
{
	int	perm = action_table[a].perm, p;

	if (perm >= 0 && (ui->s->op == NULL ||
	    !policy_allows(ui->s->op, (enum perm)perm)))
		return 0;
	if (action_table[a].any == 0)
		return 1;
	for (p = 0; p < PERM__COUNT && ui->s->op != NULL; p++) {
		if ((action_table[a].any & PERM_BIT(p)) &&
		    policy_allows(ui->s->op, (enum perm)p))
			return 1;
	}
	return 0;
}

int
ui_own_action(const struct screen *sc, enum action a)
{
	size_t	i;

	for (i = 0; sc->actions[i] != ACT_NONE; i++) {
		if (sc->actions[i] == a)
			return 1;
	}
	return 0;
}

int
ui_offered(struct ui *ui, const struct screen *sc, void *state, enum action a)
{
	if (!ui_allowed(ui, a))
		return 0;
	if (a == ACT_LOCK && ui->s->op == NULL)
		return 0;	/* nobody to lock out */
	if (!ui_own_action(sc, a))
		return 1;
	return sc->offers == NULL || sc->offers(ui, state, a);
}

static int
too_small(const struct ui *ui)
{
	return ui->cols < UI_MIN_COLS || ui->rows < UI_MIN_ROWS;
}

/* The lowest screen drawn: the topmost full one, dialogs over it. */
static int
first_drawn(void)
{
	int	i;

	for (i = depth - 1; i > 0 && stack[i].screen->overlay; i--)
		;
	return i;
}

int
ui_shown(const struct ui *ui, const void *state)
{
	int	i;

	if (too_small(ui))
		return 0;
	for (i = first_drawn(); i >= 0 && i < depth; i++) {
		if (stack[i].state == state)
			return 1;
	}
	return 0;
}

static void
draw(struct ui *ui)
{
	struct keybar	kb;
	int		i, nrows = 1;

	erase();
	ui->cursor_row = ui->cursor_col = -1;
	if (ui->cols < UI_MIN_COLS || ui->rows < UI_MIN_ROWS) {
		char *m;

		xasprintf(&m, _("terminal too small: %dx%d, needs %dx%d"),
		    ui->cols, ui->rows, UI_MIN_COLS, UI_MIN_ROWS);
		mvaddstr(0, 0, "");
		ui_text(ui, ui->rows / 2, 0, ui->cols, m, STYLE_ERROR);
		free(m);
		curs_set(0);
		refresh();
		return;
	}
	/*
	 * Keys that do not fit one line take a second, above it, when the
	 * terminal has a row to spare: the screens then lay out one row
	 * shorter (ui->rows), so nothing of theirs is drawn over.
	 */
	ui_keybar_collect(ui, stack[depth - 1].screen, stack[depth - 1].state,
	    &kb);
	/* Two columns are kept before quit (ui_draw_keybar). */
	if (kb.width + 2 > ui->cols && ui->rows > UI_MIN_ROWS) {
		nrows = 2;
		ui->rows--;
	}
	/* From the topmost full screen up: dialogs show over their screen. */
	for (i = first_drawn(); i < depth; i++)
		stack[i].screen->draw(ui, stack[i].state);
	ui_draw_status(ui);
	/* The bar's own rows are the terminal's last, below ui->rows. */
	ui->rows += nrows - 1;
	ui_draw_keybar(ui, &kb, nrows);
	ui->rows -= nrows - 1;
	if (ui->cursor_row >= 0) {
		curs_set(1);
		move(ui->cursor_row, ui->cursor_col);
	} else
		curs_set(0);
	refresh();
}

void
ui_show_now(struct ui *ui)
{
	draw(ui);
}

/* Close the screens kept over a lock, wiping what they hold. */
static void
drop_held(void)
{
	while (nheld > 0) {
		nheld--;
		if (held[nheld].screen->close != NULL)
			held[nheld].screen->close(held[nheld].state);
		held[nheld].state = NULL;
	}
	sodium_memzero(held_id, sizeof held_id);
}

int
ui_unlocked(struct ui *ui)
{
	int	i;

	if (nheld == 0 || ui->s->op == NULL ||
	    strcmp(held_id, ui->s->op->id) != 0) {
		drop_held();
		return ui_push(ui, &screen_menu, NULL);
	}
	for (i = 0; i < nheld; i++)
		stack[depth++] = held[i];
	nheld = 0;
	sodium_memzero(held_id, sizeof held_id);
	/* What changed while locked is read again at the next tick. */
	ui->version = -1;
	return UI_REDRAW;
}

void
ui_drop_held(struct ui *ui)
{
	(void)ui;
	drop_held();
}

int
ui_work_held(const struct ui *ui, const char **id)
{
	(void)ui;
	*id = held_id;
	return nheld > 0;
}

/*
 * Clear the screen and the terminal's scrollback so that nothing personal
 * is left to scroll back to, then close the database and wipe the key.
 * The screens are kept, closed, for the same operator's unlock.
 */
static void
lock(struct ui *ui)
{
	const char	*e3;
	int		 i;

	/* A locked terminal keeps no dialog asking on anyone's behalf. */
	ui->after = NULL;
	drop_held();
	if (ui->s->op != NULL) {
		for (i = 0; i < depth; i++)
			held[i] = stack[i];
		nheld = depth;
		depth = 0;
		snprintf(held_id, sizeof held_id, "%s", ui->s->op->id);
	}
	while (depth > 0)
		pop();
	ui_message(ui, 0, NULL);
	erase();
	clear();
	refresh();
	e3 = tigetstr("E3");
	if (e3 != NULL && e3 != (char *)-1)
		putp(e3);
	else
		fputs("\033[3J", stdout);
	fflush(stdout);
	if (ui->s->op != NULL)
		xj_syslog(LOG_NOTICE, "lock: operator=%s", ui->s->op->id);
	session_logout(ui->s);
	ui_push(ui, &screen_login, NULL);
}

/* Leaving a screen with typed input asks first. */
static int
confirm_leave(struct ui *ui)
{
	const struct screen	*sc = stack[depth - 1].screen;

	if (sc->dirty == NULL || !sc->dirty(stack[depth - 1].state))
		return 0;
	return ui_ask(ui, _("Leave without saving what was typed?"), NULL,
	    ui_pop_after, NULL);
}

int
ui_pop_after(struct ui *ui, void *arg)
{
	(void)ui;
	(void)arg;
	return UI_POP;
}

static int
quit_after(struct ui *ui, void *arg)
{
	(void)ui;
	(void)arg;
	return UI_QUIT;
}

/* Quitting asks first when any screen holds typed input. */
static int
quit(struct ui *ui)
{
	int	i;

	for (i = 0; i < depth; i++) {
		if (stack[i].screen->dirty != NULL &&
		    stack[i].screen->dirty(stack[i].state)) {
			ui_ask(ui, _("Quit without saving what was typed?"),
			    NULL, quit_after, NULL);
			return UI_REDRAW;
		}
	}
	return UI_QUIT;
}

/*
 * Screens follow the branch: when another connection has committed (or
 * on ^L), every screen on the stack re-reads what it shows.
 */
static void
refresh_all(struct ui *ui, int forced)
{
	int64_t	v;
	int	i;

	if (ui->s->op == NULL || ui->s->st == NULL)
		return;
	v = store_data_version(ui->s->st);
	if (!forced && v == ui->version)
		return;
	ui->version = v;
	for (i = 0; i < depth; i++) {
		if (stack[i].screen->reread != NULL)
			stack[i].screen->reread(ui, stack[i].state,
			    forced);
	}
}

/* Carry out the mask a handler returned; 1 when the program should end. */
static int
apply(struct ui *ui, int r)
{
	int	(*fn)(struct ui *, void *);

	if (r & UI_LOCK) {
		lock(ui);
		return 0;
	}
	if (r & UI_QUIT)
		return 1;
	if (r & UI_POP)
		pop();
	if ((fn = ui->after) != NULL) {
		ui->after = NULL;
		return apply(ui, fn(ui, ui->after_arg));
	}
	return depth == 0;
}

/*
 * While the terminal is too small nothing acts on what nobody can see:
 * only lock and quit; fields keep what they hold.
 */
static int
dispatch_small(struct ui *ui, wint_t ch, int is_key)
{
	const struct screen	*sc = stack[depth - 1].screen;
	enum action		 a = ui_key_action(sc, ch, is_key);

	if (a == ACT_LOCK && ui_offered(ui, sc, stack[depth - 1].state, a)) {
		lock(ui);
		return 0;
	}
	if (a == ACT_QUIT)
		return apply(ui, quit(ui));
	beep();
	return 0;
}

/* One key from get_wch: to the screen's text field or to an action. */
static int
dispatch(struct ui *ui, wint_t ch, int is_key, const wchar_t *burst,
    size_t nburst)
{
	const struct screen	*sc = stack[depth - 1].screen;
	void			*state = stack[depth - 1].state;
	enum action		 a;

	if (is_key && ch == KEY_RESIZE)
		return 0;
	if (too_small(ui))
		return dispatch_small(ui, ch, is_key);
	/* Printable text goes to a focused field before any action. */
	if (!is_key && nburst > 0 && sc->text != NULL &&
	    (sc->text(ui, state, burst, nburst) & UI_HANDLED))
		return 0;
	if (is_key && ch == KEY_MOUSE) {
		MEVENT	ev;

		if (getmouse(&ev) == OK && sc->click != NULL &&
		    (ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
			return apply(ui, sc->click(ui, state, ev.y, ev.x,
			    (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0));
		return 0;
	}
	a = ui_key_action(sc, ch, is_key);
	if (a != ACT_NONE && ui_own_action(sc, a) && sc->offers != NULL &&
	    !sc->offers(ui, state, a))
		return 0;
	if (a == ACT_NONE) {
		/* KEY_ codes are above 0xff, so they never meet a ^X. */
		if (sc->edit != NULL)
			return apply(ui, sc->edit(ui, state, (int)ch));
		return 0;
	}
	if (!ui_allowed(ui, a)) {
		ui_message(ui, 1, _("%s needs a permission your role does not "
		    "have"), _(action_table[a].label));
		return 0;
	}
	ui_message(ui, 0, NULL);
	switch (a) {
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		refresh_all(ui, 1);
		return 0;
	case ACT_HELP: {
		struct help_arg	ha = { sc, state };

		if (sc == &screen_help)
			return 0;
		ui_push(ui, &screen_help, &ha);
		return 0;
	}
	case ACT_LOCK:
		if (ui->s->op != NULL)
			lock(ui);
		return 0;
	case ACT_QUIT:
		return apply(ui, quit(ui));
	case ACT_BACK:
		if (sc->action != NULL &&
		    (sc->action(ui, state, a) & UI_HANDLED))
			return 0;
		if (confirm_leave(ui))
			return 0;
		return apply(ui, UI_POP);
	default:
		if (sc->action != NULL)
			return apply(ui, sc->action(ui, state, a));
		return 0;
	}
}

/*
 * Whether the terminal has hung up: an ssh connection dropped, a tmux
 * server killed.  Under su(1) or runuser(1) the hangup's SIGHUP goes to
 * them and may never reach us, and every read then fails at once: the
 * loop would spin, the key in memory, for as long as the machine runs.
 */
static int
tty_gone(void)
{
	struct pollfd	pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static int
loop(struct ui *ui)
{
	wchar_t	 burst[INPUT_MAX];
	wint_t	 ch;
	size_t	 n;
	double	 last_tick = 0, now;
	int	 rc, i;

	ui->last_key = xj_monotonic();
	for (;;) {
		getmaxyx(stdscr, ui->rows, ui->cols);
		draw(ui);
		rc = get_wch(&ch);
		now = xj_monotonic();
		if (rc == ERR && tty_gone())
			return 0;	/* log out and wipe, as ^Q does */
		if (rc == ERR) {
			/*
			 * Idle: lock once the time is up; let the store do
			 * what waits for a pause; let screens poll.
			 */
			if (ui->s->op != NULL &&
			    now - ui->last_key >= ui->s->cfg->idle_lock_seconds)
				lock(ui);
			store_idle(ui->s->st);
			if (now - last_tick >= 1.0) {
				last_tick = now;
				refresh_all(ui, 0);
				for (i = depth - 1; i >= 0; i--) {
					if (stack[i].screen->tick != NULL)
						stack[i].screen->tick(ui,
						    stack[i].state);
				}
			}
			continue;
		}
		ui->last_key = now;
		if (rc == KEY_CODE_YES) {
			if (dispatch(ui, ch, 1, NULL, 0))
				return 0;
			continue;
		}
		/*
		 * An input method commits a whole string at once: gather
		 * every character already waiting so the field takes it in
		 * one piece, as it was typed.
		 */
		n = 0;
		if (ch >= ' ' && ch != 127) {
			burst[n++] = (wchar_t)ch;
			nodelay(stdscr, TRUE);
			while (n < INPUT_MAX && (rc = get_wch(&ch)) != ERR) {
				/* A key after the text is the next input. */
				if (rc == KEY_CODE_YES) {
					ungetch((int)ch);
					break;
				}
				if (ch < ' ' || ch == 127) {
					unget_wch(ch);
					break;
				}
				burst[n++] = (wchar_t)ch;
			}
			nodelay(stdscr, FALSE);
			timeout(TICK_MS);
		}
		if (dispatch(ui, n > 0 ? (wint_t)burst[0] : ch, 0, burst, n))
			return 0;
	}
}

int
ui_main(const char *config_path, const char *data_dir)
{
	struct ui	 ui;
	char		*cause = NULL;
	int		 rc, rows, cols;

	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		fprintf(stderr, "%s\n", _("xueji: the terminal's locale is not "
		    "UTF-8 (check LANG and LC_ALL, e.g. LANG=zh_CN.UTF-8)"));
		return XJ_EUNAVAIL;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n", _("xueji: the interface needs a "
		    "terminal; see xueji(1) for the commands scripts use"));
		return XJ_EUSAGE;
	}
	memset(&ui, 0, sizeof ui);
	if ((rc = session_load(config_path, data_dir, &ui.s, &cause)) != 0) {
		fprintf(stderr, "xueji: %s\n", cause);
		free(cause);
		return rc;
	}
	if (newterm(NULL, stdout, stdin) == NULL) {
		session_free(ui.s);
		fprintf(stderr, "%s\n", _("xueji: unknown terminal type "
		    "(check TERM)"));
		return XJ_EUNAVAIL;
	}
	curses_up = 1;
	xj_atfatal(ui_atfatal);
	getmaxyx(stdscr, rows, cols);
	if (cols < UI_MIN_COLS || rows < UI_MIN_ROWS) {
		endwin();
		curses_up = 0;
		session_free(ui.s);
		fprintf(stderr, _("xueji: the terminal is %dx%d; it needs at "
		    "least %dx%d\n"), cols, rows, UI_MIN_COLS, UI_MIN_ROWS);
		return XJ_EUNAVAIL;
	}
	raw();		/* ^S, ^Q and ^C are keys here, not signals */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	/* The mouse is optional: a click selects, a double click opens. */
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED, NULL);
	mouseinterval(300);
	timeout(TICK_MS);
	ui_colours_setup(&ui);

	ui_push(&ui, &screen_login, NULL);
	loop(&ui);

	while (depth > 0)
		pop();
	drop_held();
	erase();
	refresh();
	endwin();
	curses_up = 0;
	free(ui.message);
	session_free(ui.s);
	return XJ_OK;
}
