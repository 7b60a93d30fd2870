/* test-tray.c — MpTray against a test org.kde.StatusNotifierWatcher on a private bus.
 *
 * Run under `dbus-run-session`. The watcher lives on its own bus connection (as a
 * separate process would), so closing that connection is exactly what the tray sees
 * when a real panel crashes: the name loses its owner.
 *
 * The tray answers D-Bus calls in the main context, so the test never blocks in a
 * _sync call to it: every call is asynchronous and the test iterates the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <math.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "mp-tray.h"

#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"
#define TIMEOUT_MS   5000

static const char watcher_xml[] =
  "<node>"
  " <interface name='org.kde.StatusNotifierWatcher'>"
  "  <method name='RegisterStatusNotifierItem'><arg name='service' type='s' direction='in'/></method>"
  "  <method name='RegisterStatusNotifierHost'><arg name='service' type='s' direction='in'/></method>"
  "  <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
  "  <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
  "  <property name='ProtocolVersion' type='i' access='read'/>"
  "  <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
  " </interface>"
  "</node>";

/* ---- helpers ---- */

static GDBusConnection *
new_private_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *conn;

  g_assert_no_error (error);
  conn = g_dbus_connection_new_for_address_sync (address,
                                                 G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                 NULL, NULL, &error);
  g_assert_no_error (error);
  return conn;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until *flag is TRUE; FALSE on timeout. */
static gboolean
wait_for_flag (const gboolean *flag)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}

/* Lets pending events run for @ms milliseconds. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} CallResult;

static void
call_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  CallResult *r = data;

  r->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &r->error);
  r->done = TRUE;
}

static GVariant *
call (GDBusConnection *conn, const char *dest, const char *path, const char *iface,
      const char *method, GVariant *params, const char *reply_type, GError **error)
{
  CallResult r = { 0, };

  g_dbus_connection_call (conn, dest, path, iface, method, params,
                          reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                          G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, call_cb, &r);
  g_assert_true (wait_for_flag (&r.done));
  if (r.error)
    g_propagate_error (error, r.error);
  return r.reply;
}

static GVariant *
get_property (GDBusConnection *conn, const char *dest, const char *path,
              const char *iface, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = call (conn, dest, path, "org.freedesktop.DBus.Properties", "Get",
                                     g_variant_new ("(ss)", iface, name), "(v)", &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

/* ---- the test watcher ---- */

typedef struct
{
  GDBusConnection *conn;
  guint            owner_id;
  guint            reg_id;
  gboolean         acquired;
  gboolean         refuse;     /* answer RegisterStatusNotifierItem with an error */
  GPtrArray       *services;   /* service argument of each registration */
  GPtrArray       *senders;    /* unique name of the caller of each registration */
} TestWatcher;

