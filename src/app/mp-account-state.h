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
#include "mp-header-cache.h"

G_BEGIN_DECLS

typedef enum {
  MP_MAILBOX_STATE_IDLE,
  MP_MAILBOX_STATE_CHECKING,
  MP_MAILBOX_STATE_ERROR,
  /* The last check could not reach the server (connection failed or timed out)
   * and rows from an earlier check are shown: no error to act on, the list is as
   * of rows-as-of / last-check. */
  MP_MAILBOX_STATE_OFFLINE,
} MpMailboxState;

#define MP_TYPE_ACCOUNT_STATE (mp_account_state_get_type ())
G_DECLARE_FINAL_TYPE (MpAccountState, mp_account_state, MP, ACCOUNT_STATE, GObject)

MpAccountState  *mp_account_state_new              (MpAccount     *account);
/* The same, keeping the account's rows in @cache across restarts: the cached
 * rows are loaded at once (the first check waits for them) and the list is
 * written back after each successful check (mp-account-cache.c). */
MpAccountState  *mp_account_state_new_cached       (MpAccount     *account,
                                                    MpHeaderCache *cache);
MpAccount      *mp_account_state_get_account      (MpAccountState *self);
/* GListModel of MpMessageSummary in server order; rows pending deletion are not in it. */
GListModel     *mp_account_state_get_messages     (MpAccountState *self);
/* Whether @summary is one of the rows in that list now. */
gboolean        mp_account_state_lists            (MpAccountState   *self,
                                                   MpMessageSummary *summary);
MpMailboxState  mp_account_state_get_state        (MpAccountState *self);
guint           mp_account_state_get_n_messages   (MpAccountState *self);
guint           mp_account_state_get_n_new        (MpAccountState *self);
/* NULL unless state is ERROR (OFFLINE keeps the error in "error-text" only). */
const GError   *mp_account_state_get_error        (MpAccountState *self);
/* NULL before the first successful check. */
GDateTime      *mp_account_state_get_last_check   (MpAccountState *self);
/* When the rows shown were last confirmed by the server, while they come from
 * the header cache (an earlier run) and no check of this run succeeded yet;
 * NULL otherwise ("rows-as-of" property). */
GDateTime      *mp_account_state_get_rows_as_of   (MpAccountState *self);

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
/* TRUE while confirmed deletions are being sent, the seen store is being told
 * what was seen or the header cache is being written ("busy" property): the
 * process must not end before. */
gboolean        mp_account_state_get_busy        (MpAccountState *self);
/* The account's one job queue: every job of the account goes through it. */
MpMailbox      *mp_account_state_get_mailbox     (MpAccountState *self);
/* One line for the status bar, in plain words. */
char           *mp_account_state_dup_status_text  (MpAccountState *self);

/* "New" rows are messages announced (or about to be) and not yet viewed or marked
 * seen; the seen store keeps them new across restarts (a restart shows the same
 * count and the same rows new).  A new-mail notification sums up this set. */

/* Clears is-new on every row (and on received rows not yet in the list), sets
 * n-new to 0 and tells the seen store: the user saw the mail elsewhere (tray,
 * notification). */
void            mp_account_state_mark_all_seen    (MpAccountState *self);
/* Clears is-new on @summaries (rows of the list: viewed), here and in the seen store. */
void            mp_account_state_mark_seen        (MpAccountState *self,
                                                  GPtrArray      *summaries);
/* The list's new rows, newest first (the reverse of server order); owned refs. */
GPtrArray      *mp_account_state_dup_new_messages (MpAccountState *self);
/* Records every new row as announced; returns how many were not announced before
 * (0: nothing to tell).  Rows still new from an earlier run were announced by it. */
guint           mp_account_state_announce         (MpAccountState *self);

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
 * returns an id for _undo_delete()/_commit_delete(), 0 when none of them was in
 * the list (already pending, or gone): committing 0 deletes nothing. */
guint           mp_account_state_delete_later     (MpAccountState *self,
                                                  GPtrArray     *summaries);
/* How many rows deletion @id took out of the list (rows already pending, or gone
 * meanwhile, are not taken again). */
guint           mp_account_state_get_n_pending_rows (MpAccountState *self,
                                                    guint           id);
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

/* The account was removed: its cached rows are deleted and none are written. */
void            mp_account_state_forget_cache     (MpAccountState *self);

/* Pins @sha256_hex for the account (the window saves the store). */
void            mp_account_state_trust_certificate (MpAccountState *self,
                                                   const char    *sha256_hex);


G_END_DECLS
