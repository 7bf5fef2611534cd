/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-form.c — form_load on a form spec, through a real file.  A loaded
 * form has valid, distinct keys, known types, both languages of every
 * text, choices for every enum, and each of its fields validates a few
 * typical values (and its own choices and labels) without crashing; an
 * enum's answer is always one of its choices.
 */
#include "fuzz/fuzz.h"
#include "xueji/forms.h"

static const char *fuzz_form_samples[] = {
	"", " ", "张三", "欧阳·娜娜", "Anna-Maria O'Neil", "13812345678",
	"+86 138 1234 5678", "021-62345678", "2018-03", "2018年3月",
	"2018-03-15", "yes", "否", "note\r\nline", "ｘ",
};

static void
fuzz_form_value(const struct field_spec *f, const char *value)
{
	struct validate_ctx	 ctx = { 1780000000, 2, 18 };
	char			*norm = NULL, *cause = NULL;
	size_t			 i;
	int			 rc, found;

	rc = field_validate(f, value, &ctx, &norm, &cause);
	fuzz_check_cause(rc, cause);
	if (rc != XJ_OK) {
		FUZZ_ASSERT(norm == NULL);
		return;
	}
	FUZZ_ASSERT(norm != NULL && utf8_valid(norm, strlen(norm)));
	if (f->type == FIELD_ENUM && *norm != '\0') {
		for (i = found = 0; i < f->nchoices; i++)
			found |= strcmp(norm, f->choices[i].value) == 0;
		FUZZ_ASSERT(found);
	}
	free(norm);
}

static void
fuzz_form_text(const struct text_zh_en *t)
{
	FUZZ_ASSERT(t->zh != NULL && *t->zh != '\0');
	FUZZ_ASSERT(t->en != NULL && *t->en != '\0');
	FUZZ_ASSERT(form_text(t) == t->en || form_text(t) == t->zh);
}

int
fuzz_form(const uint8_t *data, size_t size)
{
	const struct field_spec	*f;
	struct form_spec	*fs = NULL;
	char			*cause = NULL;
	size_t			 i, j;
	int			 rc;

	fuzz_setup();
	rc = form_load(fuzz_write_file(data, size), &fs, &cause);
	fuzz_check_cause(rc, cause);
	if (rc != XJ_OK) {
		FUZZ_ASSERT(fs == NULL);
		return 0;
	}
	FUZZ_ASSERT(fs->name != NULL && fs->nfields > 0);
	fuzz_form_text(&fs->title);
	for (i = 0; i < fs->nfields; i++) {
		f = &fs->fields[i];
		FUZZ_ASSERT(form_field(fs, f->key) == f);
		FUZZ_ASSERT(strcmp(field_type_name(f->type), "?") != 0);
		FUZZ_ASSERT(field_max_len(f) >= 1);
		FUZZ_ASSERT(f->width >= 1 && f->width <= 80);
		FUZZ_ASSERT((f->type == FIELD_ENUM) == (f->nchoices > 0));
		fuzz_form_text(&f->label);
		fuzz_form_text(&f->purpose);
		for (j = 0; j < nitems(fuzz_form_samples); j++)
			fuzz_form_value(f, fuzz_form_samples[j]);
		for (j = 0; j < f->nchoices; j++) {
			fuzz_form_text(&f->choices[j].label);
			fuzz_form_value(f, f->choices[j].value);
			fuzz_form_value(f, f->choices[j].label.zh);
			fuzz_form_value(f, f->choices[j].label.en);
		}
	}
	for (i = 0; i < fs->nconsent; i++) {
		fuzz_form_text(&fs->consent[i].label);
		FUZZ_ASSERT(form_consent_valid(fs, fs->consent[i].value));
	}
	FUZZ_ASSERT(!form_consent_valid(fs, NULL));
	form_free(fs);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_form(data, size);
}
#endif
