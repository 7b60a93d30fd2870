/* test-header-cache.c — MpHeaderCache: round trips, bounds, damaged files, reconcile
 *
 * Each test runs in its own XDG dirs (G_TEST_OPTION_ISOLATE_DIRS).  Damaged files
 * are made with an independent writer of the format (below) and zlib's CRC-32,
 * so a file can be wrong in one place while its checksum is right.
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

#include "mp-error.h"
#include "mp-header-cache.h"

#define DROPPED "Header cache * dropped: *"

static MpMessageSummary *
make_row (const char *uidl,
          guint64     size,
          const char *subject,
          gint64      date)
{
  g_autoptr(GDateTime) dt = date ? g_date_time_new_from_unix_utc (date) : NULL;
  MpMessageSummaryFields f = {
    .uidl = uidl, .size = size, .from_name = "Zoë Ünïcode", .from_address = "zoe@example.org",
    .to = "a@example.org, b@example.org", .subject = subject, .message_id = "id@example.org",
    .date = dt, .has_attachments = size % 2, .headers_truncated = size % 3 == 0,
  };

  return mp_message_summary_new_from_fields (&f);
}

static GPtrArray *
make_rows (guint n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uidl = g_strdup_printf ("uidl-%u", i);
      g_autofree char *subject = g_strdup_printf ("Subject %u — ünïcödé ✓", i);

      g_ptr_array_add (rows, make_row (uidl, 1000 + i, subject, 1700000000 + i * 60));
    }
  return rows;
}

static void
assert_same_row (MpMessageSummary *a,
                 MpMessageSummary *b)
{
  GDateTime *da = mp_message_summary_get_date (a);
  GDateTime *db = mp_message_summary_get_date (b);

  g_assert_cmpstr (mp_message_summary_get_uidl (a), ==, mp_message_summary_get_uidl (b));
  g_assert_cmpuint (mp_message_summary_get_size (a), ==, mp_message_summary_get_size (b));
  g_assert_cmpstr (mp_message_summary_get_from_name (a), ==, mp_message_summary_get_from_name (b));
  g_assert_cmpstr (mp_message_summary_get_from_address (a), ==,
                   mp_message_summary_get_from_address (b));
  g_assert_cmpstr (mp_message_summary_get_to (a), ==, mp_message_summary_get_to (b));
  g_assert_cmpstr (mp_message_summary_get_subject (a), ==, mp_message_summary_get_subject (b));
  g_assert_cmpstr (mp_message_summary_get_message_id (a), ==,
                   mp_message_summary_get_message_id (b));
  g_assert_cmpint (mp_message_summary_get_has_attachments (a), ==,
                   mp_message_summary_get_has_attachments (b));
  g_assert_cmpint (mp_message_summary_get_headers_truncated (a), ==,
                   mp_message_summary_get_headers_truncated (b));
  g_assert_false (mp_message_summary_get_is_new (b));
  g_assert_true ((da == NULL) == (db == NULL));
  if (da != NULL)
    {
      g_assert_true (g_date_time_equal (da, db));
      g_assert_cmpint (g_date_time_get_utc_offset (db), ==, 0);
    }
}

static void
assert_same_rows (GPtrArray *a,
                  GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_row (g_ptr_array_index (a, i), g_ptr_array_index (b, i));
}

/* Names of the files in @dir, sorted. */
static GPtrArray *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

static GPtrArray *
load (MpHeaderCache *cache,
      const char    *account,
      GDateTime    **as_of)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = mp_header_cache_load_sync (cache, account, as_of, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rows);
  return rows;
}

static void
save (MpHeaderCache *cache,
      const char    *account,
      GPtrArray     *rows,
      GDateTime     *as_of)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mp_header_cache_save_sync (cache, account, rows, as_of, NULL, &error));
  g_assert_no_error (error);
}

