/* mp-header-cache.h — the last-known list rows of each account, kept across restarts
 *
 * One file per account: <dir>/<sha256 of the account id, hex>.cache, where <dir> is
 * $XDG_CACHE_HOME/mailpeek/headers unless given (folder 0700, files 0600: headers
 * are private).  Hashing makes any account id — '/', "..", odd bytes — a safe,
 * distinct name; the id itself is stored in the file and checked on load.
 *
 * Format (version 1, little-endian): magic "MPHCACHE", u32 version, u32 row count,
 * i64 as-of (unix s, UTC), the account id, the rows, then a CRC-32 of everything
 * before it.  A string is u32 length + bytes + NUL; a row is u64 size, i64 date
 * (unix s, UTC; G_MININT64 = none), u8 flags (attachments, headers-truncated),
 * then UIDL, from name, from address, To, subject, Message-ID.  Every length is
 * checked against what is left before it is used; strings must be valid UTF-8
 * without NUL (the account id: any bytes without NUL); the count must match the
 * rows exactly.  The format's code is mp-header-cache-format.c.
 *
 * A file that fails any of these checks — torn, corrupt, another version, another
 * account, garbage — is deleted with one g_message() line and loads as an empty
 * list with no as-of and no error: a cache is only ever a head start, and the next
 * check fetches whatever it lacks.  Never a crash, never a wrong row.
 *
 * Bounds: a file holds at most MP_HEADER_CACHE_MAX_ROWS rows and
 * MP_HEADER_CACHE_MAX_BYTES bytes; save keeps the NEWEST rows (the end of the
 * array: POP3 lists oldest first) that fit both, and drops the older ones (the
 * next check fetches them again if they are still there).  A row with a field
 * over MP_HEADER_CACHE_MAX_FIELD_BYTES is left out the same way.  Load refuses a
 * file over the byte bound before reading it, and a row count over the row bound
 * before reading the rows.
 *
 * Saves are atomic (mp-atomic-file.h: written as encoded into a temporary file,
 * synced, renamed): a crash leaves the old file or the new one, whole, never a
 * torn cache (its temporary file goes with the next save).
 *
 * Cached rows come back not new (is-new is the UI's state, not the server's; the
 * seen store already records what was announced).
 *
 * Threads: the object only holds its folder; every function is MT-safe.  The
 * _sync functions do blocking file I/O and CPU work proportional to the rows:
 * call them on a worker thread (the _async wrappers do), never on the main loop.
 * The summaries handed to _save are only read (their immutable fields).
 */
#pragma once

#include <gio/gio.h>

#include "mp-message-summary.h"

G_BEGIN_DECLS

#define MP_HEADER_CACHE_VERSION         1
#define MP_HEADER_CACHE_MAX_ROWS        200000
#define MP_HEADER_CACHE_MAX_BYTES       (64 * 1024 * 1024)
#define MP_HEADER_CACHE_MAX_FIELD_BYTES (256 * 1024)

#define MP_TYPE_HEADER_CACHE (mp_header_cache_get_type ())
G_DECLARE_FINAL_TYPE (MpHeaderCache, mp_header_cache, MP, HEADER_CACHE, GObject)

/* @dir: the folder to use, or NULL for $XDG_CACHE_HOME/mailpeek/headers. */
MpHeaderCache *mp_header_cache_new        (const char     *dir);
const char    *mp_header_cache_get_dir    (MpHeaderCache  *self);
/* The file for @account_id (owned; it need not exist). */
char          *mp_header_cache_dup_path   (MpHeaderCache  *self,
                                           const char     *account_id);

/* Worker thread.  Returns the cached rows (MpMessageSummary, in the order saved;
 * the array frees them) and *@as_of (UTC, owned; NULL when the list is empty
 * because there was no usable file).  No file, or a dropped one: an empty array,
 * no error.  NULL with MP_ERROR_CONFIG when the file exists but cannot be read,
 * or G_IO_ERROR_CANCELLED. */
GPtrArray     *mp_header_cache_load_sync  (MpHeaderCache  *self,
                                           const char     *account_id,
                                           GDateTime     **as_of,
                                           GCancellable   *cancellable,
                                           GError        **error);
/* Worker thread.  Writes @rows (MpMessageSummary, server order) as the list as of
 * @as_of (NULL = now), within the bounds above.  Creates the folder.
 * FALSE with MP_ERROR_CONFIG (cannot write) or G_IO_ERROR_CANCELLED; the old
 * file is then left as it was. */
gboolean       mp_header_cache_save_sync  (MpHeaderCache  *self,
                                           const char     *account_id,
                                           GPtrArray      *rows,
                                           GDateTime      *as_of,
                                           GCancellable   *cancellable,
                                           GError        **error);
/* Deletes the account's file (an account was removed).  A missing file is not an
 * error.  Quick enough for any thread. */
gboolean       mp_header_cache_remove     (MpHeaderCache  *self,
                                           const char     *account_id,
                                           GError        **error);

/* The same on a GTask worker thread; callbacks on the caller's thread-default
 * main context.  _save_async takes a reference on @rows: do not change the array
 * until it completes (copy it if you must). */
void           mp_header_cache_load_async   (MpHeaderCache       *self,
                                             const char          *account_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray     *mp_header_cache_load_finish  (MpHeaderCache       *self,
                                             GAsyncResult        *result,
                                             GDateTime          **as_of,
                                             GError             **error);
void           mp_header_cache_save_async   (MpHeaderCache       *self,
                                             const char          *account_id,
                                             GPtrArray           *rows,
                                             GDateTime           *as_of,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       mp_header_cache_save_finish  (MpHeaderCache       *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Pure, any thread.  Merges the cached rows with the server's listing (@server_uidls,
 * @n_server of them, server order): *@kept gets the cached rows still on the
 * server, in server order (new references); *@unknown gets the server's UIDLs no
 * cached row has — fetch those with TOP — in server order, NULL-terminated (owned).
 * A UIDL listed twice by the server counts once (first place); of cached rows with
 * the same UIDL the first is used.  Returns how many cached rows were not kept. */
guint          mp_header_cache_reconcile    (GPtrArray           *cached,
                                             const char * const  *server_uidls,
                                             gsize                n_server,
                                             GPtrArray          **kept,
                                             char              ***unknown);

G_END_DECLS
