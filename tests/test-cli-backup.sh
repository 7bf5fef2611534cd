#!/bin/sh
# The command line of backups, restore drills, restore, the CSV export,
# reports and the access analysis: exit codes, what is printed, and the
# files left behind.  Prints one "ok - …" or "not ok - …" line per check
# (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
lockpid=
trap '[ -n "$lockpid" ] && kill "$lockpid" 2>/dev/null; rm -rf "$T"' EXIT
# A drill's private copy goes into the data directory, never here.
mkdir -m 700 "$T/tmp"
TMPDIR=$T/tmp
export TMPDIR

branch_config "backup_dir: $T/backups
analysis:
  burst_count: 3
  burst_minutes: 10"
passphrases supervisor1 supervisor2 reception1 auditor1
# The rows of a report in CSV, without the header: "report,metric,value".
csv_has() { grep -qx "$1" "$T/out"; }

# --- a small branch -------------------------------------------------------
expect 0 "init" as supervisor1 init
for id in reception1 supervisor2 auditor1; do
	expect 0 "add $id" $X -u supervisor1 --passphrase-fd 3 \
		--new-passphrase-fd 4 operator add "$id" 3<"$T/supervisor1" \
		4<"$T/$id"
	expect 0 "$id chooses their own passphrase" own "$id"
done
expect 0 "enrol a first student" as reception1 student add name=欧阳娜娜 \
	birth_month=2018-03 guardian_name=欧阳明 guardian_phone=13812345678 \
	--consent in-person
NO1=$(cat "$T/out")
expect 0 "a second" as reception1 student add name=张三 birth_month=2019-05 \
	guardian_name=张大 guardian_phone=13912345678 --consent online
NO2=$(cat "$T/out")
expect 0 "a third, completed" as reception1 student add name=李四 \
	birth_month=2017-01 guardian_name=李大 guardian_phone=13700001111 \
	--consent online
NO3=$(cat "$T/out")
expect 0 "who completes" as supervisor1 status set "$NO3" completed \
	--reason 结业

# --- backup -------------------------------------------------------------
expect 64 "backup takes one file at most" as supervisor1 backup a b
expect 77 "a receptionist cannot back up" as reception1 backup
expect 77 "nor an auditor" as auditor1 backup
expect 0 "a supervisor backs up" as supervisor1 backup
B1=$(cat "$T/out")
check "printing the path, in backup_dir, named by branch and time" \
	sh -c "echo '$B1' | grep -qx '$T/backups/SH01-[0-9]\{8\}-[0-9]\{6\}\.xjb'"
check "the file is there, mode 0600" test "$(stat -c %a "$B1")" = 600
check "and holds no name in the clear" sh -c "! grep -q 欧阳 '$B1'"
expect 0 "a backup to a file of one's choosing" as supervisor1 backup \
	"$T/b2.xjb"
check "prints it" grep -qx "$T/b2.xjb" "$T/out"
expect 69 "an existing file is never replaced" as supervisor1 backup \
	"$T/b2.xjb"
mkdir -m 700 "$T/usb"
expect 0 "a backup to a folder (a USB stick's)" as supervisor1 backup \
	"$T/usb"
check "goes into it under the branch's name and the time" \
	sh -c "grep -qx '$T/usb/SH01-[0-9]\{8\}-[0-9]\{6\}\.xjb' '$T/out' &&
	test -f \"\$(cat '$T/out')\""

# --- restore drill ---------------------------------------------------------
expect 0 "enrol a fourth after the backup" as reception1 student add \
	name=王五 birth_month=2019-09 guardian_name=王大 \
	guardian_phone=13600002222 --consent online
NO4=$(cat "$T/out")
expect 77 "a receptionist cannot drill" as reception1 restore-drill "$B1"
expect 64 "restore-drill needs a file" as supervisor1 restore-drill
expect 0 "the drill of a good backup passes" as supervisor1 restore-drill \
	"$B1"
check "it opened" grep -qx 'opened	yes' "$T/out"
check "integrity ok" grep -qx 'integrity	ok' "$T/out"
check "chain ok" grep -qx 'chain	ok' "$T/out"
check "the same history as the live log" grep -qx 'history	same' "$T/out"
check "live and backup counts: 3 active now, 2 then" \
	grep -qx 'count	active	3	2	differs' "$T/out"
