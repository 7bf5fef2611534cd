/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-validate.c — field_validate for every field type, phone_normalise,
 * phone_mask and phone_tail.  The first byte picks the field (type,
 * required, length limit, with or without an age context); the rest is
 * the value.
 *
 * What must hold: a stored value is valid UTF-8 within the length limit
 * and validates again to itself (normalising twice changes nothing, so
 * an edited record never drifts); a stored phone is a mobile or a
 * landline whose mask and tail agree with it; a refusal never repeats
 * the value (messages reach screens and logs).
 */
#include "fuzz/fuzz.h"
#include "xueji/forms.h"

/* Writable arrays, since struct field_choice holds char *. */
static char	fuzz_v_male[] = "male", fuzz_v_male_zh[] = "男",
		fuzz_v_male_en[] = "Male", fuzz_v_female[] = "female",
		fuzz_v_female_zh[] = "女", fuzz_v_female_en[] = "Female",
		fuzz_v_other[] = "in_person", fuzz_v_other_zh[] = "当面签字",
		fuzz_v_other_en[] = "In person";
static struct field_choice fuzz_validate_choices[] = {
	{ fuzz_v_male, { fuzz_v_male_zh, fuzz_v_male_en } },
	{ fuzz_v_female, { fuzz_v_female_zh, fuzz_v_female_en } },
	{ fuzz_v_other, { fuzz_v_other_zh, fuzz_v_other_en } },
};
static char	fuzz_v_key[] = "value", fuzz_v_label_zh[] = "值",
		fuzz_v_label_en[] = "Value";

/* Whether s is a stored phone: 11-digit mobile or "0AA[A]-NNNNNNN[N]". */
static int
fuzz_validate_phone_form(const char *s)
{
	size_t	len = strlen(s), i, dash = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '-' && dash == 0 && i > 0)
			dash = i;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	if (dash == 0)
		return len == 11 && s[0] == '1' && s[1] >= '3';
	return s[0] == '0' && (dash == 3 || dash == 4) &&
	    (len - dash - 1 == 7 || len - dash - 1 == 8);
}

static void
fuzz_validate_phone(const char *raw)
{
	char	*norm = NULL, *cause = NULL, *mask, tail[5];
	int	 rc;

	rc = phone_normalise(raw, &norm, &cause);
	fuzz_check_cause(rc, cause);
	if (rc == XJ_OK) {
		FUZZ_ASSERT(fuzz_validate_phone_form(norm));
		mask = phone_mask(norm);
		FUZZ_ASSERT(strlen(mask) == strlen(norm));
		FUZZ_ASSERT(strchr(mask, '*') != NULL);
		phone_tail(norm, tail);
		FUZZ_ASSERT(strlen(tail) == 4);
		FUZZ_ASSERT(strcmp(mask + strlen(mask) - 4, tail) == 0);
		free(mask);
		free(norm);
	}
	/* Masks and tails are also drawn for whatever the database holds. */
	mask = phone_mask(raw);
	FUZZ_ASSERT(mask != NULL);
	if (utf8_valid(raw, strlen(raw)))
		FUZZ_ASSERT(utf8_valid(mask, strlen(mask)));
	free(mask);
	phone_tail(raw, tail);
	FUZZ_ASSERT(strlen(tail) == 0 || strlen(tail) == 4);
}

/* Whether value has a byte no English message could hold (not "·"). */
static int
fuzz_validate_distinct(const char *value)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p >= 0x80 && *p != 0xc2 && *p != 0xb7)
			return 1;
	}
	return 0;
}

int
fuzz_validate(const uint8_t *data, size_t size)
{
	static const int	 lens[] = { 0, 1, 4, 12 };
	struct validate_ctx	 ctx = { 1780000000, 2, 18 };	/* 2026-05 */
	struct field_spec	 f;
	char			*value, *norm = NULL, *norm2 = NULL, *cause = NULL;
	size_t			 n, i;
	int			 rc;

	fuzz_setup();
	if (size < 1)
		return 0;
	memset(&f, 0, sizeof f);
	f.key = fuzz_v_key;
	f.type = (enum field_type)(data[0] & 7);
	f.label.zh = fuzz_v_label_zh;
	f.label.en = fuzz_v_label_en;
	f.required = (data[0] >> 3) & 1;
	f.max_len = lens[(data[0] >> 4) & 3];
	if (f.type == FIELD_ENUM) {
		f.choices = fuzz_validate_choices;
		f.nchoices = nitems(fuzz_validate_choices);
	}
	value = fuzz_cstring(data + 1, size - 1);

	rc = field_validate(&f, value, data[0] & 0x40 ? NULL : &ctx, &norm,
	    &cause);
	if (rc != XJ_OK) {
		FUZZ_ASSERT(norm == NULL && cause != NULL);
		if (fuzz_validate_distinct(value))
			FUZZ_ASSERT(strstr(cause, value) == NULL);
	}
	fuzz_check_cause(rc, cause);
	cause = NULL;
	if (rc == XJ_OK) {
		n = strlen(norm);
		FUZZ_ASSERT(utf8_valid(norm, n));
		FUZZ_ASSERT(*norm != '\0' || !f.required);
		if (f.type == FIELD_NAME || f.type == FIELD_TEXT ||
		    f.type == FIELD_NOTE) {
			for (i = 0, n = 0; norm[i] != '\0'; i++)
				n += ((unsigned char)norm[i] & 0xc0) != 0x80;
			FUZZ_ASSERT(n <= (size_t)field_max_len(&f));
		}
		rc = field_validate(&f, norm, data[0] & 0x40 ? NULL : &ctx,
		    &norm2, &cause);
		if (rc != XJ_OK)
			fprintf(stderr, "value %s refused: %s\n", norm, cause);
		FUZZ_ASSERT(rc == XJ_OK);
		FUZZ_ASSERT(strcmp(norm, norm2) == 0);
		if (f.type == FIELD_PHONE && *norm != '\0')
			FUZZ_ASSERT(fuzz_validate_phone_form(norm));
		free(norm2);
		free(norm);
	}
	fuzz_validate_phone(value);
	free(value);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_validate(data, size);
}
#endif
