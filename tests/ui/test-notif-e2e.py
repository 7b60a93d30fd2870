#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: new mail delivered to the real Dovecot shows up as ONE desktop
notification from the Mailpeek application, and a restart does not announce it again.

    with-dovecot.py -- test-notif-e2e.py MAILPEEK_TEST_APP SERVICES_EXE

SERVICES_EXE (test-notif-services.c) owns org.freedesktop.Notifications and
org.kde.StatusNotifierWatcher on the private bus and logs every call as JSON; the app
(tests/ui/mailpeek-test-app.c: the application `mailpeek` is built from, plus the
driver) is driven by MAILPEEK_TEST_SCRIPT (tests/ui/mp-test-driver.c); its account
is in accounts.conf, the password in a private keyring (mp_gui_session.py).
Exit 77 = skipped.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import mp_gui_session

FAILURES = []
APP_ID = "io.github.mailpeek.Mailpeek"


def check(cond, what):
    print(("ok   - " if cond else "FAIL - ") + what)
    if not cond:
        FAILURES.append(what)
    return cond


def run_app(exe, services, home, script, name, args=(), during=None, extra_env=None,
            command=None, password=None, account_keys=()):
    """Runs the app (or @command, which starts it) on a private bus where SERVICES_EXE
    logs the notification and tray calls; @password is what the keyring holds for
    the account (the Dovecot's by default); @account_keys: more "key=value" lines
    of the account in accounts.conf."""
    tmp = os.path.join(home, name)
    os.makedirs(tmp, exist_ok=True)
    script_path = os.path.join(tmp, "script.txt")
    out_path = os.path.join(tmp, "out.jsonl")
    log_path = os.path.join(tmp, "dbus.jsonl")
    app_log = os.path.join(tmp, "app.log")
    with open(script_path, "w", encoding="utf-8") as f:
        f.write("\n".join(script) + "\n")
    env = dict(os.environ)
    env.update({
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
        "XDG_RUNTIME_DIR": os.path.join(home, "run"),
        "GSETTINGS_BACKEND": "memory",
        "GSETTINGS_SCHEMA_DIR": os.path.join(os.environ["MP_BUILD_ROOT"], "data"),
        "NO_AT_BRIDGE": "1",
        "GSK_RENDERER": "cairo",
        "GDK_BACKEND": "x11",
        "MAILPEEK_TEST_SCRIPT": script_path,
        "MAILPEEK_TEST_OUTPUT": out_path,
        # An app the bus activates appends its output here too (activation run).
        "MP_E2E_APP_LOG": app_log,
    })
    env.pop("MALLOC_CHECK_", None)
    env.pop("MP_TEST_TRAY_CLICK", None)
    env.update(extra_env or {})
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    mp_gui_session.write_account(env["XDG_CONFIG_HOME"], os.environ["MP_TEST_USER"],
                                 os.environ["MP_TEST_HOST"], os.environ["MP_TEST_POP3S_PORT"],
                                 os.environ["MP_TEST_CA_FILE"], account_keys)
    app_cmd = command or [exe] + list(args)
    cmd = (["xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
            "dbus-run-session", "--", services, log_path, "--"]
           + mp_gui_session.session_command(app_cmd, app_log, env,
                                            password or os.environ["MP_TEST_PASSWORD"]))
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(cmd, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            if during:
                during(out_path)
            proc.wait(timeout=240)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        output.seek(0)
        session = output.read().decode("utf-8", "replace")
    lines = mp_gui_session.app_log_lines(app_log)
    for line in lines:
        if "CRITICAL" in line or "ERROR" in line or os.environ.get("MP_E2E_VERBOSE"):
            print("# app: %s" % line)
    for line in session.splitlines():
        if "CRITICAL" in line or "mp_gui_session" in line or os.environ.get("MP_E2E_VERBOSE"):
            print("# session (not judged): %s" % line)
    check(proc.returncode == 0, "%s: mailpeek exited cleanly (%d)" % (name, proc.returncode))
    # Only the app's own output: a notification daemon the bus activated (dunst)
    # complains on its own when the test's bus ends.
    check(not any("CRITICAL" in l for l in lines), "%s: no GLib criticals" % name)

    def read(path):
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip()]
    return read(out_path), read(log_path)


def notifies(calls):
    return [c for c in calls if c["method"] == "Notify"]


