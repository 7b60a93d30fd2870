/* mp-dbusmenu.c — the tray menu as com.canonical.dbusmenu over GDBus.
 *
 * Split from mp-tray.c: the StatusNotifierItem points at this object through its
 * "Menu" property; clicks go back to the tray as "item-activated".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-dbusmenu.h"
#include "mp-dbus-dispatch.h"

#define MENU_IFACE    "com.canonical.dbusmenu"

static const char introspection_xml[] =
  "<node>"
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
  ITEM_OPEN_MAIL_CLIENT,
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
  ID_OPEN_MAIL_CLIENT,
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

struct _MpDbusmenu
{
  GObject          parent_instance;

  GDBusConnection *connection;      /* owned; set while exported */
  char            *object_path;     /* owned; set while exported */
  guint            reg_id;
  gboolean         can_mark_seen;

  GArray          *accounts;        /* owned; MenuItem of kind ITEM_ACCOUNT */
  GPtrArray       *menu;            /* owned; MenuItem *, in display order */
  guint32          revision;
};

enum
{
  SIGNAL_ITEM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpDbusmenu, mp_dbusmenu, G_TYPE_OBJECT)

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

static void
rebuild_menu (MpDbusmenu *self)
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
                                              _("_Mark All as Seen"), self->can_mark_seen));
  g_ptr_array_add (self->menu, menu_item_new (ID_OPEN, ITEM_OPEN, _("_Open Mailpeek"), TRUE));
  g_ptr_array_add (self->menu, menu_item_new (ID_OPEN_MAIL_CLIENT, ITEM_OPEN_MAIL_CLIENT,
                                              _("Open Mail _Client"), TRUE));
  g_ptr_array_add (self->menu, menu_item_new (ID_SEPARATOR_2, ITEM_SEPARATOR, NULL, TRUE));
  g_ptr_array_add (self->menu, menu_item_new (ID_QUIT, ITEM_QUIT, _("_Quit"), TRUE));
}

static void
menu_changed (MpDbusmenu *self)
{
  g_autoptr (GError) error = NULL;

  rebuild_menu (self);
  self->revision++;
  if (self->reg_id == 0)
    return;
  if (!g_dbus_connection_emit_signal (self->connection, NULL, self->object_path, MENU_IFACE,
                                      "LayoutUpdated",
                                      g_variant_new ("(ui)", self->revision, 0), &error))
    g_debug ("Could not emit LayoutUpdated: %s", error->message);
}

static const MenuItem *
find_item (MpDbusmenu *self, gint32 id)
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
layout_node (MpDbusmenu *self, const MenuItem *item, gint depth, const char * const *names)
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

/* What a click on each kind of item asks for (-1: nothing). */
static const int item_actions[] = {
  [ITEM_ACCOUNT] = MP_DBUSMENU_ACTION_OPEN_ACCOUNT,
  [ITEM_SEPARATOR] = -1,
  [ITEM_CHECK_NOW] = MP_DBUSMENU_ACTION_CHECK_NOW,
  [ITEM_MARK_ALL_SEEN] = MP_DBUSMENU_ACTION_MARK_ALL_SEEN,
  [ITEM_OPEN] = MP_DBUSMENU_ACTION_OPEN,
  [ITEM_QUIT] = MP_DBUSMENU_ACTION_QUIT,
  [ITEM_OPEN_MAIL_CLIENT] = MP_DBUSMENU_ACTION_OPEN_MAIL_CLIENT,
};

static void
activate_item (MpDbusmenu *self, const MenuItem *item)
{
  if (!item->enabled || item_actions[item->kind] < 0)
    return;
  g_signal_emit (self, signals[SIGNAL_ITEM_ACTIVATED], 0, (guint) item_actions[item->kind],
                 item->kind == ITEM_ACCOUNT ? item->account_id : NULL);
}

/* Returns FALSE for an unknown id. */
static gboolean
handle_event (MpDbusmenu *self, gint32 id, const char *event_id)
{
  const MenuItem *item = id == 0 ? NULL : find_item (self, id);

  if (id != 0 && item == NULL)
    return FALSE;
  if (item && g_str_equal (event_id, "clicked"))
    activate_item (self, item);
  return TRUE;
}

static void
return_no_item (GDBusMethodInvocation *invocation, gint32 id)
{
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                         "No menu item %d", id);
}

static void
menu_get_layout (gpointer user_data, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  MpDbusmenu *self = user_data;
  gint32 parent, depth;
  g_autofree const char **names = NULL;
  const MenuItem *item = NULL;

  g_variant_get (parameters, "(ii^a&s)", &parent, &depth, &names);
  if (parent != 0 && (item = find_item (self, parent)) == NULL)
    {
      return_no_item (invocation, parent);
      return;
    }
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(u@(ia{sv}av))", self->revision,
                                                        layout_node (self, item, depth, names)));
}

