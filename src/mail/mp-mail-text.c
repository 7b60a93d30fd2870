/* mp-mail-text.c — charset conversion to UTF-8 and cleaning of header text for
 * display (moved as is from mp-mail-util.c, which is about parsing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-mail-private.h"

#include <errno.h>
#include <string.h>

static const char *
iconv_name_for (const char *charset)
{
  const char *name = g_mime_charset_iconv_name (charset);

  /* Mail labelled GB2312 routinely uses GBK/GB18030 characters; GB18030 is a superset. */
  if (name && (g_ascii_strcasecmp (name, "GB2312") == 0
               || g_ascii_strcasecmp (name, "GBK") == 0
               || g_ascii_strcasecmp (name, "EUC-CN") == 0))
    return "GB18030";
  /* Likewise windows-1252 for ISO-8859-1 (C1 controls are printable there) — but
   * 1252 leaves five bytes undefined, so keep Latin-1 which accepts every byte. */
  return name;
}

static void
string_append_replacement (GString *out)
{
  g_string_append (out, "\xef\xbf\xbd");
}

/* Converts data in charset to UTF-8 without ever failing: invalid or truncated
 * sequences become U+FFFD, an unknown charset falls back to UTF-8 / Latin-1. */
char *
mp_mail_convert_to_utf8 (const char *data,
                         gsize       len,
                         const char *charset)
{
  g_autoptr(GString) out = NULL;
  const char *iname = NULL;
  GIConv cd = (GIConv) -1;
  char buf[4096];
  char *in = (char *) data;
  gsize inleft = len;

  if (data == NULL || len == 0)
    return g_strdup ("");

  if (charset != NULL && *charset != '\0')
    iname = iconv_name_for (charset);
  if (iname == NULL || g_ascii_strcasecmp (iname, "UTF-8") == 0
      || g_ascii_strcasecmp (iname, "US-ASCII") == 0 || g_ascii_strcasecmp (iname, "ASCII") == 0)
    {
      /* Declared UTF-8 but broken: keep it, bad bytes become U+FFFD below. */
      if (g_utf8_validate_len (data, len, NULL)
          || (iname != NULL && g_ascii_strcasecmp (iname, "UTF-8") == 0))
        {
          out = g_string_new_len (data, len);
          goto done;
        }
      iname = "windows-1252";   /* undeclared (or "ASCII") 8-bit text: the usual culprit */
    }

  cd = g_iconv_open ("UTF-8", iname);
  if (cd == (GIConv) -1 && g_ascii_strcasecmp (iname, "windows-1252") == 0)
    cd = g_iconv_open ("UTF-8", "ISO-8859-1");
  if (cd == (GIConv) -1)
    {
      out = g_string_new_len (data, len);   /* unknown charset: keep what is valid */
      goto done;
    }

  out = g_string_sized_new (len + len / 2);
  while (inleft > 0)
    {
      char *outp = buf;
      gsize outleft = sizeof buf;
      gsize r = g_iconv (cd, &in, &inleft, &outp, &outleft);
      int err = errno;

      g_string_append_len (out, buf, outp - buf);
      if (r != (gsize) -1)
        break;
      if (err == E2BIG)
        continue;
      if (err == EILSEQ)
        {
          string_append_replacement (out);
          in++;
          inleft--;
          g_iconv (cd, NULL, NULL, NULL, NULL);
          continue;
        }
      /* EINVAL: incomplete sequence at the end (truncated input), or anything else */
      string_append_replacement (out);
      break;
    }
  {
    char *outp = buf;
    gsize outleft = sizeof buf;

    g_iconv (cd, NULL, NULL, &outp, &outleft);   /* flush a stateful encoding */
    g_string_append_len (out, buf, outp - buf);
  }
  g_iconv_close (cd);

done:
  /* Embedded NULs would silently cut a C string short. */
  for (gsize i = 0; i < out->len; i++)
    if (out->str[i] == '\0')
      out->str[i] = ' ';
  return g_utf8_make_valid (out->str, out->len);
}

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
         || c == 0xfeff || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* The common case, already what mp_mail_clean_field() would make of it:
 * printable ASCII, single spaces between words, none at either end, short. */
static gboolean
is_clean_ascii (const char *text)
{
  gsize i;

  if (text[0] == ' ')
    return FALSE;
  for (i = 0; text[i] != '\0'; i++)
    {
      guchar c = text[i];

      if (c < 0x20 || c >= 0x7f || (c == ' ' && (text[i + 1] == ' ' || text[i + 1] == '\0')))
        return FALSE;
    }
  return i <= MP_MAIL_MAX_FIELD_CHARS;
}

/* One-line header field: valid UTF-8, no control characters, whitespace runs
 * collapsed, trimmed, length capped. Never returns NULL. */
char *
mp_mail_clean_field (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;
  gboolean space = FALSE;
  guint chars = 0;

  if (text == NULL)
    return g_strdup ("");
  if (is_clean_ascii (text))
    return g_strdup (text);

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_control (c) || g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (chars >= MP_MAIL_MAX_FIELD_CHARS)
        {
          g_string_append (out, "\xe2\x80\xa6");
          break;
        }
      if (space)
        {
          g_string_append_c (out, ' ');
          chars++;
          space = FALSE;
        }
      g_string_append_unichar (out, c);
      chars++;
    }
  return g_string_free (out, FALSE);
}

char *
mp_mail_format_from (const char *name,
                     const char *address)
{
  gboolean has_name = name != NULL && *name != '\0';
  gboolean has_addr = address != NULL && *address != '\0';

  if (has_name && has_addr && g_strcmp0 (name, address) != 0)
    return g_strdup_printf ("%s <%s>", name, address);
  if (has_name)
    return g_strdup (name);
  return g_strdup (has_addr ? address : "");
}
