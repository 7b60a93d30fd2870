/* mp-clock.h — time source for MpScheduler
 *
 * mp_clock_get_system(): g_get_monotonic_time () and g_timeout_add on the default
 * main context.  The scheduler takes any MpClock, so its tests drive it with a
 * manual one (tests/core/fake-clock.c) instead of waiting.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MpClock MpClock;

typedef gint64 (*MpClockNowFunc)    (MpClock     *clock);
/* Calls @func (@data) once, @delay_us from now; returns an id > 0. */
typedef guint  (*MpClockAddFunc)    (MpClock     *clock,
                                     gint64       delay_us,
                                     GSourceFunc  func,
                                     gpointer     data);
typedef void   (*MpClockRemoveFunc) (MpClock     *clock,
                                     guint        id);

struct _MpClock
{
  MpClockNowFunc    now;            /* monotonic µs */
  MpClockAddFunc    add_timeout;
  MpClockRemoveFunc remove_timeout;
};

/* Static; never free it. */
MpClock *mp_clock_get_system     (void);

static inline gint64
mp_clock_now (MpClock *clock)
{
  return clock->now (clock);
}

G_END_DECLS
