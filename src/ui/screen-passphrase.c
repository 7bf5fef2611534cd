/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Passphrases typed at this terminal, over the screen that asks: a new
 * one, typed twice by the person it is for, with its strength shown as
 * it is typed and the KDF profile chosen (Left and Right on that line);
 * or a second supervisor's id and passphrase, to agree to a change of
 * another supervisor's key slot.
 * Nothing of a passphrase is echoed.  On Enter, once both fields are
 * filled (and the two new ones match), the answer goes to the caller in
 * secure memory and done runs after the dialog has closed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/keys.h"
#include "xueji/platform.h"
#include "ui.h"

#define PASS_MAX	256
#define ID_MAX		64

struct passphrase_state {
	struct passphrase	 p;		/* title copied */
	struct lineedit		*a, *b;		/* first and second field */
	int			 focus;		/* 0, 1, or 2: the profile */
	int			 kdf;
};

static const enum action passphrase_actions[] = {
	ACT_DONE, ACT_NEXT, ACT_PREV, ACT_BACK, ACT_HELP, ACT_REDRAW, ACT_NONE
};

static const char *const kdf_names[] = {
	N_("interactive (fastest to open)"), N_("moderate (the default)"),
	N_("sensitive (slowest, hardest to guess)"),
};

static int
fields(const struct passphrase_state *ps)
{
	return ps->p.agree ? 2 : 3;
}

static void *
passphrase_open(struct ui *ui, void *arg)
{
	struct passphrase_state	*ps = xcalloc(1, sizeof *ps);

	(void)ui;
	ps->p = *(struct passphrase *)arg;
	ps->p.title = xstrdup(ps->p.title);
	ps->a = le_new(ps->p.agree ? ID_MAX : PASS_MAX);
	ps->b = le_new(PASS_MAX);
	ps->kdf = KDF_MODERATE;
	return ps;
}

static void
passphrase_close(void *p)
{
	struct passphrase_state	*ps = p;

	free((void *)(uintptr_t)ps->p.title);
	le_free(ps->a);
	le_free(ps->b);
	free(ps);
}

/* A field's text in secure memory; *len its bytes. */
static char *
take(struct lineedit *le, size_t *len)
{
	char	*s = le_get_utf8(le), *out;

	*len = strlen(s);
	out = secure_alloc(*len + 1);
	memcpy(out, s, *len + 1);
	sodium_memzero(s, *len);
	free(s);
	return out;
}

static const char *
strength_text(int st)
{
	switch (st) {
	case PASS_WEAK:
		return _("Strength: weak; a longer passphrase is better");
	case PASS_FAIR:
		return _("Strength: fair");
	case PASS_STRONG:
		return _("Strength: strong");
	default:
		return _("Strength: too short (at least 8 characters, not one "
		    "repeated)");
	}
}

static void
passphrase_draw(struct ui *ui, void *p)
{
	struct passphrase_state	*ps = p;
	const char		*la, *lb;
	char			*s, *line;
	size_t			 len;
	int			 w = ui_box_width(ui), row = ui_box(ui, 11);
	int			 lw, fw, st;

	la = ps->p.agree ? _("Supervisor who agrees (id):") :
	    _("New passphrase:");
	lb = ps->p.agree ? _("Their passphrase:") : _("Again:");
	lw = utf8_width(la) > utf8_width(lb) ? utf8_width(la) : utf8_width(lb);
	fw = w - lw - 2 > 10 ? w - lw - 2 : 10;
	ui_wrap(ui, row + 1, UI_BOX_COL, w, 2, ps->p.title, STYLE_BAR);
	ui_text(ui, row + 3, UI_BOX_COL, lw, la, STYLE_BAR);
	ui_field(ui, row + 3, UI_BOX_COL + lw + 2, fw, ps->a, ps->focus == 0,
	    !ps->p.agree);
	ui_text(ui, row + 5, UI_BOX_COL, lw, lb, STYLE_BAR);
	ui_field(ui, row + 5, UI_BOX_COL + lw + 2, fw, ps->b, ps->focus == 1,
	    1);
	if (!ps->p.agree) {
		s = take(ps->a, &len);
		st = passphrase_strength(s, len);
		secure_free(s);
		ui_text(ui, row + 6, UI_BOX_COL + lw + 2, fw,
		    strength_text(st), st <= PASS_WEAK ? STYLE_ERROR :
		    STYLE_BAR);
		xasprintf(&line, "%s %s  < %s >", ps->focus == 2 ? ">" : " ",
		    _("Key derivation:"), _(kdf_names[ps->kdf]));
		ui_text(ui, row + 7, UI_BOX_COL, w, line, ps->focus == 2 ?
		    STYLE_SELECT : STYLE_BAR);
		free(line);
		if (ps->focus == 2)
			ui->cursor_row = -1;
	}
	ui_text(ui, row + 9, UI_BOX_COL, w, _("Tab: next    Enter: done    "
	    "Esc: cancel"), STYLE_BAR);
}

