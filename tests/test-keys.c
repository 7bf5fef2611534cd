/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * test-keys.c — key slots and passphrases.  One keyring with two slots is
 * made once (Argon2id is the slow part); each test starts from its text.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/keys.h"
#include "lib/testlib.h"

#define P1	"counter-桌子-one"
#define P2	"supervisor pass 2"

static char			*dir;
static char			*text;		/* the saved two-slot file */
static struct branch_secret	*secret;

static int
setup(void **state)
{
	struct keyring	*kr;
	char		*path, *cause = NULL;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	dir = tl_tmpdir();
	secret = branch_secret_new();
	kr = keyring_new("SH01");
	if (kr == NULL ||
	    keyring_add(kr, "reception1", P1, strlen(P1), KDF_INTERACTIVE,
	    secret, &cause) != XJ_OK ||
	    keyring_add(kr, "supervisor", P2, strlen(P2), KDF_INTERACTIVE,
	    secret, &cause) != XJ_OK)
		return -1;
	path = xj_path_join(dir, "fixture.keys");
	if (keyring_save(kr, secret, path, &cause) != XJ_OK ||
	    xj_read_file(path, 1 << 20, &text, NULL, &cause) != XJ_OK)
		return -1;
	free(path);
	keyring_free(kr);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tl_rmtree(dir);
	free(dir);
	free(text);
	branch_secret_free(secret);
	return 0;
}

static struct keyring *
parse(const char *s)
{
	struct keyring	*kr;
	char		*cause = NULL;

	if (keyring_parse("test.keys", s, strlen(s), &kr, &cause) != XJ_OK)
		fail_msg("parse: %s", cause);
	return kr;
}

/* Parse s, expecting XJ_EDATA whose message names line. */
static void
parse_bad(const char *s, int line)
{
	struct keyring	*kr;
	char		*cause = NULL, where[32];

	assert_int_equal(keyring_parse("test.keys", s, strlen(s), &kr, &cause),
	    XJ_EDATA);
	assert_null(kr);
	assert_non_null(cause);
	snprintf(where, sizeof where, "test.keys:%d:", line);
	if (strstr(cause, where) == NULL)
		fail_msg("expected %s in: %s", where, cause);
	free(cause);
}

/* s with the first occurrence of from replaced by to; malloc'd. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char	*at = strstr(s, from);
	char		*r;

	if (at == NULL)
		fail_msg("no %s", from);
	xasprintf(&r, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return r;
}

/* Field n (0-based) of id's slot line in s; malloc'd. */
static char *
field(const char *s, const char *id, int n)
{
	char		 key[80];
	const char	*p, *e;

	snprintf(key, sizeof key, "\nslot %s ", id);
	if ((p = strstr(s, key)) == NULL)
		fail_msg("no slot %s", id);
	p++;
	while (n-- > 0)
		p = strchr(p, ' ') + 1;
	e = p + strcspn(p, " \n");
	return xstrndup(p, (size_t)(e - p));
}

/* The whole slot line of id in s, with its newline; malloc'd. */
static char *
slot_line(const char *s, const char *id)
{
	char		 key[80];
	const char	*p;

	snprintf(key, sizeof key, "\nslot %s ", id);
	if ((p = strstr(s, key)) == NULL)
		fail_msg("no slot %s", id);
	p++;
	return xstrndup(p, strcspn(p, "\n") + 1);
}

static void
unlock_is(const struct keyring *kr, const char *id, const char *pass,
    const struct branch_secret *want, const struct branch_secret *wantnext)
{
	struct branch_secret	*cur, *next;
	char			*cause = NULL;

	if (keyring_unlock(kr, id, pass, strlen(pass), &cur, &next,
	    &cause) != XJ_OK)
		fail_msg("unlock %s: %s", id, cause);
	assert_memory_equal(cur, want, sizeof *want);
	if (wantnext == NULL)
		assert_null(next);
	else {
		assert_non_null(next);
		assert_memory_equal(next, wantnext, sizeof *wantnext);
	}
	branch_secret_free(cur);
	branch_secret_free(next);
}

/* Unlock, expecting failure; when says is not NULL, the message has it. */
static int
unlock_fails(const struct keyring *kr, const char *id, const char *pass,
    const char *says)
{
	struct branch_secret	*cur = NULL, *next = NULL;
	char			*cause = NULL;
	int			 rv;

	rv = keyring_unlock(kr, id, pass, strlen(pass), &cur, &next, &cause);
	assert_int_not_equal(rv, XJ_OK);
	assert_null(cur);
	assert_null(next);
	assert_non_null(cause);
	if (says != NULL && strstr(cause, says) == NULL)
		fail_msg("expected \"%s\" in: %s", says, cause);
	free(cause);
	return rv;
}

static int
unlock_rv(const struct keyring *kr, const char *id, const char *pass)
{
	return unlock_fails(kr, id, pass, NULL);
}

