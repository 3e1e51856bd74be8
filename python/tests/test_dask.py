"""test_dask.py - a real Dask cluster on loopback: a scheduler and two workers, each its own
process (--nthreads 1, --no-nanny, 127.0.0.1, ports chosen by the system), started here and
stopped by PID at the end, also on failure.  Classifies the shared corpus through classify_bag
and compares with the CLI; then kills one worker while tasks run and still gets the same
records.  Run under Debian's /usr/bin/python3 (python3-distributed)."""
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import util
from util import CORPUS, RULES, canon

import topictag

dask = util.need("dask", "python3-distributed")
distributed = util.need("distributed", "python3-distributed")
import dask.bag as db  # noqa: E402
import topictag.dask as ttd  # noqa: E402

START_TIMEOUT = 60     # seconds for the cluster to come up on a busy machine
JOB_TIMEOUT = 120


class Cluster:
    """A scheduler and n workers as child processes; stop() kills each by its PID."""

    def __init__(self, n):
        self.procs = []
        self.dir = tempfile.mkdtemp(prefix="topictag-dask-")
        self.file = os.path.join(self.dir, "scheduler.json")
        atexit.register(self.stop)
        env = dict(os.environ, PYTHONPATH=os.path.join(util.ROOT, "python"),
                   DASK_DISTRIBUTED__WORKER__DAEMON="False")
        common = ["--host", "127.0.0.1"]
        self._spawn([sys.executable, "-m", "distributed.cli.dask_scheduler", *common,
                     "--port", "0", "--no-dashboard", "--scheduler-file", self.file], env)
        deadline = time.time() + START_TIMEOUT
        while not os.path.exists(self.file):
            self._alive()
            if time.time() > deadline:
                raise RuntimeError("dask scheduler did not start")
            time.sleep(0.2)
        time.sleep(0.2)   # the file is written whole before use, but give it a moment
        self.workers = [self._spawn([sys.executable, "-m", "distributed.cli.dask_worker",
                                     *common, "--nthreads", "1", "--no-nanny",
                                     "--no-dashboard", "--scheduler-file", self.file,
                                     "--local-directory", self.dir,
                                     "--name", f"w{k}"], env) for k in range(n)]
        self.client = distributed.Client(scheduler_file=self.file, timeout=START_TIMEOUT)
        self.client.wait_for_workers(n, timeout=START_TIMEOUT)

    def _spawn(self, argv, env):
        log = open(os.path.join(self.dir, f"p{len(self.procs)}.log"), "wb")
        p = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
        log.close()
        self.procs.append(p)
        return p

    def _alive(self):
        for p in self.procs:
            if p.poll() is not None:
                raise RuntimeError(f"{p.args[2]} exited with {p.returncode}: " + self.log(p))

    def log(self, p):
        with open(os.path.join(self.dir, f"p{self.procs.index(p)}.log"), "rb") as f:
            return f.read()[-2000:].decode(errors="replace")

    def stop(self):
        if getattr(self, "client", None):
            try:
                self.client.close(timeout=10)
            except Exception:   # noqa: BLE001 - the processes are killed below anyway
                pass
            self.client = None
        for p in reversed(self.procs):
            if p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(timeout=30)
        self.procs = []
        shutil.rmtree(self.dir, ignore_errors=True)


def cli_corpus():
    out, rc = util.cli("classify", "-j1", "-r", RULES, "-f", "jsonl", CORPUS)
    return sorted(canon(json.loads(line)) for line in out.splitlines())


def strip(recs, digest):
    out = []
    for r in recs:
        if r.pop("digest") != digest:
            raise AssertionError(f"record {r['document']} has another digest")
        out.append(canon(r))
    return out


