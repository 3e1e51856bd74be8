#!/usr/bin/env python3
"""bench.py - `make bench`: speed and memory of topictag's whole job, and of its peers.

Builds corpora of 1, 10 and 100 MB (folders of .txt articles) by repeating the Wikipedia
current-events corpus in ../shared/corpora/, then times topictag's full classification
(read, segment, match, score, context, write JSONL to a file) and prints MB/s, articles/s,
sentences/s and peak RSS for: the shipped rules; the 247-pattern bench ruleset of
../shared/bench/patterns.tsv (converted to topictag rules in build/bench/rules/) and its first
25 and 100 patterns; a 10,000-pattern ruleset made of variants of the 247 (scaled_rules: its
load time, and its MB/s against the 247's, run in alternation); -j 1 and -j 2; the shipped
rules with each prefilter (literal, hyperscan when built, none); `segment` alone (read,
segment, write each sentence's span as JSON Lines); the peak RSS of a 1 GB JSON Lines file
streamed at -j 1 (under 16 MB).  Where Hyperscan (the hs_scan
peer of ../shared/bench/), yara and rg are available it scans the same corpus with the same
247 patterns and prints topictag's time divided by the peer's (the two run in alternation, best
of each, so that the machine's drifting speed hits both alike).  No assertions: numbers are for
people to read.  Each figure is the best of BENCH_REPEAT runs (default 3).

usage: bench.py TOPICTAG
environment: BENCH_SIZES_MB (default "1 10 100"), BENCH_REPEAT, BENCH_QUICK=1 (fewer rows),
BENCH_JSONL_GB (default 1: a JSON Lines file of that size streamed with -j 1; 0: skip),
BENCH_MEMORY_ONLY=1 (only the memory-bound rows), BENCH_MEMORY_MB (default 50: the size of
each single article of the memory-bound rows)
"""
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")
CORPUS = os.path.join(SHARED, "corpora", "wikipedia-current-events", "txt")
PEERS = os.path.join(SHARED, "bench")
OUT = os.path.join(ROOT, "build", "bench")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES_MB", "1 10 100").split()]
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
QUICK = os.environ.get("BENCH_QUICK") == "1"


def build_corpus(mb):
    """A folder of .txt files of at least mb MB: the shared articles, repeated."""
    path = os.path.join(OUT, f"corpus-{mb}mb")
    stamp = os.path.join(path, ".complete")
    if os.path.exists(stamp):
        return path
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith(".txt"))
    size, rnd = 0, 0
    while size < mb * 1_000_000:
        for n in names:
            with open(os.path.join(CORPUS, n), "rb") as f:
                data = f.read()
            with open(os.path.join(path, f"r{rnd:03d}-{n}"), "wb") as f:
                f.write(data)
            size += len(data)
            if size >= mb * 1_000_000:
                break
        rnd += 1
    open(stamp, "w").close()
    return path


def build_jsonl(mb):
    """One JSON Lines file of at least mb MB of articles ({"id", "text"} per line)."""
    path = os.path.join(OUT, f"corpus-{mb}mb.jsonl")
    if os.path.exists(path) and os.path.getsize(path) >= mb * 1_000_000:
        return path
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith(".txt"))
    texts = []
    for n in names:
        with open(os.path.join(CORPUS, n), encoding="utf-8") as f:
            texts.append((n, f.read()))
    size, rnd = 0, 0
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        while size < mb * 1_000_000:
            for n, t in texts:
                line = json.dumps({"id": f"r{rnd:04d}-{n}", "text": t}) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                if size >= mb * 1_000_000:
                    break
            rnd += 1
    os.replace(path + ".tmp", path)
    return path


def corpus_bytes(path):
    return sum(os.path.getsize(os.path.join(path, n)) for n in os.listdir(path)
               if n.endswith(".txt"))


def yaml_str(s):
    return "'" + s.replace("'", "''") + "'"


