"""python3 -m topictag: `topictag classify -f jsonl` for quick use where only the binding is
installed.  A subset of the CLI's flags:

    python3 -m topictag [-r RULES]... [--input text|jsonl] [--id-field NAME]
                        [--text-field NAME] [-o FILE] [PATH...]

PATH is a file, a folder (every *.txt below it, sorted), a *.jsonl file (one article per line)
or - for stdin (the default).  Each document's record is the CLI's, byte for byte.  Rules
default to $TOPICTAG_RULES, the installed rules, then ./rules.  Exit status as the CLI's:
0, 2 usage, 3 rules do not load, 4 some document had an error (its record says which).
"""
import argparse
import json
import os
import sys

import topictag


def default_rules():
    env = os.environ.get("TOPICTAG_RULES")
    if env:
        return env
    try:
        from topictag import _config
        if os.path.isdir(_config.RULESDIR):
            return _config.RULESDIR
    except ImportError:
        pass
    return "rules"


def load_rules(paths):
    sources, display = [], []
    for p in paths:
        rs = topictag.Ruleset.from_path(p)
        sources += rs.sources
        display += rs._display
    if len(paths) == 1:
        return rs
    return topictag.Ruleset(sources, display=display)


def documents(paths, opt):
    """(name, id, text or None, what was wrong when text is None) for each document, in the
    CLI's order; what was wrong is a message (bad input) or ("io", message)."""
    for p in paths or ["-"]:
        if p != "-" and os.path.isdir(p):
            for f in topictag._walk(p, (b".txt",)):
                yield from documents([f], opt)
            continue
        if p.endswith(".jsonl") or (p == "-" and opt.input == "jsonl"):
            f = sys.stdin.buffer if p == "-" else open(p, "rb")
            with f:
                for no, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    i, text, bad = topictag._jsonl_record(line, opt.text_field, opt.id_field,
                                                           opt.title_field)
                    yield f"{p}:{no}", i, text, bad
            continue
        try:
            if p == "-":
                yield p, None, sys.stdin.buffer.read(), None
            else:
                with open(p, "rb") as f:
                    yield p, None, f.read(), None
        except OSError as e:
            yield p, None, None, ("io", f"cannot read: {e.strerror}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m topictag",
                                 description="Classify articles; write one JSON Lines record "
                                             "per article (as topictag classify -f jsonl).")
    ap.add_argument("-r", "--rules", action="append", help="rule file or folder (repeatable)")
    ap.add_argument("--input", choices=("text", "jsonl"), default="text",
                    help="what stdin holds")
    ap.add_argument("--id-field", default="id")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--title-field", default="title",
                    help="the JSON Lines field holding the headline ('' for none)")
    ap.add_argument("-o", "--output", help="write to FILE instead of stdout")
    ap.add_argument("-V", "--version", action="version", version=f"topictag {topictag.version}")
    ap.add_argument("paths", nargs="*", metavar="PATH")
    opt = ap.parse_args(argv)
    try:
        rs = load_rules(opt.rules or [default_rules()])
    except topictag.RuleError as e:
        for sev, f, line, col, _, msg in e.diagnostics or [("error", e.file, e.line, e.column,
                                                             e.code, e.message)]:
            print(f"{f}:{line}:{col}: {sev}: {msg}", file=sys.stderr)
        return 3
    except OSError as e:
        print(f"topictag: {e}", file=sys.stderr)
        return 3
    out = open(opt.output, "wb") if opt.output else sys.stdout.buffer
    failed = 0
    with out:
        for name, i, text, err in documents(opt.paths, opt):
            if text is None:
                failed = 1
                code, msg = err if isinstance(err, tuple) else ("bad-input", err)
                print(f"topictag: {name}: {msg}", file=sys.stderr)
                out.write(rs.render_failed(msg, code=code, id=i, name=name))
                continue
            raw = rs.render(text, id=i, name=name)
            if not raw.endswith(b'"errors": []}\n'):
                failed = 1
                for e in json.loads(raw)["errors"]:
                    print(f"topictag: {name}: {e['message']}", file=sys.stderr)
            out.write(raw)
    return 4 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
