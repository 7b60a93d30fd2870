/* mp-mailbox-jobs.c — the job bodies; everything here runs on a pool thread
 *
 * Jobs of one mailbox never overlap, so the worker-side fields of MpMailbox
 * (session, scan, seen store) need no lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-mailbox-private.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "mp-error.h"
#include "mp-recycle-bin.h"

#define BATCH_INTERVAL_US (50 * 1000)
/* The first rows of a check go out as soon as a screenful is there: the list
 * builds its first row widgets while the rest are fetched. */
#define FIRST_BATCH 40
#define QUIT_TIMEOUT_MS 3000

G_DEFINE_BOXED_TYPE (MpCheckResult, mp_check_result, mp_check_result_copy,
                     mp_check_result_free)

MpCheckResult *
mp_check_result_copy (const MpCheckResult *result)
{
  MpCheckResult *copy = g_memdup2 (result, sizeof *result);

  copy->removed_uidls = g_strdupv (result->removed_uidls);
  copy->kept_new_uidls = g_strdupv (result->kept_new_uidls);
  copy->rule_hits = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_rule_hit_free);
  for (guint i = 0; result->rule_hits != NULL && i < result->rule_hits->len; i++)
    g_ptr_array_add (copy->rule_hits, mp_rule_hit_copy (result->rule_hits->pdata[i]));
  return copy;
}

void
mp_check_result_free (MpCheckResult *result)
{
  if (result == NULL)
    return;
  g_strfreev (result->removed_uidls);
  g_strfreev (result->kept_new_uidls);
  g_clear_pointer (&result->rule_hits, g_ptr_array_unref);
  g_free (result);
}

/* ---- session ---- */

void
mp_mailbox_drop_session (MpMailbox *self,
                         gboolean   quit)
{
  MP_ASSERT_WORKER ();

  if (self->session != NULL)
    {
      if (quit && mp_pop3_session_is_connected (self->session))
        mp_pop3_session_quit_sync (self->session, NULL, NULL);
      else
        mp_pop3_session_close (self->session);
    }
  g_clear_object (&self->session);
  g_clear_pointer (&self->uidl_to_entry, g_hash_table_unref);
  g_clear_pointer (&self->scan, mp_pop3_listing_free);
}

#define MAX_LOGIN_DELAY (86400 * 7)

/* "LOGIN-DELAY 900" (may be "LOGIN-DELAY 900 USER" per RFC 2449) → 900. A
 * value over the cap (7 days) still asks for a long wait: it is clamped,
 * not dropped (which would mean the 5 min guess for no value). */
static guint
session_login_delay (MpPop3Session *session)
{
  const char * const *caps = mp_pop3_session_get_capabilities (session);

  for (gsize i = 0; caps != NULL && caps[i] != NULL; i++)
    if (g_ascii_strncasecmp (caps[i], "LOGIN-DELAY ", 12) == 0)
      {
        guint64 v;
        g_auto(GStrv) words = g_strsplit (caps[i] + 12, " ", 2);
        const char *value = words[0] != NULL ? words[0] : "";

        if (*value == '\0' || value[strspn (value, "0123456789")] != '\0')
          continue;
        if (!g_ascii_string_to_unsigned (value, 10, 0, MAX_LOGIN_DELAY, &v, NULL))
          v = MAX_LOGIN_DELAY;   /* all digits: over the cap */
        return (guint) v;
      }
  return 0;
}

/* Maps an engine error to MP_ERROR and adds what only the session knows. */
static void
convert_error (MpPop3Session  *session,
               GError        **error)
{
  gboolean login_delay = g_error_matches (*error, MP_POP3_ERROR, MP_POP3_ERROR_LOGIN_DELAY);

  mp_error_convert (error);
  if (session == NULL || (*error)->domain != MP_ERROR)
    return;
  if ((*error)->code == MP_ERROR_CERTIFICATE)
    {
      g_autofree char *fp = mp_pop3_session_dup_peer_fingerprint (session);
      if (fp != NULL)
        mp_error_set_fingerprint (*error, fp);
    }
  if (login_delay)
    {
      guint delay = session_login_delay (session);
      /* No advertised value: RFC 2449 servers that say [LOGIN-DELAY] without a
       * number still want us away for a while; 5 min is a modest guess. */
      mp_error_set_retry_after (*error, delay > 0 ? delay : 300);
    }
}

