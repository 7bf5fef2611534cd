#!/bin/sh
# The interface in tmux, a terminal that blanks the whole of a wide
# character when one of its halves is written over, as xterm and VTE do
# (libvterm, under the e2e tests, does not).  In Chinese at 80x24: a
# dialog over a record covers half of the wide characters at its edge,
# and once it is gone every line is drawn where it was, not a column off.
# Prints one "ok - …" or "not ok - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
: "${XUEJI_LOCALEDIR:=$(dirname "$XUEJI")/locale}"
export XUEJI_LOCALEDIR

if ! command -v tmux >/dev/null 2>&1; then
	skip "tmux is not installed"
	echo "$n passed, $bad failed"
	exit 0
fi
SOCK="xueji-test-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"' EXIT
# A failure shows the screen.
tap_diag() { sed 's/^/#   | /' "$T/screen"; }

branch_config
passphrases supervisor1 reception1
as supervisor1 init >/dev/null 2>&1
$X -u supervisor1 --passphrase-fd 3 --new-passphrase-fd 4 operator add \
    reception1 3<"$T/supervisor1" 4<"$T/reception1" >/dev/null 2>&1
own reception1 >/dev/null 2>&1
as reception1 student add name=王诗涵 birth_month=2015-05 \
    guardian_name=王秀英 guardian_phone=13312349954 --consent in-person \
    >"$T/number" 2>/dev/null
check "a branch with one student" grep -q 'SH01-' "$T/number"

# screen_has TEXT: wait (10 s at most) until the screen shows TEXT.
screen_has() {
	i=0
	while [ $i -lt 100 ]; do
		tmux -L "$SOCK" capture-pane -p -t x >"$T/screen"
		grep -qF "$1" "$T/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
keys() { tmux -L "$SOCK" send-keys -t x "$@"; }

tmux -L "$SOCK" -f /dev/null new-session -d -s x -x 80 -y 24 \
    "env LANGUAGE=zh_CN LANG=C.UTF-8 TERM=screen-256color $X"
check "the login screen, in Chinese" screen_has "口令："
keys reception1 Tab own-reception1 Enter
check "the main menu" screen_has "主菜单"
keys F3
check "the search" screen_has "学号、姓名"
keys "$(cat "$T/number")"
check "finds the student" screen_has "1 个结果"
keys Enter
check "the record" screen_has "修改历史"
check "its lines start in column 2" grep -q '^  状态：在读' "$T/screen"
keys F7
check "a dialog over it" screen_has "的新状态"
keys Escape
check "goes" screen_has "修改历史"
sleep 0.3
tmux -L "$SOCK" capture-pane -p -t x >"$T/screen"
check "and the status line is whole again" grep -q '^  状态：在读' \
    "$T/screen"
check "the consent line too" grep -q '^  监护人同意：当面确认' "$T/screen"
check "and the history's heading" grep -q '^  修改历史' "$T/screen"
keys C-q
echo "$n passed, $bad failed"
[ "$bad" -eq 0 ]
