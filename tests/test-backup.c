/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Issue 7: backups while another process writes, restore drills of good
 * and damaged backups, rotation, and restore (refused while another
 * session is open).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/backup.h"
#include "xueji/student.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

struct fixture {
	struct tl_branch	*b;
	char			*tmp;	/* TMPDIR for the drills */
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof *f);
	char		*t;

	unsetenv("XUEJI_NOW");
	f->b = tl_branch_new();
	t = xj_path_join(f->b->dir, "tmp");
	assert_int_equal(mkdir(t, 0700), 0);
	f->tmp = t;
	setenv("TMPDIR", t, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unsetenv("TMPDIR");
	tl_check_db(f->b);
	tl_branch_free(f->b);
	free(f->tmp);
	free(f);
	unsetenv("XUEJI_NOW");
	return 0;
}

/* A distinct, valid student name for i. */
static void
name_of(int i, char *buf, size_t len)
{
	static const char *const han[] = {
		"赵", "钱", "孙", "李", "周", "吴", "郑", "王",
		"冯", "陈", "褚", "卫", "蒋", "沈", "韩", "杨",
	};

	snprintf(buf, len, "%s%s%s", han[i % 16], han[(i / 16) % 16],
	    han[(i / 256) % 16]);
}

static char *
enrol_n(struct session *s, int i)
{
	char	name[32], phone[16];

	name_of(i, name, sizeof name);
	snprintf(phone, sizeof phone, "139%08d", i);
	return tl_enrol(s, name, "2016-05", "家长", phone, NULL);
}

/* Number of entries in dir (without . and ..). */
static int
dir_entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d = opendir(dir);
	int		 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Drills' scratch folders in the data directory. */
static int
drill_dirs(const struct fixture *f)
{
	struct dirent	*de;
	DIR		*d = opendir(f->b->data);
	int		 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, STORE_DRILL_PREFIX,
		    strlen(STORE_DRILL_PREFIX)) == 0;
	closedir(d);
	return n;
}

static long long
count_of(struct session *s, const char *sql)
{
	char		*v = tl_query(s, sql);
	long long	 n = v != NULL ? strtoll(v, NULL, 10) : -1;

	free(v);
	return n;
}

/* The child: enrol students until the parent closes the pipe. */
static void
writer(const struct tl_branch *b, int started, int stop)
{
	struct pollfd	 p = { stop, POLLIN, 0 };
	struct session	*r = tl_login(b, "reception1");
	char		*n;
	int		 i, rc, done = 0;

	/* 16^3 distinct names from 1000 on: stop before they repeat. */
	for (i = 1000; i < 4000; i++) {
		n = enrol_n(r, i);
		rc = n != NULL ? XJ_OK : XJ_EBUSY;
		free(n);
		if (rc == XJ_OK && done++ == 0)
			(void)!write(started, "x", 1);
		/*
		 * A few milliseconds between enrolments, as between the
		 * busiest counters: a loop that takes the write lock again
		 * the instant it lets go starves every other writer's busy
		 * wait (the drill's log entry), on a loaded machine for
		 * longer than the busy timeout.
		 */
		if (poll(&p, 1, 5) == 1)
			break;
	}
	session_free(r);
	_exit(done > 0 ? 0 : 1);
}

