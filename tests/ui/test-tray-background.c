/* test-tray-background.c — MpBackground: the autostart entry, the background portal
 * inside a (simulated) Flatpak, holding the app, and the --background option.
 *
 * Runs under `dbus-run-session` in its own temporary HOME/XDG_CONFIG_HOME.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mp-background.h"

#define TIMEOUT_MS 5000

static char *tmp_root;

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (APP_ID);

  g_settings_reset (settings, "start-at-login");
  g_settings_reset (settings, "run-in-background");
  return settings;
}

/* ---- autostart file ---- */

static void
test_autostart_file (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  g_autoptr (GApplication) app = g_application_new ("io.github.mailpeek.TestAutostart",
                                                    G_APPLICATION_NON_UNIQUE);
  g_autoptr (MpBackground) bg = NULL;
  g_autofree char *path = mp_background_dup_autostart_path ();
  g_autofree char *expected = g_build_filename (tmp_root, "config", "autostart",
                                                APP_ID ".desktop", NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *type = NULL;

  g_assert_false (mp_background_in_flatpak ());
  g_assert_cmpstr (path, ==, expected);
  bg = mp_background_new (app, settings);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_settings_set_boolean (settings, "start-at-login", TRUE);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  exec = g_key_file_get_string (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "mailpeek --background");
  type = g_key_file_get_string (kf, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "Application");
  g_assert_false (g_key_file_get_boolean (kf, G_KEY_FILE_DESKTOP_GROUP, "Hidden", NULL));

  g_settings_set_boolean (settings, "start-at-login", FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Deleted by hand while the switch is on: written again at the next start. */
  g_settings_set_boolean (settings, "start-at-login", TRUE);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_clear_object (&bg);
  bg = mp_background_new (app, settings);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_settings_set_boolean (settings, "start-at-login", FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* ---- the background portal ---- */

static const char portal_xml[] =
  "<node>"
  " <interface name='org.freedesktop.portal.Background'>"
  "  <method name='RequestBackground'>"
  "   <arg name='parent_window' type='s' direction='in'/>"
  "   <arg name='options' type='a{sv}' direction='in'/>"
  "   <arg name='handle' type='o' direction='out'/>"
  "  </method>"
  " </interface>"
  "</node>";

typedef struct
{
  GDBusConnection *conn;
  guint            owner_id, reg_id;
  gboolean         acquired;
  gboolean         grant;        /* what the "user" answers */
  guint            n_requests;
  gboolean         last_autostart;
  char           **last_commandline;
} TestPortal;

static void
portal_method_call (GDBusConnection *conn, const char *sender, const char *path,
                    const char *iface, const char *method, GVariant *params,
                    GDBusMethodInvocation *invocation, gpointer data)
{
  TestPortal *p = data;
  g_autoptr (GVariant) opts = NULL;
  g_autofree char *token = NULL;
  g_autofree char *who = g_strdup (sender + 1);
  g_autofree char *handle = NULL;
  GVariantBuilder results;

  g_variant_get (params, "(&s@a{sv})", NULL, &opts);
  g_assert_true (g_variant_lookup (opts, "handle_token", "s", &token));
  g_assert_true (g_variant_lookup (opts, "autostart", "b", &p->last_autostart));
  g_strfreev (p->last_commandline);
  p->last_commandline = NULL;
  g_variant_lookup (opts, "commandline", "^as", &p->last_commandline);
  p->n_requests++;

  g_strdelimit (who, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", who, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&results, "{sv}", "autostart",
                         g_variant_new_boolean (p->grant && p->last_autostart));
  g_dbus_connection_emit_signal (conn, sender, handle, "org.freedesktop.portal.Request",
                                 "Response", g_variant_new ("(ua{sv})", 0, &results), NULL);
}

static const GDBusInterfaceVTable portal_vtable = { .method_call = portal_method_call };

static void
portal_acquired_cb (GDBusConnection *conn, const char *name, gpointer data)
{
  ((TestPortal *) data)->acquired = TRUE;
}

static TestPortal *
test_portal_start (gboolean grant)
{
  TestPortal *p = g_new0 (TestPortal, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  gboolean timed_out = FALSE;

  g_assert_no_error (error);
  p->grant = grant;
  p->conn = g_dbus_connection_new_for_address_sync (address,
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
  g_assert_no_error (error);
  p->reg_id = g_dbus_connection_register_object (p->conn, "/org/freedesktop/portal/desktop",
                                                 info->interfaces[0], &portal_vtable, p, NULL,
                                                 &error);
  g_assert_no_error (error);
  p->owner_id = g_bus_own_name_on_connection (p->conn, "org.freedesktop.portal.Desktop",
                                              G_BUS_NAME_OWNER_FLAGS_NONE,
                                              portal_acquired_cb, NULL, p, NULL);
  g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);
  while (!p->acquired && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (p->acquired);
  return p;
}

static void
test_portal_stop (TestPortal *p)
{
  g_bus_unown_name (p->owner_id);
  g_dbus_connection_unregister_object (p->conn, p->reg_id);
  g_dbus_connection_close_sync (p->conn, NULL, NULL);
  g_object_unref (p->conn);
  g_strfreev (p->last_commandline);
  g_free (p);
}

static gboolean
wait_for_requests (TestPortal *p, guint n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);

  while (p->n_requests < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return p->n_requests >= n;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* What flatpak-run(1) sets in the app's environment. */
static void
enter_flatpak (void)
{
  g_setenv ("FLATPAK_ID", APP_ID, TRUE);
  g_assert_true (mp_background_in_flatpak ());
}

static void
leave_flatpak (void)
{
  g_unsetenv ("FLATPAK_ID");
}

static void
test_portal_granted (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  g_autoptr (GApplication) app = g_application_new ("io.github.mailpeek.TestPortal",
                                                    G_APPLICATION_NON_UNIQUE);
  g_autoptr (MpBackground) bg = NULL;
  g_autofree char *path = mp_background_dup_autostart_path ();
  TestPortal *portal;

  enter_flatpak ();
  portal = test_portal_start (TRUE);
  bg = mp_background_new (app, settings);
  /* No dialog merely for starting the app. */
  spin (100);
  g_assert_cmpuint (portal->n_requests, ==, 0);

  g_settings_set_boolean (settings, "start-at-login", TRUE);
  g_assert_true (wait_for_requests (portal, 1));
  g_assert_true (portal->last_autostart);
  g_assert_nonnull (portal->last_commandline);
  g_assert_cmpstr (portal->last_commandline[0], ==, "mailpeek");
  g_assert_cmpstr (portal->last_commandline[1], ==, "--background");
  g_assert_null (portal->last_commandline[2]);
  spin (100);
  /* Granted: the switch stays on; the sandbox wrote no file of its own. */
  g_assert_true (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_settings_set_boolean (settings, "start-at-login", FALSE);
  g_assert_true (wait_for_requests (portal, 2));
  g_assert_false (portal->last_autostart);

  g_clear_object (&bg);
  test_portal_stop (portal);
  leave_flatpak ();
}

static void
test_portal_denied (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  g_autoptr (GApplication) app = g_application_new ("io.github.mailpeek.TestPortal2",
                                                    G_APPLICATION_NON_UNIQUE);
  g_autoptr (MpBackground) bg = NULL;
  TestPortal *portal;
  gboolean timed_out = FALSE;
  guint id;

  enter_flatpak ();
  portal = test_portal_start (FALSE);
  bg = mp_background_new (app, settings);

  g_settings_set_boolean (settings, "start-at-login", TRUE);
  g_assert_true (wait_for_requests (portal, 1));
  /* The user said no: the switch goes back off, without asking again. */
  id = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);
  while (g_settings_get_boolean (settings, "start-at-login") && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  spin (100);
  g_assert_cmpuint (portal->n_requests, ==, 1);

  g_clear_object (&bg);
  test_portal_stop (portal);
  leave_flatpak ();
}

/* ---- holding the application ---- */

typedef struct
{
  gboolean quit_by_timer;
} RunState;

static gboolean
quit_app_cb (gpointer data)
{
  GApplication *app = data;
  RunState *state = g_object_get_data (G_OBJECT (app), "state");

  state->quit_by_timer = TRUE;
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static void
activate_nothing (GApplication *app)
{
  /* No window: only a hold can keep the app running now. */
}

/* Runs @app; TRUE if it was still running 200 ms after activation. */
static gboolean
still_running_after_activate (GApplication *app)
{
  RunState state = { FALSE };
  guint id;

  g_object_set_data (G_OBJECT (app), "state", &state);
  id = g_timeout_add (200, quit_app_cb, app);
  g_application_run (app, 0, NULL);
  if (!state.quit_by_timer)
    g_source_remove (id);
  return state.quit_by_timer;
}

static void
test_hold (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  g_autoptr (GApplication) app = g_application_new ("io.github.mailpeek.TestHold",
                                                    G_APPLICATION_NON_UNIQUE);
  g_autoptr (MpBackground) bg = NULL;

  g_signal_connect (app, "activate", G_CALLBACK (activate_nothing), NULL);
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  bg = mp_background_new (app, settings);

  /* No tray, not started with --background: closing the window just quits. */
  g_assert_false (mp_background_is_holding (bg));

  mp_background_set_tray_available (bg, TRUE);
  g_assert_true (mp_background_is_holding (bg));
  /* A panel restart drops the icon for a moment; the app must survive it. */
  mp_background_set_tray_available (bg, FALSE);
  g_assert_true (mp_background_is_holding (bg));
  g_assert_true (still_running_after_activate (app));

  /* The user switches the icon off: no way back, no hold. */
  mp_background_forget_tray (bg);
  g_assert_false (mp_background_is_holding (bg));
  g_clear_object (&bg);

  /* A GApplication runs once: the opposite case needs a fresh one. */
  {
    g_autoptr (GApplication) app2 = g_application_new ("io.github.mailpeek.TestHold2",
                                                       G_APPLICATION_NON_UNIQUE);
    g_autoptr (MpBackground) bg2 = NULL;

    g_signal_connect (app2, "activate", G_CALLBACK (activate_nothing), NULL);
    bg2 = mp_background_new (app2, settings);
    mp_background_set_tray_available (bg2, TRUE);
    g_assert_true (mp_background_is_holding (bg2));
    /* Switching "run in background" off lets go. */
    g_settings_set_boolean (settings, "run-in-background", FALSE);
    g_assert_false (mp_background_is_holding (bg2));
    g_assert_false (still_running_after_activate (app2));
  }
}

/* ---- the --background option ---- */

typedef struct
{
  guint    n_activate;
  gboolean started_in_background_at_startup;
  int      second_status;
} OptionState;

static void
opt_startup (GApplication *app, OptionState *state)
{
  state->started_in_background_at_startup = mp_background_get_started_in_background (app);
}

static char *self_exe;   /* argv[0], to start a second instance */

typedef struct
{
  gboolean done;
  char    *out;
  GError  *error;
} ChildResult;

static void
child_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  ChildResult *r = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), res, &r->out, NULL, &r->error);
  r->done = TRUE;
}

static void
opt_activate (GApplication *app, OptionState *state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) child = NULL;
  ChildResult r = { FALSE, NULL, NULL };
  gboolean timed_out = FALSE;
  guint id;

  state->n_activate++;
  /* A second `mailpeek --background` (autostart in a second session, say) is a
   * separate process that finds this instance and returns without activating it.
   * Registering as a remote asks this instance for its actions, so the main loop
   * keeps running while the child works. */
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_exe,
                            "--second-instance", g_application_get_application_id (app), NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (child, NULL, NULL, child_done_cb, &r);
  id = g_timeout_add (TIMEOUT_MS * 2, timeout_cb, &timed_out);
  while (!r.done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  g_assert_no_error (r.error);
  g_assert_true (g_subprocess_get_if_exited (child));
  state->second_status = g_subprocess_get_exit_status (child);
  g_assert_cmpstr (r.out, ==, "status=0 started=0 activated=0\n");
  g_free (r.out);
}

static guint second_started, second_activated;

static void
second_startup (GApplication *app)
{
  second_started++;
}

static void
second_activate (GApplication *app)
{
  second_activated++;
}

/* The child side of the test above. */
static int
run_second_instance (const char *app_id)
{
  g_autoptr (GApplication) second = g_application_new (app_id, G_APPLICATION_DEFAULT_FLAGS);
  char *argv[] = { (char *) "mailpeek", (char *) "--background", NULL };
  int status;

  mp_background_add_options (second);
  g_signal_connect (second, "startup", G_CALLBACK (second_startup), NULL);
  g_signal_connect (second, "activate", G_CALLBACK (second_activate), NULL);
  status = g_application_run (second, 2, argv);
  /* Only a primary instance runs startup. */
  g_print ("status=%d started=%u activated=%u\n", status, second_started, second_activated);
  return 0;
}

static void
test_background_option (void)
{
  g_autoptr (GApplication) app = g_application_new ("io.github.mailpeek.TestOption",
                                                    G_APPLICATION_DEFAULT_FLAGS);
  OptionState state = { 0, FALSE, -1 };
  char *argv[] = { (char *) "mailpeek", (char *) "--background", NULL };
  int status;

  mp_background_add_options (app);
  g_signal_connect (app, "startup", G_CALLBACK (opt_startup), &state);
  g_signal_connect (app, "activate", G_CALLBACK (opt_activate), &state);
  status = g_application_run (app, 2, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (state.started_in_background_at_startup);
  g_assert_true (mp_background_get_started_in_background (app));
  /* The second instance activated nobody: neither itself nor the primary. */
  g_assert_cmpuint (state.n_activate, ==, 1);
  g_assert_cmpint (state.second_status, ==, 0);
}

static void
test_no_option (void)
{
  g_autoptr (GApplication) app = g_application_new ("io.github.mailpeek.TestNoOption",
                                                    G_APPLICATION_NON_UNIQUE);
  char *argv[] = { (char *) "mailpeek", NULL };

  mp_background_add_options (app);
  g_signal_connect (app, "activate", G_CALLBACK (activate_nothing), NULL);
  g_assert_cmpint (g_application_run (app, 1, argv), ==, 0);
  g_assert_false (mp_background_get_started_in_background (app));
}

static void
skip_no_bus (void)
{
  g_test_skip ("needs a private session bus (run under dbus-run-session)");
}

static void
skip_in_flatpak (void)
{
  g_test_skip ("running inside a real Flatpak sandbox");
}

int
main (int argc, char **argv)
{
  const char *build_root = g_getenv ("MP_BUILD_ROOT");
  g_autoptr (GError) error = NULL;
  g_autofree char *config = NULL;
  int status;

  if (argc == 3 && g_str_equal (argv[1], "--second-instance"))
    return run_second_instance (argv[2]);
  self_exe = argv[0];
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_add_func ("/background/no-private-bus", skip_no_bus);
      return g_test_run ();
    }

  /* Our own HOME and XDG dirs, before anything caches them. */
  tmp_root = g_dir_make_tmp ("mp-background-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (tmp_root, "config", NULL);
  g_setenv ("HOME", tmp_root, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_unsetenv ("FLATPAK_ID");
  if (build_root)
    {
      g_autofree char *dir = g_build_filename (build_root, "data", NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", dir, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (mp_background_in_flatpak ())
    {
      g_test_add_func ("/background/in-a-real-flatpak", skip_in_flatpak);
      return g_test_run ();
    }

  g_test_add_func ("/background/autostart-file", test_autostart_file);
  g_test_add_func ("/background/portal-granted", test_portal_granted);
  g_test_add_func ("/background/portal-denied", test_portal_denied);
  g_test_add_func ("/background/hold", test_hold);
  g_test_add_func ("/background/option", test_background_option);
  g_test_add_func ("/background/no-option", test_no_option);
  status = g_test_run ();

  {
    /* Best-effort cleanup of the temporary tree. */
    const char *rm_argv[] = { "rm", "-rf", tmp_root, NULL };

    g_spawn_sync (NULL, (char **) rm_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                  NULL, NULL, NULL, NULL);
  }
  g_free (tmp_root);
  return status;
}
