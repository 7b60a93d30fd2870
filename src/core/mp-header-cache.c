/* mp-header-cache.c — see mp-header-cache.h for the file format and its rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-header-cache-private.h"
#include "mp-atomic-file.h"
#include "mp-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _MpHeaderCache
{
  GObject  parent_instance;

  char    *dir;   /* owned; never changes, so every function is MT-safe */
};

G_DEFINE_FINAL_TYPE (MpHeaderCache, mp_header_cache, G_TYPE_OBJECT)

static void
mp_header_cache_finalize (GObject *object)
{
  MpHeaderCache *self = MP_HEADER_CACHE (object);

  g_free (self->dir);
  G_OBJECT_CLASS (mp_header_cache_parent_class)->finalize (object);
}

static void
mp_header_cache_class_init (MpHeaderCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_header_cache_finalize;
}

static void
mp_header_cache_init (MpHeaderCache *self)
{
}

MpHeaderCache *
mp_header_cache_new (const char *dir)
{
  MpHeaderCache *self = g_object_new (MP_TYPE_HEADER_CACHE, NULL);

  self->dir = dir ? g_strdup (dir)
                  : g_build_filename (g_get_user_cache_dir (), "mailpeek", "headers", NULL);
  return self;
}

const char *
mp_header_cache_get_dir (MpHeaderCache *self)
{
  g_return_val_if_fail (MP_IS_HEADER_CACHE (self), NULL);
  return self->dir;
}

/* A hash, not an escape: ids may hold any byte and be of any length, and a
 * file name may not; the id stored in the file rules out a collision. */
char *
mp_header_cache_dup_path (MpHeaderCache *self,
                          const char    *account_id)
{
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (MP_IS_HEADER_CACHE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, account_id, -1);
  name = g_strconcat (hash, ".cache", NULL);
  return g_build_filename (self->dir, name, NULL);
}

/* MpHeaderCacheSink: into the temporary file, descriptor @user_data. */
static gboolean
write_piece (const guint8  *data,
             gsize          len,
             gpointer       user_data,
             GError       **error)
{
  return mp_atomic_file_write (GPOINTER_TO_INT (user_data), data, len, error);
}

