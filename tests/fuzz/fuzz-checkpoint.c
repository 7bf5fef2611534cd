/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-checkpoint.c — checkpoint_parse.  Each input is parsed twice: as
 * it is, and as the signed part of a checkpoint, with a "sig" line
 * added that a fixed key made over it, so that inputs naming that key
 * reach past the signature check to the end of the parser.  Whatever the
 * bytes: no crash, a message on failure; an accepted checkpoint has a
 * positive sequence number, a NUL-terminated branch and a signature that
 * really verifies with its own key.
 */
#include "fuzz/fuzz.h"
#include "xueji/checkpoint.h"

/* The seed of the fixed key; its public key is in the seed corpus. */
static const unsigned char fuzz_checkpoint_seed[32] = { 'x', 'u', 'e', 'j',
	'i', '-', 'f', 'u', 'z', 'z' };

static void
fuzz_checkpoint_parse(const char *buf, size_t len)
{
	struct checkpoint	 c;
	char			*cause = NULL;
	int			 rc;

	rc = checkpoint_parse(buf, len, &c, &cause);
	if (rc != XJ_OK)
		FUZZ_ASSERT(rc == XJ_EDATA);
	fuzz_check_cause(rc, cause);
	if (rc != XJ_OK)
		return;
	FUZZ_ASSERT(c.seq > 0);
	FUZZ_ASSERT(memchr(c.branch, '\0', sizeof c.branch) != NULL);
	FUZZ_ASSERT(c.branch[0] != '\0');
}

int
fuzz_checkpoint(const uint8_t *data, size_t size)
{
	static unsigned char	 pk[32], sk[64];
	static int		 keyed;
	unsigned char		 sig[64];
	char			*buf, hex[129];

	fuzz_setup();
	if (!keyed) {
		crypto_sign_seed_keypair(pk, sk, fuzz_checkpoint_seed);
		keyed = 1;
	}
	fuzz_checkpoint_parse((const char *)data, size);

	if (size > 4096)
		return 0;
	crypto_sign_detached(sig, NULL, data, size, sk);
	xj_hex(sig, sizeof sig, hex);
	buf = xmalloc(size + 4 + 128 + 1);
	if (size > 0)
		memcpy(buf, data, size);
	memcpy(buf + size, "sig ", 4);
	memcpy(buf + size + 4, hex, 128);
	buf[size + 4 + 128] = '\n';
	fuzz_checkpoint_parse(buf, size + 4 + 128 + 1);
	free(buf);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_checkpoint(data, size);
}
#endif
