/* mp-account-state.c — the window's model of one account's mailbox.
 *
 * Wraps core's MpMailbox (jobs on worker threads; callbacks on the main context).
 * Summaries arrive in batches and are spliced into a GListStore; each summary
 * carries its server-order sequence number (qdata) so rows whose deletion is undone
 * or fails go back to where they were.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-account-state.h"
#include "mp-mailbox.h"
#include "mp-error.h"
#include "mp-error-text.h"

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
  guint           server_count;     /* messages and octets the server listed then */
  guint64         server_size;
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

enum {
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
};

enum {
  SIGNAL_CHECK_FINISHED,
  SIGNAL_DELETED,
  SIGNAL_DELETE_FAILED,
  SIGNAL_RULE_HITS,
  SIGNAL_DELETE_TOO_LARGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static GQuark seq_quark;

G_DEFINE_FINAL_TYPE (MpAccountState, mp_account_state, G_TYPE_OBJECT)

/* ---------------------------------------------------------------- list helpers */

static guint64
summary_seq (MpMessageSummary *summary)
{
  return GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (summary), seq_quark));
}

static void
set_n_new (MpAccountState *self,
           guint           n_new)
{
  if (self->n_new == n_new)
    return;
  self->n_new = n_new;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_NEW]);
}

/* The first position whose summary has a sequence number >= @seq (binary search:
 * the list is in server order). */
static guint
lower_bound (MpAccountState *self,
             guint64         seq)
{
  guint lo = 0, hi = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr (MpMessageSummary) other = g_list_model_get_item (G_LIST_MODEL (self->messages), mid);

      if (summary_seq (other) < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static gboolean
find_position (MpAccountState    *self,
               MpMessageSummary  *summary,
               guint             *position)
{
  guint pos = lower_bound (self, summary_seq (summary));
  g_autoptr (MpMessageSummary) found = g_list_model_get_item (G_LIST_MODEL (self->messages), pos);

  if (found == summary)
    {
      *position = pos;
      return TRUE;
    }
  return g_list_store_find (self->messages, summary, position);
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint ua = *(const guint *) a, ub = *(const guint *) b;

  return (ua > ub) - (ua < ub);
}

/* Removes the rows at @positions (any order, no duplicates) with one splice per
 * run of neighbours, from the end: deleting 10,000 selected rows is one
 * items-changed, not 10,000 (each of which the sort model and the column view
 * would handle on their own). */
static void
remove_positions (MpAccountState *self,
                  GArray         *positions)
{
  guint n_new = 0;
  guint i;

  g_array_sort (positions, compare_guint);
  for (i = 0; i < positions->len; i++)
    {
      g_autoptr (MpMessageSummary) summary =
        g_list_model_get_item (G_LIST_MODEL (self->messages), g_array_index (positions, guint, i));

      if (mp_message_summary_get_is_new (summary))
        n_new++;
    }
  i = positions->len;
  while (i > 0)
    {
      guint end = g_array_index (positions, guint, i - 1);
      guint start = end;

      i--;
      while (i > 0 && g_array_index (positions, guint, i - 1) == start - 1)
        {
          start--;
          i--;
        }
      g_list_store_splice (self->messages, start, end - start + 1, NULL, 0);
    }
  set_n_new (self, self->n_new >= n_new ? self->n_new - n_new : 0);
}

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  guint64 sa = summary_seq (*(MpMessageSummary **) a);
  guint64 sb = summary_seq (*(MpMessageSummary **) b);

  return (sa > sb) - (sa < sb);
}

/* Puts @items back at their server-order positions: the items that go to the same
 * place go in with one splice, from the end. */
static void
insert_in_order (MpAccountState *self,
                 GPtrArray      *items)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_copy (items, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  g_autoptr (GArray) places = g_array_sized_new (FALSE, FALSE, sizeof (guint), items->len);
  guint n_new = 0;
  guint i;

  g_ptr_array_sort (sorted, compare_seq);
  for (i = 0; i < sorted->len; i++)
    {
      guint pos = lower_bound (self, summary_seq (g_ptr_array_index (sorted, i)));

      g_array_append_val (places, pos);
      if (mp_message_summary_get_is_new (g_ptr_array_index (sorted, i)))
        n_new++;
    }
  i = sorted->len;
  while (i > 0)
    {
      guint pos = g_array_index (places, guint, i - 1);
      guint first = i - 1;

      while (first > 0 && g_array_index (places, guint, first - 1) == pos)
        first--;
      g_list_store_splice (self->messages, pos, 0, sorted->pdata + first, i - first);
      i = first;
    }
  set_n_new (self, self->n_new + n_new);
}

static void
set_state (MpAccountState  *self,
           MpMailboxState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (MpAccountState *self,
           const GError   *error)
{
  g_clear_error (&self->error);
  if (error)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_TEXT]);
}

