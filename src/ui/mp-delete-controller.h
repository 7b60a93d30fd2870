/* mp-delete-controller.h — deleting messages from the window: a confirmation that
 * names the count and the total size, then the rows leave the list at once and an
 * Undo toast runs; only when its undo period is over is the delete job started.
 * A deletion that failed is said in a toast.  Main thread only.
 *
 * Signal "toast-shown" (const char *title): a toast was added (the window
 * remembers the last one for the test driver).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-account-state.h"

G_BEGIN_DECLS

#define MP_TYPE_DELETE_CONTROLLER (mp_delete_controller_get_type ())
G_DECLARE_FINAL_TYPE (MpDeleteController, mp_delete_controller, MP, DELETE_CONTROLLER, GObject)

/* @parent and @overlay are borrowed: the window owns the controller. */
MpDeleteController *mp_delete_controller_new          (GtkWindow          *parent,
                                                       AdwToastOverlay    *overlay);
/* Asks whether to delete @summaries (MpMessageSummary) of @mailbox; nothing
 * happens while a confirmation is already shown. */
void                mp_delete_controller_confirm      (MpDeleteController *self,
                                                       MpAccountState      *mailbox,
                                                       GPtrArray          *summaries);
/* Says in a toast that a deletion failed and nothing was deleted. */
void                mp_delete_controller_show_failure (MpDeleteController *self,
                                                       const GError       *error);

G_END_DECLS
