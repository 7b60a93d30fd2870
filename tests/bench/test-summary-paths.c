/* test-summary-paths.c — the quick header-block path of a summary says exactly
 * what the full GMime parse says
 *
 * A summary reads a well-formed header block without building a GMimeMessage
 * (mp_mail_headers_init_from_block); anything odd takes the full parse. This
 * compares every field of both on hand-written blocks (RFC 2047 in several
 * charsets, broken From, groups, dates, content types) and on thousands of
 * deterministic mutations of them, and checks that the quick path really ran
 * on a good share of them (a test where it never ran would prove nothing).
 * A GMime upgrade that parses differently fails here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib.h>

#include "mp-mail-private.h"

static const char *const base_blocks[] = {
  "Return-Path: <a@example.org>\r\nFrom: Alice Example <alice@example.org>\r\n"
  "To: Bob <bob@example.org>, carol@example.org\r\nSubject: Bulk message 1 of 10\r\n"
  "Date: Sun, 01 Jan 2023 00:17:00 +0000\r\nMessage-ID: <bulk-1.2@mailpeek.test>\r\n"
  "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
  "From: =?iso-8859-1?b?Wm/rIFN2ZW5zc29u?= <z@example.se>\r\n"
  "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= =?utf-8?q?_aus_M=C3=BCnchen?=\r\n"
  "Date: Tue, 05 Mar 2024 12:37:41 +0530\r\n\r\n",
  "From: \"Doe, John\" <j@example.com>\r\nTo: Undisclosed: a@b.c, \"X\" <x@y.z>;\r\n"
  "Subject: =?GB2312?B?xOO6ww==?=\r\nContent-Type: multipart/mixed;\r\n boundary=\"b1\"\r\n\r\n",
  "From: \xc3\x28" "Bad Name\xff <alice@example.org>\r\nSubject: Stra\xdf" "e\r\n"
  "Date: 2024-03-03T01:02:03+02:00\r\n\r\n",
  "From: (Carol <carol@example.org>\r\nTo: Bob (x <bob@example.org>\r\n"
  "Subject: plain\r\n folded\r\n\tline\r\nMessage-Id: id-without-brackets@x\r\n\r\n",
  "From: dave@example.org (Dave\r\nSubject: =?UTF-8?B?////?= tail\r\n"
  "Content-Type: application/pdf; name=a.pdf\r\nDate: not a date at all\r\n\r\n",
  "FROM: UPPER <up@case.org>\r\nSUBJECT: =?koi8-r?B?8NLJ18XU?=\r\n"
  "Content-Disposition: attachment; filename=x.zip\r\nContent-Type: text/html\r\n\r\n",
  "From: =?bogus?Q?=FF=FE?= <a@b>\r\nSubject: =?x-unknown?B?w6k=?=\r\n"
  "Content-Type: message/rfc822\r\nDate: Tue, 31 Feb 2024 25:61:61 +0000\r\n\r\n",
  "From: group: ;\r\nTo: ,,,@,\r\nSubject: \xe4\xbd\xa0\xe5\xa5\xbd raw utf8\r\n"
  "Content-Type: image/png\r\nContent-Disposition: inline\r\n\r\n",
  "Subject: a\nSubject: b\nFrom: a@b\nFrom: c@d\nDate: 1 Jan 2024 10:00 +0100\n\n",
  "From: <<<>>>\r\nSubject:\r\nTo:\r\nDate:\r\nMessage-ID:\r\nContent-Type:\r\n\r\n",
  /* The token-only reading of Content-Type / Content-Disposition (and what it leaves to GMime). */
  "From: a@b.c\r\nContent-Type: MULTIPART/Mixed ;\r\n\tboundary=x\r\n\r\n",
  "From: a@b.c\r\nContent-Disposition: Attachment\r\nContent-Type: text/plain\r\n\r\n",
  "From: a@b.c\r\nContent-Type: application/vnd.ms-excel+xml\r\n\r\n",
  "From: a@b.c\r\nContent-Type: text/plain (comment)\r\n\r\n",
  "From: a@b.c\r\nContent-Type: text / plain\r\n\r\n",
  "From: a@b.c\r\nContent-Type: multipart\r\n\r\n",
  "From: a@b.c\r\nContent-Disposition: attachment x\r\nContent-Type: text/html\r\n\r\n",
  "From: a@b.c\r\nContent-Disposition: \"attachment\"\r\nContent-Type: message/rfc822\r\n\r\n",
  "From: a@b.c\r\nContent-Disposition: inline;\r\n filename=\"a.txt\"\r\nContent-Type: Text/Plain; charset=utf-8\r\n\r\n",
  /* the fields rules read */
  "From: s@spam.example\r\nCc: =?UTF-8?Q?J=C3=B6rg?= <j@x.test>,\r\n list@lists.test\r\n"
  "X-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=7.1\r\n required=5.0\r\n"
  "X-Spam-Score: 7.1\r\nSubject: win\r\n\r\n",
  "Cc:\r\nX-Spam-Flag:\r\nX-SPAM-STATUS: No\r\nx-spam-score: -0.5\r\nCC: a@b\r\n\r\n",
};

