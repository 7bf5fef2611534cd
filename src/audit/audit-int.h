/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * audit-int.h — what audit.c, verify.c and each.c share, and nothing
 * outside src/audit uses.
 */
#ifndef XUEJI_AUDIT_INT_H
#define XUEJI_AUDIT_INT_H

#include <stddef.h>

#include <sqlite3.h>

#include "audit-db.h"

/* The seven parts of an entry's encoding (audit.h), each with its length. */
struct canon {
	const char	*part[7];
	size_t		 len[7];
	char		 seq[24], at[24];
};

/* Fill c from e; the bytes audit_canon_put will write (not prev). */
size_t	 audit_canon_parts(struct canon *, const struct audit_entry *);
/* Write the parts of c, each with its length, at p. */
void	 audit_canon_put(const struct canon *, unsigned char *p);

/* Whether the last error on db means a page that cannot be read. */
int	 audit_damaged(sqlite3 *, int stepping);
/* A failure as a message for people (XJ_EDATA for damage, else XJ_EIO). */
int	 audit_db_fail(sqlite3 *, int writing, int stepping, char **cause);

/* An entry from a row of (seq, at, operator, action, target, fields,
 * detail, hash); the strings point into the statement's row. */
void	 audit_entry_from_row(sqlite3_stmt *, struct audit_entry *);

#endif
