/* test-secrets.c — the password never leaks (suite 'secrets')
 *
 * 1. Engine trace: a full session (connect, STLS, auth, STAT, LIST+UIDL, TOP, RETR,
 *    NOOP, QUIT) against the real Dovecot for USER/PASS, APOP, PLAIN, LOGIN and
 *    CRAM-MD5, and XOAUTH2 (short and long token, success and failure) against the
 *    fake server: the trace never holds the password, any base64 blob that decodes to
 *    something containing it, the APOP digest, the PLAIN / XOAUTH2 payloads; every
 *    credential-carrying client line is "<redacted>".
 * 2. The same through `mailpeek-cli --trace` (stdout + stderr).
 * 3. A core check whose password comes from MpKeyring (the real gnome-keyring under
 *    dbus-run-session when with-keyring.sh provided one, else the test-mode
 *    variable): no file under the test's HOME / XDG dirs (nor the keyring daemon's
 *    own dirs) contains the password in any of those forms.
 *
 * Runs as: with-dovecot.py -- with-keyring.sh test-secrets (Dovecot parts skip
 * without MP_TEST_HOST).
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "mp-account-store.h"
#include "mp-error.h"
#include "mp-keyring.h"
#include "mp-mailbox.h"
#include "mp-pop3-session.h"
#include "mp-test-util.h"

#define XOAUTH2_TOKEN "ya29.A0ARrdaM-fault-matrix-bearer-token-7f3c9e"

/* ---- the leak detector ---- */

/* Needles that must never appear verbatim. */
static GPtrArray *
secret_forms (const char *user,
              const char *password)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *plain = g_strdup_printf ("%c%s%c%s", 0, user, 0, password);
  gsize plain_len = strlen (user) + strlen (password) + 2;
  g_autofree char *plain_z = g_strdup_printf ("%s%c%s%c%s", user, 0, user, 0, password);
  gsize plain_z_len = 2 * strlen (user) + strlen (password) + 2;
  g_autofree char *xo = g_strdup_printf ("user=%s\001auth=Bearer %s\001\001", user, password);

  g_ptr_array_add (forms, g_strdup (password));
  g_ptr_array_add (forms, g_base64_encode ((const guchar *) password, strlen (password)));
  g_ptr_array_add (forms, g_base64_encode ((const guchar *) plain, plain_len));
  g_ptr_array_add (forms, g_base64_encode ((const guchar *) plain_z, plain_z_len));
  g_ptr_array_add (forms, g_base64_encode ((const guchar *) xo, strlen (xo)));
  /* base64 of the password at the two other 3-byte alignments, minus the partial
   * groups at either end: what shows inside any longer base64 blob */
  for (guint shift = 1; shift <= 2; shift++)
    {
      g_autofree char *padded = g_strdup_printf ("%.*s%s", (int) shift, "xx", password);
      g_autofree char *enc = g_base64_encode ((const guchar *) padded, strlen (padded));
      gsize skip = 4;                              /* first group mixes the padding */
      gsize len = strlen (enc);
      gsize keep = len > skip + 4 ? len - skip - 4 : 0;   /* last group may mix the tail */

      if (keep >= 8)
        g_ptr_array_add (forms, g_strndup (enc + skip, keep));
    }
  return forms;
}

