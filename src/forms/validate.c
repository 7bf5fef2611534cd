/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Field validation: one value in, its stored form or a message out.  Pure
 * and deterministic (the clock comes in through the context), so every
 * rule here is a unit test away.
 *
 * Values are worked on as arrays of code points: trimmed (U+3000, the
 * space a Chinese input method types, included), full-width ASCII folded
 * for everything but free text, then checked by type.  Messages name the
 * field by its label and never repeat the value: they end up on screens
 * others may see and in logs that must hold no personal data.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xueji/platform.h"
#include "xueji/forms.h"

#define MIDDLE_DOT	0x00b7
#define VALUE_MAX_BYTES	65536

struct value {
	uint32_t	*cp;
	size_t		 n;
	size_t		 size;		/* allocated, for the wipe */
};

static int
is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f' || c == 0xa0 || c == 0x3000;
}

/* CJK unified ideographs (every extension) and compatibility ideographs. */
static int
is_han(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4dbf) ||		/* Ext A */
	    (c >= 0x4e00 && c <= 0x9fff) ||		/* URO */
	    (c >= 0xf900 && c <= 0xfaff) ||		/* compatibility */
	    (c >= 0x20000 && c <= 0x2fa1f) ||		/* Ext B–F, I, sup. */
	    (c >= 0x30000 && c <= 0x323af);		/* Ext G, H */
}

/* Latin letters: ASCII, Latin-1, Extended-A and -B, Extended Additional. */
static int
is_latin(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
	    (c >= 0x1e00 && c <= 0x1eff);
}

/* Combining diacritics, as decomposed input ("e" + U+0301) brings. */
static int
is_combining(uint32_t c)
{
	return c >= 0x300 && c <= 0x36f;
}

static int
is_digit(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 0xff10 && c <= 0xff19);
}

/* Decode, trim and, unless keep_width, fold full-width ASCII. */
static int
value_read(const char *s, int keep_width, struct value *v)
{
	size_t		 len = strlen(s), start;
	uint32_t	 c;
	int		 n;

	v->size = len + 1;
	v->cp = xreallocarray(NULL, v->size, sizeof *v->cp);
	v->n = 0;
	while (len > 0) {
		if ((n = utf8_decode(s, len, &c)) < 0)
			return -1;
		s += n;
		len -= (size_t)n;
		if (!keep_width && c >= 0xff01 && c <= 0xff5e)
			c -= 0xfee0;
		v->cp[v->n++] = c;
	}
	while (v->n > 0 && is_space(v->cp[v->n - 1]))
		v->n--;
	for (start = 0; start < v->n && is_space(v->cp[start]); start++)
		/* nothing */;
	memmove(v->cp, v->cp + start, (v->n - start) * sizeof *v->cp);
	v->n -= start;
	return 0;
}

static void
value_wipe(struct value *v)
{
	if (v->cp != NULL) {
		explicit_bzero(v->cp, v->size * sizeof *v->cp);
		free(v->cp);
	}
	v->cp = NULL;
	v->n = v->size = 0;
}

/* The value as a malloc'd UTF-8 string. */
static char *
value_string(const struct value *v)
{
	char	*s;
	size_t	 i, off = 0;

	s = xreallocarray(NULL, v->n * 4 + 1, 1);
	for (i = 0; i < v->n; i++)
		off += (size_t)utf8_encode(v->cp[i], s + off);
	s[off] = '\0';
	return s;
}

static int
too_long(const struct field_spec *f, char **cause)
{
	return xj_fail(cause, XJ_EDATA,
	    _("%s: too long (at most %d characters)"), form_text(&f->label),
	    field_max_len(f));
}

/* Map the dots and marks people type into the forms we store. */
static uint32_t
name_fold(uint32_t c)
{
	switch (c) {
	case 0x30fb:		/* ・ katakana middle dot */
	case 0x2022:		/* • bullet */
	case 0x2027:		/* ‧ hyphenation point */
		return MIDDLE_DOT;
	case 0x2019:		/* ’ */
		return '\'';
	case 0x2010:		/* ‐ */
		return '-';
	}
	return c;
}

