#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""GUI test: the window as accessibility clients (screen readers, dogtail) see it.

    with-dovecot.py -- test-a11y.py MAILPEEK_TEST_APP

Runs the test app under Xvfb on a private session bus with the accessibility bus
(at-spi-bus-launcher) and a private keyring, then walks the real AT-SPI tree with
pyatspi: every button has a name without mnemonic underscores or a doubled label;
the header-list rows are named by sender, subject and date; in the account dialog
the password field has the role "password text" and a name, a password typed into
it reads back as mask characters only (never the typed text), and every button
there is named too.  Exit 77 = skipped.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import mp_gui_session

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
FAILURES = []


def check(cond, what):
    print("%s - %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        FAILURES.append(what)
    return cond


def skip(why):
    print("SKIP: %s" % why)
    sys.exit(77)


# ------------------------------------------------------------------ the tree

def wait_until(pred, timeout, step=0.1):
    """Polls @pred (no main loop here) until it returns something true."""
    end = time.monotonic() + timeout
    while True:
        value = pred()
        if value or time.monotonic() > end:
            return value
        time.sleep(step)


def find_app(Atspi):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app and "mailpeek" in (app.get_name() or "").lower():
            app.set_cache_mask(Atspi.Cache.NONE)
            return app
    return None


def walk(node, depth=0, skip=()):
    """(node, depth) for @node and everything under it, not below nodes whose
    role is in @skip."""
    yield node, depth
    if depth > 0 and role(node) in skip:
        return
    try:
        n = node.get_child_count()
    except Exception:
        return
    for i in range(n):
        try:
            child = node.get_child_at_index(i)
        except Exception:
            continue
        if child is not None:
            yield from walk(child, depth + 1, skip)


def role(node):
    try:
        return node.get_role_name()
    except Exception:
        return ""


def name(node):
    try:
        return node.get_name() or ""
    except Exception:
        return ""


def dump(app):
    for node, depth in walk(app):
        print("# %s%s %r" % ("  " * depth, role(node), name(node)))


def inner(exe, app_log):
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, Gio

    launcher = subprocess.Popen([LAUNCHER, "--launch-immediately"])
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def a11y_bus():
        reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "NameHasOwner",
                              gi.repository.GLib.Variant("(s)", ("org.a11y.Bus",)),
                              None, Gio.DBusCallFlags.NONE, -1, None)
        return reply.unpack()[0]
    if not wait_until(a11y_bus, 20):
        launcher.terminate()
        skip("the accessibility bus did not start")

    # The registry (the desktop node) must run before the app registers with it;
    # asking it for its children starts it.
    Atspi.get_desktop(0).get_child_count()

    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env["GTK_A11Y"] = "atspi"
    with open(app_log, "w") as log:
        app_proc = subprocess.Popen([exe], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        app = wait_until(lambda: find_app(Atspi), 30)
        if not check(app is not None, "the app is on the accessibility bus"):
            return
        run_checks(Atspi, app)
    finally:
        app_proc.terminate()
        app_proc.wait(timeout=30)
        launcher.terminate()
        launcher.wait(timeout=30)


def unnamed(text):
    """GTK 4.8 names a widget without a name after its type ("GtkButton")."""
    return not text or text.startswith(("Gtk", "Adw"))


def check_buttons(app, where, skip_lists=False):
    buttons = [name(n) for n, _ in walk(app, skip=("list", "tree table") if skip_lists else ())
               if role(n) in ("push button", "toggle button")]
    check(buttons, "%s: there are buttons" % where)
    bad = [b for b in buttons if unnamed(b)]
    check(not bad, "%s: every button has a name (%d without)" % (where, len(bad)))
    mnemonic = [b for b in buttons if "_" in b]
    check(not mnemonic, "%s: no button name shows a mnemonic underscore: %r" % (where, mnemonic))
    doubled = [b for b in buttons if doubled_label(b)]
    check(not doubled, "%s: no button name repeats its label: %r" % (where, doubled))


def doubled_label(text):
    words = text.replace("_", "").split()
    half = len(words) // 2
    return len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]


