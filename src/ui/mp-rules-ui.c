/* mp-rules-ui.c — the window's rules actions and the rules' notification.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "mp-activity-view.h"
#include "mp-application.h"
#include "mp-error.h"
#include "mp-recycle-bin.h"
#include "mp-overview-dialog.h"
#include "mp-recycle-view.h"
#include "mp-rules-dialog.h"
#include "mp-rules-ui.h"
#include "mp-window-private.h"

/* ---------------------------------------------------------------- widgets */

GtkWidget *
mp_rules_ui_row_new (const char *title,
                     const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  return row;
}

GtkWidget *
mp_rules_ui_window_new (GtkWindow  *parent,
                        const char *title,
                        GtkWidget  *end_widget,
                        GtkWidget  *child)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  if (end_widget)
    adw_header_bar_pack_end (ADW_HEADER_BAR (header), end_widget);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (child, TRUE);
  gtk_box_append (GTK_BOX (box), child);
  adw_window_set_content (ADW_WINDOW (window), box);
  return window;
}

/* ---------------------------------------------------------------- window */

static void
rules_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  MpWindow *self = user_data;

  gtk_window_present (GTK_WINDOW (mp_rules_dialog_new (GTK_WINDOW (self), self->session)));
}

static void
recycle_bin_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  MpWindow *self = user_data;

  gtk_window_present (GTK_WINDOW (mp_recycle_view_new (GTK_WINDOW (self), self->session)));
}

static void
overview_activated (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  MpWindow *self = user_data;

  if (self->current == NULL)
    return;
  gtk_window_present (GTK_WINDOW (mp_overview_dialog_new (GTK_WINDOW (self), self->current,
                                                          self->deleter)));
}

static void
activity_activated (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  MpWindow *self = user_data;

  gtk_window_present (GTK_WINDOW (mp_activity_view_new (GTK_WINDOW (self), self->session)));
}

static gboolean
rules_have_junk (MpRuleSet *rules)
{
  for (guint i = 0; i < rules->rules->len; i++)
    if (((MpRule *) g_ptr_array_index (rules->rules, i))->action == MP_RULE_ACTION_JUNK)
      return TRUE;
  return FALSE;
}

/* The message list hides junk unless asked (the Junk filter).  Only rules
 * mark junk: without a junk rule there is nothing to hide, and with neither
 * junk hidden nor text typed no filter runs at all (see on_search_changed:
 * 10,000 rows stream in without a per-row pass). */
static void
update_junk_filter (MpWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-junk");
  g_autoptr (GVariant) state = g_action_get_state (action);
  MpRuleSet *rules = mp_rules_state_get_rules (mp_session_get_rules (self->session));

  mp_message_filter_set_show_junk (self->filter, g_variant_get_boolean (state) || !rules_have_junk (rules));
  if (mp_message_filter_is_empty (self->filter))
    gtk_filter_list_model_set_filter (self->filter_model, NULL);
  else if (!gtk_filter_list_model_get_filter (self->filter_model))
    gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
}

static void
show_junk_changed (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  g_simple_action_set_state (action, value);
  update_junk_filter (user_data);
}

static void
on_junk_marked (MpRulesState   *rules,
                MpAccountState *state,
                MpWindow       *self)
{
  if (state == self->current && !mp_message_filter_get_show_junk (self->filter))
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_MORE_STRICT);
}

typedef struct {
  MpAccountState *state;  /* owned */
  guint           id;
} TooLarge;

static void
too_large_free (gpointer data)
{
  TooLarge *t = data;

  g_object_unref (t->state);
  g_free (t);
}

static void
on_too_large_response (AdwMessageDialog *dialog,
                       const char       *response,
                       TooLarge         *t)
{
  if (g_str_equal (response, "delete"))
    mp_account_state_commit_delete_full (t->state, t->id, NULL, TRUE, NULL, NULL, NULL);
  else
    mp_account_state_undo_delete (t->state, t->id);
}

/* Every account has a recycle bin in the app: a confirmed delete of a message
 * larger than it keeps was held back (nothing sent); it goes only if the user
 * agrees once more. */
