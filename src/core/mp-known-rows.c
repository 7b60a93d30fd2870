/* mp-known-rows.c — a one-shot hand-over of the caller's rows to a check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-known-rows.h"

#include "mp-message-summary.h"

struct _MpKnownRows
{
  GMutex     lock;
  GCond      cond;
  gboolean   provided;   /* guarded by lock */
  GPtrArray *rows;       /* owned, nullable; set once, under lock */
};

static void
known_rows_clear (gpointer data)
{
  MpKnownRows *self = data;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
}

MpKnownRows *
mp_known_rows_new (void)
{
  MpKnownRows *self = g_atomic_rc_box_new0 (MpKnownRows);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  return self;
}

MpKnownRows *
mp_known_rows_ref (MpKnownRows *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
mp_known_rows_unref (MpKnownRows *self)
{
  g_atomic_rc_box_release_full (self, known_rows_clear);
}

void
mp_known_rows_provide (MpKnownRows *self,
                       GPtrArray   *rows)
{
  g_mutex_lock (&self->lock);
  g_warn_if_fail (!self->provided);
  if (!self->provided)
    {
      self->rows = rows;
      self->provided = TRUE;
      rows = NULL;
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&rows, g_ptr_array_unref);
}

static void
wake (GCancellable *cancellable,
      gpointer      data)
{
  MpKnownRows *self = data;

  /* Under the lock: a waiter between its check and g_cond_wait() is not missed. */
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

GHashTable *
mp_known_rows_wait (MpKnownRows   *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (wake), self, NULL);
  GHashTable *set;

  g_mutex_lock (&self->lock);
  while (!self->provided && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  /* Not under the lock: this waits for a wake() that is running. */
  g_cancellable_disconnect (cancellable, handler);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* provided is set and rows never change again: no lock needed from here. */
  if (self->rows == NULL)
    {
      /* As GCancellable words it (GLib's own translation). */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           g_dgettext ("glib20", "Operation was cancelled"));
      return NULL;
    }
  set = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->rows->len; i++)
    g_hash_table_add (set, (gpointer) mp_message_summary_get_uidl (self->rows->pdata[i]));
  return set;
}
