/* Unit tests of the reader, classifier, CAPA / response codes, auth helpers
 * and trace redaction — no network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-pop3-private.h"

static void
test_classify (void)
{
  const char *payload;
  gsize len;

  g_assert_cmpint (mp_pop3_classify_line ("+OK hi", 6, FALSE, &payload, &len), ==, MP_POP3_LINE_OK);
  g_assert_cmpmem (payload, len, "hi", 2);
  g_assert_cmpint (mp_pop3_classify_line ("+OK", 3, FALSE, &payload, &len), ==, MP_POP3_LINE_OK);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpint (mp_pop3_classify_line ("-ERR [IN-USE] x", 15, FALSE, &payload, &len), ==, MP_POP3_LINE_ERR);
  g_assert_cmpmem (payload, len, "[IN-USE] x", 10);
  g_assert_cmpint (mp_pop3_classify_line ("+ abc", 5, FALSE, &payload, &len), ==, MP_POP3_LINE_CONTINUE);
  g_assert_cmpmem (payload, len, "abc", 3);
  g_assert_cmpint (mp_pop3_classify_line ("+", 1, FALSE, &payload, &len), ==, MP_POP3_LINE_CONTINUE);
  g_assert_cmpint (mp_pop3_classify_line ("+OKAY", 5, FALSE, &payload, &len), ==, MP_POP3_LINE_INVALID);
  g_assert_cmpint (mp_pop3_classify_line ("hello", 5, FALSE, &payload, &len), ==, MP_POP3_LINE_INVALID);
  /* body */
  g_assert_cmpint (mp_pop3_classify_line (".", 1, TRUE, &payload, &len), ==, MP_POP3_LINE_END);
  g_assert_cmpint (mp_pop3_classify_line ("..", 2, TRUE, &payload, &len), ==, MP_POP3_LINE_BODY);
  g_assert_cmpmem (payload, len, ".", 1);
  g_assert_cmpint (mp_pop3_classify_line ("..x", 3, TRUE, &payload, &len), ==, MP_POP3_LINE_BODY);
  g_assert_cmpmem (payload, len, ".x", 2);
  g_assert_cmpint (mp_pop3_classify_line ("+OK", 3, TRUE, &payload, &len), ==, MP_POP3_LINE_BODY);
  g_assert_cmpmem (payload, len, "+OK", 3);
  g_assert_cmpint (mp_pop3_classify_line ("", 0, TRUE, &payload, &len), ==, MP_POP3_LINE_BODY);
  g_assert_cmpuint (len, ==, 0);
}

static void
test_multiline_table (void)
{
  g_assert_true (mp_pop3_command_is_multiline ("LIST"));
  g_assert_false (mp_pop3_command_is_multiline ("LIST 3"));
  g_assert_true (mp_pop3_command_is_multiline ("UIDL"));
  g_assert_false (mp_pop3_command_is_multiline ("UIDL 3"));
  g_assert_true (mp_pop3_command_is_multiline ("TOP 1 0"));
  g_assert_true (mp_pop3_command_is_multiline ("RETR 1"));
  g_assert_true (mp_pop3_command_is_multiline ("CAPA"));
  g_assert_false (mp_pop3_command_is_multiline ("STAT"));
  g_assert_false (mp_pop3_command_is_multiline ("DELE 1"));
  g_assert_false (mp_pop3_command_is_multiline ("LISTX"));
}

/* Feeds @wire in pieces of @chunk bytes and assembles one multi-line reply. */
static gboolean
assemble (const char   *wire,
          gsize         chunk,
          MpPop3Reply  *reply,
          GError      **error)
{
  MpPop3Reader reader;
  gsize total = strlen (wire), off = 0;
  gboolean done = FALSE;

  mp_pop3_reader_init (&reader);
  memset (reply, 0, sizeof *reply);
  while (!done)
    {
      const char *line;
      gsize len;

      if (mp_pop3_reader_next_line (&reader, mp_pop3_reply_max_line (reply), &line, &len, error))
        {
          done = mp_pop3_reply_add_line (reply, line, len, TRUE, 1024 * 1024, G_MAXUINT, error);
          if (error != NULL && *error != NULL)
            break;
          continue;
        }
      if (error != NULL && *error != NULL)
        break;
      if (off == total)
        {
          g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED, "eof");
          break;
        }
      {
        gsize n = MIN (chunk, total - off);
        mp_pop3_reader_feed (&reader, (const guint8 *) wire + off, n);
        off += n;
      }
    }
  mp_pop3_reader_clear (&reader);
  return done;
}

