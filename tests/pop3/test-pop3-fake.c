/* The engine against tests/harness/fake-pop3.py: exact client transcripts
 * for faults Dovecot cannot produce (response codes, STLS response
 * injection, hangs, resets) and proof that replies are pipelined.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-pop3-session.h"
#include "mp-test-util.h"

#define LOGIN_SCRIPT \
  "send +OK ready\n" \
  "expect CAPA\n" \
  "send +OK\nsend USER\nsend RESP-CODES\nsend PIPELINING\nsend TOP\nsend .\n" \
  "expect USER alice\n" \
  "send +OK\n" \
  "expect PASS secret\n"

#define LOGGED_IN \
  LOGIN_SCRIPT \
  "send +OK logged in\n" \
  "expect CAPA\n" \
  "send +OK\nsend PIPELINING\nsend TOP\nsend .\n"

static MpPop3Options *
fake_options (guint16 port, MpPop3Security security)
{
  MpPop3Options *o = mp_pop3_options_new ();

  o->host = g_strdup ("127.0.0.1");
  o->port = port;
  o->security = security;
  o->auth = MP_POP3_AUTH_USER;
  o->username = g_strdup ("alice");
  mp_pop3_options_set_password (o, "secret");
  o->allow_plaintext_password = TRUE;
  o->timeout_ms = 5000;
  return o;
}

typedef MpTestFakeServer MpPop3TestServer;

/* Limits of one operation; zero fields keep the engine's defaults. */
typedef struct {
  guint max_time_ms;
  guint speed_limit;
  guint speed_time_ms;
} Limits;

/* Starts fake-pop3.py on script and connects a session to it (with
 * @limits unless NULL). Skips the test and leaves *server_out NULL when the
 * fake server cannot start. */
static MpPop3Session *
start_limited (const char        *script,
               MpPop3Security     security,
               guint              timeout_ms,
               const Limits      *limits,
               MpPop3TestServer **server_out,
               gboolean          *connected,
               GError           **error)
{
  g_autoptr(MpPop3Options) o = NULL;
  MpPop3Session *session;
  guint16 port = 0;

  *server_out = mp_test_fake_server_start (script, &port);
  if (*server_out == NULL)
    {
      g_test_skip ("fake-pop3.py could not be started");
      return NULL;
    }
  o = fake_options (port, security);
  if (timeout_ms > 0)
    o->timeout_ms = timeout_ms;
  if (limits != NULL)
    {
      o->max_time_ms = limits->max_time_ms;
      o->speed_limit = limits->speed_limit;
      o->speed_time_ms = limits->speed_time_ms;
    }
  session = mp_pop3_session_new (o);
  *connected = mp_pop3_session_connect_sync (session, NULL, error);
  return session;
}

static MpPop3Session *
start (const char        *script,
       MpPop3Security     security,
       guint              timeout_ms,
       MpPop3TestServer **server_out,
       gboolean          *connected,
       GError           **error)
{
  return start_limited (script, security, timeout_ms, NULL, server_out, connected, error);
}

static void
finish_ok (MpPop3TestServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!mp_test_fake_server_finish (server, &error))
    g_error ("transcript mismatch: %s", error->message);
}

/* The connect must fail with code, then the server must see the whole
 * transcript. FALSE when the test was skipped. */
static gboolean
connect_fails (const char      *script,
               MpPop3Security   security,
               MpPop3ErrorCode  code)
{
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = TRUE;

  session = start (script, security, 0, &server, &connected, &error);
  if (server == NULL)
    return FALSE;
  g_assert_false (connected);
  g_assert_error (error, MP_POP3_ERROR, (gint) code);
  g_clear_object (&session);   /* closes the socket: the server sees EOF */
  finish_ok (server);
  return TRUE;
}

