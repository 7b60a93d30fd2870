/* mp-pop3-auth.c — login: USER/PASS, APOP and SASL (RFC 5034) PLAIN, LOGIN,
 * CRAM-MD5, XOAUTH2 and OAUTHBEARER (RFC 7628).
 *
 * Policy for MP_POP3_AUTH_AUTO (documented in mp-pop3-options.h):
 * - over TLS: SASL PLAIN, USER/PASS, LOGIN, CRAM-MD5, APOP — PLAIN first
 *   because it works with every password backend and TLS already protects it;
 * - in clear: only mechanisms that never reveal the password (CRAM-MD5, then
 *   APOP); a reusable password (PLAIN, USER, LOGIN, a bearer token)
 *   goes in clear only when allow_plaintext_password is set, otherwise the
 *   login fails with MP_POP3_ERROR_PLAINTEXT_REFUSED before anything secret
 *   is sent;
 * - never XOAUTH2 or OAUTHBEARER: the password field holds a token for them,
 *   not a password, so they are used only when chosen.
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
         method == MP_POP3_AUTH_LOGIN || method == MP_POP3_AUTH_XOAUTH2 ||
         method == MP_POP3_AUTH_OAUTHBEARER;
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
    case MP_POP3_AUTH_OAUTHBEARER: return "OAUTHBEARER";
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

/* ---- OAuth 2.0 bearer tokens: XOAUTH2 and OAUTHBEARER (RFC 7628) ---- */

/* A saslname of the gs2 header (RFC 5801 5.1): "," and "=" are escaped. */
static void
append_saslname (GString    *out,
                 const char *name)
{
  for (const char *p = name; *p; p++)
    {
      if (*p == ',')
        g_string_append (out, "=2C");
      else if (*p == '=')
        g_string_append (out, "=3D");
      else
        g_string_append_c (out, *p);
    }
}

/* The initial client response, before base64. The caller wipes it. */
static GString *
oauth_initial_response (MpPop3Session    *self,
                        MpPop3AuthMethod  method)
{
  const MpPop3Options *o = self->options;
  GString *raw = g_string_new (NULL);

  if (method == MP_POP3_AUTH_XOAUTH2)
    {
      g_string_append_printf (raw, "user=%s\001auth=Bearer %s\001\001", o->username, o->password);
      return raw;
    }
  /* RFC 7628 3.1: gs2 header, then host and port (of the server as named by the
   * user: what the token's audience is checked against), then the token */
  g_string_append (raw, "n,a=");
  append_saslname (raw, o->username);
  g_string_append_printf (raw, ",\001host=%s\001port=%u\001auth=Bearer %s\001\001",
                          o->host != NULL ? o->host : "",
                          mp_pop3_options_get_effective_port (o), o->password);
  return raw;
}

/* Skips a JSON string at *p (on its opening quote). With @out, the string is
 * decoded into it; escapes that stand for control characters or other code points
 * become '?' (the text only names a status). FALSE when unterminated. */
static gboolean
json_skip_string (const char **p,
                  GString     *out)
{
  const char *s = *p + 1;

  for (; *s != '\0' && *s != '"'; s++)
    {
      char c = *s;

      if (c == '\\')
        {
          s++;
          if (*s == '\0')
            return FALSE;
          c = (*s == '"' || *s == '\\' || *s == '/') ? *s : (*s == 't' ? ' ' : '?');
          if (*s == 'u')
            for (int i = 0; i < 4 && g_ascii_isxdigit (s[1]); i++)
              s++;
        }
      if (out != NULL)
        g_string_append_c (out, c);
    }
  if (*s != '"')
    return FALSE;
  *p = s + 1;
  return TRUE;
}

/* Skips any JSON value at *p; nested objects and arrays by counting brackets
 * outside strings, so depth costs no stack. A number or literal is copied to
 * @out when given. */
static gboolean
json_skip_value (const char **p,
                 GString     *out)
{
  const char *s = *p;
  guint depth = 0;

  if (*s == '"')
    return json_skip_string (p, out);
  if (*s != '{' && *s != '[')
    {
      while (*s != '\0' && strchr (",}] \t\r\n", *s) == NULL)
        {
          if (out != NULL)
            g_string_append_c (out, *s);
          s++;
        }
      if (s == *p)
        return FALSE;   /* no value */
      *p = s;
      return TRUE;
    }
  do
    {
      if (*s == '"')
        {
          if (!json_skip_string (&s, NULL))
            return FALSE;
          continue;
        }
      if (*s == '{' || *s == '[')
        depth++;
      else if (*s == '}' || *s == ']')
        depth--;
      else if (*s == '\0')
        return FALSE;
      s++;
    }
  while (depth > 0);
  *p = s;
  return TRUE;
}

