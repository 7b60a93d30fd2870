/* test-session-fake.c — MpSession (src/app) with no window and no GTK, against
 * the scripted fake server: a scheduled check updates the account's state
 * properties and its message list, and Test Connection waits in the account's
 * one job queue instead of opening a second session beside a check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>

#include "app-test-util.h"
#include "mp-message-order.h"

#define LOGIN MP_TEST_FAKE_LOGIN

static void
on_check_finished (MpAccountState *state,
                   const GError   *error,
                   gpointer        data)
{
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    data)
{
  (*(guint *) data)++;
}

/* The model lives without any window: the scheduler's first check runs, and the
 * account state's properties and message list follow it. */
static void
test_check_updates_state (void)
{
  MpAppFixture f = { 0 };
  MpAccountState *state;
  GListModel *messages;
  gboolean finished = FALSE;
  guint state_changes = 0, list_changes = 0;
  g_autoptr (MpMessageSummary) first = NULL;
  guint n_messages = 0;
  int state_value = -1;

  if (!mp_app_fixture_start (&f, NULL, LOGIN
                      "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend .\n"
                      "expect UIDL\nsend +OK\nsend 1 uid-one\nsend 2 uid-two\nsend .\n"
                      "expect TOP 2 0\nsend +OK\nsend From: two@example.org\n"
                      "send Subject: second\nsend \nsend .\n"
                      "expect TOP 1 0\nsend +OK\nsend From: One <one@example.org>\n"
                      "send Subject: first\nsend \nsend .\n"
                      "expect QUIT\nsend +OK bye\n"))
    return mp_app_fixture_finish (&f);

  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  g_assert_nonnull (state);
  messages = mp_account_state_get_messages (state);
  g_assert_true (g_list_model_get_item_type (messages) == MP_TYPE_MESSAGE_SUMMARY);
  g_assert_null (mp_account_state_get_last_check (state));
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  g_signal_connect (state, "notify::state", G_CALLBACK (count_notify), &state_changes);
  g_signal_connect (messages, "items-changed", G_CALLBACK (count_items_changed), &list_changes);

  mp_app_run_until (&finished);
  /* Rows still being fed in go in a few per main-loop turn. */
  while (g_list_model_get_n_items (messages) < 2)
    g_main_context_iteration (NULL, TRUE);

  g_object_get (state, "state", &state_value, "n-messages", &n_messages, NULL);
  g_assert_cmpint (state_value, ==, MP_MAILBOX_STATE_IDLE);
  g_assert_cmpuint (state_changes, >=, 2);            /* checking, then idle */
  g_assert_cmpuint (n_messages, ==, 2);
  g_assert_cmpuint (mp_account_state_get_n_new (state), ==, 0);  /* first check */
  g_assert_nonnull (mp_account_state_get_last_check (state));
  g_assert_null (mp_account_state_get_error (state));
  g_assert_cmpuint (list_changes, >=, 1);
  first = g_list_model_get_item (messages, 0);
  g_assert_cmpstr (mp_message_summary_get_uidl (first), ==, "uid-one");
  g_assert_cmpstr (mp_message_summary_get_subject (first), ==, "first");
  mp_app_fixture_finish (&f);
}

#define TOP_DATED(n, date) \
  "expect TOP " #n " 0\nsend +OK\nsend Subject: m" #n "\nsend Date: " date "\nsend \nsend .\n"
#define TOP_UNDATED(n) \
  "expect TOP " #n " 0\nsend +OK\nsend Subject: m" #n "\nsend \nsend .\n"

/* A check fetches the newest first; the list still holds the rows in server
 * order, and the Date column's order is what it would be had they come oldest
 * first: an undated row sits right after the row before it, the first one (no
 * row before it) below every dated row. */
