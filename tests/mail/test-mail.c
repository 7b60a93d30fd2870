/* test-mail.c — MpMessageSummary, MpMessagePreview and the HTML reducer against the
 * generated sample mail (tests/harness/gen-mail.py) and against hostile input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mp-html-text.h"
#include "mp-message-preview.h"
#include "mp-message-summary.h"

typedef struct {
  char     *dir;        /* owned: temp dir with messages/ and manifest.ini */
  GKeyFile *manifest;   /* owned */
  guint     count;
} Samples;

static Samples samples;

static void
samples_setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { MP_PYTHON3, MP_GEN_MAIL_PY, "--out", NULL, NULL };

  samples.dir = g_dir_make_tmp ("mp-mail-test-XXXXXX", &error);
  g_assert_no_error (error);
  argv[3] = samples.dir;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gen-mail.py failed: %s", err);

  ini = g_build_filename (samples.dir, "manifest.ini", NULL);
  samples.manifest = g_key_file_new ();
  g_key_file_load_from_file (samples.manifest, ini, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  samples.count = g_key_file_get_integer (samples.manifest, "manifest", "count", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples.count, >=, 20);
}

static void
rm_rf (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static void
samples_teardown (void)
{
  rm_rf (samples.dir);
  g_free (samples.dir);
  g_key_file_unref (samples.manifest);
}

static char *
group (guint i)
{
  return g_strdup_printf ("message %u", i);
}

static char *
field (guint i, const char *key)
{
  g_autofree char *g = group (i);
  g_autoptr(GError) error = NULL;
  char *value = g_key_file_get_string (samples.manifest, g, key, &error);

  g_assert_no_error (error);
  return value;
}

static gint64
int_field (guint i, const char *key)
{
  g_autofree char *g = group (i);
  g_autoptr(GError) error = NULL;
  gint64 value = g_key_file_get_int64 (samples.manifest, g, key, &error);

  g_assert_no_error (error);
  return value;
}

static GBytes *
load_message (guint i)
{
  g_autofree char *path = field (i, "path");
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* What a POP3 client gets: CRLF line ends. */
static GBytes *
to_crlf (GBytes *lf)
{
  gsize len;
  const char *p = g_bytes_get_data (lf, &len);
  GString *s = g_string_sized_new (len + len / 20);

  for (gsize i = 0; i < len; i++)
    {
      if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
        g_string_append_c (s, '\r');
      g_string_append_c (s, p[i]);
    }
  return g_string_free_to_bytes (s);
}

/* Header block + first n body lines, like TOP msg n. */
static GBytes *
top_lines (GBytes *msg, guint n)
{
  gsize len;
  const char *p = g_bytes_get_data (msg, &len);
  const char *end = p + len;
  const char *q = strstr (p, "\n\n");
  const char *q2 = strstr (p, "\n\r\n");
  guint lines = 0;

  if (q == NULL || (q2 != NULL && q2 < q))
    q = q2 ? q2 + 3 : NULL;
  else
    q += 2;
  g_assert_nonnull (q);
  while (q < end && lines < n)
    {
      const char *nl = memchr (q, '\n', end - q);
      q = nl ? nl + 1 : end;
      lines++;
    }
  return g_bytes_new (p, q - p);
}

static char *
iso_date (GDateTime *dt)
{
  return dt ? g_date_time_format_iso8601 (dt) : g_strdup ("(null)");
}

static void
assert_valid_utf8 (const char *s)
{
  g_assert_nonnull (s);
  g_assert_true (g_utf8_validate (s, -1, NULL));
}

/* ------------------------------------------------------------------ summaries */

static void
test_summary_samples (void)
{
  for (guint i = 0; i < samples.count; i++)
    {
      g_autoptr(GBytes) lf = load_message (i);
      g_autoptr(GBytes) msg = (i % 2) ? to_crlf (lf) : g_bytes_ref (lf);
      g_autoptr(GBytes) headers = top_lines (msg, 0);
      g_autofree char *uidl = field (i, "uidl");
      gsize len;
      const char *data = g_bytes_get_data (i % 3 == 0 ? msg : headers, &len);
      g_autoptr(MpMessageSummary) s =
        mp_message_summary_new_from_headers (data, len, uidl, (guint64) int_field (i, "size"));
      g_autofree char *from_name = field (i, "from_name");
      g_autofree char *from_addr = field (i, "from_addr");
      g_autofree char *subject = field (i, "subject");
      g_autofree char *to = field (i, "to");
      g_autofree char *date = field (i, "date");
      g_autofree char *mid = field (i, "message_id");
      g_autofree char *got_date = iso_date (mp_message_summary_get_date (s));
      g_autofree char *display = mp_message_summary_dup_from_display (s);
      g_autofree char *g = group (i);
      gboolean attach = g_key_file_get_boolean (samples.manifest, g, "has_attachments", NULL);

      g_test_message ("message %u: %s", i, subject);
      g_assert_cmpstr (mp_message_summary_get_uidl (s), ==, uidl);
      g_assert_cmpuint (mp_message_summary_get_size (s), ==, (guint64) int_field (i, "size"));
      g_assert_cmpstr (mp_message_summary_get_subject (s), ==, subject);
      g_assert_cmpstr (mp_message_summary_get_from_name (s), ==, from_name);
      g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, from_addr);
      g_assert_cmpstr (mp_message_summary_get_to (s), ==, to);
      g_assert_cmpstr (got_date, ==, date);
      g_assert_cmpstr (mp_message_summary_get_message_id (s), ==, mid);
      g_assert_cmpint (mp_message_summary_get_has_attachments (s), ==, attach);
      if (*from_name)
        g_assert_true (g_str_has_prefix (display, from_name));
      g_assert_nonnull (strstr (display, from_addr));
      g_assert_false (mp_message_summary_get_is_new (s));
    }
}

static void
notify_count (GObject *obj, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_summary_is_new (void)
{
  const char hdr[] = "From: a@b.c\r\nSubject: x\r\n\r\n";
  g_autoptr(MpMessageSummary) s = mp_message_summary_new_from_headers (hdr, strlen (hdr), "u1", 5);
  guint n = 0;
  gboolean v = FALSE;

  g_signal_connect (s, "notify::is-new", G_CALLBACK (notify_count), &n);
  mp_message_summary_set_is_new (s, TRUE);
  mp_message_summary_set_is_new (s, TRUE);   /* no change, no notify */
  g_assert_true (mp_message_summary_get_is_new (s));
  g_object_get (s, "is-new", &v, NULL);
  g_assert_true (v);
  g_object_set (s, "is-new", FALSE, NULL);
  g_assert_false (mp_message_summary_get_is_new (s));
  g_assert_cmpuint (n, ==, 2);
}

typedef struct {
  const char *header;
  const char *subject;
  const char *from_name;
} HeaderCase;

static void
test_summary_encodings (void)
{
  static const HeaderCase cases[] = {
    /* GB2312 B, ISO-8859-1 Q, UTF-8 Q with underscore, adjacent words joined */
    { "Subject: =?GB2312?B?xOO6ww==?=\n", "你好", NULL },
    { "Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=\n", "Café crème", NULL },
    { "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= =?utf-8?q?_aus_M=C3=BCnchen?=\n", "Grüße aus München", NULL },
    { "Subject: plain\n folded\n\tline\n", "plain folded line", NULL },
    { "From: =?iso-8859-1?b?Wm/rIFN2ZW5zc29u?= <z@example.se>\n", NULL, "Zoë Svensson" },
    { "From: \"Doe, John\" <j@example.com>\n", NULL, "Doe, John" },
    /* undeclared 8-bit Latin-1 in a header still becomes valid UTF-8 */
    { "Subject: Stra\xdf" "e\n", "Straße", NULL },
    /* folded B words with "=" padding (Python's folding): each decoded on its own */
    { "Subject: =?utf-8?b?0JLRgdGC0YDQtdGH0LAg0LIg0L/Rj9GC0L0=?=\n"
      " =?utf-8?b?0LjRhtGDLCDQutC+0LzQvdCw0YLQsCA0MjYxOA==?=\n",
      "Встреча в пятницу, комната 42618", NULL },
    { "From: =?utf-8?b?0JjQstCw0L0g0J/QtdGC0YDQvtCy0LjRhyA=?=\n"
      "\t=?UTF-8?B?0KHQuNC00L7RgNC+0LIt0JrRg9C30L3QtdGG0L7Qsg==?= <i@example.org>\n",
      NULL, "Иван Петрович Сидоров-Кузнецов" },
    /* a character split between two words; B next to Q; other charsets kept apart */
    { "Subject: =?utf-8?b?0A==?= =?utf-8?b?kg==?= =?utf-8?q?=D0?=\n =?utf-8?q?=B0_x?=\n", "Ва x", NULL },
    { "Subject: =?koi8-r?b?8NLJ18XU?= =?utf-8?b?0LzQuNGA?= =?koi8-r?q?!?=\n", "Приветмир!", NULL },
    { "Subject: =?utf-8?b?0JLRgQ==?==?utf-8?b?0YI=?= x\n", "Вст x", NULL },
    /* plain text between words is kept, whitespace between words is not */
    { "Subject: Re: =?utf-8?q?a?= and =?utf-8?q?b?=  \n =?utf-8?q?c?= [#1]\n", "Re: a and bc [#1]", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MpMessageSummary) s =
        mp_message_summary_new_from_headers (cases[i].header, strlen (cases[i].header), "u", 1);

      if (cases[i].subject)
        g_assert_cmpstr (mp_message_summary_get_subject (s), ==, cases[i].subject);
      if (cases[i].from_name)
        g_assert_cmpstr (mp_message_summary_get_from_name (s), ==, cases[i].from_name);
    }
}

typedef struct {
  const char *header;
  const char *iso;   /* NULL: no date */
} DateCase;

static void
test_summary_dates (void)
{
  static const DateCase cases[] = {
    { "Date: Sun, 3 Mar 2024 01:02:03 EST\n", "2024-03-03T06:02:03Z" },
    { "Date: 1 Jan 2024 10:00 +0100\n", "2024-01-01T09:00:00Z" },
    { "Date: Tue, 05 Mar 2024 12:37:41 +0530\n", "2024-03-05T07:07:41Z" },
    { "Date: 2024-03-03T01:02:03+02:00\n", "2024-03-02T23:02:03Z" },
    { "Date: not a date at all\n", NULL },
    { "Date: Tue, 31 Feb 2024 25:61:61 +0000\n", NULL },
    { "Subject: no date\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MpMessageSummary) s =
        mp_message_summary_new_from_headers (cases[i].header, strlen (cases[i].header), "u", 1);
      GDateTime *d = mp_message_summary_get_date (s);
      g_autofree char *got = d ? g_date_time_format_iso8601 (d) : NULL;

      g_assert_cmpstr (got, ==, cases[i].iso);
      if (d)
        g_assert_cmpint (g_date_time_get_utc_offset (d), ==, 0);
    }
}

static void
test_summary_broken_charsets (void)
{
  static const char *const cases[] = {
    "Subject: =?x-unknown-charset?B?w6k=?=\nFrom: =?bogus?Q?=FF=FE?= <a@b>\n",
    "Subject: =?UTF-8?B?////?=\n",
    "Subject: =?GB2312?B?gA==?= tail\n",
    "Subject: =?UTF-8?Q?=E2=82?=\n",
    "Subject: raw \xff\xfe\xc3 bytes \x01\x7f\n",
    "Subject: =?UTF-8?B?\n",
    "Date: not a date at all\nFrom: <<<>>>\nTo: ,,,@,\n",
    "Date: Mon, 99 Foo 2024 99:99:99 +9999\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MpMessageSummary) s =
        mp_message_summary_new_from_headers (cases[i], strlen (cases[i]), "u", 1);

      assert_valid_utf8 (mp_message_summary_get_subject (s));
      assert_valid_utf8 (mp_message_summary_get_from_name (s));
      assert_valid_utf8 (mp_message_summary_get_from_address (s));
      assert_valid_utf8 (mp_message_summary_get_to (s));
      for (const char *p = mp_message_summary_get_subject (s); *p; p++)
        g_assert_true ((guchar) *p >= 0x20);
    }
}

static void
test_summary_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);

  for (guint round = 0; round < 300; round++)
    {
      gsize len = g_rand_int_range (rand, 0, 4096);
      g_autofree guchar *buf = g_malloc (len + 1);
      g_autoptr(MpMessageSummary) s = NULL;

      for (gsize i = 0; i < len; i++)
        buf[i] = g_rand_int_range (rand, 0, 256);
      /* No ':' in the first bytes: nothing that could be a header field. */
      for (gsize i = 0; i < len; i++)
        if (buf[i] == ':')
          buf[i] = ';';
      s = mp_message_summary_new_from_headers ((char *) buf, len, "uidl", len);
      g_assert_cmpstr (mp_message_summary_get_subject (s), ==, "");
      g_assert_cmpstr (mp_message_summary_get_from_name (s), ==, "");
      g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, "");
      g_assert_cmpstr (mp_message_summary_get_message_id (s), ==, "");
      g_assert_null (mp_message_summary_get_date (s));
      g_assert_cmpuint (mp_message_summary_get_size (s), ==, len);
    }

  {
    g_autoptr(MpMessageSummary) empty = mp_message_summary_new_from_headers (NULL, 0, NULL, 0);
    g_assert_cmpstr (mp_message_summary_get_subject (empty), ==, "");
    g_assert_cmpstr (mp_message_summary_get_uidl (empty), ==, "");
    g_assert_null (mp_message_summary_get_date (empty));
  }
}

