/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Form specs: forms/NAME.yaml read into a struct form_spec.  The schema is
 * strict on purpose.  A branch admin edits these files by hand, and a typo
 * that silently dropped "required: true" or a field's purpose would
 * collect data nobody meant to collect, or fail to collect what the
 * branch must have.  Every refusal names file:line:column.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/yamldoc.h"
#include "xueji/forms.h"

#define FORM_KEY_MAX	32

/* Each type once: its name in a form, default width and length limit. */
static const struct {
	enum field_type	 type;
	const char	*name;
	int		 width;
	int		 max_len;
} type_table[] = {
	{ FIELD_NAME,		"name",		20,	30 },
	{ FIELD_TEXT,		"text",		40,	100 },
	{ FIELD_PHONE,		"phone",	16,	32 },
	{ FIELD_YEAR_MONTH,	"year_month",	10,	16 },
	{ FIELD_DATE,		"date",		12,	20 },
	{ FIELD_ENUM,		"enum",		16,	100 },
	{ FIELD_BOOL,		"bool",		6,	8 },
	{ FIELD_NOTE,		"note",		60,	1000 },
};

/* The keys each level of a form may have; anything else is refused. */
static const char *form_keys[] = { "form", "title", "fields", "consent" };
static const char *field_keys[] = { "key", "type", "label", "purpose",
	"required", "width", "max_len", "sensitivity", "choices" };
static const char *text_keys[] = { "zh", "en" };
static const char *choice_keys[] = { "value", "label" };

static void
text_free(struct text_zh_en *t)
{
	free(t->zh);
	free(t->en);
}

static void
choices_free(struct field_choice *c, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(c[i].value);
		text_free(&c[i].label);
	}
	free(c);
}

/* Free a form spec and everything it holds; NULL is fine. */
void
form_free(struct form_spec *fs)
{
	struct field_spec	*f;
	size_t			 i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->nfields; i++) {
		f = &fs->fields[i];
		free(f->key);
		text_free(&f->label);
		text_free(&f->purpose);
		choices_free(f->choices, f->nchoices);
	}
	free(fs->fields);
	choices_free(fs->consent, fs->nconsent);
	text_free(&fs->title);
	free(fs->name);
	free(fs->path);
	free(fs);
}

/* The name of a field type as written in a form. */
const char *
field_type_name(enum field_type type)
{
	size_t	i;

	for (i = 0; i < nitems(type_table); i++) {
		if (type_table[i].type == type)
			return type_table[i].name;
	}
	return "?";
}

/* The most characters a value of f may have. */
int
field_max_len(const struct field_spec *f)
{
	size_t	i;

	if (f->max_len > 0)
		return f->max_len;
	for (i = 0; i < nitems(type_table); i++) {
		if (type_table[i].type == f->type)
			return type_table[i].max_len;
	}
	return 100;
}

static int
key_valid(const char *s)
{
	size_t	i;

	if (s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= FORM_KEY_MAX)
			return 0;
		if ((s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') &&
		    s[i] != '_')
			return 0;
	}
	return 1;
}

/* The key node for key in mapping m (for positions), or NULL. */
static const struct ynode *
key_node(const struct ynode *m, const char *key)
{
	size_t	i;

	for (i = 0; i + 1 < m->nitems; i += 2) {
		if (strcmp(m->items[i]->value, key) == 0)
			return m->items[i];
	}
	return NULL;
}

/* Check that n is a mapping with no key outside allowed. */
static int
check_keys(const struct ydoc *d, const struct ynode *n, const char *what,
    const char **allowed, size_t nallowed, char **cause)
{
	size_t	i, j;

	if (n->kind != YNODE_MAPPING)
		return ydoc_error(d, n, cause, _("%s must be a mapping"), what);
	for (i = 0; i + 1 < n->nitems; i += 2) {
		for (j = 0; j < nallowed; j++) {
			if (strcmp(n->items[i]->value, allowed[j]) == 0)
				break;
		}
		if (j == nallowed)
			return ydoc_error(d, n->items[i], cause,
			    _("unknown key \"%s\" in %s"), n->items[i]->value,
			    what);
	}
	return XJ_OK;
}

