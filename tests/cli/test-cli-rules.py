#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mailpeek-cli rules test / rules apply, against a real Dovecot and the fake server.

    with-dovecot.py -- test-cli-rules.py PATH/TO/mailpeek-cli PATH/TO/fake-pop3.py

Delivers the messages of gen-mail.py --rules-mail (spam-flagged, huge, with
attachments, old, bulk, allow-listed) next to alice's samples, writes a rules file,
and checks `rules test --json` against an independent evaluation of the same file in
Python (configparser + email).  Then `rules apply` must delete exactly the active
delete hits (a second session proves it), each copied byte for byte (as `retr`
returned it) into the recycle bin first.  The fake server covers what Dovecot cannot
do: a connection dropped before QUIT's +OK (exit 7, nothing deleted) and a recycle
bin that cannot be written (no DELE in the transcript).  Prints TAP.
"""

import configparser
import datetime
import email
import email.policy
import email.utils
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import Cli, Skip, check, check_eq, run_tests  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else None
FAKE = sys.argv[2] if len(sys.argv) > 2 else None
E = os.environ
HERE = os.path.dirname(os.path.abspath(__file__))

RULES = """\
# The rules of the Dovecot test (see mailpeek-rules(5)).
[rules]
version=1

[allow]
domains=trusted.example
senders=carol@friends.example

[rule 1]
name=Server says spam
enabled=true
previewed=true
action=delete
spam-flag=true

[rule 2]
name=Not previewed yet
enabled=true
action=delete
subject-contains=nightly

[rule 3]
name=Huge
enabled=true
previewed=true
action=delete
size-over=1000000

[rule 4]
name=Bulk mail
enabled=true
match=any
action=junk
header-regex=X-Mailer: ^bulk\\w+ [0-9.]+$
cc-domain-is=lists.example

[rule 5]
name=High score
enabled=true
action=junk
spam-score-at-least=5

[rule 6]
name=Work attachments
enabled=true
match=all
action=no-notify
has-attachment=true
from-domain-ends-with=work.example

[rule 7]
name=Ancient
enabled=true
action=no-notify
older-than-days=1500

