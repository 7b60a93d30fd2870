/* test-goa.c — accounts whose token comes from GNOME Online Accounts or a token
 * command, checked by MpMailbox against Dovecot's XOAUTH2
 *
 * Run under with-dovecot.py --oauth2 (tokens checked by a local introspection
 * server).  GOA is tests/core/fake-goa on a private session bus (GTestDBus), so
 * the product talks to it exactly as to the real service.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "core-test-helpers.h"
#include "mp-error.h"
#include "mp-goa.h"
#include "mp-mailbox.h"

#define GOA_ID "account_1700000000_0"
#define EXPIRED "mp-goa-expired-Tok3n"
#define FRESH "mp-goa-fresh-Tok3n"

typedef struct {
  GSubprocess      *goa;       /* fake-goa */
  GDataInputStream *goa_out;
  MpAccount        *account;
  MpMailbox        *mailbox;
  gint             *logins;    /* logins traced so far (owned by the mailbox's trace) */
  gboolean          done;
  MpCheckResult    *result;
  GError           *error;
} Fixture;

static gboolean
under_oauth2_dovecot (void)
{
  if (g_getenv ("MP_TEST_OAUTH2_TOKENS") == NULL)
    {
      g_test_skip ("not running under with-dovecot.py --oauth2");
      return FALSE;
    }
  return TRUE;
}

/* Tokens the introspection server accepts from now on ("TOKEN USER" lines). */
static void
accept_token (const char *token)
{
  g_autofree char *line = g_strdup_printf ("%s %s\n", token, g_getenv ("MP_TEST_USER"));
  FILE *f = fopen (g_getenv ("MP_TEST_OAUTH2_TOKENS"), "a");

  g_assert_nonnull (f);
  fputs (line, f);
  fclose (f);
}

static char *
read_line (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (f->goa_out, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
start_goa_full (Fixture    *f,
                const char *tokens,
                gboolean    mail_disabled)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  const char *fake = MP_FAKE_GOA;

  f->goa = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, fake, "--id", GOA_ID,
                             "--provider", "google", "--identity", g_getenv ("MP_TEST_USER"),
                             "--tokens", tokens, mail_disabled ? "--mail-disabled" : NULL,
                             NULL);
  g_assert_no_error (error);
  f->goa_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->goa));
  ready = read_line (f);
  g_assert_cmpstr (ready, ==, "READY");
}

static void
start_goa (Fixture    *f,
           const char *tokens)
{
  start_goa_full (f, tokens, FALSE);
}

/* Stops the fake and returns what it was asked, one call per line. */
static char *
stop_goa (Fixture *f)
{
  g_autoptr(GString) log = g_string_new (NULL);
  char *line;

  g_subprocess_send_signal (f->goa, SIGTERM);
  while ((line = read_line (f)) != NULL)
    {
      g_string_append_printf (log, "%s\n", line);
      g_free (line);
    }
  g_assert_true (g_subprocess_wait (f->goa, NULL, NULL));
  g_clear_object (&f->goa_out);
  g_clear_object (&f->goa);
  return g_string_free (g_steal_pointer (&log), FALSE);
}

/* On the worker, also for the QUIT after the test: the trace sees the logins
 * (counted), never a token. */
static void
on_trace (MpPop3TraceDirection direction,
          const char          *line,
          gpointer             user_data)
{
  g_assert_null (strstr (line, "Tok3n"));
  if (direction == MP_POP3_TRACE_SENT
      && (g_str_has_prefix (line, "AUTH ") || g_str_has_prefix (line, "USER ")))
    g_atomic_int_inc ((gint *) user_data);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  guint64 port = 0;

  f->logins = g_new0 (gint, 1);
  if (g_getenv ("MP_TEST_POP3S_PORT") != NULL)
    port = g_ascii_strtoull (g_getenv ("MP_TEST_POP3S_PORT"), NULL, 10);
  f->account = mp_account_new ("goa-test");
  /* auth stays "auto": a GOA account means XOAUTH2. */
  g_object_set (f->account, "host", g_getenv ("MP_TEST_HOST"), "port", (guint) port,
                "security", MP_POP3_SECURITY_TLS, "ca-file", g_getenv ("MP_TEST_CA_FILE"),
                "username", g_getenv ("MP_TEST_USER"), "goa-account-id", GOA_ID, NULL);
  f->mailbox = mp_mailbox_new (f->account);
  mp_mailbox_set_idle_timeout (f->mailbox, 0);
  mp_mailbox_set_trace_func (f->mailbox, on_trace, f->logins, g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->goa != NULL)
    g_free (stop_goa (f));
  mp_mailbox_shutdown (f->mailbox);
  g_clear_object (&f->mailbox);
  g_clear_object (&f->account);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = mp_mailbox_check_finish (MP_MAILBOX (source), result, &f->error);
  f->done = TRUE;
}

