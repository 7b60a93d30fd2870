/* test-mailbox-fake.c — MpMailbox against the scripted fake server: failures
 * Dovecot will not produce (LOGIN-DELAY, a dripping server, broken listings, a
 * preview cut short), rules on a check, the idle QUIT, and jobs against
 * shutdown and cancel. Deleting is in test-mailbox-delete.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <gio/gio.h>

#include "mp-error.h"
#include "mp-rules.h"
#include "mp-mailbox-private.h"   /* idle_source: whether the idle timer is armed */
#include "core-test-helpers.h"
#include "mailbox-fake-helpers.h"

/* The worker's protocol trace, watched for the QUIT that ends the idle session.
 * Tests wait for it with the main loop running instead of for a fixed time: the
 * QUIT is queued from the main loop (worker reports idle → timer → QUIT job), so
 * a main loop blocked in finish_server () too early would never see it sent. */
typedef struct {
  gint   quit_sent;   /* atomic */
  gint64 quit_time;   /* monotonic µs; written before quit_sent is set */
} QuitWatch;

static void
watch_trace (MpPop3TraceDirection dir, const char *line, gpointer data)
{
  QuitWatch *q = data;

  if (dir == MP_POP3_TRACE_SENT && g_str_has_prefix (line, "QUIT"))
    {
      q->quit_time = g_get_monotonic_time ();
      g_atomic_int_set (&q->quit_sent, 1);
    }
}

