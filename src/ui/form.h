/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * form.h — the form engine the enrolment and change screens share: rows
 * of label, line editor, purpose and validation message, scrolled to
 * keep the focus in view, with an optional chooser after the fields
 * (enrolment's consent).  The screens own what saving means.
 */
#ifndef XUEJI_UI_FORM_H
#define XUEJI_UI_FORM_H

#include "ui.h"

struct uform_row {
	const struct field_spec	*spec;		/* NULL: the screen's own */
	char			*label;		/* translated */
	char			*purpose;	/* translated, under the field */
	int			 required;	/* rows without a spec */
	int			 width;
	struct lineedit		*ed;		/* guarded (le_new_guarded) */
	char			*initial;	/* pre-filled text, or NULL;
						   guarded (secure_alloc) */
	int			 blank_keeps;	/* empty: unchanged (masked) */
	char			*msg;		/* validation message, or NULL */
};

struct uform {
	char			*title;
	struct uform_row	*rows;
	size_t			 n;
	/* The chooser after the fields; label NULL when there is none. */
	const char		*choice_label;
	const struct field_choice *choices;
	size_t			 nchoices;
	int			 choice;	/* -1: none chosen */
	size_t			 focus;		/* n: the chooser */
	size_t			 top;		/* first row drawn */
};

/* A form with no rows yet, titled title (copied). */
struct uform	*uform_new(const char *title);
/* Free it, wiping what was typed. */
void		 uform_free(struct uform *);
/*
 * Add a row for a field of the form spec, or (spec NULL) a row of the
 * screen's own with the label, purpose, required flag, width and length
 * limit given.  initial pre-fills it (NULL: empty).  Returns its index.
 */
size_t		 uform_add(struct uform *, const struct field_spec *spec,
		     const char *label, const char *purpose, int required,
		     int width, size_t max, const char *initial);
/* Whether row i holds something other than what it was opened with. */
int		 uform_changed(const struct uform *, size_t i);
/* Whether anything was typed or chosen (leaving would lose it). */
int		 uform_dirty(const struct uform *);
/*
 * Check row i as the store will (an unchanged pre-filled row, and an
 * empty row that keeps its value, pass), keeping the message to show
 * beside it; XJ_OK or the validation's code.
 */
int		 uform_check(struct ui *, struct uform *, size_t i);
/* Check every row; on the first bad one, focus it, say why, return -1. */
int		 uform_check_all(struct ui *, struct uform *);
/*
 * The rows with a field spec as input for the store: every one, or only
 * those changed.  Free with uform_inputs_free.
 */
struct field_input *uform_inputs(const struct uform *, int changed_only,
		     size_t *n);
void		 uform_inputs_free(struct field_input *, size_t n);
/* Row i's text (malloc'd; free with xfree_wipe). */
char		*uform_value(const struct uform *, size_t i);

void		 uform_draw(struct ui *, struct uform *, const char *footer);
/* Move the focus; 1 when Next was pressed on the last stop (save). */
int		 uform_next(struct ui *, struct uform *);
void		 uform_prev(struct ui *, struct uform *);
int		 uform_text(struct ui *, struct uform *, const wchar_t *,
		     size_t);
int		 uform_edit(struct uform *, int key);
int		 uform_click(struct ui *, struct uform *, int row);

/*
 * Screen handlers for a screen whose state begins with its struct uform
 * pointer (enrolment, change): typing, editing keys, clicks, and
 * whether leaving would lose anything.
 */
int		 uform_screen_text(struct ui *, void *, const wchar_t *,
		     size_t);
int		 uform_screen_edit(struct ui *, void *, int key);
int		 uform_screen_click(struct ui *, void *, int row, int col,
		     int twice);
int		 uform_screen_dirty(void *);

#endif
