#!/usr/bin/env python3
"""Fails when a source file with translatable strings is missing from po/POTFILES.in,
or when POTFILES.in names a file that does not exist (xgettext would then fail)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
listed = set()
for line in (root / 'po' / 'POTFILES.in').read_text(encoding='utf-8').splitlines():
    line = line.strip()
    if line and not line.startswith('#'):
        listed.add(line)

C_MARK = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2?)\s*\(')
UI_MARK = re.compile(r'translatable\s*=\s*"(yes|true|1)"')

needed = set()
for path in sorted((root / 'src').rglob('*.c')) + sorted((root / 'src').rglob('*.h')):
    text = path.read_text(encoding='utf-8', errors='replace')
    # Drop comments and the #define lines of gettext macros themselves.
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    text = re.sub(r'#\s*define[^\n]*', '', text)
    if C_MARK.search(text):
        needed.add(path.relative_to(root).as_posix())
for path in sorted((root / 'data').rglob('*.ui')) + sorted((root / 'data').rglob('*.blp')):
    if UI_MARK.search(path.read_text(encoding='utf-8', errors='replace')):
        needed.add(path.relative_to(root).as_posix())
for pattern in ('*.desktop.in', '*.metainfo.xml.in', '*.gschema.xml'):
    for path in sorted((root / 'data').glob(pattern)):
        needed.add(path.relative_to(root).as_posix())

status = 0
for f in sorted(needed - listed):
    print(f'missing from po/POTFILES.in: {f}')
    status = 1
for f in sorted(listed):
    if not (root / f).is_file():
        print(f'po/POTFILES.in names a file that does not exist: {f}')
        status = 1
print(f'{len(listed)} files listed, {len(needed)} with translatable strings')
sys.exit(status)