static void
check (Fixture *f)
{
  f->done = FALSE;
  g_clear_pointer (&f->result, mp_check_result_free);
  g_clear_error (&f->error);
  mp_mailbox_check_async (f->mailbox, NULL, NULL, NULL, NULL, NULL, on_checked, f);
  core_test_run_until (&f->done, 60);
  if (f->error != NULL)
    {
      g_assert_null (strstr (f->error->message, "Tok3n"));
      g_test_message ("check: %s", f->error->message);
    }
}

static char *
introspected (void)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("MP_TEST_OAUTH2_LOG"), &text, NULL, NULL));
  return text;
}

/* A token, then an expired one (refused: EnsureCredentials, a fresh one, success). */
static void
test_expired_token_renewed (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *tokens = NULL;
  g_autofree char *log = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *checked = NULL;

  if (!under_oauth2_dovecot ())
    return;
  accept_token (FRESH);
  tokens = g_strjoin (",", g_getenv ("MP_TEST_OAUTH2_TOKEN"), EXPIRED, FRESH, NULL);
  start_goa (f, tokens);

  check (f);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->result->n_messages, >, 0);
  check (f);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->result->n_messages, >, 0);

  log = stop_goa (f);
  expected = g_strdup_printf ("GetAccessToken %s\nGetAccessToken " EXPIRED "\n"
                              "EnsureCredentials\nGetAccessToken " FRESH "\n",
                              g_getenv ("MP_TEST_OAUTH2_TOKEN"));
  g_assert_cmpstr (log, ==, expected);
  checked = introspected ();
  g_assert_nonnull (strstr (checked, EXPIRED " inactive\n" FRESH " active\n"));
  g_clear_pointer (&f->result, mp_check_result_free);
}

static void
on_tested (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *f = user_data;
  g_auto(GStrv) caps = mp_mailbox_test_login_finish (MP_MAILBOX (source), result, &f->error);

  g_assert_true ((caps != NULL) == (f->error == NULL));
  f->done = TRUE;
}

/* The account dialog's "Test Connection" logs in the same way, renewal included. */
static void
test_login_renewed (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *log = NULL;

  if (!under_oauth2_dovecot ())
    return;
  accept_token (FRESH);
  start_goa (f, EXPIRED "," FRESH);
  mp_mailbox_test_login_async (f->mailbox, NULL, NULL, on_tested, f);
  core_test_run_until (&f->done, 60);
  g_assert_no_error (f->error);
  log = stop_goa (f);
  g_assert_cmpstr (log, ==, "GetAccessToken " EXPIRED "\nEnsureCredentials\n"
                            "GetAccessToken " FRESH "\n");
}

/* Refused again after renewing: one retry only, then the server's refusal. */
static void
test_refused_twice (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *log = NULL;

  if (!under_oauth2_dovecot ())
    return;
  start_goa (f, EXPIRED "," EXPIRED "-2," EXPIRED "-3");
  check (f);
  g_assert_error (f->error, MP_ERROR, MP_ERROR_AUTH);
  /* Said as a refused token, not a refused password. */
  g_assert_true (mp_error_get_token_refused (f->error));
  log = stop_goa (f);
  g_assert_cmpstr (log, ==, "GetAccessToken " EXPIRED "\nEnsureCredentials\n"
                            "GetAccessToken " EXPIRED "-2\n");
  g_clear_error (&f->error);
}

/* An account id GOA does not know: a clear error, no login attempt. */
static void
test_unknown_account (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *log = NULL;

  if (!under_oauth2_dovecot ())
    return;
  start_goa (f, FRESH);
  mp_account_set_goa_account_id (f->account, "account_gone");
  check (f);
  g_assert_error (f->error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (f->error->message, "account_gone"));
  g_assert_cmpint (g_atomic_int_get (f->logins), ==, 0);
  log = stop_goa (f);
  g_assert_cmpstr (log, ==, "");
  g_clear_error (&f->error);
}

