/* mp-account-state.c — the window's model of one account's mailbox.
 *
 * Wraps core's MpMailbox (jobs on worker threads; callbacks on the main context).
 * Summaries arrive in batches and are spliced into a GListStore (the list itself:
 * mp-account-rows.c; which rows are new and announced: mp-account-new.c;
 * deletions, from undo period to QUIT: mp-account-delete.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-account-state-private.h"
#include "mp-mailbox.h"
#include "mp-error-text.h"
#include "mp-message-order.h"

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpAccountState, mp_account_state, G_TYPE_OBJECT)

void
mp_account_state_notify (MpAccountState     *self,
                         MpAccountStateProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
mp_account_state_emit (MpAccountState       *self,
                       MpAccountStateSignal  signal,
                       ...)
{
  va_list args;

  va_start (args, signal);
  g_signal_emit_valist (self, signals[signal], 0, args);
  va_end (args);
}

/* "busy" follows the deletions being sent and the writes of the header cache
 * and the seen store: whoever runs the process (the application) stays alive
 * while it is set. */
void
mp_account_state_add_busy (MpAccountState *self,
                           guint          *counter,
                           int             delta)
{
  gboolean was_busy = mp_account_state_get_busy (self);

  *counter += delta;
  if (was_busy != mp_account_state_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
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

  if (total > 0)
    mp_account_rows_begin_check (self, total);
  if (summaries && summaries->len > 0)
    mp_account_rows_append (self, summaries);

  self->done = done;
  self->total = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
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
  mp_account_rows_end_check (self);
  /* Rows still waiting in `incoming` keep going in a few per frame. */
  if (check && check->removed_uidls && check->removed_uidls[0])
    mp_account_rows_flush (self);

  if (check)
    {
      mp_account_new_kept (self, check->kept_new_uidls);
      mp_account_rows_remove_gone (self, check->removed_uidls);
      if (check->rule_hits && check->rule_hits->len > 0)
        {
          mp_account_rows_flush (self);
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
      mp_account_cache_checked (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->stopped = TRUE;
      set_state (self, self->error ? mp_account_cache_failed_state (self, self->error)
                                   : MP_MAILBOX_STATE_IDLE);
    }
  else
    {
      set_error (self, error);
      set_state (self, mp_account_cache_failed_state (self, error));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_signal_emit (self, signals[SIGNAL_CHECK_FINISHED], 0, error);
}

/* The check's known rows are collected: hand them to it (NULL: stopped). */
static void
known_rows_collected (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (MpKnownRows) known = user_data;

  mp_known_rows_provide (known, mp_account_rows_snapshot_finish (MP_ACCOUNT_STATE (source),
                                                                 result, NULL));
}

void
mp_account_state_check (MpAccountState *self)
{
  g_autoptr (MpKnownRows) known = NULL;

  g_return_if_fail (MP_IS_ACCOUNT_STATE (self));

  if (self->is_shutdown || self->check_cancellable || mp_account_cache_defer_check (self))
    return;

  self->stopped = FALSE;
  self->done = 0;
  self->total = 0;
  self->check_cancellable = g_cancellable_new ();
  set_state (self, MP_MAILBOX_STATE_CHECKING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  /* Rows shown (cached ones too), still fed in or waiting for their undo
   * period are known: no TOP for them.  The check is queued now (jobs asked
   * for after it run after it); its rows follow, copied in slices, and it
   * waits for them after LIST and UIDL. */
  known = mp_known_rows_new ();
  mp_mailbox_check_async (self->mailbox, known,
                          on_check_progress, g_object_ref (self), g_object_unref,
                          self->check_cancellable,
                          check_done, g_object_ref (self));
  mp_account_rows_snapshot_async (self, self->check_cancellable,
                                  known_rows_collected, mp_known_rows_ref (known));
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
  mp_account_new_viewed (self, summary);

  mp_mailbox_preview_async (self->mailbox, mp_message_summary_get_uidl (summary), whole,
                            cancellable, preview_done, g_steal_pointer (&task));
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

gboolean
mp_account_state_lists (MpAccountState   *self,
                        MpMessageSummary *summary)
{
  guint position;

  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), FALSE);
  return mp_account_rows_find (self, summary, &position);
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
mp_account_state_get_rows_as_of (MpAccountState *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);
  return self->rows_as_of;
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
  return self->n_deleting > 0 || self->n_saving > 0 || self->n_marking > 0;
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
  g_autofree char *cached = NULL;

  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (self), NULL);

  cached = mp_account_cache_dup_status_text (self);
  if (cached)
    return g_steal_pointer (&cached);
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
  g_clear_pointer (&self->rows_as_of, g_date_time_unref);
  g_clear_object (&self->header_cache);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
  g_clear_pointer (&self->announced, g_hash_table_unref);
  mp_message_order_clear (&self->arrival_order);
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
      g_value_set_boolean (value, mp_account_state_get_busy (self));
      break;
    case PROP_ROWS_AS_OF:
      g_value_set_boxed (value, self->rows_as_of);
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
    case PROP_HEADER_CACHE:
      self->header_cache = g_value_dup_object (value);
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
  mp_account_cache_load (self);
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
    g_param_spec_int ("state", NULL, NULL, 0, MP_MAILBOX_STATE_OFFLINE, 0,
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
  /* TRUE while confirmed deletions are being sent, or "seen" is being saved. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROWS_AS_OF] =
    g_param_spec_boxed ("rows-as-of", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEADER_CACHE] =
    g_param_spec_object ("header-cache", NULL, NULL, MP_TYPE_HEADER_CACHE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
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

}

static void
mp_account_state_init (MpAccountState *self)
{
  self->messages = g_list_store_new (MP_TYPE_MESSAGE_SUMMARY);
  self->lifetime = g_cancellable_new ();
  self->pending = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  self->announced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->feed_step = FEED_FIRST_STEP;
}

MpAccountState *
mp_account_state_new (MpAccount *account)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (account), NULL);
  return g_object_new (MP_TYPE_ACCOUNT_STATE, "account", account, NULL);
}

MpAccountState *
mp_account_state_new_cached (MpAccount     *account,
                             MpHeaderCache *cache)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (MP_IS_HEADER_CACHE (cache), NULL);
  return g_object_new (MP_TYPE_ACCOUNT_STATE, "account", account, "header-cache", cache, NULL);
}
