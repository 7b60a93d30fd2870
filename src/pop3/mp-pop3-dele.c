/* mp-pop3-dele.c — the TRANSACTION commands that mark, unmark and commit
 * (RFC 1939): DELE (one or a pipelined batch), RSET, NOOP and QUIT.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

gboolean
mp_pop3_session_dele_sync (MpPop3Session  *self,
                           guint           number,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *line = g_strdup_printf ("DELE %u", number);

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  self->dele_sent = TRUE;
  return mp_pop3_simple (self, line, MP_POP3_ERROR_NO_SUCH_MESSAGE, NULL, cancellable, error);
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

  mp_pop3_pace_next_message (&self->pace);
  if (reply->kind == MP_POP3_LINE_OK)
    return TRUE;
  if (reply->kind != MP_POP3_LINE_ERR)
    return mp_pop3_protocol_error (error, "DELE");
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
  g_autofree char *lines = NULL;
  DeleData data = { NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (numbers != NULL || n_numbers == 0, FALSE);

  if (!mp_pop3_check_ready (self, error))
    return FALSE;
  if (n_numbers > MP_POP3_MAX_MESSAGES)
    return mp_pop3_too_many_requested (error);
  self->dele_sent = n_numbers > 0;
  commands = g_new0 (MpPop3Command, MAX (n_numbers, 1));
  lines = mp_pop3_format_numbered (commands, numbers, n_numbers, "DELE", G_MAXUINT);
  data.commands = commands;
  ok = mp_pop3_session_run (self, commands, (guint) n_numbers, mp_pop3_session_window (self),
                            dele_reply, &data, cancellable, error);
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
  if (!mp_pop3_simple (self, "RSET", MP_POP3_ERROR_SERVER, NULL, cancellable, error))
    return FALSE;
  self->dele_sent = FALSE;
  return TRUE;
}

gboolean
mp_pop3_session_noop_sync (MpPop3Session  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  return mp_pop3_simple (self, "NOOP", MP_POP3_ERROR_SERVER, NULL, cancellable, error);
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
    ok = mp_pop3_simple_in_any_state (self, "QUIT", MP_POP3_ERROR_SERVER, NULL, cancellable, error);
  else
    ok = mp_pop3_simple (self, "QUIT", MP_POP3_ERROR_SERVER, NULL, cancellable, error);
  mp_pop3_session_close (self);
  return ok;
}
