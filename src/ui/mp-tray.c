/* mp-tray.c — StatusNotifierItem over GDBus; its menu is an MpDbusmenu (mp-dbusmenu.c).
 *
 * The item is exported on the connection's UNIQUE name and registered with
 * org.kde.StatusNotifierWatcher.RegisterStatusNotifierItem(unique name). Owning an
 * org.kde.StatusNotifierItem-PID-N name is not needed by any watcher and is refused
 * inside a Flatpak sandbox, so we never do it. The watcher can restart (a panel crash,
 * a shell restart): we watch its name and register again when a new owner appears.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>

#include "mp-tray.h"
#include "mp-dbus-dispatch.h"
#include "mp-dbusmenu.h"
#include "mp-tray-icons.h"

#define WATCHER_NAME  "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH  "/StatusNotifierWatcher"
#define ITEM_IFACE    "org.kde.StatusNotifierItem"

/* Full-colour icons: only GTK recolours symbolic ones, so on other hosts (LXQt, a dark
 * panel) a symbolic icon keeps its fixed dark fill and vanishes. */
#define ICON_NORMAL   APP_ID "-tray"
#define ICON_NEW      APP_ID "-tray-new"
#define ICON_ERROR    APP_ID "-tray-error"
#define ICON_RESOURCE "/io/github/mailpeek/Mailpeek/tray/"
#define ICON_FILE_IN_THEME(name) "/icons/hicolor/scalable/apps/" name ".svg"

/* The sizes panels usually draw at; a host scales the closest one. */
static const int pixmap_sizes[] = { 16, 22, 24, 32, 48 };

static const char introspection_xml[] =
  "<node>"
  " <interface name='org.kde.StatusNotifierItem'>"
  "  <property name='Category' type='s' access='read'/>"
  "  <property name='Id' type='s' access='read'/>"
  "  <property name='Title' type='s' access='read'/>"
  "  <property name='Status' type='s' access='read'/>"
  "  <property name='WindowId' type='i' access='read'/>"
  "  <property name='IconName' type='s' access='read'/>"
  "  <property name='IconThemePath' type='s' access='read'/>"
  "  <property name='IconPixmap' type='a(iiay)' access='read'/>"
  "  <property name='OverlayIconName' type='s' access='read'/>"
  "  <property name='OverlayIconPixmap' type='a(iiay)' access='read'/>"
  "  <property name='AttentionIconName' type='s' access='read'/>"
  "  <property name='AttentionIconPixmap' type='a(iiay)' access='read'/>"
  "  <property name='AttentionMovieName' type='s' access='read'/>"
  "  <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
  "  <property name='ItemIsMenu' type='b' access='read'/>"
  "  <property name='Menu' type='o' access='read'/>"
  "  <method name='ContextMenu'><arg name='x' type='i' direction='in'/>"
  "   <arg name='y' type='i' direction='in'/></method>"
  "  <method name='Activate'><arg name='x' type='i' direction='in'/>"
  "   <arg name='y' type='i' direction='in'/></method>"
  "  <method name='SecondaryActivate'><arg name='x' type='i' direction='in'/>"
  "   <arg name='y' type='i' direction='in'/></method>"
  "  <method name='Scroll'><arg name='delta' type='i' direction='in'/>"
  "   <arg name='orientation' type='s' direction='in'/></method>"
  "  <signal name='NewTitle'/>"
  "  <signal name='NewIcon'/>"
  "  <signal name='NewAttentionIcon'/>"
  "  <signal name='NewOverlayIcon'/>"
  "  <signal name='NewToolTip'/>"
  "  <signal name='NewStatus'><arg name='status' type='s'/></signal>"
  " </interface>"
  "</node>";

struct _MpTray
{
  GObject          parent_instance;

  GDBusConnection *connection;      /* owned */
  guint            item_reg_id;
  guint            watch_id;
  GCancellable    *register_cancellable;  /* owned; the pending registration */
  gboolean         registered;

  guint            new_count;
  gboolean         error;
  char            *tooltip;         /* owned */
  GHashTable      *pixmaps;         /* owned; icon name -> a(iiay), rendered once */

