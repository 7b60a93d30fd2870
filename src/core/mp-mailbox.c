/* mp-mailbox.c — per-account serial job queue on a shared worker pool;
 * the main-thread half (queueing, cancellation, delivery, idle timer).
 * Job bodies: mp-mailbox-jobs.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-mailbox-private.h"

#include <libsecret/secret.h>

#include "mp-error.h"
#include "mp-thread-priority.h"

G_DEFINE_FINAL_TYPE (MpMailbox, mp_mailbox, G_TYPE_OBJECT)

/* ---- the shared pool ---- */

static void pool_func (gpointer data, gpointer user_data);

static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;

  /* Exclusive: a burst of GTask work elsewhere in the app cannot take our threads. */
  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (pool_func, NULL, MP_MAILBOX_MAX_THREADS,
                                                 TRUE, NULL));
  return pool;
}

/* Always through an idle source: g_main_context_invoke () would run @func right
 * here when the context is free or ours (on a worker, or inside a cancel handler). */
static void
post_to_context (GMainContext   *context,
                 GSourceFunc     func,
                 gpointer        data,
                 GDestroyNotify  destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[mailpeek] mailbox result");
  g_source_attach (source, context);
  g_source_unref (source);
}

/* ---- jobs ---- */

static void
job_free (Job *job)
{
  g_clear_object (&job->mailbox);
  if (job->caller_handler != 0)
    g_cancellable_disconnect (job->caller_cancellable, job->caller_handler);
  g_clear_object (&job->caller_cancellable);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->options, mp_pop3_options_free);
  g_clear_pointer (&job->password, secret_password_free);
  g_clear_pointer (&job->credentials, mp_credential_source_free);
  g_free (job->account_id);
  /* The set's keys may be the rows' UIDLs: it goes first. */
  g_clear_pointer (&job->known, g_hash_table_unref);
  g_clear_pointer (&job->known_rows, mp_known_rows_unref);
  if (job->progress_destroy != NULL)
    job->progress_destroy (job->progress_data);
  g_clear_pointer (&job->pending, g_ptr_array_unref);
  g_free (job->uidl);
  g_strfreev (job->uidls);
  g_strfreev (job->rules);
  g_clear_pointer (&job->rule_set, mp_rule_set_unref);
  g_free (job->recycle_dir);
  g_free (job);
}

/* Main thread.  Hands the outcome to the GTask exactly once. */
static void
job_complete (Job            *job,
              gpointer        result,
              GDestroyNotify  result_free,
              GError         *error)
{
  GTask *task = job->task;

  if (job->completed)
    {
      if (result != NULL && result_free != NULL)
        result_free (result);
      g_clear_error (&error);
      return;
    }
  job->completed = TRUE;
  if (job->cancel_handler != 0)
    g_cancellable_disconnect (job->cancellable, job->cancel_handler);
  job->cancel_handler = 0;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, result_free);
}

typedef struct {
  GTask          *task;        /* owned */
  gpointer        result;
  GDestroyNotify  result_free;
  GError         *error;
} ResultMsg;

static gboolean
deliver_result (gpointer data)
{
  ResultMsg *msg = data;
  Job *job = g_task_get_task_data (msg->task);

  job_complete (job, msg->result, msg->result_free, msg->error);
  g_object_unref (msg->task);
  g_free (msg);
  return G_SOURCE_REMOVE;
}

void
mp_mailbox_job_post_result (Job            *job,
                            gpointer        result,
                            GDestroyNotify  result_free,
                            GError         *error)
{
  ResultMsg *msg = g_new0 (ResultMsg, 1);

  if (job->task == NULL)   /* internal job: nobody waits */
    {
      if (result != NULL && result_free != NULL)
        result_free (result);
      g_clear_error (&error);
      g_free (msg);
      return;
    }
  msg->task = g_object_ref (job->task);
  msg->result = result;
  msg->result_free = result_free;
  msg->error = error;
  /* Same priority as the batches, so the result never overtakes them. */
  post_to_context (job->context, deliver_result, msg, NULL);
}