static int
passphrase_done(struct ui *ui, struct passphrase_state *ps)
{
	char	*a, *b;
	size_t	 alen, blen;

	if (le_len(ps->a) == 0 || le_len(ps->b) == 0) {
		ps->focus = le_len(ps->a) == 0 ? 0 : 1;
		ui_message(ui, 1, "%s", _("Fill in both fields."));
		return UI_HANDLED;
	}
	a = take(ps->a, &alen);
	b = take(ps->b, &blen);
	if (!ps->p.agree && (alen != blen || sodium_memcmp(a, b, alen) != 0)) {
		secure_free(a);
		secure_free(b);
		le_clear(ps->b);
		ps->focus = 1;
		ui_message(ui, 1, "%s", _("The two passphrases differ; type "
		    "it again."));
		return UI_HANDLED;
	}
	if (ps->p.agree) {
		*ps->p.id = a;
		*ps->p.pass = b;
		*ps->p.len = blen;
	} else {
		secure_free(b);
		*ps->p.pass = a;
		*ps->p.len = alen;
		*ps->p.kdf = ps->kdf;
	}
	ui->after = ps->p.done;
	ui->after_arg = ps->p.arg;
	ui_message(ui, 0, NULL);
	return UI_POP | UI_REDRAW;
}

static int
passphrase_action(struct ui *ui, void *p, enum action a)
{
	struct passphrase_state	*ps = p;

	switch (a) {
	case ACT_BACK:
		if (ps->p.cancel == NULL)
			return 0;
		ui->after = ps->p.cancel;
		ui->after_arg = ps->p.arg;
		ui_message(ui, 0, NULL);
		return UI_POP | UI_REDRAW;
	case ACT_DONE:
		if (ps->focus == 0 && le_len(ps->b) == 0) {
			ps->focus = 1;
			return UI_HANDLED;
		}
		return passphrase_done(ui, ps);
	case ACT_NEXT:
		ps->focus = (ps->focus + 1) % fields(ps);
		return UI_HANDLED;
	case ACT_PREV:
		ps->focus = (ps->focus + fields(ps) - 1) % fields(ps);
		return UI_HANDLED;
	default:
		return 0;
	}
}

static int
passphrase_text(struct ui *ui, void *p, const wchar_t *s, size_t n)
{
	struct passphrase_state	*ps = p;
	size_t			 i;

	(void)ui;
	if (ps->focus == 2)
		return UI_HANDLED;
	for (i = 0; i < n; i++)
		le_insert_wc(ps->focus == 0 ? ps->a : ps->b, s[i]);
	return UI_HANDLED;
}

static int
passphrase_edit(struct ui *ui, void *p, int key)
{
	struct passphrase_state	*ps = p;

	(void)ui;
	if (ps->focus == 2) {
		if (key == KEY_LEFT && ps->kdf > KDF_INTERACTIVE)
			ps->kdf--;
		else if (key == KEY_RIGHT && ps->kdf < KDF_SENSITIVE)
			ps->kdf++;
		return UI_HANDLED;
	}
	ui_field_key(ps->focus == 0 ? ps->a : ps->b, key);
	return UI_HANDLED;
}

static int
passphrase_dirty(void *p)
{
	struct passphrase_state	*ps = p;

	return le_len(ps->a) > 0 || le_len(ps->b) > 0;
}

const struct screen screen_passphrase = {
	.name = "passphrase",
	.actions = passphrase_actions,
	.open = passphrase_open,
	.close = passphrase_close,
	.draw = passphrase_draw,
	.action = passphrase_action,
	.text = passphrase_text,
	.edit = passphrase_edit,
	.dirty = passphrase_dirty,
	.overlay = 1,
};
