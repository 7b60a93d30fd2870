/* mp-rules-state.c — rules, recycle bins and the activity log of the session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mp-error.h"
#include "mp-recycle-bin.h"
#include "mp-rules-state.h"
#include "mp-session.h"

#define PURGE_INTERVAL_S (24 * 60 * 60)

struct _MpRulesState
{
  GObject         parent_instance;

  MpSession      *session;      /* not owned: it owns us */
  char           *path;         /* owned */
  MpRuleSet      *rules;        /* owned; empty when the file failed */
  GError         *load_error;   /* owned */
  MpActivityLog  *activity;     /* owned */
  guint           retention_days;
  guint           purge_id;     /* daily purge */
  GCancellable   *lifetime;     /* owned; cancelled in dispose */
  GHashTable     *rescan;       /* owned: ids of accounts whose listed rows the
                                 * rules saved since their last check have not
                                 * seen yet */
  GHashTable     *held;         /* owned: "account id\nUIDL" of messages a delete
                                 * rule hit but left, too large to keep a copy
                                 * of: the user is asked once per process */
};

enum {
  PROP_0,
  PROP_RETENTION_DAYS,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_RULES_DELETED,
  SIGNAL_JUNK_MARKED,
  SIGNAL_RULE_HELD,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpRulesState, mp_rules_state, G_TYPE_OBJECT)

void
mp_dry_run_hit_free (MpDryRunHit *hit)
{
  if (hit == NULL)
    return;
  g_clear_object (&hit->state);
  g_clear_object (&hit->summary);
  g_free (hit->reason);
  g_free (hit);
}

/* Every account state of the session, in the store's order (owned refs). */
static GPtrArray *
dup_states (MpRulesState *self)
{
  GListModel *store = G_LIST_MODEL (mp_session_get_store (self->session));
  GPtrArray *states = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (store);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      MpAccountState *state = mp_session_lookup (self->session, mp_account_get_id (account));

      if (state)
        g_ptr_array_add (states, g_object_ref (state));
    }
  return states;
}

/* ---------------------------------------------------------------- deleting */

typedef struct {
  MpRulesState   *self;       /* owned */
  MpAccountState *state;      /* owned */
  GHashTable     *rows;       /* owned: UIDL → MpMessageSummary (owned) */
  GHashTable     *rules;      /* owned: UIDL → rule name (owned) */
} RuleDelete;

static void
rule_delete_free (RuleDelete *data)
{
  g_object_unref (data->self);
  g_object_unref (data->state);
  g_hash_table_unref (data->rows);
  g_hash_table_unref (data->rules);
  g_free (data);
}

static void
log_deleted (RuleDelete  *data,
             char       **deleted)
{
  MpAccount *account = mp_account_state_get_account (data->state);

  for (guint i = 0; deleted && deleted[i]; i++)
    {
      MpMessageSummary *summary = g_hash_table_lookup (data->rows, deleted[i]);
      MpActivityEntry *entry;

      if (summary == NULL)
        continue;
      entry = g_new0 (MpActivityEntry, 1);
      entry->account = g_strdup (mp_account_get_name (account));
      entry->from = mp_message_summary_dup_from_display (summary);
      entry->subject = g_strdup (mp_message_summary_get_subject (summary));
      entry->size = mp_message_summary_get_size (summary);
      entry->rule = g_strdup (g_hash_table_lookup (data->rules, deleted[i]));
      entry->time = g_date_time_new_now_local ();
      mp_activity_log_add (data->self->activity, entry);
    }
}

static void
rule_delete_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RuleDelete *data = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) deleted = mp_account_state_commit_delete_finish (MP_ACCOUNT_STATE (source),
                                                                   result, &error);

  /* A failure was reported by the state ("delete-failed") and its rows are
   * back; the next check finds the messages again and tries once more. */
  if (deleted != NULL && deleted[0] != NULL)
    {
      log_deleted (data, deleted);
      g_signal_emit (data->self, signals[SIGNAL_RULES_DELETED], 0, data->state,
                     g_strv_length (deleted));
    }
  rule_delete_free (data);
}

