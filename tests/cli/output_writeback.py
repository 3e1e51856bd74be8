#!/usr/bin/env python3
"""output_writeback.py TOPICTAG - -o FILE starts the write-out of the report while it is being
written (Linux: sync_file_range from a thread), so that the fsync before the rename has little
left to wait for; the report is complete and the order fsync, then rename, holds.

Runs classify under strace (installed by scripts/deps.sh as root; otherwise that script prints
the command to run and the test fails).  The report must take longer than the write-out
interval (100 ms): the input grows until the run lasts half a second.  Every process it
starts ends before it returns (strace waits for its child); every run is bounded."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOPICTAG = sys.argv[1]
ROOT = os.getcwd()


def main():
    if not shutil.which("strace"):
        if subprocess.call(["sh", "scripts/deps.sh"], env=dict(os.environ, EXTRA_TOOLS="strace"),
                           stdout=subprocess.DEVNULL) != 0 or not shutil.which("strace"):
            print("strace is needed (see the command above)")
            return 1
    # LeakSanitizer cannot run under ptrace (an ASan build exits 1 under strace): no leak
    # check here, the other golden tests make it
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(x for x in (env.get("ASAN_OPTIONS"), "detect_leaks=0") if x)
    d = tempfile.mkdtemp()
    try:
        big = os.path.join(d, "big")
        os.mkdir(big)
        sample = "".join(open(f, encoding="utf-8").read()
                         for f in sorted(glob.glob(os.path.join(ROOT, "samples", "*.txt"))))
        n = 0
        for rnd in range(4):
            for i in range(n, 200 * 2 ** rnd):
                with open(os.path.join(big, "a%05d.txt" % i), "w", encoding="utf-8") as f:
                    f.write(sample * 2)
            n = 200 * 2 ** rnd
            out, trace = os.path.join(d, "out.jsonl"), os.path.join(d, "trace")
            t0 = time.monotonic()
            rc = subprocess.call(["timeout", "300", "strace", "-f", "-qq", "-o", trace, "-e",
                                  "trace=sync_file_range,fsync,rename", TOPICTAG, "classify",
                                  "-j1", "-r", os.path.join(ROOT, "rules"), "-f", "jsonl",
                                  "-o", out, big],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=env)
            secs = time.monotonic() - t0
            calls = [m.group(1) for m in
                     (re.search(r"(sync_file_range|fsync|rename)\(", ln) for ln in open(trace))
                     if m]
            if "sync_file_range" in calls or secs > 0.5:
                break
        with open(out, encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        first_sync = calls.index("fsync") if "fsync" in calls else -1
        print("exit %d; report: %s" % (rc, "complete" if lines == n else
                                          "%d of %d documents" % (lines, n)))
        print("write-out while writing: %s" %
              ("yes" if "sync_file_range" in calls[:max(first_sync, 0)] else
               "NO (%s, %.2f s)" % (" ".join(calls), secs)))
        print("fsync before rename: %s" %
              ("yes" if first_sync >= 0 and "rename" in calls[first_sync:] else "NO"))
    finally:
        shutil.rmtree(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
