/* mp-window.c — the main window.
 *
 * Models: the selected account's MpMailboxView list → GtkFilterListModel (sender /
 * subject filter) → GtkSortListModel (the column view's sorter) → GtkMultiSelection
 * → GtkColumnView.  Filter and sort are incremental so a 10,000-row mailbox arriving
 * in batches never blocks the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-window.h"
#include "mp-account-dialog.h"
#include "mp-account-row.h"
#include "mp-error.h"
#include "mp-keyring.h"
#include "mp-scheduler.h"

struct _MpWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkListBox           *account_list;
  GtkWidget            *content;
  GtkButton            *back_button;
  AdwWindowTitle       *window_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_title;
  GtkLabel             *error_details;
  GtkButton            *trust_button;
  GtkButton            *error_action_button;
  GtkScrolledWindow    *list_scroller;
  AdwStatusPage        *list_placeholder;
  GtkColumnView        *column_view;
  MpPreviewPane        *preview_pane;
  GtkLabel             *status_label;
  GtkProgressBar       *progress_bar;

  MpAccountStore       *store;            /* owned */
  MpScheduler          *scheduler;        /* owned; periodic checks */
  GSettings            *settings;         /* owned; NULL when the schema is not installed */
  GHashTable           *mailboxes;        /* account id → MpMailboxView (owned) */
  MpMailboxView        *current;          /* borrowed from mailboxes, or NULL */
  GSignalGroup         *current_signals;  /* owned; follows current */

  GtkCustomFilter      *filter;           /* owned */
  char                 *filter_casefold;  /* owned */
  GtkFilterListModel   *filter_model;     /* owned */
  GtkSortListModel     *sort_model;       /* owned */
  GtkMultiSelection    *selection;        /* owned */

  MpMessageSummary     *previewed;        /* owned; what the preview pane shows */
  gboolean              previewed_whole;
  MpMessagePreview     *preview;          /* owned; last loaded preview */
  GCancellable         *preview_cancellable; /* owned */
  gboolean              preview_loading;

  GtkWidget            *delete_dialog;    /* borrowed while shown */
  AdwToast             *undo_toast;       /* borrowed while shown */
  char                 *last_toast_title; /* owned */
  GHashTable           *enabled_actions;  /* owned; action name → enabled (for tests) */
  guint                 status_update_id; /* throttles status updates during a check */
};

G_DEFINE_FINAL_TYPE (MpWindow, mp_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_for_current (MpWindow *self);
static void update_status (MpWindow *self);
static void update_actions (MpWindow *self);

/* ---------------------------------------------------------------- helpers */

static void
show_toast (MpWindow   *self,
            const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  g_free (self->last_toast_title);
  self->last_toast_title = g_strdup (title);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static GPtrArray *
dup_selected_summaries (MpWindow *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint pos;

  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_iter_init_first (&iter, set, &pos))
    {
      do
        g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->selection), pos));
      while (gtk_bitset_iter_next (&iter, &pos));
    }
  return items;
}

static char *
format_date (GDateTime *date)
{
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) now = NULL;

  if (!date)
    return g_strdup ("");
  local = g_date_time_to_local (date);
  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  /* Translators: short date in the message list, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

/* ---------------------------------------------------------------- columns */

typedef enum {
  COLUMN_FROM,
  COLUMN_SUBJECT,
  COLUMN_DATE,
  COLUMN_SIZE,
  COLUMN_ATTACHMENT,
} ColumnKind;

static void
update_new_class (GtkWidget        *widget,
                  MpMessageSummary *summary)
{
  if (mp_message_summary_get_is_new (summary))
    gtk_widget_add_css_class (widget, "mp-new");
  else
    gtk_widget_remove_css_class (widget, "mp-new");
}

