/* mp-account-dialog.h — add or edit an account (settings, password, test login).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-account.h"
#include "mp-session.h"

G_BEGIN_DECLS

#define MP_TYPE_ACCOUNT_DIALOG (mp_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MpAccountDialog, mp_account_dialog, MP, ACCOUNT_DIALOG, AdwWindow)

/* @account: NULL to add a new account.  Signal "saved" (MpAccount *account,
 * gboolean is_new) is emitted once the settings are applied and the password (if
 * one was typed) is in the keyring; the dialog then closes. */
MpAccountDialog *mp_account_dialog_new (GtkWindow *parent,
                                        MpSession *session,
                                        MpAccount *account);

G_END_DECLS
