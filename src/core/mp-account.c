/* mp-account.c — one POP3 account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-account.h"

#include <string.h>

struct _MpAccount
{
  GObject           parent_instance;

  char             *id;             /* owned */
  char             *name;           /* owned */
  char             *host;           /* owned */
  guint             port;
  MpPop3Security    security;
  char             *username;       /* owned */
  MpPop3AuthMethod  auth;
  guint             check_interval;
  guint             preview_lines;
  gboolean          notify;
  char             *pinned_sha256;  /* owned, nullable */
  gboolean          allow_plaintext_password;
  char             *ca_file;        /* owned, nullable */
  char             *password_command;  /* owned, nullable */
  char             *goa_account_id;    /* owned, nullable */
  char             *mail_client;       /* owned, nullable */
};

G_DEFINE_FINAL_TYPE (MpAccount, mp_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_HOST,
  PROP_PORT,
  PROP_SECURITY,
  PROP_USERNAME,
  PROP_AUTH,
  PROP_CHECK_INTERVAL,
  PROP_PREVIEW_LINES,
  PROP_NOTIFY,
  PROP_PINNED_SHA256,
  PROP_ALLOW_PLAINTEXT_PASSWORD,
  PROP_CA_FILE,
  PROP_PASSWORD_COMMAND,
  PROP_GOA_ACCOUNT_ID,
  PROP_MAIL_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
mp_account_security_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    { MP_POP3_SECURITY_TLS, "MP_POP3_SECURITY_TLS", "tls" },
    { MP_POP3_SECURITY_STARTTLS, "MP_POP3_SECURITY_STARTTLS", "starttls" },
    { MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE, "MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE",
      "starttls-if-available" },
    { MP_POP3_SECURITY_NONE, "MP_POP3_SECURITY_NONE", "none" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("MpAccountSecurity", values));
  return type_id;
}

GType
mp_account_auth_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    { MP_POP3_AUTH_AUTO, "MP_POP3_AUTH_AUTO", "auto" },
    { MP_POP3_AUTH_USER, "MP_POP3_AUTH_USER", "user" },
    { MP_POP3_AUTH_APOP, "MP_POP3_AUTH_APOP", "apop" },
    { MP_POP3_AUTH_PLAIN, "MP_POP3_AUTH_PLAIN", "plain" },
    { MP_POP3_AUTH_LOGIN, "MP_POP3_AUTH_LOGIN", "login" },
    { MP_POP3_AUTH_CRAM_MD5, "MP_POP3_AUTH_CRAM_MD5", "cram-md5" },
    { MP_POP3_AUTH_XOAUTH2, "MP_POP3_AUTH_XOAUTH2", "xoauth2" },
    { MP_POP3_AUTH_OAUTHBEARER, "MP_POP3_AUTH_OAUTHBEARER", "oauthbearer" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("MpAccountAuth", values));
  return type_id;
}

gboolean
mp_account_id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 128 || id[0] == '.')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

