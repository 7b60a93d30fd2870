/* mp-pop3-pipeline.c — the command/reply loop, pipelined (RFC 2449
 * PIPELINING) or in lock-step.
 *
 * One loop serves both: with a window of 1 it is lock-step. It never writes
 * everything first and reads afterwards (both sides' buffers would fill and
 * the session deadlock): each turn it parses every complete reply already
 * buffered (which frees window room), queues commands while the window has
 * room, writes while the socket accepts, reads while data is there, and
 * only then polls for whichever direction is blocked.
 *
 * Because it never blocks on a write and always drains what the server
 * sends, the window need not be small for safety: a server that stops
 * reading commands while its replies are unread gets them read, and then
 * reads on. So the window is full from the first command (no slow start:
 * doubling from 64 cost six round trips on a slow link); what bounds it is
 * MP_POP3_PIPELINE_MAX_BYTES of commands written but unanswered, which
 * keeps a server's input backlog small without costing a round trip
 * (20,000 `TOP n 0` per round trip is more than any server answers).
 *
 * A reply is only ever matched to a command already written to the
 * transport: bytes that arrive while no written command awaits its reply
 * (before a run sends its first command, or in a run when every written
 * command has been answered) were not asked for. Taking them as the next
 * command's reply would let a server answer USER/PASS before seeing them,
 * or shift every later reply by one; they are a protocol error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <poll.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

#define OUT_HIGH_WATER (64 * 1024)

struct _MpPop3Batch {
  MpPop3Session  *self;
  MpPop3Command  *commands;    /* the caller's: the first n_first commands */
  guint           n_first;
  MpPop3Command  *more;        /* appended during the run (the array is owned) */
  guint           more_size;
  guint           n;           /* all commands: n_first and those appended */
  guint           queued;      /* commands copied into self->out */
  guint           written;     /* commands whose last byte the transport took */
  gsize           sent;        /* bytes this run handed to the transport */
  gsize           written_end; /* bytes of the first `written` commands */
  guint           completed;   /* replies handed to func */
  gsize           bytes_in_flight;
  guint           window;
  MpPop3Reply     reply;       /* reply being assembled for commands[completed] */
  MpPop3ReplyFunc func;
  gpointer        user_data;
};

typedef struct _MpPop3Batch Batch;

static MpPop3Command *
command_at (Batch *b,
            guint  i)
{
  return i < b->n_first ? &b->commands[i] : &b->more[i - b->n_first];
}

static guint
max_lines_for (const MpPop3Command *cmd)
{
  if (cmd->line == NULL)
    return 0;
  if (g_ascii_strncasecmp (cmd->line, "CAPA", 4) == 0)
    return MP_POP3_MAX_CAPA_LINES;
  if (g_ascii_strncasecmp (cmd->line, "LIST", 4) == 0 ||
      g_ascii_strncasecmp (cmd->line, "UIDL", 4) == 0)
    return MP_POP3_MAX_MESSAGES;
  return G_MAXUINT;
}

static void
queue_commands (Batch *b)
{
  MpPop3Session *self = b->self;

  while (b->queued < b->n &&
         b->queued - b->completed < b->window &&
         b->bytes_in_flight < MP_POP3_PIPELINE_MAX_BYTES &&
         self->out->len < OUT_HIGH_WATER)
    {
      MpPop3Command *cmd = command_at (b, b->queued++);
      gsize len;

      if (cmd->line == NULL)
        continue;
      len = strlen (cmd->line);
      /* Redacting allocates: only for someone who reads the trace. */
      if (self->options->trace_func != NULL)
        {
          g_autofree char *shown = mp_pop3_trace_redact_sent (cmd->line, cmd->secret);
          mp_pop3_session_trace (self, MP_POP3_TRACE_SENT, shown);
        }
      g_byte_array_append (self->out, (const guint8 *) cmd->line, len);
      g_byte_array_append (self->out, (const guint8 *) "\r\n", 2);
      b->bytes_in_flight += len + 2;
    }
}

