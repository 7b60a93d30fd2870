/* mp-cli-state.h — the seen-UIDL state file of `mailpeek-cli check`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Format (text, one UIDL a line; UIDLs are printable ASCII without spaces):
 *   # mailpeek-cli state 1
 *   # account USER@HOST
 *   UIDL
 *   …
 * The account line keeps one state file from silently being used for another mailbox.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns the set of UIDLs (keys, owned) seen in @path. A missing file is an empty
 * set with *@existed = FALSE. A file written for another @account is an error. */
GHashTable *mp_cli_state_load (const char  *path,
                               const char  *account,
                               gboolean    *existed,
                               GError     **error);

/* Replaces @path atomically (temp file, fsync, rename) with @uidls (char *). */
gboolean    mp_cli_state_save (const char  *path,
                               const char  *account,
                               GPtrArray   *uidls,
                               GError     **error);

G_END_DECLS