  MpDbusmenu      *menu;            /* owned; exported at MP_TRAY_MENU_PATH */
};

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_REGISTERED,
  PROP_NEW_COUNT,
  N_PROPS
};

enum
{
  SIGNAL_ACTIVATE,
  SIGNAL_CHECK_NOW,
  SIGNAL_MARK_ALL_SEEN,
  SIGNAL_QUIT,
  SIGNAL_OPEN_ACCOUNT,
  SIGNAL_OPEN_MAIL_CLIENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpTray, mp_tray, G_TYPE_OBJECT)

static GDBusNodeInfo *
get_node_info (void)
{
  static GDBusNodeInfo *info;

  if (g_once_init_enter (&info))
    g_once_init_leave (&info, g_dbus_node_info_new_for_xml (introspection_xml, NULL));
  return info;
}

/* ---- the StatusNotifierItem ---- */

static const char *
current_icon_name (MpTray *self)
{
  if (self->new_count > 0)
    return ICON_NEW;
  if (self->error)
    return ICON_ERROR;
  return ICON_NORMAL;
}

static const char *
current_status (MpTray *self)
{
  return self->new_count > 0 ? "NeedsAttention" : "Active";
}

static char *
dup_tooltip_text (MpTray *self)
{
  if (self->tooltip && *self->tooltip)
    return g_strdup (self->tooltip);
  if (self->new_count == 0)
    return g_strdup (_("No new mail"));
  return g_strdup_printf (ngettext ("%u new message", "%u new messages", self->new_count),
                          self->new_count);
}

static GVariant *
empty_pixmaps (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0);
}

/* One size of @icon_name as the SNI wants it: ARGB32 in network byte order (A, R, G,
 * B bytes), not premultiplied. NULL if the icon cannot be rendered. */
static GVariant *
render_pixmap (const char *icon_name, int size)
{
  g_autofree char *path = g_strconcat (ICON_RESOURCE, icon_name, ".svg", NULL);
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GdkPixbuf) loaded = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *pixels;
  guint8 *argb;
  int w, h, stride;

  stream = g_resource_open_stream (mp_tray_icons_get_resource (), path,
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (stream)
    loaded = gdk_pixbuf_new_from_stream_at_scale (stream, size, size, TRUE, NULL, &error);
  if (loaded == NULL)
    {
      /* The host can still look the icon up by name. */
      g_warning ("Could not render tray icon %s: %s", icon_name, error->message);
      return NULL;
    }
  pixbuf = gdk_pixbuf_add_alpha (loaded, FALSE, 0, 0, 0);
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  argb = g_malloc ((gsize) w * h * 4);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *src = pixels + (gsize) y * stride + 4 * x;
        guint8 *dst = argb + 4 * ((gsize) y * w + x);

        dst[0] = src[3];
        dst[1] = src[0];
        dst[2] = src[1];
        dst[3] = src[2];
      }
  return g_variant_new ("(ii@ay)", w, h,
                        g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, argb,
                                                 (gsize) w * h * 4, TRUE, g_free, argb));
}

/* Every size of @icon_name, for hosts that cannot find the icon by name. */
static GVariant *
icon_pixmaps (MpTray *self, const char *icon_name)
{
  GVariant *pixmaps = g_hash_table_lookup (self->pixmaps, icon_name);

  if (pixmaps == NULL)
    {
      g_autoptr (GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE ("a(iiay)"));

      for (guint i = 0; i < G_N_ELEMENTS (pixmap_sizes); i++)
        {
          GVariant *pixmap = render_pixmap (icon_name, pixmap_sizes[i]);

          if (pixmap)
            g_variant_builder_add_value (builder, pixmap);
        }
      pixmaps = g_variant_ref_sink (g_variant_builder_end (builder));
      g_hash_table_insert (self->pixmaps, g_strdup (icon_name), pixmaps);
    }
  return g_variant_ref (pixmaps);
}

/* The theme directory holding the icons, for hosts that search only their own
 * theme: the installed one, or the source tree's when running uninstalled. */
static const char *
icon_theme_path (void)
{
  if (g_file_test (MP_DATADIR ICON_FILE_IN_THEME (ICON_NORMAL), G_FILE_TEST_IS_REGULAR))
    return MP_DATADIR "/icons";
  return MP_ICONS_SRCDIR;
}

