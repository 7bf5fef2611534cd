/*
 * store_db: a store's raw handle, for tests and benchmarks only.  It
 * lives here, reading the store's private struct, so that the program
 * itself has no such hatch.  And tl_status_kib, for what the kernel
 * says of a process's memory.
 * xueji — GPL-3.0-or-later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hatch.h"
#include "../../src/store/store-int.h"

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

long
tl_status_kib(pid_t pid, const char *field)
{
	char	 path[64], line[256];
	size_t	 len = strlen(field);
	FILE	*f;
	long	 kib = -1;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, len) == 0)
			kib = strtol(line + len, NULL, 10);
	}
	fclose(f);
	return kib;
}