static void
on_rule_hits (MpAccountState *state,
              GPtrArray      *hits,
              MpRulesState   *self)
{
  GListModel *model = mp_account_state_get_messages (state);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) held_rules = g_ptr_array_new_with_free_func (g_free);
  RuleDelete *data;
  guint n = g_list_model_get_n_items (model);
  guint id;

  data = g_new0 (RuleDelete, 1);
  data->self = g_object_ref (self);
  data->state = g_object_ref (state);
  data->rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  data->rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < hits->len; i++)
    {
      MpRuleHit *hit = g_ptr_array_index (hits, i);

      if (hit->action == MP_RULE_ACTION_DELETE)
        g_hash_table_insert (data->rules, g_strdup (hit->uidl), g_strdup (hit->rule));
    }
  /* The rows of the hits, by UIDL (the list holds each at most once). */
  for (guint i = 0; i < n && g_hash_table_size (data->rules) > 0; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);
      const char *uidl = mp_message_summary_get_uidl (summary);

      if (!g_hash_table_contains (data->rules, uidl))
        continue;
      if (mp_message_summary_get_size (summary) > MP_RECYCLE_BIN_DEFAULT_MAX_SIZE)
        {
          /* No copy can be kept: a rule never deletes it on its own (the
           * rest of the hits are deleted all the same); the user is asked. */
          g_autofree char *key = NULL;
          g_autofree char *rule = NULL;

          g_hash_table_steal_extended (data->rules, uidl, (gpointer *) &key, (gpointer *) &rule);
          if (g_hash_table_add (self->held, g_strdup_printf ("%s\n%s", mp_account_get_id (
                                  mp_account_state_get_account (state)), uidl)))
            {
              g_ptr_array_add (held, g_object_ref (summary));
              g_ptr_array_add (held_rules, g_steal_pointer (&rule));
            }
          continue;
        }
      g_hash_table_insert (data->rows, (gpointer) uidl, g_object_ref (summary));
      g_ptr_array_add (rows, g_steal_pointer (&summary));
    }
  for (guint i = 0; i < held->len; i++)
    g_signal_emit (self, signals[SIGNAL_RULE_HELD], 0, state, held->pdata[i], held_rules->pdata[i]);
  if (rows->len == 0)
    {
      rule_delete_free (data);
      return;
    }
  /* The same path as a confirmed manual delete, without its undo period: the
   * rule was confirmed when its dry run was seen and it was enabled. */
  id = mp_account_state_delete_later (state, rows);
  mp_account_state_commit_delete_full (state, id, data->rules, FALSE, NULL, rule_delete_done, data);
}

/* Rules saved after rows were listed act on those rows at the account's next
 * check, as the dry run showed: a check only evaluates the messages it fetches
 * (with their whole header block), and rows already listed are not fetched
 * again.  These rows are judged by the fields their summary keeps.  The same
 * goes for the rows listed from the header cache at start, which keeps no
 * rule's verdict (junk, quiet). */
static void
on_check_finished (MpAccountState *state,
                   const GError   *error,
                   MpRulesState   *self)
{
  GListModel *model = mp_account_state_get_messages (state);
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GDateTime) now = NULL;
  guint n;
  gboolean junk = FALSE;

  if (error || !g_hash_table_remove (self->rescan, mp_account_get_id (mp_account_state_get_account (state))))
    return;
  hits = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_rule_hit_free);
  now = g_date_time_new_now_utc ();
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);
      MpRuleInput input = { .summary = summary, .now = now };
      g_autofree char *reason = NULL;
      const MpRule *rule = mp_rule_set_evaluate (self->rules, &input, FALSE, &reason);
      MpRuleHit *hit;

      if (rule == NULL)
        continue;
      if (rule->action == MP_RULE_ACTION_JUNK && !mp_message_summary_get_junk (summary))
        {
          mp_message_summary_set_rule_flags (summary, TRUE, FALSE);
          junk = TRUE;
        }
      /* "Don't notify" (and delete, as on the worker): the header cache keeps no
       * verdict, so a quiet row still new after a restart would be announced
       * with the next new mail without this. */
      else if (rule->action != MP_RULE_ACTION_JUNK)
        mp_message_summary_set_rule_flags (summary, mp_message_summary_get_junk (summary), TRUE);
      hit = g_new0 (MpRuleHit, 1);
      hit->uidl = g_strdup (mp_message_summary_get_uidl (summary));
      hit->rule = g_strdup (rule->name);
      hit->action = rule->action;
      hit->reason = g_steal_pointer (&reason);
      g_ptr_array_add (hits, hit);
    }
  if (junk)
    g_signal_emit (self, signals[SIGNAL_JUNK_MARKED], 0, state);
  on_rule_hits (state, hits, self);
}

