/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz-config.c — config_load on xueji.yaml, through a real file (mode
 * 0600, as the loader insists), and the student-number pattern on the
 * same bytes.  A loaded config keeps the schema's ranges, and its
 * pattern, which the loader checked, always formats.
 */
#include "fuzz/fuzz.h"
#include "xueji/config.h"

static void
fuzz_config_pattern(const char *pattern, const char *branch)
{
	char	*cause = NULL, *s;
	int	 ok;

	ok = config_check_pattern(pattern, &cause);
	FUZZ_ASSERT(ok ? cause == NULL : cause != NULL);
	free(cause);
	s = config_format_number(pattern, branch, 2026, 42);
	FUZZ_ASSERT((s != NULL) == (ok != 0));
	if (s != NULL)
		FUZZ_ASSERT(strstr(s, "42") != NULL);
	free(s);
}

int
fuzz_config(const uint8_t *data, size_t size)
{
	struct config	*c = NULL;
	char		*cause = NULL, *s;
	int		 rc;

	fuzz_setup();
	rc = config_load(fuzz_write_file(data, size), &c, &cause);
	fuzz_check_cause(rc, cause);
	if (rc == XJ_OK) {
		FUZZ_ASSERT(c != NULL && c->branch_code != NULL &&
		    c->branch_name != NULL && c->data_dir != NULL &&
		    c->roles_file != NULL && c->forms_dir != NULL);
		FUZZ_ASSERT(strlen(c->branch_code) >= 2 &&
		    strlen(c->branch_code) <= 8);
		FUZZ_ASSERT(c->idle_lock_seconds >= 5 &&
		    c->idle_lock_seconds <= 86400);
		FUZZ_ASSERT(c->age_min_years <= c->age_max_years);
		fuzz_config_pattern(c->number_pattern, c->branch_code);
		config_free(c);
	} else
		FUZZ_ASSERT(c == NULL);

	/* Patterns are short: the same bytes, as one. */
	if (size <= 80) {
		s = fuzz_cstring(data, size);
		fuzz_config_pattern(s, "SH01");
		free(s);
	}
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_config(data, size);
}
#endif
