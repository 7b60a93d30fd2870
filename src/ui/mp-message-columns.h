/* mp-message-columns.h — the columns of the message list: the cells of From,
 * Subject, Date, Size and the attachment mark (new messages in bold), and the
 * sorter a click on each column header uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Column order (what the test driver's "sort COLUMN" counts). */
typedef enum {
  MP_MESSAGE_COLUMN_FROM,
  MP_MESSAGE_COLUMN_SUBJECT,
  MP_MESSAGE_COLUMN_DATE,
  MP_MESSAGE_COLUMN_SIZE,
  MP_MESSAGE_COLUMN_ATTACHMENT,
} MpMessageColumn;

/* Appends the five columns to @view (a list of MpMessageSummary). */
void     mp_message_columns_add             (GtkColumnView   *view);
gboolean mp_message_columns_has_row         (GtkColumnView   *view,
                                             gpointer         item);
/* Sorts @view as @settings say ("sort-column", "sort-descending"; newest first
 * without them) and writes the user's later choices back.  @settings may be NULL. */
void     mp_message_columns_follow_settings (GtkColumnView   *view,
                                             GSettings       *settings);
/* The column @view sorts by first and its direction; FALSE when unsorted. */
gboolean mp_message_columns_get_sort        (GtkColumnView   *view,
                                             MpMessageColumn *column,
                                             gboolean        *descending);

G_END_DECLS
