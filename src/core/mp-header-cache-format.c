/* mp-header-cache-format.c — the header cache's file format (see mp-header-cache.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-header-cache-private.h"
#include "mp-error.h"

#include <string.h>

#define MAGIC         "MPHCACHE"
#define MAGIC_LEN     8
#define HEADER_LEN    (MAGIC_LEN + 4 + 4 + 8)   /* magic, version, count, as-of */
#define CRC_LEN       4
#define DATE_NONE     G_MININT64
#define N_ROW_STRINGS 6
/* size, date, flags and six empty strings: no row is shorter */
#define MIN_ROW_LEN   (8 + 8 + 1 + N_ROW_STRINGS * 5)
/* how many rows between two looks at the cancellable */
#define CANCEL_EVERY  4096

enum {
  FLAG_ATTACHMENTS = 1 << 0,
  FLAG_HEADERS_TRUNCATED = 1 << 1,
  FLAGS_KNOWN = FLAG_ATTACHMENTS | FLAG_HEADERS_TRUNCATED,
};

/* ---- CRC-32 (IEEE 802.3, as zlib): catches a torn or damaged file ----
 * Slicing by 8 (eight tables, eight bytes a step): a byte at a time took a
 * quarter of a 10,000-row load. */

static guint32 crc_table[8][256];

