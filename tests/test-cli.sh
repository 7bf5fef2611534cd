#!/bin/sh
# The command line as a script or an administrator uses it: exit codes,
# stdout and stderr, key slots through the binary, and that neither stderr
# nor the data directory ever carries a child's name or phone number.
# Prints one "ok - …" or "not ok - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"

branch_config
passphrases supervisor1 supervisor2 reception1 reception2 auditor1

# --- help, version, usage ---------------------------------------------
expect 0 "--help exits 0" $XUEJI --help
check "--help goes to stdout and names the commands" \
	grep -q 'student' "$T/out"
expect 0 "--version exits 0" $XUEJI --version
check "--version prints the version" grep -q '^xueji [0-9]' "$T/out"
expect 64 "an unknown command is a usage error" $XUEJI frobnicate
expect 64 "an unknown option is a usage error" $XUEJI student list --frob
expect 64 "a bad --passphrase-fd is a usage error" \
	$XUEJI --passphrase-fd x student list
expect 0 "a command's --help exits 0" $XUEJI student --help
check "and prints its usage on stdout" grep -q 'student find' "$T/out"
expect 0 "a verb's --help too" $XUEJI student add --help
expect 64 "verify takes no operands" $XUEJI verify extra
check "and says how it is used" grep -q 'usage: xueji .*verify' "$T/err"

# --- configuration ------------------------------------------------------
cp "$T/etc/xueji.yaml" "$T/etc/typo.yaml"
printf 'idle_lock_secs: 60\n' >>"$T/etc/typo.yaml"
expect 78 "an unknown config key exits 78" $XUEJI -c "$T/etc/typo.yaml" \
	-u reception1 student list
check "and says file:line:column" grep -q 'typo.yaml:7:1' "$T/err"
expect 78 "a missing config file exits 78" $XUEJI -c "$T/nope.yaml" \
	-u reception1 student list
chmod 660 "$T/etc/roles.yaml"
expect 78 "a group-writable roles file exits 78" as reception1 student list
chmod 600 "$T/etc/roles.yaml"

# --- init ---------------------------------------------------------------
expect 66 "no branch yet" as reception1 student list
expect 77 "init needs operator.manage" $X -u reception1 \
	--passphrase-fd 3 init 3<"$T/reception1"
check "and created nothing" test ! -e "$T/data/branch.db"
expect 0 "init creates the branch" as supervisor1 init
check "the database is there" test -s "$T/data/branch.db"
check "key slots are mode 0600" \
	test "$(stat -c %a "$T/data/keyslots")" = 600
check "the database is mode 0600" \
	test "$(stat -c %a "$T/data/branch.db")" = 600
check "the data directory is mode 0700" \
	test "$(stat -c %a "$T/data")" = 700
expect 69 "init refuses to overwrite a branch" as supervisor1 init

# --- operators ----------------------------------------------------------
expect 0 "a supervisor adds reception1" $X -u supervisor1 --passphrase-fd 3 \
	--new-passphrase-fd 4 operator add reception1 3<"$T/supervisor1" \
	4<"$T/reception1"
expect 0 "and auditor1" $X -u supervisor1 --passphrase-fd 3 \
	--new-passphrase-fd 4 operator add auditor1 3<"$T/supervisor1" \
	4<"$T/auditor1"
expect 0 "and supervisor2" $X -u supervisor1 --passphrase-fd 3 \
	--new-passphrase-fd 4 operator add supervisor2 3<"$T/supervisor1" \
	4<"$T/supervisor2"
# Issue 16: supervisor1 typed (or watched) those passphrases, so their
# owners choose their own before anything else.
expect 77 "reception1's first login does nothing else" as reception1 \
	student list
check "naming who set it" grep -q '陈静 (supervisor1) set your passphrase' \
	"$T/err"
check "and the command to run" \
	grep -q '^  xueji -u reception1 operator passwd reception1$' "$T/err"
check "and showing nothing" test ! -s "$T/out"
expect 77 "in Chinese too" env LANGUAGE=zh_CN $X -u reception1 \
	--passphrase-fd 3 student list 3<"$T/reception1"
check "in words" grep -q '陈静（supervisor1）于 .* 为您设置了口令' "$T/err"
expect 77 "another's passphrase is no first-login change" $X -u reception1 \
	--passphrase-fd 3 --new-passphrase-fd 4 operator passwd auditor1 \
	3<"$T/reception1" 4<"$T/auditor1"
expect 65 "the passphrase supervisor1 set is not one's own" $X \
	-u reception1 --passphrase-fd 3 --new-passphrase-fd 4 operator passwd \
	reception1 3<"$T/reception1" 4<"$T/reception1"
check "and says so" grep -q 'the passphrase 陈静 (supervisor1) set' "$T/err"
expect 0 "reception1 chooses their own" own reception1
expect 0 "and works with it" as reception1 student list
expect 0 "auditor1 chooses their own" own auditor1
expect 0 "supervisor2 too" own supervisor2
expect 0 "the log" as auditor1 audit
check "says which passphrase change was a first login's, after whom" grep -q \
	"	reception1	operator.passwd	reception1		rule=first-login set-by=supervisor1$" \
	"$T/out"
printf 'short\n' >"$T/short"
expect 65 "a too short passphrase is refused" $X -u supervisor1 \
	--passphrase-fd 3 --new-passphrase-fd 4 operator add reception2 \
	3<"$T/supervisor1" 4<"$T/short"
expect 77 "a receptionist cannot add operators" $X -u reception1 \
	--passphrase-fd 3 --new-passphrase-fd 4 operator add reception2 \
	3<"$T/reception1" 4<"$T/reception2"
expect 77 "reception2 has no slot yet" as reception2 student list
expect 0 "operator list needs no passphrase" $X operator list
check "and shows who has a slot" grep -q '^reception2	receptionist	no-slot' \
	"$T/out"

