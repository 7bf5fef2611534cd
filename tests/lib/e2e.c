/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Helpers the end-to-end tests share; see e2e.h.
 */
#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/testlib.h"
#include "xueji/platform.h"
#include "xueji/audit.h"
#include "lib/e2e.h"
#include "lib/hatch.h"

/* -Wwrite-strings: argv and envp want writable strings. */
static char	esc_delay[] = "ESCDELAY=25", no_color[] = "NO_COLOR=1";
static char	opt_c[] = "-c";
char *const	e2e_env[] = { esc_delay, no_color, NULL };

char *
e2e_binary(void)
{
	static char	 dflt[] = "./xueji";
	char		*x = getenv("XUEJI");

	return x != NULL ? x : dflt;
}

struct vt *
e2e_start(const struct tl_branch *b, int rows, int cols, char *const extra[])
{
	char		*argv[] = { e2e_binary(), opt_c, b->config, NULL };
	char		*env[16];
	struct vt	*vt;
	size_t		 n = 0, i;

	for (i = 0; e2e_env[i] != NULL; i++)
		env[n++] = e2e_env[i];
	for (i = 0; extra != NULL && extra[i] != NULL && n + 1 < 16; i++)
		env[n++] = extra[i];
	env[n] = NULL;
	vt = vt_spawn(rows, cols, argv, env);
	assert_non_null(vt);
	return vt;
}

struct vt *
e2e_start_as(const struct tl_branch *b, int rows, int cols, const char *id)
{
	struct vt	*vt;
	char		 pass[64];

	vt = e2e_start(b, rows, cols, NULL);
	e2e_login(vt, id, tl_pass(id, pass, sizeof pass));
	e2e_wait_text(vt, "main menu");
	return vt;
}

struct vt *
e2e_start_zh(const struct tl_branch *b, int rows, int cols, const char *id)
{
	static char	 language[] = "LANGUAGE=zh_CN";
	char		*extra[] = { language, NULL }, pass[64];
	struct vt	*vt;

	e2e_find_catalogue();
	vt = e2e_start(b, rows, cols, extra);
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, id);
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, tl_pass(id, pass, sizeof pass));
	vt_key(vt, VT_KEY_ENTER);
	e2e_wait_text(vt, "主菜单");
	return vt;
}

int
e2e_bold(struct vt *vt, const char *text)
{
	struct vt_attrs	a;
	int		r, c;

	/* The text first: a screen may still be drawing (a notice last). */
	e2e_wait_text(vt, text);
	if (!vt_find(vt, text, &r, &c))
		fail_msg("\"%s\" is not on the screen", text);
	assert_int_equal(vt_cell_attrs(vt, r, c, &a), 0);
	return a.bold;
}

void
e2e_quit_here(struct vt *vt)
{
	int	status;

	vt_char_mod(vt, 'q', VT_MOD_CTRL);
	assert_int_equal(vt_wait_exit(vt, E2E_WAIT, &status), 0);
	vt_free(vt);
}

void
e2e_quit_at(struct vt *vt, const char *menu)
{
	int	i;

	vt_set_log(vt, NULL);	/* each Esc may leave a screen on top */
	for (i = 0; i < 6 && !e2e_on_screen(vt, menu); i++) {
		vt_key(vt, VT_KEY_ESC);
		vt_wait_text(vt, menu, 1000);
	}
	vt_set_log(vt, stderr);
	e2e_wait_text(vt, menu);
	e2e_quit_here(vt);
}

void
e2e_quit(struct vt *vt)
{
	e2e_quit_at(vt, "main menu");
}

void
e2e_quit_zh(struct vt *vt)
{
	e2e_quit_at(vt, "主菜单");
}

void
e2e_wait_text(struct vt *vt, const char *text)
{
	if (vt_wait_text(vt, text, E2E_WAIT) != 0)
		fail_msg("never saw \"%s\"", text);
}

void
e2e_wait_gone(struct vt *vt, const char *text)
{
	if (vt_wait_gone(vt, text, E2E_WAIT) != 0)
		fail_msg("\"%s\" never went away", text);
}

void
e2e_find_catalogue(void)
{
	char	*bin, *dir;

	if (getenv("XUEJI_LOCALEDIR") != NULL)
		return;
	bin = xstrdup(e2e_binary());
	xasprintf(&dir, "%s/locale", dirname(bin));
	setenv("XUEJI_LOCALEDIR", dir, 1);
	free(dir);
	free(bin);
}

