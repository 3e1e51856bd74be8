#!/usr/bin/env python3
"""live_feed.py TOPICTAG [ARGS...] - the live-feed test of JSON Lines output.

A writer sends one record on topictag's stdin, then waits: the first output record must
arrive before the second input line is written (bounded wait), as with
`tail -f feed | topictag classify --input jsonl -f jsonl - | consumer`.  The process is
stopped by its PID whatever happens."""
import json
import os
import select
import subprocess
import sys
import time

TOPICTAG = sys.argv[1]
ARGS = sys.argv[2:]
WAIT = 10.0   # seconds for the first record


def read_line(fd, buf, timeout):
    """A line from fd within timeout seconds, or None."""
    end = time.monotonic() + timeout
    while b"\n" not in buf[0]:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        buf[0] += chunk
    line, buf[0] = buf[0].split(b"\n", 1)
    return line


def main():
    p = subprocess.Popen([TOPICTAG, "classify", "--input", "jsonl", "-f", "jsonl"] + ARGS +
                         ["-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    buf = [b""]
    try:
        p.stdin.write(b'{"id": "first", "text": "North Korea launched a missile."}\n')
        p.stdin.flush()
        first = read_line(p.stdout.fileno(), buf, WAIT)
        print("%s: first record before the second line: %s" %
              (" ".join(ARGS), first is not None and json.loads(first)["id"] == "first"))
        p.stdin.write(b'{"id": "second", "text": "The launch was the fourth."}\n')
        p.stdin.close()
        second = read_line(p.stdout.fileno(), buf, WAIT)
        print("%s: second record after it: %s, exit %s" %
              (" ".join(ARGS), second is not None and json.loads(second)["id"] == "second",
               p.wait(timeout=WAIT)))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