/* Save kr with a MAC under mac_key, load it back and check the MAC. */
static struct keyring *
save_and_load(const struct keyring *kr, const struct branch_secret *mac_key,
    const char *name)
{
	struct keyring	*kr2;
	char		*path, *cause = NULL;

	path = xj_path_join(dir, name);
	if (keyring_save(kr, mac_key, path, &cause) != XJ_OK ||
	    keyring_load(path, &kr2, &cause) != XJ_OK ||
	    keyring_verify(kr2, mac_key, &cause) != XJ_OK)
		fail_msg("%s: %s", path, cause);
	free(path);
	return kr2;
}

static void
verify_ok(const struct keyring *kr, const struct branch_secret *sec)
{
	char	*cause = NULL;

	if (keyring_verify(kr, sec, &cause) != XJ_OK)
		fail_msg("verify: %s", cause);
}

/* Verify, expecting XJ_EDATA with a message that names name. */
static void
verify_fails(const struct keyring *kr, const struct branch_secret *sec,
    const char *name)
{
	char	*cause = NULL;

	assert_int_equal(keyring_verify(kr, sec, &cause), XJ_EDATA);
	assert_non_null(cause);
	if (strstr(cause, name) == NULL ||
	    strstr(cause, "changed outside xueji") == NULL)
		fail_msg("unexpected message: %s", cause);
	free(cause);
}

/* text with line (newline included) added as a third slot; malloc'd. */
static char *
add_line(const char *line)
{
	char	*with, *s;

	xasprintf(&with, "%send 3\n", line);
	s = replace(text, "end 2\n", with);
	free(with);
	return s;
}

static void
test_names(void **state)
{
	char	long_name[66];

	(void)state;
	assert_int_equal(kdf_profile_parse("interactive"), KDF_INTERACTIVE);
	assert_int_equal(kdf_profile_parse("moderate"), KDF_MODERATE);
	assert_int_equal(kdf_profile_parse("sensitive"), KDF_SENSITIVE);
	assert_int_equal(kdf_profile_parse("fast"), -1);
	assert_true(keyring_id_valid("SH01"));
	assert_true(keyring_id_valid("上海一校"));
	assert_false(keyring_id_valid(""));
	assert_false(keyring_id_valid("a b"));
	assert_false(keyring_id_valid("a\tb"));
	assert_false(keyring_id_valid("\xff"));
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_false(keyring_id_valid(long_name));
	assert_false(keyring_id_valid("a\xc2\x9b" "b"));	/* C1 CSI */
	assert_null(keyring_new("two words"));
}

/* Bad arguments are refused before any work and change nothing. */
static void
test_add_refused(void **state)
{
	struct keyring	*kr = keyring_new("B");
	char		*cause = NULL;
	size_t		 n;

	(void)state;
	assert_int_equal(keyring_add(kr, "a b", "pass", 4, KDF_INTERACTIVE,
	    secret, &cause), XJ_EUSAGE);
	free(cause);
	cause = NULL;
	assert_int_equal(keyring_add(kr, "ok", "pass", 4,
	    (enum kdf_profile)99, secret, &cause), XJ_EUSAGE);
	free(cause);
	keyring_ids(kr, &n);
	assert_int_equal(n, 0);
	keyring_free(kr);
}

