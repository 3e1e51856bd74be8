"""outputs.py - every JSON and JSON Lines output kind of topictag, run on the project's data.

One table, shared by validate.py (each output against its schema in docs/schema) and keys.py
(the names used across outputs), so a new output kind is added once and checked by both.
Each run is (label, schema file, JSON Lines?, arguments); run from the project root."""
import json
import os
import shutil
import subprocess

RM = ["-r", "tests/data/rules-min"]

RUNS = [
    ("classify -f json", "classify.json", False,
     ["classify", "-r", "rules", "-f", "json", "samples/wire", "tests/data/docs"]),
    ("classify -f jsonl --summary", "classify-jsonl.json", True,
     ["classify", "-r", "rules", "-f", "jsonl", "--summary", "samples/wire",
      "tests/data/docs", "tests/data/docs/feed.jsonl"]),
    ("classify -f json --keep-field --lossy", "classify.json", False,
     ["classify"] + RM + ["-f", "json", "--keep-field", "date,source,rank,meta", "--lossy",
                          "tests/data/keep/feed.jsonl", "tests/data/keep/damaged.jsonl"]),
    ("classify -f jsonl --summary --keep-field --encoding", "classify-jsonl.json", True,
     ["classify"] + RM + ["-f", "jsonl", "--summary", "--keep-field", "date,meta",
                          "--encoding", "cp1252", "tests/data/keep/feed.jsonl"]),
    ("segment -f jsonl", "segment-jsonl.json", True,
     ["segment", "-f", "jsonl", "samples/wire", "tests/data/docs/feed.jsonl"]),
    ("diff -f json", "diff.json", False,
     ["diff"] + RM + ["--against", "tests/data/rules-min-v2", "-f", "json",
                      "tests/data/diff-doc.txt", "tests/data/diff-doc.jsonl"]),
    ("diff -f json --keep-field", "diff.json", False,
     ["diff"] + RM + ["--against", "tests/data/rules-min-v2", "-f", "json", "--keep-field",
                      "date,source,rank", "tests/data/diff-keep.jsonl"]),
    ("explain -f json", "explain.json", False,
     ["explain", "-r", "rules", "-f", "json", "samples/wire/w05-pla-drills-around-taiwan-reuters.txt",
      "samples/wire/w11-asia-briefing-taiwan-typhoon-kyodo.txt", "tests/data/docs/feed.jsonl"]),
    ("eval -f json", "eval.json", False,
     ["eval", "-r", "rules", "--gold", "samples/gold.jsonl", "-f", "json"]),
    ("eval -f json (JSON Lines corpus)", "eval.json", False,
     ["eval", "-r", "rules", "--gold", "tests/data/gold-feed.jsonl", "-f", "json",
      "--topic", "north-korea-missiles", "tests/data/docs/feed.jsonl"]),
    ("test -f json", "test.json", False,
     ["test", "-r", "tests/data/examples.yaml", "-f", "json"]),
    ("check -f json", "check.json", False,
     ["check", "-r", "rules", "-f", "json"]),
    ("check -f json (warnings)", "check.json", False,
     ["check", "-r", "tests/data/rules-bad/warn.yaml", "-f", "json"]),
    ("check -f json (invalid rules)", "check.json", False,
     ["check", "-r", "tests/data/rules-bad", "-f", "json"]),
    ("merge", "merge.json", True,
     ["merge", "MERGE-INPUT"]),
    ("explain -f json (a name not UTF-8)", "explain.json", False,
     ["explain", "-r", "tests/data/rules-min", "-f", "json", "NOT-UTF8/"]),
    ("eval -f json (a name not UTF-8)", "eval.json", False,
     ["eval", "-r", "tests/data/rules-min", "--gold", "NOT-UTF8/gold.jsonl", "-f", "json",
      "NOT-UTF8/bad\udcff.jsonl"]),
    ("classify -f json (a name not UTF-8)", "classify.json", False,
     ["classify", "-r", "tests/data/rules-min", "-f", "json", "NOT-UTF8/"]),
]


def not_utf8(tmp):
    """A folder whose documents have names that are not UTF-8 (an article and a JSON Lines
    file), with a gold file that labels the records by id.  Returns its path."""
    d = tmp + "/not-utf8"
    if not os.path.isdir(d):
        os.mkdir(d)
        shutil.copy("tests/data/docs/good.txt", os.fsencode(d) + b"/bad\xff.txt")
        shutil.copy("tests/data/docs/feed.jsonl", os.fsencode(d) + b"/bad\xff.jsonl")
        with open(d + "/gold.jsonl", "w") as f:
            f.write('{"id": "a1", "topics": []}\n{"id": "a2", "topics": []}\n')
    return d


def run(topictag, args, tmp):
    """Runs topictag (a list: a command may be valgrind ... topictag) with args; the word
    MERGE-INPUT stands for a file holding `classify -f jsonl --summary` output of two documents
    and a summary line, NOT-UTF8/ for the folder of not_utf8() (in which \udcff is the byte
    0xff, as os.fsencode spells it).  Returns stdout as text; raises UnicodeDecodeError when it
    is not UTF-8 (JSON must be)."""
    args = [a.replace("NOT-UTF8/", not_utf8(tmp) + "/") for a in args]
    if "MERGE-INPUT" in args:
        path = tmp + "/shard.jsonl"
        with open(path, "wb") as f:
            f.write(subprocess.run(topictag + ["classify", "-r", "rules", "-f", "jsonl", "--summary",
                                               "tests/data/docs/feed.jsonl"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout)
        args = [path if a == "MERGE-INPUT" else a for a in args] + [path]
    return subprocess.run(topictag + [os.fsencode(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout.decode("utf-8")


def values(out, lines):
    """The JSON values of one run's output: each line, or the whole output."""
    return [json.loads(l) for l in out.splitlines() if l.strip()] if lines else [json.loads(out)]
