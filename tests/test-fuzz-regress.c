/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * test-fuzz-regress.c — every input a fuzzer ever crashed on, replayed
 * through the same code, built with the ordinary compiler and flags.
 * tests/fuzz/regress/NAME-NNN is one numbered test each (NAME is the
 * target: yaml, config, roles, form, validate, keyslots, checkpoint,
 * lineedit); one more test per target replays its seed corpus, so the
 * targets' own checks run under make test even without clang.
 *
 * The targets' bodies are included here with FUZZ_NO_MAIN, which leaves
 * out libFuzzer's entry point; a broken check aborts, which fails the
 * test that ran it.  Run from the top of the source tree (make test
 * does), or set FUZZ_DIR to tests/fuzz.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "lib/testlib.h"

#define FUZZ_NO_MAIN
#include "fuzz/fuzz-yaml.c"
#include "fuzz/fuzz-config.c"
#include "fuzz/fuzz-roles.c"
#include "fuzz/fuzz-form.c"
#include "fuzz/fuzz-validate.c"
#include "fuzz/fuzz-keyslots.c"
#include "fuzz/fuzz-checkpoint.c"
#include "fuzz/fuzz-lineedit.c"
#include "fuzz/fuzz-csv.c"

static const struct {
	const char	*name;
	int		(*fn)(const uint8_t *, size_t);
} targets[] = {
	{ "yaml", fuzz_yaml },
	{ "config", fuzz_config },
	{ "roles", fuzz_roles },
	{ "form", fuzz_form },
	{ "validate", fuzz_validate },
	{ "keyslots", fuzz_keyslots },
	{ "checkpoint", fuzz_checkpoint },
	{ "lineedit", fuzz_lineedit },
	{ "csv", fuzz_csv },
};

static const char *
fuzz_top(void)
{
	const char	*d = getenv("FUZZ_DIR");

	return d != NULL && *d != '\0' ? d : "tests/fuzz";
}

/* The target whose name starts the file name (NAME-NNN), or -1. */
static int
target_of(const char *path)
{
	const char	*base = strrchr(path, '/');
	size_t		 i, n;

	base = base != NULL ? base + 1 : path;
	for (i = 0; i < nitems(targets); i++) {
		n = strlen(targets[i].name);
		if (strncmp(base, targets[i].name, n) == 0 && base[n] == '-')
			return (int)i;
	}
	return -1;
}

static void
replay(int t, const char *path)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len;

	if (xj_read_file(path, 1 << 20, &buf, &len, &cause) != XJ_OK)
		fail_msg("%s", cause);
	/* A failed check aborts: the last line names the input. */
	print_message("%s\n", path);
	targets[t].fn((const uint8_t *)buf, len);
	free(buf);
}

/* One crash input; *state is its path. */
static void
test_regress(void **state)
{
	const char	*path = *state;
	int		 t;

	t = target_of(path);
	if (t == -1)
		fail_msg("%s: no fuzz target of that name", path);
	replay(t, path);
}

/* A target's whole seed corpus; *state is the target's index. */
static void
test_corpus(void **state)
{
	glob_t	 g;
	char	*pattern;
	size_t	 i;
	int	 t = (int)(intptr_t)*state;

	xasprintf(&pattern, "%s/corpus/%s/*", fuzz_top(), targets[t].name);
	if (glob(pattern, 0, NULL, &g) != 0)
		fail_msg("no seed corpus at %s", pattern);
	for (i = 0; i < g.gl_pathc; i++)
		replay(t, g.gl_pathv[i]);
	globfree(&g);
	free(pattern);
}

int
main(void)
{
	struct CMUnitTest	*tests;
	glob_t			 g;
	char			*pattern, **names;
	size_t			 i, n = 0;
	int			 rc;

	xasprintf(&pattern, "%s/regress/*-[0-9]*", fuzz_top());
	memset(&g, 0, sizeof g);
	if ((rc = glob(pattern, 0, NULL, &g)) != 0 && rc != GLOB_NOMATCH) {
		fprintf(stderr, "glob %s failed\n", pattern);
		return 1;
	}
	tests = xcalloc(nitems(targets) + g.gl_pathc, sizeof *tests);
	names = xcalloc(nitems(targets) + g.gl_pathc, sizeof *names);
	for (i = 0; i < nitems(targets); i++, n++) {
		xasprintf(&names[n], "corpus-%s", targets[i].name);
		tests[n].name = names[n];
		tests[n].test_func = test_corpus;
		tests[n].initial_state = (void *)(intptr_t)i;
	}
	for (i = 0; i < g.gl_pathc; i++, n++) {
		names[n] = xstrdup(strrchr(g.gl_pathv[i], '/') + 1);
		tests[n].name = names[n];
		tests[n].test_func = test_regress;
		tests[n].initial_state = g.gl_pathv[i];
	}
	rc = _cmocka_run_group_tests("fuzz-regress", tests, n, NULL, NULL);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	globfree(&g);
	free(pattern);
	return rc;
}