[rule 8]
name=Switched off
enabled=false
action=delete
size-over=0
"""


def need_env():
    for var in ('MP_TEST_HOST', 'MP_TEST_POP3S_PORT', 'MP_TEST_PASSWORD', 'MP_TEST_MAILDIR',
                'MP_TEST_CA_FILE'):
        if not E.get(var):
            raise Skip('%s not set (not running under with-dovecot.py)' % var)


def pop3s():
    return 'pop3s://%s@%s:%s' % (E['MP_TEST_USER'], E['MP_TEST_HOST'], E['MP_TEST_POP3S_PORT'])


def ca():
    return ['--ca-file', E['MP_TEST_CA_FILE']]


# ------------------------------------------------------------ the independent evaluation

def load_rules(text):
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str
    cp.read_string(text)
    allow = cp['allow'] if cp.has_section('allow') else {}
    senders = {s.strip().lower() for s in allow.get('senders', '').split(';') if s.strip()}
    domains = {s.strip().lower() for s in allow.get('domains', '').split(';') if s.strip()}
    rules = []
    for name in cp.sections():
        if not name.startswith('rule '):
            continue
        sec = cp[name]
        conds = [(k, v) for k, v in sec.items()
                 if k not in ('name', 'enabled', 'match', 'action', 'previewed')]
        rules.append({'name': sec.get('name', name),
                      'enabled': sec.getboolean('enabled', False),
                      'previewed': sec.getboolean('previewed', False),
                      'all': sec.get('match', 'all') == 'all',
                      'action': sec['action'], 'conds': conds})
    return rules, senders, domains


def addresses(msg, field):
    return [a.lower() for _, a in email.utils.getaddresses(msg.get_all(field, [])) if a]


def has_attachment(msg):
    if msg.get_content_disposition() == 'attachment':
        return True
    ctype = msg.get_content_type()
    return ctype == 'multipart/mixed' or ctype.split('/')[0] not in ('multipart', 'text', 'message')


def is_yes(value):
    return value is not None and re.match(r'(?i)yes($|[, \t])', str(value).strip()) is not None


def condition(key, value, msg, size, now):
    m = re.fullmatch(r'(from|to|cc)-(address|domain)-(is|contains|ends-with)', key)
    if m:
        wanted = [v.strip().lower() for v in value.split(';') if v.strip()]
        for a in addresses(msg, m.group(1)):
            text = a.rsplit('@', 1)[1] if m.group(2) == 'domain' else a
            for w in wanted:
                if {'is': text == w, 'contains': w in text,
                    'ends-with': text.endswith(w)}[m.group(3)]:
                    return True
        return False
    if key in ('subject-contains', 'subject-regex', 'header-contains', 'header-regex'):
        if key.startswith('subject'):
            name, pattern = 'Subject', value
        else:
            name, pattern = (x.strip() for x in value.split(':', 1))
        for v in msg.get_all(name, []):
            v = str(v)
            if key.endswith('regex') and re.search(pattern, v, re.IGNORECASE):
                return True
            if key.endswith('contains') and pattern.casefold() in v.casefold():
                return True
        return False
    if key == 'size-over':
        return size > int(value)
    if key == 'has-attachment':
        return has_attachment(msg)
    if key == 'older-than-days':
        date = email.utils.parsedate_to_datetime(msg['Date'])
        return now - date > datetime.timedelta(days=int(value))
    if key == 'spam-flag':
        return is_yes(msg['X-Spam-Flag']) or is_yes(msg['X-Spam-Status'])
    if key == 'spam-score-at-least':
        score = msg['X-Spam-Score']
        return score is not None and float(str(score).split()[0]) >= float(value)
    raise AssertionError('condition %s not known to the test' % key)


def expected_hits(rules_text, messages, acting=False):
    """{uidl: (rule name, action, active)} for every message a rule acts on: in the
    dry run every enabled rule counts; acting, a delete rule only once previewed."""
    rules, senders, domains = load_rules(rules_text)
    now = datetime.datetime.now(datetime.timezone.utc)
    hits = {}
    for uidl, data in messages.items():
        msg = email.message_from_bytes(data, policy=email.policy.default)
        sender = (addresses(msg, 'From') or [''])[0]
        dom = sender.rsplit('@', 1)[-1] if '@' in sender else None
        if sender in senders or (dom and any(dom == d or dom.endswith('.' + d) for d in domains)):
            continue
        size = len(data) + data.count(b'\n') - data.count(b'\r\n')
        for r in rules:
            active = r['action'] != 'delete' or r['previewed']
            if not r['enabled'] or not r['conds'] or (acting and not active):
                continue
            results = (condition(k, v, msg, size, now) for k, v in r['conds'])
            if all(results) if r['all'] else any(results):
                hits[uidl] = (r['name'], r['action'], active)
                break
    return hits


# ------------------------------------------------------------ Dovecot

def maildir_messages():
    out = {}
    for sub in ('cur', 'new'):
        d = os.path.join(E['MP_TEST_MAILDIR'], sub)
        for name in os.listdir(d):
            with open(os.path.join(d, name), 'rb') as f:
                out[name.split(':')[0]] = f.read()
    return out


_DELIVERED = []


def deliver_rules_mail():
    if _DELIVERED:
        return
    out = tempfile.mkdtemp(prefix='mp-rules-mail-')
    gen = os.path.join(HERE, '..', 'harness', 'gen-mail.py')
    subprocess.run([sys.executable, gen, '--out', out, '--rules-mail'], check=True)
    with open(os.path.join(out, 'manifest.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    for m in manifest:
        r = subprocess.run([sys.executable, os.path.join(HERE, '..', 'harness', 'deliver.py'),
                            m['path']], check=True, capture_output=True, text=True)
        _DELIVERED.append((m['label'], r.stdout.strip()))


def write_rules(c, text, name='rules.conf'):
    path = c.path(name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def listed_uidls(c):
    r = c.run('list', '--json', *ca(), pop3s())
    check_eq(r.rc, 0, 'list', r)
    return [row['uidl'] for row in json.loads(r.stdout)]


def test_dry_run_matches_python():
    need_env()
    deliver_rules_mail()
    c = Cli(BIN, E['MP_TEST_PASSWORD'])
    rules = write_rules(c, RULES)
    r = c.run('rules', 'test', *ca(), pop3s(), '--rules', rules, '--json')
    check_eq(r.rc, 0, 'rules test exit status', r)
    got = {h['uidl']: (h['rule'], h['action'], h['active']) for h in json.loads(r.stdout)}
    want = expected_hits(RULES, maildir_messages())
    check_eq(got, want, 'dry run hits = the Python evaluation of the same file')
    labels = dict(_DELIVERED)
    # The evaluation itself is not vacuous: each kind of rule hits what it should.
    check_eq(want.get(labels['spam-flag']), ('Server says spam', 'delete', True), 'spam flag')
    check_eq(want.get(labels['spam-status']), ('Server says spam', 'delete', True),
             'X-Spam-Status: Yes is the verdict too')
    check_eq(want.get(labels['huge']), ('Not previewed yet', 'delete', False),
             'the dry run shows what a delete rule not yet previewed would do')
    check_eq(expected_hits(RULES, maildir_messages(), acting=True).get(labels['huge']),
             ('Huge', 'delete', True), 'acting, the next rule takes the huge one')
    check_eq(want.get(labels['bulk']), ('Bulk mail', 'junk', True), 'bulk')
    check_eq(want.get(labels['attachment']), ('Work attachments', 'no-notify', True), 'attachment')
    check_eq(want.get(labels['old']), ('Ancient', 'no-notify', True), 'old')
    check(labels['ham-scored'] not in want and labels['allowed-spam'] not in want,
          'allow-listed sender and domain are left alone', want)
    for h in json.loads(r.stdout):
        check(h['reason'], 'every hit has a reason', h)
    text = c.run('rules', 'test', *ca(), pop3s(), '--rules', rules)
    check_eq(text.rc, 0, 'rules test (text)', text)
    check_eq(len(text.stdout.splitlines()), len(want), 'one text line per hit', text)
    check('From' in text.stdout or 'spam' in text.stdout, 'text names reasons', text)
    check('previewed=true' in r.stderr, 'says a delete rule waits for previewed=true', r)


def test_apply_refuses_deleting_everything():
    need_env()
    deliver_rules_mail()
    c = Cli(BIN, E['MP_TEST_PASSWORD'])
    rules = write_rules(c, '[rules]\nversion=1\n[rule 1]\nname=All\nenabled=true\n'
                           'previewed=true\naction=delete\nsize-over=0\n')
    before = listed_uidls(c)
    r = c.run('rules', 'apply', *ca(), pop3s(), '--rules', rules,
              '--recycle-dir', c.path('bin'))
    check_eq(r.rc, 1, 'a rule deleting every message is refused', r)
    check('--yes-all' in r.stderr and 'Nothing was deleted' in r.stderr, 'says why', r)
    check_eq(listed_uidls(c), before, 'nothing deleted')
    check(not os.path.exists(os.path.join(c.path('bin'), 'cur')) or
          not os.listdir(os.path.join(c.path('bin'), 'cur')), 'nothing recycled')


def recycled(bin_dir):
    """{uidl: bytes} of the recycle bin's messages (listing data in meta/)."""
    out = {}
    for name in os.listdir(os.path.join(bin_dir, 'cur')):
        ident = name.split(':')[0]
        meta = configparser.ConfigParser(interpolation=None)
        meta.read(os.path.join(bin_dir, 'meta', ident), encoding='utf-8')
        with open(os.path.join(bin_dir, 'cur', name), 'rb') as f:
            out[meta['message']['uidl']] = (f.read(), meta['message']['rule'])
    return out


