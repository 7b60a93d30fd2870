#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deliver FILE into alice's maildir ($MP_TEST_MAILDIR) the way an MDA does.

    deliver.py FILE

Writes into tmp/, then renames into new/ (so Dovecot never sees half a message), owned
by the maildir's owner (the mail uid when running as root).  CRLF line endings are
converted to LF, as maildir stores them.  Prints the new message's UIDL (its maildir
base name, which Dovecot reports with pop3_uidl_format = %g) on stdout.
"""

import os
import socket
import sys
import time

_counter = 0


def main():
    if len(sys.argv) != 2:
        print("usage: deliver.py FILE", file=sys.stderr)
        return 2
    maildir = os.environ.get("MP_TEST_MAILDIR")
    if not maildir:
        print("deliver.py: MP_TEST_MAILDIR is not set (run under with-dovecot.py)",
              file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    now = time.time()
    name = "%d.M%dP%d.%s" % (int(now), int((now % 1) * 1e6), os.getpid(),
                             socket.gethostname().replace("/", "_").replace(":", "_") or "host")
    st = os.stat(maildir)
    tmp_path = os.path.join(maildir, "tmp", name)
    with open(tmp_path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if os.getuid() == 0:
        os.chown(tmp_path, st.st_uid, st.st_gid)
    os.rename(tmp_path, os.path.join(maildir, "new", name))
    print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
