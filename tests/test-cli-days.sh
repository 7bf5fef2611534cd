#!/bin/sh
# Days on the command line (issue 21): read and printed in the branch's
# local time by one parser and one printer in platform, so that a student
# enrolled at 07:30 in Shanghai is listed on that day and found by
# --since that day, not the one before as when days were printed in UTC;
# days that do not exist and ids that are not numbers are refused.
# Prints one "ok - …" or "not ok - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
export TZ=Asia/Shanghai
# 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai.
export XUEJI_NOW=2026-03-01T23:30:00

branch_config
passphrases supervisor1 reception1 auditor1
expect 0 "init" as supervisor1 init
for id in reception1 auditor1; do
	expect 0 "add $id" $X -u supervisor1 --passphrase-fd 3 \
		--new-passphrase-fd 4 operator add "$id" 3<"$T/supervisor1" \
		4<"$T/$id"
	expect 0 "$id chooses their own passphrase" own "$id"
done
expect 0 "enrol at 07:30 in Shanghai" as reception1 student add \
	name=王小红 birth_month=2016-04 guardian_name=王建国 \
	guardian_phone=13812340000 --consent in-person
NO=$(cat "$T/out")

expect 0 "status list" as supervisor1 status list
check "lists the enrolment on the day it was in Shanghai" \
	grep -q "^$NO	active	2026-03-02	2026-03-02	" "$T/out"
expect 0 "status list in UTC" env TZ=UTC $X -u supervisor1 \
	--passphrase-fd 3 status list 3<"$T/supervisor1"
check "lists it on the day it was in UTC" \
	grep -q "^$NO	active	2026-03-01	2026-03-01	" "$T/out"

expect 0 "audit --since the day it was listed on" as auditor1 audit \
	--since 2026-03-02 --until 2026-03-02
check "finds the enrolment" grep -q "	$NO	" "$T/out"
expect 0 "audit --until the day before" as auditor1 audit \
	--until 2026-03-01
check "does not" sh -c "! grep -q '	$NO	' '$T/out'"

for d in 2026-13-45 2026-02-29 2026-04-31 2026-03-02x 26-03-02 ""; do
	expect 64 "--since \"$d\" is refused" as auditor1 audit --since "$d"
	check "saying it is not a date" grep -q 'is not a date' "$T/err"
done
for id in 0 00 12x " 1" 0x10 +1; do
	expect 64 "request id \"$id\" is refused" as supervisor1 change \
		show "$id"
	check "saying it is not a request id" \
		grep -q 'is not a request id' "$T/err"
done

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
