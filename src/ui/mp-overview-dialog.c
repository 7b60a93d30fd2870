/* mp-overview-dialog.c — the mailbox overview of one account.
 *
 * Computed (MpOverview, src/core) from the account's current list and
 * rebuilt when the list changes (a deletion, a check).  Rows are groups of
 * UIDLs; deleting a group hands its rows to the delete controller the main
 * window uses, so it is the same path as a manual delete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-overview.h"
#include "mp-overview-dialog.h"
#include "mp-rules-ui.h"

#define TOP_N 10

/* The window's data: it goes when the window is finalized, after its widgets
 * were disposed; so it holds references to the widgets it touches. */
typedef struct {
  MpAccountState     *state;       /* owned */
  MpDeleteController *deleter;     /* owned */
  GtkLabel           *totals;      /* owned ref */
  GtkBox             *sections;    /* owned ref */
  GtkWidget          *delete_button; /* owned ref */
  GStrv               selected;    /* owned: UIDLs of the selected group */
  guint               rebuild_id;
} Overview;

static void
overview_free (Overview *ov)
{
  g_clear_handle_id (&ov->rebuild_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (mp_account_state_get_messages (ov->state), ov);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (ov->sections)); child;
       child = gtk_widget_get_next_sibling (child))
    g_signal_handlers_disconnect_by_data (child, ov);
  g_object_unref (ov->totals);
  g_object_unref (ov->sections);
  g_object_unref (ov->delete_button);
  g_object_unref (ov->state);
  g_object_unref (ov->deleter);
  g_strfreev (ov->selected);
  g_free (ov);
}

static void
on_row_selected (GtkListBox    *box,
                 GtkListBoxRow *row,
                 Overview      *ov)
{
  GStrv uidls = row ? g_object_get_data (G_OBJECT (row), "uidls") : NULL;
  GtkWidget *child;

  if (row == NULL)
    return;
  /* One selection across the sections. */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (ov->sections)); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX (child) && child != GTK_WIDGET (box))
      gtk_list_box_unselect_all (GTK_LIST_BOX (child));
  g_strfreev (ov->selected);
  ov->selected = g_strdupv (uidls);
  gtk_widget_set_sensitive (ov->delete_button, ov->selected && ov->selected[0]);
}

static GtkWidget *
section (Overview   *ov,
         const char *title)
{
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *list = gtk_list_box_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect (list, "row-selected", G_CALLBACK (on_row_selected), ov);
  gtk_box_append (ov->sections, label);
  gtk_box_append (ov->sections, list);
  return list;
}

static void
add_row (GtkWidget  *list,
         const char *title,
         const char *subtitle,
         GPtrArray  *uidls)
{
  GtkWidget *row = mp_rules_ui_row_new (title, subtitle);
  GPtrArray *copy = g_ptr_array_new ();

  for (guint i = 0; i < uidls->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (uidls, i)));
  g_ptr_array_add (copy, NULL);
  g_object_set_data_full (G_OBJECT (row), "uidls", g_ptr_array_free (copy, FALSE),
                          (GDestroyNotify) g_strfreev);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
}

static void
add_messages (GtkWidget *list,
              GPtrArray *summaries)
{
  for (guint i = 0; i < summaries->len; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (summaries, i);
      g_autofree char *from = mp_message_summary_dup_from_display (summary);
      g_autofree char *size = g_format_size (mp_message_summary_get_size (summary));
      GDateTime *date = mp_message_summary_get_date (summary);
      g_autofree char *when = date ? g_date_time_format (date, "%x") : g_strdup (_("no date"));
      const char *subject = mp_message_summary_get_subject (summary);
      g_autofree char *title = g_strdup_printf (_("%s — %s"), from, *subject ? subject : _("(no subject)"));
      /* Translators: size · date */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), size, when);
      g_autoptr (GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, (gpointer) mp_message_summary_get_uidl (summary));
      add_row (list, title, subtitle, one);
    }
}

static void
add_groups (GtkWidget *list,
            GPtrArray *groups)
{
  for (guint i = 0; i < groups->len && i < 50; i++)
    {
      MpOverviewGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *size = g_format_size (group->size);
      g_autofree char *subtitle = g_strdup_printf (ngettext ("%u message · %s", "%u messages · %s",
                                                             group->count), group->count, size);

      add_row (list, *group->key ? group->key : _("(no sender)"), subtitle, group->uidls);
    }
}

