/* mp-atomic-file.h — replacing a file so that a crash leaves the old one or the
 * new one, whole
 *
 * The new content goes into "<path>.tmp-XXXXXX" (mode 0600) next to the file, is
 * synced, renamed over @path, and the directory synced so the rename is on disk
 * too.  Temporary files a crash left behind (over a minute old: a fresh one may
 * be another save's in progress) are removed when the next save begins.  Errors
 * are MP_ERROR_CONFIG with the system's reason; callers prefix what they saved.
 * Blocking: worker threads (or a program's own startup) only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Creates @path's folder (0700) if needed and the temporary file: its descriptor
 * and *@tmp (owned), or -1 with @error. */
int      mp_atomic_file_begin  (const char  *path,
                                char       **tmp,
                                GError     **error);
/* Writes all of @data (retrying short writes and EINTR); 0, or the errno that
 * stopped it.  The seen store, the header cache and the recycle bin share it. */
int      mp_atomic_file_write_all (int         fd,
                                   const void *data,
                                   gsize       len);
/* fsync()s the directory @dir, so renames and new entries in it are on disk;
 * 0 or the errno. */
int      mp_atomic_file_sync_dir  (const char *dir);

gboolean mp_atomic_file_write  (int          fd,
                                const void  *data,
                                gsize        len,
                                GError     **error);
/* Syncs and closes @fd and renames @tmp over @path; on failure @tmp is gone. */
gboolean mp_atomic_file_commit (int          fd,
                                const char  *tmp,
                                const char  *path,
                                GError     **error);
/* Closes @fd and removes @tmp: the old file stays. */
void     mp_atomic_file_abort  (int          fd,
                                const char  *tmp);

G_END_DECLS