static void
test_reader_split_terminator (void)
{
  const char *wire = "+OK 2 octets\r\nline one\r\n..dotted\r\n.\r\n";

  /* Every chunk size, including 1: the terminator "\r\n.\r\n" is split across
   * reads in every possible place. */
  for (gsize chunk = 1; chunk <= strlen (wire); chunk++)
    {
      g_autoptr(GError) error = NULL;
      MpPop3Reply reply;

      g_assert_true (assemble (wire, chunk, &reply, &error));
      g_assert_no_error (error);
      g_assert_cmpint (reply.kind, ==, MP_POP3_LINE_OK);
      g_assert_cmpstr (reply.text, ==, "2 octets");
      g_assert_cmpmem (reply.body->data, reply.body->len, "line one\r\n.dotted\r\n", 19);
      g_assert_cmpuint (reply.lines, ==, 2);
      mp_pop3_reply_clear (&reply);
    }
}

static void
test_reader_bare_lf (void)
{
  g_autoptr(GError) error = NULL;
  MpPop3Reply reply;

  g_assert_true (assemble ("+OK\nA\n..\r\nB\n.\n", 3, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (reply.body->data, reply.body->len, "A\r\n.\r\nB\r\n", 9);
  mp_pop3_reply_clear (&reply);
}

static void
test_reader_err_has_no_body (void)
{
  g_autoptr(GError) error = NULL;
  MpPop3Reply reply;

  g_assert_true (assemble ("-ERR no such message\r\n", 5, &reply, &error));
  g_assert_cmpint (reply.kind, ==, MP_POP3_LINE_ERR);
  g_assert_null (reply.body);
  g_assert_cmpstr (reply.text, ==, "no such message");
  mp_pop3_reply_clear (&reply);
}

static void
test_reader_long_line (void)
{
  g_autoptr(GError) error = NULL;
  GString *wire = g_string_new ("+OK");
  MpPop3Reply reply;

  /* A status line over the cap, without LF: must fail once the cap is passed
   * rather than buffering forever. */
  for (guint i = 0; i < MP_POP3_MAX_STATUS_LINE + 10; i++)
    g_string_append_c (wire, 'x');
  g_assert_false (assemble (wire->str, 4096, &reply, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "65536"));
  mp_pop3_reply_clear (&reply);
  g_string_free (wire, TRUE);
}

static void
test_reader_body_line_cap (void)
{
  g_autoptr(GError) error = NULL;
  GString *wire = g_string_new ("+OK\r\nshort\r\n");
  MpPop3Reply reply;

  /* Body lines may be long (unwrapped HTML) but not unbounded. */
  g_string_set_size (wire, wire->len + MP_POP3_MAX_BODY_LINE + 10);
  memset (wire->str + strlen ("+OK\r\nshort\r\n"), 'y', MP_POP3_MAX_BODY_LINE + 10);
  g_assert_false (assemble (wire->str, 256 * 1024, &reply, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "4194304"));
  mp_pop3_reply_clear (&reply);
  g_string_free (wire, TRUE);
}

static void
test_reader_response_cap (void)
{
  g_autoptr(GError) error = NULL;
  MpPop3Reply reply = { 0, };
  gboolean done;

  done = mp_pop3_reply_add_line (&reply, "+OK", 3, TRUE, 10, G_MAXUINT, &error);
  g_assert_false (done);
  g_assert_no_error (error);
  done = mp_pop3_reply_add_line (&reply, "12345", 5, TRUE, 10, G_MAXUINT, &error);
  g_assert_no_error (error);
  done = mp_pop3_reply_add_line (&reply, "67890", 5, TRUE, 10, G_MAXUINT, &error);
  g_assert_false (done);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "10 bytes"));
  mp_pop3_reply_clear (&reply);
}