static gboolean
is_b64 (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

/* Returns a description of the first leak in @data, or NULL. */
static char *
find_leak (const char *data,
           gsize       len,
           GPtrArray  *forms,
           const char *password,
           const char *extra)   /* e.g. the APOP digest, may be NULL */
{
  for (guint i = 0; i < forms->len; i++)
    if (memmem (data, len, forms->pdata[i], strlen (forms->pdata[i])) != NULL)
      return g_strdup_printf ("secret form #%u (%s) found", i, (char *) forms->pdata[i]);
  if (extra != NULL && memmem (data, len, extra, strlen (extra)) != NULL)
    return g_strdup_printf ("'%s' found", extra);

  /* Any base64-looking run that decodes to something containing the password. */
  for (gsize i = 0; i < len;)
    {
      gsize j = i;

      while (j < len && is_b64 (data[j]))
        j++;
      if (j - i >= 8)
        {
          g_autofree char *tok = g_strndup (data + i, j - i);
          gsize dlen = 0;
          g_autofree guchar *dec = g_base64_decode (tok, &dlen);

          if (dec != NULL && memmem (dec, dlen, password, strlen (password)) != NULL)
            return g_strdup_printf ("base64 run '%s' decodes to the password", tok);
        }
      i = j + 1;
    }
  return NULL;
}

static void
assert_no_leak (const char *what,
                const char *data,
                gsize       len,
                const char *user,
                const char *password,
                const char *extra)
{
  g_autoptr(GPtrArray) forms = secret_forms (user, password);
  g_autofree char *leak = find_leak (data, len, forms, password, extra);

  if (leak != NULL)
    g_error ("%s leaks the password: %s", what, leak);
}

/* ---- engine trace ---- */

typedef struct {
  GMutex     lock;
  GPtrArray *lines;    /* "> …" sent, "< …" received, "* …" info */
} Trace;

static void
on_trace (MpPop3TraceDirection dir, const char *line, gpointer data)
{
  Trace *t = data;
  const char *p = dir == MP_POP3_TRACE_SENT ? "> " : dir == MP_POP3_TRACE_RECEIVED ? "< " : "* ";

  g_mutex_lock (&t->lock);
  g_ptr_array_add (t->lines, g_strconcat (p, line, NULL));
  g_mutex_unlock (&t->lock);
}

static char *
trace_join (Trace *t)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < t->lines->len; i++)
    {
      g_string_append (s, t->lines->pdata[i]);
      g_string_append_c (s, '\n');
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Structure: every client line that carries a credential is redacted. */
static void
assert_redacted (Trace *t)
{
  gboolean in_sasl = FALSE;
  guint n_redacted = 0;

  for (guint i = 0; i < t->lines->len; i++)
    {
      const char *l = t->lines->pdata[i];

      if (g_str_has_prefix (l, "< +OK") || g_str_has_prefix (l, "< -ERR"))
        in_sasl = FALSE;
      if (!g_str_has_prefix (l, "> "))
        continue;
      l += 2;
      if (in_sasl)
        g_assert_cmpstr (l, ==, "<redacted>");
      else if (g_ascii_strncasecmp (l, "PASS ", 5) == 0)
        g_assert_cmpstr (l + 5, ==, "<redacted>");
      else if (g_ascii_strncasecmp (l, "APOP ", 5) == 0)
        g_assert_true (g_str_has_suffix (l, " <redacted>"));
      else if (g_ascii_strncasecmp (l, "AUTH ", 5) == 0)
        {
          g_auto(GStrv) w = g_strsplit (l, " ", 3);
          if (w[1] != NULL && w[2] != NULL)
            g_assert_cmpstr (w[2], ==, "<redacted>");
          in_sasl = TRUE;
        }
      n_redacted += strstr (l, "<redacted>") != NULL;
    }
  /* Every mechanism sends at least one credential line. */
  g_assert_cmpuint (n_redacted, >=, 1);
}

static char *
apop_digest_from_trace (Trace *t, const char *password)
{
  for (guint i = 0; i < t->lines->len; i++)
    {
      const char *l = t->lines->pdata[i];
      const char *lt, *gt;

      if (!g_str_has_prefix (l, "< +OK"))
        continue;
      /* the greeting's APOP timestamp "<…@…>" (after the "< " trace prefix) */
      lt = strchr (l + 2, '<');
      gt = lt ? strchr (lt, '>') : NULL;
      if (lt != NULL && gt != NULL)
        {
          g_autofree char *ts = g_strndup (lt, gt - lt + 1);
          g_autofree char *in = g_strconcat (ts, password, NULL);
          return g_compute_checksum_for_string (G_CHECKSUM_MD5, in, -1);
        }
    }
  return NULL;
}

typedef struct {
  const char       *name;
  MpPop3AuthMethod  auth;
} Mech;

static const Mech mechs[] = {
  { "user", MP_POP3_AUTH_USER },
  { "apop", MP_POP3_AUTH_APOP },
  { "plain", MP_POP3_AUTH_PLAIN },
  { "login", MP_POP3_AUTH_LOGIN },
  { "cram-md5", MP_POP3_AUTH_CRAM_MD5 },
};

static void
body_cb (guint number, GBytes *body, gpointer data)
{
  guint *n = data;
  *n += body != NULL;
}

static void
test_engine_trace_dovecot (gconstpointer data)
{
  const Mech *m = data;
  const char *host = mp_test_getenv_or_skip ("MP_TEST_HOST");
  const char *port, *user, *password, *ca;
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) s = NULL;
  g_autoptr(MpPop3Listing) scan = NULL;
  g_autoptr(GBytes) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *digest = NULL;
  Trace t = { .lines = g_ptr_array_new_with_free_func (g_free) };
  guint count = 0, n_top = 0;
  guint64 size = 0;

  if (host == NULL)
    return;
  port = g_getenv ("MP_TEST_POP3_PORT");
  user = g_getenv ("MP_TEST_USER");
  password = g_getenv ("MP_TEST_PASSWORD");
  ca = g_getenv ("MP_TEST_CA_FILE");
  g_mutex_init (&t.lock);

  o->host = g_strdup (host);
  o->port = (guint16) g_ascii_strtoull (port, NULL, 10);
  o->security = MP_POP3_SECURITY_STARTTLS;
  o->ca_file = g_strdup (ca);
  o->username = g_strdup (user);
  mp_pop3_options_set_password (o, password);
  o->auth = m->auth;
  o->timeout_ms = 10000;
  o->trace_func = on_trace;
  o->trace_user_data = &t;

  s = mp_pop3_session_new (o);
  g_assert_true (mp_pop3_session_connect_sync (s, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mp_pop3_session_get_auth_method (s), ==, m->auth);
  g_assert_true (mp_pop3_session_stat_sync (s, &count, &size, NULL, &error));
  g_assert_cmpuint (count, >, 0);
  scan = mp_pop3_session_scan_sync (s, NULL, &error);
  g_assert_no_error (error);
  {
    guint nums[] = { 1, 2 };
    g_assert_true (mp_pop3_session_top_many_sync (s, nums, MIN (2, count), 0, body_cb, &n_top,
                                                  NULL, &error));
  }
  msg = mp_pop3_session_retr_sync (s, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (mp_pop3_session_noop_sync (s, NULL, &error));
  g_assert_true (mp_pop3_session_quit_sync (s, NULL, &error));
  g_assert_no_error (error);

  text = trace_join (&t);
  g_test_message ("%s trace: %u lines", m->name, t.lines->len);
  /* The trace really covers the login (else the check below proves nothing). */
  g_assert_nonnull (strstr (text, "> CAPA"));
  g_assert_nonnull (strstr (text, "> QUIT"));
  if (m->auth == MP_POP3_AUTH_APOP)
    {
      digest = apop_digest_from_trace (&t, password);
      g_assert_nonnull (digest);
    }
  assert_no_leak (m->name, text, strlen (text), user, password, digest);
  assert_redacted (&t);
  g_ptr_array_unref (t.lines);
  g_mutex_clear (&t.lock);
}

/* ---- XOAUTH2 against the fake server ---- */

typedef struct {
  const char *name;
  gboolean    long_token;   /* > 255 octets with the command: sent after "+ " */
  gboolean    fail;         /* server answers with the JSON error continuation */
} XoCase;

static const XoCase xo_cases[] = {
  { "xoauth2", FALSE, FALSE },
  { "xoauth2-long-token", TRUE, FALSE },
  { "xoauth2-refused", FALSE, TRUE },
};

static char *
xo_token (const XoCase *c)
{
  if (!c->long_token)
    return g_strdup (XOAUTH2_TOKEN);
  return g_strconcat (XOAUTH2_TOKEN, "-", "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee"
                      "ffffffffffgggggggggghhhhhhhhhhiiiiiiiiiijjjjjjjjjjkkkkkkkkkk"
                      "llllllllllmmmmmmmmmmnnnnnnnnnnoooooooooopppppppppp", NULL);
}

static char *
xo_script (const XoCase *c, const char *token)
{
  g_autofree char *raw = g_strdup_printf ("user=alice\001auth=Bearer %s\001\001", token);
  g_autofree char *enc = g_base64_encode ((const guchar *) raw, strlen (raw));
  /* Google's error document, base64 — it names the account. */
  g_autofree char *err = g_base64_encode ((const guchar *)
    "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}", 71);
  GString *s = g_string_new ("send +OK fake ready\nexpect CAPA\n"
                             "send +OK\nsend SASL XOAUTH2\nsend TOP\nsend UIDL\nsend .\n");

  if (c->long_token)
    g_string_append_printf (s, "expect AUTH XOAUTH2\nsend +\nexpect %s\n", enc);
  else
    g_string_append_printf (s, "expect AUTH XOAUTH2 %s\n", enc);
  if (c->fail)
    {
      g_string_append_printf (s, "send + %s\nexpect \nsend -ERR [AUTH] invalid token\n", err);
      return g_string_free (s, FALSE);
    }
  g_string_append (s, "send +OK welcome\nexpect CAPA\nsend +OK\nsend TOP\nsend UIDL\nsend .\n"
                      "expect STAT\nsend +OK 1 120\n"
                      "expect LIST\nsend +OK\nsend 1 120\nsend .\n"
                      "expect UIDL\nsend +OK\nsend 1 uid-1\nsend .\n"
                      "expect TOP 1 0\nsend +OK\nsend Subject: hi\nsend \nsend .\n"
                      "expect QUIT\nsend +OK bye\n");
  return g_string_free (s, FALSE);
}

static void
test_engine_trace_xoauth2 (gconstpointer data)
{
  const XoCase *c = data;
  g_autofree char *token = xo_token (c);
  g_autofree char *script = xo_script (c, token);
  g_autoptr(MpTestFakeServer) server = NULL;
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(MpPop3Session) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Trace t = { .lines = g_ptr_array_new_with_free_func (g_free) };
  guint16 port = 0;
  gboolean ok;

  g_mutex_init (&t.lock);
  server = mp_test_fake_server_start (script, &port);
  g_assert_nonnull (server);

  o->host = g_strdup ("127.0.0.1");
  o->port = port;
  o->security = MP_POP3_SECURITY_NONE;
  o->allow_plaintext_password = TRUE;   /* the fake server speaks clear text */
  o->username = g_strdup ("alice");
  mp_pop3_options_set_password (o, token);
  o->auth = MP_POP3_AUTH_XOAUTH2;
  o->pipeline = 0;
  o->timeout_ms = 5000;
  o->trace_func = on_trace;
  o->trace_user_data = &t;

  s = mp_pop3_session_new (o);
  ok = mp_pop3_session_connect_sync (s, NULL, &error);
  if (c->fail)
    {
      g_assert_false (ok);
      g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_AUTH);
      g_clear_error (&error);
    }
  else
    {
      guint n = 0, count;
      guint64 size;
      guint one = 1;
      g_autoptr(MpPop3Listing) scan = NULL;

      g_assert_no_error (error);
      g_assert_true (mp_pop3_session_stat_sync (s, &count, &size, NULL, &error));
      scan = mp_pop3_session_scan_sync (s, NULL, &error);
      g_assert_nonnull (scan);
      g_assert_true (mp_pop3_session_top_many_sync (s, &one, 1, 0, body_cb, &n, NULL, &error));
      g_assert_true (mp_pop3_session_quit_sync (s, NULL, &error));
      g_assert_no_error (error);
    }
  mp_pop3_session_close (s);
  /* The server saw the real token: the redaction is in the trace only. */
  g_assert_true (mp_test_fake_server_finish (g_steal_pointer (&server), &error));
  g_assert_no_error (error);

  text = trace_join (&t);
  g_test_message ("%s trace:\n%s", c->name, text);
  assert_no_leak (c->name, text, strlen (text), "alice", token, NULL);
  /* The error document names the account and scope: not for logs either. */
  g_assert_null (strstr (text, "eyJzdGF0dXMi"));
  assert_redacted (&t);
  g_ptr_array_unref (t.lines);
  g_mutex_clear (&t.lock);
}

static guint grep_tree (const char *dir, const char *user, const char *password);

/* ---- mailpeek-cli --trace ---- */

static char *opt_cli;   /* --mp-cli=PATH (from meson) or $MP_TEST_CLI */
/* The keyring daemon's own dirs, as with-keyring.sh set them before any test
 * moved HOME / XDG_* to its private temp dir. */
static char **keyring_dirs;

static const char *
cli_path (void)
{
  return opt_cli != NULL ? opt_cli : g_getenv ("MP_TEST_CLI");
}

static void
run_cli (const char * const *argv,
         const char          *password,
         char               **out,
         char               **err,
         int                 *status)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                  G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (l, "MAILPEEK_PASSWORD", password, TRUE);
  g_subprocess_launcher_setenv (l, "LC_ALL", "C.UTF-8", TRUE);
  p = g_subprocess_launcher_spawnv (l, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (p);
}

static void
test_cli_trace_dovecot (gconstpointer data)
{
  const Mech *m = data;
  const char *host = mp_test_getenv_or_skip ("MP_TEST_HOST");
  const char *user, *password;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *ca = NULL;
  const char *cmds[][2] = { { "list", NULL }, { "top", "--number=1" } };

  if (host == NULL)
    return;
  if (cli_path () == NULL)
    {
      g_test_skip ("no mailpeek-cli given (--mp-cli=PATH or MP_TEST_CLI)");
      return;
    }
  user = g_getenv ("MP_TEST_USER");
  password = g_getenv ("MP_TEST_PASSWORD");
  url = g_strdup_printf ("pop://%s@%s:%s", user, host, g_getenv ("MP_TEST_POP3_PORT"));
  auth = g_strconcat ("--auth=", m->name, NULL);
  ca = g_strconcat ("--ca-file=", g_getenv ("MP_TEST_CA_FILE"), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      const char *argv[] = { cli_path (), "--trace", auth, ca, cmds[i][0], url, cmds[i][1], NULL };
      g_autofree char *out = NULL, *err = NULL, *all = NULL;
      int status;

      run_cli (argv, password, &out, &err, &status);
      if (status != 0)
        g_test_message ("cli %s %s: exit %d\n%s", m->name, cmds[i][0], status, err);
      g_assert_cmpint (status, ==, 0);
      /* The trace is there (and covered the login) … */
      g_assert_nonnull (strstr (err, "CAPA"));
      g_assert_nonnull (strstr (err, "QUIT"));
      g_assert_nonnull (strstr (err, "<redacted>"));
      /* … and neither it nor the output holds the password. */
      all = g_strconcat (out, "\n", err, NULL);
      assert_no_leak (m->name, all, strlen (all), user, password, NULL);
    }
}

/* `check --state FILE` twice (first run records, second compares): neither the
 * state file nor anything else under the private dirs holds the password. */
static void
test_cli_state_file (void)
{
  const char *host = mp_test_getenv_or_skip ("MP_TEST_HOST");
  g_autofree char *tmp = NULL, *state = NULL, *state_opt = NULL;
  g_autofree char *url = NULL, *ca = NULL;
  const char *user, *password;

  if (host == NULL)
    return;
  if (cli_path () == NULL)
    {
      g_test_skip ("no mailpeek-cli given (--mp-cli=PATH or MP_TEST_CLI)");
      return;
    }
  user = g_getenv ("MP_TEST_USER");
  password = g_getenv ("MP_TEST_PASSWORD");
  tmp = mp_test_make_tmp_home ();
  state = g_build_filename (tmp, "state", "cli-check.state", NULL);
  state_opt = g_strconcat ("--state=", state, NULL);
  url = g_strdup_printf ("pop://%s@%s:%s", user, host, g_getenv ("MP_TEST_POP3_PORT"));
  ca = g_strconcat ("--ca-file=", g_getenv ("MP_TEST_CA_FILE"), NULL);

  for (int run = 0; run < 2; run++)
    {
      const char *argv[] = { cli_path (), "--auth=plain", ca, state_opt, "check", url, NULL };
      g_autofree char *out = NULL, *err = NULL;
      int status;

      run_cli (argv, password, &out, &err, &status);
      if (status != 0)
        g_test_message ("cli check: exit %d\n%s", status, err);
      g_assert_cmpint (status, ==, 0);
    }
  g_assert_true (g_file_test (state, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (grep_tree (tmp, user, password), >=, 1);
  mp_test_rm_rf (tmp);
}

/* A refused password must not come back in an error message either. */
static void
test_cli_wrong_password (gconstpointer data)
{
  const Mech *m = data;
  const char *host = mp_test_getenv_or_skip ("MP_TEST_HOST");
  const char *wrong = "Wr0ng-Pa55-4e1f9c";
  g_autofree char *url = NULL, *auth = NULL, *ca = NULL;
  g_autofree char *out = NULL, *err = NULL, *all = NULL;
  int status;

  if (host == NULL)
    return;
  if (cli_path () == NULL)
    {
      g_test_skip ("no mailpeek-cli given (--mp-cli=PATH or MP_TEST_CLI)");
      return;
    }
  url = g_strdup_printf ("pop://%s@%s:%s", g_getenv ("MP_TEST_USER"), host,
                         g_getenv ("MP_TEST_POP3_PORT"));
  auth = g_strconcat ("--auth=", m->name, NULL);
  ca = g_strconcat ("--ca-file=", g_getenv ("MP_TEST_CA_FILE"), NULL);
  {
    const char *argv[] = { cli_path (), "--trace", auth, ca, "list", url, NULL };
    run_cli (argv, wrong, &out, &err, &status);
  }
  g_test_message ("cli %s wrong password: exit %d\n%s", m->name, status, err);
  g_assert_cmpint (status, ==, 4);   /* authentication failed */
  all = g_strconcat (out, "\n", err, NULL);
  assert_no_leak (m->name, all, strlen (all), g_getenv ("MP_TEST_USER"), wrong, NULL);
}

static void
test_cli_trace_xoauth2 (void)
{
  const XoCase *c = &xo_cases[0];
  g_autofree char *token = xo_token (c);
  g_autofree char *script = NULL;
  g_autoptr(MpTestFakeServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL, *out = NULL, *err = NULL, *all = NULL;
  guint16 port;
  int status;

  if (cli_path () == NULL)
    {
      g_test_skip ("no mailpeek-cli given (--mp-cli=PATH or MP_TEST_CLI)");
      return;
    }
  /* `list`: STAT, LIST, UIDL, TOP n 0 for each message, QUIT. */
  {
    g_autofree char *raw = g_strdup_printf ("user=alice\001auth=Bearer %s\001\001", token);
    g_autofree char *enc = g_base64_encode ((const guchar *) raw, strlen (raw));
    script = g_strdup_printf ("send +OK fake ready\nexpect CAPA\n"
                              "send +OK\nsend SASL XOAUTH2\nsend TOP\nsend UIDL\nsend .\n"
                              "expect AUTH XOAUTH2 %s\nsend +OK welcome\n"
                              "expect CAPA\nsend +OK\nsend TOP\nsend UIDL\nsend .\n"
                              "expect STAT\nsend +OK 1 120\n"
                              "expect LIST\nsend +OK\nsend 1 120\nsend .\n"
                              "expect UIDL\nsend +OK\nsend 1 uid-1\nsend .\n"
                              "expect TOP 1 0\nsend +OK\nsend Subject: hi\nsend \nsend .\n"
                              "expect QUIT\nsend +OK bye\n", enc);
  }
  server = mp_test_fake_server_start (script, &port);
  g_assert_nonnull (server);
  url = g_strdup_printf ("pop://alice;AUTH=XOAUTH2@127.0.0.1:%u", port);
  {
    const char *argv[] = { cli_path (), "--trace", "--starttls=never",
                           "--allow-plaintext-password", "--pipeline=off", "list", url, NULL };
    run_cli (argv, token, &out, &err, &status);
  }
  g_test_message ("cli xoauth2: exit %d\n%s", status, err);
  g_assert_true (mp_test_fake_server_finish (g_steal_pointer (&server), &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "AUTH XOAUTH2"));
  all = g_strconcat (out, "\n", err, NULL);
  assert_no_leak ("cli xoauth2", all, strlen (all), "alice", token, NULL);
}

/* ---- files after a core check with the password from MpKeyring ---- */

typedef struct {
  GMainLoop     *loop;
  GError        *error;
  gboolean       ok;
  MpCheckResult *result;
} Wait;

static void
store_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->ok = mp_keyring_store_finish (res, &w->error);
  g_main_loop_quit (w->loop);
}

static void
check_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->result = mp_mailbox_check_finish (MP_MAILBOX (src), res, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
secret_service_reachable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return FALSE;
  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  if (service == NULL)
    g_test_message ("no Secret Service: %s", error->message);
  return service != NULL;
}

/* Greps every regular file under @dir; returns how many were read. */
static guint
grep_tree (const char *dir,
           const char *user,
           const char *password)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += grep_tree (path, user, password);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *data = NULL;
          gsize len;

          if (!g_file_get_contents (path, &data, &len, NULL))
            continue;   /* sockets, unreadable lock files */
          g_test_message ("grep %s (%" G_GSIZE_FORMAT " bytes)", path, len);
          assert_no_leak (path, data, len, user, password, NULL);
          n++;
        }
    }
  return n;
}

