/* mp-overview.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-overview.h"

#include <string.h>

static void
group_free (gpointer data)
{
  MpOverviewGroup *g = data;

  g_free (g->key);
  g_ptr_array_unref (g->uidls);
  g_free (g);
}

void
mp_overview_free (MpOverview *o)
{
  if (o == NULL)
    return;
  g_ptr_array_unref (o->largest);
  g_ptr_array_unref (o->oldest);
  g_ptr_array_unref (o->by_address);
  g_ptr_array_unref (o->by_domain);
  g_free (o);
}

static gint
by_size_desc (gconstpointer a,
              gconstpointer b)
{
  guint64 sa = mp_message_summary_get_size (*(MpMessageSummary * const *) a);
  guint64 sb = mp_message_summary_get_size (*(MpMessageSummary * const *) b);

  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

static gint
by_date_asc (gconstpointer a,
             gconstpointer b)
{
  GDateTime *da = mp_message_summary_get_date (*(MpMessageSummary * const *) a);
  GDateTime *db = mp_message_summary_get_date (*(MpMessageSummary * const *) b);

  if (da == NULL || db == NULL)
    return (da == NULL) - (db == NULL);     /* undated last */
  return g_date_time_compare (da, db);
}

static gint
group_cmp (gconstpointer a,
           gconstpointer b)
{
  const MpOverviewGroup *ga = *(MpOverviewGroup * const *) a;
  const MpOverviewGroup *gb = *(MpOverviewGroup * const *) b;

  if (ga->size != gb->size)
    return ga->size < gb->size ? 1 : -1;
  if (ga->count != gb->count)
    return ga->count < gb->count ? 1 : -1;
  return strcmp (ga->key, gb->key);
}

static GPtrArray *
top_sorted (GPtrArray    *summaries,
            GCompareFunc  cmp,
            guint         top)
{
  GPtrArray *all = g_ptr_array_new_full (summaries->len, g_object_unref);

  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (summaries, i)));
  /* stable: equal keys keep the server's order */
  g_ptr_array_sort (all, cmp);
  if (all->len > top)
    g_ptr_array_set_size (all, top);
  return all;
}

static void
add_to_group (GHashTable       *groups,
              const char       *key,
              MpMessageSummary *s)
{
  MpOverviewGroup *g = g_hash_table_lookup (groups, key);

  if (g == NULL)
    {
      g = g_new0 (MpOverviewGroup, 1);
      g->key = g_strdup (key);
      g->uidls = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (groups, g->key, g);
    }
  g->count++;
  g->size += mp_message_summary_get_size (s);
  g_ptr_array_add (g->uidls, g_strdup (mp_message_summary_get_uidl (s)));
}

static GPtrArray *
groups_sorted (GHashTable *groups)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (group_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (out, value);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (out, group_cmp);
  return out;
}

MpOverview *
mp_overview_new (GPtrArray *summaries,
                 guint      top)
{
  MpOverview *o = g_new0 (MpOverview, 1);
  g_autoptr(GHashTable) addresses = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) domains = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (summaries != NULL, NULL);

  for (guint i = 0; i < summaries->len; i++)
    {
      MpMessageSummary *s = g_ptr_array_index (summaries, i);
      g_autofree char *addr = g_utf8_strdown (mp_message_summary_get_from_address (s), -1);
      const char *at = strrchr (addr, '@');

      o->n_messages++;
      o->total_size += mp_message_summary_get_size (s);
      add_to_group (addresses, addr, s);
      add_to_group (domains, at != NULL ? at + 1 : "", s);
    }
  o->largest = top_sorted (summaries, by_size_desc, top);
  o->oldest = top_sorted (summaries, by_date_asc, top);
  o->by_address = groups_sorted (addresses);
  o->by_domain = groups_sorted (domains);
  return o;
}