/* Sets *field and notifies only when the value really changes. */
static void
set_string (MpAccount  *self,
            char      **field,
            const char *value,
            int         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_uint (MpAccount *self,
          guint     *field,
          guint      value,
          int        prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
mp_account_finalize (GObject *object)
{
  MpAccount *self = MP_ACCOUNT (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->host);
  g_free (self->username);
  g_free (self->pinned_sha256);
  g_free (self->ca_file);
  g_free (self->password_command);
  g_free (self->goa_account_id);
  g_free (self->mail_client);

  G_OBJECT_CLASS (mp_account_parent_class)->finalize (object);
}

static void
mp_account_constructed (GObject *object)
{
  MpAccount *self = MP_ACCOUNT (object);

  G_OBJECT_CLASS (mp_account_parent_class)->constructed (object);
  if (self->id == NULL)
    self->id = g_uuid_string_random ();
}

static void
mp_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MpAccount *self = MP_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_HOST: g_value_set_string (value, self->host); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_SECURITY: g_value_set_enum (value, self->security); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_AUTH: g_value_set_enum (value, self->auth); break;
    case PROP_CHECK_INTERVAL: g_value_set_uint (value, self->check_interval); break;
    case PROP_PREVIEW_LINES: g_value_set_uint (value, self->preview_lines); break;
    case PROP_NOTIFY: g_value_set_boolean (value, self->notify); break;
    case PROP_PINNED_SHA256: g_value_set_string (value, self->pinned_sha256); break;
    case PROP_ALLOW_PLAINTEXT_PASSWORD:
      g_value_set_boolean (value, self->allow_plaintext_password);
      break;
    case PROP_CA_FILE: g_value_set_string (value, self->ca_file); break;
    case PROP_PASSWORD_COMMAND: g_value_set_string (value, self->password_command); break;
    case PROP_GOA_ACCOUNT_ID: g_value_set_string (value, self->goa_account_id); break;
    case PROP_MAIL_CLIENT: g_value_set_string (value, self->mail_client); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_account_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MpAccount *self = MP_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      {
        const char *id = g_value_get_string (value);
        if (id != NULL && !mp_account_id_is_valid (id))
          g_critical ("Invalid account id “%s”; generating one", id);
        else
          self->id = g_strdup (id);
      }
      break;
    case PROP_NAME: mp_account_set_name (self, g_value_get_string (value)); break;
    case PROP_HOST: mp_account_set_host (self, g_value_get_string (value)); break;
    case PROP_PORT: mp_account_set_port (self, g_value_get_uint (value)); break;
    case PROP_SECURITY: mp_account_set_security (self, g_value_get_enum (value)); break;
    case PROP_USERNAME: mp_account_set_username (self, g_value_get_string (value)); break;
    case PROP_AUTH: mp_account_set_auth (self, g_value_get_enum (value)); break;
    case PROP_CHECK_INTERVAL:
      mp_account_set_check_interval (self, g_value_get_uint (value));
      break;
    case PROP_PREVIEW_LINES:
      mp_account_set_preview_lines (self, g_value_get_uint (value));
      break;
    case PROP_NOTIFY: mp_account_set_notify (self, g_value_get_boolean (value)); break;
    case PROP_PINNED_SHA256:
      mp_account_set_pinned_sha256 (self, g_value_get_string (value));
      break;
    case PROP_ALLOW_PLAINTEXT_PASSWORD:
      mp_account_set_allow_plaintext_password (self, g_value_get_boolean (value));
      break;
    case PROP_CA_FILE: mp_account_set_ca_file (self, g_value_get_string (value)); break;
    case PROP_PASSWORD_COMMAND:
      mp_account_set_password_command (self, g_value_get_string (value));
      break;
    case PROP_GOA_ACCOUNT_ID:
      mp_account_set_goa_account_id (self, g_value_get_string (value));
      break;
    case PROP_MAIL_CLIENT:
      mp_account_set_mail_client (self, g_value_get_string (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_account_class_init (MpAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mp_account_finalize;
  object_class->constructed = mp_account_constructed;
  object_class->get_property = mp_account_get_property;
  object_class->set_property = mp_account_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", rw);
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, "", rw);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, rw);
  properties[PROP_SECURITY] =
    g_param_spec_enum ("security", NULL, NULL, MP_TYPE_ACCOUNT_SECURITY,
                       MP_POP3_SECURITY_TLS, rw);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, "", rw);
  properties[PROP_AUTH] =
    g_param_spec_enum ("auth", NULL, NULL, MP_TYPE_ACCOUNT_AUTH, MP_POP3_AUTH_AUTO, rw);
  properties[PROP_CHECK_INTERVAL] =
    g_param_spec_uint ("check-interval", NULL, NULL, 1, 1440,
                       MP_ACCOUNT_DEFAULT_CHECK_INTERVAL, rw);
  properties[PROP_PREVIEW_LINES] =
    g_param_spec_uint ("preview-lines", NULL, NULL, 0, 100000,
                       MP_ACCOUNT_DEFAULT_PREVIEW_LINES, rw);
  properties[PROP_NOTIFY] = g_param_spec_boolean ("notify", NULL, NULL, TRUE, rw);
  properties[PROP_PINNED_SHA256] =
    g_param_spec_string ("pinned-sha256", NULL, NULL, NULL, rw);
  properties[PROP_ALLOW_PLAINTEXT_PASSWORD] =
    g_param_spec_boolean ("allow-plaintext-password", NULL, NULL, FALSE, rw);
  properties[PROP_CA_FILE] = g_param_spec_string ("ca-file", NULL, NULL, NULL, rw);
  properties[PROP_PASSWORD_COMMAND] =
    g_param_spec_string ("password-command", NULL, NULL, NULL, rw);
  properties[PROP_GOA_ACCOUNT_ID] = g_param_spec_string ("goa-account-id", NULL, NULL, NULL, rw);
  properties[PROP_MAIL_CLIENT] = g_param_spec_string ("mail-client", NULL, NULL, NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mp_account_init (MpAccount *self)
{
  self->name = g_strdup ("");
  self->host = g_strdup ("");
  self->username = g_strdup ("");
  self->security = MP_POP3_SECURITY_TLS;
  self->auth = MP_POP3_AUTH_AUTO;
  self->check_interval = MP_ACCOUNT_DEFAULT_CHECK_INTERVAL;
  self->preview_lines = MP_ACCOUNT_DEFAULT_PREVIEW_LINES;
  self->notify = TRUE;
}

MpAccount *
mp_account_new (const char *id)
{
  g_return_val_if_fail (id == NULL || mp_account_id_is_valid (id), NULL);
  return g_object_new (MP_TYPE_ACCOUNT, "id", id, NULL);
}

#define STRING_ACCESSORS(field, PROP, nullable)                               \
  const char *mp_account_get_##field (MpAccount *self)                        \
  {                                                                           \
    g_return_val_if_fail (MP_IS_ACCOUNT (self), NULL);                        \
    return self->field;                                                       \
  }                                                                           \
  void mp_account_set_##field (MpAccount *self, const char *value)            \
  {                                                                           \
    g_return_if_fail (MP_IS_ACCOUNT (self));                                  \
    if (!(nullable) && value == NULL)                                         \
      value = "";                                                             \
    if ((nullable) && value != NULL && *value == '\0')                        \
      value = NULL;                                                           \
    set_string (self, &self->field, value, PROP);                             \
  }

STRING_ACCESSORS (name, PROP_NAME, FALSE)
STRING_ACCESSORS (host, PROP_HOST, FALSE)
STRING_ACCESSORS (username, PROP_USERNAME, FALSE)
STRING_ACCESSORS (pinned_sha256, PROP_PINNED_SHA256, TRUE)
STRING_ACCESSORS (ca_file, PROP_CA_FILE, TRUE)
STRING_ACCESSORS (password_command, PROP_PASSWORD_COMMAND, TRUE)
STRING_ACCESSORS (goa_account_id, PROP_GOA_ACCOUNT_ID, TRUE)
STRING_ACCESSORS (mail_client, PROP_MAIL_CLIENT, TRUE)

const char *
mp_account_get_id (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), NULL);
  return self->id;
}

guint
mp_account_get_port (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), 0);
  return self->port;
}