printf 'wrong-passphrase\n' >"$T/wrong"
cp "$T/data/branch.db" "$T/before.db"
expect 77 "a wrong passphrase exits 77" $X -u reception1 --passphrase-fd 3 \
	student list 3<"$T/wrong"
check "and leaves the database as it was" cmp -s "$T/data/branch.db" \
	"$T/before.db"
check "but records the failure under the id" grep -qa reception1 \
	"$T/data/login-failures"
start=$(date +%s)
expect 77 "a second wrong passphrase" $X -u reception1 --passphrase-fd 3 \
	student list 3<"$T/wrong"
check "waits longer before answering (>= 2 s)" \
	test $(( $(date +%s) - start )) -ge 2
# Issue 17: the login never tells who exists.
cp "$T/err" "$T/err-wrong"
expect 77 "an unknown id" $X -u nobody --passphrase-fd 3 student list \
	3<"$T/wrong"
check "gets the wrong passphrase's answer, word for word" \
	cmp -s "$T/err" "$T/err-wrong"
check "which names no one" sh -c "! grep -q 'nobody\|reception1' $T/err"

# --- students -----------------------------------------------------------
expect 0 "enrol a student" as reception1 student add name=欧阳𠮷·娜 \
	birth_month=2018-03 guardian_name=欧阳明 guardian_phone=13812345678 \
	--consent in-person
check "the number alone on stdout" grep -qx 'SH01-20[0-9][0-9]-00001' \
	"$T/out"
NO=$(cat "$T/out")
expect 0 "enrol from stdin" sh -c "printf 'name=张三\nbirth_month=2019年5月\n\
guardian_name=张大\nguardian_phone=021 6234 5678\n' | \
	$X -u reception1 --passphrase-fd 3 student add --stdin \
	--consent online 3<$T/reception1"
check "numbers are never reused" grep -qx 'SH01-20[0-9][0-9]-00002' "$T/out"
NO2=$(cat "$T/out")
expect 65 "no consent: refused" as reception1 student add name=李四 \
	birth_month=2019-05 guardian_name=李大 guardian_phone=13912345678
expect 65 "a digit in a name: refused" as reception1 student add \
	name=李4标记 birth_month=2019-05 guardian_name=李大 \
	guardian_phone=13912345678 --consent online
check "the message never repeats the value" sh -c "! grep -q 李4标记 $T/err"
expect 65 "a likely duplicate is refused" as reception1 student add \
	name=欧阳𠮷·娜 birth_month=2018-03 guardian_name=欧阳亮 \
	guardian_phone=13900000000 --consent online
check "naming the existing number" grep -q "$NO" "$T/err"
expect 0 "the receptionist may say it is another child" as reception1 \
	student add name=欧阳𠮷·娜 birth_month=2018-03 guardian_name=欧阳亮 \
	guardian_phone=13900000000 --consent online --allow-duplicate
expect 0 "and so may a supervisor, each logged" as supervisor1 student add \
	name=欧阳𠮷·娜 birth_month=2018-03 guardian_name=欧阳亮 \
	guardian_phone=13900000000 --consent online --allow-duplicate
expect 77 "an auditor cannot enrol" as auditor1 student add name=王五 \
	birth_month=2019-05 guardian_name=王大 guardian_phone=13912345678 \
	--consent online

expect 0 "show a record" as reception1 student show "$NO"
check "with the name" grep -q '^name	欧阳𠮷·娜$' "$T/out"
check "and the phone masked for a receptionist" \
	grep -q '^guardian_phone	138\*\*\*\*5678$' "$T/out"
expect 0 "a supervisor sees the whole phone" as supervisor1 student show "$NO"
check "whole" grep -q '^guardian_phone	13812345678$' "$T/out"
expect 66 "no such student" as reception1 student show SH01-2026-99999
expect 77 "an auditor cannot open a record" as auditor1 student show "$NO"
expect 0 "find by phone tail" as reception1 student find 5678
check "both phones end in 5678" test "$(wc -l <"$T/out")" -eq 2
expect 0 "find by name prefix" as reception1 student find 欧阳
check "tab-separated, number first" \
	grep -q "^$NO	active	欧阳𠮷·娜	2018-03	欧阳明	138\*\*\*\*5678	$" \
	"$T/out"
expect 66 "find with no match exits 66" as reception1 student find 赵
expect 0 "common options may come before the verb" $XUEJI student \
	-c "$T/etc/xueji.yaml" -u reception1 --passphrase-fd 3 list \
	3<"$T/reception1"
expect 0 "list" as reception1 student list
check "four students" test "$(wc -l <"$T/out")" -eq 4
expect 64 "list with an unknown status" as reception1 student list \
	--status gone

# --- change requests ----------------------------------------------------
expect 0 "reception1 files a name correction" as reception1 change request \
	"$NO2" name=张珊 --reason 登记时笔误 --evidence 户口本第3页
check "the request id alone on stdout" is_id
R1=$(cat "$T/out")
expect 64 "a change needs --reason" as reception1 change request "$NO2" \
	name=张珊
expect 64 "and a KEY=VALUE" as reception1 change request "$NO2" \
	--reason 笔误
expect 65 "a bad new value is refused" as reception1 change request \
	"$NO2" name=张3 --reason 笔误
check "without repeating it" sh -c "! grep -q 张3 $T/err"
expect 65 "a value the record already holds is no change" as reception1 \
	change request "$NO2" name=张三 --reason 笔误
expect 66 "no such student" as reception1 change request SH01-2026-99999 \
	name=张珊 --reason 笔误
