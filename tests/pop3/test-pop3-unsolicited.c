/* Bytes the server sends before the command they would answer: never taken
 * as that command's reply (lock-step and pipelined), refused before any
 * credential goes out. Driven over a scripted transport that releases each
 * reply when the client has written the line it answers, and can take
 * writes one line at a time (so pipelined commands go out one by one).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-memory-transport.h"
#include "mp-pop3-private.h"

#define CAPA_PIPE "+OK\r\nUSER\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n"
#define CAPA_PLAIN "+OK\r\nUSER\r\nTOP\r\nUIDL\r\n.\r\n"
#define HEADERS(s) "+OK\r\nSubject: " s "\r\n\r\n.\r\n"

/* ---- scripted transport ---- */

typedef struct {
  MpPop3Transport parent;
  const char    **replies;     /* [0] greeting, [i] sent once the i-th line is written */
  guint           n_replies;
  guint           next;        /* next reply to release */
  GString        *out;         /* owned; released, not yet read */
  gsize           chunk;       /* bytes per read, 0 = all */
  gboolean        line_writes; /* accept at most one line per write */
  GByteArray     *written;     /* owned (shared ref) */
  gsize           scanned;
} ScriptTransport;

static void
script_release (ScriptTransport *s)
{
  if (s->next < s->n_replies)
    g_string_append (s->out, s->replies[s->next++]);
}

static MpPop3IoStatus
script_read (MpPop3Transport *t, guint8 *buf, gsize len, gsize *done, GError **error)
{
  ScriptTransport *s = (ScriptTransport *) t;
  gsize n = MIN (len, s->out->len);

  if (s->chunk > 0)
    n = MIN (n, s->chunk);
  if (n == 0)
    return s->next >= s->n_replies ? MP_POP3_IO_EOF : MP_POP3_IO_WANT_READ;
  memcpy (buf, s->out->str, n);
  g_string_erase (s->out, 0, (gssize) n);
  *done = n;
  return MP_POP3_IO_OK;
}

static MpPop3IoStatus
script_write (MpPop3Transport *t, const guint8 *buf, gsize len, gsize *done, GError **error)
{
  ScriptTransport *s = (ScriptTransport *) t;
  const guint8 *lf = memchr (buf, '\n', len);
  gsize n = s->line_writes && lf != NULL ? (gsize) (lf - buf) + 1 : len;

  g_byte_array_append (s->written, buf, n);
  *done = n;
  for (; s->scanned < s->written->len; s->scanned++)
    if (s->written->data[s->scanned] == '\n')
      script_release (s);
  return MP_POP3_IO_OK;
}

static gsize
script_pending (MpPop3Transport *t)
{
  return ((ScriptTransport *) t)->out->len;
}

static int
script_get_fd (MpPop3Transport *t)
{
  return -1;
}

static void
script_free (MpPop3Transport *t)
{
  ScriptTransport *s = (ScriptTransport *) t;

  g_string_free (s->out, TRUE);
  g_byte_array_unref (s->written);
  g_free (s);
}

static const MpPop3TransportVTable script_vtable = {
  script_read, script_write, script_pending, script_get_fd, script_free,
};

typedef struct {
  MpPop3Session *session;
  GByteArray    *written;
} Fixture;

static void
fixture_setup (Fixture        *f,
               const char    **replies,
               gsize           chunk,
               gboolean        line_writes,
               MpPop3Security  security)
{
  ScriptTransport *s = g_new0 (ScriptTransport, 1);
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();

  s->parent.vtable = &script_vtable;
  /* STARTTLS: clear text until STLS (which this transport cannot do). */
  s->parent.encrypted = security != MP_POP3_SECURITY_STARTTLS;
  s->replies = replies;
  s->n_replies = g_strv_length ((char **) replies);
  s->out = g_string_new (NULL);
  s->chunk = chunk;
  s->line_writes = line_writes;
  s->written = g_byte_array_new ();
  f->written = g_byte_array_ref (s->written);
  script_release (s);   /* the greeting */

  o->host = g_strdup ("script");
  o->security = security;
  o->auth = MP_POP3_AUTH_USER;
  o->username = g_strdup ("alice");
  mp_pop3_options_set_password (o, "secret");
  f->session = mp_pop3_session_new_for_transport (o, &s->parent);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->written, g_byte_array_unref);
}

