/* test-message-order.c — the Date column's order (src/app/mp-message-order.c):
 * newest by Date, arrival order where Date is missing or absurd, a total order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include "mp-message-order.h"

/* A summary as the server sends it; @date NULL: no Date header. */
static MpMessageSummary *
summary_dated (const char *uidl,
               const char *date)
{
  g_autofree char *headers = g_strdup_printf ("From: a@example.org\r\nSubject: %s\r\n%s%s%s\r\n",
                                              uidl, date ? "Date: " : "", date ? date : "",
                                              date ? "\r\n" : "");

  return mp_message_summary_new_from_headers (headers, strlen (headers), uidl, 100);
}

static GDateTime *
fixed_now (void)
{
  return g_date_time_new_utc (2026, 12, 5, 12, 0, 0);
}

static void
test_plausible (void)
{
  g_autoptr (GDateTime) now = fixed_now ();
  g_autoptr (GDateTime) tomorrowish = g_date_time_add_hours (now, 23);
  g_autoptr (GDateTime) too_late = g_date_time_add_hours (now, 25);
  g_autoptr (GDateTime) y1980 = g_date_time_new_utc (1980, 1, 1, 0, 0, 0);
  g_autoptr (GDateTime) y1979 = g_date_time_new_utc (1979, 12, 31, 23, 59, 59);

  g_assert_true (mp_message_order_date_is_plausible (now, now));
  g_assert_true (mp_message_order_date_is_plausible (tomorrowish, now));
  g_assert_false (mp_message_order_date_is_plausible (too_late, now));
  g_assert_true (mp_message_order_date_is_plausible (y1980, now));
  g_assert_false (mp_message_order_date_is_plausible (y1979, now));
  g_assert_false (mp_message_order_date_is_plausible (NULL, now));
}

static int
compare_cb (gconstpointer a,
            gconstpointer b)
{
  return mp_message_order_compare (*(MpMessageSummary **) a, *(MpMessageSummary **) b);
}

/* Server order: mid, old, undated, future spam, 1970 epoch, newest, garbage Date.
 * Sorted oldest first: an undated or absurdly dated row sits right after the
 * row the server listed before it ("old", whose Date was the last usable one). */
static const struct { const char *uidl; const char *date; } rows[] = {
  { "mid", "Mon, 02 Nov 2026 10:00:00 +0000" },
  { "old", "Sun, 01 Nov 2026 10:00:00 +0000" },
  { "undated", NULL },
  { "spam-2099", "Thu, 01 Jan 2099 00:00:00 +0000" },
  { "epoch", "Thu, 01 Jan 1970 00:00:00 +0000" },
  { "newest", "Sat, 05 Dec 2026 11:00:00 +0000" },
  { "garbage", "not a date at all" },
};
static const char *expected[] = {
  "old", "undated", "spam-2099", "epoch", "mid", "newest", "garbage",
};

static void
assert_expected_order (GPtrArray *list)
{
  g_ptr_array_sort (list, compare_cb);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (mp_message_summary_get_uidl (g_ptr_array_index (list, i)), ==, expected[i]);

  /* A total order: antisymmetric, and transitive over every triple. */
  for (guint i = 0; i < list->len; i++)
    for (guint j = 0; j < list->len; j++)
      {
        int ij = mp_message_order_compare (list->pdata[i], list->pdata[j]);

        g_assert_cmpint (ij, ==, -mp_message_order_compare (list->pdata[j], list->pdata[i]));
        g_assert_cmpint (ij, ==, (i > j) - (i < j));
      }
}

static void
test_order (void)
{
  g_autoptr (GDateTime) now = fixed_now ();
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  MpArrivalOrder order = { 0, };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      MpMessageSummary *summary = summary_dated (rows[i].uidl, rows[i].date);

      mp_message_order_note_arrival (&order, summary, now, i + 1);
      g_ptr_array_add (list, summary);
    }
  assert_expected_order (list);
  mp_message_order_clear (&order);
}