/* A new, logged-in session with the secret from @renew's attempt (not stored
 * anywhere). */
static MpPop3Session *
login (Job       *job,
       gboolean   renew,
       GError   **error)
{
  g_autoptr(MpPop3Options) opts = mp_pop3_options_copy (job->options);
  g_autoptr(MpPop3Session) session = NULL;

  if (job->password != NULL)
    mp_pop3_options_set_password (opts, job->password);
  else if (!mp_credential_source_fill_sync (job->credentials, opts, renew, job->cancellable,
                                            error))
    return NULL;

  session = mp_pop3_session_new (opts);
  if (!mp_pop3_session_connect_sync (session, job->cancellable, error))
    {
      convert_error (session, error);
      if (g_error_matches (*error, MP_ERROR, MP_ERROR_AUTH) &&
          (opts->auth == MP_POP3_AUTH_XOAUTH2 || opts->auth == MP_POP3_AUTH_OAUTHBEARER))
        mp_error_set_token_refused (*error);
      return NULL;
    }
  return g_steal_pointer (&session);
}

/* Opens a new, logged-in session for @job.  A refused token from a source that
 * can renew it (GNOME Online Accounts: it may have expired before GOA thought)
 * gets exactly one more try with a renewed one. */
static MpPop3Session *
open_session (Job      *job,
              GError  **error)
{
  GError *local_error = NULL;
  MpPop3Session *session = login (job, FALSE, &local_error);

  if (session == NULL && job->password == NULL
      && mp_credential_source_can_renew (job->credentials)
      && g_error_matches (local_error, MP_ERROR, MP_ERROR_AUTH))
    {
      g_clear_error (&local_error);
      session = login (job, TRUE, &local_error);
    }
  if (session == NULL)
    g_propagate_error (error, local_error);
  return session;
}

/* Reuses the open session unless @fresh.  *@reused tells whether it did (then a
 * transport error may just mean the server timed the idle session out). */
static gboolean
ensure_session (MpMailbox  *self,
                Job        *job,
                gboolean    fresh,
                gboolean   *reused,
                GError    **error)
{
  MP_ASSERT_WORKER ();

  *reused = FALSE;
  if (self->session != NULL && (fresh || !mp_pop3_session_is_connected (self->session)))
    mp_mailbox_drop_session (self, TRUE);
  if (self->session != NULL)
    {
      *reused = TRUE;
      return TRUE;
    }
  self->session = open_session (job, error);
  return self->session != NULL;
}

static gboolean
is_stale_session_error (const GError *error)
{
  return error->domain == MP_POP3_ERROR &&
         (error->code == MP_POP3_ERROR_CLOSED || error->code == MP_POP3_ERROR_CONNECT ||
          error->code == MP_POP3_ERROR_TIMEOUT);
}

/* Scans the session and indexes UIDLs.  Entries without a UIDL are unusable for
 * us (rows, seen store and deletes all key on it), and so is a UIDL or a message
 * number given twice: an index keyed on it would pick one of the messages at
 * random (a delete could hit the wrong one, a check would fetch one twice).
 * The engine already refuses such listings; this keeps the index honest even
 * if that changes. */
