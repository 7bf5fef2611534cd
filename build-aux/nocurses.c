/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * The layering check: the Makefile links the whole of libxueji.a (every
 * module below the interface: platform, keys, policy, audit, forms,
 * search, store, session) into this program without ncurses.  A curses
 * call anywhere below src/ui is then an undefined symbol and the build
 * fails, naming it.  The program itself does nothing.
 */
int	main(void);

int
main(void)
{
	return 0;
}
