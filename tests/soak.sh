#!/bin/sh
# soak.sh TOPICTAG MB - classifies MB megabytes of generated JSON Lines through stdin under a
# 256 MB address-space cap (prlimit --as) and checks the record count and that no error was
# reported.  `make test` runs it with a short budget (SOAK_MB, default 64); `make soak` with
# 1024.  Bounded in time: timeout stops topictag.  SOAK_NO_CAP=1 (sanitizer builds, whose
# shadow memory needs terabytes of address space) runs it without the cap.
set -u
TOPICTAG=$1
MB=${2:-64}
CAP=268435456
LIMIT="prlimit --as=$CAP"
what="under a 256 MB address-space cap"
if [ "${SOAK_NO_CAP:-0}" = 1 ]; then
    LIMIT=""
    what="(no address-space cap: sanitizer build)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the sample articles as records, repeated until MB megabytes: prints the record count
python3 -c '
import glob, json, sys
mb = int(sys.argv[1])
recs = [json.dumps({"id": f, "text": open(f, encoding="utf-8").read()}) + "\n"
        for f in sorted(glob.glob("samples/*.txt"))]
block = "".join(recs).encode()
n = (mb << 20) // len(block) + 1
sys.stderr.write("%d\n" % (n * len(recs)))
out = sys.stdout.buffer
for _ in range(n):
    out.write(block)
' "$MB" 2>"$tmp/count" |
    timeout $((60 + MB / 2)) $LIMIT "$TOPICTAG" classify -r rules --input jsonl \
        -f jsonl --tagged-only - 2>"$tmp/stderr" | wc -l >"$tmp/got"
want=$(cat "$tmp/count")
got=$(cat "$tmp/got")
if [ "$got" = "$want" ] && [ ! -s "$tmp/stderr" ]; then
    echo "soak: $MB MB of JSON Lines $what: $got records, no error"
    exit 0
fi
echo "soak: FAILED: $got records of $want"
cat "$tmp/stderr"
exit 1
