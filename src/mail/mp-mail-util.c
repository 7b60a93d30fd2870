/* mp-mail-util.c — GMime setup, bounded parsing, header fields (charset conversion
 * and field cleaning: mp-mail-text.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-mail-private.h"

#include <errno.h>
#include <string.h>

static GMimeParserOptions *parser_options;

static gpointer
init_once (gpointer data)
{
  /* Charsets tried, in order, for undeclared 8-bit header text; ISO-8859-1 last
   * because it accepts every byte. */
  static const char *fallback[] = { "UTF-8", "windows-1252", "ISO-8859-1", NULL };

  g_mime_init ();
  parser_options = g_mime_parser_options_new ();
  g_mime_parser_options_set_rfc2047_compliance_mode (parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode (parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode (parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_allow_addresses_without_domain (parser_options, TRUE);
  g_mime_parser_options_set_fallback_charsets (parser_options, fallback);
  return NULL;
}

/* Safe to call from any thread, any number of times. */
void
mp_mail_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
}

static gboolean
preceded_by_param_start (const char *data, gsize i)
{
  while (i > 0 && (data[i - 1] == ' ' || data[i - 1] == '\t'
                   || data[i - 1] == '\r' || data[i - 1] == '\n'))
    i--;
  return i == 0 || data[i - 1] == ';' || data[i - 1] == ':';
}

static gboolean
followed_by_equals (const char *data, gsize len, gsize i)
{
  while (i < len && (data[i] == ' ' || data[i] == '\t'))
    i++;
  return i < len && data[i] == '=';
}

/* GMime builds nested multiparts and message/rfc822 parts recursively. Every nesting
 * level needs a "boundary=" parameter or a message/… content type, so counting those
 * bounds the depth: past the limit, the input is cut at the start of that line and
 * treated as truncated. */
static gsize
nesting_limit_cut (const char *data, gsize len)
{
  guint seen = 0;

  for (gsize i = 0; i + 8 <= len; i++)
    {
      char c = data[i] | 0x20;
      gboolean hit = FALSE;

      if (c == 'b' && g_ascii_strncasecmp (data + i, "boundary", 8) == 0)
        hit = preceded_by_param_start (data, i) && followed_by_equals (data, len, i + 8);
      else if (c == 'm' && g_ascii_strncasecmp (data + i, "message/", 8) == 0)
        hit = preceded_by_param_start (data, i);

      if (hit && ++seen > MP_MAIL_MAX_NESTING)
        {
          while (i > 0 && data[i - 1] != '\n')
            i--;
          return i;
        }
    }
  return len;
}

/* GMime keeps header values as C strings, so a NUL would silently cut a header short
 * ("Subject: before\0 after" → "before") or cost the sender's address. NULs in the
 * header block become spaces (as in body text, see mp_mail_convert_to_utf8); the body
 * is left as sent. The copy is the one GMime's memory stream would make anyway.
 * Runs of encoded-words in the header block are merged (mp_mail_merge_encoded_words). */
static GByteArray *
header_safe_copy (const char *data,
                  gsize       len)
{
  GByteArray *copy = g_byte_array_sized_new (len);
  gsize hlen;
  GString *merged;

  if (len == 0)
    return copy;
  g_byte_array_append (copy, (const guint8 *) data, len);
  hlen = mp_mail_header_block_length (data, len);
  for (gsize i = 0; i < hlen; i++)
    if (copy->data[i] == '\0')
      copy->data[i] = ' ';
  /* Encoded-words in the message's own header block, see mp_mail_merge_encoded_words(). */
  merged = mp_mail_merge_encoded_words ((const char *) copy->data, hlen);
  if (merged != NULL)
    {
      g_byte_array_remove_range (copy, 0, hlen);
      g_byte_array_prepend (copy, (const guint8 *) merged->str, merged->len);
      g_string_free (merged, TRUE);
    }
  return copy;
}

/* The length of the header block data[0..len) cut to at most max bytes at the
 * start of a field. A field across the limit is dropped whole: its value would be
 * cut short, and a last line cut inside its name (no colon) makes GMime read no
 * header at all. */
static gsize
header_cut (const char *data,
            gsize       len,
            gsize       max)
{
  if (len <= max)
    return len;
  for (gsize p = max; p > 0; p--)
    if (data[p - 1] == '\n' && data[p] != ' ' && data[p] != '\t')
      return p;
  return 0;
}

/* Returns NULL when GMime finds no message at all. *cut_out is set when the input
 * was shortened to stay within the limits. */
GMimeMessage *
mp_mail_parse (const char *data,
               gsize       len,
               gboolean   *cut_out)
{
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;
  gsize use;

  mp_mail_init ();

  if (data == NULL)
    len = 0;
  use = MIN (len, (gsize) MP_MAIL_MAX_INPUT_BYTES);
  if (use < len)
    {
      gsize block = mp_mail_header_block_length (data, len);

      if (use < block)
        use = header_cut (data, block, use);
    }
  use = nesting_limit_cut (data, use);
  if (cut_out)
    *cut_out = use < len;

  stream = g_mime_stream_mem_new_with_byte_array (header_safe_copy (data, use));
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, parser_options);
  g_object_unref (parser);
  g_object_unref (stream);
  return message;
}

