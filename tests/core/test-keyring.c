/* test-keyring.c — MpKeyring against a real Secret Service (run by with-keyring.sh) */
#include <gio/gio.h>
#include <libsecret/secret.h>

#include "mp-keyring.h"

typedef struct {
  GMainLoop *loop;
  GError    *error;
  gboolean   ok;
  char      *password;
} Wait;

static void
store_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->ok = mp_keyring_store_finish (res, &w->error);
  g_main_loop_quit (w->loop);
}

static void
lookup_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  g_clear_pointer (&w->password, secret_password_free);
  w->password = mp_keyring_lookup_finish (res, &w->error);
  w->ok = w->error == NULL;
  g_main_loop_quit (w->loop);
}

static void
clear_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->ok = mp_keyring_clear_finish (res, &w->error);
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

static void
test_real_keyring (void)
{
  Wait w = { g_main_loop_new (NULL, FALSE), NULL, FALSE, NULL };
  const char *pw = "pä$$ word with spaces";

  if (!secret_service_reachable ())
    {
      g_test_skip ("No Secret Service reachable (run under tests/core/with-keyring.sh)");
      g_main_loop_unref (w.loop);
      return;
    }

  /* nothing stored yet: NULL without error */
  mp_keyring_lookup_async ("acc-a", NULL, lookup_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_null (w.password);

  mp_keyring_store_async ("acc-a", NULL, pw, NULL, store_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  mp_keyring_store_async ("acc-b", "other", "bbb", NULL, store_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);

  mp_keyring_lookup_async ("acc-a", NULL, lookup_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.password, ==, pw);

  /* the item is found through the public schema too (other tools see it) */
  {
    g_autofree char *direct = secret_password_lookup_sync (mp_keyring_get_schema (), NULL,
                                                           NULL, "account-id", "acc-b",
                                                           NULL);
    g_assert_cmpstr (direct, ==, "bbb");
  }

  mp_keyring_clear_async ("acc-a", NULL, clear_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);

  mp_keyring_lookup_async ("acc-a", NULL, lookup_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_null (w.password);
  mp_keyring_lookup_async ("acc-b", NULL, lookup_done, &w);
  g_main_loop_run (w.loop);
  g_assert_cmpstr (w.password, ==, "bbb");

  g_clear_pointer (&w.password, secret_password_free);
  g_main_loop_unref (w.loop);
}

/* The product takes passwords from the keyring only: no variable in the
 * environment (a test hook once read MAILPEEK_TEST_PASSWORD) overrides it. */
static void
test_env_ignored (void)
{
  Wait w = { g_main_loop_new (NULL, FALSE), NULL, FALSE, NULL };

  if (!secret_service_reachable ())
    {
      g_test_skip ("No Secret Service reachable (run under tests/core/with-keyring.sh)");
      g_main_loop_unref (w.loop);
      return;
    }
  g_setenv ("MAILPEEK_TEST_PASSWORD", "from-env", TRUE);
  mp_keyring_lookup_async ("nothing-stored", NULL, lookup_done, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_null (w.password);
  g_unsetenv ("MAILPEEK_TEST_PASSWORD");

  g_main_loop_unref (w.loop);
}

static void
test_sync_on_main_asserts (void)
{
  if (g_test_subprocess ())
    {
      /* own the default context like the UI thread does */
      g_main_context_acquire (g_main_context_default ());
      mp_keyring_lookup_sync ("x", NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/keyring/real", test_real_keyring);
  g_test_add_func ("/core/keyring/env-ignored", test_env_ignored);
  g_test_add_func ("/core/keyring/sync-on-main-asserts", test_sync_on_main_asserts);
  return g_test_run ();
}
