/* mp-mailbox-private.h — shared between mp-mailbox.c (queue, main-thread side) and
 * mp-mailbox-jobs.c (job bodies, worker side)
 */
#pragma once

#include "mp-credential-source.h"
#include "mp-mailbox.h"
#include "mp-pop3-session.h"
#include "mp-seen-store.h"

G_BEGIN_DECLS

typedef enum {
  JOB_CHECK,
  JOB_PREVIEW,
  JOB_DELETE,
  JOB_TEST_LOGIN,
  JOB_MARK_SEEN,   /* seen store only, no session; never cancelled */
  JOB_QUIT,        /* internal: idle timeout expired / shutdown */
} JobKind;

typedef enum {
  JOB_QUEUED,
  JOB_RUNNING,
  JOB_DONE,
} JobState;

typedef struct _Job Job;

struct _Job
{
  JobKind              kind;
  JobState             state;            /* guarded by mailbox->lock */
  MpMailbox           *mailbox;          /* owned ref */
  GTask               *task;             /* unowned back pointer (task owns the job) */
  GCancellable        *cancellable;      /* owned, never NULL: the job's own */
  gulong               cancel_handler;
  GCancellable        *caller_cancellable; /* owned ref, nullable: the caller's */
  gulong               caller_handler;   /* forwards the caller's cancel to ours */
  GMainContext        *context;          /* owned: where results go */
  gboolean             completed;        /* main thread only */

  MpPop3Options       *options;          /* owned snapshot, password filled on the worker */
  char                *password;         /* owned override (wiped), nullable */
  MpCredentialSource  *credentials;      /* owned: where the secret comes from otherwise */
  char                *account_id;       /* owned */
  guint                preview_lines;

  /* check */
  MpKnownRows         *known_rows;       /* owned ref, nullable: none known */
  GHashTable          *known;            /* owned set of their UIDLs, built on the
                                          * worker once they are there */
  MpCheckProgressFunc  progress;
  gpointer             progress_data;
  GDestroyNotify       progress_destroy;
  GPtrArray           *pending;          /* worker: summaries not yet posted */
  gint64               last_flush;
  guint                done, total;

  /* preview */
  char                *uidl;             /* owned */
  gboolean             full;

  /* delete; mark seen (NULL: every UIDL) */
  char               **uidls;            /* owned */
  char               **rules;            /* owned, parallel to uidls, nullable: "manual" */
  char                *recycle_dir;      /* owned snapshot, nullable: no recycle bin */
  MpRuleSet           *rule_set;         /* check: owned ref, nullable */
  gboolean             force_large;
};

struct _MpMailbox
{
  GObject          parent_instance;

  MpAccount       *account;          /* owned; main thread only */
  char            *password;         /* owned override, wiped; main thread only */
  char            *recycle_dir;      /* owned, nullable; main thread only */
  MpRuleSet       *rule_set;         /* owned ref, nullable; main thread only */
  guint            idle_timeout_ms;
  guint            idle_source;      /* main thread only */
  MpPop3TraceFunc  trace_func;
  gpointer         trace_data;
  GDestroyNotify   trace_destroy;

  GMutex           lock;
  GQueue           jobs;             /* guarded: queued Job* (see enqueue ()) */
  Job             *current;          /* guarded: running job (unowned) */
  gboolean         running;          /* guarded: a pool thread drains this mailbox */

  /* Worker side: touched only by the pool thread draining this mailbox (jobs of
   * one mailbox never overlap, so no lock is needed). */
  MpPop3Session   *session;          /* owned, nullable */
  GHashTable      *uidl_to_entry;    /* owned: uidl → MpPop3Entry* (in scan) */
  MpPop3Listing   *scan;             /* owned: last scan of this session */
  MpSeenStore     *seen;             /* owned, loaded on first check */
};

/* Worker side (mp-mailbox-jobs.c): runs one job and fills its result in @task
 * terms through mp_mailbox_job_post_*(). */
void     mp_mailbox_run_job        (MpMailbox *self,
                                    Job       *job);
/* Drops the worker session: QUIT politely when @quit (short timeout, ignores errors). */
void     mp_mailbox_drop_session   (MpMailbox *self,
                                    gboolean   quit);

/* Called on the worker; deliver on the job's context (mp-mailbox.c). */
void     mp_mailbox_job_post_result (Job           *job,
                                     gpointer       result,
                                     GDestroyNotify result_free,
                                     GError        *error);
void     mp_mailbox_job_post_batch  (Job           *job,
                                     GPtrArray     *summaries,
                                     guint          done,
                                     guint          total);

#define MP_ASSERT_WORKER() g_assert (!g_main_context_is_owner (g_main_context_default ()))

G_END_DECLS