expect 0 "the record says a request waits" as reception1 student show "$NO2"
check "pending 1" grep -qx 'pending	1' "$T/out"
expect 0 "find marks it in the last column" as reception1 student find 张
check "pending" grep -q "^$NO2	active	张三	.*	pending\$" "$T/out"
expect 77 "reception1 cannot approve it" as reception1 change approve "$R1"
expect 0 "a supervisor's queue lists it" as supervisor1 queue
check "id, kind, number, requester, age, no OVERDUE" \
	grep -qx "$R1	change	$NO2	reception1	0h	" "$T/out"
expect 0 "two days on it is overdue" \
	as_at $(( $(date +%s) + 49 * 3600 )) supervisor1 queue
check "marked OVERDUE" \
	grep -qx "$R1	change	$NO2	reception1	2d 1h	OVERDUE" "$T/out"
expect 77 "a receptionist has no queue" as reception1 queue
expect 0 "the requester lists their own" as reception1 change list --mine
check "with its state" grep -q "^$R1	change	$NO2	reception1	.*	pending\$" \
	"$T/out"
expect 64 "one list at a time" as reception1 change list --mine --pending
expect 0 "supervisor1 opens the request" as supervisor1 change show "$R1"
check "old and new value" grep -qx 'change	name	张三	张珊' "$T/out"
check "the reason" grep -qx 'reason	登记时笔误' "$T/out"
check "the evidence" grep -qx 'evidence	户口本第3页' "$T/out"
check "still pending" grep -qx 'state	pending' "$T/out"
expect 66 "no such request" as supervisor1 change show 9999
expect 64 "a request id is a number" as supervisor1 change show abc
expect 0 "supervisor1 approves" as supervisor1 change approve "$R1"
expect 0 "the record" as reception1 student show "$NO2"
check "has the new name" grep -qx 'name	张珊' "$T/out"
check "and its history names the request" \
	grep -q "^history	name	张珊	20[0-9-]*T[0-9:]*Z	$R1	reception1	supervisor1\$" \
	"$T/out"
check "and the value given at enrolment" \
	grep -q "^history	name	张三	.*	enrolment		\$" "$T/out"
check "and nothing pending" sh -c "! grep -q '^pending' $T/out"
expect 75 "a decided request cannot be approved again" as supervisor2 \
	change approve "$R1"

# Two requests on one field: the one approved first makes the other stale.
expect 0 "reception1 files a guardian name change" as reception1 change \
	request "$NO2" guardian_name=张二 --reason 家长改名
R2=$(cat "$T/out")
expect 0 "supervisor1 files another" as supervisor1 change request "$NO2" \
	guardian_name=张老大 --reason 家长要求
R3=$(cat "$T/out")
expect 77 "supervisor1 cannot approve their own" as supervisor1 change \
	approve "$R3"
expect 0 "supervisor2 can" as supervisor2 change approve "$R3"
expect 65 "approving the first is refused as stale" as supervisor1 change \
	approve "$R2"
check "saying so" grep -q 'stale' "$T/err"
expect 0 "the record" as supervisor1 student show "$NO2"
check "is as the second request left it" grep -qx 'guardian_name	张老大' \
	"$T/out"
expect 64 "a rejection without --note" as supervisor1 change reject "$R2"
expect 0 "a rejection with one" as supervisor1 change reject "$R2" \
	--note=已过时
expect 0 "the request" as reception1 change show "$R2"
check "is rejected" grep -qx 'state	rejected' "$T/out"
check "with the note" grep -qx 'note	已过时' "$T/out"
# Issue 17: the requester sees the decision and its note until read.
expect 0 "the requester's own list" as reception1 change list --mine
check "has the rejection, with its note" grep -q \
	"^$R2	change	$NO2	reception1	.*	rejected	supervisor1	20.*	已过时\$" \
	"$T/out"
expect 77 "only the requester acknowledges it" as supervisor1 change \
	acknowledge "$R2"
expect 0 "the requester does" as reception1 change acknowledge "$R2"
expect 0 "their list again" as reception1 change list --mine
check "no longer has it" sh -c "! grep -q '^$R2	' $T/out"

expect 0 "reception1 files one more" as reception1 change request "$NO" \
	guardian_name=欧阳刚 --reason 登记错误 --stdin </dev/null
R4=$(cat "$T/out")
expect 77 "someone else cannot withdraw it" as supervisor1 change \
	withdraw "$R4"
expect 0 "the requester can" as reception1 change withdraw "$R4"
expect 75 "but only once" as reception1 change withdraw "$R4"

# Issue 21: free text is printed escaped, one value to a line, and a
# U+202E or U+200B never reaches the terminal.
REASON=$(printf '第一行\n第二\t\342\200\256行\342\200\213\\尾')
expect 0 "a reason over two lines, with a tab and invisibles" as reception1 \
	change request "$NO" guardian_name=欧阳刚 --reason "$REASON"
R6=$(cat "$T/out")
expect 0 "shown" as reception1 change show "$R6"
check "on one line, escaped" grep -qxF "$(printf 'reason\t%s' \
	'第一行\n第二\t\u202E行\u200B\\尾')" "$T/out"
check "and no line but the reason's holds it" \
	test "$(grep -c '第' "$T/out")" -eq 1
U202E=$(printf '\342\200\256')
U200B=$(printf '\342\200\213')
check "nor any raw U+202E or U+200B" \
	sh -c "! grep -q -e '$U202E' -e '$U200B' '$T/out'"
expect 0 "withdrawn again" as reception1 change withdraw "$R6"

expect 0 "applied changes wait for the guardian" as reception1 change list \
	--unconfirmed
check "with who approved them" grep -q \
	"^$R1	change	$NO2	reception1	.*	approved	supervisor1	20" "$T/out"
expect 64 "confirm needs --method" as reception1 change confirm "$R1"
expect 64 "one of phone, in-person, message" as reception1 change confirm \
	"$R1" --method fax
