/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * fuzz.h — what the fuzz targets share.  Each target file defines one
 * function, fuzz_NAME(data, size), and, unless FUZZ_NO_MAIN is defined,
 * libFuzzer's entry point calling it.  tests/test-fuzz-regress.c includes
 * every target file with FUZZ_NO_MAIN and runs the numbered crash inputs
 * of tests/fuzz/regress through the same functions, built with gcc.
 *
 * A target checks what must hold whatever the input (FUZZ_ASSERT), and
 * fails loudly rather than through cmocka, so that the same body works
 * under libFuzzer.  Everything here is static inline (no warning where a
 * target does not use it): the regression test puts all targets in one
 * translation unit, so helpers are shared, not copied.
 */
#ifndef XUEJI_FUZZ_H
#define XUEJI_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "xueji/platform.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

int	fuzz_yaml(const uint8_t *, size_t);
int	fuzz_config(const uint8_t *, size_t);
int	fuzz_roles(const uint8_t *, size_t);
int	fuzz_form(const uint8_t *, size_t);
int	fuzz_validate(const uint8_t *, size_t);
int	fuzz_keyslots(const uint8_t *, size_t);
int	fuzz_checkpoint(const uint8_t *, size_t);
int	fuzz_lineedit(const uint8_t *, size_t);
int	fuzz_csv(const uint8_t *, size_t);

/* An invariant broken: say which and abort, which libFuzzer reports. */
#define FUZZ_ASSERT(e) do {						\
	if (!(e)) {							\
		fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n",	\
		    __FILE__, __LINE__, #e);				\
		abort();						\
	}								\
} while (0)

/* Once per process: a UTF-8 locale (wcwidth, iswalnum) and libsodium. */
static inline void
fuzz_setup(void)
{
	static int	done;

	if (done)
		return;
	done = 1;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "C.UTF-8");
	if (sodium_init() < 0)
		abort();
}

static char	*fuzz_dir;	/* per-process scratch directory */
static char	*fuzz_file;	/* the one file in it the loaders read */

static inline void
fuzz_cleanup(void)
{
	char	*p;

	if (fuzz_dir == NULL)
		return;
	/* keyring_save may have left its file there too. */
	unlink(fuzz_file);
	xasprintf(&p, "%s/out", fuzz_dir);
	unlink(p);
	free(p);
	rmdir(fuzz_dir);
	free(fuzz_file);
	free(fuzz_dir);
	fuzz_dir = fuzz_file = NULL;
}

/* This process's own scratch directory (0700), removed at exit. */
static inline const char *
fuzz_tmpdir(void)
{
	const char	*base;

	if (fuzz_dir != NULL)
		return fuzz_dir;
	/* tmpfs when there is one: thousands of rewrites a second. */
	if ((base = getenv("FUZZ_TMPDIR")) == NULL &&
	    access("/dev/shm", W_OK) == 0)
		base = "/dev/shm";
	if (base == NULL && (base = getenv("TMPDIR")) == NULL)
		base = "/tmp";
	xasprintf(&fuzz_dir, "%s/xueji-fuzz.XXXXXX", base);
	if (mkdtemp(fuzz_dir) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", fuzz_dir, strerror(errno));
		abort();
	}
	xasprintf(&fuzz_file, "%s/input.yaml", fuzz_dir);
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/*
 * The path of a mode-0600 file holding exactly data[0..size), in a
 * directory of this process's own (0700) that is removed at exit.  The
 * loaders that take a path refuse group- or other-writable files, so the
 * mode matters; the file is rewritten in place for every input.
 */
static inline const char *
fuzz_write_file(const uint8_t *data, size_t size)
{
	ssize_t		 n;
	size_t		 off;
	int		 fd;

	fuzz_tmpdir();
	if ((fd = open(fuzz_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "open %s: %s\n", fuzz_file, strerror(errno));
		abort();
	}
	for (off = 0; off < size; off += (size_t)n) {
		if ((n = write(fd, data + off, size - off)) <= 0) {
			fprintf(stderr, "write %s: %s\n", fuzz_file,
			    strerror(errno));
			abort();
		}
	}
	close(fd);
	return fuzz_file;
}

/* A NUL-terminated copy of the input, for APIs that take a C string. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char	*s;

	s = xmalloc(size + 1);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Every loader fails with a message: there must be one, and it is text. */
static inline void
fuzz_check_cause(int rc, char *cause)
{
	if (rc == XJ_OK) {
		FUZZ_ASSERT(cause == NULL);
		return;
	}
	FUZZ_ASSERT(cause != NULL);
	FUZZ_ASSERT(*cause != '\0');
	FUZZ_ASSERT(utf8_valid(cause, strlen(cause)));
	free(cause);
}

#endif
