/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * audit.h — the append-only, hash-chained operation log.
 *
 *	h_0 = BLAKE2b-256("xueji-audit-v1" ‖ branch code)
 *	h_i = BLAKE2b-256(h_{i-1} ‖ canonical(entry_i))
 *
 * canonical() is each of seq, at, operator, action, target, fields and
 * detail as a 4-byte big-endian length and the bytes (numbers in decimal),
 * so no two different entries share an encoding.  Entries never hold
 * personal values: they name operators, actions, student numbers, field
 * keys and request ids.  That is what lets a destruction erase a person
 * while the chain still verifies.
 *
 * What the log does on a database handle (append, verify, read) is the
 * store's business and declared in src/audit/audit-db.h; the rest of the
 * program reads entries through the store (store_audit_each).
 */
#ifndef XUEJI_AUDIT_H
#define XUEJI_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AUDIT_HASH_BYTES	32

struct audit_entry {
	int64_t		 seq;
	time_t		 at;
	const char	*operator;	/* "reception1", or "-" for the system */
	const char	*action;	/* "student.enroll" */
	const char	*target;	/* student number, request id, or "" */
	const char	*fields;	/* comma-separated field keys, or "" */
	const char	*detail;	/* key=value pairs, never personal data */
	unsigned char	 hash[AUDIT_HASH_BYTES];
};

/* h_0 for branch. */
void	 audit_genesis(const char *branch, unsigned char out[AUDIT_HASH_BYTES]);
/* h_i from h_{i-1} and the entry (e->hash is ignored). */
void	 audit_hash(const unsigned char prev[AUDIT_HASH_BYTES],
	     const struct audit_entry *e, unsigned char out[AUDIT_HASH_BYTES]);

/* Filters for store_audit_each; zero/NULL members match everything. */
struct audit_filter {
	const char	*operator;
	const char	*action;	/* exact, or a prefix ending in '.' */
	const char	*target;
	time_t		 since, until;	/* [since, until) */
	int64_t		 request;	/* entries naming request=N, or 0 */
	int64_t		 before_seq;	/* keyset paging: seq < before_seq */
	size_t		 limit;
};

#endif
