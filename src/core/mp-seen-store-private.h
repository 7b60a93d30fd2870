/* mp-seen-store-private.h — test hook for crash tests of mp_seen_store_save()
 *
 * Called after the first half of the temporary file was written (and before the
 * rest, fsync and rename).  A test sets a hook that calls abort() to simulate a
 * crash mid-write.  Not for production code.
 */
#pragma once

#include "mp-seen-store.h"

G_BEGIN_DECLS

typedef void (*MpSeenStoreWriteHook) (const char *tmp_path,
                                      gsize       written,
                                      gsize       total);

void mp_seen_store_set_write_hook (MpSeenStoreWriteHook hook);

G_END_DECLS
