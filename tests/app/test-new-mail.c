/* test-new-mail.c — which messages are new and announced (MpAccountState, GTK-free),
 * against the scripted fake server:
 *
 * - two checks that each find one message leave both new, and the account's new
 *   set (what a notification sums up) names both, newest first (issue 13, item 3);
 * - "new" survives a restart: a new session on the same state directory finds the
 *   announced, unviewed messages new again, and counts them as announced already
 *   (no second announcement);
 * - viewing a message or marking all seen is remembered across the next restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>

#include "mp-session.h"
#include "mp-test-util.h"

#define LOGIN MP_TEST_FAKE_LOGIN
#define TIMEOUT_S 30

#define MSG(n) "expect TOP " #n " 0\nsend +OK\nsend From: Sender " #n " <s" #n "@example.org>\n" \
               "send Subject: message " #n "\nsend \nsend .\n"
#define LIST1 "expect LIST\nsend +OK\nsend 1 100\nsend .\n" \
              "expect UIDL\nsend +OK\nsend 1 u1\nsend .\n"
#define LIST2 "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend .\n" \
              "expect UIDL\nsend +OK\nsend 1 u1\nsend 2 u2\nsend .\n"
#define LIST3 "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend 3 300\nsend .\n" \
              "expect UIDL\nsend +OK\nsend 1 u1\nsend 2 u2\nsend 3 u3\nsend .\n"
#define QUIT "expect QUIT\nsend +OK bye\n"
/* A restarted process shows the header cache's rows: it asks for no header again. */
#define RESTART_CHECK "next-session\n" LOGIN LIST3 QUIT

typedef struct {
  char             *home;
  MpTestFakeServer *server;
  guint16           port;
  MpAccount        *account;   /* owned; the same id in every run */
  MpSession        *session;   /* owned; one per "process run" */
  MpAccountState   *state;     /* unowned: the session's */
} Fixture;

static gboolean
on_timeout (gpointer data)
{
  g_error ("timed out");
  return G_SOURCE_REMOVE;
}

static void
on_check_finished (MpAccountState *state,
                   const GError   *error,
                   gpointer        data)
{
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

/* Waits for the check running (or due) to finish and its rows to be in the list. */
static void
wait_check (Fixture *f)
{
  gboolean finished = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_S, on_timeout, NULL);
  gulong handler = g_signal_connect (f->state, "check-finished",
                                     G_CALLBACK (on_check_finished), &finished);

  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  while (g_list_model_get_n_items (mp_account_state_get_messages (f->state)) <
         mp_account_state_get_n_messages (f->state))
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (f->state, handler);
  g_source_remove (id);
}

