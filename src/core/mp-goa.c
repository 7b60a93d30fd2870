/* mp-goa.c — OAuth2 access tokens from GNOME Online Accounts (see the header)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-goa.h"

#include <glib/gi18n-lib.h>

#ifdef HAVE_GOA
#define GOA_API_IS_SUBJECT_TO_CHANGE
#include <goa/goa.h>
#endif

#include "mp-error.h"

/* Implicit-TLS POP3 servers of the providers whose GOA tokens carry mail scopes. */
static const struct {
  const char *provider_type;
  const char *host;
  guint       port;
} pop3_servers[] = {
  { "google", "pop.gmail.com", 995 },
  { "ms_graph", "outlook.office365.com", 995 },
  { "windows_live", "outlook.office365.com", 995 },
};

gboolean
mp_goa_pop3_server_for_provider (const char  *provider_type,
                                 const char **host,
                                 guint       *port)
{
  for (gsize i = 0; provider_type != NULL && i < G_N_ELEMENTS (pop3_servers); i++)
    if (g_strcmp0 (provider_type, pop3_servers[i].provider_type) == 0)
      {
        *host = pop3_servers[i].host;
        *port = pop3_servers[i].port;
        return TRUE;
      }
  return FALSE;
}

void
mp_goa_account_free (MpGoaAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->id);
  g_free (account->provider_type);
  g_free (account->provider_name);
  g_free (account->presentation_identity);
  g_free (account->host);
  g_free (account->username);
  g_free (account);
}

#ifdef HAVE_GOA

/* The GoaClient's D-Bus signals are dispatched on the thread-default context at its
 * creation: a private one on the worker keeps them off the main thread. */
typedef struct {
  GMainContext *context;
  GoaClient    *client;
} Session;

static gboolean
session_open (Session       *session,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  session->context = g_main_context_new ();
  g_main_context_push_thread_default (session->context);
  session->client = goa_client_new_sync (cancellable, &local_error);
  if (session->client != NULL)
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("GNOME Online Accounts cannot be reached: %s"), local_error->message);
  return FALSE;
}

static void
session_close (Session *session)
{
  g_clear_object (&session->client);
  /* GDBus frees the data of the client's signal subscriptions from idle
   * callbacks on the context they were made on: run them, or they leak with it. */
  while (g_main_context_iteration (session->context, FALSE))
    ;
  g_main_context_pop_thread_default (session->context);
  g_main_context_unref (session->context);
}

/* The address to log in with: the mail address when GOA knows one. */
static char *
dup_address (GoaObject *object)
{
  g_autoptr(GoaMail) mail = goa_object_get_mail (object);
  g_autoptr(GoaAccount) account = goa_object_get_account (object);

  if (mail != NULL && goa_mail_get_email_address (mail) != NULL
      && *goa_mail_get_email_address (mail) != '\0')
    return g_strdup (goa_mail_get_email_address (mail));
  return g_strdup (goa_account_get_presentation_identity (account));
}

static MpGoaAccount *
usable_account (GoaObject *object)
{
  g_autoptr(GoaAccount) account = goa_object_get_account (object);
  g_autoptr(GoaOAuth2Based) oauth2 = goa_object_get_oauth2_based (object);
  g_autoptr(GoaMail) mail = goa_object_get_mail (object);
  MpGoaAccount *result;
  const char *host;
  guint port;

  /* GOA exports the Mail interface only for an account whose token serves mail
   * (and only while Mail is on): GOA's Microsoft 365 accounts have Microsoft Graph
   * scopes for files, which the POP3 server would refuse. */
  if (account == NULL || oauth2 == NULL || mail == NULL || goa_account_get_mail_disabled (account)
      || !mp_goa_pop3_server_for_provider (goa_account_get_provider_type (account),
                                           &host, &port))
    return NULL;
  result = g_new0 (MpGoaAccount, 1);
  result->id = g_strdup (goa_account_get_id (account));
  result->provider_type = g_strdup (goa_account_get_provider_type (account));
  result->provider_name = g_strdup (goa_account_get_provider_name (account));
  result->presentation_identity = g_strdup (goa_account_get_presentation_identity (account));
  result->host = g_strdup (host);
  result->port = port;
  result->username = dup_address (object);
  return result;
}

