/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * ui.h — the terminal interface's own header: screens, named actions,
 * drawing helpers.  Only src/ui includes curses.
 *
 * A screen is one file, screen-*.c, exporting one const struct screen.
 * Screens sit on a stack; only the top one gets keys, and every one from
 * the bottom up is drawn, so a dialog shows over what it asks about.
 * Key handlers return a mask of UI_* bits; only the main loop draws.
 */
#ifndef XUEJI_UI_H
#define XUEJI_UI_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <wchar.h>

#include "xueji/policy.h"	/* perm_set */
#include "xueji/ui.h"		/* ui_main */
#include "lineedit.h"

/*
 * The subjects' headers (student.h, request.h, …) are included by the
 * screens that show those subjects, not here.
 */
struct history;
struct session;
struct student;

/* The smallest terminal the screens are laid out for. */
#define UI_MIN_COLS	72
#define UI_MIN_ROWS	20

/* What a handler asks the main loop to do. */
#define UI_HANDLED	0x01
#define UI_REDRAW	0x02
#define UI_POP		0x04	/* close this screen */
#define UI_QUIT		0x08
#define UI_LOCK		0x10

/*
 * Every action the interface offers, named once.  The table in keys.c
 * gives each its default keys, its label and the permission it needs;
 * the key bar and the help screen are generated from it.
 */
enum action {
	ACT_NONE = 0,
	ACT_HELP,
	ACT_BACK,
	ACT_QUIT,
	ACT_LOCK,
	ACT_REDRAW,
	ACT_SAVE,
	ACT_NEXT,
	ACT_PREV,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_OPEN,
	ACT_SEARCH,
	ACT_ENROL,
	ACT_REVEAL,
	ACT_YES,
	ACT_NO,
	ACT_LOGIN,
	ACT_DONE,
	ACT_CHANGE,		/* open the change form for a record */
	ACT_FILE,		/* file the change request typed */
	ACT_QUEUE,		/* the approval queue */
	ACT_CONFIRMATIONS,	/* applied changes to confirm */
	ACT_MINE,		/* one's own pending requests */
	ACT_APPROVE,
	ACT_REJECT,
	ACT_WITHDRAW,
	ACT_GUARDIAN_CLOSE,	/* close a guardian's request, answered */
	ACT_STATUS,		/* change a status, or request it */
	ACT_REVIEW,		/* the quarterly review: still accurate */
	ACT_DESTROY,		/* request a destruction */
	ACT_CERTIFICATE,	/* a tombstone's destruction certificate */
	ACT_ARCHIVE,		/* the archive lists */
	ACT_DESTRUCTIONS,	/* the destruction records */
	ACT_LIST_PREV,		/* the archive's previous list */
	ACT_LIST_NEXT,
	ACT_LIST_ACTIVE,
	ACT_LIST_COMPLETED,
	ACT_LIST_WITHDRAWN,
	ACT_LIST_DESTROYED,
	ACT_LIST_REVIEW,	/* due for review */
	ACT_LIST_RETENTION,	/* past retention: due for destruction */
	ACT_YEAR,		/* filter by enrolment year */
	ACT_AUDIT_LOG,		/* the operation log (audit.view) */
	ACT_VERIFY,		/* verify the chain (audit.verify) */
	ACT_REPORTS,		/* the five reports (report.view) */
	ACT_ANALYSIS,		/* access analysis (audit.view) */
	ACT_FIRST,		/* the log's newest page */
	ACT_FILTER_OPERATOR,	/* the log's filters */
	ACT_FILTER_ACTION,
	ACT_FILTER_STUDENT,
	ACT_FILTER_DATES,
	ACT_FILTER_REQUEST,	/* entries naming request=N */
	ACT_FILTER_CLEAR,
	ACT_FIND,		/* find text in the log, older entries on */
	ACT_CHECKPOINT,		/* verify against a checkpoint file */
	ACT_REPORT_STATUS,	/* pick a report: REPORT_STATUS ... */
	ACT_REPORT_COMPLETENESS,
	ACT_REPORT_PENDING,
	ACT_REPORT_REVIEWS,
	ACT_REPORT_DESTRUCTION,
	ACT_BACKUPS,		/* the screen of backups (menu) */
	ACT_BACKUP_NOW,		/* to the backup folder */
	ACT_BACKUP_TO,		/* to a folder typed in */
	ACT_DRILL,		/* restore drill of the selected backup */
	ACT_DRILL_FILE,		/* of a backup file typed in */
	ACT_RESTORE,		/* replace the database with a backup */
	ACT_OPERATORS,		/* the operators' screen (menu) */
	ACT_OP_ADD,		/* a key slot for the operator selected */
	ACT_OP_RESET,		/* a forgotten passphrase */
	ACT_OP_REMOVE,
	ACT_ROTATE_KEY,
	ACT_GUARDIANS,		/* the guardians' requests register (menu) */
	ACT_G_ADD,		/* register a guardian's request */
	ACT_G_LINK,		/* link it to the request carrying it out */
	ACT_IMPORT,		/* the import screen (menu) */
	ACT_IMPORT_RUN,		/* import the file checked */
	ACT_IMPORT_CHECK,	/* check the file again */
	ACT_IMPORT_FILE,	/* choose another file */
	ACT_EXPORT,		/* the export screen (menu) */
	ACT_EXPORT_RUN,		/* another export */
	ACT_CHECKPOINTS,	/* the checkpoints screen (menu) */
	ACT_CHECKPOINT_WRITE,	/* write one to a folder typed in */
	ACT__COUNT
};

