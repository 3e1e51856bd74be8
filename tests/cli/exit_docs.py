#!/usr/bin/env python3
"""exit_docs.py - the exit codes are documented alike in --help, the man page and the README.

Usage: exit_docs.py TOPICTAG MANPAGE README.  The codes are those of the "Exit status" table
of `topictag --help`, which every command's --help must end with too.  Each code must have
an entry in the man page's EXIT STATUS (.TP / .B N) and a row in the README's "### Exit
status" table, and each entry must name the flags that code's --help line names (exit 1:
classify -l/-c and diff --fail-on-change, ...), so a code that grows a meaning in --help
cannot stay behind in the other two.  The order in which codes win must be the same in all
three.  Prints what differs; exit 1 if anything does."""
import re
import shlex
import subprocess
import sys

FLAG = re.compile(r"(?<![\w-])(--?[a-z][\w-]*)")


def run(topictag, args):
    return subprocess.run(topictag + args, stdout=subprocess.PIPE, check=False).stdout.decode()


def help_table(text):
    """({code: its text}, the order of the codes) from the Exit status table of a --help."""
    codes, order, code = {}, None, None
    for line in text.splitlines():
        m = re.match(r"Exit status \(.*wins: ([\d ]+)\)", line)
        if m:
            order = m.group(1).split()
            continue
        if order is None:
            continue
        m = re.match(r"  (\d)  (.*)", line)
        if m:
            code = m.group(1)
            codes[code] = m.group(2)
        elif code and line.startswith("     "):
            codes[code] += " " + line.strip()
    return codes, order


def flags(text):
    """The flags a text names, with -l/-c spelled out (-l/-c is two flags)."""
    return set(FLAG.findall(text.replace("/-", " -")))


def man_table(path):
    with open(path) as f:
        text = f.read()
    section = text.split(".SH EXIT STATUS", 1)[1].split("\n.SH ", 1)[0]
    m = re.search(r"^\.B ([\d ]+)$", section, re.M)
    codes = {}
    for part in re.split(r"^\.TP\n", section, flags=re.M)[1:]:
        head, _, body = part.partition("\n")
        codes[head.replace(".B ", "").strip()] = re.sub(r"\\f[RBIP]", " ", body).replace("\\-", "-")
    return codes, m.group(1).split() if m else None


def readme_table(path):
    with open(path) as f:
        text = f.read()
    section = text.split("### Exit status", 1)[1].split("\n## ", 1)[0]
    codes = {m.group(1): m.group(2) for m in re.finditer(r"^\| (\d) \| (.*) \|$", section, re.M)}
    m = re.search(r"\*\*([\d, ]+)\*\*", section)
    return codes, m.group(1).replace(",", " ").split() if m else None


def main():
    topictag, manpage, readme = shlex.split(sys.argv[1]), sys.argv[2], sys.argv[3]
    top = run(topictag, ["--help"])
    codes, order = help_table(top)
    bad = 0
    if not codes or not order:
        print("topictag --help: no exit status table")
        return 1
    for cmd in re.findall(r"^  ([a-z]+)  ", top.split("Commands:", 1)[1], re.M):
        if help_table(run(topictag, [cmd, "--help"])) != (codes, order):
            print("%s --help: its exit status table differs from topictag --help" % cmd)
            bad += 1
    for where, (doc, doc_order) in (("man page", man_table(manpage)), ("README", readme_table(readme))):
        if doc_order != order:
            print("%s: codes win in the order %s, --help says %s" % (where, doc_order, order))
            bad += 1
        for code, text in sorted(codes.items()):
            if code not in doc:
                print("%s: exit %s is not documented" % (where, code))
                bad += 1
                continue
            for flag in sorted(flags(text) - flags(doc[code])):
                print("%s: exit %s does not mention %s, as --help does" % (where, code, flag))
                bad += 1
        for code in sorted(set(doc) - set(codes)):
            print("%s: exit %s is not in --help" % (where, code))
            bad += 1
    if not bad:
        print("exit codes %s: the same in --help (every command), the man page and the README"
              % " ".join(sorted(codes)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
