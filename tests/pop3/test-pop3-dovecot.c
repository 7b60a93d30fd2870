/* The engine against a real Dovecot (tests/harness/with-dovecot.py):
 * every command, each login mechanism, STLS and implicit TLS, certificate
 * verification, pipelined vs lock-step, DELE semantics.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "mp-pop3-session.h"

typedef struct {
  const char *host;
  const char *wrong_host;
  guint16     pop3_port;
  guint16     pop3s_port;
  const char *user;
  const char *password;
  const char *ca_file;
  const char *cert_sha256;
} Env;

static Env env;

static gboolean
need_env (void)
{
  if (g_getenv ("MP_TEST_HOST") == NULL)
    {
      g_test_skip ("MP_TEST_HOST unset: run under tests/harness/with-dovecot.py");
      return FALSE;
    }
  env.host = g_getenv ("MP_TEST_HOST");
  env.wrong_host = g_getenv ("MP_TEST_WRONG_HOST");
  env.pop3_port = (guint16) g_ascii_strtoull (g_getenv ("MP_TEST_POP3_PORT"), NULL, 10);
  env.pop3s_port = (guint16) g_ascii_strtoull (g_getenv ("MP_TEST_POP3S_PORT"), NULL, 10);
  env.user = g_getenv ("MP_TEST_USER");
  env.password = g_getenv ("MP_TEST_PASSWORD");
  env.ca_file = g_getenv ("MP_TEST_CA_FILE");
  env.cert_sha256 = g_getenv ("MP_TEST_CERT_SHA256");
  return TRUE;
}

static MpPop3Options *
opts (MpPop3Security security, MpPop3AuthMethod auth)
{
  MpPop3Options *o = mp_pop3_options_new ();

  o->host = g_strdup (env.host);
  o->security = security;
  o->port = security == MP_POP3_SECURITY_TLS ? env.pop3s_port : env.pop3_port;
  o->auth = auth;
  o->username = g_strdup (env.user);
  mp_pop3_options_set_password (o, env.password);
  o->ca_file = g_strdup (env.ca_file);
  o->timeout_ms = 20000;
  return o;
}

static MpPop3Session *
connect_ok (MpPop3Options *o)
{
  g_autoptr(GError) error = NULL;
  MpPop3Session *session = mp_pop3_session_new (o);

  if (!mp_pop3_session_connect_sync (session, NULL, &error))
    g_error ("connect failed: %s", error->message);
  return session;
}

/* A session on o whose connect must fail with code (into *error). */
static MpPop3Session *
connect_fails (MpPop3Options    *o,
               MpPop3ErrorCode   code,
               GError          **error)
{
  MpPop3Session *session = mp_pop3_session_new (o);

  g_assert_false (mp_pop3_session_connect_sync (session, NULL, error));
  g_assert_error (*error, MP_POP3_ERROR, (gint) code);
  return session;
}

static void
quit_ok (MpPop3Session *session)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mp_pop3_session_quit_sync (session, NULL, &error));
  g_assert_no_error (error);
}

/* ---- login mechanisms ---- */

static void
test_auth (gconstpointer data)
{
  MpPop3AuthMethod method = GPOINTER_TO_INT (data);
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;

  if (!need_env ())
    return;
  o = opts (MP_POP3_SECURITY_STARTTLS, method);
  session = connect_ok (o);
  g_assert_true (mp_pop3_session_is_encrypted (session));
  if (method != MP_POP3_AUTH_AUTO)
    g_assert_cmpint (mp_pop3_session_get_auth_method (session), ==, method);
  else
    g_assert_cmpint (mp_pop3_session_get_auth_method (session), ==, MP_POP3_AUTH_PLAIN);
  /* CAPA was asked again after STLS: no STLS on an encrypted channel */
  g_assert_false (mp_pop3_session_has_capability (session, "STLS"));
  g_assert_true (mp_pop3_session_has_capability (session, "UIDL"));
  quit_ok (session);
}

static void
test_wrong_password (void)
{
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_env ())
    return;
  o = opts (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO);
  mp_pop3_options_set_password (o, "wrong");
  session = connect_fails (o, MP_POP3_ERROR_AUTH, &error);
}

