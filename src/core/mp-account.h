/* mp-account.h — one POP3 account (settings only; the password lives in MpKeyring)
 *
 * Properties (all G_PARAM_EXPLICIT_NOTIFY: "notify" is emitted only on a change):
 *   id                        string, construct-only; [A-Za-z0-9._-], generated (UUID)
 *                             when NULL is given; names the keyring item and seen file
 *   name                      string, display name ("" default)
 *   host                      string ("" default)
 *   port                      uint, 0 = default for the security mode (995 / 110)
 *   security                  MpPop3Security as int (MP_TYPE_ACCOUNT_SECURITY enum), default TLS
 *   username                  string
 *   auth                      MpPop3AuthMethod as int (MP_TYPE_ACCOUNT_AUTH enum), default AUTO
 *   check-interval            uint minutes, 1..1440, default 5
 *   preview-lines             uint, body lines fetched by TOP for a preview, default 200
 *   notify                    boolean, announce new mail, default TRUE
 *   pinned-sha256             string or NULL: accept exactly this certificate (hex SHA-256)
 *   allow-plaintext-password  boolean, default FALSE
 *   ca-file                   string or NULL: PEM bundle to trust instead of the system store
 *   password-command          string or NULL: where the secret comes from instead of the
 *                             keyring: a shell command printing it (mp-password-command.h),
 *                             run on the worker at each login
 *   goa-account-id            string or NULL: a GNOME Online Accounts account id; its
 *                             OAuth2 access token is the secret (mp-goa.h); wins over
 *                             password-command
 *   mail-client               string or NULL: the command line "Open Mail Client" runs for
 *                             this account instead of the desktop's mailto handler
 *
 * Main thread only (a worker gets an MpPop3Options snapshot via
 * mp_account_to_pop3_options()).
 */
#pragma once

#include <glib-object.h>

#include "mp-pop3-options.h"

G_BEGIN_DECLS

/* GEnum types mirroring MpPop3Security / MpPop3AuthMethod (for properties, bindings). */
#define MP_TYPE_ACCOUNT_SECURITY (mp_account_security_get_type ())
GType mp_account_security_get_type (void) G_GNUC_CONST;
#define MP_TYPE_ACCOUNT_AUTH (mp_account_auth_get_type ())
GType mp_account_auth_get_type (void) G_GNUC_CONST;

#define MP_ACCOUNT_DEFAULT_CHECK_INTERVAL 5
#define MP_ACCOUNT_DEFAULT_PREVIEW_LINES  200

#define MP_TYPE_ACCOUNT (mp_account_get_type ())
G_DECLARE_FINAL_TYPE (MpAccount, mp_account, MP, ACCOUNT, GObject)

/* @id: NULL to generate a new one. Returns NULL (g_return) for an invalid id. */
MpAccount      *mp_account_new                 (const char *id);
gboolean        mp_account_id_is_valid         (const char *id);

const char     *mp_account_get_id              (MpAccount *self);
const char     *mp_account_get_name            (MpAccount *self);
void            mp_account_set_name            (MpAccount *self, const char *name);
const char     *mp_account_get_host            (MpAccount *self);
void            mp_account_set_host            (MpAccount *self, const char *host);
guint           mp_account_get_port            (MpAccount *self);
void            mp_account_set_port            (MpAccount *self, guint port);
MpPop3Security  mp_account_get_security        (MpAccount *self);
void            mp_account_set_security        (MpAccount *self, MpPop3Security security);
const char     *mp_account_get_username        (MpAccount *self);
void            mp_account_set_username        (MpAccount *self, const char *username);
MpPop3AuthMethod mp_account_get_auth           (MpAccount *self);
void            mp_account_set_auth            (MpAccount *self, MpPop3AuthMethod auth);
guint           mp_account_get_check_interval  (MpAccount *self);
void            mp_account_set_check_interval  (MpAccount *self, guint minutes);
guint           mp_account_get_preview_lines   (MpAccount *self);
void            mp_account_set_preview_lines   (MpAccount *self, guint lines);
gboolean        mp_account_get_notify          (MpAccount *self);
void            mp_account_set_notify          (MpAccount *self, gboolean notify);
const char     *mp_account_get_pinned_sha256   (MpAccount *self);
void            mp_account_set_pinned_sha256   (MpAccount *self, const char *sha256_hex);
gboolean        mp_account_get_allow_plaintext_password (MpAccount *self);
void            mp_account_set_allow_plaintext_password (MpAccount *self, gboolean allow);
const char     *mp_account_get_ca_file         (MpAccount *self);
void            mp_account_set_ca_file         (MpAccount *self, const char *path);

const char     *mp_account_get_password_command (MpAccount *self);
void            mp_account_set_password_command (MpAccount *self, const char *command);
const char     *mp_account_get_goa_account_id  (MpAccount *self);
void            mp_account_set_goa_account_id  (MpAccount *self, const char *goa_id);
const char     *mp_account_get_mail_client     (MpAccount *self);
void            mp_account_set_mail_client     (MpAccount *self, const char *command);

/* Label for lists: name, else "username@host". Owned. */
char           *mp_account_dup_display_name    (MpAccount *self);

/* Snapshot for a worker; @password may be NULL (set later). Never NULL. */
MpPop3Options  *mp_account_to_pop3_options     (MpAccount  *self,
                                                const char *password);

G_END_DECLS
