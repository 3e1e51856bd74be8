#!/usr/bin/env python3
"""output_crash.py TOPICTAG - the crash test of -o FILE (atomic report replacement).

Starts a large `classify -o out.json` run, kills it part-way (SIGKILL, SIGTERM, SIGINT) and
checks that the previous report is intact; that SIGTERM and SIGINT leave no temporary file;
and that the next successful run removes the one SIGKILL left.  Every process it starts is
stopped by its PID; every wait is bounded."""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOPICTAG = sys.argv[1]
ROOT = os.getcwd()
DEADLINE = 20.0   # seconds for any one wait


def temps(d):
    return sorted(glob.glob(os.path.join(d, ".out.json.topictag-*.tmp")))


def start(d, out):
    return subprocess.Popen([TOPICTAG, "classify", "-j1", "-r", os.path.join(ROOT, "rules"),
                             "-f", "json", "-o", out, os.path.join(d, "big")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_partial(p, d):
    """Waits until the run has written part of its report to a temporary file."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        t = temps(d)
        if t and os.path.getsize(t[0]) > 0:
            return True
        if p.poll() is not None:
            return False
        time.sleep(0.01)
    return False


def main():
    d = tempfile.mkdtemp()
    procs = []
    try:
        big = os.path.join(d, "big")
        os.mkdir(big)
        sample = "".join(open(f, encoding="utf-8").read()
                         for f in sorted(glob.glob(os.path.join(ROOT, "samples", "*.txt"))))
        for i in range(400):   # about 12 MB: seconds of work, written in 1 MiB blocks
            with open(os.path.join(big, "a%04d.txt" % i), "w", encoding="utf-8") as f:
                f.write(sample * 4)
        out = os.path.join(d, "out.json")
        previous = b"the previous report\n"
        with open(out, "wb") as f:
            f.write(previous)
        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
            name = signal.Signals(sig).name
            p = start(d, out)
            procs.append(p)
            if not wait_for_partial(p, d):
                print("%s: the run wrote no partial report to kill" % name)
                return 1
            p.send_signal(sig)
            rc = p.wait(timeout=DEADLINE)
            with open(out, "rb") as f:
                intact = f.read() == previous
            print("%s: exit by signal %s, previous report %s, temporary files left: %d"
                  % (name, -rc == sig, "intact" if intact else "DAMAGED", len(temps(d))))
            if sig == signal.SIGKILL:
                # a run that completes replaces the report and removes the dead run's file
                ok = subprocess.run([TOPICTAG, "classify", "-r", os.path.join(ROOT, "rules"),
                                     "-f", "json", "-o", out, os.path.join(ROOT, "samples")],
                                    timeout=DEADLINE).returncode
                with open(out, "rb") as f:
                    docs = len(json.load(f)["documents"])
                with open(out, "rb") as f:
                    previous = f.read()
                print("next run: exit %d, %d documents, temporary files left: %d"
                      % (ok, docs, len(temps(d))))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
