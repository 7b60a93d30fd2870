/* mp-pop3-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-pop3-error.h"

/* Not G_DEFINE_QUARK: its unguarded static is written by whichever thread asks first,
 * and sessions run on many threads at once (parallel probes, the worker pool) — a
 * data race ThreadSanitizer reports.  g_once makes the first use thread-safe. */
GQuark
mp_pop3_error_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("mp-pop3-error-quark"));
  return (GQuark) quark;
}