static void
attach_state (MpRulesState   *self,
              MpAccountState *state)
{
  MpMailbox *mailbox = mp_account_state_get_mailbox (state);
  const char *id = mp_account_get_id (mp_account_state_get_account (state));
  g_autofree char *dir = mp_recycle_bin_default_dir (id);

  mp_mailbox_set_recycle_dir (mailbox, dir);
  mp_mailbox_set_rules (mailbox, self->rules->rules->len > 0 ? self->rules : NULL);
  g_signal_connect_object (state, "rule-hits", G_CALLBACK (on_rule_hits), self, 0);
  g_signal_connect_object (state, "check-finished", G_CALLBACK (on_check_finished), self, 0);
  /* The rows it shows at start come from the header cache: no check fetches
   * them again, and the rules may have changed after they were fetched. */
  if (self->rules->rules->len > 0)
    g_hash_table_add (self->rescan, g_strdup (id));
}

static void
on_state_added (MpSession      *session,
                MpAccountState *state,
                MpRulesState   *self)
{
  attach_state (self, state);
}

static void
apply_rules (MpRulesState *self)
{
  g_autoptr (GPtrArray) states = dup_states (self);

  for (guint i = 0; i < states->len; i++)
    {
      MpAccountState *state = g_ptr_array_index (states, i);

      mp_mailbox_set_rules (mp_account_state_get_mailbox (state),
                            self->rules->rules->len > 0 ? self->rules : NULL);
      g_hash_table_add (self->rescan, g_strdup (mp_account_get_id (mp_account_state_get_account (state))));
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ---------------------------------------------------------------- file */

static void
load_rules (MpRulesState *self)
{
  g_autoptr (GError) error = NULL;
  MpRuleSet *rules = mp_rule_set_load (self->path, &error);

  g_clear_error (&self->load_error);
  g_clear_pointer (&self->rules, mp_rule_set_unref);
  if (rules == NULL)
    {
      /* Shown by the Rules dialog; no rule acts meanwhile. */
      g_message ("%s", error->message);
      self->load_error = g_steal_pointer (&error);
      rules = mp_rule_set_new ();
    }
  self->rules = rules;
}

gboolean
mp_rules_state_save (MpRulesState *self,
                     MpRuleSet    *rules,
                     gboolean      replace,
                     GError      **error)
{
  g_return_val_if_fail (MP_IS_RULES_STATE (self), FALSE);
  g_return_val_if_fail (rules != NULL, FALSE);

  if (self->load_error != NULL)
    {
      g_autofree char *kept = NULL;
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

      if (!replace)
        {
          g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                       _("The rules file %s could not be read and is kept as it is: %s"),
                       self->path, self->load_error->message);
          return FALSE;
        }
      /* The file the user chose to replace is kept beside it, never lost. */
      kept = g_strdup_printf ("%s.unreadable-%s", self->path, stamp);
      if (g_rename (self->path, kept) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not move %s aside: %s"), self->path, g_strerror (saved));
          return FALSE;
        }
    }
  if (!mp_rule_set_save (rules, self->path, error))
    return FALSE;
  g_clear_error (&self->load_error);
  mp_rule_set_ref (rules);
  g_clear_pointer (&self->rules, mp_rule_set_unref);
  self->rules = rules;
  apply_rules (self);
  return TRUE;
}

/* ---------------------------------------------------------------- recycle bin */

static void
purge_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  guint days = GPOINTER_TO_UINT (task_data);
  g_autofree char *some = mp_recycle_bin_default_dir ("account");
  g_autofree char *root = g_path_get_dirname (some);
  g_autoptr (GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;
  guint removed = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);
      g_autoptr (MpRecycleBin) bin = NULL;
      g_autoptr (GError) error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      bin = mp_recycle_bin_new (path, name);
      mp_recycle_bin_set_retention_days (bin, days);
      removed += mp_recycle_bin_purge (bin, NULL, &error);
      if (error)
        g_warning ("Recycle bin %s: %s", path, error->message);
    }
  g_task_return_int (task, removed);
}

