/* mp-tray.c — StatusNotifierItem + com.canonical.dbusmenu over GDBus.
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

#include <glib/gi18n.h>

#include "mp-tray.h"

#define WATCHER_NAME  "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH  "/StatusNotifierWatcher"
#define ITEM_IFACE    "org.kde.StatusNotifierItem"
#define MENU_IFACE    "com.canonical.dbusmenu"

#define ICON_NORMAL   APP_ID "-symbolic"
#define ICON_NEW      APP_ID "-new-symbolic"
#define ICON_ERROR    APP_ID "-error-symbolic"

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
  " <interface name='com.canonical.dbusmenu'>"
  "  <property name='Version' type='u' access='read'/>"
  "  <property name='TextDirection' type='s' access='read'/>"
  "  <property name='Status' type='s' access='read'/>"
  "  <property name='IconThemePath' type='as' access='read'/>"
  "  <method name='GetLayout'>"
  "   <arg name='parentId' type='i' direction='in'/>"
  "   <arg name='recursionDepth' type='i' direction='in'/>"
  "   <arg name='propertyNames' type='as' direction='in'/>"
  "   <arg name='revision' type='u' direction='out'/>"
  "   <arg name='layout' type='(ia{sv}av)' direction='out'/>"
  "  </method>"
  "  <method name='GetGroupProperties'>"
  "   <arg name='ids' type='ai' direction='in'/>"
  "   <arg name='propertyNames' type='as' direction='in'/>"
  "   <arg name='properties' type='a(ia{sv})' direction='out'/>"
  "  </method>"
  "  <method name='GetProperty'>"
  "   <arg name='id' type='i' direction='in'/>"
  "   <arg name='name' type='s' direction='in'/>"
  "   <arg name='value' type='v' direction='out'/>"
  "  </method>"
  "  <method name='Event'>"
  "   <arg name='id' type='i' direction='in'/>"
  "   <arg name='eventId' type='s' direction='in'/>"
  "   <arg name='data' type='v' direction='in'/>"
  "   <arg name='timestamp' type='u' direction='in'/>"
  "  </method>"
  "  <method name='EventGroup'>"
  "   <arg name='events' type='a(isvu)' direction='in'/>"
  "   <arg name='idErrors' type='ai' direction='out'/>"
  "  </method>"
  "  <method name='AboutToShow'>"
  "   <arg name='id' type='i' direction='in'/>"
  "   <arg name='needUpdate' type='b' direction='out'/>"
  "  </method>"
  "  <method name='AboutToShowGroup'>"
  "   <arg name='ids' type='ai' direction='in'/>"
  "   <arg name='updatesNeeded' type='ai' direction='out'/>"
  "   <arg name='idErrors' type='ai' direction='out'/>"
  "  </method>"
  "  <signal name='ItemsPropertiesUpdated'>"
  "   <arg name='updatedProps' type='a(ia{sv})'/>"
  "   <arg name='removedProps' type='a(ias)'/>"
  "  </signal>"
  "  <signal name='LayoutUpdated'>"
  "   <arg name='revision' type='u'/>"
  "   <arg name='parent' type='i'/>"
  "  </signal>"
  "  <signal name='ItemActivationRequested'>"
  "   <arg name='id' type='i'/>"
  "   <arg name='timestamp' type='u'/>"
  "  </signal>"
  " </interface>"
  "</node>";

typedef enum
{
  ITEM_ACCOUNT,
  ITEM_SEPARATOR,
  ITEM_CHECK_NOW,
  ITEM_MARK_ALL_SEEN,
  ITEM_OPEN,
  ITEM_QUIT,
} ItemKind;

/* Fixed ids for the fixed items; accounts are numbered from ACCOUNT_ID_BASE. The menu
 * root is id 0 as dbusmenu requires. */
enum
{
  ID_CHECK_NOW = 1,
  ID_MARK_ALL_SEEN,
  ID_OPEN,
  ID_QUIT,
  ID_SEPARATOR_1,
  ID_SEPARATOR_2,
  ACCOUNT_ID_BASE = 100,
};

typedef struct
{
  gint32    id;
  ItemKind  kind;
  char     *label;       /* owned */
  char     *account_id;  /* owned; ITEM_ACCOUNT only */
  gboolean  enabled;
} MenuItem;

struct _MpTray
{
  GObject          parent_instance;

  GDBusConnection *connection;      /* owned */
  guint            item_reg_id;
  guint            menu_reg_id;
  guint            watch_id;
  GCancellable    *register_cancellable;  /* owned; the pending registration */
  gboolean         registered;

  guint            new_count;
  gboolean         error;
  char            *tooltip;         /* owned */

