/* mp-pop3-commands.c — TRANSACTION state commands (RFC 1939): STAT, LIST,
 * UIDL, TOP, RETR, DELE, RSET, NOOP, QUIT; batches pipelined when allowed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

void
mp_pop3_entry_free (MpPop3Entry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->uidl);
  g_free (entry);
}

static gboolean
check_ready (MpPop3Session  *self,
             GError        **error)
{
  if (self->state == MP_POP3_STATE_TRANSACTION && self->transport != NULL)
    return TRUE;
  g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                       _("Not logged in to the server"));
  return FALSE;
}

static gboolean
protocol_error (GError     **error,
                const char  *what)
{
  g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
               _("The server sent a malformed reply to %s"), what);
  return FALSE;
}

/* A batch longer than any listing the engine accepts. */
static gboolean
too_many_requested (GError **error)
{
  g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
               _("Too many messages requested at once (limit %u)"), MP_POP3_MAX_MESSAGES);
  return FALSE;
}

/* What a number in a reply counts; each has its own cap, and a number over
 * it is reported naming the cap: the reply is well formed, only more than
 * Mailpeek takes. */
typedef enum {
  NUMBER_MESSAGES,   /* a message count (STAT) */
  NUMBER_MESSAGE,    /* a message number */
  NUMBER_OCTETS,     /* a size */
} NumberKind;

static gboolean
number_over_cap (GError     **error,
                 NumberKind   kind,
                 const char  *what)
{
  switch (kind)
    {
    case NUMBER_MESSAGES:
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server's reply to %s counts more messages than the limit of %u"),
                   what, MP_POP3_MAX_MESSAGES);
      break;
    case NUMBER_MESSAGE:
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server's reply to %s names a message number larger than the "
                     "limit of %u"), what, G_MAXUINT);
      break;
    case NUMBER_OCTETS:
    default:
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server's reply to %s gives a size larger than the limit of %"
                     G_GUINT64_FORMAT " octets"), what, G_MAXUINT64);
      break;
    }
  return FALSE;
}

/* Parses a decimal number at *p (no sign), advances past it and following
 * spaces. Not a number: "malformed"; over the cap of @kind: says so. */
static gboolean
take_number (const char **p,
             NumberKind   kind,
             const char  *what,
             guint64     *out,
             GError     **error)
{
  guint64 max = kind == NUMBER_MESSAGES ? MP_POP3_MAX_MESSAGES
              : kind == NUMBER_MESSAGE ? G_MAXUINT : G_MAXUINT64;
  const char *s = *p;
  guint64 value = 0;
  gboolean over = FALSE;

  if (!g_ascii_isdigit (*s))
    return protocol_error (error, what);
  for (; g_ascii_isdigit (*s); s++)
    {
      guint digit = (guint) (*s - '0');

      if (over || value > (max - digit) / 10)
        over = TRUE;
      else
        value = value * 10 + digit;
    }
  if (*s != ' ' && *s != '\0')
    return protocol_error (error, what);
  if (over)
    return number_over_cap (error, kind, what);
  while (*s == ' ')
    s++;
  *p = s;
  *out = value;
  return TRUE;
}

/* A single-line reply; -ERR becomes an error with @fallback. */
static gboolean
simple_in_any_state (MpPop3Session    *self,
                     const char       *line,
                     MpPop3ErrorCode   fallback,
                     char            **text_out,
                     GCancellable     *cancellable,
                     GError          **error)
{
  MpPop3Reply reply;
  gboolean ok;

  if (!mp_pop3_session_command (self, line, FALSE, &reply, cancellable, error))
    return FALSE;
  ok = reply.kind == MP_POP3_LINE_OK;
  if (reply.kind == MP_POP3_LINE_ERR)
    mp_pop3_set_reply_error (error, &reply, fallback, line);
  else if (!ok)
    protocol_error (error, line);
  else if (text_out != NULL)
    *text_out = g_steal_pointer (&reply.text);
  mp_pop3_reply_clear (&reply);
  return ok;
}

static gboolean
simple (MpPop3Session    *self,
        const char       *line,
        MpPop3ErrorCode   fallback,
        char            **text_out,
        GCancellable     *cancellable,
        GError          **error)
{
  return check_ready (self, error) &&
         simple_in_any_state (self, line, fallback, text_out, cancellable, error);
}

