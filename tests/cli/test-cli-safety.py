#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli against hostile conditions: closed standard streams, UIDLs that look
like message numbers, passwords in URLs and server replies, closed output pipes.

    test-cli-safety.py PATH/TO/mailpeek-cli PATH/TO/fake-pop3.py

Uses the fake server and the helpers of test-cli-fake.py. Prints TAP.
"""

import importlib
import os
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, check, check_eq, run_tests  # noqa: E402

fake_tests = importlib.import_module('test-cli-fake')
BIN = fake_tests.BIN
FAKE = fake_tests.FAKE
PASSWORD = fake_tests.PASSWORD
Fake = fake_tests.Fake
greeting_and_login = fake_tests.greeting_and_login
scan = fake_tests.scan
all_tops = fake_tests.all_tops
quit_ok = fake_tests.quit_ok
run = fake_tests.run
transcript_ok = fake_tests.transcript_ok
EXPECTED_ROWS = fake_tests.EXPECTED_ROWS

PLAIN = ['--starttls=never', '--allow-plaintext-password', '--auth', 'user', '--timeout', '5']


class Run:
    """The result of a run with hand-made standard streams."""

    def __init__(self, rc, stdout, stderr):
        self.rc = rc
        self.stdout = stdout.decode('utf-8', 'replace')
        self.stderr = stderr.decode('utf-8', 'replace')

    def __repr__(self):
        return 'exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s' % (
            self.rc, self.stdout[-3000:], self.stderr[-3000:])


def run_redirected(redirection, args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   password=PASSWORD):
    """Runs the CLI through `sh -c 'exec "$@" REDIRECTION'` (e.g. '>&-' closes stdout)."""
    c = Cli(BIN, password)
    try:
        proc = subprocess.run(['sh', '-c', 'exec "$@" ' + redirection, 'sh', BIN] + list(args),
                              stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                              env=c.env, timeout=60)
    finally:
        c.cleanup()
    return Run(proc.returncode, proc.stdout or b'', proc.stderr or b'')


class NoServer:
    """A listening socket that must never see a client. Once the CLI has exited, any
    connection it opened is complete and waiting in the accept queue."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)

    def url(self):
        return 'pop3://alice@127.0.0.1:%d' % self.sock.getsockname()[1]

    def assert_untouched(self, r):
        self.sock.setblocking(False)
        try:
            conn, _ = self.sock.accept()
            conn.close()
            connected = True
        except BlockingIOError:
            connected = False
        self.sock.close()
        check(not connected, 'the CLI never connected to the server', r)


# ------------------------------------------------------------ closed standard streams

DANGEROUS_BODY = ['send +OK', 'send From: mallory@example.org', 'send Subject: hello',
                  'send ', 'send DELE 1', 'send DELE 2', 'send QUIT', 'send .']


def test_closed_stdout_top():
    # The message text would go to whatever descriptor 1 is: with stdout closed, the
    # socket. Nothing may reach the server: the CLI refuses before connecting.
    server = NoServer()
    r = run_redirected('>&-', PLAIN + ['top', server.url(), 'uid-a'])
    check_eq(r.rc, 1, 'top with stdout closed: output error, exit 1', r)
    check('Cannot write the output' in r.stderr, 'says the output cannot be written', r)
    server.assert_untouched(r)


def test_closed_stdout_list_delete():
    for args in (['list'], ['list', '--json'], ['delete', 'uid-a']):
        server = NoServer()
        r = run_redirected('>&-', PLAIN + [args[0], server.url()] + args[1:])
        check_eq(r.rc, 1, '%s with stdout closed: exit 1' % ' '.join(args), r)
        server.assert_untouched(r)


def test_closed_stderr_trace():
    # The trace goes to descriptor 2; closed, it must not become the socket.
    lines = greeting_and_login() + scan() + all_tops() + quit_ok()
    fake = Fake(lines)
    r = run_redirected('2>&-', PLAIN + ['--trace', 'list', fake.url()])
    rc, err = fake.finish()
    check_eq(r.rc, 0, 'list --trace with stderr closed works', r)
    check_eq(r.stdout.splitlines(), EXPECTED_ROWS, 'list output', r)
    transcript_ok(rc, err, r)