static void
assert_written (Fixture *f, const char *expected)
{
  g_autofree char *got = g_strndup ((const char *) f->written->data, f->written->len);

  g_assert_cmpstr (got, ==, expected);
}

static void
assert_unsolicited (const GError *error)
{
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "not sent"));
}

/* ---- lock-step ---- */

static void
test_eager_with_greeting (void)
{
  /* A complete, valid transcript, but all of it there before CAPA. */
  const char *server = "+OK ready\r\n" CAPA_PLAIN "+OK\r\n+OK logged in\r\n" CAPA_PLAIN;
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(GByteArray) written = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  MpPop3Transport *t;

  for (gsize chunk = 0; chunk <= 5; chunk += 5)
    {
      t = mp_pop3_memory_transport_new ((const guint8 *) server, strlen (server), chunk);
      mp_pop3_memory_transport_set_encrypted (t, TRUE);
      mp_pop3_memory_transport_set_eager (t, TRUE);
      g_clear_pointer (&written, g_byte_array_unref);
      written = mp_pop3_memory_transport_ref_written (t);
      o->host = g_strdup ("mem");
      o->auth = MP_POP3_AUTH_USER;
      o->username = g_strdup ("alice");
      mp_pop3_options_set_password (o, "secret");
      g_clear_object (&session);
      session = mp_pop3_session_new_for_transport (o, t);

      g_assert_false (mp_pop3_session_connect_sync (session, NULL, &error));
      assert_unsolicited (error);
      g_clear_error (&error);
      /* Refused before CAPA, so long before USER/PASS. */
      g_assert_cmpuint (written->len, ==, 0);
      g_assert_false (mp_pop3_session_is_connected (session));
      g_clear_pointer (&o->host, g_free);
      g_clear_pointer (&o->username, g_free);
    }
}

static void
test_ahead_of_user (void)
{
  /* The replies to USER and PASS come along with CAPA's. chunk 1 leaves
   * them in the transport, not the session's buffer, when CAPA's reply is
   * complete: the look before USER must still find them. */
  const char *replies[] = { "+OK ready\r\n", CAPA_PLAIN "+OK\r\n+OK logged in\r\n", NULL };

  for (gsize chunk = 0; chunk <= 1; chunk++)
    {
      g_autoptr(GError) error = NULL;
      Fixture f = { 0, };

      fixture_setup (&f, replies, chunk, FALSE, MP_POP3_SECURITY_TLS);
      g_assert_false (mp_pop3_session_connect_sync (f.session, NULL, &error));
      assert_unsolicited (error);
      assert_written (&f, "CAPA\r\n");
      fixture_clear (&f);
    }
}

