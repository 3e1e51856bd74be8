"""test_parallel.py - the GNU parallel recipe of the README ("Scaling out") gives the same
records as one topictag run, compared by id (order and "document" differ: each chunk is its
own stdin)."""
import json
import os
import shutil
import subprocess
import unittest

import util
from util import CLI, CORPUS, RULES, canon


def by_id(out):
    recs = {}
    for line in out.splitlines():
        r = json.loads(line)
        del r["document"]
        recs[r["id"]] = canon(r)
    return recs


class Parallel(unittest.TestCase):
    def test_recipe_matches_one_run(self):
        if not shutil.which("parallel"):
            self.skipTest("GNU parallel is not installed: run apt-get install parallel")
        if not os.path.exists(CORPUS):
            self.skipTest(f"shared corpus {CORPUS} is absent")
        want, rc = util.cli("classify", "-r", RULES, "--input", "jsonl", "-f", "jsonl", "-",
                            stdin=open(CORPUS, "rb").read())
        self.assertEqual(rc, 0)
        want = by_id(want)
        self.assertGreater(len(want), 500)
        # the README's command with --block 512k instead of 16M, so that this 2 MB corpus is
        # cut into several jobs run at once
        with open(CORPUS, "rb") as f:
            p = subprocess.run(["parallel", "--will-cite", "--pipe", "--block", "512k",
                                "-S", ":", CLI, "classify", "-r", RULES, "--input",
                                "jsonl", "-f", "jsonl", "-"], stdin=f,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertGreater(p.stdout.count(b'"document": "-:1", '), 2, "not cut into jobs")
        self.assertEqual(by_id(p.stdout), want)

if __name__ == "__main__":
    unittest.main()