gboolean
mp_pop3_session_stat_sync (MpPop3Session  *self,
                           guint          *count,
                           guint64        *size,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *text = NULL;
  const char *p;
  guint64 n, octets;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);

  if (!simple (self, "STAT", MP_POP3_ERROR_SERVER, &text, cancellable, error))
    return FALSE;
  p = text;
  if (!take_number (&p, NUMBER_MESSAGES, "STAT", &n, error) ||
      !take_number (&p, NUMBER_OCTETS, "STAT", &octets, error))
    return FALSE;
  if (count != NULL)
    *count = (guint) n;
  if (size != NULL)
    *size = octets;
  return TRUE;
}

gboolean
mp_pop3_session_list_one_sync (MpPop3Session  *self,
                               guint           number,
                               guint64        *size,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autofree char *line = g_strdup_printf ("LIST %u", number);
  g_autofree char *text = NULL;
  const char *p;
  guint64 n, octets;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);

  if (!simple (self, line, MP_POP3_ERROR_NO_SUCH_MESSAGE, &text, cancellable, error))
    return FALSE;
  p = text;
  if (!take_number (&p, NUMBER_MESSAGE, line, &n, error) ||
      !take_number (&p, NUMBER_OCTETS, line, &octets, error))
    return FALSE;
  if (n != number)
    return protocol_error (error, line);
  if (size != NULL)
    *size = octets;
  return TRUE;
}

/* RFC 1939 7: 1..70 characters 0x21..0x7E; allow longer, never controls. */
static gboolean
valid_uidl (const char *uid)
{
  gsize len = strlen (uid);

  if (len == 0 || len > 512)
    return FALSE;
  for (const char *p = uid; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
        return FALSE;
    }
  return TRUE;
}

char *
mp_pop3_session_uidl_one_sync (MpPop3Session  *self,
                               guint           number,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autofree char *line = g_strdup_printf ("UIDL %u", number);
  g_autofree char *text = NULL;
  const char *p;
  guint64 n;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);

  if (!simple (self, line, MP_POP3_ERROR_NO_SUCH_MESSAGE, &text, cancellable, error))
    return NULL;
  p = text;
  g_strchomp (text);
  if (!take_number (&p, NUMBER_MESSAGE, line, &n, error))
    return NULL;
  if (n != number || !valid_uidl (p))
    {
      protocol_error (error, line);
      return NULL;
    }
  return g_strdup (p);
}

/* ---- scan: LIST + UIDL ---- */

typedef struct {
  GByteArray *list;   /* owned; NULL after -ERR */
  GByteArray *uidl;   /* owned; NULL after -ERR */
  MpPop3Reply list_err;
} ScanData;

static gboolean
scan_reply (MpPop3Session *self,
            guint          index,
            MpPop3Reply   *reply,
            gpointer       user_data,
            GError       **error)
{
  ScanData *data = user_data;

  if (reply->kind == MP_POP3_LINE_OK)
    {
      if (index == 0)
        data->list = g_steal_pointer (&reply->body);
      else
        data->uidl = g_steal_pointer (&reply->body);
    }
  else if (index == 0)
    {
      data->list_err = *reply;
      memset (reply, 0, sizeof *reply);
    }
  return TRUE;
}

/* Walks a listing body line by line ("n rest") and calls back with n and
 * rest; a callback that fails without an error of its own gets the generic
 * "malformed" one. memchr-based: linear even for a million lines
 * (strstr-based splitting is quadratic under sanitizers' interceptors). */
