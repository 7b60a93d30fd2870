/* mp-window.c — the main window: its models, status line and error banner, the
 * accounts in the sidebar, and its lifecycle.  The win.* actions are in
 * mp-window-actions.c, the columns in mp-message-columns.c, the filter in
 * mp-message-filter.c, previews in mp-preview-loader.c, deleting in
 * mp-delete-controller.c.
 *
 * The window only shows the application's MpSession (src/app): the accounts, their
 * states, mailboxes and the scheduler are the session's and outlive the window.
 *
 * Models: the selected account's MpAccountState list → GtkFilterListModel (sender /
 * subject filter, incremental) → MpSortedModel (the column view's sorter; see there
 * why not GtkSortListModel) → GtkMultiSelection → GtkColumnView.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-a11y.h"
#include "mp-window-private.h"
#include "mp-account-row.h"
#include "mp-error.h"
#include "mp-message-columns.h"
#include "mp-rules-ui.h"

G_DEFINE_FINAL_TYPE (MpWindow, mp_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_status (MpWindow *self);

/* ---------------------------------------------------------------- helpers */

static void
remember_toast (MpWindow   *self,
                const char *title)
{
  g_free (self->last_toast_title);
  self->last_toast_title = g_strdup (title);
}

void
mp_window_show_toast (MpWindow   *self,
                      const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  remember_toast (self, title);
  adw_toast_set_timeout (toast, 5);
  mp_a11y_add_toast (self->toast_overlay, toast);
}

/* ---------------------------------------------------------------- filter */

static void
on_search_changed (GtkSearchEntry *entry,
                   MpWindow       *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  GtkFilterChange change;

  if (!mp_message_filter_set_text (self->filter, text, &change))
    return;
  /* No filter text: no filter at all, so rows pass straight through without a
   * per-row filter pass (10,000 rows stream in while nobody filters). */
  if (mp_message_filter_is_empty (self->filter))
    gtk_filter_list_model_set_filter (self->filter_model, NULL);
  else if (!gtk_filter_list_model_get_filter (self->filter_model))
    gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  else
    gtk_filter_changed (GTK_FILTER (self->filter), change);
}

/* ---------------------------------------------------------------- preview */

void
mp_window_load_preview (MpWindow         *self,
                        MpMessageSummary *summary,
                        gboolean          whole)
{
  mp_preview_loader_load (self->preview_loader, self->current, summary, whole);
}

static void
on_selection_changed (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      MpWindow          *self)
{
  g_autoptr (GtkBitset) set = gtk_selection_model_get_selection (model);
  guint64 n_selected = gtk_bitset_get_size (set);

  /* Only the count and at most one item: a select-all of 10,000 rows stays cheap. */
  if (n_selected == 1)
    {
      g_autoptr (MpMessageSummary) summary =
        g_list_model_get_item (G_LIST_MODEL (model), gtk_bitset_get_minimum (set));
      if (summary != mp_preview_loader_get_summary (self->preview_loader))
        mp_window_load_preview (self, summary, FALSE);
    }
  else
    {
      g_autofree char *title = NULL;

      mp_window_load_preview (self, NULL, FALSE);
      if (n_selected > 1)
        title = g_strdup_printf (ngettext ("%u Message Selected",
                                           "%u Messages Selected", (gulong) n_selected),
                                 (guint) n_selected);
      mp_preview_pane_show_none (self->preview_pane, title);
    }
  mp_window_update_actions (self);
}

/* ---------------------------------------------------------------- status */

