#!/bin/sh
#
# xueji — student records for a training branch.
# Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
#
# gen-pinyin.sh UNIHAN_READINGS_BZ2 > pinyin-data.c
#
# Turn Unihan's readings into the C tables pinyin.c searches: every
# Mandarin reading of every Han character, tones stripped, "ü" written
# "v" (and "lü"/"nü" also as "lu"/"nu", since that is what people type).
# Readings come from kMandarin, kHanyuPinlu (by frequency), kXHC1983,
# kTGHZ2013 and kHanyuPinyin, in that order, so the most customary one is
# first.  POSIX sh and awk only (Debian's awk is mawk).
#
# The tables, declared in include/xueji/pinyin.h:
#
#	pinyin_pool	"a\0ai\0an\0..." — each distinct syllable once
#	pinyin_syl[s]	offset of syllable s in the pool (sorted by spelling)
#	pinyin_cp[i]	the code points that have readings, ascending
#	pinyin_set[i]	which reading list code point i uses
#	pinyin_setoff[k] .. pinyin_setoff[k + 1]
#			the range of pinyin_setsyl that is reading list k
#	pinyin_setsyl[]	syllable numbers, reading lists back to back
#
# Characters share reading lists (thousands are just "yi"), so each code
# point costs six bytes.  The sizes are printed in the output's header
# and to stderr.

set -e

