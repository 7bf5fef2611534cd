#!/bin/sh
# Leak scans (issue 8): a scripted day at the command line with marker
# names and phones — enrol, find, show, a change request, its approval,
# an export to a file then deleted — after which no marker is in any
# byte of the data directory, on stderr of any command, in any file a
# command opened for writing outside the data directory and the test's
# own files (strace: none may be opened, and no SQLite temp file
# etilqs_* ever), nor in what a command sent to syslog.
# Prints one "ok - …" or "not ok - …" line per check (TAP style), and
# the FIGURES line `make reliability` collects.
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
leaks=0

# The markers: nothing else in a test branch looks like them.
NAME=Zqxmarker
NEWNAME=Zqxrenamed
GUARDIAN=Vjqguardian
PHONE=13987654321

branch_config
passphrases supervisor1 reception1
: >"$T/allerr"

if command -v strace >/dev/null 2>&1; then
	STRACE=yes
else
	STRACE=
	echo "# strace is not installed: the open-for-writing checks are skipped"
fi
k=0
# run WANT DESC ID ARGS...: xueji as ID, under strace when there is one.
run() {
	want=$1; desc=$2; id=$3; shift 3
	k=$((k + 1))
	if [ -n "$STRACE" ]; then
		# LeakSanitizer cannot run under ptrace (make ASAN=1 test).
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -s 4096 -o "$T/strace.$k" -e trace=open,openat,creat,rename,renameat,renameat2,link,sendto,sendmsg \
		    $X -u "$id" --passphrase-fd 3 "$@" 3<"$T/$id" \
		    >"$T/out" 2>"$T/err"
	else
		$X -u "$id" --passphrase-fd 3 "$@" 3<"$T/$id" \
		    >"$T/out" 2>"$T/err"
	fi
	got=$?
	cat "$T/err" >>"$T/allerr"
	if [ "$got" -eq "$want" ]; then ok "$desc"; else
		not_ok "$desc (exit $got, wanted $want)"; fi
}

# --- the day --------------------------------------------------------------
run 0 "supervisor1 creates the branch" supervisor1 init
k=$((k + 1))
$X -u supervisor1 --passphrase-fd 3 --new-passphrase-fd 4 operator add \
	reception1 3<"$T/supervisor1" 4<"$T/reception1" >"$T/out" 2>"$T/err"
check "and adds reception1" test $? -eq 0
cat "$T/err" >>"$T/allerr"
own reception1 >"$T/out" 2>"$T/err"
check "who chooses their own passphrase" test $? -eq 0
cat "$T/err" >>"$T/allerr"
run 0 "reception1 enrols the marker student" reception1 student add \
	name=$NAME birth_month=2016-04 guardian_name=$GUARDIAN \
	guardian_phone=$PHONE --consent in-person
NO=$(cat "$T/out")
run 0 "finds them by name" reception1 student find $NAME
check "(the name is on stdout, where it belongs)" grep -q $NAME "$T/out"
run 0 "by phone tail" reception1 student find 4321
run 0 "shows the record" supervisor1 student show "$NO"
check "(with the whole phone for a supervisor)" grep -q $PHONE "$T/out"
run 0 "files a name change" reception1 change request "$NO" \
	name=$NEWNAME --reason 登记时笔误 --evidence 户口本
RID=$(cat "$T/out")
run 0 "supervisor1 approves it" supervisor1 change approve "$RID"
run 0 "supervisor1 exports the list" supervisor1 export --purpose 家长会 \
	"$T/export.csv"
check "(the export holds the marker)" grep -q $NEWNAME "$T/export.csv"
rm -f "$T/export.csv"
run 0 "a verification ends the day" supervisor1 verify

# --- the scans --------------------------------------------------------------
for m in $NAME $NEWNAME $GUARDIAN $PHONE; do
	if grep -rqa -- "$m" "$T/data"; then
		not_ok "no $m in any byte of the data directory ($(grep -rla \
		    -- "$m" "$T/data" | tr '\n' ' '))"
		leaks=$((leaks + 1))
	else
		ok "no $m in any byte of the data directory"
	fi
	if grep -qa -- "$m" "$T/allerr"; then
		not_ok "no $m on the stderr of any command"
		leaks=$((leaks + 1))
	else
		ok "no $m on the stderr of any command"
	fi
done
check "the data directory holds no file left behind" sh -c \
	"! find '$T/data' -name '*.tmp' -o -name 'etilqs_*' | grep -q ."

if [ -n "$STRACE" ]; then
	cat "$T"/strace.* >"$T/strace"
	# Every file opened for writing: only under $T, or a device.
	grep -E '(open|openat|creat)\(' "$T/strace" |
	    grep -E 'O_WRONLY|O_RDWR|O_CREAT|creat\(' |
	    grep -v ' = -1 ' |
	    sed -n 's/^[^"]*"\([^"]*\)".*/\1/p' | sort -u >"$T/written"
	check "strace saw the database opened for writing" \
	    grep -qx "$T/data/branch.db" "$T/written"
	grep -v -e "^$T/" -e '^/dev/null$' -e '^/dev/tty$' "$T/written" \
	    >"$T/outside"
	if [ -s "$T/outside" ]; then
		not_ok "no file opened for writing outside the test's folder"
		sed 's/^/#   /' "$T/outside"
		leaks=$((leaks + 1))
	else
		ok "no file opened for writing outside the test's folder ($(wc -l \
		    <"$T/written") paths, all inside)"
	fi
	if grep -q 'etilqs_' "$T/strace"; then
		not_ok "no SQLite temp file (etilqs_*) was opened"
		grep 'etilqs_' "$T/strace" | head -3 | sed 's/^/#   /'
		leaks=$((leaks + 1))
	else
		ok "no SQLite temp file (etilqs_*) was opened"
	fi
	# syslog goes out by sendto/sendmsg on /dev/log: no marker in it.
	if grep -E '(sendto|sendmsg)\(' "$T/strace" |
	    grep -q -e $NAME -e $NEWNAME -e $GUARDIAN -e $PHONE; then
		not_ok "no marker in what went to syslog"
		leaks=$((leaks + 1))
	else
		ok "no marker in what went to syslog ($(grep -cE \
		    '(sendto|sendmsg)\(' "$T/strace") messages)"
	fi
fi

echo "FIGURES leaks runs=$k ops=$k lost=0 corrupt=0 crashes=0 leaks=$leaks"
echo "# $n checks, $bad failed"
[ "$bad" -eq 0 ]
