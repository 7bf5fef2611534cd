#!/bin/sh
# What xueji sends to syslog(3): logins, failed logins and operator and key
# changes, under LOG_AUTHPRIV, naming operator ids and actions and never a
# child's name, a phone number or a passphrase.
#
# A test machine may have no syslog daemon (no /dev/log), and the test must
# not touch the real one, so the messages are caught on their way out:
# strace makes connect(2) report success without connecting (-e inject)
# and prints the datagram that send(2) then tries to deliver.  Without
# strace, or where ptrace is not allowed, every check is skipped.  The
# idle lock of the terminal interface is not covered here.
# Prints one "ok N - …" or "not ok N - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
# A failure shows what was sent to syslog, then stderr.
tap_diag() {
	[ -s "$T/sent" ] && sed 's/^/#   sent: /' "$T/sent"
	[ -s "$T/err" ] && sed 's/^/#   stderr: /' "$T/err"
	return 0
}

if ! command -v strace >/dev/null 2>&1; then
	skip "strace is not installed"
	exit 0
fi
if ! strace -qq -o /dev/null -e trace=connect -e inject=connect:retval=0 \
    true 2>/dev/null; then
	skip "strace cannot trace here (ptrace not permitted, or too old)"
	exit 0
fi

# LeakSanitizer cannot run under ptrace; the ASan build's other checks can.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS

branch_config
passphrases supervisor1 reception1
printf 'wrong-passphrase-1\n' >"$T/wrong"

# traced EXPECTED-EXIT DESCRIPTION COMMAND...: run the command under strace;
# what it sent to syslog goes to $T/sent, one message a line.
traced() {
	want=$1; desc=$2; shift 2
	strace -f -qq -s 1024 -o "$T/trace" -e trace=connect,sendto \
	    -e inject=connect:retval=0 "$@" >"$T/out" 2>"$T/err"
	got=$?
	# sendto(5, "<84>Nov 25 00:48:36 xueji[17769]: login failed: ...",
	# strace writes bytes outside ASCII as \ooo: back to UTF-8 (%b
	# wants \0ooo), so that a name in a message would be found.  Each
	# message is tried twice (datagram, then stream): keep one.
	sed -n 's/.*sendto([0-9]*, "\(<[0-9]*>[^"]*\)".*/\1/p' "$T/trace" |
	    sed 's/^\(<[0-9]*>\)[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* /\1/' |
	    while IFS= read -r line; do
		printf '%b\n' "$(printf '%s' "$line" |
		    sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')"
	    done | uniq >"$T/sent"
	if [ "$got" -eq "$want" ]; then ok "$desc"; else
		not_ok "$desc (exit $got, wanted $want)"; fi
}
# sent PATTERN: a message matching the extended regular expression.
sent() {
	grep -Eq "$1" "$T/sent"
}

$X -u supervisor1 --passphrase-fd 3 init 3<"$T/supervisor1" \
    >"$T/out" 2>"$T/err" || not_ok "xueji init"

# LOG_AUTHPRIV is facility 10: priorities 80 to 87; warning 84, notice 85,
# info 86.
traced 77 "a wrong passphrase exits 77" \
    $X -u supervisor1 --passphrase-fd 3 student list 3<"$T/wrong"
check "and says so to syslog, as a warning under LOG_AUTHPRIV" \
    sent '^<84>xueji\[[0-9]+\]: login failed: operator=supervisor1 reason=wrong-passphrase failures=1$'

traced 77 "an unknown id exits 77" \
    $X -u 张三丰 --passphrase-fd 3 student list 3<"$T/wrong"
check "syslog gets ? for the id, never what was typed" \
    sent '^<84>xueji\[[0-9]+\]: login failed: operator=\? reason=unknown-operator'
check "no 张三丰 in it" sh -c "! grep -q 张三丰 '$T/sent'"

traced 0 "a good login" \
    $X -u supervisor1 --passphrase-fd 3 student list 3<"$T/supervisor1"
check "is logged in and out" sh -c \
    "grep -Eq '^<86>xueji\[[0-9]+\]: login: operator=supervisor1\$' '$T/sent' &&
     grep -Eq '^<86>xueji\[[0-9]+\]: logout: operator=supervisor1\$' '$T/sent'"

traced 0 "operator add" $X -u supervisor1 --passphrase-fd 3 \
    --new-passphrase-fd 4 operator add reception1 3<"$T/supervisor1" \
    4<"$T/reception1"
check "is a notice naming both ids" \
    sent '^<85>xueji\[[0-9]+\]: operator.add: operator=reception1 by=supervisor1$'

printf 'new-pass-reception1\n' >"$T/reception1.new"
traced 0 "operator passwd" $X -u reception1 --passphrase-fd 3 \
    --new-passphrase-fd 4 operator passwd reception1 3<"$T/reception1" \
    4<"$T/reception1.new"
check "is a notice, without the passphrase" sh -c \
    "grep -Eq '^<85>xueji\[[0-9]+\]: operator.passwd: operator=reception1 by=reception1\$' '$T/sent' &&
     ! grep -q 'pass-reception1' '$T/sent'"
check "its login, the first since supervisor1 set it, is a notice saying so" \
    sent '^<85>xueji\[[0-9]+\]: login: operator=reception1 first-login set-by=supervisor1$'

traced 0 "an enrolment" sh -c "printf '%s\n' name=欧阳娜娜 \
    birth_month=2019-05 guardian_name=欧阳明 guardian_phone=13900001234 |
    $X -u reception1 --passphrase-fd 3 student add --stdin \
    --consent in-person 3<'$T/reception1.new'"
check "sends only the login and logout" sh -c \
    "[ \$(wc -l <'$T/sent') -eq 2 ] && ! grep -Eq '欧阳|1390000|2019' '$T/sent'"

traced 0 "operator rotate-key" $X -u supervisor1 --passphrase-fd 3 \
    operator rotate-key 3<"$T/supervisor1"
check "is a notice" \
    sent '^<85>xueji\[[0-9]+\]: operator.rotate-key: by=supervisor1$'

traced 0 "operator remove" $X -u supervisor1 --passphrase-fd 3 \
    operator remove reception1 3<"$T/supervisor1"
check "is a notice, and so is the key rotation it brings" sh -c \
    "grep -Eq '^<85>xueji\[[0-9]+\]: operator.remove: operator=reception1 by=supervisor1\$' '$T/sent' &&
     grep -Eq '^<85>xueji\[[0-9]+\]: operator.rotate-key: by=supervisor1\$' '$T/sent'"

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
