#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Folded RFC 2047 encoded-words: the product's decoded From name and Subject of
every message gen-mail.py --encoded-words writes must equal what Python's email
package (an independent decoder) reads from the same bytes.

    test-mail-encoded-words.py GEN_MAIL_PY MAIL_DECODE_DUMP
"""

import email
import email.header
import email.policy
import email.utils
import json
import os
import subprocess
import sys
import tempfile


def squash(text):
    # mp_mail_clean_field: whitespace runs become one space, trimmed
    return " ".join(text.split())


def decode_words(value):
    # decode_header joins the bytes of adjacent encoded-words in one charset before
    # decoding them, as mailers that split a character between two words expect
    # (policy.default's address parser decodes each word of a name on its own).
    return squash(str(email.header.make_header(email.header.decode_header(value))))


def python_decode(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    name, addr = email.utils.parseaddr(msg["from"])
    return decode_words(name), addr, decode_words(msg["subject"])


def main():
    gen_mail, dump = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory(prefix="mp-ew-") as out:
        subprocess.run([sys.executable, gen_mail, "--out", out, "--encoded-words"], check=True)
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        paths = [m["path"] for m in manifest]
        lines = subprocess.run([dump] + paths, check=True, capture_output=True,
                               text=True, encoding="utf-8").stdout.splitlines()
        product = {}
        for line in lines:
            path, route, name, addr, subject = line.split("\t")
            product[(path, route)] = (name, addr, subject)
        for m in manifest:
            want = python_decode(m["path"])
            # the generator's text, where it has one, checks the reference decoder too
            if m["subject"] is not None and want[2] != squash(m["subject"]):
                failures.append("%s: Python reads subject %r, generated %r"
                                % (m["label"], want[2], m["subject"]))
            if want[0] != squash(m["from_name"]):
                failures.append("%s: Python reads name %r, generated %r"
                                % (m["label"], want[0], m["from_name"]))
            for route in ("summary", "preview"):
                got = product[(m["path"], route)]
                if got != want:
                    failures.append("%s (%s): got %r, Python %r" % (m["label"], route, got, want))
        print("%d messages, %d mismatches" % (len(manifest), len(failures)))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
