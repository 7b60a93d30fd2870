/* test-notif-services.c — stand-in desktop services for end-to-end tests.
 *
 *     test-notif-services LOG -- CMD [ARGS...]
 *
 * On the (private) session bus, owns org.freedesktop.Notifications and
 * org.kde.StatusNotifierWatcher, then runs CMD and exits with its status. Every
 * Notify, CloseNotification and RegisterStatusNotifierItem call is appended to LOG
 * as one JSON object per line, so a test can read what the app really sent.
 * MP_TEST_TRAY_CLICK=LABEL clicks that tray menu item (dbusmenu Event) after the
 * first notification; MP_TEST_NOTIFICATION_ACTION=KEY invokes that action of the
 * first notification offering it (ActionInvoked, as a user's click does).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <stdio.h>

static const char xml[] =
  "<node>"
  " <interface name='org.freedesktop.Notifications'>"
  "  <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "  <method name='Notify'>"
  "   <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "   <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "   <arg type='u' direction='out'/>"
  "  </method>"
  "  <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "  <method name='GetServerInformation'>"
  "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "  </method>"
  "  <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  " </interface>"
  " <interface name='org.kde.StatusNotifierWatcher'>"
  "  <method name='RegisterStatusNotifierItem'><arg type='s' direction='in'/></method>"
  "  <method name='RegisterStatusNotifierHost'><arg type='s' direction='in'/></method>"
  "  <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
  "  <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
  "  <property name='ProtocolVersion' type='i' access='read'/>"
  "  <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
  " </interface>"
  "</node>";

static FILE *log_file;
static guint32 next_id;
static guint names_wanted = 2;
static GMainLoop *loop;
static int child_status = 1;
static char **child_argv;
static GDBusConnection *bus;
static char *item_name;     /* unique name of the registered item */
static gboolean clicked;
static gboolean action_invoked;
static guint n_notify;

static void
json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
log_line (GString *line)
{
  fputs (line->str, log_file);
  fputc ('\n', log_file);
  fflush (log_file);
}

static void fetch_layout (void);

static void
event_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, NULL);
}

static void
layout_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  g_autoptr (GVariantIter) children = NULL;
  g_autoptr (GString) line = g_string_new ("{\"method\": \"Layout\", \"items\": [");
  const char *want = g_getenv ("MP_TEST_TRAY_CLICK");
  GVariant *child;
  guint32 revision;
  gint32 click_id = -1;
  gboolean first = TRUE;

  if (reply == NULL)
    {
      g_printerr ("test-notif-services: GetLayout: %s\n", error->message);
      return;
    }
  g_variant_get (reply, "(u(ia{sv}av))", &revision, NULL, NULL, &children);
  while (g_variant_iter_next (children, "v", &child))
    {
      g_autoptr (GVariant) props = NULL;
      const char *label = "";
      gboolean enabled = TRUE;
      gint32 id;

      g_variant_get (child, "(i@a{sv}av)", &id, &props, NULL);
      g_variant_lookup (props, "label", "&s", &label);
      g_variant_lookup (props, "enabled", "b", &enabled);
      g_string_append (line, first ? "" : ", ");
      g_string_append (line, "{\"label\": ");
      json_string (line, label);
      g_string_append_printf (line, ", \"enabled\": %s}", enabled ? "true" : "false");
      if (want && !clicked && n_notify > 0 && enabled && g_str_equal (label, want))
        click_id = id;
      first = FALSE;
      g_variant_unref (child);
    }
  g_string_append_printf (line, "], \"revision\": %u}", revision);
  log_line (line);

  if (click_id >= 0)
    {
      g_autoptr (GString) c = g_string_new ("{\"method\": \"Clicked\", \"label\": ");

      clicked = TRUE;
      json_string (c, want);
      g_string_append (c, "}");
      log_line (c);
      g_dbus_connection_call (bus, item_name, "/MenuBar", "com.canonical.dbusmenu", "Event",
                              g_variant_new ("(isvu)", click_id, "clicked",
                                             g_variant_new_int32 (0), 0),
                              NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, event_done_cb, NULL);
    }
}

