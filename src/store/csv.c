/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The CSV reader (csv.h), and the field writer of the export.  It lives
 * beside the store because the import and the export are its users, but
 * it touches no database.
 *
 * The structure (quotes, commas, line breaks) is found on the file's own
 * bytes and each field decoded on its own, which is what lets every
 * decoding error name its row and column.  That is safe for GB18030 as
 * for UTF-8: no byte of a multi-byte GB18030 character is below 0x30, so
 * none is a quote, comma, CR, LF or NUL.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/csv.h"

#define UTF8_BOM	"\xef\xbb\xbf"
#define GB18030_BOM	"\x84\x31\x95\x33"

const struct csv_limits csv_default_limits = {
	.max_bytes = 16 * 1024 * 1024,
	.max_rows = 100000,
	.max_fields = 256,
	.max_field_bytes = 65536,
};

static const char *const encoding_names[] = {
	[CSV_AUTO] = "auto",
	[CSV_UTF8] = "utf8",
	[CSV_GB18030] = "gb18030",
};

int
csv_encoding_parse(const char *s)
{
	if (strcasecmp(s, "auto") == 0)
		return CSV_AUTO;
	if (strcasecmp(s, "utf8") == 0 || strcasecmp(s, "utf-8") == 0)
		return CSV_UTF8;
	if (strcasecmp(s, "gb18030") == 0 || strcasecmp(s, "gbk") == 0 ||
	    strcasecmp(s, "gb2312") == 0)
		return CSV_GB18030;
	return -1;
}

const char *
csv_encoding_name(enum csv_encoding e)
{
	return encoding_names[e];
}

/* A growing byte buffer, wiped whenever it is let go. */
struct buf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

static void
buf_add(struct buf *b, char c)
{
	char	*n;

	if (b->len + 1 >= b->size) {
		n = xmalloc(b->size == 0 ? 64 : b->size * 2);
		if (b->p != NULL) {
			memcpy(n, b->p, b->len);
			sodium_memzero(b->p, b->size);
			free(b->p);
		}
		b->size = b->size == 0 ? 64 : b->size * 2;
		b->p = n;
	}
	b->p[b->len++] = c;
}

static void
buf_wipe(struct buf *b)
{
	if (b->p != NULL) {
		sodium_memzero(b->p, b->size);
		free(b->p);
	}
	memset(b, 0, sizeof *b);
}

/* The state of one parse. */
struct parser {
	const struct csv_limits	*lim;
	enum csv_encoding	 enc;		/* CSV_UTF8 or CSV_GB18030 */
	int			 guessed;	/* enc was detected, not chosen */
	iconv_t			 cd;
	struct csv		*csv;
	struct csv_row		*row;		/* being filled */
	size_t			 rowno, colno, line;
	struct csv_where	*where;
	char			**cause;
};

static int
fail_at(struct parser *ps, size_t row, size_t col, const char *fmt, ...)
    XJ_PRINTF(4, 5);

static int
fail_at(struct parser *ps, size_t row, size_t col, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ps->where != NULL) {
		ps->where->row = row;
		ps->where->column = col;
	}
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xj_fail(ps->cause, XJ_EDATA, _("row %zu, column %zu: %s"), row, col,
	    msg);
	free(msg);
	return XJ_EDATA;
}

/* Field raw[0..n) in the file's encoding to a new UTF-8 string. */
static int
decode(struct parser *ps, const char *raw, size_t n, char **out)
{
	char	*src = (char *)(uintptr_t)raw, *dst, *res;
	size_t	 left = n, room, size;

	*out = NULL;
	if (ps->enc == CSV_UTF8) {
		if (!utf8_valid(raw, n))
			return fail_at(ps, ps->rowno, ps->colno, "%s",
			    _("bytes that are not valid UTF-8; if the file is "
			    "GB18030 or GBK, say --encoding gb18030"));
		res = xmalloc(n + 1);
		memcpy(res, raw, n);
		res[n] = '\0';
		*out = res;
		return XJ_OK;
	}
	/* Two GB18030 bytes make at most three of UTF-8; four make four. */
	size = room = 2 * n + 4;
	res = dst = xmalloc(size);
	iconv(ps->cd, NULL, NULL, NULL, NULL);
	if (iconv(ps->cd, &src, &left, &dst, &room) == (size_t)-1 ||
	    iconv(ps->cd, NULL, NULL, &dst, &room) == (size_t)-1 ||
	    room == 0) {
		sodium_memzero(res, size);
		free(res);
		return fail_at(ps, ps->rowno, ps->colno, "%s", ps->guessed ?
		    _("bytes that are neither UTF-8 nor GB18030; save the "
		    "file as UTF-8 CSV") : _("bytes that are not valid GB18030 "
		    "(GBK); if the file is UTF-8, say --encoding utf8"));
	}
	*dst = '\0';
	*out = res;
	return XJ_OK;
}

