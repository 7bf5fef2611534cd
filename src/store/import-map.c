/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The import's first step: a spreadsheet's header mapped to the form's
 * fields, its rows turned into enrolment input.  No database here.
 *
 * Branches name their columns as they please, in Chinese or English, so
 * a header matches a field by its key, by either of its labels, or by a
 * common name; whatever matches nothing is an error rather than a guess,
 * and --map settles it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/import.h"
#include "xueji/student.h"

/* Names spreadsheets commonly give the shipped form's fields. */
static const struct {
	const char	*name;
	const char	*key;
} synonyms[] = {
	{ "姓名",		"name" },
	{ "学员姓名",		"name" },
	{ "学生姓名",		"name" },
	{ "学员",		"name" },
	{ "name",		"name" },
	{ "student",		"name" },
	{ "出生年月",		"birth_month" },
	{ "生日",		"birth_month" },
	{ "出生",		"birth_month" },
	{ "birthday",		"birth_month" },
	{ "birth",		"birth_month" },
	{ "家长姓名",		"guardian_name" },
	{ "监护人",		"guardian_name" },
	{ "监护人姓名",		"guardian_name" },
	{ "家长",		"guardian_name" },
	{ "guardian",		"guardian_name" },
	{ "parent",		"guardian_name" },
	{ "家长电话",		"guardian_phone" },
	{ "家长手机",		"guardian_phone" },
	{ "联系电话",		"guardian_phone" },
	{ "联系方式",		"guardian_phone" },
	{ "手机",		"guardian_phone" },
	{ "手机号",		"guardian_phone" },
	{ "手机号码",		"guardian_phone" },
	{ "电话",		"guardian_phone" },
	{ "phone",		"guardian_phone" },
	{ "mobile",		"guardian_phone" },
	{ "telephone",		"guardian_phone" },
};

static int
is_blank(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == 0xa0 || c == 0x3000 || c == 0xfeff;
}

/*
 * A header name in the form it is compared in: blanks and a trailing
 * required mark ("*", "＊") taken off, Latin letters (full-width ones
 * too) in lower case, and space, "-" and "_" all "_", so "Birth month",
 * "birth-month" and "BIRTH_MONTH" are one name.  Invalid UTF-8 stays as
 * it is and matches nothing.
 */
static char *
hnorm(const char *s)
{
	uint32_t	*cp, c;
	size_t		 len = strlen(s), n = 0, i, a, b;
	char		*out, *o;
	int		 l;

	if (!utf8_valid(s, len))
		return xstrdup(s);
	cp = xcalloc(len + 1, sizeof *cp);
	for (i = 0; i < len; i += (size_t)l) {
		l = utf8_decode(s + i, len - i, &c);
		cp[n++] = c;
	}
	a = 0;
	b = n;
	for (;;) {
		while (a < b && is_blank(cp[a]))
			a++;
		while (b > a && is_blank(cp[b - 1]))
			b--;
		if (b > a && (cp[b - 1] == '*' || cp[b - 1] == 0xff0a))
			b--;
		else
			break;
	}
	out = o = xmalloc(4 * (b - a) + 1);
	for (i = a; i < b; i++) {
		c = cp[i];
		if (c >= 0xff01 && c <= 0xff5e)		/* full-width ASCII */
			c -= 0xfee0;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c == ' ' || c == '-' || c == 0x3000)
			c = '_';
		o += utf8_encode(c, o);
	}
	*o = '\0';
	free(cp);
	return out;
}

static int
hname_eq(const char *norm, const char *other)
{
	char	*n;
	int	 eq;

	if (other == NULL || *other == '\0')
		return 0;
	n = hnorm(other);
	eq = strcmp(norm, n) == 0;
	free(n);
	return eq;
}

/* The field a header name stands for, or NULL. */
static const char *
match_header(const struct form_spec *form, const char *name)
{
	const struct field_spec	*f;
	const char		*key = NULL;
	char			*norm = hnorm(name);
	size_t			 i;

	for (i = 0; key == NULL && i < form->nfields; i++) {
		f = &form->fields[i];
		if (hname_eq(norm, f->key) || hname_eq(norm, f->label.zh) ||
		    hname_eq(norm, f->label.en))
			key = f->key;
	}
	for (i = 0; key == NULL && i < nitems(synonyms); i++) {
		if (form_field(form, synonyms[i].key) != NULL &&
		    hname_eq(norm, synonyms[i].name))
			key = form_field(form, synonyms[i].key)->key;
	}
	free(norm);
	return key;
}