expect 0 "reception1 records the guardian's call" as reception1 change \
	confirm "$R1" --method phone
expect 0 "the list again" as reception1 change list --unconfirmed
check "no longer has it" sh -c "! grep -q '^$R1	' $T/out"
check "but still the other" grep -q "^$R3	" "$T/out"
expect 0 "the request" as reception1 change show "$R1"
check "says how" grep -qx 'confirm_method	phone' "$T/out"

# Two supervisors approve one request at the same moment.
printf 'guardian_phone=13912340000\n' >"$T/values"
expect 0 "a change from standard input" as reception1 change request \
	"$NO" --reason 换号 --stdin <"$T/values"
R5=$(cat "$T/out")
as supervisor1 change approve "$R5" >/dev/null 2>"$T/c1" &
p1=$!
as supervisor2 change approve "$R5" >/dev/null 2>"$T/c2" &
p2=$!
wait $p1; e1=$?
wait $p2; e2=$?
check "of two approvals at once one wins, one is told 75 ($e1 $e2)" \
	test "$e1 $e2" = "0 75" -o "$e1 $e2" = "75 0"
expect 0 "and the phone changed once" as supervisor1 student show "$NO"
check "to the new one" grep -qx 'guardian_phone	13912340000' "$T/out"
check "with one history line" \
	test "$(grep -c "^history	guardian_phone	13912340000	.*	$R5	" \
	"$T/out")" -eq 1

# Free text and values leave the arguments before the passphrase is read:
# the process waits on the FIFO while we look at its command line.
mkfifo "$T/fifo"
$X -u reception1 --passphrase-fd 3 change request "$NO2" name=张珊 \
	--reason=秘密理由 --evidence 秘密证件 3<>"$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!
check "values, reason and evidence are wiped from the arguments" \
	args_wiped $pid ' change ' '秘密\|张珊'
check "while the command's name stays" \
	sh -c "tr '\\0' ' ' </proc/$pid/cmdline | grep -q ' change '"
cat "$T/reception1" >"$T/fifo"
wait $pid
check "(that change was no change: 65)" test $? -eq 65

# Issue 21: the dispatcher wipes every command's arguments, so "student
# find TEXT", which wiped nothing of its own, no longer shows the name.
$X -u reception1 --passphrase-fd 3 student find 张珊秘密 3<>"$T/fifo" \
	>"$T/out" 2>"$T/err" &
pid=$!
check "the text student find looks for is wiped from the arguments" \
	args_wiped $pid ' student ' '张珊秘密\|find'
check "(while the process is still there)" test -r "/proc/$pid/cmdline"
cat "$T/reception1" >"$T/fifo"
wait $pid
check "(and it found no one: 66)" test $? -eq 66

expect 77 "an auditor cannot file a change" as auditor1 change request \
	"$NO2" name=张三 --reason 笔误
expect 77 "nor open one" as auditor1 change show "$R1"
expect 0 "the log" as auditor1 audit
check "records the four-eyes refusal" \
	grep -q "access.denied	$NO2	.*rule=four-eyes.*request=$R3" "$T/out"
check "and the missing permission" \
	grep -q 'access.denied	.*perm=change.approve' "$T/out"
check "and the approvals" grep -q "change.approve	$NO2	name	request=$R1" \
	"$T/out"
for s in 张珊 张三 张二 张老大 欧阳刚 13912340000 1234 笔误 户口本 已过时 \
    秘密; do
	check "no \"$s\" in the log" sh -c "! grep -q '$s' $T/out"
done

# --- status and destruction ---------------------------------------------
DAY=86400
NOW=$(date +%s)
expect 0 "enrol a student who will leave" as reception1 student add \
	name=司马小雨 birth_month=2017-09 guardian_name=司马光 \
	guardian_phone=13700001111 --consent signed-form
NO3=$(cat "$T/out")
expect 64 "status set needs --reason" as reception1 status set "$NO3" \
	withdrawn
expect 64 "a status is active, completed or withdrawn" as reception1 \
	status set "$NO3" gone --reason 退学
expect 64 "destroyed is not a status one sets" as reception1 status set \
	"$NO3" destroyed --reason 退学
expect 0 "a receptionist asks for the withdrawal" as reception1 status set \
	"$NO3" withdrawn --reason 家长来电退学
check "and gets a request id" is_id
S1=$(cat "$T/out")
check "saying a request was filed" grep -q "request $S1 filed" "$T/err"
expect 0 "the queue shows it" as supervisor1 queue
check "as a status request" \
	grep -qx "$S1	status	$NO3	reception1	0h	" "$T/out"
expect 64 "destroy approve refuses a status request" as supervisor2 \
	destroy approve "$S1"
check "naming the command to use" grep -q 'xueji change' "$T/err"
expect 77 "the requester cannot approve it" as reception1 change approve \
	"$S1"
expect 0 "supervisor2 approves it with change approve" as supervisor2 \
	change approve "$S1"
expect 0 "the record" as reception1 student show "$NO3"
check "is withdrawn" grep -qx 'status	withdrawn' "$T/out"
expect 0 "the retention list today" as supervisor1 status due --retention
check "does not have it yet" sh -c "! grep -q '^$NO3	' $T/out"
expect 0 "thirteen months on" as_at $((NOW + 400 * DAY)) supervisor1 \
	status due --retention
check "it is past retention" \
	grep -q "^$NO3	withdrawn	20[0-9-]*	20[0-9-]*	\$" "$T/out"
check "and alone" test "$(wc -l <"$T/out")" -eq 1
expect 64 "one of --review and --retention" as supervisor1 status due \
	--review --retention
expect 77 "a receptionist has no due list" as reception1 status due

expect 64 "destroy request needs --reason" as reception1 destroy request \
	"$NO3"
