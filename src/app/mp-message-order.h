/* mp-message-order.h — the order of the Date column: newest first by the Date
 * header, and arrival (server) order where Date cannot be trusted.
 *
 * A Date that is missing, before 1980 or more than a day in the future (spam,
 * a sender's broken clock) does not place a message: it takes the place it
 * arrived in, right after the message the server listed before it.  So every
 * row has a key (time, arrival) — its own plausible Date, or the one of the last
 * row before it that had one — and the comparison is a total order (a sort may
 * rely on it being transitive).  `arrival` is the row's place in server order,
 * given by the caller.
 *
 * A check fetches the newest headers first (so the list fills from its top and
 * the rows that follow land out of view): such rows arrive in reverse server
 * order, and an undated one waits until the row before it has arrived.
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
  gint64     last_time;   /* Unix time of the last plausible Date seen, or G_MININT64 */
  gboolean   started;
  /* Rows noted newest first: */
  GPtrArray *held;        /* owned, nullable: undated rows waiting for the row before */
  gint64     run_newest;  /* the newest plausible Date of the run, or G_MININT64 */
  gboolean   in_run;
} MpArrivalOrder;

/* TRUE when @date can place a message: from 1980 on and at most a day after @now. */
gboolean mp_message_order_date_is_plausible (GDateTime      *date,
                                             GDateTime      *now);
/* Records the sort key of @summary, which the server lists after every row noted
 * before, at @arrival (increasing). */
void     mp_message_order_note_arrival      (MpArrivalOrder   *order,
                                             MpMessageSummary *summary,
                                             GDateTime        *now,
                                             guint64           arrival);
/* @summary is the next row of a run that arrives newest first: the server lists
 * it right before the last one noted, and after every row noted before the run;
 * @arrival decreases within the run.  Adds to @ready (a GPtrArray that refs)
 * every row whose key is now known, in the order they arrived. */
void     mp_message_order_note_newest_first (MpArrivalOrder   *order,
                                             MpMessageSummary *summary,
                                             GDateTime        *now,
                                             guint64           arrival,
                                             GPtrArray        *ready);
/* The run ended: rows still waiting take the Date before the run (@ready gets
 * them), and the run's newest Date becomes the last one seen. */
void     mp_message_order_end_newest_first  (MpArrivalOrder   *order,
                                             GPtrArray        *ready);
void     mp_message_order_clear             (MpArrivalOrder   *order);
/* Oldest first (a descending sort shows the newest on top); rows never noted
 * (made elsewhere) go by their plausible Date, or before every dated row. */
int      mp_message_order_compare           (MpMessageSummary *a,
                                             MpMessageSummary *b);

G_END_DECLS
