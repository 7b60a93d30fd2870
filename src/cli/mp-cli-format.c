/* mp-cli-format.c — text and JSON output of mailpeek-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-cli-format.h"

#include <string.h>

void
mp_cli_append_field (GString    *out,
                     const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return;
  /* Headers come from the network: never trust them to be UTF-8. */
  valid = g_utf8_make_valid (text, -1);
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      g_string_append_c (out, (c < 0x20 || c == 0x7f) ? ' ' : (char) c);
    }
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

char *
mp_cli_format_date (GDateTime *date)
{
  g_autoptr(GDateTime) utc = NULL;

  if (date == NULL)
    return NULL;
  utc = g_date_time_to_utc (date);
  return utc ? g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

void
mp_cli_append_row_text (GString        *out,
                        const MpCliRow *row)
{
  g_autofree char *date = mp_cli_format_date (row->date);

  g_string_append_printf (out, "%u\t", row->number);
  mp_cli_append_field (out, row->uidl);
  g_string_append_printf (out, "\t%" G_GUINT64_FORMAT "\t", row->size);
  mp_cli_append_field (out, date);
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
  g_string_append_printf (out, ", \"attachments\": %s}", row->attachments ? "true" : "false");
}

GBytes *
mp_cli_crlf_to_lf (GBytes *data)
{
  gsize len = 0;
  const char *src = g_bytes_get_data (data, &len);
  char *dst = g_malloc (len + 1);
  gsize j = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n')
        continue;
      dst[j++] = src[i];
    }
  return g_bytes_new_take (dst, j);
}
