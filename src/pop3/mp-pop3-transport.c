/* mp-pop3-transport.c — transports: TCP socket (non-blocking, IPv4/IPv6)
 * and in-memory (tests, fuzzing); the cancellable poll() wait.
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

/* ---- memory ---- */

/* The memory transport plays a well-behaved server: it sends the greeting,
 * then one reply per command line the client writes (so a client that waits
 * for a reply it never asked for finds nothing to read). With `eager` it
 * sends every byte at once, like a server that does not wait for commands. */
typedef struct {
  MpPop3Transport parent;
  GBytes         *input;     /* owned; the server's whole side */
  gsize           offset;    /* next byte the client reads */
  gsize           released;  /* bytes the server has sent so far */
  gsize           chunk;
  gboolean        eager;
  GByteArray     *written;   /* owned */
  gsize           scanned;   /* bytes of written already split into lines */
  gsize           in_limit;  /* 0, or unanswered command bytes it accepts */
  gsize           out_limit; /* 0, or unread reply bytes before it stops answering */
} MemoryTransport;

/* Offset after the LF ending the line at @from, or @size. */
static gsize
mem_line_end (const guint8 *data,
              gsize         size,
              gsize         from)
{
  const guint8 *lf = memchr (data + from, '\n', size - from);

  return lf != NULL ? (gsize) (lf - data) + 1 : size;
}

/* Length of the line [from, end) without its CR LF or LF. */
static gsize
mem_line_len (const guint8 *data,
              gsize         from,
              gsize         end)
{
  gsize len = end - from;

  if (len > 0 && data[from + len - 1] == '\n')
    len--;
  if (len > 0 && data[from + len - 1] == '\r')
    len--;
  return len;
}

/* Sends the reply to @command (NULL = the greeting): its status line and,
 * when @command has a multi-line reply and the status is +OK, the body up
 * to the "." line. Classified by the engine's own reader rules. */
static void
mem_release_reply (MemoryTransport *mem,
                   const char      *command)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (mem->input, &size);
  gsize start = mem->released;
  gsize end, len;
  const char *payload;
  gsize payload_len;

  if (start >= size)
    return;
  end = mem_line_end (data, size, start);
  len = mem_line_len (data, start, end);
  if (command != NULL && mp_pop3_command_is_multiline (command) &&
      mp_pop3_classify_line ((const char *) data + start, len, FALSE,
                             &payload, &payload_len) == MP_POP3_LINE_OK)
    {
      while (end < size)
        {
          gsize line = end;

          end = mem_line_end (data, size, line);
          if (mem_line_len (data, line, end) == 1 && data[line] == '.')
            break;
        }
    }
  mem->released = end;
}

/* Answers each complete command line written so far, while the client has
 * read enough of the replies (out_limit). */
static void
mem_serve (MemoryTransport *mem)
{
  while (!mem->eager && mem->scanned < mem->written->len &&
         (mem->out_limit == 0 || mem->released - mem->offset < mem->out_limit))
    {
      const guint8 *w = mem->written->data;
      gsize end = mem_line_end (w, mem->written->len, mem->scanned);
      g_autofree char *line = NULL;

      if (w[end - 1] != '\n')
        break;   /* the rest of the line comes with the next write */
      line = g_strndup ((const char *) w + mem->scanned, mem_line_len (w, mem->scanned, end));
      mem->scanned = end;
      mem_release_reply (mem, line);
    }
}

static MpPop3IoStatus
mem_read (MpPop3Transport *t, guint8 *buf, gsize len, gsize *done, GError **error)
{
  MemoryTransport *mem = (MemoryTransport *) t;
  gsize size;
  const guint8 *data = g_bytes_get_data (mem->input, &size);
  gsize n = MIN (len, mem->released - mem->offset);

  if (mem->chunk > 0)
    n = MIN (n, mem->chunk);
  if (n == 0)
    return mem->offset >= size ? MP_POP3_IO_EOF : MP_POP3_IO_WANT_READ;
  memcpy (buf, data + mem->offset, n);
  mem->offset += n;
  *done = n;
  mem_serve (mem);   /* room for more replies */
  return MP_POP3_IO_OK;
}

static MpPop3IoStatus
mem_write (MpPop3Transport *t, const guint8 *buf, gsize len, gsize *done, GError **error)
{
  MemoryTransport *mem = (MemoryTransport *) t;
  gsize unanswered = mem->written->len - mem->scanned;

  /* A full input buffer takes nothing (a socket would say EAGAIN). */
  if (mem->in_limit > 0)
    {
      if (unanswered >= mem->in_limit)
        return MP_POP3_IO_WANT_WRITE;
      len = MIN (len, mem->in_limit - unanswered);
    }
  g_byte_array_append (mem->written, buf, len);
  *done = len;
  mem_serve (mem);
  return MP_POP3_IO_OK;
}

static gsize
mem_pending (MpPop3Transport *t)
{
  MemoryTransport *mem = (MemoryTransport *) t;

  return mem->released - mem->offset;
}

static int
mem_get_fd (MpPop3Transport *t)
{
  return -1;
}

static void
mem_free (MpPop3Transport *t)
{
  MemoryTransport *mem = (MemoryTransport *) t;

  g_bytes_unref (mem->input);
  g_byte_array_unref (mem->written);
  g_free (mem);
}

static const MpPop3TransportVTable memory_vtable = {
  mem_read, mem_write, mem_pending, mem_get_fd, mem_free,
};

MpPop3Transport *
mp_pop3_memory_transport_new (const guint8 *data,
                              gsize         len,
                              gsize         chunk)
{
  MemoryTransport *mem = g_new0 (MemoryTransport, 1);

  mem->parent.vtable = &memory_vtable;
  mem->input = g_bytes_new (data, len);
  mem->chunk = chunk;
  mem->written = g_byte_array_new ();
  mem_release_reply (mem, NULL);
  return &mem->parent;
}

void
mp_pop3_memory_transport_set_eager (MpPop3Transport *t,
                                    gboolean         eager)
{
  MemoryTransport *mem = (MemoryTransport *) t;

  g_return_if_fail (t != NULL && t->vtable == &memory_vtable);
  mem->eager = eager;
  if (eager)
    mem->released = g_bytes_get_size (mem->input);
}

void
mp_pop3_memory_transport_set_buffers (MpPop3Transport *t,
                                      gsize            in_limit,
                                      gsize            out_limit)
{
  MemoryTransport *mem = (MemoryTransport *) t;

  g_return_if_fail (t != NULL && t->vtable == &memory_vtable);
  mem->in_limit = in_limit;
  mem->out_limit = out_limit;
}

void
mp_pop3_memory_transport_set_encrypted (MpPop3Transport *t,
                                        gboolean         encrypted)
{
  g_return_if_fail (t != NULL && t->vtable == &memory_vtable);
  t->encrypted = encrypted;
}

GByteArray *
mp_pop3_memory_transport_ref_written (MpPop3Transport *t)
{
  MemoryTransport *mem = (MemoryTransport *) t;

  g_return_val_if_fail (t != NULL && t->vtable == &memory_vtable, NULL);
  return g_byte_array_ref (mem->written);
}