expect 64 "one of the three reasons" as reception1 destroy request "$NO3" \
	--reason boredom
expect 65 "withdrawal only for a withdrawn student" as reception1 destroy \
	request "$NO2" --reason withdrawal
expect 0 "reception1 asks for the destruction" as reception1 destroy \
	request "$NO3" --reason withdrawal
check "the request id alone on stdout" is_id
D1=$(cat "$T/out")
expect 66 "the record is frozen: find no longer shows it" as reception1 \
	student find 司马
expect 65 "no change can be filed on it" as reception1 change request \
	"$NO3" name=司马小雪 --reason 笔误
expect 65 "nor a status set" as supervisor1 status set "$NO3" active \
	--reason 回来了
expect 65 "nor a second destruction" as reception1 destroy request \
	"$NO3" --reason guardian-request
expect 0 "the record itself" as supervisor1 student show "$NO3"
check "shows no values while frozen" sh -c "! grep -q '^name' $T/out"
check "not even in its history" sh -c "! grep -q '司马\\|1111' $T/out"
expect 0 "the queue" as supervisor1 queue
check "lists the destruction" \
	grep -qx "$D1	destroy	$NO3	reception1	0h	" "$T/out"
expect 0 "the due list marks it" as_at $((NOW + 400 * DAY)) supervisor1 \
	status due --retention
check "frozen" grep -q "^$NO3	withdrawn	.*	frozen\$" "$T/out"
expect 64 "change approve refuses a destruction" as supervisor1 change \
	approve "$D1"
check "naming the command to use" grep -q 'xueji destroy' "$T/err"
expect 64 "so does change reject" as supervisor1 change reject "$D1" \
	--note 不行
expect 64 "destroy approve refuses a change request" as supervisor1 \
	destroy approve "$R1"
expect 77 "reception1 cannot approve the destruction" as reception1 \
	destroy approve "$D1"
expect 0 "supervisor1 can" as supervisor1 destroy approve "$D1"
expect 75 "and only once" as supervisor2 destroy approve "$D1"
expect 0 "the record" as supervisor1 student show "$NO3"
check "is destroyed" grep -qx 'status	destroyed' "$T/out"
check "with no name" sh -c "! grep -q '^name' $T/out"
check "and no value at all" sh -c "! grep -q '司马\\|1111' $T/out"
# Issue 17: a tombstone shows what it has, and no invented date.
check "and no enrolment date" sh -c "! grep -q '^enrolled_at' $T/out"
check "but its destruction record" grep -qx "destroy_request	$D1" "$T/out"
check "and when" grep -q '^destroyed_at	20[0-9-]*T' "$T/out"
expect 0 "the certificate" as supervisor1 destroy show "$NO3"
check "has a title" grep -qx 'Destruction record' "$T/out"
check "the branch" grep -q '^Branch: *SH01 测试校区$' "$T/out"
check "the number" grep -q "^Student number: *$NO3\$" "$T/out"
check "why, in words" grep -q '^Reason: *the student had withdrawn' \
	"$T/out"
# By name and id, as the screens name operators (issue 20).
check "who asked and who approved" \
	grep -q '^Requested by: *王丽 (reception1) at 20' "$T/out"
check "who approved" grep -q '^Approved by: *陈静 (supervisor1) at 20' \
	"$T/out"
check "how" grep -q '^Method: *deleted with SQLite secure_delete' "$T/out"
check "that no backup holds the data: none was ever made (issue 17)" \
	grep -q '^Backups: *no backup holds the data$' "$T/out"
check "that it holds no personal data" grep -q 'no personal data' "$T/out"
check "and none: no name" sh -c "! grep -q 司马 $T/out"
check "no phone" sh -c "! grep -q 1111 $T/out"
expect 0 "an auditor may read it" as auditor1 destroy show "$NO3"
expect 0 "by its id, as one line" as supervisor1 destroy show 1 --tsv
check "tab-separated" grep -q "^1	$NO3	withdrawal	reception1	20.*	\
supervisor1	20.*	secure-delete+wal-truncate	20" "$T/out"
cp "$T/out" "$T/tsv"
# The certificate's reason in words alone, its times as the branch's local
# minute (xj_timefmt), as the screen's certificate reads: no code in
# brackets, no "+0800" or "+0000".
executed=$(cut -f 8 "$T/tsv")
expect 0 "the certificate in Shanghai" env TZ=Asia/Shanghai $X \
	-u supervisor1 --passphrase-fd 3 destroy show 1 3<"$T/supervisor1"
check "gives the reason in words alone" \
	grep -qx 'Reason: *the student had withdrawn' "$T/out"
check "and no time with an offset" sh -c "! grep -q '+0[0-9]00' $T/out"
check "when it was executed, in Shanghai's time" grep -qx \
	"Executed at: *$(TZ=Asia/Shanghai date -d "$executed" '+%Y-%m-%d %H:%M')" \
	"$T/out"
check "and when it was approved" grep -q \
	'^Approved by: *陈静 (supervisor1) at 20[0-9-]* [0-9:]*$' "$T/out"
expect 66 "no such destruction" as supervisor1 destroy show 99
expect 0 "destroy list" as supervisor1 destroy list
check "one line" test "$(wc -l <"$T/out")" -eq 1
check "the same as show --tsv" cmp -s "$T/out" "$T/tsv"
expect 66 "a destroyed student is not found" as reception1 student find 司马
expect 0 "verify passes after the destruction" as auditor1 verify
expect 0 "the log of that student" as auditor1 audit --student "$NO3"
check "records the execution" grep -q "	destroy.execute	$NO3	.*request=$D1" \
	"$T/out"
check "and the withdrawal approved" grep -q "	status.approve	$NO3	" \
	"$T/out"
