/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The key-slot file: keyrings in memory, and reading and writing them.
 *
 * The file is text, one record a line, fields separated by one space,
 * every line ending in "\n":
 *
 *	xueji-keyslots 2
 *	branch SH01
 *	slot <id> argon2id13 <opslimit> <memlimit> <salt> <pk> <nonce> <box>
 *	    <sealed> [<next>]				(one line)
 *	...
 *	end <number of slot lines>
 *	mac <64 hex>
 *
 * <opslimit> (1 to 64) and <memlimit> (8 KiB to 4 GiB) are decimal
 * without leading zeros; the rest are hex (written lowercase) of exactly:
 * salt 16 bytes, pk 32 (X25519), nonce 24, box 48 (the secretbox of the
 * X25519 secret key, see keyring.c), sealed and next 112 (the 64-byte
 * branch secret sealed to pk; next is the secret a rotation is moving to,
 * and either every slot has it or none does).  Branch and ids are 1 to 64
 * bytes of UTF-8 without spaces or control characters; at most 256 slots.
 *
 * Nothing else is allowed: no comments, blank lines, tabs, CRs, trailing
 * spaces or unknown records.  The end line makes truncation an error
 * rather than a keyring with fewer slots.  Whatever the input, the parser
 * reads only within it, never allocates more than the file's size
 * suggests and reports the first bad line.
 *
 * The slots' public keys are in the clear, so anyone who can write the
 * file could add a slot of their own, or a <next> of their choosing
 * sealed to every slot, and the next rotation or removal (which needs no
 * other passphrase) would seal the new secret to them too.  The mac line
 * stops that: it is
 *
 *	BLAKE2b-256(key = K, the file's bytes up to and including the end
 *	    line, as keyring_save writes them)
 *	K = BLAKE2b-256(key = db_key || sign_seed, "xueji-keyslots-mac-v1")
 *
 * where db_key || sign_seed is the secret that the slots' <sealed> holds
 * (during a rotation, still the old one).  Only someone holding that
 * secret can write a file that keyring_verify accepts; the parser only
 * checks the line's form, since it has no secret.  The MAC is over the
 * text keyring_save would write for what was parsed, not over the bytes
 * read, so it covers every field and nothing the parser drops.  K has
 * its own context string so that this use of the secret is kept apart
 * from every other.  Version 1 files had no mac line and are refused.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/keys.h"
#include "keyring.h"

#define FILE_MAGIC	"xueji-keyslots"
#define FILE_VERSION	"2"
#define FILE_MAX	(1024 * 1024)
#define KS_LINE_MAX	2048
#define KS_TOKENS_MAX	12
#define KS_NAME_MAX	64

_Static_assert(SECRET_BYTES <= crypto_generichash_KEYBYTES_MAX,
    "the branch secret must fit as a BLAKE2b key");
_Static_assert(MAC_BYTES >= crypto_generichash_BYTES_MIN &&
    MAC_BYTES <= crypto_generichash_BYTES_MAX, "MAC_BYTES out of range");

static const char	mac_context[] = "xueji-keyslots-mac-v1";

int
keyring_id_valid(const char *s)
{
	uint32_t	cp;
	size_t		len, off;
	int		n;

	/* Names end up in messages: no controls, C1 ones included. */
	len = strlen(s);
	if (len == 0 || len > KS_NAME_MAX)
		return 0;
	for (off = 0; off < len; off += (size_t)n) {
		if ((n = utf8_decode(s + off, len - off, &cp)) < 0)
			return 0;
		if (cp <= ' ' || (cp >= 0x7f && cp < 0xa0))
			return 0;
	}
	return 1;
}

struct keyring *
keyring_new(const char *branch)
{
	struct keyring	*kr;

	if (branch == NULL || !keyring_id_valid(branch))
		return NULL;
	kr = xcalloc(1, sizeof *kr);
	kr->branch = xstrdup(branch);
	kr->ids = xcalloc(1, sizeof *kr->ids);
	return kr;
}

void
keyring_free(struct keyring *kr)
{
	size_t	i;

	if (kr == NULL)
		return;
	for (i = 0; i < kr->nslots; i++)
		free(kr->slots[i].id);
	free(kr->slots);
	free(kr->ids);
	free(kr->branch);
	free(kr->name);
	free(kr);
}