void
mp_rules_state_purge_async (MpRulesState        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (MP_IS_RULES_STATE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mp_rules_state_purge_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (self->retention_days), NULL);
  g_task_run_in_thread (task, purge_thread);
}

guint
mp_rules_state_purge_finish (MpRulesState  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  n = g_task_propagate_int (G_TASK (result), error);
  return n > 0 ? (guint) n : 0;
}

static void
purge_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  mp_rules_state_purge_finish (MP_RULES_STATE (source), result, &error);
}

static gboolean
purge_tick (gpointer user_data)
{
  MpRulesState *self = user_data;

  mp_rules_state_purge_async (self, self->lifetime, purge_done, NULL);
  return G_SOURCE_CONTINUE;
}

guint
mp_rules_state_get_retention_days (MpRulesState *self)
{
  g_return_val_if_fail (MP_IS_RULES_STATE (self), 0);
  return self->retention_days;
}

void
mp_rules_state_set_retention_days (MpRulesState *self,
                                   guint         days)
{
  g_return_if_fail (MP_IS_RULES_STATE (self));

  if (self->retention_days == days)
    return;
  self->retention_days = days;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETENTION_DAYS]);
  purge_tick (self);
}

/* ---------------------------------------------------------------- dry run */

/* The message is allowed, or an earlier enabled rule of @rules takes it. */
static gboolean
taken_before (MpRuleSet         *rules,
              const MpRule      *rule,
              const MpRuleInput *input)
{
  if (mp_rule_set_allows (rules, input->summary))
    return TRUE;
  for (guint i = 0; i < rules->rules->len; i++)
    {
      const MpRule *other = g_ptr_array_index (rules->rules, i);

      if (other == rule)
        return FALSE;
      if (other->enabled && mp_rule_matches (other, input, NULL))
        return TRUE;
    }
  return FALSE;
}

GPtrArray *
mp_rules_state_dry_run (MpRulesState *self,
                        MpRuleSet    *rules,
                        const MpRule *rule)
{
  g_autoptr (GPtrArray) states = NULL;
  GPtrArray *hits = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_dry_run_hit_free);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (MP_IS_RULES_STATE (self), hits);
  g_return_val_if_fail (rules != NULL && rule != NULL, hits);

  states = dup_states (self);
  for (guint s = 0; s < states->len; s++)
    {
      MpAccountState *state = g_ptr_array_index (states, s);
      GListModel *model = mp_account_state_get_messages (state);
      guint n = g_list_model_get_n_items (model);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (MpMessageSummary) summary = g_list_model_get_item (model, i);
          MpRuleInput input = { .summary = summary, .now = now };
          g_autofree char *reason = NULL;
          MpDryRunHit *hit;

          if (taken_before (rules, rule, &input) || !mp_rule_matches (rule, &input, &reason))
            continue;
          hit = g_new0 (MpDryRunHit, 1);
          hit->state = g_object_ref (state);
          hit->summary = g_steal_pointer (&summary);
          hit->reason = g_steal_pointer (&reason);
          g_ptr_array_add (hits, hit);
        }
    }
  return hits;
}

/* ---------------------------------------------------------------- getters */

MpRuleSet *
mp_rules_state_get_rules (MpRulesState *self)
{
  g_return_val_if_fail (MP_IS_RULES_STATE (self), NULL);
  return self->rules;
}

const char *
mp_rules_state_get_path (MpRulesState *self)
{
  g_return_val_if_fail (MP_IS_RULES_STATE (self), NULL);
  return self->path;
}

const GError *
mp_rules_state_get_load_error (MpRulesState *self)
{
  g_return_val_if_fail (MP_IS_RULES_STATE (self), NULL);
  return self->load_error;
}

MpActivityLog *
mp_rules_state_get_activity (MpRulesState *self)
{
  g_return_val_if_fail (MP_IS_RULES_STATE (self), NULL);
  return self->activity;
}