for s in 司马 13700001111 家长来电退学; do
	check "no \"$s\" in the log" sh -c "! grep -q '$s' $T/out"
	check "nor in the data directory" sh -c "! grep -rq '$s' $T/data"
done

# A destruction rejected: the record thaws.
expect 0 "reception1 files a guardian's request" as reception1 destroy \
	request "$NO" --reason guardian-request
D2=$(cat "$T/out")
expect 66 "frozen" as reception1 student find "$NO"
expect 64 "reject needs --note" as supervisor1 destroy reject "$D2"
expect 0 "supervisor1 rejects it" as supervisor1 destroy reject "$D2" \
	--note 家长改变主意
expect 0 "the record is back" as reception1 student find "$NO"
expect 0 "the request" as supervisor1 change show "$D2"
check "is rejected" grep -qx 'state	rejected' "$T/out"
check "of kind destroy" grep -qx 'kind	destroy' "$T/out"

# A supervisor sets a status directly; the quarterly review.
expect 0 "a supervisor completes a student directly" as supervisor1 \
	status set "$NO2" completed --reason 结业
check "nothing on stdout" test ! -s "$T/out"
check "saying it changed" grep -q "$NO2 is now completed" "$T/err"
expect 65 "completed already" as supervisor1 status set "$NO2" completed \
	--reason 结业
expect 66 "no such student" as supervisor1 status set SH01-2026-99999 \
	completed --reason 结业
expect 0 "status list" as supervisor1 status list --status completed
check "has it" grep -qx "$NO2	completed	20[0-9-]*	20[0-9-]*	20[0-9-]*	" \
	"$T/out"
check "alone" test "$(wc -l <"$T/out")" -eq 1
expect 0 "every live student" as reception1 status list
check "four" test "$(wc -l <"$T/out")" -eq 4
expect 0 "enrolled this year" as reception1 status list \
	--year "$(date -u +%Y)"
check "four" test "$(wc -l <"$T/out")" -eq 4
expect 0 "enrolled in 1999" as reception1 status list --year 1999
check "none" test ! -s "$T/out"
expect 64 "a bad year" as reception1 status list --year 99
expect 0 "no review is due today" as supervisor1 status due
check "none" test ! -s "$T/out"
expect 0 "in a hundred days" as_at $((NOW + 100 * DAY)) supervisor1 \
	status due --review
check "all four are due" test "$(wc -l <"$T/out")" -eq 4
expect 77 "a receptionist does not review" as reception1 status review \
	"$NO"
expect 0 "a supervisor reviews one" as_at $((NOW + 100 * DAY)) \
	supervisor1 status review "$NO"
check "and is told the next review date" \
	grep -qx '20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "$T/out"
expect 0 "due again" as_at $((NOW + 100 * DAY)) supervisor1 status due
check "three left" test "$(wc -l <"$T/out")" -eq 3
check "not the one reviewed" sh -c "! grep -q '^$NO	' $T/out"
expect 66 "a destroyed student has no review" as supervisor1 status \
	review "$NO3"
expect 0 "counts" as supervisor1 status counts
check "one line per status" test "$(cat "$T/out")" = "$(printf \
	'active\t3\ncompleted\t1\nwithdrawn\t0\ndestroyed\t1')"
expect 0 "an auditor may count (report.view)" as auditor1 status counts
check "the same" grep -qx 'destroyed	1' "$T/out"

# --- audit and verify ---------------------------------------------------
expect 77 "a receptionist cannot read the log" as reception1 audit
# Issue 20: a refusal says in words what was refused and what it needs.
check "the refusal in words" grep -q 'reception1 may not do this: reading the log needs the permission to read the log' "$T/err"
expect 77 "the same refusal in Chinese" env LANGUAGE=zh_CN \
	$X -u reception1 --passphrase-fd 3 audit 3<"$T/reception1"
check "in words" grep -q 'reception1 无权执行此操作：查阅操作日志需要“查阅操作日志”权限' "$T/err"
check "no permission or action key" sh -c "! grep -q 'audit\\.' $T/err"
expect 0 "an auditor can" as auditor1 audit
check "enrolments are logged by number" \
	grep -q "	reception1	student.enroll	$NO	name,birth_month" "$T/out"
check "the failed login moved into the log" \
	grep -q '	reception1	login.failed		.*reason=wrong-passphrase' \
	"$T/out"
check "the duplicate override is logged" \
	grep -q 'student.duplicate-allowed.*duplicate-of='"$NO" "$T/out"
check "refusals are logged" grep -q 'access.denied.*perm=audit.view' \
	"$T/out"
check "the log holds no names" sh -c "! grep -q 欧阳 $T/out"
check "and no phone numbers" sh -c "! grep -q 5678 $T/out"
expect 0 "a list of every live student" as reception1 student list
expect 0 "and the archive's" as reception1 status list
expect 0 "filter by student" as auditor1 audit --student "$NO"
check "only that student, as target or among a search's results" sh -c \
	"! awk -F '\t' '\$5 != \"$NO\" && \$7 !~ /numbers=.*$NO/ && \
	\$4 != \"student.list\" && \$4 != \"archive.list\"' $T/out | \
	grep -q ."
# Issue 17: who saw this child includes the searches that listed them.
check "and every search that listed it" \
	grep -q "	student.find		.*numbers=\(.*,\)\?$NO\(,\|\$\)" "$T/out"
check "and the list that showed it" \
	grep -q "	reception1	student.list		.*status=live" "$T/out"
check "and the archive's list that showed it" grep -q \
	"	reception1	archive.list	.*	list=status status=live results=" \
	"$T/out"
lists=$(grep -c '	\(student\|archive\).list	' "$T/out")
expect 0 "a list of the withdrawn" as reception1 student list \
	--status withdrawn