def test_apply_deletes_exactly_and_recycles():
    need_env()
    deliver_rules_mail()
    c = Cli(BIN, E['MP_TEST_PASSWORD'])
    rules = write_rules(c, RULES)
    want = expected_hits(RULES, maildir_messages(), acting=True)
    victims = sorted(u for u, (_, action, active) in want.items() if action == 'delete' and active)
    check_eq(len(victims), 3, 'spam flag, spam status and huge are the victims', want)
    before = listed_uidls(c)
    originals = {}
    for u in victims:
        r = c.run('retr', *ca(), pop3s(), u)
        check_eq(r.rc, 0, 'retr %s' % u, r)
        originals[u] = r.stdout_bytes
    bin_dir = c.path('bin')
    r = c.run('rules', 'apply', *ca(), pop3s(), '--rules', rules, '--recycle-dir', bin_dir)
    check_eq(r.rc, 0, 'rules apply', r)
    check('Deleted 3 messages' in r.stdout, 'reports what was deleted', r)
    for u in victims:
        check(u in r.stdout, 'names %s' % u, r)
    after = listed_uidls(c)
    check_eq(sorted(set(before) - set(after)), victims, 'exactly the delete hits are gone')
    check_eq(len(after), len(before) - 3, 'nothing else went')
    kept = recycled(bin_dir)
    check_eq(sorted(kept), victims, 'each victim is in the recycle bin')
    for u in victims:
        check(kept[u][0] == originals[u], 'recycled copy of %s equals retr byte for byte' % u,
              len(kept[u][0]), len(originals[u]))
        check_eq(kept[u][1], want[u][0], 'the bin names the rule')
    again = c.run('rules', 'apply', *ca(), pop3s(), '--rules', rules, '--recycle-dir', bin_dir)
    check_eq(again.rc, 0, 'second apply', again)
    check('Deleted 0 messages' in again.stdout, 'nothing left to delete', again)


