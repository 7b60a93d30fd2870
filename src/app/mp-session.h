/* mp-session.h — everything the running application knows, for the whole process.
 *
 * One MpSession per process, created by the application (never by a window):
 * it owns the account store, the scheduler, the header cache (each account's
 * rows across restarts, under $XDG_CACHE_HOME/mailpeek/headers) and one
 * MpAccountState per account id (each owning that account's MpMailbox — its one
 * job queue and its seen store).
 * Windows, account rows, the tray, the notifier and the account dialog only bind
 * to it, so checks and notifications go on with no window at all, and a new
 * window shows the same accounts and rows at once.
 *
 * Every job for an account, Test Connection included, goes through that
 * account's one MpMailbox queue: POP3 servers lock a mailbox per session
 * (RFC 1939) and answer a second one with [IN-USE].
 *
 * GTK-free (GLib/GIO and src/core only).  Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-account-state.h"
#include "mp-account-store.h"
#include "mp-rules-state.h"
#include "mp-scheduler.h"

G_BEGIN_DECLS

#define MP_TYPE_SESSION (mp_session_get_type ())
G_DECLARE_FINAL_TYPE (MpSession, mp_session, MP, SESSION, GObject)

/* Takes references to @store and @scheduler; every account in @store gets its
 * state at once, and its first check is due at once. */
MpSession      *mp_session_new          (MpAccountStore *store,
                                         MpScheduler    *scheduler);
MpAccountStore *mp_session_get_store     (MpSession      *self);
MpScheduler    *mp_session_get_scheduler (MpSession      *self);
/* The user's rules, recycle bins and activity log (see mp-rules-state.h). */
MpRulesState   *mp_session_get_rules     (MpSession      *self);
/* NULL when no account has @account_id. */
MpAccountState *mp_session_lookup        (MpSession      *self,
                                          const char     *account_id);
/* TRUE while confirmed deletions are being sent ("busy" property): the process
 * must not end before. */
gboolean        mp_session_get_busy      (MpSession      *self);

/* Starts a check of every account that is not checking. */
void            mp_session_check_all     (MpSession      *self);
/* Sends every deletion still in its undo period now (the last view of it goes). */
void            mp_session_send_pending_deletes (MpSession *self);
/* Ends the session: pending deletions are sent, every other job is cancelled,
 * no more checks are scheduled.  Idempotent. */
void            mp_session_shutdown      (MpSession      *self);

/* Test Connection: logs in with @settings (the account as edited, maybe not
 * saved) and QUITs.  When @account_id names an account of the session the job
 * runs in that account's queue, after (never beside) its other jobs; otherwise
 * (a new account) in a queue of its own.  @password NULL: the keyring's. */
void            mp_session_test_login_async  (MpSession           *self,
                                              const char          *account_id,
                                              MpAccount           *settings,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* The server's capability lines (owned). */
char          **mp_session_test_login_finish (MpSession     *self,
                                              GAsyncResult  *result,
                                              GError       **error);

G_END_DECLS
