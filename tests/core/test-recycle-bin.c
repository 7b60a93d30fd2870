/* test-recycle-bin.c — MpRecycleBin: store, list, read, purge; a bin that
 * cannot be written (read-only directory, a file size limit) stores nothing and
 * says so, so the caller deletes nothing */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <signal.h>
#include <unistd.h>

#include "mp-error.h"
#include "mp-recycle-bin.h"

#define MSG "From: Ann <ann@a.test>\r\nSubject: hello bin\r\n\r\nbody\r\n..dot\r\n"

static char *
bin_dir (const char *name)
{
  return g_build_filename (g_get_user_data_dir (), "bins", name, NULL);
}

static guint
count_files (const char *dir, const char *sub)
{
  g_autofree char *d = g_build_filename (dir, sub, NULL);
  g_autoptr(GDir) gd = g_dir_open (d, 0, NULL);
  guint n = 0;

  while (gd != NULL && g_dir_read_name (gd) != NULL)
    n++;
  return n;
}

static void
test_store_list_read_purge (void)
{
  g_autofree char *dir = bin_dir ("ok");
  g_autoptr(MpRecycleBin) bin = mp_recycle_bin_new (dir, "ann@pop.a.test");
  g_autoptr(GBytes) msg = g_bytes_new_static (MSG, strlen (MSG));
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) later = NULL;
  MpRecycleEntry *e;

  g_assert_true (mp_recycle_bin_store (bin, msg, "uidl-1", NULL, &id1, &error));
  g_assert_no_error (error);
  g_assert_true (mp_recycle_bin_store (bin, msg, "uidl-2", "Spam rule", &id2, &error));
  g_assert_cmpuint (count_files (dir, "cur"), ==, 2);
  g_assert_cmpuint (count_files (dir, "tmp"), ==, 0);

  list = mp_recycle_bin_list (bin, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  e = list->pdata[0];                      /* newest first */
  g_assert_cmpstr (e->id, ==, id2);
  g_assert_cmpstr (e->uidl, ==, "uidl-2");
  g_assert_cmpstr (e->rule, ==, "Spam rule");
  g_assert_cmpstr (e->account, ==, "ann@pop.a.test");
  g_assert_cmpstr (e->from, ==, "Ann <ann@a.test>");
  g_assert_cmpstr (e->subject, ==, "hello bin");
  g_assert_cmpuint (e->size, ==, strlen (MSG));
  g_assert_cmpstr (((MpRecycleEntry *) list->pdata[1])->rule, ==, "manual");

  back = mp_recycle_bin_read (bin, id1, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, msg));
  g_assert_null (mp_recycle_bin_read (bin, "../../etc/passwd", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* nothing is 30 days old yet; 31 days later both go */
  g_assert_cmpuint (mp_recycle_bin_purge (bin, NULL, NULL), ==, 0);
  now = g_date_time_new_now_utc ();
  later = g_date_time_add_days (now, 31);
  mp_recycle_bin_set_retention_days (bin, 30);
  g_assert_cmpuint (mp_recycle_bin_purge (bin, later, NULL), ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = mp_recycle_bin_list (bin, NULL);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpuint (count_files (dir, "cur"), ==, 0);
  g_assert_cmpuint (count_files (dir, "meta"), ==, 0);
}

static void
test_default_dir (void)
{
  g_autofree char *dir = mp_recycle_bin_default_dir ("me/../x@pop.test");
  g_autofree char *want = g_build_filename (g_get_user_data_dir (), "mailpeek", "recycle",
                                            "me____x@pop_test", NULL);

  g_assert_cmpstr (dir, ==, want);
}

static void
test_read_only_dir (void)
{
  g_autofree char *dir = bin_dir ("ro");
  g_autoptr(MpRecycleBin) bin = mp_recycle_bin_new (dir, "a");
  g_autoptr(GBytes) msg = g_bytes_new_static (MSG, strlen (MSG));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_autofree char *file = bin_dir ("a-file");
  g_autofree char *under_file = g_build_filename (file, "bin", NULL);
  g_autoptr(MpRecycleBin) blocked = mp_recycle_bin_new (under_file, "a");

  /* A bin whose place is taken by a file: fails for root too. */
  g_autofree char *parent = g_path_get_dirname (file);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  g_assert_false (mp_recycle_bin_store (blocked, msg, "u", NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, "recycle bin"));
  g_clear_error (&error);

  if (geteuid () == 0)
    {
      g_test_message ("root ignores directory permissions: read-only case not run");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  g_assert_false (mp_recycle_bin_store (bin, msg, "u", NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  list = mp_recycle_bin_list (bin, NULL);
  g_assert_cmpuint (list->len, ==, 0);
  g_chmod (dir, 0700);
}

/* A full disk: the file size limit makes write() fail (EFBIG) partway, as
 * ENOSPC would; the half-written copy and its listing data are removed. */
static void
test_full_disk (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = bin_dir ("full");
      g_autoptr(MpRecycleBin) bin = mp_recycle_bin_new (dir, "a");
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = NULL;
      GString *big = g_string_new (MSG);
      g_autoptr(GBytes) msg = NULL;
      struct rlimit rl = { 4096, 4096 };

      while (big->len < 64 * 1024)
        g_string_append (big, "padding line padding line padding line\r\n");
      msg = g_string_free_to_bytes (big);
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
      g_assert_false (mp_recycle_bin_store (bin, msg, "u", NULL, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);   /* EFBIG has no own code */
      g_assert_nonnull (strstr (error->message, "recycle bin"));
      list = mp_recycle_bin_list (bin, NULL);
      g_assert_cmpuint (list->len, ==, 0);
      g_assert_cmpuint (count_files (dir, "tmp"), ==, 0);
      g_assert_cmpuint (count_files (dir, "meta"), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/recycle-bin/store-list-read-purge", test_store_list_read_purge);
  g_test_add_func ("/recycle-bin/default-dir", test_default_dir);
  g_test_add_func ("/recycle-bin/read-only-dir", test_read_only_dir);
  g_test_add_func ("/recycle-bin/full-disk", test_full_disk);
  return g_test_run ();
}
