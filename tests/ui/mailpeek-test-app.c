/* mailpeek-test-app.c — the Mailpeek application (the same library `mailpeek`
 * links) with the scripted test driver attached from outside.  Built for the GUI
 * tests and the headless demo only; never installed.
 *
 * The account comes from $XDG_CONFIG_HOME/mailpeek/accounts.conf and its password
 * from the Secret Service, as in the product; the tests give both a private home.
 *
 *   MAILPEEK_TEST_SCRIPT=FILE     commands for the driver (mp-test-driver.c)
 *   MAILPEEK_TEST_OUTPUT=FILE     its observations, JSON lines (stdout if unset)
 *   MAILPEEK_TEST_NO_AUTOCHECK=1  the first checks wait an hour: the script starts
 *                                 them itself ("action check")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "mp-application.h"
#include "mp-background.h"
#include "mp-test-driver.h"

/* Called at startup, before the scheduler's idle makes the first checks due:
 * re-adding an account reschedules its first check. */
static void
defer_first_checks (MpApplication *app)
{
  MpSession *session = mp_application_get_session (app);
  GListModel *accounts = G_LIST_MODEL (mp_session_get_store (session));

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (accounts, i);

      mp_scheduler_add_account (mp_session_get_scheduler (session), mp_account_get_id (account),
                                mp_account_get_check_interval (account),
                                (gint64) G_USEC_PER_SEC * 3600);
    }
}

/* After MpApplication's own startup (the session exists; no window may ever). */
static void
on_startup (GApplication *app,
            gpointer      user_data)
{
  const char *script = g_getenv ("MAILPEEK_TEST_SCRIPT");

  if (g_getenv ("MAILPEEK_TEST_NO_AUTOCHECK"))
    defer_first_checks (MP_APPLICATION (app));
  if (script && *script)
    mp_test_driver_start (MP_APPLICATION (app), script, g_getenv ("MAILPEEK_TEST_OUTPUT"));
}

int
main (int argc, char **argv)
{
  g_autoptr (MpApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = mp_application_new ();
  mp_background_add_options (G_APPLICATION (app));
  g_signal_connect (app, "startup", G_CALLBACK (on_startup), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
