/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * One operation-log entry in full, opened from the log: its sentence,
 * then every column in words (the action's name, the fields as the
 * form's labels, each detail as "label: value"), the time as the
 * branch's local minute and the chain hash's first digits, enough for
 * an auditor to hold it against a printout or the command line's
 * output.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/audit.h"
#include "xueji/platform.h"
#include "xueji/sentences.h"
#include "xueji/session.h"
#include "ui.h"

struct entry_view {
	struct audit_entry	 e;	/* strings owned */
	char			*sentence;
	char			*fields;	/* the field keys as labels */
	char			*detail;	/* the detail in words */
	char			*who;		/* the operator as named */
	char			*target;	/* an operator target as named */
};

static const enum action entry_actions[] = {
	ACT_BACK, ACT_HELP, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

static void *
entry_open(struct ui *ui, void *arg)
{
	struct entry_view	*ev = xcalloc(1, sizeof *ev);

	const struct audit_entry	*e = arg;

	ev->e = *e;
	ev->e.operator = xstrdup(e->operator);
	ev->e.action = xstrdup(e->action);
	ev->e.target = xstrdup(e->target);
	ev->e.fields = xstrdup(e->fields);
	ev->e.detail = xstrdup(e->detail);
	ev->sentence = audit_sentence(&ev->e, ui->s->form, ui->s->pol);
	ev->fields = audit_fields_words(ev->e.fields, ui->s->form);
	ev->detail = audit_detail_words(&ev->e, ui->s->form);
	ev->who = strcmp(ev->e.operator, "-") == 0 ?
	    xstrdup(_("the system")) : policy_who(ui->s->pol, ev->e.operator);
	ev->target = audit_target_operator(&ev->e) ?
	    policy_who(ui->s->pol, ev->e.target) : xstrdup(ev->e.target);
	return ev;
}

static void
entry_close(void *p)
{
	struct entry_view	*ev = p;

	free((char *)(uintptr_t)ev->e.operator);
	free((char *)(uintptr_t)ev->e.action);
	free((char *)(uintptr_t)ev->e.target);
	free((char *)(uintptr_t)ev->e.fields);
	free((char *)(uintptr_t)ev->e.detail);
	free(ev->sentence);
	free(ev->fields);
	free(ev->detail);
	free(ev->who);
	free(ev->target);
	free(ev);
}

static void
entry_draw(struct ui *ui, void *p)
{
	struct entry_view		*ev = p;
	const struct audit_entry	*e = &ev->e;
	const char			*labels[8], *v[8], *line, *nl;
	char				 values[2][80], *title, *one;
	char				 hex[2 * AUDIT_HASH_BYTES + 1], *hash;
	int				 i, lw = 0, row = 4, w;

	erase();
	xasprintf(&title, _("Operation log · entry %" PRId64), e->seq);
	ui_title(ui, title);
	free(title);
	/* Two rows: names make a sentence longer than one. */
	ui_wrap(ui, 2, 2, ui->cols - 4, 2, ev->sentence, STYLE_NORMAL);
	labels[0] = _("Entry");
	labels[1] = _("Time");
	labels[2] = _("Operator");
	labels[3] = _("Action");
	labels[4] = _("Target");
	labels[5] = _("Fields");
	labels[6] = _("Detail");
	labels[7] = _("Chain hash");
	snprintf(values[0], sizeof values[0], "%" PRId64, e->seq);
	xj_timefmt(e->at, values[1], sizeof values[1]);
	xj_hex(e->hash, AUDIT_HASH_BYTES, hex);
	hash = audit_hex_words(hex);
	v[0] = values[0];
	v[1] = values[1];
	v[2] = ev->who;
	v[3] = audit_action_words(e->action);
	v[4] = ev->target;
	v[5] = ev->fields;
	v[6] = ev->detail;
	v[7] = hash;
	for (i = 0; i < 8; i++) {
		if (utf8_width(labels[i]) > lw)
			lw = utf8_width(labels[i]);
	}
	lw += 2;
	w = ui->cols - 2 - lw;
	for (i = 0; i < 8; i++) {
		ui_text(ui, row, 2, lw, labels[i], STYLE_DIM);
		if (*v[i] == '\0') {
			ui_text(ui, row++, 2 + lw, w, "—", STYLE_NORMAL);
			continue;
		}
		/* The detail, one "label: value" a line; room kept for
		 * the hash and the key bar. */
		for (line = v[i]; line != NULL && row < ui->rows - 3 -
		    (i < 7); line = nl != NULL ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			one = xstrndup(line, nl != NULL ? (size_t)(nl - line) :
			    strlen(line));
			ui_text(ui, row++, 2 + lw, w, one, STYLE_NORMAL);
			free(one);
		}
	}
	free(hash);
}

const struct screen screen_log_entry = {
	.name = "log-entry",
	.actions = entry_actions,
	.open = entry_open,
	.close = entry_close,
	.draw = entry_draw,
};
