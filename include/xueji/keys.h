/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * keys.h — the branch secret and the operators' key slots.
 *
 * The branch secret is 64 random bytes: the SQLCipher raw key (32) and the
 * seed of the branch's Ed25519 signing key (32).  It is never derived from
 * a passphrase.  Each operator has a slot: an X25519 key pair whose secret
 * half is encrypted under a key derived from their passphrase (Argon2id,
 * parameters stored in the slot), and the branch secret sealed to the
 * public half (crypto_box_seal).  So:
 *   - unlocking needs only the operator's own passphrase;
 *   - adding an operator needs someone who holds the secret (a supervisor);
 *   - removing one, and sealing a new secret to everyone left (rotation),
 *     needs nobody's passphrase but the one doing it.
 * The slots live in one text file beside the database, mode 0600, sealed
 * as a whole with a MAC under the branch secret, so that nobody without
 * it can add a slot (and so receive the next secret a rotation seals).
 */
#ifndef XUEJI_KEYS_H
#define XUEJI_KEYS_H

#include <stddef.h>

#define DB_KEY_BYTES		32
#define SIGN_SEED_BYTES		32

/* Lives only in secure_alloc'd memory. */
struct branch_secret {
	unsigned char	db_key[DB_KEY_BYTES];
	unsigned char	sign_seed[SIGN_SEED_BYTES];
};

enum kdf_profile {
	KDF_INTERACTIVE,	/* crypto_pwhash_*_INTERACTIVE */
	KDF_MODERATE,		/* the default */
	KDF_SENSITIVE,
};
/* Parse "interactive" | "moderate" | "sensitive"; -1 if none. */
int	 kdf_profile_parse(const char *);

struct keyring;

/*
 * Whether s may name a branch or an operator in the slot file: 1 to 64
 * bytes of UTF-8 with no spaces or control characters.
 */
int	 keyring_id_valid(const char *s);
/* A new, empty keyring for branch; NULL if branch is not a valid name. */
struct keyring *keyring_new(const char *branch);
/*
 * Load a slot file.  A missing file is XJ_ENOINPUT; a malformed or
 * truncated one XJ_EDATA with a message naming the line, never a crash.
 * On success the caller owns *out (keyring_free); on failure it is NULL.
 * Loading checks only the form: the file's MAC needs the branch secret,
 * so keyring_verify it as soon as a slot is unlocked, before trusting
 * anything else in it.
 */
int	 keyring_load(const char *path, struct keyring **out, char **cause);
/*
 * Parse len bytes of buf as a slot file; name is used in messages.  The
 * same checks as keyring_load; buf need not be NUL-terminated.  For the
 * fuzz target and tests.
 */
int	 keyring_parse(const char *name, const char *buf, size_t len,
	     struct keyring **out, char **cause);
/*
 * Save atomically with mode 0600 (xj_write_file_atomic), with a MAC
 * under a key derived from mac_key, which must be the secret the slots
 * hold as current: during a rotation (after rotate_begin) still the old
 * one, after rotate_commit the new one.  A file saved under any other
 * secret will fail keyring_verify at the next login.  mac_key is only
 * read.  On failure the old file is untouched.  The file holds no secret
 * in clear.
 */
int	 keyring_save(const struct keyring *,
	     const struct branch_secret *mac_key, const char *path,
	     char **cause);
/*
 * Whether the keyring is exactly what keyring_save wrote under secret:
 * XJ_OK, or XJ_EDATA naming the file it was loaded from when the MAC
 * read from that file does not match (a slot added, removed or changed
 * by someone without the secret, or the wrong secret given).  Compares
 * the keyring as it is now, so verify before changing it; a keyring from
 * keyring_new has no MAC and always fails.  Nothing is changed.
 */
int	 keyring_verify(const struct keyring *, const struct branch_secret *,
	     char **cause);
void	 keyring_free(struct keyring *);

const char *keyring_branch(const struct keyring *);
int	 keyring_has(const struct keyring *, const char *id);
/*
 * The ids that have slots, in file order; *n set.  The NULL-terminated
 * array and its strings belong to the keyring and last until it changes.
 */
const char **keyring_ids(const struct keyring *, size_t *n);

/*
 * A fresh random branch secret in secure memory.  Free it, and every
 * secret keyring_unlock returns, with branch_secret_free and never with
 * secure_free: the module keeps a list of live secrets so that fatal()
 * wipes them.
 */
