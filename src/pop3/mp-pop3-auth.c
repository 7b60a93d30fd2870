/* mp-pop3-auth.c — login: USER/PASS, APOP and SASL (RFC 5034) PLAIN, LOGIN,
 * CRAM-MD5 and XOAUTH2.
 *
 * Policy for MP_POP3_AUTH_AUTO (documented in mp-pop3-options.h):
 * - over TLS: SASL PLAIN, USER/PASS, LOGIN, CRAM-MD5, APOP — PLAIN first
 *   because it works with every password backend and TLS already protects it;
 * - in clear: only mechanisms that never reveal the password (CRAM-MD5, then
 *   APOP); a reusable password (PLAIN, USER, LOGIN, an XOAUTH2 bearer token)
 *   goes in clear only when allow_plaintext_password is set, otherwise the
 *   login fails with MP_POP3_ERROR_PLAINTEXT_REFUSED before anything secret
 *   is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include "mp-pop3-private.h"

char *
mp_pop3_apop_digest (const char *timestamp,
                     const char *password)
{
  g_autofree char *joined = g_strconcat (timestamp, password, NULL);
  char *digest = g_compute_checksum_for_string (G_CHECKSUM_MD5, joined, -1);

  explicit_bzero (joined, strlen (joined));
  return digest;
}

char *
mp_pop3_cram_md5_response (const char  *user,
                           const char  *password,
                           const char  *challenge_b64,
                           GError     **error)
{
  g_autofree guchar *challenge = NULL;
  g_autofree char *hmac = NULL;
  g_autofree char *answer = NULL;
  gsize challenge_len = 0;
  char *encoded;

  if (challenge_b64 != NULL && *challenge_b64 != '\0')
    challenge = g_base64_decode (challenge_b64, &challenge_len);
  if (challenge == NULL || challenge_len == 0)
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                           _("The server sent an empty CRAM-MD5 challenge"));
      return NULL;
    }
  hmac = g_compute_hmac_for_data (G_CHECKSUM_MD5,
                                  (const guchar *) password, strlen (password),
                                  challenge, challenge_len);
  answer = g_strdup_printf ("%s %s", user, hmac);
  encoded = g_base64_encode ((const guchar *) answer, strlen (answer));
  return encoded;
}

static gboolean
is_reusable_secret (MpPop3AuthMethod method)
{
  return method == MP_POP3_AUTH_USER || method == MP_POP3_AUTH_PLAIN ||
         method == MP_POP3_AUTH_LOGIN || method == MP_POP3_AUTH_XOAUTH2;
}

static const char *
sasl_name (MpPop3AuthMethod method)
{
  switch (method)
    {
    case MP_POP3_AUTH_PLAIN: return "PLAIN";
    case MP_POP3_AUTH_LOGIN: return "LOGIN";
    case MP_POP3_AUTH_CRAM_MD5: return "CRAM-MD5";
    case MP_POP3_AUTH_XOAUTH2: return "XOAUTH2";
    default: return NULL;
    }
}

static gboolean
offered (MpPop3AuthMethod    method,
         const char * const *caps,
         gboolean            have_ts)
{
  if (method == MP_POP3_AUTH_APOP)
    return have_ts;
  if (method == MP_POP3_AUTH_USER)
    return mp_pop3_caps_has (caps, "USER");
  return mp_pop3_caps_has_sasl (caps, sasl_name (method));
}

gboolean
mp_pop3_auth_choose (MpPop3AuthMethod    requested,
                     const char * const *caps,
                     gboolean            have_ts,
                     gboolean            encrypted,
                     gboolean            allow_plaintext,
                     MpPop3AuthMethod   *chosen,
                     GError            **error)
{
  static const MpPop3AuthMethod tls_order[] = {
    MP_POP3_AUTH_PLAIN, MP_POP3_AUTH_USER, MP_POP3_AUTH_LOGIN,
    MP_POP3_AUTH_CRAM_MD5, MP_POP3_AUTH_APOP,
  };
  static const MpPop3AuthMethod clear_order[] = {
    MP_POP3_AUTH_CRAM_MD5, MP_POP3_AUTH_APOP,
  };
  gboolean secret_ok = encrypted || allow_plaintext;

  if (requested != MP_POP3_AUTH_AUTO)
    {
      if (is_reusable_secret (requested) && !secret_ok)
        goto refused;
      /* USER is the RFC 1939 baseline: tried even when CAPA does not list it. */
      if (requested != MP_POP3_AUTH_USER && !offered (requested, caps, have_ts))
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH_UNSUPPORTED,
                       _("The server does not offer the login method “%s”"),
                       mp_pop3_auth_method_to_string (requested));
          return FALSE;
        }
      *chosen = requested;
      return TRUE;
    }

  if (!secret_ok)
    {
      for (guint i = 0; i < G_N_ELEMENTS (clear_order); i++)
        {
          if (offered (clear_order[i], caps, have_ts))
            {
              *chosen = clear_order[i];
              return TRUE;
            }
        }
      goto refused;
    }
  for (guint i = 0; i < G_N_ELEMENTS (tls_order); i++)
    {
      if (offered (tls_order[i], caps, have_ts))
        {
          *chosen = tls_order[i];
          return TRUE;
        }
    }
  *chosen = MP_POP3_AUTH_USER;   /* server without CAPA: RFC 1939 baseline */
  return TRUE;