/* A non-empty scalar, borrowed from the tree. */
static int
get_scalar(const struct ydoc *d, const struct ynode *n, const char *key,
    const char **out, char **cause)
{
	if (n->kind != YNODE_SCALAR)
		return ydoc_error(d, n, cause,
		    _("\"%s\" must be a single value"), key);
	if (n->value[0] == '\0')
		return ydoc_error(d, n, cause, _("\"%s\" may not be empty"),
		    key);
	*out = n->value;
	return XJ_OK;
}

/* Read {zh: …, en: …}; both languages are required. */
static int
load_text(const struct ydoc *d, const struct ynode *n, const char *key,
    struct text_zh_en *t, char **cause)
{
	const struct ynode	*zh, *en;
	const char		*s;
	int			 rc;

	if ((rc = check_keys(d, n, key, text_keys, nitems(text_keys),
	    cause)) != XJ_OK)
		return rc;
	zh = ynode_get(n, "zh");
	en = ynode_get(n, "en");
	if (zh == NULL || en == NULL)
		return ydoc_error(d, n, cause,
		    _("\"%s\" needs both \"zh\" and \"en\""), key);
	if ((rc = get_scalar(d, zh, "zh", &s, cause)) != XJ_OK)
		return rc;
	t->zh = xstrdup(s);
	if ((rc = get_scalar(d, en, "en", &s, cause)) != XJ_OK)
		return rc;
	t->en = xstrdup(s);
	return XJ_OK;
}

/* Read a list of {value, label}: an enum's choices or the consent methods. */
static int
load_choices(const struct ydoc *d, const struct ynode *n, const char *key,
    struct field_choice **out, size_t *nout, char **cause)
{
	const struct ynode	*item, *v, *label;
	struct field_choice	*c;
	const char		*s;
	size_t			 i, j;
	int			 rc;

	if (n->kind != YNODE_SEQUENCE || n->nitems == 0)
		return ydoc_error(d, n, cause,
		    _("\"%s\" must be a list of at least one choice"), key);
	for (i = 0; i < n->nitems; i++) {
		item = n->items[i];
		if ((rc = check_keys(d, item, key, choice_keys,
		    nitems(choice_keys), cause)) != XJ_OK)
			return rc;
		if ((v = ynode_get(item, "value")) == NULL ||
		    (label = ynode_get(item, "label")) == NULL)
			return ydoc_error(d, item, cause, _("each of \"%s\" "
			    "needs a \"value\" and a \"label\""), key);
		if ((rc = get_scalar(d, v, "value", &s, cause)) != XJ_OK)
			return rc;
		for (j = 0; j < *nout; j++) {
			if (strcmp((*out)[j].value, s) == 0)
				return ydoc_error(d, v, cause,
				    _("duplicate value \"%s\" in %s"), s, key);
		}
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		c = &(*out)[(*nout)++];
		memset(c, 0, sizeof *c);
		c->value = xstrdup(s);
		if ((rc = load_text(d, label, "label", &c->label, cause)) !=
		    XJ_OK)
			return rc;
	}
	return XJ_OK;
}

static int
load_type(const struct ydoc *d, const struct ynode *n, enum field_type *out,
    char **cause)
{
	const char	*s;
	size_t		 i;
	int		 rc;

	if ((rc = get_scalar(d, n, "type", &s, cause)) != XJ_OK)
		return rc;
	for (i = 0; i < nitems(type_table); i++) {
		if (strcmp(type_table[i].name, s) == 0) {
			*out = type_table[i].type;
			return XJ_OK;
		}
	}
	return ydoc_error(d, n, cause, _("unknown field type \"%s\" (use name, "
	    "text, phone, year_month, date, enum, bool or note)"), s);
}

/* The settings that have defaults: required, width, max_len, sensitivity. */
static int
load_options(const struct ydoc *d, const struct ynode *n,
    struct field_spec *f, char **cause)
{
	const struct ynode	*v;
	const char		*s;
	long			 l;
	size_t			 i;
	int			 rc;