typedef struct {
  const char *header;
  const char *from_name;
  const char *from_address;
  const char *to;        /* NULL: not checked */
} FromCase;

/* GMime finds no mailbox in these From headers (an unbalanced "(" opens a comment
 * that never ends); the fallback must still give the sender. */
static void
test_summary_from_fallback (void)
{
  static const FromCase cases[] = {
    /* broken UTF-8 name: 8-bit read as windows-1252, like every undeclared header */
    { "From: \xc3\x28" "Bad Name\xff <alice@example.org>\nSubject: hi\n",
      "\xc3\x83(Bad Name\xc3\xbf", "alice@example.org", NULL },
    { "From: \xc3\x28" "Bad Name\xff <alice@example.org>\r\nSubject: hi\r\n\r\n",
      "\xc3\x83(Bad Name\xc3\xbf", "alice@example.org", NULL },
    /* the same with valid UTF-8 (replacement characters already in the name) */
    { "From: \xef\xbf\xbd(Bad Name\xef\xbf\xbd <alice@example.org>\n",
      "\xef\xbf\xbd(Bad Name\xef\xbf\xbd", "alice@example.org", NULL },
    { "From: \"Bob (the builder\" x (y <bob@example.org>\n",
      "\"Bob (the builder\" x (y", "bob@example.org", NULL },
    { "From: (Carol <carol@example.org>\n", "(Carol", "carol@example.org", NULL },
    { "From: dave@example.org (Dave\n", "", "dave@example.org", NULL },
    /* nothing that is an address: still blank, never garbage */
    { "From: (((\n", "", "", NULL },
    { "From: ( <>\n", "", "", NULL },
    { "From: (no at sign here\n", "", "", NULL },
    /* To has the same failure: the decoded text is shown instead of nothing */
    { "From: a@example.org\nTo: Bob (x <bob@example.org>\n",
      "", "a@example.org", "Bob (x <bob@example.org>" },
    /* control: a From GMime parses is not touched by the fallback */
    { "From: \"Doe, John\" <j@example.com>\nTo: x@example.org\n",
      "Doe, John", "j@example.com", "x@example.org" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MpMessageSummary) s =
        mp_message_summary_new_from_headers (cases[i].header, strlen (cases[i].header), "u", 1);

      g_test_message ("case %u", i);
      g_assert_cmpstr (mp_message_summary_get_from_name (s), ==, cases[i].from_name);
      g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, cases[i].from_address);
      if (cases[i].to)
        g_assert_cmpstr (mp_message_summary_get_to (s), ==, cases[i].to);
      g_assert_cmpstr (mp_message_summary_get_subject (s), ==,
                       strstr (cases[i].header, "Subject: hi") ? "hi" : "");
    }
}

