#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: "Open Mail Client" in the tray menu and in the new-mail notification
starts the user's mail program.

    with-dovecot.py -- test-mail-client.py MAILPEEK_TEST_APP SERVICES_EXE

A fake mail program is the default x-scheme-handler/mailto application of a private
XDG_DATA_HOME (its .desktop file) and XDG_CONFIG_HOME (mimeapps.list); it appends a
line to a marker file when started.  New mail is delivered before each run so a
notification is sent; SERVICES_EXE (test-notif-services.c) then clicks the tray
menu's item through com.canonical.dbusmenu (Event), or invokes the notification's
action (ActionInvoked).  An account's mail-client key overrides the default.
"""

import importlib.util
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("e2e", os.path.join(HERE, "test-notif-e2e.py"))
e2e = importlib.util.module_from_spec(spec)
spec.loader.exec_module(e2e)
check = e2e.check
sys.path.insert(0, HERE)
import mp_gui_session as gui_session  # noqa: E402

MESSAGE = """From: Mona Client <mona@example.org>
To: Alice Example <alice@example.test>
Subject: Open me in your mail program
Date: Thu, 26 Nov 2026 08:00:00 +0000
Message-ID: <mail-client-%d@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Delivered so that a notification is sent.
"""


def install_fake_handler(home, marker):
    """The fake mail program, the desktop's default mailto handler in @home."""
    return gui_session.install_default_app(home, "mp-fake-mail", 'echo "$0 $*" >> "%s"\n' % marker,
                                           "default-handler %u", "x-scheme-handler/mailto")


def wait_for_lines(marker, n, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(marker):
            with open(marker, encoding="utf-8") as f:
                lines = f.read().splitlines()
            if len(lines) >= n:
                return lines
        time.sleep(0.05)
    if not os.path.exists(marker):
        return []
    with open(marker, encoding="utf-8") as f:
        return f.read().splitlines()


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, services = sys.argv[1:3]
    for tool in ("xvfb-run", "dbus-run-session") + e2e.mp_gui_session.REQUIRED_TOOLS:
        if not shutil.which(tool):
            print("SKIP: %s is not installed" % tool)
            return 77
    if "MP_TEST_MAILDIR" not in os.environ:
        print("SKIP: not run under with-dovecot.py")
        return 77

    home = tempfile.mkdtemp(prefix="mp-mail-client-")
    marker = os.path.join(home, "launched.txt")
    script = install_fake_handler(home, marker)
    n_delivered = [0]

    def run(name, env, account_keys=()):
        n_delivered[0] += 1
        e2e.deliver(home, MESSAGE % n_delivered[0], "m%d.eml" % n_delivered[0])
        before = len(wait_for_lines(marker, 0, timeout=0))

        def wait_launch(out_path):
            wait_for_lines(marker, before + 1)
        obs, calls = e2e.run_app(exe, services, home, ["wait-idle 60", "sleep 3000", "quit"],
                                 name, extra_env=env, during=wait_launch,
                                 account_keys=account_keys)
        return calls, wait_for_lines(marker, before + 1, timeout=1)[before:]

    try:
        # The first check of a new account announces nothing: a baseline run.
        e2e.run_app(exe, services, home, ["wait-idle 60", "quit"], "first")

        calls, launched = run("tray", {"MP_TEST_TRAY_CLICK": "Open Mail _Client"})
        layouts = [c for c in calls if c["method"] == "Layout"]
        check(any(i["label"] == "Open Mail _Client" and i["enabled"]
                  for l in layouts for i in l["items"]),
              "tray: the menu has an enabled Open Mail Client item")
        check(any(c["method"] == "Clicked" for c in calls), "tray: the item was clicked")
        check(launched == ["%s default-handler" % script],
              "tray: the default mailto handler was started: %r" % launched)

        calls, launched = run("notification", {"MP_TEST_NOTIFICATION_ACTION": "open-mail-client"})
        sent = e2e.notifies(calls)
        check(sent and "open-mail-client" in sent[0]["actions"],
              "notification: it offers Open Mail Client: %r" % (sent[0]["actions"] if sent else None))
        check(any(c["method"] == "ActionInvoked" for c in calls),
              "notification: the action was invoked")
        check(launched == ["%s default-handler" % script],
              "notification: the default mailto handler was started: %r" % launched)

        calls, launched = run("override", {"MP_TEST_NOTIFICATION_ACTION": "open-mail-client"},
                              account_keys=["mail-client=%s account-command" % script])
        check(launched == ["%s account-command" % script],
              "override: the account's mail-client command was started instead: %r" % launched)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if e2e.FAILURES:
        print(mp_gui_session.failed_line(e2e.FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