# ------------------------------------------------------------ the fake server

PASSWORD = 'secret'
CAPS = ['USER', 'UIDL', 'TOP']
FAKE_MESSAGES = [
    (1, 'uid-ham', ['From: friend@home.example', 'Subject: hi']),
    (2, 'uid-spam', ['From: promo@spam.example', 'Subject: buy', 'X-Spam-Flag: YES']),
]
FAKE_RULES = ('[rules]\nversion=1\n[rule 1]\nname=Spam\nenabled=true\npreviewed=true\n'
              'action=delete\nspam-flag=true\n')


def fake_session_until_retr():
    lines = ['send +OK fake POP3 ready', 'expect CAPA', 'send +OK'] + \
        ['send ' + x for x in CAPS] + ['send .', 'expect USER alice', 'send +OK',
                                       'expect PASS ' + PASSWORD, 'send +OK', 'expect CAPA',
                                       'send +OK'] + ['send ' + x for x in CAPS] + ['send .']
    lines += ['expect STAT', 'send +OK 2 300', 'expect LIST', 'send +OK',
              'send 1 100', 'send 2 200', 'send .', 'expect UIDL', 'send +OK',
              'send 1 uid-ham', 'send 2 uid-spam', 'send .']
    for n, _, headers in FAKE_MESSAGES:
        lines += ['expect TOP %d 0' % n, 'send +OK'] + ['send ' + h for h in headers] + \
            ['send ', 'send .']
    lines += ['expect RETR 2', 'send +OK'] + ['send ' + h for h in FAKE_MESSAGES[1][2]] + \
        ['send ', 'send body', 'send .']
    return lines


