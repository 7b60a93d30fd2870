/* mp-account-store.c — accounts.conf ⇄ GListModel of MpAccount
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-account-store.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mp-error.h"

struct _MpAccountStore
{
  GObject    parent_instance;

  char      *path;      /* owned */
  GPtrArray *accounts;  /* owned, of owned MpAccount */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MpAccountStore, mp_account_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return MP_TYPE_ACCOUNT;
}

static guint
get_n_items (GListModel *model)
{
  return MP_ACCOUNT_STORE (model)->accounts->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  MpAccountStore *self = MP_ACCOUNT_STORE (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
mp_account_store_finalize (GObject *object)
{
  MpAccountStore *self = MP_ACCOUNT_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->accounts);
  G_OBJECT_CLASS (mp_account_store_parent_class)->finalize (object);
}

static void
mp_account_store_class_init (MpAccountStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_account_store_finalize;
}

static void
mp_account_store_init (MpAccountStore *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

MpAccountStore *
mp_account_store_new_for_path (const char *path)
{
  MpAccountStore *self;

  g_return_val_if_fail (path != NULL, NULL);
  self = g_object_new (MP_TYPE_ACCOUNT_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

MpAccountStore *
mp_account_store_new (void)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "mailpeek",
                                            "accounts.conf", NULL);
  return mp_account_store_new_for_path (path);
}

const char *
mp_account_store_get_path (MpAccountStore *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_STORE (self), NULL);
  return self->path;
}

static gboolean
find_index (MpAccountStore *self,
            const char     *id,
            guint          *index)
{
  for (guint i = 0; i < self->accounts->len; i++)
    if (g_strcmp0 (mp_account_get_id (g_ptr_array_index (self->accounts, i)), id) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

MpAccount *
mp_account_store_lookup (MpAccountStore *self,
                         const char     *id)
{
  guint i;

  g_return_val_if_fail (MP_IS_ACCOUNT_STORE (self), NULL);
  if (id == NULL || !find_index (self, id, &i))
    return NULL;
  return g_ptr_array_index (self->accounts, i);
}

gboolean
mp_account_store_add (MpAccountStore *self,
                      MpAccount      *account)
{
  guint i;

  g_return_val_if_fail (MP_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (MP_IS_ACCOUNT (account), FALSE);

  if (find_index (self, mp_account_get_id (account), &i))
    return FALSE;
  g_ptr_array_add (self->accounts, g_object_ref (account));
  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
  return TRUE;
}

gboolean
mp_account_store_remove (MpAccountStore *self,
                         const char     *id)
{
  guint i;

  g_return_val_if_fail (MP_IS_ACCOUNT_STORE (self), FALSE);
  if (id == NULL || !find_index (self, id, &i))
    return FALSE;
  g_ptr_array_remove_index (self->accounts, i);
  g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
  return TRUE;
}

/* Keys with a string value, written/read generically through the properties;
 * the enums go through their nicks so the file stays readable. */
static const char * const string_keys[] = { "name", "host", "username",
                                            "pinned-sha256", "ca-file",
                                            "password-command", "goa-account-id",
                                            "mail-client" };
static const char * const uint_keys[] = { "port", "check-interval", "preview-lines" };
static const char * const bool_keys[] = { "notify", "allow-plaintext-password" };

static void
write_account (GKeyFile  *kf,
               MpAccount *account)
{
  const char *group = mp_account_get_id (account);

  for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
    {
      g_autofree char *value = NULL;
      g_object_get (account, string_keys[i], &value, NULL);
      if (value != NULL)
        g_key_file_set_string (kf, group, string_keys[i], value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (uint_keys); i++)
    {
      guint value;
      g_object_get (account, uint_keys[i], &value, NULL);
      g_key_file_set_uint64 (kf, group, uint_keys[i], value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bool_keys); i++)
    {
      gboolean value;
      g_object_get (account, bool_keys[i], &value, NULL);
      g_key_file_set_boolean (kf, group, bool_keys[i], value);
    }
  g_key_file_set_string (kf, group, "security",
                         mp_pop3_security_to_string (mp_account_get_security (account)));
  g_key_file_set_string (kf, group, "auth",
                         mp_pop3_auth_method_to_string (mp_account_get_auth (account)));
}

gboolean
mp_account_store_save (MpAccountStore  *self,
                       GError         **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_return_val_if_fail (MP_IS_ACCOUNT_STORE (self), FALSE);

  g_key_file_set_comment (kf, NULL, NULL,
                          " Mailpeek accounts. Passwords are kept in the keyring (or "
                          "printed by password-command, or given by GNOME Online "
                          "Accounts), never here.", NULL);
  for (guint i = 0; i < self->accounts->len; i++)
    write_account (kf, g_ptr_array_index (self->accounts, i));
  data = g_key_file_to_data (kf, &len, NULL);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, MP_ERROR, MP_ERROR_CONFIG, _("Cannot create folder “%s”: %s"),
                   dir, g_strerror (errsv));
      return FALSE;
    }
  if (!g_file_set_contents_full (self->path, data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT |
                                 G_FILE_SET_CONTENTS_DURABLE, 0600, error))
    {
      mp_error_convert (error);
      g_prefix_error (error, _("Cannot save accounts: "));
      return FALSE;
    }
  return TRUE;
}

/* Unknown or unparsable values fall back to the defaults: a hand-edited typo in
 * one key should not lose the whole account. */
static MpAccount *
read_account (GKeyFile   *kf,
              const char *group)
{
  g_autoptr(MpAccount) account = mp_account_new (group);
  g_autofree char *security = NULL;
  g_autofree char *auth = NULL;
  MpPop3Security sec;
  MpPop3AuthMethod method;

  for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, group, string_keys[i], NULL);
      if (value != NULL && g_utf8_validate (value, -1, NULL))
        g_object_set (account, string_keys[i], value, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (uint_keys); i++)
    {
      g_autoptr(GError) local_error = NULL;
      guint64 value = g_key_file_get_uint64 (kf, group, uint_keys[i], &local_error);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (account),
                                                        uint_keys[i]);
      GParamSpecUInt *uspec = G_PARAM_SPEC_UINT (pspec);

      if (local_error == NULL && value >= uspec->minimum && value <= uspec->maximum)
        g_object_set (account, uint_keys[i], (guint) value, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bool_keys); i++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean value = g_key_file_get_boolean (kf, group, bool_keys[i], &local_error);
      if (local_error == NULL)
        g_object_set (account, bool_keys[i], value, NULL);
    }

  security = g_key_file_get_string (kf, group, "security", NULL);
  if (security != NULL && mp_pop3_security_from_string (security, &sec))
    mp_account_set_security (account, sec);
  auth = g_key_file_get_string (kf, group, "auth", NULL);
  if (auth != NULL && mp_pop3_auth_method_from_string (auth, &method))
    mp_account_set_auth (account, method);

  return g_steal_pointer (&account);
}

gboolean
mp_account_store_load (MpAccountStore  *self,
                       GError         **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) groups = NULL;
  guint old_len;

  g_return_val_if_fail (MP_IS_ACCOUNT_STORE (self), FALSE);

  if (!g_key_file_load_from_file (kf, self->path, G_KEY_FILE_NONE, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, MP_ERROR, MP_ERROR_CONFIG,
                       _("Cannot read the account list “%s”: %s"),
                       self->path, local_error->message);
          return FALSE;
        }
      /* No file yet: first start. */
    }
  else
    {
      groups = g_key_file_get_groups (kf, NULL);
      for (guint i = 0; groups[i] != NULL; i++)
        {
          if (!mp_account_id_is_valid (groups[i]))
            {
              g_warning ("%s: skipping account with invalid id “%s”", self->path, groups[i]);
              continue;
            }
          g_ptr_array_add (loaded, read_account (kf, groups[i]));
        }
    }

  old_len = self->accounts->len;
  g_ptr_array_unref (self->accounts);
  self->accounts = g_steal_pointer (&loaded);
  if (old_len > 0 || self->accounts->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->accounts->len);
  return TRUE;
}