static void
on_summary_is_new (MpMessageSummary *summary,
                   GParamSpec       *pspec,
                   GtkWidget        *widget)
{
  update_new_class (widget, summary);
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  ColumnKind kind = GPOINTER_TO_INT (user_data);
  GtkWidget *widget;

  if (kind == COLUMN_ATTACHMENT)
    {
      widget = gtk_image_new_from_icon_name ("mail-attachment-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Has attachments"),
                                      -1);
    }
  else
    {
      /* GtkInscription: the light text widget made for long lists (no min/nat
       * size from the text, cheap to create and measure). */
      widget = gtk_inscription_new (NULL);
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (widget),
                                         GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
      gtk_inscription_set_xalign (GTK_INSCRIPTION (widget), kind == COLUMN_SIZE ? 1.0f : 0.0f);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (widget), 4);
      if (kind == COLUMN_SIZE || kind == COLUMN_DATE)
        gtk_widget_add_css_class (widget, "numeric");
    }
  gtk_list_item_set_child (item, widget);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  ColumnKind kind = GPOINTER_TO_INT (user_data);
  MpMessageSummary *summary = gtk_list_item_get_item (item);
  GtkWidget *widget = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;

  switch (kind)
    {
    case COLUMN_FROM:
      {
        const char *name = mp_message_summary_get_from_name (summary);
        /* No per-cell tooltip: setting one costs more than the rest of the bind,
         * and the preview shows the full address. */
        text = g_strdup (name && *name ? name : mp_message_summary_get_from_address (summary));
      }
      break;
    case COLUMN_SUBJECT:
      {
        const char *subject = mp_message_summary_get_subject (summary);
        text = g_strdup (subject && *subject ? subject : _("(no subject)"));
      }
      break;
    case COLUMN_DATE:
      text = format_date (mp_message_summary_get_date (summary));
      break;
    case COLUMN_SIZE:
      text = g_format_size (mp_message_summary_get_size (summary));
      break;
    case COLUMN_ATTACHMENT:
      gtk_widget_set_visible (widget, mp_message_summary_get_has_attachments (summary));
      return;
    default:
      g_assert_not_reached ();
    }

  gtk_inscription_set_text (GTK_INSCRIPTION (widget), text ? text : "");
  update_new_class (widget, summary);
  g_signal_connect_object (summary, "notify::is-new",
                           G_CALLBACK (on_summary_is_new), widget, 0);
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  MpMessageSummary *summary = gtk_list_item_get_item (item);
  GtkWidget *widget = gtk_list_item_get_child (item);

  if (summary && widget)
    g_signal_handlers_disconnect_by_func (summary, on_summary_is_new, widget);
}

static int
compare_text (const char *a,
              const char *b)
{
  g_autofree char *ka = g_utf8_collate_key (a ? a : "", -1);
  g_autofree char *kb = g_utf8_collate_key (b ? b : "", -1);

  return strcmp (ka, kb);
}

static int
sort_func (gconstpointer a_,
           gconstpointer b_,
           gpointer      user_data)
{
  MpMessageSummary *a = (MpMessageSummary *) a_;
  MpMessageSummary *b = (MpMessageSummary *) b_;
  ColumnKind kind = GPOINTER_TO_INT (user_data);

  switch (kind)
    {
    case COLUMN_FROM:
      {
        const char *na = mp_message_summary_get_from_name (a);
        const char *nb = mp_message_summary_get_from_name (b);
        if (!na || !*na)
          na = mp_message_summary_get_from_address (a);
        if (!nb || !*nb)
          nb = mp_message_summary_get_from_address (b);
        return compare_text (na, nb);
      }
    case COLUMN_SUBJECT:
      return compare_text (mp_message_summary_get_subject (a),
                           mp_message_summary_get_subject (b));
    case COLUMN_DATE:
      {
        GDateTime *da = mp_message_summary_get_date (a);
        GDateTime *db = mp_message_summary_get_date (b);
        if (!da || !db)
          return (da != NULL) - (db != NULL);
        return g_date_time_compare (da, db);
      }
    case COLUMN_SIZE:
      {
        guint64 sa = mp_message_summary_get_size (a);
        guint64 sb = mp_message_summary_get_size (b);
        return (sa > sb) - (sa < sb);
      }
    case COLUMN_ATTACHMENT:
      return (int) mp_message_summary_get_has_attachments (a) -
             (int) mp_message_summary_get_has_attachments (b);
    default:
      g_assert_not_reached ();
    }
}

static void
add_column (MpWindow   *self,
            ColumnKind  kind,
            const char *title,
            gboolean    expand,
            int         fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkColumnViewColumn) column = NULL;
  g_autoptr (GtkSorter) sorter = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind), GINT_TO_POINTER (kind));

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  sorter = GTK_SORTER (gtk_custom_sorter_new (sort_func, GINT_TO_POINTER (kind), NULL));
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_append_column (self->column_view, column);
}

static void
setup_columns (MpWindow *self)
{
  add_column (self, COLUMN_FROM, _("From"), FALSE, 170);
  add_column (self, COLUMN_SUBJECT, _("Subject"), TRUE, -1);
  add_column (self, COLUMN_DATE, _("Date"), FALSE, 140);
  add_column (self, COLUMN_SIZE, _("Size"), FALSE, 85);
  /* Translators: column header of the attachment mark; keep it very short */
  add_column (self, COLUMN_ATTACHMENT, _("Att."), FALSE, 44);
}

/* ---------------------------------------------------------------- filter */

