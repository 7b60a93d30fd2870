/* mp-keyring.h — account passwords in the Secret Service (libsecret)
 *
 * Schema "io.github.mailpeek.Mailpeek.Account", one attribute "account-id".
 *
 * The _sync functions block on D-Bus: call them on a worker thread (they assert
 * they are not on the thread that owns the default main context).  The _async
 * wrappers run them on a GTask thread and call back on the caller's thread-default
 * main context.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define MP_KEYRING_SCHEMA_NAME "io.github.mailpeek.Mailpeek.Account"

const SecretSchema *mp_keyring_get_schema   (void);

/* Worker thread.  @label is shown in Seahorse; NULL = "Mailpeek: <id>". */
gboolean  mp_keyring_store_sync  (const char    *account_id,
                                  const char    *label,
                                  const char    *password,
                                  GCancellable  *cancellable,
                                  GError       **error);
/* Worker thread.  Returns the password (free with secret_password_free), or NULL
 * with *error unset when there is none, or NULL with *error set (MP_ERROR_CONFIG
 * "keyring unavailable…") when the Secret Service cannot be reached. */
char     *mp_keyring_lookup_sync (const char    *account_id,
                                  GCancellable  *cancellable,
                                  GError       **error);
/* Worker thread.  TRUE also when nothing was stored. */
gboolean  mp_keyring_clear_sync  (const char    *account_id,
                                  GCancellable  *cancellable,
                                  GError       **error);

void      mp_keyring_store_async   (const char          *account_id,
                                    const char          *label,
                                    const char          *password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  mp_keyring_store_finish  (GAsyncResult        *result,
                                    GError             **error);
void      mp_keyring_lookup_async  (const char          *account_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* Owned password or NULL (see mp_keyring_lookup_sync). */
char     *mp_keyring_lookup_finish (GAsyncResult        *result,
                                    GError             **error);
void      mp_keyring_clear_async   (const char          *account_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  mp_keyring_clear_finish  (GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
