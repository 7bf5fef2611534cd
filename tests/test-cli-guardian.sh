#!/bin/sh
# The register of guardians' requests on the command line (issue 7):
# xueji request add|link|close|list|show|access-file, overdue requests in
# the approval queue, corrections and deletions closed by the decision of
# the request carrying them out, the access file, and that what a
# guardian said reaches neither stderr, the audit log nor the data
# directory in the clear.
# Prints one "ok - …" or "not ok - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
# Days are the branch's local days; pin them, and the clock.
export TZ=UTC
export XUEJI_NOW=2026-01-10T09:00:00

branch_config
passphrases supervisor1 supervisor2 reception1 reception2 auditor1
# Nothing of what guardians said on stderr.
quiet_err() { ! grep -q -e 家长 -e 已电话 -e 投诉 "$T/err"; }

# --- a branch with three students ---------------------------------------
expect 0 "init" as supervisor1 init
for id in reception1 supervisor2 auditor1; do
	expect 0 "add $id" $X -u supervisor1 --passphrase-fd 3 \
		--new-passphrase-fd 4 operator add "$id" 3<"$T/supervisor1" \
		4<"$T/$id"
	expect 0 "$id chooses their own passphrase" own "$id"
done
expect 0 "enrol 王小红" as reception1 student add name=王小红 \
	birth_month=2016-04 guardian_name=王建国 guardian_phone=13812340000 \
	--consent in-person
NO=$(cat "$T/out")
expect 0 "enrol 李小明" as reception1 student add name=李小明 \
	birth_month=2017-06 guardian_name=李大伟 guardian_phone=13987650000 \
	--consent in-person
NO2=$(cat "$T/out")
expect 0 "enrol 赵小刚" as reception1 student add name=赵小刚 \
	birth_month=2015-02 guardian_name=赵大刚 guardian_phone=13700001234 \
	--consent in-person
NO3=$(cat "$T/out")

# --- add ------------------------------------------------------------------
expect 0 "register a correction" as reception1 request add \
	--kind correction --student "$NO" --channel phone \
	--summary 家长来电要求更正姓名
check "the id alone on stdout" is_id
G1=$(cat "$T/out")
expect 64 "--summary is required" as reception1 request add \
	--kind access --student "$NO" --channel phone
expect 64 "an unknown kind" as reception1 request add --kind praise \
	--student "$NO" --channel phone --summary 家长表扬
expect 64 "an unknown channel" as reception1 request add --kind access \
	--student "$NO" --channel pigeon --summary 家长查阅
expect 64 "a bad date" as reception1 request add --kind access \
	--student "$NO" --channel phone --received 10/01/2026 --summary 家长查阅
expect 65 "received in the future" as reception1 request add \
	--kind access --student "$NO" --channel phone --received 2026-02-01 \
	--summary 家长查阅
check "without repeating the summary" quiet_err
expect 66 "no such student" as reception1 request add --kind access \
	--student SH01-2026-99999 --channel phone --summary 家长查阅
expect 77 "an auditor cannot register one" as auditor1 request add \
	--kind access --student "$NO" --channel phone --summary 家长查阅
expect 0 "an old complaint, received by letter" as reception1 request add \
	--kind complaint --student "$NO3" --channel letter \
	--received 2025-12-01 --summary 投诉前台泄露电话
G2=$(cat "$T/out")

# --- list and the queue ----------------------------------------------------
expect 0 "list the open ones" as reception1 request list
check "oldest first, tab-separated" sh -c "head -1 $T/out | grep -qx \
'$G2	complaint	$NO3	letter	2025-12-01	2025-12-16	open			OVERDUE'"
check "then the correction, due in 15 days" grep -qx \
"$G1	correction	$NO	phone	2026-01-10	2026-01-25	open			" "$T/out"
check "and nothing of what was said" sh -c "! grep -q -e 家长 -e 投诉 $T/out"
expect 0 "list --overdue" as reception1 request list --overdue
check "only the complaint" test "$(cut -f1 "$T/out")" = "$G2"
# Issue 17: who saw a child includes the register's lists that named them.
expect 0 "who saw the complaint's student" as auditor1 audit --student "$NO3"
check "both lists that named them" test "$(grep -c \
	'	reception1	guardian.request.list	.*	list=\(open\|overdue\) ' \
	"$T/out")" -eq 2
