#!/usr/bin/env python3
"""mailpeek-cli speaks German and Simplified Chinese.

Runs `mailpeek-cli --help` and an error path (an unknown command) under
LANG=de_DE.UTF-8 / zh_CN.UTF-8 and checks that the output carries the translations
found in the built catalogues (po/<lang>/LC_MESSAGES/mailpeek.mo, read with Python's
gettext), not the English originals.

gettext ignores LANGUAGE under the C locale, so a real locale is needed: the system's
if installed, else one compiled with localedef into a temporary LOCPATH. When neither
works the test is skipped (exit 77)."""
import contextlib
import gettext
import os
import shutil
import subprocess
import sys
import tempfile

cli, po_build_dir = sys.argv[1:3]

CASES = [
    # (language, locale)
    ('de', 'de_DE.UTF-8'),
    ('zh_CN', 'zh_CN.UTF-8'),
]
SUMMARY = 'Look at a POP3 mailbox without downloading it.'
UNKNOWN = 'Unknown command “%s”. Run “mailpeek-cli --help” for usage.'


def locale_available(name, env):
    proc = subprocess.run(['locale', '-a'], stdout=subprocess.PIPE, text=True, env=env)
    wanted = name.lower().replace('-', '').replace('utf8', 'utf8')
    return any(l.lower().replace('-', '') == wanted for l in proc.stdout.split())


def ensure_locale(name, locpath):
    """Returns the extra environment for @name, or None when it cannot be had."""
    if locale_available(name, dict(os.environ)):
        return {}
    target = os.path.join(locpath, name)
    if os.path.isfile(os.path.join(target, 'LC_CTYPE')):
        return {'LOCPATH': locpath}
    if not shutil.which('localedef'):
        return None
    lang, charset = name.split('.')
    proc = subprocess.run(['localedef', '-i', lang, '-f', charset, target],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # localedef exits 1 on mere warnings; the directory is what counts.
    if not os.path.isdir(target):
        print(f'localedef {name} failed: {proc.stdout.strip()}')
        return None
    return {'LOCPATH': locpath}


def run(args, lang, loc, extra):
    env = dict(os.environ)
    for k in ('LC_ALL', 'LC_MESSAGES', 'LANGUAGE', 'LANG'):
        env.pop(k, None)
    env.update(extra)
    env.update({'LANG': loc, 'LANGUAGE': lang, 'MAILPEEK_LOCALEDIR': po_build_dir})
    env.pop('MAILPEEK_PASSWORD', None)
    return subprocess.run([cli] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env)


failures = []
skipped = []
# Compiled locales are kept in the build tree: localedef takes seconds per locale.
cache = os.path.join(os.environ['MP_BUILD_ROOT'], 'tests', 'data', 'locale') \
    if os.environ.get('MP_BUILD_ROOT') else None
if cache:
    os.makedirs(cache, exist_ok=True)
with (tempfile.TemporaryDirectory(prefix='mp-locale-') if cache is None
      else contextlib.nullcontext(cache)) as locpath:
    for lang, loc in CASES:
        mo = os.path.join(po_build_dir, lang, 'LC_MESSAGES', 'mailpeek.mo')
        if not os.path.isfile(mo):
            failures.append(f'{lang}: {mo} was not built')
            continue
        with open(mo, 'rb') as f:
            catalog = gettext.GNUTranslations(f)
        extra = ensure_locale(loc, locpath)
        if extra is None:
            skipped.append(loc)
            continue

        # The summary is one long msgid (the whole --help text before the options).
        summary_ids = [k for k in catalog._catalog if isinstance(k, str) and k.startswith(SUMMARY)]
        if len(summary_ids) != 1:
            failures.append(f'{lang}: expected one --help summary msgid, found {len(summary_ids)}')
            continue
        want_summary = catalog.gettext(summary_ids[0])
        want_unknown = catalog.gettext(UNKNOWN).replace('%s', 'frobnicate')
        for english, translated in ((summary_ids[0], want_summary), (UNKNOWN, want_unknown)):
            if translated == english or translated.replace('frobnicate', '%s') == english:
                failures.append(f'{lang}: no translation in the catalogue for {english!r}')

        help_proc = run(['--help'], lang, loc, extra)
        if help_proc.returncode != 0:
            failures.append(f'{lang}: --help exited {help_proc.returncode}: {help_proc.stderr}')
        if want_summary.splitlines()[0] not in help_proc.stdout:
            failures.append(f'{lang}: --help does not show {want_summary.splitlines()[0]!r}:\n'
                            + help_proc.stdout[:400])
        if SUMMARY in help_proc.stdout:
            failures.append(f'{lang}: --help still shows the English summary')

        err_proc = run(['frobnicate', 'pop3s://user@example.invalid'], lang, loc, extra)
        if err_proc.returncode != 2:
            failures.append(f'{lang}: unknown command exited {err_proc.returncode}, not 2')
        if want_unknown not in err_proc.stderr:
            failures.append(f'{lang}: the usage error is not translated: {err_proc.stderr!r}')
        print(f'{lang}: checked --help and the usage error under {loc}')

for f in failures:
    print('FAIL:', f)
if failures:
    sys.exit(1)
if skipped and len(skipped) == len(CASES):
    print('SKIP: no usable locale for', ', '.join(skipped))
    sys.exit(77)
if skipped:
    print('FAIL: some locales could not be set up:', ', '.join(skipped))
    sys.exit(1)
