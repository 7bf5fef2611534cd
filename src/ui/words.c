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
#include "xueji/session.h"
#include "xueji/student.h"
#include "ui.h"

char *
ui_named(const char *name, const char *number)
{
	char	*s;

	if (name != NULL && *name != '\0')
		xasprintf(&s, _("%s (%s)"), name, number);
	else
		s = xstrdup(number);
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
	return ui_named(student_value(st, "name"), st->number);
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