const char *
keyring_branch(const struct keyring *kr)
{
	return kr->branch;
}

void
keys_sodium_init(void)
{
	if (sodium_init() < 0)
		fatal("%s", _("cannot initialise libsodium"));
}

struct slot *
keyring_find(const struct keyring *kr, const char *id)
{
	size_t	i;

	for (i = 0; i < kr->nslots; i++) {
		if (strcmp(kr->slots[i].id, id) == 0)
			return &kr->slots[i];
	}
	return NULL;
}

int
keyring_has(const struct keyring *kr, const char *id)
{
	return keyring_find(kr, id) != NULL;
}

const char **
keyring_ids(const struct keyring *kr, size_t *n)
{
	*n = kr->nslots;
	return kr->ids;
}

void
keyring_append(struct keyring *kr, const struct slot *s)
{
	if (kr->nslots == kr->slotsalloc) {
		kr->slotsalloc = kr->slotsalloc == 0 ? 4 : kr->slotsalloc * 2;
		kr->slots = xreallocarray(kr->slots, kr->slotsalloc,
		    sizeof *kr->slots);
	}
	kr->slots[kr->nslots++] = *s;
}

void
keyring_ids_update(struct keyring *kr)
{
	size_t	i;

	kr->ids = xreallocarray(kr->ids, kr->nslots + 1, sizeof *kr->ids);
	for (i = 0; i < kr->nslots; i++)
		kr->ids[i] = kr->slots[i].id;
	kr->ids[kr->nslots] = NULL;
}

/*
 * Split line (len bytes, NUL-terminated) in place at single spaces.
 * Refuses control characters, DEL, empty fields and too many fields.
 */
static int
split(char *line, size_t len, char **tok, size_t *ntok)
{
	size_t	i, n = 0;
	int	start = 1;

	for (i = 0; i < len; i++) {
		if (line[i] == ' ') {
			if (start)
				return -1;
			line[i] = '\0';
			start = 1;
			continue;
		}
		if ((unsigned char)line[i] < ' ' || line[i] == 0x7f)
			return -1;
		if (start) {
			if (n == KS_TOKENS_MAX)
				return -1;
			tok[n++] = line + i;
			start = 0;
		}
	}
	if (start)
		return -1;	/* empty line or a trailing space */
	*ntok = n;
	return 0;
}