def message_rows(app):
    """(row, [cell texts]) for the rows of the header list."""
    rows = []
    for lst, _ in walk(app):
        if role(lst) != "list":
            continue
        for i in range(lst.get_child_count()):
            row = lst.get_child_at_index(i)
            if role(row) != "table row":
                continue
            cells = []
            for j in range(row.get_child_count()):
                cell = row.get_child_at_index(j)
                texts = [name(n) for n, _ in walk(cell) if role(n) == "label"]
                cells.append(texts[0] if texts else "")
            rows.append((row, cells))
    return rows


def check_rows(app):
    rows = wait_until(lambda: [r for r in message_rows(app) if r[1] and r[1][0]], 60, 0.5)
    if not check(rows, "the header list shows rows"):
        return

    def misnamed():
        """The rows shown and those whose name is not their sender, subject and
        date.  Rows still arriving are bound (and named) a moment after they
        appear in the tree, so this is asked until it holds, not once."""
        shown = [r for r in message_rows(app) if r[1] and r[1][0]]
        bad = []
        for row, cells in shown:
            label = name(row)
            sender, subject, date = (cells + ["", "", ""])[:3]
            if unnamed(label) or sender not in label or subject not in label or date not in label:
                bad.append((label, cells[:3]))
        return shown, bad
    end = time.monotonic() + 15
    rows, bad = misnamed()
    while bad and time.monotonic() < end:
        time.sleep(0.5)
        rows, bad = misnamed()
    check(not bad, "each of %d rows is named by sender, subject and date: %r"
          % (len(rows), bad[:3]))


def do_action(node, action_name):
    """Runs @node's AT-SPI action called @action_name; False if it has none."""
    try:
        action = node.get_action_iface()
    except Exception:
        return False
    if action is None:
        return False
    for i in range(action.get_n_actions()):
        if action.get_action_name(i) == action_name:
            return action.do_action(i)
    return False


def open_account_dialog(app):
    """The sidebar's Add Account button, clicked through AT-SPI."""
    buttons = [n for n, _ in walk(app) if role(n) == "push button" and name(n) == "Add Account"]
    # The last one: the empty page's (hidden, but in the tree) comes first.
    if not check(buttons and do_action(buttons[-1], "click"),
                 "'Add Account' can be clicked through AT-SPI"):
        return None
    found = wait_until(lambda: [n for n, _ in walk(app) if name(n) == "Password"], 10)
    check(found, "the account dialog opens")
    return found


def text_of(node, length=200):
    """The text an AT-SPI client reads (GTK 4.8 answers (0, -1) with nothing)."""
    try:
        return node.get_text_iface().get_text(0, length) or ""
    except Exception:
        return ""


