#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli logging in with OAuth2 access tokens (XOAUTH2, OAUTHBEARER) to a real
Dovecot that checks each token with a local introspection server.

    with-dovecot.py --oauth2 -- test-cli-dovecot-oauth2.py PATH/TO/mailpeek-cli

Prints TAP.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
E = os.environ
MECHS = ('xoauth2', 'oauthbearer')


def need_env():
    for var in ('MP_TEST_HOST', 'MP_TEST_POP3S_PORT', 'MP_TEST_OAUTH2_TOKEN',
                'MP_TEST_OAUTH2_EXPIRED_TOKEN', 'MP_TEST_CA_FILE', 'MP_TEST_MANIFEST'):
        if not E.get(var):
            raise Skip('%s not set (not running under with-dovecot.py --oauth2)' % var)


def pop3s():
    return 'pop3s://%s@%s:%s' % (E['MP_TEST_USER'], E['MP_TEST_HOST'], E['MP_TEST_POP3S_PORT'])


def ca():
    return ['--ca-file', E['MP_TEST_CA_FILE']]


def message_count():
    with open(E['MP_TEST_MANIFEST'], encoding='utf-8') as f:
        return len(json.load(f))


def list_traced(token, mech):
    r = Cli(BIN, token).run('list', '--trace', '--auth', mech, pop3s(), *ca())
    check(token not in r.stderr, '%s: the token is not in the trace' % mech, r)
    return r


def test_good_token():
    need_env()
    for mech in MECHS:
        r = list_traced(E['MP_TEST_OAUTH2_TOKEN'], mech)
        check_eq(r.rc, 0, '%s: list with a good token exits 0' % mech, r)
        check_eq(len(r.stdout.splitlines()), message_count(), '%s: every message listed' % mech, r)
        check('C: AUTH %s <redacted>' % mech.upper() in r.stderr,
              '%s: the trace shows the mechanism, payload redacted' % mech, r)


def test_good_token_url():
    need_env()
    url = 'pop://%s;AUTH=OAUTHBEARER@%s:%s' % (E['MP_TEST_USER'], E['MP_TEST_HOST'],
                                               E['MP_TEST_POP3_PORT'])
    r = Cli(BIN, E['MP_TEST_OAUTH2_TOKEN']).run('list', url, *ca())
    check_eq(r.rc, 0, 'pop://…;AUTH=OAUTHBEARER (STARTTLS) exits 0', r)
    check_eq(len(r.stdout.splitlines()), message_count(), 'every message listed', r)


def test_expired_token():
    need_env()
    for mech in MECHS:
        r = list_traced(E['MP_TEST_OAUTH2_EXPIRED_TOKEN'], mech)
        check_eq(r.rc, 4, '%s: a refused token exits 4 (login)' % mech, r)
        check('The server refused the access token: the token has expired or was revoked'
              in r.stderr, '%s: the status is said in words' % mech, r)
        check('Get a fresh one' in r.stderr, '%s: the hint is about the token' % mech, r)
        check('user name or password' not in r.stderr, '%s: no password hint' % mech, r)
        # The error document is answered (redacted) before the -ERR: no 150 s wait.
        lines = r.stderr.splitlines()
        check('S: + <redacted>' in lines, '%s: the error continuation came (redacted)' % mech, r)
        i = lines.index('S: + <redacted>')
        check_eq(lines[i + 1:i + 3], ['C: <redacted>', 'S: -ERR [AUTH] Authentication failed.'],
                 '%s: continuation answered, then -ERR' % mech, r)


def test_password_is_not_a_token():
    need_env()
    r = Cli(BIN, E['MP_TEST_PASSWORD']).run('list', '--auth', 'xoauth2', pop3s(), *ca())
    check_eq(r.rc, 4, 'the account password given as a token is refused', r)


def main():
    if BIN is None or not os.access(BIN, os.X_OK):
        print('usage: test-cli-dovecot-oauth2.py PATH/TO/mailpeek-cli', file=sys.stderr)
        return 2
    return run_tests([
        ('good token, both mechanisms', test_good_token),
        ('good token from a ;AUTH=OAUTHBEARER URL', test_good_token_url),
        ('expired token, both mechanisms', test_expired_token),
        ('the password is not a token', test_password_is_not_a_token),
    ])


if __name__ == '__main__':
    sys.exit(main())