static void
watcher_method_call (GDBusConnection *conn, const char *sender, const char *path,
                     const char *iface, const char *method, GVariant *params,
                     GDBusMethodInvocation *invocation, gpointer data)
{
  TestWatcher *w = data;

  if (g_str_equal (method, "RegisterStatusNotifierItem"))
    {
      const char *service;

      if (w->refuse)
        {
          g_dbus_method_invocation_return_dbus_error (invocation,
                                                      "org.freedesktop.DBus.Error.Failed",
                                                      "refused by the test");
          return;
        }
      g_variant_get (params, "(&s)", &service);
      g_ptr_array_add (w->services, g_strdup (service));
      g_ptr_array_add (w->senders, g_strdup (sender));
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
watcher_get_property (GDBusConnection *conn, const char *sender, const char *path,
                      const char *iface, const char *name, GError **error, gpointer data)
{
  TestWatcher *w = data;

  if (g_str_equal (name, "RegisteredStatusNotifierItems"))
    return g_variant_new_strv ((const char * const *) w->services->pdata, w->services->len);
  if (g_str_equal (name, "IsStatusNotifierHostRegistered"))
    return g_variant_new_boolean (TRUE);
  return g_variant_new_int32 (0);
}

static const GDBusInterfaceVTable watcher_vtable = {
  .method_call = watcher_method_call,
  .get_property = watcher_get_property,
};

static void
watcher_acquired_cb (GDBusConnection *conn, const char *name, gpointer data)
{
  ((TestWatcher *) data)->acquired = TRUE;
}

static TestWatcher *
test_watcher_start (gboolean refuse)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (watcher_xml, &error);
  TestWatcher *w = g_new0 (TestWatcher, 1);

  g_assert_no_error (error);
  w->refuse = refuse;
  w->services = g_ptr_array_new_with_free_func (g_free);
  w->senders = g_ptr_array_new_with_free_func (g_free);
  w->conn = new_private_connection ();
  w->reg_id = g_dbus_connection_register_object (w->conn, WATCHER_PATH, info->interfaces[0],
                                                 &watcher_vtable, w, NULL, &error);
  g_assert_no_error (error);
  w->owner_id = g_bus_own_name_on_connection (w->conn, WATCHER_NAME,
                                              G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                              watcher_acquired_cb, NULL, w, NULL);
  g_assert_true (wait_for_flag (&w->acquired));
  return w;
}

/* Like a crash of the panel: the connection goes away with the name. */
static void
test_watcher_stop (TestWatcher *w)
{
  g_bus_unown_name (w->owner_id);
  g_dbus_connection_unregister_object (w->conn, w->reg_id);
  g_dbus_connection_close_sync (w->conn, NULL, NULL);
  g_object_unref (w->conn);
  g_ptr_array_unref (w->services);
  g_ptr_array_unref (w->senders);
  g_free (w);
}

/* ---- fixture ---- */

typedef struct
{
  GDBusConnection *app_conn;   /* the tray's connection */
  MpTray          *tray;
  TestWatcher     *watcher;
  guint            n_activate, n_check_now, n_mark_all_seen, n_quit, n_open_account;
  guint            n_open_mail_client;
  char            *opened_account;
} Fixture;

static void
on_activate (MpTray *tray, Fixture *f) { f->n_activate++; }
static void
on_check_now (MpTray *tray, Fixture *f) { f->n_check_now++; }
static void
on_mark_all_seen (MpTray *tray, Fixture *f) { f->n_mark_all_seen++; }
static void
on_quit (MpTray *tray, Fixture *f) { f->n_quit++; }
static void
on_open_mail_client (MpTray *tray, Fixture *f) { f->n_open_mail_client++; }
static void
on_open_account (MpTray *tray, const char *id, Fixture *f)
{
  f->n_open_account++;
  g_free (f->opened_account);
  f->opened_account = g_strdup (id);
}

static void
fixture_set_up (Fixture *f, gconstpointer with_watcher)
{
  if (GPOINTER_TO_INT (with_watcher))
    f->watcher = test_watcher_start (FALSE);
  f->app_conn = new_private_connection ();
  f->tray = mp_tray_new (f->app_conn);
  g_signal_connect (f->tray, "activate", G_CALLBACK (on_activate), f);
  g_signal_connect (f->tray, "check-now", G_CALLBACK (on_check_now), f);
  g_signal_connect (f->tray, "mark-all-seen", G_CALLBACK (on_mark_all_seen), f);
  g_signal_connect (f->tray, "quit", G_CALLBACK (on_quit), f);
  g_signal_connect (f->tray, "open-mail-client", G_CALLBACK (on_open_mail_client), f);
  g_signal_connect (f->tray, "open-account", G_CALLBACK (on_open_account), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->tray);
  g_dbus_connection_close_sync (f->app_conn, NULL, NULL);
  g_clear_object (&f->app_conn);
  if (f->watcher)
    test_watcher_stop (f->watcher);
  g_free (f->opened_account);
}

static const char *
app_name (Fixture *f)
{
  return g_dbus_connection_get_unique_name (f->app_conn);
}

static gboolean
wait_registered (Fixture *f, gboolean expected)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);

  while (mp_tray_is_registered (f->tray) != expected && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return mp_tray_is_registered (f->tray) == expected;
}

static gboolean
wait_count (const guint *counter, guint expected)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);

  while (*counter < expected && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *counter >= expected;
}

/* ---- tests ---- */

