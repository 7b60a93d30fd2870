/* mp-account-delete.c — an MpAccountState's deletions.
 *
 * A confirmed deletion first waits out its undo period: its rows leave the list
 * at once and are kept, under an id, in `pending`.  Undo puts them back; commit
 * hands them to the mailbox (copies into the recycle bin when one is set, then
 * DELE and QUIT), and only QUIT's +OK deletes anything, so on failure the rows
 * come back where they were.  A message over the recycle bin's limit is refused
 * before any DELE and waits, pending again, for the user's answer.  "busy"
 * covers every deletion being sent, so the process does not end before its
 * QUIT.
 *
 * Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-account-state-private.h"
#include "mp-mailbox.h"
#include "mp-error.h"

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
  mp_account_rows_find_all (self, summaries, items, positions);
  if (items->len == 0)
    {
      g_ptr_array_unref (items);
      return 0;
    }
  mp_account_rows_remove_positions (self, positions);
  id = ++self->next_pending_id;
  g_hash_table_insert (self->pending, GUINT_TO_POINTER (id), items);
  mp_account_state_notify (self, PROP_N_MESSAGES);
  return id;
}

static void
restore_rows (MpAccountState *self,
              GPtrArray      *items)
{
  mp_account_rows_insert_in_order (self, items);
  mp_account_state_notify (self, PROP_N_MESSAGES);
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
      mp_account_state_emit (self, SIGNAL_DELETED, data->items->len);
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
      mp_account_state_emit (self, SIGNAL_DELETE_TOO_LARGE, id, error);
    }
  else
    {
      /* Nothing was deleted: the rows come back where they were. */
      if (!self->is_shutdown)
        restore_rows (self, data->items);
      /* Also after shutdown: whoever shows failures (the application, when no
       * window is left) must tell the user, who confirmed this deletion. */
      mp_account_state_emit (self, SIGNAL_DELETE_FAILED, error);
      if (data->task)
        g_task_return_error (data->task, g_steal_pointer (&error));
    }

  if (self->is_shutdown && self->n_deleting == 1 && self->mailbox)
    mp_mailbox_shutdown (self->mailbox);
  mp_account_state_add_busy (self, &self->n_deleting, -1);
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
  mp_account_state_add_busy (self, &self->n_deleting, 1);
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
mp_account_state_get_n_pending_rows (MpAccountState *self,
                                     guint           id)
{
  GPtrArray *items;

  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);
  items = g_hash_table_lookup (self->pending, GUINT_TO_POINTER (id));
  return items ? items->len : 0;
}

guint
mp_account_state_get_n_pending_deletes (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);
  return g_hash_table_size (self->pending);
}
