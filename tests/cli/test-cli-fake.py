#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli against the scripted fake server (faults Dovecot cannot produce).

    test-cli-fake.py PATH/TO/mailpeek-cli PATH/TO/fake-pop3.py

Each test runs one fake-pop3.py with a script, runs the CLI against it, and checks the
CLI's exit status and words as well as the fake server's verdict on the transcript.
Prints TAP.
"""

import hashlib
import json
import os
import ssl
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
FAKE = sys.argv[2] if len(sys.argv) > 2 else None
PASSWORD = 'secret'

CAPS = ['USER', 'UIDL', 'TOP', 'RESP-CODES']


def greeting_and_login(caps=CAPS, capa=True, pass_reply='+OK logged in'):
    lines = ['send +OK fake POP3 ready', 'expect CAPA']
    if capa:
        lines += ['send +OK'] + ['send ' + c for c in caps] + ['send .']
    else:
        lines += ['send -ERR unknown command']
    lines += ['expect USER alice', 'send +OK', 'expect PASS ' + PASSWORD, 'send ' + pass_reply]
    if pass_reply.startswith('+OK'):
        lines += ['expect CAPA']
        if capa:
            lines += ['send +OK'] + ['send ' + c for c in caps] + ['send .']
        else:
            lines += ['send -ERR unknown command']
    return lines


MESSAGES = [
    # number, uidl, size, headers
    (1, 'uid-a', 1200, ['From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.org>',
                        'Subject: tab\there', 'Date: Fri, 01 Mar 2024 11:00:00 +0100']),
    (2, 'uid-b', 3400, ['From: bob@example.org', 'Subject: =?ISO-8859-1?Q?caf=E9?= "quoted"',
                        'Date: Sat, 02 Mar 2024 08:30:00 -0500',
                        'Content-Type: multipart/mixed; boundary=x']),
]
EXPECTED_ROWS = [
    '1\tuid-a\t1200\t2024-03-01T10:00:00Z\tJörg <joerg@example.org>\ttab here',
    '2\tuid-b\t3400\t2024-03-02T13:30:00Z\tbob@example.org\tcafé "quoted"',
]


STAT = ['expect STAT', 'send +OK %d %d' % (len(MESSAGES), sum(m[2] for m in MESSAGES))]


def scan(uidl=True):
    lines = STAT + ['expect LIST', 'send +OK %d messages' % len(MESSAGES)]
    lines += ['send %d %d' % (n, size) for n, _, size, _ in MESSAGES] + ['send .']
    lines += ['expect UIDL']
    if uidl:
        lines += ['send +OK'] + ['send %d %s' % (n, u) for n, u, _, _ in MESSAGES] + ['send .']
    else:
        lines += ['send -ERR UIDL not supported']
    return lines


def top(n, headers):
    return ['expect TOP %d 0' % n, 'send +OK'] + ['send ' + h for h in headers] + \
        ['send ', 'send .']


def all_tops():
    out = []
    for n, _, _, headers in MESSAGES:
        out += top(n, headers)
    return out


def quit_ok():
    return ['expect QUIT', 'send +OK bye']


_CERT = None


def test_cert():
    """A throw-away self-signed certificate for 127.0.0.1: (cert, key, sha256 hex)."""
    global _CERT
    if _CERT is None:
        d = tempfile.mkdtemp(prefix='mp-cli-fake-cert-')
        cert, key = os.path.join(d, 'cert.pem'), os.path.join(d, 'key.pem')
        try:
            subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                            '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
                            '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=60)
        except (OSError, subprocess.CalledProcessError) as e:
            raise Skip('openssl cannot make a test certificate: %s' % e)
        with open(cert, encoding='ascii') as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        _CERT = (cert, key, hashlib.sha256(der).hexdigest())
    return _CERT


class Fake:
    def __init__(self, lines, tls=None, implicit=True):
        script = '\n'.join(lines) + '\n'
        argv = [sys.executable, FAKE]
        if tls:
            argv += ['--tls' if implicit else '--stls', tls[0], tls[1]]
        argv += ['-']
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.proc.stdin.write(script.encode('utf-8'))
        self.proc.stdin.close()
        self.proc.stdin = None   # communicate() must not touch it again
        line = self.proc.stdout.readline().decode()
        check(line.startswith('PORT '), 'fake server printed its port', line)
        self.port = int(line.split()[1])

    def url(self, scheme='pop3'):
        return '%s://alice@127.0.0.1:%d' % (scheme, self.port)

    def finish(self):
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err.decode('utf-8', 'replace')


def run(lines, *args, timeout_s='5', extra=()):
    fake = Fake(lines)
    c = Cli(BIN, PASSWORD)
    try:
        r = c.run('--starttls=never', '--allow-plaintext-password', '--auth', 'user',
                  '--timeout', timeout_s, *extra, args[0], fake.url(), *args[1:])
    finally:
        c.cleanup()
    rc, err = fake.finish()
    return r, rc, err


def transcript_ok(rc, err, r):
    check_eq(rc, 0, 'fake server saw the expected transcript: %s' % err.strip(), r)


# ------------------------------------------------------------------ tests

def test_list():
    r, rc, err = run(greeting_and_login() + scan() + all_tops() + quit_ok(), 'list')
    check_eq(r.rc, 0, 'list exits 0', r)
    check_eq(r.stdout.splitlines(), EXPECTED_ROWS, 'list output')
    transcript_ok(rc, err, r)


def test_list_quit_with_tops():
    # With PIPELINING, QUIT goes out right behind the last TOP (a listing has
    # nothing to commit, and it saves QUIT's round trip): this server reads
    # every TOP and QUIT before it answers any, so a client that waited would
    # time out. A refused QUIT still leaves the listing a success.
    caps = CAPS + ['PIPELINING']
    tops = ['expect TOP %d 0' % n for n, _, _, _ in MESSAGES] + ['expect QUIT']
    for reply, what in (('send +OK bye', 'acknowledged'), ('send -ERR later', 'refused')):
        replies = []
        for n, _, _, headers in MESSAGES:
            replies += ['send +OK'] + ['send ' + h for h in headers] + ['send ', 'send .']
        # Pipelined, LIST+UIDL cost what STAT would: no STAT.
        lines = greeting_and_login(caps) + scan()[len(STAT):] + tops + replies + \
            [reply, 'expect-eof']
        r, rc, err = run(lines, 'list')
        check_eq(r.rc, 0, 'list exits 0 (QUIT %s)' % what, r)
        check_eq(r.stdout.splitlines(), EXPECTED_ROWS, 'list output (QUIT %s)' % what, r)
        transcript_ok(rc, err, r)


def test_list_json():
    r, rc, err = run(greeting_and_login() + scan() + all_tops() + quit_ok(), 'list', '--json')
    check_eq(r.rc, 0, 'list --json exits 0', r)
    arr = json.loads(r.stdout)
    check_eq([o['subject'] for o in arr], ['tab here', 'café "quoted"'], 'json subjects (the mail layer folds the tab)')
    check_eq([o['attachments'] for o in arr], [False, True], 'attachment hints')
    check_eq(arr[1]['date'], '2024-03-02T13:30:00Z', 'json date')
    check_eq([o['headers_truncated'] for o in arr], [False, False], 'headers not truncated')
    transcript_ok(rc, err, r)


def test_list_huge_header():
    # A sender pads the header block past the 256 KiB a summary reads to hide who
    # the message is from: padding after the fields (the line across the cap cut
    # in its name), or before them.
    head = ['From: Mallory <m@evil.example>', 'Subject: Hidden sender',
            'Date: Mon, 01 Apr 2024 10:00:00 +0000']
    pad = ['X-Pad-%05d: %s' % (i, 'a' * 61) for i in range(4000)]
    check_eq(sum(len(h) + 2 for h in head + pad[:3448]) + 1, 256 * 1024, 'cap falls after "X"')
    for headers in (head + pad, pad + head):
        size = sum(len(h) + 2 for h in headers) + 2
        lines = greeting_and_login() + \
            ['expect STAT', 'send +OK 1 %d' % size, 'expect LIST', 'send +OK',
             'send 1 %d' % size, 'send .', 'expect UIDL', 'send +OK', 'send 1 uid-big',
             'send .'] + top(1, headers)
        r, rc, err = run(lines + quit_ok(), 'list')
        check_eq(r.stdout, '1\tuid-big\t%d\t2024-04-01T10:00:00Z\tMallory <m@evil.example>\t'
                 'Hidden sender\n' % size, 'list shows the sender', r)
        transcript_ok(rc, err, r)
        r, rc, err = run(lines + quit_ok(), 'list', '--json')
        obj = json.loads(r.stdout)[0]
        check_eq((obj['from'], obj['subject'], obj['date'], obj['headers_truncated']),
                 ('Mallory <m@evil.example>', 'Hidden sender', '2024-04-01T10:00:00Z', True),
                 'list --json: the fields, marked truncated', r)
        transcript_ok(rc, err, r)


def test_delete_connection_dropped():
    lines = greeting_and_login() + scan() + ['expect DELE 2', 'send +OK marked',
                                             'expect QUIT', 'close']
    r, rc, err = run(lines, 'delete', 'uid-b')
    check_eq(r.rc, 7, 'dropped before QUIT reply: exit 7', r)
    check('Nothing was deleted' in r.stderr, 'says nothing was deleted', r)
    transcript_ok(rc, err, r)


def test_delete_ok():
    lines = greeting_and_login() + scan() + ['expect DELE 1', 'send +OK',
                                             'expect DELE 2', 'send +OK'] + quit_ok()
    r, rc, err = run(lines, 'delete', 'uid-a', '--number', '2', 'uid-a')
    check_eq(r.rc, 0, 'delete acknowledged by QUIT: exit 0', r)
    check('Deleted 2 messages' in r.stdout, 'reports the deletions', r)
    transcript_ok(rc, err, r)


def test_delete_refused():
    lines = greeting_and_login() + scan() + ['expect DELE 1', 'send -ERR message locked',
                                             'expect-eof']
    r, rc, err = run(lines, 'delete', 'uid-a')
    check_eq(r.rc, 7, 'refused DELE: exit 7', r)
    check('Nothing was deleted' in r.stderr, 'says nothing was deleted', r)
    transcript_ok(rc, err, r)


def test_delete_unknown_uidl_sends_no_dele():
    lines = greeting_and_login() + scan() + quit_ok()
    r, rc, err = run(lines, 'delete', 'uid-a', 'uid-zzz')
    check_eq(r.rc, 1, 'unknown UIDL: exit 1', r)
    check('Nothing was deleted' in r.stderr and 'uid-zzz' in r.stderr, 'explains', r)
    transcript_ok(rc, err, r)


def test_hang_at_greeting():
    r, rc, err = run(['hang'], 'list', timeout_s='2')
    check_eq(r.rc, 6, 'silent server: timeout exit 6', r)
    check(r.elapsed < 10, 'gave up within the --timeout bound (%.1fs)' % r.elapsed, r)
    check('2 seconds' in r.stderr, 'names the timeout', r)
    transcript_ok(rc, err, r)


def test_hang_mid_listing():
    lines = greeting_and_login() + STAT + ['expect LIST', 'send +OK', 'send 1 100', 'hang']
    r, rc, err = run(lines, 'list', timeout_s='2')
    check_eq(r.rc, 6, 'server stops mid-listing: exit 6', r)
    check(r.elapsed < 10, 'within the bound (%.1fs)' % r.elapsed, r)
    transcript_ok(rc, err, r)


def slow_bound(seconds):
    """Upper time bound: sanitizer builds (MP_SANITIZER) run about 3x slower."""
    return seconds * 3 if os.environ.get('MP_SANITIZER') else seconds


def test_speed_limit_dripped_greeting():
    # One byte every 0.5 s is never silent for --timeout, but far below 10 bytes/s.
    lines = ['drip 0.5 +OK this greeting takes twenty seconds to arrive', 'expect-eof']
    r, rc, err = run(lines, 'list', extra=['--speed-limit', '10', '--speed-time', '2'])
    check_eq(r.rc, 6, 'dripping server below --speed-limit: exit 6', r)
    check(1.5 < r.elapsed < slow_bound(2 + 5),
          'gave up after about --speed-time (%.1fs)' % r.elapsed, r)
    check('bytes in the last 2 seconds' in r.stderr, 'says how little came in how long', r)
    transcript_ok(rc, err, r)


def test_max_time_dripped_listing():
    # 4 bytes a second: never silent for --timeout, and the low-speed window (60 s by
    # default) does not close before --max-time ends the listing.
    lines = greeting_and_login() + STAT + [
        'expect LIST', 'send +OK 5 messages',
        'drip 0.25 1 1200\\r\\n2 3400\\r\\n3 5600\\r\\n4 7800\\r\\n5 9000',
        'expect-eof']
    r, rc, err = run(lines, 'list', extra=['--max-time', '3'])
    check_eq(r.rc, 6, 'LIST dripped past --max-time: exit 6', r)
    check(2.5 < r.elapsed < slow_bound(3 + 5), 'gave up after about --max-time (%.1fs)' % r.elapsed, r)
    check('longer than 3 seconds' in r.stderr, 'names the limit', r)
    transcript_ok(rc, err, r)


def test_healthy_transfer_not_cut():
    # ~2 s of bursts at ~200 KB/s with pauses: far above --speed-limit, longer than
    # --speed-time, so every low-speed window is checked and passes.
    body = ['send +OK']
    for burst in range(5):
        body += ['repeat 2000 burst %d line {i}: padding padding padding padding' % burst,
                 'sleep 0.4']
    body += ['send .']
    lines = greeting_and_login() + scan() + ['expect RETR 1'] + body + quit_ok()
    r, rc, err = run(lines, 'retr', 'uid-a',
                     extra=['--speed-limit', '1000', '--speed-time', '1', '--max-time', '60'])
    check_eq(r.rc, 0, 'healthy transfer: exit 0', r)
    check_eq(len(r.stdout_bytes.splitlines()), 10000, 'the whole message arrived', r)
    transcript_ok(rc, err, r)


def test_deadline_options_validated():
    c = Cli(BIN, PASSWORD)
    try:
        for args in (['--max-time', '0'], ['--speed-limit', '0'], ['--speed-time', '0'],
                     ['--max-time', 'soon']):
            r = c.run(*args, 'capa', 'pop3s://alice@127.0.0.1:1')
            check_eq(r.rc, 2, '%s: usage error' % ' '.join(args), r)
    finally:
        c.cleanup()


def test_in_use():
    lines = greeting_and_login(pass_reply='-ERR [IN-USE] Mailbox is locked\\x1b[2J by another')
    r, rc, err = run(lines + ['expect-eof'], 'list', extra=['--trace'])
    check_eq(r.rc, 5, 'IN-USE: exit 5', r)
    check('in use' in r.stderr.lower(), 'says the mailbox is in use', r)
    check('\x1b' not in r.stderr, 'server text reaches the terminal without controls', r)
    transcript_ok(rc, err, r)


def test_login_delay():
    lines = greeting_and_login(pass_reply='-ERR [LOGIN-DELAY] Wait 5 minutes between logins')
    r, rc, err = run(lines + ['expect-eof'], 'list')
    check_eq(r.rc, 5, 'LOGIN-DELAY: exit 5', r)
    check('try again later' in r.stderr.lower(), 'says to try later', r)
    transcript_ok(rc, err, r)


def test_auth_failed():
    lines = greeting_and_login(pass_reply='-ERR [AUTH] Authentication failed')
    r, rc, err = run(lines + ['expect-eof'], 'list')
    check_eq(r.rc, 4, 'rejected password: exit 4', r)
    check(PASSWORD not in r.stderr, 'password not echoed', r)
    transcript_ok(rc, err, r)


def test_no_capa():
    lines = greeting_and_login(capa=False) + scan() + all_tops() + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 0, 'server without CAPA still works', r)
    check_eq(r.stdout.splitlines(), EXPECTED_ROWS, 'list output without CAPA')
    transcript_ok(rc, err, r)


def test_no_uidl_list():
    lines = greeting_and_login(caps=['USER', 'TOP']) + scan(uidl=False) + all_tops() + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 0, 'list without UIDL works', r)
    check('UIDL' in r.stderr, 'warns that there is no UIDL', r)
    check_eq([ln.split('\t')[1] for ln in r.stdout.splitlines()], ['', ''], 'empty UIDL column')
    transcript_ok(rc, err, r)


def test_no_uidl_check():
    lines = greeting_and_login(caps=['USER', 'TOP']) + scan(uidl=False) + quit_ok()
    fake = Fake(lines)
    c = Cli(BIN, PASSWORD)
    try:
        r = c.run('--starttls=never', '--allow-plaintext-password', '--auth', 'user',
                  'check', fake.url(), '--state', c.path('state.txt'))
        state_written = os.path.exists(c.path('state.txt'))
    finally:
        c.cleanup()
    rc, err = fake.finish()
    check_eq(r.rc, 5, 'check without UIDL: exit 5', r)
    check('does not support UIDL' in r.stderr, 'clear message', r)
    check(not state_written, 'no state written')
    transcript_ok(rc, err, r)


def test_no_top():
    lines = greeting_and_login(caps=['USER', 'UIDL']) + scan() + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 5, 'no TOP: exit 5', r)
    check('does not support TOP' in r.stderr, 'clear message', r)
    transcript_ok(rc, err, r)


def test_no_capa_top_refused():
    lines = greeting_and_login(capa=False) + scan() + \
        ['expect TOP 1 0', 'send -ERR unknown command'] + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 5, 'TOP refused: exit 5', r)
    check('TOP' in r.stderr, 'names TOP', r)
    transcript_ok(rc, err, r)


def test_garbage_greeting():
    r, rc, err = run(['send HELLO I am not POP3', 'expect-eof'], 'list')
    check_eq(r.rc, 5, 'garbage greeting: exit 5', r)
    transcript_ok(rc, err, r)


def test_garbage_listing():
    lines = greeting_and_login() + STAT + ['expect LIST', 'send +OK', 'send one hundred', 'send .',
                                    'expect UIDL', 'send +OK', 'send .'] + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 5, 'garbage in LIST: exit 5', r)
    check('LIST' in r.stderr, 'names the command', r)
    transcript_ok(rc, err, r)


def test_overlong_status_line():
    r, rc, err = run(['send +OK ' + 'A' * 200000, 'expect-eof'], 'list')
    check_eq(r.rc, 5, 'over-long greeting: exit 5', r)
    transcript_ok(rc, err, r)


def test_overlong_body_line():
    lines = greeting_and_login() + scan() + \
        ['expect TOP 1 0', 'send +OK', 'send Subject: ' + 'x' * (5 * 1024 * 1024), 'send .']
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 5, 'over-long header line: exit 5', r)
    check(r.stdout == '', 'nothing half-printed', r)


def run_check(lines, state):
    fake = Fake(lines)
    c = Cli(BIN, PASSWORD)
    try:
        r = c.run('--starttls=never', '--allow-plaintext-password', '--auth', 'user',
                  'check', fake.url(), '--state', state)
    finally:
        c.cleanup()
    rc, err = fake.finish()
    return r, rc, err


def test_top_refused_for_one_message():
    n1, n2 = MESSAGES
    lines = greeting_and_login() + scan() + top(1, n1[3]) + \
        ['expect TOP 2 0', 'send -ERR no such message'] + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 0, 'list goes on', r)
    check_eq(r.stdout.splitlines(), EXPECTED_ROWS[:1], 'the readable message is listed', r)
    check('message 2' in r.stderr, 'the other is named on stderr', r)
    transcript_ok(rc, err, r)
    # check: the unreadable message is not marked as seen, so it comes again.
    state = os.path.join(tempfile.mkdtemp(prefix='mp-cli-fake-'), 'state.txt')
    r, rc, err = run_check(lines, state)
    check_eq(r.rc, 0, 'check goes on', r)
    transcript_ok(rc, err, r)
    with open(state, encoding='utf-8') as f:
        saved = f.read().splitlines()
    check('uid-a' in saved and 'uid-b' not in saved, 'only the shown message is seen', saved)
    lines = greeting_and_login() + scan() + all_tops()[len(top(1, n1[3])):] + quit_ok()
    r, rc, err = run_check(lines, state)
    check_eq(r.stdout.splitlines(), EXPECTED_ROWS[1:], 'it is new on the next check', r)
    transcript_ok(rc, err, r)
    os.unlink(state)
    os.rmdir(os.path.dirname(state))


def test_empty_mailbox():
    r, rc, err = run(greeting_and_login() + ['expect STAT', 'send +OK 0 0'] + quit_ok(),
                     'list', '--json')
    check_eq(r.rc, 0, 'empty mailbox: exit 0', r)
    check_eq(json.loads(r.stdout), [], 'empty array', r)
    transcript_ok(rc, err, r)


def test_empty_mailbox_pipelined():
    # Pipelined, no STAT: the empty LIST and UIDL say it, in the same round trip.
    lines = greeting_and_login(CAPS + ['PIPELINING']) + \
        ['expect LIST', 'expect UIDL', 'send +OK 0 messages', 'send .', 'send +OK', 'send .'] + \
        quit_ok()
    r, rc, err = run(lines, 'list', '--json')
    check_eq(r.rc, 0, 'empty mailbox (pipelined): exit 0', r)
    check_eq(json.loads(r.stdout), [], 'empty array', r)
    transcript_ok(rc, err, r)


def test_binary_garbage_top():
    lines = greeting_and_login() + scan() + \
        ['expect TOP 1 0', 'send +OK', 'send-raw Subject: \\xff\\xfe\\x00\\x01\\r\\n\\r\\n',
         'send .', 'expect TOP 2 0', 'send +OK',
         'send Subject: \\x1b[2J\\x1b]0;title\\x07\\xc2\\x9b31m red', 'send ', 'send .'] + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 0, 'binary header bytes do not stop the list', r)
    rows = r.stdout.splitlines()
    check_eq(len(rows), 2, 'two rows', r)
    check(all(len(x.split('\t')) == 6 for x in rows), 'rows keep 6 fields', r)
    check(not any(c in r.stdout for c in '\x1b\x07\x9b'), 'no terminal controls printed', r)
    check(rows[1].endswith('red'), 'the readable part of the subject stays', r)
    transcript_ok(rc, err, r)


def test_closed_mid_session():
    lines = greeting_and_login() + STAT + ['expect LIST', 'send +OK', 'send 1 100', 'close']
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 3, 'connection lost: exit 3', r)
    transcript_ok(rc, err, r)


def test_top_and_retr_unstuffed():
    body = ['send +OK', 'send From: a@example.org', 'send Subject: dots', 'send ',
            'send ..leading dot', 'send plain line', 'send .']
    lines = greeting_and_login() + scan() + ['expect RETR 1'] + body + quit_ok()
    r, rc, err = run(lines, 'retr', 'uid-a')
    check_eq(r.rc, 0, 'retr exits 0', r)
    check_eq(r.stdout_bytes,
             b'From: a@example.org\r\nSubject: dots\r\n\r\n.leading dot\r\nplain line\r\n',
             'retr bytes: unstuffed, CRLF line ends')
    transcript_ok(rc, err, r)
    lines = greeting_and_login() + scan() + ['expect TOP 1 5'] + body + quit_ok()
    r, rc, err = run(lines, 'top', 'uid-a', '5')
    check_eq(r.rc, 0, 'top exits 0', r)
    check('Subject: dots' in r.stdout and '.leading dot' in r.stdout
          and '..leading' not in r.stdout, 'top shows the unstuffed text', r)
    transcript_ok(rc, err, r)


def test_top_flowed():
    """format=flowed (RFC 3676) reaches `top` decoded: soft breaks joined, quotes kept
    apart by depth, the signature separator on its own line."""
    body = ['send +OK', 'send From: a@example.org', 'send Subject: flowed',
            'send Content-Type: text/plain; charset=utf-8; format=flowed', 'send ',
            'send A paragraph the sender wrapped at 72 ', 'send columns flows again.',
            'send > quoted and ', 'send > joined', 'send >> deeper', 'send  From stuffed',
            'send Bye ', 'send -- ', 'send Alice', 'send .']
    text = ('A paragraph the sender wrapped at 72 columns flows again.\n'
            '> quoted and joined\n>> deeper\nFrom stuffed\nBye \n-- \nAlice\n')
    lines = greeting_and_login() + scan() + ['expect TOP 1 50'] + body + quit_ok()
    r, rc, err = run(lines, 'top', 'uid-a')
    check_eq(r.rc, 0, 'top exits 0', r)
    check(r.stdout.endswith('\n\n' + text), 'top shows the text unflowed', r)
    transcript_ok(rc, err, r)
    r, rc, err = run(lines, 'top', 'uid-a', '--json')
    check_eq(r.rc, 0, 'top --json exits 0', r)
    check_eq(json.loads(r.stdout)['text'], text, 'top --json text unflowed', r)
    transcript_ok(rc, err, r)


def test_password_not_in_trace():
    lines = greeting_and_login() + scan() + all_tops() + quit_ok()
    r, rc, err = run(lines, 'list', extra=['--trace'])
    check_eq(r.rc, 0, 'list --trace', r)
    check('C: USER alice' in r.stderr, 'trace shows commands', r)
    check(PASSWORD not in r.stderr, 'trace hides the password', r)
    transcript_ok(rc, err, r)


def test_tops_pipelined_from_the_first():
    # A server that lists TOP and PIPELINING gets every TOP at once: the first
    # one alone (needed only to learn that a server without CAPA lacks TOP)
    # would cost a round trip.
    lines = greeting_and_login(caps=CAPS + ['PIPELINING']) + scan()[len(STAT):] + all_tops() + quit_ok()
    r, rc, err = run(lines, 'list', extra=['--trace'])
    check_eq(r.rc, 0, 'list --trace', r)
    check_eq(r.stdout.splitlines(), EXPECTED_ROWS, 'both messages listed', r)
    trace = r.stderr.splitlines()
    first = trace.index('C: TOP 1 0')
    check('C: TOP 2 0' in trace[first:first + 2], 'TOP 2 sent before TOP 1 was answered', r)
    transcript_ok(rc, err, r)


def test_list_tops_before_uidl():
    # With PIPELINING the TOPs go out as soon as LIST's reply is complete: this
    # server answers UIDL only once it has read them and QUIT (a client that
    # waited for UIDL's reply first would time out). Without UIDL the listing
    # still says so before its rows.
    list_reply = ['expect LIST', 'expect UIDL', 'send +OK %d messages' % len(MESSAGES)] + \
        ['send %d %d' % (n, size) for n, _, size, _ in MESSAGES] + ['send .']
    tops = ['expect TOP %d 0' % n for n, _, _, _ in MESSAGES] + ['expect QUIT']
    replies = []
    for n, _, _, headers in MESSAGES:
        replies += ['send +OK'] + ['send ' + h for h in headers] + ['send ', 'send .']
    for uidl in (True, False):
        if uidl:
            uidl_reply = ['send +OK'] + ['send %d %s' % (n, u) for n, u, _, _ in MESSAGES] + \
                ['send .']
        else:
            uidl_reply = ['send -ERR UIDL not supported']
        lines = greeting_and_login(CAPS + ['PIPELINING']) + list_reply + tops + uidl_reply + \
            replies + ['send +OK bye', 'expect-eof']
        r, rc, err = run(lines, 'list')
        check_eq(r.rc, 0, 'list exits 0 (UIDL %s)' % uidl, r)
        if uidl:
            check_eq(r.stdout.splitlines(), EXPECTED_ROWS, 'list output', r)
            check('UIDL' not in r.stderr, 'no warning', r)
        else:
            check('does not support UIDL' in r.stderr, 'warns that there is no UIDL', r)
            check_eq([ln.split('\t')[1] for ln in r.stdout.splitlines()], ['', ''],
                     'empty UIDL column', r)
        transcript_ok(rc, err, r)


def run_secure(lines, args, tls_from_start=False):
    cert, key, _ = test_cert()
    fake = Fake(lines, tls=(cert, key), implicit=tls_from_start)
    c = Cli(BIN, PASSWORD)
    try:
        r = c.run('--timeout', '10', *args[:1], fake.url('pop3s' if tls_from_start else 'pop3'),
                  *args[1:])
    finally:
        c.cleanup()
    rc, err = fake.finish()
    return r, rc, err


def test_starttls():
    cert, _, _ = test_cert()
    caps = ['send +OK', 'send USER', 'send UIDL', 'send TOP', 'send STLS', 'send .']
    lines = ['send +OK fake ready', 'expect CAPA'] + caps + \
        ['expect STLS', 'send +OK go ahead', 'starttls', 'expect CAPA'] + caps + \
        ['expect USER alice', 'send +OK', 'expect PASS ' + PASSWORD, 'send +OK',
         'expect CAPA'] + caps + ['expect STAT', 'send +OK 0 0'] + quit_ok()
    r, rc, err = run_secure(lines, ['list', '--auth', 'user', '--ca-file', cert])
    check_eq(r.rc, 0, 'list over STARTTLS', r)
    transcript_ok(rc, err, r)


def test_starttls_missing():
    lines = ['send +OK fake ready', 'expect CAPA', 'send +OK', 'send USER', 'send .',
             'expect-eof']
    r, rc, err = run_secure(lines, ['list'])
    check_eq(r.rc, 3, 'no STLS offered: exit 3', r)
    check('STARTTLS' in r.stderr, 'says STARTTLS is missing', r)
    transcript_ok(rc, err, r)


def test_starttls_injection():
    cert, _, _ = test_cert()
    lines = ['send +OK fake ready', 'expect CAPA', 'send +OK', 'send STLS', 'send .',
             'expect STLS', 'send-raw +OK begin\\r\\n+OK injected\\r\\n', 'expect-eof']
    r, rc, err = run_secure(lines, ['list', '--ca-file', cert])
    check(r.rc in (3, 5), 'data injected before the TLS handshake is refused', r)
    transcript_ok(rc, err, r)


def test_tls_untrusted():
    _, _, sha = test_cert()
    r, rc, err = run_secure(['send +OK fake ready'], ['capa'], tls_from_start=True)
    check_eq(r.rc, 3, 'untrusted certificate: exit 3', r)
    check(sha in r.stderr.lower().replace(':', ''), 'fingerprint shown', r)
    cert, _, _ = test_cert()
    lines = ['send +OK fake ready', 'expect CAPA', 'send +OK', 'send USER', 'send .',
             'expect USER alice', 'send +OK', 'expect PASS ' + PASSWORD, 'send +OK',
             'expect CAPA', 'send +OK', 'send USER', 'send .'] + quit_ok()
    r, rc, err = run_secure(lines, ['capa', '--pin-sha256', sha], tls_from_start=True)
    check_eq(r.rc, 0, 'pinned certificate accepted', r)
    check_eq(r.stdout, 'USER\n', 'capabilities printed', r)
    transcript_ok(rc, err, r)


def closed_port():
    """A local port nothing listens on (bound, then released)."""
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_offline(*args):
    """Runs the CLI against a closed port: anything that tries to connect exits 3."""
    c = Cli(BIN, PASSWORD)
    try:
        return c.run(*args)
    finally:
        c.cleanup()


def test_fast_failure_exit_status():
    # The engine loads the CA store on a helper thread; a connection refused at once
    # used to exit while it ran and crash in OpenSSL's exit handlers (status 139).
    port = closed_port()
    codes = [run_offline('--timeout', '5', 'capa', 'pop3s://alice@127.0.0.1:%d' % port).rc
             for _ in range(20)]
    check_eq(set(codes), {3}, 'connection refused: always exit 3, never a crash')


def test_ui_wording():
    """The CLI words each error with the window's sentence for its code
    (src/app/mp-error-text.c), then the engine's message naming host, port and
    problem; exit codes unchanged."""
    port = closed_port()
    r = run_offline('--timeout', '5', 'capa', 'pop3s://alice@127.0.0.1:%d' % port)
    check_eq(r.rc, 3, 'refused: exit 3', r)
    check('Could not reach the mail server' in r.stderr, 'refused: the window\'s sentence', r)
    check('127.0.0.1' in r.stderr and str(port) in r.stderr, 'refused: names host and port', r)
    lines = greeting_and_login(pass_reply='-ERR [AUTH] Authentication failed')
    r, rc, err = run(lines + ['expect-eof'], 'list')
    check_eq(r.rc, 4, 'auth: exit 4', r)
    check('The server did not accept the user name or password' in r.stderr,
          'auth: the window\'s sentence', r)
    check('Authentication failed' in r.stderr, 'auth: the server\'s words', r)
    check(r.stderr.lower().count('user name or password') == 1, 'auth: said once', r)
    lines = greeting_and_login(pass_reply='-ERR [IN-USE] Mailbox is locked')
    r, rc, err = run(lines + ['expect-eof'], 'list')
    check_eq(r.rc, 5, 'IN-USE: exit 5', r)
    check('The mailbox is busy' in r.stderr and 'Mailbox is locked' in r.stderr,
          'IN-USE: the window\'s sentence and the server\'s words', r)
    check('Mailpeek will try' not in r.stderr, 'IN-USE: promises no retry the CLI does not do', r)
    _, _, sha = test_cert()
    r, rc, err = run_secure(['send +OK fake ready'], ['capa'], tls_from_start=True)
    check('The server’s certificate is not trusted' in r.stderr,
          'certificate: the window\'s sentence', r)


def test_hash_uidl():
    # A name is always a UIDL (RFC 1939 allows '#' in one); a number needs --number.
    uidls = ['uid-a', '#x9']
    scan_lines = STAT + ['expect LIST', 'send +OK', 'send 1 1200', 'send 2 3400', 'send .',
                         'expect UIDL', 'send +OK'] + \
        ['send %d %s' % (i + 1, u) for i, u in enumerate(uidls)] + ['send .']
    body = ['send +OK', 'send Subject: hash', 'send ', 'send text', 'send .']
    for name, number in ((['#x9'], 2), (['--number', '1'], 1)):
        lines = greeting_and_login() + scan_lines + ['expect RETR %d' % number] + body + \
            quit_ok()
        r, rc, err = run(lines, 'retr', *name)
        check_eq(r.rc, 0, 'retr %s exits 0' % name, r)
        check_eq(r.stdout_bytes, b'Subject: hash\r\n\r\ntext\r\n',
                 'retr %s fetched the message' % name, r)
        transcript_ok(rc, err, r)


def test_auth_contradicts_url():
    url = 'pop://alice;AUTH=CRAM-MD5@127.0.0.1:%d' % closed_port()
    r = run_offline('--auth', 'plain', 'capa', url)
    check_eq(r.rc, 2, '--auth against ;AUTH=: usage error before connecting', r)
    check('--auth' in r.stderr and 'AUTH=' in r.stderr, 'names both', r)
    r = run_offline('--auth', 'cram-md5', 'capa', url)
    check_eq(r.rc, 3, 'the same mechanism twice is no contradiction (then: refused)', r)
    r = run_offline('--auth', 'plain', 'capa', 'pop://alice;AUTH=*@127.0.0.1:%d' % closed_port())
    check_eq(r.rc, 3, '--auth may narrow ;AUTH=* (then: refused)', r)


def test_ca_file_missing():
    missing = os.path.join(tempfile.gettempdir(), 'mp-cli-no-such-ca-%d.pem' % os.getpid())
    r = run_offline('--ca-file', missing, 'capa', 'pop3s://alice@127.0.0.1:%d' % closed_port())
    check_eq(r.rc, 1, 'unreadable --ca-file: file error before connecting', r)
    check(missing in r.stderr and 'CA file' in r.stderr, 'names the file', r)


def test_delete_json():
    lines = greeting_and_login() + scan() + ['expect DELE 1', 'send +OK',
                                             'expect DELE 2', 'send +OK'] + quit_ok()
    r, rc, err = run(lines, 'delete', '--json', 'uid-a', 'uid-b')
    check_eq(r.rc, 0, 'delete --json exits 0', r)
    check_eq(json.loads(r.stdout), {'deleted': 2}, 'JSON result', r)
    transcript_ok(rc, err, r)


def test_top_attachment_line():
    body = ['send +OK', 'send From: Ann <ann@example.org>', 'send Subject: report',
            'send MIME-Version: 1.0', 'send Content-Type: multipart/mixed; boundary=b', 'send ',
            'send --b', 'send Content-Type: text/plain', 'send ', 'send see attached', 'send --b',
            'send Content-Type: application/pdf; name=report.pdf',
            'send Content-Disposition: attachment; filename=report.pdf',
            'send Content-Transfer-Encoding: base64', 'send ', 'send JVBERi0xLjQK', 'send --b--',
            'send .']
    lines = greeting_and_login() + scan() + ['expect TOP 2 50'] + body + quit_ok()
    r, rc, err = run(lines, 'top', 'uid-b')
    check_eq(r.rc, 0, 'top exits 0', r)
    out = r.stdout.splitlines()
    check('From: Ann <ann@example.org>' in out and 'Subject: report' in out, 'headers', r)
    check('Size: 3400' in out and 'UIDL: uid-b' in out, 'UIDL and size', r)
    att = [x for x in out if x.startswith('Attachment: ')]
    check_eq(len(att), 1, 'one attachment line', r)
    check(att[0].startswith('Attachment: report.pdf (application/pdf, ')
          and att[0].endswith(' bytes)'), 'attachment: name, type, size', r)
    check('see attached' in out, 'the text follows the headers', r)
    transcript_ok(rc, err, r)


def test_stat_count_over_cap():
    # RFC 1939 sets no limit; Mailpeek's is 1,000,000 messages, and the error says so
    # rather than calling a well-formed reply malformed.
    lines = greeting_and_login() + ['expect STAT', 'send +OK 10000000 123456'] + quit_ok()
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 5, 'too many messages: exit 5', r)
    check('1000000' in r.stderr and 'STAT' in r.stderr, 'names the cap and the command', r)
    check('malformed' not in r.stderr, 'not called malformed', r)
    transcript_ok(rc, err, r)


def scan_uidl_missing_2():
    return STAT + ['expect LIST', 'send +OK'] + \
        ['send %d %d' % (n, size) for n, _, size, _ in MESSAGES] + ['send .',
         'expect UIDL', 'send +OK', 'send 1 uid-a', 'send .']


def test_uidl_incomplete():
    # A UIDL listing without message 2 is a broken reply, not a server without UIDL.
    for args in (['list'], ['delete', 'uid-a'], ['check'], ['retr', 'uid-a'],
                 ['top', 'uid-a']):
        extra = [] if args[0] != 'check' else \
            ['--state', os.path.join(tempfile.mkdtemp(prefix='mp-cli-fake-'), 'state.txt')]
        lines = greeting_and_login() + scan_uidl_missing_2() + quit_ok()
        r, rc, err = run(lines, *args, extra=extra)
        check_eq(r.rc, 5, '%s: incomplete UIDL listing: exit 5' % args[0], r)
        check('UIDL listing is incomplete' in r.stderr and 'message 2' in r.stderr,
              '%s: says the listing is incomplete' % args[0], r)
        check('does not support UIDL' not in r.stderr, '%s: not "no UIDL support"' % args[0], r)
        check_eq(r.stdout, '', '%s: nothing printed' % args[0], r)
        transcript_ok(rc, err, r)


def test_retr_stops_at_unstuffed_dot():
    # The server did not dot-stuff a "." line inside the message: the reply ends
    # there and the rest of the message follows, answering nothing. Already there
    # with the reply, or arriving only after QUIT was sent: either way retr (and
    # top) fail and say the message may be truncated.
    reply = 'send-raw +OK\\r\\nFrom: a@example.org\\r\\n\\r\\nfirst\\r\\n.\\r\\n'
    rest = 'send-raw rest of the message\\r\\n.\\r\\n'
    for verb, args in (('RETR 1', ['retr', 'uid-a']), ('TOP 1 5', ['top', 'uid-a', '5'])):
        for late in (False, True):
            lines = greeting_and_login() + scan() + ['expect ' + verb]
            if late:
                lines += [reply, 'expect QUIT', rest]
            else:
                lines += [reply + rest[len('send-raw '):]]
            r, rc, err = run(lines, *args)
            what = '%s (%s)' % (args[0], 'late' if late else 'with the reply')
            check_eq(r.rc, 5, '%s: exit 5' % what, r)
            check('truncated' in r.stderr, '%s: says the message may be truncated' % what, r)
            check_eq(r.stdout, '', '%s: the cut message is not printed' % what, r)
            transcript_ok(rc, err, r)


def test_list_check_cut_at_quit():
    # The rest of the last header block comes only as "QUIT's reply": list and check
    # fail (exit 5) rather than ignore it; check does not remember the messages.
    lines = greeting_and_login() + scan() + all_tops() + \
        ['expect QUIT', 'send-raw X-Rest: of the headers\\r\\n.\\r\\n']
    r, rc, err = run(lines, 'list')
    check_eq(r.rc, 5, 'list: exit 5', r)
    check('invalid reply' in r.stderr, 'list: says why', r)
    transcript_ok(rc, err, r)
    state = os.path.join(tempfile.mkdtemp(prefix='mp-cli-fake-'), 'state.txt')
    r, rc, err = run(lines, 'check', extra=['--state', state])
    check_eq(r.rc, 5, 'check: exit 5', r)
    check(not os.path.exists(state), 'check: no state written', r)
    transcript_ok(rc, err, r)


def main():
    if not BIN or not FAKE:
        print('usage: test-cli-fake.py MAILPEEK-CLI FAKE-POP3.PY', file=sys.stderr)
        return 2
    return run_tests([
        ('list', test_list),
        ('list --json', test_list_json),
        ('list: QUIT goes with the TOPs', test_list_quit_with_tops),
        ('list: empty mailbox, pipelined', test_empty_mailbox_pipelined),
        ('list: header block over the cap', test_list_huge_header),
        ('delete: dropped before QUIT reply', test_delete_connection_dropped),
        ('delete: acknowledged', test_delete_ok),
        ('delete: DELE refused', test_delete_refused),
        ('delete: unknown UIDL sends no DELE', test_delete_unknown_uidl_sends_no_dele),
        ('timeout: hang at greeting', test_hang_at_greeting),
        ('timeout: hang mid-listing', test_hang_mid_listing),
        ('low speed: dripped greeting', test_speed_limit_dripped_greeting),
        ('max time: dripped listing', test_max_time_dripped_listing),
        ('max time, low speed: healthy transfer not cut', test_healthy_transfer_not_cut),
        ('max time, low speed: options validated', test_deadline_options_validated),
        ('IN-USE', test_in_use),
        ('errors worded as in the window', test_ui_wording),
        ('LOGIN-DELAY', test_login_delay),
        ('authentication failed', test_auth_failed),
        ('no CAPA', test_no_capa),
        ('no UIDL: list', test_no_uidl_list),
        ('no UIDL: check', test_no_uidl_check),
        ('no TOP', test_no_top),
        ('no CAPA, TOP refused', test_no_capa_top_refused),
        ('garbage greeting', test_garbage_greeting),
        ('garbage listing', test_garbage_listing),
        ('over-long status line', test_overlong_status_line),
        ('over-long body line', test_overlong_body_line),
        ('binary header bytes', test_binary_garbage_top),
        ('empty mailbox', test_empty_mailbox),
        ('TOP refused for one message', test_top_refused_for_one_message),
        ('connection closed mid-session', test_closed_mid_session),
        ('retr/top unstuffed', test_top_and_retr_unstuffed),
        ('top decodes format=flowed', test_top_flowed),
        ('trace hides the password', test_password_not_in_trace),
        ('TOPs pipelined from the first', test_tops_pipelined_from_the_first),
        ('TOPs go out before UIDL is answered', test_list_tops_before_uidl),
        ('STARTTLS', test_starttls),
        ('STARTTLS missing', test_starttls_missing),
        ('STARTTLS response injection', test_starttls_injection),
        ('implicit TLS: untrusted and pinned', test_tls_untrusted),
        ('fast failure: exit status, no crash', test_fast_failure_exit_status),
        ('#x9 is a UIDL, --number 1 a number', test_hash_uidl),
        ('--auth contradicting ;AUTH=', test_auth_contradicts_url),
        ('--ca-file missing', test_ca_file_missing),
        ('delete --json', test_delete_json),
        ('top: attachment line', test_top_attachment_line),
        ('STAT: count over the cap', test_stat_count_over_cap),
        ('incomplete UIDL listing', test_uidl_incomplete),
        ('retr/top: unstuffed dot ends the message early', test_retr_stops_at_unstuffed_dot),
        ('list/check: data at QUIT is not ignored', test_list_check_cut_at_quit),
    ])


if __name__ == '__main__':
    sys.exit(main())
