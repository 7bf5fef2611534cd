/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * forms.h — form specs (forms/NAME.yaml) and field validation.  Pure C: no
 * terminal, no database; the UI and the command line both call it.
 */
#ifndef XUEJI_FORMS_H
#define XUEJI_FORMS_H

#include <stddef.h>
#include <time.h>

enum field_type {
	FIELD_NAME,		/* a person's name */
	FIELD_TEXT,		/* one line of free text */
	FIELD_PHONE,		/* Chinese mobile or landline */
	FIELD_YEAR_MONTH,	/* YYYY-MM */
	FIELD_DATE,		/* YYYY-MM-DD */
	FIELD_ENUM,		/* one of choices[] */
	FIELD_BOOL,		/* yes / no */
	FIELD_NOTE,		/* several lines of free text */
};

enum field_sensitivity {
	SENS_NORMAL,
	SENS_SENSITIVE,		/* shown only to roles with student.sensitive */
};

struct text_zh_en {
	char	*zh;
	char	*en;
};

struct field_choice {
	char			*value;		/* stored value */
	struct text_zh_en	 label;
};

struct field_spec {
	char			*key;		/* [a-z][a-z0-9_]*, the store's key */
	enum field_type		 type;
	struct text_zh_en	 label;
	struct text_zh_en	 purpose;	/* why it is collected */
	int			 required;
	int			 width;		/* columns on screen */
	int			 max_len;	/* characters, 0: type default */
	enum field_sensitivity	 sensitivity;
	struct field_choice	*choices;	/* FIELD_ENUM */
	size_t			 nchoices;
};

struct form_spec {
	char			*path;
	unsigned char		 hash[32];	/* BLAKE2b-256 of it */
	char			*name;		/* "enrollment" */
	struct text_zh_en	 title;
	struct field_spec	*fields;
	size_t			 nfields;
	struct field_choice	*consent;	/* how consent may be given */
	size_t			 nconsent;
};

/*
 * Load a form spec, refused like roles.yaml when others could change it
 * (xj_check_config_file).  Unknown keys, unknown types, duplicate field keys,
 * an enum without choices and a missing label are refused with
 * XJ_ECONFIG and "file:line:column: message".  On failure *out is
 * untouched.
 */
int	 form_load(const char *path, struct form_spec **out, char **cause);
void	 form_free(struct form_spec *);

/* The field with key, or NULL. */
const struct field_spec *form_field(const struct form_spec *, const char *key);
/* A consent method's label in the interface language, or value itself. */
const char *form_consent_label(const struct form_spec *, const char *value);
/* Whether value is one of the form's consent methods. */
int	 form_consent_valid(const struct form_spec *, const char *value);
/* The label in the interface language (zh when LC_MESSAGES is zh_*). */
const char *form_text(const struct text_zh_en *);

/* What validation needs to know beyond the field itself. */
struct validate_ctx {
	time_t	 now;			/* the date ages are measured at */
	int	 age_min_years;
	int	 age_max_years;
};

/*
 * Validate and normalise one value for field f.  On success returns XJ_OK
 * and *norm holds the value to store (malloc'd; full-width digits made
 * ASCII, spaces trimmed, phone numbers in one canonical form).  An empty
 * value is valid for a field that is not required, giving "".  On failure
 * returns XJ_EDATA and *cause holds a translated message that names the
 * field by its label but never repeats the value.
 */
int	 field_validate(const struct field_spec *f, const char *value,
	     const struct validate_ctx *ctx, char **norm, char **cause);

/*
 * Bring a phone number into its stored form: "13812345678" for a mobile
 * (full-width digits, spaces, hyphens, parentheses and a +86, 0086 or 86
 * prefix removed), "021-62345678" for a landline.  On failure returns
 * XJ_EDATA and *cause holds a translated message that names no field and
 * does not repeat the number; field_validate puts the label in front.
 */
int	 phone_normalise(const char *value, char **norm, char **cause);

/* The name of a field type as written in a form ("year_month"). */
const char *field_type_name(enum field_type);
/* The most characters a value of f may have: max_len or the type's default. */
int	 field_max_len(const struct field_spec *f);

/* Mask a phone number for display: "138****5678", "021-****5678". */
char	*phone_mask(const char *normalised);
/* The last four digits of a normalised phone, or "" (static storage no;
 * writes into out, room for 5). */
void	 phone_tail(const char *normalised, char out[5]);

#endif
