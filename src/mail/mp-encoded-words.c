/* mp-encoded-words.c — RFC 2047 encoded-words joined before GMime decodes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GMime 3.2 runs adjacent encoded-words of one charset through one base64
 * decoder that stops at the first "=" padding (folded subjects lost their
 * tail), while decoding each word alone breaks characters split across words.
 * So each run of adjacent same-charset words becomes one word holding their
 * joined bytes, as Python's email.header.decode_header does.
 */
#include "mp-mail-private.h"

#include <string.h>

typedef struct {
  gsize       start;         /* offset of "=?" */
  gsize       end;           /* offset after "?=" */
  const char *charset;       /* without an RFC 2231 "*language" */
  gsize       charset_len;
  char        encoding;      /* 'B' or 'Q' */
  const char *text;
  gsize       text_len;
} EncodedWord;

static gboolean
is_word_char (char c)
{
  return c > 0x20 && c < 0x7f && c != '?';
}

/* An RFC 2047 encoded-word "=?charset?B|Q?text?=" at data[i]. */
static gboolean
parse_encoded_word (const char  *data,
                    gsize        len,
                    gsize        i,
                    EncodedWord *w)
{
  gsize p = i + 2;
  const char *star;

  if (i + 2 > len || data[i] != '=' || data[i + 1] != '?')
    return FALSE;
  w->start = i;
  w->charset = data + p;
  while (p < len && is_word_char (data[p]))
    p++;
  w->charset_len = data + p - w->charset;
  if (w->charset_len == 0 || p + 3 > len || data[p] != '?' || data[p + 2] != '?')
    return FALSE;
  w->encoding = g_ascii_toupper (data[p + 1]);
  if (w->encoding != 'B' && w->encoding != 'Q')
    return FALSE;
  p += 3;
  w->text = data + p;
  while (p < len && is_word_char (data[p]))
    p++;
  if (p + 2 > len || data[p] != '?' || data[p + 1] != '=')
    return FALSE;
  w->text_len = data + p - w->text;
  w->end = p + 2;
  star = memchr (w->charset, '*', w->charset_len);
  if (star != NULL)
    w->charset_len = star - w->charset;
  return w->charset_len > 0;
}

/* Offset of the next encoded-word when only blanks and folds (or nothing)
 * separate it from data[i] (i > 0); 0 otherwise. */
static gsize
adjacent_word_start (const char *data,
                     gsize       len,
                     gsize       i)
{
  gsize j = i;

  /* a line break only as part of a fold, never the end of the header */
  while (j < len && (data[j] == ' ' || data[j] == '\t'
                     || (data[j] == '\r' && j + 1 < len && data[j + 1] == '\n')
                     || (data[j] == '\n' && j + 1 < len
                         && (data[j + 1] == ' ' || data[j + 1] == '\t'))))
    j++;
  /* (no blank at all is not RFC 2047, but mailers write it and readers join it) */
  return j + 1 < len && data[j] == '=' && data[j + 1] == '?' ? j : 0;
}

static void
append_word_bytes (GByteArray        *out,
                   const EncodedWord *w)
{
  if (w->encoding == 'B')
    {
      gsize start = out->len;
      int state = 0;
      guint save = 0;

      /* Each word decoded on its own: "=" padding ends only its own word. */
      g_byte_array_set_size (out, start + w->text_len * 3 / 4 + 3);
      start += g_base64_decode_step (w->text, w->text_len, out->data + start, &state, &save);
      g_byte_array_set_size (out, start);
      return;
    }
  for (gsize k = 0; k < w->text_len; k++)
    {
      guint8 b = w->text[k];
      int hi, lo;

      if (b == '_')
        b = ' ';
      else if (b == '=' && k + 2 < w->text_len
               && (hi = g_ascii_xdigit_value (w->text[k + 1])) >= 0
               && (lo = g_ascii_xdigit_value (w->text[k + 2])) >= 0)
        {
          b = hi * 16 + lo;
          k += 2;
        }
      g_byte_array_append (out, &b, 1);
    }
}

static gboolean
same_charset (const EncodedWord *a,
              const EncodedWord *b)
{
  return a->charset_len == b->charset_len
         && g_ascii_strncasecmp (a->charset, b->charset, a->charset_len) == 0;
}

/* GMime 3.2 decodes adjacent encoded-words in one charset by feeding their texts
 * to one base64 decoder: a word ending in "=" padding (most of them, as Python's
 * email package and many mailers fold long subjects and names) ends the
 * decoding, and the rest of the header is lost. Joining the words' *bytes* is
 * right though: mailers split a multibyte character (or an ISO-2022-JP escape)
 * between two words, and readers such as Python's email join them before
 * converting. So each run of adjacent words in one charset (only blanks and folds
 * between them; RFC 2047 drops that whitespace) becomes one B word of the joined
 * bytes, which GMime then decodes in one piece. Returns NULL when there is no
 * such run, else the rewritten copy of data[0..len). */
GString *
mp_mail_merge_encoded_words (const char *data,
                     gsize       len)
{
  GString *out = NULL;
  gsize copied = 0;
  const char *p = data;

  while ((p = memchr (p, '=', len - (p - data))) != NULL)
    {
      EncodedWord first, next;
      g_autoptr(GByteArray) bytes = NULL;
      g_autofree char *b64 = NULL;
      gsize i = p - data, end, j;

      if (!parse_encoded_word (data, len, i, &first))
        {
          p++;
          continue;
        }
      end = first.end;
      while ((j = adjacent_word_start (data, len, end)) != 0
             && parse_encoded_word (data, len, j, &next) && same_charset (&first, &next))
        {
          if (bytes == NULL)
            {
              bytes = g_byte_array_new ();
              append_word_bytes (bytes, &first);
            }
          append_word_bytes (bytes, &next);
          end = next.end;
        }
      p = data + end;
      if (bytes == NULL)
        continue;
      if (out == NULL)
        out = g_string_sized_new (len);
      g_string_append_len (out, data + copied, first.start - copied);
      b64 = g_base64_encode (bytes->data, bytes->len);
      g_string_append (out, "=?");
      g_string_append_len (out, first.charset, first.charset_len);
      g_string_append (out, "?B?");
      g_string_append (out, b64);
      g_string_append (out, "?=");
      copied = end;
    }
  if (out != NULL)
    g_string_append_len (out, data + copied, len - copied);
  return out;
}

/* g_strndup (data, len) with mp_mail_merge_encoded_words() applied. */
char *
mp_mail_strndup_merged (const char *data,
                gsize       len)
{
  GString *merged = mp_mail_merge_encoded_words (data, len);

  return merged != NULL ? g_string_free (merged, FALSE) : g_strndup (data, len);
}

/* mp_mail_merge_encoded_words() for the headers of a part inside a message (attachment
 * names, a forwarded message's subject): GMime read those from the message
 * stream, where only the message's own header block was merged. The changed
 * raw value makes GMime parse the header again. */
void
mp_mail_object_merge_encoded_words (GMimeObject *object)
{
  GMimeHeaderList *list = g_mime_object_get_header_list (object);
  int n = list != NULL ? g_mime_header_list_get_count (list) : 0;

  for (int i = 0; i < n; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (list, i);
      const char *raw = g_mime_header_get_raw_value (header);
      GString *merged = raw != NULL ? mp_mail_merge_encoded_words (raw, strlen (raw)) : NULL;

      if (merged != NULL)
        {
          g_mime_header_set_raw_value (header, merged->str);
          g_string_free (merged, TRUE);
        }
    }
}
