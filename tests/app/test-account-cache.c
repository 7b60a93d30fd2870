/* test-account-cache.c — the header cache wired into the app model (src/app),
 * without GTK, against the scripted fake server: a restart shows the cached rows
 * before its check ends, the check fetches only unknown UIDLs (the fake server's
 * transcript has TOP for the new message alone) and drops rows gone from the
 * server; started offline the cached rows stay, marked offline; a corrupt cache
 * is dropped with a log line and a normal check follows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>

#include "mp-error.h"
#include "mp-header-cache.h"
#include "mp-session.h"
#include "mp-test-util.h"

#define LOGIN MP_TEST_FAKE_LOGIN
#define TIMEOUT_S 30

/* Two messages on the server, both fetched (newest first): the first run of an
 * account. */
#define SCRIPT_TWO \
  LOGIN \
  "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend .\n" \
  "expect UIDL\nsend +OK\nsend 1 uid-one\nsend 2 uid-two\nsend .\n" \
  "expect TOP 2 0\nsend +OK\nsend From: two@example.org\n" \
  "send Subject: second\nsend \nsend .\n" \
  "expect TOP 1 0\nsend +OK\nsend From: One <one@example.org>\n" \
  "send Subject: first\nsend \nsend .\n" \
  "expect QUIT\nsend +OK bye\n"

/* The next start: uid-two was deleted elsewhere, uid-three arrived.  Only
 * message 2 (uid-three) may get a TOP: uid-one is in the cache. */
#define SCRIPT_RECONCILE \
  LOGIN \
  "expect LIST\nsend +OK\nsend 1 100\nsend 2 300\nsend .\n" \
  "expect UIDL\nsend +OK\nsend 1 uid-one\nsend 2 uid-three\nsend .\n" \
  "expect TOP 2 0\nsend +OK\nsend From: three@example.org\n" \
  "send Subject: third\nsend \nsend .\n" \
  "expect QUIT\nsend +OK bye\n"

typedef struct {
  char      *home;
  MpAccount *account;     /* owned; the same id across "restarts" */
  MpSession *session;     /* owned */
  MpTestFakeServer *server;
  gboolean   finished;
  GError    *check_error; /* owned: the last check's */
  guint      rows_at_first_change;
  gboolean   finished_at_first_change;
  gboolean   as_of_at_first_change;
  char      *status_at_first_change;  /* owned */
} Fixture;

static void
on_check_finished (MpAccountState *state,
                   const GError   *error,
                   Fixture        *f)
{
  g_clear_error (&f->check_error);
  if (error)
    f->check_error = g_error_copy (error);
  f->finished = TRUE;
}

static void
on_first_items_changed (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        Fixture    *f)
{
  MpAccountState *state = mp_session_lookup (f->session, mp_account_get_id (f->account));

  g_signal_handlers_disconnect_by_func (model, on_first_items_changed, f);
  f->rows_at_first_change = mp_account_state_get_n_messages (state);
  f->finished_at_first_change = f->finished;
  f->as_of_at_first_change = mp_account_state_get_rows_as_of (state) != NULL;
  g_free (f->status_at_first_change);
  f->status_at_first_change = mp_account_state_dup_status_text (state);
}

static void
make_account (Fixture *f,
              guint16  port)
{
  if (f->account == NULL)
    f->account = mp_account_new (NULL);
  g_object_set (f->account, "host", "127.0.0.1", "port", (guint) port,
                "security", MP_POP3_SECURITY_NONE, "auth", MP_POP3_AUTH_USER,
                "allow-plaintext-password", TRUE, "username", "alice", NULL);
}

/* A session of the one account, connected to @port; its first check is due at
 * once (the scheduler emits it from an idle).  Nothing has run yet. */
