/* mp-mail-util.c — GMime setup, bounded parsing, header fields from a parsed
 * message (from a bare header block: mp-header-block.c; charset conversion and
 * field cleaning: mp-mail-text.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-mail-private.h"

#include <errno.h>
#include <string.h>

static GMimeParserOptions *parser_options;

static void
init_once (void)
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
}

/* Safe to call from any thread, any number of times. (g_once_init_enter, not
 * g_once: ThreadSanitizer sees the former's hand-over through
 * build-aux/tsan-glib-shim.c, and g_once's happens inside uninstrumented GLib.) */
void
mp_mail_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      init_once ();
      g_once_init_leave (&done, 1);
    }
}

GMimeParserOptions *
mp_mail_parser_options (void)
{
  mp_mail_init ();
  return parser_options;
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
gsize
mp_mail_nesting_limit_cut (const char *data, gsize len)
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
  use = mp_mail_nesting_limit_cut (data, use);
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

InternetAddress *
mp_mail_first_mailbox (InternetAddressList *list,
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
          InternetAddressList *members =
            internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia));
          InternetAddress *inner = mp_mail_first_mailbox (members, depth + 1);
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
GDateTime *
mp_mail_parse_odd_date (const char *value)
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
void
mp_mail_fallback_from (const char  *value,
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
char *
mp_mail_clean_or_null (const char *value)
{
  return value != NULL ? mp_mail_clean_field (value) : NULL;
}

static void
rule_fields_from_message (MpMailHeaders *h,
                          GMimeMessage  *message)
{
  GMimeObject *object = GMIME_OBJECT (message);

  h->cc = mp_mail_clean_or_null (g_mime_object_get_header (object, "Cc"));
  h->spam_flag = mp_mail_clean_or_null (g_mime_object_get_header (object, "X-Spam-Flag"));
  h->spam_status = mp_mail_clean_or_null (g_mime_object_get_header (object, "X-Spam-Status"));
  h->spam_score = mp_mail_clean_or_null (g_mime_object_get_header (object, "X-Spam-Score"));
}

void
mp_mail_headers_init (MpMailHeaders *h,
                      GMimeMessage  *message)
{
  memset (h, 0, sizeof *h);

  if (message != NULL)
    {
      InternetAddress *from = mp_mail_first_mailbox (g_mime_message_get_from (message), 0);
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
        mp_mail_fallback_from (g_mime_object_get_header (GMIME_OBJECT (message), "From"),
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
        h->date =
          mp_mail_parse_odd_date (g_mime_object_get_header (GMIME_OBJECT (message), "Date"));
      h->has_attachments = attachment_hint (message);
      rule_fields_from_message (h, message);
    }

  h->from_name = h->from_name ? mp_mail_pool_take (h->from_name) : mp_mail_pool_dup ("");
  h->from_address = h->from_address ? mp_mail_pool_take (h->from_address) : mp_mail_pool_dup ("");
  h->to = h->to ? mp_mail_pool_take (h->to) : mp_mail_pool_dup ("");
  if (h->subject == NULL)
    h->subject = g_strdup ("");
  if (h->message_id == NULL)
    h->message_id = g_strdup ("");
}

void
mp_mail_headers_clear (MpMailHeaders *h)
{
  g_clear_pointer (&h->from_name, mp_mail_pool_release);
  g_clear_pointer (&h->from_address, mp_mail_pool_release);
  g_clear_pointer (&h->to, mp_mail_pool_release);
  g_clear_pointer (&h->to_raw, mp_mail_pool_release);
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
