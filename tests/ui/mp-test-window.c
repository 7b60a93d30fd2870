/* mp-test-window.c — see mp-test-window.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-test-window.h"
#include "mp-choice-row.h"
#include "mp-delete-controller-private.h"
#include "mp-window-private.h"
#include "mp-test-json.h"

/* Received rows not yet in the list model (they go in a few per frame). */
static guint
incoming (MpAccountState *mailbox)
{
  return mp_account_state_get_n_messages (mailbox) -
         g_list_model_get_n_items (mp_account_state_get_messages (mailbox));
}

MpAccountState *
mp_test_window_get_current_mailbox (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->current;
}

GtkSelectionModel *
mp_test_window_get_selection (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

gboolean
mp_test_window_sort_by (MpWindow   *self,
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
mp_test_window_get_pending (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), 0);
  return gtk_filter_list_model_get_pending (self->filter_model) +
         mp_sorted_model_get_pending (self->sort_model) +
         (self->current ? incoming (self->current) : 0);
}

MpPreviewPane *
mp_test_window_get_preview_pane (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->preview_pane;
}

GtkWidget *
mp_test_window_get_delete_dialog (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->deleter->dialog;
}

gint64
mp_test_window_get_next_check_due (MpWindow   *self,
                                   const char *account_id)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), -1);
  return mp_scheduler_get_next_due (mp_session_get_scheduler (self->session), account_id);
}

GMenuModel *
mp_test_window_get_primary_menu (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->primary_menu;
}

AdwToast *
mp_test_window_get_undo_toast (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->deleter->undo_toast;
}

const char *
mp_test_window_get_last_toast_title (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return self->last_toast_title;
}

void
mp_test_window_set_filter_text (MpWindow   *self,
                                const char *text)
{
  g_return_if_fail (MP_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, text && *text);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* GtkSearchEntry delays "search-changed"; apply at once. */
  g_signal_emit_by_name (self->search_entry, "search-changed");
}

char *
mp_test_window_dup_status_text (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  return g_strdup (gtk_label_get_text (self->status_label));
}

char *
mp_test_window_dup_error_text (MpWindow *self)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->error_revealer))
    return NULL;
  return g_strdup_printf ("%s\n%s", gtk_label_get_text (self->error_title),
                               gtk_label_get_text (self->error_details));
}

/* Whether a button bound to @action (a GtkActionable) under @widget is sensitive:
 * GtkActionHelper makes the widgets of a disabled action insensitive. */
static gboolean
actionable_sensitive (GtkWidget  *widget,
                      const char *action)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_ACTIONABLE (c) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (c)), action) == 0 &&
          gtk_widget_get_sensitive (c))
        return TRUE;
      if (actionable_sensitive (c, action))
        return TRUE;
    }
  return FALSE;
}

gboolean
mp_test_window_get_action_enabled (MpWindow   *self,
                                   const char *action)
{
  g_return_val_if_fail (MP_IS_WINDOW (self), FALSE);
  return actionable_sensitive (GTK_WIDGET (self), action);
}

/* ---- the preview pane and the account dialog, through their template children */

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);
}

char *
mp_test_preview_dup_text (MpPreviewPane *pane)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (child (pane, MP_TYPE_PREVIEW_PANE, "body_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

const char *
mp_test_preview_get_state (MpPreviewPane *pane)
{
  GtkStack *stack = child (pane, MP_TYPE_PREVIEW_PANE, "stack");

  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "none") == 0)
    return "none";
  return gtk_stack_get_visible_child_name (child (pane, MP_TYPE_PREVIEW_PANE, "body_stack"));
}

/* Positions of the security combo (security_values in mp-account-dialog.c). */
static const char * const security_names[] = { "tls", "starttls", "none" };

static gboolean
set_security (MpAccountDialog *dialog,
              const char      *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (security_names); i++)
    if (g_str_equal (value, security_names[i]))
      {
        mp_choice_row_set_selected (child (dialog, MP_TYPE_ACCOUNT_DIALOG, "security_row"), i);
        return TRUE;
      }
  return FALSE;
}

gboolean
mp_test_account_dialog_set_field (MpAccountDialog *dialog,
                                  const char      *field,
                                  const char      *value)
{
  static const struct { const char *field, *entry, *spin; } fields[] = {
    { "name", "name_row", NULL },
    { "host", "host_row", NULL },
    { "user", "username_row", NULL },
    { "password", "password_entry", NULL },
    { "port", NULL, "port_spin" },
    { "interval", NULL, "interval_spin" },
    { "preview", NULL, "preview_spin" },
  };
  GType type = MP_TYPE_ACCOUNT_DIALOG;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (!g_str_equal (field, fields[i].field))
        continue;
      if (fields[i].entry)
        gtk_editable_set_text (child (dialog, type, fields[i].entry), value);
      else
        gtk_spin_button_set_value (child (dialog, type, fields[i].spin),
                                   g_ascii_strtod (value, NULL));
      return TRUE;
    }
  if (g_str_equal (field, "notify"))
    gtk_switch_set_active (child (dialog, type, "notify_switch"), g_str_equal (value, "true"));
  else if (g_str_equal (field, "auth"))
    mp_choice_row_set_selected (child (dialog, type, "auth_row"),
                                (guint) g_ascii_strtoull (value, NULL, 10));
  else if (g_str_equal (field, "security"))
    return set_security (dialog, value);
  else
    return FALSE;
  return TRUE;
}

gboolean
mp_test_account_dialog_click (MpAccountDialog *dialog,
                              const char      *button)
{
  g_autofree char *name = g_strdup_printf ("%s_button", button);
  GtkWidget *target;

  if (!g_strv_contains ((const char * const[]) { "test", "save", "cancel", "trust", NULL }, button))
    return FALSE;
  target = child (dialog, MP_TYPE_ACCOUNT_DIALOG, name);
  if (!target || !gtk_widget_is_sensitive (target) || !gtk_widget_get_visible (target))
    return FALSE;
  g_signal_emit_by_name (target, "clicked");
  return TRUE;
}

