/* mp-test-rules.h — the GUI test driver's commands for the Rules dialog, the
 * Recycle Bin and the activity log (tests only, never installed).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-application.h"

G_BEGIN_DECLS

/* Runs @cmd when it is one of the rules commands (see mp-test-driver.c) and
 * returns its observation (an open JSON object); NULL otherwise. */
GString *mp_test_rules_command        (MpApplication *app,
                                       const char    *cmd,
                                       const char    *arg);
/* Entries in the session's activity log. */
guint    mp_test_rules_activity_count (MpApplication *app);

G_END_DECLS
