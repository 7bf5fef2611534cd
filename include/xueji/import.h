/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * import.h — enrolling the students of a spreadsheet (CSV) in one go.
 *
 * Two steps.  import_prepare (pure: no database) maps the header's
 * columns to the form's fields and turns the rows into enrolment input.
 * store_import validates every row as an enrolment is validated, looks
 * for duplicates against the records and within the file, and enrols all
 * rows in one transaction, or none.  Every problem is reported with its
 * row (as a spreadsheet numbers it: the header is row 1), its column (by
 * the header's name) and a message that never repeats a value.
 */
#ifndef XUEJI_IMPORT_H
#define XUEJI_IMPORT_H

#include <stddef.h>

#include "xueji/csv.h"
#include "xueji/forms.h"
#include "xueji/store.h"

/* "-" as the key of a mapping: the column is ignored. */
#define IMPORT_IGNORE	"-"

/* One --map COLUMN=KEY: column is a header name, key a form key or "-". */
struct import_map {
	const char	*column;
	const char	*key;
};

struct import_problem {
	size_t	 row;		/* 1: the header */
	char	*column;	/* the header name, or "#N" without one */
	char	*message;	/* translated; names no value */
};

/* A student enrolled: the row it came from, its new number. */
struct import_done {
	size_t	 row;
	char	*number;
};

/* What an import found and did.  Zero it before use. */
struct import_report {
	size_t			 rows;		/* data rows (blank ones
						   skipped) */
	size_t			 valid;		/* rows without a problem */
	struct import_problem	*problems;	/* by row */
	size_t			 nproblems;
	struct import_done	*done;		/* empty unless imported */
	size_t			 ndone;
};
/* Free the report's members and zero it. */
void	 import_report_free(struct import_report *);
/* Add a problem (the strings are copied). */
void	 import_report_add(struct import_report *, size_t row,
	     const char *column, const char *message);

/* One data row as enrolment input. */
struct import_row {
	size_t			 row;
	struct field_input	*values;	/* mapped columns only */
	const char		**columns;	/* values[i]'s header name */
	size_t			 nvalues;
	size_t			 stray;		/* the column of a value
						   beyond the header, or 0 */
};

struct import_rows {
	struct import_row	*rows;
	size_t			 nrows;
	char			 file_id[17];	/* hex: the file's digest's
						   first 8 bytes */
};
void	 import_rows_free(struct import_rows *);

/*
 * Map the header of c (row 1) to the form's fields and collect the data
 * rows.  A header name matches a field by its key, by its zh or en label
 * (spaces around it, a trailing "*" and the case of Latin letters do
 * not matter), or by a common name (姓名, 生日, 监护人, 联系电话,
 * phone …); map[] overrides that for the columns it names.  An empty
 * header over an empty column is ignored.  Problems of the header are
 * added to report at row 1: a column that matches nothing (map it, or
 * map it to "-" to ignore it), two columns of one field, a required field
 * without a column.  Rows whose values are all blank are skipped; a row
 * shorter than the header has empty values at its end; a value beyond
 * the header is noted in the row's stray, for store_import to report.
 *
 * Returns XJ_OK with *out set (the values are borrowed from c, which must
 * outlive *out); XJ_EDATA when the header had problems (*out NULL: fix
 * the header first, then the rows are checked); XJ_EUSAGE
 * with *cause when map[] names a key the form does not have or a column
 * the header does not.
 */
int	 import_prepare(const struct form_spec *, const struct csv *c,
	     const struct import_map *map, size_t nmap,
	     struct import_rows **out, struct import_report *report,
	     char **cause);

/*
 * Import rows (import.run; student.enroll is not needed besides).
 * consent is how the guardians' consent to these records was given, one
 * of the form's consent methods (XJ_EUSAGE when missing or unknown).
 * No rows at all is XJ_EDATA.
 *
 * Inside one write transaction (BEGIN IMMEDIATE), every row is validated
 * as store_student_add validates, and every problem of every row added to
 * report, as are duplicates: a row with the name and the birth month or
 * guardian phone of a live student, or of an earlier row of the file.
 * Duplicates are never allowed here; enrol such a child alone with
 * student add --allow-duplicate.  A row's stray value is a problem too.
 * When a row has a problem, nothing is
 * written and the attempt is logged as import.rejected; XJ_EDATA.
 * Otherwise each row becomes a student with a new number and its own
 * student.enroll entry, report->done lists them, and an import.run entry
 * records the number of rows, the consent method and rows->file_id, all
 * in the one commit.  The file's name is never logged, since a name such
 * as "张三班.csv" may itself be personal data.
 *
 * With dry_run, nothing is written but an import.dry-run entry with the
 * counts; XJ_OK when every row would import, XJ_EDATA when not.
 */
int	 store_import(struct store *, const struct import_rows *rows,
	     const char *consent, int dry_run, struct import_report *report,
	     char **cause);
/*
 * Log an import refused before its rows could be checked (the file could
 * not be read or parsed, or its header did not map): import.rejected, or
 * import.dry-run with dry_run, with stage ("read", "csv", "header"), the
 * number of problems and the same file id as import.run when the len
 * bytes of buf were read (buf NULL: none).
 */
int	 store_import_refused(struct store *, int dry_run, const char *stage,
	     size_t problems, const void *buf, size_t len, char **cause);

/* A file read, parsed and mapped: what store_import takes (rows). */
struct import_file {
	char			*buf;		/* the bytes read; wiped */
	size_t			 len;
	struct csv		*csv;		/* borrows nothing */
	struct import_rows	*rows;		/* borrows from csv */
};
/* Wipe and free; NULL is fine. */
void	 import_file_free(struct import_file *);

/*
 * Read the CSV file at path as the operator (xj_read_user_file, in
 * their group), parse it in encoding and map its header with
 * import_prepare, as xueji import and the import screen both do.  When
 * any step fails the refusal is logged first (store_import_refused, the
 * stage "read", "csv" or "header"; with dry_run as import.dry-run), so
 * every refused file leaves an entry.
 *
 * Returns XJ_OK with *out set (free with import_file_free).  Otherwise
 * *out is NULL and *cause says why: the file unreadable (its code), the
 * CSV malformed (XJ_EDATA, *where the row and column, else zeroed), the
 * header with problems (XJ_EDATA, added to report at row 1) or map[]
 * wrong (XJ_EUSAGE).  A failure to log the refusal replaces the cause.
 */
int	 store_import_load(struct store *, const char *path, int encoding,
	     const struct import_map *map, size_t nmap, int dry_run,
	     struct import_file **out, struct import_report *report,
	     struct csv_where *where, char **cause);

#endif
