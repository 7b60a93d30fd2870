#!/usr/bin/env python3
"""Prints one line 'N passed, N failed[, N skipped]' from one or more meson testlog.json
files (each build's results are added up); exits 1 on any failure or when no test ran.

Above that line, each failed test is named with the checks it reported as failed
("FAIL …" lines of its output): a CI log is often read only from its end, and a
failure's own output may be thousands of lines up. A test that failed without such
a line (an abort, a crash, a sanitizer report at exit) is shown with the lines that
say why, or else the end of its output."""
import json
import os
import sys

passed = failed = skipped = 0
failures = []


# What a test that ended badly prints about why: a GLib assertion or critical,
# a TAP bail-out, a sanitizer's report.
WHY = ("Bail out", "ERROR:", "CRITICAL", "SUMMARY:", "==ERROR", "Direct leak",
       "Indirect leak", "runtime error:", "Segmentation", "Aborted")


def reasons(output):
    lines = [l.strip() for l in output.splitlines()]
    failed = [l for l in lines if l.startswith(("FAIL", "not ok"))]
    if failed:
        return failed[:12]
    lines = [l for l in lines if l]
    first = next((i for i, l in enumerate(lines) if any(w in l for w in WHY)), None)
    if first is not None:
        return lines[first:first + 16]   # with the stack that follows
    return lines[-12:]


def report(path, test):
    build = os.path.basename(os.path.dirname(os.path.dirname(path)))
    lines = reasons(test.get("stdout") or "")
    failures.append(f"failed: {build}: {test.get('name')} ({test.get('result')}, "
                    f"{test.get('duration', 0):.0f} s)")
    failures.extend("    " + l[:300] for l in lines)


for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                test = json.loads(line)
                result = test.get("result")
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
                    report(path, test)
    except FileNotFoundError:
        print(f"no test log at {path}", file=sys.stderr)
        failed += 1
if passed + failed == 0:
    print("no test ran", file=sys.stderr)
    failed = 1
if failures:
    print("\n".join(failures))
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
