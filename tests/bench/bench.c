/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji-bench [-d DIR] [-n MAX]: grow one synthetic branch through
 * 10,000, 100,000 and 1,000,000 students (MAX caps it, and is measured
 * too when it is not one of those), measure the counter's and the
 * auditor's operations at each size against bare SQLCipher doing the
 * same work in the same run, and print one table.  Not a test: nothing
 * here passes or fails.  See tests/bench/RESULTS.md.
 *
 * Each size is measured by a fresh process (xueji-bench --measure DIR N),
 * so the peak RSS it reports is the browsing session's own and not the
 * generator's.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/student.h"
#include "bench/bench.h"
#include "lib/hatch.h"

#define MAX_ROWS	512

static const char bare_schema[] =
	"CREATE TABLE IF NOT EXISTS student ("
	"  id             INTEGER PRIMARY KEY,"
	"  number         TEXT NOT NULL UNIQUE,"
	"  name           TEXT NOT NULL,"
	"  birth_month    TEXT NOT NULL,"
	"  guardian_name  TEXT NOT NULL,"
	"  guardian_phone TEXT NOT NULL,"
	"  enrolled_at    INTEGER NOT NULL,"
	"  enrolled_by    TEXT NOT NULL,"
	"  consent_method TEXT NOT NULL"
	");";