static void
test_reader_body_eof (void)
{
  g_autoptr(GError) error = NULL;
  MpPop3Reply reply;

  g_assert_false (assemble ("+OK\r\nbody\r\n", 100, &reply, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED);
  mp_pop3_reply_clear (&reply);
}

static void
test_reader_invalid_status (void)
{
  g_autoptr(GError) error = NULL;
  MpPop3Reply reply;

  g_assert_false (assemble ("HELLO\r\n", 100, &reply, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  mp_pop3_reply_clear (&reply);
}

static void
test_caps (void)
{
  const char body[] = "TOP\r\nuidl\r\n  SASL PLAIN cram-md5 \r\n\r\nRESP-CODES\r\nPIPELINING\r\n";
  g_auto(GStrv) caps = mp_pop3_caps_parse (body, sizeof body - 1);
  const char * const *c = (const char * const *) caps;

  g_assert_cmpuint (g_strv_length (caps), ==, 5);
  g_assert_true (mp_pop3_caps_has (c, "TOP"));
  g_assert_true (mp_pop3_caps_has (c, "UIDL"));
  g_assert_true (mp_pop3_caps_has (c, "sasl"));
  g_assert_false (mp_pop3_caps_has (c, "STLS"));
  g_assert_false (mp_pop3_caps_has (c, "PIPE"));
  g_assert_true (mp_pop3_caps_has_sasl (c, "PLAIN"));
  g_assert_true (mp_pop3_caps_has_sasl (c, "CRAM-MD5"));
  g_assert_false (mp_pop3_caps_has_sasl (c, "LOGIN"));
}

static void
test_resp_codes (void)
{
  g_assert_cmpint (mp_pop3_resp_code_to_error ("[IN-USE] locked", MP_POP3_ERROR_SERVER), ==, MP_POP3_ERROR_IN_USE);
  g_assert_cmpint (mp_pop3_resp_code_to_error ("[LOGIN-DELAY] wait", MP_POP3_ERROR_AUTH), ==, MP_POP3_ERROR_LOGIN_DELAY);
  g_assert_cmpint (mp_pop3_resp_code_to_error ("[SYS/TEMP] x", MP_POP3_ERROR_AUTH), ==, MP_POP3_ERROR_SYS_TEMP);
  g_assert_cmpint (mp_pop3_resp_code_to_error ("[sys/perm/disk] x", MP_POP3_ERROR_AUTH), ==, MP_POP3_ERROR_SYS_PERM);
  g_assert_cmpint (mp_pop3_resp_code_to_error ("[AUTH] bad", MP_POP3_ERROR_SERVER), ==, MP_POP3_ERROR_AUTH);
  g_assert_cmpint (mp_pop3_resp_code_to_error ("[AUTHX] bad", MP_POP3_ERROR_SERVER), ==, MP_POP3_ERROR_SERVER);
  g_assert_cmpint (mp_pop3_resp_code_to_error ("no code", MP_POP3_ERROR_NO_SUCH_MESSAGE), ==, MP_POP3_ERROR_NO_SUCH_MESSAGE);
  g_assert_cmpint (mp_pop3_resp_code_to_error ("[IN-USE unterminated", MP_POP3_ERROR_SERVER), ==, MP_POP3_ERROR_SERVER);
}

static void
test_greeting_timestamp (void)
{
  g_autofree char *ts = mp_pop3_greeting_apop_timestamp ("POP3 ready <1896.697170952@dbc.mtview.ca.us>");
  g_autofree char *none = mp_pop3_greeting_apop_timestamp ("Dovecot ready.");
  g_autofree char *no_at = mp_pop3_greeting_apop_timestamp ("ready <abc>");

  g_assert_cmpstr (ts, ==, "<1896.697170952@dbc.mtview.ca.us>");
  g_assert_null (none);
  g_assert_null (no_at);
}

static void
test_cram_md5 (void)
{
  g_autoptr(GError) error = NULL;
  /* RFC 2195 2 example. */
  g_autofree char *resp = mp_pop3_cram_md5_response ("tim", "tanstaaftanstaaf",
                                                     "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
                                                     &error);

  g_assert_no_error (error);
  g_assert_cmpstr (resp, ==, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  g_assert_null (mp_pop3_cram_md5_response ("tim", "x", "", &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
}

static void
test_apop (void)
{
  /* RFC 1939 7 example. */
  g_autofree char *digest = mp_pop3_apop_digest ("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf");

  g_assert_cmpstr (digest, ==, "c4c9334bac560ecc979e58001b3e22fb");
}

static void
test_trace_redaction (void)
{
  struct { const char *in; gboolean secret; const char *out; } cases[] = {
    { "PASS hunter2", FALSE, "PASS <redacted>" },
    { "pass with space", FALSE, "pass <redacted>" },
    { "USER alice", FALSE, "USER alice" },
    { "APOP alice c4c9334bac560ecc979e58001b3e22fb", FALSE, "APOP alice <redacted>" },
    { "AUTH PLAIN AGFsaWNlAHNlY3JldA==", FALSE, "AUTH PLAIN <redacted>" },
    { "AUTH XOAUTH2 dXNlcj1hbGljZQF...", FALSE, "AUTH XOAUTH2 <redacted>" },
    { "AUTH LOGIN", FALSE, "AUTH LOGIN" },
    { "c2VjcmV0", TRUE, "<redacted>" },
    { "TOP 1 0", FALSE, "TOP 1 0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = mp_pop3_trace_redact_sent (cases[i].in, cases[i].secret);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  {
    g_autofree char *a = mp_pop3_trace_redact_received ("+ PDE4OTY+", TRUE);
    g_autofree char *b = mp_pop3_trace_redact_received ("+ PDE4OTY+", FALSE);
    g_autofree char *c = mp_pop3_trace_redact_received ("+OK Logged in.", TRUE);
    g_assert_cmpstr (a, ==, "+ <redacted>");
    g_assert_cmpstr (b, ==, "+ PDE4OTY+");
    g_assert_cmpstr (c, ==, "+OK Logged in.");
  }
}

static void
test_auth_choose (void)
{
  const char *dovecot[] = { "TOP", "UIDL", "USER", "SASL PLAIN LOGIN CRAM-MD5", NULL };
  const char *useronly[] = { "TOP", "USER", NULL };
  const char * const *d = dovecot, * const *u = useronly;
  g_autoptr(GError) error = NULL;
  MpPop3AuthMethod m;

  g_assert_true (mp_pop3_auth_choose (MP_POP3_AUTH_AUTO, d, TRUE, TRUE, FALSE, &m, &error));
  g_assert_cmpint (m, ==, MP_POP3_AUTH_PLAIN);
  g_assert_true (mp_pop3_auth_choose (MP_POP3_AUTH_AUTO, d, TRUE, FALSE, FALSE, &m, &error));
  g_assert_cmpint (m, ==, MP_POP3_AUTH_CRAM_MD5);
  g_assert_true (mp_pop3_auth_choose (MP_POP3_AUTH_AUTO, u, TRUE, FALSE, FALSE, &m, &error));
  g_assert_cmpint (m, ==, MP_POP3_AUTH_APOP);
  g_assert_false (mp_pop3_auth_choose (MP_POP3_AUTH_AUTO, u, FALSE, FALSE, FALSE, &m, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PLAINTEXT_REFUSED);
  g_clear_error (&error);
  g_assert_true (mp_pop3_auth_choose (MP_POP3_AUTH_AUTO, u, FALSE, FALSE, TRUE, &m, &error));
  g_assert_cmpint (m, ==, MP_POP3_AUTH_USER);
  g_assert_false (mp_pop3_auth_choose (MP_POP3_AUTH_USER, d, FALSE, FALSE, FALSE, &m, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PLAINTEXT_REFUSED);
  g_clear_error (&error);
  g_assert_false (mp_pop3_auth_choose (MP_POP3_AUTH_XOAUTH2, d, FALSE, TRUE, FALSE, &m, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (mp_pop3_auth_choose (MP_POP3_AUTH_APOP, d, FALSE, TRUE, FALSE, &m, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH_UNSUPPORTED);
}

static void
test_fingerprint_normalize (void)
{
  char out[65];

  g_assert_true (mp_pop3_normalize_fingerprint ("AB:cd:" "00112233445566778899aabbccddeeff00112233445566778899aabbccdd", out));
  g_assert_cmpstr (out, ==, "abcd00112233445566778899aabbccddeeff00112233445566778899aabbccdd");
  g_assert_false (mp_pop3_normalize_fingerprint ("abcd", out));
  g_assert_false (mp_pop3_normalize_fingerprint ("zz", out));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/reader/classify", test_classify);
  g_test_add_func ("/pop3/reader/multiline-table", test_multiline_table);
  g_test_add_func ("/pop3/reader/split-terminator", test_reader_split_terminator);
  g_test_add_func ("/pop3/reader/bare-lf", test_reader_bare_lf);
  g_test_add_func ("/pop3/reader/err-no-body", test_reader_err_has_no_body);
  g_test_add_func ("/pop3/reader/long-line", test_reader_long_line);
  g_test_add_func ("/pop3/reader/response-cap", test_reader_response_cap);
  g_test_add_func ("/pop3/reader/body-line-cap", test_reader_body_line_cap);
  g_test_add_func ("/pop3/reader/body-eof", test_reader_body_eof);
  g_test_add_func ("/pop3/reader/invalid-status", test_reader_invalid_status);
  g_test_add_func ("/pop3/caps/parse", test_caps);
  g_test_add_func ("/pop3/caps/resp-codes", test_resp_codes);
  g_test_add_func ("/pop3/caps/apop-timestamp", test_greeting_timestamp);
  g_test_add_func ("/pop3/auth/cram-md5-rfc2195", test_cram_md5);
  g_test_add_func ("/pop3/auth/apop-rfc1939", test_apop);
  g_test_add_func ("/pop3/auth/choose", test_auth_choose);
  g_test_add_func ("/pop3/trace/redaction", test_trace_redaction);
  g_test_add_func ("/pop3/tls/fingerprint-normalize", test_fingerprint_normalize);
  return g_test_run ();
}
