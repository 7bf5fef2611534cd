/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The measurement behind the page HMAC (xueji(7), ENGINE): the same
 * table of N random 80-character values with an index, written once
 * under HMAC-SHA512 and once under HMAC-SHA256 (raw key, 4096-byte
 * pages, memory security on: the hashing is the same either way),
 * then ROUNDS interleaved rounds of a scan of the index and PRAGMA
 * cipher_integrity_check on a fresh connection each, in CPU time.  Not
 * part of any build:
 *
 *   cc -O2 $(pkg-config --cflags sqlcipher) tests/bench/hmac/hmac.c \
 *       -o /tmp/hmac $(pkg-config --libs sqlcipher)
 *   /tmp/hmac DIR 400000 9
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

static const char *const hmacs[] = { "HMAC_SHA512", "HMAC_SHA256" };

static double
cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sqlite3 *
open_as(const char *path, const char *hmac)
{
	sqlite3	*db;
	char	 sql[512];

	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	snprintf(sql, sizeof sql, "PRAGMA key = \"x'00112233445566778899aabb"
	    "ccddeeff00112233445566778899aabbccddeeff'\";"
	    "PRAGMA cipher_log_level = NONE;"
	    "PRAGMA cipher_memory_security = ON;"
	    "PRAGMA cipher_page_size = 4096;"
	    "PRAGMA cipher_hmac_algorithm = %s", hmac);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	return db;
}

static double
timed(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt;
	double		 t0 = cpu();

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		exit(1);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		;
	sqlite3_finalize(stmt);
	return cpu() - t0;
}

int
main(int argc, char **argv)
{
	sqlite3	*db;
	char	 path[2][4096], sql[512];
	int	 i, r, n, rounds;

	if (argc != 4)
		return 64;
	n = atoi(argv[2]);
	rounds = atoi(argv[3]);
	for (i = 0; i < 2; i++) {
		snprintf(path[i], sizeof path[i], "%s/%s.db", argv[1],
		    hmacs[i]);
		remove(path[i]);
		db = open_as(path[i], hmacs[i]);
		snprintf(sql, sizeof sql, "CREATE TABLE t (id INTEGER "
		    "PRIMARY KEY, v TEXT); CREATE INDEX tv ON t(v);"
		    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
		    "FROM r WHERE i < %d) INSERT INTO t SELECT i, "
		    "hex(randomblob(40)) FROM r", n);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return 1;
		sqlite3_close(db);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 2; i++) {
			db = open_as(path[i], hmacs[i]);
			printf("%s scan %.3f s", hmacs[i], timed(db,
			    "SELECT count(*) FROM t WHERE v LIKE 'Z%'"));
			printf(" cipher_integrity_check %.3f s\n", timed(db,
			    "PRAGMA cipher_integrity_check"));
			sqlite3_close(db);
		}
	}
	return 0;
}
