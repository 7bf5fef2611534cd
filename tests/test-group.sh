#!/bin/sh
# Issue 10: the data directory shared by a group (xueji(7), DEPLOYMENT):
# operators who are separate Unix users in one group, each running xueji as
# themselves.  Two throwaway users of a throwaway group create a branch,
# enrol, read each other's writes, fail a login, back up, drill, rotate
# the key; every file in the directory is then 0660 in that group with
# nothing for others, and a third user outside the group gets nothing.
# A world-open directory is refused, and one without the setgid bit
# keeps files 0600.  Needs root (useradd, runuser): otherwise skipped.
# Prints one "ok N - …" or "not ok N - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"

done_testing() {
	echo "$((n - bad)) passed, $bad failed"
	[ "$bad" -eq 0 ]
	exit
}
if [ "$(id -u)" -ne 0 ]; then
	skip "not root"
	done_testing
fi
for c in useradd userdel groupadd groupdel runuser; do
	if ! command -v "$c" >/dev/null 2>&1; then
		skip "no $c"
		done_testing
	fi
done

# Names of at most 32 characters, unlikely to be taken.
GRP=xjtg$$
A=xjta$$
B=xjtb$$
C=xjtc$$
# Not under $TMPDIR: the test runner's is private to root.
G=$(mktemp -d /tmp/xueji-group.XXXXXX)
cleanup() {
	for u in "$A" "$B" "$C"; do
		userdel "$u" 2>/dev/null
		groupdel "$u" 2>/dev/null
	done
	groupdel "$GRP" 2>/dev/null
	rm -rf "$T" "$G"
}
trap cleanup EXIT

if ! groupadd "$GRP" 2>"$T/err" ||
    ! useradd -M -U -s /usr/sbin/nologin -G "$GRP" "$A" 2>>"$T/err" ||
    ! useradd -M -U -s /usr/sbin/nologin -G "$GRP" "$B" 2>>"$T/err" ||
    ! useradd -M -U -s /usr/sbin/nologin "$C" 2>>"$T/err"; then
	skip "cannot create users and groups here: $(head -1 "$T/err")"
	done_testing
fi

