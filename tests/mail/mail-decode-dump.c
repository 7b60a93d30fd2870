/* mail-decode-dump.c — prints what the product decodes from each message file given:
 * one line per file and path (the summary from the header block, as `list` shows it,
 * and the preview from the whole message, as `top` shows it), tab-separated:
 *   FILE \t summary|preview \t from name \t from address \t subject
 * Decoded fields hold no tabs or line breaks (mp_mail_clean_field). Used by
 * test-mail-encoded-words.py to compare with an independent decoder. printf, not
 * g_print: the fields go out as UTF-8 whatever the locale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdio.h>

#include "mp-message-preview.h"
#include "mp-message-summary.h"

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (argv[i], &data, &len, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }

      {
        g_autoptr(MpMessageSummary) s = mp_message_summary_new_from_headers (data, len, "u", len);
        g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (data, len, TRUE);

        printf ("%s\tsummary\t%s\t%s\t%s\n", argv[i],
                 mp_message_summary_get_from_name (s),
                 mp_message_summary_get_from_address (s),
                 mp_message_summary_get_subject (s));
        printf ("%s\tpreview\t%s\t%s\t%s\n", argv[i],
                 mp_message_preview_get_from_name (p),
                 mp_message_preview_get_from_address (p),
                 mp_message_preview_get_subject (p));
      }
    }
  return 0;
}
