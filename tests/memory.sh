#!/bin/sh
# memory.sh TOPICTAG PEAK_RSS - the README's memory bound (issue 15), quick enough for make test.
#
#   -j 1:          peak RSS <= 20 x the largest article + 16 MB
#   -j N (N > 1):  peak RSS <= 40 x the 4N largest articles together + 16 MB
#
# Runs `classify -f jsonl` with the shipped rules on generated articles of the shapes that cost
# most per byte - one long sentence (a file of words; a JSON Lines record of matches) and text
# made of 4-byte sentences ("Go. Go. ..."), where the per-sentence records dominate - and checks
# each run's peak RSS (PEAK_RSS, tests/memory/peak_rss.c: getrusage of the child) against the
# bound.  Before the memory fix of issue 15 (commit a1d4165) 2 MB of 4-byte sentences peaked at
# 85 MB, over its 54 MB bound.
# `BENCH_MEMORY_ONLY=1 make bench` measures the same bound on 50 MB articles.  Sanitizer builds
# are skipped (AddressSanitizer's shadow memory is not the program's).
set -u
TOPICTAG=$1
PEAK_RSS=$2
K=20            # -j 1
KJ=40           # -j N: up to 4N articles in flight; those up to 1 MiB are rendered apart
M=$((16 * 1024 * 1024))
if [ -n "${TT_SANITIZE:-}" ]; then
    echo "memory: skipped: a sanitizer build ($TT_SANITIZE) measures the sanitizer's memory;" \
         "run 'make test' without SANITIZE for the memory bound"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# repeat WORD BYTES FILE: WORD repeated, cut to BYTES bytes
repeat() {
    awk -v w="$1" -v n="$2" 'BEGIN { s = w; while (length(s) < n) s = s s;
                                      printf "%s", substr(s, 1, n) }' > "$3"
}

# check LABEL BOUND_BYTES ARGS...: runs topictag classify ARGS, checks status and peak RSS
check() {
    label=$1 bound=$2
    shift 2
    "$PEAK_RSS" "$tmp/rss" "$TOPICTAG" classify -r rules -f jsonl -o /dev/null "$@" \
        2>"$tmp/stderr"
    status=$?
    kib=$(cat "$tmp/rss" 2>/dev/null || echo 0)
    peak=$((kib * 1024))
    if [ "$status" -ne 0 ] || [ "$kib" -eq 0 ]; then
        echo "memory: FAIL: $label: exit status $status"
        cat "$tmp/stderr"
        fail=$((fail + 1))
    elif [ "$peak" -gt "$bound" ]; then
        echo "memory: FAIL: $label: peak RSS $((peak / 1048576)) MB > bound $((bound / 1048576)) MB"
        fail=$((fail + 1))
    else
        echo "memory: $label: peak RSS $((peak / 1048576)) MB <= bound $((bound / 1048576)) MB"
        pass=$((pass + 1))
    fi
}

big=8000000      # one long sentence of words: fast to classify
mid=4000000      # one long sentence with three matches every 32 bytes
small=2000000    # 4-byte sentences: 500,000 of them
repeat 'word ' $big "$tmp/sentence.txt"
repeat 'North Korea fired a missile and ' $mid "$tmp/matches.txt"
{ printf '{"id": "a", "text": "'; cat "$tmp/matches.txt"; printf '"}\n'; } > "$tmp/matches.jsonl"
repeat 'Go. ' $small "$tmp/short.txt"
check "-j1, one 8 MB sentence" $((K * big + M)) -j 1 "$tmp/sentence.txt"
check "-j1, one 4 MB sentence of matches, JSON Lines" $((K * mid + M)) -j 1 --input jsonl \
    - <"$tmp/matches.jsonl"
check "-j1, 2 MB of 4-byte sentences" $((K * small + M)) -j 1 "$tmp/short.txt"

# -j 2: twelve 500 KB articles of 4-byte sentences, 8 (4N) in flight at most, each rendered
# apart by its worker (JSON Lines of 4-byte sentences is ~25 x its text)
mkdir "$tmp/many"
repeat 'Go. ' 500000 "$tmp/many/a.txt"
for i in 01 02 03 04 05 06 07 08 09 10 11; do cp "$tmp/many/a.txt" "$tmp/many/a$i.txt"; done
check "-j2, twelve 500 KB articles of 4-byte sentences" $((KJ * 8 * 500000 + M)) -j 2 "$tmp/many"

echo "memory: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
