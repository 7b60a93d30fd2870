/* mp-a11y.h — what accessibility clients (screen readers, AT-SPI) are told.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void mp_a11y_name_buttons (GtkWidget *root);

G_END_DECLS
