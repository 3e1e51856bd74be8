"""test_binding.py - the ctypes binding against the CLI: same records, errors, threads, memory."""
import ctypes
import glob
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

import util
from util import CORPUS, RULES, SAMPLES, canon, cli, cli_records

import topictag

BAD_RULE = """version: 1
topic:
  id: x
  title: X
  patterns:
    - id: a
      regex: "(ab"
"""

GOOD_RULE = """version: 1
topic:
  id: storms
  title: Storms
  patterns:
    - id: storm
      regex: '\\b(?:typhoon|storm)s?\\b'
      ignore_case: true
"""


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class Binding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rs = topictag.Ruleset.from_path(RULES)

    def test_samples_equal_cli(self):
        paths = sorted(glob.glob(os.path.join(SAMPLES, "**", "*.txt"), recursive=True))
        self.assertGreater(len(paths), 40)
        want = cli_records(*[os.path.relpath(p, util.ROOT) for p in paths])
        self.assertEqual(len(want), len(paths))
        for p, w in zip(paths, want):
            with open(p, "rb") as f:
                got = self.rs.classify(f.read(), name=w["document"])
            self.assertEqual(canon(got), canon(w), p)
        self.assertTrue(any(t["role"] == "primary" for w in want for t in w["topics"]))

    def test_corpus_equal_cli(self):
        if not os.path.exists(CORPUS):
            self.skipTest(f"shared corpus {CORPUS} is absent")
        want = cli_records(CORPUS)
        got = []
        with open(CORPUS, "rb") as f:
            for no, line in enumerate(f, 1):
                o = json.loads(line)
                got.append(self.rs.classify(o["text"], o.get("title"), id=o["id"],
                                            name=f"{CORPUS}:{no}", errors="record"))
        self.assertEqual(len(got), len(want))
        self.assertGreater(len(want), 500)
        for g, w in zip(got, want):
            self.assertEqual(canon(g), canon(w), w["document"])
        self.assertGreater(sum(len(w["topics"]) for w in want), 100)

    def test_render_is_the_cli_line(self):
        p = "samples/02-taiwan-strait-thunder-reuters.txt"
        out, _ = cli("classify", "-r", RULES, "-f", "jsonl", p)
        with open(os.path.join(util.ROOT, p), "rb") as f:
            self.assertEqual(self.rs.render(f.read(), name=p), out)

    def test_render_with_title_is_the_cli_line(self):
        # the CLI reads a JSON Lines record's title as the headline; render must too
        rec = {"id": "t1", "title": "China drills around Taiwan",
               "text": "Chinese warships sailed near the island on Monday."}
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "one.jsonl")
            with open(p, "w") as f:
                f.write(json.dumps(rec) + "\n")
            out, _ = cli("classify", "-r", RULES, "-f", "jsonl", p)
            self.assertEqual(self.rs.render(rec["text"], rec["title"], id="t1",
                                            name=f"{p}:1"), out)
            self.assertIn(b'"headline"', out)

    def test_title_is_the_headline(self):
        rec = self.rs.classify("Chinese warships sailed near the island on Monday.",
                               title="China drills around Taiwan")
        s0 = rec["sentences"][0]
        self.assertEqual((s0["kind"], s0["text"], s0["start"], s0["end"]),
                         ("headline", "China drills around Taiwan", 0, 26))
        self.assertEqual([t["id"] for t in rec["topics"]], ["taiwan-strait"])

    def test_struct_sizes_match_the_header(self):
        # the library copies whole structs the binding passes in (tt_report_options): a
        # field the header gained and _lib.py lacks makes C read past Python's buffer
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            self.skipTest("no C compiler to read the header's struct sizes: apt-get install gcc")
        from topictag import _lib
        names = {"Error": "tt_error", "Diag": "tt_diag", "Limits": "tt_limits",
                 "Match": "tt_match", "Sentence": "tt_sentence", "DocError": "tt_doc_error",
                 "Trace": "tt_trace", "TopicInfo": "tt_topic_info",
                 "PatternInfo": "tt_pattern_info", "ReportOptions": "tt_report_options",
                 "ReportBuf": "tt_report_buf"}
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "sizes.c")
            with open(src, "w") as f:
                f.write("#include <stdio.h>\n#include <topictag.h>\nint main(void) {\n")
                for c_name in names.values():
                    f.write(f'    printf("%zu\\n", sizeof({c_name}));\n')
                f.write("    return 0;\n}\n")
            exe = os.path.join(d, "sizes")
            subprocess.run([cc, "-I", os.path.join(util.ROOT, "include"), "-o", exe, src],
                           check=True)
            sizes = subprocess.run([exe], check=True, capture_output=True,
                                   text=True).stdout.split()
        for (py_name, c_name), size in zip(names.items(), sizes):
            self.assertEqual(ctypes.sizeof(getattr(_lib, py_name)), int(size), c_name)

    def test_segment_equals_cli(self):
        p = "samples/wire/w11-asia-briefing-taiwan-typhoon-kyodo.txt"
        out, _ = cli("segment", "-r", RULES, "-f", "jsonl", p)
        want = [json.loads(line) for line in out.splitlines()]
        for w in want:
            del w["document"]
        with open(os.path.join(util.ROOT, p), "rb") as f:
            self.assertEqual(self.rs.segment(f.read()), want)

    def test_explain_equals_cli(self):
        text = ("China sent warships near Taiwan on Monday. They fired missiles into the "
                "strait. Separately, a typhoon hit Okinawa.")
        for topic in (None, "taiwan-strait"):
            args = ["explain", "-r", RULES, "-f", "json", "--text", text]
            if topic:
                args += ["--topic", topic]
            out, rc = cli(*args)
            self.assertEqual(rc, 0)
            want = json.loads(out)["documents"][0]
            # the CLI also names the clauses that block a false condition ("blocking"); the
            # binding gives the condition with every clause's value and leaves that out
            for s in want["sentences"]:
                for t in s["topics"]:
                    t["condition"].pop("blocking", None)
            got = self.rs.explain(text, topic=topic)
            self.assertEqual(got, want)
            self.assertTrue(any(t["tagged"] for s in got["sentences"] for t in s["topics"]))
        with self.assertRaises(KeyError):
            self.rs.explain(text, topic="no-such-topic")

    def test_from_yaml_and_digest(self):
        a = topictag.Ruleset.from_yaml(GOOD_RULE)
        self.assertEqual(a.topics, ["storms"])
        rec = a.classify("A typhoon hit Taiwan. Markets rose.")
        self.assertEqual([t["id"] for t in rec["sentences"][0]["topics"]], ["storms"])
        self.assertEqual(rec["sentences"][1]["topics"], [])
        b = topictag.Ruleset.from_yaml(GOOD_RULE.replace("storm)s", "storm|gale)s"))
        self.assertNotEqual(a.digest, b.digest)
        self.assertEqual(a.digest, topictag.Ruleset.from_yaml(GOOD_RULE).digest)
        self.assertRegex(a.digest, r"^sha256:[0-9a-f]{64}$")
        # the same folder elsewhere has the same digest: names are relative to the folder
        with tempfile.TemporaryDirectory() as d:
            shutil.copytree(RULES, os.path.join(d, "r"))
            self.assertEqual(topictag.Ruleset.from_path(os.path.join(d, "r")).digest,
                             self.rs.digest)
        # what pickles (for Dask) is the text and digest; it classifies the same
        c = pickle.loads(pickle.dumps(self.rs))
        self.assertEqual(c.digest, self.rs.digest)
        self.assertLess(len(pickle.dumps(self.rs)), 2 * sum(len(t) for _, t in
                                                            self.rs.sources))
        t = "North Korea fired an ICBM into the sea east of Japan on Thursday."
        self.assertEqual(c.classify(t), self.rs.classify(t))

    def test_bad_rules_raise_with_position(self):
        with self.assertRaises(topictag.RuleError) as cm:
            topictag.Ruleset.from_yaml(BAD_RULE, name="bad.yaml")
        e = cm.exception
        self.assertEqual((e.file, e.line, e.column, e.code), ("bad.yaml", 7, 18, "regex"))
        self.assertEqual(str(e), "bad.yaml:7:18: error: invalid regex in pattern 'a': "
                                 "missing closing parenthesis at offset 3")
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(os.path.join(RULES, "definitions.yaml"), d)
            with open(os.path.join(d, "z.yaml"), "w") as f:
                f.write(BAD_RULE)
            with self.assertRaises(topictag.RuleError) as cm:
                topictag.Ruleset.from_path(d)
            self.assertEqual(cm.exception.file, os.path.join(d, "z.yaml"))
            out, rc = cli("check", "-r", d)
            self.assertEqual(rc, 3)
            with self.assertRaises(topictag.RuleError):
                topictag.Ruleset.from_yaml("version: 1\ntopic: [")

    def test_invalid_utf8_per_document(self):
        good = "North Korea fired a ballistic missile on Monday, Seoul said."
        bad = b"North Korea fired \xff a missile."
        with self.assertRaises(topictag.DocumentError) as cm:
            self.rs.classify(bad)
        e = cm.exception
        self.assertEqual((e.code, e.offset), ("invalid-utf8", 18))
        self.assertEqual(e.record["sentences"], [])
        # a lone surrogate in a str is not UTF-8 either
        with self.assertRaises(topictag.DocumentError):
            self.rs.classify("abc \udc80 def")
        recs = list(self.rs.classify_many([good, bad, ("id-3", good), b"", b"a\0b"]))
        self.assertEqual([r["errors"][0]["code"] if r["errors"] else None for r in recs],
                         [None, "invalid-utf8", None, "empty", "binary"])
        self.assertEqual(recs[2]["id"], "id-3")
        self.assertEqual(canon(recs[0]["topics"]), canon(recs[2]["topics"]))
        self.assertTrue(recs[0]["topics"])
        out, rc = cli("classify", "-r", RULES, "-f", "jsonl", "-", stdin=bad)
        self.assertEqual(rc, 4)
        self.assertEqual(canon(recs[1]), canon(json.loads(out)))
        with self.assertRaises(topictag.DocumentError):
            self.rs.segment(bad)

    def test_threads_share_the_ruleset(self):
        paths = sorted(glob.glob(os.path.join(SAMPLES, "*.txt")))
        texts = []
        for p in paths:
            with open(p, "rb") as f:
                texts.append(f.read())
        want = [canon(self.rs.classify(t)) for t in texts]
        got, errs = {}, []

        def work(k):
            try:
                for _ in range(3):
                    for i, t in enumerate(texts):
                        c = canon(self.rs.classify(t))
                        if c != want[i]:
                            errs.append((k, i))
                got[k] = True
            except Exception as e:   # noqa: BLE001 - reported below
                errs.append(e)

        th = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in th:
            t.start()
        for t in th:
            t.join()
        self.assertEqual(errs, [])
        self.assertEqual(len(got), 4)

    def test_no_memory_growth(self):
        if os.environ.get("TOPICTAG_SANITIZE"):
            self.skipTest("RSS says nothing under AddressSanitizer (its quarantine holds freed "
                          "memory); run make test without SANITIZE")
        with open(os.path.join(SAMPLES, "02-taiwan-strait-thunder-reuters.txt"), "rb") as f:
            text = f.read()
        for _ in range(300):
            self.rs.classify(text)
            self.rs.classify(b"\xff bad", errors="record")   # the error path too
        before = rss_kib()
        for _ in range(3000):
            self.rs.classify(text)
            self.rs.classify(b"\xff bad", errors="record")
            self.rs.segment(text)
        for _ in range(20):
            topictag.Ruleset.from_yaml(GOOD_RULE).classify("a storm")
        grew = rss_kib() - before
        self.assertLess(grew, 1024, f"RSS grew by {grew} KiB over 9,000 calls")

    def test_module_main_is_the_cli(self):
        env = dict(os.environ, PYTHONPATH=os.path.join(util.ROOT, "python"))
        p = subprocess.run([sys.executable, "-m", "topictag", "-r", RULES, "samples"],
                           cwd=util.ROOT, env=env, stdout=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 0)
        out, _ = cli("classify", "-r", RULES, "-f", "jsonl", "samples")
        self.assertEqual(p.stdout, out)
        p = subprocess.run([sys.executable, "-m", "topictag", "-r", RULES, "--input", "jsonl"],
                           cwd=util.ROOT, env=env, input=b'{"id": 1, "text": "ok \\u0000"}\n',
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 4)
        self.assertEqual(json.loads(p.stdout)["errors"][0]["code"], "binary")
        # bad lines give the CLI's records; only the JSON parser's wording differs
        bad = (b'notjson\n{"id": 3, "text": 5}\n[1]\n\n{"id": 7, "text": "China fired '
               b'missiles near Taiwan."}\n{"id": 2.5, "text": ""}\n')
        p = subprocess.run([sys.executable, "-m", "topictag", "-r", RULES, "--input", "jsonl"],
                           cwd=util.ROOT, env=env, input=bad, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        out, rc = cli("classify", "-r", RULES, "--input", "jsonl", "-f", "jsonl", "-", stdin=bad)
        self.assertEqual((p.returncode, rc), (4, 4))

        def unworded(raw):
            recs = [json.loads(x) for x in raw.splitlines()]
            for r in recs:
                for e in r["errors"]:
                    if e["message"].startswith("malformed JSON record: "):
                        e["message"] = "malformed JSON record"
            return [canon(r) for r in recs]
        self.assertEqual(unworded(p.stdout), unworded(out))
        self.assertEqual(len(p.stdout.splitlines()), 5)
        p = subprocess.run([sys.executable, "-m", "topictag", "-r", "/nonexistent"],
                           cwd=util.ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 3)

    def test_to_records(self):
        recs = list(self.rs.classify_many([
            "China sent warships near Taiwan on Monday. Markets were calm.", b"\xff"]))
        rows = topictag.to_records(recs)
        kinds = [(r["row"], r["topic"], r["error"]) for r in rows]
        self.assertEqual(kinds, [("sentence", "taiwan-strait", None),
                                 ("article", "taiwan-strait", None),
                                 ("error", None, "invalid-utf8")])
        self.assertEqual(rows[0]["text"], "China sent warships near Taiwan on Monday.")
        self.assertEqual(len({tuple(r) for r in rows}), 1)
        pd = util.need("pandas", "python3-pandas")
        df = pd.DataFrame(rows)
        self.assertEqual(list(df[df["row"] == "article"]["role"]), ["primary"])


if __name__ == "__main__":
    unittest.main()
