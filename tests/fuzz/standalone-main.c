/* standalone-main.c — replays fuzz corpora without libFuzzer
 *
 * Normal builds (without -Dfuzzing=true) link every fuzz target with this
 * driver so that the committed seed corpus, including every reproducer of a
 * fixed crash, runs through LLVMFuzzerTestOneInput() in each `meson test`.
 * Arguments are files or directories (all regular files inside, sorted so a
 * failure is reproducible). A run that finds no input at all fails: a missing
 * corpus must not look like a passing test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
/* Optional in a target, as with libFuzzer. */
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

static gboolean
run_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  /* Copy into an exact-size heap block so ASan sees any read past the end,
   * as it would under libFuzzer. */
  g_autofree uint8_t *copy = g_memdup2 (contents, len);
  fprintf (stderr, "Running %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
  LLVMFuzzerTestOneInput (copy, len);
  return TRUE;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static gboolean
collect (const char *path, GPtrArray *files)
{
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return TRUE;
    }

  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&child));
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    {
      if (argv[i][0] == '-')  /* libFuzzer-style flags: ignored here */
        continue;
      if (!collect (argv[i], files))
        return 1;
    }
  if (files->len == 0)
    {
      fprintf (stderr, "usage: %s CORPUS_DIR|FILE...: no input found\n", argv[0]);
      return 1;
    }

  g_ptr_array_sort (files, compare_strings);
  for (guint i = 0; i < files->len; i++)
    if (!run_file (files->pdata[i]))
      return 1;

  fprintf (stderr, "Replayed %u inputs without a crash\n", files->len);
  return 0;
}