/* Both sides NFKC-normalised and case-folded, so "müller" matches "Müller" whether
 * the ü came composed or decomposed. */
static char *
fold_for_search (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normalized ? normalized : "", -1);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  MpWindow *self = user_data;
  MpMessageSummary *summary = item;
  g_autofree char *from = NULL;
  g_autofree char *from_cf = NULL;
  g_autofree char *subject_cf = NULL;

  if (!self->filter_casefold || !*self->filter_casefold)
    return TRUE;

  from = mp_message_summary_dup_from_display (summary);
  from_cf = fold_for_search (from);
  if (strstr (from_cf, self->filter_casefold))
    return TRUE;
  subject_cf = fold_for_search (mp_message_summary_get_subject (summary));
  return strstr (subject_cf, self->filter_casefold) != NULL;
}

static void
on_search_changed (GtkSearchEntry *entry,
                   MpWindow       *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *casefold = fold_for_search (text);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (casefold, self->filter_casefold) == 0)
    return;
  if (self->filter_casefold && g_str_has_prefix (casefold, self->filter_casefold))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->filter_casefold && g_str_has_prefix (self->filter_casefold, casefold))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  g_free (self->filter_casefold);
  self->filter_casefold = g_steal_pointer (&casefold);
  /* No filter text: no filter at all, so rows pass straight through without a
   * per-row filter pass (10,000 rows stream in while nobody filters). */
  if (!*self->filter_casefold)
    gtk_filter_list_model_set_filter (self->filter_model, NULL);
  else if (!gtk_filter_list_model_get_filter (self->filter_model))
    gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  else
    gtk_filter_changed (GTK_FILTER (self->filter), change);
}

void
mp_window_set_filter_text (MpWindow   *self,
                           const char *text)
{
  g_return_if_fail (MP_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, text && *text);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* GtkSearchEntry delays "search-changed"; apply at once. */
  on_search_changed (self->search_entry, self);
}

/* ---------------------------------------------------------------- preview */

static void
preview_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (MpWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MpMessagePreview) preview = NULL;
  g_autofree char *from = NULL;

  preview = mp_mailbox_view_fetch_preview_finish (MP_MAILBOX_VIEW (source), result, &error);
  /* The window may be closing, or another row was selected meanwhile. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      gtk_widget_in_destruction (GTK_WIDGET (self)) || !self->previewed)
    return;
  self->preview_loading = FALSE;
  if (!preview)
    {
      g_autofree char *msg = g_strdup_printf ("%s\n%s",
                                              mp_mailbox_view_error_title (error),
                                              error->message);
      mp_preview_pane_show_error (self->preview_pane, msg);
      update_actions (self);
      return;
    }

  g_set_object (&self->preview, preview);
  from = mp_message_summary_dup_from_display (self->previewed);
  mp_preview_pane_show_body (self->preview_pane,
                             from,
                             mp_message_summary_get_to (self->previewed),
                             mp_message_summary_get_subject (self->previewed),
                             mp_message_summary_get_date (self->previewed),
                             mp_message_preview_get_text (preview),
                             mp_message_preview_get_attachments (preview),
                             mp_message_preview_get_is_complete (preview),
                             self->current ? mp_account_get_preview_lines (mp_mailbox_view_get_account (self->current)) : 0);
  update_actions (self);
}

static void
load_preview (MpWindow         *self,
              MpMessageSummary *summary,
              gboolean          whole)
{
  g_autofree char *from = NULL;

  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  g_clear_object (&self->preview);
  g_set_object (&self->previewed, summary);
  self->previewed_whole = whole;
  self->preview_loading = FALSE;

  if (!summary || !self->current)
    {
      update_actions (self);
      return;
    }

  from = mp_message_summary_dup_from_display (summary);
  mp_preview_pane_show_loading (self->preview_pane, from,
                                mp_message_summary_get_to (summary),
                                mp_message_summary_get_subject (summary),
                                mp_message_summary_get_date (summary));
  self->preview_cancellable = g_cancellable_new ();
  self->preview_loading = TRUE;
  mp_mailbox_view_fetch_preview (self->current, summary, whole,
                                 self->preview_cancellable,
                                 preview_loaded, g_object_ref (self));
  update_actions (self);
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
      if (summary != self->previewed)
        load_preview (self, summary, FALSE);
    }
  else
    {
      g_autofree char *title = NULL;

      load_preview (self, NULL, FALSE);
      if (n_selected > 1)
        title = g_strdup_printf (ngettext ("%u Message Selected",
                                           "%u Messages Selected", (gulong) n_selected),
                                 (guint) n_selected);
      mp_preview_pane_show_none (self->preview_pane, title);
    }
  update_actions (self);
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

  text = mp_mailbox_view_dup_status_text (self->current);
  gtk_label_set_text (self->status_label, text);

  mp_mailbox_view_get_progress (self->current, &done, &total);
  if (mp_mailbox_view_get_state (self->current) == MP_MAILBOX_STATE_CHECKING)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
      /* No pulsing while connecting: activity mode animates by reallocating the
       * bar every frame, and every relayout costs X11 round trips (the sidebar's
       * spinner already shows that something runs). */
      gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0.0);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);

  error = mp_mailbox_view_get_error (self->current);
  if (error)
    {
      const char *fingerprint = NULL;
      g_autofree char *details = NULL;
      gboolean password_problem =
        g_error_matches (error, MP_ERROR, MP_ERROR_AUTH) ||
        g_error_matches (error, MP_ERROR, MP_ERROR_NEEDS_PASSWORD) ||
        g_error_matches (error, MP_ERROR, MP_ERROR_INSECURE) ||
        g_error_matches (error, MP_ERROR, MP_ERROR_CONFIG);

      if (g_error_matches (error, MP_ERROR, MP_ERROR_CERTIFICATE))
        fingerprint = mp_error_get_fingerprint (error);
      if (fingerprint && !strstr (error->message, fingerprint))
        /* Translators: %s is the server's error message, then a certificate fingerprint */
        details = g_strdup_printf (_("%s\nSHA-256 fingerprint: %s"), error->message, fingerprint);
      else
        details = g_strdup (error->message);

      gtk_label_set_text (self->error_title, mp_mailbox_view_error_title (error));
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
  MpMailboxState state = self->current ? mp_mailbox_view_get_state (self->current)
                                       : MP_MAILBOX_STATE_IDLE;

  /* The placeholder lies over the (empty) list, so the column view is on screen
   * from the start and the first rows of a check cost no mapping of it. */
  if (n_shown > 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->list_placeholder), FALSE);
      return;
    }
  if (self->filter_casefold && *self->filter_casefold &&
      self->current && mp_mailbox_view_get_n_messages (self->current) > 0)
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
  else if (!self->current || !mp_mailbox_view_get_last_check (self->current))
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
  g_hash_table_insert (self->enabled_actions, (gpointer) action, GINT_TO_POINTER (enabled));
}

