/* mp-a11y.h — what accessibility clients (screen readers, AT-SPI) are told.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void mp_a11y_name_buttons     (GtkWidget *root);
void mp_a11y_watch_toplevels  (void);
void mp_a11y_add_toast        (AdwToastOverlay *overlay,
                               AdwToast        *toast);

G_END_DECLS
