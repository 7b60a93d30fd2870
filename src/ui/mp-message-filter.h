/* mp-message-filter.h — the message list's filter: a row matches when its sender
 * (name and address) or subject contains the filter text, compared NFKC-normalised
 * and case-folded on both sides — and, unless show-junk, is not junk (a rule's
 * "mark as junk": the Junk filter).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MP_TYPE_MESSAGE_FILTER (mp_message_filter_get_type ())
G_DECLARE_FINAL_TYPE (MpMessageFilter, mp_message_filter, MP, MESSAGE_FILTER, GtkFilter)

MpMessageFilter *mp_message_filter_new      (void);
/* Returns FALSE when the folded text is the same as before.  Otherwise @change
 * says how the set of matches changes (for gtk_filter_changed(), which the caller
 * emits: it may rather drop an empty filter from its model). */
gboolean         mp_message_filter_set_text (MpMessageFilter *self,
                                             const char      *text,
                                             GtkFilterChange *change);
/* TRUE when every row matches (no filter text, junk shown). */
gboolean         mp_message_filter_is_empty (MpMessageFilter *self);
/* Emits "changed" itself. */
void             mp_message_filter_set_show_junk (MpMessageFilter *self,
                                                  gboolean         show_junk);
gboolean         mp_message_filter_get_show_junk (MpMessageFilter *self);

G_END_DECLS
