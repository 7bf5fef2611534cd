/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * keyring.h — what keyring.c and keyfile.c share; not a public header.
 */
#ifndef XUEJI_KEYS_KEYRING_H
#define XUEJI_KEYS_KEYRING_H

#include <sodium.h>

#define SLOT_MAX	256
#define SECRET_BYTES	(DB_KEY_BYTES + SIGN_SEED_BYTES)
#define KDF_BYTES	32
#define BOX_BYTES	(crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES)
#define SEALED_BYTES	(crypto_box_SEALBYTES + SECRET_BYTES)
#define MAC_BYTES	32

/* Bounds on the parameters a slot file may ask for. */
#define SLOT_OPSLIMIT_MIN	crypto_pwhash_argon2id_OPSLIMIT_MIN
#define SLOT_OPSLIMIT_MAX	64ULL
#define SLOT_MEMLIMIT_MIN	crypto_pwhash_argon2id_MEMLIMIT_MIN
#define SLOT_MEMLIMIT_MAX	(4ULL << 30)

/* Nothing in a slot is secret: it is all public or encrypted. */
struct slot {
	char			*id;
	unsigned long long	 opslimit;
	size_t			 memlimit;
	unsigned char		 salt[crypto_pwhash_SALTBYTES];
	unsigned char		 pk[crypto_box_PUBLICKEYBYTES];
	unsigned char		 nonce[crypto_secretbox_NONCEBYTES];
	unsigned char		 box[BOX_BYTES];
	unsigned char		 sealed[SEALED_BYTES];
	unsigned char		 next[SEALED_BYTES];
	int			 has_next;
};

struct keyring {
	char		 *branch;
	char		 *name;		/* file it was read from, or NULL */
	unsigned char	  mac[MAC_BYTES];	/* as read from the file */
	int		  has_mac;
	struct slot	 *slots;
	size_t		  nslots;
	size_t		  slotsalloc;
	const char	**ids;		/* slots' ids, for keyring_ids */
	int		  rotating;	/* every slot has next */
};

void		 keys_sodium_init(void);
struct slot	*keyring_find(const struct keyring *, const char *);
/* Append a copy of s, taking over s->id. */
void		 keyring_append(struct keyring *, const struct slot *);
void		 keyring_ids_update(struct keyring *);

#endif