/* Seen-store writes run in the account's queue; "busy" covers them. */
static void
wait_not_busy (Fixture *f)
{
  guint id = g_timeout_add_seconds (TIMEOUT_S, on_timeout, NULL);

  while (mp_account_state_get_busy (f->state))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

/* One run of the application: a session whose first check is due at once. */
static void
start_run (Fixture *f)
{
  g_autoptr (MpAccountStore) store = mp_account_store_new ();
  g_autoptr (MpScheduler) scheduler = mp_scheduler_new (NULL, 1, FALSE);
  MpMailbox *mailbox;

  mp_account_store_add (store, f->account);
  f->session = mp_session_new (store, scheduler);
  f->state = mp_session_lookup (f->session, mp_account_get_id (f->account));
  mailbox = mp_account_state_get_mailbox (f->state);
  mp_mailbox_set_password (mailbox, "secret");
  mp_mailbox_set_idle_timeout (mailbox, 0);
}

static void
end_run (Fixture *f)
{
  mp_session_shutdown (f->session);
  /* As the application does: the header cache and the seen store finish writing. */
  wait_not_busy (f);
  g_clear_object (&f->session);
  f->state = NULL;
  /* Lets the mailbox's worker post its last idles (the QUIT of the session). */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
fixture_start (Fixture *f, const char *script)
{
  f->home = mp_test_make_tmp_home ();
  f->server = mp_test_fake_server_start (script, &f->port);
  if (f->server == NULL)
    {
      g_test_skip ("fake server could not start");
      return FALSE;
    }
  f->account = mp_account_new (NULL);
  g_object_set (f->account, "host", "127.0.0.1", "port", (guint) f->port,
                "security", MP_POP3_SECURITY_NONE, "auth", MP_POP3_AUTH_USER,
                "allow-plaintext-password", TRUE, "username", "alice", NULL);
  return TRUE;
}

static void
fixture_finish (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  if (f->session)
    end_run (f);
  if (f->server)
    {
      gboolean matched = mp_test_fake_server_finish (f->server, &error);

      g_assert_no_error (error);
      g_assert_true (matched);
    }
  g_clear_object (&f->account);
  mp_test_rm_rf (f->home);
  g_free (f->home);
}

/* The subjects of the account's new set, newest first, as "a,b". */
static char *
new_subjects (MpAccountState *state)
{
  g_autoptr (GPtrArray) rows = mp_account_state_dup_new_messages (state);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (out, "%s%s", i ? "," : "",
                            mp_message_summary_get_subject (g_ptr_array_index (rows, i)));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static MpMessageSummary *
row_by_uidl (MpAccountState *state, const char *uidl)
{
  GListModel *rows = mp_account_state_get_messages (state);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (rows, i);

      if (g_str_equal (mp_message_summary_get_uidl (summary), uidl))
        return g_steal_pointer (&summary);
    }
  g_assert_not_reached ();
}

static guint
count_new_rows (MpAccountState *state)
{
  GListModel *rows = mp_account_state_get_messages (state);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (rows, i);

      n += mp_message_summary_get_is_new (summary);
    }
  return n;
}

static void
test_new_adds_up_and_survives_restart (void)
{
  Fixture f = { 0 };
  g_autofree char *subjects = NULL;
  g_autoptr (MpMessageSummary) viewed = NULL;
  g_autoptr (GPtrArray) seen = NULL;

  if (!fixture_start (&f, LOGIN LIST1 MSG (1) QUIT
                          "next-session\n" LOGIN LIST2 MSG (2) QUIT
                          "next-session\n" LOGIN LIST3 MSG (3) QUIT
                          RESTART_CHECK RESTART_CHECK RESTART_CHECK))
    return fixture_finish (&f);

  /* Run 1: the first check of a new account announces nothing … */
  start_run (&f);
  wait_check (&f);
  g_assert_cmpuint (mp_account_state_get_n_new (f.state), ==, 0);
  g_assert_cmpuint (mp_account_state_announce (f.state), ==, 0);

  /* … each later check finds one message: each is announced once … */
  mp_account_state_check (f.state);
  wait_check (&f);
  g_assert_cmpuint (mp_account_state_get_n_new (f.state), ==, 1);
  g_assert_cmpuint (mp_account_state_announce (f.state), ==, 1);
  g_assert_cmpuint (mp_account_state_announce (f.state), ==, 0);
  mp_account_state_check (f.state);
  wait_check (&f);
  g_assert_cmpuint (mp_account_state_announce (f.state), ==, 1);
  /* … and the new set (what the bubble sums up) holds both, newest first. */
  g_assert_cmpuint (mp_account_state_get_n_new (f.state), ==, 2);
  subjects = new_subjects (f.state);
  g_assert_cmpstr (subjects, ==, "message 3,message 2");
  end_run (&f);

  /* Run 2 (a restart): both are still new — the count and the rows agree — and
   * they were announced by the run before. */
  start_run (&f);
  wait_check (&f);
  g_assert_cmpuint (mp_account_state_get_n_new (f.state), ==, 2);
  g_assert_cmpuint (count_new_rows (f.state), ==, 2);
  g_clear_pointer (&subjects, g_free);
  subjects = new_subjects (f.state);
  g_assert_cmpstr (subjects, ==, "message 3,message 2");
  g_assert_cmpuint (mp_account_state_announce (f.state), ==, 0);
  /* Viewing one makes it seen, for good. */
  viewed = row_by_uidl (f.state, "u2");
  seen = g_ptr_array_new ();
  g_ptr_array_add (seen, viewed);
  mp_account_state_mark_seen (f.state, seen);
  g_assert_false (mp_message_summary_get_is_new (viewed));
  g_assert_cmpuint (mp_account_state_get_n_new (f.state), ==, 1);
  wait_not_busy (&f);
  end_run (&f);

  /* Run 3: only the unviewed one is new; Mark All as Seen, for good too. */
  start_run (&f);
  wait_check (&f);
  g_assert_cmpuint (mp_account_state_get_n_new (f.state), ==, 1);
  g_clear_pointer (&subjects, g_free);
  subjects = new_subjects (f.state);
  g_assert_cmpstr (subjects, ==, "message 3");
  mp_account_state_mark_all_seen (f.state);
  /* Quitting at once loses nothing: the write is not cancelled, and "busy" holds
   * the quit until it is done. */
  mp_session_shutdown (f.session);
  g_assert_true (mp_session_get_busy (f.session));
  wait_not_busy (&f);
  end_run (&f);

  /* Run 4: nothing is new any more. */
  start_run (&f);
  wait_check (&f);
  g_assert_cmpuint (mp_account_state_get_n_new (f.state), ==, 0);
  g_assert_cmpuint (count_new_rows (f.state), ==, 0);
  fixture_finish (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/new-mail/adds-up-and-survives-restart",
                   test_new_adds_up_and_survives_restart);
  return g_test_run ();
}
