#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tray item in a real tray host: xfce4-panel 4.18 with only its Status Tray
plugin (systray, which is also the StatusNotifierWatcher), issue 13.

    test-tray-xfce.py MAILPEEK SOURCE_ICON_DIR SCREENSHOT_DIR

Each case runs under its own Xvfb on a private session bus WITHOUT auto-activation
(a dbus-daemon configuration with no <servicedir>): xfconfd is started explicitly on
that bus and reads the panel's configuration from the test's XDG_CONFIG_HOME
(xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml: one panel, one plugin, a solid
background colour).  The panel strip is captured before and after the real
`mailpeek --background` starts:
  - the item is drawn: the strip changes, in an area of icon size;
  - it reads: at least a quarter of the item's pixels stand out from the panel
    background by 3:1 (WCAG contrast), on a light and on a dark panel;
  - from the build tree (no icons in any XDG data dir: the host has the item's
    IconPixmap and IconThemePath) and with the icons installed in an XDG data dir
    (the icon name resolves in the hicolor theme).
Screenshots of the strips go to SCREENSHOT_DIR (tray-xfce-light.png,
tray-xfce-dark.png; README shows copies from data/screenshots/).  Exit 77 = a
program is missing.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from mp_gui_session import wait_until

FAILURES = []
XFCONFD = "/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd"
WATCHER = "org.kde.StatusNotifierWatcher"
PANEL_HEIGHT = 32
SCREEN_W, SCREEN_H = 640, 120

BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <!-- No <servicedir>: nothing is activated; every service is started by the test. -->
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

PANEL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="dark-mode" type="bool" value="%(dark)s"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="%(height)d"/>
      <property name="background-style" type="uint" value="1"/>
      <property name="background-rgba" type="array">
        <value type="double" value="%(grey)f"/>
        <value type="double" value="%(grey)f"/>
        <value type="double" value="%(grey)f"/>
        <value type="double" value="1"/>
      </property>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>
