/* mp-pop3-trace.c — redaction of secrets in protocol traces and server text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-pop3-private.h"

#define REDACTED "<redacted>"

/* Keeps the first @keep_words words of @line and replaces the rest. */
static char *
keep_words (const char *line,
            guint       keep)
{
  const char *p = line;

  for (guint i = 0; i < keep; i++)
    {
      const char *space = strchr (p, ' ');

      if (space == NULL)
        return g_strdup (line);   /* nothing after the kept words */
      p = space + 1;
    }
  return g_strdup_printf ("%.*s" REDACTED, (int) (p - line), line);
}

char *
mp_pop3_trace_redact_sent (const char *line,
                           gboolean    secret)
{
  if (secret)
    return g_strdup (REDACTED);
  if (g_ascii_strncasecmp (line, "PASS ", 5) == 0)
    return keep_words (line, 1);
  /* APOP user digest: the digest is replayable within the session only, but
   * there is no reason to log it. */
  if (g_ascii_strncasecmp (line, "APOP ", 5) == 0)
    return keep_words (line, 2);
  /* AUTH MECH initial-response (PLAIN carries the password, XOAUTH2 and
   * OAUTHBEARER the token) */
  if (g_ascii_strncasecmp (line, "AUTH ", 5) == 0)
    return keep_words (line, 2);
  return g_strdup (line);
}

char *
mp_pop3_trace_redact_received (const char *line,
                               gboolean    in_sasl)
{
  /* Continuations carry challenges (CRAM-MD5) or, for XOAUTH2 and OAUTHBEARER,
   * an error document naming the account and scope; neither belongs in a log
   * (the login error says the document's status in words). */
  if (in_sasl && line[0] == '+' && (line[1] == ' ' || line[1] == '\0') &&
      line[1] != '\0')
    return g_strdup ("+ " REDACTED);
  return g_strdup (line);
}

GString *
mp_pop3_redact_secret (const char *text,
                       gsize       len,
                       gsize       from,
                       const char *secret)
{
  gsize secret_len = secret != NULL ? strlen (secret) : 0;
  const char *end = text + len;
  const char *p = text + MIN (from, len);
  const char *hit;
  GString *out;

  if (secret_len == 0 || (hit = memmem (p, (gsize) (end - p), secret, secret_len)) == NULL)
    return NULL;
  out = g_string_new_len (text, p - text);
  do
    {
      g_string_append_len (out, p, hit - p);
      g_string_append (out, REDACTED);
      p = hit + secret_len;
    }
  while ((hit = memmem (p, (gsize) (end - p), secret, secret_len)) != NULL);
  g_string_append_len (out, p, end - p);
  return out;
}