int
bench_raw_open(const char *path, const unsigned char key[DB_KEY_BYTES], sqlite3 **out)
{
	char	*cause = NULL;
	int	 rc;

	*out = NULL;
	if (store_db_open(path, out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(*out, 5000);
	/* Keyed as the program keys every connection: the same cipher. */
	if (store_key_db(*out, key, STORE_FORMAT_4, &cause) != XJ_OK) {
		fprintf(stderr, "xueji-bench: %s: %s\n", path, cause);
		free(cause);
		return -1;
	}
	rc = sqlite3_exec(*out, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA temp_store = MEMORY;"
	    "PRAGMA cache_size = -" STORE_CACHE_KIB ";", NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : -1;
}

static char *
write_file(const char *dir, const char *name, const char *text)
{
	char	*path = xj_path_join(dir, name);
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL ||
	    fputs(text, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "xueji-bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	chmod(path, 0600);
	return path;
}

int
bench_create(const char *dir, char **cause)
{
	struct session		*s = NULL;
	struct branch_secret	*secret;
	struct keyring		*kr;
	sqlite3			*bare;
	char			*roles, *conf, *cwd, *data, *p, pw[64];
	size_t			 i;
	int			 rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return xj_fail(cause, XJ_EIO, "mkdir %s: %s", dir,
		    strerror(errno));
	data = xj_path_join(dir, "data");
	if (mkdir(data, 0700) != 0)
		return xj_fail(cause, XJ_EIO, "mkdir %s: %s (remove the old "
		    "bench data first)", data, strerror(errno));
	if ((rc = xj_read_file("config/roles.yaml", 1 << 20, &roles, NULL,
	    cause)) != XJ_OK)
		return rc;
	free(write_file(dir, "roles.yaml", roles));
	free(roles);
	cwd = getcwd(NULL, 0);
	xasprintf(&conf, "branch:\n  code: " BENCH_BRANCH "\n  name: 基准校区\n"
	    "data_dir: %s\nroles_file: roles.yaml\nforms_dir: %s/forms\n",
	    data, cwd);
	p = write_file(dir, "xueji.yaml", conf);
	free(conf);
	free(cwd);
	if ((rc = session_load(p, NULL, &s, cause)) != XJ_OK)
		goto out;
	secret = branch_secret_new();
	kr = keyring_new(BENCH_BRANCH);
	for (i = 0; rc == XJ_OK && i < s->pol->noperators; i++) {
		snprintf(pw, sizeof pw, "pass-%s", s->pol->operators[i].id);
		rc = keyring_add(kr, s->pol->operators[i].id, pw, strlen(pw),
		    KDF_INTERACTIVE, secret, cause);
	}
	if (rc == XJ_OK)
		rc = store_create(s->db_path, secret->db_key, BENCH_BRANCH,
		    cause);
	if (rc == XJ_OK)
		rc = keyring_save(kr, secret, s->keyslot_path, cause);
	free(data);
	data = xj_path_join(dir, "bare.db");
	if (rc == XJ_OK && (bench_raw_open(data, secret->db_key, &bare) != 0 ||
	    sqlite3_exec(bare, bare_schema, NULL, NULL, NULL) != SQLITE_OK))
		rc = xj_fail(cause, XJ_EIO, "bare database: %s",
		    sqlite3_errmsg(bare));
	sqlite3_close(bare);
	keyring_free(kr);
	branch_secret_free(secret);
	session_free(s);
out:
	free(p);
	free(data);
	return rc;
}

int
bench_open(struct bench *b, const char *dir, char **cause)
{
	char	*path, pw[64];
	int	 rc;

	memset(b, 0, sizeof *b);
	b->dir = xstrdup(dir);
	b->config = xj_path_join(dir, "xueji.yaml");
	if ((rc = session_load(b->config, NULL, &b->s, cause)) != XJ_OK)
		return rc;
	snprintf(pw, sizeof pw, "pass-%s", "reception1");
	if ((rc = session_login(b->s, "reception1", pw, strlen(pw),
	    cause)) != XJ_OK)
		return rc;
	b->reception = b->s->op;
	b->supervisor = policy_operator(b->s->pol, "supervisor1");
	b->auditor = policy_operator(b->s->pol, "auditor1");
	if (b->supervisor == NULL || b->auditor == NULL)
		return xj_fail(cause, XJ_ECONFIG, "%s", "roles.yaml lacks "
		    "supervisor1 or auditor1");
	path = xj_path_join(dir, "bare.db");
	if (bench_raw_open(path, b->s->secret->db_key, &b->bare) != 0)
		rc = xj_fail(cause, XJ_EIO, "bare database: %s",
		    sqlite3_errmsg(b->bare));
	free(path);
	return rc;
}

void
bench_close(struct bench *b)
{
	sqlite3_close(b->bare);
	session_free(b->s);
	free(b->dir);
	free(b->config);
}

void
bench_as(struct bench *b, const struct operator *op)
{
	store_bind(b->s->st, b->s->cfg, b->s->form, op);
}

/* One row of the table as the measuring process printed it. */
struct row {
	char	op[64];
	long	n;
	double	median, p99, base;
	char	unit[16];
};
static struct row	rows[MAX_ROWS];
static size_t		nrows;

static void
take_row(char *line)
{
	struct row	*r;
	char		*f[7], *p = line + 4;
	size_t		 i;

	for (i = 0; i < 7; i++)
		f[i] = strsep(&p, "\t\n");
	if (f[6] == NULL || nrows == MAX_ROWS)
		return;
	r = &rows[nrows++];
	snprintf(r->op, sizeof r->op, "%s", f[0]);
	r->n = strtol(f[1], NULL, 10);
	r->median = strtod(f[2], NULL);
	r->p99 = strtod(f[3], NULL);
	r->base = strtod(f[4], NULL);
	snprintf(r->unit, sizeof r->unit, "%s", f[5]);
}

static int
run_measure(const char *dir, long n)
{
	FILE	*f;
	char	*cmd, line[1024];
	int	 st;

	xasprintf(&cmd, "/proc/%ld/exe --measure '%s' %ld", (long)getpid(),
	    dir, n);
	if ((f = popen(cmd, "r")) == NULL) {
		free(cmd);
		return -1;
	}
	free(cmd);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "ROW\t", 4) == 0)
			take_row(line);
		else
			fputs(line, stderr);
	}
	st = pclose(f);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void
fmt(char *buf, size_t len, double v, const char *unit)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else if (strcmp(unit, "ms") == 0)
		snprintf(buf, len, v < 10 ? "%.3f ms" : "%.1f ms", v);
	else
		snprintf(buf, len, "%.2f %s", v, unit);
}

static void
print_table(void)
{
	const struct row	*r, *a, *z;
	char			 m[32], p[32], bs[32], ratio[16];
	size_t			 i, j;

	printf("\n%-40s %9s %12s %12s %12s %7s\n", "operation", "N",
	    "median", "p99", "baseline", "ratio");
	for (i = 0; i < nrows; i++) {
		r = &rows[i];
		fmt(m, sizeof m, r->median, r->unit);
		fmt(p, sizeof p, r->p99, r->unit);
		fmt(bs, sizeof bs, r->base, r->unit);
		if (r->base > 0)
			snprintf(ratio, sizeof ratio, "%.2f",
			    r->median / r->base);
		else
			snprintf(ratio, sizeof ratio, "-");
		printf("%-40s %9ld %12s %12s %12s %7s\n", r->op, r->n, m, p,
		    bs, ratio);
	}

	/* Growth: the smallest size against the largest, per operation. */
	printf("\ngrowth from the smallest to the largest N (median, p99; "
	    "log N grows %.2fx):\n", log((double)rows[nrows - 1].n) /
	    log((double)rows[0].n));
	for (i = 0; i < nrows; i++) {
		a = &rows[i];
		if (a->n != rows[0].n)
			continue;
		z = NULL;
		for (j = i + 1; j < nrows; j++) {
			if (strcmp(rows[j].op, a->op) == 0)
				z = &rows[j];
		}
		if (z == NULL || z->n == a->n || a->median <= 0)
			continue;
		printf("  %-40s %ld -> %ld: median x%.2f, p99 x%.2f%s\n",
		    a->op, a->n, z->n, z->median / a->median,
		    a->p99 > 0 ? z->p99 / a->p99 : 0,
		    strcmp(a->unit, "ms") == 0 && z->median / a->median >
		    3.0 ? "  <- worse than logarithmic" : "");
	}
}

/*
 * Say what the host is doing before anything is timed.  With the
 * scheduler's autogroups on (Debian's default), nice(1) orders processes
 * only within one session: a build at nice 19 started from another
 * terminal still takes its equal share of the cores, and verify's two
 * threads measured 0.47x raw where they measure 0.6-0.75x with
 * autogroups off (RESULTS.md, run J).
 */
static void
host_note(void)
{
	double	 load[3];
	FILE	*f;
	int	 ag = -1;

	if (getloadavg(load, 3) == 3)
		fprintf(stderr, "  host: %ld cores online, load %.2f %.2f "
		    "%.2f\n", sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1],
		    load[2]);
	if ((f = fopen("/proc/sys/kernel/sched_autogroup_enabled", "r")) !=
	    NULL) {
		if (fscanf(f, "%d", &ag) != 1)
			ag = -1;
		fclose(f);
	}
	if (ag == 1)
		fprintf(stderr, "  host: scheduler autogroups are on, so other "
		    "sessions' work competes however niced; for figures "
		    "beside other work, as root: echo 0 > "
		    "/proc/sys/kernel/sched_autogroup_enabled\n");
}

