/* mp-message-preview.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-message-preview.h"
#include "mp-html-text.h"
#include "mp-mail-private.h"

#include <string.h>

struct _MpMessagePreview
{
  GObject       parent_instance;

  MpMailHeaders headers;       /* owned */
  char         *text;          /* owned */
  gboolean      text_is_html;
  char         *raw_headers;   /* owned */
  GPtrArray    *attachments;   /* owned, of MpAttachmentInfo */
  gboolean      complete;
};

G_DEFINE_FINAL_TYPE (MpMessagePreview, mp_message_preview, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (MpAttachmentInfo, mp_attachment_info,
                     mp_attachment_info_copy, mp_attachment_info_free)

MpAttachmentInfo *
mp_attachment_info_copy (const MpAttachmentInfo *info)
{
  MpAttachmentInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);
  copy = g_new0 (MpAttachmentInfo, 1);
  copy->filename = g_strdup (info->filename);
  copy->content_type = g_strdup (info->content_type);
  copy->size = info->size;
  copy->size_is_estimate = info->size_is_estimate;
  return copy;
}

void
mp_attachment_info_free (MpAttachmentInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->filename);
  g_free (info->content_type);
  g_free (info);
}

static void
mp_message_preview_finalize (GObject *object)
{
  MpMessagePreview *self = MP_MESSAGE_PREVIEW (object);

  mp_mail_headers_clear (&self->headers);
  g_free (self->text);
  g_free (self->raw_headers);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  G_OBJECT_CLASS (mp_message_preview_parent_class)->finalize (object);
}

static void
mp_message_preview_class_init (MpMessagePreviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_message_preview_finalize;
}

static void
mp_message_preview_init (MpMessagePreview *self)
{
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_attachment_info_free);
}

/* ---------------------------------------------------------------- walking */

typedef struct {
  GMimePart *plain;        /* borrowed: first text/plain body part */
  GMimePart *html;         /* borrowed: first text/html body part */
  GPtrArray *attachments;  /* borrowed from the preview */
  gboolean   complete;
  guint      parts;
} Walk;

static char *
clean_filename (const char *name)
{
  g_autofree char *clean = mp_mail_clean_field (name);
  const char *base = clean;

  /* Never hand out a path: keep what follows the last separator. */
  for (const char *p = clean; *p; p++)
    if ((*p == '/' || *p == '\\') && p[1] != '\0')
      base = p + 1;
  return g_strdup (base);
}

static char *
content_type_string (GMimeObject *obj)
{
  GMimeContentType *ct = g_mime_object_get_content_type (obj);
  const char *type = ct ? g_mime_content_type_get_media_type (ct) : NULL;
  const char *sub = ct ? g_mime_content_type_get_media_subtype (ct) : NULL;
  g_autofree char *joined = g_strdup_printf ("%s/%s", type ? type : "application",
                                             sub ? sub : "octet-stream");
  g_autofree char *clean = mp_mail_clean_field (joined);

  return g_ascii_strdown (clean, -1);
}

/* Decoded size when the message is complete; otherwise ~3/4 of the base64 text
 * that arrived (or the raw length for other encodings). */
static void
measure (GMimeObject      *obj,
         GMimeDataWrapper *wrapper,
         gboolean          complete,
         MpAttachmentInfo *info)
{
  if (wrapper == NULL || complete)
    {
      GMimeStream *null = g_mime_stream_null_new ();

      /* wrapper == NULL: message/rfc822, the embedded message as it is written out */
      if (wrapper != NULL)
        g_mime_data_wrapper_write_to_stream (wrapper, null);
      else if (obj != NULL)
        g_mime_object_write_to_stream (obj, NULL, null);
      info->size = GMIME_STREAM_NULL (null)->written;
      info->size_is_estimate = !complete;
      g_object_unref (null);
    }
  else
    {
      GMimeStream *raw = g_mime_data_wrapper_get_stream (wrapper);
      gint64 len = raw ? g_mime_stream_length (raw) : 0;

      if (len < 0)
        len = 0;
      if (g_mime_data_wrapper_get_encoding (wrapper) == GMIME_CONTENT_ENCODING_BASE64)
        len = len / 4 * 3;
      info->size = (guint64) len;
      info->size_is_estimate = TRUE;
    }
}