static void
test_paths (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autofree char *expected_dir = g_build_filename (g_get_user_cache_dir (), "mailpeek",
                                                    "headers", NULL);
  g_autofree char *long_id = g_strnfill (10000, 'x');
  const char *ids[] = { "acc1", "acc1/", "a/b", "/", "..", ".", "../../etc/passwd", "",
                        "\x01\x7f\xff\xfe", "a b\tc\n", "ACC1", long_id };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpstr (mp_header_cache_get_dir (cache), ==, expected_dir);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *path = mp_header_cache_dup_path (cache, ids[i]);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);
      g_autoptr(GPtrArray) rows = make_rows (1);

      g_assert_cmpstr (dir, ==, expected_dir);
      g_assert_true (g_str_has_suffix (base, ".cache"));
      g_assert_cmpuint (strlen (base), ==, 64 + strlen (".cache"));
      g_assert_cmpuint (strspn (base, "0123456789abcdef"), ==, 64);
      g_assert_true (g_hash_table_add (seen, g_steal_pointer (&path)));

      /* each id round-trips through its own file */
      g_object_unref (g_ptr_array_index (rows, 0));
      g_ptr_array_index (rows, 0) = make_row ("u", i, "s", 0);
      save (cache, ids[i], rows, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GPtrArray) back = load (cache, ids[i], NULL);

      g_assert_cmpuint (back->len, ==, 1);
      g_assert_cmpuint (mp_message_summary_get_size (g_ptr_array_index (back, 0)), ==, i);
    }
  {
    g_autoptr(GPtrArray) files = list_dir (expected_dir);
    g_assert_cmpuint (files->len, ==, G_N_ELEMENTS (ids));
  }
}

static void
test_round_trip (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GDateTime) as_of = g_date_time_new_from_unix_utc (1733400000);
  g_autoptr(GDateTime) got_as_of = NULL;
  g_autoptr(GDateTime) zoned = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (3 * 3600);
  g_autofree char *path = mp_header_cache_dup_path (cache, "acc");
  MpMessageSummaryFields nulls = { .uidl = "nulls" };
  MpMessageSummaryFields edges = {
    .uidl = "edges", .size = G_MAXUINT64, .from_name = "", .from_address = "",
    .to = "", .subject = "Grüße — 日本語 — emoji 📨", .message_id = "",
    .has_attachments = TRUE, .headers_truncated = TRUE,
  };
  const char *block =
    "From: =?UTF-8?Q?Bj=C3=B6rn?= <bjorn@example.org>\r\n"
    "To: =?ISO-8859-1?Q?Andr=E9?= <andre@example.org>, c@example.org\r\n"
    "Subject: =?UTF-8?B?w5xiZXIgZGVuIFdvbGtlbg==?=\r\n"
    "Date: Thu, 05 Dec 2024 10:00:00 +0100\r\n"
    "Message-ID: <m1@example.org>\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  GStatBuf st;

  zoned = g_date_time_new (tz, 9999, 12, 31, 23, 59, 59);
  edges.date = zoned;
  g_ptr_array_add (rows, mp_message_summary_new_from_fields (&nulls));
  g_ptr_array_add (rows, mp_message_summary_new_from_fields (&edges));
  /* as a check makes them: To is formatted on first use (here: by the save) */
  g_ptr_array_add (rows, mp_message_summary_new_from_headers (block, strlen (block), "parsed", 77));
  g_ptr_array_add (rows, make_row ("x", 3, "plain", 1));
  g_ptr_array_add (rows, make_row ("x", 3, "same UIDL twice: kept as saved", -86400));
  mp_message_summary_set_is_new (g_ptr_array_index (rows, 3), TRUE);

  save (cache, "acc", rows, as_of);
  {
    /* as after a restart: another instance, the same folder */
    g_autoptr(MpHeaderCache) fresh = mp_header_cache_new (NULL);
    back = load (fresh, "acc", &got_as_of);
  }
  assert_same_rows (rows, back);
  g_assert_cmpstr (mp_message_summary_get_to (g_ptr_array_index (back, 0)), ==, "");
  g_assert_null (mp_message_summary_get_date (g_ptr_array_index (back, 0)));
  g_assert_cmpstr (mp_message_summary_get_subject (g_ptr_array_index (back, 2)), ==,
                   "Über den Wolken");
  g_assert_nonnull (strstr (mp_message_summary_get_to (g_ptr_array_index (back, 2)), "André"));
  g_assert_nonnull (got_as_of);
  g_assert_true (g_date_time_equal (got_as_of, as_of));

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (mp_header_cache_get_dir (cache), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* an empty list is a list too: "no mail, as of then" */
  g_ptr_array_set_size (rows, 0);
  save (cache, "acc", rows, NULL);
  g_clear_pointer (&back, g_ptr_array_unref);
  g_clear_pointer (&got_as_of, g_date_time_unref);
  back = load (cache, "acc", &got_as_of);
  g_assert_cmpuint (back->len, ==, 0);
  g_assert_nonnull (got_as_of);
}