def check_password(Atspi, app):
    fields = [n for n, _ in walk(app) if name(n).startswith("Password") and role(n) in (
        "text", "password text", "entry")]
    check([name(f) for f in fields] == ["Password"],
          "one password field, named 'Password': %r" % [name(f) for f in fields])
    check(fields and all(role(f) == "password text" for f in fields),
          "the password field's role is 'password text': %r" % [role(f) for f in fields])
    secret = "Sesame-4711"
    typed = False
    for field, _ in [(f, 0) for f in fields] + [(n, 0) for f in fields for n, _ in walk(f)]:
        try:
            editable = field.get_editable_text_iface()
        except Exception:
            editable = None
        if editable is not None and editable.set_text_contents(secret):
            typed = True
            break
    check(typed, "a password can be typed through AT-SPI")
    if fields and typed:
        # Typed on the keyboard too (XTest): the key path (input method commit).
        try:
            box = fields[0].get_component_iface().get_extents(Atspi.CoordType.SCREEN)
            Atspi.generate_mouse_event(box.x + box.width // 3, box.y + box.height // 2, "b1c")
        except Exception:
            pass
        time.sleep(0.3)
        Atspi.generate_keyboard_event(0xff57, None, Atspi.KeySynthType.SYM)   # End
        for ch in "xy":
            Atspi.generate_keyboard_event(ord(ch), None, Atspi.KeySynthType.SYM)
        secret += "xy"
        wait_until(lambda: len(text_of(fields[0])) == len(secret), 5)
    leaked = [role(n) for f in fields for n, _ in walk(f)
              if secret in text_of(n) or "xy" in text_of(n)]
    shown = text_of(fields[0]) if fields else ""
    check(not leaked, "the typed password is not readable through AT-SPI: %r" % leaked)
    check(typed and len(shown) == len(secret) and secret not in shown and len(set(shown)) == 1,
          "the password field reads as %d mask characters, as on screen: %r"
          % (len(secret), shown))


def select_row(Atspi, app, row):
    """Selects @row as an AT-SPI client can: the list's Selection interface, else
    a click on the row's screen position (XTest, as an assistive tool's mouse
    routing does).  Returns how, or None."""
    parent = row.get_parent()
    try:
        selection = parent.get_selection_iface()
    except Exception:
        selection = None
    if selection is not None:
        try:
            if selection.select_child(row.get_index_in_parent()):
                return "selection interface"
        except Exception:
            pass
    try:
        box = row.get_component_iface().get_extents(Atspi.CoordType.SCREEN)
    except Exception:
        return None
    if box.width <= 0 or box.height <= 0:
        return None
    Atspi.generate_mouse_event(box.x + min(40, box.width // 2), box.y + box.height // 2, "b1c")
    return "click at %d,%d" % (box.x, box.y)


def button_named(app, label, skip_lists=False):
    """The first visible button called @label (an AdwMessageDialog has each
    response twice, for its wide and narrow layouts; the wide one comes first).
    @skip_lists: do not look inside lists and tables (a walk through every row
    takes seconds)."""
    found = [n for n, _ in walk(app, skip=("list", "tree table") if skip_lists else ())
             if role(n) in ("push button", "toggle button")
             and name(n) == label and has_state(n, "visible")]
    return found[0] if found else None


def has_state(node, state):
    from gi.repository import Atspi
    try:
        return node.get_state_set().contains(getattr(Atspi.StateType, state.upper()))
    except Exception:
        return False


def check_delete_undo(Atspi, app):
    """Select the newest message, delete it with confirmation, undo: all through
    AT-SPI; the row goes and comes back, and nothing reaches the server."""
    rows = [r for r in message_rows(app) if r[1] and r[1][0]]
    if not check(rows, "rows to delete from"):
        return
    row, cells = rows[0]
    subject = cells[1]
    lst = row.get_parent()
    how = select_row(Atspi, app, row)
    delete = wait_until(lambda: (lambda b: b if b is not None and has_state(b, "sensitive") else None)(
        button_named(app, "Delete Selected Messages from Server")), 10)
    if not check(how and delete is not None,
                 "a row can be selected through AT-SPI (%s) and Delete becomes usable" % how):
        return
    check(do_action(delete, "click"), "Delete can be clicked through AT-SPI")
    confirm = wait_until(lambda: button_named(app, "Delete"), 10)
    if not check(confirm is not None, "the confirmation asks, with a 'Delete' button"):
        return
    check(do_action(confirm, "click"), "the confirmation's Delete can be clicked")
    # Not into the closing dialog: GTK 4.8 answers a query about a widget whose
    # accessible is gone with a null object path (a GLib critical, then a broken
    # reply); the dialog is gone well within a second.
    time.sleep(1)
    # The toast's Undo lasts 5 s (also under sanitizers): found by a walk that
    # skips the message list, then only a few cheap questions before the click.
    undo = wait_until(lambda: button_named(app, "Undo", skip_lists=True), 3, 0.05)
    toast_buttons = []
    if undo is not None:
        # The toast: the Undo button's parent holds its title and close button too.
        toast_buttons = [name(n) for n, _ in walk(undo.get_parent())
                         if role(n) in ("push button", "toggle button")]
    first = name(lst.get_child_at_index(0)) if lst.get_child_count() > 0 else ""
    clicked = undo is not None and do_action(undo, "click")
    check(toast_buttons and not [b for b in toast_buttons
                                 if unnamed(b) or "_" in b or doubled_label(b)],
          "the undo toast's buttons are named plainly: %r" % toast_buttons)
    check(subject not in first, "the deleted row %r left the list before Undo (first row now %r)"
          % (subject, first))
    if check(clicked, "Undo can be clicked through AT-SPI"):
        back = wait_until(lambda: any(c[1] == subject for _, c in message_rows(app)), 10)
        check(back, "after Undo the row %r is back" % subject)


def run_checks(Atspi, app):
    check_rows(app)
    check_buttons(app, "window")
    if os.environ.get("MP_SANITIZER"):
        # Every AT-SPI question to instrumented code takes several times longer:
        # finding the toast's Undo does not fit in its 5 seconds, and the message
        # would really be deleted.  The normal build runs this.
        print("# delete + undo through AT-SPI: not run under MP_SANITIZER (the undo "
              "window is 5 s)")
    else:
        check_delete_undo(Atspi, app)
    if open_account_dialog(app):
        check_password(Atspi, app)
        check_buttons(app, "account dialog")
    if FAILURES:
        dump(app)   # the tree as the checks saw it


# ------------------------------------------------------------------ outer

def atspi_python():
    """A Python that has the AT-SPI bindings: this one, or the system's (Debian's
    gir1.2-atspi-2.0 installs them for /usr/bin/python3 only)."""
    for python in (sys.executable, "/usr/bin/python3"):
        probe = subprocess.run([python, "-c", "import gi; gi.require_version('Atspi', '2.0')"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            return python
    return None


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "inner":
        inner(sys.argv[2], sys.argv[3])
        if FAILURES:
            print(mp_gui_session.failed_line(FAILURES))
            sys.exit(1)
        return
    exe = sys.argv[1]
    for tool in ("xvfb-run", "dbus-run-session") + mp_gui_session.REQUIRED_TOOLS:
        if not shutil.which(tool):
            skip("%s is not installed" % tool)
    if not os.access(LAUNCHER, os.X_OK):
        skip("at-spi2-core is not installed")
    python = atspi_python()
    if not python:
        skip("the AT-SPI client library (gir1.2-atspi-2.0) is not installed")
    if "MP_TEST_HOST" not in os.environ:
        skip("run under tests/harness/with-dovecot.py")

    home = tempfile.mkdtemp(prefix="mp-a11y-")
    try:
        env = dict(os.environ)
        env.update({
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
            "XDG_RUNTIME_DIR": os.path.join(home, "run"),
            "GSETTINGS_BACKEND": "memory",
            "GSK_RENDERER": "cairo",
            "GDK_BACKEND": "x11",
        })
        os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700)
        mp_gui_session.write_account(env["XDG_CONFIG_HOME"], os.environ["MP_TEST_USER"],
                                     os.environ["MP_TEST_HOST"],
                                     os.environ["MP_TEST_POP3S_PORT"],
                                     os.environ["MP_TEST_CA_FILE"])
        app_log = os.path.join(home, "app.log")
        test_log = os.path.join(home, "test.log")
        inner_cmd = [python, os.path.abspath(__file__), "inner", exe, app_log]
        cmd = (["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--"]
               + mp_gui_session.session_command(inner_cmd, test_log, env,
                                                os.environ["MP_TEST_PASSWORD"]))
        proc = subprocess.run(cmd, env=env, timeout=600,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        print("\n".join(mp_gui_session.app_log_lines(test_log)))
        app_lines = mp_gui_session.app_log_lines(app_log)
        for line in app_lines:
            if "CRITICAL" in line or "WARNING" in line:
                print("# app: %s" % line)
        check(proc.returncode == 0, "the accessibility checks passed (exit %d)" % proc.returncode)
        # Deleted and undone: the server still has every message.
        with open(os.environ["MP_TEST_MANIFEST"], encoding="utf-8") as f:
            expected = len(json.load(f))
        listed = len(mp_gui_session.pop3_listing())
        check(listed == expected, "nothing was deleted on the server (%d of %d)" % (listed, expected))
        check(not any("CRITICAL" in l for l in app_lines), "no GLib criticals from the app")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if FAILURES:
        sys.exit(1)


if __name__ == "__main__":
    main()
