/* mp-pop3-session.c — MpPopSession: connection set-up (greeting, CAPA,
 * STLS, UTF8, login) and the state machine. Commands are in
 * mp-pop3-commands.c, the I/O loop in mp-pop3-pipeline.c.
 *
 * All _sync functions block and are meant for worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

G_DEFINE_FINAL_TYPE (MpPop3Session, mp_pop3_session, G_TYPE_OBJECT)

static void
mp_pop3_session_finalize (GObject *object)
{
  MpPop3Session *self = MP_POP3_SESSION (object);

  mp_pop3_session_close (self);
  mp_pop3_reader_clear (&self->reader);
  g_byte_array_unref (self->out);
  mp_pop3_options_free (self->options);
  g_free (self->greeting);
  g_strfreev (self->caps);
  g_free (self->fingerprint);
  g_free (self->last_answered.line);
  G_OBJECT_CLASS (mp_pop3_session_parent_class)->finalize (object);
}

static void
mp_pop3_session_class_init (MpPop3SessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_pop3_session_finalize;
}

static void
mp_pop3_session_init (MpPop3Session *self)
{
  mp_pop3_reader_init (&self->reader);
  self->out = g_byte_array_new ();
  self->caps = g_new0 (char *, 1);
  self->state = MP_POP3_STATE_DISCONNECTED;
}

MpPop3Session *
mp_pop3_session_new (const MpPop3Options *options)
{
  MpPop3Session *self;

  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (MP_TYPE_POP3_SESSION, NULL);
  self->options = mp_pop3_options_copy (options);
  if (self->options->timeout_ms == 0)
    self->options->timeout_ms = MP_POP3_DEFAULT_TIMEOUT_MS;
  return self;
}

MpPop3Session *
mp_pop3_session_new_for_transport (const MpPop3Options *options,
                                   MpPop3Transport     *transport)
{
  MpPop3Session *self;

  g_return_val_if_fail (transport != NULL, NULL);

  self = mp_pop3_session_new (options);
  self->transport = transport;
  self->preconnected = TRUE;
  return self;
}

void
mp_pop3_session_set_state (MpPop3Session *self,
                           MpPop3State    state)
{
  self->state = state;
  /* A new login starts with nothing marked for deletion. */
  if (state == MP_POP3_STATE_TRANSACTION)
    self->dele_sent = FALSE;
}

void
mp_pop3_session_begin_operation (MpPop3Session *self)
{
  mp_pop3_pace_begin (&self->pace, self->options);
}

MpPop3IoStatus
mp_pop3_session_read (MpPop3Session  *self,
                      GError        **error)
{
  MpPop3Transport *t = self->transport;
  guint8 *space = mp_pop3_reader_reserve (&self->reader, MP_POP3_READ_CHUNK);
  gsize done = 0;
  MpPop3IoStatus st = t->vtable->read (t, space, MP_POP3_READ_CHUNK, &done, error);

  mp_pop3_reader_commit (&self->reader, MP_POP3_READ_CHUNK, st == MP_POP3_IO_OK ? done : 0);
  if (st != MP_POP3_IO_OK)
    return st;
  /* A server sending fast never makes the engine wait: the deadline is
   * checked here as well as in the wait. */
  mp_pop3_pace_received (&self->pace, done);
  return mp_pop3_pace_check (&self->pace, error) ? MP_POP3_IO_OK : MP_POP3_IO_ERROR;
}

void
mp_pop3_session_trace (MpPop3Session        *self,
                       MpPop3TraceDirection  dir,
                       const char           *line)
{
  if (self->options->trace_func != NULL)
    self->options->trace_func (dir, line, self->options->trace_user_data);
}

void
mp_pop3_set_reply_error (GError           **error,
                         const MpPop3Reply *reply,
                         MpPop3ErrorCode    fallback,
                         const char        *what)
{
  g_autofree char *text = mp_pop3_sanitize_text (reply->text);
  MpPop3ErrorCode code = mp_pop3_resp_code_to_error (reply->text, fallback);

  g_set_error (error, MP_POP3_ERROR, code,
               _("The server refused %s: %s"), what,
               *text != '\0' ? text : _("no reason given"));
}

void
mp_pop3_session_close (MpPop3Session *self)
{
  g_return_if_fail (MP_IS_POP3_SESSION (self));

  g_clear_pointer (&self->transport, mp_pop3_transport_free);
  g_clear_pointer (&self->tls_ctx, mp_pop3_tls_context_free);
  g_byte_array_set_size (self->out, 0);
  mp_pop3_reader_clear (&self->reader);
  mp_pop3_reader_init (&self->reader);
  if (self->state != MP_POP3_STATE_DISCONNECTED)
    mp_pop3_session_set_state (self, MP_POP3_STATE_CLOSED);
}