struct action_info {
	enum action	 action;
	const char	*name;		/* "save": for the help screen */
	const char	*keys;		/* "F2 ^S": space-separated */
	const char	*label;		/* N_("Save") */
	int		 perm;		/* enum perm, or -1 */
	/* Or any one of these (PERM_BIT()s); 0: only perm counts. */
	perm_set	 any;
};
extern const struct action_info action_table[ACT__COUNT];

struct ui;

struct screen {
	const char	*name;
	/* The actions this screen offers, ACT_NONE-terminated. */
	const enum action *actions;
	/* Allocate the screen's state; arg is the caller's. */
	void		*(*open)(struct ui *, void *arg);
	/* Free it, wiping anything personal. */
	void		 (*close)(void *);
	void		 (*draw)(struct ui *, void *);
	int		 (*action)(struct ui *, void *, enum action);
	/* Text typed while a field has focus; NULL if none takes text. */
	int		 (*text)(struct ui *, void *, const wchar_t *, size_t);
	/* An editing key for the focused field (KEY_LEFT, ^K, ...). */
	int		 (*edit)(struct ui *, void *, int key);
	/* Called about every second (a clock on the screen, due dates). */
	int		 (*tick)(struct ui *, void *);
	/*
	 * Another terminal changed the database (store_data_version()
	 * moved), or ^L was pressed (forced): re-read what is shown if it
	 * changed, keep the selection, and say what changed under the
	 * operator with ui_message().  NULL: nothing to re-read.  Every
	 * screen on the stack is asked, from the bottom up.
	 */
	int		 (*reread)(struct ui *, void *, int forced);
	/* Whether leaving would lose typed input (asks first). */
	int		 (*dirty)(void *);
	/* A mouse click at a screen cell; NULL if the screen has none. */
	int		 (*click)(struct ui *, void *, int row, int col,
			     int twice);
	/*
	 * Whether action a makes sense now (withdraw only one's own
	 * request); NULL: every action always.  The key bar leaves out
	 * what is not offered and its keys do nothing.
	 */
	int		 (*offers)(struct ui *, void *, enum action);
	/*
	 * Whether the screen itself shows action a with its key (a menu's
	 * items); NULL: none.  The key bar leaves such an action out, so
	 * that it holds what the screen does not say; help lists them all.
	 */
	int		 (*lists)(enum action);
	/* Drawn over the screen below (a dialog) rather than instead. */
	int		  overlay;
};

