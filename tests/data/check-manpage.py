#!/usr/bin/env python3
"""The man page documents every option and command `mailpeek-cli --help` shows, and
every exit status the help lists."""
import os
import re
import subprocess
import sys

cli, manpage = sys.argv[1:3]
env = dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE='')
proc = subprocess.run([cli, '--help'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                      text=True, env=env)
if proc.returncode != 0:
    print(proc.stdout, proc.stderr)
    sys.exit(1)
help_text = proc.stdout
man = open(manpage, encoding='utf-8').read()
# roff escapes "-" as "\-"; undo it for matching.
man_plain = man.replace('\\-', '-').replace('\\fB', '').replace('\\fR', '').replace('\\fI', '')

failures = []
options = sorted(set(re.findall(r'(?m)^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)', help_text)))
options = [o for o in options if not o.startswith('--help')]
if not options:
    failures.append('no options found in --help output')
for opt in options:
    if not re.search(re.escape(opt) + r'(?![A-Za-z0-9_-])', man_plain):
        failures.append(f'option {opt} is not in the man page')
commands = re.findall(r'(?m)^\s{2}(capa|list|top|retr|delete|check|discover)\s', help_text)
if len(commands) < 6:
    failures.append(f'expected 6 commands in --help, found {commands}')
for cmd in commands:
    if not re.search(r'(?m)^\.B ' + cmd + r'$', man):
        failures.append(f'command {cmd} is not described in the man page')
for status in re.findall(r'(?m)^\s{2}(\d)\s{2}', help_text):
    if not re.search(r'(?m)^\.B ' + status + r'$', man):
        failures.append(f'exit status {status} is not in the man page')

print(f'{len(options)} options, {len(commands)} commands checked')
for f in failures:
    print('FAIL:', f)
sys.exit(1 if failures else 0)