static GVariant *
item_get_property (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *property_name,
                   GError         **error,
                   gpointer         user_data)
{
  MpTray *self = user_data;

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("Communications");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (APP_ID);
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (_("Mailpeek"));
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string (current_status (self));
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (property_name, "IconName"))
    return g_variant_new_string (current_icon_name (self));
  if (g_str_equal (property_name, "AttentionIconName"))
    return g_variant_new_string (ICON_NEW);
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_string (icon_theme_path ());
  if (g_str_equal (property_name, "IconPixmap"))
    return icon_pixmaps (self, current_icon_name (self));
  if (g_str_equal (property_name, "AttentionIconPixmap"))
    return icon_pixmaps (self, ICON_NEW);
  if (g_str_equal (property_name, "OverlayIconName") ||
      g_str_equal (property_name, "AttentionMovieName"))
    return g_variant_new_string ("");
  if (g_str_has_suffix (property_name, "Pixmap"))
    return empty_pixmaps ();
  if (g_str_equal (property_name, "ToolTip"))
    {
      g_autofree char *text = dup_tooltip_text (self);

      g_autoptr (GVariant) pixmaps = icon_pixmaps (self, current_icon_name (self));

      return g_variant_new ("(s@a(iiay)ss)", current_icon_name (self), pixmaps,
                            _("Mailpeek"), text);
    }
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (MP_TRAY_MENU_PATH);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
               "No property %s", property_name);
  return NULL;
}

typedef struct
{
  MpTray *tray;     /* owned */
  guint   signal_id;
  char   *detail;   /* owned; account id for open-account */
} Emission;

/* Signals are emitted from an idle so a handler that quits the app or drops the
 * tray never runs inside a D-Bus method handler of the tray itself. */
static gboolean
emit_idle_cb (gpointer data)
{
  Emission *em = data;

  if (em->signal_id == signals[SIGNAL_OPEN_ACCOUNT])
    g_signal_emit (em->tray, em->signal_id, 0, em->detail);
  else
    g_signal_emit (em->tray, em->signal_id, 0);
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *em = data;

  g_object_unref (em->tray);
  g_free (em->detail);
  g_free (em);
}

static void
emit_later (MpTray *self, guint signal_id, const char *detail)
{
  Emission *em = g_new0 (Emission, 1);

  em->tray = g_object_ref (self);
  em->signal_id = signal_id;
  em->detail = g_strdup (detail);
  g_idle_add_full (G_PRIORITY_DEFAULT, emit_idle_cb, em, emission_free);
}

/* The menu says which item was clicked; the tray's own signals say what it means.
 * Emitted later, as for the item's methods. */
static void
menu_item_activated_cb (MpDbusmenu *menu,
                        guint       action,
                        const char *detail,
                        gpointer    user_data)
{
  MpTray *self = user_data;

  switch ((MpDbusmenuAction) action)
    {
    case MP_DBUSMENU_ACTION_OPEN_ACCOUNT:
      emit_later (self, signals[SIGNAL_OPEN_ACCOUNT], detail);
      break;
    case MP_DBUSMENU_ACTION_CHECK_NOW:
      emit_later (self, signals[SIGNAL_CHECK_NOW], NULL);
      break;
    case MP_DBUSMENU_ACTION_MARK_ALL_SEEN:
      emit_later (self, signals[SIGNAL_MARK_ALL_SEEN], NULL);
      break;
    case MP_DBUSMENU_ACTION_OPEN:
      emit_later (self, signals[SIGNAL_ACTIVATE], NULL);
      break;
    case MP_DBUSMENU_ACTION_QUIT:
      emit_later (self, signals[SIGNAL_QUIT], NULL);
      break;
    case MP_DBUSMENU_ACTION_OPEN_MAIL_CLIENT:
      emit_later (self, signals[SIGNAL_OPEN_MAIL_CLIENT], NULL);
      break;
    default:
      break;
    }
}