typedef struct {
  GTask     *task;       /* owned */
  GPtrArray *summaries;  /* owned */
  guint      done, total;
} BatchMsg;

static gboolean
deliver_batch (gpointer data)
{
  BatchMsg *msg = data;
  Job *job = g_task_get_task_data (msg->task);

  /* A cancelled job shows nothing more. */
  if (!job->completed && !g_cancellable_is_cancelled (job->cancellable) &&
      job->progress != NULL)
    job->progress (job->mailbox, msg->summaries, msg->done, msg->total, job->progress_data);

  g_ptr_array_unref (msg->summaries);
  g_object_unref (msg->task);
  g_free (msg);
  return G_SOURCE_REMOVE;
}

void
mp_mailbox_job_post_batch (Job       *job,
                           GPtrArray *summaries,
                           guint      done,
                           guint      total)
{
  BatchMsg *msg = g_new0 (BatchMsg, 1);

  msg->task = g_object_ref (job->task);
  msg->summaries = summaries;
  msg->done = done;
  msg->total = total;
  post_to_context (job->context, deliver_batch, msg, NULL);
}

static gboolean
deliver_cancelled (gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);

  job_complete (job, NULL, NULL,
                g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled"));
  return G_SOURCE_REMOVE;
}

/* Any thread.  A queued job is taken off the queue and completes at once; a
 * running one is stopped by the engine (it watches the same cancellable) and
 * reports through the normal path within ~100 ms. */
static void
on_job_cancelled (GCancellable *cancellable,
                  gpointer      data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  MpMailbox *self = job->mailbox;
  gboolean was_queued = FALSE;

  g_mutex_lock (&self->lock);
  if (job->state == JOB_QUEUED && g_queue_remove (&self->jobs, job))
    {
      job->state = JOB_DONE;
      was_queued = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (was_queued)
    /* the queue's reference moves to the idle */
    post_to_context (job->context, deliver_cancelled, task, g_object_unref);
}

static void
cancel_idle_timer (MpMailbox *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
}

/* Main thread.  The queue holds @job; for a public job it owns the reference to
 * @task (job->task) the caller passes in, for an internal one (@task NULL) the job. */
static void
enqueue (MpMailbox *self,
         GTask     *task,
         Job       *job)
{
  gboolean start;

  cancel_idle_timer (self);

  g_mutex_lock (&self->lock);
  job->state = JOB_QUEUED;
  g_queue_push_tail (&self->jobs, job);
  start = !self->running;
  self->running = TRUE;
  g_mutex_unlock (&self->lock);

  if (task != NULL)
    job->cancel_handler = g_cancellable_connect (job->cancellable,
                                                 G_CALLBACK (on_job_cancelled), task, NULL);
  if (start)
    g_thread_pool_push (get_pool (), g_object_ref (self), NULL);
}

static void
forward_cancel (GCancellable *caller,
                gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/* The job watches a cancellable of its own, which the caller's cancels too.
 * A shutdown cancels only the job's own: the caller's may be shared with
 * other work (a dialog's, for its test and its save) and is not ours to
 * cancel. */
static Job *
job_new (MpMailbox    *self,
         JobKind       kind,
         GCancellable *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->mailbox = g_object_ref (self);
  job->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      job->caller_cancellable = g_object_ref (cancellable);
      job->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                                   g_object_ref (job->cancellable),
                                                   g_object_unref);
    }
  job->context = g_main_context_ref_thread_default ();
  job->account_id = g_strdup (mp_account_get_id (self->account));
  job->options = mp_account_to_pop3_options (self->account, NULL);
  job->options->trace_func = self->trace_func;
  job->options->trace_user_data = self->trace_data;
  job->password = g_strdup (self->password);
  job->credentials = mp_credential_source_new_for_account (self->account);
  job->preview_lines = mp_account_get_preview_lines (self->account);
  return job;
}

static GTask *
job_task (MpMailbox           *self,
          Job                 *job,
          gpointer             tag,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, job->caller_cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  job->task = task;
  return task;
}

