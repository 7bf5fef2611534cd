/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * yamldoc.h — one YAML file as a tree of nodes that remember where they
 * came from, so that every loader (xueji.yaml, roles.yaml, form specs)
 * reports "file:line:column: message" the same way.  Built on libyaml's
 * document API; anchors and aliases are refused (nobody writes them in a
 * config file by accident, and they make line numbers lie).
 */
#ifndef XUEJI_YAMLDOC_H
#define XUEJI_YAMLDOC_H

#include <stddef.h>

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQUENCE,
	YNODE_MAPPING,
};

struct ynode {
	enum ynode_kind	 kind;
	int		 line;		/* 1-based */
	int		 column;	/* 1-based */
	int		 quoted;	/* scalar was written in quotes */
	char		*value;		/* scalar text */
	struct ynode	**items;	/* sequence items; mapping: k0,v0,k1,v1… */
	size_t		 nitems;	/* sequence length; mapping: 2 × pairs */
};

struct ydoc {
	char		*path;
	struct ynode	*root;		/* NULL for an empty file */
};

/*
 * Parse the file at path (at most 1 MiB of well-formed UTF-8).  XJ_ENOINPUT
 * when missing, XJ_ECONFIG with "file:line:column: message" on a syntax
 * error, an alias, or a duplicate key in a mapping.  On failure *out is
 * untouched.
 */
int	 ydoc_load(const char *path, struct ydoc **out, char **cause);
/* The same, and the BLAKE2b-256 of the file's bytes into hash. */
int	 ydoc_load_hash(const char *path, unsigned char hash[32],
	     struct ydoc **out, char **cause);
/* The same, from a buffer; name is used in messages. */
int	 ydoc_parse(const char *name, const char *buf, size_t len,
	     struct ydoc **out, char **cause);
void	 ydoc_free(struct ydoc *);

/* The value for key in mapping m, or NULL. */
struct ynode *ynode_get(const struct ynode *m, const char *key);

/*
 * Fill *cause with "path:line:column: message" for node n (or the file
 * when n is NULL) and return XJ_ECONFIG.
 */
int	 ydoc_error(const struct ydoc *, const struct ynode *n, char **cause,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Typed readers: each checks the node's kind and fails with a positioned
 * message (XJ_ECONFIG) naming key when it is wrong.
 */
int	 ynode_string(const struct ydoc *, const struct ynode *n,
	     const char *key, char **out, char **cause);
int	 ynode_long(const struct ydoc *, const struct ynode *n,
	     const char *key, long min, long max, long *out, char **cause);
int	 ynode_bool(const struct ydoc *, const struct ynode *n,
	     const char *key, int *out, char **cause);

#endif