static gboolean
parse_listing (GByteArray  *body,
               const char  *what,
               gboolean   (*each) (guint64 n, const char *rest, gpointer data, GError **error),
               gpointer     data,
               GError     **error)
{
  const char *p = (const char *) body->data;
  const char *end;

  if (body->len == 0)
    return TRUE;   /* data may be NULL */
  end = p + body->len;
  if (memchr (p, '\0', body->len) != NULL)
    return protocol_error (error, what);
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      const char *line_end = eol != NULL ? eol : end;
      g_autofree char *line = NULL;
      const char *q;
      guint64 n;
      GError *local = NULL;

      if (line_end > p && line_end[-1] == '\r')
        line_end--;
      line = g_strndup (p, (gsize) (line_end - p));
      p = eol != NULL ? eol + 1 : end;
      if (*line == '\0')
        continue;
      q = line;
      if (!take_number (&q, NUMBER_MESSAGE, what, &n, error))
        return FALSE;
      if (n == 0)
        return protocol_error (error, what);
      if (!each (n, q, data, &local))
        {
          if (local == NULL)
            return protocol_error (error, what);
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct {
  GPtrArray  *entries;   /* MpPop3Entry*, in LIST order */
  GHashTable *numbers;   /* set: message numbers LIST named */
  GHashTable *uidls;     /* number → owned uid */
  GHashTable *owners;    /* uid (borrowed from uidls) → number */
} ScanTables;

/* A message number named twice would be fetched twice, or make one number
 * mean two messages. */
static gboolean
duplicate_number (GError     **error,
                  guint64      n,
                  const char  *what)
{
  g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
               _("The server listed message %u twice (%s)"), (guint) n, what);
  return FALSE;
}

static gboolean
add_list_entry (guint64 n, const char *rest, gpointer data, GError **error)
{
  ScanTables *t = data;
  MpPop3Entry *entry;
  guint64 size;

  /* RFC 1939 allows further information after the size. */
  if (!take_number (&rest, NUMBER_OCTETS, "LIST", &size, error))
    return FALSE;
  if (!g_hash_table_add (t->numbers, GUINT_TO_POINTER ((guint) n)))
    return duplicate_number (error, n, "LIST");
  entry = g_new0 (MpPop3Entry, 1);
  entry->number = (guint) n;
  entry->size = size;
  g_ptr_array_add (t->entries, entry);
  return TRUE;
}

static gboolean
add_uidl_entry (guint64 n, const char *rest, gpointer data, GError **error)
{
  ScanTables *t = data;
  g_autofree char *uid = g_strdup (rest);
  gpointer other;

  g_strchomp (uid);
  if (!valid_uidl (uid))
    return FALSE;
  if (g_hash_table_contains (t->uidls, GUINT_TO_POINTER ((guint) n)))
    return duplicate_number (error, n, "UIDL");
  if (!g_hash_table_contains (t->numbers, GUINT_TO_POINTER ((guint) n)))
    {
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server's UIDL listing names message %u, which LIST did not list"),
                   (guint) n);
      return FALSE;
    }
  /* RFC 1939 7: a unique-id names one message. Rows, the seen store and
   * deletes all key on it, so two messages sharing one cannot be told
   * apart (deleting "one" of them could delete the other). */
  if (g_hash_table_lookup_extended (t->owners, uid, NULL, &other))
    {
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                   _("The server gave messages %u and %u the same unique id (UIDL)"),
                   GPOINTER_TO_UINT (other), (guint) n);
      return FALSE;
    }
  g_hash_table_insert (t->owners, uid, GUINT_TO_POINTER ((guint) n));
  g_hash_table_insert (t->uidls, GUINT_TO_POINTER ((guint) n), g_steal_pointer (&uid));
  return TRUE;
}

GPtrArray *
mp_pop3_session_scan_sync (MpPop3Session  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  MpPop3Command commands[] = {
    { (char *) "LIST", TRUE, FALSE, 0 },
    { (char *) "UIDL", TRUE, FALSE, 0 },
  };
  ScanData data = { 0, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) numbers = NULL;
  g_autoptr(GHashTable) uidls = NULL;
  g_autoptr(GHashTable) owners = NULL;
  ScanTables tables;
  gboolean ok = FALSE;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);

  if (!check_ready (self, error) ||
      !mp_pop3_session_run (self, commands, 2, mp_pop3_session_window (self),
                            scan_reply, &data, cancellable, error))
    goto out;
  if (data.list == NULL)
    {
      mp_pop3_set_reply_error (error, &data.list_err, MP_POP3_ERROR_SERVER, "LIST");
      goto out;
    }
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_pop3_entry_free);
  numbers = g_hash_table_new (NULL, NULL);
  uidls = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  owners = g_hash_table_new (g_str_hash, g_str_equal);
  tables = (ScanTables) { entries, numbers, uidls, owners };
  if (!parse_listing (data.list, "LIST", add_list_entry, &tables, error))
    goto out;
  /* A server without UIDL gives entries without uidl. */
  if (data.uidl != NULL &&
      !parse_listing (data.uidl, "UIDL", add_uidl_entry, &tables, error))
    goto out;
  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *entry = g_ptr_array_index (entries, i);

      entry->uidl = g_strdup (g_hash_table_lookup (uidls, GUINT_TO_POINTER (entry->number)));
      /* RFC 1939 7: UIDL lists every message. A listing with gaps is a
       * broken reply, not a server without UIDL (that one says -ERR). */
      if (entry->uidl == NULL && data.uidl != NULL)
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                       _("The server's UIDL listing is incomplete: message %u has no unique id"),
                       entry->number);
          goto out;
        }
    }
  ok = TRUE;

