/* test-mailbox-known.c — a check queued before its known rows are collected
 * (mp_mailbox_check_async, mp-known-rows.h), against the scripted fake
 * server: the rows handed over late are honoured (no TOP for them), a job
 * asked for after the check runs after it, and a check still waiting for its
 * rows ends at once when cancelled or when the caller gives up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>

#include "mp-error.h"
#include "core-test-helpers.h"
#include "mailbox-fake-helpers.h"

/* A check's outcome and when it came. */
typedef struct {
  gboolean       done;
  gint64         done_at;
  GError        *error;
  MpCheckResult *result;
} Timed;

static void
on_check_timed (GObject *src, GAsyncResult *res, gpointer data)
{
  Timed *w = data;

  w->result = mp_mailbox_check_finish (MP_MAILBOX (src), res, &w->error);
  w->done_at = g_get_monotonic_time ();
  w->done = TRUE;
}

typedef struct {
  MpKnownRows *known;
  gint64       provided_at;
} Late;

static gboolean
provide_late (gpointer data)
{
  Late *late = data;
  const char *uidls[] = { "uid-one", NULL };

  late->provided_at = g_get_monotonic_time ();
  mp_known_rows_provide (late->known, core_test_rows_of (uidls));
  return G_SOURCE_REMOVE;
}

typedef struct {
  gboolean done;
  gint64   done_at;
} LoginWait;

static void
on_test_login (GObject *src, GAsyncResult *res, gpointer data)
{
  LoginWait *w = data;
  g_auto(GStrv) caps = mp_mailbox_test_login_finish (MP_MAILBOX (src), res, NULL);

  g_assert_nonnull (caps);
  w->done_at = g_get_monotonic_time ();
  w->done = TRUE;
}

/* The rows come 300 ms after the check was queued, long after the server
 * answered UIDL: only message 2 gets a TOP.  Test Connection, asked for after
 * the check, runs after it (the script has its session second). */
static void
test_late_rows (void)
{
  g_autoptr(MpMailbox) mb = NULL;
  g_autoptr(MpKnownRows) known = mp_known_rows_new ();
  g_autoptr(GError) error = NULL;
  MpTestFakeServer *server;
  Late late = { known, 0 };
  Timed w = { 0 };
  LoginWait login = { 0 };

  mb = start_mailbox (LOGIN SCAN
                      "expect TOP 2 0\nsend +OK\nsend Subject: two\nsend \nsend .\n"
                      "expect QUIT\nsend +OK bye\n"
                      "next-session\n" LOGIN "expect QUIT\nsend +OK bye\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_check_async (mb, known, NULL, NULL, NULL, NULL, on_check_timed, &w);
  mp_mailbox_test_login_async (mb, NULL, NULL, on_test_login, &login);
  g_timeout_add (300, provide_late, &late);
  core_test_run_until (&login.done, 30);
  g_assert_true (w.done);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.result->n_messages, ==, 2);
  g_assert_cmpuint (w.result->n_fetched, ==, 1);
  g_assert_cmpint (w.done_at, >=, late.provided_at);
  g_assert_cmpint (login.done_at, >=, w.done_at);
  mp_check_result_free (w.result);
  mp_mailbox_shutdown (mb);
  g_assert_true (mp_test_fake_server_finish (server, &error));
  g_assert_no_error (error);
}

/* Waiting for rows that never come: the caller's cancel ends the check at once
 * (within 100 ms), and so does giving up (rows NULL). */
static void
run_waiting (gboolean give_up)
{
  g_autoptr(MpMailbox) mb = NULL;
  g_autoptr(MpKnownRows) known = mp_known_rows_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  MpTestFakeServer *server;
  Timed w = { 0 };
  gint64 t0;

  mb = start_mailbox (LOGIN SCAN "hang\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_check_async (mb, known, NULL, NULL, NULL, cancellable, on_check_timed, &w);
  /* The worker has read UIDL's answer and waits for the rows. */
  g_usleep (300 * 1000);
  g_assert_false (w.done);
  t0 = g_get_monotonic_time ();
  if (give_up)
    mp_known_rows_provide (known, NULL);
  else
    g_cancellable_cancel (cancellable);
  core_test_run_until (&w.done, 30);
  g_assert_null (w.result);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (w.done_at - t0, <, (g_getenv ("MP_SANITIZER") ? 3 : 1) * 100 * 1000);
  g_clear_error (&w.error);
  mp_mailbox_shutdown (mb);
  /* Given up, the session is still open (idle): not waited for. */
  mp_test_fake_server_free (server);
}

static void
test_cancel_while_waiting (void)
{
  run_waiting (FALSE);
}

static void
test_given_up (void)
{
  run_waiting (TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mailbox-known/late-rows", test_late_rows);
  g_test_add_func ("/mailbox-known/cancel-while-waiting", test_cancel_while_waiting);
  g_test_add_func ("/mailbox-known/given-up", test_given_up);
  return g_test_run ();
}