static void
test_lockstep_control (void)
{
  /* The same replies, each after its command: fine, and a reply split
   * into 1-byte reads is still one reply. */
  const char *replies[] = { "+OK ready\r\n", CAPA_PLAIN, "+OK\r\n", "+OK logged in\r\n",
                            CAPA_PLAIN, "+OK 1 12\r\n", NULL };

  for (gsize chunk = 0; chunk <= 1; chunk++)
    {
      g_autoptr(GError) error = NULL;
      Fixture f = { 0, };
      guint count = 0;

      fixture_setup (&f, replies, chunk, chunk == 1, MP_POP3_SECURITY_TLS);
      g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (mp_pop3_session_stat_sync (f.session, &count, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count, ==, 1);
      assert_written (&f, "CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\nSTAT\r\n");
      fixture_clear (&f);
    }
}

static void
test_extra_after_reply (void)
{
  /* In TRANSACTION state: a second reply after NOOP's. Buffered with it
   * (chunk 0): NOOP fails. Still in the transport (reads of NOOP's 5 bytes):
   * the next command is not sent, and the error names NOOP. Either way the
   * session is closed. */
  const char *replies[] = { "+OK ready\r\n", CAPA_PLAIN, "+OK\r\n", "+OK logged in\r\n",
                            CAPA_PLAIN, "+OK\r\n+OK 1 12\r\n", "+OK 1 12\r\n", NULL };

  for (gsize chunk = 0; chunk <= 5; chunk += 5)
    {
      g_autoptr(GError) error = NULL;
      Fixture f = { 0, };

      fixture_setup (&f, replies, chunk, FALSE, MP_POP3_SECURITY_TLS);
      g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
      if (chunk == 0)
        g_assert_false (mp_pop3_session_noop_sync (f.session, NULL, &error));
      else
        {
          g_assert_true (mp_pop3_session_noop_sync (f.session, NULL, &error));
          g_assert_false (mp_pop3_session_stat_sync (f.session, NULL, NULL, NULL, &error));
        }
      assert_unsolicited (error);
      g_assert_cmpstr (error->message, ==, "The server sent data after its reply to NOOP, "
                       "as if answering a command that was not sent");
      g_assert_false (mp_pop3_session_is_connected (f.session));
      assert_written (&f, "CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\nNOOP\r\n");
      fixture_clear (&f);
    }
}

static void
test_extra_after_body (void)
{
  /* A line "." the server did not dot-stuff ends RETR's reply early; the
   * rest of the message follows. Buffered with the reply (chunk 0), or
   * still in the transport when the reply is complete (reads of exactly
   * the reply's 12 bytes): RETR fails, saying its reply may be truncated,
   * and QUIT is not sent. */
  const char *replies[] = { "+OK ready\r\n", CAPA_PLAIN, "+OK\r\n", "+OK logged in\r\n",
                            CAPA_PLAIN, "+OK\r\nab\r\n.\r\nrest\r\n.\r\n", "+OK bye\r\n", NULL };

  for (gsize chunk = 0; chunk <= 12; chunk += 12)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = NULL;
      Fixture f = { 0, };

      fixture_setup (&f, replies, chunk, FALSE, MP_POP3_SECURITY_TLS);
      g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
      body = mp_pop3_session_retr_sync (f.session, 1, NULL, &error);
      g_assert_null (body);
      assert_unsolicited (error);
      g_assert_cmpstr (error->message, ==,
                       "The server sent data after the end of its reply to RETR 1, as if "
                       "answering a command that was not sent; that reply may be truncated");
      g_assert_false (mp_pop3_session_is_connected (f.session));
      assert_written (&f, "CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\nRETR 1\r\n");
      fixture_clear (&f);
    }
}