static void
test_rows_arrive_newest_first (void)
{
  MpAppFixture f = { 0 };
  MpAccountState *state;
  GListModel *messages;
  gboolean finished = FALSE;
  g_autoptr (GPtrArray) by_date = g_ptr_array_new_with_free_func (g_object_unref);

  if (!mp_app_fixture_start (&f, NULL, LOGIN
                      "expect LIST\nsend +OK\nsend 1 100\nsend 2 100\nsend 3 100\nsend 4 100\n"
                      "send 5 100\nsend .\n"
                      "expect UIDL\nsend +OK\nsend 1 u1\nsend 2 u2\nsend 3 u3\nsend 4 u4\nsend 5 u5\n"
                      "send .\n"
                      TOP_UNDATED (5)
                      TOP_DATED (4, "Tue, 03 Nov 2026 10:00:00 +0000")
                      TOP_UNDATED (3)
                      TOP_DATED (2, "Sun, 01 Nov 2026 10:00:00 +0000")
                      TOP_UNDATED (1)
                      "expect QUIT\nsend +OK bye\n"))
    return mp_app_fixture_finish (&f);

  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  messages = mp_account_state_get_messages (state);
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), &finished);
  mp_app_run_until (&finished);
  while (g_list_model_get_n_items (messages) < 5)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (MpMessageSummary) row = g_list_model_get_item (messages, i);
      g_autofree char *uidl = g_strdup_printf ("u%u", i + 1);

      g_assert_cmpstr (mp_message_summary_get_uidl (row), ==, uidl);
      g_ptr_array_add (by_date, g_steal_pointer (&row));
    }
  for (guint i = 0; i + 1 < 5; i++)
    g_assert_cmpint (mp_message_order_compare (by_date->pdata[i], by_date->pdata[i + 1]), <, 0);
  mp_app_fixture_finish (&f);
}

typedef struct {
  gboolean  done;
  char    **caps;
  GError   *error;
} TestWait;

static void
on_test_login (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  TestWait *w = data;

  w->caps = mp_session_test_login_finish (MP_SESSION (source), result, &w->error);
  w->done = TRUE;
}

/* Test Connection while a check runs: the server locks the mailbox per session
 * and refuses a second one with [IN-USE] (fake-pop3.py's next-session mode fails
 * the run when one arrives).  The test waits for the check in the account's
 * queue, with the settings as edited in the dialog (not saved). */
static void
test_test_login_waits_for_check (void)
{
  MpAppFixture f = { 0 };
  MpAccountState *state;
  g_autoptr (MpAccount) edited = NULL;
  TestWait w = { 0 };

  if (!mp_app_fixture_start (&f, NULL, LOGIN
                      "expect LIST\n"
                      "sleep 1.5\n"
                      "send +OK\nsend .\n"
                      "expect UIDL\nsend +OK\nsend .\n"
                      "expect QUIT\nsend +OK bye\n"
                      "next-session\n"
                      LOGIN
                      "expect QUIT\nsend +OK bye\n"))
    return mp_app_fixture_finish (&f);

  state = mp_session_lookup (f.session, mp_account_get_id (f.account));
  while (mp_account_state_get_state (state) != MP_MAILBOX_STATE_CHECKING)
    g_main_context_iteration (NULL, TRUE);

  edited = mp_account_new (mp_account_get_id (f.account));
  g_object_set (edited, "name", "Renamed in the dialog", "host", "127.0.0.1",
                "port", mp_account_get_port (f.account),
                "security", MP_POP3_SECURITY_NONE, "auth", MP_POP3_AUTH_USER,
                "allow-plaintext-password", TRUE, "username", "alice", NULL);
  mp_session_test_login_async (f.session, mp_account_get_id (f.account), edited, "secret",
                               NULL, on_test_login, &w);
  mp_app_run_until (&w.done);

  g_assert_no_error (w.error);
  g_assert_nonnull (w.caps);
  g_assert_true (g_strv_contains ((const char * const *) w.caps, "UIDL"));
  /* The check was not disturbed either. */
  g_assert_cmpint (mp_account_state_get_state (state), ==, MP_MAILBOX_STATE_IDLE);
  g_strfreev (w.caps);
  mp_app_fixture_finish (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/session/check-updates-state", test_check_updates_state);
  g_test_add_func ("/app/session/rows-arrive-newest-first", test_rows_arrive_newest_first);
  g_test_add_func ("/app/session/test-login-waits-for-check", test_test_login_waits_for_check);
  return g_test_run ();
}