/* The same rows arriving newest first (as a check fetches them) get the same
 * keys: an undated row is ready once the row before it has come, and at the
 * end of the run the rows still waiting take the Date before the run. */
static void
test_newest_first (void)
{
  g_autoptr (GDateTime) now = fixed_now ();
  g_autoptr (GPtrArray) ready = g_ptr_array_new_with_free_func (g_object_unref);
  MpArrivalOrder order = { 0, };
  g_autoptr (MpMessageSummary) before = summary_dated ("before", "Sat, 31 Oct 2026 10:00:00 +0000");
  g_autoptr (MpMessageSummary) first_undated = summary_dated ("first-undated", NULL);
  g_autoptr (MpMessageSummary) after = summary_dated ("after", NULL);

  /* One row before the run, in server order. */
  mp_message_order_note_arrival (&order, before, now, 1);
  for (gsize i = G_N_ELEMENTS (rows); i > 0; i--)
    {
      g_autoptr (MpMessageSummary) summary = summary_dated (rows[i - 1].uidl, rows[i - 1].date);
      guint n_ready = ready->len;

      mp_message_order_note_newest_first (&order, summary, now, 100 + i, ready);
      /* "undated" waits for "old", the row before it. */
      if (g_str_equal (rows[i - 1].uidl, "undated"))
        g_assert_cmpuint (ready->len, ==, n_ready);
      if (g_str_equal (rows[i - 1].uidl, "old"))
        g_assert_cmpstr (mp_message_summary_get_uidl (g_ptr_array_index (ready, ready->len - 2)),
                         ==, "undated");
    }
  /* The run's first row in server order, undated: it waits until the run
   * ends and takes the Date before the run ("before"). */
  mp_message_order_note_newest_first (&order, first_undated, now, 100, ready);
  g_assert_cmpuint (ready->len, ==, G_N_ELEMENTS (rows));
  mp_message_order_end_newest_first (&order, ready);
  g_assert_cmpuint (ready->len, ==, G_N_ELEMENTS (rows) + 1);
  g_assert_true (g_ptr_array_index (ready, ready->len - 1) == first_undated);
  g_assert_cmpint (mp_message_order_compare (before, first_undated), <, 0);
  g_ptr_array_remove_index (ready, ready->len - 1);
  for (guint i = 0; i < ready->len; i++)
    g_assert_cmpint (mp_message_order_compare (first_undated, g_ptr_array_index (ready, i)), <, 0);
  assert_expected_order (ready);

  /* After the run the last Date seen is the run's last in server order
   * ("newest"): an undated row listed after the run goes right above the
   * run's rows. */
  mp_message_order_note_arrival (&order, after, now, 200);
  g_assert_cmpint (mp_message_order_compare (after, g_ptr_array_index (ready, ready->len - 1)), >, 0);
  mp_message_order_clear (&order);
}

/* Rows the order never saw (made elsewhere) go by their own Date; undated ones
 * before every dated row. */
static void
test_unnoted (void)
{
  g_autoptr (MpMessageSummary) dated = summary_dated ("d", "Mon, 02 Nov 2026 10:00:00 +0000");
  g_autoptr (MpMessageSummary) later = summary_dated ("l", "Tue, 03 Nov 2026 10:00:00 +0000");
  g_autoptr (MpMessageSummary) undated = summary_dated ("u", NULL);

  g_assert_cmpint (mp_message_order_compare (dated, later), <, 0);
  g_assert_cmpint (mp_message_order_compare (later, dated), >, 0);
  g_assert_cmpint (mp_message_order_compare (undated, dated), <, 0);
  g_assert_cmpint (mp_message_order_compare (dated, dated), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/message-order/plausible", test_plausible);
  g_test_add_func ("/message-order/order", test_order);
  g_test_add_func ("/message-order/newest-first", test_newest_first);
  g_test_add_func ("/message-order/unnoted", test_unnoted);
  return g_test_run ();
}
