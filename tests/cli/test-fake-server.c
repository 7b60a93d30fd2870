/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Self-test of the scripted fake server (tests/harness/fake-pop3.py) and its C helper,
 * driven by a plain GSocketClient: if these fail, every fake-server test elsewhere
 * is meaningless.
 */
#include "mp-test-util.h"

#include <string.h>

typedef struct
{
  char              *tmp_home;
  GSocketConnection *conn;
  GDataInputStream  *in;
  GOutputStream     *out;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  fx->tmp_home = mp_test_make_tmp_home ();
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_clear_object (&fx->in);
  g_clear_object (&fx->conn);
  mp_test_rm_rf (fx->tmp_home);
  g_free (fx->tmp_home);
}

static void
connect_to (Fixture *fx, guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;

  g_socket_client_set_timeout (client, 10);
  fx->conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  fx->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (fx->conn)));
  g_data_input_stream_set_newline_type (fx->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  /* STARTTLS swaps this reader for one on the TLS stream; the socket stays open. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (fx->in), FALSE);
  fx->out = g_io_stream_get_output_stream (G_IO_STREAM (fx->conn));
}

static char *
read_line (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (fx->in, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
write_str (Fixture *fx, const char *s)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (fx->out, s, strlen (s), NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
close_conn (Fixture *fx)
{
  g_io_stream_close (G_IO_STREAM (fx->conn), NULL, NULL);
}

static const char dialogue[] =
  "# greeting, one multi-line answer, a glob expect\n"
  "send +OK fake ready\n"
  "expect CAPA\n"
  "send +OK\n"
  "send UIDL\n"
  "send .\n"
  "expect USER *\n"
  "send +OK\\tok\n"
  "repeat 3 {i} 1{i}0\n"
  "expect QUIT\n"
  "send +OK bye\n";

static void
test_dialogue_matches (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  MpTestFakeServer *server = mp_test_fake_server_start (dialogue, &port);
  const char *expected[] = { "+OK fake ready", "+OK", "UIDL", ".", NULL };

  g_assert_nonnull (server);
  g_assert_cmpuint (port, >, 0);
  connect_to (fx, port);

  g_free (read_line (fx));   /* greeting, checked below via the whole list */
  write_str (fx, "CAPA\r\n");
  for (guint i = 1; expected[i] != NULL; i++)
    {
      g_autofree char *line = read_line (fx);
      g_assert_cmpstr (line, ==, expected[i]);
    }
  write_str (fx, "USER alice\r\n");
  {
    g_autofree char *line = read_line (fx);
    g_assert_cmpstr (line, ==, "+OK\tok");
  }
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *line = read_line (fx);
      g_autofree char *want = g_strdup_printf ("%u 1%u0", i, i);
      g_assert_cmpstr (line, ==, want);
    }
  write_str (fx, "QUIT\r\n");
  {
    g_autofree char *line = read_line (fx);
    g_assert_cmpstr (line, ==, "+OK bye");
  }
  close_conn (fx);
  g_assert_true (mp_test_fake_server_finish (server, &error));
  g_assert_no_error (error);
}

static void
test_dialogue_mismatch (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  MpTestFakeServer *server = mp_test_fake_server_start (dialogue, &port);

  g_assert_nonnull (server);
  connect_to (fx, port);
  g_free (read_line (fx));
  write_str (fx, "STAT\r\n");   /* the script wants CAPA */
  close_conn (fx);
  g_assert_false (mp_test_fake_server_finish (server, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "STAT"));
}

static void
test_early_close_is_mismatch (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  MpTestFakeServer *server = mp_test_fake_server_start (dialogue, &port);

  g_assert_nonnull (server);
  connect_to (fx, port);
  g_free (read_line (fx));
  close_conn (fx);
  g_assert_false (mp_test_fake_server_finish (server, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "closed"));
}

static void
test_close_and_eof (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  MpTestFakeServer *server = mp_test_fake_server_start ("send +OK hi\nclose\n", &port);
  g_autofree char *greeting = NULL;
  g_autofree char *eof = NULL;

  g_assert_nonnull (server);
  connect_to (fx, port);
  greeting = read_line (fx);
  g_assert_cmpstr (greeting, ==, "+OK hi");
  eof = read_line (fx);
  g_assert_null (eof);
  close_conn (fx);
  g_assert_true (mp_test_fake_server_finish (server, &error));
}

static void
test_expect_eof (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  MpTestFakeServer *server = mp_test_fake_server_start ("send +OK hi\nexpect-eof\n", &port);

  g_assert_nonnull (server);
  connect_to (fx, port);
  g_free (read_line (fx));
  write_str (fx, "NOOP\r\n");   /* not allowed: the client must just close */
  close_conn (fx);
  g_assert_false (mp_test_fake_server_finish (server, &error));
  g_assert_nonnull (strstr (error->message, "NOOP"));
}

static void
test_send_raw_escapes (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  MpTestFakeServer *server =
    mp_test_fake_server_start ("send-raw +OK a\\x00b\\\\c\\r\\n\n", &port);
  char buf[16] = { 0 };
  gsize got = 0;

  g_assert_nonnull (server);
  connect_to (fx, port);
  g_input_stream_read_all (G_INPUT_STREAM (fx->in), buf, 10, &got, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, 10);
  g_assert_cmpmem (buf, 10, "+OK a\0b\\c\r\n", 10);
  close_conn (fx);
  g_assert_true (mp_test_fake_server_finish (server, &error));
}