static const char *const splices[] = {
  "=?utf-8?q?", "?=", "\n", "\r\n", "(", "<", ">", "\"", ":", "=?", " ", "\n ",
  "@", ",", ";", "\xc3", "\r", "\0", "From: ", "Subject: ", "=?iso-8859-1?q?=E9?=",
  "Cc: ", "X-Spam-Flag: ",
};

static GString *
mutate (GRand *rand, const char *base)
{
  GString *d = g_string_new (base);
  guint edits = g_rand_int_range (rand, 1, 10);

  for (guint i = 0; i < edits; i++)
    {
      gsize pos = d->len > 0 ? (gsize) g_rand_int_range (rand, 0, d->len) : 0;
      double op = g_rand_double (rand);

      if (op < 0.35 && d->len > 0)
        d->str[pos] = (char) g_rand_int_range (rand, 0, 256);
      else if (op < 0.7)
        {
          const char *s = splices[g_rand_int_range (rand, 0, G_N_ELEMENTS (splices))];
          gsize n = *s ? strlen (s) : 1;   /* "\0" splices a NUL */

          g_string_insert_len (d, pos, s, n);
        }
      else if (d->len > 0)
        {
          gsize n = g_rand_int_range (rand, 1, 12);   /* not inside MIN (): evaluated twice */

          g_string_erase (d, pos, MIN (n, d->len - pos));
        }
    }
  return d;
}

static void
assert_same (const MpMailHeaders *full, MpMailHeaders *quick, const char *what)
{
  g_autofree char *full_date = full->date ? g_date_time_format_iso8601 (full->date) : NULL;
  g_autofree char *quick_date = quick->date ? g_date_time_format_iso8601 (quick->date) : NULL;

  if (g_strcmp0 (quick->from_name, full->from_name) != 0
      || g_strcmp0 (quick->from_address, full->from_address) != 0
      || g_strcmp0 (mp_mail_headers_get_to (quick), full->to) != 0
      || g_strcmp0 (quick->subject, full->subject) != 0
      || g_strcmp0 (quick->message_id, full->message_id) != 0
      || g_strcmp0 (quick_date, full_date) != 0
      || quick->has_attachments != full->has_attachments
      || g_strcmp0 (quick->cc, full->cc) != 0
      || g_strcmp0 (quick->spam_flag, full->spam_flag) != 0
      || g_strcmp0 (quick->spam_status, full->spam_status) != 0
      || g_strcmp0 (quick->spam_score, full->spam_score) != 0)
    g_test_message ("differs for: %s", what);
  g_assert_cmpstr (quick->from_name, ==, full->from_name);
  g_assert_cmpstr (quick->from_address, ==, full->from_address);
  g_assert_cmpstr (mp_mail_headers_get_to (quick), ==, full->to);
  g_assert_cmpstr (quick->subject, ==, full->subject);
  g_assert_cmpstr (quick->message_id, ==, full->message_id);
  g_assert_cmpstr (quick_date, ==, full_date);
  g_assert_cmpint (quick->has_attachments, ==, full->has_attachments);
  g_assert_cmpstr (quick->cc, ==, full->cc);
  g_assert_cmpstr (quick->spam_flag, ==, full->spam_flag);
  g_assert_cmpstr (quick->spam_status, ==, full->spam_status);
  g_assert_cmpstr (quick->spam_score, ==, full->spam_score);
}

/* Returns TRUE when the quick path was taken. */
static gboolean
compare_block (const char *data, gsize len)
{
  MpMailHeaders full, quick;
  GMimeMessage *message;
  gboolean was_quick;
  g_autofree char *head = g_strndup (data, MIN (len, 300));
  g_autofree char *what = g_strescape (head, NULL);

  len = mp_mail_header_block_length (data, len);
  message = mp_mail_parse (data, len, NULL);
  mp_mail_headers_init (&full, message);
  g_clear_object (&message);
  was_quick = mp_mail_headers_init_from_block (&quick, data, len);
  assert_same (&full, &quick, what);
  mp_mail_headers_clear (&full);
  mp_mail_headers_clear (&quick);
  return was_quick;
}

