/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Keying a handle and the settings it must have.  The cipher settings of
 * each format a branch's file may be in, the check that the library is
 * SQLCipher 4.6 or later, keying a handle or an attached file and reading
 * every setting back, the pragmas of the design (store_configure) and the
 * change of a branch's key (store_rekey).  A setting that does not read
 * back as asked refuses to run: nothing here is best effort.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/checkpoint.h"
#include "store-int.h"

/* Whether PRAGMA name on db reads back as want (case aside). */
static int
pragma_is(sqlite3 *db, const char *name, const char *want)
{
	sqlite3_stmt	*stmt;
	char		*sql;
	int		 ok = 0;

	xasprintf(&sql, "PRAGMA %s", name);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW &&
		    sqlite3_column_text(stmt, 0) != NULL)
			ok = strcasecmp((const char *)
			    sqlite3_column_text(stmt, 0), want) == 0;
		sqlite3_finalize(stmt);
	}
	free(sql);
	return ok;
}

/* Read back one pragma and compare with what was asked for. */
static int
check_pragma(sqlite3 *db, const char *name, const char *want, char **cause)
{
	if (!pragma_is(db, name, want))
		return xj_fail(cause, XJ_EUNAVAIL, _("the database setting %s "
		    "did not take effect (wanted %s); refusing to run"), name,
		    want);
	return XJ_OK;
}

static int
set_key(sqlite3 *db, const unsigned char key[DB_KEY_BYTES])
{
	char	 hex[2 * 32 + 1], *sql;
	int	 rc;

	xj_hex(key, 32, hex);
	xasprintf(&sql, "PRAGMA key = \"x'%s'\"", hex);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(sql, strlen(sql));
	free(sql);
	return rc;
}

/* Whether the key opens the file: the first read decrypts page 1. */
static int
key_works(sqlite3 *db)
{
	return sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL,
	    NULL, NULL) == SQLITE_OK;
}

/*
 * The cipher settings of each format a branch's file may be in.  This
 * version writes STORE_FORMAT_4 only; the others are read to upgrade
 * them (upgrade.c).
 *
 * The page HMAC is SHA-256, not 4.x's default SHA-512: every page read
 * is checked, and at 400,000 rows an index scan took 13 % and PRAGMA
 * cipher_integrity_check 23 % less CPU with it (xueji(7), ENGINE),
 * which is 3.x's speed back; a 256-bit HMAC key and tag are as strong
 * as the AES-256 key they sit beside.  The KDF settings are read back
 * only to show they are the library's: a raw key ("x'...'") is the
 * AES key itself and never goes through the KDF, so neither its
 * algorithm nor its iterations apply (the passphrase's KDF is
 * Argon2id, in the key slots).
 */
static const struct {
	const char	*compat, *hmac, *kdf;
} formats[] = {
	[STORE_FORMAT_4] = { "4", "HMAC_SHA256", "PBKDF2_HMAC_SHA512" },
	[STORE_FORMAT_4_SHA512] = { "4", "HMAC_SHA512",
	    "PBKDF2_HMAC_SHA512" },
	/* xueji up to 0.1 on SQLCipher 3.4.1: its defaults, 4 KiB pages. */
	[STORE_FORMAT_3] = { "3", "HMAC_SHA1", "PBKDF2_HMAC_SHA1" },
};

const char *
store_format_name(enum store_format f)
{
	static const char *const names[] = {
		[STORE_FORMAT_4] = "sqlcipher4-sha256",
		[STORE_FORMAT_4_SHA512] = "sqlcipher4-sha512",
		[STORE_FORMAT_3] = "sqlcipher3",
	};

	return names[f];
}

/* Read back f's cipher settings of schema (NULL: main) on db. */
static int
check_cipher(sqlite3 *db, const char *schema, enum store_format f,
    char **cause)
{
	const struct {
		const char	*name, *want;
	} back[] = {
		{ "cipher_page_size", "4096" },
		{ "cipher_hmac_algorithm", formats[f].hmac },
		{ "cipher_kdf_algorithm", formats[f].kdf },
		{ "cipher_use_hmac", "1" },
		{ "cipher_plaintext_header_size", "0" },
	};
	char	*name;
	size_t	 i;
	int	 rc = XJ_OK;

	for (i = 0; rc == XJ_OK && i < nitems(back); i++) {
		xasprintf(&name, "%s%s%s", schema != NULL ? schema : "",
		    schema != NULL ? "." : "", back[i].name);
		rc = check_pragma(db, name, back[i].want, cause);
		free(name);
	}
	return rc;
}