/* Main loop runs until the worker sent QUIT; fails after 60 s. */
static void
wait_quit_sent (QuitWatch *q)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!g_atomic_int_get (&q->quit_sent))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Main loop runs until the worker reported the session idle (timer armed). */
static void
wait_idle_armed (MpMailbox *mb)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (mb->idle_source == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* A time bound, relaxed when sanitized code runs several times slower. */
static gint64
scaled_usec (gint64 usec)
{
  return g_getenv ("MP_SANITIZER") != NULL ? 3 * usec : usec;
}

static void
collect (MpMailbox *mb, GPtrArray *summaries, guint done, guint total, gpointer data)
{
  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (data, g_object_ref (summaries->pdata[i]));
}

/* A check with rules evaluates each fetched message on the worker, with its
 * whole header block ("any header" sees List-Id), first match wins. */
static void
test_check_rules (void)
{
  const char *rules_conf =
    "[rules]\nversion=1\n"
    "[rule 1]\nname=Spam\nenabled=true\npreviewed=true\naction=delete\nspam-flag=true\n"
    "[rule 2]\nname=Lists\nenabled=true\naction=junk\nheader-contains=List-Id: news\n";
  g_autoptr(MpRuleSet) rules = mp_rule_set_from_data (rules_conf, strlen (rules_conf), NULL);
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  MpRuleHit *hit;
  Wait w = { 0 };

  mb = start_mailbox (LOGIN SCAN
                      "expect TOP 2 0\nsend +OK\nsend From: b@ok.test\n"
                      "send List-Id: <news.ok.test>\nsend \nsend .\n"
                      "expect TOP 1 0\nsend +OK\nsend From: a@spam.test\nsend X-Spam-Flag: YES\n"
                      "send List-Id: <news.spam.test>\nsend \nsend .\n"
                      "expect QUIT\nsend +OK\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_set_rules (mb, rules);
  mp_mailbox_check_async (mb, NULL, NULL, NULL, NULL, NULL, on_check, &w);
  wait_done (&w);
  mp_mailbox_shutdown (mb);   /* QUITs the idle session on the worker */
  finish_server (server);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.result->rule_hits->len, ==, 2);
  /* In the order the check fetched: newest first. */
  hit = w.result->rule_hits->pdata[1];
  g_assert_cmpstr (hit->uidl, ==, "uid-one");
  g_assert_cmpstr (hit->rule, ==, "Spam");
  g_assert_cmpint (hit->action, ==, MP_RULE_ACTION_DELETE);
  g_assert_cmpstr (hit->reason, ==, "the server marked it as spam (X-Spam-Flag)");
  hit = w.result->rule_hits->pdata[0];
  g_assert_cmpstr (hit->uidl, ==, "uid-two");
  g_assert_cmpstr (hit->rule, ==, "Lists");
  g_assert_cmpint (hit->action, ==, MP_RULE_ACTION_JUNK);
  {
    g_autoptr(MpCheckResult) copy = mp_check_result_copy (w.result);
    g_assert_cmpstr (((MpRuleHit *) copy->rule_hits->pdata[0])->reason, ==,
                     "List-Id contains “news”");
  }
  mp_check_result_free (w.result);
}

/* The server advertises LOGIN-DELAY @advertised, then refuses the login with
 * [LOGIN-DELAY]: the error asks to wait @expected seconds. */
static void
assert_login_delay (const char *advertised,
                    guint       expected)
{
  g_autofree char *script = g_strdup_printf (
    "send +OK fake ready\n"
    "expect CAPA\n"
    "send +OK\n"
    "send USER\n"
    "send UIDL\n"
    "send LOGIN-DELAY %s\n"
    "send RESP-CODES\n"
    "send .\n"
    "expect USER alice\n"
    "send +OK\n"
    "expect PASS *\n"
    "send -ERR [LOGIN-DELAY] too soon\n", advertised);
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  Wait w = { 0 };

  mb = start_mailbox (script, &server);
  if (mb == NULL)
    return;
  mp_mailbox_check_async (mb, NULL, NULL, NULL, NULL, NULL, on_check, &w);
  wait_done (&w);
  finish_server (server);
  g_assert_error (w.error, MP_ERROR, MP_ERROR_SERVER_BUSY);
  g_assert_true (mp_error_is_retryable (w.error));
  g_assert_cmpuint (mp_error_get_retry_after (w.error), ==, expected);
  g_clear_error (&w.error);
  mp_mailbox_shutdown (mb);
}

/* An account's check with the engine's default limits (no option set: the
 * account's own options) against a server dripping its greeting, one byte a
 * second: never silent for the 30 s idle timeout, so only the low-speed
 * limit (10 bytes/s over 60 s) frees the account's job queue. Takes a
 * minute by design; the defaults are the point. */
static void
test_dripping_server_bounded (void)
{
  static const char script[] =
    "drip 1 +OK a greeting of about a hundred bytes, one byte a second: never silent, "
    "never finished in time\n"
    "expect-eof\n";
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  Wait w = { 0 };
  gint64 start, elapsed;

  mb = start_mailbox (script, &server);
  if (mb == NULL)
    return;
  start = g_get_monotonic_time ();
  mp_mailbox_check_async (mb, NULL, NULL, NULL, NULL, NULL, on_check, &w);
  core_test_run_until (&w.done, 180);
  elapsed = g_get_monotonic_time () - start;
  finish_server (server);
  g_assert_null (w.result);
  g_assert_error (w.error, MP_ERROR, MP_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (w.error->message, "in the last 60 seconds"));
  g_assert_cmpint (elapsed, >=, 59 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 60 * G_USEC_PER_SEC + scaled_usec (10 * G_USEC_PER_SEC));
  g_clear_error (&w.error);
  mp_mailbox_shutdown (mb);
}

static void
test_login_delay (void)
{
  assert_login_delay ("900", 900);
  /* Over the 7-day cap: still a long wait (the cap), not the 5 min guess
   * for a server that names no value. */
  assert_login_delay ("99999999999999999999999", 7 * 86400);
  assert_login_delay ("soon", 300);
}

static void
test_idle_quit (void)
{
  const char *uidls[] = { "uid-one", "uid-two", NULL };
  g_autoptr(MpKnownRows) known = core_test_known_rows (uidls);
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  Wait w = { 0 };
  QuitWatch *q;
  gint64 t0;

  /* A check with everything known: scan only, then the session idles and is QUIT
   * after the idle timeout (no TOP, no second connection). */
  mb = start_mailbox (LOGIN SCAN "expect QUIT\nsend +OK bye\nexpect-eof\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_set_idle_timeout (mb, 300);
  q = g_new0 (QuitWatch, 1);   /* owned by the mailbox from here */
  mp_mailbox_set_trace_func (mb, watch_trace, q, g_free);
  mp_mailbox_check_async (mb, known, NULL, NULL, NULL, NULL, on_check, &w);
  wait_done (&w);
  t0 = g_get_monotonic_time ();
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.result->n_messages, ==, 2);
  g_assert_cmpuint (w.result->n_fetched, ==, 0);
  mp_check_result_free (w.result);

  wait_quit_sent (q);
  /* not before the idle timeout, which starts after the result was delivered */
  g_assert_cmpint (q->quit_time - t0, >=, 300 * 1000);
  /* the server saw QUIT and the close */
  finish_server (server);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, scaled_usec (3 * G_USEC_PER_SEC));
}

/* The nice value of the thread that ran the job, as the trace saw it. */
static void
note_nice (MpPop3TraceDirection dir, const char *line, gpointer data)
{
  gint *nice = data;

  g_atomic_int_set (nice, getpriority (PRIO_PROCESS, (id_t) gettid ()));
}