static void
test_roundtrip(void **state)
{
	struct keyring	 *kr;
	const char	**ids;
	char		 *path, *cause = NULL, hex[2 * sizeof *secret + 1];
	struct stat	  st;
	size_t		  n;

	(void)state;
	kr = parse(text);
	assert_string_equal(keyring_branch(kr), "SH01");
	ids = keyring_ids(kr, &n);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "reception1");
	assert_string_equal(ids[1], "supervisor");
	assert_true(keyring_has(kr, "supervisor"));
	assert_false(keyring_has(kr, "nobody"));
	assert_false(keyring_rotating(kr));
	unlock_is(kr, "reception1", P1, secret, NULL);
	unlock_is(kr, "supervisor", P2, secret, NULL);

	/* The profile's parameters are stored in the slot. */
	snprintf(hex, sizeof hex, "%u %u",
	    (unsigned)crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
	    (unsigned)crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
	assert_non_null(strstr(text, hex));

	path = xj_path_join(dir, "roundtrip.keys");
	assert_int_equal(keyring_save(kr, secret, path, &cause), XJ_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_false(tl_file_contains(path, P1, strlen(P1)));
	assert_false(tl_file_contains(path, P2, strlen(P2)));
	xj_hex((const unsigned char *)secret, sizeof *secret, hex);
	assert_false(tl_file_contains(path, hex, 2 * DB_KEY_BYTES));
	assert_false(tl_file_contains(path, hex + 2 * DB_KEY_BYTES,
	    2 * SIGN_SEED_BYTES));
	assert_false(tl_file_contains(path, secret, sizeof *secret));
	assert_false(tl_file_contains(path, secret->db_key, 8));
	keyring_free(kr);

	/* Saved then loaded gives back the same text. */
	assert_int_equal(keyring_load(path, &kr, &cause), XJ_OK);
	verify_ok(kr, secret);
	free(path);
	keyring_free(kr);
	assert_int_equal(keyring_load("/nonexistent/x.keys", &kr, &cause),
	    XJ_ENOINPUT);
	assert_null(kr);
	free(cause);
}

static void
test_wrong_passphrase(void **state)
{
	struct keyring		*kr = parse(text);
	struct branch_secret	*cur, *next;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(keyring_unlock(kr, "reception1", P2, strlen(P2),
	    &cur, &next, &cause), XJ_EPERM);
	assert_null(cur);
	assert_null(next);
	assert_non_null(strstr(cause, "reception1"));
	free(cause);
	assert_int_equal(unlock_rv(kr, "nobody", P1), XJ_ENOINPUT);
	keyring_free(kr);
}

static void
test_passwd(void **state)
{
	struct keyring	*kr = parse(text), *kr2;
	char		*cause = NULL, *before, *after, *path;
	char		*a, *b;

	(void)state;
	/* A wrong old passphrase changes nothing. */
	assert_int_equal(keyring_passwd(kr, "reception1", "wrong", 5,
	    "new passphrase", 14, KDF_INTERACTIVE, &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	path = xj_path_join(dir, "passwd.keys");
	assert_int_equal(keyring_save(kr, secret, path, &cause), XJ_OK);
	assert_int_equal(xj_read_file(path, 1 << 20, &before, NULL, &cause),
	    XJ_OK);
	assert_string_equal(before, text);
	assert_int_equal(keyring_passwd(kr, "nobody", P1, strlen(P1), "x", 1,
	    KDF_INTERACTIVE, &cause), XJ_ENOINPUT);
	free(cause);

	assert_int_equal(keyring_passwd(kr, "reception1", P1, strlen(P1),
	    "new passphrase", 14, KDF_INTERACTIVE, &cause), XJ_OK);
	kr2 = save_and_load(kr, secret, "passwd.keys");
	assert_int_equal(unlock_rv(kr2, "reception1", P1), XJ_EPERM);
	unlock_is(kr2, "reception1", "new passphrase", secret, NULL);

	/* Same key pair and sealed secret; new salt, nonce and box. */
	assert_int_equal(xj_read_file(path, 1 << 20, &after, NULL, &cause),
	    XJ_OK);
	for (int i = 5; i <= 9; i++) {
		a = field(before, "reception1", i);
		b = field(after, "reception1", i);
		if (i == 6 || i == 9)
			assert_string_equal(a, b);
		else
			assert_string_not_equal(a, b);
		free(a);
		free(b);
	}
	free(before);
	free(after);
	free(path);
	keyring_free(kr);
	keyring_free(kr2);
}

static void
test_remove(void **state)
{
	struct keyring	 *kr = parse(text), *kr2;
	const char	**ids;
	char		 *cause = NULL;
	size_t		  n;

	(void)state;
	assert_int_equal(keyring_remove(kr, "reception1", &cause), XJ_OK);
	assert_false(keyring_has(kr, "reception1"));
	ids = keyring_ids(kr, &n);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "supervisor");
	assert_null(ids[1]);
	assert_int_equal(keyring_remove(kr, "reception1", &cause),
	    XJ_ENOINPUT);
	free(cause);
	kr2 = save_and_load(kr, secret, "remove.keys");
	assert_false(keyring_has(kr2, "reception1"));
	assert_int_equal(unlock_rv(kr2, "reception1", P1), XJ_ENOINPUT);
	unlock_is(kr2, "supervisor", P2, secret, NULL);
	keyring_free(kr);
	keyring_free(kr2);
}

static void
test_rotate(void **state)
{
	struct keyring		*kr = parse(text), *kr2, *kr3;
	struct branch_secret	*next = branch_secret_new(), *cur;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(keyring_rotate_begin(kr, next, &cause), XJ_OK);
	assert_true(keyring_rotating(kr));
	assert_int_equal(keyring_rotate_begin(kr, next, &cause), XJ_EBUSY);
	free(cause);
	cause = NULL;
	assert_int_equal(keyring_add(kr, "new1", "pass", 4, KDF_INTERACTIVE,
	    secret, &cause), XJ_EBUSY);
	free(cause);
	cause = NULL;

	/* Begun: the slots' current secret, and so the MAC's, is the old. */
	kr2 = save_and_load(kr, secret, "rotate.keys");
	assert_true(keyring_rotating(kr2));
	verify_fails(kr2, next, "rotate.keys");
	unlock_is(kr2, "reception1", P1, secret, next);
	/* A caller that does not ask for next gets the current secret. */
	assert_int_equal(keyring_unlock(kr2, "supervisor", P2, strlen(P2),
	    &cur, NULL, &cause), XJ_OK);
	assert_memory_equal(cur, secret, sizeof *secret);
	branch_secret_free(cur);

	keyring_rotate_commit(kr2);
	assert_false(keyring_rotating(kr2));
	kr3 = save_and_load(kr2, next, "rotate.keys");
	assert_false(keyring_rotating(kr3));
	verify_fails(kr3, secret, "rotate.keys");
	unlock_is(kr3, "reception1", P1, next, NULL);

	/* An abandoned rotation leaves the old secret and room to start again. */
	assert_int_equal(keyring_rotate_begin(kr3, secret, &cause), XJ_OK);
	keyring_rotate_abort(kr3);
	assert_false(keyring_rotating(kr3));
	keyring_free(kr2);
	kr2 = save_and_load(kr3, next, "rotate.keys");
	assert_false(keyring_rotating(kr2));
	assert_int_equal(keyring_rotate_begin(kr2, secret, &cause), XJ_OK);

	branch_secret_free(next);
	keyring_free(kr);
	keyring_free(kr2);
	keyring_free(kr3);
}

static void
test_slot_bound_to_id_and_branch(void **state)
{
	struct keyring	*kr;
	char		*line, *moved, *s;

	(void)state;
	/* reception1's line copied as intruder's. */
	line = slot_line(text, "reception1");
	moved = replace(line, "slot reception1 ", "slot intruder ");
	s = add_line(moved);
	kr = parse(s);
	assert_int_equal(unlock_fails(kr, "intruder", P1, "wrong passphrase"),
	    XJ_EPERM);
	verify_fails(kr, secret, "test.keys");
	keyring_free(kr);
	free(s);
	free(moved);
	free(line);

	/* The same file under another branch's name. */
	s = replace(text, "branch SH01\n", "branch SH02\n");
	kr = parse(s);
	assert_int_equal(unlock_rv(kr, "reception1", P1), XJ_EPERM);
	verify_fails(kr, secret, "test.keys");
	keyring_free(kr);
	free(s);
}

static void
test_slot_tampered(void **state)
{
	struct keyring	*kr;
	char		*a, *b, *s;

	(void)state;
	/* Another public key: the next secret would be sealed to it. */
	a = field(text, "reception1", 6);
	b = field(text, "supervisor", 6);
	s = replace(text, a, b);
	kr = parse(s);
	assert_int_equal(unlock_fails(kr, "reception1", P1, "public key"),
	    XJ_EDATA);
	verify_fails(kr, secret, "test.keys");
	keyring_free(kr);
	free(s);
	free(a);
	free(b);

	/* A sealed secret that is not for this key. */
	a = field(text, "reception1", 9);
	b = field(text, "supervisor", 9);
	s = replace(text, a, b);
	kr = parse(s);
	assert_int_equal(unlock_fails(kr, "reception1", P1, "damaged"),
	    XJ_EDATA);
	verify_fails(kr, secret, "test.keys");
	keyring_free(kr);
	free(s);
	free(a);
	free(b);
}

/* The MAC opens with the secret the slots hold and with nothing else. */
static void
test_mac(void **state)
{
	struct keyring		*kr = parse(text), *kr2;
	struct branch_secret	*other = branch_secret_new();
	char			*path, *cause = NULL;

	(void)state;
	verify_ok(kr, secret);
	verify_fails(kr, other, "test.keys");
	/* Either half of the secret counts. */
	memcpy(other->db_key, secret->db_key, sizeof other->db_key);
	verify_fails(kr, other, "test.keys");
	memcpy(other, secret, sizeof *other);
	other->db_key[0] ^= 1;
	verify_fails(kr, other, "test.keys");

	/* The message names the file as it was loaded. */
	path = xj_path_join(dir, "fixture.keys");
	assert_int_equal(keyring_load(path, &kr2, &cause), XJ_OK);
	verify_ok(kr2, secret);
	verify_fails(kr2, other, path);
	keyring_free(kr2);
	free(path);

	/* Nothing read from a file, nothing to vouch for. */
	kr2 = keyring_new("SH01");
	verify_fails(kr2, secret, "key-slot file");
	keyring_free(kr2);

	/* The keyring as it is now: a change in memory no longer matches. */
	assert_int_equal(keyring_remove(kr, "reception1", &cause), XJ_OK);
	verify_fails(kr, secret, "test.keys");
	keyring_free(kr);
	branch_secret_free(other);
}

/*
 * Issue: a slot appended by someone who can write the file but holds no
 * passphrase received the next secret a rotation or removal sealed.
 * The line still parses (its form is right), but the file's seal fails.
 */
static void
test_mac_forged_slot(void **state)
{
	struct keyring		*kr, *evil;
	struct branch_secret	*theirs = branch_secret_new();
	char			*path, *cause = NULL, *etext, *line, *s;

	(void)state;
	/* A well-formed slot of their own, made with the real code. */
	evil = keyring_new("SH01");
	assert_int_equal(keyring_add(evil, "intruder", "their pass", 10,
	    KDF_INTERACTIVE, theirs, &cause), XJ_OK);
	path = xj_path_join(dir, "evil.keys");
	assert_int_equal(keyring_save(evil, theirs, path, &cause), XJ_OK);
	assert_int_equal(xj_read_file(path, 1 << 20, &etext, NULL, &cause),
	    XJ_OK);
	keyring_free(evil);
	free(path);
	line = slot_line(etext, "intruder");

	/* Spliced in, keeping the old mac line. */
	s = add_line(line);
	kr = parse(s);
	assert_true(keyring_has(kr, "intruder"));
	unlock_is(kr, "reception1", P1, secret, NULL);
	verify_fails(kr, secret, "test.keys");
	free(s);

	/* Re-sealed under a secret of their own: still not ours. */
	path = xj_path_join(dir, "evil.keys");
	assert_int_equal(keyring_save(kr, theirs, path, &cause), XJ_OK);
	keyring_free(kr);
	assert_int_equal(keyring_load(path, &kr, &cause), XJ_OK);
	verify_fails(kr, secret, path);
	keyring_free(kr);

	/*
	 * A planted rotation: every slot's public key is in the file, so
	 * anyone can seal a next secret of their choosing to all of them.
	 */
	kr = parse(text);
	assert_int_equal(keyring_rotate_begin(kr, theirs, &cause), XJ_OK);
	assert_int_equal(keyring_save(kr, theirs, path, &cause), XJ_OK);
	keyring_free(kr);
	assert_int_equal(keyring_load(path, &kr, &cause), XJ_OK);
	assert_true(keyring_rotating(kr));
	unlock_is(kr, "supervisor", P2, secret, theirs);
	verify_fails(kr, secret, path);
	keyring_free(kr);

	free(path);
	free(line);
	free(etext);
	branch_secret_free(theirs);
}

/* Any hex digit changed anywhere: either it does not parse or not verify. */
static void
test_mac_flip(void **state)
{
	struct keyring	*kr;
	char		*buf, *cause;
	size_t		 len = strlen(text), i, parsed = 0;

	(void)state;
	buf = xstrdup(text);
	for (i = 0; i < len; i++) {
		if (strchr("0123456789abcdef", text[i]) == NULL)
			continue;
		buf[i] = text[i] == '0' ? '1' : '0';
		cause = NULL;
		if (keyring_parse("f", buf, len, &kr, &cause) == XJ_OK) {
			parsed++;
			if (keyring_verify(kr, secret, &cause) != XJ_EDATA)
				fail_msg("changed byte %zu still verifies", i);
			keyring_free(kr);
		}
		free(cause);
		buf[i] = text[i];
	}
	/* Most changes are in hex fields, which parse: the MAC caught them. */
	assert_true(parsed > len / 2);
	free(buf);
}

/* Every prefix of a real file is an error, read strictly within bounds. */
static void
test_truncated(void **state)
{
	struct keyring		*kr = parse(text), *kr2;
	struct branch_secret	*next = branch_secret_new();
	char			*rot, *path, *cause = NULL, *buf;
	size_t			 len, i;

	(void)state;
	assert_int_equal(keyring_rotate_begin(kr, next, &cause), XJ_OK);
	path = xj_path_join(dir, "truncated.keys");
	assert_int_equal(keyring_save(kr, secret, path, &cause), XJ_OK);
	assert_int_equal(xj_read_file(path, 1 << 20, &rot, &len, &cause),
	    XJ_OK);
	for (i = 0; i < len; i++) {
		buf = xmalloc(i);	/* exactly i bytes, no NUL */
		memcpy(buf, rot, i);
		kr2 = NULL;
		cause = NULL;
		if (keyring_parse("t", buf, i, &kr2, &cause) != XJ_EDATA)
			fail_msg("prefix of %zu bytes parsed", i);
		assert_null(kr2);
		assert_non_null(cause);
		free(cause);
		free(buf);
	}
	rot[len / 2] = '\0';
	free(tl_write(dir, "truncated.keys", rot, 0600));
	assert_int_equal(keyring_load(path, &kr2, &cause), XJ_EDATA);
	free(cause);
	free(path);
	free(rot);
	branch_secret_free(next);
	keyring_free(kr);
}

/* Flipped bytes and random input: an error or a keyring, never a crash. */
static void
test_garbage(void **state)
{
	static const unsigned char	 flips[] = { 0x01, 0x20, 0x80 };
	static const char		 sets[] = { '\n', ' ', '\0', '0' };
	struct keyring			*kr;
	char				*buf, *cause;
	size_t				 len = strlen(text), i, j, n;
	int				 rv;

	(void)state;
	buf = xmalloc(len);
	for (i = 0; i < len; i++) {
		for (j = 0; j < nitems(flips) + nitems(sets); j++) {
			memcpy(buf, text, len);
			if (j < nitems(flips))
				buf[i] ^= (char)flips[j];
			else
				buf[i] = sets[j - nitems(flips)];
			cause = NULL;
			rv = keyring_parse("g", buf, len, &kr, &cause);
			if (rv == XJ_OK)
				keyring_free(kr);
			else {
				assert_int_equal(rv, XJ_EDATA);
				assert_non_null(cause);
			}
			free(cause);
		}
	}
	free(buf);
	for (i = 0; i < 200; i++) {
		n = randombytes_uniform(4096);
		buf = xmalloc(n + 32);
		randombytes_buf(buf, n + 32);
		if (i % 2 == 0) {
			memcpy(buf, "xueji-keyslots 2\nbranch B\n", 26);
			n += 26;
		}
		cause = NULL;
		assert_int_equal(keyring_parse("r", buf, n, &kr, &cause),
		    XJ_EDATA);
		free(cause);
		free(buf);
	}
}

static void
test_malformed(void **state)
{
	char	*s, *t, *line, *mem, *big;
	int	 i;

	(void)state;
	parse_bad("", 1);
	parse_bad("xueji-keyslots 2\n", 2);
	/* Version 1 had no MAC: refused, not read unchecked. */
	s = replace(text, "xueji-keyslots 2\n", "xueji-keyslots 1\n");
	parse_bad(s, 1);
	free(s);
	s = replace(text, "xueji-keyslots 2\n", "xueji-keyslots 3\n");
	parse_bad(s, 1);
	free(s);
	s = replace(text, "end 2\n", "end 3\n");
	parse_bad(s, 5);
	free(s);
	xasprintf(&s, "%sslot x\n", text);
	parse_bad(s, 7);
	free(s);
	xasprintf(&s, "%smac 00\n", text);	/* a second mac line */
	parse_bad(s, 7);
	free(s);
	s = xstrndup(text, strlen(text) - 1);	/* no final newline */
	parse_bad(s, 6);
	free(s);
	/* The mac line is required, and must be one of 32 bytes. */
	s = xstrndup(text, (size_t)(strstr(text, "\nmac ") + 1 - text));
	parse_bad(s, 6);
	t = xstrdup(s);
	free(s);
	xasprintf(&s, "%smac 00\n", t);
	parse_bad(s, 6);
	free(s);
	xasprintf(&s, "%sMAC %0*d\n", t, 64, 0);
	parse_bad(s, 6);
	free(s);
	xasprintf(&s, "%smac %0*d\n", t, 64, 0);	/* well formed, wrong */
	keyring_free(parse(s));
	free(s);
	free(t);
	s = replace(text, "branch SH01\n", "branch SH01\r\n");
	parse_bad(s, 2);
	free(s);
	s = replace(text, "branch SH01\n", "branch  SH01\n");
	parse_bad(s, 2);
	free(s);
	s = replace(text, "end 2\n", "# comment\nend 2\n");
	parse_bad(s, 5);
	free(s);

	/* Duplicate id. */
	line = slot_line(text, "supervisor");
	s = add_line(line);
	parse_bad(s, 5);
	free(s);

	/* Parameters: a hostile file must not make us allocate a terabyte. */
	mem = field(text, "reception1", 4);
	xasprintf(&big, " %s ", mem);
	s = replace(text, big, " 1099511627776 ");
	parse_bad(s, 3);
	free(s);
	s = replace(text, big, " 4294967297 ");
	parse_bad(s, 3);
	free(s);
	s = replace(text, big, " 99999999999999999999999999 ");
	parse_bad(s, 3);
	free(s);
	s = replace(text, big, " 8191 ");
	parse_bad(s, 3);
	free(s);
	s = replace(text, big, " 4294967296 ");	/* the bound itself */
	keyring_free(parse(s));
	free(s);
	free(big);
	free(mem);
	s = replace(text, " argon2id13 2 ", " argon2id13 0 ");
	parse_bad(s, 3);
	free(s);
	s = replace(text, " argon2id13 2 ", " argon2id13 65 ");
	parse_bad(s, 3);
	free(s);
	s = replace(text, " argon2id13 2 ", " argon2id13 02 ");
	parse_bad(s, 3);
	free(s);
	s = replace(text, " argon2id13 ", " scrypt ");
	parse_bad(s, 3);
	free(s);

	/* Mixed rotation state: one slot with next, one without. */
	t = field(text, "reception1", 9);
	xasprintf(&big, "%s\n", t);
	xasprintf(&mem, "%s %s\n", t, t);
	s = replace(text, big, mem);
	parse_bad(s, 4);
	free(s);
	free(mem);
	free(big);
	free(t);

	/* 256 slots are fine, 257 are not. */
	t = xstrdup("xueji-keyslots 2\nbranch SH01\n");
	for (i = 0; i < 257; i++) {
		char	id[16], *l;

		snprintf(id, sizeof id, "slot op%d ", i);
		l = replace(line, "slot supervisor ", id);
		xasprintf(&s, "%s%s", t, l);
		free(t);
		free(l);
		t = s;
		if (i == 255) {
			xasprintf(&s, "%send 256\nmac %0*d\n", t, 64, 0);
			keyring_free(parse(s));
			free(s);
		}
	}
	xasprintf(&s, "%send 257\n", t);
	parse_bad(s, 259);
	free(s);
	free(t);
	free(line);
}

static void
test_passphrase_fd(void **state)
{
	char	*pass, *cause = NULL, rest[8], big[1100];
	size_t	 len;
	int	 p[2];
	ssize_t	 n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	dprintf(p[1], "first pass\nsecond\r\n\nthird");
	close(p[1]);
	assert_int_equal(passphrase_read(p[0], NULL, 0, &pass, &len, &cause),
	    XJ_OK);
	assert_int_equal(len, 10);
	assert_string_equal(pass, "first pass");
	secure_free(pass);
	assert_int_equal(passphrase_read(p[0], NULL, 1, &pass, &len, &cause),
	    XJ_OK);
	assert_int_equal(len, 6);
	assert_memory_equal(pass, "second", 6);
	secure_free(pass);
	assert_int_equal(passphrase_read(p[0], NULL, 0, &pass, &len, &cause),
	    XJ_EDATA);
	assert_null(pass);
	free(cause);
	assert_int_equal(passphrase_read(p[0], NULL, 0, &pass, &len, &cause),
	    XJ_OK);
	assert_string_equal(pass, "third");
	secure_free(pass);
	assert_int_equal(passphrase_read(p[0], NULL, 0, &pass, &len, &cause),
	    XJ_EDATA);
	free(cause);
	close(p[0]);

	/* Nothing past the newline is consumed. */
	assert_int_equal(pipe(p), 0);
	dprintf(p[1], "one\nrest");
	close(p[1]);
	assert_int_equal(passphrase_read(p[0], NULL, 0, &pass, &len, &cause),
	    XJ_OK);
	secure_free(pass);
	n = read(p[0], rest, sizeof rest);
	assert_int_equal(n, 4);
	assert_memory_equal(rest, "rest", 4);
	close(p[0]);

	/* 1024 bytes are fine, 1025 are not. */
	memset(big, 'x', sizeof big);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], big, 1024), 1024);
	assert_int_equal(write(p[1], "\n", 1), 1);
	assert_int_equal(write(p[1], big, 1025), 1025);
	assert_int_equal(write(p[1], "\n", 1), 1);
	close(p[1]);
	assert_int_equal(passphrase_read(p[0], NULL, 0, &pass, &len, &cause),
	    XJ_OK);
	assert_int_equal(len, 1024);
	secure_free(pass);
	assert_int_equal(passphrase_read(p[0], NULL, 0, &pass, &len, &cause),
	    XJ_EDATA);
	free(cause);
	close(p[0]);
}