static gboolean
rescan (MpMailbox  *self,
        Job        *job,
        GError    **error)
{
  g_autoptr(MpPop3Listing) scan = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GHashTable) numbers = NULL;

  scan = mp_pop3_session_scan_sync (self->session, job->cancellable, error);
  if (scan == NULL)
    return FALSE;
  index = g_hash_table_new (g_str_hash, g_str_equal);
  numbers = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < scan->len; i++)
    {
      MpPop3Entry *e = &scan->entries[i];
      if (e->uidl == NULL)
        {
          g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_UNSUPPORTED,
                               _("The server does not give messages unique ids (UIDL)"));
          return FALSE;
        }
      if (!g_hash_table_add (numbers, GUINT_TO_POINTER (e->number)) ||
          !g_hash_table_insert (index, e->uidl, e))
        {
          g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL,
                       _("The server's message list is ambiguous: message %u or its "
                         "unique id %s appears twice"), e->number, e->uidl);
          return FALSE;
        }
    }
  g_clear_pointer (&self->uidl_to_entry, g_hash_table_unref);
  g_clear_pointer (&self->scan, mp_pop3_listing_free);
  self->scan = g_steal_pointer (&scan);
  self->uidl_to_entry = g_steal_pointer (&index);
  return TRUE;
}

/* ---- check ---- */

typedef struct {
  MpMailbox   *self;
  Job         *job;
  GHashTable  *by_number;     /* number → MpPop3Entry* */
  gboolean     announce;      /* seen store initialised */
  guint        n_new;
  guint        n_fetched;
  guint        n_refused;     /* -ERR to TOP/RETR */
  GPtrArray   *rule_hits;     /* owned, of MpRuleHit */
  GPtrArray   *kept_new;      /* owned UIDLs: new already at an earlier check */
} CheckCtx;

static void
flush_batch (Job      *job,
             gboolean  force)
{
  gint64 now = g_get_monotonic_time ();

  if (!force && now - job->last_flush < BATCH_INTERVAL_US &&
      !(job->done == job->pending->len && job->pending->len >= FIRST_BATCH))
    return;
  if (job->pending->len == 0 && !force)
    return;
  mp_mailbox_job_post_batch (job, g_steal_pointer (&job->pending), job->done, job->total);
  job->pending = g_ptr_array_new_with_free_func (g_object_unref);
  job->last_flush = now;
}

/* Here the whole header block is at hand, so "any header" conditions see
 * every field, not only those a summary keeps. */
static void
evaluate_rules (CheckCtx         *ctx,
                MpMessageSummary *summary,
                const char       *headers,
                gsize             len)
{
  MpRuleInput in = { .summary = summary, .headers = headers, .headers_len = len };
  g_autofree char *reason = NULL;
  const MpRule *rule;
  MpRuleHit *hit;

  if (ctx->job->rule_set == NULL)
    return;
  rule = mp_rule_set_evaluate (ctx->job->rule_set, &in, FALSE, &reason);
  if (rule == NULL)
    return;
  hit = g_new0 (MpRuleHit, 1);
  hit->uidl = g_strdup (mp_message_summary_get_uidl (summary));
  hit->rule = g_strdup (rule->name);
  hit->action = rule->action;
  hit->reason = g_steal_pointer (&reason);
  hit->is_new = mp_message_summary_get_is_new (summary);
  g_ptr_array_add (ctx->rule_hits, hit);
  /* Decided here, before the summary leaves the worker: whoever counts or
   * announces new rows sees the rule's verdict with the row.  A message a rule
   * deletes is not announced either. */
  mp_message_summary_set_rule_flags (summary, rule->action == MP_RULE_ACTION_JUNK,
                                     rule->action != MP_RULE_ACTION_JUNK);
}

static void
on_header (guint    number,
           GBytes  *body,
           gpointer user_data)
{
  CheckCtx *ctx = user_data;
  MpPop3Entry *e = g_hash_table_lookup (ctx->by_number, GUINT_TO_POINTER (number));

  ctx->job->done++;
  /* NULL: the message vanished meanwhile (another client deleted it). */
  if (body == NULL)
    ctx->n_refused++;
  else if (e != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (body, &len);
      MpMessageSummary *summary = mp_message_summary_new_from_headers (data, len, e->uidl,
                                                                        e->size);
      /* New: never seen, or new at an earlier check and not marked seen since. */
      gboolean kept = ctx->announce && mp_seen_store_is_new (ctx->self->seen, e->uidl);
      gboolean is_new = kept || (ctx->announce && !mp_seen_store_contains (ctx->self->seen, e->uidl));

      if (kept)
        g_ptr_array_add (ctx->kept_new, g_strdup (e->uidl));
      else if (is_new)
        mp_seen_store_set_new (ctx->self->seen, e->uidl, TRUE);
      mp_message_summary_set_is_new (summary, is_new);
      evaluate_rules (ctx, summary, data, len);
      ctx->n_new += mp_message_summary_get_is_new (summary);
      ctx->n_fetched++;
      g_ptr_array_add (ctx->job->pending, summary);
    }
  flush_batch (ctx->job, FALSE);
}