/* Length of the header block including the empty line that ends it (LF or CRLF);
 * the whole input when there is no empty line (truncated or header-only). */
gsize
mp_mail_header_block_length (const char *data,
                             gsize       len)
{
  if (data == NULL)
    return 0;
  if (len > 0 && data[0] == '\n')
    return 1;
  if (len > 1 && data[0] == '\r' && data[1] == '\n')
    return 2;
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] != '\n')
        continue;
      if (i + 1 < len && data[i + 1] == '\n')
        return i + 2;
      if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
        return i + 3;
    }
  return len;
}

/* ---------------------------------------------------------------- headers */

static InternetAddress *
first_mailbox (InternetAddressList *list,
               guint                depth)
{
  int n;

  if (list == NULL || depth > 4)
    return NULL;
  n = internet_address_list_length (list);
  for (int i = 0; i < n && i < 64; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        return ia;
      if (INTERNET_ADDRESS_IS_GROUP (ia))
        {
          InternetAddress *inner =
            first_mailbox (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
                           depth + 1);
          if (inner)
            return inner;
        }
    }
  return NULL;
}

static gboolean
attachment_hint (GMimeMessage *message)
{
  GMimeObject *part = g_mime_message_get_mime_part (message);
  GMimeContentType *ct;
  GMimeContentDisposition *disp;

  if (part == NULL)
    return FALSE;
  disp = g_mime_object_get_content_disposition (part);
  if (disp != NULL && g_mime_content_disposition_is_attachment (disp))
    return TRUE;
  ct = g_mime_object_get_content_type (part);
  if (ct == NULL)
    return FALSE;
  if (g_mime_content_type_is_type (ct, "multipart", "mixed"))
    return TRUE;
  /* A whole message that is one PDF or image is an attachment too. */
  return !g_mime_content_type_is_type (ct, "multipart", "*")
         && !g_mime_content_type_is_type (ct, "text", "*")
         && !g_mime_content_type_is_type (ct, "message", "*");
}

/* GMime reads RFC 5322 dates; some automated senders write ISO 8601 instead. */
static GDateTime *
parse_odd_date (const char *value)
{
  g_autofree char *clean = NULL;
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (value == NULL || strlen (value) > 64)
    return NULL;
  clean = g_strstrip (g_strdup (value));
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (clean, utc);
  return dt ? g_date_time_to_utc (dt) : NULL;
}

static gboolean
plausible_address (const char *addr,
                   gsize       len,
                   gboolean    need_at)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isspace (addr[i]) || addr[i] == '<' || addr[i] == '>'
        || (guchar) addr[i] < 0x20 || addr[i] == 0x7f)
      return FALSE;
  return !need_at || memchr (addr, '@', len) != NULL;
}

/* GMime finds no mailbox in a From header it cannot tokenise — e.g. an unbalanced
 * "(" (an RFC 5322 comment that never ends) in a display name, which is what a
 * mis-encoded name like "\xc3\x28Bad Name" turns into. Rather than show a blank
 * sender, take "name <address>" or a bare "user@host" from the decoded value
 * (already valid UTF-8: undeclared 8-bit is read with the fallback charsets). */
