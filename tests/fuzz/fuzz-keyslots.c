/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-keyslots.c — keyring_parse on a key-slot file.  Whatever the
 * bytes: no crash, no read outside them, a message naming a line on
 * failure.  A parsed keyring has valid, distinct ids; its MAC does not
 * verify under a secret nobody holds; saved under a secret it loads
 * again with the same slots and verifies; removing a slot and starting,
 * aborting or committing a rotation keep it saveable.  Unlocking, which
 * costs an Argon2id run, is tried only when the file asks for little
 * memory and time, and must then fail cleanly (nobody knows the
 * passphrase).
 */
#include "fuzz/fuzz.h"
#include "xueji/keys.h"
#include "../src/keys/keyring.h"	/* a slot's KDF cost, to bound it */

/* Save kr under secret, load it back and compare. */
static void
fuzz_keyslots_roundtrip(const struct keyring *kr,
    const struct branch_secret *secret)
{
	struct keyring	*back = NULL;
	const char	**ids, **ids2;
	char		*path, *cause = NULL;
	size_t		 n, n2, i;
	int		 rc;

	xasprintf(&path, "%s/out", fuzz_tmpdir());
	rc = keyring_save(kr, secret, path, &cause);
	fuzz_check_cause(rc, cause);
	FUZZ_ASSERT(rc == XJ_OK);
	cause = NULL;
	rc = keyring_load(path, &back, &cause);
	if (rc != XJ_OK)
		fprintf(stderr, "saved key-slot file refused: %s\n", cause);
	FUZZ_ASSERT(rc == XJ_OK);
	rc = keyring_verify(back, secret, &cause);
	fuzz_check_cause(rc, cause);
	FUZZ_ASSERT(rc == XJ_OK);
	FUZZ_ASSERT(strcmp(keyring_branch(back), keyring_branch(kr)) == 0);
	FUZZ_ASSERT(keyring_rotating(back) == keyring_rotating(kr));
	ids = keyring_ids(kr, &n);
	ids2 = keyring_ids(back, &n2);
	FUZZ_ASSERT(n == n2);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(strcmp(ids[i], ids2[i]) == 0);
	keyring_free(back);
	unlink(path);
	free(path);
}

int
fuzz_keyslots(const uint8_t *data, size_t size)
{
	struct branch_secret	 secret, other, *out = NULL, *next = NULL;
	struct keyring		*kr = NULL;
	const char		**ids, *first;
	char			*cause = NULL, *id;
	size_t			 n, i, j;
	int			 rc;

	fuzz_setup();
	rc = keyring_parse("fuzz.keys", (const char *)data, size, &kr,
	    &cause);
	if (rc != XJ_OK) {
		FUZZ_ASSERT(kr == NULL && rc == XJ_EDATA);
		FUZZ_ASSERT(cause != NULL &&
		    strncmp(cause, "fuzz.keys:", 10) == 0);
	}
	fuzz_check_cause(rc, cause);
	cause = NULL;
	if (rc != XJ_OK)
		return 0;

	FUZZ_ASSERT(keyring_id_valid(keyring_branch(kr)));
	ids = keyring_ids(kr, &n);
	FUZZ_ASSERT(ids[n] == NULL);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(keyring_id_valid(ids[i]) && keyring_has(kr, ids[i]));
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(ids[i], ids[j]) != 0);
	}

	/* Nobody has this secret: the file's MAC cannot match it. */
	memset(&secret, 0x5a, sizeof secret);
	memset(&other, 0xa5, sizeof other);
	rc = keyring_verify(kr, &secret, &cause);
	fuzz_check_cause(rc, cause);
	cause = NULL;
	FUZZ_ASSERT(rc == XJ_EDATA);

	/*
	 * An unlock with a wrong passphrase, when it is cheap: the file's own
	 * parameters decide the cost.  A slot file is data; the unlock must
	 * say so and not crash.
	 */
	if (n > 0 && kr->slots[0].opslimit <= 3 &&
	    kr->slots[0].memlimit <= 256 * 1024) {
		rc = keyring_unlock(kr, ids[0], "fuzz", 4, &out, &next,
		    &cause);
		FUZZ_ASSERT(rc != XJ_OK && out == NULL && next == NULL);
		fuzz_check_cause(rc, cause);
		cause = NULL;
	}

	fuzz_keyslots_roundtrip(kr, &secret);
	if (keyring_rotating(kr)) {
		keyring_rotate_abort(kr);
		FUZZ_ASSERT(!keyring_rotating(kr));
	} else if (n > 0) {
		rc = keyring_rotate_begin(kr, &other, &cause);
		fuzz_check_cause(rc, cause);
		cause = NULL;
		if (rc == XJ_OK) {
			FUZZ_ASSERT(keyring_rotating(kr));
			fuzz_keyslots_roundtrip(kr, &secret);
			keyring_rotate_commit(kr);
		}
	}
	if (n > 0) {
		ids = keyring_ids(kr, &n);
		first = ids[0];
		id = xstrdup(first);
		rc = keyring_remove(kr, id, &cause);
		fuzz_check_cause(rc, cause);
		cause = NULL;
		FUZZ_ASSERT(rc == XJ_OK && !keyring_has(kr, id));
		FUZZ_ASSERT(keyring_remove(kr, id, &cause) == XJ_ENOINPUT);
		free(cause);
		free(id);
	}
	fuzz_keyslots_roundtrip(kr, &other);
	keyring_free(kr);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_keyslots(data, size);
}
#endif
