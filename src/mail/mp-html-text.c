/* mp-html-text.c — reduce HTML mail bodies to readable plain text
 *
 * Not an HTML parser: a single linear scan that drops markup, script and style,
 * turns block elements into line breaks and decodes entities. Work is linear in
 * the input (every search moves forward), whatever the input is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-html-text.h"
#include "mp-mail-private.h"

#include <string.h>

/* First pass marks hard line breaks with this byte; soft whitespace stays as is. */
#define HARD_BREAK '\x01'

typedef struct {
  const char *name;
  gunichar    c;
} Entity;

static const Entity entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
  { "nbsp", ' ' }, { "ensp", ' ' }, { "emsp", ' ' }, { "thinsp", ' ' },
  { "shy", 0 }, { "zwnj", 0 }, { "zwj", 0 }, { "lrm", 0 }, { "rlm", 0 },
  { "copy", 0xa9 }, { "reg", 0xae }, { "trade", 0x2122 }, { "euro", 0x20ac },
  { "pound", 0xa3 }, { "yen", 0xa5 }, { "cent", 0xa2 }, { "sect", 0xa7 },
  { "deg", 0xb0 }, { "plusmn", 0xb1 }, { "middot", 0xb7 }, { "para", 0xb6 },
  { "laquo", 0xab }, { "raquo", 0xbb }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
  { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "bdquo", 0x201e },
  { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 }, { "bull", 0x2022 },
  { "times", 0xd7 }, { "divide", 0xf7 }, { "iexcl", 0xa1 }, { "iquest", 0xbf },
  { "auml", 0xe4 }, { "ouml", 0xf6 }, { "uuml", 0xfc }, { "Auml", 0xc4 },
  { "Ouml", 0xd6 }, { "Uuml", 0xdc }, { "szlig", 0xdf }, { "eacute", 0xe9 },
  { "egrave", 0xe8 }, { "ecirc", 0xea }, { "euml", 0xeb }, { "Eacute", 0xc9 },
  { "aacute", 0xe1 }, { "agrave", 0xe0 }, { "acirc", 0xe2 }, { "atilde", 0xe3 },
  { "aring", 0xe5 }, { "aelig", 0xe6 }, { "ccedil", 0xe7 }, { "Ccedil", 0xc7 },
  { "iacute", 0xed }, { "igrave", 0xec }, { "icirc", 0xee }, { "iuml", 0xef },
  { "ntilde", 0xf1 }, { "Ntilde", 0xd1 }, { "oacute", 0xf3 }, { "ograve", 0xf2 },
  { "ocirc", 0xf4 }, { "otilde", 0xf5 }, { "oslash", 0xf8 }, { "uacute", 0xfa },
  { "ugrave", 0xf9 }, { "ucirc", 0xfb }, { "yacute", 0xfd }, { "yuml", 0xff },
  { "Agrave", 0xc0 }, { "Aacute", 0xc1 }, { "Aring", 0xc5 }, { "Oslash", 0xd8 },
};

/* Elements whose content is never shown. */
static const char *const hidden_elements[] = { "script", "style", "title", "noscript",
                                               "template", "svg", "object", NULL };

/* Elements that start a paragraph (blank line) or a new line. */
static const char *const paragraph_elements[] = {
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote",
  "pre", "hr", "address", "figure", NULL };
static const char *const line_elements[] = {
  "br", "div", "tr", "section", "article", "header", "footer", "nav", "aside", "dt",
  "dd", "form", "center", "caption", "fieldset", "body", "main", "html", NULL };

