/* mp-account-rows.c — the message list of an MpAccountState: rows in server
 * order (each summary carries its sequence number as qdata, so rows whose
 * deletion is undone or fails go back where they were), fed into the GListStore
 * in time slices, and taken out in runs.
 *
 * A check delivers its rows newest first (mp-mailbox.h): with the list showing
 * the newest on top, its first rows fill the view and the rest land below it,
 * where they cost GTK's list view next to nothing.  So a check reserves a range
 * of sequence numbers when it starts and hands them out from the top down, and
 * each splice puts a run of consecutive numbers, in either direction, where it
 * belongs.
 *
 * Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-account-state-private.h"
#include "mp-message-order.h"

static G_DEFINE_QUARK (mp-account-state-seq, seq);

static guint64
summary_seq (MpMessageSummary *summary)
{
  return GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (summary), seq_quark ()));
}

void
mp_account_rows_set_n_new (MpAccountState *self,
                           guint           n_new)
{
  if (self->n_new == n_new)
    return;
  self->n_new = n_new;
  mp_account_state_notify (self, PROP_N_NEW);
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

gboolean
mp_account_rows_find (MpAccountState    *self,
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

/* Where each of @summaries is in the list; those found are added to @found
 * and their positions to @positions.  Many are looked up with one pass over the
 * list (a binary search each reads about 14 items of 10,000 through the store's
 * sequence: 10,000 of them took ~20 ms). */
#define FIND_ONE_BY_ONE 32

void
mp_account_rows_find_all (MpAccountState *self,
                          GPtrArray      *summaries,
                          GPtrArray      *found,
                          GArray         *positions)
{
  g_autoptr (GHashTable) wanted = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  if (summaries->len <= FIND_ONE_BY_ONE)
    {
      for (guint i = 0; i < summaries->len; i++)
        {
          guint pos;

          if (mp_account_rows_find (self, g_ptr_array_index (summaries, i), &pos))
            {
              g_array_append_val (positions, pos);
              g_ptr_array_add (found, g_object_ref (g_ptr_array_index (summaries, i)));
            }
        }
      return;
    }
  wanted = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < summaries->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (summaries, i));
  for (guint pos = 0; pos < n && g_hash_table_size (wanted) > 0; pos++)
    {
      MpMessageSummary *summary = g_list_model_get_item (G_LIST_MODEL (self->messages), pos);

      if (g_hash_table_remove (wanted, summary))
        {
          g_array_append_val (positions, pos);
          g_ptr_array_add (found, summary);
        }
      else
        g_object_unref (summary);
    }
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
void
mp_account_rows_remove_positions (MpAccountState *self,
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
  mp_account_rows_set_n_new (self, self->n_new >= n_new ? self->n_new - n_new : 0);
}

static void feed_soon (MpAccountState *self);

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  guint64 sa = summary_seq (*(MpMessageSummary **) a);
  guint64 sb = summary_seq (*(MpMessageSummary **) b);

  return (sa > sb) - (sa < sb);
}

/* Puts @items back at their server-order positions, through the feed: 10,000
 * rows put back at once made the window build the row widgets of every place
 * they landed in view in one go (~50 ms).  Where they land is unknown here, so
 * the step learns their cost again from a small one. */
