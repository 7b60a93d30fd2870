/* test-account.c — MpAccount properties and MpAccountStore persistence */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mp-account-store.h"
#include "mp-error.h"

static void
count_notify (GObject *obj, GParamSpec *pspec, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_notify_only_on_change (void)
{
  g_autoptr(MpAccount) a = mp_account_new (NULL);
  guint n = 0;

  g_assert_true (mp_account_id_is_valid (mp_account_get_id (a)));
  g_assert_cmpuint (mp_account_get_check_interval (a), ==, 5);
  g_assert_cmpuint (mp_account_get_preview_lines (a), ==, 200);
  g_assert_true (mp_account_get_notify (a));

  g_signal_connect (a, "notify", G_CALLBACK (count_notify), &n);
  mp_account_set_host (a, "pop.example.org");
  mp_account_set_host (a, "pop.example.org");
  g_assert_cmpuint (n, ==, 1);
  mp_account_set_port (a, 995);
  mp_account_set_port (a, 995);
  g_assert_cmpuint (n, ==, 2);
  g_object_set (a, "security", MP_POP3_SECURITY_STARTTLS, NULL);
  g_object_set (a, "security", MP_POP3_SECURITY_STARTTLS, NULL);
  g_assert_cmpuint (n, ==, 3);
  mp_account_set_notify (a, TRUE);
  g_assert_cmpuint (n, ==, 3);
  mp_account_set_pinned_sha256 (a, "");  /* "" means none: no change */
  g_assert_cmpuint (n, ==, 3);
  g_assert_null (mp_account_get_pinned_sha256 (a));
}

static void
test_invalid_ids (void)
{
  g_assert_false (mp_account_id_is_valid ("../etc"));
  g_assert_false (mp_account_id_is_valid ("a/b"));
  g_assert_false (mp_account_id_is_valid (""));
  g_assert_false (mp_account_id_is_valid ("with space"));
  g_assert_true (mp_account_id_is_valid ("work-1_x.y"));
}

static void
test_to_options (void)
{
  g_autoptr(MpAccount) a = mp_account_new ("acc1");
  g_autoptr(MpPop3Options) o = NULL;

  g_object_set (a, "host", "h.example", "port", 1110, "username", "bob",
                "security", MP_POP3_SECURITY_NONE, "auth", MP_POP3_AUTH_APOP,
                "allow-plaintext-password", TRUE, "ca-file", "/tmp/ca.pem",
                "pinned-sha256", "abcd", NULL);
  o = mp_account_to_pop3_options (a, "s3cret");
  g_assert_cmpstr (o->host, ==, "h.example");
  g_assert_cmpuint (o->port, ==, 1110);
  g_assert_cmpstr (o->username, ==, "bob");
  g_assert_cmpstr (o->password, ==, "s3cret");
  g_assert_cmpint (o->security, ==, MP_POP3_SECURITY_NONE);
  g_assert_cmpint (o->auth, ==, MP_POP3_AUTH_APOP);
  g_assert_true (o->allow_plaintext_password);
  g_assert_cmpstr (o->ca_file, ==, "/tmp/ca.pem");
  g_assert_cmpstr (o->pin_sha256, ==, "abcd");
  /* An account's jobs are bounded like mailpeek-cli's: a server dripping
   * bytes cannot hold the account's job queue forever. */
  g_assert_cmpuint (o->timeout_ms, ==, MP_POP3_DEFAULT_TIMEOUT_MS);
  g_assert_cmpuint (o->max_time_ms, ==, MP_POP3_DEFAULT_MAX_TIME_MS);
  g_assert_cmpuint (o->speed_limit, ==, MP_POP3_DEFAULT_SPEED_LIMIT);
  g_assert_cmpuint (o->speed_time_ms, ==, MP_POP3_DEFAULT_SPEED_TIME_MS);
}

static MpAccount *
make_account (const char *id, const char *host)
{
  MpAccount *a = mp_account_new (id);

  g_object_set (a, "name", "Wörk “mail”\nline", "host", host, "port", 995,
                "username", "alice@example.org", "security",
                MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE, "auth", MP_POP3_AUTH_CRAM_MD5,
                "check-interval", 17, "preview-lines", 50, "notify", FALSE,
                "pinned-sha256", "00ff", "allow-plaintext-password", TRUE, NULL);
  return a;
}

static void
test_store_round_trip (void)
{
  g_autoptr(MpAccountStore) store = mp_account_store_new ();
  g_autoptr(MpAccountStore) again = mp_account_store_new ();
  g_autoptr(MpAccount) a = make_account ("one", "pop.one.example");
  g_autoptr(MpAccount) b = mp_account_new ("two");
  g_autoptr(MpAccount) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "mailpeek",
                                                "accounts.conf", NULL);

  g_assert_cmpstr (mp_account_store_get_path (store), ==, expected);
  /* missing file: empty, no error */
  g_assert_true (mp_account_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  mp_account_set_auth (b, MP_POP3_AUTH_OAUTHBEARER);
  /* Where the secret comes from is a setting like any other (the secret is not). */
  g_object_set (a, "password-command", "pass show 'mail/one' | head -1", NULL);
  mp_account_set_goa_account_id (b, "account_1712345678_0");
  g_assert_true (mp_account_store_add (store, a));
  g_assert_true (mp_account_store_add (store, b));
  g_assert_false (mp_account_store_add (store, a));
  g_assert_true (mp_account_store_save (store, &error));
  g_assert_no_error (error);

  g_assert_true (mp_account_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (again)) == MP_TYPE_ACCOUNT);
  got = g_list_model_get_item (G_LIST_MODEL (again), 0);
  g_assert_cmpstr (mp_account_get_id (got), ==, "one");
  g_assert_cmpstr (mp_account_get_name (got), ==, "Wörk “mail”\nline");
  g_assert_cmpstr (mp_account_get_host (got), ==, "pop.one.example");
  g_assert_cmpuint (mp_account_get_port (got), ==, 995);
  g_assert_cmpstr (mp_account_get_username (got), ==, "alice@example.org");
  g_assert_cmpint (mp_account_get_security (got), ==, MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE);
  g_assert_cmpint (mp_account_get_auth (got), ==, MP_POP3_AUTH_CRAM_MD5);
  g_assert_cmpuint (mp_account_get_check_interval (got), ==, 17);
  g_assert_cmpuint (mp_account_get_preview_lines (got), ==, 50);
  g_assert_false (mp_account_get_notify (got));
  g_assert_cmpstr (mp_account_get_pinned_sha256 (got), ==, "00ff");
  g_assert_true (mp_account_get_allow_plaintext_password (got));
  g_assert_null (mp_account_get_ca_file (got));
  g_assert_cmpstr (mp_account_get_password_command (got), ==, "pass show 'mail/one' | head -1");
  g_assert_null (mp_account_get_goa_account_id (got));
  g_assert_cmpstr (mp_account_get_goa_account_id (mp_account_store_lookup (again, "two")), ==,
                   "account_1712345678_0");
  g_assert_null (mp_account_get_password_command (mp_account_store_lookup (again, "two")));

  g_assert_nonnull (mp_account_store_lookup (again, "two"));
  g_assert_cmpuint (mp_account_get_check_interval (mp_account_store_lookup (again, "two")),
                    ==, 5);
  g_assert_cmpint (mp_account_get_auth (mp_account_store_lookup (again, "two")),
                   ==, MP_POP3_AUTH_OAUTHBEARER);
  g_assert_true (mp_account_store_remove (again, "one"));
  g_assert_false (mp_account_store_remove (again, "one"));
  g_assert_null (mp_account_store_lookup (again, "one"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
}

static void
test_store_no_password (void)
{
  g_autoptr(MpAccountStore) store = mp_account_store_new ();
  g_autoptr(MpAccount) a = make_account ("pw", "h");
  g_autoptr(MpPop3Options) o = mp_account_to_pop3_options (a, "TopSecretPassw0rd");
  g_autofree char *data = NULL;
  GStatBuf st;

  mp_account_store_add (store, a);
  g_assert_true (mp_account_store_save (store, NULL));
  g_assert_true (g_file_get_contents (mp_account_store_get_path (store), &data, NULL, NULL));
  g_assert_null (strstr (data, "TopSecretPassw0rd"));
  g_assert_null (strstr (data, "\npassword="));
  g_assert_nonnull (strstr (data, "[pw]"));
  g_assert_cmpint (g_stat (mp_account_store_get_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
}

static void
test_store_corrupt (void)
{
  g_autoptr(MpAccountStore) store = mp_account_store_new ();
  g_autoptr(MpAccount) keep = mp_account_new ("keep");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (mp_account_store_get_path (store));
  static const char garbage[] = "[ok]\nhost=x\nthis line is not a key file\n\xff\xfe[[[";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (mp_account_store_get_path (store), garbage,
                                      sizeof garbage - 1, NULL));
  mp_account_store_add (store, keep);
  g_assert_false (mp_account_store_load (store, &error));
  g_assert_error (error, MP_ERROR, MP_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "accounts.conf"));
  /* previous contents kept */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_nonnull (mp_account_store_lookup (store, "keep"));
}

static void
test_store_bad_values (void)
{
  g_autoptr(MpAccountStore) store = mp_account_store_new ();
  g_autofree char *dir = g_path_get_dirname (mp_account_store_get_path (store));
  static const char text[] =
    "[good]\nhost=h\nport=99999\nsecurity=bogus\ncheck-interval=0\nnotify=maybe\n"
    "[../evil]\nhost=x\n";
  MpAccount *good;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (mp_account_store_get_path (store), text, -1, NULL));
  g_test_expect_message ("mp-core", G_LOG_LEVEL_WARNING, "*invalid id*");
  g_assert_true (mp_account_store_load (store, NULL));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  good = mp_account_store_lookup (store, "good");
  g_assert_nonnull (good);
  g_assert_cmpstr (mp_account_get_host (good), ==, "h");
  g_assert_cmpuint (mp_account_get_port (good), ==, 0);
  g_assert_cmpint (mp_account_get_security (good), ==, MP_POP3_SECURITY_TLS);
  g_assert_cmpuint (mp_account_get_check_interval (good), ==, 5);
  g_assert_true (mp_account_get_notify (good));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/account/notify", test_notify_only_on_change);
  g_test_add_func ("/core/account/ids", test_invalid_ids);
  g_test_add_func ("/core/account/to-options", test_to_options);
  g_test_add_func ("/core/account-store/round-trip", test_store_round_trip);
  g_test_add_func ("/core/account-store/no-password", test_store_no_password);
  g_test_add_func ("/core/account-store/corrupt", test_store_corrupt);
  g_test_add_func ("/core/account-store/bad-values", test_store_bad_values);
  return g_test_run ();
}