static void
test_passphrase_no_tty(void **state)
{
	pid_t	pid;
	int	status;
	char	*pass, *cause = NULL;
	size_t	len;

	(void)state;
	if ((pid = fork()) == 0) {
		setsid();	/* no controlling terminal */
		_exit(passphrase_read(-1, NULL, 0, &pass, &len, &cause));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), XJ_EUSAGE);
}


/* What a child reading from a pseudo-terminal reports back. */
struct tty_result {
	int	rv;
	int	echo;		/* ECHO set again afterwards */
	size_t	len;
	char	pass[64];
};

/*
 * Fork a child whose controlling terminal is a new pty and which reads a
 * passphrase from it.  *mp is the master, *rp the pipe the child's
 * struct tty_result arrives on; *sp, when not NULL, the slave opened here
 * too, so the terminal's settings outlive the child.
 */
static pid_t
pty_child(int confirm, int *mp, int *rp, int *sp)
{
	struct tty_result	 res;
	struct termios		 t;
	char			 name[64], *pass = NULL, *cause = NULL;
	int			 m, s, r[2];
	pid_t			 pid;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m != -1);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	assert_int_equal(ptsname_r(m, name, sizeof name), 0);
	assert_int_equal(pipe(r), 0);
	if (sp != NULL)
		assert_true((*sp = open(name, O_RDWR | O_NOCTTY)) != -1);
	if ((pid = fork()) == 0) {
		close(m);
		close(r[0]);
		/*
		 * As a shell's foreground job: ^C ends it.  A test run in
		 * the background (sh -c '… &', nohup) inherits SIGINT
		 * ignored, and passphrase_read rightly gives the signal
		 * back to the disposition it found.
		 */
		signal(SIGINT, SIG_DFL);
		setsid();
		if ((s = open(name, O_RDWR)) == -1)	/* now our terminal */
			_exit(1);
		memset(&res, 0, sizeof res);
		res.rv = passphrase_read(-1, "Passphrase: ", confirm, &pass,
		    &res.len, &cause);
		if (pass != NULL && res.len < sizeof res.pass)
			memcpy(res.pass, pass, res.len);
		res.echo = tcgetattr(s, &t) == 0 && (t.c_lflag & ECHO);
		secure_free(pass);
		free(cause);
		if (write(r[1], &res, sizeof res) != sizeof res)
			_exit(1);
		_exit(0);
	}
	close(r[1]);
	*mp = m;
	*rp = r[0];
	return pid;
}