void
mp_account_rows_insert_in_order (MpAccountState *self,
                                 GPtrArray      *items)
{
  g_autoptr (GPtrArray) sorted = NULL;
  guint i = 1;

  if (items->len == 0)
    return;
  sorted = g_ptr_array_copy (items, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  /* Many rows were taken from the list in its order: sort only when not. */
  while (i < sorted->len && compare_seq (&sorted->pdata[i - 1], &sorted->pdata[i]) < 0)
    i++;
  if (i < sorted->len)
    g_ptr_array_sort (sorted, compare_seq);
  g_ptr_array_extend_and_steal (self->incoming, g_steal_pointer (&sorted));
  self->feed_step = MIN (self->feed_step, FEED_FIRST_STEP);
  feed_soon (self);
}

/* Rows go into the list in time slices: at most one slice a frame, none longer
 * than about FEED_BUDGET_US.  A splice has a fixed part (the views' bookkeeping,
 * keeping the list at its top) and a part per row that depends on where the rows
 * land: GTK 4.8's list views build row widgets synchronously for rows around the
 * visible ones (~0.3 ms a row), while rows out of view cost a few µs each.  So
 * the step adapts to what splices cost: it starts small (the first rows fill an
 * empty view), grows fast while splices stay well under the budget and shrinks
 * in proportion when one goes over.  At most FEED_MAX_STEP rows: the window's
 * sorted model sorts larger batches with everything else, in slices, and then
 * rebinds every row it shows. */
#define FEED_BUDGET_US     6000
#define FEED_MAX_STEP      2000
#define FEED_INTERVAL_MS      8

static gboolean feed_tick (gpointer user_data);

/* Moves rows from the head of `incoming` into the list with one splice: up to
 * @take of them, as long as their sequence numbers run on by one in either
 * direction (a check's rows come newest first, the header cache's oldest
 * first), to where that run belongs.  Returns how many went in. */
static guint
splice_incoming (MpAccountState *self,
                 guint           take)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_full (take, g_object_unref);
  guint64 first = summary_seq (g_ptr_array_index (self->incoming, 0));
  gint64 step = 0;
  guint n = 1, n_new = 0;

  if (take >= 2)
    {
      guint64 second = summary_seq (g_ptr_array_index (self->incoming, 1));

      step = second == first + 1 ? 1 : second + 1 == first ? -1 : 0;
    }
  while (step != 0 && n < take &&
         summary_seq (g_ptr_array_index (self->incoming, n)) == first + step * (gint64) n)
    n++;
  for (guint i = 0; i < n; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (self->incoming, step < 0 ? n - 1 - i : i);

      n_new += mp_message_summary_get_is_new (summary);
      g_ptr_array_add (rows, g_object_ref (summary));
    }
  /* Out of `incoming` before the splice: whoever reads n-messages in an
   * items-changed handler must not count these rows twice. */
  g_ptr_array_remove_range (self->incoming, 0, n);
  g_list_store_splice (self->messages, lower_bound (self, summary_seq (rows->pdata[0])), 0,
                       rows->pdata, n);
  if (n_new > 0)
    mp_account_rows_set_n_new (self, self->n_new + n_new);
  return n;
}

static void
schedule_feed (MpAccountState *self,
               guint           interval_ms)
{
  if (self->incoming->len > 0 && !self->feed_id)
    self->feed_id = g_timeout_add (interval_ms, feed_tick, self);
}

/* The next step after @take rows cost @cost µs: what would cost half the
 * budget at that rate, growing at most fourfold (a splice's fixed part makes
 * the rate look higher than it is for small steps, so growth is cautious). */
static guint
next_step (guint  take,
           gint64 cost)
{
  guint64 step = (guint64) take * (FEED_BUDGET_US / 2) / MAX (cost, 1);

  return (guint) CLAMP (step, 1, MIN ((guint64) take * 4, FEED_MAX_STEP));
}

/* One time slice of rows. */
static void
feed_rows (MpAccountState *self)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed = 0;
  gint64 cost = 0;

  /* The next splice would cost about what the last one did. */
  while (self->incoming->len > 0 && elapsed + cost <= FEED_BUDGET_US)
    {
      gint64 before = g_get_monotonic_time ();
      guint taken = splice_incoming (self, MIN (self->feed_step, self->incoming->len));

      cost = g_get_monotonic_time () - before;
      elapsed = g_get_monotonic_time () - start;
      /* Only a whole step tells what a step costs. */
      if (taken == self->feed_step || cost > FEED_BUDGET_US)
        self->feed_step = next_step (taken, cost);
    }
  if (elapsed > 0)
    mp_account_state_notify (self, PROP_N_MESSAGES);
  schedule_feed (self, FEED_INTERVAL_MS);
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
void
mp_account_rows_flush (MpAccountState *self)
{
  g_clear_handle_id (&self->feed_id, g_source_remove);
  if (self->incoming->len == 0)
    return;
  while (self->incoming->len > 0)
    splice_incoming (self, self->incoming->len);
  mp_account_state_notify (self, PROP_N_MESSAGES);
}

void
mp_account_rows_remove_gone (MpAccountState *self,
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
  mp_account_rows_remove_positions (self, positions);
  mp_account_state_notify (self, PROP_N_MESSAGES);
}


/* Rows already in the list (the header cache's, after a restart) for messages
 * the seen store still holds new: the check fetched no header for them, so it
 * is here that they become new again. Rows the check fetched came new already. */
void
mp_account_rows_mark_new (MpAccountState *self,
                          char          **uidls)
{
  g_autoptr (GHashTable) wanted = NULL;
  guint n, marked = 0;

  if (!uidls || !uidls[0])
    return;
  wanted = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; uidls[i]; i++)
    g_hash_table_add (wanted, uidls[i]);
  mp_account_rows_flush (self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (!mp_message_summary_get_is_new (summary)
          && g_hash_table_contains (wanted, mp_message_summary_get_uidl (summary)))
        {
          mp_message_summary_set_is_new (summary, TRUE);
          marked++;
        }
    }
  if (marked > 0)
    mp_account_rows_set_n_new (self, self->n_new + marked);
}

