/* mp-background.c — "Run in background", the --background option and "Start at login".
 *
 * Running in the background is a g_application_hold(): the last window can close and
 * the scheduler keeps checking and notifying. We only hold when the user has a way
 * back — a tray icon, or a --background start (the login case, where launching the
 * app again from the menu shows the window). Without either, closing the window quits.
 *
 * Start at login is an XDG autostart entry. Inside a Flatpak the sandbox cannot write
 * ~/.config/autostart, so org.freedesktop.portal.Background.RequestBackground asks the
 * user and writes it for us.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mp-background.h"

#define STARTED_IN_BACKGROUND_KEY "mp-started-in-background"

#define PORTAL_NAME       "org.freedesktop.portal.Desktop"
#define PORTAL_PATH       "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"
#define PORTAL_REQUEST    "org.freedesktop.portal.Request"

struct _MpBackground
{
  GObject       parent_instance;

  GApplication *app;               /* owned */
  GSettings    *settings;          /* owned */
  gboolean      holding;
  gboolean      tray_seen;         /* a tray icon was registered at some point */

  /* The pending portal request, if any. */
  GDBusConnection *portal_conn;    /* owned */
  guint            response_sub;
  gboolean         requested_autostart;
  gboolean         reverting;      /* we are writing the setting back ourselves */
};

G_DEFINE_FINAL_TYPE (MpBackground, mp_background, G_TYPE_OBJECT)

/* ---- the --background option ---- */

static gint
handle_local_options_cb (GApplication *app,
                         GVariantDict *options,
                         gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!g_variant_dict_contains (options, "background"))
    return -1;

  /* Set before registering: startup (run by the registration) reads it. */
  mp_background_set_started_in_background (app);
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* Already running: an autostart entry or a second login session must not pop up
   * the existing window. */
  if (g_application_get_is_remote (app))
    return 0;
  return -1;
}

void
mp_background_add_options (GApplication *app)
{
  g_return_if_fail (G_IS_APPLICATION (app));

  g_application_add_main_option (app, "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Start without a window and check mail in the background"),
                                 NULL);
  g_signal_connect (app, "handle-local-options", G_CALLBACK (handle_local_options_cb), NULL);
}

void
mp_background_set_started_in_background (GApplication *app)
{
  g_return_if_fail (G_IS_APPLICATION (app));

  g_object_set_data (G_OBJECT (app), STARTED_IN_BACKGROUND_KEY, GINT_TO_POINTER (TRUE));
}

gboolean
mp_background_get_started_in_background (GApplication *app)
{
  g_return_val_if_fail (G_IS_APPLICATION (app), FALSE);

  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (app), STARTED_IN_BACKGROUND_KEY));
}

/* ---- holding the application ---- */

static void
update_hold (MpBackground *self)
{
  /* tray_seen, not "registered now": a panel restart unregisters the icon for a
   * moment, and must not end an app whose window is closed. */
  gboolean want = g_settings_get_boolean (self->settings, "run-in-background") &&
                  (self->tray_seen || mp_background_get_started_in_background (self->app));

  if (want && !self->holding)
    g_application_hold (self->app);
  else if (!want && self->holding)
    g_application_release (self->app);
  self->holding = want;
}

void
mp_background_set_tray_available (MpBackground *self,
                                  gboolean      available)
{
  g_return_if_fail (MP_IS_BACKGROUND (self));

  if (available)
    self->tray_seen = TRUE;
  update_hold (self);
}

void
mp_background_forget_tray (MpBackground *self)
{
  g_return_if_fail (MP_IS_BACKGROUND (self));

  self->tray_seen = FALSE;
  update_hold (self);
}

gboolean
mp_background_is_holding (MpBackground *self)
{
  g_return_val_if_fail (MP_IS_BACKGROUND (self), FALSE);
  return self->holding;
}

/* ---- start at login: the autostart file ---- */

gboolean
mp_background_in_flatpak (void)
{
  /* flatpak-run(1) puts /.flatpak-info into every sandbox and sets FLATPAK_ID
   * in the app's environment; either one tells. */
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) || g_getenv ("FLATPAK_ID") != NULL;
}

char *
mp_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