static void
test_registers_with_unique_name (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) menu = NULL;
  g_autoptr (GVariant) id = NULL;
  g_autoptr (GVariant) category = NULL;
  g_autoptr (GVariant) status = NULL;
  g_autoptr (GVariant) icon = NULL;
  g_autoptr (GVariant) is_menu = NULL;
  g_autoptr (GVariant) version = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) owner = NULL;

  g_assert_true (wait_registered (f, TRUE));
  g_assert_cmpuint (f->watcher->services->len, ==, 1);
  /* The service is the unique name, never an org.kde.* well-known name. */
  g_assert_cmpstr (g_ptr_array_index (f->watcher->services, 0), ==, app_name (f));
  g_assert_cmpstr (g_ptr_array_index (f->watcher->senders, 0), ==, app_name (f));

  /* The app does not own any org.kde.StatusNotifierItem-* name. */
  owner = call (f->watcher->conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                g_variant_new ("(s)", app_name (f)), "(u)", &error);
  g_assert_no_error (error);
  {
    g_autofree char *sni_name = NULL;
    g_autoptr (GVariant) has = NULL;
    guint32 pid;

    g_variant_get (owner, "(u)", &pid);
    sni_name = g_strdup_printf ("org.kde.StatusNotifierItem-%u-1", pid);
    has = call (f->watcher->conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", sni_name),
                "(b)", &error);
    g_assert_no_error (error);
    {
      gboolean has_owner = TRUE;

      g_variant_get (has, "(b)", &has_owner);
      g_assert_false (has_owner);
    }
  }

  id = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                     "org.kde.StatusNotifierItem", "Id");
  g_assert_cmpstr (g_variant_get_string (id, NULL), ==, APP_ID);
  category = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                           "org.kde.StatusNotifierItem", "Category");
  g_assert_cmpstr (g_variant_get_string (category, NULL), ==, "Communications");
  status = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                         "org.kde.StatusNotifierItem", "Status");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "Active");
  icon = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                       "org.kde.StatusNotifierItem", "IconName");
  g_assert_true (g_str_has_prefix (g_variant_get_string (icon, NULL), APP_ID));
  menu = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                       "org.kde.StatusNotifierItem", "Menu");
  g_assert_cmpstr (g_variant_get_string (menu, NULL), ==, MP_TRAY_MENU_PATH);
  is_menu = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                          "org.kde.StatusNotifierItem", "ItemIsMenu");
  g_assert_false (g_variant_get_boolean (is_menu));
  version = get_property (f->watcher->conn, app_name (f), MP_TRAY_MENU_PATH,
                          "com.canonical.dbusmenu", "Version");
  g_assert_cmpuint (g_variant_get_uint32 (version), >=, 3);
}

