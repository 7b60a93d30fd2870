/* mp-keyring.c — passwords in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-keyring.h"

#include <glib/gi18n-lib.h>

#include "mp-error.h"

const SecretSchema *
mp_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    MP_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/* D-Bus round trips must never run on the UI thread (a slow or locked keyring
 * would freeze the window). */
static void
assert_worker (void)
{
  g_assert (!g_main_context_is_owner (g_main_context_default ()));
}

static void
keyring_error (GError **error)
{
  if (error == NULL || *error == NULL ||
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  {
    GError *mapped = g_error_new (MP_ERROR, MP_ERROR_CONFIG,
                                  _("The keyring is not available: %s"), (*error)->message);
    g_error_free (*error);
    *error = mapped;
  }
}

gboolean
mp_keyring_store_sync (const char    *account_id,
                       const char    *label,
                       const char    *password,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *default_label = NULL;
  gboolean ok;

  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  assert_worker ();

  if (label == NULL)
    label = default_label = g_strdup_printf ("Mailpeek: %s", account_id);
  ok = secret_password_store_sync (mp_keyring_get_schema (), SECRET_COLLECTION_DEFAULT,
                                   label, password, cancellable, error,
                                   "account-id", account_id, NULL);
  if (!ok)
    keyring_error (error);
  return ok;
}

char *
mp_keyring_lookup_sync (const char    *account_id,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GError *local_error = NULL;
  char *password;

  g_return_val_if_fail (account_id != NULL, NULL);

  assert_worker ();
  password = secret_password_lookup_sync (mp_keyring_get_schema (), cancellable,
                                                      &local_error,
                                                      "account-id", account_id, NULL);
  if (local_error != NULL)
    {
      keyring_error (&local_error);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return password;
}

gboolean
mp_keyring_clear_sync (const char    *account_id,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (account_id != NULL, FALSE);
  assert_worker ();

  secret_password_clear_sync (mp_keyring_get_schema (), cancellable, &local_error,
                              "account-id", account_id, NULL);
  if (local_error != NULL)
    {
      keyring_error (&local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* ---- async wrappers: one GTask thread each ---- */

typedef struct {
  char *account_id;
  char *label;
  char *password;   /* wiped on free */
} KeyringOp;

static void
keyring_op_free (KeyringOp *op)
{
  g_free (op->account_id);
  g_free (op->label);
  secret_password_free (op->password);
  g_free (op);
}

static GTask *
op_task (const char          *account_id,
         const char          *label,
         const char          *password,
         gpointer             tag,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  KeyringOp *op = g_new0 (KeyringOp, 1);

  op->account_id = g_strdup (account_id);
  op->label = g_strdup (label);
  op->password = g_strdup (password);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, op, (GDestroyNotify) keyring_op_free);
  return task;
}

static void
store_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  KeyringOp *op = data;
  GError *error = NULL;

  if (mp_keyring_store_sync (op->account_id, op->label, op->password, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mp_keyring_store_async (const char          *account_id,
                        const char          *label,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (account_id != NULL && password != NULL);
  task = op_task (account_id, label, password, mp_keyring_store_async,
                  cancellable, callback, user_data);
  g_task_run_in_thread (task, store_thread);
}

gboolean
mp_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  KeyringOp *op = data;
  GError *error = NULL;
  char *password = mp_keyring_lookup_sync (op->account_id, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
mp_keyring_lookup_async (const char          *account_id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (account_id != NULL);
  task = op_task (account_id, NULL, NULL, mp_keyring_lookup_async,
                  cancellable, callback, user_data);
  g_task_run_in_thread (task, lookup_thread);
}

char *
mp_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  KeyringOp *op = data;
  GError *error = NULL;

  if (mp_keyring_clear_sync (op->account_id, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mp_keyring_clear_async (const char          *account_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (account_id != NULL);
  task = op_task (account_id, NULL, NULL, mp_keyring_clear_async,
                  cancellable, callback, user_data);
  g_task_run_in_thread (task, clear_thread);
}

gboolean
mp_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
