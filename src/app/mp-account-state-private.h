/* mp-account-state-private.h — MpAccountState's fields, shared by the files that
 * make it up: mp-account-state.c (jobs, properties), mp-account-rows.c (the
 * message list) and mp-account-cache.c (the header cache).  Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-account-state.h"

G_BEGIN_DECLS

struct _MpAccountState
{
  GObject         parent_instance;

  MpAccount      *account;          /* owned */
  MpMailbox      *mailbox;          /* owned */
  GListStore     *messages;         /* owned; MpMessageSummary in server order */
  MpMailboxState  state;
  GError         *error;            /* owned; set in ERROR state */
  GDateTime      *last_check;       /* owned */
  guint           login_delay;      /* seconds, from the last successful check */
  gboolean        stopped;          /* the last check was stopped by the user */
  guint           done;
  guint           total;
  guint           n_new;
  guint64         next_seq;
  GCancellable   *check_cancellable; /* owned while a check runs */
  GCancellable   *lifetime;         /* owned; cancelled by shutdown */
  GHashTable     *pending;          /* id → GPtrArray of MpMessageSummary (owned) */
  GPtrArray      *incoming;         /* owned; summaries not yet in the list */
  guint           feed_id;          /* timeout that moves incoming → messages */
  guint           feed_step;        /* rows per splice, adapted to their cost */
  guint           next_pending_id;
  guint           n_deleting;       /* delete jobs running */
  gboolean        is_shutdown;
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
  N_PROPS
} MpAccountStateProp;

#define FEED_FIRST_STEP 2

void     mp_account_state_notify            (MpAccountState   *self,
                                             MpAccountStateProp prop);

/* mp-account-rows.c */
void     mp_account_rows_set_n_new          (MpAccountState   *self,
                                             guint             n_new);
gboolean mp_account_rows_find               (MpAccountState   *self,
                                             MpMessageSummary *summary,
                                             guint            *position);
void     mp_account_rows_remove_positions   (MpAccountState   *self,
                                             GArray           *positions);
void     mp_account_rows_insert_in_order    (MpAccountState   *self,
                                             GPtrArray        *items);
void     mp_account_rows_append             (MpAccountState   *self,
                                             GPtrArray        *summaries);
void     mp_account_rows_flush              (MpAccountState   *self);
void     mp_account_rows_remove_gone        (MpAccountState   *self,
                                             char            **removed_uidls);

G_END_DECLS
