"""topictag.dask - classify on a Dask cluster (Debian: apt-get install python3-distributed).

The ruleset travels with every task as its YAML text and digest (Ruleset.sources and
Ruleset.digest), never as a path that may differ on a worker.  Each worker process compiles it
once and keeps it by digest; a worker whose library computes another digest for the same text
(another topictag version) refuses the task.  Every record carries "digest", and the writers
refuse records whose digest is not the ruleset's, so results of mixed rule versions never end
up in one output.

    import dask.bag as db, topictag, topictag.dask as ttd
    rs = topictag.Ruleset.from_path("rules")
    bag = ttd.read_jsonl("archive/*.jsonl")          # {"name", "id", "text"} per line
    ttd.write_jsonl(ttd.classify_bag(bag, rs), "out/part-*.jsonl", rs)
"""
import glob
import json
import operator
import os

import dask
import dask.bag as db

import topictag


def _ruleset(rules):
    if isinstance(rules, topictag.Ruleset):
        return rules
    return topictag.Ruleset.from_path(rules)


def _on_worker(sources, digest):
    return topictag._cached(sources, digest)


def _classify_part(part, sources, digest):
    rs = _on_worker(sources, digest)
    out = []
    for d in part:
        if isinstance(d, dict) and "bad" in d:
            rec = json.loads(rs.render_failed(d["bad"], id=d.get("id"), name=d["name"]))
        elif isinstance(d, dict):
            rec = rs.classify(d["text"], id=d.get("id"), name=d.get("name", "-"),
                              errors="record")
        else:
            rec = rs.classify(d, errors="record")
        rec["digest"] = digest
        out.append(rec)
    return out


def classify_bag(bag, rules):
    """A bag of records (the dicts Ruleset.classify returns, each with "digest") from a bag of
    texts or of dicts with "text" and optionally "id" and "name" (the record's "document";
    read_jsonl gives "path:line" as the CLI does).  A bad document gives a record with
    "errors", never a failed task.  rules: a Ruleset or a rule path (read here, on the
    client)."""
    rs = _ruleset(rules)
    return bag.map_partitions(_classify_part, rs.sources, rs.digest)


def _block_lines(path, start, end):
    """The lines whose first byte lies in [start, end) of path, as (offset, bytes)."""
    out = []
    with open(path, "rb") as f:
        if start:
            f.seek(start - 1)
            if f.read(1) != b"\n":
                f.readline()   # the line begun before start belongs to the previous block
        pos = f.tell()
        while pos < end:
            line = f.readline()
            if not line:
                break
            out.append(line)
            pos += len(line)
    return out


def _count_lines(path, start, end):
    return len(_block_lines(path, start, end))


def _read_block(path, start, end, first_line, text_field, id_field, title_field):
    out = []
    for no, line in enumerate(_block_lines(path, start, end), first_line):
        if not line.strip():
            continue
        i, text, bad = topictag._jsonl_record(line, text_field, id_field, title_field)
        out.append({"name": f"{path}:{no}", "id": i, "text": text, **({"bad": bad} if bad else {})})
    return out


def read_jsonl(paths, blocksize=4 << 20, text_field="text", id_field="id", title_field="title"):
    """A bag of {"name": "PATH:LINE", "id", "text"} from JSON Lines files (a path, a glob, or
    a list of them), one partition per blocksize bytes; a record's title_field (default
    "title", as the CLI's --title-field) is the headline, on the text's first line.  Line numbers are counted per block
    first (a cheap pass), so names equal the CLI's "document" for the same file."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = []
    for p in paths:
        hits = sorted(glob.glob(os.fspath(p)))
        if not hits:
            raise FileNotFoundError(f"no file matches {p}")
        files += hits
    parts = []
    for path in files:
        size = os.path.getsize(path)
        blocks = [(s, min(s + blocksize, size)) for s in range(0, max(size, 1), blocksize)]
        first = 1
        for s, e in blocks:
            parts.append(dask.delayed(_read_block)(path, s, e, first, text_field, id_field,
                                                     title_field))
            first = dask.delayed(operator.add)(first, dask.delayed(_count_lines)(path, s, e))
    return db.from_delayed(parts)


def _digest(rules):
    if isinstance(rules, str) and rules.startswith("sha256:"):
        return rules
    return _ruleset(rules).digest


def check_digest(records, rules):
    """records (an iterable), unchanged, after checking that each carries the digest of rules
    (a Ruleset, a rule path or a digest); ValueError at the first that does not (results of
    other rules, or none)."""
    digest = _digest(rules)
    for r in records:
        if r.get("digest") != digest:
            raise ValueError(f"topictag: record {r.get('document')!r} was classified with "
                             f"ruleset {r.get('digest')}, not {digest}: mixed rule versions")
        yield r


def _checked_lines(part, digest):
    return [json.dumps(r) for r in check_digest(part, digest)]


def write_jsonl(bag, pattern, rules, compute=True):
    """Writes the records of bag as JSON Lines, one file per partition (pattern with a *, as
    dask.bag.to_textfiles), refusing any record whose digest is not rules'.  Returns the
    file names (with compute=False, the delayed writes, for Client.compute)."""
    digest = _digest(rules)
    return bag.map_partitions(_checked_lines, digest).to_textfiles(pattern, compute=compute,
                                                                    last_endline=True)


_COLUMNS = ("row", "document", "id", "digest", "sentence", "start", "end", "topic", "score",
            "via", "from", "patterns", "text", "role", "sentences", "headline", "lead",
            "error", "offset", "message")


def _frame_part(pdf, text_col, id_col, sources, digest):
    import pandas as pd
    ids = pdf[id_col] if id_col else pdf.index
    docs = [{"text": t, "id": None if i is None else str(i), "name": str(i)}
            for t, i in zip(pdf[text_col], ids)]
    rows = topictag.to_records(_classify_part(docs, sources, digest))
    return pd.DataFrame(rows, columns=list(_COLUMNS)).astype(object)


def classify_dataframe(df, text_col, rules, id_col=None):
    """A dask.dataframe of topictag.to_records rows (one per tagged sentence and topic, one per
    article and topic, one per document error; column "digest" on every row) from a
    dask.dataframe with the articles' text in text_col.  Each document is named and
    identified by id_col, or by its index."""
    import pandas as pd
    rs = _ruleset(rules)
    meta = pd.DataFrame({c: pd.Series([], dtype=object) for c in _COLUMNS})
    return df.map_partitions(_frame_part, text_col, id_col, rs.sources, rs.digest, meta=meta)


def write_parquet(ddf, path, rules):
    """Writes the dataframe of classify_dataframe as Parquet (needs pyarrow), after checking
    every row's digest against rules'."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError("topictag: Parquet output needs pyarrow (not packaged for Debian 12: "
                          "write JSON Lines with write_jsonl instead)") from None
    digest = _digest(rules)
    bad = ddf[ddf["digest"] != digest]
    if len(bad):
        raise ValueError(f"topictag: {len(bad)} rows were classified with another ruleset")
    return ddf.to_parquet(path)
