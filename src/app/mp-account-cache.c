/* mp-account-cache.c — an MpAccountState's rows across restarts (MpHeaderCache).
 *
 * At construction the account's cached rows are loaded on a worker and go into
 * the list before any network: a check asked for meanwhile waits for them, so
 * the cached UIDLs are "known" to it (no TOP for them; the ones the server no
 * longer lists come back as removed and leave the list).  Until a check of this
 * run succeeds the rows are "as of" the cache's time.  After every successful
 * check the list is written back (atomically, on a worker); "busy" covers the
 * write, so the process does not end in the middle of it.
 *
 * A check that cannot reach the server while rows from an earlier check are
 * shown leaves the account OFFLINE, not in ERROR: the rows stay, with the time
 * they were last confirmed.
 *
 * Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-account-state-private.h"
#include "mp-error.h"

static void
set_rows_as_of (MpAccountState *self,
                GDateTime      *as_of)
{
  if (self->rows_as_of == as_of)
    return;
  g_clear_pointer (&self->rows_as_of, g_date_time_unref);
  if (as_of)
    self->rows_as_of = g_date_time_ref (as_of);
  mp_account_state_notify (self, PROP_ROWS_AS_OF);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (MpAccountState) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) as_of = NULL;
  g_autoptr (GPtrArray) rows = NULL;

  rows = mp_header_cache_load_finish (MP_HEADER_CACHE (source), result, &as_of, &error);
  self->cache_loading = FALSE;
  if (self->is_shutdown)
    return;
  /* An unreadable file only costs the head start: the check fetches everything. */
  if (rows == NULL)
    g_warning ("Header cache of account %s not loaded: %s",
               mp_account_get_id (self->account), error->message);
  /* A check that already ran (it could not wait: none does) knows better. */
  else if (rows->len > 0 && self->last_check == NULL)
    {
      /* Both set before either is announced: whoever follows one reads the
       * other with it (the status line says "As of … — n messages"). */
      self->rows_as_of = g_date_time_ref (as_of);
      mp_account_rows_append_now (self, rows);
      mp_account_state_notify (self, PROP_ROWS_AS_OF);
    }
  if (self->check_wanted)
    {
      self->check_wanted = FALSE;
      mp_account_state_check (self);
    }
}

/* Starts loading the cached rows (construction). */
void
mp_account_cache_load (MpAccountState *self)
{
  if (self->header_cache == NULL)
    return;
  self->cache_loading = TRUE;
  mp_header_cache_load_async (self->header_cache, mp_account_get_id (self->account),
                              self->lifetime, load_done, g_object_ref (self));
}

/* TRUE (and the check is remembered) while the cached rows are still loading:
 * the check starts once they are in the list. */
gboolean
mp_account_cache_defer_check (MpAccountState *self)
{
  if (!self->cache_loading)
    return FALSE;
  self->check_wanted = TRUE;
  return TRUE;
}

static void save_rows (MpAccountState *self);

/* A write (or the copy of the rows before it) is over. */
static void
saved (MpAccountState *self)
{
  if (self->cache_forgotten)
    mp_header_cache_remove (self->header_cache, mp_account_get_id (self->account), NULL);
  else if (self->save_again && !self->is_shutdown)
    {
      /* One write at a time: two on the pool could land in either order. */
      self->save_again = FALSE;
      save_rows (self);
    }
  mp_account_state_add_busy (self, &self->n_saving, -1);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (MpAccountState) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!mp_header_cache_save_finish (MP_HEADER_CACHE (source), result, &error))
    g_warning ("Header cache of account %s not written: %s",
               mp_account_get_id (self->account), error->message);
  saved (self);
}

static void
rows_to_save (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (MpAccountState) self = user_data;
  /* Not cancellable: no error. */
  g_autoptr (GPtrArray) rows = mp_account_rows_snapshot_finish (self, result, NULL);

  if (self->cache_forgotten)
    {
      saved (self);
      return;
    }
  /* No cancellable: a write is short and atomic, and "busy" waits for it. */
  mp_header_cache_save_async (self->header_cache, mp_account_get_id (self->account), rows,
                              self->last_check, NULL, save_done, g_object_ref (self));
}

/* "busy" from the copy of the rows to the end of the write. */
static void
save_rows (MpAccountState *self)
{
  mp_account_state_add_busy (self, &self->n_saving, 1);
  mp_account_rows_snapshot_async (self, NULL, rows_to_save, g_object_ref (self));
}

/* A check succeeded: the rows are live now, and the cache gets them. */
void
mp_account_cache_checked (MpAccountState *self)
{
  set_rows_as_of (self, NULL);
  if (self->header_cache == NULL || self->cache_forgotten)
    return;
  if (self->n_saving > 0)
    self->save_again = TRUE;
  else
    save_rows (self);
}

void
mp_account_state_forget_cache (MpAccountState *self)
{
  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  if (self->header_cache == NULL)
    return;
  self->cache_forgotten = TRUE;
  /* A write in flight would bring the file back: it goes when that ends. */
  if (self->n_saving == 0)
    mp_header_cache_remove (self->header_cache, mp_account_get_id (self->account), NULL);
}

/* The state a failed check leaves: OFFLINE when the server could not be
 * reached and rows from an earlier check are there to show, else ERROR. */
MpMailboxState
mp_account_cache_failed_state (MpAccountState *self,
                               const GError   *error)
{
  gboolean unreachable = g_error_matches (error, MP_ERROR, MP_ERROR_NETWORK) ||
                         g_error_matches (error, MP_ERROR, MP_ERROR_TIMEOUT);

  if (unreachable && (self->last_check || self->rows_as_of))
    return MP_MAILBOX_STATE_OFFLINE;
  return MP_MAILBOX_STATE_ERROR;
}

/* "14:05" today, with the date before it on another day (a cache may be old). */
static char *
dup_when (GDateTime *time)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (time);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  /* Translators: a date and time in strftime format, for "as of …" */
  return g_date_time_format (local, _("%x %H:%M"));
}

/* The status line while the rows are from the cache or the account is offline;
 * NULL otherwise. */
char *
mp_account_cache_dup_status_text (MpAccountState *self)
{
  GDateTime *known = self->last_check ? self->last_check : self->rows_as_of;
  g_autofree char *when = NULL;
  guint n = mp_account_state_get_n_messages (self);

  if (self->state == MP_MAILBOX_STATE_OFFLINE && known)
    {
      when = dup_when (known);
      /* Translators: %s is when the server was last reached (a time, maybe a date) */
      return g_strdup_printf (_("Offline — last checked %s"), when);
    }
  if (self->rows_as_of == NULL)
    return NULL;
  when = dup_when (self->rows_as_of);
  if (self->state == MP_MAILBOX_STATE_CHECKING && self->total == 0)
    /* Translators: %s is a time (maybe with a date) */
    return g_strdup_printf (_("Connecting… — list as of %s"), when);
  if (self->state == MP_MAILBOX_STATE_IDLE)
    {
      g_autofree char *counts = g_strdup_printf (ngettext ("%u message", "%u messages", n), n);

      /* Translators: first %s is a time (maybe with a date), second the message count */
      return g_strdup_printf (_("As of %s — %s"), when, counts);
    }
  return NULL;
}
