#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""GUI test: setting an account up through the account dialog, as a screen reader
user does it — every step through the accessibility tree (AT-SPI).

    with-dovecot.py --oauth2 -- test-account-setup.py MAILPEEK_TEST_APP DISCOVER_SERVER SHOTS [FAKE_GOA]

The local discovery server of tests/core (discover-server.py) serves an ISP-database
entry for "dovecot.test" that names the test Dovecot; the app's GSettings key
ispdb-url points at it (a keyfile settings backend in the test's HOME), and the
test CAs (the discovery server's and the Dovecot's) are added to the system trust
store in a private mount namespace — the app is run exactly as a user runs it, with
no CA file anywhere.  Checked:
  - an account whose password command fails (MP_ERROR_CREDENTIALS) offers
    "Edit Account…", which opens the dialog on that command;
  - address first: typing alice@dovecot.test and a password, Continue shows the
    settings found and where ("from Mozilla's ISP database"), the user name from the
    template, SSL/TLS chosen; Add saves it and the account lists Dovecot's messages;
  - a plaintext-only result (ISPDB entry of plain.test) is warned about;
  - a failed search falls back to the manual fields with guesses; a hanging one
    (slow.test) ends at once on Cancel Search;
  - manual: Configure Manually, server, user, Security chosen by a click on
    "STARTTLS" (the port follows), the password from a command; Test Connection logs
    in, Add saves the command (not its output); the account checks against Dovecot.
  - every field and choice of the dialog has an accessible name; without GNOME
    Online Accounts its choice is insensitive and says why; with the fake service of
    tests/core (FAKE_GOA), choosing its Google or its Microsoft account fills server,
    port, user and XOAUTH2; the Google one, pointed at the test Dovecot (XOAUTH2
    checked against the harness's introspection endpoint), gets an expired token
    from GOA first: Test Connection renews it once and logs in, and the saved
    account checks with a token from GOA, stored nowhere.
Screenshots of the found settings, the manual form and the GOA account go to SHOTS.  Exit 77 =
skipped.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import mp_gui_session

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("mp_a11y_test", os.path.join(HERE, "test-a11y.py"))
a11y = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(a11y)
check, walk, role, name, wait_until, do_action, text_of = (
    a11y.check, a11y.walk, a11y.role, a11y.name, a11y.wait_until, a11y.do_action, a11y.text_of)

DOMAIN = "dovecot.test"
BROKEN_ID = "broken-command"


# ------------------------------------------------------------------ tree helpers

def nodes(app, roles=None, label=None, prefix=None):
    out = []
    for n, _ in walk(app):
        if roles and role(n) not in roles:
            continue
        if label is not None and name(n) != label:
            continue
        if prefix is not None and not name(n).startswith(prefix):
            continue
        out.append(n)
    return out


def states(node):
    try:
        return [s.value_nick for s in node.get_state_set().get_states()]
    except Exception:
        return []


def button(app, label):
    found = nodes(app, ("push button", "toggle button"), label=label)
    return found[-1] if found else None


def click(app, label, what=None):
    b = wait_until(lambda: button(app, label), 10)
    return check(b is not None and do_action(b, "click"),
                 what or "%r can be clicked through AT-SPI" % label)


def field(app, label):
    found = nodes(app, ("text", "password text", "entry", "spin button"), label=label)
    return found[-1] if found else None


def type_into(app, label, text):
    f = wait_until(lambda: field(app, label), 10)
    ok = False
    if f is not None:
        try:
            ok = f.get_editable_text_iface().set_text_contents(text)
        except Exception:
            ok = False
    return check(ok, "%r can be typed into through AT-SPI" % label)


def account_frame(app):
    """The account dialog's window, among the app's own children (no deep walk)."""
    try:
        children = [app.get_child_at_index(i) for i in range(app.get_child_count())]
    except Exception:
        return None
    frames = [c for c in children if c is not None and role(c) == "frame" and name(c) == "Account"]
    return frames[-1] if frames else None


def dialog_open(app):
    return button(app, "Continue") or button(app, "Configure Manually")


def screenshot(shots, file_name):
    os.makedirs(shots, exist_ok=True)
    subprocess.run(["import", "-window", "root", os.path.join(shots, file_name)], check=False)


# ------------------------------------------------------------------ the cases

def credentials_case(app):
    """A password command that fails: the banner offers the dialog, not a password."""
    edit = wait_until(lambda: button(app, "Edit Account…"), 60, 0.3)
    if not check(edit is not None,
                 "a failing password command (MP_ERROR_CREDENTIALS) offers 'Edit Account…': %r"
                 % [name(b) for b in nodes(app, ("push button",))]):
        return
    check(do_action(edit, "click"), "'Edit Account…' can be clicked")
    command = wait_until(lambda: field(app, "Password Command"), 10)
    check(command is not None and text_of(command) == "exit 3",
          "the dialog opens on the account, its password command shown: %r"
          % (command and text_of(command)))
    source = button(app, "Command")
    check(source is not None and "pressed" in states(source),
          "'Password From: Command' is the chosen source")
    # The last step of its run: GTK 4.8 answers a query of the application's
    # windows with a broken reply once a dialog has closed (seen as a
    # g_variant_new_object_path critical), so no run reads the tree after that.
    click(app, "Cancel")


def wait_saved(home, account_name):
    conf_path = os.path.join(home, ".config", "mailpeek", "accounts.conf")

    def saved():
        if not os.path.exists(conf_path):
            return ""
        conf = open(conf_path, encoding="utf-8").read()
        return conf if "name=%s\n" % account_name in conf else ""
    return wait_until(saved, 20, 0.2)


def address_case(app, shots, home):
    user = os.environ["MP_TEST_USER"]
    host = os.environ["MP_TEST_HOST"]
    port = os.environ["MP_TEST_POP3S_PORT"]
    if not click(app, "Add Account"):
        return
    wait_until(lambda: dialog_open(app), 10)
    check(field(app, "Server Name") is None,
          "a new account starts with the address: the server fields are not shown yet")
    type_into(app, "Account Name", "Alice (found)")
    type_into(app, "E-mail Address", "%s@%s" % (user, DOMAIN))
    type_into(app, "Password", os.environ["MP_TEST_PASSWORD"])
    click(app, "Continue")
    found = wait_until(lambda: nodes(app, ("label",), prefix="Found "), 40, 0.2)
    text = name(found[0]) if found else ""
    check(found, "Continue finds the settings: %r" % [name(n) for n in nodes(app, ("label",))
                                                     if "settings" in name(n)])
    check("from Mozilla's ISP database" in text and host in text and port in text,
          "the dialog says what was found and where: %r" % text)
    server = field(app, "Server Name")
    login = field(app, "User Name")
    check(server is not None and text_of(server) == host, "the server field holds %s" % host)
    check(login is not None and text_of(login) == user,
          "the user name is the template %%EMAILLOCALPART%% applied: %r"
          % (login and text_of(login)))
    tls = button(app, "SSL/TLS")
    check(tls is not None and "pressed" in states(tls), "SSL/TLS (implicit TLS) is chosen")
    check(not nodes(app, None, label="This server offers no encryption"),
          "no plaintext warning for a TLS server")
    time.sleep(0.3)   # the last frame drawn before the picture
    screenshot(shots, "account-found.png")
    click(app, "Add")
    conf = wait_saved(home, "Alice (found)")
    check("host=%s\n" % host in conf and "port=%s\n" % port in conf and
          "username=%s\n" % user in conf, "the found settings are saved:\n%s" % conf)
    check(os.environ["MP_TEST_PASSWORD"] not in conf, "the password is not in accounts.conf")


def plaintext_case(app):
    if not click(app, "Add Account"):
        return
    wait_until(lambda: dialog_open(app), 10)
    type_into(app, "E-mail Address", "p@plain.test")
    click(app, "Continue")
    found = wait_until(lambda: nodes(app, ("label",), prefix="Found "), 40, 0.2)
    check(found and "pop.plain.test" in name(found[0]), "plain.test's settings are found")
    check(nodes(app, None, label="This server offers no encryption"),
          "a plaintext-only result is warned about")
    none = button(app, "None (unencrypted)")
    check(none is not None and "pressed" in states(none), "Security shows 'None (unencrypted)'")


def manual_case(app, shots, home):
    if not click(app, "Add Account"):
        return
    wait_until(lambda: dialog_open(app), 10)
    type_into(app, "Account Name", "Empty (manual)")
    click(app, "Configure Manually")
    wait_until(lambda: field(app, "Server Name"), 10)
    type_into(app, "Server Name", os.environ["MP_TEST_HOST"])
    type_into(app, "User Name", os.environ["MP_TEST_EMPTY_USER"])
    # Security through AT-SPI: a click on the option, its state read back.
    click(app, "STARTTLS", "Security 'STARTTLS' can be chosen through AT-SPI")
    starttls = button(app, "STARTTLS")
    tls = button(app, "SSL/TLS")
    check(starttls is not None and "pressed" in states(starttls) and
          "pressed" not in states(tls), "STARTTLS is now the chosen option, SSL/TLS is not")
    port = field(app, "Port")
    check(port is not None and text_of(port) == "110", "the port follows the security: %r"
          % (port and text_of(port)))
    type_into(app, "Port", os.environ["MP_TEST_POP3_PORT"])
    # The secret from a command (as pass(1) would print it), chosen through AT-SPI.
    command = "cat %s" % os.path.join(home, "empty-secret")
    click(app, "Command", "'Password From: Command' can be chosen through AT-SPI")
    type_into(app, "Password Command", command)
    click(app, "Test Connection")
    result = wait_until(lambda: nodes(app, ("label",), prefix="Login succeeded"), 40, 0.3)
    check(result, "Test Connection logs in with the command's password over STARTTLS: %r"
          % [name(n) for n in nodes(app, ("label",)) if "\n" in name(n)][:2])
    time.sleep(0.3)
    screenshot(shots, "account-manual.png")
    click(app, "Add")
    conf = wait_saved(home, "Empty (manual)")
    check("security=starttls\n" in conf and "port=%s\n" % os.environ["MP_TEST_POP3_PORT"] in conf,
          "the manual account is saved with STARTTLS and its port")
    check("password-command=%s\n" % command in conf,
          "the command (not its output) is saved as password-command")


def names_case(app):
    """Every field and choice of the dialog has an accessible name; the password
    field has the password role; without GNOME Online Accounts its choice says why."""
    if not click(app, "Add Account"):
        return
    wait_until(lambda: dialog_open(app), 10)
    click(app, "Configure Manually")
    wait_until(lambda: field(app, "Server Name"), 10)
    dialog = [n for n in nodes(app, ("frame",)) if name(n) in ("Account", "Add Account")]
    scope = dialog[-1] if dialog else app
    interactive = [n for n, _ in walk(scope) if role(n) in (
        "text", "password text", "entry", "spin button", "check box", "push button",
        "toggle button", "combo box")]
    unnamed = ["%s %r" % (role(n), name(n)) for n in interactive if a11y.unnamed(name(n))]
    check(interactive and not unnamed,
          "every one of %d fields and choices in the dialog has a name: %r"
          % (len(interactive), unnamed))
    roles = [role(n) for n in nodes(scope, ("text", "password text", "entry"), label="Password")]
    check(roles == ["password text"], "the password field has the role 'password text': %r" % roles)
    goa = button(app, "Online Accounts")
    check(goa is not None and "sensitive" not in states(goa),
          "without GNOME Online Accounts the choice is insensitive")
    try:
        why = goa.get_description() if goa else ""
    except Exception:
        why = ""
    check("Online Accounts" in (why or ""), "… and says why: %r" % why)


GOA_ACCOUNTS = {
    # case: (provider type, identity, the server its provider means)
    "goa": ("google", "alice@gmail.com", "pop.gmail.com"),
    "goa-microsoft": ("ms_graph", "bob@outlook.com", "outlook.office365.com"),
}


def fake_goa_calls(home):
    path = os.path.join(home, "fake-goa.log")
    return open(path, encoding="utf-8").read().split("\n")[1:-1] if os.path.exists(path) else []


def goa_fills(app, case):
    """An account of (fake) GNOME Online Accounts fills server, port, user and OAuth2."""
    provider, identity, host = GOA_ACCOUNTS[case]
    if not click(app, "Add Account"):
        return False
    wait_until(lambda: dialog_open(app), 10)
    goa = wait_until(lambda: button(app, "Online Accounts") if "sensitive" in states(
        button(app, "Online Accounts")) else None, 10, 0.2)
    if not check(goa is not None, "with GNOME Online Accounts running the choice is offered"):
        return False
    check(do_action(goa, "click"), "'Online Accounts' can be chosen through AT-SPI")
    account = wait_until(lambda: button(app, "%s (%s)" % (identity, provider)), 10)
    check(account is not None and "pressed" in states(account),
          "the %s account is listed and chosen" % provider)
    server = wait_until(lambda: field(app, "Server Name"), 10)
    check(server is not None and text_of(server) == host, "server %s" % host)
    port = field(app, "Port")
    check(port is not None and text_of(port) == "995", "port 995")
    login = field(app, "User Name")
    check(login is not None and text_of(login) == identity, "the address as user name")
    xoauth2 = button(app, "OAuth2 (XOAUTH2)")
    check(xoauth2 is not None and "pressed" in states(xoauth2), "XOAUTH2 authentication")
    check(field(app, "Password") is None, "no password field for an Online Accounts account")
    return True


def goa_case(app, shots, home):
    """A Google account of GOA, pointed at the test Dovecot (XOAUTH2 checked by its
    introspection endpoint): Test Connection gets a token from GOA, which the server
    calls expired, so Mailpeek has GOA renew it and logs in with the fresh one; the
    saved account checks through GOA too, and no token is written anywhere."""
    if not goa_fills(app, "goa"):
        return
    type_into(app, "Server Name", os.environ["MP_TEST_HOST"])
    type_into(app, "Port", os.environ["MP_TEST_POP3S_PORT"])
    type_into(app, "User Name", os.environ["MP_TEST_USER"])
    type_into(app, "Account Name", "Alice (Online Accounts)")
    click(app, "Test Connection")
    result = wait_until(lambda: nodes(app, ("label",), prefix="Login succeeded"), 40, 0.3)
    check(result, "Test Connection logs in with the renewed token: %r"
          % [name(n) for n in nodes(app, ("label",)) if "\n" in name(n)][:2])
    expired, fresh = os.environ["MP_TEST_OAUTH2_EXPIRED_TOKEN"], os.environ["MP_TEST_OAUTH2_TOKEN"]
    calls = fake_goa_calls(home)
    check(calls[:1] == ["GetAccessToken " + expired] and "GetAccessToken " + fresh in calls
          and calls.index("GetAccessToken " + fresh) <= 2,
          "the rejected token was renewed through GOA once: %r" % calls)
    time.sleep(0.3)
    screenshot(shots, "account-goa.png")
    asked = len(calls)
    click(app, "Add")
    conf = wait_saved(home, "Alice (Online Accounts)")
    check("goa-account-id=goa1\n" in conf,
          "the account is saved as the GOA account's:\n%s" % conf)
    check(expired not in conf and fresh not in conf, "no token in accounts.conf")
    more = wait_until(lambda: fake_goa_calls(home)[asked:], 30, 0.3)
    check(more and more[0] == "GetAccessToken " + fresh,
          "the saved account's check asks GOA for its token: %r" % more)
    with open(os.environ["MP_TEST_OAUTH2_LOG"], encoding="utf-8") as f:
        introspected = f.read().split("\n")
    check(introspected[:2] == ["%s inactive" % expired, "%s active" % fresh],
          "Dovecot refused the expired token and accepted the renewed one: %r" % introspected)
    with open(os.environ["MP_TEST_MANIFEST"], encoding="utf-8") as f:
        count = len(json.load(f))
    listed = "Alice (Online Accounts): %d messages" % count
    row = wait_until(lambda: nodes(app, ("list item",), prefix=listed), 60, 0.5)
    check(row, "the saved account's check lists the mailbox: %r"
          % [name(n) for n in nodes(app, ("list item",)) if "Alice" in name(n)])


def fallback_case(app):
    """Nothing found: the manual fields, filled with a guess, and the reasons."""
    if not click(app, "Add Account"):
        return
    wait_until(lambda: dialog_open(app), 10)
    type_into(app, "E-mail Address", "x@nothing.test")
    click(app, "Continue")
    said = wait_until(lambda: nodes(app, ("label",), prefix="Mailpeek could not find"), 60, 0.3)
    check(said, "a failed search says so")
    text = name(said[0]) if said else ""
    check("/v1.1/nothing.test: HTTP 404" in text and "autoconfig.nothing.test" in text,
          "… and names what each source answered: %r" % text)
    server = field(app, "Server Name")
    login = field(app, "User Name")
    check(server is not None and text_of(server) == "pop.nothing.test",
          "the server field holds a guess: %r" % (server and text_of(server)))
    check(login is not None and text_of(login) == "x@nothing.test",
          "the user name is the address: %r" % (login and text_of(login)))


def cancel_case(app):
    """A search that hangs (slow.test's autoconfig answers nothing): the dialog keeps
    answering while it runs, and Cancel Search ends it at once."""
    if os.environ.get("MP_SANITIZER"):
        # Every AT-SPI question to instrumented code takes several times longer:
        # reading the dialog outlasts the search's own 30 s limit (CI, and twice
        # here), so nothing is left to cancel.  The normal build runs this case.
        print("# cancel: not run under MP_SANITIZER (the search ends by itself first)")
        return
    if not click(app, "Add Account"):
        return
    wait_until(lambda: dialog_open(app), 10)
    type_into(app, "E-mail Address", "x@slow.test")
    click(app, "Continue")
    # Only the dialog's subtree is read (a top-level window: one of the app's
    # children): a walk of the whole tree over D-Bus (no client cache) takes
    # seconds, and under sanitizers several of them outlast the search's own
    # 30-second limit, so that nothing is left to cancel.
    scope = wait_until(lambda: account_frame(app), 10, 0.1) or app
    stop = wait_until(lambda: button(scope, "Cancel Search"), 10, 0.1)
    check(stop is not None, "a running search offers 'Cancel Search'")
    looking = nodes(scope, ("label",), prefix="Looking for the settings of slow.test")
    check(looking, "the dialog says what it is doing while the search runs")
    time.sleep(1)   # the search is now waiting for the server, not the main loop
    walk_start = time.monotonic()
    nodes(scope, ("label",), prefix="Search cancelled")
    one_walk = time.monotonic() - walk_start
    start = time.monotonic()
    check(stop is not None and do_action(stop, "click"), "'Cancel Search' can be clicked")
    said = wait_until(lambda: nodes(scope, ("label",), prefix="Search cancelled"), 5, 0.05)
    elapsed = time.monotonic() - start
    # At once: within the walk that was under way when the label came, and one more.
    check(said and elapsed < 1 + 2 * one_walk,
          "the search ends at once (%.2f s; one reading of the tree takes %.2f s)"
          % (elapsed, one_walk))
    check(field(app, "Server Name") is not None, "the server fields are shown after a cancel")
    again = button(app, "Continue")
    check(again is not None and "sensitive" in states(again), "Continue can be used again")


CASES = {
    "cancel": lambda app, shots, home: cancel_case(app),
    "fallback": lambda app, shots, home: fallback_case(app),
    "names": lambda app, shots, home: names_case(app),
    "goa": goa_case,
    "goa-microsoft": lambda app, shots, home: goa_fills(app, "goa-microsoft"),
    "credentials": lambda app, shots, home: credentials_case(app),
    "address": address_case,
    "plaintext": lambda app, shots, home: plaintext_case(app),
    "manual": manual_case,
}


def run_checks(case, app, shots, home):
    CASES[case](app, shots, home)
    if a11y.FAILURES:
        a11y.dump(app)


# ------------------------------------------------------------------ inner / outer

def inner(case, exe, app_log, shots, home):
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, Gio, GLib

    launcher = subprocess.Popen([a11y.LAUNCHER, "--launch-immediately"])
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def a11y_bus():
        reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "NameHasOwner",
                              GLib.Variant("(s)", ("org.a11y.Bus",)),
                              None, Gio.DBusCallFlags.NONE, -1, None)
        return reply.unpack()[0]
    if not wait_until(a11y_bus, 20):
        launcher.terminate()
        a11y.skip("the accessibility bus did not start")
    Atspi.get_desktop(0).get_child_count()

    fake_goa = None
    if case in GOA_ACCOUNTS:
        provider, identity, _host = GOA_ACCOUNTS[case]
        tokens = "%s,%s" % (os.environ.get("MP_TEST_OAUTH2_EXPIRED_TOKEN", "t0"),
                            os.environ.get("MP_TEST_OAUTH2_TOKEN", "t1"))
        goa_log = open(os.path.join(home, "fake-goa.log"), "w")
        fake_goa = subprocess.Popen([os.environ["MP_GUI_FAKE_GOA"], "--id", "goa1", "--provider",
                                     provider, "--identity", identity, "--tokens", tokens],
                                    stdout=goa_log)
        check(wait_until(lambda: open(goa_log.name).read().startswith("READY\n"), 20, 0.1),
              "the fake Online Accounts runs")
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env["GTK_A11Y"] = "atspi"
    with open(app_log, "w") as log:
        # MP_GUI_WRAP runs the app under a tool, as in test-gui.py.
        app_proc = subprocess.Popen(os.environ.get("MP_GUI_WRAP", "").split() + [exe], env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
    try:
        app = wait_until(lambda: a11y.find_app(Atspi), 30)
        if check(app is not None, "the app is on the accessibility bus"):
            run_checks(case, app, shots, home)
    finally:
        app_proc.terminate()
        app_proc.wait(timeout=30)
        launcher.terminate()
        launcher.wait(timeout=30)
        if fake_goa:
            fake_goa.terminate()
            fake_goa.wait(timeout=30)


class DiscoverServer:
    def __init__(self, script, directory):
        spec = "%s=%s:%s:SSL:%%EMAILLOCALPART%%" % (DOMAIN, os.environ["MP_TEST_HOST"],
                                                   os.environ["MP_TEST_POP3S_PORT"])
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.proc = subprocess.Popen([sys.executable, script, directory, spec],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proxy = int(self.proc.stdout.readline().split()[1])
        self.https = int(self.proc.stdout.readline().split()[1])
        self.ca = os.path.join(directory, "ca.pem")

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def write_accounts(config_home):
    """One account whose password command fails (exit 3)."""
    directory = os.path.join(config_home, "mailpeek")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "accounts.conf"), "w", encoding="utf-8") as f:
        f.write("[%s]\nname=Broken command\nhost=%s\nport=%s\nusername=%s\nsecurity=tls\n"
                "password-command=exit 3\n" % (BROKEN_ID, os.environ["MP_TEST_HOST"],
                                                os.environ["MP_TEST_POP3S_PORT"],
                                                os.environ["MP_TEST_USER"]))


def write_settings(config_home, ispdb_url):
    """The ISP database URL through the keyfile settings backend, as dconf would hold it."""
    directory = os.path.join(config_home, "glib-2.0", "settings")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "keyfile"), "w", encoding="utf-8") as f:
        f.write("[io/github/mailpeek/Mailpeek]\nispdb-url='%s'\nrun-in-background=false\n"
                "show-tray-icon=false\n" % ispdb_url)