#define HEADER_CAP (256 * 1024)   /* MP_MAIL_MAX_HEADER_BYTES */

static MpMessageSummary *
summary_of (GString *block)
{
  return mp_message_summary_new_from_headers (block->str, block->len, "u", block->len);
}

/* @head, then padding lines of @width bytes (folds of one Received field when
 * @folded) up to @total bytes, then the empty line. */
static GString *
padded_block (const char *head, guint width, gboolean folded, const char *eol, gsize total)
{
  GString *block = g_string_new (head);
  gsize head_len = block->len;
  g_autofree char *pad = g_strnfill (width, 'a');

  while (block->len < total)
    {
      if (!folded)
        g_string_append_printf (block, "X-Pad-%07u: %s%s", (guint) block->len, pad, eol);
      else
        g_string_append_printf (block, "%s%s%s", block->len == head_len ? "Received: " : "\t",
                                pad, eol);
    }
  g_string_append (block, eol);
  return block;
}

/* A sender pads the header block past the size a summary reads to hide who the
 * message is from: the fields under the cap are still read, wherever the cap
 * falls in a line (in a field name, a value, a fold, between CR and LF), and the
 * summary says the block was cut. */
static void
test_summary_huge_header (void)
{
  static const char *const eols[] = { "\r\n", "\n" };
  /* Under ASan (slow unwinder on every malloc) each block takes seconds: every
   * 7th width still puts the cap at several places in a line. */
  guint step = g_getenv ("MP_SANITIZER") != NULL ? 7 : 1;

  for (guint e = 0; e < G_N_ELEMENTS (eols); e++)
    for (guint width = 60; width < 100; width += step)
      for (guint folded = 0; folded < 2; folded++)
        {
          g_autofree char *head =
            g_strdup_printf ("From: Mallory <m@evil.example>%sSubject: Hidden sender%s"
                             "Date: Mon, 01 Apr 2024 10:00:00 +0000%s", eols[e], eols[e], eols[e]);
          g_autoptr(GString) block = padded_block (head, width, folded, eols[e], 300 * 1024);
          g_autoptr(MpMessageSummary) s = summary_of (block);
          g_autofree char *date = iso_date (mp_message_summary_get_date (s));

          g_test_message ("eol %u, width %u, folded %u", e, width, folded);
          g_assert_cmpstr (mp_message_summary_get_from_name (s), ==, "Mallory");
          g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, "m@evil.example");
          g_assert_cmpstr (mp_message_summary_get_subject (s), ==, "Hidden sender");
          g_assert_cmpstr (date, ==, "2024-04-01T10:00:00Z");
          g_assert_true (mp_message_summary_get_headers_truncated (s));
        }
}

/* The summary's own fields are read wherever they are in a block over the cap:
 * across it, after the padding; one of them too big for the cap is dropped
 * whole (not shown cut) without hiding the others. A block of exactly the cap
 * is whole. */
static void
test_summary_huge_header_edges (void)
{
  g_autoptr(GString) across = padded_block ("From: m@evil.example\r\n", 70, FALSE, "\r\n",
                                            HEADER_CAP - 100);
  g_autoptr(GString) after = padded_block ("Subject: padded\r\n", 70, TRUE, "\r\n",
                                           300 * 1024);
  g_autoptr(GString) huge = g_string_new ("Subject: huge");
  g_autoptr(MpMessageSummary) s = NULL;

  g_string_truncate (across, across->len - 2);
  g_string_append (across, "Subject: across");
  while (across->len < HEADER_CAP + 100)
    g_string_append (across, "\r\n the cap");
  g_string_append (across, "\r\n\r\n");
  s = summary_of (across);
  g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, "m@evil.example");
  g_assert_true (g_str_has_prefix (mp_message_summary_get_subject (s), "across the cap the cap"));
  g_assert_true (g_str_has_suffix (mp_message_summary_get_subject (s), "the cap"));
  g_assert_true (mp_message_summary_get_headers_truncated (s));
  g_clear_object (&s);

  g_string_truncate (after, after->len - 2);
  g_string_append (after, "From: Mallory <m@evil.example>\r\nDate: Mon, 01 Apr 2024 10:00:00 +0000\r\n\r\n");
  s = summary_of (after);
  g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, "m@evil.example");
  g_assert_cmpstr (mp_message_summary_get_subject (s), ==, "padded");
  g_assert_nonnull (mp_message_summary_get_date (s));
  g_assert_true (mp_message_summary_get_headers_truncated (s));
  g_clear_object (&s);

  while (huge->len < HEADER_CAP + 100)
    g_string_append (huge, "\r\n and more");
  g_string_append (huge, "\r\nFrom: m@evil.example\r\n\r\n");
  s = summary_of (huge);
  g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, "m@evil.example");
  g_assert_cmpstr (mp_message_summary_get_subject (s), ==, "");
  g_assert_true (mp_message_summary_get_headers_truncated (s));
  g_clear_object (&s);

  /* whole fields and the empty line exactly the cap: nothing cut; a byte more: cut */
  for (guint extra = 0; extra < 2; extra++)
    {
      g_autoptr(GString) exact = g_string_new ("From: m@evil.example\r\nX-Pad: ");

      while (exact->len < HEADER_CAP - strlen ("\r\nX-Z: z\r\n\r\n") + extra)
        g_string_append_c (exact, 'a');
      g_string_append (exact, "\r\nX-Z: z\r\n\r\nbody\r\n");
      s = summary_of (exact);
      g_assert_cmpstr (mp_message_summary_get_from_address (s), ==, "m@evil.example");
      g_assert_cmpint (mp_message_summary_get_headers_truncated (s), ==, extra == 1);
      g_clear_object (&s);
    }
}

/* Past the most a preview reads (64 MiB) inside the header block, the cut falls
 * at the start of a field too: a last line "X-P" made GMime read no header. */
static void
test_preview_huge_header (void)
{
  const gsize cap = 64 * 1024 * 1024;   /* MP_MAIL_MAX_INPUT_BYTES */
  const char *fold = "\r\n aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  gsize fold_len = strlen (fold);
  g_autoptr(GString) msg = NULL;
  g_autoptr(MpMessagePreview) p = NULL;

  if (g_getenv ("MP_SANITIZER") != NULL)
    {
      /* 64 MiB through GMime: 5 s here, over 5 minutes under ASan. */
      g_test_skip ("a 64 MiB message is too slow under sanitizers; the normal build runs it");
      return;
    }
  msg = g_string_sized_new (cap + 1024);

  /* one folded field up to 3 bytes before the cap (one field, not a million:
   * GMime's header objects would cost gigabytes), then "X-Pad: …" across it */
  g_string_append (msg, "From: Mallory <m@evil.example>\r\nSubject: Hidden sender\r\nX-Fold: a");
  while (msg->len + fold_len + 2 < cap - 3)
    g_string_append (msg, fold);
  while (msg->len + 2 < cap - 3)
    g_string_append_c (msg, 'a');
  g_string_append (msg, "\r\nX-Pad: aaaa\r\n\r\nbody\r\n");
  g_assert_cmpmem (msg->str + cap - 3, 3, "X-P", 3);

  p = mp_message_preview_new_from_bytes (msg->str, msg->len, TRUE);
  g_assert_cmpstr (mp_message_preview_get_from_address (p), ==, "m@evil.example");
  g_assert_cmpstr (mp_message_preview_get_subject (p), ==, "Hidden sender");
  g_assert_false (mp_message_preview_get_is_complete (p));
}

