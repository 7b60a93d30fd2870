/* test-notifier.c — MpNotifier against a test org.freedesktop.Notifications server.
 *
 * Run under `dbus-run-session`. libnotify calls Notify synchronously, so the test
 * server runs in its own thread with its own main context and bus connection (as a
 * separate notification daemon would) and records every call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <gio/gio.h>

#include "mp-notifier.h"

#define SERVER_NAME "org.freedesktop.Notifications"
#define SERVER_PATH "/org/freedesktop/Notifications"
#define TIMEOUT_MS  5000

static const char server_xml[] =
  "<node>"
  " <interface name='org.freedesktop.Notifications'>"
  "  <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "  <method name='Notify'>"
  "   <arg name='app_name' type='s' direction='in'/>"
  "   <arg name='replaces_id' type='u' direction='in'/>"
  "   <arg name='app_icon' type='s' direction='in'/>"
  "   <arg name='summary' type='s' direction='in'/>"
  "   <arg name='body' type='s' direction='in'/>"
  "   <arg name='actions' type='as' direction='in'/>"
  "   <arg name='hints' type='a{sv}' direction='in'/>"
  "   <arg name='expire_timeout' type='i' direction='in'/>"
  "   <arg name='id' type='u' direction='out'/>"
  "  </method>"
  "  <method name='CloseNotification'><arg name='id' type='u' direction='in'/></method>"
  "  <method name='GetServerInformation'>"
  "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "  </method>"
  "  <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  " </interface>"
  "</node>";

typedef struct
{
  guint32  id;
  guint32  replaces_id;
  char    *app_name;
  char    *summary;
  char    *body;
  char   **actions;
  char    *desktop_entry;
  char    *category;
} Note;

static void
note_free (gpointer p)
{
  Note *n = p;

  g_free (n->app_name);
  g_free (n->summary);
  g_free (n->body);
  g_strfreev (n->actions);
  g_free (n->desktop_entry);
  g_free (n->category);
  g_free (n);
}

typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GDBusConnection *conn;
  gboolean         markup;      /* advertise body-markup */

  GMutex           lock;
  GCond            cond;
  gboolean         ready;
  GPtrArray       *notes;       /* Note *, under lock */
  GArray          *closed;      /* guint32 ids, under lock */
  guint32          next_id;
} TestServer;

