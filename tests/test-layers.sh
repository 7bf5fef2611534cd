#!/bin/sh
# Issue 21: the layers as the code has them.  The public headers name no
# SQLite type; only src/ui includes curses, and libxueji.a links, whole,
# into a program without ncurses (the build's nocurses: make fails when
# it does not); and the pairs of files that leaned on each other depend
# one way only, read from the built objects' symbols: keyring.c on
# keyfile.c, archive.c on student.c, ui.c on draw.c.
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
B=$(dirname "$XUEJI")

check "no public header names a SQLite type or includes sqlite3.h" \
    sh -c '! grep -n "sqlite3" include/xueji/*.h'
check "only src/ui includes curses" \
    sh -c '! grep -rln "include <n\{0,1\}curses" src include |
        grep -v "^src/ui/"'
check "libxueji.a links into a program without ncurses" [ -x "$B/nocurses" ]
check "nocurses has no curses symbol" \
    sh -c "! nm -u '$B/nocurses' | grep -qw 'initscr\|wrefresh\|newwin'"

# takes A B: the symbols object A takes from object B.
takes() {
	nm -u "$B/$1" | awk '{ print $2 }' | sort -u >"$T/u"
	nm --defined-only "$B/$2" | awk '$2 ~ /[TDRB]/ { print $3 }' |
	    sort -u >"$T/d"
	comm -12 "$T/u" "$T/d"
}
# one_way A B: A uses B (a positive control) and B nothing of A.
one_way() {
	if [ -z "$(takes "$1" "$2")" ]; then
		not_ok "$1 uses $2 (the check reads the symbols)"
	else
		ok "$1 uses $2"
	fi
	back=$(takes "$2" "$1")
	if [ -z "$back" ]; then ok "$2 uses nothing of $1"; else
		echo "$back" >"$T/err"
		not_ok "$2 uses nothing of $1"
	fi
}
one_way src/keys/keyring.o src/keys/keyfile.o
one_way src/store/archive.o src/store/student.o
one_way src/ui/ui.o src/ui/draw.o

echo "1..$n"
[ $bad -eq 0 ]
