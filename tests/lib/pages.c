/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * SQLCipher 3.x page layout, with cipher_page_size 4096 and a raw key:
 * the key is the AES-256 key itself; each page ends in a 48-byte reserved
 * area holding the 16-byte IV and the HMAC; page 1 begins with the
 * 16-byte salt, in clear, and its encrypted part starts after it.  A WAL
 * frame is a 24-byte header and one such page, after the 32-byte WAL
 * header.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "xueji/platform.h"
#include "lib/pages.h"

#define PAGE		4096
#define RESERVE		48
#define IV		16
#define SALT		16
#define WAL_HEADER	32
#define FRAME_HEADER	24

/* Decrypt one page image; is_first for page 1.  0 or -1. */
static int
decrypt_page(const unsigned char *in, int is_first, const unsigned char *key,
    unsigned char *out, int *outlen)
{
	EVP_CIPHER_CTX	*ctx;
	const unsigned char *iv = in + PAGE - RESERVE;
	int		 off = is_first ? SALT : 0, n1 = 0, n2 = 0, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_DecryptUpdate(ctx, out, &n1, in + off,
	    PAGE - RESERVE - off) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + n1, &n2) == 1;
	EVP_CIPHER_CTX_free(ctx);
	*outlen = n1 + n2;
	return ok ? 0 : -1;
}

static int
scan(const unsigned char *buf, size_t len, size_t start, size_t stride,
    size_t skip, const unsigned char *key, const void *needle,
    size_t nlen, int wal, int *pages)
{
	unsigned char	 plain[PAGE];
	const unsigned char *p;
	size_t		 off;
	int		 n, found = 0, first;
	unsigned	 pgno;

	for (off = start; off + stride <= len; off += stride) {
		p = buf + off + skip;
		if (wal) {
			pgno = (unsigned)buf[off] << 24 | buf[off + 1] << 16 |
			    buf[off + 2] << 8 | buf[off + 3];
			first = pgno == 1;
		} else
			first = off == 0;
		if (decrypt_page(p, first, key, plain, &n) != 0)
			continue;
		(*pages)++;
		if (memmem(plain, (size_t)n, needle, nlen) != NULL)
			found++;
	}
	return found;
}

int
tl_pages_containing(const char *path, const unsigned char key[DB_KEY_BYTES],
    const void *needle, size_t len, int *pages)
{
	char	*buf, *wal;
	size_t	 n;
	int	 found;

	*pages = 0;
	if (xj_read_file(path, (size_t)1 << 30, &buf, &n, NULL) != XJ_OK)
		return -1;
	found = scan((unsigned char *)buf, n, 0, PAGE, 0, key, needle, len, 0,
	    pages);
	free(buf);
	xasprintf(&wal, "%s-wal", path);
	if (xj_read_file(wal, (size_t)1 << 30, &buf, &n, NULL) == XJ_OK) {
		found += scan((unsigned char *)buf, n, WAL_HEADER,
		    FRAME_HEADER + PAGE, FRAME_HEADER, key, needle, len, 1,
		    pages);
		free(buf);
	}
	free(wal);
	return found;
}