/* ---- idle session ---- */

static gboolean
on_idle_timeout (gpointer data)
{
  MpMailbox *self = data;
  Job *quit;

  self->idle_source = 0;
  quit = job_new (self, JOB_QUIT, NULL);
  enqueue (self, NULL, quit);
  return G_SOURCE_REMOVE;
}

/* Main thread, after a pool thread drained the queue with a session still open. */
static gboolean
on_worker_idle (gpointer data)
{
  MpMailbox *self = data;
  gboolean busy;

  g_mutex_lock (&self->lock);
  busy = self->running || self->jobs.length > 0;
  g_mutex_unlock (&self->lock);

  if (!busy && self->idle_source == 0)
    {
      if (self->idle_timeout_ms == 0)
        on_idle_timeout (self);
      else
        self->idle_source = g_timeout_add_full (G_PRIORITY_DEFAULT, self->idle_timeout_ms,
                                                on_idle_timeout, g_object_ref (self),
                                                g_object_unref);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
unref_later (gpointer object)
{
  g_object_unref (object);
  return G_SOURCE_REMOVE;
}

static void
pool_func (gpointer data,
           gpointer user_data)
{
  MpMailbox *self = data;   /* owned ref */
  gboolean session_open;

  /* A check makes thousands of summaries here while the window shows them. */
  mp_thread_lower_priority ();

  for (;;)
    {
      GTask *task;
      Job *job;

      g_mutex_lock (&self->lock);
      job = g_queue_pop_head (&self->jobs);
      if (job == NULL)
        {
          self->running = FALSE;
          g_mutex_unlock (&self->lock);
          break;
        }
      task = job->task;
      job->state = JOB_RUNNING;
      self->current = job;
      g_mutex_unlock (&self->lock);

      mp_mailbox_run_job (self, job);

      g_mutex_lock (&self->lock);
      job->state = JOB_DONE;
      self->current = NULL;
      g_mutex_unlock (&self->lock);

      /* The last reference may be ours: drop it on the job's context so the
       * caller's progress_destroy and the GTask finalisation never run here. */
      if (task != NULL)
        post_to_context (job->context, unref_later, task, NULL);
      else
        job_free (job);
    }

  session_open = self->session != NULL;
  if (session_open)
    post_to_context (g_main_context_default (), on_worker_idle, g_object_ref (self),
                     g_object_unref);
  post_to_context (g_main_context_default (), unref_later, self, NULL);
}

/* ---- GObject ---- */

static void
mp_mailbox_finalize (GObject *object)
{
  MpMailbox *self = MP_MAILBOX (object);

  /* Only reached when no job, idle timer or pool thread holds a reference; an
   * open session is simply dropped (no deletions can be pending: delete QUITs). */
  if (self->session != NULL)
    mp_pop3_session_close (self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->uidl_to_entry, g_hash_table_unref);
  g_clear_pointer (&self->scan, mp_pop3_listing_free);
  g_clear_object (&self->seen);
  g_clear_object (&self->account);
  g_clear_pointer (&self->password, secret_password_free);
  g_free (self->recycle_dir);
  g_clear_pointer (&self->rule_set, mp_rule_set_unref);
  if (self->trace_destroy != NULL)
    self->trace_destroy (self->trace_data);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mp_mailbox_parent_class)->finalize (object);
}

static void
mp_mailbox_class_init (MpMailboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_mailbox_finalize;
}

static void
mp_mailbox_init (MpMailbox *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->jobs);
  self->idle_timeout_ms = MP_MAILBOX_DEFAULT_IDLE_TIMEOUT_MS;
}

/* A connection setting changed: the idle session was opened with the old ones, so
 * end it now rather than let a preview or delete use it. */
static void
on_account_notify (MpAccount  *account,
                   GParamSpec *pspec,
                   MpMailbox  *self)
{
  static const char * const harmless[] = { "name", "notify", "check-interval",
                                           "preview-lines", NULL };

  if (g_strv_contains (harmless, pspec->name))
    return;
  if (self->idle_source != 0)   /* main thread only, like the timer itself */
    {
      cancel_idle_timer (self);
      enqueue (self, NULL, job_new (self, JOB_QUIT, NULL));
    }
}

