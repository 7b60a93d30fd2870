#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli --password-command against Dovecot's XOAUTH2 (run under
tests/harness/with-dovecot.py --oauth2, which checks tokens with a local
introspection server).

    with-dovecot.py --oauth2 -- test-cli-oauth2.py PATH/TO/mailpeek-cli

Prints TAP.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
E = os.environ


def need_env():
    for var in ('MP_TEST_HOST', 'MP_TEST_POP3S_PORT', 'MP_TEST_CA_FILE', 'MP_TEST_OAUTH2_TOKEN',
                'MP_TEST_OAUTH2_LOG'):
        if not E.get(var):
            raise Skip('%s not set (not running under with-dovecot.py --oauth2)' % var)


def url():
    return 'pop3s://%s@%s:%s' % (E['MP_TEST_USER'], E['MP_TEST_HOST'], E['MP_TEST_POP3S_PORT'])


def run(*args, **kw):
    need_env()
    c = Cli(BIN, None)
    try:
        return c.run('--auth', 'xoauth2', '--ca-file', E['MP_TEST_CA_FILE'], *args, **kw)
    finally:
        c.cleanup()


def introspected():
    with open(E['MP_TEST_OAUTH2_LOG']) as f:
        return f.read().split('\n')


def test_token_command_logs_in():
    token = E['MP_TEST_OAUTH2_TOKEN']
    # First line only: what a helper prints after it is not part of the token.
    r = run('--password-command', "printf '%s\\r\\nexpires in 3599 s\\n'" % token,
            'list', url())
    check_eq(r.rc, 0, 'list with the token from the command', r)
    check(len(r.stdout.splitlines()) > 0, 'messages listed', r)
    check('%s active' % token in introspected(), 'Dovecot checked exactly that token')


def test_trace_hides_token():
    token = E['MP_TEST_OAUTH2_TOKEN']
    r = run('--trace', '--password-command', 'echo %s' % token, 'capa', url())
    check_eq(r.rc, 0, 'capa', r)
    check('AUTH' in r.stderr, 'the trace shows the login', r)
    check(token not in r.stdout + r.stderr, 'the token appears nowhere', r)


def test_wrong_token():
    r = run('--password-command', 'echo mp-wrong-Tok3n', 'list', url())
    check_eq(r.rc, 4, 'a rejected token is an authentication failure', r)
    check('Tok3n' not in r.stdout + r.stderr, 'the token is not shown', r)
    check(r.stderr.strip() != '', 'a message says why', r)


def test_failing_command():
    r = run('--password-command', 'echo mp-Tok3n; exit 3', 'list', url())
    check_eq(r.rc, 4, 'no token: exit 4', r)
    check('The password command exited with status 3' in r.stderr, 'the status is named', r)
    check('Tok3n' not in r.stdout + r.stderr, 'its output is not shown', r)

    r = run('--password-command', 'true', 'list', url())
    check_eq(r.rc, 4, 'a silent command: exit 4', r)
    check('printed nothing' in r.stderr, 'said in words', r)


def test_hanging_command():
    r = run('--password-command', 'sleep 60', '--password-command-timeout', '1', 'list', url(),
            timeout=20)
    check_eq(r.rc, 4, 'a hanging command: exit 4', r)
    check('did not finish within 1 s' in r.stderr, 'the timeout is named', r)
    check(r.elapsed < 10, 'and it did not wait for the command', r)


def gone(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] in ('Z', 'X')
    except FileNotFoundError:
        return True


def test_interrupted():
    """Ctrl-C (SIGINT to mailpeek-cli's process group, which the command is not in:
    it runs in its own) ends the command and everything it started, then
    mailpeek-cli dies of the signal as if nothing had caught it."""
    need_env()
    with tempfile.TemporaryDirectory() as tmp:
        pids = os.path.join(tmp, 'pids')
        command = "sleep 60 & echo $! > '%s'; echo $$ >> '%s'; wait" % (pids, pids)
        proc = subprocess.Popen([BIN, '--password-command', command, 'list', url()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True,
                                # As at a terminal (a background job starts with it ignored).
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(pids) and len(open(pids).read().split()) == 2:
                break
            time.sleep(0.02)
        group = [int(p) for p in open(pids).read().split()]
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        check_eq(proc.returncode, -signal.SIGINT, 'mailpeek-cli ends by SIGINT')
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not all(gone(p) for p in group):
            time.sleep(0.02)
        leftover = [p for p in group if not gone(p)]
        for p in leftover:
            os.kill(p, signal.SIGKILL)
        check_eq(leftover, [], 'the command and its child are gone')


def test_usage():
    r = run('--password-command', 'true', '--password-file', '/dev/null', 'list', url())
    check_eq(r.rc, 2, 'a file and a command exclude each other', r)
    r = run('--password-command-timeout', '5', 'list', url())
    check_eq(r.rc, 2, 'a timeout without a command is a usage error', r)
    r = run('--password-command', 'true', '--password-command-timeout', '0', 'list', url())
    check_eq(r.rc, 2, 'a zero timeout is a usage error', r)


def main():
    if BIN is None or not os.access(BIN, os.X_OK):
        print('usage: test-cli-oauth2.py PATH/TO/mailpeek-cli', file=sys.stderr)
        return 2
    return run_tests([
        ('a token command logs in with XOAUTH2', test_token_command_logs_in),
        ('the trace hides the token', test_trace_hides_token),
        ('a wrong token', test_wrong_token),
        ('a failing or silent command', test_failing_command),
        ('a hanging command', test_hanging_command),
        ('Ctrl-C ends the command too', test_interrupted),
        ('usage errors', test_usage),
    ])


if __name__ == '__main__':
    sys.exit(main())
