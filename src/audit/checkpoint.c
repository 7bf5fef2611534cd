/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Signed checkpoints of the audit chain.  See checkpoint.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/checkpoint.h"
#include "audit-db.h"

#define MAGIC		"xueji-checkpoint 1\n"
#define TEXT_MAX	4096

void
checkpoint_public_key(const unsigned char seed[32],
    unsigned char pk[CHECKPOINT_PK_BYTES])
{
	unsigned char	*sk;

	sk = secure_alloc(crypto_sign_SECRETKEYBYTES);
	crypto_sign_seed_keypair(pk, sk, seed);
	secure_free(sk);
}

/* The signed part: every line up to and including "key". */
static char *
body(const char *branch, int64_t seq, const unsigned char head[32],
    time_t at, const unsigned char pk[32])
{
	char	hhex[65], khex[65], when[32], *s;

	xj_hex(head, 32, hhex);
	xj_hex(pk, 32, khex);
	xj_isotime(at, when, sizeof when);
	xasprintf(&s, MAGIC "branch %s\nseq %" PRId64 "\nhead %s\ntime %s\n"
	    "key %s\n", branch, seq, hhex, when, khex);
	return s;
}

int
checkpoint_make(sqlite3 *db, const char *branch, const unsigned char seed[32],
    char **text, int64_t *seqp, char **cause)
{
	unsigned char	 pk[32], head[32], sig[64], *sk;
	sqlite3_stmt	*stmt;
	char		*b, shex[129];
	int64_t		 seq = 0;
	int		 rc;

	*text = NULL;
	if (sqlite3_prepare_v2(db, "SELECT seq, hash FROM audit ORDER BY seq "
	    "DESC LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
		    sqlite3_errmsg(db));
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(stmt, 1) == 32) {
		seq = sqlite3_column_int64(stmt, 0);
		memcpy(head, sqlite3_column_blob(stmt, 1), 32);
	}
	sqlite3_finalize(stmt);
	if (seq == 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("the audit log is empty "
		    "or damaged; verify the branch"));

	sk = secure_alloc(crypto_sign_SECRETKEYBYTES);
	crypto_sign_seed_keypair(pk, sk, seed);
	b = body(branch, seq, head, xj_now(), pk);
	crypto_sign_detached(sig, NULL, (const unsigned char *)b, strlen(b),
	    sk);
	secure_free(sk);
	xj_hex(sig, sizeof sig, shex);
	xasprintf(text, "%ssig %s\n", b, shex);
	free(b);
	*seqp = seq;
	return XJ_OK;
}

/*
 * Take "name value\n" at *p; value copied into out (size n).  A NUL in the
 * value is refused: the C string read would not be the text signed.
 */