/* A check parses thousands of summaries on a worker while the window shows
 * them: the pool's threads run 10 nice levels below the main thread, which
 * itself is untouched. */
static void
test_worker_priority (void)
{
  const char *uidls[] = { "uid-one", "uid-two", NULL };
  g_autoptr(MpKnownRows) known = core_test_known_rows (uidls);
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  Wait w = { 0 };
  int main_nice = getpriority (PRIO_PROCESS, (id_t) gettid ());
  gint *nice;

  mb = start_mailbox (LOGIN SCAN "expect QUIT\nsend +OK bye\nexpect-eof\n", &server);
  if (mb == NULL)
    return;
  nice = g_new0 (gint, 1);   /* owned by the mailbox from here */
  *nice = -100;
  mp_mailbox_set_trace_func (mb, note_nice, nice, g_free);
  mp_mailbox_check_async (mb, known, NULL, NULL, NULL, NULL, on_check, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  mp_check_result_free (w.result);
  g_assert_cmpint (g_atomic_int_get (nice), ==, MIN (main_nice + 10, 19));
  g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) gettid ()), ==, main_nice);
  mp_mailbox_shutdown (mb);
  finish_server (server);
}

typedef struct {
  gboolean  done;
  char    **caps;
  GError   *error;
  MpMailbox *shutdown_in_callback;   /* nullable */
} LoginWait;

static void
on_test_login (GObject *src, GAsyncResult *res, gpointer data)
{
  LoginWait *w = data;

  w->caps = mp_mailbox_test_login_finish (MP_MAILBOX (src), res, &w->error);
  /* What MpSession does with a queue of its own: shut it down at once, while
   * the worker may still be finishing the job. */
  if (w->shutdown_in_callback != NULL)
    mp_mailbox_shutdown (w->shutdown_in_callback);
  w->done = TRUE;
}

/* A shutdown stops the mailbox's jobs but leaves the caller's cancellable
 * alone: the caller (the account dialog) uses it for other work as well, and
 * a cancelled one made its next test and its save end as "cancelled" at once
 * (gui-accounts hung in CI with "Connecting…"). */
