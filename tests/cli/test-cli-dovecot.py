#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli against a real Dovecot (run under tests/harness/with-dovecot.py).

    with-dovecot.py -- test-cli-dovecot.py PATH/TO/mailpeek-cli

Prints TAP.  The tests share one Dovecot and run in order: the read-only ones first,
then check (which delivers a message) and delete (which removes some).
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
E = os.environ
ROW_KEYS = {'num', 'uidl', 'size', 'date', 'from', 'subject', 'attachments', 'headers_truncated'}


def need_env():
    for var in ('MP_TEST_HOST', 'MP_TEST_POP3S_PORT', 'MP_TEST_POP3_PORT', 'MP_TEST_PASSWORD',
                'MP_TEST_MANIFEST', 'MP_TEST_CA_FILE', 'MP_TEST_CERT_SHA256'):
        if not E.get(var):
            raise Skip('%s not set (not running under with-dovecot.py)' % var)


def cli(password=True):
    return Cli(BIN, E.get('MP_TEST_PASSWORD') if password else None)


def pop3s(user=None, host=None):
    return 'pop3s://%s@%s:%s' % (user or E['MP_TEST_USER'], host or E['MP_TEST_HOST'],
                                 E['MP_TEST_POP3S_PORT'])


def pop3(user=None):
    return 'pop3://%s@%s:%s' % (user or E['MP_TEST_USER'], E['MP_TEST_HOST'],
                                E['MP_TEST_POP3_PORT'])


def ca():
    return ['--ca-file', E['MP_TEST_CA_FILE']]


def manifest():
    with open(E['MP_TEST_MANIFEST'], encoding='utf-8') as f:
        return json.load(f)


def from_display(m):
    return '%s <%s>' % (m['from_name'], m['from_addr']) if m['from_name'] else m['from_addr']


def parse_rows(text):
    rows = []
    for line in text.splitlines():
        fields = line.split('\t')
        check_eq(len(fields), 6, 'list line has 6 tab-separated fields: %r' % line)
        rows.append({'num': int(fields[0]), 'uidl': fields[1], 'size': int(fields[2]),
                     'date': fields[3], 'from': fields[4], 'subject': fields[5]})
    return rows


def ok(r, what):
    check_eq(r.rc, 0, '%s exits 0' % what, r)


# ------------------------------------------------------------------ read-only

def test_capa():
    need_env()
    c = cli()
    r = c.run('capa', pop3s(), *ca())
    ok(r, 'capa')
    caps = r.stdout.split('\n')
    check('UIDL' in caps and 'TOP' in caps, 'capa lists UIDL and TOP', r)
    r = c.run('capa', '--json', pop3(), *ca())
    ok(r, 'capa over STARTTLS')
    obj = json.loads(r.stdout)
    check(obj['encrypted'] is True, 'pop3:// (STARTTLS) session is encrypted', r)
    check('UIDL' in obj['capabilities'], 'json capabilities', r)
    # RFC 2384 URL with a mechanism, and --auth choosing one.
    url = 'pop://%s;AUTH=+APOP@%s:%s' % (E['MP_TEST_USER'], E['MP_TEST_HOST'],
                                         E['MP_TEST_POP3_PORT'])
    r = c.run('capa', '--json', url, *ca())
    ok(r, 'capa with a pop:// URL')
    check_eq(json.loads(r.stdout)['auth'], 'apop', 'AUTH=+APOP in the URL chooses APOP', r)
    for mech in ('user', 'plain', 'login', 'cram-md5'):
        r = c.run('capa', '--json', '--auth', mech, pop3s(), *ca())
        ok(r, 'capa --auth %s' % mech)
        check_eq(json.loads(r.stdout)['auth'], mech, '--auth %s is used' % mech, r)


def test_list_matches_manifest():
    need_env()
    mf = manifest()
    r = cli().run('list', pop3s(), *ca())
    ok(r, 'list')
    rows = parse_rows(r.stdout)
    check_eq(len(rows), len(mf), 'one line per message')
    check_eq([x['num'] for x in rows], list(range(1, len(mf) + 1)), 'numbers in order')
    check_eq(len({x['uidl'] for x in rows}), len(rows), 'UIDLs are unique')
    by_uidl = {x['uidl']: x for x in rows}
    for m in mf:
        row = by_uidl.get(m['uidl'])
        check(row is not None, 'message %s listed' % m['uidl'], r)
        check_eq(row['size'], m['size'], 'size of %s' % m['uidl'])
        check_eq(row['subject'], m['subject'].replace('\t', ' ').replace('\n', ' '),
                 'decoded subject of %s' % m['uidl'])
        check_eq(row['from'], from_display(m), 'decoded From of %s' % m['uidl'])
        check_eq(row['date'], m['date'], 'date of %s' % m['uidl'])


