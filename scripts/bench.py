#!/usr/bin/env python3
"""bench.py - `make bench`: speed and memory of topictag's whole job.

Builds corpora of 1, 10 and 100 MB (JSON Lines, one article per line) by repeating the
Wikipedia current-events corpus in ../shared/corpora/, classifies each with the shipped rules
(-f jsonl --summary, output written to a file) and prints wall time, MB/s, articles/s,
sentences/s and peak RSS.  No assertions: numbers are for people to read.

usage: bench.py TOPICTAG [RULES]
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.environ.get("TOPICTAG_CORPUS",
                        os.path.join(ROOT, "..", "shared", "corpora", "wikipedia-current-events",
                                     "articles.jsonl"))
OUT = os.path.join(ROOT, "build", "bench")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES_MB", "1 10 100").split()]
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def build_corpus(mb):
    path = os.path.join(OUT, f"corpus-{mb}mb.jsonl")
    if os.path.exists(path) and os.path.getsize(path) >= mb * 1_000_000:
        return path
    with open(CORPUS, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f if line.strip()]
    size, rnd = 0, 0
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        while size < mb * 1_000_000:
            for r in recs:
                line = json.dumps({"id": f"{r['id']}#{rnd}", "text": r["text"]},
                                  ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                if size >= mb * 1_000_000:
                    break
            rnd += 1
    os.replace(path + ".tmp", path)
    return path


def run(argv):
    """Runs argv, returns (seconds, peak RSS in KiB, exit status)."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ)
    _, status, ru = os.wait4(pid, 0)
    return time.perf_counter() - t0, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    rules = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "rules")
    if not os.path.exists(CORPUS):
        print(f"bench: skipped: corpus {CORPUS} is not present")
        return
    os.makedirs(OUT, exist_ok=True)
    print(f"topictag bench: rules {os.path.relpath(rules, ROOT)}, {os.cpu_count()} cores, "
          f"best of {REPEAT} runs, {time.strftime('%Y-%m-%d')}")
    print(f"{'corpus':>8} {'MB':>7} {'articles':>9} {'sentences':>10} {'wall s':>8} "
          f"{'MB/s':>7} {'articles/s':>11} {'sentences/s':>12} {'peak RSS':>9}")
    for mb in SIZES:
        corpus = build_corpus(mb)
        nbytes = os.path.getsize(corpus)
        outp = os.path.join(OUT, f"out-{mb}mb.jsonl")
        best = None
        for _ in range(REPEAT):
            secs, rss, code = run([exe, "classify", "-r", rules, "-f", "jsonl", "--summary",
                                   "-o", outp, corpus])
            if code not in (0, 4):
                sys.exit(f"bench: topictag exited {code}")
            if best is None or secs < best[0]:
                best = (secs, rss)
        with open(outp, "rb") as f:
            f.seek(max(0, os.path.getsize(outp) - 65536))
            summary = json.loads(f.read().splitlines()[-1])["summary"]
        secs, rss = best
        print(f"{mb:>6}MB {nbytes / 1e6:>7.1f} {summary['documents']:>9} "
              f"{summary['sentences']:>10} {secs:>8.3f} {nbytes / 1e6 / secs:>7.1f} "
              f"{summary['documents'] / secs:>11.0f} {summary['sentences'] / secs:>12.0f} "
              f"{rss / 1024:>7.1f}MB")


if __name__ == "__main__":
    main()