static void
test_backup_while_writing(void **state)
{
	struct fixture		*f = *state;
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct drill_report	 r;
	struct stat		 sb;
	char			*path, *out, *cause = NULL, c, *a;
	long long		 first = -1, live;
	int			 started[2], stop[2], i, status;
	pid_t			 pid;

	for (i = 0; i < 5; i++)
		free(enrol_n(sv, i));
	assert_int_equal(pipe(started), 0);
	assert_int_equal(pipe(stop), 0);
	if ((pid = fork()) == 0) {
		close(started[0]);
		close(stop[1]);
		writer(f->b, started[1], stop[0]);
	}
	close(started[1]);
	close(stop[0]);
	/* Wait until the other process is writing. */
	assert_int_equal(read(started[0], &c, 1), 1);

	for (i = 0; i < 5; i++) {
		xasprintf(&path, "%s/concurrent-%d.xjb", f->b->dir, i);
		assert_int_equal(store_backup(sv->st, sv->secret->db_key, path,
		    &out, &cause), XJ_OK);
		assert_string_equal(out, path);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, 0600);
		if (store_restore_drill(sv->st, sv->secret->db_key, path, &r,
		    &cause) != XJ_OK)
			fail_msg("drill %d: %s", i, cause);
		assert_true(r.opened && r.integrity_ok && r.chain_ok);
		assert_true(r.same_history);
		assert_false(r.suspicious);
		if (first < 0)
			first = r.backup[DRILL_ACTIVE];
		if (getenv("TEST_VERBOSE") != NULL)
			fprintf(stderr, "backup %d: %lld students, live %lld\n",
			    i, r.backup[DRILL_ACTIVE], r.live[DRILL_ACTIVE]);
		assert_true(r.backup[DRILL_ACTIVE] <= r.live[DRILL_ACTIVE]);
		drill_report_free(&r);
		free(out);
		free(path);
	}
	close(stop[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(started[0]);

	/* The child went on writing through the backups. */
	live = count_of(sv, "SELECT count(*) FROM student");
	assert_true(live > first);
	/* Nothing half-written is left beside the backups. */
	/* 5 backups, tmp, data, roles.yaml, xueji.yaml */
	assert_int_equal(dir_entries(f->b->dir), 9);
	/* Logged with the name and size, nothing personal. */
	a = tl_query(sv, "SELECT target || ' ' || detail FROM audit WHERE "
	    "action = 'backup.create' ORDER BY seq DESC LIMIT 1");
	assert_non_null(a);
	assert_non_null(strstr(a, "concurrent-4.xjb size="));
	free(a);
	assert_int_equal(dir_entries(f->tmp), 0);
	assert_int_equal(drill_dirs(f), 0);
	session_free(sv);
}

static void
test_drill_good(void **state)
{
	struct fixture		*f = *state;
	struct session		*sv;
	struct drill_report	 r;
	char			*out, *cause = NULL, *a, *dir;
	time_t			 at;

	setenv("XUEJI_NOW", "2026-01-10T09:00:00", 1);
	sv = tl_login(f->b, "supervisor1");
	free(enrol_n(sv, 1));
	free(enrol_n(sv, 2));
	assert_true(store_drill_due(sv->st, xj_now()));
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, NULL, &out,
	    &cause), XJ_OK);
	/* The default folder, made private. */
	dir = xj_path_join(f->b->data, "backups");
	assert_int_equal(strncmp(out, dir, strlen(dir)), 0);
	free(dir);
	free(enrol_n(sv, 3));		/* after the backup */

	setenv("XUEJI_NOW", "2026-01-11T10:00:00", 1);
	assert_int_equal(store_restore_drill(sv->st, sv->secret->db_key, out,
	    &r, &cause), XJ_OK);
	assert_true(r.integrity_ok && r.chain_ok && r.same_history);
	assert_false(r.suspicious);
	assert_int_equal(r.backup[DRILL_ACTIVE], 2);
	assert_int_equal(r.live[DRILL_ACTIVE], 3);
	assert_true(r.differ & (1U << DRILL_ACTIVE));
	assert_true(r.differ & (1U << DRILL_AUDIT));
	assert_false(r.differ & (1U << DRILL_REQUESTS));
	assert_true(r.backup[DRILL_AUDIT] < r.live[DRILL_AUDIT]);
	assert_null(r.problem);
	drill_report_free(&r);

	assert_int_equal(store_last_drill(sv->st, &at), XJ_OK);
	assert_int_equal((long long)at, (long long)xj_now());
	assert_false(store_drill_due(sv->st, xj_now()));
	assert_true(store_drill_due(sv->st, xj_now() + 91 * 86400));
	a = tl_query(sv, "SELECT target || ' ' || detail FROM audit ORDER BY "
	    "seq DESC LIMIT 1");
	assert_non_null(strstr(a, "result=ok"));
	assert_non_null(strstr(a, ".xjb"));
	free(a);
	/* The private copy is gone. */
	assert_int_equal(dir_entries(f->tmp), 0);
	assert_int_equal(drill_dirs(f), 0);
	free(out);
	session_free(sv);
}

