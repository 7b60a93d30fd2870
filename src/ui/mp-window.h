/* mp-window.h — the main window: accounts, header list, preview, status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-application.h"
#include "mp-account-state.h"
#include "mp-preview-pane.h"

G_BEGIN_DECLS

#define MP_TYPE_WINDOW (mp_window_get_type ())
G_DECLARE_FINAL_TYPE (MpWindow, mp_window, MP, WINDOW, AdwApplicationWindow)

MpWindow        *mp_window_new                  (MpApplication *application);
MpSession       *mp_window_get_session          (MpWindow      *self);
void             mp_window_select_account       (MpWindow      *self,
                                                 const char    *account_id);

G_END_DECLS
