#!/bin/sh
# Issue 16: the setgid deployment (xueji(7), DEPLOYMENT).  A copy of the
# binary setgid to a throwaway group, root's scratch configuration, a
# data directory root:group 2770, and two throwaway users outside the
# group.  They work normally through the program, but cannot read the
# data directory, bring a configuration or roles file of their own, have
# a planted -wal/-shm link written through, or out-guess the back-off
# by running guesses in parallel; their exports are their own files, and
# every failed login reaches the log.  Needs root (useradd, runuser):
# otherwise skipped.  Prints one "ok N - …" or "not ok N - …" line per
# check (TAP style), and the guesses per minute it measured.
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"

done_testing() {
	echo "$((n - bad)) passed, $bad failed"
	[ "$bad" -eq 0 ]
	exit
}
if [ "$(id -u)" -ne 0 ]; then
	skip "not root: the test makes users, a group and a setgid binary"
	done_testing
fi
for c in useradd userdel groupadd groupdel runuser timeout; do
	if ! command -v "$c" >/dev/null 2>&1; then
		skip "no $c"
		done_testing
	fi
done

GRP=xjsg$$
A=xjsa$$
B=xjsb$$
# Not under $TMPDIR: the test runner's is private to root.
G=$(mktemp -d /tmp/xueji-setgid.XXXXXX)
cleanup() {
	for u in "$A" "$B"; do
		userdel "$u" 2>/dev/null
		groupdel "$u" 2>/dev/null
	done
	groupdel "$GRP" 2>/dev/null
	rm -rf "$T" "$G"
}
trap cleanup EXIT INT TERM

if ! groupadd "$GRP" 2>"$T/err" ||
    ! useradd -M -U -s /usr/sbin/nologin "$A" 2>>"$T/err" ||
    ! useradd -M -U -s /usr/sbin/nologin "$B" 2>>"$T/err"; then
	skip "cannot create users and groups here: $(head -1 "$T/err")"
	done_testing
fi

# As installed: root's binary setgid to the group, root's configuration
# and forms, the data directory root's in the group, 2770.
chmod 755 "$G"
mkdir -m 755 "$G/bin" "$G/etc" "$G/forms" "$G/home"
mkdir -m 700 "$G/home/$A" "$G/home/$B"
chown "$A:$A" "$G/home/$A"
chown "$B:$B" "$G/home/$B"
cp "$XUEJI" "$G/bin/xueji"
chown "root:$GRP" "$G/bin/xueji"
chmod 2755 "$G/bin/xueji"
cp "$FORMS"/*.yaml "$G/forms/"
cp config/roles.yaml "$G/etc/roles.yaml"
conf() {
	printf 'branch:\n  code: SH01\n  name: 测试校区\n'
	printf 'data_dir: %s\nroles_file: %s\nforms_dir: %s\n' \
	    "$G/data" "${1:-roles.yaml}" "$G/forms"
	[ -z "${2:-}" ] || printf '%s\n' "$2"
}
conf >"$G/etc/xueji.yaml"
# The same branch with a one-second back-off, for the flood below.
conf "" "login_delay_max_seconds: 1" >"$G/etc/flood.yaml"
chmod 644 "$G"/etc/* "$G"/forms/*
mkdir "$G/data"
chown "root:$GRP" "$G/data"
chmod 2770 "$G/data"
passphrases supervisor1 supervisor2 reception1 auditor1
printf 'wrong-guess\n' >"$T/wrong"

if ! runuser -u "$A" -- "$G/bin/xueji" --version >"$T/out" 2>"$T/err"; then
	skip "the test users cannot run $G/bin/xueji (noexec /tmp?)"
	done_testing
fi

XG="$G/bin/xueji -c $G/etc/xueji.yaml --kdf interactive"
# by USER ID ARGS...: xueji as Unix user USER and operator ID.
by() {
	user=$1; id=$2; shift 2
	runuser -u "$user" -- $XG -u "$id" --passphrase-fd 3 "$@" 3<"$T/$id"
}
# sums: a fingerprint of every file of the data directory.
sums() { find "$G/data" -type f -exec sha256sum {} + | sort; }

# --- an operator outside the group works normally -----------------------
check "user A is not in the group" sh -c "! id -nG '$A' | grep -qw '$GRP'"
expect 0 "user A creates the branch as supervisor1" by "$A" supervisor1 init
for id in supervisor2 reception1 auditor1; do
	runuser -u "$A" -- $XG -u supervisor1 --passphrase-fd 3 \
	    --new-passphrase-fd 4 operator add "$id" 3<"$T/supervisor1" \
	    4<"$T/$id" >/dev/null 2>"$T/err" || not_ok "operator add $id"
	own "$id" runuser -u "$A" -- $XG >/dev/null 2>"$T/err" ||
	    not_ok "$id chooses their own passphrase"
done
expect 0 "user B, as reception1, enrols" by "$B" reception1 student add \
    name=欧阳娜娜 birth_month=2018-03 guardian_name=欧阳明 \
    guardian_phone=13812345678 --consent in-person
NO=$(cat "$T/out")
expect 0 "user A, as supervisor1, finds her" by "$A" supervisor1 \
    student find 欧阳
check "by her number" grep -q "$NO" "$T/out"
check "the database is A's, in the group, 0660" \
    test "$(stat -c '%a %U %G' "$G/data/branch.db")" = "660 $A $GRP"

# --- the data directory is not theirs -----------------------------------
check "user A cannot list the data directory" \
    sh -c "! runuser -u '$A' -- ls '$G/data' >/dev/null 2>&1"
unread=0
files=0
for f in $(find "$G/data" -type f); do
	files=$((files + 1))
	for u in "$A" "$B"; do
		runuser -u "$u" -- cat "$f" >/dev/null 2>&1 &&
		    { unread=1; echo "# $u read $f"; }
	done
done
check "nor read any of its $files files, though A made them" \
    test "$files" -ge 4 -a "$unread" = 0

# --- a configuration or roles file of their own --------------------------
OWN=$G/home/$A
sums >"$T/before"
runuser -u "$A" -- sh -c "cp '$G/etc/roles.yaml' '$OWN/roles.yaml' &&
    sed 's/^roles_file:.*/roles_file: $(echo "$OWN" | sed 's|/|\\/|g')\\/roles.yaml/' \
    '$G/etc/xueji.yaml' >'$OWN/xueji.yaml' && chmod 600 '$OWN'/*.yaml"
