/* mp-pop3-transport.c — the TCP socket transport (non-blocking, IPv4/IPv6);
 * the cancellable poll() wait.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

void
mp_pop3_transport_free (MpPop3Transport *t)
{
  if (t != NULL)
    t->vtable->free (t);
}

/* ---- pace: deadline and low-speed limit of one operation ----
 * The idle timeout alone only measures silence: a server sending one byte
 * every few seconds would hold a session (and an account's job queue)
 * forever. */

static guint
limit_or (guint value,
          guint fallback)
{
  return value > 0 ? value : fallback;
}

void
mp_pop3_pace_begin (MpPop3Pace          *pace,
                    const MpPop3Options *options)
{
  gint64 now = g_get_monotonic_time ();

  pace->max_time_ms = limit_or (options->max_time_ms, MP_POP3_DEFAULT_MAX_TIME_MS);
  pace->speed_limit = limit_or (options->speed_limit, MP_POP3_DEFAULT_SPEED_LIMIT);
  pace->speed_time_ms = limit_or (options->speed_time_ms, MP_POP3_DEFAULT_SPEED_TIME_MS);
  pace->deadline = now + (gint64) pace->max_time_ms * 1000;
  pace->window_start = now;
  pace->window_bytes = 0;
}

void
mp_pop3_pace_next_message (MpPop3Pace *pace)
{
  if (pace->deadline != 0)
    pace->deadline = g_get_monotonic_time () + (gint64) pace->max_time_ms * 1000;
}

void
mp_pop3_pace_received (MpPop3Pace *pace,
                       gsize       n_bytes)
{
  pace->window_bytes += n_bytes;
}

static guint
ms_to_seconds (guint ms)
{
  return (ms + 999) / 1000;
}

gboolean
mp_pop3_pace_check (MpPop3Pace  *pace,
                    GError     **error)
{
  gint64 now = g_get_monotonic_time ();
  guint64 needed;

  if (pace->deadline == 0)
    return TRUE;
  if (now >= pace->deadline)
    {
      guint s = ms_to_seconds (pace->max_time_ms);

      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The operation took longer than %u second",
                                "The operation took longer than %u seconds", s), s);
      return FALSE;
    }
  if (now - pace->window_start < (gint64) pace->speed_time_ms * 1000)
    return TRUE;
  needed = (guint64) pace->speed_limit * pace->speed_time_ms / 1000;
  if (pace->window_bytes < needed)
    {
      guint s = ms_to_seconds (pace->speed_time_ms);

      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The server is too slow: it sent only %u bytes in the last %u second",
                                "The server is too slow: it sent only %u bytes in the last %u seconds", s),
                   (guint) MIN (pace->window_bytes, G_MAXUINT), s);
      return FALSE;
    }
  pace->window_start = now;
  pace->window_bytes = 0;
  return TRUE;
}

/* Milliseconds until @pace must be checked again (deadline or end of the
 * low-speed window), at most @limit_ms. */
static gint64
pace_next_ms (const MpPop3Pace *pace,
              gint64            limit_ms)
{
  gint64 now = g_get_monotonic_time ();
  gint64 next;

  if (pace == NULL || pace->deadline == 0)
    return limit_ms;
  next = MIN (pace->deadline, pace->window_start + (gint64) pace->speed_time_ms * 1000);
  return CLAMP ((next - now + 999) / 1000, 1, limit_ms);
}

gboolean
mp_pop3_wait_fd (int            fd,
                 short          events,
                 guint          timeout_ms,
                 MpPop3Pace    *pace,
                 GCancellable  *cancellable,
                 GError       **error)
{
  struct pollfd fds[2];
  GPollFD cancel_fd = { -1, 0, 0 };
  gboolean have_cancel = FALSE;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean ok = FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (cancellable != NULL)
    have_cancel = g_cancellable_make_pollfd (cancellable, &cancel_fd);

  for (;;)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time () + 999) / 1000;
      nfds_t n = 1;
      int r;

      if (left_ms <= 0)
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT,
                       _("The server did not respond within %u seconds"),
                       (timeout_ms + 999) / 1000);
          break;
        }
      /* Bytes trickling in keep the idle timeout from firing: the
       * operation's own limits are checked on every turn. */
      if (pace != NULL && !mp_pop3_pace_check (pace, error))
        break;
      fds[0] = (struct pollfd) { .fd = fd, .events = events };
      if (have_cancel)
        {
          fds[1] = (struct pollfd) { .fd = cancel_fd.fd, .events = POLLIN };
          n = 2;
        }
      r = poll (fds, n, (int) pace_next_ms (pace, MIN (left_ms, G_MAXINT)));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int errsv = errno;
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CONNECT,
                       "poll: %s", g_strerror (errsv));
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (r > 0 && fds[0].revents != 0)
        {
          /* POLLERR/POLLHUP: let the following read/write report it. */
          ok = TRUE;
          break;
        }
    }
  if (have_cancel)
    g_cancellable_release_fd (cancellable);
  return ok;
}

/* ---- TCP ---- */

