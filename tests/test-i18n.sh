#!/bin/sh
# The Chinese interface: po/zh_CN.po translates every message of the
# current sources (a new string without a translation fails here), the
# built catalogue is found, and the program speaks Chinese on --help, in
# an error and when xueji.yaml sets `language`.  Also: a locale that is not
# installed is reported once and the program carries on in C.UTF-8.
# Prints one "ok N - …" or "not ok N - …" line per check (TAP style).
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
# make exports XUEJI_LOCALEDIR (po/po.mk); run by hand, use the build's.
: "${XUEJI_LOCALEDIR:=$(dirname "$XUEJI")/locale}"
export XUEJI_LOCALEDIR
PO=po/zh_CN.po
# A failure shows the last command's stdout and stderr, 20 lines each.
tap_diag() {
	for f in "$T/out" "$T/err"; do
		[ -s "$f" ] && sed "s/^/#   $(basename "$f"): /" "$f" | head -20
	done
	return 0
}

# Every message has a Chinese translation -------------------------------

# The same extraction as "make pot" (po/po.mk), into a scratch folder.
find src -name '*.c' | LC_ALL=C sort > "$T/files"
xgettext --keyword=_ --keyword=N_ --keyword=C_:1c,2 --from-code=UTF-8 --language=C \
    --add-comments --sort-by-file --files-from="$T/files" \
    -o "$T/xueji.pot" 2>"$T/err"
check "xgettext extracts the messages of src/" test -s "$T/xueji.pot"

# msgcmp: every msgid of the current sources is in the po file.
msgcmp "$PO" "$T/xueji.pot" >"$T/out" 2>"$T/err"
check "po/zh_CN.po has every message of the current sources (msgcmp)" \
    test $? -eq 0

# --check also checks the printf formats of each translation.
msgfmt --check --statistics -o "$T/xueji.mo" "$PO" >"$T/out" 2>"$T/err"
check "msgfmt --check accepts po/zh_CN.po (formats, header)" test $? -eq 0
stats=$(cat "$T/err")
case $stats in
*fuzzy*|*untranslated*)
	not_ok "no fuzzy or untranslated message: $stats" ;;
*" translated message"*)
	ok "no fuzzy or untranslated message: $stats" ;;
*)
	not_ok "msgfmt --statistics said: $stats" ;;
esac

# Nothing the po file holds is stale either: obsolete entries (#~) are
# dropped by "make po-update".
if grep -q '^#~' "$PO"; then
	not_ok "po/zh_CN.po has no obsolete entries"
else
	ok "po/zh_CN.po has no obsolete entries"
fi

# Chinese punctuation in Chinese text (issue 20): no ASCII : , ( ) next
# to a CJK character in a translation that holds any.  Formats (%s: %s),
# times (14:03), paths, keys (F2, ^Q), a manual page's name (xueji(7))
# and a file's key in quotes ("roles:") are not next to one, or are
# allowed by name.
perl -CSD -ne '
	use utf8;
	our ($cur, $id, $str, $in);
	sub done {
		return unless $in && $str =~ /\p{Han}/;
		my $s = $str;
		$s =~ s/[a-z][a-z0-9-]*\([1-9]\)//g;		# xueji(7)
		$s =~ s/“[a-z_]+:”//g;				# "roles:"
		my $c = qr/[\p{Han}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}“”]/;
		print "msgid \"$id\": $&\n" while
		    $s =~ /.{0,4}(?:(?<=$c)[:,()]|[:,()](?=$c)).{0,4}/g;
	}
	chomp;
	if (/^msgid "(.*)"$/) { done(); ($in, $cur, $id) = (0, "id", $1); }
	elsif (/^msgstr(?:\[\d+\])? "(.*)"$/) {
		done(); ($in, $cur, $str) = (1, "str", $1);
	} elsif (/^"(.*)"$/) { $cur eq "str" ? ($str .= $1) : ($id .= $1); }
	else { done(); ($in, $cur) = (0, ""); }
	END { done(); }
' "$PO" >"$T/out" 2>"$T/err"
check "po/zh_CN.po: no ASCII : , ( ) next to Chinese text" \
    test ! -s "$T/out" -a ! -s "$T/err"

check "the build has the catalogue ($XUEJI_LOCALEDIR)" \
    test -s "$XUEJI_LOCALEDIR/zh_CN/LC_MESSAGES/xueji.mo"

# The program speaks Chinese ---------------------------------------------

# glibc ignores LANGUAGE only in the "C" and "POSIX" locales; C.UTF-8 is
# neither, so LANGUAGE=zh_CN needs no generated zh_CN.UTF-8 locale.
if [ "$(LC_ALL=C.UTF-8 locale charmap 2>/dev/null)" != UTF-8 ]; then
	for i in 1 2 3 4 5 6 7 8 9; do
		skip "the C.UTF-8 locale is not installed"
	done
