/* mp-rule-condition-row.h — one condition of a rule in the Rules dialog: what
 * to look at (a drop-down of the rules file's condition keys), the value, and
 * a button to remove it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MP_TYPE_RULE_CONDITION_ROW (mp_rule_condition_row_get_type ())
G_DECLARE_FINAL_TYPE (MpRuleConditionRow, mp_rule_condition_row, MP, RULE_CONDITION_ROW, GtkBox)

/* A row showing @key (a rules-file condition key; an unknown one shows the
 * first) and @value.  Signals: "changed" when the user picks another key or
 * edits the value, "remove" when the remove button is clicked. */
GtkWidget  *mp_rule_condition_row_new       (const char         *key,
                                             const char         *value);
/* The condition key, as the rules file writes it: the one given until the
 * user picks another. */
const char *mp_rule_condition_row_get_key   (MpRuleConditionRow *self);
const char *mp_rule_condition_row_get_value (MpRuleConditionRow *self);

G_END_DECLS