static void
update_status (MpWindow *self)
{
  g_autofree char *text = NULL;
  const GError *error;
  guint done = 0, total = 0;

  if (!self->current)
    {
      gtk_label_set_text (self->status_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      return;
    }

  text = mp_account_state_dup_status_text (self->current);
  gtk_label_set_text (self->status_label, text);

  mp_account_state_get_progress (self->current, &done, &total);
  if (mp_account_state_get_state (self->current) == MP_MAILBOX_STATE_CHECKING)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
      /* No pulsing while connecting: activity mode animates by reallocating the
       * bar every frame, and every relayout costs X11 round trips (the sidebar's
       * spinner already shows that something runs). */
      gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0.0);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);

  error = mp_account_state_get_error (self->current);
  if (error)
    {
      const char *fingerprint = NULL;
      g_autofree char *details = NULL;
      gboolean password_problem =
        g_error_matches (error, MP_ERROR, MP_ERROR_AUTH) ||
        g_error_matches (error, MP_ERROR, MP_ERROR_NEEDS_PASSWORD) ||
        g_error_matches (error, MP_ERROR, MP_ERROR_INSECURE) ||
        g_error_matches (error, MP_ERROR, MP_ERROR_CONFIG) ||
        /* A failing password command or GOA token: fixed in the account's settings. */
        g_error_matches (error, MP_ERROR, MP_ERROR_CREDENTIALS);

      if (g_error_matches (error, MP_ERROR, MP_ERROR_CERTIFICATE))
        fingerprint = mp_error_get_fingerprint (error);
      details = mp_error_dup_details (error);

      gtk_label_set_text (self->error_title, mp_error_title (error));
      gtk_label_set_text (self->error_details, details);
      gtk_widget_set_visible (GTK_WIDGET (self->trust_button), fingerprint != NULL);
      if (password_problem)
        {
          gtk_button_set_label (self->error_action_button, _("_Edit Account…"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (self->error_action_button),
                                          "win.edit-account");
        }
      else
        {
          gtk_button_set_label (self->error_action_button, _("_Try Again"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (self->error_action_button),
                                          "win.check");
        }
      gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
    }
  else
    gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
update_placeholder (MpWindow *self)
{
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  MpMailboxState state = self->current ? mp_account_state_get_state (self->current)
                                       : MP_MAILBOX_STATE_IDLE;

  /* The placeholder lies over the (empty) list, so the column view is on screen
   * from the start and the first rows of a check cost no mapping of it. */
  if (n_shown > 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->list_placeholder), FALSE);
      return;
    }
  if (!mp_message_filter_is_empty (self->filter) &&
      self->current && mp_account_state_get_n_messages (self->current) > 0)
    {
      adw_status_page_set_icon_name (self->list_placeholder, "edit-find-symbolic");
      adw_status_page_set_title (self->list_placeholder, _("No Matching Messages"));
    }
  else if (state == MP_MAILBOX_STATE_CHECKING)
    {
      adw_status_page_set_icon_name (self->list_placeholder, "mail-send-receive-symbolic");
      adw_status_page_set_title (self->list_placeholder, _("Checking…"));
    }
  else if (state == MP_MAILBOX_STATE_ERROR)
    {
      adw_status_page_set_icon_name (self->list_placeholder, "network-error-symbolic");
      adw_status_page_set_title (self->list_placeholder, _("Could Not Check the Mailbox"));
    }
  else if (!self->current || !mp_account_state_get_last_check (self->current))
    {
      adw_status_page_set_icon_name (self->list_placeholder, "mail-unread-symbolic");
      adw_status_page_set_title (self->list_placeholder, _("Not Checked Yet"));
    }
  else
    {
      adw_status_page_set_icon_name (self->list_placeholder, "mail-read-symbolic");
      adw_status_page_set_title (self->list_placeholder, _("No Messages on the Server"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list_placeholder), TRUE);
}

static void
set_enabled (MpWindow   *self,
             const char *action,
             gboolean    enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), action, enabled);
}

void
mp_window_update_actions (MpWindow *self)
{
  gboolean checking = self->current &&
    mp_account_state_get_state (self->current) == MP_MAILBOX_STATE_CHECKING;
  GtkBitset *set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gboolean any_selected = !gtk_bitset_is_empty (set);
  const GError *error = self->current ? mp_account_state_get_error (self->current) : NULL;
  MpMessagePreview *preview = mp_preview_loader_get_preview (self->preview_loader);

  gtk_bitset_unref (set);
  set_enabled (self, "win.check", self->current && !checking);
  set_enabled (self, "win.stop", checking || mp_preview_loader_get_loading (self->preview_loader));
  set_enabled (self, "win.delete", self->current && any_selected);
  set_enabled (self, "win.edit-account", self->current != NULL);
  set_enabled (self, "win.remove-account", self->current != NULL);
  set_enabled (self, "win.load-whole", preview && !mp_message_preview_get_is_complete (preview));
  set_enabled (self, "win.view-source", preview != NULL);
  set_enabled (self, "win.trust-certificate",
                                 error && g_error_matches (error, MP_ERROR, MP_ERROR_CERTIFICATE) &&
                                 mp_error_get_fingerprint (error));
}

static void
on_mailbox_changed (MpWindow *self)
{
  g_clear_handle_id (&self->status_update_id, g_source_remove);
  update_status (self);
  update_placeholder (self);
  mp_window_update_actions (self);
}

static gboolean
status_update_due (gpointer user_data)
{
  MpWindow *self = user_data;

  self->status_update_id = 0;
  on_mailbox_changed (self);
  return G_SOURCE_REMOVE;
}

/* Progress and counts change with every batch of a big check; each change of the
 * status line or the progress bar relayouts the window (and on X11 that costs
 * round trips to the server), so they follow a few times a second.  Anything else
 * (state, error, last check) shows at once. */
