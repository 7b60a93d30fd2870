/* app-test-util.c — see app-test-util.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

static void
write_rules (const char *text)
{
  g_autofree char *path = mp_rules_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

gboolean
mp_app_fixture_start (MpAppFixture *f,
                      const char   *rules,
                      const char   *script)
{
  g_autoptr (MpAccountStore) store = NULL;
  g_autoptr (MpScheduler) scheduler = NULL;
  MpMailbox *mailbox;
  guint16 port = 0;

  f->home = mp_test_make_tmp_home ();
  if (rules)
    write_rules (rules);
  f->server = mp_test_fake_server_start (script, &port);
  if (f->server == NULL)
    {
      g_test_skip ("fake server could not start");
      return FALSE;
    }
  f->account = mp_account_new (NULL);
  g_object_set (f->account, "name", "Work", "host", "127.0.0.1", "port", (guint) port,
                "security", MP_POP3_SECURITY_NONE, "auth", MP_POP3_AUTH_USER,
                "allow-plaintext-password", TRUE, "username", "alice", NULL);
  store = mp_account_store_new ();
  mp_account_store_add (store, f->account);
  scheduler = mp_scheduler_new (NULL, 1, FALSE);
  f->session = mp_session_new (store, scheduler);
  mailbox = mp_account_state_get_mailbox (mp_session_lookup (f->session,
                                                             mp_account_get_id (f->account)));
  mp_mailbox_set_password (mailbox, "secret");
  /* QUIT right after each job: the next job needs a session of its own. */
  mp_mailbox_set_idle_timeout (mailbox, 0);
  return TRUE;
}

static gboolean on_timeout (gpointer data);

/* As the application does before it ends: what is "busy" (a header cache being
 * written after a check, deletions being sent) is let finish. A cache write
 * still running when the test's directories went failed the next test. */
static void
wait_not_busy (MpAppFixture *f)
{
  MpAccountState *state = mp_session_lookup (f->session, mp_account_get_id (f->account));
  guint id = g_timeout_add_seconds (MP_APP_TEST_TIMEOUT_S, on_timeout, NULL);

  while (state != NULL && mp_account_state_get_busy (state))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

void
mp_app_fixture_finish (MpAppFixture *f)
{
  g_autoptr (GError) error = NULL;

  if (f->session && f->account)
    wait_not_busy (f);
  /* QUITs the idle session (the script ends with it) without the main loop. */
  if (f->session)
    mp_session_shutdown (f->session);
  if (f->server)
    {
      gboolean matched = mp_test_fake_server_finish (f->server, &error);

      g_assert_no_error (error);
      g_assert_true (matched);
    }
  g_clear_object (&f->session);
  g_clear_object (&f->account);
  mp_test_rm_rf (f->home);
  g_free (f->home);
}

static gboolean
on_timeout (gpointer data)
{
  g_error ("timed out");
  return G_SOURCE_REMOVE;
}

void
mp_app_run_until (const gboolean *flag)
{
  guint id = g_timeout_add_seconds (MP_APP_TEST_TIMEOUT_S, on_timeout, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

void
mp_app_run_until_nonzero (const guint *value)
{
  guint id = g_timeout_add_seconds (MP_APP_TEST_TIMEOUT_S, on_timeout, NULL);

  while (*value == 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}