refused:
  g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_PLAINTEXT_REFUSED,
                       _("Refusing to send the password over an unencrypted connection"));
  return FALSE;
}

static gboolean
has_line_break (const char *s)
{
  return s != NULL && strpbrk (s, "\r\n") != NULL;
}

static gboolean
expect_kind (MpPop3Reply     *reply,
             MpPop3LineKind   kind,
             const char      *what,
             GError         **error)
{
  if (reply->kind == kind)
    return TRUE;
  if (reply->kind == MP_POP3_LINE_ERR)
    {
      mp_pop3_set_reply_error (error, reply, MP_POP3_ERROR_AUTH, what);
      return FALSE;
    }
  g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
               _("Unexpected reply to %s during login"), what);
  return FALSE;
}

/* Sends @line (secret → traced redacted) and checks the reply's kind. */
static gboolean
step (MpPop3Session  *self,
      const char     *line,
      gboolean        secret,
      MpPop3LineKind  want,
      const char     *what,
      MpPop3Reply    *reply,
      GCancellable   *cancellable,
      GError        **error)
{
  mp_pop3_reply_clear (reply);
  if (!mp_pop3_session_command (self, line, secret, reply, cancellable, error))
    return FALSE;
  return expect_kind (reply, want, what, error);
}

static char *
b64 (const char *data, gsize len)
{
  return g_base64_encode ((const guchar *) data, len);
}

static gboolean
sasl_with_initial (MpPop3Session  *self,
                   const char     *mech,
                   const char     *ir,
                   MpPop3Reply    *reply,
                   GCancellable   *cancellable,
                   GError        **error)
{
  g_autofree char *line = g_strdup_printf ("AUTH %s %s", mech, ir);

  /* RFC 5034 4: the command line is limited to 255 octets; otherwise wait
   * for the empty continuation and send the response on its own. */
  if (strlen (line) <= 255)
    {
      mp_pop3_reply_clear (reply);
      return mp_pop3_session_command (self, line, FALSE, reply, cancellable, error);
    }
  g_free (line);
  line = g_strdup_printf ("AUTH %s", mech);
  if (!step (self, line, FALSE, MP_POP3_LINE_CONTINUE, "AUTH", reply, cancellable, error))
    return FALSE;
  mp_pop3_reply_clear (reply);
  return mp_pop3_session_command (self, ir, TRUE, reply, cancellable, error);
}

