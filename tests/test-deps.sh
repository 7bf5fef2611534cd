#!/bin/sh
# Issue 18: make deps on Debian 12 takes SQLCipher from bookworm-backports,
# adding a deb822 source for it when none is configured (and no pin), and
# on Debian 13 from the release.  build-aux/deps.sh runs against a scratch
# apt folder and os-release, with apt-get, dpkg-query and sudo replaced by
# stubs that log what they were asked: nothing on this machine changes.
# xueji — GPL-3.0-or-later.
. "$(dirname "$0")/lib/tap.sh"
DEPS=$PWD/build-aux/deps.sh

mkdir -p "$T/bin"
# dpkg-query -W -f=FORMAT PKG, from "$T/installed" ("pkg version" lines).
cat >"$T/bin/dpkg-query" <<'STUB'
#!/bin/sh
fmt=$2; p=$3
v=$(awk -v p="$p" '$1 == p { print $2 }' "$STUBS/installed")
[ -n "$v" ] || exit 1
case $fmt in *Status*) printf 'install ok installed' ;; *) printf '%s' "$v" ;; esac
STUB
printf '#!/bin/sh\necho "$*" >>"$STUBS/apt.log"\n' >"$T/bin/apt-get"
printf '#!/bin/sh\nexec "$@"\n' >"$T/bin/sudo"
chmod +x "$T/bin/"*

# deps RELEASE PKG...: run the deps step for a fresh scratch machine of
# that release (fresh unless KEEP=1); its apt folder is $T/m/apt.
deps() {
	rel=$1; shift
	if [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$T/m"
		mkdir -p "$T/m/apt/sources.list.d"
		: >"$T/m/installed"
	fi
	: >"$T/m/apt.log"
	printf 'ID=debian\nVERSION_CODENAME=%s\n' "$rel" >"$T/m/os-release"
	STUBS=$T/m PATH="$T/bin:$PATH" APT_DIR=$T/m/apt \
	    OS_RELEASE=$T/m/os-release sh "$DEPS" "$@" >"$T/out" 2>"$T/err"
}
added=$T/m/apt/sources.list.d/xueji-bookworm-backports.sources

deps bookworm pkg-config libsqlcipher-dev
check "bookworm: the step succeeds" [ $? -eq 0 ]
check "bookworm: a deb822 source for bookworm-backports is added" \
    grep -qx 'Suites: bookworm-backports' "$added"
check "bookworm: the source is deb822 with the archive key" \
    grep -qx 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
    "$added"
check "bookworm: no pin raises backports' priority" \
    [ ! -e "$T/m/apt/preferences.d" ]
check "bookworm: SQLCipher is asked for from bookworm-backports" \
    grep -q ' libsqlcipher-dev/bookworm-backports' "$T/m/apt.log"
check "bookworm: the rest from the release" \
    grep -q 'install -y -qq pkg-config ' "$T/m/apt.log"
check "bookworm: apt's lists are updated after the source is added" \
    grep -qx 'update -qq' "$T/m/apt.log"

KEEP=1 deps bookworm libsqlcipher-dev
check "bookworm, second run: the source is not added twice" \
    [ "$(ls "$T/m/apt/sources.list.d" | wc -l)" -eq 1 ]

deps bookworm libsqlcipher-dev
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\n' \
    >"$T/m/apt/sources.list.d/backports.sources"
rm -f "$added"
KEEP=1 deps bookworm libsqlcipher-dev
check "bookworm: an existing deb822 backports source is used as it is" \
    [ ! -e "$added" ]
check "bookworm: ... and SQLCipher still comes from backports" \
    grep -q 'libsqlcipher-dev/bookworm-backports' "$T/m/apt.log"

deps bookworm libsqlcipher-dev
echo 'deb http://deb.debian.org/debian bookworm-backports main' \
    >"$T/m/apt/sources.list"
rm -f "$added"
KEEP=1 deps bookworm libsqlcipher-dev
check "bookworm: an existing one-line backports source is used as it is" \
    [ ! -e "$added" ]

deps bookworm libsqlcipher-dev
echo '# deb http://deb.debian.org/debian bookworm-backports main' \
    >"$T/m/apt/sources.list"
rm -f "$added"
KEEP=1 deps bookworm libsqlcipher-dev
check "bookworm: a commented-out backports line does not count" \
    [ -e "$added" ]

deps bookworm libsqlcipher-dev pkg-config
echo 'libsqlcipher-dev 3.4.1-2' >"$T/m/installed"
echo 'pkg-config 1.8.1-1' >>"$T/m/installed"
KEEP=1 deps bookworm libsqlcipher-dev pkg-config
check "bookworm: SQLCipher 3.4.1 installed is replaced from backports" \
    grep -q 'install .* libsqlcipher-dev/bookworm-backports' "$T/m/apt.log"
echo 'libsqlcipher-dev 4.6.1-2~bpo12+1' >"$T/m/installed"
echo 'pkg-config 1.8.1-1' >>"$T/m/installed"
KEEP=1 deps bookworm libsqlcipher-dev pkg-config
check "bookworm: with 4.6.1 installed nothing is installed" \
    [ ! -s "$T/m/apt.log" ]

check "bookworm: with no bookworm source, from deb.debian.org" \
    grep -qx 'URIs: http://deb.debian.org/debian' "$added"

# A machine held to its own mirror gets backports from that mirror: the
# release's deb822 stanza (not the security one), or its one-line source.
deps bookworm libsqlcipher-dev
printf '%s\n' 'Types: deb' 'URIs: http://mirror.lan/debian-security' \
    'Suites: bookworm-security' '' 'Types: deb' \
    'URIs: http://mirror.lan/debian http://other.lan/debian' \
    'Suites: bookworm bookworm-updates' 'Components: main' \
    >"$T/m/apt/sources.list.d/debian.sources"
rm -f "$added"
KEEP=1 deps bookworm libsqlcipher-dev
check "bookworm: backports from the release's own deb822 mirror" \
    grep -qx 'URIs: http://mirror.lan/debian' "$added"
deps bookworm libsqlcipher-dev
echo 'deb [arch=amd64] https://m.lan/debian/ bookworm main' \
    >"$T/m/apt/sources.list"
rm -f "$added"
KEEP=1 deps bookworm libsqlcipher-dev
check "bookworm: backports from the release's own one-line mirror" \
    grep -qx 'URIs: https://m.lan/debian/' "$added"

deps trixie pkg-config libsqlcipher-dev
check "trixie: the step succeeds" [ $? -eq 0 ]
check "trixie: no source is added" \
    [ -z "$(ls "$T/m/apt/sources.list.d")" ]
check "trixie: SQLCipher from the release" \
    grep -q 'install -y -qq pkg-config libsqlcipher-dev$' "$T/m/apt.log"

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