static gsize
command_bytes (const MpPop3Command *cmd)
{
  return cmd->line != NULL ? strlen (cmd->line) + 2 : 0;
}

/* Counts the commands now wholly on the wire (in order; a NULL line, the
 * greeting, needs no bytes). */
static void
account_written (Batch *b)
{
  while (b->written < b->queued)
    {
      gsize len = command_bytes (command_at (b, b->written));

      if (b->sent - b->written_end < len)
        break;
      b->written_end += len;
      b->written++;
    }
}

/* Bytes that answer no command sent. @after: the command whose reply they
 * follow. After a multi-line reply they are most likely its own rest, cut
 * short by a "." line the server did not dot-stuff: say so, the reply the
 * caller got may be truncated. */
static gboolean
unsolicited_error (const MpPop3Command  *after,
                   GError              **error)
{
  g_autofree char *shown = NULL;

  if (after == NULL || after->line == NULL)
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                           _("The server answered a command that was not sent"));
      return FALSE;
    }
  shown = mp_pop3_trace_redact_sent (after->line, after->secret);
  if (after->multiline)
    g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                 _("The server sent data after the end of its reply to %s, as if answering "
                   "a command that was not sent; that reply may be truncated"), shown);
  else
    g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                 _("The server sent data after its reply to %s, as if answering a command "
                   "that was not sent"), shown);
  return FALSE;
}

/* The command whose reply came last, in this run or an earlier one. */
static const MpPop3Command *
last_answered (Batch *b)
{
  return b->completed > 0 ? command_at (b, b->completed - 1) : &b->self->last_answered;
}

/* Kept past the run, so bytes found before the next one can name it. */
static void
remember_answered (MpPop3Session       *self,
                   const MpPop3Command *cmd)
{
  g_free (self->last_answered.line);
  self->last_answered.line = cmd->line != NULL ? mp_pop3_trace_redact_sent (cmd->line, cmd->secret)
                                               : NULL;
  self->last_answered.multiline = cmd->multiline;
}

/* +OK to QUIT commits the session (RFC 1939 6), which then closes: bytes
 * after it are never read and change nothing. */
static gboolean
ends_session (const MpPop3Command *cmd)
{
  return cmd->line != NULL && g_ascii_strcasecmp (cmd->line, "QUIT") == 0;
}

static void
trace_received (MpPop3Session *self,
                const char    *line,
                gsize          len)
{
  g_autoptr(GString) cut = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *shown = NULL;

  if (self->options->trace_func == NULL)
    return;
  /* Message lines too: a trace is for reading, and a message may quote the
   * password as well as a server. */
  cut = mp_pop3_redact_secret (line, len, 0, self->options->password);
  copy = cut != NULL ? g_strdup (cut->str) : g_strndup (line, len);
  shown = mp_pop3_trace_redact_received (copy, self->in_sasl);
  mp_pop3_session_trace (self, MP_POP3_TRACE_RECEIVED, shown);
}

/* A status line with the password cut out of its text, or NULL when it has none.
 * Servers echo what they were sent ("-ERR bad password hunter2"), and status text
 * ends up in error messages, which are shown and logged. The status word is kept,
 * so the reply means what it meant; continuations are left alone (a SASL challenge
 * must stay exact and is no text for people), as are body lines (message data). */
static GString *
redact_status_line (MpPop3Session *self,
                    MpPop3Reply   *reply,
                    const char    *line,
                    gsize          len)
{
  const char *payload;
  gsize payload_len;
  MpPop3LineKind kind;

  if (reply->in_body)
    return NULL;
  kind = mp_pop3_classify_line (line, len, FALSE, &payload, &payload_len);
  if (kind == MP_POP3_LINE_CONTINUE)
    return NULL;
  return mp_pop3_redact_secret (line, len, (gsize) (payload - line), self->options->password);
}