static void
damaged(struct fixture *f, struct session *sv, const char *path, int want)
{
	struct drill_report	 r;
	char			*cause = NULL, *a;
	int			 rc;

	rc = store_restore_drill(sv->st, sv->secret->db_key, path, &r, &cause);
	if (want != 0)
		assert_int_equal(rc, want);
	else
		assert_true(rc == XJ_TAMPERED || rc == XJ_EDATA);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "failed the restore drill"));
	assert_non_null(r.problem);
	assert_false(r.opened && r.integrity_ok && r.chain_ok);
	free(cause);
	drill_report_free(&r);
	a = tl_query(sv, "SELECT action || ' ' || detail FROM audit ORDER BY "
	    "seq DESC LIMIT 1");
	assert_string_equal(a, "backup.drill result=failed");
	free(a);
	assert_int_equal(dir_entries(f->tmp), 0);
	assert_int_equal(drill_dirs(f), 0);
}

/*
 * A drill killed midway leaves its folder in the data directory: the
 * next drill removes it, files and all, but never one still held by a
 * drill under way.
 */
static void
test_drill_killed(void **state)
{
	struct fixture		*f = *state;
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct drill_report	 r;
	char			*out, *cause = NULL, *dead, *live;
	int			 fd;

	free(enrol_n(sv, 1));
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, NULL, &out,
	    &cause), XJ_OK);
	dead = xj_path_join(f->b->data, STORE_DRILL_PREFIX "dead00");
	live = xj_path_join(f->b->data, STORE_DRILL_PREFIX "live00");
	assert_int_equal(mkdir(dead, 0700), 0);
	free(tl_write(dead, "drill.db", "half a copy", 0600));
	free(tl_write(dead, "drill.db-wal", "", 0600));
	assert_int_equal(mkdir(live, 0700), 0);
	fd = open(live, O_RDONLY | O_DIRECTORY);
	assert_true(fd != -1);
	assert_int_equal(xj_hold(fd), 0);
	assert_int_equal(drill_dirs(f), 2);

	assert_int_equal(store_restore_drill(sv->st, sv->secret->db_key, out,
	    &r, &cause), XJ_OK);
	drill_report_free(&r);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(drill_dirs(f), 1);
	/* Once its holder is gone, the next login clears it. */
	close(fd);
	session_free(sv);
	sv = tl_login(f->b, "supervisor1");
	assert_int_equal(drill_dirs(f), 0);
	assert_int_equal(dir_entries(f->tmp), 0);
	free(dead);
	free(live);
	free(out);
	session_free(sv);
}

static void
test_drill_damaged(void **state)
{
	struct fixture	*f = *state;
	struct session	*sv = tl_login(f->b, "supervisor1");
	struct stat	 sb;
	char		*good, *flip, *half, *junk, *buf, *cause = NULL;
	size_t		 len;
	time_t		 at;
	int		 i, fd;

	for (i = 0; i < 40; i++)
		free(enrol_n(sv, i));
	xasprintf(&good, "%s/good.xjb", f->b->dir);
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, good, NULL,
	    &cause), XJ_OK);
	assert_int_equal(xj_read_file(good, 1 << 26, &buf, &len, &cause),
	    XJ_OK);
	assert_true(len >= 8 * 4096);

	/* One byte flipped in the middle. */
	buf[len / 2] ^= 0x5a;
	flip = tl_write(f->b->dir, "flip.xjb", "", 0600);
	fd = open(flip, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	buf[len / 2] ^= 0x5a;
	damaged(f, sv, flip, 0);

	/* Cut to half. */
	half = tl_write(f->b->dir, "half.xjb", "", 0600);
	fd = open(half, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, buf, len / 2), (ssize_t)(len / 2));
	close(fd);
	damaged(f, sv, half, 0);

	/* Not a database at all; and no file. */
	junk = tl_write(f->b->dir, "junk.xjb", "this is not a backup\n", 0600);
	damaged(f, sv, junk, XJ_EDATA);
	damaged(f, sv, "/nonexistent/none.xjb", XJ_ENOINPUT);

	/* Nothing of that counts as a drill. */
	assert_int_equal(store_last_drill(sv->st, &at), XJ_OK);
	assert_int_equal((long long)at, 0);
	assert_int_equal(stat(good, &sb), 0);
	free(buf);
	free(good);
	free(flip);
	free(half);
	free(junk);
	session_free(sv);
}