def wait_for_observation(out_path, cmd, timeout=60):
    """Blocks until the app's driver wrote an observation of @cmd."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(out_path):
            with open(out_path, encoding="utf-8") as f:
                for line in f:
                    if line.endswith("\n") and line.strip() and json.loads(line)["cmd"] == cmd:
                        return True
        time.sleep(0.05)
    return False


def deliver(home, text, name):
    path = os.path.join(home, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    script = os.path.join(os.environ["MP_SOURCE_ROOT"], "tests", "harness", "deliver.py")
    subprocess.run([sys.executable, script, path], check=True, stdout=subprocess.PIPE)


MESSAGE = """From: Nora Newman <nora@example.org>
To: Alice Example <alice@example.test>
Subject: =?UTF-8?Q?Fresh_tray_test_=E2=98=95?=
Date: Wed, 25 Nov 2026 08:00:00 +0000
Message-ID: <notif-e2e-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

A message delivered while the tests were running.
"""

MESSAGE_2 = """From: Otto Later <otto@example.org>
To: Alice Example <alice@example.test>
Subject: While you were away
Date: Wed, 25 Nov 2026 09:00:00 +0000
Message-ID: <notif-e2e-2@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Delivered while Mailpeek ran without a window.
"""

MESSAGE_3 = """From: Wendy Gone <wendy@example.org>
To: Alice Example <alice@example.test>
Subject: After the window closed
Date: Wed, 25 Nov 2026 10:00:00 +0000
Message-ID: <notif-e2e-3@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Delivered after the window was closed in background mode.
"""


def main():
    if len(sys.argv) != 3:
        print("usage: test-notif-e2e.py MAILPEEK_TEST_APP SERVICES_EXE", file=sys.stderr)
        return 2
    exe, services = sys.argv[1:3]
    for tool in ("xvfb-run", "dbus-run-session") + mp_gui_session.REQUIRED_TOOLS:
        if not shutil.which(tool):
            print("SKIP: %s is not installed" % tool)
            return 77
    if "MP_TEST_MAILDIR" not in os.environ:
        print("SKIP: not run under with-dovecot.py")
        return 77

    home = tempfile.mkdtemp(prefix="mp-notif-e2e-")
    try:
        # Run 1: the first check of a new account announces nothing.
        obs, calls = run_app(exe, services, home, ["wait-idle 60", "quit"], "first")
        idle = [o for o in obs if o["cmd"] == "wait-idle"]
        check(idle and idle[0].get("state") == "idle", "first: the check succeeded: %r" % idle[:1])
        check(notifies(calls) == [], "first: no notification for mail that was already there")
        regs = [c for c in calls if c["method"] == "RegisterStatusNotifierItem"]
        check(len(regs) == 1, "first: the tray icon registered once with the watcher (%d)" % len(regs))
        if regs:
            check(regs[0]["service"] == regs[0]["sender"] and regs[0]["service"].startswith(":"),
                  "first: registered under its unique bus name: %r" % regs[0])

        # New mail arrives on the server.
        deliver(home, MESSAGE, "new.eml")

        # Run 2: exactly one notification, naming sender and subject; the tray menu
        # counts the message, and its "Mark All as Seen" withdraws the notification.
        obs, calls = run_app(exe, services, home,
                             ["wait-idle 60", "sleep 2000", "status", "rows", "quit"], "new-mail",
                             extra_env={"MP_TEST_TRAY_CLICK": "_Mark All as Seen"})
        sent = notifies(calls)
        idle = [o for o in obs if o["cmd"] == "wait-idle"]
        # The check fetched the one header it did not know.  (Its count of new mail is
        # checked through the notification and the tray menu below: the fake watcher
        # clicks Mark All as Seen as soon as the notification is up, which may be
        # before the driver's wait-idle looks — under ASan it was.)
        check(idle and idle[0].get("state") == "idle" and idle[0].get("total") == 1
              and idle[0].get("done") == 1,
              "new-mail: the check fetched the new message's header: %r" % idle[:1])
        check(len(sent) == 1, "new-mail: one notification for one new message (%d)" % len(sent))
        if sent:
            n = sent[0]
            check(re.fullmatch(r"1 new message on .+", n["summary"]) is not None,
                  "new-mail: summary %r" % n["summary"])
            check(n["body"] == "Nora Newman — Fresh tray test ☕", "new-mail: body %r" % n["body"])
            check(n["desktop_entry"] == APP_ID, "new-mail: desktop-entry hint %r" % n["desktop_entry"])
            check("mark-seen" in n["actions"] and "open" in n["actions"],
                  "new-mail: Open and Mark as seen actions %r" % n["actions"])
        layouts = [c for c in calls if c["method"] == "Layout"]
        labels = [[i["label"] for i in l["items"]] for l in layouts]
        counted = [i for i, l in enumerate(labels) if any(re.fullmatch(r".+: 1 new message", x) for x in l)]
        check(bool(counted), "new-mail: the tray menu shows the account with 1 new message: %r"
              % (labels[-1:],))
        clicks = [i for i, c in enumerate(calls) if c["method"] == "Clicked"]
        check(len(clicks) == 1, "new-mail: the tray's Mark All as Seen was clicked")
        if clicks and sent:
            after = calls[clicks[0]:]
            closes = [c for c in after if c["method"] == "CloseNotification"]
            check(any(c["id"] == sent[0]["id"] for c in closes),
                  "new-mail: Mark All as Seen withdrew the notification")
            later = [[i for i in c["items"]] for c in after if c["method"] == "Layout"]
            check(bool(later) and any(i["label"].endswith(": no new mail") for i in later[-1])
                  and any(i["label"] == "_Mark All as Seen" and not i["enabled"] for i in later[-1]),
                  "new-mail: afterwards the menu shows no new mail: %r" % (later[-1:],))
            # The window follows too: its mailbox counts no new mail (sidebar badge,
            # status line) and the row is no longer new (bold).
            status = [o for o in obs if o["cmd"] == "status"]
            check(status and status[-1].get("new") == 0,
                  "new-mail: afterwards the window counts 0 new: %r" % status[-1:])
            rows = [o for o in obs if o["cmd"] == "rows"]
            check(rows and rows[-1]["count"] >= 1
                  and not any(r["new"] for r in rows[-1]["rows"]),
                  "new-mail: afterwards no row is shown as new: %r" % rows[-1:])

        # Run 3: a restart does not announce the same mail again.
        obs, calls = run_app(exe, services, home, ["wait-idle 60", "sleep 500", "quit"], "restart")
        check(notifies(calls) == [], "restart: no repeated notification")

        # Run 4: started with --background (as at login): no window, yet mail that
        # arrives while it runs is announced.
        # The session runs with no window at all (the driver asks the session).
        def deliver_after_first_check(out_path):
            if check(wait_for_observation(out_path, "session-wait-idle"),
                     "background: the first check ran (started with --background)"):
                deliver(home, MESSAGE_2, "second.eml")
        obs, calls = run_app(exe, services, home,
                             ["session-wait-idle 60", "sleep 1500", "session-check",
                              "session-wait-idle 60", "sleep 500", "windows", "quit"],
                             "background", args=["--background"],
                             during=deliver_after_first_check)
        sent = notifies(calls)
        check(len(sent) == 1, "background: one notification for the mail delivered meanwhile (%d)"
              % len(sent))
        if sent:
            check(sent[0]["body"] == "Otto Later — While you were away",
                  "background: body %r" % sent[0]["body"])

        check(all(not o.get("window", True) for o in obs if o["cmd"] == "session-wait-idle"),
              "background: no main window was ever created: %r"
              % [o for o in obs if o["cmd"] == "session-wait-idle"])

        # Run 4b: in background mode (the tray is there) closing the window destroys
        # it; a scheduled check still runs and notifies; opening the window again
        # shows the same rows at once, before any check of its own.
        def deliver_after_window_gone(out_path):
            if check(wait_for_observation(out_path, "wait-window-gone"),
                     "window-closed: the script closed the window"):
                deliver(home, MESSAGE_3, "third.eml")
        obs, calls = run_app(exe, services, home,
                             ["wait-idle 60", "close-window", "wait-window-gone 20", "sleep 1500",
                              "scheduled-check", "session-wait-idle 60", "sleep 500",
                              "open-window", "rows", "quit"],
                             "window-closed", during=deliver_after_window_gone)
        gone = [o for o in obs if o["cmd"] == "wait-window-gone"]
        check(gone and "error" not in gone[0],
              "window-closed: the window object was finalized after closing: %r" % gone)
        # Otto's message (the background run's) was never viewed: it is still new,
        # and the one bubble sums up both, newest first (issue 13, items 3-4).
        idle = [o for o in obs if o["cmd"] == "session-wait-idle"]
        check(idle and idle[0].get("state") == "idle" and idle[0].get("new") == 2
              and idle[0].get("window") is False,
              "window-closed: the scheduled check ran with no window and found the mail: %r"
              % idle)
        sent = notifies(calls)
        check(len(sent) == 1 and re.fullmatch(r"2 new messages on .+", sent[0]["summary"])
              and sent[0]["body"] == "Wendy Gone — After the window closed\n"
                                     "Otto Later — While you were away",
              "window-closed: one notification summing up both: %r"
              % [(n["summary"], n["body"]) for n in sent])
        opened = [o for o in obs if o["cmd"] == "open-window"]
        check(opened and idle and opened[0].get("state") == "idle"
              and opened[0].get("messages") == idle[0].get("messages")
              and opened[0].get("list_items") == idle[0].get("messages"),
              "window-closed: the new window shows the same rows at once: %r" % opened)
        rows = [o for o in obs if o["cmd"] == "rows"]
        check(rows and "After the window closed" in [r["subject"] for r in rows[-1]["rows"]],
              "window-closed: its list has the mail the windowless check found")

        # Run 5: a wrong password. Two failing checks, one failure notification.
        obs, calls = run_app(exe, services, home,
                             ["wait-idle 60", "action check", "wait-idle 60", "sleep 300", "quit"],
                             "failure", password="not-the-password")
        idle = [o for o in obs if o["cmd"] == "wait-idle"]
        check(len(idle) == 2 and all(o.get("state") == "error" for o in idle),
              "failure: both checks failed: %r" % [o.get("state") for o in idle])
        sent = notifies(calls)
        check(len(sent) == 1, "failure: one notification for the failure streak (%d)" % len(sent))
        if sent:
            check(re.fullmatch(r"Could not check .+", sent[0]["summary"]) is not None,
                  "failure: summary %r" % sent[0]["summary"])
            check("password" in sent[0]["body"], "failure: body %r" % sent[0]["body"])

        # Run 6: launched the way the desktop launches a DBusActivatable app: the bus
        # starts it from the installed D-Bus service file, then Activate.
        service_in = os.path.join(os.environ["MP_BUILD_ROOT"], "data", APP_ID + ".service")
        services_dir = os.path.join(home, "xdg-data", "dbus-1", "services")
        os.makedirs(services_dir, exist_ok=True)
        with open(service_in, encoding="utf-8") as f:
            service = f.read()
        check(re.search(r"(?m)^Name=%s$" % re.escape(APP_ID), service) is not None,
              "activation: the service file names the app id")
        # The bus starts the app through a wrapper that keeps its output in the run's
        # log (the bus's own output is not the app's).
        wrapper = os.path.join(home, "activated-app.sh")
        with open(wrapper, "w", encoding="utf-8") as f:
            f.write('#!/bin/sh\nexec "%s" "$@" >>"$MP_E2E_APP_LOG" 2>&1\n' % exe)
        os.chmod(wrapper, 0o755)
        service = re.sub(r"(?m)^Exec=\S+", "Exec=" + wrapper, service)
        check("--gapplication-service" in service, "activation: Exec starts GApplication service mode")
        with open(os.path.join(services_dir, APP_ID + ".service"), "w", encoding="utf-8") as f:
            f.write(service)
        launcher = ("gdbus call --session --dest %s --object-path /%s "
                    "--method org.freedesktop.Application.Activate '{}' >/dev/null && "
                    "while gdbus call --session --dest org.freedesktop.DBus "
                    "--object-path /org/freedesktop/DBus --method org.freedesktop.DBus.NameHasOwner "
                    "%s | grep -q true; do sleep 0.2; done") % (
                        APP_ID, APP_ID.replace(".", "/"), APP_ID)
        obs, calls = run_app(exe, services, home, ["sleep 300", "status", "quit"], "activation",
                             command=["sh", "-c", launcher],
                             extra_env={"XDG_DATA_DIRS": os.path.join(home, "xdg-data") + ":" +
                                        os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share")})
        check(any(o["cmd"] == "status" for o in obs),
              "activation: the bus started the app and Activate reached it")
        regs = [c for c in calls if c["method"] == "RegisterStatusNotifierItem"]
        check(len(regs) == 1, "activation: its tray icon registered")
    finally:
        shutil.rmtree(home, ignore_errors=True)

    if FAILURES:
        print(mp_gui_session.failed_line(FAILURES))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
