/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * SQLCipher page layout with cipher_page_size 4096 and a raw key: the
 * key is the AES-256 key itself; each page ends in a reserved area
 * holding the 16-byte IV and the HMAC (48 bytes in 3.x and with 4.x's
 * HMAC-SHA256, 80 with its default SHA-512); page 1 begins with the
 * 16-byte salt, in clear, and its encrypted part starts after it.  A WAL
 * frame is a 24-byte header and one such page, after the 32-byte WAL
 * header.
 *
 * The reserved size is read from the file.  The database header's byte
 * 20 says how many bytes at the end of each page SQLite leaves alone,
 * but page 1 holds it encrypted in its first block, and SQLCipher may
 * use fewer of them than that (4.6 with HMAC-SHA256 set after the key:
 * 80 reserved, 48 used).  So each size the cipher could use is tried
 * as the place of the IV: the one under which page 1's first block
 * decrypts to a header naming 4096-byte pages, SQLite's fixed payload
 * fractions and a reserve that holds it is the file's.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "xueji/platform.h"
#include "lib/pages.h"

#define PAGE		4096
#define IV		16
#define SALT		16
#define WAL_HEADER	32
#define FRAME_HEADER	24

/* Decrypt len bytes at in with iv; 0 or -1. */
static int
decrypt(const unsigned char *in, int len, const unsigned char *key,
    const unsigned char *iv, unsigned char *out)
{
	EVP_CIPHER_CTX	*ctx;
	int		 n1 = 0, n2 = 0, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_DecryptUpdate(ctx, out, &n1, in, len) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + n1, &n2) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok && n1 + n2 == len ? 0 : -1;
}

int
tl_pages_reserve(const unsigned char *page1, const unsigned char key[DB_KEY_BYTES])
{
	unsigned char	h[IV];
	int		r;

	/* The header's bytes 16-31: page size, versions, reserve, 64 32 32. */
	for (r = IV + 16; r <= 255 - 255 % IV; r += IV) {
		if (decrypt(page1 + SALT, IV, key, page1 + PAGE - r, h) != 0)
			continue;
		if (h[0] == PAGE >> 8 && h[1] == 0 && h[4] >= r &&
		    h[5] == 64 && h[6] == 32 && h[7] == 32)
			return r;
	}
	return -1;
}

/* Decrypt one page image's whole body; is_first for page 1.  0 or -1. */
static int
decrypt_page(const unsigned char *in, int is_first, int reserve,
    const unsigned char *key, unsigned char *out, int *outlen)
{
	int	off = is_first ? SALT : 0;

	*outlen = PAGE - reserve - off;
	return decrypt(in + off, *outlen, key, in + PAGE - reserve, out);
}

static int
scan(const unsigned char *buf, size_t len, size_t start, size_t stride,
    size_t skip, int reserve, const unsigned char *key, const void *needle,
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
		if (decrypt_page(p, first, reserve, key, plain, &n) != 0)
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
	int	 found, reserve;

	*pages = 0;
	if (xj_read_file(path, (size_t)1 << 30, &buf, &n, NULL) != XJ_OK)
		return -1;
	if (n < PAGE || (reserve = tl_pages_reserve((unsigned char *)buf,
	    key)) == -1) {
		free(buf);
		return -1;
	}
	found = scan((unsigned char *)buf, n, 0, PAGE, 0, reserve, key, needle,
	    len, 0, pages);
	free(buf);
	xasprintf(&wal, "%s-wal", path);
	if (xj_read_file(wal, (size_t)1 << 30, &buf, &n, NULL) == XJ_OK) {
		found += scan((unsigned char *)buf, n, WAL_HEADER,
		    FRAME_HEADER + PAGE, FRAME_HEADER, reserve, key, needle,
		    len, 1, pages);
		free(buf);
	}
	free(wal);
	return found;
}

int
tl_page_plain(const char *path, const unsigned char key[DB_KEY_BYTES], unsigned pgno,
    unsigned char *out, int *len)
{
	char	*buf;
	size_t	 n;
	int	 reserve, rc = -1;

	if (pgno == 0 ||
	    xj_read_file(path, (size_t)1 << 30, &buf, &n, NULL) != XJ_OK)
		return -1;
	if (n >= (size_t)pgno * PAGE &&
	    (reserve = tl_pages_reserve((unsigned char *)buf, key)) != -1)
		rc = decrypt_page((unsigned char *)buf + (size_t)(pgno - 1) *
		    PAGE, pgno == 1, reserve, key, out, len);
	free(buf);
	return rc;
}
