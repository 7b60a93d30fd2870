/* mp-pop3-reader.c — the one reader of POP3 replies: line framing, line
 * classification, dot-unstuffing and bounds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

/* Which commands have multi-line replies. "arg" = the variant with an
 * argument (LIST n / UIDL n are single-line, TOP n m is multi-line). */
static const struct {
  const char *name;
  gboolean    multi_without_arg;
  gboolean    multi_with_arg;
} command_table[] = {
  { "CAPA", TRUE,  TRUE  },
  { "LIST", TRUE,  FALSE },
  { "UIDL", TRUE,  FALSE },
  { "TOP",  TRUE,  TRUE  },
  { "RETR", TRUE,  TRUE  },
  /* Everything else (USER PASS APOP AUTH STAT DELE RSET NOOP QUIT STLS UTF8)
   * is single-line. */
};

gboolean
mp_pop3_command_is_multiline (const char *command_line)
{
  const char *space;
  gsize name_len;

  if (command_line == NULL)
    return FALSE;
  space = strchr (command_line, ' ');
  name_len = space != NULL ? (gsize) (space - command_line) : strlen (command_line);
  for (guint i = 0; i < G_N_ELEMENTS (command_table); i++)
    {
      if (strlen (command_table[i].name) == name_len &&
          g_ascii_strncasecmp (command_table[i].name, command_line, name_len) == 0)
        return space != NULL ? command_table[i].multi_with_arg
                             : command_table[i].multi_without_arg;
    }
  return FALSE;
}

MpPop3LineKind
mp_pop3_classify_line (const char  *line,
                       gsize        len,
                       gboolean     in_body,
                       const char **payload,
                       gsize       *payload_len)
{
  if (in_body)
    {
      if (len == 1 && line[0] == '.')
        {
          *payload = line + len;
          *payload_len = 0;
          return MP_POP3_LINE_END;
        }
      /* RFC 1939 3: a line starting with the termination octet is stuffed. */
      if (len > 0 && line[0] == '.')
        {
          *payload = line + 1;
          *payload_len = len - 1;
        }
      else
        {
          *payload = line;
          *payload_len = len;
        }
      return MP_POP3_LINE_BODY;
    }

  if (len >= 3 && memcmp (line, "+OK", 3) == 0 && (len == 3 || line[3] == ' '))
    {
      *payload = line + MIN (len, 4);
      *payload_len = len - MIN (len, 4);
      return MP_POP3_LINE_OK;
    }
  if (len >= 4 && memcmp (line, "-ERR", 4) == 0 && (len == 4 || line[4] == ' '))
    {
      *payload = line + MIN (len, 5);
      *payload_len = len - MIN (len, 5);
      return MP_POP3_LINE_ERR;
    }
  if (len >= 1 && line[0] == '+' && (len == 1 || line[1] == ' '))
    {
      *payload = line + MIN (len, 2);
      *payload_len = len - MIN (len, 2);
      return MP_POP3_LINE_CONTINUE;
    }
  *payload = line;
  *payload_len = len;
  return MP_POP3_LINE_INVALID;
}

void
mp_pop3_reader_init (MpPop3Reader *reader)
{
  reader->buf = g_byte_array_sized_new (16 * 1024);
  reader->start = 0;
  reader->scanned = 0;
}

void
mp_pop3_reader_clear (MpPop3Reader *reader)
{
  g_clear_pointer (&reader->buf, g_byte_array_unref);
  reader->start = 0;
  reader->scanned = 0;
}

static void
reader_compact (MpPop3Reader *reader)
{
  /* Drop consumed bytes only when they dominate, to keep this O(n). */
  if (reader->start > 0 && reader->start * 2 >= reader->buf->len)
    {
      g_byte_array_remove_range (reader->buf, 0, reader->start);
      reader->start = 0;
    }
}

void
mp_pop3_reader_feed (MpPop3Reader *reader,
                     const guint8 *data,
                     gsize         len)
{
  reader_compact (reader);
  g_byte_array_append (reader->buf, data, len);
}

gsize
mp_pop3_reader_buffered (MpPop3Reader *reader)
{
  return reader->buf->len - reader->start;
}