out:
  g_clear_pointer (&data.list, g_byte_array_unref);
  g_clear_pointer (&data.uidl, g_byte_array_unref);
  mp_pop3_reply_clear (&data.list_err);
  return ok ? g_steal_pointer (&entries) : NULL;
}

/* ---- bodies: TOP / RETR ---- */

/* TOP is optional (RFC 1939 7). A server that lists its capabilities but
 * not TOP does not have it; one without CAPA may still have it. */
static gboolean
check_top (MpPop3Session  *self,
           const char     *format,
           GError        **error)
{
  if (g_ascii_strncasecmp (format, "TOP", 3) != 0 ||
      self->caps[0] == NULL || mp_pop3_caps_has ((const char * const *) self->caps, "TOP"))
    return TRUE;
  g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_UNSUPPORTED,
                       _("The server does not support reading message headers (TOP)"));
  return FALSE;
}

typedef struct {
  MpPop3BodyFunc func;
  gpointer       user_data;
  MpPop3Command *commands;
} BodyData;

static gboolean
body_reply (MpPop3Session *self,
            guint          index,
            MpPop3Reply   *reply,
            gpointer       user_data,
            GError       **error)
{
  BodyData *data = user_data;
  g_autoptr(GBytes) bytes = NULL;

  if (reply->kind == MP_POP3_LINE_OK)
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&reply->body));
  else if (reply->kind != MP_POP3_LINE_ERR)
    return protocol_error (error, data->commands[index].line);
  data->func (data->commands[index].number, bytes, data->user_data);
  return TRUE;
}

/* Runs "VERB n …" for each number and hands the bodies to @func. */
static gboolean
fetch_many (MpPop3Session  *self,
            const guint    *numbers,
            gsize           n_numbers,
            const char     *format,
            guint           lines,
            MpPop3BodyFunc  func,
            gpointer        user_data,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autofree MpPop3Command *commands = NULL;
  BodyData data = { func, user_data, NULL };
  gboolean ok;

  if (!check_ready (self, error) || !check_top (self, format, error))
    return FALSE;
  if (n_numbers > MP_POP3_MAX_MESSAGES)
    return too_many_requested (error);
  commands = g_new0 (MpPop3Command, MAX (n_numbers, 1));
  for (gsize i = 0; i < n_numbers; i++)
    {
      commands[i].line = g_strdup_printf (format, numbers[i], lines);
      commands[i].multiline = TRUE;
      commands[i].number = numbers[i];
    }
  data.commands = commands;
  ok = mp_pop3_session_run (self, commands, (guint) n_numbers, mp_pop3_session_window (self),
                            body_reply, &data, cancellable, error);
  for (gsize i = 0; i < n_numbers; i++)
    g_free (commands[i].line);
  return ok;
}

gboolean
mp_pop3_session_top_many_sync (MpPop3Session  *self,
                               const guint    *numbers,
                               gsize           n_numbers,
                               guint           lines,
                               MpPop3BodyFunc  func,
                               gpointer        user_data,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (numbers != NULL || n_numbers == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return fetch_many (self, numbers, n_numbers, "TOP %u %u", lines, func, user_data,
                     cancellable, error);
}

/* Single TOP/RETR; a -ERR is reported with the server's text. */
static GBytes *
fetch_one (MpPop3Session  *self,
           const char     *format,
           guint           number,
           guint           lines,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autofree char *line = g_strdup_printf (format, number, lines);
  MpPop3Reply reply;
  GBytes *bytes = NULL;

  if (!check_ready (self, error) || !check_top (self, format, error) ||
      !mp_pop3_session_command (self, line, FALSE, &reply, cancellable, error))
    return NULL;
  if (reply.kind == MP_POP3_LINE_OK)
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&reply.body));
  else if (reply.kind == MP_POP3_LINE_ERR)
    mp_pop3_set_reply_error (error, &reply, MP_POP3_ERROR_NO_SUCH_MESSAGE, line);
  else
    protocol_error (error, line);
  mp_pop3_reply_clear (&reply);
  return bytes;
}