expect 78 "user A's own xueji.yaml (-c) is refused" runuser -u "$A" -- \
    "$G/bin/xueji" -c "$OWN/xueji.yaml" -u reception1 --passphrase-fd 3 \
    student list 3<"$T/reception1"
check "naming the file and the rule" \
    grep -q "$OWN/xueji.yaml: refused: xueji runs setgid.*owned by root" \
    "$T/err"
expect 78 "and through XUEJI_CONFIG" runuser -u "$A" -- env \
    XUEJI_CONFIG="$OWN/xueji.yaml" "$G/bin/xueji" -u reception1 \
    --passphrase-fd 3 student list 3<"$T/reception1"
conf "$OWN/roles.yaml" >"$G/etc/theirs.yaml"
chmod 644 "$G/etc/theirs.yaml"
expect 78 "root's xueji.yaml naming A's roles file is refused" \
    runuser -u "$A" -- "$G/bin/xueji" -c "$G/etc/theirs.yaml" \
    -u reception1 --passphrase-fd 3 student list 3<"$T/reception1"
check "naming the roles file" grep -q "$OWN/roles.yaml: refused" "$T/err"
runuser -u "$A" -- mkdir -m 700 "$OWN/data"
expect 78 "a data directory of A's (-d) is refused" runuser -u "$A" -- \
    $XG -d "$OWN/data" -u reception1 --passphrase-fd 3 student list \
    3<"$T/reception1"
chmod 666 "$G/forms/enrollment.yaml"
expect 78 "a form others may write is refused" by "$A" reception1 \
    student list
check "naming it" grep -q "enrollment.yaml: refused" "$T/err"
chmod 644 "$G/forms/enrollment.yaml"
sums >"$T/after"
check "and nothing in the data directory changed" \
    cmp -s "$T/before" "$T/after"

# --- a planted -wal or -shm link -----------------------------------------
# As a member of the group could, or root by mistake: links to a file of
# user B's, and to a place where nothing is.
printf 'authorized keys of B\n' >"$G/home/$B/victim"
chown "$B:$B" "$G/home/$B/victim"
cp "$G/home/$B/victim" "$T/victim"
ln -s "$G/home/$B/victim" "$G/data/branch.db-wal"
ln -s "$G/home/$B/planted" "$G/data/branch.db-shm"
sums >"$T/before"
expect 78 "a symlinked -wal and -shm are refused" by "$A" supervisor1 \
    student find 欧阳
check "naming the link" grep -q 'branch.db-[ws][ah][lm]: refusing' "$T/err"
check "the link's target untouched" cmp -s "$G/home/$B/victim" "$T/victim"
check "and nothing created where -shm pointed" \
    test ! -e "$G/home/$B/planted"
