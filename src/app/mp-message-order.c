/* mp-message-order.c — see mp-message-order.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-message-order.h"

/* The key is kept on the summary: a sort compares each row some twenty times. */
typedef struct {
  gint64  time;
  guint64 arrival;
} OrderKey;

static GQuark
key_quark (void)
{
  static GQuark quark;

  if (!quark)
    quark = g_quark_from_static_string ("mp-message-order-key");
  return quark;
}

gboolean
mp_message_order_date_is_plausible (GDateTime *date,
                                    GDateTime *now)
{
  /* 1980-01-01T00:00:00Z */
  static const gint64 earliest = 315532800;

  g_return_val_if_fail (now != NULL, FALSE);

  if (date == NULL)
    return FALSE;
  return g_date_time_to_unix (date) >= earliest &&
         g_date_time_difference (date, now) <= G_TIME_SPAN_DAY;
}

static gint64
plausible_time (MpMessageSummary *summary,
                GDateTime        *now)
{
  GDateTime *date = mp_message_summary_get_date (summary);

  return mp_message_order_date_is_plausible (date, now) ? g_date_time_to_unix (date) : G_MININT64;
}

static void
start (MpArrivalOrder *order)
{
  if (order->started)
    return;
  order->last_time = G_MININT64;
  order->started = TRUE;
}

static void
set_key (MpMessageSummary *summary,
         gint64            time,
         guint64           arrival)
{
  OrderKey *key = g_new (OrderKey, 1);

  key->time = time;
  key->arrival = arrival;
  g_object_set_qdata_full (G_OBJECT (summary), key_quark (), key, g_free);
}

void
mp_message_order_note_arrival (MpArrivalOrder   *order,
                               MpMessageSummary *summary,
                               GDateTime        *now,
                               guint64           arrival)
{
  gint64 time;

  g_return_if_fail (order != NULL);
  g_return_if_fail (MP_IS_MESSAGE_SUMMARY (summary));

  start (order);
  time = plausible_time (summary, now);
  if (time != G_MININT64)
    order->last_time = time;
  set_key (summary, order->last_time, arrival);
}

/* The held rows follow (in server order) a row whose Date was @time. */
static void
release_held (MpArrivalOrder *order,
              gint64          time,
              GPtrArray      *ready)
{
  if (order->held == NULL)
    return;
  for (guint i = 0; i < order->held->len; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (order->held, i);
      OrderKey *key = g_object_get_qdata (G_OBJECT (summary), key_quark ());

      key->time = time;
      g_ptr_array_add (ready, g_object_ref (summary));
    }
  g_ptr_array_set_size (order->held, 0);
}

void
mp_message_order_note_newest_first (MpArrivalOrder   *order,
                                    MpMessageSummary *summary,
                                    GDateTime        *now,
                                    guint64           arrival,
                                    GPtrArray        *ready)
{
  gint64 time;

  g_return_if_fail (order != NULL);
  g_return_if_fail (MP_IS_MESSAGE_SUMMARY (summary));
  g_return_if_fail (ready != NULL);

  start (order);
  if (!order->in_run)
    {
      order->in_run = TRUE;
      order->run_newest = G_MININT64;
    }
  time = plausible_time (summary, now);
  /* An undated row gets its time when the row before it arrives. */
  set_key (summary, time, arrival);
  if (time == G_MININT64)
    {
      if (order->held == NULL)
        order->held = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (order->held, g_object_ref (summary));
      return;
    }
  if (order->run_newest == G_MININT64)
    order->run_newest = time;
  release_held (order, time, ready);
  g_ptr_array_add (ready, g_object_ref (summary));
}

void
mp_message_order_end_newest_first (MpArrivalOrder *order,
                                   GPtrArray      *ready)
{
  g_return_if_fail (order != NULL);
  g_return_if_fail (ready != NULL);

  if (!order->in_run)
    return;
  start (order);
  release_held (order, order->last_time, ready);
  if (order->run_newest != G_MININT64)
    order->last_time = order->run_newest;
  order->in_run = FALSE;
}

void
mp_message_order_clear (MpArrivalOrder *order)
{
  g_clear_pointer (&order->held, g_ptr_array_unref);
  order->in_run = FALSE;
}

/* A row never noted (made elsewhere) gets its key once, like a noted one. */
static const OrderKey *
key_of (MpMessageSummary *summary)
{
  OrderKey *key = g_object_get_qdata (G_OBJECT (summary), key_quark ());
  g_autoptr (GDateTime) now = NULL;

  if (key)
    return key;
  now = g_date_time_new_now_utc ();
  key = g_new (OrderKey, 1);
  key->time = plausible_time (summary, now);
  key->arrival = 0;
  g_object_set_qdata_full (G_OBJECT (summary), key_quark (), key, g_free);
  return key;
}

int
mp_message_order_compare (MpMessageSummary *a,
                          MpMessageSummary *b)
{
  const OrderKey *ka = key_of (a);
  const OrderKey *kb = key_of (b);

  if (ka->time != kb->time)
    return ka->time < kb->time ? -1 : 1;
  return (ka->arrival > kb->arrival) - (ka->arrival < kb->arrival);
}
