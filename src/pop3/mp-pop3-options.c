/* mp-pop3-options.c — boxed options of a POP3 session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mp-pop3-options.h"

G_DEFINE_BOXED_TYPE (MpPop3Options, mp_pop3_options,
                     mp_pop3_options_copy, mp_pop3_options_free)

MpPop3Options *
mp_pop3_options_new (void)
{
  MpPop3Options *options = g_new0 (MpPop3Options, 1);

  options->security = MP_POP3_SECURITY_TLS;
  options->auth = MP_POP3_AUTH_AUTO;
  options->timeout_ms = MP_POP3_DEFAULT_TIMEOUT_MS;
  options->max_time_ms = MP_POP3_DEFAULT_MAX_TIME_MS;
  options->speed_limit = MP_POP3_DEFAULT_SPEED_LIMIT;
  options->speed_time_ms = MP_POP3_DEFAULT_SPEED_TIME_MS;
  options->pipeline = -1;
  return options;
}

MpPop3Options *
mp_pop3_options_copy (const MpPop3Options *options)
{
  MpPop3Options *copy;

  g_return_val_if_fail (options != NULL, NULL);

  copy = g_memdup2 (options, sizeof *options);
  copy->host = g_strdup (options->host);
  copy->username = g_strdup (options->username);
  copy->password = g_strdup (options->password);
  copy->ca_file = g_strdup (options->ca_file);
  copy->pin_sha256 = g_strdup (options->pin_sha256);
  copy->verify_host = g_strdup (options->verify_host);
  return copy;
}

static void
wipe_string (char *str)
{
  /* The password must not linger in freed heap memory. */
  if (str != NULL)
    explicit_bzero (str, strlen (str));
  g_free (str);
}

void
mp_pop3_options_free (MpPop3Options *options)
{
  if (options == NULL)
    return;
  g_free (options->host);
  g_free (options->username);
  wipe_string (options->password);
  g_free (options->ca_file);
  g_free (options->pin_sha256);
  g_free (options->verify_host);
  g_free (options);
}

void
mp_pop3_options_set_password (MpPop3Options *options,
                              const char    *password)
{
  g_return_if_fail (options != NULL);

  wipe_string (options->password);
  options->password = g_strdup (password);
}

guint16
mp_pop3_options_get_effective_port (const MpPop3Options *options)
{
  g_return_val_if_fail (options != NULL, 0);

  if (options->port != 0)
    return options->port;
  return options->security == MP_POP3_SECURITY_TLS ? 995 : 110;
}

static const char * const security_names[] = {
  [MP_POP3_SECURITY_TLS] = "tls",
  [MP_POP3_SECURITY_STARTTLS] = "starttls",
  [MP_POP3_SECURITY_STARTTLS_IF_AVAILABLE] = "starttls-if-available",
  [MP_POP3_SECURITY_NONE] = "none",
};

static const char * const auth_names[] = {
  [MP_POP3_AUTH_AUTO] = "auto",
  [MP_POP3_AUTH_USER] = "user",
  [MP_POP3_AUTH_APOP] = "apop",
  [MP_POP3_AUTH_PLAIN] = "plain",
  [MP_POP3_AUTH_LOGIN] = "login",
  [MP_POP3_AUTH_CRAM_MD5] = "cram-md5",
  [MP_POP3_AUTH_XOAUTH2] = "xoauth2",
  [MP_POP3_AUTH_OAUTHBEARER] = "oauthbearer",
};

static gboolean
lookup_name (const char * const *names,
             guint               n_names,
             const char         *str,
             guint              *out)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    {
      if (g_ascii_strcasecmp (names[i], str) == 0)
        {
          *out = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
mp_pop3_security_to_string (MpPop3Security security)
{
  if ((guint) security >= G_N_ELEMENTS (security_names))
    return NULL;
  return security_names[security];
}

gboolean
mp_pop3_security_from_string (const char     *str,
                              MpPop3Security *out)
{
  guint value;

  if (!lookup_name (security_names, G_N_ELEMENTS (security_names), str, &value))
    return FALSE;
  if (out != NULL)
    *out = value;
  return TRUE;
}

const char *
mp_pop3_auth_method_to_string (MpPop3AuthMethod method)
{
  if ((guint) method >= G_N_ELEMENTS (auth_names))
    return NULL;
  return auth_names[method];
}

gboolean
mp_pop3_auth_method_from_string (const char       *str,
                                 MpPop3AuthMethod *out)
{
  guint value;

  if (!lookup_name (auth_names, G_N_ELEMENTS (auth_names), str, &value))
    return FALSE;
  if (out != NULL)
    *out = value;
  return TRUE;
}
