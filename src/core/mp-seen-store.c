/* mp-seen-store.c — per-account set of announced UIDLs, saved atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-seen-store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mp-account.h"
#include "mp-atomic-file.h"
#include "mp-error.h"

#define HEADER "# mailpeek seen v1"
#define HEADER_V2 "# mailpeek seen v2"
#define NEW_FLAG "new"
#define MAX_UIDL_LEN 512

struct _MpSeenStore
{
  GObject     parent_instance;

  char       *path;         /* owned */
  GHashTable *uidls;        /* owned: owned UIDL → GUINT_TO_POINTER (flags) */
  gboolean    initialised;
};

/* A UIDL's flags: SEEN alone is a plain v1 line. */
enum {
  FLAG_SEEN = 1 << 0,
  FLAG_NEW  = 1 << 1,   /* announced, never viewed or marked seen */
};

G_DEFINE_FINAL_TYPE (MpSeenStore, mp_seen_store, G_TYPE_OBJECT)

static void
mp_seen_store_finalize (GObject *object)
{
  MpSeenStore *self = MP_SEEN_STORE (object);

  g_free (self->path);
  g_hash_table_unref (self->uidls);
  G_OBJECT_CLASS (mp_seen_store_parent_class)->finalize (object);
}

static void
mp_seen_store_class_init (MpSeenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_seen_store_finalize;
}

static void
mp_seen_store_init (MpSeenStore *self)
{
  self->uidls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

MpSeenStore *
mp_seen_store_new_for_path (const char *path)
{
  MpSeenStore *self;

  g_return_val_if_fail (path != NULL, NULL);
  self = g_object_new (MP_TYPE_SEEN_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

MpSeenStore *
mp_seen_store_new (const char *account_id)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (mp_account_id_is_valid (account_id), NULL);
  name = g_strconcat (account_id, ".txt", NULL);
  path = g_build_filename (g_get_user_state_dir (), "mailpeek", "seen", name, NULL);
  return mp_seen_store_new_for_path (path);
}

const char *
mp_seen_store_get_path (MpSeenStore *self)
{
  g_return_val_if_fail (MP_IS_SEEN_STORE (self), NULL);
  return self->path;
}

/* RFC 1939: a UIDL is 1–70 characters 0x21–0x7E.  We are lenient on length but
 * refuse anything that would break the one-per-line format. */
static gboolean
uidl_is_storable (const char *uidl,
                  gsize       len)
{
  if (len == 0 || len > MAX_UIDL_LEN || uidl[0] == '#')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) uidl[i] <= 0x20 || (guchar) uidl[i] == 0x7f)
      return FALSE;
  return TRUE;
}

/* "UIDL" or "UIDL FLAG…": a UIDL never holds a space, so the first one ends it.
 * Flags this version does not know are dropped (the UIDL still counts as seen). */
static void
load_line (MpSeenStore *self,
           const char  *line,
           gsize        len)
{
  const char *space = memchr (line, ' ', len);
  gsize uidl_len = space ? (gsize) (space - line) : len;
  guint flags = FLAG_SEEN;

  if (!uidl_is_storable (line, uidl_len))
    return;
  if (space != NULL)
    {
      g_autofree char *rest = g_strndup (space + 1, len - uidl_len - 1);
      g_auto(GStrv) words = g_strsplit (rest, " ", -1);

      if (g_strv_contains ((const char * const *) words, NEW_FLAG))
        flags |= FLAG_NEW;
    }
  g_hash_table_insert (self->uidls, g_strndup (line, uidl_len), GUINT_TO_POINTER (flags));
}

gboolean
mp_seen_store_load (MpSeenStore  *self,
                    GError      **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *p, *end;

  g_return_val_if_fail (MP_IS_SEEN_STORE (self), FALSE);

  g_hash_table_remove_all (self->uidls);
  self->initialised = FALSE;

  if (!g_file_get_contents (self->path, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Cannot read “%s”: %s"),
                   self->path, local_error->message);
      return FALSE;
    }

  /* v1 and v2 headers have the same length; v2 lines may carry flags. */
  if (len < strlen (HEADER) + 1 ||
      (memcmp (data, HEADER "\n", strlen (HEADER) + 1) != 0 &&
       memcmp (data, HEADER_V2 "\n", strlen (HEADER_V2) + 1) != 0))
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                   _("“%s” is not a Mailpeek seen-messages file"), self->path);
      return FALSE;
    }

  p = data + strlen (HEADER) + 1;
  end = data + len;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize line_len = (nl ? nl : end) - p;

      load_line (self, p, line_len);
      p += line_len + 1;
    }
  self->initialised = TRUE;
  return TRUE;
}

