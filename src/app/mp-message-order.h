/* mp-message-order.h — the order of the Date column: newest first by the Date
 * header, and arrival (server) order where Date cannot be trusted.
 *
 * A Date that is missing, before 1980 or more than a day in the future (spam,
 * a sender's broken clock) does not place a message: it takes the place it
 * arrived in, right after the message the server listed before it.  So every
 * row has a key (time, arrival) — its own plausible Date, or the one of the last
 * row before it that had one — and the comparison is a total order (a sort may
 * rely on it being transitive).
 *
 * GTK-free.  Main thread only (the list's owner stamps rows as they arrive).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-message-summary.h"

G_BEGIN_DECLS

/* What the list's owner keeps between arrivals (zero-initialise). */
typedef struct {
  gint64  last_time;   /* Unix time of the last plausible Date seen, or G_MININT64 */
  guint64 n_arrived;
  gboolean started;
} MpArrivalOrder;

/* TRUE when @date can place a message: from 1980 on and at most a day after @now. */
gboolean mp_message_order_date_is_plausible (GDateTime      *date,
                                             GDateTime      *now);
/* Records the sort key of @summary, which arrived after every earlier one. */
void     mp_message_order_note_arrival      (MpArrivalOrder   *order,
                                             MpMessageSummary *summary,
                                             GDateTime        *now);
/* Oldest first (a descending sort shows the newest on top); rows never noted
 * (made elsewhere) go by their plausible Date, or before every dated row. */
int      mp_message_order_compare           (MpMessageSummary *a,
                                             MpMessageSummary *b);

G_END_DECLS