/* Read the master into all until want appears (10 s at most). */
static int
pty_wait(int m, char *all, size_t cap, size_t *used, const char *want)
{
	struct pollfd	pfd = { .fd = m, .events = POLLIN };
	ssize_t		n;
	int		tries;

	for (tries = 0; tries < 100; tries++) {
		all[*used] = '\0';
		if (want != NULL && strstr(all, want) != NULL)
			return 0;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = read(m, all + *used, cap - 1 - *used)) <= 0)
			break;
		*used += (size_t)n;
	}
	all[*used] = '\0';
	return -1;
}

static void
tty_session(const char *first, const char *second, struct tty_result *res,
    char *all, size_t cap)
{
	size_t	used = 0;
	int	m, r, status;
	pid_t	pid;

	pid = pty_child(1, &m, &r, NULL);
	assert_int_equal(pty_wait(m, all, cap, &used, "Passphrase: "), 0);
	assert_true(write(m, first, strlen(first)) > 0);
	assert_int_equal(pty_wait(m, all, cap, &used, "Repeat passphrase: "),
	    0);
	assert_true(write(m, second, strlen(second)) > 0);
	assert_int_equal(read(r, res, sizeof *res), sizeof *res);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pty_wait(m, all, cap, &used, NULL);	/* whatever is left */
	close(m);
	close(r);
}

