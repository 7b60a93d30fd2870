# SPDX-License-Identifier: GPL-3.0-or-later
"""Real desktop services for end-to-end tests: an X server (Xvfb), a private session
bus that activates NOTHING (its configuration has no <servicedir>, so a service the
test did not start explicitly is simply absent), and on it the services the test
starts itself: gnome-keyring (the account's password) and the real dunst
notification daemon, whose rule runs a script that logs every notification it
receives (dunst runs it again, same id, when a notification is replaced).

The desktop outlives the app: one PrivateDesktop serves several runs of Mailpeek,
as a real session does across an app restart.  Everything runs in its own HOME.
"""

import json
import os
import shutil
import signal
import subprocess
import time

import mp_gui_session

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# One JSON object a line per notification dunst shows (or replaces).
DUNST_LOG_SCRIPT = r"""#!/usr/bin/env python3
import json, os
keys = ("ID", "APP_NAME", "SUMMARY", "BODY", "CATEGORY", "DESKTOP_ENTRY", "URGENCY")
entry = {k.lower(): os.environ.get("DUNST_" + k, "") for k in keys}
with open(%r, "a", encoding="utf-8") as f:
    f.write(json.dumps(entry) + "\n")
"""

DUNSTRC = """[global]
    # Bubbles stay until closed: what is on screen is what the app left there.
    timeout = 0
    markup = full
    # A Notify with the summary and body of a bubble on screen would only add a
    # count to that one, without running the logging script.
    stack_duplicates = false
[log_everything]
    summary = "*"
    script = %s
"""

REQUIRED_TOOLS = ("Xvfb", "dbus-daemon", "dunst", "dunstctl", "gdbus") + mp_gui_session.REQUIRED_TOOLS


def missing_tool():
    for tool in REQUIRED_TOOLS:
        if not shutil.which(tool):
            return tool
    return None


class PrivateDesktop:
    def __init__(self, home):
        self.home = home
        self.dir = os.path.join(home, "desktop")
        os.makedirs(self.dir, exist_ok=True)
        self.procs = []          # started here, stopped in reverse order
        self.env = dict(os.environ)
        self.dunst_log = os.path.join(self.dir, "dunst-notifications.jsonl")
        self.dunst_output = os.path.join(self.dir, "dunst.log")

    # ---- starting ----

    def _start_x(self):
        read_fd, write_fd = os.pipe()
        proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                                 "1280x800x24", "-nolisten", "tcp"],
                                pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        os.close(write_fd)
        self.procs.append(proc)
        with os.fdopen(read_fd) as f:
            display = f.readline().strip()
        if not display:
            raise RuntimeError("Xvfb did not start")
        self.env["DISPLAY"] = ":" + display

    def _start_bus(self):
        config = os.path.join(self.dir, "session-bus.conf")
        sockets = os.path.join(self.dir, "bus")
        os.makedirs(sockets, exist_ok=True)
        with open(config, "w", encoding="utf-8") as f:
            f.write(BUS_CONFIG % sockets)
        proc = subprocess.Popen(["dbus-daemon", "--config-file=" + config, "--nofork",
                                 "--print-address=1"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        self.procs.append(proc)
        address = proc.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not start")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address

    def name_has_owner(self, name):
        out = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                              "--object-path", "/org/freedesktop/DBus", "--method",
                              "org.freedesktop.DBus.NameHasOwner", name],
                             env=self.env, capture_output=True, text=True)
        return "true" in out.stdout

    def wait_for_name(self, name, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.name_has_owner(name):
                return True
            time.sleep(0.05)
        return False

    def _start_keyring(self, account_password):
        # --unlock starts a daemon of its own that stays on this bus until it ends.
        subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"],
                       input=mp_gui_session.KEYRING_PASSWORD, text=True, env=self.env,
                       stdout=subprocess.DEVNULL, check=True)
        if not self.wait_for_name("org.freedesktop.secrets"):
            raise RuntimeError("gnome-keyring did not take org.freedesktop.secrets")
        subprocess.run(["secret-tool", "store", "--label=Mailpeek: " + mp_gui_session.ACCOUNT_ID,
                        "xdg:schema", mp_gui_session.SCHEMA,
                        "account-id", mp_gui_session.ACCOUNT_ID],
                       input=account_password, text=True, env=self.env, check=True)

    def _start_dunst(self):
        script = os.path.join(self.dir, "dunst-log.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(DUNST_LOG_SCRIPT % self.dunst_log)
        os.chmod(script, 0o755)
        rc = os.path.join(self.dir, "dunstrc")
        with open(rc, "w", encoding="utf-8") as f:
            f.write(DUNSTRC % script)
        out = open(self.dunst_output, "w", encoding="utf-8")
        proc = subprocess.Popen(["dunst", "-config", rc], env=self.env, stdout=out,
                                stderr=subprocess.STDOUT)
        out.close()
        self.procs.append(proc)
        if not self.wait_for_name("org.freedesktop.Notifications"):
            raise RuntimeError("dunst did not take org.freedesktop.Notifications")

    def start(self, account_password):
        """Xvfb, the bus, the keyring with @account_password for the test account, dunst."""
        for d in ("XDG_RUNTIME_DIR",):
            self.env[d] = os.path.join(self.home, "run")
        os.makedirs(self.env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
        self.env.update({
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "XDG_STATE_HOME": os.path.join(self.home, ".local", "state"),
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
            "XDG_DATA_HOME": os.path.join(self.home, ".local", "share"),
        })
        self._start_x()
        self._start_bus()
        self._start_keyring(account_password)
        self._start_dunst()
        return self

    def stop(self):
        """Ends what start() started, bus last but one, X last.  gnome-keyring ends
        with its bus."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs = []

    # ---- what dunst saw ----

    def notifications(self):
        """Every notification dunst received (replacements again, same id), in order."""
        if not os.path.exists(self.dunst_log):
            return []
        with open(self.dunst_log, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip() and l.endswith("\n")]

    def dunstctl(self, *args):
        return subprocess.run(["dunstctl"] + list(args), env=self.env, capture_output=True,
                              text=True, check=True).stdout

    def displayed(self):
        """How many bubbles are on screen now."""
        return int(self.dunstctl("count", "displayed").strip())

    def history_ids(self):
        """Ids of the notifications closed (by the app, the user or a timeout)."""
        data = json.loads(self.dunstctl("history"))
        return [n["id"]["data"] for n in data["data"][0]]
