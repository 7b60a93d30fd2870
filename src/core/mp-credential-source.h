/* mp-credential-source.h — where an account's secret comes from
 *
 * One of: the keyring (the default; MpKeyring), the account's password-command
 * (a password or token printed by a command, mp-password-command.h) or its
 * goa-account-id (an OAuth2 access token from GNOME Online Accounts, mp-goa.h).
 * A snapshot is taken from the account on the main thread; the secret itself is
 * fetched on the worker at each login, handed to the engine, and never stored.
 */
#pragma once

#include <gio/gio.h>

#include "mp-account.h"
#include "mp-pop3-options.h"

G_BEGIN_DECLS

typedef enum {
  MP_CREDENTIAL_SOURCE_KEYRING,
  MP_CREDENTIAL_SOURCE_COMMAND,
  MP_CREDENTIAL_SOURCE_GOA,
} MpCredentialSourceKind;

typedef struct _MpCredentialSource MpCredentialSource;

/* Main thread: a snapshot of @account's settings (goa-account-id wins over
 * password-command, which wins over the keyring). */
MpCredentialSource    *mp_credential_source_new_for_account (MpAccount *account);
void                   mp_credential_source_free      (MpCredentialSource *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpCredentialSource, mp_credential_source_free)

MpCredentialSourceKind mp_credential_source_get_kind  (const MpCredentialSource *self);

/* TRUE when a refused secret is worth asking for once more with @renew (GOA: the
 * token may have expired early; GOA refreshes it).  A command is not asked twice:
 * token helpers refresh by themselves, and a second run would print the same. */
gboolean               mp_credential_source_can_renew (const MpCredentialSource *self);

/* Worker thread.  Puts the secret into @options; for GOA also the mechanism
 * (XOAUTH2 when the account says "auto") and the user name when the account has
 * none.  Errors: MP_ERROR_NEEDS_PASSWORD (keyring empty or unreachable),
 * MP_ERROR_CREDENTIALS (command or GOA failed), G_IO_ERROR_CANCELLED. */
gboolean               mp_credential_source_fill_sync (const MpCredentialSource  *self,
                                                       MpPop3Options             *options,
                                                       gboolean                   renew,
                                                       GCancellable              *cancellable,
                                                       GError                   **error);

G_END_DECLS