static void
add_attachment (Walk        *w,
                GMimeObject *obj,
                const char  *filename)
{
  MpAttachmentInfo *info;

  if (w->attachments->len >= MP_MAIL_MAX_ATTACHMENTS)
    return;
  info = g_new0 (MpAttachmentInfo, 1);
  info->filename = clean_filename (filename);
  info->content_type = content_type_string (obj);
  if (GMIME_IS_PART (obj))
    measure (obj, g_mime_part_get_content (GMIME_PART (obj)), w->complete, info);
  else
    measure (obj, NULL, w->complete, info);
  g_ptr_array_add (w->attachments, info);
}

/* A forwarded message is shown as an attachment named after its file name or,
 * failing that, its subject. */
static void
add_forwarded_message (Walk        *w,
                       GMimeObject *obj)
{
  GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
  const char *name = g_mime_object_get_content_disposition_parameter (obj, "filename");
  MpAttachmentInfo *info;

  if (inner != NULL)
    mp_mail_object_merge_encoded_words (GMIME_OBJECT (inner));
  if (name == NULL && inner != NULL)
    name = g_mime_message_get_subject (inner);
  if (w->attachments->len >= MP_MAIL_MAX_ATTACHMENTS)
    return;
  info = g_new0 (MpAttachmentInfo, 1);
  info->filename = clean_filename (name);
  info->content_type = content_type_string (obj);
  measure (inner ? GMIME_OBJECT (inner) : NULL, NULL, w->complete, info);
  g_ptr_array_add (w->attachments, info);
}

static void
walk (Walk        *w,
      GMimeObject *obj,
      GMimeObject *parent,
      guint        depth)
{
  GMimeContentType *ct;
  GMimeContentDisposition *disp;
  gboolean is_attachment;
  const char *filename;

  if (obj == NULL || depth > MP_MAIL_MAX_NESTING || ++w->parts > MP_MAIL_MAX_PARTS)
    return;
  if (parent != NULL)
    mp_mail_object_merge_encoded_words (obj);

  if (GMIME_IS_MULTIPART (obj))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (obj);
      int n = g_mime_multipart_get_count (mp);

      for (int i = 0; i < n && w->parts <= MP_MAIL_MAX_PARTS; i++)
        walk (w, g_mime_multipart_get_part (mp, i), obj, depth + 1);
      return;
    }

  if (GMIME_IS_MESSAGE_PART (obj))
    {
      add_forwarded_message (w, obj);
      return;
    }

  if (!GMIME_IS_PART (obj))
    return;

  ct = g_mime_object_get_content_type (obj);
  disp = g_mime_object_get_content_disposition (obj);
  filename = g_mime_part_get_filename (GMIME_PART (obj));
  is_attachment = disp != NULL && g_mime_content_disposition_is_attachment (disp);

  if (!is_attachment && filename == NULL && ct != NULL)
    {
      if (g_mime_content_type_is_type (ct, "text", "plain"))
        {
          if (w->plain == NULL)
            w->plain = GMIME_PART (obj);
          return;
        }
      if (g_mime_content_type_is_type (ct, "text", "html"))
        {
          if (w->html == NULL)
            w->html = GMIME_PART (obj);
          return;
        }
    }

  /* Images referenced by an HTML body (multipart/related, Content-ID, no name) are
   * part of the text, not attachments. */
  if (!is_attachment && filename == NULL && parent != NULL
      && g_mime_object_get_content_id (obj) != NULL)
    {
      GMimeContentType *pct = g_mime_object_get_content_type (parent);

      if (pct != NULL && g_mime_content_type_is_type (pct, "multipart", "related"))
        return;
    }

  /* Other text parts without a name (e.g. text/calendar, a second text/plain) are
   * attachments too: the user can only see them that way. */
  add_attachment (w, obj, filename);
}

/* ---------------------------------------------------------------- text */

static char *
truncate_text (char *text)
{
  gsize len = strlen (text);

  if (len > MP_MAIL_MAX_TEXT_BYTES)
    {
      char *cut = g_utf8_find_prev_char (text, text + MP_MAIL_MAX_TEXT_BYTES + 1);

      if (cut != NULL)
        *cut = '\0';
    }
  return text;
}