static int
field(const char **p, const char *end, const char *name, char *out, size_t n)
{
	size_t		 len = strlen(name);
	const char	*nl;

	if ((size_t)(end - *p) < len + 1 || strncmp(*p, name, len) != 0 ||
	    (*p)[len] != ' ')
		return -1;
	*p += len + 1;
	if ((nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL ||
	    (size_t)(nl - *p) >= n || nl == *p ||
	    memchr(*p, '\0', (size_t)(nl - *p)) != NULL)
		return -1;
	memcpy(out, *p, (size_t)(nl - *p));
	out[nl - *p] = '\0';
	*p = nl + 1;
	return 0;
}

int
checkpoint_parse(const char *buf, size_t len, struct checkpoint *c,
    char **cause)
{
	const char	*p = buf, *end = buf + len, *signed_end;
	char		 seq[24], head[65], when[32], key[65], sig[129], *e;
	struct tm	 tm;

	memset(c, 0, sizeof *c);
	if (len > TEXT_MAX || len < sizeof MAGIC - 1 ||
	    memcmp(buf, MAGIC, sizeof MAGIC - 1) != 0)
		goto bad;
	p += sizeof MAGIC - 1;
	if (field(&p, end, "branch", c->branch, sizeof c->branch) != 0 ||
	    field(&p, end, "seq", seq, sizeof seq) != 0 ||
	    field(&p, end, "head", head, sizeof head) != 0 ||
	    field(&p, end, "time", when, sizeof when) != 0 ||
	    field(&p, end, "key", key, sizeof key) != 0)
		goto bad;
	signed_end = p;
	if (field(&p, end, "sig", sig, sizeof sig) != 0 || p != end)
		goto bad;
	c->seq = strtoll(seq, &e, 10);
	if (*e != '\0' || c->seq <= 0)
		goto bad;
	memset(&tm, 0, sizeof tm);
	e = strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (e == NULL || *e != '\0')
		goto bad;
	c->at = timegm(&tm);
	if (xj_unhex(head, c->head, sizeof c->head) != 0 ||
	    xj_unhex(key, c->pk, sizeof c->pk) != 0 ||
	    xj_unhex(sig, c->sig, sizeof c->sig) != 0)
		goto bad;
	if (crypto_sign_verify_detached(c->sig, (const unsigned char *)buf,
	    (unsigned long long)(signed_end - buf), c->pk) != 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("the checkpoint's "
		    "signature is not valid: it was altered or forged"));
	return XJ_OK;
bad:
	return xj_fail(cause, XJ_EDATA, "%s", _("not a well-formed xueji "
	    "checkpoint"));
}

int
checkpoint_check(sqlite3 *db, const char *branch,
    const unsigned char pk[CHECKPOINT_PK_BYTES], const struct checkpoint *c,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int64_t		 last = 0;
	int		 rc, same = 0, found = 0;

	if (strcmp(c->branch, branch) != 0)
		return xj_fail(cause, XJ_EDATA, _("the checkpoint is of branch "
		    "%s, not %s"), c->branch, branch);
	if (sodium_memcmp(c->pk, pk, CHECKPOINT_PK_BYTES) != 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("the checkpoint was "
		    "not signed with this branch's key"));
	if (sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE seq = ?", -1,
	    &stmt, NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
		    sqlite3_errmsg(db));
	sqlite3_bind_int64(stmt, 1, c->seq);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		found = 1;
		same = sqlite3_column_bytes(stmt, 0) == 32 &&
		    sodium_memcmp(sqlite3_column_blob(stmt, 0), c->head,
		    32) == 0;
	}
	sqlite3_finalize(stmt);
	if (found && same)
		return XJ_OK;
	if (found)
		return xj_fail(cause, XJ_TAMPERED, _("audit entry %" PRId64
		    " is not the one the checkpoint signed: the log was "
		    "rewritten, or the database replaced by an older copy"),
		    c->seq);
	if (sqlite3_prepare_v2(db, "SELECT max(seq) FROM audit", -1, &stmt,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			last = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	return xj_fail(cause, XJ_TAMPERED, _("the log ends at entry %" PRId64
	    " but the checkpoint covers %" PRId64 ": it was cut short, or the "
	    "database is an older copy"), last, c->seq);
}

/*
 * Key transitions.  operator rotate-key draws a new signing seed; the
 * old key signs the statement
 *
 *	xueji-key-transition 1
 *	branch SH01
 *	upto 1234
 *	old <64 hex>
 *	new <64 hex>
 *
 * which goes into the log as the rotate-key entry's detail (old= new=
 * upto= sig=).  Checkpoints of the old key stand for entries up to upto
 * only: whoever kept the old seed can sign nothing current.
 */
#define TRANSITION_MAGIC	"xueji-key-transition 1\n"

static char *
transition_body(const char *branch, int64_t upto, const unsigned char
    old[32], const unsigned char new[32])
{
	char	ohex[65], nhex[65], *s;

	xj_hex(old, 32, ohex);
	xj_hex(new, 32, nhex);
	xasprintf(&s, TRANSITION_MAGIC "branch %s\nupto %" PRId64 "\nold %s\n"
	    "new %s\n", branch, upto, ohex, nhex);
	return s;
}

char *
checkpoint_transition(const char *branch, int64_t upto,
    const unsigned char old_seed[32], const unsigned char new_seed[32])
{
	unsigned char	 opk[32], npk[32], sig[64], *sk;
	char		*b, *detail, ohex[65], nhex[65], shex[129];

	checkpoint_public_key(new_seed, npk);
	sk = secure_alloc(crypto_sign_SECRETKEYBYTES);
	crypto_sign_seed_keypair(opk, sk, old_seed);
	b = transition_body(branch, upto, opk, npk);
	crypto_sign_detached(sig, NULL, (const unsigned char *)b, strlen(b),
	    sk);
	secure_free(sk);
	free(b);
	xj_hex(opk, 32, ohex);
	xj_hex(npk, 32, nhex);
	xj_hex(sig, sizeof sig, shex);
	xasprintf(&detail, "old=%s new=%s upto=%" PRId64 " sig=%s", ohex, nhex,
	    upto, shex);
	return detail;
}

/* The hex value of key in a detail into out (n bytes); -1 if absent. */
static int
detail_hex(const char *detail, const char *key, unsigned char *out,
    size_t n)
{
	char		 want[16], hex[129];
	const char	*p;
	size_t		 len;

	snprintf(want, sizeof want, "%s=", key);
	if ((p = strstr(detail, want)) == NULL)
		return -1;
	p += strlen(want);
	if ((len = strcspn(p, " ")) != 2 * n || len >= sizeof hex)
		return -1;
	memcpy(hex, p, len);
	hex[len] = '\0';
	return xj_unhex(hex, out, n);
}

int
checkpoint_follow(sqlite3 *db, const char *branch,
    const unsigned char pk[CHECKPOINT_PK_BYTES], const struct checkpoint *c,
    char **cause)
{
	sqlite3_stmt	*stmt;
	unsigned char	 k[32], old[32], new[32], sig[64];
	const char	*detail, *u;
	char		*b;
	int64_t		 seq, upto;
	int		 rc = XJ_OK, retired = 0, ok;

	if (sodium_memcmp(c->pk, pk, CHECKPOINT_PK_BYTES) == 0)
		return XJ_OK;
	memcpy(k, c->pk, sizeof k);
	if (sqlite3_prepare_v2(db, "SELECT seq, detail FROM audit WHERE "
	    "action = 'operator.rotate-key' ORDER BY seq", -1, &stmt,
	    NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot read the audit log: %s"),
		    sqlite3_errmsg(db));
	while (rc == XJ_OK && sqlite3_step(stmt) == SQLITE_ROW) {
		seq = sqlite3_column_int64(stmt, 0);
		detail = (const char *)sqlite3_column_text(stmt, 1);
		/* Rotations that kept the signing key say nothing. */
		if (detail == NULL || detail_hex(detail, "old", old, 32) != 0 ||
		    detail_hex(detail, "new", new, 32) != 0 ||
		    detail_hex(detail, "sig", sig, 64) != 0 ||
		    (u = strstr(detail, "upto=")) == NULL)
			continue;
		upto = strtoll(u + 5, NULL, 10);
		b = transition_body(branch, upto, old, new);
		ok = crypto_sign_verify_detached(sig, (const unsigned char *)b,
		    strlen(b), old) == 0;
		free(b);
		if (!ok) {
			rc = xj_fail(cause, XJ_TAMPERED, _("the key transition "
			    "of entry %" PRId64 " does not verify: the log was "
			    "rewritten"), seq);
			break;
		}
		if (sodium_memcmp(old, k, 32) != 0)
			continue;
		if (!retired && c->seq > upto) {
			rc = xj_fail(cause, XJ_TAMPERED, _("the checkpoint of "
			    "entry %" PRId64 " is signed with a key retired at "
			    "entry %" PRId64 ": a retired key signs nothing "
			    "current"), c->seq, seq);
			break;
		}
		retired = 1;
		memcpy(k, new, sizeof k);
	}
	sqlite3_finalize(stmt);
	if (rc == XJ_OK && sodium_memcmp(k, pk, 32) != 0)
		rc = xj_fail(cause, XJ_EDATA, "%s", _("the checkpoint was "
		    "not signed with this branch's key"));
	return rc;
}

