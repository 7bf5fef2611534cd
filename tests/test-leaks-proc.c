/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Leak scans, from inside (issue 8): after platform_init() — the first
 * thing main() does — the process is not dumpable (no core file, no
 * /proc/PID/mem for others, not ptrace-attachable by other users) and
 * its core size limit is zero, in this process and in a child it forks.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "lib/testlib.h"

static int
hardened(void)
{
	struct rlimit	rl;

	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 0;
	if (getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 ||
	    rl.rlim_max != 0)
		return 0;
	return 1;
}

static void
test_not_dumpable(void **state)
{
	mode_t	old;
	pid_t	pid;
	int	status;

	(void)state;
	platform_init();
	assert_true(hardened());
	/* umask 077: whatever it creates, it creates private. */
	old = umask(0);
	umask(old);
	assert_int_equal(old, 077);
	/* Both carry over fork. */
	if ((pid = fork()) == 0)
		_exit(hardened() ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_dumpable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