static void
test_missing (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  GDateTime *as_of = (GDateTime *) 1;
  g_autoptr(GPtrArray) rows = load (cache, "nothing-here", &as_of);

  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_null (as_of);
  g_assert_true (mp_header_cache_remove (cache, "nothing-here", NULL));
}

static void
test_ten_thousand (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GPtrArray) rows = make_rows (10000);
  g_autoptr(GPtrArray) back = NULL;

  save (cache, "big", rows, NULL);
  back = load (cache, "big", NULL);
  assert_same_rows (rows, back);

  /* overwritten in place of the old file, no temporary file left behind */
  g_ptr_array_set_size (rows, 5000);
  save (cache, "big", rows, NULL);
  g_clear_pointer (&back, g_ptr_array_unref);
  back = load (cache, "big", NULL);
  assert_same_rows (rows, back);
  {
    g_autoptr(GPtrArray) files = list_dir (mp_header_cache_get_dir (cache));
    g_assert_cmpuint (files->len, ==, 1);
    g_assert_true (g_str_has_suffix (g_ptr_array_index (files, 0), ".cache"));
  }
  g_assert_true (mp_header_cache_remove (cache, "big", NULL));
  {
    g_autoptr(GPtrArray) files = list_dir (mp_header_cache_get_dir (cache));
    g_assert_cmpuint (files->len, ==, 0);
  }
}

/* ---- an independent writer of format version 1 ---- */

static void
w_u32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v, v >> 8, v >> 16, v >> 24 };
  g_byte_array_append (b, x, 4);
}

static void
w_u64 (GByteArray *b, guint64 v)
{
  w_u32 (b, (guint32) v);
  w_u32 (b, (guint32) (v >> 32));
}

static void
w_str (GByteArray *b, const char *s, gsize len)
{
  w_u32 (b, len);
  g_byte_array_append (b, (const guint8 *) s, len);
  g_byte_array_append (b, (const guint8 *) "", 1);
}

static GByteArray *
w_head (guint32 version, guint32 n_rows, const char *account)
{
  GByteArray *b = g_byte_array_new ();

  g_byte_array_append (b, (const guint8 *) "MPHCACHE", 8);
  w_u32 (b, version);
  w_u32 (b, n_rows);
  w_u64 (b, 1733400000);
  w_str (b, account, strlen (account));
  return b;
}

static void
w_row (GByteArray *b, guint8 flags, gint64 date, const char *subject, gsize subject_len)
{
  w_u64 (b, 42);
  w_u64 (b, (guint64) date);
  g_byte_array_append (b, &flags, 1);
  w_str (b, "u1", 2);
  w_str (b, "", 0);
  w_str (b, "a@b", 3);
  w_str (b, "", 0);
  w_str (b, subject, subject_len);
  w_str (b, "", 0);
}

static void
w_crc (GByteArray *b)
{
  w_u32 (b, crc32 (0, b->data, b->len));
}

static void
write_file (MpHeaderCache *cache, const char *account, const void *data, gsize len)
{
  g_autofree char *path = mp_header_cache_dup_path (cache, account);

  g_assert_cmpint (g_mkdir_with_parents (mp_header_cache_get_dir (cache), 0700), ==, 0);
  /* not g_file_set_contents: its fsync makes the thousands of files here slow */
  FILE *f = fopen (path, "wb");

  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (data, 1, len, f), ==, len);
  g_assert_cmpint (fclose (f), ==, 0);
}

