#!/bin/sh
# Sum the "FIGURES <test> runs=… ops=… lost=… corrupt=… crashes=… leaks=…"
# lines of the logs given into one table, a row per kind of test and a
# total.  Exit non-zero when anything was lost, corrupt, crashed or
# leaked.  xueji — GPL-3.0-or-later.
set -u
cat "$@" | awk '
$1 == "FIGURES" {
	t = $2
	sub(/-[0-9]+$/, "", t)		# fullfs-rlimit, crash, …
	if (!(t in seen)) { seen[t] = 1; order[n++] = t }
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		v[t, kv[1]] += kv[2]
		tot[kv[1]] += kv[2]
	}
}
END {
	split("runs ops lost corrupt crashes leaks", col, " ")
	printf "%-16s", "test"
	for (c = 1; c <= 6; c++) printf " %9s", col[c]
	printf "\n"
	for (r = 0; r < n; r++) {
		printf "%-16s", order[r]
		for (c = 1; c <= 6; c++) printf " %9d", v[order[r], col[c]]
		printf "\n"
	}
	printf "%-16s", "total"
	for (c = 1; c <= 6; c++) printf " %9d", tot[col[c]]
	printf "\n"
	exit (tot["lost"] + tot["corrupt"] + tot["crashes"] + tot["leaks"]) > 0
}'
