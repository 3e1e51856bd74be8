#!/usr/bin/env python3
"""man_flags.py - the man page lists every flag each command's --help shows, and no other.

Usage: man_flags.py TOPICTAG MANPAGE.  The commands are those of `topictag --help`; a
command's flags are the first column of the Options of `topictag CMD --help`.  In the man
page, OPTIONS has a subsection (.SS) per command, named by the command, whose tagged
paragraphs (.TP, and .TQ for more tags) name its flags; the subsection "Every command" counts for all of them.
Prints each flag that --help shows and the man page does not (and the reverse); exit 1 if any."""
import re
import shlex
import subprocess
import sys

FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)")
EVERY = "Every command"


def run(topictag, args):
    return subprocess.run(topictag + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          check=False).stdout.decode()


def commands(topictag):
    out, names, inside = run(topictag, ["--help"]), [], False
    for line in out.splitlines():
        if line.startswith("Commands:"):
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            names.append(line.split()[0])
    return names


def help_flags(topictag, cmd):
    """The flags in the first column of the Options of `topictag CMD --help`."""
    flags, inside = set(), False
    for line in run(topictag, [cmd, "--help"]).splitlines():
        if line.startswith("Options:"):
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            flags.update(FLAG.findall(re.split(r"\s{2,}", line.strip())[0]))
    return flags


def man_flags(path):
    """{subsection of OPTIONS: flags its .TP tags name}."""
    sections, current, section, tag_next = {}, None, None, False
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(".SH"):
                section, current = line[3:].strip().strip('"'), None
            elif section == "OPTIONS" and line.startswith(".SS"):
                current = line[3:].strip().strip('"')
                sections.setdefault(current, set())
            elif line.startswith((".TP", ".TQ")):
                tag_next = True
            elif tag_next:
                tag_next = False
                if current is not None:
                    text = re.sub(r"\\f[RBIP]", " ", line).replace("\\-", "-")
                    sections[current].update(FLAG.findall(text.split(None, 1)[-1]))
    return sections


def main():
    topictag, manpage = shlex.split(sys.argv[1]), sys.argv[2]
    man = man_flags(manpage)
    every = man.get(EVERY, set())
    bad = 0
    for cmd in commands(topictag):
        shown = help_flags(topictag, cmd)
        listed = man.get(cmd)
        if listed is None:
            print("%s: no subsection '.SS %s' in OPTIONS of %s" % (cmd, cmd, manpage))
            bad += 1
            continue
        for flag in sorted(shown - listed - every):
            print("%s %s: in --help, not in the man page" % (cmd, flag))
            bad += 1
        for flag in sorted(listed - shown):
            print("%s %s: in the man page, not in --help" % (cmd, flag))
            bad += 1
        if not shown - listed - every and not listed - shown:
            print("%s: %d flags, all in the man page" % (cmd, len(shown)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