static void
test_login_codes (void)
{
  const struct { const char *code; MpPop3ErrorCode expected; } cases[] = {
    { "[LOGIN-DELAY] wait 5 minutes", MP_POP3_ERROR_LOGIN_DELAY },
    { "[SYS/TEMP] try later", MP_POP3_ERROR_SYS_TEMP },
    { "[SYS/PERM] account disabled", MP_POP3_ERROR_SYS_PERM },
    { "[AUTH] bad password", MP_POP3_ERROR_AUTH },
    { "[IN-USE] locked", MP_POP3_ERROR_IN_USE },
    { "bad password", MP_POP3_ERROR_AUTH },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *script = g_strdup_printf (LOGIN_SCRIPT "send -ERR %s\nexpect-eof\n", cases[i].code);

      if (!connect_fails (script, MP_POP3_SECURITY_NONE, cases[i].expected))
        return;
    }
}

static void
test_stls_injection (void)
{
  const char *script =
    "send +OK ready\n"
    "expect CAPA\n"
    "send +OK\nsend STLS\nsend USER\nsend .\n"
    "expect STLS\n"
    "send-raw +OK Begin TLS\\r\\n-ERR injected before the handshake\\r\\n\n"
    "expect-eof\n";

  connect_fails (script, MP_POP3_SECURITY_STARTTLS, MP_POP3_ERROR_PROTOCOL);
}

static void
test_stls_missing (void)
{
  /* STARTTLS required, server without STLS: nothing after CAPA, in
   * particular no USER line. */
  const char *script =
    "send +OK ready\n"
    "expect CAPA\n"
    "send +OK\nsend USER\nsend .\n"
    "expect-eof\n";

  connect_fails (script, MP_POP3_SECURITY_STARTTLS, MP_POP3_ERROR_STLS_UNAVAILABLE);
}

static void
test_hang_in_body (void)
{
  const char *script = LOGGED_IN
    "expect RETR 1\n"
    "send +OK\n"
    "send Subject: half\n"
    "hang\n";
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;

  session = start (script, MP_POP3_SECURITY_NONE, 700, &server, &connected, &error);
  if (server == NULL)
    return;
  g_assert_no_error (error);
  g_assert_true (connected);
  body = mp_pop3_session_retr_sync (session, 1, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT);
  g_assert_false (mp_pop3_session_is_connected (session));
  g_clear_object (&session);
  finish_ok (server);
}

static void
test_reset_in_listing (void)
{
  const char *script = LOGGED_IN
    "expect LIST\n"
    "expect UIDL\n"
    "send +OK\n"
    "repeat 50 {i} 100\n"
    "reset\n";
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpPop3Listing) entries = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;

  session = start (script, MP_POP3_SECURITY_NONE, 0, &server, &connected, &error);
  if (server == NULL)
    return;
  g_assert_true (connected);
  entries = mp_pop3_session_scan_sync (session, NULL, &error);
  g_assert_null (entries);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED);
  g_clear_object (&session);
  finish_ok (server);
}

typedef struct {
  guint n;
  char *last;
} Seen;

static void
seen_body (guint number, GBytes *body, gpointer user_data)
{
  Seen *s = user_data;

  s->n++;
  g_free (s->last);
  s->last = body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)) : NULL;
}

