#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli discover, run as a real process, against tests/core/discover-server.py.

    test-cli-discover.py PATH/TO/mailpeek-cli PATH/TO/discover-server.py

The ISP database is the local HTTPS server (--ispdb-url, --ca-file trusting its CA);
the provider's own autoconfig (https://autoconfig.D/) is reached through the server's
proxy, named by https_proxy as a user behind a proxy has it.  Cases that fall through
to DNS (MX, SRV, guesses) accept whatever the system's resolver answers: only the
sources served here are asserted.  Prints TAP.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
SERVER = sys.argv[2] if len(sys.argv) > 2 else None


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='mp-discover-cli-')
        self.proc = subprocess.Popen([sys.executable, SERVER, self.dir], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.proxy = int(self.proc.stdout.readline().split()[1])
        self.https = int(self.proc.stdout.readline().split()[1])
        self.ca = os.path.join(self.dir, 'ca.pem')
        self.ispdb = 'https://127.0.0.1:%d/v1.1/' % self.https

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        subprocess.run(['rm', '-rf', self.dir], check=False)


server = None


def discover(*args, ispdb=True):
    c = Cli(BIN, None)
    env = {'https_proxy': 'http://127.0.0.1:%d' % server.proxy,
           'no_proxy': '', 'NO_PROXY': '',
           # the test names the proxy itself, whatever desktop the runner has
           'GIO_USE_PROXY_RESOLVER': 'libproxy'}
    opts = ['--ca-file', server.ca, '--timeout', '20']
    if ispdb:
        opts += ['--ispdb-url', server.ispdb]
    try:
        return c.run('discover', *args, *opts, env=env, timeout=60)
    finally:
        c.cleanup()


def test_ispdb_text():
    r = discover('a@isp.test')
    check_eq(r.rc, 0, 'exit status', r)
    check_eq(r.stdout.splitlines(), [
        'host: pop.isp.test',
        'port: 110',
        'security: starttls',
        'username: a@isp.test',
        'url: pop3://a%40isp.test@pop.isp.test:110',
        "source: from Mozilla's ISP database",
        'detail: %sisp.test' % server.ispdb,
    ], 'text output', r)
    check_eq(r.stderr, '', 'nothing on stderr', r)


def test_ispdb_json():
    r = discover('a@isp.test', '--json')
    check_eq(r.rc, 0, 'exit status', r)
    check_eq(json.loads(r.stdout), {
        'host': 'pop.isp.test', 'port': 110, 'security': 'starttls',
        'username': 'a@isp.test', 'url': 'pop3://a%40isp.test@pop.isp.test:110',
        'source': 'ispdb', 'origin': "from Mozilla's ISP database",
        'detail': server.ispdb + 'isp.test', 'plaintext_only': False,
    }, 'JSON', r)


def test_autoconfig_through_proxy():
    r = discover('me@good.test', '--json')
    check_eq(r.rc, 0, 'exit status', r)
    got = json.loads(r.stdout)
    check_eq((got['source'], got['host'], got['port'], got['security'], got['username']),
             ('autoconfig', 'pop.good.test', 995, 'tls', 'me'), 'the provider\'s SSL entry', r)


def test_plaintext_warning():
    r = discover('p@plain.test', '--json')
    check_eq(r.rc, 0, 'exit status', r)
    check_eq(json.loads(r.stdout)['plaintext_only'], True, 'flagged', r)
    check('offers no encryption' in r.stderr, 'warning on stderr', r)


def test_malformed():
    r = discover('m@malformed.test')
    # Nothing found (5), or the system's DNS made the search time out (6): the
    # sources served here are named either way.
    check(r.rc in (5, 6), 'exit 5 or 6', r)
    check_eq(r.stdout, '', 'nothing on stdout', r)
    check('mailpeek-cli: - %smalformed.test: malformed XML: Error on line 1' % server.ispdb
          in r.stderr, 'the ISPDB answer is named as malformed', r)


def test_huge():
    r = discover('h@huge.test')
    check(r.rc in (5, 6), 'exit 5 or 6', r)
    check('%shuge.test: the answer is larger than 1024 KiB; not read further' % server.ispdb
          in r.stderr, 'the ISPDB answer is named as too large', r)


def test_redirect_elsewhere():
    r = discover('r@redirect.test')
    check(r.rc in (5, 6), 'exit 5 or 6', r)
    check('redirected to another host (evil.test); only redirects within '
          'autoconfig.redirect.test are followed' in r.stderr, 'refused and said', r)


def test_system_trust():
    """Without --ca-file the system's trust store decides (as for every user): the
    test CA is added to it in a private mount namespace (root and unshare needed)."""
    if os.geteuid() != 0 or not os.path.exists('/etc/ssl/certs/ca-certificates.crt'):
        raise Skip('needs root to add a CA to the system store in a mount namespace')
    bundle = os.path.join(server.dir, 'system-plus-test.pem')
    with open(bundle, 'wb') as out:
        for path in ('/etc/ssl/certs/ca-certificates.crt', server.ca):
            with open(path, 'rb') as f:
                out.write(f.read())
    probe = subprocess.run(['unshare', '-m', 'true'], stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        raise Skip('unshare -m is not permitted here')
    env = dict(os.environ, https_proxy='http://127.0.0.1:%d' % server.proxy, no_proxy='',
               NO_PROXY='', GIO_USE_PROXY_RESOLVER='libproxy')
    script = 'mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && shift && exec "$@"'
    proc = subprocess.run(['unshare', '-m', 'sh', '-c', script, 'sh', bundle, BIN, 'discover',
                           'a@isp.test', '--ispdb-url', server.ispdb, '--timeout', '20'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60,
                          text=True)
    check_eq(proc.returncode, 0, 'exit status (stderr: %s)' % proc.stderr, proc)
    check('source: from Mozilla\'s ISP database' in proc.stdout,
          'found in the ISP database, its certificate checked against the system store', proc)


def test_usage():
    r = discover('not-an-address')
    check_eq(r.rc, 2, 'exit status', r)
    check('“not-an-address” is not an e-mail address' in r.stderr, 'message', r)
    r = discover('a@isp.test', 'extra')
    check_eq(r.rc, 2, 'one address only', r)
    c = Cli(BIN, None)
    try:
        r = c.run('discover', 'a@isp.test', '--ispdb-url', 'http://127.0.0.1:1/')
        check_eq(r.rc, 2, 'plain http ISPDB refused', r)
        r = c.run('capa', 'pop3s://u@127.0.0.1:1', '--ispdb-url', server.ispdb)
        check_eq(r.rc, 2, '--ispdb-url outside discover', r)
        r = c.run('discover', 'a@isp.test', '--timeout', '5000000')
        check_eq(r.rc, 2, '--timeout out of range', r)
        check('--timeout must be between 1 and 3600 seconds' in r.stderr, 'said', r)
        r = c.run('discover', 'a@isp.test', '--ca-file', '/nonexistent/ca.pem')
        check_eq(r.rc, 2, 'unreadable CA file', r)
        check('Cannot use the CA file /nonexistent/ca.pem' in r.stderr, 'said once', r)
    finally:
        c.cleanup()


def main():
    global server
    server = Server()
    try:
        return run_tests([
            ('discover: ISPDB, text', test_ispdb_text),
            ('discover: ISPDB, JSON', test_ispdb_json),
            ('discover: provider autoconfig through the proxy', test_autoconfig_through_proxy),
            ('discover: plaintext-only warning', test_plaintext_warning),
            ('discover: malformed XML', test_malformed),
            ('discover: huge answer', test_huge),
            ('discover: redirect to another host', test_redirect_elsewhere),
            ('discover: usage errors', test_usage),
            ('discover: the system trust store without --ca-file', test_system_trust),
        ])
    finally:
        server.stop()


if __name__ == '__main__':
    sys.exit(main())
