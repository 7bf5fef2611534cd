/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * e2e.h — what the end-to-end tests share: the binary under test (env
 * XUEJI, else ./xueji) started on a test branch in a pseudo-terminal,
 * waits that fail the test with the screen when they run out, logging
 * in, and counting audit entries afterwards.
 */
#ifndef XUEJI_TEST_E2E_H
#define XUEJI_TEST_E2E_H

#include "lib/branch.h"
#include "lib/vt.h"

#define E2E_WAIT	5000	/* ms: generous, CI machines are busy */

/* The binary: $XUEJI or ./xueji. */
char		*e2e_binary(void);
/* The environment every run gets: ESCDELAY=25, NO_COLOR=1. */
extern char *const e2e_env[];
/* Start xueji -c b's config in a rows × cols terminal, with e2e_env and
 * then extra ("NAME=value", NULL-terminated, may be NULL). */
struct vt	*e2e_start(const struct tl_branch *, int rows, int cols,
		     char *const extra[]);
/* Point XUEJI_LOCALEDIR at the catalogue beside the binary under test,
 * unless make test exported it already. */
void		 e2e_find_catalogue(void);
/* Wait for text on the screen (gone from it); fail the test if not. */
void		 e2e_wait_text(struct vt *, const char *);
void		 e2e_wait_gone(struct vt *, const char *);
/* A terminal of rows × cols, id logged in with its test passphrase, at
 * the main menu. */
struct vt	*e2e_start_as(const struct tl_branch *, int rows, int cols,
		     const char *id);
/* A Chinese terminal (LANGUAGE=zh_CN) of rows × cols, id logged in
 * with its test passphrase, at the main menu. */
struct vt	*e2e_start_zh(const struct tl_branch *, int rows, int cols,
		     const char *id);
/* Whether text on the screen is drawn bold (the error style, since
 * e2e_env sets NO_COLOR), once it is there (e2e_wait_text). */
int		 e2e_bold(struct vt *, const char *text);
/* Quit with ^Q where vt is, check that xueji exits, and free vt. */
void		 e2e_quit_here(struct vt *);
/*
 * Esc back to the screen showing menu (at most six Escs), quit there with
 * ^Q, check that xueji exits, and free vt.
 */
void		 e2e_quit_at(struct vt *, const char *menu);
/* e2e_quit_at the main menu in English, in Chinese. */
void		 e2e_quit(struct vt *);
void		 e2e_quit_zh(struct vt *);
/* Type id (unless NULL) and passphrase at the login screen. */
void		 e2e_login(struct vt *, const char *id, const char *pass);
/* Whether any row of the screen holds text. */
int		 e2e_on_screen(struct vt *, const char *);
/*
 * The key bar: its first row (the last row, or the one above it when
 * the keys take two), and its text, both rows joined by a blank; the
 * status line is the row above the bar.  The caller frees the text.
 */
int		 e2e_keybar_row(struct vt *);
char		*e2e_keybar(struct vt *);
char		*e2e_status_line(struct vt *);
/* Wait until the key bar holds both a and b (b may be NULL). */
void		 e2e_wait_bar(struct vt *, const char *a, const char *b);

/*
 * Issue 20, what every screen must be in Chinese: the key bar holds
 * F1 帮助 and ^Q 退出 and nothing it could not hold (no "…" of its
 * own); the status line is whole and names the operator (op; NULL: the
 * test branch's name, 测试校区); no raw key of a form field or an
 * action is on the screen.  Each fails the test with the screen.
 */
void		 e2e_zh_screen_fits(struct vt *, const char *op);
/* The same in English (F1 Help, ^Q Quit, "(op)"), raw keys aside: an
 * English sentence may end in "status." or "report.". */
void		 e2e_en_screen_fits(struct vt *, const char *op);
/* Each of the n texts starts in one column (the values of a record,
 * whatever the width of their labels). */
void		 e2e_aligned(struct vt *, const char *const *texts, size_t n);
/*
 * Every row from row first down that holds text (first occurrence)
 * has it at the same column, and at least two rows do: a column of a
 * list lines up whatever the width of the columns before it.
 */
void		 e2e_column(struct vt *, int first, const char *text);
/* Log in at the Chinese login screen. */
void		 e2e_zh_login(struct vt *, const char *id, const char *pass);

/* Audit entries of action by op (and whose detail holds detail, unless
 * NULL), read as an auditor would. */
long		 e2e_audit_count(const struct tl_branch *, const char *action,
		     const char *op, const char *detail);

#endif