gboolean
mp_window_get_action_enabled (MpWindow   *self,
                              const char *action)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), FALSE);
  return GPOINTER_TO_INT (g_hash_table_lookup (self->enabled_actions, action));
}

static void
update_actions (MpWindow *self)
{
  gboolean checking = self->current &&
    mp_mailbox_view_get_state (self->current) == MP_MAILBOX_STATE_CHECKING;
  GtkBitset *set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gboolean any_selected = !gtk_bitset_is_empty (set);
  const GError *error = self->current ? mp_mailbox_view_get_error (self->current) : NULL;

  gtk_bitset_unref (set);
  set_enabled (self, "win.check", self->current && !checking);
  set_enabled (self, "win.stop", checking || self->preview_loading);
  set_enabled (self, "win.delete", self->current && any_selected);
  set_enabled (self, "win.edit-account", self->current != NULL);
  set_enabled (self, "win.remove-account", self->current != NULL);
  set_enabled (self, "win.load-whole",
                                 self->preview && !mp_message_preview_get_is_complete (self->preview));
  set_enabled (self, "win.view-source", self->preview != NULL);
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
  update_actions (self);
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
on_mailbox_notify (MpMailboxView *mailbox,
                   GParamSpec    *pspec,
                   MpWindow      *self)
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

static void
on_selection_items_changed (GListModel *model,
                            guint       position,
                            guint       removed,
                            guint       added,
                            MpWindow   *self)
{
  update_placeholder (self);
  /* Selected rows may have left the list (deleted, filtered out). */
  if (removed > 0)
    on_selection_changed (GTK_SELECTION_MODEL (self->selection), 0, 0, self);
}

static void
update_for_current (MpWindow *self)
{
  GListModel *messages = self->current ? mp_mailbox_view_get_messages (self->current) : NULL;

  g_signal_group_set_target (self->current_signals, self->current);
  gtk_filter_list_model_set_model (self->filter_model, messages);
  load_preview (self, NULL, FALSE);
  mp_preview_pane_show_none (self->preview_pane, NULL);

  if (self->current)
    {
      g_autofree char *name =
        mp_account_dup_display_name (mp_mailbox_view_get_account (self->current));
      adw_window_title_set_title (self->window_title, name);
      adw_window_title_set_subtitle (self->window_title,
                                     mp_account_get_host (mp_mailbox_view_get_account (self->current)));
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
  MpMailboxView *mailbox = g_hash_table_lookup (self->mailboxes, mp_account_get_id (account));

  g_assert (mailbox != NULL);
  return mp_account_row_new (mailbox);
}

static void
on_check_finished (MpMailboxView *mailbox,
                   const GError  *error,
                   MpWindow      *self)
{
  const char *id = mp_account_get_id (mp_mailbox_view_get_account (mailbox));

  if (!self->scheduler)
    return;
  if (error)
    mp_scheduler_report_failure (self->scheduler, id, error);
  else
    mp_scheduler_report_success (self->scheduler, id);
}

static void
on_check_due (MpScheduler *scheduler,
              const char  *account_id,
              MpWindow    *self)
{
  MpMailboxView *mailbox = g_hash_table_lookup (self->mailboxes, account_id);

  if (mailbox)
    mp_mailbox_view_check (mailbox);
}

static void
on_account_interval_changed (MpAccount  *account,
                             GParamSpec *pspec,
                             MpWindow   *self)
{
  if (self->scheduler)
    mp_scheduler_set_interval (self->scheduler, mp_account_get_id (account),
                               mp_account_get_check_interval (account));
}

static void
sync_mailboxes (MpWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->store);
  guint n = g_list_model_get_n_items (model);
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (model, i);
      const char *id = mp_account_get_id (account);

      g_hash_table_add (present, (gpointer) id);
      if (!g_hash_table_contains (self->mailboxes, id))
        {
          MpMailboxView *mailbox = mp_mailbox_view_new (account);

          g_hash_table_insert (self->mailboxes, g_strdup (id), mailbox);
          g_signal_connect_object (mailbox, "check-finished",
                                   G_CALLBACK (on_check_finished), self, 0);
          g_signal_connect_object (account, "notify::check-interval",
                                   G_CALLBACK (on_account_interval_changed), self, 0);
          /* The first check is due at once (the scheduler emits it from an idle);
           * MAILPEEK_TEST_NO_AUTOCHECK lets a test start it itself. */
          mp_scheduler_add_account (self->scheduler, id,
                                    mp_account_get_check_interval (account),
                                    g_getenv ("MAILPEEK_TEST_NO_AUTOCHECK")
                                      ? (gint64) G_USEC_PER_SEC * 3600 : 0);
        }
    }

  g_hash_table_iter_init (&iter, self->mailboxes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (present, key))
      {
        /* Removing an account cancels its jobs. */
        mp_scheduler_remove_account (self->scheduler, key);
        mp_mailbox_view_shutdown (value);
        if (self->current == value)
          {
            self->current = NULL;
            update_for_current (self);
          }
        g_hash_table_iter_remove (&iter);
      }
}