static void
crc_table_init (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  for (guint32 i = 0; i < 256; i++)
    {
      guint32 c = i;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      crc_table[0][i] = c;
    }
  for (guint32 i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^ (crc_table[t - 1][i] >> 8);
  g_once_init_leave (&done, 1);
}

/* The running CRC @c (start: 0xffffffff; the CRC is the final value with every
 * bit inverted) after @len more bytes. */
static guint32
crc32_update (guint32       c,
              const guchar *data,
              gsize         len)
{
  crc_table_init ();
  for (; len >= 8; data += 8, len -= 8)
    {
      guint32 lo = c ^ ((guint32) data[0] | (guint32) data[1] << 8 |
                        (guint32) data[2] << 16 | (guint32) data[3] << 24);
      guint32 hi = (guint32) data[4] | (guint32) data[5] << 8 |
                   (guint32) data[6] << 16 | (guint32) data[7] << 24;

      c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
          crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
          crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
          crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
    }
  for (; len > 0; data++, len--)
    c = crc_table[0][(c ^ *data) & 0xff] ^ (c >> 8);
  return c;
}

static guint32
crc32_of (const guchar *data,
          gsize         len)
{
  return crc32_update (0xffffffffu, data, len) ^ 0xffffffffu;
}

/* ---- writing ---- */

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static void
put_u64 (GByteArray *out,
         guint64     v)
{
  v = GUINT64_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static void
put_str (GByteArray *out,
         const char *s)
{
  gsize len = s ? strlen (s) : 0;

  put_u32 (out, len);
  g_byte_array_append (out, (const guint8 *) (s ? s : ""), len + 1);
}

static gint64
date_to_unix (GDateTime *date)
{
  return date ? g_date_time_to_unix (date) : DATE_NONE;
}

/* The strings of a row, in file order. */
static void
row_strings (MpMessageSummary *row,
             const char       *out[N_ROW_STRINGS])
{
  out[0] = mp_message_summary_get_uidl (row);
  out[1] = mp_message_summary_get_from_name (row);
  out[2] = mp_message_summary_get_from_address (row);
  out[3] = mp_message_summary_get_to (row);
  out[4] = mp_message_summary_get_subject (row);
  out[5] = mp_message_summary_get_message_id (row);
}

/* Bytes @row takes in the file, or 0 when a field is over the bound. */
static gsize
row_length (MpMessageSummary *row)
{
  const char *strings[N_ROW_STRINGS];
  gsize len = 8 + 8 + 1;

  row_strings (row, strings);
  for (guint i = 0; i < N_ROW_STRINGS; i++)
    {
      gsize n = strlen (strings[i]);

      if (n > MP_HEADER_CACHE_MAX_FIELD_BYTES)
        return 0;
      len += 4 + n + 1;
    }
  return len;
}

static void
put_row (GByteArray       *out,
         MpMessageSummary *row)
{
  const char *strings[N_ROW_STRINGS];
  guint8 flags = 0;

  if (mp_message_summary_get_has_attachments (row))
    flags |= FLAG_ATTACHMENTS;
  if (mp_message_summary_get_headers_truncated (row))
    flags |= FLAG_HEADERS_TRUNCATED;
  put_u64 (out, mp_message_summary_get_size (row));
  put_u64 (out, (guint64) date_to_unix (mp_message_summary_get_date (row)));
  g_byte_array_append (out, &flags, 1);
  row_strings (row, strings);
  for (guint i = 0; i < N_ROW_STRINGS; i++)
    put_str (out, strings[i]);
}

/* Marks in @lengths the rows that go into the file — the newest (last) ones
 * that fit the bounds; the others get 0 — and returns the bytes they take. */
static gsize
choose_rows (GPtrArray *rows,
             gsize      fixed,
             gsize     *lengths)
{
  gsize total = fixed;
  guint n_kept = 0;

  for (guint i = rows->len; i > 0; i--)
    {
      gsize len = row_length (g_ptr_array_index (rows, i - 1));

      if (n_kept == MP_HEADER_CACHE_MAX_ROWS || total + len > MP_HEADER_CACHE_MAX_BYTES)
        len = 0;
      lengths[i - 1] = len;
      if (len > 0)
        {
          total += len;
          n_kept++;
        }
    }
  return total;
}

/* The file goes to the sink a piece at a time: a whole 100,000-row file held in
 * memory while it is written was the largest block at the process's peak. */
#define PIECE_BYTES (64 * 1024)

typedef struct {
  GByteArray       *buf;       /* what is not yet in the sink */
  guint32           crc;       /* running, over what went to the sink */
  gsize             written;
  MpHeaderCacheSink sink;
  gpointer          sink_data;
} Writer;

static gboolean
writer_flush (Writer  *w,
              GError **error)
{
  if (w->buf->len == 0)
    return TRUE;
  w->crc = crc32_update (w->crc, w->buf->data, w->buf->len);
  if (!w->sink (w->buf->data, w->buf->len, w->sink_data, error))
    return FALSE;
  w->written += w->buf->len;
  g_byte_array_set_size (w->buf, 0);
  return TRUE;
}

gboolean
mp_header_cache_encode (const char        *account_id,
                        GPtrArray         *rows,
                        GDateTime         *as_of,
                        MpHeaderCacheSink  sink,
                        gpointer           sink_data,
                        GCancellable      *cancellable,
                        GError           **error)
{
  gsize fixed = HEADER_LEN + 4 + strlen (account_id) + 1 + CRC_LEN;
  g_autofree gsize *lengths = g_new (gsize, MAX (rows->len, 1));
  gsize total = choose_rows (rows, fixed, lengths);
  g_autoptr(GByteArray) buf = NULL;
  Writer w = { NULL, 0xffffffffu, 0, sink, sink_data };
  guint32 n_kept = 0;

  if (fixed > MP_HEADER_CACHE_MAX_BYTES)
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, "Account id too long for the header cache");
      return FALSE;
    }
  for (guint i = 0; i < rows->len; i++)
    n_kept += lengths[i] > 0;

  w.buf = buf = g_byte_array_sized_new (MIN (total, PIECE_BYTES + MP_HEADER_CACHE_MAX_FIELD_BYTES));
  g_byte_array_append (buf, (const guint8 *) MAGIC, MAGIC_LEN);
  put_u32 (buf, MP_HEADER_CACHE_VERSION);
  put_u32 (buf, n_kept);
  put_u64 (buf, (guint64) g_date_time_to_unix (as_of));
  put_str (buf, account_id);
  for (guint i = 0; i < rows->len; i++)
    {
      if (i % CANCEL_EVERY == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (lengths[i] > 0)
        put_row (buf, g_ptr_array_index (rows, i));
      if (buf->len >= PIECE_BYTES && !writer_flush (&w, error))
        return FALSE;
    }
  if (!writer_flush (&w, error))
    return FALSE;
  put_u32 (buf, w.crc ^ 0xffffffffu);
  if (!writer_flush (&w, error))
    return FALSE;
  g_warn_if_fail (w.written == total);
  return TRUE;
}

/* ---- reading: every length is checked against what is left ---- */

typedef struct {
  const guchar *p;     /* next unread byte */
  const guchar *end;
  const char   *why;   /* the first problem found, or NULL */
} Reader;

static gboolean
reader_fail (Reader     *r,
             const char *why)
{
  if (r->why == NULL)
    r->why = why;
  r->p = r->end;
  return FALSE;
}

static gboolean
get_bytes (Reader        *r,
           gsize          n,
           const guchar **out)
{
  if (r->why != NULL || (gsize) (r->end - r->p) < n)
    return reader_fail (r, "cut short");
  *out = r->p;
  r->p += n;
  return TRUE;
}

static guint32
get_u32 (Reader *r)
{
  const guchar *b;
  guint32 v = 0;

  if (get_bytes (r, 4, &b))
    memcpy (&v, b, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_u64 (Reader *r)
{
  const guchar *b;
  guint64 v = 0;

  if (get_bytes (r, 8, &b))
    memcpy (&v, b, 8);
  return GUINT64_FROM_LE (v);
}

/* A pointer into the buffer: the stored NUL ends it.  NULL on any problem.
 * Row fields must be UTF-8 (a summary's promise); an account id is any bytes. */
static const char *
get_str (Reader   *r,
         gboolean  utf8)
{
  guint32 len = get_u32 (r);
  const guchar *b;

  if (len > MP_HEADER_CACHE_MAX_FIELD_BYTES)
    return reader_fail (r, "field too long"), NULL;
  if (!get_bytes (r, (gsize) len + 1, &b))
    return NULL;
  if (b[len] != '\0' || memchr (b, '\0', len) != NULL)
    return reader_fail (r, "NUL inside a field"), NULL;
  if (utf8 && !g_utf8_validate ((const char *) b, len, NULL))
    return reader_fail (r, "field not UTF-8"), NULL;
  return (const char *) b;
}

static MpMessageSummary *
get_row (Reader *r)
{
  MpMessageSummaryFields f = { 0 };
  g_autoptr(GDateTime) date = NULL;
  const char *strings[N_ROW_STRINGS];
  gint64 when;
  const guchar *flags;

  f.size = get_u64 (r);
  when = (gint64) get_u64 (r);
  if (!get_bytes (r, 1, &flags))
    return NULL;
  if ((*flags & ~FLAGS_KNOWN) != 0)
    return reader_fail (r, "unknown flags"), NULL;
  for (guint i = 0; i < N_ROW_STRINGS; i++)
    if ((strings[i] = get_str (r, TRUE)) == NULL)
      return NULL;
  if (when != DATE_NONE && (date = g_date_time_new_from_unix_utc (when)) == NULL)
    return reader_fail (r, "date out of range"), NULL;

  f.uidl = strings[0];
  f.from_name = strings[1];
  f.from_address = strings[2];
  f.to = strings[3];
  f.subject = strings[4];
  f.message_id = strings[5];
  f.date = date;
  f.has_attachments = (*flags & FLAG_ATTACHMENTS) != 0;
  f.headers_truncated = (*flags & FLAG_HEADERS_TRUNCATED) != 0;
  return mp_message_summary_new_from_fields (&f);
}

/* The head of the file up to the rows; sets r->why when it is not ours. */
static guint32
get_head (Reader      *r,
          const char  *account_id,
          GDateTime  **as_of)
{
  const guchar *magic;
  const char *id;
  guint32 version, n_rows;
  gint64 when;

  if (!get_bytes (r, MAGIC_LEN, &magic) || memcmp (magic, MAGIC, MAGIC_LEN) != 0)
    return reader_fail (r, "not a header cache"), 0;
  version = get_u32 (r);
  if (r->why == NULL && version != MP_HEADER_CACHE_VERSION)
    return reader_fail (r, "another version"), 0;
  /* the checksum covers all but itself: from here on every byte is as written */
  if (r->why == NULL && (gsize) (r->end - r->p) >= CRC_LEN)
    {
      const guchar *start = r->p - MAGIC_LEN - 4;
      guint32 stored;

      r->end -= CRC_LEN;
      memcpy (&stored, r->end, CRC_LEN);
      if (crc32_of (start, r->end - start) != GUINT32_FROM_LE (stored))
        return reader_fail (r, "checksum mismatch"), 0;
    }
  n_rows = get_u32 (r);
  when = (gint64) get_u64 (r);
  id = get_str (r, FALSE);
  if (r->why != NULL)
    return 0;
  if (strcmp (id, account_id) != 0)
    return reader_fail (r, "another account's"), 0;
  if (n_rows > MP_HEADER_CACHE_MAX_ROWS || n_rows > (gsize) (r->end - r->p) / MIN_ROW_LEN)
    return reader_fail (r, "row count out of bounds"), 0;
  if ((*as_of = g_date_time_new_from_unix_utc (when)) == NULL)
    return reader_fail (r, "date out of range"), 0;
  return n_rows;
}

static GPtrArray *
decode_rows (Reader        *r,
             guint32        n_rows,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n_rows, g_object_unref);

  for (guint32 i = 0; i < n_rows; i++)
    {
      MpMessageSummary *row;

      if (i % CANCEL_EVERY == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if ((row = get_row (r)) == NULL)
        return NULL;
      g_ptr_array_add (rows, row);
    }
  if (r->p != r->end)
    return reader_fail (r, "bytes after the last row"), NULL;
  return g_steal_pointer (&rows);
}

GPtrArray *
mp_header_cache_decode (const guchar  *data,
                        gsize          len,
                        const char    *account_id,
                        GDateTime    **as_of,
                        const char   **why,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GDateTime) when = NULL;
  Reader r = { data, data + len, NULL };
  guint32 n_rows = get_head (&r, account_id, &when);
  GPtrArray *rows = r.why ? NULL : decode_rows (&r, n_rows, cancellable, error);

  *why = r.why;
  if (rows != NULL)
    *as_of = g_steal_pointer (&when);
  return rows;
}
