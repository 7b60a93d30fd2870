/* fuzz-mail-summary.c — list-row summary from an arbitrary header block
 *
 * The bytes are what a server answers to TOP n 0. Checked beyond "no crash,
 * no leak, no UB": every string getter returns valid UTF-8 and never NULL
 * (the header's promise, which the UI relies on), the UIDL and size come
 * back unchanged, and a date, when there is one, is in UTC.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

#include "mp-message-summary.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

#define CHECK_TEXT(s)                                                        \
  do {                                                                       \
    const char *text_ = (s);                                                 \
    FUZZ_CHECK (text_ != NULL);                                              \
    FUZZ_CHECK (g_utf8_validate (text_, -1, NULL));                          \
  } while (0)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(MpMessageSummary) summary =
    mp_message_summary_new_from_headers ((const char *) data, size, "uid-1", 4242);

  FUZZ_CHECK (summary != NULL);
  FUZZ_CHECK (g_strcmp0 (mp_message_summary_get_uidl (summary), "uid-1") == 0);
  FUZZ_CHECK (mp_message_summary_get_size (summary) == 4242);
  CHECK_TEXT (mp_message_summary_get_from_name (summary));
  CHECK_TEXT (mp_message_summary_get_from_address (summary));
  CHECK_TEXT (mp_message_summary_get_to (summary));
  CHECK_TEXT (mp_message_summary_get_subject (summary));
  CHECK_TEXT (mp_message_summary_get_message_id (summary));
  g_autofree char *display = mp_message_summary_dup_from_display (summary);
  CHECK_TEXT (display);

  GDateTime *date = mp_message_summary_get_date (summary);
  if (date != NULL)
    {
      FUZZ_CHECK (g_date_time_get_utc_offset (date) == 0);
      g_autofree char *iso = g_date_time_format_iso8601 (date);
      FUZZ_CHECK (iso != NULL);
    }
  (void) mp_message_summary_get_has_attachments (summary);

  mp_message_summary_set_is_new (summary, TRUE);
  FUZZ_CHECK (mp_message_summary_get_is_new (summary));
  return 0;
}
