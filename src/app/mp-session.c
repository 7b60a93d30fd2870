/* mp-session.c — the process's accounts, their states and the scheduler.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-mailbox.h"
#include "mp-rules-state.h"
#include "mp-session.h"

struct _MpSession
{
  GObject         parent_instance;

  MpAccountStore *store;      /* owned */
  MpScheduler    *scheduler;  /* owned */
  MpHeaderCache  *cache;      /* owned: every account's rows across restarts */
  GHashTable     *states;     /* account id → MpAccountState (owned) */
  MpRulesState   *rules;      /* owned */
  guint           n_busy;     /* account states sending deletions */
  gboolean        is_shutdown;
};

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_STATE_ADDED,
  SIGNAL_DELETE_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpSession, mp_session, G_TYPE_OBJECT)

/* ---------------------------------------------------------------- scheduling */

static void
on_check_finished (MpAccountState *state,
                   const GError   *error,
                   MpSession      *self)
{
  const char *id = mp_account_get_id (mp_account_state_get_account (state));

  if (self->is_shutdown)
    return;
  if (error)
    mp_scheduler_report_failure (self->scheduler, id, error);
  else
    {
      /* Before reporting success: the next due time must respect the server's delay. */
      mp_scheduler_set_login_delay (self->scheduler, id,
                                    mp_account_state_get_login_delay (state));
      mp_scheduler_report_success (self->scheduler, id);
    }
}

static void
on_check_due (MpScheduler *scheduler,
              const char  *account_id,
              MpSession   *self)
{
  MpAccountState *state = g_hash_table_lookup (self->states, account_id);

  if (state)
    mp_account_state_check (state);
}

static void
on_account_interval_changed (MpAccount  *account,
                             GParamSpec *pspec,
                             MpSession  *self)
{
  if (!self->is_shutdown)
    mp_scheduler_set_interval (self->scheduler, mp_account_get_id (account),
                               mp_account_get_check_interval (account));
}

static void
on_state_busy (MpAccountState *state,
               GParamSpec     *pspec,
               MpSession      *self)
{
  gboolean was_busy = self->n_busy > 0;

  if (mp_account_state_get_busy (state))
    self->n_busy++;
  else if (self->n_busy > 0)
    self->n_busy--;
  if (was_busy != (self->n_busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
on_delete_failed (MpAccountState *state,
                  const GError   *error,
                  MpSession      *self)
{
  g_signal_emit (self, signals[SIGNAL_DELETE_FAILED], 0, state, error);
}

/* ---------------------------------------------------------------- accounts */

static void
add_state (MpSession *self,
           MpAccount *account)
{
  const char *id = mp_account_get_id (account);
  MpAccountState *state = mp_account_state_new_cached (account, self->cache);

  g_hash_table_insert (self->states, g_strdup (id), state);
  g_signal_connect_object (state, "check-finished", G_CALLBACK (on_check_finished), self, 0);
  /* Stays connected after the account is removed: a deletion it still sends
   * keeps the session busy until its end. */
  g_signal_connect_object (state, "notify::busy", G_CALLBACK (on_state_busy), self, 0);
  g_signal_connect_object (state, "delete-failed", G_CALLBACK (on_delete_failed), self, 0);
  g_signal_connect_object (account, "notify::check-interval",
                           G_CALLBACK (on_account_interval_changed), self, 0);
  /* The first check is due at once (the scheduler emits it from an idle). */
  mp_scheduler_add_account (self->scheduler, id, mp_account_get_check_interval (account), 0);
  g_signal_emit (self, signals[SIGNAL_STATE_ADDED], 0, state);
}

static void
sync_states (MpSession *self)
{
  GListModel *model = G_LIST_MODEL (self->store);
  guint n = g_list_model_get_n_items (model);
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (model, i);
      const char *id = mp_account_get_id (account);

      g_hash_table_add (present, (gpointer) id);
      if (!g_hash_table_contains (self->states, id))
        add_state (self, account);
    }

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (present, key))
      {
        /* Removing an account cancels its jobs. */
        mp_scheduler_remove_account (self->scheduler, key);
        g_signal_handlers_disconnect_by_func (mp_account_state_get_account (value),
                                              on_account_interval_changed, self);
        mp_account_state_shutdown (value);
        mp_account_state_forget_cache (value);
        g_hash_table_iter_remove (&iter);
      }
}

static void
on_store_items_changed (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        MpSession  *self)
{
  if (!self->is_shutdown)
    sync_states (self);
}

/* ---------------------------------------------------------------- public */

MpAccountStore *
mp_session_get_store (MpSession *self)
{
  g_return_val_if_fail (MP_IS_SESSION (self), NULL);
  return self->store;
}

MpRulesState *
mp_session_get_rules (MpSession *self)
{
  g_return_val_if_fail (MP_IS_SESSION (self), NULL);
  return self->rules;
}

MpScheduler *
mp_session_get_scheduler (MpSession *self)
{
  g_return_val_if_fail (MP_IS_SESSION (self), NULL);
  return self->scheduler;
}

MpAccountState *
mp_session_lookup (MpSession  *self,
                   const char *account_id)
{
  g_return_val_if_fail (MP_IS_SESSION (self), NULL);
  return account_id ? g_hash_table_lookup (self->states, account_id) : NULL;
}

gboolean
mp_session_get_busy (MpSession *self)
{
  g_return_val_if_fail (MP_IS_SESSION (self), FALSE);
  return self->n_busy > 0;
}

void
mp_session_check_all (MpSession *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (MP_IS_SESSION (self));

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    mp_account_state_check (value);
}

void
mp_session_send_pending_deletes (MpSession *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (MP_IS_SESSION (self));

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    mp_account_state_send_pending_deletes (value);
}

void
mp_session_shutdown (MpSession *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (MP_IS_SESSION (self));

  if (self->is_shutdown)
    return;
  /* Deletions the user confirmed are sent first; they keep the session busy
   * until the server answered. */
  mp_session_send_pending_deletes (self);
  self->is_shutdown = TRUE;
  g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    mp_account_state_shutdown (value);
}

/* ---------------------------------------------------------------- test login */

static void
test_login_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char **caps = mp_mailbox_test_login_finish (MP_MAILBOX (source), result, &error);

  /* A queue of its own (a new account): nothing else will use it. */
  if (g_task_get_task_data (task) == source)
    mp_mailbox_shutdown (MP_MAILBOX (source));
  if (caps)
    g_task_return_pointer (task, caps, (GDestroyNotify) g_strfreev);
  else
    g_task_return_error (task, error);
}

