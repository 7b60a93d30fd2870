/* mp-known-rows.h — the rows a caller already shows, handed to a check that
 * was queued before they were all collected.
 *
 * The app queues its check at once (jobs asked for after it run after it) and
 * collects its rows in slices between frames (100,000 of them are most of a
 * frame); the worker needs them only once LIST and UIDL are read, and waits
 * for them there.  One hand-over, from any thread to the worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MpKnownRows MpKnownRows;

MpKnownRows *mp_known_rows_new     (void);
MpKnownRows *mp_known_rows_ref     (MpKnownRows   *self);
void         mp_known_rows_unref   (MpKnownRows   *self);
/* @rows: MpMessageSummary (taken), or NULL when the caller gave up collecting
 * them (the check then ends as cancelled).  Once. */
void         mp_known_rows_provide (MpKnownRows   *self,
                                    GPtrArray     *rows);
/* Worker: waits for the rows (or @cancellable) and returns the set of their
 * UIDLs; its keys belong to @self, which must outlive it. */
GHashTable  *mp_known_rows_wait    (MpKnownRows   *self,
                                    GCancellable  *cancellable,
                                    GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpKnownRows, mp_known_rows_unref)

G_END_DECLS