/* The icon files named by the item exist in the source tree under the app id. */
static void
test_icon_names_installed (Fixture *f, gconstpointer data)
{
  const char *srcroot = g_getenv ("MP_SOURCE_ROOT");
  /* Nothing new, new mail, and a failed account without new mail. */
  guint counts[] = { 0, 4, 0 };
  gboolean errors[] = { FALSE, FALSE, TRUE };
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (srcroot == NULL)
    {
      g_test_skip ("MP_SOURCE_ROOT not set");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autoptr (GVariant) icon = NULL;
      g_autofree char *file = NULL;
      g_autofree char *path = NULL;

      mp_tray_set_error (f->tray, errors[i]);
      mp_tray_set_state (f->tray, counts[i], NULL);
      icon = get_property (f->app_conn, app_name (f), MP_TRAY_ITEM_PATH,
                           "org.kde.StatusNotifierItem", "IconName");
      /* Each state has its own icon. */
      g_assert_true (g_hash_table_add (seen, g_variant_dup_string (icon, NULL)));
      file = g_strconcat (g_variant_get_string (icon, NULL), ".svg", NULL);
      path = g_build_filename (srcroot, "data", "icons", "hicolor", "scalable", "apps", file, NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

/* ---- icons any host can draw ---- */

/* WCAG 2 relative luminance of an sRGB colour (0-255 channels). */
static double
relative_luminance (double r, double g, double b)
{
  double c[3] = { r / 255.0, g / 255.0, b / 255.0 };

  for (guint i = 0; i < 3; i++)
    c[i] = c[i] <= 0.04045 ? c[i] / 12.92 : pow ((c[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static double
contrast_ratio (double l1, double l2)
{
  return (MAX (l1, l2) + 0.05) / (MIN (l1, l2) + 0.05);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The icon composited over a panel of grey level @bg: the contrast between the
 * panel and the median luminance of the icon's (mostly) opaque pixels, i.e. the
 * colour most of the drawn envelope has. SNI pixmaps are ARGB32, network order. */
static double
pixmap_contrast_on (const guint8 *argb, int w, int h, double bg)
{
  g_autoptr (GArray) lums = g_array_new (FALSE, FALSE, sizeof (double));
  double bg_lum = relative_luminance (bg, bg, bg);

  for (int i = 0; i < w * h; i++)
    {
      const guint8 *p = argb + 4 * i;
      double a = p[0] / 255.0;
      double lum;

      if (p[0] < 128)
        continue;
      lum = relative_luminance (p[1] * a + bg * (1 - a), p[2] * a + bg * (1 - a),
                                p[3] * a + bg * (1 - a));
      g_array_append_val (lums, lum);
    }
  g_assert_cmpuint (lums->len, >, 0);
  g_array_sort (lums, compare_double);
  return contrast_ratio (g_array_index (lums, double, lums->len / 2), bg_lum);
}

/* Writes the pixmap as a PNG into the build dir, to look at. */
static void
save_pixmap (const guint8 *argb, int w, int h, const char *label)
{
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, w, h);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "tray-icons", NULL);
  g_autofree char *name = g_strdup_printf ("%s-%d.png", label, w);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *s = argb + 4 * (y * w + x);
        guint8 *d = pixels + y * stride + 4 * x;

        d[0] = s[1];
        d[1] = s[2];
        d[2] = s[3];
        d[3] = s[0];
      }
  g_mkdir_with_parents (dir, 0755);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* Several square sizes of real pixels, each readable on a black and a white panel. */
static void
assert_pixmaps (GVariant *pixmaps, const char *label)
{
  GVariantIter iter;
  int w, h;
  GVariant *data;
  g_autoptr (GHashTable) sizes = g_hash_table_new (NULL, NULL);
  static const int wanted[] = { 16, 22, 24, 32, 48 };

  g_variant_iter_init (&iter, pixmaps);
  while (g_variant_iter_next (&iter, "(ii@ay)", &w, &h, &data))
    {
      gsize len;
      const guint8 *argb = g_variant_get_fixed_array (data, &len, 1);
      gboolean any_opaque = FALSE;

      g_assert_cmpint (w, >, 0);
      g_assert_cmpint (w, ==, h);
      g_assert_cmpuint (len, ==, (gsize) w * h * 4);
      for (gsize i = 0; i < len; i += 4)
        any_opaque |= argb[i] == 0xff;
      g_assert_true (any_opaque);
      g_assert_cmpfloat (pixmap_contrast_on (argb, w, h, 0), >=, 3.0);
      g_assert_cmpfloat (pixmap_contrast_on (argb, w, h, 255), >=, 3.0);
      save_pixmap (argb, w, h, label);
      g_hash_table_add (sizes, GINT_TO_POINTER (w));
      g_variant_unref (data);
    }
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    g_assert_true (g_hash_table_contains (sizes, GINT_TO_POINTER (wanted[i])));
}

/* A host that cannot find the icon by name draws the pixmaps, in every state. */
static void
test_icon_pixmaps (Fixture *f, gconstpointer data)
{
  const char *labels[] = { "normal", "new", "error" };
  guint counts[] = { 0, 2, 0 };
  gboolean errors[] = { FALSE, FALSE, TRUE };
  g_autoptr (GVariant) attention = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autoptr (GVariant) pixmaps = NULL;

      mp_tray_set_error (f->tray, errors[i]);
      mp_tray_set_state (f->tray, counts[i], NULL);
      pixmaps = get_property (f->app_conn, app_name (f), MP_TRAY_ITEM_PATH,
                              "org.kde.StatusNotifierItem", "IconPixmap");
      assert_pixmaps (pixmaps, labels[i]);
    }
  attention = get_property (f->app_conn, app_name (f), MP_TRAY_ITEM_PATH,
                            "org.kde.StatusNotifierItem", "AttentionIconPixmap");
  assert_pixmaps (attention, "attention");
}

/* IconThemePath is a theme directory that holds the named icon: a host that only
 * searches its own theme still finds it, installed or run from the build tree. */
static void
test_icon_theme_path (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) dir = get_property (f->app_conn, app_name (f), MP_TRAY_ITEM_PATH,
                                           "org.kde.StatusNotifierItem", "IconThemePath");
  const char *names[] = { "IconName", "AttentionIconName" };

  g_assert_cmpstr (g_variant_get_string (dir, NULL), !=, "");
  g_assert_true (g_file_test (g_variant_get_string (dir, NULL), G_FILE_TEST_IS_DIR));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GVariant) icon = get_property (f->app_conn, app_name (f), MP_TRAY_ITEM_PATH,
                                                "org.kde.StatusNotifierItem", names[i]);
      g_autofree char *file = g_strconcat (g_variant_get_string (icon, NULL), ".svg", NULL);
      g_autofree char *path = g_build_filename (g_variant_get_string (dir, NULL), "hicolor",
                                                "scalable", "apps", file, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

typedef struct
{
  GPtrArray *names;   /* signal names in arrival order */
  GPtrArray *status;  /* NewStatus arguments */
  guint32    last_revision;
  guint      n_layout_updated;
} SignalLog;

static void
signal_log_cb (GDBusConnection *conn, const char *sender, const char *path,
               const char *iface, const char *name, GVariant *params, gpointer data)
{
  SignalLog *log = data;

  g_ptr_array_add (log->names, g_strdup (name));
  if (g_str_equal (name, "NewStatus"))
    {
      const char *status;

      g_variant_get (params, "(&s)", &status);
      g_ptr_array_add (log->status, g_strdup (status));
    }
  else if (g_str_equal (name, "LayoutUpdated"))
    {
      g_variant_get (params, "(ui)", &log->last_revision, NULL);
      log->n_layout_updated++;
    }
}

static gboolean
log_has (SignalLog *log, const char *name)
{
  for (guint i = 0; i < log->names->len; i++)
    if (g_str_equal (g_ptr_array_index (log->names, i), name))
      return TRUE;
  return FALSE;
}

static void
test_state_signals (Fixture *f, gconstpointer data)
{
  SignalLog log = { g_ptr_array_new_with_free_func (g_free),
                    g_ptr_array_new_with_free_func (g_free), 0, 0 };
  guint sub;
  g_autoptr (GVariant) status = NULL;
  g_autoptr (GVariant) icon = NULL;
  g_autoptr (GVariant) tooltip = NULL;
  const char *title, *text;

  g_assert_true (wait_registered (f, TRUE));
  sub = g_dbus_connection_signal_subscribe (f->watcher->conn, app_name (f),
                                            "org.kde.StatusNotifierItem", NULL,
                                            MP_TRAY_ITEM_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                            signal_log_cb, &log, NULL);
  /* Make sure the match rule is in place before the tray emits. */
  g_autoptr (GVariant) ping = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                                            "org.kde.StatusNotifierItem", "Status");

  mp_tray_set_state (f->tray, 3, "3 new messages on Work");
  {
    gboolean timed_out = FALSE;
    guint id = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);

    while ((log.status->len < 1 || !log_has (&log, "NewIcon") || !log_has (&log, "NewToolTip"))
           && !timed_out)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (timed_out);
    g_source_remove (id);
  }
  g_assert_cmpstr (g_ptr_array_index (log.status, 0), ==, "NeedsAttention");
  g_assert_cmpuint (mp_tray_get_new_count (f->tray), ==, 3);

  status = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                         "org.kde.StatusNotifierItem", "Status");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "NeedsAttention");
  icon = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                       "org.kde.StatusNotifierItem", "IconName");
  g_assert_cmpstr (g_variant_get_string (icon, NULL), ==, APP_ID "-tray-new");
  tooltip = get_property (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH,
                          "org.kde.StatusNotifierItem", "ToolTip");
  g_variant_get (tooltip, "(&sa(iiay)&s&s)", NULL, NULL, &title, &text);
  g_assert_cmpstr (title, ==, "Mailpeek");
  g_assert_cmpstr (text, ==, "3 new messages on Work");

  /* Back to nothing new: Active again. */
  mp_tray_set_state (f->tray, 0, NULL);
  g_assert_true (wait_count (&log.status->len, 2));
  g_assert_cmpstr (g_ptr_array_index (log.status, 1), ==, "Active");

  g_dbus_connection_signal_unsubscribe (f->watcher->conn, sub);
  g_ptr_array_unref (log.names);
  g_ptr_array_unref (log.status);
}