static void
test_shutdown_spares_caller_cancellable (void)
{
  g_autoptr(MpMailbox) mb = NULL;
  g_autoptr(GCancellable) mine = g_cancellable_new ();
  MpTestFakeServer *server;
  LoginWait w = { 0 };

  mb = start_mailbox ("send +OK fake ready\nexpect CAPA\nhang\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_test_login_async (mb, NULL, mine, on_test_login, &w);
  /* The worker is inside the session, waiting for CAPA's answer. */
  g_usleep (300 * 1000);
  mp_mailbox_shutdown (mb);
  core_test_run_until (&w.done, 30);
  g_assert_null (w.caps);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_assert_false (g_cancellable_is_cancelled (mine));
  mp_test_fake_server_finish (server, NULL);

}

/* The caller's own cancel still reaches the job, through the job's own. */
static void
test_caller_cancel_reaches_job (void)
{
  g_autoptr(MpMailbox) mb = NULL;
  g_autoptr(GCancellable) mine = g_cancellable_new ();
  MpTestFakeServer *server;
  LoginWait w = { 0 };
  gint64 t0;

  mb = start_mailbox ("send +OK fake ready\nexpect CAPA\nhang\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_test_login_async (mb, NULL, mine, on_test_login, &w);
  g_usleep (300 * 1000);
  t0 = g_get_monotonic_time ();
  g_cancellable_cancel (mine);
  core_test_run_until (&w.done, 30);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, scaled_usec (G_USEC_PER_SEC));
  g_clear_error (&w.error);
  mp_mailbox_shutdown (mb);
  mp_test_fake_server_finish (server, NULL);
}

/* The result a job delivered stays what it was when the callback shuts the
 * mailbox down before the worker has let go of the job. */
static void
test_shutdown_in_result_callback (void)
{
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(MpMailbox) mb = NULL;
      g_autoptr(GCancellable) mine = g_cancellable_new ();
      MpTestFakeServer *server;
      LoginWait w = { 0 };

      mb = start_mailbox ("send -ERR not today\nexpect-eof\n", &server);
      if (mb == NULL)
        return;
      w.shutdown_in_callback = mb;
      mp_mailbox_test_login_async (mb, NULL, mine, on_test_login, &w);
      core_test_run_until (&w.done, 30);
      g_assert_nonnull (w.error);
      g_assert_false (g_error_matches (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
      g_assert_false (g_cancellable_is_cancelled (mine));
      g_clear_error (&w.error);
      mp_test_fake_server_finish (server, NULL);
    }
}

static void
test_settings_change_quits (void)
{
  const char *uidls[] = { "uid-one", "uid-two", NULL };
  g_autoptr(MpKnownRows) known = core_test_known_rows (uidls);
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  Wait w = { 0 };
  gint64 t0;

  /* The idle session (timeout 60 s) is QUIT as soon as a connection setting
   * changes; a display-only change keeps it. */
  mb = start_mailbox (LOGIN SCAN "expect QUIT\nsend +OK bye\nexpect-eof\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_set_idle_timeout (mb, 60000);
  mp_mailbox_check_async (mb, known, NULL, NULL, NULL, NULL, on_check, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  mp_check_result_free (w.result);

  /* let the worker report "idle" so the idle timer runs */
  wait_idle_armed (mb);
  mp_account_set_name (mp_mailbox_get_account (mb), "Renamed");
  g_assert_cmpuint (mb->idle_source, !=, 0);   /* display-only: session kept */
  t0 = g_get_monotonic_time ();
  mp_account_set_username (mp_mailbox_get_account (mb), "bob");
  finish_server (server);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, scaled_usec (3 * G_USEC_PER_SEC));
}

/* Newest first, as every check fetches (mp-mailbox.h). */
#define RETR_BOTH \
  "expect RETR 2\n" \
  "send +OK\n" \
  "send From: two@example.org\n" \
  "send Subject: second\n" \
  "send \n" \
  "send body two\n" \
  "send .\n" \
  "expect RETR 1\n" \
  "send +OK\n" \
  "send From: One <one@example.org>\n" \
  "send Subject: first\n" \
  "send \n" \
  "send body one\n" \
  "send .\n" \
  "expect QUIT\n" \
  "send +OK\n"

static void
check_headers_via (const char *script)
{
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  Wait w = { 0 };
  QuitWatch *q;
  GPtrArray *got = g_ptr_array_new_with_free_func (g_object_unref);

  mb = start_mailbox (script, &server);
  if (mb == NULL)
    {
      g_ptr_array_unref (got);
      return;
    }
  mp_mailbox_set_idle_timeout (mb, 0);
  q = g_new0 (QuitWatch, 1);   /* owned by the mailbox from here */
  mp_mailbox_set_trace_func (mb, watch_trace, q, g_free);
  mp_mailbox_check_async (mb, NULL, collect, got, NULL, NULL, on_check, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.result->n_fetched, ==, 2);
  g_assert_cmpuint (got->len, ==, 2);
  /* Newest first. */
  g_assert_cmpstr (mp_message_summary_get_subject (got->pdata[1]), ==, "first");
  g_assert_cmpstr (mp_message_summary_get_from_address (got->pdata[1]), ==,
                   "one@example.org");
  g_assert_cmpstr (mp_message_summary_get_uidl (got->pdata[0]), ==, "uid-two");
  g_assert_cmpstr (mp_message_summary_get_subject (got->pdata[0]), ==, "second");
  mp_check_result_free (w.result);
  /* idle timeout 0: the QUIT is queued from the main loop right after the check */
  wait_quit_sent (q);
  finish_server (server);
  g_ptr_array_unref (got);
}

static void
test_no_top_in_capa (void)
{
  check_headers_via ("send +OK fake ready\n"
                     "expect CAPA\n"
                     "send +OK\n"
                     "send USER\n"
                     "send UIDL\n"
                     "send .\n"
                     "expect USER alice\n"
                     "send +OK\n"
                     "expect PASS *\n"
                     "send +OK\n"
                     "expect CAPA\n"
                     "send +OK\n"
                     "send USER\n"
                     "send UIDL\n"
                     "send .\n"
                     SCAN RETR_BOTH);
}

static void
test_no_capa_top_refused (void)
{
  check_headers_via ("send +OK fake ready\n"
                     "expect CAPA\n"
                     "send -ERR unknown command\n"
                     "expect USER alice\n"
                     "send +OK\n"
                     "expect PASS *\n"
                     "send +OK\n"
                     "expect CAPA\n"
                     "send -ERR unknown command\n"
                     SCAN
                     "expect TOP 2 0\n"
                     "send -ERR unknown command\n"
                     "expect TOP 1 0\n"
                     "send -ERR unknown command\n"
                     RETR_BOTH);
}

/* A listing naming a message twice or two messages with one UIDL: the check
 * fails as a protocol error before any TOP (the script's next step is the
 * QUIT of the idle session: no TOP, no DELE). */
static void
check_fails_on_scan (const char *scan,
                     const char *message_part)
{
  g_autoptr(MpMailbox) mb = NULL;
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *script = g_strconcat (LOGIN, scan, "expect QUIT\nsend +OK\n", NULL);
  MpTestFakeServer *server;
  Wait w = { 0 };

  mb = start_mailbox (script, &server);
  if (mb == NULL)
    return;
  mp_mailbox_check_async (mb, NULL, collect, got, NULL, NULL, on_check, &w);
  wait_done (&w);
  g_assert_null (w.result);
  g_assert_error (w.error, MP_ERROR, MP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (w.error->message, message_part));
  g_assert_cmpuint (got->len, ==, 0);
  mp_mailbox_shutdown (mb);   /* QUITs the idle session on the worker */
  finish_server (server);
  g_clear_error (&w.error);
}

static void
test_check_duplicate_number (void)
{
  check_fails_on_scan ("expect LIST\nsend +OK\nsend 1 100\nsend 1 200\nsend .\n"
                       "expect UIDL\nsend +OK\nsend 1 uid-one\nsend .\n",
                       "message 1 twice");
}

static void
test_check_duplicate_uidl (void)
{
  check_fails_on_scan ("expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend .\n"
                       "expect UIDL\nsend +OK\nsend 1 same\nsend 2 same\nsend .\n",
                       "same unique id");
}

static void
test_check_uidl_incomplete (void)
{
  check_fails_on_scan (SCAN_UIDL_MISSING_2, "UIDL listing is incomplete");
}

static void
on_preview (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  MpMessagePreview *preview = mp_mailbox_preview_finish (MP_MAILBOX (src), res, &w->error);

  w->ok = preview != NULL;
  g_clear_object (&preview);
  w->done = TRUE;
}

/* The server did not dot-stuff a "." line in message 1: its reply to RETR
 * ends there and the rest follows. The preview fails as a protocol error
 * saying the message may be truncated; it is not shown as if whole. */
static void
test_preview_cut_short (void)
{
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;
  Wait w = { 0 };

  mb = start_mailbox (LOGIN SCAN "expect RETR 1\n"
                      "send-raw +OK\\r\\nSubject: x\\r\\n\\r\\nfirst\\r\\n.\\r\\n"
                      "rest\\r\\n.\\r\\n\n"
                      "expect-eof\n", &server);
  if (mb == NULL)
    return;
  mp_mailbox_preview_async (mb, "uid-one", TRUE, NULL, on_preview, &w);
  wait_done (&w);
  g_assert_false (w.ok);
  g_assert_error (w.error, MP_ERROR, MP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (w.error->message, "truncated"));
  finish_server (server);
  mp_mailbox_shutdown (mb);
  g_clear_error (&w.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/mailbox-fake/check-rules", test_check_rules);
  g_test_add_func ("/core/mailbox-fake/check-duplicate-number", test_check_duplicate_number);
  g_test_add_func ("/core/mailbox-fake/check-duplicate-uidl", test_check_duplicate_uidl);
  g_test_add_func ("/core/mailbox-fake/check-uidl-incomplete", test_check_uidl_incomplete);
  g_test_add_func ("/core/mailbox-fake/preview-cut-short", test_preview_cut_short);
  g_test_add_func ("/core/mailbox-fake/login-delay", test_login_delay);
  g_test_add_func ("/core/mailbox-fake/dripping-server-bounded", test_dripping_server_bounded);
  g_test_add_func ("/core/mailbox-fake/idle-quit", test_idle_quit);
  g_test_add_func ("/core/mailbox-fake/worker-priority", test_worker_priority);
  g_test_add_func ("/core/mailbox-fake/no-top-in-capa", test_no_top_in_capa);
  g_test_add_func ("/core/mailbox-fake/no-capa-top-refused", test_no_capa_top_refused);
  g_test_add_func ("/core/mailbox-fake/settings-change-quits", test_settings_change_quits);
  g_test_add_func ("/core/mailbox-fake/shutdown-spares-caller-cancellable",
                   test_shutdown_spares_caller_cancellable);
  g_test_add_func ("/core/mailbox-fake/caller-cancel-reaches-job",
                   test_caller_cancel_reaches_job);
  g_test_add_func ("/core/mailbox-fake/shutdown-in-result-callback",
                   test_shutdown_in_result_callback);
  return g_test_run ();
}
