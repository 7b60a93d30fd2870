#!/usr/bin/env python3
"""appstreamcli validate --no-net --pedantic on the built metainfo: no errors and no
warnings (infos and pedantic hints are printed but accepted)."""
import subprocess
import sys

metainfo = sys.argv[1]
proc = subprocess.run(['appstreamcli', 'validate', '--no-net', '--pedantic', metainfo],
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(proc.stdout)
bad = [l for l in proc.stdout.splitlines() if l.startswith(('E:', 'W:'))]
if bad:
    print('errors or warnings:', *bad, sep='\n  ')
    sys.exit(1)
if proc.returncode != 0:
    print(f'appstreamcli exited with {proc.returncode}')
    sys.exit(1)