gboolean
mp_header_cache_save_sync (MpHeaderCache *self,
                           const char    *account_id,
                           GPtrArray     *rows,
                           GDateTime     *as_of,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tmp = NULL;
  int fd;

  g_return_val_if_fail (MP_IS_HEADER_CACHE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (rows != NULL, FALSE);

  if (as_of == NULL)
    as_of = now = g_date_time_new_now_utc ();
  path = mp_header_cache_dup_path (self, account_id);
  /* Written as it is encoded, next to the old file, which a failed or
   * cancelled save leaves as it was. */
  fd = mp_atomic_file_begin (path, &tmp, &local_error);
  if (fd < 0)
    goto fail;
  if (!mp_header_cache_encode (account_id, rows, as_of, write_piece, GINT_TO_POINTER (fd),
                               cancellable, &local_error) ||
      g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    {
      mp_atomic_file_abort (fd, tmp);
      goto fail;
    }
  if (!mp_atomic_file_commit (fd, tmp, path, &local_error))
    goto fail;
  return TRUE;

fail:
  /* cancelled is the caller's to recognise, not a failure to word */
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&local_error, "Could not write the header cache: ");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The whole file, or NULL: *@missing when there is none, else @error.  A file
 * over the bound is not read (*@why says so). */
static GBytes *
read_file (const char  *path,
           gboolean    *missing,
           const char **why,
           GError     **error)
{
  g_autofree guchar *data = NULL;
  struct stat st;
  gsize done = 0;
  /* O_NONBLOCK: a FIFO put in the file's place must not hang the load */
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  int saved;

  *missing = fd < 0 && errno == ENOENT;
  if (fd < 0)
    goto fail;
  if (fstat (fd, &st) != 0)
    goto fail;
  if (!S_ISREG (st.st_mode) || st.st_size > MP_HEADER_CACHE_MAX_BYTES)
    {
      *why = "not a file of a cache's size";
      close (fd);
      return NULL;
    }
  data = g_malloc (MAX (st.st_size, 1));
  while (done < (gsize) st.st_size)
    {
      gssize n = read (fd, data + done, st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      done += n;
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&data), done);

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  if (!*missing)
    g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, "Could not read the header cache %s: %s",
                 path, g_strerror (saved));
  return NULL;
}

/* A file that is not a good cache of this account goes, with one line in the log. */
static void
drop_file (const char *path,
           const char *why)
{
  g_message ("Header cache %s dropped: %s", path, why);
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_message ("Could not delete %s: %s", path, g_strerror (errno));
}

GPtrArray *
mp_header_cache_load_sync (MpHeaderCache  *self,
                           const char     *account_id,
                           GDateTime     **as_of,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GDateTime) when = NULL;
  GPtrArray *rows = NULL;
  const char *why = NULL;
  gboolean missing = FALSE;
  gsize len;

  g_return_val_if_fail (MP_IS_HEADER_CACHE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  if (as_of != NULL)
    *as_of = NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  path = mp_header_cache_dup_path (self, account_id);
  bytes = read_file (path, &missing, &why, error);
  if (bytes == NULL && why == NULL && !missing)
    return NULL;
  if (bytes != NULL)
    {
      const guchar *data = g_bytes_get_data (bytes, &len);

      rows = mp_header_cache_decode (data, len, account_id, &when, &why, cancellable, error);
      if (rows == NULL && why == NULL)
        return NULL;   /* cancelled: the file is fine */
    }
  if (why != NULL)
    drop_file (path, why);
  if (rows == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);
  if (as_of != NULL)
    *as_of = g_steal_pointer (&when);
  return rows;
}

gboolean
mp_header_cache_remove (MpHeaderCache *self,
                        const char    *account_id,
                        GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (MP_IS_HEADER_CACHE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);

  path = mp_header_cache_dup_path (self, account_id);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, "Could not delete %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ---- async wrappers ---- */

typedef struct {
  char      *account_id;  /* owned */
  GPtrArray *rows;        /* owned reference: save's input, load's output */
  GDateTime *as_of;       /* owned or NULL */
} CacheJob;

static void
cache_job_free (gpointer data)
{
  CacheJob *job = data;

  g_free (job->account_id);
  g_clear_pointer (&job->rows, g_ptr_array_unref);
  g_clear_pointer (&job->as_of, g_date_time_unref);
  g_free (job);
}

static GTask *
cache_task_new (MpHeaderCache       *self,
                const char          *account_id,
                gpointer             tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  CacheJob *job = g_new0 (CacheJob, 1);

  job->account_id = g_strdup (account_id);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, job, cache_job_free);
  return task;
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CacheJob *job = task_data;
  GError *error = NULL;

  job->rows = mp_header_cache_load_sync (source, job->account_id, &job->as_of,
                                         cancellable, &error);
  if (job->rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
mp_header_cache_load_async (MpHeaderCache       *self,
                            const char          *account_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MP_IS_HEADER_CACHE (self));
  g_return_if_fail (account_id != NULL);

  task = cache_task_new (self, account_id, mp_header_cache_load_async,
                         cancellable, callback, user_data);
  g_task_run_in_thread (task, load_thread);
}

GPtrArray *
mp_header_cache_load_finish (MpHeaderCache  *self,
                             GAsyncResult   *result,
                             GDateTime     **as_of,
                             GError        **error)
{
  CacheJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (as_of != NULL)
    *as_of = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  if (as_of != NULL)
    *as_of = g_steal_pointer (&job->as_of);
  return g_steal_pointer (&job->rows);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CacheJob *job = task_data;
  GError *error = NULL;

  if (mp_header_cache_save_sync (source, job->account_id, job->rows, job->as_of,
                                 cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mp_header_cache_save_async (MpHeaderCache       *self,
                            const char          *account_id,
                            GPtrArray           *rows,
                            GDateTime           *as_of,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CacheJob *job;

  g_return_if_fail (MP_IS_HEADER_CACHE (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (rows != NULL);

  task = cache_task_new (self, account_id, mp_header_cache_save_async,
                         cancellable, callback, user_data);
  job = g_task_get_task_data (task);
  job->rows = g_ptr_array_ref (rows);
  job->as_of = as_of ? g_date_time_ref (as_of) : g_date_time_new_now_utc ();
  g_task_run_in_thread (task, save_thread);
}

gboolean
mp_header_cache_save_finish (MpHeaderCache *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reconcile ---- */

guint
mp_header_cache_reconcile (GPtrArray           *cached,
                           const char * const  *server_uidls,
                           gsize                n_server,
                           GPtrArray          **kept,
                           char              ***unknown)
{
  g_autoptr(GHashTable) by_uidl = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) fetch = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (cached != NULL, 0);
  g_return_val_if_fail (server_uidls != NULL || n_server == 0, 0);
  g_return_val_if_fail (kept != NULL && unknown != NULL, 0);

  for (guint i = 0; i < cached->len; i++)
    {
      MpMessageSummary *row = g_ptr_array_index (cached, i);
      const char *uidl = mp_message_summary_get_uidl (row);

      if (!g_hash_table_contains (by_uidl, uidl))
        g_hash_table_insert (by_uidl, (gpointer) uidl, row);
    }
  for (gsize i = 0; i < n_server; i++)
    {
      const char *uidl = server_uidls[i];
      MpMessageSummary *row;

      if (uidl == NULL || !g_hash_table_add (listed, (gpointer) uidl))
        continue;
      row = g_hash_table_lookup (by_uidl, uidl);
      if (row != NULL)
        g_ptr_array_add (keep, g_object_ref (row));
      else
        g_ptr_array_add (fetch, g_strdup (uidl));
    }
  g_ptr_array_add (fetch, NULL);
  *kept = g_steal_pointer (&keep);
  *unknown = (char **) g_ptr_array_free (g_steal_pointer (&fetch), FALSE);
  return cached->len - (*kept)->len;
}