static void
on_store_items_changed (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        MpWindow   *self)
{
  /* Runs before the list box (connected first) so rows find their mailbox. */
  sync_mailboxes (self);
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
  MpMailboxView *mailbox = row ? mp_account_row_get_mailbox (MP_ACCOUNT_ROW (row)) : NULL;

  if (mailbox == self->current)
    return;
  self->current = mailbox;
  update_for_current (self);
}

static void
on_account_row_activated (GtkListBox    *box,
                          GtkListBoxRow *row,
                          MpWindow      *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_back_clicked (GtkButton *button,
                 MpWindow  *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
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
save_store (MpWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!mp_account_store_save (self->store, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not save the accounts: %s"),
                                              error->message);
      show_toast (self, msg);
    }
}

static void
on_account_dialog_saved (MpAccountDialog *dialog,
                         MpAccount       *account,
                         gboolean         is_new,
                         MpWindow        *self)
{
  MpMailboxView *mailbox;

  if (is_new)
    {
      mp_account_store_add (self->store, account);
      mp_window_select_account (self, mp_account_get_id (account));
    }
  save_store (self);
  mailbox = g_hash_table_lookup (self->mailboxes, mp_account_get_id (account));
  if (mailbox)
    {
      mp_mailbox_view_stop (mailbox);
      mp_mailbox_view_check (mailbox);
    }
  if (mailbox == self->current)
    update_for_current (self);
}

static void
add_account_activated (GtkWidget  *widget,
                       const char *action,
                       GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  MpAccountDialog *dialog = mp_account_dialog_new (GTK_WINDOW (self), NULL);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_account_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_account_activated (GtkWidget  *widget,
                        const char *action,
                        GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  MpAccountDialog *dialog;

  if (!self->current)
    return;
  dialog = mp_account_dialog_new (GTK_WINDOW (self),
                                  mp_mailbox_view_get_account (self->current));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_account_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  MpWindow *self = user_data;
  const char *id = g_object_get_data (G_OBJECT (dialog), "account-id");

  if (g_strcmp0 (response, "remove") != 0 || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  /* items-changed → sync_mailboxes() cancels the account's jobs. */
  if (mp_account_store_remove (self->store, id))
    {
      save_store (self);
      mp_keyring_clear_async (id, NULL, NULL, NULL);
    }
}

static void
remove_account_activated (GtkWidget  *widget,
                          const char *action,
                          GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  MpAccount *account;
  g_autofree char *name = NULL;
  GtkWidget *dialog;

  if (!self->current)
    return;
  account = mp_mailbox_view_get_account (self->current);
  name = mp_account_dup_display_name (account);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove Account?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” will be removed from Mailpeek with its stored password. "
                                    "Messages on the server are not touched."), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account-id",
                          g_strdup (mp_account_get_id (account)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------- actions */

static void
check_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  if (self->current)
    mp_mailbox_view_check (self->current);
}

static void
stop_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  if (self->current)
    mp_mailbox_view_stop (self->current);
  /* Stop also ends a preview (or whole message) still loading. */
  if (self->preview_loading)
    {
      g_cancellable_cancel (self->preview_cancellable);
      self->preview_loading = FALSE;
      mp_preview_pane_show_error (self->preview_pane, _("Loading was stopped."));
    }
  update_actions (self);
}

static void
find_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
select_all_activated (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);

  /* Ctrl+A in the search entry selects its text instead. */
  if (gtk_widget_has_focus (GTK_WIDGET (self->search_entry)) ||
      gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (self)), GTK_WIDGET (self->search_entry)))
    {
      gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
      return;
    }
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

