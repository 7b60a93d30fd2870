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

void
mp_message_order_note_arrival (MpArrivalOrder   *order,
                               MpMessageSummary *summary,
                               GDateTime        *now)
{
  OrderKey *key;
  gint64 time;

  g_return_if_fail (order != NULL);
  g_return_if_fail (MP_IS_MESSAGE_SUMMARY (summary));

  if (!order->started)
    {
      order->last_time = G_MININT64;
      order->started = TRUE;
    }
  time = plausible_time (summary, now);
  if (time != G_MININT64)
    order->last_time = time;

  key = g_new (OrderKey, 1);
  key->time = order->last_time;
  key->arrival = ++order->n_arrived;
  g_object_set_qdata_full (G_OBJECT (summary), key_quark (), key, g_free);
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