static char *
strip_cr (char *text)
{
  char *w = text;

  for (char *r = text; *r; r++)
    if (*r != '\r')
      *w++ = *r;
  *w = '\0';
  return text;
}

/* An HTML part without a charset parameter often names it in a <meta> tag. */
static char *
sniff_html_charset (const guint8 *data,
                    gsize         len)
{
  static const char key[] = "charset=";
  gsize n = MIN (len, 4096);

  for (gsize i = 0; i + sizeof key - 1 < n; i++)
    {
      gsize j;
      GString *name;

      if (g_ascii_strncasecmp ((const char *) data + i, key, sizeof key - 1) != 0)
        continue;
      j = i + sizeof key - 1;
      if (j < n && (data[j] == '"' || data[j] == '\''))
        j++;
      name = g_string_new (NULL);
      while (j < n && name->len < 40
             && (g_ascii_isalnum (data[j]) || data[j] == '-' || data[j] == '_'
                 || data[j] == '.' || data[j] == ':'))
        g_string_append_c (name, data[j++]);
      if (name->len > 0)
        return g_string_free (name, FALSE);
      g_string_free (name, TRUE);
    }
  return NULL;
}

/* One line of a format=flowed body (RFC 3676 4.1–4.5). */
typedef struct {
  guint       depth;     /* quote depth: the number of leading '>' */
  const char *content;   /* after the quote marks and the stuffed space */
  gsize       len;
  gboolean    flowed;    /* ends in a space: a soft line break */
  gboolean    sig_sep;   /* "-- ": always fixed, and never joined to the line before */
} FlowedLine;

static void
flowed_line_parse (const char *line,
                   gsize       len,
                   FlowedLine *fl)
{
  gsize depth = 0;

  while (depth < len && line[depth] == '>')
    depth++;
  fl->depth = (guint) MIN (depth, G_MAXUINT);
  fl->content = line + depth;
  fl->len = len - depth;
  /* Stuffing is removed after the quote marks are counted (4.4, 4.5). */
  if (fl->len > 0 && fl->content[0] == ' ')
    {
      fl->content++;
      fl->len--;
    }
  fl->sig_sep = fl->len == 3 && memcmp (fl->content, "-- ", 3) == 0;
  fl->flowed = fl->len > 0 && fl->content[fl->len - 1] == ' ' && !fl->sig_sep;
}

/* Decodes a format=flowed body: flowed lines of one quote depth join into one
 * line (a paragraph the front end wraps to its width), shown with a canonical
 * "> " quote prefix. A flowed line followed by another quote depth, by the
 * signature separator or by the end of the text is taken as fixed (4.5). */
static char *
unflow (char    *text,
        gboolean delsp)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text;
  gboolean joining = FALSE;
  guint depth = 0;

  while (*p != '\0')
    {
      const char *nl = strchr (p, '\n');
      gsize len = nl != NULL ? (gsize) (nl - p) : strlen (p);
      FlowedLine fl;

      flowed_line_parse (p, len, &fl);
      if (joining && (fl.depth != depth || fl.sig_sep))
        {
          g_string_append_c (out, '\n');   /* improperly flowed: the paragraph ends */
          joining = FALSE;
        }
      if (!joining)
        {
          for (guint i = 0; i < fl.depth; i++)
            g_string_append_c (out, '>');
          if (fl.depth > 0 && fl.len > 0)
            g_string_append_c (out, ' ');
        }
      g_string_append_len (out, fl.content, (fl.flowed && delsp) ? fl.len - 1 : fl.len);
      joining = fl.flowed;
      depth = fl.depth;
      if (nl == NULL)
        {
          joining = FALSE;   /* the text ends without a line break: add none */
          break;
        }
      if (!joining)
        g_string_append_c (out, '\n');
      p = nl + 1;
    }
  if (joining)
    g_string_append_c (out, '\n');
  g_free (text);
  return g_string_free (out, FALSE);
}