static void
json_skip_space (const char **p)
{
  while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')
    (*p)++;
}

/* The top-level "status" member of the error document a server sends with a
 * refused token (RFC 7628 3.2.2; Google's XOAUTH2 sends HTTP codes there).
 * Only this one string is needed, so a small scanner reads it instead of a JSON
 * library in the engine. NULL when the document is not a JSON object with one. */
static char *
oauth_error_status (const char *doc)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new (NULL);
  const char *p = doc;

  json_skip_space (&p);
  if (*p++ != '{')
    return NULL;
  for (;;)
    {
      gboolean is_status;

      json_skip_space (&p);
      g_string_truncate (key, 0);
      g_string_truncate (value, 0);
      if (*p != '"' || !json_skip_string (&p, key))
        return NULL;
      json_skip_space (&p);
      if (*p++ != ':')
        return NULL;
      json_skip_space (&p);
      is_status = strcmp (key->str, "status") == 0;
      if (!json_skip_value (&p, is_status ? value : NULL))
        return NULL;
      json_skip_space (&p);
      if (is_status)
        return (*p == ',' || *p == '}') ? mp_pop3_sanitize_text (value->str) : NULL;
      if (*p++ != ',')
        return NULL;
    }
}

/* The error document in words, for the message the user sees. */
static char *
oauth_status_words (const char *continuation)
{
  static const struct { const char *status; const char *words; } known[] = {
    { "invalid_token", N_("the token has expired or was revoked") },
    { "401", N_("the token has expired or was revoked") },
    { "insufficient_scope", N_("the token does not grant access to mail") },
    { "403", N_("the token does not grant access to mail") },
    { "invalid_request", N_("the server could not use the login request") },
    { "400", N_("the server could not use the login request") },
  };
  g_autofree guchar *doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;
  gsize len = 0;

  if (continuation != NULL && *continuation != '\0')
    doc = g_base64_decode (continuation, &len);
  if (doc != NULL)
    text = g_strndup ((const char *) doc, len);
  if (text != NULL)
    status = oauth_error_status (text);
  if (status == NULL || *status == '\0')
    return g_strdup (_("the server gave no reason"));
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (status, known[i].status) == 0)
      return g_strdup (_(known[i].words));
  return g_strdup_printf (_("the server answered “%s”"), status);
}

/* After a refused token the server sends its error document as a continuation
 * and waits for the client to end the exchange: OAUTHBEARER with a single ^A
 * (RFC 7628 3.2.3), XOAUTH2 with an empty line (Google's documentation). Then
 * comes the -ERR, reported with the document's status in words. */
static gboolean
oauth_finish_refused (MpPop3Session     *self,
                      MpPop3AuthMethod   method,
                      MpPop3Reply       *reply,
                      GCancellable      *cancellable,
                      GError           **error)
{
  g_autofree char *words = oauth_status_words (reply->text);
  const char *dummy = method == MP_POP3_AUTH_OAUTHBEARER ? "AQ==" : "";

  mp_pop3_reply_clear (reply);
  /* Traced as <redacted> like every client line inside a SASL exchange. */
  if (!mp_pop3_session_command (self, dummy, TRUE, reply, cancellable, error))
    return FALSE;
  if (reply->kind != MP_POP3_LINE_ERR)
    return TRUE;   /* the caller judges anything but -ERR */
  g_set_error (error, MP_POP3_ERROR,
               mp_pop3_resp_code_to_error (reply->text, MP_POP3_ERROR_AUTH),
               _("The server refused the access token: %s"), words);
  return FALSE;
}

static gboolean
run_oauth (MpPop3Session    *self,
           MpPop3AuthMethod  method,
           MpPop3Reply      *reply,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(GString) raw = oauth_initial_response (self, method);
  g_autofree char *enc = b64 (raw->str, raw->len);
  gboolean sent;

  explicit_bzero (raw->str, raw->len);
  sent = sasl_with_initial (self, sasl_name (method), enc, reply, cancellable, error);
  explicit_bzero (enc, strlen (enc));
  if (!sent)
    return FALSE;
  if (reply->kind != MP_POP3_LINE_CONTINUE)
    return TRUE;
  return oauth_finish_refused (self, method, reply, cancellable, error);
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
    case MP_POP3_AUTH_OAUTHBEARER:
      return run_oauth (self, method, reply, cancellable, error);

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
