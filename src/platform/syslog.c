/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * syslog: logins, failed logins, idle locks, key rotations and operator
 * changes also go to the system's log, for the administrator, under the
 * LOG_AUTHPRIV facility (auth.log, readable by root only).  Messages name
 * operator ids and actions and nothing else: never a passphrase, a
 * student's or guardian's name, a phone number.  They are not translated:
 * they are for the administrator's logs and the tools that read them.
 * Without a syslog daemon (no /dev/log) syslog(3) drops them quietly.
 */
#include <stdarg.h>
#include <syslog.h>

#include "xueji/platform.h"

void
xj_syslog(int prio, const char *fmt, ...)
{
	static int	opened;
	va_list		ap;

	if (!opened) {
		openlog("xueji", LOG_PID, LOG_AUTHPRIV);
		opened = 1;
	}
	va_start(ap, fmt);
	vsyslog(LOG_AUTHPRIV | prio, fmt, ap);
	va_end(ap);
}
