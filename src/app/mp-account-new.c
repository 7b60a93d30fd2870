/* mp-account-new.c — an MpAccountState's new mail: which rows are new, which of
 * them were announced already, and the seen store that keeps both across
 * restarts.
 *
 * A row stops being new when it is viewed or marked seen; the seen store is told
 * on a worker and "busy" covers the write, so the process does not end before a
 * restart would agree.  The announced set lets a notification tell news from
 * mail already announced (in this run or an earlier one).
 *
 * Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-account-state-private.h"
#include "mp-mailbox.h"

static void
mark_seen_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (MpAccountState) self = user_data;
  g_autoptr (GError) error = NULL;

  /* The rows are seen all the same; only a restart would show them new again. */
  if (!mp_mailbox_mark_seen_finish (MP_MAILBOX (source), result, &error))
    g_warning ("%s", error->message);
  mp_account_state_add_busy (self, &self->n_marking, -1);
}

/* Tells the seen store (NULL: everything seen), so a restart agrees. */
static void
forget_new (MpAccountState     *self,
            const char * const *uidls)
{
  mp_account_state_add_busy (self, &self->n_marking, 1);
  mp_mailbox_mark_seen_async (self->mailbox, uidls, mark_seen_done, g_object_ref (self));
}

void
mp_account_new_kept (MpAccountState *self,
                     char          **kept_new_uidls)
{
  /* New since a run before this one: announced then, not news now. */
  for (guint i = 0; kept_new_uidls && kept_new_uidls[i]; i++)
    g_hash_table_add (self->announced, g_strdup (kept_new_uidls[i]));
  mp_account_rows_mark_new (self, kept_new_uidls);
}

void
mp_account_new_viewed (MpAccountState   *self,
                       MpMessageSummary *summary)
{
  g_autoptr (GPtrArray) viewed = NULL;

  if (!mp_message_summary_get_is_new (summary))
    return;
  viewed = g_ptr_array_new ();
  g_ptr_array_add (viewed, summary);
  mp_account_state_mark_seen (self, viewed);
}

void
mp_account_state_mark_seen (MpAccountState *self,
                            GPtrArray      *summaries)
{
  g_autoptr (GPtrArray) uidls = NULL;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));
  g_return_if_fail (summaries != NULL);

  uidls = g_ptr_array_new ();
  for (guint i = 0; i < summaries->len; i++)
    {
      MpMessageSummary *summary = g_ptr_array_index (summaries, i);

      if (!mp_message_summary_get_is_new (summary))
        continue;
      mp_message_summary_set_is_new (summary, FALSE);
      g_hash_table_remove (self->announced, mp_message_summary_get_uidl (summary));
      g_ptr_array_add (uidls, (gpointer) mp_message_summary_get_uidl (summary));
    }
  if (uidls->len == 0)
    return;
  mp_account_rows_set_n_new (self, self->n_new > uidls->len ? self->n_new - uidls->len : 0);
  g_ptr_array_add (uidls, NULL);
  forget_new (self, (const char * const *) uidls->pdata);
}

GPtrArray *
mp_account_state_dup_new_messages (MpAccountState *self)
{
  GListModel *model;
  GPtrArray *rows;

  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);

  model = G_LIST_MODEL (self->messages);
  rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i - 1);

      if (mp_message_summary_get_is_new (summary))
        g_ptr_array_add (rows, g_steal_pointer (&summary));
    }
  return rows;
}

guint
mp_account_state_announce (MpAccountState *self)
{
  g_autoptr (GPtrArray) rows = NULL;
  GHashTable *now;
  guint fresh = 0;

  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), 0);

  /* The set becomes exactly the new rows: seen, deleted and gone ones drop out. */
  rows = mp_account_state_dup_new_messages (self);
  now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *uidl = mp_message_summary_get_uidl (g_ptr_array_index (rows, i));

      /* Quiet rows (a rule said "don't notify") are no news. */
      if (!g_hash_table_contains (self->announced, uidl)
          && !mp_message_summary_get_quiet (g_ptr_array_index (rows, i)))
        fresh++;
      g_hash_table_add (now, g_strdup (uidl));
    }
  g_hash_table_unref (self->announced);
  self->announced = now;
  return fresh;
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
  mp_account_rows_set_n_new (self, 0);
  g_hash_table_remove_all (self->announced);
  forget_new (self, NULL);
}
