#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""GUI test: the main window's layout at the installed schema's default size.

    with-dovecot.py -- test-layout.py MAILPEEK_TEST_APP SCREENSHOT_DIR

A new user's window (the compiled schema, no saved size) opens at the schema's
window-width × window-height: every column header of the message list lies fully
inside the list's visible area and none is cut short; the preview, which does not
fit beside such a list, is a page of its own (a row opened shows it, the back button
returns).  Made wide, list and preview stand side by side, every column still
readable; the divider's position moved, the next start has it again.  The first-run
screenshot (README) is SCREENSHOT_DIR/first-run.png.
"""

import importlib.util
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("gui", os.path.join(HERE, "test-gui.py"))
gui = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gui)
check = gui.check


def schema_default(key):
    path = os.path.join(HERE, "..", "..", "data", "io.github.mailpeek.Mailpeek.gschema.xml")
    for k in ET.parse(path).getroot().iter("key"):
        if k.get("name") == key:
            return int(k.find("default").text)
    raise KeyError(key)


def check_columns(layout, what):
    cols = layout.get("columns", [])
    check([c["title"] for c in cols] == ["From", "Subject", "Date", "Size", "Att."],
          "%s: the five column headers are there (%s)" % (what, [c["title"] for c in cols]))
    for c in cols:
        check(c["inside"], "%s: %s header lies inside the visible list (x %d w %d, list %d+%d)"
              % (what, c["title"], c["x"], c["width"], layout["list_x"], layout["list_width"]))
        check(not c["ellipsized"] and c["label_width"] >= c["label_natural"],
              "%s: %s header is not cut (%d of %d px)"
              % (what, c["title"], c["label_width"], c["label_natural"]))
    subject = [c for c in cols if c["title"] == "Subject"]
    check(subject and subject[0]["width"] >= 200,
          "%s: Subject column is at least 200 px wide (%s)" % (what, subject and subject[0]["width"]))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, shots = sys.argv[1:]
    for tool in ("xvfb-run", "dbus-run-session", "import") + gui.mp_gui_session.REQUIRED_TOOLS:
        if not shutil.which(tool):
            gui.skip("%s is not installed" % tool)
    if "MP_TEST_HOST" not in os.environ:
        gui.skip("not run under with-dovecot.py")
    os.makedirs(shots, exist_ok=True)
    width, height = schema_default("window-width"), schema_default("window-height")
    home = tempfile.mkdtemp(prefix="mp-layout-")
    try:
        obs = gui.run_app(exe, home, [
            "animations off",
            "wait-idle 60",
            "select 0",
            "wait-preview",
            "sleep 300",
            "layout",
            "screenshot %s/first-run.png" % shots,
            "open-row",
            "sleep 300",
            "layout",
            "back",
            "sleep 300",
            "layout",
            "resize 1260 760",
            "sleep 500",
            "layout",
            "screenshot %s/wide.png" % shots,
            "set-divider 375",
            "quit",
        ], schemas=True, name="layout-1", settings_backend="keyfile")
        # The next start: GSettings kept in HOME (keyfile backend).
        obs += gui.run_app(exe, home, ["animations off", "wait-idle 60", "resize 1260 760", "sleep 500", "layout",
                                       "quit"],
                           schemas=True, name="layout-2", settings_backend="keyfile")
        layouts = gui.by_cmd(obs, "layout")
        if not check(len(layouts) == 5, "five layout reports (%d)" % len(layouts)):
            print("# observations: %r" % obs)
            return 1
        first, opened, back, wide, reopened = layouts
        check(first["default_size"] == [width, height],
              "a new user's window opens at the schema's %dx%d (%r, %d×%d px inside)"
              % (width, height, first["default_size"], first["window_width"], first["window_height"]))
        check(not first["sidebar_folded"], "first run: the account sidebar is shown")
        check(first["messages_folded"] and first["page"] == "list" and not first["preview_mapped"],
              "first run: narrow, the list alone (%s, page %s)" % (first["messages_folded"], first["page"]))
        check_columns(first, "first run")
        check(opened["page"] == "preview" and opened["preview_mapped"] and not opened["list_mapped"],
              "narrow: an opened row shows the preview as its own page")
        check(opened["back_visible"] and opened["back_tooltip"] == "Back to Messages",
              "narrow: the back button leads back to the messages")
        check(back["page"] == "list" and back["list_mapped"] and not back["back_visible"],
              "narrow: back shows the list again (and no back button beside the sidebar)")
        check(not wide["messages_folded"] and wide["list_mapped"] and wide["preview_mapped"],
              "wide (%d px): list and preview side by side" % wide["window_width"])
        check(abs(wide["preview_width"] - wide["divider"]) <= 1,
              "wide: the preview is as wide as the divider says (%d, %d)"
              % (wide["preview_width"], wide["divider"]))
        check_columns(wide, "wide")
        check(reopened["divider"] == 375 and abs(reopened["preview_width"] - 375) <= 1,
              "the divider's position is remembered at the next start (%d, %d px)"
              % (reopened["divider"], reopened["preview_width"]))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if gui.FAILURES:
        print(gui.mp_gui_session.failed_line(gui.FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