static void
ensure_seen_store (MpMailbox *self,
                   Job       *job)
{
  g_autoptr(GError) error = NULL;

  if (self->seen != NULL)
    return;
  self->seen = mp_seen_store_new (job->account_id);
  /* A damaged file is treated like a new account: record, announce nothing
   * (better than announcing the whole mailbox again). */
  if (!mp_seen_store_load (self->seen, &error))
    g_warning ("%s", error->message);
}

static gboolean
retr_all (MpMailbox  *self,
          CheckCtx   *ctx,
          GArray     *numbers,
          GError    **error)
{
  GError *local_error = NULL;

  for (guint i = 0; i < numbers->len; i++)
    {
      guint n = g_array_index (numbers, guint, i);
      g_autoptr(GBytes) body = mp_pop3_session_retr_sync (self->session, n,
                                                          ctx->job->cancellable, &local_error);
      if (body == NULL &&
          !g_error_matches (local_error, MP_POP3_ERROR, MP_POP3_ERROR_NO_SUCH_MESSAGE))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
      on_header (n, body, ctx);
    }
  return TRUE;
}

/* Fetches the headers of @numbers: TOP n 0 (pipelined by the engine), or RETR when
 * the server has no TOP — said by CAPA (UNSUPPORTED), or, for a server without CAPA,
 * by refusing every TOP. */
static gboolean
fetch_headers (MpMailbox  *self,
               CheckCtx   *ctx,
               GArray     *numbers,
               GError    **error)
{
  GError *local_error = NULL;

  if (numbers->len == 0)
    return TRUE;
  if (mp_pop3_session_top_many_sync (self->session, (guint *) numbers->data, numbers->len, 0,
                                     on_header, ctx, ctx->job->cancellable, &local_error))
    {
      if (ctx->n_refused < numbers->len)
        return TRUE;
    }
  else if (!g_error_matches (local_error, MP_POP3_ERROR, MP_POP3_ERROR_UNSUPPORTED) ||
           ctx->job->done > 0)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);
  ctx->job->done = 0;
  ctx->n_refused = 0;
  return retr_all (self, ctx, numbers, error);
}

/* The UIDLs the caller knows that the server no longer lists (NULL-terminated). */
static char **
known_gone (MpMailbox *self,
            Job       *job)
{
  GPtrArray *removed = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, job->known);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->uidl_to_entry, key))
      g_ptr_array_add (removed, g_strdup (key));
  g_ptr_array_add (removed, NULL);
  return (char **) g_ptr_array_free (removed, FALSE);
}

/* Everything on the server now has been shown (or was known): remember it. */
static void
remember_shown (MpMailbox *self,
                GPtrArray *current)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < current->len; i++)
    mp_seen_store_add (self->seen, current->pdata[i]);
  mp_seen_store_prune (self->seen, (const char * const *) current->pdata, current->len);
  if (!mp_seen_store_save (self->seen, &error))
    g_warning ("%s", error->message);
}

