/* mp-rules-dialog.h — edit the user's rules: ordered rules, their conditions and
 * action, the allow-list, and each rule's dry run over every account's current
 * list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-session.h"

G_BEGIN_DECLS

#define MP_TYPE_RULES_DIALOG (mp_rules_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MpRulesDialog, mp_rules_dialog, MP, RULES_DIALOG, AdwWindow)

MpRulesDialog *mp_rules_dialog_new (GtkWindow *parent,
                                    MpSession *session);

G_END_DECLS