/* Parses every complete reply in the read buffer. Returns the number of
 * lines consumed (progress), or -1 on error. */
static gssize
parse_buffered (Batch   *b,
                GError **error)
{
  MpPop3Session *self = b->self;
  gssize lines = 0;

  while (b->completed < b->n)
    {
      MpPop3Command *cmd = command_at (b, b->completed);
      g_autoptr(GString) redacted = NULL;
      const char *line;
      gsize len;
      gboolean done;

      GError *local = NULL;

      if (b->completed == b->written)
        {
          /* Nothing outstanding: whatever is here came unasked. */
          if (mp_pop3_reader_buffered (&self->reader) > 0)
            {
              unsolicited_error (last_answered (b), error);
              return -1;
            }
          return lines;
        }

      if (!mp_pop3_reader_next_line (&self->reader, mp_pop3_reply_max_line (&b->reply),
                                     &line, &len, &local))
        {
          if (local == NULL)
            return lines;
          g_propagate_error (error, local);
          return -1;
        }
      lines++;
      redacted = redact_status_line (self, &b->reply, line, len);
      if (redacted != NULL)
        {
          line = redacted->str;
          len = redacted->len;
        }
      trace_received (self, line, len);
      b->reply.line_func = cmd->body_line;
      b->reply.line_data = b->user_data;
      done = mp_pop3_reply_add_line (&b->reply, line, len, cmd->multiline,
                                     MP_POP3_MAX_RESPONSE, max_lines_for (cmd), &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return -1;
        }
      if (!done)
        continue;

      if (cmd->line != NULL)
        b->bytes_in_flight -= strlen (cmd->line) + 2;
      b->completed++;
      if (!b->func (self, b->completed - 1, &b->reply, b->user_data, error))
        {
          mp_pop3_reply_clear (&b->reply);
          return -1;
        }
      mp_pop3_reply_clear (&b->reply);
    }
  return lines;
}

/* The end of a run, either way. */
static gboolean
run_end (Batch    *b,
         gboolean  ok)
{
  mp_pop3_reply_clear (&b->reply);
  g_clear_pointer (&b->more, g_free);
  b->self->run = NULL;
  return ok;
}

static gboolean
fail (MpPop3Session  *self,
      Batch          *b,
      GError        **error)
{
  run_end (b, FALSE);
  mp_pop3_session_close (self);
  return FALSE;
}

void
mp_pop3_session_run_append (MpPop3Session       *self,
                            const MpPop3Command *commands,
                            guint                n)
{
  Batch *b = self->run;
  guint appended;

  g_return_if_fail (b != NULL);
  g_return_if_fail (n <= MP_POP3_MAX_MESSAGES + 1 && b->n <= G_MAXUINT - n);

  appended = b->n - b->n_first;
  if (appended + n > b->more_size)
    {
      b->more_size = MAX (appended + n, 2 * b->more_size);
      b->more = g_renew (MpPop3Command, b->more, b->more_size);
    }
  memcpy (b->more + appended, commands, n * sizeof *commands);
  b->n += n;
}

/* Before a run sends anything, no byte may be waiting: not left over after
 * the last reply, nor already readable from the transport (a server that
 * sends replies ahead, e.g. all of them with the greeting). One
 * non-blocking read looks; a server that closed is found here as well,
 * before a command is written into a dead connection. */
static gboolean
check_nothing_unasked (MpPop3Session  *self,
                       GError        **error)
{
  if (mp_pop3_reader_buffered (&self->reader) > 0)
    return unsolicited_error (&self->last_answered, error);
  switch (mp_pop3_session_read (self, error))
    {
    case MP_POP3_IO_OK:
      return unsolicited_error (&self->last_answered, error);
    case MP_POP3_IO_EOF:
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                           _("The server closed the connection"));
      return FALSE;
    case MP_POP3_IO_ERROR:
      return FALSE;
    case MP_POP3_IO_WANT_READ:
    case MP_POP3_IO_WANT_WRITE:
    default:
      return TRUE;
    }
}