static void
server_method_call (GDBusConnection *conn, const char *sender, const char *path,
                    const char *iface, const char *method, GVariant *params,
                    GDBusMethodInvocation *invocation, gpointer data)
{
  TestServer *s = data;

  if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", s->markup ? "body-markup" : NULL, NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method, "GetServerInformation"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "test", "mailpeek", "1", "1.2"));
    }
  else if (g_str_equal (method, "Notify"))
    {
      Note *n = g_new0 (Note, 1);
      g_autoptr (GVariant) hints = NULL;
      guint32 id;

      g_variant_get (params, "(su&sss^as@a{sv}i)", &n->app_name, &n->replaces_id, NULL,
                     &n->summary, &n->body, &n->actions, &hints, NULL);
      g_variant_lookup (hints, "desktop-entry", "s", &n->desktop_entry);
      g_variant_lookup (hints, "category", "s", &n->category);
      g_mutex_lock (&s->lock);
      id = n->replaces_id ? n->replaces_id : ++s->next_id;
      n->id = id;
      g_ptr_array_add (s->notes, n);
      g_cond_broadcast (&s->cond);
      g_mutex_unlock (&s->lock);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", id));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (params, "(u)", &id);
      g_mutex_lock (&s->lock);
      g_array_append_val (s->closed, id);
      g_mutex_unlock (&s->lock);
      g_dbus_connection_emit_signal (conn, sender, SERVER_PATH, SERVER_NAME,
                                     "NotificationClosed", g_variant_new ("(uu)", id, 3), NULL);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

static const GDBusInterfaceVTable server_vtable = { .method_call = server_method_call };

static void
server_acquired_cb (GDBusConnection *conn, const char *name, gpointer data)
{
  TestServer *s = data;

  g_mutex_lock (&s->lock);
  s->ready = TRUE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

static gpointer
server_thread (gpointer data)
{
  TestServer *s = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (server_xml, &error);
  g_autofree char *address = NULL;
  guint reg_id, owner_id;

  g_main_context_push_thread_default (s->context);
  g_assert_no_error (error);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  s->conn = g_dbus_connection_new_for_address_sync (address,
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
  g_assert_no_error (error);
  reg_id = g_dbus_connection_register_object (s->conn, SERVER_PATH, info->interfaces[0],
                                              &server_vtable, s, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (s->conn, SERVER_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                           server_acquired_cb, NULL, s, NULL);
  g_main_loop_run (s->loop);
  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (s->conn, reg_id);
  g_dbus_connection_close_sync (s->conn, NULL, NULL);
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static TestServer *
test_server_start (gboolean markup)
{
  TestServer *s = g_new0 (TestServer, 1);

  s->markup = markup;
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->notes = g_ptr_array_new_with_free_func (note_free);
  s->closed = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  s->thread = g_thread_new ("notification-server", server_thread, s);

  g_mutex_lock (&s->lock);
  {
    gint64 end = g_get_monotonic_time () + TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

    while (!s->ready)
      if (!g_cond_wait_until (&s->cond, &s->lock, end))
        break;
  }
  g_assert_true (s->ready);
  g_mutex_unlock (&s->lock);
  return s;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_server_stop (TestServer *s)
{
  g_main_context_invoke (s->context, quit_loop_cb, s->loop);
  g_thread_join (s->thread);
  g_object_unref (s->conn);
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->context);
  g_ptr_array_unref (s->notes);
  g_array_unref (s->closed);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_free (s);
}

static guint
n_notes (TestServer *s)
{
  guint n;

  g_mutex_lock (&s->lock);
  n = s->notes->len;
  g_mutex_unlock (&s->lock);
  return n;
}

/* Notify is synchronous in libnotify, so a note is recorded before
 * mp_notifier_*() returns; no waiting is needed to read it. */
static const Note *
note (TestServer *s, guint i)
{
  const Note *n;

  g_mutex_lock (&s->lock);
  g_assert_cmpuint (i, <, s->notes->len);
  n = g_ptr_array_index (s->notes, i);
  g_mutex_unlock (&s->lock);
  return n;
}

static void
server_invoke_action (TestServer *s, guint32 id, const char *action)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (s->conn, NULL, SERVER_PATH, SERVER_NAME, "ActionInvoked",
                                 g_variant_new ("(us)", id, action), &error);
  g_assert_no_error (error);
}

/* The server closes a bubble on its own (1: expired, 2: dismissed by the user). */
static void
server_close (TestServer *s, guint32 id, guint32 reason)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (s->conn, NULL, SERVER_PATH, SERVER_NAME, "NotificationClosed",
                                 g_variant_new ("(uu)", id, reason), &error);
  g_assert_no_error (error);
}

static guint
n_closed (TestServer *s)
{
  guint n;

  g_mutex_lock (&s->lock);
  n = s->closed->len;
  g_mutex_unlock (&s->lock);
  return n;
}

/* ---- fixture ---- */

typedef struct
{
  TestServer *server;
  GSettings  *settings;
  MpNotifier *notifier;
  GPtrArray  *opened;     /* account ids from "open" */
  GPtrArray  *marked;     /* account ids from "mark-seen" */
} Fixture;

static void
on_open (MpNotifier *n, const char *id, Fixture *f)
{
  g_ptr_array_add (f->opened, g_strdup (id));
}

static void
on_mark_seen (MpNotifier *n, const char *id, Fixture *f)
{
  g_ptr_array_add (f->marked, g_strdup (id));
}

/* One server for the whole run, started after /notifier/no-server: libnotify keeps
 * one proxy for the process, and a server replaced between tests would leave it
 * pointing at a dead unique name until the main loop ran. */
static TestServer *the_server;

static void
fixture_set_up (Fixture *f, gconstpointer markup)
{
  if (the_server == NULL)
    the_server = test_server_start (FALSE);
  f->server = the_server;
  g_mutex_lock (&f->server->lock);
  f->server->markup = GPOINTER_TO_INT (markup);
  g_ptr_array_set_size (f->server->notes, 0);
  g_array_set_size (f->server->closed, 0);
  g_mutex_unlock (&f->server->lock);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_boolean (f->settings, "notifications-enabled", TRUE);
  f->notifier = mp_notifier_new (f->settings);
  f->opened = g_ptr_array_new_with_free_func (g_free);
  f->marked = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->notifier, "open", G_CALLBACK (on_open), f);
  g_signal_connect (f->notifier, "mark-seen", G_CALLBACK (on_mark_seen), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->notifier);
  g_clear_object (&f->settings);
  g_ptr_array_unref (f->opened);
  g_ptr_array_unref (f->marked);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_len (GPtrArray *array, guint len)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);

  while (array->len < len && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return array->len >= len;
}

static const MpNotifierMessage five[] = {
  { "Ann Smith", "Lunch on Friday?" },
  { "bob@example.org", "Invoice 2026-11" },
  { "Zoë", "Grüße aus Köln" },
  { "Dan", "Fourth message" },
  { "Eve", "Fifth message" },
};

static gboolean
strv_has (char **strv, const char *s)
{
  return strv && g_strv_contains ((const char * const *) strv, s);
}

/* ---- tests ---- */

static void
test_new_mail (Fixture *f, gconstpointer data)
{
  const Note *n;
  g_auto (GStrv) lines = NULL;

  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 5, five, 5));
  g_assert_cmpuint (n_notes (f->server), ==, 1);
  n = note (f->server, 0);
  g_assert_cmpstr (n->summary, ==, "5 new messages on Work");
  g_assert_cmpstr (n->app_name, ==, "Mailpeek");
  g_assert_cmpstr (n->desktop_entry, ==, APP_ID);
  g_assert_cmpstr (n->category, ==, "email.arrived");

  /* Up to three "Sender — Subject" lines, then how many more. */
  lines = g_strsplit (n->body, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, "Ann Smith — Lunch on Friday?");
  g_assert_cmpstr (lines[1], ==, "bob@example.org — Invoice 2026-11");
  g_assert_cmpstr (lines[2], ==, "Zoë — Grüße aus Köln");
  g_assert_cmpstr (lines[3], ==, "and 2 more");
  g_assert_null (strstr (n->body, "Fourth"));

  /* Actions: key/label pairs. */
  g_assert_true (strv_has (n->actions, "open"));
  g_assert_true (strv_has (n->actions, "Open"));
  g_assert_true (strv_has (n->actions, "mark-seen"));
  g_assert_true (strv_has (n->actions, "Mark as Seen"));
}