static int
value_blank(const char *s)
{
	size_t		 len = strlen(s), i;
	uint32_t	 c;
	int		 l;

	for (i = 0; i < len; i += (size_t)l) {
		if ((l = utf8_decode(s + i, len - i, &c)) < 0 ||
		    !is_blank(c))
			return 0;
	}
	return 1;
}

void
import_report_add(struct import_report *r, size_t row, const char *column,
    const char *message)
{
	struct import_problem	*p;

	r->problems = xreallocarray(r->problems, r->nproblems + 1,
	    sizeof *r->problems);
	p = &r->problems[r->nproblems++];
	p->row = row;
	p->column = xstrdup(column != NULL ? column : "");
	p->message = xstrdup(message != NULL ? message : "");
}

void
import_report_free(struct import_report *r)
{
	size_t	i;

	for (i = 0; i < r->nproblems; i++) {
		free(r->problems[i].column);
		free(r->problems[i].message);
	}
	for (i = 0; i < r->ndone; i++)
		free(r->done[i].number);
	free(r->problems);
	free(r->done);
	memset(r, 0, sizeof *r);
}

void
import_rows_free(struct import_rows *rows)
{
	size_t	i;

	if (rows == NULL)
		return;
	for (i = 0; i < rows->nrows; i++) {
		free(rows->rows[i].values);
		free(rows->rows[i].columns);
	}
	free(rows->rows);
	free(rows);
}

/* Whether column j of every data row is blank. */
static int
column_blank(const struct csv *c, size_t j)
{
	size_t	i;

	for (i = 1; i < c->nrows; i++) {
		if (j < c->rows[i].nfields &&
		    !value_blank(c->rows[i].fields[j]))
			return 0;
	}
	return 1;
}

/* Apply map[] to keys[]; XJ_EUSAGE for a bad mapping. */
static int
apply_map(const struct form_spec *form, const struct csv_row *head,
    const struct import_map *map, size_t nmap, const char **keys,
    int *set, char **cause)
{
	const struct field_spec	*f;
	char			*norm;
	size_t			 i, j, found;

	for (i = 0; i < nmap; i++) {
		f = form_field(form, map[i].key);
		if (f == NULL && strcmp(map[i].key, IMPORT_IGNORE) != 0)
			return xj_fail(cause, XJ_EUSAGE, _("--map %s=%s: the "
			    "form has no field \"%s\" (use \"-\" to ignore "
			    "the column)"), map[i].column, map[i].key,
			    map[i].key);
		norm = hnorm(map[i].column);
		for (found = 0, j = 0; j < head->nfields; j++) {
			if (*norm != '\0' && hname_eq(norm,
			    head->fields[j])) {
				keys[j] = f != NULL ? f->key : NULL;
				set[j] = 1;
				found++;
			}
		}
		free(norm);
		if (found == 0)
			return xj_fail(cause, XJ_EUSAGE, _("--map %s=%s: the "
			    "header has no column \"%s\""), map[i].column,
			    map[i].key, map[i].column);
	}
	return XJ_OK;
}