static void
fallback_from (const char  *value,
               char       **name_out,
               char       **address_out)
{
  const char *lt = value ? strchr (value, '<') : NULL;
  const char *gt = lt ? strchr (lt + 1, '>') : NULL;

  if (value == NULL)
    return;
  if (gt != NULL && plausible_address (lt + 1, gt - lt - 1, FALSE))
    {
      g_autofree char *name = g_strstrip (g_strndup (value, lt - value));
      g_autofree char *addr = g_strndup (lt + 1, gt - lt - 1);
      gsize n = strlen (name);

      if (n >= 2 && name[0] == '"' && name[n - 1] == '"')
        {
          name[n - 1] = '\0';
          memmove (name, name + 1, n - 1);
        }
      *name_out = mp_mail_clean_field (name);
      *address_out = mp_mail_clean_field (addr);
      return;
    }
  if (lt == NULL)
    {
      g_auto(GStrv) words = g_strsplit_set (value, " \t\r\n,;", -1);

      for (guint i = 0; words[i] != NULL; i++)
        if (plausible_address (words[i], strlen (words[i]), TRUE))
          {
            *name_out = g_strdup ("");
            *address_out = mp_mail_clean_field (words[i]);
            return;
          }
    }
}

/* The fields rules read (Cc, the spam verdict) as g_mime_object_get_header()
 * gives them: unfolded and decoded; NULL when absent. */
static char *
clean_or_null (const char *value)
{
  return value != NULL ? mp_mail_clean_field (value) : NULL;
}

static void
rule_fields_from_message (MpMailHeaders *h,
                          GMimeMessage  *message)
{
  GMimeObject *object = GMIME_OBJECT (message);

  h->cc = clean_or_null (g_mime_object_get_header (object, "Cc"));
  h->spam_flag = clean_or_null (g_mime_object_get_header (object, "X-Spam-Flag"));
  h->spam_status = clean_or_null (g_mime_object_get_header (object, "X-Spam-Status"));
  h->spam_score = clean_or_null (g_mime_object_get_header (object, "X-Spam-Score"));
}

void
mp_mail_headers_init (MpMailHeaders *h,
                      GMimeMessage  *message)
{
  memset (h, 0, sizeof *h);

  if (message != NULL)
    {
      InternetAddress *from = first_mailbox (g_mime_message_get_from (message), 0);
      InternetAddressList *to = g_mime_message_get_to (message);
      GDateTime *date = g_mime_message_get_date (message);
      g_autofree char *to_str = NULL;

      if (from != NULL)
        {
          h->from_name = mp_mail_clean_field (internet_address_get_name (from));
          h->from_address =
            mp_mail_clean_field (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (from)));
        }
      else
        fallback_from (g_mime_object_get_header (GMIME_OBJECT (message), "From"),
                       &h->from_name, &h->from_address);
      if (to != NULL && internet_address_list_length (to) > 0)
        to_str = internet_address_list_to_string (to, NULL, FALSE);
      /* Same failure as above for To: show the decoded text rather than nothing. */
      h->to = mp_mail_clean_field (to_str ? to_str
                                   : g_mime_object_get_header (GMIME_OBJECT (message), "To"));
      h->subject = mp_mail_clean_field (g_mime_message_get_subject (message));
      h->message_id = mp_mail_clean_field (g_mime_message_get_message_id (message));
      if (date != NULL)
        h->date = g_date_time_to_utc (date);
      else
        h->date = parse_odd_date (g_mime_object_get_header (GMIME_OBJECT (message), "Date"));
      h->has_attachments = attachment_hint (message);
      rule_fields_from_message (h, message);
    }

  if (h->from_name == NULL)
    h->from_name = g_strdup ("");
  if (h->from_address == NULL)
    h->from_address = g_strdup ("");
  if (h->to == NULL)
    h->to = g_strdup ("");
  if (h->subject == NULL)
    h->subject = g_strdup ("");
  if (h->message_id == NULL)
    h->message_id = g_strdup ("");
}