</channel>
"""


def check(cond, what):
    print(("ok   - " if cond else "FAIL - ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def capture(env, path):
    """The panel strip as rows of (r, g, b); also saved as PNG at @path."""
    subprocess.run(["import", "-window", "root", "-crop",
                    "%dx%d+0+0" % (SCREEN_W, PANEL_HEIGHT), "+repage", path],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    raw = subprocess.run(["convert", path, "-depth", "8", "RGB:-"], check=True,
                         stdout=subprocess.PIPE).stdout
    w = len(raw) // (3 * PANEL_HEIGHT)
    return [[tuple(raw[(y * w + x) * 3:(y * w + x) * 3 + 3]) for x in range(w)]
            for y in range(PANEL_HEIGHT)]


def luminance(rgb):
    def channel(c):
        c = c / 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def changed_box(before, after):
    pts = [(x, y) for y in range(len(after)) for x in range(len(after[y]))
           if before[y][x] != after[y][x]]
    if not pts:
        return None
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def bus_call(env, *args):
    return subprocess.run(["gdbus", "call", "--session"] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=30).stdout.decode()


def has_owner(env, name):
    return "true" in bus_call(env, "--dest", "org.freedesktop.DBus", "--object-path",
                              "/org/freedesktop/DBus", "--method",
                              "org.freedesktop.DBus.NameHasOwner", name)


def registered_items(env):
    out = bus_call(env, "--dest", WATCHER, "--object-path", "/StatusNotifierWatcher",
                   "--method", "org.freedesktop.DBus.Properties.Get", WATCHER,
                   "RegisteredStatusNotifierItems")
    return "StatusNotifierItem" in out


class Desktop:
    """Xvfb + a private bus without activation + xfconfd + xfce4-panel."""

    def __init__(self, home, dark, data_dirs=None):
        self.home = home
        self.procs = []
        self.logs = []
        for sub in ("run", "bus", "config/xfce4/xfconf/xfce-perchannel-xml"):
            os.makedirs(os.path.join(home, sub), mode=0o700, exist_ok=True)
        with open(os.path.join(home, "config/xfce4/xfconf/xfce-perchannel-xml/"
                               "xfce4-panel.xml"), "w") as f:
            f.write(PANEL_XML % {"dark": "true" if dark else "false", "height": PANEL_HEIGHT,
                                 "grey": 0.12 if dark else 0.93})
        conf = os.path.join(home, "bus.conf")
        with open(conf, "w") as f:
            f.write(BUS_CONF % os.path.join(home, "bus"))
        self.env = dict(os.environ)
        for key in ("DBUS_SESSION_BUS_ADDRESS", "SESSION_MANAGER", "WAYLAND_DISPLAY"):
            self.env.pop(key, None)
        self.env.update({
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "XDG_CACHE_HOME": os.path.join(home, "cache"),
            "XDG_DATA_HOME": os.path.join(home, "data"),
            "XDG_STATE_HOME": os.path.join(home, "state"),
            "XDG_RUNTIME_DIR": os.path.join(home, "run"),
            "NO_AT_BRIDGE": "1",
            "GDK_BACKEND": "x11",
        })
        if data_dirs:
            # Where the panel (the host) looks icons up by name.
            self.env["XDG_DATA_DIRS"] = data_dirs
        # Xvfb picks a free display and tells it on a pipe.
        rfd, wfd = os.pipe()
        self._start(["Xvfb", "-displayfd", str(wfd), "-screen", "0",
                     "%dx%dx24" % (SCREEN_W, SCREEN_H), "-nolisten", "tcp"], "xvfb",
                    pass_fds=(wfd,))
        os.close(wfd)
        with os.fdopen(rfd) as r:
            self.env["DISPLAY"] = ":" + r.readline().strip()
        bus = subprocess.Popen(["dbus-daemon", "--config-file=" + conf, "--nofork",
                                "--print-address=1"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=self.env)
        self.procs.append(bus)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
        self._start([XFCONFD], "xfconfd")
        check(wait_until(lambda: has_owner(self.env, "org.xfce.Xfconf"), 20),
              "xfconfd runs on the private bus")
        self._start(["xfce4-panel", "--disable-wm-check"], "panel")
        check(wait_until(lambda: has_owner(self.env, WATCHER), 30),
              "the panel's Status Tray plugin is the StatusNotifierWatcher")

    def _start(self, cmd, name, **kwargs):
        log = open(os.path.join(self.home, name + ".log"), "w")
        self.logs.append((name, log.name))
        self.procs.append(subprocess.Popen(cmd, env=self.env, stdout=log,
                                           stderr=subprocess.STDOUT, **kwargs))
        return self.procs[-1]

    def start_app(self, exe, extra_env):
        env = dict(self.env, **extra_env)
        log = open(os.path.join(self.home, "mailpeek.log"), "w")
        self.app_log = log.name
        proc = subprocess.Popen([exe, "--background"], env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def run_case(exe, icons, shots, name, dark, installed):
    home = tempfile.mkdtemp(prefix="mp-tray-xfce-")
    desktop = None
    try:
        data_dirs = None
        if installed:
            # As a package installs them: the hicolor theme of an XDG data dir, where
            # the panel finds the item's IconName.
            share = os.path.join(home, "share")
            shutil.copytree(icons, os.path.join(share, "icons"))
            data_dirs = share + ":" + os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share")
        desktop = Desktop(home, dark, data_dirs)
        env = desktop.env
        extra = {"GSETTINGS_BACKEND": "memory",
                 "GSETTINGS_SCHEMA_DIR": os.path.join(os.environ["MP_BUILD_ROOT"], "data")}
        # The empty panel: drawn once two captures agree on a uniform strip.
        empty = wait_until(lambda: (lambda a: a if len({p for row in a for p in row}) <= 2
                                    else None)(capture(env, os.path.join(home, "empty.png"))),
                           20)
        if not check(empty, "%s: the empty panel is drawn" % name):
            return
        background = empty[PANEL_HEIGHT // 2][SCREEN_W // 2]
        app = desktop.start_app(exe, extra)
        check(wait_until(lambda: registered_items(env), 30),
              "%s: Mailpeek's item is registered with the panel's watcher" % name)
        strip = os.path.join(home, "item.png")
        after = wait_until(lambda: (lambda a: a if changed_box(empty, a) else None)
                           (capture(env, strip)), 20)
        box = changed_box(empty, after) if after else None
        if not check(box is not None, "%s: the item is drawn (the panel strip changed)" % name):
            return
        # Measure a settled picture: two captures in a row that agree.
        last = [after]

        def settled():
            now = capture(env, strip)
            same = now == last[0]
            last[0] = now
            return now if same else None
        after = wait_until(settled, 10) or last[0]
        box = changed_box(empty, after) or box
        x0, y0, x1, y1 = box
        w, h = x1 - x0 + 1, y1 - y0 + 1
        check(8 <= w <= 48 and 8 <= h <= PANEL_HEIGHT,
              "%s: the drawn area is icon-sized: %dx%d at %d,%d" % (name, w, h, x0, y0))
        item = [after[y][x] for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
        strong = [p for p in item if contrast(p, background) >= 3.0]
        share_strong = len(strong) / float(len(item))
        best = max(contrast(p, background) for p in item)
        check(share_strong >= 0.25,
              "%s: %.0f%% of the item's pixels stand out 3:1 from the panel %s (best %.1f:1)"
              % (name, 100 * share_strong, "#%02x%02x%02x" % background, best))
        if shots:
            os.makedirs(shots, exist_ok=True)
            # The left part of the strip, where the tray sits, at twice the size.
            subprocess.run(["convert", strip, "-crop", "160x%d+0+0" % PANEL_HEIGHT, "+repage",
                            "-scale", "200%", os.path.join(shots, "tray-xfce-%s.png" % shots_name(dark))],
                           check=True)
        check(app.poll() is None, "%s: mailpeek still runs" % name)
    finally:
        if desktop:
            desktop.stop()
            with open(desktop.app_log if hasattr(desktop, "app_log") else os.devnull,
                      encoding="utf-8", errors="replace") as f:
                text = f.read()
            for line in text.splitlines():
                print("# mailpeek: %s" % line)
            check("CRITICAL" not in text, "%s: no GLib criticals from mailpeek" % name)
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)


def shots_name(dark):
    return "dark" if dark else "light"


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, icons, shots = sys.argv[1:]
    for tool in ("Xvfb", "dbus-daemon", "gdbus", "xfce4-panel", "import", "convert", XFCONFD):
        if not shutil.which(tool):
            print("1..0 # SKIP %s is not installed" % tool)
            return 77
    run_case(exe, icons, shots, "light panel, from the build tree", dark=False, installed=False)
    run_case(exe, icons, None, "light panel, icons installed", dark=False, installed=True)
    run_case(exe, icons, shots, "dark panel, from the build tree", dark=True, installed=False)
    run_case(exe, icons, None, "dark panel, icons installed", dark=True, installed=True)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
