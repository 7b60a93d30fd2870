/* Pipelining over a slow link: 10,000 "TOP n 0" through a proxy that adds
 * 10 ms each way (20 ms RTT) in front of Dovecot (with-dovecot.py --large).
 * Lock-step would need >= 200 s; every command in flight at once (bounded
 * by bytes) finishes in well under a second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "mp-pop3-session.h"

#define ONE_WAY_DELAY_US (10 * 1000)

typedef struct {
  gint64  due;
  GBytes *data;
} Chunk;

typedef struct {
  int           listen_fd;
  guint16       port;
  guint16       target_port;
  GThread      *thread;
  gint          stop;   /* set by the test thread, polled by the proxy: atomic */
} Proxy;

static int
tcp_to (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
                             .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  g_assert_cmpint (connect (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void
free_chunk (gpointer p)
{
  Chunk *c = p;

  g_bytes_unref (c->data);
  g_free (c);
}

/* Forwards a→b and b→a, each chunk delayed by ONE_WAY_DELAY_US. */
static gpointer
proxy_thread (gpointer data)
{
  Proxy *p = data;
  int client = accept4 (p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  int server = tcp_to (p->target_port);
  int fds[2] = { client, server };
  GQueue queues[2] = { G_QUEUE_INIT, G_QUEUE_INIT };   /* [0]: to server, [1]: to client */
  gboolean open[2] = { TRUE, TRUE };

  while (!g_atomic_int_get (&p->stop) && (open[0] || open[1] || queues[0].length || queues[1].length))
    {
      struct pollfd pfd[2];
      gint64 now = g_get_monotonic_time ();
      gint64 next = G_MAXINT64;
      int timeout;

      for (int i = 0; i < 2; i++)
        {
          Chunk *c;

          /* deliver what is due, in order */
          while ((c = g_queue_peek_head (&queues[i])) != NULL && c->due <= now)
            {
              gsize len;
              const char *buf = g_bytes_get_data (c->data, &len);
              gsize off = 0;

              while (off < len)
                {
                  ssize_t w = send (fds[1 - i], buf + off, len - off, MSG_NOSIGNAL);
                  if (w < 0 && errno == EINTR)
                    continue;
                  if (w <= 0)
                    goto out;
                  off += (gsize) w;
                }
              free_chunk (g_queue_pop_head (&queues[i]));
            }
          if (c != NULL)
            next = MIN (next, c->due);
          pfd[i] = (struct pollfd) { .fd = open[i] ? fds[i] : -1, .events = POLLIN };
        }
      timeout = next == G_MAXINT64 ? 100 : (int) MAX (0, (next - now + 999) / 1000);
      if (poll (pfd, 2, MIN (timeout, 100)) < 0 && errno != EINTR)
        break;
      for (int i = 0; i < 2; i++)
        {
          if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
            {
              char buf[65536];
              ssize_t r = recv (fds[i], buf, sizeof buf, 0);

              if (r <= 0)
                {
                  open[i] = FALSE;
                  continue;
                }
              {
                Chunk *c = g_new (Chunk, 1);
                c->due = g_get_monotonic_time () + ONE_WAY_DELAY_US;
                c->data = g_bytes_new (buf, (gsize) r);
                g_queue_push_tail (&queues[i], c);
              }
            }
        }
      if (!open[0] && queues[0].length == 0)
        shutdown (server, SHUT_WR);
      if (!open[1] && queues[1].length == 0)
        break;
    }
out:
  g_queue_clear_full (&queues[0], free_chunk);
  g_queue_clear_full (&queues[1], free_chunk);
  close (client);
  close (server);
  return NULL;
}

static void
proxy_start (Proxy *p, guint16 target_port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;

  p->target_port = target_port;
  p->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (bind (p->listen_fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (p->listen_fd, 4), ==, 0);
  g_assert_cmpint (getsockname (p->listen_fd, (struct sockaddr *) &sin, &len), ==, 0);
  p->port = ntohs (sin.sin_port);
  p->thread = g_thread_new ("delay-proxy", proxy_thread, p);
}

static void
proxy_stop (Proxy *p)
{
  g_atomic_int_set (&p->stop, 1);
  g_thread_join (p->thread);
  close (p->listen_fd);
}

typedef struct {
  guint  count;
  guint  with_header;
  guint  expected_next;
  guint *numbers;
  gboolean in_order;
} Tally;

static void
tally (guint number, GBytes *body, gpointer user_data)
{
  Tally *t = user_data;

  if (number != t->numbers[t->count])
    t->in_order = FALSE;
  t->count++;
  if (body != NULL && g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "Subject:") != NULL)
    t->with_header++;
}

static void
test_slow_link (void)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(MpPop3Listing) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *numbers = NULL;
  const char *big = g_getenv ("MP_TEST_BIG_USER");
  Tally t = { 0, };
  Proxy proxy = { 0, };
  gint64 start, elapsed;

  if (big == NULL || g_getenv ("MP_TEST_POP3S_PORT") == NULL)
    {
      g_test_skip ("needs with-dovecot.py --large N");
      return;
    }
  proxy_start (&proxy, (guint16) g_ascii_strtoull (g_getenv ("MP_TEST_POP3S_PORT"), NULL, 10));
  o->host = g_strdup ("127.0.0.1");
  o->port = proxy.port;
  o->security = MP_POP3_SECURITY_TLS;
  o->username = g_strdup (big);
  mp_pop3_options_set_password (o, g_getenv ("MP_TEST_PASSWORD"));
  o->ca_file = g_strdup (g_getenv ("MP_TEST_CA_FILE"));
  session = mp_pop3_session_new (o);
  g_assert_true (mp_pop3_session_connect_sync (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mp_pop3_session_is_pipelining (session));

  entries = mp_pop3_session_scan_sync (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >=, 1000);
  numbers = g_new (guint, entries->len);
  for (guint i = 0; i < entries->len; i++)
    numbers[i] = entries->entries[i].number;

  t.numbers = numbers;
  t.in_order = TRUE;
  start = g_get_monotonic_time ();
  g_assert_true (mp_pop3_session_top_many_sync (session, numbers, entries->len, 0, tally, &t, NULL, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_test_message ("%u x TOP n 0 at 20 ms RTT: %.3f s", entries->len, elapsed / 1e6);
  g_assert_cmpuint (t.count, ==, entries->len);
  g_assert_cmpuint (t.with_header, ==, entries->len);
  g_assert_true (t.in_order);
  /* Lock-step: entries->len * 20 ms (200 s for 10,000); a fixed window of
   * 64 about 3 s. The full window must do much better than both; the
   * bound leaves room for a loaded 2-core machine. */
  g_assert_cmpint (elapsed, <, (gint64) entries->len * 20 * 1000 / 10);
  if (entries->len >= 10000)
    g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);

  g_assert_true (mp_pop3_session_quit_sync (session, NULL, &error));
  proxy_stop (&proxy);

  /* Control: the proxy really adds the delay. A window capped at 16 needs
   * at least 800 / 16 round trips = 1 s for 800 messages. */
  {
    g_autoptr(MpPop3Session) capped = NULL;
    Proxy proxy2 = { 0, };
    Tally t2 = { 0, };

    proxy_start (&proxy2, proxy.target_port);
    o->port = proxy2.port;
    o->pipeline = 16;
    capped = mp_pop3_session_new (o);
    g_assert_true (mp_pop3_session_connect_sync (capped, NULL, &error));
    t2.numbers = numbers;
    t2.in_order = TRUE;
    start = g_get_monotonic_time ();
    g_assert_true (mp_pop3_session_top_many_sync (capped, numbers, 800, 0, tally, &t2, NULL, &error));
    elapsed = g_get_monotonic_time () - start;
    g_test_message ("800 x TOP n 0, window 16: %.3f s", elapsed / 1e6);
    g_assert_cmpuint (t2.count, ==, 800);
    g_assert_cmpint (elapsed, >=, 900 * 1000);
    g_assert_true (mp_pop3_session_quit_sync (capped, NULL, &error));
    proxy_stop (&proxy2);
  }
}

typedef struct {
  GCancellable *cancellable;
  gint64        cancelled_at;
  guint         bodies;
} CancelCtx;

static gpointer
cancel_soon (gpointer data)
{
  CancelCtx *c = data;

  while (g_atomic_int_get ((gint *) &c->bodies) < 200)
    g_usleep (1000);
  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

static void
count_body (guint number, GBytes *body, gpointer user_data)
{
  CancelCtx *c = user_data;

  g_atomic_int_inc ((gint *) &c->bodies);
}

static void
test_cancel_pipelined (void)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MpPop3Listing) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *numbers = NULL;
  const char *big = g_getenv ("MP_TEST_BIG_USER");
  CancelCtx c = { cancellable, 0, 0 };
  Proxy proxy = { 0, };
  GThread *thread;
  gint64 returned_at;

  if (big == NULL || g_getenv ("MP_TEST_POP3S_PORT") == NULL)
    {
      g_test_skip ("needs with-dovecot.py --large N");
      return;
    }
  proxy_start (&proxy, (guint16) g_ascii_strtoull (g_getenv ("MP_TEST_POP3S_PORT"), NULL, 10));
  o->host = g_strdup ("127.0.0.1");
  o->port = proxy.port;
  o->username = g_strdup (big);
  mp_pop3_options_set_password (o, g_getenv ("MP_TEST_PASSWORD"));
  o->ca_file = g_strdup (g_getenv ("MP_TEST_CA_FILE"));
  session = mp_pop3_session_new (o);
  g_assert_true (mp_pop3_session_connect_sync (session, NULL, &error));
  entries = mp_pop3_session_scan_sync (session, NULL, &error);
  g_assert_no_error (error);
  numbers = g_new (guint, entries->len);
  for (guint i = 0; i < entries->len; i++)
    numbers[i] = entries->entries[i].number;

  /* full bodies, so the transfer lasts long enough to be interrupted */
  thread = g_thread_new ("canceller", cancel_soon, &c);
  g_assert_false (mp_pop3_session_top_many_sync (session, numbers, entries->len, 100000,
                                                 count_body, &c, cancellable, &error));
  returned_at = g_get_monotonic_time ();
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (c.bodies, <, entries->len);
  g_test_message ("cancel latency in a pipelined transfer: %" G_GINT64_FORMAT " us",
                  returned_at - c.cancelled_at);
  g_assert_cmpint (returned_at - c.cancelled_at, <, 100 * 1000);
  g_assert_false (mp_pop3_session_is_connected (session));
  proxy_stop (&proxy);
}

/* The peer vanishes under a TLS session: the next command, the close and
 * OpenSSL's close_notify write into a dead socket. That must be an error,
 * never SIGPIPE (which would kill the whole application). */
static void
test_peer_gone (void)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  Proxy proxy = { 0, };

  if (g_getenv ("MP_TEST_POP3S_PORT") == NULL)
    {
      g_test_skip ("needs with-dovecot.py");
      return;
    }
  proxy_start (&proxy, (guint16) g_ascii_strtoull (g_getenv ("MP_TEST_POP3S_PORT"), NULL, 10));
  o->host = g_strdup ("127.0.0.1");
  o->port = proxy.port;
  o->username = g_strdup (g_getenv ("MP_TEST_USER"));
  mp_pop3_options_set_password (o, g_getenv ("MP_TEST_PASSWORD"));
  o->ca_file = g_strdup (g_getenv ("MP_TEST_CA_FILE"));
  session = mp_pop3_session_new (o);
  g_assert_true (mp_pop3_session_connect_sync (session, NULL, &error));
  g_assert_no_error (error);
  proxy_stop (&proxy);
  g_usleep (50 * 1000);

  for (guint i = 0; i < 3 && error == NULL; i++)
    mp_pop3_session_noop_sync (session, NULL, &error);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED);
  g_assert_false (mp_pop3_session_is_connected (session));
  g_clear_object (&session);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/pipeline/slow-link", test_slow_link);
  g_test_add_func ("/pop3/pipeline/cancel", test_cancel_pipelined);
  g_test_add_func ("/pop3/pipeline/peer-gone", test_peer_gone);
  return g_test_run ();
}