/* Folded encoded-words in a part's headers (attachment names, as Outlook writes
 * them) and in a forwarded message's subject: decoded whole, like the message's. */
static void
test_preview_encoded_word_names (void)
{
  static const char msg[] =
    "From: a@example.org\r\nSubject: names\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
    "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment;\r\n"
    " filename=\"=?UTF-8?B?0J7RgtGH0ZHRgiDQviDQv9GA0L4=?=\r\n"
    " =?UTF-8?B?0LTQsNC20LDRhSDQt9CwINGC0YA=?=\r\n =?UTF-8?B?LnBkZg==?=\"\r\n\r\n"
    "JVBERi0xLjQ=\r\n"
    "--b\r\nContent-Type: message/rfc822\r\n\r\n"
    "From: x@example.org\r\nSubject: =?UTF-8?B?0J7RgtGH0ZHRgiDQviDQv9GA0L4=?=\r\n"
    " =?UTF-8?B?0LTQsNC20LDRhSDQt9CwINGC0YA=?=\r\n\r\ninner\r\n"
    "--b--\r\n";
  g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (msg, strlen (msg), TRUE);
  GPtrArray *atts = mp_message_preview_get_attachments (p);

  g_assert_cmpuint (atts->len, ==, 2);
  g_assert_cmpstr (((MpAttachmentInfo *) atts->pdata[0])->filename, ==, "Отчёт о продажах за тр.pdf");
  g_assert_cmpstr (((MpAttachmentInfo *) atts->pdata[1])->filename, ==, "Отчёт о продажах за тр");
}

/* A NUL is a C string terminator inside GMime: it must not cut a header short. */
static void
test_summary_nul_bytes (void)
{
  static const char lf[] = "From: Eve \0Null <eve@example.org>\nSubject: before\0 after\n"
                           "To: \0<t@example.org>\nMessage-ID: <id\0x@example.org>\n\nbody\n";
  static const char crlf[] = "Subject: before\0 after\r\nFrom: Eve \0Null <eve@example.org>\r\n"
                             "\r\n";
  g_autoptr(MpMessageSummary) a = mp_message_summary_new_from_headers (lf, sizeof lf - 1, "u", 1);
  g_autoptr(MpMessageSummary) b = mp_message_summary_new_from_headers (crlf, sizeof crlf - 1, "u", 1);

  g_assert_cmpstr (mp_message_summary_get_subject (a), ==, "before after");
  g_assert_cmpstr (mp_message_summary_get_from_name (a), ==, "Eve Null");
  g_assert_cmpstr (mp_message_summary_get_from_address (a), ==, "eve@example.org");
  g_assert_cmpstr (mp_message_summary_get_to (a), ==, "t@example.org");
  g_assert_cmpstr (mp_message_summary_get_message_id (a), ==, "id x@example.org");
  g_assert_cmpstr (mp_message_summary_get_subject (b), ==, "before after");
  g_assert_cmpstr (mp_message_summary_get_from_name (b), ==, "Eve Null");
  g_assert_cmpstr (mp_message_summary_get_from_address (b), ==, "eve@example.org");
}

/* The preview parses the whole message: a NUL in its header block must not cut a
 * header short either; the body and an attachment name after it are unchanged. */
static void
test_preview_nul_bytes (void)
{
  static const char msg[] =
    "From: Eve \0Null <eve@example.org>\r\nSubject: before\0 after\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nbody\0text\r\n"
    "--b\r\nContent-Type: application/octet-stream; name=a.bin\r\n"
    "Content-Disposition: attachment; filename=a.bin\r\n\r\nx\0y\r\n--b--\r\n";
  g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (msg, sizeof msg - 1, TRUE);
  GPtrArray *atts = mp_message_preview_get_attachments (p);
  MpAttachmentInfo *a;

  g_assert_cmpstr (mp_message_preview_get_subject (p), ==, "before after");
  g_assert_cmpstr (mp_message_preview_get_from_name (p), ==, "Eve Null");
  g_assert_cmpstr (mp_message_preview_get_from_address (p), ==, "eve@example.org");
  g_assert_cmpstr (mp_message_preview_get_text (p), ==, "body text");
  g_assert_cmpstr (mp_message_preview_get_raw_headers (p), ==,
                   "From: Eve  Null <eve@example.org>\nSubject: before  after\n"
                   "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n");
  g_assert_cmpuint (atts->len, ==, 1);
  a = g_ptr_array_index (atts, 0);
  g_assert_cmpstr (a->filename, ==, "a.bin");
  g_assert_cmpuint (a->size, ==, 3);
}

/* ------------------------------------------------------------------ previews */

static void
assert_attachments (guint i, MpMessagePreview *p, gboolean exact_size)
{
  GPtrArray *atts = mp_message_preview_get_attachments (p);
  guint n = int_field (i, "n_attachments");

  g_assert_cmpuint (atts->len, ==, n);
  for (guint j = 0; j < n; j++)
    {
      MpAttachmentInfo *a = g_ptr_array_index (atts, j);
      g_autofree char *kn = g_strdup_printf ("attachment%u_name", j);
      g_autofree char *kt = g_strdup_printf ("attachment%u_content_type", j);
      g_autofree char *ks = g_strdup_printf ("attachment%u_size", j);
      g_autofree char *name = field (i, kn);
      g_autofree char *type = field (i, kt);
      guint64 size = int_field (i, ks);

      g_assert_cmpstr (a->filename, ==, name);
      g_assert_cmpstr (a->content_type, ==, type);
      if (exact_size)
        {
          g_assert_false (a->size_is_estimate);
          g_assert_cmpuint (a->size, ==, size);
        }
    }
}

static void
test_preview_samples (void)
{
  for (guint i = 0; i < samples.count; i++)
    {
      g_autoptr(GBytes) lf = load_message (i);
      g_autoptr(GBytes) msg = (i % 2) ? to_crlf (lf) : g_bytes_ref (lf);
      gsize len;
      const char *data = g_bytes_get_data (msg, &len);
      g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (data, len, TRUE);
      g_autofree char *want = field (i, "preview_contains");
      g_autofree char *subject = field (i, "subject");
      g_autofree char *from_name = field (i, "from_name");
      g_autofree char *date = field (i, "date");
      g_autofree char *got_date = iso_date (mp_message_preview_get_date (p));
      g_autofree char *mid = field (i, "message_id");
      const char *text = mp_message_preview_get_text (p);

      g_test_message ("message %u: %s", i, subject);
      assert_valid_utf8 (text);
      g_assert_nonnull (strstr (text, want));
      g_assert_null (strchr (text, '\r'));
      g_assert_true (mp_message_preview_get_is_complete (p));
      g_assert_cmpstr (mp_message_preview_get_subject (p), ==, subject);
      g_assert_cmpstr (mp_message_preview_get_from_name (p), ==, from_name);
      g_assert_cmpstr (got_date, ==, date);
      g_assert_cmpstr (mp_message_preview_get_message_id (p), ==, mid);
      g_assert_true (g_str_has_prefix (mp_message_preview_get_raw_headers (p), "Return-Path:"));
      g_assert_nonnull (strstr (mp_message_preview_get_raw_headers (p), "\nMessage-ID: <"));
      assert_attachments (i, p, TRUE);
    }
}

/* First lines only (TOP n): never fails, headers intact, text found when the
 * sentence arrived, attachment sizes are estimates. */
