/* mp-a11y.c — what accessibility clients (screen readers, AT-SPI) are told.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-a11y.h"

/* GTK 4.8 gives a button its raw label ("_Add Account") as accessible label and
 * also marks it labelled by its label child, whose text AT-SPI appends: the name
 * reads "_Add Account Add Account".  The label child alone names it right. */
static void
update_button_name (GtkButton *button)
{
  /* A close button made of an icon alone (a toast's) has no name at all. */
  if (!gtk_button_get_label (button) &&
      g_strcmp0 (gtk_button_get_icon_name (button), "window-close-symbolic") == 0 &&
      !gtk_widget_get_tooltip_text (GTK_WIDGET (button)))
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Close"), -1);
      return;
    }
  if (!gtk_button_get_label (button) || !gtk_button_get_use_underline (button))
    return;
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
on_button_label (GObject    *button,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  update_button_name (GTK_BUTTON (button));
}

/* Names every button with a mnemonic label under @root, now and whenever its label
 * changes (a banner's action button changes with the error). */
void
mp_a11y_name_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && !g_object_get_data (G_OBJECT (root), "mp-a11y-named"))
    {
      g_object_set_data (G_OBJECT (root), "mp-a11y-named", GINT_TO_POINTER (TRUE));
      update_button_name (GTK_BUTTON (root));
      g_signal_connect (root, "notify::label", G_CALLBACK (on_button_label), NULL);
      g_signal_connect (root, "notify::use-underline", G_CALLBACK (on_button_label), NULL);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    mp_a11y_name_buttons (c);
}

static void
on_toplevel_map (GtkWidget *window,
                 gpointer   user_data)
{
  mp_a11y_name_buttons (window);
}

static void
on_toplevels_changed (GListModel *toplevels,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      g_signal_connect (window, "map", G_CALLBACK (on_toplevel_map), NULL);
    }
}

/* Windows built by libraries (AdwMessageDialog's response buttons, in two
 * layouts) carry the same doubled names: each toplevel's buttons are named
 * when it is mapped, by then its content is built. */
void
mp_a11y_watch_toplevels (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      on_toplevels_changed (toplevels, 0, 0, g_list_model_get_n_items (toplevels), NULL);
      g_signal_connect (toplevels, "items-changed", G_CALLBACK (on_toplevels_changed), NULL);
      g_once_init_leave (&once, 1);
    }
}

static gboolean
name_overlay_buttons (gpointer data)
{
  mp_a11y_name_buttons (GTK_WIDGET (data));
  return G_SOURCE_REMOVE;
}

static void
on_toast_dismissed (AdwToast *toast,
                    gpointer  overlay)
{
  /* The next toast in the overlay's queue is shown now. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, name_overlay_buttons, g_object_ref (overlay),
                   g_object_unref);
}

/* AdwToastOverlay builds a toast's widget (its button and its close button)
 * when the toast is shown: at once, or after the toast before it went. */
void
mp_a11y_add_toast (AdwToastOverlay *overlay,
                   AdwToast        *toast)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), overlay, 0);
  adw_toast_overlay_add_toast (overlay, toast);
  mp_a11y_name_buttons (GTK_WIDGET (overlay));
}