struct branch_secret *branch_secret_new(void);
/* Wipe and free a branch secret; NULL is fine. */
void	 branch_secret_free(struct branch_secret *);

/*
 * Open id's slot with pass.  On success *out is the branch secret (secure
 * memory, caller frees) and, when a key rotation was interrupted, *next
 * the secret being rotated to (else NULL).  A wrong passphrase is
 * XJ_EPERM, a missing slot XJ_ENOINPUT, a slot altered in the file
 * XJ_EDATA.  next may be NULL when the caller does not want it.  On
 * failure *out (and *next) are NULL.  Passphrases are bytes; no
 * normalisation.
 */
int	 keyring_unlock(const struct keyring *, const char *id,
	     const char *pass, size_t passlen, struct branch_secret **out,
	     struct branch_secret **next, char **cause);
/*
 * Add (or replace) id's slot: a new key pair, its secret half under pass
 * with profile's Argon2id parameters, and secret sealed to it.  pass and
 * secret are only read; the caller applies passphrase_check_new.  Refused
 * with XJ_EBUSY while a rotation is pending (the new slot would lack the
 * next secret).  On failure the keyring is unchanged.
 */
int	 keyring_add(struct keyring *, const char *id, const char *pass,
	     size_t passlen, enum kdf_profile, const struct branch_secret *,
	     char **cause);
/*
 * Re-encrypt id's secret key under a new passphrase, salt and profile;
 * needs the old one.  The key pair and sealed secrets stay as they are.
 * A wrong old passphrase is XJ_EPERM, and on any failure nothing changes.
 */
int	 keyring_passwd(struct keyring *, const char *id, const char *oldpass,
	     size_t oldlen, const char *newpass, size_t newlen,
	     enum kdf_profile, char **cause);
/* Remove id's slot.  XJ_ENOINPUT if there is none. */
int	 keyring_remove(struct keyring *, const char *id, char **cause);
/*
 * Rotation, in two steps so a crash between them loses nothing:
 * rotate_begin seals next to every slot beside the current secret (save
 * the file, then rekey the database); rotate_commit makes next the only
 * secret (save again).  Neither needs any passphrase.  next is only read.
 * rotate_begin is XJ_EBUSY while a rotation is pending (finish it: unlock
 * returns its next); on failure the keyring is unchanged.
 */
int	 keyring_rotate_begin(struct keyring *, const struct branch_secret *next,
	     char **cause);
void	 keyring_rotate_commit(struct keyring *);
/*
 * Drop a pending rotation's next secret, for when the database never
 * moved to it (a crash after the first save, before the rekey); save
 * afterwards.  Nothing happens if no rotation is pending.
 */
void	 keyring_rotate_abort(struct keyring *);
/* Whether a rotation has begun and not been committed. */
int	 keyring_rotating(const struct keyring *);

/*
 * Read a passphrase.  fd >= 0: one line from fd (as gpg's --passphrase-fd;
 * the newline is dropped).  fd < 0: from /dev/tty with echo off, after
 * printing prompt (NULL: "Passphrase: ") to the terminal; with confirm
 * set, asks twice and insists they match (XJ_EDATA); echo comes back on
 * every path, and a signal that arrives meanwhile is delivered after.
 * At most 1024 bytes; a trailing "\r" goes with the newline; an empty
 * passphrase is XJ_EDATA.  *out is NUL-terminated secure memory the
 * caller frees with secure_free; on failure it is NULL.  XJ_EUSAGE when
 * there is no terminal and no fd.  Nothing past the newline is read, so
 * one fd may carry several passphrases, one a line.
 */
int	 passphrase_read(int fd, const char *prompt, int confirm, char **out,
	     size_t *lenp, char **cause);
/* A new passphrase must have at least this many characters. */
#define PASSPHRASE_MIN_CHARS	8
/* Whether a new passphrase is acceptable; fills *cause when not. */
int	 passphrase_check_new(const char *pass, size_t len, char **cause);
/*
 * How strong a new passphrase looks, shown while it is typed: refused
 * (passphrase_check_new says no), else weak, fair or strong by its
 * characters times log2 of the alphabet of the kinds it uses (lower,
 * upper, digits, other ASCII, beyond ASCII): under 45 bits weak, under
 * 70 fair.  A guide for the person typing, not a rule.
 */
enum pass_strength { PASS_REFUSED, PASS_WEAK, PASS_FAIR, PASS_STRONG };
int	 passphrase_strength(const char *pass, size_t len);

#endif