static void
item_activate (gpointer user_data, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  emit_later (user_data, signals[SIGNAL_ACTIVATE], NULL);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* Middle click: the quickest useful thing is a check. */
static void
item_secondary_activate (gpointer user_data, GVariant *parameters,
                         GDBusMethodInvocation *invocation)
{
  emit_later (user_data, signals[SIGNAL_CHECK_NOW], NULL);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* ContextMenu: hosts that call it want the item to pop up its own menu, which a
 * GTK 4 app cannot place on the panel; the exported Menu is the real menu.
 * Scroll: nothing to scroll through. */
static void
item_ignore (gpointer user_data, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const MpDbusMethod item_methods[] = {
  { "Activate", item_activate },
  { "SecondaryActivate", item_secondary_activate },
  { "ContextMenu", item_ignore },
  { "Scroll", item_ignore },
};

static void
item_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  mp_dbus_dispatch (item_methods, G_N_ELEMENTS (item_methods), user_data, method_name,
                    parameters, invocation);
}

static const GDBusInterfaceVTable item_vtable = {
  .method_call = item_method_call,
  .get_property = item_get_property,
};

static void
emit_item_signal (MpTray *self, const char *name, GVariant *params)
{
  g_autoptr (GError) error = NULL;

  if (self->item_reg_id == 0)
    {
      if (params)
        g_variant_unref (g_variant_ref_sink (params));
      return;
    }
  if (!g_dbus_connection_emit_signal (self->connection, NULL, MP_TRAY_ITEM_PATH, ITEM_IFACE,
                                      name, params, &error))
    g_debug ("Could not emit %s: %s", name, error->message);
}

/* ---- registration with the watcher ---- */

static void
set_registered (MpTray *self, gboolean registered)
{
  if (self->registered == registered)
    return;
  self->registered = registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (MpTray) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      g_message ("The tray host refused the status icon: %s", error->message);
      set_registered (self, FALSE);
      return;
    }
  set_registered (self, TRUE);
}

static void
watcher_appeared_cb (GDBusConnection *connection,
                     const char      *name,
                     const char      *name_owner,
                     gpointer         user_data)
{
  MpTray *self = user_data;

  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);
  self->register_cancellable = g_cancellable_new ();

  /* Addressed to the owner that just appeared, so a reply never belongs to an older
   * watcher instance. */
  g_dbus_connection_call (connection, name_owner, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem",
                          g_variant_new ("(s)", g_dbus_connection_get_unique_name (connection)),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, self->register_cancellable,
                          register_cb, g_object_ref (self));
}

static void
watcher_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  MpTray *self = user_data;

  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);
  set_registered (self, FALSE);
}

/* ---- GObject ---- */

static void
export_objects (MpTray *self)
{
  g_autoptr (GError) error = NULL;
  GDBusNodeInfo *info = get_node_info ();

  self->item_reg_id = g_dbus_connection_register_object (self->connection, MP_TRAY_ITEM_PATH,
                                                         g_dbus_node_info_lookup_interface (info, ITEM_IFACE),
                                                         &item_vtable, self, NULL, &error);
  if (self->item_reg_id == 0)
    {
      g_warning ("Could not export the status icon: %s", error->message);
      return;
    }
  if (!mp_dbusmenu_export (self->menu, self->connection, MP_TRAY_MENU_PATH, &error))
    {
      g_warning ("Could not export the status icon menu: %s", error->message);
      g_dbus_connection_unregister_object (self->connection, self->item_reg_id);
      self->item_reg_id = 0;
      return;
    }
  self->watch_id = g_bus_watch_name_on_connection (self->connection, WATCHER_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   watcher_appeared_cb, watcher_vanished_cb,
                                                   self, NULL);
}

void
mp_tray_unexport (MpTray *self)
{
  g_return_if_fail (MP_IS_TRAY (self));

  if (self->watch_id)
    g_bus_unwatch_name (self->watch_id);
  self->watch_id = 0;
  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);
  if (self->item_reg_id)
    g_dbus_connection_unregister_object (self->connection, self->item_reg_id);
  if (self->menu)
    mp_dbusmenu_unexport (self->menu);
  self->item_reg_id = 0;
  set_registered (self, FALSE);
}

