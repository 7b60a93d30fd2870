/* mp-message-summary.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-message-summary.h"
#include "mp-mail-private.h"

#include <string.h>

struct _MpMessageSummary
{
  GObject       parent_instance;

  char         *uidl;      /* owned */
  guint64       size;
  MpMailHeaders headers;   /* owned */
  gboolean      headers_truncated;
  gboolean      is_new;
  gboolean      junk;      /* set by the check's rules before anyone else sees it */
  gboolean      quiet;     /* likewise */
};

G_DEFINE_FINAL_TYPE (MpMessageSummary, mp_message_summary, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UIDL,
  PROP_SIZE,
  PROP_FROM_NAME,
  PROP_FROM_ADDRESS,
  PROP_SUBJECT,
  PROP_DATE,
  PROP_HAS_ATTACHMENTS,
  PROP_HEADERS_TRUNCATED,
  PROP_IS_NEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mp_message_summary_finalize (GObject *object)
{
  MpMessageSummary *self = MP_MESSAGE_SUMMARY (object);

  g_free (self->uidl);
  mp_mail_headers_clear (&self->headers);
  G_OBJECT_CLASS (mp_message_summary_parent_class)->finalize (object);
}

static void
mp_message_summary_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MpMessageSummary *self = MP_MESSAGE_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_UIDL: g_value_set_string (value, self->uidl); break;
    case PROP_SIZE: g_value_set_uint64 (value, self->size); break;
    case PROP_FROM_NAME: g_value_set_string (value, self->headers.from_name); break;
    case PROP_FROM_ADDRESS: g_value_set_string (value, self->headers.from_address); break;
    case PROP_SUBJECT: g_value_set_string (value, self->headers.subject); break;
    case PROP_DATE: g_value_set_boxed (value, self->headers.date); break;
    case PROP_HAS_ATTACHMENTS: g_value_set_boolean (value, self->headers.has_attachments); break;
    case PROP_HEADERS_TRUNCATED: g_value_set_boolean (value, self->headers_truncated); break;
    case PROP_IS_NEW: g_value_set_boolean (value, self->is_new); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_message_summary_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  MpMessageSummary *self = MP_MESSAGE_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_IS_NEW: mp_message_summary_set_is_new (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_message_summary_class_init (MpMessageSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mp_message_summary_finalize;
  object_class->get_property = mp_message_summary_get_property;
  object_class->set_property = mp_message_summary_set_property;

  properties[PROP_UIDL] = g_param_spec_string ("uidl", NULL, NULL, "", ro);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_FROM_NAME] = g_param_spec_string ("from-name", NULL, NULL, "", ro);
  properties[PROP_FROM_ADDRESS] = g_param_spec_string ("from-address", NULL, NULL, "", ro);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, "", ro);
  properties[PROP_DATE] = g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_HAS_ATTACHMENTS] =
    g_param_spec_boolean ("has-attachments", NULL, NULL, FALSE, ro);
  properties[PROP_HEADERS_TRUNCATED] =
    g_param_spec_boolean ("headers-truncated", NULL, NULL, FALSE, ro);
  properties[PROP_IS_NEW] =
    g_param_spec_boolean ("is-new", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mp_message_summary_init (MpMessageSummary *self)
{
}

MpMessageSummary *
mp_message_summary_new_from_headers (const char *data,
                                     gsize       len,
                                     const char *uidl,
                                     guint64     size)
{
  MpMessageSummary *self;
  g_autoptr(GString) shrunk = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  self = g_object_new (MP_TYPE_MESSAGE_SUMMARY, NULL);
  self->uidl = mp_mail_clean_field (uidl);
  self->size = size;
  if (data != NULL)
    len = mp_mail_header_block_length (data, len);
  if (len > MP_MAIL_MAX_HEADER_BYTES)
    {
      /* Padding the header past the cap must not hide who a message is from:
       * read the summary's own fields from all of it, and say it was cut. */
      shrunk = mp_mail_header_block_shrink (data, len, MP_MAIL_MAX_HEADER_BYTES);
      data = shrunk->str;
      len = shrunk->len;
      self->headers_truncated = TRUE;
    }
  mp_mail_headers_init_from_block (&self->headers, data, len);
  return self;
}

MpMessageSummary *
mp_message_summary_new_from_fields (const MpMessageSummaryFields *fields)
{
  MpMessageSummary *self;

  g_return_val_if_fail (fields != NULL, NULL);

  self = g_object_new (MP_TYPE_MESSAGE_SUMMARY, NULL);
  self->uidl = g_strdup (fields->uidl ? fields->uidl : "");
  self->size = fields->size;
  self->headers.from_name = mp_mail_pool_dup (fields->from_name ? fields->from_name : "");
  self->headers.from_address = mp_mail_pool_dup (fields->from_address ? fields->from_address : "");
  /* set, not left to to_raw: mp_mail_headers_get_to() returns it as it is */
  self->headers.to = mp_mail_pool_dup (fields->to ? fields->to : "");
  self->headers.subject = g_strdup (fields->subject ? fields->subject : "");
  self->headers.message_id = g_strdup (fields->message_id ? fields->message_id : "");
  self->headers.date = fields->date ? g_date_time_to_utc (fields->date) : NULL;
  self->headers.has_attachments = !!fields->has_attachments;
  self->headers_truncated = !!fields->headers_truncated;
  return self;
}

const char *
mp_message_summary_get_uidl (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return self->uidl;
}

guint64
mp_message_summary_get_size (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), 0);
  return self->size;
}

