#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a command next to a private, throw-away Dovecot POP3 server.

    with-dovecot.py [--large N] [--oauth2] [--keep] -- CMD [ARGS...]

--oauth2 also offers XOAUTH2 and OAUTHBEARER: Dovecot checks each token with a small
introspection server (RFC 7662) run here, which knows one good token for the test
user (MP_TEST_OAUTH2_TOKEN) and calls every other token inactive, as an expired or
revoked one is (MP_TEST_OAUTH2_EXPIRED_TOKEN). See shared/NOTES-dovecot-oauth2.md.

See /work/team/HARNESS.md (the contract) for the environment given to CMD.
Exit status: CMD's (128 + signal when it was killed); 77 (skip) when Dovecot or
openssl is not installed; 99 (hard error) when Dovecot cannot be started.
"""

import argparse
import ctypes
import hashlib
import http.server
import json
import os
import pwd
import grp
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "Tr0ub4dor&3-mp"
OAUTH2_TOKEN = "mp-good-access-token-5c1e"
OAUTH2_EXPIRED_TOKEN = "mp-expired-access-token-9a7d"
SEED = 20240301
START_TIMEOUT = 30.0


def log(msg):
    print("with-dovecot: %s" % msg, file=sys.stderr, flush=True)


def find_dovecot():
    for cand in (shutil.which("dovecot"), "/usr/sbin/dovecot"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


# ------------------------------------------------------------------ certificate

def make_cert(tmp):
    cert = os.path.join(tmp, "cert.pem")
    key = os.path.join(tmp, "key.pem")
    cmd = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
           "-keyout", key, "-out", cert, "-days", "3", "-subj", "/CN=localhost",
           "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with open(cert, encoding="ascii") as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    return cert, key, hashlib.sha256(der).hexdigest()


# ------------------------------------------------------------------ mail

def run_gen(out, count=0):
    cmd = [sys.executable, os.path.join(HERE, "gen-mail.py"), "--out", out, "--seed", str(SEED)]
    if count:
        cmd += ["--count", str(count)]
    subprocess.run(cmd, check=True)


def bulk_source(count, tmp):
    """Directory with `count` generated messages, cached across runs when possible."""
    root = os.environ.get("MP_BUILD_ROOT")
    if not root:
        out = os.path.join(tmp, "big-src")
        run_gen(out, count)
        return out
    cache = os.path.join(root, "tests", "harness-cache")
    os.makedirs(cache, exist_ok=True)
    final = os.path.join(cache, "big-%d-s%d" % (count, SEED))
    if os.path.exists(os.path.join(final, "manifest.json")):
        return final
    # Parallel tests may race: build privately, then rename into place atomically.
    work = tempfile.mkdtemp(prefix="big-%d-" % count, dir=cache)
    run_gen(work, count)
    try:
        os.rename(work, final)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)   # someone else won the race
    return final


def fill_maildir(maildir, src, uid, gid, link=False):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    msgdir = os.path.join(src, "messages") if src else None
    if msgdir:
        with open(os.path.join(src, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        for entry in manifest:
            s = os.path.join(msgdir, entry["file"])
            d = os.path.join(maildir, "cur", entry["file"] + ":2,")
            done = False
            if link:
                # Dovecot never rewrites a maildir file, it only renames/unlinks it, so
                # the cache can share inodes (chown below then also applies to the cache,
                # which is harmless).
                try:
                    os.link(s, d)
                    done = True
                except OSError:
                    pass
            if not done:
                shutil.copyfile(s, d)
    if uid is not None:
        for dirpath, dirnames, filenames in os.walk(maildir):
            os.chown(dirpath, uid, gid)
            for n in filenames:
                os.chown(os.path.join(dirpath, n), uid, gid)


# ------------------------------------------------------------------ oauth2

class IntrospectionHandler(http.server.BaseHTTPRequestHandler):
    """RFC 7662 token introspection as Dovecot's oauth2 passdb asks it
    (introspection_mode = post: a form with token=...)."""

    user = "alice"

    def do_POST(self):
        length = min(int(self.headers.get("Content-Length") or 0), 65536)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("ascii", "replace"))
        token = (form.get("token") or [""])[0]
        if self.path == "/introspect" and token == OAUTH2_TOKEN:
            doc = {"active": True, "username": self.user, "scope": "mail"}
        else:
            doc = {"active": False}
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def start_introspection():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), IntrospectionHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def oauth2_config(tmp, introspection_port):
    """auth_mechanisms, passdbs and the anvil block for --oauth2 (or without it)."""
    if introspection_port is None:
        return {"mechanisms": "plain login cram-md5 apop", "passdb_mechanisms": "",
                "oauth2_passdb": "", "anvil_extra": ""}
    args = os.path.join(tmp, "oauth2.conf.ext")
    with open(args, "w") as f:
        f.write("introspection_mode = post\n"
                "introspection_url = http://127.0.0.1:%d/introspect\n"
                "username_attribute = username\n"
                "active_attribute = active\n"
                "active_value = true\n"
                "timeout_msecs = 5000\n" % introspection_port)
    os.chmod(args, 0o644)
    return {
        "mechanisms": "plain login cram-md5 apop xoauth2 oauthbearer",
        # Without this the passwd-file passdb would accept a "token" equal to the
        # password after oauth2 refused it.
        "passdb_mechanisms": "  mechanisms = plain login cram-md5 apop\n",
        "oauth2_passdb": ("passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                          "  args = %s\n}\n" % args),
        # Refused tokens from 127.0.0.1 would otherwise cost 2, 4, 8... s each.
        "anvil_extra": "  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n",
    }


# ------------------------------------------------------------------ config

def free_port():
    """A port free on both 127.0.0.1 and 127.0.0.2."""
    for _ in range(50):
        s1 = socket.socket()
        s1.bind(("127.0.0.1", 0))
        port = s1.getsockname()[1]
        s2 = socket.socket()
        try:
            s2.bind(("127.0.0.2", port))
        except OSError:
            continue
        finally:
            s1.close()
            s2.close()
        return port
    raise RuntimeError("no free port")


def write_config(tmp, cert, key, ports, as_root, mail_user, introspection_port=None):
    me = pwd.getpwuid(os.getuid()).pw_name
    conf = """# Generated by with-dovecot.py for Mailpeek tests
