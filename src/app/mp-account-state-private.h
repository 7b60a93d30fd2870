/* mp-account-state-private.h — MpAccountState's fields, shared by the files that
 * make it up: mp-account-state.c (jobs, properties), mp-account-rows.c (the
 * message list), mp-account-cache.c (the header cache), mp-account-new.c
 * (new mail and the seen store) and mp-account-delete.c (deletions).  Main
 * thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-account-state.h"
#include "mp-message-order.h"
#include "mp-header-cache.h"

G_BEGIN_DECLS

struct _MpAccountState
{
  GObject         parent_instance;

  MpAccount      *account;          /* owned */
  MpMailbox      *mailbox;          /* owned */
  GListStore     *messages;         /* owned; MpMessageSummary in server order */
  MpMailboxState  state;
  GError         *error;            /* owned; set in ERROR and OFFLINE states */
  GDateTime      *last_check;       /* owned */
  guint           login_delay;      /* seconds, from the last successful check */
  guint           server_count;     /* messages and octets the server listed then */
  guint64         server_size;
  gboolean        stopped;          /* the last check was stopped by the user */
  guint           done;
  guint           total;
  guint           n_new;
  guint64         next_seq;
  gboolean        check_reserved;   /* a check has its range of seqs: */
  guint64         check_seq_next;   /* the seq of its next row (they count down) */
  guint           check_seq_left;   /* how many it has left */
  MpArrivalOrder  arrival_order;    /* the Date column's keys (mp-message-order.h) */
  GCancellable   *check_cancellable; /* owned while a check runs */
  GCancellable   *lifetime;         /* owned; cancelled by shutdown */
  GHashTable     *pending;          /* id → GPtrArray of MpMessageSummary (owned) */
  GPtrArray      *incoming;         /* owned; summaries not yet in the list */
  guint           feed_id;          /* timeout that moves incoming → messages */
  guint           feed_step;        /* rows per splice, adapted to their cost */
  guint           next_pending_id;
  guint           n_deleting;       /* delete jobs running */
  guint           n_marking;        /* seen-store writes queued or running */
  GHashTable     *announced;        /* owned set of owned UIDLs: new rows already
                                     * announced (here or by an earlier run) */
  gboolean        is_shutdown;

  /* mp-account-cache.c */
  MpHeaderCache  *header_cache;     /* owned, nullable: rows are not kept */
  GDateTime      *rows_as_of;       /* owned, nullable: rows are the cache's, as of then */
  gboolean        cache_loading;    /* the cached rows are not in the list yet */
  gboolean        check_wanted;     /* a check waits for them */
  guint           n_saving;         /* cache writes running (0 or 1) */
  gboolean        save_again;       /* a check ended during the write */
  gboolean        cache_forgotten;  /* the account is gone: no file */
};

typedef enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_STATE,
  PROP_N_MESSAGES,
  PROP_N_NEW,
  PROP_PROGRESS,
  PROP_ERROR_TEXT,
  PROP_LAST_CHECK,
  PROP_BUSY,
  PROP_ROWS_AS_OF,
  PROP_HEADER_CACHE,
  N_PROPS
} MpAccountStateProp;

typedef enum {
  SIGNAL_CHECK_FINISHED,
  SIGNAL_DELETED,
  SIGNAL_DELETE_FAILED,
  SIGNAL_RULE_HITS,
  SIGNAL_DELETE_TOO_LARGE,
  N_SIGNALS
} MpAccountStateSignal;

#define FEED_FIRST_STEP 2

void     mp_account_state_notify            (MpAccountState   *self,
                                             MpAccountStateProp prop);
/* g_signal_emit() of @signal with its arguments. */
void     mp_account_state_emit              (MpAccountState   *self,
                                             MpAccountStateSignal signal,
                                             ...);
/* Adds @delta to @counter (one of the jobs "busy" covers) and notifies "busy"
 * when it changes. */
void     mp_account_state_add_busy          (MpAccountState   *self,
                                             guint            *counter,
                                             int               delta);

/* mp-account-rows.c */
void     mp_account_rows_set_n_new          (MpAccountState   *self,
                                             guint             n_new);
gboolean mp_account_rows_find               (MpAccountState   *self,
                                             MpMessageSummary *summary,
                                             guint            *position);
void     mp_account_rows_find_all           (MpAccountState   *self,
                                             GPtrArray        *summaries,
                                             GPtrArray        *found,
                                             GArray           *positions);
void     mp_account_rows_remove_positions   (MpAccountState   *self,
                                             GArray           *positions);
void     mp_account_rows_insert_in_order    (MpAccountState   *self,
                                             GPtrArray        *items);
/* A check will deliver up to @total rows, newest first (mp-mailbox.h). */
void     mp_account_rows_begin_check        (MpAccountState   *self,
                                             guint             total);
void     mp_account_rows_append             (MpAccountState   *self,
                                             GPtrArray        *summaries);
/* The check delivered all it will: rows it held back go in too. */
void     mp_account_rows_end_check          (MpAccountState   *self);
void     mp_account_rows_append_now         (MpAccountState   *self,
                                             GPtrArray        *summaries);
void     mp_account_rows_flush              (MpAccountState   *self);
void     mp_account_rows_remove_gone        (MpAccountState   *self,
                                             char            **removed_uidls);
void     mp_account_rows_mark_new           (MpAccountState   *self,
                                             char            **uidls);
/* Every row the account knows — shown, still being fed in, or waiting out an
 * undo period — in server order (a GPtrArray of new references), copied a slice
 * per main-loop iteration.  Fails only when @cancellable is cancelled. */
void     mp_account_rows_snapshot_async     (MpAccountState   *self,
                                             GCancellable     *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer          user_data);
GPtrArray *mp_account_rows_snapshot_finish  (MpAccountState   *self,
                                             GAsyncResult     *result,
                                             GError          **error);

/* mp-account-cache.c */
void     mp_account_cache_load              (MpAccountState   *self);
gboolean mp_account_cache_defer_check       (MpAccountState   *self);
void     mp_account_cache_checked           (MpAccountState   *self);
MpMailboxState mp_account_cache_failed_state (MpAccountState  *self,
                                             const GError     *error);
char    *mp_account_cache_dup_status_text   (MpAccountState   *self);

/* mp-account-new.c */
/* Records @kept_new_uidls (new since an earlier run) as announced and marks
 * their rows new. */
void     mp_account_new_kept                (MpAccountState   *self,
                                             char            **kept_new_uidls);
/* @summary is being looked at: if new, it is seen from now on. */
void     mp_account_new_viewed              (MpAccountState   *self,
                                             MpMessageSummary *summary);

G_END_DECLS