/* ---------------------------------------------------------------- check */

/* Rows go into the list in time slices: one slice per frame at most, and no slice
 * longer than FEED_BUDGET_US.  A splice costs very different amounts depending on
 * where the rows land: GTK 4.8's list views build and bind row widgets
 * synchronously for up to ~200 rows around the visible ones (CSS, text layout;
 * ~0.3 ms a row, and the same again in the next frame's layout), while rows far
 * from the view only grow the list (µs).  So the step adapts to the measured cost
 * per row: it starts small, halves when a splice was expensive, doubles while
 * splices stay cheap.  Slices come every other frame at most, and cheap ones
 * (rows off screen) less often still: every relayout of the window costs X11
 * round trips (GDK asks the server for the monitor's work area each time). */
#define FEED_BUDGET_US        3000
#define FEED_FIRST_STEP          2
#define FEED_MAX_STEP         2000
#define FEED_NEAR_INTERVAL_MS   33
#define FEED_FAR_INTERVAL_MS   100

static gboolean feed_tick (gpointer user_data);

/* Moves up to @take rows from the head of `incoming` to the end of the list:
 * one splice, one items-changed. */
static void
splice_incoming (MpAccountState *self,
                 guint           take)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  guint n_new = 0;

  for (guint i = 0; i < take; i++)
    if (mp_message_summary_get_is_new (g_ptr_array_index (self->incoming, i)))
      n_new++;
  g_list_store_splice (self->messages, n_items, 0, self->incoming->pdata, take);
  g_ptr_array_remove_range (self->incoming, 0, take);
  if (n_new > 0)
    set_n_new (self, self->n_new + n_new);
}

static void
schedule_feed (MpAccountState *self,
               guint           interval_ms)
{
  if (self->incoming->len > 0 && !self->feed_id)
    self->feed_id = g_timeout_add (interval_ms, feed_tick, self);
}

/* One time slice of rows. */
static void
feed_rows (MpAccountState *self)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed = 0;
  gboolean expensive = FALSE;

  while (self->incoming->len > 0 && elapsed < FEED_BUDGET_US)
    {
      guint take = MIN (self->feed_step, self->incoming->len);
      gint64 before = g_get_monotonic_time ();
      gint64 cost;

      splice_incoming (self, take);
      cost = g_get_monotonic_time () - before;
      elapsed = g_get_monotonic_time () - start;

      /* Aim at a quarter of the budget per splice, so a slice ends close to it. */
      if (cost > FEED_BUDGET_US / 4)
        {
          self->feed_step = MAX (1, self->feed_step / 2);
          expensive = TRUE;
        }
      else if (cost * 2 <= FEED_BUDGET_US / 4)
        self->feed_step = MIN (self->feed_step * 2, FEED_MAX_STEP);
      if (cost > 200)
        expensive = TRUE;
    }
  if (elapsed > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MESSAGES]);
  schedule_feed (self, expensive ? FEED_NEAR_INTERVAL_MS : FEED_FAR_INTERVAL_MS);
}

static gboolean
feed_tick (gpointer user_data)
{
  MpAccountState *self = user_data;

  self->feed_id = 0;
  feed_rows (self);
  return G_SOURCE_REMOVE;
}

/* Everything received goes into the list now (before rows are matched against
 * what the server no longer has). */
