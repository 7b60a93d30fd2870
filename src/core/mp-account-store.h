/* mp-account-store.h — the list of accounts, persisted as a key file
 *
 * A GListModel of MpAccount (item type MP_TYPE_ACCOUNT), stored in
 * $XDG_CONFIG_HOME/mailpeek/accounts.conf: one group per account id, keys named like
 * the MpAccount properties.  Never contains a password.  Saving is atomic
 * (g_file_set_contents: tmp + fsync + rename), so a crash leaves the old or the new
 * file, never a torn one.  Saving does not happen on its own: call
 * mp_account_store_save() after changes.
 *
 * Main thread only.
 */
#pragma once

#include <gio/gio.h>

#include "mp-account.h"

G_BEGIN_DECLS

#define MP_TYPE_ACCOUNT_STORE (mp_account_store_get_type ())
G_DECLARE_FINAL_TYPE (MpAccountStore, mp_account_store, MP, ACCOUNT_STORE, GObject)

/* Empty store for the default path (nothing is read until _load()). */
MpAccountStore *mp_account_store_new          (void);
MpAccountStore *mp_account_store_new_for_path (const char *path);
const char     *mp_account_store_get_path     (MpAccountStore *self);

/* Replaces the contents with the file's.  A missing file is not an error (empty
 * list).  An unreadable or corrupt file → FALSE with MP_ERROR_CONFIG naming the
 * file, and the store keeps its previous contents.  Groups with an invalid id are
 * skipped with a warning. */
gboolean        mp_account_store_load         (MpAccountStore  *self,
                                               GError         **error);
/* Writes all accounts (atomically); creates the directory (0700). */
gboolean        mp_account_store_save         (MpAccountStore  *self,
                                               GError         **error);

/* Appends @account (a ref is taken).  FALSE if an account with that id exists. */
gboolean        mp_account_store_add          (MpAccountStore  *self,
                                               MpAccount       *account);
/* FALSE if no such id. */
gboolean        mp_account_store_remove       (MpAccountStore  *self,
                                               const char      *id);
/* Borrowed, or NULL. */
MpAccount      *mp_account_store_lookup       (MpAccountStore  *self,
                                               const char      *id);

G_END_DECLS