gboolean
mp_seen_store_get_initialised (MpSeenStore *self)
{
  g_return_val_if_fail (MP_IS_SEEN_STORE (self), FALSE);
  return self->initialised;
}

guint
mp_seen_store_get_size (MpSeenStore *self)
{
  g_return_val_if_fail (MP_IS_SEEN_STORE (self), 0);
  return g_hash_table_size (self->uidls);
}

gboolean
mp_seen_store_contains (MpSeenStore *self,
                        const char  *uidl)
{
  g_return_val_if_fail (MP_IS_SEEN_STORE (self), FALSE);
  return uidl != NULL && g_hash_table_contains (self->uidls, uidl);
}

void
mp_seen_store_add (MpSeenStore *self,
                   const char  *uidl)
{
  g_return_if_fail (MP_IS_SEEN_STORE (self));
  if (uidl == NULL || !uidl_is_storable (uidl, strlen (uidl)))
    return;
  if (!g_hash_table_contains (self->uidls, uidl))
    g_hash_table_insert (self->uidls, g_strdup (uidl), GUINT_TO_POINTER (FLAG_SEEN));
}

gboolean
mp_seen_store_is_new (MpSeenStore *self,
                      const char  *uidl)
{
  g_return_val_if_fail (MP_IS_SEEN_STORE (self), FALSE);
  return uidl != NULL &&
         (GPOINTER_TO_UINT (g_hash_table_lookup (self->uidls, uidl)) & FLAG_NEW) != 0;
}

void
mp_seen_store_set_new (MpSeenStore *self,
                       const char  *uidl,
                       gboolean     is_new)
{
  g_return_if_fail (MP_IS_SEEN_STORE (self));
  if (uidl == NULL)
    return;
  if (is_new)
    {
      if (uidl_is_storable (uidl, strlen (uidl)))
        g_hash_table_insert (self->uidls, g_strdup (uidl), GUINT_TO_POINTER (FLAG_SEEN | FLAG_NEW));
    }
  else if (g_hash_table_contains (self->uidls, uidl))
    g_hash_table_insert (self->uidls, g_strdup (uidl), GUINT_TO_POINTER (FLAG_SEEN));
}

void
mp_seen_store_clear_new (MpSeenStore *self)
{
  GHashTableIter iter;

  g_return_if_fail (MP_IS_SEEN_STORE (self));
  g_hash_table_iter_init (&iter, self->uidls);
  while (g_hash_table_iter_next (&iter, NULL, NULL))
    g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (FLAG_SEEN));
}

guint
mp_seen_store_prune (MpSeenStore        *self,
                     const char * const *current,
                     gsize               n_current)
{
  g_autoptr(GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;
  guint removed = 0;

  g_return_val_if_fail (MP_IS_SEEN_STORE (self), 0);

  for (gsize i = 0; i < n_current; i++)
    if (current[i] != NULL)
      g_hash_table_add (keep, (gpointer) current[i]);

  g_hash_table_iter_init (&iter, self->uidls);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (keep, key))
      {
        g_hash_table_iter_remove (&iter);
        removed++;
      }
  return removed;
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GString *
serialise (MpSeenStore *self)
{
  GString *out = g_string_new (NULL);
  g_autofree gpointer *keys = NULL;
  gboolean any_new = FALSE;
  guint n;

  /* Sorted: the file is stable across saves and easy to diff when debugging. */
  keys = g_hash_table_get_keys_as_array (self->uidls, &n);
  qsort (keys, n, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n; i++)
    {
      gboolean is_new = mp_seen_store_is_new (self, keys[i]);

      g_string_append (out, keys[i]);
      if (is_new)
        g_string_append (out, " " NEW_FLAG);
      g_string_append_c (out, '\n');
      any_new |= is_new;
    }
  /* v1 whenever it says everything: a file with nothing new stays readable by
   * versions before v2 (which refuse a v2 header and would start afresh). */
  g_string_prepend (out, any_new ? HEADER_V2 "\n" : HEADER "\n");
  return out;
}

gboolean
mp_seen_store_save (MpSeenStore  *self,
                    GError      **error)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GString) content = NULL;
  int fd;

  g_return_val_if_fail (MP_IS_SEEN_STORE (self), FALSE);

  content = serialise (self);
  fd = mp_atomic_file_begin (self->path, &tmp, error);
  if (fd < 0)
    goto fail;
  if (!mp_atomic_file_write (fd, content->str, content->len, error))
    {
      mp_atomic_file_abort (fd, tmp);
      goto fail;
    }
  if (!mp_atomic_file_commit (fd, tmp, self->path, error))
    goto fail;
  self->initialised = TRUE;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot save “%s”: "), self->path);
  return FALSE;
}
