/* The whole engine driven over the in-memory transport: exact transcripts,
 * login policy, STLS rules, SASL, error codes. No network. The listings and
 * the caps on them are in test-pop3-memory-scan.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pop3-memory-fixture.h"

/* Connecting to server must fail with code; message_part (if not NULL) is
 * in the error message and written (if not NULL) is all the client sent. */
static void
assert_connect_fails (const char      *server,
                      gboolean         encrypted,
                      MpPop3Options   *o,
                      MpPop3ErrorCode  code,
                      const char      *message_part,
                      const char      *written)
{
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, server, 0, encrypted, o);
  g_assert_false (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, (gint) code);
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
  if (written != NULL)
    assert_written (&f, written);
  fixture_clear (&f);
}

static void
test_full_session (void)
{
  const char *server =
    "+OK ready\r\n" CAPA_CLEAR
    "+OK\r\n" "+OK logged in\r\n" CAPA_AFTER
    "+OK 2 320\r\n"
    "+OK\r\n1 120\r\n2 200\r\n.\r\n" "+OK\r\n1 uid-one\r\n2 uid-two\r\n.\r\n"
    "+OK\r\nSubject: a\r\n\r\n.\r\n" "-ERR no such message\r\n" "+OK\r\nSubject: b\r\n\r\n..x\r\n.\r\n"
    "+OK 200 octets\r\nSubject: b\r\n\r\n..x\r\nend\r\n.\r\n"
    "+OK 1 120\r\n" "+OK 2 uid-two\r\n"
    "+OK deleted\r\n" "+OK\r\n" "+OK\r\n" "+OK\r\n"
    "+OK bye\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO, "secret");
  g_autoptr(GError) error = NULL;
  g_autoptr(MpPop3Listing) entries = NULL;
  g_autoptr(GBytes) retr = NULL;
  g_autofree char *uid = NULL;
  const guint numbers[] = { 1, 3, 2 };
  Fixture f = { 0, };
  Bodies b = { 0, };
  guint count;
  guint64 size;

  /* chunk 7 splits lines and terminators across reads */
  fixture_setup (&f, server, 7, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (mp_pop3_session_get_greeting (f.session), ==, "ready");
  g_assert_cmpint (mp_pop3_session_get_auth_method (f.session), ==, MP_POP3_AUTH_USER);
  g_assert_true (mp_pop3_session_has_capability (f.session, "PIPELINING"));
  g_assert_false (mp_pop3_session_has_capability (f.session, "USER"));   /* re-read after login */
  g_assert_true (mp_pop3_session_is_pipelining (f.session));

  g_assert_true (mp_pop3_session_stat_sync (f.session, &count, &size, NULL, &error));
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpuint (size, ==, 320);

  entries = mp_pop3_session_scan_sync (f.session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpuint (entries->entries[1].number, ==, 2);
  g_assert_cmpuint (entries->entries[1].size, ==, 200);
  g_assert_cmpstr (entries->entries[1].uidl, ==, "uid-two");

  g_assert_true (mp_pop3_session_top_many_sync (f.session, numbers, 3, 0, collect_body, &b, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (b.n, ==, 3);
  g_assert_cmpuint (b.numbers[1], ==, 3);
  g_assert_null (b.bodies[1]);
  g_assert_cmpstr (b.bodies[0], ==, "Subject: a\r\n\r\n");
  g_assert_cmpstr (b.bodies[2], ==, "Subject: b\r\n\r\n.x\r\n");

  retr = mp_pop3_session_retr_sync (f.session, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (retr, NULL), g_bytes_get_size (retr),
                   "Subject: b\r\n\r\n.x\r\nend\r\n", 23);
  g_assert_true (mp_pop3_session_list_one_sync (f.session, 1, &size, NULL, &error));
  g_assert_cmpuint (size, ==, 120);
  uid = mp_pop3_session_uidl_one_sync (f.session, 2, NULL, &error);
  g_assert_cmpstr (uid, ==, "uid-two");
  g_assert_true (mp_pop3_session_dele_sync (f.session, 1, NULL, &error));
  g_assert_true (mp_pop3_session_rset_sync (f.session, NULL, &error));
  g_assert_true (mp_pop3_session_noop_sync (f.session, NULL, &error));
  g_assert_true (mp_pop3_session_dele_many_sync (f.session, numbers, 1, NULL, &error));
  g_assert_true (mp_pop3_session_quit_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (mp_pop3_session_is_connected (f.session));

  assert_written (&f,
                  "CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\nSTAT\r\nLIST\r\nUIDL\r\n"
                  "TOP 1 0\r\nTOP 3 0\r\nTOP 2 0\r\nRETR 2\r\nLIST 1\r\nUIDL 2\r\n"
                  "DELE 1\r\nRSET\r\nNOOP\r\nDELE 1\r\nQUIT\r\n");
  /* The password never reaches the trace. */
  for (guint i = 0; i < f.trace->len; i++)
    g_assert_null (strstr (f.trace->pdata[i], "secret"));
  g_assert_true (g_ptr_array_find_with_equal_func (f.trace, "> PASS <redacted>", g_str_equal, NULL));
  for (guint i = 0; i < b.n; i++)
    g_free (b.bodies[i]);
  fixture_clear (&f);
}

static void
test_plaintext_refused (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR;
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_NONE, MP_POP3_AUTH_AUTO, "secret");

  assert_connect_fails (server, FALSE, o, MP_POP3_ERROR_PLAINTEXT_REFUSED, "unencrypted", "CAPA\r\n");
}

static void
test_plaintext_allowed (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER;
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE, MP_POP3_AUTH_AUTO, "secret");
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  o->allow_plaintext_password = TRUE;
  fixture_setup (&f, server, 0, FALSE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (mp_pop3_session_is_encrypted (f.session));
  assert_written (&f, "CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\n");
  fixture_clear (&f);
}

static void
test_stls_unavailable (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR;
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_STARTTLS, MP_POP3_AUTH_AUTO, "secret");

  o->allow_plaintext_password = TRUE;   /* must not matter */
  assert_connect_fails (server, FALSE, o, MP_POP3_ERROR_STLS_UNAVAILABLE, NULL, "CAPA\r\n");
}

static void
test_stls_refused (void)
{
  const char *server = "+OK ready\r\n+OK\r\nSTLS\r\nUSER\r\n.\r\n-ERR not now\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE, MP_POP3_AUTH_USER, "secret");

  /* STLS offered but refused: no quiet fallback even in IF_AVAILABLE mode. */
  o->allow_plaintext_password = TRUE;
  assert_connect_fails (server, FALSE, o, MP_POP3_ERROR_TLS, NULL, "CAPA\r\nSTLS\r\n");
}

/* The probe of account discovery: greeting and CAPA, no credential (there is none),
 * and QUIT is allowed before login (RFC 1939 4). */
static void
test_probe (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR "+OK bye\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO, NULL);
  g_autoptr(GError) error = NULL;
  Fixture f;

  g_clear_pointer (&o->username, g_free);
  fixture_setup (&f, server, 1, TRUE, o);
  g_assert_true (mp_pop3_session_probe_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mp_pop3_session_has_capability (f.session, "USER"));
  g_assert_false (mp_pop3_session_is_connected (f.session));   /* not logged in */
  g_assert_true (mp_pop3_session_quit_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  assert_written (&f, "CAPA\r\nQUIT\r\n");
  /* A used session is not probed again. */
  g_assert_false (mp_pop3_session_probe_sync (f.session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED);
  fixture_clear (&f);
}

static void
test_crlf_credentials (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR;
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "x\r\nDELE 1");

  assert_connect_fails (server, TRUE, o, MP_POP3_ERROR_AUTH, NULL, "CAPA\r\n");
}

static void
test_resp_code_in_use (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR "+OK\r\n-ERR [IN-USE] Mailbox locked\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "secret");

  assert_connect_fails (server, TRUE, o, MP_POP3_ERROR_IN_USE, "Mailbox locked", NULL);
}

/* A server that echoes the password ("-ERR bad password …", or a line that is no
 * reply at all): the error and the trace show <redacted> instead, even where the
 * quote is cut short. */
static void
test_password_echo (void)
{
  const char *servers[] = {
    "+OK ready\r\n" CAPA_CLEAR "+OK\r\n-ERR [AUTH] no user alice with hunter2-Zq7\r\n",
    "+OK ready\r\n" CAPA_CLEAR "+OK\r\n-ERR hunter2-Zq7hunter2-Zq7\r\n",
    "+OK ready\r\n" CAPA_CLEAR "+OK\r\ngarbage 0123456789012345678901234567890123456789"
    "0123 hunter2-Zq7\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER,
                                                "hunter2-Zq7");
      g_autoptr(GError) error = NULL;
      Fixture f = { 0, };

      fixture_setup (&f, servers[i], 0, TRUE, o);
      g_assert_false (mp_pop3_session_connect_sync (f.session, NULL, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_null (strstr (error->message, "hunt"));
      g_assert_nonnull (strstr (error->message, "<re"));
      for (guint j = 0; j < f.trace->len; j++)
        g_assert_null (strstr (f.trace->pdata[j], "hunter2"));
      assert_written (&f, "CAPA\r\nUSER alice\r\nPASS hunter2-Zq7\r\n");
      fixture_clear (&f);
    }
}

static void
test_cram_md5_clear (void)
{
  /* RFC 2195 exchange; in clear, AUTO picks CRAM-MD5 (password not revealed). */
  const char *server =
    "+OK ready\r\n+OK\r\nUSER\r\nSASL PLAIN CRAM-MD5\r\n.\r\n"
    "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n+OK welcome\r\n" CAPA_AFTER;
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_NONE, MP_POP3_AUTH_AUTO, "tanstaaftanstaaf");
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  g_free (o->username);
  o->username = g_strdup ("tim");
  fixture_setup (&f, server, 0, FALSE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mp_pop3_session_get_auth_method (f.session), ==, MP_POP3_AUTH_CRAM_MD5);
  assert_written (&f, "CAPA\r\nAUTH CRAM-MD5\r\ndGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\nCAPA\r\n");
  g_assert_true (g_ptr_array_find_with_equal_func (f.trace, "> <redacted>", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (f.trace, "< + <redacted>", g_str_equal, NULL));
  fixture_clear (&f);
}

static void
test_sasl_plain_and_xoauth2 (void)
{
  const char *plain_server = "+OK ready\r\n+OK\r\nSASL PLAIN XOAUTH2\r\n.\r\n+OK\r\n" CAPA_AFTER;
  const char *xoauth_server = "+OK ready\r\n+OK\r\nSASL PLAIN XOAUTH2\r\n.\r\n+ eyJzdGF0dXMiOiI0MDEifQ==\r\n-ERR [AUTH] invalid token\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO, "pw");
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, plain_server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  /* base64("\0alice\0pw") */
  assert_written (&f, "CAPA\r\nAUTH PLAIN AGFsaWNlAHB3\r\nCAPA\r\n");
  g_assert_true (g_ptr_array_find_with_equal_func (f.trace, "> AUTH PLAIN <redacted>", g_str_equal, NULL));
  fixture_clear (&f);

  o->auth = MP_POP3_AUTH_XOAUTH2;
  fixture_setup (&f, xoauth_server, 0, TRUE, o);
  g_assert_false (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH);
  /* base64("user=alice\1auth=Bearer pw\1\1"), then the empty response */
  assert_written (&f, "CAPA\r\nAUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBwdwEB\r\n\r\n");
  fixture_clear (&f);
}

/* OAUTHBEARER (RFC 7628): the exact initial response; AUTO never picks a token
 * mechanism; a token goes in clear only when allowed. */
static void
test_sasl_oauthbearer (void)
{
  const char *server = "+OK ready\r\n+OK\r\nSASL PLAIN XOAUTH2 OAUTHBEARER\r\n.\r\n+OK\r\n" CAPA_AFTER;
  const char *only_tokens = "+OK ready\r\n+OK\r\nSASL OAUTHBEARER XOAUTH2\r\n.\r\n+OK\r\n+OK\r\n" CAPA_AFTER;
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_OAUTHBEARER, "pw");
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mp_pop3_session_get_auth_method (f.session), ==, MP_POP3_AUTH_OAUTHBEARER);
  /* base64("n,a=alice,^Ahost=mem^Aport=995^Aauth=Bearer pw^A^A") */
  assert_written (&f, "CAPA\r\nAUTH OAUTHBEARER "
                  "bixhPWFsaWNlLAFob3N0PW1lbQFwb3J0PTk5NQFhdXRoPUJlYXJlciBwdwEB\r\nCAPA\r\n");
  g_assert_true (g_ptr_array_find_with_equal_func (f.trace, "> AUTH OAUTHBEARER <redacted>",
                                                   g_str_equal, NULL));
  fixture_clear (&f);

  /* "," and "=" in the user name are escaped in the gs2 header (RFC 5801 5.1) */
  g_free (o->username);
  o->username = g_strdup ("a=b,c");
  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  assert_written (&f, "CAPA\r\nAUTH OAUTHBEARER "
                  "bixhPWE9M0RiPTJDYywBaG9zdD1tZW0BcG9ydD05OTUBYXV0aD1CZWFyZXIgcHcBAQ==\r\nCAPA\r\n");
  fixture_clear (&f);

  /* AUTO: a token is not a password; only USER/PASS is left to try */
  o->auth = MP_POP3_AUTH_AUTO;
  fixture_setup (&f, only_tokens, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mp_pop3_session_get_auth_method (f.session), ==, MP_POP3_AUTH_USER);
  fixture_clear (&f);

  o->auth = MP_POP3_AUTH_OAUTHBEARER;
  o->security = MP_POP3_SECURITY_NONE;
  assert_connect_fails (server, FALSE, o, MP_POP3_ERROR_PLAINTEXT_REFUSED, NULL, "CAPA\r\n");
}

typedef struct {
  MpPop3AuthMethod method;
  const char      *json;       /* the error continuation, before base64 */
  const char      *words;      /* in the error message */
} OAuthRefusal;

static const OAuthRefusal oauth_refusals[] = {
  { MP_POP3_AUTH_OAUTHBEARER, "{\"status\":\"invalid_token\",\"scope\":\"mail\"}",
    "the token has expired or was revoked" },
  { MP_POP3_AUTH_OAUTHBEARER, "{\"status\":\"insufficient_scope\"}",
    "the token does not grant access to mail" },
  { MP_POP3_AUTH_OAUTHBEARER, "{\"status\":\"invalid_request\"}",
    "the server could not use the login request" },
  { MP_POP3_AUTH_XOAUTH2, "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"mail\"}",
    "the token has expired or was revoked" },
  { MP_POP3_AUTH_XOAUTH2, "{\"status\":\"400\"}", "the server could not use the login request" },
  { MP_POP3_AUTH_XOAUTH2, "{\"status\":403}", "the token does not grant access to mail" },
  /* only the top-level "status" counts */
  { MP_POP3_AUTH_OAUTHBEARER,
    "{\"inner\":{\"status\":\"400\"},\"list\":[\"status\",{\"a\":\"}\"}],\"status\" : \"invalid_token\"}",
    "the token has expired or was revoked" },
  /* an unknown status is quoted, with control characters removed */
  { MP_POP3_AUTH_OAUTHBEARER, "{\"status\":\"odd\\u0007\\t\\\"thing\\\"\"}",
    "the server answered “odd? \"thing\"”" },
  { MP_POP3_AUTH_OAUTHBEARER, "not json", "the server gave no reason" },
  { MP_POP3_AUTH_XOAUTH2, "{\"scope\":\"mail\"}", "the server gave no reason" },
  { MP_POP3_AUTH_XOAUTH2, "{\"status\":\"401\"", "the server gave no reason" },
};

/* A refused token: the error continuation is answered as each mechanism wants
 * (OAUTHBEARER: "AQ==", a single ^A, RFC 7628 3.2.3; XOAUTH2: an empty line), the
 * -ERR is read, and the JSON status is said in words. Nothing of the token or the
 * error document reaches the trace. */
static void
test_sasl_oauth_refused (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (oauth_refusals); i++)
    {
      const OAuthRefusal *r = &oauth_refusals[i];
      gboolean bearer = r->method == MP_POP3_AUTH_OAUTHBEARER;
      g_autofree char *doc = g_base64_encode ((const guchar *) r->json, strlen (r->json));
      g_autofree char *server = g_strdup_printf (
        "+OK ready\r\n+OK\r\nSASL XOAUTH2 OAUTHBEARER\r\n.\r\n+ %s\r\n"
        "-ERR [AUTH] Authentication failed.\r\n", doc);
      g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, r->method, "tok-SECRET");
      g_autoptr(GError) error = NULL;
      g_autofree char *written = NULL;
      g_auto(GStrv) lines = NULL;
      Fixture f = { 0, };

      g_test_message ("%s", r->json);
      fixture_setup (&f, server, 0, TRUE, o);
      g_assert_false (mp_pop3_session_connect_sync (f.session, NULL, &error));
      g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, r->words));
      written = g_strndup ((const char *) f.written->data, f.written->len);
      /* CAPA, AUTH with the initial response, the dummy answer; nothing after */
      lines = g_strsplit (written, "\r\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 4);
      g_assert_true (g_str_has_prefix (lines[1], bearer ? "AUTH OAUTHBEARER " : "AUTH XOAUTH2 "));
      g_assert_cmpstr (lines[2], ==, bearer ? "AQ==" : "");
      g_assert_cmpstr (lines[3], ==, "");
      for (guint j = 0; j < f.trace->len; j++)
        {
          const char *line = g_ptr_array_index (f.trace, j);

          g_assert_null (strstr (line, "SECRET"));
          g_assert_null (strstr (line, doc));
        }
      g_assert_true (g_ptr_array_find_with_equal_func (f.trace, "< + <redacted>", g_str_equal, NULL));
      g_assert_true (g_ptr_array_find_with_equal_func (f.trace, "> <redacted>", g_str_equal, NULL));
      fixture_clear (&f);
    }
}