extern const struct screen screen_login;
extern const struct screen screen_menu;
extern const struct screen screen_search;
extern const struct screen screen_enrol;
extern const struct screen screen_record;
extern const struct screen screen_help;
extern const struct screen screen_confirm;
extern const struct screen screen_number;
extern const struct screen screen_change;
extern const struct screen screen_queue;
extern const struct screen screen_request;
extern const struct screen screen_guardian;
extern const struct screen screen_input;
extern const struct screen screen_choice;
extern const struct screen screen_archive;
extern const struct screen screen_certificate;
extern const struct screen screen_destructions;
extern const struct screen screen_log;
extern const struct screen screen_log_entry;
extern const struct screen screen_verify;
extern const struct screen screen_reports;
extern const struct screen screen_analysis;
extern const struct screen screen_backups;
extern const struct screen screen_drill;
extern const struct screen screen_passphrase;
extern const struct screen screen_operators;
extern const struct screen screen_guardians;
extern const struct screen screen_import;
extern const struct screen screen_export;
extern const struct screen screen_checkpoints;

struct ui {
	struct session	*s;
	int		 rows, cols;
	int		 colour;
	char		*message;	/* status line message, or NULL */
	int		 message_error;
	double		 last_key;	/* xj_monotonic() of the last key */
	/* Where the hardware cursor goes after drawing, or -1. */
	int		 cursor_row, cursor_col;
	/* Who logged in last: after an idle lock only the passphrase. */
	char		 last_id[64];
	/* store_data_version() when the screens last re-read. */
	int64_t		 version;
	/* Run once the current key's screens have been popped (dialogs). */
	int		(*after)(struct ui *, void *);
	void		*after_arg;
};

/* A yes/no question over the current screen; arg of screen_confirm. */
struct confirm {
	const char	*question;	/* translated; copied */
	const char	*detail;	/* a second line, or NULL; copied */
	/* Called after the dialog closes on "yes"; its mask applies. */
	int		(*yes)(struct ui *, void *);
	int		(*no)(struct ui *, void *);	/* may be NULL */
	void		*arg;
};
/*
 * A one-line text question over the current screen; arg of screen_input.
 * On Enter the text (malloc'd, free with xfree_wipe) is put in *out and
 * done runs once the dialog has closed; Esc closes it without either.
 */
struct input {
	const char	*question;	/* translated; copied */
	const char	*detail;	/* a second line, or NULL; copied */
	int		 required;	/* empty text is refused */
	size_t		 max;		/* characters */
	char		**out;
	int		(*done)(struct ui *, void *);
	void		*arg;
};

/*
 * One of a few choices over the current screen; arg of screen_choice.
 * On Enter *out is the index chosen and done runs once the dialog has
 * closed; Esc closes it without either.
 */
struct choice {
	const char	*question;	/* translated; copied */
	const char	*detail;	/* a second line, or NULL; copied */
	const char *const *items;	/* translated; borrowed, static */
	size_t		 n;
	size_t		 first;		/* the item selected at first */
	int		*out;
	int		(*done)(struct ui *, void *);
	void		*arg;
};

/*
 * A passphrase typed at this terminal; arg of screen_passphrase.  A new
 * one (typed twice, its strength shown, the KDF profile chosen): on
 * Enter *pass (secure memory: secure_free), *len and *kdf are set.  Or,
 * with agree set, a second supervisor's id and passphrase: *id and *pass
 * (both secure memory) and *len.  Then done runs once the dialog has
 * closed; Esc closes it without either (and runs cancel).  The title
 * takes up to two lines.
 */
struct passphrase {
	const char	*title;		/* translated; copied */
	int		 agree;
	char		**id;
	char		**pass;
	size_t		*len;
	int		*kdf;
	int		(*done)(struct ui *, void *);
	/* Run instead, after the dialog has closed, on Esc; NULL: Esc
	 * just closes it. */
	int		(*cancel)(struct ui *, void *);
	void		*arg;
};

/*
 * What a screen opened on behalf of another gets: done runs (with arg)
 * after it has closed on success, so the opener can reload what it
 * shows.  Our own commits do not move store_data_version(), so polling
 * alone would miss them.
 */
