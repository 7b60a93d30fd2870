/* mp_pop3_session_scan_and_top_sync() against tests/harness/fake-pop3.py: the
 * TOPs go out as soon as LIST's reply is complete, before UIDL's reply is
 * read (the fake server does not answer UIDL until it has them: a client that
 * waited would time out here), and every way the listing can go wrong ends
 * cleanly: refused, broken before or after the TOPs went out, cut at a bound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-pop3-session.h"
#include "mp-test-util.h"

#define LOGGED_IN \
  "send +OK ready\n" \
  "expect CAPA\n" \
  "send +OK\nsend USER\nsend PIPELINING\nsend TOP\nsend UIDL\nsend .\n" \
  "expect USER alice\n" \
  "send +OK\n" \
  "expect PASS secret\n" \
  "send +OK logged in\n" \
  "expect CAPA\n" \
  "send +OK\nsend PIPELINING\nsend TOP\nsend UIDL\nsend .\n" \
  "expect LIST\n" \
  "expect UIDL\n"

#define LIST_3 "send +OK 3 messages\nsend 1 100\nsend 2 200\nsend 3 300\nsend .\n"
#define UIDL_3 "send +OK\nsend 1 uid-one\nsend 2 uid-two\nsend 3 uid-three\nsend .\n"
#define TOP_REPLY(subject) "send +OK\nsend Subject: " subject "\nsend \nsend .\n"

/* Appends "number uidl size body;" (body "-" for a refused TOP) to @user_data. */
static void
seen_entry (const MpPop3Entry *entry, GBytes *body, gpointer user_data)
{
  GString *seen = user_data;

  g_string_append_printf (seen, "%u %s %" G_GUINT64_FORMAT " ", entry->number,
                          entry->uidl != NULL ? entry->uidl : "(none)", entry->size);
  if (body != NULL)
    g_string_append_len (seen, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  else
    g_string_append (seen, "-");
  g_string_append_c (seen, ';');
}

/* Starts the fake server on @script and logs in; NULL (test skipped) when the
 * server cannot start. */
static MpPop3Session *
start (const char *script, MpTestFakeServer **server)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  g_autoptr(GError) error = NULL;
  MpPop3Session *session;
  guint16 port = 0;

  *server = mp_test_fake_server_start (script, &port);
  if (*server == NULL)
    {
      g_test_skip ("fake-pop3.py could not be started");
      return NULL;
    }
  o->host = g_strdup ("127.0.0.1");
  o->port = port;
  o->security = MP_POP3_SECURITY_NONE;
  o->auth = MP_POP3_AUTH_USER;
  o->username = g_strdup ("alice");
  mp_pop3_options_set_password (o, "secret");
  o->allow_plaintext_password = TRUE;
  o->timeout_ms = 5000;
  session = mp_pop3_session_new (o);
  g_assert_true (mp_pop3_session_connect_sync (session, NULL, &error));
  g_assert_no_error (error);
  return session;
}

static void
finish_ok (MpTestFakeServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!mp_test_fake_server_finish (server, &error))
    g_error ("transcript mismatch: %s", error->message);
}

/* One listing against a fake server. */
typedef struct {
  MpTestFakeServer *server;
  MpPop3Session    *session;
  MpPop3Listing    *listing;
  GError           *error;
  GString          *seen;      /* what seen_entry() was given */
  guint             n_topped;
  gboolean          quit_ok;
} Run;

/* Logs in on @script and lists with at most @max_tops TOPs (QUIT asked for);
 * FALSE when the test was skipped. */
static gboolean
run_listing (Run *r, const char *script, guint max_tops)
{
  memset (r, 0, sizeof *r);
  if ((r->session = start (script, &r->server)) == NULL)
    return FALSE;
  r->seen = g_string_new (NULL);
  r->n_topped = 7;   /* must be set either way */
  r->listing = mp_pop3_session_scan_and_top_sync (r->session, 0, max_tops, seen_entry, r->seen,
                                                  &r->n_topped, &r->quit_ok, NULL, &r->error);
  return TRUE;
}

/* After a failed listing: QUIT still works. */
static void
assert_still_usable (Run *r)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mp_pop3_session_is_connected (r->session));
  g_assert_true (mp_pop3_session_quit_sync (r->session, NULL, &error));
  g_assert_no_error (error);
}

/* Checks the server saw its script, frees everything. */
static void
run_finish (Run *r)
{
  finish_ok (r->server);
  g_clear_pointer (&r->listing, mp_pop3_listing_free);
  g_clear_error (&r->error);
  g_string_free (r->seen, TRUE);
  g_clear_object (&r->session);
}

static void
test_tops_before_uidl (void)
{
  Run r;

  if (!run_listing (&r, LOGGED_IN LIST_3
                    "expect TOP 1 0\nexpect TOP 2 0\nexpect TOP 3 0\nexpect QUIT\n"
                    UIDL_3
                    TOP_REPLY ("one") "send -ERR gone\n" TOP_REPLY ("three")
                    "send +OK bye\n"
                    "expect-eof\n", 100))
    return;
  g_assert_no_error (r.error);
  g_assert_nonnull (r.listing);
  g_assert_cmpuint (r.listing->len, ==, 3);
  g_assert_cmpstr (r.listing->entries[2].uidl, ==, "uid-three");
  g_assert_cmpuint (r.n_topped, ==, 3);
  g_assert_cmpstr (r.seen->str, ==,
                   "1 uid-one 100 Subject: one\r\n\r\n;"
                   "2 uid-two 200 -;"
                   "3 uid-three 300 Subject: three\r\n\r\n;");
  g_assert_true (r.quit_ok);
  g_assert_false (mp_pop3_session_is_connected (r.session));
  run_finish (&r);
}