static void
test_eof_in_body (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER "+OK\r\nSubject: cut\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  body = mp_pop3_session_retr_sync (f.session, 1, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED);
  g_clear_error (&error);
  /* closed now; further calls fail cleanly */
  g_assert_false (mp_pop3_session_noop_sync (f.session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED);
  fixture_clear (&f);
}

static void
test_apop_and_utf8 (void)
{
  /* RFC 1939 7 example digest; UTF8 sent before login when advertised. */
  const char *server = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"
                       "+OK\r\nUTF8\r\n.\r\n+OK UTF8 enabled\r\n+OK maildrop has 1 message\r\n+OK\r\n.\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_NONE, MP_POP3_AUTH_AUTO, "tanstaaf");
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  g_free (o->username);
  o->username = g_strdup ("mrose");
  fixture_setup (&f, server, 1, FALSE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  assert_written (&f, "CAPA\r\nUTF8\r\nAPOP mrose c4c9334bac560ecc979e58001b3e22fb\r\nCAPA\r\n");
  fixture_clear (&f);
}

static void
test_top_unsupported (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n+OK\r\nUIDL\r\n.\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  const guint one = 1;
  Fixture f = { 0, };
  Bodies b = { 0, };

  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  body = mp_pop3_session_top_sync (f.session, 1, 0, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (mp_pop3_session_top_many_sync (f.session, &one, 1, 0, collect_body, &b, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_UNSUPPORTED);
  g_assert_cmpuint (b.n, ==, 0);
  /* nothing was sent for them, the session is still fine */
  assert_written (&f, "CAPA\r\nUSER alice\r\nPASS pw\r\nCAPA\r\n");
  g_assert_true (mp_pop3_session_is_connected (f.session));
  fixture_clear (&f);
}

static void
test_empty_capa (void)
{
  /* Empty CAPA and empty listings (regression: UB on an empty body's NULL
   * data, found by the fuzz target under UBSan). AUTO falls back to USER. */
  const char *server = "+OK hi\r\n+OK\r\n.\r\n+OK\r\n+OK\r\n+OK\r\n.\r\n"
                       "+OK\r\n.\r\n+OK\r\n.\r\n";
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO, "pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(MpPop3Listing) entries = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (mp_pop3_session_get_capabilities (f.session)[0]);
  g_assert_cmpint (mp_pop3_session_get_auth_method (f.session), ==, MP_POP3_AUTH_USER);
  g_assert_false (mp_pop3_session_is_pipelining (f.session));
  entries = mp_pop3_session_scan_sync (f.session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  assert_written (&f, "CAPA\r\nUSER alice\r\nPASS pw\r\nCAPA\r\nLIST\r\nUIDL\r\n");
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/memory/full-session", test_full_session);
  g_test_add_func ("/pop3/memory/plaintext-refused", test_plaintext_refused);
  g_test_add_func ("/pop3/memory/plaintext-allowed", test_plaintext_allowed);
  g_test_add_func ("/pop3/memory/stls-unavailable", test_stls_unavailable);
  g_test_add_func ("/pop3/memory/stls-refused", test_stls_refused);
  g_test_add_func ("/pop3/memory/probe", test_probe);
  g_test_add_func ("/pop3/memory/crlf-credentials", test_crlf_credentials);
  g_test_add_func ("/pop3/memory/resp-code-in-use", test_resp_code_in_use);
  g_test_add_func ("/pop3/memory/password-echo", test_password_echo);
  g_test_add_func ("/pop3/memory/cram-md5-clear", test_cram_md5_clear);
  g_test_add_func ("/pop3/memory/sasl-plain-xoauth2", test_sasl_plain_and_xoauth2);
  g_test_add_func ("/pop3/memory/sasl-oauthbearer", test_sasl_oauthbearer);
  g_test_add_func ("/pop3/memory/sasl-oauth-refused", test_sasl_oauth_refused);
  g_test_add_func ("/pop3/memory/eof-in-body", test_eof_in_body);
  g_test_add_func ("/pop3/memory/apop-utf8", test_apop_and_utf8);
  g_test_add_func ("/pop3/memory/top-unsupported", test_top_unsupported);
  g_test_add_func ("/pop3/memory/empty-capa", test_empty_capa);
  return g_test_run ();
}
