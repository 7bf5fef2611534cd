/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * session-int.h — what session.c and datadir.c share; not a public header.
 */
#ifndef XUEJI_SESSION_INT_H
#define XUEJI_SESSION_INT_H

/*
 * Refuse a data directory, or a file in it, that others could read,
 * write or swap for a link, and set the umask from it; sweep what killed
 * sessions and drills left (datadir.c).  XJ_OK, or XJ_ENOINPUT,
 * XJ_ECONFIG with *cause saying why.
 */
int	 session_check_data_dir(const char *dir, char **cause);

#endif
