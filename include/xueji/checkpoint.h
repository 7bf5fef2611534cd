/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * checkpoint.h — signed statements of the audit chain's head, kept off
 * the machine.  The chain alone shows that no entry was changed, removed
 * or reordered, but not that its tail was cut off or the whole database
 * swapped for an older copy: a checkpoint does.  It is a small text file
 *
 *	xueji-checkpoint 1
 *	branch SH01
 *	seq 1234
 *	head <64 hex: h_seq>
 *	time 2026-11-24T18:03:07Z
 *	key <64 hex: the branch's Ed25519 public key>
 *	sig <128 hex: Ed25519 over every byte above>
 *
 * signed with the branch key, whose seed is sealed in the key slots with
 * the database key.  The public key can be handed to auditors.  The key
 * rotates with the database key; the old one signs the new one into the
 * log (checkpoint_transition), and checkpoint_follow leads an old
 * checkpoint's key to the current one.
 */
#ifndef XUEJI_CHECKPOINT_H
#define XUEJI_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CHECKPOINT_PK_BYTES	32
#define CHECKPOINT_SIG_BYTES	64

struct checkpoint {
	char		 branch[65];
	int64_t		 seq;
	unsigned char	 head[32];
	time_t		 at;
	unsigned char	 pk[CHECKPOINT_PK_BYTES];
	unsigned char	 sig[CHECKPOINT_SIG_BYTES];
};

/* The branch's public key from its signing seed. */
void	 checkpoint_public_key(const unsigned char seed[32],
	     unsigned char pk[CHECKPOINT_PK_BYTES]);

/*
 * Parse a checkpoint file and check its signature against its own key.
 * Malformed text or a bad signature is XJ_EDATA; never a crash.
 */
int	 checkpoint_parse(const char *buf, size_t len, struct checkpoint *,
	     char **cause);

/*
 * The detail of a rotate-key entry: the new public key (of new_seed)
 * and the old one, with upto, the last entry before the rotation, signed
 * by the old seed.  malloc'd.
 */
char	*checkpoint_transition(const char *branch, int64_t upto,
	     const unsigned char old_seed[32],
	     const unsigned char new_seed[32]);

#endif
