#!/bin/sh
# Issue 7: xueji import as a script uses it — exit codes, one
# "row<TAB>number" line per student on success, one "row<TAB>column<TAB>
# message" line per problem, the summary on stderr, and nothing personal
# on stderr.  Prints one "ok - …" or "not ok - …" line per check (TAP
# style).  xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"

branch_config
passphrases supervisor1 reception1 auditor1
students() { as supervisor1 student list 2>/dev/null | wc -l; }

expect 0 "init the branch" as supervisor1 init
expect 0 "add reception1" $X -u supervisor1 --passphrase-fd 3 \
	--new-passphrase-fd 4 operator add reception1 3<"$T/supervisor1" \
	4<"$T/reception1"
expect 0 "add auditor1" $X -u supervisor1 --passphrase-fd 3 \
	--new-passphrase-fd 4 operator add auditor1 3<"$T/supervisor1" \
	4<"$T/auditor1"
expect 0 "reception1 chooses their own passphrase" own reception1
expect 0 "auditor1 chooses their own passphrase" own auditor1

# A GB18030 file as a Chinese spreadsheet program saves it: CRLF, a
# quoted value, full-width digits.
printf '%s\r\n' '学员姓名,出生年月,家长姓名,家长电话' \
	'"钱一",2017-02,钱父,13811110001' \
	'钱二,２０１７年３月,钱母,"１３８ １１１１ ０００２"' |
	iconv -f UTF-8 -t GB18030 >"$T/gb.csv"
# A UTF-8 file with a BOM and an extra column to ignore.
{ printf '\357\273\277'; printf '%s\r\n' \
	'Student name,Birth month,Guardian name,Guardian phone,班级' \
	'孙一,2016-05,孙父,13811110003,"A班, 周六"'; } >"$T/bom.csv"
# Every row wrong in its own way.
printf '%s\n' '姓名,生日,家长,电话' '李一,2017-13,李父,1381111' \
	',2017-02,李父,13811110005' '李三,2017-02,李父,13811110006' \
	>"$T/bad.csv"

expect 64 "--consent is required" as supervisor1 import "$T/gb.csv"
expect 64 "an unknown consent method is a usage error" \
	as supervisor1 import "$T/gb.csv" --consent by-pigeon
expect 64 "a bad --encoding is a usage error" \
	as supervisor1 import "$T/gb.csv" --consent signed-form \
	--encoding latin1
expect 64 "a --map without = is a usage error" \
	as supervisor1 import "$T/gb.csv" --consent signed-form --map 班级
expect 66 "a missing file exits 66" \
	as supervisor1 import "$T/nope.csv" --consent signed-form
expect 77 "a receptionist may not import" \
	as reception1 import "$T/gb.csv" --consent signed-form
check "and nothing was imported" test "$(students)" -eq 0

expect 0 "a dry run of a good file exits 0" \
	as supervisor1 import --dry-run "$T/gb.csv" --consent signed-form
check "prints nothing on stdout" test ! -s "$T/out"
check "says so on stderr" grep -q 'dry run' "$T/err"
check "and imports nothing" test "$(students)" -eq 0

expect 0 "the GB18030 file imports" \
	as supervisor1 import "$T/gb.csv" --consent signed-form
check "one row<TAB>number line per student" sh -c "
	grep -qx '2	SH01-20[0-9][0-9]-00001' '$T/out' &&
	grep -qx '3	SH01-20[0-9][0-9]-00002' '$T/out' &&
	test \$(wc -l <'$T/out') -eq 2"
check "the count on stderr" grep -q 'imported 2 students' "$T/err"
check "two students now" test "$(students)" -eq 2
expect 0 "the full-width phone was normalised" \
	as supervisor1 student find 0002
check "to ASCII digits" grep -q '13811110002' "$T/out"

expect 65 "an unknown column stops the import" \
	as supervisor1 import "$T/bom.csv" --consent in-person
check "naming row 1 and the column" grep -q '^1	班级	' "$T/out"
expect 0 "--map COLUMN=- ignores it" \
	as supervisor1 import "$T/bom.csv" --consent in-person --map 班级=-
check "and the UTF-8 file imports" test "$(students)" -eq 3

expect 65 "a file with errors exits 65" \
	as supervisor1 import "$T/bad.csv" --consent online
check "one line per problem, row and column" sh -c "
	grep -q '^2	生日	' '$T/out' && grep -q '^2	电话	' '$T/out' &&
	grep -q '^3	姓名	' '$T/out' && test \$(wc -l <'$T/out') -eq 3"
check "a summary on stderr" grep -q '3 problems in 2 of 3 rows' "$T/err"
check "nothing imported, not even the good row" test "$(students)" -eq 3
expect 65 "a dry run of it exits 65 too" \
	as supervisor1 import "$T/bad.csv" --consent online --dry-run

printf 'a,b\n"c,d\n' >"$T/open.csv"
expect 65 "a quote left open exits 65" \
	as supervisor1 import "$T/open.csv" --consent online
check "with its row and column" grep -q '^2	#1	' "$T/out"
printf '%s\n' '姓名,生日,家长,电话' '周一,2017-02,周父,13811110009' >"$T/u8.csv"
expect 65 "GB18030 chosen for a UTF-8 file fails cleanly" \
	as supervisor1 import "$T/u8.csv" --consent online --encoding gb18030

# Issue 16: a file without its header row; its first row is a child's.
printf '%s\n' '吴一,2017-02,吴父,13811110011' '吴二,2017-03,吴母,13811110012' \
	>"$T/nohead.csv"
expect 65 "a file without its header row is refused" \
	as supervisor1 import "$T/nohead.csv" --consent online
check "saying the header row is missing" grep -q 'header row' "$T/out"
check "without repeating a cell of the first row" sh -c \
	"! grep -q '吴\\|13811110011\\|2017-02' '$T/out' '$T/err'"
check "nothing imported" test "$(students)" -eq 3
# Every refused import is logged: the missing file, the unknown column,
# the rows with errors, the open quote, the wrong encoding, the missing
# header (until issue 16, only the rows with errors were).
expect 0 "the auditor reads the refusals" as auditor1 audit \
	--action import.rejected
check "all six are in the log" test "$(grep -c 'import.rejected' \
	"$T/out")" -eq 6
check "never with the file's name" sh -c "! grep -q nohead '$T/out'"

for s in 钱一 钱二 孙一 李一 李三 吴一 13811110001 13811110011 1381111; do
	check "no \"$s\" on stderr, ever" sh -c "! grep -q '$s' '$T/allerr'"
done
expect 0 "the chain verifies" as supervisor1 verify

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
