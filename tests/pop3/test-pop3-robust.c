/* Robustness: thousands of mutated server transcripts through the engine
 * over the memory transport (a cheap cousin of the fuzz target). Every call
 * must either succeed or fail with an MP_POP3_ERROR — never crash, hang or
 * report another domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-memory-transport.h"
#include "mp-pop3-private.h"

static const char base[] =
  "+OK ready <1.2@host>\r\n"
  "+OK\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\nSASL PLAIN\r\n.\r\n"
  "+OK\r\n+OK\r\n"
  "+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n"
  "+OK 3 620\r\n"
  "+OK\r\n1 120\r\n2 200\r\n3 300\r\n.\r\n"
  "+OK\r\n1 a\r\n2 b\r\n3 c\r\n.\r\n"
  "+OK\r\nSubject: a\r\n\r\n.\r\n-ERR gone\r\n+OK\r\n..x\r\n.\r\n"
  "+OK\r\nSubject: b\r\n\r\nbody\r\n..\r\n.\r\n"
  "+OK\r\n+OK\r\n"
  "+OK bye\r\n";

static void
insert_bytes (GByteArray *a, guint pos, const guint8 *data, guint len)
{
  guint old = a->len;

  g_byte_array_set_size (a, old + len);
  memmove (a->data + pos + len, a->data + pos, old - pos);
  memcpy (a->data + pos, data, len);
}

static GByteArray *
mutate (void)
{
  GByteArray *out = g_byte_array_new ();
  guint n_mut = g_test_rand_int_range (1, 6);

  g_byte_array_append (out, (const guint8 *) base, sizeof base - 1);
  for (guint m = 0; m < n_mut && out->len > 0; m++)
    {
      guint pos = g_test_rand_int_range (0, out->len);
      static const char pool[] = "\r\n.+-OKER 0123456789[]\0\xff";

      switch (g_test_rand_int_range (0, 5))
        {
        case 0:   /* truncate */
          g_byte_array_set_size (out, pos);
          break;
        case 1:   /* flip a byte */
          out->data[pos] = pool[g_test_rand_int_range (0, sizeof pool - 1)];
          break;
        case 2:   /* insert a byte */
          {
            guint8 c = pool[g_test_rand_int_range (0, sizeof pool - 1)];
            insert_bytes (out, pos, &c, 1);
          }
          break;
        case 3:   /* delete a run */
          {
            guint run = (guint) g_test_rand_int_range (1, 20);   /* MIN evaluates twice */
            g_byte_array_remove_range (out, pos, MIN (out->len - pos, run));
          }
          break;
        default:  /* duplicate a run */
          {
            guint run = (guint) g_test_rand_int_range (1, 40);
            guint len = MIN (out->len - pos, run);
            g_autofree guint8 *copy = g_memdup2 (out->data + pos, len);
            insert_bytes (out, pos + len, copy, len);
          }
          break;
        }
    }
  return out;
}

static gboolean must_succeed;

static void
check (gboolean ok, GError **error)
{
  if (must_succeed)
    {
      g_assert_no_error (*error);
      g_assert_true (ok);
    }
  if (!ok)
    {
      g_assert_nonnull (*error);
      g_assert_true ((*error)->domain == MP_POP3_ERROR);
    }
  else
    g_assert_null (*error);
  g_clear_error (error);
}

static void
ignore_body (guint number, GBytes *body, gpointer user_data)
{
  if (body != NULL)
    g_assert_cmpuint (g_bytes_get_size (body), <=, sizeof base);
}

static void
run_one (GByteArray *server)
{
  g_autoptr(MpPop3Options) o = mp_pop3_options_new ();
  MpPop3Transport *t = mp_pop3_memory_transport_new (server->data, server->len,
                                                     g_test_rand_int_range (0, 12));
  g_autoptr(MpPop3Session) session = NULL;
  GError *error = NULL;
  const guint numbers[] = { 1, 2, 3 };
  MpPop3Listing *entries;
  GBytes *body;
  guint count;
  guint64 size;

  mp_pop3_memory_transport_set_encrypted (t, TRUE);
  o->host = g_strdup ("mem");
  o->username = g_strdup ("alice");
  o->password = g_strdup ("pw");
  o->auth = MP_POP3_AUTH_USER;
  session = mp_pop3_session_new_for_transport (o, t);

  check (mp_pop3_session_connect_sync (session, NULL, &error), &error);
  check (mp_pop3_session_stat_sync (session, &count, &size, NULL, &error), &error);
  entries = mp_pop3_session_scan_sync (session, NULL, &error);
  check (entries != NULL, &error);
  g_clear_pointer (&entries, mp_pop3_listing_free);
  check (mp_pop3_session_top_many_sync (session, numbers, 3, 0, ignore_body, NULL, NULL, &error), &error);
  body = mp_pop3_session_retr_sync (session, 2, NULL, &error);
  check (body != NULL, &error);
  g_clear_pointer (&body, g_bytes_unref);
  check (mp_pop3_session_dele_many_sync (session, numbers, 2, NULL, &error), &error);
  check (mp_pop3_session_quit_sync (session, NULL, &error), &error);
}

static void
test_unmutated (void)
{
  g_autoptr(GByteArray) server = g_byte_array_new ();

  /* the base transcript itself is a complete, valid session */
  g_byte_array_append (server, (const guint8 *) base, sizeof base - 1);
  must_succeed = TRUE;
  run_one (server);
  must_succeed = FALSE;
}

static void
test_mutations (void)
{
  guint n = g_test_slow () ? 50000 : 3000;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GByteArray) server = mutate ();
      run_one (server);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/robust/unmutated", test_unmutated);
  g_test_add_func ("/pop3/robust/mutations", test_mutations);
  return g_test_run ();
}