static void
set_seq (MpMessageSummary *summary,
         guint64           seq)
{
  g_object_set_qdata (G_OBJECT (summary), seq_quark (), GSIZE_TO_POINTER ((gsize) seq));
}

/* Rows in server order (the header cache's): the next sequence numbers. */
static void
take_rows (MpAccountState *self,
           GPtrArray      *summaries)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < summaries->len; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (summaries, i);

      set_seq (summary, ++self->next_seq);
      mp_message_order_note_arrival (&self->arrival_order, summary, now, self->next_seq);
      g_ptr_array_add (self->incoming, g_object_ref (summary));
    }
}

/* The rows slice in with the slice already due, or a first slice now. */
static void
feed_soon (MpAccountState *self)
{
  if (!self->feed_id)
    feed_rows (self);
}

void
mp_account_rows_begin_check (MpAccountState *self,
                             guint           total)
{
  if (self->check_reserved)
    return;
  self->check_reserved = TRUE;
  self->check_seq_next = self->next_seq + total;
  self->check_seq_left = total;
  self->next_seq += total;
}

/* Rows a check delivered, newest first: the check's sequence numbers from the
 * top down.  An undated row waits for the row before it (mp-message-order.h). */
void
mp_account_rows_append (MpAccountState *self,
                        GPtrArray      *summaries)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GPtrArray) ready = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < summaries->len; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (summaries, i);
      guint64 seq;

      /* More rows than the check announced cannot come; if they did, they
       * would still get numbers of their own, above every other row. */
      if (self->check_seq_left > 0)
        {
          seq = self->check_seq_next--;
          self->check_seq_left--;
        }
      else
        seq = ++self->next_seq;
      set_seq (summary, seq);
      mp_message_order_note_newest_first (&self->arrival_order, summary, now, seq, ready);
    }
  g_ptr_array_extend_and_steal (self->incoming, g_steal_pointer (&ready));
  feed_soon (self);
}

void
mp_account_rows_end_check (MpAccountState *self)
{
  g_autoptr (GPtrArray) ready = g_ptr_array_new_with_free_func (g_object_unref);

  mp_message_order_end_newest_first (&self->arrival_order, ready);
  self->check_reserved = FALSE;
  self->check_seq_left = 0;
  if (ready->len == 0)
    return;
  g_ptr_array_extend_and_steal (self->incoming, g_steal_pointer (&ready));
  feed_soon (self);
}

/* The header cache's rows at start: the first NOW_MAX_ROWS in one splice, the
 * rest fed in slices as usual.  They arrive while the application starts,
 * usually before any view is bound to the list, and then cost only the store's
 * inserts (a few ms for 10,000); a view already bound builds just the rows
 * around its visible ones (GTK 4.8: up to ~200, a few tens of ms once).  Fed
 * from the first row instead, 10,000 rows took about a second to show. */
#define NOW_MAX_ROWS 10000

void
mp_account_rows_append_now (MpAccountState *self,
                            GPtrArray      *summaries)
{
  take_rows (self, summaries);
  g_clear_handle_id (&self->feed_id, g_source_remove);
  splice_incoming (self, MIN (self->incoming->len, NOW_MAX_ROWS));
  mp_account_state_notify (self, PROP_N_MESSAGES);
  schedule_feed (self, FEED_INTERVAL_MS);
}

/* @rows by sequence number: a check's rows come newest first, so a run that
 * only goes down is turned round; anything else is sorted. */
static void
sort_by_seq (GPtrArray *rows)
{
  gboolean up = TRUE, down = TRUE;

  for (guint i = 1; i < rows->len && (up || down); i++)
    {
      int order = compare_seq (rows->pdata + i - 1, rows->pdata + i);

      up = up && order <= 0;
      down = down && order >= 0;
    }
  if (up)
    return;
  if (!down)
    {
      g_ptr_array_sort (rows, compare_seq);
      return;
    }
  for (guint i = 0, j = rows->len - 1; i < j; i++, j--)
    {
      gpointer swap = rows->pdata[i];

      rows->pdata[i] = rows->pdata[j];
      rows->pdata[j] = swap;
    }
}

/* @shown (the list's rows, in its order; taken) merged with the rows not in
 * the list: still being fed in, or waiting out an undo.  Its references move
 * into the result: none is taken twice. */
