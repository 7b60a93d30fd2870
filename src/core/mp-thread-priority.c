/* mp-thread-priority.c — worker threads below the main thread's priority.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-thread-priority.h"

#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>

/* A check makes thousands of summaries on a worker while the window shows them:
 * on a machine with few cores the main thread then waited for a CPU (seen as
 * main-loop gaps of 16–20 ms of which 6–10 ms runnable but not running). The
 * mailbox pool's threads run 10 nice levels below the process, so the main
 * thread gets a CPU as soon as it wakes; with the CPUs idle it changes
 * nothing. On Linux the nice value is per thread (setpriority of the thread
 * id); elsewhere this does nothing. */
#define WORKER_NICE 10

void
mp_thread_lower_priority (void)
{
#ifdef __linux__
  static GPrivate lowered;
  id_t tid;
  int nice;

  if (g_private_get (&lowered) != NULL)
    return;
  tid = (id_t) gettid ();
  g_private_set (&lowered, GINT_TO_POINTER (1));
  errno = 0;
  nice = getpriority (PRIO_PROCESS, tid);   /* -1 is a valid nice value */
  if (errno == 0 && setpriority (PRIO_PROCESS, tid, MIN (nice + WORKER_NICE, 19)) == 0)
    return;
  g_debug ("worker priority unchanged: %s", g_strerror (errno));
#endif
}
