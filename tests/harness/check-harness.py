#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test of the Dovecot harness (suite 'harness').

Outer mode (no arguments): runs with-dovecot.py around this script in --inner mode,
then checks what must hold after it returns (exit code passed through, temp dir
removed, server gone, cleanup on SIGTERM).
Inner mode: talks to the real server with poplib and checks it against the manifest.
"""

import base64
import hashlib
import hmac
import json
import os
import poplib
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WITH = os.path.join(HERE, "with-dovecot.py")
DELIVER = os.path.join(HERE, "deliver.py")

failures = []


def check(cond, what):
    if cond:
        print("ok - %s" % what, flush=True)
    else:
        print("not ok - %s" % what, flush=True)
        failures.append(what)
    return cond


# ------------------------------------------------------------------ inner

def env(name):
    v = os.environ.get(name)
    if not v:
        print("missing %s" % name)
        sys.exit(1)
    return v


def login(p, user=None):
    p.user(user or env("MP_TEST_USER"))
    p.pass_(env("MP_TEST_PASSWORD"))


def sasl(port, mech):
    """Log in with AUTH <mech>; returns the server's final response."""
    user, pw = env("MP_TEST_USER"), env("MP_TEST_PASSWORD")
    p = poplib.POP3(env("MP_TEST_HOST"), port, timeout=10)
    try:
        if mech == "PLAIN":
            tok = base64.b64encode(b"\0" + user.encode() + b"\0" + pw.encode()).decode()
            return p._shortcmd("AUTH PLAIN " + tok)
        if mech == "LOGIN":
            p._putcmd("AUTH LOGIN")
            p._getline()
            p._putcmd(base64.b64encode(user.encode()).decode())
            p._getline()
            p._putcmd(base64.b64encode(pw.encode()).decode())
            return p._getresp()
        if mech == "CRAM-MD5":
            p._putcmd("AUTH CRAM-MD5")
            line, _ = p._getline()
            challenge = base64.b64decode(line[2:].strip())
            digest = hmac.new(pw.encode(), challenge, hashlib.md5).hexdigest()
            p._putcmd(base64.b64encode(("%s %s" % (user, digest)).encode()).decode())
            return p._getresp()
    except poplib.error_proto as e:
        return e.args[0] if e.args else b"-ERR"
    finally:
        try:
            p.quit()
        except Exception:
            p.close()