static void
fetch_layout (void)
{
  const char *names[] = { NULL };

  g_dbus_connection_call (bus, item_name, "/MenuBar", "com.canonical.dbusmenu", "GetLayout",
                          g_variant_new ("(ii^as)", 0, -1, names),
                          G_VARIANT_TYPE ("(u(ia{sv}av))"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          layout_cb, NULL);
}

static void
layout_updated_cb (GDBusConnection *conn, const char *sender, const char *path,
                   const char *iface, const char *signal, GVariant *params, gpointer data)
{
  fetch_layout ();
}

/* A user clicks @action's button of notification @id: the server says so with
 * ActionInvoked (after the Notify reply, as a real server's click comes later). */
static void
invoke_action_later (guint32 id, const char *action)
{
  g_autoptr (GString) line = g_string_new ("{\"method\": \"ActionInvoked\", \"action\": ");
  g_autoptr (GError) error = NULL;

  json_string (line, action);
  g_string_append_printf (line, ", \"id\": %u}", id);
  log_line (line);
  action_invoked = TRUE;
  if (!g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/Notifications",
                                      "org.freedesktop.Notifications", "ActionInvoked",
                                      g_variant_new ("(us)", id, action), &error))
    g_printerr ("test-notif-services: ActionInvoked: %s\n", error->message);
}

static void
method_call (GDBusConnection *conn, const char *sender, const char *path,
             const char *iface, const char *method, GVariant *params,
             GDBusMethodInvocation *invocation, gpointer data)
{
  g_autoptr (GString) line = g_string_new ("{\"method\": ");

  json_string (line, method);
  if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
      return;
    }
  if (g_str_equal (method, "GetServerInformation"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "test", "mailpeek", "1", "1.2"));
      return;
    }
  if (g_str_equal (method, "Notify"))
    {
      const char *app_name, *summary, *body;
      g_autofree const char **actions = NULL;
      g_autoptr (GVariant) hints = NULL;
      guint32 replaces, id;
      const char *desktop_entry = "";

      g_variant_get (params, "(&su&s&s&s^a&s@a{sv}i)", &app_name, &replaces, NULL, &summary,
                     &body, &actions, &hints, NULL);
      g_variant_lookup (hints, "desktop-entry", "&s", &desktop_entry);
      id = replaces ? replaces : ++next_id;
      g_string_append_printf (line, ", \"id\": %u, \"replaces_id\": %u, \"app_name\": ", id, replaces);
      json_string (line, app_name);
      g_string_append (line, ", \"summary\": ");
      json_string (line, summary);
      g_string_append (line, ", \"body\": ");
      json_string (line, body);
      g_string_append (line, ", \"desktop_entry\": ");
      json_string (line, desktop_entry);
      g_string_append (line, ", \"actions\": [");
      for (guint i = 0; actions && actions[i]; i++)
        {
          if (i)
            g_string_append (line, ", ");
          json_string (line, actions[i]);
        }
      g_string_append (line, "]}");
      log_line (line);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", id));
      n_notify++;
      if (g_getenv ("MP_TEST_NOTIFICATION_ACTION") && !action_invoked && actions &&
          g_strv_contains (actions, g_getenv ("MP_TEST_NOTIFICATION_ACTION")))
        invoke_action_later (id, g_getenv ("MP_TEST_NOTIFICATION_ACTION"));
      if (g_getenv ("MP_TEST_TRAY_CLICK") && !clicked && item_name)
        fetch_layout ();
      return;
    }
  if (g_str_equal (method, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (params, "(u)", &id);
      g_string_append_printf (line, ", \"id\": %u}", id);
      log_line (line);
      g_dbus_method_invocation_return_value (invocation, NULL);
      return;
    }
  if (g_str_equal (method, "RegisterStatusNotifierItem"))
    {
      const char *service;

      g_variant_get (params, "(&s)", &service);
      g_string_append (line, ", \"service\": ");
      json_string (line, service);
      g_string_append (line, ", \"sender\": ");
      json_string (line, sender);
      g_string_append (line, "}");
      log_line (line);
      if (item_name == NULL)
        {
          item_name = g_strdup (service[0] == '/' ? sender : service);
          g_dbus_connection_signal_subscribe (conn, item_name, "com.canonical.dbusmenu",
                                              "LayoutUpdated", "/MenuBar", NULL,
                                              G_DBUS_SIGNAL_FLAGS_NONE, layout_updated_cb,
                                              NULL, NULL);
          fetch_layout ();
        }
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
get_property (GDBusConnection *conn, const char *sender, const char *path,
              const char *iface, const char *name, GError **error, gpointer data)
{
  if (g_str_equal (name, "RegisteredStatusNotifierItems"))
    return g_variant_new_strv (NULL, 0);
  if (g_str_equal (name, "IsStatusNotifierHostRegistered"))
    return g_variant_new_boolean (TRUE);
  return g_variant_new_int32 (0);
}

static const GDBusInterfaceVTable vtable = { .method_call = method_call, .get_property = get_property };

static void
child_exited_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  GSubprocess *child = G_SUBPROCESS (source);
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_wait_finish (child, res, &error))
    g_printerr ("test-notif-services: %s\n", error->message);
  else if (g_subprocess_get_if_exited (child))
    child_status = g_subprocess_get_exit_status (child);
  else
    child_status = 128 + g_subprocess_get_term_sig (child);
  g_main_loop_quit (loop);
}