static void
test_hand_written (void)
{
  guint quick = 0;

  for (guint i = 0; i < G_N_ELEMENTS (base_blocks); i++)
    {
      gboolean was_quick = compare_block (base_blocks[i], strlen (base_blocks[i]));

      /* The first two are ordinary mail: the quick path must take them. */
      if (i < 2)
        g_assert_true (was_quick);
      quick += was_quick;
    }
  /* Repeated fields or a From the address parser rejects take the full parse. */
  g_assert_cmpuint (quick, >=, G_N_ELEMENTS (base_blocks) / 2);
  g_assert_cmpuint (quick, <, G_N_ELEMENTS (base_blocks));
}

static void
test_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20251125);
  guint rounds = g_test_slow () ? 20000 : 3000;
  guint quick = 0;

  for (guint i = 0; i < rounds; i++)
    {
      GString *d = mutate (rand, base_blocks[i % G_N_ELEMENTS (base_blocks)]);

      quick += compare_block (d->str, d->len);
      g_string_free (d, TRUE);
    }
  g_test_message ("%u of %u mutated blocks took the quick path", quick, rounds);
  g_assert_cmpuint (quick, >, rounds / 5);
  g_assert_cmpuint (quick, <, rounds);
}

/* Values with nothing to decode are taken as they are, without GMime's RFC 2047
 * decoder: random printable ASCII with tabs, runs of spaces, '=' and '?' (and
 * some real encoded words, which must still be decoded) in Subject, Date,
 * Message-Id and the rule fields. */
static void
test_plain_values (void)
{
  static const char alphabet[] = " \t=?=?abcXYZ019_-.,:;<>@\"()[]\\/'*!~";
  static const char *const words[] = { "=?utf-8?q?caf=C3=A9?=", "=?", "?=", "=?x?", "  ", "\t" };
  static const char *const fields[] = { "Subject", "Date", "Message-Id", "X-Spam-Status", "Cc" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);
  guint quick = 0, rounds = 4000;

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GString) value = g_string_new (NULL);
      g_autoptr(GString) block = g_string_new ("From: a@example.org\r\n");
      guint n = g_rand_int_range (rand, 0, 40);

      for (guint k = 0; k < n; k++)
        {
          if (g_rand_int_range (rand, 0, 12) == 0)
            g_string_append (value, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          else
            g_string_append_c (value, alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
        }
      g_string_append_printf (block, "%s:%s\r\n\r\n",
                              fields[i % G_N_ELEMENTS (fields)], value->str);
      quick += compare_block (block->str, block->len);
    }
  g_assert_cmpuint (quick, ==, rounds);
}

/* Senders of five kinds (plain, quoted, encoded, a group, a bare address with
 * an unclosed comment), more distinct ones than the From cache keeps, each
 * seen several times: every summary says what the full parse says,
 * whether its sender came from the cache or not. */
static char *
sender_block (guint k)
{
  switch (k % 5)
    {
    case 0: return g_strdup_printf ("From: Sender %u <s%u@example.org>\r\n\r\n", k, k);
    case 1: return g_strdup_printf ("From: \"Doe, %u\" <d%u@example.com>\r\n\r\n", k, k);
    case 2: return g_strdup_printf ("From: =?utf-8?q?J=C3=B6rg_%u?= <j%u@x.test>\r\n\r\n", k, k);
    case 3: return g_strdup_printf ("From: team%u: a%u@b.c, x@y.z;\r\n\r\n", k, k);
    default: return g_strdup_printf ("From: bare%u@example.net (comment %u\r\n\r\n", k, k);
    }
}

static gpointer
compare_senders (gpointer data)
{
  guint first = GPOINTER_TO_UINT (data);

  for (guint pass = 0; pass < 3; pass++)
    for (guint k = first; k < first + 1500; k++)
      {
        g_autofree char *block = sender_block (k % 1500);

        compare_block (block, strlen (block));
      }
  return NULL;
}

static void
test_repeated_senders (void)
{
  GThread *threads[4];

  compare_senders (GUINT_TO_POINTER (0));
  /* Summaries are made on worker threads: the cache is shared by all. */
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("senders", compare_senders, GUINT_TO_POINTER (t * 300));
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mp_mail_init ();
  g_test_add_func ("/mail/summary-paths/hand-written", test_hand_written);
  g_test_add_func ("/mail/summary-paths/mutations", test_mutations);
  g_test_add_func ("/mail/summary-paths/plain-values", test_plain_values);
  g_test_add_func ("/mail/summary-paths/repeated-senders", test_repeated_senders);
  return g_test_run ();
}