def test_list_json():
    need_env()
    mf = manifest()
    c = cli()
    r = c.run('list', '--json', pop3s(), *ca())
    ok(r, 'list --json')
    arr = json.loads(r.stdout)
    check_eq(len(arr), len(mf), 'json array length')
    text_rows = parse_rows(c.run('list', pop3s(), *ca()).stdout)
    by_uidl = {m['uidl']: m for m in mf}
    for obj, row in zip(arr, text_rows):
        check_eq(set(obj), ROW_KEYS, 'json keys')
        for k in ('num', 'uidl', 'size', 'date', 'from', 'subject'):
            check_eq(obj[k], row[k], 'json %s equals text column' % k)
        m = by_uidl[obj['uidl']]
        check_eq(obj['subject'], m['subject'], 'json subject (unsanitised)')
        if m['attachments']:
            check(obj['attachments'] is True, 'attachments flag of %s' % m['uidl'], obj)


def test_pipeline_off_equals_auto():
    need_env()
    c = cli()
    auto = c.run('list', '--pipeline', 'auto', pop3s(), *ca())
    off = c.run('list', '--pipeline', 'off', pop3s(), *ca())
    two = c.run('list', '--pipeline', '2', pop3s(), *ca())
    ok(auto, 'list --pipeline auto')
    ok(off, 'list --pipeline off')
    ok(two, 'list --pipeline 2')
    check(auto.stdout != '', 'list is not empty')
    check_eq(off.stdout, auto.stdout, 'pipeline off and auto give the same list')
    check_eq(two.stdout, auto.stdout, 'pipeline 2 and auto give the same list')


def test_top_preview():
    need_env()
    c = cli()
    for m in manifest():
        if not m.get('preview_contains'):
            continue
        r = c.run('top', pop3s(), m['uidl'], '400', *ca())
        ok(r, 'top %s' % m['uidl'])
        check(m['preview_contains'] in r.stdout, 'preview of %s shows %r'
              % (m['uidl'], m['preview_contains']), r)
        check('Subject: ' + m['subject'].replace('\n', ' ') in r.stdout,
              'top shows the decoded subject', r)
    m = manifest()[0]
    r = c.run('top', '--json', pop3s(), m['uidl'], *ca())
    ok(r, 'top --json')
    obj = json.loads(r.stdout)
    check_eq(obj['uidl'], m['uidl'], 'top json uidl')
    check_eq(obj['subject'], m['subject'], 'top json subject')
    r = c.run('top', pop3s(), '--number', '1', '0', *ca())
    ok(r, 'top --number 1')
    check('UIDL: ' + m['uidl'] in r.stdout, '--number 1 names the first message', r)


def test_retr():
    need_env()
    c = cli()
    r = c.run('list', pop3s(), *ca())
    ok(r, 'list')
    list_size = {x['uidl']: x['size'] for x in parse_rows(r.stdout)}
    compared = 0
    for m in manifest():
        r = c.run('retr', pop3s(), m['uidl'], *ca())
        ok(r, 'retr %s' % m['uidl'])
        out = r.stdout_bytes
        # The raw message: CRLF line ends, so exactly the LIST size.
        check_eq(len(out), list_size.get(m['uidl']), 'retr size of %s = LIST size' % m['uidl'])
        check_eq(len(out), m['size'], 'retr size of %s = manifest size' % m['uidl'])
        check(out.endswith(b'\r\n') and b'\n' not in out.replace(b'\r\n', b''),
              'retr of %s: every line ends in CRLF' % m['uidl'])
        if m.get('path') and os.path.exists(m['path']):
            with open(m['path'], 'rb') as f:
                # The delivered file has LF line ends (and no CR: tests/harness/gen-mail.py).
                check(f.read().replace(b'\n', b'\r\n') == out,
                      'retr of %s equals the delivered file with CRLF' % m['uidl'])
            compared += 1
    check(compared > 0, 'at least one message compared with its delivered file')