  GArray          *accounts;        /* owned; MenuItem of kind ITEM_ACCOUNT */
  GPtrArray       *menu;            /* owned; MenuItem *, in display order */
  guint32          revision;
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

static void
menu_item_free (gpointer data)
{
  MenuItem *item = data;

  g_free (item->label);
  g_free (item->account_id);
  g_free (item);
}

static MenuItem *
menu_item_new (gint32 id, ItemKind kind, const char *label, gboolean enabled)
{
  MenuItem *item = g_new0 (MenuItem, 1);

  item->id = id;
  item->kind = kind;
  item->label = g_strdup (label);
  item->enabled = enabled;
  return item;
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
  if (g_str_equal (property_name, "IconThemePath") ||
      g_str_equal (property_name, "OverlayIconName") ||
      g_str_equal (property_name, "AttentionMovieName"))
    return g_variant_new_string ("");
  if (g_str_has_suffix (property_name, "Pixmap"))
    return empty_pixmaps ();
  if (g_str_equal (property_name, "ToolTip"))
    {
      g_autofree char *text = dup_tooltip_text (self);

      return g_variant_new ("(s@a(iiay)ss)", current_icon_name (self), empty_pixmaps (),
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
  MpTray *self = user_data;

  if (g_str_equal (method_name, "Activate"))
    emit_later (self, signals[SIGNAL_ACTIVATE], NULL);
  else if (g_str_equal (method_name, "SecondaryActivate"))
    /* Middle click: the quickest useful thing is a check. */
    emit_later (self, signals[SIGNAL_CHECK_NOW], NULL);
  /* ContextMenu: hosts that call it want the item to pop up its own menu, which a
   * GTK 4 app cannot place on the panel; the exported Menu is the real menu.
   * Scroll: nothing to scroll through. */
  g_dbus_method_invocation_return_value (invocation, NULL);
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

/* ---- the dbusmenu ---- */

static void
rebuild_menu (MpTray *self)
{
  g_ptr_array_set_size (self->menu, 0);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      const MenuItem *acc = &g_array_index (self->accounts, MenuItem, i);
      MenuItem *item = menu_item_new (acc->id, ITEM_ACCOUNT, acc->label, TRUE);

      item->account_id = g_strdup (acc->account_id);
      g_ptr_array_add (self->menu, item);
    }
  if (self->accounts->len > 0)
    g_ptr_array_add (self->menu, menu_item_new (ID_SEPARATOR_1, ITEM_SEPARATOR, NULL, TRUE));

  g_ptr_array_add (self->menu, menu_item_new (ID_CHECK_NOW, ITEM_CHECK_NOW,
                                              _("_Check Now"), TRUE));
  g_ptr_array_add (self->menu, menu_item_new (ID_MARK_ALL_SEEN, ITEM_MARK_ALL_SEEN,
                                              _("_Mark All as Seen"), self->new_count > 0));
  g_ptr_array_add (self->menu, menu_item_new (ID_OPEN, ITEM_OPEN, _("_Open Mailpeek"), TRUE));
  g_ptr_array_add (self->menu, menu_item_new (ID_SEPARATOR_2, ITEM_SEPARATOR, NULL, TRUE));
  g_ptr_array_add (self->menu, menu_item_new (ID_QUIT, ITEM_QUIT, _("_Quit"), TRUE));
}

static void
menu_changed (MpTray *self)
{
  g_autoptr (GError) error = NULL;

  rebuild_menu (self);
  self->revision++;
  if (self->menu_reg_id == 0)
    return;
  if (!g_dbus_connection_emit_signal (self->connection, NULL, MP_TRAY_MENU_PATH, MENU_IFACE,
                                      "LayoutUpdated",
                                      g_variant_new ("(ui)", self->revision, 0), &error))
    g_debug ("Could not emit LayoutUpdated: %s", error->message);
}

static const MenuItem *
find_item (MpTray *self, gint32 id)
{
  for (guint i = 0; i < self->menu->len; i++)
    {
      const MenuItem *item = g_ptr_array_index (self->menu, i);

      if (item->id == id)
        return item;
    }
  return NULL;
}

static gboolean
wanted (const char * const *names, const char *name)
{
  /* An empty list asks for every property. */
  return names == NULL || names[0] == NULL || g_strv_contains (names, name);
}

/* @item NULL is the root. */
static GVariant *
item_properties (const MenuItem *item, const char * const *names)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (item == NULL)
    {
      if (wanted (names, "children-display"))
        g_variant_builder_add (&b, "{sv}", "children-display", g_variant_new_string ("submenu"));
      return g_variant_builder_end (&b);
    }
  if (item->kind == ITEM_SEPARATOR)
    {
      if (wanted (names, "type"))
        g_variant_builder_add (&b, "{sv}", "type", g_variant_new_string ("separator"));
      return g_variant_builder_end (&b);
    }
  if (wanted (names, "label"))
    g_variant_builder_add (&b, "{sv}", "label", g_variant_new_string (item->label));
  /* "enabled" and "visible" default to TRUE: only send what differs. */
  if (!item->enabled && wanted (names, "enabled"))
    g_variant_builder_add (&b, "{sv}", "enabled", g_variant_new_boolean (FALSE));
  if (item->kind == ITEM_QUIT && wanted (names, "icon-name"))
    g_variant_builder_add (&b, "{sv}", "icon-name", g_variant_new_string ("application-exit"));
  return g_variant_builder_end (&b);
}

static GVariant *
layout_node (MpTray *self, const MenuItem *item, gint depth, const char * const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  /* Only the root has children; depth -1 means "all levels". */
  if (item == NULL && depth != 0)
    for (guint i = 0; i < self->menu->len; i++)
      g_variant_builder_add (&children, "v",
                             layout_node (self, g_ptr_array_index (self->menu, i),
                                          depth - 1, names));
  return g_variant_new ("(i@a{sv}av)", item ? item->id : 0, item_properties (item, names),
                        &children);
}

static void
activate_item (MpTray *self, const MenuItem *item)
{
  if (!item->enabled)
    return;
  switch (item->kind)
    {
    case ITEM_ACCOUNT:
      emit_later (self, signals[SIGNAL_OPEN_ACCOUNT], item->account_id);
      break;
    case ITEM_CHECK_NOW:
      emit_later (self, signals[SIGNAL_CHECK_NOW], NULL);
      break;
    case ITEM_MARK_ALL_SEEN:
      emit_later (self, signals[SIGNAL_MARK_ALL_SEEN], NULL);
      break;
    case ITEM_OPEN:
      emit_later (self, signals[SIGNAL_ACTIVATE], NULL);
      break;
    case ITEM_QUIT:
      emit_later (self, signals[SIGNAL_QUIT], NULL);
      break;
    case ITEM_SEPARATOR:
    default:
      break;
    }
}

/* Returns FALSE for an unknown id. */
static gboolean
handle_event (MpTray *self, gint32 id, const char *event_id)
{
  const MenuItem *item = id == 0 ? NULL : find_item (self, id);

  if (id != 0 && item == NULL)
    return FALSE;
  if (item && g_str_equal (event_id, "clicked"))
    activate_item (self, item);
  return TRUE;
}

static void
menu_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  MpTray *self = user_data;

  if (g_str_equal (method_name, "GetLayout"))
    {
      gint32 parent, depth;
      g_autofree const char **names = NULL;
      const MenuItem *item = NULL;

      g_variant_get (parameters, "(ii^a&s)", &parent, &depth, &names);
      if (parent != 0 && (item = find_item (self, parent)) == NULL)
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_INVALID_ARGS,
                                                 "No menu item %d", parent);
          return;
        }
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u@(ia{sv}av))", self->revision,
                                                            layout_node (self, item, depth,
                                                                         names)));
    }
  else if (g_str_equal (method_name, "GetGroupProperties"))
    {
      g_autoptr (GVariant) ids = NULL;
      g_autofree const char **names = NULL;
      GVariantBuilder b;
      gsize n_ids;
      const gint32 *id_list;

      g_variant_get (parameters, "(@ai^a&s)", &ids, &names);
      id_list = g_variant_get_fixed_array (ids, &n_ids, sizeof (gint32));
      g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ia{sv})"));
      if (n_ids == 0)
        for (guint i = 0; i < self->menu->len; i++)
          {
            const MenuItem *item = g_ptr_array_index (self->menu, i);

            g_variant_builder_add (&b, "(i@a{sv})", item->id, item_properties (item, names));
          }
      for (gsize i = 0; i < n_ids; i++)
        {
          const MenuItem *item = find_item (self, id_list[i]);

          /* Unknown ids are skipped, as libdbusmenu does. */
          if (id_list[i] == 0 || item)
            g_variant_builder_add (&b, "(i@a{sv})", id_list[i], item_properties (item, names));
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ia{sv}))", &b));
    }
  else if (g_str_equal (method_name, "GetProperty"))
    {
      gint32 id;
      const char *name;
      const MenuItem *item;
      g_autoptr (GVariant) props = NULL;
      g_autoptr (GVariant) value = NULL;
      const char *names[2] = { NULL, NULL };

      g_variant_get (parameters, "(i&s)", &id, &name);
      item = find_item (self, id);
      names[0] = name;
      if (id != 0 && item == NULL)
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_INVALID_ARGS,
                                                 "No menu item %d", id);
          return;
        }
      props = g_variant_ref_sink (item_properties (item, names));
      value = g_variant_lookup_value (props, name, NULL);
      if (value == NULL)
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_INVALID_ARGS,
                                                 "Menu item %d has no property %s", id, name);
          return;
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_str_equal (method_name, "Event"))
    {
      gint32 id;
      const char *event_id;

      g_variant_get (parameters, "(i&svu)", &id, &event_id, NULL, NULL);
      if (!handle_event (self, id, event_id))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_INVALID_ARGS,
                                                 "No menu item %d", id);
          return;
        }
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "EventGroup"))
    {
      g_autoptr (GVariantIter) iter = NULL;
      GVariantBuilder errors;
      gint32 id;
      const char *event_id;

      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      g_variant_get (parameters, "(a(isvu))", &iter);
      while (g_variant_iter_loop (iter, "(i&svu)", &id, &event_id, NULL, NULL))
        if (!handle_event (self, id, event_id))
          g_variant_builder_add (&errors, "i", id);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
    }
  else if (g_str_equal (method_name, "AboutToShow"))
    {
      /* The layout is always current: LayoutUpdated is sent on every change. */
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
    }
  else if (g_str_equal (method_name, "AboutToShowGroup"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(@ai@ai)",
                                                            g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0),
                                                            g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0)));
    }
  else
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "No method %s", method_name);
    }
}