/* ---------------------------------------------------------------- header block */

/* The fields a summary reads, as GMime names them. */
enum {
  FIELD_FROM,
  FIELD_TO,
  FIELD_SUBJECT,
  FIELD_DATE,
  FIELD_MESSAGE_ID,
  FIELD_CONTENT_TYPE,
  FIELD_CONTENT_DISPOSITION,
  FIELD_CC,
  FIELD_SPAM_FLAG,
  FIELD_SPAM_STATUS,
  FIELD_SPAM_SCORE,
  N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
  "From", "To", "Subject", "Date", "Message-Id", "Content-Type", "Content-Disposition",
  "Cc", "X-Spam-Flag", "X-Spam-Status", "X-Spam-Score",
};

static gboolean
is_field_name_char (guchar c)
{
  return c > 0x20 && c < 0x7f && c != ':';
}

/* Which of field_names the field name data[0..len) is, or -1. */
static int
summary_field (const char *name,
               gsize       len)
{
  for (guint k = 0; k < N_FIELDS; k++)
    if (strlen (field_names[k]) == len && g_ascii_strncasecmp (name, field_names[k], len) == 0)
      return (int) k;
  return -1;
}

/* The end of the field that starts at data[pos]: the start of the next line
 * that is not a fold, or len. */
static gsize
field_end (const char *data,
           gsize       len,
           gsize       pos)
{
  const char *nl;

  while ((nl = memchr (data + pos, '\n', len - pos)) != NULL)
    {
      pos = nl - data + 1;
      if (pos == len || (data[pos] != ' ' && data[pos] != '\t'))
        return pos;
    }
  return len;
}

/* A header block over max bytes cut down for a summary: the fields a summary
 * reads (field_names), whole and in their order, as long as they fit under max;
 * every other field goes. So padding the header, with other fields or with one
 * huge field, cannot push From, Subject or Date out of reach, and the cost
 * stays bounded by max. */
GString *
mp_mail_header_block_shrink (const char *data,
                             gsize       len,
                             gsize       max)
{
  GString *out = g_string_sized_new (MIN (len, max));
  gsize pos = 0;

  while (pos < len)
    {
      gsize end = field_end (data, len, pos);
      gsize name = pos;
      gsize colon;

      while (name < end && is_field_name_char (data[name]))
        name++;
      for (colon = name; colon < end && (data[colon] == ' ' || data[colon] == '\t'); colon++)
        ;
      if (name > pos && colon < end && data[colon] == ':'
          && summary_field (data + pos, name - pos) >= 0 && out->len + (end - pos) <= max)
        g_string_append_len (out, data + pos, end - pos);
      pos = end;
    }
  return out;
}

typedef struct {
  char *raw[N_FIELDS];     /* owned; text after the colon, folds kept, or NULL */
  char *value[N_FIELDS];   /* owned; unfolded and RFC 2047-decoded, made on demand */
} HeaderFields;

static void
header_fields_clear (HeaderFields *f)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_free (f->raw[i]);
      g_free (f->value[i]);
    }
}

/* Collects the summary's fields from a header block that is plainly
 * well-formed: every line "Name: value" (name of printable ASCII) or a
 * continuation of the previous one, CR only before LF, no NUL, each wanted
 * field at most once, nothing the nesting limit would cut. For such a block
 * GMime's parser yields exactly these raw values, so the summary can be built
 * from them without a whole GMimeMessage (header list, MIME part, address
 * lists and streams: ~90% of the cost of a summary). Anything else returns
 * FALSE and takes the full parse, which knows every oddity. */
