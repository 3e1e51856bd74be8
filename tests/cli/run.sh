#!/bin/sh
# run.sh - golden CLI tests.  Each folder in tests/cli/cases/ holds:
#   cmd      one shell command, run from the project root; $TOPICTAG is the binary under test
#   stdin    (optional) fed to the command; otherwise stdin is /dev/null
#   stdout, stderr, status   the expected output and exit code
#   needs    (optional) a path that must exist, else the case is skipped (shared data)
# UPDATE=1 rewrites the expected files from the current output (review the diff!).
# VALGRIND=1 runs every command under valgrind and fails on any error or leak.
set -u
TOPICTAG=${1:-build/topictag}
case "$TOPICTAG" in /*) ;; *) TOPICTAG="$(pwd)/$TOPICTAG" ;; esac
if [ "${VALGRIND:-0}" = 1 ]; then
    export TOPICTAG_NO_JIT=1    # valgrind cannot follow JIT code's wide reads
    TOPICTAG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99 $TOPICTAG"
fi
export TOPICTAG
unset TOPICTAG_RULES
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
for dir in tests/cli/cases/*/; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    if [ -f "$dir/needs" ] && [ ! -e "$(cat "$dir/needs")" ]; then
        echo "skip: $name (needs $(cat "$dir/needs"), not present)"
        skip=$((skip + 1))
        continue
    fi
    if [ "${VALGRIND:-0}" = 1 ] && [ -f "$dir/novalgrind" ]; then
        echo "skip: $name (too slow under valgrind)"
        skip=$((skip + 1))
        continue
    fi
    input=/dev/null
    [ -f "$dir/stdin" ] && input="$dir/stdin"
    sh -c "$(cat "$dir/cmd")" <"$input" >"$tmp/stdout" 2>"$tmp/stderr"
    echo $? >"$tmp/status"
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$tmp/stdout" "$tmp/stderr" "$tmp/status" "$dir/"
        echo "updated: $name"
        continue
    fi
    ok=1
    for f in status stdout stderr; do
        if ! cmp -s "$tmp/$f" "$dir/$f"; then
            [ $ok = 1 ] && echo "FAIL: $name"
            ok=0
            echo "--- $f differs (expected vs actual):"
            diff "$dir/$f" "$tmp/$f" | head -20
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
