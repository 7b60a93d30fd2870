/* mp-memory-transport.c — an in-memory POP3 server side for tests and fuzzing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-memory-transport.h"

#include <string.h>

#include "mp-pop3-private.h"

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