static gboolean
collect_simple_fields (const char   *data,
                       gsize         len,
                       HeaderFields *f)
{
  gsize pos = 0;
  int current = -1;          /* field being continued, -1 = one not wanted */
  gsize value_start = 0;
  gsize value_end = 0;
  gboolean in_header = FALSE;

  if (memchr (data, '\0', len) != NULL || nesting_limit_cut (data, len) != len)
    return FALSE;

  while (pos < len)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize eol = nl ? (gsize) (nl - data) : len;
      gsize end = eol;
      gsize i;

      if (end > pos && data[end - 1] == '\r')
        end--;
      if (memchr (data + pos, '\r', end - pos) != NULL)
        return FALSE;
      if (end == pos)
        break;                                   /* the empty line: end of the block */

      if (data[pos] == ' ' || data[pos] == '\t')
        {
          if (!in_header)
            return FALSE;
          value_end = eol;                        /* continuation: part of the value */
        }
      else
        {
          if (current >= 0)
            f->raw[current] = mp_mail_strndup_merged (data + value_start, value_end - value_start);
          for (i = pos; i < end && is_field_name_char (data[i]); i++)
            ;
          if (i == pos || i == end || data[i] != ':')
            return FALSE;
          current = summary_field (data + pos, i - pos);
          if (current >= 0 && f->raw[current] != NULL)
            return FALSE;                        /* repeated: GMime's merge rules apply */
          in_header = TRUE;
          value_start = i + 1;
          value_end = end;
        }
      pos = nl ? eol + 1 : len;
    }
  if (current >= 0)
    f->raw[current] = mp_mail_strndup_merged (data + value_start, value_end - value_start);
  return TRUE;
}

/* What g_mime_header_get_value() gives for the field (NULL when absent). */
static const char *
field_value (HeaderFields *f,
             guint         field)
{
  if (f->value[field] == NULL && f->raw[field] != NULL)
    {
      g_autofree char *unfolded = g_mime_utils_header_unfold (f->raw[field]);

      f->value[field] = g_mime_utils_header_decode_text (parser_options, unfolded);
    }
  return f->value[field];
}

/* The quick reading of Content-Type and Content-Disposition: most values are
 * plain tokens ("text/plain; charset=…", "attachment; filename=…"), and building
 * GMime's content-type and parameter objects for each of 10,000 summaries was
 * a sixth of `list`'s CPU. Only the part before the first ';' matters; when it
 * is not whitespace around tokens of letters, digits, '-', '+' and '.' (a
 * comment, quotes, an encoded word, anything odd) the caller asks GMime, whose
 * answer test-summary-paths compares against this one. */
static gboolean
is_simple_token_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '+' || c == '.';
}

static const char *
skip_folding_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
    p++;
  return p;
}

/* Reads "WS token [ '/' token ] WS" up to ';' or the end; FALSE if the value
 * holds anything else there. @sub is NULL for a disposition (one token). */
static gboolean
simple_type_tokens (const char  *value,
                    const char **type,
                    gsize       *type_len,
                    const char **sub,
                    gsize       *sub_len)
{
  const char *p = skip_folding_space (value);

  *type = p;
  while (is_simple_token_char (*p))
    p++;
  *type_len = p - *type;
  if (*type_len == 0)
    return FALSE;
  if (sub != NULL)
    {
      if (*p++ != '/')
        return FALSE;
      *sub = p;
      while (is_simple_token_char (*p))
        p++;
      *sub_len = p - *sub;
      if (*sub_len == 0)
        return FALSE;
    }
  p = skip_folding_space (p);
  return *p == ';' || *p == '\0';
}

static gboolean
token_is (const char *token,
          gsize       len,
          const char *word)
{
  return strlen (word) == len && g_ascii_strncasecmp (token, word, len) == 0;
}

/* -1: not simple (ask GMime); else whether the types make an attachment hint. */
static int
quick_attachment_hint (HeaderFields *f)
{
  const char *disp = f->raw[FIELD_CONTENT_DISPOSITION];
  const char *ct = f->raw[FIELD_CONTENT_TYPE];
  const char *type, *sub;
  gsize type_len, sub_len;

  if (disp != NULL)
    {
      if (!simple_type_tokens (disp, &type, &type_len, NULL, NULL))
        return -1;
      if (token_is (type, type_len, "attachment"))
        return TRUE;
    }
  if (ct == NULL)
    return FALSE;
  if (!simple_type_tokens (ct, &type, &type_len, &sub, &sub_len))
    return -1;
  if (token_is (type, type_len, "multipart"))
    return token_is (sub, sub_len, "mixed");
  return !token_is (type, type_len, "text") && !token_is (type, type_len, "message");
}