static void
test_hang_ends_when_client_closes (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  MpTestFakeServer *server = mp_test_fake_server_start ("send +OK hi\nhang\n", &port);
  gint64 start;

  g_assert_nonnull (server);
  connect_to (fx, port);
  g_free (read_line (fx));
  start = g_get_monotonic_time ();
  close_conn (fx);
  g_assert_true (mp_test_fake_server_finish (server, &error));
  /* The hang must end with the client, not after its 30 s bound. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static gboolean
accept_any_cb (GTlsConnection  *conn,
               GTlsCertificate *cert,
               GTlsCertificateFlags errors,
               gpointer         user_data)
{
  GTlsCertificate **seen = user_data;

  g_set_object (seen, cert);
  return TRUE;   /* self-signed on purpose */
}

/* Wraps fx->conn in TLS, replacing fx->in/out; returns the peer certificate's SHA-256. */
static char *
start_client_tls (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTlsCertificate) seen = NULL;
  g_autoptr(GByteArray) der = NULL;

  tls = g_tls_client_connection_new (G_IO_STREAM (fx->conn), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_cb), &seen);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (seen);
  g_clear_object (&fx->in);
  fx->in = g_data_input_stream_new (g_io_stream_get_input_stream (tls));
  g_data_input_stream_set_newline_type (fx->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  fx->out = g_io_stream_get_output_stream (tls);
  g_object_set_data_full (G_OBJECT (fx->conn), "tls", g_steal_pointer (&tls), g_object_unref);
  g_object_get (seen, "certificate", &der, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static gboolean
tls_available (void)
{
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no GIO TLS backend (glib-networking)");
      return FALSE;
    }
  return TRUE;
}

static void
test_implicit_tls (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL, *sha = NULL, *peer = NULL, *line = NULL;
  MpTestFakeServer *server;
  guint16 port = 0;

  if (!tls_available () || !mp_test_make_cert (fx->tmp_home, &cert, &key, &sha))
    return;
  server = mp_test_fake_server_start_tls ("send +OK secure\nexpect QUIT\nsend +OK bye\n",
                                          cert, key, &port);
  g_assert_nonnull (server);
  connect_to (fx, port);
  peer = start_client_tls (fx);
  g_assert_cmpstr (peer, ==, sha);
  line = read_line (fx);
  g_assert_cmpstr (line, ==, "+OK secure");
  write_str (fx, "QUIT\r\n");
  g_free (read_line (fx));
  close_conn (fx);
  g_assert_true (mp_test_fake_server_finish (server, &error));
}

static void
test_starttls (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL, *sha = NULL, *peer = NULL;
  MpTestFakeServer *server;
  guint16 port = 0;
  const char *script = "send +OK clear\nexpect STLS\nsend +OK go\nstarttls\n"
                       "expect CAPA\nsend +OK\nsend USER\nsend .\n";

  if (!tls_available () || !mp_test_make_cert (fx->tmp_home, &cert, &key, &sha))
    return;
  server = mp_test_fake_server_start_stls (script, cert, key, &port);
  g_assert_nonnull (server);
  connect_to (fx, port);
  g_free (read_line (fx));
  write_str (fx, "STLS\r\n");
  {
    g_autofree char *ok = read_line (fx);
    g_assert_cmpstr (ok, ==, "+OK go");
  }
  peer = start_client_tls (fx);
  g_assert_cmpstr (peer, ==, sha);
  write_str (fx, "CAPA\r\n");
  for (const char *want[] = { "+OK", "USER", ".", NULL }, **w = want; *w != NULL; w++)
    {
      g_autofree char *line = read_line (fx);
      g_assert_cmpstr (line, ==, *w);
    }
  close_conn (fx);
  g_assert_true (mp_test_fake_server_finish (server, &error));
}

static void
test_getenv_or_skip (Fixture *fx, gconstpointer data)
{
  g_assert_nonnull (g_getenv ("HOME"));
  g_assert_true (g_str_has_prefix (g_getenv ("HOME"), fx->tmp_home));
  g_assert_true (g_str_has_prefix (g_getenv ("XDG_STATE_HOME"), fx->tmp_home));
  g_assert_true (g_file_test (g_getenv ("XDG_CONFIG_HOME"), G_FILE_TEST_IS_DIR));
  g_setenv ("MP_TEST_FAKE_SET", "x", TRUE);
  g_assert_cmpstr (mp_test_getenv_or_skip ("MP_TEST_FAKE_SET"), ==, "x");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/fake/dialogue-matches", test_dialogue_matches);
  ADD ("/fake/dialogue-mismatch", test_dialogue_mismatch);
  ADD ("/fake/early-close-is-mismatch", test_early_close_is_mismatch);
  ADD ("/fake/close-and-eof", test_close_and_eof);
  ADD ("/fake/expect-eof", test_expect_eof);
  ADD ("/fake/send-raw-escapes", test_send_raw_escapes);
  ADD ("/fake/hang-ends-when-client-closes", test_hang_ends_when_client_closes);
  ADD ("/fake/tmp-home-and-getenv", test_getenv_or_skip);
  ADD ("/fake/implicit-tls", test_implicit_tls);
  ADD ("/fake/starttls", test_starttls);
#undef ADD

  return g_test_run ();
}