static void
test_fewer_lines (Fixture *f, gconstpointer data)
{
  /* The "notification-senders" setting: one line, then how many more; 0: none. */
  g_settings_set_uint (f->settings, "notification-senders", 1);
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 5, five, 5));
  g_assert_cmpstr (note (f->server, 0)->body, ==, "Ann Smith — Lunch on Friday?\nand 4 more");

  g_settings_set_uint (f->settings, "notification-senders", 0);
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 5, five, 5));
  g_assert_cmpstr (note (f->server, 1)->summary, ==, "5 new messages on Work");
  g_assert_cmpstr (note (f->server, 1)->body, ==, "");
  g_settings_reset (f->settings, "notification-senders");
}

static void
test_singular_and_replace (Fixture *f, gconstpointer data)
{
  g_assert_true (mp_notifier_new_mail (f->notifier, "home", "Home", TRUE, 1, five, 1));
  g_assert_cmpuint (n_notes (f->server), ==, 1);
  g_assert_cmpstr (note (f->server, 0)->summary, ==, "1 new message on Home");
  g_assert_cmpstr (note (f->server, 0)->body, ==, "Ann Smith — Lunch on Friday?");
  g_assert_cmpuint (note (f->server, 0)->replaces_id, ==, 0);

  /* The next check replaces the bubble of the same account ... */
  g_assert_true (mp_notifier_new_mail (f->notifier, "home", "Home", TRUE, 2, five + 1, 2));
  g_assert_cmpuint (n_notes (f->server), ==, 2);
  g_assert_cmpuint (note (f->server, 1)->replaces_id, ==, note (f->server, 0)->id);
  g_assert_cmpstr (note (f->server, 1)->summary, ==, "2 new messages on Home");

  /* ... but another account gets its own. */
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 1, five, 1));
  g_assert_cmpuint (note (f->server, 2)->replaces_id, ==, 0);

  /* Nothing new: nothing shown. */
  g_assert_false (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 0, NULL, 0));
  g_assert_cmpuint (n_notes (f->server), ==, 3);
}

static void
test_actions (Fixture *f, gconstpointer data)
{
  guint32 id;

  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 2, five, 2));
  id = note (f->server, 0)->id;

  server_invoke_action (f->server, id, "mark-seen");
  g_assert_true (wait_len (f->marked, 1));
  g_assert_cmpstr (g_ptr_array_index (f->marked, 0), ==, "work");
  g_assert_cmpuint (f->opened->len, ==, 0);

  /* libnotify forgets the actions once one ran; a new check brings them back. */
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 3, five, 3));
  id = note (f->server, 1)->id;
  server_invoke_action (f->server, id, "open");
  g_assert_true (wait_len (f->opened, 1));
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==, "work");
}