/* CAPA; a server without it (-ERR) simply has no capabilities. */
static gboolean
read_capabilities (MpPop3Session  *self,
                   GCancellable   *cancellable,
                   GError        **error)
{
  MpPop3Reply reply;

  if (!mp_pop3_session_command (self, "CAPA", FALSE, &reply, cancellable, error))
    return FALSE;
  g_strfreev (self->caps);
  if (reply.kind == MP_POP3_LINE_OK)
    self->caps = mp_pop3_caps_parse ((const char *) reply.body->data, reply.body->len);
  else
    self->caps = g_new0 (char *, 1);
  mp_pop3_reply_clear (&reply);
  return TRUE;
}

static gboolean
greeting_reply (MpPop3Session *self,
                guint          index,
                MpPop3Reply   *reply,
                gpointer       user_data,
                GError       **error)
{
  if (reply->kind != MP_POP3_LINE_OK)
    {
      if (reply->kind == MP_POP3_LINE_ERR)
        mp_pop3_set_reply_error (error, reply, MP_POP3_ERROR_SERVER, _("the connection"));
      else
        g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                             _("The server sent an invalid greeting"));
      return FALSE;
    }
  g_free (self->greeting);
  self->greeting = g_steal_pointer (&reply->text);
  return TRUE;
}

static gboolean
read_greeting (MpPop3Session  *self,
               GCancellable   *cancellable,
               GError        **error)
{
  MpPop3Command greeting = { NULL, FALSE, FALSE, 0 };

  mp_pop3_session_set_state (self, MP_POP3_STATE_GREETING);
  if (!mp_pop3_session_run (self, &greeting, 1, 1, greeting_reply, NULL, cancellable, error))
    return FALSE;
  mp_pop3_session_set_state (self, MP_POP3_STATE_AUTHORIZATION);
  return TRUE;
}

static gboolean
start_tls (MpPop3Session  *self,
           gboolean        stls,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autofree char *fingerprint = NULL;
  MpPop3Transport *tls;

  if (stls)
    {
      MpPop3Reply reply;

      if (!mp_pop3_session_command (self, "STLS", FALSE, &reply, cancellable, error))
        return FALSE;
      if (reply.kind != MP_POP3_LINE_OK)
        {
          /* No quiet fallback to plaintext. */
          mp_pop3_set_reply_error (error, &reply, MP_POP3_ERROR_TLS, "STLS");
          mp_pop3_reply_clear (&reply);
          mp_pop3_session_close (self);
          return FALSE;
        }
      mp_pop3_reply_clear (&reply);
      /* Anything the server sent after +OK arrived before the handshake and
       * would be taken as if it came over TLS (response injection). */
      if (mp_pop3_reader_buffered (&self->reader) > 0)
        {
          g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                               _("The server sent unexpected data before the TLS handshake"));
          mp_pop3_session_close (self);
          return FALSE;
        }
    }

  tls = mp_pop3_tls_wrap (g_steal_pointer (&self->transport), self->options, self->tls_ctx,
                          &self->pace, &fingerprint, cancellable, error);
  g_clear_pointer (&self->tls_ctx, mp_pop3_tls_context_free);
  g_free (self->fingerprint);
  self->fingerprint = g_steal_pointer (&fingerprint);
  if (tls == NULL)
    {
      mp_pop3_session_close (self);
      return FALSE;
    }
  self->transport = tls;
  mp_pop3_session_trace (self, MP_POP3_TRACE_INFO, mp_pop3_tls_describe (tls));
  return TRUE;
}

static gboolean
open_transport (MpPop3Session  *self,
                GCancellable   *cancellable,
                GError        **error)
{
  const MpPop3Options *o = self->options;
  guint16 port = mp_pop3_options_get_effective_port (o);
  g_autofree char *info = NULL;

  if (o->host == NULL || *o->host == '\0')
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CONNECT,
                           _("No server name is set"));
      return FALSE;
    }
  /* TLS set up before connecting (the server waits for nothing of ours), and
   * loading the system CA store overlapped with name resolution and connect. */
  if (o->security != MP_POP3_SECURITY_NONE)
    {
      g_clear_pointer (&self->tls_ctx, mp_pop3_tls_context_free);
      self->tls_ctx = mp_pop3_tls_context_new (o, error);
      if (self->tls_ctx == NULL)
        return FALSE;
      if (o->ca_file == NULL)
        mp_pop3_tls_preload ();
    }
  self->transport = mp_pop3_tcp_connect (o->host, port, o->timeout_ms, &self->pace,
                                         cancellable, error);
  if (self->transport == NULL)
    return FALSE;
  mp_pop3_session_set_state (self, MP_POP3_STATE_GREETING);
  info = g_strdup_printf ("connected to %s port %u", o->host, port);
  mp_pop3_session_trace (self, MP_POP3_TRACE_INFO, info);
  if (o->security == MP_POP3_SECURITY_TLS)
    return start_tls (self, FALSE, cancellable, error);
  return TRUE;
}