static char *
dup_autostart_contents (void)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  char *installed = NULL;

  /* The installed template carries the translated Name/Comment. */
  if (g_file_get_contents (MP_DATADIR "/mailpeek/" APP_ID "-autostart.desktop", &installed,
                           NULL, NULL))
    return installed;

  g_key_file_set_string (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "Mailpeek");
  g_key_file_set_string (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         "Watch POP3 mailboxes in the background");
  g_key_file_set_string (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                         "mailpeek --background");
  g_key_file_set_string (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  g_key_file_set_boolean (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (kf, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);
  return g_key_file_to_data (kf, NULL, NULL);
}

static gboolean
write_autostart_file (GError **error)
{
  g_autofree char *path = mp_background_dup_autostart_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = dup_autostart_contents ();

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

static gboolean
remove_autostart_file (GError **error)
{
  g_autofree char *path = mp_background_dup_autostart_path ();

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Writes the setting back when the request could not be honoured, so the switch in
 * the preferences shows the truth. */
static void
revert_start_at_login (MpBackground *self, gboolean value)
{
  self->reverting = TRUE;
  g_settings_set_boolean (self->settings, "start-at-login", value);
  self->reverting = FALSE;
}

/* ---- start at login: the portal ---- */

static void
clear_portal_request (MpBackground *self)
{
  if (self->response_sub)
    g_dbus_connection_signal_unsubscribe (self->portal_conn, self->response_sub);
  self->response_sub = 0;
  g_clear_object (&self->portal_conn);
}

static void
portal_response_cb (GDBusConnection *connection,
                    const char      *sender,
                    const char      *path,
                    const char      *iface,
                    const char      *signal,
                    GVariant        *params,
                    gpointer         user_data)
{
  MpBackground *self = user_data;
  g_autoptr (GVariant) results = NULL;
  guint32 response;
  gboolean autostart = FALSE;

  g_variant_get (params, "(u@a{sv})", &response, &results);
  if (response == 0)
    g_variant_lookup (results, "autostart", "b", &autostart);
  if (autostart != self->requested_autostart)
    {
      g_message ("Start at login was not granted by the desktop (response %u)", response);
      revert_start_at_login (self, autostart);
    }
  clear_portal_request (self);
}

static void
request_background_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (MpBackground) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_message ("Could not ask the desktop to start Mailpeek at login: %s", error->message);
      clear_portal_request (self);
      revert_start_at_login (self, FALSE);
    }
}

static void
request_background (MpBackground *self, gboolean autostart)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *conn = g_application_get_is_registered (self->app)
                          ? g_application_get_dbus_connection (self->app) : NULL;
  g_autofree char *token = g_strdup_printf ("mailpeek%u", g_random_int ());
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  const char *commandline[] = { "mailpeek", "--background", NULL };
  GVariantBuilder opts;

  clear_portal_request (self);
  self->portal_conn = conn ? g_object_ref (conn) : g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (self->portal_conn == NULL)
    {
      g_message ("No session bus for the background portal: %s", error->message);
      revert_start_at_login (self, FALSE);
      return;
    }

  /* Subscribe to the Response before asking, on the path the portal will use
   * (xdg-desktop-portal's documented request path), so the answer cannot be missed. */
  sender = g_strdup (g_dbus_connection_get_unique_name (self->portal_conn) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender, token);
  self->requested_autostart = autostart;
  self->response_sub = g_dbus_connection_signal_subscribe (self->portal_conn, PORTAL_NAME,
                                                           PORTAL_REQUEST, "Response", handle,
                                                           NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                           portal_response_cb, self, NULL);

  g_variant_builder_init (&opts, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&opts, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&opts, "{sv}", "reason",
                         g_variant_new_string (_("Mailpeek checks your mail and notifies you while no window is open.")));
  g_variant_builder_add (&opts, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&opts, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&opts, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (self->portal_conn, PORTAL_NAME, PORTAL_PATH, PORTAL_BACKGROUND,
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &opts),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          request_background_cb, g_object_ref (self));
}

static void
apply_start_at_login (MpBackground *self)
{
  g_autoptr (GError) error = NULL;
  gboolean enable = g_settings_get_boolean (self->settings, "start-at-login");

  if (mp_background_in_flatpak ())
    {
      request_background (self, enable);
      return;
    }
  if (enable ? !write_autostart_file (&error) : !remove_autostart_file (&error))
    {
      g_warning ("%s", error->message);
      if (enable)
        revert_start_at_login (self, FALSE);
    }
}

static void
settings_changed_cb (GSettings    *settings,
                     const char   *key,
                     MpBackground *self)
{
  if (g_str_equal (key, "run-in-background"))
    update_hold (self);
  else if (g_str_equal (key, "start-at-login") && !self->reverting)
    apply_start_at_login (self);
}

/* ---- GObject ---- */

static void
mp_background_dispose (GObject *object)
{
  MpBackground *self = MP_BACKGROUND (object);

  clear_portal_request (self);
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->holding)
    g_application_release (self->app);
  self->holding = FALSE;
  g_clear_object (&self->settings);
  g_clear_object (&self->app);

  G_OBJECT_CLASS (mp_background_parent_class)->dispose (object);
}

static void
mp_background_class_init (MpBackgroundClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mp_background_dispose;
}

static void
mp_background_init (MpBackground *self)
{
}

MpBackground *
mp_background_new (GApplication *app,
                   GSettings    *settings)
{
  MpBackground *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MP_TYPE_BACKGROUND, NULL);
  self->app = g_object_ref (app);
  self->settings = g_object_ref (settings);
  g_signal_connect (settings, "changed", G_CALLBACK (settings_changed_cb), self);
  update_hold (self);
  /* An autostart entry deleted by hand while the switch is on is written again;
   * outside a sandbox this costs nothing, so no portal dialog is raised here. */
  if (!mp_background_in_flatpak () && g_settings_get_boolean (settings, "start-at-login"))
    apply_start_at_login (self);
  return self;
}