typedef struct {
  MpPop3Transport parent;
  int             fd;
} TcpTransport;

static MpPop3IoStatus
tcp_read (MpPop3Transport *t, guint8 *buf, gsize len, gsize *done, GError **error)
{
  TcpTransport *tcp = (TcpTransport *) t;

  for (;;)
    {
      ssize_t r = recv (tcp->fd, buf, len, 0);

      if (r > 0)
        {
          *done = (gsize) r;
          return MP_POP3_IO_OK;
        }
      if (r == 0)
        return MP_POP3_IO_EOF;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return MP_POP3_IO_WANT_READ;
      {
        int errsv = errno;
        g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                     _("Connection lost: %s"), g_strerror (errsv));
      }
      return MP_POP3_IO_ERROR;
    }
}

static MpPop3IoStatus
tcp_write (MpPop3Transport *t, const guint8 *buf, gsize len, gsize *done, GError **error)
{
  TcpTransport *tcp = (TcpTransport *) t;

  for (;;)
    {
      ssize_t r = send (tcp->fd, buf, len, MSG_NOSIGNAL);

      if (r >= 0)
        {
          *done = (gsize) r;
          return r > 0 ? MP_POP3_IO_OK : MP_POP3_IO_WANT_WRITE;
        }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return MP_POP3_IO_WANT_WRITE;
      {
        int errsv = errno;
        g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                     _("Connection lost: %s"), g_strerror (errsv));
      }
      return MP_POP3_IO_ERROR;
    }
}

static gsize
tcp_pending (MpPop3Transport *t)
{
  return 0;
}

static int
tcp_get_fd (MpPop3Transport *t)
{
  return ((TcpTransport *) t)->fd;
}

static void
tcp_free (MpPop3Transport *t)
{
  TcpTransport *tcp = (TcpTransport *) t;

  if (tcp->fd >= 0)
    close (tcp->fd);
  g_free (tcp);
}

static const MpPop3TransportVTable tcp_vtable = {
  tcp_read, tcp_write, tcp_pending, tcp_get_fd, tcp_free,
};

/* Non-blocking connect to one address, bounded by timeout and cancellable. */
static int
connect_one (GInetAddress  *address,
             guint16        port,
             guint          timeout_ms,
             MpPop3Pace    *pace,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GSocketAddress) sa = g_inet_socket_address_new (address, port);
  struct sockaddr_storage ss;
  gsize ss_len = g_socket_address_get_native_size (sa);
  int fd, err = 0, one = 1;
  socklen_t err_len = sizeof err;

  if (!g_socket_address_to_native (sa, &ss, sizeof ss, error))
    return -1;
  fd = socket (ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      err = errno;
      goto fail;
    }
  /* Commands are small and latency matters more than packet count. */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &ss, (socklen_t) ss_len) == 0)
    return fd;
  if (errno != EINPROGRESS)
    {
      err = errno;
      goto fail;
    }
  if (!mp_pop3_wait_fd (fd, POLLOUT, timeout_ms, pace, cancellable, error))
    {
      close (fd);
      return -1;
    }
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0)
    err = errno;
  if (err == 0)
    return fd;

fail:
  if (fd >= 0)
    close (fd);
  {
    g_autofree char *addr = g_inet_address_to_string (address);
    g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CONNECT,
                 _("Could not connect to %s port %u: %s"), addr, port, g_strerror (err));
  }
  return -1;
}

MpPop3Transport *
mp_pop3_tcp_connect (const char    *host,
                     guint16        port,
                     guint          timeout_ms,
                     MpPop3Pace    *pace,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autolist(GInetAddress) addresses = NULL;
  g_autoptr(GError) last_error = NULL;
  GInetAddress *literal;
  TcpTransport *tcp;
  int fd = -1;

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    addresses = g_list_prepend (NULL, literal);
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      g_autoptr(GError) local = NULL;

      addresses = g_resolver_lookup_by_name (resolver, host, cancellable, &local);
      if (addresses == NULL)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local));
          else
            g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CONNECT,
                         _("Could not find the server “%s”: %s"), host, local->message);
          return NULL;
        }
    }

  /* Addresses come in getaddrinfo order (RFC 6724): IPv6 and IPv4 alike.
   * While others remain, one that black-holes (e.g. broken IPv6) gets only
   * a share of the timeout, so the next one is still tried. */
  for (GList *l = addresses; l != NULL && fd < 0; l = l->next)
    {
      guint left = g_list_length (l);
      guint attempt_ms = left > 1 ? MIN (timeout_ms, MAX (timeout_ms / left, 2000)) : timeout_ms;

      g_clear_error (&last_error);
      fd = connect_one (l->data, port, attempt_ms, pace, cancellable, &last_error);
      if (fd < 0 && g_error_matches (last_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }
  if (fd < 0)
    {
      g_propagate_error (error, g_steal_pointer (&last_error));
      return NULL;
    }

  tcp = g_new0 (TcpTransport, 1);
  tcp->parent.vtable = &tcp_vtable;
  tcp->fd = fd;
  return &tcp->parent;
}