	for (i = 0; i < nitems(type_table); i++) {
		if (type_table[i].type == f->type)
			f->width = type_table[i].width;
	}
	if ((v = ynode_get(n, "required")) != NULL &&
	    (rc = ynode_bool(d, v, "required", &f->required, cause)) != XJ_OK)
		return rc;
	if ((v = ynode_get(n, "width")) != NULL) {
		if ((rc = ynode_long(d, v, "width", 1, 80, &l, cause)) != XJ_OK)
			return rc;
		f->width = (int)l;
	}
	if ((v = ynode_get(n, "max_len")) != NULL) {
		if ((rc = ynode_long(d, v, "max_len", 1, 10000, &l, cause)) !=
		    XJ_OK)
			return rc;
		f->max_len = (int)l;
	}
	if ((v = ynode_get(n, "sensitivity")) != NULL) {
		if ((rc = get_scalar(d, v, "sensitivity", &s, cause)) != XJ_OK)
			return rc;
		if (strcmp(s, "normal") == 0)
			f->sensitivity = SENS_NORMAL;
		else if (strcmp(s, "sensitive") == 0)
			f->sensitivity = SENS_SENSITIVE;
		else
			return ydoc_error(d, v, cause, _("\"sensitivity\" must "
			    "be \"normal\" or \"sensitive\""));
	}
	return XJ_OK;
}

static int
load_field(const struct ydoc *d, const struct ynode *n, struct form_spec *fs,
    char **cause)
{
	const struct ynode	*v;
	struct field_spec	*f;
	const char		*s;
	size_t			 i;
	int			 rc;

	if ((rc = check_keys(d, n, _("a field"), field_keys,
	    nitems(field_keys), cause)) != XJ_OK)
		return rc;
	if ((v = ynode_get(n, "key")) == NULL)
		return ydoc_error(d, n, cause, _("field needs a \"key\""));
	if ((rc = get_scalar(d, v, "key", &s, cause)) != XJ_OK)
		return rc;
	if (!key_valid(s))
		return ydoc_error(d, v, cause, _("field key \"%s\" must be a "
		    "lowercase letter followed by up to 31 lowercase letters, "
		    "digits or underscores"), s);
	for (i = 0; i < fs->nfields; i++) {
		if (strcmp(fs->fields[i].key, s) == 0)
			return ydoc_error(d, v, cause,
			    _("duplicate field key \"%s\""), s);
	}

	fs->fields = xreallocarray(fs->fields, fs->nfields + 1,
	    sizeof *fs->fields);
	f = &fs->fields[fs->nfields++];
	memset(f, 0, sizeof *f);
	f->key = xstrdup(s);

	if ((v = ynode_get(n, "type")) == NULL)
		return ydoc_error(d, n, cause,
		    _("field \"%s\" needs a \"type\""), f->key);
	if ((rc = load_type(d, v, &f->type, cause)) != XJ_OK)
		return rc;
	if ((v = ynode_get(n, "label")) == NULL)
		return ydoc_error(d, n, cause,
		    _("field \"%s\" needs a \"label\""), f->key);
	if ((rc = load_text(d, v, "label", &f->label, cause)) != XJ_OK)
		return rc;
	/* Minimal collection: no field without a stated reason for it. */
	if ((v = ynode_get(n, "purpose")) == NULL)
		return ydoc_error(d, n, cause, _("field \"%s\" needs a "
		    "\"purpose\" saying why it is collected"), f->key);
	if ((rc = load_text(d, v, "purpose", &f->purpose, cause)) != XJ_OK)
		return rc;
	if ((rc = load_options(d, n, f, cause)) != XJ_OK)
		return rc;

	v = ynode_get(n, "choices");
	if (f->type == FIELD_ENUM && v == NULL)
		return ydoc_error(d, n, cause,
		    _("enum field \"%s\" needs \"choices\""), f->key);
	if (f->type != FIELD_ENUM && v != NULL)
		return ydoc_error(d, key_node(n, "choices"), cause,
		    _("\"choices\" is only for enum fields"));
	if (v != NULL)
		return load_choices(d, v, "choices", &f->choices,
		    &f->nchoices, cause);
	return XJ_OK;
}

