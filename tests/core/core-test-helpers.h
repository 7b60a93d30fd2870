/* core-test-helpers.h — shared by the core tests */
#pragma once

#include <gio/gio.h>

#include "mp-known-rows.h"

G_BEGIN_DECLS

/* One message of a with-dovecot.py manifest. */
typedef struct {
  char    *uidl;
  guint64  size;
  char    *subject;
  char    *from_addr;
  char    *preview;
} Expected;

void       expected_free           (Expected   *e);
/* manifest.json → GPtrArray of Expected (through manifest-to-keyfile.py). */
GPtrArray *core_test_load_manifest (const char *path);

/* Main-thread heartbeat: add with g_timeout_add (5, core_test_heartbeat, &hb).
 * A gap is the time between two ticks; part of it may be spent waiting for a CPU
 * (other processes on a loaded machine), which the kernel reports as run_delay in
 * /proc/thread-self/schedstat.  What our code can be blamed for is the gap minus
 * that wait (max_own_gap). */
typedef struct {
  gint64 last;
  gint64 last_wait;
  gint64 last_cpu;
  gint64 max_gap;        /* raw */
  gint64 max_own_gap;    /* minus time waiting for a CPU */
  gint64 cpu_in_worst;   /* main-thread CPU time during the worst own gap */
  guint  ticks;
} Heartbeat;

gboolean   core_test_heartbeat     (gpointer    data);

/* Runs the default main context until *flag is set; a test that waits more
 * than timeout_s seconds aborts (g_error) instead of hanging. */
void       core_test_run_until     (const gboolean *flag,
                                    guint           timeout_s);

/* Rows the caller shows (one summary per UIDL of @uidls, NULL-terminated), in a
 * GPtrArray; core_test_known_rows() hands them over at once (NULL: NULL). */
GPtrArray   *core_test_rows_of     (const char * const *uidls);
MpKnownRows *core_test_known_rows  (const char * const *uidls);

G_END_DECLS