/* End the current field: decode raw and add it to the row. */
static int
end_field(struct parser *ps, struct buf *raw)
{
	struct csv_row	*r = ps->row;
	char		*v;
	int		 rc;

	if (r->nfields >= ps->lim->max_fields)
		return fail_at(ps, ps->rowno, ps->colno, _("more than %zu "
		    "columns in a row"), ps->lim->max_fields);
	if (raw->len > 2 * ps->lim->max_field_bytes)
		return fail_at(ps, ps->rowno, ps->colno, _("a value longer "
		    "than %zu bytes"), ps->lim->max_field_bytes);
	if ((rc = decode(ps, raw->p != NULL ? raw->p : "", raw->len, &v)) !=
	    XJ_OK)
		return rc;
	if (raw->p != NULL)
		sodium_memzero(raw->p, raw->len);
	raw->len = 0;
	if (strlen(v) > ps->lim->max_field_bytes) {
		xfree_wipe(v);
		return fail_at(ps, ps->rowno, ps->colno, _("a value longer "
		    "than %zu bytes"), ps->lim->max_field_bytes);
	}
	r->fields = xreallocarray(r->fields, r->nfields + 1,
	    sizeof *r->fields);
	r->fields[r->nfields++] = v;
	return XJ_OK;
}

static int
begin_row(struct parser *ps)
{
	struct csv	*c = ps->csv;

	if (c->nrows >= ps->lim->max_rows)
		return fail_at(ps, c->nrows + 1, 1, _("more than %zu rows"),
		    ps->lim->max_rows);
	c->rows = xreallocarray(c->rows, c->nrows + 1, sizeof *c->rows);
	ps->row = &c->rows[c->nrows++];
	memset(ps->row, 0, sizeof *ps->row);
	ps->rowno = c->nrows;
	ps->row->row = ps->rowno;
	ps->row->line = ps->line;
	ps->colno = 1;
	return XJ_OK;
}

/* Read the records of p[0..len). */
static int
parse(struct parser *ps, const char *p, size_t len)
{
	const char	*end = p + len;
	struct buf	 raw = { NULL, 0, 0 };
	size_t		 qrow, qcol;
	int		 rc;

	while (p < end) {
		if ((rc = begin_row(ps)) != XJ_OK)
			goto out;
		for (;;) {
			if (p < end && *p == '"') {
				qrow = ps->rowno;
				qcol = ps->colno;
				for (p++;; p++) {
					if (p == end) {
						rc = fail_at(ps, qrow, qcol,
						    "%s", _("a quoted value is "
						    "not closed"));
						goto out;
					}
					if (*p == '"') {
						if (p + 1 < end && p[1] == '"') {
							buf_add(&raw, '"');
							p++;
							continue;
						}
						p++;
						break;
					}
					if (*p == '\0') {
						rc = fail_at(ps, ps->rowno,
						    ps->colno, "%s",
						    _("a NUL byte"));
						goto out;
					}
					/* A line break inside is "\n". */
					if (*p == '\r' && p + 1 < end &&
					    p[1] == '\n')
						p++;
					if (*p == '\r' || *p == '\n') {
						buf_add(&raw, '\n');
						ps->line++;
						continue;
					}
					buf_add(&raw, *p);
				}
				if (p < end && *p != ',' && *p != '\r' &&
				    *p != '\n') {
					rc = fail_at(ps, ps->rowno, ps->colno,
					    "%s", _("text after a closing "
					    "quote; a quote inside a quoted "
					    "value is written twice (\"\")"));
					goto out;
				}
			} else {
				for (; p < end && *p != ',' && *p != '\r' &&
				    *p != '\n'; p++) {
					if (*p == '"' || *p == '\0') {
						rc = fail_at(ps, ps->rowno,
						    ps->colno, "%s", *p == '"' ?
						    _("a quote inside a value "
						    "that does not start with "
						    "one; quote the whole value "
						    "and write the quote twice")
						    : _("a NUL byte"));
						goto out;
					}
					buf_add(&raw, *p);
				}
			}
			if ((rc = end_field(ps, &raw)) != XJ_OK)
				goto out;
			if (p == end)
				break;
			if (*p == ',') {
				p++;
				ps->colno++;
				continue;
			}
			/* CRLF, LF or a lone CR ends the record. */
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			p++;
			ps->line++;
			break;
		}
	}
	rc = XJ_OK;
out:
	buf_wipe(&raw);
	return rc;
}

