/* fuzz-mail-preview.c — preview text, attachments and headers of an
 * arbitrary message (MIME structure, charsets, transfer encodings, HTML)
 *
 * Input: byte 0 bit 0 says whether the message is complete (RETR) or cut
 * (TOP n); the rest is the message. Every input, made valid UTF-8, also goes
 * through the HTML reducer on its own. Checked beyond "no crash, no leak, no UB": every string
 * is valid UTF-8 and never NULL, the text stays within the mail layer's cap,
 * attachment names have no directory part, a cut message is never reported
 * complete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

#include "mp-html-text.h"
#include "mp-mail-private.h"
#include "mp-message-preview.h"

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
  if (size < 1)
    return 0;
  gboolean complete = (data[0] & 1) != 0;
  const char *msg = (const char *) data + 1;
  gsize len = size - 1;

  g_autoptr(MpMessagePreview) preview =
    mp_message_preview_new_from_bytes (msg, len, complete);
  FUZZ_CHECK (preview != NULL);
  /* a complete message may still be reported cut (nesting/size limits),
   * a cut one never as complete */
  FUZZ_CHECK (complete || !mp_message_preview_get_is_complete (preview));

  const char *text = mp_message_preview_get_text (preview);
  CHECK_TEXT (text);
  /* the cap plus room for a closing note and a partial character */
  FUZZ_CHECK (strlen (text) <= MP_MAIL_MAX_TEXT_BYTES + 1024);
  (void) mp_message_preview_get_text_is_html (preview);
  CHECK_TEXT (mp_message_preview_get_from_name (preview));
  CHECK_TEXT (mp_message_preview_get_from_address (preview));
  CHECK_TEXT (mp_message_preview_get_to (preview));
  CHECK_TEXT (mp_message_preview_get_subject (preview));
  CHECK_TEXT (mp_message_preview_get_message_id (preview));
  CHECK_TEXT (mp_message_preview_get_raw_headers (preview));
  g_autofree char *display = mp_message_preview_dup_from_display (preview);
  CHECK_TEXT (display);

  GDateTime *date = mp_message_preview_get_date (preview);
  if (date != NULL)
    FUZZ_CHECK (g_date_time_get_utc_offset (date) == 0);

  GPtrArray *attachments = mp_message_preview_get_attachments (preview);
  FUZZ_CHECK (attachments != NULL);
  FUZZ_CHECK (attachments->len <= MP_MAIL_MAX_ATTACHMENTS);
  for (guint i = 0; i < attachments->len; i++)
    {
      const MpAttachmentInfo *info = attachments->pdata[i];
      CHECK_TEXT (info->filename);
      CHECK_TEXT (info->content_type);
      /* no directory part: a separator is never followed by a name */
      for (const char *c = info->filename; *c != '\0'; c++)
        if (*c == '/' || *c == '\\')
          FUZZ_CHECK (c[1] == '\0' || c[1] == '/' || c[1] == '\\');
      g_autoptr(MpAttachmentInfo) copy = mp_attachment_info_copy (info);
      FUZZ_CHECK (g_strcmp0 (copy->filename, info->filename) == 0);
    }

  /* The reducer gets text already converted to UTF-8 (by the preview);
   * from valid UTF-8 it must make valid UTF-8 (entities, cut tags). */
  g_autofree char *html = g_utf8_make_valid (msg, (gssize) len);
  g_autofree char *html_text = mp_html_to_text (html, -1);
  CHECK_TEXT (html_text);
  return 0;
}
