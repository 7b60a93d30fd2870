/* mp-test-heartbeat.h — the test driver's main-loop heartbeat: a 2 ms timer that
 * measures each gap between its ticks in wall-clock time, main-thread CPU time and
 * time spent waiting for a CPU: this thread's run-queue wait (schedstat), and
 * while it slept longer than a tick inside a dispatch, the run-queue wait of
 * whoever it waited on (the X server, or this process's other threads, which may
 * hold a lock it needs).  The corrected gap (wall less that waiting) is what the
 * main loop itself took.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-window.h"

G_BEGIN_DECLS

typedef struct _MpTestHeartbeat MpTestHeartbeat;

/* Lives as long as the process (like the driver). */
MpTestHeartbeat *mp_test_heartbeat_new    (MpWindow        *window);
/* (Re)starts the measurement: all maxima and counts start from zero. */
void             mp_test_heartbeat_start  (MpTestHeartbeat *hb);
/* Adds the figures since the start to the observation @s. */
void             mp_test_heartbeat_report (MpTestHeartbeat *hb,
                                           GString         *s);

G_END_DECLS