/* The spinner turns while "Test connection" waits for the server. */
gboolean
mp_test_account_dialog_is_testing (MpAccountDialog *dialog)
{
  return gtk_spinner_get_spinning (child (dialog, MP_TYPE_ACCOUNT_DIALOG, "test_spinner"));
}

const char *
mp_test_account_dialog_get_test_result (MpAccountDialog *dialog)
{
  return gtk_label_get_text (child (dialog, MP_TYPE_ACCOUNT_DIALOG, "test_result"));
}

GtkScrolledWindow *
mp_test_window_get_list_scroller (MpWindow *self)
{
  return self->list_scroller;
}

/* Every GtkColumnViewTitle (a private type) under @widget, in order. */
static void
collect_titles (GtkWidget *widget,
                GPtrArray *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (g_str_equal (G_OBJECT_TYPE_NAME (c), "GtkColumnViewTitle"))
        g_ptr_array_add (out, c);
      else
        collect_titles (c, out);
    }
}

static GtkLabel *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return GTK_LABEL (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *label = find_label (c);
      if (label)
        return label;
    }
  return NULL;
}

static void
describe_columns (MpWindow *self,
                  GString  *s)
{
  g_autoptr (GPtrArray) titles = g_ptr_array_new ();
  graphene_rect_t area;

  /* The part of the list a user sees: the scrolled window's viewport. */
  if (!gtk_widget_compute_bounds (GTK_WIDGET (self->list_scroller), GTK_WIDGET (self), &area))
    graphene_rect_init (&area, 0, 0, 0, 0);
  mp_test_json_add_int (s, "list_x", (gint64) area.origin.x);
  mp_test_json_add_int (s, "list_width", (gint64) area.size.width);
  collect_titles (GTK_WIDGET (self->column_view), titles);
  g_string_append (s, ",\"columns\":[");
  for (guint i = 0; i < titles->len; i++)
    {
      GtkWidget *title = g_ptr_array_index (titles, i);
      GtkLabel *label = find_label (title);
      graphene_rect_t b;
      int label_nat = 0;

      if (!gtk_widget_compute_bounds (title, GTK_WIDGET (self), &b))
        graphene_rect_init (&b, -1, -1, 0, 0);
      if (label)
        gtk_widget_measure (GTK_WIDGET (label), GTK_ORIENTATION_HORIZONTAL, -1,
                            NULL, &label_nat, NULL, NULL);
      g_string_append (s, i > 0 ? ",{" : "{");
      g_string_append (s, "\"title\":");
      mp_test_json_string (s, label ? gtk_label_get_text (label) : "");
      mp_test_json_add_int (s, "x", (gint64) b.origin.x);
      mp_test_json_add_int (s, "width", (gint64) b.size.width);
      mp_test_json_add_int (s, "label_width", label ? gtk_widget_get_width (GTK_WIDGET (label)) : 0);
      mp_test_json_add_int (s, "label_natural", label_nat);
      mp_test_json_add_bool (s, "ellipsized",
                             label && pango_layout_is_ellipsized (gtk_label_get_layout (label)));
      mp_test_json_add_bool (s, "inside",
                             b.size.width > 0 && b.origin.x >= area.origin.x &&
                             b.origin.x + b.size.width <= area.origin.x + area.size.width + 0.5);
      g_string_append_c (s, '}');
    }
  g_string_append_c (s, ']');
}

void
mp_test_window_describe_layout (MpWindow *self,
                                GString  *s)
{
  GtkWidget *preview = GTK_WIDGET (self->preview_pane);
  int dw = 0, dh = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &dw, &dh);
  g_string_append_printf (s, ",\"default_size\":[%d,%d]", dw, dh);

  mp_test_json_add_int (s, "window_width", gtk_widget_get_width (GTK_WIDGET (self)));
  mp_test_json_add_int (s, "window_height", gtk_widget_get_height (GTK_WIDGET (self)));
  mp_test_json_add_bool (s, "sidebar_folded", adw_leaflet_get_folded (self->leaflet));
  mp_test_json_add_bool (s, "messages_folded", adw_leaflet_get_folded (self->message_leaflet));
  mp_test_json_add_str (s, "page", adw_leaflet_get_visible_child_name (self->message_leaflet));
  mp_test_json_add_bool (s, "list_mapped", gtk_widget_get_mapped (self->list_overlay));
  mp_test_json_add_bool (s, "preview_mapped", gtk_widget_get_mapped (preview));
  mp_test_json_add_int (s, "preview_width", gtk_widget_get_mapped (preview) ? gtk_widget_get_width (preview) : 0);
  mp_test_json_add_int (s, "divider", mp_resize_box_get_width (self->preview_box));
  mp_test_json_add_bool (s, "back_visible", gtk_widget_get_visible (GTK_WIDGET (self->back_button)));
  mp_test_json_add_str (s, "back_tooltip", gtk_widget_get_tooltip_text (GTK_WIDGET (self->back_button)));
  describe_columns (self, s);
}

void
mp_test_window_open_selected (MpWindow *self)
{
  g_autoptr (GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  if (!gtk_bitset_is_empty (set))
    g_signal_emit_by_name (self->column_view, "activate", gtk_bitset_get_minimum (set));
}

void
mp_test_window_click_back (MpWindow *self)
{
  g_signal_emit_by_name (self->back_button, "clicked");
}

void
mp_test_window_set_preview_width (MpWindow *self,
                                  int       width)
{
  mp_resize_box_set_width (self->preview_box, width);
}
