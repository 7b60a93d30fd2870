/* mp-mail-pool.c — shared copies of the header fields a mailbox repeats
 *
 * Most messages of a mailbox carry the same To (the owner's address) and come
 * from a few senders again and again: with 100,000 summaries a private copy of
 * each such field is tens of megabytes.  Pooled fields are one refcounted copy
 * per distinct text.
 *
 * Not GRefString's interning: in GLib 2.74 (Debian 12) g_ref_string_release()
 * drops the count to zero before it takes the table's lock, so in that moment
 * g_ref_string_new_intern() on another thread hands the dying string out again
 * (summaries are made on workers and dropped on the main thread).  Here the
 * count only changes under the lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-mail-private.h"

#include <stddef.h>
#include <string.h>

typedef struct {
  gsize refs;   /* guarded by pool_lock */
  char  str[];
} PoolEntry;

static GMutex      pool_lock;
static GHashTable *pool;   /* entry->str → entry; created on first use */

static PoolEntry *
entry_of (const char *str)
{
  return (PoolEntry *) (gpointer) (str - offsetof (PoolEntry, str));
}

/* The pooled copy of @str (NULL for NULL), one more reference to it. */
char *
mp_mail_pool_dup (const char *str)
{
  PoolEntry *entry;

  if (str == NULL)
    return NULL;
  g_mutex_lock (&pool_lock);
  if (pool == NULL)
    pool = g_hash_table_new (g_str_hash, g_str_equal);
  entry = g_hash_table_lookup (pool, str);
  if (entry == NULL)
    {
      gsize len = strlen (str);

      entry = g_malloc (sizeof *entry + len + 1);
      entry->refs = 0;
      memcpy (entry->str, str, len + 1);
      g_hash_table_insert (pool, entry->str, entry);
    }
  entry->refs++;
  g_mutex_unlock (&pool_lock);
  return entry->str;
}

/* One more reference to @pooled, a string the pool handed out (no lookup). */
char *
mp_mail_pool_ref (char *pooled)
{
  g_mutex_lock (&pool_lock);
  entry_of (pooled)->refs++;
  g_mutex_unlock (&pool_lock);
  return pooled;
}

/* mp_mail_pool_dup() of @str, which is freed. */
char *
mp_mail_pool_take (char *str)
{
  char *pooled = mp_mail_pool_dup (str);

  g_free (str);
  return pooled;
}

/* Drops a reference from mp_mail_pool_dup(); NULL is ignored. */
void
mp_mail_pool_release (char *str)
{
  PoolEntry *entry;

  if (str == NULL)
    return;
  entry = entry_of (str);
  g_mutex_lock (&pool_lock);
  if (--entry->refs == 0)
    {
      g_hash_table_remove (pool, entry->str);
      g_free (entry);
    }
  g_mutex_unlock (&pool_lock);
}
