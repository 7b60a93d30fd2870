/* mp-pop3-url.c — pop3s://, pop3:// and RFC 2384 pop:// URLs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include <gio/gio.h>

#include "mp-pop3-url.h"

static gboolean
invalid (GError     **error,
         const char  *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("Invalid POP3 address: %s"), why);
  return FALSE;
}

static gboolean
parse_auth (const char       *mech,
            MpPop3AuthMethod *out)
{
  /* RFC 2384 3: "*" = any, "+APOP" = APOP, else a SASL mechanism name. */
  if (strcmp (mech, "*") == 0)
    *out = MP_POP3_AUTH_AUTO;
  else if (g_ascii_strcasecmp (mech, "+APOP") == 0)
    *out = MP_POP3_AUTH_APOP;
  else if (g_ascii_strcasecmp (mech, "+USER") == 0)
    *out = MP_POP3_AUTH_USER;
  else if (g_ascii_strcasecmp (mech, "PLAIN") == 0)
    *out = MP_POP3_AUTH_PLAIN;
  else if (g_ascii_strcasecmp (mech, "LOGIN") == 0)
    *out = MP_POP3_AUTH_LOGIN;
  else if (g_ascii_strcasecmp (mech, "CRAM-MD5") == 0)
    *out = MP_POP3_AUTH_CRAM_MD5;
  else if (g_ascii_strcasecmp (mech, "XOAUTH2") == 0)
    *out = MP_POP3_AUTH_XOAUTH2;
  else if (g_ascii_strcasecmp (mech, "OAUTHBEARER") == 0)
    *out = MP_POP3_AUTH_OAUTHBEARER;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_port (const char *str,
            guint16    *out)
{
  guint64 value;

  if (*str == '\0' || strlen (str) > 5)
    return FALSE;
  for (const char *p = str; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }
  value = g_ascii_strtoull (str, NULL, 10);
  if (value == 0 || value > 65535)
    return FALSE;
  *out = (guint16) value;
  return TRUE;
}

/* host[:port] or [v6]:port */
static gboolean
parse_hostport (const char  *hostport,
                char       **host_out,
                guint16     *port_out,
                GError     **error)
{
  const char *port_str = NULL;
  g_autofree char *host = NULL;

  if (hostport[0] == '[')
    {
      const char *close = strchr (hostport, ']');
      g_autoptr(GInetAddress) addr = NULL;

      if (close == NULL)
        return invalid (error, _("unterminated IPv6 address"));
      host = g_strndup (hostport + 1, (gsize) (close - hostport - 1));
      addr = g_inet_address_new_from_string (host);
      if (addr == NULL || g_inet_address_get_family (addr) != G_SOCKET_FAMILY_IPV6)
        return invalid (error, _("bad IPv6 address"));
      if (close[1] == ':')
        port_str = close + 2;
      else if (close[1] != '\0')
        return invalid (error, _("unexpected text after the IPv6 address"));
    }
  else
    {
      const char *colon = strchr (hostport, ':');

      host = colon != NULL ? g_strndup (hostport, (gsize) (colon - hostport))
                           : g_strdup (hostport);
      if (colon != NULL)
        port_str = colon + 1;
    }

  if (*host == '\0')
    return invalid (error, _("no server name"));
  for (const char *p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("-._:", *p) == NULL)
        return invalid (error, _("bad character in the server name"));
    }
  *port_out = 0;
  if (port_str != NULL && !parse_port (port_str, port_out))
    return invalid (error, _("bad port number"));
  *host_out = g_steal_pointer (&host);
  return TRUE;
}

/* The URL schemes: how each one secures the session.  pop:// (RFC 2384) never
 * downgrades either: it also requires STLS. */
static const struct {
  const char     *prefix;
  MpPop3Security  security;
  gboolean        rfc2384;
} schemes[] = {
  { "pop3s://", MP_POP3_SECURITY_TLS, FALSE },
  { "pop3://", MP_POP3_SECURITY_STARTTLS, FALSE },
  { "pop://", MP_POP3_SECURITY_STARTTLS, TRUE },
};

/* Returns what follows the scheme, or NULL for an unknown scheme. */
static const char *
parse_scheme (const char     *url,
              MpPop3Security *security,
              gboolean       *rfc2384)
{
  for (gsize i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      gsize len = strlen (schemes[i].prefix);

      if (g_ascii_strncasecmp (url, schemes[i].prefix, len) == 0)
        {
          *security = schemes[i].security;
          *rfc2384 = schemes[i].rfc2384;
          return url + len;
        }
    }
  return NULL;
}

