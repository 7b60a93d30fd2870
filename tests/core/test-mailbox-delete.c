/* test-mailbox-delete.c — MpMailbox deleting against the scripted fake server:
 * failures Dovecot will not produce (QUIT refused or cut, DELE refused, a UIDL
 * listing that is ambiguous or incomplete: nothing reported deleted) and the
 * recycle bin (the copy kept before DELE, a bin that cannot be written, a
 * message over its limit).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <gio/gio.h>

#include "mp-error.h"
#include "mp-recycle-bin.h"
#include "mailbox-fake-helpers.h"

/* Deletes uid-two; with @dir, through a recycle bin there (issue 12). */
static void
run_recycled_delete (const char *script, const char *dir, gboolean force_large, Wait *w)
{
  const char *uidls[] = { "uid-two", NULL };
  g_autoptr(MpMailbox) mb = NULL;
  MpTestFakeServer *server;

  mb = start_mailbox (script, &server);
  if (mb == NULL)
    return;
  if (dir == NULL)
    mp_mailbox_delete_async (mb, uidls, NULL, on_delete, w);
  else
    {
      mp_mailbox_set_recycle_dir (mb, dir);
      mp_mailbox_delete_full_async (mb, uidls, NULL, force_large, NULL, on_delete, w);
    }
  wait_done (w);
  finish_server (server);
  mp_mailbox_shutdown (mb);
}

static void
run_delete (const char *script, Wait *w)
{
  run_recycled_delete (script, NULL, FALSE, w);
}

/* The delete must fail as not deleted, with nothing reported deleted;
 * message_part (if not NULL) is in the error message. */
static void
assert_not_deleted (const char *script,
                    const char *message_part)
{
  Wait w = { 0 };

  run_delete (script, &w);
  if (!w.done)
    return;
  g_assert_error (w.error, MP_ERROR, MP_ERROR_NOT_DELETED);
  if (message_part != NULL)
    g_assert_nonnull (strstr (w.error->message, message_part));
  g_assert_false (w.ok);
  g_assert_null (w.deleted);
  g_clear_error (&w.error);
}

#define RETR_TWO \
  "expect RETR 2\nsend +OK\nsend Subject: two\nsend \nsend ..body\nsend .\n"

static void
test_delete_recycled (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "bin", NULL);
  g_autoptr(MpRecycleBin) bin = mp_recycle_bin_new (dir, NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GBytes) bytes = NULL;
  MpRecycleEntry *e;
  Wait w = { 0 };

  run_recycled_delete (LOGIN SCAN RETR_TWO "expect DELE 2\nsend +OK\nexpect QUIT\nsend +OK bye\n",
                       dir, FALSE, &w);
  if (!w.done)
    return;
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.deleted[0], ==, "uid-two");
  g_strfreev (w.deleted);
  list = mp_recycle_bin_list (bin, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  e = list->pdata[0];
  g_assert_cmpstr (e->uidl, ==, "uid-two");
  g_assert_cmpstr (e->rule, ==, "manual");
  g_assert_cmpstr (e->subject, ==, "two");
  bytes = mp_recycle_bin_read (bin, e->id, NULL);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "Subject: two\r\n\r\n.body\r\n", 23);
}

/* The copy cannot be written (the bin's place is a file): no DELE at all. */
static void
test_delete_bin_unwritable (void)
{
  g_autofree char *file = g_build_filename (g_get_user_data_dir (), "a-file", NULL);
  g_autofree char *dir = g_build_filename (file, "bin", NULL);
  Wait w = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  run_recycled_delete (LOGIN SCAN RETR_TWO "expect-eof\n", dir, FALSE, &w);
  if (!w.done)
    return;
  g_assert_error (w.error, MP_ERROR, MP_ERROR_NOT_DELETED);
  g_assert_nonnull (strstr (w.error->message, "recycle bin"));
  g_assert_null (w.deleted);
  g_clear_error (&w.error);
}

/* Over the bin's limit: no RETR, no DELE, MP_ERROR_TOO_LARGE (the UI asks);
 * forced, it is kept and deleted. */