/* Writes what is queued.  Adds the poll events a blocked write waits for to
 * @events; sets @progress when bytes went out.  FALSE on a transport error. */
static gboolean
write_pending (Batch     *b,
               short     *events,
               gboolean  *progress,
               GError   **error)
{
  MpPop3Session *self = b->self;
  MpPop3Transport *t = self->transport;
  gsize done = 0;
  guint old_len;
  MpPop3IoStatus st;

  if (self->out->len == 0)
    return TRUE;
  st = t->vtable->write (t, self->out->data, self->out->len, &done, error);
  if (st == MP_POP3_IO_WANT_WRITE)
    *events |= POLLOUT;
  else if (st == MP_POP3_IO_WANT_READ)
    *events |= POLLIN;
  if (st != MP_POP3_IO_OK)
    return st == MP_POP3_IO_WANT_WRITE || st == MP_POP3_IO_WANT_READ;

  b->sent += done;
  account_written (b);
  /* Sent bytes may hold a password (PASS, AUTH): wipe them rather than leave
   * them in the buffer's spare room. */
  old_len = self->out->len;
  g_byte_array_remove_range (self->out, 0, done);
  explicit_bzero (self->out->data + self->out->len, old_len - self->out->len);
  *progress = TRUE;
  return TRUE;
}

/* Reads what the server sent: 1 when bytes came, 0 when the read would block
 * (the poll events it waits for added to @events), -1 on an error or EOF. */
static int
read_more (MpPop3Session  *self,
           short          *events,
           GError        **error)
{
  MpPop3IoStatus st = mp_pop3_session_read (self, error);

  if (st == MP_POP3_IO_OK)
    return 1;
  if (st == MP_POP3_IO_EOF)
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                           _("The server closed the connection unexpectedly"));
      return -1;
    }
  if (st == MP_POP3_IO_ERROR)
    return -1;
  *events |= st == MP_POP3_IO_WANT_WRITE ? POLLOUT : POLLIN;
  return 0;
}

/* Every command is answered: bytes already here answer none. Found now, the
 * caller does not take a body they cut short as complete. Its rest usually
 * comes right behind it, so after a body one non-blocking read looks too (EOF
 * and transport errors are left to the next run). */
static gboolean
check_nothing_after (MpPop3Session  *self,
                     MpPop3Command  *last,
                     GError        **error)
{
  remember_answered (self, last);
  if (ends_session (last))
    return TRUE;
  if (last->multiline && mp_pop3_reader_buffered (&self->reader) == 0)
    {
      GError *ignored = NULL;

      mp_pop3_session_read (self, &ignored);
      g_clear_error (&ignored);
    }
  if (mp_pop3_reader_buffered (&self->reader) > 0)
    {
      unsolicited_error (last, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
mp_pop3_session_run (MpPop3Session  *self,
                     MpPop3Command  *commands,
                     guint           n_commands,
                     guint           window_max,
                     MpPop3ReplyFunc func,
                     gpointer        user_data,
                     GCancellable   *cancellable,
                     GError        **error)
{
  guint timeout_ms = self->options->timeout_ms > 0 ? self->options->timeout_ms
                                                   : MP_POP3_DEFAULT_TIMEOUT_MS;
  Batch b = { 0, };

  if (self->transport == NULL)
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                           _("The connection to the server is closed"));
      return FALSE;
    }

  b.self = self;
  b.commands = commands;
  b.n_first = b.n = n_commands;
  b.window = MAX (window_max, 1);
  b.func = func;
  b.user_data = user_data;

  self->run = &b;
  /* The greeting (a NULL line) is the one reply nobody asks for. */
  if (n_commands > 0 && commands[0].line != NULL && !check_nothing_unasked (self, error))
    return fail (self, &b, error);

  while (b.completed < b.n)
    {
      MpPop3Transport *t = self->transport;
      short events = 0;
      gboolean progress = FALSE;
      gssize parsed;
      int read;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return fail (self, &b, error);

      /* Parse before writing more: bytes read so far can only answer
       * commands written before that read. */
      parsed = parse_buffered (&b, error);
      if (parsed < 0)
        return fail (self, &b, error);
      if (b.completed == b.n)
        break;

      /* Answers free window room: top up before touching the socket. */
      queue_commands (&b);
      account_written (&b);

      if (!write_pending (&b, &events, &progress, error))
        return fail (self, &b, error);

      read = read_more (self, &events, error);
      if (read < 0)
        return fail (self, &b, error);
      if (read > 0)
        continue;

      if (progress)
        continue;
      if (t->vtable->get_fd (t) < 0)
        {
          /* A transport without an fd cannot be waited on: this would spin. */
          g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                               _("The transport cannot make progress"));
          return fail (self, &b, error);
        }
      if (!mp_pop3_wait_fd (t->vtable->get_fd (t), events, timeout_ms, &self->pace,
                            cancellable, error))
        return fail (self, &b, error);
    }
  if (b.n > 0 && !check_nothing_after (self, command_at (&b, b.n - 1), error))
    return fail (self, &b, error);
  return run_end (&b, TRUE);
}

