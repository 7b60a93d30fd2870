/* mp-test-window.h — what the GUI test driver reads and does in the window: MpWindow
 * through its private fields (mp-window-private.h: the models behind the column
 * view, the last toast and dialog), the buttons of the win.* actions, the
 * preview pane and the account dialog through their template children.  Test code
 * only; the product has no such accessors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-account-dialog.h"
#include "mp-window.h"

G_BEGIN_DECLS

/* The mailbox of the selected account, or NULL. */
MpAccountState *mp_test_window_get_current_mailbox (MpWindow *self);
GtkSelectionModel *mp_test_window_get_selection (MpWindow *self);
/* Sorts by @column (0 From, 1 Subject, 2 Date, 3 Size, 4 attachment), as a click
 * on the column header does. */
gboolean mp_test_window_sort_by (MpWindow *self, guint column, gboolean descending);
/* Items the incremental filter and sort models still have to process. */
guint mp_test_window_get_pending (MpWindow *self);
MpPreviewPane *mp_test_window_get_preview_pane (MpWindow *self);
GtkWidget *mp_test_window_get_delete_dialog (MpWindow *self);
/* Monotonic µs when the scheduler next checks @account_id, -1 if unknown. */
gint64 mp_test_window_get_next_check_due (MpWindow *self, const char *account_id);
/* The header bar's main menu (borrowed). */
GMenuModel *mp_test_window_get_primary_menu (MpWindow *self);
AdwToast *mp_test_window_get_undo_toast (MpWindow *self);
const char *mp_test_window_get_last_toast_title (MpWindow *self);
void mp_test_window_set_filter_text (MpWindow *self, const char *text);
char *mp_test_window_dup_status_text (MpWindow *self);
char *mp_test_window_dup_error_text (MpWindow *self);
/* @action: "win.NAME"; enabled as the user sees it: a button bound to it is
 * sensitive (every win.* action the tests ask about has one). */
gboolean mp_test_window_get_action_enabled (MpWindow *self, const char *action);

/* The layout as the user sees it: window size, which leaflets are folded, the
 * message leaflet's page, the back button, list and preview widths, and each
 * column header's extent in the list's visible area (JSON members, appended). */
void mp_test_window_describe_layout (MpWindow *self, GString *json);
GtkScrolledWindow *mp_test_window_get_list_scroller (MpWindow *self);
/* Opens the selected row as Enter does; clicks the content header's back button. */
void mp_test_window_open_selected (MpWindow *self);
void mp_test_window_click_back (MpWindow *self);
/* Moves the divider as a drag of it does: the preview becomes @width wide. */
void mp_test_window_set_preview_width (MpWindow *self, int width);

/* The preview pane: its body text; "none", or the body stack's page. */
char *mp_test_preview_dup_text (MpPreviewPane *pane);
const char *mp_test_preview_get_state (MpPreviewPane *pane);

/* The account dialog, as a user types and clicks: fields "name", "host", "port",
 * "security" (tls|starttls|none), "user", "password", "auth" (combo position),
 * "interval", "preview", "notify" (true|false); buttons "test", "trust", "save",
 * "cancel".  FALSE for an unknown field, or a button not shown or not sensitive. */
gboolean mp_test_account_dialog_set_field (MpAccountDialog *dialog, const char *field,
                                           const char *value);
gboolean mp_test_account_dialog_click (MpAccountDialog *dialog, const char *button);
gboolean mp_test_account_dialog_is_testing (MpAccountDialog *dialog);
const char *mp_test_account_dialog_get_test_result (MpAccountDialog *dialog);

G_END_DECLS
