/* mp-pop3-caps.c — CAPA lists (RFC 2449), response codes, greeting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-pop3-private.h"

char **
mp_pop3_caps_parse (const char *body,
                    gsize       len)
{
  g_autoptr(GPtrArray) caps = g_ptr_array_new_with_free_func (g_free);
  const char *p = body;
  const char *end = len > 0 ? body + len : body;   /* body may be NULL when empty */

  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      const char *next = eol != NULL ? eol + 1 : end;
      g_autofree char *item = g_strndup (p, (gsize) ((eol != NULL ? eol : end) - p));

      g_strstrip (item);
      if (*item != '\0')
        {
          /* Capability names are case-insensitive; normalize once here. */
          char *upper = g_ascii_strup (item, -1);
          g_ptr_array_add (caps, upper);
        }
      p = next;
    }
  g_ptr_array_add (caps, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&caps), FALSE);
}

static const char *
caps_find (const char * const *caps,
           const char         *name)
{
  gsize name_len = strlen (name);

  for (guint i = 0; caps != NULL && caps[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (caps[i], name, name_len) == 0 &&
          (caps[i][name_len] == '\0' || caps[i][name_len] == ' '))
        return caps[i];
    }
  return NULL;
}

gboolean
mp_pop3_caps_has (const char * const *caps,
                  const char         *name)
{
  return caps_find (caps, name) != NULL;
}

gboolean
mp_pop3_caps_has_sasl (const char * const *caps,
                       const char         *mech)
{
  const char *line = caps_find (caps, "SASL");
  g_auto(GStrv) words = NULL;

  if (line == NULL)
    return FALSE;
  words = g_strsplit (line, " ", -1);
  for (guint i = 1; words[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (words[i], mech) == 0)
        return TRUE;
    }
  return FALSE;
}

/* RFC 2449 8 and RFC 3206: codes are hierarchical ("SYS/TEMP/DISK" is a
 * SYS/TEMP), compared case-insensitively. */
static gboolean
code_matches (const char *code,
              gsize       code_len,
              const char *want)
{
  gsize want_len = strlen (want);

  return code_len >= want_len &&
         g_ascii_strncasecmp (code, want, want_len) == 0 &&
         (code_len == want_len || code[want_len] == '/');
}

MpPop3ErrorCode
mp_pop3_resp_code_to_error (const char      *text,
                            MpPop3ErrorCode  fallback)
{
  const char *close;
  gsize code_len;

  if (text == NULL || text[0] != '[')
    return fallback;
  close = strchr (text, ']');
  if (close == NULL)
    return fallback;
  text++;
  code_len = (gsize) (close - text);

  if (code_matches (text, code_len, "IN-USE"))
    return MP_POP3_ERROR_IN_USE;
  if (code_matches (text, code_len, "LOGIN-DELAY"))
    return MP_POP3_ERROR_LOGIN_DELAY;
  if (code_matches (text, code_len, "SYS/TEMP"))
    return MP_POP3_ERROR_SYS_TEMP;
  if (code_matches (text, code_len, "SYS/PERM"))
    return MP_POP3_ERROR_SYS_PERM;
  if (code_matches (text, code_len, "AUTH"))
    return MP_POP3_ERROR_AUTH;
  return fallback;
}

char *
mp_pop3_greeting_apop_timestamp (const char *greeting)
{
  const char *open;
  const char *close;

  if (greeting == NULL)
    return NULL;
  open = strchr (greeting, '<');
  if (open == NULL)
    return NULL;
  close = strchr (open, '>');
  /* RFC 1939 7: msg-id syntax, which has an '@'. */
  if (close == NULL || memchr (open, '@', (gsize) (close - open)) == NULL)
    return NULL;
  for (const char *p = open; p <= close; p++)
    {
      if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
        return NULL;
    }
  return g_strndup (open, (gsize) (close - open + 1));
}

char *
mp_pop3_sanitize_text (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p;

  if (text == NULL)
    return g_string_free (out, FALSE);

  for (p = text; *p != '\0' && out->len < 200; )
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_c (out, '?');
          p++;
          continue;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}
