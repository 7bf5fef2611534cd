/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji.yaml: the schema, defaults, path resolution, every kind of
 * refusal with its position, and student-number patterns.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/config.h"
#include "lib/testlib.h"

static const char good_yaml[] =
    "# a branch\n"
    "branch:\n"
    "  code: BJ02\n"
    "  name: 北京朝阳校区\n"
    "data_dir: data\n"
    "roles_file: /etc/xueji/roles.yaml\n"
    "forms_dir: ../forms\n"
    "student_number: \"{branch}{year}{seq:4}\"\n"
    "idle_lock_seconds: 600\n"
    "age_min_years: 3\n"
    "age_max_years: 16\n";

static const char minimal_yaml[] =
    "branch:\n"
    "  code: SH01\n"
    "  name: 上海徐汇校区\n";

/* Write content as xueji.yaml in a new directory and load it. */
static int
load(const char *content, char **dirp, struct config **out, char **cause)
{
	char	*dir, *path;
	int	 rc;

	dir = tl_tmpdir();
	path = tl_write(dir, "xueji.yaml", content, 0644);
	*out = NULL;
	*cause = NULL;
	rc = config_load(path, out, cause);
	free(path);
	if (dirp != NULL)
		*dirp = dir;
	else {
		tl_rmtree(dir);
		free(dir);
	}
	return rc;
}

/* The content must be refused with XJ_ECONFIG, naming where and why. */
static void
refused(const char *content, const char *where, const char *what)
{
	struct config	*c;
	char		*cause;

	assert_int_equal(load(content, NULL, &c, &cause), XJ_ECONFIG);
	assert_null(c);
	assert_non_null(cause);
	if (strstr(cause, where) == NULL || strstr(cause, what) == NULL)
		fail_msg("expected \"%s\" and \"%s\" in: %s", where, what,
		    cause);
	free(cause);
}

static void
test_good(void **state)
{
	struct config	*c;
	char		*dir, *cause, *want;

	(void)state;
	assert_int_equal(load(good_yaml, &dir, &c, &cause), XJ_OK);
	assert_null(cause);
	assert_string_equal(c->branch_code, "BJ02");
	assert_string_equal(c->branch_name, "北京朝阳校区");
	assert_string_equal(c->number_pattern, "{branch}{year}{seq:4}");
	assert_int_equal(c->idle_lock_seconds, 600);
	assert_int_equal(c->age_min_years, 3);
	assert_int_equal(c->age_max_years, 16);

	/* Relative paths are taken from the file's directory. */
	want = xj_path_join(dir, "data");
	assert_string_equal(c->data_dir, want);
	free(want);
	want = xj_path_join(dir, "../forms");
	assert_string_equal(c->forms_dir, want);
	free(want);
	assert_string_equal(c->roles_file, "/etc/xueji/roles.yaml");
	want = xj_path_join(dir, "xueji.yaml");
	assert_string_equal(c->path, want);
	free(want);

	config_free(c);
	tl_rmtree(dir);
	free(dir);
}