def write_rules(path, topics):
    """Writes one topictag rule file per topic of topics ({topic id: [(id, regex, caseless)]})."""
    for tid, items in topics.items():
        with open(os.path.join(path, tid + ".yaml"), "w", encoding="utf-8") as f:
            f.write(f"version: 1\ntopic:\n  id: {tid}\n  title: {tid}\n  patterns:\n")
            for pid, rx, ci in items:
                f.write(f"    - id: {pid}\n      regex: {yaml_str(rx)}\n")
                if ci:
                    f.write("      ignore_case: true\n")


def convert_patterns(limit=None):
    """../shared/bench/patterns.tsv -> a topictag ruleset folder (one topic per bench topic)."""
    tag = f"rules-{limit}" if limit else "rules"
    path = os.path.join(OUT, tag)
    pats = read_patterns(limit)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    topics = {}
    for topic, pid, rx, ci in pats:
        topics.setdefault(topic.replace("_", "-"), []).append((pid, rx, ci))
    write_rules(path, topics)
    return path, len(pats)


def read_patterns(limit=None):
    """The bench patterns of ../shared/bench/patterns.tsv: (topic, id, regex, caseless)."""
    pats = []
    with open(os.path.join(PEERS, "patterns.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            pats.append((cols[0], cols[1], cols[2], "i" in (cols[3] if len(cols) > 3 else "")))
    return pats[:limit] if limit else pats


POOLS = ("aeiou", "bcdfghjklmnpqrstvwxyz", "0123456789")


def vary_word(word, rnd):
    """word with one or two of its inner characters changed, vowel for vowel, consonant for
    consonant and digit for digit, case kept: 'Taiwan' -> 'Taiwen', 'G20' -> 'G26'.  The
    first character, the length and the shape stay, so the prefilter sees near misses of real
    words."""
    chars = list(word)
    inner = range(1, len(word)) if len(word) > 1 else range(1)
    for i in rnd.sample(inner, 1 if len(word) < 6 else 2):
        c = chars[i].lower()
        pool = next(p for p in POOLS if c in p)
        n = pool[(pool.index(c) + rnd.randrange(1, len(pool))) % len(pool)]
        chars[i] = n.upper() if chars[i].isupper() else n
    return "".join(chars)


def vary_regex(rx, rnd):
    """rx with each word (letters and digits) of two characters or more varied (vary_word):
    the same structure (groups, classes, quantifiers, \\b) around different literals.
    Escapes, classes and counted repeats are copied as they are.  A regex without such a word
    has its single characters varied.  Returns a regex different from rx."""
    for shortest in (2, 1):
        out, i, changed = [], 0, False
        while i < len(rx):
            c = rx[i]
            if c == "\\":
                out.append(rx[i:i + 2])
                i += 2
            elif c in "[{":
                j = rx.index("]" if c == "[" else "}",
                             i + 2 if c == "[" and rx[i + 1:i + 2] in ("]", "^") else i + 1)
                out.append(rx[i:j + 1])
                i = j + 1
            elif c.isascii() and c.isalnum():
                j = i
                while j < len(rx) and rx[j].isascii() and rx[j].isalnum():
                    j += 1
                word = rx[i:j]
                if len(word) >= shortest:
                    word = vary_word(word, rnd)
                    changed |= word != rx[i:j]
                out.append(word)
                i = j
            else:
                out.append(c)
                i += 1
        if changed:
            return "".join(out)
    sys.exit(f"bench: no word to vary in {rx}")


def scaled_rules(n):
    """A ruleset of n patterns made from the bench patterns: the 247 as they are, then round
    after round of variants of each (vary_regex), round k's variants of a bench topic in a
    topic of their own (taiwan-strait-r01, ...), until n.  The same n gives the same files
    (a seeded generator): the 10,000-pattern row measures how load time and throughput scale
    with the pattern count on patterns shaped like real ones, most of which never match."""
    import random
    rnd = random.Random(12)
    base = read_patterns()
    path = os.path.join(OUT, f"rules-scaled-{n}")
    stamp = os.path.join(path, ".complete")
    if os.path.exists(stamp):
        return path
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    topics, k = {}, 0
    while sum(len(v) for v in topics.values()) < n:
        for topic, pid, rx, ci in base:
            if sum(len(v) for v in topics.values()) >= n:
                break
            tid = topic.replace("_", "-") + (f"-r{k:02d}" if k else "")
            topics.setdefault(tid, []).append((f"{pid}_{k}" if k else pid,
                                               vary_regex(rx, rnd) if k else rx, ci))
        k += 1
    write_rules(path, topics)
    open(stamp, "w").close()
    return path


def rss_helper():
    """tests/memory/peak_rss.c, built once: the peak RSS of a command, forked from a small
    process rather than from Python, whose own peak would carry into the child's ru_maxrss."""
    exe = os.path.join(OUT, "rss")
    src = os.path.join(ROOT, "tests", "memory", "peak_rss.c")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        subprocess.check_call(["cc", "-O2", "-D_DEFAULT_SOURCE", "-o", exe, src])
    return exe


def run(argv, stdout=subprocess.DEVNULL, env=None):
    """Runs argv; returns (seconds, peak RSS in KiB, exit status)."""
    rssf = os.path.join(OUT, "rss.out")
    t0 = time.perf_counter()
    code = subprocess.call([rss_helper(), rssf] + argv, stdout=stdout, stderr=subprocess.DEVNULL,
                           env=env)
    secs = time.perf_counter() - t0
    with open(rssf) as f:
        rss = int(f.read())
    return secs, rss, code


def best(argv, stdout=subprocess.DEVNULL, repeat=REPEAT, env=None):
    res = None
    for _ in range(repeat):
        r = run(argv, stdout, env)
        if res is None or r[0] < res[0]:
            res = r
    return res


def summary_of(outp):
    with open(outp, "rb") as f:
        f.seek(max(0, os.path.getsize(outp) - 65536))
        return json.loads(f.read().splitlines()[-1])["summary"]


def row(label, corpus, nbytes, secs, rss, docs, sents, peer=None):
    mb = nbytes / 1e6
    ratio = f"{peer:>8}" if peer else f"{'':>8}"
    print(f"{label:<34} {os.path.basename(corpus):>14} {secs:>8.3f} {mb / secs:>8.1f} "
          f"{docs / secs:>10.0f} {sents / secs:>11.0f} {rss / 1024:>7.1f}MB {ratio}", flush=True)


def peers_available():
    found = {}
    hs = os.path.join(OUT, "hs_scan")
    if not os.path.exists(hs) and shutil.which("pkg-config") and \
            subprocess.call(["pkg-config", "--exists", "libhs"]) == 0:
        subprocess.call(["make", "-s", "-C", PEERS, f"OUT={OUT}"], stdout=subprocess.DEVNULL)
    if os.path.exists(hs):
        found["hyperscan"] = hs
    if shutil.which("yara"):
        found["yara"] = shutil.which("yara")
    if shutil.which("rg"):
        found["rg"] = shutil.which("rg")
    return found


# The README's stated bound: peak RSS <= K x the largest article + M, at -j 1, for any text;
# news text stays far below it.
MEM_K, MEM_M = 20, 16 << 20


def memory_bound(exe):
    """Peak RSS of one large article of each shape, against the README's bound."""
    mb = int(os.environ.get("BENCH_MEMORY_MB", "50"))
    size = mb * 1_000_000
    samples = "".join(open(os.path.join(ROOT, "samples", n), encoding="utf-8").read()
                      for n in sorted(os.listdir(os.path.join(ROOT, "samples")))
                      if n.endswith(".txt"))
    shapes = [
        ("news text", (samples * (size // len(samples) + 1))[:size]),
        ("one sentence (words)", ("word " * (size // 5 + 1))[:size]),
        ("one sentence (no space)", "a" * size),
        ("4-byte sentences", ("Go. " * (size // 4 + 1))[:size]),
        ("a match every 29 bytes", ("North Korea fired a missile and " * (size // 32 + 1))[:size]),
    ]
    d = os.path.join(OUT, "memory")
    os.makedirs(d, exist_ok=True)
    print(f"memory bound (README): peak RSS <= {MEM_K} x the largest article + "
          f"{MEM_M >> 20} MB; one {mb} MB article, shipped rules, -f jsonl")
    print(f"{'article':<26} {'input':<6} {'-j':>3} {'peak RSS':>10} {'x article':>10} "
          f"{'bound':>10}  ok")
    for label, text in shapes:
        txt = os.path.join(d, "article.txt")
        with open(txt, "w", encoding="utf-8") as f:
            f.write(text)
        jl = os.path.join(d, "article.jsonl")
        with open(jl, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": "a", "text": text}) + "\n")
        for kind, path in (("txt", txt), ("jsonl", jl)):
            for j in ("1", "2"):
                _, rss, code = run([exe, "classify", "-r", os.path.join(ROOT, "rules"), "-j", j,
                                    "-f", "jsonl", "-o", os.devnull, path])
                peak = rss * 1024
                bound = MEM_K * len(text) + MEM_M
                print(f"{label:<26} {kind:<6} {j:>3} {peak / 1e6:>8.0f}MB "
                      f"{(peak - MEM_M) / len(text):>10.1f} {bound / 1e6:>8.0f}MB  "
                      f"{'yes' if peak <= bound and code in (0, 4) else 'NO'}", flush=True)
    os.remove(txt)
    os.remove(jl)
    print()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    os.makedirs(OUT, exist_ok=True)
    if os.environ.get("BENCH_MEMORY_ONLY") == "1":
        memory_bound(exe)
        return
    if not os.path.isdir(CORPUS):
        print(f"bench: skipped: corpus {CORPUS} is not present")
        return
    os.makedirs(OUT, exist_ok=True)
    shipped = os.path.join(ROOT, "rules")
    bench247, n247 = convert_patterns()
    subsets = [convert_patterns(n) for n in (25, 100)]
    peers = peers_available()
    # the Hyperscan prefilter's database cache: compiled once here, as the peer's is
    hs_cache = os.path.join(OUT, "hs-cache")
    os.makedirs(hs_cache, exist_ok=True)
    os.environ["TOPICTAG_CACHE_DIR"] = hs_cache
    has_hs = "hyperscan" in subprocess.run([exe, "--version"], capture_output=True,
                                          text=True).stdout
    # the floor: one pattern that never matches, so only reading, segmenting and writing remain
    floor = os.path.join(OUT, "rules-floor")
    os.makedirs(floor, exist_ok=True)
    with open(os.path.join(floor, "floor.yaml"), "w") as f:
        f.write("version: 1\ntopic:\n  id: floor\n  title: floor\n  patterns:\n"
                "    - id: never\n      regex: 'qqqzzqqq'\n")
    print(f"topictag bench, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, best of "
          f"{REPEAT}; whole job: read, segment, match, score, context, write JSONL to a file")
    # rule loading
    loads = [("shipped rules", shipped), (f"bench {n247} patterns", bench247)]
    scaled = scaled_rules(10000)
    loads += [(f"scaled {n} patterns", scaled_rules(n)) for n in (1000, 10000)]
    for label, rules in loads:
        secs, rss, _ = best([exe, "check", "-r", rules])
        print(f"load+compile {label}: {secs * 1000:.1f} ms, {rss / 1024:.1f} MB")
    # how the shipped rules' patterns are decided (literal sets need no PCRE2)
    stats = subprocess.run([exe, "check", "--stats", "-r", shipped], capture_output=True,
                           text=True).stdout.splitlines()
    if len(stats) >= 2:
        print(f"shipped rules: {stats[-2]}")
    if has_hs:
        for label, rules in loads[:2]:
            nocache = dict(os.environ, TOPICTAG_CACHE_DIR="")
            secs, rss, _ = best([exe, "check", "--prefilter", "hyperscan", "-r", rules],
                                repeat=1, env=nocache)
            run([exe, "check", "--prefilter", "hyperscan", "-r", rules])   # fills the cache
            csecs, crss, _ = best([exe, "check", "--prefilter", "hyperscan", "-r", rules])
            print(f"load+compile {label}, --prefilter hyperscan: {secs * 1000:.1f} ms, "
                  f"{rss / 1024:.1f} MB; from its cache: {csecs * 1000:.1f} ms")
    print()
    print(f"{'run':<34} {'corpus':>14} {'wall s':>8} {'MB/s':>8} {'articles/s':>10} "
          f"{'sentences/s':>11} {'peak RSS':>9} {'vs peer':>8}")
    outp = os.path.join(OUT, "out.jsonl")
    for mb in SIZES:
        corpus = build_corpus(mb)
        nbytes = corpus_bytes(corpus)
        # the peers first, to print ratios against them
        peer_secs = {}
        hs_cmd = None
        if "hyperscan" in peers:
            db = os.path.join(OUT, "hs.db")
            hs_cmd = [peers["hyperscan"], "-c", db, os.path.join(PEERS, "patterns.tsv"), corpus]
            run(hs_cmd)   # compiles its database once
            peer_secs["hyperscan"] = best(hs_cmd)
        if "yara" in peers:
            ydir = os.path.join(OUT, "peer-rules")
            if not os.path.exists(os.path.join(ydir, "rules.yar")):
                subprocess.call([sys.executable, os.path.join(PEERS, "gen_rules.py"),
                                 os.path.join(PEERS, "patterns.tsv"), ydir])
            peer_secs["yara"] = best([peers["yara"], "-w", "-s", "-r", "-p", "1",
                                      os.path.join(ydir, "rules.yar"), corpus], repeat=1)
        if "rg" in peers:
            ydir = os.path.join(OUT, "peer-rules")
            if not os.path.exists(os.path.join(ydir, "rg_bytes.txt")):
                subprocess.call([sys.executable, os.path.join(PEERS, "gen_rules.py"),
                                 os.path.join(PEERS, "patterns.tsv"), ydir])
            peer_secs["rg"] = best([peers["rg"], "--no-config", "--no-ignore", "-g", "*.txt",
                                    "-j1", "--no-unicode", "--count-matches", "-f",
                                    os.path.join(ydir, "rg_bytes.txt"), corpus], repeat=1)
        peer_secs["cat"] = best(["sh", "-c", f"find {corpus} -name '*.txt' -exec cat {{}} + "
                                 "> /dev/null"])
        runs = [
            ("shipped rules -j1", shipped, ["-j", "1"]),
            ("shipped rules -j2", shipped, ["-j", "2"]),
            (f"bench {n247} -j1", bench247, ["-j", "1"]),
            (f"bench {n247} -j2", bench247, ["-j", "2"]),
        ]
        if has_hs:
            runs += [(f"bench {n247} -j1 hyperscan", bench247,
                      ["-j", "1", "--prefilter", "hyperscan"]),
                     (f"bench {n247} -j2 hyperscan", bench247,
                      ["-j", "2", "--prefilter", "hyperscan"]),
                     ("shipped -j1 hyperscan", shipped, ["-j", "1", "--prefilter", "hyperscan"]),
                     ("shipped -j2 hyperscan", shipped, ["-j", "2", "--prefilter", "hyperscan"])]
        if mb <= 10:   # PCRE2 on every sentence: minutes at 100 MB
            runs += [("shipped -j1 --no-prefilter", shipped, ["-j", "1", "--no-prefilter"])]
        # pattern-count scaling: the ratio to bench 247 -j1, the two run in alternation
        runs += [("scaled 10000 -j1", scaled, ["-j", "1"])]
        runs += [("floor: 1 pattern, never matches -j1", floor, ["-j", "1"])]
        if not QUICK:
            runs += [(f"bench {n} -j1", p, ["-j", "1"]) for p, n in subsets]
            if mb <= 10:
                runs += [(f"bench {n247} -j1 --no-prefilter", bench247,
                          ["-j", "1", "--no-prefilter"])]
        docs = sents = 0
        for label, rules, extra in runs:
            argv = [exe, "classify", "-r", rules, "-f", "jsonl", "--summary", "-o", outp] + \
                extra + [corpus]
            paired = hs_cmd and (label.startswith(f"bench {n247} -j") or
                                 label.startswith("floor")) and "no-prefilter" not in label
            if label.startswith("scaled"):
                # the same job on both sides: its report to a file as well (to /dev/null it
                # skipped the write the scaled run pays, and the ratio read 10% high)
                pair_cmd, unit = [exe, "classify", "-r", bench247, "-f", "jsonl", "--summary",
                                  "-o", outp + ".pair", "-j", "1", corpus], f"x{n247}"
            else:
                pair_cmd, unit = (hs_cmd, "xHS") if paired else (None, None)
            res = hs_best = None
            # a ratio's two sides run in alternation, best of each: this machine's speed
            # drifts by tens of percent from one minute to the next
            for _ in range(1 if "no-prefilter" in label else REPEAT):
                if pair_cmd:
                    h = run(pair_cmd)
                    hs_best = h if hs_best is None or h[0] < hs_best[0] else hs_best
                    if paired and h[0] < peer_secs["hyperscan"][0]:
                        peer_secs["hyperscan"] = h
                r = run(argv)
                res = r if res is None or r[0] < res[0] else res
            secs, rss, code = res
            if code not in (0, 4):
                sys.exit(f"bench: topictag exited {code}")
            s = summary_of(outp)
            docs, sents = s["document_count"], s["sentences"]
            ratio = f"{secs / hs_best[0]:.2f}{unit}" if pair_cmd else None
            row(label, corpus, nbytes, secs, rss, docs, sents, ratio)
        # the segmenter alone: read, segment, write each sentence with its span (issue 10)
        segp = os.path.join(OUT, "segment.jsonl")
        secs, rss, code = best([exe, "segment", "-r", floor, "-j", "1", "-f", "jsonl", "-o",
                                segp, corpus])
        if code != 0:
            sys.exit(f"bench: topictag segment exited {code}")
        with open(segp, "rb") as f:
            nsent = sum(1 for _ in f)
        row("segment only -j1", corpus, nbytes, secs, rss, docs, nsent)
        # the HTML report against JSON Lines: the same job writing the page instead, the two
        # in alternation (best of each); the ratio is in the last column
        html_out = os.path.join(OUT, "out.html")
        for label, extra in (("shipped rules -j1 html", ["-j", "1"]),
                             ("shipped rules -j2 html", ["-j", "2"])):
            common = [exe, "classify", "-r", shipped] + extra
            jsonl_argv = common + ["-f", "jsonl", "--summary", "-o", outp, corpus]
            html_argv = common + ["-f", "html", "-o", html_out, corpus]
            j_best = h_best = None
            for _ in range(REPEAT):
                j = run(jsonl_argv)
                j_best = j if j_best is None or j[0] < j_best[0] else j_best
                h = run(html_argv)
                h_best = h if h_best is None or h[0] < h_best[0] else h_best
            if h_best[2] not in (0, 4):
                sys.exit(f"bench: topictag exited {h_best[2]}")
            s = summary_of(outp)
            row(label, corpus, nbytes, h_best[0], h_best[1], s["document_count"], s["sentences"],
                f"{h_best[0] / j_best[0]:.2f}xJSONL")
        for name, (secs, rss, _) in peer_secs.items():
            what = {"hyperscan": f"Hyperscan scan, {n247} patterns",
                    "yara": f"yara -p 1, {n247} patterns", "rg": f"rg -j1 ASCII, {n247} patterns",
                    "cat": "cat (the I/O floor)"}[name]
            row("  peer: " + what, corpus, nbytes, secs, rss, docs, 0)
        print()
    memory_bound(exe)
    # bounded memory: one large JSON Lines file streamed article by article
    gb = float(os.environ.get("BENCH_JSONL_GB", "0" if QUICK else "1"))
    if gb > 0:
        big = build_jsonl(int(gb * 1000))
        secs, rss, code = run([exe, "classify", "-r", bench247, "-j", "1", "-f", "jsonl",
                               "--tagged-only", "--summary", "-o", outp, big])
        if code not in (0, 4):
            sys.exit(f"bench: topictag exited {code}")
        s = summary_of(outp)
        # streaming stays under 16 MB whatever the size of the batch (issue 12)
        row(f"bench {n247} -j1 JSON Lines, tagged-only", big, os.path.getsize(big), secs, rss,
            s["document_count"], s["sentences"], "<16MB" if rss < 16 << 10 else "OVER16MB")


if __name__ == "__main__":
    main()
