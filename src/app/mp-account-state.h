/* mp-account-state.h — what the window knows about one account's mailbox: the
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
#include "mp-mailbox.h"
#include "mp-message-summary.h"
#include "mp-message-preview.h"
#include "mp-error-text.h"

G_BEGIN_DECLS

typedef enum {
  MP_MAILBOX_STATE_IDLE,
  MP_MAILBOX_STATE_CHECKING,
  MP_MAILBOX_STATE_ERROR,
} MpMailboxState;

#define MP_TYPE_ACCOUNT_STATE (mp_account_state_get_type ())
G_DECLARE_FINAL_TYPE (MpAccountState, mp_account_state, MP, ACCOUNT_STATE, GObject)

MpAccountState  *mp_account_state_new              (MpAccount     *account);
MpAccount      *mp_account_state_get_account      (MpAccountState *self);
/* GListModel of MpMessageSummary in server order; rows pending deletion are not in it. */
GListModel     *mp_account_state_get_messages     (MpAccountState *self);
MpMailboxState  mp_account_state_get_state        (MpAccountState *self);
guint           mp_account_state_get_n_messages   (MpAccountState *self);
guint           mp_account_state_get_n_new        (MpAccountState *self);
/* NULL unless state is ERROR. */
const GError   *mp_account_state_get_error        (MpAccountState *self);
/* NULL before the first successful check. */
GDateTime      *mp_account_state_get_last_check   (MpAccountState *self);
/* What the server listed at the last successful check (0 before): its
 * message count and size in octets. */
void            mp_account_state_get_server_totals (MpAccountState *self,
                                                    guint          *count,
                                                    guint64        *size);
/* The server's LOGIN-DELAY (seconds) seen by the last successful check, 0 if none. */
guint           mp_account_state_get_login_delay  (MpAccountState *self);
void            mp_account_state_get_progress     (MpAccountState *self,
                                                  guint         *done,
                                                  guint         *total);
/* TRUE while confirmed deletions are being sent ("busy" property). */
gboolean        mp_account_state_get_busy        (MpAccountState *self);
/* The account's one job queue: every job of the account goes through it. */
MpMailbox      *mp_account_state_get_mailbox     (MpAccountState *self);
/* One line for the status bar, in plain words. */
char           *mp_account_state_dup_status_text  (MpAccountState *self);

/* Clears is-new on every row (and on received rows not yet in the list) and
 * sets n-new to 0: the user saw the mail elsewhere (tray, notification).  The
 * seen store needs nothing: the check that found the rows already recorded them. */
void            mp_account_state_mark_all_seen    (MpAccountState *self);

/* Starts a check unless one runs. */
void            mp_account_state_check            (MpAccountState *self);
/* Cancels the running check (the job ends within 100 ms). */
void            mp_account_state_stop             (MpAccountState *self);
/* Cancels every job of this mailbox (window closed, account removed); pending
 * deletions are dropped, nothing is deleted.  Deletions already being sent run to
 * their end. */
void            mp_account_state_shutdown         (MpAccountState *self);
/* Sends every pending deletion now, without waiting for its undo period (the
 * window closes).  Each holds the application until its QUIT was answered; a
 * failure emits "delete-failed" (MpSession passes it on: with no window left the
 * application writes it to stderr). */
void            mp_account_state_send_pending_deletes (MpAccountState *self);

/* Takes @summaries (MpMessageSummary) out of the list at once and remembers them;
 * returns an id for _undo_delete()/_commit_delete(). */
guint           mp_account_state_delete_later     (MpAccountState *self,
                                                  GPtrArray     *summaries);
/* Puts the rows back; nothing is sent to the server. */
void            mp_account_state_undo_delete      (MpAccountState *self,
                                                  guint          id);
/* Starts the delete job (DELE each UIDL, then QUIT).  On failure the rows come
 * back and "delete-failed" is emitted with the error; on success "deleted". */
void            mp_account_state_commit_delete    (MpAccountState *self,
                                                  guint          id);
/* The same, naming for the recycle bin the rule that deletes each row of @id
 * (@rules: UIDL → rule name, every row's UIDL in it; NULL: "manual");
 * @force_large: also messages over the recycle bin's size limit (the user
 * agreed, after "delete-too-large").
 * @callback (optional) gets the end: _finish returns the UIDLs deleted.
 * @cancellable only stops the callback, never the deletion. */
void            mp_account_state_commit_delete_full (MpAccountState      *self,
                                                    guint                id,
                                                    GHashTable          *rules,
                                                    gboolean             force_large,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char          **mp_account_state_commit_delete_finish (MpAccountState  *self,
                                                      GAsyncResult    *result,
                                                      GError         **error);
guint           mp_account_state_get_n_pending_deletes (MpAccountState *self);

/* Fetches a preview (TOP with the account's preview-lines, or RETR when @whole). */
void            mp_account_state_fetch_preview    (MpAccountState       *self,
                                                  MpMessageSummary    *summary,
                                                  gboolean             whole,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
MpMessagePreview *mp_account_state_fetch_preview_finish (MpAccountState  *self,
                                                        GAsyncResult   *result,
                                                        GError        **error);

/* Pins @sha256_hex for the account (the window saves the store). */
void            mp_account_state_trust_certificate (MpAccountState *self,
                                                   const char    *sha256_hex);


G_END_DECLS