check "1 completed in both" grep -qx 'count	completed	1	1	' "$T/out"
check "a count of the log" grep -q '^count	audit	[0-9]*	[0-9]*	differs$' \
	"$T/out"
check "not suspicious" grep -qx 'suspicious	no' "$T/out"
check "nothing to destroy again" grep -qx 'reapply	0' "$T/out"
check "passed" grep -qx 'result	passed' "$T/out"
check "the private copy is gone" sh -c "! ls '$T/data' | grep -q '^drill-'"
check "and none was ever in TMPDIR" test -z "$(ls -A "$T/tmp")"

# A flipped byte inside the data (past the first page, which holds the
# key check, so the backup still opens).
cp "$B1" "$T/flipped.xjb"
size=$(stat -c %s "$T/flipped.xjb")
off=$((size - 2000))
b=$(od -An -tu1 -j "$off" -N1 "$T/flipped.xjb" | tr -d ' ')
printf "$(printf '\\%03o' $(( b ^ 255 )))" |
	dd of="$T/flipped.xjb" bs=1 seek="$off" conv=notrunc 2>/dev/null
check "(the copy differs by one byte)" \
	test "$(cmp -l "$B1" "$T/flipped.xjb" | wc -l)" -eq 1
expect 1 "the drill of a damaged backup fails with exit 1" as supervisor1 \
	restore-drill "$T/flipped.xjb"
check "saying so" grep -qx 'result	failed' "$T/out"
check "and why" grep -q '^problem	.' "$T/out"
check "it opened, but integrity or chain failed" \
	grep -q '	failed$' "$T/out"
head -c 4096 /dev/urandom >"$T/noise.xjb"
expect 65 "noise is not a backup this key opens" as supervisor1 \
	restore-drill "$T/noise.xjb"
check "not opened" grep -qx 'opened	no' "$T/out"
expect 66 "no such file" as supervisor1 restore-drill "$T/nope.xjb"
expect 0 "the log" as auditor1 audit --action backup.
check "records the backups" grep -q '	backup.create	' "$T/out"
check "the passed drill" grep -q '	backup.drill	.*result=ok' "$T/out"
check "and the failed one" grep -q '	backup.drill	.*result=failed' "$T/out"