static void
mp_tray_constructed (GObject *object)
{
  MpTray *self = MP_TRAY (object);

  G_OBJECT_CLASS (mp_tray_parent_class)->constructed (object);

  if (self->connection)
    export_objects (self);
}

static void
mp_tray_dispose (GObject *object)
{
  MpTray *self = MP_TRAY (object);

  if (self->connection)
    mp_tray_unexport (self);
  g_clear_object (&self->connection);
  if (self->menu)
    g_signal_handlers_disconnect_by_data (self->menu, self);
  g_clear_object (&self->menu);

  G_OBJECT_CLASS (mp_tray_parent_class)->dispose (object);
}

static void
mp_tray_finalize (GObject *object)
{
  MpTray *self = MP_TRAY (object);

  g_free (self->tooltip);
  g_hash_table_unref (self->pixmaps);

  G_OBJECT_CLASS (mp_tray_parent_class)->finalize (object);
}

static void
mp_tray_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  MpTray *self = MP_TRAY (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;
    case PROP_NEW_COUNT:
      g_value_set_uint (value, self->new_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_tray_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  MpTray *self = MP_TRAY (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_tray_class_init (MpTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mp_tray_constructed;
  object_class->dispose = mp_tray_dispose;
  object_class->finalize = mp_tray_finalize;
  object_class->get_property = mp_tray_get_property;
  object_class->set_property = mp_tray_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTERED] =
    g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEW_COUNT] =
    g_param_spec_uint ("new-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CHECK_NOW] =
    g_signal_new ("check-now", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_MARK_ALL_SEEN] =
    g_signal_new ("mark-all-seen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_QUIT] =
    g_signal_new ("quit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_OPEN_ACCOUNT] =
    g_signal_new ("open-account", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_OPEN_MAIL_CLIENT] =
    g_signal_new ("open-mail-client", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mp_tray_init (MpTray *self)
{
  self->pixmaps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_variant_unref);
  self->menu = mp_dbusmenu_new ();
  g_signal_connect (self->menu, "item-activated", G_CALLBACK (menu_item_activated_cb), self);
}

MpTray *
mp_tray_new (GDBusConnection *connection)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  return g_object_new (MP_TYPE_TRAY, "connection", connection, NULL);
}

gboolean
mp_tray_is_registered (MpTray *self)
{
  g_return_val_if_fail (MP_IS_TRAY (self), FALSE);
  return self->registered;
}

guint
mp_tray_get_new_count (MpTray *self)
{
  g_return_val_if_fail (MP_IS_TRAY (self), 0);
  return self->new_count;
}

void
mp_tray_set_state (MpTray     *self,
                   guint       new_count,
                   const char *tooltip)
{
  gboolean count_changed, status_changed;

  g_return_if_fail (MP_IS_TRAY (self));

  count_changed = self->new_count != new_count;
  status_changed = (self->new_count > 0) != (new_count > 0);
  self->new_count = new_count;

  if (g_strcmp0 (self->tooltip, tooltip) != 0 || count_changed)
    {
      g_free (self->tooltip);
      self->tooltip = g_strdup (tooltip);
      emit_item_signal (self, "NewToolTip", NULL);
    }
  if (count_changed)
    {
      emit_item_signal (self, "NewIcon", NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEW_COUNT]);
    }
  if (status_changed)
    {
      emit_item_signal (self, "NewStatus", g_variant_new ("(s)", current_status (self)));
      /* "Mark All as Seen" is enabled only with something new. */
      mp_dbusmenu_set_can_mark_seen (self->menu, new_count > 0);
    }
}

void
mp_tray_set_error (MpTray  *self,
                   gboolean error)
{
  g_return_if_fail (MP_IS_TRAY (self));

  if (self->error == !!error)
    return;
  self->error = !!error;
  emit_item_signal (self, "NewIcon", NULL);
}

void
mp_tray_set_accounts (MpTray              *self,
                      const MpTrayAccount *accounts,
                      guint                n_accounts)
{
  g_return_if_fail (MP_IS_TRAY (self));
  g_return_if_fail (accounts != NULL || n_accounts == 0);

  mp_dbusmenu_set_accounts (self->menu, accounts, n_accounts);
}
