#!/usr/bin/env python3
"""mkseeds.py HARNESS OUTDIR - fills OUTDIR with seed inputs for one fuzz harness, from the repo.

rules:     rules/*.yaml, tests/data/rules-*/*.yaml, and each topic file of rules/ merged with
           rules/definitions.yaml and a segmenter: mapping (one self-contained rule file)
condition: every condition:/when: of rules/*.yaml (folded scalars joined), as is and with its
           ids renamed to the harness's ids (a, b, c, missile, nk), plus tests/fuzz/seeds/condition/*
segment, classify: samples/*.txt and tests/data/docs/*, tests/data/odd-case.txt
literal:   "<flags byte><regex>\n<text>": each single-line regex of rules/*.yaml without {{...}}
           (case flag from the ignore_case line below it, if any) with a sample article
jsonl:     "<field-names byte><record>": each line of tests/data/*.jsonl, tests/data/docs/*.jsonl
Run from the project root.  Only the standard library is used.
"""
import glob
import hashlib
import os
import re
import sys

KEYWORDS = {"and", "or", "not", "of"}
IDS = ["a", "b", "c", "missile", "nk"]


def put(outdir, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    name = "seed-" + hashlib.sha1(data).hexdigest()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def rules_seeds(outdir):
    files = sorted(glob.glob("rules/*.yaml")) + sorted(glob.glob("tests/data/rules-*/*.yaml"))
    for p in files:
        put(outdir, read(p))
    defs = read("rules/definitions.yaml")
    seg_body = (b"segmenter:\n  abbreviations: [Adm., Gen.]\n  starters: [Separately]\n"
                b"  exclamation-names: [Yahoo!]\n  abbreviations-may-end: [Co.]\n  replace: true\n")
    for p in sorted(glob.glob("rules/*.yaml")):
        if p.endswith("definitions.yaml"):
            continue
        body = re.sub(rb"(?m)^version:.*\n", b"", read(p))
        put(outdir, defs + b"\n" + body)
        put(outdir, defs + b"\n" + seg_body + b"\n" + body)


def conditions():
    """Yields every condition: / when: value of rules/*.yaml, folded scalars joined."""
    for p in sorted(glob.glob("rules/*.yaml")):
        lines = read(p).decode("utf-8", "replace").split("\n")
        i = 0
        while i < len(lines):
            m = re.match(r"^(\s*)(?:condition|when):\s*(.*)$", lines[i])
            i += 1
            if not m:
                continue
            indent, value = len(m.group(1)), m.group(2).strip()
            if value in (">", "|", ">-", "|-", ""):
                parts = []
                while i < len(lines) and (not lines[i].strip() or
                                          len(lines[i]) - len(lines[i].lstrip()) > indent):
                    if lines[i].strip():
                        parts.append(lines[i].strip())
                    i += 1
                value = " ".join(parts)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            if value:
                yield value


def rename(cond):
    mapping = {}

    def sub(m):
        w = m.group(0)
        if w in KEYWORDS or w[0].isdigit():
            return w
        if w not in mapping:
            mapping[w] = IDS[len(mapping) % len(IDS)]
        return mapping[w]

    return re.sub(r"[A-Za-z0-9_.-]+", sub, cond)


def condition_seeds(outdir):
    for c in conditions():
        put(outdir, c)
        put(outdir, rename(c))
    for p in sorted(glob.glob("tests/fuzz/seeds/condition/*")):
        put(outdir, read(p))


def text_seeds(outdir):
    files = sorted(glob.glob("samples/*.txt")) + sorted(glob.glob("tests/data/docs/*"))
    files += ["tests/data/odd-case.txt"]
    for p in files:
        if os.path.isfile(p):
            put(outdir, read(p))


def regexes():
    """Yields (regex, caseless) for the quoted one-line regexes of rules/*.yaml."""
    for p in sorted(glob.glob("rules/*.yaml")):
        lines = read(p).decode("utf-8", "replace").split("\n")
        for i, line in enumerate(lines):
            m = re.match(r"^\s*(?:- )?(?:regex:\s*)?'(.*)'\s*$", line)
            if not m or ("regex:" not in line and not lines[i - 1].strip().startswith("regex:")):
                continue
            rx = m.group(1).replace("''", "'")
            if "{{" in rx:
                continue
            caseless = any("ignore_case: true" in l for l in lines[i + 1:i + 4])
            yield rx, caseless


def literal_seeds(outdir):
    texts = [read(p) for p in sorted(glob.glob("samples/*.txt"))] or [b"North Korea"]
    for k, (rx, caseless) in enumerate(regexes()):
        put(outdir, bytes([1 if caseless else 0]) + rx.encode("utf-8") + b"\n" +
            texts[k % len(texts)])


def jsonl_seeds(outdir):
    """Each line of the repo's JSON Lines files, with each of the four field-name choices."""
    files = sorted(glob.glob("tests/data/*.jsonl")) + sorted(glob.glob("tests/data/docs/*.jsonl"))
    lines = [l for p in files for l in read(p).split(b"\n") if l.strip()]
    lines += [b'{"id": "a", "text": "caf\xc3\xa9 \\u00e9\\ud83d\\ude00 \\u0000 \\" \\\\"}']
    for k, line in enumerate(lines):
        put(outdir, bytes([k % 4]) + line)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    harness, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    {"rules": rules_seeds, "condition": condition_seeds, "segment": text_seeds,
     "classify": text_seeds, "literal": literal_seeds, "jsonl": jsonl_seeds}[harness](outdir)


if __name__ == "__main__":
    main()
