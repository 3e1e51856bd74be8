#!/usr/bin/env python3
"""validate.py - checks real topictag JSON and JSON Lines output against docs/schema/*.json.

Usage: validate.py TOPICTAG.  Runs each output kind on the project's samples and test data and
validates every document or line.  Uses python3-jsonschema when it is installed (as root,
`apt-get install python3-jsonschema` is tried first), else the small validator below, which
knows the keywords the schemas use: type, const, enum, required, properties,
additionalProperties, items, minimum, minLength, allOf, oneOf, anyOf and $ref (local and
to another file of docs/schema); TT_SCHEMA_MINI=1 forces it.  Prints one line per kind; exit
1 on any violation."""
import json
import os
import shlex
import subprocess
import sys

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "schema")


def load(name):
    with open(os.path.join(SCHEMA_DIR, name)) as f:
        return json.load(f)


# ---- the small validator ------------------------------------------------------------------

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "$id", "$defs", "title", "description", "contentEncoding", "type", "const",
         "enum", "required", "properties", "additionalProperties", "items", "minimum",
         "minLength", "allOf", "oneOf", "anyOf", "$ref"}


def resolve(ref, doc):
    path, _, frag = ref.partition("#")
    target = load(path) if path else doc
    node = target
    for part in frag.split("/")[1:]:
        node = node[part]
    return node, target


def errors(v, s, doc, where="$"):
    unknown = set(s) - KNOWN
    if unknown:
        raise SystemExit("validate.py: schema keyword(s) not supported here: %s" % sorted(unknown))
    if "$ref" in s:
        sub, subdoc = resolve(s["$ref"], doc)
        yield from errors(v, sub, subdoc, where)
    if "type" in s:
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(TYPES[t](v) for t in types):
            yield "%s: %r is not of type %s" % (where, v, "/".join(types))
            return
    if "const" in s and v != s["const"]:
        yield "%s: %r is not %r" % (where, v, s["const"])
    if "enum" in s and v not in s["enum"]:
        yield "%s: %r is not one of %r" % (where, v, s["enum"])
    if "minimum" in s and TYPES["number"](v) and v < s["minimum"]:
        yield "%s: %r is less than %r" % (where, v, s["minimum"])
    if "minLength" in s and isinstance(v, str) and len(v) < s["minLength"]:
        yield "%s: %r is too short" % (where, v)
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                yield "%s: %r is a required property" % (where, k)
        props = s.get("properties", {})
        for k, sub in v.items():
            if k in props:
                yield from errors(sub, props[k], doc, "%s.%s" % (where, k))
            elif s.get("additionalProperties") is False:
                yield "%s: additional property %r" % (where, k)
    if isinstance(v, list) and "items" in s:
        for i, item in enumerate(v):
            yield from errors(item, s["items"], doc, "%s[%d]" % (where, i))
    for sub in s.get("allOf", []):
        yield from errors(v, sub, doc, where)
    if "anyOf" in s and not any(not list(errors(v, sub, doc, where)) for sub in s["anyOf"]):
        yield "%s: matches none of anyOf" % where
    if "oneOf" in s:
        n = sum(1 for sub in s["oneOf"] if not list(errors(v, sub, doc, where)))
        if n != 1:
            yield "%s: matches %d of oneOf, not exactly 1" % (where, n)


def make_checker():
    if os.environ.get("TT_SCHEMA_MINI"):   # the test runs both validators
        return lambda value, name: list(errors(value, load(name), load(name)))
    try:
        import jsonschema
        from referencing import Registry, Resource
    except ImportError:
        return lambda value, name: list(errors(value, load(name), load(name)))
    registry = Registry().with_resources(
        (f, Resource.from_contents(load(f))) for f in os.listdir(SCHEMA_DIR) if f.endswith(".json"))

    def check(value, name):
        validator = jsonschema.Draft202012Validator(load(name), registry=registry)
        return ["%s: %s" % ("$" + "".join("[%r]" % p for p in e.absolute_path), e.message)
                for e in validator.iter_errors(value)]
    return check


def main():
    topictag = shlex.split(sys.argv[1])   # a command: under VALGRIND=1, valgrind ... topictag
    if os.geteuid() == 0 and not os.environ.get("TT_SCHEMA_MINI"):
        try:
            import jsonschema  # noqa: F401
        except ImportError:
            subprocess.run(["apt-get", "install", "-y", "-q", "python3-jsonschema"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check = make_checker()
    rm = ["-r", "tests/data/rules-min"]
    runs = [
        ("classify -f json", "classify.json", False,
         ["classify", "-r", "rules", "-f", "json", "samples/wire", "tests/data/docs"]),
        ("classify -f jsonl --summary", "classify-jsonl.json", True,
         ["classify", "-r", "rules", "-f", "jsonl", "--summary", "samples/wire",
          "tests/data/docs", "tests/data/docs/feed.jsonl"]),
        ("classify -f json --keep-field --lossy", "classify.json", False,
         ["classify"] + rm + ["-f", "json", "--keep-field", "date,source,rank,meta", "--lossy",
                              "tests/data/keep/feed.jsonl", "tests/data/keep/damaged.jsonl"]),
        ("classify -f jsonl --summary --keep-field --encoding", "classify-jsonl.json", True,
         ["classify"] + rm + ["-f", "jsonl", "--summary", "--keep-field", "date,meta",
                              "--encoding", "cp1252", "tests/data/keep/feed.jsonl"]),
        ("segment -f jsonl", "segment-jsonl.json", True,
         ["segment", "-f", "jsonl", "samples/wire", "tests/data/docs/feed.jsonl"]),
        ("diff -f json", "diff.json", False,
         ["diff"] + rm + ["--against", "tests/data/rules-min-v2", "-f", "json",
                          "tests/data/diff-doc.txt", "tests/data/diff-doc.jsonl"]),
        ("explain -f json", "explain.json", False,
         ["explain", "-r", "rules", "-f", "json", "samples/wire/w05-pla-drills-around-taiwan-reuters.txt",
          "samples/wire/w11-asia-briefing-taiwan-typhoon-kyodo.txt"]),
    ]
    bad = 0
    for label, schema, lines, args in runs:
        out = subprocess.run(topictag + args, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode()
        values = [json.loads(l) for l in out.splitlines() if l.strip()] if lines else [json.loads(out)]
        problems = []
        for i, v in enumerate(values):
            problems += ["line %d: %s" % (i + 1, p) if lines else p for p in check(v, schema)]
        kinds = len(values)
        if problems:
            bad += 1
            print("%s: %d problem(s) against docs/schema/%s" % (label, len(problems), schema))
            for p in problems[:10]:
                print("    " + (p if len(p) < 300 else p[:300] + "..."))
        else:
            print("%s: %d %s valid against docs/schema/%s" % (
                label, kinds, "lines" if lines else "document", schema))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
