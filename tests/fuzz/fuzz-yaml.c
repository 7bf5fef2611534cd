/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-yaml.c — ydoc_parse, the YAML layer under every loader.  Whatever
 * the bytes: no crash, no leak, a message on failure; on success a tree
 * whose positions are real, whose mappings have scalar, distinct keys
 * that ynode_get finds, no deeper than the limit, and on which every
 * typed reader answers without crashing.
 */
#include "fuzz/fuzz.h"
#include "xueji/yamldoc.h"

static void
fuzz_yaml_walk(const struct ydoc *d, const struct ynode *n, int depth)
{
	char	*cause = NULL, *s = NULL;
	long	 l;
	size_t	 i, j;
	int	 b, rc;

	FUZZ_ASSERT(depth <= 64);
	FUZZ_ASSERT(n->line >= 1 && n->column >= 1);
	switch (n->kind) {
	case YNODE_SCALAR:
		FUZZ_ASSERT(n->value != NULL && n->nitems == 0);
		FUZZ_ASSERT(utf8_valid(n->value, strlen(n->value)));
		break;
	case YNODE_SEQUENCE:
		FUZZ_ASSERT(n->value == NULL);
		break;
	case YNODE_MAPPING:
		FUZZ_ASSERT(n->value == NULL && n->nitems % 2 == 0);
		for (i = 0; i < n->nitems; i += 2) {
			FUZZ_ASSERT(n->items[i]->kind == YNODE_SCALAR);
			for (j = 0; j < i; j += 2)
				FUZZ_ASSERT(strcmp(n->items[i]->value,
				    n->items[j]->value) != 0);
			FUZZ_ASSERT(ynode_get(n, n->items[i]->value) ==
			    n->items[i + 1]);
		}
		break;
	default:
		FUZZ_ASSERT(!"unknown node kind");
	}

	rc = ynode_string(d, n, "key", &s, &cause);
	FUZZ_ASSERT((rc == XJ_OK) == (n->kind == YNODE_SCALAR));
	fuzz_check_cause(rc, cause);
	free(s);
	cause = NULL;
	rc = ynode_long(d, n, "key", -5, 1000000, &l, &cause);
	fuzz_check_cause(rc, cause);
	cause = NULL;
	rc = ynode_bool(d, n, "key", &b, &cause);
	fuzz_check_cause(rc, cause);
	FUZZ_ASSERT(ynode_get(n, "") == NULL || n->kind == YNODE_MAPPING);

	for (i = 0; i < n->nitems; i++)
		fuzz_yaml_walk(d, n->items[i], depth + 1);
}

int
fuzz_yaml(const uint8_t *data, size_t size)
{
	struct ydoc	*d = NULL;
	char		*cause = NULL;
	int		 rc;

	fuzz_setup();
	rc = ydoc_parse("fuzz.yaml", (const char *)data, size, &d, &cause);
	fuzz_check_cause(rc, cause);
	if (rc != XJ_OK) {
		FUZZ_ASSERT(d == NULL);
		return 0;
	}
	FUZZ_ASSERT(d != NULL && strcmp(d->path, "fuzz.yaml") == 0);
	if (d->root != NULL)
		fuzz_yaml_walk(d, d->root, 0);
	ydoc_free(d);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_yaml(data, size);
}
#endif