static void
test_delete_too_large (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "bin-large", NULL);
  const char *big_scan =
    "expect LIST\nsend +OK\nsend 1 100\nsend 2 60000000\nsend .\n"
    "expect UIDL\nsend +OK\nsend 1 uid-one\nsend 2 uid-two\nsend .\n";
  g_autofree char *refused = g_strconcat (LOGIN, big_scan, "expect-eof\n", NULL);
  g_autofree char *forced = g_strconcat (LOGIN, big_scan, RETR_TWO,
                                         "expect DELE 2\nsend +OK\nexpect QUIT\nsend +OK\n", NULL);
  Wait w = { 0 };
  Wait w2 = { 0 };

  run_recycled_delete (refused, dir, FALSE, &w);
  if (!w.done)
    return;
  g_assert_error (w.error, MP_ERROR, MP_ERROR_TOO_LARGE);
  g_assert_null (w.deleted);
  g_clear_error (&w.error);
  run_recycled_delete (forced, dir, TRUE, &w2);
  g_assert_no_error (w2.error);
  g_assert_cmpstr (w2.deleted[0], ==, "uid-two");
  g_strfreev (w2.deleted);
}

static void
test_delete_ok (void)
{
  Wait w = { 0 };

  run_delete (LOGIN SCAN "expect DELE 2\nsend +OK\nexpect QUIT\nsend +OK bye\n", &w);
  if (!w.done)
    return;
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_cmpuint (g_strv_length (w.deleted), ==, 1);
  g_assert_cmpstr (w.deleted[0], ==, "uid-two");
  g_strfreev (w.deleted);
}

static void
test_delete_quit_refused (void)
{
  assert_not_deleted (LOGIN SCAN "expect DELE 2\nsend +OK\nexpect QUIT\n"
                      "send -ERR [SYS/TEMP] could not commit\n", "could not commit");
}

static void
test_delete_connection_lost (void)
{
  assert_not_deleted (LOGIN SCAN "expect DELE 2\nsend +OK\nexpect QUIT\nclose\n", NULL);
}

static void
test_delete_dele_refused (void)
{
  /* DELE refused: no QUIT at all (the connection is dropped, nothing committed) */
  assert_not_deleted (LOGIN SCAN "expect DELE 2\nsend -ERR message locked\nexpect-eof\n", NULL);
}

/* Two messages share the UIDL being deleted: which one is meant cannot be
 * known, so nothing is deleted (no DELE at all) and the error says why. */
static void
test_delete_duplicate_uidl (void)
{
  assert_not_deleted (LOGIN
                      "expect LIST\nsend +OK\nsend 1 100\nsend 2 200\nsend .\n"
                      "expect UIDL\nsend +OK\nsend 1 uid-two\nsend 2 uid-two\nsend .\n"
                      "expect-eof\n", "same unique id");
}

static void
test_delete_uidl_incomplete (void)
{
  assert_not_deleted (LOGIN SCAN_UIDL_MISSING_2 "expect-eof\n", "UIDL listing is incomplete");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/mailbox-fake/delete-ok", test_delete_ok);
  g_test_add_func ("/core/mailbox-fake/delete-recycled", test_delete_recycled);
  g_test_add_func ("/core/mailbox-fake/delete-bin-unwritable", test_delete_bin_unwritable);
  g_test_add_func ("/core/mailbox-fake/delete-too-large", test_delete_too_large);
  g_test_add_func ("/core/mailbox-fake/delete-quit-refused", test_delete_quit_refused);
  g_test_add_func ("/core/mailbox-fake/delete-connection-lost", test_delete_connection_lost);
  g_test_add_func ("/core/mailbox-fake/delete-dele-refused", test_delete_dele_refused);
  g_test_add_func ("/core/mailbox-fake/delete-duplicate-uidl", test_delete_duplicate_uidl);
  g_test_add_func ("/core/mailbox-fake/delete-uidl-incomplete", test_delete_uidl_incomplete);
  return g_test_run ();
}
