#!/usr/bin/env python3
"""Checks the Flatpak manifest: valid JSON, accepted by `flatpak-builder --show-manifest`
(when installed), the same app id and command as the desktop file and the metainfo,
and a sha256 on every archive/file source."""
import configparser
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

manifest_path, desktop_path, metainfo_path, app_id = sys.argv[1:5]
failures = []

with open(manifest_path, encoding='utf-8') as f:
    manifest = json.load(f)

if shutil.which('flatpak-builder'):
    proc = subprocess.run(['flatpak-builder', '--show-manifest', manifest_path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        failures.append(f'flatpak-builder --show-manifest failed: {proc.stderr.strip()}')
    else:
        shown = json.loads(proc.stdout)
        if shown.get('id', shown.get('app-id')) != app_id:
            failures.append('flatpak-builder shows another app id')
else:
    print('note: flatpak-builder not installed, only the JSON was checked')

manifest_id = manifest.get('id', manifest.get('app-id'))
if manifest_id != app_id:
    failures.append(f'manifest id {manifest_id!r} != {app_id!r}')

desktop = configparser.ConfigParser(interpolation=None, strict=False)
desktop.optionxform = str
desktop.read(desktop_path, encoding='utf-8')
exec_line = desktop['Desktop Entry']['Exec']
if exec_line.split()[0] != manifest.get('command'):
    failures.append(f'desktop Exec {exec_line!r} does not run manifest command {manifest.get("command")!r}')
if desktop['Desktop Entry'].get('Icon') != app_id:
    failures.append('desktop Icon is not the app id')

root = ET.parse(metainfo_path).getroot()
if root.findtext('id') != app_id:
    failures.append(f'metainfo id {root.findtext("id")!r} != {app_id!r}')
launchable = root.find('launchable')
if launchable is None or launchable.text != app_id + '.desktop':
    failures.append('metainfo launchable is not the desktop file')
binaries = [b.text for b in root.iter('binary')]
if manifest.get('command') not in binaries:
    failures.append(f'metainfo <provides> lacks the manifest command {manifest.get("command")!r}')

def walk(modules):
    for module in modules:
        if isinstance(module, str):
            continue  # an included file; not used here
        for source in module.get('sources', []):
            yield module.get('name'), source
        yield from walk(module.get('modules', []))

n = 0
for name, source in walk(manifest.get('modules', [])):
    n += 1
    if isinstance(source, dict) and source.get('type') in ('archive', 'file'):
        if not source.get('url', '').startswith('https://'):
            failures.append(f'{name}: archive source without an https URL')
        sha = source.get('sha256', '')
        if len(sha) != 64 or any(c not in '0123456789abcdef' for c in sha):
            failures.append(f'{name}: archive source without a valid sha256')

for arg in manifest.get('finish-args', []):
    if arg.startswith(('--filesystem=host', '--filesystem=home', '--own-name=org.kde')):
        failures.append(f'finish-arg {arg} is broader than Mailpeek needs')

print(f'{n} sources checked')
for f in failures:
    print('FAIL:', f)
sys.exit(1 if failures else 0)
