# SPDX-License-Identifier: GPL-3.0-or-later
"""Tiny TAP test runner shared by the mailpeek-cli tests (Python stdlib only)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback


class Skip(Exception):
    pass


class Failure(AssertionError):
    pass


def check(cond, msg, *details):
    if not cond:
        raise Failure(msg + ''.join('\n    %s' % d for d in details))


def check_eq(got, want, msg, *details):
    if got != want:
        raise Failure('%s\n    got:  %r\n    want: %r' % (msg, got, want)
                      + ''.join('\n    %s' % d for d in details))


class Result:
    def __init__(self, proc, elapsed):
        self.rc = proc.returncode
        self.stdout_bytes = proc.stdout
        self.stdout = proc.stdout.decode('utf-8', 'replace')
        self.stderr = proc.stderr.decode('utf-8', 'replace')
        self.elapsed = elapsed

    def __repr__(self):
        return 'exit %d after %.1fs\n--- stdout ---\n%s\n--- stderr ---\n%s' % (
            self.rc, self.elapsed, self.stdout[-3000:], self.stderr[-3000:])


class Cli:
    """Runs mailpeek-cli in its own temporary HOME/XDG dirs."""

    def __init__(self, binary, password):
        self.binary = binary
        self.password = password
        self.tmp = tempfile.mkdtemp(prefix='mp-cli-test-')
        self.env = dict(os.environ)
        for var, sub in (('HOME', 'home'), ('XDG_CONFIG_HOME', 'config'),
                         ('XDG_STATE_HOME', 'state'), ('XDG_CACHE_HOME', 'cache'),
                         ('XDG_DATA_HOME', 'data')):
            path = os.path.join(self.tmp, sub)
            os.makedirs(path)
            self.env[var] = path
        self.env['LC_ALL'] = 'C.UTF-8'
        self.env.pop('LANGUAGE', None)
        self.env.pop('MAILPEEK_PASSWORD', None)
        if password is not None:
            self.env['MAILPEEK_PASSWORD'] = password

    def run(self, *args, timeout=60, env=None):
        e = dict(self.env)
        if env:
            e.update(env)
        start = time.monotonic()
        proc = subprocess.run([self.binary] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=e, timeout=timeout)
        return Result(proc, time.monotonic() - start)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # `with Cli(...) as c:` removes the temporary dirs however the block ends.
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


def run_tests(tests):
    """tests: list of (name, callable). Prints TAP; returns the exit status
    (0 all passed or some skipped, 1 a failure, 77 everything skipped)."""
    print('1..%d' % len(tests), flush=True)
    failed = 0
    skipped = 0
    for i, (name, fn) in enumerate(tests, 1):
        try:
            fn()
            print('ok %d - %s' % (i, name), flush=True)
        except Skip as e:
            skipped += 1
            print('ok %d - %s # SKIP %s' % (i, name, e), flush=True)
        except Exception:  # noqa: BLE001 - every failure is reported, none stops the run
            failed += 1
            print('not ok %d - %s' % (i, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
            sys.stdout.flush()
    if failed:
        return 1
    # Nothing ran: say "skipped" (77) rather than pass silently.
    return 77 if skipped == len(tests) else 0
