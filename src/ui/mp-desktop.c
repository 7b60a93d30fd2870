/* mp-desktop.c — ties the tray icon, notifications and background mode to the
 * application and its session.
 *
 * The tray and the notifier bind to the application's MpSession, never to a
 * window: in background mode closing the window destroys it, and checks, the tray
 * and notifications go on without one.
 *
 * A new-mail notification is sent after a check that found mail not announced
 * before, and sums up every message of the account still new (the model's new set,
 * MpAccountState): it replaces the account's previous bubble, so a later check
 * never hides earlier mail.  When messages are seen the bubble shrinks to what is
 * still new, or goes; quitting withdraws it (its buttons would reach nobody).
 * Mail still new after a restart is not announced again (the model remembers it
 * was): the tray counts it, and the next bubble sums it up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-background.h"
#include "mp-desktop.h"
#include "mp-mail-client.h"
#include "mp-notifier.h"
#include "mp-tray.h"
#include "mp-window.h"

#define DESKTOP_KEY "mp-desktop"

struct _MpDesktop
{
  GObject        parent_instance;

  MpApplication *app;         /* unowned: the app owns us (object data) */
  GSettings     *settings;    /* owned, NULL when the schema is not installed */
  MpTray        *tray;        /* owned, NULL without a session bus */
  MpNotifier    *notifier;    /* owned */
  MpBackground  *background;  /* owned, NULL without settings */
  MpSession     *session;     /* owned */
  guint          tray_update_id;
};

G_DEFINE_FINAL_TYPE (MpDesktop, mp_desktop, G_TYPE_OBJECT)

/* ---- counts for the tray ---- */

static void
update_tray (MpDesktop *self)
{
  g_autoptr (GArray) lines = NULL;
  GListModel *store;
  guint n, total = 0;
  gboolean any_failed = FALSE;

  if (self->tray == NULL)
    return;

  store = G_LIST_MODEL (mp_session_get_store (self->session));
  n = g_list_model_get_n_items (store);
  lines = g_array_sized_new (FALSE, TRUE, sizeof (MpTrayAccount), n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      MpAccountState *view = mp_session_lookup (self->session, mp_account_get_id (account));
      MpTrayAccount line = { 0, };

      if (view == NULL)
        continue;
      /* The strings stay alive: the store holds the accounts during this call. */
      line.id = mp_account_get_id (account);
      line.name = mp_account_get_name (account);
      line.new_count = mp_account_state_get_n_new (view);
      line.failed = mp_account_state_get_state (view) == MP_MAILBOX_STATE_ERROR;
      total += line.new_count;
      any_failed |= line.failed;
      g_array_append_val (lines, line);
    }
  mp_tray_set_accounts (self->tray, (MpTrayAccount *) lines->data, lines->len);
  mp_tray_set_error (self->tray, any_failed);
  mp_tray_set_state (self->tray, total, NULL);
}

/* ---- notifications after a check ---- */

/* The account's bubble, summing up every message still new (newest first). */
static void
show_new_mail (MpDesktop *self, MpAccountState *view)
{
  MpAccount *account = mp_account_state_get_account (view);
  g_autoptr (GPtrArray) rows = mp_account_state_dup_new_messages (view);
  g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (MpNotifierMessage));

  /* Quiet: a rule said "don't notify" (or deletes it). */
  for (guint i = rows->len; i > 0; i--)
    if (mp_message_summary_get_quiet (g_ptr_array_index (rows, i - 1)))
      g_ptr_array_remove_index (rows, i - 1);
  if (rows->len == 0)
    return;

  /* The notifier lists at most three; the rest is "and N more". */
  for (guint i = 0; i < rows->len && lines->len < 3; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (rows, i);
      const char *name = mp_message_summary_get_from_name (summary);
      MpNotifierMessage line = {
        .from = name && *name ? name : mp_message_summary_get_from_address (summary),
        .subject = mp_message_summary_get_subject (summary),
      };

      g_array_append_val (lines, line);
    }
  mp_notifier_new_mail (self->notifier, mp_account_get_id (account), mp_account_get_name (account),
                        mp_account_get_notify (account), rows->len,
                        (MpNotifierMessage *) lines->data, lines->len);
}

static void
notify_new_mail (MpDesktop *self, MpAccountState *view)
{
  /* Only news makes a bubble pop up: mail announced before (in this run or the
   * last) is summed up, never announced on its own again. */
  if (mp_account_state_announce (view) > 0)
    show_new_mail (self, view);
}