MpMailbox *
mp_mailbox_new (MpAccount *account)
{
  MpMailbox *self;

  g_return_val_if_fail (MP_IS_ACCOUNT (account), NULL);
  self = g_object_new (MP_TYPE_MAILBOX, NULL);
  self->account = g_object_ref (account);
  g_signal_connect_object (account, "notify", G_CALLBACK (on_account_notify), self, 0);
  return self;
}

MpAccount *
mp_mailbox_get_account (MpMailbox *self)
{
  g_return_val_if_fail (MP_IS_MAILBOX (self), NULL);
  return self->account;
}

void
mp_mailbox_set_password (MpMailbox  *self,
                         const char *password)
{
  g_return_if_fail (MP_IS_MAILBOX (self));
  g_clear_pointer (&self->password, secret_password_free);
  self->password = g_strdup (password);
}

void
mp_mailbox_set_idle_timeout (MpMailbox *self,
                             guint      ms)
{
  g_return_if_fail (MP_IS_MAILBOX (self));
  self->idle_timeout_ms = ms;
}

void
mp_mailbox_set_trace_func (MpMailbox       *self,
                           MpPop3TraceFunc  func,
                           gpointer         user_data,
                           GDestroyNotify   destroy)
{
  g_return_if_fail (MP_IS_MAILBOX (self));
  if (self->trace_destroy != NULL)
    self->trace_destroy (self->trace_data);
  self->trace_func = func;
  self->trace_data = user_data;
  self->trace_destroy = destroy;
}

void
mp_mailbox_shutdown (MpMailbox *self)
{
  g_autoptr(GPtrArray) to_cancel = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (MP_IS_MAILBOX (self));

  cancel_idle_timer (self);
  g_mutex_lock (&self->lock);
  for (GList *l = self->jobs.head; l != NULL; l = l->next)
    if (((Job *) l->data)->kind != JOB_MARK_SEEN)
      g_ptr_array_add (to_cancel, g_object_ref (((Job *) l->data)->cancellable));
  /* A job whose result was already delivered has nothing left to stop. */
  if (self->current != NULL && self->current->kind != JOB_MARK_SEEN &&
      !self->current->completed)
    g_ptr_array_add (to_cancel, g_object_ref (self->current->cancellable));
  g_mutex_unlock (&self->lock);

  /* Outside the lock: the handlers take it. */
  for (guint i = 0; i < to_cancel->len; i++)
    g_cancellable_cancel (to_cancel->pdata[i]);
  enqueue (self, NULL, job_new (self, JOB_QUIT, NULL));
}

/* ---- public jobs ---- */

void
mp_mailbox_mark_seen_async (MpMailbox           *self,
                            const char * const  *uidls,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Job *job;

  g_return_if_fail (MP_IS_MAILBOX (self));

  job = job_new (self, JOB_MARK_SEEN, NULL);
  job->uidls = uidls != NULL ? g_strdupv ((char **) uidls) : NULL;
  enqueue (self, job_task (self, job, mp_mailbox_mark_seen_async, callback, user_data), job);
}