static void
test_preview_truncated (void)
{
  static const guint lines[] = { 0, 1, 3, 8, 20, 60, 200 };

  for (guint i = 0; i < samples.count; i++)
    {
      g_autoptr(GBytes) lf = load_message (i);
      g_autoptr(GBytes) msg = to_crlf (lf);
      g_autofree char *subject = field (i, "subject");
      g_autofree char *want = field (i, "preview_contains");

      for (guint k = 0; k < G_N_ELEMENTS (lines); k++)
        {
          g_autoptr(GBytes) top = top_lines (msg, lines[k]);
          gsize len;
          const char *data = g_bytes_get_data (top, &len);
          g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (data, len, FALSE);
          GPtrArray *atts = mp_message_preview_get_attachments (p);

          assert_valid_utf8 (mp_message_preview_get_text (p));
          g_assert_false (mp_message_preview_get_is_complete (p));
          g_assert_cmpstr (mp_message_preview_get_subject (p), ==, subject);
          if (lines[k] == 0)
            g_assert_cmpstr (mp_message_preview_get_text (p), ==, "");
          if (lines[k] == 200)
            g_assert_nonnull (strstr (mp_message_preview_get_text (p), want));
          for (guint j = 0; j < atts->len; j++)
            {
              MpAttachmentInfo *a = g_ptr_array_index (atts, j);
              assert_valid_utf8 (a->filename);
              g_assert_true (a->size_is_estimate);
            }
        }
    }
}

static guint
find_sample (const char *subject)
{
  for (guint i = 0; i < samples.count; i++)
    {
      g_autofree char *s = field (i, "subject");
      if (g_strcmp0 (s, subject) == 0)
        return i;
    }
  g_error ("no sample with subject %s", subject);
  return 0;
}

static void
test_preview_html_only (void)
{
  guint i = find_sample ("Your weekly newsletter");
  g_autoptr(GBytes) msg = load_message (i);
  gsize len;
  const char *data = g_bytes_get_data (msg, &len);
  g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (data, len, TRUE);
  const char *text = mp_message_preview_get_text (p);

  g_assert_true (mp_message_preview_get_text_is_html (p));
  g_assert_null (strstr (text, "</"));        /* no markup left ... */
  g_assert_null (strstr (text, "<p"));
  g_assert_null (strstr (text, "<br"));
  g_assert_null (strstr (text, "<!"));
  g_assert_null (strstr (text, "&amp;"));      /* ... and entities decoded */
  g_assert_null (strstr (text, "secret"));        /* script dropped */
  g_assert_null (strstr (text, "font-family"));   /* style dropped */
  g_assert_null (strstr (text, "Newsletter"));    /* title dropped */
  g_assert_nonnull (strstr (text, "Weekly \xe2\x80\x9cnews\xe2\x80\x9d\n"));
  g_assert_nonnull (strstr (text, "Fish & chips are served on Fridays.\n"));
  g_assert_nonnull (strstr (text, "Prices: 5\xe2\x82\xac <cheap>\nsecond line"));
  g_assert_nonnull (strstr (text, "Unsubscribe"));
  g_assert_false (g_str_has_prefix (text, "\n") || g_str_has_prefix (text, " "));
  g_assert_null (strstr (text, "\n\n\n"));
  g_assert_null (strstr (text, "  "));
}

static void
test_preview_alternative_prefers_plain (void)
{
  guint i = find_sample ("Re: Planning meeting moved");
  g_autoptr(GBytes) msg = load_message (i);
  gsize len;
  const char *data = g_bytes_get_data (msg, &len);
  g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (data, len, TRUE);

  g_assert_false (mp_message_preview_get_text_is_html (p));
  g_assert_null (strstr (mp_message_preview_get_text (p), "HTML version only"));
  g_assert_cmpuint (mp_message_preview_get_attachments (p)->len, ==, 0);
}

static void
test_preview_dots (void)
{
  guint i = find_sample ("Dots at the start of lines");
  g_autoptr(GBytes) msg = load_message (i);
  gsize len;
  const char *data = g_bytes_get_data (msg, &len);
  g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (data, len, TRUE);

  g_assert_true (g_str_has_prefix (mp_message_preview_get_text (p),
                                   ".hidden file name\n.\n..\n...three\n"));
}

static MpMessagePreview *
preview_of (const char *text, gboolean complete)
{
  return mp_message_preview_new_from_bytes (text, strlen (text), complete);
}