if [ $# -ne 1 ]; then
	echo "usage: gen-pinyin.sh Unihan_Readings.txt.bz2" >&2
	exit 64
fi
if [ ! -r "$1" ]; then
	echo "gen-pinyin.sh: $1: cannot read (install unicode-data)" >&2
	exit 66
fi

# bzcat's exit status is lost in the pipe, so a truncated or corrupt file
# is caught by the count check at the end of the awk program.
bzcat -- "$1" | LC_ALL=C awk -v src="$(basename -- "$1")" '
function hex(s,    i, n, c) {
	n = 0
	s = tolower(s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (c == 0)
			return -1
		n = n * 16 + c - 1
	}
	return n
}

# Strip the tone marks of a pinyin syllable; ü becomes v.  mawk works on
# bytes, so these are the UTF-8 sequences that occur in Unihan.
function toneless(r) {
	gsub(/ü|ǖ|ǘ|ǚ|ǜ/, "v", r)
	gsub(/ā|á|ǎ|à/, "a", r)
	gsub(/ē|é|ě|è|ê|ế|ề/, "e", r)
	gsub(/ī|í|ǐ|ì/, "i", r)
	gsub(/ō|ó|ǒ|ò/, "o", r)
	gsub(/ū|ú|ǔ|ù/, "u", r)
	gsub(/ń|ň|ǹ/, "n", r)
	gsub(/ḿ/, "m", r)
	gsub(/\314[\200-\277]|\315[\200-\257]/, "", r)	# U+0300..036F
	r = tolower(r)
	if (r !~ /^[a-z]+$/) {
		printf "gen-pinyin.sh: unknown letter in \"%s\"\n", r \
		    > "/dev/stderr"
		bad = 1
		return ""
	}
	return r
}

# Append a reading to the current character, once.
function add(r,    u) {
	r = toneless(r)
	if (r == "" || (r in seen))
		return
	seen[r] = 1
	list = list == "" ? r : list " " r
	# "lü" is typed "lv" by the book and "lu" by most people.
	if (r ~ /^[ln]v/) {
		u = r
		sub(/v/, "u", u)
		if (!(u in seen)) {
			seen[u] = 1
			list = list " " u
		}
	}
}

# Items like "10001.010:zhāng,cháng" or "0121.040:cháng": keep what
# follows the colon.
function addlocated(v,    n, i, it, m, j, rs) {
	n = split(v, it, " ")
	for (i = 1; i <= n; i++) {
		sub(/^.*:/, "", it[i])
		m = split(it[i], rs, ",")
		for (j = 1; j <= m; j++)
			add(rs[j])
	}
}

# kHanyuPinlu: "zhǎng(1879) cháng(1179)", most frequent first.
function addpinlu(v,    n, i, it, f, j, k, t) {
	n = split(v, it, " ")
	for (i = 1; i <= n; i++) {
		f[i] = it[i]
		sub(/^[^(]*\(/, "", f[i])
		sub(/\).*$/, "", f[i])
		f[i] += 0
		sub(/\(.*$/, "", it[i])
	}
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && f[j] > f[j - 1]; j--) {
			t = f[j]; f[j] = f[j - 1]; f[j - 1] = t
			t = it[j]; it[j] = it[j - 1]; it[j - 1] = t
		}
	for (i = 1; i <= n; i++)
		add(it[i])
}

function flush(    n, i, rs) {
	if (cur < 0)
		return
	list = ""
	for (k in seen)
		delete seen[k]
	n = split(fld["kMandarin"], rs, " ")
	for (i = 1; i <= n; i++)
		add(rs[i])
	addpinlu(fld["kHanyuPinlu"])
	addlocated(fld["kXHC1983"])
	addlocated(fld["kTGHZ2013"])
	addlocated(fld["kHanyuPinyin"])
	for (k in fld)
		delete fld[k]
	if (list == "")
		return
	ncp++
	cps[ncp] = cur
	lists[ncp] = list
	nr = split(list, rs, " ")
	for (i = 1; i <= nr; i++)
		if (!(rs[i] in sylno)) {
			sylno[rs[i]] = 0
			nsyl++
			syl[nsyl] = rs[i]
		}
	if (nr > maxr)
		maxr = nr
}

BEGIN {
	FS = "\t"
	cur = -1
	prev = -1
}
/^#/ || NF < 3 {
	next
}
$2 != "kMandarin" && $2 != "kHanyuPinlu" && $2 != "kXHC1983" && \
$2 != "kTGHZ2013" && $2 != "kHanyuPinyin" {
	next
}
{
	c = hex(substr($1, 3))
	if (substr($1, 1, 2) != "U+" || c < 0) {
		printf "gen-pinyin.sh: line %d: bad code point %s\n", NR, $1 \
		    > "/dev/stderr"
		bad = 1
		next
	}
	if (c != cur) {
		if (c < cur) {
			# The C side binary-searches: refuse an unsorted file.
			printf "gen-pinyin.sh: line %d: %s out of order\n", \
			    NR, $1 > "/dev/stderr"
			bad = 1
			exit 1
		}
		flush()
		cur = c
	}
	fld[$2] = $3
}
END {
	if (!bad)
		flush()
	if (bad || ncp < 20000) {
		printf "gen-pinyin.sh: %d characters read; " \
		    "is the file whole?\n", ncp > "/dev/stderr"
		exit 1
	}

	# Syllables in spelling order, numbered from 0.
	for (i = 2; i <= nsyl; i++)
		for (j = i; j > 1 && syl[j] < syl[j - 1]; j--) {
			t = syl[j]; syl[j] = syl[j - 1]; syl[j - 1] = t
		}
	for (i = 1; i <= nsyl; i++)
		sylno[syl[i]] = i - 1

	# Distinct reading lists, numbered in order of first use.
	nset = 0
	nsetsyl = 0
	for (i = 1; i <= ncp; i++) {
		if (!(lists[i] in setno)) {
			setno[lists[i]] = nset
			sets[nset] = lists[i]
			nset++
			nsetsyl += split(lists[i], rs, " ")
		}
	}
	if (nsyl > 65535 || nset > 65535 || nsetsyl > 65535) {
		print "gen-pinyin.sh: tables outgrew uint16_t" > "/dev/stderr"
		exit 1
	}
	# PINYIN_MAXREADINGS in include/xueji/pinyin.h, less one for the
	# surname reading pinyin.c may add.
	if (maxr > 15) {
		printf "gen-pinyin.sh: a character has %d readings; raise " \
		    "PINYIN_MAXREADINGS\n", maxr > "/dev/stderr"
		exit 1
	}

	pool = 0
	for (i = 1; i <= nsyl; i++)
		pool += length(syl[i]) + 1
	bytes = pool + 2 * nsyl + 6 * ncp + 2 * (nset + 1) + 2 * nsetsyl

	print "/*"
	print " * Generated by src/search/gen-pinyin.sh from " src "."
	print " * Do not edit; rebuild instead."
	print " *"
	printf " * %d characters, %d syllables, %d reading lists " \
	    "(%d entries),\n", ncp, nsyl, nset, nsetsyl
	printf " * at most %d readings a character; %d bytes of tables.\n",
	    maxr, bytes
	print " */"
	print "#include <stddef.h>"
	print "#include <stdint.h>"
	print ""
	print "#include \"xueji/pinyin.h\""
	print ""
	printf "const size_t pinyin_ncp = %d;\n", ncp
	printf "const size_t pinyin_nsyl = %d;\n", nsyl
	printf "const size_t pinyin_nset = %d;\n", nset
	print ""
	print "const char pinyin_pool[] ="
	line = "\t\""
	for (i = 1; i <= nsyl; i++) {
		w = syl[i] "\\0"
		if (length(line) + length(w) > 72) {
			print line "\""
			line = "\t\""
		}
		line = line w
	}
	print line "\";"
	print ""
	print "const uint16_t pinyin_syl[] = {"
	off = 0
	line = "\t"
	for (i = 1; i <= nsyl; i++) {
		w = off ","
		if (length(line) + length(w) + 1 > 72) {
			print line
			line = "\t"
		}
		line = line (line == "\t" ? "" : " ") w
		off += length(syl[i]) + 1
	}
	print line
	print "};"
	print ""
	print "const uint32_t pinyin_cp[] = {"
	line = "\t"
	for (i = 1; i <= ncp; i++) {
		w = sprintf("0x%x,", cps[i])
		if (length(line) + length(w) + 1 > 72) {
			print line
			line = "\t"
		}
		line = line (line == "\t" ? "" : " ") w
	}
	print line
	print "};"
	print ""
	print "const uint16_t pinyin_set[] = {"
	line = "\t"
	for (i = 1; i <= ncp; i++) {
		w = setno[lists[i]] ","
		if (length(line) + length(w) + 1 > 72) {
			print line
			line = "\t"
		}
		line = line (line == "\t" ? "" : " ") w
	}
	print line
	print "};"
	print ""
	print "const uint16_t pinyin_setoff[] = {"
	off = 0
	line = "\t"
	for (k = 0; k <= nset; k++) {
		w = off ","
		if (length(line) + length(w) + 1 > 72) {
			print line
			line = "\t"
		}
		line = line (line == "\t" ? "" : " ") w
		if (k < nset)
			off += split(sets[k], rs, " ")
	}
	print line
	print "};"
	print ""
	print "const uint16_t pinyin_setsyl[] = {"
	line = "\t"
	for (k = 0; k < nset; k++) {
		n = split(sets[k], rs, " ")
		for (j = 1; j <= n; j++) {
			w = sylno[rs[j]] ","
			if (length(line) + length(w) + 1 > 72) {
				print line
				line = "\t"
			}
			line = line (line == "\t" ? "" : " ") w
		}
	}
	print line
	print "};"

	printf "gen-pinyin.sh: %d characters, %d syllables, %d reading " \
	    "lists, %d bytes\n", ncp, nsyl, nset, bytes > "/dev/stderr"
}'