typedef struct
{
  gint32   id;
  char    *label;
  char    *type;
  gboolean enabled;
} LayoutItem;

static void
layout_item_free (gpointer data)
{
  LayoutItem *item = data;

  g_free (item->label);
  g_free (item->type);
  g_free (item);
}

/* Returns the children of the root, in order, and the revision. */
static GPtrArray *
get_layout (Fixture *f, guint32 *revision)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) root_props = NULL;
  g_autoptr (GVariantIter) children = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (layout_item_free);
  const char *names[] = { NULL };
  GVariant *child;
  gint32 root_id;
  const char *display = NULL;

  reply = call (f->watcher->conn, app_name (f), MP_TRAY_MENU_PATH, "com.canonical.dbusmenu",
                "GetLayout", g_variant_new ("(ii^as)", 0, -1, names), "(u(ia{sv}av))", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u(i@a{sv}av))", revision, &root_id, &root_props, &children);
  g_assert_cmpint (root_id, ==, 0);
  g_assert_true (g_variant_lookup (root_props, "children-display", "&s", &display));
  g_assert_cmpstr (display, ==, "submenu");

  while (g_variant_iter_next (children, "v", &child))
    {
      LayoutItem *item = g_new0 (LayoutItem, 1);
      g_autoptr (GVariant) props = NULL;
      g_autoptr (GVariantIter) grandchildren = NULL;

      g_variant_get (child, "(i@a{sv}av)", &item->id, &props, &grandchildren);
      g_assert_cmpuint (g_variant_iter_n_children (grandchildren), ==, 0);
      if (!g_variant_lookup (props, "label", "s", &item->label))
        item->label = g_strdup ("");
      if (!g_variant_lookup (props, "type", "s", &item->type))
        item->type = g_strdup ("standard");
      if (!g_variant_lookup (props, "enabled", "b", &item->enabled))
        item->enabled = TRUE;
      g_ptr_array_add (items, item);
      g_variant_unref (child);
    }
  return items;
}

