/* mp-recycle-bin.c — the Maildir of deleted messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-recycle-bin.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mp-atomic-file.h"
#include "mp-error.h"
#include "mp-message-summary.h"

#define META_GROUP "message"

struct _MpRecycleBin
{
  char   *dir;             /* owned */
  char   *account;         /* owned */
  guint64 max_size;
  guint   retention_days;
  guint   counter;         /* makes unique names unique within this process */
};

void
mp_recycle_entry_free (MpRecycleEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->id);
  g_free (e->account);
  g_free (e->uidl);
  g_free (e->rule);
  g_free (e->from);
  g_free (e->subject);
  g_clear_pointer (&e->deleted, g_date_time_unref);
  g_free (e);
}

MpRecycleBin *
mp_recycle_bin_new (const char *dir,
                    const char *account)
{
  MpRecycleBin *bin = g_new0 (MpRecycleBin, 1);

  g_return_val_if_fail (dir != NULL, NULL);
  bin->dir = g_strdup (dir);
  bin->account = g_strdup (account != NULL ? account : "");
  bin->max_size = MP_RECYCLE_BIN_DEFAULT_MAX_SIZE;
  bin->retention_days = MP_RECYCLE_BIN_DEFAULT_RETENTION_DAYS;
  return bin;
}

void
mp_recycle_bin_free (MpRecycleBin *bin)
{
  if (bin == NULL)
    return;
  g_free (bin->dir);
  g_free (bin->account);
  g_free (bin);
}

char *
mp_recycle_bin_default_dir (const char *account)
{
  g_autofree char *safe = g_strdup (account != NULL && *account != '\0' ? account : "account");

  /* One directory level, whatever the account name holds ("/", "..", spaces). */
  g_strcanon (safe, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@-_+", '_');
  return g_build_filename (g_get_user_data_dir (), "mailpeek", "recycle", safe, NULL);
}

const char *
mp_recycle_bin_get_dir (MpRecycleBin *bin)
{
  return bin->dir;
}

void
mp_recycle_bin_set_max_size (MpRecycleBin *bin,
                             guint64       max_size)
{
  bin->max_size = max_size;
}

void
mp_recycle_bin_set_retention_days (MpRecycleBin *bin,
                                   guint         days)
{
  bin->retention_days = days;
}

/* ---------------------------------------------------------------- durable writes */

static gboolean
set_errno_error (GError    **error,
                 int         errsv,
                 const char *what,
                 const char *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Cannot keep a copy in the recycle bin (%s %s): %s"),
               what, display, g_strerror (errsv));
  return FALSE;
}

/* Writes @data to @path (created, not there before) and fsyncs it. */
static gboolean
write_synced (const char *path,
              const char *data,
              gsize       len,
              GError    **error)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int errsv;

  if (fd < 0)
    return set_errno_error (error, errno, _("creating"), path);
  errsv = mp_atomic_file_write_all (fd, data, len);
  if (errsv == 0 && fsync (fd) != 0)
    errsv = errno;
  if (close (fd) != 0 && errsv == 0)
    errsv = errno;
  if (errsv == 0)
    return TRUE;
  g_unlink (path);
  return set_errno_error (error, errsv, _("writing"), path);
}

static gboolean
ensure_dirs (MpRecycleBin *bin,
             GError      **error)
{
  static const char *const subdirs[] = { "tmp", "new", "cur", "meta" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *d = g_build_filename (bin->dir, subdirs[i], NULL);

      if (g_mkdir_with_parents (d, 0700) != 0)
        return set_errno_error (error, errno, _("creating"), d);
    }
  return TRUE;
}

/* ---------------------------------------------------------------- store */

static char *
unique_name (MpRecycleBin *bin)
{
  gint64 now = g_get_real_time ();
  g_autofree char *host = g_strdup (g_get_host_name ());

  /* Maildir: '/' and ':' may not appear in the host part. */
  g_strdelimit (host, "/:", '_');
  return g_strdup_printf ("%" G_GINT64_FORMAT ".M%06" G_GINT64_FORMAT "P%dQ%u.%s",
                          now / G_USEC_PER_SEC, now % G_USEC_PER_SEC, (int) getpid (),
                          ++bin->counter, host);
}