static char *
part_text (GMimePart *part,
           gboolean   html)
{
  g_autofree char *sniffed = NULL;
  GMimeDataWrapper *wrapper = g_mime_part_get_content (part);
  GMimeStream *mem;
  GByteArray *bytes;
  const char *charset;
  gsize len;
  char *text;

  if (wrapper == NULL)
    return g_strdup ("");
  mem = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (wrapper, mem);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  /* HTML shrinks when reduced; plain text is cut after conversion anyway. */
  len = MIN (bytes->len, (gsize) MP_MAIL_MAX_TEXT_BYTES * (html ? 8 : 2));
  charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
  if (html && (charset == NULL || *charset == '\0'))
    charset = sniffed = sniff_html_charset (bytes->data, len);
  text = mp_mail_convert_to_utf8 ((const char *) bytes->data, len, charset);
  g_object_unref (mem);
  if (html)
    {
      char *reduced = mp_html_to_text (text, -1);

      g_free (text);
      return truncate_text (reduced);
    }
  text = strip_cr (text);
  {
    const char *format = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "format");
    const char *delsp = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "delsp");

    /* Fixed text (no format=flowed) is kept line for line: only the sender knows
     * which breaks are soft, and guessing (joining lines under ~78 columns) mangles
     * code, lists, tables, addresses and poems. A front end wraps only lines
     * longer than its width. */
    if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0)
      text = unflow (text, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
  }
  return truncate_text (text);
}

/* Line by line, so one Latin-1 header does not turn a UTF-8 subject into mojibake. */
static char *
raw_header_text (const char *data,
                 gsize       len)
{
  gsize hlen = MIN (mp_mail_header_block_length (data, len), (gsize) MP_MAIL_MAX_HEADER_BYTES);
  GString *out = g_string_sized_new (hlen);
  gsize start = 0;

  while (start < hlen)
    {
      const char *nl = memchr (data + start, '\n', hlen - start);
      gsize end = nl ? (gsize) (nl - data) + 1 : hlen;
      g_autofree char *line = mp_mail_convert_to_utf8 (data + start, end - start, NULL);

      g_string_append (out, line);
      start = end;
    }
  return strip_cr (g_string_free (out, FALSE));
}

MpMessagePreview *
mp_message_preview_new_from_bytes (const char *data,
                                   gsize       len,
                                   gboolean    complete)
{
  MpMessagePreview *self;
  GMimeMessage *message;   /* GMime 3.2 has no autoptr support */
  gboolean cut = FALSE;
  Walk w = { 0 };

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  self = g_object_new (MP_TYPE_MESSAGE_PREVIEW, NULL);
  if (data == NULL)
    data = "";

  self->raw_headers = raw_header_text (data, len);

  message = mp_mail_parse (data, len, &cut);
  self->complete = complete && !cut;
  mp_mail_headers_init (&self->headers, message);

  w.attachments = self->attachments;
  w.complete = self->complete;
  if (message != NULL)
    walk (&w, g_mime_message_get_mime_part (message), NULL, 0);

  if (w.plain != NULL)
    self->text = part_text (w.plain, FALSE);
  else if (w.html != NULL)
    {
      self->text = part_text (w.html, TRUE);
      self->text_is_html = TRUE;
    }
  else
    self->text = g_strdup ("");

  if (self->attachments->len > 0)
    self->headers.has_attachments = TRUE;
  g_clear_object (&message);
  return self;
}

const char *
mp_message_preview_get_text (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->text;
}

/* TRUE when the text was reduced from an HTML part (there was no text/plain). */
gboolean
mp_message_preview_get_text_is_html (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), FALSE);
  return self->text_is_html;
}

const char *
mp_message_preview_get_from_name (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->headers.from_name;
}

const char *
mp_message_preview_get_from_address (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->headers.from_address;
}

char *
mp_message_preview_dup_from_display (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return mp_mail_format_from (self->headers.from_name, self->headers.from_address);
}

const char *
mp_message_preview_get_to (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->headers.to;
}

const char *
mp_message_preview_get_subject (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->headers.subject;
}

GDateTime *
mp_message_preview_get_date (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->headers.date;
}

const char *
mp_message_preview_get_message_id (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->headers.message_id;
}

/* The header block as received (CR removed), for "View source". */
const char *
mp_message_preview_get_raw_headers (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->raw_headers;
}

GPtrArray *
mp_message_preview_get_attachments (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), NULL);
  return self->attachments;
}

gboolean
mp_message_preview_get_is_complete (MpMessagePreview *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_PREVIEW (self), FALSE);
  return self->complete;
}
