/* fake-clock.h — a manual MpClock: timeouts fire (synchronously, in due order)
 * from mp_fake_clock_advance()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-clock.h"

G_BEGIN_DECLS

/* Starts at @start_us. Free with mp_fake_clock_free(). */
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