void
mp_session_test_login_async (MpSession           *self,
                             const char          *account_id,
                             MpAccount           *settings,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  MpAccountState *state;
  MpMailbox *mailbox;

  g_return_if_fail (MP_IS_SESSION (self));
  g_return_if_fail (MP_IS_ACCOUNT (settings));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mp_session_test_login_async);
  state = mp_session_lookup (self, account_id);
  if (state && !self->is_shutdown)
    mailbox = mp_account_state_get_mailbox (state);
  else
    {
      g_autoptr (MpMailbox) own = mp_mailbox_new (settings);

      mp_mailbox_set_idle_timeout (own, 0);
      g_task_set_task_data (task, g_object_ref (own), g_object_unref);
      mailbox = own;
    }
  mp_mailbox_test_settings_async (mailbox, settings, password, cancellable,
                                  test_login_done, g_steal_pointer (&task));
}

char **
mp_session_test_login_finish (MpSession     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------- GObject */

static void
mp_session_dispose (GObject *object)
{
  MpSession *self = MP_SESSION (object);

  if (self->store)
    {
      mp_session_shutdown (self);
      g_signal_handlers_disconnect_by_data (self->store, self);
    }
  if (self->rules)
    g_object_run_dispose (G_OBJECT (self->rules));
  g_clear_object (&self->rules);
  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->store);
  g_clear_object (&self->cache);
  G_OBJECT_CLASS (mp_session_parent_class)->dispose (object);
}

static void
mp_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MpSession *self = MP_SESSION (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->n_busy > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_session_class_init (MpSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_session_dispose;
  object_class->get_property = mp_session_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A new account got its state (emitted after it is in the session). */
  signals[SIGNAL_STATE_ADDED] =
    g_signal_new ("state-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MP_TYPE_ACCOUNT_STATE);
  /* A confirmed deletion failed (also for an account removed meanwhile). */
  signals[SIGNAL_DELETE_FAILED] =
    g_signal_new ("delete-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, MP_TYPE_ACCOUNT_STATE, G_TYPE_ERROR);
}

static void
mp_session_init (MpSession *self)
{
  self->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

MpSession *
mp_session_new (MpAccountStore *store,
                MpScheduler    *scheduler)
{
  MpSession *self;

  g_return_val_if_fail (MP_IS_ACCOUNT_STORE (store), NULL);
  g_return_val_if_fail (MP_IS_SCHEDULER (scheduler), NULL);

  self = g_object_new (MP_TYPE_SESSION, NULL);
  self->cache = mp_header_cache_new (NULL);
  self->store = g_object_ref (store);
  self->scheduler = g_object_ref (scheduler);
  g_signal_connect (scheduler, "check-due", G_CALLBACK (on_check_due), self);
  g_signal_connect (store, "items-changed", G_CALLBACK (on_store_items_changed), self);
  sync_states (self);
  self->rules = mp_rules_state_new (self, NULL, NULL);
  return self;
}
