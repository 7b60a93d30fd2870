/* mp-message-filter.c — see mp-message-filter.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include "mp-message-filter.h"
#include "mp-message-summary.h"

struct _MpMessageFilter
{
  GtkFilter  parent_instance;

  char      *casefold;   /* owned; the folded filter text, "" for none */
  gboolean   show_junk;  /* rows a rule marked as junk match too */
};

G_DEFINE_FINAL_TYPE (MpMessageFilter, mp_message_filter, GTK_TYPE_FILTER)

/* Both sides NFKC-normalised and case-folded, so "müller" matches "Müller" whether
 * the ü came composed or decomposed. */
static char *
fold_for_search (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normalized ? normalized : "", -1);
}

static gboolean
mp_message_filter_match (GtkFilter *filter,
                         gpointer   item)
{
  MpMessageFilter *self = MP_MESSAGE_FILTER (filter);
  MpMessageSummary *summary = item;
  g_autofree char *from = NULL;
  g_autofree char *from_cf = NULL;
  g_autofree char *subject_cf = NULL;

  if (!self->show_junk && mp_message_summary_get_junk (summary))
    return FALSE;
  if (!*self->casefold)
    return TRUE;

  from = mp_message_summary_dup_from_display (summary);
  from_cf = fold_for_search (from);
  if (strstr (from_cf, self->casefold))
    return TRUE;
  subject_cf = fold_for_search (mp_message_summary_get_subject (summary));
  return strstr (subject_cf, self->casefold) != NULL;
}

static GtkFilterMatch
mp_message_filter_get_strictness (GtkFilter *filter)
{
  MpMessageFilter *self = MP_MESSAGE_FILTER (filter);

  return *self->casefold || !self->show_junk ? GTK_FILTER_MATCH_SOME : GTK_FILTER_MATCH_ALL;
}

static void
mp_message_filter_finalize (GObject *object)
{
  MpMessageFilter *self = MP_MESSAGE_FILTER (object);

  g_free (self->casefold);
  G_OBJECT_CLASS (mp_message_filter_parent_class)->finalize (object);
}

static void
mp_message_filter_class_init (MpMessageFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkFilterClass *filter_class = GTK_FILTER_CLASS (klass);

  object_class->finalize = mp_message_filter_finalize;
  filter_class->match = mp_message_filter_match;
  filter_class->get_strictness = mp_message_filter_get_strictness;
}

static void
mp_message_filter_init (MpMessageFilter *self)
{
  self->casefold = g_strdup ("");
}

MpMessageFilter *
mp_message_filter_new (void)
{
  return g_object_new (MP_TYPE_MESSAGE_FILTER, NULL);
}

gboolean
mp_message_filter_set_text (MpMessageFilter *self,
                            const char      *text,
                            GtkFilterChange *change)
{
  g_autofree char *casefold = NULL;

  g_return_val_if_fail (MP_IS_MESSAGE_FILTER (self), FALSE);

  casefold = fold_for_search (text);
  if (g_str_equal (casefold, self->casefold))
    return FALSE;
  if (change)
    {
      /* Longer text matches a subset, shorter text a superset. */
      if (g_str_has_prefix (casefold, self->casefold))
        *change = GTK_FILTER_CHANGE_MORE_STRICT;
      else if (g_str_has_prefix (self->casefold, casefold))
        *change = GTK_FILTER_CHANGE_LESS_STRICT;
      else
        *change = GTK_FILTER_CHANGE_DIFFERENT;
    }
  g_free (self->casefold);
  self->casefold = g_steal_pointer (&casefold);
  return TRUE;
}

gboolean
mp_message_filter_is_empty (MpMessageFilter *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_FILTER (self), TRUE);
  return *self->casefold == '\0' && self->show_junk;
}

gboolean
mp_message_filter_get_show_junk (MpMessageFilter *self)
{
  g_return_val_if_fail (MP_IS_MESSAGE_FILTER (self), FALSE);
  return self->show_junk;
}

void
mp_message_filter_set_show_junk (MpMessageFilter *self,
                                 gboolean         show_junk)
{
  g_return_if_fail (MP_IS_MESSAGE_FILTER (self));

  show_junk = !!show_junk;
  if (self->show_junk == show_junk)
    return;
  self->show_junk = show_junk;
  gtk_filter_changed (GTK_FILTER (self), show_junk ? GTK_FILTER_CHANGE_LESS_STRICT
                                                   : GTK_FILTER_CHANGE_MORE_STRICT);
}
