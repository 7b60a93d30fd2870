#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli against another real POP3 server: GNU Mailutils' pop3d.

    test-cli-mailutils.py PATH/TO/mailpeek-cli

Dovecot is the suite's main server; this is someone else's implementation with
its own habits: TLS by GnuTLS (Dovecot's is OpenSSL), an mbox it rewrites with
X-UIDL and Status headers, ">From " lines, its own CAPA (IMPLEMENTATION, no SASL).
The test configures and starts pop3d on 127.0.0.1 with STLS on one port and
implicit TLS on another (a certificate made now, by openssl), one user from a
virtual-domain password file, and an mbox written here with Python's email
package.  Python's poplib and email package are the independent reference.
Prints TAP; exit 77 when pop3d (package mailutils-pop3d) is not installed.
"""

import email
import email.header
import email.policy
import os
import poplib
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
POP3D = shutil.which('pop3d') or shutil.which('pop3d', path='/usr/sbin:/usr/local/sbin')
USER = 'alice@mu.test'
PASSWORD = 'Correct horse 7'

# Each message: headers as a mailer writes them (encoded words folded over lines,
# as Python's email package and many mailers fold long non-ASCII subjects), then a
# body with lines POP3 must dot-stuff and mbox must quote.
MESSAGES = [
    ('Bob Example <bob@example.com>', 'Plain subject', 'Thu, 01 Jan 2026 10:00:00 +0000',
     'Hello Alice.\n'),
    ('=?ISO-8859-1?Q?J=F6rg_M=FCller?= <jm@example.de>',
     '=?UTF-8?B?0JLRgdGC0YDQtdGH0LAg0LIg0L/Rj9GC0L3QuNGG0YMsINC60L7QvNC9?=\n'
     ' =?UTF-8?B?0LDRgtCwIDQyNjE4?=',
     'Fri, 02 Jan 2026 11:30:00 +0100', 'Two lines follow:\n.\n..two dots\n'),
    ('=?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>',
     'A long subject that a mailer folded over\n two header lines',
     'Sat, 03 Jan 2026 09:15:00 -0500', 'From here on the line starts with From.\n'
     'From me\n.\n'),
    ('carol@example.net', '=?UTF-8?Q?Caf=C3=A9_=E2=98=95?=',
     'Sun, 04 Jan 2026 08:00:00 +0000', 'Last message.\n'),
]


def need_pop3d():
    if BIN is None:
        raise Skip('no mailpeek-cli given')
    if POP3D is None:
        raise Skip('pop3d not installed (package mailutils-pop3d)')
    out = subprocess.run([POP3D, '--version'], capture_output=True, text=True).stdout
    if 'Mailutils' not in out:
        raise Skip('pop3d is not GNU Mailutils: %r' % out[:80])


def free_ports(n):
    """@n distinct free ports (all held open while chosen, so none repeats)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(('127.0.0.1', 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def decoded(value):
    """What a person should see: Python's own RFC 2047 decoding, unfolded."""
    return str(email.header.make_header(email.header.decode_header(
        re.sub(r'\r?\n(?=[ \t])', '', value))))


class Server:
    """pop3d with a private configuration, mbox, password file and certificate."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='mp-mailutils-')
        self.stls_port, self.tls_port = free_ports(2)
        self.cert = os.path.join(self.dir, 'cert.pem')
        key = os.path.join(self.dir, 'key.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                        '-keyout', key, '-out', self.cert, '-days', '2',
                        '-subj', '/CN=localhost',
                        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
                       check=True, capture_output=True)
        os.chmod(key, 0o600)
        self.write_user()
        self.write_mbox()
        conf = os.path.join(self.dir, 'pop3d.conf')
        with open(conf, 'w') as f:
            f.write('''
auth { authentication generic; authorization virtdomain; };
virtdomain { passwd-dir "%(dir)s/passwd"; };
logging { syslog false; };
tls-file-checks { key-file none; cert-file none; ca-file none; };
tls { ssl-certificate-file "%(cert)s"; ssl-key-file "%(key)s"; };
mode daemon;
foreground true;
server 127.0.0.1:%(stls)d { tls-mode stls; };
server 127.0.0.1:%(tls)d { tls-mode connection; };
''' % {'dir': self.dir, 'cert': self.cert, 'key': key, 'stls': self.stls_port,
                'tls': self.tls_port})
        self.log = open(os.path.join(self.dir, 'pop3d.log'), 'w')
        self.proc = subprocess.Popen([POP3D, '--config-file=' + conf],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_listening()
        # pop3d writes X-UIDL and Status headers into the mbox at the end of the
        # first session (and Status again after a RETR): let that happen now, so
        # sizes and bytes compared below are the same for every client.
        self.poplib().quit()

    def write_user(self):
        crypted = subprocess.run(['openssl', 'passwd', '-6', PASSWORD], check=True,
                                 capture_output=True, text=True).stdout.strip()
        os.makedirs(os.path.join(self.dir, 'passwd'))
        self.home = os.path.join(self.dir, 'mail', 'alice')
        os.makedirs(self.home)
        # The account's own uid: pop3d switches to it, and may as root or not.
        with open(os.path.join(self.dir, 'passwd', 'mu.test'), 'w') as f:
            f.write('alice:%s:%d:%d::%s:/bin/false\n' % (crypted, os.getuid(), os.getgid(),
                                                         self.home))

    def write_mbox(self):
        with open(os.path.join(self.home, 'INBOX'), 'w') as f:
            for i, (sender, subject, date, body) in enumerate(MESSAGES, 1):
                f.write('From sender@example.com Thu Jan  1 00:00:0%d 2026\n' % i)
                f.write('From: %s\nTo: %s\nSubject: %s\nDate: %s\n'
                        'Message-ID: <%d@mu.test>\nMIME-Version: 1.0\n'
                        'Content-Type: text/plain; charset=utf-8\n\n' % (
                            sender, USER, subject, date, i))
                # mbox quoting: a body line starting "From " is written ">From ".
                for line in body.splitlines(True):
                    f.write('>' + line if line.startswith('From ') else line)
                f.write('\n')

    def wait_listening(self):
        deadline = time.monotonic() + 10
        for port in (self.stls_port, self.tls_port):
            while True:
                try:
                    socket.create_connection(('127.0.0.1', port), timeout=1).close()
                    break
                except OSError:
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError('pop3d did not start: ' + self.read_log())
                    time.sleep(0.05)

    def read_log(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()[-2000:]

    def stls_url(self, host='127.0.0.1'):
        return 'pop3://alice%%40mu.test@%s:%d' % (host, self.stls_port)

    def tls_url(self, host='127.0.0.1'):
        return 'pop3s://alice%%40mu.test@%s:%d' % (host, self.tls_port)

    def poplib(self):
        """Python's poplib over implicit TLS: the reference listing."""
        ctx = ssl.create_default_context(cafile=self.cert)
        p = poplib.POP3_SSL('127.0.0.1', self.tls_port, context=ctx, timeout=10)
        p.user(USER)
        p.pass_(PASSWORD)
        return p

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


SERVER = None


def server():
    global SERVER
    need_pop3d()
    if SERVER is None:
        SERVER = Server()
    return SERVER


def cli(password=PASSWORD):
    return Cli(BIN, password)


def reference_rows(srv):
    """(num, uidl, size, From, Subject) per message, from poplib and the email package."""
    p = srv.poplib()
    try:
        uidls = dict(line.decode().split(None, 1) for line in p.uidl()[1])
        sizes = dict(line.decode().split() for line in p.list()[1])
        rows = []
        for num in sorted(uidls, key=int):
            raw = b'\r\n'.join(p.top(int(num), 0)[1])
            msg = email.message_from_bytes(raw, policy=email.policy.compat32)
            rows.append((num, uidls[num], sizes[num], decoded(msg['From']),
                         decoded(msg['Subject'])))
        return rows
    finally:
        p.quit()


def listing(result):
    check_eq(result.rc, 0, 'list exits 0', result)
    rows = []
    for line in result.stdout.splitlines():
        num, uidl, size, _date, sender, subject = line.split('\t')
        rows.append((num, uidl, size, sender, subject))
    return rows


def test_list_stls():
    srv = server()
    with cli() as c:
        rows = listing(c.run('list', srv.stls_url(), '--ca-file', srv.cert))
        want = reference_rows(srv)
        check_eq(len(rows), len(MESSAGES), 'one row per message')
        for got, ref in zip(rows, want):
            # (Not the size: pop3d rewrites the mbox after sessions, so LIST sizes
            # move between one client's session and the next.)
            check_eq(got[:2], ref[:2], 'number and UIDL as poplib reads them')
            # Our From shows "Name <address>"; Python's decoding of the raw header
            # is the same text once the encoded words are decoded and joined.
            check_eq(got[3], ref[3], 'From decoded as the email package decodes it')
            check_eq(got[4], ref[4], 'Subject decoded and unfolded as the email package does')
        check('Встреча в пятницу, комната 42618' in rows[1][4],
              'a folded encoded-word Subject keeps its tail', rows[1])


def test_list_implicit_tls_same_rows():
    srv = server()
    with cli() as c:
        stls = c.run('list', srv.stls_url(), '--ca-file', srv.cert)
        tls = c.run('list', srv.tls_url(), '--ca-file', srv.cert)
        check_eq(tls.rc, 0, 'implicit TLS (GnuTLS on the server side) lists', tls)
        check_eq(tls.stdout, stls.stdout, 'the same rows over implicit TLS and STLS')
        by_name = c.run('list', srv.tls_url('localhost'), '--ca-file', srv.cert)
        check_eq(by_name.stdout, stls.stdout, 'and by host name (the certificate names both)',
                 by_name)


def test_untrusted_certificate():
    srv = server()
    with cli() as c:
        r = c.run('list', srv.tls_url())
        check_eq(r.rc, 3, 'a self-signed certificate is refused with exit 3', r)
        check('not trusted' in r.stderr and 'SHA-256' in r.stderr,
              'the message says why and shows the fingerprint', r)
        check_eq(r.stdout, '', 'nothing listed', r)
        r = c.run('list', srv.stls_url())
        check_eq(r.rc, 3, 'the same after STLS', r)


def test_no_password_in_clear():
    srv = server()
    with cli() as c:
        r = c.run('list', srv.stls_url(), '--starttls=never', '--trace')
        check(r.rc != 0, 'no TLS and no --allow-plaintext-password: refused', r)
        check('PASS' not in r.stderr and PASSWORD not in r.stderr,
              'no password was sent (the trace has no PASS)', r)
        r = c.run('list', srv.stls_url(), '--starttls=never', '--allow-plaintext-password',
                  '--trace')
        check_eq(r.rc, 0, 'allowed explicitly, the account logs in without TLS', r)
        check('C: PASS <redacted>' in r.stderr and PASSWORD not in r.stderr,
              'the trace hides the password', r)


def test_wrong_password():
    srv = server()
    with cli(password='not the password') as c:
        r = c.run('list', srv.tls_url(), '--ca-file', srv.cert)
        check_eq(r.rc, 4, 'a wrong password exits 4', r)
        check('user name or password' in r.stderr, 'and says so', r)
        check('not the password' not in r.stderr, 'without repeating it', r)


def test_top_and_retr_dot_stuffing():
    srv = server()
    with cli() as c:
        rows = listing(c.run('list', srv.tls_url(), '--ca-file', srv.cert))
        top = c.run('top', srv.tls_url(), rows[1][1], '--ca-file', srv.cert)
        check_eq(top.rc, 0, 'top by UIDL', top)
        check('Two lines follow:\n.\n..two dots\n' in top.stdout,
              'lines of "." and ".." come back unstuffed', top)
        p = srv.poplib()
        try:
            want = b'\r\n'.join(p.retr(3)[1]) + b'\r\n'
        finally:
            p.quit()
        retr = c.run('retr', srv.tls_url(), rows[2][1], '--ca-file', srv.cert)
        check_eq(retr.rc, 0, 'retr by UIDL', retr)
        # pop3d marks a message read (its Status header) when a RETR session ends.
        status = re.compile(rb'\r\nStatus: [A-Z]*\r\n')
        check_eq(status.sub(b'\r\n', retr.stdout_bytes), status.sub(b'\r\n', want),
                 'retr gives the bytes poplib gives (CRLF, unstuffed), Status aside')
        check(b'\r\nFrom me\r\n.\r\n' in retr.stdout_bytes,
              'the server\'s mbox unquoting and a lone "." line survive', retr)


def test_delete_by_uidl():
    srv = server()
    with cli() as c:
        before = listing(c.run('list', srv.tls_url(), '--ca-file', srv.cert))
        gone = before[2][1]
        r = c.run('delete', srv.tls_url(), gone, '--ca-file', srv.cert)
        check_eq(r.rc, 0, 'delete by UIDL, committed at QUIT', r)
        after = listing(c.run('list', srv.tls_url(), '--ca-file', srv.cert))
        check_eq([row[1] for row in after], [row[1] for row in before if row[1] != gone],
                 'exactly that message is gone; the others keep their UIDLs')
        r = c.run('delete', srv.tls_url(), gone, '--ca-file', srv.cert)
        check_eq(r.rc, 1, 'deleting it again: unknown UIDL, exit 1', r)
        check_eq(len(listing(c.run('list', srv.tls_url(), '--ca-file', srv.cert))),
                 len(after), 'and nothing else deleted')


def main():
    try:
        return run_tests([
            ('list over STLS matches poplib and the email package', test_list_stls),
            ('implicit TLS lists the same rows', test_list_implicit_tls_same_rows),
            ('an untrusted certificate is refused', test_untrusted_certificate),
            ('no password over an unencrypted connection unless allowed', test_no_password_in_clear),
            ('a wrong password is reported', test_wrong_password),
            ('top and retr unstuff dots', test_top_and_retr_dot_stuffing),
            ('delete by UIDL removes that message only', test_delete_by_uidl),
        ])
    finally:
        if SERVER is not None:
            SERVER.stop()


if __name__ == '__main__':
    sys.exit(main())