static gboolean
negotiate_stls (MpPop3Session  *self,
                GCancellable   *cancellable,
                GError        **error)
{
  MpPop3Security security = self->options->security;

  if (mp_pop3_session_is_encrypted (self) ||
      (security != MP_POP3_SECURITY_STARTTLS &&
       security != MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE))
    return TRUE;

  if (!mp_pop3_caps_has ((const char * const *) self->caps, "STLS"))
    {
      if (security == MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE)
        return TRUE;   /* the login policy still guards the password */
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_STLS_UNAVAILABLE,
                           _("The server does not offer STARTTLS (STLS); nothing was sent"));
      mp_pop3_session_close (self);
      return FALSE;
    }
  if (!start_tls (self, TRUE, cancellable, error))
    return FALSE;
  /* RFC 2595 4: forget what was learnt in clear and ask again. */
  return read_capabilities (self, cancellable, error);
}

static gboolean
enable_utf8 (MpPop3Session  *self,
             GCancellable   *cancellable,
             GError        **error)
{
  MpPop3Reply reply;

  /* RFC 6856 2: allowed in AUTHORIZATION state, before login, so UTF-8
   * user names work. A refusal is not fatal. */
  if (!mp_pop3_caps_has ((const char * const *) self->caps, "UTF8"))
    return TRUE;
  if (!mp_pop3_session_command (self, "UTF8", FALSE, &reply, cancellable, error))
    return FALSE;
  mp_pop3_reply_clear (&reply);
  return TRUE;
}

static gboolean
check_unused (MpPop3Session  *self,
              GError        **error)
{
  if (self->state == MP_POP3_STATE_DISCONNECTED)
    return TRUE;
  g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                       _("This session was already used; create a new one"));
  return FALSE;
}

/* Everything before the login: connect → greeting → CAPA → [STLS → CAPA]. */
static gboolean
open_unauthenticated (MpPop3Session  *self,
                      GCancellable   *cancellable,
                      GError        **error)
{
  /* One operation (deadline, low speed), from the TCP connect to the CAPA after
   * login for connect_sync; to the CAPA after STLS for a probe. */
  mp_pop3_session_begin_operation (self);
  return (self->preconnected || open_transport (self, cancellable, error)) &&
         read_greeting (self, cancellable, error) &&
         read_capabilities (self, cancellable, error) &&
         negotiate_stls (self, cancellable, error);
}

gboolean
mp_pop3_session_probe_sync (MpPop3Session  *self,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_unused (self, error))
    return FALSE;
  if (open_unauthenticated (self, cancellable, error))
    return TRUE;
  mp_pop3_session_close (self);
  mp_pop3_session_set_state (self, MP_POP3_STATE_CLOSED);
  return FALSE;
}

gboolean
mp_pop3_session_connect_sync (MpPop3Session  *self,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_unused (self, error))
    return FALSE;
  if (!open_unauthenticated (self, cancellable, error) ||
      !enable_utf8 (self, cancellable, error) ||
      !mp_pop3_session_authenticate (self, cancellable, error))
    goto failed;
  mp_pop3_session_set_state (self, MP_POP3_STATE_TRANSACTION);
  /* Capabilities may change after login (RFC 2449 5). */
  if (!read_capabilities (self, cancellable, error))
    goto failed;
  return TRUE;

failed:
  mp_pop3_session_close (self);
  mp_pop3_session_set_state (self, MP_POP3_STATE_CLOSED);
  return FALSE;
}

const MpPop3Options *
mp_pop3_session_get_options (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);
  return self->options;
}

const char * const *
mp_pop3_session_get_capabilities (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);
  return (const char * const *) self->caps;
}

gboolean
mp_pop3_session_has_capability (MpPop3Session *self,
                                const char    *name)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  return mp_pop3_caps_has ((const char * const *) self->caps, name);
}

const char *
mp_pop3_session_get_greeting (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);
  return self->greeting;
}

gboolean
mp_pop3_session_is_connected (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  return self->transport != NULL && self->state == MP_POP3_STATE_TRANSACTION;
}

gboolean
mp_pop3_session_is_encrypted (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  return self->transport != NULL && self->transport->encrypted;
}

gboolean
mp_pop3_session_is_pipelining (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), FALSE);
  return mp_pop3_session_window (self) > 1;
}

MpPop3AuthMethod
mp_pop3_session_get_auth_method (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), MP_POP3_AUTH_AUTO);
  return self->auth_used;
}

char *
mp_pop3_session_dup_peer_fingerprint (MpPop3Session *self)
{
  g_return_val_if_fail (MP_IS_POP3_SESSION (self), NULL);
  return g_strdup (self->fingerprint);
}