/* The header's problems, added to r; whether there were any. */
static int
check_header(const struct form_spec *form, const struct csv *c,
    const char **keys, const int *set, struct import_report *r)
{
	const struct csv_row	*head = &c->rows[0];
	const struct field_spec	*f;
	char			 num[32], *msg;
	size_t			 before = r->nproblems, i, j;

	/*
	 * Not one column names a field: the header row is missing, and the
	 * first row holds a child's values.  Say so without repeating any.
	 */
	for (j = 0; j < head->nfields && keys[j] == NULL; j++)
		;
	if (j == head->nfields) {
		import_report_add(r, 1, "-", _("no column of the first row "
		    "names a field of the form: the file must start with its "
		    "header row, the names of the columns (its cells are not "
		    "repeated here)"));
		return 1;
	}
	for (j = 0; j < head->nfields; j++) {
		if (set[j] || keys[j] != NULL)
			continue;
		if (value_blank(head->fields[j])) {
			if (column_blank(c, j))
				continue;
			snprintf(num, sizeof num, "#%zu", j + 1);
			import_report_add(r, 1, num, _("this column has values "
			    "but no name; name it in the header"));
			continue;
		}
		import_report_add(r, 1, head->fields[j], _("no field of the "
		    "form matches this column: name it as the form names "
		    "the field, or leave it out"));
	}
	for (j = 0; j < head->nfields; j++) {
		for (i = 0; keys[j] != NULL && i < j; i++) {
			if (keys[i] == NULL || strcmp(keys[i], keys[j]) != 0)
				continue;
			f = form_field(form, keys[j]);
			xasprintf(&msg, _("this column and column \"%s\" are "
			    "both for the field %s; leave one of them out"),
			    head->fields[i], f != NULL ? form_text(&f->label) :
			    keys[j]);
			import_report_add(r, 1, head->fields[j], msg);
			free(msg);
			break;
		}
	}
	for (i = 0; i < form->nfields; i++) {
		f = &form->fields[i];
		if (!f->required)
			continue;
		for (j = 0; j < head->nfields; j++) {
			if (keys[j] != NULL && strcmp(keys[j], f->key) == 0)
				break;
		}
		if (j < head->nfields)
			continue;
		xasprintf(&msg, _("the file has no column for the required "
		    "field %s (%s)"), form_text(&f->label), f->key);
		import_report_add(r, 1, "-", msg);
		free(msg);
	}
	return r->nproblems > before;
}

/* Data row c->rows[i] as enrolment input; 0 when it is blank. */
static int
make_row(const struct csv *c, size_t i, const char **keys,
    struct import_row *out)
{
	const struct csv_row	*src = &c->rows[i], *head = &c->rows[0];
	size_t			 j;
	int			 blank = 1;

	for (j = 0; j < src->nfields; j++) {
		if (!value_blank(src->fields[j])) {
			blank = 0;
			if (j >= head->nfields && out->stray == 0)
				out->stray = j + 1;
		}
	}
	if (blank) {
		memset(out, 0, sizeof *out);
		return 0;
	}
	out->row = src->row;
	out->values = xcalloc(head->nfields + 1, sizeof *out->values);
	out->columns = xcalloc(head->nfields + 1, sizeof *out->columns);
	for (j = 0; j < head->nfields; j++) {
		if (keys[j] == NULL)
			continue;
		out->values[out->nvalues].key = keys[j];
		out->values[out->nvalues].value = j < src->nfields ?
		    src->fields[j] : "";
		out->columns[out->nvalues++] = head->fields[j];
	}
	return 1;
}

int
import_prepare(const struct form_spec *form, const struct csv *c,
    const struct import_map *map, size_t nmap, struct import_rows **out,
    struct import_report *r, char **cause)
{
	const struct csv_row	*head;
	struct import_rows	*rows = NULL;
	const char		**keys;
	int			*set, rc;
	size_t			 j, i;

	*out = NULL;
	if (c->nrows == 0)
		return xj_fail(cause, XJ_EDATA, "%s", _("the file is empty"));
	head = &c->rows[0];
	keys = xcalloc(head->nfields + 1, sizeof *keys);
	set = xcalloc(head->nfields + 1, sizeof *set);
	if ((rc = apply_map(form, head, map, nmap, keys, set, cause)) !=
	    XJ_OK)
		goto out;
	for (j = 0; j < head->nfields; j++) {
		if (!set[j])
			keys[j] = match_header(form, head->fields[j]);
	}
	if (check_header(form, c, keys, set, r)) {
		rc = XJ_EDATA;
		goto out;
	}

	rows = xcalloc(1, sizeof *rows);
	rows->rows = xcalloc(c->nrows, sizeof *rows->rows);
	for (i = 1; i < c->nrows; i++) {
		if (make_row(c, i, keys, &rows->rows[rows->nrows]))
			rows->nrows++;
	}
	xj_hex(c->digest, 8, rows->file_id);
	r->rows = rows->nrows;
	*out = rows;
	rc = XJ_OK;
out:
	free(keys);
	free(set);
	return rc;
}