static void
test_passphrase_tty(void **state)
{
	struct tty_result	res;
	char			all[4096];

	(void)state;
	tty_session("tty secret 1\n", "tty secret 1\n", &res, all, sizeof all);
	assert_int_equal(res.rv, XJ_OK);
	assert_int_equal(res.len, 12);
	assert_string_equal(res.pass, "tty secret 1");
	assert_true(res.echo);
	assert_null(strstr(all, "secret"));	/* not echoed */
}

static void
test_passphrase_tty_mismatch(void **state)
{
	struct tty_result	res;
	char			all[4096];

	(void)state;
	tty_session("tty secret 1\n", "tty secret 2\n", &res, all, sizeof all);
	assert_int_equal(res.rv, XJ_EDATA);
	assert_int_equal(res.len, 0);
	assert_true(res.echo);
}

/* ^C at the prompt ends the program, and echo is back on. */
static void
test_passphrase_tty_sigint(void **state)
{
	struct termios	t;
	char		all[4096];
	size_t		used = 0;
	int		m, r, s, status;
	pid_t		pid;

	(void)state;
	pid = pty_child(0, &m, &r, &s);
	assert_int_equal(pty_wait(m, all, sizeof all, &used, "Passphrase: "),
	    0);
	assert_int_equal(tcgetattr(s, &t), 0);
	assert_false(t.c_lflag & ECHO);
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	assert_int_equal(tcgetattr(s, &t), 0);
	assert_true(t.c_lflag & ECHO);
	close(s);
	close(m);
	close(r);
}

