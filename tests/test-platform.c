/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The small definitions below every layer that were once written several
 * times (issue 21): which characters are controls, how a value is
 * printed on one line of the command line's output, how a day and an id
 * are read, and that a day read and printed in local time comes back as
 * typed, in Shanghai and across New York's daylight-saving changes;
 * that fatal's hooks are registered once and never dropped; that what a
 * killed process left in the data directory is told from what a live
 * one holds (xj_hold, xj_sweep).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "lib/testlib.h"

/* Every code point the forms refused before, and the new invisibles. */
static void
test_is_control(void **state)
{
	static const uint32_t	 ctl[] = { 0, 1, '\t', '\n', '\r', 0x1b,
	    0x1f, 0x7f, 0x80, 0x85, 0x9f, 0x061c, 0x180e, 0x200b, 0x200e,
	    0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
	    0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff };
	static const uint32_t	 text[] = { ' ', '!', '~', 'a', 0xa0, 0xa9,
	    0x0301, 0x200c, 0x200d, 0x2027, 0x2030, 0x2065, 0x206a, 0x3000,
	    0x674e, 0xfefe, 0xff00, 0xfffd, 0x20000, 0x1f600 };
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(ctl); i++) {
		if (!utf8_is_control(ctl[i]))
			fail_msg("U+%04X should be a control", ctl[i]);
	}
	for (i = 0; i < nitems(text); i++) {
		if (utf8_is_control(text[i]))
			fail_msg("U+%04X should be text", text[i]);
	}
}