GPtrArray *
mp_goa_list_accounts_sync (GCancellable  *cancellable,
                           GError       **error)
{
  Session session = { 0 };
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_goa_account_free);
  GList *objects;

  if (!session_open (&session, cancellable, error))
    {
      session_close (&session);
      return NULL;
    }
  objects = goa_client_get_accounts (session.client);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      MpGoaAccount *account = usable_account (l->data);
      if (account != NULL)
        g_ptr_array_add (result, account);
    }
  g_list_free_full (objects, g_object_unref);
  session_close (&session);
  return g_steal_pointer (&result);
}

/* Keeps cancellation as it is; anything else becomes a sentence about @account. */
static void
set_goa_error (GError     **error,
               GError      *cause,
               const char  *what,
               GoaAccount  *account)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }
  g_dbus_error_strip_remote_error (cause);
  if (g_error_matches (cause, GOA_ERROR, GOA_ERROR_NOT_AUTHORIZED))
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                 _("Sign in to %s again in Settings → Online Accounts (%s)"),
                 goa_account_get_presentation_identity (account), cause->message);
  else
    g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS, "%s (%s): %s", what,
                 goa_account_get_presentation_identity (account), cause->message);
  g_error_free (cause);
}

static char *
get_token (GoaObject     *object,
           gboolean       renew,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GoaAccount) account = goa_object_get_account (object);
  g_autoptr(GoaOAuth2Based) oauth2 = goa_object_get_oauth2_based (object);
  g_autoptr(GoaMail) mail = goa_object_get_mail (object);
  GError *local_error = NULL;
  char *token = NULL;

  if (account == NULL || oauth2 == NULL)
    {
      g_set_error_literal (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                           _("This Online Accounts account does not use OAuth2"));
      return NULL;
    }
  if (mail == NULL || goa_account_get_mail_disabled (account))
    {
      g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                   _("Mail is turned off for %s in Settings → Online Accounts, or its "
                     "provider’s sign-in does not give access to mail"),
                   goa_account_get_presentation_identity (account));
      return NULL;
    }
  if (renew && !goa_account_call_ensure_credentials_sync (account, NULL, cancellable,
                                                          &local_error))
    {
      set_goa_error (error, local_error, _("Online Accounts could not renew the sign-in"),
                     account);
      return NULL;
    }
  if (!goa_oauth2_based_call_get_access_token_sync (oauth2, &token, NULL, cancellable,
                                                    &local_error))
    {
      set_goa_error (error, local_error, _("Online Accounts gave no access token"), account);
      return NULL;
    }
  if (token == NULL || *token == '\0')
    {
      g_free (token);
      g_set_error_literal (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                           _("Online Accounts gave an empty access token"));
      return NULL;
    }
  return token;
}

char *
mp_goa_get_access_token_sync (const char    *goa_id,
                              gboolean       renew,
                              char         **identity_out,
                              GCancellable  *cancellable,
                              GError       **error)
{
  Session session = { 0 };
  g_autoptr(GoaObject) object = NULL;
  char *token = NULL;

  g_return_val_if_fail (goa_id != NULL, NULL);

  if (session_open (&session, cancellable, error))
    {
      object = goa_client_lookup_by_id (session.client, goa_id);
      if (object == NULL)
        g_set_error (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                     _("GNOME Online Accounts has no account “%s” (was it removed in "
                       "Settings?)"), goa_id);
      else
        token = get_token (object, renew, cancellable, error);
      if (token != NULL && identity_out != NULL)
        *identity_out = dup_address (object);
    }
  g_clear_object (&object);
  session_close (&session);
  return token;
}

#else /* !HAVE_GOA */

static void
set_no_goa (GError **error)
{
  g_set_error_literal (error, MP_ERROR, MP_ERROR_CREDENTIALS,
                       _("Mailpeek was built without GNOME Online Accounts support"));
}

GPtrArray *
mp_goa_list_accounts_sync (GCancellable  *cancellable,
                           GError       **error)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) mp_goa_account_free);
}

char *
mp_goa_get_access_token_sync (const char    *goa_id,
                              gboolean       renew,
                              char         **identity_out,
                              GCancellable  *cancellable,
                              GError       **error)
{
  set_no_goa (error);
  return NULL;
}

#endif /* HAVE_GOA */

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *accounts = mp_goa_list_accounts_sync (cancellable, &error);

  if (accounts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, accounts, (GDestroyNotify) g_ptr_array_unref);
}

void
mp_goa_list_accounts_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, mp_goa_list_accounts_async);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
mp_goa_list_accounts_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