static void
test_pipelined_transcript (void)
{
  /* The server reads all three TOPs before it answers anything: a client
   * that waits for each reply would time out here. Then QUIT's +OK. */
  const char *script = LOGGED_IN
    "expect TOP 1 0\n"
    "expect TOP 2 0\n"
    "expect TOP 3 0\n"
    "send +OK\nsend Subject: one\nsend \nsend .\n"
    "send -ERR no such message\n"
    "send +OK\nsend Subject: three\nsend ..dot\nsend .\n"
    "expect QUIT\n"
    "send +OK bye\n"
    "expect-eof\n";
  const guint numbers[] = { 1, 2, 3 };
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;
  Seen seen = { 0, NULL };

  session = start (script, MP_POP3_SECURITY_NONE, 3000, &server, &connected, &error);
  if (server == NULL)
    return;
  g_assert_no_error (error);
  g_assert_true (mp_pop3_session_is_pipelining (session));
  g_assert_true (mp_pop3_session_top_many_sync (session, numbers, 3, 0, seen_body, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.n, ==, 3);
  g_assert_cmpstr (seen.last, ==, "Subject: three\r\n.dot\r\n");
  g_assert_true (mp_pop3_session_quit_sync (session, NULL, &error));
  g_assert_no_error (error);
  g_free (seen.last);
  finish_ok (server);
}

/* QUIT goes out with the TOPs: the server reads it before it answers any of
 * them (a client that waited for the last body first would time out here). */
static void
run_then_quit (const char *quit_reply,
               gboolean    expect_quit_ok)
{
  g_autofree char *script = g_strconcat (LOGGED_IN,
    "expect TOP 1 0\n"
    "expect TOP 2 0\n"
    "expect QUIT\n"
    "send +OK\nsend Subject: one\nsend \nsend .\n"
    "send -ERR no such message\n",
    quit_reply,
    "expect-eof\n", NULL);
  const guint numbers[] = { 1, 2 };
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;
  gboolean quit_ok = !expect_quit_ok;
  Seen seen = { 0, NULL };

  session = start (script, MP_POP3_SECURITY_NONE, 3000, &server, &connected, &error);
  if (server == NULL)
    return;
  g_assert_no_error (error);
  g_assert_true (mp_pop3_session_top_many_then_quit_sync (session, numbers, 2, 0, seen_body,
                                                          &seen, &quit_ok, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.n, ==, 2);
  g_assert_cmpint (quit_ok, ==, expect_quit_ok);
  g_assert_false (mp_pop3_session_is_connected (session));
  g_free (seen.last);
  finish_ok (server);
}

static void
test_then_quit (void)
{
  run_then_quit ("send +OK bye\n", TRUE);
}

static void
test_then_quit_refused (void)
{
  run_then_quit ("send -ERR cannot\n", FALSE);
}

/* After a DELE, QUIT would commit it before the caller saw a TOP reply: the
 * engine refuses (a programming error) and sends nothing. */
static void
test_then_quit_after_dele (void)
{
  const char *script = LOGGED_IN
    "expect DELE 1\n"
    "send +OK marked\n"
    "expect RSET\n"
    "send +OK\n"
    "expect TOP 1 0\n"
    "expect QUIT\n"
    "send +OK\nsend Subject: one\nsend \nsend .\n"
    "send +OK bye\n"
    "expect-eof\n";
  const guint numbers[] = { 1 };
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;
  gboolean quit_ok = FALSE;
  Seen seen = { 0, NULL };

  session = start (script, MP_POP3_SECURITY_NONE, 3000, &server, &connected, &error);
  if (server == NULL)
    return;
  g_assert_true (mp_pop3_session_dele_sync (session, 1, NULL, &error));
  g_test_expect_message ("mp-pop3", G_LOG_LEVEL_CRITICAL, "*dele_sent*");
  g_assert_false (mp_pop3_session_top_many_then_quit_sync (session, numbers, 1, 0, seen_body,
                                                           &seen, &quit_ok, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (seen.n, ==, 0);
  /* RSET clears the marks: then it may. */
  g_assert_true (mp_pop3_session_rset_sync (session, NULL, &error));
  g_assert_true (mp_pop3_session_top_many_then_quit_sync (session, numbers, 1, 0, seen_body,
                                                          &seen, &quit_ok, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (quit_ok);
  g_free (seen.last);
  finish_ok (server);
}

static void
test_quit_not_acknowledged (void)
{
  const char *script = LOGGED_IN
    "expect DELE 1\n"
    "send +OK marked\n"
    "expect QUIT\n"
    "close\n";
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;

  session = start (script, MP_POP3_SECURITY_NONE, 0, &server, &connected, &error);
  if (server == NULL)
    return;
  g_assert_true (connected);
  g_assert_true (mp_pop3_session_dele_sync (session, 1, NULL, &error));
  /* No +OK to QUIT: deletions must not be reported as committed. */
  g_assert_false (mp_pop3_session_quit_sync (session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED);
  finish_ok (server);
}

/* ---- deadline per operation, low-speed abort ---- */

/* Upper bounds of elapsed time; sanitizer builds run about 3x slower. */
static gint64
slow_bound_us (gint64 usec)
{
  return g_getenv ("MP_SANITIZER") != NULL ? 3 * usec : usec;
}

/* A greeting dripped one byte every 0.2 s is never silent for the 5 s idle
 * timeout; connect_sync is one operation and ends at max_time. */
static void
test_max_time_greeting (void)
{
  const char *script =
    "drip 0.2 +OK this greeting would take about fifteen seconds to arrive in full\n"
    "expect-eof\n";
  const Limits limits = { .max_time_ms = 1500 };
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = TRUE;
  gint64 start_us = g_get_monotonic_time (), elapsed;

  session = start_limited (script, MP_POP3_SECURITY_NONE, 5000, &limits,
                           &server, &connected, &error);
  if (server == NULL)
    return;
  elapsed = g_get_monotonic_time () - start_us;
  g_assert_false (connected);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "longer than 2 seconds"));
  g_assert_cmpint (elapsed, >=, 1400 * 1000);
  g_assert_cmpint (elapsed, <, slow_bound_us (4 * G_USEC_PER_SEC));
  g_clear_object (&session);
  finish_ok (server);
}

/* The TLS handshake is bounded too: a "server" dripping the header of a
 * 16 KiB record and then its body. */
static void
test_max_time_handshake (void)
{
  const char *script =
    "drip 0.2 \\x16\\x03\\x03\\x40\\x00 record body that never ends in time\n"
    "hang\n";   /* reads (and ignores) the ClientHello until the client closes */
  const Limits limits = { .max_time_ms = 1000 };
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = TRUE;
  gint64 start_us = g_get_monotonic_time (), elapsed;

  session = start_limited (script, MP_POP3_SECURITY_TLS, 5000, &limits,
                           &server, &connected, &error);
  if (server == NULL)
    return;
  elapsed = g_get_monotonic_time () - start_us;
  g_assert_false (connected);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT);
  g_assert_cmpint (elapsed, <, slow_bound_us (4 * G_USEC_PER_SEC));
  g_clear_object (&session);
  finish_ok (server);
}

/* Each _sync call is one operation: two NOOPs of 1.2 s each pass a 2 s
 * limit although together they take longer; in a batch each message has
 * the whole limit. */
static void
test_max_time_per_operation (void)
{
  const char *script = LOGGED_IN
    "expect NOOP\nsleep 1.2\nsend +OK\n"
    "expect NOOP\nsleep 1.2\nsend +OK\n"
    "expect TOP 1 0\nexpect TOP 2 0\n"
    "sleep 1.2\nsend +OK\nsend Subject: one\nsend .\n"
    "sleep 1.2\nsend +OK\nsend Subject: two\nsend .\n"
    "expect QUIT\nsend +OK bye\n"
    "expect-eof\n";
  const Limits limits = { .max_time_ms = 2000 };
  const guint numbers[] = { 1, 2 };
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;
  Seen seen = { 0, NULL };

  session = start_limited (script, MP_POP3_SECURITY_NONE, 5000, &limits,
                           &server, &connected, &error);
  if (server == NULL)
    return;
  g_assert_no_error (error);
  g_assert_true (connected);
  g_assert_true (mp_pop3_session_noop_sync (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mp_pop3_session_noop_sync (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mp_pop3_session_top_many_sync (session, numbers, 2, 0, seen_body, &seen,
                                                NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.n, ==, 2);
  g_free (seen.last);
  g_assert_true (mp_pop3_session_quit_sync (session, NULL, &error));
  g_assert_no_error (error);
  finish_ok (server);
}

/* RETR 1 of a logged-in session with @limits, the body sent by @drip (a
 * fake-pop3.py drip step), cancelled from another thread after
 * @cancel_after_ms unless 0; the call must fail and close the session.
 * *@took: from the RETR (or the cancel) until it returned. FALSE when the
 * test was skipped. */
static gboolean
retr_dripped (const char    *drip,
              const Limits  *limits,
              guint          cancel_after_ms,
              gint64        *took,
              GError       **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  MpTestCanceller *canceller = NULL;
  gint64 start;
  g_autofree char *script = g_strdup_printf (LOGGED_IN "expect RETR 1\nsend +OK\n%s\n"
                                             "expect-eof\n", drip);
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GBytes) body = NULL;
  MpPop3TestServer *server = NULL;
  gboolean connected = FALSE;

  session = start_limited (script, MP_POP3_SECURITY_NONE, 5000, limits,
                           &server, &connected, error);
  if (server == NULL)
    return FALSE;
  g_assert_no_error (*error);
  g_assert_true (connected);
  start = g_get_monotonic_time ();
  if (cancel_after_ms > 0)
    canceller = mp_test_cancel_later (cancellable, cancel_after_ms);
  body = mp_pop3_session_retr_sync (session, 1, cancellable, error);
  *took = g_get_monotonic_time ();
  *took -= canceller != NULL ? mp_test_cancel_later_join (canceller) : start;
  g_assert_null (body);
  g_assert_false (mp_pop3_session_is_connected (session));
  g_clear_object (&session);
  finish_ok (server);
  return TRUE;
}

/* A body dripped at 5 bytes/s, below a limit of 100 bytes/s over 1 s. */
static void
test_low_speed_body (void)
{
  const Limits limits = { .speed_limit = 100, .speed_time_ms = 1000 };
  g_autoptr(GError) error = NULL;
  gint64 took;

  if (!retr_dripped ("drip 0.2 Subject: a body that trickles in far below the speed limit",
                     &limits, 0, &took, &error))
    return;
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "bytes in the last 1 second"));
  g_assert_cmpint (took, >=, 900 * 1000);
  g_assert_cmpint (took, <, slow_bound_us (3 * G_USEC_PER_SEC));
}

/* The limits' checks (each drip byte, each low-speed window of 0.5 s) do
 * not delay a cancel from another thread: still within 100 ms. */
static void
test_cancel_while_dripping (void)
{
  const Limits limits = { .speed_limit = 1, .speed_time_ms = 500 };
  g_autoptr(GError) error = NULL;
  gint64 took;

  if (!retr_dripped ("drip 0.1 Subject: a body that trickles in while the caller gives up",
                     &limits, 700, &took, &error))
    return;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (took, <, slow_bound_us (100 * 1000));
}

/* ---- STLS with a scripted TLS server ---- */

static char *tls_dir;   /* owned; holds cert.pem and key.pem */

static gboolean
make_cert (void)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (tls_dir != NULL)
    return TRUE;
  tls_dir = g_dir_make_tmp ("mp-pop3-fake-XXXXXX", NULL);
  cert = g_build_filename (tls_dir, "cert.pem", NULL);
  key = g_build_filename (tls_dir, "key.pem", NULL);
  {
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                           "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, NULL))
      return FALSE;
  }
  return TRUE;
}

static void
test_stls_transcript (gconstpointer data)
{
  gboolean trusted = GPOINTER_TO_INT (data);
  /* Trusted: CAPA is asked again over TLS, credentials go only after it.
   * Untrusted: nothing at all is sent after the handshake. */
  const char *script_trusted =
    "send +OK ready\n"
    "expect CAPA\n"
    "send +OK\nsend STLS\nsend USER\nsend .\n"
    "expect STLS\n"
    "send +OK Begin TLS negotiation\n"
    "starttls\n"
    "expect CAPA\n"
    "send +OK\nsend USER\nsend SASL PLAIN\nsend .\n"
    "expect AUTH PLAIN AGFsaWNlAHNlY3JldA==\n"
    "send +OK welcome\n"
    "expect CAPA\n"
    "send +OK\nsend TOP\nsend .\n"
    "expect QUIT\n"
    "send +OK bye\n"
    "expect-eof\n";
  const char *script_untrusted =
    "send +OK ready\n"
    "expect CAPA\n"
    "send +OK\nsend STLS\nsend USER\nsend .\n"
    "expect STLS\n"
    "send +OK Begin TLS negotiation\n"
    "starttls\n"
    "expect-eof\n";
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpTestFakeServer *server;
  guint16 port = 0;

  if (!make_cert ())
    {
      g_test_skip ("openssl could not make a certificate");
      return;
    }
  cert = g_build_filename (tls_dir, "cert.pem", NULL);
  key = g_build_filename (tls_dir, "key.pem", NULL);
  server = mp_test_fake_server_start_tls (trusted ? script_trusted : script_untrusted,
                                          cert, key, &port);
  if (server == NULL)
    {
      g_test_skip ("fake-pop3.py could not be started");
      return;
    }
  o = fake_options (port, MP_POP3_SECURITY_STARTTLS);
  o->auth = MP_POP3_AUTH_AUTO;
  o->allow_plaintext_password = FALSE;
  if (trusted)
    o->ca_file = g_strdup (cert);
  session = mp_pop3_session_new (o);
  if (trusted)
    {
      g_assert_true (mp_pop3_session_connect_sync (session, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (mp_pop3_session_is_encrypted (session));
      g_assert_cmpint (mp_pop3_session_get_auth_method (session), ==, MP_POP3_AUTH_PLAIN);
      g_assert_true (mp_pop3_session_quit_sync (session, NULL, &error));
    }
  else
    {
      g_assert_false (mp_pop3_session_connect_sync (session, NULL, &error));
      g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CERTIFICATE);
      g_clear_object (&session);
    }
  finish_ok (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/fake/login-codes", test_login_codes);
  g_test_add_func ("/pop3/fake/stls-injection", test_stls_injection);
  g_test_add_func ("/pop3/fake/stls-missing", test_stls_missing);
  g_test_add_func ("/pop3/fake/hang-in-body", test_hang_in_body);
  g_test_add_func ("/pop3/fake/reset-in-listing", test_reset_in_listing);
  g_test_add_func ("/pop3/fake/pipelined-transcript", test_pipelined_transcript);
  g_test_add_func ("/pop3/fake/quit-not-acknowledged", test_quit_not_acknowledged);
  g_test_add_func ("/pop3/fake/then-quit", test_then_quit);
  g_test_add_func ("/pop3/fake/then-quit/refused", test_then_quit_refused);
  g_test_add_func ("/pop3/fake/then-quit/after-dele", test_then_quit_after_dele);
  g_test_add_func ("/pop3/fake/max-time/greeting", test_max_time_greeting);
  g_test_add_func ("/pop3/fake/max-time/handshake", test_max_time_handshake);
  g_test_add_func ("/pop3/fake/max-time/per-operation", test_max_time_per_operation);
  g_test_add_func ("/pop3/fake/low-speed/body", test_low_speed_body);
  g_test_add_func ("/pop3/fake/low-speed/cancel", test_cancel_while_dripping);
  g_test_add_data_func ("/pop3/fake/stls-transcript/trusted", GINT_TO_POINTER (TRUE), test_stls_transcript);
  g_test_add_data_func ("/pop3/fake/stls-transcript/untrusted", GINT_TO_POINTER (FALSE), test_stls_transcript);
  {
    int ret = g_test_run ();

    if (tls_dir != NULL)
      mp_test_rm_rf (tls_dir);
    g_free (tls_dir);
    return ret;
  }
}
