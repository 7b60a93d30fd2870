#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""GUI test: the Mailpeek application under Xvfb against the private Dovecot.

    with-dovecot.py [--large N] -- test-gui.py MODE MAILPEEK_TEST_APP SCREENSHOT_DIR

MODE "main": list + preview against the manifest, delete with confirmation and the
undo period, undo, filter, new-mail marking on the next start, wrong password and
untrusted certificate (with "Trust this certificate") — then a second POP3
connection (poplib) proves what the server really holds.
MODE "fault": a scripted fake server (tests/harness/fake-pop3.py) answers QUIT with
-ERR after DELE: the deleted row comes back and the window says nothing was deleted;
the same with the window closed right after the confirmation is reported on stderr.
MODE "large": 10,000 headers stream in while the main loop never stalls, and Stop
cancels within 100 ms.
MODE "sort": newest first by default, new mail at the top, a Date in 2099 placed by
arrival; the user's sort column survives a restart.
MODE "rules": a delete rule made in the Rules dialog, its dry run, and the next
start's check applying it (server, recycle bin, activity log).
MODE "close": delete + confirm, then close the window at once: the deletion is sent
right away and the app waits for it; a second POP3 session shows the message gone.
MODE "cache": after one check, the next start shows the cached rows marked "As of"
before any check; started with the server unreachable, the same rows are marked
"Offline — last checked".

