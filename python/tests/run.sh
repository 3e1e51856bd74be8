#!/bin/sh
# run.sh - the Python tests (`make python-test`): the binding under $PYTHON (default python3)
# and under Debian's /usr/bin/python3, then the Dask cluster and GNU parallel tests under
# Debian's python3, which has the apt packages.  As root, missing optional packages
# (python3-distributed python3-pandas parallel) are installed with apt-get; otherwise the
# tests that need them skip, naming the command.  SANITIZE set: only the binding, with the
# sanitizer runtime preloaded (Python itself is not built with it).
set -u
B=${1:-build}
PYTHON=${PYTHON:-python3}
DEB_PYTHON=${DEB_PYTHON:-/usr/bin/python3}
root=$(pwd)
export TOPICTAG_LIB="$root/$B/libtopictag.so" TOPICTAG_CLI="$root/$B/topictag"
unset TOPICTAG_RULES TOPICTAG_PREFILTER
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
if [ "$(id -u)" = 0 ] && [ -z "${SANITIZE:-}" ] && command -v apt-get >/dev/null 2>&1; then
    missing=""
    for p in python3-distributed python3-pandas parallel; do
        installed "$p" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "python-test: installing optional packages:$missing" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
            >/dev/null 2>&1 || echo "python-test: could not install$missing; those tests skip" >&2
    fi
fi
cd python/tests || exit 1
rc=0
if [ -n "${SANITIZE:-}" ]; then
    asan=$(${CC:-cc} -print-file-name=libasan.so)
    ubsan=$(${CC:-cc} -print-file-name=libubsan.so)
    out=$(LD_PRELOAD="$asan $ubsan" ASAN_OPTIONS=detect_leaks=0 TOPICTAG_SANITIZE=1 timeout 300 \
          "$PYTHON" -m unittest -v test_binding 2>&1) || rc=1
    echo "== $PYTHON (sanitizer runtime preloaded): test_binding"
    echo "$out" | grep -e 'skipped' -e 'FAIL' -e 'ERROR' -e '^Ran' -e '^OK' -e '^FAILED'
    [ $rc = 0 ] || echo "$out"
    echo "python-test: the Dask and GNU parallel tests are skipped in a sanitizer build" \
         "(run make test without SANITIZE)"
    exit $rc
fi
for py in "$PYTHON" "$DEB_PYTHON"; do
    out=$(timeout 300 "$py" -m unittest -v test_binding 2>&1) || rc=1
    echo "== $py: test_binding"
    echo "$out" | grep -e 'skipped' -e 'FAIL' -e 'ERROR' -e '^Ran' -e '^OK' -e '^FAILED'
    [ $rc = 0 ] || echo "$out"
done
out=$(timeout 300 "$DEB_PYTHON" -m unittest -v test_dask test_parallel 2>&1) || rc=1
echo "== $DEB_PYTHON: test_dask test_parallel"
echo "$out" | grep -e 'skipped' -e 'FAIL' -e 'ERROR' -e '^Ran' -e '^OK' -e '^FAILED'
[ $rc = 0 ] || echo "$out"
[ $rc = 0 ] && echo "python: passed" || echo "python: FAILED"
exit $rc