static void
test_defaults(void **state)
{
	struct config	*c;
	char		*dir, *cause, *want;

	(void)state;
	assert_int_equal(load(minimal_yaml, &dir, &c, &cause), XJ_OK);
	assert_string_equal(c->branch_code, "SH01");
	assert_string_equal(c->data_dir, "/var/lib/xueji");
	assert_string_equal(c->forms_dir, "/usr/share/xueji/forms");
	assert_string_equal(c->number_pattern, "{branch}-{year}-{seq:5}");
	assert_int_equal(c->idle_lock_seconds, 180);
	assert_int_equal(c->age_min_years, 2);
	assert_int_equal(c->age_max_years, 18);
	/* Issue 21: each key lands in its field through the schema. */
	assert_int_equal(c->login_delay_max, 30);
	assert_int_equal(c->queue_overdue_hours, 48);
	assert_int_equal(c->review_months, 3);
	assert_int_equal(c->backup_keep_days, 30);
	assert_int_equal(c->restore_drill_warn_days, 90);
	assert_int_equal(c->backup_warn_days, 7);
	assert_int_equal(c->checkpoint_warn_days, 7);
	assert_int_equal(c->guardian_request_days, 15);
	assert_int_equal(c->burst_count, 30);
	assert_int_equal(c->burst_minutes, 10);
	assert_int_equal(c->failed_logins, 5);
	assert_int_equal(c->failed_minutes, 15);
	assert_string_equal(c->working_hours, "08:00-20:00");
	assert_int_equal(c->work_from, 8 * 60);
	assert_int_equal(c->work_until, 20 * 60);
	assert_string_equal(c->language, "");
	/* An empty default folder is none. */
	assert_null(c->checkpoint_dir);
	assert_null(c->backup_dir);
	/* The default roles file sits beside the config. */
	want = xj_path_join(dir, "roles.yaml");
	assert_string_equal(c->roles_file, want);
	free(want);
	config_free(c);
	tl_rmtree(dir);
	free(dir);
}

static void
test_dotted_keys(void **state)
{
	struct config	*c;
	char		*cause;

	(void)state;
	/* A dotted key is the same key as the nested one. */
	assert_int_equal(load("branch.code: GZ1\nbranch.name: 广州\n", NULL,
	    &c, &cause), XJ_OK);
	assert_string_equal(c->branch_code, "GZ1");
	config_free(c);
	refused("branch:\n  code: SH01\n  name: x\nbranch.code: SH02\n",
	    ":4:1:", "set twice");
}

static void
test_missing(void **state)
{
	struct config	*c;
	char		*dir, *cause, *path;

	(void)state;
	dir = tl_tmpdir();
	path = xj_path_join(dir, "nope.yaml");
	c = NULL;
	assert_int_equal(config_load(path, &c, &cause), XJ_ENOINPUT);
	assert_null(c);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
	tl_rmtree(dir);
	free(dir);
}

static void
test_required(void **state)
{
	(void)state;
	/* Pointed at the mapping where the key belongs. */
	refused("data_dir: /x\nbranch:\n  code: SH01\n", ":3:3:",
	    "missing required key \"branch.name\"");
	refused("data_dir: /x\n", ":1:1:", "\"branch.code\"");
	refused("", "xueji.yaml: ", "missing required key");
}

static void
test_unknown(void **state)
{
	(void)state;
	refused("branch:\n  code: SH01\n  name: x\ncolour: red\n", ":4:1:",
	    "unknown key \"colour\"");
	/* Nested: the whole dotted name is reported. */
	refused("branch:\n  code: SH01\n  name: x\n  city: 上海\n", ":4:3:",
	    "unknown key \"branch.city\"");
	refused("branch:\n  code: SH01\n  name: x\n  extra:\n    deep: 1\n",
	    ":4:3:", "unknown key \"branch.extra\"");
}

/* Refuse minimal_yaml followed by extra (which starts on line 4). */
static void
refused_extra(const char *extra, const char *where, const char *what)
{
	char	*content;

	xasprintf(&content, "%s%s", minimal_yaml, extra);
	refused(content, where, what);
	free(content);
}

static void
test_types(void **state)
{
	(void)state;
	refused_extra("idle_lock_seconds: soon\n", ":4:20:", "must be a number");
	refused_extra("idle_lock_seconds: 1.5\n", ":4:20:", "must be a number");
	refused_extra("idle_lock_seconds:\n  value: 3\n", ":5:3:",
	    "must be a number");
	refused_extra("data_dir: [a, b]\n", ":4:11:", "must be a single value");
	refused_extra("forms_dir: \"\"\n", ":4:12:", "must not be empty");
	refused_extra("branch_name: \"a\\tb\"\n", ":4:1:", "unknown key");
	refused_extra("data_dir: \"a\\tb\"\n", ":4:11:", "control characters");
	refused("branch: SH01\n", ":1:9:", "\"branch\" must be a mapping");
	refused("- branch\n", ":1:1:", "must be a mapping");
	/* Syntax errors come through with a position too. */
	refused("branch:\n  code: [SH01\n", "xueji.yaml:", "");
}