def run_fake(lines, recycle_dir):
    if FAKE is None:
        raise Skip('no fake-pop3.py given')
    fake = subprocess.Popen([sys.executable, FAKE, '-'], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    fake.stdin.write(('\n'.join(lines) + '\n').encode())
    fake.stdin.close()
    fake.stdin = None
    port = int(fake.stdout.readline().decode().split()[1])
    c = Cli(BIN, PASSWORD)
    rules = write_rules(c, FAKE_RULES)
    r = c.run('--starttls=never', '--allow-plaintext-password', '--auth', 'user',
              '--timeout', '5', 'rules', 'apply', 'pop3://alice@127.0.0.1:%d' % port,
              '--rules', rules, '--recycle-dir', recycle_dir(c))
    _, err = fake.communicate(timeout=60)
    return r, fake.returncode, err.decode('utf-8', 'replace')


def test_fake_dropped_before_quit_reply():
    lines = fake_session_until_retr() + ['expect DELE 2', 'send +OK marked', 'expect QUIT',
                                         'close']
    r, rc, err = run_fake(lines, lambda c: c.path('bin'))
    check_eq(r.rc, 7, 'dropped before QUIT reply: exit 7', r)
    check('Nothing was deleted' in r.stderr, 'says nothing was deleted', r)
    check('Deleted' not in r.stdout, 'reports no deletion', r)
    check_eq(rc, 0, 'fake server saw the expected transcript: %s' % err.strip(), r)


def test_fake_unwritable_bin_sends_no_dele():
    def blocked(c):
        # the bin's place is taken by a file: mkdir fails (for root too)
        path = c.path('not-a-dir')
        with open(path, 'w'):
            pass
        return os.path.join(path, 'bin')
    lines = fake_session_until_retr() + ['expect-eof']
    r, rc, err = run_fake(lines, blocked)
    check_eq(r.rc, 1, 'recycle bin not writable: exit 1', r)
    check('recycle bin' in r.stderr and 'Nothing was deleted' in r.stderr, 'says why', r)
    check_eq(rc, 0, 'no DELE, connection closed (fake transcript): %s' % err.strip(), r)


def test_bad_rules_file():
    c = Cli(BIN, PASSWORD)
    bad = write_rules(c, '[rules]\nversion=1\n[rule 1]\nname=x\naction=junk\n'
                         'subject-regex=(unclosed\n')
    newer = write_rules(c, '[rules]\nversion=9\n', 'newer.conf')
    for path, words in ((bad, 'Rule [rule 1]: Invalid regular expression'),
                        (newer, 'newer')):
        with open(path, 'rb') as f:
            before = f.read()
        # refused before connecting: the URL's server does not exist
        r = c.run('rules', 'test', 'pop3s://alice@127.0.0.1:9', '--rules', path)
        check_eq(r.rc, 1, 'bad rules file: exit 1', r)
        check(words in r.stderr and 'left as it is' in r.stderr, 'clear message', r)
        with open(path, 'rb') as f:
            check(f.read() == before, 'the file is left as it is')
    r = c.run('rules', 'test', 'pop3s://alice@127.0.0.1:9')
    check_eq(r.rc, 2, 'no --rules: usage error', r)
    r = c.run('rules', 'pop3s://alice@127.0.0.1:9', '--rules', bad)
    check_eq(r.rc, 2, 'no test/apply: usage error', r)
    check('rules test|apply' in r.stderr, 'says how', r)
    r = c.run('rules', 'delete', 'pop3s://alice@127.0.0.1:9', '--rules', bad)
    check_eq(r.rc, 2, 'unknown rules subcommand: usage error', r)
    r = c.run('list', 'pop3s://alice@127.0.0.1:9', '--rules', bad)
    check_eq(r.rc, 2, '--rules with list: usage error', r)


def main():
    if BIN is None or not os.access(BIN, os.X_OK):
        print('usage: test-cli-rules.py PATH/TO/mailpeek-cli PATH/TO/fake-pop3.py',
              file=sys.stderr)
        return 2
    return run_tests([
        ('bad rules files are refused and kept', test_bad_rules_file),
        ('fake: dropped before QUIT reply deletes nothing', test_fake_dropped_before_quit_reply),
        ('fake: unwritable recycle bin sends no DELE', test_fake_unwritable_bin_sends_no_dele),
        ('dry run equals the Python evaluation', test_dry_run_matches_python),
        ('apply refuses deleting every message', test_apply_refuses_deleting_everything),
        ('apply deletes exactly the hits, recycled byte for byte',
         test_apply_deletes_exactly_and_recycles),
    ])


if __name__ == '__main__':
    sys.exit(main())