static void
test_files_after_keyring_check (void)
{
  const char *host = mp_test_getenv_or_skip ("MP_TEST_HOST");
  g_autofree char *tmp = NULL;
  g_autoptr(MpAccount) account = NULL;
  g_autoptr(MpAccountStore) store = NULL;
  g_autoptr(MpMailbox) mailbox = NULL;
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };
  const char *user, *password;
  gboolean real_keyring;
  guint n_files, n_kr = 0;
  Trace t = { .lines = g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *text = NULL;

  if (host == NULL)
    return;
  user = g_getenv ("MP_TEST_USER");
  password = g_getenv ("MP_TEST_PASSWORD");
  g_mutex_init (&t.lock);
  w.loop = g_main_loop_new (NULL, FALSE);

  real_keyring = secret_service_reachable ();
  tmp = mp_test_make_tmp_home ();
  account = mp_account_new ("secrets-check");
  mp_account_set_name (account, "Secrets");
  mp_account_set_host (account, host);
  mp_account_set_port (account, (guint) g_ascii_strtoull (g_getenv ("MP_TEST_POP3_PORT"), NULL, 10));
  mp_account_set_security (account, MP_POP3_SECURITY_STARTTLS);
  mp_account_set_ca_file (account, g_getenv ("MP_TEST_CA_FILE"));
  mp_account_set_username (account, user);
  mp_account_set_auth (account, MP_POP3_AUTH_PLAIN);   /* the password in base64 on the wire */

  store = mp_account_store_new ();
  g_assert_true (mp_account_store_add (store, account));
  g_assert_true (mp_account_store_save (store, &error));
  g_assert_no_error (error);

  if (!real_keyring)
    {
      /* The password must come from the keyring (MpKeyring has no other source). */
      g_test_skip ("No Secret Service reachable (run under tests/core/with-keyring.sh)");
      mp_test_rm_rf (tmp);
      g_main_loop_unref (w.loop);
      g_ptr_array_unref (t.lines);
      g_mutex_clear (&t.lock);
      return;
    }
  mp_keyring_store_async (mp_account_get_id (account), NULL, password, NULL, store_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_test_message ("password stored in the real gnome-keyring");

  mailbox = mp_mailbox_new (account);   /* no mp_mailbox_set_password: keyring lookup */
  mp_mailbox_set_idle_timeout (mailbox, 0);
  mp_mailbox_set_trace_func (mailbox, on_trace, &t, NULL);
  mp_mailbox_check_async (mailbox, NULL, NULL, NULL, NULL, NULL, check_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_nonnull (w.result);
  g_assert_cmpuint (w.result->n_messages, >, 0);
  g_assert_cmpuint (w.result->n_fetched, ==, w.result->n_messages);
  /* a second check writes the seen store again with state from the first */
  g_clear_pointer (&w.result, mp_check_result_free);
  mp_mailbox_check_async (mailbox, NULL, NULL, NULL, NULL, NULL, check_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_clear_pointer (&w.result, mp_check_result_free);
  mp_mailbox_shutdown (mailbox);
  g_clear_object (&mailbox);
  for (int i = 0; i < 100; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }

  text = trace_join (&t);
  assert_no_leak ("core check trace", text, strlen (text), user, password, NULL);
  assert_redacted (&t);

  /* Something was written (config, seen store), so the grep below means something. */
  n_files = grep_tree (tmp, user, password);
  g_assert_cmpuint (n_files, >=, 2);
  /* gnome-keyring's login keyring is encrypted: its file must not show it either. */
  for (guint i = 0; keyring_dirs[i] != NULL; i++)
    if (!g_str_has_prefix (keyring_dirs[i], tmp))
      n_kr += grep_tree (keyring_dirs[i], user, password);
  g_test_message ("keyring daemon dirs: %u files", n_kr);
  g_assert_cmpuint (n_kr, >=, 1);
  mp_test_rm_rf (tmp);
  g_main_loop_unref (w.loop);
  g_ptr_array_unref (t.lines);
  g_mutex_clear (&t.lock);
}

/* The detector itself must catch what it claims to (else every test above passes
 * vacuously). */
static void
test_detector (void)
{
  g_autoptr(GPtrArray) forms = secret_forms ("alice", "hunter2-pw");
  const char *plain_b64 = "AGFsaWNlAGh1bnRlcjItcHc=";   /* \0alice\0hunter2-pw */
  g_autofree char *buried = NULL;
  g_autofree char *l = NULL;

  l = find_leak ("PASS hunter2-pw", 15, forms, "hunter2-pw", NULL);
  g_assert_nonnull (l);
  g_clear_pointer (&l, g_free);
  l = find_leak (plain_b64, strlen (plain_b64), forms, "hunter2-pw", NULL);
  g_assert_nonnull (l);
  g_clear_pointer (&l, g_free);
  {
    const char *raw = "zzuser=bob\001auth=Bearer hunter2-pw\001\001";
    g_autofree char *enc = g_base64_encode ((const guchar *) raw, strlen (raw));
    buried = g_strconcat ("> AUTH XOAUTH2 ", enc, "\n", NULL);
  }
  l = find_leak (buried, strlen (buried), forms, "hunter2-pw", NULL);
  g_assert_nonnull (l);
  g_clear_pointer (&l, g_free);
  l = find_leak ("> PASS <redacted>\n> AUTH PLAIN <redacted>\n", 41, forms, "hunter2-pw", NULL);
  g_assert_null (l);
}

int
main (int argc, char **argv)
{
  int j = 1;

  /* Our one option, taken out before GTest sees the arguments. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--mp-cli="))
        opt_cli = argv[i] + strlen ("--mp-cli=");
      else
        argv[j++] = argv[i];
    }
  argc = j;
  argv[argc] = NULL;
  g_test_init (&argc, &argv, NULL);
  {
    const char *vars[] = { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" };
    GPtrArray *dirs = g_ptr_array_new ();
    for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
      if (g_getenv (vars[i]) != NULL)
        g_ptr_array_add (dirs, g_strdup (g_getenv (vars[i])));
    g_ptr_array_add (dirs, NULL);
    keyring_dirs = (char **) g_ptr_array_free (dirs, FALSE);
  }

  g_test_add_func ("/secrets/detector", test_detector);
  for (gsize i = 0; i < G_N_ELEMENTS (mechs); i++)
    {
      g_autofree char *p1 = g_strconcat ("/secrets/engine-trace/", mechs[i].name, NULL);
      g_autofree char *p2 = g_strconcat ("/secrets/cli-trace/", mechs[i].name, NULL);
      g_autofree char *p3 = g_strconcat ("/secrets/cli-wrong-password/", mechs[i].name, NULL);
      g_test_add_data_func (p1, &mechs[i], test_engine_trace_dovecot);
      g_test_add_data_func (p2, &mechs[i], test_cli_trace_dovecot);
      g_test_add_data_func (p3, &mechs[i], test_cli_wrong_password);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (xo_cases); i++)
    {
      g_autofree char *p = g_strconcat ("/secrets/engine-trace/", xo_cases[i].name, NULL);
      g_test_add_data_func (p, &xo_cases[i], test_engine_trace_xoauth2);
    }
  g_test_add_func ("/secrets/cli-trace/xoauth2", test_cli_trace_xoauth2);
  g_test_add_func ("/secrets/cli-state-file", test_cli_state_file);
  g_test_add_func ("/secrets/files-after-keyring-check", test_files_after_keyring_check);
  return g_test_run ();
}