static void
test_check_new(void **state)
{
	char	*cause = NULL;

	(void)state;
#define OK(s)	assert_int_equal(passphrase_check_new(s, strlen(s), &cause), \
		    XJ_OK)
#define BAD(s)	do { \
	assert_int_equal(passphrase_check_new(s, sizeof s - 1, &cause), \
	    XJ_EDATA); \
	free(cause); \
	cause = NULL; \
} while (0)
	(void)state;
	OK("correct horse");
	OK("学籍学籍学籍学籍");	/* 8 characters, 24 bytes */
	OK("𠮷𠮷𠮷𠮷欧阳司马");
	BAD("short");
	BAD("学籍学籍学籍学");	/* 7 characters */
	BAD("aaaaaaaaaaaa");
	BAD("学学学学学学学学");
	BAD("abc\xff" "defghij");
	BAD("abc\xc0\x80" "defghij");	/* overlong NUL */
	BAD("abcd\0efghij");
	BAD("abcd\tefghij");
	BAD("");
#undef OK
#undef BAD
}

/* Issue 19: the strength shown while a new passphrase is typed. */
static void
test_strength(void **state)
{
#define ST(s)	passphrase_strength(s, strlen(s))
	(void)state;
	assert_int_equal(ST("short"), PASS_REFUSED);
	assert_int_equal(ST("aaaaaaaaaaaa"), PASS_REFUSED);
	assert_int_equal(ST("password"), PASS_WEAK);		/* 26^8 */
	assert_int_equal(ST("12345678"), PASS_WEAK);
	assert_int_equal(ST("Tr0ub4dor"), PASS_FAIR);		/* 62^9 */
	assert_int_equal(ST("correct horse"), PASS_STRONG);	/* 59^13 */
	assert_int_equal(ST("学籍学籍学籍学籍"), PASS_STRONG);
#undef ST
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_add_refused),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_rotate),
		cmocka_unit_test(test_slot_bound_to_id_and_branch),
		cmocka_unit_test(test_slot_tampered),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_mac_forged_slot),
		cmocka_unit_test(test_mac_flip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_passphrase_fd),
		cmocka_unit_test(test_passphrase_no_tty),
		cmocka_unit_test(test_passphrase_tty),
		cmocka_unit_test(test_passphrase_tty_mismatch),
		cmocka_unit_test(test_passphrase_tty_sigint),
		cmocka_unit_test(test_check_new),
		cmocka_unit_test(test_strength),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