static void
run_check (MpMailbox *self,
           Job       *job)
{
  g_autoptr(GHashTable) by_number = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) current = g_ptr_array_new ();
  g_autoptr(GPtrArray) rule_hits =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mp_rule_hit_free);
  g_autoptr(GPtrArray) kept_new = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  MpCheckResult *result;
  CheckCtx ctx = { self, job, by_number, FALSE, 0, 0, 0, rule_hits, kept_new };
  gboolean reused;

  if (!ensure_session (self, job, TRUE, &reused, &error) || !rescan (self, job, &error))
    goto fail;
  /* The caller's rows: they may still have been collected when it queued us. */
  job->known = job->known_rows != NULL
               ? mp_known_rows_wait (job->known_rows, job->cancellable, &error)
               : g_hash_table_new (g_str_hash, g_str_equal);
  if (job->known == NULL)
    goto fail;

  ensure_seen_store (self, job);
  ctx.announce = mp_seen_store_get_initialised (self->seen);

  result = g_new0 (MpCheckResult, 1);
  result->n_messages = self->scan->len;
  /* Newest first: see MpCheckProgressFunc. */
  for (guint i = self->scan->len; i > 0; i--)
    {
      MpPop3Entry *e = &self->scan->entries[i - 1];

      result->total_size += e->size;
      g_ptr_array_add (current, e->uidl);
      if (!g_hash_table_contains (job->known, e->uidl))
        {
          g_array_append_val (numbers, e->number);
          g_hash_table_insert (by_number, GUINT_TO_POINTER (e->number), e);
        }
      else if (ctx.announce && mp_seen_store_is_new (self->seen, e->uidl))
        /* A row the caller shows already (its header cache's, after a restart)
         * whose message was never marked seen: new again, not news. */
        g_ptr_array_add (kept_new, g_strdup (e->uidl));
    }

  job->pending = g_ptr_array_new_with_free_func (g_object_unref);
  job->total = numbers->len;
  job->done = 0;
  job->last_flush = g_get_monotonic_time ();
  flush_batch (job, TRUE);   /* progress 0 of total at once */
  if (!fetch_headers (self, &ctx, numbers, &error))
    {
      mp_check_result_free (result);
      goto fail;
    }
  flush_batch (job, TRUE);
  remember_shown (self, current);

  result->n_fetched = ctx.n_fetched;
  result->n_new = ctx.n_new;
  result->first_check = !ctx.announce;
  result->removed_uidls = known_gone (self, job);
  result->login_delay = session_login_delay (self->session);
  result->rule_hits = g_steal_pointer (&rule_hits);
  g_ptr_array_add (kept_new, NULL);
  result->kept_new_uidls = (char **) g_ptr_array_free (g_steal_pointer (&kept_new), FALSE);
  mp_mailbox_job_post_result (job, result, (GDestroyNotify) mp_check_result_free, NULL);
  return;

fail:
  convert_error (self->session, &error);
  if (self->session != NULL && !mp_pop3_session_is_connected (self->session))
    mp_mailbox_drop_session (self, FALSE);
  mp_mailbox_job_post_result (job, NULL, NULL, error);
}

/* ---- preview ---- */

static MpMessagePreview *
do_preview (MpMailbox  *self,
            Job        *job,
            GError    **error)
{
  MpPop3Entry *e;
  g_autoptr(GBytes) body = NULL;
  gboolean complete;
  gsize len;
  const char *data;

  if (self->uidl_to_entry == NULL && !rescan (self, job, error))
    return NULL;
  e = g_hash_table_lookup (self->uidl_to_entry, job->uidl);
  if (e == NULL)
    {
      g_set_error_literal (error, MP_ERROR, MP_ERROR_GONE,
                           _("The message is no longer on the server"));
      return NULL;
    }

  complete = job->full || job->preview_lines == 0 ||
             !mp_pop3_session_has_capability (self->session, "TOP");
  if (complete)
    body = mp_pop3_session_retr_sync (self->session, e->number, job->cancellable, error);
  else
    body = mp_pop3_session_top_sync (self->session, e->number, job->preview_lines,
                                     job->cancellable, error);
  if (body == NULL)
    {
      if (g_error_matches (*error, MP_POP3_ERROR, MP_POP3_ERROR_NO_SUCH_MESSAGE))
        {
          g_clear_error (error);
          g_set_error_literal (error, MP_ERROR, MP_ERROR_GONE,
                               _("The message is no longer on the server"));
        }
      return NULL;
    }
  data = g_bytes_get_data (body, &len);
  /* TOP that returned as much as LIST counts was the whole message anyway. */
  complete = complete || len >= e->size;
  return mp_message_preview_new_from_bytes (data, len, complete);
}

