/* mp-preview-loader.h — what the preview pane shows: loads the selected message's
 * preview (TOP with the account's preview lines) or the whole message (RETR) from
 * its mailbox, one at a time; a newer load, or stop, cancels the one running.
 * Also opens the raw-headers ("View Source") window for it.  Main thread only.
 *
 * Signal "changed": the summary, preview or loading state changed (the window's
 * actions follow it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mp-account-state.h"
#include "mp-preview-pane.h"

G_BEGIN_DECLS

#define MP_TYPE_PREVIEW_LOADER (mp_preview_loader_get_type ())
G_DECLARE_FINAL_TYPE (MpPreviewLoader, mp_preview_loader, MP, PREVIEW_LOADER, GObject)

MpPreviewLoader  *mp_preview_loader_new         (MpPreviewPane    *pane);
/* Shows @summary of @mailbox in the pane (whole message when @whole); NULL for
 * either only forgets the current one (the caller shows what the pane says then). */
void              mp_preview_loader_load        (MpPreviewLoader  *self,
                                                 MpAccountState    *mailbox,
                                                 MpMessageSummary *summary,
                                                 gboolean          whole);
/* Stops a load still running (the pane says so); FALSE when none ran. */
gboolean          mp_preview_loader_stop        (MpPreviewLoader  *self);
/* Cancels everything for good (the window goes away). */
void              mp_preview_loader_shutdown    (MpPreviewLoader  *self);
/* Borrowed; the summary shown, or NULL. */
MpMessageSummary *mp_preview_loader_get_summary (MpPreviewLoader  *self);
/* Borrowed; the loaded preview, NULL while loading or after an error. */
MpMessagePreview *mp_preview_loader_get_preview (MpPreviewLoader  *self);
gboolean          mp_preview_loader_get_loading (MpPreviewLoader  *self);
/* Opens a window with the raw headers of the loaded preview, over @parent. */
void              mp_preview_loader_show_source (MpPreviewLoader  *self,
                                                 GtkWindow        *parent);

G_END_DECLS
