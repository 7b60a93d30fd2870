/* mp-window.h — the main window: accounts, header list, preview, status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-application.h"
#include "mp-account-store.h"
#include "mp-mailbox-view.h"
#include "mp-preview-pane.h"

G_BEGIN_DECLS

#define MP_TYPE_WINDOW (mp_window_get_type ())
G_DECLARE_FINAL_TYPE (MpWindow, mp_window, MP, WINDOW, AdwApplicationWindow)

MpWindow        *mp_window_new                  (MpApplication *application);
MpAccountStore  *mp_window_get_store            (MpWindow      *self);
/* The mailbox of the selected account, or NULL. */
MpMailboxView   *mp_window_get_current_mailbox  (MpWindow      *self);
/* The mailbox of @account_id, or NULL. */
MpMailboxView   *mp_window_lookup_mailbox       (MpWindow      *self,
                                                 const char    *account_id);
void             mp_window_select_account       (MpWindow      *self,
                                                 const char    *account_id);

/* For the test driver: the model behind the column view (filtered + sorted) and
 * its selection, the preview pane, and the last toast / dialog shown. */
GtkSelectionModel *mp_window_get_selection      (MpWindow      *self);
/* Sorts by @column (0 From, 1 Subject, 2 Date, 3 Size, 4 attachment). */
gboolean         mp_window_sort_by              (MpWindow      *self,
                                                 guint          column,
                                                 gboolean       descending);
/* Items the incremental filter and sort models still have to process. */
guint            mp_window_get_pending          (MpWindow      *self);
MpPreviewPane   *mp_window_get_preview_pane     (MpWindow      *self);
GtkWidget       *mp_window_get_delete_dialog    (MpWindow      *self);
/* Monotonic µs when the scheduler next checks @account_id, -1 if unknown. */
gint64           mp_window_get_next_check_due   (MpWindow      *self,
                                                 const char    *account_id);
/* The header bar's main menu (borrowed). */
GMenuModel      *mp_window_get_primary_menu     (MpWindow      *self);
AdwToast        *mp_window_get_undo_toast       (MpWindow      *self);
const char      *mp_window_get_last_toast_title (MpWindow      *self);
void             mp_window_set_filter_text      (MpWindow      *self,
                                                 const char    *text);
char            *mp_window_dup_status_text      (MpWindow      *self);
char            *mp_window_dup_error_text       (MpWindow      *self);
/* @action: "win.NAME" */
gboolean         mp_window_get_action_enabled   (MpWindow      *self,
                                                 const char    *action);

G_END_DECLS
