/* mp-mail-private.h — helpers shared by the src/mail objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

/* Everything a server sends is parsed with these limits, so that a hostile or
 * corrupt message costs bounded time, memory and stack. */
#define MP_MAIL_MAX_NESTING       32        /* multiparts / message parts inside each other */
#define MP_MAIL_MAX_PARTS         2000      /* parts walked in one message */
#define MP_MAIL_MAX_ATTACHMENTS   256
#define MP_MAIL_MAX_HEADER_BYTES  (256 * 1024)
#define MP_MAIL_MAX_INPUT_BYTES   (64 * 1024 * 1024)
#define MP_MAIL_MAX_TEXT_BYTES    (1024 * 1024)   /* preview text handed to the UI */
#define MP_MAIL_MAX_FIELD_CHARS   2048            /* one header field (subject, names) */

/* Decoded header fields common to a summary and a preview. Strings are owned,
 * valid UTF-8 and never NULL (except `to` before mp_mail_headers_get_to() when
 * made from a header block); date is UTC or NULL.  The four fields a mailbox
 * repeats (sender, recipients) are pooled: references from mp_mail_pool_dup(),
 * dropped with mp_mail_pool_release(), never g_free(). */
typedef struct {
  char      *from_name;      /* pooled */
  char      *from_address;   /* pooled */
  char      *to;             /* pooled */
  char      *to_raw;         /* pooled; raw To value until `to` is made from it, or NULL */
  char      *subject;
  char      *message_id;
  GDateTime *date;
  gboolean   has_attachments;
  /* Read for rules (mp-rules in src/core), decoded text or NULL when absent. */
  char      *cc;
  char      *spam_flag;      /* X-Spam-Flag */
  char      *spam_status;    /* X-Spam-Status */
  char      *spam_score;     /* X-Spam-Score */
} MpMailHeaders;

void          mp_mail_init                (void);
/* The loose options every parse here uses (GMime set up first). */
GMimeParserOptions *mp_mail_parser_options (void);

GMimeMessage *mp_mail_parse               (const char    *data,
                                           gsize          len,
                                           gboolean      *cut_out);
/* Where mp_mail_parse() cuts @data to bound GMime's nesting; @len when it does
 * not. */
gsize         mp_mail_nesting_limit_cut   (const char    *data,
                                           gsize          len);

/* mp-encoded-words.c: runs of adjacent same-charset RFC 2047 encoded-words in
 * @data joined into one word each; see that file. */
GString      *mp_mail_merge_encoded_words (const char *data,
                                           gsize       len);
/* g_strndup (data, len) with mp_mail_merge_encoded_words() applied. */
char         *mp_mail_strndup_merged      (const char *data,
                                           gsize       len);
void          mp_mail_object_merge_encoded_words (GMimeObject *object);

gsize         mp_mail_header_block_length (const char    *data,
                                           gsize          len);
GString      *mp_mail_header_block_shrink (const char    *data,
                                           gsize          len,
                                           gsize          max);

/* mp-mail-pool.c: one shared, refcounted copy per distinct text; MT-safe. */
char         *mp_mail_pool_dup            (const char    *str);
char         *mp_mail_pool_take           (char          *str);
char         *mp_mail_pool_ref            (char          *pooled);
void          mp_mail_pool_release        (char          *str);

void          mp_mail_headers_init        (MpMailHeaders *headers,
                                           GMimeMessage  *message);
gboolean      mp_mail_headers_init_from_block (MpMailHeaders *headers,
                                               const char    *data,
                                               gsize          len);
const char   *mp_mail_headers_get_to      (MpMailHeaders *headers);
void          mp_mail_headers_clear       (MpMailHeaders *headers);

/* mp-mail-util.c: field readers both ways of filling MpMailHeaders share
 * (from a GMimeMessage, and from a header block in mp-header-block.c), so the
 * two give the same fields. */
InternetAddress *mp_mail_first_mailbox    (InternetAddressList *list,
                                           guint                depth);
void          mp_mail_fallback_from       (const char    *value,
                                           char         **name_out,
                                           char         **address_out);
GDateTime    *mp_mail_parse_odd_date      (const char    *value);
char         *mp_mail_clean_or_null       (const char    *value);

char         *mp_mail_convert_to_utf8     (const char    *data,
                                           gsize          len,
                                           const char    *charset);
char         *mp_mail_clean_field         (const char    *text);
char        **mp_mail_list_addresses      (const char    *text);
char         *mp_mail_format_from         (const char    *name,
                                           const char    *address);

G_END_DECLS
