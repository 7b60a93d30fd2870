/* mp-credential-source.c — where an account's secret comes from (see the header)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-credential-source.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "mp-error.h"
#include "mp-goa.h"
#include "mp-keyring.h"
#include "mp-password-command.h"

struct _MpCredentialSource
{
  MpCredentialSourceKind  kind;
  char                   *account_id;   /* owned: the keyring item */
  char                   *command;      /* owned, COMMAND only */
  char                   *goa_id;       /* owned, GOA only */
};

MpCredentialSource *
mp_credential_source_new_for_account (MpAccount *account)
{
  MpCredentialSource *self;

  g_return_val_if_fail (MP_IS_ACCOUNT (account), NULL);

  self = g_new0 (MpCredentialSource, 1);
  self->account_id = g_strdup (mp_account_get_id (account));
  if (mp_account_get_goa_account_id (account) != NULL)
    {
      self->kind = MP_CREDENTIAL_SOURCE_GOA;
      self->goa_id = g_strdup (mp_account_get_goa_account_id (account));
    }
  else if (mp_account_get_password_command (account) != NULL)
    {
      self->kind = MP_CREDENTIAL_SOURCE_COMMAND;
      self->command = g_strdup (mp_account_get_password_command (account));
    }
  else
    self->kind = MP_CREDENTIAL_SOURCE_KEYRING;
  return self;
}

void
mp_credential_source_free (MpCredentialSource *self)
{
  if (self == NULL)
    return;
  g_free (self->account_id);
  g_free (self->command);
  g_free (self->goa_id);
  g_free (self);
}

MpCredentialSourceKind
mp_credential_source_get_kind (const MpCredentialSource *self)
{
  return self->kind;
}

gboolean
mp_credential_source_can_renew (const MpCredentialSource *self)
{
  return self->kind == MP_CREDENTIAL_SOURCE_GOA;
}

static char *
lookup_keyring (const MpCredentialSource  *self,
                GCancellable              *cancellable,
                GError                   **error)
{
  g_autoptr(GError) local_error = NULL;
  char *password = mp_keyring_lookup_sync (self->account_id, cancellable, &local_error);

  if (password != NULL)
    return password;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (local_error != NULL)
    g_set_error (error, MP_ERROR, MP_ERROR_NEEDS_PASSWORD,
                 _("No password available: %s"), local_error->message);
  else
    g_set_error_literal (error, MP_ERROR, MP_ERROR_NEEDS_PASSWORD,
                         _("No password is stored for this account"));
  return NULL;
}

/* GOA hands out OAuth2 tokens: an account left on "auto" logs in with XOAUTH2,
 * as the account's own address when it names no user. */
static char *
fetch_goa_token (const MpCredentialSource  *self,
                 MpPop3Options             *options,
                 gboolean                   renew,
                 GCancellable              *cancellable,
                 GError                   **error)
{
  g_autofree char *identity = NULL;
  char *token = mp_goa_get_access_token_sync (self->goa_id, renew, &identity, cancellable,
                                              error);

  if (token == NULL)
    return NULL;
  if (options->auth == MP_POP3_AUTH_AUTO)
    options->auth = MP_POP3_AUTH_XOAUTH2;
  if ((options->username == NULL || *options->username == '\0') && identity != NULL)
    {
      g_free (options->username);
      options->username = g_steal_pointer (&identity);
    }
  return token;
}

gboolean
mp_credential_source_fill_sync (const MpCredentialSource  *self,
                                MpPop3Options             *options,
                                gboolean                   renew,
                                GCancellable              *cancellable,
                                GError                   **error)
{
  char *secret = NULL;

  g_return_val_if_fail (self != NULL && options != NULL, FALSE);

  switch (self->kind)
    {
    case MP_CREDENTIAL_SOURCE_KEYRING:
      secret = lookup_keyring (self, cancellable, error);
      break;
    case MP_CREDENTIAL_SOURCE_COMMAND:
      /* Its standard error is discarded: an app's ends up in the journal. */
      secret = mp_password_command_run_sync (self->command, 0, MP_PASSWORD_COMMAND_NONE,
                                             cancellable, error);
      break;
    case MP_CREDENTIAL_SOURCE_GOA:
      secret = fetch_goa_token (self, options, renew, cancellable, error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (secret == NULL)
    return FALSE;
  mp_pop3_options_set_password (options, secret);
  secret_password_free (secret);
  return TRUE;
}
