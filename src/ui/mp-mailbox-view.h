/* mp-mailbox-view.h — what the window knows about one account's mailbox: the
 * headers (a GListStore of MpMessageSummary), the check state and progress, the
 * last error, and deletions waiting for their undo period to pass.
 *
 * It starts core jobs (which run on worker threads) and receives their results on
 * the main context; nothing here blocks.  Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-account.h"
#include "mp-message-summary.h"
#include "mp-message-preview.h"

G_BEGIN_DECLS

typedef enum {
  MP_MAILBOX_STATE_IDLE,
  MP_MAILBOX_STATE_CHECKING,
  MP_MAILBOX_STATE_ERROR,
} MpMailboxState;

#define MP_TYPE_MAILBOX_VIEW (mp_mailbox_view_get_type ())
G_DECLARE_FINAL_TYPE (MpMailboxView, mp_mailbox_view, MP, MAILBOX_VIEW, GObject)

MpMailboxView  *mp_mailbox_view_new              (MpAccount     *account);
MpAccount      *mp_mailbox_view_get_account      (MpMailboxView *self);
/* GListModel of MpMessageSummary in server order; rows pending deletion are not in it. */
GListModel     *mp_mailbox_view_get_messages     (MpMailboxView *self);
MpMailboxState  mp_mailbox_view_get_state        (MpMailboxView *self);
guint           mp_mailbox_view_get_n_messages   (MpMailboxView *self);
guint           mp_mailbox_view_get_n_new        (MpMailboxView *self);
/* NULL unless state is ERROR. */
const GError   *mp_mailbox_view_get_error        (MpMailboxView *self);
/* NULL before the first successful check. */
GDateTime      *mp_mailbox_view_get_last_check   (MpMailboxView *self);
/* The server's LOGIN-DELAY (seconds) seen by the last successful check, 0 if none. */
guint           mp_mailbox_view_get_login_delay  (MpMailboxView *self);
void            mp_mailbox_view_get_progress     (MpMailboxView *self,
                                                  guint         *done,
                                                  guint         *total);
/* One line for the status bar, in plain words. */
char           *mp_mailbox_view_dup_status_text  (MpMailboxView *self);

/* Clears is-new on every row (and on received rows not yet in the list) and
 * sets n-new to 0: the user saw the mail elsewhere (tray, notification).  The
 * seen store needs nothing: the check that found the rows already recorded them. */
void            mp_mailbox_view_mark_all_seen    (MpMailboxView *self);

/* Starts a check unless one runs. */
void            mp_mailbox_view_check            (MpMailboxView *self);
/* Cancels the running check (the job ends within 100 ms). */
void            mp_mailbox_view_stop             (MpMailboxView *self);
/* Cancels every job of this mailbox (window closed, account removed); pending
 * deletions are dropped, nothing is deleted.  Deletions already being sent run to
 * their end. */
void            mp_mailbox_view_shutdown         (MpMailboxView *self);
/* Sends every pending deletion now, without waiting for its undo period (the
 * window closes).  Each holds the application until its QUIT was answered; a
 * failure emits "delete-failed" and, once shut down, is written to stderr. */
void            mp_mailbox_view_send_pending_deletes (MpMailboxView *self);

/* Takes @summaries (MpMessageSummary) out of the list at once and remembers them;
 * returns an id for _undo_delete()/_commit_delete(). */
guint           mp_mailbox_view_delete_later     (MpMailboxView *self,
                                                  GPtrArray     *summaries);
/* Puts the rows back; nothing is sent to the server. */
void            mp_mailbox_view_undo_delete      (MpMailboxView *self,
                                                  guint          id);
/* Starts the delete job (DELE each UIDL, then QUIT).  On failure the rows come
 * back and "delete-failed" is emitted with the error; on success "deleted". */
void            mp_mailbox_view_commit_delete    (MpMailboxView *self,
                                                  guint          id);
guint           mp_mailbox_view_get_n_pending_deletes (MpMailboxView *self);

/* Fetches a preview (TOP with the account's preview-lines, or RETR when @whole). */
void            mp_mailbox_view_fetch_preview    (MpMailboxView       *self,
                                                  MpMessageSummary    *summary,
                                                  gboolean             whole,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
MpMessagePreview *mp_mailbox_view_fetch_preview_finish (MpMailboxView  *self,
                                                        GAsyncResult   *result,
                                                        GError        **error);

/* Pins @sha256_hex for the account (the window saves the store). */
void            mp_mailbox_view_trust_certificate (MpMailboxView *self,
                                                   const char    *sha256_hex);

/* Plain-words title for an error from a job (translated). */
const char     *mp_mailbox_view_error_title      (const GError  *error);

G_END_DECLS
