/* mp-app-actions.c — see mp-app-actions.h.
 *
 * `mailpeek --check` registers with the session bus like any launch.  When a
 * Mailpeek already runs, this process is only its remote: the check is activated
 * there (org.gtk.Actions.Activate) and this process ends.  When none runs, this
 * process becomes Mailpeek, started in the background as at login (no window;
 * it keeps running with the tray icon, as --background does) and checks at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-app-actions.h"
#include "mp-background.h"
#include "mp-window.h"

static void
check_all_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  mp_session_check_all (mp_application_get_session (MP_APPLICATION (user_data)));
}

static void
check_account_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  const char *id = g_variant_get_string (parameter, NULL);
  MpAccountState *state = mp_session_lookup (mp_application_get_session (MP_APPLICATION (user_data)),
                                             id);

  /* Asked from outside (a script, a keyboard shortcut): say why nothing happens. */
  if (state == NULL)
    {
      g_message ("No account “%s” to check", id);
      return;
    }
  mp_account_state_check (state);
}

static void
open_account_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  MpWindow *window = mp_application_ensure_window (MP_APPLICATION (user_data));

  mp_window_select_account (window, g_variant_get_string (parameter, NULL));
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry actions[] = {
  { .name = "check-all", .activate = check_all_activated },
  { .name = "check-account", .activate = check_account_activated, .parameter_type = "s" },
  { .name = "open-account", .activate = open_account_activated, .parameter_type = "s" },
};

void
mp_app_actions_install (MpApplication *app)
{
  g_return_if_fail (MP_IS_APPLICATION (app));

  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
}

static gint
handle_local_options_cb (GApplication *app,
                         GVariantDict *options,
                         gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  const char *account_id = NULL;
  gboolean check_all = g_variant_dict_contains (options, "check");

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("mailpeek %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "check-account", "&s", &account_id);
  if (!check_all && account_id == NULL)
    return -1;

  /* Only used when no Mailpeek runs yet and this process becomes it. */
  mp_background_set_started_in_background (app);
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* Remote: sent to the running instance over the bus (flushed before exit). */
  if (check_all)
    g_action_group_activate_action (G_ACTION_GROUP (app), "check-all", NULL);
  if (account_id)
    g_action_group_activate_action (G_ACTION_GROUP (app), "check-account",
                                    g_variant_new_string (account_id));
  return g_application_get_is_remote (app) ? 0 : -1;
}

void
mp_app_actions_add_options (GApplication *app)
{
  g_return_if_fail (G_IS_APPLICATION (app));

  g_application_add_main_option (app, "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Show the version and exit"), NULL);
  g_application_add_main_option (app, "check", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Check every account now (in the running Mailpeek, or start it in the background)"),
                                 NULL);
  g_application_add_main_option (app, "check-account", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING,
                                 _("Check the account with this identifier now"),
                                 _("ID"));
  g_signal_connect (app, "handle-local-options", G_CALLBACK (handle_local_options_cb), NULL);
}
