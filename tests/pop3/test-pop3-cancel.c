/* Timeout and cross-thread cancellation against a listener on 127.0.0.1
 * that accepts connections (kernel backlog) but never says anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "mp-pop3-session.h"
#include "mp-test-util.h"

typedef struct {
  int     listen_fd;
  guint16 port;
} Silent;

static void
silent_setup (Silent *s, gconstpointer data)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;

  s->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (s->listen_fd, >=, 0);
  g_assert_cmpint (bind (s->listen_fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (s->listen_fd, 16), ==, 0);
  g_assert_cmpint (getsockname (s->listen_fd, (struct sockaddr *) &sin, &len), ==, 0);
  s->port = ntohs (sin.sin_port);
}

static void
silent_teardown (Silent *s, gconstpointer data)
{
  close (s->listen_fd);
}

static MpPop3Session *
make_session (Silent *s, MpPop3Security security, guint timeout_ms)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();

  o->host = g_strdup ("127.0.0.1");
  o->port = s->port;
  o->security = security;
  o->username = g_strdup ("u");
  o->password = g_strdup ("p");
  o->timeout_ms = timeout_ms;
  return mp_pop3_session_new (o);
}

static void
test_timeout (Silent *s, gconstpointer data)
{
  g_autoptr(MpPop3Session) session = make_session (s, MP_POP3_SECURITY_NONE, 300);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time (), elapsed;

  g_assert_false (mp_pop3_session_connect_sync (session, NULL, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT);
  g_assert_cmpint (elapsed, >=, 290 * 1000);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

static void
run_cancel (Silent *s, MpPop3Security security)
{
  g_autoptr(MpPop3Session) session = make_session (s, security, 30000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  MpTestCanceller *canceller = mp_test_cancel_later (cancellable, 300);
  gint64 returned_at, cancelled_at;

  g_assert_false (mp_pop3_session_connect_sync (session, cancellable, &error));
  returned_at = g_get_monotonic_time ();
  cancelled_at = mp_test_cancel_later_join (canceller);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancelled_at, >, 0);
  /* Correctness bound from the design: a blocked call returns within 100 ms. */
  g_assert_cmpint (returned_at - cancelled_at, <, 100 * 1000);
  g_assert_false (mp_pop3_session_is_connected (session));
}

static void
test_cancel_greeting (Silent *s, gconstpointer data)
{
  run_cancel (s, MP_POP3_SECURITY_NONE);
}

static void
test_cancel_tls_handshake (Silent *s, gconstpointer data)
{
  run_cancel (s, MP_POP3_SECURITY_TLS);
}

static void
test_cancelled_before (Silent *s, gconstpointer data)
{
  g_autoptr(MpPop3Session) session = make_session (s, MP_POP3_SECURITY_NONE, 30000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (mp_pop3_session_connect_sync (session, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_connect_refused (void)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  Silent s;

  /* A port that was just free: nobody listens there. */
  silent_setup (&s, NULL);
  silent_teardown (&s, NULL);
  o->host = g_strdup ("127.0.0.1");
  o->port = s.port;
  o->security = MP_POP3_SECURITY_NONE;
  session = mp_pop3_session_new (o);
  g_assert_false (mp_pop3_session_connect_sync (session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CONNECT);
}

/* One-shot server on @family's loopback that greets with -ERR [SYS/TEMP]:
 * reaching it proves the connect path for that family. */
typedef struct {
  int listen_fd;
  guint16 port;
} Greeter;

static gpointer
greeter_thread (gpointer data)
{
  Greeter *g = data;
  const char *greeting = "-ERR [SYS/TEMP] come back later\r\n";
  int fd = accept4 (g->listen_fd, NULL, NULL, SOCK_CLOEXEC);

  if (fd >= 0)
    {
      if (send (fd, greeting, strlen (greeting), MSG_NOSIGNAL) < 0)
        g_warning ("send: %s", g_strerror (errno));
      g_usleep (200 * 1000);
      close (fd);
    }
  return NULL;
}

static gboolean
greeter_start (Greeter *g, int family)
{
  struct sockaddr_storage ss = { 0, };
  socklen_t len;

  if (family == AF_INET6)
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = in6addr_loopback;
      len = sizeof *sin6;
    }
  else
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      len = sizeof *sin;
    }
  g->listen_fd = socket (family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (g->listen_fd < 0 || bind (g->listen_fd, (struct sockaddr *) &ss, len) != 0)
    {
      if (g->listen_fd >= 0)
        close (g->listen_fd);
      return FALSE;
    }
  g_assert_cmpint (listen (g->listen_fd, 4), ==, 0);
  g_assert_cmpint (getsockname (g->listen_fd, (struct sockaddr *) &ss, &len), ==, 0);
  g->port = ntohs (family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                      : ((struct sockaddr_in *) &ss)->sin_port);
  return TRUE;
}

static void
run_greeter (const char *host, int family)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  Greeter g;
  GThread *thread;

  if (!greeter_start (&g, family))
    {
      g_test_skip ("no loopback for this address family");
      return;
    }
  thread = g_thread_new ("greeter", greeter_thread, &g);
  o->host = g_strdup (host);
  o->port = g.port;
  o->security = MP_POP3_SECURITY_NONE;
  o->timeout_ms = 5000;
  session = mp_pop3_session_new (o);
  g_assert_false (mp_pop3_session_connect_sync (session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_SYS_TEMP);
  g_assert_nonnull (strstr (error->message, "come back later"));
  g_thread_join (thread);
  close (g.listen_fd);
}

static void
test_ipv6_literal (void)
{
  run_greeter ("::1", AF_INET6);
}

static void
test_resolver_fallback (void)
{
  /* The GResolver path. Where "localhost" also resolves to ::1 (not on
   * every machine), only the IPv4 address listens, so this also checks
   * that a refused address leads to the next one. */
  run_greeter ("localhost", AF_INET);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pop3/cancel/timeout", Silent, NULL, silent_setup, test_timeout, silent_teardown);
  g_test_add ("/pop3/cancel/greeting", Silent, NULL, silent_setup, test_cancel_greeting, silent_teardown);
  g_test_add ("/pop3/cancel/tls-handshake", Silent, NULL, silent_setup, test_cancel_tls_handshake, silent_teardown);
  g_test_add ("/pop3/cancel/before", Silent, NULL, silent_setup, test_cancelled_before, silent_teardown);
  g_test_add_func ("/pop3/cancel/connect-refused", test_connect_refused);
  g_test_add_func ("/pop3/connect/ipv6-literal", test_ipv6_literal);
  g_test_add_func ("/pop3/connect/resolver-fallback", test_resolver_fallback);
  return g_test_run ();
}
