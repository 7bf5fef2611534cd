/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Words the screens share: an operator and a student, as people read
 * them.  A day is xj_dayfmt (platform).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "ui.h"

char *
ui_who(const struct ui *ui, const char *id)
{
	const struct operator	*op;
	char			*s;

	if (id == NULL)
		return xstrdup("");
	if ((op = policy_operator(ui->s->pol, id)) != NULL)
		/* TRANSLATORS: a name and what it is known by, such as
		 * an operator's id or a student's number. */
		xasprintf(&s, _("%s (%s)"), op->name, id);
	else
		s = xstrdup(id);
	return s;
}

const char *
ui_who_name(const struct ui *ui, const char *id)
{
	const struct operator	*op;

	if (id == NULL)
		return "?";
	op = policy_operator(ui->s->pol, id);
	return op != NULL ? op->name : id;
}

/* "王小明 (SH01-2026-00001)", or the number alone when no name is seen. */
char *
ui_naming(const struct student *st)
{
	const char	*name = student_value(st, "name");
	char		*s;

	if (name != NULL && *name != '\0')
		xasprintf(&s, _("%s (%s)"), name, st->number);
	else
		s = xstrdup(st->number);
	return s;
}

void
ui_age(time_t then, time_t now, char *buf, size_t len)
{
	long	days = now > then ? (long)((now - then) / (24 * 60 * 60)) : 0;

	if (days == 0)
		snprintf(buf, len, "%s", _("today"));
	else
		snprintf(buf, len, days == 1 ? _("%ld day ago") :
		    _("%ld days ago"), days);
}
