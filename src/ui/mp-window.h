/* mp-window.h — the main window: accounts, header list, preview, status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-application.h"
#include "mp-account-store.h"
#include "mp-mailbox-view.h"
#include "mp-preview-pane.h"

G_BEGIN_DECLS

#define MP_TYPE_WINDOW (mp_window_get_type ())
G_DECLARE_FINAL_TYPE (MpWindow, mp_window, MP, WINDOW, AdwApplicationWindow)

MpWindow        *mp_window_new                  (MpApplication *application);
MpAccountStore  *mp_window_get_store            (MpWindow      *self);
/* The mailbox of @account_id, or NULL. */
MpMailboxView   *mp_window_lookup_mailbox       (MpWindow      *self,
                                                 const char    *account_id);
void             mp_window_select_account       (MpWindow      *self,
                                                 const char    *account_id);

G_END_DECLS