else
	LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$XUEJI" --help >"$T/out" 2>"$T/err"
	check "LANGUAGE=zh_CN: --help is Chinese" \
	    grep -q '^用法：xueji' "$T/out"

	env -u LANGUAGE LC_ALL=C.UTF-8 "$XUEJI" --help >"$T/out" 2>"$T/err"
	check "without LANGUAGE: --help is English" \
	    grep -q '^usage: xueji' "$T/out"

	LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$XUEJI" frobnicate >"$T/out" 2>"$T/err"
	rc=$?
	check "LANGUAGE=zh_CN: an unknown command is refused in Chinese" \
	    grep -q '未知命令“frobnicate”' "$T/err"
	check "… with exit status 64" test $rc -eq 64

	printf 'branch:\n  code: SH01\n  name: 测试校区\nbranch_cod: SH02\n' \
	    > "$T/bad.yaml"
	chmod 600 "$T/bad.yaml"
	LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$XUEJI" -c "$T/bad.yaml" student list \
	    >"$T/out" 2>"$T/err"
	check "LANGUAGE=zh_CN: a config error is Chinese, with file:line:column" \
	    grep -q 'bad.yaml:4:1: 未知的键“branch_cod”' "$T/err"

	# An unknown locale: said once, in English, and the program goes on
	# in C.UTF-8 with the messages LANGUAGE asks for.
	env -u LC_ALL -u LC_MESSAGES LANG=zz_ZZ.UTF-8 LANGUAGE=zh_CN \
	    "$XUEJI" --help >"$T/out" 2>"$T/err"
	if [ $? -eq 0 ] && grep -q '^用法：xueji' "$T/out" &&
	    [ "$(grep -c 'locale zz_ZZ.UTF-8 is not installed' "$T/err")" = 1 ]
	then
		ok "a locale that is not installed is reported once; still Chinese"
	else
		not_ok "a locale that is not installed is reported once; still Chinese"
	fi

	# Not installed and no LANGUAGE: the language is taken from the
	# locale asked for.  Where zh_CN.UTF-8 is generated it is simply used.
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 \
	    "$XUEJI" --help >"$T/out" 2>"$T/err"
	check "LANG=zh_CN.UTF-8, generated or not: --help is Chinese" \
	    grep -q '^用法：xueji' "$T/out"

	# Issue 20: without XUEJI_LOCALEDIR (./xueji run by hand, not under
	# make) the binary finds the catalogue of its build beside it; a
	# copy of it elsewhere has none and speaks English.
	env -u XUEJI_LOCALEDIR LC_ALL=C.UTF-8 LANGUAGE=zh_CN \
	    "$XUEJI" --help >"$T/out" 2>"$T/err"
	check "no XUEJI_LOCALEDIR: the build's own catalogue is found" \
	    grep -q '^用法：xueji' "$T/out"
	# Unless xueji is installed for the PREFIX this binary was built
	# for: then the copy rightly finds the installed catalogue.
	mkdir "$T/elsewhere" && cp "$XUEJI" "$T/elsewhere/xueji"
	installed=$(grep -a -o '/[^[:cntrl:]]*/share/locale' "$XUEJI" |
	    head -n 1)/zh_CN/LC_MESSAGES/xueji.mo
	if [ -e "$installed" ]; then
		skip "a copy without build/locale: $installed is installed"
	else
		env -u XUEJI_LOCALEDIR LC_ALL=C.UTF-8 LANGUAGE=zh_CN \
		    "$T/elsewhere/xueji" --help >"$T/out" 2>"$T/err"
		check "… and a copy without build/locale beside it has none" \
		    grep -q '^usage: xueji' "$T/out"
	fi
fi

# language in xueji.yaml ---------------------------------------------------

install -m 600 config/roles.yaml "$T/roles.yaml"
conf() {
	{
		printf 'branch:\n  code: SH01\n  name: 测试校区\n'
		printf 'data_dir: data\nforms_dir: %s/forms\n' "$PWD"
		[ -n "$1" ] && printf 'language: %s\n' "$1"
	} > "$T/xueji.yaml"
	chmod 600 "$T/xueji.yaml"
}
# No branch in data/: the error comes after the configuration is loaded.
list() {
	echo not-a-passphrase | "$@" "$XUEJI" -c "$T/xueji.yaml" -u reception1 \
	    --passphrase-fd 0 student list >"$T/out" 2>"$T/err"
}
conf zh_CN
list env -u LANGUAGE LC_ALL=C.UTF-8
check "language: zh_CN in xueji.yaml: messages are Chinese" \
    grep -q '目录不存在；请用 xueji init 创建校区' "$T/err"
conf en
list env LANGUAGE=zh_CN LC_ALL=C.UTF-8
check "language: en in xueji.yaml wins over LANGUAGE=zh_CN" \
    grep -q 'no such directory; create the branch with xueji init' "$T/err"
conf ../../etc
"$XUEJI" -c "$T/xueji.yaml" student list >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 78 ] && grep -q 'xueji.yaml:6:11: language is a name' "$T/err"
then
	ok "language: a path is refused (exit 78, file:line:column)"
else
	not_ok "language: a path is refused (exit 78, file:line:column)"
fi

echo "1..$n"
[ $bad -eq 0 ]