static int
latin_before(const struct value *v, size_t i)
{
	return i > 0 && (is_latin(v->cp[i - 1]) || is_combining(v->cp[i - 1]));
}

/*
 * Names: ideographs and Latin letters, · between parts (阿卜杜拉·买买提),
 * and spaces, hyphens and apostrophes only inside Latin names.
 */
static int
check_name(const struct field_spec *f, struct value *v, char **norm,
    char **cause)
{
	const char	*label = form_text(&f->label);
	size_t		 i, o, next;
	uint32_t	 c;

	for (i = 0; i < v->n; i++) {
		if (is_digit(v->cp[i]))
			return xj_fail(cause, XJ_EDATA,
			    _("%s: may not contain digits"), label);
	}
	for (i = 0; i < v->n; i++) {
		c = v->cp[i] = name_fold(v->cp[i]);
		if (is_han(c) || is_latin(c) || c == MIDDLE_DOT || c == '\'' ||
		    c == '-' || is_space(c) || (is_combining(c) &&
		    latin_before(v, i)))
			continue;
		return xj_fail(cause, XJ_EDATA, _("%s: may contain only "
		    "letters, the middle dot (·) and, in Latin names, spaces, "
		    "hyphens and apostrophes"), label);
	}

	/* One space between Latin words; none next to anything else. */
	for (i = o = 0; i < v->n; i++) {
		if (!is_space(v->cp[i])) {
			v->cp[o++] = v->cp[i];
			continue;
		}
		for (next = i; next < v->n && is_space(v->cp[next]); next++)
			/* nothing */;
		if (o > 0 && (is_latin(v->cp[o - 1]) ||
		    is_combining(v->cp[o - 1])) && next < v->n &&
		    is_latin(v->cp[next]))
			v->cp[o++] = ' ';
		i = next - 1;
	}
	v->n = o;

	if (v->n > (size_t)field_max_len(f))
		return too_long(f, cause);
	for (i = 0; i < v->n; i++) {
		c = v->cp[i];
		if (c == MIDDLE_DOT && (i == 0 || i == v->n - 1 ||
		    v->cp[i + 1] == MIDDLE_DOT))
			return xj_fail(cause, XJ_EDATA, _("%s: the middle "
			    "dot (·) may only stand between two parts of a "
			    "name"), label);
		if ((c == '\'' || c == '-') && (!latin_before(v, i) ||
		    i == v->n - 1 || !is_latin(v->cp[i + 1])))
			return xj_fail(cause, XJ_EDATA, _("%s: hyphens and "
			    "apostrophes may only stand between the letters of "
			    "a Latin name"), label);
	}
	*norm = value_string(v);
	return XJ_OK;
}

/* Free text: one line (text) or several (note), no controls. */
static int
check_text(const struct field_spec *f, struct value *v, char **norm,
    char **cause)
{
	const char	*label = form_text(&f->label);
	size_t		 i, o;
	uint32_t	 c;

	for (i = o = 0; i < v->n; i++) {
		c = v->cp[i];
		if (f->type == FIELD_NOTE && c == '\r') {
			if (i + 1 < v->n && v->cp[i + 1] == '\n')
				continue;
			c = '\n';
		}
		if ((c == '\n' || c == '\r') && f->type != FIELD_NOTE)
			return xj_fail(cause, XJ_EDATA,
			    _("%s: must be a single line"), label);
		if (utf8_is_control(c) && c != '\n' && c != '\t')
			return xj_fail(cause, XJ_EDATA,
			    _("%s: may not contain control characters"), label);
		v->cp[o++] = c;
	}
	v->n = o;
	if (v->n > (size_t)field_max_len(f))
		return too_long(f, cause);
	*norm = value_string(v);
	return XJ_OK;
}