static void
usage(void)
{
	fprintf(stderr, "usage: xueji-bench [-d dir] [-n max-students]\n");
	exit(XJ_EUSAGE);
}

int
main(int argc, char **argv)
{
	static const long	 sizes[] = { 10000, 100000, 1000000 };
	struct bench		 b;
	const char		*dir = "build/bench-data";
	char			*cause = NULL;
	long			 max = 1000000, todo[4];
	size_t			 i, ntodo = 0;
	uint64_t		 rng = 20261124;
	double			 t0;
	int			 c, rc;

	platform_init();
	setlocale(LC_ALL, "");
	if (argc == 4 && strcmp(argv[1], "--measure") == 0) {
		rng ^= (uint64_t)strtol(argv[3], NULL, 10);
		/* A rerun over a kept branch: new children, not namesakes. */
		if (getenv("BENCH_SEED") != NULL)
			rng ^= (uint64_t)strtoull(getenv("BENCH_SEED"), NULL,
			    10) << 20;
		if ((rc = bench_open(&b, argv[2], &cause)) != XJ_OK) {
			fprintf(stderr, "xueji-bench: %s\n", cause);
			return rc;
		}
		if (getenv("BENCH_ONLY") != NULL)
			host_note();
		rc = measure_all(&b, strtol(argv[3], NULL, 10), &rng);
		bench_close(&b);
		return rc;
	}
	while ((c = getopt(argc, argv, "d:n:")) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			max = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (max < 1000)
		usage();
	host_note();
	for (i = 0; i < nitems(sizes) && sizes[i] < max; i++)
		todo[ntodo++] = sizes[i];
	todo[ntodo++] = max;

	if ((rc = bench_create(dir, &cause)) != XJ_OK) {
		fprintf(stderr, "xueji-bench: %s\n", cause);
		return rc;
	}
	for (i = 0; i < ntodo; i++) {
		t0 = now_us();
		if ((rc = bench_open(&b, dir, &cause)) != XJ_OK ||
		    (rc = gen_grow(&b, todo[i], &rng, &cause)) != XJ_OK) {
			fprintf(stderr, "xueji-bench: %s\n", cause);
			return rc;
		}
		bench_close(&b);
		fprintf(stderr, "[%ld students generated in %.0f s]\n",
		    todo[i], (now_us() - t0) / 1e6);
		t0 = now_us();
		if (run_measure(dir, todo[i]) != 0) {
			fprintf(stderr, "xueji-bench: measuring at %ld "
			    "failed\n", todo[i]);
			return 1;
		}
		fprintf(stderr, "[%ld students measured in %.0f s]\n",
		    todo[i], (now_us() - t0) / 1e6);
	}
	print_table();
	return 0;
}