static char *
meta_data (MpRecycleBin *bin,
           GBytes       *message,
           const char   *uidl,
           const char   *rule)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  g_autoptr(MpMessageSummary) s =
    mp_message_summary_new_from_headers (data != NULL ? data : "", len, uidl, len);
  g_autofree char *from = mp_message_summary_dup_from_display (s);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_key_file_set_string (kf, META_GROUP, "account", bin->account);
  g_key_file_set_string (kf, META_GROUP, "uidl", uidl != NULL ? uidl : "");
  g_key_file_set_string (kf, META_GROUP, "rule", rule != NULL ? rule : "manual");
  g_key_file_set_string (kf, META_GROUP, "from", from);
  g_key_file_set_string (kf, META_GROUP, "subject", mp_message_summary_get_subject (s));
  g_key_file_set_uint64 (kf, META_GROUP, "size", len);
  g_key_file_set_int64 (kf, META_GROUP, "deleted", g_date_time_to_unix (now));
  return g_key_file_to_data (kf, NULL, NULL);
}

gboolean
mp_recycle_bin_store (MpRecycleBin *bin,
                      GBytes       *message,
                      const char   *uidl,
                      const char   *rule,
                      char        **id_out,
                      GError      **error)
{
  g_autofree char *name = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *meta_path = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *cur_name = NULL;
  g_autofree char *cur_path = NULL;
  g_autofree char *cur_dir = NULL;
  gsize len = 0;
  const char *data;
  int errsv;

  g_return_val_if_fail (bin != NULL && message != NULL, FALSE);

  if (!ensure_dirs (bin, error))
    return FALSE;
  name = unique_name (bin);
  meta = meta_data (bin, message, uidl, rule);
  meta_path = g_build_filename (bin->dir, "meta", name, NULL);
  tmp_path = g_build_filename (bin->dir, "tmp", name, NULL);
  cur_name = g_strconcat (name, ":2,S", NULL);
  cur_dir = g_build_filename (bin->dir, "cur", NULL);
  cur_path = g_build_filename (cur_dir, cur_name, NULL);
  data = g_bytes_get_data (message, &len);

  /* The listing data first: a message in cur/ always has it. */
  if (!write_synced (meta_path, meta, strlen (meta), error))
    return FALSE;
  if (!write_synced (tmp_path, data != NULL ? data : "", len, error))
    {
      g_unlink (meta_path);
      return FALSE;
    }
  if (g_rename (tmp_path, cur_path) != 0)
    {
      errsv = errno;
      g_unlink (tmp_path);
      g_unlink (meta_path);
      return set_errno_error (error, errsv, _("moving"), cur_path);
    }
  if ((errsv = mp_atomic_file_sync_dir (cur_dir)) != 0)
    {
      g_unlink (cur_path);
      g_unlink (meta_path);
      return set_errno_error (error, errsv, _("syncing"), cur_dir);
    }
  if (id_out != NULL)
    *id_out = g_steal_pointer (&name);
  return TRUE;
}

/* ---------------------------------------------------------------- list, read, purge */