/* What utf8_put_text writes for s, in a string the caller frees. */
static char *
put(const char *s)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	assert_non_null(f = open_memstream(&buf, &len));
	utf8_put_text(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
expect_put(const char *s, const char *want)
{
	char	*got = put(s);

	assert_string_equal(got, want);
	free(got);
}

static void
test_put_text(void **state)
{
	(void)state;
	expect_put(NULL, "");
	expect_put("", "");
	expect_put("张三 Zhang", "张三 Zhang");
	expect_put("第一行\n第二行", "第一行\\n第二行");
	expect_put("a\tb\r\n", "a\\tb\\r\\n");
	expect_put("C:\\dir", "C:\\\\dir");
	expect_put("\x1b[2J", "\\u001B[2J");
	expect_put("x\x7f", "x\\u007F");
	expect_put("\xc2\x85", "\\u0085");
	expect_put("abc\xe2\x80\xaexyz", "abc\\u202Exyz");	/* U+202E */
	expect_put("a\xe2\x80\x8b" "b", "a\\u200Bb");	/* U+200B */
	expect_put("\xef\xbb\xbf" "x", "\\uFEFFx");		/* BOM */
	expect_put("a\xe2\x80\x8d" "b", "a\xe2\x80\x8d" "b");	/* ZWJ */
	/* Bytes that are not UTF-8. */
	expect_put("\xff" "a\xe6\xac", "\\xFFa\\xE6\\xAC");
}

static void
zone(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

/* Days that do not exist, or are not written as one, are refused. */
static void
test_parse_day_invalid(void **state)
{
	static const char *const bad[] = { "", "2026-13-45", "2026-00-10",
	    "2026-01-00", "2026-01-32", "2026-02-29", "2026-02-30",
	    "2026-04-31", "2026-1-", "26-01-05", "2026/01/05", " 2026-01-05",
	    "2026-01-05 ", "2026-01-05x", "2026-001-05", "+2026-01-05",
	    "2026-01-05T00:00", "２０２６-01-05", "20260-01-05" };
	time_t			 t = 12345;
	size_t			 i;

	(void)state;
	zone("Asia/Shanghai");
	for (i = 0; i < nitems(bad); i++) {
		if (xj_parse_day(bad[i], 0, &t) == 0 ||
		    xj_parse_day(bad[i], 1, &t) == 0)
			fail_msg("\"%s\" was taken for a day", bad[i]);
	}
	assert_int_equal(t, 12345);
	assert_int_equal(xj_parse_day("2024-02-29", 0, &t), 0);
	assert_int_equal(xj_parse_day("2026-3-1", 0, &t), 0);
}

/* A 07:00 enrolment in Shanghai is on that day, not the one before. */
static void
test_day_shanghai(void **state)
{
	char	buf[16];
	time_t	since, until;

	(void)state;
	zone("Asia/Shanghai");
	assert_int_equal(xj_parse_day("2026-03-02", 0, &since), 0);
	assert_int_equal(xj_parse_day("2026-03-02", 1, &until), 0);
	assert_int_equal(since, tl_utc(2026, 3, 1, 16));
	assert_int_equal(until, tl_utc(2026, 3, 2, 16));
	xj_dayfmt(tl_utc(2026, 3, 1, 23), buf, sizeof buf);	/* 07:00 */
	assert_string_equal(buf, "2026-03-02");
	xj_dayfmt(tl_utc(2026, 3, 1, 15), buf, sizeof buf);	/* 23:00 */
	assert_string_equal(buf, "2026-03-01");
	xj_dayfmt(0, buf, sizeof buf);
	assert_string_equal(buf, "");
}

/*
 * Every day of two years, in both zones: the day read back is the day
 * typed, at its start and at the last second before the next; New York's
 * days of 23 and 25 hours included.
 */
static void
test_day_round_trip(void **state)
{
	static const char *const zones[] = { "Asia/Shanghai",
	    "America/New_York", "UTC" };
	char			 day[16], got[16];
	time_t			 start, end, t;
	size_t			 z;
	int			 i, short_days = 0, long_days = 0;

	(void)state;
	for (z = 0; z < nitems(zones); z++) {
		zone(zones[z]);
		t = tl_utc(2025, 1, 1, 12);
		for (i = 0; i < 730; i++, t += 86400) {
			xj_dayfmt(t, day, sizeof day);
			assert_int_equal(xj_parse_day(day, 0, &start), 0);
			assert_int_equal(xj_parse_day(day, 1, &end), 0);
			xj_dayfmt(start, got, sizeof got);
			assert_string_equal(got, day);
			xj_dayfmt(end - 1, got, sizeof got);
			assert_string_equal(got, day);
			xj_dayfmt(end, got, sizeof got);
			assert_string_not_equal(got, day);
			short_days += end - start == 23 * 3600;
			long_days += end - start == 25 * 3600;
		}
	}
	assert_int_equal(short_days, 2);	/* New York, each March */
	assert_int_equal(long_days, 2);		/* and each November */
}

static void
test_parse_id(void **state)
{
	static const char *const bad[] = { "", "0", "00", "-1", "+1", " 1",
	    "1 ", "1x", "x1", "0x10", "1.0", "99999999999999999999" };
	int64_t			 id = 7;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		if (xj_parse_id(bad[i], &id) == 0)
			fail_msg("\"%s\" was taken for an id", bad[i]);
	}
	assert_int_equal(id, 7);
	assert_int_equal(xj_parse_id("12", &id), 0);
	assert_int_equal(id, 12);
	assert_int_equal(xj_parse_id("007", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(xj_parse_id("9223372036854775807", &id), 0);
	assert_int_equal(id, INT64_MAX);
}

static int	hook_fd = -1;

static void hook0(void) { (void)!write(hook_fd, "0", 1); }
static void hook1(void) { (void)!write(hook_fd, "1", 1); }
static void hook2(void) { (void)!write(hook_fd, "2", 1); }
static void hook3(void) { (void)!write(hook_fd, "3", 1); }
static void hook4(void) { (void)!write(hook_fd, "4", 1); }
static void hook5(void) { (void)!write(hook_fd, "5", 1); }
static void hook6(void) { (void)!write(hook_fd, "6", 1); }
static void hook7(void) { (void)!write(hook_fd, "7", 1); }
static void hook8(void) { (void)!write(hook_fd, "8", 1); }

/*
 * In a child, register the first nhooks hooks each times times and call
 * fatal; return what the hooks wrote, in the order they ran, then fatal's
 * message, and the child's exit status.
 */
static void
run_fatal(size_t nhooks, int times, char *ran, size_t len, int *status)
{
	static void	(*const hooks[])(void) = { hook0, hook1, hook2, hook3,
	    hook4, hook5, hook6, hook7, hook8 };
	int		 fd[2];
	size_t		 i;
	ssize_t		 n;
	pid_t		 pid;

	assert_int_equal(pipe(fd), 0);
	fflush(NULL);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(fd[0]);
		hook_fd = fd[1];
		/* fatal's message after the hooks' marks, on the pipe. */
		dup2(fd[1], 2);
		while (times-- > 0) {
			for (i = 0; i < nhooks; i++)
				xj_atfatal(hooks[i]);
		}
		fatal("the end");
	}
	close(fd[1]);
	memset(ran, 0, len);
	for (i = 0; i < len - 1 && (n = read(fd[0], ran + i, 1)) == 1; i++)
		;
	close(fd[0]);
	assert_int_equal(waitpid(pid, status, 0), pid);
}

/* Issue 21: a hook registered at every login runs once; none is lost. */
/* xj_sweep's callback: the live ones' contents, one a line. */
static void
held_one(int fd, void *arg)
{
	char	buf[32], *line;
	ssize_t	n = read(fd, buf, sizeof buf - 1);

	buf[n > 0 ? n : 0] = '\0';
	xasprintf(&line, "%s%s\n", *(char **)arg, buf);
	free(*(char **)arg);
	*(char **)arg = line;
}

/*
 * A file or folder nobody holds is swept away (a folder with its files),
 * one held stays and is reported, our own is skipped, and a link or
 * another name is never touched.  A file swept between its creation and
 * xj_hold is not taken for ours.
 */
static void
test_sweep(void **state)
{
	char	*dir = tl_tmpdir(), *dead, *live, *mine, *folder, *link, *other;
	char	*seen = xstrdup(""), *p;
	int	 fd_live, fd_mine, fd_folder, fd;

	(void)state;
	dead = tl_write(dir, "x.1", "dead", 0600);
	live = tl_write(dir, "x.2", "live", 0600);
	mine = tl_write(dir, "x.3", "mine", 0600);
	other = tl_write(dir, "y.1", "not ours", 0600);
	folder = xj_path_join(dir, "x.dir");
	assert_int_equal(mkdir(folder, 0700), 0);
	free(tl_write(folder, "copy.db", "data", 0600));
	free(tl_write(folder, "copy.db-wal", "", 0600));
	link = xj_path_join(dir, "x.link");
	assert_int_equal(symlink(other, link), 0);
	fd_live = open(live, O_RDONLY);
	fd_mine = open(mine, O_RDONLY);
	assert_int_equal(xj_hold(fd_live), 0);
	assert_int_equal(xj_hold(fd_mine), 0);
	/* Held already: another's. */
	fd = open(live, O_RDONLY);
	assert_int_equal(xj_hold(fd), -1);
	close(fd);

	assert_int_equal(xj_sweep(dir, "x.", "x.3", held_one, &seen), 1);
	assert_string_equal(seen, "live\n");
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(folder, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(access(mine, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(lstat(link, &(struct stat){ 0 }), 0);

	/* Its holder gone (killed, say), the next sweep removes it. */
	close(fd_live);
	assert_int_equal(xj_sweep(dir, "x.", "x.3", NULL, NULL), 0);
	assert_int_equal(access(live, F_OK), -1);

	/* Swept before its creator held it: not a name of ours. */
	p = tl_write(dir, "x.4", "", 0600);
	fd = open(p, O_RDONLY);
	assert_int_equal(xj_sweep(dir, "x.", "x.3", NULL, NULL), 0);
	assert_int_equal(xj_hold(fd), -1);
	close(fd);
	/* A folder too. */
	assert_int_equal(mkdir(p, 0700), 0);
	fd_folder = open(p, O_RDONLY | O_DIRECTORY);
	assert_int_equal(xj_hold(fd_folder), 0);
	assert_int_equal(xj_sweep(dir, "x.", "x.3", NULL, NULL), 1);
	close(fd_folder);
	assert_int_equal(xj_sweep(dir, "x.", "x.3", NULL, NULL), 0);
	assert_int_equal(access(p, F_OK), -1);
	free(p);

	close(fd_mine);
	assert_int_equal(xj_sweep(dir, "x.", NULL, NULL, NULL), 0);
	assert_int_equal(access(mine, F_OK), -1);
	unlink(link);
	unlink(other);
	assert_int_equal(xj_sweep(dir, "x.", NULL, NULL, NULL), 0);
	assert_int_equal(rmdir(dir), 0);
	free(seen);
	free(dead);
	free(live);
	free(mine);
	free(other);
	free(folder);
	free(link);
	free(dir);
}

static void
test_atfatal(void **state)
{
	char	ran[128];
	int	status;

	(void)state;
	run_fatal(1, 20, ran, sizeof ran, &status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), XJ_ESOFTWARE);
	assert_string_equal(ran, "0xueji: the end\n");
	run_fatal(3, 5, ran, sizeof ran, &status);
	assert_string_equal(ran, "210xueji: the end\n");
	run_fatal(8, 2, ran, sizeof ran, &status);
	assert_string_equal(ran, "76543210xueji: the end\n");
	/* A ninth is not dropped in silence: registering it is fatal. */
	run_fatal(9, 1, ran, sizeof ran, &status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), XJ_ESOFTWARE);
	assert_string_equal(ran, "76543210xueji: too many atfatal hooks\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_control),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_put_text),
		cmocka_unit_test(test_parse_day_invalid),
		cmocka_unit_test(test_day_shanghai),
		cmocka_unit_test(test_day_round_trip),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_atfatal),
	};

	platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