/* Read 1..max digits at *i into *out; spaces around them are skipped. */
static int
read_number(const struct value *v, size_t *i, size_t min, size_t max,
    int *out)
{
	size_t	nd = 0;

	while (*i < v->n && is_space(v->cp[*i]))
		(*i)++;
	*out = 0;
	while (*i < v->n && v->cp[*i] >= '0' && v->cp[*i] <= '9') {
		if (++nd > max)
			return -1;
		*out = *out * 10 + (int)(v->cp[*i] - '0');
		(*i)++;
	}
	while (*i < v->n && is_space(v->cp[*i]))
		(*i)++;
	return nd >= min ? 0 : -1;
}

/*
 * Parse "YYYY-MM[-DD]" with "-", "/" or "." (the same one throughout), or
 * "YYYY年MM月[DD日]", where the last unit mark may be left out.
 */
static int
parse_date(const struct value *v, int want_day, int *y, int *m, int *d)
{
	size_t		i = 0;
	uint32_t	sep;

	*d = 1;
	if (read_number(v, &i, 4, 4, y) != 0 || i >= v->n)
		return -1;
	sep = v->cp[i++];
	if (sep != '-' && sep != '/' && sep != '.' && sep != 0x5e74)
		return -1;
	if (read_number(v, &i, 1, 2, m) != 0)
		return -1;
	if (sep == 0x5e74 && i < v->n && v->cp[i] == 0x6708) {	/* 月 */
		i++;
		if (want_day && read_number(v, &i, 1, 2, d) != 0)
			return -1;
		if (want_day && i < v->n && v->cp[i] == 0x65e5)	/* 日 */
			i++;
		return i == v->n ? 0 : -1;
	}
	if (want_day) {
		if (sep == 0x5e74 || i >= v->n || v->cp[i++] != sep ||
		    read_number(v, &i, 1, 2, d) != 0)
			return -1;
	}
	return i == v->n ? 0 : -1;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int
check_date(const struct field_spec *f, const struct value *v,
    const struct validate_ctx *ctx, char **norm, char **cause)
{
	const char	*label = form_text(&f->label);
	struct tm	 tm;
	int		 want_day = f->type == FIELD_DATE, y, m, d, age;

	if (parse_date(v, want_day, &y, &m, &d) != 0)
		return xj_fail(cause, XJ_EDATA, want_day ?
		    _("%s: write the date as year-month-day, e.g. "
		    "2018-03-15") :
		    _("%s: write the month as year-month, e.g. 2018-03"),
		    label);
	if (y < 1900)
		return xj_fail(cause, XJ_EDATA,
		    _("%s: the year must be 1900 or later"), label);
	if (m < 1 || m > 12)
		return xj_fail(cause, XJ_EDATA,
		    _("%s: the month must be between 1 and 12"), label);
	if (d < 1 || d > days_in_month(y, m))
		return xj_fail(cause, XJ_EDATA,
		    _("%s: that month has no such day"), label);

	if (!want_day && ctx != NULL) {
		localtime_r(&ctx->now, &tm);
		age = (tm.tm_year + 1900) * 12 + tm.tm_mon - (y * 12 + m - 1);
		if (age < 0)
			return xj_fail(cause, XJ_EDATA,
			    _("%s: may not be in the future"), label);
		age /= 12;
		if (ctx->age_min_years > 0 && age < ctx->age_min_years)
			return xj_fail(cause, XJ_EDATA, _("%s: the age must be "
			    "at least %d years"), label, ctx->age_min_years);
		if (ctx->age_max_years > 0 && age > ctx->age_max_years)
			return xj_fail(cause, XJ_EDATA, _("%s: the age must be "
			    "at most %d years"), label, ctx->age_max_years);
	}
	if (want_day)
		xasprintf(norm, "%04d-%02d-%02d", y, m, d);
	else
		xasprintf(norm, "%04d-%02d", y, m);
	return XJ_OK;
}

/* A choice by its value or, for convenience, by either label. */
static int
check_enum(const struct field_spec *f, const char *s, char **norm,
    char **cause)
{
	const struct field_choice	*c;
	char				*list = NULL, *tmp;
	size_t				 i;

	for (i = 0; i < f->nchoices; i++) {
		c = &f->choices[i];
		if (strcmp(s, c->value) == 0 || strcmp(s, c->label.zh) == 0 ||
		    strcmp(s, c->label.en) == 0) {
			*norm = xstrdup(c->value);
			return XJ_OK;
		}
	}
	for (i = 0; i < f->nchoices; i++) {
		xasprintf(&tmp, "%s%s%s", list == NULL ? "" : list,
		    list == NULL ? "" : ", ", form_text(&f->choices[i].label));
		free(list);
		list = tmp;
	}
	xj_fail(cause, XJ_EDATA, _("%s: choose one of %s"),
	    form_text(&f->label), list == NULL ? "" : list);
	free(list);
	return XJ_EDATA;
}

static int
check_bool(const struct field_spec *f, const char *s, char **norm,
    char **cause)
{
	static const char	*yes[] = { "yes", "true", "1", "是" };
	static const char	*no[] = { "no", "false", "0", "否" };
	size_t			 i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*norm = xstrdup("yes");
			return XJ_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*norm = xstrdup("no");
			return XJ_OK;
		}
	}
	return xj_fail(cause, XJ_EDATA, _("%s: answer yes or no"),
	    form_text(&f->label));
}