sums >"$T/after"
check "nor anything in the data directory" cmp -s "$T/before" "$T/after"
rm -f "$G/data/branch.db-wal" "$G/data/branch.db-shm"
ln "$G/data/keyslots" "$G/data/keyslots.extra"
expect 78 "a file with a second name is refused too" by "$A" supervisor1 \
    student list
rm -f "$G/data/keyslots.extra"
expect 0 "without them the branch opens again" by "$A" supervisor1 \
    student list

# --- a restore drill killed midway -----------------------------------------
# User A's drill of a FIFO waits in the middle of its copy, in the data
# directory; killed there, it must stand in no one's way, user B's too.
expect 0 "user A backs up as supervisor1" by "$A" supervisor1 backup
BK=$(cat "$T/out")
runuser -u "$A" -- mkfifo "$OWN/pipe.xjb"
by "$A" supervisor1 restore-drill "$OWN/pipe.xjb" >/dev/null 2>&1 &
drill=$!
exec 5<>"$OWN/pipe.xjb"
head -c 65536 "$BK" >&5
i=0
while ! ls "$G"/data/drill-*/drill.db >/dev/null 2>&1 && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
check "the drill's copy is in the data directory" \
    test -f "$(ls "$G"/data/drill-*/drill.db 2>/dev/null)"
check "not in /tmp" sh -c "! ls /tmp | grep -q '^xueji-drill'"
check "its folder A's, in the group, 2770, for any operator to remove" \
    test "$(stat -c '%a %U %G' "$G"/data/drill-*)" = "2770 $A $GRP"
# runuser stays the parent: the process to kill is the one that has
# the copy open.
for p in /proc/[0-9]*; do
	ls -l "$p/fd" 2>/dev/null | grep -q "$G/data/drill-.*/drill.db" &&
	    kill -9 "${p#/proc/}"
done
wait "$drill" 2>/dev/null
exec 5>&-
check "killed, it left its folder" test -d "$(ls -d "$G"/data/drill-*)"
expect 0 "user B logs in after it" by "$B" reception1 student list
check "and the killed drill's folder is gone" \
    sh -c "! ls '$G/data' | grep -q '^drill-'"
expect 0 "user B drills as supervisor2" by "$B" supervisor2 restore-drill \
    "$BK"
check "leaving nothing behind" sh -c "! ls '$G/data' | grep -q '^drill-'"

# --- an export is the operator's own file ---------------------------------
expect 0 "user A exports as supervisor1" by "$A" supervisor1 export \
    --purpose 测试 "$OWN/export.csv"
check "the export is A's, in A's own group, 0600" \
    test "$(stat -c '%a %U %G' "$OWN/export.csv")" = "600 $A $A"
runuser -u "$A" -- ln -s "$G/home/$B/victim" "$OWN/link.csv"
expect 69 "an export never goes through a link" by "$A" supervisor1 \
    export --purpose 测试 "$OWN/link.csv"
check "whose target stays as it was" cmp -s "$G/home/$B/victim" "$T/victim"
expect 74 "nor reads a file of the data directory as a CSV" by "$A" \
    supervisor1 import --consent in-person --dry-run "$G/data/keyslots"

# --- backups go to the backup folder only ----------------------------------
# A copy of the database written with the group's rights where the
# operator chose would be the encrypted store in their hands.
runuser -u "$A" -- mkdir -m 700 "$OWN/usb"
expect 77 "a backup to a folder of A's own is refused" by "$A" \
    supervisor1 backup "$OWN/usb"
check "saying it goes only to the backup folder" \
    grep -q "refused: xueji runs setgid here.*only to the backup folder, $G/data/backups" \
    "$T/err"
check "with nothing written there" test -z "$(ls -A "$OWN/usb")"
expect 77 "nor to a file named there" by "$A" supervisor1 backup \
    "$OWN/usb/b.xjb"
check "nothing there either" test -z "$(ls -A "$OWN/usb")"
# A checkpoint holds no personal data: the operator's own file.
expect 0 "a checkpoint to a folder of A's own" by "$A" supervisor1 \
    checkpoint -o "$OWN/usb"
