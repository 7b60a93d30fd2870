/* mp-cli-format.c — text and JSON output of mailpeek-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-cli-format.h"

#include <string.h>

/* Terminal control characters: C0, DEL and C1 (ESC or CSI in a subject must not
 * be able to drive the terminal of the person reading the list).  The length of
 * the one at @p, in valid UTF-8 (0 when there is none): C0 and DEL are one byte,
 * C1 (U+0080..U+009F) two. */
static gsize
control_length (const char *p)
{
  guchar b = (guchar) p[0];

  if (b < 0x20 || b == 0x7f)
    return 1;
  if (b == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f)
    return 2;
  return 0;
}

static void
append_filtered (GString    *out,
                 const char *text,
                 gboolean    keep_lines)
{
  g_autofree char *valid = NULL;
  const char *run;
  const char *p;

  if (text == NULL)
    return;
  /* Text comes from the network: never trust it to be UTF-8. */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  /* Byte runs with no control character in them go out as they are (a row
   * each: appending character by character showed in list's profile). */
  for (run = p = text; *p != '\0';)
    {
      gsize len = control_length (p);

      if (len == 0)
        {
          p++;
          continue;
        }
      g_string_append_len (out, run, p - run);
      if (keep_lines && (*p == '\n' || *p == '\t'))
        g_string_append_c (out, *p);
      else if (!(keep_lines && *p == '\r'))
        g_string_append_c (out, ' ');
      p += len;
      run = p;
    }
  g_string_append_len (out, run, p - run);
}

void
mp_cli_append_field (GString    *out,
                     const char *text)
{
  append_filtered (out, text, FALSE);
}

void
mp_cli_append_text (GString    *out,
                    const char *text)
{
  append_filtered (out, text, TRUE);
}

void
mp_cli_append_json_string (GString    *out,
                           const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  valid = g_utf8_make_valid (text, -1);
  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

/* Appends @value zero-padded to @width digits (a row each: printf's format
 * interpreter showed in list's profile). */
static void
append_decimal (GString *out,
                guint64  value,
                int      width)
{
  char digits[24];
  int n = 0;

  do
    digits[n++] = (char) ('0' + value % 10);
  while ((value /= 10) > 0);
  while (n < width)
    digits[n++] = '0';
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

/* "%d-%02d-%02dT%02d:%02d:%02dZ" of @date in UTC; nothing for NULL. */
static void
append_date (GString   *out,
             GDateTime *date)
{
  g_autoptr(GDateTime) utc = date != NULL ? g_date_time_to_utc (date) : NULL;
  int year, month, day;

  if (utc == NULL)
    return;
  g_date_time_get_ymd (utc, &year, &month, &day);
  append_decimal (out, (guint64) year, 1);
  g_string_append_c (out, '-');
  append_decimal (out, (guint64) month, 2);
  g_string_append_c (out, '-');
  append_decimal (out, (guint64) day, 2);
  g_string_append_c (out, 'T');
  append_decimal (out, (guint64) g_date_time_get_hour (utc), 2);
  g_string_append_c (out, ':');
  append_decimal (out, (guint64) g_date_time_get_minute (utc), 2);
  g_string_append_c (out, ':');
  append_decimal (out, (guint64) g_date_time_get_second (utc), 2);
  g_string_append_c (out, 'Z');
}

char *
mp_cli_format_date (GDateTime *date)
{
  GString *out;

  if (date == NULL)
    return NULL;
  out = g_string_sized_new (24);
  append_date (out, date);
  return g_string_free (out, out->len == 0);   /* NULL when nothing was written */
}

void
mp_cli_append_row_text (GString        *out,
                        const MpCliRow *row)
{
  append_decimal (out, row->number, 1);
  g_string_append_c (out, '\t');
  mp_cli_append_field (out, row->uidl);
  g_string_append_c (out, '\t');
  append_decimal (out, row->size, 1);
  g_string_append_c (out, '\t');
  append_date (out, row->date);   /* no date: an empty field, as NULL gives */
  g_string_append_c (out, '\t');
  mp_cli_append_field (out, row->from);
  g_string_append_c (out, '\t');
  mp_cli_append_field (out, row->subject);
  g_string_append_c (out, '\n');
}

void
mp_cli_append_row_json (GString        *out,
                        const MpCliRow *row)
{
  g_autofree char *date = mp_cli_format_date (row->date);

  g_string_append_printf (out, "{\"num\": %u, \"uidl\": ", row->number);
  mp_cli_append_json_string (out, row->uidl);
  g_string_append_printf (out, ", \"size\": %" G_GUINT64_FORMAT ", \"date\": ", row->size);
  mp_cli_append_json_string (out, date);
  g_string_append (out, ", \"from\": ");
  mp_cli_append_json_string (out, row->from);
  g_string_append (out, ", \"subject\": ");
  mp_cli_append_json_string (out, row->subject);
  g_string_append_printf (out, ", \"attachments\": %s, \"headers_truncated\": %s}",
                          row->attachments ? "true" : "false",
                          row->headers_truncated ? "true" : "false");
}