/* "user;AUTH=mech" (cut in place at the ';'). */
static gboolean
parse_userinfo (char              *userinfo,
                gboolean           rfc2384,
                MpPop3AuthMethod  *auth,
                char             **user_out,
                GError           **error)
{
  char *semi = strchr (userinfo, ';');
  g_autofree char *user = NULL;

  if (semi != NULL)
    {
      g_autofree char *mech = NULL;

      *semi = '\0';
      if (g_ascii_strncasecmp (semi + 1, "AUTH=", 5) != 0)
        return invalid (error, _("unknown parameter after “;”"));
      mech = g_uri_unescape_string (semi + 6, NULL);
      if (mech == NULL || !parse_auth (mech, auth))
        return invalid (error, _("unknown login method"));
    }
  else if (rfc2384)
    *auth = MP_POP3_AUTH_USER;   /* RFC 2384 3: no AUTH = USER/PASS */
  if (strchr (userinfo, ':') != NULL)
    return invalid (error, _("a password must not be part of the address"));
  user = g_uri_unescape_string (userinfo, NULL);
  if (user == NULL || *user == '\0' || strpbrk (user, "\r\n") != NULL)
    return invalid (error, _("bad user name"));
  *user_out = g_steal_pointer (&user);
  return TRUE;
}

gboolean
mp_pop3_url_parse (const char     *url,
                   MpPop3Options  *options,
                   GError        **error)
{
  g_autofree char *rest = NULL;
  g_autofree char *user = NULL;
  g_autofree char *host = NULL;
  MpPop3AuthMethod auth = MP_POP3_AUTH_AUTO;
  MpPop3Security security;
  gboolean rfc2384 = FALSE;
  const char *after;
  char *at, *slash;
  guint16 port;

  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  after = parse_scheme (url, &security, &rfc2384);
  if (after == NULL)
    return invalid (error, _("use pop3s://, pop3:// or pop://"));

  rest = g_strdup (after);
  /* Only a trailing "/" is allowed as path. */
  slash = strchr (rest, '/');
  if (slash != NULL)
    {
      if (slash[1] != '\0')
        return invalid (error, _("a path is not allowed"));
      *slash = '\0';
    }

  at = strrchr (rest, '@');
  if (at != NULL)
    {
      *at = '\0';
      if (!parse_userinfo (rest, rfc2384, &auth, &user, error))
        return FALSE;
      after = at + 1;
    }
  else
    after = rest;

  if (!parse_hostport (after, &host, &port, error))
    return FALSE;

  g_free (options->host);
  options->host = g_steal_pointer (&host);
  options->port = port;
  options->security = security;
  options->auth = auth;
  if (user != NULL)
    {
      g_free (options->username);
      options->username = g_steal_pointer (&user);
    }
  return TRUE;
}

/* The ':' that starts a password in @url, and where that password ends; FALSE when
 * there is none. The password runs to the last '@' (it may hold '@' or '/' itself);
 * without an '@', a "port" that is no number may be a password whose host was
 * forgotten ("pop3s://alice:hunter2"), but an IPv6 literal's colons are no port. */
static gboolean
find_password (const char  *url,
               const char **colon_out,
               const char **end_out)
{
  const char *sep = strstr (url, "://");
  const char *start = sep != NULL ? sep + 3 : url;
  const char *at = strrchr (start, '@');
  const char *end, *colon;

  if (at != NULL)
    {
      *colon_out = memchr (start, ':', (gsize) (at - start));
      *end_out = at;
      return *colon_out != NULL;
    }
  end = start + strcspn (start, "/");
  colon = g_strrstr_len (start, end - start, ":");
  if (colon == NULL || memchr (colon, ']', (gsize) (end - colon)) != NULL
      || strspn (colon + 1, "0123456789") == (gsize) (end - colon - 1))
    return FALSE;
  *colon_out = colon;
  *end_out = end;
  return TRUE;
}

char *
mp_pop3_url_redact (const char *url)
{
  const char *colon, *end;

  g_return_val_if_fail (url != NULL, NULL);

  if (!find_password (url, &colon, &end))
    return g_strdup (url);
  return g_strdup_printf ("%.*s:<redacted>%s", (int) (colon - url), url, end);
}
