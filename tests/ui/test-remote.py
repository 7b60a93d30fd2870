#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks started from outside the running Mailpeek (issue 13, item 6).

    with-dovecot.py -- test-remote.py MAILPEEK

MAILPEEK is the real `mailpeek` program.  On a private session bus (under Xvfb,
with a private keyring holding the Dovecot account's password) it starts with
--background; then, from outside, only through its public interfaces:
  - gdbus: org.gtk.Actions.Activate app.check-all, app.check-account('test-account'),
    app.open-account('test-account') (the window appears); the desktop entry's
    check-all action (org.freedesktop.Application.ActivateAction);
  - `mailpeek --check` and `mailpeek --check-account=test-account` reach it and end;
  - with no Mailpeek running, `mailpeek --check` becomes it, in the background,
    and checks.
Each check is a new POP3 login in the Dovecot's log (a check always opens a new
session: POP3 shows new mail only to a new session).  Exit 77 = skipped.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import mp_gui_session

APP_ID = "io.github.mailpeek.Mailpeek"
OBJECT_PATH = "/io/github/mailpeek/Mailpeek"
FAILURES = []


def check(cond, what):
    print(("ok   - " if cond else "FAIL - ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def wait_until(pred, timeout=60.0):
    return mp_gui_session.wait_until(pred, timeout)


def logins():
    """POP3 logins of the test user the Dovecot logged so far."""
    path = os.path.join(os.environ["MP_TEST_DOVECOT_DIR"], "dovecot.log")
    with open(path, encoding="utf-8", errors="replace") as f:
        user = re.escape(os.environ["MP_TEST_USER"])
        return sum(1 for l in f if re.search(r"pop3-login: .*Login: user=<%s>" % user, l))


def logouts():
    path = os.path.join(os.environ["MP_TEST_DOVECOT_DIR"], "dovecot.log")
    user = os.environ["MP_TEST_USER"]
    with open(path, encoding="utf-8", errors="replace") as f:
        return sum(1 for l in f if ("pop3(%s)" % user) in l and "Disconnected" in l)


def expect_new_session(before, what):
    """A check ran: one more login than @before, and that session ended."""
    ok = wait_until(lambda: logins() > before, 60)
    check(ok, "%s: the server saw a new session (%d logins, %d before)" % (what, logins(), before))
    wait_until(lambda: logouts() >= logins(), 60)
    return logins()


def gdbus_activate(action, param=None):
    params = "[<%s>]" % param if param is not None else "[]"
    return subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID,
                           "--object-path", OBJECT_PATH, "--method", "org.gtk.Actions.Activate",
                           action, params, "{}"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)


def name_owner():
    proc = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                           "--object-path", "/org/freedesktop/DBus",
                           "--method", "org.freedesktop.DBus.NameHasOwner", APP_ID],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    return "true" in proc.stdout.decode()


def listed_actions():
    proc = subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID,
                           "--object-path", OBJECT_PATH, "--method", "org.gtk.Actions.List"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    return proc.stdout.decode()


