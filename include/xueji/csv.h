/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * csv.h — a CSV reader for the spreadsheets branches keep, and the one
 * field writer the export uses.  Pure C: no database, no terminal.
 *
 * RFC 4180: fields separated by commas, records by CRLF or LF (a lone CR,
 * as old spreadsheet programs write, ends a record too); a field in
 * double quotes may hold commas, line breaks and doubled quotes.  The
 * text is UTF-8, with or without a byte order mark, or GB18030 (GBK and
 * GB2312 are subsets of it), which Chinese spreadsheet programs write;
 * it comes out as UTF-8.  Row numbers are those a spreadsheet shows: the
 * header is row 1, and a record whose quoted field spans several lines is
 * still one row.  Columns count from 1.
 */
#ifndef XUEJI_CSV_H
#define XUEJI_CSV_H

#include <stddef.h>
#include <stdio.h>

enum csv_encoding {
	CSV_AUTO,	/* BOM: UTF-8; else valid UTF-8: UTF-8; else GB18030 */
	CSV_UTF8,
	CSV_GB18030,
};

/* "utf8", "gb18030" or "auto" (also "utf-8", "gbk"); -1 when none. */
int	 csv_encoding_parse(const char *);
const char *csv_encoding_name(enum csv_encoding);	/* "utf8" … */

/* What the reader accepts; a file beyond any of them is refused. */
struct csv_limits {
	size_t	 max_bytes;		/* the whole file */
	size_t	 max_rows;		/* the header included */
	size_t	 max_fields;		/* in one row */
	size_t	 max_field_bytes;	/* one field, after decoding */
};
extern const struct csv_limits csv_default_limits;

struct csv_row {
	size_t	  row;		/* 1 for the header */
	size_t	  line;		/* the line of the file it starts on */
	char	**fields;	/* UTF-8, NUL-terminated */
	size_t	  nfields;
};

struct csv {
	enum csv_encoding	 encoding;	/* as found: CSV_UTF8 or
						   CSV_GB18030 */
	int			 bom;		/* the file began with one */
	/* BLAKE2b-256 of the file's bytes: a log can tell which file it
	 * was without its name or anything in it. */
	unsigned char		 digest[32];
	struct csv_row		*rows;		/* rows[0] is the header */
	size_t			 nrows;
};

/* Where a file could not be read: row and column, 0 when unknown. */
struct csv_where {
	size_t	 row;
	size_t	 column;
};

/*
 * Read the len bytes at buf as CSV in encoding enc, within limits (NULL:
 * csv_default_limits).  A file that ends without a line break is fine; a
 * last, empty line is not a row.  On success *out is a new csv the
 * caller frees with csv_free.  On failure returns XJ_EDATA, *out is NULL,
 * *where (when not NULL) says the row and column, and *cause a message
 * beginning "row R, column C: " that never repeats the file's text:
 * invalid bytes for the encoding, a NUL byte, a quote left open or
 * followed by something other than a comma or line break, a quote inside
 * an unquoted field, or a limit passed.  An empty file is XJ_EDATA too.
 * buf is only read; every copy made of it is wiped when freed.
 */
int	 csv_parse(const char *buf, size_t len, enum csv_encoding enc,
	     const struct csv_limits *limits, struct csv **out,
	     struct csv_where *where, char **cause);
/* Wipe and free; NULL is fine. */
void	 csv_free(struct csv *);

/*
 * Whether a spreadsheet program would take a cell holding s for a
 * formula: it begins with =, +, -, @, a tab or a CR (Excel and WPS drop
 * the last two and look again).
 */
int	 csv_formula_like(const char *s);
/*
 * Write s to f as one field, after a comma unless first: with an
 * apostrophe in front when csv_formula_like(s), as OWASP advises against
 * formula injection, so that the program shows the text instead of
 * running it; then in double quotes, quotes doubled, when it holds a
 * comma, quote, CR or LF (RFC 4180).
 */
void	 csv_write_field(FILE *f, const char *s, int first);
/*
 * s without the apostrophe csv_write_field put in front of a formula-like
 * value ("'=1+1" gives "=1+1"), so that an export imports as it was;
 * otherwise s itself.  As csv_parse reads a CR inside quotes as LF, "'"
 * then LF counts too.  Returns a pointer into s.
 */
const char *csv_unguard(const char *s);

#endif
