/* test-mail-client-open.c — mp_mail_client_open_file_async with the real GIO
 * lookup: an account's command gets the file as its argument; without one, the
 * desktop's default application for message/rfc822 (a desktop file and
 * mimeapps.list in a private XDG tree) gets it; with no application at all the
 * error says what is missing in words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mp-mail-client.h"

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
on_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = mp_mail_client_open_file_finish (result, &w->error);
  w->done = TRUE;
}

static void
open_and_wait (const char *command, GFile *file, Wait *w)
{
  mp_mail_client_open_file_async (command, file, NULL, on_opened, w);
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

/* Until the program wrote @path (it runs on its own), at most 20 s. The
 * programs write a .part file and rename it: @path appears complete or not
 * at all (a plain cp creates it empty first, and the test read it so once). */
static char *
wait_for_file (const char *path)
{
  char *text = NULL;

  for (int i = 0; i < 2000 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_usleep (10 * 1000);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static char *tmp;

static GFile *
write_message (void)
{
  g_autofree char *path = g_build_filename (tmp, "kept message.eml", NULL);

  g_assert_true (g_file_set_contents (path, "Subject: kept\r\n\r\nBody\r\n", -1, NULL));
  return g_file_new_for_path (path);
}

static void
test_command (void)
{
  g_autoptr (GFile) file = write_message ();
  g_autofree char *out = g_build_filename (tmp, "from-command.txt", NULL);
  g_autofree char *command = g_strdup_printf ("sh -c 'cat \"$1\" > %s.part && mv %s.part %s' sh",
                                              out, out, out);
  g_autofree char *text = NULL;
  Wait w = { 0 };

  open_and_wait (command, file, &w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  text = wait_for_file (out);
  g_assert_cmpstr (text, ==, "Subject: kept\r\n\r\nBody\r\n");
}

static void
test_default_handler (void)
{
  g_autoptr (GFile) file = write_message ();
  g_autofree char *out = g_build_filename (tmp, "from-default.txt", NULL);
  g_autofree char *apps = g_build_filename (tmp, "data", "applications", NULL);
  g_autofree char *desktop = g_build_filename (apps, "mp-test-reader.desktop", NULL);
  g_autofree char *entry = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Reader\n"
                                            "Exec=sh -c 'cp \"$1\" %s.part && mv %s.part %s' sh %%f\n"
                                            "MimeType=message/rfc822;\n", out, out, out);
  g_autofree char *mimeapps = g_build_filename (tmp, "config", "mimeapps.list", NULL);
  g_autofree char *text = NULL;
  Wait w = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_true (g_file_set_contents (desktop, entry, -1, NULL));
  g_assert_true (g_file_set_contents (mimeapps,
                                      "[Default Applications]\nmessage/rfc822=mp-test-reader.desktop\n",
                                      -1, NULL));
  open_and_wait (NULL, file, &w);
  g_assert_no_error (w.error);
  text = wait_for_file (out);
  g_assert_cmpstr (text, ==, "Subject: kept\r\n\r\nBody\r\n");
  g_unlink (desktop);
  g_unlink (mimeapps);
}

/* In a child, with a private tree of its own that has no reader at all (GIO
 * keeps the desktop files it has seen for the life of a process). */
static void
test_no_application (void)
{
  g_autoptr (GFile) file = write_message ();
  Wait w = { 0 };

  if (g_test_subprocess ())
    {
      open_and_wait (NULL, file, &w);
      g_assert_false (w.ok);
      g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_assert_nonnull (g_strstr_len (w.error->message, -1, ".eml"));
      g_clear_error (&w.error);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_autofree char *config = NULL;
  g_autofree char *data = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *system_data = NULL;
  g_autofree char *mime = NULL;
  g_autofree char *rm = NULL;
  int status;

  tmp = g_dir_make_tmp ("mp-mail-client-XXXXXX", NULL);
  config = g_build_filename (tmp, "config", NULL);
  data = g_build_filename (tmp, "data", NULL);
  empty = g_build_filename (tmp, "no-system-data", NULL);
  g_mkdir_with_parents (config, 0700);
  g_mkdir_with_parents (empty, 0700);
  /* The system's data dirs stand for shared-mime-info's database only (to know
   * that .eml is message/rfc822): the machine's own mail readers stay out. */
  system_data = g_build_filename (tmp, "system-data", NULL);
  mime = g_build_filename (system_data, "mime", NULL);
  g_mkdir_with_parents (system_data, 0700);
  g_assert_cmpint (symlink ("/usr/share/mime", mime), ==, 0);
  /* Only the private tree: the machine's own default mail reader stays out. */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CONFIG_DIRS", empty, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_DATA_DIRS", system_data, TRUE);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");   /* no portal, no activation */
  g_setenv ("GIO_USE_PORTALS", "0", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mail-client/open-file/command", test_command);
  g_test_add_func ("/mail-client/open-file/default-handler", test_default_handler);
  g_test_add_func ("/mail-client/open-file/no-application", test_no_application);
  status = g_test_run ();
  rm = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (rm) != 0)
    g_printerr ("could not remove %s\n", tmp);
  return status;
}