static void
flush_rows (MpAccountState *self)
{
  g_clear_handle_id (&self->feed_id, g_source_remove);
  if (self->incoming->len == 0)
    return;
  splice_incoming (self, self->incoming->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MESSAGES]);
}

static void
on_check_progress (MpMailbox *mailbox,
                   GPtrArray *summaries,
                   guint      done,
                   guint      total,
                   gpointer   user_data)
{
  MpAccountState *self = user_data;

  if (self->is_shutdown)
    return;

  if (summaries && summaries->len > 0)
    {
      for (guint i = 0; i < summaries->len; i++)
        {
          MpMessageSummary *summary = g_ptr_array_index (summaries, i);

          g_object_set_qdata (G_OBJECT (summary), seq_quark,
                              GSIZE_TO_POINTER ((gsize) ++self->next_seq));
          g_ptr_array_add (self->incoming, g_object_ref (summary));
        }
      /* The rows go in with the slice already due, or a first slice now. */
      if (!self->feed_id)
        feed_rows (self);
    }

  self->done = done;
  self->total = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
remove_gone (MpAccountState *self,
             char         **removed_uidls)
{
  g_autoptr (GHashTable) gone = NULL;
  g_autoptr (GArray) positions = NULL;
  guint n;

  if (!removed_uidls || !removed_uidls[0])
    return;
  gone = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; removed_uidls[i]; i++)
    g_hash_table_add (gone, removed_uidls[i]);

  positions = g_array_new (FALSE, FALSE, sizeof (guint));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (g_hash_table_contains (gone, mp_message_summary_get_uidl (summary)))
        g_array_append_val (positions, i);
    }
  remove_positions (self, positions);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MESSAGES]);
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (MpAccountState) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MpCheckResult) check = NULL;

  check = mp_mailbox_check_finish (MP_MAILBOX (source), result, &error);
  g_clear_object (&self->check_cancellable);

  if (self->is_shutdown)
    return;
  /* Rows still waiting in `incoming` keep going in a few per frame. */
  if (check && check->removed_uidls && check->removed_uidls[0])
    flush_rows (self);

  if (check)
    {
      remove_gone (self, check->removed_uidls);
      if (check->rule_hits && check->rule_hits->len > 0)
        {
          flush_rows (self);
          g_signal_emit (self, signals[SIGNAL_RULE_HITS], 0, check->rule_hits);
        }
      self->login_delay = check->login_delay;
      self->server_count = check->n_messages;
      self->server_size = check->total_size;
      g_clear_pointer (&self->last_check, g_date_time_unref);
      self->last_check = g_date_time_new_now_local ();
      set_error (self, NULL);
      set_state (self, MP_MAILBOX_STATE_IDLE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CHECK]);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->stopped = TRUE;
      set_state (self, self->error ? MP_MAILBOX_STATE_ERROR : MP_MAILBOX_STATE_IDLE);
    }
  else
    {
      set_error (self, error);
      set_state (self, MP_MAILBOX_STATE_ERROR);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_signal_emit (self, signals[SIGNAL_CHECK_FINISHED], 0, error);
}

void
mp_account_state_check (MpAccountState *self)
{
  g_autoptr (GPtrArray) known = NULL;
  guint n;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  if (self->is_shutdown || self->check_cancellable)
    return;

  /* Rows shown and rows waiting for their undo period are known: no TOP for them. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  known = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (G_LIST_MODEL (self->messages), i);
      g_ptr_array_add (known, g_strdup (mp_message_summary_get_uidl (summary)));
    }
  for (guint i = 0; i < self->incoming->len; i++)
    g_ptr_array_add (known, g_strdup (mp_message_summary_get_uidl (g_ptr_array_index (self->incoming, i))));
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *items = value;
      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (known, g_strdup (mp_message_summary_get_uidl (g_ptr_array_index (items, i))));
    }
  g_ptr_array_add (known, NULL);

  self->stopped = FALSE;
  self->done = 0;
  self->total = 0;
  self->check_cancellable = g_cancellable_new ();
  set_state (self, MP_MAILBOX_STATE_CHECKING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  mp_mailbox_check_async (self->mailbox,
                          (const char * const *) known->pdata,
                          on_check_progress, g_object_ref (self), g_object_unref,
                          self->check_cancellable,
                          check_done, g_object_ref (self));
}

void
mp_account_state_stop (MpAccountState *self)
{
  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  if (self->check_cancellable)
    g_cancellable_cancel (self->check_cancellable);
}

void
mp_account_state_shutdown (MpAccountState *self)
{
  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  if (self->is_shutdown)
    return;
  self->is_shutdown = TRUE;
  if (self->check_cancellable)
    g_cancellable_cancel (self->check_cancellable);
  g_cancellable_cancel (self->lifetime);
  g_clear_handle_id (&self->feed_id, g_source_remove);
  /* Pending deletions are dropped: nothing was sent, nothing is deleted. */
  g_hash_table_remove_all (self->pending);
  /* Deletions already being sent finish first: shutting the core mailbox down
   * would cancel them between DELE and QUIT. */
  if (self->n_deleting == 0)
    mp_mailbox_shutdown (self->mailbox);
}

