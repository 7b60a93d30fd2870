/* mp-mailbox.h — one account's jobs, run on the shared worker pool
 *
 * One MpMailbox per account.  POP3 locks a mailbox for one session at a time, so
 * the jobs of one mailbox run one after another (a serial queue); different
 * mailboxes run in parallel on a shared pool of at most 4 worker threads.
 *
 * After a job the session stays open for the idle timeout (default 20 s) so a
 * preview or a delete needs no new handshake; then QUIT.  A check always starts a
 * fresh session (a POP3 session sees the mailbox as it was at login).
 *
 * Every job takes a GCancellable: cancelling it makes the job complete with
 * G_IO_ERROR_CANCELLED within ~100 ms (even if still queued).  Callbacks run on
 * the thread-default main context of the caller (the main thread), with owned data;
 * a cancelled job delivers no progress and no result other than CANCELLED.
 * Errors are MP_ERROR (see mp-error.h) or G_IO_ERROR_CANCELLED.
 *
 * The secret comes from the account's credential source (mp-credential-source.h:
 * the keyring, a password command or GNOME Online Accounts), fetched on the worker
 * at each login, unless mp_mailbox_set_password() gave one.  No password in the
 * keyring → MP_ERROR_NEEDS_PASSWORD; a failed command or GOA →
 * MP_ERROR_CREDENTIALS.  A GOA token the server refuses is renewed once
 * (EnsureCredentials) and the login tried again.
 *
 * The "new" decision uses the account's MpSeenStore: a summary is is-new when its
 * UIDL was never seen, or was new at an earlier check and has not been marked seen
 * since (mp_mailbox_mark_seen_async) — so "new" survives a restart; after the check
 * all current UIDLs are seen (store pruned to the server's list and saved).  The
 * first check of a new account (store never written) marks nothing new.
 *
 * Public functions: main thread only.
 */
#pragma once

#include <gio/gio.h>

#include "mp-account.h"
#include "mp-known-rows.h"
#include "mp-message-summary.h"
#include "mp-message-preview.h"
#include "mp-pop3-options.h"
#include "mp-rules.h"

G_BEGIN_DECLS

#define MP_MAILBOX_DEFAULT_IDLE_TIMEOUT_MS 20000
#define MP_MAILBOX_MAX_THREADS 4

/* Outcome of a check (boxed). */
typedef struct {
  guint     n_messages;     /* on the server now */
  guint64   total_size;     /* octets */
  guint     n_fetched;      /* summaries delivered through the progress callback */
  guint     n_new;          /* of those, flagged is-new */
  char    **removed_uidls;  /* owned, NULL-terminated: known UIDLs gone from the server */
  gboolean  first_check;    /* seen store was new: nothing was announced */
  guint     login_delay;    /* server's LOGIN-DELAY capability in seconds, 0 if none */
  GPtrArray *rule_hits;     /* owned, of MpRuleHit: the fetched messages an active rule
                             * acts on (mp_mailbox_set_rules), in server order */
  char    **kept_new_uidls; /* owned, NULL-terminated: messages (fetched, or known to
                             * the caller) that were new already at an earlier check
                             * (announced then, never marked seen): new again, but
                             * not news */
} MpCheckResult;

#define MP_TYPE_CHECK_RESULT (mp_check_result_get_type ())
GType          mp_check_result_get_type (void) G_GNUC_CONST;
MpCheckResult *mp_check_result_copy     (const MpCheckResult *result);
void           mp_check_result_free     (MpCheckResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpCheckResult, mp_check_result_free)

#define MP_TYPE_MAILBOX (mp_mailbox_get_type ())
G_DECLARE_FINAL_TYPE (MpMailbox, mp_mailbox, MP, MAILBOX, GObject)

/* Main thread; called with a batch of new summaries (MpMessageSummary) about
 * every 50 ms (the first as soon as there are 40), plus progress: @done of
 * @total unknown messages fetched.  The newest come first: the batches are in
 * reverse server order (a list that shows the newest on top fills from the
 * top).  @summaries is freed after the call: ref what you keep.  May be called
 * with an empty batch (progress only). */
typedef void (*MpCheckProgressFunc) (MpMailbox *mailbox,
                                     GPtrArray *summaries,
                                     guint      done,
                                     guint      total,
                                     gpointer   user_data);

MpMailbox     *mp_mailbox_new               (MpAccount   *account);
MpAccount     *mp_mailbox_get_account       (MpMailbox   *self);
/* Password for this process only (never stored); NULL = use the keyring. */
void           mp_mailbox_set_password      (MpMailbox   *self,
                                             const char  *password);
/* 0 = QUIT right after each job. */
void           mp_mailbox_set_idle_timeout  (MpMailbox   *self,
                                             guint        ms);