#define STATUS_INTERVAL_MS 250

static void
on_mailbox_notify (MpAccountState *mailbox,
                   GParamSpec     *pspec,
                   MpWindow       *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "progress") || g_str_equal (name, "n-messages") ||
      g_str_equal (name, "n-new"))
    {
      if (!self->status_update_id)
        self->status_update_id = g_timeout_add (STATUS_INTERVAL_MS, status_update_due, self);
      return;
    }
  on_mailbox_changed (self);
}

/* The column view's own list view: the widget that has GtkListBase's actions. */
static GtkWidget *
inner_list_view (MpWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static void
scroll_to_top (MpWindow *self)
{
  GtkWidget *list = inner_list_view (self);

  g_clear_handle_id (&self->scroll_top_id, g_source_remove);
  g_clear_handle_id (&self->scroll_quiet_id, g_source_remove);
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", 0);
}

static gboolean
on_follow_top (gpointer user_data)
{
  MpWindow *self = user_data;

  self->scroll_top_id = 0;
  scroll_to_top (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_follow_top_quiet (gpointer user_data)
{
  MpWindow *self = user_data;

  self->scroll_quiet_id = 0;
  scroll_to_top (self);
  return G_SOURCE_REMOVE;
}

/* A list view keeps showing the row it showed first, so rows arriving above
 * it push the view down: a mailbox filled newest first would end up showing
 * its oldest messages.  A list that showed its top keeps showing it.  (The
 * adjustment still holds the value of the last layout here.)  It goes back to
 * the top a moment later, not at once: once rows stop coming for a moment,
 * and every FOLLOW_TOP_MS while they keep coming.  While rows arrive above the
 * view, the rows it shows stay the same and a frame costs little, while each
 * scroll to the top binds a screenful of new rows (~15 ms in GTK 4.8).
 * Scrolling after every batch made every frame of a 10,000-row check such a
 * frame. */
#define FOLLOW_TOP_MS 250
#define FOLLOW_TOP_QUIET_MS 40

static void
keep_showing_top (MpWindow *self,
                  guint     added)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->list_scroller);

  if (added == 0)
    return;
  if (self->scroll_top_id)
    {
      g_clear_handle_id (&self->scroll_quiet_id, g_source_remove);
      self->scroll_quiet_id = g_timeout_add (FOLLOW_TOP_QUIET_MS, on_follow_top_quiet, self);
      return;
    }
  if (gtk_adjustment_get_value (adj) > gtk_adjustment_get_lower (adj))
    return;
  self->scroll_top_id = g_timeout_add (FOLLOW_TOP_MS, on_follow_top, self);
  self->scroll_quiet_id = g_timeout_add (FOLLOW_TOP_QUIET_MS, on_follow_top_quiet, self);
}

/* While a large list is sorted in slices, screen readers hear it is busy. */
static void
on_sort_pending (MpSortedModel *model,
                 GParamSpec    *pspec,
                 MpWindow      *self)
{
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->column_view),
                               GTK_ACCESSIBLE_STATE_BUSY, mp_sorted_model_get_pending (model),
                               -1);
}

static gboolean
view_has_row (gpointer item,
              gpointer column_view)
{
  return mp_message_columns_has_row (column_view, item);
}

static void
on_selection_items_changed (GListModel *model,
                            guint       position,
                            guint       removed,
                            guint       added,
                            MpWindow   *self)
{
  update_placeholder (self);
  keep_showing_top (self, added);
  /* Selected rows may have left the list (deleted, filtered out). */
  if (removed > 0)
    on_selection_changed (GTK_SELECTION_MODEL (self->selection), 0, 0, self);
}

void
mp_window_update_for_current (MpWindow *self)
{
  GListModel *messages = self->current ? mp_account_state_get_messages (self->current) : NULL;

  g_signal_group_set_target (self->current_signals, self->current);
  gtk_filter_list_model_set_model (self->filter_model, messages);
  mp_window_load_preview (self, NULL, FALSE);
  mp_preview_pane_show_none (self->preview_pane, NULL);
  mp_window_layout_show_list (self);

  if (self->current)
    {
      g_autofree char *name =
        mp_account_dup_display_name (mp_account_state_get_account (self->current));
      adw_window_title_set_title (self->window_title, name);
      adw_window_title_set_subtitle (self->window_title,
                                     mp_account_get_host (mp_account_state_get_account (self->current)));
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("Mailpeek"));
      adw_window_title_set_subtitle (self->window_title, NULL);
    }
  on_mailbox_changed (self);
}

