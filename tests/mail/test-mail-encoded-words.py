#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Folded RFC 2047 encoded-words: the product's decoded From and Subject of every
message gen-mail.py --encoded-words writes must equal what Python's email package
(an independent decoder) reads from the same bytes.

    test-mail-encoded-words.py GEN_MAIL_PY --dump MAIL_DECODE_DUMP
        the mail library: summary (as `list`) and preview (as `top`) of each file
    with-dovecot.py -- test-mail-encoded-words.py GEN_MAIL_PY --cli MAILPEEK_CLI
        the whole path: the messages delivered to Dovecot, then `list --json` for
        all of them and `top --json` for some
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

HERE = os.path.dirname(os.path.abspath(__file__))


def squash(text):
    # mp_mail_clean_field: whitespace runs become one space, trimmed
    return " ".join(text.split())


def decode_words(value):
    # decode_header joins the bytes of adjacent encoded-words in one charset before
    # decoding them, as mailers that split a character between two words expect
    # (policy.default's address parser decodes each word of a name on its own).
    return squash(str(email.header.make_header(email.header.decode_header(value))))


def python_decode(path):
    """(from name, from address, subject) as Python's email package reads them."""
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    name, addr = email.utils.parseaddr(msg["from"])
    return decode_words(name), addr, decode_words(msg["subject"])


def from_display(name, addr):
    # mp_mail_format_from
    return "%s <%s>" % (name, addr) if name else addr


def via_dump(dump, manifest):
    """{(path, route): (name, addr, subject)} from mail-decode-dump."""
    out = subprocess.run([dump] + [m["path"] for m in manifest], check=True,
                         capture_output=True, text=True, encoding="utf-8").stdout
    got = {}
    for line in out.splitlines():
        path, route, name, addr, subject = line.split("\t")
        got[(path, route)] = (from_display(name, addr), subject)
    return got


def via_cli(cli, manifest):
    """{(path, route): (from, subject)} from mailpeek-cli against Dovecot."""
    env = dict(os.environ, LC_ALL="C.UTF-8", MAILPEEK_PASSWORD=os.environ["MP_TEST_PASSWORD"])
    url = "pop3s://%s@%s:%s" % (os.environ["MP_TEST_USER"], os.environ["MP_TEST_HOST"],
                                os.environ["MP_TEST_POP3S_PORT"])
    ca = ["--ca-file", os.environ["MP_TEST_CA_FILE"]]
    deliver = os.path.join(HERE, "..", "harness", "deliver.py")
    path_of = {}
    for m in manifest:
        uidl = subprocess.run([sys.executable, deliver, m["path"]], check=True,
                              capture_output=True, text=True).stdout.strip()
        path_of[uidl] = m["path"]

    def run(*args):
        r = subprocess.run([cli, "--json", *args], capture_output=True, text=True,
                           encoding="utf-8", env=env, timeout=120)
        if r.returncode != 0:
            raise SystemExit("mailpeek-cli %s: exit %d\n%s" % (args[0], r.returncode, r.stderr))
        return json.loads(r.stdout)

    got = {}
    for row in run("list", url, *ca):
        if row["uidl"] in path_of:
            got[(path_of[row["uidl"]], "list")] = (row["from"], row["subject"])
    for uidl in sorted(path_of)[::6]:
        obj = run("top", url, uidl, "0", *ca)
        got[(path_of[uidl], "top")] = (obj["from"], obj["subject"])
    return got


def main():
    gen_mail, mode, binary = sys.argv[1:4]
    if mode == "--cli" and not os.environ.get("MP_TEST_POP3S_PORT"):
        print("not running under with-dovecot.py")
        return 77
    failures = []
    with tempfile.TemporaryDirectory(prefix="mp-ew-") as out:
        subprocess.run([sys.executable, gen_mail, "--out", out, "--encoded-words"], check=True)
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        by_path = {m["path"]: m for m in manifest}
        got = via_dump(binary, manifest) if mode == "--dump" else via_cli(binary, manifest)
        for m in manifest:
            name, addr, subject = python_decode(m["path"])
            # the generator's text, where it has one, checks the reference decoder too
            if m["subject"] is not None and subject != squash(m["subject"]):
                failures.append("%s: Python reads subject %r, generated %r"
                                % (m["label"], subject, m["subject"]))
            if name != squash(m["from_name"]):
                failures.append("%s: Python reads name %r, generated %r"
                                % (m["label"], name, m["from_name"]))
        routes = sorted({route for _, route in got})
        for (path, route), value in sorted(got.items()):
            want = python_decode(path)
            want = (from_display(want[0], want[1]), want[2])
            if value != want:
                failures.append("%s (%s): got %r, Python %r"
                                % (by_path[path]["label"], route, value, want))
        print("%d messages, %d decodings (%s), %d mismatches"
              % (len(manifest), len(got), " ".join(routes), len(failures)))
        if len([k for k in got if k[1] in ("list", "summary")]) != len(manifest):
            failures.append("not every message was decoded")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
