/* mp-header-block.c — MpMailHeaders from a bare header block (TOP n 0), and a
 * header block cut down to what a summary reads.
 *
 * A plainly well-formed block is read field by field, without building a
 * GMimeMessage; anything odd goes to the full parse (mp_mail_parse and
 * mp_mail_headers_init in mp-mail-util.c).  Both ways give the same fields:
 * they share the field readers of mp-mail-private.h, and test-summary-paths
 * compares them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-mail-private.h"

#include <string.h>

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

  if (memchr (data, '\0', len) != NULL || mp_mail_nesting_limit_cut (data, len) != len)
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

/* Printable ASCII and tabs with no "=?": no encoded word, nothing to convert,
 * so GMime's decoding would return the text as it is (test-summary-paths
 * compares the two ways on mutated blocks). Most Subject, Date and Message-Id
 * values are such, and decoding them was a tenth of a listing's CPU. */
static gboolean
nothing_to_decode (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((*p < 0x20 || *p > 0x7e) && *p != '\t')
        return FALSE;
      if (p[0] == '=' && p[1] == '?')
        return FALSE;
    }
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

      if (nothing_to_decode (unfolded))
        f->value[field] = g_steal_pointer (&unfolded);
      else
        f->value[field] = g_mime_utils_header_decode_text (mp_mail_parser_options (), unfolded);
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
        g_mime_content_disposition_parse (mp_mail_parser_options (),
                                          field_value (f, FIELD_CONTENT_DISPOSITION));

      hint = disp != NULL && g_mime_content_disposition_is_attachment (disp);
      g_clear_object (&disp);
      if (hint)
        return TRUE;
    }
  if (field_value (f, FIELD_CONTENT_TYPE) != NULL)
    {
      GMimeContentType *ct =
        g_mime_content_type_parse (mp_mail_parser_options (), field_value (f, FIELD_CONTENT_TYPE));

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
  if (f->raw[field] == NULL)
    return NULL;
  return internet_address_list_parse (mp_mail_parser_options (), f->raw[field]);
}

/* The To field from its raw value, as mp_mail_headers_init() makes it. */
static char *
format_to_field (const char *raw)
{
  InternetAddressList *list = internet_address_list_parse (mp_mail_parser_options (), raw);
  char *to;

  if (list != NULL)
    {
      g_autofree char *str = internet_address_list_to_string (list, NULL, FALSE);

      to = mp_mail_pool_take (mp_mail_clean_field (str));
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
      to = g_steal_pointer (&one.to);   /* pooled, as headers->to must be */
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

/* Senders repeat: a mailbox's thousands of messages come from far fewer
 * From values, and parsing each one (GMime's address list objects) was a
 * tenth of a listing's CPU. The name and address made from a raw From value
 * are kept for the next block with the same value, byte for byte; bounded
 * (emptied when full), and MT-safe (summaries are made on workers). */
#define FROM_CACHE_MAX 512

typedef struct {
  char *name;      /* pooled */
  char *address;   /* pooled */
} FromPair;

static GMutex      from_cache_lock;
static GHashTable *from_cache;   /* raw From (owned) → FromPair; guarded by the lock */

static void
from_pair_free (gpointer data)
{
  FromPair *pair = data;

  mp_mail_pool_release (pair->name);
  mp_mail_pool_release (pair->address);
  g_free (pair);
}

static gboolean
from_cache_lookup (const char *raw,
                   char      **name,
                   char      **address)
{
  FromPair *pair;

  g_mutex_lock (&from_cache_lock);
  pair = from_cache != NULL ? g_hash_table_lookup (from_cache, raw) : NULL;
  if (pair != NULL)
    {
      *name = mp_mail_pool_ref (pair->name);
      *address = mp_mail_pool_ref (pair->address);
    }
  g_mutex_unlock (&from_cache_lock);
  return pair != NULL;
}

static void
from_cache_add (const char *raw,
                char       *name,
                char       *address)
{
  FromPair *pair = g_new (FromPair, 1);

  pair->name = mp_mail_pool_ref (name);
  pair->address = mp_mail_pool_ref (address);
  g_mutex_lock (&from_cache_lock);
  if (from_cache == NULL)
    from_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, from_pair_free);
  if (g_hash_table_size (from_cache) >= FROM_CACHE_MAX)
    g_hash_table_remove_all (from_cache);
  g_hash_table_replace (from_cache, g_strdup (raw), pair);
  g_mutex_unlock (&from_cache_lock);
}

/* The sender's name and address (pooled) from the block's From field; FALSE
 * when the block needs the full parse: a From list with an error keeps its
 * first addresses in a message, which the public parser does not give (as for
 * To above). */
static gboolean
block_from (HeaderFields *f,
            char        **name,
            char        **address)
{
  const char *raw = f->raw[FIELD_FROM];
  InternetAddressList *list;   /* GMime 3.2 has no autoptr support */
  InternetAddress *from;

  *name = *address = NULL;
  if (raw != NULL && from_cache_lookup (raw, name, address))
    return TRUE;
  list = parse_address_field (f, FIELD_FROM);
  if (list == NULL && raw != NULL)
    return FALSE;
  from = mp_mail_first_mailbox (list, 0);
  if (from != NULL)
    {
      *name = mp_mail_clean_field (internet_address_get_name (from));
      *address =
        mp_mail_clean_field (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (from)));
    }
  else
    mp_mail_fallback_from (field_value (f, FIELD_FROM), name, address);
  g_clear_object (&list);
  *name = *name != NULL ? mp_mail_pool_take (*name) : mp_mail_pool_dup ("");
  *address = *address != NULL ? mp_mail_pool_take (*address) : mp_mail_pool_dup ("");
  if (raw != NULL)
    from_cache_add (raw, *name, *address);
  return TRUE;
}

/* mp_mail_headers_init_from_block() once the block's fields and sender were
 * read; takes @from_name and @from_address. */
static void
fill_from_fields (MpMailHeaders *h,
                  HeaderFields  *f,
                  char          *from_name,
                  char          *from_address)
{
  GDateTime *date = NULL;

  memset (h, 0, sizeof *h);
  h->from_name = from_name;
  h->from_address = from_address;

  /* Formatting To costs as much as the rest of a summary (GMime converts
   * each domain with libidn2) and a list never shows it: done on first use. */
  if (f->raw[FIELD_TO] != NULL)
    h->to_raw = mp_mail_pool_take (g_steal_pointer (&f->raw[FIELD_TO]));
  else
    h->to = mp_mail_pool_dup ("");

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
    h->date = mp_mail_parse_odd_date (field_value (f, FIELD_DATE));
  h->has_attachments = attachment_hint_from_fields (f);
  h->cc = mp_mail_clean_or_null (field_value (f, FIELD_CC));
  h->spam_flag = mp_mail_clean_or_null (field_value (f, FIELD_SPAM_FLAG));
  h->spam_status = mp_mail_clean_or_null (field_value (f, FIELD_SPAM_STATUS));
  h->spam_score = mp_mail_clean_or_null (field_value (f, FIELD_SPAM_SCORE));
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
  char *from_name, *from_address;

  mp_mail_init ();
  if (data == NULL || !collect_simple_fields (data, len, &f)
      || !block_from (&f, &from_name, &from_address))
    {
      GMimeMessage *message = data != NULL ? mp_mail_parse (data, len, NULL) : NULL;

      header_fields_clear (&f);
      mp_mail_headers_init (h, message);
      g_clear_object (&message);
      return FALSE;
    }

  fill_from_fields (h, &f, from_name, from_address);
  header_fields_clear (&f);
  return TRUE;
}
