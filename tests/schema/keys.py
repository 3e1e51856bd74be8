#!/usr/bin/env python3
"""keys.py - lists every JSON key of every topictag output, with the JSON types and the outputs
it occurs in, so "the same name means the same thing" is audited by a script, not by eye.

Usage: keys.py TOPICTAG [--check].  Runs the outputs of outputs.py.  Prints one line per key:
NAME  TYPES  OUTPUT(PATH)...  With --check, also reads the table of shared names in
docs/schema/README.md (rows `| name | type | meaning |`) and exits 1 when one of those names
occurs with another JSON type in any output, naming where, and when a name not in the table
occurs with two JSON types (not counting null, nor integer beside number): a name used for
two things must be explained in the table, or renamed.  The paths of the README's table of
deprecated names (kept for compatibility until the next schema) are left out of the check."""
import os
import re
import shlex
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import outputs  # noqa: E402

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "schema",
                      "README.md")


def jtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(v)]


def walk(v, path, seen):
    """Adds (key, type, path) for every key under v to seen; array items share a path.  The
    keys inside a record's "fields" (classify --keep-field) are the input's names, not
    topictag's: "fields" itself is listed, what it holds is not."""
    if isinstance(v, dict):
        for k, sub in v.items():
            p = path + "." + k
            seen.setdefault(k, {}).setdefault(jtype(sub), set()).add(p)
            if k != "fields":
                walk(sub, p, seen)
    elif isinstance(v, list):
        for sub in v:
            walk(sub, path + "[]", seen)


def shared_names():
    """The README's table of shared names (the section "## Shared names"): {name: set of the
    JSON types it may have}; a row may name several keys (`start` / `end`)."""
    names, inside = {}, False
    with open(README) as f:
        for line in f:
            if line.startswith("## "):
                inside = line.strip() == "## Shared names"
            cells = [c.strip() for c in line.split("|")[1:-1]]
            if inside and len(cells) == 3 and cells[0].startswith("`"):
                for name in re.findall(r"`([^`]+)`", cells[0]):
                    names[name] = set(cells[1].replace(" ", "").split("/"))
    return names


def deprecated():
    """The README's table of deprecated names: [(output, path pattern)]."""
    rows, inside = [], False
    with open(README) as f:
        for line in f:
            if line.startswith("## "):
                inside = line.startswith("## Deprecated names")
            cells = [c.strip() for c in line.split("|")[1:-1]]
            if inside and len(cells) == 5 and cells[0].startswith("`"):
                rows.append((cells[0].strip("`"), cells[4].strip("`")))
    return rows


def is_deprecated(rows, label, path):
    """Whether path (as walk() writes it) of output label is, or is under, a deprecated path;
    * in a table path stands for any run of characters."""
    for out, pat in rows:
        rx = re.escape(pat).replace(r"\*", ".*") + r"(?:[.\[].*)?"
        if label.startswith(out) and re.fullmatch(rx, path):
            return True
    return False


def main():
    topictag = shlex.split(sys.argv[1])
    seen, old = {}, deprecated() if "--check" in sys.argv[2:] else []
    with tempfile.TemporaryDirectory() as tmp:
        for label, _, lines, args in outputs.RUNS:
            for v in outputs.values(outputs.run(topictag, args, tmp), lines):
                keys = {}
                walk(v, "", keys)
                for k, types in keys.items():
                    for t, paths in types.items():
                        seen.setdefault(k, {}).setdefault(t, set()).update(
                            "%s(%s)" % (label.split(" (")[0], p.lstrip(".")) for p in paths
                            if not is_deprecated(old, label, p.lstrip(".")))
    for k in list(seen):   # only deprecated occurrences
        seen[k] = {t: w for t, w in seen[k].items() if w}
        if not seen[k]:
            del seen[k]
    if "--check" not in sys.argv[2:]:
        for k in sorted(seen):
            types = seen[k]
            where = sorted(set().union(*types.values()))
            print("%-26s %-22s %s" % (k, "/".join(sorted(types)), " ".join(where)))
        return 0
    names = shared_names()
    bad = 0
    for k in sorted(names):
        if k not in seen:   # document_bytes: only for a name that is not UTF-8
            print("%s: in no output of these runs" % k)
            continue
        for t in sorted(set(seen[k]) - names[k]):
            print("%s: %s, not %s, in %s" % (k, t, "/".join(sorted(names[k])),
                                            " ".join(sorted(seen[k][t]))))
            bad += 1
    for k in sorted(set(seen) - set(names)):
        kinds = set(seen[k]) - {"null"}
        if "integer" in kinds and "number" in kinds:   # 0 and 3.0: both JSON numbers
            kinds.discard("integer")
        if len(kinds) > 1:
            print("%s: %s, a name with two meanings that the README's table does not explain, in %s"
                  % (k, "/".join(sorted(kinds)), " ".join(sorted(set().union(*seen[k].values())))))
            bad += 1
    print("%d shared names checked, and no other name has two types: %s" % (
        len(names), "%d problem(s)" % bad if bad else "ok"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