static void
test_preview_structures (void)
{
  /* HTML charset from <meta>, no charset parameter */
  {
    g_autoptr(MpMessagePreview) p = preview_of (
      "Content-Type: text/html\n\n<html><head><meta charset=\"ISO-8859-1\"></head>"
      "<body>Gr\xfc\xdf Gott</body></html>\n", TRUE);
    g_assert_cmpstr (mp_message_preview_get_text (p), ==, "Grüß Gott");
  }
  /* format=flowed (RFC 3676): soft breaks joined, stuffing removed, quotes kept */
  {
    g_autoptr(MpMessagePreview) p = preview_of (
      "Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
      "This is a long \nparagraph that \nflows.\n"
      " From the stuffed line.\n"
      "> quoted and \n> continued\n"
      "-- \nsig\n", TRUE);
    g_assert_cmpstr (mp_message_preview_get_text (p), ==,
                     "This is a long paragraph that flows.\nFrom the stuffed line.\n"
                     "> quoted and continued\n-- \nsig\n");
  }
  {
    g_autoptr(MpMessagePreview) p = preview_of (
      "Content-Type: text/plain; format=Flowed; DelSp=Yes\n\n"
      "\xe4\xbd\xa0\xe5\xa5\xbd \n\xe4\xb8\x96\xe7\x95\x8c\n", TRUE);
    g_assert_cmpstr (mp_message_preview_get_text (p), ==, "你好世界\n");
  }
  /* raw headers: each line decoded on its own */
  {
    g_autoptr(MpMessagePreview) p = preview_of (
      "Subject: Gr\xc3\xbc\xc3\x9f" "e\r\nFrom: M\xfcller <m@x>\r\n\r\nbody\r\n", TRUE);
    g_assert_cmpstr (mp_message_preview_get_raw_headers (p), ==,
                     "Subject: Grüße\nFrom: Müller <m@x>\n\n");
    g_assert_cmpstr (mp_message_preview_get_text (p), ==, "body\n");
  }
  /* "us-ascii" that is really Latin-1 */
  {
    g_autoptr(MpMessagePreview) p = preview_of (
      "Content-Type: text/plain; charset=us-ascii\n\nna\xefve\n", TRUE);
    g_assert_cmpstr (mp_message_preview_get_text (p), ==, "naïve\n");
  }
  /* undeclared 8-bit plain text that is not UTF-8 */
  {
    g_autoptr(MpMessagePreview) p = preview_of ("Subject: x\n\nna\xefve caf\xe9\n", TRUE);
    g_assert_cmpstr (mp_message_preview_get_text (p), ==, "naïve café\n");
  }
  /* forwarded message: an attachment named after its subject; inline image of a
   * multipart/related HTML body is not an attachment; paths are stripped */
  {
    g_autoptr(MpMessagePreview) p = preview_of (
      "Content-Type: multipart/mixed; boundary=o\n\n"
      "--o\nContent-Type: multipart/related; boundary=r\n\n"
      "--r\nContent-Type: text/html; charset=utf-8\n\n<p>see <img src=cid:i1></p>\n"
      "--r\nContent-Type: image/png\nContent-ID: <i1>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
      "--r--\n"
      "--o\nContent-Type: message/rfc822\n\nSubject: Old news\nFrom: x@y\n\nold body\n"
      "--o\nContent-Type: application/octet-stream; name=\"..\\\\..\\\\evil.exe\"\n"
      "Content-Disposition: attachment; filename=\"/etc/passwd\"\n\nAAAA\n"
      "--o--\n", TRUE);
    GPtrArray *atts = mp_message_preview_get_attachments (p);
    MpAttachmentInfo *a;

    g_assert_cmpstr (mp_message_preview_get_text (p), ==, "see");
    g_assert_true (mp_message_preview_get_text_is_html (p));
    g_assert_cmpuint (atts->len, ==, 2);
    a = g_ptr_array_index (atts, 0);
    g_assert_cmpstr (a->filename, ==, "Old news");
    g_assert_cmpstr (a->content_type, ==, "message/rfc822");
    a = g_ptr_array_index (atts, 1);
    g_assert_cmpstr (a->filename, ==, "passwd");
    g_assert_cmpuint (a->size, ==, 4);   /* "AAAA": the line end before a boundary is not content */
  }
  /* truncated base64 attachment: ~3/4 of what arrived */
  {
    GString *m = g_string_new ("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                               "Content-Type: text/plain\n\nhello\n--b\n"
                               "Content-Type: application/pdf; name=a.pdf\n"
                               "Content-Transfer-Encoding: base64\n\n");
    g_autoptr(MpMessagePreview) p = NULL;
    MpAttachmentInfo *a;

    for (guint i = 0; i < 100; i++)
      g_string_append (m, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n");
    p = mp_message_preview_new_from_bytes (m->str, m->len, FALSE);
    g_string_free (m, TRUE);
    g_assert_cmpstr (mp_message_preview_get_text (p), ==, "hello");
    g_assert_cmpuint (mp_message_preview_get_attachments (p)->len, ==, 1);
    a = g_ptr_array_index (mp_message_preview_get_attachments (p), 0);
    g_assert_true (a->size_is_estimate);
    g_assert_cmpuint (a->size, >=, 5100);
    g_assert_cmpuint (a->size, <=, 5500);
  }
}

/* ------------------------------------------------------------------ html */

typedef struct {
  const char *html;
  const char *text;
} HtmlCase;

static void
assert_preview_text (const char *message,
                     const char *expected)
{
  g_autoptr(MpMessagePreview) p = preview_of (message, TRUE);

  g_assert_cmpstr (mp_message_preview_get_text (p), ==, expected);
}

/* RFC 3676 format=flowed, decoded for every front end (pane, `top`, notifications). */
static void
test_preview_flowed (void)
{
  /* 4.1: a series of flowed lines and one fixed line is a paragraph; the trailing
   * space stays (DelSp=no); a paragraph ends at the fixed line */
  assert_preview_text ("Content-Type: text/plain; format=flowed\n\n"
                       "This is \nflowed.\nFixed line.\nNext \npara\n",
                       "This is flowed.\nFixed line.\nNext para\n");
  /* 4.2 DelSp=yes: the space before the soft break is deleted */
  assert_preview_text ("Content-Type: text/plain; format=flowed; delsp=yes\n\n"
                       "Wrapped in the midd \nle of a word, and  \nspaced.\n",
                       "Wrapped in the middle of a word, and spaced.\n");
  /* 4.3: the signature separator is fixed even though it ends in a space, and a
   * flowed line before it does not swallow it; quoted, it is fixed too */
  assert_preview_text ("Content-Type: text/plain; format=flowed\n\n"
                       "Regards \n-- \nJane \nDoe\n> -- \n> quoted sig\n",
                       "Regards \n-- \nJane Doe\n> -- \n> quoted sig\n");
  /* 4.4: space-stuffing is removed (after the quote marks are counted) */
  assert_preview_text ("Content-Type: text/plain; format=flowed\n\n"
                       " From here\n >not a quote\n  two spaces\n>  stuffed in a quote\n",
                       "From here\n>not a quote\n two spaces\n>  stuffed in a quote\n");
  /* 4.5: quote depth; lines of different depth never join (a flowed line followed
   * by another depth is improperly flowed and ends its paragraph) */
  assert_preview_text ("Content-Type: text/plain; format=flowed\n\n"
                       ">> deep \n>> flowed\n> one \n>> two \nzero \n>back\n",
                       ">> deep flowed\n> one \n>> two \nzero \n> back\n");
  /* 4.5 with DelSp: quoted paragraphs lose the soft-break space */
  assert_preview_text ("Content-Type: text/plain; format=flowed; delsp=yes\n\n"
                       "> a \n> b\n",
                       "> ab\n");
  /* a flowed last line keeps the text's final line break; an empty fixed line ends
   * the paragraph it follows (RFC 3676 4.1: it is that paragraph's fixed line) */
  assert_preview_text ("Content-Type: text/plain; format=flowed\n\n"
                       "one \n\ntwo\n\nthree \n",
                       "one \ntwo\n\nthree \n");
  assert_preview_text ("Content-Type: text/plain; format=flowed\n\nno \nend ",
                       "no end ");
  /* CRLF line ends (as a whole message arrives from POP3) */
  assert_preview_text ("Content-Type: text/plain; format=flowed\r\n\r\n"
                       "Soft \r\nbreak.\r\n-- \r\nsig\r\n",
                       "Soft break.\n-- \nsig\n");
  /* base64 and quoted-printable transfer encodings are undone first */
  {
    const char *body = "Encoded \r\nflowed \r\ntext.\r\n";
    g_autofree char *enc = g_base64_encode ((const guchar *) body, strlen (body));
    g_autofree char *msg = g_strdup_printf (
      "Content-Type: text/plain; charset=us-ascii; format=flowed\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", enc);

    assert_preview_text (msg, "Encoded flowed text.\n");
  }
  assert_preview_text ("Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n"
                       "Content-Transfer-Encoding: quoted-printable\n\n"
                       "Gr=C3=BC=C3=9Fe aus =\nM=C3=BCnchen,=20\nbis bald=20\n",
                       "Grüße aus München,bis bald\n");
  /* another charset: converted before unflowing */
  assert_preview_text ("Content-Type: text/plain; charset=iso-8859-1; format=flowed\n\n"
                       "Gr\xfc\xdf" "e \naus M\xfcnchen\n",
                       "Grüße aus München\n");
  /* not flowed: fixed lines are kept as the sender wrote them */
  assert_preview_text ("Content-Type: text/plain\n\nNot \nflowed\n", "Not \nflowed\n");
}

static void
test_html_to_text (void)
{
  static const HtmlCase cases[] = {
    { "<p>a</p><p>b</p>", "a\n\nb" },
    { "x<br>y<br/>z", "x\ny\nz" },
    { "  lots   of\n\n  space  ", "lots of space" },
    { "&lt;&gt;&amp;&quot;&#39;&#x41;&#66;&euro;&nbsp;!", "<>&\"'AB\xe2\x82\xac !" },
    { "&bogus; & &#; &#xZZ; &", "&bogus; & &#; &#xZZ; &" },
    { "&#0;&#x110000;&#xD800;", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    { "a <!-- <p>hidden</p> --> b", "a b" },
    { "a<script>if (x < y) alert('<p>')</script>b", "ab" },
    { "a<STYLE type=x>p{}</STYLE>b", "ab" },
    { "1 < 2 and 3 > 2", "1 < 2 and 3 > 2" },
    { "<a href=\"x>y\">link</a>", "link" },
    { "<ul><li>one<li>two</ul>", "\xe2\x80\xa2 one\n\xe2\x80\xa2 two" },
    { "<table><tr><td>a</td><td>b</td></tr></table>", "a b" },
    { "unterminated <b", "unterminated" },
    { "<script>never closed", "" },
    { "<!-- never closed", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *t = mp_html_to_text (cases[i].html, -1);
      g_assert_cmpstr (t, ==, cases[i].text);
    }
}

/* ------------------------------------------------------------------ hostile input */

static void
check_preview_robust (const char *data, gsize len)
{
  g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (data, len, len % 2);
  g_autoptr(MpMessageSummary) s = mp_message_summary_new_from_headers (data, len, "x", len);
  GPtrArray *atts = mp_message_preview_get_attachments (p);

  assert_valid_utf8 (mp_message_preview_get_text (p));
  assert_valid_utf8 (mp_message_preview_get_subject (p));
  assert_valid_utf8 (mp_message_preview_get_raw_headers (p));
  assert_valid_utf8 (mp_message_preview_get_to (p));
  assert_valid_utf8 (mp_message_summary_get_subject (s));
  assert_valid_utf8 (mp_message_summary_get_from_name (s));
  for (guint j = 0; j < atts->len; j++)
    {
      MpAttachmentInfo *a = g_ptr_array_index (atts, j);
      assert_valid_utf8 (a->filename);
      assert_valid_utf8 (a->content_type);
      g_assert_null (strchr (a->filename, '/'));
    }
}

static void
test_hostile_structures (void)
{
  GString *deep = g_string_new ("Subject: deep\n");
  GString *wide = g_string_new ("Subject: wide\nContent-Type: multipart/mixed; boundary=w\n\n");
  GString *fwd = g_string_new ("Subject: fwd\n");
  GString *longline = g_string_new ("Subject: ");
  static const char *const fixed[] = {
    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nunterminated",
    "Content-Type: multipart/mixed\n\nno boundary parameter\n",
    "Content-Type: text/plain; charset=x-does-not-exist\nContent-Transfer-Encoding: 8bit\n\n\xff\xfe\x80 text\n",
    "Content-Type: text/plain; charset=GB2312\nContent-Transfer-Encoding: base64\n\nxOO6\n",
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n!!!!====@@@\n",
    "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=\n=Z=\n=E2=8\n",
    "Content-Type: text/html\n\n<script>",
    "Content-Type: application/pdf; name=\"../../etc/passwd\"\nContent-Disposition: attachment\n\nx",
    "Content-Disposition: attachment; filename*=UTF-8''%FF%FE%E2; filename*0=a; filename*1=b\n\nx",
    "Content-Type: message/rfc822\n\nSubject: inner\nContent-Type: message/rfc822\n\n",
    "\n\n\n",
    "\r\n",
    ":\n:\n:\n",
    "From: \"unterminated <a@b\nTo: <<<<<<<<<\nDate: Tue, 31 Feb 2024 25:61:61 +0000\n\n",
  };

  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (deep, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
  g_string_append (deep, "Content-Type: text/plain\n\ndeep text\n");
  check_preview_robust (deep->str, deep->len);

  for (guint i = 0; i < 5000; i++)
    g_string_append (wide, "--w\nContent-Type: application/octet-stream; name=a.bin\n\nAAAA\n");
  check_preview_robust (wide->str, wide->len);
  {
    g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (wide->str, wide->len, TRUE);
    g_assert_cmpuint (mp_message_preview_get_attachments (p)->len, >, 0);
    g_assert_cmpuint (mp_message_preview_get_attachments (p)->len, <=, 1000);
  }

  for (guint i = 0; i < 3000; i++)
    g_string_append (fwd, "Content-Type: message/rfc822\n\nSubject: again\n");
  check_preview_robust (fwd->str, fwd->len);

  for (guint i = 0; i < 200000; i++)
    g_string_append (longline, "=?UTF-8?B?w6k=?= ");
  g_string_append (longline, "\n\nbody\n");
  check_preview_robust (longline->str, longline->len);

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    check_preview_robust (fixed[i], strlen (fixed[i]));

  g_string_free (deep, TRUE);
  g_string_free (wide, TRUE);
  g_string_free (fwd, TRUE);
  g_string_free (longline, TRUE);
}

/* Cheap in-process mutation fuzzing of every sample. */
static void
test_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (777);
  guint rounds = g_test_slow () ? 400 : 60;

  for (guint i = 0; i < samples.count; i++)
    {
      g_autoptr(GBytes) msg = load_message (i);
      gsize len;
      const guchar *orig = g_bytes_get_data (msg, &len);

      len = MIN (len, 24 * 1024);
      for (guint r = 0; r < rounds; r++)
        {
          g_autoptr(GByteArray) buf = g_byte_array_new ();
          guint edits = g_rand_int_range (rand, 1, 12);

          g_byte_array_append (buf, orig, len);
          for (guint e = 0; e < edits && buf->len > 0; e++)
            {
              guint pos = g_rand_int_range (rand, 0, buf->len);
              switch (g_rand_int_range (rand, 0, 4))
                {
                case 0:
                  buf->data[pos] = g_rand_int_range (rand, 0, 256);
                  break;
                case 1:
                  g_byte_array_set_size (buf, pos);
                  break;
                case 2:
                  {
                    guint n = g_rand_int_range (rand, 1, 64);
                    g_byte_array_remove_range (buf, pos, MIN (buf->len - pos, n));
                  }
                  break;
                default:
                  {
                    static const char *const tokens[] = { "\n", "\r\n", "--", "=?", "?=", "<", ">", "&#",
                      "boundary=", ";", "\"", "\n\n", "Content-Type: multipart/mixed; boundary=x\n",
                      "=?GB2312?B?", "<script>", "\x00", "\xff" };
                    const char *t = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];
                    {
                      gsize tl = t[0] ? strlen (t) : 1;
                      g_autoptr(GByteArray) rest = g_byte_array_new ();
                      g_byte_array_append (rest, buf->data + pos, buf->len - pos);
                      g_byte_array_set_size (buf, pos);
                      g_byte_array_append (buf, (const guint8 *) t, tl);
                      g_byte_array_append (buf, rest->data, rest->len);
                    }
                  }
                }
            }
          check_preview_robust ((const char *) buf->data, buf->len);
        }
    }
}

static MpMessageSummary *
shared_summary (const char *from,
                const char *to,
                const char *subject)
{
  g_autofree char *block = g_strdup_printf ("From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n",
                                            from, to, subject);

  return mp_message_summary_new_from_headers (block, strlen (block), subject, 100);
}

static gpointer
shared_fields_worker (gpointer data)
{
  guint seed = GPOINTER_TO_UINT (data);

  /* Made and dropped at once, on four threads: the last reference to a text
   * goes while another thread asks for the same text. */
  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Sender %u", (i + seed) % 3);
      MpMessageSummaryFields f = { .uidl = "u", .from_name = name, .from_address = "a@b.example",
                                   .to = "me@example.org", .subject = "s" };
      g_autoptr(MpMessageSummary) s = mp_message_summary_new_from_fields (&f);

      if (g_strcmp0 (mp_message_summary_get_from_name (s), name) != 0)
        return GUINT_TO_POINTER (FALSE);
    }
  return GUINT_TO_POINTER (TRUE);
}

/* Sender and recipients are shared between summaries that repeat them (a
 * mailbox's To is nearly always its owner): one copy, whichever way a summary
 * was made, and a copy outlives the summary it came with. */
static void
test_summary_shared_fields (void)
{
  MpMessageSummary *first = shared_summary ("Ann Example <ann@example.org>", "me@example.org", "one");
  g_autoptr(MpMessageSummary) second =
    shared_summary ("Ann Example <ann@example.org>", "me@example.org", "two");
  g_autoptr(MpMessageSummary) other = shared_summary ("Bob <bob@example.org>", "me@example.org", "three");
  MpMessageSummaryFields f = { .uidl = "u", .from_name = "Ann Example",
                               .from_address = "ann@example.org", .to = "me@example.org" };
  g_autoptr(MpMessageSummary) cached = mp_message_summary_new_from_fields (&f);
  GThread *threads[4];

  g_assert_true (mp_message_summary_get_from_name (first) ==
                 mp_message_summary_get_from_name (second));
  g_assert_true (mp_message_summary_get_from_address (first) ==
                 mp_message_summary_get_from_address (second));
  g_assert_true (mp_message_summary_get_to (first) == mp_message_summary_get_to (second));
  g_assert_true (mp_message_summary_get_to (other) == mp_message_summary_get_to (second));
  g_assert_true (mp_message_summary_get_from_name (cached) ==
                 mp_message_summary_get_from_name (second));
  g_assert_false (mp_message_summary_get_from_name (other) ==
                  mp_message_summary_get_from_name (second));

  g_object_unref (first);
  g_assert_cmpstr (mp_message_summary_get_from_name (second), ==, "Ann Example");
  g_assert_cmpstr (mp_message_summary_get_from_address (second), ==, "ann@example.org");
  g_assert_cmpstr (mp_message_summary_get_to (second), ==, "me@example.org");
  g_assert_cmpstr (mp_message_summary_get_from_name (other), ==, "Bob");

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("shared-fields", shared_fields_worker, GUINT_TO_POINTER (t));
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_assert_true (GPOINTER_TO_UINT (g_thread_join (threads[t])));
}

/* Workers build summaries and previews in parallel: results must not depend on it. */
static gpointer
thread_worker (gpointer data)
{
  GPtrArray *messages = data;
  GPtrArray *subjects = g_ptr_array_new_with_free_func (g_free);

  for (guint round = 0; round < 4; round++)
    for (guint i = 0; i < messages->len; i++)
      {
        GBytes *msg = g_ptr_array_index (messages, i);
        gsize len;
        const char *d = g_bytes_get_data (msg, &len);
        g_autoptr(MpMessagePreview) p = mp_message_preview_new_from_bytes (d, len, TRUE);
        g_autoptr(MpMessageSummary) s = mp_message_summary_new_from_headers (d, len, "u", len);

        if (round == 0)
          g_ptr_array_add (subjects, g_strconcat (mp_message_summary_get_subject (s), "|",
                                                  mp_message_preview_get_subject (p), NULL));
      }
  return subjects;
}

static void
test_threads (void)
{
  GThread *threads[4];
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < samples.count; i++)
    g_ptr_array_add (messages, load_message (i));
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("mail-test", thread_worker, messages);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autoptr(GPtrArray) subjects = g_thread_join (threads[t]);

      g_assert_cmpuint (subjects->len, ==, samples.count);
      for (guint i = 0; i < samples.count; i++)
        {
          g_autofree char *want = field (i, "subject");
          g_autofree char *both = g_strconcat (want, "|", want, NULL);
          g_assert_cmpstr (g_ptr_array_index (subjects, i), ==, both);
        }
    }
}