void
mp_account_state_send_pending_deletes (MpAccountState *self)
{
  g_autofree gpointer *ids = NULL;
  guint n = 0;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  ids = g_hash_table_get_keys_as_array (self->pending, &n);
  /* Oldest first, in the order the user confirmed them. */
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      if (GPOINTER_TO_UINT (ids[j]) < GPOINTER_TO_UINT (ids[i]))
        {
          gpointer tmp = ids[i];
          ids[i] = ids[j];
          ids[j] = tmp;
        }
  for (guint i = 0; i < n; i++)
    mp_account_state_commit_delete (self, GPOINTER_TO_UINT (ids[i]));
}

/* ---------------------------------------------------------------- delete */

guint
mp_account_state_delete_later (MpAccountState *self,
                              GPtrArray     *summaries)
{
  GPtrArray *items;
  g_autoptr (GArray) positions = NULL;
  guint id;

  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);
  g_return_val_if_fail (summaries != NULL, 0);

  items = g_ptr_array_new_with_free_func (g_object_unref);
  positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), summaries->len);
  for (guint i = 0; i < summaries->len; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (summaries, i);
      guint pos;

      if (find_position (self, summary, &pos))
        {
          g_array_append_val (positions, pos);
          g_ptr_array_add (items, g_object_ref (summary));
        }
    }
  remove_positions (self, positions);
  id = ++self->next_pending_id;
  g_hash_table_insert (self->pending, GUINT_TO_POINTER (id), items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MESSAGES]);
  return id;
}

static void
restore_rows (MpAccountState *self,
              GPtrArray      *items)
{
  insert_in_order (self, items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MESSAGES]);
}

void
mp_account_state_undo_delete (MpAccountState *self,
                             guint          id)
{
  GPtrArray *items;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  items = g_hash_table_lookup (self->pending, GUINT_TO_POINTER (id));
  if (!items)
    return;
  restore_rows (self, items);
  g_hash_table_remove (self->pending, GUINT_TO_POINTER (id));
}

typedef struct {
  MpAccountState *self;   /* owned */
  GPtrArray      *items;  /* owned */
  GTask          *task;   /* owned, nullable: commit_delete_full's caller */
} DeleteData;

/* "busy" follows the deletions being sent: whoever runs the process (the
 * application) stays alive while it is set. */
