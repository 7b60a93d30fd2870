/* mp-rules-dry-run.h — what a rule would do now, for the Rules dialog: its
 * dry run over every account's current list, shown as a title and one row
 * per message, and the check for a delete rule that would empty every list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-session.h"

G_BEGIN_DECLS

/* Shows @rule's dry run (a rule of @set) in @title and @list, replacing what
 * they showed; with no @set or @rule both are emptied.  TRUE when the messages
 * the rule would act on are on screen (a rule without conditions acts on
 * nothing: only the title says so). */
gboolean  mp_rules_dry_run_show                (MpSession    *session,
                                                MpRuleSet    *set,
                                                const MpRule *rule,
                                                GtkLabel     *title,
                                                GtkListBox   *list);
/* The name of an enabled delete rule of @set that would delete every message
 * of a non-empty list, or NULL (owned). */
char     *mp_rules_dry_run_deleting_everything (MpSession    *session,
                                                MpRuleSet    *set);

G_END_DECLS