def test_errors_no_server_change():
    need_env()
    c = cli()
    r = c.run('retr', pop3s(), 'no-such-uidl', *ca())
    check_eq(r.rc, 1, 'unknown UIDL exits 1', r)
    check('no-such-uidl' in r.stderr, 'names the UIDL', r)
    r = cli(password=False).run('list', pop3s(), *ca())
    check_eq(r.rc, 2, 'no password is a usage error', r)
    check('MAILPEEK_PASSWORD' in r.stderr, 'says how to give the password', r)
    r = c.run('frobnicate', pop3s())
    check_eq(r.rc, 2, 'unknown command', r)
    r = c.run('list', 'http://example.com/')
    check_eq(r.rc, 2, 'bad URL', r)
    r = c.run('--help')
    check_eq(r.rc, 0, '--help', r)
    check('Exit status' in r.stdout and '7' in r.stdout, '--help documents exit codes', r)
    with open(c.path('pw'), 'w') as f:
        f.write(E['MP_TEST_PASSWORD'] + '\n')
    r = cli(password=False).run('capa', '--password-file', c.path('pw'), pop3s(), *ca())
    ok(r, '--password-file')


def test_empty_mailbox():
    need_env()
    user = E.get('MP_TEST_EMPTY_USER')
    if not user:
        raise Skip('MP_TEST_EMPTY_USER not set')
    c = cli()
    r = c.run('list', pop3s(user), *ca())
    ok(r, 'list of an empty mailbox')
    check_eq(r.stdout, '', 'nothing listed')
    r = c.run('list', '--json', pop3s(user), *ca())
    ok(r, 'list --json of an empty mailbox')
    check_eq(json.loads(r.stdout), [], 'empty json array')


# ------------------------------------------------------------------ security

def test_untrusted_cert():
    need_env()
    c = cli()
    r = c.run('capa', pop3s())
    check_eq(r.rc, 3, 'self-signed certificate refused with exit 3', r)
    check(E['MP_TEST_CERT_SHA256'] in r.stderr.lower().replace(':', ''),
          'stderr shows the SHA-256 fingerprint', r)
    r = c.run('capa', pop3s(), '--pin-sha256', E['MP_TEST_CERT_SHA256'])
    ok(r, 'accepted with --pin-sha256')
    r = c.run('capa', pop3s(), *ca())
    ok(r, 'accepted with --ca-file')
    sha = E['MP_TEST_CERT_SHA256']
    r = c.run('capa', pop3s(), '--pin-sha256', ':'.join(sha[i:i + 2] for i in range(0, 64, 2)))
    ok(r, 'pin with colons accepted')
    r = c.run('capa', pop3s(), '--pin-sha256', '00' * 32)
    check_eq(r.rc, 3, 'a pin of another certificate does not make it trusted', r)
    r = c.run('capa', pop3s(), '--pin-sha256', 'abc')
    check_eq(r.rc, 2, 'malformed pin is a usage error', r)


def test_wrong_host():
    need_env()
    host = E.get('MP_TEST_WRONG_HOST')
    if not host:
        raise Skip('MP_TEST_WRONG_HOST not set')
    r = cli().run('capa', pop3s(host=host), *ca())
    check_eq(r.rc, 3, 'certificate for another name refused with exit 3', r)


def test_plaintext_refused():
    need_env()
    r = cli().run('capa', '--trace', '--starttls=never', '--auth', 'user', pop3(), *ca())
    check_eq(r.rc, 3, 'plaintext password refused with exit 3', r)
    check('--allow-plaintext-password' in r.stderr, 'says how to allow it', r)
    check('C: PASS' not in r.stderr and E['MP_TEST_PASSWORD'] not in r.stderr,
          'no password was sent', r)
    r = cli().run('capa', '--starttls=never', '--auth', 'user', '--allow-plaintext-password',
                  pop3(), *ca())
    ok(r, 'plaintext allowed explicitly')


def test_trace_redacts():
    need_env()
    r = cli().run('capa', '--trace', '--auth', 'plain', pop3s(), *ca())
    ok(r, 'capa --trace')
    check('C: CAPA' in r.stderr or 'C: AUTH' in r.stderr, 'trace shows the dialogue', r)
    check(E['MP_TEST_PASSWORD'] not in r.stderr, 'trace hides the password', r)


def test_wrong_password():
    need_env()
    c = Cli(BIN, 'not-the-password')
    r = c.run('list', pop3s(), *ca())
    check_eq(r.rc, 4, 'wrong password exits 4', r)


# ------------------------------------------------------------------ changing the mailbox

NEW_MESSAGE = (
    'From: =?UTF-8?B?SsO2cmcgTmV1?= <joerg@example.org>\n'
    'To: alice@example.org\n'
    'Subject: =?UTF-8?Q?Fr=C3=BChst=C3=BCck_um_acht?=\n'
    'Date: Fri, 01 Mar 2024 11:00:00 +0100\n'
    'Message-ID: <cli-check-%d@example.org>\n'
    'MIME-Version: 1.0\n'
    'Content-Type: text/plain; charset=utf-8\n'
    '\n'
    'Bis gleich.\n')