static const LayoutItem *
find_label (GPtrArray *items, const char *label)
{
  for (guint i = 0; i < items->len; i++)
    {
      const LayoutItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->label, label))
        return item;
    }
  return NULL;
}

static void
send_click (Fixture *f, gint32 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = call (f->watcher->conn, app_name (f), MP_TRAY_MENU_PATH, "com.canonical.dbusmenu",
                "Event", g_variant_new ("(isvu)", id, "clicked", g_variant_new_int32 (0), 0),
                NULL, &error);
  g_assert_no_error (error);
}

static void
test_menu_layout_and_events (Fixture *f, gconstpointer data)
{
  SignalLog log = { g_ptr_array_new_with_free_func (g_free),
                    g_ptr_array_new_with_free_func (g_free), 0, 0 };
  const MpTrayAccount accounts[] = {
    { .id = "work", .name = "Work", .new_count = 3 },
    { .id = "home", .name = "home_box", .new_count = 0 },
    { .id = "old", .name = "Old", .failed = TRUE },
  };
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  const LayoutItem *item;
  guint32 rev_before, rev_after;
  guint sub;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) bad = NULL;

  g_assert_true (wait_registered (f, TRUE));
  before = get_layout (f, &rev_before);
  g_assert_nonnull (find_label (before, "_Check Now"));
  g_assert_nonnull (find_label (before, "_Quit"));
  /* Nothing new yet: "Mark All as Seen" is greyed out. */
  item = find_label (before, "_Mark All as Seen");
  g_assert_nonnull (item);
  g_assert_false (item->enabled);

  sub = g_dbus_connection_signal_subscribe (f->watcher->conn, app_name (f),
                                            "com.canonical.dbusmenu", "LayoutUpdated",
                                            MP_TRAY_MENU_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                            signal_log_cb, &log, NULL);
  g_clear_pointer (&before, g_ptr_array_unref);
  before = get_layout (f, &rev_before);  /* round trip: the match rule is active */

  mp_tray_set_accounts (f->tray, accounts, G_N_ELEMENTS (accounts));
  mp_tray_set_state (f->tray, 3, NULL);
  g_assert_true (wait_count (&log.n_layout_updated, 1));

  after = get_layout (f, &rev_after);
  g_assert_cmpuint (rev_after, >, rev_before);
  g_assert_cmpuint (log.last_revision, <=, rev_after);
  g_assert_cmpuint (after->len, ==, 3 + 1 + 4 + 1 + 1);
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 0))->label, ==, "Work: 3 new messages");
  /* The underscore of the account name is escaped, not taken as an access key. */
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 1))->label, ==, "home__box: no new mail");
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 2))->label, ==, "Old: check failed");
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 3))->type, ==, "separator");
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 4))->label, ==, "_Check Now");
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 5))->label, ==, "_Mark All as Seen");
  g_assert_true (((LayoutItem *) g_ptr_array_index (after, 5))->enabled);
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 6))->label, ==, "_Open Mailpeek");
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 7))->label, ==, "Open Mail _Client");
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 8))->type, ==, "separator");
  g_assert_cmpstr (((LayoutItem *) g_ptr_array_index (after, 9))->label, ==, "_Quit");

  /* GetGroupProperties agrees with the layout. */
  {
    g_autoptr (GVariant) reply = NULL;
    g_autoptr (GVariantIter) iter = NULL;
    gint32 ids[] = { ((LayoutItem *) g_ptr_array_index (after, 4))->id };
    const char *names[] = { "label", NULL };
    gint32 got_id;
    GVariant *props;
    guint n = 0;

    reply = call (f->watcher->conn, app_name (f), MP_TRAY_MENU_PATH, "com.canonical.dbusmenu",
                  "GetGroupProperties",
                  g_variant_new ("(@ai^as)",
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, ids, 1,
                                                            sizeof (gint32)), names),
                  "(a(ia{sv}))", &error);
    g_assert_no_error (error);
    g_variant_get (reply, "(a(ia{sv}))", &iter);
    while (g_variant_iter_next (iter, "(i@a{sv})", &got_id, &props))
      {
        const char *label;

        g_assert_cmpint (got_id, ==, ids[0]);
        g_assert_true (g_variant_lookup (props, "label", "&s", &label));
        g_assert_cmpstr (label, ==, "_Check Now");
        g_variant_unref (props);
        n++;
      }
    g_assert_cmpuint (n, ==, 1);
  }

  send_click (f, ((LayoutItem *) g_ptr_array_index (after, 4))->id);
  g_assert_true (wait_count (&f->n_check_now, 1));
  send_click (f, ((LayoutItem *) g_ptr_array_index (after, 5))->id);
  g_assert_true (wait_count (&f->n_mark_all_seen, 1));
  send_click (f, ((LayoutItem *) g_ptr_array_index (after, 6))->id);
  g_assert_true (wait_count (&f->n_activate, 1));
  send_click (f, ((LayoutItem *) g_ptr_array_index (after, 0))->id);
  g_assert_true (wait_count (&f->n_open_account, 1));
  g_assert_cmpstr (f->opened_account, ==, "work");
  send_click (f, ((LayoutItem *) g_ptr_array_index (after, 7))->id);
  g_assert_true (wait_count (&f->n_open_mail_client, 1));
  send_click (f, ((LayoutItem *) g_ptr_array_index (after, 9))->id);
  g_assert_true (wait_count (&f->n_quit, 1));
  /* Each click emitted exactly its own signal. */
  spin (50);
  g_assert_cmpuint (f->n_check_now, ==, 1);
  g_assert_cmpuint (f->n_mark_all_seen, ==, 1);
  g_assert_cmpuint (f->n_activate, ==, 1);
  g_assert_cmpuint (f->n_quit, ==, 1);
  g_assert_cmpuint (f->n_open_mail_client, ==, 1);

  /* An unknown id is an error, not a crash. */
  bad = call (f->watcher->conn, app_name (f), MP_TRAY_MENU_PATH, "com.canonical.dbusmenu",
              "Event", g_variant_new ("(isvu)", 4242, "clicked", g_variant_new_int32 (0), 0),
              NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);

  g_dbus_connection_signal_unsubscribe (f->watcher->conn, sub);
  g_ptr_array_unref (log.names);
  g_ptr_array_unref (log.status);
}

