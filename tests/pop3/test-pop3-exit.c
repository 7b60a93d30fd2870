/* Process exit while the engine's CA-store helper thread is still loading.
 *
 * A TLS connect to a refused port fails at once, long before the system CA
 * store (mp-pop3-tls.c, ~50 ms) is parsed. A front end that then leaves main
 * exits while the helper thread is inside OpenSSL; OpenSSL's atexit cleanup
 * used to free what that thread was using (SIGSEGV about every second run).
 * Each case runs that in 50 fresh subprocesses, none of which may crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib/gstdio.h>
#include <openssl/ssl.h>

#include "mp-pop3-private.h"
#include "mp-pop3-session.h"

#define RUNS 50
#define REPORT_ENV "MP_TEST_EXIT_REPORT"

/* A port that was just free: nobody listens there. */
static guint16
closed_port (void)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  close (fd);
  return ntohs (sin.sin_port);
}

/* Child, first half: a refused TLS connect. TRUE when the CA store was still
 * loading afterwards. The session and options are freed here, as a front end
 * does before it leaves main (and so LeakSanitizer sees no leak at exit). */
static gboolean
child_connect (void)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;

  o->host = g_strdup ("127.0.0.1");
  o->port = (guint16) atoi (g_getenv ("MP_TEST_EXIT_PORT"));
  o->security = MP_POP3_SECURITY_TLS;
  o->timeout_ms = 5000;
  session = mp_pop3_session_new (o);
  g_assert_false (mp_pop3_session_connect_sync (session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CONNECT);
  return !mp_pop3_tls_system_store_ready ();
}

/* Child: connect (refused), note whether the store was still loading, exit
 * at once. exit() runs the atexit handlers exactly as returning from main. */
static void
child_connect_and_exit (void)
{
  const char *report = g_getenv (REPORT_ENV);
  gboolean raced = child_connect ();
  int fd;

  /* One byte per run, appended: 'r' = exited while loading (the race). */
  fd = g_open (report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, raced ? "r" : "l", 1), ==, 1);
  close (fd);
  exit (0);
}

/* Parent: reruns the current test in RUNS subprocesses. */
static void
run_exit_race (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mp-pop3-exit-XXXXXX", &error);
  g_autofree char *report = NULL;
  g_autofree char *port = g_strdup_printf ("%u", closed_port ());
  g_autofree char *bytes = NULL;
  gsize len = 0, raced = 0;
  /* Under a sanitizer every child pays its start-up and leak check (~1 s
   * each) and the store is still loading at exit in every run anyway. */
  guint runs = g_getenv ("MP_SANITIZER") != NULL ? 10 : RUNS;

  g_assert_no_error (error);
  report = g_build_filename (dir, "report", NULL);
  /* Inherited by the subprocesses (this process runs no other thread). */
  g_setenv (REPORT_ENV, report, TRUE);
  g_setenv ("MP_TEST_EXIT_PORT", port, TRUE);

  for (guint i = 0; i < runs; i++)
    {
      g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("");   /* no "could not load" noise at exit either */
    }

  g_assert_true (g_file_get_contents (report, &bytes, &len, NULL));
  g_assert_cmpuint (len, ==, runs);
  for (gsize i = 0; i < len; i++)
    raced += bytes[i] == 'r';
  g_test_message ("%" G_GSIZE_FORMAT " of %u runs exited while the CA store was loading",
                  raced, runs);
  g_unlink (report);
  g_rmdir (dir);
  if (raced == 0)
    g_test_skip ("The CA store always loaded before exit: the race was not exercised");
}

/* The engine is the first to initialise OpenSSL (the CLI, the GUI). */
static void
test_exit_while_loading (void)
{
  if (g_test_subprocess ())
    {
      child_connect_and_exit ();
      return;
    }
  run_exit_race ();
}

/* Something else in the process initialised OpenSSL first, with its
 * default atexit cleanup, so the engine's own init options come too late. */
static void
test_exit_while_loading_foreign_init (void)
{
  if (g_test_subprocess ())
    {
      /* libssl set up the default way. (Options 0 would be a no-op.) */
      g_assert_cmpint (OPENSSL_init_ssl (0, NULL), ==, 1);
      child_connect_and_exit ();
      return;
    }
  run_exit_race ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/pop3/exit/while-loading", test_exit_while_loading);
  g_test_add_func ("/pop3/exit/foreign-init", test_exit_while_loading_foreign_init);
  return g_test_run ();
}