static MpAccountState *
start_session (Fixture *f,
               guint16  port)
{
  g_autoptr (MpAccountStore) store = mp_account_store_new ();
  g_autoptr (MpScheduler) scheduler = mp_scheduler_new (NULL, 1, FALSE);
  MpAccountState *state;
  MpMailbox *mailbox;

  make_account (f, port);
  mp_account_store_add (store, f->account);
  f->session = mp_session_new (store, scheduler);
  f->finished = FALSE;
  f->rows_at_first_change = 0;
  f->finished_at_first_change = FALSE;
  f->as_of_at_first_change = FALSE;
  state = mp_session_lookup (f->session, mp_account_get_id (f->account));
  mailbox = mp_account_state_get_mailbox (state);
  mp_mailbox_set_password (mailbox, "secret");
  mp_mailbox_set_idle_timeout (mailbox, 0);
  g_signal_connect (state, "check-finished", G_CALLBACK (on_check_finished), f);
  g_signal_connect (mp_account_state_get_messages (state), "items-changed",
                    G_CALLBACK (on_first_items_changed), f);
  return state;
}

static gboolean
start_server (Fixture    *f,
              const char *script,
              guint16    *port)
{
  f->server = mp_test_fake_server_start (script, port);
  if (f->server == NULL)
    g_test_skip ("fake server could not start");
  return f->server != NULL;
}

/* Waits until the check ended and the cache write it started is done ("busy"
 * covers it: the application does not quit before), then checks the server's
 * transcript (the session QUIT right after the check). */
static void
finish_session (Fixture *f)
{
  MpAccountState *state = mp_session_lookup (f->session, mp_account_get_id (f->account));
  g_autoptr (GError) error = NULL;

  mp_test_run_until (&f->finished, TIMEOUT_S);
  while (mp_account_state_get_busy (state) ||
         g_list_model_get_n_items (mp_account_state_get_messages (state)) <
         mp_account_state_get_n_messages (state))
    g_main_context_iteration (NULL, TRUE);
  /* QUITs the idle session (the script ends with it). */
  mp_session_shutdown (f->session);
  if (f->server)
    {
      gboolean matched = mp_test_fake_server_finish (g_steal_pointer (&f->server), &error);

      g_assert_no_error (error);
      g_assert_true (matched);
    }
}

/* The process ends: the next session is a restart. */
static void
end_session (Fixture *f)
{
  mp_session_shutdown (f->session);
  g_clear_object (&f->session);
}

static void
fixture_free (Fixture *f)
{
  if (f->session)
    mp_session_shutdown (f->session);
  g_clear_object (&f->session);
  g_clear_pointer (&f->server, mp_test_fake_server_free);
  g_clear_object (&f->account);
  g_clear_error (&f->check_error);
  g_free (f->status_at_first_change);
  mp_test_rm_rf (f->home);
  g_free (f->home);
}

/* The rows in the list. */
static GPtrArray *
list_uidls (MpAccountState *state)
{
  GListModel *messages = mp_account_state_get_messages (state);
  GPtrArray *uidls = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr (MpMessageSummary) s = g_list_model_get_item (messages, i);
      g_ptr_array_add (uidls, g_strdup (mp_message_summary_get_uidl (s)));
    }
  return uidls;
}

static void
assert_uidls (GPtrArray  *uidls,
              const char *joined)
{
  g_ptr_array_add (uidls, NULL);
  g_autofree char *got = g_strjoinv (" ", (char **) uidls->pdata);
  g_assert_cmpstr (got, ==, joined);
}

/* A port nothing listens on: connecting is refused. */
static guint16
closed_port (void)
{
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GPtrArray *
summaries (const char * const *uidls)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; uidls[i]; i++)
    {
      g_autofree char *headers = g_strdup_printf ("From: a@example.org\r\nSubject: %s\r\n\r\n",
                                                  uidls[i]);
      g_ptr_array_add (rows, mp_message_summary_new_from_headers (headers, strlen (headers),
                                                                  uidls[i], 100));
    }
  return rows;
}