/* ---------------------------------------------------------------- accounts */

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  MpWindow *self = user_data;
  MpAccount *account = item;
  MpAccountState *mailbox = mp_session_lookup (self->session, mp_account_get_id (account));

  g_assert (mailbox != NULL);
  return mp_account_row_new (mailbox);
}

static void
on_store_items_changed (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        MpWindow   *self)
{
  /* The session (connected before any window) has already dropped the state of
   * a removed account. */
  if (self->current &&
      mp_session_lookup (self->session,
                         mp_account_get_id (mp_account_state_get_account (self->current))) != self->current)
    {
      self->current = NULL;
      mp_window_update_for_current (self);
    }
}

static void
on_store_items_changed_after (GListModel *model,
                              guint       position,
                              guint       removed,
                              guint       added,
                              MpWindow   *self)
{
  guint n = g_list_model_get_n_items (model);

  gtk_stack_set_visible_child_name (self->main_stack, n > 0 ? "main" : "empty");
  if (n > 0 && !gtk_list_box_get_selected_row (self->account_list))
    gtk_list_box_select_row (self->account_list,
                             gtk_list_box_get_row_at_index (self->account_list,
                                                            added > 0 ? (int) position : 0));
}

static void
on_account_row_selected (GtkListBox    *box,
                         GtkListBoxRow *row,
                         MpWindow      *self)
{
  MpAccountState *mailbox = row ? mp_account_row_get_mailbox (MP_ACCOUNT_ROW (row)) : NULL;

  if (mailbox == self->current)
    return;
  self->current = mailbox;
  mp_window_update_for_current (self);
}

static void
on_account_row_activated (GtkListBox    *box,
                          GtkListBoxRow *row,
                          MpWindow      *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
mp_window_select_account (MpWindow   *self,
                          const char *account_id)
{
  guint n;

  g_return_if_fail (MP_IS_WINDOW (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      if (g_strcmp0 (mp_account_get_id (account), account_id) == 0)
        {
          gtk_list_box_select_row (self->account_list,
                                   gtk_list_box_get_row_at_index (self->account_list, (int) i));
          return;
        }
    }
}

static void
on_delete_failed (MpAccountState *mailbox,
                  const GError   *error,
                  MpWindow       *self)
{
  mp_delete_controller_show_failure (self->deleter, error);
}

/* ---------------------------------------------------------------- lifecycle */

/* An uninstalled build has no compiled schema, and g_settings_new() would abort:
 * then the window simply does not remember its size. */
static GSettings *
new_settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (!schema || !g_settings_schema_has_key (schema, "window-width") ||
      !g_settings_schema_has_key (schema, "selected-account"))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static void
save_window_state (MpWindow *self)
{
  int width, height;

  if (!self->settings)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_string (self->settings, "selected-account",
                         self->current ? mp_account_get_id (mp_account_state_get_account (self->current))
                                       : "");
}

static gboolean
mp_window_close_request (GtkWindow *window)
{
  MpWindow *self = MP_WINDOW (window);

  save_window_state (self);

  /* The window goes; the session and its jobs stay (the application ends them
   * when it quits).  Deletions the user confirmed are sent now, as their undo
   * toasts go with the window; they hold the application until the server
   * answered. */
  mp_session_send_pending_deletes (self->session);

  return GTK_WINDOW_CLASS (mp_window_parent_class)->close_request (window);
}

static void
mp_window_dispose (GObject *object)
{
  MpWindow *self = MP_WINDOW (object);

  g_clear_handle_id (&self->status_update_id, g_source_remove);
  g_clear_handle_id (&self->scroll_top_id, g_source_remove);
  g_clear_handle_id (&self->scroll_quiet_id, g_source_remove);
  /* The models may still emit while they go (an incremental sort finishing):
   * nothing of the window must react any more. */
  if (self->selection)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->sort_model)
    {
      g_signal_handlers_disconnect_by_data (self->sort_model, self);
      /* It asks the column view, which goes now. */
      mp_sorted_model_set_has_row (self->sort_model, NULL, NULL);
    }
  if (self->preview_loader)
    mp_preview_loader_shutdown (self->preview_loader);
  /* Destroyed without a close request (the app quits): the same as closing. */
  if (self->session)
    mp_session_send_pending_deletes (self->session);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->settings);
  if (self->current_signals)
    g_signal_group_set_target (self->current_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), MP_TYPE_WINDOW);

  self->current = NULL;
  g_clear_object (&self->current_signals);
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->preview_loader);
  g_clear_object (&self->deleter);
  self->store = NULL;
  g_clear_object (&self->session);

  G_OBJECT_CLASS (mp_window_parent_class)->dispose (object);
}