/* SQLCipher 4.6 or later, or refuse to run (once per process). */
static int
engine_ok(sqlite3 *db, char **cause)
{
	static int	 checked;
	sqlite3_stmt	*stmt;
	const char	*v = NULL;
	int		 major = 0, minor = 0, rc = XJ_OK;

	if (checked)
		return XJ_OK;
	if (sqlite3_prepare_v2(db, "PRAGMA cipher_version", -1, &stmt,
	    NULL) != SQLITE_OK)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("the SQLite library "
		    "is not SQLCipher; refusing to run"));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = (const char *)sqlite3_column_text(stmt, 0);
	if (v == NULL || sscanf(v, "%d.%d", &major, &minor) != 2 ||
	    major < 4 || (major == 4 && minor < 6))
		rc = xj_fail(cause, XJ_EUNAVAIL, _("SQLCipher %s is older than "
		    "4.6; refusing to run"), v != NULL ? v : "?");
	sqlite3_finalize(stmt);
	checked = rc == XJ_OK;
	return rc;
}

int
store_key_db(sqlite3 *db, const unsigned char key[DB_KEY_BYTES],
    enum store_format f, char **cause)
{
	char	*sql;
	int	 rc;

	/* Memory locked and wiped, or no key handed to the library. */
	if ((rc = store_memory_secured(cause)) != XJ_OK)
		return rc;
	/* The key first: it starts the library, which resets its logging. */
	if (set_key(db, key) != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot key the database: %s"),
		    sqlite3_errmsg(db));
	if ((rc = engine_ok(db, cause)) != XJ_OK)
		return rc;
	/*
	 * No library line on stderr, ever: a page that fails its HMAC is
	 * our error to report, not a line painted over the screen.
	 */
	if (sqlite3_exec(db, "PRAGMA cipher_log_level = NONE", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    (rc = check_pragma(db, "cipher_log_level", "NONE", cause)) != 0)
		return rc != XJ_OK ? rc : xj_fail(cause, XJ_EUNAVAIL, "%s",
		    _("cannot silence the SQLCipher library; refusing to "
		    "run"));
	/*
	 * Memory security, switched on for the process before the first
	 * connection (memory.c, which makes it affordable), read back.
	 */
	if ((rc = check_pragma(db, "cipher_memory_security", "1", cause)) != 0)
		return rc;
	xasprintf(&sql, "PRAGMA cipher_compatibility = %s; "
	    "PRAGMA cipher_page_size = 4096; "
	    "PRAGMA cipher_hmac_algorithm = %s", formats[f].compat,
	    formats[f].hmac);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return xj_fail(cause, XJ_EUNAVAIL, _("cannot set the cipher: "
		    "%s"), sqlite3_errmsg(db));
	if ((rc = check_cipher(db, NULL, f, cause)) != XJ_OK)
		return rc;
	if (!key_works(db))
		return xj_fail(cause, XJ_EDATA, "%s", _("the key does not open "
		    "this database"));
	return XJ_OK;
}

int
store_key_attached(sqlite3 *db, const char *path, const char *schema,
    const unsigned char key[DB_KEY_BYTES], enum store_format f, char **cause)
{
	sqlite3_stmt	*stmt;
	char		 hex[2 * 32 + 1], *sql;
	int		 rc;

	xj_hex(key, 32, hex);
	xasprintf(&sql, "ATTACH ? AS %s KEY \"x'%s'\"", schema, hex);
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(sql, strlen(sql));
	free(sql);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK :
		    SQLITE_ERROR;
		sqlite3_finalize(stmt);
	}
	if (rc != SQLITE_OK)
		return xj_fail(cause, XJ_EIO, _("cannot open %s: %s"), path,
		    sqlite3_errmsg(db));
	/* An attached file starts from the library's defaults: set all. */
	xasprintf(&sql, "PRAGMA %s.cipher_compatibility = %s; "
	    "PRAGMA %s.cipher_page_size = 4096; "
	    "PRAGMA %s.cipher_hmac_algorithm = %s", schema, formats[f].compat,
	    schema, schema, formats[f].hmac);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return xj_fail(cause, XJ_EUNAVAIL, _("cannot set the cipher: "
		    "%s"), sqlite3_errmsg(db));
	return check_cipher(db, schema, f, cause);
}