static void
test_extra_after_body_late (void)
{
  /* The rest arrives only after QUIT went out: it is taken as QUIT's
   * reply, which is then malformed. QUIT fails; a caller that showed the
   * body only after QUIT (the CLI) does not show a truncated one. */
  const char *replies[] = { "+OK ready\r\n", CAPA_PLAIN, "+OK\r\n", "+OK logged in\r\n",
                            CAPA_PLAIN, "+OK\r\nab\r\n.\r\n", "rest\r\n.\r\n+OK bye\r\n",
                            NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, replies, 0, FALSE, MP_POP3_SECURITY_TLS);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  body = mp_pop3_session_retr_sync (f.session, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 4);
  g_assert_false (mp_pop3_session_quit_sync (f.session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  fixture_clear (&f);
}

static void
test_extra_after_quit (void)
{
  /* +OK to QUIT has committed the session (RFC 1939 6); what follows it
   * is never read and changes nothing. */
  const char *replies[] = { "+OK ready\r\n", CAPA_PLAIN, "+OK\r\n", "+OK logged in\r\n",
                            CAPA_PLAIN, "+OK bye\r\n+OK more\r\n", NULL };
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, replies, 0, FALSE, MP_POP3_SECURITY_TLS);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_true (mp_pop3_session_quit_sync (f.session, NULL, &error));
  g_assert_no_error (error);
  fixture_clear (&f);
}

static void
test_stls_injection (void)
{
  /* Bytes after STLS's +OK would be read as if they came over TLS. */
  const char *replies[] = { "+OK ready\r\n", "+OK\r\nSTLS\r\nUSER\r\n.\r\n",
                            "+OK Begin TLS\r\n+OK injected\r\n", NULL };
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, replies, 0, FALSE, MP_POP3_SECURITY_STARTTLS);
  g_assert_false (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  assert_written (&f, "CAPA\r\nSTLS\r\n");
  fixture_clear (&f);
}

/* ---- pipelined ---- */

typedef struct {
  GString *order;
} Collected;

static void
collect_body (guint number, GBytes *body, gpointer user_data)
{
  Collected *c = user_data;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : "";

  g_string_append_printf (c->order, "%u:%.*s|", number, (int) len, data);
}

static void
test_pipelined_ahead (void)
{
  /* TOP 2's reply arrives with TOP 1's, before TOP 2 was written (the
   * transport takes one line per write). */
  const char *replies[] = { "+OK ready\r\n", CAPA_PIPE, "+OK\r\n", "+OK logged in\r\n",
                            CAPA_PIPE, HEADERS ("one") HEADERS ("two"), HEADERS ("three"),
                            NULL };
  const guint numbers[] = { 1, 2, 3 };
  g_autoptr(GError) error = NULL;
  Collected c = { g_string_new (NULL) };
  Fixture f = { 0, };

  fixture_setup (&f, replies, 0, TRUE, MP_POP3_SECURITY_TLS);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_true (mp_pop3_session_is_pipelining (f.session));
  g_assert_false (mp_pop3_session_top_many_sync (f.session, numbers, 3, 0, collect_body, &c,
                                                 NULL, &error));
  assert_unsolicited (error);
  /* TOP 1's reply was fine; the one that came too early was not used. */
  g_assert_cmpstr (c.order->str, ==, "1:Subject: one\r\n\r\n|");
  assert_written (&f, "CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\nTOP 1 0\r\n");
  g_string_free (c.order, TRUE);
  fixture_clear (&f);
}

static void
test_pipelined_control (void)
{
  /* Each reply once its command is out, commands going out one line per
   * write, or all at once: replies matched in order either way. */
  const char *replies[] = { "+OK ready\r\n", CAPA_PIPE, "+OK\r\n", "+OK logged in\r\n",
                            CAPA_PIPE, HEADERS ("one"), "-ERR gone\r\n", HEADERS ("three"),
                            NULL };
  const guint numbers[] = { 1, 2, 3 };

  for (int line_writes = 0; line_writes <= 1; line_writes++)
    {
      g_autoptr(GError) error = NULL;
      Collected c = { g_string_new (NULL) };
      Fixture f = { 0, };

      fixture_setup (&f, replies, line_writes ? 3 : 0, line_writes, MP_POP3_SECURITY_TLS);
      g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
      g_assert_true (mp_pop3_session_top_many_sync (f.session, numbers, 3, 0, collect_body, &c,
                                                    NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (c.order->str, ==,
                       "1:Subject: one\r\n\r\n|2:|3:Subject: three\r\n\r\n|");
      assert_written (&f, "CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\n"
                          "TOP 1 0\r\nTOP 2 0\r\nTOP 3 0\r\n");
      g_string_free (c.order, TRUE);
      fixture_clear (&f);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/unsolicited/eager-with-greeting", test_eager_with_greeting);
  g_test_add_func ("/pop3/unsolicited/ahead-of-user", test_ahead_of_user);
  g_test_add_func ("/pop3/unsolicited/lockstep-control", test_lockstep_control);
  g_test_add_func ("/pop3/unsolicited/extra-after-reply", test_extra_after_reply);
  g_test_add_func ("/pop3/unsolicited/extra-after-body", test_extra_after_body);
  g_test_add_func ("/pop3/unsolicited/extra-after-body-late", test_extra_after_body_late);
  g_test_add_func ("/pop3/unsolicited/extra-after-quit", test_extra_after_quit);
  g_test_add_func ("/pop3/unsolicited/stls-injection", test_stls_injection);
  g_test_add_func ("/pop3/unsolicited/pipelined-ahead", test_pipelined_ahead);
  g_test_add_func ("/pop3/unsolicited/pipelined-control", test_pipelined_control);
  return g_test_run ();
}
