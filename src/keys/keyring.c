/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The operators' key slots: creating, opening and changing them.  The
 * file format and its parser are in keyfile.c.
 *
 * A slot's X25519 secret key is kept under
 *
 *	k = BLAKE2b-256(key = Argon2id(passphrase, salt, opslimit, memlimit),
 *	    "xueji-slot-v1" || branch || NUL || id)
 *
 * so a slot line copied under another operator's name, or into another
 * branch's file, does not open with the passphrase it was made with.
 * Every derived key, every opened secret key and every branch secret
 * lives in secure memory and is wiped when freed.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/keys.h"
#include "keyring.h"

_Static_assert(sizeof (struct branch_secret) == SECRET_BYTES,
    "struct branch_secret must be exactly the two keys");

static const char	slot_context[] = "xueji-slot-v1";

/*
 * The branch secrets alive now, so that fatal() can wipe them before the
 * process ends.  Only pointers: the list itself holds nothing secret.
 */
struct live {
	struct branch_secret	*secret;
	struct live		*next;
};
static struct live	*live_secrets;
static int		 live_hooked;

static void
keys_atfatal(void)
{
	struct live	*l;

	for (l = live_secrets; l != NULL; l = l->next)
		sodium_memzero(l->secret, sizeof *l->secret);
}

static struct branch_secret *
secret_alloc(void)
{
	struct live	*l;

	keys_sodium_init();
	if (!live_hooked) {
		xj_atfatal(keys_atfatal);
		live_hooked = 1;
	}
	l = xmalloc(sizeof *l);
	l->secret = secure_alloc(sizeof *l->secret);
	l->next = live_secrets;
	live_secrets = l;
	return l->secret;
}

struct branch_secret *
branch_secret_new(void)
{
	struct branch_secret	*s = secret_alloc();

	randombytes_buf(s, sizeof *s);
	return s;
}

void
branch_secret_free(struct branch_secret *s)
{
	struct live	**lp, *l;

	if (s == NULL)
		return;
	for (lp = &live_secrets; *lp != NULL; lp = &(*lp)->next) {
		if ((*lp)->secret == s) {
			l = *lp;
			*lp = l->next;
			free(l);
			break;
		}
	}
	secure_free(s);
}

int
kdf_profile_parse(const char *s)
{
	if (strcmp(s, "interactive") == 0)
		return KDF_INTERACTIVE;
	if (strcmp(s, "moderate") == 0)
		return KDF_MODERATE;
	if (strcmp(s, "sensitive") == 0)
		return KDF_SENSITIVE;
	return -1;
}

static int
kdf_params(enum kdf_profile profile, unsigned long long *ops, size_t *mem)
{
	switch (profile) {
	case KDF_INTERACTIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
		return 0;
	case KDF_MODERATE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
		return 0;
	case KDF_SENSITIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
		return 0;
	}
	return -1;
}

/*
 * Derive the secretbox key for id's slot into key (secure memory, room
 * for crypto_secretbox_KEYBYTES).  On failure key holds nothing useful.
 */