static GVariant *
menu_get_property (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *property_name,
                   GError         **error,
                   gpointer         user_data)
{
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (3);
  if (g_str_equal (property_name, "TextDirection"))
    /* All our translations are left-to-right; hosts mirror the menu themselves when
     * their own locale is right-to-left. */
    return g_variant_new_string ("ltr");
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
               "No property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable menu_vtable = {
  .method_call = menu_method_call,
  .get_property = menu_get_property,
};

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

/* dbusmenu labels use "_" for the access key: an account called "my_box" must
 * show its underscore. */
static char *
escape_mnemonic (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; p++)
    {
      if (*p == '_')
        g_string_append_c (s, '_');
      g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static void
clear_account_item (MenuItem *item)
{
  g_free (item->label);
  g_free (item->account_id);
}

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
  self->menu_reg_id = g_dbus_connection_register_object (self->connection, MP_TRAY_MENU_PATH,
                                                         g_dbus_node_info_lookup_interface (info, MENU_IFACE),
                                                         &menu_vtable, self, NULL, &error);
  if (self->menu_reg_id == 0)
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
  if (self->menu_reg_id)
    g_dbus_connection_unregister_object (self->connection, self->menu_reg_id);
  self->item_reg_id = self->menu_reg_id = 0;
  set_registered (self, FALSE);
}