static void
rebuild (Overview *ov)
{
  GListModel *model = mp_account_state_get_messages (ov->state);
  g_autoptr (GPtrArray) summaries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (MpOverview) overview = NULL;
  g_autofree char *size = NULL;
  g_autofree char *totals = NULL;
  GtkWidget *child;
  guint count = 0;
  guint64 octets = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (summaries, g_list_model_get_item (model, i));
  overview = mp_overview_new (summaries, TOP_N);
  /* The server's own count and size (its listing at the last check); the
   * groups below are the list's. */
  mp_account_state_get_server_totals (ov->state, &count, &octets);
  size = g_format_size (octets);
  totals = g_strdup_printf (ngettext ("%u message, %s on the server",
                                      "%u messages, %s on the server", count),
                            count, size);
  gtk_label_set_text (ov->totals, totals);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (ov->sections))) != NULL)
    gtk_box_remove (ov->sections, child);
  g_clear_pointer (&ov->selected, g_strfreev);
  gtk_widget_set_sensitive (ov->delete_button, FALSE);
  add_groups (section (ov, _("Senders by domain")), overview->by_domain);
  add_groups (section (ov, _("Senders by address")), overview->by_address);
  add_messages (section (ov, _("Largest messages")), overview->largest);
  add_messages (section (ov, _("Oldest messages")), overview->oldest);
}

static gboolean
rebuild_idle (gpointer data)
{
  Overview *ov = data;

  ov->rebuild_id = 0;
  rebuild (ov);
  return G_SOURCE_REMOVE;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Overview   *ov)
{
  if (ov->rebuild_id == 0)
    ov->rebuild_id = g_timeout_add (300, rebuild_idle, ov);
}

static void
on_delete_clicked (GtkButton *button,
                   Overview  *ov)
{
  GListModel *model = mp_account_state_get_messages (ov->state);
  g_autoptr (GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) summaries = g_ptr_array_new_with_free_func (g_object_unref);

  if (ov->selected == NULL)
    return;
  for (guint i = 0; ov->selected[i]; i++)
    g_hash_table_add (wanted, ov->selected[i]);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);

      if (g_hash_table_contains (wanted, mp_message_summary_get_uidl (summary)))
        g_ptr_array_add (summaries, g_steal_pointer (&summary));
    }
  if (summaries->len > 0)
    mp_delete_controller_confirm (ov->deleter, ov->state, summaries);
}

GtkWindow *
mp_overview_dialog_new (GtkWindow          *parent,
                        MpAccountState     *state,
                        MpDeleteController *deleter)
{
  Overview *ov = g_new0 (Overview, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *window;
  g_autofree char *title = NULL;

  ov->state = g_object_ref (state);
  ov->deleter = g_object_ref (deleter);
  ov->totals = g_object_ref_sink (GTK_LABEL (gtk_label_new (NULL)));
  gtk_label_set_xalign (ov->totals, 0);
  gtk_widget_add_css_class (GTK_WIDGET (ov->totals), "title-3");
  ov->sections = g_object_ref_sink (GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6)));
  ov->delete_button = g_object_ref_sink (gtk_button_new_with_mnemonic (_("_Delete Selected Group…")));
  gtk_widget_add_css_class (ov->delete_button, "destructive-action");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ov->totals));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ov->sections));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);

  /* Translators: %s is an account name */
  title = g_strdup_printf (_("Overview of %s"), mp_account_get_name (mp_account_state_get_account (state)));
  window = mp_rules_ui_window_new (parent, title, ov->delete_button, scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  rebuild (ov);
  g_object_set_data_full (G_OBJECT (window), "mp-overview", ov, (GDestroyNotify) overview_free);
  g_signal_connect (mp_account_state_get_messages (state), "items-changed",
                    G_CALLBACK (on_items_changed), ov);
  g_signal_connect (ov->delete_button, "clicked", G_CALLBACK (on_delete_clicked), ov);
  return GTK_WINDOW (window);
}