void
e2e_login(struct vt *vt, const char *id, const char *pass)
{
	e2e_wait_text(vt, "Passphrase:");
	if (id != NULL) {
		vt_sendstr(vt, id);
		vt_key(vt, VT_KEY_TAB);
	}
	vt_sendstr(vt, pass);
	vt_key(vt, VT_KEY_ENTER);
}

int
e2e_keybar_row(struct vt *vt)
{
	char	*row;
	int	 rows, cols, top;

	vt_size(vt, &rows, &cols);
	/* The status line starts with a blank; the bar with help's key. */
	row = vt_row(vt, rows - 2);
	top = strncmp(row, "F1 ", 3) == 0 ? rows - 2 : rows - 1;
	free(row);
	return top;
}

char *
e2e_keybar(struct vt *vt)
{
	char	*a, *b, *s;
	int	 rows, cols, top = e2e_keybar_row(vt);

	vt_size(vt, &rows, &cols);
	a = vt_row(vt, top);
	if (top == rows - 1)
		return a;
	b = vt_row(vt, rows - 1);
	xasprintf(&s, "%s %s", a, b);
	free(a);
	free(b);
	return s;
}

char *
e2e_status_line(struct vt *vt)
{
	return vt_row(vt, e2e_keybar_row(vt) - 1);
}

struct bar_want {
	const char	*a, *b;
	int		 whole;		/* and no "…" of the bar's own */
};

/*
 * Whether the key bar holds a and b, and, if whole, no "…" of its own:
 * that one follows a space, where a label's own (备份到…) follows its
 * text.
 */
static int
bar_has(struct vt *vt, void *arg)
{
	const struct bar_want	*w = arg;
	char			*bar = e2e_keybar(vt);
	int			 yes;

	yes = strstr(bar, w->a) != NULL && (w->b == NULL ||
	    strstr(bar, w->b) != NULL) && (!w->whole ||
	    strstr(bar, " …") == NULL);
	free(bar);
	return yes;
}

void
e2e_wait_bar(struct vt *vt, const char *a, const char *b)
{
	struct bar_want	w = { a, b, 0 };

	if (vt_wait(vt, bar_has, &w, E2E_WAIT) != 0) {
		vt_dump(vt, stderr);
		fail_msg("the key bar never held \"%s\" and \"%s\"", a,
		    b != NULL ? b : "");
	}
}

void
e2e_aligned(struct vt *vt, const char *const *texts, size_t n)
{
	int	r, c, col = -1;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!vt_find(vt, texts[i], &r, &c)) {
			vt_dump(vt, stderr);
			fail_msg("%s is not on the screen", texts[i]);
		}
		if (col >= 0 && c != col) {
			vt_dump(vt, stderr);
			fail_msg("%s is not in the column of %s", texts[i],
			    texts[0]);
		}
		col = c;
	}
}

void
e2e_zh_login(struct vt *vt, const char *id, const char *pass)
{
	e2e_wait_text(vt, "口令：");
	vt_sendstr(vt, id);
	vt_key(vt, VT_KEY_TAB);
	vt_sendstr(vt, pass);
	vt_key(vt, VT_KEY_ENTER);
}

/*
 * Raw keys that must never reach a Chinese screen: the form's field
 * keys, and the prefixes of the actions the log records.
 */
static const char *const raw_keys[] = {
	"birth_month", "guardian_name", "guardian_phone", "consent",
	"student.", "request.", "change.", "operator.", "branch.", "status.",
	"destroy.", "audit.", "guardian.", "backup.", "import.", "export.",
	"access.", "login.", "config.", "report.", "reason=", "request=",
	"perm=", "what=", "kind=", "rule=",
};

/*
 * English names of keys whose caps show an arrow and no word, and
 * curses' BackTab: a Chinese screen calls them 上键, 左键, Shift+Tab.
 * Enter, Esc, Tab, PgUp, Home and F2 are printed on Chinese keyboards
 * too and may show.
 */
static const char *const english_keys[] = {
	"Up", "Down", "Left", "Right", "BackTab",
};