/* The cache file of the fixture's account holds @uidls, as of @as_of. */
static void
write_cache (Fixture            *f,
             const char * const *uidls,
             GDateTime          *as_of)
{
  g_autoptr (MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr (GPtrArray) rows = summaries (uidls);

  g_assert_true (mp_header_cache_save_sync (cache, mp_account_get_id (f->account), rows, as_of,
                                            NULL, NULL));
}

/* What the cache file of the fixture's account holds. */
static GPtrArray *
read_cache (Fixture *f)
{
  g_autoptr (MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr (GDateTime) as_of = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *rows = mp_header_cache_load_sync (cache, mp_account_get_id (f->account), &as_of,
                                               NULL, &error);

  g_assert_no_error (error);
  return rows;
}

/* Restart: the second session shows the first one's rows before its check
 * ends (marked "as of"), then the check reconciles them with the server. */
static void
test_restart_reconcile (void)
{
  Fixture f = { 0 };
  MpAccountState *state;
  g_autoptr (GPtrArray) uidls = NULL;
  g_autofree char *status = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  guint16 port = 0;

  f.home = mp_test_make_tmp_home ();
  if (!start_server (&f, SCRIPT_TWO, &port))
    return fixture_free (&f);
  state = start_session (&f, port);
  g_assert_null (mp_account_state_get_rows_as_of (state));   /* nothing cached yet */
  finish_session (&f);
  g_assert_no_error (f.check_error);
  end_session (&f);

  if (!start_server (&f, SCRIPT_RECONCILE, &port))
    return fixture_free (&f);
  state = start_session (&f, port);
  /* The first rows in the list are the cached ones, before the check ended. */
  while (f.rows_at_first_change == 0 && !f.finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (f.finished_at_first_change);
  g_assert_cmpuint (f.rows_at_first_change, ==, 2);
  g_assert_true (f.as_of_at_first_change);
  /* The status line marks them: "As of 14:05 — 2 messages". */
  status = g_ascii_strdown (f.status_at_first_change, -1);
  g_test_message ("status: %s", f.status_at_first_change);
  g_assert_nonnull (strstr (status, "as of"));

  finish_session (&f);
  g_assert_no_error (f.check_error);
  uidls = list_uidls (state);
  assert_uidls (uidls, "uid-one uid-three");
  /* The rows are live now; the cache holds them for the next start. */
  g_assert_null (mp_account_state_get_rows_as_of (state));
  g_assert_nonnull (mp_account_state_get_last_check (state));
  rows = read_cache (&f);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (mp_message_summary_get_uidl (rows->pdata[1]), ==, "uid-three");
  g_assert_cmpstr (mp_message_summary_get_subject (rows->pdata[1]), ==, "third");
  fixture_free (&f);
}

/* Started offline (connection refused): the cached rows stay, the state is
 * OFFLINE (not ERROR) and the status line says when they were last checked. */
static void
test_offline_start (void)
{
  Fixture f = { 0 };
  MpAccountState *state;
  g_autoptr (GPtrArray) uidls = NULL;
  g_autoptr (GDateTime) as_of = g_date_time_new_utc (2026, 3, 14, 9, 26, 0);
  g_autofree char *status = NULL;
  g_autofree char *when = NULL;
  static const char *cached[] = { "uid-a", "uid-b", "uid-c", NULL };

  f.home = mp_test_make_tmp_home ();
  make_account (&f, closed_port ());
  write_cache (&f, cached, as_of);

  state = start_session (&f, mp_account_get_port (f.account));
  mp_test_run_until (&f.finished, TIMEOUT_S);
  g_assert_error (f.check_error, MP_ERROR, MP_ERROR_NETWORK);
  g_assert_cmpint (mp_account_state_get_state (state), ==, MP_MAILBOX_STATE_OFFLINE);
  /* Offline is not an error to act on: no banner, the rows stay. */
  g_assert_null (mp_account_state_get_error (state));
  while (g_list_model_get_n_items (mp_account_state_get_messages (state)) < 3)
    g_main_context_iteration (NULL, TRUE);
  uidls = list_uidls (state);
  assert_uidls (uidls, "uid-a uid-b uid-c");
  g_assert_nonnull (mp_account_state_get_rows_as_of (state));
  g_assert_cmpint (g_date_time_compare (mp_account_state_get_rows_as_of (state), as_of), ==, 0);

  status = mp_account_state_dup_status_text (state);
  g_test_message ("status: %s", status);
  g_assert_true (g_str_has_prefix (status, "Offline"));
  {
    g_autoptr (GDateTime) local = g_date_time_to_local (as_of);
    when = g_date_time_format (local, "%H:%M");
  }
  g_assert_nonnull (strstr (status, when));
  fixture_free (&f);
}

/* With no rows known at all, a refused connection is the plain error it was. */
static void
test_no_cache_refused_is_error (void)
{
  Fixture f = { 0 };
  MpAccountState *state;

  f.home = mp_test_make_tmp_home ();
  state = start_session (&f, closed_port ());
  mp_test_run_until (&f.finished, TIMEOUT_S);
  g_assert_error (f.check_error, MP_ERROR, MP_ERROR_NETWORK);
  g_assert_cmpint (mp_account_state_get_state (state), ==, MP_MAILBOX_STATE_ERROR);
  g_assert_nonnull (mp_account_state_get_error (state));
  fixture_free (&f);
}

/* A corrupt cache file: dropped with a log line naming it, no row from it, then
 * a normal check fetches every message (and writes a good cache). */
static void
test_corrupt_cache (void)
{
  Fixture f = { 0 };
  MpAccountState *state;
  g_autoptr (MpHeaderCache) cache = NULL;
  g_autoptr (GPtrArray) uidls = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pattern = NULL;
  guint16 port = 0;

  f.home = mp_test_make_tmp_home ();
  if (!start_server (&f, SCRIPT_TWO, &port))
    return fixture_free (&f);
  make_account (&f, port);
  cache = mp_header_cache_new (NULL);
  path = mp_header_cache_dup_path (cache, mp_account_get_id (f.account));
  dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* The right magic, then garbage: a torn or damaged file. */
  g_assert_true (g_file_set_contents (path, "MPHCACHE\x01\0\0\0\xff\xff\xff\x7fgarbage", 24, NULL));

  pattern = g_strdup_printf ("*%s*", path);
  g_test_expect_message ("mp-core", G_LOG_LEVEL_MESSAGE, pattern);
  state = start_session (&f, port);
  mp_test_run_until (&f.finished, TIMEOUT_S);
  g_test_assert_expected_messages ();
  g_assert_no_error (f.check_error);
  g_assert_false (f.as_of_at_first_change);   /* the first rows came from the server */
  finish_session (&f);
  uidls = list_uidls (state);
  assert_uidls (uidls, "uid-one uid-two");
  rows = read_cache (&f);
  g_assert_cmpuint (rows->len, ==, 2);
  fixture_free (&f);
}

/* Removing the account deletes its cached rows (they are private, and a new
 * account never gets an old one's rows). */
static void
test_removed_account (void)
{
  Fixture f = { 0 };
  g_autoptr (MpHeaderCache) cache = NULL;
  g_autofree char *path = NULL;
  static const char *cached[] = { "uid-a", NULL };

  f.home = mp_test_make_tmp_home ();
  make_account (&f, closed_port ());
  write_cache (&f, cached, NULL);
  cache = mp_header_cache_new (NULL);
  path = mp_header_cache_dup_path (cache, mp_account_get_id (f.account));

  start_session (&f, mp_account_get_port (f.account));
  mp_test_run_until (&f.finished, TIMEOUT_S);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (mp_account_store_remove (mp_session_get_store (f.session),
                                          mp_account_get_id (f.account)));
  g_assert_null (mp_session_lookup (f.session, mp_account_get_id (f.account)));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  fixture_free (&f);
}

/* The cache's copy of the rows is taken in slices (mp-account-rows.c); rows
 * leave the list (a deletion waiting for its undo period) and come back (undo)
 * while it is taken, before and after the part already copied.  Rows waiting
 * out an undo are kept too, so the file must hold every row once, in server
 * order: a slice copied before a change above it would show up twice or not at
 * all. */
static void
test_save_while_rows_change (void)
{
  enum { N = 30000 };
  Fixture f = { 0 };
  MpAccountState *state;
  g_autoptr (GPtrArray) uidls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) script = g_string_new (LOGIN "expect LIST\nsend +OK\n");
  g_autoptr (GDateTime) as_of = g_date_time_new_now_local ();
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) rows = NULL;
  guint16 port = 0;
  guint steps = 0;

  f.home = mp_test_make_tmp_home ();
  for (guint i = 1; i <= N; i++)
    {
      g_ptr_array_add (uidls, g_strdup_printf ("u%05u", i));
      g_string_append_printf (script, "send %u 100\n", i);
    }
  g_ptr_array_add (uidls, NULL);
  make_account (&f, 1);
  write_cache (&f, (const char * const *) uidls->pdata, as_of);
  g_string_append (script, "send .\nexpect UIDL\nsend +OK\n");
  for (guint i = 1; i <= N; i++)
    g_string_append_printf (script, "send %u u%05u\n", i, i);
  /* All known from the cache: no TOP. */
  g_string_append (script, "send .\nexpect QUIT\nsend +OK bye\n");
  if (!start_server (&f, script->str, &port))
    return fixture_free (&f);
  state = start_session (&f, port);
  mp_test_run_until (&f.finished, TIMEOUT_S);
  g_assert_no_error (f.check_error);
  /* The check's end started the write, with the copy of the rows. */
  g_assert_true (mp_account_state_get_busy (state));
  while (mp_account_state_get_busy (state))
    {
      GListModel *messages = mp_account_state_get_messages (state);
      guint n = g_list_model_get_n_items (messages);

      if (steps % 2 == 0 && n > 0)
        {
          g_autoptr (GPtrArray) take = g_ptr_array_new_with_free_func (g_object_unref);
          guint id;

          g_ptr_array_add (take, g_list_model_get_item (messages, (steps * 2477) % n));
          id = mp_account_state_delete_later (state, take);
          g_array_append_val (ids, id);
        }
      else if (steps % 4 == 1 && ids->len > 0)
        {
          mp_account_state_undo_delete (state, g_array_index (ids, guint, ids->len - 1));
          g_array_set_size (ids, ids->len - 1);
        }
      g_main_context_iteration (NULL, TRUE);
      steps++;
    }
  g_test_message ("%u main-loop iterations while the cache was written; %u deletions pending",
                  steps, ids->len);
  /* At least one slice per SNAPSHOT_SLICE (8,192) rows. */
  g_assert_cmpuint (steps, >=, 4);
  g_assert_cmpuint (ids->len, >, 0);
  finish_session (&f);

  rows = read_cache (&f);
  g_assert_cmpuint (rows->len, ==, N);
  for (guint i = 0; i < N; i++)
    g_assert_cmpstr (mp_message_summary_get_uidl (rows->pdata[i]), ==, uidls->pdata[i]);
  fixture_free (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/account-cache/restart-reconcile", test_restart_reconcile);
  g_test_add_func ("/account-cache/offline-start", test_offline_start);
  g_test_add_func ("/account-cache/no-cache-refused-is-error", test_no_cache_refused_is_error);
  g_test_add_func ("/account-cache/corrupt", test_corrupt_cache);
  g_test_add_func ("/account-cache/removed-account", test_removed_account);
  g_test_add_func ("/account-cache/save-while-rows-change", test_save_while_rows_change);
  return g_test_run ();
}