/* A decimal number without sign or leading zeros, at most max. */
static int
parse_number(const char *s, unsigned long long max, unsigned long long *v)
{
	unsigned long long	n = 0;
	unsigned		d;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (n > (max - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*v = n;
	return 0;
}

static int
malformed(char **cause, const char *name, int lineno, const char *why)
{
	return xj_fail(cause, XJ_EDATA, _("%s:%d: malformed key-slot file: %s"),
	    name, lineno, why);
}

/* Parse a slot line's fields (tok[0] is "slot") into s; NULL or why not. */
static const char *
parse_slot(struct keyring *kr, char **tok, size_t ntok, struct slot *s)
{
	unsigned long long	v;

	memset(s, 0, sizeof *s);
	if (ntok != 10 && ntok != 11)
		return _("a slot line has 10 or 11 fields");
	if (!keyring_id_valid(tok[1]))
		return _("not a valid operator name");
	if (keyring_find(kr, tok[1]) != NULL)
		return _("two slots for the same operator");
	if (kr->nslots >= SLOT_MAX)
		return _("too many slots");
	if (strcmp(tok[2], "argon2id13") != 0)
		return _("unknown key derivation algorithm");
	if (parse_number(tok[3], SLOT_OPSLIMIT_MAX, &v) != 0 ||
	    v < SLOT_OPSLIMIT_MIN)
		return _("opslimit out of range");
	s->opslimit = v;
	if (parse_number(tok[4], SLOT_MEMLIMIT_MAX, &v) != 0 ||
	    v < SLOT_MEMLIMIT_MIN || v > SIZE_MAX)
		return _("memlimit out of range");
	s->memlimit = (size_t)v;
	if (xj_unhex(tok[5], s->salt, sizeof s->salt) != 0 ||
	    xj_unhex(tok[6], s->pk, sizeof s->pk) != 0 ||
	    xj_unhex(tok[7], s->nonce, sizeof s->nonce) != 0 ||
	    xj_unhex(tok[8], s->box, sizeof s->box) != 0 ||
	    xj_unhex(tok[9], s->sealed, sizeof s->sealed) != 0)
		return _("a field is not hex of the right length");
	s->has_next = ntok == 11;
	if (s->has_next && xj_unhex(tok[10], s->next, sizeof s->next) != 0)
		return _("a field is not hex of the right length");
	if (kr->nslots > 0 && s->has_next != kr->rotating)
		return _("some slots have a pending rotation and some do not");
	return NULL;
}

int
keyring_parse(const char *name, const char *buf, size_t len,
    struct keyring **out, char **cause)
{
	enum { WANT_MAGIC, WANT_BRANCH, SLOTS, WANT_MAC, DONE } state =
	    WANT_MAGIC;
	struct keyring		*kr = NULL;
	struct slot		 s;
	const char		*p = buf, *end = buf + len, *nl, *why;
	char			 line[KS_LINE_MAX + 1], *tok[KS_TOKENS_MAX];
	size_t			 linelen, ntok;
	unsigned long long	 v;
	int			 lineno = 0, rv;

	*out = NULL;
	keys_sodium_init();
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			why = _("the last line does not end in a newline");
			goto bad;
		}
		if ((linelen = (size_t)(nl - p)) > KS_LINE_MAX) {
			why = _("line too long");
			goto bad;
		}
		memcpy(line, p, linelen);
		line[linelen] = '\0';
		p = nl + 1;
		if (split(line, linelen, tok, &ntok) != 0) {
			why = _("unexpected character or spacing");
			goto bad;
		}

		switch (state) {
		case WANT_MAGIC:
			if (ntok != 2 || strcmp(tok[0], FILE_MAGIC) != 0) {
				why = _("not a key-slot file");
				goto bad;
			}
			if (strcmp(tok[1], FILE_VERSION) != 0) {
				why = _("unsupported version");
				goto bad;
			}
			state = WANT_BRANCH;
			break;
		case WANT_BRANCH:
			if (ntok != 2 || strcmp(tok[0], "branch") != 0 ||
			    (kr = keyring_new(tok[1])) == NULL) {
				why = _("expected a branch line");
				goto bad;
			}
			state = SLOTS;
			break;
		case SLOTS:
			if (strcmp(tok[0], "end") == 0) {
				if (ntok != 2 || parse_number(tok[1], SLOT_MAX,
				    &v) != 0 || v != kr->nslots) {
					why = _("the end line does not match "
					    "the number of slots");
					goto bad;
				}
				state = WANT_MAC;
				break;
			}
			if (strcmp(tok[0], "slot") != 0) {
				why = _("unknown record");
				goto bad;
			}
			if ((why = parse_slot(kr, tok, ntok, &s)) != NULL)
				goto bad;
			if (kr->nslots == 0)
				kr->rotating = s.has_next;
			s.id = xstrdup(tok[1]);
			keyring_append(kr, &s);
			break;
		case WANT_MAC:
			/* Checked by keyring_verify, which has the key. */
			if (ntok != 2 || strcmp(tok[0], "mac") != 0 ||
			    xj_unhex(tok[1], kr->mac, sizeof kr->mac) != 0) {
				why = _("expected a mac line after the end "
				    "line");
				goto bad;
			}
			kr->has_mac = 1;
			state = DONE;
			break;
		case DONE:
			why = _("text after the mac line");
			goto bad;
		}
	}
	if (state != DONE) {
		lineno++;
		why = _("the file ends early");
		goto bad;
	}
	keyring_ids_update(kr);
	kr->name = xstrdup(name);
	*out = kr;
	return XJ_OK;

bad:
	rv = malformed(cause, name, lineno, why);
	keyring_free(kr);
	return rv;
}

int
keyring_load(const char *path, struct keyring **out, char **cause)
{
	char	*buf;
	size_t	 len;
	int	 rv;

	*out = NULL;
	if ((rv = xj_read_file(path, FILE_MAX, &buf, &len, cause)) != XJ_OK)
		return rv;
	rv = keyring_parse(path, buf, len, out, cause);
	free(buf);
	return rv;
}