typedef struct {
  MpWindow      *window;   /* owned */
  MpMailboxView *mailbox;  /* owned */
  guint          id;
  gboolean       done;     /* undone or committed */
} PendingDelete;

static void
pending_delete_free (gpointer data)
{
  PendingDelete *pd = data;

  g_object_unref (pd->window);
  g_object_unref (pd->mailbox);
  g_free (pd);
}

static void
on_undo_clicked (AdwToast      *toast,
                 PendingDelete *pd)
{
  if (pd->done)
    return;
  pd->done = TRUE;
  mp_mailbox_view_undo_delete (pd->mailbox, pd->id);
}

static void
on_undo_toast_dismissed (AdwToast      *toast,
                         PendingDelete *pd)
{
  if (pd->window->undo_toast == toast)
    pd->window->undo_toast = NULL;
  if (pd->done)
    return;
  pd->done = TRUE;
  /* The undo period is over: only now is anything sent to the server. */
  mp_mailbox_view_commit_delete (pd->mailbox, pd->id);
}

static void
start_delete (MpWindow  *self,
              GPtrArray *summaries)
{
  PendingDelete *pd;
  AdwToast *toast;
  g_autofree char *title = NULL;
  guint n = summaries->len;

  pd = g_new0 (PendingDelete, 1);
  pd->window = g_object_ref (self);
  pd->mailbox = g_object_ref (self->current);
  pd->id = mp_mailbox_view_delete_later (self->current, summaries);

  title = g_strdup_printf (ngettext ("%u message will be deleted from the server",
                                     "%u messages will be deleted from the server", n), n);
  toast = adw_toast_new (title);
  g_free (self->last_toast_title);
  self->last_toast_title = g_strdup (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 5);
  /* Normal priority, never dismissed from code: libadwaita 1.2 aborts or crashes
   * when an interrupted or dismissed toast's widget is still hiding.  Should
   * another toast be showing, this one waits; its undo period starts when shown. */
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_clicked), pd);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), pd,
                         (GClosureNotify) (void (*) (void)) pending_delete_free, 0);
  self->undo_toast = toast;
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  MpWindow *self = user_data;
  GPtrArray *summaries = g_object_get_data (G_OBJECT (dialog), "summaries");

  if (self->delete_dialog == GTK_WIDGET (dialog))
    self->delete_dialog = NULL;
  if (g_strcmp0 (response, "delete") != 0 || !self->current ||
      gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  start_delete (self, summaries);
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  g_autoptr (GPtrArray) summaries = dup_selected_summaries (self);
  g_autofree char *heading = NULL;
  g_autofree char *size_text = NULL;
  guint64 total = 0;
  GtkWidget *dialog;

  if (!self->current || summaries->len == 0 || self->delete_dialog)
    return;

  for (guint i = 0; i < summaries->len; i++)
    total += mp_message_summary_get_size (g_ptr_array_index (summaries, i));
  size_text = g_format_size (total);

  heading = g_strdup_printf (ngettext ("Delete %u Message from the Server?",
                                       "Delete %u Messages from the Server?", summaries->len),
                             summaries->len);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  ngettext ("%s will be removed from the server for good. "
                                            "Any mail program that has not downloaded it yet will never see it.",
                                            "%s in total will be removed from the server for good. "
                                            "Any mail program that has not downloaded them yet will never see them.",
                                            summaries->len),
                                  size_text);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "summaries",
                          g_ptr_array_ref (summaries), (GDestroyNotify) g_ptr_array_unref);
  /* "response" may come more than once (a response, then the close response). */
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  self->delete_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_delete_failed (MpMailboxView *mailbox,
                  const GError  *error,
                  MpWindow      *self)
{
  g_autofree char *msg = NULL;

  if (g_error_matches (error, MP_ERROR, MP_ERROR_NOT_DELETED))
    msg = g_strdup (_("Nothing was deleted: the server did not confirm the deletion"));
  else
    /* Translators: %s is the reason in plain words */
    msg = g_strdup_printf (_("Nothing was deleted: %s"), mp_mailbox_view_error_title (error));
  show_toast (self, msg);
}