/* XOAUTH2 / OAUTHBEARER: Dovecot asks a local introspection server about each token
 * (with-dovecot.py --oauth2). A good token logs in; an expired one is refused with
 * the error document's status in words, at once (the continuation was answered). */
static void
test_oauth2 (gconstpointer data)
{
  MpPop3AuthMethod method = GPOINTER_TO_INT (data);
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  if (!need_env ())
    return;
  if (g_getenv ("MP_TEST_OAUTH2_TOKEN") == NULL)
    {
      g_test_skip ("MP_TEST_OAUTH2_TOKEN unset: run under with-dovecot.py --oauth2");
      return;
    }
  o = opts (MP_POP3_SECURITY_TLS, method);
  mp_pop3_options_set_password (o, g_getenv ("MP_TEST_OAUTH2_TOKEN"));
  {
    g_autoptr(MpPop3Session) s = connect_ok (o);

    g_assert_cmpint (mp_pop3_session_get_auth_method (s), ==, method);
    g_assert_true (mp_pop3_session_stat_sync (s, &count, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count, >, 0);
    quit_ok (s);
  }
  mp_pop3_options_set_password (o, g_getenv ("MP_TEST_OAUTH2_EXPIRED_TOKEN"));
  {
    g_autoptr(MpPop3Session) s = connect_fails (o, MP_POP3_ERROR_AUTH, &error);

    g_assert_cmpstr (error->message, ==,
                     "The server refused the access token: the token has expired or was revoked");
  }
}

static void
test_clear_channel (void)
{
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) refused = NULL;
  g_autoptr(MpPop3Session) cram = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_env ())
    return;
  /* security NONE, USER/PASS, plaintext not allowed: refused before PASS */
  o = opts (MP_POP3_SECURITY_NONE, MP_POP3_AUTH_USER);
  refused = connect_fails (o, MP_POP3_ERROR_PLAINTEXT_REFUSED, &error);
  g_clear_error (&error);

  /* AUTO in clear picks a mechanism that does not reveal the password */
  o->auth = MP_POP3_AUTH_AUTO;
  cram = connect_ok (o);
  g_assert_false (mp_pop3_session_is_encrypted (cram));
  g_assert_cmpint (mp_pop3_session_get_auth_method (cram), ==, MP_POP3_AUTH_CRAM_MD5);
  quit_ok (cram);
}

static void
trace_to_array (MpPop3TraceDirection dir, const char *line, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (line));
}

static void
test_trace_redacted (gconstpointer data)
{
  MpPop3AuthMethod method = GPOINTER_TO_INT (data);
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GPtrArray) trace = g_ptr_array_new_with_free_func (g_free);
  gboolean saw_redacted = FALSE;

  if (!need_env ())
    return;
  o = opts (MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE, method);
  o->trace_func = trace_to_array;
  o->trace_user_data = trace;
  session = connect_ok (o);
  /* IF_AVAILABLE with STLS offered: encrypted */
  g_assert_true (mp_pop3_session_is_encrypted (session));
  quit_ok (session);
  g_assert_cmpuint (trace->len, >, 5);
  for (guint i = 0; i < trace->len; i++)
    {
      const char *line = trace->pdata[i];

      g_assert_null (strstr (line, env.password));
      if (strstr (line, "<redacted>") != NULL)
        saw_redacted = TRUE;
    }
  g_assert_true (saw_redacted);
}

/* ---- TLS ---- */

static void
test_implicit_tls (void)
{
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autofree char *fp = NULL;

  if (!need_env ())
    return;
  o = opts (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO);
  session = connect_ok (o);
  g_assert_true (mp_pop3_session_is_encrypted (session));
  fp = mp_pop3_session_dup_peer_fingerprint (session);
  g_assert_cmpstr (fp, ==, env.cert_sha256);
  quit_ok (session);
}