def test_closed_stdin():
    lines = greeting_and_login() + scan() + ['expect TOP 1 50'] + DANGEROUS_BODY + quit_ok()
    fake = Fake(lines)
    r = run_redirected('<&-', PLAIN + ['top', fake.url(), 'uid-a'])
    rc, err = fake.finish()
    check_eq(r.rc, 0, 'top with stdin closed works', r)
    check('DELE 1' in r.stdout, 'the text is printed on stdout', r)
    transcript_ok(rc, err, r)


# ------------------------------------------------------------ message names

HASH_UIDLS = ['#2', 'uid-b']


def hash_scan():
    return fake_tests.STAT + ['expect LIST', 'send +OK', 'send 1 1200', 'send 2 3400', 'send .',
                              'expect UIDL', 'send +OK'] + \
        ['send %d %s' % (i + 1, u) for i, u in enumerate(HASH_UIDLS)] + ['send .']


def test_uidl_like_a_number():
    # Message 1's UIDL is "#2": naming "#2" must delete message 1, never message 2.
    lines = greeting_and_login() + hash_scan() + ['expect DELE 1', 'send +OK'] + quit_ok()
    r, rc, err = run(lines, 'delete', '#2')
    check_eq(r.rc, 0, 'delete #2 exits 0', r)
    transcript_ok(rc, err, r)
    body = ['send +OK', 'send Subject: one', 'send ', 'send text', 'send .']
    lines = greeting_and_login() + hash_scan() + ['expect RETR 1'] + body + quit_ok()
    r, rc, err = run(lines, 'retr', '#2')
    check_eq(r.rc, 0, 'retr #2 exits 0', r)
    transcript_ok(rc, err, r)
    lines = greeting_and_login() + hash_scan() + ['expect TOP 1 3'] + body + quit_ok()
    r, rc, err = run(lines, 'top', '#2', '3')
    check_eq(r.rc, 0, 'top #2 3 exits 0', r)
    check('UIDL: #2' in r.stdout, 'shows message 1, whose UIDL is #2', r)
    transcript_ok(rc, err, r)


def test_hash_number_is_no_number():
    # "#1" is not a UIDL here; it names nothing (no RETR is sent).
    lines = greeting_and_login() + hash_scan() + quit_ok()
    r, rc, err = run(lines, 'retr', '#1')
    check_eq(r.rc, 1, 'retr #1: no such UIDL, exit 1', r)
    check('#1' in r.stderr and 'UIDL' in r.stderr, 'says there is no such UIDL', r)
    transcript_ok(rc, err, r)


def test_number_option():
    lines = greeting_and_login() + hash_scan() + \
        ['expect DELE 1', 'send +OK', 'expect DELE 2', 'send +OK'] + quit_ok()
    r, rc, err = run(lines, 'delete', '--number', '2', '#2', '--number', '2')
    check_eq(r.rc, 0, 'delete --number 2 #2: exit 0', r)
    check('Deleted 2 messages' in r.stdout, 'two messages, each once', r)
    transcript_ok(rc, err, r)
    body = ['send +OK', 'send Subject: two', 'send ', 'send text', 'send .']
    lines = greeting_and_login() + hash_scan() + ['expect TOP 2 7'] + body + quit_ok()
    r, rc, err = run(lines, 'top', '--number', '2', '7')
    check_eq(r.rc, 0, 'top --number 2 7 exits 0', r)
    check('Subject: two' in r.stdout and 'UIDL: uid-b' in r.stdout, 'shows message 2', r)
    transcript_ok(rc, err, r)
    lines = greeting_and_login() + hash_scan() + ['expect RETR 1'] + body + quit_ok()
    r, rc, err = run(lines, 'retr', '--number', '1')
    check_eq(r.rc, 0, 'retr --number 1 exits 0', r)
    transcript_ok(rc, err, r)
    lines = greeting_and_login() + hash_scan() + quit_ok()
    r, rc, err = run(lines, 'retr', '--number', '3')
    check_eq(r.rc, 1, 'retr --number 3: no such message, exit 1', r)
    transcript_ok(rc, err, r)


