/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * ui.h — the terminal interface, as the command line sees it: one call.
 * Everything else of the UI stays in src/ui, the only code that includes
 * curses.
 */
#ifndef XUEJI_UI_PUBLIC_H
#define XUEJI_UI_PUBLIC_H

/*
 * Run the interface on the terminal until the operator quits.  Refuses,
 * with a message on stderr, a locale that is not UTF-8, a terminal that
 * is too small, or no terminal at all.  Returns an exit code.
 */
int	 ui_main(const char *config_path, const char *data_dir);

#endif