static void
test_range(void **state)
{
	(void)state;
	refused_extra("idle_lock_seconds: 4\n", ":4:20:",
	    "between 5 and 86400");
	refused_extra("idle_lock_seconds: 86401\n", ":4:20:", "between");
	refused_extra("age_min_years: -1\n", ":4:16:", "between 0 and 99");
	refused_extra("age_min_years: 12\nage_max_years: 6\n", ":4:16:",
	    "above age_max_years");
	refused_extra("age_max_years: 1\n", ":4:16:", "above age_max_years");
}

static void
test_branch_code(void **state)
{
	(void)state;
	refused("branch:\n  code: sh01\n  name: x\n", ":2:9:",
	    "capital letters");
	refused("branch:\n  code: S\n  name: x\n", ":2:9:", "2 to 8");
	refused("branch:\n  code: SH0123456\n  name: x\n", ":2:9:", "2 to 8");
	refused("branch:\n  code: \"SH 1\"\n  name: x\n", ":2:9:", "2 to 8");
	refused("branch:\n  code: 上海\n  name: x\n", ":2:9:", "2 to 8");
}

static void
test_bad_pattern(void **state)
{
	(void)state;
	refused_extra("student_number: \"{branch}-{yr}-{seq}\"\n", ":4:17:",
	    "unknown placeholder \"{yr}\"");
	refused_extra("student_number: \"{branch}-{year}\"\n", ":4:17:",
	    "must contain {seq}");
	refused_extra("student_number: \"{branch} {seq}\"\n", ":4:17:",
	    "printable ASCII");
	refused_extra("student_number: \"{seq:12}\"\n", ":4:17:",
	    "from 1 to 9");
}

static void
test_mode(void **state)
{
	struct config	*c;
	char		*dir, *path, *cause;

	(void)state;
	/* xueji.yaml names the roles file, so it is held to the same rule. */
	dir = tl_tmpdir();
	path = tl_write(dir, "xueji.yaml", minimal_yaml, 0664);
	c = NULL;
	assert_int_equal(config_load(path, &c, &cause), XJ_ECONFIG);
	assert_null(c);
	assert_non_null(strstr(cause, "chmod go-w"));
	free(cause);
	free(path);
	tl_rmtree(dir);
	free(dir);
}

static void
test_format_number(void **state)
{
	static const struct {
		const char	*pattern;
		long		 seq;
		const char	*want;
	} t[] = {
		{ "{branch}-{year}-{seq:5}", 1, "SH01-2026-00001" },
		{ "{branch}-{year}-{seq:5}", 99999, "SH01-2026-99999" },
		{ "{branch}-{year}-{seq:5}", 100000, "SH01-2026-100000" },
		{ "{seq:3}", 7, "007" },
		{ "{seq:3}", 12345, "12345" },
		{ "{seq}", 0, "0" },
		{ "{seq}", 42, "42" },
		{ "{seq:9}", 1, "000000001" },
		{ "X{year}{seq:1}/{branch}", 9, "X20269/SH01" },
	};
	size_t	 i;
	char	*s;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		s = config_format_number(t[i].pattern, "SH01", 2026, t[i].seq);
		assert_non_null(s);
		assert_string_equal(s, t[i].want);
		free(s);
	}
	assert_null(config_format_number("{branch}-{year}", "SH01", 2026, 1));
	assert_null(config_format_number("{seq", "SH01", 2026, 1));
	assert_null(config_format_number("{seq}", "SH01", 2026, -1));
}