expect 0 "and the archive's" as reception1 status list --status withdrawn
expect 0 "filter by student again" as auditor1 audit --student "$NO"
check "leaves out the lists it was not on" \
	test "$(grep -c '	\(student\|archive\).list	' "$T/out")" -eq "$lists"
expect 0 "filter by request" as auditor1 audit --request 1
check "every line names request 1" sh -c "test -s $T/out && \
	! grep -v 'request=1\( \|\$\)' $T/out | grep -q ."
expect 0 "verify passes" as auditor1 verify
check "and says so" grep -q '^ok: ' "$T/out"

# --- checkpoints --------------------------------------------------------
expect 0 "a supervisor writes a checkpoint" as supervisor1 checkpoint \
	-o "$T/cp1"
check "signed, with the branch and its key" \
	sh -c "grep -q '^branch SH01$' $T/cp1 && grep -q '^sig ' $T/cp1"
expect 69 "an existing checkpoint is never overwritten" as supervisor1 \
	checkpoint -o "$T/cp1"
expect 77 "a receptionist cannot" as reception1 checkpoint -o "$T/cp2"
expect 0 "the public key, for auditors" as auditor1 checkpoint --public-key
check "is the key in the checkpoint" grep -q "^key $(cat "$T/out")$" "$T/cp1"
expect 0 "verify against it" as auditor1 verify --checkpoint "$T/cp1"
check "says the log extends it" grep -q '^ok: the log extends' "$T/out"
sed 's/^seq \([0-9]*\)/seq 1\1/' "$T/cp1" >"$T/cp-forged"
expect 65 "an altered checkpoint is refused" as auditor1 verify \
	--checkpoint "$T/cp-forged"
cp "$T/data/branch.db" "$T/older.db"
expect 0 "more work, a newer checkpoint" as supervisor1 checkpoint \
	-o "$T/cp3"
expect 0 "(work)" as supervisor1 student list
expect 0 "a newer checkpoint" as supervisor1 checkpoint -o "$T/cp4"
cp "$T/data/branch.db" "$T/current.db"
cp "$T/older.db" "$T/data/branch.db"
expect 1 "an older copy of the database fails against it" as auditor1 \
	verify --checkpoint "$T/cp4"
check "saying so" grep -q 'TAMPERED: .*older copy' "$T/out"
cp "$T/current.db" "$T/data/branch.db"
expect 0 "the current one passes again" as auditor1 verify \
	--checkpoint "$T/cp4"

# --- a status request filed against another status ---------------------
# Issue 17: a status request is approved only against the status it was
# filed against; the check is the store's, so change approve has it.
expect 0 "enrol a student whose status will move twice" as reception1 \
	student add name=司马小风 birth_month=2017-10 guardian_name=司马光 \
	guardian_phone=13700001112 --consent signed-form
NO4=$(cat "$T/out")
expect 0 "a receptionist asks for their withdrawal" as reception1 status \
	set "$NO4" withdrawn --reason 家长来电退学
S2=$(cat "$T/out")
expect 0 "meanwhile a supervisor completes them" as supervisor1 status set \
	"$NO4" completed --reason 结课
expect 65 "the request filed against active is refused" as supervisor2 \
	change approve "$S2"
check "naming both statuses in words" grep -q \
	"request $S2 is stale: $NO4 was active when it was filed and is completed now; reject it" \
	"$T/err"
expect 0 "nothing changed: the record" as reception1 student show "$NO4"
check "is still completed" grep -qx 'status	completed' "$T/out"
expect 0 "and the queue" as supervisor1 queue
check "still holds the request" grep -q "^$S2	status	$NO4	" "$T/out"
expect 65 "in Chinese" env LANGUAGE=zh_CN $X -u supervisor2 \
	--passphrase-fd 3 change approve "$S2" 3<"$T/supervisor2"
check "in words" grep -q "$NO4 提交时为“在读”，现在是“已结课”" "$T/err"
expect 0 "it can still be rejected" as supervisor2 change reject "$S2" \
	--note 已结课

# --- passwd, remove, rotate ---------------------------------------------
printf 'new-pass-reception1\n' >"$T/reception1.new"
expect 0 "change one's own passphrase" $X -u reception1 --passphrase-fd 3 \
	--new-passphrase-fd 4 operator passwd reception1 3<"$T/reception1" \
	4<"$T/reception1.new"
expect 77 "the old one no longer works" as reception1 student list
cp "$T/reception1.new" "$T/reception1"
expect 0 "the new one does" as reception1 student list
printf 'new-pass-supervisor2\n' >"$T/supervisor2.new"
expect 77 "another supervisor's reset needs a third to agree" $X \
	-u supervisor1 --passphrase-fd 3 --new-passphrase-fd 4 \
	operator passwd supervisor2 3<"$T/supervisor1" 4<"$T/supervisor2.new"
cat "$T/supervisor1" "$T/auditor1" >"$T/two"
expect 77 "who manages operators too (not an auditor)" $X -u supervisor1 \
	--passphrase-fd 3 --new-passphrase-fd 4 operator passwd \
	--agree auditor1 supervisor2 3<"$T/two" 4<"$T/supervisor2.new"
expect 0 "supervisor2's passphrase is unchanged" as supervisor2 student list
expect 0 "rotate the database key" as supervisor1 operator rotate-key
expect 0 "everyone still opens it" as auditor1 verify
expect 0 "remove an operator" as supervisor1 operator remove reception1
expect 77 "who can no longer log in" as reception1 student list
expect 0 "and others still can" as supervisor2 student find 5678
expect 77 "removing supervisor2 alone is refused" as supervisor1 operator \
	remove supervisor2
check "asking for a second supervisor" grep -q \
	'supervisor2 manages operators too: a second supervisor must agree' \
	"$T/err"
