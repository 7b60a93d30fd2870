/* mp-error-text.c — a sentence for every error code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mp-error.h"
#include "mp-error-text.h"

const char *
mp_error_title (const GError *error)
{
  if (!error)
    return "";
  if (error->domain != MP_ERROR)
    return _("Something went wrong");

  /* No default: the compiler warns when a new code has no sentence. */
  switch ((MpErrorCode) error->code)
    {
    case MP_ERROR_NETWORK:
      return _("Could not reach the mail server");
    case MP_ERROR_TIMEOUT:
      return _("The mail server stopped answering");
    case MP_ERROR_CERTIFICATE:
      return _("The server’s certificate is not trusted");
    case MP_ERROR_AUTH:
      if (mp_error_get_token_refused (error))
        return _("The server did not accept the access token");
      return _("The server did not accept the user name or password");
    case MP_ERROR_NEEDS_PASSWORD:
      return _("No password is stored for this account");
    case MP_ERROR_SERVER_BUSY:
      /* Said by the CLI too, which retries nothing: no promise here. */
      return _("The mailbox is busy right now");
    case MP_ERROR_PROTOCOL:
      return _("The server sent an answer Mailpeek does not understand");
    case MP_ERROR_NOT_DELETED:
      return _("Nothing was deleted");
    case MP_ERROR_INSECURE:
      return _("The connection is not secure enough to send the password");
    case MP_ERROR_CONFIG:
      return _("The account settings are incomplete or invalid");
    case MP_ERROR_GONE:
      return _("The message is no longer on the server");
    case MP_ERROR_CREDENTIALS:
      return _("Could not get the password or token for this account");
    case MP_ERROR_TOO_LARGE:
      return _("The message is too large to keep a copy in the recycle bin");
    }
  return _("Something went wrong");
}

/* The engine words a certificate failure for a reader with no title, as
 * "…not trusted (REASON). SHA-256 fingerprint: …": under our title only the
 * reason in parentheses says something new.  Without one, the whole message. */
static char *
certificate_reason (const char *message)
{
  const char *open = strchr (message, '(');
  const char *close = open ? strchr (open, ')') : NULL;

  if (open && close && close > open + 1 && !memchr (open, ':', close - open))
    return g_strndup (open + 1, close - open - 1);
  return g_strdup (message);
}

char *
mp_error_dup_details (const GError *error)
{
  const char *fingerprint;
  g_autofree char *reason = NULL;
  g_autofree char *grouped = NULL;

  if (!error)
    return g_strdup ("");
  fingerprint = mp_error_get_fingerprint (error);
  if (!g_error_matches (error, MP_ERROR, MP_ERROR_CERTIFICATE) || !fingerprint)
    return g_strdup (error->message);

  reason = certificate_reason (error->message);
  grouped = mp_format_fingerprint (fingerprint);
  if (strstr (reason, fingerprint))
    return g_steal_pointer (&reason);
  /* Translators: the first %s is why the certificate is not trusted (from the
   * system, e.g. "self-signed certificate"), the second its SHA-256 fingerprint */
  return g_strdup_printf (_("%s\nSHA-256 fingerprint: %s"), reason, grouped);
}

char *
mp_format_fingerprint (const char *hex)
{
  GString *out;

  if (!hex)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = hex; *p; p++)
    {
      if (!g_ascii_isxdigit (*p))
        continue;
      if (out->len > 0 && out->len % 3 == 2)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (*p));
    }
  return g_string_free (out, FALSE);
}