static void
load_whole_activated (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  g_autoptr (MpMessageSummary) summary = NULL;

  if (!self->previewed)
    return;
  summary = g_object_ref (self->previewed);
  load_preview (self, summary, TRUE);
}

static void
view_source_activated (GtkWidget  *widget,
                       const char *action,
                       GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  GtkWidget *window, *box, *header, *scroller, *view;
  GtkTextBuffer *buffer;

  if (!self->preview)
    return;

  window = adw_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_title (GTK_WINDOW (window), _("Message Source"));
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 560);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Message Source"),
                                                         mp_message_summary_get_subject (self->previewed)));
  gtk_box_append (GTK_BOX (box), header);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  view = gtk_text_view_new ();
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Raw message headers"), -1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, mp_message_preview_get_raw_headers (self->preview), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

static void
trust_certificate_activated (GtkWidget  *widget,
                             const char *action,
                             GVariant   *param)
{
  MpWindow *self = MP_WINDOW (widget);
  const GError *error;
  const char *fingerprint;

  if (!self->current)
    return;
  error = mp_mailbox_view_get_error (self->current);
  if (!error || !g_error_matches (error, MP_ERROR, MP_ERROR_CERTIFICATE))
    return;
  fingerprint = mp_error_get_fingerprint (error);
  if (!fingerprint)
    return;
  mp_mailbox_view_trust_certificate (self->current, fingerprint);
  save_store (self);
  mp_mailbox_view_check (self->current);
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
                         self->current ? mp_account_get_id (mp_mailbox_view_get_account (self->current))
                                       : "");
}

static gboolean
mp_window_close_request (GtkWindow *window)
{
  MpWindow *self = MP_WINDOW (window);
  GHashTableIter iter;
  gpointer value;

  save_window_state (self);

  /* Closing the window cancels its jobs.  Deletions the user confirmed are sent
   * now, without waiting for the undo toast; they hold the application until the
   * server answered. */
  g_hash_table_iter_init (&iter, self->mailboxes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      mp_mailbox_view_send_pending_deletes (value);
      mp_mailbox_view_shutdown (value);
    }

  return GTK_WINDOW_CLASS (mp_window_parent_class)->close_request (window);
}

static void
mp_window_dispose (GObject *object)
{
  MpWindow *self = MP_WINDOW (object);

  g_clear_handle_id (&self->status_update_id, g_source_remove);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  if (self->mailboxes)
    {
      GHashTableIter iter;
      gpointer value;

      /* Destroyed without a close request (the app quits): the same as closing. */
      g_hash_table_iter_init (&iter, self->mailboxes);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          mp_mailbox_view_send_pending_deletes (value);
          mp_mailbox_view_shutdown (value);
        }
    }
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->scheduler)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);
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
  g_clear_object (&self->previewed);
  g_clear_object (&self->preview);
  g_clear_object (&self->preview_cancellable);
  g_clear_pointer (&self->mailboxes, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (mp_window_parent_class)->dispose (object);
}

