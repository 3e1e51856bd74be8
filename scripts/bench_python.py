#!/usr/bin/env python3
"""bench_python.py - `make bench`, Python rows: the binding against the CLI, and Dask with one
and two workers, on the same JSON Lines corpus (the shared Wikipedia current-events articles
repeated to BENCH_PY_MB megabytes, default 10), shipped rules, one thread each.

  CLI -j1           topictag classify -j1 -f jsonl CORPUS -o FILE
  binding render    in this process: Ruleset.from_path, then for each line json.loads,
                    Ruleset.render, write the record (the CLI's bytes; checked)
  binding classify  the same with Ruleset.classify (the record parsed into dicts)
  dask N workers    classify_bag(read_jsonl(CORPUS)) on a LocalCluster of N worker processes
                    with one thread each, write_jsonl to files (cluster start-up not counted)

The "vs CLI" columns are the row's wall time and CPU time (user + system) over the CLI's: on a
shared machine CPU time is the steadier measure of the ctypes crossing's cost.  The CLI and
binding rows run in alternation, best of BENCH_REPEAT (default 3).  Run with Debian's /usr/bin/python3 for the
Dask rows (python3-distributed); without it they are skipped with the command to install.

usage: bench_python.py BUILD_DIR
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
B = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "wikipedia-current-events",
                      "articles.jsonl")
MB = int(os.environ.get("BENCH_PY_MB", "10"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
RULES = os.path.join(ROOT, "rules")
os.environ["TOPICTAG_LIB"] = os.path.join(B, "libtopictag.so")
sys.path.insert(0, os.path.join(ROOT, "python"))

import topictag  # noqa: E402


def build_corpus():
    path = os.path.join(B, "bench", f"articles-{MB}mb.jsonl")
    if os.path.exists(path) and os.path.getsize(path) >= MB * 1_000_000:
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(CORPUS, "rb") as f:
        lines = f.readlines()
    size, rnd = 0, 0
    with open(path + ".tmp", "wb") as out:
        while size < MB * 1_000_000:
            for line in lines:
                o = json.loads(line)
                o["id"] = f"r{rnd:03d}-{o['id']}"
                b = (json.dumps(o) + "\n").encode()
                out.write(b)
                size += len(b)
            rnd += 1
    os.replace(path + ".tmp", path)
    return path


def cli_run(corpus, out):
    subprocess.run([os.path.join(B, "topictag"), "classify", "-j1", "-r", RULES, "-f", "jsonl",
                    corpus, "-o", out], check=True)


def binding_run(corpus, out, parse):
    rs = topictag.Ruleset.from_path(RULES)   # loading and compiling, as the CLI run does
    with open(corpus, "rb") as f, open(out, "wb") as o:
        for no, line in enumerate(f, 1):
            d = json.loads(line)
            name = f"{corpus}:{no}"
            if parse:
                o.write(json.dumps(rs.classify(d["text"], d.get("title"), id=d["id"], name=name,
                                               errors="record")).encode() + b"\n")
            else:
                o.write(rs.render(d["text"], d.get("title"), id=d["id"], name=name))


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def cpu_timed(fn):
    """(wall, CPU) seconds of fn: CPU is user + system time of this process and of the
    children it waited for, which a loaded machine disturbs less than wall time."""
    def cpu():
        a, b = resource.getrusage(resource.RUSAGE_SELF), \
            resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
    c, t = cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - t, cpu() - c


def row(label, secs, nbytes, docs, base=None, cpu=None, cpu_base=None):
    ratio = f"{secs / base:7.2f}x" if base else " " * 8
    c = f"{cpu:8.3f} {cpu / cpu_base:7.2f}x" if cpu_base else (f"{cpu:8.3f}" if cpu else "")
    print(f"{label:<34} {secs:>8.3f} {nbytes / 1e6 / secs:>8.1f} {docs / secs:>10.0f} {ratio} {c}")


def dask_rows(rs, corpus, nbytes, docs, base, tmp):
    try:
        import distributed
        import topictag.dask as ttd
    except ImportError:
        print("dask rows: skipped: python3-distributed is missing for "
              f"{sys.executable}: apt-get install python3-distributed, run with /usr/bin/python3")
        return
    for n in (1, 2):
        with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=None,
                                      local_directory=tmp) as cl, \
                distributed.Client(cl):
            best = None
            for k in range(REPEAT + 1):   # the first run warms the workers (imports, rules)
                out = os.path.join(tmp, f"dask{n}-{k}")
                bag = ttd.classify_bag(ttd.read_jsonl(corpus, blocksize=1 << 20), rs)
                secs = timed(lambda: ttd.write_jsonl(bag, os.path.join(out, "*.jsonl"), rs))
                if k:
                    best = secs if best is None else min(best, secs)
            row(f"dask {n} worker{'s' if n > 1 else ''} x 1 thread", best, nbytes, docs, base)


def main():
    if not os.path.exists(CORPUS):
        print(f"python bench: skipped: corpus {CORPUS} is not present")
        return
    corpus = build_corpus()
    nbytes = os.path.getsize(corpus)
    with open(corpus, "rb") as f:
        docs = sum(1 for _ in f)
    rs = topictag.Ruleset.from_path(RULES)
    tmp = tempfile.mkdtemp(prefix="topictag-bench-")
    try:
        print(f"topictag Python bench, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores "
              f"(shared), {os.path.basename(corpus)}: {nbytes / 1e6:.1f} MB, {docs} articles, "
              f"shipped rules, best of {REPEAT}")
        print(f"{'run':<34} {'wall s':>8} {'MB/s':>8} {'articles/s':>10}   vs CLI    CPU s"
              "  vs CLI")
        cli_t, ren_t, cls_t = [], [], []
        for _ in range(REPEAT):   # alternate, so the machine's drift hits all alike
            cli_t.append(cpu_timed(lambda: cli_run(corpus, os.path.join(tmp, "cli.jsonl"))))
            ren_t.append(cpu_timed(lambda: binding_run(corpus, os.path.join(tmp, "b.jsonl"),
                                                       False)))
            cls_t.append(cpu_timed(lambda: binding_run(corpus, os.path.join(tmp, "c.jsonl"),
                                                       True)))
        with open(os.path.join(tmp, "cli.jsonl"), "rb") as a, \
                open(os.path.join(tmp, "b.jsonl"), "rb") as b:
            same = a.read() == b.read()
        base, cbase = min(w for w, _ in cli_t), min(c for _, c in cli_t)
        row("CLI -j1", base, nbytes, docs, cpu=cbase)
        for label, ts in (("binding render (bytes)" + ("" if same else " DIFFERS"), ren_t),
                          ("binding classify (dicts)", cls_t)):
            row(label, min(w for w, _ in ts), nbytes, docs, base, min(c for _, c in ts), cbase)
        dask_rows(rs, corpus, nbytes, docs, base, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
