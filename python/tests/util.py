"""util.py - what the Python tests share: where the CLI, rules and data are, canonical JSON."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get("TOPICTAG_CLI", os.path.join(ROOT, "build", "topictag"))
RULES = os.path.join(ROOT, "rules")
SAMPLES = os.path.join(ROOT, "samples")
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "wikipedia-current-events",
                      "articles.jsonl")
if not os.path.exists(CORPUS):
    CORPUS = "/work/shared/corpora/wikipedia-current-events/articles.jsonl"
sys.path.insert(0, os.path.join(ROOT, "python"))


def canon(rec):
    """One record as canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cli(*args, stdin=None):
    """The CLI's stdout for args (run from the project root), as bytes; its exit status is
    returned too."""
    p = subprocess.run([CLI, *args], cwd=ROOT, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return p.stdout, p.returncode


def cli_records(*args):
    out, _ = cli("classify", "-j1", "-r", RULES, "-f", "jsonl", *args)
    return [json.loads(line) for line in out.splitlines()]


def need(module, package):
    """Imports module, or raises SkipTest naming the command that installs it."""
    import importlib
    import unittest
    try:
        return importlib.import_module(module)
    except ImportError:
        raise unittest.SkipTest(f"{module} is not installed for {sys.executable}: run "
                                f"apt-get install {package} and the tests under "
                                "/usr/bin/python3") from None
