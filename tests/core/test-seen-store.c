/* test-seen-store.c — MpSeenStore: semantics, persistence, crash safety */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/resource.h>
#include <utime.h>

#include "mp-error.h"
#include "mp-seen-store.h"

static void
test_new_account_not_initialised (void)
{
  g_autoptr(MpSeenStore) s = mp_seen_store_new ("acc1");
  g_autofree char *expected = g_build_filename (g_get_user_state_dir (), "mailpeek", "seen",
                                                "acc1.txt", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (mp_seen_store_get_path (s), ==, expected);
  g_assert_true (mp_seen_store_load (s, &error));
  g_assert_no_error (error);
  g_assert_false (mp_seen_store_get_initialised (s));
  g_assert_cmpuint (mp_seen_store_get_size (s), ==, 0);

  /* saving an empty set still records "this account was checked" */
  g_assert_true (mp_seen_store_save (s, &error));
  g_assert_no_error (error);
  g_assert_true (mp_seen_store_get_initialised (s));
  {
    g_autoptr(MpSeenStore) again = mp_seen_store_new ("acc1");
    g_assert_true (mp_seen_store_load (again, NULL));
    g_assert_true (mp_seen_store_get_initialised (again));
    g_assert_cmpuint (mp_seen_store_get_size (again), ==, 0);
  }
}

static void
test_add_contains_prune_round_trip (void)
{
  g_autoptr(MpSeenStore) s = mp_seen_store_new ("acc2");
  g_autoptr(MpSeenStore) again = mp_seen_store_new ("acc2");
  const char *current[] = { "b", "c", "z" };
  GStatBuf st;

  mp_seen_store_load (s, NULL);
  mp_seen_store_add (s, "a");
  mp_seen_store_add (s, "b");
  mp_seen_store_add (s, "b");
  mp_seen_store_add (s, "c");
  mp_seen_store_add (s, "has space");   /* not storable: ignored */
  mp_seen_store_add (s, "line\nbreak");
  mp_seen_store_add (s, "");
  g_assert_cmpuint (mp_seen_store_get_size (s), ==, 3);
  g_assert_true (mp_seen_store_contains (s, "a"));
  g_assert_false (mp_seen_store_contains (s, "has space"));
  g_assert_false (mp_seen_store_contains (s, NULL));

  g_assert_cmpuint (mp_seen_store_prune (s, current, G_N_ELEMENTS (current)), ==, 1);
  g_assert_false (mp_seen_store_contains (s, "a"));
  g_assert_true (mp_seen_store_contains (s, "b"));
  g_assert_false (mp_seen_store_contains (s, "z"));  /* prune never adds */

  g_assert_true (mp_seen_store_save (s, NULL));
  g_assert_cmpint (g_stat (mp_seen_store_get_path (s), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
  g_assert_true (mp_seen_store_load (again, NULL));
  g_assert_cmpuint (mp_seen_store_get_size (again), ==, 2);
  g_assert_true (mp_seen_store_contains (again, "b"));
  g_assert_true (mp_seen_store_contains (again, "c"));
}

static void
test_corrupt_file (void)
{
  g_autoptr(MpSeenStore) s = mp_seen_store_new ("acc3");
  g_autofree char *dir = g_path_get_dirname (mp_seen_store_get_path (s));
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (mp_seen_store_get_path (s), "\x01garbage\nx\n", -1,
                                      NULL));
  g_assert_false (mp_seen_store_load (s, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CONFIG);
  g_assert_false (mp_seen_store_get_initialised (s));
  g_assert_cmpuint (mp_seen_store_get_size (s), ==, 0);
}

/* "New" (announced, never viewed) survives a reload; a file without it
 * still reads as v1 (what older Mailpeek versions wrote and read). */
static void
test_new_flag_round_trip (void)
{
  g_autoptr(MpSeenStore) s = mp_seen_store_new ("acc4");
  g_autoptr(MpSeenStore) again = mp_seen_store_new ("acc4");
  g_autofree char *text = NULL;
  const char *current[] = { "b", "c" };

  mp_seen_store_load (s, NULL);
  mp_seen_store_add (s, "a");
  mp_seen_store_set_new (s, "b", TRUE);    /* adds it too */
  mp_seen_store_set_new (s, "c", TRUE);
  mp_seen_store_add (s, "c");              /* adding again keeps it new */
  g_assert_cmpuint (mp_seen_store_get_size (s), ==, 3);
  g_assert_true (mp_seen_store_contains (s, "b"));
  g_assert_false (mp_seen_store_is_new (s, "a"));
  g_assert_true (mp_seen_store_is_new (s, "b"));
  g_assert_true (mp_seen_store_is_new (s, "c"));
  g_assert_false (mp_seen_store_is_new (s, "unknown"));
  g_assert_false (mp_seen_store_is_new (s, NULL));

  g_assert_true (mp_seen_store_save (s, NULL));
  g_assert_true (g_file_get_contents (mp_seen_store_get_path (s), &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "# mailpeek seen v2\na\nb new\nc new\n");
  g_assert_true (mp_seen_store_load (again, NULL));
  g_assert_true (mp_seen_store_get_initialised (again));
  g_assert_cmpuint (mp_seen_store_get_size (again), ==, 3);
  g_assert_false (mp_seen_store_is_new (again, "a"));
  g_assert_true (mp_seen_store_is_new (again, "b"));

  /* Viewed: no longer new, still seen. */
  mp_seen_store_set_new (again, "b", FALSE);
  g_assert_true (mp_seen_store_contains (again, "b"));
  g_assert_false (mp_seen_store_is_new (again, "b"));
  mp_seen_store_set_new (again, "gone", FALSE);   /* never adds */
  g_assert_false (mp_seen_store_contains (again, "gone"));
  g_assert_cmpuint (mp_seen_store_prune (again, current, G_N_ELEMENTS (current)), ==, 1);
  g_assert_true (mp_seen_store_is_new (again, "c"));
  mp_seen_store_clear_new (again);
  g_assert_false (mp_seen_store_is_new (again, "c"));
  g_assert_true (mp_seen_store_contains (again, "c"));

  /* Nothing new: the file is v1 again, readable by older versions. */
  g_assert_true (mp_seen_store_save (again, NULL));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (mp_seen_store_get_path (s), &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "# mailpeek seen v1\nb\nc\n");
}

/* A v2 line with a flag this version does not know keeps the UIDL as seen. */
static void
test_unknown_flag (void)
{
  g_autoptr(MpSeenStore) s = mp_seen_store_new ("acc5");
  g_autofree char *dir = g_path_get_dirname (mp_seen_store_get_path (s));

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (mp_seen_store_get_path (s),
                                      "# mailpeek seen v2\nx flagged-later\ny new\nz\n",
                                      -1, NULL));
  g_assert_true (mp_seen_store_load (s, NULL));
  g_assert_cmpuint (mp_seen_store_get_size (s), ==, 3);
  g_assert_true (mp_seen_store_contains (s, "x"));
  g_assert_false (mp_seen_store_is_new (s, "x"));
  g_assert_true (mp_seen_store_is_new (s, "y"));
  g_assert_false (mp_seen_store_is_new (s, "z"));
}

/* ---- crash in the middle of a save ---- */

/* The kernel kills the saving process when the temporary file reaches 8 KiB
 * (RLIMIT_FSIZE, SIGXFSZ's default action): a crash part-way through the write,
 * caused from outside the store, as a power cut or an OOM kill would be. */
#define CRASH_AT_BYTES 8192

static void
die_when_file_reaches (rlim_t bytes)
{
  struct rlimit fsize = { bytes, bytes };
  struct rlimit no_core = { 0, 0 };

  signal (SIGXFSZ, SIG_DFL);
  g_assert_cmpint (setrlimit (RLIMIT_CORE, &no_core), ==, 0);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &fsize), ==, 0);
}

static void
test_crash_mid_write (void)
{
  if (g_test_subprocess ())
    {
      /* Child: start from the good file, change it, die while writing. */
      g_autoptr(MpSeenStore) s = mp_seen_store_new_for_path (g_getenv ("SEEN_PATH"));
      g_assert_true (mp_seen_store_load (s, NULL));
      for (guint i = 0; i < 1000; i++)
        {
          g_autofree char *u = g_strdup_printf ("replacement-%u", i);
          mp_seen_store_add (s, u);
        }
      die_when_file_reaches (CRASH_AT_BYTES);
      mp_seen_store_save (s, NULL);
      g_assert_not_reached ();
    }
  else
    {
      g_autoptr(MpSeenStore) s = mp_seen_store_new ("crash");
      g_autoptr(MpSeenStore) after = NULL;
      g_autofree char *before = NULL;
      g_autofree char *now = NULL;
      g_autofree char *dir = NULL;
      g_autoptr(GDir) d = NULL;
      const char *name;
      guint n_tmp = 0;

      mp_seen_store_load (s, NULL);
      for (guint i = 0; i < 500; i++)
        {
          g_autofree char *u = g_strdup_printf ("original-%u", i);
          mp_seen_store_add (s, u);
        }
      g_assert_true (mp_seen_store_save (s, NULL));
      g_assert_true (g_file_get_contents (mp_seen_store_get_path (s), &before, NULL, NULL));

      g_setenv ("SEEN_PATH", mp_seen_store_get_path (s), TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_failed ();

      /* The child died of the limit (not of a failed assertion), and the
       * temporary file stopped at it: the crash really was mid-write … */
      g_test_trap_assert_stderr_unmatched ("*ERROR*");
      dir = g_path_get_dirname (mp_seen_store_get_path (s));
      d = g_dir_open (dir, 0, NULL);
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (name, "crash.txt.tmp-"))
          {
            g_autofree char *p = g_build_filename (dir, name, NULL);
            GStatBuf st;

            g_assert_cmpint (g_stat (p, &st), ==, 0);
            g_assert_cmpint (st.st_size, ==, CRASH_AT_BYTES);
            n_tmp++;
          }
      g_assert_cmpuint (n_tmp, ==, 1);

      /* … and the real file is byte-for-byte the old one and loads. */
      g_assert_true (g_file_get_contents (mp_seen_store_get_path (s), &now, NULL, NULL));
      g_assert_cmpstr (now, ==, before);
      after = mp_seen_store_new ("crash");
      g_assert_true (mp_seen_store_load (after, NULL));
      g_assert_true (mp_seen_store_get_initialised (after));
      g_assert_cmpuint (mp_seen_store_get_size (after), ==, 500);
      g_assert_true (mp_seen_store_contains (after, "original-499"));
      g_assert_false (mp_seen_store_contains (after, "replacement-0"));

      /* A fresh leftover may be another writer's: kept.  An old one is removed by
       * the next save. */
      g_assert_true (mp_seen_store_save (after, NULL));
      g_dir_rewind (d);
      n_tmp = 0;
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (name, "crash.txt.tmp-"))
          {
            g_autofree char *p = g_build_filename (dir, name, NULL);
            struct utimbuf old_time = { 1000, 1000 };
            g_assert_cmpint (g_utime (p, &old_time), ==, 0);
            n_tmp++;
          }
      g_assert_cmpuint (n_tmp, ==, 1);
      g_assert_true (mp_seen_store_save (after, NULL));
      g_dir_rewind (d);
      n_tmp = 0;
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (name, "crash.txt.tmp-"))
          n_tmp++;
      g_assert_cmpuint (n_tmp, ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/seen-store/new-account", test_new_account_not_initialised);
  g_test_add_func ("/core/seen-store/round-trip", test_add_contains_prune_round_trip);
  g_test_add_func ("/core/seen-store/new-flag", test_new_flag_round_trip);
  g_test_add_func ("/core/seen-store/unknown-flag", test_unknown_flag);
  g_test_add_func ("/core/seen-store/corrupt", test_corrupt_file);
  g_test_add_func ("/core/seen-store/crash-mid-write", test_crash_mid_write);
  return g_test_run ();
}
