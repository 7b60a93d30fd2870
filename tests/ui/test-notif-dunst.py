#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end with the REAL notification daemon (dunst), issue 13 items 3-4:
notifications add up, "new" survives a restart, seen mail withdraws its bubble;
MODE "rules" (issue 12): what rules do to the bubbles.

    with-dovecot.py -- test-notif-dunst.py [rules] MAILPEEK_TEST_APP

One private desktop (mp_desktop_bus.py: Xvfb, a session bus with no service
directories — nothing is auto-activated — gnome-keyring and dunst, whose rule logs
every notification it receives) lives across several runs of the app, as a real
session does across an app restart.  The app (mailpeek-test-app: the application
plus the scripted driver, tests/ui/mp-test-driver.c) is judged on its own output:
dunst prints a CRITICAL of its own when its bus ends.

The design this checks (src/app/mp-account-state.h, src/ui/mp-desktop.c):
- each bubble of an account replaces the one before and sums up every message
  still new on the account;
- quitting withdraws the app's new-mail bubbles (their buttons would reach nobody);
- after a restart the mail announced and never seen is new again (count and rows),
  and it is NOT announced again: the next bubble, when more mail comes, sums it up;
- viewing messages shrinks the bubble to what is still new, and withdraws it when
  nothing is.
MODE "rules", with a rules file written before the app starts (src/ui/mp-rules-ui.c,
src/app/mp-rules-state.c): a message a "don't notify" rule matches is listed and
counted but left out of the bubble, and is no news on its own; a check whose delete
rule removes several messages says so in ONE bubble ("3 messages deleted by rules
on …"), and the messages are gone from the Dovecot; a message the delete rule hits
that is larger than the recycle bin keeps is left on the server, the others go, and
the open window asks about it ("Delete Without a Copy?").
Exit 77 = skipped.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import mp_desktop_bus
import mp_gui_session

FAILURES = []
APP_ID = "io.github.mailpeek.Mailpeek"


def check(cond, what):
    print(("ok   - " if cond else "FAIL - ") + what)
    if not cond:
        FAILURES.append(what)
    return cond


def wait_until(pred, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip() and l.endswith("\n")]


RUNS = []


class Run:
    """One run of the app on the shared desktop, driven by @script."""

    def __init__(self, desktop, exe, name, script):
        RUNS.append(self)
        self.dir = os.path.join(desktop.home, name)
        os.makedirs(self.dir, exist_ok=True)
        self.name = name
        self.out = os.path.join(self.dir, "out.jsonl")
        self.log = os.path.join(self.dir, "app.log")
        script_path = os.path.join(self.dir, "script.txt")
        # "wait-file NAME" waits for NAME in this run's folder (see touch()).
        script = ["wait-file " + os.path.join(self.dir, l.split(" ", 1)[1])
                  if l.startswith("wait-file ") else l for l in script]
        with open(script_path, "w", encoding="utf-8") as f:
            f.write("\n".join(script) + "\n")
        env = dict(desktop.env)
        env.update({
            "GSETTINGS_BACKEND": "memory",
            "GSETTINGS_SCHEMA_DIR": os.path.join(os.environ["MP_BUILD_ROOT"], "data"),
            "NO_AT_BRIDGE": "1",
            "GTK_A11Y": "none",   # no accessibility bus on this desktop
            "GSK_RENDERER": "cairo",
            "GDK_BACKEND": "x11",
            "MAILPEEK_TEST_SCRIPT": script_path,
            "MAILPEEK_TEST_OUTPUT": self.out,
        })
        env.pop("MALLOC_CHECK_", None)
        self.log_file = open(self.log, "w", encoding="utf-8")
        self.proc = subprocess.Popen([exe], env=env, stdout=self.log_file,
                                     stderr=subprocess.STDOUT)

    def touch(self, what):
        """Releases the script's `wait-file @what` step."""
        open(os.path.join(self.dir, what), "w").close()

    def observed(self, cmd, count=1, timeout=90):
        """Waits until the driver reported @cmd @count times; returns those reports."""
        wait_until(lambda: len([o for o in read_jsonl(self.out) if o["cmd"] == cmd]) >= count,
                   timeout)
        return [o for o in read_jsonl(self.out) if o["cmd"] == cmd]

    def finish(self):
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()
        lines = mp_gui_session.app_log_lines(self.log)
        for line in lines:
            if "CRITICAL" in line or "WARNING" in line or os.environ.get("MP_E2E_VERBOSE"):
                print("# app: %s" % line)
        check(self.proc.returncode == 0, "%s: mailpeek exited cleanly (%d)"
              % (self.name, self.proc.returncode))
        # The app's own output only (dunst is judged by what it shows, not its log).
        check(not any("CRITICAL" in l for l in lines), "%s: no GLib criticals" % self.name)
        return read_jsonl(self.out)


def deliver(home, name, sender, subject, body_lines=0):
    """Delivers a message whose Message-ID is NAME@example.org (@body_lines more
    lines of 76 characters make it large)."""
    path = os.path.join(home, name + ".eml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("From: %s\nTo: Alice Example <alice@example.test>\nSubject: %s\n"
                "Date: Wed, 25 Nov 2026 08:00:00 +0000\nMessage-ID: <%s@example.org>\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n"
                "Delivered while the dunst test ran.\n" % (sender, subject, name))
        f.write(("x" * 76 + "\n") * body_lines)
    script = os.path.join(os.environ["MP_SOURCE_ROOT"], "tests", "harness", "deliver.py")
    subprocess.run([sys.executable, script, path], check=True, stdout=subprocess.PIPE)


def ours(desktop):
    return [n for n in desktop.notifications() if n["desktop_entry"] == APP_ID]


def scenario(desktop, exe, home):
    # Run 1: the first check of a new account records what is there, says nothing.
    run = Run(desktop, exe, "first", ["wait-idle 60", "quit"])
    obs = run.finish()
    idle = [o for o in obs if o["cmd"] == "wait-idle"]
    check(idle and idle[0].get("state") == "idle", "first: the check succeeded: %r" % idle[:1])
    check(ours(desktop) == [], "first: no notification for mail that was already there")

    # Run 2: two checks that each find one message end with ONE bubble naming both.
    deliver(home, "m1", "Nora Newman <nora@example.org>", "First of two")
    run = Run(desktop, exe, "two-checks",
              ["wait-idle 60", "wait-file notified-1", "action check", "wait-idle 60",
               "wait-file notified-2", "status", "rows", "quit"])
    first = run.observed("wait-idle", 1)
    check(first and first[0].get("new") == 1, "two-checks: the first check found one: %r" % first)
    check(wait_until(lambda: len(ours(desktop)) >= 1), "two-checks: dunst got a notification")
    deliver(home, "m2", "Otto Later <otto@example.org>", "Second of two")
    run.touch("notified-1")
    run.observed("wait-idle", 2)
    check(wait_until(lambda: len(ours(desktop)) >= 2), "two-checks: dunst got a second one")
    shown = ours(desktop)
    displayed = desktop.displayed()
    run.touch("notified-2")
    obs = run.finish()
    check(len(shown) == 2, "two-checks: two notifications in all: %r" % shown)
    if len(shown) >= 2:
        last = shown[-1]
        check(shown[0]["id"] == last["id"],
              "two-checks: the second replaced the first (id %s, %s)" % (shown[0]["id"], last["id"]))
        check(last["summary"].startswith("2 new messages on "),
              "two-checks: the bubble sums up both: %r" % last["summary"])
        check("Nora Newman" in last["body"] and "Otto Later" in last["body"],
              "two-checks: the bubble names both senders: %r" % last["body"])
        check(0 <= last["body"].find("Otto Later") < last["body"].find("Nora Newman"),
              "two-checks: newest first: %r" % last["body"])
    check(displayed == 1, "two-checks: one bubble on screen (%d)" % displayed)
    status = [o for o in obs if o["cmd"] == "status"]
    check(status and status[-1].get("new") == 2, "two-checks: the account counts 2 new: %r" % status)
    check(wait_until(lambda: desktop.displayed() == 0, 10),
          "two-checks: quitting withdrew the bubble (%d on screen)" % desktop.displayed())
    bubble_id = int(shown[-1]["id"]) if shown else None
    check(bubble_id in desktop.history_ids(), "two-checks: dunst's history has the closed bubble")

    # Run 3 (a restart): both are still new — the count and the rows agree — and not
    # announced again.  Then a third message: the bubble sums up all three.  Viewing
    # one shrinks it to two; viewing the other two withdraws it.
    before = len(ours(desktop))
    run = Run(desktop, exe, "restart",
              ["wait-idle 60", "status", "rows", "wait-file delivered",
               "action check", "wait-idle 60", "wait-file notified",
               "select-subject Third one", "wait-preview 30", "wait-file shrunk",
               "select-subject First of two", "wait-preview 30",
               "select-subject Second of two", "wait-preview 30", "status", "rows",
               "wait-file withdrawn", "quit"])
    status = run.observed("status", 1)
    rows = run.observed("rows", 1)
    check(status and status[0].get("new") == 2,
          "restart: the announced, unseen messages are still new: %r" % status)
    if rows:
        new_rows = sorted(r["subject"] for r in rows[0]["rows"] if r["new"])
        check(new_rows == ["First of two", "Second of two"],
              "restart: the list marks the same two new: %r" % new_rows)
    time.sleep(0.5)   # a re-announcement would come within the 150 ms settle
    check(len(ours(desktop)) == before, "restart: no second announcement of the same mail")
    deliver(home, "m3", "Wendy Third <wendy@example.org>", "Third one")
    run.touch("delivered")
    run.observed("wait-idle", 2)
    check(wait_until(lambda: len(ours(desktop)) > before), "restart: the third message is announced")
    sums = ours(desktop)[before:]
    if sums:
        check(sums[0]["summary"].startswith("3 new messages on "),
              "restart: the bubble sums up all three: %r" % sums[0]["summary"])
        check(all(n in sums[0]["body"] for n in ("Wendy Third", "Otto Later", "Nora Newman")),
              "restart: and names all three senders: %r" % sums[0]["body"])
    check(desktop.displayed() == 1, "restart: one bubble on screen")
    run.touch("notified")
    check(wait_until(lambda: len(ours(desktop)) > before + 1),
          "restart: viewing one message updated the bubble")
    shrunk = ours(desktop)[-1]
    check(shrunk["summary"].startswith("2 new messages on ") and "Wendy Third" not in shrunk["body"],
          "restart: to what is still new: %r / %r" % (shrunk["summary"], shrunk["body"]))
    check(sums and shrunk["id"] == sums[0]["id"], "restart: in place (same bubble)")
    run.touch("shrunk")
    status = run.observed("status", 2)
    check(len(status) >= 2 and status[1].get("new") == 0, "restart: all seen: %r" % status[1:])
    check(wait_until(lambda: desktop.displayed() == 0, 10),
          "restart: seeing them withdrew the bubble (%d on screen)" % desktop.displayed())
    if sums:
        check(int(sums[0]["id"]) in desktop.history_ids(), "restart: dunst closed that bubble")
    run.touch("withdrawn")
    run.finish()

    # Run 4: what was seen stays seen.
    before = len(ours(desktop))
    run = Run(desktop, exe, "after-seen", ["wait-idle 60", "status", "rows", "quit"])
    obs = run.finish()
    status = [o for o in obs if o["cmd"] == "status"]
    rows = [o for o in obs if o["cmd"] == "rows"]
    check(status and status[0].get("new") == 0, "after-seen: nothing is new: %r" % status)
    check(rows and not any(r["new"] for r in rows[0]["rows"]), "after-seen: no row is new")
    check(len(ours(desktop)) == before, "after-seen: no notification")


RULES = """[rules]
version=1

[rule 1]
name=Quiet senders
enabled=true
action=no-notify
from-domain-is=hush.example

[rule 2]
name=Purge
enabled=true
previewed=true
action=delete
from-domain-is=purge.example
"""


def deleted_bubbles(desktop):
    return [n for n in ours(desktop) if " deleted by rules on " in n["summary"]]


def rules_scenario(desktop, exe, home):
    # The delete rule is saved as the Rules dialog saves it once its dry run was
    # seen (previewed=true); without that it would delete nothing.
    with open(os.path.join(home, ".config", "mailpeek", "rules.conf"), "w",
              encoding="utf-8") as f:
        f.write(RULES)
    before_ids = set(mp_gui_session.pop3_listing().values())
    run = Run(desktop, exe, "rules",
              ["wait-idle 60", "wait-file quiet",
               "action check", "wait-idle 60", "status", "rows", "wait-file deleting",
               "action check", "wait-idle 60", "wait-activity 3 60", "wait-file again",
               "action check", "wait-idle 60", "wait-activity 5 60", "status", "rows",
               "activity", "quit"])

    # The first check records what is there: nothing a rule acts on, no bubble.
    first = run.observed("wait-idle", 1)
    check(first and first[0].get("state") == "idle", "rules: the first check succeeded: %r"
          % first[:1])
    time.sleep(0.5)
    check(ours(desktop) == [], "rules: no notification for the mail already there")

    # (a) One new message a "don't notify" rule matches, one it does not: the
    # bubble is about the other one only; the quiet one is listed and counted.
    deliver(home, "hushed-1", "Quinn Quiet <quinn@hush.example>", "Hushed by a rule")
    deliver(home, "loud-1", "Nina Loud <nina@example.org>", "Not hushed")
    run.touch("quiet")
    run.observed("wait-idle", 2)
    check(wait_until(lambda: len(ours(desktop)) >= 1), "quiet: dunst got a notification")
    time.sleep(1)   # a second bubble would come within the 150 ms settle
    shown = ours(desktop)
    check(len(shown) == 1, "quiet: one notification: %r"
          % [(n["summary"], n["body"]) for n in shown])
    if shown:
        check(shown[0]["summary"].startswith("1 new message on "),
              "quiet: the bubble counts only the message no rule silenced: %r"
              % shown[0]["summary"])
        check("Nina Loud" in shown[0]["body"] and "Quinn" not in shown[0]["body"]
              and "Hushed" not in shown[0]["body"],
              "quiet: and names only that one: %r" % shown[0]["body"])
    status = run.observed("status", 1)
    check(status and status[0].get("new") == 2,
          "quiet: the account counts both as new (quiet is not seen): %r" % status)
    rows = run.observed("rows", 1)
    if rows:
        new_rows = sorted(r["subject"] for r in rows[0]["rows"] if r["new"])
        check(new_rows == ["Hushed by a rule", "Not hushed"],
              "quiet: both are listed as new: %r" % new_rows)

    # (b) Three messages a delete rule matches and one more quiet one: ONE bubble
    # for the deletions, no new-mail bubble (nothing here is news), and the three
    # are gone from the server.
    for i in range(1, 4):
        deliver(home, "purged-%d" % i, "Pat Purge <pat@purge.example>", "Purge me %d" % i)
    deliver(home, "hushed-2", "Quinn Quiet <quinn@hush.example>", "Hushed again")
    count = len(ours(desktop))
    run.touch("deleting")
    run.observed("wait-idle", 3)
    check(wait_until(lambda: len(deleted_bubbles(desktop)) >= 1, 60),
          "deleting: dunst got a notification about the deletions")
    time.sleep(1.5)   # one per message would have come by now
    deleted = deleted_bubbles(desktop)
    check(len(deleted) == 1, "deleting: one notification for the check's three deletions: %r"
          % [n["summary"] for n in deleted])
    if deleted:
        check(deleted[0]["summary"].startswith("3 messages deleted by rules on "),
              "deleting: it counts all three: %r" % deleted[0]["summary"])
    check(len(ours(desktop)) == count + 1, "deleting: no other notification (no new-mail one): %r"
          % [(n["summary"], n["body"]) for n in ours(desktop)[count:]])
    # The rules' delete commits with QUIT's +OK before it is announced: the
    # mailbox is free for a session of our own.
    listed = set(mp_gui_session.pop3_listing().values())
    gone = {"purged-%d@example.org" % i for i in range(1, 4)}
    check(not gone & listed, "deleting: the three are gone from the server: %r"
          % sorted(gone & listed))
    kept = {"hushed-1@example.org", "loud-1@example.org", "hushed-2@example.org"}
    check(kept <= listed and before_ids <= listed,
          "deleting: everything else is still there: %r" % sorted((kept | before_ids) - listed))

    # The next check that deletes has a bubble of its own, in place of the last.
    for i in range(4, 6):
        deliver(home, "purged-%d" % i, "Pat Purge <pat@purge.example>", "Purge me %d" % i)
    run.touch("again")
    run.observed("wait-idle", 4)
    check(wait_until(lambda: len(deleted_bubbles(desktop)) >= 2, 60),
          "again: dunst got a notification for the second check's deletions")
    time.sleep(1.5)
    deleted = deleted_bubbles(desktop)
    check(len(deleted) == 2, "again: one more, two for two checks: %r"
          % [n["summary"] for n in deleted])
    if len(deleted) >= 2:
        check(deleted[1]["summary"].startswith("2 messages deleted by rules on "),
              "again: it counts the two of that check: %r" % deleted[1]["summary"])
        check(deleted[0]["id"] == deleted[1]["id"],
              "again: it replaced the first (id %s, %s)" % (deleted[0]["id"], deleted[1]["id"]))
    listed = set(mp_gui_session.pop3_listing().values())
    check(not {"purged-4@example.org", "purged-5@example.org"} & listed,
          "again: those two are gone from the server too")
    obs = run.finish()
    activity = [o for o in obs if o["cmd"] == "activity"]
    if check(activity, "rules: the activity log was read"):
        check(sorted(e["subject"] for e in activity[0]["entries"])
              == ["Purge me %d" % i for i in range(1, 6)]
              and all(e["rule"] == "Purge" for e in activity[0]["entries"]),
              "rules: the activity log lists the five, by rule Purge: %r" % activity[0]["entries"])
    status = [o for o in obs if o["cmd"] == "status"]
    check(len(status) >= 2 and status[1].get("new") == 3,
          "rules: at the end the two quiet ones and the loud one are new: %r" % status[1:])

    # A restart, with mail that came meanwhile: the first check of a run (its rows
    # from the header cache, the rules read anew) deletes in one bubble too, and a
    # bubble about new mail still leaves out the quiet messages of the last run.
    for i in range(6, 8):
        deliver(home, "purged-%d" % i, "Pat Purge <pat@purge.example>", "Purge me %d" % i)
    deliver(home, "loud-2", "Lars Later <lars@example.org>", "Loud after the restart")
    count, deleted_count = len(ours(desktop)), len(deleted_bubbles(desktop))
    run = Run(desktop, exe, "rules-restart",
              ["wait-idle 60", "wait-activity 7 60", "wait-file done", "status", "quit"])
    run.observed("wait-idle", 1)
    check(wait_until(lambda: len(deleted_bubbles(desktop)) > deleted_count, 60),
          "restart: dunst got a notification about the deletions")
    check(wait_until(lambda: len(ours(desktop)) >= count + 2, 10),
          "restart: and one about the new mail")
    time.sleep(1.5)
    later = ours(desktop)[count:]
    deleted = [n for n in later if " deleted by rules on " in n["summary"]]
    fresh = [n for n in later if n not in deleted]
    check(len(deleted) == 1 and deleted[0]["summary"].startswith("2 messages deleted by rules on "),
          "restart: one notification for the two deletions: %r" % [n["summary"] for n in deleted])
    check(len(fresh) == 1 and fresh[0]["summary"].startswith("2 new messages on ")
          and "Lars Later" in fresh[0]["body"] and "Nina Loud" in fresh[0]["body"]
          and "Quinn" not in fresh[0]["body"],
          "restart: one new-mail bubble, summing up the loud ones only: %r"
          % [(n["summary"], n["body"]) for n in fresh])
    listed = set(mp_gui_session.pop3_listing().values())
    check(not {"purged-6@example.org", "purged-7@example.org"} & listed
          and "loud-2@example.org" in listed,
          "restart: the two are gone from the server, the new one is there")
    run.touch("done")
    obs = run.finish()
    status = [o for o in obs if o["cmd"] == "status"]
    check(status and status[0].get("new") == 4,
          "restart: the quiet ones are still new (listed and counted): %r" % status)
    large_scenario(desktop, exe, home)


def large_scenario(desktop, exe, home):
    """A delete rule hits a message larger than the recycle bin keeps (50 MB) and a
    small one in the same check: the small one is deleted (one bubble), the large
    one stays on the server and in the list, and with the window open the user is
    asked at once ("Delete Without a Copy?"); Keep It keeps it."""
    deliver(home, "purged-8", "Pat Purge <pat@purge.example>", "Purge me 8")
    deliver(home, "purged-huge", "Pat Purge <pat@purge.example>", "Purge me, huge",
            body_lines=700000)
    count = len(ours(desktop))
    run = Run(desktop, exe, "rules-large",
              ["wait-idle 120", "wait-activity 8 60", "sleep 1000", "windows", "close-dialogs",
               "sleep 500", "rows", "quit"])
    run.observed("wait-idle", 1, timeout=150)
    check(wait_until(lambda: len(ours(desktop)) > count, 60),
          "large: dunst got a notification")
    time.sleep(1.5)
    later = ours(desktop)[count:]
    check(len(later) == 1 and later[0]["summary"].startswith("1 message deleted by rules on "),
          "large: one bubble, for the small one only: %r" % [n["summary"] for n in later])
    obs = run.finish()
    windows = [o for o in obs if o["cmd"] == "windows"]
    check(windows and windows[0]["windows"] == ["AdwMessageDialog"],
          "large: the window asks about the large one: %r" % windows)
    rows = [o for o in obs if o["cmd"] == "rows"]
    check(rows and "Purge me, huge" in [r["subject"] for r in rows[0]["rows"]],
          "large: after Keep It the large one is listed")
    listed = set(mp_gui_session.pop3_listing().values())
    check("purged-huge@example.org" in listed and "purged-8@example.org" not in listed,
          "large: the server keeps the large one, the small one is gone")


def main():
    args = sys.argv[1:]
    mode = args.pop(0) if len(args) == 2 else "restart"
    if len(args) != 1 or mode not in ("restart", "rules"):
        print("usage: test-notif-dunst.py [rules] MAILPEEK_TEST_APP", file=sys.stderr)
        return 2
    exe = args[0]
    tool = mp_desktop_bus.missing_tool()
    if tool:
        print("SKIP: %s is not installed" % tool)
        return 77
    if "MP_TEST_MAILDIR" not in os.environ:
        print("SKIP: not run under with-dovecot.py")
        return 77

    home = tempfile.mkdtemp(prefix="mp-notif-dunst-")
    desktop = mp_desktop_bus.PrivateDesktop(home)
    try:
        mp_gui_session.write_account(os.path.join(home, ".config"), os.environ["MP_TEST_USER"],
                                     os.environ["MP_TEST_HOST"], os.environ["MP_TEST_POP3S_PORT"],
                                     os.environ["MP_TEST_CA_FILE"])
        desktop.start(os.environ["MP_TEST_PASSWORD"])
        (rules_scenario if mode == "rules" else scenario)(desktop, exe, home)
    finally:
        for run in RUNS:   # a run left behind by a failed step
            if run.proc.poll() is None:
                run.proc.kill()
                run.proc.wait()
        desktop.stop()
        if FAILURES or os.environ.get("MP_E2E_VERBOSE"):
            with open(desktop.dunst_output, encoding="utf-8", errors="replace") as f:
                for line in f.read().splitlines()[-20:]:
                    print("# dunst (not judged): %s" % line)
        if not os.environ.get("MP_E2E_KEEP"):
            shutil.rmtree(home, ignore_errors=True)

    if FAILURES:
        print(mp_gui_session.failed_line(FAILURES))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