gboolean
mp_mailbox_mark_seen_finish (MpMailbox     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

void
mp_mailbox_check_async (MpMailbox           *self,
                        MpKnownRows         *known,
                        MpCheckProgressFunc  progress,
                        gpointer             progress_data,
                        GDestroyNotify       progress_destroy,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Job *job;

  g_return_if_fail (MP_IS_MAILBOX (self));

  job = job_new (self, JOB_CHECK, cancellable);
  if (known != NULL)
    job->known_rows = mp_known_rows_ref (known);
  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_destroy = progress_destroy;
  if (self->rule_set != NULL)
    job->rule_set = mp_rule_set_ref (self->rule_set);
  enqueue (self, job_task (self, job, mp_mailbox_check_async, callback, user_data), job);
}

MpCheckResult *
mp_mailbox_check_finish (MpMailbox     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
mp_mailbox_preview_async (MpMailbox           *self,
                          const char          *uidl,
                          gboolean             full,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Job *job;

  g_return_if_fail (MP_IS_MAILBOX (self));
  g_return_if_fail (uidl != NULL);

  job = job_new (self, JOB_PREVIEW, cancellable);
  job->uidl = g_strdup (uidl);
  job->full = full;
  enqueue (self, job_task (self, job, mp_mailbox_preview_async, callback, user_data), job);
}

MpMessagePreview *
mp_mailbox_preview_finish (MpMailbox     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
mp_mailbox_set_rules (MpMailbox *self,
                      MpRuleSet *rules)
{
  g_return_if_fail (MP_IS_MAILBOX (self));

  if (rules != NULL)
    mp_rule_set_ref (rules);
  g_clear_pointer (&self->rule_set, mp_rule_set_unref);
  self->rule_set = rules;
}

void
mp_mailbox_set_recycle_dir (MpMailbox  *self,
                            const char *dir)
{
  g_return_if_fail (MP_IS_MAILBOX (self));

  g_free (self->recycle_dir);
  self->recycle_dir = g_strdup (dir);
}

void
mp_mailbox_delete_async (MpMailbox           *self,
                         const char * const  *uidls,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  mp_mailbox_delete_full_async (self, uidls, NULL, FALSE, cancellable, callback, user_data);
}

void
mp_mailbox_delete_full_async (MpMailbox           *self,
                              const char * const  *uidls,
                              const char * const  *rules,
                              gboolean             force_large,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Job *job;
  GTask *task;

  g_return_if_fail (MP_IS_MAILBOX (self));
  g_return_if_fail (uidls != NULL);
  g_return_if_fail (rules == NULL || g_strv_length ((char **) rules) == g_strv_length ((char **) uidls));

  job = job_new (self, JOB_DELETE, cancellable);
  job->uidls = g_strdupv ((char **) uidls);
  job->rules = g_strdupv ((char **) rules);
  job->recycle_dir = g_strdup (self->recycle_dir);
  job->force_large = force_large;
  task = job_task (self, job, mp_mailbox_delete_async, callback, user_data);
  /* Once QUIT was acknowledged the deletion happened: report that truthfully even
   * if the caller cancelled a moment too late. */
  g_task_set_check_cancellable (task, FALSE);
  enqueue (self, task, job);
}

gboolean
mp_mailbox_delete_finish (MpMailbox     *self,
                          GAsyncResult  *result,
                          char        ***deleted,
                          GError       **error)
{
  char **list;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  list = g_task_propagate_pointer (G_TASK (result), error);
  if (list == NULL)
    return FALSE;
  if (deleted != NULL)
    *deleted = list;
  else
    g_strfreev (list);
  return TRUE;
}

void
mp_mailbox_test_login_async (MpMailbox           *self,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (MP_IS_MAILBOX (self));

  mp_mailbox_test_settings_async (self, self->account, password, cancellable,
                                  callback, user_data);
}

void
mp_mailbox_test_settings_async (MpMailbox           *self,
                                MpAccount           *settings,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Job *job;

  g_return_if_fail (MP_IS_MAILBOX (self));
  g_return_if_fail (MP_IS_ACCOUNT (settings));

  job = job_new (self, JOB_TEST_LOGIN, cancellable);
  /* The settings as edited, in this account's queue: the job waits for the
   * account's other jobs instead of opening a second session beside them. */
  if (settings != self->account)
    {
      mp_pop3_options_free (job->options);
      job->options = mp_account_to_pop3_options (settings, NULL);
      job->options->trace_func = self->trace_func;
      job->options->trace_user_data = self->trace_data;
    }
  if (password != NULL)
    {
      secret_password_free (job->password);
      job->password = g_strdup (password);
    }
  enqueue (self, job_task (self, job, mp_mailbox_test_login_async, callback, user_data), job);
}

char **
mp_mailbox_test_login_finish (MpMailbox     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