guint8 *
mp_pop3_reader_reserve (MpPop3Reader *reader,
                        gsize         len)
{
  gsize old;

  reader_compact (reader);
  old = reader->buf->len;
  g_byte_array_set_size (reader->buf, old + len);
  return reader->buf->data + old;
}

void
mp_pop3_reader_commit (MpPop3Reader *reader,
                       gsize         reserved,
                       gsize         used)
{
  g_byte_array_set_size (reader->buf, reader->buf->len - reserved + used);
}

gboolean
mp_pop3_reader_next_line (MpPop3Reader  *reader,
                          gsize          max_len,
                          const char   **line,
                          gsize         *len,
                          GError       **error)
{
  const guint8 *base = reader->buf->data + reader->start;
  gsize avail = reader->buf->len - reader->start;
  const guint8 *lf;
  gsize line_len;

  lf = memchr (base + reader->scanned, '\n', avail - reader->scanned);
  if (lf == NULL)
    {
      reader->scanned = avail;
      /* +1: the CR of a CRLF may already be here. */
      if (avail > max_len + 1)
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                       _("The server sent a line longer than the limit of %zu bytes"),
                       max_len);
          return FALSE;
        }
      return FALSE;
    }

  line_len = (gsize) (lf - base);
  reader->start += line_len + 1;
  reader->scanned = 0;
  /* CRLF and bare LF are both accepted. */
  if (line_len > 0 && base[line_len - 1] == '\r')
    line_len--;
  if (line_len > max_len)
    {
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server sent a line longer than the limit of %zu bytes"),
                   max_len);
      return FALSE;
    }
  *line = (const char *) base;
  *len = line_len;
  return TRUE;
}

void
mp_pop3_reply_clear (MpPop3Reply *reply)
{
  g_clear_pointer (&reply->text, g_free);
  g_clear_pointer (&reply->body, g_byte_array_unref);
  memset (reply, 0, sizeof *reply);
}

gsize
mp_pop3_reply_max_line (const MpPop3Reply *reply)
{
  return reply->in_body ? MP_POP3_MAX_BODY_LINE : MP_POP3_MAX_STATUS_LINE;
}

gboolean
mp_pop3_reply_add_line (MpPop3Reply  *reply,
                        const char   *line,
                        gsize         len,
                        gboolean      multiline,
                        gsize         max_response,
                        guint         max_lines,
                        GError      **error)
{
  const char *payload;
  gsize payload_len;
  MpPop3LineKind kind;

  kind = mp_pop3_classify_line (line, len, reply->in_body, &payload, &payload_len);
  switch (kind)
    {
    case MP_POP3_LINE_OK:
    case MP_POP3_LINE_ERR:
    case MP_POP3_LINE_CONTINUE:
      if (memchr (payload, '\0', payload_len) != NULL)
        {
          g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                               _("The server sent a NUL byte in a status line"));
          return FALSE;
        }
      reply->kind = kind;
      reply->text = g_strndup (payload, payload_len);
      if (kind == MP_POP3_LINE_OK && multiline)
        {
          reply->in_body = TRUE;
          if (reply->line_func == NULL)
            reply->body = g_byte_array_new ();
          return FALSE;
        }
      return TRUE;

    case MP_POP3_LINE_END:
      reply->in_body = FALSE;
      return TRUE;

    case MP_POP3_LINE_BODY:
      if (reply->size + payload_len + 2 > max_response)
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                       _("The server's reply exceeds the limit of %zu bytes"),
                       max_response);
          return FALSE;
        }
      if (reply->lines >= max_lines)
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                       _("The server's reply exceeds the limit of %u lines"),
                       max_lines);
          return FALSE;
        }
      reply->size += payload_len + 2;
      reply->lines++;
      if (reply->line_func != NULL)
        {
          reply->line_func (payload, payload_len, reply->line_data, error);
          return FALSE;
        }
      g_byte_array_append (reply->body, (const guint8 *) payload, payload_len);
      g_byte_array_append (reply->body, (const guint8 *) "\r\n", 2);
      return FALSE;

    case MP_POP3_LINE_INVALID:
    default:
      {
        g_autofree char *shown = g_strndup (line, MIN (len, 60));
        g_autofree char *safe = mp_pop3_sanitize_text (shown);

        g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                     _("The server sent an invalid reply: “%s”"), safe);
        return FALSE;
      }
    }
}