check "is A's, in A's group" test "$(stat -c '%U %G' "$OWN"/usb/*)" = "$A $A"
rm -f "$OWN"/usb/*

# The screen of backups, xueji run as user A in a terminal (tmux).  The
# tmux server is root's, as in test-tmux.sh: a user outside every group
# may not be able to open a pseudo-terminal of their own (devpts with
# ptmxmode=000), and the pane's program is what runs as user A.  The pane
# stays when xueji ends, so a failure shows what it printed.
if command -v tmux >/dev/null 2>&1; then
	SOCK=xjsg$$
	tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
	# A failure shows the screen, or why there is none.
	tap_diag() { sed 's/^/#   | /' "$T/screen" "$T/tmux-err"; }
	: >"$T/screen"
	tm new-session -d -s x -x 80 -y 24 \; set-option -g remain-on-exit on \
	    2>"$T/tmux-err"
	tm respawn-pane -k -t x "runuser -u $A -- env LANG=C.UTF-8 \
	    TERM=screen-256color $XG" 2>>"$T/tmux-err"
	keys() { tm send-keys -t x "$@" 2>>"$T/tmux-err"; }
	screen_has() {
		i=0
		while [ $i -lt 100 ]; do
			tm capture-pane -p -t x >"$T/screen" 2>>"$T/tmux-err"
			grep -qF "$1" "$T/screen" && return 0
			sleep 0.1
			i=$((i + 1))
		done
		return 1
	}
	check "user A's terminal: the login screen" screen_has "Passphrase:"
	keys supervisor1 Tab "$(cat "$T/supervisor1")" Enter
	check "the main menu" screen_has "main menu"
	keys b
	check "the screen of backups says they go to its folder only" \
	    screen_has "backups go to this folder only"
	check "and offers no folder to type (no F3 on its key bar)" \
	    sh -c "! grep -q 'Back up to' '$T/screen'"
	keys F3
	keys F2
	check "F2 still backs up to the backup folder" screen_has "Backed up:"
	check "F3 asked for no folder" \
	    sh -c "! grep -q 'The folder to back up to' '$T/screen'"
	keys C-q
	# Logging out writes a checkpoint: let it end before the server.
	i=0
	while [ $i -lt 300 ] && pgrep -u "$A" -x xueji >/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	tm kill-server 2>/dev/null
	tap_diag() { :; }
else
	skip "no tmux: the screen of backups is not shown"
fi

# --- guesses in parallel meet the back-off --------------------------------
# Eight guessers as user B at reception1's passphrase, each killed after
# 3 s, for SECS seconds.  Today's delay was a sleep after the guess, so
# that all eight guessed at once and a kill ended the wait.
SECS=45
end=$(($(date +%s) + SECS))
i=0
while [ $i -lt 8 ]; do
	(
		while [ "$(date +%s)" -lt "$end" ]; do
			timeout -s KILL 3 runuser -u "$B" -- $XG -u reception1 \
			    --passphrase-fd 3 student list 3<"$T/wrong" \
			    >/dev/null 2>&1
		done
	) &
	i=$((i + 1))
done
# Meanwhile another id is not held up by reception1's queue.
sleep 12
t0=$(date +%s)
expect 0 "another operator logs in during the guessing" by "$A" auditor1 \
    audit --limit 1
took=$(($(date +%s) - t0))
check "without waiting for reception1's back-off ($took s)" test "$took" -le 8
wait
expect 0 "the auditor reads the log after the guessing" by "$A" auditor1 \
    audit --by reception1 --action login.failed
guesses=$(grep -c 'login.failed' "$T/out")
echo "# 8 parallel guessers, killed after 3 s, for $SECS s:" \
    "$guesses guesses, $((guesses * 60 / SECS)) per minute"
check "the eight were held to the back-off (1, 2, 4, … s): at most 8" \
    test "$guesses" -ge 3 -a "$guesses" -le 8
expect 0 "reception1 still logs in with the right passphrase" \
    by "$A" reception1 student list

# --- a flood of failures, every one logged --------------------------------
FLOOD=24
XF="$G/bin/xueji -c $G/etc/flood.yaml --kdf interactive"
i=0
while [ $i -lt $FLOOD ]; do
	runuser -u "$B" -- $XF -u supervisor2 --passphrase-fd 3 student list \
	    3<"$T/wrong" >/dev/null 2>&1
	i=$((i + 1))
done
expect 0 "after $FLOOD failures the auditor reads the log" by "$A" \
    auditor1 audit --by supervisor2 --action login.failed
single=$(grep -c 'reason=wrong-passphrase' "$T/out")
counted=$(sed -n 's/.*reason=many count=\([0-9]*\).*/\1/p' "$T/out" |
    awk '{ s += $1 } END { print s + 0 }')
echo "# $single entries of one failure, $counted in summary entries"
check "each of the $FLOOD is an entry or counted in a summary" \
    test $((single + counted)) -eq "$FLOOD"
check "past the record's room they are summarised" test "$counted" -gt 0
check "the failure record stays small (a fixed size per id)" \
    test "$(stat -c %s "$G/data/login-failures")" -le 4096

expect 0 "the log still verifies" by "$A" auditor1 verify

done_testing