class DaskCluster(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(CORPUS):
            raise unittest.SkipTest(f"shared corpus {CORPUS} is absent")
        cls.rs = topictag.Ruleset.from_path(RULES)
        cls.want = cli_corpus()
        cls.cluster = Cluster(2)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def test_classify_bag_equals_cli(self):
        bag = ttd.classify_bag(ttd.read_jsonl(CORPUS, blocksize=256 << 10), self.rs)
        t = time.time()
        recs = self.cluster.client.compute(bag).result(timeout=JOB_TIMEOUT)
        self.assertLess(time.time() - t, JOB_TIMEOUT)
        got = strip(recs, self.rs.digest)
        # in input order, and the same records as the CLI's
        self.assertEqual([json.loads(g)["document"] for g in got],
                         [f"{CORPUS}:{k}" for k in range(1, len(got) + 1)])
        self.assertEqual(sorted(got), self.want)
        # both workers did part of it: each compiled the rules once, cached by digest
        digest = self.rs.digest
        n = self.cluster.client.run(lambda: digest in topictag._CACHE)
        self.assertEqual(list(n.values()), [True, True])

    def test_worker_killed_mid_run(self):
        # small partitions (about 30), so tasks are still queued and running when
        # one worker dies; the scheduler reruns its tasks on the other
        b = ttd.read_jsonl(CORPUS, blocksize=64 << 10)
        futs = self.cluster.client.compute(ttd.classify_bag(b, self.rs).to_delayed())
        distributed.wait(futs, timeout=JOB_TIMEOUT, return_when="FIRST_COMPLETED")
        done = sum(f.done() for f in futs)
        victim = self.cluster.workers[1]
        self.assertIsNone(victim.poll())
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        self.assertLess(done, len(futs), "the job ended before the worker was killed")
        recs = [r for part in self.cluster.client.gather(futs) for r in part]
        got = strip(recs, self.rs.digest)
        self.assertEqual(sorted(got), self.want)
        # the cluster lost a worker
        self.assertEqual(len(self.cluster.client.scheduler_info()["workers"]), 1)

    def test_read_jsonl_blocks_and_bad_lines(self):
        # blocks far smaller than a line, blank and bad lines: the same names, ids and
        # records as the CLI reading the same file (the JSON parser's wording aside)
        with open(CORPUS, "rb") as f:
            head = [next(f) for _ in range(5)]
        lines = [head[0], b"\n", b"notjson\n", head[1], b'{"id": 9, "text": 1}\n', b"[2]\n",
                 head[2], head[3] + head[4].rstrip(b"\n")]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "a.jsonl")
            with open(path, "wb") as f:
                f.write(b"".join(lines))
            out, rc = util.cli("classify", "-r", RULES, "-f", "jsonl", path)
            for bs in (300, 5000, 1 << 20):
                with dask.config.set(scheduler="sync"):
                    got = ttd.classify_bag(ttd.read_jsonl(path, blocksize=bs), self.rs).compute()
                want = [json.loads(x) for x in out.splitlines()]
                for r in got + want:
                    r.pop("digest", None)
                    for e in r["errors"]:
                        if e["message"].startswith("malformed JSON record"):
                            e["message"] = "malformed JSON record"
                self.assertEqual([canon(r) for r in got], [canon(r) for r in want], bs)
        self.assertEqual(len(want), 8)

    def test_mixed_digests_refused(self):
        other = topictag.Ruleset.from_yaml(
            "version: 1\ntopic:\n  id: t\n  title: T\n  patterns:\n    - id: a\n"
            "      regex: 'Taiwan'\n")
        bag = db.from_sequence(["China sent warships near Taiwan."] * 4, npartitions=2)
        mixed = db.concat([ttd.classify_bag(bag, self.rs), ttd.classify_bag(bag, other)])
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(ValueError, "mixed rule versions"):
                self.cluster.client.gather(self.cluster.client.compute(
                    ttd.write_jsonl(mixed, os.path.join(d, "*.jsonl"), self.rs,
                                    compute=False)))
            ttd.write_jsonl(ttd.classify_bag(bag, self.rs), os.path.join(d, "ok-*.jsonl"),
                            self.rs)
            with open(os.path.join(d, "ok-0.jsonl")) as f:
                lines = f.read().split("\n")
            self.assertEqual(lines[-1], "", "the last record ends with a newline")
            self.assertEqual([json.loads(x)["digest"] for x in lines[:-1]], [self.rs.digest] * 2)
        # a worker whose library would compute another digest for the same text refuses
        with self.assertRaisesRegex(topictag.RuleError, "digest"):
            topictag._cached(self.rs.sources, "sha256:" + "0" * 64)

    def test_classify_dataframe(self):
        pd = util.need("pandas", "python3-pandas")
        import dask.dataframe as dd
        pdf = pd.DataFrame({"id": ["a", "b", "c"],
                            "text": ["China sent warships near Taiwan on Monday.",
                                     "Markets rose.", "bad \udc80"]})
        out = ttd.classify_dataframe(dd.from_pandas(pdf, npartitions=2), "text", self.rs,
                                     id_col="id")
        # on this process's scheduler: the cluster's workers would spend seconds importing
        # pandas, and classify_bag's tests cover the cluster
        df = out.compute(scheduler="sync")
        rows = sorted(zip(df["id"], df["row"], df["topic"].fillna(""), df["error"].fillna("")))
        self.assertEqual(rows, [("a", "article", "taiwan-strait", ""),
                                ("a", "sentence", "taiwan-strait", ""),
                                ("c", "error", "", "invalid-utf8")])
        self.assertEqual(set(df["digest"]), {self.rs.digest})
        with tempfile.TemporaryDirectory() as d:
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                with self.assertRaisesRegex(ImportError, "needs pyarrow"):
                    ttd.write_parquet(out, os.path.join(d, "p"), self.rs)
                return
            with dask.config.set(scheduler="sync"):
                ttd.write_parquet(out, os.path.join(d, "p"), self.rs)
            back = pd.read_parquet(os.path.join(d, "p"))
            self.assertEqual(len(back), len(df))


if __name__ == "__main__":
    unittest.main()
