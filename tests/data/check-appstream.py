#!/usr/bin/env python3
"""appstreamcli validate --no-net --pedantic on the built metainfo: no errors and no
warnings (infos and pedantic hints are printed but accepted). Screenshots that point
into this repository must exist there with the size the metainfo states."""
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

metainfo, source_root = sys.argv[1:3]
REPO_PREFIX = 'https://raw.githubusercontent.com/mailpeek/mailpeek/main/'

proc = subprocess.run(['appstreamcli', 'validate', '--no-net', '--pedantic', metainfo],
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(proc.stdout)
failures = [l for l in proc.stdout.splitlines() if l.startswith(('E:', 'W:'))]
if proc.returncode != 0:
    failures.append(f'appstreamcli exited with {proc.returncode}')

root = ET.parse(metainfo).getroot()
images = list(root.iter('image'))
if not images:
    failures.append('no screenshot')
for image in images:
    url = (image.text or '').strip()
    if not url.startswith(REPO_PREFIX):
        continue
    path = f'{source_root}/{url[len(REPO_PREFIX):]}'
    try:
        with open(path, 'rb') as f:
            head = f.read(24)
    except OSError as e:
        failures.append(f'screenshot {url} is not in the repository: {e}')
        continue
    if head[:8] != b'\x89PNG\r\n\x1a\n':
        failures.append(f'{path} is not a PNG')
        continue
    width, height = struct.unpack('>II', head[16:24])
    if (str(width), str(height)) != (image.get('width'), image.get('height')):
        failures.append(f'{path} is {width}x{height}, metainfo says '
                        f'{image.get("width")}x{image.get("height")}')
    else:
        print(f'screenshot {path}: {width}x{height}')

for f in failures:
    print('FAIL:', f)
sys.exit(1 if failures else 0)