/* Mail turned off in Settings: not offered, and no token is asked for. */
static void
test_mail_disabled (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  if (!under_oauth2_dovecot ())
    return;
  start_goa_full (f, FRESH, TRUE);
  accounts = mp_goa_list_accounts_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 0);
  check (f);
  g_assert_error (f->error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (f->error->message, "Mail is turned off"));
  log = stop_goa (f);
  g_assert_cmpstr (log, ==, "");
  g_clear_error (&f->error);
}

/* The account dialog's list: the fake's Google account with its POP3 server. */
static void
test_list_accounts (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  MpGoaAccount *a;

  if (!under_oauth2_dovecot ())
    return;
  start_goa (f, FRESH);
  accounts = mp_goa_list_accounts_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  a = accounts->pdata[0];
  g_assert_cmpstr (a->id, ==, GOA_ID);
  g_assert_cmpstr (a->provider_type, ==, "google");
  g_assert_cmpstr (a->host, ==, "pop.gmail.com");
  g_assert_cmpuint (a->port, ==, 995);
  g_assert_cmpstr (a->username, ==, g_getenv ("MP_TEST_USER"));
  g_free (stop_goa (f));
}

/* The same XOAUTH2 login with the token printed by the account's command. */
static void
test_token_command (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *command = NULL;

  if (!under_oauth2_dovecot ())
    return;
  mp_account_set_goa_account_id (f->account, NULL);
  mp_account_set_auth (f->account, MP_POP3_AUTH_XOAUTH2);
  command = g_strdup_printf ("echo %s", g_getenv ("MP_TEST_OAUTH2_TOKEN"));
  mp_account_set_password_command (f->account, command);
  check (f);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->result->n_messages, >, 0);
  g_clear_pointer (&f->result, mp_check_result_free);

  /* A hanging or silent command: a clear error, never a login. */
  g_atomic_int_set (f->logins, 0);
  mp_account_set_password_command (f->account, "echo Tok3n; exit 5");
  check (f);
  g_assert_error (f->error, MP_ERROR, MP_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (f->error->message, "status 5"));
  g_assert_cmpint (g_atomic_int_get (f->logins), ==, 0);
  g_clear_error (&f->error);
}

static void
test_provider_servers (void)
{
  const char *host = NULL;
  guint port = 0;

  g_assert_true (mp_goa_pop3_server_for_provider ("google", &host, &port));
  g_assert_cmpstr (host, ==, "pop.gmail.com");
  g_assert_cmpuint (port, ==, 995);
  g_assert_true (mp_goa_pop3_server_for_provider ("ms_graph", &host, &port));
  g_assert_cmpstr (host, ==, "outlook.office365.com");
  g_assert_cmpuint (port, ==, 995);
  g_assert_false (mp_goa_pop3_server_for_provider ("imap_smtp", &host, &port));
  g_assert_false (mp_goa_pop3_server_for_provider (NULL, &host, &port));
}

int
main (int argc, char **argv)
{
  g_autoptr(GTestDBus) bus = NULL;
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* A private session bus: the product finds the fake GOA where it finds the real. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  g_test_add_func ("/goa/provider-servers", test_provider_servers);
  g_test_add ("/goa/list-accounts", Fixture, NULL, fixture_setup, test_list_accounts,
              fixture_teardown);
  g_test_add ("/goa/mail-disabled", Fixture, NULL, fixture_setup, test_mail_disabled,
              fixture_teardown);
  g_test_add ("/goa/expired-token-renewed", Fixture, NULL, fixture_setup,
              test_expired_token_renewed, fixture_teardown);
  g_test_add ("/goa/test-login-renewed", Fixture, NULL, fixture_setup, test_login_renewed,
              fixture_teardown);
  g_test_add ("/goa/refused-twice", Fixture, NULL, fixture_setup, test_refused_twice,
              fixture_teardown);
  g_test_add ("/goa/unknown-account", Fixture, NULL, fixture_setup, test_unknown_account,
              fixture_teardown);
  g_test_add ("/goa/token-command", Fixture, NULL, fixture_setup, test_token_command,
              fixture_teardown);
  rc = g_test_run ();
  g_test_dbus_down (bus);
  return rc;
}