/* Protocol trace (password-redacted), called ON THE WORKER THREAD.  For debug
 * logs and tests.  Applies to sessions opened afterwards. */
void           mp_mailbox_set_trace_func    (MpMailbox      *self,
                                             MpPop3TraceFunc func,
                                             gpointer        user_data,
                                             GDestroyNotify  destroy);
/* The rules each check evaluates on the worker, for every message it fetches,
 * with its whole header block (a ref is kept; NULL: none).  The hits come in
 * MpCheckResult's rule_hits; acting on them (junk, no notification, delete
 * with mp_mailbox_delete_full_async) is the caller's. */
void           mp_mailbox_set_rules         (MpMailbox   *self,
                                             MpRuleSet   *rules);
/* Cancels queued and running jobs, QUITs an idle session (in the background). */
void           mp_mailbox_shutdown          (MpMailbox   *self);

/* @known: the rows the caller already shows (no TOP for them; NULL: none),
 * which may be handed over after this call (mp-known-rows.h): the check takes
 * its place in the queue now and waits for them after LIST and UIDL. */
void           mp_mailbox_check_async       (MpMailbox            *self,
                                             MpKnownRows          *known,
                                             MpCheckProgressFunc   progress,
                                             gpointer              progress_data,
                                             GDestroyNotify        progress_destroy,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
MpCheckResult *mp_mailbox_check_finish      (MpMailbox     *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* TOP uidl <preview-lines> (RETR when @full, when preview-lines is 0 or the server
 * has no TOP).  The preview is "complete" when RETR was used or TOP returned the
 * whole message.  MP_ERROR_GONE if the UIDL is no longer on the server. */
void           mp_mailbox_preview_async     (MpMailbox            *self,
                                             const char           *uidl,
                                             gboolean              full,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
MpMessagePreview *mp_mailbox_preview_finish (MpMailbox     *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* With a recycle bin (a directory, see mp-recycle-bin.h; NULL: none), every
 * delete queued afterwards first RETRs each message into it; nothing is deleted
 * unless every copy was written (MP_ERROR_NOT_DELETED), and a message over the
 * bin's limit (50 MB) makes the delete fail with MP_ERROR_TOO_LARGE, no DELE
 * sent, unless @force_large (mp_mailbox_delete_full_async) after the user
 * agreed. */
void           mp_mailbox_set_recycle_dir   (MpMailbox   *self,
                                             const char  *dir);

/* Maps the UIDLs to current numbers with a fresh scan in the session, DELE each,
 * QUIT.  Success only on QUIT's +OK; otherwise MP_ERROR_NOT_DELETED ("nothing was
 * deleted") — or the connect error when the session never opened.  UIDLs already
 * gone are not an error.  @deleted (optional) receives the UIDLs deleted.
 * Cancelled before QUIT's +OK: G_IO_ERROR_CANCELLED and nothing was deleted (the
 * connection is dropped without QUIT); a result that arrives after a late cancel is
 * still reported truthfully (this job does not turn success into CANCELLED). */
void           mp_mailbox_delete_async      (MpMailbox            *self,
                                             const char * const   *uidls,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* The same, naming for the recycle bin the rule that deletes each message
 * (@rules parallel to @uidls; NULL: "manual"); finish with
 * mp_mailbox_delete_finish(). */
void           mp_mailbox_delete_full_async (MpMailbox            *self,
                                             const char * const   *uidls,
                                             const char * const   *rules,
                                             gboolean              force_large,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       mp_mailbox_delete_finish     (MpMailbox     *self,
                                             GAsyncResult  *result,
                                             char        ***deleted,
                                             GError       **error);

/* The user has seen @uidls (NULL: every message): the seen store no longer
 * keeps them new, so a restart does not bring them back as new.  A local write,
 * no session; it runs in the account's queue after the jobs queued before it, and
 * is not cancelled, not even by mp_mailbox_shutdown (a "seen" must not be lost
 * to a quit).  Nothing to do for an account never checked.  @callback may be NULL. */
void           mp_mailbox_mark_seen_async   (MpMailbox            *self,
                                             const char * const   *uidls,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       mp_mailbox_mark_seen_finish  (MpMailbox     *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* Fresh session with the account's current settings, login, QUIT.  @password:
 * NULL = mailbox password / keyring.  Returns the capability lines (owned). */
void           mp_mailbox_test_login_async  (MpMailbox            *self,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* The same with @settings (the account as edited, maybe not saved) instead of the
 * mailbox's account, in this mailbox's queue; finish with _test_login_finish(). */
void           mp_mailbox_test_settings_async (MpMailbox          *self,
                                             MpAccount            *settings,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char         **mp_mailbox_test_login_finish (MpMailbox     *self,
                                             GAsyncResult  *result,
                                             GError       **error);

G_END_DECLS