protocols = pop3
listen = 127.0.0.1, 127.0.0.2
instance_name = mailpeek-test-{pid}
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
info_log_path = {tmp}/dovecot.log
debug_log_path = {tmp}/dovecot.log
auth_verbose = yes
shutdown_clients = yes

ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2

disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = {mechanisms}
{oauth2_passdb}passdb {{
  driver = passwd-file
{passdb_mechanisms}  args = scheme=PLAIN username_format=%u {tmp}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {tmp}/passwd
}}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
mail_max_userip_connections = 200
mail_fsync = never

pop3_uidl_format = %g
pop3_no_flag_updates = yes

service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
{login_extra}}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0
  }}
}}
"""
    oauth2 = oauth2_config(tmp, introspection_port)
    if as_root:
        conf += "default_login_user = dovenull\ndefault_internal_user = dovecot\n"
        if oauth2["anvil_extra"]:
            conf += "service anvil {{\n{anvil_extra}}}\n"
        login_extra = ""
    else:
        conf += """default_login_user = {me}
default_internal_user = {me}
service stats {{
  unix_listener stats-writer {{
    group =
    mode = 0600
  }}
}}
service dict {{
  unix_listener dict {{
    group =
    mode = 0600
  }}
}}
service dict-async {{
  unix_listener dict-async {{
    group =
    mode = 0600
  }}
}}
service anvil {{
  chroot =
{anvil_extra}}}
service ipc {{
  chroot =
}}
""".replace("{me}", me)
        login_extra = "  chroot =\n"
    conf = conf.format(pid=os.getpid(), tmp=tmp, cert=cert, key=key,
                       pop3=ports[0], pop3s=ports[1], login_extra=login_extra, **oauth2)
    path = os.path.join(tmp, "dovecot.conf")
    with open(path, "w") as f:
        f.write(conf)
    return path


def write_passwd(tmp, users, uid, gid):
    with open(os.path.join(tmp, "passwd"), "w") as f:
        for u in users:
            f.write("%s:{PLAIN}%s:%d:%d::%s::\n" % (u, PASSWORD, uid, gid,
                                                     os.path.join(tmp, "home", u)))
    os.chmod(os.path.join(tmp, "passwd"), 0o644)


# ------------------------------------------------------------------ process

def _pdeathsig():
    # If this script dies without cleaning up (SIGKILL), take Dovecot's master with it;
    # its children exit when the master goes away.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except Exception:
        pass


def start_dovecot(dovecot, conf, tmp):
    out = open(os.path.join(tmp, "dovecot.stdout"), "wb")
    proc = subprocess.Popen([dovecot, "-F", "-c", conf], stdin=subprocess.DEVNULL,
                            stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=_pdeathsig)
    out.close()
    return proc


def kill_group(proc):
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def greets(host, port, tls):
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            if tls:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                s = ctx.wrap_socket(s)
            f = s.makefile("rb")
            line = f.readline(512)
            if line.startswith(b"+OK"):
                s.sendall(b"QUIT\r\n")
                f.readline(512)
                return True
    except (OSError, ssl.SSLError):
        pass
    return False


def wait_ready(proc, ports):
    deadline = time.monotonic() + START_TIMEOUT
    pending = [(h, p, tls) for h in ("127.0.0.1", "127.0.0.2")
               for p, tls in ((ports[0], False), (ports[1], True))]
    while pending:
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            return False
        if greets(*pending[0]):
            pending.pop(0)
        else:
            time.sleep(0.05)
    return True


def dump_log(tmp):
    for name in ("dovecot.stdout", "dovecot.log"):
        p = os.path.join(tmp, name)
        if os.path.exists(p):
            with open(p, errors="replace") as f:
                sys.stderr.write("---- %s ----\n%s\n" % (name, f.read()))
    sys.stderr.flush()


class Interrupted(Exception):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def main():
    ap = argparse.ArgumentParser(description="Run CMD next to a private Dovecot POP3 server.")
    ap.add_argument("--large", type=int, default=0, metavar="N",
                    help="give user 'big' a mailbox of N generated messages")
    ap.add_argument("--oauth2", action="store_true",
                    help="offer XOAUTH2 and OAUTHBEARER, tokens checked by a local "
                         "introspection server")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("missing CMD")

    dovecot = find_dovecot()
    if not dovecot or not shutil.which("openssl"):
        log("dovecot or openssl not installed: skipping")
        return 77

    def on_signal(signum, frame):
        raise Interrupted(signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    as_root = os.getuid() == 0
    tmp = tempfile.mkdtemp(prefix="mp-dovecot-")
    proc = None
    child = None
    introspection = None
    try:
        if args.oauth2:
            introspection = start_introspection()
        # The mail processes run as `nobody` when we are root: they must reach the maildirs.
        os.chmod(tmp, 0o755)
        if as_root:
            pw = pwd.getpwnam("nobody")
            uid, gid = pw.pw_uid, pw.pw_gid
        else:
            uid, gid = os.getuid(), os.getgid()
        chown_uid = uid if as_root else None

        cert, key, sha = make_cert(tmp)
        os.chmod(key, 0o600)

        samples = os.path.join(tmp, "samples")
        run_gen(samples)
        users = ["alice", "empty"]
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        os.chmod(home, 0o755)
        fill_maildir(os.path.join(home, "alice", "Maildir"), samples, chown_uid, gid)
        fill_maildir(os.path.join(home, "empty", "Maildir"), None, chown_uid, gid)
        big_manifest = None
        if args.large > 0:
            users.append("big")
            src = bulk_source(args.large, tmp)
            fill_maildir(os.path.join(home, "big", "Maildir"), src, chown_uid, gid, link=True)
            big_manifest = os.path.join(src, "manifest.json")
        if as_root:
            for u in users:
                os.chown(os.path.join(home, u), uid, gid)
        write_passwd(tmp, users, uid, gid)

        for attempt in range(5):
            ports = (free_port(), free_port())
            if ports[0] == ports[1]:
                continue
            conf = write_config(tmp, cert, key, ports, as_root, "nobody",
                                introspection.server_address[1] if introspection else None)
            proc = start_dovecot(dovecot, conf, tmp)
            if wait_ready(proc, ports):
                break
            exited = proc.poll() is not None
            kill_group(proc)
            proc = None
            log_text = ""
            lp = os.path.join(tmp, "dovecot.log")
            if os.path.exists(lp):
                with open(lp, errors="replace") as f:
                    log_text = f.read()
            if exited and "Address already in use" in log_text:
                log("port clash, retrying")
                os.unlink(lp)
                continue
            log("Dovecot did not start")
            dump_log(tmp)
            return 99
        else:
            log("Dovecot did not start (ports busy)")
            dump_log(tmp)
            return 99

        env = dict(os.environ)
        env.update({
            "MP_TEST_HOST": "127.0.0.1",
            "MP_TEST_WRONG_HOST": "127.0.0.2",
            "MP_TEST_POP3_PORT": str(ports[0]),
            "MP_TEST_POP3S_PORT": str(ports[1]),
            "MP_TEST_USER": "alice",
            "MP_TEST_PASSWORD": PASSWORD,
            "MP_TEST_EMPTY_USER": "empty",
            "MP_TEST_CA_FILE": cert,
            "MP_TEST_CERT_SHA256": sha,
            "MP_TEST_MAILDIR": os.path.join(home, "alice", "Maildir"),
            "MP_TEST_MANIFEST": os.path.join(samples, "manifest.json"),
            "MP_TEST_DOVECOT_DIR": tmp,
        })
        if introspection:
            env["MP_TEST_OAUTH2_TOKEN"] = OAUTH2_TOKEN
            env["MP_TEST_OAUTH2_EXPIRED_TOKEN"] = OAUTH2_EXPIRED_TOKEN
        if big_manifest:
            env["MP_TEST_BIG_USER"] = "big"
            env["MP_TEST_BIG_COUNT"] = str(args.large)
            env["MP_TEST_BIG_MANIFEST"] = big_manifest
        child = subprocess.Popen(cmd, env=env)
        rc = child.wait()
        child = None
        if rc < 0:
            rc = 128 - rc
        return rc
    except Interrupted as e:
        log("interrupted by signal %d" % e.signum)
        return 128 + e.signum
    except (subprocess.CalledProcessError, OSError) as e:
        log("setup failed: %s" % e)
        if getattr(e, "stderr", None):
            sys.stderr.write(e.stderr.decode(errors="replace"))
        return 99
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if child is not None:
            try:
                child.terminate()
                child.wait(timeout=5)
            except Exception:
                child.kill()
        kill_group(proc)
        if introspection is not None:
            introspection.shutdown()
            introspection.server_close()
        if args.keep:
            log("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
            if os.path.exists(tmp):
                time.sleep(0.2)
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