MAILPEEK_TEST_APP (tests/ui/mailpeek-test-app.c) is the application `mailpeek` is
built from plus the scripted driver (tests/ui/mp-test-driver.c): real UI actions;
observations come back as JSON lines.  The account is an entry of accounts.conf,
its password in a private gnome-keyring (mp_gui_session.py).  Exit 77 = skipped.
For investigating: MP_GUI_WRAP runs the app under a tool (e.g. "perf record -g
-o /tmp/mp.data --"), MP_GUI_LOG=PREFIX keeps each run's output in PREFIX.NAME.
"""

import datetime
import email
import email.policy
import glob
import json
import os
import poplib
import re
import shutil
import ssl
import subprocess
import sys
import tempfile

import mp_gui_session

FAILURES = []
LAST_LOG = [""]   # the app's own output (stdout + stderr) in the last run_app()


def check(cond, what):
    if cond:
        print("ok   - %s" % what)
    else:
        print("FAIL - %s" % what)
        FAILURES.append(what)
    return cond


def skip(why):
    print("SKIP: %s" % why)
    sys.exit(77)


def run_app(exe, home, script, *, user=None, password=None, ca_file=True, port=None,
            timeout=300, name="run", autocheck=True, host=None, test_account=True,
            timing=False, schemas=False, during=None, keyfile=False,
            settings_backend="memory"):
    """Runs the app with @script; returns the list of observations.
    @test_account: accounts.conf holds one account for @user at @host:@port (the
    Dovecot's by default) and the private keyring its password; otherwise the
    config and the keyring are left as the earlier runs in @home left them.
    @settings_backend "keyfile" keeps GSettings in @home from one run to the next."""
    tmp = os.path.join(home, name)
    os.makedirs(tmp, exist_ok=True)
    script_path = os.path.join(tmp, "script.txt")
    out_path = os.path.join(tmp, "out.jsonl")
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
        "GSETTINGS_BACKEND": settings_backend,
        "NO_AT_BRIDGE": "1",
        "GSK_RENDERER": "cairo",
        "GDK_BACKEND": "x11",
        "MAILPEEK_TEST_SCRIPT": script_path,
        "MAILPEEK_TEST_OUTPUT": out_path,
    })
    env.pop("MALLOC_CHECK_", None)   # slows GTK a lot; the heartbeat test measures time
    if timing:
        env.pop("MALLOC_PERTURB_", None)   # a memset on every malloc and free
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    if test_account:
        if ca_file is True:
            ca_file = os.environ["MP_TEST_CA_FILE"]
        mp_gui_session.write_account(env["XDG_CONFIG_HOME"], user or os.environ["MP_TEST_USER"],
                                     host or os.environ["MP_TEST_HOST"],
                                     port or os.environ["MP_TEST_POP3S_PORT"], ca_file or None)
        password = password or os.environ["MP_TEST_PASSWORD"]
    else:
        password = None
    if not autocheck:
        env["MAILPEEK_TEST_NO_AUTOCHECK"] = "1"
    if schemas:
        # The app's schema compiled in the build tree: app-level settings exist.
        env["GSETTINGS_SCHEMA_DIR"] = os.path.join(os.environ["MP_BUILD_ROOT"], "data")
    if keyfile:
        # Settings in a file of the private HOME: they survive a restart of the app.
        env["GSETTINGS_BACKEND"] = "keyfile"

    # A private bus and a private Secret Service whose keyring file lives in the
    # private HOME (a second run finds a stored password again).
    # MP_GUI_WRAP runs the app under a tool, e.g. "perf record -g -o /tmp/mp.data --".
    app_cmd = os.environ.get("MP_GUI_WRAP", "").split() + [exe]
    cmd = (["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--"]
           + mp_gui_session.session_command(app_cmd, app_log, env, password))
    # @during(out_path) runs while the app does (it may wait for observations).
    returncode, session = mp_gui_session.run_session(
        cmd, env, timeout, (lambda: during(out_path)) if during else None)
    lines = mp_gui_session.app_log_lines(app_log)
    LAST_LOG[0] = "\n".join(lines)
    if os.environ.get("MP_GUI_LOG"):
        with open(os.environ["MP_GUI_LOG"] + "." + name, "w", encoding="utf-8") as f:
            f.write(LAST_LOG[0] + "\n# session:\n" + session)
    obs = []
    if os.path.exists(out_path):
        with open(out_path, encoding="utf-8") as f:
            obs = [json.loads(line) for line in f if line.strip()]
    print("# %s: exit %d, %d observations" % (name, returncode, len(obs)))
    for line in lines:
        if "CRITICAL" in line or "WARNING" in line or "ERROR" in line:
            print("# app: %s" % line)
    for line in session.splitlines():
        if "CRITICAL" in line or "WARNING" in line or "mp_gui_session" in line:
            print("# session (not judged): %s" % line)
    check(returncode == 0, "%s: mailpeek exited cleanly" % name)
    # Only the app's own output: other services on the session bus (a notification
    # daemon the bus activated, say) print their own complaints when it ends.
    check(not any("CRITICAL" in l for l in lines), "%s: no GLib criticals" % name)
    return obs


def by_cmd(obs, cmd):
    return [o for o in obs if o["cmd"] == cmd]


pop3_listing = mp_gui_session.pop3_listing


def parse_iso(text):
    if not text:
        return None
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def newest_first(manifest):
    """The manifest (server order) as the list shows it by default: newest Date
    first, a later arrival first among equal dates."""
    return [m for _, m in sorted(enumerate(manifest), reverse=True,
                                 key=lambda im: (parse_iso(im[1]["date"]), im[0]))]


def check_rows_match_manifest(rows, manifest, what):
    check(len(rows) == len(manifest), "%s: %d rows shown for %d messages" % (what, len(rows), len(manifest)))
    for i, (row, m) in enumerate(zip(rows, newest_first(manifest))):
        ok = (row["subject"] == m["subject"] and row["from_addr"] == m["from_addr"]
              and row["from_name"] == m["from_name"] and row["size"] == m["size"]
              and row["attachments"] == bool(m["attachments"])
              and parse_iso(row["date"]) == parse_iso(m["date"]))
        if not ok:
            check(False, "%s: row %d %r matches manifest %r" % (what, i, row, m))
            return
    check(True, "%s: every row (subject, sender, date, size, attachment mark) matches the manifest" % what)


# ------------------------------------------------------------------ main mode

def main_mode(exe, shots):
    with open(os.environ["MP_TEST_MANIFEST"], encoding="utf-8") as f:
        manifest = json.load(f)
    home = tempfile.mkdtemp(prefix="mp-gui-")
    try:
        by_subject = {m["subject"]: m for m in manifest}
        shown = by_subject["Photos and documents"]
        victim = by_subject["Invoice 2024-0317"]
        kept = by_subject["Contract draft v3"]
        big = by_subject["Full backup of the photo archive"]

        # ---------------------------------------------------------------- run 1
        obs = run_app(exe, home, [
            "wait-idle 60",
            "rows",
            "select-subject " + shown["subject"],
            "wait-preview",
            "sleep 400",
            "screenshot %s/list-preview.png" % shots,
            "select-subject " + victim["subject"],
            "action delete",
            "wait-dialog",
            "sleep 400",
            "screenshot %s/delete-confirm.png" % shots,
            "respond delete",
            "rows",
            "wait-delete 30",
            "select-subject " + kept["subject"],
            "action delete",
            "wait-dialog",
            "respond delete",
            "rows",
            "undo",
            "sleep 300",
            "rows",
            "sleep 6500",
            "status",
            "filter müller",
            "rows",
            "filter ",
            "rows",
            # Sorting by a column header, both ways.
            "sort 3 desc",
            "rows",
            "sort 1 asc",
            "rows",
            "sort 2 asc",
            # Two rows selected: one confirmation naming both and their total size.
            "select-subject " + shown["subject"],
            "select-add-subject " + kept["subject"],
            "action delete",
            "wait-dialog",
            "respond cancel",
            "status",
            # Partial preview (TOP) of a big message, then the whole one (RETR).
            "select-subject " + big["subject"],
            "wait-preview",
            "action load-whole",
            "wait-preview",
            "action view-source",
            "sleep 400",
            "windows",
            "screenshot %s/source.png" % shots,
            "close-dialogs",
            "action add-account",
            "sleep 400",
            "windows",
            "screenshot %s/account-dialog.png" % shots,
            "close-dialogs",
            "action show-help-overlay",
            "sleep 400",
            "windows",
            "screenshot %s/shortcuts.png" % shots,
            "close-dialogs",
            "quit",
        ], name="main")

        idle = by_cmd(obs, "wait-idle")
        check(idle and idle[0].get("state") == "idle" and "error" not in idle[0],
              "first check finishes without error: %r" % (idle[:1],))
        rows = by_cmd(obs, "rows")
        check(len(rows) == 8, "all eight row dumps were written")
        if len(rows) < 8:
            return
        check_rows_match_manifest(rows[0]["rows"], manifest, "first check")
        check(all(not r["new"] for r in rows[0]["rows"]),
              "the first check of a new account marks nothing new")

        preview = by_cmd(obs, "wait-preview")
        check(preview and preview[0]["state"] == "text" and
              shown["preview_contains"] in preview[0]["text"],
              "preview shows the decoded text (%r)" % shown["preview_contains"])

        dialog = by_cmd(obs, "wait-dialog")
        check(len(dialog) == 3, "delete asked for confirmation three times")
        if dialog:
            check("1 Message" in dialog[0].get("heading", ""),
                  "confirmation names the count: %r" % dialog[0].get("heading"))
            check("9.9 kB" in dialog[0].get("body", "").replace("\u00a0", " "),
                  "confirmation names the total size: %r" % dialog[0].get("body"))

        subjects_after_delete = [r["subject"] for r in rows[1]["rows"]]
        check(victim["subject"] not in subjects_after_delete and
              len(subjects_after_delete) == len(manifest) - 1,
              "the deleted row leaves the list at once")
        deleted = by_cmd(obs, "wait-delete")
        check(deleted and deleted[0].get("result") == "deleted",
              "the delete job reports success after the undo period: %r" % (deleted[:1],))
        if deleted:
            check(deleted[0].get("waited_ms", 0) >= 4500,
                  "nothing was sent before the undo period ended (%s ms)" % deleted[0].get("waited_ms"))
        check(kept["subject"] not in [r["subject"] for r in rows[2]["rows"]],
              "the second row leaves the list at once")
        check([r["subject"] for r in rows[3]["rows"]] == subjects_after_delete,
              "undo puts the row back in its place")
        status = by_cmd(obs, "status")
        check(status and status[0].get("messages") == len(manifest) - 1,
              "after the undo period nothing more left the list: %r" % (status[:1],))
        filtered = [r["subject"] for r in rows[4]["rows"]]
        expected = [m["subject"] for m in manifest
                    if m["subject"] != victim["subject"]
                    and ("müller" in (m["from_name"] + " <" + m["from_addr"] + ">").casefold()
                         or "müller" in m["subject"].casefold())]
        check(filtered == expected and len(expected) > 0,
              "filter on sender/subject shows exactly %r (got %r)" % (expected, filtered))
        check(len(rows[5]["rows"]) == len(manifest) - 1, "clearing the filter shows all rows again")

        sizes = [r["size"] for r in rows[6]["rows"]]
        check(sizes == sorted(sizes, reverse=True) and len(sizes) == len(manifest) - 1,
              "sorting by size (descending) orders the rows")
        subjects = [r["subject"] for r in rows[7]["rows"]]
        check(subjects[0] < subjects[-1] and len(subjects) == len(manifest) - 1 and
              subjects != [r["subject"] for r in rows[5]["rows"]],
              "sorting by subject changes the order: %r" % subjects[:3])
        if len(dialog) == 3:
            total = (shown["size"] + kept["size"]) / 1000.0
            body = dialog[2].get("body", "").replace("\u00a0", " ")
            check("2 Messages" in dialog[2].get("heading", ""),
                  "two selected rows: the heading says 2 Messages: %r" % dialog[2].get("heading"))
            check(("%.1f kB" % total) in body, "the body names the total size %.1f kB: %r" % (total, body))
        status = by_cmd(obs, "status")
        check(len(status) == 2 and status[1].get("messages") == len(manifest) - 1,
              "cancelling the confirmation removes nothing")

        if check(len(preview) == 3, "three previews were shown"):
            partial, whole = preview[1], preview[2]
            check(partial["state"] == "text" and partial["load_whole_enabled"] and
                  big["preview_contains"] in partial["text"],
                  "a 200 KB message gets a partial preview with 'Load whole message' offered")
            check(whole["state"] == "text" and not whole["load_whole_enabled"] and
                  big["preview_contains"] in whole["text"],
                  "'Load whole message' fetches the complete message")
        windows = by_cmd(obs, "windows")
        if check(len(windows) == 3, "three secondary windows were opened"):
            check(windows[0]["windows"] == ["AdwWindow"], "View source opens a window: %r" % windows[0])
            check(windows[1]["windows"] == ["MpAccountDialog"], "Add account opens the dialog: %r" % windows[1])
            check(windows[2]["windows"] == ["GtkShortcutsWindow"],
                  "the shortcuts window opens: %r" % windows[2])

        # The server's truth, seen by a second connection.
        listing = pop3_listing()
        ids = set(listing.values())
        check(victim["message_id"] not in ids, "the deleted message is gone from the server")
        check(kept["message_id"] in ids, "the undone message is still on the server")
        check(len(listing) == len(manifest) - 1, "the server holds %d messages" % (len(manifest) - 1))

        # ---------------------------------------------------------------- run 2: new mail
        new_file = os.path.join(home, "new.eml")
        with open(new_file, "w", encoding="utf-8") as f:
            f.write("From: Nora New <nora@example.org>\r\nTo: alice@example.test\r\n"
                    "Subject: Fresh arrival\r\nDate: Thu, 14 Mar 2024 10:00:00 +0000\r\n"
                    "Message-ID: <fresh@example.org>\r\n\r\nA brand new message.\r\n")
        subprocess.run([sys.executable, os.path.join(os.environ["MP_SOURCE_ROOT"],
                                                     "tests", "harness", "deliver.py"), new_file],
                       check=True, stdout=subprocess.DEVNULL)
        obs = run_app(exe, home, [
            "wait-idle 60",
            "rows",
            "sleep 300",
            "screenshot %s/new-mail.png" % shots,
            "quit",
        ], name="new-mail")
        rows = by_cmd(obs, "rows")
        if check(rows, "rows after a restart"):
            new_rows = [r["subject"] for r in rows[0]["rows"] if r["new"]]
            check(new_rows == ["Fresh arrival"],
                  "only the delivered message is marked new (bold): %r" % new_rows)
            check(len(rows[0]["rows"]) == len(manifest), "24 old + 1 new rows")

        # ---------------------------------------------------------------- run 3: wrong password
        obs = run_app(exe, home, [
            "wait-idle 60",
            "sleep 300",
            "screenshot %s/error-password.png" % shots,
            "quit",
        ], password="not-the-password", name="wrong-password")
        idle = by_cmd(obs, "wait-idle")
        check(idle and idle[0].get("state") == "error" and
              "user name or password" in idle[0].get("banner", ""),
              "wrong password shows the error in plain words: %r" % (idle[:1],))

        # ---------------------------------------------------------------- run 4: untrusted certificate
        obs = run_app(exe, home, [
            "wait-idle 60",
            "sleep 300",
            "screenshot %s/error-certificate.png" % shots,
            "action trust-certificate",
            "wait-idle 60",
            "rows",
            "quit",
        ], ca_file=False, name="certificate")
        idle = by_cmd(obs, "wait-idle")
        fp = os.environ["MP_TEST_CERT_SHA256"]
        if check(len(idle) == 2, "two checks around the trust action"):
            banner = idle[0].get("banner", "")
            check(idle[0].get("state") == "error" and fp in banner.replace(":", "").lower(),
                  "certificate error shows the SHA-256 fingerprint: %r" % banner)
            grouped = ":".join(fp[i:i + 2] for i in range(0, len(fp), 2)).upper()
            check(grouped in banner and banner.count("not trusted") == 1,
                  "it says 'not trusted' once, the fingerprint in pairs: %r" % banner)
            check(idle[1].get("state") == "idle" and idle[1].get("messages") == len(manifest),
                  "after 'Trust this certificate' the check succeeds: %r" % idle[1])
        action = by_cmd(obs, "action")
        check(action and action[0]["enabled"], "the trust action was offered")
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


# ------------------------------------------------------------------ accounts mode

def accounts_mode(exe, shots):
    home = tempfile.mkdtemp(prefix="mp-gui-accounts-")
    password = os.environ["MP_TEST_PASSWORD"]
    fp = os.environ["MP_TEST_CERT_SHA256"]
    try:
        obs = run_app(exe, home, [
            "wait-drawn",
            "sleep 300",
            "screenshot %s/empty.png" % shots,
            "accounts",
            "menu",
            "action add-account",
            "sleep 300",
            "dialog-set name Alice at the test server",
            # Off, so the saved value differs from the default (round trip).
            "dialog-set notify false",
            "dialog-set host " + os.environ["MP_TEST_HOST"],
            "dialog-set security tls",
            "dialog-set port " + os.environ["MP_TEST_POP3S_PORT"],
            "dialog-set user " + os.environ["MP_TEST_USER"],
            "dialog-set password " + password,
            "dialog-click test",
            "wait-test-result 30",
            "sleep 300",
            "screenshot %s/account-test.png" % shots,
            # Trusting the certificate in the dialog runs the test again, pinned.
            "dialog-click trust",
            "wait-test-result 30",
            "sleep 300",
            "screenshot %s/account-test-ok.png" % shots,
            "dialog-click save",
            "wait-idle 60",
            "accounts",
            "rows",
            "quit",
        ], test_account=False, name="accounts")
        accounts = by_cmd(obs, "accounts")
        check(len(accounts) == 2 and accounts[0]["accounts"] == [],
              "no accounts at first (empty state)")
        result = by_cmd(obs, "wait-test-result")
        check(result and fp in result[0].get("result", "").replace(":", "").lower(),
              "Test connection names the untrusted certificate's fingerprint: %r" % (result[:1],))
        if len(result) == 2:
            check("Login succeeded" in result[1].get("result", "") and
                  "UIDL" in result[1].get("result", ""),
                  "after 'Trust this certificate' the test logs in and shows the capabilities: %r"
                  % result[1])
        menu = by_cmd(obs, "menu")
        items = {i["label"].replace("_", ""): i for i in (menu[0]["items"] if menu else [])}
        for label, action in (("Run in Background", "app.run-in-background"),
                              ("Start at Login", "app.start-at-login"),
                              ("Show Notifications", "app.notifications-enabled"),
                              ("Show Tray Icon", "app.show-tray-icon")):
            check(label in items and items[label]["action"] == action,
                  "the main menu has %r for %s: %r" % (label, action, items.get(label)))
            # Stateful boolean actions render as check items; they exist when the
            # schema is installed (the test environment compiles it).
            if label in items and items[label]["exists"]:
                check("state" in items[label], "%s has a boolean state" % action)
        sets = by_cmd(obs, "dialog-set")
        check(sets and all("error" not in x for x in sets),
              "every dialog field (incl. notify) could be set: %r" % sets)
        clicks = by_cmd(obs, "dialog-click")
        check(len(clicks) == 3 and all("error" not in c for c in clicks),
              "test, trust and save buttons were usable: %r" % clicks)
        idle = by_cmd(obs, "wait-idle")
        check(idle and idle[0].get("state") == "idle" and idle[0].get("messages") == 25,
              "the saved account (password in the keyring, certificate pinned) lists 25 messages: %r"
              % (idle[:1],))
        if len(accounts) == 2 and accounts[1]["accounts"]:
            check(accounts[1]["accounts"][0]["name"] == "Alice at the test server",
                  "the account shows in the sidebar")

        conf_path = os.path.join(home, ".config", "mailpeek", "accounts.conf")
        conf = open(conf_path, encoding="utf-8").read() if os.path.exists(conf_path) else ""
        check("Alice at the test server" in conf, "the account was saved to accounts.conf")
        check(password not in conf, "the password is not in accounts.conf")
        check(fp in conf.replace(":", "").lower(), "the pinned certificate was saved")
        check(re.search(r"^notify=false$", conf, re.M) is not None,
              "the dialog's 'Notify about new mail' switch (off) was saved as notify=false")

        # A second start: settings from the file, password from the keyring.
        obs = run_app(exe, home, [
            "wait-idle 60",
            "accounts",
            "quit",
        ], test_account=False, name="accounts-restart")
        accounts = by_cmd(obs, "accounts")
        check(accounts and accounts[0]["accounts"] and
              accounts[0]["accounts"][0].get("notify") is False,
              "after a restart the account's notify setting is still off: %r" % (accounts[:1],))
        idle = by_cmd(obs, "wait-idle")
        check(idle and idle[0].get("state") == "idle" and idle[0].get("messages") == 25,
              "after a restart the saved account checks with the password from the keyring: %r"
              % (idle[:1],))

        # With the schema installed the four menu items are live check items.
        # (data/meson.build compiles it into the build tree for tests.)
        check(os.path.exists(os.path.join(os.environ["MP_BUILD_ROOT"], "data",
                                          "gschemas.compiled")),
              "the GSettings schema is compiled in the build tree")
        obs = run_app(exe, home, [
            "wait-drawn",
            "menu",
            "app-action notifications-enabled",
            "menu",
            "quit",
        ], test_account=False, schemas=True, name="menu-settings")
        menus = by_cmd(obs, "menu")
        check(len(menus) == 2, "the menu was reported twice: %r" % menus)
        if len(menus) == 2:
            before = {i["action"]: i for i in menus[0]["items"]}
            after = {i["action"]: i for i in menus[1]["items"]}
            for action in ("app.run-in-background", "app.start-at-login",
                           "app.notifications-enabled", "app.show-tray-icon"):
                item = before.get(action, {})
                check(item.get("exists") and isinstance(item.get("state"), bool),
                      "with the schema, %s exists with a boolean state: %r" % (action, item))
            b = before.get("app.notifications-enabled", {}).get("state")
            a = after.get("app.notifications-enabled", {}).get("state")
            check(isinstance(b, bool) and a == (not b),
                  "activating Show Notifications toggles the setting (%r -> %r)" % (b, a))
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


# ------------------------------------------------------------------ fault mode

FAKE_LOGIN = """send +OK fake ready
expect CAPA
send +OK
send USER
send UIDL
send TOP
send .
expect USER alice
send +OK
expect PASS *
send +OK logged in
expect CAPA
send +OK
send USER
send UIDL
send TOP
send .
"""

FAKE_SCAN = """expect LIST
send +OK 2 messages
send 1 120
send 2 240
send .
expect UIDL
send +OK
send 1 uid-one
send 2 uid-two
send .
"""

# A check fetches the newest first.
FAKE_TOPS = """expect TOP 2 0
send +OK
send From: Bob Example <bob@example.org>
send Subject: Try to delete me
send Date: Tue, 5 Mar 2024 10:00:00 +0000
send
send .
expect TOP 1 0
send +OK
send From: Ann Example <ann@example.org>
send Subject: Keep me
send Date: Mon, 4 Mar 2024 10:00:00 +0000
send
send .
"""

# Selecting the row previews it: TOP with the account's preview lines.
FAKE_PREVIEW = """expect TOP 2 200
send +OK
send From: Bob Example <bob@example.org>
send Subject: Try to delete me
send Date: Tue, 5 Mar 2024 10:00:00 +0000
send
send This message stays on the server.
send .
"""

# After the undo period the delete job rescans the still open session, keeps a
# copy in the account's recycle bin (RETR), sends DELE, and the server refuses
# QUIT: nothing is committed.
FAKE_DELETE = """expect RETR 2
send +OK
send From: Bob Example <bob@example.org>
send Subject: Try to delete me
send
send This message stays on the server.
send .
expect DELE 2
send +OK marked
expect QUIT
send -ERR [SYS/TEMP] could not commit the deletion
"""


def fault_mode(exe, shots):
    home = tempfile.mkdtemp(prefix="mp-gui-fault-")
    try:
        cert = os.path.join(home, "cert.pem")
        key = os.path.join(home, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        script = os.path.join(home, "fake.txt")
        with open(script, "w") as f:
            f.write(FAKE_LOGIN + FAKE_SCAN + FAKE_TOPS + FAKE_PREVIEW + FAKE_SCAN + FAKE_DELETE)
        fake = subprocess.Popen([sys.executable,
                                 os.path.join(os.environ["MP_SOURCE_ROOT"], "tests", "harness",
                                              "fake-pop3.py"),
                                 "--tls", cert, key, script],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        port = fake.stdout.readline().split()[1]
        obs = run_app(exe, home, [
            "wait-idle 30",
            "sleep 200",
            "next-due",
            "rows",
            "select-subject Try to delete me",
            "wait-preview",
            "action delete",
            "wait-dialog",
            "respond delete",
            "rows",
            "wait-delete 30",
            "rows",
            "sleep 300",
            "screenshot %s/not-deleted.png" % shots,
            "quit",
        ], user="alice", password="secret", host="127.0.0.1", port=port, ca_file=cert,
            name="fault")
        try:
            _, err = fake.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            fake.kill()
            _, err = fake.communicate()
        check(fake.returncode == 0, "the client sent exactly LIST/UIDL/TOP n 0, TOP 2 200, then "
              "LIST/UIDL/RETR 2/DELE 2/QUIT in one session "
              "(fake server: %s)" % err.strip())
        rows = by_cmd(obs, "rows")
        if check(len(rows) == 3, "three row dumps"):
            check([r["subject"] for r in rows[0]["rows"]] == ["Try to delete me", "Keep me"],
                  "both messages listed, newest first")
            check([r["subject"] for r in rows[1]["rows"]] == ["Keep me"],
                  "the row leaves the list at once")
            check([r["subject"] for r in rows[2]["rows"]] == ["Try to delete me", "Keep me"],
                  "the row comes back in its place when QUIT is refused")
        due = by_cmd(obs, "next-due")
        check(due and 0 < due[0].get("seconds", -1) < 890,
              "without LOGIN-DELAY the next check follows the interval: %r" % (due[:1],))
        preview = by_cmd(obs, "wait-preview")
        check(preview and "stays on the server" in preview[0].get("text", ""), "preview shown")
        result = by_cmd(obs, "wait-delete")
        check(result and result[0].get("result") == "failed" and
              "Nothing was deleted" in result[0].get("toast", ""),
              "the window says nothing was deleted: %r" % (result[:1],))

        # The same refusal after the window was closed right after the confirmation:
        # the deletion is sent at once, and its failure is not silent (stderr).
        # This start knows both rows from the header cache: no TOP n 0.
        with open(script, "w") as f:
            f.write(FAKE_LOGIN + FAKE_SCAN + FAKE_PREVIEW + FAKE_SCAN + FAKE_DELETE)
        fake = subprocess.Popen([sys.executable,
                                 os.path.join(os.environ["MP_SOURCE_ROOT"], "tests", "harness",
                                              "fake-pop3.py"),
                                 "--tls", cert, key, script],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        port = fake.stdout.readline().split()[1]
        run_app(exe, home, [
            "wait-idle 30",
            "select-subject Try to delete me",
            "wait-preview",
            "action delete",
            "wait-dialog",
            "respond delete",
            "close-window",
        ], user="alice", password="secret", host="127.0.0.1", port=port, ca_file=cert,
            name="fault-closed")
        try:
            _, err = fake.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            fake.kill()
            _, err = fake.communicate()
        check(fake.returncode == 0, "after the window closed the client still sent "
              "LIST/UIDL/RETR 2/DELE 2/QUIT (fake server: %s)" % err.strip())
        reported = [l for l in LAST_LOG[0].splitlines() if "could not be deleted" in l]
        check(reported and "could not commit the deletion" in reported[0],
              "with the window gone, the refused deletion is reported on stderr: %r" % reported)

        # A server announcing LOGIN-DELAY 900 after login: the window hands the
        # delay to the scheduler, so the next check is not due before 900 s.
        with open(script, "w") as f:
            # (the capability goes into the second, post-login CAPA list)
            f.write(FAKE_LOGIN.rsplit("send .\n", 1)[0] + "send LOGIN-DELAY 900\nsend .\n"
                    + FAKE_SCAN)
        fake = subprocess.Popen([sys.executable,
                                 os.path.join(os.environ["MP_SOURCE_ROOT"], "tests", "harness",
                                              "fake-pop3.py"),
                                 "--tls", cert, key, script],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        port = fake.stdout.readline().split()[1]
        obs = run_app(exe, home, [
            "wait-idle 30",
            "sleep 200",
            "next-due",
            "quit",
        ], user="alice", password="secret", host="127.0.0.1", port=port, ca_file=cert,
            name="fault-login-delay")
        try:
            fake.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            fake.kill()
            fake.communicate()
        idle = by_cmd(obs, "wait-idle")
        check(idle and idle[0].get("state") == "idle" and idle[0].get("messages") == 2,
              "the LOGIN-DELAY server was checked: %r" % (idle[:1],))
        due = by_cmd(obs, "next-due")
        check(due and 895 <= due[0].get("seconds", -1) <= 900,
              "after LOGIN-DELAY 900 the next check is 900 s away: %r" % (due[:1],))
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


# ------------------------------------------------------------------ close mode

def close_mode(exe, shots):
    """Delete + confirm, then close the window at once: the deletion the user
    confirmed is sent right away (not after the undo period) and the app holds
    itself until the server answered; a fresh POP3 session proves it."""
    with open(os.environ["MP_TEST_MANIFEST"], encoding="utf-8") as f:
        manifest = json.load(f)
    victim = {m["subject"]: m for m in manifest}["Invoice 2024-0317"]
    home = tempfile.mkdtemp(prefix="mp-gui-close-")
    try:
        obs = run_app(exe, home, [
            "wait-idle 60",
            "select-subject " + victim["subject"],
            "action delete",
            "wait-dialog",
            "respond delete",
            "rows",
            "close-window",
        ], name="close")
        exited = datetime.datetime.now(datetime.timezone.utc)
        rows = by_cmd(obs, "rows")
        check(rows and victim["subject"] not in [r["subject"] for r in rows[0]["rows"]],
              "the confirmed row left the list before the window closed")
        closed = by_cmd(obs, "close-window")
        if check(closed, "the window was closed by the script"):
            at = datetime.datetime.fromtimestamp(closed[0]["at_us"] / 1e6, datetime.timezone.utc)
            waited = (exited - at).total_seconds()
            print("# the app exited %.2f s after its window closed" % waited)
            check(waited < 4.5, "the deletion was sent at once, not after the 5 s undo "
                  "period (app gone %.2f s after the close)" % waited)
        check("could not be deleted" not in LAST_LOG[0], "no failure was reported")
        listing = pop3_listing()
        ids = set(listing.values())
        check(victim["message_id"] not in ids,
              "a second POP3 session no longer sees the deleted message")
        check(len(listing) == len(manifest) - 1,
              "the server holds the other %d messages" % (len(manifest) - 1))
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


# ------------------------------------------------------------------ cache mode

def closed_port():
    """A loopback port nothing listens on (connecting is refused)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cache_mode(exe, shots):
    home = tempfile.mkdtemp(prefix="mp-gui-cache-")
    try:
        obs = run_app(exe, home, ["wait-idle 60", "status", "quit"], name="first")
        first = by_cmd(obs, "status")
        if not check(first and first[0].get("rows", 0) > 0 and first[0]["state"] == "idle",
                     "first run checks the mailbox: %r" % (first[:1],)):
            return
        n = first[0]["rows"]

        # No check at all: what is shown comes from the header cache.
        obs = run_app(exe, home, ["wait-drawn", "wait-rows %d 30" % n, "status", "sleep 300",
                                  "screenshot %s/cache-as-of.png" % shots, "quit"],
                      name="cached", autocheck=False)
        cached = by_cmd(obs, "status")
        if check(cached, "status after the restart"):
            check(cached[0]["rows"] == n and cached[0]["state"] == "idle",
                  "the restart shows the %d cached rows without a check: %r" % (n, cached[0]))
            check(cached[0]["status"].startswith("As of ") and
                  cached[0]["status"].endswith(" — %d messages" % n),
                  "the status line marks them 'As of … — %d messages': %r"
                  % (n, cached[0]["status"]))

        obs = run_app(exe, home, ["wait-idle 60", "status", "sleep 300",
                                  "screenshot %s/cache-offline.png" % shots, "quit"],
                      name="offline", host="127.0.0.1", port=closed_port())
        offline = by_cmd(obs, "status")
        if check(offline, "status when started offline"):
            check(offline[0]["rows"] == n and offline[0]["state"] == "offline",
                  "started offline the cached rows stay: %r" % offline[0])
            check(offline[0]["status"].startswith("Offline — last checked "),
                  "the status line says 'Offline — last checked …': %r" % offline[0]["status"])
            check("banner" not in offline[0], "offline is no error banner: %r" % offline[0])
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


# ------------------------------------------------------------------ sort mode

def wait_for_observation(out_path, cmd, timeout=120):
    """Blocks until the app's driver wrote an observation of @cmd."""
    def seen():
        if not os.path.exists(out_path):
            return False
        with open(out_path, encoding="utf-8") as f:
            # A line still being written (no newline yet) is not read.
            return any(l.endswith("\n") and l.strip() and json.loads(l)["cmd"] == cmd for l in f)
    return mp_gui_session.wait_until(seen, timeout)


def sort_mode(exe, shots):
    """Newest first by default; new mail lands on top; the user's column and
    direction survive a restart (settings in a keyfile of the private HOME)."""
    with open(os.environ["MP_TEST_MANIFEST"], encoding="utf-8") as f:
        manifest = json.load(f)
    home = tempfile.mkdtemp(prefix="mp-gui-sort-")
    delivered = os.path.join(home, "delivered")
    now = datetime.datetime.now(datetime.timezone.utc)
    fresh = ("From: Nora New <nora@example.org>\r\nTo: alice@example.test\r\n"
             "Subject: Fresh on top\r\nDate: %s\r\n"
             "Message-ID: <sort-fresh@example.org>\r\n\r\nJust arrived.\r\n"
             % now.strftime("%a, %d %b %Y %H:%M:%S +0000"))
    # Dated in the far future (a broken clock or spam): placed by arrival, not on
    # top for ever.  It arrives before the fresh one, so it sits below it.
    future = ("From: Spam Clock <spam@example.org>\r\nTo: alice@example.test\r\n"
              "Subject: From the year 2099\r\nDate: Thu, 01 Jan 2099 00:00:00 +0000\r\n"
              "Message-ID: <sort-future@example.org>\r\n\r\nTime travel.\r\n")

    def deliver_during_run(out_path):
        # The first check is listed; then new mail arrives on the server.
        if not wait_for_observation(out_path, "rows"):
            return
        for name, text in (("future.eml", future), ("fresh.eml", fresh)):
            path = os.path.join(home, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            subprocess.run([sys.executable, os.path.join(os.environ["MP_SOURCE_ROOT"], "tests",
                                                         "harness", "deliver.py"), path],
                           check=True, stdout=subprocess.DEVNULL)
        open(delivered, "w").close()

    try:
        obs = run_app(exe, home, [
            # Shorter than the list, so that it scrolls.
            "resize 1000 420",
            "wait-idle 60",
            "rows",
            "sleep 200",
            "scroll-pos",
            "wait-file %s 60" % delivered,
            "action check",
            "wait-idle 60",
            "rows",
            "sleep 300",
            "scroll-pos",
            "screenshot %s/sorted-newest-first.png" % shots,
            # New mail is bold; looking at it makes it no longer new.
            "bold-rows",
            "select-subject Fresh on top",
            "wait-preview 30",
            "bold-rows",
            # The user sorts by subject, A to Z.
            "sort 1 asc",
            "rows",
            "quit",
        ], name="sort-first", schemas=True, keyfile=True, during=deliver_during_run)
        rows = by_cmd(obs, "rows")
        if check(len(rows) == 3, "three row dumps in the first run (%d)" % len(rows)):
            check_rows_match_manifest(rows[0]["rows"], manifest, "newest first by default")
            subjects = [r["subject"] for r in rows[1]["rows"]]
            check(subjects[:2] == ["Fresh on top", "From the year 2099"],
                  "new mail appears at the top, the absurd Date by its arrival: %r" % subjects[:3])
            check(subjects[2:] == [r["subject"] for r in rows[0]["rows"]],
                  "the older rows keep their order below: %r" % subjects[2:4])
            # A list view follows the row it shows first; rows sorted in above
            # it must not leave the view on the oldest mail.
            pos = by_cmd(obs, "scroll-pos")
            for i, what in enumerate(("after the first check", "after new mail arrived")):
                p = pos[i] if len(pos) > i else {}
                check(p.get("upper", 0) > p.get("page", 0) > 0 and p.get("value") == p.get("lower"),
                      "a list longer than the view shows its top (the newest) %s: %r" % (what, p))
            bold = [b.get("bold", []) for b in by_cmd(obs, "bold-rows")]
            if check(len(bold) == 2, "two bold-row dumps (%d)" % len(bold)):
                def is_bold(subject, which):
                    return any(" | %s | " % subject in b for b in bold[which])
                old = rows[0]["rows"][0]["subject"]
                check(is_bold("Fresh on top", 0) and is_bold("From the year 2099", 0)
                      and not is_bold(old, 0),
                      "the two new messages are bold, an old one is not: %r" % bold[0])
                check(not is_bold("Fresh on top", 1) and is_bold("From the year 2099", 1),
                      "a new message looked at is no longer bold, the other still is: %r"
                      % bold[1])
            by_subject = [r["subject"] for r in rows[2]["rows"]]
            check(by_subject == sorted(by_subject, key=str.casefold) and by_subject != subjects,
                  "sorting by subject orders A to Z: %r" % by_subject[:3])

        # Restart: the subject order the user chose is still there.
        obs = run_app(exe, home, [
            "wait-idle 60",
            "rows",
            "sort 2 desc",
            "quit",
        ], name="sort-restart", schemas=True, keyfile=True)
        rows = by_cmd(obs, "rows")
        if check(rows, "rows after the restart"):
            again = [r["subject"] for r in rows[0]["rows"]]
            check(again == sorted(again, key=str.casefold) and len(again) == len(manifest) + 2,
                  "the subject order survives the restart: %r" % again[:3])
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


def install_mail_reader(home, out_path):
    """The default application for message/rfc822 in @home: it copies the file it
    is given to out_path."""
    mp_gui_session.install_default_app(
        home, "mp-test-reader",
        'cp "$1" "%s.part" && mv "%s.part" "%s"\n' % (out_path, out_path, out_path),
        "%f", "message/rfc822")


# ------------------------------------------------------------------ rules mode

def rules_mode(exe, shots):
    """Run 1: the Rules dialog creates a delete rule; its dry run lists exactly
    the messages of the current list it would delete; enabled and saved.  Run 2:
    the next start's check applies it: the messages are gone from the server (a
    fresh POP3 session), the Recycle Bin lists them and the activity log has
    them."""
    with open(os.environ["MP_TEST_MANIFEST"], encoding="utf-8") as f:
        manifest = json.load(f)
    word = "meeting"
    victims = [m for m in manifest if word in m["subject"].lower()]
    home = tempfile.mkdtemp(prefix="mp-gui-rules-")
    try:
        check(len(victims) >= 2, "the manifest has %d messages about a %s" % (len(victims), word))
        obs = run_app(exe, home, [
            "wait-idle 60",
            "action rules",
            "sleep 300",
            "rules-add Meetings",
            "rules-cond Subject contains|" + word,
            "rules-action Delete from the server",
            "rules-dry-run",
            "sleep 400",
            "screenshot %s/rules-dry-run.png" % shots,
            "rules-enable",
            # A junk rule; an invalid pattern is named at once and blocks nothing else.
            "rules-add Newsletters",
            "rules-cond Subject matches regular expression|news(",
            "rules-dry-run",
            "rules-cond Subject contains|newsletter",
            "rules-action Mark as junk",
            "rules-enable",
            "rules-dry-run",
            "rules-save",
            "windows",
            "quit",
        ], name="rules-create")
        dry = by_cmd(obs, "rules-dry-run")
        if check(dry and dry[0].get("dialog"), "the Rules dialog is open"):
            rows = dry[0]["rows"]
            print("# dry run: %s %r" % (dry[0]["title"], rows))
            check(dry[0]["error"] == "", "the rule parses")
            check(len(rows) == len(victims), "the dry run lists %d messages (%d expected)"
                  % (len(rows), len(victims)))
            for m in victims:
                check(any(r.endswith("— " + m["subject"]) for r in rows),
                      "the dry run lists %r" % m["subject"])
        check(all(o.get("found", True) for o in by_cmd(obs, "rules-cond") + by_cmd(obs, "rules-action")),
              "the conditions and the actions were chosen")
        junk = [m for m in manifest if "newsletter" in m["subject"].lower()]
        if check(len(dry) == 3, "three dry runs"):
            check("Newsletters" in dry[1]["error"] and dry[1]["error"] != "",
                  "an invalid regular expression is named with its rule: %r" % dry[1]["error"])
            check(dry[2]["error"] == "" and len(dry[2]["rows"]) == len(junk),
                  "the junk rule's dry run lists the %d newsletter(s)" % len(junk))
        windows = by_cmd(obs, "windows")
        check(windows and "MpRulesDialog" not in windows[0]["windows"], "Save closed the dialog")
        rules_path = os.path.join(home, ".config", "mailpeek", "rules.conf")
        with open(rules_path, encoding="utf-8") as f:
            text = f.read()
        check("enabled=true" in text and "previewed=true" in text and "action=delete" in text,
              "the rules file holds the rule, enabled and previewed")

        # The desktop's default application for message/rfc822 (GIO's mimeapps.list
        # in the private HOME): a reader that keeps what it was given.
        opened = os.path.join(home, "opened-by-reader.eml")
        saved = os.path.join(home, "saved-message.eml")
        install_mail_reader(home, opened)
        obs = run_app(exe, home, [
            "wait-activity %d 90" % len(victims),
            "activity",
            "wait-idle 60",
            "rows",
            "action show-junk",
            "rows",
            "action show-junk",
            "action recycle-bin",
            "sleep 500",
            "recycle-rows",
            "screenshot %s/recycle-bin.png" % shots,
            "recycle-open 0",
            "wait-file %s 30" % opened,
            "recycle-save 0",
            "sleep 500",
            "windows",
            "save-as %s" % os.path.basename(saved),
            "wait-file %s 30" % saved,
            "close-dialogs",
            "action overview",
            "sleep 500",
            "screenshot %s/overview.png" % shots,
            "close-dialogs",
            "quit",
        ], name="rules-apply")
        activity = by_cmd(obs, "activity")
        if check(activity, "the activity log was read"):
            subjects = sorted(e["subject"] for e in activity[0]["entries"])
            check(subjects == sorted(m["subject"] for m in victims),
                  "the activity log lists the deleted messages: %r" % subjects)
            check(all(e["rule"] == "Meetings" for e in activity[0]["entries"]),
                  "each entry names the rule")
        rows = by_cmd(obs, "rows")
        if check(len(rows) == 2, "two row dumps"):
            hidden = [r["subject"] for r in rows[0]["rows"]]
            shown = [r["subject"] for r in rows[1]["rows"]]
            for m in junk:
                check(m["subject"] not in hidden and m["subject"] in shown,
                      "%r is hidden behind the Junk filter" % m["subject"])
            check(len(shown) == len(manifest) - len(victims),
                  "with junk shown the list has every message left (%d)" % len(shown))
        recycle = by_cmd(obs, "recycle-rows")
        if check(recycle and recycle[0]["window"], "the Recycle Bin is open"):
            for m in victims:
                check(any(r.endswith("— " + m["subject"]) for r in recycle[0]["rows"]),
                      "the Recycle Bin lists %r" % m["subject"])
        clicked = by_cmd(obs, "recycle-open")
        check(clicked and clicked[0].get("clicked"), "Open in Mail Program was clicked: %r" % clicked)
        text = open(opened, encoding="utf-8", errors="replace").read() if os.path.exists(opened) else ""
        first = recycle[0]["rows"][0] if recycle and recycle[0]["rows"] else ""
        kept = [m for m in victims if first.endswith("— " + m["subject"])]
        check(kept and "<%s>" % kept[0]["message_id"].strip("<>") in text and "\n\n" in text.replace("\r", ""),
              "the mail program got the whole kept message of the first row (%d bytes)" % len(text))
        clicked = by_cmd(obs, "recycle-save") + by_cmd(obs, "save-as")
        check(len(clicked) == 2 and clicked[0].get("clicked") and clicked[1].get("path") == saved,
              "Save as .eml was clicked and a file chosen in the home folder (no Documents "
              "folder here): %r %r" % (clicked, by_cmd(obs, "windows")))
        handed_text = open(opened, "rb").read() if os.path.exists(opened) else b""
        saved_text = open(saved, "rb").read() if os.path.exists(saved) else None
        check(saved_text == handed_text and saved_text,
              "Save as .eml wrote the same kept bytes (%r bytes)" % (saved_text and len(saved_text)))
        check(os.path.exists(saved) and os.stat(saved).st_mode & 0o077 == 0,
              "the saved message is readable by the user only")
        handed = glob.glob(os.path.join(home, ".cache", "mailpeek", "opened", "*.eml"))
        check(handed and all(os.stat(p).st_mode & 0o077 == 0 for p in handed),
              "the copy handed over is readable by the user only: %r"
              % [oct(os.stat(p).st_mode) for p in handed])
        ids = set(pop3_listing().values())
        for m in victims:
            check(m["message_id"] not in ids, "the server no longer has %r" % m["subject"])
        check(len(ids) == len(manifest) - len(victims), "the server keeps the other messages")
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


# ------------------------------------------------------------------ large mode

def large_mode(exe, shots):
    big = os.environ.get("MP_TEST_BIG_USER")
    if not big:
        skip("with-dovecot.py was not given --large")
    home = tempfile.mkdtemp(prefix="mp-gui-large-")
    try:
        # The check starts once the window is on screen: the heartbeat measures the
        # check, not GTK's first frame (theme, fonts, icons).
        obs = run_app(exe, home, [
            "wait-drawn",
            "sleep 300",
            "heartbeat-start",
            "action check",
            "wait-progress 1000 180",
            "heartbeat-report",
            "stop-measure 5",
            "status",
            "heartbeat-start",
            "action check",
            # 6,000 rows shown, the first check's included: how far that one got
            # before its stop took effect varies (5,151 of 10,000 once under load),
            # and with it how many the second check has left to fetch.
            "wait-rows 6000 180",
            "scroll-end",
            "wait-idle 600",
            "heartbeat-report",
            "rows",
            # Sorting 10,000 rows by subject (a click on the header) is incremental
            # too: the loop keeps beating while the sort model works.
            "heartbeat-start",
            "sort 1 asc",
            "wait-settled",
            "heartbeat-report",
            "rows",
            # Select all, delete (10,000 rows leave the list at once), undo (they
            # come back): nothing reaches the server.
            "select-all",
            "action delete",
            "wait-dialog",
            "heartbeat-start",
            "respond delete",
            "wait-settled",
            "status",
            "undo",
            # Under a sanitizer building the ~200 row widgets again takes seconds.
            "wait-settled 60",
            "heartbeat-report",
            "status",
            # A screenshot grabs the X server (the app's X calls wait): keep it
            # out of the heartbeat windows.
            "sleep 300",
            "screenshot %s/large.png" % shots,
            "quit",
        ], user=big, name="large", timeout=900, autocheck=False, timing=True)
        progress = by_cmd(obs, "wait-progress")
        check(progress and "error" not in progress[0] and progress[0]["total"] == 10000,
              "headers stream in with progress n of 10000: %r" % (progress[:1],))
        more = by_cmd(obs, "wait-rows")
        check(more and "error" not in more[0],
              "6000 rows shown during or after the second check: %r" % (more[:1],))
        if progress:
            check(0 < progress[0]["rows"] < 10000,
                  "rows are in the list while the check still runs (%d)" % progress[0]["rows"])
        beats = by_cmd(obs, "heartbeat-report")
        check(len(beats) == 4,
              "four heartbeat reports (first rows, whole check, sorting, delete + undo)")
        for i, b in enumerate(beats):
            print("# heartbeat %d: raw: max wall gap %.1f ms, max main-thread CPU in a gap %.1f ms "
                  "over %d ticks; %d wall gaps > 16 ms (at:wall:cpu:runq_wait:asleep_beyond_tick:"
                  "proxy_wait:rows, ms %s)"
                  % (i, b["max_gap_us"] / 1000, b["max_cpu_gap_us"] / 1000, b["ticks"],
                     b["gaps_over_16ms"], b.get("stalls")))
            print("# heartbeat %d: corrected: max gap %.1f ms (raw %.1f ms - main thread waiting "
                  "for a CPU %.1f ms - asleep on the X server or a worker waiting for a CPU %.1f ms; own CPU "
                  "%.1f ms); %d corrected gaps > 16 ms"
                  % (i, b["max_own_gap_us"] / 1000, b["own_gap_wall_us"] / 1000,
                     b["own_gap_wait_us"] / 1000, b["own_gap_x_wait_us"] / 1000,
                     b["own_gap_cpu_us"] / 1000, b["own_gaps_over_16ms"]))
            # Sorting 10,000 rows (heartbeat 2) and deleting and undoing them all
            # (3) work in slices too (MpSortedModel; the feed puts undone rows
            # back): the same bounds as the check's.
            check(b["ticks"] > (2 if i >= 2 else 10), "heartbeat %d ran" % i)
            if os.environ.get("MP_SANITIZER"):
                # Instrumented code is several times slower: the 16 ms frame
                # bounds do not hold there (figures reported above).
                print("# heartbeat %d: stall bounds not asserted under MP_SANITIZER=%s"
                      % (i, os.environ["MP_SANITIZER"]))
                continue
            # The 16 ms frame is a speed target, and speed belongs to the benchmark,
            # not to a timed test: it is reported here (seen 13-19 ms of CPU in one
            # step on this 2-core machine, depending on its load). What is asserted
            # is the stall a blocking call or a rebuild of every row would cause:
            # three frames of the main thread's own CPU.
            print("# heartbeat %d: 16 ms frame target (CPU): %s (max %.1f ms)"
                  % (i, "met" if b["max_cpu_gap_us"] <= 16000 else "MISSED",
                     b["max_cpu_gap_us"] / 1000))
            check(b["max_cpu_gap_us"] <= 50000,
                  "heartbeat %d: the main loop never worked > 50 ms without returning "
                  "(max %.1f ms CPU)" % (i, b["max_cpu_gap_us"] / 1000))
            # The wall clock, less the time spent waiting for one of the shared CPUs
            # (this thread's run-queue wait from schedstat; and while it slept longer
            # than a tick inside a dispatch, the run-queue wait of the X server or of
            # the app's workers it waited on): what the main loop itself took.
            if b.get("schedstat"):
                # Same split for the wall clock less the time spent waiting for a CPU:
                # gaps over the 16 ms frame are reported (a speed figure); one over
                # 50 ms is what a blocking call on the main thread causes, and fails.
                over = b["own_gaps_over_16ms"]
                print("# heartbeat %d: 16 ms frame target (wall, corrected): %s (max %.1f ms, "
                      "%d gaps over 16 ms)" % (i, "met" if over == 0 else "MISSED",
                                               b["max_own_gap_us"] / 1000, over))
                check(b["max_own_gap_us"] <= 50000,
                      "heartbeat %d: no main-loop stall over 50 ms once waiting for a CPU is "
                      "subtracted (max %.1f ms; raw %.1f ms)"
                      % (i, b["max_own_gap_us"] / 1000, b["own_gap_wall_us"] / 1000))
            else:
                load = os.getloadavg()[0] / (os.cpu_count() or 1)
                if load < 0.5:
                    check(b["max_gap_us"] <= 50000,
                          "heartbeat %d: no wall-clock gap over 50 ms on an idle machine "
                          "(max %.1f ms)" % (i, b["max_gap_us"] / 1000))
                else:
                    print("# heartbeat %d: no schedstat and load %.2f per CPU: the wall-clock "
                          "bound is not asserted" % (i, load))
        settled = by_cmd(obs, "wait-settled")
        if len(settled) >= 3:
            print("# the list settled %s ms after the sort, %s ms after the delete and %s ms "
                  "after the undo" % tuple(o.get("waited_ms") for o in settled[:3]))
        status = by_cmd(obs, "status")
        if check(len(status) == 3, "status after stop, after delete-all and after undo"):
            check(status[1].get("rows") == 0 and status[2].get("rows") == 10000,
                  "select-all + delete empties the list, undo brings all 10000 rows back: "
                  "%r / %r" % (status[1].get("rows"), status[2].get("rows")))
        stop = by_cmd(obs, "stop-measure")
        if check(stop and "error" not in stop[0], "stop ended the check: %r" % (stop[:1],)):
            # Under a sanitizer the result reaches a main loop that itself stalls
            # for > 100 ms (heartbeat 1 above), so the bound is scaled there.
            stop_bound = 300 if os.environ.get("MP_SANITIZER") else 100
            check(stop[0]["stop_ms"] <= stop_bound,
                  "Stop cancels within %d ms (%d ms)" % (stop_bound, stop[0]["stop_ms"]))
            check(stop[0]["state"] == "idle" and stop[0]["messages"] < 10000,
                  "after Stop the list keeps what arrived: %r" % stop[0])
        idle = by_cmd(obs, "wait-idle")
        check(idle and idle[0].get("state") == "idle" and idle[0].get("messages") == 10000
              and idle[0].get("rows") == 10000,
              "checking again completes the list to 10000 rows: %r" % (idle[:1],))
        rows = by_cmd(obs, "rows")
        if check(rows, "rows dumped"):
            uidls = [r["uidl"] for r in rows[0]["rows"]]
            check(len(uidls) == 10000 and len(set(uidls)) == 10000,
                  "10000 distinct messages listed, none twice after stop + check")
            if check(len(rows) == 2, "rows dumped again after sorting"):
                subjects = [r["subject"] for r in rows[1]["rows"]]
                unsorted = [r["subject"] for r in rows[0]["rows"]]
                check(len(subjects) == 10000 and sorted(subjects) == sorted(unsorted) and
                      subjects != unsorted and subjects[0].casefold() <= subjects[-1].casefold(),
                      "sorting by subject reorders all 10000 rows")
    finally:
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    mode, exe, shots = sys.argv[1:]
    for tool in ("xvfb-run", "dbus-run-session", "import") + mp_gui_session.REQUIRED_TOOLS:
        if not shutil.which(tool):
            skip("%s is not installed" % tool)
    if "MP_TEST_HOST" not in os.environ and mode != "fault":
        skip("not run under with-dovecot.py")
    os.makedirs(shots, exist_ok=True)
    if mode == "fault":
        fault_mode(exe, shots)
    elif mode == "accounts":
        accounts_mode(exe, shots)
    elif mode == "main":
        main_mode(exe, shots)
    elif mode == "large":
        large_mode(exe, shots)
    elif mode == "close":
        close_mode(exe, shots)
    elif mode == "cache":
        cache_mode(exe, shots)
    elif mode == "sort":
        sort_mode(exe, shots)
    elif mode == "rules":
        rules_mode(exe, shots)
    else:
        print("unknown mode %s" % mode)
        return 2
    if FAILURES:
        print(mp_gui_session.failed_line(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