# Everything the users need, readable by them, owned by root, as
# installed: the binary (the tree may sit where they cannot reach it),
# the forms, the configuration.
chmod 755 "$G"
mkdir -m 755 "$G/bin" "$G/etc" "$G/forms"
# The drill's private copies: the runner's TMPDIR is root's alone.
mkdir -m 1777 "$G/tmp"
TMPDIR=$G/tmp
export TMPDIR
cp "$XUEJI" "$G/bin/xueji"
chmod 755 "$G/bin/xueji"
cp "$FORMS"/*.yaml "$G/forms/"
cp config/roles.yaml "$G/etc/roles.yaml"
conf() {
	printf 'branch:\n  code: SH01\n  name: 测试校区\n'
	printf 'data_dir: %s\nroles_file: roles.yaml\nforms_dir: %s\n' \
	    "$1" "$G/forms"
}
conf "$G/data" >"$G/etc/xueji.yaml"
conf "$G/private" >"$G/etc/private.yaml"
chmod 644 "$G"/etc/* "$G"/forms/*
passphrases supervisor1 supervisor2 reception1

# The data directory as xueji(7) sets it up.
mkdir "$G/data"
chgrp "$GRP" "$G/data"
chmod 2770 "$G/data"

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
# mode PATH: octal mode, then owner and group.
mode() { stat -c '%a %U %G' "$1"; }

# --- two operators, two Unix users ------------------------------------
expect 0 "user A creates the branch as supervisor1" by "$A" supervisor1 init
expect 0 "and adds supervisor2, user B's operator" runuser -u "$A" -- \
    $XG -u supervisor1 --passphrase-fd 3 --new-passphrase-fd 4 \
    operator add supervisor2 3<"$T/supervisor1" 4<"$T/supervisor2"
check "the database is 0660, A's, in the group" \
    test "$(mode "$G/data/branch.db")" = "660 $A $GRP"
check "the key slots too" \
    test "$(mode "$G/data/keyslots")" = "660 $A $GRP"
expect 0 "supervisor2 chooses their own passphrase as user B" \
    own supervisor2 runuser -u "$B" -- $XG
expect 0 "user B enrols" by "$B" supervisor2 student add name=欧阳娜娜 \
    birth_month=2018-03 guardian_name=欧阳明 guardian_phone=13812345678 \
    --consent in-person
NO=$(cat "$T/out")
expect 0 "user A finds what B enrolled" by "$A" supervisor1 student show "$NO"
check "with the name" grep -q 欧阳娜娜 "$T/out"
expect 0 "user B changes it (a request) after A's session" \
    by "$B" supervisor2 change request "$NO" name=欧阳娜 --reason 笔误 \
    --evidence 户口本
expect 77 "a wrong passphrase for B" runuser -u "$B" -- $XG -u supervisor2 \
    --passphrase-fd 3 student list 3<"$T/supervisor1"
check "is recorded in a file B could write, 0660 in the group" \
    test "$(stat -c '%a %G' "$G/data/login-failures")" = "660 $GRP"
expect 0 "user A logs in after it" by "$A" supervisor1 student list
check "and the record stays, a fixed size per id" \
    test "$(($(stat -c %s "$G/data/login-failures") % 512))" = 0
expect 0 "user B backs up to the default folder" by "$B" supervisor2 backup
BK=$(ls "$G"/data/backups/*.xjb 2>/dev/null | head -1)
check "the folder of backups is 2770 in the group" \
    test "$(stat -c '%a %G' "$G/data/backups")" = "2770 $GRP"
check "the backup is 0660, B's, in the group" \
    test "$(mode "$BK")" = "660 $B $GRP"
expect 0 "user A drills B's backup" by "$A" supervisor1 restore-drill "$BK"
expect 0 "user A adds reception1" runuser -u "$A" -- \
    $XG -u supervisor1 --passphrase-fd 3 --new-passphrase-fd 4 \
    operator add reception1 3<"$T/supervisor1" 4<"$T/reception1"
expect 0 "user B removes reception1, rotating the key" \
    by "$B" supervisor2 operator remove reception1
check "the key slots are now B's, still 0660 in the group" \
    test "$(mode "$G/data/keyslots")" = "660 $B $GRP"
expect 0 "user A logs in under the new key" by "$A" supervisor1 verify

# --- what the directory holds ------------------------------------------
# A failure below shows the listing.
ls -la "$G/data" "$G/data/backups" >"$T/err" 2>&1
check "every file is in the group" \
    test -z "$(find "$G/data" ! -group "$GRP")"
check "every file is 0660" \
    test -z "$(find "$G/data" -type f ! -perm 660)"
check "no file or folder gives others anything" \
    test -z "$(find "$G/data" -perm /007)"
check "user C, outside the group, cannot read the database" \
    sh -c "! runuser -u '$C' -- cat '$G/data/branch.db' >/dev/null 2>&1"
expect 74 "nor open the branch as an operator" by "$C" supervisor1 \
    student list
check "and is told the directory is not theirs" \
    grep -q 'Permission denied' "$T/err"

# --- a directory open to others, one without the setgid bit ------------
chmod o+x "$G/data"
expect 78 "a data directory others may enter is refused" \
    by "$A" supervisor1 student list
check "saying how to close it" grep -q 'chmod o-rwx' "$T/err"
chmod o-x "$G/data"
mkdir "$G/private"
chgrp "$GRP" "$G/private"
chmod 770 "$G/private"
expect 0 "without the setgid bit a branch is private to its creator" \
    runuser -u "$A" -- "$G/bin/xueji" -c "$G/etc/private.yaml" \
    --kdf interactive -u supervisor1 --passphrase-fd 3 init \
    3<"$T/supervisor1"
check "its database is 0600" \
    test "$(stat -c %a "$G/private/branch.db")" = 600
check "its key slots too" \
    test "$(stat -c %a "$G/private/keyslots")" = 600

done_testing