/* @data as the account's file must be dropped: one log line, empty, no error,
 * the file gone. */
static void
assert_dropped_because (MpHeaderCache *cache, const void *data, gsize len, const char *why)
{
  g_autofree char *path = mp_header_cache_dup_path (cache, "acc");
  g_autofree char *pattern = g_strconcat ("Header cache * dropped: ", why, NULL);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GDateTime) as_of = NULL;

  write_file (cache, "acc", data, len);
  g_test_expect_message ("mp-core", G_LOG_LEVEL_MESSAGE, pattern);
  rows = load (cache, "acc", &as_of);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_null (as_of);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
assert_dropped (MpHeaderCache *cache, const void *data, gsize len)
{
  assert_dropped_because (cache, data, len, "*");
}

static GBytes *
good_file (MpHeaderCache *cache)
{
  g_autoptr(GPtrArray) rows = make_rows (3);
  g_autofree char *path = mp_header_cache_dup_path (cache, "acc");
  char *data;
  gsize len;

  save (cache, "acc", rows, NULL);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static void
test_truncated_and_flipped (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GBytes) good = good_file (cache);
  gsize len;
  const guint8 *data = g_bytes_get_data (good, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);

  {
    g_autoptr(GPtrArray) rows = make_rows (3);
    g_autoptr(GPtrArray) back = load (cache, "acc", NULL);
    assert_same_rows (rows, back);
  }
  for (gsize cut = 0; cut < len; cut++)
    assert_dropped (cache, data, cut);
  for (gsize i = 0; i < len; i++)
    for (guint bit = 0; bit < 8; bit++)
      {
        copy[i] ^= 1u << bit;
        assert_dropped (cache, copy, len);
        copy[i] ^= 1u << bit;
      }
  /* and the untouched copy still loads */
  write_file (cache, "acc", copy, len);
  {
    g_autoptr(GPtrArray) back = load (cache, "acc", NULL);
    g_assert_cmpuint (back->len, ==, 3);
  }
}

static void
test_garbage (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  guint8 buf[4096];

  assert_dropped (cache, "", 0);
  assert_dropped (cache, "MPHCACHE", 8);
  assert_dropped (cache, "# mailpeek seen v1\nabc\n", 23);
  for (guint round = 0; round < 200; round++)
    {
      gsize len = g_rand_int_range (rand, 1, sizeof buf);

      for (gsize i = 0; i < len; i++)
        buf[i] = g_rand_int (rand);
      if (round % 2)
        memcpy (buf, "MPHCACHE\x01\0\0\0", MIN (len, 12));
      assert_dropped (cache, buf, len);
    }
}