/* Whether text holds word alone, not inside another word ("PgUp"). */
static int
has_word(const char *text, const char *word)
{
	const char	*p;
	size_t		 n = strlen(word);

	for (p = text; (p = strstr(p, word)) != NULL; p++) {
		if ((p == text || !isalpha((unsigned char)p[-1])) &&
		    !isalpha((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

/* Whether the status line is whole and holds arg. */
static int
status_holds(struct vt *vt, void *arg)
{
	char	*status = e2e_status_line(vt);
	int	 yes = strstr(status, "…") == NULL &&
		    strstr(status, arg) != NULL;

	free(status);
	return yes;
}

/* The bar and the status line, in Chinese (zh) or English. */
static void
screen_fits(struct vt *vt, const char *op, int zh)
{
	struct bar_want	 f = { zh ? "F1 帮助" : "F1 Help",
			    zh ? "^Q 退出" : "^Q Quit", 1 };
	char		*status, *bar, *want = NULL;

	/* The screen may still be arriving: the bars are drawn last. */
	if (vt_wait(vt, bar_has, &f, E2E_WAIT) != 0) {
		bar = e2e_keybar(vt);
		vt_dump(vt, stderr);
		fail_msg("the key bar lacks %s or %s, or is cut: %s", f.a,
		    f.b, bar);
	}
	if (op != NULL)
		xasprintf(&want, zh ? "（%s）" : "(%s)", op);
	else
		want = xstrdup("测试校区");
	/* The status line is whole: never cut, the operator kept. */
	if (vt_wait(vt, status_holds, want, E2E_WAIT) != 0) {
		status = e2e_status_line(vt);
		vt_dump(vt, stderr);
		fail_msg("the status line is cut or lost the operator: %s",
		    status);
	}
	free(want);
}

void
e2e_zh_screen_fits(struct vt *vt, const char *op)
{
	char	*screen;
	size_t	 i;

	screen_fits(vt, op, 1);
	for (i = 0; i < sizeof raw_keys / sizeof *raw_keys; i++) {
		if (e2e_on_screen(vt, raw_keys[i])) {
			vt_dump(vt, stderr);
			fail_msg("a raw key on the screen: %s", raw_keys[i]);
		}
	}
	screen = vt_screen(vt);
	for (i = 0; i < sizeof english_keys / sizeof *english_keys; i++) {
		if (has_word(screen, english_keys[i])) {
			vt_dump(vt, stderr);
			fail_msg("an English key name on a Chinese screen: %s",
			    english_keys[i]);
		}
	}
	free(screen);
}

void
e2e_en_screen_fits(struct vt *vt, const char *op)
{
	screen_fits(vt, op, 0);
}

struct column {
	int		 first;
	const char	*text;
	int		 row, at, col;	/* where it broke the column */
	int		 n;
};

/* Whether the column holds (see e2e_column). */
static int
column_holds(struct vt *vt, void *arg)
{
	struct column	*k = arg;
	int		 rows, cols, r, c;

	vt_size(vt, &rows, &cols);
	k->n = 0;
	k->col = k->row = -1;
	for (r = k->first; r < rows; r++) {
		if ((c = vt_find_in_row(vt, r, k->text)) < 0)
			continue;
		if (k->n > 0 && c != k->col) {
			k->row = r;
			k->at = c;
			return 0;
		}
		k->col = c;
		k->n++;
	}
	return k->n >= 2;
}

void
e2e_column(struct vt *vt, int first, const char *text)
{
	struct column	k = { first, text, -1, -1, -1, 0 };

	/* The rows may still be arriving. */
	if (vt_wait(vt, column_holds, &k, E2E_WAIT) == 0)
		return;
	vt_dump(vt, stderr);
	if (k.row >= 0)
		fail_msg("%s on row %d starts at column %d, not %d", text,
		    k.row, k.at, k.col);
	fail_msg("%s is on %d rows: no column to check", text, k.n);
}

int
e2e_on_screen(struct vt *vt, const char *text)
{
	return vt_find(vt, text, NULL, NULL);
}

long
e2e_audit_count(const struct tl_branch *b, const char *action,
    const char *op, const char *detail)
{
	struct session	*s = tl_login(b, "auditor1");
	sqlite3_stmt	*stmt;
	long		 n;

	assert_int_equal(sqlite3_prepare_v2(store_db(s->st), "SELECT count(*) "
	    "FROM audit WHERE action = ? AND operator = ? AND (?3 IS NULL OR "
	    "instr(detail, ?3) > 0)", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, op, -1, SQLITE_STATIC);
	if (detail != NULL)
		sqlite3_bind_text(stmt, 3, detail, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	session_free(s);
	return n;
}