static void
test_drill_needs_permission(void **state)
{
	struct fixture		*f = *state;
	struct session		*r = tl_login(f->b, "reception1");
	struct session		*sv = tl_login(f->b, "supervisor1");
	struct drill_report	 rep;
	char			*path, *cause = NULL;

	xasprintf(&path, "%s/p.xjb", f->b->dir);
	assert_int_equal(store_backup(r->st, r->secret->db_key, path, NULL,
	    &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, path, NULL,
	    &cause), XJ_OK);
	/* An existing file is never replaced. */
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, path, NULL,
	    &cause), XJ_EUNAVAIL);
	free(cause);
	cause = NULL;
	assert_int_equal(store_restore_drill(r->st, r->secret->db_key, path,
	    &rep, &cause), XJ_EPERM);
	free(cause);
	drill_report_free(&rep);
	free(path);
	session_free(sv);
	session_free(r);
}

static void
touch_at(const char *dir, const char *name, time_t t)
{
	struct timeval	 tv[2];
	char		*p = tl_write(dir, name, "x", 0600);

	tv[0].tv_sec = tv[1].tv_sec = t;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	assert_int_equal(utimes(p, tv), 0);
	free(p);
}

static int
exists(const char *dir, const char *name)
{
	char	*p = xj_path_join(dir, name);
	int	 ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

static void
test_rotation(void **state)
{
	struct fixture	*f = *state;
	struct session	*sv;
	struct tm	 tm;
	time_t		 now;
	char		*dir, *out, *cause = NULL, want[64], *a;

	setenv("XUEJI_NOW", "2026-01-10T09:00:00", 1);
	now = xj_now();
	dir = xj_path_join(f->b->data, "backups");
	assert_int_equal(mkdir(dir, 0700), 0);
	touch_at(dir, "SH01-20251201-090000.xjb", now - 40 * 86400);
	touch_at(dir, "SH01-20251211-090000.xjb", now - 30 * 86400 + 60);
	touch_at(dir, "SH01-20260105-090000.xjb", now - 5 * 86400);
	touch_at(dir, "BJ02-20251201-090000.xjb", now - 40 * 86400);
	touch_at(dir, "SH01-old-copy.xjb", now - 40 * 86400);
	touch_at(dir, "SH01-20251201-090000.xjb.keep", now - 40 * 86400);
	touch_at(dir, "readme.txt", now - 400 * 86400);

	sv = tl_login(f->b, "supervisor1");
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, NULL, &out,
	    &cause), XJ_OK);
	localtime_r(&now, &tm);
	strftime(want, sizeof want, "SH01-%Y%m%d-%H%M%S.xjb", &tm);
	assert_string_equal(strrchr(out, '/') + 1, want);
	assert_true(exists(dir, want));
	assert_false(exists(dir, "SH01-20251201-090000.xjb"));
	assert_true(exists(dir, "SH01-20251211-090000.xjb"));
	assert_true(exists(dir, "SH01-20260105-090000.xjb"));
	assert_true(exists(dir, "BJ02-20251201-090000.xjb"));
	assert_true(exists(dir, "SH01-old-copy.xjb"));
	assert_true(exists(dir, "SH01-20251201-090000.xjb.keep"));
	assert_true(exists(dir, "readme.txt"));
	a = tl_query(sv, "SELECT detail FROM audit WHERE action = "
	    "'backup.create'");
	assert_non_null(strstr(a, "rotated=1"));
	free(a);
	/* Same second, same name: refused, not overwritten. */
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, NULL, NULL,
	    &cause), XJ_EUNAVAIL);
	free(cause);
	free(out);
	free(dir);
	session_free(sv);
}