/* Files whose checksum is right but whose content is not: each check of the reader. */
static void
test_bounds (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autofree char *big = g_strnfill (MP_HEADER_CACHE_MAX_FIELD_BYTES + 1, 'x');
  struct {
    const char *what;
    const char *why;        /* the reason the log line must give */
    guint32     version;
    guint32     n_rows;
    const char *account;
    guint8      flags;
    gint64      date;
    const char *subject;
    gsize       subject_len;
    guint32     huge_len;   /* != 0: the subject's length prefix says this instead */
    gboolean    trailing;
  } cases[] = {
    { "version 0", "another version", 0, 1, "acc", 0, 0, "s", 1 },
    { "version 2", "another version", 2, 1, "acc", 0, 0, "s", 1 },
    { "another account", "another account's", 1, 1, "other", 0, 0, "s", 1 },
    { "more rows than there are", "row count out of bounds", 1, 2, "acc", 0, 0, "s", 1 },
    { "fewer rows than there are", "bytes after the last row", 1, 0, "acc", 0, 0, "s", 1 },
    { "row count over the bound", "row count out of bounds", 1, G_MAXUINT32, "acc", 0, 0, "s", 1 },
    { "unknown flag", "unknown flags", 1, 1, "acc", 0x80, 0, "s", 1 },
    { "date out of range", "date out of range", 1, 1, "acc", 0, G_MAXINT64, "s", 1 },
    { "invalid UTF-8", "field not UTF-8", 1, 1, "acc", 0, 0, "\xff\xfe", 2 },
    { "NUL inside a field", "NUL inside a field", 1, 1, "acc", 0, 0, "a\0b", 3 },
    { "huge length prefix", "field too long", 1, 1, "acc", 0, 0, "s", 1, G_MAXUINT32 },
    { "length prefix past the end", "cut short", 1, 1, "acc", 0, 0, "s", 1, 1000 },
    { "field over the bound", "field too long", 1, 1, "acc", 0, 0, big, strlen (big) },
    { "bytes after the last row", "bytes after the last row", 1, 1, "acc", 0, 0, "s", 1, 0, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) b = w_head (cases[i].version, cases[i].n_rows, cases[i].account);
      gsize at;

      g_test_message ("%s", cases[i].what);
      at = b->len;
      w_row (b, cases[i].flags, cases[i].date, cases[i].subject, cases[i].subject_len);
      if (cases[i].huge_len)
        {
          /* the subject's prefix: after size, date, flags and four strings */
          gsize pos = at + 8 + 8 + 1 + (4 + 3) + (4 + 1) + (4 + 4) + (4 + 1);
          guint32 v = GUINT32_TO_LE (cases[i].huge_len);

          memcpy (b->data + pos, &v, 4);
        }
      if (cases[i].trailing)
        g_byte_array_append (b, (const guint8 *) "x", 1);
      w_crc (b);
      assert_dropped_because (cache, b->data, b->len, cases[i].why);
    }

  /* the same writer with nothing wrong: loads */
  {
    g_autoptr(GByteArray) b = w_head (1, 1, "acc");
    g_autoptr(GPtrArray) rows = NULL;

    w_row (b, 3, G_MININT64, "ok", 2);
    w_crc (b);
    write_file (cache, "acc", b->data, b->len);
    rows = load (cache, "acc", NULL);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (mp_message_summary_get_subject (g_ptr_array_index (rows, 0)), ==, "ok");
    g_assert_null (mp_message_summary_get_date (g_ptr_array_index (rows, 0)));
    g_assert_true (mp_message_summary_get_has_attachments (g_ptr_array_index (rows, 0)));
    g_assert_true (mp_message_summary_get_headers_truncated (g_ptr_array_index (rows, 0)));
  }
}

