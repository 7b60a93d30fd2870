/* mp-preview-pane.h — the message preview on the right of the header list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mp-message-preview.h"

G_BEGIN_DECLS

#define MP_TYPE_PREVIEW_PANE (mp_preview_pane_get_type ())
G_DECLARE_FINAL_TYPE (MpPreviewPane, mp_preview_pane, MP, PREVIEW_PANE, GtkWidget)

GtkWidget  *mp_preview_pane_new          (void);
/* Nothing selected (or several rows): shows @title as placeholder. */
void        mp_preview_pane_show_none    (MpPreviewPane *self,
                                          const char    *title);
/* Header fields known from the summary; the body shows a spinner until
 * mp_preview_pane_show_body() or _show_error() is called. */
void        mp_preview_pane_show_loading (MpPreviewPane *self,
                                          const char    *from,
                                          const char    *to,
                                          const char    *subject,
                                          GDateTime     *date);
void        mp_preview_pane_show_body    (MpPreviewPane *self,
                                          const char    *from,
                                          const char    *to,
                                          const char    *subject,
                                          GDateTime     *date,
                                          const char    *text,
                                          GPtrArray     *attachments,
                                          gboolean       complete,
                                          guint          preview_lines);
void        mp_preview_pane_show_error   (MpPreviewPane *self,
                                          const char    *message);

G_END_DECLS
