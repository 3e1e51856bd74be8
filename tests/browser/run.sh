#!/bin/sh
# run.sh - the HTML report checked in a real browser: headless Chromium driven by Playwright
# (playwright-core from npm, installed under $B/browser) opens the samples' report and a report
# of hostile articles and rules, and check.js asserts what a reader relies on (see there).
# Needs chromium and node: installed with apt-get when run as root, else the test is skipped
# with the command to run.  Usage: tests/browser/run.sh [build/topictag]
set -u
TOPICTAG=${1:-build/topictag}
B=$(dirname "$TOPICTAG")
work="$B/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
mkdir -p "$work"

need_apt=""
[ -x "$CHROMIUM" ] || need_apt="chromium"
command -v node >/dev/null 2>&1 || need_apt="$need_apt nodejs"
command -v npm >/dev/null 2>&1 || need_apt="$need_apt npm"
if [ -n "$need_apt" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "browser: installing$need_apt"
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y $need_apt \
            >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; echo "browser: FAIL: apt-get install$need_apt failed"; exit 1; }
    else
        echo "browser: SKIP: needs$need_apt; run: sudo apt-get install -y$need_apt"
        exit 0
    fi
fi
if [ ! -f "$work/node_modules/playwright-core/package.json" ]; then
    echo "browser: installing playwright-core from npm into $work"
    if ! (cd "$work" && timeout 600 npm install --no-audit --no-fund --silent playwright-core@1) \
        >"$work/npm.log" 2>&1; then
        cat "$work/npm.log"
        if [ "$(id -u)" = 0 ]; then
            echo "browser: FAIL: npm install playwright-core failed"
            exit 1
        fi
        echo "browser: SKIP: run: (cd $work && npm install playwright-core@1)"
        exit 0
    fi
fi

# the samples' report, and the JSON of the same run to compare counts with
samples=$(ls samples/*.txt samples/wire/*.txt)
"$TOPICTAG" classify -r rules -f html -o "$work/samples.html" $samples || exit 1
"$TOPICTAG" classify -r rules -f json -o "$work/samples.json" $samples || exit 1
# hostile articles, ids, rule ids and titles; a bad record (exit 4 is expected)
"$TOPICTAG" classify -r tests/data/html/hostile.yaml -f html -o "$work/hostile.html" \
    tests/data/html/hostile.txt tests/data/html/hostile.jsonl 2>/dev/null
[ $? = 4 ] || { echo "browser: FAIL: the hostile report did not exit 4"; exit 1; }
# the control: the same injection without escaping or policy must be caught by the check
printf '<!DOCTYPE html><title>control</title><p>x<script>window.pwned=1</script>\n' \
    >"$work/control.html"

NODE_PATH="$(pwd)/$work/node_modules" timeout 300 node tests/browser/check.js "$CHROMIUM" \
    "$(pwd)/$work"
