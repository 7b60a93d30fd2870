/* test-scheduler-system.c — MpScheduler's real triggers: GNetworkMonitor
 * "network-changed" and logind PrepareForSleep(false), the latter on a private bus
 * standing in for the system bus (run under with-keyring.sh, which gives a private
 * session bus). */
#include <gio/gio.h>

#include "mp-scheduler.h"

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

typedef struct {
  GPtrArray *due;
} Fixture;

static void
on_check_due (MpScheduler *s, const char *id, Fixture *f)
{
  g_ptr_array_add (f->due, g_strdup (id));
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_for (Fixture *f, guint n)
{
  for (guint i = 0; i < 100 && f->due->len < n; i++)
    spin (20);
}

static void
test_network_available (void)
{
  Fixture f = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(MpScheduler) s = mp_scheduler_new (NULL, 7, TRUE);
  GNetworkMonitor *monitor = g_network_monitor_get_default ();

  g_signal_connect (s, "check-due", G_CALLBACK (on_check_due), &f);
  mp_scheduler_add_account (s, "a", 60, HOUR_US);
  mp_scheduler_add_account (s, "b", 60, HOUR_US);
  spin (50);
  g_assert_cmpuint (f.due->len, ==, 0);

  /* what the monitor emits when the network goes away and comes back */
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  spin (50);
  g_assert_cmpuint (f.due->len, ==, 0);
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  wait_for (&f, 2);
  g_assert_cmpuint (f.due->len, ==, 2);
  g_ptr_array_unref (f.due);
}

static void
test_resume_from_logind (void)
{
  Fixture f = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(MpScheduler) s = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("needs a private session bus (run under tests/core/with-keyring.sh)");
      return;
    }
  /* Our private bus plays the system bus; we play logind on it. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.login1", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);

  s = mp_scheduler_new (NULL, 7, TRUE);
  g_signal_connect (s, "check-due", G_CALLBACK (on_check_due), &f);
  mp_scheduler_add_account (s, "a", 60, HOUR_US);
  spin (200);   /* the scheduler subscribes asynchronously */

  /* going to sleep: nothing */
  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", TRUE), &error);
  g_assert_no_error (error);
  spin (100);
  g_assert_cmpuint (f.due->len, ==, 0);

  /* resumed: check now */
  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", FALSE), &error);
  g_assert_no_error (error);
  wait_for (&f, 1);
  g_assert_cmpuint (f.due->len, ==, 1);
  g_assert_cmpstr (f.due->pdata[0], ==, "a");
  g_ptr_array_unref (f.due);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/scheduler-system/network-available", test_network_available);
  g_test_add_func ("/core/scheduler-system/resume", test_resume_from_logind);
  return g_test_run ();
}
