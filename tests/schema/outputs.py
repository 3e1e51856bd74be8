"""outputs.py - every JSON and JSON Lines output kind of topictag, run on the project's data.

One table, shared by validate.py (each output against its schema in docs/schema) and keys.py
(the names used across outputs), so a new output kind is added once and checked by both.
Each run is (label, schema file, JSON Lines?, arguments); run from the project root."""
import json
import subprocess

RM = ["-r", "tests/data/rules-min"]

RUNS = [
    ("classify -f json", "classify.json", False,
     ["classify", "-r", "rules", "-f", "json", "samples/wire", "tests/data/docs"]),
    ("classify -f jsonl --summary", "classify-jsonl.json", True,
     ["classify", "-r", "rules", "-f", "jsonl", "--summary", "samples/wire",
      "tests/data/docs", "tests/data/docs/feed.jsonl"]),
    ("segment -f jsonl", "segment-jsonl.json", True,
     ["segment", "-f", "jsonl", "samples/wire", "tests/data/docs/feed.jsonl"]),
    ("diff -f json", "diff.json", False,
     ["diff"] + RM + ["--against", "tests/data/rules-min-v2", "-f", "json",
                      "tests/data/diff-doc.txt", "tests/data/diff-doc.jsonl"]),
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
]


def run(topictag, args, tmp):
    """Runs topictag (a list: a command may be valgrind ... topictag) with args; the word
    MERGE-INPUT stands for a file holding `classify -f jsonl --summary` output of two documents
    and a summary line.  Returns stdout as text."""
    if "MERGE-INPUT" in args:
        path = tmp + "/shard.jsonl"
        with open(path, "wb") as f:
            f.write(subprocess.run(topictag + ["classify", "-r", "rules", "-f", "jsonl", "--summary",
                                               "tests/data/docs/feed.jsonl"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout)
        args = [path if a == "MERGE-INPUT" else a for a in args] + [path]
    return subprocess.run(topictag + args, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout.decode()


def values(out, lines):
    """The JSON values of one run's output: each line, or the whole output."""
    return [json.loads(l) for l in out.splitlines() if l.strip()] if lines else [json.loads(out)]
