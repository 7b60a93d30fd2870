/* mailbox-fake-helpers.h — an MpMailbox on the scripted fake server and the
 * waits for its jobs, shared by test-mailbox-fake, -delete and -known
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-mailbox.h"
#include "mp-test-util.h"

G_BEGIN_DECLS

#define LOGIN MP_TEST_FAKE_LOGIN

#define SCAN \
  "expect LIST\n" \
  "send +OK 2 messages\n" \
  "send 1 100\n" \
  "send 2 200\n" \
  "send .\n" \
  "expect UIDL\n" \
  "send +OK\n" \
  "send 1 uid-one\n" \
  "send 2 uid-two\n" \
  "send .\n"

/* A UIDL listing without message 2 is a broken reply (protocol error,
 * "incomplete"), not a server without UIDL. */
#define SCAN_UIDL_MISSING_2 \
  "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend .\n" \
  "expect UIDL\nsend +OK\nsend 1 uid-one\nsend .\n"

typedef struct {
  gboolean   done;
  GError    *error;
  gboolean   ok;
  char     **deleted;
  MpCheckResult *result;
} Wait;

/* Starts the fake server on script and a mailbox for it; NULL (and the
 * test skipped) when the server cannot start. */
MpMailbox *start_mailbox (const char        *script,
                          MpTestFakeServer **server);

/* Completion callbacks of the jobs: data is the Wait they fill. */
void       on_delete     (GObject           *src,
                          GAsyncResult      *res,
                          gpointer           data);
void       on_check      (GObject           *src,
                          GAsyncResult      *res,
                          gpointer           data);

/* Runs the main loop until the job is done; aborts after 60 s rather than hang. */
void       wait_done     (Wait              *w);
/* Waits for the fake server to exit and frees it; a transcript that differs from
 * the script is fatal (g_error), so no test passes on a half-played script. */
void       finish_server (MpTestFakeServer  *server);

G_END_DECLS
