/* mp-atomic-file.c — see mp-atomic-file.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-atomic-file.h"
#include "mp-error.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#define STALE_TMP_SECONDS 60

static gboolean
fail_errno (GError **error,
            int      errsv)
{
  g_set_error_literal (error, MP_ERROR, MP_ERROR_CONFIG, g_strerror (errsv));
  return FALSE;
}

static void
remove_stale_tmp_files (const char *dir,
                        const char *base)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (base, ".tmp-", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *stale = g_build_filename (dir, name, NULL);
        GStatBuf st;

        if (g_lstat (stale, &st) == 0 && now - (gint64) st.st_mtime > STALE_TMP_SECONDS)
          g_unlink (stale);
      }
}

int
mp_atomic_file_begin (const char  *path,
                      char       **tmp,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  int fd, errsv;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      errsv = errno;
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Cannot create folder “%s”: %s"),
                   dir, g_strerror (errsv));
      return -1;
    }
  remove_stale_tmp_files (dir, base);
  *tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  fd = g_mkstemp_full (*tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      fail_errno (error, errno);
      g_clear_pointer (tmp, g_free);
    }
  return fd;
}

int
mp_atomic_file_write_all (int          fd,
                          const void  *data,
                          gsize        len)
{
  const char *p = data;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno;
      if (n == 0)
        return EIO;   /* nothing written and no reason: do not spin */
      p += n;
      len -= (gsize) n;
    }
  return 0;
}

gboolean
mp_atomic_file_write (int          fd,
                      const void  *data,
                      gsize        len,
                      GError     **error)
{
  int errsv = mp_atomic_file_write_all (fd, data, len);

  return errsv == 0 || fail_errno (error, errsv);
}

int
mp_atomic_file_sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int errsv = 0;

  if (fd < 0)
    return errno;
  if (fsync (fd) != 0)
    errsv = errno;
  close (fd);
  return errsv;
}

gboolean
mp_atomic_file_commit (int          fd,
                       const char  *tmp,
                       const char  *path,
                       GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int errsv;

  if (fsync (fd) != 0)
    {
      errsv = errno;
      mp_atomic_file_abort (fd, tmp);
      return fail_errno (error, errsv);
    }
  if (close (fd) != 0)
    {
      errsv = errno;
      g_unlink (tmp);
      return fail_errno (error, errsv);
    }
  if (g_rename (tmp, path) != 0)
    {
      errsv = errno;
      g_unlink (tmp);
      return fail_errno (error, errsv);
    }
  /* The rename is durable only once the directory entry is on disk. */
  errsv = mp_atomic_file_sync_dir (dir);
  return errsv == 0 || fail_errno (error, errsv);
}

void
mp_atomic_file_abort (int         fd,
                      const char *tmp)
{
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
}