static void
mp_window_finalize (GObject *object)
{
  MpWindow *self = MP_WINDOW (object);

  g_free (self->last_toast_title);
  G_OBJECT_CLASS (mp_window_parent_class)->finalize (object);
}

static void
mp_window_class_init (MpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mp_window_dispose;
  object_class->finalize = mp_window_finalize;
  window_class->close_request = mp_window_close_request;

  g_type_ensure (MP_TYPE_PREVIEW_PANE);
  g_type_ensure (MP_TYPE_RESIZE_BOX);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/mailpeek/Mailpeek/ui/mp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, account_list);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, content);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, error_title);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, error_details);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, trust_button);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, error_action_button);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, message_leaflet);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, list_overlay);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, preview_box);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, list_scroller);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, list_placeholder);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, preview_pane);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, progress_bar);

  mp_window_actions_install (widget_class);
}

static void
mp_window_init (MpWindow *self)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  mp_a11y_name_buttons (GTK_WIDGET (self));
  self->deleter = mp_delete_controller_new (GTK_WINDOW (self), self->toast_overlay);
  g_signal_connect_swapped (self->deleter, "toast-shown", G_CALLBACK (remember_toast), self);
  self->preview_loader = mp_preview_loader_new (self->preview_pane);
  g_signal_connect_swapped (self->preview_loader, "changed", G_CALLBACK (mp_window_update_actions), self);

  gtk_css_provider_load_from_resource (css, "/io/github/mailpeek/Mailpeek/style.css");
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->settings = new_settings_if_installed ();
  if (self->settings)
    {
      int width = g_settings_get_int (self->settings, "window-width");
      int height = g_settings_get_int (self->settings, "window-height");

      if (width > 200 && height > 200)
        gtk_window_set_default_size (GTK_WINDOW (self), width, height);
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  mp_message_columns_add (self->column_view);
  mp_message_columns_follow_settings (self->column_view, self->settings);
  self->filter = mp_message_filter_new ();
  self->filter_model = gtk_filter_list_model_new (NULL, NULL);
  gtk_filter_list_model_set_incremental (self->filter_model, TRUE);
  self->sort_model = mp_sorted_model_new (G_LIST_MODEL (self->filter_model),
                                          gtk_column_view_get_sorter (self->column_view));
  mp_sorted_model_set_has_row (self->sort_model, view_has_row, self->column_view);
  g_signal_connect (self->sort_model, "notify::pending", G_CALLBACK (on_sort_pending), self);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->sort_model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "selection-changed",
                    G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->selection, "items-changed",
                    G_CALLBACK (on_selection_items_changed), self);

  self->current_signals = g_signal_group_new (MP_TYPE_ACCOUNT_STATE);
  g_signal_group_connect (self->current_signals, "notify", G_CALLBACK (on_mailbox_notify), self);
  g_signal_group_connect (self->current_signals, "delete-failed", G_CALLBACK (on_delete_failed), self);

  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->column_view));
  g_signal_connect (self->account_list, "row-selected", G_CALLBACK (on_account_row_selected), self);
  g_signal_connect (self->account_list, "row-activated", G_CALLBACK (on_account_row_activated), self);

  mp_window_layout_init (self);
  mp_preview_pane_show_none (self->preview_pane, NULL);
  mp_window_update_actions (self);
}

static void
attach_session (MpWindow  *self,
                MpSession *session)
{
  MpAccountStore *store = mp_session_get_store (session);

  self->session = g_object_ref (session);
  self->store = store;
  g_signal_connect (store, "items-changed", G_CALLBACK (on_store_items_changed), self);
  gtk_list_box_bind_model (self->account_list, G_LIST_MODEL (store),
                           create_account_row, self, NULL);
  g_signal_connect_after (store, "items-changed", G_CALLBACK (on_store_items_changed_after), self);
  if (self->settings)
    {
      g_autofree char *selected = g_settings_get_string (self->settings, "selected-account");
      if (selected && *selected)
        mp_window_select_account (self, selected);
    }
  on_store_items_changed_after (G_LIST_MODEL (store), 0, 0, 0, self);
  mp_rules_ui_install_window (self);
}

MpWindow *
mp_window_new (MpApplication *application)
{
  MpWindow *self = g_object_new (MP_TYPE_WINDOW, NULL);

  /* Session first, application second: "window-added" listeners see a complete
   * window.  The window only shows the session: everything it lists is there
   * already, so a new window shows the rows of earlier checks at once. */
  attach_session (self, mp_application_get_session (application));
  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (application));
  return self;
}

MpSession *
mp_window_get_session (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->session;
}
