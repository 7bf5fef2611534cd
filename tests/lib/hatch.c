/*
 * store_db: a store's raw handle, for tests and benchmarks only.  It
 * lives here, reading the store's private struct, so that the program
 * itself has no such hatch.
 * xueji — GPL-3.0-or-later.
 */
#include "lib/hatch.h"
#include "../../src/store/store-int.h"

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}