static void
add_deleting (MpAccountState *self,
              int             delta)
{
  gboolean was_busy = self->n_deleting > 0;

  self->n_deleting += delta;
  if (was_busy != (self->n_deleting > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
delete_data_free (DeleteData *data)
{
  g_object_unref (data->self);
  g_ptr_array_unref (data->items);
  g_clear_object (&data->task);
  g_free (data);
}

static void
delete_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DeleteData *data = user_data;
  MpAccountState *self = data->self;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) deleted = NULL;

  if (mp_mailbox_delete_finish (MP_MAILBOX (source), result, &deleted, &error))
    {
      g_signal_emit (self, signals[SIGNAL_DELETED], 0, data->items->len);
      if (data->task)
        g_task_return_pointer (data->task, g_steal_pointer (&deleted), (GDestroyNotify) g_strfreev);
    }
  else if (g_error_matches (error, MP_ERROR, MP_ERROR_TOO_LARGE) && !data->task && !self->is_shutdown)
    {
      /* A manual delete of a message the recycle bin does not keep: nothing
       * was sent; the rows wait, out of the list, for the user's answer
       * (commit_delete_full with force_large, or undo_delete). */
      guint id = ++self->next_pending_id;

      g_hash_table_insert (self->pending, GUINT_TO_POINTER (id), g_ptr_array_ref (data->items));
      g_signal_emit (self, signals[SIGNAL_DELETE_TOO_LARGE], 0, id, error);
    }
  else
    {
      /* Nothing was deleted: the rows come back where they were. */
      if (!self->is_shutdown)
        restore_rows (self, data->items);
      /* Also after shutdown: whoever shows failures (the application, when no
       * window is left) must tell the user, who confirmed this deletion. */
      g_signal_emit (self, signals[SIGNAL_DELETE_FAILED], 0, error);
      if (data->task)
        g_task_return_error (data->task, g_steal_pointer (&error));
    }

  if (self->is_shutdown && self->n_deleting == 1 && self->mailbox)
    mp_mailbox_shutdown (self->mailbox);
  add_deleting (self, -1);
  delete_data_free (data);
}

void
mp_account_state_commit_delete (MpAccountState *self,
                               guint          id)
{
  mp_account_state_commit_delete_full (self, id, NULL, FALSE, NULL, NULL, NULL);
}

void
mp_account_state_commit_delete_full (MpAccountState      *self,
                                     guint                id,
                                     GHashTable          *rules,
                                     gboolean             force_large,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GPtrArray *items = NULL;
  g_autoptr (GPtrArray) uidls = NULL;
  g_autoptr (GPtrArray) rule_names = NULL;
  DeleteData *data;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  if (!g_hash_table_steal_extended (self->pending, GUINT_TO_POINTER (id), NULL, (gpointer *) &items))
    items = g_ptr_array_new ();
  if (items->len == 0 || self->is_shutdown)
    {
      /* Nothing to send (undone meanwhile, or shut down: nothing is deleted). */
      if (callback)
        g_task_report_new_error (self, callback, user_data, mp_account_state_commit_delete_full,
                                 MP_ERROR, MP_ERROR_NOT_DELETED, "%s", _("Nothing was deleted."));
      g_ptr_array_unref (items);
      return;
    }

  uidls = g_ptr_array_new ();
  rule_names = g_ptr_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      const char *uidl = mp_message_summary_get_uidl (g_ptr_array_index (items, i));

      g_ptr_array_add (uidls, (gpointer) uidl);
      if (rules)
        g_ptr_array_add (rule_names, g_hash_table_lookup (rules, uidl));
    }
  g_ptr_array_add (uidls, NULL);
  g_ptr_array_add (rule_names, NULL);

  data = g_new0 (DeleteData, 1);
  data->self = g_object_ref (self);
  data->items = items;
  if (callback)
    data->task = g_task_new (self, cancellable, callback, user_data);
  /* The deletion was confirmed and its undo period is over: it runs to its end
   * (no cancellable); "busy" keeps the process alive until then even when no
   * window is left. */
  add_deleting (self, 1);
  /* mp_mailbox_delete_async copies the UIDLs before returning. */
  mp_mailbox_delete_full_async (self->mailbox, (const char * const *) uidls->pdata,
                                rules ? (const char * const *) rule_names->pdata : NULL, force_large, NULL, delete_done, data);
}

char **
mp_account_state_commit_delete_finish (MpAccountState  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
mp_account_state_get_n_pending_deletes (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);
  return g_hash_table_size (self->pending);
}

/* ---------------------------------------------------------------- preview */

