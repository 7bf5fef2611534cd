#!/bin/sh
# Install the Debian packages given, those that are missing (make deps,
# .ci/run).  xueji — GPL-3.0-or-later.
#
# SQLCipher must be 4.6 or later.  Debian 13 (trixie) and later ship it;
# Debian 12 (bookworm) has 3.4.1, and 4.6.1 in bookworm-backports.  On
# bookworm this adds a deb822 source for bookworm-backports when none is
# configured, on the mirror the release comes from, with backports'
# default low priority (100: no pin is written), so that only what is
# asked for by name, here libsqlcipher-dev/bookworm-backports and its
# library, comes from there and nothing else is upgraded.
#
# APT_DIR (/etc/apt) and OS_RELEASE (/etc/os-release) may point
# elsewhere: tests/test-deps.sh runs this against a scratch folder.
set -eu
APT_DIR=${APT_DIR:-/etc/apt}
OS_RELEASE=${OS_RELEASE:-/etc/os-release}
SQLCIPHER_MIN=4.6

codename() {
	# shellcheck disable=SC1090
	( . "$OS_RELEASE" && echo "${VERSION_CODENAME:-}" )
}

# Whether an apt source for bookworm-backports is configured already,
# one-line (.list) or deb822 (.sources), not commented out.
have_backports() {
	for f in "$APT_DIR"/sources.list "$APT_DIR"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		grep -Eq '^[[:space:]]*deb[[:space:]].*[[:space:]]bookworm-backports([[:space:]]|$)' \
		    "$f" && return 0
	done
	for f in "$APT_DIR"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		grep -Eiq '^[[:space:]]*Suites:.*[[:space:]]bookworm-backports([[:space:]]|$)' \
		    "$f" && return 0
	done
	return 1
}

# The mirror the release itself comes from (its first URI), so that a
# machine held to one mirror, or a local one, gets backports from there
# too; deb.debian.org when no bookworm source is found.
mirror() {
	for f in "$APT_DIR"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822: the stanza (blank-line separated) naming bookworm.
		awk 'BEGIN { RS = ""; IGNORECASE = 1 }
		    /(^|\n)[ \t]*Suites:[^\n]*[ \t]bookworm([ \t\n]|$)/ &&
		    !/(^|\n)[ \t]*Enabled:[ \t]*no/ {
			n = split($0, l, "\n")
			for (i = 1; i <= n; i++)
				if (l[i] ~ /^[ \t]*URIs:/) {
					split(l[i], w, /[ \t]+/)
					for (j = 1; j in w; j++)
						if (w[j] ~ /^[a-z+]+:\/\//) {
							print w[j]; exit
						}
				}
		}' "$f"
	done
	for f in "$APT_DIR"/sources.list "$APT_DIR"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [options] URI bookworm component...
		sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]\{1,\}\)[[:space:]]\{1,\}bookworm[[:space:]].*/\2/p' "$f"
	done
	echo http://deb.debian.org/debian
}

add_backports() {
	f=$APT_DIR/sources.list.d/xueji-bookworm-backports.sources
	uri=$(mirror | head -n 1)
	echo "adding $f (bookworm-backports from $uri, default priority)"
	$SUDO mkdir -p "$APT_DIR/sources.list.d"
	printf '%s\n' \
	    '# Added by xueji (make deps) for SQLCipher 4.6: backports keep' \
	    '# their default low priority, so nothing else comes from here' \
	    '# unless it is asked for by name.' \
	    'Types: deb' \
	    "URIs: $uri" \
	    'Suites: bookworm-backports' \
	    'Components: main' \
	    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
	    $SUDO tee "$f" >/dev/null
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null |
	    grep -q 'install ok installed'
}

# Whether the installed libsqlcipher-dev is new enough.
sqlcipher_ok() {
	installed libsqlcipher-dev || return 1
	v=$(dpkg-query -W -f='${Version}' libsqlcipher-dev 2>/dev/null)
	dpkg --compare-versions "$v" ge "$SQLCIPHER_MIN"
}

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
missing=
for p in "$@"; do
	case $p in
	libsqlcipher-dev) sqlcipher_ok || missing="$missing $p" ;;
	*) installed "$p" || missing="$missing $p" ;;
	esac
done
[ -n "$missing" ] || exit 0

want=
for p in $missing; do
	if [ "$p" = libsqlcipher-dev ] && [ "$(codename)" = bookworm ]; then
		have_backports || add_backports
		p="libsqlcipher-dev/bookworm-backports"
		p="$p libsqlcipher1/bookworm-backports"
	fi
	want="$want $p"
done
echo "installing:$want"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $want
