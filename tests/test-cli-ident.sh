#!/bin/sh
# One person, two identities (issue 16), on the command line.  A slot
# someone else set does nothing but change its passphrase; adding or
# removing a supervisor takes a second supervisor's agreement (--agree),
# alone only while nobody else could agree; each logged with who agreed.
# Prints one "ok - …" or "not ok - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"

branch_config
printf '  - id: supervisor3\n    name: 孙丽\n    role: supervisor\n' \
	>>"$T/etc/roles.yaml"
passphrases supervisor1 supervisor2 supervisor3 reception2 auditor1
expect 0 "init" as supervisor1 init
# supervisor1 -u ... operator add ID: the newcomer's passphrase on fd 4.
add() {
	id=$1; shift
	$X -u supervisor1 --passphrase-fd 3 --new-passphrase-fd 4 operator \
	    add "$@" "$id" 3<"$T/supervisor1" 4<"$T/$id"
}

# --- the first supervisors come alone ----------------------------------
expect 0 "supervisor1 adds supervisor2 alone: nobody else could agree" \
	add supervisor2
expect 0 "and auditor1" add auditor1

# --- the newcomer's first login ----------------------------------------
expect 77 "supervisor2 can do nothing with the passphrase supervisor1 set" \
	as supervisor2 queue
check "but is told who set it and what to run" sh -c \
	"grep -q '陈静 (supervisor1) set your passphrase' '$T/err' &&
	 grep -q '^  xueji -u supervisor2 operator passwd supervisor2\$' '$T/err'"
expect 0 "supervisor2 chooses their own" own supervisor2
expect 0 "and works" as supervisor2 queue
expect 0 "auditor1 too" own auditor1

# --- a third supervisor needs the second's agreement --------------------
expect 77 "supervisor1 cannot add supervisor3 alone" add supervisor3
check "asking for a second supervisor" grep -q \
	'supervisor3 manages operators too: a second supervisor must agree' \
	"$T/err"
cat "$T/supervisor1" "$T/supervisor3" >"$T/self"
expect 77 "nor with the newcomer agreeing" $X -u supervisor1 \
	--passphrase-fd 3 --new-passphrase-fd 4 operator add \
	--agree supervisor3 supervisor3 3<"$T/self" 4<"$T/supervisor3"
printf 'not-theirs-at-all\n' >"$T/wrong"
cat "$T/supervisor1" "$T/wrong" >"$T/bad"
expect 77 "nor with a wrong passphrase of supervisor2" $X -u supervisor1 \
	--passphrase-fd 3 --new-passphrase-fd 4 operator add \
	--agree supervisor2 supervisor3 3<"$T/bad" 4<"$T/supervisor3"
check "said so" grep -q 'wrong passphrase for supervisor2' "$T/err"
expect 0 "nobody got a slot" $X operator list
check "supervisor3 has none" grep -q '^supervisor3	supervisor	no-slot' \
	"$T/out"
cat "$T/supervisor1" "$T/supervisor2" >"$T/two"
expect 0 "with supervisor2 agreeing, it is done" $X -u supervisor1 \
	--passphrase-fd 3 --new-passphrase-fd 4 operator add \
	--agree supervisor2 supervisor3 3<"$T/two" 4<"$T/supervisor3"
expect 0 "supervisor3 chooses their own" own supervisor3

# --- a receptionist needs nobody ----------------------------------------
expect 0 "supervisor1 adds reception2 alone" add reception2
expect 77 "reception2 files nothing with that passphrase" as reception2 \
	student list

# --- removing a supervisor ---------------------------------------------
expect 77 "supervisor1 cannot remove supervisor3 alone" as supervisor1 \
	operator remove supervisor3
cat "$T/supervisor1" "$T/supervisor3" >"$T/self"
expect 0 "supervisor3 may agree to their own removal" $X -u supervisor1 \
	--passphrase-fd 3 operator remove --agree supervisor3 supervisor3 \
	3<"$T/self"
expect 0 "a receptionist's removal needs nobody" as supervisor1 operator \
	remove reception2

# --- the log --------------------------------------------------------------
expect 0 "the log" as auditor1 audit
check "names who agreed to adding supervisor3" grep -q \
	"	supervisor1	operator.add	supervisor3		agreed=supervisor2\$" \
	"$T/out"
check "and to removing them" grep -q \
	"	supervisor1	operator.remove	supervisor3		agreed=supervisor3\$" \
	"$T/out"
check "no one agreed for supervisor2, the first" grep -q \
	"	supervisor1	operator.add	supervisor2		\$" "$T/out"
check "first-login changes say whose passphrase they replaced" grep -q \
	"	supervisor2	operator.passwd	supervisor2		rule=first-login set-by=supervisor1\$" \
	"$T/out"
expect 0 "verify" as auditor1 verify

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