static void
preview_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  MpMessagePreview *preview;

  preview = mp_mailbox_preview_finish (MP_MAILBOX (source), result, &error);
  if (preview)
    g_task_return_pointer (task, preview, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
mp_account_state_fetch_preview (MpAccountState       *self,
                               MpMessageSummary    *summary,
                               gboolean             whole,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mp_account_state_fetch_preview);

  /* Looking at a message makes it no longer new. */
  if (mp_message_summary_get_is_new (summary))
    {
      mp_message_summary_set_is_new (summary, FALSE);
      if (self->n_new > 0)
        set_n_new (self, self->n_new - 1);
    }

  mp_mailbox_preview_async (self->mailbox, mp_message_summary_get_uidl (summary), whole,
                            cancellable, preview_done, g_steal_pointer (&task));
}

void
mp_account_state_mark_all_seen (MpAccountState *self)
{
  GListModel *model;
  GHashTableIter iter;
  gpointer value;
  guint n;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  model = G_LIST_MODEL (self->messages);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);

      mp_message_summary_set_is_new (summary, FALSE);
    }
  /* Rows still waiting to be fed in would otherwise arrive as new and count again. */
  for (guint i = 0; i < self->incoming->len; i++)
    mp_message_summary_set_is_new (g_ptr_array_index (self->incoming, i), FALSE);
  /* Likewise rows waiting out their undo period: an undo must not count them again. */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *items = value;

      for (guint i = 0; i < items->len; i++)
        mp_message_summary_set_is_new (g_ptr_array_index (items, i), FALSE);
    }
  set_n_new (self, 0);
}

MpMessagePreview *
mp_account_state_fetch_preview_finish (MpAccountState  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
mp_account_state_trust_certificate (MpAccountState *self,
                                   const char    *sha256_hex)
{
  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  mp_account_set_pinned_sha256 (self->account, sha256_hex);
}

/* ---------------------------------------------------------------- getters */

MpAccount *
mp_account_state_get_account (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);
  return self->account;
}

GListModel *
mp_account_state_get_messages (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);
  return G_LIST_MODEL (self->messages);
}

MpMailboxState
mp_account_state_get_state (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), MP_MAILBOX_STATE_IDLE);
  return self->state;
}

guint
mp_account_state_get_n_messages (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->messages)) + self->incoming->len;
}

guint
mp_account_state_get_n_new (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);
  return self->n_new;
}

const GError *
mp_account_state_get_error (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);
  return self->state == MP_MAILBOX_STATE_ERROR ? self->error : NULL;
}

void
mp_account_state_get_server_totals (MpAccountState *self,
                                    guint          *count,
                                    guint64        *size)
{
  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));
  *count = self->server_count;
  *size = self->server_size;
}

guint
mp_account_state_get_login_delay (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);

  return self->login_delay;
}

GDateTime *
mp_account_state_get_last_check (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);
  return self->last_check;
}

void
mp_account_state_get_progress (MpAccountState *self,
                              guint         *done,
                              guint         *total)
{
  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));
  if (done)
    *done = self->done;
  if (total)
    *total = self->total;
}

gboolean
mp_account_state_get_busy (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), FALSE);
  return self->n_deleting > 0;
}

MpMailbox *
mp_account_state_get_mailbox (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);
  return self->mailbox;
}

char *
mp_account_state_dup_status_text (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);

  switch (self->state)
    {
    case MP_MAILBOX_STATE_CHECKING:
      if (self->total > 0)
        return g_strdup_printf (_("Fetching headers %'u of %'u"), self->done, self->total);
      return g_strdup (_("Connecting…"));

    case MP_MAILBOX_STATE_ERROR:
      return g_strdup (mp_error_title (self->error));

    case MP_MAILBOX_STATE_IDLE:
    default:
      {
        guint n = mp_account_state_get_n_messages (self);
        g_autofree char *counts = NULL;
        g_autofree char *when = NULL;

        if (self->stopped)
          return g_strdup (_("Check stopped"));
        if (!self->last_check)
          return g_strdup (_("Not checked yet"));
        when = g_date_time_format (self->last_check, "%H:%M");
        counts = g_strdup_printf (ngettext ("%u message", "%u messages", n), n);
        if (self->n_new > 0)
          {
            g_autofree char *with_new = NULL;
            /* Translators: "%s, %u new" e.g. "25 messages, 3 new" */
            with_new = g_strdup_printf (_("%s, %u new"), counts, self->n_new);
            g_free (counts);
            counts = g_steal_pointer (&with_new);
          }
        /* Translators: first %s is a time (HH:MM), second the message counts */
        return g_strdup_printf (_("Last checked at %s — %s"), when, counts);
      }
    }
}

