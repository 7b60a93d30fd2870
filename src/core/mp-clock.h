/* mp-clock.h — time source for MpScheduler, replaceable in tests
 *
 * mp_clock_get_system(): g_get_monotonic_time () and g_timeout_add on the default
 * main context.  mp_fake_clock_new(): a manual clock; timeouts fire (synchronously,
 * in due order) from mp_fake_clock_advance().
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

/* Fake clock for tests: starts at @start_us. Free with mp_fake_clock_free(). */
MpClock *mp_fake_clock_new       (gint64   start_us);
void     mp_fake_clock_free      (MpClock *clock);
/* Moves time forward by @delta_us, firing due timeouts in order (each sees now()
 * equal to its due time). */
void     mp_fake_clock_advance   (MpClock *clock,
                                  gint64   delta_us);
/* Number of pending timeouts; due time of the earliest (or -1). */
guint    mp_fake_clock_get_n_pending (MpClock *clock);
gint64   mp_fake_clock_get_next_due  (MpClock *clock);

G_END_DECLS
