/* mp-notifier.c — desktop notifications for new mail and failing accounts.
 *
 * libnotify talks to org.freedesktop.Notifications, or to the notification portal
 * inside a Flatpak (libnotify >= 0.8), so the sandbox needs no extra permission.
 * One notification object per account is kept and re-shown, so a second check with
 * new mail replaces the first bubble instead of stacking another one; the caller
 * gives the whole of the account's unseen mail, so the bubble sums it up.  A bubble
 * the server closed (expired, dismissed) is forgotten: it is never brought back by
 * an update, only by new mail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "mp-notifier.h"

#define MAX_LINES 3

struct _MpNotifier
{
  GObject     parent_instance;

  GSettings  *settings;       /* owned, nullable */
  GHashTable *mail;           /* owned; account id → NotifyNotification on screen */
  GHashTable *failure;        /* owned; account id → NotifyNotification */
  GHashTable *failing;        /* owned; set of account ids in a failure streak */
  GHashTable *quiet;          /* owned; set of account ids with notify = FALSE */
};

enum
{
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

enum
{
  SIGNAL_OPEN,
  SIGNAL_MARK_SEEN,
  SIGNAL_OPEN_MAIL_CLIENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpNotifier, mp_notifier, G_TYPE_OBJECT)

typedef struct
{
  GWeakRef  notifier;
  char     *account_id;  /* owned */
} ActionData;

static ActionData *
action_data_new (MpNotifier *self, const char *account_id)
{
  ActionData *data = g_new0 (ActionData, 1);

  g_weak_ref_init (&data->notifier, self);
  data->account_id = g_strdup (account_id);
  return data;
}

static void
action_data_free (gpointer p)
{
  ActionData *data = p;

  g_weak_ref_clear (&data->notifier);
  g_free (data->account_id);
  g_free (data);
}

static void
action_cb (NotifyNotification *notification,
           char               *action,
           gpointer            user_data)
{
  ActionData *data = user_data;
  g_autoptr (MpNotifier) self = g_weak_ref_get (&data->notifier);

  /* The notifier may be gone (app quitting) when the action arrives. */
  if (self == NULL)
    return;
  if (g_str_equal (action, "mark-seen"))
    g_signal_emit (self, signals[SIGNAL_MARK_SEEN], 0, data->account_id);
  else if (g_str_equal (action, "open-mail-client"))
    g_signal_emit (self, signals[SIGNAL_OPEN_MAIL_CLIENT], 0, data->account_id);
  else
    g_signal_emit (self, signals[SIGNAL_OPEN], 0, data->account_id);
}

gboolean
mp_notifier_get_enabled (MpNotifier *self)
{
  g_return_val_if_fail (MP_IS_NOTIFIER (self), FALSE);

  return self->settings == NULL ||
         g_settings_get_boolean (self->settings, "notifications-enabled");
}

static gboolean
server_has_capability (const char *cap)
{
  GList *caps = notify_get_server_caps ();
  gboolean found = g_list_find_custom (caps, cap, (GCompareFunc) g_strcmp0) != NULL;

  g_list_free_full (caps, g_free);
  return found;
}

/* Mail headers are untrusted text: a server that renders body markup must not
 * interpret a subject like "<b>win</b>" or an unbalanced "&". */
static void
append_text (GString *body, const char *text, gboolean markup)
{
  if (markup)
    {
      g_autofree char *escaped = g_markup_escape_text (text, -1);

      g_string_append (body, escaped);
    }
  else
    {
      g_string_append (body, text);
    }
}

static guint
max_lines (MpNotifier *self)
{
  if (self->settings == NULL)
    return MAX_LINES;
  return MIN (g_settings_get_uint (self->settings, "notification-senders"), MAX_LINES);
}

static char *
build_mail_body (MpNotifier *self, guint n_new, const MpNotifierMessage *messages, guint n_messages)
{
  GString *body = g_string_new (NULL);
  gboolean markup = server_has_capability ("body-markup");
  guint shown = MIN (n_messages, max_lines (self));

  for (guint i = 0; i < shown; i++)
    {
      const char *from = messages[i].from && *messages[i].from ? messages[i].from : _("Unknown sender");
      const char *subject = messages[i].subject && *messages[i].subject ? messages[i].subject : _("(no subject)");
      g_autofree char *line = NULL;

      if (body->len > 0)
        g_string_append_c (body, '\n');
      /* Translators: one line of a new-mail notification: sender — subject. */
      line = g_strdup_printf (_("%s — %s"), from, subject);
      append_text (body, line, markup);
    }
  if (n_new > shown && shown > 0)
    {
      guint more = n_new - shown;
      g_autofree char *line = g_strdup_printf (ngettext ("and %u more", "and %u more", more), more);

      g_string_append_c (body, '\n');
      append_text (body, line, markup);
    }
  return g_string_free (body, FALSE);
}

#define COUNT_KEY "mp-notifier-n-new"

/* The server closed it (or we did): an update must not bring it back. */
static void
on_mail_closed (NotifyNotification *n,
                MpNotifier         *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->mail);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == n)
      {
        g_hash_table_iter_remove (&iter);
        return;
      }
}

