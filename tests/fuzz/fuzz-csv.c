/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-csv.c — csv_parse, the reader behind xueji import, in each of its
 * encodings, under tight limits so the limits are reached too.  Whatever
 * the bytes: no crash, a message and a position on failure; on success
 * every row numbers on from the last, the header is row 1, every field
 * is NUL-terminated UTF-8 within the limit, and no row has more fields
 * than allowed.
 */
#include "fuzz/fuzz.h"
#include "xueji/csv.h"

static void
fuzz_csv_one(const uint8_t *data, size_t size, enum csv_encoding enc,
    const struct csv_limits *lim)
{
	struct csv_where	 where;
	struct csv		*csv = NULL;
	char			*cause = NULL;
	size_t			 r, f, n;
	int			 rc;

	rc = csv_parse((const char *)data, size, enc, lim, &csv, &where,
	    &cause);
	fuzz_check_cause(rc, cause);
	if (rc != XJ_OK) {
		FUZZ_ASSERT(csv == NULL);
		return;
	}
	FUZZ_ASSERT(csv->nrows <= lim->max_rows);
	FUZZ_ASSERT(csv->encoding == CSV_UTF8 ||
	    csv->encoding == CSV_GB18030);
	for (r = 0; r < csv->nrows; r++) {
		FUZZ_ASSERT(r == 0 || csv->rows[r].row > csv->rows[r - 1].row);
		FUZZ_ASSERT(csv->rows[r].nfields <= lim->max_fields);
		for (f = 0; f < csv->rows[r].nfields; f++) {
			n = strlen(csv->rows[r].fields[f]);
			FUZZ_ASSERT(n <= lim->max_field_bytes);
			FUZZ_ASSERT(utf8_valid(csv->rows[r].fields[f], n));
		}
	}
	if (csv->nrows > 0)
		FUZZ_ASSERT(csv->rows[0].row == 1);
	csv_free(csv);
}

int
fuzz_csv(const uint8_t *data, size_t size)
{
	static const struct csv_limits	tight = { 4096, 16, 8, 64 };

	fuzz_setup();
	fuzz_csv_one(data, size, CSV_AUTO, &csv_default_limits);
	fuzz_csv_one(data, size, CSV_UTF8, &tight);
	fuzz_csv_one(data, size, CSV_GB18030, &tight);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_csv(data, size);
}
#endif