/* Seen (viewed, marked, deleted) messages leave the bubble: it shrinks to what
 * is still new, in place, or goes.  A rising count is a check's; its
 * announcement comes when the check is done. */
static void
on_new_count_changed (MpDesktop *self, GParamSpec *pspec, MpAccountState *view)
{
  const char *id = mp_account_get_id (mp_account_state_get_account (view));
  guint shown = mp_notifier_get_new_mail_count (self->notifier, id);
  guint n_new = mp_account_state_get_n_new (view);

  if (shown == 0 || n_new >= shown)
    return;
  if (n_new == 0)
    mp_notifier_withdraw (self->notifier, id);
  else
    show_new_mail (self, view);
}

/* The account state may still be moving the last rows of a check into its list
 * (it feeds them in a few per frame) when the check reports success. So the notification
 * waits until the list has been quiet for a moment: one notification per check,
 * with every new row of it. */
#define SETTLE_QUIET_MS 150
#define SETTLE_MAX_US   (3 * G_USEC_PER_SEC)
#define SETTLE_KEY      "mp-desktop-settle"

typedef struct
{
  MpDesktop     *desktop;   /* weak */
  MpAccountState *view;      /* unowned: the settle is data of the view */
  guint          timer_id;
  gint64         deadline;  /* monotonic µs; 0 when not waiting */
} Settle;

static void
settle_free (gpointer data)
{
  Settle *settle = data;

  g_clear_handle_id (&settle->timer_id, g_source_remove);
  g_clear_weak_pointer (&settle->desktop);
  g_free (settle);
}

static gboolean
settle_timeout (gpointer data)
{
  Settle *settle = data;

  settle->timer_id = 0;
  settle->deadline = 0;
  if (settle->desktop)
    notify_new_mail (settle->desktop, settle->view);
  return G_SOURCE_REMOVE;
}

static void
settle_arm (Settle *settle)
{
  g_clear_handle_id (&settle->timer_id, g_source_remove);
  if (g_get_monotonic_time () >= settle->deadline)
    {
      /* Rows keep coming (a huge first list): do not wait for ever. */
      settle_timeout (settle);
      return;
    }
  settle->timer_id = g_timeout_add (SETTLE_QUIET_MS, settle_timeout, settle);
}

static void
settle_then_notify (MpDesktop *self, MpAccountState *view)
{
  Settle *settle = g_object_get_data (G_OBJECT (view), SETTLE_KEY);

  if (settle == NULL)
    {
      notify_new_mail (self, view);
      return;
    }
  settle->deadline = g_get_monotonic_time () + SETTLE_MAX_US;
  settle_arm (settle);
}

static void
on_rows_changed (MpAccountState *view)
{
  Settle *settle = g_object_get_data (G_OBJECT (view), SETTLE_KEY);

  if (settle && settle->deadline != 0)
    settle_arm (settle);
}

static void
on_check_finished (MpAccountState *view,
                   const GError   *error,
                   MpDesktop      *self)
{
  MpAccount *account = mp_account_state_get_account (view);
  const char *id = mp_account_get_id (account);

  if (error == NULL)
    {
      mp_notifier_account_ok (self->notifier, id);
      settle_then_notify (self, view);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf ("%s\n%s", mp_error_title (error),
                                                  error->message);

      mp_notifier_set_account_notify (self->notifier, id, mp_account_get_notify (account));
      mp_notifier_account_failed (self->notifier, id, mp_account_get_name (account), message);
    }
  update_tray (self);
}

static gboolean
update_tray_timeout (gpointer data)
{
  MpDesktop *self = data;

  self->tray_update_id = 0;
  update_tray (self);
  return G_SOURCE_REMOVE;
}

/* Rows arrive in batches every ~50 ms during a big check: the counts are the
 * views' own (no recount), but each tray update rebuilds and sends the menu over
 * D-Bus, so the tray catches up a few times a second. */
static void
on_view_changed (MpDesktop *self)
{
  if (self->tray == NULL || self->tray_update_id != 0)
    return;
  self->tray_update_id = g_timeout_add_full (G_PRIORITY_LOW, 300, update_tray_timeout,
                                             g_object_ref (self), g_object_unref);
}

/* ---- following the session's accounts ---- */

/* The settle is data of the state: it also marks the state as hooked (one
 * desktop per process, one state per account for the session's lifetime). */
static void
attach_settle (MpDesktop *self, MpAccountState *view)
{
  Settle *settle = g_new0 (Settle, 1);

  g_set_weak_pointer (&settle->desktop, self);
  settle->view = view;
  g_object_set_data_full (G_OBJECT (view), SETTLE_KEY, settle, settle_free);
  g_signal_connect_object (mp_account_state_get_messages (view), "items-changed",
                           G_CALLBACK (on_rows_changed), view, G_CONNECT_SWAPPED);
}

