/* mp-clock.c — the system time source
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-clock.h"

static gint64
system_now (MpClock *clock)
{
  return g_get_monotonic_time ();
}

static guint
system_add (MpClock     *clock,
            gint64       delay_us,
            GSourceFunc  func,
            gpointer     data)
{
  gint64 ms = (MAX (delay_us, 0) + 999) / 1000;

  /* Long delays need no ms precision; seconds let GLib batch wake-ups. */
  if (ms >= 10 * 1000)
    return g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, (guint) ((ms + 999) / 1000),
                                       func, data, NULL);
  return g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ms, func, data, NULL);
}

static void
system_remove (MpClock *clock,
               guint    id)
{
  g_source_remove (id);
}

MpClock *
mp_clock_get_system (void)
{
  static MpClock system = { system_now, system_add, system_remove };
  return &system;
}
