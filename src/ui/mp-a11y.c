/* mp-a11y.c — what accessibility clients (screen readers, AT-SPI) are told.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-a11y.h"

/* GTK 4.8 gives a button its raw label ("_Add Account") as accessible label and
 * also marks it labelled by its label child, whose text AT-SPI appends: the name
 * reads "_Add Account Add Account".  The label child alone names it right. */
static void
update_button_name (GtkButton *button)
{
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

  if (GTK_IS_BUTTON (root))
    {
      update_button_name (GTK_BUTTON (root));
      g_signal_connect (root, "notify::label", G_CALLBACK (on_button_label), NULL);
      g_signal_connect (root, "notify::use-underline", G_CALLBACK (on_button_label), NULL);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    mp_a11y_name_buttons (c);
}