static void
test_activate_methods (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) r1 = NULL;
  g_autoptr (GVariant) r2 = NULL;

  g_assert_true (wait_registered (f, TRUE));
  r1 = call (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH, "org.kde.StatusNotifierItem",
             "Activate", g_variant_new ("(ii)", 10, 10), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_count (&f->n_activate, 1));
  r2 = call (f->watcher->conn, app_name (f), MP_TRAY_ITEM_PATH, "org.kde.StatusNotifierItem",
             "SecondaryActivate", g_variant_new ("(ii)", 10, 10), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_count (&f->n_check_now, 1));
}

static void
test_reregisters_after_watcher_restart (Fixture *f, gconstpointer data)
{
  g_assert_true (wait_registered (f, TRUE));
  g_assert_cmpuint (f->watcher->services->len, ==, 1);

  test_watcher_stop (f->watcher);
  f->watcher = NULL;
  g_assert_true (wait_registered (f, FALSE));

  f->watcher = test_watcher_start (FALSE);
  g_assert_true (wait_registered (f, TRUE));
  g_assert_cmpuint (f->watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->watcher->services, 0), ==, app_name (f));

  /* And once more, to be sure nothing is left over from the first round. */
  test_watcher_stop (f->watcher);
  f->watcher = NULL;
  g_assert_true (wait_registered (f, FALSE));
  f->watcher = test_watcher_start (FALSE);
  g_assert_true (wait_registered (f, TRUE));
  g_assert_cmpuint (f->watcher->services->len, ==, 1);
}