static void
test_untrusted_then_pinned (gconstpointer data)
{
  MpPop3Security security = GPOINTER_TO_INT (data);
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) refused = NULL;
  g_autoptr(MpPop3Session) pinned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fp = NULL;
  g_autofree char *pin = NULL;

  if (!need_env ())
    return;
  o = opts (security, MP_POP3_AUTH_AUTO);
  g_clear_pointer (&o->ca_file, g_free);   /* system store: self-signed is untrusted */
  refused = connect_fails (o, MP_POP3_ERROR_CERTIFICATE, &error);
  g_assert_nonnull (strstr (error->message, env.cert_sha256));
  fp = mp_pop3_session_dup_peer_fingerprint (refused);
  g_assert_cmpstr (fp, ==, env.cert_sha256);

  /* The pin accepts that very certificate (upper case with colons is fine). */
  {
    GString *s = g_string_new (NULL);
    for (guint i = 0; fp[i] != '\0'; i += 2)
      g_string_append_printf (s, "%s%c%c", i > 0 ? ":" : "", g_ascii_toupper (fp[i]), g_ascii_toupper (fp[i + 1]));
    pin = g_string_free (s, FALSE);
  }
  o->pin_sha256 = g_strdup (pin);
  pinned = connect_ok (o);
  g_assert_true (mp_pop3_session_is_encrypted (pinned));
  quit_ok (pinned);
}

static void
test_wrong_pin (void)
{
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_env ())
    return;
  o = opts (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO);
  g_clear_pointer (&o->ca_file, g_free);
  o->pin_sha256 = g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  session = connect_fails (o, MP_POP3_ERROR_CERTIFICATE, &error);
}

static void
test_host_mismatch (gconstpointer data)
{
  MpPop3Security security = GPOINTER_TO_INT (data);
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fp = NULL;

  if (!need_env ())
    return;
  o = opts (security, MP_POP3_AUTH_AUTO);
  g_free (o->host);
  o->host = g_strdup (env.wrong_host);
  session = connect_fails (o, MP_POP3_ERROR_CERTIFICATE, &error);
  g_assert_nonnull (strstr (error->message, "mismatch"));
  g_assert_nonnull (strstr (error->message, env.cert_sha256));
  fp = mp_pop3_session_dup_peer_fingerprint (session);
  g_assert_cmpstr (fp, ==, env.cert_sha256);
}

/* ---- commands ---- */