static gboolean
attachment_hint_from_fields (HeaderFields *f)
{
  gboolean hint = FALSE;
  int quick = quick_attachment_hint (f);

  if (quick >= 0)
    return quick;
  /* Like GMimeObject, parse the decoded values (not the raw ones). */
  if (field_value (f, FIELD_CONTENT_DISPOSITION) != NULL)
    {
      GMimeContentDisposition *disp =
        g_mime_content_disposition_parse (parser_options, field_value (f, FIELD_CONTENT_DISPOSITION));

      hint = disp != NULL && g_mime_content_disposition_is_attachment (disp);
      g_clear_object (&disp);
      if (hint)
        return TRUE;
    }
  if (field_value (f, FIELD_CONTENT_TYPE) != NULL)
    {
      GMimeContentType *ct =
        g_mime_content_type_parse (parser_options, field_value (f, FIELD_CONTENT_TYPE));

      if (ct != NULL)
        hint = g_mime_content_type_is_type (ct, "multipart", "mixed")
               || (!g_mime_content_type_is_type (ct, "multipart", "*")
                   && !g_mime_content_type_is_type (ct, "text", "*")
                   && !g_mime_content_type_is_type (ct, "message", "*"));
      g_clear_object (&ct);
    }
  return hint;
}

static InternetAddressList *
parse_address_field (HeaderFields *f,
                     guint         field)
{
  return f->raw[field] != NULL ? internet_address_list_parse (parser_options, f->raw[field])
                               : NULL;
}

/* The To field from its raw value, as mp_mail_headers_init() makes it. */
static char *
format_to_field (const char *raw)
{
  InternetAddressList *list = internet_address_list_parse (parser_options, raw);
  char *to;

  if (list != NULL)
    {
      g_autofree char *str = internet_address_list_to_string (list, NULL, FALSE);

      to = mp_mail_clean_field (str);
      g_object_unref (list);
    }
  else
    {
      /* The public parser gives nothing for a list with an error, where a
       * message keeps the addresses read before it: ask a message made of
       * this one header. */
      g_autofree char *block = g_strconcat ("To:", raw, "\r\n\r\n", NULL);
      GMimeMessage *message = mp_mail_parse (block, strlen (block), NULL);
      MpMailHeaders one;

      mp_mail_headers_init (&one, message);
      to = g_steal_pointer (&one.to);
      mp_mail_headers_clear (&one);
      g_clear_object (&message);
    }
  return to;
}

/* headers->to, formatted on first use when the header block left it raw.
 * Safe from any thread: the result is published once. */
const char *
mp_mail_headers_get_to (MpMailHeaders *h)
{
  if (g_once_init_enter (&h->to))
    g_once_init_leave (&h->to, format_to_field (h->to_raw));
  return h->to;
}

/* mp_mail_headers_init_from_block() once the block's fields were collected. */
static void
fill_from_fields (MpMailHeaders       *h,
                  HeaderFields        *f,
                  InternetAddressList *from_list)
{
  InternetAddress *from;
  GDateTime *date = NULL;

  memset (h, 0, sizeof *h);
  from = first_mailbox (from_list, 0);
  if (from != NULL)
    {
      h->from_name = mp_mail_clean_field (internet_address_get_name (from));
      h->from_address =
        mp_mail_clean_field (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (from)));
    }
  else
    fallback_from (field_value (f, FIELD_FROM), &h->from_name, &h->from_address);

  /* Formatting To costs as much as the rest of a summary (GMime converts
   * each domain with libidn2) and a list never shows it: done on first use. */
  if (f->raw[FIELD_TO] != NULL)
    h->to_raw = g_steal_pointer (&f->raw[FIELD_TO]);
  else
    h->to = g_strdup ("");

  h->subject = mp_mail_clean_field (field_value (f, FIELD_SUBJECT));
  if (field_value (f, FIELD_MESSAGE_ID) != NULL)
    {
      g_autofree char *id = g_mime_utils_decode_message_id (field_value (f, FIELD_MESSAGE_ID));
      h->message_id = mp_mail_clean_field (id);
    }
  else
    h->message_id = g_strdup ("");

  if (field_value (f, FIELD_DATE) != NULL)
    date = g_mime_utils_header_decode_date (field_value (f, FIELD_DATE));
  if (date != NULL)
    {
      h->date = g_date_time_to_utc (date);
      g_date_time_unref (date);
    }
  else
    h->date = parse_odd_date (field_value (f, FIELD_DATE));
  h->has_attachments = attachment_hint_from_fields (f);
  h->cc = clean_or_null (field_value (f, FIELD_CC));
  h->spam_flag = clean_or_null (field_value (f, FIELD_SPAM_FLAG));
  h->spam_status = clean_or_null (field_value (f, FIELD_SPAM_STATUS));
  h->spam_score = clean_or_null (field_value (f, FIELD_SPAM_SCORE));

  if (h->from_name == NULL)
    h->from_name = g_strdup ("");
  if (h->from_address == NULL)
    h->from_address = g_strdup ("");
}