static GPtrArray *
merge_with_unlisted (MpAccountState *self,
                     GPtrArray      *shown)
{
  g_autoptr (GPtrArray) extra = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) moved = shown;
  GPtrArray *rows;
  GHashTableIter iter;
  gpointer value;
  guint i = 0, k = 0;

  for (guint e = 0; e < self->incoming->len; e++)
    g_ptr_array_add (extra, g_object_ref (g_ptr_array_index (self->incoming, e)));
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *items = value;

      for (guint e = 0; e < items->len; e++)
        g_ptr_array_add (extra, g_object_ref (g_ptr_array_index (items, e)));
    }
  if (extra->len == 0)
    return g_steal_pointer (&moved);
  sort_by_seq (extra);
  /* Merged with the list, which is in server order: no sort of 100,000 rows
   * on the main thread when a check ends while its rows are still fed in. */
  rows = g_ptr_array_new_full (shown->len + extra->len, g_object_unref);
  while (i < shown->len || k < extra->len)
    {
      if (k < extra->len &&
          (i == shown->len || compare_seq (&extra->pdata[k], &shown->pdata[i]) < 0))
        g_ptr_array_add (rows, g_object_ref (extra->pdata[k++]));
      else
        g_ptr_array_add (rows, shown->pdata[i++]);
    }
  g_ptr_array_set_free_func (shown, NULL);   /* its references are in rows now */
  return rows;
}

/* ---- every row the account knows, copied in slices ----
 * The header cache's write and a check's known UIDLs need every row at once.
 * Copying 100,000 of them in one go (a GSequence walk and a reference each)
 * took 10-14 ms of one main-loop iteration, most of a frame.  The list is
 * copied in slices of at most SNAPSHOT_SLICE rows and about SNAPSHOT_BUDGET_US,
 * between frames; a change to the list drops only what was copied from the
 * changed position on. */

#define SNAPSHOT_SLICE       8192
#define SNAPSHOT_BUDGET_US   3000
#define SNAPSHOT_INTERVAL_MS    2

typedef struct {
  MpAccountState *self;        /* owned */
  GPtrArray      *shown;       /* owned; the list's first rows, as they are now */
  gulong          changed_id;
  guint           source_id;
} Snapshot;

static void
snapshot_free (gpointer data)
{
  Snapshot *s = data;

  g_clear_signal_handler (&s->changed_id, s->self->messages);
  g_clear_handle_id (&s->source_id, g_source_remove);
  g_clear_pointer (&s->shown, g_ptr_array_unref);
  g_clear_object (&s->self);
  g_free (s);
}

static void
snapshot_list_changed (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       gpointer    data)
{
  Snapshot *s = data;

  if (position < s->shown->len)
    g_ptr_array_set_size (s->shown, position);
}

static gboolean
snapshot_step (gpointer data)
{
  GTask *task = data;
  Snapshot *s = g_task_get_task_data (task);
  GListModel *model = G_LIST_MODEL (s->self->messages);
  guint n = g_list_model_get_n_items (model);
  guint end = s->shown->len + SNAPSHOT_SLICE;
  gint64 start = g_get_monotonic_time ();

  while (s->shown->len < n && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_ptr_array_add (s->shown, g_list_model_get_item (model, s->shown->len));
      if (s->shown->len == end ||
          (s->shown->len % 1024 == 0 && g_get_monotonic_time () - start > SNAPSHOT_BUDGET_US))
        return G_SOURCE_CONTINUE;
    }
  s->source_id = 0;
  /* Done with the list: the copy is the result's now. */
  g_clear_signal_handler (&s->changed_id, s->self->messages);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, merge_with_unlisted (s->self, g_steal_pointer (&s->shown)),
                           (GDestroyNotify) g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

void
mp_account_rows_snapshot_async (MpAccountState      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Snapshot *s = g_new0 (Snapshot, 1);

  g_task_set_source_tag (task, mp_account_rows_snapshot_async);
  s->self = g_object_ref (self);
  s->shown = g_ptr_array_new_full (g_list_model_get_n_items (G_LIST_MODEL (self->messages)),
                                   g_object_unref);
  s->changed_id = g_signal_connect (self->messages, "items-changed",
                                    G_CALLBACK (snapshot_list_changed), s);
  g_task_set_task_data (task, s, snapshot_free);
  /* A timeout at the feed's priority, not an idle: a check's worker waits for
   * this copy, and an idle source waits as long as anything of higher priority
   * is ready (frames, the feed).  Between two slices the main loop is free for
   * a frame. */
  s->source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, SNAPSHOT_INTERVAL_MS, snapshot_step,
                                     task, g_object_unref);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, s->source_id),
                            "[mailpeek] row snapshot");
}

GPtrArray *
mp_account_rows_snapshot_finish (MpAccountState  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
