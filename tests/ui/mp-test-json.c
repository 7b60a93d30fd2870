/* mp-test-json.c — see mp-test-json.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-test-json.h"

void
mp_test_json_string (GString    *s,
                     const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text ? text : ""; *p; p++)
    {
      guchar c = (guchar) *p;
      switch (c)
        {
        case '"': g_string_append (s, "\\\""); break;
        case '\\': g_string_append (s, "\\\\"); break;
        case '\n': g_string_append (s, "\\n"); break;
        case '\r': g_string_append (s, "\\r"); break;
        case '\t': g_string_append (s, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (s, "\\u%04x", c);
          else
            g_string_append_c (s, (char) c);
        }
    }
  g_string_append_c (s, '"');
}

GString *
mp_test_json_begin (const char *cmd)
{
  GString *s = g_string_new ("{\"cmd\":");
  mp_test_json_string (s, cmd);
  return s;
}

void
mp_test_json_add_str (GString    *s,
                      const char *key,
                      const char *value)
{
  g_string_append_printf (s, ",\"%s\":", key);
  mp_test_json_string (s, value);
}

void
mp_test_json_add_int (GString    *s,
                      const char *key,
                      gint64      value)
{
  g_string_append_printf (s, ",\"%s\":%" G_GINT64_FORMAT, key, value);
}

void
mp_test_json_add_bool (GString    *s,
                       const char *key,
                       gboolean    value)
{
  g_string_append_printf (s, ",\"%s\":%s", key, value ? "true" : "false");
}