static void
mp_tray_constructed (GObject *object)
{
  MpTray *self = MP_TRAY (object);

  G_OBJECT_CLASS (mp_tray_parent_class)->constructed (object);

  rebuild_menu (self);
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

  G_OBJECT_CLASS (mp_tray_parent_class)->dispose (object);
}

static void
mp_tray_finalize (GObject *object)
{
  MpTray *self = MP_TRAY (object);

  g_free (self->tooltip);
  for (guint i = 0; i < self->accounts->len; i++)
    clear_account_item (&g_array_index (self->accounts, MenuItem, i));
  g_array_unref (self->accounts);
  g_ptr_array_unref (self->menu);

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
}

static void
mp_tray_init (MpTray *self)
{
  self->accounts = g_array_new (FALSE, TRUE, sizeof (MenuItem));
  self->menu = g_ptr_array_new_with_free_func (menu_item_free);
  self->revision = 1;
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
      menu_changed (self);
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

  for (guint i = 0; i < self->accounts->len; i++)
    clear_account_item (&g_array_index (self->accounts, MenuItem, i));
  g_array_set_size (self->accounts, 0);

  for (guint i = 0; i < n_accounts; i++)
    {
      MenuItem item = { 0, };
      g_autofree char *name = escape_mnemonic (accounts[i].name);

      item.id = ACCOUNT_ID_BASE + (gint32) i;
      item.kind = ITEM_ACCOUNT;
      item.account_id = g_strdup (accounts[i].id);
      item.enabled = TRUE;
      if (accounts[i].failed)
        /* Translators: a tray menu line; %s is an account name. */
        item.label = g_strdup_printf (_("%s: check failed"), name);
      else if (accounts[i].new_count == 0)
        /* Translators: a tray menu line; %s is an account name. */
        item.label = g_strdup_printf (_("%s: no new mail"), name);
      else
        /* Translators: a tray menu line; %s is an account name, %u a count. */
        item.label = g_strdup_printf (ngettext ("%s: %u new message", "%s: %u new messages",
                                                accounts[i].new_count),
                                      name, accounts[i].new_count);
      g_array_append_val (self->accounts, item);
    }
  menu_changed (self);
}