struct opened_for {
	int		(*done)(struct ui *, void *);
	void		*arg;
};

/* screen_change's arg: the record as the operator sees it now. */
struct change_arg {
	const struct student	*st;
	int			 revealed;	/* sensitive fields shown */
	struct opened_for	 back;
};

/* screen_help's arg: the screen whose keys are listed; copied. */
struct help_arg {
	const struct screen	*screen;
	void			*state;
};

/* screen_request's arg. */
struct request_arg {
	int64_t			 id;
	struct opened_for	 back;
};

/* screen_guardian's arg is a struct request_arg too: the id is that of
 * the guardian's request (guardian.h). */

/* screen_queue's arg: which list (enum request_list), as a pointer. */

/*
 * screen_record's arg.  back.done runs when the record is left after
 * something in it changed (a status, a review, a destruction request),
 * so that a list below can drop or move it.
 */
struct record_arg {
	const char		*number;	/* copied */
	struct opened_for	 back;
};

/* screen_certificate's arg: a destruction by id, or by number if 0. */
struct certificate_arg {
	int64_t			 id;
	const char		*number;	/* copied; may be NULL */
};

/* The operator's name alone where a line is short of room; the id when
 * the policy has no such operator, "?" for NULL. */
const char *ui_who_name(const struct ui *, const char *id);
/* A student by name and number, "王小明 (SH01-2026-00001)", or the
 * number alone when there is no name (not seen, or destroyed). */
char	*ui_named(const char *name, const char *number);
/* A student the same way: "王小明 (SH01-2026-00001)", the number alone
 * when no name is seen.  The caller frees it. */
char	*ui_naming(const struct student *);

/* Returns UI_POP: for a struct confirm whose "yes" leaves a screen. */
int	 ui_pop_after(struct ui *, void *);

/*
 * After a login: the screens kept over an idle lock come back when the
 * same operator unlocks; anyone else gets the menu, the kept screens
 * closed and wiped first.  Returns a UI_ mask.
 */
int	 ui_unlocked(struct ui *);
/* Close and wipe the screens kept over a lock, whoever's they are: a
 * first login after someone else set the passphrase starts afresh. */
void	 ui_drop_held(struct ui *);
/* Whether screens are kept over a lock, and for whom (*id). */
int	 ui_work_held(const struct ui *, const char **id);

/* Push a screen on top; returns UI_REDRAW. */
int	 ui_push(struct ui *, const struct screen *, void *arg);
/*
 * Ask question (translated), with detail as a second line (or NULL), in
 * screen_confirm over the current screen: yes(ui, arg) runs once it has
 * closed on "yes", nothing on "no".  Both strings are copied, the caller
 * keeps its own.  Returns ui_push's mask.
 */
int	 ui_ask(struct ui *, const char *question, const char *detail,
	     int (*yes)(struct ui *, void *), void *arg);
