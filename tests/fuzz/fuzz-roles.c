/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-roles.c — policy_load on roles.yaml, through a real file (mode
 * 0600).  A loaded policy has valid, distinct ids, operators whose role
 * is one of the file's roles, names without control characters, and
 * answers every permission question for every operator.
 */
#include "fuzz/fuzz.h"
#include "xueji/policy.h"

int
fuzz_roles(const uint8_t *data, size_t size)
{
	const struct operator	*op;
	struct policy		*pol = NULL;
	const char		*name;
	char			*cause = NULL;
	size_t			 i, j;
	int			 p, rc;

	fuzz_setup();
	rc = policy_load(fuzz_write_file(data, size), &pol, &cause);
	fuzz_check_cause(rc, cause);
	if (rc != XJ_OK) {
		FUZZ_ASSERT(pol == NULL);
		return 0;
	}
	for (i = 0; i < pol->nroles; i++) {
		FUZZ_ASSERT(policy_valid_id(pol->roles[i].name));
		FUZZ_ASSERT((pol->roles[i].perms >> PERM__COUNT) == 0);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(pol->roles[i].name,
			    pol->roles[j].name) != 0);
	}
	for (i = 0; i < pol->noperators; i++) {
		op = &pol->operators[i];
		FUZZ_ASSERT(policy_valid_id(op->id));
		FUZZ_ASSERT(policy_operator(pol, op->id) == op);
		FUZZ_ASSERT(op->role >= pol->roles &&
		    op->role < pol->roles + pol->nroles);
		FUZZ_ASSERT(op->name[0] != '\0');
		for (name = op->name; *name != '\0'; name++)
			FUZZ_ASSERT((unsigned char)*name >= ' ' &&
			    *name != 0x7f);
		for (p = 0; p < PERM__COUNT; p++)
			FUZZ_ASSERT(policy_allows(op, (enum perm)p) ==
			    ((op->role->perms & PERM_BIT(p)) != 0));
	}
	for (p = 0; p < PERM__COUNT; p++)
		FUZZ_ASSERT(perm_lookup(perm_name((enum perm)p)) == p);
	policy_free(pol);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_roles(data, size);
}
#endif