static int
slot_key(const struct keyring *kr, const char *id, const char *pass,
    size_t passlen, const struct slot *s, unsigned char *key, char **cause)
{
	crypto_generichash_state	*st;
	unsigned char			*raw;
	int				 rv = XJ_OK;

	raw = secure_alloc(KDF_BYTES);
	st = secure_alloc(sizeof *st);
	if (pass == NULL)
		pass = "";
	if (crypto_pwhash(raw, KDF_BYTES, pass, passlen, s->salt, s->opslimit,
	    s->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rv = xj_fail(cause, XJ_EUNAVAIL, _("not enough memory to derive "
		    "the key from the passphrase"));
		goto out;
	}
	crypto_generichash_init(st, raw, KDF_BYTES, crypto_secretbox_KEYBYTES);
	crypto_generichash_update(st, (const unsigned char *)slot_context,
	    sizeof slot_context - 1);
	crypto_generichash_update(st, (const unsigned char *)kr->branch,
	    strlen(kr->branch) + 1);
	crypto_generichash_update(st, (const unsigned char *)id, strlen(id));
	crypto_generichash_final(st, key, crypto_secretbox_KEYBYTES);
out:
	secure_free(st);
	secure_free(raw);
	return rv;
}

/*
 * Put sk into s under pass with new salt, nonce and the given parameters.
 * On failure s is partly written; callers pass a copy.
 */
static int
slot_lock(const struct keyring *kr, const char *id, struct slot *s,
    const unsigned char *sk, const char *pass, size_t passlen,
    enum kdf_profile profile, char **cause)
{
	unsigned char	*key;
	int		 rv;

	if (kdf_params(profile, &s->opslimit, &s->memlimit) != 0)
		return xj_fail(cause, XJ_EUSAGE, _("unknown key derivation "
		    "profile"));
	randombytes_buf(s->salt, sizeof s->salt);
	randombytes_buf(s->nonce, sizeof s->nonce);
	key = secure_alloc(crypto_secretbox_KEYBYTES);
	if ((rv = slot_key(kr, id, pass, passlen, s, key, cause)) == XJ_OK)
		crypto_secretbox_easy(s->box, sk, crypto_box_SECRETKEYBYTES,
		    s->nonce, key);
	secure_free(key);
	return rv;
}

/*
 * Open s with pass: *skp is the X25519 secret key in secure memory, which
 * the caller frees.  On failure *skp is NULL.
 */
static int
slot_open(const struct keyring *kr, const struct slot *s, const char *pass,
    size_t passlen, unsigned char **skp, char **cause)
{
	unsigned char	*key, *sk, pk[crypto_box_PUBLICKEYBYTES];
	int		 rv;

	*skp = NULL;
	key = secure_alloc(crypto_secretbox_KEYBYTES);
	sk = secure_alloc(crypto_box_SECRETKEYBYTES);
	if ((rv = slot_key(kr, s->id, pass, passlen, s, key, cause)) != XJ_OK)
		goto fail;
	if (crypto_secretbox_open_easy(sk, s->box, sizeof s->box, s->nonce,
	    key) != 0) {
		rv = xj_fail(cause, XJ_EPERM, _("wrong passphrase for %s"),
		    s->id);
		goto fail;
	}
	/* A public key swapped in the file would receive the next secret. */
	if (crypto_scalarmult_base(pk, sk) != 0 ||
	    sodium_memcmp(pk, s->pk, sizeof pk) != 0) {
		rv = xj_fail(cause, XJ_EDATA, _("the key slot for %s has been "
		    "altered: its public key does not match"), s->id);
		goto fail;
	}
	secure_free(key);
	*skp = sk;
	return XJ_OK;

fail:
	secure_free(sk);
	secure_free(key);
	return rv;
}

int
keyring_unlock(const struct keyring *kr, const char *id, const char *pass,
    size_t passlen, struct branch_secret **out, struct branch_secret **next,
    char **cause)
{
	const struct slot	*s;
	struct branch_secret	*cur = NULL, *nxt = NULL;
	unsigned char		*sk = NULL;
	int			 rv;

	*out = NULL;
	if (next != NULL)
		*next = NULL;
	keys_sodium_init();
	if ((s = keyring_find(kr, id)) == NULL) {
		/*
		 * Take as long as a wrong passphrase would: how long the
		 * answer takes must not tell whether id has a slot.
		 */
		if (kr->nslots > 0) {
			sk = secure_alloc(crypto_secretbox_KEYBYTES);
			slot_key(kr, id, pass, passlen, &kr->slots[0], sk, NULL);
			secure_free(sk);
		}
		return xj_fail(cause, XJ_ENOINPUT, _("no key slot for %s"), id);
	}
	if ((rv = slot_open(kr, s, pass, passlen, &sk, cause)) != XJ_OK)
		goto fail;
	cur = secret_alloc();
	if (crypto_box_seal_open((unsigned char *)cur, s->sealed,
	    sizeof s->sealed, s->pk, sk) != 0)
		goto damaged;
	if (s->has_next && next != NULL) {
		nxt = secret_alloc();
		if (crypto_box_seal_open((unsigned char *)nxt, s->next,
		    sizeof s->next, s->pk, sk) != 0)
			goto damaged;
	}
	secure_free(sk);
	*out = cur;
	if (next != NULL)
		*next = nxt;
	return XJ_OK;

damaged:
	rv = xj_fail(cause, XJ_EDATA, _("the key slot for %s is damaged"), id);
fail:
	branch_secret_free(nxt);
	branch_secret_free(cur);
	secure_free(sk);
	return rv;
}

int
keyring_add(struct keyring *kr, const char *id, const char *pass,
    size_t passlen, enum kdf_profile profile,
    const struct branch_secret *secret, char **cause)
{
	struct slot	 new, *old;
	unsigned char	*sk;
	int		 rv;

	keys_sodium_init();
	if (!keyring_id_valid(id))
		return xj_fail(cause, XJ_EUSAGE, _("an operator name must be 1 "
		    "to 64 characters without spaces"));
	if (kr->rotating)
		return xj_fail(cause, XJ_EBUSY, _("a key rotation is in "
		    "progress; finish it before adding key slots"));
	old = keyring_find(kr, id);
	if (old == NULL && kr->nslots >= SLOT_MAX)
		return xj_fail(cause, XJ_EDATA, _("too many key slots (at most "
		    "%d)"), SLOT_MAX);

	memset(&new, 0, sizeof new);
	sk = secure_alloc(crypto_box_SECRETKEYBYTES);
	crypto_box_keypair(new.pk, sk);
	if ((rv = slot_lock(kr, id, &new, sk, pass, passlen, profile,
	    cause)) != XJ_OK)
		goto out;
	if (crypto_box_seal(new.sealed, (const unsigned char *)secret,
	    sizeof *secret, new.pk) != 0) {
		rv = xj_fail(cause, XJ_ESOFTWARE, _("cannot seal the branch "
		    "secret"));
		goto out;
	}
	new.id = xstrdup(id);
	if (old != NULL) {
		free(old->id);
		*old = new;
	} else
		keyring_append(kr, &new);
	keyring_ids_update(kr);
out:
	secure_free(sk);
	return rv;
}

int
keyring_passwd(struct keyring *kr, const char *id, const char *oldpass,
    size_t oldlen, const char *newpass, size_t newlen,
    enum kdf_profile profile, char **cause)
{
	struct slot	*s, copy;
	unsigned char	*sk;
	int		 rv;

	keys_sodium_init();
	if ((s = keyring_find(kr, id)) == NULL)
		return xj_fail(cause, XJ_ENOINPUT, _("no key slot for %s"), id);
	if ((rv = slot_open(kr, s, oldpass, oldlen, &sk, cause)) != XJ_OK)
		return rv;
	copy = *s;
	if ((rv = slot_lock(kr, id, &copy, sk, newpass, newlen, profile,
	    cause)) == XJ_OK)
		*s = copy;
	secure_free(sk);
	return rv;
}

int
keyring_remove(struct keyring *kr, const char *id, char **cause)
{
	struct slot	*s;
	size_t		 i;

	if ((s = keyring_find(kr, id)) == NULL)
		return xj_fail(cause, XJ_ENOINPUT, _("no key slot for %s"), id);
	i = (size_t)(s - kr->slots);
	free(s->id);
	memmove(s, s + 1, (kr->nslots - i - 1) * sizeof *s);
	kr->nslots--;
	if (kr->nslots == 0)
		kr->rotating = 0;
	keyring_ids_update(kr);
	return XJ_OK;
}

int
keyring_rotate_begin(struct keyring *kr, const struct branch_secret *next,
    char **cause)
{
	unsigned char	(*sealed)[SEALED_BYTES];
	size_t		  i;
	int		  rv = XJ_OK;

	keys_sodium_init();
	if (kr->rotating)
		return xj_fail(cause, XJ_EBUSY, _("a key rotation is already in "
		    "progress"));
	if (kr->nslots == 0)
		return XJ_OK;
	/* Seal to everyone first so that a failure changes nothing. */
	sealed = xreallocarray(NULL, kr->nslots, sizeof *sealed);
	for (i = 0; i < kr->nslots; i++) {
		if (crypto_box_seal(sealed[i], (const unsigned char *)next,
		    sizeof *next, kr->slots[i].pk) != 0) {
			rv = xj_fail(cause, XJ_ESOFTWARE, _("cannot seal the "
			    "branch secret"));
			goto out;
		}
	}
	for (i = 0; i < kr->nslots; i++) {
		memcpy(kr->slots[i].next, sealed[i], SEALED_BYTES);
		kr->slots[i].has_next = 1;
	}
	kr->rotating = 1;
out:
	free(sealed);
	return rv;
}

void
keyring_rotate_commit(struct keyring *kr)
{
	struct slot	*s;
	size_t		 i;

	for (i = 0; i < kr->nslots; i++) {
		s = &kr->slots[i];
		if (!s->has_next)
			continue;
		memcpy(s->sealed, s->next, SEALED_BYTES);
		memset(s->next, 0, SEALED_BYTES);
		s->has_next = 0;
	}
	kr->rotating = 0;
}

void
keyring_rotate_abort(struct keyring *kr)
{
	size_t	i;

	for (i = 0; i < kr->nslots; i++) {
		memset(kr->slots[i].next, 0, SEALED_BYTES);
		kr->slots[i].has_next = 0;
	}
	kr->rotating = 0;
}

int
keyring_rotating(const struct keyring *kr)
{
	return kr->rotating;
}
