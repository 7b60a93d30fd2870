/* mp-pop3-bodies.c — TOP and RETR (RFC 1939): one message or a pipelined batch
 * of them.  The other TRANSACTION commands are in mp-pop3-commands.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

/* ---- bodies: TOP / RETR ---- */

/* TOP is optional (RFC 1939 7). A server that lists its capabilities but
 * not TOP does not have it; one without CAPA may still have it. */
gboolean
mp_pop3_check_top (MpPop3Session  *self,
                   GError        **error)
{
  if (self->caps[0] == NULL || mp_pop3_caps_has ((const char * const *) self->caps, "TOP"))
    return TRUE;
  g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_UNSUPPORTED,
                       _("The server does not support reading message headers (TOP)"));
  return FALSE;
}

static gboolean
check_top (MpPop3Session  *self,
           const char     *format,
           GError        **error)
{
  return g_ascii_strncasecmp (format, "TOP", 3) != 0 || mp_pop3_check_top (self, error);
}

typedef struct {
  MpPop3BodyFunc func;
  gpointer       user_data;
  MpPop3Command *commands;
  gsize          n_bodies;   /* commands past these: the QUIT of then-quit */
  gboolean       quit_ok;
} BodyData;

gboolean
mp_pop3_take_quit_reply (MpPop3Reply  *reply,
                         gboolean     *quit_ok,
                         GError      **error)
{
  if (reply->kind != MP_POP3_LINE_OK && reply->kind != MP_POP3_LINE_ERR)
    return mp_pop3_protocol_error (error, "QUIT");
  *quit_ok = reply->kind == MP_POP3_LINE_OK;
  return TRUE;
}

gboolean
mp_pop3_take_body_reply (MpPop3Session  *self,
                         MpPop3Reply    *reply,
                         const char     *line,
                         GBytes        **body,
                         GError        **error)
{
  *body = NULL;
  mp_pop3_pace_next_message (&self->pace);
  if (reply->kind == MP_POP3_LINE_OK)
    *body = g_byte_array_free_to_bytes (g_steal_pointer (&reply->body));
  else if (reply->kind != MP_POP3_LINE_ERR)
    return mp_pop3_protocol_error (error, line);
  return TRUE;
}

static gboolean
body_reply (MpPop3Session *self,
            guint          index,
            MpPop3Reply   *reply,
            gpointer       user_data,
            GError       **error)
{
  BodyData *data = user_data;
  g_autoptr(GBytes) bytes = NULL;

  if (index >= data->n_bodies)
    return mp_pop3_take_quit_reply (reply, &data->quit_ok, error);
  if (!mp_pop3_take_body_reply (self, reply, data->commands[index].line, &bytes, error))
    return FALSE;
  data->func (data->commands[index].number, bytes, data->user_data);
  return TRUE;
}

/* Runs "TOP n lines" for each number and hands the bodies to @func; with
 * @quit_ok, QUIT follows the last one in the same pipeline and the session
 * is closed after it (*quit_ok: it was acknowledged). */
static gboolean
fetch_many (MpPop3Session  *self,
            const guint    *numbers,
            gsize           n_numbers,
            guint           lines,
            MpPop3BodyFunc  func,
            gpointer        user_data,
            gboolean       *quit_ok,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autofree MpPop3Command *commands = NULL;
  g_autofree char *block = NULL;
  BodyData data = { func, user_data, NULL, n_numbers, FALSE };
  gsize n_commands = n_numbers + (quit_ok != NULL ? 1 : 0);
  gboolean ok;

  if (!mp_pop3_check_ready (self, error) || !check_top (self, "TOP", error))
    return FALSE;
  if (n_numbers > MP_POP3_MAX_MESSAGES)
    return mp_pop3_too_many_requested (error);
  commands = g_new0 (MpPop3Command, MAX (n_commands, 1));
  block = mp_pop3_format_numbered (commands, numbers, n_numbers, "TOP", lines);
  for (gsize i = 0; i < n_numbers; i++)
    commands[i].multiline = TRUE;
  if (quit_ok != NULL)
    commands[n_numbers].line = (char *) "QUIT";
  data.commands = commands;
  ok = mp_pop3_session_run (self, commands, (guint) n_commands, mp_pop3_session_window (self),
                            body_reply, &data, cancellable, error);
  if (quit_ok != NULL)
    {
      *quit_ok = ok && data.quit_ok;
      mp_pop3_session_close (self);
    }
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

  return fetch_many (self, numbers, n_numbers, lines, func, user_data, NULL,
                     cancellable, error);
}

gboolean
mp_pop3_session_top_many_then_quit_sync (MpPop3Session  *self,
                                         const guint    *numbers,
                                         gsize           n_numbers,
                                         guint           lines,
                                         MpPop3BodyFunc  func,
                                         gpointer        user_data,
                                         gboolean       *quit_ok,
                                         GCancellable   *cancellable,
                                         GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (numbers != NULL || n_numbers == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (quit_ok != NULL, FALSE);
  /* QUIT would commit the DELEs before the caller saw a single TOP reply. */
  g_return_val_if_fail (!self->dele_sent, FALSE);

  return fetch_many (self, numbers, n_numbers, lines, func, user_data, quit_ok,
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

  if (!mp_pop3_check_ready (self, error) || !check_top (self, format, error) ||
      !mp_pop3_session_command (self, line, FALSE, &reply, cancellable, error))
    return NULL;
  if (reply.kind == MP_POP3_LINE_OK)
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&reply.body));
  else if (reply.kind == MP_POP3_LINE_ERR)
    mp_pop3_set_reply_error (error, &reply, MP_POP3_ERROR_NO_SUCH_MESSAGE, line);
  else
    mp_pop3_protocol_error (error, line);
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
