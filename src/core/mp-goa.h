/* mp-goa.h — OAuth2 access tokens from GNOME Online Accounts (libgoa-1.0)
 *
 * An account whose goa-account-id is set asks GOA (on the session bus, like every
 * GOA client) for an access token at each login, on the worker; the token is never
 * stored.  When the server refuses it, the caller asks once more with @renew:
 * GOA's EnsureCredentials refreshes the credentials first.
 *
 * Built without libgoa, the _sync functions fail with MP_ERROR_CREDENTIALS.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* An Online Accounts account Mailpeek can use: OAuth2-based, offering mail (GOA's
 * Mail interface: present only while Mail is on, and only for providers whose
 * token has mail scopes), from a provider with a known POP3 server. */
typedef struct {
  char  *id;                      /* GOA account id (for goa-account-id) */
  char  *provider_type;           /* "google", "ms_graph", … */
  char  *provider_name;           /* "Google", shown to the user */
  char  *presentation_identity;   /* "alice@gmail.com", shown to the user */
  char  *host;                    /* POP3 server, "pop.gmail.com" */
  guint  port;                    /* 995 (implicit TLS) */
  char  *username;                /* the address: mail address, else the identity */
} MpGoaAccount;

void      mp_goa_account_free              (MpGoaAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpGoaAccount, mp_goa_account_free)

/* The POP3 server (implicit TLS) of a GOA provider type; FALSE when unknown.
 * google → pop.gmail.com:995; ms_graph, windows_live → outlook.office365.com:995. */
gboolean  mp_goa_pop3_server_for_provider  (const char  *provider_type,
                                            const char **host,
                                            guint       *port);

/* Worker thread.  The usable accounts (array of MpGoaAccount, owned); empty when
 * GOA is not running. */
GPtrArray *mp_goa_list_accounts_sync       (GCancellable  *cancellable,
                                            GError       **error);
/* For the account dialog: runs _sync on a GTask thread. */
void       mp_goa_list_accounts_async      (GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray *mp_goa_list_accounts_finish     (GAsyncResult         *result,
                                            GError              **error);

/* Worker thread.  A fresh access token for account @goa_id (owned; wipe it with
 * mp_password_command_free_secret ()); *@identity_out (optional, owned) gets the
 * account's address as in MpGoaAccount.username.  @renew: the last token was
 * refused — EnsureCredentials first.  Errors: MP_ERROR_CREDENTIALS (account gone,
 * mail turned off, GOA needs the user to sign in again, no GOA), or
 * G_IO_ERROR_CANCELLED. */
char      *mp_goa_get_access_token_sync    (const char    *goa_id,
                                            gboolean       renew,
                                            char         **identity_out,
                                            GCancellable  *cancellable,
                                            GError       **error);

G_END_DECLS