/* ---------------------------------------------------------------- GObject */

static void
mp_account_state_dispose (GObject *object)
{
  MpAccountState *self = MP_ACCOUNT_STATE (object);

  if (!self->is_shutdown && self->mailbox)
    mp_account_state_shutdown (self);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->mailbox);
  G_OBJECT_CLASS (mp_account_state_parent_class)->dispose (object);
}

static void
mp_account_state_finalize (GObject *object)
{
  MpAccountState *self = MP_ACCOUNT_STATE (object);

  g_clear_object (&self->account);
  g_clear_object (&self->messages);
  g_clear_object (&self->lifetime);
  g_clear_error (&self->error);
  g_clear_pointer (&self->last_check, g_date_time_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
  G_OBJECT_CLASS (mp_account_state_parent_class)->finalize (object);
}

static void
mp_account_state_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MpAccountState *self = MP_ACCOUNT_STATE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_MESSAGES:
      g_value_set_uint (value, mp_account_state_get_n_messages (self));
      break;
    case PROP_N_NEW:
      g_value_set_uint (value, self->n_new);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->total ? (double) self->done / self->total : 0.0);
      break;
    case PROP_ERROR_TEXT:
      g_value_set_string (value, self->error ? self->error->message : NULL);
      break;
    case PROP_LAST_CHECK:
      g_value_set_boxed (value, self->last_check);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->n_deleting > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_account_state_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  MpAccountState *self = MP_ACCOUNT_STATE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_account_state_constructed (GObject *object)
{
  MpAccountState *self = MP_ACCOUNT_STATE (object);

  G_OBJECT_CLASS (mp_account_state_parent_class)->constructed (object);
  self->mailbox = mp_mailbox_new (self->account);
}

static void
mp_account_state_class_init (MpAccountStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mp_account_state_constructed;
  object_class->dispose = mp_account_state_dispose;
  object_class->finalize = mp_account_state_finalize;
  object_class->get_property = mp_account_state_get_property;
  object_class->set_property = mp_account_state_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, MP_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, 0, MP_MAILBOX_STATE_ERROR, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_MESSAGES] =
    g_param_spec_uint ("n-messages", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_NEW] =
    g_param_spec_uint ("n-new", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_TEXT] =
    g_param_spec_string ("error-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_CHECK] =
    g_param_spec_boxed ("last-check", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* TRUE while confirmed deletions are being sent. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when a check ends (error NULL on success, CANCELLED when stopped). */
  signals[SIGNAL_CHECK_FINISHED] =
    g_signal_new ("check-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_DELETED] =
    g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_DELETE_FAILED] =
    g_signal_new ("delete-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* A successful check found messages an active rule acts on (GPtrArray of
   * MpRuleHit, borrowed); their rows are in the list.  Emitted before
   * check-finished. */
  /* A confirmed delete was refused before any DELE: a message is over the
   * recycle bin's limit (MP_ERROR_TOO_LARGE).  The rows stay out of the list
   * as pending deletion @id until commit_delete_full (force) or undo_delete. */
  signals[SIGNAL_DELETE_TOO_LARGE] =
    g_signal_new ("delete-too-large", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
  signals[SIGNAL_RULE_HITS] =
    g_signal_new ("rule-hits", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  seq_quark = g_quark_from_static_string ("mp-account-state-seq");
}

static void
mp_account_state_init (MpAccountState *self)
{
  self->messages = g_list_store_new (MP_TYPE_MESSAGE_SUMMARY);
  self->lifetime = g_cancellable_new ();
  self->pending = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  self->feed_step = FEED_FIRST_STEP;
}

MpAccountState *
mp_account_state_new (MpAccount *account)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (account), NULL);
  return g_object_new (MP_TYPE_ACCOUNT_STATE, "account", account, NULL);
}
