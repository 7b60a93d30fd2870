/* mp-rules-ui.h — where rules, the recycle bin, the overview and the activity
 * log meet the window and the application: the window's actions (Rules,
 * Recycle Bin, Overview, Activity, the Junk filter) and the one summary
 * notification per check for messages rules deleted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-window.h"
#include "mp-session.h"

G_BEGIN_DECLS

/* Adds win.rules, win.recycle-bin, win.overview, win.activity and the
 * stateful win.show-junk to @window (called once, when it has its session). */
void mp_rules_ui_install_window (MpWindow       *window);
/* Follows @session's rules for the life of the application: the summary
 * notification (unless notifications are off), and the recycle-bin retention
 * (GSettings recycle-retention-days, when the schema is installed). */
void mp_rules_ui_attach_app     (GApplication   *app,
                                 MpSession      *session);

/* A list row of plain text (no markup), its accessible name the title and
 * description the subtitle. */
GtkWidget *mp_rules_ui_row_new  (const char     *title,
                                 const char     *subtitle);
/* A modal window over @parent with a header bar (end: @end_widget, nullable)
 * around @child. */
GtkWidget *mp_rules_ui_window_new (GtkWindow    *parent,
                                   const char   *title,
                                   GtkWidget    *end_widget,
                                   GtkWidget    *child);

G_END_DECLS