def inner(outfile):
    host = env("MP_TEST_HOST")
    wrong = env("MP_TEST_WRONG_HOST")
    port = int(env("MP_TEST_POP3_PORT"))
    sport = int(env("MP_TEST_POP3S_PORT"))
    tmp = env("MP_TEST_DOVECOT_DIR")
    with open(outfile, "w") as f:
        json.dump({"dir": tmp, "ports": [port, sport]}, f)
    with open(env("MP_TEST_MANIFEST"), encoding="utf-8") as f:
        manifest = json.load(f)
    check(20 <= len(manifest) <= 40, "manifest has ~25 messages (%d)" % len(manifest))

    # Both hosts, both ports answer +OK.
    for h in (host, wrong):
        p = poplib.POP3(h, port, timeout=10)
        check(p.getwelcome().startswith(b"+OK"), "plain port answers on %s" % h)
        p.quit()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        p = poplib.POP3_SSL(h, sport, context=ctx, timeout=10)
        check(p.getwelcome().startswith(b"+OK"), "TLS port answers on %s" % h)
        der = p.sock.getpeercert(binary_form=True)
        check(hashlib.sha256(der).hexdigest() == env("MP_TEST_CERT_SHA256"),
              "MP_TEST_CERT_SHA256 is the served certificate's SHA-256")
        p.quit()

    # STLS with the CA file verifies for 127.0.0.1 and fails for the wrong host.
    ca = ssl.create_default_context(cafile=env("MP_TEST_CA_FILE"))
    p = poplib.POP3(host, port, timeout=10)
    caps = p.capa()
    check("STLS" in caps and "PIPELINING" in caps and "TOP" in caps and "UIDL" in caps,
          "CAPA on the plain port has STLS PIPELINING TOP UIDL")
    p.stls(context=ca)
    check(isinstance(p.sock, ssl.SSLSocket), "STLS negotiated with the CA file")
    login(p)
    count, total = p.stat()
    check(count == len(manifest), "STAT count %d == manifest %d" % (count, len(manifest)))
    check(total == sum(m["size"] for m in manifest), "STAT size == sum of manifest sizes")
    _, listing, _ = p.list()
    sizes = [int(l.split()[1]) for l in listing]
    check(sizes == [m["size"] for m in manifest], "LIST sizes equal the manifest sizes")
    _, uidls, _ = p.uidl()
    uidls = [l.split()[1].decode() for l in uidls]
    check(len(uidls) == len(manifest), "UIDL count equals the manifest")
    check(uidls == [m["uidl"] for m in manifest], "UIDLs are the manifest uidl values, in order")
    # Byte-exact RETR of every message (includes dot-unstuffing).
    same = True
    for i, m in enumerate(manifest, 1):
        _, lines, _ = p.retr(i)
        with open(m["path"], "rb") as f:
            if b"\n".join(lines) + b"\n" != f.read():
                same = False
                print("# RETR %d differs from %s" % (i, m["path"]))
    check(same, "RETR returns every sample byte for byte")
    _, top, _ = p.top(1, 0)
    check(any(l.startswith(b"Message-ID:") for l in top), "TOP 1 0 returns the header")
    p.quit()

    try:
        bad = ssl.create_default_context(cafile=env("MP_TEST_CA_FILE"))
        s = socket.create_connection((wrong, sport), timeout=10)
        bad.wrap_socket(s, server_hostname=wrong)
        check(False, "certificate must not verify for MP_TEST_WRONG_HOST")
    except ssl.SSLCertVerificationError:
        check(True, "certificate does not verify for MP_TEST_WRONG_HOST")

    # Implicit TLS with verification, APOP, SASL mechanisms.
    p = poplib.POP3_SSL(host, sport, context=ca, timeout=10)
    check("STLS" not in p.capa(), "no STLS over implicit TLS")
    p.apop(env("MP_TEST_USER"), env("MP_TEST_PASSWORD"))
    check(p.stat()[0] == len(manifest), "APOP login works")
    p.quit()
    for mech in ("PLAIN", "LOGIN", "CRAM-MD5"):
        r = sasl(port, mech)
        check(r.startswith(b"+OK"), "AUTH %s works (%r)" % (mech, r[:60]))

    # Wrong password fails fast (auth_failure_delay = 0).
    p = poplib.POP3(host, port, timeout=10)
    p.user(env("MP_TEST_USER"))
    t0 = time.monotonic()
    try:
        p.pass_("wrong")
        check(False, "wrong password rejected")
    except poplib.error_proto:
        check(time.monotonic() - t0 < 1.0, "wrong password rejected without delay")
    p.close()

    p = poplib.POP3(host, port, timeout=10)
    login(p, env("MP_TEST_EMPTY_USER"))
    check(p.stat() == (0, 0), "empty user has an empty mailbox")
    p.quit()

    # deliver.py: a new message appears last, with the printed UIDL.
    with tempfile.NamedTemporaryFile("wb", suffix=".eml", delete=False) as f:
        f.write(b"From: x@example.com\nSubject: delivered\n\n.dot line\nbody\n")
        newmsg = f.name
    r = subprocess.run([sys.executable, DELIVER, newmsg], capture_output=True, text=True)
    os.unlink(newmsg)
    check(r.returncode == 0, "deliver.py exits 0")
    p = poplib.POP3(host, port, timeout=10)
    login(p)
    count, _ = p.stat()
    check(count == len(manifest) + 1, "delivered message is listed")
    uid = p.uidl(count).split()[2].decode()
    check(uid == r.stdout.strip(), "deliver.py prints the new UIDL (%s)" % uid)
    _, lines, _ = p.retr(count)
    check(b".dot line" in lines, "delivered body retrieved")
    p.quit()

    if os.environ.get("MP_TEST_BIG_USER"):
        p = poplib.POP3(host, port, timeout=30)
        login(p, os.environ["MP_TEST_BIG_USER"])
        n = int(os.environ["MP_TEST_BIG_COUNT"])
        count, total = p.stat()
        with open(os.environ["MP_TEST_BIG_MANIFEST"], encoding="utf-8") as f:
            big = json.load(f)
        check(count == n == len(big), "big mailbox has %d messages" % n)
        check(total == sum(m["size"] for m in big), "big mailbox total size matches")
        _, uidls, _ = p.uidl()
        check([l.split()[1].decode() for l in uidls] == [m["uidl"] for m in big],
              "big mailbox UIDLs in manifest order")
        p.quit()
    return 1 if failures else 0