static void
run_preview (MpMailbox *self,
             Job       *job)
{
  GError *error = NULL;
  MpMessagePreview *preview = NULL;
  gboolean reused;

  if (ensure_session (self, job, FALSE, &reused, &error))
    {
      preview = do_preview (self, job, &error);
      if (preview == NULL && reused && is_stale_session_error (error))
        {
          /* The idle session died under us: one retry on a new one. */
          g_clear_error (&error);
          mp_mailbox_drop_session (self, FALSE);
          if (ensure_session (self, job, FALSE, &reused, &error))
            preview = do_preview (self, job, &error);
        }
    }
  if (preview != NULL)
    {
      mp_mailbox_job_post_result (job, preview, g_object_unref, NULL);
      return;
    }
  convert_error (self->session, &error);
  if (self->session != NULL && !mp_pop3_session_is_connected (self->session))
    mp_mailbox_drop_session (self, FALSE);
  mp_mailbox_job_post_result (job, NULL, NULL, error);
}

/* ---- delete ---- */

/* The copies in the recycle bin, before any DELE: FALSE (and no DELE) if one
 * could not be made. */
static gboolean
keep_copies (Job        *job,
             MpPop3Session *session,
             GArray     *numbers,
             GArray     *sizes,
             GPtrArray  *deleted,
             GPtrArray  *rules,
             GError    **error)
{
  g_autoptr(MpRecycleBin) bin = NULL;

  if (job->recycle_dir == NULL || numbers->len == 0)
    return TRUE;
  bin = mp_recycle_bin_new (job->recycle_dir, job->account_id);
  return mp_recycle_bin_keep_sync (bin, session, (guint *) numbers->data,
                                   (guint64 *) sizes->data,
                                   (const char * const *) deleted->pdata,
                                   (const char * const *) rules->pdata, numbers->len,
                                   job->force_large, job->cancellable, error);
}

static gboolean
do_delete (MpMailbox  *self,
           Job        *job,
           GPtrArray  *deleted,
           GError    **error)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();

  /* Numbers from a fresh scan in this very session: they are only valid here. */
  if (!rescan (self, job, error))
    return FALSE;
  for (gsize i = 0; job->uidls[i] != NULL; i++)
    {
      MpPop3Entry *e = g_hash_table_lookup (self->uidl_to_entry, job->uidls[i]);
      if (e != NULL)
        {
          g_array_append_val (numbers, e->number);
          g_array_append_val (sizes, e->size);
          g_ptr_array_add (deleted, g_strdup (e->uidl));
          g_ptr_array_add (rules, job->rules != NULL ? job->rules[i] : NULL);
        }
    }
  if (numbers->len == 0)
    return TRUE;
  if (!keep_copies (job, self->session, numbers, sizes, deleted, rules, error))
    return FALSE;
  return mp_pop3_session_dele_many_sync (self->session, (guint *) numbers->data, numbers->len,
                                         job->cancellable, error);
}

