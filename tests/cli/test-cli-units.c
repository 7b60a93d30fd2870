/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Unit tests of mailpeek-cli's output formatting and state file.
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp-cli-format.h"
#include "mp-cli-state.h"
#include "mp-test-util.h"

static void
test_field_sanitised (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  mp_cli_append_field (out, "a\tb\r\nc\x7f" "d \xff" "e");
  /* Controls become spaces; the invalid byte becomes U+FFFD: one line, one field. */
  g_assert_cmpstr (out->str, ==, "a b  c d \xef\xbf\xbd" "e");
  g_assert_null (strchr (out->str, '\t'));
}

static void
test_json_string (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  mp_cli_append_json_string (out, "q\"b\\n\n\x01 é");
  g_assert_cmpstr (out->str, ==, "\"q\\\"b\\\\n\\n\\u0001 é\"");
  g_string_truncate (out, 0);
  mp_cli_append_json_string (out, NULL);
  g_assert_cmpstr (out->str, ==, "null");
}

static void
test_row_formats (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) date = g_date_time_new (tz, 2024, 3, 1, 11, 0, 0);
  MpCliRow row = { 7, "uid-7", 1234, date, "Jörg <j@example.org>", "Hi\tthere", TRUE };

  mp_cli_append_row_text (out, &row);
  g_assert_cmpstr (out->str, ==,
                   "7\tuid-7\t1234\t2024-03-01T10:00:00Z\tJörg <j@example.org>\tHi there\n");
  g_string_truncate (out, 0);
  mp_cli_append_row_json (out, &row);
  g_assert_cmpstr (out->str, ==,
                   "{\"num\": 7, \"uidl\": \"uid-7\", \"size\": 1234, "
                   "\"date\": \"2024-03-01T10:00:00Z\", \"from\": \"Jörg <j@example.org>\", "
                   "\"subject\": \"Hi\\tthere\", \"attachments\": true, "
                   "\"headers_truncated\": false}");
  g_string_truncate (out, 0);
  row.date = NULL;
  row.uidl = NULL;
  mp_cli_append_row_json (out, &row);
  g_assert_nonnull (strstr (out->str, "\"uidl\": null"));
  g_assert_nonnull (strstr (out->str, "\"date\": null"));
}

static void
test_text_keeps_lines (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  /* ESC [ 2 J would clear the screen; U+009B is the C1 CSI. */
  mp_cli_append_text (out, "line 1\r\n\tline 2\x1b[2J \xc2\x9b" "5m é");
  g_assert_cmpstr (out->str, ==, "line 1\n\tline 2 [2J  5m é");
}

/* Every character from U+0001 to U+00FF and a few beyond, one by one and all
 * in one string: C0, DEL and C1 become a space (text: \t and \n stay, \r goes),
 * everything else is kept as it is. */
static void
test_filter_every_character (void)
{
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) want_field = g_string_new (NULL);
  g_autoptr(GString) want_text = g_string_new (NULL);
  g_autoptr(GString) field = g_string_new (NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  const gunichar extra[] = { 0x100, 0x7ff, 0x800, 0x2028, 0xfffd, 0x1f600 };

  for (gunichar c = 1; c < 0x100 + G_N_ELEMENTS (extra); c++)
    {
      gunichar u = c < 0x100 ? c : extra[c - 0x100];
      gboolean control = u < 0x20 || (u >= 0x7f && u <= 0x9f);
      g_autoptr(GString) one = g_string_new (NULL);
      g_autoptr(GString) one_out = g_string_new (NULL);

      g_string_append_unichar (one, u);
      g_string_append_unichar (all, u);
      g_string_append_unichar (want_field, control ? ' ' : u);
      if (u == '\r')
        ;
      else if (u == '\n' || u == '\t')
        g_string_append_unichar (want_text, u);
      else
        g_string_append_unichar (want_text, control ? ' ' : u);
      mp_cli_append_field (one_out, one->str);
      g_assert_cmpuint (one_out->len, ==, control ? 1 : one->len);
    }
  mp_cli_append_field (field, all->str);
  mp_cli_append_text (text, all->str);
  g_assert_cmpstr (field->str, ==, want_field->str);
  g_assert_cmpstr (text->str, ==, want_text->str);
}

static void
test_state_round_trip (void)
{
  g_autofree char *dir = mp_test_make_tmp_home ();
  g_autofree char *path = g_build_filename (dir, "sub", "dir", "state.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uidls = g_ptr_array_new ();
  g_autoptr(GHashTable) set = NULL;
  gboolean existed = TRUE;

  set = mp_cli_state_load (path, "alice@host", &existed, &error);
  g_assert_no_error (error);
  g_assert_false (existed);
  g_assert_cmpuint (g_hash_table_size (set), ==, 0);
  g_clear_pointer (&set, g_hash_table_unref);

  g_ptr_array_add (uidls, (gpointer) "uid-1");
  g_ptr_array_add (uidls, (gpointer) "#hash-first");   /* legal UIDL, not a comment */
  g_ptr_array_add (uidls, (gpointer) "bad\nline");     /* never written */
  g_assert_true (mp_cli_state_save (path, "alice@host", uidls, &error));
  g_assert_no_error (error);

  set = mp_cli_state_load (path, "alice@host", &existed, &error);
  g_assert_no_error (error);
  g_assert_true (existed);
  g_assert_cmpuint (g_hash_table_size (set), ==, 2);
  g_assert_true (g_hash_table_contains (set, "uid-1"));
  g_assert_true (g_hash_table_contains (set, "#hash-first"));
  g_clear_pointer (&set, g_hash_table_unref);

  /* Another mailbox's state is refused rather than silently reused. */
  set = mp_cli_state_load (path, "bob@host", &existed, &error);
  g_assert_null (set);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* Not a state file at all. */
  g_assert_true (g_file_set_contents (path, "hello\n", -1, NULL));
  set = mp_cli_state_load (path, "alice@host", &existed, &error);
  g_assert_null (set);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  mp_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/format/field-sanitised", test_field_sanitised);
  g_test_add_func ("/cli/format/json-string", test_json_string);
  g_test_add_func ("/cli/format/rows", test_row_formats);
  g_test_add_func ("/cli/format/text-keeps-lines", test_text_keeps_lines);
  g_test_add_func ("/cli/format/filter-every-character", test_filter_every_character);
  g_test_add_func ("/cli/state/round-trip", test_state_round_trip);
  return g_test_run ();
}