static void
on_delete_too_large (MpAccountState *state,
                     guint           id,
                     const GError   *error,
                     MpWindow       *self)
{
  AdwMessageDialog *dialog;
  TooLarge *t = g_new0 (TooLarge, 1);

  t->state = g_object_ref (state);
  t->id = id;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Delete Without a Copy?"),
                                                       error->message));
  adw_message_dialog_format_body (dialog, _("%s. It cannot be kept in the recycle bin; deleted, it is gone."),
                                  error->message);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Keep It"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_too_large_response), t,
                         (GClosureNotify) (void (*) (void)) too_large_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_state_added (MpSession      *session,
                MpAccountState *state,
                MpWindow       *self)
{
  g_signal_connect_object (state, "delete-too-large", G_CALLBACK (on_delete_too_large), self, 0);
}

void
mp_rules_ui_install_window (MpWindow *self)
{
  static const GActionEntry entries[] = {
    { .name = "rules", .activate = rules_activated },
    { .name = "recycle-bin", .activate = recycle_bin_activated },
    { .name = "overview", .activate = overview_activated },
    { .name = "activity", .activate = activity_activated },
    { .name = "show-junk", .state = "false", .change_state = show_junk_changed },
  };

  g_return_if_fail (MP_IS_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  update_junk_filter (self);
  g_signal_connect_object (mp_session_get_rules (self->session), "changed",
                           G_CALLBACK (update_junk_filter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (mp_session_get_rules (self->session), "junk-marked",
                           G_CALLBACK (on_junk_marked), self, 0);
  /* Every account's, not only the one shown: the delete runs after its undo
   * period, when the user may be looking at another. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      MpAccountState *state = mp_session_lookup (self->session, mp_account_get_id (account));

      if (state)
        on_state_added (self->session, state, self);
    }
  g_signal_connect_object (self->session, "state-added", G_CALLBACK (on_state_added), self, 0);
}

/* ---------------------------------------------------------------- application */

typedef struct {
  GApplication *app;        /* not owned: holds this as its rules' data */
  GSettings    *settings;   /* owned, nullable */
  GHashTable   *bubbles;    /* owned: account id → NotifyNotification (owned) */
} RulesApp;

static void
rules_app_free (RulesApp *data)
{
  g_clear_object (&data->settings);
  g_hash_table_unref (data->bubbles);
  g_free (data);
}

/* One bubble per check that deleted something, replacing the account's last
 * one: "3 messages deleted by rules on Work". */
static void
on_rules_deleted (MpRulesState   *rules,
                  MpAccountState *state,
                  guint           n,
                  RulesApp       *data)
{
  MpAccount *account = mp_account_state_get_account (state);
  const char *id = mp_account_get_id (account);
  NotifyNotification *bubble;
  g_autofree char *summary = NULL;
  g_autoptr (GError) error = NULL;

  if (data->settings && !g_settings_get_boolean (data->settings, "notifications-enabled"))
    return;
  if (!notify_is_initted () && !notify_init (APP_ID))
    return;
  summary = g_strdup_printf (ngettext ("%u message deleted by rules on %s",
                                       "%u messages deleted by rules on %s", n),
                             n, mp_account_get_name (account));
  bubble = g_hash_table_lookup (data->bubbles, id);
  if (bubble == NULL)
    {
      bubble = notify_notification_new (summary, NULL, APP_ID);
      notify_notification_set_app_name (bubble, "Mailpeek");
      notify_notification_set_hint_string (bubble, "desktop-entry", APP_ID);
      notify_notification_set_category (bubble, "email");
      g_hash_table_insert (data->bubbles, g_strdup (id), bubble);
    }
  notify_notification_update (bubble, summary,
                              _("Copies are in the recycle bin; the activity log lists them."),
                              APP_ID);
  if (!notify_notification_show (bubble, &error))
    g_debug ("Could not show a notification: %s", error->message);
}

typedef struct {
  MpApplication    *app;      /* not owned: lives as long as the process */
  MpAccountState   *state;    /* owned */
  MpMessageSummary *summary;  /* owned */
  char             *reason;   /* owned */
} Held;

static void
held_free (gpointer data)
{
  Held *held = data;

  g_object_unref (held->state);
  g_object_unref (held->summary);
  g_free (held->reason);
  g_free (held);
}

/* The same question as for a manual delete of such a message: its row leaves
 * the list while the dialog is up and comes back on "Keep It". */
static void
ask_delete_held (Held     *held,
                 MpWindow *window)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (GError) error = g_error_new_literal (MP_ERROR, MP_ERROR_TOO_LARGE, held->reason);

  /* Gone meanwhile (deleted by hand), or its question is already up. */
  if (!mp_account_state_lists (held->state, held->summary))
    return;
  g_ptr_array_add (rows, held->summary);
  on_delete_too_large (held->state, mp_account_state_delete_later (held->state, rows), error, window);
}

static void
on_held_review (NotifyNotification *bubble,
                char               *action,
                gpointer            user_data)
{
  Held *held = user_data;
  MpWindow *window = mp_application_ensure_window (held->app);

  mp_window_select_account (window, mp_account_get_id (mp_account_state_get_account (held->state)));
  gtk_window_present (GTK_WINDOW (window));
  ask_delete_held (held, window);
}

/* A delete rule hit a message larger than the recycle bin keeps: it was not
 * deleted.  With the window open the user is asked at once; otherwise a
 * notification says so and its action opens the window on the question. */
static void
on_rule_held (MpRulesState     *rules,
              MpAccountState   *state,
              MpMessageSummary *summary,
              const char       *rule,
              RulesApp         *data)
{
  MpAccount *account = mp_account_state_get_account (state);
  MpWindow *window = mp_application_get_main_window (MP_APPLICATION (data->app));
  g_autofree char *size = g_format_size (mp_message_summary_get_size (summary));
  g_autofree char *limit = g_format_size (MP_RECYCLE_BIN_DEFAULT_MAX_SIZE);
  g_autofree char *title = NULL;
  NotifyNotification *bubble;
  g_autoptr (GError) error = NULL;
  Held *held = g_new0 (Held, 1);

  held->app = MP_APPLICATION (data->app);
  held->state = g_object_ref (state);
  held->summary = g_object_ref (summary);
  /* Translators: rule name, message subject, its size, the recycle bin's limit. */
  held->reason = g_strdup_printf (_("Rule “%s” matched “%s” (%s), larger than the recycle bin keeps (%s)"),
                                  rule, mp_message_summary_get_subject (summary), size, limit);
  if (window != NULL)
    {
      ask_delete_held (held, window);
      held_free (held);
      return;
    }
  if ((data->settings && !g_settings_get_boolean (data->settings, "notifications-enabled")) ||
      (!notify_is_initted () && !notify_init (APP_ID)))
    {
      g_message ("%s: not deleted, no copy could be kept", held->reason);
      held_free (held);
      return;
    }
  /* Translators: %s is an account name. */
  title = g_strdup_printf (_("A rule did not delete a message on %s"), mp_account_get_name (account));
  bubble = notify_notification_new (title, held->reason, APP_ID);
  notify_notification_set_app_name (bubble, "Mailpeek");
  notify_notification_set_hint_string (bubble, "desktop-entry", APP_ID);
  notify_notification_set_category (bubble, "email");
  notify_notification_add_action (bubble, "default", _("Review"), on_held_review, held, held_free);
  notify_notification_add_action (bubble, "review", _("Review"), on_held_review, held, NULL);
  /* The daemon's action signal needs the object: it lives until it is closed. */
  g_signal_connect (bubble, "closed", G_CALLBACK (g_object_unref), NULL);
  if (!notify_notification_show (bubble, &error))
    {
      g_debug ("Could not show a notification: %s", error->message);
      g_object_unref (bubble);
    }
}

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "recycle-retention-days"))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

void
mp_rules_ui_attach_app (GApplication *app,
                        MpSession    *session)
{
  MpRulesState *rules = mp_session_get_rules (session);
  RulesApp *data = g_new0 (RulesApp, 1);

  data->app = app;
  data->settings = settings_if_installed ();
  data->bubbles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  if (data->settings)
    g_settings_bind (data->settings, "recycle-retention-days", rules, "retention-days",
                     G_SETTINGS_BIND_GET);
  g_object_set_data_full (G_OBJECT (rules), "mp-rules-ui", data, (GDestroyNotify) rules_app_free);
  g_signal_connect (rules, "rules-deleted", G_CALLBACK (on_rules_deleted), data);
  g_signal_connect (rules, "rule-held", G_CALLBACK (on_rule_held), data);
}