/* Append " " and the hex of data at *pp. */
static void
put_hex(char **pp, const unsigned char *data, size_t len)
{
	*(*pp)++ = ' ';
	xj_hex(data, len, *pp);
	*pp += 2 * len;
}

/*
 * The file's text up to and including the end line, in a malloc'd buffer
 * with room left for the mac line; *lenp is the text's length.  Save
 * writes it and verify recomputes it, so they cannot disagree on what
 * the MAC covers.
 */
static char *
serialize(const struct keyring *kr, size_t *lenp)
{
	const struct slot	*s;
	char			*buf, *p;
	size_t			 i, size;

	/* Magic, branch, end and mac lines, each under KS_LINE_MAX. */
	size = (kr->nslots + 4) * (KS_LINE_MAX + 1);
	p = buf = xmalloc(size);
	p += sprintf(p, "%s %s\nbranch %s\n", FILE_MAGIC, FILE_VERSION,
	    kr->branch);
	for (i = 0; i < kr->nslots; i++) {
		s = &kr->slots[i];
		p += sprintf(p, "slot %s argon2id13 %llu %zu", s->id,
		    s->opslimit, s->memlimit);
		put_hex(&p, s->salt, sizeof s->salt);
		put_hex(&p, s->pk, sizeof s->pk);
		put_hex(&p, s->nonce, sizeof s->nonce);
		put_hex(&p, s->box, sizeof s->box);
		put_hex(&p, s->sealed, sizeof s->sealed);
		if (s->has_next)
			put_hex(&p, s->next, sizeof s->next);
		*p++ = '\n';
	}
	p += sprintf(p, "end %zu\n", kr->nslots);
	*lenp = (size_t)(p - buf);
	return buf;
}

/*
 * The MAC of len bytes of buf under secret (see the top of this file).
 * The derived key and the hash states, which hold key material, are in
 * secure memory and wiped.
 */
static void
file_mac(const struct branch_secret *secret, const char *buf, size_t len,
    unsigned char mac[MAC_BYTES])
{
	crypto_generichash_state	*st;
	unsigned char			*key;

	keys_sodium_init();
	key = secure_alloc(MAC_BYTES);
	st = secure_alloc(sizeof *st);
	crypto_generichash_init(st, (const unsigned char *)secret,
	    sizeof *secret, MAC_BYTES);
	crypto_generichash_update(st, (const unsigned char *)mac_context,
	    sizeof mac_context - 1);
	crypto_generichash_final(st, key, MAC_BYTES);
	crypto_generichash_init(st, key, MAC_BYTES, MAC_BYTES);
	crypto_generichash_update(st, (const unsigned char *)buf, len);
	crypto_generichash_final(st, mac, MAC_BYTES);
	secure_free(st);
	secure_free(key);
}

int
keyring_save(const struct keyring *kr, const struct branch_secret *mac_key,
    const char *path, char **cause)
{
	unsigned char	 mac[MAC_BYTES];
	char		*buf, *p;
	size_t		 len;
	int		 rv;

	buf = serialize(kr, &len);
	file_mac(mac_key, buf, len, mac);
	p = buf + len;
	memcpy(p, "mac", 3);
	p += 3;
	put_hex(&p, mac, sizeof mac);
	*p++ = '\n';
	/* 0660 less the umask: the group's in a shared data directory. */
	rv = xj_write_file_atomic(path, buf, (size_t)(p - buf), 0660, cause);
	free(buf);
	return rv;
}

int
keyring_verify(const struct keyring *kr, const struct branch_secret *secret,
    char **cause)
{
	unsigned char	 mac[MAC_BYTES];
	char		*buf;
	size_t		 len;
	int		 ok;

	buf = serialize(kr, &len);
	file_mac(secret, buf, len, mac);
	free(buf);
	ok = kr->has_mac && sodium_memcmp(mac, kr->mac, sizeof mac) == 0;
	if (!ok)
		return xj_fail(cause, XJ_EDATA, _("%s was changed outside "
		    "xueji (its seal does not match); restore it from a "
		    "backup"),
		    kr->name != NULL ? kr->name : _("the key-slot file"));
	return XJ_OK;
}
