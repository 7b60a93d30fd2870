/* mp-seen-store.h — the UIDLs already announced for one account, and which of
 * them are still new (announced, never viewed or marked seen)
 *
 * File: $XDG_STATE_HOME/mailpeek/seen/<account-id>.txt, first line
 * "# mailpeek seen v1", then one UIDL per line.  When some UIDL is still new the
 * first line is "# mailpeek seen v2" and such a line reads "UIDL new" (flags after
 * a space, which a UIDL never holds; unknown flags are ignored).  Both versions
 * load; a store with nothing new is written as v1, so the versions before v2
 * still read it.  mp_seen_store_save() is atomic
 * (tmp file in the same folder, fsync, rename, fsync of the folder): a crash at any
 * point leaves the old or the new file, complete.
 *
 * "Initialised": FALSE when the file has never been written (new account).  The
 * first check of a new account must announce nothing — it only records what is
 * there (see MpMailbox).  After the first save it is TRUE.
 *
 * Not thread-safe: one owner at a time (MpMailbox uses it on its worker).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MP_TYPE_SEEN_STORE (mp_seen_store_get_type ())
G_DECLARE_FINAL_TYPE (MpSeenStore, mp_seen_store, MP, SEEN_STORE, GObject)

/* Path under $XDG_STATE_HOME for @account_id (must be a valid account id). */
MpSeenStore *mp_seen_store_new             (const char   *account_id);
MpSeenStore *mp_seen_store_new_for_path    (const char   *path);
const char  *mp_seen_store_get_path        (MpSeenStore  *self);

/* Reads the file.  Missing file → TRUE, empty, not initialised.  Unreadable or
 * corrupt (bad header) → FALSE, MP_ERROR_CONFIG; the set stays empty and not
 * initialised (so nothing old is re-announced as new: the next check only records). */
gboolean     mp_seen_store_load            (MpSeenStore  *self,
                                            GError      **error);
gboolean     mp_seen_store_get_initialised (MpSeenStore  *self);
guint        mp_seen_store_get_size        (MpSeenStore  *self);
gboolean     mp_seen_store_contains        (MpSeenStore  *self,
                                            const char   *uidl);
/* Ignores UIDLs that cannot be stored (empty, > 512 bytes, control chars or spaces).
 * Adding a UIDL already there keeps its "new" flag. */
void         mp_seen_store_add             (MpSeenStore  *self,
                                            const char   *uidl);
/* "New": announced but not yet viewed or marked seen; it stays new across restarts. */
gboolean     mp_seen_store_is_new          (MpSeenStore  *self,
                                            const char   *uidl);
/* TRUE adds @uidl (as seen and new); FALSE only clears the flag of a stored one. */
void         mp_seen_store_set_new         (MpSeenStore  *self,
                                            const char   *uidl,
                                            gboolean      is_new);
void         mp_seen_store_clear_new       (MpSeenStore  *self);
/* Keeps only the UIDLs in @current (the server's listing); returns how many went. */
guint        mp_seen_store_prune           (MpSeenStore         *self,
                                            const char * const  *current,
                                            gsize                n_current);
/* Writes atomically (creates the folder 0700).  Marks the store initialised. */
gboolean     mp_seen_store_save            (MpSeenStore  *self,
                                            GError      **error);

G_END_DECLS
