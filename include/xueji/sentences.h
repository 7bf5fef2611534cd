/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * sentences.h — the operation log and the refusals in words: one table
 * of action names, one of what a refusal was about, read by the log
 * browser and by the command line alike (src/store/sentences.c).  Every
 * string returned is in the interface language of the moment.
 */
#ifndef XUEJI_SENTENCES_H
#define XUEJI_SENTENCES_H

#include <stddef.h>

struct audit_entry;
struct form_spec;
struct policy;

/*
 * An audit entry as a sentence ("王丽 (reception1) viewed
 * SH01-2026-00017"), malloc'd.  Field keys read as form's labels (form
 * may be NULL: then as keys); the operator, and an operator an
 * operator.* action was done to, as pol names them (policy_who; NULL:
 * as ids).  Actions it does not know read "operator action target",
 * the action in words if it has a name.
 */
char		*audit_sentence(const struct audit_entry *,
		    const struct form_spec *, const struct policy *);
/* Whether the entry's target is an operator's id (operator.add ...). */
int		 audit_target_operator(const struct audit_entry *);
/* An action's name in words ("student.view": "record opened"), or the
 * action itself when it has none. */
const char	*audit_action_words(const char *action);
/*
 * The actions that have names, in the table's order: the i-th action
 * for i below the count, NULL after.  For a list to choose from.
 */
const char	*audit_action_nth(size_t i);
/* What a refusal was about ("student.view": "opening a record"), or
 * what itself when it has no words. */
const char	*audit_what_words(const char *what);
/*
 * The field keys of an entry ("name,guardian_phone") as the form's
 * labels, joined; a key the form lacks stays as it is.  Caller frees.
 */
char		*audit_fields_words(const char *fields,
		    const struct form_spec *);
/*
 * An entry's detail ("request=7 method=phone") as words, malloc'd: one
 * "label: value" line per pair, joined by newlines.  Known keys read
 * as their names, known values (statuses, kinds, reports, methods,
 * results, permissions, refusals, and the form's consent methods when
 * form is not NULL) as theirs; an unknown key or value
 * stays as it is, so nothing of the entry is hidden.
 */
char		*audit_detail_words(const struct audit_entry *,
		    const struct form_spec *);

/*
 * A key, a hash or a signature in hex as an entry shows it: its first
 * digits and "…" when longer, else as it is.  Caller frees.
 */
char		*audit_hex_words(const char *hex);

#endif