# ------------------------------------------------------------------ outer

def gone(info):
    if os.path.exists(info["dir"]):
        return False
    for port in info["ports"]:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return False
        except OSError:
            pass
    return True


def outer(large):
    with tempfile.TemporaryDirectory() as t:
        out = os.path.join(t, "info.json")
        cmd = [sys.executable, WITH]
        if large:
            cmd += ["--large", str(large)]
        rc = subprocess.call(cmd + ["--", sys.executable, os.path.abspath(__file__),
                                    "--inner", out])
        check(rc == 0, "inner checks pass under with-dovecot.py")
        if os.path.exists(out):
            with open(out) as f:
                info = json.load(f)
            check(gone(info), "temp dir removed and server stopped afterwards")
        else:
            check(False, "inner wrote its info file")

        rc = subprocess.call([sys.executable, WITH, "--", sys.executable, "-c",
                              "import sys; sys.exit(3)"])
        check(rc == 3, "CMD's exit code is passed through (%d)" % rc)

        # SIGTERM while CMD runs: everything is cleaned up quickly.
        flag = os.path.join(t, "dir.txt")
        proc = subprocess.Popen([sys.executable, WITH, "--", "sh", "-c",
                                 'echo "$MP_TEST_DOVECOT_DIR $MP_TEST_POP3_PORT '
                                 '$MP_TEST_POP3S_PORT" > %s.tmp && mv %s.tmp %s; exec sleep 30'
                                 % (flag, flag, flag)])
        deadline = time.monotonic() + 30
        while not os.path.exists(flag) and time.monotonic() < deadline:
            time.sleep(0.05)
        if check(os.path.exists(flag), "CMD started"):
            with open(flag) as f:
                d, p1, p2 = f.read().split()
            t0 = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(timeout=20)
            check(time.monotonic() - t0 < 6, "stop on SIGTERM is quick")
            check(rc == 128 + signal.SIGTERM, "SIGTERM gives exit code 143 (%d)" % rc)
            check(gone({"dir": d, "ports": [int(p1), int(p2)]}),
                  "temp dir removed and server stopped after SIGTERM")
        else:
            proc.kill()
    return 1 if failures else 0


def unprivileged():
    """As root, run the whole self-test again as `nobody`, the normal-user code path
    (no chroot for login services, cleared listener groups); 77 = skip otherwise."""
    import shutil
    if os.getuid() != 0:
        print("not root: the normal test already covers the unprivileged path")
        return 77
    runuser = shutil.which("runuser")
    python = shutil.which("python3", path="/usr/bin:/bin")
    if not runuser or not python:
        print("runuser or a system python3 is missing")
        return 77
    env = {k: v for k, v in os.environ.items() if k != "MP_BUILD_ROOT"}
    env["HOME"] = "/tmp"
    return subprocess.call([runuser, "-u", "nobody", "--", python,
                            os.path.abspath(__file__)], env=env, cwd="/")


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--unprivileged":
        sys.exit(unprivileged())
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        sys.exit(inner(sys.argv[2]))
    large = int(sys.argv[2]) if len(sys.argv) == 3 and sys.argv[1] == "--large" else 0
    sys.exit(outer(large))
