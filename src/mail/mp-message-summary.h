/* mp-message-summary.h — one row of the mailbox list, from a message's header block
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MP_TYPE_MESSAGE_SUMMARY (mp_message_summary_get_type ())
G_DECLARE_FINAL_TYPE (MpMessageSummary, mp_message_summary, MP, MESSAGE_SUMMARY, GObject)

/* data: the header block as a server sends it for TOP n 0 (CRLF or LF; a body after
 * it is ignored); any bytes are accepted. Thread-safe: may run on a worker. */
MpMessageSummary *mp_message_summary_new_from_headers (const char *data,
                                                       gsize       len,
                                                       const char *uidl,
                                                       guint64     size);

/* The fields of a summary made earlier (MpHeaderCache keeps them across a
 * restart).  Strings are copied and must be valid UTF-8 (NULL = empty); @date is
 * kept as UTC, NULL = none.  The summary is not new.  Thread-safe. */
typedef struct {
  const char *uidl;
  guint64     size;
  const char *from_name;
  const char *from_address;
  const char *to;
  const char *subject;
  const char *message_id;
  GDateTime  *date;
  gboolean    has_attachments;
  gboolean    headers_truncated;
} MpMessageSummaryFields;

MpMessageSummary *mp_message_summary_new_from_fields (const MpMessageSummaryFields *fields);

/* All strings are valid UTF-8 and never NULL (empty when absent). */
const char *mp_message_summary_get_uidl            (MpMessageSummary *self);
guint64     mp_message_summary_get_size            (MpMessageSummary *self);
const char *mp_message_summary_get_from_name       (MpMessageSummary *self);
const char *mp_message_summary_get_from_address    (MpMessageSummary *self);
char       *mp_message_summary_dup_from_display    (MpMessageSummary *self);
const char *mp_message_summary_get_to              (MpMessageSummary *self);
const char *mp_message_summary_get_subject         (MpMessageSummary *self);
GDateTime  *mp_message_summary_get_date            (MpMessageSummary *self);   /* UTC or NULL */
const char *mp_message_summary_get_message_id      (MpMessageSummary *self);   /* without <> */
gboolean    mp_message_summary_get_has_attachments (MpMessageSummary *self);
/* What rules read besides the list's columns: the Cc text (empty when absent);
 * the decoded value of a field the summary keeps — From (its address), To, Cc, Subject,
 * Message-Id, X-Spam-Flag, X-Spam-Status, X-Spam-Score (case-insensitive) —
 * or NULL when absent or not kept; and the addresses of From, To or Cc,
 * lower-cased, groups opened (owned, never NULL). */
typedef enum {
  MP_ADDRESS_FIELD_FROM,
  MP_ADDRESS_FIELD_TO,
  MP_ADDRESS_FIELD_CC,
} MpAddressField;
const char *mp_message_summary_get_cc              (MpMessageSummary *self);
const char *mp_message_summary_get_header          (MpMessageSummary *self,
                                                    const char       *name);
char      **mp_message_summary_dup_addresses       (MpMessageSummary *self,
                                                    MpAddressField    field);
/* The header block was over the size a summary reads (256 KiB): the fields
 * above come from the summary's own fields in it, as many as fit in that size. */
gboolean    mp_message_summary_get_headers_truncated (MpMessageSummary *self);
gboolean    mp_message_summary_get_is_new          (MpMessageSummary *self);
void        mp_message_summary_set_is_new          (MpMessageSummary *self,
                                                    gboolean          is_new);
/* What the check's rules decided (MP_RULE_ACTION_JUNK / _NO_NOTIFY): a junk
 * message is shown only behind the message list's Junk filter and is never
 * new; a quiet one is shown, and counted, without a notification.  Set once,
 * on the worker, before the summary is handed to anyone. */
gboolean    mp_message_summary_get_junk            (MpMessageSummary *self);
gboolean    mp_message_summary_get_quiet           (MpMessageSummary *self);
void        mp_message_summary_set_rule_flags      (MpMessageSummary *self,
                                                    gboolean          junk,
                                                    gboolean          quiet);

G_END_DECLS
