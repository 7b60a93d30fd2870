/* mp-delete-controller-private.h — MpDeleteController's fields.  Only
 * mp-delete-controller.c uses them in the product; the GUI test driver reads the
 * dialog and the Undo toast shown (tests/ui/mp-test-window.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-delete-controller.h"

G_BEGIN_DECLS

struct _MpDeleteController
{
  GObject          parent_instance;

  GtkWindow       *parent;        /* weak */
  AdwToastOverlay *overlay;       /* weak */
  GtkWidget       *dialog;        /* borrowed while shown */
  AdwToast        *undo_toast;    /* borrowed while shown */
};

G_END_DECLS
