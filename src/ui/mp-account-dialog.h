/* mp-account-dialog.h — add or edit an account (settings, password, test login).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-account.h"

G_BEGIN_DECLS

#define MP_TYPE_ACCOUNT_DIALOG (mp_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MpAccountDialog, mp_account_dialog, MP, ACCOUNT_DIALOG, AdwWindow)

/* @account: NULL to add a new account.  Signal "saved" (MpAccount *account,
 * gboolean is_new) is emitted once the settings are applied and the password (if
 * one was typed) is in the keyring; the dialog then closes. */
MpAccountDialog *mp_account_dialog_new (GtkWindow *parent,
                                        MpAccount *account);

/* For the GUI test driver: type into a field as a user would ("name", "host",
 * "port", "security" (tls|starttls|none), "user", "password", "auth" (combo
 * position), "interval", "preview", "notify" (true|false)), click a button ("test", "trust", "save", "cancel"),
 * read the test-connection result.  FALSE for an unknown field/button. */
gboolean         mp_account_dialog_set_field      (MpAccountDialog *self,
                                                   const char      *field,
                                                   const char      *value);
gboolean         mp_account_dialog_click          (MpAccountDialog *self,
                                                   const char      *button);
gboolean         mp_account_dialog_is_testing     (MpAccountDialog *self);
const char      *mp_account_dialog_get_test_result (MpAccountDialog *self);

G_END_DECLS
