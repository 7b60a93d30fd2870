/* mp-window-layout.c — how the main window adapts to its width.
 *
 * Two AdwLeaflets: the outer one folds the account sidebar away, the inner one
 * (message_leaflet) folds the preview into a page of its own when the list and
 * the preview do not both fit with every column readable.  One back button in the
 * content header goes from the preview to the list, then from the list to the
 * accounts.  The divider (MpResizeBox) keeps its position in GSettings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-window-private.h"

static gboolean
preview_is_own_page (MpWindow *self)
{
  return adw_leaflet_get_folded (self->message_leaflet) &&
         g_strcmp0 (adw_leaflet_get_visible_child_name (self->message_leaflet), "preview") == 0;
}

static void
update_back_button (MpWindow *self)
{
  gboolean to_list = preview_is_own_page (self);

  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          to_list || adw_leaflet_get_folded (self->leaflet));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->back_button),
                               to_list ? _("Back to Messages") : _("Back to Accounts"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->back_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  to_list ? _("Back to Messages") : _("Back to Accounts"),
                                  -1);
  /* Side by side the divider is a handle; folded there is nothing to drag. */
  mp_resize_box_set_handle_visible (self->preview_box,
                                    !adw_leaflet_get_folded (self->message_leaflet));
}

static void
on_back_clicked (GtkButton *button,
                 MpWindow  *self)
{
  if (preview_is_own_page (self))
    adw_leaflet_navigate (self->message_leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  else
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Narrow, a row opened (Enter, double click) shows its preview as a page. */
static void
on_row_activated (GtkColumnView *view,
                  guint          position,
                  MpWindow      *self)
{
  if (adw_leaflet_get_folded (self->message_leaflet))
    adw_leaflet_set_visible_child_name (self->message_leaflet, "preview");
}

void
mp_window_layout_show_list (MpWindow *self)
{
  adw_leaflet_set_visible_child_name (self->message_leaflet, "list");
}

void
mp_window_layout_init (MpWindow *self)
{
  GObject *leaflets[] = { G_OBJECT (self->leaflet), G_OBJECT (self->message_leaflet) };

  mp_resize_box_set_start_sibling (self->preview_box, self->list_overlay);
  for (guint i = 0; i < G_N_ELEMENTS (leaflets); i++)
    {
      g_signal_connect_swapped (leaflets[i], "notify::folded",
                                G_CALLBACK (update_back_button), self);
      g_signal_connect_swapped (leaflets[i], "notify::visible-child",
                                G_CALLBACK (update_back_button), self);
    }
  g_signal_connect (self->back_button, "clicked", G_CALLBACK (on_back_clicked), self);
  g_signal_connect (self->column_view, "activate", G_CALLBACK (on_row_activated), self);

  if (self->settings)
    {
      g_autoptr (GSettingsSchema) schema = NULL;

      g_object_get (self->settings, "settings-schema", &schema, NULL);
      if (g_settings_schema_has_key (schema, "preview-width"))
        g_settings_bind (self->settings, "preview-width", self->preview_box, "width",
                         G_SETTINGS_BIND_DEFAULT);
    }
  update_back_button (self);
}
