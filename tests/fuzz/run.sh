#!/bin/sh
# run.sh - replays the fuzz regression files and runs the libFuzzer harnesses (see `make fuzz`).
#
#   sh tests/fuzz/run.sh regress BUILD_DIR HARNESS...   replay tests/fuzz/regressions/fuzz_<h>/*
#   sh tests/fuzz/run.sh fuzz BUILD_DIR SECONDS HARNESS...   replay, then fuzz each for SECONDS
#
# HARNESS is rules, condition, segment, classify or literal.
#
# Binaries are BUILD_DIR/fuzz/fuzz_<h>; corpora go to BUILD_DIR/fuzz/corpus/fuzz_<h>/ (seeded from
# the repository each time, kept between runs), crash inputs to BUILD_DIR/fuzz/artifacts/fuzz_<h>/,
# logs to BUILD_DIR/fuzz/logs/fuzz_<h>.log.  Any crash, leak, timeout, out-of-memory or sanitizer
# report fails the run (exit 1), after every harness has been tried.  Run from the project root.
set -u
mode=${1:?usage: run.sh regress|fuzz BUILD_DIR [SECONDS] HARNESS...}
bdir=${2:?build folder}
shift 2
seconds=0
if [ "$mode" = fuzz ]; then
    seconds=${1:?seconds}
    shift
fi
here=tests/fuzz
fails=0

opts_for() {   # common libFuzzer options for harness $1
    case $1 in
        rules) maxlen=16384; dict=$here/rules.dict ;;
        condition) maxlen=65536; dict=$here/condition.dict ;;
        literal) maxlen=16384; dict=$here/regex.dict ;;
        jsonl) maxlen=4096; dict=$here/json.dict ;;
        *) maxlen=65536; dict=$here/text.dict ;;
    esac
    echo "-timeout=10 -rss_limit_mb=2048 -max_len=$maxlen -dict=$dict"
}

sanitizer_report() {   # $1 = log file: 0 when it holds a crash or sanitizer report
    grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: (Address|Undefined|Leak)Sanitizer|==[0-9]+== ?ERROR|fuzz invariant failed|ALARM: working on the last Unit' "$1"
}

regress() {   # $1 = harness; 0 when every regression file passes
    h=$1 bin=$bdir/fuzz/fuzz_$1 dir=$here/regressions/fuzz_$1
    log=$bdir/fuzz/logs/fuzz_$h-regress.log
    mkdir -p "$bdir/fuzz/logs"
    set --
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        case $f in *.md|*/.gitkeep) continue ;; esac
        set -- "$@" "$f"
    done
    if [ $# -eq 0 ]; then
        echo "fuzz_$h: regressions: none"
        return 0
    fi
    # shellcheck disable=SC2046
    if "$bin" $(opts_for "$h") "$@" >"$log" 2>&1 && ! sanitizer_report "$log"; then
        echo "fuzz_$h: regressions: $# passed"
        return 0
    fi
    echo "fuzz_$h: regressions: FAILED (log: $log)" >&2
    tail -n 40 "$log" >&2
    return 1
}

fuzz() {   # $1 = harness
    h=$1 bin=$bdir/fuzz/fuzz_$1
    corpus=$bdir/fuzz/corpus/fuzz_$h art=$bdir/fuzz/artifacts/fuzz_$h/ log=$bdir/fuzz/logs/fuzz_$h.log
    mkdir -p "$corpus" "$art" "$bdir/fuzz/logs"
    python3 "$here/mkseeds.py" "$h" "$corpus" || return 1
    for f in "$here/regressions/fuzz_$h"/*; do
        [ -f "$f" ] && case $f in *.md|*/.gitkeep) ;; *) cp "$f" "$corpus/" ;; esac
    done
    start=$(date +%s)
    # shellcheck disable=SC2046
    "$bin" $(opts_for "$h") -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$art" "$corpus" >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    files=$(find "$corpus" -type f | wc -l)
    if [ "$rc" -eq 0 ] && [ -n "$runs" ] && ! sanitizer_report "$log"; then
        echo "fuzz_$h: ok: ${runs} runs in ${took} s, cov ${cov:-?}, corpus ${files} files"
        return 0
    fi
    echo "fuzz_$h: FAILED (exit $rc) after ${runs:-?} runs in ${took} s; log: $log; input: $(ls -t "$art" 2>/dev/null | head -n 1 | sed "s|^|$art|")" >&2
    grep -E -A 30 'ERROR:|runtime error:|fuzz invariant failed|ALARM' "$log" | head -n 60 >&2
    return 1
}

for h in "$@"; do
    if ! regress "$h"; then
        fails=$((fails + 1))
        continue
    fi
    if [ "$mode" = fuzz ] && ! fuzz "$h"; then
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ] || { echo "fuzz: $fails harness(es) failed" >&2; exit 1; }
exit 0