# --- restore ------------------------------------------------------------
expect 77 "a receptionist cannot restore" as reception1 restore "$B1"
expect 64 "restore needs a file" as supervisor1 restore
# Another session stays open, as a TUI would: supervisor2's drill of a
# FIFO, which waits in the middle of the copy for the rest of it.
# started_in DIR PATTERN: wait (10 s at most) for a file PATTERN in DIR.
started_in() {
	i=0
	while [ $i -lt 200 ]; do
		ls "$1" 2>/dev/null | grep -q "$2" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
mkfifo "$T/pipe.xjb"
$X -u supervisor2 --passphrase-fd 3 restore-drill "$T/pipe.xjb" \
	3<"$T/supervisor2" >/dev/null 2>&1 &
lockpid=$!
check "supervisor2's session is open" started_in "$T/data" '^session\.'
exec 5<>"$T/pipe.xjb"
head -c 65536 "$B1" >&5
cp "$T/data/branch.db" "$T/before.db"
expect 75 "restore refuses while another session is open" as supervisor1 \
	restore "$B1"
check "naming who holds it" grep -q 'another xueji session is open on this branch, by 张伟 (supervisor2)' "$T/err"
expect 75 "in Chinese too" env LANGUAGE=zh_CN $X -u supervisor1 \
	--passphrase-fd 3 restore "$B1" 3<"$T/supervisor1"
check "as 张伟（supervisor2）" grep -q '使用者：张伟（supervisor2）' "$T/err"
check "and no safety copy is made" sh -c "! ls $T/data | grep -q before-restore"
check "the drill is under way, its copy in the data directory" \
	started_in "$T/data" '^drill-'
D=$(ls -d "$T"/data/drill-*)
check "in a folder of its own, 0700" test "$(stat -c %a "$D")" = 700
check "holding what was read so far" started_in "$D" '^drill\.db$'
# Killed in the middle, as the power or the OOM killer would: its
# session's file stays behind, but nobody holds it any more.
kill -9 "$lockpid"
wait "$lockpid" 2>/dev/null
lockpid=
exec 5>&-
check "the killed session left its file" started_in "$T/data" '^session\.'
check "and the drill its folder" test -d "$D"
ls "$T/data" | grep '^session\.' >"$T/stale"
expect 0 "the fourth student is still there" as reception1 student show \
	"$NO4"
check "the next login removed the killed session's file" sh -c \
	"! ls '$T/data' | grep -qF -f '$T/stale'"
check "and the killed drill's folder" test ! -e "$D"
expect 0 "the next drill passes" as supervisor1 restore-drill "$B1"
check "and leaves nothing behind" sh -c "! ls '$T/data' | grep -q '^drill-'"
expect 66 "a missing backup" as supervisor1 restore "$T/nope.xjb"
expect 65 "a damaged one is not restored" as supervisor1 restore \
	"$T/noise.xjb"
expect 0 "alone, a supervisor restores" as supervisor1 restore "$B1"
SAFE=$(cat "$T/out")
check "printing the safety copy" \
	sh -c "echo '$SAFE' | grep -q '^$T/data/branch.db.before-restore-'"
check "which exists" test -s "$SAFE"
expect 66 "the fourth student is gone with the restore" as reception1 \
	student show "$NO4"
expect 0 "the first is there" as reception1 student show "$NO1"
check "by name" grep -qx 'name	欧阳娜娜' "$T/out"
expect 0 "verify passes after the restore" as auditor1 verify
expect 0 "the restore is logged" as auditor1 audit --action backup.restore
check "with the safety copy" grep -q 'result=ok safety=branch.db.before-restore-' \
	"$T/out"

# --- export ---------------------------------------------------------------
expect 64 "export needs --purpose" as supervisor1 export "$T/e.csv"
check "and creates nothing" test ! -e "$T/e.csv"
expect 64 "export needs a file" as supervisor1 export --purpose 家长会
expect 64 "an unknown encoding" as supervisor1 export --encoding latin1 \
	--purpose 家长会 "$T/e.csv"
expect 77 "a receptionist cannot export" as reception1 export \
	--purpose 家长会 "$T/e.csv"
check "and no file is left" test ! -e "$T/e.csv"
expect 0 "a supervisor exports, UTF-8" as supervisor1 export \
	--purpose 家长会名单 "$T/e.csv"
check "mode 0600" test "$(stat -c %a "$T/e.csv")" = 600
check "starting with the BOM" \
	test "$(od -An -tx1 -N3 "$T/e.csv" | tr -d ' ')" = efbbbf
check "a header and three rows" test "$(wc -l <"$T/e.csv")" -eq 4
check "CRLF line ends" test "$(tr -cd '\r' <"$T/e.csv" | wc -c)" -eq 4
check "with the names" grep -q "^$NO1,active,欧阳娜娜," "$T/e.csv"
check "the completed one" grep -q "^$NO3,completed,李四," "$T/e.csv"
check "saying how many" grep -q '3 students exported' "$T/err"
expect 69 "an existing file is never overwritten" as supervisor1 export \
	--purpose 家长会名单 "$T/e.csv"
check "and left as it was" grep -q "^$NO1," "$T/e.csv"
expect 0 "only the completed" as supervisor1 export --status completed \
	--purpose 结业证书 "$T/c.csv"
check "one row" test "$(wc -l <"$T/c.csv")" -eq 2
expect 0 "GB18030" as supervisor1 export --encoding gb18030 \
	--purpose 家长会名单 "$T/g.csv"
check "is not UTF-8" sh -c "! grep -q 欧阳 '$T/g.csv'"
iconv -f GB18030 -t UTF-8 "$T/g.csv" >"$T/g-utf8.csv" 2>/dev/null
tail -c +4 "$T/e.csv" >"$T/e-nobom.csv"
check "and decodes to the same rows" cmp -s "$T/g-utf8.csv" "$T/e-nobom.csv"
expect 0 "to standard output" as supervisor1 export --purpose 核对 -
check "the CSV itself" grep -q "^$NO2,active,张三," "$T/out"
expect 0 "the log" as auditor1 audit --action export.run
check "has the row counts" test "$(grep -c 'rows=' "$T/out")" -ge 4
check "but not the purpose" sh -c "! grep -q 家长会 $T/out"
# The purpose leaves the arguments before the passphrase is read.
mkfifo "$T/fifo"
$X -u supervisor1 --passphrase-fd 3 export --purpose=秘密目的 \
	"$T/s.csv" 3<>"$T/fifo" >/dev/null 2>&1 &
pid=$!
check "the purpose is wiped from the arguments" args_wiped $pid export 秘密
cat "$T/supervisor1" >"$T/fifo"
wait $pid
check "(and that export went through)" test -s "$T/s.csv"

# --- reports --------------------------------------------------------------
expect 77 "a receptionist has no reports" as reception1 report
expect 64 "an unknown report" as supervisor1 report frobs
expect 0 "the status report" as supervisor1 report status
check "a title" grep -q '^[^ ]' "$T/out"
check "2 active" grep -q '^  active  *2$' "$T/out"
check "1 completed" grep -q '^  completed  *1$' "$T/out"
check "0 withdrawn" grep -q '^  withdrawn  *0$' "$T/out"
check "0 destroyed" grep -q '^  destroyed  *0$' "$T/out"
expect 0 "as CSV" as auditor1 report status --csv
check "the header first" test "$(head -n 1 "$T/out")" = report,metric,value
check "active,2" csv_has 'status,active,2'
check "completed,1" csv_has 'status,completed,1'
check "withdrawn,0" csv_has 'status,withdrawn,0'
check "destroyed,0" csv_has 'status,destroyed,0'
check "frozen,0" csv_has 'status,frozen,0'
check "nothing else" test "$(wc -l <"$T/out")" -eq 6
expect 0 "all reports, as CSV" as auditor1 report all --csv
check "one header" test "$(grep -c '^report,metric,value$' "$T/out")" -eq 1
check "3 live records" csv_has 'completeness,live,3'
check "no pending request" csv_has 'pending,total,0'
check "no review overdue" csv_has 'reviews,overdue,0'
check "no destruction" csv_has 'destruction,executed,0'
for r in status completeness pending reviews destruction; do
	check "has $r" grep -q "^$r," "$T/out"
done
expect 0 "all reports, as text" as supervisor1 report
check "five, a blank line between" test "$(grep -c '^$' "$T/out")" -eq 4
expect 0 "the log" as auditor1 audit --action report.view
check "has each report made" test "$(wc -l <"$T/out")" -ge 12

# --- access analysis ----------------------------------------------------
for i in 1 2 3 4 5; do
	as reception1 student show "$NO1" >/dev/null 2>&1
done
expect 77 "a receptionist cannot analyse the log" as reception1 analysis
expect 77 "nor a supervisor" as supervisor1 analysis
expect 64 "a bad date" as auditor1 analysis --since 2026-13-01
expect 64 "until before since" as auditor1 analysis --since 2026-05-02 \
	--until 2026-05-01
expect 0 "an auditor analyses the log" as auditor1 analysis
check "finding reception1's burst of views" \
	grep -q "^burst	reception1	20[0-9T:-]*Z	20[0-9T:-]*Z	[5-9]	[0-9]*	[0-9]*		$" \
	"$T/out"
check "nine tab-separated columns on each line" \
	sh -c "! awk -F '\\t' 'NF != 9' $T/out | grep -q ."
expect 0 "from yesterday through today" as auditor1 analysis \
	--since "$(date -d yesterday +%Y-%m-%d)" --until "$(date +%Y-%m-%d)"
check "finds it too" grep -q '^burst	reception1	' "$T/out"
expect 0 "in 1999" as auditor1 analysis --until 1999-12-31
check "nothing" test ! -s "$T/out"
check "the drills left nothing behind" sh -c \
	"! ls '$T/data' | grep -q '^drill-' && test -z \"\$(ls -A '$T/tmp')\""
expect 0 "the analysis is logged" as auditor1 audit --action audit.analysis
check "each time" test "$(wc -l <"$T/out")" -ge 3

# --- the certificate names the backup still holding the data (issue 17)
expect 0 "a backup while $NO1 is held" as supervisor1 backup
BK=$(basename "$(cat "$T/out")")
expect 0 "its destruction is asked for" as reception1 destroy request \
	"$NO1" --reason guardian-request
DR=$(cat "$T/out")
expect 0 "and approved" as supervisor1 destroy approve "$DR"
expect 0 "the certificate" as supervisor1 destroy show "$NO1"
check "names that backup and when rotation removes it" grep -q \
	"^Backups: *the newest backup holding the data is $BK, made on 20[0-9-]*; rotation removes it after 20[0-9-]*\$" \
	"$T/out"

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