static void
mp_window_finalize (GObject *object)
{
  MpWindow *self = MP_WINDOW (object);

  g_free (self->filter_casefold);
  g_free (self->last_toast_title);
  g_clear_pointer (&self->enabled_actions, g_hash_table_unref);
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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/mailpeek/Mailpeek/ui/mp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MpWindow, toast_overlay);
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
  gtk_widget_class_bind_template_child (widget_class, MpWindow, list_scroller);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, list_placeholder);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, preview_pane);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MpWindow, progress_bar);

  gtk_widget_class_install_action (widget_class, "win.check", NULL, check_activated);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_activated);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_activated);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_activated);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_activated);
  gtk_widget_class_install_action (widget_class, "win.edit-account", NULL, edit_account_activated);
  gtk_widget_class_install_action (widget_class, "win.remove-account", NULL, remove_account_activated);
  gtk_widget_class_install_action (widget_class, "win.load-whole", NULL, load_whole_activated);
  gtk_widget_class_install_action (widget_class, "win.view-source", NULL, view_source_activated);
  gtk_widget_class_install_action (widget_class, "win.trust-certificate", NULL, trust_certificate_activated);
}

static void
mp_window_init (MpWindow *self)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_css_provider_load_from_resource (css, "/io/github/mailpeek/Mailpeek/style.css");
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->mailboxes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->enabled_actions = g_hash_table_new (g_str_hash, g_str_equal);
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
  self->scheduler = mp_scheduler_new (NULL, g_random_int (), TRUE);
  g_signal_connect (self->scheduler, "check-due", G_CALLBACK (on_check_due), self);

  setup_columns (self);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, NULL);
  gtk_filter_list_model_set_incremental (self->filter_model, TRUE);
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filter_model)),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_sort_list_model_set_incremental (self->sort_model, TRUE);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->sort_model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "selection-changed",
                    G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->selection, "items-changed",
                    G_CALLBACK (on_selection_items_changed), self);

  self->current_signals = g_signal_group_new (MP_TYPE_MAILBOX_VIEW);
  g_signal_group_connect (self->current_signals, "notify", G_CALLBACK (on_mailbox_notify), self);
  g_signal_group_connect (self->current_signals, "delete-failed", G_CALLBACK (on_delete_failed), self);

  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->column_view));
  g_signal_connect (self->back_button, "clicked", G_CALLBACK (on_back_clicked), self);
  g_signal_connect (self->account_list, "row-selected", G_CALLBACK (on_account_row_selected), self);
  g_signal_connect (self->account_list, "row-activated", G_CALLBACK (on_account_row_activated), self);

  mp_preview_pane_show_none (self->preview_pane, NULL);
  update_actions (self);
}

static void
attach_store (MpWindow       *self,
              MpAccountStore *store)
{
  self->store = g_object_ref (store);
  g_signal_connect (store, "items-changed", G_CALLBACK (on_store_items_changed), self);
  sync_mailboxes (self);
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
}

MpWindow *
mp_window_new (MpApplication *application)
{
  MpWindow *self = g_object_new (MP_TYPE_WINDOW, NULL);

  /* Store first, application second: "window-added" listeners see a complete window. */
  attach_store (self, mp_application_get_account_store (application));
  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (application));
  return self;
}

MpAccountStore *
mp_window_get_store (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->store;
}

MpMailboxView *
mp_window_get_current_mailbox (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->current;
}

MpMailboxView *
mp_window_lookup_mailbox (MpWindow   *self,
                          const char *account_id)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return g_hash_table_lookup (self->mailboxes, account_id);
}

gboolean
mp_window_sort_by (MpWindow   *self,
                   guint       column,
                   gboolean    descending)
{
  GListModel *columns;
  g_autoptr (GtkColumnViewColumn) col = NULL;

  g_return_val_if_fail (MP_IS_WINDOW (self), FALSE);

  columns = gtk_column_view_get_columns (self->column_view);
  if (column >= g_list_model_get_n_items (columns))
    return FALSE;
  col = g_list_model_get_item (columns, column);
  /* What a click on the column header does. */
  gtk_column_view_sort_by_column (self->column_view, col,
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  return TRUE;
}

guint
mp_window_get_pending (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), 0);
  return gtk_filter_list_model_get_pending (self->filter_model) +
         gtk_sort_list_model_get_pending (self->sort_model) +
         (self->current ? mp_mailbox_view_get_n_incoming (self->current) : 0);
}

GtkSelectionModel *
mp_window_get_selection (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

MpPreviewPane *
mp_window_get_preview_pane (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->preview_pane;
}

GtkWidget *
mp_window_get_delete_dialog (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->delete_dialog;
}

AdwToast *
mp_window_get_undo_toast (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->undo_toast;
}

const char *
mp_window_get_last_toast_title (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->last_toast_title;
}

char *
mp_window_dup_status_text (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return g_strdup (gtk_label_get_text (self->status_label));
}

char *
mp_window_dup_error_text (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->error_revealer))
    return NULL;
  return g_strdup_printf ("%s\n%s", gtk_label_get_text (self->error_title),
                          gtk_label_get_text (self->error_details));
}