/* Put the field's label in front of a helper's message. */
static int
prefix_label(const char *label, char **cause)
{
	char	*msg;

	if (cause == NULL)
		return XJ_EDATA;
	msg = *cause;
	/* TRANSLATORS: a field's label, then what is wrong with its value. */
	xj_fail(cause, XJ_EDATA, _("%s: %s"), label, msg);
	free(msg);
	return XJ_EDATA;
}

/* Validate and normalise one value for field f. */
int
field_validate(const struct field_spec *f, const char *value,
    const struct validate_ctx *ctx, char **norm, char **cause)
{
	const char	*label = form_text(&f->label);
	struct value	 v = { NULL, 0, 0 };
	char		*s = NULL, *out = NULL;
	int		 rc, free_text;

	if (value == NULL)
		value = "";
	if (strlen(value) > VALUE_MAX_BYTES)
		return too_long(f, cause);
	free_text = f->type == FIELD_TEXT || f->type == FIELD_NOTE ||
	    f->type == FIELD_ENUM;
	if (value_read(value, free_text, &v) != 0) {
		rc = xj_fail(cause, XJ_EDATA,
		    _("%s: not valid text (UTF-8)"), label);
		goto out;
	}
	if (v.n == 0) {
		if (f->required) {
			rc = xj_fail(cause, XJ_EDATA, _("%s is required"),
			    label);
			goto out;
		}
		*norm = xstrdup("");
		rc = XJ_OK;
		goto out;
	}

	switch (f->type) {
	case FIELD_NAME:
		rc = check_name(f, &v, &out, cause);
		break;
	case FIELD_TEXT:
	case FIELD_NOTE:
		rc = check_text(f, &v, &out, cause);
		break;
	case FIELD_YEAR_MONTH:
	case FIELD_DATE:
		rc = check_date(f, &v, ctx, &out, cause);
		break;
	case FIELD_PHONE:
		s = value_string(&v);
		if ((rc = phone_normalise(s, &out, cause)) != XJ_OK)
			rc = prefix_label(label, cause);
		break;
	case FIELD_ENUM:
		s = value_string(&v);
		rc = check_enum(f, s, &out, cause);
		break;
	case FIELD_BOOL:
		s = value_string(&v);
		rc = check_bool(f, s, &out, cause);
		break;
	default:
		rc = xj_fail(cause, XJ_ESOFTWARE, _("%s: unknown field type"),
		    label);
		break;
	}
	if (rc == XJ_OK)
		*norm = out;

out:
	xfree_wipe(s);
	value_wipe(&v);
	return rc;
}
