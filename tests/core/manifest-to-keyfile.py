#!/usr/bin/env python3
# Prints a with-dovecot.py manifest (JSON) as a GKeyFile, one group per message
# ("m0", "m1", …), so the C tests need no JSON parser.
import json
import sys


def esc(v):
    s = str(v)
    s = s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    if s.startswith(" "):
        s = "\\s" + s[1:]
    return s


with open(sys.argv[1], encoding="utf-8") as f:
    manifest = json.load(f)
out = []
for i, m in enumerate(manifest):
    out.append("[m%d]" % i)
    for key in ("uidl", "size", "subject", "from_addr", "from_name", "message_id",
                "preview_contains"):
        if m.get(key) is not None:
            out.append("%s=%s" % (key, esc(m[key])))
    out.append("")
sys.stdout.write("\n".join(out))
