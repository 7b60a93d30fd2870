/* mp-header-cache-private.h — the file format, shared by the two halves of MpHeaderCache
 *
 * mp-header-cache-format.c turns rows into the bytes of a cache file and back
 * (format: see mp-header-cache.h); mp-header-cache.c does the files, threads and
 * reconcile.  Both functions are pure CPU work on any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-header-cache.h"

G_BEGIN_DECLS

/* Takes the next @len bytes of a file; FALSE with @error to stop. */
typedef gboolean (*MpHeaderCacheSink) (const guint8  *data,
                                       gsize          len,
                                       gpointer       user_data,
                                       GError       **error);

/* The whole file for @rows (the newest that fit the bounds), handed to @sink in
 * order, in pieces of about 64 KiB; FALSE with MP_ERROR_CONFIG,
 * G_IO_ERROR_CANCELLED or the sink's error (the sink may have had part of it). */
gboolean    mp_header_cache_encode (const char        *account_id,
                                    GPtrArray         *rows,
                                    GDateTime         *as_of,
                                    MpHeaderCacheSink  sink,
                                    gpointer           sink_data,
                                    GCancellable      *cancellable,
                                    GError           **error);

/* The rows of a whole file and *@as_of; or NULL with *@why saying what is wrong
 * with the file (a short phrase for the log), or with *@why NULL and @error set
 * (cancelled). */
GPtrArray  *mp_header_cache_decode (const guchar  *data,
                                    gsize          len,
                                    const char    *account_id,
                                    GDateTime    **as_of,
                                    const char   **why,
                                    GCancellable  *cancellable,
                                    GError       **error);

G_END_DECLS