def deliver(c, text):
    path = c.path('new.eml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    script = os.path.join(E['MP_SOURCE_ROOT'], 'tests', 'harness', 'deliver.py') \
        if E.get('MP_SOURCE_ROOT') else os.path.join(os.path.dirname(__file__), '..',
                                                     'harness', 'deliver.py')
    out = subprocess.run([sys.executable, script, path], check=True, stdout=subprocess.PIPE,
                         env=os.environ, timeout=30)
    return out.stdout.decode().strip()


def test_check_new_messages():
    need_env()
    c = cli()
    state = c.path('state.txt')
    before = parse_rows(c.run('list', pop3s(), *ca()).stdout)
    r = c.run('check', pop3s(), '--state', state, *ca())
    ok(r, 'first check')
    check_eq([x['uidl'] for x in parse_rows(r.stdout)], [x['uidl'] for x in before],
             'first check shows every message')
    check(os.path.exists(state), 'state file written')
    r = c.run('check', pop3s(), '--state', state, *ca())
    ok(r, 'second check')
    check_eq(r.stdout, '', 'second check shows nothing')
    uidl = deliver(c, NEW_MESSAGE % int(time.time()))
    r = c.run('check', pop3s(), '--state', state, *ca())
    ok(r, 'check after delivery')
    rows = parse_rows(r.stdout)
    check_eq(len(rows), 1, 'exactly the new message', r)
    check_eq(rows[0]['uidl'], uidl, 'new message UIDL')
    check_eq(rows[0]['subject'], 'Frühstück um acht', 'new message subject')
    check_eq(rows[0]['from'], 'Jörg Neu <joerg@example.org>', 'new message From')
    check_eq(rows[0]['date'], '2024-03-01T10:00:00Z', 'new message date in UTC')
    r = c.run('check', '--json', pop3s(), '--state', state, *ca())
    ok(r, 'check --json')
    check_eq(json.loads(r.stdout), [], 'nothing new after that')
    # Another account's state must not be used silently.
    r = c.run('check', pop3s(E.get('MP_TEST_EMPTY_USER', 'empty')), '--state', state, *ca())
    check_eq(r.rc, 1, 'state file of another account refused', r)


def test_delete():
    need_env()
    c = cli()
    rows = parse_rows(c.run('list', pop3s(), *ca()).stdout)
    check(len(rows) >= 3, 'enough messages to delete', rows)
    victims = [rows[0]['uidl'], rows[-1]['uidl']]
    r = c.run('delete', *ca(), pop3s(), *victims)
    ok(r, 'delete')
    after = parse_rows(c.run('list', pop3s(), *ca()).stdout)
    left = [x['uidl'] for x in after]
    check_eq(len(after), len(rows) - 2, 'two messages fewer')
    for v in victims:
        check(v not in left, 'deleted %s is gone' % v)
    r = c.run('delete', *ca(), pop3s(), rows[1]['uidl'], 'no-such-uidl')
    check_eq(r.rc, 1, 'unknown UIDL in delete', r)
    check('Nothing was deleted' in r.stderr, 'says nothing was deleted', r)
    check(rows[1]['uidl'] in [x['uidl'] for x in
                              parse_rows(c.run('list', pop3s(), *ca()).stdout)],
          'the valid UIDL of a refused delete is still there')


def main():
    if BIN is None or not os.access(BIN, os.X_OK):
        print('usage: test-cli-dovecot.py PATH/TO/mailpeek-cli', file=sys.stderr)
        return 2
    return run_tests([
        ('capa', test_capa),
        ('list matches the manifest', test_list_matches_manifest),
        ('list --json', test_list_json),
        ('pipeline off/2/auto identical', test_pipeline_off_equals_auto),
        ('top shows the preview', test_top_preview),
        ('retr bytes', test_retr),
        ('usage and lookup errors', test_errors_no_server_change),
        ('empty mailbox', test_empty_mailbox),
        ('untrusted certificate', test_untrusted_cert),
        ('wrong host name', test_wrong_host),
        ('plaintext password refused', test_plaintext_refused),
        ('trace hides the password', test_trace_redacts),
        ('wrong password', test_wrong_password),
        ('check shows only new messages', test_check_new_messages),
        ('delete', test_delete),
    ])


if __name__ == '__main__':
    sys.exit(main())
