# Helpers of the shell tests, sourced first thing by each tests/test-*.sh:
#
#	. "$(dirname "$0")/lib/tap.sh"
#
# It sets XUEJI (the binary, as an absolute path), FORMS, T (a scratch
# folder of this run, removed at exit: a script that sets its own EXIT
# trap removes it there too) and the counters n and bad, and defines
#
#   ok, not_ok, skip, check, expect   one TAP line per check;
#   branch_config, passphrases, own, as, as_at, is_id   driving a test
#                                                   branch.
#
# tests/run-tests counts the lines starting "ok " and "not ok "; each
# script ends with its own summary line and exit status.
# xueji — GPL-3.0-or-later.
set -u
XUEJI=${XUEJI:-./xueji}
case $XUEJI in /*) ;; *) XUEJI=$PWD/$XUEJI ;; esac
FORMS=$PWD/forms
T=$(mktemp -d "${TMPDIR:-/tmp}/xueji-$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
bad=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
# not_ok DESCRIPTION: a failed check, followed by what tap_diag shows.
not_ok() {
	n=$((n + 1)); bad=$((bad + 1))
	echo "not ok $n - $1"
	tap_diag
	return 0
}
# What a failure shows: the last command's stderr, as "#" lines.  A
# script that has more to show redefines it.
tap_diag() {
	[ -s "$T/err" ] && sed 's/^/#   stderr: /' "$T/err"
	return 0
}
# skip REASON: a check that cannot run here; it counts as passed.
skip() {
	n=$((n + 1))
	echo "ok $n - # SKIP $1"
}
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# expect CODE DESCRIPTION COMMAND...: run it, stdout to $T/out, stderr to
# $T/err (and appended to $T/allerr, every stderr of the run), and check
# the exit status.
expect() {
	want=$1; desc=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	cat "$T/err" >>"$T/allerr"
	if [ "$got" -eq "$want" ]; then ok "$desc"; else
		not_ok "$desc (exit $got, wanted $want)"; fi
}

# branch_config [YAML]: the configuration of a test branch SH01 in
# $T/etc: the shipped roles, the data in $T/data, the forms of this tree,
# then the lines YAML.  X is the binary with it and a fast key derivation.
branch_config() {
	mkdir -m 700 "$T/etc"
	cp config/roles.yaml "$T/etc/roles.yaml"
	chmod 600 "$T/etc/roles.yaml"
	{
		printf 'branch:\n  code: SH01\n  name: 测试校区\n'
		printf 'data_dir: %s\nroles_file: roles.yaml\nforms_dir: %s\n' \
		    "$T/data" "$FORMS"
		[ -z "${1:-}" ] || printf '%s\n' "$1"
	} >"$T/etc/xueji.yaml"
	chmod 600 "$T/etc/xueji.yaml"
	X="$XUEJI -c $T/etc/xueji.yaml --kdf interactive"
}
# passphrases ID...: the file $T/ID holding the passphrase "pass-ID".
passphrases() {
	for id; do printf 'pass-%s\n' "$id" >"$T/$id"; done
}
# own ID [XUEJI...]: the first login of ID after someone else set their
# passphrase (operator add, a reset): they choose their own, "own-ID",
# which $T/ID holds from then on; every other command is refused until
# they have.  XUEJI... runs xueji instead of $X (runuser -u A -- $XG).
own() {
	id=$1; shift
	[ $# -gt 0 ] || set -- $X
	printf 'own-%s\n' "$id" >"$T/$id.own"
	"$@" -u "$id" --passphrase-fd 3 --new-passphrase-fd 4 operator \
	    passwd "$id" 3<"$T/$id" 4<"$T/$id.own" && mv "$T/$id.own" "$T/$id"
}
# as ID ARGS...: xueji as operator ID, the passphrase read from fd 3.
as() { id=$1; shift; $X -u "$id" --passphrase-fd 3 "$@" 3<"$T/$id"; }
# as_at TIME ID ARGS...: as, with the clock at TIME.
as_at() { at=$1; id=$2; shift 2; env XUEJI_NOW="$at" $X -u "$id" \
	--passphrase-fd 3 "$@" 3<"$T/$id"; }
# An id alone on stdout.
is_id() { grep -qx '[1-9][0-9]*' "$T/out"; }
# args_wiped PID SHOWN HIDDEN: wait (10 s at most) until the arguments of
# the running PID show the basic regexp SHOWN, then succeed if they hold
# no match of HIDDEN.  The process should wait on a FIFO meanwhile.
args_wiped() {
	_i=0
	until tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "$2" &&
	    ! tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "$3" ||
	    [ $_i -ge 200 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "$2" &&
	    ! tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "$3"
}
