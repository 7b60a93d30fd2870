/* mp-error.h — the core error domain (MP_ERROR).
 *
 * Every failure that reaches the UI from src/core is a GError either in MP_ERROR
 * or G_IO_ERROR_CANCELLED (the user cancelled; show nothing).  The code tells the
 * UI what to do; the message (kept from the engine where there is one) is for a person.
 *
 *   MP_ERROR_NETWORK         connection failed / lost: retry later
 *   MP_ERROR_TIMEOUT         server stopped answering: retry later
 *   MP_ERROR_CERTIFICATE     certificate not trusted: show it; mp_error_get_fingerprint()
 *                            gives the SHA-256 (lower-case hex) to offer pinning
 *   MP_ERROR_AUTH            server refused the credentials: ask for the password
 *   MP_ERROR_NEEDS_PASSWORD  no password known (keyring empty): ask for it
 *   MP_ERROR_SERVER_BUSY     IN-USE / LOGIN-DELAY / SYS/TEMP: retry later;
 *                            mp_error_get_retry_after() gives a minimum delay (s)
 *   MP_ERROR_PROTOCOL        server spoke nonsense / SYS/PERM / unsupported: give up
 *   MP_ERROR_NOT_DELETED     delete: QUIT was not acknowledged, nothing was deleted
 *   MP_ERROR_INSECURE        plaintext password refused / STLS missing: change settings
 *   MP_ERROR_CONFIG          account settings or config file invalid
 *   MP_ERROR_GONE            preview/delete: the message is no longer on the server
 *   MP_ERROR_CREDENTIALS     the account's password command or GNOME Online Accounts
 *                            gave no secret (failed, hung, printed nothing, account
 *                            gone): show the message, change settings; asking for a
 *                            password does not help
 *   MP_ERROR_TOO_LARGE       delete: larger than the recycle bin keeps; ask before
 *                            deleting it without a copy
 *
 * MT-safe: all functions may be called from any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MP_ERROR (mp_error_quark ())

typedef enum {
  MP_ERROR_NETWORK,
  MP_ERROR_TIMEOUT,
  MP_ERROR_CERTIFICATE,
  MP_ERROR_AUTH,
  MP_ERROR_NEEDS_PASSWORD,
  MP_ERROR_SERVER_BUSY,
  MP_ERROR_PROTOCOL,
  MP_ERROR_NOT_DELETED,
  MP_ERROR_INSECURE,
  MP_ERROR_CONFIG,
  MP_ERROR_GONE,
  MP_ERROR_CREDENTIALS,
  MP_ERROR_TOO_LARGE,
} MpErrorCode;

GQuark      mp_error_quark            (void);

/* Returns a new GError mapping @error (MP_POP3_ERROR, G_IO_ERROR, …) to MP_ERROR,
 * keeping its message.  G_IO_ERROR_CANCELLED and MP_ERROR errors are copied
 * unchanged.  Unknown domains become MP_ERROR_NETWORK. */
GError     *mp_error_from_pop3        (const GError *error);

/* Replaces *@error in place with mp_error_from_pop3 (*@error); no-op on NULL. */
void        mp_error_convert          (GError      **error);

/* TRUE for NETWORK, TIMEOUT, SERVER_BUSY (the scheduler retries with backoff). */
gboolean    mp_error_is_retryable     (const GError *error);

/* Extra data carried by MP_ERROR errors (extended GError; copied with the error).
 * retry-after: seconds the server asked us to wait (LOGIN-DELAY), 0 if none.
 * fingerprint: SHA-256 of the peer certificate for MP_ERROR_CERTIFICATE, or NULL.
 * token-refused: an MP_ERROR_AUTH where the server refused an OAuth2 access token
 * (XOAUTH2, OAUTHBEARER) rather than a password: renew it, do not retype it. */
guint       mp_error_get_retry_after  (const GError *error);
void        mp_error_set_retry_after  (GError       *error,
                                       guint         seconds);
const char *mp_error_get_fingerprint  (const GError *error);
void        mp_error_set_fingerprint  (GError       *error,
                                       const char   *sha256_hex);
gboolean    mp_error_get_token_refused (const GError *error);
void        mp_error_set_token_refused (GError       *error);

G_END_DECLS
