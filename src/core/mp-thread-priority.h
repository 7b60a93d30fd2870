/* mp-thread-priority.h — worker threads below the main thread's priority.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The calling thread runs 10 nice levels below where it runs now (capped at
 * 19), once per thread: later calls on the same thread do nothing. */
void mp_thread_lower_priority (void);

G_END_DECLS