GBytes *
mp_pop3_session_top_sync (MpPop3Session  *self,
                          guint           number,
                          guint           lines,
                          GCancellable   *cancellable,
                          GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);
  return fetch_one (self, "TOP %u %u", number, lines, cancellable, error);
}

GBytes *
mp_pop3_session_retr_sync (MpPop3Session  *self,
                           guint           number,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);
  /* The extra argument is ignored by the format. */
  return fetch_one (self, "RETR %u", number, 0, cancellable, error);
}

/* ---- DELE / RSET / NOOP / QUIT ---- */

gboolean
mp_pop3_session_dele_sync (MpPop3Session  *self,
                           guint           number,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *line = g_strdup_printf ("DELE %u", number);

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  return simple (self, line, MP_POP3_ERROR_NO_SUCH_MESSAGE, NULL, cancellable, error);
}

typedef struct {
  GError        *first;   /* owned; first refusal */
  MpPop3Command *commands;
} DeleData;

static gboolean
dele_reply (MpPop3Session *self,
            guint          index,
            MpPop3Reply   *reply,
            gpointer       user_data,
            GError       **error)
{
  DeleData *data = user_data;

  if (reply->kind == MP_POP3_LINE_OK)
    return TRUE;
  if (reply->kind != MP_POP3_LINE_ERR)
    return protocol_error (error, "DELE");
  if (data->first == NULL)
    mp_pop3_set_reply_error (&data->first, reply, MP_POP3_ERROR_NO_SUCH_MESSAGE,
                             data->commands[index].line);
  return TRUE;
}

gboolean
mp_pop3_session_dele_many_sync (MpPop3Session  *self,
                                const guint    *numbers,
                                gsize           n_numbers,
                                GCancellable   *cancellable,
                                GError        **error)
{
  g_autofree MpPop3Command *commands = NULL;
  DeleData data = { NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (numbers != NULL || n_numbers == 0, FALSE);

  if (!check_ready (self, error))
    return FALSE;
  if (n_numbers > MP_POP3_MAX_MESSAGES)
    return too_many_requested (error);
  commands = g_new0 (MpPop3Command, MAX (n_numbers, 1));
  for (gsize i = 0; i < n_numbers; i++)
    {
      commands[i].line = g_strdup_printf ("DELE %u", numbers[i]);
      commands[i].number = numbers[i];
    }
  data.commands = commands;
  ok = mp_pop3_session_run (self, commands, (guint) n_numbers, mp_pop3_session_window (self),
                            dele_reply, &data, cancellable, error);
  for (gsize i = 0; i < n_numbers; i++)
    g_free (commands[i].line);
  if (ok && data.first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&data.first));
      ok = FALSE;
    }
  g_clear_error (&data.first);
  return ok;
}

gboolean
mp_pop3_session_rset_sync (MpPop3Session  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  return simple (self, "RSET", MP_POP3_ERROR_SERVER, NULL, cancellable, error);
}

gboolean
mp_pop3_session_noop_sync (MpPop3Session  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  return simple (self, "NOOP", MP_POP3_ERROR_SERVER, NULL, cancellable, error);
}

gboolean
mp_pop3_session_quit_sync (MpPop3Session  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);

  /* RFC 1939 6: deletions happen in the UPDATE state, entered only by
   * QUIT; anything short of +OK means nothing was committed for sure. */
  /* QUIT also ends a session that never logged in (RFC 1939 4: a probe). */
  if (self->state == MP_POP3_STATE_AUTHORIZATION && self->transport != NULL)
    ok = simple_in_any_state (self, "QUIT", MP_POP3_ERROR_SERVER, NULL, cancellable, error);
  else
    ok = simple (self, "QUIT", MP_POP3_ERROR_SERVER, NULL, cancellable, error);
  mp_pop3_session_close (self);
  return ok;
}
