/* core-test-helpers.c — manifest loading and a main-loop heartbeat for the core tests */
#include "core-test-helpers.h"

#include <string.h>

#include "mp-message-summary.h"

#include <time.h>

void
expected_free (Expected *e)
{
  g_free (e->uidl);
  g_free (e->subject);
  g_free (e->from_addr);
  g_free (e->preview);
  g_free (e);
}

/* manifest.json → array of Expected, through manifest-to-keyfile.py */
GPtrArray *
core_test_load_manifest (const char *path)
{
  g_autofree char *script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "core",
                                              "manifest-to-keyfile.py", NULL);
  const char *argv[] = { MP_PYTHON3, script, path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) groups = NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) expected_free);
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_key_file_load_from_data (kf, out, -1, G_KEY_FILE_NONE, &error));
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      Expected *e = g_new0 (Expected, 1);
      e->uidl = g_key_file_get_string (kf, groups[i], "uidl", NULL);
      e->size = g_key_file_get_uint64 (kf, groups[i], "size", NULL);
      e->subject = g_key_file_get_string (kf, groups[i], "subject", NULL);
      e->from_addr = g_key_file_get_string (kf, groups[i], "from_addr", NULL);
      e->preview = g_key_file_get_string (kf, groups[i], "preview_contains", NULL);
      g_assert_nonnull (e->uidl);
      g_ptr_array_add (list, e);
    }
  return list;
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint64
runqueue_wait_us (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    return 0;
  fields = g_strsplit (text, " ", 3);
  if (fields[0] == NULL || fields[1] == NULL)
    return 0;
  return g_ascii_strtoll (fields[1], NULL, 10) / 1000;
}

gboolean
core_test_heartbeat (gpointer data)
{
  Heartbeat *hb = data;
  gint64 now = g_get_monotonic_time ();
  gint64 wait = runqueue_wait_us ();
  gint64 cpu = thread_cpu_us ();

  if (hb->last != 0)
    {
      gint64 own = (now - hb->last) - (wait - hb->last_wait);

      hb->max_gap = MAX (hb->max_gap, now - hb->last);
      if (own > hb->max_own_gap)
        {
          hb->max_own_gap = own;
          hb->cpu_in_worst = cpu - hb->last_cpu;
        }
    }
  hb->last = now;
  hb->last_wait = wait;
  hb->last_cpu = cpu;
  hb->ticks++;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_guard (gpointer data)
{
  g_error ("test timed out");
  return G_SOURCE_REMOVE;
}

void
core_test_run_until (const gboolean *flag,
                     guint           timeout_s)
{
  guint guard = g_timeout_add_seconds (timeout_s, on_guard, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

GPtrArray *
core_test_rows_of (const char * const *uidls)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  const char *headers = "From: a@example.org\r\nSubject: known\r\n\r\n";

  for (gsize i = 0; uidls[i] != NULL; i++)
    g_ptr_array_add (rows, mp_message_summary_new_from_headers (headers, strlen (headers),
                                                                uidls[i], 100));
  return rows;
}

MpKnownRows *
core_test_known_rows (const char * const *uidls)
{
  MpKnownRows *known;

  if (uidls == NULL)
    return NULL;
  known = mp_known_rows_new ();
  mp_known_rows_provide (known, core_test_rows_of (uidls));
  return known;
}
