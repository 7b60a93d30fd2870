/* mp-error.c — MP_ERROR domain and the engine → core mapping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-error.h"

#include <string.h>
#include <gio/gio.h>

#include "mp-pop3-error.h"

/* Extended error data: survives g_error_copy (), so a job can hand the error to the
 * main thread and the scheduler/UI still see the delay and the fingerprint. */
typedef struct {
  guint    retry_after;
  char    *fingerprint;   /* owned */
  gboolean token;         /* AUTH: what was refused was an OAuth2 access token */
} MpErrorPrivate;

static void
mp_error_private_init (MpErrorPrivate *priv)
{
  priv->retry_after = 0;
  priv->fingerprint = NULL;
  priv->token = FALSE;
}

static void
mp_error_private_copy (const MpErrorPrivate *src,
                       MpErrorPrivate       *dest)
{
  dest->retry_after = src->retry_after;
  dest->fingerprint = g_strdup (src->fingerprint);
  dest->token = src->token;
}

static void
mp_error_private_clear (MpErrorPrivate *priv)
{
  g_clear_pointer (&priv->fingerprint, g_free);
}

G_DEFINE_EXTENDED_ERROR (MpError, mp_error)

static MpErrorCode
map_pop3_code (int code)
{
  switch ((MpPop3ErrorCode) code)
    {
    case MP_POP3_ERROR_CONNECT:
    case MP_POP3_ERROR_TLS:
    case MP_POP3_ERROR_CLOSED:
      return MP_ERROR_NETWORK;
    case MP_POP3_ERROR_TIMEOUT:
      return MP_ERROR_TIMEOUT;
    case MP_POP3_ERROR_CERTIFICATE:
      return MP_ERROR_CERTIFICATE;
    case MP_POP3_ERROR_PLAINTEXT_REFUSED:
    case MP_POP3_ERROR_STLS_UNAVAILABLE:
      return MP_ERROR_INSECURE;
    case MP_POP3_ERROR_AUTH:
      return MP_ERROR_AUTH;
    case MP_POP3_ERROR_AUTH_UNSUPPORTED:
      /* The chosen mechanism is a setting the user must change. */
      return MP_ERROR_CONFIG;
    case MP_POP3_ERROR_IN_USE:
    case MP_POP3_ERROR_LOGIN_DELAY:
    case MP_POP3_ERROR_SYS_TEMP:
      return MP_ERROR_SERVER_BUSY;
    case MP_POP3_ERROR_SYS_PERM:
    case MP_POP3_ERROR_SERVER:
    case MP_POP3_ERROR_PROTOCOL:
    case MP_POP3_ERROR_NO_SUCH_MESSAGE:
    case MP_POP3_ERROR_UNSUPPORTED:
    default:
      return MP_ERROR_PROTOCOL;
    }
}

static MpErrorCode
map_foreign (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    return error->code == G_IO_ERROR_TIMED_OUT ? MP_ERROR_TIMEOUT : MP_ERROR_NETWORK;
  if (error->domain == G_TLS_ERROR)
    return error->code == G_TLS_ERROR_BAD_CERTIFICATE ? MP_ERROR_CERTIFICATE
                                                      : MP_ERROR_NETWORK;
  if (error->domain == G_KEY_FILE_ERROR || error->domain == G_FILE_ERROR)
    return MP_ERROR_CONFIG;
  return MP_ERROR_NETWORK;
}

/* The engine puts the fingerprint into a CERTIFICATE message; pick the first run of
 * 64 hex digits (colons allowed between pairs) so the UI has it even when the job
 * could not ask the session. */
static char *
find_fingerprint (const char *message)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  for (const char *p = message; p != NULL && *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        {
          g_string_append_c (hex, g_ascii_tolower (*p));
          if (hex->len == 64 && !g_ascii_isxdigit (p[1]))
            return g_strdup (hex->str);
        }
      else if (*p != ':' || hex->len == 0)
        g_string_truncate (hex, 0);
    }
  return NULL;
}

GError *
mp_error_from_pop3 (const GError *error)
{
  GError *out;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == MP_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == MP_POP3_ERROR)
    out = g_error_new_literal (MP_ERROR, map_pop3_code (error->code), error->message);
  else
    out = g_error_new_literal (MP_ERROR, map_foreign (error), error->message);

  if (out->code == MP_ERROR_CERTIFICATE)
    {
      g_autofree char *fp = find_fingerprint (error->message);
      mp_error_set_fingerprint (out, fp);
    }
  return out;
}

void
mp_error_convert (GError **error)
{
  GError *mapped;

  if (error == NULL || *error == NULL)
    return;
  mapped = mp_error_from_pop3 (*error);
  g_error_free (*error);
  *error = mapped;
}

gboolean
mp_error_is_retryable (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != MP_ERROR)
    {
      g_autoptr(GError) mapped = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return FALSE;
      mapped = mp_error_from_pop3 (error);
      return mp_error_is_retryable (mapped);
    }

  return error->code == MP_ERROR_NETWORK ||
         error->code == MP_ERROR_TIMEOUT ||
         error->code == MP_ERROR_SERVER_BUSY;
}

guint
mp_error_get_retry_after (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);
  if (error->domain != MP_ERROR)
    return 0;
  return mp_error_get_private (error)->retry_after;
}

void
mp_error_set_retry_after (GError *error,
                          guint   seconds)
{
  g_return_if_fail (error != NULL && error->domain == MP_ERROR);
  mp_error_get_private (error)->retry_after = seconds;
}

const char *
mp_error_get_fingerprint (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  if (error->domain != MP_ERROR)
    return NULL;
  return mp_error_get_private (error)->fingerprint;
}

void
mp_error_set_fingerprint (GError     *error,
                          const char *sha256_hex)
{
  MpErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == MP_ERROR);
  priv = mp_error_get_private (error);
  g_free (priv->fingerprint);
  priv->fingerprint = g_strdup (sha256_hex);
}

gboolean
mp_error_get_token_refused (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);
  if (!g_error_matches (error, MP_ERROR, MP_ERROR_AUTH))
    return FALSE;
  return mp_error_get_private (error)->token;
}

void
mp_error_set_token_refused (GError *error)
{
  g_return_if_fail (g_error_matches (error, MP_ERROR, MP_ERROR_AUTH));
  mp_error_get_private (error)->token = TRUE;
}