static void
test_commands (void)
{
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(MpPop3Listing) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;
  guint64 total = 0, sum = 0;

  if (!need_env ())
    return;
  o = opts (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO);
  session = connect_ok (o);
  g_assert_true (mp_pop3_session_stat_sync (session, &count, &total, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, >, 5);
  entries = mp_pop3_session_scan_sync (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, count);

  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = &entries->entries[i];
      g_autoptr(GBytes) retr = NULL;
      g_autoptr(GBytes) top = NULL;
      g_autofree char *uid = NULL;
      guint64 size = 0;

      sum += e->size;
      g_assert_nonnull (e->uidl);
      g_assert_true (mp_pop3_session_list_one_sync (session, e->number, &size, NULL, &error));
      g_assert_cmpuint (size, ==, e->size);
      uid = mp_pop3_session_uidl_one_sync (session, e->number, NULL, &error);
      g_assert_cmpstr (uid, ==, e->uidl);
      /* RETR gives the message exactly as the server counts it (CRLF,
       * unstuffed): this covers the sample bodies with leading dots. */
      retr = mp_pop3_session_retr_sync (session, e->number, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (retr), ==, e->size);
      top = mp_pop3_session_top_sync (session, e->number, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (top), <=, g_bytes_get_size (retr));
      g_assert_true (memcmp (g_bytes_get_data (top, NULL), g_bytes_get_data (retr, NULL),
                             g_bytes_get_size (top)) == 0);
    }
  g_assert_cmpuint (sum, ==, total);

  g_assert_null (mp_pop3_session_retr_sync (session, count + 100, NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_NO_SUCH_MESSAGE);
  g_clear_error (&error);
  g_assert_true (mp_pop3_session_noop_sync (session, NULL, &error));
  g_assert_true (mp_pop3_session_dele_sync (session, 1, NULL, &error));
  g_assert_true (mp_pop3_session_rset_sync (session, NULL, &error));
  g_assert_no_error (error);
  quit_ok (session);

  /* RSET undid the DELE */
  {
    g_autoptr(MpPop3Session) again = connect_ok (o);
    guint count2 = 0;

    g_assert_true (mp_pop3_session_stat_sync (again, &count2, NULL, NULL, &error));
    g_assert_cmpuint (count2, ==, count);
    quit_ok (again);
  }
}

typedef struct {
  GPtrArray *bodies;
  GArray    *numbers;
} Collected;

static void
collect (guint number, GBytes *body, gpointer user_data)
{
  Collected *c = user_data;

  g_array_append_val (c->numbers, number);
  g_ptr_array_add (c->bodies, body != NULL ? g_bytes_ref (body) : NULL);
}

static void
scan_and_top (int pipeline, MpPop3Listing **entries_out, Collected *c)
{
  g_autoptr(MpPop3Options) o = opts (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO);
  g_autoptr(MpPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  o->pipeline = pipeline;
  session = connect_ok (o);
  g_assert_true (mp_pop3_session_is_pipelining (session) == (pipeline != 0));
  *entries_out = mp_pop3_session_scan_sync (session, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < (*entries_out)->len; i++)
    g_array_append_val (numbers, (*entries_out)->entries[i].number);
  /* ask twice over to make the batch longer than a few replies */
  for (guint i = 0; i < (*entries_out)->len; i++)
    g_array_append_val (numbers, (*entries_out)->entries[i].number);
  c->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  c->numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_assert_true (mp_pop3_session_top_many_sync (session, (guint *) numbers->data, numbers->len, 5,
                                                collect, c, NULL, &error));
  g_assert_no_error (error);
  quit_ok (session);
}

static void
test_pipelined_identical (void)
{
  g_autoptr(MpPop3Listing) a = NULL;
  g_autoptr(MpPop3Listing) b = NULL;
  Collected ca = { 0, }, cb = { 0, };

  if (!need_env ())
    return;
  scan_and_top (-1, &a, &ca);
  scan_and_top (0, &b, &cb);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      MpPop3Entry *x = &a->entries[i], *y = &b->entries[i];

      g_assert_cmpuint (x->number, ==, y->number);
      g_assert_cmpuint (x->size, ==, y->size);
      g_assert_cmpstr (x->uidl, ==, y->uidl);
    }
  g_assert_cmpuint (ca.bodies->len, ==, 2 * a->len);
  g_assert_cmpuint (ca.bodies->len, ==, cb.bodies->len);
  for (guint i = 0; i < ca.bodies->len; i++)
    {
      g_assert_cmpuint (g_array_index (ca.numbers, guint, i), ==, g_array_index (cb.numbers, guint, i));
      g_assert_nonnull (ca.bodies->pdata[i]);
      g_assert_true (g_bytes_equal (ca.bodies->pdata[i], cb.bodies->pdata[i]));
    }
  g_ptr_array_unref (ca.bodies);
  g_ptr_array_unref (cb.bodies);
  g_array_unref (ca.numbers);
  g_array_unref (cb.numbers);
}

/* ---- DELE semantics ---- */

static char *
deliver_one (const char *subject)
{
  g_autofree char *dir = g_dir_make_tmp ("mp-pop3-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "msg.eml", NULL);
  g_autofree char *msg = g_strdup_printf ("From: t@example.org\r\nTo: alice@example.org\r\n"
                                          "Subject: %s\r\nMessage-ID: <%s@test>\r\n\r\nbody\r\n",
                                          subject, subject);
  g_autofree char *script = g_build_filename (g_getenv ("MP_SOURCE_ROOT"), "tests", "harness",
                                              "deliver.py", NULL);
  const char *argv[] = { "python3", script, file, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_assert_true (g_file_set_contents (file, msg, -1, &error));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_remove (file);
  g_rmdir (dir);
  return g_strstrip (g_steal_pointer (&out));
}

static guint
find_uidl (MpPop3Session *session, const char *uidl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpPop3Listing) entries = mp_pop3_session_scan_sync (session, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = &entries->entries[i];
      if (g_strcmp0 (e->uidl, uidl) == 0)
        return e->number;
    }
  return 0;
}

static void
test_dele_semantics (void)
{
  g_autoptr(MpPop3Options) o = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uidl = NULL;
  guint number;

  if (!need_env ())
    return;
  if (g_getenv ("MP_SOURCE_ROOT") == NULL)
    {
      g_test_skip ("MP_SOURCE_ROOT unset");
      return;
    }
  o = opts (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_AUTO);
  uidl = deliver_one ("dele-test");
  g_assert_cmpstr (uidl, !=, "");

  /* DELE then close without QUIT: nothing committed */
  {
    g_autoptr(MpPop3Session) s = connect_ok (o);
    number = find_uidl (s, uidl);
    g_assert_cmpuint (number, >, 0);
    g_assert_true (mp_pop3_session_dele_many_sync (s, &number, 1, NULL, &error));
    g_assert_no_error (error);
    mp_pop3_session_close (s);
  }
  {
    g_autoptr(MpPop3Session) s = connect_ok (o);
    number = find_uidl (s, uidl);
    g_assert_cmpuint (number, >, 0);
    /* DELE then QUIT: committed */
    g_assert_true (mp_pop3_session_dele_sync (s, number, NULL, &error));
    g_assert_no_error (error);
    /* a second DELE of the same message is refused, session stays usable */
    g_assert_false (mp_pop3_session_dele_many_sync (s, &number, 1, NULL, &error));
    g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_NO_SUCH_MESSAGE);
    g_clear_error (&error);
    quit_ok (s);
  }
  {
    g_autoptr(MpPop3Session) s = connect_ok (o);
    g_assert_cmpuint (find_uidl (s, uidl), ==, 0);
    quit_ok (s);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/pop3/dovecot/auth/auto", GINT_TO_POINTER (MP_POP3_AUTH_AUTO), test_auth);
  g_test_add_data_func ("/pop3/dovecot/auth/user", GINT_TO_POINTER (MP_POP3_AUTH_USER), test_auth);
  g_test_add_data_func ("/pop3/dovecot/auth/apop", GINT_TO_POINTER (MP_POP3_AUTH_APOP), test_auth);
  g_test_add_data_func ("/pop3/dovecot/auth/plain", GINT_TO_POINTER (MP_POP3_AUTH_PLAIN), test_auth);
  g_test_add_data_func ("/pop3/dovecot/auth/login", GINT_TO_POINTER (MP_POP3_AUTH_LOGIN), test_auth);
  g_test_add_data_func ("/pop3/dovecot/auth/cram-md5", GINT_TO_POINTER (MP_POP3_AUTH_CRAM_MD5), test_auth);
  g_test_add_func ("/pop3/dovecot/auth/wrong-password", test_wrong_password);
  g_test_add_data_func ("/pop3/dovecot/oauth2/xoauth2", GINT_TO_POINTER (MP_POP3_AUTH_XOAUTH2), test_oauth2);
  g_test_add_data_func ("/pop3/dovecot/oauth2/oauthbearer", GINT_TO_POINTER (MP_POP3_AUTH_OAUTHBEARER), test_oauth2);
  g_test_add_data_func ("/pop3/dovecot/trace/user", GINT_TO_POINTER (MP_POP3_AUTH_USER), test_trace_redacted);
  g_test_add_data_func ("/pop3/dovecot/trace/plain", GINT_TO_POINTER (MP_POP3_AUTH_PLAIN), test_trace_redacted);
  g_test_add_data_func ("/pop3/dovecot/trace/login", GINT_TO_POINTER (MP_POP3_AUTH_LOGIN), test_trace_redacted);
  g_test_add_func ("/pop3/dovecot/clear-channel", test_clear_channel);
  g_test_add_func ("/pop3/dovecot/tls/implicit", test_implicit_tls);
  g_test_add_data_func ("/pop3/dovecot/tls/untrusted-then-pinned", GINT_TO_POINTER (MP_POP3_SECURITY_TLS), test_untrusted_then_pinned);
  g_test_add_data_func ("/pop3/dovecot/stls/untrusted-then-pinned", GINT_TO_POINTER (MP_POP3_SECURITY_STARTTLS), test_untrusted_then_pinned);
  g_test_add_func ("/pop3/dovecot/tls/wrong-pin", test_wrong_pin);
  g_test_add_data_func ("/pop3/dovecot/tls/host-mismatch", GINT_TO_POINTER (MP_POP3_SECURITY_TLS), test_host_mismatch);
  g_test_add_data_func ("/pop3/dovecot/stls/host-mismatch", GINT_TO_POINTER (MP_POP3_SECURITY_STARTTLS), test_host_mismatch);
  g_test_add_func ("/pop3/dovecot/commands", test_commands);
  g_test_add_func ("/pop3/dovecot/pipelined-identical", test_pipelined_identical);
  g_test_add_func ("/pop3/dovecot/dele-semantics", test_dele_semantics);
  return g_test_run ();
}
