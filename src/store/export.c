/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The CSV export, for spreadsheet programs.  The whole file is built in
 * memory (wiped afterwards), encoded, and only written out once the
 * export is logged: a file that left the system always has its line.
 * Each field goes through csv_write_field, which also keeps a value that
 * looks like a formula ("=HYPERLINK(…)" typed into a note) from running
 * when the file is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/backup.h"
#include "xueji/csv.h"
#include "store-int.h"

#define PURPOSE_MAX	500	/* characters */

/* The two columns every export starts with, in the form's languages. */
static const struct text_zh_en col_number = {
	(char *)(uintptr_t)"学号", (char *)(uintptr_t)"Student number"
};
static const struct text_zh_en col_status = {
	(char *)(uintptr_t)"状态", (char *)(uintptr_t)"Status"
};

/* The purpose, trimmed; NULL when empty or unfit. */
static char *
check_purpose(const char *purpose, char **cause)
{
	const char	*p, *end;
	size_t		 n = 0;

	if (purpose == NULL)
		purpose = "";
	while (*purpose == ' ' || *purpose == '\t')
		purpose++;
	end = purpose + strlen(purpose);
	while (end > purpose && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == purpose) {
		xj_fail(cause, XJ_EUSAGE, "%s", _("say why the data are "
		    "exported (the purpose is required and is recorded)"));
		return NULL;
	}
	if (!utf8_valid(purpose, (size_t)(end - purpose))) {
		xj_fail(cause, XJ_EUSAGE, "%s", _("the purpose is not valid "
		    "UTF-8 text"));
		return NULL;
	}
	for (p = purpose; p < end; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			xj_fail(cause, XJ_EUSAGE, "%s", _("the purpose must be "
			    "one line without control characters"));
			return NULL;
		}
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
	}
	if (n > PURPOSE_MAX) {
		xj_fail(cause, XJ_EUSAGE, _("the purpose is longer than %d "
		    "characters"), PURPOSE_MAX);
		return NULL;
	}
	return xstrndup(purpose, (size_t)(end - purpose));
}

/* The columns this operator gets: form fields they may see. */
static size_t
columns(struct store *st, const struct field_spec **cols)
{
	size_t	i, n = 0;

	for (i = 0; i < st->form->nfields; i++) {
		if (store_field_sensitive(st, st->form->fields[i].key) &&
		    !store_may(st, PERM_STUDENT_SENSITIVE))
			continue;
		cols[n++] = &st->form->fields[i];
	}
	return n;
}

/* Write every row into f; *rows counts them.  Inside the transaction. */
static int
write_rows(struct store *st, FILE *f, int status,
    const struct field_spec **cols, size_t ncols, size_t *rows,
    char **cause)
{
	const char	*doing = _("cannot read the records");
	sqlite3_stmt	*stmt, *vals;
	const char	*key, *num, **have;
	char		*v;
	size_t		 i;
	int		 rc, s;

	if (sqlite3_prepare_v2(st->db, "SELECT s.id, s.number, s.status FROM "
	    "student s WHERE (?1 IS NULL AND s.status != 'destroyed' OR "
	    "s.status = ?1) AND NOT EXISTS (SELECT 1 FROM request r WHERE "
	    "r.student = s.id AND r.state = 'pending' AND r.kind = 'destroy') "
	    "ORDER BY s.number", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(st, doing, cause);
	if (sqlite3_prepare_v2(st->db, "SELECT key, value FROM field WHERE "
	    "student = ?", -1, &vals, NULL) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return db_error(st, doing, cause);
	}
	if (status >= 0)
		sqlite3_bind_text(stmt, 1, status_name(status), -1,
		    SQLITE_STATIC);
	have = xcalloc(ncols + 1, sizeof *have);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		num = (const char *)sqlite3_column_text(stmt, 1);
		s = status_parse((const char *)sqlite3_column_text(stmt, 2));
		csv_write_field(f, num, 1);
		csv_write_field(f, s >= 0 ? status_label(s) : "?", 0);
		sqlite3_bind_int64(vals, 1, sqlite3_column_int64(stmt, 0));
		/* Column values point into vals' rows: copy as we go. */
		for (i = 0; i < ncols; i++)
			have[i] = NULL;
		while ((rc = sqlite3_step(vals)) == SQLITE_ROW) {
			key = (const char *)sqlite3_column_text(vals, 0);
			for (i = 0; i < ncols; i++) {
				if (strcmp(cols[i]->key, key) == 0)
					have[i] = xstrdup((const char *)
					    sqlite3_column_text(vals, 1));
			}
		}
		/* A row with values missing would pass for the record. */
		if (rc != SQLITE_DONE) {
			for (i = 0; i < ncols; i++)
				xfree_wipe((char *)(uintptr_t)have[i]);
			break;
		}
		sqlite3_reset(vals);
		for (i = 0; i < ncols; i++) {
			v = have[i] != NULL ? store_visible(st, cols[i]->key,
			    have[i]) : NULL;
			csv_write_field(f, v != NULL ? v : "", 0);
			xfree_wipe(v);
			xfree_wipe((char *)(uintptr_t)have[i]);
			have[i] = NULL;
		}
		fputs("\r\n", f);
		(*rows)++;
	}
	free(have);
	/* The error is the handle's until a finalize clears it. */
	rc = rc == SQLITE_DONE ? XJ_OK : db_error(st, doing, cause);
	sqlite3_finalize(vals);
	sqlite3_finalize(stmt);
	return rc;
}

/* UTF-8 in to GB18030 in a new buffer; GB18030 holds all of Unicode. */
static int
to_gb18030(const char *in, size_t len, char **out, size_t *outlen,
    char **cause)
{
	iconv_t	 cd;
	char	*src = (char *)(uintptr_t)in, *dst, *buf;
	size_t	 left = len, room = 4 * len + 16, size = room;

	if ((cd = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1)
		return xj_fail(cause, XJ_EUNAVAIL, "%s", _("this system cannot "
		    "convert to GB18030 (iconv); export in UTF-8 instead"));
	buf = dst = xmalloc(size);
	if (iconv(cd, &src, &left, &dst, &room) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &dst, &room) == (size_t)-1) {
		iconv_close(cd);
		sodium_memzero(buf, size);
		free(buf);
		return xj_fail(cause, XJ_EDATA, _("cannot convert the export "
		    "to GB18030 (%s)"), strerror(errno));
	}
	iconv_close(cd);
	*out = buf;
	*outlen = size - room;
	return XJ_OK;
}

static int
log_export(struct store *st, int status, const char *enc,
    const char *purpose, size_t rows, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*detail;
	const char	*sname = status >= 0 ? status_name(status) : "all";
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO export_log (at, operator, "
	    "status, encoding, rows, purpose) VALUES (?, ?, ?, ?, ?, ?)", -1,
	    &stmt, NULL) != SQLITE_OK)
		return db_error(st, _("cannot record the export"), cause);
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)xj_now());
	sqlite3_bind_text(stmt, 2, store_who(st), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, sname, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, enc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)rows);
	sqlite3_bind_text(stmt, 6, purpose, -1, SQLITE_STATIC);
	rc = step_done(st, stmt, _("cannot record the export"), cause);
	sqlite3_finalize(stmt);
	if (rc != XJ_OK)
		return rc;
	xasprintf(&detail, "rows=%zu status=%s encoding=%s export=%lld", rows,
	    sname, enc, (long long)sqlite3_last_insert_rowid(st->db));
	rc = log_entry(st, "export.run", "", NULL, detail, cause);
	free(detail);
	return rc;
}