/* ---------------------------------------------------------------- GObject */

static void
mp_rules_state_dispose (GObject *object)
{
  MpRulesState *self = MP_RULES_STATE (object);

  g_cancellable_cancel (self->lifetime);
  g_clear_handle_id (&self->purge_id, g_source_remove);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  self->session = NULL;
  G_OBJECT_CLASS (mp_rules_state_parent_class)->dispose (object);
}

static void
mp_rules_state_finalize (GObject *object)
{
  MpRulesState *self = MP_RULES_STATE (object);

  g_free (self->path);
  g_clear_pointer (&self->rules, mp_rule_set_unref);
  g_clear_error (&self->load_error);
  g_clear_object (&self->activity);
  g_clear_object (&self->lifetime);
  g_clear_pointer (&self->rescan, g_hash_table_unref);
  g_clear_pointer (&self->held, g_hash_table_unref);
  G_OBJECT_CLASS (mp_rules_state_parent_class)->finalize (object);
}

static void
mp_rules_state_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MpRulesState *self = MP_RULES_STATE (object);

  switch (prop_id)
    {
    case PROP_RETENTION_DAYS:
      g_value_set_uint (value, self->retention_days);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_rules_state_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MpRulesState *self = MP_RULES_STATE (object);

  switch (prop_id)
    {
    case PROP_RETENTION_DAYS:
      mp_rules_state_set_retention_days (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_rules_state_class_init (MpRulesStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_rules_state_dispose;
  object_class->finalize = mp_rules_state_finalize;
  object_class->get_property = mp_rules_state_get_property;
  object_class->set_property = mp_rules_state_set_property;

  properties[PROP_RETENTION_DAYS] =
    g_param_spec_uint ("retention-days", NULL, NULL, 1, 3650,
                       MP_RECYCLE_BIN_DEFAULT_RETENTION_DAYS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The rules in force changed (saved from the dialog). */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Rules deleted @n messages of @state (committed by QUIT's +OK): one per
   * check, for one summary notification. */
  signals[SIGNAL_RULES_DELETED] =
    g_signal_new ("rules-deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, MP_TYPE_ACCOUNT_STATE, G_TYPE_UINT);
  /* Rows already in @state's list became junk (rules saved since they were
   * listed): whoever filters junk out filters again. */
  signals[SIGNAL_JUNK_MARKED] =
    g_signal_new ("junk-marked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MP_TYPE_ACCOUNT_STATE);
  /* The delete rule @rule hit @summary of @state, which is larger than the
   * recycle bin keeps: it was not deleted, and stays in the list.  Whoever
   * shows the app asks the user (a delete without a copy needs a yes). */
  signals[SIGNAL_RULE_HELD] =
    g_signal_new ("rule-held", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, MP_TYPE_ACCOUNT_STATE,
                  MP_TYPE_MESSAGE_SUMMARY, G_TYPE_STRING);
}

static void
mp_rules_state_init (MpRulesState *self)
{
  self->retention_days = MP_RECYCLE_BIN_DEFAULT_RETENTION_DAYS;
  self->lifetime = g_cancellable_new ();
  self->rescan = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

MpRulesState *
mp_rules_state_new (MpSession  *session,
                    const char *rules_path,
                    const char *log_path)
{
  MpRulesState *self;
  g_autoptr (GPtrArray) states = NULL;
  g_autofree char *default_log = NULL;

  g_return_val_if_fail (MP_IS_SESSION (session), NULL);

  self = g_object_new (MP_TYPE_RULES_STATE, NULL);
  self->session = session;
  self->path = rules_path ? g_strdup (rules_path) : mp_rules_default_path ();
  if (log_path == NULL)
    log_path = default_log = mp_activity_log_default_path ();
  self->activity = mp_activity_log_new (log_path);
  load_rules (self);

  states = dup_states (self);
  for (guint i = 0; i < states->len; i++)
    attach_state (self, g_ptr_array_index (states, i));
  g_signal_connect (session, "state-added", G_CALLBACK (on_state_added), self);

  /* At start, then daily. */
  purge_tick (self);
  self->purge_id = g_timeout_add_seconds (PURGE_INTERVAL_S, purge_tick, self);
  return self;
}