expect 0 "who saw the correction's student" as auditor1 audit --student "$NO"
check "only the open list: not on the overdue one" test "$(grep -c \
	'	reception1	guardian.request.list		' "$T/out")" -eq 1
expect 0 "who saw the third" as auditor1 audit --student "$NO2"
check "no list named them" sh -c "! grep -q guardian.request.list $T/out"
expect 64 "one list at a time" as reception1 request list --open --all
expect 0 "the supervisor's queue" as supervisor1 queue
check "shows the overdue guardian's request after the pending ones" \
	grep -qx "$G2	guardian	$NO3	reception1	40d 9h	OVERDUE" "$T/out"
check "but not the one still in time" sh -c "! grep -q '^$G1	guardian' $T/out"
expect 0 "a month on, both are overdue" as_at 2026-02-10T09:00:00 \
	supervisor1 queue
check "two guardian lines" test "$(grep -c '	guardian	' "$T/out")" -eq 2
expect 0 "show" as reception1 request show "$G2"
check "with the summary" grep -qx 'summary	投诉前台泄露电话' "$T/out"
check "and the due day, overdue" grep -qx 'due	2025-12-16	OVERDUE' "$T/out"
expect 66 "show: no such request" as reception1 request show 99
expect 64 "show: not an id" as reception1 request show abc
expect 0 "close the complaint" as reception1 request close "$G2" \
	--response 已电话道歉并培训前台
expect 75 "only once" as reception1 request close "$G2" --response 再次答复
expect 64 "close needs --response" as reception1 request close "$G2"

# --- a correction closes with its change request ---------------------------
expect 0 "file the change" as reception1 change request "$NO" name=王晓红 \
	--reason 户口本核对 --evidence 户口本
R1=$(cat "$T/out")
expect 64 "link needs --to" as reception1 request link "$G1"
expect 0 "link the correction to it" as reception1 request link "$G1" \
	--to "$R1"
expect 75 "no closing while the change is pending" as reception1 request \
	close "$G1" --response 已电话告知
check "saying it closes by itself" grep -q 'pending' "$T/err"
expect 0 "supervisor1 approves the change" as supervisor1 change approve "$R1"
expect 0 "show" as reception1 request show "$G1"
check "closed" grep -qx 'state	closed' "$T/out"
check "as approved" grep -qx 'outcome	approved' "$T/out"
check "by the decider" grep -qx 'closed_by	supervisor1' "$T/out"
check "with no response yet" grep -qx 'response	' "$T/out"
expect 0 "list --all" as reception1 request list --all
check "marks it unanswered" grep -qx \
"$G1	correction	$NO	phone	2026-01-10	2026-01-25	closed	approved	$R1	unanswered" \
	"$T/out"
expect 0 "record the response" as reception1 request close "$G1" \
	--response 已电话告知家长姓名已更正
expect 0 "show" as reception1 request show "$G1"
check "the response is there" grep -qx 'response	已电话告知家长姓名已更正' \
	"$T/out"

# --- a deletion closes with its destruction ---------------------------------
expect 0 "register a deletion" as reception1 request add --kind deletion \
	--student "$NO2" --channel email --summary 家长来信要求删除全部资料
G3=$(cat "$T/out")
expect 0 "file the destruction" as reception1 destroy request "$NO2" \
	--reason guardian-request
D1=$(cat "$T/out")
expect 65 "a deletion is not carried out by a change" as reception1 \
	request link "$G3" --to "$R1"
expect 0 "link the deletion" as reception1 request link "$G3" --to "$D1"
expect 0 "supervisor1 approves the destruction" as supervisor1 destroy \
	approve "$D1"
