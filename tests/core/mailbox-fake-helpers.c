/* mailbox-fake-helpers.c — an MpMailbox on the scripted fake server and the
 * waits for its jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mailbox-fake-helpers.h"

#include "core-test-helpers.h"

static MpMailbox *
make_mailbox (guint16 port)
{
  g_autoptr(MpAccount) a = mp_account_new (NULL);
  MpMailbox *mb;

  g_object_set (a, "host", "127.0.0.1", "port", (guint) port,
                "security", MP_POP3_SECURITY_NONE, "auth", MP_POP3_AUTH_USER,
                "allow-plaintext-password", TRUE, "username", "alice", NULL);
  mb = mp_mailbox_new (a);
  mp_mailbox_set_password (mb, "secret");
  return mb;
}

MpMailbox *
start_mailbox (const char        *script,
               MpTestFakeServer **server)
{
  guint16 port = 0;

  *server = mp_test_fake_server_start (script, &port);
  if (*server == NULL)
    {
      g_test_skip ("fake server could not start");
      return NULL;
    }
  return make_mailbox (port);
}

void
on_delete (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->ok = mp_mailbox_delete_finish (MP_MAILBOX (src), res, &w->deleted, &w->error);
  w->done = TRUE;
}

void
on_check (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->result = mp_mailbox_check_finish (MP_MAILBOX (src), res, &w->error);
  w->done = TRUE;
}

void
wait_done (Wait *w)
{
  core_test_run_until (&w->done, 60);
}

void
finish_server (MpTestFakeServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!mp_test_fake_server_finish (server, &error))
    g_error ("fake server transcript mismatch: %s", error ? error->message : "?");
}
