/* mp-message-preview.h — readable text, attachments and raw headers of a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct {
  char    *filename;        /* owned; decoded UTF-8, no directory part; "" when unnamed */
  char    *content_type;    /* owned; "type/subtype", lower case */
  guint64  size;            /* decoded bytes; estimated when size_is_estimate */
  gboolean size_is_estimate;
} MpAttachmentInfo;

#define MP_TYPE_ATTACHMENT_INFO (mp_attachment_info_get_type ())
GType             mp_attachment_info_get_type (void) G_GNUC_CONST;
MpAttachmentInfo *mp_attachment_info_copy     (const MpAttachmentInfo *info);
void              mp_attachment_info_free     (MpAttachmentInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpAttachmentInfo, mp_attachment_info_free)

#define MP_TYPE_MESSAGE_PREVIEW (mp_message_preview_get_type ())
G_DECLARE_FINAL_TYPE (MpMessagePreview, mp_message_preview, MP, MESSAGE_PREVIEW, GObject)

/* data: a whole message (RETR, complete = TRUE) or its first lines (TOP n, complete =
 * FALSE); CRLF or LF; any bytes are accepted and a cut-off multipart is fine.
 * Thread-safe: meant to run on a worker. */
MpMessagePreview *mp_message_preview_new_from_bytes (const char *data,
                                                     gsize       len,
                                                     gboolean    complete);

/* All strings valid UTF-8, never NULL. */
const char *mp_message_preview_get_text            (MpMessagePreview *self);
gboolean    mp_message_preview_get_text_is_html    (MpMessagePreview *self);
const char *mp_message_preview_get_from_name       (MpMessagePreview *self);
const char *mp_message_preview_get_from_address    (MpMessagePreview *self);
char       *mp_message_preview_dup_from_display    (MpMessagePreview *self);
const char *mp_message_preview_get_to              (MpMessagePreview *self);
const char *mp_message_preview_get_subject         (MpMessagePreview *self);
GDateTime  *mp_message_preview_get_date            (MpMessagePreview *self);   /* UTC or NULL */
const char *mp_message_preview_get_message_id      (MpMessagePreview *self);
const char *mp_message_preview_get_raw_headers     (MpMessagePreview *self);
GPtrArray  *mp_message_preview_get_attachments     (MpMessagePreview *self);   /* of MpAttachmentInfo */
gboolean    mp_message_preview_get_is_complete     (MpMessagePreview *self);

G_END_DECLS
