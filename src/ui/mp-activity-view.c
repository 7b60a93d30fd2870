/* mp-activity-view.c — the activity log window ("Deleted by rules").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-activity-view.h"
#include "mp-rules-ui.h"

static void
fill (GtkListBox    *list,
      MpActivityLog *log)
{
  GPtrArray *entries = mp_activity_log_get_entries (log);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  for (guint i = entries->len; i > 0; i--)
    {
      MpActivityEntry *entry = g_ptr_array_index (entries, i - 1);
      g_autofree char *size = g_format_size (entry->size);
      g_autofree char *when = g_date_time_format (entry->time, "%x %H:%M");
      /* Translators: sender — subject of a message rules deleted */
      g_autofree char *title = g_strdup_printf (_("%s — %s"), entry->from,
                                                *entry->subject ? entry->subject : _("(no subject)"));
      /* Translators: "Deleted by rules": time · account · size · rule name */
      g_autofree char *subtitle = g_strdup_printf (_("Deleted by rules %s · %s · %s · rule “%s”"),
                                                   when, entry->account, size, entry->rule);

      gtk_list_box_append (list, mp_rules_ui_row_new (title, subtitle));
    }
}

static void
on_clear (GtkButton     *button,
          MpActivityLog *log)
{
  mp_activity_log_clear (log);
}

GtkWindow *
mp_activity_view_new (GtkWindow *parent,
                      MpSession *session)
{
  MpActivityLog *log = mp_rules_state_get_activity (mp_session_get_rules (session));
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clear = gtk_button_new_with_mnemonic (_("C_lear"));
  GtkWidget *placeholder = gtk_label_new (_("Rules have deleted nothing yet."));
  GtkWidget *window;

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (list), placeholder);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Activity"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  fill (GTK_LIST_BOX (list), log);
  g_signal_connect_object (log, "changed", G_CALLBACK (fill), list, G_CONNECT_SWAPPED);
  g_signal_connect (clear, "clicked", G_CALLBACK (on_clear), log);
  window = mp_rules_ui_window_new (parent, _("Activity"), clear, scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  return GTK_WINDOW (window);
}