const char *
mp_message_summary_get_from_name (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return self->headers.from_name;
}

const char *
mp_message_summary_get_from_address (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return self->headers.from_address;
}

/* "Name <address>", or whichever of the two exists. */
char *
mp_message_summary_dup_from_display (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return mp_mail_format_from (self->headers.from_name, self->headers.from_address);
}

const char *
mp_message_summary_get_to (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return mp_mail_headers_get_to (&self->headers);
}

const char *
mp_message_summary_get_subject (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return self->headers.subject;
}

GDateTime *
mp_message_summary_get_date (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return self->headers.date;
}

const char *
mp_message_summary_get_message_id (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return self->headers.message_id;
}

gboolean
mp_message_summary_get_has_attachments (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), FALSE);
  return self->headers.has_attachments;
}

const char *
mp_message_summary_get_cc (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  return self->headers.cc != NULL ? self->headers.cc : "";
}

const char *
mp_message_summary_get_header (MpMessageSummary *self,
                               const char       *name)
{
  MpMailHeaders *h;
  struct { const char *name; const char *value; } kept[8];

  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  h = &self->headers;
  kept[0].name = "From"; kept[0].value = *h->from_address != '\0' ? h->from_address : NULL;
  kept[1].name = "To"; kept[1].value = mp_mail_headers_get_to (h);
  kept[2].name = "Cc"; kept[2].value = h->cc;
  kept[3].name = "Subject"; kept[3].value = h->subject;
  kept[4].name = "Message-Id"; kept[4].value = h->message_id;
  kept[5].name = "X-Spam-Flag"; kept[5].value = h->spam_flag;
  kept[6].name = "X-Spam-Status"; kept[6].value = h->spam_status;
  kept[7].name = "X-Spam-Score"; kept[7].value = h->spam_score;
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    if (g_ascii_strcasecmp (name, kept[i].name) == 0)
      return kept[i].value != NULL && *kept[i].value != '\0' ? kept[i].value : NULL;
  return NULL;
}

char **
mp_message_summary_dup_addresses (MpMessageSummary *self,
                                  MpAddressField    field)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), NULL);

  switch (field)
    {
    case MP_ADDRESS_FIELD_FROM:
      return mp_mail_list_addresses (self->headers.from_address);
    case MP_ADDRESS_FIELD_TO:
      return mp_mail_list_addresses (mp_mail_headers_get_to (&self->headers));
    case MP_ADDRESS_FIELD_CC:
      return mp_mail_list_addresses (self->headers.cc);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* TRUE when the header block was longer than a summary reads: its other fields
 * were dropped, and of the summary's own fields those that did not fit. */
gboolean
mp_message_summary_get_headers_truncated (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), FALSE);
  return self->headers_truncated;
}

gboolean
mp_message_summary_get_is_new (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), FALSE);
  return self->is_new;
}

void
mp_message_summary_set_is_new (MpMessageSummary *self,
                               gboolean          is_new)
{
  g_return_if_fail (MP_IS_MESSAGE_SUMMARY (self));

  is_new = !!is_new;
  if (self->is_new == is_new)
    return;
  self->is_new = is_new;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_NEW]);
}

gboolean
mp_message_summary_get_junk (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), FALSE);
  return self->junk;
}

gboolean
mp_message_summary_get_quiet (MpMessageSummary *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_SUMMARY (self), FALSE);
  return self->quiet;
}

void
mp_message_summary_set_rule_flags (MpMessageSummary *self,
                                   gboolean          junk,
                                   gboolean          quiet)
{
  g_return_if_fail (MP_IS_MESSAGE_SUMMARY (self));

  self->junk = !!junk;
  self->quiet = !!quiet;
  /* Junk is never new (it is not counted nor announced). */
  if (self->junk)
    mp_message_summary_set_is_new (self, FALSE);
}