/* The notifier knows what its bubble shows while it is on screen (the desktop
 * shrinks it when mail is seen); a bubble the server closed is forgotten, so an
 * update can never bring back what the user dismissed. */
static void
test_count_and_closed (Fixture *f, gconstpointer data)
{
  gboolean timed_out = FALSE;
  guint timer;

  g_assert_cmpuint (mp_notifier_get_new_mail_count (f->notifier, "work"), ==, 0);
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 2, five, 2));
  g_assert_cmpuint (mp_notifier_get_new_mail_count (f->notifier, "work"), ==, 2);
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 1, five, 1));
  g_assert_cmpuint (mp_notifier_get_new_mail_count (f->notifier, "work"), ==, 1);
  g_assert_cmpuint (mp_notifier_get_new_mail_count (f->notifier, "home"), ==, 0);

  server_close (f->server, note (f->server, 1)->id, 2);
  timer = g_timeout_add (TIMEOUT_MS, timeout_cb, &timed_out);
  while (mp_notifier_get_new_mail_count (f->notifier, "work") != 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timer);

  /* New mail later: a new bubble, not the dismissed one's id. */
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 3, five, 3));
  g_assert_cmpuint (note (f->server, 2)->replaces_id, ==, 0);
}

/* Quitting withdraws every new-mail bubble: their buttons would reach nobody. */
static void
test_withdraw_all (Fixture *f, gconstpointer data)
{
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 2, five, 2));
  g_assert_true (mp_notifier_new_mail (f->notifier, "home", "Home", TRUE, 1, five, 1));
  mp_notifier_withdraw_all (f->notifier);
  g_assert_cmpuint (n_closed (f->server), ==, 2);
  g_assert_cmpuint (mp_notifier_get_new_mail_count (f->notifier, "work"), ==, 0);
  g_assert_cmpuint (mp_notifier_get_new_mail_count (f->notifier, "home"), ==, 0);
}

static void
test_respects_settings (Fixture *f, gconstpointer data)
{
  /* The account's own flag. */
  g_assert_false (mp_notifier_new_mail (f->notifier, "work", "Work", FALSE, 2, five, 2));
  g_assert_cmpuint (n_notes (f->server), ==, 0);

  /* The global switch. */
  g_settings_set_boolean (f->settings, "notifications-enabled", FALSE);
  g_assert_false (mp_notifier_get_enabled (f->notifier));
  g_assert_false (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 2, five, 2));
  g_assert_false (mp_notifier_account_failed (f->notifier, "work", "Work", "Connection refused"));
  g_assert_cmpuint (n_notes (f->server), ==, 0);

  g_settings_set_boolean (f->settings, "notifications-enabled", TRUE);
  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 2, five, 2));
  g_assert_cmpuint (n_notes (f->server), ==, 1);

  /* A quiet account gets no failure bubble either. */
  mp_notifier_set_account_notify (f->notifier, "home", FALSE);
  g_assert_false (mp_notifier_account_failed (f->notifier, "home", "Home", "Timed out"));
  g_assert_cmpuint (n_notes (f->server), ==, 1);
}

static void
test_failure_once_per_streak (Fixture *f, gconstpointer data)
{
  g_assert_true (mp_notifier_account_failed (f->notifier, "work", "Work", "Connection refused"));
  g_assert_cmpuint (n_notes (f->server), ==, 1);
  g_assert_cmpstr (note (f->server, 0)->summary, ==, "Could not check Work");
  g_assert_cmpstr (note (f->server, 0)->body, ==, "Connection refused");

  /* The same streak: quiet, whatever the message. */
  g_assert_false (mp_notifier_account_failed (f->notifier, "work", "Work", "Connection refused"));
  g_assert_false (mp_notifier_account_failed (f->notifier, "work", "Work", "Timed out"));
  g_assert_cmpuint (n_notes (f->server), ==, 1);

  /* Another account has its own streak. */
  g_assert_true (mp_notifier_account_failed (f->notifier, "home", "Home", "Timed out"));
  g_assert_cmpuint (n_notes (f->server), ==, 2);

  /* A success ends the streak and closes the stale bubble; the next failure is new. */
  mp_notifier_account_ok (f->notifier, "work");
  {
    guint32 first_id = note (f->server, 0)->id;

    g_mutex_lock (&f->server->lock);
    g_assert_cmpuint (f->server->closed->len, ==, 1);
    g_assert_cmpuint (g_array_index (f->server->closed, guint32, 0), ==, first_id);
    g_mutex_unlock (&f->server->lock);
  }
  g_assert_true (mp_notifier_account_failed (f->notifier, "work", "Work", "Authentication failed"));
  g_assert_cmpuint (n_notes (f->server), ==, 3);
  g_assert_cmpstr (note (f->server, 2)->body, ==, "Authentication failed");

  /* "ok" without a streak closes nothing. */
  mp_notifier_account_ok (f->notifier, "nobody");
  g_mutex_lock (&f->server->lock);
  g_assert_cmpuint (f->server->closed->len, ==, 1);
  g_mutex_unlock (&f->server->lock);
}