/* Show a message in the status line (formatted, translated already). */
void	 ui_message(struct ui *, int error, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
/*
 * Draw the screens and the message now, from inside a key handler whose
 * work takes seconds (the main loop draws only when the handler returns).
 */
void	 ui_show_now(struct ui *);
/*
 * Whether the screen whose state this is is on the terminal now: the
 * topmost full screen or a dialog over it, and the terminal big enough.
 */
int	 ui_shown(const struct ui *, const void *state);
/* Whether the operator may use action a (its permission). */
int	 ui_allowed(const struct ui *, enum action);
/* Whether screen sc (with its state) offers a to the operator now: the
 * permission and the screen's own offers(), as the key bar shows. */
int	 ui_offered(struct ui *, const struct screen *, void *state,
	     enum action);
/* Whether a is one of screen sc's own actions (not a global one). */
int	 ui_own_action(const struct screen *sc, enum action a);

/* The bottom lines (bars.c). */
/* What the key bar of the top screen shows, in order. */
struct keybar {
	char		 help[32], quit[32];
	struct {
		enum action	 a;
		char		 key[32];
		const char	*label;		/* translated */
	}		 e[ACT__COUNT];
	size_t		 n;
	int		 width;		/* on one line, lock aside */
};

/*
 * The actions of screen sc (state) the operator may use, with a key
 * that works there: help, back, the screen's own but those it lists
 * itself, lock; quit apart.
 */
void	 ui_keybar_collect(struct ui *, const struct screen *sc, void *state,
	     struct keybar *);
/* The key bar on the bottom nrows rows (one or two). */
void	 ui_draw_keybar(struct ui *, const struct keybar *, int nrows);
/* The status line: who, role, branch, and the message. */
void	 ui_draw_status(struct ui *);

/* Colour pairs with monochrome fallbacks; see ui_attr. */
enum ui_style {
	STYLE_NORMAL,
	STYLE_TITLE,
	STYLE_BAR,		/* status and key bars */
	STYLE_KEY,		/* a key name in the key bar */
	STYLE_FIELD,		/* an input field */
	STYLE_FOCUS,		/* the field with focus */
	STYLE_SELECT,		/* the selected row of a list */
	STYLE_ERROR,
	STYLE_DIM,
};
attr_t	 ui_attr(const struct ui *, enum ui_style);
/* Start the colour pairs, unless the terminal has none or NO_COLOR is
 * set (ui->colour says which). */
void	 ui_colours_setup(struct ui *);

/*
 * Draw UTF-8 text at (row, col) in at most width columns, never splitting
 * a wide character; returns the columns used.  Malformed bytes show as
 * '?'.
 */
int	 ui_text(struct ui *, int row, int col, int width, const char *s,
	     enum ui_style);
/* The same, centred in the line. */
void	 ui_centre(struct ui *, int row, const char *s, enum ui_style);
/*
 * A tab at (row, col): text, in [ ] and selected when current, else
 * between blanks; returns the columns it takes and one to part it from
 * the next.
 */
int	 ui_tab(struct ui *, int row, int col, const char *text, int current);
/* Pad the rest of a line with blanks in a style. */
void	 ui_fill(struct ui *, int row, int col, int width, enum ui_style);
/*
 * Draw a line editor in a field of width columns at (row, col); with
 * focus, the hardware cursor is left at its insertion point.  Hidden
 * text (a passphrase) draws nothing but the cursor.
 */
void	 ui_field(struct ui *, int row, int col, int width,
	     struct lineedit *, int focus, int hidden);
/* Map an editing key to a line-editor command and run it; 0 if none. */
int	 ui_field_key(struct lineedit *, int key);
/*
 * For the help of screen sc: the label of editing command cmd (enum
 * le_cmd) and, in keys, the names of its keys that sc leaves to the
 * field ("" when every one is an action there); -1 past the last.
 */
int	 ui_field_help(const struct screen *sc, int cmd, const char **label,
	     char *keys, size_t len);
/*
 * Insert typed or pasted text into a field; what does not fit, or a
 * control, stops it with a beep and a message saying how much was not
 * taken.  Returns the last enum le_result.
 */
int	 ui_field_insert(struct ui *, struct lineedit *, const wchar_t *,
	     size_t);
/*
 * Draw s wrapped in lines of width columns from (row, col): a line
 * break starts a line, a long line breaks at its last space or anywhere
 * when it has none; at most max rows, the last ending in "…" when there
 * is more.  Returns the rows used.  ui_wrap_rows() counts them all.
 */
int	 ui_wrap(struct ui *, int row, int col, int width, int max,
	     const char *s, enum ui_style);
int	 ui_wrap_rows(int width, const char *s);
/* A dialog's box of height rows, framed (the frame is its first and
 * last row) over a cleared area, centred; returns its first row.  Text
 * goes at column UI_BOX_COL, at most ui_box_width() columns. */
#define UI_BOX_COL	6
int	 ui_box(struct ui *, int height);
int	 ui_box_width(const struct ui *);
/*
 * A dialog: a box holding question and detail (may be NULL), each
 * wrapped in full, and extra rows more; returns the first of those.
 */
int	 ui_dialog(struct ui *, const char *question, const char *detail,
	     int extra);
/*
 * A list's selection: move sel among n items for Up, Down, Page up and
 * Page down (page rows a page); returns 1 if a was one of those.  And
 * scroll top so that sel is among the rows shown.
 */
int	 ui_list_move(size_t *sel, size_t n, size_t page, enum action a);
void	 ui_list_scroll(size_t *top, size_t sel, int rows);
/*
 * From a list's draw, before its rows reach the terminal: log whom the
 * rows first to end (not included) show, each a struct of size bytes
 * at rows with its student number (a char *) at offset, through the
 * list's store_shown (store_list_shown), so that a redraw or a page
 * seen before writes nothing.  0 when the entry could not be written:
 * do not draw the rows; the status line says why.
 */
struct store_shown;
int	 ui_rows_logged(struct ui *, struct store_shown *, const void *rows,
	     size_t size, size_t offset, size_t first, size_t end);
/* A field as the form labels it ("出生年月"), never its key when the
 * form knows it. */
const char *ui_field_label(const struct ui *, const char *key);
/*
 * A progress bar on row: "[#####.....]  45%  " then what (done and total
 * already in it, "12288 / 27000 entries"); work that runs inside a key
 * handler refreshes the screen itself after it (progress.c).
 */
void	 ui_progress(struct ui *, int row, long long done, long long total,
	     const char *what);
/* A duration in whole days as people say it ("3 days ago", "today"),
 * into buf. */
void	 ui_age(time_t then, time_t now, char *buf, size_t len);
/* Draw the title line. */
void	 ui_title(struct ui *, const char *title);

/* The first key of an action, as shown in the key bar ("F2"). */
const char *action_key_label(enum action);
/* The action bound to a key among a screen's actions, or ACT_NONE. */
enum action action_for_key(const enum action *, wint_t ch, int is_key);
/*
 * The actions every screen has besides its own (help, quit, lock,
 * redraw), ACT_NONE-terminated; ui.c handles them.
 */
extern const enum action ui_global_actions[];
/*
 * The action a key carries out on screen sc: its own actions first,
 * then the global ones; a printable key on a screen that takes text is
 * text, never an action.  ACT_NONE if none.
 */
enum action ui_key_action(const struct screen *sc, wint_t ch, int is_key);
/*
 * The keys of action a that carry it out on screen sc, as shown
 * ("F1", "^Q"), space-separated in buf; returns 0 if none does.
 */
int	 ui_action_keys(const struct screen *sc, enum action a, char *buf,
	     size_t len);
/*
 * Append key name (n bytes, as the tables write it: "Left", "PgUp") to
 * the space-separated list in buf (len bytes) as the operator's
 * language shows it ("左键", "PgUp"); a name that does not fit is left
 * out.
 */
void	 ui_key_append(char *buf, size_t len, const char *name, size_t n);

/*
 * The history pane of a record (history-view.c).  history_view_set takes
 * h (store_history's) and keeps the newest in view; history_view_free
 * frees it; history_view_draw draws it from row to the key bar, the
 * labels lw wide, sensitive values covered unless revealed.  top, the
 * first line drawn, is the caller's to scroll (drawing clamps it).
 */
struct hline;
struct history_view {
	struct history	*h;
	size_t		 nh;
	struct hline	*hlines;
	size_t		 nlines;
	size_t		 top;		/* first history line drawn */
	int		 at_end;	/* keep the newest in view */
};
void	 history_view_set(struct history_view *, struct history *h,
	     size_t nh);
void	 history_view_free(struct history_view *);
void	 history_view_draw(struct ui *, struct history_view *, int row,
	     int lw, int revealed);
/* A field's value as a view shows it: a sensitive one covered until
 * revealed. */
const char *ui_value_shown(const struct ui *, const char *key,
	     const char *value, int revealed);

/* Big characters for reading a student number out: rows of a glyph. */
#define BIGFONT_ROWS	5
/* Draw s in big characters centred at row; returns columns used, or 0
 * when it does not fit (the caller then draws it plainly). */
int	 bigfont_draw(struct ui *, int row, const char *s);

#endif
