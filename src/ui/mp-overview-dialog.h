/* mp-overview-dialog.h — "who fills my mailbox": one account's messages and
 * size, the largest and oldest messages, senders by address and by domain;
 * a selected group is deleted through the window's delete controller
 * (confirmation, undo, recycle bin, the account's one queue).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-account-state.h"
#include "mp-delete-controller.h"

G_BEGIN_DECLS

GtkWindow *mp_overview_dialog_new (GtkWindow          *parent,
                                   MpAccountState     *state,
                                   MpDeleteController *deleter);

G_END_DECLS
