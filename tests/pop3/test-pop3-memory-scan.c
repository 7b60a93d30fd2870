/* The engine's scan (LIST and UIDL) over the in-memory transport: broken
 * listings (duplicates, incomplete UIDL), the number caps, batches over the
 * cap, the pipelining window and listings at scale. No network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <malloc.h>
#include <string.h>

#include "pop3-memory-fixture.h"

/* Logs in over TLS as alice/pw, then the scan of server's listing must
 * fail as a protocol error. Returns that error. */
static GError *
scan_error (const char *server)
{
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(MpPop3Listing) entries = NULL;
  GError *error = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  entries = mp_pop3_session_scan_sync (f.session, NULL, &error);
  g_assert_null (entries);
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  fixture_clear (&f);
  return error;
}

static void
test_listing_count_cap (void)
{
  g_autoptr(GString) server = g_string_new ("+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER "+OK\r\n");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i <= MP_POP3_MAX_MESSAGES; i++)
    g_string_append (server, "1 1\r\n");
  g_string_append (server, ".\r\n");
  error = scan_error (server->str);
  g_assert_nonnull (strstr (error->message, "1000000 lines"));
}

static void
test_bad_listing (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER
                       "+OK\r\n1 12\r\nfoo bar\r\n.\r\n+OK\r\n.\r\n";

  g_error_free (scan_error (server));
}

/* RFC 1939: a listing names each message once, and UIDs are unique.
 * Anything else would make a number or a UIDL mean two messages (two TOPs
 * of one message, rows and deletes keyed on an ambiguous id). */
static void
run_bad_scan (const char *list_body,
              const char *uidl_body,
              const char *expected_message)
{
  g_autofree char *server = g_strconcat ("+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER,
                                         "+OK\r\n", list_body, ".\r\n",
                                         "+OK\r\n", uidl_body, ".\r\n", NULL);
  g_autoptr(GError) error = scan_error (server);

  g_assert_cmpstr (error->message, ==, expected_message);
}

static void
test_duplicate_list_number (void)
{
  run_bad_scan ("1 120\r\n2 10\r\n1 130\r\n", "1 a\r\n2 b\r\n",
                "The server listed message 1 twice (LIST)");
}

static void
test_duplicate_uidl_number (void)
{
  run_bad_scan ("1 120\r\n2 10\r\n", "1 a\r\n2 b\r\n1 c\r\n",
                "The server listed message 1 twice (UIDL)");
}

static void
test_duplicate_uid (void)
{
  run_bad_scan ("1 120\r\n2 10\r\n3 5\r\n", "1 a\r\n2 same\r\n3 same\r\n",
                "The server gave messages 2 and 3 the same unique id (UIDL)");
}

/* Logs in over TLS as alice/pw, then the scan (LIST and UIDL replies in
 * @listings) must succeed; returns its entries. */
static MpPop3Listing *
scan_ok (const char *listings,
         gsize       chunk)
{
  g_autofree char *server = g_strconcat ("+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER,
                                         listings, NULL);
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(GError) error = NULL;
  MpPop3Listing *entries;
  Fixture f = { 0, };

  fixture_setup (&f, server, chunk, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  entries = mp_pop3_session_scan_sync (f.session, NULL, &error);
  g_assert_no_error (error);
  fixture_clear (&f);
  return entries;
}

static void
test_distinct_scan_control (void)
{
  /* Message numbers need not be dense or sorted; distinct is enough. */
  g_autoptr(MpPop3Listing) entries =
    scan_ok ("+OK\r\n3 30\r\n1 10\r\n.\r\n+OK\r\n1 x\r\n3 X\r\n.\r\n", 3);

  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (entries->entries[0].uidl, ==, "X");
  g_assert_cmpstr (entries->entries[1].uidl, ==, "x");
}

/* A number over one of the engine's caps is named with the cap; a number
 * that is not one is "malformed". STAT, LIST n and the LIST listing. */
static GError *
reply_error (const char *reply,
             gboolean  (*call) (MpPop3Session *session, GError **error))
{
  g_autofree char *server = g_strconcat ("+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER,
                                         reply, NULL);
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  GError *error = NULL;
  Fixture f = { 0, };

  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_false (call (f.session, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  fixture_clear (&f);
  return error;
}

static gboolean
call_stat (MpPop3Session *session, GError **error)
{
  guint count = 0;

  return mp_pop3_session_stat_sync (session, &count, NULL, NULL, error);
}

static gboolean
call_list_one (MpPop3Session *session, GError **error)
{
  return mp_pop3_session_list_one_sync (session, 1, NULL, NULL, error);
}

static gboolean
call_scan (MpPop3Session *session, GError **error)
{
  g_autoptr(MpPop3Listing) entries = mp_pop3_session_scan_sync (session, NULL, error);

  return entries != NULL;
}

static void
assert_reply_error (const char *reply,
                    gboolean  (*call) (MpPop3Session *session, GError **error),
                    const char *expected_message)
{
  g_autoptr(GError) error = reply_error (reply, call);

  g_assert_cmpstr (error->message, ==, expected_message);
}

static void
test_number_caps (void)
{
  assert_reply_error ("+OK 10000000 5\r\n", call_stat,
                      "The server's reply to STAT counts more messages than the limit "
                      "of 1000000");
  assert_reply_error ("+OK 1000001 5\r\n", call_stat,
                      "The server's reply to STAT counts more messages than the limit "
                      "of 1000000");
  assert_reply_error ("+OK 1 18446744073709551616\r\n", call_stat,
                      "The server's reply to STAT gives a size larger than the limit "
                      "of 18446744073709551615 octets");
  assert_reply_error ("+OK 1x 5\r\n", call_stat, "The server sent a malformed reply to STAT");
  assert_reply_error ("+OK 1\r\n", call_stat, "The server sent a malformed reply to STAT");
  assert_reply_error ("+OK 1 99999999999999999999\r\n", call_list_one,
                      "The server's reply to LIST 1 gives a size larger than the limit "
                      "of 18446744073709551615 octets");
  assert_reply_error ("+OK\r\n4294967296 5\r\n.\r\n+OK\r\n.\r\n", call_scan,
                      "The server's reply to LIST names a message number larger than "
                      "the limit of 4294967295");
  assert_reply_error ("+OK\r\n1 18446744073709551616\r\n.\r\n+OK\r\n.\r\n", call_scan,
                      "The server's reply to LIST gives a size larger than the limit "
                      "of 18446744073709551615 octets");
  assert_reply_error ("+OK\r\n1 5\r\n.\r\n+OK\r\n4294967296 a\r\n.\r\n", call_scan,
                      "The server's reply to UIDL names a message number larger than "
                      "the limit of 4294967295");
  assert_reply_error ("+OK\r\n1 -5\r\n.\r\n+OK\r\n.\r\n", call_scan,
                      "The server sent a malformed reply to LIST");
}

/* A UIDL listing that leaves out a message LIST named, or names one LIST did
 * not, is broken (RFC 1939 7: UIDL lists every message), not a server
 * without UIDL; only -ERR to UIDL is that. */
static void
test_uidl_incomplete (void)
{
  run_bad_scan ("1 120\r\n2 10\r\n3 5\r\n", "1 a\r\n3 c\r\n",
                "The server's UIDL listing is incomplete: message 2 has no unique id");
  run_bad_scan ("1 120\r\n", "1 a\r\n2 b\r\n",
                "The server's UIDL listing names message 2, which LIST did not list");
}

static void
test_uidl_refused (void)
{
  g_autoptr(MpPop3Listing) entries =
    scan_ok ("+OK\r\n1 10\r\n2 20\r\n.\r\n-ERR no UIDL here\r\n", 0);

  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_null (entries->entries[0].uidl);
  g_assert_null (entries->entries[1].uidl);
}

/* More numbers than any listing holds is the caller's request over the cap,
 * named as such (not a "malformed reply"), and nothing is sent. */
static void
test_batch_over_cap (void)
{
  const char *server = "+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER;
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(GError) error = NULL;
  g_autofree guint *numbers = g_new0 (guint, MP_POP3_MAX_MESSAGES + 1);
  Fixture f = { 0, };
  Bodies b = { 0, };

  fixture_setup (&f, server, 0, TRUE, o);
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  g_assert_false (mp_pop3_session_dele_many_sync (f.session, numbers, MP_POP3_MAX_MESSAGES + 1,
                                                  NULL, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_cmpstr (error->message, ==, "Too many messages requested at once (limit 1000000)");
  g_clear_error (&error);
  g_assert_false (mp_pop3_session_top_many_sync (f.session, numbers, MP_POP3_MAX_MESSAGES + 1,
                                                 0, collect_body, &b, NULL, &error));
  g_assert_cmpstr (error->message, ==, "Too many messages requested at once (limit 1000000)");
  assert_written (&f, "CAPA\r\nUSER alice\r\nPASS pw\r\nCAPA\r\n");
  fixture_clear (&f);
}

/* ---- pipelining and listings at scale ---- */

#define LOGIN_PIPELINING "+OK ready\r\n" CAPA_CLEAR "+OK\r\n+OK\r\n" CAPA_AFTER

static void
count_body (guint number, GBytes *body, gpointer user_data)
{
  guint *next = user_data;

  /* In order, each with its own body. */
  g_assert_cmpuint (number, ==, *next + 1);
  g_assert_nonnull (body);
  g_assert_cmpuint (g_bytes_get_size (body), ==, strlen ("Subject: 12345\r\n\r\n"));
  (*next)++;
}

/* Logs in, then TOP n 0 for 1..n (each answered "Subject: <5 digits>"). */
static gboolean
top_all (Fixture *f, const guint *numbers, guint n, guint *got, GError **error)
{
  g_assert_true (mp_pop3_session_connect_sync (f->session, NULL, error));
  return mp_pop3_session_top_many_sync (f->session, numbers, n, 0, count_body, got, NULL, error);
}

static GString *
top_server (guint n, guint **numbers)
{
  GString *server = g_string_new (LOGIN_PIPELINING);

  *numbers = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      (*numbers)[i] = i + 1;
      g_string_append_printf (server, "+OK\r\nSubject: %05u\r\n\r\n.\r\n", i + 1);
    }
  return server;
}

/* With PIPELINING the window is full from the first command: every TOP of a
 * batch (well within the bytes bound) is written before the first reply is
 * read. A window that starts small and grows costs a round trip per step. */
static void
test_window_full_at_once (void)
{
  const guint n = 2000;
  g_autofree guint *numbers = NULL;
  g_autoptr(GString) server = top_server (n, &numbers);
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };
  guint got = 0, sent_before_reply = 0;
  gboolean topping = FALSE;

  fixture_setup (&f, server->str, 0, TRUE, o);
  g_assert_true (top_all (&f, numbers, n, &got, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, n);
  for (guint i = 0; i < f.trace->len; i++)
    {
      const char *line = f.trace->pdata[i];

      if (g_str_has_prefix (line, "> TOP "))
        {
          topping = TRUE;
          sent_before_reply++;
        }
      else if (topping && line[0] == '<')
        break;
    }
  g_assert_cmpuint (sent_before_reply, ==, n);
  fixture_clear (&f);
}

/* A server that answers only while its replies are read, and takes only a
 * little of the commands meanwhile: with every command in flight the client
 * must keep reading while it writes, or both sides wait for ever (over the
 * memory transport: "cannot make progress"). */
static void
test_all_in_flight_bounded_server (void)
{
  const guint n = 20000;
  g_autofree guint *numbers = NULL;
  g_autoptr(GString) server = top_server (n, &numbers);
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(GError) error = NULL;
  MpPop3Transport *t;
  guint got = 0;
  Fixture f = { 0, };

  t = mp_pop3_memory_transport_new ((const guint8 *) server->str, server->len, 0);
  mp_pop3_memory_transport_set_encrypted (t, TRUE);
  mp_pop3_memory_transport_set_buffers (t, 100, 1000);
  f.written = mp_pop3_memory_transport_ref_written (t);
  f.session = mp_pop3_session_new_for_transport (o, t);
  g_assert_true (top_all (&f, numbers, n, &got, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, n);
  fixture_clear (&f);
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 mi = mallinfo2 ();

  return mi.uordblks + mi.hblkhd;
}

/* n messages, 40-character UIDLs; LIST descending when @reversed, and
 * messages @dup_a and @dup_b (0 = none) given one UIDL. */
static GString *
listing_server (guint n, gboolean reversed, guint dup_a, guint dup_b)
{
  GString *server = g_string_new (LOGIN_PIPELINING "+OK\r\n");

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (server, "%u %u\r\n", reversed ? n + 1 - i : i, 1000 + i);
  g_string_append (server, ".\r\n+OK\r\n");
  for (guint i = 1; i <= n; i++)
    g_string_append_printf (server, "%u %08x%032u\r\n", i, i == dup_b ? dup_a : i, 7u);
  g_string_append (server, ".\r\n");
  return server;
}

static MpPop3Listing *
scan_server (GString *server, GError **error)
{
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  MpPop3Listing *listing;
  Fixture f = { 0, };

  fixture_setup (&f, server->str, 0, TRUE, o);
  f.session->options->trace_func = NULL;   /* the trace would hold every line */
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, error));
  listing = mp_pop3_session_scan_sync (f.session, NULL, error);
  fixture_clear (&f);
  return listing;
}

/* A scan keeps per message its entry and its UIDL, nothing else (at the
 * 1,000,000-message cap a few hundred bytes each would be hundreds of MB). */
static void
test_scan_at_scale (void)
{
  const guint n = 200000;
  g_autoptr(GString) server = listing_server (n, FALSE, 0, 0);
  g_autoptr(MpPop3Options) o = options_new (MP_POP3_SECURITY_TLS, MP_POP3_AUTH_USER, "pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(MpPop3Listing) listing = NULL;
  Fixture f = { 0, };
  gsize before, per_message;

  fixture_setup (&f, server->str, 0, TRUE, o);
  f.session->options->trace_func = NULL;   /* the trace would hold every line */
  g_assert_true (mp_pop3_session_connect_sync (f.session, NULL, &error));
  before = heap_in_use ();
  listing = mp_pop3_session_scan_sync (f.session, NULL, &error);
  g_assert_no_error (error);
  per_message = (heap_in_use () - before) / n;
  g_assert_cmpuint (listing->len, ==, n);
  g_assert_cmpuint (listing->entries[n - 1].number, ==, n);
  g_assert_cmpuint (listing->entries[n - 1].size, ==, 1000 + n);
  g_assert_cmpstr (listing->entries[41].uidl, ==, "0000002a00000000000000000000000000000007");
  g_test_message ("scan of %u messages: %zu bytes each", n, per_message);
  /* 24 bytes of entry + 41 of UIDL; separate allocations were 88 and more. */
  if (g_getenv ("MP_SANITIZER") == NULL)
    g_assert_cmpuint (per_message, <=, 72);
  fixture_clear (&f);
}

/* The same UIDL for two messages far apart in a large listing, and a LIST
 * in descending order (the UIDL lines find their entry by number). */
static void
test_scan_at_scale_duplicate_uid (void)
{
  const guint n = 200000;
  g_autoptr(GString) dup = listing_server (n, TRUE, 7, n - 1);
  g_autoptr(GString) fine = listing_server (n, TRUE, 0, 0);
  g_autoptr(MpPop3Listing) listing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf (
    "The server gave messages 7 and %u the same unique id (UIDL)", n - 1);

  g_assert_null (scan_server (dup, &error));
  g_assert_error (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  listing = scan_server (fine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listing->len, ==, n);
  g_assert_cmpuint (listing->entries[0].number, ==, n);   /* LIST order kept */
  g_assert_cmpstr (listing->entries[0].uidl, ==, "00030d4000000000000000000000000000000007");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/memory/listing-count-cap", test_listing_count_cap);
  g_test_add_func ("/pop3/memory/bad-listing", test_bad_listing);
  g_test_add_func ("/pop3/memory/duplicate-list-number", test_duplicate_list_number);
  g_test_add_func ("/pop3/memory/duplicate-uidl-number", test_duplicate_uidl_number);
  g_test_add_func ("/pop3/memory/duplicate-uid", test_duplicate_uid);
  g_test_add_func ("/pop3/memory/distinct-scan-control", test_distinct_scan_control);
  g_test_add_func ("/pop3/memory/number-caps", test_number_caps);
  g_test_add_func ("/pop3/memory/uidl-incomplete", test_uidl_incomplete);
  g_test_add_func ("/pop3/memory/uidl-refused", test_uidl_refused);
  g_test_add_func ("/pop3/memory/batch-over-cap", test_batch_over_cap);
  g_test_add_func ("/pop3/memory/window-full-at-once", test_window_full_at_once);
  g_test_add_func ("/pop3/memory/all-in-flight-bounded-server", test_all_in_flight_bounded_server);
  g_test_add_func ("/pop3/memory/scan-at-scale", test_scan_at_scale);
  g_test_add_func ("/pop3/memory/scan-at-scale-duplicate-uid", test_scan_at_scale_duplicate_uid);
  return g_test_run ();
}