static void
name_acquired_cb (GDBusConnection *conn, const char *name, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) child = NULL;

  if (--names_wanted > 0)
    return;
  /* Both services are up: only now start the app, so it finds them. */
  child = g_subprocess_newv ((const char * const *) child_argv, G_SUBPROCESS_FLAGS_NONE, &error);
  if (child == NULL)
    {
      g_printerr ("test-notif-services: %s\n", error->message);
      child_status = 127;
      g_main_loop_quit (loop);
      return;
    }
  g_subprocess_wait_async (child, NULL, child_exited_cb, NULL);
}

static void
name_lost_cb (GDBusConnection *conn, const char *name, gpointer data)
{
  g_printerr ("test-notif-services: could not own %s\n", name);
  child_status = 1;
  g_main_loop_quit (loop);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) conn = NULL;
  g_autoptr (GDBusNodeInfo) info = NULL;

  if (argc < 4 || !g_str_equal (argv[2], "--"))
    {
      g_printerr ("usage: test-notif-services LOG -- CMD [ARGS...]\n");
      return 2;
    }
  log_file = fopen (argv[1], "a");
  if (log_file == NULL)
    {
      g_printerr ("test-notif-services: cannot open %s\n", argv[1]);
      return 2;
    }
  child_argv = argv + 3;

  conn = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  bus = conn;
  info = g_dbus_node_info_new_for_xml (xml, &error);
  if (conn == NULL || info == NULL)
    {
      g_printerr ("test-notif-services: %s\n", error->message);
      return 2;
    }
  if (!g_dbus_connection_register_object (conn, "/org/freedesktop/Notifications",
                                          info->interfaces[0], &vtable, NULL, NULL, &error) ||
      !g_dbus_connection_register_object (conn, "/StatusNotifierWatcher",
                                          info->interfaces[1], &vtable, NULL, NULL, &error))
    {
      g_printerr ("test-notif-services: %s\n", error->message);
      return 2;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_bus_own_name_on_connection (conn, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired_cb, name_lost_cb, NULL, NULL);
  g_bus_own_name_on_connection (conn, "org.kde.StatusNotifierWatcher", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired_cb, name_lost_cb, NULL, NULL);
  g_main_loop_run (loop);
  fclose (log_file);
  return child_status;
}