static void
menu_get_group_properties (gpointer user_data, GVariant *parameters,
                           GDBusMethodInvocation *invocation)
{
  MpDbusmenu *self = user_data;
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

static void
menu_get_property_method (gpointer user_data, GVariant *parameters,
                          GDBusMethodInvocation *invocation)
{
  MpDbusmenu *self = user_data;
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
      return_no_item (invocation, id);
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

static void
menu_event (gpointer user_data, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  gint32 id;
  const char *event_id;

  g_variant_get (parameters, "(i&svu)", &id, &event_id, NULL, NULL);
  if (!handle_event (user_data, id, event_id))
    {
      return_no_item (invocation, id);
      return;
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
menu_event_group (gpointer user_data, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_autoptr (GVariantIter) iter = NULL;
  GVariantBuilder errors;
  gint32 id;
  const char *event_id;

  g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
  g_variant_get (parameters, "(a(isvu))", &iter);
  while (g_variant_iter_loop (iter, "(i&svu)", &id, &event_id, NULL, NULL))
    if (!handle_event (user_data, id, event_id))
      g_variant_builder_add (&errors, "i", id);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
}

static void
menu_about_to_show (gpointer user_data, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  /* The layout is always current: LayoutUpdated is sent on every change. */
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
}

static void
menu_about_to_show_group (gpointer user_data, GVariant *parameters,
                          GDBusMethodInvocation *invocation)
{
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(@ai@ai)",
                                                        g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0),
                                                        g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0)));
}

static const MpDbusMethod menu_methods[] = {
  { "GetLayout", menu_get_layout },
  { "GetGroupProperties", menu_get_group_properties },
  { "GetProperty", menu_get_property_method },
  { "Event", menu_event },
  { "EventGroup", menu_event_group },
  { "AboutToShow", menu_about_to_show },
  { "AboutToShowGroup", menu_about_to_show_group },
};

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
  mp_dbus_dispatch (menu_methods, G_N_ELEMENTS (menu_methods), user_data, method_name,
                    parameters, invocation);
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

/* ---- GObject ---- */

static void
mp_dbusmenu_dispose (GObject *object)
{
  mp_dbusmenu_unexport (MP_DBUSMENU (object));

  G_OBJECT_CLASS (mp_dbusmenu_parent_class)->dispose (object);
}

static void
mp_dbusmenu_finalize (GObject *object)
{
  MpDbusmenu *self = MP_DBUSMENU (object);

  for (guint i = 0; i < self->accounts->len; i++)
    clear_account_item (&g_array_index (self->accounts, MenuItem, i));
  g_array_unref (self->accounts);
  g_ptr_array_unref (self->menu);

  G_OBJECT_CLASS (mp_dbusmenu_parent_class)->finalize (object);
}

static void
mp_dbusmenu_class_init (MpDbusmenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_dbusmenu_dispose;
  object_class->finalize = mp_dbusmenu_finalize;

  signals[SIGNAL_ITEM_ACTIVATED] =
    g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
mp_dbusmenu_init (MpDbusmenu *self)
{
  self->accounts = g_array_new (FALSE, TRUE, sizeof (MenuItem));
  self->menu = g_ptr_array_new_with_free_func (menu_item_free);
  self->revision = 1;
  rebuild_menu (self);
}

MpDbusmenu *
mp_dbusmenu_new (void)
{
  return g_object_new (MP_TYPE_DBUSMENU, NULL);
}

gboolean
mp_dbusmenu_export (MpDbusmenu       *self,
                    GDBusConnection  *connection,
                    const char       *object_path,
                    GError          **error)
{
  GDBusNodeInfo *info = get_node_info ();

  g_return_val_if_fail (MP_IS_DBUSMENU (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (object_path != NULL, FALSE);
  g_return_val_if_fail (self->reg_id == 0, FALSE);

  self->reg_id = g_dbus_connection_register_object (connection, object_path,
                                                    g_dbus_node_info_lookup_interface (info, MENU_IFACE),
                                                    &menu_vtable, self, NULL, error);
  if (self->reg_id == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  self->object_path = g_strdup (object_path);
  return TRUE;
}

void
mp_dbusmenu_unexport (MpDbusmenu *self)
{
  g_return_if_fail (MP_IS_DBUSMENU (self));

  if (self->reg_id)
    g_dbus_connection_unregister_object (self->connection, self->reg_id);
  self->reg_id = 0;
  g_clear_object (&self->connection);
  g_clear_pointer (&self->object_path, g_free);
}

void
mp_dbusmenu_set_can_mark_seen (MpDbusmenu *self,
                               gboolean    can_mark_seen)
{
  g_return_if_fail (MP_IS_DBUSMENU (self));

  self->can_mark_seen = !!can_mark_seen;
  menu_changed (self);
}

void
mp_dbusmenu_set_accounts (MpDbusmenu          *self,
                          const MpTrayAccount *accounts,
                          guint                n_accounts)
{
  g_return_if_fail (MP_IS_DBUSMENU (self));
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