int
store_export(struct store *st, FILE *out, int status, const char *purpose,
    enum export_encoding enc, size_t *rowsp, char **cause)
{
	const struct field_spec	**cols = NULL;
	const char		*ename;
	FILE			*f;
	char			*why, *csv = NULL, *data = NULL;
	size_t			 ncols, i, len = 0, dlen = 0, rows = 0;
	int			 rc;

	if (rowsp != NULL)
		*rowsp = 0;
	if ((rc = store_require(st, PERM_EXPORT_RUN, "export", cause)) != 0)
		return rc;
	if (status >= (int)STATUS_DESTROYED + 1)
		return xj_fail(cause, XJ_EUSAGE, "%s", _("no such status"));
	if ((why = check_purpose(purpose, cause)) == NULL)
		return XJ_EUSAGE;
	ename = enc == EXPORT_GB18030 ? "gb18030" : "utf-8";

	cols = xcalloc(st->form->nfields + 1, sizeof *cols);
	ncols = columns(st, cols);
	if ((f = open_memstream(&csv, &len)) == NULL)
		fatalx_oom();
	csv_write_field(f, form_text(&col_number), 1);
	csv_write_field(f, form_text(&col_status), 0);
	for (i = 0; i < ncols; i++)
		csv_write_field(f, form_text(&cols[i]->label), 0);
	fputs("\r\n", f);

	/* The rows and their log line: one snapshot, one commit. */
	if ((rc = tx_begin(st, cause)) != XJ_OK)
		goto out;
	if ((rc = write_rows(st, f, status, cols, ncols, &rows, cause)) !=
	    XJ_OK) {
		tx_rollback(st);
		goto out;
	}
	if (fclose(f) != 0)
		fatalx_oom();
	f = NULL;
	if (enc == EXPORT_GB18030) {
		if ((rc = to_gb18030(csv, len, &data, &dlen, cause)) !=
		    XJ_OK) {
			tx_rollback(st);
			goto out;
		}
	} else {
		dlen = len + 3;
		data = xmalloc(dlen);
		memcpy(data, "\xef\xbb\xbf", 3);
		memcpy(data + 3, csv, len);
	}
	if ((rc = log_export(st, status, ename, why, rows, cause)) != XJ_OK) {
		tx_rollback(st);
		goto out;
	}
	if ((rc = tx_commit(st, cause)) != XJ_OK)
		goto out;

	if (fwrite(data, 1, dlen, out) != dlen || fflush(out) != 0)
		rc = xj_fail(cause, XJ_EIO, _("cannot write the export: %s"),
		    strerror(errno));
	else if (rowsp != NULL)
		*rowsp = rows;
out:
	if (f != NULL)
		fclose(f);
	if (csv != NULL) {
		sodium_memzero(csv, len);
		free(csv);
	}
	if (data != NULL) {
		sodium_memzero(data, dlen);
		free(data);
	}
	free(cols);
	free(why);
	return rc;
}

int
store_export_file(struct store *st, const char *path, int status,
    const char *purpose, enum export_encoding enc, size_t *rows,
    char **cause)
{
	FILE	*f;
	int	 fd, rc, err;

	if ((fd = xj_create_user_file(path)) == -1) {
		if (errno == EEXIST)
			return xj_fail(cause, XJ_EUNAVAIL, _("%s exists "
			    "already; an export never replaces a file"), path);
		return xj_fail(cause, XJ_EIO, _("cannot create %s: %s"), path,
		    strerror(errno));
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		err = errno;
		close(fd);
		xj_unlink_user_file(path);
		return xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), path,
		    strerror(err));
	}
	rc = store_export(st, f, status, purpose, enc, rows, cause);
	err = 0;
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (rc == XJ_OK && err != 0)
		rc = xj_fail(cause, XJ_EIO, _("cannot write %s: %s"), path,
		    strerror(err));
	if (rc != XJ_OK)
		xj_unlink_user_file(path);
	return rc;
}
