#!/bin/sh
# run.sh - golden CLI tests.  Each folder in tests/cli/cases/ holds:
#   cmd      one shell command, run from the project root; $TOPICTAG is the binary under test
#   stdin    (optional) fed to the command; otherwise stdin is /dev/null
#   stdout, stderr, status   the expected output and exit code
#   needs    (optional) one requirement per line, else the case is skipped: a path that must
#            exist (shared data), or the word hyperscan (built with the Hyperscan prefilter),
#            no-hyperscan (built without it) or no-sanitizer (not an ASan build: $TT_SANITIZE
#            empty; AddressSanitizer reserves more address space than a prlimit --as cap)
# UPDATE=1 rewrites the expected files from the current output (review the diff!).
# VALGRIND=1 runs every command under valgrind and fails on any error or leak.
set -u
TOPICTAG=${1:-build/topictag}
case "$TOPICTAG" in /*) ;; *) TOPICTAG="$(pwd)/$TOPICTAG" ;; esac
features=$("$TOPICTAG" --version | sed -n 's/^prefilters: //p')
if [ "${VALGRIND:-0}" = 1 ]; then
    export TOPICTAG_NO_JIT=1    # valgrind cannot follow JIT code's wide reads
    TOPICTAG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99 $TOPICTAG"
fi
export TOPICTAG
unset TOPICTAG_RULES TOPICTAG_PREFILTER
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cache"
export TOPICTAG_CACHE_DIR="$tmp/cache"   # the Hyperscan database cache: never the user's
pass=0 fail=0 skip=0
for dir in tests/cli/cases/*/; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    missing=""
    if [ -f "$dir/needs" ]; then
        while IFS= read -r need; do
            [ -n "$need" ] || continue
            if [ "$need" = hyperscan ]; then
                case " $features " in
                *" hyperscan "*) ;;
                *) missing="the Hyperscan prefilter (install libhyperscan-dev and rebuild)" ;;
                esac
            elif [ "$need" = no-sanitizer ]; then
                [ -z "${TT_SANITIZE:-}" ] || missing="a build without sanitizers"
            elif [ "$need" = no-hyperscan ]; then
                case " $features " in
                *" hyperscan "*) missing="a build without the Hyperscan prefilter" ;;
                esac
            elif [ ! -e "$need" ]; then
                missing="$need, not present"
            fi
        done <"$dir/needs"
    fi
    if [ -n "$missing" ]; then
        echo "skip: $name (needs $missing)"
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
