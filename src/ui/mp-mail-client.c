/* mp-mail-client.c — see mp-mail-client.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-background.h"
#include "mp-mail-client.h"

static void
portal_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                              result, &error);

  if (reply == NULL)
    g_warning ("Could not open the mail client through the portal: %s", error->message);
}

/* Inside the sandbox the host's applications are out of reach: the OpenURI portal
 * starts the host's mailto handler (showing the chooser if there is none). */
static gboolean
launch_through_portal (GError **error)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);

  if (bus == NULL)
    return FALSE;
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop",
                          "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.OpenURI", "OpenURI",
                          g_variant_new ("(ss@a{sv})", "", "mailto:",
                                         g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          portal_done_cb, NULL);
  return TRUE;
}

gboolean
mp_mail_client_launch (const char         *command,
                       GAppLaunchContext  *context,
                       GError            **error)
{
  g_autoptr (GAppInfo) info = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (command && *command)
    info = g_app_info_create_from_commandline (command, _("Mail Client"),
                                               G_APP_INFO_CREATE_NONE, error);
  else if (mp_background_in_flatpak ())
    return launch_through_portal (error);
  else
    {
      info = g_app_info_get_default_for_uri_scheme ("mailto");
      if (info == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("No application is set to handle e-mail (mailto) links"));
    }
  return info != NULL && g_app_info_launch (info, NULL, context, error);
}

static void
default_handler_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      /* GIO names the MIME type; a person knows the file type. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No application is set to open e-mail messages (.eml files): %s"),
                               error->message);
      g_error_free (error);
    }
}

void
mp_mail_client_open_file_async (const char          *command,
                                GFile               *file,
                                GAppLaunchContext   *context,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);
  g_autofree char *uri = g_file_get_uri (file);

  g_task_set_source_tag (task, mp_mail_client_open_file_async);
  if (command && *command)
    {
      GError *error = NULL;
      g_autoptr (GAppInfo) info = NULL;
      GList files = { .data = file };

      /* Created without a field code, the command gets the file appended (%f). */
      info = g_app_info_create_from_commandline (command, _("Mail Client"),
                                                 G_APP_INFO_CREATE_NONE, &error);
      if (info != NULL && g_app_info_launch (info, &files, context, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      return;
    }
  g_app_info_launch_default_for_uri_async (uri, context, NULL, default_handler_done,
                                           g_steal_pointer (&task));
}

gboolean
mp_mail_client_open_file_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