/*
 * Issue 19: the screen of backups' list and the menu's age.  Before any
 * backup was logged, the newest file in the folder gives the age; the
 * list is this branch's backups only, newest first, each with its size
 * and when rotation removes it; a backup to another folder (a USB
 * stick's) counts as the last one too, and a week later one is due.
 */
static void
test_backup_list(void **state)
{
	struct fixture		*f = *state;
	struct backup_info	*v;
	struct session		*sv;
	time_t			 now, at;
	size_t			 n;
	char			*dir, *usb, *out, *cause = NULL;

	setenv("XUEJI_NOW", "2026-01-10T09:00:00", 1);
	now = xj_now();
	dir = xj_path_join(f->b->data, "backups");
	usb = xj_path_join(f->b->dir, "usb");
	sv = tl_login(f->b, "supervisor1");
	/* No folder yet: an empty list, no backup, one due. */
	assert_int_equal(store_backup_list(sv->st, &v, &n, &cause), XJ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_last_backup(sv->st, &at), XJ_OK);
	assert_int_equal(at, 0);
	assert_true(store_backup_due(sv->st, now));

	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(usb, 0700), 0);
	touch_at(dir, "SH01-20251211-090000.xjb", now - 30 * 86400 + 60);
	touch_at(dir, "SH01-20260105-090000.xjb", now - 5 * 86400);
	touch_at(dir, "BJ02-20260106-090000.xjb", now - 4 * 86400);
	touch_at(dir, "readme.txt", now);
	assert_int_equal(store_backup_list(sv->st, &v, &n, &cause), XJ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "SH01-20260105-090000.xjb");
	assert_int_equal(v[0].made, now - 5 * 86400);
	assert_int_equal(v[0].expires, now - 5 * 86400 + 30 * 86400);
	assert_int_equal(v[0].size, 1);
	assert_string_equal(v[1].name, "SH01-20251211-090000.xjb");
	backup_list_free(v, n);
	assert_int_equal(store_last_backup(sv->st, &at), XJ_OK);
	assert_int_equal(at, now - 5 * 86400);
	assert_false(store_backup_due(sv->st, now));

	/* To a USB stick's folder: the last backup, not in the list. */
	setenv("XUEJI_NOW", "2026-01-10T10:00:00", 1);
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, usb, &out,
	    &cause), XJ_OK);
	assert_true(strncmp(out, usb, strlen(usb)) == 0);
	assert_true(strstr(out, "/SH01-20260110-") != NULL);
	free(out);
	assert_int_equal(store_last_backup(sv->st, &at), XJ_OK);
	assert_int_equal(at, now + 3600);
	assert_int_equal(store_backup_list(sv->st, &v, &n, &cause), XJ_OK);
	assert_int_equal(n, 2);
	backup_list_free(v, n);
	assert_false(store_backup_due(sv->st, now + 3600 + 7 * 86400));
	assert_true(store_backup_due(sv->st, now + 3600 + 7 * 86400 + 1));
	free(usb);
	free(dir);
	session_free(sv);
}