guint
mp_notifier_get_new_mail_count (MpNotifier *self,
                                const char *account_id)
{
  NotifyNotification *n;

  g_return_val_if_fail (MP_IS_NOTIFIER (self), 0);
  g_return_val_if_fail (account_id != NULL, 0);

  n = g_hash_table_lookup (self->mail, account_id);
  return n ? GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (n), COUNT_KEY)) : 0;
}

static NotifyNotification *
ensure_notification (MpNotifier *self,
                     GHashTable *table,
                     const char *account_id,
                     const char *category)
{
  NotifyNotification *n = g_hash_table_lookup (table, account_id);

  if (n == NULL)
    {
      n = notify_notification_new ("", NULL, APP_ID);
      notify_notification_set_app_name (n, "Mailpeek");
      /* Lets the shell group the bubble under our app and find its icon. */
      notify_notification_set_hint_string (n, "desktop-entry", APP_ID);
      notify_notification_set_category (n, category);
      g_hash_table_insert (table, g_strdup (account_id), n);
    }
  return n;
}

static gboolean
show (NotifyNotification *n)
{
  g_autoptr (GError) error = NULL;

  if (!notify_notification_show (n, &error))
    {
      /* No notification server is not an error worth bothering anyone about. */
      g_debug ("Could not show a notification: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
mp_notifier_new_mail (MpNotifier              *self,
                      const char              *account_id,
                      const char              *account_name,
                      gboolean                 account_notify,
                      guint                    n_new,
                      const MpNotifierMessage *messages,
                      guint                    n_messages)
{
  NotifyNotification *n;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (MP_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (messages != NULL || n_messages == 0, FALSE);

  if (n_new == 0 || !account_notify || !mp_notifier_get_enabled (self))
    return FALSE;

  summary = g_strdup_printf (ngettext ("%d new message on %s", "%d new messages on %s", n_new),
                             (int) n_new, account_name ? account_name : account_id);
  body = build_mail_body (self, n_new, messages, n_messages);

  n = ensure_notification (self, self->mail, account_id, "email.arrived");
  if (g_object_get_data (G_OBJECT (n), COUNT_KEY) == NULL)
    g_signal_connect_object (n, "closed", G_CALLBACK (on_mail_closed), self, 0);
  g_object_set_data (G_OBJECT (n), COUNT_KEY, GUINT_TO_POINTER (n_new));
  notify_notification_update (n, summary, body, APP_ID);
  notify_notification_clear_actions (n);
  notify_notification_add_action (n, "default", _("Open"), action_cb,
                                  action_data_new (self, account_id), action_data_free);
  notify_notification_add_action (n, "open", _("Open"), action_cb,
                                  action_data_new (self, account_id), action_data_free);
  notify_notification_add_action (n, "mark-seen", _("Mark as Seen"), action_cb,
                                  action_data_new (self, account_id), action_data_free);
  notify_notification_add_action (n, "open-mail-client", _("Open Mail Client"), action_cb,
                                  action_data_new (self, account_id), action_data_free);
  return show (n);
}

gboolean
mp_notifier_account_failed (MpNotifier *self,
                            const char *account_id,
                            const char *account_name,
                            const char *message)
{
  NotifyNotification *n;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (MP_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);

  /* Once per streak: a server that is down for an hour gets one bubble, not twelve.
   * The streak starts even when notifications are off, so switching them on in the
   * middle of an outage does not produce a late bubble for an old failure. */
  if (!g_hash_table_add (self->failing, g_strdup (account_id)))
    return FALSE;
  if (!mp_notifier_get_enabled (self) || g_hash_table_contains (self->quiet, account_id))
    return FALSE;

  /* Translators: %s is an account name. */
  summary = g_strdup_printf (_("Could not check %s"), account_name ? account_name : account_id);
  if (server_has_capability ("body-markup"))
    body = g_markup_escape_text (message ? message : "", -1);
  else
    body = g_strdup (message ? message : "");

  n = ensure_notification (self, self->failure, account_id, "network.error");
  notify_notification_update (n, summary, body, "dialog-warning-symbolic");
  notify_notification_clear_actions (n);
  notify_notification_add_action (n, "default", _("Open"), action_cb,
                                  action_data_new (self, account_id), action_data_free);
  return show (n);
}

static void
close_notification (GHashTable *table, const char *account_id)
{
  NotifyNotification *n = g_hash_table_lookup (table, account_id);
  g_autoptr (GError) error = NULL;

  if (n == NULL)
    return;
  if (!notify_notification_close (n, &error))
    g_debug ("Could not close a notification: %s", error->message);
  g_hash_table_remove (table, account_id);
}

void
mp_notifier_account_ok (MpNotifier *self,
                        const char *account_id)
{
  g_return_if_fail (MP_IS_NOTIFIER (self));
  g_return_if_fail (account_id != NULL);

  if (g_hash_table_remove (self->failing, account_id))
    /* The problem is gone: a stale "could not check" bubble would mislead. */
    close_notification (self->failure, account_id);
}

void
mp_notifier_set_account_notify (MpNotifier *self,
                                const char *account_id,
                                gboolean    notify)
{
  g_return_if_fail (MP_IS_NOTIFIER (self));
  g_return_if_fail (account_id != NULL);

  if (notify)
    g_hash_table_remove (self->quiet, account_id);
  else
    g_hash_table_add (self->quiet, g_strdup (account_id));
}

void
mp_notifier_withdraw (MpNotifier *self,
                      const char *account_id)
{
  g_return_if_fail (MP_IS_NOTIFIER (self));
  g_return_if_fail (account_id != NULL);

  close_notification (self->mail, account_id);
}

void
mp_notifier_withdraw_all (MpNotifier *self)
{
  g_autofree gpointer *ids = NULL;
  guint n = 0;

  g_return_if_fail (MP_IS_NOTIFIER (self));

  ids = g_hash_table_get_keys_as_array (self->mail, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup (ids[i]);   /* the table owns the key */

      close_notification (self->mail, id);
    }
}

static void
mp_notifier_dispose (GObject *object)
{
  MpNotifier *self = MP_NOTIFIER (object);

  g_hash_table_remove_all (self->mail);
  g_hash_table_remove_all (self->failure);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mp_notifier_parent_class)->dispose (object);
}

static void
mp_notifier_finalize (GObject *object)
{
  MpNotifier *self = MP_NOTIFIER (object);

  g_hash_table_unref (self->mail);
  g_hash_table_unref (self->failure);
  g_hash_table_unref (self->failing);
  g_hash_table_unref (self->quiet);

  G_OBJECT_CLASS (mp_notifier_parent_class)->finalize (object);
}

static void
mp_notifier_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MpNotifier *self = MP_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_notifier_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MpNotifier *self = MP_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_notifier_class_init (MpNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_notifier_dispose;
  object_class->finalize = mp_notifier_finalize;
  object_class->get_property = mp_notifier_get_property;
  object_class->set_property = mp_notifier_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_OPEN] =
    g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_MARK_SEEN] =
    g_signal_new ("mark-seen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_OPEN_MAIL_CLIENT] =
    g_signal_new ("open-mail-client", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mp_notifier_init (MpNotifier *self)
{
  self->mail = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->failure = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->failing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->quiet = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!notify_is_initted ())
    notify_init (APP_ID);
}

MpNotifier *
mp_notifier_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (MP_TYPE_NOTIFIER, "settings", settings, NULL);
}