def test_number_option_usage():
    server = NoServer()
    for args in (['list', '--number', '1'], ['retr', '--number', '1', 'uid-a'],
                 ['retr', '--number', '1', '--number', '2'], ['top', '--number', 'x'],
                 ['delete', '--number', '0'], ['top', '--number', '1', 'uid-a', '5']):
        r = run_redirected('', PLAIN + [args[0], server.url()] + args[1:])
        check_eq(r.rc, 2, '%s: usage error' % ' '.join(args), r)
    server.assert_untouched(r)


# ------------------------------------------------------------ passwords

SECRET = 'hunter2-Zq7'


def test_password_in_invalid_url():
    port = fake_tests.closed_port()
    for url in ('pop3s://alice:%s@127.0.0.1:%d' % (SECRET, port),
                'pop3s://alice:%s/x@127.0.0.1:%d' % (SECRET, port),
                'pop://alice;AUTH=+APOP:%s@127.0.0.1:%d' % (SECRET, port),
                'pop3s://alice:%s' % SECRET,
                'imap://alice:%s@127.0.0.1' % SECRET):
        r = run_redirected('', ['capa', url, '--trace'])
        check_eq(r.rc, 2, 'a URL with a password is a usage error', url, r)
        check(SECRET not in r.stderr + r.stdout, 'the password is not printed', url, r)
        check('alice' in r.stderr or 'imap' in r.stderr, 'the rest of the URL is shown', url, r)


def login_echoing(reply, auth='user'):
    lines = ['send +OK fake POP3 ready', 'expect CAPA', 'send +OK', 'send USER',
             'send SASL PLAIN', 'send .']
    if auth == 'user':
        lines += ['expect USER alice', 'send +OK', 'expect PASS ' + SECRET]
    else:
        lines += ['expect AUTH PLAIN *']
    return lines + ['send ' + reply, 'expect-eof']


def test_password_in_server_reply():
    for auth, reply in (('user', '-ERR [AUTH] wrong password %s for alice' % SECRET),
                        ('user', '-ERR %s%s' % (SECRET, SECRET)),
                        ('user', 'garbage %s' % SECRET),
                        ('plain', '-ERR bad credentials alice/%s' % SECRET)):
        for trace in ([], ['--trace']):
            fake = Fake(login_echoing(reply, auth))
            r = run_redirected('', ['--starttls=never', '--allow-plaintext-password',
                                    '--auth', auth, '--timeout', '5'] + trace +
                               ['list', fake.url()], password=SECRET)
            rc, err = fake.finish()
            check(r.rc in (4, 5), 'login refused', reply, r)
            check(SECRET not in r.stderr + r.stdout, 'the password is not printed', reply, r)
            check('<redacted>' in r.stderr, 'the echo is marked as hidden', reply, r)
            transcript_ok(rc, err, r)


# ------------------------------------------------------------ closed output pipe

def many_messages(n):
    """n messages, each with a long subject: a list of n rows is n * ~330 bytes."""
    subject = 'Subject: ' + 'long subject ' * 24
    lines = fake_tests.STAT[:1] + ['send +OK %d %d' % (n, n * 1000), 'expect LIST',
                                   'send +OK', 'repeat %d {i} 1000' % n, 'send .',
                                   'expect UIDL', 'send +OK', 'repeat %d {i} uid-{i}' % n,
                                   'send .']
    for i in range(1, n + 1):
        lines += ['expect TOP %d 0' % i, 'send +OK', 'send ' + subject, 'send ', 'send .']
    return lines


