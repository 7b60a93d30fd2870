/* bench-header-cache.c — MpHeaderCache: save and load time, file size, memory
 *
 *   bench-header-cache [--rounds N] [--strict] [COUNT…]      (default: 10000 100000)
 *
 * For each COUNT, rows shaped like real list rows (name, address, To, a subject
 * of 20–90 characters with some non-ASCII, Message-ID, date, size) are saved to
 * a cache in a temporary folder and loaded back N times (default 5).  Printed:
 * the median save and load time (the load is what stands between the first frame
 * and the cached rows: target ≤ 100 ms for 10,000), the file size, and the
 * resident memory the loaded rows add (VmRSS before and after one load in a fresh
 * process, rows held; the 100,000-message account may add ≤ 100 MB in all).  --strict exits 2
 * when the 10,000-row load is over 100 ms or the rows of any COUNT add more than
 * 100 MB.  A timing is of this machine at this moment: run it on a quiet one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp-header-cache.h"

#define LOAD_TARGET_MS  100.0
#define MEMORY_TARGET_MB 100.0

static const char *words[] = {
  "quarterly", "report", "meeting", "Re:", "Fwd:", "invoice", "Grüße", "schedule",
  "update", "holiday", "photos", "draft", "review", "café", "budget", "ticket",
  "release", "notes", "lunch", "tomorrow", "urgent", "naïve", "question", "résumé",
};

static char *
make_subject (GRand *rand)
{
  GString *s = g_string_new (NULL);
  guint target = g_rand_int_range (rand, 20, 91);

  while (s->len < target)
    {
      if (s->len)
        g_string_append_c (s, ' ');
      g_string_append (s, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
  return g_string_free (s, FALSE);
}

static GPtrArray *
make_rows (guint n)
{
  GPtrArray *rows = g_ptr_array_new_full (n, g_object_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uidl = g_strdup_printf ("%08x%08x", g_rand_int (rand), i);
      g_autofree char *name = g_strdup_printf ("Sender Number%u", i % 500);
      g_autofree char *address = g_strdup_printf ("sender%u@example.org", i % 500);
      g_autofree char *subject = make_subject (rand);
      g_autofree char *message_id = g_strdup_printf ("%u.%08x@mail.example.org", i,
                                                     g_rand_int (rand));
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (1700000000 + (gint64) i * 97);
      MpMessageSummaryFields f = {
        .uidl = uidl, .size = g_rand_int_range (rand, 800, 2000000), .from_name = name,
        .from_address = address, .to = "Me Myself <me@example.org>", .subject = subject,
        .message_id = message_id, .date = date, .has_attachments = i % 7 == 0,
      };

      g_ptr_array_add (rows, mp_message_summary_new_from_fields (&f));
    }
  return rows;
}

/* Resident set size in KiB (Linux), 0 when unknown. */
static gsize
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line ? strtoull (line + 6, NULL, 10) : 0;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *ms)
{
  g_array_sort (ms, compare_double);
  return g_array_index (ms, double, ms->len / 2);
}

/* In a fresh process (this program with --load-in DIR): load the cache once and
 * print how much the rows add to the resident set, in KiB.  Freshly, because a
 * process that already made and freed rows reuses its heap and shows ~0. */
static int
load_in (const char *dir)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (dir);
  g_autoptr(GPtrArray) rows = NULL;
  gsize before = rss_kib ();

  rows = mp_header_cache_load_sync (cache, "bench", NULL, NULL, NULL);
  printf ("%" G_GSIZE_FORMAT "\n", rss_kib () - before);
  return rows->len > 0 ? 0 : 1;
}

static double
fresh_load_mb (const char *dir)
{
  const char *argv[] = { "/proc/self/exe", "--load-in", dir, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                     &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("memory run: %s", error->message);
  return g_ascii_strtod (out, NULL) / 1024.0;
}

/* Returns FALSE when --strict targets are missed. */
static gboolean
bench_count (MpHeaderCache *cache, guint n, guint rounds)
{
  g_autoptr(GArray) save_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) load_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = mp_header_cache_dup_path (cache, "bench");
  double added_mb;
  GStatBuf st;
  gboolean ok = TRUE;

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(GPtrArray) rows = make_rows (n);
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      if (!mp_header_cache_save_sync (cache, "bench", rows, NULL, NULL, &error))
        g_error ("save: %s", error->message);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (save_ms, ms);
    }
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(GPtrArray) back = NULL;
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      back = mp_header_cache_load_sync (cache, "bench", NULL, NULL, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      if (back == NULL || back->len != n)
        g_error ("load: %s", error ? error->message : "wrong row count");
      g_array_append_val (load_ms, ms);
    }
  added_mb = fresh_load_mb (mp_header_cache_get_dir (cache));
  g_assert (g_stat (path, &st) == 0);

  printf ("%7u rows   save %8.1f ms   load %8.1f ms   file %6.1f MB   rows add %6.1f MB RSS\n",
          n, median (save_ms), median (load_ms), st.st_size / 1048576.0, added_mb);
  if (n <= 10000 && median (load_ms) > LOAD_TARGET_MS)
    ok = FALSE;
  if (added_mb > MEMORY_TARGET_MB)
    ok = FALSE;
  return ok;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-header-cache-XXXXXX", &error);
  g_autoptr(MpHeaderCache) cache = NULL;
  g_autofree char *path = NULL;
  gint rounds = 5;
  gboolean strict = FALSE;
  gboolean ok = TRUE;
  char *load_dir = NULL;
  GOptionEntry entries[] = {
    { "load-in", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &load_dir, NULL, NULL },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds per count (median shown)", "N" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Exit 2 when a target is missed", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[COUNT…]");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || dir == NULL || rounds < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "--rounds must be at least 1");
      return 1;
    }
  if (load_dir != NULL)
    {
      g_rmdir (dir);
      return load_in (load_dir);
    }
  cache = mp_header_cache_new (dir);
  path = mp_header_cache_dup_path (cache, "bench");
  printf ("MpHeaderCache, median of %d rounds (targets: 10,000-row load <= %.0f ms, "
          "rows add <= %.0f MB)\n", rounds, LOAD_TARGET_MS, MEMORY_TARGET_MB);
  if (argc < 2)
    {
      ok &= bench_count (cache, 10000, rounds);
      ok &= bench_count (cache, 100000, rounds);
    }
  for (int i = 1; i < argc; i++)
    ok &= bench_count (cache, (guint) g_ascii_strtoull (argv[i], NULL, 10), rounds);

  g_unlink (path);
  g_rmdir (dir);
  if (!ok)
    printf ("target missed\n");
  return !ok && strict ? 2 : 0;
}