/* mp_mail_headers_init() for a header block, without building a GMimeMessage
 * when the block allows (see collect_simple_fields); the same fields either
 * way. @data is the header block only (mp_mail_header_block_length).
 * Returns TRUE when the block was read without the full parse. */
gboolean
mp_mail_headers_init_from_block (MpMailHeaders *h,
                                 const char    *data,
                                 gsize          len)
{
  HeaderFields f = { { NULL, }, { NULL, } };
  InternetAddressList *from_list = NULL;   /* GMime 3.2 has no autoptr support */
  gboolean data_simple = TRUE;

  mp_mail_init ();
  if (data != NULL && collect_simple_fields (data, len, &f))
    {
      /* As for To above: a From list with an error keeps its first addresses
       * in a message, which the public parser does not give. */
      from_list = parse_address_field (&f, FIELD_FROM);
      if (from_list == NULL && f.raw[FIELD_FROM] != NULL)
        data_simple = FALSE;
    }
  else
    data_simple = FALSE;
  if (!data_simple)
    {
      GMimeMessage *message = data != NULL ? mp_mail_parse (data, len, NULL) : NULL;

      g_clear_object (&from_list);
      header_fields_clear (&f);
      mp_mail_headers_init (h, message);
      g_clear_object (&message);
      return FALSE;
    }

  fill_from_fields (h, &f, from_list);
  g_clear_object (&from_list);
  header_fields_clear (&f);
  return TRUE;
}

void
mp_mail_headers_clear (MpMailHeaders *h)
{
  g_clear_pointer (&h->from_name, g_free);
  g_clear_pointer (&h->from_address, g_free);
  g_clear_pointer (&h->to, g_free);
  g_clear_pointer (&h->to_raw, g_free);
  g_clear_pointer (&h->subject, g_free);
  g_clear_pointer (&h->message_id, g_free);
  g_clear_pointer (&h->date, g_date_time_unref);
  g_clear_pointer (&h->cc, g_free);
  g_clear_pointer (&h->spam_flag, g_free);
  g_clear_pointer (&h->spam_status, g_free);
  g_clear_pointer (&h->spam_score, g_free);
}

static void
collect_addresses (InternetAddressList *list,
                   guint                depth,
                   GPtrArray           *out)
{
  int n;

  if (list == NULL || depth > 4)
    return;
  n = internet_address_list_length (list);
  for (int i = 0; i < n && out->len < 1024; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        {
          const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
          g_autofree char *clean = mp_mail_clean_field (addr);

          if (*clean != '\0')
            g_ptr_array_add (out, g_utf8_strdown (clean, -1));
        }
      else if (INTERNET_ADDRESS_IS_GROUP (ia))
        collect_addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
                           depth + 1, out);
    }
}

/* The addr-specs of an address list field's decoded text, lower-cased, groups
 * opened, in order (a rule compares addresses case-insensitively). */
char **
mp_mail_list_addresses (const char *text)
{
  GPtrArray *out = g_ptr_array_new ();
  InternetAddressList *list;

  mp_mail_init ();
  list = text != NULL && *text != '\0' ? internet_address_list_parse (parser_options, text) : NULL;
  collect_addresses (list, 0, out);
  g_clear_object (&list);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}