static void
test_not_a_file (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autofree char *path = mp_header_cache_dup_path (cache, "acc");
  g_autoptr(GPtrArray) rows = NULL;

  /* a folder where the file should be: dropped (it cannot be deleted, said too) */
  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  g_test_expect_message ("mp-core", G_LOG_LEVEL_MESSAGE, DROPPED);
  g_test_expect_message ("mp-core", G_LOG_LEVEL_MESSAGE, "Could not delete *");
  rows = load (cache, "acc", NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_fifo (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autofree char *path = mp_header_cache_dup_path (cache, "acc");
  g_autoptr(GPtrArray) rows = NULL;

  /* opened without O_NONBLOCK, a FIFO waits for a writer forever */
  g_assert_cmpint (g_mkdir_with_parents (mp_header_cache_get_dir (cache), 0700), ==, 0);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_test_expect_message ("mp-core", G_LOG_LEVEL_MESSAGE, DROPPED);
  rows = load (cache, "acc", NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_row_bound (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) back = NULL;
  guint n = MP_HEADER_CACHE_MAX_ROWS + 2;

  for (guint i = 0; i < n; i++)
    {
      char uidl[16];
      MpMessageSummaryFields f = { .uidl = uidl, .size = i };

      g_snprintf (uidl, sizeof uidl, "%u", i);
      g_ptr_array_add (rows, mp_message_summary_new_from_fields (&f));
    }
  save (cache, "acc", rows, NULL);
  back = load (cache, "acc", NULL);
  /* the newest rows (the end: POP3 lists oldest first) are the ones kept */
  g_assert_cmpuint (back->len, ==, MP_HEADER_CACHE_MAX_ROWS);
  g_assert_cmpstr (mp_message_summary_get_uidl (g_ptr_array_index (back, 0)), ==, "2");
  g_assert_cmpuint (mp_message_summary_get_size (g_ptr_array_index (back, back->len - 1)), ==,
                    n - 1);
}

static void
test_byte_bound (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *field = g_strnfill (MP_HEADER_CACHE_MAX_FIELD_BYTES, 'f');
  g_autofree char *over = g_strnfill (MP_HEADER_CACHE_MAX_FIELD_BYTES + 1, 'o');
  g_autofree char *path = mp_header_cache_dup_path (cache, "acc");
  guint per_row = 5;   /* five full fields: 1.25 MiB a row */
  guint n = MP_HEADER_CACHE_MAX_BYTES / (per_row * MP_HEADER_CACHE_MAX_FIELD_BYTES) + 10;
  GStatBuf st;

  for (guint i = 0; i < n; i++)
    {
      char uidl[16];
      MpMessageSummaryFields f = {
        .uidl = uidl, .size = i, .from_name = field, .from_address = field, .to = field,
        .subject = field, .message_id = field,
      };

      g_snprintf (uidl, sizeof uidl, "%u", i);
      if (i == n - 2)
        f.subject = over;   /* one field over the bound: that row is left out */
      g_ptr_array_add (rows, mp_message_summary_new_from_fields (&f));
    }
  save (cache, "acc", rows, NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <=, MP_HEADER_CACHE_MAX_BYTES);
  back = load (cache, "acc", NULL);
  g_assert_cmpuint (back->len, >, 0);
  g_assert_cmpuint (back->len, <=, MP_HEADER_CACHE_MAX_BYTES / (per_row * MP_HEADER_CACHE_MAX_FIELD_BYTES));
  /* the newest that fit, in order, without the one with the long field */
  for (guint i = 0; i < back->len; i++)
    {
      guint64 want = n - 1 - back->len + i;

      if (i == back->len - 1)
        want = n - 1;
      g_assert_cmpuint (mp_message_summary_get_size (g_ptr_array_index (back, i)), ==, want);
    }
}

static void
test_cancel (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GPtrArray) rows = make_rows (10);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) none = make_rows (0);
  g_autoptr(GError) error = NULL;
  GPtrArray *back;

  save (cache, "acc", rows, NULL);
  g_cancellable_cancel (cancellable);
  back = mp_header_cache_load_sync (cache, "acc", NULL, cancellable, &error);
  g_assert_null (back);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (mp_header_cache_save_sync (cache, "acc", none, NULL, cancellable,
                                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* neither touched the file, and the save left nothing behind */
  back = load (cache, "acc", NULL);
  g_assert_cmpuint (back->len, ==, 10);
  g_ptr_array_unref (back);
  {
    g_autoptr(GPtrArray) files = list_dir (mp_header_cache_get_dir (cache));
    g_assert_cmpuint (files->len, ==, 1);
  }
}

/* A save that fails half-way (the file size limit: as a full disk does) says
 * why, keeps the old file and leaves no part of the new one. */
static void
test_write_fails (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GPtrArray) rows = make_rows (10);
  g_autoptr(GPtrArray) many = make_rows (10000);
  g_autoptr(GError) error = NULL;
  struct rlimit old_limit, limit;
  void (*old_handler) (int);
  GPtrArray *back;
  gboolean saved;

  save (cache, "acc", rows, NULL);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 256 * 1024;   /* the 10,000 rows take about 2 MB */
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  saved = mp_header_cache_save_sync (cache, "acc", many, NULL, NULL, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (saved);
  g_assert_error (error, MP_ERROR, MP_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  back = load (cache, "acc", NULL);
  g_assert_cmpuint (back->len, ==, 10);
  g_ptr_array_unref (back);
  {
    g_autoptr(GPtrArray) files = list_dir (mp_header_cache_get_dir (cache));
    g_assert_cmpuint (files->len, ==, 1);
  }
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (void)
{
  g_autoptr(MpHeaderCache) cache = mp_header_cache_new (NULL);
  g_autoptr(GPtrArray) rows = make_rows (100);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GDateTime) as_of = g_date_time_new_from_unix_utc (1000000000);
  g_autoptr(GDateTime) got = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;

  mp_header_cache_save_async (cache, "acc", rows, as_of, NULL, on_done, &saved);
  g_assert_true (mp_header_cache_save_finish (cache, wait_result (&saved), &error));
  g_assert_no_error (error);
  mp_header_cache_load_async (cache, "acc", NULL, on_done, &loaded);
  back = mp_header_cache_load_finish (cache, wait_result (&loaded), &got, &error);
  g_assert_no_error (error);
  assert_same_rows (rows, back);
  g_assert_true (g_date_time_equal (got, as_of));
}

static void
test_reconcile (void)
{
  g_autoptr(GPtrArray) cached = g_ptr_array_new_with_free_func (g_object_unref);
  const char *cached_uidls[] = { "a", "b", "c", "d", "b" };
  const char *server[] = { "d", "x", "b", "x", "y", "d" };
  g_autoptr(GPtrArray) kept = NULL;
  g_auto(GStrv) unknown = NULL;
  const char *want_unknown[] = { "x", "y", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cached_uidls); i++)
    g_ptr_array_add (cached, make_row (cached_uidls[i], i, "s", 0));

  /* a, c and the second b go: 5 cached, 2 kept */
  g_assert_cmpuint (mp_header_cache_reconcile (cached, server, G_N_ELEMENTS (server),
                                               &kept, &unknown), ==, 3);
  g_assert_cmpuint (kept->len, ==, 2);
  g_assert_true (g_ptr_array_index (kept, 0) == g_ptr_array_index (cached, 3));   /* d */
  g_assert_true (g_ptr_array_index (kept, 1) == g_ptr_array_index (cached, 1));   /* first b */
  g_assert_cmpstrv (unknown, want_unknown);
  g_clear_pointer (&kept, g_ptr_array_unref);
  g_clear_pointer (&unknown, g_strfreev);

  /* an empty server: everything goes; an empty cache: everything is unknown */
  g_assert_cmpuint (mp_header_cache_reconcile (cached, NULL, 0, &kept, &unknown), ==, 5);
  g_assert_cmpuint (kept->len, ==, 0);
  g_assert_null (unknown[0]);
  g_clear_pointer (&kept, g_ptr_array_unref);
  g_clear_pointer (&unknown, g_strfreev);
  g_ptr_array_set_size (cached, 0);
  g_assert_cmpuint (mp_header_cache_reconcile (cached, server, 3, &kept, &unknown), ==, 0);
  g_assert_cmpuint (kept->len, ==, 0);
  g_assert_cmpuint (g_strv_length (unknown), ==, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/header-cache/paths", test_paths);
  g_test_add_func ("/core/header-cache/round-trip", test_round_trip);
  g_test_add_func ("/core/header-cache/missing", test_missing);
  g_test_add_func ("/core/header-cache/10000-rows", test_ten_thousand);
  g_test_add_func ("/core/header-cache/truncated-flipped", test_truncated_and_flipped);
  g_test_add_func ("/core/header-cache/garbage", test_garbage);
  g_test_add_func ("/core/header-cache/bounds", test_bounds);
  g_test_add_func ("/core/header-cache/not-a-file", test_not_a_file);
  g_test_add_func ("/core/header-cache/fifo", test_fifo);
  g_test_add_func ("/core/header-cache/row-bound", test_row_bound);
  g_test_add_func ("/core/header-cache/byte-bound", test_byte_bound);
  g_test_add_func ("/core/header-cache/cancel", test_cancel);
  g_test_add_func ("/core/header-cache/write-fails", test_write_fails);
  g_test_add_func ("/core/header-cache/async", test_async);
  g_test_add_func ("/core/header-cache/reconcile", test_reconcile);
  return g_test_run ();
}