static void
seen_number (guint number, GBytes *body, gpointer user_data)
{
  GString *seen = user_data;

  g_string_append_printf (seen, "%u ", number);
  g_string_append_len (seen, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_string_append_c (seen, ';');
}

/* More messages than @max_tops: the first ones come with the listing, no QUIT,
 * and the session goes on for the rest. */
static void
test_max_tops (void)
{
  const guint rest[] = { 3 };
  Run r;

  if (!run_listing (&r, LOGGED_IN LIST_3
                    "expect TOP 1 0\nexpect TOP 2 0\n"
                    UIDL_3 TOP_REPLY ("one") TOP_REPLY ("two")
                    "expect TOP 3 0\nexpect QUIT\n"
                    TOP_REPLY ("three") "send +OK bye\n"
                    "expect-eof\n", 2))
    return;
  g_assert_no_error (r.error);
  g_assert_nonnull (r.listing);
  g_assert_cmpuint (r.n_topped, ==, 2);
  g_assert_cmpstr (r.seen->str, ==, "1 uid-one 100 Subject: one\r\n\r\n;"
                                    "2 uid-two 200 Subject: two\r\n\r\n;");
  g_assert_false (r.quit_ok);
  g_assert_true (mp_pop3_session_is_connected (r.session));
  g_assert_true (mp_pop3_session_top_many_then_quit_sync (r.session, rest, 1, 0, seen_number,
                                                          r.seen, &r.quit_ok, NULL, &r.error));
  g_assert_no_error (r.error);
  g_assert_true (r.quit_ok);
  g_assert_true (g_str_has_suffix (r.seen->str, "3 Subject: three\r\n\r\n;"));
  run_finish (&r);
}

/* LIST refused: nothing else went out, the session is still usable. */
static void
test_list_refused (void)
{
  Run r;

  if (!run_listing (&r, LOGGED_IN
                    "send -ERR mailbox locked\n"
                    "send +OK\nsend .\n"
                    "expect QUIT\nsend +OK bye\n"
                    "expect-eof\n", 100))
    return;
  g_assert_null (r.listing);
  g_assert_error (r.error, MP_POP3_ERROR, MP_POP3_ERROR_SERVER);
  g_assert_nonnull (strstr (r.error->message, "mailbox locked"));
  g_assert_cmpuint (r.n_topped, ==, 0);
  g_assert_cmpstr (r.seen->str, ==, "");
  assert_still_usable (&r);
  run_finish (&r);
}

/* A LIST that names a message twice is found when LIST ends: no TOP goes out,
 * and the session is still usable. */
static void
test_broken_list (void)
{
  Run r;

  if (!run_listing (&r, LOGGED_IN
                    "send +OK\nsend 1 100\nsend 1 100\nsend .\n"
                    UIDL_3
                    "expect QUIT\nsend +OK bye\n"
                    "expect-eof\n", 100))
    return;
  g_assert_null (r.listing);
  g_assert_error (r.error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (r.error->message, "twice"));
  g_assert_cmpstr (r.seen->str, ==, "");
  assert_still_usable (&r);
  run_finish (&r);
}

/* UIDL misses a message after the TOPs went out: the error names it, no body
 * reaches the caller, and the session ends without reading the TOPs' replies
 * (the QUIT that went with them commits nothing: there was no DELE). */
static void
test_uidl_incomplete_in_flight (void)
{
  Run r;

  if (!run_listing (&r, LOGGED_IN LIST_3
                    "expect TOP 1 0\nexpect TOP 2 0\nexpect TOP 3 0\nexpect QUIT\n"
                    "send +OK\nsend 1 uid-one\nsend 3 uid-three\nsend .\n"
                    TOP_REPLY ("one")
                    "expect-eof\n", 100))
    return;
  g_assert_null (r.listing);
  g_assert_error (r.error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (r.error->message, "message 2 has no unique id"));
  g_assert_cmpuint (r.n_topped, ==, 0);
  g_assert_cmpstr (r.seen->str, ==, "");
  g_assert_false (mp_pop3_session_is_connected (r.session));
  run_finish (&r);
}

/* An empty mailbox: QUIT right behind the listing. */
static void
test_empty (void)
{
  Run r;

  if (!run_listing (&r, LOGGED_IN
                    "send +OK 0 messages\nsend .\n"
                    "expect QUIT\n"
                    "send +OK\nsend .\n"
                    "send +OK bye\n"
                    "expect-eof\n", 100))
    return;
  g_assert_no_error (r.error);
  g_assert_nonnull (r.listing);
  g_assert_cmpuint (r.listing->len, ==, 0);
  g_assert_cmpuint (r.n_topped, ==, 0);
  g_assert_true (r.quit_ok);
  g_assert_false (mp_pop3_session_is_connected (r.session));
  run_finish (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/scan-top/tops-before-uidl", test_tops_before_uidl);
  g_test_add_func ("/pop3/scan-top/max-tops", test_max_tops);
  g_test_add_func ("/pop3/scan-top/list-refused", test_list_refused);
  g_test_add_func ("/pop3/scan-top/broken-list", test_broken_list);
  g_test_add_func ("/pop3/scan-top/uidl-incomplete-in-flight", test_uidl_incomplete_in_flight);
  g_test_add_func ("/pop3/scan-top/empty", test_empty);
  return g_test_run ();
}