def test_list_into_closed_pipe():
    # `list | head -1`: the reader goes away; the CLI stops quietly and at once.
    fake = Fake(greeting_and_login() + many_messages(1000) + quit_ok())
    c = Cli(BIN, PASSWORD)
    try:
        proc = subprocess.Popen([BIN] + PLAIN + ['list', fake.url()], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=c.env)
        first = proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode('utf-8', 'replace')
        rc = proc.wait(timeout=60)
    finally:
        c.cleanup()
    frc, ferr = fake.finish()
    r = Run(rc, first, err.encode())
    check(first.startswith(b'1\tuid-1\t1000\t'), 'the first row was printed', r)
    check(rc != 0, 'a closed pipe is a non-zero exit', r)
    check_eq(err, '', 'nothing on stderr', r)
    # It stopped: the fake server saw it hang up in the middle of the TOPs.
    check(frc == 1 and "expected b'TOP " in ferr and 'client closed the connection' in ferr,
          'the CLI stopped listing instead of fetching every header', ferr, r)


def run_into_closed_pipe(args, lines):
    """Runs with stdout a pipe whose reader is already gone."""
    fake = Fake(lines)
    c = Cli(BIN, PASSWORD)
    rfd, wfd = os.pipe()
    os.close(rfd)
    try:
        proc = subprocess.run([BIN] + PLAIN + [args[0], fake.url()] + args[1:], stdout=wfd,
                              stderr=subprocess.PIPE, env=c.env, timeout=60)
    finally:
        os.close(wfd)
        c.cleanup()
    rc, err = fake.finish()
    return Run(proc.returncode, b'', proc.stderr), rc, err


def test_closed_pipe_every_command():
    body = ['send +OK', 'send Subject: s', 'send ', 'send text', 'send .']
    state = os.path.join(tempfile.mkdtemp(prefix='mp-cli-safety-'), 'state.txt')
    cases = [
        (['list', '--json'], greeting_and_login() + scan() + all_tops() + quit_ok()),
        (['check', '--state', state], greeting_and_login() + scan() + all_tops() + quit_ok()),
        (['top', 'uid-a'], greeting_and_login() + scan() + ['expect TOP 1 50'] + body +
         quit_ok()),
        (['top', '--json', 'uid-a'], greeting_and_login() + scan() + ['expect TOP 1 50'] + body +
         quit_ok()),
        (['retr', 'uid-a'], greeting_and_login() + scan() + ['expect RETR 1'] + body +
         quit_ok()),
        (['capa'], greeting_and_login() + quit_ok()),
        # The report comes after QUIT committed what was asked, and only that.
        (['delete', 'uid-a'], greeting_and_login() + scan() + ['expect DELE 1', 'send +OK'] +
         quit_ok()),
    ]
    for args, lines in cases:
        r, rc, err = run_into_closed_pipe(args, lines)
        check_eq(r.rc, 1, '%s into a closed pipe: exit 1' % ' '.join(args), r)
        check_eq(r.stderr, '', '%s: nothing on stderr' % ' '.join(args), r)
        transcript_ok(rc, err, r)
    check(not os.path.exists(state), 'check: nothing remembered as seen', state)
    os.rmdir(os.path.dirname(state))


def main():
    if not BIN or not FAKE:
        print('usage: test-cli-safety.py MAILPEEK-CLI FAKE-POP3.PY', file=sys.stderr)
        return 2
    return run_tests([
        ('stdout closed: top connects to nothing', test_closed_stdout_top),
        ('stdout closed: list, delete connect to nothing', test_closed_stdout_list_delete),
        ('stderr closed: --trace does not reach the server', test_closed_stderr_trace),
        ('stdin closed', test_closed_stdin),
        ('a UIDL that looks like a number', test_uidl_like_a_number),
        ('#N is no message number', test_hash_number_is_no_number),
        ('--number N', test_number_option),
        ('--number: usage errors', test_number_option_usage),
        ('password in an invalid URL', test_password_in_invalid_url),
        ('password echoed by the server', test_password_in_server_reply),
        ('list into a pipe closed after one line', test_list_into_closed_pipe),
        ('every command into a closed pipe', test_closed_pipe_every_command),
    ])


if __name__ == '__main__':
    sys.exit(main())
