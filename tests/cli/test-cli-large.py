#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`mailpeek-cli list` of a 10,000-message mailbox stays within 16 MB peak RSS.

    with-dovecot.py --large 10000 -- test-cli-large.py PATH/TO/mailpeek-cli PATH/TO/mp-maxrss

Prints TAP.  The peak RSS is measured by mp-maxrss (a small C launcher), because a
child of Python inherits Python's peak RSS in ru_maxrss.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
MAXRSS = sys.argv[2] if len(sys.argv) > 2 else None
E = os.environ
LIMIT_KB = 16 * 1024


def run_measured(args):
    env = dict(E)
    env['MAILPEEK_PASSWORD'] = E['MP_TEST_PASSWORD']
    env['HOME'] = tempfile.mkdtemp(prefix='mp-cli-large-')
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        rc = subprocess.run([MAXRSS, BIN] + args, stdout=out, stderr=err, env=env,
                            timeout=300).returncode
        elapsed = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode()
        lines = stderr.splitlines()
        check(lines and lines[-1].startswith('MAXRSS_KB '), 'mp-maxrss reported', stderr)
        return rc, out.read().decode(), stderr, int(lines[-1].split()[1]), elapsed


def test_large_list():
    for var in ('MP_TEST_BIG_USER', 'MP_TEST_POP3S_PORT', 'MP_TEST_CA_FILE'):
        if not E.get(var):
            raise Skip('%s not set (run under with-dovecot.py --large N)' % var)
    url = 'pop3s://%s@%s:%s' % (E['MP_TEST_BIG_USER'], E['MP_TEST_HOST'], E['MP_TEST_POP3S_PORT'])
    rc, out, err, maxrss_kb, elapsed = run_measured(['list', '--ca-file', E['MP_TEST_CA_FILE'], url])
    check_eq(rc, 0, 'list exits 0: ' + err[-2000:])
    lines = out.splitlines()
    want = None
    if E.get('MP_TEST_BIG_MANIFEST'):
        with open(E['MP_TEST_BIG_MANIFEST'], encoding='utf-8') as f:
            want = len(json.load(f))
        check_eq(len(lines), want, 'one line per message')
    check(len(lines) >= 1000, 'a large mailbox was listed (%d lines)' % len(lines))
    check_eq(len({ln.split('\t')[1] for ln in lines}), len(lines), 'UIDLs unique')
    print('# %d messages in %.1f s, peak RSS %d KB' % (len(lines), elapsed, maxrss_kb))
    if E.get('MP_SANITIZER'):
        # ASan's shadow memory and quarantine (or TSan's shadow) alone exceed
        # the bound; the functional checks above still hold.
        print('# RSS bound not checked under MP_SANITIZER=%s' % E['MP_SANITIZER'])
        return
    check(maxrss_kb <= LIMIT_KB, 'peak RSS %d KB <= %d KB' % (maxrss_kb, LIMIT_KB))


def main():
    if BIN is None or MAXRSS is None:
        print('usage: test-cli-large.py PATH/TO/mailpeek-cli PATH/TO/mp-maxrss', file=sys.stderr)
        return 2
    return run_tests([('list of a large mailbox within 16 MB', test_large_list)])


if __name__ == '__main__':
    sys.exit(main())