/* The fields rules read besides the list's: Cc, the spam verdict headers, and
 * the addresses of From/To/Cc (lower-cased, groups opened), both through the
 * quick header path and through the full parse (a repeated field forces it). */
static void
test_summary_rule_fields (void)
{
  static const char *const blocks[] = {
    "From: A <A@Example.ORG>\r\nTo: b@x.test, Grp: c@y.test, D <d@z.test>;\r\n"
    "Cc: =?UTF-8?Q?J=C3=B6rg?= <jo@cc.test>,\r\n e@cc.test\r\nX-Spam-Flag: YES\r\n"
    "X-Spam-Status: Yes, score=7.5\r\nX-Spam-Score: 7.5\r\nSubject: s\r\n\r\n",
    "From: A <A@Example.ORG>\r\nTo: b@x.test, Grp: c@y.test, D <d@z.test>;\r\n"
    "Cc: =?UTF-8?Q?J=C3=B6rg?= <jo@cc.test>,\r\n e@cc.test\r\nX-Spam-Flag: YES\r\n"
    "X-Spam-Status: Yes, score=7.5\r\nX-Spam-Score: 7.5\r\nSubject: s\r\nSubject: t\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      g_autoptr(MpMessageSummary) s =
        mp_message_summary_new_from_headers (blocks[i], strlen (blocks[i]), "u", 1);
      g_auto(GStrv) from = mp_message_summary_dup_addresses (s, MP_ADDRESS_FIELD_FROM);
      g_auto(GStrv) to = mp_message_summary_dup_addresses (s, MP_ADDRESS_FIELD_TO);
      g_auto(GStrv) cc = mp_message_summary_dup_addresses (s, MP_ADDRESS_FIELD_CC);
      const char *const want_to[] = { "b@x.test", "c@y.test", "d@z.test", NULL };
      const char *const want_cc[] = { "jo@cc.test", "e@cc.test", NULL };
      const char *const want_from[] = { "a@example.org", NULL };

      g_assert_cmpstrv (from, want_from);
      g_assert_cmpstrv (to, want_to);
      g_assert_cmpstrv (cc, want_cc);
      g_assert_cmpstr (mp_message_summary_get_cc (s), ==, "Jörg <jo@cc.test>, e@cc.test");
      g_assert_cmpstr (mp_message_summary_get_header (s, "x-spam-flag"), ==, "YES");
      g_assert_cmpstr (mp_message_summary_get_header (s, "X-Spam-Status"), ==, "Yes, score=7.5");
      g_assert_cmpstr (mp_message_summary_get_header (s, "X-Spam-Score"), ==, "7.5");
      g_assert_null (mp_message_summary_get_header (s, "X-Mailer"));
    }
  {
    const char *plain = "From: a@b.test\r\n\r\n";
    g_autoptr(MpMessageSummary) s = mp_message_summary_new_from_headers (plain, strlen (plain), "u", 1);
    g_auto(GStrv) cc = mp_message_summary_dup_addresses (s, MP_ADDRESS_FIELD_CC);

    g_assert_cmpstr (mp_message_summary_get_cc (s), ==, "");
    g_assert_null (mp_message_summary_get_header (s, "X-Spam-Flag"));
    g_assert_cmpuint (g_strv_length (cc), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  int ret;

  /* No HOME/XDG isolation needed: nothing here reads or writes user dirs (and
   * G_TEST_OPTION_ISOLATE_DIRS leaks inside GLib, failing LeakSanitizer builds). */
  g_test_init (&argc, &argv, NULL);
  samples_setup ();

  g_test_add_func ("/mail/summary/samples", test_summary_samples);
  g_test_add_func ("/mail/summary/is-new", test_summary_is_new);
  g_test_add_func ("/mail/summary/encodings", test_summary_encodings);
  g_test_add_func ("/mail/summary/dates", test_summary_dates);
  g_test_add_func ("/mail/summary/broken-charsets", test_summary_broken_charsets);
  g_test_add_func ("/mail/summary/garbage", test_summary_garbage);
  g_test_add_func ("/mail/summary/from-fallback", test_summary_from_fallback);
  g_test_add_func ("/mail/summary/nul-bytes", test_summary_nul_bytes);
  g_test_add_func ("/mail/summary/huge-header", test_summary_huge_header);
  g_test_add_func ("/mail/summary/huge-header-edges", test_summary_huge_header_edges);
  g_test_add_func ("/mail/summary/rule-fields", test_summary_rule_fields);
  g_test_add_func ("/mail/summary/shared-fields", test_summary_shared_fields);
  g_test_add_func ("/mail/preview/samples", test_preview_samples);
  g_test_add_func ("/mail/preview/truncated", test_preview_truncated);
  g_test_add_func ("/mail/preview/nul-bytes", test_preview_nul_bytes);
  g_test_add_func ("/mail/preview/huge-header", test_preview_huge_header);
  g_test_add_func ("/mail/preview/encoded-word-names", test_preview_encoded_word_names);
  g_test_add_func ("/mail/preview/html-only", test_preview_html_only);
  g_test_add_func ("/mail/preview/alternative", test_preview_alternative_prefers_plain);
  g_test_add_func ("/mail/preview/dots", test_preview_dots);
  g_test_add_func ("/mail/preview/structures", test_preview_structures);
  g_test_add_func ("/mail/preview/flowed", test_preview_flowed);
  g_test_add_func ("/mail/html/to-text", test_html_to_text);
  g_test_add_func ("/mail/hostile/structures", test_hostile_structures);
  g_test_add_func ("/mail/hostile/mutations", test_mutations);
  g_test_add_func ("/mail/threads", test_threads);

  ret = g_test_run ();
  samples_teardown ();
  return ret;
}