static int
load_form(const struct ydoc *d, struct form_spec *fs, char **cause)
{
	const struct ynode	*root = d->root, *v;
	const char		*s;
	size_t			 i;
	int			 rc;

	if (root == NULL)
		return ydoc_error(d, NULL, cause, _("the form is empty"));
	if ((rc = check_keys(d, root, _("the form"), form_keys,
	    nitems(form_keys), cause)) != XJ_OK)
		return rc;

	if ((v = ynode_get(root, "form")) == NULL)
		return ydoc_error(d, root, cause,
		    _("the form needs a \"form\" name"));
	if ((rc = get_scalar(d, v, "form", &s, cause)) != XJ_OK)
		return rc;
	if (!key_valid(s))
		return ydoc_error(d, v, cause, _("form name \"%s\" must be a "
		    "lowercase letter followed by lowercase letters, digits or "
		    "underscores"), s);
	fs->name = xstrdup(s);

	if ((v = ynode_get(root, "title")) == NULL)
		return ydoc_error(d, root, cause,
		    _("the form needs a \"title\""));
	if ((rc = load_text(d, v, "title", &fs->title, cause)) != XJ_OK)
		return rc;

	if ((v = ynode_get(root, "fields")) == NULL)
		return ydoc_error(d, root, cause,
		    _("the form needs \"fields\""));
	if (v->kind != YNODE_SEQUENCE || v->nitems == 0)
		return ydoc_error(d, v, cause,
		    _("\"fields\" must be a list of at least one field"));
	for (i = 0; i < v->nitems; i++) {
		if ((rc = load_field(d, v->items[i], fs, cause)) != XJ_OK)
			return rc;
	}

	if ((v = ynode_get(root, "consent")) != NULL)
		return load_choices(d, v, "consent", &fs->consent,
		    &fs->nconsent, cause);
	return XJ_OK;
}

/* Load the form spec at path, refusing anything outside the schema. */
int
form_load(const char *path, struct form_spec **out, char **cause)
{
	struct ydoc		*d;
	struct form_spec	*fs;
	unsigned char		 hash[32];
	int			 rc;

	/* A form decides what each role sees: guarded like roles.yaml. */
	if ((rc = xj_check_config_file(path, cause)) != XJ_OK)
		return rc;
	if ((rc = ydoc_load_hash(path, hash, &d, cause)) != XJ_OK)
		return rc;
	fs = xcalloc(1, sizeof *fs);
	fs->path = xstrdup(path);
	memcpy(fs->hash, hash, sizeof fs->hash);
	if ((rc = load_form(d, fs, cause)) != XJ_OK)
		goto fail;
	ydoc_free(d);
	*out = fs;
	return XJ_OK;

fail:
	form_free(fs);
	ydoc_free(d);
	return rc;
}

/* The field with key, or NULL. */
const struct field_spec *
form_field(const struct form_spec *fs, const char *key)
{
	size_t	i;

	for (i = 0; i < fs->nfields; i++) {
		if (strcmp(fs->fields[i].key, key) == 0)
			return &fs->fields[i];
	}
	return NULL;
}

/* The consent method called value, or NULL. */
static const struct field_choice *
consent_find(const struct form_spec *fs, const char *value)
{
	size_t	i;

	for (i = 0; value != NULL && i < fs->nconsent; i++) {
		if (strcmp(fs->consent[i].value, value) == 0)
			return &fs->consent[i];
	}
	return NULL;
}

const char *
form_consent_label(const struct form_spec *fs, const char *value)
{
	const struct field_choice	*c = consent_find(fs, value);

	return c != NULL ? form_text(&c->label) : value;
}

/* Whether value is one of the form's consent methods. */
int
form_consent_valid(const struct form_spec *fs, const char *value)
{
	return consent_find(fs, value) != NULL;
}

/*
 * Whether the interface speaks Chinese: the first entry of LANGUAGE when
 * set (as gettext reads it), else the LC_MESSAGES locale.
 */
static int
interface_zh(void)
{
	const char	*s;

	if ((s = getenv("LANGUAGE")) != NULL && *s != '\0' && *s != ':')
		return strncmp(s, "zh", 2) == 0;
	s = setlocale(LC_MESSAGES, NULL);
	return s != NULL && strncmp(s, "zh", 2) == 0;
}

/* The text in the interface language, falling back to the other one. */
const char *
form_text(const struct text_zh_en *t)
{
	const char	*first, *second;

	if (interface_zh()) {
		first = t->zh;
		second = t->en;
	} else {
		first = t->en;
		second = t->zh;
	}
	if (first != NULL && *first != '\0')
		return first;
	return second != NULL ? second : "";
}