static MpRecycleEntry *
load_entry (MpRecycleBin *bin,
            const char   *id)
{
  g_autofree char *path = g_build_filename (bin->dir, "meta", id, NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  MpRecycleEntry *e;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  e = g_new0 (MpRecycleEntry, 1);
  e->id = g_strdup (id);
  e->account = g_key_file_get_string (kf, META_GROUP, "account", NULL);
  e->uidl = g_key_file_get_string (kf, META_GROUP, "uidl", NULL);
  e->rule = g_key_file_get_string (kf, META_GROUP, "rule", NULL);
  e->from = g_key_file_get_string (kf, META_GROUP, "from", NULL);
  e->subject = g_key_file_get_string (kf, META_GROUP, "subject", NULL);
  e->size = g_key_file_get_uint64 (kf, META_GROUP, "size", NULL);
  e->deleted = g_date_time_new_from_unix_utc (g_key_file_get_int64 (kf, META_GROUP,
                                                                    "deleted", NULL));
  if (e->deleted == NULL)
    e->deleted = g_date_time_new_from_unix_utc (0);
  return e;
}

static gint
newest_first (gconstpointer a,
              gconstpointer b)
{
  const MpRecycleEntry *ea = *(MpRecycleEntry * const *) a;
  const MpRecycleEntry *eb = *(MpRecycleEntry * const *) b;
  gint c = g_date_time_compare (eb->deleted, ea->deleted);

  return c != 0 ? c : g_strcmp0 (eb->id, ea->id);
}

/* The messages in cur/ and new/: their paths and their ids (the Maildir
 * name without its ":2,…" flags), in two parallel arrays. */
static void
list_message_files (MpRecycleBin *bin,
                    GPtrArray    *paths,
                    GPtrArray    *ids)
{
  static const char *const subdirs[] = { "cur", "new" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *d = g_build_filename (bin->dir, subdirs[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (d, 0, NULL);
      const char *file;

      while (dir != NULL && (file = g_dir_read_name (dir)) != NULL)
        {
          const char *colon = strchr (file, ':');

          g_ptr_array_add (paths, g_build_filename (d, file, NULL));
          g_ptr_array_add (ids, colon != NULL ? g_strndup (file, colon - file) : g_strdup (file));
        }
    }
}

GPtrArray *
mp_recycle_bin_list (MpRecycleBin *bin,
                     GError      **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_recycle_entry_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  list_message_files (bin, paths, ids);
  for (guint i = 0; i < ids->len; i++)
    {
      MpRecycleEntry *e = load_entry (bin, ids->pdata[i]);

      if (e != NULL)
        g_ptr_array_add (out, e);
    }
  g_ptr_array_sort (out, newest_first);
  return out;
}

/* The path of message @id in cur/ or new/, or NULL. */
static char *
message_path (MpRecycleBin *bin,
              const char   *id)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  list_message_files (bin, paths, ids);
  for (guint i = 0; i < ids->len; i++)
    if (strcmp (ids->pdata[i], id) == 0)
      return g_strdup (paths->pdata[i]);
  return NULL;
}

GBytes *
mp_recycle_bin_read (MpRecycleBin *bin,
                     const char   *id,
                     GError      **error)
{
  g_autofree char *path = NULL;
  char *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (bin != NULL && id != NULL, NULL);

  path = strchr (id, '/') == NULL ? message_path (bin, id) : NULL;
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The message is no longer in the recycle bin"));
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (data, len);
}

guint
mp_recycle_bin_purge (MpRecycleBin *bin,
                      GDateTime    *now,
                      GError      **error)
{
  g_autoptr(GPtrArray) entries = mp_recycle_bin_list (bin, error);
  g_autoptr(GDateTime) clock = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  g_autoptr(GDateTime) cutoff = g_date_time_add_days (clock, -(gint) MIN (bin->retention_days, 36500));
  guint removed = 0;

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      MpRecycleEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *path = NULL;
      g_autofree char *meta = NULL;

      if (g_date_time_compare (e->deleted, cutoff) >= 0)
        continue;
      path = message_path (bin, e->id);
      meta = g_build_filename (bin->dir, "meta", e->id, NULL);
      /* The message before its listing data: never a listed entry without bytes. */
      if (path != NULL && g_unlink (path) != 0)
        continue;
      g_unlink (meta);
      removed++;
    }
  return removed;
}

/* ---------------------------------------------------------------- before DELE */

gboolean
mp_recycle_bin_keep_sync (MpRecycleBin       *bin,
                          MpPop3Session      *session,
                          const guint        *numbers,
                          const guint64      *sizes,
                          const char * const *uidls,
                          const char * const *rules,
                          guint               n,
                          gboolean            force_large,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_return_val_if_fail (bin != NULL && MP_IS_POP3_SESSION (session), FALSE);

  /* Every size first: one message over the limit deletes none of them. */
  for (guint i = 0; i < n && !force_large && bin->max_size > 0; i++)
    if (sizes[i] > bin->max_size)
      {
        g_autofree char *size = g_format_size (sizes[i]);
        g_autofree char *limit = g_format_size (bin->max_size);

        g_set_error (error, MP_ERROR, MP_ERROR_TOO_LARGE,
                     _("Message %s (%s) is larger than the recycle bin keeps (%s)"),
                     uidls[i] != NULL ? uidls[i] : "?", size, limit);
        return FALSE;
      }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) message = mp_pop3_session_retr_sync (session, numbers[i],
                                                             cancellable, error);

      if (message == NULL
          || !mp_recycle_bin_store (bin, message, uidls[i],
                                    rules != NULL ? rules[i] : NULL, NULL, error))
        return FALSE;
    }
  return TRUE;
}