static void
test_markup_escaped (Fixture *f, gconstpointer data)
{
  const MpNotifierMessage evil[] = { { "<i>Mallory</i>", "Win & <b>prizes</b>" } };

  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 1, evil, 1));
  g_assert_cmpstr (note (f->server, 0)->body, ==,
                   "&lt;i&gt;Mallory&lt;/i&gt; — Win &amp; &lt;b&gt;prizes&lt;/b&gt;");
}

static void
test_plain_server_not_escaped (Fixture *f, gconstpointer data)
{
  const MpNotifierMessage msg[] = { { "A & B", "x < y" } };

  g_assert_true (mp_notifier_new_mail (f->notifier, "work", "Work", TRUE, 1, msg, 1));
  g_assert_cmpstr (note (f->server, 0)->body, ==, "A & B — x < y");
}

/* libnotify warns when it cannot reach a daemon; that is the point of this test. */
static gboolean
ignore_libnotify_warning (const char *log_domain, GLogLevelFlags level,
                          const char *message, gpointer data)
{
  if (g_strcmp0 (log_domain, "libnotify") == 0 && (level & G_LOG_LEVEL_WARNING))
    {
      (*(guint *) data)++;
      return FALSE;
    }
  return TRUE;
}

static void
test_no_server (void)
{
  guint n_warnings = 0;
  g_autoptr (MpNotifier) notifier = NULL;

  g_test_log_set_fatal_handler (ignore_libnotify_warning, &n_warnings);
  notifier = mp_notifier_new (NULL);

  /* No daemon on the bus: nothing shown, nothing crashes. */
  g_assert_false (mp_notifier_new_mail (notifier, "work", "Work", TRUE, 1, five, 1));
  g_assert_false (mp_notifier_account_failed (notifier, "work", "Work", "x"));
  mp_notifier_account_ok (notifier, "work");
  g_test_log_set_fatal_handler (NULL, NULL);
}

static void
skip_no_bus (void)
{
  g_test_skip ("needs a private session bus (run under dbus-run-session)");
}

int
main (int argc, char **argv)
{
  const char *build_root = g_getenv ("MP_BUILD_ROOT");

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      /* Never talk to the user's real notification daemon. */
      g_test_add_func ("/notifier/no-private-bus", skip_no_bus);
      return g_test_run ();
    }
  /* The schema compiled in the build tree, with the memory backend (test_env). */
  if (build_root)
    {
      g_autofree char *dir = g_build_filename (build_root, "data", NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", dir, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  /* First, while no server has ever owned the name. */
  g_test_add_func ("/notifier/no-server", test_no_server);
#define ADD(path, func, markup) \
  g_test_add ("/notifier/" path, Fixture, GINT_TO_POINTER (markup), fixture_set_up, func, fixture_tear_down)
  ADD ("new-mail", test_new_mail, FALSE);
  ADD ("singular-and-replace", test_singular_and_replace, FALSE);
  ADD ("fewer-lines", test_fewer_lines, FALSE);
  ADD ("actions", test_actions, FALSE);
  ADD ("respects-settings", test_respects_settings, FALSE);
  ADD ("count-and-closed", test_count_and_closed, FALSE);
  ADD ("withdraw-all", test_withdraw_all, FALSE);
  ADD ("failure-once-per-streak", test_failure_once_per_streak, FALSE);
  ADD ("markup-escaped", test_markup_escaped, TRUE);
  ADD ("plain-server-not-escaped", test_plain_server_not_escaped, FALSE);
#undef ADD
  {
    int status = g_test_run ();

    if (the_server)
      test_server_stop (the_server);
    return status;
  }
}