int
store_engine(char **sqlcipher, const char **sqlite)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	const char	*v;

	*sqlcipher = NULL;
	*sqlite = sqlite3_libversion();
	if (store_db_open(":memory:", &db, SQLITE_OPEN_READWRITE) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA cipher_version", -1,
	    &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW &&
		    (v = (const char *)sqlite3_column_text(stmt, 0)) != NULL)
			*sqlcipher = xstrdup(v);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return *sqlcipher != NULL ? XJ_OK : XJ_EUNAVAIL;
}

/* The pragmas of the design, each read back. */
int
store_configure(struct store *st, char **cause)
{
	static const struct {
		const char	*set, *name, *want;
	} pragmas[] = {
		{ "PRAGMA journal_mode = WAL", "journal_mode", "wal" },
		{ "PRAGMA synchronous = FULL", "synchronous", "2" },
		{ "PRAGMA temp_store = MEMORY", "temp_store", "2" },
		{ "PRAGMA secure_delete = ON", "secure_delete", "1" },
		{ "PRAGMA foreign_keys = ON", "foreign_keys", "1" },
		{ "PRAGMA cache_size = -" STORE_CACHE_KIB, "cache_size",
		  "-" STORE_CACHE_KIB },
	};
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;

	for (i = 0; i < nitems(pragmas); i++) {
		/* journal_mode answers with a row; step it through. */
		if (sqlite3_prepare_v2(st->db, pragmas[i].set, -1, &stmt,
		    NULL) != SQLITE_OK)
			return db_error(st, _("cannot open the database"), cause);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE)
			return db_error(st, _("cannot open the database"), cause);
		if ((rc = check_pragma(st->db, pragmas[i].name,
		    pragmas[i].want, cause)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}


int
store_rekey(struct store *st, const unsigned char key[DB_KEY_BYTES],
    const unsigned char old_seed[32], const unsigned char new_seed[32],
    char **cause)
{
	char	hex[2 * 32 + 1], *sql;
	int	rc;

	if ((rc = store_require(st, PERM_OPERATOR_MANAGE, "operator.rotate-key",
	    cause)) != XJ_OK)
		return rc;
	/* Old pages must not linger in the WAL under the old key. */
	if ((rc = store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)",
	    _("cannot change the database key"), cause)) != XJ_OK)
		return rc;
	xj_hex(key, DB_KEY_BYTES, hex);
	xasprintf(&sql, "PRAGMA rekey = \"x'%s'\"", hex);
	rc = store_exec(st, sql, _("cannot change the database key"), cause);
	sodium_memzero(hex, sizeof hex);
	sodium_memzero(sql, strlen(sql));
	free(sql);
	if (rc != XJ_OK)
		return rc;
	if ((rc = store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)",
	    _("cannot change the database key"), cause)) != XJ_OK)
		return rc;
	return store_key_transition(st, old_seed, new_seed, cause);
}

int
store_key_transition(struct store *st, const unsigned char old_seed[32],
    const unsigned char new_seed[32], char **cause)
{
	sqlite3_stmt	*stmt;
	unsigned char	 npk[32];
	char		 hex[2 * 32 + 1], *like, *detail;
	int		 rc, found;

	if ((rc = tx_begin(st, cause)) != XJ_OK)
		return rc;
	/* Logged already (killed after the entry, before the slots)? */
	checkpoint_public_key(new_seed, npk);
	xj_hex(npk, sizeof npk, hex);
	xasprintf(&like, "%% new=%s %%", hex);
	if ((stmt = store_prepare(st, "SELECT 1 FROM audit WHERE action = "
	    "'operator.rotate-key' AND detail LIKE ?")) == NULL) {
		free(like);
		tx_rollback(st);
		return db_error(st, _("cannot change the database key"), cause);
	}
	sqlite3_bind_text(stmt, 1, like, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	store_release(stmt);
	free(like);
	if (found) {
		tx_rollback(st);
		return XJ_OK;
	}
	/* The old signing key vouches for the new one, up to this entry. */
	detail = checkpoint_transition(st->branch, store_audit_head(st),
	    old_seed, new_seed);
	return log_commit(st, "operator.rotate-key", "", "", detail, cause);
}