static void
test_check_pattern(void **state)
{
	static const char *good[] = {
		"{branch}-{year}-{seq:5}", "{seq}", "{year}{seq:9}",
		"S{seq:1}", "{branch}_{seq}#{year}",
	};
	static const char *bad[] = {
		"", "{branch}-{year}", "{seq:0}", "{seq:10}", "{seq:}",
		"{seq:a}", "{seq", "seq}", "{}", "{Seq}", "{branch}-{id}",
		"{seq} x", "{seq}\tx", "学{seq}", "{seq}\x7f", "{{seq}}",
		/* longer than 64 bytes */
		("{seq}{branch}{year}{branch}{year}{branch}{year}{branch}"
		    "{year}{branch}"),
	};
	size_t	 i;
	char	*cause;

	(void)state;
	for (i = 0; i < nitems(good); i++) {
		cause = NULL;
		if (!config_check_pattern(good[i], &cause))
			fail_msg("\"%s\" refused: %s", good[i], cause);
		assert_null(cause);
	}
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		if (config_check_pattern(bad[i], &cause))
			fail_msg("\"%s\" accepted", bad[i]);
		assert_non_null(cause);
		free(cause);
	}
}

static void
test_schema(void **state)
{
	const struct config_option	*o;
	size_t				 i, j;
	long				 v;
	char				*cause;

	(void)state;
	assert_true(config_schema_len >= 9);
	for (i = 0; i < config_schema_len; i++) {
		o = &config_schema[i];
		assert_non_null(o->name);
		assert_non_null(o->help);
		for (j = 0; j < i; j++)
			assert_string_not_equal(o->name, config_schema[j].name);
		if (o->dflt == NULL) {
			/* Only the branch has no sensible default. */
			assert_int_equal(strncmp(o->name, "branch.", 7), 0);
			continue;
		}
		if (o->type == CONFIG_INT) {
			v = strtol(o->dflt, NULL, 10);
			assert_true(o->min <= v && v <= o->max);
		}
		if (o->type == CONFIG_PATTERN) {
			cause = NULL;
			assert_true(config_check_pattern(o->dflt, &cause));
		}
		if (o->check != NULL) {
			cause = NULL;
			assert_int_equal(o->check(o->dflt, &cause), XJ_OK);
		}
	}
}

/* Whether git checked path out writable by group or others (umask 002). */
static int
writable_by_others(const char *path)
{
	struct stat	st;

	assert_int_equal(stat(path, &st), 0);
	return (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

static void
test_shipped(void **state)
{
	struct config	*c;
	char		*cause, *buf, *dir = NULL, *path;
	char		*s;

	(void)state;
	path = xstrdup("config/xueji.yaml");
	if (writable_by_others(path)) {
		print_message("config/xueji.yaml is writable by group or "
		    "others in this checkout; loading a 0644 copy\n");
		assert_int_equal(xj_read_file(path, 1 << 20, &buf, NULL, NULL),
		    XJ_OK);
		free(path);
		dir = tl_tmpdir();
		path = tl_write(dir, "xueji.yaml", buf, 0644);
		free(buf);
	}
	c = NULL;
	cause = NULL;
	if (config_load(path, &c, &cause) != XJ_OK)
		fail_msg("%s", cause);
	assert_string_equal(c->branch_code, "SH01");
	assert_string_equal(c->branch_name, "上海徐汇校区");
	assert_string_equal(c->data_dir, "/var/lib/xueji");
	assert_string_equal(c->forms_dir, "/usr/share/xueji/forms");
	if (dir == NULL)
		assert_string_equal(c->roles_file, "config/roles.yaml");
	assert_int_equal(c->idle_lock_seconds, 180);
	assert_int_equal(c->age_min_years, 2);
	assert_int_equal(c->age_max_years, 18);
	s = config_format_number(c->number_pattern, c->branch_code, 2026, 1);
	assert_string_equal(s, "SH01-2026-00001");
	free(s);
	config_free(c);
	free(path);
	if (dir != NULL) {
		tl_rmtree(dir);
		free(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_dotted_keys),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_branch_code),
		cmocka_unit_test(test_bad_pattern),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_format_number),
		cmocka_unit_test(test_check_pattern),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