static gboolean
in_list (const char *name, const char *const *list)
{
  for (guint i = 0; list[i]; i++)
    if (g_ascii_strcasecmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static const char *
find_ci (const char *p, const char *end, const char *needle)
{
  gsize n = strlen (needle);

  for (; (gsize) (end - p) >= n; p++)
    if (g_ascii_strncasecmp (p, needle, n) == 0)
      return p;
  return NULL;
}

static void
append_unichar (GString *out, gunichar c)
{
  if (c == 0)
    return;
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
    c = ' ';
  else if (c == 0xa0)
    c = ' ';
  else if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    c = 0xfffd;
  g_string_append_unichar (out, c);
}

/* p points at '&'; returns the position after the entity, or p + 1 when it is
 * a literal ampersand. */
static const char *
decode_entity (const char *p, const char *end, GString *out)
{
  const char *q = p + 1;
  char name[16];
  gsize n = 0;

  if (q < end && *q == '#')
    {
      gunichar c = 0;
      guint digits = 0;
      gboolean hex = FALSE;

      q++;
      if (q < end && (*q == 'x' || *q == 'X'))
        {
          hex = TRUE;
          q++;
        }
      while (q < end && digits < 8 && (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q)))
        {
          c = c * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          q++;
          digits++;
        }
      if (digits == 0)
        {
          g_string_append_c (out, '&');
          return p + 1;
        }
      while (q < end && g_ascii_isxdigit (*q))   /* absurdly long number */
        {
          c = 0x110000;
          q++;
        }
      if (q < end && *q == ';')
        q++;
      append_unichar (out, c == 0 ? 0xfffd : c);
      return q;
    }

  while (q < end && n < sizeof name - 1 && g_ascii_isalnum (*q))
    name[n++] = *q++;
  name[n] = '\0';
  if (n > 0)
    for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
      if (strcmp (name, entities[i].name) == 0)
        {
          if (q < end && *q == ';')
            q++;
          append_unichar (out, entities[i].c);
          return q;
        }
  g_string_append_c (out, '&');
  return p + 1;
}

/* Skips a tag's attributes; '>' inside quotes does not end the tag.  Returns the
 * '>' or @end. */
static const char *
skip_attributes (const char *q, const char *end)
{
  char quote = 0;

  for (; q < end; q++)
    {
      if (quote)
        {
          if (*q == quote)
            quote = 0;
        }
      else if (*q == '"' || *q == '\'')
        quote = *q;
      else if (*q == '>')
        break;
    }
  return q;
}

/* What the tag @name stands for in the text: line breaks, a bullet, a space. */
static void
append_tag_text (const char *name, gboolean closing, GString *out)
{
  if (in_list (name, paragraph_elements))
    {
      g_string_append_c (out, HARD_BREAK);
      g_string_append_c (out, HARD_BREAK);
    }
  else if (in_list (name, line_elements))
    g_string_append_c (out, HARD_BREAK);
  else if (g_ascii_strcasecmp (name, "li") == 0 && !closing)
    g_string_append (out, "\x01\xe2\x80\xa2 ");   /* new line and a bullet */
  else if (g_ascii_strcasecmp (name, "td") == 0 || g_ascii_strcasecmp (name, "th") == 0)
    g_string_append_c (out, ' ');
}

/* p points at '<'. Returns where scanning continues. */
static const char *
handle_tag (const char *p, const char *end, GString *out)
{
  const char *q = p + 1;
  const char *name_start;
  char name[16];
  gsize n = 0;
  gboolean closing = FALSE;

  if (end - q >= 3 && strncmp (q, "!--", 3) == 0)
    {
      const char *e = find_ci (q + 3, end, "-->");
      return e ? e + 3 : end;
    }
  if (q < end && (*q == '!' || *q == '?'))
    {
      const char *e = memchr (q, '>', end - q);
      return e ? e + 1 : end;
    }
  if (q < end && *q == '/')
    {
      closing = TRUE;
      q++;
    }
  if (q >= end || !g_ascii_isalpha (*q))
    {
      /* "a < b": not a tag */
      g_string_append_c (out, '<');
      return p + 1;
    }
  name_start = q;
  while (q < end && (g_ascii_isalnum (*q) || *q == '-' || *q == ':'))
    {
      if (n < sizeof name - 1)
        name[n++] = *q;
      q++;
    }
  name[n] = '\0';
  if (q - name_start >= (gssize) sizeof name)
    name[0] = '\0';   /* too long to be one we know */

  q = skip_attributes (q, end);
  if (q >= end)
    return end;   /* truncated inside a tag */
  q++;

  if (!closing && in_list (name, hidden_elements) && q[-2] != '/')
    {
      char close[24];
      const char *e;

      g_snprintf (close, sizeof close, "</%s", name);
      e = find_ci (q, end, close);
      if (e == NULL)
        return end;
      e = memchr (e, '>', end - e);
      return e ? e + 1 : end;
    }

  append_tag_text (name, closing, out);
  return q;
}

/* Second pass: collapse soft whitespace, at most one blank line, trim. */
static char *
normalize (const GString *raw)
{
  GString *out = g_string_sized_new (raw->len);
  gboolean space = FALSE;
  guint breaks = 0;

  for (gsize i = 0; i < raw->len; i++)
    {
      char c = raw->str[i];

      if (c == HARD_BREAK)
        {
          breaks++;
          space = FALSE;
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        {
          space = TRUE;
          continue;
        }
      if (out->len > 0)
        {
          if (breaks > 0)
            g_string_append_len (out, "\n\n", MIN (breaks, 2));
          else if (space)
            g_string_append_c (out, ' ');
        }
      breaks = 0;
      space = FALSE;
      g_string_append_c (out, c);
      if (out->len >= MP_MAIL_MAX_TEXT_BYTES)
        break;
    }
  {
    char *valid = g_utf8_make_valid (out->str, out->len);
    g_string_free (out, TRUE);
    return valid;
  }
}

/* html is expected in UTF-8 (anything invalid is replaced); never returns NULL. */
char *
mp_html_to_text (const char *html,
                 gssize      len)
{
  g_autoptr(GString) raw = NULL;
  const char *p, *end;

  if (html == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strlen (html);

  raw = g_string_sized_new (len);
  p = html;
  end = html + len;
  while (p < end && raw->len < (gsize) MP_MAIL_MAX_TEXT_BYTES * 2)
    {
      if (*p == '<')
        p = handle_tag (p, end, raw);
      else if (*p == '&')
        p = decode_entity (p, end, raw);
      else
        {
          char c = *p++;
          g_string_append_c (raw, (c == HARD_BREAK || c == '\0') ? ' ' : c);
        }
    }
  return normalize (raw);
}