expect 0 "show" as reception1 request show "$G3"
check "closed as approved" grep -qx 'outcome	approved' "$T/out"
check "and the summary is gone" grep -qx 'summary	' "$T/out"

# --- the access file ---------------------------------------------------------
expect 0 "supervisor2 opens 王小红's record" as supervisor2 student show "$NO"
expect 0 "and 赵小刚's" as supervisor2 student show "$NO3"
expect 64 "access-file needs -o" as reception1 request access-file "$NO"
expect 77 "an auditor cannot make one" as auditor1 request access-file \
	"$NO" -o "$T/nope.txt"
check "and nothing was written" test ! -e "$T/nope.txt"
expect 66 "no such student" as supervisor2 request access-file \
	SH01-2026-99999 -o "$T/nope.txt"
# Issue 16: the file shows what masking hides, and answers a request.
expect 77 "a receptionist cannot make one" as reception1 request \
	access-file "$NO" -o "$T/nope.txt"
check "and nothing was written" test ! -e "$T/nope.txt"
expect 77 "nor a supervisor without an open access request" as \
	supervisor2 request access-file "$NO" -o "$T/nope.txt"
check "and nothing was written" test ! -e "$T/nope.txt"
check "saying how to register one" grep -q 'request add --kind access' \
	"$T/err"
expect 0 "register the guardian's access request" as reception1 request \
	add --kind access --student "$NO" --channel in-person \
	--summary 家长要求查阅孩子的全部资料
G4=$(cat "$T/out")
expect 0 "supervisor2 writes the access file" as supervisor2 request \
	access-file "$NO" -o "$T/access.txt"
check "mode 0600" test "$(stat -c %a "$T/access.txt")" = 600
check "the number" grep -q "$NO" "$T/access.txt"
check "the name now" grep -q '王晓红' "$T/access.txt"
check "and before, in the history with the reason" \
	sh -c "grep -q 王小红 $T/access.txt && grep -q 户口本核对 $T/access.txt"
check "the phone, unmasked" grep -q 13812340000 "$T/access.txt"
check "the consent" grep -q 'in-person' "$T/access.txt"
check "the guardian's own requests" grep -q 家长来电要求更正姓名 \
	"$T/access.txt"
check "who opened the record" grep -q 'supervisor2	student.view' \
	"$T/access.txt"
for s in "$NO3" 赵小刚 赵大刚 13700001234 投诉前台泄露电话 "$NO2"; do
	check "nothing of another student: \"$s\"" \
		sh -c "! grep -q '$s' $T/access.txt"
done
expect 0 "-o - prints it" as supervisor2 request access-file "$NO" -o -
check "the same text" grep -q 13812340000 "$T/out"

# --- the log -------------------------------------------------------------------
expect 0 "the auditor reads the log" as auditor1 audit --action guardian.
check "adds, links and closes are there" sh -c "grep -q \
'guardian.request.add	$NO	.*guardian=$G1 kind=correction channel=phone' \
$T/out && grep -q 'guardian.request.link' $T/out && \
grep -q 'guardian.request.close	$NO	.*outcome=approved request=$R1' $T/out"
check "the access file is logged" grep -q "guardian.access-file	$NO" \
	"$T/out"
check "naming the access request it answers" grep -q \
	"guardian.access-file	$NO	.*guardian=$G4 " "$T/out"
expect 0 "the whole log" as auditor1 audit
check "the refusal for want of an access request too" grep -q \
	"access.denied	$NO	.*rule=open-access-request" "$T/out"
check "holds nothing guardians said" \
	sh -c "! grep -q -e 家长 -e 投诉 -e 已电话 $T/out"

# --- nothing in the clear on disk ------------------------------------------
for s in 家长来电要求更正姓名 投诉前台泄露电话 已电话告知家长姓名已更正; do
	check "no \"$s\" in any file of the data directory" \
		sh -c "! grep -rq '$s' $T/data"
done

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