/* Writes @value in decimal at @p; returns the end. */
static char *
put_decimal (char *p,
             guint value)
{
  char digits[16];
  int n = 0;

  do
    digits[n++] = (char) ('0' + value % 10);
  while ((value /= 10) > 0);
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

/* One block for all the lines of a batch: a string each (and a printf each)
 * were 10,000 allocations and a few percent of a listing's CPU. */
char *
mp_pop3_format_numbered (MpPop3Command *commands,
                         const guint   *numbers,
                         gsize          n,
                         const char    *verb,
                         guint          lines)
{
  gsize verb_len = strlen (verb);
  /* verb, two spaces, two decimals of at most 10 digits, NUL */
  char *block = g_malloc (MAX (n, 1) * (verb_len + 23));
  char *p = block;

  for (gsize i = 0; i < n; i++)
    {
      commands[i].line = p;
      commands[i].number = numbers[i];
      memcpy (p, verb, verb_len);
      p += verb_len;
      *p++ = ' ';
      p = put_decimal (p, numbers[i]);
      if (lines != G_MAXUINT)
        {
          *p++ = ' ';
          p = put_decimal (p, lines);
        }
      *p++ = '\0';
    }
  return block;
}

static gboolean
store_reply (MpPop3Session *self,
             guint          index,
             MpPop3Reply   *reply,
             gpointer       user_data,
             GError       **error)
{
  MpPop3Reply *out = user_data;

  *out = *reply;
  memset (reply, 0, sizeof *reply);   /* ownership moves to the caller */
  return TRUE;
}

gboolean
mp_pop3_session_command (MpPop3Session *self,
                         const char    *line,
                         gboolean       secret,
                         MpPop3Reply   *reply,
                         GCancellable  *cancellable,
                         GError       **error)
{
  MpPop3Command cmd = {
    .line = (char *) line,
    .multiline = mp_pop3_command_is_multiline (line),
    .secret = secret,
  };

  memset (reply, 0, sizeof *reply);
  if (mp_pop3_session_run (self, &cmd, 1, 1, store_reply, reply, cancellable, error))
    return TRUE;
  /* The reply may be complete with bytes after it: no use to the caller. */
  mp_pop3_reply_clear (reply);
  return FALSE;
}

guint
mp_pop3_session_window (MpPop3Session *self)
{
  int max = self->options->pipeline;

  if (max == 0 || !mp_pop3_caps_has ((const char * const *) self->caps, "PIPELINING"))
    return 1;
  return max < 0 ? MP_POP3_PIPELINE_MAX : (guint) max;
}