static void
hook_view (MpDesktop *self, MpAccountState *view)
{
  if (g_object_get_data (G_OBJECT (view), SETTLE_KEY) != NULL)
    return;
  g_signal_connect_object (view, "check-finished", G_CALLBACK (on_check_finished), self, 0);
  g_signal_connect_object (view, "notify::n-new", G_CALLBACK (on_view_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "notify::n-new", G_CALLBACK (on_new_count_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "notify::state", G_CALLBACK (on_view_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (mp_account_state_get_messages (view), "items-changed",
                           G_CALLBACK (on_view_changed), self, G_CONNECT_SWAPPED);
  attach_settle (self, view);
  /* A check that finished before we could listen still gets its notification. */
  if (mp_account_state_get_last_check (view) != NULL &&
      mp_account_state_get_state (view) == MP_MAILBOX_STATE_IDLE)
    settle_then_notify (self, view);
}

static void
on_state_added (MpDesktop *self, MpAccountState *view)
{
  hook_view (self, view);
  update_tray (self);
}

static void
follow_session (MpDesktop *self)
{
  GListModel *store = G_LIST_MODEL (mp_session_get_store (self->session));
  guint n = g_list_model_get_n_items (store);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      MpAccountState *view = mp_session_lookup (self->session, mp_account_get_id (account));

      if (view)
        hook_view (self, view);
    }
  g_signal_connect_object (self->session, "state-added", G_CALLBACK (on_state_added), self,
                           G_CONNECT_SWAPPED);
  /* Removed accounts leave the tray menu. */
  g_signal_connect_object (store, "items-changed", G_CALLBACK (on_view_changed), self,
                           G_CONNECT_SWAPPED);
  /* Through the throttle like every later change: not synchronously inside the
   * application's startup (the GUI test saw a libadwaita toast crash later when
   * the first menu update ran there; not understood). */
  on_view_changed (self);
}

/* ---- tray and notification actions ---- */

static void
show_window (MpDesktop *self, const char *account_id)
{
  MpWindow *window = mp_application_ensure_window (self->app);

  if (account_id)
    mp_window_select_account (window, account_id);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_tray_activate (MpDesktop *self)
{
  show_window (self, NULL);
}

static void
on_open_account (MpDesktop *self, const char *account_id)
{
  show_window (self, account_id);
}

static void
on_check_now (MpDesktop *self)
{
  mp_session_check_all (self->session);
}

static void
mark_seen (MpDesktop *self, const char *account_id)
{
  GListModel *store = G_LIST_MODEL (mp_session_get_store (self->session));
  guint n = g_list_model_get_n_items (store);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      const char *id = mp_account_get_id (account);
      MpAccountState *view = mp_session_lookup (self->session, id);

      if (view == NULL || (account_id && !g_str_equal (id, account_id)))
        continue;
      /* Through the state, so its n-new (the sidebar badge, the status line) follows. */
      mp_account_state_mark_all_seen (view);
      mp_notifier_withdraw (self->notifier, id);
    }
  update_tray (self);
}

static void
on_mark_all_seen (MpDesktop *self)
{
  mark_seen (self, NULL);
}

static void
on_notification_mark_seen (MpDesktop *self, const char *account_id)
{
  mark_seen (self, account_id);
}

/* From a notification: that account's mail-client command if it has one; from the
 * tray (no account): the first account's that has one; else the desktop's default
 * mail program. */
static void
open_mail_client (MpDesktop *self, const char *account_id)
{
  GListModel *store = G_LIST_MODEL (mp_session_get_store (self->session));
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr (GAppLaunchContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const char *command = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (store) && command == NULL; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);

      if (account_id == NULL || g_str_equal (mp_account_get_id (account), account_id))
        command = mp_account_get_mail_client (account);
    }
  if (display)
    context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (display));
  if (!mp_mail_client_launch (command, context, &error))
    g_warning ("Could not open the mail client: %s", error->message);
}

static void
on_tray_open_mail_client (MpDesktop *self)
{
  open_mail_client (self, NULL);
}

static void
on_notification_open_mail_client (MpDesktop *self, const char *account_id)
{
  open_mail_client (self, account_id);
}

static void
on_quit (MpDesktop *self)
{
  g_action_group_activate_action (G_ACTION_GROUP (self->app), "quit", NULL);
}

static void
on_tray_registered (MpDesktop *self)
{
  if (self->background)
    mp_background_set_tray_available (self->background, mp_tray_is_registered (self->tray));
}

/* Creates or drops the tray icon to follow "show-tray-icon". */
static void
update_tray_presence (MpDesktop *self)
{
  GDBusConnection *conn = g_application_get_dbus_connection (G_APPLICATION (self->app));
  gboolean want = conn != NULL &&
                  (self->settings == NULL || g_settings_get_boolean (self->settings, "show-tray-icon"));

  if (!want && self->tray)
    {
      g_signal_handlers_disconnect_by_data (self->tray, self);
      mp_tray_unexport (self->tray);
      g_clear_object (&self->tray);
      /* No icon to come back through: closing the window quits again. */
      if (self->background)
        mp_background_forget_tray (self->background);
      return;
    }
  if (!want || self->tray)
    return;

  self->tray = mp_tray_new (conn);
  g_signal_connect_object (self->tray, "activate", G_CALLBACK (on_tray_activate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tray, "check-now", G_CALLBACK (on_check_now), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tray, "mark-all-seen", G_CALLBACK (on_mark_all_seen), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tray, "quit", G_CALLBACK (on_quit), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tray, "open-mail-client", G_CALLBACK (on_tray_open_mail_client),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tray, "open-account", G_CALLBACK (on_open_account), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tray, "notify::registered", G_CALLBACK (on_tray_registered),
                           self, G_CONNECT_SWAPPED);
  on_view_changed (self);
}

/* ---- GObject ---- */

static void
mp_desktop_dispose (GObject *object)
{
  MpDesktop *self = MP_DESKTOP (object);

  g_clear_handle_id (&self->tray_update_id, g_source_remove);
  if (self->tray)
    mp_tray_unexport (self->tray);
  g_clear_object (&self->tray);
  g_clear_object (&self->notifier);
  g_clear_object (&self->background);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (mp_desktop_parent_class)->dispose (object);
}

static void
mp_desktop_class_init (MpDesktopClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_desktop_dispose;
}

static void
mp_desktop_init (MpDesktop *self)
{
}

static GSettings *
new_settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  /* An uninstalled run without GSETTINGS_SCHEMA_DIR has no schema; g_settings_new()
   * would abort. Everything then runs with the defaults and no background mode. */
  if (source)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("GSettings schema %s is not installed: background mode is off", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

MpDesktop *
mp_desktop_attach (MpApplication *app)
{
  MpDesktop *self;

  g_return_val_if_fail (MP_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (mp_desktop_get (app) == NULL, NULL);

  self = g_object_new (MP_TYPE_DESKTOP, NULL);
  self->app = app;
  self->session = g_object_ref (mp_application_get_session (app));
  g_object_set_data_full (G_OBJECT (app), DESKTOP_KEY, self, g_object_unref);

  self->settings = new_settings_if_installed ();
  self->notifier = mp_notifier_new (self->settings);
  g_signal_connect_object (self->notifier, "open", G_CALLBACK (on_open_account), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notifier, "mark-seen", G_CALLBACK (on_notification_mark_seen),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notifier, "open-mail-client",
                           G_CALLBACK (on_notification_open_mail_client), self, G_CONNECT_SWAPPED);
  /* Before the bus goes: a bubble left behind would offer buttons nobody hears. */
  g_signal_connect_object (app, "shutdown", G_CALLBACK (mp_notifier_withdraw_all),
                           self->notifier, G_CONNECT_SWAPPED);

  if (self->settings)
    {
      static const char * const keys[] = {
        "run-in-background", "start-at-login", "notifications-enabled", "show-tray-icon",
      };

      self->background = mp_background_new (G_APPLICATION (app), self->settings);
      /* Stateful app actions ("app.start-at-login", …) for menus and preferences. */
      for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          g_autoptr (GAction) action = g_settings_create_action (self->settings, keys[i]);

          g_action_map_add_action (G_ACTION_MAP (app), action);
        }
    }
  mp_application_set_background (app, mp_background_get_started_in_background (G_APPLICATION (app)));

  update_tray_presence (self);
  if (self->settings)
    g_signal_connect_object (self->settings, "changed::show-tray-icon",
                             G_CALLBACK (update_tray_presence), self, G_CONNECT_SWAPPED);

  follow_session (self);
  return self;
}

MpDesktop *
mp_desktop_get (MpApplication *app)
{
  g_return_val_if_fail (MP_IS_APPLICATION (app), NULL);
  return g_object_get_data (G_OBJECT (app), DESKTOP_KEY);
}