static gboolean
run_method (MpPop3Session    *self,
            MpPop3AuthMethod  method,
            MpPop3Reply      *reply,
            GCancellable     *cancellable,
            GError          **error)
{
  const char *user = self->options->username;
  const char *pass = self->options->password;
  g_autofree char *line = NULL;
  g_autofree char *enc = NULL;

  switch (method)
    {
    case MP_POP3_AUTH_USER:
      line = g_strdup_printf ("USER %s", user);
      if (!step (self, line, FALSE, MP_POP3_LINE_OK, "USER", reply, cancellable, error))
        return FALSE;
      g_free (line);
      line = g_strdup_printf ("PASS %s", pass);
      mp_pop3_reply_clear (reply);
      return mp_pop3_session_command (self, line, FALSE, reply, cancellable, error);

    case MP_POP3_AUTH_APOP:
      {
        g_autofree char *ts = mp_pop3_greeting_apop_timestamp (self->greeting);
        g_autofree char *digest = mp_pop3_apop_digest (ts, pass);

        line = g_strdup_printf ("APOP %s %s", user, digest);
        mp_pop3_reply_clear (reply);
        return mp_pop3_session_command (self, line, FALSE, reply, cancellable, error);
      }

    case MP_POP3_AUTH_PLAIN:
      {
        /* authzid NUL authcid NUL passwd (RFC 4616), authzid empty */
        g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, user, 0, pass);
        gsize raw_len = strlen (user) + strlen (pass) + 2;

        enc = b64 (raw, raw_len);
        explicit_bzero (raw, raw_len);
        return sasl_with_initial (self, "PLAIN", enc, reply, cancellable, error);
      }

    case MP_POP3_AUTH_XOAUTH2:
      {
        g_autofree char *raw = g_strdup_printf ("user=%s\001auth=Bearer %s\001\001", user, pass);

        enc = b64 (raw, strlen (raw));
        explicit_bzero (raw, strlen (raw));
        if (!sasl_with_initial (self, "XOAUTH2", enc, reply, cancellable, error))
          return FALSE;
        /* On failure the server sends a JSON error as a continuation and
         * expects an empty line before its -ERR. */
        if (reply->kind != MP_POP3_LINE_CONTINUE)
          return TRUE;
        mp_pop3_reply_clear (reply);
        return mp_pop3_session_command (self, "", TRUE, reply, cancellable, error);
      }

    case MP_POP3_AUTH_LOGIN:
      if (!step (self, "AUTH LOGIN", FALSE, MP_POP3_LINE_CONTINUE, "AUTH LOGIN", reply, cancellable, error))
        return FALSE;
      enc = b64 (user, strlen (user));
      if (!step (self, enc, TRUE, MP_POP3_LINE_CONTINUE, "AUTH LOGIN", reply, cancellable, error))
        return FALSE;
      g_free (enc);
      enc = b64 (pass, strlen (pass));
      mp_pop3_reply_clear (reply);
      return mp_pop3_session_command (self, enc, TRUE, reply, cancellable, error);

    case MP_POP3_AUTH_CRAM_MD5:
      if (!step (self, "AUTH CRAM-MD5", FALSE, MP_POP3_LINE_CONTINUE, "AUTH CRAM-MD5", reply, cancellable, error))
        return FALSE;
      enc = mp_pop3_cram_md5_response (user, pass, reply->text, error);
      if (enc == NULL)
        return FALSE;
      mp_pop3_reply_clear (reply);
      return mp_pop3_session_command (self, enc, TRUE, reply, cancellable, error);

    case MP_POP3_AUTH_AUTO:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

gboolean
mp_pop3_session_authenticate (MpPop3Session  *self,
                              GCancellable   *cancellable,
                              GError        **error)
{
  const MpPop3Options *o = self->options;
  g_autofree char *ts = mp_pop3_greeting_apop_timestamp (self->greeting);
  MpPop3Reply reply = { 0, };
  MpPop3AuthMethod method;
  gboolean ok;

  if (o->username == NULL || *o->username == '\0' || o->password == NULL)
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH,
                           _("A user name and password are needed to log in"));
      return FALSE;
    }
  /* A line break would let the value inject further POP3 commands. */
  if (has_line_break (o->username) || has_line_break (o->password))
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH,
                           _("The user name or password contains a line break"));
      return FALSE;
    }
  if (!mp_pop3_auth_choose (o->auth, (const char * const *) self->caps, ts != NULL,
                            mp_pop3_session_is_encrypted (self),
                            o->allow_plaintext_password, &method, error))
    return FALSE;

  self->in_sasl = sasl_name (method) != NULL;
  ok = run_method (self, method, &reply, cancellable, error);
  self->in_sasl = FALSE;
  if (ok && reply.kind != MP_POP3_LINE_OK)
    {
      if (reply.kind == MP_POP3_LINE_ERR)
        mp_pop3_set_reply_error (error, &reply, MP_POP3_ERROR_AUTH, _("login"));
      else
        g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                             _("Unexpected continuation at the end of the login"));
      ok = FALSE;
    }
  mp_pop3_reply_clear (&reply);
  if (ok)
    self->auth_used = method;
  return ok;
}