def trust_bundle(home, *cas):
    bundle = os.path.join(home, "system-plus-test-cas.pem")
    with open(bundle, "wb") as out:
        for path in ("/etc/ssl/certs/ca-certificates.crt",) + cas:
            with open(path, "rb") as f:
                out.write(f.read().rstrip(b"\n") + b"\n")
    return bundle


MOUNT = 'mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && shift && exec "$@"'


def session(bundle, env, inner_cmd, log):
    """The private mount namespace (test CAs in the system store), X server and bus."""
    return (["unshare", "-m", "sh", "-c", MOUNT, "sh", bundle,
             "xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--"]
            + mp_gui_session.session_command(inner_cmd, log, env))


def judge_app_log(app_log, what):
    app_lines = mp_gui_session.app_log_lines(app_log)
    for line in app_lines:
        if "CRITICAL" in line or "WARNING" in line:
            print("# app: %s" % line)
    check(not any("CRITICAL" in l for l in app_lines), "%s: no GLib criticals from the app" % what)


def run_case(case, exe, python, shots, home, env, bundle):
    """One app start per case: see credentials_case() for why."""
    app_log = os.path.join(home, "app-%s.log" % case)
    test_log = os.path.join(home, "test-%s.log" % case)
    inner_cmd = [python, os.path.abspath(__file__), "inner", case, exe, app_log,
                 os.path.abspath(shots), home]
    proc = subprocess.run(session(bundle, env, inner_cmd, test_log), env=env, timeout=300,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print("# ---- %s" % case)
    print("\n".join(mp_gui_session.app_log_lines(test_log)))
    check(proc.returncode == 0, "%s: the checks passed (exit %d)" % (case, proc.returncode))
    judge_app_log(app_log, case)


def verify_saved(exe, home, env, bundle):
    """A restart: the accounts saved through the dialog check against Dovecot, the
    found one with the password the dialog stored in the keyring."""
    script = os.path.join(home, "verify.txt")
    out = os.path.join(home, "verify.jsonl")
    with open(script, "w", encoding="utf-8") as f:
        f.write("session-wait-idle 90\naccounts\nquit\n")
    run_env = dict(env, MAILPEEK_TEST_SCRIPT=script, MAILPEEK_TEST_OUTPUT=out, NO_AT_BRIDGE="1")
    app_log = os.path.join(home, "app-verify.log")
    proc = subprocess.run(session(bundle, run_env, [exe], app_log), env=run_env, timeout=300,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(proc.returncode == 0, "verify: the app exited cleanly (exit %d)" % proc.returncode)
    judge_app_log(app_log, "verify")
    obs = []
    if os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            obs = [json.loads(line) for line in f if line.strip()]
    listed = [o for o in obs if o.get("cmd") == "accounts"]
    accounts = {a["name"]: a for a in (listed[0]["accounts"] if listed else [])}
    found = accounts.get("Alice (found)", {})
    check(found.get("state") == "idle" and found.get("messages") == 25 and not found.get("error"),
          "the account found from the address checks against Dovecot: %r" % found)
    manual = accounts.get("Empty (manual)", {})
    check(manual.get("state") == "idle" and manual.get("messages") == 0 and not manual.get("error"),
          "the account configured by hand (STARTTLS) checks against Dovecot: %r" % manual)
    broken = accounts.get("Broken command", {})
    check("exit" in (broken.get("error") or "") and "3" in (broken.get("error") or ""),
          "the failing password command is reported: %r" % broken)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "inner":
        inner(*sys.argv[2:7])
        if a11y.FAILURES:
            print(mp_gui_session.failed_line(a11y.FAILURES))
            sys.exit(1)
        return
    exe, server_script, shots = sys.argv[1:4]
    fake_goa = sys.argv[4] if len(sys.argv) > 4 else None   # built with libgoa only
    for tool in ("xvfb-run", "dbus-run-session", "unshare", "import") + mp_gui_session.REQUIRED_TOOLS:
        if not shutil.which(tool):
            a11y.skip("%s is not installed" % tool)
    if not os.access(a11y.LAUNCHER, os.X_OK):
        a11y.skip("at-spi2-core is not installed")
    python = a11y.atspi_python()
    if not python:
        a11y.skip("the AT-SPI client library (gir1.2-atspi-2.0) is not installed")
    if "MP_TEST_HOST" not in os.environ:
        a11y.skip("run under tests/harness/with-dovecot.py")
    if os.geteuid() != 0 or subprocess.run(["unshare", "-m", "true"]).returncode != 0:
        a11y.skip("needs a private mount namespace to add the test CAs to the system store")

    home = tempfile.mkdtemp(prefix="mp-account-setup-")
    server = DiscoverServer(server_script, os.path.join(home, "discover"))
    try:
        env = dict(os.environ)
        env.update({
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
            "XDG_RUNTIME_DIR": os.path.join(home, "run"),
            "GSETTINGS_BACKEND": "keyfile",
            "GSETTINGS_SCHEMA_DIR": os.path.join(os.environ["MP_BUILD_ROOT"], "data"),
            "GSK_RENDERER": "cairo",
            "GDK_BACKEND": "x11",
            # A user behind a proxy: the provider's own autoconfig hosts of the test
            # domain are answered (502) by the test server's proxy, not by DNS.
            "https_proxy": "http://127.0.0.1:%d" % server.proxy,
            "no_proxy": "", "NO_PROXY": "",
            "GIO_USE_PROXY_RESOLVER": "libproxy",
        })
        os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700)
        write_accounts(env["XDG_CONFIG_HOME"])
        with open(os.path.join(home, "empty-secret"), "w", encoding="utf-8") as f:
            f.write(os.environ["MP_TEST_PASSWORD"] + "\n")
        write_settings(env["XDG_CONFIG_HOME"], "https://127.0.0.1:%d/v1.1/" % server.https)
        bundle = trust_bundle(home, server.ca, os.environ["MP_TEST_CA_FILE"])
        cases = ["names", "credentials", "address", "plaintext", "fallback", "cancel", "manual"]
        if fake_goa:
            env["MP_GUI_FAKE_GOA"] = fake_goa
            cases += ["goa", "goa-microsoft"]
        for case in cases:
            run_case(case, exe, python, shots, home, env, bundle)
        verify_saved(exe, home, env, bundle)
    finally:
        server.stop()
        if not os.environ.get("MP_GUI_KEEP"):
            shutil.rmtree(home, ignore_errors=True)
    if a11y.FAILURES:
        sys.exit(1)


if __name__ == "__main__":
    main()
