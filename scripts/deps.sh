#!/bin/sh
# deps.sh - make sure the system packages topictag builds against are installed.
# EXTRA_PKGS adds packages and EXTRA_TOOLS commands (package name = command name) to check.
# As root it installs what is missing with apt-get; otherwise it prints the exact command and fails.
set -u
PKGS="libpcre2-dev libyaml-dev libcmocka-dev libjansson-dev pkg-config python3"
PKGS="$PKGS ${EXTRA_PKGS:-}"   # EXTRA_PKGS: more packages a target needs (e.g. make fuzz)
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
for t in ${EXTRA_TOOLS:-}; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
# Optional: the Hyperscan prefilter (--prefilter hyperscan) is built when libhs is found.
# As root it is installed when the package registry has it (libhyperscan-dev on x86-64,
# libvectorscan-dev elsewhere); its absence never fails: the build leaves the prefilter out.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
if [ "$(id -u)" = 0 ] && [ "${TOPICTAG_NO_HYPERSCAN:-0}" != 1 ] && command -v apt-get >/dev/null 2>&1 &&
    ! installed libhyperscan-dev && ! installed libvectorscan-dev; then
    updated=0
    for opt in libhyperscan-dev libvectorscan-dev; do
        if ! apt-cache show "$opt" >/dev/null 2>&1 && [ $updated = 0 ]; then
            updated=1
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
        fi
        if apt-cache show "$opt" >/dev/null 2>&1; then
            echo "topictag: installing optional package $opt (the Hyperscan prefilter)" >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$opt" >&2 ||
                echo "topictag: could not install $opt; building without the Hyperscan prefilter" >&2
            break
        fi
    done
fi
[ -z "$missing" ] && exit 0
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "topictag: cannot check system packages (no dpkg); install:$missing" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    echo "topictag: installing missing packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2 && exit 0
    echo "topictag: apt-get failed; run: apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "topictag: missing packages:$missing" >&2
echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
exit 1
