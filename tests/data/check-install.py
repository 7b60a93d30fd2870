#!/usr/bin/env python3
"""Runs `meson install --destdir` into a temporary directory and checks that the
installed tree holds everything a distribution package needs."""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

# Strings only test code has: the test-mode variables, the driver's symbols and
# some of its script commands, and the symbols of the engine's in-memory server
# side, the scheduler's manual clock and the crash hook the seen store once had.
TEST_MARKERS = [b'MAILPEEK_TEST', b'mp_test_', b'heartbeat-start', b'select-subject',
                b'wait-test-result', b'dialog-click', b'memory_transport',
                b'mp_fake_clock', b'write_hook']


def scan_sources():
    """`git grep -n MAILPEEK_TEST src/` must print nothing."""
    src = pathlib.Path(__file__).resolve().parents[2] / 'src'
    found = 0
    for path in sorted(src.rglob('*')):
        if path.is_file() and b'MAILPEEK_TEST' in path.read_bytes():
            print(f'src/ reads a test variable: {path.relative_to(src.parent)}')
            found += 1
    if not found:
        print('ok       no MAILPEEK_TEST in src/')
    return found


build_root, prefix, datadir, bindir, mandir, localedir, app_id, cli, gui = sys.argv[1:10]
linguas = sys.argv[10:]

with tempfile.TemporaryDirectory(prefix='mp-install-') as dest:
    env = dict(os.environ)
    env.pop('DESTDIR', None)
    proc = subprocess.run(['meson', 'install', '--no-rebuild', '--quiet', '-C', build_root,
                           '--destdir', dest],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if proc.returncode != 0:
        print(proc.stdout)
        print(f'meson install failed with {proc.returncode}')
        sys.exit(1)

    def inst(path):
        # Absolute install dirs are re-rooted under DESTDIR.
        return pathlib.Path(dest + path)

    expected = [
        (datadir, f'applications/{app_id}.desktop'),
        (datadir, f'metainfo/{app_id}.metainfo.xml'),
        (datadir, f'dbus-1/services/{app_id}.service'),
        (datadir, f'glib-2.0/schemas/{app_id}.gschema.xml'),
        (datadir, f'icons/hicolor/scalable/apps/{app_id}.svg'),
        (datadir, f'icons/hicolor/symbolic/apps/{app_id}-symbolic.svg'),
        (datadir, f'icons/hicolor/symbolic/apps/{app_id}-new-symbolic.svg'),
        (datadir, f'icons/hicolor/scalable/apps/{app_id}-tray.svg'),
        (datadir, f'icons/hicolor/scalable/apps/{app_id}-tray-new.svg'),
        (datadir, f'icons/hicolor/scalable/apps/{app_id}-tray-error.svg'),
        (datadir, f'mailpeek/{app_id}-autostart.desktop'),
        (mandir, 'man1/mailpeek-cli.1'),
        (mandir, 'man5/mailpeek-rules.5'),
    ]
    if cli == 'true':
        expected.append((bindir, 'mailpeek-cli'))
    else:
        print('note: mailpeek-cli is not defined in this configuration')
    if gui == 'true':
        expected.append((bindir, 'mailpeek'))
    for lang in linguas:
        expected.append((localedir, f'{lang}/LC_MESSAGES/mailpeek.mo'))

    missing = 0
    for base, rel in expected:
        path = inst(base) / rel
        if path.is_file() and path.stat().st_size > 0:
            print(f'ok       {base}/{rel}')
        else:
            print(f'MISSING  {base}/{rel}')
            missing += 1
    for base, rel in expected:
        if base == bindir:
            path = inst(base) / rel
            if path.is_file() and not os.access(path, os.X_OK):
                print(f'not executable: {path}')
                missing += 1

    # The desktop entry and the metainfo carry the translations.
    desktop = inst(datadir) / f'applications/{app_id}.desktop'
    metainfo = inst(datadir) / f'metainfo/{app_id}.metainfo.xml'
    if desktop.is_file() and metainfo.is_file():
        desktop_text = desktop.read_text(encoding='utf-8')
        metainfo_text = metainfo.read_text(encoding='utf-8')
        for lang in linguas:
            if f'Comment[{lang}]=' not in desktop_text:
                print(f'desktop entry has no Comment[{lang}]')
                missing += 1
            if f'xml:lang="{lang}"' not in metainfo_text:
                print(f'metainfo has no xml:lang="{lang}" text')
                missing += 1

    autostart = inst(datadir) / f'mailpeek/{app_id}-autostart.desktop'
    if autostart.is_file() and 'Exec=mailpeek --background\n' not in autostart.read_text(encoding='utf-8'):
        print('the autostart template does not run "mailpeek --background"')
        missing += 1

    service = inst(datadir) / f'dbus-1/services/{app_id}.service'
    if service.is_file():
        text = service.read_text()
        if f'Name={app_id}' not in text or f'Exec={bindir}/mailpeek' not in text:
            print('D-Bus service file does not name the app id and the installed binary:')
            print(text)
            missing += 1
    # Both programs answer --version as other tools do: "NAME VERSION", exit 0, no
    # display needed (the window application answers before it starts).
    versions = set()
    for base, rel in expected:
        if base != bindir:
            continue
        env_no_display = {k: v for k, v in os.environ.items()
                          if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
        proc = subprocess.run([str(inst(base) / rel), '--version'], capture_output=True,
                              text=True, env=env_no_display, timeout=30)
        match = re.fullmatch(re.escape(rel) + r' (\d+\.\d+\.\d+)\n', proc.stdout)
        if proc.returncode != 0 or not match:
            print(f'{rel} --version: exit {proc.returncode}, {proc.stdout!r} {proc.stderr!r}')
            missing += 1
        else:
            print(f'ok       {rel} --version: {proc.stdout.strip()}')
            versions.add(match.group(1))
    if len(versions) > 1:
        print(f'the programs disagree about their version: {sorted(versions)}')
        missing += 1

    # No test code in the product: the installed programs hold no scripted driver
    # (tests/ui/mp-test-driver.c and its command names), no test hooks, and read no
    # MAILPEEK_TEST_* variable; the GUI tests link their own executable instead.
    for base, rel in expected:
        path = inst(base) / rel
        if base != bindir or not path.is_file():
            continue
        data = path.read_bytes()
        for marker in TEST_MARKERS:
            if marker in data:
                print(f'test code in the installed {rel}: {marker.decode()!r}')
                missing += 1
    missing += scan_sources()
    sys.exit(1 if missing else 0)
