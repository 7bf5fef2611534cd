/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * pages.h — read a SQLCipher database and its WAL page by page with
 * the raw key, without SQLCipher: every page, in use or free, decrypted
 * (AES-256-CBC, the IV in each page's reserved tail), so a test can show
 * that bytes are gone from the file and not merely unreachable.
 */
#ifndef XUEJI_TEST_PAGES_H
#define XUEJI_TEST_PAGES_H

#include <stddef.h>

#include "xueji/keys.h"

/*
 * Count the pages of the database at path (and of path-wal, if any) that
 * contain needle once decrypted with key.  *pages is set to the number of
 * pages decrypted in all.  -1 if the files cannot be read.
 */
int	 tl_pages_containing(const char *path,
	     const unsigned char key[DB_KEY_BYTES], const void *needle,
	     size_t len, int *pages);
/*
 * The reserved bytes at the end of each page (IV and HMAC), read from
 * page1, the file's first 4096 bytes; -1 if key does not decrypt it.
 */
int	 tl_pages_reserve(const unsigned char *page1,
	     const unsigned char key[DB_KEY_BYTES]);
/*
 * Page pgno of the database at path, decrypted whole into out (4096
 * bytes at least; page 1 without its salt): *len bytes.  0 or -1.
 */
int	 tl_page_plain(const char *path,
	     const unsigned char key[DB_KEY_BYTES], unsigned pgno,
	     unsigned char *out, int *len);

#endif