int
csv_parse(const char *buf, size_t len, enum csv_encoding enc,
    const struct csv_limits *lim, struct csv **out, struct csv_where *where,
    char **cause)
{
	struct parser	 ps;
	int		 rc, bom = 0;

	*out = NULL;
	if (where != NULL)
		where->row = where->column = 0;
	if (lim == NULL)
		lim = &csv_default_limits;
	if (len > lim->max_bytes)
		return xj_fail(cause, XJ_EDATA, _("the file is larger than %zu "
		    "bytes; split it into several"), lim->max_bytes);

	memset(&ps, 0, sizeof ps);
	ps.lim = lim;
	ps.where = where;
	ps.cause = cause;
	ps.line = 1;
	ps.cd = (iconv_t)-1;
	if (len >= 3 && memcmp(buf, UTF8_BOM, 3) == 0) {
		if (enc == CSV_GB18030)
			return fail_at(&ps, 1, 1, "%s", _("the file is marked "
			    "as UTF-8 (it starts with a byte order mark); say "
			    "--encoding utf8 or auto"));
		enc = CSV_UTF8;
		bom = 3;
	} else if (len >= 4 && memcmp(buf, GB18030_BOM, 4) == 0 &&
	    enc != CSV_UTF8) {
		enc = CSV_GB18030;
		bom = 4;
	} else if (enc == CSV_AUTO) {
		enc = utf8_valid(buf, len) ? CSV_UTF8 : CSV_GB18030;
		ps.guessed = 1;
	}
	ps.enc = enc;
	buf += bom;
	len -= (size_t)bom;
	if (len == 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("the file is empty"));
	if (enc == CSV_GB18030 &&
	    (ps.cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("this system cannot "
		    "read GB18030 (iconv); save the file as UTF-8 CSV"));

	ps.csv = xcalloc(1, sizeof *ps.csv);
	crypto_generichash(ps.csv->digest, sizeof ps.csv->digest,
	    (const unsigned char *)buf - bom, len + (size_t)bom, NULL, 0);
	ps.csv->encoding = enc;
	ps.csv->bom = bom != 0;
	rc = parse(&ps, buf, len);
	if (ps.cd != (iconv_t)-1)
		iconv_close(ps.cd);
	if (rc != XJ_OK) {
		csv_free(ps.csv);
		return rc;
	}
	*out = ps.csv;
	return XJ_OK;
}

void
csv_free(struct csv *c)
{
	size_t	i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrows; i++) {
		for (j = 0; j < c->rows[i].nfields; j++)
			xfree_wipe(c->rows[i].fields[j]);
		free(c->rows[i].fields);
	}
	free(c->rows);
	free(c);
}

int
csv_formula_like(const char *s)
{
	return *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
}

void
csv_write_field(FILE *f, const char *s, int first)
{
	/*
	 * No value of ours is a number or a phone with "+86" (phones are
	 * kept as digits), so the apostrophe only ever lands on free text;
	 * a spreadsheet may show it, which is the price of not running it.
	 */
	const char	*guard = csv_formula_like(s) ? "'" : "";

	if (!first)
		fputc(',', f);
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(guard, f);
		fputs(s, f);
		return;
	}
	fputc('"', f);
	fputs(guard, f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

const char *
csv_unguard(const char *s)
{
	/* The reader makes a CR inside quotes "\n": that one too. */
	if (s[0] == '\'' && (csv_formula_like(s + 1) || s[1] == '\n'))
		return s + 1;
	return s;
}
