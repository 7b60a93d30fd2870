/* bench-summary.c — MpMessageSummary from header blocks: timing and a field dump
 *
 *   bench-summary [--dump] [--rounds N] FILE…
 *
 * Each FILE is read, cut to its header block and given CRLF line ends, as
 * `TOP n 0` hands it to the CLI. Without --dump, the summaries are built
 * (plus the From display string, as `list` does) N rounds over all files and
 * the time per summary is printed: the CPU cost behind `mailpeek-cli list`
 * without the network. With --dump, every field of every summary is printed,
 * one line per file, so that two builds can be compared for identical output
 * (a speed-up must not change what a summary says). Files are also used as
 * given (raw bytes, LF or not, body included) in the dump, to cover the
 * header-block cut itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "mp-message-summary.h"

static GBytes *
top_reply (const char *data, gsize len)
{
  GString *out = g_string_sized_new (len + len / 16);
  gsize i = 0;

  /* Up to and including the empty line that ends the header block. */
  while (i < len)
    {
      const char *nl = memchr (data + i, '\n', len - i);
      gsize end = nl ? (gsize) (nl - data) : len;
      gsize line_end = end;

      if (line_end > i && data[line_end - 1] == '\r')
        line_end--;
      g_string_append_len (out, data + i, line_end - i);
      g_string_append (out, "\r\n");
      if (line_end == i)
        break;
      i = end + 1;
    }
  return g_string_free_to_bytes (out);
}

static void
dump_one (const char *name, const char *data, gsize len)
{
  g_autoptr(MpMessageSummary) s =
    mp_message_summary_new_from_headers (data, len, name, len);
  g_autofree char *from = mp_message_summary_dup_from_display (s);
  GDateTime *date = mp_message_summary_get_date (s);
  g_autofree char *iso = date ? g_date_time_format_iso8601 (date) : g_strdup ("-");

  printf ("%s\tname=%s\taddr=%s\tfrom=%s\tto=%s\tsubject=%s\tid=%s\tdate=%s\tatt=%d\n",
          mp_message_summary_get_uidl (s),
          mp_message_summary_get_from_name (s),
          mp_message_summary_get_from_address (s),
          from,
          mp_message_summary_get_to (s),
          mp_message_summary_get_subject (s),
          mp_message_summary_get_message_id (s),
          iso,
          mp_message_summary_get_has_attachments (s));
}

int
main (int argc, char **argv)
{
  gboolean dump = FALSE;
  int rounds = 5;
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GOptionEntry entries[] = {
    { "dump", 0, 0, G_OPTION_ARG_NONE, &dump, "Print every field of every summary", NULL },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Passes over all files (timing)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("FILE…");
  g_autoptr(GError) error = NULL;
  gint64 t0, t1;
  guint64 sum = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (argv[i], &data, &len, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (blocks, top_reply (data, len));
      if (dump)
        {
          g_autofree char *base = g_path_get_basename (argv[i]);
          g_autofree char *raw_name = g_strconcat (base, ":raw", NULL);
          gsize blen;
          const char *b = g_bytes_get_data (blocks->pdata[blocks->len - 1], &blen);

          dump_one (base, b, blen);
          dump_one (raw_name, data, len);
        }
    }
  if (dump)
    return 0;
  if (blocks->len == 0)
    {
      g_printerr ("no input files\n");
      return 2;
    }

  t0 = g_get_monotonic_time ();
  for (int r = 0; r < rounds; r++)
    for (guint i = 0; i < blocks->len; i++)
      {
        gsize len;
        const char *data = g_bytes_get_data (blocks->pdata[i], &len);
        g_autoptr(MpMessageSummary) s =
          mp_message_summary_new_from_headers (data, len, "uidl", len);
        g_autofree char *from = mp_message_summary_dup_from_display (s);

        sum += strlen (from) + strlen (mp_message_summary_get_subject (s));
      }
  t1 = g_get_monotonic_time ();
  printf ("%u header blocks x %d rounds: %.2f us per summary (%.3f s per 10,000) [%" G_GUINT64_FORMAT "]\n",
          blocks->len, rounds, (double) (t1 - t0) / ((double) blocks->len * rounds),
          (double) (t1 - t0) / ((double) blocks->len * rounds) * 10000 / 1e6, sum);
  return 0;
}