static void
run_delete (MpMailbox *self,
            Job       *job)
{
  g_autoptr(GPtrArray) deleted = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  gboolean reused, ok;

  if (!ensure_session (self, job, FALSE, &reused, &error))
    {
      convert_error (NULL, &error);
      mp_mailbox_job_post_result (job, NULL, NULL, error);
      return;
    }
  ok = do_delete (self, job, deleted, &error);
  if (!ok && reused && is_stale_session_error (error) &&
      !g_cancellable_is_cancelled (job->cancellable))
    {
      g_clear_error (&error);
      g_ptr_array_set_size (deleted, 0);
      mp_mailbox_drop_session (self, FALSE);
      if (!ensure_session (self, job, FALSE, &reused, &error))
        {
          convert_error (NULL, &error);
          mp_mailbox_job_post_result (job, NULL, NULL, error);
          return;
        }
      ok = do_delete (self, job, deleted, &error);
    }
  if (ok && deleted->len == 0)
    {
      /* Nothing to delete: the session stays for follow-ups. */
      g_ptr_array_add (deleted, NULL);
      mp_mailbox_job_post_result (job, g_ptr_array_free (g_steal_pointer (&deleted), FALSE),
                                  (GDestroyNotify) g_strfreev, NULL);
      return;
    }
  /* Only QUIT's +OK commits; the session ends either way. */
  if (ok)
    ok = mp_pop3_session_quit_sync (self->session, job->cancellable, &error);
  else
    mp_pop3_session_close (self->session);
  mp_mailbox_drop_session (self, FALSE);

  if (ok)
    {
      g_ptr_array_add (deleted, NULL);
      mp_mailbox_job_post_result (job, g_ptr_array_free (g_steal_pointer (&deleted), FALSE),
                                  (GDestroyNotify) g_strfreev, NULL);
      return;
    }
  /* Too large for the recycle bin: the UI asks, then deletes with force_large. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_error_matches (error, MP_ERROR, MP_ERROR_TOO_LARGE))
    {
      GError *not_deleted = g_error_new (MP_ERROR, MP_ERROR_NOT_DELETED,
                                         _("Nothing was deleted: %s"), error->message);
      g_clear_error (&error);
      error = not_deleted;
    }
  mp_mailbox_job_post_result (job, NULL, NULL, error);
}

/* ---- mark seen ---- */

static void
run_mark_seen (MpMailbox *self,
               Job       *job)
{
  GError *error = NULL;

  ensure_seen_store (self, job);
  /* Never checked: nothing was announced, and a save would make the next check
   * announce the whole mailbox (the store would look initialised). */
  if (mp_seen_store_get_initialised (self->seen))
    {
      if (job->uidls == NULL)
        mp_seen_store_clear_new (self->seen);
      for (gsize i = 0; job->uidls != NULL && job->uidls[i] != NULL; i++)
        mp_seen_store_set_new (self->seen, job->uidls[i], FALSE);
      if (!mp_seen_store_save (self->seen, &error))
        {
          mp_mailbox_job_post_result (job, NULL, NULL, error);
          return;
        }
    }
  mp_mailbox_job_post_result (job, GINT_TO_POINTER (TRUE), NULL, NULL);
}

/* ---- test login, quit ---- */

static void
run_test_login (MpMailbox *self,
                Job       *job)
{
  g_autoptr(MpPop3Session) session = NULL;
  GError *error = NULL;
  char **caps;

  /* Some servers lock the mailbox per session: close ours first. */
  mp_mailbox_drop_session (self, TRUE);
  session = open_session (job, &error);
  if (session == NULL)
    {
      mp_mailbox_job_post_result (job, NULL, NULL, error);
      return;
    }
  caps = g_strdupv ((char **) mp_pop3_session_get_capabilities (session));
  if (caps == NULL)
    caps = g_new0 (char *, 1);
  mp_pop3_session_quit_sync (session, NULL, NULL);
  mp_mailbox_job_post_result (job, caps, (GDestroyNotify) g_strfreev, NULL);
}

void
mp_mailbox_run_job (MpMailbox *self,
                    Job       *job)
{
  MP_ASSERT_WORKER ();

  if (job->kind == JOB_QUIT)
    {
      mp_mailbox_drop_session (self, TRUE);
      return;
    }
  if (job->kind == JOB_MARK_SEEN)   /* runs even after a shutdown */
    {
      run_mark_seen (self, job);
      return;
    }
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      mp_mailbox_job_post_result (job, NULL, NULL,
                                  g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                       _("Operation was cancelled")));
      return;
    }

  switch (job->kind)
    {
    case JOB_CHECK: run_check (self, job); break;
    case JOB_PREVIEW: run_preview (self, job); break;
    case JOB_DELETE: run_delete (self, job); break;
    case JOB_TEST_LOGIN: run_test_login (self, job); break;
    case JOB_QUIT: case JOB_MARK_SEEN: default: g_assert_not_reached ();
    }
}