static void
test_restore(void **state)
{
	struct fixture	*f = *state;
	struct session	*sv = tl_login(f->b, "supervisor1"), *r;
	struct store	*old;
	struct stat	 sb;
	char		*path, *bad, *safety = NULL, *cause = NULL, *a, *na, *nb;
	char		*buf, *nc, *stale;
	size_t		 len;
	int		 used;

	na = enrol_n(sv, 1);
	xasprintf(&path, "%s/before.xjb", f->b->dir);
	assert_int_equal(store_backup(sv->st, sv->secret->db_key, path, NULL,
	    &cause), XJ_OK);
	nb = enrol_n(sv, 2);		/* only in the safety copy, later */

	/*
	 * Another session is open: refused, naming who holds it, and
	 * nothing changed.  A holder's file nobody locks (a session that
	 * died) names no one and is removed.
	 */
	stale = tl_write(sv->cfg->data_dir, SESSION_HOLDER_PREFIX "1.0",
	    "auditor1", 0600);
	r = tl_login(f->b, "reception1");
	assert_int_equal(session_restore(sv, path, &safety, &cause), XJ_EBUSY);
	assert_non_null(strstr(cause, "another xueji session"));
	assert_non_null(strstr(cause, "reception1"));
	assert_null(strstr(cause, "auditor1"));
	assert_int_equal(access(stale, F_OK), -1);
	free(stale);
	free(cause);
	cause = NULL;
	assert_null(safety);
	/* A receptionist may not, whatever else is open. */
	assert_int_equal(session_restore(r, path, NULL, &cause), XJ_EPERM);
	free(cause);
	cause = NULL;
	session_free(r);
	/* Alone, the check itself removes what a killed session left. */
	stale = tl_write(sv->cfg->data_dir, SESSION_HOLDER_PREFIX "1.1",
	    "auditor1", 0600);
	assert_int_equal(session_exclusive(sv, &cause), XJ_OK);
	assert_int_equal(access(stale, F_OK), -1);
	free(stale);
	assert_int_equal(flock(sv->lock_fd, LOCK_SH), 0);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM student"), 2);

	/* A damaged backup is refused before anything is touched. */
	assert_int_equal(xj_read_file(path, 1 << 26, &buf, &len, &cause),
	    XJ_OK);
	buf[len / 2] ^= 0x01;
	bad = tl_write(f->b->dir, "bad.xjb", "", 0600);
	assert_int_equal(xj_write_file_atomic(bad, buf, len, 0600, &cause),
	    XJ_OK);
	free(buf);
	assert_true(session_restore(sv, bad, &safety, &cause) != XJ_OK);
	assert_non_null(strstr(cause, "cannot be restored"));
	free(cause);
	cause = NULL;
	assert_null(safety);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM student"), 2);
	a = xj_path_join(f->b->data, "branch.db.restoring");
	assert_int_equal(access(a, F_OK), -1);
	free(a);

	/* Alone: restored, with a safety copy. */
	assert_int_equal(session_restore(sv, path, &safety, &cause), XJ_OK);
	assert_non_null(safety);
	assert_non_null(strstr(safety, "branch.db.before-restore-"));
	assert_int_equal(stat(safety, &sb), 0);
	assert_int_equal(count_of(sv, "SELECT count(*) FROM student"), 1);
	a = tl_query(sv, "SELECT number FROM student");
	assert_string_equal(a, na);
	free(a);
	a = tl_query(sv, "SELECT action || ' ' || target || ' ' || detail "
	    "FROM audit ORDER BY seq DESC LIMIT 1");
	assert_non_null(strstr(a, "backup.restore before.xjb result=ok"));
	free(a);
	/* The session goes on working on the restored database. */
	nc = enrol_n(sv, 3);
	assert_non_null(nc);

	/* The safety copy holds what came after the backup. */
	assert_int_equal(store_open(safety, sv->secret->db_key, NULL, "SH01",
	    &used, &old, &cause), XJ_OK);
	{
		sqlite3_stmt	*st;

		assert_int_equal(sqlite3_prepare_v2(store_db(old), "SELECT "
		    "count(*) FROM student WHERE number = ?", -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(st, 1, nb, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
		assert_int_equal(sqlite3_prepare_v2(store_db(old), "SELECT "
		    "detail FROM audit ORDER BY seq DESC LIMIT 1", -1, &st,
		    NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_non_null(strstr((const char *)sqlite3_column_text(st,
		    0), "result=replaced"));
		sqlite3_finalize(st);
	}
	store_close(old);
	session_free(sv);
	/* Others can log in again. */
	r = tl_login(f->b, "reception1");
	session_free(r);
	free(safety);
	free(path);
	free(bad);
	free(na);
	free(nb);
	free(nc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_while_writing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_drill_good, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drill_killed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drill_damaged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drill_needs_permission,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