static void
test_without_watcher (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  spin (200);
  g_assert_false (mp_tray_is_registered (f->tray));
  /* Everything else keeps working. */
  mp_tray_set_state (f->tray, 5, NULL);
  g_assert_cmpuint (mp_tray_get_new_count (f->tray), ==, 5);
  reply = call (f->app_conn, app_name (f), MP_TRAY_ITEM_PATH, "org.kde.StatusNotifierItem",
                "Activate", g_variant_new ("(ii)", 0, 0), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_count (&f->n_activate, 1));

  /* A watcher that appears later gets the item. */
  f->watcher = test_watcher_start (FALSE);
  g_assert_true (wait_registered (f, TRUE));
  g_assert_cmpuint (f->watcher->services->len, ==, 1);
}

static void
test_refused_registration (void)
{
  TestWatcher *w = test_watcher_start (TRUE);
  g_autoptr (GDBusConnection) conn = new_private_connection ();
  g_autoptr (MpTray) tray = mp_tray_new (conn);

  spin (300);
  g_assert_false (mp_tray_is_registered (tray));
  g_assert_cmpuint (w->services->len, ==, 0);
  g_clear_object (&tray);
  g_dbus_connection_close_sync (conn, NULL, NULL);
  test_watcher_stop (w);
}

static void
skip_no_bus (void)
{
  g_test_skip ("needs a private session bus (run under dbus-run-session)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      /* Not under dbus-run-session: never talk to the user's real session bus. */
      g_test_add_func ("/tray/no-private-bus", skip_no_bus);
      return g_test_run ();
    }

#define ADD(path, func, watcher) \
  g_test_add ("/tray/" path, Fixture, GINT_TO_POINTER (watcher), fixture_set_up, func, fixture_tear_down)
  ADD ("registers-with-unique-name", test_registers_with_unique_name, TRUE);
  ADD ("icon-names-installed", test_icon_names_installed, TRUE);
  ADD ("icon-pixmaps", test_icon_pixmaps, TRUE);
  ADD ("icon-theme-path", test_icon_theme_path, TRUE);
  ADD ("state-signals", test_state_signals, TRUE);
  ADD ("menu-layout-and-events", test_menu_layout_and_events, TRUE);
  ADD ("activate-methods", test_activate_methods, TRUE);
  ADD ("reregisters-after-watcher-restart", test_reregisters_after_watcher_restart, TRUE);
  ADD ("without-watcher", test_without_watcher, FALSE);
#undef ADD
  g_test_add_func ("/tray/refused-registration", test_refused_registration);
  return g_test_run ();
}