cat "$T/supervisor1" "$T/supervisor2" >"$T/two"
expect 0 "supervisor2 agrees to their own removal" $X -u supervisor1 \
	--passphrase-fd 3 operator remove --agree supervisor2 supervisor2 \
	3<"$T/two"
expect 0 "the log" as auditor1 audit
check "says who agreed" grep -q \
	"	supervisor1	operator.remove	supervisor2		agreed=supervisor2$" \
	"$T/out"
expect 65 "the last manager cannot remove themself" as supervisor1 \
	operator remove supervisor1
check "and says why" grep -q 'last operator who can manage' "$T/err"
expect 0 "-d overrides data_dir" $X -d "$T/data" -u auditor1 \
	--passphrase-fd 3 verify 3<"$T/auditor1"
expect 66 "-d to an empty place finds no branch" $X -d "$T/elsewhere" \
	-u auditor1 --passphrase-fd 3 verify 3<"$T/auditor1"

# --- install --------------------------------------------------------------
if make -s install DESTDIR="$T/stage" PREFIX=/usr >"$T/out" 2>"$T/err"; then
	ok "make install into a DESTDIR"
else
	not_ok "make install into a DESTDIR"
fi
expect 0 "the installed binary runs" "$T/stage/usr/bin/xueji" --version
if [ "$(id -u)" = 0 ] && getent group xueji >/dev/null 2>&1; then
	check "root's and setgid to group xueji, the group existing" test \
	    "$(stat -c '%a %U %G' "$T/stage/usr/bin/xueji")" = "2755 root xueji"
else
	check "mode 0755 (no group xueji, or not root)" \
	    test "$(stat -c '%a' "$T/stage/usr/bin/xueji")" = 755
fi
check "it looks for its catalogues under the PREFIX it was installed for" \
	grep -q -a /usr/share/locale "$T/stage/usr/bin/xueji"
# A setgid binary ignores XUEJI_LOCALEDIR (secure_getenv), as it must: a
# plain copy of it reads the staged catalogues.
cp "$T/stage/usr/bin/xueji" "$T/xueji-plain"
check "and they are there: the installed binary speaks Chinese" sh -c \
	"LANGUAGE=zh_CN XUEJI_LOCALEDIR='$T/stage/usr/share/locale' \
	'$T/xueji-plain' --help | grep -q '^用法：'"
check "its catalogue is installed world-readable" test \
	"$(stat -c %a "$T/stage/usr/share/locale/zh_CN/LC_MESSAGES/xueji.mo")" = 644
check "the Chinese xueji(1) is installed" \
	test -f "$T/stage/usr/share/man/zh_CN/man1/xueji.1"
check "and the Chinese xueji.yaml(5), xueji-forms(5) and xueji(7)" sh -c \
	"test -f '$T/stage/usr/share/man/zh_CN/man5/xueji.yaml.5' &&
	test -f '$T/stage/usr/share/man/zh_CN/man5/xueji-forms.5' &&
	test -f '$T/stage/usr/share/man/zh_CN/man7/xueji.7'"
check "the installed config points at the installed forms" \
	grep -q "^forms_dir: /usr/share/xueji/forms" \
	"$T/stage/etc/xueji/xueji.yaml"
check "the form is installed there" \
	test -f "$T/stage/usr/share/xueji/forms/enrollment.yaml"
check "and the man pages" test -f "$T/stage/usr/share/man/man1/xueji.1"
check "of sections 5 and 7 too" sh -c \
	"test -f '$T/stage/usr/share/man/man5/xueji.yaml.5' &&
	test -f '$T/stage/usr/share/man/man5/xueji-forms.5' &&
	test -f '$T/stage/usr/share/man/man7/xueji.7'"
check "the data directory exists with mode 2770" \
	test "$(stat -c %a "$T/stage/var/lib/xueji" 2>/dev/null)" = 2770
printf 'edited: yes\n' >>"$T/stage/etc/xueji/roles.yaml"
chmod 600 "$T/stage/etc/xueji/roles.yaml"
make -s install DESTDIR="$T/stage" PREFIX=/usr >"$T/out" 2>"$T/err"
check "installing again leaves an edited /etc/xueji file and its mode alone" \
	sh -c "grep -q '^edited: yes' '$T/stage/etc/xueji/roles.yaml' &&
	test \"\$(stat -c %a '$T/stage/etc/xueji/roles.yaml')\" = 600"
if make -s uninstall DESTDIR="$T/stage" PREFIX=/usr >"$T/out" 2>"$T/err"
then
	ok "make uninstall from the DESTDIR"
else
	not_ok "make uninstall from the DESTDIR"
fi
check "removes the binary, the man pages and the forms" sh -c \
	"! test -e '$T/stage/usr/bin/xueji' &&
	! test -e '$T/stage/usr/share/man/man7/xueji.7' &&
	! test -e '$T/stage/usr/share/man/zh_CN/man5/xueji.yaml.5' &&
	! test -e '$T/stage/usr/share/man/zh_CN/man5/xueji-forms.5' &&
	! test -e '$T/stage/usr/share/man/zh_CN/man7/xueji.7' &&
	! test -e '$T/stage/usr/share/xueji'"
check "but keeps etc/xueji and var/lib/xueji" sh -c \
	"test -f '$T/stage/etc/xueji/xueji.yaml' &&
	test -f '$T/stage/etc/xueji/roles.yaml' &&
	test -d '$T/stage/var/lib/xueji'"

# --- nothing personal on disk in the clear ------------------------------
for s in 欧阳 张三 张珊 13812345678 13912340000 62345678 \
    登记时笔误 pass-supervisor1 司马 13700001111 家长来电退学; do
	check "no \"$s\" in any file of the data directory" \
		sh -c "! grep -rq '$s' $T/data"
done

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