def mapped_windows():
    """Titles of the mapped top-level X windows (no window manager here)."""
    proc = subprocess.run(["xwininfo", "-root", "-children"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    titles = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        m = re.match(r'\s+(0x[0-9a-f]+) "([^"]*)"', line)
        if not m:
            continue
        info = subprocess.run(["xwininfo", "-id", m.group(1)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode()
        if "IsViewable" in info:
            titles.append(m.group(2))
    return titles


def quit_app(proc, what):
    gdbus_activate("quit")
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    check(proc.returncode == 0, "%s: mailpeek quit cleanly through app.quit (%s)"
          % (what, proc.returncode))


def inner(exe):
    """Runs inside the private bus and X display."""
    log_dir = os.environ["MP_REMOTE_LOGS"]

    def start(args, name):
        out = open(os.path.join(log_dir, name + ".log"), "w")
        return subprocess.Popen([exe] + args, stdout=out, stderr=subprocess.STDOUT)

    # Run 1: a running instance, asked from outside.
    before = logins()
    primary = start(["--background"], "primary")
    count = expect_new_session(before, "--background start (first check)")
    check(wait_until(name_owner, 30), "the running Mailpeek owns %s on the bus" % APP_ID)
    actions = listed_actions()
    for action in ("check-all", "check-account", "open-account"):
        check("'%s'" % action in actions, "app.%s is exported on org.gtk.Actions" % action)

    proc = gdbus_activate("check-all")
    check(proc.returncode == 0, "gdbus Activate check-all: %s" % proc.stdout.decode().strip())
    count = expect_new_session(count, "app.check-all over D-Bus")

    proc = gdbus_activate("check-account", "'%s'" % mp_gui_session.ACCOUNT_ID)
    check(proc.returncode == 0, "gdbus Activate check-account: %s" % proc.stdout.decode().strip())
    count = expect_new_session(count, "app.check-account over D-Bus")

    # The desktop entry's "Check for New Mail" action, as a DBusActivatable launcher
    # sends it (org.freedesktop.Application).
    proc = subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID, "--object-path",
                           OBJECT_PATH, "--method", "org.freedesktop.Application.ActivateAction",
                           "check-all", "[]", "{}"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    check(proc.returncode == 0, "desktop action check-all: %s" % proc.stdout.decode().strip())
    count = expect_new_session(count, "the desktop entry's check-all action")

    for args in (["--check"], ["--check-account=%s" % mp_gui_session.ACCOUNT_ID]):
        remote = subprocess.run([exe] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                timeout=60)
        check(remote.returncode == 0, "mailpeek %s reached the running instance and ended (%d): %s"
              % (" ".join(args), remote.returncode, remote.stdout.decode().strip()))
        count = expect_new_session(count, "mailpeek %s" % " ".join(args))
    check(primary.poll() is None, "the first instance still runs")

    check(not mapped_windows(), "no window while in the background: %r" % mapped_windows())
    proc = gdbus_activate("open-account", "'%s'" % mp_gui_session.ACCOUNT_ID)
    check(proc.returncode == 0, "gdbus Activate open-account: %s" % proc.stdout.decode().strip())
    shown = wait_until(mapped_windows, 30)
    check(shown, "app.open-account shows the window: %r" % shown)
    quit_app(primary, "run 1")

    # Run 2: no Mailpeek running: --check becomes it, in the background, and checks.
    check(wait_until(lambda: not name_owner(), 30), "no Mailpeek on the bus any more")
    count = logins()
    started = start(["--check"], "check-start")
    count = expect_new_session(count, "mailpeek --check with none running")
    # Not ended by the check: held for the background (a quit would follow the
    # check's end at once; the session above has ended already).
    time.sleep(0.5)
    check(started.poll() is None, "it keeps running in the background after the check")
    check(not mapped_windows(), "with no window: %r" % mapped_windows())
    quit_app(started, "run 2")

    for name in ("primary", "check-start"):
        with open(os.path.join(log_dir, name + ".log"), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for line in text.splitlines():
            print("# %s: %s" % (name, line))
        check("CRITICAL" not in text, "%s: no GLib criticals" % name)
    if FAILURES:
        print(mp_gui_session.failed_line(FAILURES))
        return 1
    print("all checks passed")
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        return inner(sys.argv[2])
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    for tool in ("xvfb-run", "dbus-run-session", "gdbus", "xwininfo") + mp_gui_session.REQUIRED_TOOLS:
        if not shutil.which(tool):
            print("SKIP: %s is not installed" % tool)
            return 77
    if "MP_TEST_DOVECOT_DIR" not in os.environ:
        print("SKIP: not run under with-dovecot.py")
        return 77

    home = tempfile.mkdtemp(prefix="mp-remote-")
    try:
        env = mp_gui_session.private_env(home)
        env.update({
            "GSETTINGS_SCHEMA_DIR": os.path.join(os.environ["MP_BUILD_ROOT"], "data"),
            "MP_REMOTE_LOGS": home,
        })
        mp_gui_session.write_account(env["XDG_CONFIG_HOME"], os.environ["MP_TEST_USER"],
                                     os.environ["MP_TEST_HOST"],
                                     os.environ["MP_TEST_POP3S_PORT"],
                                     os.environ["MP_TEST_CA_FILE"])
        log = os.path.join(home, "inner.log")
        cmd = (["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--"]
               + mp_gui_session.session_command([sys.executable, os.path.abspath(__file__),
                                                 "--inner", exe], log, env,
                                                os.environ["MP_TEST_PASSWORD"]))
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=400)
        for line in mp_gui_session.app_log_lines(log):
            print(line)
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            print("# session (not judged): %s" % line)
        return proc.returncode
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
