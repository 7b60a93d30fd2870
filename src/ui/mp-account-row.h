/* mp-account-row.h — one account in the sidebar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mp-account-state.h"

G_BEGIN_DECLS

#define MP_TYPE_ACCOUNT_ROW (mp_account_row_get_type ())
G_DECLARE_FINAL_TYPE (MpAccountRow, mp_account_row, MP, ACCOUNT_ROW, GtkListBoxRow)

GtkWidget     *mp_account_row_new         (MpAccountState *mailbox);
MpAccountState *mp_account_row_get_mailbox (MpAccountRow  *self);

G_END_DECLS