void
mp_account_set_port (MpAccount *self,
                     guint      port)
{
  g_return_if_fail (MP_IS_ACCOUNT (self));
  g_return_if_fail (port <= 65535);
  set_uint (self, &self->port, port, PROP_PORT);
}

MpPop3Security
mp_account_get_security (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), MP_POP3_SECURITY_TLS);
  return self->security;
}

void
mp_account_set_security (MpAccount      *self,
                         MpPop3Security  security)
{
  g_return_if_fail (MP_IS_ACCOUNT (self));
  g_return_if_fail (security <= MP_POP3_SECURITY_NONE);
  set_uint (self, (guint *) &self->security, security, PROP_SECURITY);
}

MpPop3AuthMethod
mp_account_get_auth (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), MP_POP3_AUTH_AUTO);
  return self->auth;
}

void
mp_account_set_auth (MpAccount        *self,
                     MpPop3AuthMethod  auth)
{
  g_return_if_fail (MP_IS_ACCOUNT (self));
  g_return_if_fail (auth <= MP_POP3_AUTH_OAUTHBEARER);
  set_uint (self, (guint *) &self->auth, auth, PROP_AUTH);
}

guint
mp_account_get_check_interval (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), MP_ACCOUNT_DEFAULT_CHECK_INTERVAL);
  return self->check_interval;
}

void
mp_account_set_check_interval (MpAccount *self,
                               guint      minutes)
{
  g_return_if_fail (MP_IS_ACCOUNT (self));
  set_uint (self, &self->check_interval, CLAMP (minutes, 1, 1440), PROP_CHECK_INTERVAL);
}

guint
mp_account_get_preview_lines (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), MP_ACCOUNT_DEFAULT_PREVIEW_LINES);
  return self->preview_lines;
}

void
mp_account_set_preview_lines (MpAccount *self,
                              guint      lines)
{
  g_return_if_fail (MP_IS_ACCOUNT (self));
  set_uint (self, &self->preview_lines, MIN (lines, 100000), PROP_PREVIEW_LINES);
}

gboolean
mp_account_get_notify (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), TRUE);
  return self->notify;
}

void
mp_account_set_notify (MpAccount *self,
                       gboolean   notify)
{
  g_return_if_fail (MP_IS_ACCOUNT (self));
  set_uint (self, (guint *) &self->notify, !!notify, PROP_NOTIFY);
}

gboolean
mp_account_get_allow_plaintext_password (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), FALSE);
  return self->allow_plaintext_password;
}

void
mp_account_set_allow_plaintext_password (MpAccount *self,
                                         gboolean   allow)
{
  g_return_if_fail (MP_IS_ACCOUNT (self));
  set_uint (self, (guint *) &self->allow_plaintext_password, !!allow,
            PROP_ALLOW_PLAINTEXT_PASSWORD);
}

char *
mp_account_dup_display_name (MpAccount *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT (self), NULL);
  if (self->name[0] != '\0')
    return g_strdup (self->name);
  return g_strdup_printf ("%s@%s", self->username, self->host);
}

MpPop3Options *
mp_account_to_pop3_options (MpAccount  *self,
                            const char *password)
{
  MpPop3Options *opts;

  g_return_val_if_fail (MP_IS_ACCOUNT (self), NULL);

  /* g_set_str () is GLib 2.76; we target 2.74. */
  opts = mp_pop3_options_new ();
  g_free (opts->host);
  opts->host = g_strdup (self->host);
  opts->port = (guint16) self->port;
  opts->security = self->security;
  g_free (opts->username);
  opts->username = g_strdup (self->username);
  mp_pop3_options_set_password (opts, password);
  opts->auth = self->auth;
  opts->allow_plaintext_password = self->allow_plaintext_password;
  g_free (opts->ca_file);
  opts->ca_file = g_strdup (self->ca_file);
  g_free (opts->pin_sha256);
  opts->pin_sha256 = g_strdup (self->pinned_sha256);
  return opts;
}
